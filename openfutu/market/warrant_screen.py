"""get_warrant as a domain function: one row of figures per HK warrant, CBBC
or inline warrant, the WarrantRequest filter, sorting and paging.

Rows are built from a warrant's terms, its own trading (last price, book
top, volume) and the underlying's price, using the analytics of
``openfutu.market.derivatives.warrants``.  Which figures exist for which
type follows Qot_GetWarrant.proto: IV and delta for calls/puts only, call
(recovery) price and its distance for CBBCs only, upper/lower strike and the
range status for inline warrants only.  A bound on a figure a row does not
have excludes the row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum

from openfutu.market.derivatives.options import year_fraction
from openfutu.market.derivatives.warrants import (
    PriceStatus,
    WarrantKind,
    warrant_analytics,
)

MAX_WARRANTS_PER_PAGE = 200  # docs L4014


class WarrantStatus(IntEnum):
    """Qot_Common.WarrantStatus."""

    UNKNOWN = 0
    NORMAL = 1
    SUSPEND = 2
    STOP_TRADE = 3
    PENDING_LISTING = 4


class IpoPeriod(IntEnum):
    """Qot_Common.IpoPeriod (docs L6118): when the warrant was or will be listed."""

    UNKNOWN = 0
    TODAY = 1
    TOMORROW = 2
    NEXT_WEEK = 3
    LAST_WEEK = 4
    LAST_MONTH = 5


class WarrantSortField(IntEnum):
    """The Qot_Common.SortField values get_warrant sorts by (docs L7080-L7233)."""

    CODE = 1
    CUR_PRICE = 2
    PRICE_CHANGE_VAL = 3
    CHANGE_RATE = 4
    STATUS = 5
    BID_PRICE = 6
    ASK_PRICE = 7
    BID_VOL = 8
    ASK_VOL = 9
    VOLUME = 10
    TURNOVER = 11
    SCORE = 12
    PREMIUM = 13
    EFFECTIVE_LEVERAGE = 14
    DELTA = 15
    IMPLIED_VOLATILITY = 16
    TYPE = 17
    STRIKE_PRICE = 18
    BREAK_EVEN_POINT = 19
    MATURITY_TIME = 20
    LIST_TIME = 21
    LAST_TRADE_TIME = 22
    LEVERAGE = 23
    IN_OUT_MONEY = 24
    RECOVERY_PRICE = 25
    CHANGE_PRICE = 26  # conversion price
    CHANGE = 27  # conversion ratio
    STREET_RATE = 28
    STREET_VOL = 29
    AMPLITUDE = 30
    WARRANT_NAME = 31
    ISSUER = 32
    LOT_SIZE = 33
    ISSUE_SIZE = 34
    UPPER_STRIKE_PRICE = 45
    LOWER_STRIKE_PRICE = 46
    INLINE_PRICE_STATUS = 47


@dataclass(frozen=True, slots=True)
class WarrantTrading:
    """A warrant's own market data at the screening time."""

    last_price: float
    prev_close: float
    high: float
    low: float
    volume: int
    turnover: float
    bid_price: float
    ask_price: float
    bid_volume: int
    ask_volume: int
    suspended: bool = False


@dataclass(frozen=True, slots=True)
class WarrantRow:
    """One get_warrant row; percent figures as 20 == 20%; None = not applicable."""

    code: str
    name: str
    owner: str
    kind: WarrantKind
    issuer: int  # Qot_Common.Issuer
    maturity_date: dt.date
    list_date: dt.date
    last_trade_date: dt.date
    conversion_ratio: float
    lot_size: int
    strike_price: float
    last_close: float
    cur_price: float
    price_change: float
    change_rate: float
    status: WarrantStatus
    bid_price: float
    ask_price: float
    bid_volume: int
    ask_volume: int
    volume: int
    turnover: float
    score: float
    premium: float
    break_even_point: float
    leverage: float
    ipop: float
    conversion_price: float
    street_rate: float
    street_volume: int
    amplitude: float
    issue_size: int
    high: float
    low: float
    effective_leverage: float
    price_status: PriceStatus | None  # in/out of the money; None for inline warrants
    recovery_price: float | None = None
    price_recovery_ratio: float | None = None
    implied_volatility: float | None = None
    delta: float | None = None
    upper_strike_price: float | None = None
    lower_strike_price: float | None = None
    inline_price_status: PriceStatus | None = None


