"""Every quote pull: for seeded replies that fill (and leave out) every field,
futu-api and our OpenQuoteContext must send the same request and return
equal results; bad arguments must give the same error without a request."""

from __future__ import annotations

import random
from typing import Any, Callable

import pandas as pd
import pytest

futu = pytest.importorskip("futu")

import openfutu.client as of  # noqa: E402
from openfutu.protocol.pb import (  # noqa: E402
    Qot_GetBroker_pb2,
    Qot_GetCapitalDistribution_pb2,
    Qot_GetCapitalFlow_pb2,
    Qot_GetFutureInfo_pb2,
    Qot_GetIpoList_pb2,
    Qot_GetMarketState_pb2,
    Qot_GetOptionChain_pb2,
    Qot_GetOptionExpirationDate_pb2,
    Qot_GetOwnerPlate_pb2,
    Qot_GetPlateSecurity_pb2,
    Qot_GetPlateSet_pb2,
    Qot_GetPriceReminder_pb2,
    Qot_GetReference_pb2,
    Qot_GetSecuritySnapshot_pb2,
    Qot_GetStaticInfo_pb2,
    Qot_GetSubInfo_pb2,
    Qot_GetUserSecurity_pb2,
    Qot_GetUserSecurityGroup_pb2,
    Qot_GetWarrant_pb2,
    Qot_ModifyUserSecurity_pb2,
    Qot_RequestHistoryKL_pb2,
    Qot_RequestHistoryKLQuota_pb2,
    Qot_RequestRehab_pb2,
    Qot_RequestTradeDate_pb2,
    Qot_SetPriceReminder_pb2,
    Qot_StockFilter_pb2,
)

from .fake_gateway import FakeGateway  # noqa: E402
from .message_fill import filled_response  # noqa: E402

SEEDS = range(6)
SILENT = {1002, 1004}


def assert_same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame)
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b), (a, b)
        for key in a:
            assert_same(a[key], b[key])
    elif type(a).__name__ == "FilterStockData":
        assert type(b).__name__ == "FilterStockData"
        assert a.__dict__ == b.__dict__
    else:
        assert a == b or (a != a and b != b), (a, b)


def _rehab_reply(seed: int) -> Any:
    rsp = filled_response(Qot_RequestRehab_pb2, seed)
    for rehab in rsp.s2c.rehabList:
        rehab.companyActFlag &= ~32  # futu-api reads a field that does not exist for ADD
        for field in ("splitErt", "joinErt", "bonusErt", "transferErt", "allotErt",
                      "spinOffErt"):
            setattr(rehab, field, max(1, getattr(rehab, field)))
    return rsp


def _history_reply(seed: int) -> Callable[[Any], Any]:
    def reply(req: Any) -> Any:
        rsp = filled_response(Qot_RequestHistoryKL_pb2, seed + len(req.c2s.nextReqKey),
                              max_repeat=4)
        if req.c2s.HasField("nextReqKey"):
            rsp.s2c.ClearField("nextReqKey")  # two pages at most
        else:
            rsp.s2c.nextReqKey = b"page-2"
        return rsp

    return reply


def _filled(module: Any, **kw: Any) -> Callable[[int], Callable[[Any], Any]]:
    return lambda seed: (lambda req: filled_response(module, seed, **kw))


def _option_chain_filter() -> Any:
    return None


