"""What the gateway's handlers reach: configuration, clock, market, broker."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable, TypeVar

from openfutu.market.calendars import TradingMarket, calendar_for, global_market_states
from openfutu.market.clock import Clock, RealClock, VirtualClock
from openfutu.market.model import MarketState

from .config import GatewayConfig
from .dispatch import ApiError
from .ratelimit import RateLimitExceeded, RateRule, SlidingWindowLimit
from .subscriptions import SubscriptionBook
from .userdata import UserDataStore

T = TypeVar("T")


def clock_from_config(config: GatewayConfig) -> Clock:
    """The market clock the configuration asks for: real time, or virtual
    time from openfutu_clock_start (default: now) at openfutu_clock_speed."""
    if config.openfutu_clock == "virtual":
        start = config.openfutu_clock_start or dt.datetime.now(dt.timezone.utc)
        return VirtualClock(start, config.openfutu_clock_speed)
    return RealClock()


def first_session_state(market: str, at: dt.datetime) -> MarketState:
    """State of ``market`` ("HK", "US", "SH", "HK_FUTURE", ...) at ``at``,
    from the market calendars; KeyError for a market without one."""
    try:
        trading_market = TradingMarket(market)
    except ValueError:
        raise KeyError(market) from None
    return calendar_for(trading_market).state_at(at)


@dataclass
class Services:
    """Shared state of one gateway.  Heavy parts (market, user data, broker)
    are built on first use so that a gateway serving only system protocols
    starts instantly; ``close`` releases whatever was built."""

    config: GatewayConfig
    clock: Clock
    _components: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_config(cls, config: GatewayConfig) -> "Services":
        return cls(config=config, clock=clock_from_config(config))

    def component(self, name: str, build: Callable[["Services"], T]) -> T:
        """The shared ``name`` component, built by ``build(self)`` on first use."""
        if name not in self._components:
            self._components[name] = build(self)
        return self._components[name]  # type: ignore[no-any-return]

    @property
    def data_dir(self) -> Path:
        path = Path(self.config.openfutu_data_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def market(self) -> Any:
        """The simulated market (openfutu.market.simulated.SimulatedMarket)."""

        def build(services: "Services") -> Any:
            from openfutu.market.simulated import SimulatedMarket

            return SimulatedMarket(
                seed=services.config.openfutu_seed,
                clock=services.clock,
                universe_file=services.config.openfutu_universe_file,
            )

        return self.component("market", build)

    @property
    def userdata(self) -> UserDataStore:
        """Watchlists, price reminders and history K-line quota use (SQLite)."""
        return self.component("userdata", lambda s: UserDataStore(s.data_dir / "userdata.sqlite3"))

    @property
    def subscriptions(self) -> SubscriptionBook:
        return self.component("subscriptions", lambda s: SubscriptionBook(s.config.openfutu_sub_quota))

    @property
    def login_user_id(self) -> int:
        """The Futu user ID we report: the login account when it is numeric
        (a Futu ID), else a stable number derived from it."""
        account = self.config.login_account or ""
        if account.isdigit():
            return int(account)
        return int.from_bytes(hashlib.sha1(account.encode()).digest()[:4], "little")

    def market_states(self) -> dict[str, MarketState]:
        """Market state per market name (HK, US, SH, SZ, HK_FUTURE, ...)."""
        return {str(m.value): s for m, s in global_market_states(self.clock.now()).items()}

    def check_rate(self, rule: RateRule, key: Hashable) -> None:
        """Count one request under ``rule`` for ``key`` (user, account ...) or
        refuse it with the documented kind of error.  Request rates are about
        real time, so the monotonic clock is used even under a virtual market clock."""
        limits: dict[RateRule, SlidingWindowLimit] = self.component("rate_limits", lambda s: {})
        limit = limits.setdefault(rule, SlidingWindowLimit(rule))
        try:
            limit.check(key, time.monotonic())
        except RateLimitExceeded as err:
            raise ApiError(str(err)) from None

    def close(self) -> None:
        """Release files and background work of every built component."""
        for component in reversed(list(self._components.values())):
            close = getattr(component, "close", None)
            if callable(close):
                close()
        self._components.clear()
