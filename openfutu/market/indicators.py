"""Technical indicators and chart patterns computed from K-line arrays.

Used by the stock screener's custom-indicator and pattern filters.  The
formulas follow the conventions of Chinese charting software that Futu's
screener uses (RSI and KDJ smoothed with SMA(X, N, 1), MACD bar = 2 x
(DIFF - DEA), Bollinger width in population standard deviations).

Every function takes oldest-first numpy arrays and returns an array of the
same length; positions without enough history are NaN, so comparisons on them
are False and a stock with too short a history never passes a filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Default parameters (Qot_StockFilter.proto comments, docs L5850-L5968).
DEFAULT_RSI_PERIOD = 12
DEFAULT_KDJ = (9, 3, 3)
DEFAULT_MACD = (12, 26, 9)
DEFAULT_BOLL = (20, 2)
# Short and long RSI of the RSI cross patterns (the charting defaults RSI6/RSI12).
RSI_SHORT, RSI_LONG = 6, 12
# A peak or trough must dominate this many bars on each side.
EXTREMUM_WING = 2
# Divergence looks at extremes inside this many recent bars ...
DIVERGENCE_LOOKBACK = 60
# ... and the later extreme must be at most this many bars old.
DIVERGENCE_RECENT = 10


def _as_float(x: np.ndarray | list[float]) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _check_period(n: int) -> None:
    if int(n) != n or n < 1:
        raise ValueError(f"indicator period must be a positive integer, got {n}")


def sma(close: np.ndarray | list[float], n: int) -> np.ndarray:
    """Simple moving average over ``n`` bars."""
    _check_period(n)
    x = _as_float(close)
    out = np.full(x.size, np.nan)
    if x.size >= n:
        c = np.cumsum(np.concatenate([[0.0], x]))
        out[n - 1:] = (c[n:] - c[:-n]) / n
    return out


def ema(close: np.ndarray | list[float], n: int) -> np.ndarray:
    """Exponential moving average with alpha 2/(n+1), seeded by the first value."""
    _check_period(n)
    return _smooth(_as_float(close), 2.0 / (n + 1))


def _smooth(x: np.ndarray, alpha: float, seed: float | None = None) -> np.ndarray:
    """y[i] = alpha*x[i] + (1-alpha)*y[i-1]; NaN inputs are skipped (carry y)."""
    out = np.full(x.size, np.nan)
    prev = seed
    for i, v in enumerate(x):
        if np.isnan(v):
            continue
        prev = v if prev is None else alpha * v + (1.0 - alpha) * prev
        out[i] = prev
    return out


def wilder(x: np.ndarray, n: int, seed: float | None = None) -> np.ndarray:
    """SMA(X, N, 1) of charting software: y = (x + (n-1) y_prev) / n."""
    _check_period(n)
    return _smooth(_as_float(x), 1.0 / n, seed)


def rsi(close: np.ndarray | list[float], n: int = DEFAULT_RSI_PERIOD) -> np.ndarray:
    """Relative strength index in [0, 100]; NaN for the first ``n`` bars."""
    _check_period(n)
    x = _as_float(close)
    out = np.full(x.size, np.nan)
    if x.size < 2:
        return out
    diff = np.diff(x)
    up = wilder(np.maximum(diff, 0.0), n)
    move = wilder(np.abs(diff), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(move > 0, up / move * 100.0, 50.0)
    out[1:] = value
    out[: min(n, x.size)] = np.nan  # the smoothing needs n changes to settle
    return out


@dataclass(frozen=True, slots=True)
class Macd:
    diff: np.ndarray
    dea: np.ndarray
    macd: np.ndarray  # 2 x (DIFF - DEA), the histogram bar


def macd(close: np.ndarray | list[float], fast: int = DEFAULT_MACD[0], slow: int = DEFAULT_MACD[1],
         signal: int = DEFAULT_MACD[2]) -> Macd:
    if not fast < slow:
        raise ValueError("MACD needs the fast period below the slow period")
    x = _as_float(close)
    diff = ema(x, fast) - ema(x, slow)
    dea = ema(diff, signal)
    bar = 2.0 * (diff - dea)
    warm = min(slow - 1, x.size)  # the slow EMA has no meaning before slow bars
    for a in (diff, dea, bar):
        a[:warm] = np.nan
    return Macd(diff, dea, bar)


@dataclass(frozen=True, slots=True)
class Kdj:
    k: np.ndarray
    d: np.ndarray
    j: np.ndarray


def _rolling(x: np.ndarray, n: int, fn: str) -> np.ndarray:
    out = np.full(x.size, np.nan)
    if x.size >= n:
        windows = np.lib.stride_tricks.sliding_window_view(x, n)
        out[n - 1:] = windows.max(axis=1) if fn == "max" else windows.min(axis=1)
    return out


def kdj(high: np.ndarray | list[float], low: np.ndarray | list[float],
        close: np.ndarray | list[float], n: int = DEFAULT_KDJ[0], m1: int = DEFAULT_KDJ[1],
        m2: int = DEFAULT_KDJ[2]) -> Kdj:
    """Stochastic KDJ: RSV over ``n`` bars, K = SMA(RSV, m1, 1), D = SMA(K, m2, 1)
    both seeded at 50, J = 3K - 2D."""
    for p in (n, m1, m2):
        _check_period(p)
    h, lo, c = _as_float(high), _as_float(low), _as_float(close)
    hh, ll = _rolling(h, n, "max"), _rolling(lo, n, "min")
    with np.errstate(invalid="ignore", divide="ignore"):
        rsv = np.where(hh > ll, (c - ll) / (hh - ll) * 100.0, 50.0)
    rsv[np.isnan(hh)] = np.nan
    k = wilder(rsv, m1, seed=50.0)
    d = wilder(k, m2, seed=50.0)
    return Kdj(k, d, 3.0 * k - 2.0 * d)


@dataclass(frozen=True, slots=True)
class Boll:
    upper: np.ndarray
    middle: np.ndarray
    lower: np.ndarray


def boll(close: np.ndarray | list[float], n: int = DEFAULT_BOLL[0], width: float = DEFAULT_BOLL[1]) -> Boll:
    """Bollinger bands: MA(n) +/- width x population standard deviation."""
    _check_period(n)
    if width <= 0:
        raise ValueError("BOLL width must be positive")
    x = _as_float(close)
    mid = sma(x, n)
    sd = np.full(x.size, np.nan)
    if x.size >= n:
        sd[n - 1:] = np.lib.stride_tricks.sliding_window_view(x, n).std(axis=1)
    return Boll(mid + width * sd, mid, mid - width * sd)


# --------------------------------------------------------------------------- comparisons


def above(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(a > b) & ~np.isnan(a) & ~np.isnan(b)


def below(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(a < b) & ~np.isnan(a) & ~np.isnan(b)


def crosses_up(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True at i when a[i-1] < b[i-1] and a[i] > b[i] (a golden cross)."""
    out = np.zeros(np.size(a), dtype=bool)
    if out.size > 1:
        out[1:] = below(a[:-1], b[:-1]) & above(a[1:], b[1:])
    return out


