"""Reference quote protocols on the wire (3202 3203 3204 3205 3207 3211 3212
3217 3219 3223): replies, documented errors, list caps and rate limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openfutu.gateway.handlers.quote_reference import (
    CAPITAL_DISTRIBUTION_RATE,
    CAPITAL_FLOW_RATE,
    IPO_LIST_RATE,
    MARKET_STATE_MAX_CODES,
    MARKET_STATE_RATE,
    OWNER_PLATE_MAX_CODES,
    OWNER_PLATE_RATE,
    PLATE_SECURITY_RATE,
    PLATE_SET_RATE,
    SNAPSHOT_MAX_CODES,
    SNAPSHOT_RATE,
    TRADE_DATE_RATE,
    UNKNOWN_STOCK_NAME,
)
from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.market.model import MarketState, QotMarket, SecurityType
from openfutu.protocol.pb import (
    Qot_GetCapitalDistribution_pb2,
    Qot_GetCapitalFlow_pb2,
    Qot_GetIpoList_pb2,
    Qot_GetMarketState_pb2,
    Qot_GetOwnerPlate_pb2,
    Qot_GetPlateSecurity_pb2,
    Qot_GetPlateSet_pb2,
    Qot_GetSecuritySnapshot_pb2,
    Qot_GetStaticInfo_pb2,
    Qot_RequestTradeDate_pb2,
)

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)  # Wednesday, HK morning session


def start_gateway(tmp_path: Path) -> InProcessGateway:
    return InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                            openfutu_clock_speed=1e-6, openfutu_data_dir=str(tmp_path)).start()


@pytest.fixture(scope="module")
def shared_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessGateway]:
    gw = start_gateway(tmp_path_factory.mktemp("gw"))
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="module")
def conn(shared_gateway: InProcessGateway) -> Iterator[RawConnection]:
    with RawConnection(shared_gateway.port) as c:
        assert c.init_connect().retType == 0
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[RawConnection]:
    """A gateway of its own, for rate-limit counting."""
    gw = start_gateway(tmp_path)
    try:
        with RawConnection(gw.port) as c:
            assert c.init_connect().retType == 0
            yield c
    finally:
        gw.stop()


def sec(code: str) -> dict[str, Any]:
    prefix, _, rest = code.partition(".")
    market = {"HK": QotMarket.HK_SECURITY, "US": QotMarket.US_SECURITY, "SH": QotMarket.CNSH_SECURITY,
              "SZ": QotMarket.CNSZ_SECURITY}[prefix]
    return {"market": int(market), "code": rest}


def snapshot_request(*codes: str) -> Qot_GetSecuritySnapshot_pb2.C2S:
    c2s = Qot_GetSecuritySnapshot_pb2.C2S()
    for c in codes:
        c2s.securityList.add(**sec(c))
    return c2s


def ok(reply: Any) -> Any:
    assert reply.retType == 0, reply.retMsg
    return reply.s2c


def fails(reply: Any, *words: str) -> str:
    assert reply.retType == -1
    for w in words:
        assert w in reply.retMsg, reply.retMsg
    return str(reply.retMsg)


def exhaust(conn: RawConnection, proto_id: int, c2s: Any, rule: Any) -> None:
    """The (n+1)-th request inside 30 s is refused (docs L177, L12136)."""
    for _ in range(rule.max_requests):
        ok(conn.request(proto_id, c2s))
    fails(conn.request(proto_id, c2s), "request rate too high")


# ------------------------------------------------------------------ 3203


def test_snapshot_equity(conn: RawConnection) -> None:
    s2c = ok(conn.request(3203, snapshot_request("HK.00700", "US.AAPL", "SH.600519")))
    assert [s.basic.security.code for s in s2c.snapshotList] == ["00700", "AAPL", "600519"]
    for snap in s2c.snapshotList:
        b = snap.basic
        assert b.name and b.type == SecurityType.EQTY and b.lotSize > 0
        assert b.highPrice >= b.lowPrice
        assert snap.HasField("equityExData") and not snap.HasField("warrantExData")
        e = snap.equityExData
        assert e.issuedMarketVal == pytest.approx(b.curPrice * e.issuedShares, rel=1e-6)
        assert e.outstandingShares <= e.issuedShares
        assert b.secStatus == 1
        dt.datetime.strptime(b.updateTime, "%Y-%m-%d %H:%M:%S")
    hk = s2c.snapshotList[0].basic
    assert hk.volume > 0 and hk.bidPrice < hk.askPrice  # HK is trading at 11:00
    assert hk.avgPrice == pytest.approx(hk.turnover / hk.volume, rel=1e-4)


def test_snapshot_kinds(conn: RawConnection, shared_gateway: InProcessGateway) -> None:
    universe = shared_gateway.gateway.services.market.universe
    warrant = universe.warrants_of("HK.00700")[0].code
    option = universe.options_of("HK.00700")[0].code
    future = universe.by_market(QotMarket.HK_FUTURE)[0].code
    s2c = ok(conn.request(3203, snapshot_request("HK.800000", "HK.02800", warrant, option, future)))
    index, fund, wrt, opt, fut = s2c.snapshotList
    assert index.HasField("indexExData") and index.indexExData.raiseCount + index.indexExData.fallCount \
        + index.indexExData.equalCount == len(universe.constituents("HK.800000"))
    assert fund.HasField("trustExData") and fund.trustExData.netAssetValue > 0
    assert wrt.basic.type == SecurityType.WARRANT and wrt.warrantExData.owner.code == "00700"
    assert wrt.warrantExData.issueVolumn >= wrt.warrantExData.streetVolumn > 0
    assert opt.basic.type == SecurityType.DRVT and opt.optionExData.owner.code == "00700"
    assert opt.optionExData.HasField("contractSizeFloat") and -1 <= opt.optionExData.delta <= 1
    assert fut.basic.type == SecurityType.FUTURE and fut.HasField("futureExData")
    assert fut.futureExData.lastSettlePrice == fut.basic.lastClosePrice
    plate = ok(conn.request(3203, snapshot_request("HK.BK1046"))).snapshotList[0]
    assert plate.basic.type == SecurityType.PLATE and plate.HasField("plateExData")
    members = universe.plate("HK.BK1046").members
    assert plate.plateExData.raiseCount + plate.plateExData.fallCount + plate.plateExData.equalCount == len(members)


def test_snapshot_errors_change_nothing(fresh: RawConnection) -> None:
    fails(fresh.request(3203, snapshot_request("HK.00700", "HK.99999")), "unknown stock", "HK.99999")
    fails(fresh.request(3203, Qot_GetSecuritySnapshot_pb2.C2S()), "empty")
    too_many = snapshot_request(*["HK.00700"] * (SNAPSHOT_MAX_CODES + 1))
    fails(fresh.request(3203, too_many), f"at most {SNAPSHOT_MAX_CODES}")  # docs L2528
    # refused requests were not counted: the full allowance is still there (docs L2527)
    exhaust(fresh, 3203, snapshot_request("HK.00700"), SNAPSHOT_RATE)


def test_snapshot_400_codes_allowed(shared_gateway: InProcessGateway) -> None:
    universe = shared_gateway.gateway.services.market.universe
    codes = [i.code for i in universe.by_market(QotMarket.HK_SECURITY, SecurityType.EQTY)]
    codes += [i.code for i in universe.by_market(QotMarket.US_SECURITY, SecurityType.EQTY)]
    codes = codes[:SNAPSHOT_MAX_CODES]
    assert len(codes) == SNAPSHOT_MAX_CODES
    # the first touch of 400 price histories is slow on a small machine: wait longer
    with RawConnection(shared_gateway.port, timeout=180) as conn:
        assert conn.init_connect().retType == 0
        s2c = ok(conn.request(3203, snapshot_request(*codes)))
    assert len(s2c.snapshotList) == SNAPSHOT_MAX_CODES
    assert len({s.basic.security.code for s in s2c.snapshotList}) == SNAPSHOT_MAX_CODES


# ------------------------------------------------------------------ 3202


def test_static_info_by_market_and_type(conn: RawConnection) -> None:
    s2c = ok(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=QotMarket.HK_SECURITY,
                                                          secType=SecurityType.EQTY)))
    rows = list(s2c.staticInfoList)
    assert len(rows) > 100
    assert all(r.basic.secType == SecurityType.EQTY and r.basic.security.market == 1 for r in rows)
    ids = {r.basic.id for r in rows}
    assert len(ids) == len(rows) and min(ids) > 0
    tencent = next(r for r in rows if r.basic.security.code == "00700")
    assert tencent.basic.lotSize == 100 and tencent.basic.listTime == "2004-06-16"
    warrants = ok(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=QotMarket.HK_SECURITY,
                                                               secType=SecurityType.WARRANT)))
    assert warrants.staticInfoList and all(r.HasField("warrantExData") for r in warrants.staticInfoList)
    futures = ok(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=QotMarket.HK_SECURITY,
                                                              secType=SecurityType.FUTURE)))
    assert futures.staticInfoList and all(r.HasField("futureExData") for r in futures.staticInfoList)
    assert any(r.futureExData.isMainContract for r in futures.staticInfoList)


def test_static_info_by_codes_with_unknown(conn: RawConnection, shared_gateway: InProcessGateway) -> None:
    option = shared_gateway.gateway.services.market.universe.options_of("US.AAPL")[0]
    c2s = Qot_GetStaticInfo_pb2.C2S(market=0, secType=0)
    for code in ("US.AAPL", "HK.99999", option.code):
        c2s.securityList.add(**sec(code))
    rows = ok(conn.request(3202, c2s)).staticInfoList
    assert [r.basic.security.code for r in rows] == ["AAPL", "99999", option.security.code]
    unknown = rows[1].basic  # docs L4753: echoed code, "unknown stock", delisted, defaults
    assert unknown.name == UNKNOWN_STOCK_NAME and unknown.delisting and unknown.lotSize == 0
    opt = rows[2]
    assert opt.optionExData.owner.code == "AAPL"
    assert opt.optionExData.strikePrice == option.terms.strike_price
    assert opt.optionExData.strikeTime == option.terms.strike_time.isoformat()


def test_static_info_plates_and_ids(conn: RawConnection, shared_gateway: InProcessGateway) -> None:
    from openfutu.gateway.handlers.quote_derivatives import stock_id_of

    market = shared_gateway.gateway.services.market
    plates = ok(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=1, secType=SecurityType.PLATE)))
    codes = {f"HK.{r.basic.security.code}" for r in plates.staticInfoList}
    assert codes == {p.code for p in market.universe.plates(QotMarket.HK_SECURITY)}
    assert all(r.basic.secType == SecurityType.PLATE for r in plates.staticInfoList)
    option = market.universe.options_of("HK.00700")[0]
    c2s = Qot_GetStaticInfo_pb2.C2S()
    c2s.securityList.add(market=1, code=option.security.code)
    c2s.securityList.add(**sec("HK.00700"))
    rows = ok(conn.request(3202, c2s)).staticInfoList
    # one security, one id: the option chain and watchlist protocols use the same rule
    assert rows[0].basic.id == stock_id_of(option)
    assert rows[1].basic.id == stock_id_of(market.instrument("HK.00700"))


def test_static_info_rejects_drvt_and_bad_market(conn: RawConnection) -> None:
    fails(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=1, secType=SecurityType.DRVT)), "DRVT")
    fails(conn.request(3202, Qot_GetStaticInfo_pb2.C2S(market=99, secType=3)), "unknown market")


# ------------------------------------------------------------------ 3223


def test_market_state(conn: RawConnection) -> None:
    c2s = Qot_GetMarketState_pb2.C2S()
    for code in ("HK.00700", "US.AAPL", "SH.600519"):
        c2s.securityList.add(**sec(code))
    infos = ok(conn.request(3223, c2s)).marketInfoList
    states = {i.security.code: MarketState(i.marketState) for i in infos}
    assert states["00700"] == MarketState.MORNING  # 11:00 HKT
    assert states["600519"] == MarketState.MORNING  # 11:00 Shanghai
    assert states["AAPL"] not in (MarketState.MORNING, MarketState.AFTERNOON)  # 22:00 New York
    assert all(i.name for i in infos)


def test_market_state_rules(fresh: RawConnection) -> None:
    big = Qot_GetMarketState_pb2.C2S()
    for _ in range(MARKET_STATE_MAX_CODES + 1):
        big.securityList.add(**sec("HK.00700"))
    fails(fresh.request(3223, big), f"at most {MARKET_STATE_MAX_CODES}")  # docs L3152
    bad = Qot_GetMarketState_pb2.C2S()
    bad.securityList.add(**sec("HK.99999"))
    fails(fresh.request(3223, bad), "unknown stock")
    one = Qot_GetMarketState_pb2.C2S()
    one.securityList.add(**sec("HK.00700"))
    exhaust(fresh, 3223, one, MARKET_STATE_RATE)  # docs L3151


# ------------------------------------------------------------------ 3211 / 3212


def flow_request(code: str, period: int | None = None, begin: str = "", end: str = "") -> Any:
    c2s = Qot_GetCapitalFlow_pb2.C2S(beginTime=begin, endTime=end)
    c2s.security.CopyFrom(Qot_GetCapitalFlow_pb2.C2S().security)
    c2s.security.market, c2s.security.code = sec(code)["market"], sec(code)["code"]
    if period is not None:
        c2s.periodType = period
    return c2s


def test_capital_flow_intraday_and_history(conn: RawConnection) -> None:
    intraday = ok(conn.request(3211, flow_request("HK.00700", 1)))
    items = list(intraday.flowItemList)
    assert len(items) == 90  # 09:30 .. 10:59 finished minutes at 11:00
    assert items[0].time == "2025-03-05 09:30:00"
    assert intraday.lastValidTime == items[-1].time
    assert not any(i.HasField("mainInFlow") for i in items)  # proto: not for INTRADAY
    for i in items:
        assert i.inFlow == pytest.approx(i.superInFlow + i.bigInFlow + i.midInFlow + i.smlInFlow, abs=0.05)
    days = ok(conn.request(3211, flow_request("HK.00700", 2, "2025-01-01 00:00:00", "2025-03-05 23:59:59")))
    assert 35 <= len(days.flowItemList) <= 45
    assert all(i.HasField("mainInFlow") for i in days.flowItemList)
    assert not days.HasField("lastValidTime")
    assert days.flowItemList[-1].time == "2025-03-05 00:00:00"
    assert days.flowItemList[-1].inFlow == pytest.approx(items[-1].inFlow, abs=0.05)
    months = ok(conn.request(3211, flow_request("HK.00700", 4, "2025-01-01", "2025-03-05")))
    assert len(months.flowItemList) == 3
    assert sum(i.inFlow for i in months.flowItemList) == pytest.approx(
        sum(i.inFlow for i in days.flowItemList), abs=1.0)


def test_capital_flow_history_limited_to_a_year(conn: RawConnection) -> None:
    reply = ok(conn.request(3211, flow_request("HK.00700", 2, "2020-01-01", "2025-03-05")))
    first = dt.date.fromisoformat(reply.flowItemList[0].time[:10])
    assert first >= dt.date(2024, 3, 5)  # docs L3239


def test_capital_rules(fresh: RawConnection) -> None:
    fails(fresh.request(3211, flow_request("HK.800000", 1)), "stocks, warrants and funds")  # docs L3238
    fails(fresh.request(3211, flow_request("HK.00700", 9)), "period type")
    fails(fresh.request(3211, flow_request("HK.00700", 2, "2025-03-05", "2025-01-01")), "before")
    fails(fresh.request(3211, flow_request("HK.00700", 2, "05/03/2025", "")), "yyyy-MM-dd")
    exhaust(fresh, 3211, flow_request("HK.00700", 1), CAPITAL_FLOW_RATE)  # docs L3237
    dist = Qot_GetCapitalDistribution_pb2.C2S()
    dist.security.market, dist.security.code = 1, "800000"
    fails(fresh.request(3212, dist), "stocks, warrants and funds")  # docs L3313
    dist.security.code = "00700"
    exhaust(fresh, 3212, dist, CAPITAL_DISTRIBUTION_RATE)  # docs L3312


def test_capital_distribution(conn: RawConnection) -> None:
    c2s = Qot_GetCapitalDistribution_pb2.C2S()
    c2s.security.market, c2s.security.code = 1, "00700"
    d = ok(conn.request(3212, c2s))
    for name in ("capitalInSuper", "capitalInBig", "capitalInMid", "capitalInSmall",
                 "capitalOutSuper", "capitalOutBig", "capitalOutMid", "capitalOutSmall"):
        assert d.HasField(name) and getattr(d, name) > 0
    assert d.updateTime == "2025-03-05 10:59:59"
    flow = ok(conn.request(3211, flow_request("HK.00700", 1))).flowItemList[-1]
    net = (d.capitalInSuper + d.capitalInBig + d.capitalInMid + d.capitalInSmall
           - d.capitalOutSuper - d.capitalOutBig - d.capitalOutMid - d.capitalOutSmall)
    assert net == pytest.approx(flow.inFlow, abs=0.1)


# ------------------------------------------------------------------ plates


def test_plate_set_and_members(conn: RawConnection) -> None:
    plates = ok(conn.request(3204, Qot_GetPlateSet_pb2.C2S(market=1, plateSetType=0))).plateInfoList
    assert len(plates) > 5 and all(p.plate.market == 1 and p.name for p in plates)
    industry = ok(conn.request(3204, Qot_GetPlateSet_pb2.C2S(market=1, plateSetType=1))).plateInfoList
    assert 0 < len(industry) < len(plates)
    cn = ok(conn.request(3204, Qot_GetPlateSet_pb2.C2S(market=22, plateSetType=0))).plateInfoList
    assert cn  # SZ means the A-share plates
    plate = industry[0].plate
    req = Qot_GetPlateSecurity_pb2.C2S()
    req.plate.CopyFrom(plate)
    rows = ok(conn.request(3205, req)).staticInfoList
    codes = [r.basic.security.code for r in rows]
    assert codes and codes == sorted(codes)
    req.sortField, req.ascend = 2, False  # CurPrice, descending
    snap_codes = ok(conn.request(3205, req)).staticInfoList
    prices = ok(conn.request(3203, snapshot_request(*[f"HK.{r.basic.security.code}" for r in snap_codes])))
    values = [s.basic.curPrice for s in prices.snapshotList]
    assert values == sorted(values, reverse=True)


def test_index_constituents_as_plate(conn: RawConnection, shared_gateway: InProcessGateway) -> None:
    req = Qot_GetPlateSecurity_pb2.C2S()
    req.plate.market, req.plate.code = 1, "800000"
    rows = ok(conn.request(3205, req)).staticInfoList
    members = shared_gateway.gateway.services.market.universe.constituents("HK.800000")
    assert sorted(f"HK.{r.basic.security.code}" for r in rows) == sorted(members)


def test_plate_errors_and_rates(fresh: RawConnection) -> None:
    req = Qot_GetPlateSecurity_pb2.C2S()
    req.plate.market, req.plate.code = 1, "BK9999999"
    fails(fresh.request(3205, req), "unknown plate")
    req.plate.code = "BK1046"
    req.sortField = 13  # warrant premium: not a plate field
    fails(fresh.request(3205, req), "sort field")
    req.sortField = 1
    exhaust(fresh, 3205, req, PLATE_SECURITY_RATE)  # docs L4586
    fails(fresh.request(3204, Qot_GetPlateSet_pb2.C2S(market=1, plateSetType=4)), "plate set type")
    exhaust(fresh, 3204, Qot_GetPlateSet_pb2.C2S(market=1, plateSetType=0), PLATE_SET_RATE)  # docs L4653


def test_owner_plate(conn: RawConnection) -> None:
    c2s = Qot_GetOwnerPlate_pb2.C2S()
    c2s.securityList.add(**sec("HK.00700"))
    c2s.securityList.add(**sec("SH.600519"))
    rows = ok(conn.request(3207, c2s)).ownerPlateList
    assert [r.security.code for r in rows] == ["00700", "600519"]
    assert rows[0].name and rows[0].plateInfoList
    assert all(p.HasField("plateType") for p in rows[0].plateInfoList)


def test_owner_plate_rules(fresh: RawConnection, tmp_path: Path) -> None:
    big = Qot_GetOwnerPlate_pb2.C2S()
    for _ in range(OWNER_PLATE_MAX_CODES + 1):
        big.securityList.add(**sec("HK.00700"))
    fails(fresh.request(3207, big), f"at most {OWNER_PLATE_MAX_CODES}")  # docs L3386
    fund = Qot_GetOwnerPlate_pb2.C2S()
    fund.securityList.add(**sec("HK.02800"))
    fails(fresh.request(3207, fund), "only stocks and indices")  # docs L3387
    one = Qot_GetOwnerPlate_pb2.C2S()
    one.securityList.add(**sec("HK.00700"))
    exhaust(fresh, 3207, one, OWNER_PLATE_RATE)  # docs L3385


# ------------------------------------------------------------------ 3217


def test_ipo_lists(conn: RawConnection) -> None:
    hk = ok(conn.request(3217, Qot_GetIpoList_pb2.C2S(market=1))).ipoList
    assert hk and all(i.HasField("hkExData") and not i.HasField("cnExData") for i in hk)
    assert all(i.hkExData.ipoPriceMin <= i.hkExData.ipoPriceMax for i in hk)
    cn = ok(conn.request(3217, Qot_GetIpoList_pb2.C2S(market=21))).ipoList
    assert cn and all(i.HasField("cnExData") and i.cnExData.applyCode for i in cn)
    us = ok(conn.request(3217, Qot_GetIpoList_pb2.C2S(market=11))).ipoList
    assert us and all(i.HasField("usExData") for i in us)


def test_ipo_rules(fresh: RawConnection) -> None:
    fails(fresh.request(3217, Qot_GetIpoList_pb2.C2S(market=81)), "IPO")
    exhaust(fresh, 3217, Qot_GetIpoList_pb2.C2S(market=1), IPO_LIST_RATE)  # docs L4857


# ------------------------------------------------------------------ 3219


def test_trading_days(conn: RawConnection) -> None:
    c2s = Qot_RequestTradeDate_pb2.C2S(market=1, beginTime="2025-01-01", endTime="2025-02-28")
    days = ok(conn.request(3219, c2s)).tradeDateList
    dates = [dt.date.fromisoformat(d.time) for d in days]
    assert dt.date(2025, 1, 1) not in dates  # New Year holiday
    assert dt.date(2025, 1, 29) not in dates  # Lunar New Year
    assert all(d.weekday() < 5 for d in dates)
    assert dates == sorted(dates) and 35 <= len(dates) <= 40
    # 2025-01-28, Lunar New Year's Eve: a half day in Hong Kong (morning only)
    half = [d for d in days if d.time == "2025-01-28"]
    assert half and half[0].tradeDateType == 1
    by_code = Qot_RequestTradeDate_pb2.C2S(market=1, beginTime="2025-07-01", endTime="2025-07-10")
    by_code.security.market, by_code.security.code = 11, "AAPL"
    us = [d.time for d in ok(conn.request(3219, by_code)).tradeDateList]
    assert "2025-07-04" not in us and "2025-07-03" in us  # the code's market wins (docs L4934)


def test_trading_days_window(conn: RawConnection) -> None:
    far = Qot_RequestTradeDate_pb2.C2S(market=2, beginTime="2010-01-01", endTime="2030-12-31")
    days = ok(conn.request(3219, far)).tradeDateList
    # docs L4992: ten years back from today in New York (2025-03-04 there), up to 31 December
    assert "2015-03-04" <= days[0].time <= "2015-03-10" and "2025-12-24" <= days[-1].time <= "2025-12-31"


def test_trading_days_rules(fresh: RawConnection) -> None:
    fails(fresh.request(3219, Qot_RequestTradeDate_pb2.C2S(market=99, beginTime="2025-01-01",
                                                           endTime="2025-01-31")), "TradeDateMarket")
    fails(fresh.request(3219, Qot_RequestTradeDate_pb2.C2S(market=1, beginTime="2025-02-01",
                                                           endTime="2025-01-01")), "before")
    exhaust(fresh, 3219, Qot_RequestTradeDate_pb2.C2S(market=1, beginTime="2025-01-01",
                                                      endTime="2025-01-31"), TRADE_DATE_RATE)  # docs L4991
