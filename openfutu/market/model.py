"""Core vocabulary of the simulated market: markets, security types, market
states and the instrument record.

Plain Python only (no protobuf): the integer values equal the wire enums of
Qot_Common so that the gateway can pass them through unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum


class QotMarket(IntEnum):
    """Quote market a security is listed in (Qot_Common.QotMarket)."""

    UNKNOWN = 0
    HK_SECURITY = 1
    HK_FUTURE = 2
    US_SECURITY = 11
    CNSH_SECURITY = 21
    CNSZ_SECURITY = 22
    SG_SECURITY = 31
    JP_SECURITY = 41
    AU_SECURITY = 51
    MY_SECURITY = 61
    CA_SECURITY = 71
    FX_SECURITY = 81


#: Code prefixes used by the Futu API ("HK.00700") and their quote market.
MARKET_BY_PREFIX: dict[str, QotMarket] = {
    "HK": QotMarket.HK_SECURITY,
    "US": QotMarket.US_SECURITY,
    "SH": QotMarket.CNSH_SECURITY,
    "SZ": QotMarket.CNSZ_SECURITY,
    "SG": QotMarket.SG_SECURITY,
    "JP": QotMarket.JP_SECURITY,
    "AU": QotMarket.AU_SECURITY,
    "MY": QotMarket.MY_SECURITY,
    "CA": QotMarket.CA_SECURITY,
    "FX": QotMarket.FX_SECURITY,
}
PREFIX_BY_MARKET: dict[QotMarket, str] = {m: p for p, m in MARKET_BY_PREFIX.items()}
# HK futures are quoted with the "HK." prefix as well (e.g. HK.HSImain).
PREFIX_BY_MARKET[QotMarket.HK_FUTURE] = "HK"


class SecurityType(IntEnum):
    """Kind of security (Qot_Common.SecurityType)."""

    UNKNOWN = 0
    BOND = 1
    BWRT = 2  # basket warrant
    EQTY = 3  # stock
    TRUST = 4  # fund / ETF
    WARRANT = 5
    INDEX = 6
    PLATE = 7
    DRVT = 8  # option
    PLATESET = 9
    FUTURE = 10
    FOREX = 11


class MarketState(IntEnum):
    """Market state (Qot_Common.QotMarketState); docs L12240-L12300 list them."""

    NONE = 0
    AUCTION = 1
    WAITING_OPEN = 2
    MORNING = 3
    REST = 4
    AFTERNOON = 5
    CLOSED = 6
    PRE_MARKET_BEGIN = 8
    PRE_MARKET_END = 9
    AFTER_HOURS_BEGIN = 10
    AFTER_HOURS_END = 11
    FUTU_SWITCH_DATE = 12
    NIGHT_OPEN = 13
    NIGHT_END = 14
    FUTURE_DAY_OPEN = 15
    FUTURE_DAY_BREAK = 16
    FUTURE_DAY_CLOSE = 17
    FUTURE_DAY_WAIT_FOR_OPEN = 18
    HK_CAS = 19
    FUTURE_NIGHT_WAIT = 20
    FUTURE_AFTERNOON = 21
    FUTURE_SWITCH_DATE = 22
    FUTURE_OPEN = 23
    FUTURE_BREAK = 24
    FUTURE_BREAK_OVER = 25
    FUTURE_CLOSE = 26
    STIB_AFTER_HOURS_WAIT = 27
    STIB_AFTER_HOURS_BEGIN = 28
    STIB_AFTER_HOURS_END = 29
    CLOSE_AUCTION = 30
    AFTERNOON_END = 31
    NIGHT = 32
    OVERNIGHT_BEGIN = 33
    OVERNIGHT_END = 34
    TRADE_AT_LAST = 35
    TRADE_AUCTION = 36
    OVERNIGHT = 37


@dataclass(frozen=True, slots=True)
class SecurityCode:
    """A security as the API names it: market + code, e.g. HK + "00700"."""

    market: QotMarket
    code: str

    @classmethod
    def parse(cls, text: str) -> "SecurityCode":
        """Parse "HK.00700"; raises ValueError with the offending text."""
        prefix, sep, code = text.partition(".")
        if not sep or not code or prefix.upper() not in MARKET_BY_PREFIX:
            raise ValueError(f"wrong code format: {text!r}")
        return cls(MARKET_BY_PREFIX[prefix.upper()], code)

    def __str__(self) -> str:
        return f"{PREFIX_BY_MARKET.get(self.market, '??')}.{self.code}"


@dataclass(slots=True)
class Instrument:
    """Static reference data of one listed security.

    Derivative terms (options, warrants, futures) live in ``terms``; the
    market package defines their record types.
    """

    security: SecurityCode
    name: str
    sec_type: SecurityType
    lot_size: int
    currency: str  # ISO code: HKD, USD, CNY, SGD, JPY
    listing_date: dt.date
    # price the synthetic engine starts from when it has no history yet
    reference_price: float
    # annualised volatility used by the price engine
    volatility: float = 0.3
    exchange_type: int = 0
    delisted: bool = False
    owner: SecurityCode | None = None  # underlying of a derivative
    terms: object | None = None
    plates: tuple[str, ...] = field(default_factory=tuple)

    @property
    def code(self) -> str:
        return str(self.security)
