"""The synchronous futu-api facade over the asyncio core.

Every context shares one background event-loop thread (started by the first
context, stopped and joined when the last one closes). Pushes are handed to a
per-context delivery thread through a queue, so a slow handler never stalls
the network loop or another context's pushes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import queue
import threading
from typing import Any, Awaitable, Callable, TypeVar

from google.protobuf.message import Message

from openfutu.protocol.pb import GetGlobalState_pb2, Notify_pb2

from . import handlers as hb
from .connection import (
    NO_RSA_KEY,
    Connection,
    ConnectionError_,
    ConnectionSettings,
    LinkEvent,
)
from .constants import RET_ERROR, RET_OK, ContextStatus
from .parsing import parse_global_state
from .sys_config import SysConfig

logger = logging.getLogger("openfutu")
T = TypeVar("T")


class _SharedLoop:
    """The one event-loop thread of all sync contexts, reference-counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def acquire(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                started = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(started.set)
                    loop.run_forever()
                    loop.run_until_complete(loop.shutdown_asyncgens())
                    loop.close()

                thread = threading.Thread(target=run, name="openfutu-net",
                                          daemon=SysConfig.get_all_thread_daemon())
                thread.start()
                started.wait()
                self._loop, self._thread = loop, thread
            self._users += 1
            return self._loop

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._loop is None:
                return
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        loop.call_soon_threadsafe(loop.stop)
        assert thread is not None
        if thread is not threading.current_thread():
            thread.join()


SHARED_LOOP = _SharedLoop()

# push proto ID -> handler base class (spec §13.1)
HANDLER_PROTOS: dict[type, int] = {
    hb.SysNotifyHandlerBase: 1003,
    hb.KeepAliveHandlerBase: 1004,
    hb.TradeOrderHandlerBase: 2208,
    hb.TradeDealHandlerBase: 2218,
    hb.StockQuoteHandlerBase: 3005,
    hb.CurKlineHandlerBase: 3007,
    hb.RTDataHandlerBase: 3009,
    hb.TickerHandlerBase: 3011,
    hb.OrderBookHandlerBase: 3013,
    hb.BrokerHandlerBase: 3015,
    hb.PriceReminderHandlerBase: 3019,
}


class PushDelivery:
    """A queue and one thread that call the user's handlers in order."""

    _STOP = object()

    def __init__(self, name: str) -> None:
        self.handlers: dict[int, hb.RspHandlerBase] = {}
        self.running = True  # start()/stop() toggle delivery
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name,
                                        daemon=SysConfig.get_all_thread_daemon())
        self._thread.start()

    def put(self, proto_id: int, rsp: Message) -> None:
        # decided on arrival: a push that lands while stopped is never delivered
        if self.running:
            self._queue.put((proto_id, rsp))

    def close(self) -> None:
        self._queue.put(self._STOP)
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is self._STOP:
                return
            proto_id, rsp = item
            handler = self.handlers.get(proto_id)
            if handler is None or not self.running:
                continue
            try:
                handler.on_recv_rsp(rsp)
            except Exception:
                logger.exception("push handler for proto %s raised", proto_id)


