"""Subscriptions and the real-time pulls that need them:
Qot_Sub 3001, Qot_RegQotPush 3002, Qot_GetSubInfo 3003, and get_stock_quote
3004, get_cur_kline 3006, get_rt_data 3008, get_rt_ticker 3010,
get_order_book 3012, get_broker_queue 3014."""

from __future__ import annotations

import asyncio
from typing import Any, Iterable

from openfutu.market.corporate_actions import AuType
from openfutu.market.klines import KLType
from openfutu.market.model import PREFIX_BY_MARKET
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

from ..dispatch import ApiError, RequestContext, handles
from ..push import (
    KNOWN_SUBTYPES,
    ORDER_BOOK_ODD,
    SUB_BROKER,
    SUB_ORDER_BOOK,
    SUB_ORDER_BOOK_ODD,
    SUB_QUOTE,
    SUB_RT,
    SUB_TICKER,
    SUBTYPE_NAMES,
    SUBTYPE_OF_KLTYPE,
    PushHub,
    fill_broker_queue,
    fill_order_book,
    fill_security,
    holding_extended,
    kline_pb,
    order_details,
    parse_security,
    ticker_pb,
    time_share_pb,
)
from ..subscriptions import SubKey, SubscriptionError

MAX_CUR_KLINE = 1000  # docs L2833-L2838: get_cur_kline returns at most 1000 bars
MAX_TICKER = 1000  # docs L2997-L3001: at most the latest 1000 ticks
REHAB_TYPES = frozenset(int(a) for a in AuType)


def _hub(ctx: RequestContext) -> PushHub:
    return ctx.gateway.push_hub


def _codes(ctx: RequestContext, securities: Iterable[Any]) -> list[str]:
    """Security messages -> known codes, or the documented kind of error."""
    hub = _hub(ctx)
    out = []
    for sec in securities:
        try:
            code = parse_security(sec)
            hub.instrument(code)
        except (ValueError, KeyError):
            prefix = PREFIX_BY_MARKET.get(sec.market, sec.market)  # type: ignore[call-overload]
            raise ApiError(f"unknown stock {prefix}.{sec.code}") from None
        out.append(code)
    return list(dict.fromkeys(out))


def _code(ctx: RequestContext, sec: Any) -> str:
    return _codes(ctx, [sec])[0]


def _now_seconds(ctx: RequestContext) -> float:
    return ctx.gateway.services.clock.now().timestamp()


def _check_subtypes(subtypes: Iterable[int], codes: list[str]) -> list[int]:
    out = list(dict.fromkeys(subtypes))
    for subtype in out:
        if subtype not in KNOWN_SUBTYPES:
            raise ApiError(f"unknown SubType {subtype}")
        if subtype in (SUB_BROKER, SUB_ORDER_BOOK_ODD):
            foreign = [c for c in codes if not c.startswith("HK.")]
            if foreign:
                # broker queues and odd-lot books are HK data (docs L2177-L2287)
                raise ApiError(f"{SUBTYPE_NAMES[subtype]} is available for HK securities only: {foreign[0]}")
    return out


def _require(ctx: RequestContext, code: str, subtype: int) -> None:
    """The real-time pulls read subscribed data (docs L2540, L2682, L2764,
    L2852, L2930, L3013: subscribe first)."""
    book = ctx.gateway.services.subscriptions
    if not book.is_subscribed(ctx.session.conn_id, (code, subtype)):
        raise ApiError(
            f"{code} is not subscribed to {SUBTYPE_NAMES.get(subtype, subtype)}: subscribe it first"
        )


# --------------------------------------------------------------------------- 3001


@handles(3001)
def qot_sub(ctx: RequestContext, c2s: Qot_Sub_pb2.C2S) -> Qot_Sub_pb2.S2C:
    services = ctx.gateway.services
    book = services.subscriptions
    conn_id = ctx.session.conn_id
    at = _now_seconds(ctx)
    hub = _hub(ctx)
    if c2s.HasField("isUnsubAll") and c2s.isUnsubAll:
        try:
            book.unsubscribe_all(conn_id, at)
        except SubscriptionError as err:
            raise ApiError(str(err)) from None
        hub.subscriptions_changed()
        return Qot_Sub_pb2.S2C()
    if not c2s.securityList:
        raise ApiError("securityList is empty")
    if not c2s.subTypeList:
        raise ApiError("subTypeList is empty")
    codes = _codes(ctx, c2s.securityList)
    subtypes = _check_subtypes(c2s.subTypeList, codes)
    keys: list[SubKey] = [(code, subtype) for code in codes for subtype in subtypes]
    if not c2s.isSubOrUnSub:
        try:
            book.unsubscribe(conn_id, keys, at)
        except SubscriptionError as err:
            raise ApiError(str(err)) from None
        hub.subscriptions_changed()
        return Qot_Sub_pb2.S2C()
    rehabs = _rehab_types(c2s.regPushRehabTypeList)
    # keys that were not pushing to this connection before (new, or held silently)
    quiet = {k for k in keys if not (book.holding(conn_id, k) and book.holding(conn_id, k).push)}
    options: dict[str, Any] = {
        "first_push": c2s.isFirstPush if c2s.HasField("isFirstPush") else True,
        "extended_time": bool(c2s.extendedTime),
        "detailed_order_book": bool(c2s.isSubOrderBookDetail),
        "session": int(c2s.session),
        "rehab_types": rehabs,
    }
    # absent isRegOrUnRegPush: new holds push, existing ones keep their setting
    if c2s.HasField("isRegOrUnRegPush"):
        options["push"] = bool(c2s.isRegOrUnRegPush)
    try:
        fresh = book.subscribe(conn_id, keys, at, **options)
    except SubscriptionError as err:
        raise ApiError(str(err)) from None
    hub.subscriptions_changed()
    pushing = options.get("push", True)
    if pushing and options["first_push"]:
        targets = [k for k in keys if k in quiet]
        if targets:
            _after_reply(hub.first_push, ctx.session, targets)
    return Qot_Sub_pb2.S2C()


