"""Handler bases parse pushes exactly as futu-api's do (same bytes in)."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

futu = pytest.importorskip("futu")

import openfutu.client as ours  # noqa: E402
from openfutu.protocol.pb import (  # noqa: E402
    Notify_pb2,
    Qot_UpdateKL_pb2,
    Qot_UpdateOrderBook_pb2,
    Qot_UpdateRT_pb2,
    Qot_UpdateTicker_pb2,
)

from .test_context import basic_qot  # noqa: E402
from .test_quote_pulls import book_reply, kl_reply, rt_reply, ticker_reply  # noqa: E402


def as_official(msg, module_name: str):
    module = importlib.import_module(f"futu.common.pb.{module_name}_pb2")
    theirs = module.Response()
    theirs.ParseFromString(msg.SerializePartialToString())
    return theirs


def convert(reply, request_module, push_module, **c2s):
    req_mod = importlib.import_module(f"openfutu.protocol.pb.{request_module}_pb2")
    req = req_mod.Request()
    req.c2s.security.market, req.c2s.security.code = 1, "00700"
    for k, v in c2s.items():
        setattr(req.c2s, k, v)
    pulled = reply(req)
    push = push_module.Response(retType=0)
    push.s2c.ParseFromString(pulled.s2c.SerializePartialToString())
    return push


def notify(**fields) -> Notify_pb2.Response:
    rsp = Notify_pb2.Response(retType=0)
    for key, value in fields.items():
        setattr(rsp.s2c, key, value)
    return rsp


def kl_push():
    from openfutu.protocol.pb import Qot_GetKL_pb2

    req = Qot_GetKL_pb2.Request()
    req.c2s.security.market, req.c2s.security.code = 1, "00700"
    req.c2s.reqNum = 3
    pulled = kl_reply(req).s2c
    push = Qot_UpdateKL_pb2.Response(retType=0)
    push.s2c.klType = 2
    push.s2c.rehabType = 1
    push.s2c.security.CopyFrom(pulled.security)
    push.s2c.name = pulled.name
    push.s2c.klList.extend(pulled.klList)
    return push


PUSHES = [
    ("StockQuoteHandlerBase", lambda: basic_qot("00700", 400.0), "Qot_UpdateBasicQot"),
    ("CurKlineHandlerBase", kl_push, "Qot_UpdateKL"),
    ("TickerHandlerBase", lambda: convert(ticker_reply, "Qot_GetTicker", Qot_UpdateTicker_pb2, maxRetNum=3), "Qot_UpdateTicker"),
    ("RTDataHandlerBase", lambda: convert(rt_reply, "Qot_GetRT", Qot_UpdateRT_pb2), "Qot_UpdateRT"),
    ("OrderBookHandlerBase", lambda: convert(book_reply, "Qot_GetOrderBook", Qot_UpdateOrderBook_pb2, num=3), "Qot_UpdateOrderBook"),
]


@pytest.mark.parametrize("name,build,module_name", PUSHES)
def test_quote_push_parsing_equals_futu_api(name, build, module_name) -> None:
    msg = build()
    ret_a, a = getattr(futu, name)().on_recv_rsp(as_official(msg, module_name))
    ret_b, b = getattr(ours, name)().on_recv_rsp(msg)
    assert ret_a == ret_b == ours.RET_OK
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        assert a == b


def _notify_cases():
    gtw = notify(type=1)
    gtw.s2c.event.eventType = 7
    gtw.s2c.event.desc = "kicked"
    prog = notify(type=2)
    prog.s2c.programStatus.programStatus.type = 10
    prog_unknown = notify(type=2)
    prog_unknown.s2c.programStatus.programStatus.type = 12
    prog_unknown.s2c.programStatus.programStatus.strExtDesc = "x"
    conn = notify(type=3)
    conn.s2c.connectStatus.qotLogined = True
    conn.s2c.connectStatus.trdLogined = False
    right = notify(type=4)
    right.s2c.qotRight.hkQotRight = 3
    right.s2c.qotRight.usQotRight = 2
    right.s2c.qotRight.cnQotRight = 5
    right.s2c.qotRight.hasUSOptionQotRight = True
    quota = notify(type=6)
    quota.s2c.apiQuota.subQuota = 100
    quota.s2c.apiQuota.historyKLQuota = 100
    failed = Notify_pb2.Response(retType=-1, retMsg="bad")
    return [gtw, prog, prog_unknown, conn, right, quota, failed]


@pytest.mark.parametrize("msg", _notify_cases())
def test_sys_notify_equals_futu_api(msg) -> None:
    a = futu.SysNotifyHandlerBase().on_recv_rsp(as_official(msg, "Notify"))
    b = ours.SysNotifyHandlerBase().on_recv_rsp(msg)
    assert tuple(a) == tuple(b)
