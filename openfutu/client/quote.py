"""OpenQuoteContext: the futu-api quote context on the shared core."""

from __future__ import annotations

from typing import Any, Iterable

from openfutu.protocol.pb import (
    Qot_GetBasicQot_pb2,
    Qot_GetKL_pb2,
    Qot_GetOrderBook_pb2,
    Qot_GetRT_pb2,
    Qot_GetTicker_pb2,
    Qot_Sub_pb2,
)

from . import parsing
from .constants import ERROR_STR_PREFIX, KLINE_SUBTYPE_LIST, RET_ERROR, RET_OK
from .context import OpenContextBase
from .enums import AuType, KLType, OrderBookType, SecurityFirm, Session, SubType

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
        else:
            for book in self._subscriptions.values():
                for code in codes:
                    book.get(code, set()).difference_update(subtypes)
        return RET_OK, None

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

    # -- real-time pulls -------------------------------------------------------
    def get_stock_quote(self, code_list: Any) -> Result:
        codes = _unique(code_list)
        if not codes:
            return RET_ERROR, ERROR_STR_PREFIX + "the type of code_list param is wrong"
        req = Qot_GetBasicQot_pb2.Request()
        for code in codes:
            split = parsing.split_code(code)
            if isinstance(split, str):
                return RET_ERROR, split
            req.c2s.securityList.add(market=split[0], code=split[1])
        _set_header(req.c2s, self._security_firm)
        ret, rsp = self._request(3004, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        return RET_OK, parsing.stock_quote_frame(rsp.s2c.basicQotList)

    # -- single-security pulls (need a subscription on the gateway side) ------
    def _security_request(self, message_type: Any, code: Any,
                          type_error: str = "the type of code param is wrong") -> Any:
        """A request with c2s.security set, or an error text."""
        if not isinstance(code, str):
            return ERROR_STR_PREFIX + type_error
        split = parsing.split_code(code)
        if isinstance(split, str):
            return split
        req = message_type()
        req.c2s.security.market, req.c2s.security.code = split
        _set_header(req.c2s, self._security_firm)
        return req

    def get_cur_kline(self, code: str, num: int, ktype: str = KLType.K_DAY,
                      autype: str = AuType.QFQ) -> Result:
        if not isinstance(ktype, str):
            return RET_ERROR, ERROR_STR_PREFIX + "the type of ktype param is wrong"
        if num is None or not isinstance(num, int):
            return RET_ERROR, ERROR_STR_PREFIX + "the type of num param is wrong"
        if autype is not None and not isinstance(autype, str):
            return RET_ERROR, ERROR_STR_PREFIX + "the type of autype param is wrong"
        req = self._security_request(Qot_GetKL_pb2.Request, code)
        if isinstance(req, str):
            return RET_ERROR, req
        if not KLType.if_has_key(ktype):
            return RET_ERROR, (ERROR_STR_PREFIX + f"ktype is {ktype}, which is not valid. "
                               f"({KLType.get_all_keys()})")
        if not AuType.if_has_key(autype):
            return RET_ERROR, (ERROR_STR_PREFIX + f"autype is {autype}, which is not valid. "
                               f"({AuType.get_all_keys()})")
        if num < 0:
            return RET_ERROR, ERROR_STR_PREFIX + f"num is {num}, which is less than 0"
        req.c2s.rehabType = AuType.wire(autype)
        req.c2s.klType = KLType.wire(ktype)
        req.c2s.reqNum = num
        ret, rsp = self._request(3006, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        data = parsing.records_frame(rsp.s2c, rsp.s2c.klList, parsing.KLINE)
        return RET_OK, data[CUR_KLINE_COLUMNS]

    def get_rt_ticker(self, code: str, num: int = 500) -> Result:
        if num is None or not isinstance(num, int):
            return RET_ERROR, ERROR_STR_PREFIX + "the type of num param is wrong"
        req = self._security_request(Qot_GetTicker_pb2.Request, code)
        if isinstance(req, str):
            return RET_ERROR, req
        req.c2s.maxRetNum = num
        ret, rsp = self._request(3010, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        data = parsing.records_frame(rsp.s2c, rsp.s2c.tickerList, parsing.TICKER)
        return RET_OK, data[RT_TICKER_COLUMNS]

    def get_rt_data(self, code: str) -> Result:
        req = self._security_request(Qot_GetRT_pb2.Request, code,
                                     "the type of param in code is wrong")
        if isinstance(req, str):
            return RET_ERROR, req
        ret, rsp = self._request(3008, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        data = parsing.records_frame(rsp.s2c, rsp.s2c.rtList, parsing.RT_DATA)
        return RET_OK, data[RT_DATA_COLUMNS]

    def get_order_book(self, code: str, num: int = 10, order_book_type: str | None = None) -> Result:
        req = self._security_request(Qot_GetOrderBook_pb2.Request, code)
        if isinstance(req, str):
            return RET_ERROR, req
        if order_book_type is not None:
            if not OrderBookType.if_has_key(order_book_type):
                return RET_ERROR, ERROR_STR_PREFIX + "the type of order_book_type param is wrong"
            req.c2s.orderBookType = OrderBookType.wire(order_book_type)
        req.c2s.num = num
        ret, rsp = self._request(3012, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        return RET_OK, parsing.order_book_dict(rsp.s2c)


# pull results use other column orders than the matching pushes (futu-api facts)
CUR_KLINE_COLUMNS = ["code", "name", "time_key", "open", "close", "high", "low", "volume",
                     "turnover", "pe_ratio", "turnover_rate", "last_close"]
RT_TICKER_COLUMNS = ["code", "name", "time", "price", "volume", "turnover", "ticker_direction",
                     "sequence", "type"]
RT_DATA_COLUMNS = ["code", "name", "time", "is_blank", "opened_mins", "cur_price", "last_close",
                   "avg_price", "volume", "turnover"]
