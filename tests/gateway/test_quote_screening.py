"""StockFilter 3215 on the wire, against a small deterministic market
injected into the gateway: the mapping of every filter kind, paging, and the
documented errors and rate limit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, QotMarket, SecurityCode, SecurityType
from openfutu.market.orderbook import OrderBookSource
from openfutu.market.prices import PriceEngine, WeekdaySessionCalendar, _region_of
from openfutu.protocol.pb import Qot_StockFilter_pb2

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 14, 0, tzinfo=HKT)  # a Wednesday afternoon session
HK = int(QotMarket.HK_SECURITY)
_CALS: dict[str, WeekdaySessionCalendar] = {}


def _calendar(inst: Instrument) -> WeekdaySessionCalendar:
    region = _region_of(inst)
    return _CALS.setdefault(region, WeekdaySessionCalendar(region))


class SmallUniverse:
    """Twelve HK stocks, two US stocks, an ETF, an option and a plate; any
    further HK.1xxxx code is a generated stock (for the watchlist cap)."""

    def __init__(self) -> None:
        self.items: dict[str, Instrument] = {}
        for i in range(12):
            self._stock(f"HK.{i + 1:05d}", f"HK Stock {i:02d}", 3.0 + 7.0 * i, 0.2 + 0.03 * i)
        self._stock("US.AAPL", "Apple", 190.0, 0.3, lot=1, cur="USD")
        self._stock("US.MSFT", "Microsoft", 400.0, 0.25, lot=1, cur="USD")
        self._stock("SH.600519", "Moutai", 1500.0, 0.3, cur="CNY")
        self.items["HK.02800"] = Instrument(SecurityCode.parse("HK.02800"), "Tracker Fund",
                                            SecurityType.TRUST, 500, "HKD", dt.date(1999, 11, 12), 19.0)
        self.items["US.AAPL250620C200000"] = Instrument(
            SecurityCode.parse("US.AAPL250620C200000"), "AAPL 250620 200.00C", SecurityType.DRVT, 100,
            "USD", dt.date(2024, 6, 1), 5.0, owner=SecurityCode.parse("US.AAPL"))
        self.plates = {"HK.BK1001": ["HK.00001", "HK.00002", "HK.00003", "HK.02800"]}

    def _stock(self, code: str, name: str, ref: float, vol: float, lot: int = 100, cur: str = "HKD") -> None:
        self.items[code] = Instrument(SecurityCode.parse(code), name, SecurityType.EQTY, lot, cur,
                                      dt.date(2012, 1, 4), ref, vol)

    def instrument(self, code: str) -> Instrument | None:
        hit = self.items.get(code)
        if hit is None and code.startswith("HK.1") and len(code) == 8 and code[3:].isdigit():
            hit = Instrument(SecurityCode.parse(code), f"Gen {code}", SecurityType.EQTY, 100, "HKD",
                             dt.date(2015, 1, 5), 10.0, 0.3)
            self.items[code] = hit
        return hit

    def by_market(self, market: QotMarket, sec_type: SecurityType | None = None) -> list[Instrument]:
        return sorted((i for i in self.items.values() if i.security.market == market
                       and (sec_type is None or i.sec_type == sec_type) and not i.code.startswith("HK.1")),
                      key=lambda i: i.code)

    def plate_members(self, code: str) -> list[Instrument]:
        if code not in self.plates:
            raise KeyError(code)
        return [self.items[c] for c in self.plates[code]]


class SmallMarket:
    """What the screening and user-data handlers use of SimulatedMarket."""

    def __init__(self, seed: int = 5) -> None:
        self.universe = SmallUniverse()
        self.prices = PriceEngine(seed, self.universe, _calendar)
        self.klines = KLineSource(self.prices)
        self.books = OrderBookSource(self.prices)

    def instrument(self, code: str) -> Instrument:
        inst = self.universe.instrument(code)
        if inst is None:
            raise KeyError(code)
        return inst

    def quote(self, code: str, at: dt.datetime) -> Any:
        return self.prices.quote_at(code, at)

    def order_book(self, code: str, at: dt.datetime, depth: int = 10) -> Any:
        return self.books.order_book_at(code, at, depth)


def start_gateway(tmp_path: Path, market: SmallMarket | None = None, **settings: Any) -> InProcessGateway:
    gw = InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                          openfutu_data_dir=str(tmp_path), **settings).start()
    small = market or SmallMarket()
    gw.gateway.services.component("market", lambda services: small)
    return gw


@pytest.fixture
def gateway(tmp_path: Path):
    gw = start_gateway(tmp_path)
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture
def conn(gateway):
    with RawConnection(gateway.port) as c:
        assert c.init_connect().retType == 0
        yield c


def screen(conn: RawConnection, **fields: Any) -> Any:
    c2s = Qot_StockFilter_pb2.C2S(begin=fields.pop("begin", 0), num=fields.pop("num", 200),
                                  market=fields.pop("market", HK), **fields)
    return conn.request(3215, c2s)


def base_values(item: Any) -> dict[int, float]:
    return {d.fieldName: d.value for d in item.baseDataList}


def test_simple_filter_on_the_wire(conn):
    everything = screen(conn, baseFilterList=[Qot_StockFilter_pb2.BaseFilter(fieldName=3)])
    assert everything.retType == 0, everything.retMsg
    s2c = everything.s2c
    assert s2c.allCount == 12 and s2c.lastPage and len(s2c.dataList) == 12
    prices = {f"{d.security.market}.{d.security.code}": base_values(d)[3] for d in s2c.dataList}
    assert all(d.security.market == HK and d.name for d in s2c.dataList)
    lo, hi = sorted(prices.values())[2], sorted(prices.values())[8]
    ranged = screen(conn, baseFilterList=[Qot_StockFilter_pb2.BaseFilter(
        fieldName=3, filterMin=lo, filterMax=hi, isNoFilter=False, sortDir=2)])
    got = [base_values(d)[3] for d in ranged.s2c.dataList]
    assert ranged.s2c.allCount == 7 and got == sorted(got, reverse=True)  # inclusive bounds
    assert all(lo <= p <= hi for p in got)


def test_paging_is_stable(conn):
    flt = [Qot_StockFilter_pb2.BaseFilter(fieldName=11, sortDir=1)]
    full = [d.security.code for d in screen(conn, baseFilterList=flt).s2c.dataList]
    first = screen(conn, baseFilterList=flt, begin=0, num=5).s2c
    second = screen(conn, baseFilterList=flt, begin=5, num=5).s2c
    third = screen(conn, baseFilterList=flt, begin=10, num=5).s2c
    assert (first.lastPage, second.lastPage, third.lastPage) == (False, False, True)
    assert first.allCount == second.allCount == third.allCount == 12
    pages = [d.security.code for p in (first, second, third) for d in p.dataList]
    assert pages == full


def test_every_kind_of_result_data(conn):
    reply = screen(
        conn,
        accumulateFilterList=[Qot_StockFilter_pb2.AccumulateFilter(fieldName=1, days=5),
                              Qot_StockFilter_pb2.AccumulateFilter(fieldName=1, days=10)],
        financialFilterList=[Qot_StockFilter_pb2.FinancialFilter(fieldName=8, quarter=3)],
        patternFilterList=[Qot_StockFilter_pb2.PatternFilter(fieldName=17, klType=2)],
        customIndicatorFilterList=[
            Qot_StockFilter_pb2.CustomIndicatorFilter(firstFieldName=50, secondFieldName=51,
                                                      relativePosition=1, klType=2),
            Qot_StockFilter_pb2.CustomIndicatorFilter(firstFieldName=30, secondFieldName=2,
                                                      relativePosition=2, klType=3,
                                                      firstFieldParaList=[7]),
        ])
    assert reply.retType == 0, reply.retMsg
    item = reply.s2c.dataList[0]
    assert sorted(d.days for d in item.accumulateDataList) == [5, 10]
    assert [(d.fieldName, d.quarter) for d in item.financialDataList] == [(8, 3)]
    indicators = [(d.fieldName, list(d.fieldParaList), d.klType) for d in item.customIndicatorDataList]
    # KDJ without parameters reports the defaults; MA5 is a fixed line (no parameters)
    assert indicators == [(50, [9, 3, 3], 2), (51, [9, 3, 3], 2), (30, [7], 3), (2, [], 3)]


def test_plate_and_a_share_market(conn):
    plate = screen(conn, plate={"market": HK, "code": "BK1001"})
    assert plate.retType == 0 and plate.s2c.allCount == 3  # the ETF member is not a stock
    cn = screen(conn, market=int(QotMarket.CNSZ_SECURITY))
    assert [d.security.code for d in cn.s2c.dataList] == ["600519"]
    unknown = screen(conn, plate={"market": HK, "code": "BK9999"})
    assert unknown.retType != 0 and "plate" in unknown.retMsg


@pytest.mark.parametrize("fields, message", [
    ({"num": 201}, "num"),  # docs L4499
    ({"market": int(QotMarket.HK_FUTURE)}, "market"),
    ({"market": 999}, "market"),
    ({"baseFilterList": [Qot_StockFilter_pb2.BaseFilter(fieldName=99)]}, "stock field"),
    ({"baseFilterList": [Qot_StockFilter_pb2.BaseFilter(fieldName=3), Qot_StockFilter_pb2.BaseFilter(fieldName=3)]}, "twice"),  # docs L4506
    ({"customIndicatorFilterList": [Qot_StockFilter_pb2.CustomIndicatorFilter(
        firstFieldName=2, secondFieldName=11, relativePosition=1, klType=2)]}, "compared"),  # docs L4503
    ({"patternFilterList": [Qot_StockFilter_pb2.PatternFilter(fieldName=1, klType=1)]}, "ktype"),
    ({"accumulateFilterList": [Qot_StockFilter_pb2.AccumulateFilter(fieldName=3, days=d) for d in range(1, 12)]}, "at most 10"),  # docs L4501
])
def test_documented_errors(conn, fields, message):
    reply = screen(conn, **fields)
    assert reply.retType == -1 and message in reply.retMsg


def test_rate_limit_ten_per_thirty_seconds(conn):
    # docs L4498: at most 10 stock filter requests per 30 s
    for _ in range(10):
        assert screen(conn, num=1).retType == 0
    refused = screen(conn, num=1)
    assert refused.retType == -1 and "get_stock_filter" in refused.retMsg
