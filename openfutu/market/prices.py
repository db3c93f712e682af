"""Deterministic synthetic prices: daily paths, intraday minutes, trades, quotes.

Everything is a pure function of (engine seed, instrument code, time): the
randomness of a year of daily bars, of a day's minutes and of a minute's
trades comes from its own generator seeded by a blake2b hash of those keys,
so any instant can be asked for first, in any order, with the same answer.

Shape of the model:
- a raw daily close path per instrument: a geometric random walk with the
  instrument's volatility, anchored so that the close on the first trading
  day on/after ``anchor_date`` equals ``Instrument.reference_price``, and
  stepping down on ex-dates of its corporate actions;
- daily OHLCV around it (gap open, wicks, volume in board lots);
- intraday one-minute bars of a day: a Brownian bridge from the day's open
  to its close that touches exactly the day's high and low, with a U-shaped
  volume profile whose lots add up to the day's volume;
- trades inside a minute: first at the minute's open, last at its close,
  touching its high and low, volumes in lots adding up to the minute's.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np

from openfutu.market.model import Instrument, QotMarket, SecurityType

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_TRADING_DAYS_PER_YEAR = 252
_DEFAULT_ANCHOR = dt.date(2025, 1, 2)


# --------------------------------------------------------------------------- randomness


def stable_seed(*parts: object) -> int:
    """64-bit seed from a blake2b hash of ``parts`` (never Python's hash())."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return struct.unpack("<Q", hashlib.blake2b(text, digest_size=8).digest())[0]


def rng_for(*parts: object) -> np.random.Generator:
    return np.random.default_rng(stable_seed(*parts))


# --------------------------------------------------------------------------- vocabulary


class TickerDirection(IntEnum):
    """Aggressor side of a trade (Qot_Common.TickerDirection; docs L7474)."""

    NONE = 0
    BUY = 1
    SELL = 2
    NEUTRAL = 3


class TickerType(IntEnum):
    """Trade type (Qot_Common.TickerType; docs L7494). The ones we emit."""

    UNKNOWN = 0
    AUTO_MATCH = 1
    LATE = 2
    NON_AUTO_MATCH = 3
    ODD_LOT = 6
    AUCTION = 7
    EXTENDED_TRADING_HOURS = 22


class SessionKind(IntEnum):
    """Which part of a trading day a minute belongs to."""

    CONTINUOUS = 0
    PRE_MARKET = 1
    AFTER_HOURS = 2
    OVERNIGHT = 3


@dataclass(frozen=True, slots=True)
class DailyBar:
    """One trading day, unadjusted. ``volume`` in shares (whole lots)."""

    day: dt.date
    open: float
    high: float
    low: float
    close: float
    prev_close: float
    volume: int
    turnover: float


@dataclass(frozen=True, slots=True)
class MinuteBar:
    """One minute. ``time`` is the local end of the minute (Futu labels bars
    by their end: the 09:30-09:31 bar is "09:31"); ``start`` is its start."""

    time: dt.datetime
    start: dt.datetime
    open: float
    high: float
    low: float
    close: float
    volume: int
    turnover: float
    session: SessionKind = SessionKind.CONTINUOUS


@dataclass(frozen=True, slots=True)
class Tick:
    """One public trade print."""

    code: str
    time: dt.datetime  # local exchange time, millisecond resolution
    sequence: int
    price: float
    volume: int  # shares, whole lots
    turnover: float
    direction: TickerDirection
    type: TickerType


@dataclass(frozen=True, slots=True)
class TimeSharePoint:
    """One point of the time-share line (get_rt_data, Qot_Common.TimeShare)."""

    time: dt.datetime  # local end of the minute
    minute: int  # minutes since local midnight (opened_mins)
    is_blank: bool
    price: float
    last_close: float
    avg_price: float  # running turnover / volume
    volume: int
    turnover: float


@dataclass(frozen=True, slots=True)
class ExtendedQuote:
    """US pre-market / after-hours / overnight block of a quote."""

    price: float
    high: float
    low: float
    volume: int
    turnover: float
    change_val: float
    change_rate: float  # percent
    amplitude: float  # percent


@dataclass(frozen=True, slots=True)
class Quote:
    """Everything a quote or snapshot needs that comes from prices."""

    code: str
    trading_day: dt.date
    update_time: dt.datetime  # local time of the last trade
    last_price: float
    open_price: float
    high_price: float
    low_price: float
    prev_close_price: float
    volume: int
    turnover: float
    turnover_rate: float  # percent of outstanding shares
    amplitude: float  # percent of prev close
    change_val: float
    change_rate: float  # percent
    avg_price: float
    price_spread: float  # one tick up from the last price
    close_price_5min: float
    volume_ratio: float
    highest52weeks_price: float
    lowest52weeks_price: float
    highest_history_price: float
    lowest_history_price: float
    limit_up: float | None
    limit_down: float | None
    is_suspended: bool = False
    pre_market: ExtendedQuote | None = None
    after_hours: ExtendedQuote | None = None
    overnight: ExtendedQuote | None = None


# --------------------------------------------------------------------------- calendars


class _SessionLike(Protocol):
    kind: Any
    start: dt.datetime
    end: dt.datetime


class SessionCalendarLike(Protocol):
    """The part of calendars.SessionCalendar the engine uses."""

    timezone: Any

    def trading_days(self, start: dt.date, end: dt.date) -> list[dt.date]: ...

    def sessions(self, day: dt.date) -> Sequence[_SessionLike]: ...

    def continuous_sessions(self, day: dt.date) -> Sequence[_SessionLike]: ...


@dataclass(frozen=True, slots=True)
class _PlainSession:
    kind: str
    start: dt.datetime
    end: dt.datetime


class WeekdaySessionCalendar:
    """Fallback calendar (no holidays): used only when openfutu.market.calendars
    is not importable.  Sessions are the exchanges' regular hours."""

    # (kind, start, end) local clock times; overnight starts the evening before
    _HOURS: dict[str, list[tuple[str, dt.time, dt.time, int]]] = {
        "HK": [("MORNING", dt.time(9, 30), dt.time(12, 0), 0),
               ("AFTERNOON", dt.time(13, 0), dt.time(16, 0), 0)],
        "CN": [("MORNING", dt.time(9, 30), dt.time(11, 30), 0),
               ("AFTERNOON", dt.time(13, 0), dt.time(15, 0), 0)],
        "US": [("OVERNIGHT", dt.time(20, 0), dt.time(4, 0), -1),
               ("PRE_MARKET", dt.time(4, 0), dt.time(9, 30), 0),
               ("REGULAR", dt.time(9, 30), dt.time(16, 0), 0),
               ("AFTER_HOURS", dt.time(16, 0), dt.time(20, 0), 0)],
        "SG": [("MORNING", dt.time(9, 0), dt.time(12, 0), 0),
               ("AFTERNOON", dt.time(13, 0), dt.time(17, 0), 0)],
        "JP": [("MORNING", dt.time(9, 0), dt.time(11, 30), 0),
               ("AFTERNOON", dt.time(12, 30), dt.time(15, 30), 0)],
    }
    _TZ = {"HK": "Asia/Hong_Kong", "CN": "Asia/Shanghai", "US": "America/New_York",
           "SG": "Asia/Singapore", "JP": "Asia/Tokyo"}

    def __init__(self, region: str) -> None:
        self.region = region if region in self._HOURS else "HK"
        self.timezone = ZoneInfo(self._TZ[self.region])

    def is_trading_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def trading_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        n = (end - start).days + 1
        return [d for d in (start + dt.timedelta(i) for i in range(max(n, 0))) if d.weekday() < 5]

    def sessions(self, day: dt.date) -> list[_PlainSession]:
        if day.weekday() >= 5:
            return []
        out = []
        for kind, t0, t1, shift in self._HOURS[self.region]:
            d0 = self._previous_day(day) if shift < 0 else day
            start = dt.datetime.combine(d0, t0, self.timezone)
            end = dt.datetime.combine(day, t1, self.timezone)
            out.append(_PlainSession(kind, start, end))
        return out

    def continuous_sessions(self, day: dt.date) -> list[_PlainSession]:
        return [s for s in self.sessions(day) if _extended_kind(s.kind) is None]

    @staticmethod
    def _previous_day(day: dt.date) -> dt.date:
        d = day - dt.timedelta(1)
        while d.weekday() >= 5:
            d -= dt.timedelta(1)
        return d


_EXTENDED_KINDS = {"PRE_MARKET": SessionKind.PRE_MARKET, "AFTER_HOURS": SessionKind.AFTER_HOURS,
                   "OVERNIGHT": SessionKind.OVERNIGHT}


def _extended_kind(kind: object) -> SessionKind | None:
    """The US extended session a calendar's session kind (enum or string) is,
    by exact name: auctions such as PRE_OPEN_AUCTION are not extended hours."""
    name = str(getattr(kind, "name", kind)).upper()
    return _EXTENDED_KINDS.get(name)


def _region_of(inst: Instrument) -> str:
    m = inst.security.market
    if m in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY):
        return "CN"
    if m == QotMarket.US_SECURITY:
        return "US"
    if m == QotMarket.SG_SECURITY:
        return "SG"
    if m == QotMarket.JP_SECURITY:
        return "JP"
    return "HK"


