"""Pull functions: the same gateway replies parsed by futu-api and by us
must give equal results (columns, order, values, dtypes)."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

futu = pytest.importorskip("futu")

from openfutu.client import RET_ERROR, RET_OK, KLType, OpenQuoteContext  # noqa: E402
from openfutu.protocol.pb import (  # noqa: E402
    Qot_GetBasicQot_pb2,
    Qot_GetKL_pb2,
    Qot_GetOrderBook_pb2,
    Qot_GetRT_pb2,
    Qot_GetTicker_pb2,
)

from .fake_gateway import FakeGateway  # noqa: E402
from .test_context import basic_qot  # noqa: E402


def kl_reply(req):
    rsp = Qot_GetKL_pb2.Response(retType=0)
    rsp.s2c.security.CopyFrom(req.c2s.security)
    rsp.s2c.name = "TENCENT"
    for i in range(req.c2s.reqNum):
        k = rsp.s2c.klList.add(time=f"2026-01-0{i + 1} 00:00:00", isBlank=False,
                               highPrice=11.0 + i, openPrice=10.0, lowPrice=9.0,
                               closePrice=10.5 + i, lastClosePrice=10.0, volume=1000 * (i + 1),
                               turnover=10500.0, turnoverRate=0.01, pe=12.5)
        if i == 1:
            k.hpVolume = 2000.5
    return rsp


def ticker_reply(req):
    rsp = Qot_GetTicker_pb2.Response(retType=0)
    rsp.s2c.security.CopyFrom(req.c2s.security)
    for i in range(3):
        t = rsp.s2c.tickerList.add(time=f"2026-01-05 10:00:0{i}", sequence=100 + i, price=400.0 + i,
                                   volume=100, turnover=40000.0, pushDataType=1)
        if i:
            t.dir = i
            t.type = 1
    return rsp


def rt_reply(req):
    rsp = Qot_GetRT_pb2.Response(retType=0)
    rsp.s2c.security.CopyFrom(req.c2s.security)
    rsp.s2c.name = "TENCENT"
    for i in range(3):
        r = rsp.s2c.rtList.add(time=f"2026-01-05 09:3{i}:00", minute=570 + i, isBlank=i == 2,
                               price=400.0, lastClosePrice=399.0, volume=10, turnover=4000.0)
        if i == 0:
            r.avgPrice = 400.1
    return rsp


def book_reply(req):
    rsp = Qot_GetOrderBook_pb2.Response(retType=0)
    rsp.s2c.security.CopyFrom(req.c2s.security)
    rsp.s2c.svrRecvTimeBid = "2026-01-05 10:00:00.100"
    rsp.s2c.svrRecvTimeAsk = ""
    for i in range(req.c2s.num):
        b = rsp.s2c.orderBookBidList.add(price=399.8 - 0.2 * i, volume=1000, orederCount=3)
        b.detailList.add(orderID=7 + i, volume=400)
        rsp.s2c.orderBookAskList.add(price=400.0 + 0.2 * i, volume=900, orederCount=2)
    return rsp


def basic_reply(req):
    rsp = Qot_GetBasicQot_pb2.Response(retType=0)
    rsp.s2c.basicQotList.extend(basic_qot(req.c2s.securityList[0].code, 400.0).s2c.basicQotList)
    return rsp


@pytest.fixture(scope="module")
def both():
    from futu.common.ft_logger import logger

    logger.file_level = logging.CRITICAL
    logger.console_level = logging.CRITICAL
    with FakeGateway() as gw:
        gw.replies.update({3006: kl_reply, 3010: ticker_reply, 3008: rt_reply, 3012: book_reply,
                           3004: basic_reply})
        theirs = futu.OpenQuoteContext(port=gw.port)
        ours = OpenQuoteContext(port=gw.port)
        try:
            yield theirs, ours
        finally:
            theirs.close()
            ours.close()


@pytest.mark.parametrize("call", [
    lambda c: c.get_cur_kline("HK.00700", 3, KLType.K_DAY),
    lambda c: c.get_rt_ticker("HK.00700", 3),
    lambda c: c.get_rt_data("HK.00700"),
    lambda c: c.get_stock_quote(["HK.00700"]),
])
def test_frames_equal_futu_api(both, call) -> None:
    theirs, ours = both
    ret_a, a = call(theirs)
    ret_b, b = call(ours)
    assert ret_a == ret_b == RET_OK
    pd.testing.assert_frame_equal(a, b)


def test_order_book_equals_futu_api(both) -> None:
    theirs, ours = both
    assert theirs.get_order_book("HK.00700", 3) == ours.get_order_book("HK.00700", 3)


@pytest.mark.parametrize("call", [
    lambda c: c.get_cur_kline("HK.00700", 3, "K_NOPE"),
    lambda c: c.get_cur_kline("HK.00700", 3, KLType.K_DAY, "BAD"),
    lambda c: c.get_cur_kline("HK.00700", -1),
    lambda c: c.get_cur_kline("HK.00700", "3"),
    lambda c: c.get_cur_kline(700, 3),
    lambda c: c.get_rt_ticker("00700", 3),
    lambda c: c.get_rt_ticker("HK.00700", None),
    lambda c: c.get_rt_data(None),
])
def test_validation_errors_equal_futu_api(both, call) -> None:
    theirs, ours = both
    ret_a, msg_a = call(theirs)
    ret_b, msg_b = call(ours)
    assert ret_a == ret_b == RET_ERROR
    assert msg_a == msg_b
