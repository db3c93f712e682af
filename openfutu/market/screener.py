"""Conditional stock screening (get_stock_filter): simple, accumulate,
financial, pattern and custom-indicator filters over a market or a plate.

A real screen over the simulated market: every value comes from the same
sources the snapshot and the K-lines use (the price engine's quote, the
company fundamentals valued at the last price, forward-adjusted K-lines), so
a stock the screen returns passes the same test when re-checked against
get_market_snapshot or get_cur_kline.

Rules (docs L4495-L4507 and Qot_StockFilter.proto):
- filters combine with AND; ranges are closed intervals, an absent bound is
  unbounded; bounds are truncated to 3 decimals (share counts to whole shares);
- a filter filters only when ``is_no_filter`` is explicitly False; otherwise it
  only adds its value to the result;
- results are sorted by the filters that ask for a sort, in request order,
  then by code, so paging is stable for a fixed market time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

from openfutu.market import indicators as ind
from openfutu.market.corporate_actions import AuType
from openfutu.market.fundamentals import FinancialField, FinancialQuarter, NoFundamentals, fundamentals
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, QotMarket, SecurityType

MAX_PAGE_SIZE = 200  # docs L4499
MAX_SAME_ACCUMULATE = 10  # docs L4501
MAX_SAME_INDICATOR_TYPE = 10  # docs L4505
CONSECUTIVE_RANGE = (1, 12)  # Qot_StockFilter.proto consecutivePeriod: [1, 12]
INDICATOR_KL_TYPES = (KLType.K_60M, KLType.K_DAY, KLType.K_WEEK, KLType.K_MON)  # docs L4263
MAX_ACCUMULATE_DAYS = 250  # our limit: about one trading year
MAX_INDICATOR_PERIOD = 250  # our limit: the longest fixed MA the API names (MA250)
BOOK_DEPTH = 10  # levels summed for the bid/ask ratio, as the snapshot shows them


class ScreenError(ValueError):
    """A screen request breaks a documented rule; nothing is evaluated."""


class StockField(IntEnum):
    """Simple properties (Qot_StockFilter.StockField; docs L7286-L7400)."""

    NONE = 0
    STOCK_CODE = 1
    STOCK_NAME = 2
    CUR_PRICE = 3
    CUR_PRICE_TO_HIGHEST52_WEEKS_RATIO = 4
    CUR_PRICE_TO_LOWEST52_WEEKS_RATIO = 5
    HIGH_PRICE_TO_HIGHEST52_WEEKS_RATIO = 6
    LOW_PRICE_TO_LOWEST52_WEEKS_RATIO = 7
    VOLUME_RATIO = 8
    BID_ASK_RATIO = 9
    LOT_PRICE = 10
    MARKET_VAL = 11
    PE_ANNUAL = 12
    PE_TTM = 13
    PB_RATE = 14
    CHANGE_RATE_5MIN = 15
    CHANGE_RATE_BEGIN_YEAR = 16
    PS_TTM = 17
    PCF_TTM = 18
    TOTAL_SHARE = 19
    FLOAT_SHARE = 20
    FLOAT_MARKET_VAL = 21


# Share counts are whole numbers; every other bound keeps 3 decimals (proto comments).
_WHOLE_FIELDS = {StockField.TOTAL_SHARE, StockField.FLOAT_SHARE}


class AccumulateField(IntEnum):
    """Accumulated properties over the last N days (docs L5552-L5578)."""

    NONE = 0
    CHANGE_RATE = 1
    AMPLITUDE = 2
    VOLUME = 3
    TURNOVER = 4
    TURNOVER_RATE = 5


class IndicatorField(IntEnum):
    """Custom technical-indicator properties (Qot_StockFilter.CustomIndicatorField;
    docs L5850-L5968)."""

    NONE = 0
    PRICE = 1
    MA5 = 2
    MA10 = 3
    MA20 = 4
    MA30 = 5
    MA60 = 6
    MA120 = 7
    MA250 = 8
    RSI = 9
    EMA5 = 10
    EMA10 = 11
    EMA20 = 12
    EMA30 = 13
    EMA60 = 14
    EMA120 = 15
    EMA250 = 16
    VALUE = 17
    MA = 30
    EMA = 40
    KDJ_K = 50
    KDJ_D = 51
    KDJ_J = 52
    MACD_DIFF = 60
    MACD_DEA = 61
    MACD = 62
    BOLL_UPPER = 70
    BOLL_MIDDLER = 71
    BOLL_LOWER = 72


class RelativePosition(IntEnum):
    """docs L5970-L5992."""

    NONE = 0
    MORE = 1
    LESS = 2
    CROSS_UP = 3
    CROSS_DOWN = 4


class SortDir(IntEnum):
    NONE = 0
    ASCEND = 1
    DESCEND = 2


_FIXED_MA = {IndicatorField.MA5: 5, IndicatorField.MA10: 10, IndicatorField.MA20: 20,
             IndicatorField.MA30: 30, IndicatorField.MA60: 60, IndicatorField.MA120: 120,
             IndicatorField.MA250: 250}
_FIXED_EMA = {IndicatorField.EMA5: 5, IndicatorField.EMA10: 10, IndicatorField.EMA20: 20,
              IndicatorField.EMA30: 30, IndicatorField.EMA60: 60, IndicatorField.EMA120: 120,
              IndicatorField.EMA250: 250}
_KDJ = (IndicatorField.KDJ_K, IndicatorField.KDJ_D, IndicatorField.KDJ_J)
_MACD = (IndicatorField.MACD_DIFF, IndicatorField.MACD_DEA, IndicatorField.MACD)
_BOLL = (IndicatorField.BOLL_UPPER, IndicatorField.BOLL_MIDDLER, IndicatorField.BOLL_LOWER)


def indicator_family(f: IndicatorField) -> str:
    """The indicator "type" of the docs' comparison rule (docs L4503-L4504)."""
    if f == IndicatorField.MA or f in _FIXED_MA:
        return "MA"
    if f == IndicatorField.EMA or f in _FIXED_EMA:
        return "EMA"
    if f in _KDJ:
        return "KDJ"
    if f in _MACD:
        return "MACD"
    if f in _BOLL:
        return "BOLL"
    return f.name  # PRICE, RSI, VALUE