def warrant_status(list_date: dt.date, last_trade_date: dt.date, today: dt.date,
                   suspended: bool) -> WarrantStatus:
    if today < list_date:
        return WarrantStatus.PENDING_LISTING
    if today > last_trade_date:
        return WarrantStatus.STOP_TRADE
    return WarrantStatus.SUSPEND if suspended else WarrantStatus.NORMAL


def warrant_score(trading: WarrantTrading, street_rate: float, lot_size: int) -> float:
    """Our composite score, 0-100 (the docs only name it): liquidity, a tight
    spread and a small street share score high."""
    mid = (trading.bid_price + trading.ask_price) / 2
    spread = (trading.ask_price - trading.bid_price) / mid if mid > 0 and trading.ask_price > 0 else 1.0
    liquidity = min(math.log10(1.0 + trading.turnover) / 8.0, 1.0)
    tight = max(0.0, 1.0 - spread * 20.0)
    street = max(0.0, 1.0 - street_rate / 100.0)
    return round(100.0 * (0.4 * liquidity + 0.35 * tight + 0.25 * street), 1)


def build_warrant_row(*, code: str, name: str, owner: str, kind: WarrantKind | int | str,
                      issuer: int, strike: float, conversion_ratio: float, lot_size: int,
                      maturity_date: dt.date, list_date: dt.date, last_trade_date: dt.date,
                      issue_size: int, street_volume: int, trading: WarrantTrading, spot: float,
                      now: dt.datetime | dt.date, call_price: float | None = None,
                      lower_strike: float | None = None, upper_strike: float | None = None,
                      rate: float = 0.0, dividend_yield: float = 0.0,
                      fallback_volatility: float | None = None,
                      score: float | None = None) -> WarrantRow:
    """Every get_warrant figure of one warrant (see WarrantRow); ``score``
    given (e.g. the snapshot's) replaces our own composite score."""
    k = WarrantKind(kind) if not isinstance(kind, WarrantKind) else kind
    today = now.date() if isinstance(now, dt.datetime) else now
    price = trading.last_price if trading.last_price > 0 else trading.prev_close
    years = max(year_fraction(now, maturity_date), 0.0)
    a = warrant_analytics(kind=k, price=max(price, 1e-6), spot=spot, strike=strike,
                          conversion_ratio=conversion_ratio, years=years, rate=rate,
                          dividend_yield=dividend_yield, call_price=call_price,
                          lower_strike=lower_strike, upper_strike=upper_strike,
                          street_volume=street_volume, issue_volume=issue_size,
                          fallback_volatility=fallback_volatility)
    street_rate = round(a.street_ratio or 0.0, 3)
    change = round(trading.last_price - trading.prev_close, 6) if trading.last_price else 0.0
    change_rate = round(change / trading.prev_close * 100.0, 4) if trading.prev_close else 0.0
    amplitude = (round((trading.high - trading.low) / trading.prev_close * 100.0, 4)
                 if trading.prev_close and trading.volume else 0.0)
    inline = k == WarrantKind.INLINE
    return WarrantRow(
        code=code, name=name, owner=owner, kind=k, issuer=int(issuer),
        maturity_date=maturity_date, list_date=list_date, last_trade_date=last_trade_date,
        conversion_ratio=conversion_ratio, lot_size=lot_size,
        strike_price=0.0 if inline else strike, last_close=trading.prev_close,
        cur_price=trading.last_price, price_change=change, change_rate=change_rate,
        status=warrant_status(list_date, last_trade_date, today, trading.suspended),
        bid_price=trading.bid_price, ask_price=trading.ask_price,
        bid_volume=trading.bid_volume, ask_volume=trading.ask_volume,
        volume=trading.volume, turnover=trading.turnover,
        score=warrant_score(trading, street_rate, lot_size) if score is None else score,
        premium=_r(a.premium), break_even_point=_r(a.break_even_point), leverage=_r(a.leverage),
        ipop=_r(a.ipop), conversion_price=_r(a.conversion_price) if not inline else 0.0,
        street_rate=street_rate, street_volume=street_volume, amplitude=amplitude,
        issue_size=issue_size, high=trading.high, low=trading.low,
        effective_leverage=_r(a.effective_leverage),
        price_status=None if inline else a.price_status,
        recovery_price=a.recovery_price,
        price_recovery_ratio=None if a.price_recovery_ratio is None else round(a.price_recovery_ratio, 4),
        implied_volatility=None if a.implied_volatility is None else round(a.implied_volatility, 3),
        delta=None if a.delta is None else round(a.delta, 4),
        upper_strike_price=a.upper_strike_price, lower_strike_price=a.lower_strike_price,
        inline_price_status=a.inline_price_status,
    )


