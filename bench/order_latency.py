"""place_order round-trip latency against a gateway in its own process, on
the simulated market (HK.00700, virtual clock in the HK morning session):
raw socket (one Trd_PlaceOrder 2202 request) and the official futu-api
client (place_order = GetAccList 2001 + PlaceOrder 2202 + GetOrderList 2201).
Orders alternate market buys and sells of one lot, so each one is matched,
filled and committed to the ledger before its reply. Prints p50/p99.

The documented place_order limit (15 per 30 s per account, docs L9147)
would stop a benchmark after 15 orders, so the gateway process started
here lifts that one rule; everything else is the normal gateway.

    python bench/order_latency.py [--n 500]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

LAUNCHER = """
import sys
from openfutu.gateway import ratelimit
ratelimit.TRADE_RATE_RULES["place_order"] = ratelimit.RateRule(10**9, what="place_order (lifted for the bench)")
from openfutu.cli import main
sys.exit(main(sys.argv[1:]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gateway(port: int) -> subprocess.Popen:
    data_dir = tempfile.mkdtemp(prefix="openfutu-bench-")
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "gateway", f"-api_port={port}", f"-openfutu_data_dir={data_dir}",
         "-openfutu_clock=virtual", "-openfutu_clock_start=2026-03-02T10:00:00+08:00", "-log_level=warning"],
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("gateway did not start")


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = samples[len(samples) // 2] * 1e6
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1e6
    return f"p50 {p50:9.1f} us   p99 {p99:9.1f} us   (n={len(samples)})"


def bench_raw(port: int, n: int) -> list[float]:
    from openfutu.broker.enums import OrderType, TrdMarket, TrdSecMarket, TrdSide
    from openfutu.gateway.testing import RawConnection
    from openfutu.protocol.pb import Trd_GetAccList_pb2, Trd_PlaceOrder_pb2

    out = []
    with RawConnection(port) as raw:
        conn_id = raw.init_connect().s2c.connID
        accs = raw.request(2001, Trd_GetAccList_pb2.C2S(userID=0, trdCategory=1)).s2c.accList
        acc = next(a.accID for a in accs if list(a.trdMarketAuthList) == [int(TrdMarket.HK)] and a.accType == 1)
        for i in range(n):
            side = TrdSide.BUY if i % 2 == 0 else TrdSide.SELL
            c2s = Trd_PlaceOrder_pb2.C2S(trdSide=int(side), orderType=int(OrderType.MARKET), code="00700", qty=100,
                                         secMarket=int(TrdSecMarket.HK))
            c2s.packetID.connID, c2s.packetID.serialNo = conn_id, i + 1
            c2s.header.trdEnv, c2s.header.accID, c2s.header.trdMarket = 0, acc, int(TrdMarket.HK)
            start = time.perf_counter()
            rsp = raw.request(2202, c2s)
            out.append(time.perf_counter() - start)
            if rsp.retType != 0:
                raise SystemExit(f"raw place_order failed: {rsp.retMsg}")
    return out


def bench_official(port: int, n: int) -> list[float]:
    os.environ["HOME"] = tempfile.mkdtemp(prefix="openfutu-bench-home-")
    import logging

    from futu import RET_OK, OpenSecTradeContext, OrderType, TrdEnv, TrdMarket, TrdSide
    from futu.common.ft_logger import logger

    logger.file_level = logging.CRITICAL
    logger.console_level = logging.CRITICAL
    ctx = OpenSecTradeContext(filter_trdmarket=TrdMarket.HK, host="127.0.0.1", port=port)
    out = []
    try:
        for i in range(n):
            side = TrdSide.BUY if i % 2 == 0 else TrdSide.SELL
            start = time.perf_counter()
            ret, data = ctx.place_order(price=0.0, qty=100, code="HK.00700", trd_side=side,
                                        order_type=OrderType.MARKET, trd_env=TrdEnv.SIMULATE, acc_index=2)
            out.append(time.perf_counter() - start)
            if ret != RET_OK:
                raise SystemExit(f"official place_order failed: {data}")
    finally:
        ctx.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    port = free_port()
    proc = start_gateway(port)
    try:
        print("raw socket       place_order ", percentiles(bench_raw(port, args.n)))
        print("official client  place_order ", percentiles(bench_official(port, args.n)))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
