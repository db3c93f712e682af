"""PriceEngine: determinism, tick grid, limits, OHLC consistency, ticks, quotes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openfutu.market.model import Instrument, SecurityCode, SecurityType
from openfutu.market.prices import (
    PriceEngine,
    SessionKind,
    TickerDirection,
    TickerType,
    WeekdaySessionCalendar,
    _fallback_tick_size,
    _region_of,
)

UTC = dt.timezone.utc
DAY = dt.date(2025, 3, 4)  # a Tuesday


def make_instruments() -> dict[str, Instrument]:
    spec = [
        ("HK.00700", SecurityType.EQTY, 380.0, 100, "HKD", 0.35, dt.date(2004, 6, 16)),
        ("HK.02800", SecurityType.TRUST, 19.5, 500, "HKD", 0.2, dt.date(1999, 11, 12)),
        ("US.AAPL", SecurityType.EQTY, 190.0, 1, "USD", 0.3, dt.date(1995, 1, 3)),
        ("SH.600519", SecurityType.EQTY, 1500.0, 100, "CNY", 0.3, dt.date(2001, 8, 27)),
        ("SZ.300750", SecurityType.EQTY, 200.0, 100, "CNY", 0.9, dt.date(2018, 6, 11)),
        ("HK.800000", SecurityType.INDEX, 20000.0, 1, "HKD", 0.25, dt.date(1990, 1, 2)),
    ]
    out = {}
    for code, st, ref, lot, cur, vol, listing in spec:
        out[code] = Instrument(SecurityCode.parse(code), code, st, lot, cur, listing, ref, vol)
    return out


class Universe:
    """Instruments plus index constituents, as a universe would give them."""

    def __init__(self) -> None:
        self.items = make_instruments()

    def instrument(self, code: str) -> Instrument | None:
        return self.items.get(code)

    def constituents(self, code: str) -> list[str]:
        return ["HK.00700", "HK.02800"] if code == "HK.800000" else []


_CALS: dict[str, WeekdaySessionCalendar] = {}


def weekday_calendars(inst: Instrument) -> WeekdaySessionCalendar:
    region = _region_of(inst)
    return _CALS.setdefault(region, WeekdaySessionCalendar(region))


def engine(seed: int = 7) -> PriceEngine:
    return PriceEngine(seed, Universe(), weekday_calendars)


def on_grid(inst: Instrument, prices: np.ndarray) -> bool:
    for p in np.ravel(prices):
        t = _fallback_tick_size(inst, float(p))
        if abs(round(p / t) * t - p) > 1e-6:
            return False
    return True


def test_same_seed_same_prices_regardless_of_query_order() -> None:
    a, b = engine(7), engine(7)
    # b asks for things in another order first
    b.minute_series("HK.00700", dt.date(2024, 5, 6))
    b.quote_at("US.AAPL", dt.datetime(2025, 3, 4, 15, tzinfo=UTC))
    b.daily_series("HK.00700", dt.date(2030, 1, 1))  # a longer horizon
    sa, sb = a.daily_series("HK.00700"), b.daily_series("HK.00700")
    n = len(sa.days)
    assert sa.days == sb.days[:n]
    for name in ("open", "high", "low", "close", "volume", "turnover"):
        assert np.array_equal(getattr(sa, name), getattr(sb, name)[:n])
    ma, mb = a.minute_series("HK.00700", DAY), b.minute_series("HK.00700", DAY)
    assert np.array_equal(ma.close, mb.close) and np.array_equal(ma.volume, mb.volume)
    at = dt.datetime(2025, 3, 4, 3, 15, 30, tzinfo=UTC)
    assert a.quote_at("HK.00700", at) == b.quote_at("HK.00700", at)


def test_different_seed_different_prices() -> None:
    a, b = engine(7), engine(8)
    assert not np.array_equal(a.daily_series("HK.00700").close, b.daily_series("HK.00700").close)
    assert not np.array_equal(a.minute_series("US.AAPL", DAY).close,
                              b.minute_series("US.AAPL", DAY).close)


def test_reference_price_at_anchor() -> None:
    e = engine()
    bar = e.daily_bar("HK.00700", e.anchor_date)
    assert bar.close == pytest.approx(380.0, abs=0.2)


@pytest.mark.parametrize("code", ["HK.00700", "HK.02800", "US.AAPL", "SH.600519", "SZ.300750"])
def test_daily_bars_consistent_on_grid_in_lots(code: str) -> None:
    e = engine()
    inst = e.instrument(code)
    s = e.daily_series(code)
    assert np.all(s.high >= np.maximum(s.open, s.close))
    assert np.all(s.low <= np.minimum(s.open, s.close))
    assert np.all(s.low > 0)
    assert np.all(s.volume % inst.lot_size == 0) and np.all(s.volume > 0)
    assert np.array_equal(s.prev_close[1:], s.close[:-1])
    tail = slice(-300, None)
    for arr in (s.open[tail], s.high[tail], s.low[tail], s.close[tail]):
        assert on_grid(inst, arr)
    assert all(d.weekday() < 5 for d in s.days)
    assert s.days[0] >= inst.listing_date


@pytest.mark.parametrize("code", ["SH.600519", "SZ.300750"])
def test_a_share_prices_within_daily_limits(code: str) -> None:
    e = engine()
    s = e.daily_series(code)
    assert s.limit_low is not None and s.limit_high is not None
    assert np.all(s.high <= s.limit_high + 1e-9)
    assert np.all(s.low >= s.limit_low - 1e-9)
    ratio = 0.2 if code.startswith("SZ.300") else 0.1
    ok = s.prev_close > 0
    moves = np.abs(s.close[1:] / s.prev_close[1:] - 1)
    # ex-dates move the reference; elsewhere the close stays inside the band
    ex = {a.ex_date for a in e.corporate_actions.actions(code)}
    plain = np.array([d not in ex for d in s.days[1:]])
    assert np.all(moves[plain & ok[1:]] <= ratio + 0.002)
    ms = e.minute_series(code, DAY)
    i = s.index_of(DAY)
    assert ms.high.max() <= s.limit_high[i] and ms.low.min() >= s.limit_low[i]


@pytest.mark.parametrize("code", ["HK.00700", "US.AAPL", "SH.600519", "HK.02800"])
def test_minutes_aggregate_to_the_daily_bar(code: str) -> None:
    e = engine()
    inst = e.instrument(code)
    for day in (DAY, dt.date(2019, 7, 10), dt.date(2024, 12, 31)):
        bar = e.daily_bar(code, day)
        ms = e.minute_series(code, day)
        assert ms.open[0] == bar.open and ms.close[-1] == bar.close
        assert ms.high.max() == bar.high and ms.low.min() == bar.low
        assert int(ms.volume.sum()) == bar.volume
        assert ms.turnover.sum() == pytest.approx(bar.turnover, rel=1e-9)
        assert np.all(ms.high >= np.maximum(ms.open, ms.close))
        assert np.all(ms.low <= np.minimum(ms.open, ms.close))
        assert np.all(ms.volume % inst.lot_size == 0)
        assert on_grid(inst, np.concatenate([ms.open, ms.high, ms.low, ms.close]))


def test_minutes_only_inside_continuous_sessions() -> None:
    e = engine()
    hk = e.minute_bars("HK.00700", DAY)
    assert len(hk) == 150 + 180
    assert hk[0].time.strftime("%H:%M") == "09:31" and hk[-1].time.strftime("%H:%M") == "16:00"
    assert not any(dt.time(12, 0) < b.start.time() < dt.time(13, 0) for b in hk)
    cn = e.minute_bars("SH.600519", DAY)
    assert len(cn) == 240
    us = e.minute_bars("US.AAPL", DAY)
    assert len(us) == 390 and us[-1].time.strftime("%H:%M") == "16:00"
    with pytest.raises(KeyError):
        e.minute_series("HK.00700", dt.date(2025, 3, 8))  # a Saturday


def test_us_extended_minutes() -> None:
    e = engine()
    ms = e.minute_series("US.AAPL", DAY, extended=True)
    kinds = set(int(k) for k in ms.sessions)
    assert kinds == {int(k) for k in SessionKind}
    assert np.all(np.diff(ms.starts) > 0)
    regular = ms.sessions == int(SessionKind.CONTINUOUS)
    assert np.array_equal(ms.close[regular], e.minute_series("US.AAPL", DAY).close)
    pre = np.nonzero(ms.sessions == int(SessionKind.PRE_MARKET))[0]
    bar = e.daily_bar("US.AAPL", DAY)
    assert ms.close[pre[-1]] == bar.open  # pre-market leads into the open


def test_ticks_reproduce_their_minute() -> None:
    e = engine()
    inst = e.instrument("HK.00700")
    ms = e.minute_series("HK.00700", DAY)
    for m in (0, 1, 77, 149, 150, 329):
        ticks = e.minute_ticks("HK.00700", ms, m)
        assert sum(t.volume for t in ticks) == ms.volume[m]
        assert all(t.volume % inst.lot_size == 0 and t.volume > 0 for t in ticks)
        assert ticks[0].price == ms.open[m] and ticks[-1].price == ms.close[m]
        prices = [t.price for t in ticks]
        if len(ticks) >= 4:
            assert max(prices) == ms.high[m] and min(prices) == ms.low[m]
        assert all(ms.low[m] <= p <= ms.high[m] for p in prices)
        assert on_grid(inst, np.array(prices))
        start = dt.datetime.fromtimestamp(int(ms.starts[m]), UTC)
        assert all(start <= t.time < start + dt.timedelta(minutes=1) for t in ticks)
        assert all(t.turnover == pytest.approx(t.price * t.volume) for t in ticks)
    first = e.minute_ticks("HK.00700", ms, 0)[0]
    assert first.type == TickerType.AUCTION
    assert e.minute_ticks("HK.00700", ms, 5)[0].type == TickerType.AUTO_MATCH


def test_ticks_between_ordered_with_increasing_sequence() -> None:
    e = engine()
    start = dt.datetime(2025, 3, 4, 3, 55, tzinfo=UTC)  # 11:55 HKT, across the lunch break
    end = dt.datetime(2025, 3, 4, 5, 5, tzinfo=UTC)
    ticks = e.ticks_between("HK.00700", start, end)
    assert ticks
    seqs = [t.sequence for t in ticks]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    times = [t.time for t in ticks]
    assert times == sorted(times)
    assert all(start <= t <= end for t in times)
    assert not any(dt.time(12, 0) <= t.astimezone(weekday_calendars(e.instrument("HK.00700")).timezone).time()
                   < dt.time(13, 0) for t in times)
    # direction follows the price change between prints
    for prev, cur in zip(ticks, ticks[1:]):
        if cur.price > prev.price:
            assert cur.direction == TickerDirection.BUY
        elif cur.price < prev.price:
            assert cur.direction == TickerDirection.SELL
    # a sub-range is the same prints
    mid = ticks[len(ticks) // 2].time
    again = e.ticks_between("HK.00700", mid, end)
    assert again == [t for t in ticks if t.time >= mid]
    with pytest.raises(ValueError):
        e.ticks_between("HK.00700", start.replace(tzinfo=None), end)


def test_quote_matches_minutes_and_ticks() -> None:
    e = engine()
    at = dt.datetime(2025, 3, 4, 3, 15, 30, tzinfo=UTC)  # 11:15:30 HKT
    q = e.quote_at("HK.00700", at)
    ms = e.minute_series("HK.00700", DAY)
    done = 105  # 09:30 .. 11:15 elapsed
    partial = [t for t in e.minute_ticks("HK.00700", ms, done) if t.time <= at]
    assert q.volume == int(ms.volume[:done].sum()) + sum(t.volume for t in partial)
    assert q.open_price == ms.open[0]
    assert q.high_price >= max(q.open_price, q.last_price) >= q.low_price
    assert q.prev_close_price == e.daily_bar("HK.00700", DAY).prev_close
    assert q.change_val == pytest.approx(q.last_price - q.prev_close_price)
    assert q.amplitude == pytest.approx((q.high_price - q.low_price) / q.prev_close_price * 100, abs=1e-3)
    assert q.low_price <= q.avg_price <= q.high_price
    assert q.update_time <= at
    assert q.price_spread == 0.2
    assert q.lowest52weeks_price <= q.low_price and q.highest52weeks_price >= q.high_price
    assert q.highest_history_price >= q.highest52weeks_price
    # after the close the quote is the daily bar
    closed = e.quote_at("HK.00700", dt.datetime(2025, 3, 4, 9, 0, tzinfo=UTC))
    bar = e.daily_bar("HK.00700", DAY)
    assert (closed.open_price, closed.high_price, closed.low_price, closed.last_price, closed.volume) == \
        (bar.open, bar.high, bar.low, bar.close, bar.volume)
    # before the open: yesterday's data
    early = e.quote_at("HK.00700", dt.datetime(2025, 3, 4, 0, 30, tzinfo=UTC))
    assert early.trading_day == dt.date(2025, 3, 3)


def test_us_quote_has_extended_blocks() -> None:
    e = engine()
    q = e.quote_at("US.AAPL", dt.datetime(2025, 3, 4, 23, 0, tzinfo=UTC))  # 18:00 New York
    assert q.pre_market is not None and q.after_hours is not None
    assert q.pre_market.price == e.daily_bar("US.AAPL", DAY).open
    assert q.after_hours.volume > 0
    assert q.after_hours.low <= q.after_hours.price <= q.after_hours.high


def test_index_follows_constituents() -> None:
    e = engine()
    idx = e.daily_series("HK.800000")
    a = e.daily_series("HK.00700")
    b = e.daily_series("HK.02800")
    i = idx.index_of(DAY)
    ia, ib = a.index_of(DAY), b.index_of(DAY)
    assert idx.volume[i] == a.volume[ia] + b.volume[ib]
    r_idx = np.log(idx.close[i] / idx.close[i - 1])
    r_avg = (np.log(a.close[ia] / a.close[ia - 1]) + np.log(b.close[ib] / b.close[ib - 1])) / 2
    assert r_idx == pytest.approx(r_avg, abs=2e-4)  # up to rounding to the index grid


def test_unknown_code_and_naive_time_rejected() -> None:
    e = engine()
    with pytest.raises(KeyError):
        e.daily_series("HK.99999")
    with pytest.raises(ValueError):
        e.quote_at("HK.00700", dt.datetime(2025, 3, 4, 3, 0))


def test_time_share_line() -> None:
    e = engine()
    at = dt.datetime(2025, 3, 4, 3, 15, 30, tzinfo=UTC)
    points = e.time_share("HK.00700", at)
    ms = e.minute_series("HK.00700", DAY)
    assert len(points) == 105
    assert points[0].time.strftime("%H:%M") == "09:31" and points[0].minute == 9 * 60 + 31
    assert [p.price for p in points] == list(ms.close[:105])
    assert sum(p.volume for p in points) == int(ms.volume[:105].sum())
    assert all(p.last_close == e.daily_bar("HK.00700", DAY).prev_close for p in points)
    assert all(min(ms.low[:105]) <= p.avg_price <= max(ms.high[:105]) for p in points)


def test_calendar_shorter_than_history_is_tolerated() -> None:
    class RecentCalendar(WeekdaySessionCalendar):
        def trading_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
            if start < dt.date(2006, 1, 1):
                raise ValueError("before the calendar's first session")
            return super().trading_days(start, end)

    cal = RecentCalendar("HK")
    e = PriceEngine(7, Universe(), lambda inst: cal)
    s = e.daily_series("HK.00700")
    assert s.days[0] >= dt.date(2006, 1, 1)
    assert e.daily_bar("HK.00700", e.anchor_date).close == pytest.approx(380.0, abs=0.2)
