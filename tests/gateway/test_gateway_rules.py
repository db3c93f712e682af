"""Gateway behaviour on the wire: errors, limits, keepalive, malformed input."""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.frame import build_frame
from openfutu.protocol.pb import GetGlobalState_pb2, KeepAlive_pb2, Trd_GetAccList_pb2


@pytest.fixture(scope="module")
def gateway():
    with InProcessGateway() as gw:
        yield gw


def global_state(conn: RawConnection):
    return conn.request(1002, GetGlobalState_pb2.C2S(userID=0))


def test_init_connect_reply_fields(gateway):
    with RawConnection(gateway.port) as conn:
        reply = conn.init_connect()
        assert reply.retType == 0
        s2c = reply.s2c
        assert s2c.connID > 0 and len(s2c.connAESKey) == 16
        assert s2c.keepAliveInterval == gateway.config.openfutu_keepalive_interval
        assert not s2c.HasField("aesCBCiv")  # no RSA key: plain session


def test_repeated_init_connect_keeps_the_connection(gateway):
    with RawConnection(gateway.port) as conn:
        first = conn.init_connect().s2c.connID
        assert conn.init_connect().s2c.connID == first
        assert global_state(conn).retType == 0


def test_request_before_init_connect_is_refused(gateway):
    with RawConnection(gateway.port) as conn:
        reply = global_state(conn)
        assert reply.retType != 0 and "InitConnect" in reply.retMsg
        assert conn.init_connect().retType == 0  # still usable


