"""The official futu-api client against our gateway for the history and
derivative quote functions: request_history_kline, get_history_kl_quota,
get_rehab, get_option_expiration_date, get_option_chain, get_warrant,
get_referencestock_list and get_future_info.  A virtual clock pins the market
at Wednesday 2025-03-05 11:00 HKT (HK morning session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openfutu.gateway.testing import InProcessGateway

futu = pytest.importorskip("futu")

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)

# Column sets as the docs list them (spec quote-apis §7.5, §7.6, §8.1-§8.5)
KLINE_COLUMNS = ["code", "name", "time_key", "open", "close", "high", "low", "pe_ratio",
                 "turnover_rate", "volume", "turnover", "change_rate", "last_close"]  # docs L3436-L3452
REHAB_COLUMNS = {"ex_div_date", "split_ratio", "per_cash_div", "per_share_div_ratio",
                 "per_share_trans_ratio", "allotment_ratio", "allotment_price", "stk_spo_ratio",
                 "stk_spo_price", "forward_adj_factorA", "forward_adj_factorB",
                 "backward_adj_factorA", "backward_adj_factorB"}
EXPIRY_COLUMNS = ["strike_time", "option_expiry_date_distance", "expiration_cycle"]
CHAIN_COLUMNS = {"code", "name", "lot_size", "stock_type", "option_type", "stock_owner", "strike_time",
                 "strike_price", "suspension", "stock_id", "index_option_type", "expiration_cycle",
                 "option_standard_type", "option_settlement_mode"}
WARRANT_COLUMNS = {"stock", "stock_owner", "type", "issuer", "maturity_time", "list_time",
                   "last_trade_time", "recovery_price", "conversion_ratio", "lot_size", "strike_price",
                   "last_close_price", "name", "cur_price", "price_change_val", "status", "bid_price",
                   "ask_price", "bid_vol", "ask_vol", "volume", "turnover", "score", "premium",
                   "break_even_point", "leverage", "ipop", "price_recovery_ratio", "conversion_price",
                   "street_rate", "street_vol", "amplitude", "issue_size", "high_price", "low_price",
                   "implied_volatility", "delta", "effective_leverage", "upper_strike_price",
                   "lower_strike_price", "inline_price_status"}
REFERENCE_COLUMNS = ["code", "lot_size", "stock_type", "stock_name", "list_time", "wrt_valid",
                     "wrt_type", "wrt_code", "future_valid", "future_main_contract", "future_last_trade_time"]
FUTURE_COLUMNS = {"code", "name", "owner", "exchange", "type", "size", "size_unit", "price_currency",
                  "price_unit", "min_change", "min_change_unit", "trade_time", "time_zone",
                  "last_trade_time", "exchange_format_url", "origin_code"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("conf-history")
    # the clock barely moves (1 µs per second), so that answers compared across calls agree
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_clock_speed="0.000001", openfutu_data_dir=str(path)) as gw:
        yield gw


@pytest.fixture
def ctx(gateway: InProcessGateway):
    gateway.gateway.services.component("rate_limits", lambda s: {}).clear()
    c = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        yield c
    finally:
        c.close()


def trading_days(gateway: InProcessGateway, code: str, start: dt.date, end: dt.date) -> set[str]:
    prices = gateway.gateway.services.market.prices
    return {d.isoformat() for d in prices.trading_days(code, start, end)}


# ------------------------------------------------------------ history K-lines


def test_daily_kline_columns_and_sanity(ctx, gateway) -> None:
    ret, data, key = ctx.request_history_kline("HK.00700", start="2025-01-02", end="2025-03-04")
    assert ret == futu.RET_OK, data
    assert key is None
    assert list(data.columns) == KLINE_COLUMNS
    assert (data["code"] == "HK.00700").all() and data["name"].iloc[0]
    assert (data["high"] >= data["low"]).all()
    assert (data["high"] >= data[["open", "close"]].max(axis=1) - 1e-9).all()
    days = trading_days(gateway, "HK.00700", dt.date(2025, 1, 2), dt.date(2025, 3, 4))
    assert set(data["time_key"].str[:10]) == days
    assert (data["time_key"].str[11:] == "00:00:00").all()
    assert (data["volume"] > 0).all() and (data["turnover"] > 0).all()
    assert (data["turnover_rate"] > 0).all()  # daily bars carry it (docs L3504)


def test_minute_klines_lie_in_sessions(ctx, gateway) -> None:
    ret, data, _ = ctx.request_history_kline("HK.00700", start="2025-03-03", end="2025-03-04",
                                             ktype=futu.KLType.K_15M)
    assert ret == futu.RET_OK, data
    times = data["time_key"].str[11:]
    assert ((("09:45:00" <= times) & (times <= "12:00:00")) | (("13:15:00" <= times) & (times <= "16:00:00"))).all()
    assert len(data) == 2 * 22  # 10 bars in the morning, 12 in the afternoon
    ret, us, _ = ctx.request_history_kline("US.AAPL", start="2025-03-03", end="2025-03-03",
                                           ktype=futu.KLType.K_60M)
    assert ret == futu.RET_OK, us
    assert list(us["time_key"].str[11:]) == ["10:30:00", "11:30:00", "12:30:00", "13:30:00", "14:30:00",
                                             "15:30:00", "16:00:00"]


def test_paging_through_every_bar_once(ctx) -> None:
    ret, whole, _ = ctx.request_history_kline("HK.00005", start="2025-02-17", end="2025-03-04",
                                              ktype=futu.KLType.K_5M, max_count=None)
    assert ret == futu.RET_OK, whole
    pages, key = [], None
    for _ in range(100):
        ret, page, key = ctx.request_history_kline("HK.00005", start="2025-02-17", end="2025-03-04",
                                                   ktype=futu.KLType.K_5M, max_count=100, page_req_key=key)
        assert ret == futu.RET_OK, page
        pages.append(page)
        if key is None:
            break
    assert key is None and len(pages) > 5
    times = [t for p in pages for t in p["time_key"]]
    assert times == list(whole["time_key"]) and len(set(times)) == len(times)


def test_fields_subset(ctx) -> None:
    ret, data, _ = ctx.request_history_kline("HK.00700", start="2025-03-03", end="2025-03-04",
                                             fields=[futu.KL_FIELD.DATE_TIME, futu.KL_FIELD.CLOSE])
    assert ret == futu.RET_OK, data
    assert list(data.columns) == ["code", "name", "time_key", "close"]


def test_qfq_hfq_follow_rehab_factors(ctx) -> None:
    ret, rehab = ctx.get_rehab("HK.00700")
    assert ret == futu.RET_OK, rehab
    assert REHAB_COLUMNS <= set(rehab.columns)
    assert len(rehab) > 0 and (rehab["ex_div_date"] <= "2025-03-05").all()
    args = dict(start="2014-01-01", end="2025-03-04", max_count=None)
    frames = {}
    for au in (futu.AuType.NONE, futu.AuType.QFQ, futu.AuType.HFQ):
        ret, frames[au], _ = ctx.request_history_kline("HK.00700", autype=au, **args)
        assert ret == futu.RET_OK, frames[au]
    raw, qfq, hfq = frames[futu.AuType.NONE], frames[futu.AuType.QFQ], frames[futu.AuType.HFQ]
    assert list(raw["time_key"]) == list(qfq["time_key"]) == list(hfq["time_key"])
    rows = rehab.sort_values("ex_div_date").to_dict("records")
    for i in range(0, len(raw), 131):
        day = raw["time_key"].iloc[i][:10]
        fwd = raw["close"].iloc[i]
        for r in rows:  # docs: forward price = raw * A + B for every later action
            if r["ex_div_date"] > day:
                fwd = fwd * r["forward_adj_factorA"] + r["forward_adj_factorB"]
        back = raw["close"].iloc[i]
        for r in reversed(rows):
            if r["ex_div_date"] <= day:
                back = back * r["backward_adj_factorA"] + r["backward_adj_factorB"]
        assert qfq["close"].iloc[i] == pytest.approx(fwd, rel=1e-5)
        assert hfq["close"].iloc[i] == pytest.approx(back, rel=1e-5)


def test_history_kl_quota_after_requests(ctx) -> None:
    ret, first = ctx.get_history_kl_quota(get_detail=True)
    assert ret == futu.RET_OK, first
    used, remain, detail = first
    assert used + remain == 1000
    ctx.request_history_kline("HK.02800", start="2025-03-03", end="2025-03-04")
    ctx.request_history_kline("HK.02800", start="2025-02-03", end="2025-03-04", ktype=futu.KLType.K_60M)
    ret, (used2, remain2, detail2) = ctx.get_history_kl_quota(get_detail=True)
    assert ret == futu.RET_OK
    assert used2 == used + (0 if any(d["code"] == "HK.02800" for d in detail) else 1)
    assert remain2 == 1000 - used2
    entry = [d for d in detail2 if d["code"] == "HK.02800"]
    assert entry and entry[0]["name"] and entry[0]["request_time"].startswith("2025-03-05")


def test_history_errors(ctx) -> None:
    ret, msg, _ = ctx.request_history_kline("HK.99999", start="2025-03-03", end="2025-03-04")
    assert ret == futu.RET_ERROR and "unknown" in msg
    ret, msg, _ = ctx.request_history_kline("HK.00700", start="2025-03-04", end="2025-03-01")
    assert ret == futu.RET_ERROR


# ------------------------------------------------------------ options


def test_option_expiration_dates(ctx) -> None:
    ret, data = ctx.get_option_expiration_date("HK.00388")
    assert ret == futu.RET_OK, data
    assert list(data.columns) == EXPIRY_COLUMNS
    assert (data["option_expiry_date_distance"] >= 0).all()
    assert list(data["strike_time"]) == sorted(data["strike_time"])
    ret, idx = ctx.get_option_expiration_date("HK.800000", index_option_type=futu.IndexOptionType.NORMAL)
    assert ret == futu.RET_OK, idx
    assert len(idx) > 0 and (idx["expiration_cycle"] != "N/A").all()


def test_option_chain_and_greeks(ctx, gateway) -> None:
    ret, chain = ctx.get_option_chain("HK.00388", start="2025-03-05", end="2025-04-03")
    assert ret == futu.RET_OK, chain
    assert CHAIN_COLUMNS <= set(chain.columns)
    assert (chain["stock_owner"] == "HK.00388").all()
    assert set(chain["option_type"]) == {"CALL", "PUT"}
    assert ((chain["strike_time"] >= "2025-03-05") & (chain["strike_time"] <= "2025-04-03")).all()
    ret, calls = ctx.get_option_chain("HK.00388", start="2025-03-05", end="2025-04-03",
                                      option_type=futu.OptionType.CALL,
                                      option_cond_type=futu.OptionCondType.WITHIN)
    assert ret == futu.RET_OK, calls
    spot = gateway.gateway.services.market.quote("HK.00388").last_price
    assert len(calls) > 0 and (calls["option_type"] == "CALL").all() and (calls["strike_price"] < spot).all()
    flt = futu.OptionDataFilter()
    flt.delta_min, flt.delta_max = 0.3, 0.7
    ret, mid = ctx.get_option_chain("HK.00388", start="2025-03-05", end="2025-04-03", data_filter=flt)
    assert ret == futu.RET_OK, mid
    assert 0 < len(mid) < len(chain)
    # the snapshot of every contract shows greeks in range, and the filtered ones in the filter
    ret, snaps = ctx.get_market_snapshot(list(chain["code"]))
    assert ret == futu.RET_OK, snaps
    by_code = snaps.set_index("code")
    assert (by_code["option_delta"].abs() <= 1).all() and (by_code["option_gamma"] >= 0).all()
    assert (by_code["option_implied_volatility"] >= 0).all() and (by_code["option_implied_volatility"] > 0).any()
    for code in mid["code"]:
        assert 0.3 <= by_code.loc[code, "option_delta"] <= 0.7


def test_option_chain_window_error(ctx) -> None:
    ret, msg = ctx.get_option_chain("HK.00388", start="2025-03-05", end="2025-05-05")
    assert ret == futu.RET_ERROR and "30 days" in msg


# ------------------------------------------------------------ warrants


def test_warrants_satisfy_the_request(ctx) -> None:
    req = futu.WarrantRequest()
    req.type_list = [futu.WrtType.CALL, futu.WrtType.PUT]
    req.sort_field = futu.SortField.VOLUME
    req.ascend = False
    req.num = 50
    req.cur_price_min = 0.01
    req.street_max = 60.0
    ret, content = ctx.get_warrant("HK.00700", req)
    assert ret == futu.RET_OK, content
    data, last_page, all_count = content
    assert WARRANT_COLUMNS <= set(data.columns)
    assert 0 < len(data) <= 50 and all_count >= len(data) and last_page == (all_count <= 50)
    assert set(data["type"]) <= {"CALL", "PUT"}
    assert (data["stock_owner"] == "HK.00700").all()
    assert (data["cur_price"] >= 0.01).all() and (data["street_rate"] <= 60.0).all()
    assert list(data["volume"]) == sorted(data["volume"], reverse=True)
    assert ((data["delta"] >= -1) & (data["delta"] <= 1)).all()
    # a price at the no-arbitrage bound (deep in the money) implies no volatility: absent
    ivs = data["implied_volatility"].replace("N/A", float("nan")).astype(float)
    assert (ivs.dropna() > 0).all() and len(ivs.dropna()) > 0
    assert (data["ipop"][ivs.isna()] > 0).all()
    req = futu.WarrantRequest()
    req.type_list = [futu.WrtType.BULL, futu.WrtType.BEAR]
    req.num = 20
    ret, (cbbc, _, _) = ctx.get_warrant("HK.00700", req)
    assert ret == futu.RET_OK
    assert set(cbbc["type"]) <= {"BULL", "BEAR"} and (cbbc["recovery_price"].astype(float) > 0).all()


def test_warrant_num_cap(ctx) -> None:
    req = futu.WarrantRequest()
    req.num = 201
    ret, msg = ctx.get_warrant("HK.00700", req)
    assert ret == futu.RET_ERROR and "200" in msg


# ------------------------------------------------------------ references, futures


def test_referencestock_list(ctx) -> None:
    ret, data = ctx.get_referencestock_list("HK.00700", futu.SecurityReferenceType.WARRANT)
    assert ret == futu.RET_OK, data
    assert list(data.columns) == REFERENCE_COLUMNS
    assert len(data) > 0 and data["wrt_valid"].all() and (data["wrt_code"] == "HK.00700").all()
    ret, fut = ctx.get_referencestock_list("HK.HSImain", futu.SecurityReferenceType.FUTURE)
    assert ret == futu.RET_OK, fut
    assert fut["future_valid"].all() and fut["future_main_contract"].iloc[0]
    assert (fut["code"].str.startswith("HK.HSI")).all()


def test_future_info(ctx) -> None:
    ret, data = ctx.get_future_info(["HK.HSImain", "HK.MHImain"])
    assert ret == futu.RET_OK, data
    assert FUTURE_COLUMNS <= set(data.columns)
    hsi = data[data["code"] == "HK.HSImain"].iloc[0]
    assert hsi["owner"] == "HK.800000" and hsi["size"] == 50.0 and hsi["min_change"] == 1.0
    assert hsi["price_currency"] == "HKD" and hsi["last_trade_time"] == ""
    assert hsi["origin_code"].startswith("HK.HSI25")
    assert "(T-1)" in hsi["trade_time"]  # the night session opens the evening before