def _rehab_types(values: Iterable[int]) -> tuple[int, ...]:
    out = tuple(dict.fromkeys(int(v) for v in values))
    for v in out:
        if v not in REHAB_TYPES:
            raise ApiError(f"unknown RehabType {v}")
    return out or (int(AuType.QFQ),)


def _after_reply(fn: Any, *args: Any) -> None:
    """Run once the current reply has been written (first pushes come after
    the subscribe reply, as a client expects)."""
    try:
        asyncio.get_running_loop().call_soon(fn, *args)
    except RuntimeError:  # no loop: a direct call from a unit test
        fn(*args)


# --------------------------------------------------------------------------- 3002


@handles(3002)
def reg_qot_push(ctx: RequestContext, c2s: Qot_RegQotPush_pb2.C2S) -> Qot_RegQotPush_pb2.S2C:
    book = ctx.gateway.services.subscriptions
    conn_id = ctx.session.conn_id
    hub = _hub(ctx)
    codes = _codes(ctx, c2s.securityList)
    subtypes = _check_subtypes(c2s.subTypeList, codes)
    keys = [(code, subtype) for code in codes for subtype in subtypes]
    if c2s.isRegOrUnReg:
        missing = [k for k in keys if not book.is_subscribed(conn_id, k)]
        if missing:
            code, subtype = missing[0]
            raise ApiError(f"{code} is not subscribed to {SUBTYPE_NAMES[subtype]}: subscribe it first")
        rehabs = _rehab_types(c2s.rehabTypeList)
        newly = [k for k in keys if not book.holding(conn_id, k).push]  # type: ignore[union-attr]
        book.set_push(conn_id, keys, True, rehabs if c2s.rehabTypeList else None)
        hub.subscriptions_changed()
        first = c2s.isFirstPush if c2s.HasField("isFirstPush") else True
        if first and newly:
            _after_reply(hub.first_push, ctx.session, newly)
    else:
        # unregistering what is not held changes nothing (the SDK sends
        # this right after an unsubscribe)
        book.set_push(conn_id, [k for k in keys if book.is_subscribed(conn_id, k)], False)
        hub.subscriptions_changed()
    return Qot_RegQotPush_pb2.S2C()


# --------------------------------------------------------------------------- 3003


@handles(3003)
def get_sub_info(ctx: RequestContext, c2s: Qot_GetSubInfo_pb2.C2S) -> Qot_GetSubInfo_pb2.S2C:
    book = ctx.gateway.services.subscriptions
    own = ctx.session.conn_id
    s2c = Qot_GetSubInfo_pb2.S2C(totalUsedQuota=book.used, remainQuota=book.remain,
                                 optionUsedQuota=0, optionRemainQuota=0)
    conn_ids = book.connection_ids()
    if not (c2s.HasField("isReqAllConn") and c2s.isReqAllConn):
        conn_ids = [own]
    elif own not in conn_ids:
        conn_ids.append(own)
    for conn_id in conn_ids:
        holdings = book.holdings(conn_id)
        info = s2c.connSubInfoList.add(usedQuota=len(holdings), isOwnConnData=conn_id == own)
        by_type: dict[int, list[str]] = {}
        for code, subtype in holdings:
            by_type.setdefault(subtype, []).append(code)
        for subtype, codes in by_type.items():
            sub = info.subInfoList.add(subType=subtype)
            for code in codes:
                fill_security(sub.securityList.add(), code)
    return s2c


# --------------------------------------------------------------------------- pulls


@handles(3004)
def get_basic_qot(ctx: RequestContext, c2s: Qot_GetBasicQot_pb2.C2S) -> Qot_GetBasicQot_pb2.S2C:
    codes = _codes(ctx, c2s.securityList)
    if not codes:
        raise ApiError("securityList is empty")
    for code in codes:
        _require(ctx, code, SUB_QUOTE)
    hub = _hub(ctx)
    at = hub.now()
    s2c = Qot_GetBasicQot_pb2.S2C()
    for code in codes:
        q = hub.feed.quote(code, at)
        if q is None:
            continue  # no data yet: nothing to report for it (docs L12165-L12169)
        s2c.basicQotList.append(hub.quote_message(code, q, at))
    return s2c