def test_unknown_proto_id_gets_an_error_not_a_dropped_connection(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        conn.send_raw(build_frame(4999, 77, b"\x0a\x00"))
        proto_id, serial, reply = conn.receive()
        assert (proto_id, serial) == (4999, 77)
        assert reply.retType == -500 and "4999" in reply.retMsg
        assert global_state(conn).retType == 0


def test_undecodable_body_gets_an_error(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        conn.send_raw(build_frame(1004, 9, b"\xff\xff\xff"))
        _, serial, reply = conn.receive()
        assert serial == 9 and reply.retType == -500
        conn.send_raw(build_frame(1004, 10, b"{not json", proto_fmt=1))
        _, serial, reply = conn.receive()
        assert serial == 10 and reply.retType == -500


def test_json_request_with_snake_or_camel_keys(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        for body in (b'{"c2s": {"userID": "0"}}', b'{"c2s": {"userID": 0}}'):
            conn.send_raw(build_frame(1002, 5, body, proto_fmt=1))
            proto_id, _, reply = conn.receive()
            assert reply.retType == 0 and reply.s2c.serverVer > 0


def test_keepalive_answers_server_time(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        reply = conn.request(1004, KeepAlive_pb2.C2S(time=1))
        assert abs(reply.s2c.time - time.time()) < 5


def test_malformed_frame_closes_only_its_connection(gateway):
    with RawConnection(gateway.port) as good, RawConnection(gateway.port) as bad:
        good.init_connect()
        bad.init_connect()
        bad.send_raw(b"XX" + b"\x00" * 60)
        with pytest.raises((ConnectionError, OSError)):
            bad.receive()
        assert global_state(good).retType == 0


def test_sha1_mismatch_closes_the_connection(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        frame = bytearray(build_frame(1004, 3, KeepAlive_pb2.Request(c2s={"time": 1}).SerializeToString()))
        frame[20] ^= 0x01  # inside the SHA1 field
        conn.send_raw(bytes(frame))
        with pytest.raises((ConnectionError, OSError)):
            conn.receive()


def test_connection_limit():
    # docs L11836: at most 128 API connections; a small limit shows the rule
    with InProcessGateway(openfutu_max_connections=3) as gw:
        conns = [RawConnection(gw.port) for _ in range(4)]
        try:
            for conn in conns[:3]:
                assert conn.init_connect().retType == 0
            refused = conns[3].init_connect()
            assert refused.retType != 0 and "too many" in refused.retMsg
            with pytest.raises((ConnectionError, OSError)):
                conns[3].receive()
            conns[0].close()
            time.sleep(0.2)
            with RawConnection(gw.port) as late:
                assert late.init_connect().retType == 0
        finally:
            for conn in conns:
                conn.close()


def test_default_connection_limit_is_128(gateway):
    assert gateway.config.openfutu_max_connections == 128  # docs L11836


def test_silent_connection_is_closed():
    with InProcessGateway(openfutu_keepalive_interval=1) as gw:
        with RawConnection(gw.port, timeout=15) as conn:
            conn.init_connect()
            started = time.monotonic()
            with pytest.raises((ConnectionError, OSError)):
                conn.receive()  # nothing sent: the gateway hangs up
            assert time.monotonic() - started >= 2.5


def test_non_local_listener_without_rsa_refuses_trading_but_serves_quotes():
    # docs L504, L1125; the socket stays on loopback, the configured ip decides
    with InProcessGateway(ip="0.0.0.0", bind_host="127.0.0.1") as gw:
        with RawConnection(gw.port) as conn:
            conn.init_connect()
            assert global_state(conn).retType == 0
            reply = conn.request(2001, Trd_GetAccList_pb2.C2S(userID=0))
            assert reply.retType != 0 and "rsa_private_key" in reply.retMsg


def test_non_local_listener_with_rsa_allows_trading_protocols(rsa_key_file):
    with InProcessGateway(ip="0.0.0.0", bind_host="127.0.0.1", rsa_private_key=rsa_key_file) as gw:
        assert gw.config.trading_allowed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(min_size=1, max_size=300))
def test_fuzzed_frames_never_break_the_gateway(gateway, junk):
    # random bytes, sometimes behind a valid header prefix
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        sock.sendall(junk)
        sock.sendall(build_frame(1004, 1, junk)[: 44 + len(junk) // 2])
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        assert global_state(conn).retType == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    proto_id=st.sampled_from([1001, 1002, 1004, 1005, 1007, 2001, 3004, 9999]),
    body=st.binary(max_size=200),
    fmt=st.sampled_from([0, 1, 7]),
)
def test_fuzzed_bodies_get_a_reply_and_the_gateway_keeps_serving(gateway, proto_id, body, fmt):
    with RawConnection(gateway.port) as conn:
        conn.init_connect()
        conn.send_raw(build_frame(proto_id, 42, body, proto_fmt=fmt))
        got_id, serial, _reply = conn.receive()
        assert (got_id, serial) == (proto_id, 42)
        assert global_state(conn).retType == 0


def test_json_session_end_to_end(gateway):
    """InitConnect, GetGlobalState and a JSON push format, all in JSON."""
    with RawConnection(gateway.port) as conn:
        conn.send_raw(build_frame(1001, 1, (
            b'{"c2s": {"clientVer": 300, "clientID": "PyNormal", "recvNotify": true,'
            b' "packetEncAlgo": -1, "pushProtoFmt": 1, "programmingLanguage": "Python"}}'
        ), proto_fmt=1))
        proto_id, serial, reply = conn.receive()
        assert (proto_id, serial, reply.retType) == (1001, 1, 0)
        assert reply.s2c.keepAliveInterval > 0
        reply = conn.request(1002, GetGlobalState_pb2.C2S(userID=1), proto_fmt=1)
        assert reply.retType == 0 and reply.s2c.programStatus.type == 10
        (session,) = [s for s in gateway.gateway.sessions.values() if s.client_id == "PyNormal"]
        assert session.push_fmt == 1


def test_notify_program_and_connection_status_after_init(gateway):
    with RawConnection(gateway.port) as conn:
        conn.init_connect(recvNotify=True)
        pushes = [conn.receive() for _ in range(2)]
        assert [p[0] for p in pushes] == [1003, 1003]
        ready, status = pushes[0][2].s2c, pushes[1][2].s2c
        assert ready.type == 2 and ready.programStatus.programStatus.type == 10
        assert status.type == 3 and status.connectStatus.qotLogined
