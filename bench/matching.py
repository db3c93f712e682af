"""In-process throughput of the broker's matching: orders per second through
place_order + on_market (with an in-memory or on-disk ledger), and of the bare
MatchingEngine.  Prints figures; asserts nothing.

    python bench/matching.py [--orders 5000] [--disk]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from openfutu.broker import (
    BookLevel,
    BookView,
    Broker,
    BrokerConfig,
    BrokerError,
    InstrumentInfo,
    InstrumentKind,
    Ledger,
    MarketTrade,
    PlaceOrderRequest,
    SessionPhase,
)
from openfutu.broker.enums import Currency, OrderStatus, OrderType, SimAccType, TrdMarket, TrdSecMarket, TrdSide
from openfutu.broker.matching import MatchingEngine
from openfutu.broker.model import Order


class ScriptedMarket:
    """A MarketView with a fixed deep book and a growing tape."""

    def __init__(self) -> None:
        self.clock = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        self.info = InstrumentInfo("HK.00700", "TENCENT", TrdSecMarket.HK, InstrumentKind.STOCK, 100,
                                   Currency.HKD, "Asia/Hong_Kong", prev_close=360.0)
        self.tape: list[MarketTrade] = []
        self.view = BookView(tuple(BookLevel(359.8 - 0.2 * i, 10_000) for i in range(10)),
                             tuple(BookLevel(360.0 + 0.2 * i, 10_000) for i in range(10)))

    def now(self) -> dt.datetime:
        return self.clock

    def instrument(self, code: str) -> InstrumentInfo | None:
        return self.info if code == self.info.code else None

    def book(self, code: str) -> BookView:
        return self.view

    def last_price(self, code: str) -> float | None:
        return self.tape[-1].price if self.tape else 359.9

    def trade_cursor(self, code: str) -> int:
        return len(self.tape)

    def trades_since(self, code: str, cursor: int):
        return self.tape[cursor:], len(self.tape)

    def session_phase(self, code: str, at: dt.datetime) -> SessionPhase:
        return SessionPhase.CONTINUOUS


def bench_broker(n: int, disk: bool) -> None:
    market = ScriptedMarket()
    path = os.path.join(tempfile.mkdtemp(prefix="openfutu-bench-"), "broker.db") if disk else ":memory:"
    broker = Broker(market, Ledger.open(path), BrokerConfig())
    acc = next(a.acc_id for a in broker.get_accounts()
               if TrdMarket.HK in a.trdmarket_auth and a.sim_acc_type == SimAccType.STOCK and a.is_margin)
    start = time.perf_counter()
    fills = rejected = 0
    for k in range(n):
        side = TrdSide.BUY if k % 2 == 0 else TrdSide.SELL
        # half take liquidity, half rest and fill from the tape
        price = (360.0 if side == TrdSide.BUY else 359.8) if k % 4 < 2 else (359.6 if side == TrdSide.BUY else 360.2)
        try:
            broker.place_order(PlaceOrderRequest(acc, "HK.00700", side, 100, price))
        except BrokerError:
            rejected += 1
        market.clock += dt.timedelta(milliseconds=100)
        if k % 4 == 3:
            market.tape.append(MarketTrade(359.4, 1_000_000, market.clock))
            market.tape.append(MarketTrade(360.4, 1_000_000, market.clock))
        fills += sum(1 for e in broker.on_market() if type(e).__name__ == "FillOccurred")
    elapsed = time.perf_counter() - start
    print(f"broker ({'disk' if disk else 'memory'} ledger): {n} orders ({rejected} rejected), {fills} fills "
          f"in {elapsed:.2f} s "
          f"-> {n / elapsed:,.0f} orders/s")


class NullSink:
    def set_status(self, order: Order, status: OrderStatus, at: dt.datetime, err: str = "") -> None:
        order.order_status = status

    def execute(self, order: Order, qty: float, price: float, at: dt.datetime) -> None:
        order.dealt_qty += qty
        order.order_status = OrderStatus.FILLED_ALL if order.remaining_qty <= 0 else OrderStatus.FILLED_PART

    def touch(self, order: Order, at: dt.datetime) -> None:
        pass


def bench_engine(n: int) -> None:
    market = ScriptedMarket()
    engine = MatchingEngine(market, NullSink())
    start = time.perf_counter()
    for k in range(n):
        side = TrdSide.BUY if k % 2 == 0 else TrdSide.SELL
        o = Order(k + 1, str(k + 1), 1, "HK.00700", "TENCENT", side, OrderType.NORMAL, OrderStatus.SUBMITTING, 100, 360.0 if side == TrdSide.BUY else 359.8,
                  Currency.HKD, TrdMarket.HK, TrdSecMarket.HK, market.clock, market.clock)
        engine.on_market([o], market.clock)
        engine.on_market([o], market.clock)
    elapsed = time.perf_counter() - start
    print(f"engine only: {n} orders in {elapsed:.2f} s -> {n / elapsed:,.0f} orders/s")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=5000)
    ap.add_argument("--disk", action="store_true", help="also run with an on-disk WAL ledger")
    args = ap.parse_args()
    bench_engine(args.orders)
    bench_broker(args.orders, disk=False)
    if args.disk:
        bench_broker(max(args.orders // 10, 100), disk=True)
