"""K-line aggregation, time keys, history depth, paging and current bars."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_prices import DAY, UTC, engine, on_grid

from openfutu.market.corporate_actions import AuType
from openfutu.market.klines import MINUTES_PER_BAR, KLineSource, KLType


def source() -> KLineSource:
    return KLineSource(engine())


def keys(bars: list) -> list[str]:
    return [b.time_key.strftime("%H:%M") for b in bars]


def test_hk_60_minute_bars_end_at_session_breaks() -> None:
    # 09:30-12:00 and 13:00-16:00: the last bar of each session is cut at its end
    bars = source().history("HK.00700", DAY, DAY, KLType.K_60M, AuType.NONE).bars
    assert keys(bars) == ["10:30", "11:30", "12:00", "14:00", "15:00", "16:00"]


def test_time_keys_of_other_periods() -> None:
    src = source()
    assert keys(src.history("SH.600519", DAY, DAY, KLType.K_60M).bars) == \
        ["10:30", "11:30", "14:00", "15:00"]
    assert keys(src.history("US.AAPL", DAY, DAY, KLType.K_60M).bars)[-2:] == ["15:30", "16:00"]
    m1 = src.history("HK.00700", DAY, DAY, KLType.K_1M).bars
    assert len(m1) == 330 and keys(m1)[0] == "09:31" and keys(m1)[150] == "13:01"
    assert keys(src.history("HK.00700", DAY, DAY, KLType.K_120M).bars) == \
        ["11:30", "12:00", "15:00", "16:00"]
    day = src.history("HK.00700", DAY, DAY, KLType.K_DAY).bars
    assert [b.time_key.strftime("%Y-%m-%d %H:%M:%S") for b in day] == ["2025-03-04 00:00:00"]


@pytest.mark.parametrize("kl_type", list(MINUTES_PER_BAR))
def test_minute_periods_aggregate_one_minute_bars(kl_type: KLType) -> None:
    src = source()
    ones = src.history("HK.00700", DAY, DAY, KLType.K_1M, AuType.NONE).bars
    bars = src.history("HK.00700", DAY, DAY, kl_type, AuType.NONE).bars
    assert sum(b.volume for b in bars) == sum(b.volume for b in ones)
    j = 0
    for b in bars:
        group = []
        while j < len(ones) and ones[j].time_key <= b.time_key:
            group.append(ones[j])
            j += 1
        assert group and len(group) <= MINUTES_PER_BAR[kl_type]
        assert b.open == group[0].open and b.close == group[-1].close
        assert b.high == max(g.high for g in group) and b.low == min(g.low for g in group)
        # no bar spans the lunch break
        assert not (group[0].time_key.hour < 13 and b.time_key.hour >= 13)
        assert b.high >= max(b.open, b.close) >= min(b.open, b.close) >= b.low
    assert j == len(ones)


def test_daily_bars_are_the_engine_days_and_chain_last_close() -> None:
    src = source()
    bars = src.history("HK.00700", dt.date(2024, 1, 1), dt.date(2024, 12, 31), KLType.K_DAY,
                       AuType.NONE).bars
    s = src.prices.daily_series("HK.00700")
    assert [b.time_key.date() for b in bars] == src.prices.trading_days(
        "HK.00700", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    for prev, cur in zip(bars, bars[1:]):
        assert cur.last_close == prev.close
        assert cur.change_rate == pytest.approx((cur.close - prev.close) / prev.close * 100, abs=1e-5)
    b = bars[10]
    i = s.index_of(b.time_key.date())
    assert (b.open, b.high, b.low, b.close, b.volume) == (s.open[i], s.high[i], s.low[i],
                                                           s.close[i], s.volume[i])
    assert 0 < b.turnover_rate < 1 and b.pe_ratio > 0
    inst = src.prices.instrument("HK.00700")
    assert on_grid(inst, np.array([x.close for x in bars]))


@pytest.mark.parametrize("kl_type", [KLType.K_WEEK, KLType.K_MON, KLType.K_QUARTER, KLType.K_YEAR])
def test_long_periods_aggregate_days(kl_type: KLType) -> None:
    src = source()
    start, end = dt.date(2022, 1, 3), dt.date(2024, 12, 31)  # a Monday: whole periods
    days = src.history("US.AAPL", start, end, KLType.K_DAY, AuType.NONE).bars
    bars = src.history("US.AAPL", start, end, kl_type, AuType.NONE).bars
    assert sum(b.volume for b in bars) == sum(d.volume for d in days)
    for b in bars:
        k = b.time_key.date()
        if kl_type == KLType.K_WEEK:
            member = [d for d in days if d.time_key.date().isocalendar()[:2] == k.isocalendar()[:2]]
        elif kl_type == KLType.K_MON:
            member = [d for d in days if (d.time_key.year, d.time_key.month) == (k.year, k.month)]
        elif kl_type == KLType.K_QUARTER:
            member = [d for d in days if d.time_key.year == k.year
                      and (d.time_key.month - 1) // 3 == (k.month - 1) // 3]
        else:
            member = [d for d in days if d.time_key.year == k.year]
        assert b.time_key == member[0].time_key  # keyed by the first trading day
        assert b.open == member[0].open and b.close == member[-1].close
        assert b.high == max(d.high for d in member) and b.low == min(d.low for d in member)
        assert b.volume == sum(d.volume for d in member)
        assert b.turnover == pytest.approx(sum(d.turnover for d in member))


def test_paging_returns_the_same_bars_as_one_request() -> None:
    src = source()
    for kl_type, start, end, size in ((KLType.K_DAY, dt.date(2020, 1, 1), dt.date(2024, 6, 30), 333),
                                      (KLType.K_5M, dt.date(2025, 2, 24), dt.date(2025, 3, 4), 100)):
        whole = src.history("HK.00700", start, end, kl_type).bars
        pages = []
        page = src.history("HK.00700", start, end, kl_type, max_count=size)
        pages.extend(page.bars)
        while page.next_time_key is not None:
            assert len(page.bars) == size
            page = src.history("HK.00700", page.next_time_key, end, kl_type, max_count=size)
            pages.extend(page.bars)
        assert pages == whole


def test_history_depth_limits() -> None:
    src = source()
    today = dt.date(2025, 3, 4)
    m = src.history("HK.00700", dt.date(2010, 1, 1), dt.date(2017, 3, 10), KLType.K_1M, today=today)
    assert all(b.time_key.date() >= dt.date(2017, 3, 4) for b in m.bars)  # docs L3501: 8 years
    d = src.history("US.AAPL", dt.date(1996, 1, 1), dt.date(2005, 12, 31), KLType.K_DAY, today=today)
    assert d.bars[0].time_key.date() >= dt.date(2005, 3, 4)  # 20 years
    w = src.history("US.AAPL", dt.date(1996, 1, 1), dt.date(1996, 12, 31), KLType.K_WEEK, today=today)
    assert len(w.bars) >= 50  # weekly and longer: unlimited
    future = src.history("HK.00700", dt.date(2025, 3, 1), dt.date(2025, 12, 31), KLType.K_DAY, today=today)
    assert future.bars[-1].time_key.date() == today
    with pytest.raises(ValueError):
        src.history("HK.00700", DAY, DAY, KLType.NONE)
    with pytest.raises(ValueError):
        src.history("HK.00700", DAY, DAY, KLType.K_DAY, max_count=0)


def test_bars_only_on_trading_days_and_inside_sessions() -> None:
    src = source()
    bars = src.history("SH.600519", dt.date(2025, 2, 27), dt.date(2025, 3, 4), KLType.K_15M).bars
    for b in bars:
        t = b.time_key.time()
        assert b.time_key.weekday() < 5
        assert dt.time(9, 45) <= t <= dt.time(11, 30) or dt.time(13, 15) <= t <= dt.time(15, 0)


def test_latest_includes_the_bar_in_progress() -> None:
    src = source()
    at = dt.datetime(2025, 3, 4, 3, 17, 30, tzinfo=UTC)  # 11:17:30 HKT
    five = src.latest("HK.00700", at, KLType.K_5M, 3)
    assert keys(five) == ["11:10", "11:15", "11:20"]
    full = src.history("HK.00700", DAY, DAY, KLType.K_5M).bars
    by_key = {b.time_key: b for b in full}
    assert five[1] == by_key[five[1].time_key]
    assert five[2].volume < by_key[five[2].time_key].volume  # still trading
    q = src.prices.quote_at("HK.00700", at)
    day = src.latest("HK.00700", at, KLType.K_DAY, 5, AuType.NONE)
    assert len(day) == 5 and day[-1].time_key.date() == DAY
    assert (day[-1].close, day[-1].volume, day[-1].high) == (q.last_price, q.volume, q.high_price)
    assert day[-2].close == day[-1].last_close
    mon = src.latest("HK.00700", at, KLType.K_MON, 2, AuType.NONE)
    assert mon[-1].time_key.date() == dt.date(2025, 3, 3) and mon[-1].close == q.last_price