def default_calendar_source() -> Callable[[Instrument], SessionCalendarLike]:
    """Calendars from openfutu.market.calendars when present, else weekdays."""
    try:
        from openfutu.market import calendars as _cal  # type: ignore[attr-defined]

        def source(inst: Instrument) -> SessionCalendarLike:
            return _cal.calendar_of(inst)  # market and product class (options keep their own hours)

        return source
    except ImportError:
        cache: dict[str, WeekdaySessionCalendar] = {}

        def fallback(inst: Instrument) -> SessionCalendarLike:
            region = _region_of(inst)
            if region not in cache:
                cache[region] = WeekdaySessionCalendar(region)
            return cache[region]

        return fallback


# --------------------------------------------------------------------------- tick rules

def _fallback_tick_size(inst: Instrument, price: float) -> float:
    """Coarse ticks for when openfutu.market.rules is not importable."""
    region = _region_of(inst)
    if region == "CN":
        return 0.001 if inst.sec_type == SecurityType.TRUST else 0.01
    if region == "US":
        return 0.01 if price >= 1.0 else 0.0001
    return 0.01 if price >= 1.0 else 0.001


def _fallback_limit_ratio(inst: Instrument) -> float:
    """Daily limit ratio of an A-share: openfutu.market.rules decides
    (ChiNext/STAR 20 %, ST 5 %, else 10 %)."""
    try:
        from openfutu.market import rules as _rules
    except ImportError:
        code = inst.security.code
        return 0.20 if code.startswith(("300", "301", "688", "689")) else 0.10
    return _rules.limit_ratio(inst) or 0.10


