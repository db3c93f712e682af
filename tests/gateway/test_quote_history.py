"""RequestHistoryKL 3103, RequestHistoryKLQuota 3104 and RequestRehab 3105
on the wire, against a small deterministic market injected into the gateway."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.market.corporate_actions import AuType, adjust_price
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, QotMarket, SecurityCode, SecurityType
from openfutu.market.prices import PriceEngine, WeekdaySessionCalendar, _region_of
from openfutu.protocol.pb import (
    Qot_RequestHistoryKL_pb2,
    Qot_RequestHistoryKLQuota_pb2,
    Qot_RequestRehab_pb2,
)

HKT = dt.timezone(dt.timedelta(hours=8))
# Wednesday 2025-03-05 11:00 HKT: the HK morning session is running
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)


class SmallUniverse:
    def __init__(self) -> None:
        spec = [
            ("HK.00700", "TENCENT", SecurityType.EQTY, 380.0, 100, "HKD", dt.date(2004, 6, 16)),
            ("HK.00005", "HSBC", SecurityType.EQTY, 60.0, 400, "HKD", dt.date(1990, 1, 2)),
            ("US.AAPL", "APPLE", SecurityType.EQTY, 190.0, 1, "USD", dt.date(1995, 1, 3)),
            ("HK.TCH250328C400000", "TCH OPT", SecurityType.DRVT, 10.0, 100, "HKD", dt.date(2024, 1, 2)),
        ]
        self.items = {code: Instrument(SecurityCode.parse(code), name, st, lot, cur, listing, ref, 0.3)
                      for code, name, st, ref, lot, cur, listing in spec}
        for i in range(6):  # more codes than a small quota
            code = f"HK.0{1000 + i}"
            self.items[code] = Instrument(SecurityCode.parse(code), f"S{i}", SecurityType.EQTY, 100,
                                          "HKD", dt.date(2010, 1, 4), 10.0 + i, 0.3)

    def instrument(self, code: str) -> Instrument | None:
        return self.items.get(code)


_CALS: dict[str, WeekdaySessionCalendar] = {}


def _calendar(inst: Instrument) -> WeekdaySessionCalendar:
    region = _region_of(inst)
    return _CALS.setdefault(region, WeekdaySessionCalendar(region))


class SmallMarket:
    """What the handlers use of SimulatedMarket: prices, klines, instrument()."""

    def __init__(self, seed: int = 5) -> None:
        self.universe = SmallUniverse()
        self.prices = PriceEngine(seed, self.universe, _calendar)
        self.klines = KLineSource(self.prices)

    def instrument(self, code: str) -> Instrument:
        inst = self.universe.instrument(code)
        if inst is None:
            raise KeyError(code)
        return inst


def start_gateway(tmp_path: Path, start: dt.datetime = CLOCK_START, **settings: Any) -> InProcessGateway:
    gw = InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=start.isoformat(),
                          openfutu_data_dir=str(tmp_path), **settings).start()
    market = SmallMarket()
    gw.gateway.services.component("market", lambda services: market)
    return gw


@pytest.fixture
def gateway(tmp_path: Path):
    gw = start_gateway(tmp_path)
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture
def conn(gateway: InProcessGateway):
    with RawConnection(gateway.port) as c:
        assert c.init_connect().retType == 0
        yield c


def kl_request(code: str = "HK.00700", kl_type: int = KLType.K_DAY, rehab: int = AuType.QFQ,
               begin: str = "2025-01-01 00:00:00", end: str = "2025-03-05 23:59:59",
               **fields: Any) -> Qot_RequestHistoryKL_pb2.C2S:
    c2s = Qot_RequestHistoryKL_pb2.C2S(rehabType=rehab, klType=kl_type, beginTime=begin, endTime=end,
                                       **fields)
    market, _, rest = code.partition(".")
    c2s.security.market = {"HK": QotMarket.HK_SECURITY, "US": QotMarket.US_SECURITY}[market]
    c2s.security.code = rest
    return c2s


def all_pages(conn: RawConnection, c2s: Qot_RequestHistoryKL_pb2.C2S) -> list[Any]:
    bars = []
    for _ in range(1000):
        reply = conn.request(3103, c2s)
        assert reply.retType == 0, reply.retMsg
        bars.extend(reply.s2c.klList)
        if not reply.s2c.HasField("nextReqKey"):
            return bars
        c2s.nextReqKey = reply.s2c.nextReqKey
    raise AssertionError("paging never ended")


def test_daily_bars_fields_and_sanity(conn: RawConnection) -> None:
    reply = conn.request(3103, kl_request())
    assert reply.retType == 0, reply.retMsg
    s2c = reply.s2c
    assert s2c.name == "TENCENT" and s2c.security.code == "00700"
    assert not s2c.HasField("nextReqKey")
    bars = list(s2c.klList)
    assert 40 <= len(bars) <= 46  # weekdays of 2025-01-01 .. 2025-03-05
    for bar in bars:
        day = dt.datetime.strptime(bar.time, "%Y-%m-%d %H:%M:%S")
        assert day.time() == dt.time(0) and day.weekday() < 5
        assert bar.highPrice >= max(bar.openPrice, bar.closePrice) >= min(bar.openPrice, bar.closePrice) >= bar.lowPrice > 0
        for name in ("lastClosePrice", "volume", "turnover", "turnoverRate", "pe", "changeRate"):
            assert bar.HasField(name)
    # successive bars chain through last close
    for a, b in zip(bars, bars[1:]):
        assert b.lastClosePrice == pytest.approx(a.closePrice)


def test_today_day_bar_is_the_session_so_far(conn: RawConnection) -> None:
    # 11:00 on the 5th: the 5th's bar exists but carries only the morning's trading
    bars = list(conn.request(3103, kl_request()).s2c.klList)
    assert bars[-1].time == "2025-03-05 00:00:00"
    minutes = list(conn.request(3103, kl_request(kl_type=KLType.K_1M, begin="2025-03-05",
                                                 end="2025-03-05")).s2c.klList)
    assert minutes[-1].time <= "2025-03-05 11:00:00"
    assert len(minutes) == 90  # 09:31 .. 11:00, only finished minutes
    assert bars[-1].volume == sum(m.volume for m in minutes)
    assert bars[-1].highPrice == pytest.approx(max(m.highPrice for m in minutes), rel=1e-6)


def test_fields_filter_sends_only_the_asked_fields(conn: RawConnection) -> None:
    reply = conn.request(3103, kl_request(needKLFieldsFlag=8 | 32))  # close + volume
    bar = reply.s2c.klList[0]
    assert bar.HasField("closePrice") and bar.HasField("volume")
    for name in ("openPrice", "highPrice", "lowPrice", "turnover", "pe", "changeRate", "lastClosePrice"):
        assert not bar.HasField(name)
    assert conn.request(3103, kl_request(needKLFieldsFlag=4096)).retType != 0


@pytest.mark.parametrize("kl_type", [t for t in KLType if t != KLType.NONE])
def test_every_kl_type_is_served_inside_sessions(conn: RawConnection, kl_type: KLType) -> None:
    begin = "2025-03-03" if kl_type not in (KLType.K_YEAR, KLType.K_QUARTER, KLType.K_MON) else "2023-01-01"
    reply = conn.request(3103, kl_request(kl_type=kl_type, begin=begin, end="2025-03-04"))
    assert reply.retType == 0, reply.retMsg
    bars = list(reply.s2c.klList)
    assert bars
    for bar in bars:
        t = dt.datetime.strptime(bar.time, "%Y-%m-%d %H:%M:%S")
        assert t.weekday() < 5
        if kl_type in (KLType.K_1M, KLType.K_3M, KLType.K_5M, KLType.K_10M, KLType.K_15M,
                       KLType.K_30M, KLType.K_60M, KLType.K_120M, KLType.K_180M, KLType.K_240M):
            # end-labelled, inside 09:30-12:00 or 13:00-16:00 HK
            assert dt.time(9, 31) <= t.time() <= dt.time(12, 0) or dt.time(13, 1) <= t.time() <= dt.time(16, 0)
        assert bar.highPrice >= bar.lowPrice


def test_paging_returns_every_bar_once(conn: RawConnection) -> None:
    whole = list(conn.request(3103, kl_request(kl_type=KLType.K_5M, begin="2025-02-24",
                                               end="2025-03-04")).s2c.klList)
    paged = all_pages(conn, kl_request(kl_type=KLType.K_5M, begin="2025-02-24", end="2025-03-04",
                                       maxAckKLNum=37))
    assert [b.time for b in paged] == [b.time for b in whole]
    assert len({b.time for b in paged}) == len(paged) == 7 * 66


def test_page_key_of_another_request_is_refused(conn: RawConnection) -> None:
    first = conn.request(3103, kl_request(maxAckKLNum=5))
    key = first.s2c.nextReqKey
    other = kl_request(code="HK.00005", maxAckKLNum=5, nextReqKey=key)
    reply = conn.request(3103, other)
    assert reply.retType == -1 and "nextReqKey" in reply.retMsg
    assert conn.request(3103, kl_request(maxAckKLNum=5, nextReqKey=b"junk")).retType == -1


def test_au_types_relate_by_rehab_factors(conn: RawConnection, gateway: InProcessGateway) -> None:
    # HK.00700 over 10 years has dividends; qfq/hfq follow the get_rehab factors
    market = gateway.gateway.services.market
    rehab = conn.request(3105, Qot_RequestRehab_pb2.C2S(security={"market": 1, "code": "00700"}))
    assert rehab.retType == 0
    assert len(rehab.s2c.rehabList) > 0
    args = dict(begin="2015-01-01", end="2025-03-04")
    raw = all_pages(conn, kl_request(rehab=AuType.NONE, **args))
    qfq = all_pages(conn, kl_request(rehab=AuType.QFQ, **args))
    hfq = all_pages(conn, kl_request(rehab=AuType.HFQ, **args))
    assert len(raw) == len(qfq) == len(hfq) > 2000
    records = market.prices.corporate_actions.rehab("HK.00700", dt.date(2025, 3, 5))
    assert [r.ex_date.isoformat() for r in records] == [r.time for r in rehab.s2c.rehabList]
    for i in range(0, len(raw), 97):
        day = dt.date.fromisoformat(raw[i].time[:10])
        assert qfq[i].closePrice == pytest.approx(adjust_price(records, day, raw[i].closePrice, AuType.QFQ), rel=1e-6)
        assert hfq[i].closePrice == pytest.approx(adjust_price(records, day, raw[i].closePrice, AuType.HFQ), rel=1e-6)
    # after the last action all three agree (forward adjustment is relative to today)
    last_ex = records[-1].ex_date.isoformat()
    assert raw[-1].time > last_ex and qfq[-1].closePrice == pytest.approx(raw[-1].closePrice)
    # backward adjustment only ever raises old prices (splits and dividends before them)
    assert all(h.closePrice >= r.closePrice - 1e-9 for h, r in zip(hfq, raw))


def test_minute_history_is_cut_to_eight_years(conn: RawConnection) -> None:
    # docs L3501: minute bars for the latest 8 years, daily for 20
    old = conn.request(3103, kl_request(kl_type=KLType.K_1M, begin="2016-03-01", end="2016-03-04"))
    assert old.retType == 0 and len(old.s2c.klList) == 0
    recent = conn.request(3103, kl_request(kl_type=KLType.K_1M, begin="2017-03-06", end="2017-03-06"))
    assert len(recent.s2c.klList) == 330
    day_old = conn.request(3103, kl_request(begin="2004-07-01", end="2004-07-31"))
    assert len(day_old.s2c.klList) == 0
    day_ok = conn.request(3103, kl_request(begin="2006-07-01", end="2006-07-31"))
    assert len(day_ok.s2c.klList) > 15


def test_option_periods_are_limited(conn: RawConnection) -> None:
    # docs L3505: options only have day, 1-, 5-, 15- and 60-minute bars
    ok = conn.request(3103, kl_request(code="HK.TCH250328C400000", kl_type=KLType.K_5M,
                                       begin="2025-03-04", end="2025-03-04"))
    assert ok.retType == 0, ok.retMsg
    bad = conn.request(3103, kl_request(code="HK.TCH250328C400000", kl_type=KLType.K_30M,
                                        begin="2025-03-04", end="2025-03-04"))
    assert bad.retType == -1 and "option" in bad.retMsg


def test_extended_time_only_for_us_short_periods(conn: RawConnection) -> None:
    # docs L3506: pre/after-hours bars only for US and periods of at most 60 minutes
    day = dict(code="US.AAPL", begin="2025-03-03", end="2025-03-03")
    regular = conn.request(3103, kl_request(kl_type=KLType.K_60M, **day)).s2c.klList
    extended = conn.request(3103, kl_request(kl_type=KLType.K_60M, extendedTime=True, **day)).s2c.klList
    assert len(extended) > len(regular) == 7
    times = [b.time[11:] for b in extended]
    assert any(t < "09:30:00" for t in times) and any(t > "16:00:00" for t in times)
    big = conn.request(3103, kl_request(kl_type=KLType.K_120M, extendedTime=True, **day)).s2c.klList
    big_regular = conn.request(3103, kl_request(kl_type=KLType.K_120M, **day)).s2c.klList
    assert [b.time for b in big] == [b.time for b in big_regular]


@pytest.mark.parametrize("change, message", [
    (dict(begin="2025-03-05", end="2025-03-01"), "later"),
    (dict(begin="yesterday"), "beginTime"),
    (dict(kl_type=99), "KLType"),
    (dict(kl_type=0), "klType"),
    (dict(rehab=7), "RehabType"),
    (dict(code="HK.99999"), "unknown stock"),
    (dict(maxAckKLNum=0), "maxAckKLNum"),
])
def test_bad_requests_get_errors_and_charge_nothing(conn: RawConnection, change: dict, message: str) -> None:
    reply = conn.request(3103, kl_request(**change))
    assert reply.retType == -1 and message in reply.retMsg
    quota = conn.request(3104, Qot_RequestHistoryKLQuota_pb2.C2S())
    assert quota.s2c.usedQuota == 0


def quota(conn: RawConnection, detail: bool = False) -> Any:
    reply = conn.request(3104, Qot_RequestHistoryKLQuota_pb2.C2S(bGetDetail=detail))
    assert reply.retType == 0
    return reply.s2c


def test_quota_counts_a_security_once(conn: RawConnection, gateway: InProcessGateway) -> None:
    total = gateway.config.openfutu_history_kl_quota
    assert (quota(conn).usedQuota, quota(conn).remainQuota) == (0, total)
    all_pages(conn, kl_request(maxAckKLNum=10))  # several pages, one unit (docs L218)
    conn.request(3103, kl_request(kl_type=KLType.K_60M, begin="2025-03-03", end="2025-03-03"))
    conn.request(3103, kl_request(code="HK.00005"))
    s2c = quota(conn, detail=True)
    assert (s2c.usedQuota, s2c.remainQuota) == (2, total - 2)
    assert [(d.security.code, d.name) for d in s2c.detailList] == [("00700", "TENCENT"), ("00005", "HSBC")]
    assert s2c.detailList[0].requestTime.startswith("2025-03-05 11:0")
    assert s2c.detailList[0].requestTimeStamp > 0
    assert len(quota(conn).detailList) == 0  # details only when asked


def test_quota_exhausted_and_freed_after_30_days(tmp_path: Path) -> None:
    # tier 100 (docs L218: a unit is freed 30 days after it was taken)
    gw = start_gateway(tmp_path, openfutu_history_kl_quota=100)
    try:
        gw.gateway.services.userdata  # noqa: B018 - built before the first request
        store = gw.gateway.services.userdata
        t0 = CLOCK_START.timestamp()
        for i in range(100):
            assert store.charge_history_kline(f"HK.{90000 + i}", t0 - 86400, 100)
        with RawConnection(gw.port) as conn:
            conn.init_connect()
            reply = conn.request(3103, kl_request(code="HK.01000"))
            assert reply.retType == -1 and "quota" in reply.retMsg
            assert quota(conn).remainQuota == 0
            # a security charged within 30 days is still served
            assert store.charge_history_kline("HK.00700", t0 - 86400, 1000)
            assert conn.request(3103, kl_request()).retType == 0
    finally:
        gw.stop()
    # 31 days later the units have been released
    later = CLOCK_START + dt.timedelta(days=31)
    gw = start_gateway(tmp_path, start=later, openfutu_history_kl_quota=100)
    try:
        with RawConnection(gw.port) as conn:
            conn.init_connect()
            assert quota(conn).usedQuota == 0
            reply = conn.request(3103, kl_request(code="HK.01000", begin="2025-03-20", end="2025-04-04"))
            assert reply.retType == 0, reply.retMsg
            assert quota(conn).usedQuota == 1
    finally:
        gw.stop()


def test_rate_limit_counts_first_pages_only(conn: RawConnection) -> None:
    # docs L3503: 60 per 30 s; follow-up pages of a paged request are not counted
    for i in range(59):
        assert conn.request(3103, kl_request(begin="2025-03-03", end="2025-03-04")).retType == 0
    first = conn.request(3103, kl_request(kl_type=KLType.K_1M, begin="2025-03-03", end="2025-03-04",
                                          maxAckKLNum=100))
    assert first.retType == 0
    c2s = kl_request(kl_type=KLType.K_1M, begin="2025-03-03", end="2025-03-04", maxAckKLNum=100)
    c2s.nextReqKey = first.s2c.nextReqKey
    for _ in range(5):  # later pages pass although 60 first pages were just sent
        reply = conn.request(3103, c2s)
        assert reply.retType == 0, reply.retMsg
        c2s.nextReqKey = reply.s2c.nextReqKey
    refused = conn.request(3103, kl_request())
    assert refused.retType == -1 and "60 requests per 30 seconds" in refused.retMsg


def test_rehab_rows(conn: RawConnection) -> None:
    reply = conn.request(3105, Qot_RequestRehab_pb2.C2S(security={"market": 1, "code": "00700"}))
    assert reply.retType == 0
    for row in reply.s2c.rehabList:
        assert row.time <= "2025-03-05"  # nothing announced after today
        assert row.companyActFlag > 0
        assert 0 < row.fwdFactorA <= 1.0 and row.bwdFactorA >= 1.0
        if row.companyActFlag & 64:
            assert row.dividend > 0 and row.fwdFactorB < 0
        if row.companyActFlag & 1:
            assert row.splitBase > 0 and row.splitErt > row.splitBase
    unknown = conn.request(3105, Qot_RequestRehab_pb2.C2S(security={"market": 1, "code": "99999"}))
    assert unknown.retType == -1 and "unknown" in unknown.retMsg


def test_paging_in_json_mode(conn: RawConnection) -> None:
    # nextReqKey is bytes: base64 in JSON bodies, and must survive the round trip
    c2s = kl_request(kl_type=KLType.K_60M, begin="2025-03-03", end="2025-03-04", maxAckKLNum=5)
    first = conn.request(3103, c2s, proto_fmt=1)
    assert first.retType == 0, first.retMsg
    assert len(first.s2c.klList) == 5 and first.s2c.HasField("nextReqKey")
    c2s.nextReqKey = first.s2c.nextReqKey
    second = conn.request(3103, c2s, proto_fmt=1)
    assert second.retType == 0, second.retMsg
    assert second.s2c.klList[0].time > first.s2c.klList[-1].time


@pytest.mark.parametrize("kl_type", [KLType.K_WEEK, KLType.K_MON])
def test_current_period_bar_includes_today_so_far(conn: RawConnection, kl_type: KLType) -> None:
    days = list(conn.request(3103, kl_request(begin="2025-03-03", end="2025-03-05")).s2c.klList)
    assert [d.time[:10] for d in days] == ["2025-03-03", "2025-03-04", "2025-03-05"]
    period = list(conn.request(3103, kl_request(kl_type=kl_type, begin="2025-01-01",
                                                end="2025-03-05")).s2c.klList)[-1]
    # Monday 2025-03-03 is the first trading day of both the week and the month
    assert period.time == "2025-03-03 00:00:00"
    assert period.volume == sum(d.volume for d in days)
    assert period.closePrice == pytest.approx(days[-1].closePrice)
    assert period.highPrice == pytest.approx(max(d.highPrice for d in days))
