"""OpenQuoteContext: the futu-api quote context on the shared core."""

from __future__ import annotations

from typing import Any, Iterable

from openfutu.protocol.pb import Qot_RegQotPush_pb2, Qot_Sub_pb2

from . import parsing
from . import quote_calls as calls
from .constants import ERROR_STR_PREFIX, KLINE_SUBTYPE_LIST, RET_ERROR, RET_OK
from .context import OpenContextBase
from .enums import SecurityFirm, Session, SubType
from .quote_calls import sync_method

Result = tuple[int, Any]


def _unique(items: Any) -> list[Any]:
    if isinstance(items, str):
        items = [items]
    out: list[Any] = []
    for item in items or []:
        if item not in out:
            out.append(item)
    return out


def _set_header(c2s: Any, security_firm: str) -> None:
    ok, firm = SecurityFirm.to_number(security_firm)
    if ok:
        c2s.header.securityFirm = firm


class OpenQuoteContext(OpenContextBase):
    def __init__(self, host: str = "127.0.0.1", port: int = 11111, is_encrypt: bool | None = None,
                 is_async_connect: bool = False, security_firm: str = SecurityFirm.NONE,
                 ai_type: int = 0) -> None:
        self._security_firm = security_firm
        self._ai_type = ai_type
        # (is_detailed_orderbook, extended_time, session) -> {code: set(subtypes)}
        self._subscriptions: dict[tuple[bool, bool, str], dict[str, set[str]]] = {}
        super().__init__(host, port, is_encrypt, is_async_connect)

    # -- subscriptions (docs: subscribe / unsubscribe) ---------------------------
    @staticmethod
    def _check_subscribe(code_list: Any, subtype_list: Any) -> tuple[str | None, list[str], list[str]]:
        codes, subtypes = _unique(code_list), _unique(subtype_list)
        if not codes:
            return ERROR_STR_PREFIX + "code_list is null", codes, subtypes
        if not subtypes:
            return ERROR_STR_PREFIX + "subtype_list is null", codes, subtypes
        for subtype in subtypes:
            if not SubType.if_has_key(subtype):
                return (ERROR_STR_PREFIX + f"subtype is {subtype} , which is wrong. "
                        f"({SubType.get_all_keys()})"), codes, subtypes
        for code in codes:
            split = parsing.split_code(code)
            if isinstance(split, str):
                return split, codes, subtypes
        return None, codes, subtypes

    @staticmethod
    def _sub_request(codes: Iterable[str], subtypes: Iterable[str], is_sub: bool, first_push: bool,
                     reg_push: bool, detailed: bool, extended: bool, session: str,
                     firm: str) -> Qot_Sub_pb2.Request:
        req = Qot_Sub_pb2.Request()
        c2s = req.c2s
        for code in codes:
            market, symbol = parsing.split_code(code)  # type: ignore[misc]
            c2s.securityList.add(market=market, code=symbol)
        c2s.subTypeList.extend(SubType.wire(s) for s in subtypes)
        c2s.isSubOrUnSub = is_sub
        c2s.isFirstPush = first_push
        c2s.isRegOrUnRegPush = reg_push
        c2s.isSubOrderBookDetail = detailed
        c2s.extendedTime = extended
        c2s.session = Session.to_number(session)[1] if Session.if_has_key(session) else 0
        _set_header(c2s, firm)
        return req

    def subscribe(self, code_list: Any, subtype_list: Any, is_first_push: bool = True,
                  subscribe_push: bool = True, is_detailed_orderbook: bool = False,
                  extended_time: bool = False, session: str = Session.NONE) -> Result:
        error, codes, subtypes = self._check_subscribe(code_list, subtype_list)
        if error:
            return RET_ERROR, error
        req = self._sub_request(codes, subtypes, True, is_first_push, subscribe_push,
                                is_detailed_orderbook, extended_time, session, self._security_firm)
        ret, rsp = self._request(3001, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        book = self._subscriptions.setdefault((is_detailed_orderbook, extended_time, session), {})
        for code in codes:
            book.setdefault(code, set()).update(subtypes)
        return RET_OK, None

    def unsubscribe(self, code_list: Any, subtype_list: Any, unsubscribe_all: bool = False) -> Result:
        req = Qot_Sub_pb2.Request()
        if unsubscribe_all:
            req.c2s.isUnsubAll = True
            req.c2s.isSubOrUnSub = False
            _set_header(req.c2s, self._security_firm)
            codes: list[str] = []
            subtypes: list[str] = []
        else:
            error, codes, subtypes = self._check_subscribe(code_list, subtype_list)
            if error:
                return RET_ERROR, error
            req = self._sub_request(codes, subtypes, False, False, False, False, False,
                                    Session.NONE, self._security_firm)
        ret, rsp = self._request(3001, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        if unsubscribe_all:
            self._subscriptions.clear()
            return RET_OK, None
        for book in self._subscriptions.values():
            for code in codes:
                book.get(code, set()).difference_update(subtypes)
        # like futu-api, also unregister the pushes (3002); its answer changes nothing
        self._request(3002, self._unregister_push_request(codes, subtypes))
        return RET_OK, None

    def _unregister_push_request(self, codes: list[str], subtypes: list[str]) -> Any:
        req = Qot_RegQotPush_pb2.Request()
        for code in codes:
            market, symbol = parsing.split_code(code)  # type: ignore[misc]
            req.c2s.securityList.add(market=market, code=symbol)
        req.c2s.subTypeList.extend(SubType.wire(s) for s in subtypes)
        req.c2s.isRegOrUnReg = False
        req.c2s.isFirstPush = False
        _set_header(req.c2s, self._security_firm)
        return req

    def unsubscribe_all(self) -> Result:
        return self.unsubscribe(None, None, True)

    async def _restore_session(self) -> None:
        """Re-issue every recorded subscription, grouped by identical
        parameters, K-line types in batches of ≤100 code×type (spec §11)."""
        for (detailed, extended, session), book in self._subscriptions.items():
            by_types: dict[frozenset[str], list[str]] = {}
            for code, subtypes in book.items():
                if subtypes:
                    by_types.setdefault(frozenset(subtypes), []).append(code)
            for subtypes, codes in by_types.items():
                kl = sorted(s for s in subtypes if s in KLINE_SUBTYPE_LIST)
                other = sorted(s for s in subtypes if s not in KLINE_SUBTYPE_LIST)
                for group, size in ((kl, max(1, 100 // max(1, len(kl)))), (other, 100)):
                    for start in range(0, len(codes) if group else 0, size):
                        req = self._sub_request(codes[start:start + size], group, True, True, True,
                                                detailed, extended, session, self._security_firm)
                        await self._conn.request(3001, req)

    # -- every pull: validation, request and parsing live in quote_calls -------
    get_stock_quote = sync_method(calls.get_stock_quote)
    get_cur_kline = sync_method(calls.get_cur_kline)
    get_rt_ticker = sync_method(calls.get_rt_ticker)
    get_rt_data = sync_method(calls.get_rt_data)
    get_order_book = sync_method(calls.get_order_book)
    get_broker_queue = sync_method(calls.get_broker_queue)
    get_market_snapshot = sync_method(calls.get_market_snapshot)
    query_subscription = sync_method(calls.query_subscription)
    get_stock_basicinfo = sync_method(calls.get_stock_basicinfo)
    get_market_state = sync_method(calls.get_market_state)
    get_capital_flow = sync_method(calls.get_capital_flow)
    get_capital_distribution = sync_method(calls.get_capital_distribution)
    get_owner_plate = sync_method(calls.get_owner_plate)
    request_history_kline = sync_method(calls.request_history_kline)
    get_history_kl_quota = sync_method(calls.get_history_kl_quota)
    get_rehab = sync_method(calls.get_rehab)
    get_option_expiration_date = sync_method(calls.get_option_expiration_date)
    get_option_chain = sync_method(calls.get_option_chain)
    get_warrant = sync_method(calls.get_warrant)
    get_referencestock_list = sync_method(calls.get_referencestock_list)
    get_future_info = sync_method(calls.get_future_info)
    get_stock_filter = sync_method(calls.get_stock_filter)
    get_plate_stock = sync_method(calls.get_plate_stock)
    get_plate_list = sync_method(calls.get_plate_list)
    get_ipo_list = sync_method(calls.get_ipo_list)
    request_trading_days = sync_method(calls.request_trading_days)
    set_price_reminder = sync_method(calls.set_price_reminder)
    get_price_reminder = sync_method(calls.get_price_reminder)
    get_user_security_group = sync_method(calls.get_user_security_group)
    get_user_security = sync_method(calls.get_user_security)
    modify_user_security = sync_method(calls.modify_user_security)