@handles(3006)
def get_kl(ctx: RequestContext, c2s: Qot_GetKL_pb2.C2S) -> Qot_GetKL_pb2.S2C:
    code = _code(ctx, c2s.security)
    try:
        kl_type = KLType(c2s.klType)
    except ValueError:
        raise ApiError(f"unknown KLType {c2s.klType}") from None
    subtype = SUBTYPE_OF_KLTYPE.get(kl_type)
    if subtype is None:
        raise ApiError(f"unknown KLType {c2s.klType}")
    if c2s.rehabType not in REHAB_TYPES:
        raise ApiError(f"unknown RehabType {c2s.rehabType}")
    if c2s.reqNum <= 0:
        raise ApiError("reqNum must be positive")
    _require(ctx, code, subtype)
    hub = _hub(ctx)
    holding = ctx.gateway.services.subscriptions.holding(ctx.session.conn_id, (code, subtype))
    extended = holding_extended(holding)
    bars = hub.feed.bars(code, hub.now(), kl_type, min(c2s.reqNum, MAX_CUR_KLINE),
                         AuType(c2s.rehabType), extended)
    s2c = Qot_GetKL_pb2.S2C(name=hub.name_of(code)[0])
    fill_security(s2c.security, code)
    for bar in bars:
        kline_pb(bar, s2c.klList.add())
    return s2c


@handles(3008)
def get_rt(ctx: RequestContext, c2s: Qot_GetRT_pb2.C2S) -> Qot_GetRT_pb2.S2C:
    code = _code(ctx, c2s.security)
    _require(ctx, code, SUB_RT)
    hub = _hub(ctx)
    holding = ctx.gateway.services.subscriptions.holding(ctx.session.conn_id, (code, SUB_RT))
    points = hub.feed.time_share(code, hub.now(), holding_extended(holding))
    s2c = Qot_GetRT_pb2.S2C(name=hub.name_of(code)[0])
    fill_security(s2c.security, code)
    for p in points:
        time_share_pb(p, s2c.rtList.add())
    return s2c


@handles(3010)
def get_ticker(ctx: RequestContext, c2s: Qot_GetTicker_pb2.C2S) -> Qot_GetTicker_pb2.S2C:
    code = _code(ctx, c2s.security)
    if c2s.maxRetNum < 0:
        raise ApiError("maxRetNum must not be negative")
    _require(ctx, code, SUB_TICKER)
    hub = _hub(ctx)
    ticks = hub.feed.last_ticks(code, hub.now(), min(c2s.maxRetNum, MAX_TICKER))
    s2c = Qot_GetTicker_pb2.S2C(name=hub.name_of(code)[0])
    fill_security(s2c.security, code)
    for t in ticks:
        ticker_pb(t, s2c.tickerList.add())
    return s2c


@handles(3012)
def get_order_book(ctx: RequestContext, c2s: Qot_GetOrderBook_pb2.C2S) -> Qot_GetOrderBook_pb2.S2C:
    code = _code(ctx, c2s.security)
    if c2s.num <= 0:
        raise ApiError("num must be positive")
    odd = c2s.HasField("orderBookType") and c2s.orderBookType == ORDER_BOOK_ODD
    subtype = SUB_ORDER_BOOK_ODD if odd else SUB_ORDER_BOOK
    _require(ctx, code, subtype)
    hub = _hub(ctx)
    depth = min(c2s.num, hub.book_depth(code))
    try:
        book = hub.feed.books.order_book_at(code, hub.now(), depth, odd_lot=odd)
    except (ValueError, KeyError) as err:
        raise ApiError(str(err)) from None
    holding = ctx.gateway.services.subscriptions.holding(ctx.session.conn_id, (code, subtype))
    details = order_details(hub.feed.prices.seed, book) if holding and holding.detailed_order_book else None
    s2c = Qot_GetOrderBook_pb2.S2C()
    fill_order_book(s2c, code, hub.name_of(code)[0], book, depth, details, hub.timezone(code))
    return s2c


@handles(3014)
def get_broker(ctx: RequestContext, c2s: Qot_GetBroker_pb2.C2S) -> Qot_GetBroker_pb2.S2C:
    code = _code(ctx, c2s.security)
    _require(ctx, code, SUB_BROKER)
    hub = _hub(ctx)
    queue = hub.feed.broker_queue(code, hub.now())
    s2c = Qot_GetBroker_pb2.S2C()
    fill_security(s2c.security, code)
    s2c.name = hub.name_of(code)[0]
    if queue is not None:
        fill_broker_queue(s2c, code, hub.name_of(code)[0], queue)
    return s2c

