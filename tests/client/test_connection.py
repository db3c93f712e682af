"""The asyncio connection core against a fake gateway."""

from __future__ import annotations

import asyncio
from functools import lru_cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from openfutu.client.connection import (
    NO_RSA_KEY,
    Connection,
    ConnectionLost,
    ConnectionSettings,
    LinkEvent,
    RequestTimeout,
)
from openfutu.protocol.crypto import PacketEncAlgo
from openfutu.protocol.pb import GetGlobalState_pb2, Notify_pb2

from .fake_gateway import FakeGateway


@lru_cache(maxsize=1)
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def global_state_reply(req):
    rsp = GetGlobalState_pb2.Response(retType=0)
    s2c = rsp.s2c
    s2c.marketHK = s2c.marketUS = s2c.marketSH = s2c.marketSZ = s2c.marketHKFuture = 3
    s2c.qotLogined = s2c.trdLogined = True
    s2c.serverVer = 1001
    s2c.serverBuildNo = 1
    s2c.time = 1700000000 + req.c2s.userID % 7
    return rsp


def gs_request() -> GetGlobalState_pb2.Request:
    req = GetGlobalState_pb2.Request()
    req.c2s.userID = 0
    return req


async def eventually(predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.01)


@pytest.mark.parametrize(
    "fmt,encrypt,algo,mode",
    [
        (0, False, PacketEncAlgo.AES_CBC, "plain"),
        (1, False, PacketEncAlgo.AES_CBC, "plain"),
        (0, True, PacketEncAlgo.AES_CBC, "cbc"),
        (0, True, PacketEncAlgo.FTAES_ECB, "ftaes-ecb"),
        (1, True, PacketEncAlgo.FTAES_ECB, "ftaes-ecb"),
    ],
)
def test_init_connect_request_and_push_in_every_mode(fmt, encrypt, algo, mode) -> None:
    key = rsa_key() if encrypt else None
    with FakeGateway(rsa_key=key) as gw:
        gw.replies[1002] = global_state_reply
        pushes: list[tuple[int, object]] = []

        async def main() -> None:
            conn = Connection(
                ConnectionSettings(port=gw.port, is_encrypt=encrypt, rsa_key=key, proto_fmt=fmt,
                                   enc_algo=algo),
                push_sink=lambda pid, msg: pushes.append((pid, msg)),
            )
            session = await conn.start()
            assert session.conn_id == 101 and session.login_user_id == 12345678
            assert session.keepalive_interval == 10 and session.encrypted == encrypt
            rsp = await conn.request(1002, gs_request())
            assert rsp.retType == 0 and rsp.s2c.serverVer == 1001 and rsp.s2c.qotLogined
            notify = Notify_pb2.Response(retType=0)
            notify.s2c.type = 3
            notify.s2c.connectStatus.qotLogined = True
            notify.s2c.connectStatus.trdLogined = False
            gw.push_all(1003, notify)
            await eventually(lambda: pushes)
            await conn.close()

        asyncio.run(main())
        assert gw.session_modes == [mode]
        init = gw.init_requests[0]
        assert init.clientID == "PyNormal" and init.clientVer == 300 and init.recvNotify
        assert init.pushProtoFmt == fmt and init.programmingLanguage == "Python"
        assert init.packetEncAlgo == (int(algo) if encrypt else -1)
        pid, msg = pushes[0]
        assert pid == 1003 and msg.s2c.type == 3 and msg.s2c.connectStatus.qotLogined


def test_encrypted_without_key_is_refused() -> None:
    with pytest.raises(ValueError, match="set_init_rsa_file"):
        Connection(ConnectionSettings(is_encrypt=True))
    assert "SysConfig.set_init_rsa_file" in NO_RSA_KEY


def test_serials_increase_and_concurrent_requests_match() -> None:
    with FakeGateway() as gw:
        def reply(req):
            rsp = global_state_reply(req)
            return rsp

        gw.replies[1002] = reply

        async def main() -> list[int]:
            conn = Connection(ConnectionSettings(port=gw.port))
            await conn.start()
            reqs = []
            for i in range(20):
                r = gs_request()
                r.c2s.userID = i
                reqs.append(conn.request(1002, r))
            rsps = await asyncio.gather(*reqs)
            await conn.close()
            return [r.s2c.time for r in rsps]

        times = asyncio.run(main())
        assert times == [1700000000 + i % 7 for i in range(20)]
        assert gw.serials == sorted(gw.serials) and len(set(gw.serials)) == len(gw.serials)


