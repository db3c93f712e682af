"""The async API: the same methods as the sync contexts, awaitable, on the
caller's event loop, with pushes as async iterators.

    async with AsyncQuoteContext(port=gw.port) as ctx:
        ret, state = await ctx.get_global_state()
        await ctx.subscribe(["HK.00700"], [SubType.QUOTE])
        async for ret, frame in ctx.pushes(StockQuoteHandlerBase):
            ...

``records(frame)`` turns any futu-api DataFrame result into typed,
immutable row records (one NamedTuple class per column set).
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any, AsyncIterator, Callable, NamedTuple

import pandas as pd
from google.protobuf.message import Message

from openfutu.protocol.pb import GetGlobalState_pb2, Qot_Sub_pb2

from . import handlers as hb
from . import parsing
from .connection import NO_RSA_KEY, Connection, ConnectionError_, ConnectionSettings
from .constants import RET_ERROR, RET_OK
from .context import HANDLER_PROTOS
from .enums import KLType, SecurityFirm, Session, SubType
from .quote import OpenQuoteContext
from .quote_calls import QUOTE_CALLS, async_method
from .sys_config import SysConfig

Result = tuple[int, Any]
PUSH_BUFFER = 10_000  # per iterator; the oldest push is dropped beyond this


class AsyncContextBase:
    def __init__(self, host: str = "127.0.0.1", port: int = 11111,
                 is_encrypt: bool | None = None) -> None:
        encrypt = SysConfig.is_proto_encrypt() if is_encrypt is None else bool(is_encrypt)
        rsa_key = SysConfig.get_init_rsa_obj()
        if encrypt and rsa_key is None:
            raise AssertionError(NO_RSA_KEY)
        self._iterators: dict[int, list[asyncio.Queue[Message]]] = collections.defaultdict(list)
        self._conn = Connection(
            ConnectionSettings(host=host, port=port, is_encrypt=encrypt, rsa_key=rsa_key,
                               proto_fmt=SysConfig.get_proto_fmt(),
                               client_id=SysConfig.get_client_id(),
                               client_ver=SysConfig.get_client_ver()),
            push_sink=self._on_push, restore=self._restore_session,
        )

    async def connect(self) -> "AsyncContextBase":
        await self._conn.start_with_retry()
        return self

    async def __aenter__(self) -> Any:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._conn.close()

    def get_sync_conn_id(self) -> int:
        return self._conn.session.conn_id if self._conn.session else 0

    def get_login_user_id(self) -> int:
        return self._conn.session.login_user_id if self._conn.session else 0

    async def _request(self, proto_id: int, req: Message) -> Result:
        try:
            rsp = await self._conn.request(proto_id, req)
        except ConnectionError_ as exc:
            return RET_ERROR, str(exc)
        if rsp.retType != 0:
            return RET_ERROR, rsp.retMsg or f"retType {rsp.retType}"
        return RET_OK, rsp

    async def get_global_state(self) -> Result:
        req = GetGlobalState_pb2.Request()
        req.c2s.userID = self.get_login_user_id()
        ret, rsp = await self._request(1002, req)
        return (ret, rsp) if ret != RET_OK else (RET_OK, parsing.parse_global_state(rsp.s2c))

    async def pushes(self, handler_class: type[hb.RspHandlerBase]) -> AsyncIterator[Any]:
        """Yield what ``handler_class().on_recv_rsp`` returns, for every push of
        its kind, until the context closes."""
        proto_id = next((p for base, p in HANDLER_PROTOS.items() if issubclass(handler_class, base)),
                        None)
        if proto_id is None:
            raise TypeError(f"{handler_class!r} is not a push handler class")
        handler = handler_class()
        q: asyncio.Queue[Message] = asyncio.Queue()
        self._iterators[proto_id].append(q)
        try:
            while not self._conn.closed:
                yield handler.on_recv_rsp(await q.get())
        finally:
            self._iterators[proto_id].remove(q)

    def _on_push(self, proto_id: int, rsp: Message) -> None:
        for q in self._iterators.get(proto_id, ()):
            if q.qsize() >= PUSH_BUFFER:
                q.get_nowait()
            q.put_nowait(rsp)

    async def _restore_session(self) -> None:
        """Subclasses re-subscribe after a reconnect."""


class AsyncQuoteContext(AsyncContextBase):
    def __init__(self, host: str = "127.0.0.1", port: int = 11111, is_encrypt: bool | None = None,
                 security_firm: str = SecurityFirm.NONE) -> None:
        super().__init__(host, port, is_encrypt)
        self._security_firm = security_firm
        self._subscriptions: list[tuple[list[str], list[str], bool, bool, str]] = []

    async def subscribe(self, code_list: Any, subtype_list: Any, is_first_push: bool = True,
                        subscribe_push: bool = True, is_detailed_orderbook: bool = False,
                        extended_time: bool = False, session: str = Session.NONE) -> Result:
        error, codes, subtypes = OpenQuoteContext._check_subscribe(code_list, subtype_list)
        if error:
            return RET_ERROR, error
        req = OpenQuoteContext._sub_request(codes, subtypes, True, is_first_push, subscribe_push,
                                            is_detailed_orderbook, extended_time, session,
                                            self._security_firm)
        ret, rsp = await self._request(3001, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        self._subscriptions.append((codes, subtypes, is_detailed_orderbook, extended_time, session))
        return RET_OK, None

    async def unsubscribe_all(self) -> Result:
        req = Qot_Sub_pb2.Request()
        req.c2s.isUnsubAll = True
        req.c2s.isSubOrUnSub = False
        ret, rsp = await self._request(3001, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        self._subscriptions.clear()
        return RET_OK, None

    async def unsubscribe(self, code_list: Any, subtype_list: Any,
                          unsubscribe_all: bool = False) -> Result:
        if unsubscribe_all:
            return await self.unsubscribe_all()
        error, codes, subtypes = OpenQuoteContext._check_subscribe(code_list, subtype_list)
        if error:
            return RET_ERROR, error
        req = OpenQuoteContext._sub_request(codes, subtypes, False, False, False, False, False,
                                            Session.NONE, self._security_firm)
        ret, rsp = await self._request(3001, req)
        if ret != RET_OK:
            return RET_ERROR, rsp
        for entry in self._subscriptions:
            if set(entry[0]) <= set(codes):
                entry[1][:] = [s for s in entry[1] if s not in subtypes]
        return RET_OK, None

    async def quotes(self, code_list: Any) -> AsyncIterator[NamedTuple]:
        """Subscribe QUOTE for ``code_list`` and yield one typed record per
        quote pushed (the get_stock_quote columns as attributes), built
        straight from the push without a DataFrame, until the context closes."""
        ret, msg = await self.subscribe(code_list, [SubType.QUOTE])
        if ret != RET_OK:
            raise ValueError(msg)
        async for record in self.typed_pushes(hb.StockQuoteHandlerBase):
            yield record

    async def typed_pushes(self, handler_class: type[hb.RspHandlerBase]) -> AsyncIterator[NamedTuple]:
        """One typed record per row of every push of ``handler_class``'s kind
        (quotes, K-lines, tickers, time-share), built without a DataFrame.
        Subscribe first; this only listens."""
        proto_id = next((p for base, p in HANDLER_PROTOS.items() if issubclass(handler_class, base)),
                        None)
        if proto_id not in PUSH_ROWS:
            raise TypeError(f"{handler_class!r} has no typed-record form")
        to_rows = PUSH_ROWS[proto_id]
        async for rsp in self._raw_pushes(proto_id):
            if rsp.retType != 0:
                continue
            for values in to_rows(rsp.s2c):
                yield _record_type(tuple(values))(*values.values())

    async def _raw_pushes(self, proto_id: int) -> AsyncIterator[Message]:
        q: asyncio.Queue[Message] = asyncio.Queue()
        self._iterators[proto_id].append(q)
        try:
            while not self._conn.closed:
                yield await q.get()
        finally:
            self._iterators[proto_id].remove(q)


def _kline_rows(s2c: Any) -> list[dict[str, Any]]:
    ok, k_type = KLType.to_string(s2c.klType)
    return parsing.record_rows(s2c, s2c.klList, parsing.KLINE, {"k_type": k_type if ok else "N/A"})


# push proto ID -> rows of the matching handler's frame, without the frame
PUSH_ROWS: dict[int, Callable[[Any], list[dict[str, Any]]]] = {
    3005: lambda s2c: [parsing.row(q, parsing.STOCK_QUOTE) for q in s2c.basicQotList],
    3007: _kline_rows,
    3009: lambda s2c: parsing.record_rows(s2c, s2c.rtList, parsing.RT_DATA),
    3011: lambda s2c: parsing.record_rows(s2c, s2c.tickerList, parsing.TICKER),
}

for _name, _call in QUOTE_CALLS.items():
    setattr(AsyncQuoteContext, _name, async_method(_call))
del _name, _call

_RECORD_TYPES: dict[tuple[str, ...], type] = {}


def _record_type(columns: tuple[str, ...]) -> type:
    record_type = _RECORD_TYPES.get(columns)
    if record_type is None:
        record_type = collections.namedtuple("Record", columns, rename=True)  # type: ignore[misc]
        _RECORD_TYPES[columns] = record_type
    return record_type


def records(data: pd.DataFrame) -> list[NamedTuple]:
    """Typed rows of a futu-api DataFrame result (attribute access, immutable)."""
    record_type = _record_type(tuple(str(c) for c in data.columns))
    return [record_type(*values) for values in data.itertuples(index=False, name=None)]