# (name, proto, reply factory(seed), call taking the futu module and a context)
CASES: list[tuple[str, int, Callable[[int], Callable[[Any], Any]], Callable[[Any, Any], Any]]] = [
    ("snapshot", 3203, _filled(Qot_GetSecuritySnapshot_pb2),
     lambda m, c: c.get_market_snapshot(["HK.00700", "US.AAPL"])),
    ("broker", 3014, _filled(Qot_GetBroker_pb2), lambda m, c: c.get_broker_queue("HK.00700")),
    ("subinfo", 3003, _filled(Qot_GetSubInfo_pb2), lambda m, c: c.query_subscription()),
    ("subinfo-own", 3003, _filled(Qot_GetSubInfo_pb2), lambda m, c: c.query_subscription(False)),
    ("basicinfo", 3202, _filled(Qot_GetStaticInfo_pb2),
     lambda m, c: c.get_stock_basicinfo(m.Market.HK, m.SecurityType.WARRANT)),
    ("basicinfo-codes", 3202, _filled(Qot_GetStaticInfo_pb2),
     lambda m, c: c.get_stock_basicinfo(m.Market.HK, code_list="HK.00700,HK.00001")),
    ("market-state", 3223, _filled(Qot_GetMarketState_pb2),
     lambda m, c: c.get_market_state(["HK.00700", "SH.600519"])),
    ("capital-flow", 3211, _filled(Qot_GetCapitalFlow_pb2),
     lambda m, c: c.get_capital_flow("HK.00700")),
    ("capital-flow-day", 3211, _filled(Qot_GetCapitalFlow_pb2),
     lambda m, c: c.get_capital_flow("HK.00700", m.PeriodType.DAY, start="2026-01-02")),
    ("capital-distribution", 3212, _filled(Qot_GetCapitalDistribution_pb2),
     lambda m, c: c.get_capital_distribution("HK.00700")),
    ("owner-plate", 3207, _filled(Qot_GetOwnerPlate_pb2),
     lambda m, c: c.get_owner_plate("HK.00700,HK.00005")),
    ("history", 3103, _history_reply,
     lambda m, c: c.request_history_kline("HK.00700", start="2025-01-01", end="2025-12-31")),
    ("history-fields", 3103, _history_reply,
     lambda m, c: c.request_history_kline("HK.00700", end="2025-06-30", ktype=m.KLType.K_60M,
                                          autype=None, fields=[m.KL_FIELD.CLOSE,
                                                               m.KL_FIELD.TRADE_VOL],
                                          max_count=None)),
    ("history-page", 3103, _history_reply,
     lambda m, c: c.request_history_kline("US.AAPL", start="2025-01-01", max_count=2,
                                          page_req_key=b"k", extended_time=True)),
    ("kl-quota", 3104, _filled(Qot_RequestHistoryKLQuota_pb2),
     lambda m, c: c.get_history_kl_quota(True)),
    ("rehab", 3105, _rehab_reply_factory := (lambda seed: (lambda req: _rehab_reply(seed))),
     lambda m, c: c.get_rehab("HK.00700")),
    ("expiration", 3224, _filled(Qot_GetOptionExpirationDate_pb2),
     lambda m, c: c.get_option_expiration_date("HK.00700")),
    ("option-chain", 3209, _filled(Qot_GetOptionChain_pb2, present=0.8),
     lambda m, c: c.get_option_chain("HK.00700", start="2026-01-05", end="2026-02-05",
                                     option_type=m.OptionType.CALL,
                                     option_cond_type=m.OptionCondType.WITHIN,
                                     data_filter=m.OptionDataFilter(delta_min=0.1,
                                                                    vol_max=100))),
    ("warrant", 3210, _filled(Qot_GetWarrant_pb2),
     lambda m, c: c.get_warrant("HK.00700")),
    ("warrant-req", 3210, _filled(Qot_GetWarrant_pb2, present=0.3),
     lambda m, c: c.get_warrant(req=_warrant_request(m))),
    ("reference", 3206, _filled(Qot_GetReference_pb2),
     lambda m, c: c.get_referencestock_list("HK.00700", m.SecurityReferenceType.WARRANT)),
    ("future-info", 3218, _filled(Qot_GetFutureInfo_pb2),
     lambda m, c: c.get_future_info(["HK.MHImain", "HK.HSImain"])),
    ("stock-filter", 3215, _filled(Qot_StockFilter_pb2),
     lambda m, c: c.get_stock_filter(m.Market.HK, _filters(m), plate_code="HK.BK1001")),
    ("plate-stock", 3205, _filled(Qot_GetPlateSecurity_pb2),
     lambda m, c: c.get_plate_stock("HK.BK1001", m.SortField.CUR_PRICE, False)),
    ("plate-list", 3204, _filled(Qot_GetPlateSet_pb2),
     lambda m, c: c.get_plate_list(m.Market.HK, m.Plate.INDUSTRY)),
    ("ipo", 3217, _filled(Qot_GetIpoList_pb2), lambda m, c: c.get_ipo_list(m.Market.HK)),
    ("trading-days", 3219, _filled(Qot_RequestTradeDate_pb2),
     lambda m, c: c.request_trading_days(m.TradeDateMarket.HK, "2026-01-01", "2026-02-01")),
    ("trading-days-code", 3219, _filled(Qot_RequestTradeDate_pb2),
     lambda m, c: c.request_trading_days(end="2026-02-01", code="HK.00700")),
    ("set-reminder", 3220, _filled(Qot_SetPriceReminder_pb2),
     lambda m, c: c.set_price_reminder("HK.00700", m.SetPriceReminderOp.ADD, None,
                                       m.PriceReminderType.PRICE_UP,
                                       m.PriceReminderFreq.ALWAYS, 500.0, "note")),
    ("set-reminder-sessions", 3220, _filled(Qot_SetPriceReminder_pb2),
     lambda m, c: c.set_price_reminder("US.AAPL", m.SetPriceReminderOp.MODIFY, 12,
                                       reminder_session_list=[m.PriceReminderMarketStatus.NONE])),
    ("get-reminder", 3221, _filled(Qot_GetPriceReminder_pb2),
     lambda m, c: c.get_price_reminder("HK.00700")),
    ("get-reminder-market", 3221, _filled(Qot_GetPriceReminder_pb2),
     lambda m, c: c.get_price_reminder(market=m.Market.US)),
    ("groups", 3222, _filled(Qot_GetUserSecurityGroup_pb2),
     lambda m, c: c.get_user_security_group(m.UserSecurityGroupType.CUSTOM)),
    ("user-security", 3213, _filled(Qot_GetUserSecurity_pb2),
     lambda m, c: c.get_user_security("A")),
    ("modify-user-security", 3214, _filled(Qot_ModifyUserSecurity_pb2),
     lambda m, c: c.modify_user_security("A", m.ModifyUserSecurityOp.ADD, ["HK.00700"])),
]


