"""unsubscribe sends what futu-api sends (Qot_Sub, then Qot_RegQotPush to
unregister); the SDK logs quietly under the 'openfutu' logger."""

from __future__ import annotations

import logging
import time

import pytest

futu = pytest.importorskip("futu")

import openfutu.client as of  # noqa: E402
from openfutu.protocol.pb import Qot_RegQotPush_pb2, Qot_Sub_pb2  # noqa: E402

from .fake_gateway import FakeGateway  # noqa: E402


def _sent_after(gw: FakeGateway, mark: int, count: int) -> list:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        sent = [(p, r) for p, r in gw.requests[mark:] if p in (3001, 3002)]
        if len(sent) >= count:
            return sent
        time.sleep(0.01)
    return [(p, r) for p, r in gw.requests[mark:] if p in (3001, 3002)]


def test_unsubscribe_requests_equal_futu_api() -> None:
    with FakeGateway() as gw:
        gw.replies[3001] = lambda req: Qot_Sub_pb2.Response(retType=0)
        gw.replies[3002] = lambda req: Qot_RegQotPush_pb2.Response(retType=0)
        theirs = futu.OpenQuoteContext(port=gw.port)
        ours = of.OpenQuoteContext(port=gw.port)
        try:
            sent = []
            for ctx in (theirs, ours):
                assert ctx.subscribe(["HK.00700", "HK.00005"], ["QUOTE", "K_1M"])[0] == 0
                mark = len(gw.requests)
                assert ctx.unsubscribe(["HK.00005"], ["K_1M"]) == (0, None)
                sent.append(_sent_after(gw, mark, 2))
                mark = len(gw.requests)
                assert ctx.unsubscribe_all() == (0, None)
                sent.append(_sent_after(gw, mark, 1))
        finally:
            theirs.close()
            ours.close()
    assert [p for p, _ in sent[2]] == [3001, 3002]
    assert sent[0] == sent[2]
    assert sent[1] == sent[3]


def test_sdk_logger_is_quiet_and_writes_no_files(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sdk_logger = logging.getLogger("openfutu")
    assert any(isinstance(h, logging.NullHandler) for h in sdk_logger.handlers)
    assert not any(isinstance(h, logging.FileHandler) for h in sdk_logger.handlers)
    with FakeGateway() as gw:
        with of.OpenQuoteContext(port=gw.port) as ctx:
            assert ctx.get_market_snapshot(["HK.00700"])[0] == of.RET_ERROR
    assert list(tmp_path.iterdir()) == []
