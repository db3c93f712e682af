"""Corporate actions and rehab factors (docs FAQ Q16, L12322 onward)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_prices import Universe, weekday_calendars

from openfutu.market.corporate_actions import (
    AuType,
    CompanyAct,
    CorporateAction,
    RehabRecord,
    adjust_price,
    adjustment_for,
)
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, SecurityCode, SecurityType
from openfutu.market.prices import PriceEngine


class ManyStocks(Universe):
    def __init__(self) -> None:
        super().__init__()
        for k in range(40):
            for prefix, lot, cur in (("HK", 100, "HKD"), ("US", 1, "USD"), ("SZ", 100, "CNY")):
                code = f"{prefix}.{k:06d}" if prefix == "SZ" else f"{prefix}.S{k:04d}"
                self.items[code] = Instrument(SecurityCode.parse(code), code, SecurityType.EQTY, lot,
                                              cur, dt.date(2003, 1, 2), 50.0, 0.3)


def engine(seed: int = 11) -> PriceEngine:
    return PriceEngine(seed, ManyStocks(), weekday_calendars)


def find(e: PriceEngine, prefix: str, flag: CompanyAct) -> tuple[str, RehabRecord]:
    for code in sorted(c for c in e._lookup.__self__.items if c.startswith(prefix + ".")):  # type: ignore[attr-defined]
        for rec in e.corporate_actions.rehab(code, dt.date(2024, 12, 31)):
            if rec.action.flags & flag and rec.ex_date.year >= 2010:
                return code, rec
    raise AssertionError(f"no {flag!r} in {prefix}")


def record(ex: dt.date, fa: float, fb: float, ba: float, bb: float) -> RehabRecord:
    return RehabRecord(CorporateAction(ex, CompanyAct.DIVIDEND), 0.0, 0.0, fa, fb, ba, bb)


def test_docs_single_forward_example() -> None:
    # docs L12404-L12420: SZ.002714, 2021-06-03, A 0.71429 B -1.04357; 93.11 -> 65.4639719
    recs = [record(dt.date(2021, 6, 3), 0.71429, -1.04357, 1.4, 1.461)]
    assert adjust_price(recs, dt.date(2021, 6, 2), 93.11, AuType.QFQ) == pytest.approx(65.4639719)
    assert adjust_price(recs, dt.date(2021, 6, 3), 66.25, AuType.QFQ) == 66.25


def test_docs_cumulative_backward_example() -> None:
    # docs L12432-L12452: seven events, 93.11 on 2021-06-02 -> 1152.7226
    table = [("2014-07-04", 1, 0.234), ("2015-06-10", 2, 0.061), ("2016-07-08", 2, 0.353),
             ("2017-07-11", 1.8, 0.69), ("2018-07-03", 1, 0.691), ("2019-07-04", 1, 0.05),
             ("2020-06-04", 1.7, 0.55)]
    recs = [record(dt.date.fromisoformat(d), 1 / a, -b / a, a, b) for d, a, b in table]
    assert adjust_price(recs, dt.date(2021, 6, 2), 93.11, AuType.HFQ) == pytest.approx(1152.7226, abs=1e-4)
    adj = adjustment_for(recs, np.array([dt.date(2021, 6, 2).toordinal()]), AuType.HFQ)
    assert adj.apply(np.array([93.11]))[0] == pytest.approx(1152.7226, abs=1e-4)


def test_actions_are_deterministic_and_on_trading_days() -> None:
    a, b = engine(11), engine(11)
    codes = ["HK.S0001", "US.S0002", "SZ.000003"]
    for code in reversed(codes):
        b.corporate_actions.rehab(code)
    for code in codes:
        assert a.corporate_actions.actions(code) == b.corporate_actions.actions(code)
        assert a.corporate_actions.rehab(code) == b.corporate_actions.rehab(code)
        days = set(a.daily_series(code, dt.date(2038, 1, 1)).days)
        assert all(x.ex_date in days for x in a.corporate_actions.actions(code))
    assert engine(12).corporate_actions.actions("HK.S0001") != a.corporate_actions.actions("HK.S0001")
    # indices carry no actions
    assert a.corporate_actions.actions("HK.800000") == []


@pytest.mark.parametrize("prefix,flag", [("HK", CompanyAct.SPLIT), ("HK", CompanyAct.DIVIDEND),
                                         ("US", CompanyAct.SPLIT), ("SZ", CompanyAct.TRANSFER)])
def test_event_factors(prefix: str, flag: CompanyAct) -> None:
    e = engine()
    code, rec = find(e, prefix, flag)
    a = rec.action
    r = a.share_ratio
    if flag == CompanyAct.SPLIT:
        assert r == a.split_ert / a.split_base and r > 1
        assert rec.split_ratio == a.split_base / a.split_ert
    if flag == CompanyAct.TRANSFER:
        assert r == (a.transfer_base + a.transfer_ert) / a.transfer_base
    assert rec.backward_adj_factor_a == r and rec.backward_adj_factor_b == rec.per_cash_div
    if prefix == "US":  # multiplicative forward method, B = 0 (docs L12351)
        assert rec.forward_adj_factor_b == 0.0
        assert rec.forward_adj_factor_a == pytest.approx((rec.prev_close - rec.per_cash_div) / r / rec.prev_close)
    else:
        assert rec.forward_adj_factor_a == pytest.approx(1 / r)
        assert rec.forward_adj_factor_b == pytest.approx(-rec.per_cash_div / r)
    if flag == CompanyAct.DIVIDEND:
        assert 0 < rec.per_cash_div < rec.prev_close * 0.05


@pytest.mark.parametrize("prefix,flag", [("HK", CompanyAct.SPLIT), ("HK", CompanyAct.DIVIDEND),
                                         ("US", CompanyAct.SPLIT), ("SZ", CompanyAct.TRANSFER)])
def test_adjusted_bars_reproduce_factors_across_an_action(prefix: str, flag: CompanyAct) -> None:
    e = engine()
    code, rec = find(e, prefix, flag)
    src = KLineSource(e)
    start, end = rec.ex_date - dt.timedelta(20), rec.ex_date + dt.timedelta(20)
    today = dt.date(2024, 12, 31)
    raw = src.history(code, start, end, KLType.K_DAY, AuType.NONE, today=today).bars
    records = e.corporate_actions.rehab(code, today)
    for au in (AuType.QFQ, AuType.HFQ):
        adj = src.history(code, start, end, KLType.K_DAY, au, today=today).bars
        assert [b.time_key for b in adj] == [b.time_key for b in raw]
        for r_bar, a_bar in zip(raw, adj):
            day = r_bar.time_key.date()
            for field in ("open", "high", "low", "close"):
                want = adjust_price(records, day, getattr(r_bar, field), au)
                assert getattr(a_bar, field) == pytest.approx(want, abs=1e-6)
            assert a_bar.volume == r_bar.volume
        # the adjusted series has no jump at the ex-date, the raw one does for a split
        i = [b.time_key.date() for b in raw].index(rec.ex_date)
        adj_move = abs(np.log(adj[i].close / adj[i - 1].close))
        assert adj_move < 0.25
        if flag != CompanyAct.DIVIDEND:
            raw_move = abs(np.log(raw[i].close / raw[i - 1].close))
            assert raw_move > adj_move
        # on the ex-date the forward-adjusted bar is the raw bar when no later actions exist
    later = [x for x in records if x.ex_date > end]
    if not later:
        qfq = src.history(code, end, end, KLType.K_DAY, AuType.QFQ, today=today).bars
        assert qfq[-1].close == raw[-1].close


def test_minute_bars_adjusted_by_their_day() -> None:
    e = engine()
    code, rec = find(e, "HK", CompanyAct.SPLIT)
    src = KLineSource(e)
    day = e.trading_days(code, rec.ex_date - dt.timedelta(7), rec.ex_date - dt.timedelta(1))[-1]
    today = dt.date(2024, 12, 31)
    raw = src.history(code, day, day, KLType.K_5M, AuType.NONE, today=today).bars
    qfq = src.history(code, day, day, KLType.K_5M, AuType.QFQ, today=today).bars
    records = e.corporate_actions.rehab(code, today)
    assert any(r.ex_date > day for r in records)
    for r_bar, a_bar in zip(raw, qfq):
        assert a_bar.close == pytest.approx(adjust_price(records, day, r_bar.close, AuType.QFQ), abs=1e-6)