def test_request_timeout_and_failure_when_not_ready() -> None:
    with FakeGateway() as gw:
        gw.replies[1002] = lambda req: None  # never answers

        async def main() -> None:
            conn = Connection(ConnectionSettings(port=gw.port, request_timeout=0.2))
            with pytest.raises(ConnectionLost):
                await conn.request(1002, gs_request())
            await conn.start()
            with pytest.raises(RequestTimeout, match="PacketErr.Timeout"):
                await conn.request(1002, gs_request())
            await conn.close()
            with pytest.raises(ConnectionLost):
                await conn.request(1002, gs_request())

        asyncio.run(main())


def test_reconnect_reinitialises_restores_and_reports() -> None:
    key = rsa_key()
    with FakeGateway(rsa_key=key) as gw:
        gw.replies[1002] = global_state_reply
        events: list[LinkEvent] = []
        restored: list[int] = []

        async def main() -> None:
            conn: Connection

            async def restore() -> None:
                # the link must already be usable when restore runs
                rsp = await conn.request(1002, gs_request())
                restored.append(rsp.retType)

            conn = Connection(
                ConnectionSettings(port=gw.port, is_encrypt=True, rsa_key=key,
                                   reconnect_interval=0.05),
                event_sink=events.append,
                restore=restore,
            )
            first = await conn.start()
            never = asyncio.ensure_future(conn.request(1002, gs_request(), timeout=30))
            gw.replies[1002] = lambda req: None
            await asyncio.sleep(0.05)
            gw.replies[1002] = global_state_reply
            gw.drop_all()
            with pytest.raises(ConnectionLost, match="Disconnect"):
                await never
            await eventually(lambda: LinkEvent.RECONNECTED in events)
            assert conn.session.conn_id != first.conn_id
            rsp = await conn.request(1002, gs_request())
            assert rsp.retType == 0
            await conn.close()

        asyncio.run(main())
        assert events == [LinkEvent.READY, LinkEvent.DISCONNECTED, LinkEvent.RECONNECTED,
                          LinkEvent.CLOSED]
        assert restored == [0]
        assert len(gw.init_requests) == 2 and gw.session_modes == ["cbc", "cbc"]


def test_reconnect_backs_off_while_the_gateway_refuses() -> None:
    with FakeGateway() as gw:
        events: list[LinkEvent] = []

        async def main() -> None:
            conn = Connection(ConnectionSettings(port=gw.port, reconnect_interval=0.02,
                                                 reconnect_max=0.08), event_sink=events.append)
            await conn.start()
            gw.refuse_connections = True
            gw.drop_all()
            await eventually(lambda: LinkEvent.DISCONNECTED in events)
            await asyncio.sleep(0.3)
            assert conn.ready is False
            gw.refuse_connections = False
            await eventually(lambda: LinkEvent.RECONNECTED in events)
            await conn.close()

        asyncio.run(main())
        assert len(gw.init_requests) == 2


def test_keepalive_follows_the_server_interval() -> None:
    with FakeGateway(keepalive_interval=1) as gw:
        async def main() -> None:
            conn = Connection(ConnectionSettings(port=gw.port))
            session = await conn.start()
            assert session.keepalive_interval == 1
            await eventually(lambda: gw.received[1004] >= 1, timeout=5)
            await conn.close()

        asyncio.run(main())
        alive = [req for pid, req in gw.requests if pid == 1004]
        assert alive and alive[0].c2s.time > 1_600_000_000


def test_silence_drops_and_reconnects() -> None:
    with FakeGateway(keepalive_interval=100) as gw:
        events: list[LinkEvent] = []

        async def main() -> None:
            conn = Connection(ConnectionSettings(port=gw.port, silence_timeout=0.3,
                                                 reconnect_interval=0.02), event_sink=events.append)
            await conn.start()
            await eventually(lambda: LinkEvent.RECONNECTED in events)
            await conn.close()

        asyncio.run(main())
        assert LinkEvent.DISCONNECTED in events
