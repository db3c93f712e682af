"""A small scriptable gateway for SDK tests: InitConnect in every mode,
KeepAlive, canned replies per proto ID, pushes and forced disconnects. It
runs on its own event-loop thread and binds 127.0.0.1 on a free port."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf.message import Message

from openfutu.protocol.codec import decode_message, encode_message
from openfutu.protocol.crypto import PacketEncAlgo, body_cipher
from openfutu.protocol.pb import InitConnect_pb2, KeepAlive_pb2, catalog
from openfutu.protocol.stream import PacketStream, Role

AES_KEY = "0123456789abcdef"
AES_IV = "fedcba9876543210"

# proto_id -> fn(request message) -> Response message, or None for "no reply"
Reply = Callable[[Message], Message | None]


class FakeConn:
    def __init__(self, server: "FakeGateway", writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.writer = writer
        self.stream = PacketStream(Role.SERVER, server.rsa_key)
        self.push_fmt = 0
        self.push_serial = 0
        self.conn_id = 0

    def send(self, proto_id: int, serial: int, rsp: Message, fmt: int, rsa_body: bool = False) -> None:
        self.writer.write(self.stream.encode(proto_id, serial, encode_message(rsp, fmt), fmt,
                                             rsa_encrypt_body=rsa_body))

    def push(self, proto_id: int, rsp: Message) -> None:
        self.push_serial += 1
        self.send(proto_id, self.push_serial, rsp, self.push_fmt)


class FakeGateway:
    def __init__(self, rsa_key: rsa.RSAPrivateKey | None = None, keepalive_interval: int = 10,
                 offer_cbc: bool | None = None) -> None:
        self.rsa_key = rsa_key
        self.keepalive_interval = keepalive_interval
        self.offer_cbc = offer_cbc  # None: honour the client's packetEncAlgo
        self.replies: dict[int, Reply] = {}
        self.received: Counter[int] = Counter()
        self.requests: list[tuple[int, Message]] = []
        self.serials: list[int] = []
        self.init_requests: list[InitConnect_pb2.C2S] = []
        self.session_modes: list[str] = []
        self.conns: list[FakeConn] = []
        self.refuse_connections = False
        self.port = 0
        self._next_conn = 100
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def __enter__(self) -> "FakeGateway":
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            self._server.close()
            for conn in self.conns:
                conn.writer.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-gateway", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def call(self, fn: Callable[[], object]) -> object:
        assert self._loop is not None

        async def invoke() -> object:
            return fn()

        return asyncio.run_coroutine_threadsafe(invoke(), self._loop).result(5)

    def push_all(self, proto_id: int, rsp: Message) -> None:
        self.call(lambda: [c.push(proto_id, rsp) for c in self.conns])

    def drop_all(self) -> None:
        def drop() -> None:
            for conn in self.conns:
                conn.writer.transport.abort()
            self.conns.clear()

        self.call(drop)

    # -- serving -----------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse_connections:
            writer.close()
            return
        conn = FakeConn(self, writer)
        self.conns.append(conn)
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for packet in conn.stream.receive_data(data):
                    self._on_packet(conn, packet)
        except (ConnectionError, OSError):
            pass
        finally:
            if conn in self.conns:
                self.conns.remove(conn)
            writer.close()

    def _on_packet(self, conn: FakeConn, packet) -> None:
        self.received[packet.proto_id] += 1
        self.serials.append(packet.serial_no)
        module = catalog.module(packet.proto_id)
        req = decode_message(module.Request, packet.body, packet.proto_fmt)
        if packet.proto_id == 1001:
            self._init_connect(conn, packet, req)
            return
        self.requests.append((packet.proto_id, req))
        if packet.proto_id == 1004:
            rsp = KeepAlive_pb2.Response(retType=0)
            rsp.s2c.time = req.c2s.time
        elif packet.proto_id in self.replies:
            rsp = self.replies[packet.proto_id](req)
            if rsp is None:
                return
        else:
            rsp = module.Response(retType=-1, retMsg=f"fake gateway: no reply for {packet.proto_id}")
        conn.send(packet.proto_id, packet.serial_no, rsp, packet.proto_fmt)

    def _init_connect(self, conn: FakeConn, packet, req: InitConnect_pb2.Request) -> None:
        c2s = req.c2s
        self.init_requests.append(c2s)
        conn.push_fmt = c2s.pushProtoFmt if c2s.HasField("pushProtoFmt") else 0
        self._next_conn += 1
        conn.conn_id = self._next_conn
        rsp = InitConnect_pb2.Response(retType=0)
        s2c = rsp.s2c
        s2c.serverVer = 1001
        s2c.loginUserID = 12345678
        s2c.connID = conn.conn_id
        s2c.connAESKey = AES_KEY
        s2c.keepAliveInterval = self.keepalive_interval
        encrypted = self.rsa_key is not None and c2s.packetEncAlgo != PacketEncAlgo.NONE
        cbc = self.offer_cbc if self.offer_cbc is not None else c2s.packetEncAlgo == PacketEncAlgo.AES_CBC
        if encrypted and cbc:
            s2c.aesCBCiv = AES_IV
        conn.send(1001, packet.serial_no, rsp, packet.proto_fmt, rsa_body=encrypted)
        if encrypted:
            key = AES_KEY.encode()
            cipher = (body_cipher(PacketEncAlgo.AES_CBC, key, AES_IV.encode()) if cbc
                      else body_cipher(PacketEncAlgo.FTAES_ECB, key))
            conn.stream.start_session_cipher(cipher)
            self.session_modes.append("cbc" if cbc else "ftaes-ecb")
        else:
            self.session_modes.append("plain")
