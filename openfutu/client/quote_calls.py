"""Every quote pull of OpenQuoteContext, written once for the sync and the
async context.

A quote call is a generator: it checks the arguments (returning futu-api's
error text without sending anything), yields ``(proto_id, request)`` and is
sent back ``(ret, response-or-error-text)``, possibly several times (paged
K-lines), and finally returns the futu-api result. ``OpenQuoteContext`` runs
the generators with blocking requests, ``AsyncQuoteContext`` with awaits, so
both faces validate and parse identically.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Awaitable, Callable, Generator, Protocol

from google.protobuf.message import Message

from openfutu.protocol.pb import (
    Qot_GetBasicQot_pb2,
    Qot_GetBroker_pb2,
    Qot_GetCapitalDistribution_pb2,
    Qot_GetCapitalFlow_pb2,
    Qot_GetFutureInfo_pb2,
    Qot_GetIpoList_pb2,
    Qot_GetKL_pb2,
    Qot_GetMarketState_pb2,
    Qot_GetOptionChain_pb2,
    Qot_GetOptionExpirationDate_pb2,
    Qot_GetOrderBook_pb2,
    Qot_GetOwnerPlate_pb2,
    Qot_GetPlateSecurity_pb2,
    Qot_GetPlateSet_pb2,
    Qot_GetPriceReminder_pb2,
    Qot_GetReference_pb2,
    Qot_GetRT_pb2,
    Qot_GetSecuritySnapshot_pb2,
    Qot_GetStaticInfo_pb2,
    Qot_GetSubInfo_pb2,
    Qot_GetTicker_pb2,
    Qot_GetUserSecurity_pb2,
    Qot_GetUserSecurityGroup_pb2,
    Qot_ModifyUserSecurity_pb2,
    Qot_RequestHistoryKL_pb2,
    Qot_RequestHistoryKLQuota_pb2,
    Qot_RequestRehab_pb2,
    Qot_RequestTradeDate_pb2,
    Qot_SetPriceReminder_pb2,
    Qot_StockFilter_pb2,
)

from . import parsing
from . import quote_results as qr
from .constants import ERROR_STR_PREFIX, KL_FIELD, RET_ERROR, RET_OK
from .dates import DateArgumentError, date_range, normalize_date_time
from .enums import (
    AuType,
    IndexOptionType,
    KLType,
    Market,
    ModifyUserSecurityOp,
    OptionCondType,
    OptionType,
    OrderBookType,
    PeriodType,
    Plate,
    PriceReminderFreq,
    PriceReminderMarketStatus,
    PriceReminderType,
    SecurityFirm,
    SecurityReferenceType,
    SecurityType,
    Session,
    SetPriceReminderOp,
    SortField,
    TradeDateMarket,
    UserSecurityGroupType,
)
from .screening import FILTER_TYPES, FilterStockData, OptionDataFilter, WarrantRequest

Reply = tuple[int, Any]  # (RET_OK, Response) or (RET_ERROR, text)
Call = Generator[tuple[int, Message], Reply, Any]
CODE_LIST_FORMAT = "code list must be like ['HK.00001', 'HK.00700'] or 'HK.00001,HK.00700'"


class QuoteCaller(Protocol):
    _security_firm: str


def _err(text: str) -> tuple[int, str]:
    return RET_ERROR, ERROR_STR_PREFIX + text


def _as_list(items: Any) -> list[Any]:
    """futu-api's list normalisation: falsy -> [], a non-list is one item,
    duplicates dropped in order."""
    if not items:
        return []
    out: list[Any] = []
    for item in items if isinstance(items, list) else [items]:
        if item not in out:
            out.append(item)
    return out


def _code_list_arg(code_list: Any) -> list[Any] | None:
    """A 'A,B' string or a list -> the unique codes; None for other types."""
    if isinstance(code_list, str):
        return _as_list(code_list.split(","))
    if isinstance(code_list, list):
        return _as_list(code_list)
    return None


def _securities(codes: list[Any], target: Any, prefix: str = "") -> str | None:
    """Add every code to a repeated Security field; all bad codes' errors,
    one per line, or None."""
    errors, pairs = [], []
    for code in codes:
        split = parsing.split_code(str(code) if not isinstance(code, str) else code)
        if isinstance(split, str):
            errors.append(prefix + split)
        else:
            pairs.append(split)
    if errors:
        return "\n".join(errors)
    for market, symbol in pairs:
        target.add(market=market, code=symbol)
    return None


def _set_security(target: Any, code: Any) -> str | None:
    split = parsing.split_code(code)
    if isinstance(split, str):
        return split
    target.market, target.code = split
    return None


def _request(module: Any, ctx: QuoteCaller) -> Any:
    """A request of ``module`` with the common quote header set."""
    req = module.Request()
    ok, firm = SecurityFirm.to_number(ctx._security_firm)
    if ok:
        req.c2s.header.securityFirm = firm
    return req


# -- running a call ---------------------------------------------------------------
def run_sync(call: Call, send: Callable[[int, Message], Reply]) -> Any:
    try:
        proto_id, req = next(call)
        while True:
            proto_id, req = call.send(send(proto_id, req))
    except StopIteration as done:
        return done.value


async def run_async(call: Call, send: Callable[[int, Message], Awaitable[Reply]]) -> Any:
    try:
        proto_id, req = next(call)
        while True:
            proto_id, req = call.send(await send(proto_id, req))
    except StopIteration as done:
        return done.value


def _present_as_result(method: Any, fn: Callable[..., Call]) -> None:
    # help() and inspect show the futu-api parameters and a result tuple,
    # not the generator underneath
    method.__annotations__ = {**fn.__annotations__, "return": "tuple"}
    method.__signature__ = inspect.signature(fn).replace(return_annotation="tuple")


def sync_method(fn: Callable[..., Call]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return run_sync(fn(self, *args, **kwargs), self._request)

    _present_as_result(method, fn)
    return method


def async_method(fn: Callable[..., Call]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(fn)
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await run_async(fn(self, *args, **kwargs), self._request)

    _present_as_result(method, fn)
    return method


# -- real-time pulls ----------------------------------------------------------------
def get_stock_quote(self: QuoteCaller, code_list: Any) -> Call:
    codes = _as_list(code_list)
    if not codes:
        return _err("the type of code_list param is wrong")
    req = _request(Qot_GetBasicQot_pb2, self)
    error = _securities(codes, req.c2s.securityList, prefix=ERROR_STR_PREFIX)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3004, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, parsing.stock_quote_frame(rsp.s2c.basicQotList)


def _single(self: QuoteCaller, module: Any, code: Any, type_error: str) -> Any:
    if not isinstance(code, str):
        return ERROR_STR_PREFIX + type_error
    req = _request(module, self)
    return _set_security(req.c2s.security, code) or req


# pull results use other column orders than the matching pushes (futu-api facts)
CUR_KLINE_COLUMNS = ["code", "name", "time_key", "open", "close", "high", "low", "volume",
                     "turnover", "pe_ratio", "turnover_rate", "last_close"]
RT_TICKER_COLUMNS = ["code", "name", "time", "price", "volume", "turnover", "ticker_direction",
                     "sequence", "type"]
RT_DATA_COLUMNS = ["code", "name", "time", "is_blank", "opened_mins", "cur_price", "last_close",
                   "avg_price", "volume", "turnover"]


def get_cur_kline(self: QuoteCaller, code: str, num: int, ktype: str = KLType.K_DAY,
                  autype: str = AuType.QFQ) -> Call:
    if not isinstance(ktype, str):
        return _err("the type of ktype param is wrong")
    if num is None or not isinstance(num, int):
        return _err("the type of num param is wrong")
    if autype is not None and not isinstance(autype, str):
        return _err("the type of autype param is wrong")
    req = _single(self, Qot_GetKL_pb2, code, "the type of code param is wrong")
    if isinstance(req, str):
        return RET_ERROR, req
    if not KLType.if_has_key(ktype):
        return _err(f"ktype is {ktype}, which is not valid. ({KLType.get_all_keys()})")
    if not AuType.if_has_key(autype):
        return _err(f"autype is {autype}, which is not valid. ({AuType.get_all_keys()})")
    if num < 0:
        return _err(f"num is {num}, which is less than 0")
    req.c2s.rehabType = AuType.wire(autype)
    req.c2s.klType = KLType.wire(ktype)
    req.c2s.reqNum = num
    ret, rsp = yield 3006, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    data = parsing.records_frame(rsp.s2c, rsp.s2c.klList, parsing.KLINE)
    return RET_OK, data[CUR_KLINE_COLUMNS]


def get_rt_ticker(self: QuoteCaller, code: str, num: int = 500) -> Call:
    if num is None or not isinstance(num, int):
        return _err("the type of num param is wrong")
    req = _single(self, Qot_GetTicker_pb2, code, "the type of code param is wrong")
    if isinstance(req, str):
        return RET_ERROR, req
    req.c2s.maxRetNum = num
    ret, rsp = yield 3010, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    data = parsing.records_frame(rsp.s2c, rsp.s2c.tickerList, parsing.TICKER)
    return RET_OK, data[RT_TICKER_COLUMNS]


def get_rt_data(self: QuoteCaller, code: str) -> Call:
    req = _single(self, Qot_GetRT_pb2, code, "the type of param in code is wrong")
    if isinstance(req, str):
        return RET_ERROR, req
    ret, rsp = yield 3008, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    data = parsing.records_frame(rsp.s2c, rsp.s2c.rtList, parsing.RT_DATA)
    return RET_OK, data[RT_DATA_COLUMNS]


def get_order_book(self: QuoteCaller, code: str, num: int = 10,
                   order_book_type: str | None = None) -> Call:
    req = _single(self, Qot_GetOrderBook_pb2, code, "the type of code param is wrong")
    if isinstance(req, str):
        return RET_ERROR, req
    if order_book_type is not None:
        if not OrderBookType.if_has_key(order_book_type):
            return _err("the type of order_book_type param is wrong")
        req.c2s.orderBookType = OrderBookType.wire(order_book_type)
    req.c2s.num = num
    ret, rsp = yield 3012, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, parsing.order_book_dict(rsp.s2c)


def get_broker_queue(self: QuoteCaller, code: str) -> Call:
    """(ret, bid_frame, ask_frame); on failure (ret, message, message)."""
    if not isinstance(code, str):
        text = ERROR_STR_PREFIX + "the type of param in code is wrong"
        return RET_ERROR, text, text
    req = _request(Qot_GetBroker_pb2, self)
    error = _set_security(req.c2s.security, code)
    if error:
        return RET_ERROR, error, error
    ret, rsp = yield 3014, req
    if ret != RET_OK:
        return RET_ERROR, rsp, rsp
    _, bid, ask = qr.broker_frames(rsp.s2c)
    return RET_OK, bid, ask


def get_market_snapshot(self: QuoteCaller, code_list: Any) -> Call:
    codes = _as_list(code_list)
    if not codes:
        return _err("the type of code param is wrong")
    req = _request(Qot_GetSecuritySnapshot_pb2, self)
    error = _securities(codes, req.c2s.securityList)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3203, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table((qr.snapshot_row(r) for r in rsp.s2c.snapshotList),
                            qr.SNAPSHOT_COLUMNS)


def query_subscription(self: QuoteCaller, is_all_conn: bool = True) -> Call:
    is_all_conn = bool(is_all_conn)
    req = Qot_GetSubInfo_pb2.Request()
    req.c2s.isReqAllConn = is_all_conn
    ret, rsp = yield 3003, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.subscription_dict(rsp.s2c, is_all_conn)


# -- basic data ---------------------------------------------------------------------
def get_stock_basicinfo(self: QuoteCaller, market: str, stock_type: str = SecurityType.STOCK,
                        code_list: Any = None) -> Call:
    if code_list is None:
        for name, value in (("market", market), ("stock_type", stock_type)):
            if not isinstance(value, str):
                return _err(f"the type of {name} param is wrong")
    elif isinstance(code_list, str):
        code_list = code_list.split(",")
    elif not isinstance(code_list, list):
        return RET_ERROR, CODE_LIST_FORMAT
    codes = _as_list(code_list)
    req = _request(Qot_GetStaticInfo_pb2, self)
    if codes:
        req.c2s.market = 0
        req.c2s.secType = 0
        for code in codes:
            error = _securities([code], req.c2s.securityList)
            if error:
                return RET_ERROR, error
    else:
        if not Market.if_has_key(market):
            return _err(f" market is {market}, which is not valid. ({Market.get_all_keys()})")
        if not SecurityType.if_has_key(stock_type):
            return _err(f" stock_type is {stock_type}, which is not valid. "
                        f"({SecurityType.get_all_keys()})")
        req.c2s.market = Market.wire(market)
        req.c2s.secType = SecurityType.wire(stock_type)
    ret, rsp = yield 3202, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table((qr.static_info_row(i) for i in rsp.s2c.staticInfoList),
                            qr.BASIC_INFO_COLUMNS)


def get_market_state(self: QuoteCaller, code_list: Any) -> Call:
    if isinstance(code_list, str):
        codes = _as_list(code_list.split(","))
    elif isinstance(code_list, list) and code_list:
        codes = _as_list(code_list)
    else:
        return RET_ERROR, CODE_LIST_FORMAT
    if any(not isinstance(c, str) for c in codes):
        return _err("the type of param in code_list is wrong")
    req = _request(Qot_GetMarketState_pb2, self)
    error = _securities(codes, req.c2s.securityList)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3223, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table((qr.market_state_row(i) for i in rsp.s2c.marketInfoList),
                            qr.MARKET_STATE_COLUMNS)


def get_capital_flow(self: QuoteCaller, stock_code: str, period_type: str = PeriodType.INTRADAY,
                     start: str | None = None, end: str | None = None) -> Call:
    if not PeriodType.if_has_key(period_type):
        return _err("the type of period_type param is wrong")
    if period_type != PeriodType.INTRADAY:
        try:
            span = date_range(start, end, 365)  # docs L3176-L3178
        except DateArgumentError as exc:
            return RET_ERROR, str(exc)
        start, end = span.start, span.end
    if not isinstance(stock_code, str):
        return _err("the type of stock_code param is wrong")
    req = _request(Qot_GetCapitalFlow_pb2, self)
    error = _set_security(req.c2s.security, stock_code)
    if error:
        return RET_ERROR, error
    req.c2s.periodType = PeriodType.wire(period_type)
    if start:
        req.c2s.beginTime = start
    if end:
        req.c2s.endTime = end
    ret, rsp = yield 3211, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table(qr.capital_flow_rows(rsp.s2c), qr.CAPITAL_FLOW_COLUMNS)


def get_capital_distribution(self: QuoteCaller, stock_code: str) -> Call:
    if not isinstance(stock_code, str):
        return _err("the type of stock_code param is wrong")
    req = _request(Qot_GetCapitalDistribution_pb2, self)
    error = _set_security(req.c2s.security, stock_code)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3212, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.capital_distribution_frame(rsp.s2c)


def _typed_code_list(code_list: Any) -> list[Any] | tuple[int, str]:
    codes = _code_list_arg(code_list)
    if codes is None:
        return RET_ERROR, CODE_LIST_FORMAT
    if not codes:
        return _err("the type of code param is wrong")
    if any(not isinstance(c, str) for c in codes):
        return _err("the type of param in code_list is wrong")
    return codes


def get_owner_plate(self: QuoteCaller, code_list: Any) -> Call:
    codes = _typed_code_list(code_list)
    if isinstance(codes, tuple):
        return codes
    req = _request(Qot_GetOwnerPlate_pb2, self)
    error = _securities(codes, req.c2s.securityList)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3207, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table(qr.owner_plate_rows(rsp.s2c), qr.OWNER_PLATE_COLUMNS)


def request_history_kline(self: QuoteCaller, code: str, start: str | None = None,
                          end: str | None = None, ktype: str = KLType.K_DAY,
                          autype: str | None = AuType.QFQ, fields: Any = [KL_FIELD.ALL],  # noqa: B006
                          max_count: int | None = 1000, page_req_key: bytes | None = None,
                          extended_time: bool = False, session: str = Session.NONE) -> Call:
    """(ret, frame, next page_req_key or None) — pages of at most 1000 bars are
    fetched until ``max_count`` bars (all with None) or the end of the range."""
    try:
        span = date_range(start, end, 365)  # docs L3419-L3421
    except DateArgumentError as exc:
        return RET_ERROR, str(exc), None
    wanted = _as_list(fields) or list(KL_FIELD.ALL_REAL)
    wanted = KL_FIELD.normalize_field_list(wanted)
    if not wanted:
        return RET_ERROR, ERROR_STR_PREFIX + "the type of fields param is wrong", None
    if autype is None:
        autype = AuType.NONE
    for name, value in (("code", code), ("ktype", ktype), ("autype", autype)):
        if not isinstance(value, str):
            return RET_ERROR, ERROR_STR_PREFIX + f"the type of {name} param is wrong", None
    if not Session.if_has_key(session):
        return RET_ERROR, ERROR_STR_PREFIX + f"session is {session}, which is not valid. " \
            f"({Session.get_all_keys()})", None
    rows: list[dict[str, Any]] = []
    next_key: bytes | None = None
    batch = min(1000, max_count) if max_count is not None else 1000  # max_count=1000 default, docs L3393
    while True:
        req = _request(Qot_RequestHistoryKL_pb2, self)
        error = _set_security(req.c2s.security, code)
        if error:
            return RET_ERROR, error, next_key
        if not KLType.if_has_key(ktype):
            return RET_ERROR, ERROR_STR_PREFIX + f"ktype is {ktype}, which is not valid. " \
                f"({KLType.get_all_keys()})", next_key
        if not AuType.if_has_key(autype):
            return RET_ERROR, ERROR_STR_PREFIX + f"autype is {autype}, which is not valid. " \
                f"({AuType.get_all_keys()})", next_key
        c2s = req.c2s
        c2s.rehabType = AuType.wire(autype)
        c2s.klType = KLType.wire(ktype)
        c2s.beginTime, c2s.endTime = span.start, span.end
        c2s.maxAckKLNum = batch
        c2s.needKLFieldsFlag = KL_FIELD.kl_fields_to_flag_val(wanted)
        if page_req_key is not None:
            c2s.nextReqKey = page_req_key
        if extended_time:
            c2s.extendedTime = True
        c2s.session = Session.wire(session)
        ret, rsp = yield 3103, req
        if ret != RET_OK:
            return ret, rsp, next_key
        has_next = rsp.s2c.HasField("nextReqKey")
        page_req_key = bytes(rsp.s2c.nextReqKey) if has_next else None
        rows.extend(qr.history_kline_rows(rsp.s2c))
        next_key = page_req_key
        if max_count is not None:
            if not (max_count > len(rows) and has_next):
                break
            batch = min(max_count - len(rows), 1000)
        elif not has_next:
            break
    columns = ["code", "name"]
    for field in wanted:
        name = KL_FIELD.DICT_KL_FIELD_STR[field]
        if name not in columns:
            columns.append(name)
    return RET_OK, qr.table(rows, columns), next_key


def get_history_kl_quota(self: QuoteCaller, get_detail: bool = False) -> Call:
    req = _request(Qot_RequestHistoryKLQuota_pb2, self)
    req.c2s.bGetDetail = get_detail
    ret, rsp = yield 3104, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.kl_quota(rsp.s2c)


def get_rehab(self: QuoteCaller, code: str) -> Call:
    req = _request(Qot_RequestRehab_pb2, self)
    error = _set_security(req.c2s.security, str(code))
    if error:
        return RET_ERROR, ERROR_STR_PREFIX + error  # futu-api prefixes this one twice
    ret, rsp = yield 3105, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table((qr.rehab_row(r) for r in rsp.s2c.rehabList), qr.REHAB_COLUMNS)


# -- derivatives --------------------------------------------------------------------
def get_option_expiration_date(self: QuoteCaller, code: str,
                               index_option_type: str = IndexOptionType.NORMAL) -> Call:
    if not isinstance(code, str):
        return _err("the type of code param is wrong")
    ok, index_type = IndexOptionType.to_number(index_option_type)
    if not ok:
        return _err("the type of index_option_type param is wrong")
    req = _request(Qot_GetOptionExpirationDate_pb2, self)
    error = _set_security(req.c2s.owner, code)
    if error:
        return RET_ERROR, error
    req.c2s.indexOptionType = index_type
    ret, rsp = yield 3224, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table((qr.expiration_row(i) for i in rsp.s2c.dateList),
                            qr.EXPIRATION_COLUMNS)


def get_option_chain(self: QuoteCaller, code: str, index_option_type: str = IndexOptionType.NORMAL,
                     start: str | None = None, end: str | None = None,
                     option_type: str = OptionType.ALL, option_cond_type: str = OptionCondType.ALL,
                     data_filter: OptionDataFilter | None = None) -> Call:
    if not isinstance(code, str):
        return _err("the type of code param is wrong")
    ok, index_type = IndexOptionType.to_number(index_option_type)
    if not ok:
        return _err("the type of index_option_type param is wrong")
    if data_filter is not None and not isinstance(data_filter, OptionDataFilter):
        return _err("the type of data_filter param is wrong")
    if not OptionType.if_has_key(option_type):
        return _err("the type of option_type param is wrong")
    if not OptionCondType.if_has_key(option_cond_type):
        return _err("the type of option_cond_type param is wrong")
    try:
        # a 30-day window (both ends counted), from today when no date is given: docs L3703-L3705
        span = date_range(start, end, 29, end_time="00:00:00", anchor_end_today=False)
        begin_time, end_time = normalize_date_time(span.start), normalize_date_time(span.end)
    except DateArgumentError as exc:
        return RET_ERROR, str(exc)
    req = _request(Qot_GetOptionChain_pb2, self)
    error = _set_security(req.c2s.owner, code)
    if error:
        return RET_ERROR, error
    c2s = req.c2s
    c2s.indexOptionType = index_type
    c2s.beginTime, c2s.endTime = begin_time, end_time
    c2s.type = OptionType.wire(option_type)
    c2s.condition = OptionCondType.wire(option_cond_type)
    if data_filter is not None:
        data_filter.fill(c2s.dataFilter)
    ret, rsp = yield 3209, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.option_chain_frame(rsp.s2c)


def get_warrant(self: QuoteCaller, stock_owner: str | None = "",
                req: WarrantRequest | None = None) -> Call:
    """(ret, (frame, last_page, all_count))."""
    if req is None or not isinstance(req, WarrantRequest):
        req = WarrantRequest()
    if stock_owner == Market.HK:
        stock_owner = ""  # 'HK' means every HK warrant
    if stock_owner is not None:
        req.stock_owner = stock_owner
    if not SortField.to_number(req.sort_field)[0]:
        return RET_ERROR, "sort_field is wrong. must be SortField"
    ret, pb = req.fill_request_pb()
    if ret != RET_OK:
        return RET_ERROR, pb
    ret, rsp = yield 3210, pb  # futu-api sends this one without the quote header
    if ret != RET_OK:
        return ret, rsp
    frame = qr.table((qr.warrant_row(w) for w in rsp.s2c.warrantDataList), qr.WARRANT_COLUMNS)
    return RET_OK, (frame, rsp.s2c.lastPage, rsp.s2c.allCount)


def get_referencestock_list(self: QuoteCaller, code: str, reference_type: str) -> Call:
    if not isinstance(code, str):
        return _err("the type of code param is wrong")
    if not SecurityReferenceType.if_has_key(reference_type):
        return _err("the type of reference_type param is wrong")
    req = _request(Qot_GetReference_pb2, self)
    error = _set_security(req.c2s.security, code)
    if error:
        return RET_ERROR, error
    req.c2s.referenceType = SecurityReferenceType.wire(reference_type)
    ret, rsp = yield 3206, req
    if ret != RET_OK:
        return ret, rsp
    rows = [qr.reference_row(i) for i in rsp.s2c.staticInfoList] if rsp.HasField("s2c") else []
    return RET_OK, qr.table(rows, qr.REFERENCE_COLUMNS)


def get_future_info(self: QuoteCaller, code_list: Any) -> Call:
    codes = _typed_code_list(code_list)
    if isinstance(codes, tuple):
        return codes
    req = _request(Qot_GetFutureInfo_pb2, self)
    error = _securities(codes, req.c2s.securityList)
    if error:
        return RET_ERROR, error
    ret, rsp = yield 3218, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table((qr.future_info_row(i) for i in rsp.s2c.futureInfoList),
                            qr.FUTURE_INFO_COLUMNS)


# -- market-wide screening ------------------------------------------------------------
def get_stock_filter(self: QuoteCaller, market: str, filter_list: Any = None,
                     plate_code: str | None = None, begin: int = 0, num: int = 200) -> Call:
    """(ret, (last_page, all_count, [FilterStockData, ...]))."""
    if not Market.if_has_key(market):
        return _err("the value of market param is wrong ")
    if plate_code is not None and not isinstance(plate_code, str):
        return _err("the type of plate_code is wrong")
    if filter_list is None:
        filter_list = []
    if isinstance(filter_list, FILTER_TYPES):
        filter_list = [filter_list]
    if not isinstance(filter_list, list):
        return _err("the type of filter_list is wrong")
    if any(not isinstance(f, FILTER_TYPES) for f in filter_list):
        return _err("the item of filter_list is wrong")
    req = _request(Qot_StockFilter_pb2, self)
    c2s = req.c2s
    c2s.begin, c2s.num, c2s.market = begin, num, Market.wire(market)
    if plate_code is not None:
        error = _set_security(c2s.plate, plate_code)
        if error:
            return RET_ERROR, ERROR_STR_PREFIX + error
    lists = {"SimpleFilter": c2s.baseFilterList, "AccumulateFilter": c2s.accumulateFilterList,
             "FinancialFilter": c2s.financialFilterList, "PatternFilter": c2s.patternFilterList,
             "CustomIndicatorFilter": c2s.customIndicatorFilterList}
    outcome = (RET_OK, "")
    for flt in filter_list:
        target = next(lst for cls, lst in zip(FILTER_TYPES, lists.values()) if isinstance(flt, cls))
        outcome = flt.fill_request_pb(target.add())
    # like futu-api, the last filter's outcome decides
    if outcome[0] != RET_OK:
        return RET_ERROR, outcome[1]
    ret, rsp = yield 3215, req
    if ret != RET_OK:
        return ret, rsp
    s2c = rsp.s2c
    return RET_OK, (s2c.lastPage, s2c.allCount, [FilterStockData(i) for i in s2c.dataList])


def get_plate_stock(self: QuoteCaller, plate_code: str, sort_field: str = SortField.CODE,
                    ascend: bool = True) -> Call:
    if not isinstance(plate_code, str):
        return _err("the type of code is wrong")
    ok, sort_number = SortField.to_number(sort_field)
    if not ok:
        return _err("the type of sort field is wrong")
    req = _request(Qot_GetPlateSecurity_pb2, self)
    error = _set_security(req.c2s.plate, plate_code)
    if error:
        return RET_ERROR, ERROR_STR_PREFIX + error
    req.c2s.sortField = sort_number
    req.c2s.ascend = ascend
    ret, rsp = yield 3205, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table((qr.plate_stock_row(i) for i in rsp.s2c.staticInfoList),
                            qr.PLATE_STOCK_COLUMNS)


def get_plate_list(self: QuoteCaller, market: str, plate_class: str) -> Call:
    if market is None or plate_class is None or not isinstance(market, str):
        return _err("the type of market param is wrong")
    if not Market.if_has_key(market):
        return _err("the value of market param is wrong ")
    if not Plate.if_has_key(plate_class):
        return _err("the class of plate is wrong")
    req = _request(Qot_GetPlateSet_pb2, self)
    req.c2s.market = Market.wire(market)
    req.c2s.plateSetType = Plate.wire(plate_class)
    ret, rsp = yield 3204, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.table((qr.plate_row(i) for i in rsp.s2c.plateInfoList),
                            qr.PLATE_LIST_COLUMNS)


def get_ipo_list(self: QuoteCaller, market: str) -> Call:
    if not Market.if_has_key(market):
        return _err("the value of market param is wrong ")
    req = _request(Qot_GetIpoList_pb2, self)
    req.c2s.market = Market.wire(market)
    ret, rsp = yield 3217, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table((qr.ipo_row(i) for i in rsp.s2c.ipoList), qr.IPO_COLUMNS)


def request_trading_days(self: QuoteCaller, market: str | None = None, start: str | None = None,
                         end: str | None = None, code: str | None = None) -> Call:
    """(ret, [{'time': 'YYYY-MM-DD', 'trade_date_type': ...}, ...])."""
    if market is None:
        market = TradeDateMarket.NONE
    if not isinstance(market, str):
        return _err("the type of market param is wrong")
    try:
        span = date_range(start, end, 365)  # docs L4940-L4942
    except DateArgumentError as exc:
        return RET_ERROR, str(exc)
    if code is not None and not isinstance(code, str):
        return _err("the type of code is wrong")
    if not TradeDateMarket.if_has_key(market):
        return _err(f" market is {market}, which is not valid.")
    req = _request(Qot_RequestTradeDate_pb2, self)
    req.c2s.market = TradeDateMarket.wire(market)
    req.c2s.beginTime = normalize_date_time(span.start)
    req.c2s.endTime = normalize_date_time(span.end)
    if code is not None:
        error = _set_security(req.c2s.security, code)
        if error:
            return RET_ERROR, error
    ret, rsp = yield 3219, req
    if ret != RET_OK:
        return RET_ERROR, rsp
    return RET_OK, qr.trading_days(rsp.s2c)


# -- personalisation ----------------------------------------------------------------
DEFAULT_REMINDER_SESSIONS = [PriceReminderMarketStatus.OPEN, PriceReminderMarketStatus.US_PRE,
                             PriceReminderMarketStatus.US_AFTER]


def set_price_reminder(self: QuoteCaller, code: str, op: str, key: int | None = None,
                       reminder_type: str | None = None, reminder_freq: str | None = None,
                       value: float | None = None, note: str | None = None,
                       reminder_session_list: list[str] = DEFAULT_REMINDER_SESSIONS,  # noqa: B006
                       ) -> Call:
    """(ret, key of the reminder set / changed)."""
    if not isinstance(code, str):
        return _err("the type of code param is wrong")
    if not SetPriceReminderOp.to_number(op)[0]:
        return _err("the type of param in op is wrong")
    if reminder_type is not None and not PriceReminderType.to_number(reminder_type)[0]:
        return _err("the type of param in reminder_type is wrong")
    if reminder_freq is not None and not PriceReminderFreq.to_number(reminder_freq)[0]:
        return _err("the type of param in reminder_freq is wrong")
    sessions = [s for s in reminder_session_list if s != PriceReminderMarketStatus.NONE] \
        or list(DEFAULT_REMINDER_SESSIONS)
    req = _request(Qot_SetPriceReminder_pb2, self)
    c2s = req.c2s
    error = _set_security(c2s.security, code)
    if error:
        return RET_ERROR, error
    c2s.op = SetPriceReminderOp.wire(op)
    if key is not None:
        c2s.key = key
    if reminder_type is not None:
        c2s.type = PriceReminderType.wire(reminder_type)
    if reminder_freq is not None:
        c2s.freq = PriceReminderFreq.wire(reminder_freq)
    if value is not None:
        c2s.value = value
    if note is not None:
        c2s.note = note
    for session in sessions:
        ok, number = PriceReminderMarketStatus.to_number(session)
        if not ok:
            return _err("the type of param in reminder_session_list is wrong")
        c2s.reminderSessionList.append(number)
    ret, rsp = yield 3220, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, rsp.s2c.key


def get_price_reminder(self: QuoteCaller, code: str | None = None,
                       market: str | None = None) -> Call:
    if code is not None and not isinstance(code, str):
        return _err("the type of code param is wrong")
    if code is None and market is not None and not Market.if_has_key(market):
        return _err("the type of param in market is wrong")
    if code is None and market is None:
        return _err("must be use one of these params(code, market)")
    req = _request(Qot_GetPriceReminder_pb2, self)
    if code is not None:
        error = _set_security(req.c2s.security, code)
        if error:
            return RET_ERROR, error
    elif market != Market.NONE:
        req.c2s.market = Market.wire(market)
    ret, rsp = yield 3221, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table(qr.price_reminder_rows(rsp.s2c), qr.PRICE_REMINDER_COLUMNS)


def get_user_security_group(self: QuoteCaller,
                            group_type: str = UserSecurityGroupType.ALL) -> Call:
    ok, number = UserSecurityGroupType.to_number(group_type)
    if not ok:
        return _err("the type of param in group_type is wrong")
    req = _request(Qot_GetUserSecurityGroup_pb2, self)
    req.c2s.groupType = number
    ret, rsp = yield 3222, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, qr.table((qr.group_row(g) for g in rsp.s2c.groupList), qr.GROUP_COLUMNS)


def get_user_security(self: QuoteCaller, group_name: str) -> Call:
    if not isinstance(group_name, str):
        return RET_ERROR, "group_name need str"
    req = _request(Qot_GetUserSecurity_pb2, self)
    req.c2s.groupName = group_name
    ret, rsp = yield 3213, req
    if ret != RET_OK:
        return ret, rsp
    rows = (qr.static_info_row(i, with_exchange=False) for i in rsp.s2c.staticInfoList)
    return RET_OK, qr.table(rows, qr.USER_SECURITY_COLUMNS)


def modify_user_security(self: QuoteCaller, group_name: str, op: str, code_list: Any) -> Call:
    codes = _code_list_arg(code_list)
    if codes is None:
        return RET_ERROR, CODE_LIST_FORMAT
    if any(not isinstance(c, str) for c in codes):
        return _err("the type of param in code_list is wrong")
    ok, op_number = ModifyUserSecurityOp.to_number(op)
    if ok is not True:
        return RET_ERROR, op_number
    req = _request(Qot_ModifyUserSecurity_pb2, self)
    error = _securities(codes, req.c2s.securityList)
    if error:
        return RET_ERROR, error
    req.c2s.groupName = group_name
    req.c2s.op = op_number
    ret, rsp = yield 3214, req
    if ret != RET_OK:
        return ret, rsp
    return RET_OK, "success"


# name -> generator function; both contexts expose every one of these
QUOTE_CALLS: dict[str, Callable[..., Call]] = {
    fn.__name__: fn for fn in (
        get_stock_quote, get_cur_kline, get_rt_ticker, get_rt_data, get_order_book,
        get_broker_queue, get_market_snapshot, query_subscription, get_stock_basicinfo,
        get_market_state, get_capital_flow, get_capital_distribution, get_owner_plate,
        request_history_kline, get_history_kl_quota, get_rehab, get_option_expiration_date,
        get_option_chain, get_warrant, get_referencestock_list, get_future_info,
        get_stock_filter, get_plate_stock, get_plate_list, get_ipo_list, request_trading_days,
        set_price_reminder, get_price_reminder, get_user_security_group, get_user_security,
        modify_user_security,
    )
}