def crosses_down(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True at i when a[i-1] > b[i-1] and a[i] < b[i] (a death cross)."""
    out = np.zeros(np.size(a), dtype=bool)
    if out.size > 1:
        out[1:] = above(a[:-1], b[:-1]) & below(a[1:], b[1:])
    return out


def held_for(mask: np.ndarray, periods: int) -> bool:
    """The condition holds on each of the last ``periods`` bars."""
    return periods >= 1 and mask.size >= periods and bool(mask[-periods:].all())


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True, slots=True)
class Bars:
    """Oldest-first OHLC arrays of one security at one bar period."""

    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray

    def __len__(self) -> int:
        return int(self.close.size)


def _extremes(x: np.ndarray, peaks: bool) -> list[int]:
    """Indices of strict local peaks (or troughs) dominating EXTREMUM_WING bars each side."""
    w = EXTREMUM_WING
    out = []
    for i in range(w, x.size - w):
        left, right = x[i - w:i], x[i + 1:i + 1 + w]
        if peaks and x[i] > left.max() and x[i] >= right.max():
            out.append(i)
        elif not peaks and x[i] < left.min() and x[i] <= right.min():
            out.append(i)
    return out


def divergence(close: np.ndarray, indicator: np.ndarray, top: bool) -> np.ndarray:
    """Per bar: do the two latest peaks (troughs) of the close within the
    lookback diverge from ``indicator``?  Top: later peak has the higher close
    but the lower indicator; bottom: later trough the lower close but the
    higher indicator.  The later extreme must be recent (DIVERGENCE_RECENT)."""
    c = _as_float(close)
    ind = _as_float(indicator)
    out = np.zeros(c.size, dtype=bool)
    for i in range(c.size):
        lo = max(0, i - DIVERGENCE_LOOKBACK + 1)
        ext = [lo + j for j in _extremes(c[lo:i + 1], peaks=top)]
        if len(ext) < 2:
            continue
        a, b = ext[-2], ext[-1]
        if i - b > DIVERGENCE_RECENT or np.isnan(ind[a]) or np.isnan(ind[b]):
            continue
        if top:
            out[i] = c[b] > c[a] and ind[b] < ind[a]
        else:
            out[i] = c[b] < c[a] and ind[b] > ind[a]
    return out


def _stack(lines: list[np.ndarray], descending: bool) -> np.ndarray:
    ok = np.ones(lines[0].size, dtype=bool)
    for a, b in zip(lines, lines[1:]):
        ok &= above(a, b) if descending else below(a, b)
    return ok


def _two_bars(mask: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.size, dtype=bool)
    if mask.size > 1:
        out[1:] = mask[1:] & mask[:-1]
    return out


def _close_vs_prev(c: np.ndarray, up: bool) -> np.ndarray:
    out = np.zeros(c.size, dtype=bool)
    if c.size > 1:
        out[1:] = c[1:] > c[:-1] if up else c[1:] < c[:-1]
    return out


class Pattern:
    """Pattern numbers = Qot_StockFilter.PatternField (docs L5994-L6080)."""

    MA_ALIGNMENT_LONG = 1
    MA_ALIGNMENT_SHORT = 2
    EMA_ALIGNMENT_LONG = 3
    EMA_ALIGNMENT_SHORT = 4
    RSI_GOLD_CROSS_LOW = 5
    RSI_DEATH_CROSS_HIGH = 6
    RSI_TOP_DIVERGENCE = 7
    RSI_BOTTOM_DIVERGENCE = 8
    KDJ_GOLD_CROSS_LOW = 9
    KDJ_DEATH_CROSS_HIGH = 10
    KDJ_TOP_DIVERGENCE = 11
    KDJ_BOTTOM_DIVERGENCE = 12
    MACD_GOLD_CROSS_LOW = 13
    MACD_DEATH_CROSS_HIGH = 14
    MACD_TOP_DIVERGENCE = 15
    MACD_BOTTOM_DIVERGENCE = 16
    BOLL_BREAK_UPPER = 17
    BOLL_BREAK_LOWER = 18
    BOLL_CROSS_MIDDLE_UP = 19
    BOLL_CROSS_MIDDLE_DOWN = 20

    ALL = tuple(range(1, 21))


_ALIGNMENT_PERIODS = (5, 10, 20, 30, 60)


def pattern_mask(pattern: int, bars: Bars) -> np.ndarray:
    """Per bar, whether ``pattern`` shows on that bar."""
    c, h, lo = bars.close, bars.high, bars.low
    if pattern in (Pattern.MA_ALIGNMENT_LONG, Pattern.MA_ALIGNMENT_SHORT,
                   Pattern.EMA_ALIGNMENT_LONG, Pattern.EMA_ALIGNMENT_SHORT):
        avg = sma if pattern in (Pattern.MA_ALIGNMENT_LONG, Pattern.MA_ALIGNMENT_SHORT) else ema
        lines = [avg(c, p) for p in _ALIGNMENT_PERIODS]
        if pattern in (Pattern.EMA_ALIGNMENT_LONG, Pattern.EMA_ALIGNMENT_SHORT):
            for p, line in zip(_ALIGNMENT_PERIODS, lines):
                line[: min(p - 1, line.size)] = np.nan
        long = pattern in (Pattern.MA_ALIGNMENT_LONG, Pattern.EMA_ALIGNMENT_LONG)
        # two bars running in stack order, and the close beyond the previous close
        return _two_bars(_stack(lines, descending=long)) & _close_vs_prev(c, up=long)
    if pattern in (Pattern.RSI_GOLD_CROSS_LOW, Pattern.RSI_DEATH_CROSS_HIGH):
        short, long_ = rsi(c, RSI_SHORT), rsi(c, RSI_LONG)
        if pattern == Pattern.RSI_GOLD_CROSS_LOW:
            return crosses_up(short, long_) & below(short, np.full(c.size, 50.0))
        return crosses_down(short, long_) & above(short, np.full(c.size, 50.0))
    if pattern in (Pattern.RSI_TOP_DIVERGENCE, Pattern.RSI_BOTTOM_DIVERGENCE):
        return divergence(c, rsi(c, RSI_LONG), top=pattern == Pattern.RSI_TOP_DIVERGENCE)
    if pattern in (Pattern.KDJ_GOLD_CROSS_LOW, Pattern.KDJ_DEATH_CROSS_HIGH):
        s = kdj(h, lo, c)
        if pattern == Pattern.KDJ_GOLD_CROSS_LOW:
            cross = crosses_up(s.k, s.d) & crosses_up(s.j, s.d)
            level = ~above(s.k, np.full(c.size, 30.0)) & ~above(s.d, np.full(c.size, 30.0))
        else:
            cross = crosses_down(s.k, s.d) & crosses_down(s.j, s.d)
            level = ~below(s.k, np.full(c.size, 70.0)) & ~below(s.d, np.full(c.size, 70.0))
        return cross & level & ~np.isnan(s.d)
    if pattern in (Pattern.KDJ_TOP_DIVERGENCE, Pattern.KDJ_BOTTOM_DIVERGENCE):
        return divergence(c, kdj(h, lo, c).j, top=pattern == Pattern.KDJ_TOP_DIVERGENCE)
    if pattern in (Pattern.MACD_GOLD_CROSS_LOW, Pattern.MACD_DEATH_CROSS_HIGH):
        m = macd(c)
        if pattern == Pattern.MACD_GOLD_CROSS_LOW:
            return crosses_up(m.diff, m.dea)
        return crosses_down(m.diff, m.dea)
    if pattern in (Pattern.MACD_TOP_DIVERGENCE, Pattern.MACD_BOTTOM_DIVERGENCE):
        return divergence(c, macd(c).macd, top=pattern == Pattern.MACD_TOP_DIVERGENCE)
    if pattern in (Pattern.BOLL_BREAK_UPPER, Pattern.BOLL_BREAK_LOWER,
                   Pattern.BOLL_CROSS_MIDDLE_UP, Pattern.BOLL_CROSS_MIDDLE_DOWN):
        b = boll(c)
        if pattern == Pattern.BOLL_BREAK_UPPER:
            return crosses_up(c, b.upper)
        if pattern == Pattern.BOLL_BREAK_LOWER:
            return crosses_down(c, b.lower)
        if pattern == Pattern.BOLL_CROSS_MIDDLE_UP:
            return crosses_up(c, b.middle)
        return crosses_down(c, b.middle)
    raise ValueError(f"unknown pattern {pattern}")
