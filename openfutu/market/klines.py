"""K-lines: minute bars aggregated to every KLType, daily bars to week,
month, quarter and year, with price adjustment and paging.

Time keys follow Futu: intraday bars are labelled by their *end* (the
09:30-09:31 bar is "09:31:00", the docs' rt_data example at L2909 starts at
20:01 for a 20:00 session start), and a bar never spans a session break: the
last bar of a session ends at the session end (HK 60-minute bars end at
10:30, 11:30, 12:00, 14:00, 15:00, 16:00).  Day and longer bars are keyed by
a date at 00:00:00 (docs example L2826); week/month/quarter/year bars carry
the first trading day of their period.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from openfutu.market.corporate_actions import AuType, RehabRecord, adjustment_for
from openfutu.market.model import SecurityType
from openfutu.market.prices import DailySeries, MinuteSeries, PriceEngine, rng_for


class KLType(IntEnum):
    """Bar period (Qot_Common.KLType; docs L6316; 10/120/180/240 min are SDK-only)."""

    NONE = 0
    K_1M = 1
    K_DAY = 2
    K_WEEK = 3
    K_MON = 4
    K_YEAR = 5
    K_5M = 6
    K_15M = 7
    K_30M = 8
    K_60M = 9
    K_3M = 10
    K_QUARTER = 11
    K_10M = 12
    K_120M = 13
    K_180M = 14
    K_240M = 15


MINUTES_PER_BAR: dict[KLType, int] = {
    KLType.K_1M: 1, KLType.K_3M: 3, KLType.K_5M: 5, KLType.K_10M: 10, KLType.K_15M: 15,
    KLType.K_30M: 30, KLType.K_60M: 60, KLType.K_120M: 120, KLType.K_180M: 180,
    KLType.K_240M: 240,
}
DAILY_AND_LONGER = (KLType.K_DAY, KLType.K_WEEK, KLType.K_MON, KLType.K_QUARTER, KLType.K_YEAR)
MINUTE_HISTORY_YEARS = 8  # docs L3501
DAILY_HISTORY_YEARS = 20  # docs L3501


@dataclass(frozen=True, slots=True)
class KLine:
    """One bar (Qot_Common.KLine).  ``turnover_rate`` is a fraction, as the
    KLine struct carries it; ``change_rate`` is in percent."""

    time_key: dt.datetime  # local exchange time; 00:00 for day and longer
    open: float
    close: float
    high: float
    low: float
    volume: int
    turnover: float
    last_close: float
    change_rate: float
    turnover_rate: float
    pe_ratio: float
    is_blank: bool = False


@dataclass(frozen=True, slots=True)
class KLinePage:
    """Bars of one request page; ``next_time_key`` is the time key of the
    first bar not returned (start of the next page), None when complete."""

    bars: list[KLine]
    next_time_key: dt.datetime | None


class KLineSource:
    """History and current K-lines of a PriceEngine."""

    def __init__(self, prices: PriceEngine) -> None:
        self.prices = prices

    # ------------------------------------------------------------- history

    def history(self, code: str, start: dt.datetime | dt.date, end: dt.datetime | dt.date,
                kl_type: KLType, au_type: AuType = AuType.QFQ, max_count: int | None = None,
                extended: bool = False, today: dt.date | None = None) -> KLinePage:
        """Bars whose time key lies in [start, end], at most ``max_count``.

        Naive datetimes and dates are in the exchange's local time.  With
        ``today``, history is cut to the documented depth: minute bars 8 years,
        daily bars 20 years, longer periods unlimited (docs L3501), and the
        adjustment uses every action up to ``today`` (forward adjustment is
        relative to the current price); without it, actions up to ``end``.
        """
        kl_type = KLType(kl_type)
        if kl_type == KLType.NONE:
            raise ValueError("kl_type must be a bar period")
        if max_count is not None and max_count <= 0:
            raise ValueError("max_count must be positive")
        tz = self.prices.timezone(code)
        t0, t1 = self._local(start, tz, False), self._local(end, tz, True)
        if t1 < t0:
            return KLinePage([], None)
        first = self.prices.first_day(code)
        if today is not None:
            years = MINUTE_HISTORY_YEARS if kl_type in MINUTES_PER_BAR else (
                DAILY_HISTORY_YEARS if kl_type == KLType.K_DAY else None)
            if years is not None:
                first = max(first, _years_before(today, years))
            t1 = min(t1, dt.datetime.combine(today, dt.time(23, 59, 59), tz))
        as_of = today or t1.date()
        if kl_type in MINUTES_PER_BAR:
            return self._minute_history(code, t0, t1, kl_type, au_type, max_count, extended, first,
                                        as_of)
        return self._daily_history(code, t0, t1, kl_type, au_type, max_count, first, as_of)

    @staticmethod
    def _local(t: dt.datetime | dt.date, tz: object, end: bool) -> dt.datetime:
        if not isinstance(t, dt.datetime):
            t = dt.datetime.combine(t, dt.time(23, 59, 59) if end else dt.time(0, 0))
        if t.tzinfo is None:
            return t.replace(tzinfo=tz)
        return t.astimezone(tz)

    def _minute_history(self, code: str, t0: dt.datetime, t1: dt.datetime, kl_type: KLType,
                        au_type: AuType, max_count: int | None, extended: bool,
                        first: dt.date, as_of: dt.date) -> KLinePage:
        # a day's bars lie on its own date, except US overnight bars (the evening before)
        days = self.prices.trading_days(code, max(t0.date(), first),
                                        t1.date() + dt.timedelta(1 if extended else 0))
        out: list[KLine] = []
        records = self.prices.corporate_actions.rehab(code, as_of)
        s0, s1 = t0.timestamp(), t1.timestamp()
        for day in days:
            bars = self.day_bars(code, day, kl_type, au_type, extended, records)
            for bar in bars:
                ts = bar.time_key.timestamp()
                if ts < s0 or ts > s1:
                    continue
                if max_count is not None and len(out) >= max_count:
                    return KLinePage(out, bar.time_key)
                out.append(bar)
        return KLinePage(out, None)

    def day_bars(self, code: str, day: dt.date, kl_type: KLType, au_type: AuType = AuType.QFQ,
                 extended: bool = False, records: Sequence[RehabRecord] | None = None,
                 upto: float | None = None) -> list[KLine]:
        """One trading day's intraday bars of period ``kl_type``; with ``upto``
        (epoch seconds) only minutes that have finished by then."""
        k = MINUTES_PER_BAR[KLType(kl_type)]
        ms = self.prices.minute_series(code, day, extended)
        n = len(ms) if upto is None else int(np.searchsorted(ms.starts + 60, upto, side="right"))
        if n == 0:
            return []
        labels = self._labels(code, day, ms, k, extended)[:n]
        cuts = np.concatenate([[0], np.nonzero(np.diff(labels))[0] + 1])
        o = ms.open[:n][cuts]
        c = ms.close[:n][np.concatenate([cuts[1:] - 1, [n - 1]])]
        h = np.maximum.reduceat(ms.high[:n], cuts)
        lo = np.minimum.reduceat(ms.low[:n], cuts)
        v = np.add.reduceat(ms.volume[:n], cuts)
        tv = np.add.reduceat(ms.turnover[:n], cuts)
        series = self.prices.daily_series(code, day)
        i = series.index_of(day)
        prev = float(series.prev_close[i])
        if records is None:
            records = self.prices.corporate_actions.rehab(code, day)
        adj = adjustment_for(records, np.array([day.toordinal()]), au_type)
        a, b = float(adj.a[0]), float(adj.b[0])
        prev_adj = prev * a + b
        if i > 0 and au_type != AuType.NONE:
            # the day's first bar compares with yesterday's adjusted close
            pa = adjustment_for(records, np.array([series.days[i - 1].toordinal()]), au_type)
            prev_adj = float(series.close[i - 1]) * float(pa.a[0]) + float(pa.b[0])
        tz = ms.tz
        oa, ca = np.round(o * a + b, 6), np.round(c * a + b, 6)
        ha, la = np.round(h * a + b, 6), np.round(lo * a + b, 6)
        lc = np.concatenate([[round(prev_adj, 6)], ca[:-1]])
        chg = np.round((ca - lc) / np.where(lc != 0, lc, 1.0) * 100.0, 6)
        times = [dt.datetime.fromtimestamp(int(x), tz) for x in labels[cuts]]
        return [KLine(t, op, cl, hi, lw, vo, tu, la_, ch, 0.0, 0.0)
                for t, op, cl, hi, lw, vo, tu, la_, ch in zip(
                    times, oa.tolist(), ca.tolist(), ha.tolist(), la.tolist(), v.tolist(),
                    tv.tolist(), lc.tolist(), chg.tolist())]

    def _labels(self, code: str, day: dt.date, ms: MinuteSeries, k: int, extended: bool) -> np.ndarray:
        """End label (epoch seconds) of the k-minute bar each minute belongs to."""
        cont, ext = self.prices._day_sessions(code, day)
        sessions = sorted(cont + (ext if extended else []))
        bounds = np.array([s[0] for s in sessions], dtype=np.int64)
        ends = np.array([s[1] for s in sessions], dtype=np.int64)
        idx = np.searchsorted(bounds, ms.starts, side="right") - 1
        s_start, s_end = bounds[idx], ends[idx]
        group = (ms.starts - s_start) // (60 * k)
        return np.minimum(s_start + (group + 1) * 60 * k, s_end)

    def _daily_history(self, code: str, t0: dt.datetime, t1: dt.datetime, kl_type: KLType,
                       au_type: AuType, max_count: int | None, first: dt.date,
                       as_of: dt.date) -> KLinePage:
        series = self.prices.daily_series(code, t1.date())
        # a period bar is keyed by its first day: include the whole period of t0
        lo_day = max(_period_start(t0.date(), kl_type), first)
        i0 = bisect.bisect_left(series.days, lo_day)
        i1 = bisect.bisect_right(series.days, t1.date())
        bars = self._aggregate(code, series, i0, i1, kl_type, au_type, as_of)
        if max_count is not None and len(bars) > max_count:
            return KLinePage(bars[:max_count], bars[max_count].time_key)
        return KLinePage(bars, None)

    def _aggregate(self, code: str, s: DailySeries, i0: int, i1: int, kl_type: KLType,
                   au_type: AuType, as_of: dt.date,
                   today: tuple[float, float, float, float, int, float] | None = None
                   ) -> list[KLine]:
        if i1 <= i0:
            return []
        sl = slice(i0, i1)
        ords = s.ordinals[sl]
        records = self.prices.corporate_actions.rehab(code, as_of)
        adj = adjustment_for(records, ords, au_type)
        o = adj.apply(s.open[sl].astype(float))
        h = adj.apply(s.high[sl].astype(float))
        lo = adj.apply(s.low[sl].astype(float))
        c = adj.apply(s.close[sl].astype(float))
        v = s.volume[sl].astype(np.int64)
        tv = s.turnover[sl].astype(float)
        if today is not None:
            o[-1], h[-1], lo[-1], c[-1], v[-1], tv[-1] = (
                today[0] * adj.a[-1] + adj.b[-1], today[1] * adj.a[-1] + adj.b[-1],
                today[2] * adj.a[-1] + adj.b[-1], today[3] * adj.a[-1] + adj.b[-1],
                today[4], today[5])
        days = s.days[sl]
        # close of the bar before the first one, adjusted
        if i0 > 0:
            pa = adjustment_for(records, s.ordinals[i0 - 1:i0], au_type)
            before = float(s.close[i0 - 1]) * float(pa.a[0]) + float(pa.b[0])
        else:
            before = float(s.prev_close[0]) * float(adj.a[0]) + float(adj.b[0])
        if kl_type == KLType.K_DAY:
            cuts = np.arange(len(days))
        else:
            keys = [_period_key(d, kl_type) for d in days]
            cuts = np.array([0] + [j for j in range(1, len(keys)) if keys[j] != keys[j - 1]])
        ends = np.concatenate([cuts[1:] - 1, [len(days) - 1]])
        ho = np.maximum.reduceat(h, cuts)
        lw = np.minimum.reduceat(lo, cuts)
        vv = np.add.reduceat(v, cuts)
        tt = np.add.reduceat(tv, cuts)
        inst = self.prices.instrument(code)
        equity = inst.sec_type == SecurityType.EQTY
        shares = self.prices.outstanding_shares(code) if equity else 0
        eps = self._eps(code) if equity else 0.0
        out = []
        last = before
        for j in range(cuts.size):
            cl = float(c[ends[j]])
            raw_close = float(s.close[i0 + ends[j]])
            out.append(KLine(dt.datetime.combine(days[cuts[j]], dt.time(0), self.prices.timezone(code)),
                             _r(float(o[cuts[j]])), _r(cl), _r(float(ho[j])), _r(float(lw[j])),
                             int(vv[j]), float(tt[j]), _r(last), _pct(cl, last),
                             round(int(vv[j]) / shares, 6) if shares else 0.0,
                             round(raw_close / eps, 3) if eps else 0.0))
            last = cl
        return out

    def _eps(self, code: str) -> float:
        """Deterministic earnings per share: P/E between 6 and 45 at the reference price."""
        inst = self.prices.instrument(code)
        pe = float(rng_for(self.prices.seed, code, "pe").uniform(6.0, 45.0))
        return inst.reference_price / pe

    # ------------------------------------------------------------- current

    def latest(self, code: str, at: dt.datetime, kl_type: KLType, count: int,
               au_type: AuType = AuType.QFQ, extended: bool = False) -> list[KLine]:
        """The last ``count`` bars as of ``at`` (get_cur_kline), the current
        bar built from what has traded so far."""
        kl_type = KLType(kl_type)
        if count <= 0:
            return []
        day = self.prices.session_day(code, at)
        if day is None:
            return []
        series = self.prices.daily_series(code, day)
        i = series.index_of(day)
        if kl_type in MINUTES_PER_BAR:
            out: list[KLine] = []
            j = i
            records = self.prices.corporate_actions.rehab(code, day)
            while j >= 0 and len(out) < count:
                d = series.days[j]
                bars = self.day_bars(code, d, kl_type, au_type, extended, records,
                                     upto=at.timestamp() if d == day else None)
                out[:0] = bars
                j -= 1
            return out[-count:]
        q = self.prices.quote_at(code, at)
        today = None
        if q.volume:
            today = (q.open_price, q.high_price, q.low_price, q.last_price, q.volume, q.turnover)
        i1 = i + 1 if today is not None else i
        i0 = max(0, i1 - count * {KLType.K_DAY: 1, KLType.K_WEEK: 5, KLType.K_MON: 23,
                                   KLType.K_QUARTER: 66, KLType.K_YEAR: 260}[kl_type] - 260)
        if kl_type != KLType.K_DAY:
            i0 = bisect.bisect_left(series.days, _period_start(series.days[i0], kl_type))
        bars = self._aggregate(code, series, i0, i1, kl_type, au_type, day, today)
        return bars[-count:]


def _r(x: float) -> float:
    return round(x, 6)


def _pct(x: float, ref: float) -> float:
    return round((x - ref) / ref * 100.0, 6) if ref else 0.0


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _period_key(day: dt.date, kl_type: KLType) -> tuple[int, int]:
    if kl_type == KLType.K_WEEK:
        iso = day.isocalendar()
        return (iso[0], iso[1])
    if kl_type == KLType.K_MON:
        return (day.year, day.month)
    if kl_type == KLType.K_QUARTER:
        return (day.year, (day.month - 1) // 3)
    if kl_type == KLType.K_YEAR:
        return (day.year, 0)
    return (day.toordinal(), 0)


def _period_start(day: dt.date, kl_type: KLType) -> dt.date:
    if kl_type == KLType.K_WEEK:
        return day - dt.timedelta(day.weekday())
    if kl_type == KLType.K_MON:
        return day.replace(day=1)
    if kl_type == KLType.K_QUARTER:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kl_type == KLType.K_YEAR:
        return dt.date(day.year, 1, 1)
    return day