class TickRules:
    """Tick size and A-share limits: openfutu.market.rules when present."""

    def __init__(self) -> None:
        try:
            from openfutu.market import rules as _rules  # type: ignore[attr-defined]

            self._rules: Any = _rules
        except ImportError:
            self._rules = None
        self._band_cache: dict[tuple[int, int, str], tuple[np.ndarray, np.ndarray]] = {}

    def tick_size(self, inst: Instrument, price: float) -> float:
        if self._rules is not None:
            return float(self._rules.tick_size(inst, price))
        return _fallback_tick_size(inst, price)

    def has_limits(self, inst: Instrument) -> bool:
        if self._rules is not None:
            return bool(self._rules.has_price_limits(inst))
        return (inst.security.market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
                and inst.sec_type in (SecurityType.EQTY, SecurityType.TRUST))

    def price_limits(self, inst: Instrument, prev_close: float) -> tuple[float, float]:
        if self._rules is not None:
            lo, hi = self._rules.price_limits(inst, prev_close)
            return float(lo), float(hi)
        r = _fallback_limit_ratio(inst)
        t = self.tick_size(inst, prev_close)
        lo = math.ceil(round(prev_close * (1 - r) / t, 6)) * t
        hi = math.floor(round(prev_close * (1 + r) / t, 6)) * t
        return round(max(lo, t), 6), round(hi, 6)

    def snap(self, inst: Instrument, prices: np.ndarray) -> np.ndarray:
        """Round every price to its nearest tick, band by band."""
        if prices.size == 0:
            return prices
        out = prices
        for _ in range(2):  # a second pass settles prices rounded into a coarser band
            ticks = self._ticks_of(inst, out)
            out = np.round(np.round(out / ticks) * ticks, 6)
        return np.maximum(out, self.tick_size(inst, 0.0))

    def _ticks_of(self, inst: Instrument, prices: np.ndarray) -> np.ndarray:
        """Tick of every price, from the instrument class's band table."""
        flat = np.maximum(prices, 1e-9)
        t_min, t_max = self.tick_size(inst, float(flat.min())), self.tick_size(inst, float(flat.max()))
        if t_min == t_max:
            return np.full(prices.shape, t_min)
        edges, ticks = self._bands(inst)
        return ticks[np.searchsorted(edges, flat, side="right")]

    def _bands(self, inst: Instrument) -> tuple[np.ndarray, np.ndarray]:
        """Band edges and ticks of ``inst``'s class (market, type): tick size
        never falls as the price rises, so each edge is found by bisection."""
        key = (int(inst.security.market), int(inst.sec_type), inst.security.code[:3])
        hit = self._band_cache.get(key)
        if hit is not None:
            return hit
        grid = np.geomspace(1e-4, 1e7, 400)
        tk = [self.tick_size(inst, float(p)) for p in grid]
        edges: list[float] = []
        ticks = [tk[0]]
        for i in range(1, grid.size):
            if tk[i] == tk[i - 1]:
                continue
            lo, hi = float(grid[i - 1]), float(grid[i])
            for _ in range(60):  # smallest price with the new tick
                mid = (lo + hi) / 2
                if self.tick_size(inst, mid) == tk[i - 1]:
                    lo = mid
                else:
                    hi = mid
            edges.append(round(hi, 6))
            ticks.append(tk[i])
        value = (np.array(edges), np.array(ticks))
        self._band_cache[key] = value
        return value


# --------------------------------------------------------------------------- instruments


class InstrumentSource(Protocol):
    def instrument(self, code: str) -> Instrument | None: ...


def _lookup_function(universe: object) -> Callable[[str], Instrument | None]:
    if hasattr(universe, "instrument"):
        return universe.instrument  # type: ignore[no-any-return, attr-defined]
    if isinstance(universe, Mapping):
        return universe.get
    if callable(universe):
        return universe  # type: ignore[return-value]
    raise TypeError("universe must have instrument(code), be a Mapping or a callable")


def _constituents_function(universe: object) -> Callable[[str], Sequence[str]]:
    fn = getattr(universe, "constituents", None)
    if callable(fn):
        return fn  # type: ignore[no-any-return]
    return lambda code: ()


# --------------------------------------------------------------------------- daily series


@dataclass(slots=True)
class DailySeries:
    """Daily bars of one instrument as arrays; index i is ``days[i]``."""

    days: list[dt.date]
    ordinals: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    prev_close: np.ndarray
    volume: np.ndarray  # shares
    turnover: np.ndarray
    limit_low: np.ndarray | None = None
    limit_high: np.ndarray | None = None
    cum_high: np.ndarray = field(default_factory=lambda: np.empty(0))
    cum_low: np.ndarray = field(default_factory=lambda: np.empty(0))

    def index_of(self, day: dt.date) -> int:
        """Index of ``day``; KeyError if it is not a trading day of the series."""
        i = bisect.bisect_left(self.days, day)
        if i == len(self.days) or self.days[i] != day:
            raise KeyError(f"{day} is not a trading day of this instrument")
        return i

    def bar(self, i: int) -> DailyBar:
        return DailyBar(self.days[i], float(self.open[i]), float(self.high[i]), float(self.low[i]),
                        float(self.close[i]), float(self.prev_close[i]), int(self.volume[i]),
                        float(self.turnover[i]))


@dataclass(slots=True)
class MinuteSeries:
    """One trading day's minutes as arrays (epoch seconds for the minute starts)."""

    code: str
    day: dt.date
    starts: np.ndarray  # int64 epoch seconds, UTC
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray  # shares
    turnover: np.ndarray
    sessions: np.ndarray  # SessionKind values
    tz: Any

    def __len__(self) -> int:
        return int(self.starts.size)

    def bars(self) -> list[MinuteBar]:
        out = []
        for i in range(self.starts.size):
            s = dt.datetime.fromtimestamp(int(self.starts[i]), self.tz)
            out.append(MinuteBar(s + dt.timedelta(minutes=1), s, float(self.open[i]),
                                 float(self.high[i]), float(self.low[i]), float(self.close[i]),
                                 int(self.volume[i]), float(self.turnover[i]),
                                 SessionKind(int(self.sessions[i]))))
        return out


