"""A reader that stops reading is coalesced, then cut; another reader on the
same gateway keeps receiving every push; memory stays bounded (counted in
queued bytes, not time)."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

from test_push_feed import HK_MORNING, SmallMarket
from test_push_gateway import ManualClock, sub

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.stream import PacketStream, Role

QUOTE, ORDER_BOOK, TICKER = 1, 2, 4
CODES = [f"{10000 + i:05d}" for i in range(200)]


def tiny_window_connection(port: int) -> RawConnection:
    """A client whose receive window is as small as the kernel allows."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    conn = RawConnection.__new__(RawConnection)
    conn.sock, conn.stream, conn._serial, conn._pending = sock, PacketStream(Role.CLIENT), 0, []
    return conn


class Reader(threading.Thread):
    """Reads pushes as fast as they come and counts them."""

    def __init__(self, conn: RawConnection) -> None:
        super().__init__(daemon=True)
        self.conn = conn
        self.count = 0
        self.stopped = False

    def run(self) -> None:
        try:
            while not self.stopped:
                self.conn.receive()
                self.count += 1
        except (OSError, ConnectionError):
            pass


def test_slow_reader_is_coalesced_then_cut_and_the_fast_one_gets_everything(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path)) as gw:
        clock = ManualClock(HK_MORNING)

        def setup() -> None:
            gw.gateway.services.clock = clock
            gw.gateway.services.component("market", lambda s: SmallMarket(extra=len(CODES)))
            gw.gateway.push_hub.stop()

        gw.call(setup)
        fast = RawConnection(gw.port)
        slow = tiny_window_connection(gw.port)
        try:
            assert fast.init_connect().retType == 0
            assert slow.init_connect().retType == 0
            for conn in (fast, slow):
                assert sub(conn, CODES, [QUOTE, ORDER_BOOK, TICKER], isFirstPush=False).retType == 0

            def sessions():
                by_peer = {s.peer.split(":")[1]: s for s in gw.gateway.sessions.values()}
                return (by_peer[str(fast.sock.getsockname()[1])],
                        by_peer[str(slow.sock.getsockname()[1])])

            fast_session, slow_session = gw.call(sessions)

            def shrink() -> None:
                # small buffers so the test needs few steps to fill them
                sock = slow_session._transport.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
                slow_session._transport.set_write_buffer_limits(high=16 * 1024)
                slow_session.push_superseded_limit = 3000
                slow_session.push_backlog_limit = 512 * 1024

            gw.call(shrink)
            reader = Reader(fast)
            reader.start()
            gw.call(gw.gateway.push_hub.step, clock.at)
            peak = 0
            steps = 0
            limit = 16 * 1024 + 512 * 1024 + 64 * 1024  # high water + backlog + one step's overshoot
            while not gw.call(lambda: slow_session.closed) and steps < 200:
                clock.at += dt.timedelta(seconds=5)
                gw.call(gw.gateway.push_hub.step, clock.at)
                peak = max(peak, gw.call(slow_session.queued_push_bytes))
                steps += 1
            assert gw.call(lambda: slow_session.cut_for_slowness), "the slow reader was never cut"
            assert peak <= limit, peak
            # latest values were coalesced before the cut, and the backlog was released
            assert gw.call(lambda: slow_session.pushes_superseded) > 0
            assert gw.call(lambda: slow_session.backlog_bytes) == 0
            # the fast reader lost nothing and was never held back
            written = gw.call(lambda: fast_session.pushes_written)
            assert gw.call(lambda: fast_session.backlog_bytes) == 0
            end = time.monotonic() + 10
            while reader.count < written and time.monotonic() < end:
                time.sleep(0.01)
            assert reader.count == written > 0
            # the gateway keeps serving the fast one after the cut
            clock.at += dt.timedelta(seconds=5)
            gw.call(gw.gateway.push_hub.step, clock.at)
            assert gw.call(lambda: fast_session.pushes_written) > written
        finally:
            reader_stop = locals().get("reader")
            if reader_stop is not None:
                reader_stop.stopped = True
            fast.close()
            slow.close()
