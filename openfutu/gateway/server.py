"""The gateway: an asyncio TCP server speaking the Futu API protocol."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Hashable, Iterable

from google.protobuf.message import Message

from openfutu.protocol.codec import encode_message
from openfutu.protocol.pb import catalog

from . import handlers  # noqa: F401  (registers the protocol handlers)
from .config import GatewayConfig
from .delay import DelayStatistics
from .push import PushHub
from .services import Services
from .session import ClientSession

log = logging.getLogger("openfutu.gateway")

# A connection that sent nothing for this many keepalive intervals is dead.
KEEPALIVE_MISSES = 3


class Gateway:
    """Owns the listening socket, the sessions and the shared services."""

    def __init__(self, config: GatewayConfig, services: Services | None = None) -> None:
        self.config = config
        self.rsa_key = config.rsa_key
        self.services = services or Services.from_config(config)
        self.sessions: dict[int, ClientSession] = {}
        self.delay_stats = DelayStatistics()
        self._conn_ids = itertools.count(_first_conn_id())
        self._server: asyncio.base_events.Server | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._unnumbered: set[ClientSession] = set()
        self.push_hub = PushHub(self)

    # -- lifecycle -------------------------------------------------------
    async def start(self, bind_host: str | None = None) -> None:
        """Listen on the configured ip and port. ``bind_host`` overrides only
        the socket's address (tests keep to loopback while the configured
        ``ip`` decides the trading rule)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: ClientSession(self),
            bind_host or self.config.ip,
            self.config.api_port,
            reuse_address=True,
        )
        self._watchdog = loop.create_task(self._watch_keepalive())
        self.push_hub.start()
        log.info("openfutu gateway listening on %s:%s", self.config.ip, self.port)

    @property
    def port(self) -> int:
        assert self._server is not None, "gateway not started"
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.push_hub.stop()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._server is not None:
            self._server.close()
            for session in list(self.sessions.values()) + list(self._unnumbered):
                session.close()
            await self._server.wait_closed()
            self._server = None
        self.services.close()

    async def serve_forever(self) -> None:
        await self.start()
        assert self._server is not None
        try:
            await self._server.serve_forever()
        finally:
            await self.stop()

    # -- sessions --------------------------------------------------------
    def session_opened(self, session: ClientSession) -> None:
        self._unnumbered.add(session)

    def register_session(self, session: ClientSession) -> bool:
        """Give the session its connID; False when the connection limit is
        reached (docs L11836: at most 128 API connections)."""
        if session.conn_id:
            # a repeated InitConnect on the same connection keeps its ID
            return True
        if len(self.sessions) >= self.config.openfutu_max_connections:
            return False
        self._unnumbered.discard(session)
        session.conn_id = next(self._conn_ids)
        self.sessions[session.conn_id] = session
        return True

    def session_closed(self, session: ClientSession) -> None:
        self._unnumbered.discard(session)
        if self.sessions.get(session.conn_id) is session:
            del self.sessions[session.conn_id]
            # pushes stop now; the quota units go once a minute old (docs L12130-L12132)
            self.services.subscriptions.connection_closed(
                session.conn_id, self.services.clock.now().timestamp()
            )
        log.debug("connection %s (%s) closed", session.conn_id, session.peer)

    def close_connection(self, conn_id: int | None = None) -> int:
        """Close one API connection, or all when ``conn_id`` is None."""
        targets = list(self.sessions.values()) if conn_id is None else [self.sessions[conn_id]]
        for session in targets:
            session.close()
        return len(targets)

    async def _watch_keepalive(self) -> None:
        window = self.config.openfutu_keepalive_interval * KEEPALIVE_MISSES
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for session in list(self.sessions.values()) + list(self._unnumbered):
                if now - session.last_received > window:
                    log.info(
                        "closing connection %s (%s): silent for over %ss",
                        session.conn_id,
                        session.peer,
                        window,
                    )
                    session.close()

    # -- pushes ----------------------------------------------------------
    def push(self, proto_id: int, s2c: Message, sessions: Iterable[ClientSession],
             coalesce_key: Hashable | None = None) -> None:
        """Send one push to many sessions, encoding it once per format.
        ``coalesce_key`` marks a latest value that a newer push with the same
        key may replace while a slow connection's backlog waits."""
        response = catalog.module(proto_id).Response()
        response.retType = 0
        response.s2c.CopyFrom(s2c)
        encoded: dict[int, bytes] = {}
        for session in sessions:
            if not session.initialized or session.closed:
                continue
            body = encoded.get(session.push_fmt)
            if body is None:
                body = encoded[session.push_fmt] = encode_message(response, session.push_fmt)
            session.send_push(proto_id, body, session.push_fmt, coalesce_key)

    def greet(self, session: ClientSession) -> None:
        """Tell a newly initialised connection the program and login status
        (Notify ProgramStatus and ConnStatus)."""
        from .handlers.system import PROGRAM_STATUS_READY, conn_status_notify, program_status_notify

        self.push(1003, program_status_notify(PROGRAM_STATUS_READY), [session])
        self.push(1003, conn_status_notify(True, True), [session])

    def notify_quote_right(self) -> None:
        """Notify QotRight (1003, type 4; docs L11229, L11294-L11302): the
        account's quote rights, e.g. after request_highest_quote_right took
        them back from another device."""
        from openfutu.protocol.pb import Notify_pb2

        from .handlers.system import QOT_RIGHT_LEVEL1, QOT_RIGHT_LEVEL2

        s2c = Notify_pb2.S2C(type=4)  # Notify.NotifyType_QotRight
        r = s2c.qotRight
        r.hkQotRight = r.usQotRight = r.cnQotRight = QOT_RIGHT_LEVEL2
        r.hkOptionQotRight = r.hkFutureQotRight = r.usOptionQotRight = QOT_RIGHT_LEVEL2
        r.hasUSOptionQotRight = True
        r.usFutureQotRight = r.sgFutureQotRight = r.jpFutureQotRight = QOT_RIGHT_LEVEL1
        r.shQotRight = r.szQotRight = QOT_RIGHT_LEVEL2
        self.notify(s2c)

    def notify(self, s2c: Message) -> None:
        """Notify (1003) to every connection that asked for notifications."""
        self.push(1003, s2c, (s for s in self.sessions.values() if s.recv_notify))


def _first_conn_id() -> int:
    # connIDs only need to be unique per gateway run; starting from the clock
    # keeps IDs from a restarted gateway distinct from the previous run's.
    return (time.time_ns() // 1_000_000) << 8
