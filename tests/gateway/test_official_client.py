"""The official futu-api client against our gateway: connect, InitConnect in
every mode, GetGlobalState, reconnect after a gateway restart."""

from __future__ import annotations

import time

import pytest

from openfutu.gateway.testing import InProcessGateway

futu = pytest.importorskip("futu")

GLOBAL_STATE_KEYS = {  # docs L4876-L4894 (SDK spells qot_logined/trd_logined)
    "market_sz", "market_sh", "market_hk", "market_hkfuture", "market_usfuture",
    "market_us", "market_sgfuture", "market_jpfuture", "server_ver", "trd_logined",
    "qot_logined", "timestamp", "local_timestamp", "program_status_type",
    "program_status_desc",
}


def assert_global_state(ctx) -> dict:
    ret, data = ctx.get_global_state()
    assert ret == futu.RET_OK, data
    assert GLOBAL_STATE_KEYS <= set(data)
    assert data["qot_logined"] is True and data["trd_logined"] is True
    assert data["program_status_type"] == "READY"
    valid_states = {v for k, v in vars(futu.MarketState).items() if k.isupper()}
    for key in ("market_hk", "market_us", "market_sh", "market_sz", "market_hkfuture"):
        assert data[key] in valid_states, (key, data[key])
    return data


def test_plain_protobuf_connect_and_global_state():
    with InProcessGateway() as gw:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            assert_global_state(ctx)
        finally:
            ctx.close()


def official_json_parser_works() -> str | None:
    """futu-api parses JSON bodies with its own json2pb, which reads
    FieldDescriptor.label; protobuf 7's upb descriptors no longer have it, so
    the official client cannot read any JSON response. Returns the reason."""
    from futu.common.pb import KeepAlive_pb2
    from futu.common.pbjson import json2pb

    try:
        json2pb(KeepAlive_pb2.Response, '{"retType": 0, "s2c": {"time": "1"}}')
    except Exception as exc:  # noqa: BLE001 - any failure means it is broken
        return f"official futu-api JSON parser fails with this protobuf: {exc!r}"
    return None


def test_json_body_format(futu_sys_config):
    broken = official_json_parser_works()
    if broken:
        pytest.skip(broken)  # JSON mode is covered on the raw wire in test_gateway_rules
    futu_sys_config.set_proto_fmt(futu.ProtoFMT.Json)
    with InProcessGateway() as gw:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            assert_global_state(ctx)
        finally:
            ctx.close()


@pytest.mark.parametrize("aes_mode", ["auto", "ftaes_ecb"])
def test_encrypted_session(futu_sys_config, rsa_key_file, aes_mode):
    """The client asks for AES-CBC; ``ftaes_ecb`` makes the gateway answer
    like an OpenD that speaks only Futu's ECB variant, so both modes run."""
    futu_sys_config.enable_proto_encrypt(True)
    futu_sys_config.set_init_rsa_file(rsa_key_file)
    with InProcessGateway(rsa_private_key=rsa_key_file, openfutu_aes_mode=aes_mode) as gw:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            assert_global_state(ctx)
            (session,) = gw.gateway.sessions.values()
            assert session.stream.encrypted
            cipher = type(session.stream._cipher).__name__
            assert cipher == ("AesCbc" if aes_mode == "auto" else "FtAesEcb")
        finally:
            ctx.close()


def test_unencrypted_client_on_rsa_gateway(rsa_key_file):
    # packetEncAlgo=-1 means a plain session even when OpenD has a key
    with InProcessGateway(rsa_private_key=rsa_key_file) as gw:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            assert_global_state(ctx)
        finally:
            ctx.close()


def test_client_recovers_after_gateway_restart():
    first = InProcessGateway().start()
    port = first.port
    ctx = futu.OpenQuoteContext(host="127.0.0.1", port=port)
    ctx.reconnect_interval = 0.2  # the official default is 6 s
    try:
        assert_global_state(ctx)
        old_conn = ctx.get_sync_conn_id()
        first.stop()
        with InProcessGateway(api_port=port) as second:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if second.gateway.sessions and ctx.get_sync_conn_id() != old_conn:
                    break
                time.sleep(0.05)
            assert ctx.get_sync_conn_id() != old_conn, "client did not re-run InitConnect"
            assert_global_state(ctx)
    finally:
        ctx.close()
