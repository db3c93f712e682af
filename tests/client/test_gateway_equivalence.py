"""Our SDK and the official futu-api client against one in-process gateway."""

from __future__ import annotations

import logging

import pytest

futu = pytest.importorskip("futu")

from openfutu.client import RET_OK, OpenQuoteContext  # noqa: E402
from openfutu.gateway.testing import InProcessGateway  # noqa: E402

TIME_KEYS = {"timestamp", "local_timestamp"}


@pytest.fixture(scope="module")
def gateway():
    from futu.common.ft_logger import logger

    logger.file_level = logging.CRITICAL
    logger.console_level = logging.CRITICAL
    gw = InProcessGateway()
    gw.start()
    yield gw
    gw.stop()


def test_get_global_state_equals_the_official_client(gateway) -> None:
    official = futu.OpenQuoteContext(port=gateway.port)
    try:
        ret_a, theirs = official.get_global_state()
    finally:
        official.close()
    with OpenQuoteContext(port=gateway.port) as ours_ctx:
        ret_b, ours = ours_ctx.get_global_state()
    assert ret_a == ret_b == RET_OK
    assert set(theirs) == set(ours)
    assert {k: v for k, v in theirs.items() if k not in TIME_KEYS} == \
           {k: v for k, v in ours.items() if k not in TIME_KEYS}
    assert isinstance(ours["timestamp"], str) and int(ours["timestamp"]) > 0


def test_sync_conn_ids_come_from_init_connect(gateway) -> None:
    with OpenQuoteContext(port=gateway.port) as a, OpenQuoteContext(port=gateway.port) as b:
        assert a.get_sync_conn_id() > 0 and a.get_sync_conn_id() != b.get_sync_conn_id()
