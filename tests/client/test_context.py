"""The sync facade: threads, handlers, subscriptions and reconnect."""

from __future__ import annotations

import threading
import time

import pytest

from openfutu.client import (
    RET_ERROR,
    RET_OK,
    OpenQuoteContext,
    OpenSecTradeContext,
    StockQuoteHandlerBase,
    SubType,
    SysConfig,
    SysNotifyHandlerBase,
    SysNotifyType,
)
from openfutu.protocol.pb import (
    Qot_GetBasicQot_pb2,
    Qot_Sub_pb2,
    Qot_UpdateBasicQot_pb2,
    Trd_GetAccList_pb2,
    Trd_SubAccPush_pb2,
    Trd_UnlockTrade_pb2,
)

from .fake_gateway import FakeGateway
from .test_connection import global_state_reply


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def basic_qot(code: str, price: float) -> Qot_UpdateBasicQot_pb2.Response:
    rsp = Qot_UpdateBasicQot_pb2.Response(retType=0)
    q = rsp.s2c.basicQotList.add()
    q.security.market = 1
    q.security.code = code
    q.name = "TENCENT"
    q.isSuspended = False
    q.listTime = "2004-06-16"
    q.priceSpread = 0.2
    q.updateTime = "2026-01-05 10:00:00"
    q.highPrice = q.openPrice = q.lowPrice = q.curPrice = price
    q.lastClosePrice = price - 1
    q.volume = 100
    q.turnover = 100 * price
    q.turnoverRate = q.amplitude = 0.0
    return rsp


def ok_sub(req) -> Qot_Sub_pb2.Response:
    return Qot_Sub_pb2.Response(retType=0)


def test_close_leaves_no_thread_and_context_manager() -> None:
    before = set(threading.enumerate())
    with FakeGateway() as gw:
        gw.replies[1002] = global_state_reply
        with OpenQuoteContext(port=gw.port) as a, OpenQuoteContext(port=gw.port) as b:
            ret, state = a.get_global_state()
            assert ret == RET_OK and state["market_hk"] == "MORNING" and state["qot_logined"]
            assert b.get_sync_conn_id() != a.get_sync_conn_id()
            assert a.get_login_user_id() == 12345678
        assert a.status == "CLOSED"
        assert a.get_global_state()[0] == RET_ERROR
    assert set(threading.enumerate()) == before


def test_client_side_validation_sends_nothing() -> None:
    with FakeGateway() as gw, OpenQuoteContext(port=gw.port) as ctx:
        assert ctx.subscribe([], [SubType.QUOTE]) == (RET_ERROR, "ERROR. code_list is null")
        ret, msg = ctx.subscribe(["HK.00700"], ["NOPE"])
        assert ret == RET_ERROR and "subtype is NOPE , which is wrong" in msg
        ret, msg = ctx.subscribe(["00700"], [SubType.QUOTE])
        assert ret == RET_ERROR and "format of code 00700 is wrong" in msg
        assert ctx.get_stock_quote(["XX.1"])[0] == RET_ERROR
        assert gw.received[3001] == 0 and gw.received[3004] == 0


def test_stock_quote_pull_and_push_frames_match() -> None:
    with FakeGateway() as gw:
        def get_basic(req):
            rsp = Qot_GetBasicQot_pb2.Response(retType=0)
            rsp.s2c.basicQotList.extend(basic_qot("00700", 400.0).s2c.basicQotList)
            return rsp

        gw.replies[3004] = get_basic
        gw.replies[3001] = ok_sub
        got = []

        class Quotes(StockQuoteHandlerBase):
            def on_recv_rsp(self, rsp_pb):
                ret, data = super().on_recv_rsp(rsp_pb)
                got.append((ret, data))
                return ret, data

        with OpenQuoteContext(port=gw.port) as ctx:
            assert ctx.set_handler(Quotes()) == RET_OK
            assert ctx.subscribe(["HK.00700"], [SubType.QUOTE]) == (RET_OK, None)
            ret, pulled = ctx.get_stock_quote(["HK.00700"])
            assert ret == RET_OK
            gw.push_all(3005, basic_qot("00700", 400.0))
            wait_until(lambda: got)
        ret, pushed = got[0]
        assert ret == RET_OK
        assert list(pulled.columns) == list(pushed.columns)
        assert pulled.iloc[0]["code"] == "HK.00700" and pulled.iloc[0]["last_price"] == 400.0
        assert pulled.iloc[0]["data_date"] == "2026-01-05" and pulled.iloc[0]["strike_price"] == "N/A"
        sub = [r for pid, r in gw.requests if pid == 3001][0].c2s
        assert sub.isSubOrUnSub and sub.isFirstPush and sub.isRegOrUnRegPush
        assert list(sub.subTypeList) == [1] and sub.securityList[0].code == "00700"


