"""What the gateway's handlers reach: configuration, clock, market, broker."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable, Protocol, TypeVar
from zoneinfo import ZoneInfo

from openfutu.market.model import MarketState

from .config import GatewayConfig
from .dispatch import ApiError
from .ratelimit import RateLimitExceeded, RateRule, SlidingWindowLimit
from .subscriptions import SubscriptionBook
from .userdata import UserDataStore

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class WallClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class SteppedClock:
    """Virtual time from ``start`` at ``speed`` times real time."""

    def __init__(self, start: dt.datetime, speed: float) -> None:
        self._start = start
        self._speed = speed
        self._origin = time.monotonic()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=(time.monotonic() - self._origin) * self._speed)


def clock_from_config(config: GatewayConfig) -> Clock:
    try:  # the market's clock when it is there
        from openfutu.market.clock import RealClock, VirtualClock
    except ImportError:
        RealClock, VirtualClock = WallClock, SteppedClock  # type: ignore[misc,assignment]
    if config.openfutu_clock == "virtual":
        start = config.openfutu_clock_start or dt.datetime.now(dt.timezone.utc)
        return VirtualClock(start, config.openfutu_clock_speed)
    return RealClock()


# A first session table (local exchange time, weekdays; holidays come with
# the market calendars): (timezone, [(start, end, state)]) — spec §2.5.
_H = dt.time
_FIRST_SESSIONS: dict[str, tuple[str, list[tuple[dt.time, dt.time, MarketState]]]] = {
    "HK": ("Asia/Hong_Kong", [
        (_H(9, 0), _H(9, 30), MarketState.AUCTION),
        (_H(9, 30), _H(12, 0), MarketState.MORNING),
        (_H(12, 0), _H(13, 0), MarketState.REST),
        (_H(13, 0), _H(16, 0), MarketState.AFTERNOON),
        (_H(16, 0), _H(16, 10), MarketState.CLOSE_AUCTION),
    ]),
    "US": ("America/New_York", [
        (_H(4, 0), _H(9, 30), MarketState.PRE_MARKET_BEGIN),
        (_H(9, 30), _H(16, 0), MarketState.AFTERNOON),  # docs L720: US regular = AFTERNOON
        (_H(16, 0), _H(20, 0), MarketState.AFTER_HOURS_BEGIN),
    ]),
    "SH": ("Asia/Shanghai", [
        (_H(9, 15), _H(9, 25), MarketState.AUCTION),
        (_H(9, 30), _H(11, 30), MarketState.MORNING),
        (_H(11, 30), _H(13, 0), MarketState.REST),
        (_H(13, 0), _H(15, 0), MarketState.AFTERNOON),
    ]),
    "HK_FUTURE": ("Asia/Hong_Kong", [
        (_H(9, 15), _H(12, 0), MarketState.FUTURE_DAY_OPEN),
        (_H(12, 0), _H(13, 0), MarketState.FUTURE_DAY_BREAK),
        (_H(13, 0), _H(16, 30), MarketState.FUTURE_DAY_OPEN),
        (_H(17, 15), _H(23, 59, 59), MarketState.NIGHT_OPEN),
    ]),
}
_FIRST_SESSIONS["SZ"] = _FIRST_SESSIONS["SH"]


def first_session_state(market: str, at: dt.datetime) -> MarketState:
    zone, table = _FIRST_SESSIONS[market]
    local = at.astimezone(ZoneInfo(zone))
    if local.weekday() >= 5:
        return MarketState.CLOSED
    for start, end, state in table:
        if start <= local.time() < end:
            return state
    return MarketState.CLOSED


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
        now = self.clock.now()
        try:
            from openfutu.market.calendars import global_market_states
        except ImportError:
            return {m: first_session_state(m, now) for m in _FIRST_SESSIONS}
        return {str(m.value): s for m, s in global_market_states(now).items()}

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
