"""Our SDK against the official futu-api client, side by side in one run:

* RPC latency of get_global_state (p50 / p99) against one in-process gateway;
* push throughput of Qot_UpdateBasicQot through a StockQuoteHandlerBase
  handler (the DataFrame path) and, for our SDK, through the typed async path
  (AsyncQuoteContext.quotes: NamedTuple records, no DataFrame). The pushes come from the test suite's
  scripted gateway, which writes them as fast as the socket takes them, so the
  figure is the client's own cost.

Prints figures; asserts nothing. The place_order part is added by the trade
SDK work.

    python bench/sdk_vs_official.py [--rpc 500] [--pushes 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from typing import Any, Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("HOME", tempfile.mkdtemp(prefix="openfutu-bench-home-"))  # futu-api logs there

import futu  # noqa: E402
from futu.common.ft_logger import logger as futu_logger  # noqa: E402

import openfutu.client as of  # noqa: E402
from openfutu.aio import AsyncQuoteContext  # noqa: E402
from openfutu.gateway.testing import InProcessGateway  # noqa: E402
from openfutu.protocol.pb import Qot_Sub_pb2  # noqa: E402
from tests.client.fake_gateway import FakeGateway  # noqa: E402
from tests.client.test_context import basic_qot  # noqa: E402

futu_logger.file_level = logging.CRITICAL
futu_logger.console_level = logging.CRITICAL
futu.SysConfig.set_all_thread_daemon(True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered), p99


def rpc_latency(make_ctx: Callable[[int], Any], port: int, count: int) -> tuple[float, float]:
    ctx = make_ctx(port)
    try:
        for _ in range(20):  # warm-up
            ctx.get_global_state()
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            ret, _ = ctx.get_global_state()
            samples.append(time.perf_counter() - started)
            assert ret == 0
    finally:
        ctx.close()
    return percentiles(samples)


def blast(gw: FakeGateway, count: int) -> None:
    """Write ``count`` quote pushes to every connection in one go."""
    push = basic_qot("00700", 400.0)
    gw.call(lambda: [conn.push(3005, push) for conn in list(gw.conns) for _ in range(count)])


def handler_throughput(module: Any, port: int, gw: FakeGateway, count: int) -> float:
    done = threading.Event()
    seen = [0]

    class Counting(module.StockQuoteHandlerBase):  # type: ignore[misc, name-defined]
        def on_recv_rsp(self, rsp_pb: Any) -> Any:
            result = super().on_recv_rsp(rsp_pb)  # builds the DataFrame
            seen[0] += 1
            if seen[0] >= count:
                done.set()
            return result

    ctx = module.OpenQuoteContext(port=port)
    try:
        ctx.set_handler(Counting())
        started = time.perf_counter()
        blast(gw, count)
        done.wait(120)
        elapsed = time.perf_counter() - started
    finally:
        ctx.close()
    return seen[0] / elapsed


def typed_async_throughput(port: int, gw: FakeGateway, count: int) -> float:
    async def main() -> float:
        async with AsyncQuoteContext(port=port) as ctx:
            gw.replies[3001] = lambda req: Qot_Sub_pb2.Response(retType=0)
            stream = ctx.quotes(["HK.00700"])
            first = asyncio.ensure_future(stream.__anext__())
            await asyncio.sleep(0.05)  # subscribed, the iterator is registered
            started = time.perf_counter()
            sender = asyncio.get_running_loop().run_in_executor(None, blast, gw, count)
            seen = 1 if (await first).last_price == 400.0 else 0
            async for record in stream:
                seen += 1
                if seen >= count:
                    break
            elapsed = time.perf_counter() - started
            await sender
            await stream.aclose()
            return seen / elapsed

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rpc", type=int, default=500, help="get_global_state calls per client")
    parser.add_argument("--pushes", type=int, default=5000, help="quote pushes per client")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        with InProcessGateway(openfutu_data_dir=data_dir) as gw:
            official = rpc_latency(lambda p: futu.OpenQuoteContext(port=p), gw.port, args.rpc)
            ours = rpc_latency(lambda p: of.OpenQuoteContext(port=p), gw.port, args.rpc)
    with FakeGateway() as fake:
        official_push = handler_throughput(futu, fake.port, fake, args.pushes)
        ours_push = handler_throughput(of, fake.port, fake, args.pushes)
        ours_typed = typed_async_throughput(fake.port, fake, args.pushes)

    print(f"{'':38}{'futu-api':>14}{'openfutu':>14}")
    print(f"{'get_global_state p50 (ms)':38}{official[0] * 1e3:14.3f}{ours[0] * 1e3:14.3f}")
    print(f"{'get_global_state p99 (ms)':38}{official[1] * 1e3:14.3f}{ours[1] * 1e3:14.3f}")
    print(f"{'quote pushes/s, handler (DataFrame)':38}{official_push:14.0f}{ours_push:14.0f}")
    print(f"{'quote pushes/s, typed async records':38}{'n/a':>14}{ours_typed:14.0f}")


if __name__ == "__main__":
    main()
