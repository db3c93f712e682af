"""Every trade function and both trade pushes through the official futu-api
client, against a gateway whose broker trades on a scripted market.

Column lists are the docs' (dump) columns of each function; the SDK adds a
few more, which are allowed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "broker"))

from trade_harness import WRITE_GAP, Collector, ScriptedTrading, deal_handler, order_handler  # noqa: E402

futu = pytest.importorskip("futu")
SIM = futu.TrdEnv.SIMULATE

# docs L8418-L8432
ACC_LIST_COLUMNS = {"acc_id", "trd_env", "acc_type", "uni_card_num", "card_num", "security_firm",
                    "sim_acc_type", "trdmarket_auth", "acc_status", "acc_role", "jp_acc_type"}
# docs L8572-L8645
FUNDS_COLUMNS = {
    "power", "max_power_short", "net_cash_power", "total_assets", "securities_assets", "fund_assets",
    "bond_assets", "cash", "market_val", "long_mv", "short_mv", "pending_asset", "interest_charged_amount",
    "frozen_cash", "avl_withdrawal_cash", "max_withdrawal", "currency", "available_funds", "unrealized_pl",
    "realized_pl", "risk_level", "risk_status", "initial_margin", "margin_call_margin", "maintenance_margin",
    "hk_cash", "hk_avl_withdrawal_cash", "hkd_net_cash_power", "hkd_assets", "us_cash",
    "us_avl_withdrawal_cash", "usd_net_cash_power", "usd_assets", "cn_cash", "cn_avl_withdrawal_cash",
    "cnh_net_cash_power", "cnh_assets", "jp_cash", "jp_avl_withdrawal_cash", "jpy_net_cash_power",
    "jpy_assets", "sg_cash", "sg_avl_withdrawal_cash", "sgd_net_cash_power", "sgd_assets", "au_cash",
    "au_avl_withdrawal_cash", "aud_net_cash_power", "aud_assets", "ca_cash", "ca_avl_withdrawal_cash",
    "cad_net_cash_power", "cad_assets", "my_cash", "my_avl_withdrawal_cash", "myr_net_cash_power",
    "myr_assets", "is_pdt", "pdt_seq", "beginning_dtbp", "remaining_dtbp", "dt_call_amount", "dt_status",
}
# docs L8720-L8728
MAX_QTY_COLUMNS = {"max_cash_buy", "max_cash_and_margin_buy", "max_position_sell", "max_sell_short",
                   "max_buy_back", "long_required_im", "short_required_im"}
# docs L8801-L8831
POSITION_COLUMNS = {
    "position_side", "code", "stock_name", "position_market", "qty", "can_sell_qty", "currency",
    "nominal_price", "cost_price", "cost_price_valid", "average_cost", "diluted_cost", "market_val", "pl_ratio",
    "pl_ratio_valid", "pl_ratio_avg_cost", "pl_val", "pl_val_valid", "today_pl_val", "today_trd_val",
    "today_buy_qty", "today_buy_val", "today_sell_qty", "today_sell_val", "unrealized_pl", "realized_pl",
    "position_id",
}
# docs L8892-L8909
MARGIN_COLUMNS = {"code", "is_long_permit", "is_short_permit", "short_pool_remain", "short_fee_rate",
                  "alert_long_ratio", "alert_short_ratio", "im_long_ratio", "im_short_ratio", "mcm_long_ratio",
                  "mcm_short_ratio", "mm_long_ratio", "mm_short_ratio"}
# docs L8974-L8983
CASH_FLOW_COLUMNS = {"cashflow_id", "clearing_date", "settlement_date", "currency", "cashflow_type",
                     "cashflow_direction", "cashflow_amount", "cashflow_remark"}
# place_order result, docs L9032-L9163 (trade-apis.md §4.10)
PLACE_COLUMNS = {"trd_side", "order_type", "order_status", "order_id", "code", "stock_name", "qty", "price",
                 "create_time", "updated_time", "dealt_qty", "dealt_avg_price", "last_err_msg", "remark",
                 "time_in_force", "fill_outside_rth", "session", "aux_price", "trail_type", "trail_value",
                 "trail_spread"}
# docs L9354-L9380
ORDER_COLUMNS = PLACE_COLUMNS | {"order_market", "currency"}
# docs L9567-L9591
ORDER_PUSH_COLUMNS = PLACE_COLUMNS | {"currency"}
# docs L9651-L9657
FEE_COLUMNS = {"order_id", "fee_amount", "fee_details"}
# docs L9734-L9749
DEAL_COLUMNS = {"trd_side", "deal_id", "order_id", "code", "stock_name", "deal_market", "qty", "price",
                "create_time", "counter_broker_id", "counter_broker_name", "status"}
# docs L9915-L9930
DEAL_PUSH_COLUMNS = {"trd_side", "deal_id", "order_id", "code", "stock_name", "qty", "price", "create_time",
                     "counter_broker_id", "counter_broker_name", "status"}


def ok(result):
    ret, data = result
    assert ret == futu.RET_OK, data
    return data


@pytest.fixture
def sim(tmp_path):
    with ScriptedTrading(tmp_path) as s:
        yield s


@pytest.fixture
def hk(sim):
    return sim.context(filter_trdmarket=futu.TrdMarket.HK)


def hk_cash_acc(ctx) -> int:
    accs = ok(ctx.get_acc_list())
    row = accs[(accs.trd_env == "SIMULATE") & (accs.acc_type == "CASH")].iloc[0]
    return int(row.acc_id)


def hk_margin_stock_acc(ctx) -> int:
    accs = ok(ctx.get_acc_list())
    rows = accs[(accs.trd_env == "SIMULATE") & (accs.acc_type == "MARGIN") & (accs.sim_acc_type == "STOCK")]
    return int(rows.iloc[0].acc_id)


def place(ctx, **kwargs):
    kwargs.setdefault("trd_env", SIM)
    result = ctx.place_order(**kwargs)
    time.sleep(WRITE_GAP)  # docs L9147: place_order requests 0.02 s apart
    return result


# ----------------------------------------------------------------- accounts


def test_get_acc_list_columns_and_filter(sim):
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    accs = ok(hk.get_acc_list())
    assert ACC_LIST_COLUMNS <= set(accs.columns)
    assert set(accs.trd_env) == {"SIMULATE"}  # REAL is not served by default
    assert all("HK" in markets for markets in accs.trdmarket_auth)
    assert set(accs.sim_acc_type) >= {"STOCK", "OPTION"}
    assert set(accs.card_num) == {"N/A"}  # simulated accounts have no card (docs L8470-L8472)
    us = sim.context(filter_trdmarket=futu.TrdMarket.US)
    us_accs = ok(us.get_acc_list())
    assert all("US" in markets for markets in us_accs.trdmarket_auth)
    assert not set(us_accs.acc_id) & set(accs.acc_id)
    fut = sim.context("future")
    fut_accs = ok(fut.get_acc_list())
    assert {m for ms in fut_accs.trdmarket_auth for m in ms} >= {"FUTURES_SIMULATE_HK", "FUTURES_SIMULATE_US"}


def test_unlock_trade(sim):
    ctx = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    # no REAL account listed: the SDK needs none unlocked for SIMULATE (docs L9149)
    ret, _ = ctx.unlock_trade("123456")
    assert ret == futu.RET_ERROR


def test_unlock_trade_with_real_env_served(tmp_path):
    with ScriptedTrading(tmp_path, openfutu_serve_real_env=1) as s:
        ctx = s.context(filter_trdmarket=futu.TrdMarket.HK)
        accs = ok(ctx.get_acc_list())
        assert {"REAL", "SIMULATE"} <= set(accs.trd_env)
        real = accs[accs.trd_env == "REAL"].iloc[0]
        assert real.card_num != "N/A" and real.security_firm == "FUTUSECURITIES"
        # REAL orders need an unlock first (docs L9149)
        ret, msg = ctx.place_order(price=360.0, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY,
                                   trd_env=futu.TrdEnv.REAL, acc_id=int(real.acc_id))
        assert ret == futu.RET_ERROR and "unlock" in msg
        ret, msg = ctx.unlock_trade("wrong")
        assert ret == futu.RET_ERROR
        assert ok(ctx.unlock_trade("123456")) in (None, "")
        time.sleep(WRITE_GAP)
        order = ok(ctx.place_order(price=360.0, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY,
                                   trd_env=futu.TrdEnv.REAL, acc_id=int(real.acc_id)))
        assert order.order_status[0] in ("SUBMITTED", "FILLED_ALL", "FILLED_PART")


# ------------------------------------------------------------------- money


def test_accinfo_query_columns_and_cash(hk):
    funds = ok(hk.accinfo_query(trd_env=SIM, acc_id=hk_cash_acc(hk)))
    assert FUNDS_COLUMNS <= set(funds.columns)
    assert funds.cash[0] == pytest.approx(1_000_000.0)
    assert funds.hk_cash[0] == pytest.approx(1_000_000.0)
    assert funds.power[0] == pytest.approx(1_000_000.0)
    usd = ok(hk.accinfo_query(trd_env=SIM, acc_id=hk_cash_acc(hk), currency=futu.Currency.USD))
    assert usd.total_assets[0] == pytest.approx(1_000_000.0 / 7.8, rel=1e-6)


def test_initial_cash_from_config(tmp_path):
    with ScriptedTrading(tmp_path, openfutu_initial_cash="HKD=250000,USD=1000") as s:
        hk = s.context(filter_trdmarket=futu.TrdMarket.HK)
        assert ok(hk.accinfo_query(trd_env=SIM)).cash[0] == pytest.approx(250_000.0)
        us = s.context(filter_trdmarket=futu.TrdMarket.US)
        assert ok(us.accinfo_query(trd_env=SIM, currency=futu.Currency.USD)).cash[0] == pytest.approx(1000.0)


def test_acctradinginfo_query(hk):
    acc = hk_cash_acc(hk)
    q = ok(hk.acctradinginfo_query(order_type=futu.OrderType.NORMAL, code="HK.00700", price=360.0,
                                   trd_env=SIM, acc_id=acc))
    assert MAX_QTY_COLUMNS <= set(q.columns)
    # 1,000,000 HKD of cash at 360 with fees, whole lots of 100
    assert q.max_cash_buy[0] == 2700
    assert q.max_position_sell[0] == 0
    assert q.max_sell_short[0] == 0  # cash account: no short selling


def test_get_margin_ratio(tmp_path):
    # the SDK always asks with a REAL account (trade-apis.md §0.6), so the simulator must serve REAL
    with ScriptedTrading(tmp_path, openfutu_serve_real_env=1) as s:
        check_margin_ratio(s.context(filter_trdmarket=futu.TrdMarket.HK))


def check_margin_ratio(hk):
    data = ok(hk.get_margin_ratio(code_list=["HK.00700", "US.AAPL"]))
    assert MARGIN_COLUMNS <= set(data.columns)
    assert list(data.code) == ["HK.00700", "US.AAPL"]
    assert data.im_long_ratio[0] == pytest.approx(50.0)
    ret, msg = hk.get_margin_ratio(code_list=["SH.600519"])
    assert ret == futu.RET_ERROR  # HK and US stocks only (docs L8868-L8945)


def test_get_acc_cash_flow(sim, hk):
    acc = hk_cash_acc(hk)
    place(hk, price=360.0, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc)
    flows = ok(hk.get_acc_cash_flow(clearing_date="2026-03-02", trd_env=SIM, acc_id=acc))
    assert CASH_FLOW_COLUMNS <= set(flows.columns)
    assert set(flows.cashflow_type) >= {"DEPOSIT", "TRADE", "FEE"}
    trade = flows[flows.cashflow_type == "TRADE"].iloc[0]
    assert trade.cashflow_amount == pytest.approx(-36_000.0)
    assert trade.cashflow_direction == "OUT"
    inflow = ok(hk.get_acc_cash_flow(clearing_date="2026-03-02", trd_env=SIM, acc_id=acc,
                                     cashflow_direction=futu.CashFlowDirection.IN))
    assert set(inflow.cashflow_direction) == {"IN"}
    assert ok(hk.get_acc_cash_flow(clearing_date="2026-03-03", trd_env=SIM, acc_id=acc)).empty


# ------------------------------------------------------------------ orders


def test_place_order_fills_walk_the_book_and_report_everywhere(sim, hk):
    acc = hk_cash_acc(hk)
    orders, deals = Collector(), Collector()
    hk.set_handler(order_handler(orders))
    hk.set_handler(deal_handler(deals))
    data = ok(place(hk, price=360.2, qty=1000, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc,
                    remark="walk"))
    assert PLACE_COLUMNS <= set(data.columns)
    oid = data.order_id[0]
    assert data.remark[0] == "walk"
    # 500 at 360.0 and 500 of the 800 at 360.2
    listed = ok(hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc))
    assert ORDER_COLUMNS <= set(listed.columns)
    row = listed.iloc[0]
    assert row.order_status == "FILLED_ALL" and row.dealt_qty == 1000
    assert row.dealt_avg_price == pytest.approx(360.1)
    assert row.order_market == "HK" and row.currency == "HKD"
    fills = ok(hk.deal_list_query(trd_env=SIM, acc_id=acc))
    assert DEAL_COLUMNS <= set(fills.columns)
    assert sorted(zip(fills.price, fills.qty)) == [(360.0, 500.0), (360.2, 500.0)]
    assert set(fills.order_id) == {oid}
    push = orders.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "FILLED_ALL")
    assert ORDER_PUSH_COLUMNS <= set(push)
    assert push["trd_env"] == "SIMULATE"
    deal = deals.wait_for(lambda r: r["order_id"] == oid)
    assert DEAL_PUSH_COLUMNS <= set(deal)
    positions = ok(hk.position_list_query(trd_env=SIM, acc_id=acc))
    assert POSITION_COLUMNS <= set(positions.columns)
    pos = positions.iloc[0]
    assert pos.code == "HK.00700" and pos.qty == 1000 and pos.position_side == "LONG"
    assert pos.today_buy_qty == 1000
    fees = ok(hk.order_fee_query(order_id_list=[oid], trd_env=SIM, acc_id=acc))
    assert FEE_COLUMNS <= set(fees.columns)
    assert fees.fee_amount[0] > 0
    titles = {title for title, _ in fees.fee_details[0]}
    assert titles  # HK fee items (commission, platform fee, stamp duty, ...)
    funds = ok(hk.accinfo_query(trd_env=SIM, acc_id=acc))
    assert funds.cash[0] == pytest.approx(1_000_000.0 - 360_100.0 - fees.fee_amount[0], abs=0.02)


def test_resting_order_partial_fill_modify_and_cancel(sim, hk):
    acc = hk_cash_acc(hk)
    orders = Collector()
    hk.set_handler(order_handler(orders))
    data = ok(place(hk, price=359.0, qty=500, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc))
    oid = data.order_id[0]
    orders.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "SUBMITTED")
    # a print through our price fills part of the order
    sim.trade("HK.00700", 358.8, 200)
    sim.step()
    part = orders.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "FILLED_PART")
    assert part["dealt_qty"] == 200
    # modify: qty is the new total (docs L9307-L9315)
    data = ok(hk.modify_order(futu.ModifyOrderOp.NORMAL, oid, qty=400, price=359.2, trd_env=SIM, acc_id=acc))
    assert list(data.columns) >= ["trd_env", "order_id"] and data.order_id[0] == oid
    row = ok(hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)).iloc[0]
    assert (row.qty, row.price, row.dealt_qty) == (400, 359.2, 200)
    time.sleep(WRITE_GAP)
    ok(hk.modify_order(futu.ModifyOrderOp.CANCEL, oid, 0, 0, trd_env=SIM, acc_id=acc))
    orders.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "CANCELLED_PART")
    time.sleep(WRITE_GAP)
    ret, msg = hk.modify_order(futu.ModifyOrderOp.NORMAL, oid, qty=600, price=359.2, trd_env=SIM, acc_id=acc)
    assert ret == futu.RET_ERROR  # a finished order cannot change


def test_disable_enable_delete(sim, hk):
    acc = hk_cash_acc(hk)
    oid = ok(place(hk, price=350.0, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc)).order_id[0]
    ok(hk.modify_order(futu.ModifyOrderOp.DISABLE, oid, 0, 0, trd_env=SIM, acc_id=acc))
    assert ok(hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)).order_status[0] == "DISABLED"
    time.sleep(WRITE_GAP)
    ok(hk.modify_order(futu.ModifyOrderOp.ENABLE, oid, 0, 0, trd_env=SIM, acc_id=acc))
    assert ok(hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)).order_status[0] == "SUBMITTED"
    time.sleep(WRITE_GAP)
    ok(hk.modify_order(futu.ModifyOrderOp.DELETE, oid, 0, 0, trd_env=SIM, acc_id=acc))
    assert ok(hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)).empty  # docs L9175
    # the SDK defaults the window to the client's last 90 days: the scripted market lives in March 2026
    hist = ok(hk.history_order_list_query(status_filter_list=[futu.OrderStatus.DELETED], trd_env=SIM, acc_id=acc,
                                          start="2026-03-02", end="2026-03-02"))
    assert list(hist.order_id) == [oid]


def test_cancel_all_order(sim, hk):
    acc = hk_cash_acc(hk)
    ids = [ok(place(hk, price=p, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc)).order_id[0]
           for p in (350.0, 351.0)]
    ret, data = hk.cancel_all_order(trd_env=SIM, acc_id=acc)
    assert ret == futu.RET_OK and data == "success"
    statuses = ok(hk.order_list_query(trd_env=SIM, acc_id=acc)).set_index("order_id").order_status
    assert {statuses[i] for i in ids} == {"CANCELLED_ALL"}


def test_history_queries_and_filters(sim, hk):
    acc = hk_cash_acc(hk)
    a = ok(place(hk, price=360.0, qty=100, code="HK.00700", trd_side=futu.TrdSide.BUY, acc_id=acc)).order_id[0]
    b = ok(place(hk, price=19.0, qty=500, code="HK.02800", trd_side=futu.TrdSide.BUY, acc_id=acc)).order_id[0]
    hist = ok(hk.history_order_list_query(trd_env=SIM, acc_id=acc, start="2026-03-01 00:00:00",
                                          end="2026-03-03 00:00:00"))
    assert ORDER_COLUMNS <= set(hist.columns)
    assert list(hist.order_id) == [b, a]  # newest first
    only = ok(hk.history_order_list_query(code="HK.02800", trd_env=SIM, acc_id=acc, start="2026-03-01 00:00:00",
                                          end="2026-03-03 00:00:00"))
    assert list(only.order_id) == [b]
    filled = ok(hk.history_order_list_query(status_filter_list=[futu.OrderStatus.FILLED_ALL], trd_env=SIM,
                                            acc_id=acc, start="2026-03-01 00:00:00", end="2026-03-03 00:00:00"))
    assert list(filled.order_id) == [a]
    assert ok(hk.history_order_list_query(trd_env=SIM, acc_id=acc, start="2026-03-03 00:00:00",
                                          end="2026-03-04 00:00:00")).empty
    deals = ok(hk.history_deal_list_query(trd_env=SIM, acc_id=acc, start="2026-03-01 00:00:00",
                                          end="2026-03-03 00:00:00"))
    assert DEAL_COLUMNS <= set(deals.columns)
    assert set(deals.order_id) == {a}
    assert ok(hk.deal_list_query(code="HK.02800", trd_env=SIM, acc_id=acc)).empty


def test_futures_context(sim):
    fut = sim.context("future")
    accs = ok(fut.get_acc_list())
    acc = int(accs[accs.trdmarket_auth.apply(lambda m: "FUTURES_SIMULATE_HK" in m)].iloc[0].acc_id)
    data = ok(place(fut, price=20000.0, qty=2, code="HK.HSImain", trd_side=futu.TrdSide.BUY, acc_id=acc))
    assert data.order_status[0] == "FILLED_ALL"
    pos = ok(fut.position_list_query(trd_env=SIM, acc_id=acc)).iloc[0]
    assert pos.qty == 2 and pos.market_val == 0  # futures positions carry no market value
    funds = ok(fut.accinfo_query(trd_env=SIM, acc_id=acc, currency=futu.Currency.HKD))
    # 10 % of the notional at the last price (the scripted book's mid, 19999.5)
    assert funds.initial_margin[0] == pytest.approx(2 * 19999.5 * 50 * 0.10)
    q = ok(fut.acctradinginfo_query(order_type=futu.OrderType.NORMAL, code="HK.HSImain", price=20000.0,
                                    trd_env=SIM, acc_id=acc))
    assert q.max_cash_buy[0] == 0 and q.long_required_im[0] == pytest.approx(100_000.0)


# ------------------------------------------------- the docs' strategy example


def test_docs_double_moving_average_example_trades(tmp_path):
    """docs L656-L1000: the example, unchanged but for the port, runs against
    the gateway (virtual clock at 120x, so a 1-minute bar every half second)
    and places, fills and reports orders through its handlers."""
    import os
    import queue
    import subprocess
    import threading

    from openfutu.gateway.testing import InProcessGateway

    example = Path(__file__).with_name("dma_example.py")
    with InProcessGateway(openfutu_data_dir=str(tmp_path / "data"), openfutu_clock="virtual",
                          openfutu_clock_start="2026-03-02T10:00:00+08:00", openfutu_clock_speed=120) as gw:
        env = dict(os.environ, OPENFUTU_PORT=str(gw.port), HOME=str(tmp_path))
        proc = subprocess.Popen([sys.executable, "-u", str(example)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
        printed = []
        try:
            deadline = time.monotonic() + 90  # bounds a failing run only
            while time.monotonic() < deadline:
                try:
                    printed.append(lines.get(timeout=1.0))
                except queue.Empty:
                    continue
                statuses = [x for x in printed if x.startswith("【订单状态】 FILLED_ALL")]
                if any("'BUY'" in x for x in statuses) and any("'SELL'" in x for x in statuses):
                    break
        finally:
            proc.kill()
            proc.wait()
        text = "".join(printed)
        assert "***** 策略开始运行 *****" in text, text[-2000:]
        assert "【订单状态】 SUBMITTING" in text and "【订单状态】 SUBMITTED" in text, text[-2000:]
        filled = [x for x in printed if x.startswith("【订单状态】 FILLED_ALL")]
        assert any("'BUY'" in x for x in filled) and any("'SELL'" in x for x in filled), text[-2000:]
        # what the strategy was told matches the broker's books
        ctx = futu.OpenSecTradeContext(filter_trdmarket=futu.TrdMarket.HK, host="127.0.0.1", port=gw.port,
                                       security_firm=futu.SecurityFirm.FUTUSECURITIES)
        try:
            ok(ctx.cancel_all_order(trd_env=SIM))  # nothing may fill between the queries below
            orders = ok(ctx.order_list_query(trd_env=SIM))
            mine = orders[orders.remark == "moving_average_strategy"]
            done = mine[mine.order_status == "FILLED_ALL"]
            assert set(done.trd_side) == {"BUY", "SELL"}
            deals = ok(ctx.deal_list_query(trd_env=SIM))
            bought = deals[deals.trd_side == "BUY"].qty.sum()
            sold = deals[deals.trd_side == "SELL"].qty.sum()
            positions = ok(ctx.position_list_query(code="HK.00700", trd_env=SIM))
            held = positions.qty.sum() if not positions.empty else 0.0
            assert held == bought - sold
        finally:
            ctx.close()
