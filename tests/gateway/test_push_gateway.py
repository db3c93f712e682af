"""Subscriptions, pushes and the subscription-bound pulls on the raw wire."""

from __future__ import annotations

import datetime as dt

import pytest
from test_push_feed import HK_MORNING, SmallMarket

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.pb import (
    Qot_GetBasicQot_pb2,
    Qot_GetBroker_pb2,
    Qot_GetKL_pb2,
    Qot_GetOrderBook_pb2,
    Qot_GetRT_pb2,
    Qot_GetSubInfo_pb2,
    Qot_GetTicker_pb2,
    Qot_RegQotPush_pb2,
    Qot_Sub_pb2,
)

QUOTE, ORDER_BOOK, TICKER, RT, KL_1M, KL_DAY, BROKER = 1, 2, 4, 5, 11, 6, 14
HK, US = 1, 11


class ManualClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> dt.datetime:
        self.at += dt.timedelta(seconds=seconds)
        return self.at


@pytest.fixture
def gateway(tmp_path):
    """A gateway on a small market whose clock and push steps the test drives."""
    with InProcessGateway(openfutu_data_dir=str(tmp_path), **_settings()) as gw:
        clock = ManualClock(HK_MORNING)

        def setup() -> None:
            services = gw.gateway.services
            services.clock = clock
            services.component("market", lambda s: SmallMarket())
            gw.gateway.push_hub.stop()  # the test steps the feed itself

        gw.call(setup)
        gw.clock = clock  # type: ignore[attr-defined]
        yield gw


def _settings() -> dict:
    return {}


def step(gw, seconds: float) -> int:
    at = gw.clock.advance(seconds)
    return gw.call(gw.gateway.push_hub.step, at)


def connect(gw) -> RawConnection:
    conn = RawConnection(gw.port)
    assert conn.init_connect().retType == 0
    return conn


def sub(conn, codes, subtypes, market=HK, **options):
    c2s = Qot_Sub_pb2.C2S(isSubOrUnSub=options.pop("unsub", False) is False, subTypeList=subtypes, **options)
    for code in codes:
        c2s.securityList.add(market=market, code=code)
    return conn.request(3001, c2s)


def pushes(conn, count: int) -> list:
    """The next ``count`` pushes (replies are not expected meanwhile)."""
    out = []
    while len(out) < count:
        proto_id, _serial, response = conn.receive()
        out.append((proto_id, response))
    return out


def test_subscribe_gives_first_pushes_then_live_pushes(gateway):
    conn = connect(gateway)
    try:
        reply = sub(conn, ["00700"], [QUOTE, TICKER, ORDER_BOOK])
        assert reply.retType == 0, reply.retMsg
        first = dict(pushes(conn, 3))
        assert set(first) == {3005, 3011, 3013}
        (qot,) = first[3005].s2c.basicQotList
        market = SmallMarket()
        expected = market.quote("HK.00700", HK_MORNING)
        assert qot.security.code == "00700" and qot.name == "TENCENT"
        assert qot.curPrice == expected.last_price and qot.volume == expected.volume
        assert all(t.pushDataType == 3 for t in first[3011].s2c.tickerList)  # cached ticks
        step(gateway, 0)  # starts the feed's cursors
        assert step(gateway, 120) >= 2
        live = pushes(conn, 2)
        kinds = {p for p, _ in live}
        assert kinds <= {3005, 3011, 3013}
        at = gateway.clock.at
        got_ticks = [r for p, r in live if p == 3011]
        for r in got_ticks:
            prints = market.prices.ticks_between("HK.00700", HK_MORNING, at)
            assert r.s2c.tickerList[-1].sequence == prints[-1].sequence
    finally:
        conn.close()