class OpenContextBase:
    """What every futu-api context shares: connect, request, handlers, close."""

    def __init__(self, host: str = "127.0.0.1", port: int = 11111, is_encrypt: bool | None = None,
                 is_async_connect: bool = False) -> None:
        encrypt = SysConfig.is_proto_encrypt() if is_encrypt is None else bool(is_encrypt)
        rsa_key = SysConfig.get_init_rsa_obj()
        if encrypt and rsa_key is None:
            raise AssertionError(NO_RSA_KEY)
        self._host, self._port = host, port
        self._status = ContextStatus.START
        self._closed = False
        self._delivery = PushDelivery(f"openfutu-push-{type(self).__name__}")
        self._loop = SHARED_LOOP.acquire()
        settings = ConnectionSettings(
            host=host, port=port, is_encrypt=encrypt, rsa_key=rsa_key,
            proto_fmt=SysConfig.get_proto_fmt(), client_id=SysConfig.get_client_id(),
            client_ver=SysConfig.get_client_ver(),
        )
        self._conn = Connection(settings, push_sink=self._delivery.put,
                                event_sink=self._on_link_event, restore=self._restore_after_reconnect)
        self._status = ContextStatus.CONNECTING
        future = asyncio.run_coroutine_threadsafe(self._conn.start_with_retry(), self._loop)
        if not is_async_connect:
            try:
                future.result()
            except BaseException:
                self.close()
                raise

    # -- futu-api surface --------------------------------------------------
    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # best effort, like futu-api
        try:
            if not self._closed:
                self.close()
        except Exception:
            pass

    @property
    def status(self) -> str:
        return self._status

    @property
    def reconnect_interval(self) -> float:
        return self._conn.settings.reconnect_interval

    @reconnect_interval.setter
    def reconnect_interval(self, value: float) -> None:
        self._conn.settings = dataclasses.replace(self._conn.settings, reconnect_interval=float(value))

    def set_sync_query_connect_timeout(self, timeout: float) -> None:
        self._conn.settings = dataclasses.replace(self._conn.settings, connect_timeout=float(timeout))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._status = ContextStatus.CLOSING
        try:
            asyncio.run_coroutine_threadsafe(self._conn.close(), self._loop).result()
        finally:
            self._delivery.close()
            SHARED_LOOP.release()
            self._status = ContextStatus.CLOSED

    def start(self) -> None:
        """Resume push delivery (docs L1430-L1489)."""
        self._delivery.running = True

    def stop(self) -> None:
        """Pause push delivery; the connection stays open."""
        self._delivery.running = False

    def set_handler(self, handler: hb.RspHandlerBase) -> int:
        for base, proto_id in HANDLER_PROTOS.items():
            if isinstance(handler, base):
                self._delivery.handlers[proto_id] = handler
                return RET_OK
        return RET_ERROR

    def get_sync_conn_id(self) -> int:
        return self._conn.session.conn_id if self._conn.session else 0

    def get_async_conn_id(self) -> int:
        return self.get_sync_conn_id()

    def get_login_user_id(self) -> int:
        return self._conn.session.login_user_id if self._conn.session else 0

    def is_encrypt(self) -> bool:
        return self._conn.settings.is_encrypt

    def get_global_state(self) -> tuple[int, dict[str, Any] | str]:
        req = GetGlobalState_pb2.Request()
        req.c2s.userID = self.get_login_user_id()
        ret, rsp = self._request(1002, req)
        if ret != RET_OK:
            return ret, rsp
        return RET_OK, parse_global_state(rsp.s2c)

    # -- plumbing for subclasses -------------------------------------------
    def _run(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)  # type: ignore[arg-type]

    def _request(self, proto_id: int, req: Message, serial_no: int | None = None) -> tuple[int, Any]:
        """(RET_OK, Response message) or (RET_ERROR, message text)."""
        if self._closed:
            return RET_ERROR, "The context is closed"
        try:
            rsp = self._run(self._conn.request(proto_id, req, serial_no=serial_no))
        except ConnectionError_ as exc:
            return RET_ERROR, str(exc)
        except concurrent.futures.CancelledError:
            return RET_ERROR, "The context is closed"
        if rsp.retType != 0:
            return RET_ERROR, rsp.retMsg or f"retType {rsp.retType}"
        return RET_OK, rsp

    def _next_serial(self) -> int:
        return self._run(_call(self._conn.next_serial))

    def _on_link_event(self, event: LinkEvent) -> None:
        if event in (LinkEvent.READY, LinkEvent.RECONNECTED):
            self._status = ContextStatus.READY
        elif event is LinkEvent.DISCONNECTED:
            self._status = ContextStatus.WAIT_RECONNECT
            self._delivery.put(1003, _conn_status_notify(False, False))

    async def _restore_after_reconnect(self) -> None:
        await self._restore_session()
        req = GetGlobalState_pb2.Request()
        req.c2s.userID = self.get_login_user_id()
        rsp = await self._conn.request(1002, req)
        if rsp.retType == 0:
            self._delivery.put(1003, _conn_status_notify(rsp.s2c.qotLogined, rsp.s2c.trdLogined))

    async def _restore_session(self) -> None:
        """Subclasses re-subscribe / re-unlock here after a reconnect."""


async def _call(fn: Callable[[], T]) -> T:
    return fn()


def _conn_status_notify(qot: bool, trd: bool) -> Notify_pb2.Response:
    """A CONN_STATUS notification the SDK itself raises when its own link to
    the gateway drops (both False) or comes back (the gateway's state)."""
    rsp = Notify_pb2.Response(retType=0)
    rsp.s2c.type = 3  # NotifyType.ConnStatus
    rsp.s2c.connectStatus.qotLogined = qot
    rsp.s2c.connectStatus.trdLogined = trd
    return rsp
