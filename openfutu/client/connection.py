"""The asyncio connection core shared by every SDK face.

One ``Connection`` is one logical link to a gateway: TCP connect, InitConnect
(plain, JSON, RSA with FTAES-ECB or AES-CBC), keepalive, request/response
matching by serial number, push delivery to a sink, and reconnect with
backoff. It runs entirely on one event loop; the sync facade runs that loop on
a background thread, the async API uses the caller's loop.

What a reconnect does (the lifecycle the official SDK shows, spec §11): all
pending requests fail at once, a new TCP connection and a fresh InitConnect
are made after a growing delay, then the owner's ``restore`` coroutine
re-subscribes and re-unlocks before the link counts as ready again.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf.message import Message

from openfutu.protocol.codec import BodyDecodeError, decode_message, encode_message
from openfutu.protocol.crypto import PacketEncAlgo, body_cipher
from openfutu.protocol.frame import HEADER_SIZE, FrameError, FrameHeader, ProtoFmt
from openfutu.protocol.pb import InitConnect_pb2, KeepAlive_pb2, catalog
from openfutu.protocol.stream import Packet, PacketStream, ProtocolViolation, Role

logger = logging.getLogger("openfutu.connection")

INIT_CONNECT = 1001
KEEP_ALIVE = 1004
DEFAULT_KEEPALIVE_INTERVAL = 10  # seconds, assumed before InitConnect answers (spec §11)
KEEPALIVE_FRACTION = 0.8  # heartbeat every 0.8 x the server's interval (spec §11)
SILENCE_TIMEOUT = 33.0  # no bytes received for this long = dead link (spec §11)
REQUEST_TIMEOUT = 12.0  # spec §11
CONNECT_TIMEOUT = 20.0  # spec §11
RECONNECT_INTERVAL = 6.0  # first delay; doubles up to RECONNECT_MAX
RECONNECT_MAX = 60.0
READ_CHUNK = 128 * 1024

# futu-api's error strings for transport failures (str(PacketErr.X))
MSG_TIMEOUT = "PacketErr.Timeout"
MSG_DISCONNECT = "PacketErr.Disconnect"
MSG_NOT_READY = "Connection is not ready"
NO_RSA_KEY = "Conn is encrypted, but no RSA private key file is set. Call SysConfig.set_init_rsa_file."


class ConnectionError_(Exception):
    """A request could not be completed: the text is what the user sees."""


class RequestTimeout(ConnectionError_):
    pass


class ConnectionLost(ConnectionError_):
    pass


class InitConnectFailed(ConnectionError_):
    pass


class LinkEvent(enum.Enum):
    READY = "ready"  # first InitConnect succeeded
    DISCONNECTED = "disconnected"
    RECONNECTED = "reconnected"  # InitConnect and restore done after a loss
    CLOSED = "closed"


@dataclass(frozen=True)
class ConnectionSettings:
    host: str = "127.0.0.1"
    port: int = 11111
    is_encrypt: bool = False
    rsa_key: rsa.RSAPrivateKey | None = None
    proto_fmt: int = ProtoFmt.PROTOBUF
    client_id: str = "PyNormal"
    client_ver: int = 300
    # what an encrypted session asks for; the server's reply decides (aesCBCiv present = CBC)
    enc_algo: PacketEncAlgo = PacketEncAlgo.AES_CBC
    request_timeout: float = REQUEST_TIMEOUT
    connect_timeout: float = CONNECT_TIMEOUT
    silence_timeout: float = SILENCE_TIMEOUT
    auto_reconnect: bool = True
    reconnect_interval: float = RECONNECT_INTERVAL
    reconnect_max: float = RECONNECT_MAX


@dataclass(frozen=True)
class SessionInfo:
    """What InitConnect returned."""

    server_ver: int
    login_user_id: int
    conn_id: int
    keepalive_interval: int
    encrypted: bool
    cbc: bool


PushSink = Callable[[int, Message], None]
EventSink = Callable[[LinkEvent], None]
Restore = Callable[[], Awaitable[None]]


class Connection:
    """One gateway link. All methods must be called on its event loop."""

    def __init__(
        self,
        settings: ConnectionSettings,
        push_sink: PushSink | None = None,
        event_sink: EventSink | None = None,
        restore: Restore | None = None,
    ) -> None:
        if settings.is_encrypt and settings.rsa_key is None:
            raise ValueError(NO_RSA_KEY)
        self.settings = settings
        self.push_sink = push_sink
        self.event_sink = event_sink
        self.restore = restore
        self.session: SessionInfo | None = None
        self._serial = 0
        self._pending: dict[tuple[int, int], asyncio.Future[Message]] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._stream: PacketStream | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._supervisor: asyncio.Task[None] | None = None
        self._ready = False
        self._closed = False
        self._last_recv = 0.0
        self._lost_event = asyncio.Event()
        self.reconnect_count = 0

    # -- public ------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def closed(self) -> bool:
        return self._closed

    def next_serial(self) -> int:
        self._serial = self._serial + 1 if self._serial < 0xFFFFFFFF else 1
        return self._serial

    async def start(self) -> SessionInfo:
        """Connect and InitConnect once; raise on failure (no retry here)."""
        await self._open()
        self._emit(LinkEvent.READY)
        return self._require_session()

    async def start_with_retry(self) -> SessionInfo:
        """Connect, retrying with backoff until it works or ``close()``."""
        delay = self.settings.reconnect_interval
        while True:
            try:
                return await self.start()
            except (OSError, asyncio.TimeoutError, ConnectionError_, ProtocolViolation) as exc:
                if self._closed or not self.settings.auto_reconnect:
                    raise
                logger.info("connect to %s:%s failed (%s); retrying in %.1fs",
                            self.settings.host, self.settings.port, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.reconnect_max)

    async def request(self, proto_id: int, c2s_request: Message, timeout: float | None = None,
                      serial_no: int | None = None) -> Message:
        """Send a Request message and return the decoded Response message
        (retType is the caller's to check). Raises ConnectionError_."""
        if not self._ready:
            raise ConnectionLost(MSG_NOT_READY)
        return await self._send_and_wait(proto_id, c2s_request, timeout, serial_no)

    async def close(self) -> None:
        """Close for good: no reconnect; pending requests fail."""
        if self._closed:
            return
        self._closed = True
        self._ready = False
        if self._supervisor is not None:
            self._supervisor.cancel()
        await self._teardown(MSG_DISCONNECT)
        if self._supervisor is not None:
            try:
                await self._supervisor
            except (asyncio.CancelledError, Exception):
                pass
        self._emit(LinkEvent.CLOSED)

    # -- opening a session ---------------------------------------------------
    async def _open(self) -> None:
        s = self.settings
        self._stream = PacketStream(Role.CLIENT, s.rsa_key)
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(s.host, s.port), s.connect_timeout
        )
        try:
            self.session = await asyncio.wait_for(self._init_connect(), s.request_timeout)
        except BaseException:
            self._drop_transport()
            raise
        self._last_recv = time.monotonic()
        self._ready = True
        self._spawn(self._read_loop())
        self._spawn(self._keepalive_loop())
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def _init_connect(self) -> SessionInfo:
        s = self.settings
        stream = self._require_stream()
        req = InitConnect_pb2.Request()
        c2s = req.c2s
        c2s.clientVer = s.client_ver
        c2s.clientID = s.client_id
        c2s.recvNotify = True
        c2s.packetEncAlgo = int(s.enc_algo if s.is_encrypt else PacketEncAlgo.NONE)
        c2s.pushProtoFmt = int(s.proto_fmt)
        c2s.programmingLanguage = "Python"
        serial = self.next_serial()
        # With a key configured the request is always RSA-encrypted (an
        # RSA-configured OpenD expects that, docs L11668); the reply is RSA
        # only if the session is encrypted.
        data = stream.encode(INIT_CONNECT, serial, encode_message(req, s.proto_fmt), s.proto_fmt,
                             rsa_encrypt_body=s.rsa_key is not None)
        stream.expect_rsa_init_reply = s.is_encrypt
        assert self._writer is not None
        self._writer.write(data)
        await self._writer.drain()
        packet = await self._read_one_packet()
        if packet.proto_id != INIT_CONNECT or packet.serial_no != serial:
            raise InitConnectFailed(f"unexpected packet {packet.proto_id} before InitConnect reply")
        rsp = decode_message(InitConnect_pb2.Response, packet.body, packet.proto_fmt)
        if rsp.retType != 0:
            raise InitConnectFailed(rsp.retMsg or f"InitConnect failed ({rsp.retType})")
        if not rsp.HasField("s2c"):
            raise InitConnectFailed("rsp_pb error")
        s2c = rsp.s2c
        cbc = s2c.HasField("aesCBCiv")
        if s.is_encrypt:
            key = s2c.connAESKey.encode("utf-8")
            if cbc:
                cipher = body_cipher(PacketEncAlgo.AES_CBC, key, s2c.aesCBCiv.encode("utf-8"))
            else:
                cipher = body_cipher(PacketEncAlgo.FTAES_ECB, key)
            stream.start_session_cipher(cipher)
        interval = s2c.keepAliveInterval if s2c.keepAliveInterval > 0 else DEFAULT_KEEPALIVE_INTERVAL
        return SessionInfo(s2c.serverVer, s2c.loginUserID, s2c.connID, interval, s.is_encrypt,
                           cbc and s.is_encrypt)

    async def _read_one_packet(self) -> Packet:
        """Read exactly one frame, so that the session cipher can be switched
        on before anything after the InitConnect reply is decrypted."""
        assert self._reader is not None
        try:
            head = await self._reader.readexactly(HEADER_SIZE)
            header = FrameHeader.unpack(head)
            body = await self._reader.readexactly(header.body_len)
        except asyncio.IncompleteReadError:
            raise ConnectionLost("connection closed during InitConnect") from None
        except FrameError as exc:
            raise ProtocolViolation(str(exc)) from exc
        packets = self._require_stream().receive_data(head + body)
        if len(packets) != 1:
            raise ProtocolViolation("InitConnect reply is not one frame")
        return packets[0]

    # -- running ------------------------------------------------------------
    async def _send_and_wait(self, proto_id: int, message: Message, timeout: float | None,
                             serial_no: int | None = None) -> Message:
        fmt = self.settings.proto_fmt
        serial = serial_no if serial_no is not None else self.next_serial()
        data = self._require_stream().encode(proto_id, serial, encode_message(message, fmt), fmt)
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        key = (proto_id, serial)
        self._pending[key] = future
        try:
            assert self._writer is not None
            self._writer.write(data)
            wait = self.settings.request_timeout if timeout is None else timeout
            return await asyncio.wait_for(asyncio.shield(future), wait)
        except asyncio.TimeoutError:
            logger.warning("proto %s serial %s timed out", proto_id, serial)
            raise RequestTimeout(MSG_TIMEOUT) from None
        finally:
            self._pending.pop(key, None)

    async def _read_loop(self) -> None:
        reader, stream = self._reader, self._require_stream()
        assert reader is not None
        try:
            while True:
                data = await reader.read(READ_CHUNK)
                if not data:
                    raise ConnectionLost("connection closed by the gateway")
                self._last_recv = time.monotonic()
                for packet in stream.receive_data(data):
                    self._on_packet(packet)
        except asyncio.CancelledError:
            raise
        except (OSError, ProtocolViolation, ConnectionError_) as exc:
            logger.info("connection lost: %s", exc)
            self._lost()

    def _on_packet(self, packet: Packet) -> None:
        if catalog.is_push(packet.proto_id):
            self._on_push(packet)
            return
        future = self._pending.get((packet.proto_id, packet.serial_no))
        if future is None:
            if packet.proto_id != KEEP_ALIVE:
                logger.debug("unmatched response proto %s serial %s", packet.proto_id, packet.serial_no)
            return
        try:
            rsp = decode_message(catalog.module(packet.proto_id).Response, packet.body, packet.proto_fmt)
        except BodyDecodeError as exc:
            if not future.done():
                future.set_exception(ConnectionError_(f"proto_id:{packet.proto_id} {exc}"))
            return
        if not future.done():
            future.set_result(rsp)

    def _on_push(self, packet: Packet) -> None:
        if self.push_sink is None:
            return
        try:
            rsp = decode_message(catalog.module(packet.proto_id).Response, packet.body, packet.proto_fmt)
        except (BodyDecodeError, catalog.UnknownProtocol) as exc:
            logger.warning("dropping undecodable push %s: %s", packet.proto_id, exc)
            return
        try:
            self.push_sink(packet.proto_id, rsp)
        except Exception:  # a faulty sink must not kill the connection
            logger.exception("push sink failed for proto %s", packet.proto_id)

    async def _keepalive_loop(self) -> None:
        session = self._require_session()
        period = session.keepalive_interval * KEEPALIVE_FRACTION
        tick = min(1.0, period)
        next_beat = time.monotonic() + period
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if now - self._last_recv >= self.settings.silence_timeout:
                logger.info("no data for %.0fs; dropping the connection", self.settings.silence_timeout)
                self._lost()
                return
            if now >= next_beat:
                next_beat = now + period
                self._send_keepalive()

    def _send_keepalive(self) -> None:
        req = KeepAlive_pb2.Request()
        req.c2s.time = int(time.time())
        fmt = self.settings.proto_fmt
        try:
            assert self._writer is not None
            self._writer.write(self._require_stream().encode(
                KEEP_ALIVE, self.next_serial(), encode_message(req, fmt), fmt))
        except (OSError, RuntimeError) as exc:  # judged by reception, not by this send
            logger.debug("keepalive send failed: %s", exc)

    # -- loss and reconnect -------------------------------------------------
    def _lost(self) -> None:
        if not self._ready:
            return
        self._ready = False
        self._fail_pending(MSG_DISCONNECT)
        self._drop_transport()
        self._emit(LinkEvent.DISCONNECTED)
        self._lost_event.set()

    async def _supervise(self) -> None:
        while not self._closed:
            await self._lost_event.wait()
            self._lost_event.clear()
            if self._closed or not self.settings.auto_reconnect:
                return
            await self._cancel_tasks()
            delay = self.settings.reconnect_interval
            while not self._closed:
                await asyncio.sleep(delay)
                try:
                    await self._open()
                except (OSError, asyncio.TimeoutError, ConnectionError_, ProtocolViolation) as exc:
                    logger.info("reconnect failed (%s); next try in %.1fs", exc, delay)
                    delay = min(delay * 2, self.settings.reconnect_max)
                    continue
                self.reconnect_count += 1
                if self.restore is not None:
                    try:
                        await self.restore()
                    except Exception:
                        logger.exception("restoring subscriptions after reconnect failed")
                self._emit(LinkEvent.RECONNECTED)
                break

    async def _teardown(self, reason: str) -> None:
        self._fail_pending(reason)
        await self._cancel_tasks()
        self._drop_transport()

    async def _cancel_tasks(self) -> None:
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks.clear()

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(ConnectionLost(reason))

    def _drop_transport(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._writer = None
        self._reader = None

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _emit(self, event: LinkEvent) -> None:
        if self.event_sink is not None:
            try:
                self.event_sink(event)
            except Exception:
                logger.exception("link event sink failed")

    def _require_stream(self) -> PacketStream:
        if self._stream is None:
            raise ConnectionLost(MSG_NOT_READY)
        return self._stream

    def _require_session(self) -> SessionInfo:
        if self.session is None:
            raise ConnectionLost(MSG_NOT_READY)
        return self.session
