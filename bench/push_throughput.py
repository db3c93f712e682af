"""Push throughput of the gateway: pushes per second delivered to (a) a raw
socket reader and (b) the official futu-api client with a parse-only
handler, for 1, 100 and 1000 subscribed codes (QUOTE + TICKER: 1000 codes
use 2000 units, the top quota tier, docs L184-L187).

The gateway runs in a child process on a virtual market clock that the
bench steps as fast as it can go.  Columns: pushes received, pushes the
gateway wrote, wall seconds until the reader had them all, pushes/s end to
end, the same over the time not spent computing the market (what the
gateway and the reader sustain), and the gateway's time computing the
market (feed) and encoding and writing pushes (fan-out).  With the official
client the reader's own parsing (DataFrames per push) is the limit.

    python bench/push_throughput.py [--steps 40] [--step-seconds 10]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.pb import Qot_Sub_pb2

START = dt.datetime(2025, 3, 4, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Hong Kong
SUBTYPES = [1, 4]  # QUOTE, TICKER


def bench_universe(folder: Path, count: int) -> Path:
    """A user universe file of ``count`` synthetic HK stocks."""
    path = folder / "bench_universe.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "sec_type", "lot_size", "reference_price", "volatility"])
        for i in range(count):
            w.writerow([f"HK.{20000 + i:05d}", f"BENCH {i}", "EQTY", 100, 5 + (i % 400) * 0.5, 0.45])
    return path


class RawReader(threading.Thread):
    """Counts pushes; a side thread sends KeepAlive so the gateway's
    watchdog (3 silent keepalive intervals) does not hang up on it."""
    def __init__(self, conn: RawConnection) -> None:
        super().__init__(daemon=True)
        self.conn = conn
        self.count = 0

    def run(self) -> None:
        self.conn.sock.settimeout(None)  # quiet spells (slow first steps) are not the end
        threading.Thread(target=self._keep_alive, daemon=True).start()
        try:
            while True:
                proto_id, _serial, _response = self.conn.receive()
                if proto_id != 1004:  # keepalive replies are not pushes
                    self.count += 1
        except (OSError, ConnectionError):
            pass

    def _keep_alive(self) -> None:
        from openfutu.protocol.pb import KeepAlive_pb2

        try:
            while True:
                time.sleep(5)
                self.conn.send(1004, KeepAlive_pb2.C2S(time=int(time.time())))
        except OSError:
            pass


def raw_subscriber(port: int, codes: list[str]) -> RawReader:
    conn = RawConnection(port)
    conn.init_connect()
    for i in range(0, len(codes), 200):
        c2s = Qot_Sub_pb2.C2S(isSubOrUnSub=True, subTypeList=SUBTYPES, isFirstPush=False,
                              isRegOrUnRegPush=True)
        for code in codes[i:i + 200]:
            c2s.securityList.add(market=1, code=code.split(".")[1])
        reply = conn.request(3001, c2s)
        if reply.retType != 0:
            raise SystemExit(f"subscribe failed: {reply.retMsg}")
    reader = RawReader(conn)
    reader.start()
    return reader


class FutuCounter:
    """Official client with parse-only handlers that count pushes."""

    def __init__(self, port: int, codes: list[str]) -> None:
        import futu
        from futu.common.ft_logger import logger

        logger.console_level = logging.CRITICAL
        logger.file_level = logging.CRITICAL
        self.count = 0
        counter = self

        def counting(base: Any) -> Any:
            class Handler(base):  # type: ignore[misc, valid-type]
                def on_recv_rsp(self, rsp_pb: Any) -> Any:
                    result = super().on_recv_rsp(rsp_pb)
                    counter.count += 1
                    return result

            return Handler()

        self.ctx = futu.OpenQuoteContext(host="127.0.0.1", port=port)
        for base in (futu.StockQuoteHandlerBase, futu.TickerHandlerBase):
            self.ctx.set_handler(counting(base))
        types = [futu.SubType.QUOTE, futu.SubType.TICKER]
        for i in range(0, len(codes), 100):
            ret, err = self.ctx.subscribe(codes[i:i + 100], types, is_first_push=False)
            if ret != 0:
                raise SystemExit(f"subscribe failed: {err}")

    def close(self) -> None:
        self.ctx.close()


def serve(conn: Any, folder: str, n_codes: int) -> None:
    """Child process: one gateway, stepped on command (so the client's parsing
    does not share the gateway's interpreter lock)."""
    logging.getLogger("openfutu").setLevel(logging.WARNING)
    universe = bench_universe(Path(folder), max(n_codes, 1))
    with InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=START.isoformat(),
                          openfutu_data_dir=str(Path(folder) / "data"),
                          openfutu_universe_file=str(universe), openfutu_sub_quota=2000) as gw:
        hub = gw.gateway.push_hub
        gw.call(hub.stop)  # the bench steps the clock itself
        conn.send(gw.port)
        at = START
        while True:
            command = conn.recv()
            if command is None:
                break
            steps, step_seconds = command
            feed0, fan0 = gw.call(lambda: (hub.feed_seconds, hub.fanout_seconds))
            written0 = gw.call(lambda: sum(s.pushes_written for s in gw.gateway.sessions.values()))
            for _ in range(steps):
                gw.call(hub.step, at)
                at += dt.timedelta(seconds=step_seconds)
            written = gw.call(lambda: sum(s.pushes_written for s in gw.gateway.sessions.values()))
            feed1, fan1 = gw.call(lambda: (hub.feed_seconds, hub.fanout_seconds))
            conn.send((written - written0, feed1 - feed0, fan1 - fan0))


