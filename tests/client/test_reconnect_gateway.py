"""The gateway restarts on the same port: our quote context reconnects by
itself, re-subscribes, and the quote pushes resume."""

from __future__ import annotations

import datetime as dt
import queue
import socket
import threading


from openfutu.client import RET_OK, OpenQuoteContext, StockQuoteHandlerBase, SubType
from openfutu.gateway.testing import InProcessGateway

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 10, 30, tzinfo=HKT)  # HK morning session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gateway(port: int, path: str) -> InProcessGateway:
    return InProcessGateway(api_port=port, openfutu_clock="virtual",
                            openfutu_clock_start=CLOCK_START.isoformat(),
                            openfutu_data_dir=path)


def test_subscriptions_resume_after_a_gateway_restart(tmp_path) -> None:
    before = set(threading.enumerate())
    port = _free_port()
    quotes: queue.Queue[str] = queue.Queue()

    class Quotes(StockQuoteHandlerBase):
        def on_recv_rsp(self, rsp_pb):
            ret, frame = super().on_recv_rsp(rsp_pb)
            if ret == RET_OK:
                for code in frame["code"]:
                    quotes.put(code)
            return ret, frame

    first = _gateway(port, str(tmp_path / "a")).start()
    first_running = True
    ctx = OpenQuoteContext(port=port)
    try:
        ctx.reconnect_interval = 0.1
        ctx.set_handler(Quotes())
        assert ctx.subscribe(["HK.00700"], [SubType.QUOTE]) == (RET_OK, None)
        assert quotes.get(timeout=10) == "HK.00700"  # the first push
        first.stop()
        first_running = False
        second = _gateway(port, str(tmp_path / "b")).start()
        try:
            while not quotes.empty():
                quotes.get_nowait()
            # the restored subscription asks for a first push again
            assert quotes.get(timeout=20) == "HK.00700"
            ret, sub = ctx.query_subscription(is_all_conn=False)
            assert ret == RET_OK and sub["sub_list"] == {"QUOTE": ["HK.00700"]}
            assert ctx.status == "READY"
        finally:
            ctx.close()
            second.stop()
    finally:
        ctx.close()
        if first_running:
            first.stop()
    leftover = {t for t in threading.enumerate() if t not in before and t.is_alive()}
    assert not [t for t in leftover if t.name.startswith("openfutu")], leftover