def test_slow_handler_does_not_stall_reception_or_requests() -> None:
    with FakeGateway() as gw:
        gw.replies[1002] = global_state_reply
        release = threading.Event()
        seen: list[float] = []

        class Slow(StockQuoteHandlerBase):
            def on_recv_rsp(self, rsp_pb):
                release.wait(10)
                ret, data = super().on_recv_rsp(rsp_pb)
                seen.append(data.iloc[0]["last_price"])
                return ret, data

        with OpenQuoteContext(port=gw.port) as ctx:
            ctx.set_handler(Slow())
            for price in (1.0, 2.0, 3.0):
                gw.push_all(3005, basic_qot("00700", price))
            # the handler thread is blocked; the network loop still answers
            assert ctx.get_global_state()[0] == RET_OK
            assert seen == []
            release.set()
            wait_until(lambda: len(seen) == 3)
        assert seen == [1.0, 2.0, 3.0]  # in arrival order


def test_stop_pauses_push_delivery() -> None:
    with FakeGateway() as gw:
        gw.replies[1002] = global_state_reply
        got = []

        class Quotes(StockQuoteHandlerBase):
            def on_recv_rsp(self, rsp_pb):
                got.append(1)

        with OpenQuoteContext(port=gw.port) as ctx:
            ctx.set_handler(Quotes())
            ctx.stop()
            gw.push_all(3005, basic_qot("00700", 1.0))
            ctx.get_global_state()  # the push arrived before this reply
            ctx.start()
            gw.push_all(3005, basic_qot("00700", 2.0))
            wait_until(lambda: got)
        assert got == [1]


def test_reconnect_resubscribes_and_tells_sysnotify() -> None:
    with FakeGateway() as gw:
        gw.replies[1002] = global_state_reply
        gw.replies[3001] = ok_sub
        notes = []

        class Notes(SysNotifyHandlerBase):
            def on_recv_rsp(self, rsp_pb):
                notes.append(super().on_recv_rsp(rsp_pb))

        with OpenQuoteContext(port=gw.port) as ctx:
            ctx.reconnect_interval = 0.05
            ctx.set_handler(Notes())
            ctx.subscribe(["HK.00700", "HK.00005"], [SubType.QUOTE, SubType.K_1M])
            ctx.unsubscribe(["HK.00005"], [SubType.K_1M])
            gw.drop_all()
            wait_until(lambda: len(notes) >= 2)
            assert ctx.status == "READY"
        assert notes[0] == (RET_OK, (SysNotifyType.CONN_STATUS, None,
                                     {"qot_logined": False, "trd_logined": False}))
        assert notes[1] == (RET_OK, (SysNotifyType.CONN_STATUS, None,
                                     {"qot_logined": True, "trd_logined": True}))
        subs = [r.c2s for pid, r in gw.requests if pid == 3001 and r.c2s.isSubOrUnSub]
        restored = subs[1:]
        pairs = {(s.securityList[i].code, t) for s in restored for i in range(len(s.securityList))
                 for t in s.subTypeList}
        assert pairs == {("00700", 1), ("00700", 11), ("00005", 1)}
        assert len(gw.init_requests) == 2


def test_trade_context_unlock_and_restore() -> None:
    with FakeGateway() as gw:
        gw.replies[1002] = global_state_reply

        def acc_list(req):
            rsp = Trd_GetAccList_pb2.Response(retType=0)
            real = rsp.s2c.accList.add(accID=1001, trdEnv=1, accType=2, securityFirm=1)
            real.trdMarketAuthList.append(1)
            sim = rsp.s2c.accList.add(accID=9001, trdEnv=0, accType=1, simAccType=1)
            sim.trdMarketAuthList.append(1)
            us = rsp.s2c.accList.add(accID=3001, trdEnv=1, accType=2, securityFirm=1)
            us.trdMarketAuthList.append(2)
            return rsp

        gw.replies[2001] = acc_list
        gw.replies[2005] = lambda req: Trd_UnlockTrade_pb2.Response(retType=0)
        gw.replies[2008] = lambda req: Trd_SubAccPush_pb2.Response(retType=0)
        with OpenSecTradeContext(port=gw.port) as ctx:
            ctx.reconnect_interval = 0.05
            ret, accs = ctx.get_acc_list()
            assert ret == RET_OK and list(accs["acc_id"]) == [1001, 9001]
            assert list(accs.columns)[:3] == ["acc_id", "trd_env", "acc_type"]
            assert accs.iloc[0]["trdmarket_auth"] == ["HK"] and accs.iloc[1]["trd_env"] == "SIMULATE"
            assert ctx.unlock_trade() == (RET_ERROR, "Missing necessary parameter. One of the two "
                                          "parameters (password and password_md5) is required.")
            assert ctx.unlock_trade("123456") == (RET_OK, None)
            gw.drop_all()
            wait_until(lambda: gw.received[2005] >= 2 and gw.received[2008] >= 2)
        unlocks = [r.c2s for pid, r in gw.requests if pid == 2005]
        assert unlocks[0].pwdMD5 == unlocks[1].pwdMD5 == "e10adc3949ba59abbe56e057f20f883e"


def test_encrypted_context_needs_a_key() -> None:
    saved = SysConfig.INIT_RSA_FILE, SysConfig.RSA_OBJ
    try:
        SysConfig.INIT_RSA_FILE, SysConfig.RSA_OBJ = "", None
        before = set(threading.enumerate())
        with pytest.raises(AssertionError, match="set_init_rsa_file"):
            OpenQuoteContext(port=1, is_encrypt=True)
        assert set(threading.enumerate()) == before
    finally:
        SysConfig.INIT_RSA_FILE, SysConfig.RSA_OBJ = saved