def test_no_first_push_and_no_push_registration(gateway):
    conn = connect(gateway)
    try:
        assert sub(conn, ["00700"], [QUOTE], isFirstPush=False).retType == 0
        assert sub(conn, ["00005"], [QUOTE], isRegOrUnRegPush=False).retType == 0
        step(gateway, 0)
        step(gateway, 300)
        (p, r), = pushes(conn, 1)
        assert p == 3005 and [q.security.code for q in r.s2c.basicQotList] == ["00700"]
        # registering later brings the first push of 00005
        c2s = Qot_RegQotPush_pb2.C2S(subTypeList=[QUOTE], isRegOrUnReg=True)
        c2s.securityList.add(market=HK, code="00005")
        assert conn.request(3002, c2s).retType == 0
        (p, r), = pushes(conn, 1)
        assert p == 3005 and r.s2c.basicQotList[0].security.code == "00005"
    finally:
        conn.close()


def test_sub_info_matches_the_docs_example(gateway):
    # docs L1739: {'total_used': 1, 'remain': 999, 'own_used': 1, 'sub_list': {'QUOTE': ['HK.00700']}}
    conn = connect(gateway)
    try:
        assert sub(conn, ["00700"], [QUOTE], isFirstPush=False).retType == 0
        info = conn.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c
        assert (info.totalUsedQuota, info.remainQuota) == (1, 999)
        (own,) = info.connSubInfoList
        assert own.isOwnConnData and own.usedQuota == 1
        assert [(s.subType, [x.code for x in s.securityList]) for s in own.subInfoList] == [(QUOTE, ["00700"])]
    finally:
        conn.close()


def test_quota_shared_between_connections(gateway):
    # docs L12124-L12128: a unit is freed only when every connection lets go
    a, b = connect(gateway), connect(gateway)
    try:
        assert sub(a, ["00700"], [ORDER_BOOK, TICKER], isFirstPush=False).retType == 0
        assert sub(b, ["00700"], [ORDER_BOOK], isFirstPush=False).retType == 0
        assert sub(b, ["00005"], [QUOTE], isFirstPush=False).retType == 0
        info = b.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c
        assert (info.totalUsedQuota, info.remainQuota) == (3, 997)
        used = {c.isOwnConnData: c.usedQuota for c in info.connSubInfoList}
        assert used == {True: 2, False: 2}
        only_own = b.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=False)).s2c
        assert len(only_own.connSubInfoList) == 1 and only_own.totalUsedQuota == 3
    finally:
        a.close()
        b.close()


def test_unsubscribe_only_after_a_minute(gateway):
    # docs L1678 (subscription rules), L12118-L12122
    conn = connect(gateway)
    try:
        assert sub(conn, ["00700"], [QUOTE], isFirstPush=False).retType == 0
        gateway.clock.advance(59)
        refused = sub(conn, ["00700"], [QUOTE], unsub=True)
        assert refused.retType == -1 and "1 minute" in refused.retMsg
        gateway.clock.advance(1)
        assert sub(conn, ["00700"], [QUOTE], unsub=True).retType == 0
        info = conn.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c
        assert info.totalUsedQuota == 0
    finally:
        conn.close()


def test_unsubscribe_all(gateway):
    conn = connect(gateway)
    try:
        assert sub(conn, ["00700", "00005"], [QUOTE, TICKER], isFirstPush=False).retType == 0
        gateway.clock.advance(61)
        assert conn.request(3001, Qot_Sub_pb2.C2S(isSubOrUnSub=False, isUnsubAll=True)).retType == 0
        assert conn.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c.totalUsedQuota == 0
    finally:
        conn.close()


def test_over_quota_refused(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path), openfutu_sub_quota=100) as gw:
        gw.call(lambda: gw.gateway.services.component("market", lambda s: SmallMarket(extra=120)))
        conn = connect(gw)
        try:
            codes = [f"{10000 + i:05d}" for i in range(101)]
            reply = sub(conn, codes, [QUOTE], isFirstPush=False)
            assert reply.retType == -1 and "quota" in reply.retMsg
            assert conn.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c.totalUsedQuota == 0
            assert sub(conn, codes[:100], [QUOTE], isFirstPush=False).retType == 0
        finally:
            conn.close()


