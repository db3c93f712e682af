"""get_stock_filter, price reminders and watchlists through the official
futu-api client against a gateway carrying the built-in simulated market.

Sanity: every stock the screen returns passes its filters when re-checked
against get_market_snapshot and request_history_kline.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openfutu.gateway.testing import InProcessGateway

futu = pytest.importorskip("futu")
RET_OK = futu.RET_OK
HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 14, 0, tzinfo=HKT)  # Wednesday, HK afternoon session

# docs L4279-L4281: the result tuple; L4286-L4287: code and name of each row
RESULT_TUPLE_LEN = 3
# docs L5192-L5200 plus the SDK's name column
REMINDER_COLUMNS = {"code", "name", "key", "reminder_type", "reminder_freq", "value", "enable", "note",
                    "reminder_session_list"}
# docs L5281-L5297
USER_SECURITY_COLUMNS = {"code", "name", "lot_size", "stock_type", "stock_child_type", "stock_owner",
                         "option_type", "strike_time", "strike_price", "suspension", "listing_date",
                         "stock_id", "delisting", "main_contract", "last_trade_time"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    data = tmp_path_factory.mktemp("screening")
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_clock_speed=1.0, openfutu_data_dir=str(data)) as gw:
        yield gw


@pytest.fixture(scope="module")
def ctx(gateway):
    quote = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        yield quote
    finally:
        quote.close()


def simple(field, low=None, high=None, sort=None):
    f = futu.SimpleFilter()
    f.stock_field = field
    if low is not None or high is not None:
        f.is_no_filter = False
        f.filter_min, f.filter_max = low, high
    f.sort = sort
    return f


def snapshots(ctx, codes):
    ret, data = ctx.get_market_snapshot(codes)
    assert ret == RET_OK, data
    return {row["code"]: row for _, row in data.iterrows()}


def test_simple_screen_rechecked_against_snapshots(ctx):
    price = simple(futu.StockField.CUR_PRICE, 5.0, 200.0, futu.SortDir.DESCEND)
    value = simple(futu.StockField.MARKET_VAL, 1e9, None)
    pe = simple(futu.StockField.PE_TTM)
    ret, data = ctx.get_stock_filter(futu.Market.HK, [price, value, pe], num=200)
    assert ret == RET_OK, data
    assert len(data) == RESULT_TUPLE_LEN
    last_page, all_count, items = data
    assert isinstance(last_page, bool) and 0 < all_count and len(items) == min(all_count, 200)
    prices = [it.cur_price for it in items]
    assert prices == sorted(prices, reverse=True)
    snaps = snapshots(ctx, [it.stock_code for it in items[:200]])
    for it in items:
        snap = snaps[it.stock_code]
        assert it.stock_name == snap["name"]
        assert it[price] == it.cur_price
        # a live market moves between the two requests: compare loosely, the ranges strictly
        assert 5.0 <= it.cur_price <= 200.0 and it.market_val >= 1e9
        assert it.cur_price == pytest.approx(snap["last_price"], rel=0.05)
        assert it.market_val == pytest.approx(snap["total_market_val"], rel=0.05)
        assert it.pe_ttm == pytest.approx(snap["pe_ttm_ratio"], rel=0.05, abs=0.05)


def test_paging_covers_every_match_once(ctx):
    flt = [simple(futu.StockField.MARKET_VAL, 2e9, None, futu.SortDir.ASCEND)]
    ret, (last, total, first) = ctx.get_stock_filter(futu.Market.HK, flt, begin=0, num=40)
    assert ret == RET_OK and total > 40 and not last
    ret, (last2, total2, second) = ctx.get_stock_filter(futu.Market.HK, flt, begin=40, num=200)
    assert ret == RET_OK and last2 and total2 == total
    codes = [it.stock_code for it in first + second]
    assert len(codes) == len(set(codes)) == total
    assert all(c.startswith("HK.") for c in codes)
    values = [it.market_val for it in first + second]
    assert values == sorted(values) and values[0] >= 2e9


def test_accumulate_financial_and_indicator_screen(ctx):
    acc = futu.AccumulateFilter()
    acc.stock_field = futu.StockField.CHANGE_RATE
    acc.days = 5
    fin = futu.FinancialFilter()
    fin.stock_field = futu.StockField.RETURN_ON_EQUITY_RATE
    fin.quarter = futu.FinancialQuarter.ANNUAL
    fin.is_no_filter = False
    fin.filter_min = 0.0
    ma = futu.CustomIndicatorFilter()
    ma.stock_field1 = futu.StockField.MA
    ma.stock_field1_para = [5]
    ma.relative_position = futu.RelativePosition.MORE
    ma.stock_field2 = futu.StockField.MA
    ma.stock_field2_para = [20]
    ma.ktype = futu.KLType.K_DAY
    ma.is_no_filter = False
    ret, (last, total, items) = ctx.get_stock_filter(futu.Market.HK, [acc, fin, ma], num=200)
    assert ret == RET_OK and total > 0
    for it in items:
        assert isinstance(it[acc], float)
        assert it[fin] >= 0.0
        lines = it[ma]
        assert set(lines) == {"ma5", "ma20"}
        assert lines["ma5"] >= lines["ma20"]  # compared unrounded, reported to 3 decimals
    # re-check the moving averages of a few on forward-adjusted daily K-lines
    for it in items[:3]:
        ret, bars, _ = ctx.request_history_kline(it.stock_code, start="2024-12-01", end="2025-03-05",
                                                 ktype=futu.KLType.K_DAY, autype=futu.AuType.QFQ, max_count=1000)
        assert ret == RET_OK, bars
        closes = np.array(bars["close"], dtype=float)
        assert it[ma]["ma5"] == pytest.approx(closes[-5:].mean(), rel=0.02)
        assert it[ma]["ma20"] == pytest.approx(closes[-20:].mean(), rel=0.02)


def test_pattern_screen_and_errors(ctx):
    pat = futu.PatternFilter()
    pat.stock_field = futu.StockField.MA_ALIGNMENT_LONG
    pat.ktype = futu.KLType.K_DAY
    pat.is_no_filter = False
    ret, data = ctx.get_stock_filter(futu.Market.SH, [pat])
    assert ret == RET_OK, data
    assert all(it.stock_code[:3] in ("SH.", "SZ.") for it in data[2])
    bad = futu.CustomIndicatorFilter()
    bad.stock_field1 = futu.StockField.MA5
    bad.relative_position = futu.RelativePosition.MORE
    bad.stock_field2 = futu.StockField.EMA10
    bad.ktype = futu.KLType.K_DAY
    ret, msg = ctx.get_stock_filter(futu.Market.HK, [bad])  # docs L4503-L4504
    assert ret != RET_OK and "compared" in msg
    ret, msg = ctx.get_stock_filter(futu.Market.HK, [], num=201)  # docs L4499
    assert ret != RET_OK


def test_price_reminder_round_trip(ctx):
    ret, key = ctx.set_price_reminder("HK.00700", futu.SetPriceReminderOp.ADD,
                                      reminder_type=futu.PriceReminderType.PRICE_UP,
                                      reminder_freq=futu.PriceReminderFreq.ONCE, value=999.0, note="top")
    assert ret == RET_OK, key
    ret, data = ctx.get_price_reminder(code="HK.00700")
    assert ret == RET_OK, data
    assert REMINDER_COLUMNS <= set(data.columns)
    row = data[data["key"] == key].iloc[0]
    assert (row["reminder_type"], row["reminder_freq"], row["value"], row["note"]) == \
        ("PRICE_UP", "ONCE", 999.0, "top")
    assert row["name"] == snapshots(ctx, ["HK.00700"])["HK.00700"]["name"]


def test_watchlist_round_trip(ctx):
    ret, msg = ctx.modify_user_security("Screened", futu.ModifyUserSecurityOp.ADD, ["HK.00700", "US.AAPL"])
    assert (ret, msg) == (RET_OK, "success")
    ret, groups = ctx.get_user_security_group(futu.UserSecurityGroupType.ALL)
    assert ret == RET_OK and {"group_name", "group_type"} <= set(groups.columns)
    assert "Screened" in set(groups["group_name"])
    ret, data = ctx.get_user_security("Screened")
    assert ret == RET_OK, data
    assert USER_SECURITY_COLUMNS <= set(data.columns)
    assert list(data["code"]) == ["HK.00700", "US.AAPL"]
    ret, basic = ctx.get_stock_basicinfo(futu.Market.HK, code_list=["HK.00700"])
    if ret == RET_OK:
        assert data.iloc[0]["name"] == basic.iloc[0]["name"]
        assert data.iloc[0]["lot_size"] == basic.iloc[0]["lot_size"]
