"""An in-process gateway on a background thread, for tests and notebooks:

    with InProcessGateway(openfutu_clock="virtual") as gw:
        ctx = OpenQuoteContext(port=gw.port)
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from .config import GatewayConfig, load_config
from .server import Gateway


class InProcessGateway:
    """Runs a Gateway on its own event-loop thread. Settings are config
    keys (``api_port=0`` picks a free port, the default here)."""

    def __init__(
        self, config: GatewayConfig | None = None, bind_host: str | None = None, **settings: Any
    ) -> None:
        if config is None:
            settings.setdefault("api_port", 0)
            config = load_config([f"-{key}={value}" for key, value in settings.items()])
        self.config = config
        self.bind_host = bind_host
        self.gateway: Gateway | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self.gateway is not None, "gateway not started"
        return self.gateway.port

    def start(self) -> "InProcessGateway":
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self.gateway = Gateway(self.config)
                loop.run_until_complete(self.gateway.start(self.bind_host))
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.gateway.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="openfutu-gateway", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        return self

    def call(self, fn: Any, *args: Any) -> Any:
        """Run ``fn(*args)`` on the gateway's loop and return its result."""
        assert self._loop is not None

        async def invoke() -> Any:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(invoke(), self._loop).result()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop = None
        self._thread = None

    def __enter__(self) -> "InProcessGateway":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RawConnection:
    """A blocking protocol client on a plain socket, for tests and benches
    that need to see or break the wire (no SDK in between)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
        import socket

        from openfutu.protocol.stream import PacketStream, Role

        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.stream = PacketStream(Role.CLIENT)
        self._serial = 0
        self._pending: list[Any] = []

    def next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, proto_id: int, c2s: Any, proto_fmt: int = 0, serial: int | None = None) -> int:
        from openfutu.protocol.codec import encode_message
        from openfutu.protocol.pb import catalog

        request = catalog.module(proto_id).Request()
        request.c2s.CopyFrom(c2s)
        serial = self.next_serial() if serial is None else serial
        self.sock.sendall(self.stream.encode(proto_id, serial, encode_message(request, proto_fmt), proto_fmt))
        return serial

    def receive(self) -> Any:
        """The next packet as (proto_id, serial_no, Response message)."""
        from openfutu.protocol.codec import decode_message
        from openfutu.protocol.pb import catalog

        while not self._pending:
            data = self.sock.recv(1 << 16)
            if not data:
                raise ConnectionError("connection closed by the gateway")
            self._pending.extend(self.stream.receive_data(data))
        packet = self._pending.pop(0)
        try:
            response_type = catalog.module(packet.proto_id).Response
        except LookupError:
            response_type = catalog.module(1004).Response
        return packet.proto_id, packet.serial_no, decode_message(response_type, packet.body, packet.proto_fmt)

    def request(self, proto_id: int, c2s: Any, proto_fmt: int = 0) -> Any:
        """Send and wait for the matching response (pushes are skipped)."""
        serial = self.send(proto_id, c2s, proto_fmt)
        while True:
            got_id, got_serial, response = self.receive()
            if (got_id, got_serial) == (proto_id, serial):
                return response

    def init_connect(self, **fields: Any) -> Any:
        from openfutu.protocol.pb import InitConnect_pb2

        c2s = InitConnect_pb2.C2S(clientVer=100, clientID="raw", recvNotify=False, packetEncAlgo=-1)
        for key, value in fields.items():
            setattr(c2s, key, value)
        return self.request(1001, c2s)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "RawConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
