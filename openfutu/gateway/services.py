"""What the gateway's handlers reach: configuration, clock, market, broker."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from openfutu.market.model import MarketState

from .config import GatewayConfig


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
    config: GatewayConfig
    clock: Clock

    @classmethod
    def from_config(cls, config: GatewayConfig) -> "Services":
        return cls(config=config, clock=clock_from_config(config))

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

    def close(self) -> None:
        """Release files and background work (the broker ledger later)."""
