"""Broker-queue and price-reminder pushes parse exactly as futu-api parses
the same bytes (seeded pushes that fill and omit every field)."""

from __future__ import annotations

import pytest

futu = pytest.importorskip("futu")

import openfutu.client as ours  # noqa: E402
from openfutu.protocol.pb import Qot_UpdateBroker_pb2, Qot_UpdatePriceReminder_pb2  # noqa: E402

from .message_fill import filled_response  # noqa: E402
from .test_handlers import as_official  # noqa: E402
from .test_quote_functions import assert_same  # noqa: E402


@pytest.mark.parametrize("seed", range(8))
def test_broker_push_equals_futu_api(seed: int) -> None:
    msg = filled_response(Qot_UpdateBroker_pb2, seed)
    expected = futu.BrokerHandlerBase().on_recv_rsp(as_official(msg, "Qot_UpdateBroker"))
    got = ours.BrokerHandlerBase().on_recv_rsp(msg)
    assert expected[0] == ours.RET_OK
    assert_same(tuple(expected), tuple(got))


@pytest.mark.parametrize("seed", range(8))
def test_price_reminder_push_equals_futu_api(seed: int) -> None:
    msg = filled_response(Qot_UpdatePriceReminder_pb2, seed)
    expected = futu.PriceReminderHandlerBase().on_recv_rsp(
        as_official(msg, "Qot_UpdatePriceReminder"))
    got = ours.PriceReminderHandlerBase().on_recv_rsp(msg)
    assert expected[0] == ours.RET_OK
    assert_same(tuple(expected), tuple(got))


def test_failed_pushes_report_the_message() -> None:
    failed = Qot_UpdateBroker_pb2.Response(retType=-1, retMsg="gone")
    assert ours.BrokerHandlerBase().on_recv_rsp(failed) == (ours.RET_ERROR, "gone", None)
    failed_reminder = Qot_UpdatePriceReminder_pb2.Response(retType=-1, retMsg="gone")
    assert ours.PriceReminderHandlerBase().on_recv_rsp(failed_reminder) == (ours.RET_ERROR, "gone")
    empty = Qot_UpdatePriceReminder_pb2.Response(retType=0)
    assert ours.PriceReminderHandlerBase().on_recv_rsp(empty)[0] == ours.RET_ERROR
