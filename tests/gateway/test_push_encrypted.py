"""Pushes on an RSA/AES-encrypted session reach the official client."""

from __future__ import annotations

import time

import pytest
from test_push_feed import HK_MORNING, SmallMarket
from test_push_gateway import ManualClock

from openfutu.gateway.testing import InProcessGateway

futu = pytest.importorskip("futu")


def test_encrypted_pushes(futu_sys_config, rsa_key_file, tmp_path):
    futu_sys_config.enable_proto_encrypt(True)
    futu_sys_config.set_init_rsa_file(rsa_key_file)
    with InProcessGateway(rsa_private_key=rsa_key_file, openfutu_data_dir=str(tmp_path)) as gw:
        clock = ManualClock(HK_MORNING)

        def setup() -> None:
            gw.gateway.services.clock = clock
            gw.gateway.services.component("market", lambda s: SmallMarket())
            gw.gateway.push_hub.stop()

        gw.call(setup)
        got: list = []

        class Ticks(futu.TickerHandlerBase):
            def on_recv_rsp(self, rsp_pb):
                result = super().on_recv_rsp(rsp_pb)
                got.append(result)
                return result

        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            ctx.set_handler(Ticks())
            assert ctx.subscribe(["HK.00700"], [futu.SubType.TICKER])[0] == futu.RET_OK
            deadline = time.monotonic() + 10
            while not got and time.monotonic() < deadline:
                time.sleep(0.01)
            ret, df = got[0]
            assert ret == futu.RET_OK and list(df["code"].unique()) == ["HK.00700"]
            (session,) = gw.gateway.sessions.values()
            assert session.stream.encrypted
        finally:
            ctx.close()