def _warrant_request(m: Any) -> Any:
    req = m.WarrantRequest()
    req.sort_field = m.SortField.VOLUME
    req.ascend = False
    req.type_list = m.WrtType.CALL
    req.issuer_list = [m.Issuer.SG, m.Issuer.JP]
    req.maturity_time_min = "2026-01-01"
    req.status = m.WarrantStatus.NORMAL
    req.vol_min = -1
    req.vol_max = 10000
    req.premium_min = 1.5
    return req


def _filters(m: Any) -> list[Any]:
    simple = m.SimpleFilter()
    simple.stock_field = m.StockField.CUR_PRICE
    simple.filter_min, simple.filter_max, simple.is_no_filter = 2, 1000, False
    simple.sort = m.SortDir.ASCEND
    acc = m.AccumulateFilter()
    acc.stock_field, acc.days = m.StockField.CHANGE_RATE, 5
    fin = m.FinancialFilter()
    fin.stock_field, fin.quarter = m.StockField.NET_PROFIT, m.FinancialQuarter.INTERIM
    pat = m.PatternFilter()
    pat.stock_field, pat.ktype = m.StockField.MA_ALIGNMENT_LONG, m.KLType.K_DAY
    ind = m.CustomIndicatorFilter()
    ind.stock_field1, ind.stock_field2 = m.StockField.KDJ_K, m.StockField.VALUE
    ind.relative_position, ind.value, ind.ktype = m.RelativePosition.MORE, 50, m.KLType.K_DAY
    ind.stock_field1_para = [9, 3, 3]
    return [simple, acc, fin, pat, ind]


@pytest.fixture(scope="module")
def gateway_and_contexts():
    with FakeGateway() as gw:
        theirs = futu.OpenQuoteContext(port=gw.port)
        ours = of.OpenQuoteContext(port=gw.port)
        try:
            yield gw, theirs, ours
        finally:
            theirs.close()
            ours.close()


def _sent(gw: FakeGateway, since: int) -> list[tuple[int, Any]]:
    return [(p, r) for p, r in gw.requests[since:] if p not in SILENT]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,proto,reply,call", CASES, ids=[c[0] for c in CASES])
