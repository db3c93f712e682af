"""Exchange and broker rules as an official-client user meets them: board
lots, the tick grid and adjust_limit, A-share price limits and T+1, short
selling only in margin accounts, buying power, trading sessions, and the
order-status transitions reported by pushes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "broker"))

from trade_harness import WRITE_GAP, Collector, ScriptedTrading, order_handler  # noqa: E402

from openfutu.broker.market_view import SessionPhase  # noqa: E402

futu = pytest.importorskip("futu")
SIM = futu.TrdEnv.SIMULATE
BUY, SELL = futu.TrdSide.BUY, futu.TrdSide.SELL


@pytest.fixture
def sim(tmp_path):
    with ScriptedTrading(tmp_path) as s:
        yield s


def account(ctx, acc_type: str, sim_acc_type: str = "STOCK") -> int:
    ret, accs = ctx.get_acc_list()
    assert ret == futu.RET_OK, accs
    rows = accs[(accs.trd_env == "SIMULATE") & (accs.acc_type == acc_type) & (accs.sim_acc_type == sim_acc_type)]
    return int(rows.iloc[0].acc_id)


def place(ctx, **kwargs):
    kwargs.setdefault("trd_env", SIM)
    result = ctx.place_order(**kwargs)
    time.sleep(WRITE_GAP)  # docs L9147: 0.02 s between place_order requests
    return result


def refused(result, *words: str) -> str:
    ret, msg = result
    assert ret == futu.RET_ERROR, msg
    for word in words:
        assert word in msg, msg
    return msg


def accepted(result):
    ret, data = result
    assert ret == futu.RET_OK, data
    return data


def test_hk_board_lots(sim):
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    acc = account(hk, "CASH")
    # HK.00700 trades in board lots of 100; odd lots are not accepted as normal orders
    refused(place(hk, price=360.0, qty=150, code="HK.00700", trd_side=BUY, acc_id=acc), "lot size 100")
    refused(place(hk, price=20.0, qty=100, code="HK.02800", trd_side=BUY, acc_id=acc), "lot size 500")
    accepted(place(hk, price=20.0, qty=1000, code="HK.02800", trd_side=BUY, acc_id=acc))


def test_tick_grid_and_adjust_limit(sim):
    # docs L12890-L12907: off-grid prices fail unless adjust_limit allows the move
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    acc = account(hk, "CASH")
    refused(place(hk, price=359.1, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc), "valid tick")
    data = accepted(place(hk, price=359.1, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc, adjust_limit=0.01))
    assert data.price[0] == pytest.approx(359.2)  # upward to the 0.2 grid of the 200-500 band
    data = accepted(place(hk, price=359.1, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc, adjust_limit=-0.01))
    assert data.price[0] == pytest.approx(359.0)
    refused(place(hk, price=359.1, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc, adjust_limit=0.0001),
            "valid tick")  # the move would exceed 0.01 %


def test_a_share_price_limits_and_t_plus_1(sim):
    cn = sim.context(filter_trdmarket=futu.TrdMarket.CN)
    acc = account(cn, "CASH")
    # the scripted SH.600519 has limits 1350-1650 around a 1500 close (SSE +-10 %)
    refused(place(cn, price=1660.0, qty=100, code="SH.600519", trd_side=BUY, acc_id=acc), "limit up")
    refused(place(cn, price=1340.0, qty=100, code="SH.600519", trd_side=BUY, acc_id=acc), "limit down")
    bought = accepted(place(cn, price=1500.0, qty=100, code="SH.600519", trd_side=BUY, acc_id=acc))
    assert bought.order_status[0] == "FILLED_ALL"
    # shares bought today cannot be sold today
    refused(place(cn, price=1499.99, qty=100, code="SH.600519", trd_side=SELL, acc_id=acc), "T+1")
    ret, pos = cn.position_list_query(trd_env=SIM, acc_id=acc)
    assert pos.can_sell_qty[0] == 0 and pos.qty[0] == 100
    sim.advance(24 * 3600)  # next trading day
    sold = accepted(place(cn, price=1499.99, qty=100, code="SH.600519", trd_side=SELL, acc_id=acc))
    assert sold.order_status[0] == "FILLED_ALL"


def test_short_selling_only_in_margin_accounts(sim):
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    cash_acc = account(hk, "CASH")
    refused(place(hk, price=359.8, qty=100, code="HK.00700", trd_side=SELL, acc_id=cash_acc), "cash account")
    us = sim.context(filter_trdmarket=futu.TrdMarket.US)
    margin_acc = account(us, "MARGIN")
    data = accepted(place(us, price=199.99, qty=10, code="US.AAPL", trd_side=SELL, acc_id=margin_acc))
    assert data.order_status[0] == "FILLED_ALL"
    ret, pos = us.position_list_query(trd_env=SIM, acc_id=margin_acc)
    assert pos.position_side[0] == "SHORT" and pos.qty[0] == 10
    ret, q = us.acctradinginfo_query(order_type=futu.OrderType.NORMAL, code="US.AAPL", price=200.0, trd_env=SIM,
                                     acc_id=margin_acc)
    assert q.max_buy_back[0] == 10
    # no lock: a buy larger than the short must cover first (docs L9157-L9160)
    refused(place(us, price=200.02, qty=20, code="US.AAPL", trd_side=BUY, acc_id=margin_acc), "cover")


def test_buying_power(sim):
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    acc = account(hk, "CASH")
    ret, q = hk.acctradinginfo_query(order_type=futu.OrderType.NORMAL, code="HK.00700", price=350.0, trd_env=SIM,
                                     acc_id=acc)
    most = int(q.max_cash_buy[0])
    refused(place(hk, price=350.0, qty=most + 100, code="HK.00700", trd_side=BUY, acc_id=acc), "buying power")
    accepted(place(hk, price=350.0, qty=most, code="HK.00700", trd_side=BUY, acc_id=acc))
    # the resting order holds its cash back
    ret, funds = hk.accinfo_query(trd_env=SIM, acc_id=acc)
    assert funds.frozen_cash[0] >= most * 350.0
    refused(place(hk, price=350.0, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc), "buying power")


def test_orders_wait_for_the_session(sim):
    # off-hours orders are accepted and queued (docs L12754-L12781) but only execute in a session (L12756)
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    acc = account(hk, "CASH")
    sim.on_loop(sim.market.phases.__setitem__, "HK.00700", SessionPhase.BREAK)
    data = accepted(place(hk, price=360.2, qty=100, code="HK.00700", trd_side=BUY, acc_id=acc))
    oid = data.order_id[0]
    sim.step()
    ret, row = hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)
    assert row.dealt_qty[0] == 0
    sim.on_loop(sim.market.phases.__setitem__, "HK.00700", SessionPhase.CONTINUOUS)
    sim.step()
    ret, row = hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)
    assert row.order_status[0] == "FILLED_ALL"


def test_status_transitions_seen_by_pushes(sim):
    hk = sim.context(filter_trdmarket=futu.TrdMarket.HK)
    acc = account(hk, "CASH")
    pushes = Collector()
    hk.set_handler(order_handler(pushes))
    # marketable for 500 of 800 shown at the touch: partial, then the rest rests
    oid = accepted(place(hk, price=360.0, qty=800, code="HK.00700", trd_side=BUY, acc_id=acc)).order_id[0]
    pushes.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "FILLED_PART")
    sim.trade("HK.00700", 359.8, 1000)  # a print through our limit fills the remainder
    sim.step()
    pushes.wait_for(lambda r: r["order_id"] == oid and r["order_status"] == "FILLED_ALL")
    statuses = []
    for push in pushes.history:
        if push["order_id"] == oid and (not statuses or statuses[-1] != push["order_status"]):
            statuses.append(push["order_status"])
    assert statuses == ["SUBMITTING", "SUBMITTED", "FILLED_PART", "FILLED_ALL"]
    ret, row = hk.order_list_query(order_id=oid, trd_env=SIM, acc_id=acc)
    assert row.order_status[0] == "FILLED_ALL" and row.dealt_qty[0] == 800
    assert row.dealt_avg_price[0] == pytest.approx(360.0)  # a resting order trades at its own limit
