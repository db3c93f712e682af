"""The official futu-api client against our gateway for the reference quote
functions: get_market_snapshot, get_stock_basicinfo, get_market_state,
get_capital_flow, get_capital_distribution, get_owner_plate, get_plate_list,
get_plate_stock, get_ipo_list and request_trading_days.  A virtual clock pins
the market at Wednesday 2025-03-05 11:00 HKT (HK and A-share mornings)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from openfutu.gateway.testing import InProcessGateway
from openfutu.market.model import QotMarket, SecurityType

futu = pytest.importorskip("futu")

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)

# Columns as the docs list them (docs L2311-L2482 give 142 with
# wrt_code; futu-api replaces the deprecated wrt_code by close_price_5min).
SNAPSHOT_COLUMNS = {
    "code", "name", "update_time", "last_price", "open_price", "high_price", "low_price",
    "prev_close_price", "volume", "turnover", "turnover_rate", "suspension", "listing_date",
    "equity_valid", "issued_shares", "total_market_val", "net_asset", "net_profit",
    "earning_per_share", "outstanding_shares", "net_asset_per_share", "circular_market_val",
    "ey_ratio", "pe_ratio", "pb_ratio", "pe_ttm_ratio", "dividend_ttm", "dividend_ratio_ttm",
    "dividend_lfy", "dividend_lfy_ratio", "stock_owner", "wrt_valid", "wrt_conversion_ratio",
    "wrt_type", "wrt_strike_price", "wrt_maturity_date", "wrt_end_trade", "wrt_leverage", "wrt_ipop",
    "wrt_break_even_point", "wrt_conversion_price", "wrt_price_recovery_ratio", "wrt_score",
    "wrt_recovery_price", "wrt_street_vol", "wrt_issue_vol", "wrt_street_ratio", "wrt_delta",
    "wrt_implied_volatility", "wrt_premium", "wrt_upper_strike_price", "wrt_lower_strike_price",
    "wrt_inline_price_status", "wrt_issuer_code", "option_valid", "option_type", "strike_time",
    "option_strike_price", "option_contract_size", "option_open_interest",
    "option_implied_volatility", "option_premium", "option_delta", "option_gamma", "option_vega",
    "option_theta", "option_rho", "index_option_type", "option_net_open_interest",
    "option_expiry_date_distance", "option_contract_nominal_value", "option_owner_lot_multiplier",
    "option_area_type", "option_contract_multiplier", "plate_valid", "plate_raise_count",
    "plate_fall_count", "plate_equal_count", "index_valid", "index_raise_count", "index_fall_count",
    "index_equal_count", "lot_size", "price_spread", "ask_price", "bid_price", "ask_vol", "bid_vol",
    "enable_margin", "mortgage_ratio", "long_margin_initial_ratio", "enable_short_sell",
    "short_sell_rate", "short_available_volume", "short_margin_initial_ratio", "sec_status",
    "amplitude", "avg_price", "bid_ask_ratio", "volume_ratio", "highest52weeks_price",
    "lowest52weeks_price", "highest_history_price", "lowest_history_price", "pre_price",
    "pre_high_price", "pre_low_price", "pre_volume", "pre_turnover", "pre_change_val",
    "pre_change_rate", "pre_amplitude", "after_price", "after_high_price", "after_low_price",
    "after_volume", "after_turnover", "after_change_val", "after_change_rate", "after_amplitude",
    "overnight_price", "overnight_high_price", "overnight_low_price", "overnight_volume",
    "overnight_turnover", "overnight_change_val", "overnight_change_rate", "overnight_amplitude",
    "future_valid", "future_last_settle_price", "future_position", "future_position_change",
    "future_main_contract", "future_last_trade_time", "trust_valid", "trust_dividend_yield",
    "trust_aum", "trust_outstanding_units", "trust_netAssetValue", "trust_premium",
    "trust_assetClass", "close_price_5min",
}
BASICINFO_COLUMNS = ["code", "name", "lot_size", "stock_type", "stock_child_type", "stock_owner",
                     "option_type", "strike_time", "strike_price", "suspension", "listing_date",
                     "stock_id", "delisting", "index_option_type", "main_contract", "last_trade_time",
                     "exchange_type"]  # docs L4684-L4702
MARKET_STATE_COLUMNS = ["code", "stock_name", "market_state"]  # docs L3120-L3122
CAPITAL_FLOW_COLUMNS = {"in_flow", "main_in_flow", "super_in_flow", "big_in_flow", "mid_in_flow",
                        "sml_in_flow", "capital_flow_item_time", "last_valid_time"}  # docs L3191-L3198
CAPITAL_DISTRIBUTION_COLUMNS = ["capital_in_super", "capital_in_big", "capital_in_mid",
                                "capital_in_small", "capital_out_super", "capital_out_big",
                                "capital_out_mid", "capital_out_small", "update_time"]  # docs L3267-L3277
OWNER_PLATE_COLUMNS = ["code", "name", "plate_code", "plate_name", "plate_type"]  # docs L3345-L3349
PLATE_LIST_COLUMNS = ["code", "plate_name", "plate_id"]  # docs L4616-L4618
# docs L4536-L4546 list 8 columns; futu-api adds stock_owner and stock_child_type (never filled), spec §9.2
PLATE_STOCK_COLUMNS = {"code", "lot_size", "stock_name", "stock_type", "list_time", "stock_id",
                       "main_contract", "last_trade_time", "stock_owner", "stock_child_type"}
IPO_COLUMNS = {"code", "name", "list_time", "list_timestamp", "apply_code", "issue_size",
               "online_issue_size", "apply_upper_limit", "apply_limit_market_value",
               "is_estimate_ipo_price", "ipo_price", "industry_pe_rate", "is_estimate_winning_ratio",
               "winning_ratio", "issue_pe_rate", "apply_time", "apply_timestamp", "winning_time",
               "winning_timestamp", "is_has_won", "winning_num_data", "ipo_price_min", "ipo_price_max",
               "list_price", "lot_size", "entrance_price", "is_subscribe_status", "apply_end_time",
               "apply_end_timestamp"}  # docs L4783-L4815; futu-api adds the SG/MY three below
IPO_SDK_EXTRA = {"apply_start_time", "apply_start_timestamp", "offer_price"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("conf-reference")
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_data_dir=str(path)) as gw:
        yield gw


@pytest.fixture
def ctx(gateway: InProcessGateway):
    gateway.gateway.services.component("rate_limits", lambda s: {}).clear()
    c = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        yield c
    finally:
        c.close()


def universe(gateway: InProcessGateway):  # type: ignore[no-untyped-def]
    return gateway.gateway.services.market.universe


def on_tick_grid(gateway: InProcessGateway, code: str, price: float) -> bool:
    market = gateway.gateway.services.market
    inst = market.instrument(code)
    tick = market.prices.tick_rules.tick_size(inst, price)
    return abs(price / tick - round(price / tick)) < 1e-6


# ------------------------------------------------------------ get_market_snapshot


def test_snapshot_columns_and_equity_sanity(ctx, gateway) -> None:
    codes = ["HK.00700", "HK.09988", "US.AAPL", "SH.600519", "SZ.000001"]
    ret, data = ctx.get_market_snapshot(codes)
    assert ret == futu.RET_OK, data
    assert set(data.columns) == SNAPSHOT_COLUMNS and len(data.columns) == 142
    assert list(data["code"]) == codes
    for row in data.to_dict("records"):
        code = row["code"]
        assert row["name"] and row["lot_size"] > 0 and row["sec_status"] == "NORMAL"
        assert row["equity_valid"] and not row["wrt_valid"] and not row["option_valid"]
        for col in ("last_price", "open_price", "high_price", "low_price", "prev_close_price",
                    "bid_price", "ask_price", "highest52weeks_price", "lowest52weeks_price"):
            assert on_tick_grid(gateway, code, row[col]), (code, col, row[col])
        assert row["high_price"] >= max(row["open_price"], row["last_price"]) >= row["low_price"]
        assert row["highest52weeks_price"] >= row["high_price"] and row["lowest52weeks_price"] <= row["low_price"]
        assert row["highest_history_price"] >= row["highest52weeks_price"]
        assert row["total_market_val"] == pytest.approx(row["last_price"] * row["issued_shares"], rel=1e-6)
        assert row["circular_market_val"] == pytest.approx(row["last_price"] * row["outstanding_shares"], rel=1e-6)
        assert row["pb_ratio"] == pytest.approx(row["last_price"] / row["net_asset_per_share"], rel=1e-3)
        assert row["pe_ratio"] == pytest.approx(row["last_price"] / row["earning_per_share"], rel=1e-2)
        assert -100 <= row["bid_ask_ratio"] <= 100
        assert row["update_time"].startswith("2025-03-0")
    by_code = data.set_index("code")
    hk = by_code.loc["HK.00700"]  # trading at 11:00 HKT
    assert hk["volume"] > 0 and hk["bid_price"] < hk["ask_price"]
    assert hk["avg_price"] == pytest.approx(hk["turnover"] / hk["volume"], rel=1e-3)
    assert hk["amplitude"] == pytest.approx((hk["high_price"] - hk["low_price"]) / hk["prev_close_price"] * 100,
                                            abs=1e-3)
    assert hk["turnover_rate"] > 0 and hk["volume_ratio"] > 0
    assert hk["update_time"] <= "2025-03-05 11:00:00"
    us = by_code.loc["US.AAPL"]  # 22:00 New York on 03-04: after-hours traded, the day closed
    assert us["after_price"] > 0 and us["after_volume"] > 0 and not math.isnan(us["pre_price"])


def test_snapshot_derivatives_index_fund_future(ctx, gateway) -> None:
    u = universe(gateway)
    warrants = u.warrants_of("HK.00700")
    kinds = {}
    for w in warrants:
        kinds.setdefault(int(w.terms.warrant_type), w.code)
    option_call = next(o for o in u.options_of("HK.00700") if int(o.terms.option_type) == 1)
    future = u.by_market(QotMarket.HK_FUTURE)[0].code
    codes = ["HK.800000", "HK.02800", option_call.code, future, "HK.BK1046"] + sorted(kinds.values())
    ret, data = ctx.get_market_snapshot(codes)
    assert ret == futu.RET_OK, data
    rows = {r["code"]: r for r in data.to_dict("records")}
    index = rows["HK.800000"]
    assert index["index_valid"] and not index["equity_valid"]
    assert index["index_raise_count"] + index["index_fall_count"] + index["index_equal_count"] == len(
        u.constituents("HK.800000"))
    fund = rows["HK.02800"]
    assert fund["trust_valid"] and fund["trust_netAssetValue"] > 0 and fund["trust_assetClass"] == "STOCK"
    assert fund["trust_aum"] == pytest.approx(fund["trust_netAssetValue"] * fund["trust_outstanding_units"], rel=1e-6)
    opt = rows[option_call.code]
    assert opt["option_valid"] and opt["option_type"] == "CALL" and opt["stock_owner"] == "HK.00700"
    assert opt["listing_date"] == "N/A"  # futu-api blanks it for options
    assert 0 <= opt["option_delta"] <= 1 and opt["option_gamma"] >= 0 and opt["option_vega"] >= 0
    assert opt["option_strike_price"] == option_call.terms.strike_price
    assert opt["strike_time"] == option_call.terms.strike_time.isoformat()
    assert opt["option_expiry_date_distance"] == (option_call.terms.strike_time - dt.date(2025, 3, 5)).days
    assert opt["option_area_type"] == "AMERICAN"
    plate = rows["HK.BK1046"]
    assert plate["plate_valid"] and not plate["index_valid"] and plate["last_price"] > 0
    assert plate["plate_raise_count"] + plate["plate_fall_count"] + plate["plate_equal_count"] == len(
        u.plate("HK.BK1046").members)
    fut = rows[future]
    assert fut["future_valid"] and fut["future_position"] >= 0
    assert fut["future_last_settle_price"] == fut["prev_close_price"]
    for kind, code in kinds.items():
        w = rows[code]
        assert w["wrt_valid"] and w["stock_owner"] == "HK.00700"
        assert w["wrt_type"] in {"CALL", "PUT", "BULL", "BEAR", "INLINE"}
        assert 0 < w["wrt_street_vol"] <= w["wrt_issue_vol"]
        assert w["wrt_maturity_date"] >= w["wrt_end_trade"] >= "2025-03-05"
        assert w["wrt_issuer_code"]
        if w["wrt_type"] in ("BULL", "BEAR"):
            assert w["wrt_recovery_price"] > 0
        if w["wrt_type"] == "INLINE":
            assert w["wrt_lower_strike_price"] < w["wrt_upper_strike_price"]
            assert w["wrt_inline_price_status"] in {"WITH_IN", "OUTSIDE"}


def test_snapshot_errors(ctx, gateway) -> None:
    ret, msg = ctx.get_market_snapshot(["HK.00700", "HK.99999"])
    assert ret == futu.RET_ERROR and "unknown stock" in msg
    codes = [i.code for i in universe(gateway).by_market(QotMarket.HK_SECURITY, SecurityType.EQTY)]
    codes += [i.code for i in universe(gateway).by_market(QotMarket.US_SECURITY, SecurityType.EQTY)]
    ret, msg = ctx.get_market_snapshot(codes[:401])  # futu-api drops duplicates: 401 distinct codes
    assert ret == futu.RET_ERROR and "400" in msg  # docs L2528


# ------------------------------------------------------------ get_stock_basicinfo


def test_stock_basicinfo_by_market(ctx, gateway) -> None:
    ret, data = ctx.get_stock_basicinfo(futu.Market.HK, futu.SecurityType.STOCK)
    assert ret == futu.RET_OK, data
    assert list(data.columns) == BASICINFO_COLUMNS
    expected = {i.code for i in universe(gateway).by_market(QotMarket.HK_SECURITY, SecurityType.EQTY)}
    assert set(data["code"]) == expected
    assert (data["stock_type"] == "STOCK").all() and (data["lot_size"] > 0).all()
    assert data["stock_id"].is_unique
    row = data.set_index("code").loc["HK.00700"]
    assert row["listing_date"] == "2004-06-16" and not row["delisting"]
    ret, warrants = ctx.get_stock_basicinfo(futu.Market.HK, futu.SecurityType.WARRANT)
    assert ret == futu.RET_OK, warrants
    assert len(warrants) > 0 and warrants["stock_child_type"].isin({"CALL", "PUT", "BULL", "BEAR", "INLINE"}).all()
    assert (warrants["stock_owner"].str.startswith("HK.")).all()
    ret, futures = ctx.get_stock_basicinfo(futu.Market.HK, futu.SecurityType.FUTURE)
    assert ret == futu.RET_OK, futures
    assert futures["main_contract"].any() and (futures["stock_type"] == "FUTURE").all()


def test_stock_basicinfo_by_codes(ctx, gateway) -> None:
    option = universe(gateway).options_of("US.AAPL")[0]
    ret, data = ctx.get_stock_basicinfo(futu.Market.HK, code_list=["US.AAPL", "HK.99999", option.code])
    assert ret == futu.RET_OK, data
    assert list(data["code"]) == ["US.AAPL", "HK.99999", option.code]
    unknown = data.iloc[1]  # docs L4753: a row with the delisted flag and defaults
    assert unknown["delisting"] and unknown["lot_size"] == 0
    opt = data.iloc[2]
    assert opt["stock_type"] == "DRVT" and opt["stock_owner"] == "US.AAPL"
    assert opt["option_type"] in ("CALL", "PUT") and opt["strike_price"] == option.terms.strike_price
    ret, msg = ctx.get_stock_basicinfo(futu.Market.HK, futu.SecurityType.DRVT)
    assert ret == futu.RET_ERROR and "DRVT" in msg  # docs L4669


# ------------------------------------------------------------ get_market_state


def test_market_state(ctx) -> None:
    ret, data = ctx.get_market_state(["HK.00700", "SH.600519", "US.AAPL"])
    assert ret == futu.RET_OK, data
    assert list(data.columns) == MARKET_STATE_COLUMNS
    states = dict(zip(data["code"], data["market_state"]))
    assert states["HK.00700"] == "MORNING" and states["SH.600519"] == "MORNING"
    assert states["US.AAPL"] in {"AFTER_HOURS_BEGIN", "AFTER_HOURS_END", "CLOSED", "OVERNIGHT"}
    assert data["stock_name"].str.len().min() > 0


# ------------------------------------------------------------ capital flow / distribution


def test_capital_flow_every_period(ctx) -> None:
    ret, intraday = ctx.get_capital_flow("HK.00700")
    assert ret == futu.RET_OK, intraday
    assert set(intraday.columns) == CAPITAL_FLOW_COLUMNS
    assert len(intraday) == 90 and (intraday["main_in_flow"] == "N/A").all()
    assert intraday["capital_flow_item_time"].iloc[0] == "2025-03-05 09:30:00"
    assert (intraday["last_valid_time"] == intraday["capital_flow_item_time"].iloc[-1]).all()
    parts = intraday[["super_in_flow", "big_in_flow", "mid_in_flow", "sml_in_flow"]].sum(axis=1)
    assert (abs(parts - intraday["in_flow"]) < 0.1).all()
    totals = {}
    for period in (futu.PeriodType.DAY, futu.PeriodType.WEEK, futu.PeriodType.MONTH):
        ret, data = ctx.get_capital_flow("HK.00700", period_type=period, start="2024-12-01", end="2025-03-05")
        assert ret == futu.RET_OK, data
        assert set(data.columns) == CAPITAL_FLOW_COLUMNS and len(data) > 0
        main = data["super_in_flow"] + data["big_in_flow"]
        assert (abs(data["main_in_flow"].astype(float) - main) < 0.1).all()
        totals[period] = data["in_flow"].sum()
    assert totals[futu.PeriodType.WEEK] == pytest.approx(totals[futu.PeriodType.DAY], abs=1.0)
    assert totals[futu.PeriodType.MONTH] == pytest.approx(totals[futu.PeriodType.DAY], abs=1.0)
    ret, msg = ctx.get_capital_flow("HK.800000")
    assert ret == futu.RET_ERROR and "stocks, warrants and funds" in msg  # docs L3238


def test_capital_distribution(ctx) -> None:
    ret, data = ctx.get_capital_distribution("HK.00700")
    assert ret == futu.RET_OK, data
    assert list(data.columns) == CAPITAL_DISTRIBUTION_COLUMNS and len(data) == 1
    row = data.iloc[0]
    assert all(row[c] > 0 for c in CAPITAL_DISTRIBUTION_COLUMNS[:8])
    assert row["update_time"] == "2025-03-05 10:59:59"
    ret, snap = ctx.get_market_snapshot(["HK.00700"])
    total = sum(row[c] for c in CAPITAL_DISTRIBUTION_COLUMNS[:8])
    assert total <= snap["turnover"].iloc[0]


# ------------------------------------------------------------ plates


def test_owner_plate(ctx) -> None:
    ret, data = ctx.get_owner_plate(["HK.00700", "US.AAPL", "SH.600519"])
    assert ret == futu.RET_OK, data
    assert list(data.columns) == OWNER_PLATE_COLUMNS
    assert set(data["code"]) == {"HK.00700", "US.AAPL", "SH.600519"}
    assert data["plate_type"].isin({"INDUSTRY", "REGION", "CONCEPT", "OTHER"}).all()
    tencent = data[data["code"] == "HK.00700"]
    assert (tencent["plate_code"].str.startswith("HK.")).all()


def test_plate_list_and_plate_stock(ctx) -> None:
    ret, plates = ctx.get_plate_list(futu.Market.HK, futu.Plate.ALL)
    assert ret == futu.RET_OK, plates
    assert list(plates.columns) == PLATE_LIST_COLUMNS and len(plates) > 5
    assert (plates["code"] == "HK." + plates["plate_id"]).all()
    ret, concepts = ctx.get_plate_list(futu.Market.HK, futu.Plate.CONCEPT)
    assert ret == futu.RET_OK and 0 < len(concepts) < len(plates)
    ret, cn = ctx.get_plate_list(futu.Market.SH, futu.Plate.INDUSTRY)
    assert ret == futu.RET_OK and len(cn) > 0
    plate = concepts["code"].iloc[0]
    ret, members = ctx.get_plate_stock(plate)
    assert ret == futu.RET_OK, members
    assert set(members.columns) == PLATE_STOCK_COLUMNS
    assert list(members["code"]) == sorted(members["code"])
    ret, by_change = ctx.get_plate_stock(plate, sort_field=futu.SortField.CHANGE_RATE, ascend=False)
    assert ret == futu.RET_OK, by_change
    ret, snaps = ctx.get_market_snapshot(list(by_change["code"]))
    change = list((snaps["last_price"] - snaps["prev_close_price"]) / snaps["prev_close_price"])
    assert change == sorted(change, reverse=True)
    ret, hsi = ctx.get_plate_stock("HK.800000")
    assert ret == futu.RET_OK and len(hsi) > 10


# ------------------------------------------------------------ get_ipo_list


def test_ipo_list(ctx) -> None:
    for market in (futu.Market.HK, futu.Market.US, futu.Market.SH):
        ret, data = ctx.get_ipo_list(market)
        assert ret == futu.RET_OK, data
        assert set(data.columns) == IPO_COLUMNS | IPO_SDK_EXTRA and len(data) > 0
        assert data["name"].str.len().min() > 0
    ret, hk = ctx.get_ipo_list(futu.Market.HK)
    assert (hk["ipo_price_min"] <= hk["ipo_price_max"]).all() and (hk["lot_size"] > 0).all()
    ret, sh = ctx.get_ipo_list(futu.Market.SH)
    assert (sh["apply_code"].str.len() > 0).all() and (sh["ipo_price"] > 0).all()


# ------------------------------------------------------------ request_trading_days


def test_request_trading_days(ctx) -> None:
    ret, days = ctx.request_trading_days(futu.TradeDateMarket.HK, start="2025-01-01", end="2025-02-28")
    assert ret == futu.RET_OK, days
    assert all(set(d) == {"time", "trade_date_type"} for d in days)
    dates = [dt.date.fromisoformat(d["time"]) for d in days]
    assert all(d.weekday() < 5 for d in dates) and dt.date(2025, 1, 29) not in dates
    types = {d["time"]: d["trade_date_type"] for d in days}
    assert types["2025-01-28"] == "MORNING" and types["2025-01-27"] == "WHOLE"
    ret, us = ctx.request_trading_days(code="US.AAPL", start="2025-07-01", end="2025-07-08")
    assert ret == futu.RET_OK, us
    assert [d["time"] for d in us] == ["2025-07-01", "2025-07-02", "2025-07-03", "2025-07-07", "2025-07-08"]