def test_results_and_requests_equal_futu_api(gateway_and_contexts, name, proto, reply, call,
                                             seed) -> None:
    gw, theirs, ours = gateway_and_contexts
    gw.replies[proto] = reply(seed)
    mark = len(gw.requests)
    expected = call(futu, theirs)
    their_requests = _sent(gw, mark)
    mark = len(gw.requests)
    got = call(of, ours)
    our_requests = _sent(gw, mark)
    assert expected[0] == futu.RET_OK, expected
    assert_same(expected, got)
    assert [p for p, _ in our_requests] == [p for p, _ in their_requests]
    for (_, a), (_, b) in zip(their_requests, our_requests):
        assert a == b


def test_failed_reply_gives_the_gateway_message(gateway_and_contexts) -> None:
    gw, theirs, ours = gateway_and_contexts
    for proto, call in ((3203, lambda c: c.get_market_snapshot("HK.00700")),
                        (3215, lambda c: c.get_stock_filter("HK")),
                        (3014, lambda c: c.get_broker_queue("HK.00700")),
                        (3103, lambda c: c.request_history_kline("HK.00700", max_count=5))):
        gw.replies[proto] = lambda req: type(req).__module__ and __import__(
            type(req).__module__, fromlist=["Response"]).Response(retType=-1, retMsg="no such")
        assert_same(call(theirs), call(ours))


