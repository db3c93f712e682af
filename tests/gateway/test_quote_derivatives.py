"""GetOptionExpirationDate 3224, GetOptionChain 3209, GetWarrant 3210,
GetReference 3206 and GetFutureInfo 3218 on the wire, against the built-in
simulated market at a fixed virtual time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.pb import (
    Qot_GetFutureInfo_pb2,
    Qot_GetOptionChain_pb2,
    Qot_GetOptionExpirationDate_pb2,
    Qot_GetReference_pb2,
    Qot_GetWarrant_pb2,
)

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)  # a Wednesday, HK morning session
TCH = {"market": 1, "code": "00700"}
HKEX = {"market": 1, "code": "00388"}  # its chain straddles the spot at CLOCK_START


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("derivatives")
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_data_dir=str(path)) as gw:
        yield gw


@pytest.fixture
def conn(gateway: InProcessGateway):
    with RawConnection(gateway.port) as c:
        assert c.init_connect().retType == 0
        yield c


def market(gateway: InProcessGateway) -> Any:
    return gateway.gateway.services.market


def reset_rates(gateway: InProcessGateway) -> None:
    """Each test starts with fresh request-rate windows."""
    gateway.gateway.services.component("rate_limits", lambda s: {}).clear()


# ------------------------------------------------------------------ 3224


def test_expiration_dates(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner=TCH))
    assert reply.retType == 0, reply.retMsg
    rows = list(reply.s2c.dateList)
    expected = market(gateway).universe.option_expiry_cycles("HK.00700", dt.date(2025, 3, 5))
    assert [r.strikeTime for r in rows] == [d.isoformat() for d, _ in expected]
    for r in rows:
        day = dt.date.fromisoformat(r.strikeTime)
        assert r.optionExpiryDateDistance == (day - dt.date(2025, 3, 5)).days >= 0
        assert not r.HasField("cycle")  # stock options carry no cycle
    index = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner={"market": 1, "code": "800000"}))
    assert index.retType == 0 and len(index.s2c.dateList) > 0
    assert all(r.HasField("cycle") for r in index.s2c.dateList)


def test_expiration_dates_errors_and_rate(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    unknown = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner={"market": 1, "code": "99999"}))
    assert unknown.retType == -1 and "unknown" in unknown.retMsg
    no_options = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner={"market": 1, "code": "HSImain"}))
    assert no_options.retType == -1
    for _ in range(60):  # docs L3672: 60 per 30 s
        assert conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner=TCH)).retType == 0
    refused = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner=TCH))
    assert refused.retType == -1 and "60 requests per 30 seconds" in refused.retMsg


# ------------------------------------------------------------------ 3209


def chain_request(begin: str = "2025-03-05", end: str = "2025-04-03", **fields: Any) -> Any:
    return Qot_GetOptionChain_pb2.C2S(owner=HKEX, beginTime=begin + " 00:00:00", endTime=end + " 00:00:00",
                                      **fields)


def contracts(reply: Any) -> list[Any]:
    out = []
    for group in reply.s2c.optionChain:
        for item in group.option:
            for side in ("call", "put"):
                if item.HasField(side):
                    out.append(getattr(item, side))
    return out


def test_option_chain_lists_calls_and_puts(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3209, chain_request())
    assert reply.retType == 0, reply.retMsg
    groups = list(reply.s2c.optionChain)
    assert [g.strikeTime for g in groups] == ["2025-03-28"]
    rows = contracts(reply)
    assert len(rows) > 20
    strikes = []
    for item in groups[0].option:
        assert item.HasField("call") and item.HasField("put")
        assert item.call.optionExData.strikePrice == item.put.optionExData.strikePrice
        assert (item.call.optionExData.type, item.put.optionExData.type) == (1, 2)
        strikes.append(item.call.optionExData.strikePrice)
    assert strikes == sorted(strikes)
    for r in rows:
        assert r.basic.secType == 8 and r.basic.lotSize > 0 and r.basic.id > 0
        assert r.optionExData.owner.code == "00388" and r.optionExData.strikeTime == "2025-03-28"
        assert r.basic.security.code.startswith("HEX250328")


def test_option_chain_conditions(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    spot = market(gateway).quote("HK.00388").last_price
    calls_itm = contracts(conn.request(3209, chain_request(type=1, condition=1)))
    assert calls_itm and all(r.optionExData.type == 1 and r.optionExData.strikePrice < spot for r in calls_itm)
    puts_otm = contracts(conn.request(3209, chain_request(type=2, condition=2)))
    assert puts_otm and all(r.optionExData.type == 2 and r.optionExData.strikePrice <= spot for r in puts_otm)


def test_option_chain_data_filter(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    flt = Qot_GetOptionChain_pb2.DataFilter(deltaMin=0.4, deltaMax=0.6)
    rows = contracts(conn.request(3209, chain_request(dataFilter=flt)))
    everything = contracts(conn.request(3209, chain_request()))
    assert 0 < len(rows) < len(everything)
    assert all(r.optionExData.type == 1 for r in rows)  # only calls have delta in 0.4..0.6
    spot = market(gateway).quote("HK.00388").last_price
    strikes = [r.optionExData.strikePrice for r in rows]
    assert min(strikes) < spot * 1.1 and max(strikes) > spot * 0.9  # around the money
    vol = contracts(conn.request(3209, chain_request(dataFilter=Qot_GetOptionChain_pb2.DataFilter(volMin=1e12))))
    assert vol == []
    bad = conn.request(3209, chain_request(dataFilter=Qot_GetOptionChain_pb2.DataFilter(gammaMin=1, gammaMax=0)))
    assert bad.retType == -1


@pytest.mark.parametrize("begin, end, message", [
    ("2025-03-01", "2025-04-05", "30 days"),  # docs L3824
    ("2025-02-01", "2025-03-01", "expired"),  # docs L3828
    ("2025-03-20", "2025-03-10", "after"),
])
def test_option_chain_window_rules(conn: RawConnection, gateway: InProcessGateway, begin: str, end: str,
                                   message: str) -> None:
    reset_rates(gateway)
    reply = conn.request(3209, chain_request(begin, end))
    assert reply.retType == -1 and message in reply.retMsg


def test_option_chain_rate_limit(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    for _ in range(10):  # docs L3823: 10 per 30 s
        assert conn.request(3209, chain_request(type=1, condition=1)).retType == 0
    refused = conn.request(3209, chain_request())
    assert refused.retType == -1 and "10 requests per 30 seconds" in refused.retMsg


# ------------------------------------------------------------------ 3210


def warrant_request(**fields: Any) -> Any:
    base = dict(begin=0, num=200, sortField=1, ascend=True)
    base.update(fields)
    return Qot_GetWarrant_pb2.C2S(**base)


def test_warrants_of_a_stock(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3210, warrant_request(owner=TCH, num=50))
    assert reply.retType == 0, reply.retMsg
    s2c = reply.s2c
    live = market(gateway).universe.warrants_of("HK.00700", dt.date(2025, 3, 5))
    assert s2c.allCount == len(live) > 50 and not s2c.lastPage
    codes = [w.stock.code for w in s2c.warrantDataList]
    assert codes == sorted(codes) == sorted(i.security.code for i in live)[:50]
    for w in s2c.warrantDataList:
        assert w.owner.code == "00700" and w.type in (1, 2, 3, 4, 5)
        assert w.maturityTime >= "2025-03-05" and w.listTime <= "2025-03-05"
        if w.type in (1, 2):
            # a price under the model's lower bound implies no volatility; delta always exists
            assert w.HasField("delta") and -1 <= w.delta <= 1
            assert not w.HasField("impliedVolatility") or w.impliedVolatility > 0
        if w.type in (3, 4):
            assert w.HasField("recoveryPrice") and not w.HasField("delta")
        if w.type == 5:
            assert w.HasField("upperStrikePrice") and w.HasField("lowerStrikePrice")


def test_warrant_filters_hold(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3210, warrant_request(owner=TCH, typeList=[3, 4], recoveryPriceMin=1.0,
                                               sortField=10, ascend=False))
    assert reply.retType == 0, reply.retMsg
    rows = list(reply.s2c.warrantDataList)
    assert rows and all(w.type in (3, 4) and w.recoveryPrice >= 1.0 for w in rows)
    volumes = [w.volume for w in rows]
    assert volumes == sorted(volumes, reverse=True)
    calls = conn.request(3210, warrant_request(owner=TCH, typeList=[1], priceType=2, issuerList=[8, 1]))
    for w in calls.s2c.warrantDataList:
        assert w.type == 1 and w.issuer in (8, 1) and w.ipop > 0
    ranged = conn.request(3210, warrant_request(owner=TCH, curPriceMin=0.05, curPriceMax=1.0,
                                                streetMin=5, streetMax=50))
    for w in ranged.s2c.warrantDataList:
        assert 0.05 <= w.curPrice <= 1.0 and 5 <= w.streetRate <= 50


def test_warrant_paging_and_caps(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    first = conn.request(3210, warrant_request(owner=TCH, num=30, sortField=13, ascend=True))
    second = conn.request(3210, warrant_request(owner=TCH, begin=30, num=30, sortField=13, ascend=True))
    a = [w.stock.code for w in first.s2c.warrantDataList]
    b = [w.stock.code for w in second.s2c.warrantDataList]
    assert len(a) == 30 and not set(a) & set(b)
    too_many = conn.request(3210, warrant_request(num=201))  # docs L4014
    assert too_many.retType == -1 and "200" in too_many.retMsg
    bad_sort = conn.request(3210, warrant_request(sortField=51))
    assert bad_sort.retType == -1
    us = conn.request(3210, warrant_request(owner={"market": 11, "code": "AAPL"}))
    assert us.retType == -1 and "HK" in us.retMsg


# ------------------------------------------------------------------ 3206


def test_reference_warrants_and_futures(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    warrants = conn.request(3206, Qot_GetReference_pb2.C2S(security=TCH, referenceType=1))
    assert warrants.retType == 0
    rows = list(warrants.s2c.staticInfoList)
    assert rows and all(r.basic.secType == 5 and r.warrantExData.owner.code == "00700" for r in rows)
    futures = conn.request(3206, Qot_GetReference_pb2.C2S(security={"market": 1, "code": "HSImain"},
                                                          referenceType=2))
    assert futures.retType == 0, futures.retMsg
    codes = [r.basic.security.code for r in futures.s2c.staticInfoList]
    assert codes[0] == "HSImain" and all(c.startswith("HSI") for c in codes) and len(codes) >= 4
    main = futures.s2c.staticInfoList[0].futureExData
    assert main.isMainContract and main.lastTradeTime == ""
    month = futures.s2c.staticInfoList[1].futureExData
    assert not month.isMainContract and month.lastTradeTime >= "2025-03-05"
    # docs L4114-L4115: 10 per 30 s, the warrants of a stock exempt
    for _ in range(9):
        assert conn.request(3206, Qot_GetReference_pb2.C2S(security={"market": 1, "code": "HSImain"},
                                                           referenceType=2)).retType == 0
    refused = conn.request(3206, Qot_GetReference_pb2.C2S(security={"market": 1, "code": "HSImain"},
                                                          referenceType=2))
    assert refused.retType == -1 and "10 requests" in refused.retMsg
    assert conn.request(3206, Qot_GetReference_pb2.C2S(security=TCH, referenceType=1)).retType == 0
    reset_rates(gateway)
    none = conn.request(3206, Qot_GetReference_pb2.C2S(security=TCH, referenceType=2))
    assert none.retType == 0 and len(none.s2c.staticInfoList) == 0  # a stock has no contract months
    bad = conn.request(3206, Qot_GetReference_pb2.C2S(security=TCH, referenceType=9))
    assert bad.retType == -1 and "referenceType" in bad.retMsg


# ------------------------------------------------------------------ 3218


def test_future_info(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3218, Qot_GetFutureInfo_pb2.C2S(securityList=[
        {"market": 1, "code": "HSImain"}, {"market": 1, "code": "HSI2503"}]))
    assert reply.retType == 0, reply.retMsg
    main, month = reply.s2c.futureInfoList
    assert main.security.code == "HSImain" and main.lastTradeTime == ""
    assert main.origin.code == "HSI2503"  # the month the main contract follows
    assert month.lastTradeTime.startswith("2025-03-") and month.origin.code == "HSI2503"
    assert main.owner.code == "800000" and main.contractSize == 50.0 and main.minVar == 1.0
    assert main.quoteCurrency == "HKD" and main.timeZone and main.exchange
    assert main.exchangeFormatUrl.startswith("https://")
    sessions = [(t.begin, t.end) for t in main.tradeTime]
    # night session from the evening before (17:15 T-1 .. 03:00), day 09:15-12:00, 13:00-16:30
    assert sessions == [(-405.0, 180.0), (555.0, 720.0), (780.0, 990.0)]


def test_future_info_errors_and_caps(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    stock = conn.request(3218, Qot_GetFutureInfo_pb2.C2S(securityList=[TCH]))
    assert stock.retType == -1 and "futures" in stock.retMsg
    many = Qot_GetFutureInfo_pb2.C2S(securityList=[{"market": 1, "code": "HSImain"}] * 201)
    too_many = conn.request(3218, many)
    assert too_many.retType == -1 and "200" in too_many.retMsg  # docs L4194
    for _ in range(30):  # docs L4193: 30 per 30 s
        assert conn.request(3218, Qot_GetFutureInfo_pb2.C2S(securityList=[{"market": 1, "code": "HSImain"}])).retType == 0
    refused = conn.request(3218, Qot_GetFutureInfo_pb2.C2S(securityList=[{"market": 1, "code": "HSImain"}]))
    assert refused.retType == -1 and "30 requests" in refused.retMsg


def test_index_option_type_selects_the_contracts(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    hsi = {"market": 1, "code": "800000"}
    normal = conn.request(3209, Qot_GetOptionChain_pb2.C2S(owner=hsi, indexOptionType=1, beginTime="2025-03-05",
                                                           endTime="2025-04-03"))
    assert normal.retType == 0, normal.retMsg
    rows = contracts(normal)
    assert rows and all(r.optionExData.indexOptionType == 1 for r in rows)
    # the universe lists no mini HSI options: asking for them gives an empty chain, not an error
    small = conn.request(3209, Qot_GetOptionChain_pb2.C2S(owner=hsi, indexOptionType=2, beginTime="2025-03-05",
                                                          endTime="2025-04-03"))
    assert small.retType == 0 and contracts(small) == []
    dates = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner=hsi, indexOptionType=2))
    assert dates.retType == 0 and len(dates.s2c.dateList) == 0
    bad = conn.request(3224, Qot_GetOptionExpirationDate_pb2.C2S(owner=hsi, indexOptionType=7))
    assert bad.retType == -1


def test_future_trade_times_of_other_exchanges(conn: RawConnection, gateway: InProcessGateway) -> None:
    reset_rates(gateway)
    reply = conn.request(3218, Qot_GetFutureInfo_pb2.C2S(securityList=[{"market": 11, "code": "ESmain"}]))
    assert reply.retType == 0, reply.retMsg
    es = reply.s2c.futureInfoList[0]
    # CME Globex in the contract's own time zone (Chicago): 17:00 the evening before to 16:00
    assert es.timeZone == "America/Chicago"
    assert [(t.begin, t.end) for t in es.tradeTime] == [(-420.0, 960.0)]
    assert es.timeZone and es.quoteCurrency == "USD" and es.origin.code.startswith("ES")
    assert not es.HasField("owner") or es.owner.code


def test_warrant_rows_agree_with_snapshots(tmp_path: Path) -> None:
    from openfutu.gateway.dispatch import ROUTES
    from openfutu.protocol.pb import Qot_GetSecuritySnapshot_pb2

    if 3203 not in ROUTES:
        pytest.skip("get_market_snapshot (3203) has no handler yet")
    # a clock that barely moves, so that both requests see the same trades
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_clock_speed="0.000001", openfutu_data_dir=str(tmp_path)) as gw, \
            RawConnection(gw.port) as conn:
        assert conn.init_connect().retType == 0
        compare_warrants_with_snapshots(conn, Qot_GetSecuritySnapshot_pb2)


def compare_warrants_with_snapshots(conn: RawConnection, Qot_GetSecuritySnapshot_pb2: Any) -> None:
    rows = list(conn.request(3210, warrant_request(owner=TCH, num=20, sortField=10, ascend=False)).s2c.warrantDataList)
    assert rows
    snap = conn.request(3203, Qot_GetSecuritySnapshot_pb2.C2S(
        securityList=[{"market": 1, "code": w.stock.code} for w in rows]))
    assert snap.retType == 0, snap.retMsg
    by_code = {s.basic.security.code: s for s in snap.s2c.snapshotList}
    for w in rows:
        s = by_code[w.stock.code]
        assert w.curPrice == pytest.approx(s.basic.curPrice) and w.volume == s.basic.volume
        assert w.bidPrice == pytest.approx(s.basic.bidPrice) and w.askPrice == pytest.approx(s.basic.askPrice)
        ex = s.warrantExData
        assert w.streetVol == ex.streetVolumn and w.issueSize == ex.issueVolumn
        assert w.streetRate == pytest.approx(ex.streetRate, abs=1e-3)
        assert w.score == pytest.approx(ex.score)
        assert w.premium == pytest.approx(ex.premium, abs=1e-3)
        if w.HasField("delta"):
            assert w.delta == pytest.approx(ex.delta, abs=1e-3)
