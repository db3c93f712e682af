"""Capital flow and distribution: consistency with turnover, with each other
and across periods; supported security types."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openfutu.market.capital import (
    CapitalDataUnsupported,
    CapitalFlowModel,
    PeriodType,
)
from openfutu.market.prices import PriceEngine
from tests.market.test_prices import Universe, weekday_calendars

UTC = dt.timezone.utc
NOON_HK = dt.datetime(2025, 9, 3, 4, 0, tzinfo=UTC)  # 12:00 HKT, lunch break
AFTER_CLOSE_HK = dt.datetime(2025, 9, 3, 9, 0, tzinfo=UTC)  # 17:00 HKT


@pytest.fixture(scope="module")
def model() -> CapitalFlowModel:
    return CapitalFlowModel(PriceEngine(7, Universe(), weekday_calendars))


def test_distribution_is_a_share_of_turnover(model: CapitalFlowModel) -> None:
    d = model.distribution("HK.00700", AFTER_CLOSE_HK)
    q = model.engine.quote_at("HK.00700", AFTER_CLOSE_HK)
    total = sum((d.in_super, d.in_big, d.in_mid, d.in_small,
                 d.out_super, d.out_big, d.out_mid, d.out_small))
    assert 0.85 * q.turnover <= total <= q.turnover
    assert min(d.in_super, d.in_big, d.in_mid, d.in_small) > 0
    assert d.update_time.strftime("%H:%M:%S") == "15:59:59"  # like the docs' example (docs L3302)


def test_intraday_is_cumulative_and_ends_on_the_distribution(model: CapitalFlowModel) -> None:
    s = model.intraday("HK.00700", NOON_HK)
    d = model.distribution("HK.00700", NOON_HK)
    assert s.period == PeriodType.INTRADAY
    assert len(s.items) == 150  # 09:30-12:00 morning session minutes
    assert s.items[0].time.strftime("%H:%M") == "09:30"
    assert s.items[-1].time == s.last_valid_time
    assert s.items[-1].in_flow == pytest.approx(d.net, abs=0.05)
    assert s.items[-1].super_in_flow == pytest.approx(d.net_super, abs=0.05)
    for item in s.items:
        parts = item.super_in_flow + item.big_in_flow + item.mid_in_flow + item.sml_in_flow
        assert item.in_flow == pytest.approx(parts, abs=0.05)
        assert item.main_in_flow == pytest.approx(item.super_in_flow + item.big_in_flow)


def test_finished_day_intraday_equals_daily_history(model: CapitalFlowModel) -> None:
    s = model.intraday("US.AAPL", dt.datetime(2025, 9, 3, 22, 0, tzinfo=UTC))
    h = model.history("US.AAPL", PeriodType.DAY, dt.date(2025, 9, 3), dt.date(2025, 9, 3),
                      dt.datetime(2025, 9, 4, 22, 0, tzinfo=UTC))
    assert len(h.items) == 1 and h.last_valid_time is None
    assert s.items[-1].in_flow == pytest.approx(h.items[0].in_flow, abs=0.05)


def test_weeks_and_months_sum_days(model: CapitalFlowModel) -> None:
    start, end = dt.date(2025, 6, 1), dt.date(2025, 8, 31)
    days = model.history("SH.600519", PeriodType.DAY, start, end, AFTER_CLOSE_HK)
    weeks = model.history("SH.600519", PeriodType.WEEK, start, end, AFTER_CLOSE_HK)
    months = model.history("SH.600519", PeriodType.MONTH, start, end, AFTER_CLOSE_HK)
    assert len(months.items) == 3
    assert 12 <= len(weeks.items) <= 14
    total = sum(i.in_flow for i in days.items)
    assert sum(i.in_flow for i in weeks.items) == pytest.approx(total, abs=1.0)
    assert sum(i.in_flow for i in months.items) == pytest.approx(total, abs=1.0)
    assert [i.time.day for i in months.items] == [min(d.time.day for d in days.items
                                                      if d.time.month == m) for m in (6, 7, 8)]


def test_history_covers_one_year_only(model: CapitalFlowModel) -> None:
    h = model.history("HK.00700", PeriodType.DAY, dt.date(2020, 1, 1), dt.date(2030, 1, 1),
                      AFTER_CLOSE_HK)
    first = h.items[0].time.date()
    assert first >= dt.date(2024, 9, 3)
    assert h.items[-1].time.date() == dt.date(2025, 9, 3)
    assert 240 <= len(h.items) <= 262


def test_net_flows_lean_with_big_moves(model: CapitalFlowModel) -> None:
    engine = model.engine
    series = engine.daily_series("HK.00700", dt.date(2025, 12, 31))
    moves = np.log(series.close[1:] / series.prev_close[1:])
    up = series.days[1 + int(np.argmax(moves))]
    down = series.days[1 + int(np.argmin(moves))]
    i_up, o_up = model.day_totals("HK.00700", up)
    i_dn, o_dn = model.day_totals("HK.00700", down)
    assert i_up[0] - o_up[0] > 0  # super-large orders bought the best day
    assert i_dn[0] - o_dn[0] < 0


def test_bad_requests(model: CapitalFlowModel) -> None:
    with pytest.raises(CapitalDataUnsupported):
        model.distribution("HK.800000", NOON_HK)
    with pytest.raises(KeyError):
        model.intraday("HK.99999", NOON_HK)
    with pytest.raises(ValueError):
        model.history("HK.00700", PeriodType.INTRADAY, dt.date(2025, 1, 1), dt.date(2025, 2, 1), NOON_HK)
    with pytest.raises(ValueError):
        model.history("HK.00700", PeriodType.DAY, dt.date(2025, 2, 1), dt.date(2025, 1, 1), NOON_HK)


def test_deterministic() -> None:
    a = CapitalFlowModel(PriceEngine(7, Universe(), weekday_calendars))
    b = CapitalFlowModel(PriceEngine(7, Universe(), weekday_calendars))
    assert a.intraday("US.AAPL", NOON_HK) == b.intraday("US.AAPL", NOON_HK)