def run(n_codes: int, client: str, steps: int, step_seconds: float, folder: Path) -> dict[str, float]:
    import multiprocessing

    codes = [f"HK.{20000 + i:05d}" for i in range(n_codes)]
    here, there = multiprocessing.Pipe()
    sub_folder = folder / f"{client}-{n_codes}"
    sub_folder.mkdir()
    child = multiprocessing.Process(target=serve, args=(there, str(sub_folder), n_codes), daemon=True)
    child.start()
    try:
        port = here.recv()
        receiver: Any = raw_subscriber(port, codes) if client == "raw" else FutuCounter(port, codes)
        here.send((1, step_seconds))  # the first step starts the feed's cursors
        here.recv()
        base = receiver.count
        t0 = time.perf_counter()
        here.send((steps, step_seconds))
        sent, feed_s, fanout_s = here.recv()
        deadline = time.perf_counter() + 300
        while receiver.count - base < sent and time.perf_counter() < deadline:
            time.sleep(0.002)
        elapsed = time.perf_counter() - t0
        got = receiver.count - base
        if client != "raw":
            receiver.close()
        return {"pushes": got, "sent": sent, "seconds": elapsed,
                "per_second": got / elapsed if elapsed else 0.0, "feed_s": feed_s, "fanout_s": fanout_s}
    finally:
        here.send(None)
        child.join(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30, help="clock steps per run")
    parser.add_argument("--step-seconds", type=float, default=10.0, help="virtual seconds per step")
    parser.add_argument("--codes", type=int, nargs="*", default=[1, 100, 1000])
    parser.add_argument("--clients", nargs="*", default=["raw", "futu"], choices=["raw", "futu"])
    args = parser.parse_args()
    logging.getLogger("openfutu").setLevel(logging.WARNING)
    print("pushes/s: end to end; gateway/s: the same pushes over the time not spent computing the market")
    print(f"{'client':6} {'codes':>6} {'pushes':>8} {'sent':>8} {'seconds':>8} {'pushes/s':>10} "
          f"{'gateway/s':>10} {'feed s':>8} {'fan-out s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for client in args.clients:
            for n in args.codes:
                r = run(n, client, args.steps, args.step_seconds, Path(tmp))
                rest = r["seconds"] - r["feed_s"]
                gateway_rate = r["pushes"] / rest if rest > 0 else 0.0
                print(f"{client:6} {n:6d} {r['pushes']:8d} {r['sent']:8d} {r['seconds']:8.2f} "
                      f"{r['per_second']:10.0f} {gateway_rate:10.0f} {r['feed_s']:8.2f} {r['fanout_s']:9.2f}",
                      flush=True)


if __name__ == "__main__":
    main()
