"""OpenQuoteContext: the futu-api quote context on the shared core."""

from __future__ import annotations

from typing import Any, Iterable

from openfutu.protocol.pb import Qot_GetBasicQot_pb2, Qot_Sub_pb2

from . import parsing
from .constants import ERROR_STR_PREFIX, KLINE_SUBTYPE_LIST, RET_ERROR, RET_OK
from .context import OpenContextBase
from .enums import SecurityFirm, Session, SubType

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
