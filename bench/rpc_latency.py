"""Round-trip latency of KeepAlive and GetGlobalState over loopback: raw
socket and the official futu-api client, against a gateway in its own
process. Prints p50/p99 in microseconds.

    python bench/rpc_latency.py [--n 2000]
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gateway(port: int) -> subprocess.Popen:
    data_dir = tempfile.mkdtemp(prefix="openfutu-bench-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "openfutu.cli", "gateway", f"-api_port={port}",
         f"-openfutu_data_dir={data_dir}", "-log_level=warning"],
    )
    deadline = time.monotonic() + 30
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
    return f"p50 {p50:8.1f} us   p99 {p99:8.1f} us   (n={len(samples)})"


def time_calls(fn, n: int) -> list[float]:
    for _ in range(min(100, n)):  # warm up
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    from openfutu.gateway.testing import RawConnection
    from openfutu.protocol.pb import GetGlobalState_pb2, KeepAlive_pb2

    port = free_port()
    proc = start_gateway(port)
    try:
        with RawConnection(port) as raw:
            raw.init_connect()
            keepalive = KeepAlive_pb2.C2S(time=int(time.time()))
            state = GetGlobalState_pb2.C2S(userID=0)
            print("raw socket   KeepAlive      ", percentiles(time_calls(lambda: raw.request(1004, keepalive), args.n)))
            print("raw socket   GetGlobalState ", percentiles(time_calls(lambda: raw.request(1002, state), args.n)))

        os.environ["HOME"] = tempfile.mkdtemp(prefix="openfutu-bench-home-")
        from futu import OpenQuoteContext
        from futu.common.ft_logger import logger

        logger.file_level = logging.CRITICAL
        logger.console_level = logging.CRITICAL
        ctx = OpenQuoteContext(host="127.0.0.1", port=port)
        try:
            print("futu-api     get_global_state", percentiles(time_calls(ctx.get_global_state, args.n // 4)))
        finally:
            ctx.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
