"""Stock screener: values from the same sources as the snapshot and the
K-lines, AND of filters, closed ranges, sorting, paging and the documented
request rules."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from openfutu.market import indicators as ind
from openfutu.market.corporate_actions import AuType
from openfutu.market.fundamentals import FinancialField, FinancialQuarter, fundamentals
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, QotMarket, SecurityCode, SecurityType
from openfutu.market.prices import PriceEngine, WeekdaySessionCalendar, _region_of
from openfutu.market.screener import (
    AccumulateField,
    AccumulateFilter,
    FinancialFilter,
    IndicatorField,
    IndicatorFilter,
    PatternFilter,
    RelativePosition,
    ScreenError,
    ScreenRequest,
    SimpleFilter,
    SortDir,
    StockField,
    StockScreener,
)

AT = dt.datetime(2025, 3, 4, 6, 30, tzinfo=dt.timezone.utc)  # 14:30 in Hong Kong and Shanghai
HK = QotMarket.HK_SECURITY
_CALS: dict[str, WeekdaySessionCalendar] = {}


def _calendar(inst: Instrument) -> WeekdaySessionCalendar:
    region = _region_of(inst)
    return _CALS.setdefault(region, WeekdaySessionCalendar(region))


def _instruments() -> dict[str, Instrument]:
    out = {}
    for i in range(14):
        code = f"HK.{i + 1:05d}"
        out[code] = Instrument(SecurityCode.parse(code), f"Stock {i:02d}", SecurityType.EQTY, 100, "HKD",
                               dt.date(2012, 1, 4), 4.0 + i * 6.5, 0.2 + 0.04 * i)
    out["HK.02800"] = Instrument(SecurityCode.parse("HK.02800"), "Tracker", SecurityType.TRUST, 500,
                                 "HKD", dt.date(2000, 1, 4), 19.0, 0.2)
    for code in ("SH.600519", "SZ.000001"):
        out[code] = Instrument(SecurityCode.parse(code), code, SecurityType.EQTY, 100, "CNY",
                               dt.date(2005, 1, 4), 50.0, 0.3)
    return out


ITEMS = _instruments()


def _candidates(market: QotMarket, plate: str | None) -> list[Instrument]:
    if market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY):
        markets = {QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY}
    else:
        markets = {market}
    out = [i for i in ITEMS.values() if i.security.market in markets and i.sec_type == SecurityType.EQTY]
    if plate == "HK.LOWPRICE":
        out = [i for i in out if i.reference_price < 40]
    return out


@pytest.fixture(scope="module")
def engine() -> PriceEngine:
    return PriceEngine(11, ITEMS, _calendar)


@pytest.fixture(scope="module")
def screener(engine: PriceEngine) -> StockScreener:
    return StockScreener(engine, _candidates)


def codes(result) -> list[str]:
    return [r.code for r in result.rows]


def test_display_only_filters_do_not_filter(screener):
    # an absent isNoFilter means "just return the value" (spec quote-apis §9.1)
    res = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE),)), AT)
    assert res.all_count == 14 and res.last_page
    assert all(StockField.CUR_PRICE in r.simple for r in res.rows)
    assert "HK.02800" not in codes(res)  # only stocks are screened


def test_simple_values_equal_the_quote_and_fundamentals(screener, engine):
    fields = (StockField.CUR_PRICE, StockField.MARKET_VAL, StockField.PE_TTM, StockField.LOT_PRICE,
              StockField.CUR_PRICE_TO_HIGHEST52_WEEKS_RATIO, StockField.VOLUME_RATIO,
              StockField.TOTAL_SHARE, StockField.CHANGE_RATE_5MIN)
    res = screener.screen(ScreenRequest(HK, simple=tuple(SimpleFilter(f) for f in fields)), AT)
    for row in res.rows:
        q = engine.quote_at(row.code, AT)
        f = fundamentals(engine, row.code, q.trading_day).at_price(q.last_price)  # as the snapshot
        assert row.simple[StockField.CUR_PRICE] == q.last_price
        assert row.simple[StockField.MARKET_VAL] == pytest.approx(f.market_value, abs=1e-3)
        assert row.simple[StockField.MARKET_VAL] == pytest.approx(q.last_price * f.total_shares, rel=1e-9)
        assert row.simple[StockField.PE_TTM] == pytest.approx(f.pe_ttm, abs=1e-3)
        assert row.simple[StockField.LOT_PRICE] == pytest.approx(q.last_price * 100)
        hi = q.highest52weeks_price
        assert row.simple[StockField.CUR_PRICE_TO_HIGHEST52_WEEKS_RATIO] == pytest.approx(
            (q.last_price - hi) / hi * 100, abs=1e-3)
        assert row.simple[StockField.VOLUME_RATIO] == pytest.approx(q.volume_ratio, abs=1e-3)
        assert row.simple[StockField.TOTAL_SHARE] == f.total_shares


def test_closed_range_and_and_of_filters(screener):
    everything = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE),
                                                           SimpleFilter(StockField.PB_RATE))), AT)
    prices = {r.code: r.simple[StockField.CUR_PRICE] for r in everything.rows}
    pbs = {r.code: r.simple[StockField.PB_RATE] for r in everything.rows}
    lo, hi = sorted(prices.values())[3], sorted(prices.values())[9]
    price_only = screener.screen(ScreenRequest(HK, simple=(
        SimpleFilter(StockField.CUR_PRICE, lo, hi, False),)), AT)
    # both bounds are inclusive (BaseFilter: closed interval)
    assert set(codes(price_only)) == {c for c, p in prices.items() if lo <= p <= hi}
    assert len(price_only.rows) == 7
    pb_cut = sorted(pbs.values())[7]
    both = screener.screen(ScreenRequest(HK, simple=(
        SimpleFilter(StockField.CUR_PRICE, lo, hi, False),
        SimpleFilter(StockField.PB_RATE, None, pb_cut, False))), AT)
    assert set(codes(both)) == {c for c in prices if lo <= prices[c] <= hi and pbs[c] <= pb_cut}
    # is_no_filter=True ignores the bounds
    ignored = screener.screen(ScreenRequest(HK, simple=(
        SimpleFilter(StockField.CUR_PRICE, 1e9, 2e9, True),)), AT)
    assert ignored.all_count == 14


def test_sort_and_stable_paging(screener):
    flt = SimpleFilter(StockField.MARKET_VAL, sort=SortDir.DESCEND)
    full = screener.screen(ScreenRequest(HK, simple=(flt,), num=200), AT)
    values = [r.simple[StockField.MARKET_VAL] for r in full.rows]
    assert values == sorted(values, reverse=True)
    pages, begin = [], 0
    while True:
        page = screener.screen(ScreenRequest(HK, simple=(flt,), begin=begin, num=5), AT)
        assert page.all_count == 14
        pages += codes(page)
        if page.last_page:
            break
        begin += 5
    assert pages == codes(full) and begin == 10
    beyond = screener.screen(ScreenRequest(HK, simple=(flt,), begin=50, num=5), AT)
    assert beyond.rows == [] and beyond.last_page and beyond.all_count == 14
    asc = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.MARKET_VAL, sort=SortDir.ASCEND),)), AT)
    assert codes(asc) == codes(full)[::-1]
    by_name = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.STOCK_NAME, sort=SortDir.DESCEND),)), AT)
    assert [r.name for r in by_name.rows] == sorted((r.name for r in by_name.rows), reverse=True)


def test_accumulate_values_come_from_daily_klines(screener, engine):
    days = 5
    res = screener.screen(ScreenRequest(HK, accumulate=(
        AccumulateFilter(AccumulateField.CHANGE_RATE, days),
        AccumulateFilter(AccumulateField.VOLUME, days),
        AccumulateFilter(AccumulateField.AMPLITUDE, days),
        AccumulateFilter(AccumulateField.TURNOVER_RATE, days))), AT)
    kl = KLineSource(engine)
    for row in res.rows:
        bars = kl.latest(row.code, AT, KLType.K_DAY, days, AuType.QFQ)
        base = bars[0].last_close
        assert row.accumulate[(AccumulateField.CHANGE_RATE, days)] == pytest.approx(
            (bars[-1].close - base) / base * 100, abs=1e-3)
        assert row.accumulate[(AccumulateField.VOLUME, days)] == pytest.approx(
            sum(b.volume for b in bars) / days, abs=1e-3)
        assert row.accumulate[(AccumulateField.AMPLITUDE, days)] >= 0
        assert row.accumulate[(AccumulateField.TURNOVER_RATE, days)] == pytest.approx(
            sum(b.turnover_rate for b in bars) * 100, abs=1e-3)
    positive = screener.screen(ScreenRequest(HK, accumulate=(
        AccumulateFilter(AccumulateField.CHANGE_RATE, days, 0.0, None, False),)), AT)
    assert {r.code for r in res.rows if r.accumulate[(AccumulateField.CHANGE_RATE, days)] >= 0} == \
        set(codes(positive))


def test_financial_filter_uses_the_fundamentals(screener, engine):
    res = screener.screen(ScreenRequest(HK, financial=(
        FinancialFilter(FinancialField.RETURN_ON_EQUITY_RATE, FinancialQuarter.ANNUAL, 0.0, None, False),
        FinancialFilter(FinancialField.NET_PROFIT, FinancialQuarter.INTERIM))), AT)
    assert res.rows
    for row in res.rows:
        q = engine.quote_at(row.code, AT)
        f = fundamentals(engine, row.code, q.trading_day).at_price(q.last_price)  # as the snapshot
        roe = row.financial[(FinancialField.RETURN_ON_EQUITY_RATE, FinancialQuarter.ANNUAL)]
        assert roe >= 0 and roe == pytest.approx(f.financial(FinancialField.RETURN_ON_EQUITY_RATE))
        assert row.financial[(FinancialField.NET_PROFIT, FinancialQuarter.INTERIM)] == pytest.approx(
            f.financial(FinancialField.NET_PROFIT, FinancialQuarter.INTERIM), abs=1e-3)


def test_indicator_filter_rechecked_on_klines(screener, engine):
    flt = IndicatorFilter(IndicatorField.MA, RelativePosition.MORE, IndicatorField.MA, KLType.K_DAY,
                          (5,), (20,), is_no_filter=False)
    res = screener.screen(ScreenRequest(HK, indicators=(flt,)), AT)
    shown = screener.screen(ScreenRequest(HK, indicators=(
        IndicatorFilter(IndicatorField.MA, RelativePosition.MORE, IndicatorField.MA, KLType.K_DAY, (5,), (20,)),)), AT)
    assert 0 < res.all_count < shown.all_count == 14
    kl = KLineSource(engine)
    for row in shown.rows:
        closes = np.array([b.close for b in kl.latest(row.code, AT, KLType.K_DAY, 40, AuType.QFQ)])
        ma5, ma20 = ind.sma(closes, 5)[-1], ind.sma(closes, 20)[-1]
        values = {v.params: v.value for v in row.indicators}
        assert values[(5,)] == pytest.approx(ma5, abs=1e-3) and values[(20,)] == pytest.approx(ma20, abs=1e-3)
        assert (row.code in codes(res)) == (ma5 > ma20)


def test_indicator_against_a_value_and_consecutive_periods(screener):
    one = screener.screen(ScreenRequest(HK, indicators=(IndicatorFilter(
        IndicatorField.RSI, RelativePosition.MORE, IndicatorField.VALUE, KLType.K_DAY, value=50.0,
        is_no_filter=False),)), AT)
    three = screener.screen(ScreenRequest(HK, indicators=(IndicatorFilter(
        IndicatorField.RSI, RelativePosition.MORE, IndicatorField.VALUE, KLType.K_DAY, value=50.0,
        is_no_filter=False, consecutive=3),)), AT)
    assert set(codes(three)) <= set(codes(one))
    for row in one.rows:
        (rsi,) = [v for v in row.indicators if v.field == IndicatorField.RSI]
        assert rsi.value > 50 and rsi.params == ()
    kdj = screener.screen(ScreenRequest(HK, indicators=(IndicatorFilter(
        IndicatorField.KDJ_K, RelativePosition.MORE, IndicatorField.KDJ_D, KLType.K_WEEK),)), AT)
    assert all(v.params == (9, 3, 3) and v.kl_type == KLType.K_WEEK
               for r in kdj.rows for v in r.indicators)


def test_pattern_filter_matches_pattern_mask(screener, engine):
    kl = KLineSource(engine)
    for pattern in (ind.Pattern.MA_ALIGNMENT_LONG, ind.Pattern.MA_ALIGNMENT_SHORT,
                    ind.Pattern.BOLL_CROSS_MIDDLE_UP):
        res = screener.screen(ScreenRequest(HK, patterns=(PatternFilter(pattern, KLType.K_DAY, False),)), AT)
        for code in (i.code for i in _candidates(HK, None)):
            bars = kl.latest(code, AT, KLType.K_DAY, screener.min_bars, AuType.QFQ)
            b = ind.Bars(*(np.array([getattr(x, k) for x in bars]) for k in ("open", "high", "low", "close")))
            assert (code in codes(res)) == bool(ind.pattern_mask(pattern, b)[-1])


def test_a_shares_and_plates(screener):
    res = screener.screen(ScreenRequest(QotMarket.CNSZ_SECURITY, simple=(SimpleFilter(StockField.CUR_PRICE),)), AT)
    assert codes(res) == ["SH.600519", "SZ.000001"]  # SH and SZ both mean the A-share market
    plate = screener.screen(ScreenRequest(HK, plate="HK.LOWPRICE"), AT)
    assert 0 < plate.all_count < 14


def test_deterministic(engine):
    req = ScreenRequest(HK, simple=(SimpleFilter(StockField.BID_ASK_RATIO, sort=SortDir.ASCEND),),
                        indicators=(IndicatorFilter(IndicatorField.MACD_DIFF, RelativePosition.MORE,
                                                    IndicatorField.MACD_DEA, KLType.K_DAY),))
    a = StockScreener(engine, _candidates).screen(req, AT)
    b = StockScreener(PriceEngine(11, ITEMS, _calendar), _candidates).screen(req, AT)
    assert a == b
    ratios = [r.simple[StockField.BID_ASK_RATIO] for r in a.rows]
    assert all(-100 <= x <= 100 for x in ratios) and ratios == sorted(ratios)


@pytest.mark.parametrize("req, message", [
    (ScreenRequest(HK, num=201), "num"),  # docs L4499
    (ScreenRequest(HK, num=0), "num"),
    (ScreenRequest(HK, begin=-1), "begin"),
    (ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE), SimpleFilter(StockField.CUR_PRICE))), "twice"),
    (ScreenRequest(HK, simple=(SimpleFilter(StockField.STOCK_CODE, 1, 2, False),)), "filter_min"),
    (ScreenRequest(HK, accumulate=tuple(AccumulateFilter(AccumulateField.VOLUME, d) for d in range(1, 12))), "at most 10"),  # docs L4501
    (ScreenRequest(HK, accumulate=(AccumulateFilter(AccumulateField.VOLUME, 0),)), "days"),
    (ScreenRequest(HK, financial=(FinancialFilter(FinancialField.ROIC), FinancialFilter(FinancialField.ROIC, FinancialQuarter.INTERIM))), "twice"),
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.MA5, RelativePosition.MORE, IndicatorField.EMA10, KLType.K_DAY),)), "compared"),  # docs L4503-L4504
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.VALUE, RelativePosition.MORE, IndicatorField.RSI, KLType.K_DAY, value=3),)), "VALUE"),
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.RSI, RelativePosition.MORE, IndicatorField.VALUE, KLType.K_DAY),)), "value"),
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.MA5, RelativePosition.MORE, IndicatorField.MA10, KLType.K_1M),)), "ktype"),
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.MA5, RelativePosition.MORE, IndicatorField.MA10, KLType.K_DAY, consecutive=13),)), "consecutive"),
    (ScreenRequest(HK, indicators=(IndicatorFilter(IndicatorField.MA, RelativePosition.MORE, IndicatorField.MA10, KLType.K_DAY),)), "parameter"),
    (ScreenRequest(HK, indicators=tuple(IndicatorFilter(IndicatorField.MA, RelativePosition.MORE, IndicatorField.MA, KLType.K_DAY, (k,), (k + 1,)) for k in range(1, 12))), "at most 10"),  # docs L4505
    (ScreenRequest(HK, patterns=(PatternFilter(ind.Pattern.MACD_GOLD_CROSS_LOW, KLType.K_DAY), PatternFilter(ind.Pattern.MACD_GOLD_CROSS_LOW, KLType.K_WEEK))), "twice"),
    (ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE, math.inf, None, False),)), "finite"),
])
def test_documented_request_errors(screener, req, message):
    with pytest.raises(ScreenError, match=message):
        screener.screen(req, AT)


def test_bounds_are_truncated_to_three_decimals(screener):
    res = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE),)), AT)
    price = res.rows[0].simple[StockField.CUR_PRICE]
    # 1e-4 above the price truncates to the price itself, so the stock stays in
    hit = screener.screen(ScreenRequest(HK, simple=(SimpleFilter(StockField.CUR_PRICE, price + 1e-4, price + 1e-4, False),)), AT)
    assert res.rows[0].code in codes(hit)


def test_every_field_of_every_kind_has_a_value(screener):
    simple = tuple(SimpleFilter(f) for f in StockField if f not in (
        StockField.NONE, StockField.STOCK_CODE, StockField.STOCK_NAME))
    accumulate = tuple(AccumulateFilter(f, 3) for f in AccumulateField if f != AccumulateField.NONE)
    res = screener.screen(ScreenRequest(HK, plate="HK.LOWPRICE", simple=simple, accumulate=accumulate), AT)
    for row in res.rows:
        assert set(row.simple) == {s.field for s in simple}
        assert len(row.accumulate) == len(accumulate)
        assert all(math.isfinite(v) for v in row.simple.values())
    for quarter in (FinancialQuarter.ANNUAL, FinancialQuarter.MOST_RECENT_QUARTER):
        financial = tuple(FinancialFilter(f, quarter) for f in FinancialField if f != FinancialField.NONE)
        res = screener.screen(ScreenRequest(HK, plate="HK.LOWPRICE", financial=financial), AT)
        assert all(len(r.financial) == 46 for r in res.rows)


@pytest.mark.parametrize("kl_type", [KLType.K_DAY, KLType.K_WEEK, KLType.K_MON, KLType.K_60M])
def test_every_pattern_and_indicator_runs(screener, kl_type):
    patterns = tuple(PatternFilter(p, kl_type, False) for p in ind.Pattern.ALL)
    for p in patterns:  # each alone (together they would rarely all hold)
        res = screener.screen(ScreenRequest(HK, plate="HK.LOWPRICE", patterns=(p,)), AT)
        assert res.all_count <= 6
    pairs = [
        (IndicatorField.PRICE, (), IndicatorField.MA, (10,)),
        (IndicatorField.MA5, (), IndicatorField.MA60, ()),
        (IndicatorField.EMA, (12,), IndicatorField.EMA250, ()),
        (IndicatorField.RSI, (6,), IndicatorField.RSI, ()),
        (IndicatorField.KDJ_J, (), IndicatorField.VALUE, ()),
        (IndicatorField.MACD, (), IndicatorField.VALUE, ()),
        (IndicatorField.MACD_DIFF, (5, 35, 5), IndicatorField.MACD_DEA, (5, 35, 5)),
        (IndicatorField.BOLL_UPPER, (), IndicatorField.PRICE, ()),
        (IndicatorField.BOLL_LOWER, (10, 3), IndicatorField.BOLL_MIDDLER, (10, 3)),
    ]
    flts = tuple(IndicatorFilter(a, RelativePosition.MORE, b, kl_type, pa, pb, value=0.0)
                 for a, pa, b, pb in pairs)
    res = screener.screen(ScreenRequest(HK, plate="HK.LOWPRICE", indicators=flts), AT)
    assert res.all_count == 6  # display only: nothing is filtered
    for row in res.rows:
        fields = [v.field for v in row.indicators]
        # two lines per filter, none for the two VALUE constants; a line without
        # enough history (EMA250 of monthly bars since 2012) is left out
        assert len(fields) == (15 if kl_type == KLType.K_MON else 16)
        assert all(math.isfinite(v.value) for v in row.indicators)
