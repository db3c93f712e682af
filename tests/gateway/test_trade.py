"""Trade protocols on the raw wire: account checks, the REAL switch, PacketID
replay protection, push subscriptions (2008 -> 2208/2218) and the
documented request-rate limits of the trade API."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "broker"))

from trade_harness import ScriptedTrading  # noqa: E402

from openfutu.broker.enums import ModifyOrderOp, OrderType, TrdEnv, TrdMarket, TrdSecMarket, TrdSide  # noqa: E402
from openfutu.gateway.testing import RawConnection  # noqa: E402
from openfutu.protocol.pb import (  # noqa: E402
    KeepAlive_pb2,
    Trd_FlowSummary_pb2,
    Trd_GetAccList_pb2,
    Trd_GetFunds_pb2,
    Trd_GetOrderList_pb2,
    Trd_ModifyOrder_pb2,
    Trd_PlaceOrder_pb2,
    Trd_SubAccPush_pb2,
    Trd_UnlockTrade_pb2,
)


@pytest.fixture
def sim(tmp_path):
    with ScriptedTrading(tmp_path) as s:
        yield s


def connect(port: int) -> tuple[RawConnection, int]:
    conn = RawConnection(port)
    init = conn.init_connect()
    assert init.retType == 0, init.retMsg
    return conn, init.s2c.connID


def accounts(conn: RawConnection, category: int = 0) -> list:
    c2s = Trd_GetAccList_pb2.C2S(userID=0)
    if category:
        c2s.trdCategory = category
    rsp = conn.request(2001, c2s)
    assert rsp.retType == 0, rsp.retMsg
    return list(rsp.s2c.accList)


def hk_cash_account(conn: RawConnection) -> int:
    for acc in accounts(conn):
        if list(acc.trdMarketAuthList) == [int(TrdMarket.HK)] and acc.accType == 1:  # TrdAccType CASH
            return acc.accID
    raise LookupError("no HK cash account")


def place_c2s(conn_id: int, serial: int, acc_id: int, price: float = 360.0, qty: float = 100,
              env: TrdEnv = TrdEnv.SIMULATE) -> Trd_PlaceOrder_pb2.C2S:
    c2s = Trd_PlaceOrder_pb2.C2S(trdSide=int(TrdSide.BUY), orderType=int(OrderType.NORMAL), code="00700",
                                 qty=qty, price=price, secMarket=int(TrdSecMarket.HK))
    c2s.packetID.connID = conn_id
    c2s.packetID.serialNo = serial
    c2s.header.trdEnv = int(env)
    c2s.header.accID = acc_id
    c2s.header.trdMarket = int(TrdMarket.HK)
    return c2s


def order_list(conn: RawConnection, acc_id: int) -> list:
    c2s = Trd_GetOrderList_pb2.C2S()
    c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc_id, int(TrdMarket.HK)
    rsp = conn.request(2201, c2s)
    assert rsp.retType == 0, rsp.retMsg
    return list(rsp.s2c.orderList)


def test_account_list_filters_by_category_and_hides_real(sim):
    conn, _ = connect(sim.port)
    with conn:
        every = accounts(conn)
        assert every and all(a.trdEnv == TrdEnv.SIMULATE for a in every)
        securities = accounts(conn, 1)
        futures = accounts(conn, 2)
        assert {a.accID for a in securities} | {a.accID for a in futures} == {a.accID for a in every}
        assert all(m >= int(TrdMarket.FUTURES_SIMULATE_HK) for a in futures for m in a.trdMarketAuthList)


def test_real_env_is_refused_unless_served(sim, tmp_path):
    conn, conn_id = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        rsp = conn.request(2202, place_c2s(conn_id, 1, acc, env=TrdEnv.REAL))
        assert rsp.retType == -1 and "no real trading account" in rsp.retMsg
        rsp = conn.request(2202, place_c2s(conn_id, 2, 424242))
        assert rsp.retType == -1 and "non-existing acc_id" in rsp.retMsg
        assert order_list(conn, acc) == []


def test_same_packet_id_is_executed_once(sim):
    conn, conn_id = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        first = conn.request(2202, place_c2s(conn_id, 77, acc))
        assert first.retType == 0, first.retMsg
        time.sleep(0.05)
        again = conn.request(2202, place_c2s(conn_id, 77, acc))
        assert again.retType == 0 and again.s2c.orderIDEx == first.s2c.orderIDEx
        assert len(order_list(conn, acc)) == 1
        time.sleep(0.05)
        other = conn.request(2202, place_c2s(conn_id, 78, acc))
        assert other.s2c.orderIDEx != first.s2c.orderIDEx
        assert len(order_list(conn, acc)) == 2


def test_pushes_go_to_subscribed_connections_only(sim):
    watcher, _ = connect(sim.port)
    bystander, _ = connect(sim.port)
    trader, trader_id = connect(sim.port)
    with watcher, bystander, trader:
        acc = hk_cash_account(trader)
        assert watcher.request(2008, Trd_SubAccPush_pb2.C2S(accIDList=[acc])).retType == 0
        # a later 2008 replaces the set: this connection ends up subscribed to nothing
        assert bystander.request(2008, Trd_SubAccPush_pb2.C2S(accIDList=[acc])).retType == 0
        assert bystander.request(2008, Trd_SubAccPush_pb2.C2S(accIDList=[])).retType == 0
        unknown = watcher.request(2008, Trd_SubAccPush_pb2.C2S(accIDList=[1]))
        assert unknown.retType == -1
        placed = trader.request(2202, place_c2s(trader_id, 1, acc))
        oid = placed.s2c.orderIDEx
        kinds: dict[int, list] = {2208: [], 2218: []}
        while not (kinds[2218] and any(o.orderStatus == 11 for o in kinds[2208])):  # 11 FILLED_ALL
            proto_id, _, rsp = watcher.receive()
            if proto_id in kinds:
                kinds[proto_id].append(rsp.s2c.order if proto_id == 2208 else rsp.s2c.orderFill)
        assert {o.orderIDEx for o in kinds[2208]} == {oid}
        assert kinds[2218][0].orderIDEx == oid and kinds[2218][0].qty == 100
        # the unsubscribed connection got nothing: its next frame is the reply to its own request
        bystander.send(1004, KeepAlive_pb2.C2S(time=0))
        proto_id, _, _ = bystander.receive()
        assert proto_id == 1004


# ------------------------------------------------------------- rate limits


def test_place_order_15_per_30_seconds_and_0_02_apart(sim):
    # docs L9147
    conn, conn_id = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        first = conn.request(2202, place_c2s(conn_id, 1, acc, price=350.0))
        assert first.retType == 0
        too_soon = conn.request(2202, place_c2s(conn_id, 2, acc, price=350.0))
        assert too_soon.retType == -1 and "0.02 seconds apart" in too_soon.retMsg
        for serial in range(3, 17):
            time.sleep(0.025)
            rsp = conn.request(2202, place_c2s(conn_id, serial, acc, price=350.0))
            assert rsp.retType == 0, (serial, rsp.retMsg)
        time.sleep(0.025)
        refused = conn.request(2202, place_c2s(conn_id, 99, acc, price=350.0))
        assert refused.retType == -1 and "15 requests per 30 seconds" in refused.retMsg
        assert len(order_list(conn, acc)) == 15


def test_modify_order_20_per_30_seconds_and_0_04_apart(sim):
    # docs L9302 (cancel_all_order counts here too)
    conn, conn_id = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        oid = conn.request(2202, place_c2s(conn_id, 1, acc, price=350.0)).s2c.orderIDEx

        def modify(serial: int, price: float):
            c2s = Trd_ModifyOrder_pb2.C2S(orderID=0, orderIDEx=oid, modifyOrderOp=int(ModifyOrderOp.NORMAL),
                                          qty=100, price=price)
            c2s.packetID.connID, c2s.packetID.serialNo = conn_id, serial
            c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc, int(TrdMarket.HK)
            return conn.request(2205, c2s)

        assert modify(10, 350.2).retType == 0
        too_soon = modify(11, 350.4)
        assert too_soon.retType == -1 and "0.04 seconds apart" in too_soon.retMsg
        for i in range(19):
            time.sleep(0.045)
            rsp = modify(12 + i, 350.0 + 0.2 * (i % 5))
            assert rsp.retType == 0, rsp.retMsg
        time.sleep(0.045)
        refused = modify(50, 351.0)
        assert refused.retType == -1 and "20 requests per 30 seconds" in refused.retMsg


def test_unlock_10_per_30_seconds(sim):
    # docs L8539: per user ID
    conn, _ = connect(sim.port)
    with conn:
        for _ in range(10):
            rsp = conn.request(2005, Trd_UnlockTrade_pb2.C2S(unlock=False))
            assert rsp.retType == 0, rsp.retMsg
        refused = conn.request(2005, Trd_UnlockTrade_pb2.C2S(unlock=False))
        assert refused.retType == -1 and "10 requests per 30 seconds" in refused.retMsg


def test_funds_limit_counts_only_refreshing_calls(sim):
    # docs L8677-L8678: 10 per 30 s, only when the cache is refreshed
    conn, _ = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)

        def funds(refresh: bool):
            c2s = Trd_GetFunds_pb2.C2S()
            c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc, int(TrdMarket.HK)
            if refresh:
                c2s.refreshCache = True
            return conn.request(2101, c2s)

        for _ in range(10):
            assert funds(True).retType == 0
        refused = funds(True)
        assert refused.retType == -1 and "10 requests per 30 seconds" in refused.retMsg
        for _ in range(20):
            assert funds(False).retType == 0


def test_cash_flow_20_per_30_seconds(sim):
    # docs L9028
    conn, _ = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        c2s = Trd_FlowSummary_pb2.C2S(clearingDate="2026-03-02")
        c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc, int(TrdMarket.HK)
        for _ in range(20):
            rsp = conn.request(2226, c2s)
            assert rsp.retType == 0, rsp.retMsg
        refused = conn.request(2226, c2s)
        assert refused.retType == -1 and "20 requests per 30 seconds" in refused.retMsg


def test_bad_input_changes_nothing(sim):
    conn, conn_id = connect(sim.port)
    with conn:
        acc = hk_cash_account(conn)
        bad_type = place_c2s(conn_id, 1, acc)
        bad_type.orderType = 999
        assert "unknown orderType" in conn.request(2202, bad_type).retMsg
        time.sleep(0.03)
        bad_time = Trd_FlowSummary_pb2.C2S(clearingDate="yesterday")
        bad_time.header.trdEnv, bad_time.header.accID, bad_time.header.trdMarket = 0, acc, 1
        assert conn.request(2226, bad_time).retType == -1
        assert order_list(conn, acc) == []