def test_bad_subscriptions_are_refused(gateway):
    conn = connect(gateway)
    try:
        assert "unknown stock" in sub(conn, ["99999"], [QUOTE]).retMsg
        assert "SubType" in sub(conn, ["00700"], [3]).retMsg
        assert "HK securities only" in sub(conn, ["AAPL"], [BROKER], market=US).retMsg
        assert conn.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c.totalUsedQuota == 0
    finally:
        conn.close()


def _sec(c2s, code="00700", market=HK):
    c2s.security.market = market
    c2s.security.code = code
    return c2s


def test_pulls_need_a_subscription_and_match_the_market(gateway):
    conn = connect(gateway)
    market = SmallMarket()
    try:
        q = Qot_GetBasicQot_pb2.C2S()
        q.securityList.add(market=HK, code="00700")
        requests = {
            3004: q,
            3006: _sec(Qot_GetKL_pb2.C2S(rehabType=1, klType=1, reqNum=5)),
            3008: _sec(Qot_GetRT_pb2.C2S()),
            3010: _sec(Qot_GetTicker_pb2.C2S(maxRetNum=20)),
            3012: _sec(Qot_GetOrderBook_pb2.C2S(num=5)),
            3014: _sec(Qot_GetBroker_pb2.C2S()),
        }
        for proto_id, c2s in requests.items():
            reply = conn.request(proto_id, c2s)
            assert reply.retType == -1 and "not subscribed" in reply.retMsg, proto_id
        assert sub(conn, ["00700"], [QUOTE, KL_1M, RT, TICKER, ORDER_BOOK, BROKER], isFirstPush=False).retType == 0
        at = gateway.clock.at
        got = {p: conn.request(p, c2s) for p, c2s in requests.items()}
        assert all(r.retType == 0 for r in got.values()), {p: r.retMsg for p, r in got.items()}
        assert got[3004].s2c.basicQotList[0].curPrice == market.quote("HK.00700", at).last_price
        bars = market.klines.latest("HK.00700", at, 1, 5)
        assert [b.closePrice for b in got[3006].s2c.klList] == [b.close for b in bars]
        assert len(got[3008].s2c.rtList) == len(market.prices.time_share("HK.00700", at))
        ticks = market.prices.last_ticks("HK.00700", at, 20)
        assert [t.sequence for t in got[3010].s2c.tickerList] == [t.sequence for t in ticks]
        book = market.books.order_book_at("HK.00700", at, 5)
        assert [b.price for b in got[3012].s2c.orderBookBidList] == [lv.price for lv in book.bids]
        queue = market.books.broker_queue_at("HK.00700", at)
        assert [b.id for b in got[3014].s2c.brokerBidList] == [e.broker_id for e in queue.bids]
    finally:
        conn.close()


def test_detailed_order_book_and_sf_cap(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path)) as gw:
        gw.call(lambda: gw.gateway.services.component("market", lambda s: SmallMarket(extra=60)))
        conn = connect(gw)
        try:
            codes = [f"{10000 + i:05d}" for i in range(50)]
            assert sub(conn, codes, [ORDER_BOOK], isFirstPush=False, isSubOrderBookDetail=True).retType == 0
            refused = sub(conn, ["10050"], [ORDER_BOOK], isFirstPush=False, isSubOrderBookDetail=True)
            assert refused.retType == -1 and "50" in refused.retMsg  # docs L1679
            # other types and plain books still fit in the quota
            assert sub(conn, ["10050"], [ORDER_BOOK, TICKER], isFirstPush=False).retType == 0
            reply = conn.request(3012, _sec(Qot_GetOrderBook_pb2.C2S(num=3), "10000"))
            assert reply.retType == 0
            level = reply.s2c.orderBookBidList[0]
            assert sum(d.volume for d in level.detailList) == level.volume
        finally:
            conn.close()