def _r(value: float | None) -> float:
    return 0.0 if value is None or not math.isfinite(value) else round(value, 4)


# ------------------------------------------------------------------ filter

Bound = tuple[float | None, float | None]


@dataclass(frozen=True, slots=True)
class WarrantQuery:
    """The WarrantRequest filter (docs L3852-L3888); None = no condition."""

    kinds: tuple[int, ...] = ()
    issuers: tuple[int, ...] = ()
    maturity_min: dt.date | None = None
    maturity_max: dt.date | None = None
    ipo_period: IpoPeriod | None = None
    price_type: PriceStatus | None = None
    status: WarrantStatus | None = None
    cur_price: Bound = (None, None)
    strike_price: Bound = (None, None)
    street_rate: Bound = (None, None)
    conversion_ratio: Bound = (None, None)
    volume: Bound = (None, None)
    premium: Bound = (None, None)
    leverage: Bound = (None, None)
    delta: Bound = (None, None)
    implied_volatility: Bound = (None, None)
    recovery_price: Bound = (None, None)
    price_recovery_ratio: Bound = (None, None)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple) and len(value) == 2 and f.name not in ("kinds", "issuers"):
                lo, hi = value
                if lo is not None and hi is not None and lo > hi:
                    raise ValueError(f"{f.name}: minimum {lo} is above maximum {hi}")
        if (self.maturity_min is not None and self.maturity_max is not None
                and self.maturity_min > self.maturity_max):
            raise ValueError("maturity_time_min is after maturity_time_max")


_RANGES: tuple[tuple[str, Callable[[WarrantRow], float | None]], ...] = (
    ("cur_price", lambda r: r.cur_price),
    ("strike_price", lambda r: None if r.kind == WarrantKind.INLINE else r.strike_price),
    ("street_rate", lambda r: r.street_rate),
    ("conversion_ratio", lambda r: r.conversion_ratio),
    ("volume", lambda r: float(r.volume)),
    ("premium", lambda r: None if r.kind == WarrantKind.INLINE else r.premium),
    ("leverage", lambda r: None if r.kind == WarrantKind.INLINE else r.leverage),
    ("delta", lambda r: r.delta),
    ("implied_volatility", lambda r: r.implied_volatility),
    ("recovery_price", lambda r: r.recovery_price),
    ("price_recovery_ratio", lambda r: r.price_recovery_ratio),
)


def _in_ipo_period(list_date: dt.date, period: IpoPeriod, today: dt.date,
                   next_trading_day: dt.date) -> bool:
    if period == IpoPeriod.TODAY:
        return list_date == today
    if period == IpoPeriod.TOMORROW:
        return list_date == next_trading_day
    if period == IpoPeriod.NEXT_WEEK:
        return today < list_date <= today + dt.timedelta(days=7)
    if period == IpoPeriod.LAST_WEEK:
        return today - dt.timedelta(days=7) <= list_date <= today
    if period == IpoPeriod.LAST_MONTH:
        return today - dt.timedelta(days=30) <= list_date <= today
    return True


def matches(row: WarrantRow, query: WarrantQuery, today: dt.date,
            next_trading_day: dt.date | None = None) -> bool:
    """Whether ``row`` passes every condition of ``query`` (closed bounds)."""
    if query.kinds and int(row.kind) not in query.kinds:
        return False
    if query.issuers and row.issuer not in query.issuers:
        return False
    if query.maturity_min is not None and row.maturity_date < query.maturity_min:
        return False
    if query.maturity_max is not None and row.maturity_date > query.maturity_max:
        return False
    if query.ipo_period is not None and query.ipo_period != IpoPeriod.UNKNOWN:
        nxt = next_trading_day or today + dt.timedelta(days=1)
        if not _in_ipo_period(row.list_date, query.ipo_period, today, nxt):
            return False
    if query.price_type is not None and query.price_type != PriceStatus.UNKNOWN:
        # inline warrants have no in/out of the money (Qot_GetWarrant.proto)
        if row.price_status is None or row.price_status != query.price_type:
            return False
    if query.status is not None and query.status != WarrantStatus.UNKNOWN and row.status != query.status:
        return False
    for name, value_of in _RANGES:
        lo, hi = getattr(query, name)
        if lo is None and hi is None:
            continue
        value = value_of(row)
        if value is None:
            return False
        if lo is not None and value < lo:
            return False
        if hi is not None and value > hi:
            return False
    return True


# ------------------------------------------------------------------ sort