def _allocate_lots(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` lots in proportion to ``weights`` exactly (largest remainder)."""
    if weights.size == 0:
        return np.zeros(0, dtype=np.int64)
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:rest]] += 1
    return base


class PriceEngine:
    """Deterministic price source of a simulated market.

    ``universe`` gives instruments: an object with ``instrument(code)`` (and
    optionally ``constituents(code)`` for indices), a Mapping code ->
    Instrument, or a callable.  ``calendars`` maps an instrument to its
    session calendar (default: openfutu.market.calendars).  ``corporate
    actions`` come from ``CorporateActionSchedule`` unless given.
    """

    def __init__(self, seed: int, universe: object,
                 calendars: Callable[[Instrument], SessionCalendarLike] | None = None,
                 *, anchor_date: dt.date = _DEFAULT_ANCHOR,
                 corporate_actions: Any | None = None) -> None:
        self.seed = int(seed)
        self._lookup = _lookup_function(universe)
        self._constituents = _constituents_function(universe)
        self._calendar_of = calendars or default_calendar_source()
        self.anchor_date = anchor_date
        self.tick_rules = TickRules()
        if corporate_actions is None:
            from openfutu.market.corporate_actions import CorporateActionSchedule

            corporate_actions = CorporateActionSchedule(self.seed, self)
        self.corporate_actions = corporate_actions
        self._daily: dict[str, tuple[int, DailySeries]] = {}
        self._minutes: dict[tuple[str, dt.date, bool], MinuteSeries] = {}
        self._cal_days: dict[tuple[int, int], tuple[list[dt.date], np.ndarray]] = {}
        self._sessions: dict[tuple[int, dt.date], tuple[list[tuple[int, int, SessionKind]], ...]] = {}

    # ------------------------------------------------------------- lookups

    def instrument(self, code: str) -> Instrument:
        inst = self._lookup(code)
        if inst is None:
            raise KeyError(f"unknown security {code!r}")
        return inst

    def calendar(self, code: str) -> SessionCalendarLike:
        return self._calendar_of(self.instrument(code))

    def timezone(self, code: str) -> Any:
        tz = self.calendar(code).timezone
        return ZoneInfo(tz) if isinstance(tz, str) else tz

    def first_day(self, code: str) -> dt.date:
        """First day with prices: the listing date, at most ~36 years back."""
        inst = self.instrument(code)
        return max(inst.listing_date, dt.date(1990, 1, 1))

    def trading_days(self, code: str, start: dt.date, end: dt.date) -> list[dt.date]:
        """Trading days of ``code`` in [start, end] on which it has prices."""
        s = self.daily_series(code, end)
        i = bisect.bisect_left(s.days, start)
        j = bisect.bisect_right(s.days, end)
        return s.days[i:j]

    def outstanding_shares(self, code: str) -> int:
        """Deterministic free float, sized so a typical day trades ~0.3-1.5 %."""
        inst = self.instrument(code)
        base = self._base_daily_shares(inst)
        rate = 0.003 + 0.012 * (stable_seed(self.seed, code, "float") % 1000) / 1000
        return int(base / rate)

    def _base_daily_shares(self, inst: Instrument) -> float:
        r = rng_for(self.seed, inst.code, "liquidity")
        turnover = math.exp(r.normal(math.log(4e7), 1.0))  # typical day, local currency
        return max(turnover / max(inst.reference_price, 1e-6), inst.lot_size * 50.0)

    # ------------------------------------------------------------- sessions

    def _day_sessions(self, code: str, day: dt.date) -> tuple[list[tuple[int, int, SessionKind]], ...]:
        """(continuous, extended) sessions of ``day`` as (start, end, kind) epoch seconds."""
        cal = self.calendar(code)
        key = (id(cal), day)
        hit = self._sessions.get(key)
        if hit is not None:
            return hit
        cont = [(int(s.start.timestamp()), int(s.end.timestamp()), SessionKind.CONTINUOUS)
                for s in cal.continuous_sessions(day)]
        ext = []
        for s in cal.sessions(day):
            kind = _extended_kind(s.kind)
            if kind is not None:
                ext.append((int(s.start.timestamp()), int(s.end.timestamp()), kind))
        ext.sort()
        value = (cont, ext)
        self._sessions[key] = value
        return value

    def continuous_sessions(self, code: str, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        tz = self.timezone(code)
        return [(dt.datetime.fromtimestamp(a, tz), dt.datetime.fromtimestamp(b, tz))
                for a, b, _ in self._day_sessions(code, day)[0]]

    # ------------------------------------------------------------- daily path

    def daily_series(self, code: str, through: dt.date | None = None) -> DailySeries:
        """Daily bars from the first day through the end of ``through``'s year."""
        end_year = max((through or self.anchor_date).year, self.anchor_date.year)
        hit = self._daily.get(code)
        if hit is not None and hit[0] >= end_year:
            return hit[1]
        series = self._build_daily(code, end_year)
        self._daily[code] = (end_year, series)
        return series

    def _build_daily(self, code: str, end_year: int) -> DailySeries:
        inst = self.instrument(code)
        cal = self._calendar_of(inst)
        start = self.first_day(code)
        all_days, all_ords = self._calendar_days(cal, end_year)
        k = bisect.bisect_left(all_days, start)
        days, ordinals = all_days[k:], all_ords[k:]
        if not days:
            raise ValueError(f"{code} has no trading days before {end_year}-12-31")
        n = len(days)
        sigma = max(inst.volatility, 0.01) / math.sqrt(_TRADING_DAYS_PER_YEAR)
        ret = np.empty(n)
        gap = np.empty(n)
        up = np.empty(n)
        down = np.empty(n)
        vnoise = np.empty(n)
        # one generator per calendar year: random access by year, order-free
        years = np.array([d.year for d in days])
        for y in np.unique(years):
            idx = np.nonzero(years == y)[0]
            r = rng_for(self.seed, code, "daily", int(y))
            k = idx.size
            # fat tails: normal scaled by a random variance factor
            scale = np.sqrt(r.gamma(4.0, 0.25, size=k))
            ret[idx] = r.normal(0.0, sigma, size=k) * scale
            gap[idx] = r.normal(0.0, 0.25 * sigma, size=k)
            up[idx] = np.abs(r.normal(0.0, 0.45 * sigma, size=k))
            down[idx] = np.abs(r.normal(0.0, 0.45 * sigma, size=k))
            vnoise[idx] = r.normal(0.0, 0.35, size=k)
        ret[0] = 0.0
        ratio = 0.0
        if self.tick_rules.has_limits(inst):
            ratio = _fallback_limit_ratio(inst) * 1.02  # past the limit: closes pinned at it
            ret = np.clip(ret, math.log1p(-ratio), math.log1p(ratio))
        # ex-date steps: multiply the raw path by (1 - yield) / split ratio
        step = np.zeros(n)
        for action in self.corporate_actions.actions(code):
            i = bisect.bisect_left(days, action.ex_date)
            if 0 < i < n and days[i] == action.ex_date:
                step[i] += math.log(action.price_factor)
        log_path = np.cumsum(ret + step)
        a = min(bisect.bisect_left(days, self.anchor_date), n - 1)
        log_path += math.log(inst.reference_price) - log_path[a]
        if inst.sec_type == SecurityType.INDEX:
            log_path = self._index_log_path(inst, days, log_path, a)
        close = self.tick_rules.snap(inst, np.exp(log_path))
        prev_close = np.empty(n)
        prev_close[1:] = close[:-1]
        prev_close[0] = self.tick_rules.snap(inst, np.array([close[0] / math.exp(gap[0])]))[0]
        # the reference price on an ex-date is the ex-right price
        ref = prev_close.copy()
        for i in np.nonzero(step)[0]:
            ref[i] = prev_close[i] * math.exp(step[i])
        open_ = ref * np.exp(gap)
        high = np.maximum(open_, close * 1.0) * np.exp(up)
        low = np.minimum(open_, close * 1.0) * np.exp(-down)
        limit_low = limit_high = None
        if ratio:
            limit_low = np.empty(n)
            limit_high = np.empty(n)
            for i in range(n):
                limit_low[i], limit_high[i] = self.tick_rules.price_limits(inst, float(round(ref[i], 3)))
            close = np.clip(close, limit_low, limit_high)
            open_ = np.clip(open_, limit_low, limit_high)
            high = np.clip(high, limit_low, limit_high)
            low = np.clip(low, limit_low, limit_high)
        open_ = self.tick_rules.snap(inst, open_)
        high = self.tick_rules.snap(inst, high)
        low = self.tick_rules.snap(inst, low)
        if limit_low is not None:
            # snapping may step over a limit that is itself on the grid
            open_, high, low = (np.clip(x, limit_low, limit_high) for x in (open_, high, low))
        high = np.maximum.reduce([high, open_, close])
        low = np.minimum.reduce([low, open_, close])
        prev_close[1:] = close[:-1]
        if inst.sec_type == SecurityType.INDEX and self._constituents(code):
            volume, turnover = self._index_volume(code, days)
        else:
            base = self._base_daily_shares(inst)
            lots = np.maximum(1, np.round(base / inst.lot_size * np.exp(vnoise)
                                          * (1.0 + 0.5 * np.abs(ret) / sigma))).astype(np.int64)
            volume = lots * inst.lot_size
            turnover = volume * (open_ + high + low + close) / 4.0
        series = DailySeries(days, ordinals, open_, high, low, close, prev_close, volume,
                             np.asarray(turnover, dtype=float), limit_low, limit_high)
        series.cum_high = np.maximum.accumulate(high)
        series.cum_low = np.minimum.accumulate(low)
        return series

    def _index_log_path(self, inst: Instrument, days: list[dt.date], own: np.ndarray,
                        anchor: int) -> np.ndarray:
        """Equal-weight index of its constituents' closes, else its own walk."""
        members = [c for c in self._constituents(inst.code) if self._lookup(c) is not None]
        if not members:
            return own
        total = np.zeros(len(days))
        weight = np.zeros(len(days))
        for m in members:
            s = self.daily_series(m, days[-1])
            pos = np.searchsorted(s.ordinals, [d.toordinal() for d in days])
            present = (pos < len(s.days)) & (s.ordinals[np.minimum(pos, len(s.days) - 1)]
                                            == np.array([d.toordinal() for d in days]))
            c = np.where(present, s.close[np.minimum(pos, len(s.days) - 1)], np.nan)
            # each member enters at weight one from its first close: a return index
            r = np.zeros(len(days))
            valid = np.nonzero(present)[0]
            if valid.size < 2:
                continue
            r[valid[1:]] = np.diff(np.log(c[valid]))
            total += r
            weight += present
        avg = np.where(weight > 0, total / np.maximum(weight, 1), 0.0)
        path = np.cumsum(avg)
        return path + math.log(inst.reference_price) - path[anchor]

    def _index_volume(self, code: str, days: list[dt.date]) -> tuple[np.ndarray, np.ndarray]:
        vol = np.zeros(len(days), dtype=np.int64)
        tov = np.zeros(len(days))
        ords = np.array([d.toordinal() for d in days])
        for m in self._constituents(code):
            if self._lookup(m) is None:
                continue
            s = self.daily_series(m, days[-1])
            pos = np.searchsorted(ords, s.ordinals)
            ok = pos < len(days)
            ok[ok] &= ords[pos[ok]] == s.ordinals[ok]
            np.add.at(vol, pos[ok], s.volume[ok])
            np.add.at(tov, pos[ok], s.turnover[ok])
        return vol, tov

    def _calendar_days(self, cal: SessionCalendarLike, end_year: int) -> tuple[list[dt.date], np.ndarray]:
        """Trading days (and their ordinals) of a calendar from 1990 through
        ``end_year``, shared by every instrument on that calendar."""
        key = (id(cal), end_year)
        hit = self._cal_days.get(key)
        if hit is None:
            days: list[dt.date] = []
            # a calendar may cover fewer years than we ask for: start later
            for first_year in (1990, 2000, 2006, 2010, 2015, 2020, end_year - 1):
                try:
                    days = list(cal.trading_days(dt.date(first_year, 1, 1), dt.date(end_year, 12, 31)))
                    break
                except Exception:  # noqa: BLE001 - out of the calendar's range
                    continue
            hit = (days, np.array([d.toordinal() for d in days], dtype=np.int64))
            self._cal_days[key] = hit
        return hit

    def daily_bar(self, code: str, day: dt.date) -> DailyBar:
        s = self.daily_series(code, day)
        return s.bar(s.index_of(day))

    # ------------------------------------------------------------- minutes

    def minute_series(self, code: str, day: dt.date, extended: bool = False) -> MinuteSeries:
        """Minutes of ``day``: its continuous sessions, plus US pre-market,
        after-hours and overnight minutes when ``extended``."""
        key = (code, day, extended)
        hit = self._minutes.get(key)
        if hit is not None:
            return hit
        cont = self._continuous_minutes(code, day)
        if extended:
            parts = [cont] + self._extended_minutes(code, day)
            order = np.argsort(np.concatenate([p.starts for p in parts]), kind="stable")

            def cat(name: str) -> np.ndarray:
                return np.concatenate([getattr(p, name) for p in parts])[order]

            cont = MinuteSeries(code, day, cat("starts"), cat("open"), cat("high"), cat("low"),
                                cat("close"), cat("volume"), cat("turnover"), cat("sessions"),
                                cont.tz)
        if len(self._minutes) > 4096:
            self._minutes.clear()
        self._minutes[key] = cont
        return cont

    def minute_bars(self, code: str, day: dt.date, extended: bool = False) -> list[MinuteBar]:
        return self.minute_series(code, day, extended).bars()

    def _continuous_minutes(self, code: str, day: dt.date) -> MinuteSeries:
        inst = self.instrument(code)
        series = self.daily_series(code, day)
        i = series.index_of(day)
        cont, _ = self._day_sessions(code, day)
        starts = np.concatenate([np.arange(a, b, 60, dtype=np.int64) for a, b, _ in cont]) \
            if cont else np.zeros(0, dtype=np.int64)
        n = starts.size
        tz = self.timezone(code)
        if n == 0:
            empty = np.zeros(0)
            return MinuteSeries(code, day, starts, empty, empty, empty, empty,
                                np.zeros(0, dtype=np.int64), empty, np.zeros(0, dtype=np.int8), tz)
        o, h, lo, c = (float(series.open[i]), float(series.high[i]), float(series.low[i]),
                       float(series.close[i]))
        r = rng_for(self.seed, code, "minutes", day.toordinal())
        path = _bridge_through(r, n, o, c, h, lo)
        mo = path[:-1]
        mc = path[1:]
        wig = (h - lo) * 0.08
        mh = np.minimum(np.maximum(mo, mc) + np.abs(r.normal(0, wig, n)), h)
        ml = np.maximum(np.minimum(mo, mc) - np.abs(r.normal(0, wig, n)), lo)
        snap = self.tick_rules.snap
        mo, mc, mh, ml = snap(inst, mo), snap(inst, mc), snap(inst, mh), snap(inst, ml)
        mh = np.minimum(np.maximum.reduce([mh, mo, mc]), h)
        ml = np.maximum(np.minimum.reduce([ml, mo, mc]), lo)
        # U-shaped intraday volume: heavy at the open and into the close
        u = (np.arange(n) + 0.5) / n
        w = (1.0 + 3.0 * (2 * u - 1) ** 2) * np.exp(r.normal(0, 0.5, n))
        w *= 1.0 + np.abs(mc - mo) / max(h - lo, 1e-9) * 2.0
        lots = _allocate_lots(int(series.volume[i]) // inst.lot_size, w)
        vol = lots * inst.lot_size
        typ = (mo + mh + ml + mc) / 4.0
        raw = vol * typ
        total = float(series.turnover[i])
        tov = raw * (total / raw.sum()) if raw.sum() > 0 else raw
        return MinuteSeries(code, day, starts, mo, mh, ml, mc, vol, tov,
                            np.zeros(n, dtype=np.int8), tz)

    def _extended_minutes(self, code: str, day: dt.date) -> list[MinuteSeries]:
        """US extended sessions of ``day``: a thin-volume bridge from the
        previous close (or this close, after hours) with a small drift."""
        inst = self.instrument(code)
        _, ext = self._day_sessions(code, day)
        if not ext:
            return []
        series = self.daily_series(code, day)
        i = series.index_of(day)
        tz = self.timezone(code)
        out = []
        sigma = max(inst.volatility, 0.01) / math.sqrt(_TRADING_DAYS_PER_YEAR)
        # overnight and pre-market lead from yesterday's close to today's open
        before = [s for s in ext if s[2] in (SessionKind.OVERNIGHT, SessionKind.PRE_MARKET)]
        after = [s for s in ext if s[2] == SessionKind.AFTER_HOURS]
        groups = []
        if before:
            groups.append((before, float(series.prev_close[i]), float(series.open[i])))
        if after:
            nxt = float(series.open[i + 1]) if i + 1 < len(series.days) else float(series.close[i])
            drift_end = float(series.close[i]) + (nxt - float(series.close[i])) * 0.5
            groups.append((after, float(series.close[i]), drift_end))
        for g, (sessions, p0, p1) in enumerate(groups):
            starts = np.concatenate([np.arange(a, b, 60, dtype=np.int64) for a, b, _ in sessions])
            kinds = np.concatenate([np.full((b - a) // 60, int(k), dtype=np.int8) for a, b, k in sessions])
            n = starts.size
            if n == 0:
                continue
            r = rng_for(self.seed, code, "extended", day.toordinal(), g)
            z = np.concatenate([[0.0], np.cumsum(r.normal(0, 1, n))])
            t = np.arange(n + 1) / n
            path = p0 + (p1 - p0) * t + (z - t * z[-1]) * p0 * sigma * 0.04
            path = np.maximum(path, p0 * 0.5)
            mo, mc = path[:-1], path[1:]
            wig = p0 * sigma * 0.02
            mh = np.maximum(mo, mc) + np.abs(r.normal(0, wig, n))
            ml = np.minimum(mo, mc) - np.abs(r.normal(0, wig, n))
            snap = self.tick_rules.snap
            mo, mc, mh, ml = snap(inst, mo), snap(inst, mc), snap(inst, mh), snap(inst, ml)
            mh = np.maximum.reduce([mh, mo, mc])
            ml = np.minimum.reduce([ml, mo, mc])
            lots = r.poisson(max(int(series.volume[i]) // inst.lot_size * 0.03 / n, 0.2), n)
            vol = lots.astype(np.int64) * inst.lot_size
            tov = vol * (mo + mh + ml + mc) / 4.0
            out.append(MinuteSeries(code, day, starts, mo, mh, ml, mc, vol, tov, kinds, tz))
        return out

    # ------------------------------------------------------------- ticks

    def minute_ticks(self, code: str, series: MinuteSeries, m: int) -> list[Tick]:
        """Trades of minute ``m`` of ``series``: open first, close last, the
        minute's high and low touched, lots adding up to its volume."""
        inst = self.instrument(code)
        lots = int(series.volume[m]) // inst.lot_size
        if lots <= 0:
            return []
        start = int(series.starts[m])
        r = rng_for(self.seed, code, "ticks", start)
        n = int(min(lots, max(4, r.poisson(3 + min(lots, 400) ** 0.6))))
        o, h, lo, c = (float(series.open[m]), float(series.high[m]), float(series.low[m]),
                       float(series.close[m]))
        if n == 1:
            prices = np.array([c])
        else:
            prices = lo + (h - lo) * r.random(n)
            prices[0], prices[-1] = o, c
            if n >= 4:
                k = r.permutation(np.arange(1, n - 1))[:2]
                prices[k[0]], prices[k[1]] = h, lo
            elif n == 3:
                prices[1] = h if (h - max(o, c)) >= (min(o, c) - lo) else lo
            prices = self.tick_rules.snap(inst, prices)
            prices = np.clip(prices, lo, h)
        vols = (1 + r.multinomial(lots - n, np.full(n, 1.0 / n))) * inst.lot_size
        ms = np.sort(r.integers(0, 60_000, n))
        ms[0] = min(ms[0], 500)  # the opening trade of the minute comes early
        ms = np.maximum.accumulate(ms)
        kind = SessionKind(int(series.sessions[m]))
        default_type = (TickerType.AUTO_MATCH if kind == SessionKind.CONTINUOUS
                        else TickerType.EXTENDED_TRADING_HOURS)
        first_of_day = m == 0 or (kind == SessionKind.CONTINUOUS and int(series.sessions[m - 1]) != 0)
        auction_open = first_of_day and _region_of(inst) in ("HK", "CN") and kind == SessionKind.CONTINUOUS
        dirs = r.integers(1, 4, n)
        out = []
        prev = float(series.open[m - 1]) if m > 0 else o
        tz = series.tz
        base = dt.datetime.fromtimestamp(start, tz)
        for j in range(n):
            p = float(prices[j])
            if p > prev:
                d = TickerDirection.BUY
            elif p < prev:
                d = TickerDirection.SELL
            else:
                d = TickerDirection(int(dirs[j]))
            t = TickerType.AUCTION if (auction_open and j == 0) else default_type
            v = int(vols[j])
            out.append(Tick(code, base + dt.timedelta(milliseconds=int(ms[j])),
                            (start // 60) * 1000 + j, p, v, round(p * v, 4), d, t))
            prev = p
        return out

    def ticks_between(self, code: str, start: dt.datetime, end: dt.datetime,
                      extended: bool = False) -> list[Tick]:
        """All trades with start <= time <= end (tz-aware bounds), in order."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("start and end must be timezone-aware")
        if end < start:
            return []
        tz = self.timezone(code)
        first = start.astimezone(tz).date() - dt.timedelta(1)
        last = end.astimezone(tz).date() + dt.timedelta(1)
        s0, s1 = start.timestamp(), end.timestamp()
        out: list[Tick] = []
        for day in self.trading_days(code, first, last):
            ms = self.minute_series(code, day, extended)
            if not len(ms):
                continue
            lo = int(np.searchsorted(ms.starts, int(s0) - 59, side="left"))
            hi = int(np.searchsorted(ms.starts, s1, side="right"))
            for m in range(lo, hi):
                for t in self.minute_ticks(code, ms, m):
                    ts = t.time.timestamp()
                    if s0 <= ts <= s1:
                        out.append(t)
        return out

    def last_ticks(self, code: str, at: dt.datetime, count: int) -> list[Tick]:
        """The latest ``count`` trades at or before ``at`` (oldest first)."""
        if count <= 0:
            return []
        day = self.session_day(code, at)
        if day is None:
            return []
        out: list[Tick] = []
        series = self.daily_series(code, day)
        i = series.index_of(day)
        while i >= 0 and len(out) < count:
            d = series.days[i]
            ms = self.minute_series(code, d)
            hi = int(np.searchsorted(ms.starts, at.timestamp(), side="right"))
            for m in range(hi - 1, -1, -1):
                ticks = [t for t in self.minute_ticks(code, ms, m) if t.time <= at]
                out[:0] = ticks
                if len(out) >= count:
                    break
            i -= 1
        return out[-count:]

    # ------------------------------------------------------------- quotes

    def session_day(self, code: str, at: dt.datetime) -> dt.date | None:
        """The trading day whose data a quote at ``at`` shows: the latest day
        whose continuous trading has begun (before the open: yesterday)."""
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        local = at.astimezone(self.timezone(code)).date()
        days = self.trading_days(code, local - dt.timedelta(14), local + dt.timedelta(1))
        ts = at.timestamp()
        for d in reversed(days):
            cont, _ = self._day_sessions(code, d)
            if cont and cont[0][0] < ts:
                return d
        return None

    def last_price(self, code: str, at: dt.datetime) -> float:
        return self.quote_at(code, at).last_price

    def quote_at(self, code: str, at: dt.datetime) -> Quote:
        """Quote of ``code`` at instant ``at`` (tz-aware)."""
        inst = self.instrument(code)
        day = self.session_day(code, at)
        if day is None:
            raise ValueError(f"{code} has no trading before {at.isoformat()}")
        series = self.daily_series(code, day)
        i = series.index_of(day)
        ms = self.minute_series(code, day)
        ts = at.timestamp()
        done = int(np.searchsorted(ms.starts + 60, ts, side="right"))  # fully elapsed minutes
        partial: list[Tick] = []
        if done < len(ms) and ms.starts[done] <= ts:
            partial = [t for t in self.minute_ticks(code, ms, done) if t.time.timestamp() <= ts]
        prev_close = float(series.prev_close[i])
        if done == 0 and not partial:
            # opening minute with no trade yet: nothing traded today
            last = prev_close
            o = h = lo = 0.0
            vol, tov = 0, 0.0
            update = dt.datetime.fromtimestamp(int(ms.starts[0]), ms.tz) if len(ms) else at
        else:
            highs = list(ms.high[:done]) + [t.price for t in partial]
            lows = list(ms.low[:done]) + [t.price for t in partial]
            o = float(ms.open[0])
            h, lo = float(max(highs)), float(min(lows))
            vol = int(ms.volume[:done].sum()) + sum(t.volume for t in partial)
            tov = float(ms.turnover[:done].sum()) + sum(t.turnover for t in partial)
            if partial:
                last, update = partial[-1].price, partial[-1].time
            else:
                last = float(ms.close[done - 1])
                update = self._last_trade_time(code, ms, done - 1)
        ago = int(np.searchsorted(ms.starts + 60, ts - 300, side="right"))
        close_5min = float(ms.close[ago - 1]) if ago > 0 else prev_close
        # 52-week and all-time extremes include today's partial range
        d52 = bisect.bisect_left(series.days, day - dt.timedelta(weeks=52))
        hist_hi = [float(series.high[d52:i].max())] if i > d52 else []
        hist_lo = [float(series.low[d52:i].min())] if i > d52 else []
        today_hi = [h] if vol else []
        today_lo = [lo] if vol else []
        hi52 = max(hist_hi + today_hi + [prev_close])
        lo52 = min(hist_lo + today_lo + [prev_close])
        all_hi = max(float(series.cum_high[i - 1]), hi52) if i else hi52
        all_lo = min(float(series.cum_low[i - 1]), lo52) if i else lo52
        elapsed = done + (1 if partial else 0)
        past = series.volume[max(0, i - 5):i]
        vr = 0.0
        if past.size and elapsed and len(ms):
            vr = (vol / elapsed) / (float(past.mean()) / len(ms))
        shares = self.outstanding_shares(code) if inst.sec_type != SecurityType.INDEX else 0
        lim_lo = float(series.limit_low[i]) if series.limit_low is not None else None
        lim_hi = float(series.limit_high[i]) if series.limit_high is not None else None
        ext = self._extended_quotes(code, day, at) if _region_of(inst) == "US" else {}
        return Quote(
            code=code, trading_day=day, update_time=update, last_price=last, open_price=o,
            high_price=h, low_price=lo, prev_close_price=prev_close, volume=vol,
            turnover=round(tov, 3),
            turnover_rate=round(vol / shares * 100.0, 4) if shares else 0.0,
            amplitude=round((h - lo) / prev_close * 100.0, 4) if vol else 0.0,
            change_val=round(last - prev_close, 6),
            change_rate=round((last - prev_close) / prev_close * 100.0, 4),
            avg_price=round(tov / vol, 4) if vol else last,
            price_spread=self.tick_rules.tick_size(inst, last),
            close_price_5min=close_5min, volume_ratio=round(vr, 4),
            highest52weeks_price=hi52, lowest52weeks_price=lo52,
            highest_history_price=all_hi, lowest_history_price=all_lo,
            limit_up=lim_hi, limit_down=lim_lo,
            pre_market=ext.get(SessionKind.PRE_MARKET), after_hours=ext.get(SessionKind.AFTER_HOURS),
            overnight=ext.get(SessionKind.OVERNIGHT))

    def _last_trade_time(self, code: str, ms: MinuteSeries, m: int) -> dt.datetime:
        for k in range(m, -1, -1):
            ticks = self.minute_ticks(code, ms, k)
            if ticks:
                return ticks[-1].time
        return dt.datetime.fromtimestamp(int(ms.starts[0]), ms.tz)

    def _extended_quotes(self, code: str, day: dt.date, at: dt.datetime) -> dict[SessionKind, ExtendedQuote]:
        """Extended-session blocks: the sessions of the quote day and of the
        next day that have started by ``at``."""
        out: dict[SessionKind, ExtendedQuote] = {}
        ts = at.timestamp()
        days = self.trading_days(code, day, day + dt.timedelta(7))[:2]
        for d in days:
            ms = self.minute_series(code, d, extended=True)
            series = self.daily_series(code, d)
            i = series.index_of(d)
            for kind in (SessionKind.OVERNIGHT, SessionKind.PRE_MARKET, SessionKind.AFTER_HOURS):
                sel = np.nonzero((ms.sessions == int(kind)) & (ms.starts + 60 <= ts))[0]
                if sel.size == 0:
                    continue
                ref = float(series.close[i]) if kind == SessionKind.AFTER_HOURS else float(series.prev_close[i])
                price = float(ms.close[sel[-1]])
                hi, lo = float(ms.high[sel].max()), float(ms.low[sel].min())
                out[kind] = ExtendedQuote(
                    price, hi, lo, int(ms.volume[sel].sum()), float(ms.turnover[sel].sum()),
                    round(price - ref, 6), round((price - ref) / ref * 100.0, 4),
                    round((hi - lo) / ref * 100.0, 4))
        return out

    def time_share(self, code: str, at: dt.datetime, extended: bool = False) -> list[TimeSharePoint]:
        """The quote day's time-share line up to ``at``: one point per finished
        minute, labelled by the minute's end like the docs' example (L2909)."""
        day = self.session_day(code, at)
        if day is None:
            return []
        ms = self.minute_series(code, day, extended)
        n = int(np.searchsorted(ms.starts + 60, at.timestamp(), side="right"))
        prev = float(self.daily_series(code, day).prev_close[self.daily_series(code, day).index_of(day)])
        cum_v = np.cumsum(ms.volume[:n])
        cum_t = np.cumsum(ms.turnover[:n])
        out = []
        for i in range(n):
            t = dt.datetime.fromtimestamp(int(ms.starts[i]) + 60, ms.tz)
            avg = float(cum_t[i] / cum_v[i]) if cum_v[i] else float(ms.close[i])
            out.append(TimeSharePoint(t, t.hour * 60 + t.minute, False, float(ms.close[i]), prev,
                                      round(avg, 4), int(ms.volume[i]), float(ms.turnover[i])))
        return out

    def quotes_at(self, codes: Iterable[str], at: dt.datetime) -> list[Quote]:
        return [self.quote_at(c, at) for c in codes]


def _bridge_through(r: np.random.Generator, n: int, o: float, c: float, h: float,
                    lo: float) -> np.ndarray:
    """n+1 points from o to c whose max is exactly h and min exactly lo."""
    z = np.concatenate([[0.0], np.cumsum(r.normal(0.0, 1.0, n))])
    t = np.arange(n + 1) / n
    line = o + (c - o) * t
    dev = z - t * z[-1]
    path = line + dev
    if n >= 3:
        inner = slice(1, n)
        need_hi = h > max(o, c)
        need_lo = lo < min(o, c)
        if need_hi:
            up = np.where(dev > 0, dev, 0.0)
            k = int(np.argmax(up[inner])) + 1
            if up[k] <= 0:  # the bridge never rose: lift a random interior point
                k = int(r.integers(1, n))
                up = np.zeros(n + 1)
                up[k] = 1.0
            up *= (h - line[k]) / up[k]
        else:
            up = np.zeros(n + 1)
        if need_lo:
            dn = np.where(dev < 0, -dev, 0.0)
            j = int(np.argmax(dn[inner])) + 1
            if dn[j] <= 0 or (need_hi and j == k):
                j = int(r.integers(1, n))
                while need_hi and j == k and n > 3:
                    j = int(r.integers(1, n))
                dn = np.zeros(n + 1)
                dn[j] = 1.0
            dn *= (line[j] - lo) / dn[j]
        else:
            dn = np.zeros(n + 1)
        path = line + up - dn
        if need_hi:
            path[k] = h
        if need_lo:
            path[j] = lo
    path = np.clip(path, lo, h)
    path[0], path[-1] = o, c
    return path