BAD_CALLS: list[Callable[[Any, Any], Any]] = [
    lambda m, c: c.get_market_snapshot([]),
    lambda m, c: c.get_market_snapshot(["HK.00700", "XX.1", "00005"]),
    lambda m, c: c.get_broker_queue(None),
    lambda m, c: c.get_broker_queue("HK"),
    lambda m, c: c.get_stock_basicinfo(None),
    lambda m, c: c.get_stock_basicinfo("XX"),
    lambda m, c: c.get_stock_basicinfo("HK", code_list=("HK.00700",)),
    lambda m, c: c.get_stock_basicinfo("HK", code_list=["HK.00700", "bad"]),
    lambda m, c: c.get_market_state([]),
    lambda m, c: c.get_market_state(5),
    lambda m, c: c.get_market_state(["HK.00700", 5]),
    lambda m, c: c.get_market_state(["HK.00700", "bad", "worse"]),
    lambda m, c: c.get_capital_flow("HK.00700", "NOPE"),
    lambda m, c: c.get_capital_flow(None),
    lambda m, c: c.get_capital_flow("HK.00700", m.PeriodType.DAY, start="2026-13-01"),
    lambda m, c: c.get_capital_flow("HK.00700", m.PeriodType.DAY, start=20260101),
    lambda m, c: c.get_capital_flow("HK.00700", m.PeriodType.WEEK, end=5),
    lambda m, c: c.get_capital_distribution(700),
    lambda m, c: c.get_capital_distribution("700"),
    lambda m, c: c.get_owner_plate(None),
    lambda m, c: c.get_owner_plate([]),
    lambda m, c: c.get_owner_plate([None]),
    lambda m, c: c.request_history_kline("HK.00700", start="yesterday"),
    lambda m, c: c.request_history_kline("HK.00700", fields=["nope"]),
    lambda m, c: c.request_history_kline(None),
    lambda m, c: c.request_history_kline("HK.00700", ktype=5),
    lambda m, c: c.request_history_kline("HK.00700", ktype="K_NOPE"),
    lambda m, c: c.request_history_kline("HK.00700", autype="both"),
    lambda m, c: c.request_history_kline("00700"),
    lambda m, c: c.get_rehab("00700"),
    lambda m, c: c.get_option_expiration_date(None),
    lambda m, c: c.get_option_expiration_date("HK.00700", "WEIRD"),
    lambda m, c: c.get_option_expiration_date("0700"),
    lambda m, c: c.get_option_chain(None),
    lambda m, c: c.get_option_chain("HK.00700", "WEIRD"),
    lambda m, c: c.get_option_chain("HK.00700", data_filter={"delta_min": 1}),
    lambda m, c: c.get_option_chain("HK.00700", option_type="BOTH"),
    lambda m, c: c.get_option_chain("HK.00700", option_cond_type="DEEP"),
    lambda m, c: c.get_option_chain("HK.00700", start="2026/01/01"),
    lambda m, c: c.get_option_chain("0700", start="2026-01-01"),
    lambda m, c: c.get_referencestock_list(None, m.SecurityReferenceType.WARRANT),
    lambda m, c: c.get_referencestock_list("HK.00700", "ALL"),
    lambda m, c: c.get_referencestock_list("0700", m.SecurityReferenceType.WARRANT),
    lambda m, c: c.get_future_info({"a": 1}),
    lambda m, c: c.get_future_info(""),
    lambda m, c: c.get_future_info(["HK.MHImain", 3]),
    lambda m, c: c.get_stock_filter("XX"),
    lambda m, c: c.get_stock_filter("HK", plate_code=5),
    lambda m, c: c.get_stock_filter("HK", filter_list="price"),
    lambda m, c: c.get_stock_filter("HK", filter_list=[m.SimpleFilter(), "x"]),
    lambda m, c: c.get_stock_filter("HK", filter_list=m.SimpleFilter()),
    lambda m, c: c.get_stock_filter("HK", filter_list=m.PatternFilter()),
    lambda m, c: c.get_stock_filter("HK", plate_code="BK1001"),
    lambda m, c: c.get_plate_stock(None),
    lambda m, c: c.get_plate_stock("HK.BK1001", "price"),
    lambda m, c: c.get_plate_stock("BK1001"),
    lambda m, c: c.get_plate_list(None, "ALL"),
    lambda m, c: c.get_plate_list("HK", None),
    lambda m, c: c.get_plate_list("XX", "ALL"),
    lambda m, c: c.get_plate_list("HK", "NOPE"),
    lambda m, c: c.get_ipo_list("XX"),
    lambda m, c: c.request_trading_days(5),
    lambda m, c: c.request_trading_days("XX"),
    lambda m, c: c.request_trading_days("HK", start="2026-02-30"),
    lambda m, c: c.request_trading_days("HK", code=700),
    lambda m, c: c.request_trading_days("HK", code="700"),
    lambda m, c: c.set_price_reminder(None, "ADD"),
    lambda m, c: c.set_price_reminder("HK.00700", "PUT"),
    lambda m, c: c.set_price_reminder("HK.00700", "ADD", reminder_type="UP"),
    lambda m, c: c.set_price_reminder("HK.00700", "ADD", reminder_freq="OFTEN"),
    lambda m, c: c.set_price_reminder("0700", "ADD"),
    lambda m, c: c.get_price_reminder(5),
    lambda m, c: c.get_price_reminder(market="XX"),
    lambda m, c: c.get_price_reminder(),
    lambda m, c: c.get_price_reminder("0700"),
    lambda m, c: c.get_user_security_group("MINE"),
    lambda m, c: c.get_user_security(5),
    lambda m, c: c.modify_user_security("A", "ADD", 5),
    lambda m, c: c.modify_user_security("A", "ADD", [5]),
    lambda m, c: c.modify_user_security("A", "PUT", ["HK.00700"]),
    lambda m, c: c.modify_user_security("A", m.ModifyUserSecurityOp.ADD, ["00700", "x"]),
]


@pytest.mark.parametrize("call", BAD_CALLS)
def test_validation_errors_equal_futu_api(gateway_and_contexts, call) -> None:
    gw, theirs, ours = gateway_and_contexts
    mark = len(gw.requests)
    expected = call(futu, theirs)
    assert not _sent(gw, mark), "futu-api sent a request; not a validation case"
    got = call(of, ours)
    assert not _sent(gw, mark)
    assert expected[0] == futu.RET_ERROR
    assert_same(expected, got)