_SORT_KEYS: dict[WarrantSortField, Callable[[WarrantRow], object]] = {
    WarrantSortField.CODE: lambda r: r.code,
    WarrantSortField.CUR_PRICE: lambda r: r.cur_price,
    WarrantSortField.PRICE_CHANGE_VAL: lambda r: r.price_change,
    WarrantSortField.CHANGE_RATE: lambda r: r.change_rate,
    WarrantSortField.STATUS: lambda r: int(r.status),
    WarrantSortField.BID_PRICE: lambda r: r.bid_price,
    WarrantSortField.ASK_PRICE: lambda r: r.ask_price,
    WarrantSortField.BID_VOL: lambda r: r.bid_volume,
    WarrantSortField.ASK_VOL: lambda r: r.ask_volume,
    WarrantSortField.VOLUME: lambda r: r.volume,
    WarrantSortField.TURNOVER: lambda r: r.turnover,
    WarrantSortField.SCORE: lambda r: r.score,
    WarrantSortField.PREMIUM: lambda r: r.premium,
    WarrantSortField.EFFECTIVE_LEVERAGE: lambda r: r.effective_leverage,
    WarrantSortField.DELTA: lambda r: r.delta,
    WarrantSortField.IMPLIED_VOLATILITY: lambda r: r.implied_volatility,
    WarrantSortField.TYPE: lambda r: int(r.kind),
    WarrantSortField.STRIKE_PRICE: lambda r: r.strike_price,
    WarrantSortField.BREAK_EVEN_POINT: lambda r: r.break_even_point,
    WarrantSortField.MATURITY_TIME: lambda r: r.maturity_date,
    WarrantSortField.LIST_TIME: lambda r: r.list_date,
    WarrantSortField.LAST_TRADE_TIME: lambda r: r.last_trade_date,
    WarrantSortField.LEVERAGE: lambda r: r.leverage,
    WarrantSortField.IN_OUT_MONEY: lambda r: r.ipop,
    WarrantSortField.RECOVERY_PRICE: lambda r: r.recovery_price,
    WarrantSortField.CHANGE_PRICE: lambda r: r.conversion_price,
    WarrantSortField.CHANGE: lambda r: r.conversion_ratio,
    WarrantSortField.STREET_RATE: lambda r: r.street_rate,
    WarrantSortField.STREET_VOL: lambda r: r.street_volume,
    WarrantSortField.AMPLITUDE: lambda r: r.amplitude,
    WarrantSortField.WARRANT_NAME: lambda r: r.name,
    WarrantSortField.ISSUER: lambda r: r.issuer,
    WarrantSortField.LOT_SIZE: lambda r: r.lot_size,
    WarrantSortField.ISSUE_SIZE: lambda r: r.issue_size,
    WarrantSortField.UPPER_STRIKE_PRICE: lambda r: r.upper_strike_price,
    WarrantSortField.LOWER_STRIKE_PRICE: lambda r: r.lower_strike_price,
    WarrantSortField.INLINE_PRICE_STATUS: lambda r: None if r.inline_price_status is None else int(r.inline_price_status),
}


def sort_field_of(value: int) -> WarrantSortField:
    try:
        return WarrantSortField(value)
    except ValueError:
        raise ValueError(f"sort field {value} does not apply to warrants") from None


def sort_warrants(rows: Iterable[WarrantRow], field: WarrantSortField, ascend: bool) -> list[WarrantRow]:
    """Sorted by ``field``; rows without the figure go last either way, ties by code."""
    key = _SORT_KEYS[field]
    rows = list(rows)
    have = [r for r in rows if key(r) is not None]
    lack = [r for r in rows if key(r) is None]
    have.sort(key=lambda r: r.code)
    have.sort(key=key, reverse=not ascend)  # type: ignore[arg-type]
    lack.sort(key=lambda r: r.code)
    return have + lack


@dataclass(frozen=True, slots=True)
class WarrantPage:
    rows: list[WarrantRow]
    last_page: bool
    all_count: int


# ------------------------------------------------- screening from listings

@dataclass(frozen=True, slots=True)
class WarrantListing:
    """The static terms of a warrant: enough to filter and sort on terms
    before any price is looked at (attribute names as in WarrantRow)."""

    code: str
    name: str
    owner: str
    kind: WarrantKind
    issuer: int
    maturity_date: dt.date
    list_date: dt.date
    last_trade_date: dt.date
    strike_price: float  # 0 for inline warrants
    conversion_ratio: float
    lot_size: int
    issue_size: int
    recovery_price: float | None = None
    upper_strike_price: float | None = None
    lower_strike_price: float | None = None