# What each family may be compared with besides itself: the price is compared
# with the price-scaled lines (MA, EMA, BOLL), a constant with the oscillators
# and the price (proto comment of fieldValue; the SDK compares RSI with values).
_COMPARABLE = {
    "PRICE": {"MA", "EMA", "BOLL", "VALUE"},
    "MA": {"PRICE"},
    "EMA": {"PRICE"},
    "BOLL": {"PRICE", "VALUE"},
    "RSI": {"VALUE"},
    "KDJ": {"VALUE"},
    "MACD": {"VALUE"},
}


# --------------------------------------------------------------------------- requests


def _truncate(x: float | None, whole: bool) -> float | None:
    if x is None:
        return None
    if not math.isfinite(x):
        raise ScreenError(f"filter bound {x} is not a finite number")
    return float(math.trunc(x)) if whole else math.trunc(x * 1000.0) / 1000.0


@dataclass(frozen=True, slots=True)
class Range:
    """A closed interval; None means unbounded on that side."""

    low: float | None = None
    high: float | None = None

    def contains(self, value: float | None) -> bool:
        if value is None or math.isnan(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class SimpleFilter:
    field: StockField
    low: float | None = None
    high: float | None = None
    is_no_filter: bool | None = None  # only an explicit False filters
    sort: SortDir = SortDir.NONE

    @property
    def active(self) -> bool:
        return self.is_no_filter is False

    def range(self) -> Range:
        whole = self.field in _WHOLE_FIELDS
        return Range(_truncate(self.low, whole), _truncate(self.high, whole))


@dataclass(frozen=True, slots=True)
class AccumulateFilter:
    field: AccumulateField
    days: int = 1
    low: float | None = None
    high: float | None = None
    is_no_filter: bool | None = None
    sort: SortDir = SortDir.NONE

    @property
    def active(self) -> bool:
        return self.is_no_filter is False

    def range(self) -> Range:
        whole = self.field == AccumulateField.VOLUME
        return Range(_truncate(self.low, whole), _truncate(self.high, whole))


@dataclass(frozen=True, slots=True)
class FinancialFilter:
    field: FinancialField
    quarter: FinancialQuarter = FinancialQuarter.ANNUAL
    low: float | None = None
    high: float | None = None
    is_no_filter: bool | None = None
    sort: SortDir = SortDir.NONE

    @property
    def active(self) -> bool:
        return self.is_no_filter is False

    def range(self) -> Range:
        return Range(_truncate(self.low, False), _truncate(self.high, False))


@dataclass(frozen=True, slots=True)
class PatternFilter:
    pattern: int  # indicators.Pattern
    kl_type: KLType
    is_no_filter: bool | None = None
    consecutive: int | None = None

    @property
    def active(self) -> bool:
        return self.is_no_filter is False


@dataclass(frozen=True, slots=True)
class IndicatorFilter:
    field1: IndicatorField
    position: RelativePosition
    field2: IndicatorField
    kl_type: KLType
    params1: tuple[int, ...] = ()
    params2: tuple[int, ...] = ()
    value: float | None = None
    is_no_filter: bool | None = None
    consecutive: int | None = None

    @property
    def active(self) -> bool:
        return self.is_no_filter is False


@dataclass(frozen=True, slots=True)
class ScreenRequest:
    market: QotMarket
    plate: str | None = None
    begin: int = 0
    num: int = MAX_PAGE_SIZE
    simple: tuple[SimpleFilter, ...] = ()
    accumulate: tuple[AccumulateFilter, ...] = ()
    financial: tuple[FinancialFilter, ...] = ()
    patterns: tuple[PatternFilter, ...] = ()
    indicators: tuple[IndicatorFilter, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    field: IndicatorField
    params: tuple[int, ...]  # as reported back (defaults filled for KDJ/MACD/BOLL)
    kl_type: KLType
    value: float


@dataclass(slots=True)
class ScreenRow:
    code: str
    name: str
    simple: dict[StockField, float] = field(default_factory=dict)
    accumulate: dict[tuple[AccumulateField, int], float] = field(default_factory=dict)
    financial: dict[tuple[FinancialField, FinancialQuarter], float] = field(default_factory=dict)
    indicators: list[IndicatorValue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ScreenResult:
    last_page: bool
    all_count: int
    rows: list[ScreenRow]


# --------------------------------------------------------------------------- validation


def _check_consecutive(n: int | None) -> None:
    if n is not None and not CONSECUTIVE_RANGE[0] <= n <= CONSECUTIVE_RANGE[1]:
        raise ScreenError(f"consecutive_period must be within {CONSECUTIVE_RANGE}, got {n}")


def _check_kl_type(k: KLType) -> None:
    if k not in INDICATOR_KL_TYPES:
        raise ScreenError("ktype must be K_60M, K_DAY, K_WEEK or K_MON")


def indicator_params(f: IndicatorField, given: Sequence[int]) -> tuple[int, ...]:
    """The parameters an indicator is computed with; raises ScreenError."""
    p = tuple(int(x) for x in given)
    if any(x < 1 or x > MAX_INDICATOR_PERIOD for x in p):
        raise ScreenError(f"{f.name} parameters must be within 1..{MAX_INDICATOR_PERIOD}, got {list(p)}")
    if f in (IndicatorField.PRICE, IndicatorField.VALUE) or f in _FIXED_MA or f in _FIXED_EMA:
        return ()
    if f in (IndicatorField.MA, IndicatorField.EMA):
        if len(p) != 1:
            raise ScreenError(f"{f.name} needs one parameter: [period]")
        return p
    if f == IndicatorField.RSI:
        if len(p) > 1:
            raise ScreenError("RSI takes one parameter: [period]")
        return p
    expected = {"KDJ": 3, "MACD": 3, "BOLL": 2}[indicator_family(f)]
    if p and len(p) != expected:
        raise ScreenError(f"{f.name} takes {expected} parameters, got {list(p)}")
    if indicator_family(f) == "MACD" and p and not p[0] < p[1]:
        raise ScreenError("MACD needs the fast period below the slow period")
    return p


def reported_params(f: IndicatorField, given: Sequence[int]) -> tuple[int, ...]:
    """Parameters echoed in the result: none for fixed lines, the defaults
    for KDJ, MACD and BOLL when none were given (proto comments), else as given."""
    p = indicator_params(f, given)
    if p or f in (IndicatorField.PRICE, IndicatorField.VALUE):
        return p
    family = indicator_family(f)
    if family == "KDJ":
        return ind.DEFAULT_KDJ
    if family == "MACD":
        return ind.DEFAULT_MACD
    if family == "BOLL":
        return ind.DEFAULT_BOLL
    return ()


def validate(req: ScreenRequest) -> None:
    """Every documented rule of the request; raises ScreenError."""
    if req.begin < 0:
        raise ScreenError("begin must not be negative")
    if not 0 < req.num <= MAX_PAGE_SIZE:
        raise ScreenError(f"num must be within 1..{MAX_PAGE_SIZE}")  # docs L4499
    seen: set[Any] = set()
    for s in req.simple:
        if s.field == StockField.NONE:
            raise ScreenError("stock_field is unknown")
        if s.field in seen:
            raise ScreenError(f"{s.field.name} is given twice")  # docs L4506
        seen.add(s.field)
        if s.field in (StockField.STOCK_CODE, StockField.STOCK_NAME) and s.active and (
                s.low is not None or s.high is not None):
            raise ScreenError(f"{s.field.name} takes no filter_min/filter_max")
        s.range()
    counts: dict[AccumulateField, int] = {}
    for a in req.accumulate:
        if a.field == AccumulateField.NONE:
            raise ScreenError("accumulate stock_field is unknown")
        if not 1 <= a.days <= MAX_ACCUMULATE_DAYS:
            raise ScreenError(f"days must be within 1..{MAX_ACCUMULATE_DAYS}, got {a.days}")
        counts[a.field] = counts.get(a.field, 0) + 1
        if counts[a.field] > MAX_SAME_ACCUMULATE:
            raise ScreenError(f"at most {MAX_SAME_ACCUMULATE} {a.field.name} accumulate filters")  # docs L4501
        a.range()
    seen = set()
    for f in req.financial:
        if f.field == FinancialField.NONE:
            raise ScreenError("financial stock_field is unknown")
        if f.quarter == FinancialQuarter.NONE:
            raise ScreenError("quarter is unknown")
        if f.field in seen:
            raise ScreenError(f"{f.field.name} is given twice")  # docs L4506
        seen.add(f.field)
        f.range()
    seen = set()
    for p in req.patterns:
        if p.pattern not in ind.Pattern.ALL:
            raise ScreenError(f"unknown pattern {p.pattern}")
        if p.pattern in seen:
            raise ScreenError(f"pattern {p.pattern} is given twice")  # docs L4506
        seen.add(p.pattern)
        _check_kl_type(p.kl_type)
        _check_consecutive(p.consecutive)
    per_type: dict[str, int] = {}
    for c in req.indicators:
        if c.field1 in (IndicatorField.NONE, IndicatorField.VALUE):
            raise ScreenError("stock_field1 must be an indicator (VALUE is not allowed)")
        if c.field2 == IndicatorField.NONE:
            raise ScreenError("stock_field2 is unknown")
        if c.position == RelativePosition.NONE:
            raise ScreenError("relative_position is unknown")
        _check_kl_type(c.kl_type)
        _check_consecutive(c.consecutive)
        if c.field2 == IndicatorField.VALUE and (c.value is None or not math.isfinite(c.value)):
            raise ScreenError("value is required when stock_field2 is VALUE")
        f1, f2 = indicator_family(c.field1), indicator_family(c.field2)
        if f1 != f2 and f2 not in _COMPARABLE.get(f1, set()):
            # docs L4503-L4504: only indicators of the same type compare
            raise ScreenError(f"{c.field1.name} cannot be compared with {c.field2.name}")
        if c.field1 == c.field2 and indicator_params(c.field1, c.params1) == indicator_params(
                c.field2, c.params2):
            raise ScreenError("stock_field1 and stock_field2 are the same line")
        indicator_params(c.field1, c.params1)
        indicator_params(c.field2, c.params2)
        per_type[f1] = per_type.get(f1, 0) + 1
        if per_type[f1] > MAX_SAME_INDICATOR_TYPE:
            raise ScreenError(f"at most {MAX_SAME_INDICATOR_TYPE} {f1} indicator filters")  # docs L4505


# --------------------------------------------------------------------------- evaluation


def _r3(x: float) -> float:
    return round(float(x), 3)


def _pct(num: float, den: float) -> float | None:
    return num / den * 100.0 if den else None


class _Stock:
    """Lazily gathered facts of one candidate at one instant."""

    def __init__(self, screener: "StockScreener", inst: Instrument, at: dt.datetime) -> None:
        self.s = screener
        self.inst = inst
        self.code = inst.code
        self.at = at
        self._quote: Any = None
        self._fund: Any = None
        self._fund_done = False
        self._bars: dict[tuple[KLType, int], ind.Bars | None] = {}

    @property
    def quote(self) -> Any:
        if self._quote is None:
            self._quote = self.s.quote(self.code, self.at)
        return self._quote

    @property
    def fund(self) -> Any:
        if not self._fund_done:
            self._fund_done = True
            q = self.quote
            try:
                # valued exactly as the snapshot values it (the day's figures at the last price)
                fund = fundamentals(self.s.market, self.code, q.trading_day)
                self._fund = fund.at_price(q.last_price) if q.last_price > 0 else fund
            except (NoFundamentals, KeyError, LookupError, ValueError):
                self._fund = None
        return self._fund

    def bars(self, kl_type: KLType, count: int) -> ind.Bars | None:
        key = (kl_type, count)
        if key not in self._bars:
            kl = self.s.klines.latest(self.code, self.at, kl_type, count, AuType.QFQ)
            kl = [b for b in kl if not b.is_blank]
            self._bars[key] = None if not kl else ind.Bars(
                np.array([b.open for b in kl]), np.array([b.high for b in kl]),
                np.array([b.low for b in kl]), np.array([b.close for b in kl]))
        return self._bars[key]

    # -- simple ----------------------------------------------------------

    def simple(self, f: StockField) -> float | None:
        q = self.quote
        last = q.last_price
        if f == StockField.CUR_PRICE:
            return last
        if f == StockField.CUR_PRICE_TO_HIGHEST52_WEEKS_RATIO:
            return _pct(last - q.highest52weeks_price, q.highest52weeks_price)
        if f == StockField.CUR_PRICE_TO_LOWEST52_WEEKS_RATIO:
            return _pct(last - q.lowest52weeks_price, q.lowest52weeks_price)
        if f == StockField.HIGH_PRICE_TO_HIGHEST52_WEEKS_RATIO:
            high = q.high_price if q.volume else last
            return _pct(high - q.highest52weeks_price, q.highest52weeks_price)
        if f == StockField.LOW_PRICE_TO_LOWEST52_WEEKS_RATIO:
            low = q.low_price if q.volume else last
            return _pct(low - q.lowest52weeks_price, q.lowest52weeks_price)
        if f == StockField.VOLUME_RATIO:
            return q.volume_ratio
        if f == StockField.BID_ASK_RATIO:
            return self.s.bid_ask_ratio(self.code, self.at)
        if f == StockField.LOT_PRICE:
            return last * self.inst.lot_size
        if f == StockField.CHANGE_RATE_5MIN:
            return _pct(last - q.close_price_5min, q.close_price_5min)
        if f == StockField.CHANGE_RATE_BEGIN_YEAR:
            base = self.s.year_start_close(self.code, q.trading_day)
            return None if base is None else _pct(last - base, base)
        if f in (StockField.STOCK_CODE, StockField.STOCK_NAME):
            return None
        fund = self.fund
        if fund is None:
            return None
        return {
            StockField.MARKET_VAL: fund.market_value,
            StockField.PE_ANNUAL: fund.pe,
            StockField.PE_TTM: fund.pe_ttm,
            StockField.PB_RATE: fund.pb,
            StockField.PS_TTM: fund.ps_ttm,
            StockField.PCF_TTM: fund.pcf_ttm,
            StockField.TOTAL_SHARE: float(fund.total_shares),
            StockField.FLOAT_SHARE: float(fund.float_shares),
            StockField.FLOAT_MARKET_VAL: fund.float_market_value,
        }[f]

    # -- accumulate --------------------------------------------------------

    def accumulate(self, f: AccumulateField, days: int) -> float | None:
        kl = self.s.klines.latest(self.code, self.at, KLType.K_DAY, days, AuType.QFQ)
        kl = [b for b in kl if not b.is_blank]
        if not kl:
            return None
        base = kl[0].last_close
        if f == AccumulateField.CHANGE_RATE:
            return _pct(kl[-1].close - base, base)
        if f == AccumulateField.AMPLITUDE:
            return _pct(max(b.high for b in kl) - min(b.low for b in kl), base)
        if f == AccumulateField.VOLUME:
            return sum(b.volume for b in kl) / len(kl)
        if f == AccumulateField.TURNOVER:
            return sum(b.turnover for b in kl) / len(kl)
        return sum(b.turnover_rate for b in kl) * 100.0  # K-lines carry it as a fraction

    # -- financial ---------------------------------------------------------

    def financial(self, f: FinancialField, quarter: FinancialQuarter) -> float | None:
        fund = self.fund
        if fund is None:
            return None
        try:
            return float(fund.financial(f, quarter))
        except LookupError:
            return None

    # -- indicators --------------------------------------------------------

    def line(self, f: IndicatorField, params: tuple[int, ...], kl_type: KLType,
             value: float | None, need: int) -> np.ndarray | None:
        """The indicator as a series over the latest bars (None: no bars)."""
        warm = _warmup(f, params)
        bars = self.bars(kl_type, max(warm + need + 1, self.s.min_bars))
        if bars is None:
            return None
        return indicator_series(f, params, bars, value)

    def pattern(self, p: PatternFilter) -> bool:
        bars = self.bars(p.kl_type, self.s.min_bars)
        if bars is None:
            return False
        return ind.held_for(ind.pattern_mask(p.pattern, bars), p.consecutive or 1)


def _warmup(f: IndicatorField, params: tuple[int, ...]) -> int:
    if f in _FIXED_MA:
        return _FIXED_MA[f]
    if f in _FIXED_EMA:
        return 3 * _FIXED_EMA[f]
    family = indicator_family(f)
    if family == "MA":
        return params[0]
    if family == "EMA":
        return 3 * params[0]
    if family == "RSI":
        return 4 * (params[0] if params else ind.DEFAULT_RSI_PERIOD)
    if family == "KDJ":
        return 4 * sum(params or ind.DEFAULT_KDJ)
    if family == "MACD":
        p = params or ind.DEFAULT_MACD
        return 3 * (p[1] + p[2])
    if family == "BOLL":
        return (params or ind.DEFAULT_BOLL)[0]
    return 1


def indicator_series(f: IndicatorField, params: Sequence[int], bars: ind.Bars,
                     value: float | None = None) -> np.ndarray:
    """One indicator line over ``bars`` (oldest first)."""
    p = tuple(params)
    c = bars.close
    if f == IndicatorField.VALUE:
        return np.full(c.size, float(value if value is not None else np.nan))
    if f == IndicatorField.PRICE:
        return c.astype(float)
    if f in _FIXED_MA:
        return ind.sma(c, _FIXED_MA[f])
    if f in _FIXED_EMA:
        line = ind.ema(c, _FIXED_EMA[f])
        line[: min(_FIXED_EMA[f] - 1, line.size)] = np.nan
        return line
    if f == IndicatorField.MA:
        return ind.sma(c, p[0])
    if f == IndicatorField.EMA:
        line = ind.ema(c, p[0])
        line[: min(p[0] - 1, line.size)] = np.nan
        return line
    if f == IndicatorField.RSI:
        return ind.rsi(c, p[0] if p else ind.DEFAULT_RSI_PERIOD)
    if f in _KDJ:
        s = ind.kdj(bars.high, bars.low, c, *(p or ind.DEFAULT_KDJ))
        return {IndicatorField.KDJ_K: s.k, IndicatorField.KDJ_D: s.d, IndicatorField.KDJ_J: s.j}[f]
    if f in _MACD:
        m = ind.macd(c, *(p or ind.DEFAULT_MACD))
        return {IndicatorField.MACD_DIFF: m.diff, IndicatorField.MACD_DEA: m.dea,
                IndicatorField.MACD: m.macd}[f]
    if f in _BOLL:
        b = ind.boll(c, *(p or ind.DEFAULT_BOLL))
        return {IndicatorField.BOLL_UPPER: b.upper, IndicatorField.BOLL_MIDDLER: b.middle,
                IndicatorField.BOLL_LOWER: b.lower}[f]
    raise ScreenError(f"unknown indicator {f}")


def relation_mask(position: RelativePosition, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if position == RelativePosition.MORE:
        return ind.above(a, b)
    if position == RelativePosition.LESS:
        return ind.below(a, b)
    if position == RelativePosition.CROSS_UP:
        return ind.crosses_up(a, b)
    if position == RelativePosition.CROSS_DOWN:
        return ind.crosses_down(a, b)
    raise ScreenError(f"unknown relative position {position}")


def _last(x: np.ndarray | None) -> float | None:
    if x is None or x.size == 0 or math.isnan(float(x[-1])):
        return None
    return float(x[-1])


class StockScreener:
    """Screens the stocks of a simulated market.

    ``market`` is a SimulatedMarket (``universe``, ``prices``, ``klines``,
    ``quote``) or, for tests, a PriceEngine; ``candidates(market, plate)``
    lists the instruments to screen (default: the market's stocks from its
    universe, or a plate's stock members).
    """

    def __init__(self, market: Any,
                 candidates: Callable[[QotMarket, str | None], Iterable[Instrument]] | None = None,
                 *, min_bars: int = 120) -> None:
        self.market = market
        self.prices = getattr(market, "prices", market)
        self.klines: KLineSource = getattr(market, "klines", None) or KLineSource(self.prices)
        self._candidates = candidates or self._universe_candidates
        self.min_bars = min_bars
        self._books: Any = None

    # -- sources shared with the snapshot --------------------------------

    def quote(self, code: str, at: dt.datetime) -> Any:
        fn = getattr(self.market, "quote", None)
        if callable(fn) and fn is not getattr(self.prices, "quote", None):
            return fn(code, at)
        return self.prices.quote_at(code, at)

    def bid_ask_ratio(self, code: str, at: dt.datetime) -> float | None:
        """(bid volume - ask volume) / (bid + ask) over the book's levels, percent."""
        book = None
        fn = getattr(self.market, "order_book", None)
        if callable(fn):
            book = fn(code, at, BOOK_DEPTH) if _takes_depth(fn) else fn(code, at)
        else:
            if self._books is None:
                from openfutu.market.orderbook import OrderBookSource

                self._books = OrderBookSource(self.prices)
            book = self._books.order_book_at(code, at, BOOK_DEPTH)
        bid = sum(lv.volume for lv in book.bids[:BOOK_DEPTH])
        ask = sum(lv.volume for lv in book.asks[:BOOK_DEPTH])
        return _pct(bid - ask, bid + ask) if bid + ask else 0.0

    def year_start_close(self, code: str, day: dt.date) -> float | None:
        """Last forward-adjusted close before ``day``'s year began."""
        series = self.prices.daily_series(code, day)
        i = bisect.bisect_left(series.days, dt.date(day.year, 1, 1))
        if i == 0:
            return None  # listed this year: no close before the year began
        prev = series.days[i - 1]
        bars = self.klines.history(code, prev, prev, KLType.K_DAY, AuType.QFQ, today=day).bars
        return bars[-1].close if bars else None

    def _universe_candidates(self, market: QotMarket, plate: str | None) -> list[Instrument]:
        universe = getattr(self.market, "universe", None)
        if universe is None:
            raise ScreenError("this market has no universe to screen")
        if market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY):
            markets = [QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY]  # both mean A-shares
        else:
            markets = [market]
        stocks: dict[str, Instrument] = {}
        for m in markets:
            for inst in universe.by_market(m, SecurityType.EQTY):
                stocks[inst.code] = inst
        if plate is not None:
            try:
                members = universe.plate_members(plate)
            except (KeyError, LookupError) as err:
                raise ScreenError(f"unknown plate {plate}") from err
            codes = [getattr(m, "code", m) for m in members]
            return [stocks[c] for c in codes if c in stocks]
        return list(stocks.values())

    # -- the screen --------------------------------------------------------

    def screen(self, req: ScreenRequest, at: dt.datetime) -> ScreenResult:
        validate(req)
        rows: list[tuple[ScreenRow, list[float | str | None]]] = []
        for inst in self._candidates(req.market, req.plate):
            if inst.delisted:
                continue
            if inst.listing_date > at.date():
                continue
            try:
                stock = _Stock(self, inst, at)
                row = self._evaluate(stock, req)
            except ValueError:
                continue  # no trading yet as of ``at``
            if row is not None:
                rows.append(row)
        rows.sort(key=lambda r: r[0].code)
        for key_index, direction in reversed(self._sort_keys(req)):
            # None (no value) sorts last in both directions
            present = [r for r in rows if r[1][key_index] is not None]
            missing = [r for r in rows if r[1][key_index] is None]
            present.sort(key=lambda r: r[1][key_index], reverse=direction == SortDir.DESCEND)  # type: ignore[arg-type,return-value]
            rows = present + missing
        total = len(rows)
        page = [r[0] for r in rows[req.begin:req.begin + req.num]]
        return ScreenResult(req.begin + req.num >= total, total, page)

    @staticmethod
    def _sort_keys(req: ScreenRequest) -> list[tuple[int, SortDir]]:
        keys = []
        i = 0
        for group in (req.simple, req.accumulate, req.financial):
            for flt in group:
                if flt.sort in (SortDir.ASCEND, SortDir.DESCEND):
                    keys.append((i, flt.sort))
                i += 1
        return keys

    def _evaluate(self, stock: _Stock, req: ScreenRequest) -> tuple[ScreenRow, list[Any]] | None:
        """The stock's row and sort values, or None when a filter rejects it.
        Cheap filters run first so a rejected stock costs little."""
        row = ScreenRow(stock.code, stock.inst.name)
        for s in req.simple:
            if s.field in (StockField.STOCK_CODE, StockField.STOCK_NAME):
                continue  # sort keys only
            v = stock.simple(s.field)
            v = None if v is None else _r3(v)
            if s.active and not s.range().contains(v):
                return None
            if v is not None:
                row.simple[s.field] = v
        for f in req.financial:
            v = stock.financial(f.field, f.quarter)
            v = None if v is None else _r3(v)
            if f.active and not f.range().contains(v):
                return None
            if v is not None:
                row.financial[(f.field, f.quarter)] = v
        for a in req.accumulate:
            v = stock.accumulate(a.field, a.days)
            v = None if v is None else _r3(v)
            if a.active and not a.range().contains(v):
                return None
            if v is not None:
                row.accumulate[(a.field, a.days)] = v
        for p in req.patterns:
            if p.active and not stock.pattern(p):
                return None
        for c in req.indicators:
            n = c.consecutive or 1
            a = stock.line(c.field1, indicator_params(c.field1, c.params1), c.kl_type, c.value, n)
            b = stock.line(c.field2, indicator_params(c.field2, c.params2), c.kl_type, c.value, n)
            if c.active:
                if a is None or b is None:
                    return None
                size = min(a.size, b.size)
                if not ind.held_for(relation_mask(c.position, a[-size:], b[-size:]), n):
                    return None
            for f, params, line in ((c.field1, c.params1, a), (c.field2, c.params2, b)):
                if f == IndicatorField.VALUE:
                    continue
                v = _last(line)
                if v is not None:
                    row.indicators.append(IndicatorValue(f, reported_params(f, params), c.kl_type, _r3(v)))
        return row, _ordered_sort_values(req, row, stock)


def _ordered_sort_values(req: ScreenRequest, row: ScreenRow, stock: _Stock) -> list[Any]:
    """Values in the order StockScreener._sort_keys numbers the filters."""
    out: list[Any] = []
    for s in req.simple:
        if s.field == StockField.STOCK_CODE:
            out.append(stock.code)
        elif s.field == StockField.STOCK_NAME:
            out.append(stock.inst.name)
        else:
            out.append(row.simple.get(s.field))
    out += [row.accumulate.get((a.field, a.days)) for a in req.accumulate]
    out += [row.financial.get((f.field, f.quarter)) for f in req.financial]
    return out


def _takes_depth(fn: Callable[..., Any]) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 3
    except (TypeError, ValueError):
        return False