def test_filter_stock_data_lookup_by_filter() -> None:
    rsp = filled_response(Qot_StockFilter_pb2, 3)
    item = rsp.s2c.dataList.add()
    item.security.market, item.security.code, item.name = 1, "00700", "TENCENT"
    item.baseDataList.add(fieldName=3, value=400.0)  # CUR_PRICE
    item.accumulateDataList.add(fieldName=1, value=2.5, days=5)  # CHANGE_RATE
    kdj = item.customIndicatorDataList.add(fieldName=50, klType=2, value=61.0)  # KDJ_K
    kdj.fieldParaList.extend([9, 3, 3])
    data = of.FilterStockData(item)
    simple = of.SimpleFilter()
    simple.stock_field = of.StockField.CUR_PRICE
    acc = of.AccumulateFilter()
    acc.stock_field, acc.days = of.StockField.CHANGE_RATE, 5
    assert data[simple] == 400.0 and data[acc] == 2.5
    assert data.stock_code == "HK.00700" and data.stock_name == "TENCENT"
    ind = of.CustomIndicatorFilter()
    ind.stock_field1, ind.stock_field2, ind.ktype = of.StockField.KDJ_K, of.StockField.VALUE, \
        of.KLType.K_DAY
    their_ind = futu.CustomIndicatorFilter()
    their_ind.stock_field1, their_ind.stock_field2, their_ind.ktype = ind.stock_field1, \
        ind.stock_field2, ind.ktype
    theirs = futu.FilterStockData(_as_official(item))
    assert data[ind] == theirs[their_ind] == {"kdj_k(9,3,3)": 61.0}
    assert data.__dict__ == theirs.__dict__
    with pytest.raises(KeyError):
        data["cur_price"]


def _as_official(item: Any) -> Any:
    from futu.common.pb import Qot_StockFilter_pb2 as official

    out = official.StockData()
    out.ParseFromString(item.SerializePartialToString())
    return out


def test_seeded_replies_cover_absent_and_present_fields() -> None:
    # the filler must leave optional fields out sometimes, or the N/A paths go untested
    rng_states = [filled_response(Qot_GetSecuritySnapshot_pb2, s) for s in SEEDS]
    flags = {any(r.basic.HasField("askPrice") for r in rsp.s2c.snapshotList) for rsp in rng_states}
    assert flags == {True, False} or len(rng_states) < 2
    assert random.Random(1).random() == random.Random(1).random()


# futu-api crashes inside its request packing on these and returns the Python
# exception text; we return a plain error instead (README: SDK differences)
CLEARER_ERRORS: list[tuple[Callable[[Any, Any], Any], str]] = [
    (lambda m, c: c.get_stock_basicinfo("HK", "NOPE"), "stock_type is NOPE, which is not valid"),
    (lambda m, c: c.get_warrant("bad"), "format of code bad is wrong"),
    (lambda m, c: c.get_referencestock_list("HK.00700", None),
     "the type of reference_type param is wrong"),
    (lambda m, c: c.request_history_kline("HK.00700", session="LATE"), "session is LATE"),
]


@pytest.mark.parametrize("call,text", CLEARER_ERRORS)
def test_clear_errors_where_futu_api_crashes(gateway_and_contexts, call, text) -> None:
    gw, theirs, ours = gateway_and_contexts
    mark = len(gw.requests)
    expected = call(futu, theirs)
    got = call(of, ours)
    assert not _sent(gw, mark)
    assert expected[0] == got[0] == futu.RET_ERROR
    assert text in got[1] and text not in expected[1]


def test_async_context_gives_the_sync_results() -> None:
    """AsyncQuoteContext runs the very same calls: equal results for every case."""
    import asyncio

    from openfutu.aio import AsyncQuoteContext

    with FakeGateway() as gw:
        with of.OpenQuoteContext(port=gw.port) as sync_ctx:
            expected = []
            for _, proto, reply, call in CASES:
                gw.replies[proto] = reply(11)
                expected.append(call(of, sync_ctx))

        class Awaiting:
            """Lets the sync case lambdas call the async context."""

            def __init__(self, ctx: Any) -> None:
                self.ctx = ctx

            def __getattr__(self, name: str) -> Any:
                return getattr(self.ctx, name)

        async def main() -> list[Any]:
            results = []
            async with AsyncQuoteContext(port=gw.port) as ctx:
                for _, proto, reply, call in CASES:
                    gw.replies[proto] = reply(11)
                    results.append(await call(of, Awaiting(ctx)))
                ret, msg = await ctx.get_market_snapshot([])
                assert ret == of.RET_ERROR and "code param" in msg
            return results

        got = asyncio.run(main())
    for a, b in zip(expected, got):
        assert_same(a, b)
