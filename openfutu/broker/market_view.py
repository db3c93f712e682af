"""What the broker needs from the market, as a structural interface.

The broker never imports the market package: the gateway adapts the real
market to ``MarketView`` and tests use a fake.  Everything here is plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol, runtime_checkable

from openfutu.broker.enums import Currency, TrdSecMarket


class InstrumentKind(IntEnum):
    """What is traded; decides account eligibility, lots, fees and margin."""

    STOCK = 1
    ETF = 2
    WARRANT = 3
    CBBC = 4
    INLINE_WARRANT = 5
    OPTION = 6
    FUTURE = 7
    BOND = 8
    INDEX = 9  # quotable, not tradable

    @property
    def is_derivative(self) -> bool:
        return self in (InstrumentKind.OPTION, InstrumentKind.FUTURE)


class SessionPhase(IntEnum):
    """Trading phase of an instrument's market at a given instant."""

    CLOSED = 0
    PRE_MARKET = 1  # US pre-market
    OPENING_AUCTION = 2  # HK pre-opening / A-share call auction: orders collected
    CONTINUOUS = 3  # regular continuous trading
    BREAK = 4  # lunch break
    CLOSING_AUCTION = 5  # HK closing auction session (CAS)
    AFTER_HOURS = 6  # US after-hours
    OVERNIGHT = 7  # US overnight session

    @property
    def is_auction(self) -> bool:
        return self in (SessionPhase.OPENING_AUCTION, SessionPhase.CLOSING_AUCTION)

    @property
    def is_extended(self) -> bool:
        return self in (SessionPhase.PRE_MARKET, SessionPhase.AFTER_HOURS, SessionPhase.OVERNIGHT)


@dataclass(frozen=True, slots=True)
class InstrumentInfo:
    """Reference data of one tradable security, as the broker sees it."""

    code: str  # "HK.00700", "US.AAPL", "SH.600519", "HK.HSImain"
    name: str
    sec_market: TrdSecMarket
    kind: InstrumentKind
    lot_size: int
    currency: Currency
    timezone: str  # IANA zone of the exchange, e.g. "Asia/Hong_Kong"
    multiplier: float = 1.0  # contract size (options, futures)
    # Tick size as a function of price; None = the market's standard grid.
    tick_size: Callable[[float], float] | None = None
    prev_close: float | None = None
    # A-share daily price limits (exchange rule: +-10 % main board, +-20 %
    # ChiNext/STAR); None = no limit.
    limit_up: float | None = None
    limit_down: float | None = None
    shortable: bool = True
    suspended: bool = False

    @property
    def bare_code(self) -> str:
        return self.code.partition(".")[2]


@dataclass(frozen=True, slots=True)
class BookLevel:
    price: float
    volume: float


@dataclass(frozen=True, slots=True)
class BookView:
    """Displayed order book: bids best (highest) first, asks best (lowest) first."""

    bids: Sequence[BookLevel]
    asks: Sequence[BookLevel]


@dataclass(frozen=True, slots=True)
class MarketTrade:
    """One public trade print. ``auction`` marks an auction uncross print."""

    price: float
    volume: float
    time: dt.datetime
    auction: bool = False


@runtime_checkable
class MarketView(Protocol):
    """The market as the broker uses it."""

    def now(self) -> dt.datetime:
        """Current market time, timezone-aware."""
        ...

    def instrument(self, code: str) -> InstrumentInfo | None:
        """Reference data of ``code`` ("HK.00700"), or None if unknown."""
        ...

    def book(self, code: str) -> BookView:
        """Displayed book of ``code`` now (may be empty)."""
        ...

    def last_price(self, code: str) -> float | None:
        """Last traded (or nominal) price now, None if there has been none."""
        ...

    def trade_cursor(self, code: str) -> int:
        """Number of trade prints of ``code`` so far: the cursor just after
        the latest one.  Print ``i`` (0-based, in time order) has cursor ``i``."""
        ...

    def trades_since(self, code: str, cursor: int) -> tuple[Sequence[MarketTrade], int]:
        """Prints ``cursor, cursor+1, ...`` in time order, and the new cursor
        (``cursor + len(prints)``)."""
        ...

    def session_phase(self, code: str, at: dt.datetime) -> SessionPhase:
        """Trading phase of ``code``'s market at ``at``."""
        ...