#: Sort fields that only read terms: a page can be cut before pricing.
STATIC_SORT_FIELDS = frozenset({
    WarrantSortField.CODE, WarrantSortField.TYPE, WarrantSortField.STRIKE_PRICE,
    WarrantSortField.MATURITY_TIME, WarrantSortField.LIST_TIME, WarrantSortField.LAST_TRADE_TIME,
    WarrantSortField.CHANGE, WarrantSortField.WARRANT_NAME, WarrantSortField.ISSUER,
    WarrantSortField.LOT_SIZE, WarrantSortField.ISSUE_SIZE, WarrantSortField.RECOVERY_PRICE,
    WarrantSortField.UPPER_STRIKE_PRICE, WarrantSortField.LOWER_STRIKE_PRICE,
})
_STATIC_RANGES = ("strike_price", "conversion_ratio", "recovery_price")
_MARKET_RANGES = ("cur_price", "street_rate", "volume", "premium", "leverage", "delta",
                  "implied_volatility", "price_recovery_ratio")


def needs_market_data(query: WarrantQuery) -> bool:
    """Whether a condition reads prices (everything but the terms)."""
    if query.price_type not in (None, PriceStatus.UNKNOWN):
        return True
    if query.status not in (None, WarrantStatus.UNKNOWN):
        return True
    return any(getattr(query, name) != (None, None) for name in _MARKET_RANGES)


def listing_matches(listing: WarrantListing, query: WarrantQuery, today: dt.date,
                    next_trading_day: dt.date | None = None) -> bool:
    """The conditions on terms alone (type, issuer, maturity, listing period,
    strike, conversion ratio, call price)."""
    if query.kinds and int(listing.kind) not in query.kinds:
        return False
    if query.issuers and listing.issuer not in query.issuers:
        return False
    if query.maturity_min is not None and listing.maturity_date < query.maturity_min:
        return False
    if query.maturity_max is not None and listing.maturity_date > query.maturity_max:
        return False
    if query.ipo_period is not None and query.ipo_period != IpoPeriod.UNKNOWN:
        nxt = next_trading_day or today + dt.timedelta(days=1)
        if not _in_ipo_period(listing.list_date, query.ipo_period, today, nxt):
            return False
    for name in _STATIC_RANGES:
        lo, hi = getattr(query, name)
        if lo is None and hi is None:
            continue
        value = getattr(listing, name)
        if name == "strike_price" and listing.kind == WarrantKind.INLINE:
            value = None
        if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
            return False
    return True


RowBuilder = Callable[[list[WarrantListing]], list[WarrantRow]]


def screen_listings(listings: Sequence[WarrantListing], query: WarrantQuery, sort_field: int,
                    ascend: bool, begin: int, num: int, today: dt.date, build: RowBuilder,
                    next_trading_day: dt.date | None = None) -> WarrantPage:
    """screen_warrants that prices only what it must: conditions on terms
    first, and when neither a condition nor the sort reads prices, only the
    rows of the page are built."""
    if begin < 0:
        raise ValueError("begin must not be negative")
    if num < 0 or num > MAX_WARRANTS_PER_PAGE:
        raise ValueError(f"num must be between 0 and {MAX_WARRANTS_PER_PAGE}")
    field = sort_field_of(sort_field)
    candidates = [x for x in listings if listing_matches(x, query, today, next_trading_day)]
    if field in STATIC_SORT_FIELDS and not needs_market_data(query):
        ordered = sort_warrants(candidates, field, ascend)  # type: ignore[arg-type]
        page = ordered[begin:begin + num]
        return WarrantPage(build(page), begin + num >= len(ordered), len(ordered))  # type: ignore[arg-type]
    return screen_warrants(build(candidates), query, field, ascend, begin, num, today, next_trading_day)


def screen_warrants(rows: Sequence[WarrantRow], query: WarrantQuery, sort_field: int, ascend: bool,
                    begin: int, num: int, today: dt.date,
                    next_trading_day: dt.date | None = None) -> WarrantPage:
    """Filter, sort and cut one page (docs L3833-L4015: begin/num, at most
    200 rows, last_page and the total count of matches)."""
    if begin < 0:
        raise ValueError("begin must not be negative")
    if num < 0 or num > MAX_WARRANTS_PER_PAGE:
        raise ValueError(f"num must be between 0 and {MAX_WARRANTS_PER_PAGE}")
    field = sort_field_of(sort_field)
    hits = [r for r in rows if matches(r, query, today, next_trading_day)]
    ordered = sort_warrants(hits, field, ascend)
    page = ordered[begin:begin + num]
    return WarrantPage(page, begin + num >= len(ordered), len(ordered))
