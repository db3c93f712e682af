"""Crash safety of the broker ledger: a gateway process trading on the
simulated market is killed with SIGKILL while orders are in flight and
restarted on the same data directory. Every acknowledged order and every
pushed fill must be there, and cash and positions must reconcile to the
fills (docs: every change is committed before its reply or push leaves)."""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openfutu.broker.enums import OrderType, TrdMarket, TrdSecMarket, TrdSide
from openfutu.gateway.testing import RawConnection
from openfutu.market.rules import hk_tick
from openfutu.protocol.pb import (
    Qot_GetSecuritySnapshot_pb2,
    Trd_FlowSummary_pb2,
    Trd_GetAccList_pb2,
    Trd_GetFunds_pb2,
    Trd_GetOrderFillList_pb2,
    Trd_GetOrderList_pb2,
    Trd_GetPositionList_pb2,
    Trd_PlaceOrder_pb2,
    Trd_SubAccPush_pb2,
)

CODE = "00700"
DAY = "2026-03-02"  # a Monday; HK morning session at 10:00


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gateway(data_dir: Path, port: int, clock_start: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "openfutu.cli", "gateway", f"-api_port={port}", f"-openfutu_data_dir={data_dir}",
         "-openfutu_clock=virtual", f"-openfutu_clock_start={clock_start}", "-log_level=warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gateway exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("gateway did not start")


def connect(port: int) -> tuple[RawConnection, int]:
    conn = RawConnection(port, timeout=30)
    rsp = conn.init_connect()
    assert rsp.retType == 0, rsp.retMsg
    return conn, rsp.s2c.connID


def header(c2s, acc_id: int) -> None:
    c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc_id, int(TrdMarket.HK)


def ok(rsp):
    assert rsp.retType == 0, rsp.retMsg
    return rsp.s2c


def hk_accounts(conn: RawConnection) -> list[int]:
    accs = ok(conn.request(2001, Trd_GetAccList_pb2.C2S(userID=0, trdCategory=1))).accList
    return [a.accID for a in accs if list(a.trdMarketAuthList) == [int(TrdMarket.HK)] and a.simAccType == 1][:2]


def last_price(conn: RawConnection) -> float:
    c2s = Qot_GetSecuritySnapshot_pb2.C2S()
    c2s.securityList.add(market=1, code=CODE)
    return ok(conn.request(3203, c2s)).snapshotList[0].basic.curPrice


def place(conn: RawConnection, conn_id: int, serial: int, acc: int, side: TrdSide, order_type: OrderType,
          price: float = 0.0) -> Trd_PlaceOrder_pb2.C2S:
    c2s = Trd_PlaceOrder_pb2.C2S(trdSide=int(side), orderType=int(order_type), code=CODE, qty=100, price=price,
                                 secMarket=int(TrdSecMarket.HK))
    c2s.packetID.connID, c2s.packetID.serialNo = conn_id, serial
    header(c2s, acc)
    return c2s


def drain(conn: RawConnection, seconds: float) -> list:
    """Every frame that arrives within ``seconds``."""
    conn.sock.settimeout(seconds)
    frames = []
    try:
        while True:
            frames.append(conn.receive())
    except (socket.timeout, ConnectionError, OSError):
        pass
    return frames


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_with_orders_in_flight_loses_nothing(tmp_path):
    port = free_port()
    proc = start_gateway(tmp_path, port, f"{DAY}T10:00:00+08:00")
    acknowledged: dict[int, set[str]] = {}
    pushed_fills: set[int] = set()
    try:
        trader, conn_id = connect(port)
        watcher, _ = connect(port)
        accounts = hk_accounts(trader)
        assert len(accounts) == 2
        ok(watcher.request(2008, Trd_SubAccPush_pb2.C2S(accIDList=accounts)))
        price = last_price(trader)
        tick = hk_tick(price * 0.95)
        resting = round(math.floor(price * 0.95 / tick) * tick, 3)
        serial = 0
        plan = [(TrdSide.BUY, OrderType.MARKET, 0.0)] * 3 + [(TrdSide.BUY, OrderType.NORMAL, resting)] * 2 + [
            (TrdSide.SELL, OrderType.MARKET, 0.0)]
        for side, kind, px in plan:
            for acc in accounts:
                serial += 1
                rsp = trader.request(2202, place(trader, conn_id, serial, acc, side, kind, px))
                assert rsp.retType == 0, (side, kind, rsp.retMsg)
                acknowledged.setdefault(acc, set()).add(rsp.s2c.orderIDEx)
                time.sleep(0.025)  # docs L9147: 0.02 s apart per account
        # orders in flight: sent, replies not read, then the process dies
        for acc in accounts:
            serial += 1
            trader.send(2202, place(trader, conn_id, serial, acc, TrdSide.BUY, OrderType.MARKET))
        for proto_id, _, rsp in drain(watcher, 0.5):
            if proto_id == 2218:
                pushed_fills.add(rsp.s2c.orderFill.fillID)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        trader.close()
        watcher.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert sum(len(ids) for ids in acknowledged.values()) >= 10
    assert pushed_fills

    port = free_port()
    proc = start_gateway(tmp_path, port, f"{DAY}T10:30:00+08:00")
    try:
        conn, _ = connect(port)
        with conn:
            assert hk_accounts(conn) == accounts
            listed_fills: set[int] = set()
            for acc in accounts:
                orders = Trd_GetOrderList_pb2.C2S()
                header(orders, acc)
                listed = {o.orderIDEx: o for o in ok(conn.request(2201, orders)).orderList}
                assert acknowledged[acc] <= set(listed), acknowledged[acc] - set(listed)
                deals = Trd_GetOrderFillList_pb2.C2S()
                header(deals, acc)
                fills = list(ok(conn.request(2211, deals)).orderFillList)
                listed_fills |= {f.fillID for f in fills}
                # every fill belongs to a listed order whose filled quantity it adds up to
                for oid, order in listed.items():
                    assert sum(f.qty for f in fills if f.orderIDEx == oid) == pytest.approx(order.fillQty)
                signed = sum(f.qty if f.trdSide == TrdSide.BUY else -f.qty for f in fills)
                positions = Trd_GetPositionList_pb2.C2S()
                header(positions, acc)
                held = {p.code: p.qty for p in ok(conn.request(2102, positions)).positionList}
                assert held.get(CODE, 0.0) == pytest.approx(signed)
                # cash = deposit + trade flows + fee flows, and the trade flows are the fills
                flows_c2s = Trd_FlowSummary_pb2.C2S(clearingDate=DAY)
                header(flows_c2s, acc)
                flows = list(ok(conn.request(2226, flows_c2s)).flowSummaryInfoList)
                trade_total = sum(f.cashFlowAmount for f in flows if f.cashFlowType == "TRADE")
                notional = sum((-1 if f.trdSide == TrdSide.BUY else 1) * f.qty * f.price for f in fills)
                assert trade_total == pytest.approx(notional, abs=0.01)
                funds_c2s = Trd_GetFunds_pb2.C2S(currency=1)
                header(funds_c2s, acc)
                cash = ok(conn.request(2101, funds_c2s)).funds.cash
                assert cash == pytest.approx(sum(f.cashFlowAmount for f in flows), abs=0.01)
            assert pushed_fills <= listed_fills
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