def test_closed_connection_stops_pushes_and_frees_quota_after_a_minute(gateway):
    # docs L12130-L12132
    conn = connect(gateway)
    assert sub(conn, ["00700"], [QUOTE], isFirstPush=False).retType == 0
    conn.close()
    other = connect(gateway)
    try:
        import time

        deadline = time.monotonic() + 5
        while gateway.call(lambda: len(gateway.gateway.sessions)) > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        info = other.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c
        assert info.totalUsedQuota == 1
        step(gateway, 61)
        info = other.request(3003, Qot_GetSubInfo_pb2.C2S(isReqAllConn=True)).s2c
        assert info.totalUsedQuota == 0
    finally:
        other.close()


def test_odd_lot_book_pushes(gateway):
    conn = connect(gateway)
    try:
        assert sub(conn, ["00700"], [22]).retType == 0  # SubType_OrderBook_Odd
        (p, r), = pushes(conn, 1)
        assert p == 3013 and r.s2c.orderBookType == 1
        step(gateway, 0)
        step(gateway, 120)
        (p, r), = pushes(conn, 1)
        expected = SmallMarket().books.order_book_at("HK.00700", gateway.clock.at, 10, odd_lot=True)
        assert p == 3013 and r.s2c.orderBookType == 1
        assert [b.volume for b in r.s2c.orderBookBidList] == [lv.volume for lv in expected.bids]
        reply = conn.request(3012, _sec(Qot_GetOrderBook_pb2.C2S(num=3, orderBookType=1)))
        assert reply.retType == 0 and reply.s2c.orderBookType == 1
    finally:
        conn.close()


def test_only_once_reminder_fires_once_and_switches_off(gateway):
    from openfutu.gateway.userdata import PriceReminder

    market = SmallMarket()
    conn = connect(gateway)
    try:
        q = market.quote("HK.00700", HK_MORNING)

        def add() -> None:
            store = gateway.gateway.services.userdata
            store.set_reminder("HK.00700", 1, None,
                               PriceReminder(0, "HK.00700", 7, 3, 1000.0, "vol"), 77)  # VOLUME_UP, ONLY_ONCE

        gateway.call(add)
        step(gateway, 1)
        (p, r), = pushes(conn, 1)
        assert p == 3019 and r.s2c.key == 77 and r.s2c.type == 7
        assert r.s2c.curValue >= 1000 and r.s2c.price > 0 and q.volume >= 0
        enabled = gateway.call(lambda: gateway.gateway.services.userdata.reminders()[0].enabled)
        assert enabled is False
    finally:
        conn.close()


def test_the_driver_pushes_on_its_own_as_the_clock_runs(tmp_path):
    # a virtual clock at 120x: the hub's own task steps the feed
    start = HK_MORNING.isoformat()
    with InProcessGateway(openfutu_data_dir=str(tmp_path), openfutu_clock="virtual",
                          openfutu_clock_start=start, openfutu_clock_speed=120) as gw:
        gw.call(lambda: gw.gateway.services.component("market", lambda s: SmallMarket()))
        conn = connect(gw)
        try:
            assert sub(conn, ["00700"], [TICKER], isFirstPush=False).retType == 0
            (p, r), = pushes(conn, 1)
            assert p == 3011 and r.s2c.tickerList[0].pushDataType == 1
        finally:
            conn.close()


def test_book_depth_follows_the_quote_right(tmp_path):
    # docs L12181-L12204: HK LV2 10 levels, US stocks LV2 60, A-shares LV1 5
    with InProcessGateway(openfutu_data_dir=str(tmp_path)) as gw:
        gw.call(lambda: gw.gateway.services.component("market", lambda s: SmallMarket()))
        hub = gw.gateway.push_hub
        assert gw.call(hub.book_depth, "HK.00700") == 10
        assert gw.call(hub.book_depth, "US.AAPL") == 60


def test_unknown_code_message_names_the_market(gateway):
    conn = connect(gateway)
    try:
        assert sub(conn, ["99999"], [QUOTE]).retMsg == "unknown stock HK.99999"
    finally:
        conn.close()
