"""qot_push_frequency (docs L1075-L1077): at most one quote/ticker/book push
per period and security; K-lines and time-share are exempt; held ticks are
all delivered, held quotes only the latest."""

from __future__ import annotations

import datetime as dt
import socket

from test_push_feed import HK_MORNING, SmallMarket
from test_push_gateway import ManualClock, sub

from openfutu.gateway.testing import InProcessGateway, RawConnection

QUOTE, TICKER, RT, KL_1M = 1, 4, 5, 11


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def drain(conn: RawConnection) -> list:
    """Every push already sent (the gateway has finished its step)."""
    out = []
    conn.sock.settimeout(0.3)
    try:
        while True:
            proto_id, _s, response = conn.receive()
            out.append((proto_id, response))
    except (socket.timeout, TimeoutError):
        pass
    finally:
        conn.sock.settimeout(10)
    return out


def test_push_frequency_holds_quotes_and_ticks_but_not_bars(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path), qot_push_frequency=1000) as gw:
        clock, mono = ManualClock(HK_MORNING), FakeMonotonic()
        market = SmallMarket()

        def setup() -> None:
            gw.gateway.services.clock = clock
            gw.gateway.services.component("market", lambda s: market)
            gw.gateway.push_hub.stop()
            gw.gateway.push_hub.monotonic = mono

        gw.call(setup)

        def step(seconds: float) -> None:
            clock.at += dt.timedelta(seconds=seconds)
            gw.call(gw.gateway.push_hub.step, clock.at)

        conn = RawConnection(gw.port)
        try:
            assert conn.init_connect().retType == 0
            assert sub(conn, ["00700"], [QUOTE, TICKER, KL_1M, RT], isFirstPush=False).retType == 0
            step(0)
            step(60)
            first = drain(conn)
            assert {p for p, _ in first} == {3005, 3011, 3007, 3009}
            start = clock.at
            # within the period: only bars and time-share get through
            step(60)
            step(60)
            held = drain(conn)
            assert {p for p, _ in held} == {3007, 3009}
            mono.t += 1.0
            step(0.001)
            released = drain(conn)
            quotes = [r for p, r in released if p == 3005]
            tickers = [r for p, r in released if p == 3011]
            assert len(quotes) == 1 and len(tickers) == 1
            assert quotes[0].s2c.basicQotList[0].curPrice == market.quote("HK.00700", clock.at).last_price
            expected = [t.sequence for t in market.prices.ticks_between("HK.00700", start, clock.at)
                        if t.time > start]
            assert [t.sequence for t in tickers[0].s2c.tickerList] == expected
        finally:
            conn.close()


def test_json_push_format(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path), push_proto_type=1) as gw:
        clock = ManualClock(HK_MORNING)

        def setup() -> None:
            gw.gateway.services.clock = clock
            gw.gateway.services.component("market", lambda s: SmallMarket())
            gw.gateway.push_hub.stop()

        gw.call(setup)
        conn = RawConnection(gw.port)
        try:
            assert conn.init_connect().retType == 0
            c2s_sub = sub(conn, ["00700"], [QUOTE])
            assert c2s_sub.retType == 0
            while not conn._pending:
                conn._pending.extend(conn.stream.receive_data(conn.sock.recv(1 << 16)))
            packet = conn._pending[0]
            assert (packet.proto_id, packet.proto_fmt) == (3005, 1)
            assert packet.body.lstrip().startswith(b"{")
            proto_id, _s, response = conn.receive()
            assert response.s2c.basicQotList[0].security.code == "00700"
        finally:
            conn.close()
