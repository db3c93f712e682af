"""Latency of quote pulls through the official futu-api client against a
gateway in its own process (virtual clock pinned in the HK morning session):

- get_market_snapshot of 400 codes (the documented maximum, docs L2528);
- request_history_kline of 1000 daily bars.

Both APIs allow 60 requests per 30 s (docs L2527, L3503), so one window is
timed by default; --windows k waits out the limit between k windows.  The
cold first touch (price histories built) is printed apart.

    python bench/quote_pull.py [--windows 1]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

CLOCK_START = "2025-03-05T11:00:00+08:00"
PER_WINDOW = 60  # requests per 30 s for both APIs
WINDOW_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gateway(port: int) -> subprocess.Popen[bytes]:
    data_dir = tempfile.mkdtemp(prefix="openfutu-bench-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "openfutu.cli", "gateway", f"-api_port={port}",
         f"-openfutu_data_dir={data_dir}", "-log_level=warning", "-openfutu_clock=virtual",
         f"-openfutu_clock_start={CLOCK_START}"],
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


def figures(samples: list[float]) -> str:
    s = sorted(samples)
    p50 = s[len(s) // 2] * 1e3
    p99 = s[min(len(s) - 1, int(len(s) * 0.99))] * 1e3
    return f"p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   (n={len(s)})"


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run_windows(call: Callable[[], object], windows: int, used: int) -> list[float]:
    """PER_WINDOW timed calls per window (minus ``used`` slots of the first
    window), waiting out the rate limit between windows."""
    out: list[float] = []
    for w in range(windows):
        began = time.monotonic()
        for _ in range(PER_WINDOW - (used if w == 0 else 0)):
            out.append(timed(call))
        if w + 1 < windows:
            time.sleep(max(0.0, WINDOW_SECONDS + 0.5 - (time.monotonic() - began)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--windows", type=int, default=1)
    args = parser.parse_args()

    os.environ["HOME"] = tempfile.mkdtemp(prefix="openfutu-bench-home-")
    from futu import RET_OK, KLType, OpenQuoteContext, SysConfig
    from futu.common.ft_logger import logger

    from openfutu.market.model import QotMarket, SecurityType
    from openfutu.market.universe import Universe

    logger.file_level = logging.CRITICAL
    logger.console_level = logging.CRITICAL
    SysConfig.set_all_thread_daemon(True)
    universe = Universe.builtin()
    codes = [i.code for i in universe.by_market(QotMarket.HK_SECURITY, SecurityType.EQTY)]
    codes += [i.code for i in universe.by_market(QotMarket.US_SECURITY, SecurityType.EQTY)]
    codes = codes[:400]

    port = free_port()
    proc = start_gateway(port)
    ctx = OpenQuoteContext(host="127.0.0.1", port=port)
    try:
        def snapshot() -> None:
            ret, data = ctx.get_market_snapshot(codes)
            if ret != RET_OK or len(data) != len(codes):
                raise SystemExit(f"get_market_snapshot failed: {data}")

        def history() -> None:
            ret, data, _ = ctx.request_history_kline("HK.00700", start="2020-01-01", end="2025-03-04",
                                                     ktype=KLType.K_DAY, max_count=1000)
            if ret != RET_OK or len(data) != 1000:
                raise SystemExit(f"request_history_kline failed: {data}")

        # cold: the first touch builds each code's price history; in chunks of
        # 100 codes so that no call outlives futu-api's 12 s request timeout
        chunks = [codes[i:i + 100] for i in range(0, len(codes), 100)]
        cold = [timed(lambda chunk=chunk: ctx.get_market_snapshot(chunk)) for chunk in chunks]
        print(f"get_market_snapshot cold         {sum(cold) * 1e3:8.1f} ms for {len(codes)} codes "
              f"in {len(chunks)} calls")
        print(f"get_market_snapshot 400 codes    {figures(run_windows(snapshot, args.windows, len(chunks)))}")
        print(f"request_history_kline 1000 bars  cold {timed(history) * 1e3:8.1f} ms")
        print(f"request_history_kline 1000 bars  {figures(run_windows(history, args.windows, 1))}")
    finally:
        ctx.close()
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
