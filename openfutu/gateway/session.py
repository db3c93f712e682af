"""One API connection: its protocol state and its request loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Hashable

from google.protobuf.message import Message

from openfutu.protocol.codec import BodyDecodeError, decode_message, encode_message
from openfutu.protocol.crypto import BodyCipher
from openfutu.protocol.frame import ProtoFmt
from openfutu.protocol.pb import catalog
from openfutu.protocol.stream import INIT_CONNECT, Packet, PacketStream, ProtocolViolation, Role

from .dispatch import ROUTES, ApiError, RequestContext, RetType, is_trading_protocol

if TYPE_CHECKING:  # pragma: no cover
    from .server import Gateway

log = logging.getLogger("openfutu.gateway")

# Requests queued per connection before we stop reading from its socket.
INBOX_PAUSE_AT = 256
# Bytes in the socket's write buffer above which pushes wait in the
# connection's own backlog instead of piling up in the transport.
PUSH_HIGH_WATER = 256 * 1024
# A reader whose waiting pushes exceed either limit is cut off.
PUSH_BACKLOG_LIMIT = 4 * 1024 * 1024
PUSH_SUPERSEDED_LIMIT = 100_000


class ClientSession(asyncio.Protocol):
    """asyncio protocol for one API connection.

    Requests of one connection are handled in order by one task, so a slow
    handler delays only its own connection.
    """

    def __init__(self, gateway: "Gateway") -> None:
        self.gateway = gateway
        self.conn_id = 0
        self.initialized = False
        self.push_fmt: int = gateway.config.push_proto_type
        self.recv_notify = False
        self.client_id = ""
        self.client_ver = 0
        self.peer: str = "?"
        self.last_received = time.monotonic()
        self.closed = False
        self.stream = PacketStream(Role.SERVER, gateway.rsa_key)
        # set by InitConnect: applied once its response has been written
        self.pending_cipher: BodyCipher | None = None
        self.encrypted_session = False
        # set when a refused InitConnect must end the connection
        self.close_after_reply = False
        self._transport: asyncio.Transport | None = None
        self._inbox: asyncio.Queue[Packet] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._paused = False
        self._push_serial = 0
        # bounded outgoing pushes: ordered backlog + latest values by key
        self.push_high_water = PUSH_HIGH_WATER
        self.push_backlog_limit = PUSH_BACKLOG_LIMIT
        self.push_superseded_limit = PUSH_SUPERSEDED_LIMIT
        self._write_paused = False
        self._backlog: deque[tuple[int, bytes, int]] = deque()
        self._latest: dict[Hashable, tuple[int, bytes, int]] = {}
        self.backlog_bytes = 0
        self.pushes_superseded = 0
        self.pushes_written = 0
        self.cut_for_slowness = False
        # while corked, pushes collect here and go out in one write
        self._cork: list[bytes] | None = None

    # -- asyncio.Protocol ------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        transport.set_write_buffer_limits(high=self.push_high_water)
        self.gateway.session_opened(self)
        self._worker = asyncio.get_running_loop().create_task(self._serve())

    def data_received(self, data: bytes) -> None:
        self.last_received = time.monotonic()
        try:
            packets = self.stream.receive_data(data)
        except ProtocolViolation as exc:
            log.warning("closing connection %s (%s): %s", self.conn_id, self.peer, exc)
            self.close()
            return
        for packet in packets:
            self._inbox.put_nowait(packet)
        if not self._paused and self._inbox.qsize() >= INBOX_PAUSE_AT and self._transport:
            self._transport.pause_reading()
            self._paused = True

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._backlog.clear()
        self._latest.clear()
        self.backlog_bytes = 0
        if self._worker is not None:
            self._worker.cancel()
        self.gateway.session_closed(self)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._flush_pushes()

    # -- output ----------------------------------------------------------
    def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.close()

    def write(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    def write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() if self._transport else 0

    def next_push_serial(self) -> int:
        self._push_serial = (self._push_serial + 1) & 0xFFFFFFFF
        return self._push_serial

    def send_push(self, proto_id: int, body: bytes, proto_fmt: int,
                  coalesce_key: Hashable | None = None) -> None:
        """Write an already encoded push body (encrypted here if needed).

        While the socket cannot take more, pushes wait here: a push with a
        ``coalesce_key`` (a latest value: quote, book, broker queue)
        replaces the waiting one with the same key; others (ticks, bars,
        orders) keep their order.  A reader that falls too far behind is
        disconnected so that it costs neither memory nor other readers."""
        if self.closed or self._transport is None or self._transport.is_closing():
            return
        if not self._write_paused and not self._backlog and not self._latest:
            self._write_push(proto_id, body, proto_fmt)
            return
        if coalesce_key is not None:
            old = self._latest.pop(coalesce_key, None)
            if old is not None:
                self.backlog_bytes -= len(old[1])
                self.pushes_superseded += 1
            self._latest[coalesce_key] = (proto_id, body, proto_fmt)
        else:
            self._backlog.append((proto_id, body, proto_fmt))
        self.backlog_bytes += len(body)
        if self.backlog_bytes > self.push_backlog_limit or self.pushes_superseded > self.push_superseded_limit:
            log.warning(
                "closing connection %s (%s): it reads pushes too slowly "
                "(%d bytes waiting, %d superseded)",
                self.conn_id, self.peer, self.backlog_bytes + self.write_buffer_size(),
                self.pushes_superseded,
            )
            self.cut_for_slowness = True
            self._backlog.clear()
            self._latest.clear()
            self.backlog_bytes = 0
            self._transport.abort()

    def queued_push_bytes(self) -> int:
        """Bytes of pushes not yet taken by the socket (backlog + transport)."""
        return self.backlog_bytes + self.write_buffer_size()

    def _write_push(self, proto_id: int, body: bytes, proto_fmt: int) -> None:
        self.pushes_written += 1
        data = self.stream.encode(proto_id, self.next_push_serial(), body, proto_fmt)
        if self._cork is not None:
            self._cork.append(data)
        else:
            self.write(data)

    def cork(self) -> None:
        """Collect pushes until ``uncork`` (one socket write per push step)."""
        if self._cork is None:
            self._cork = []

    def uncork(self) -> None:
        pending, self._cork = self._cork, None
        if pending:
            self.write(b"".join(pending))

    def _flush_pushes(self) -> None:
        while not self._write_paused and (self._backlog or self._latest):
            if self._backlog:
                proto_id, body, fmt = self._backlog.popleft()
            else:
                key = next(iter(self._latest))
                proto_id, body, fmt = self._latest.pop(key)
            self.backlog_bytes -= len(body)
            self._write_push(proto_id, body, fmt)
            if self.closed:
                return
        if not self._backlog and not self._latest:
            self.pushes_superseded = 0  # caught up: the reader keeps up again

    # -- request loop ----------------------------------------------------
    async def _serve(self) -> None:
        while True:
            packet = await self._inbox.get()
            if self._paused and self._inbox.qsize() < INBOX_PAUSE_AT // 2 and self._transport:
                self._transport.resume_reading()
                self._paused = False
            try:
                await self._handle(packet)
            except asyncio.CancelledError:
                raise
            except Exception:  # a handler bug must not kill the connection
                log.exception("proto %s from connection %s failed", packet.proto_id, self.conn_id)
                self._reply_error(packet, "internal error", RetType.UNKNOWN)

    async def _handle(self, packet: Packet) -> None:
        started = time.perf_counter()
        if not self.initialized and packet.proto_id != INIT_CONNECT:
            self._reply_error(packet, "InitConnect must be the first request on a connection")
            return
        if is_trading_protocol(packet.proto_id) and not self.gateway.config.trading_allowed:
            # docs L504, L1125: a non-local listener needs rsa_private_key to trade
            self._reply_error(
                packet,
                "trading is disabled: OpenD listens on a non-local address without rsa_private_key",
            )
            return
        route = ROUTES.get(packet.proto_id)
        if route is None:
            self._reply_error(packet, f"unknown protocol ID {packet.proto_id}", RetType.INVALID)
            return
        module = catalog.module(packet.proto_id)
        try:
            request = decode_message(module.Request, packet.body, packet.proto_fmt)
        except BodyDecodeError as exc:
            self._reply_error(packet, str(exc), RetType.INVALID)
            return
        if not request.HasField("c2s"):
            self._reply_error(packet, "request has no c2s", RetType.INVALID)
            return
        ctx = RequestContext(self.gateway, self, packet.proto_id, packet.serial_no, packet.proto_fmt)
        try:
            result = route.handler(ctx, request.c2s)
            if route.is_async:
                result = await result
        except ApiError as err:
            self._reply_error(packet, err.message, err.ret_type, err.err_code)
            return
        response = module.Response()
        response.retType = RetType.SUCCEED
        if result is not None:
            response.s2c.CopyFrom(result)
        self._reply(packet, response)
        self.gateway.delay_stats.record_reply(packet.proto_id, time.perf_counter() - started)

    def _reply(self, packet: Packet, response: Message) -> None:
        body = encode_message(response, packet.proto_fmt)
        if packet.proto_id == INIT_CONNECT:
            data = self.stream.encode(
                packet.proto_id,
                packet.serial_no,
                body,
                packet.proto_fmt,
                rsa_encrypt_body=self.encrypted_session,
            )
            self.write(data)
            if self.close_after_reply:
                self.close()
                return
            if self.pending_cipher is not None:
                self.stream.start_session_cipher(self.pending_cipher)
                self.pending_cipher = None
            if response.retType == RetType.SUCCEED and self.recv_notify:
                self.gateway.greet(self)
            return
        self.write(self.stream.encode(packet.proto_id, packet.serial_no, body, packet.proto_fmt))

    def _reply_error(
        self,
        packet: Packet,
        message: str,
        ret_type: int = RetType.FAILED,
        err_code: int | None = None,
    ) -> None:
        response = _error_envelope(packet.proto_id)
        response.retType = ret_type
        response.retMsg = message
        if err_code is not None:
            response.errCode = err_code
        fmt = packet.proto_fmt if packet.proto_fmt in (ProtoFmt.PROTOBUF, ProtoFmt.JSON) else 0
        self._reply(Packet(packet.proto_id, packet.serial_no, fmt, packet.body), response)


def _error_envelope(proto_id: int) -> Any:
    """A Response of this protocol, or of KeepAlive for IDs we do not know
    (every Response shares retType=1, retMsg=2, errCode=3)."""
    try:
        return catalog.module(proto_id).Response()
    except LookupError:
        return catalog.module(1004).Response()
