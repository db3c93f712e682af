"""A gateway whose broker trades against a scripted market (FakeMarket), for
trade tests with the official client: books, prints and the clock are set by
the test, and the broker is stepped on the gateway's loop on demand."""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

from broker_fakes import FakeMarket

from openfutu.gateway.testing import InProcessGateway
from openfutu.gateway.trading import TradingDesk, desk_of

# place_order must be 0.02 s apart per account (docs L9147), modify 0.04 s (L9302)
WRITE_GAP = 0.05


def default_books(m: FakeMarket) -> None:
    m.set_book("HK.00700", [(359.8, 1000), (359.6, 2000)], [(360.0, 500), (360.2, 800), (360.4, 5000)])
    m.set_book("US.AAPL", [(199.99, 300)], [(200.01, 200), (200.02, 1000)])
    m.set_book("SH.600519", [(1499.99, 1000)], [(1500.0, 1000)])
    m.set_book("HK.HSImain", [(19999.0, 20)], [(20000.0, 20)])
    m.set_book("HK.02800", [(19.98, 100000)], [(20.0, 100000)])


class ScriptedTrading:
    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.market = FakeMarket()
        default_books(self.market)
        settings.setdefault("openfutu_data_dir", str(data_dir))
        self.gw = InProcessGateway(**settings)
        self._contexts: list[Any] = []

    def __enter__(self) -> "ScriptedTrading":
        self.gw.start()
        market = self.market
        self.gw.gateway.services.component("trade_market_view", lambda s: market)  # type: ignore[union-attr]
        return self

    def __exit__(self, *exc: object) -> None:
        for ctx in self._contexts:
            ctx.close()
        self.gw.stop()

    @property
    def port(self) -> int:
        return self.gw.port

    @property
    def desk(self) -> TradingDesk:
        return self.gw.call(lambda: desk_of(self.gw.gateway.services))  # type: ignore[union-attr]

    def on_loop(self, fn: Any, *args: Any) -> Any:
        return self.gw.call(fn, *args)

    def step(self) -> list[Any]:
        desk = self.desk
        return self.gw.call(desk.step)

    def trade(self, code: str, price: float, volume: float, auction: bool = False) -> None:
        self.gw.call(self.market.trade, code, price, volume, auction)

    def set_book(self, code: str, bids: list[tuple[float, float]], asks: list[tuple[float, float]]) -> None:
        self.gw.call(self.market.set_book, code, bids, asks)

    def advance(self, seconds: float) -> None:
        self.gw.call(self.market.advance, seconds)

    def context(self, kind: str = "sec", **kwargs: Any) -> Any:
        import futu

        cls = futu.OpenFutureTradeContext if kind == "future" else futu.OpenSecTradeContext
        ctx = cls(host="127.0.0.1", port=self.port, **kwargs)
        self._contexts.append(ctx)
        return ctx


class Collector:
    """Thread-safe inbox of push DataFrames."""

    def __init__(self) -> None:
        self.items: queue.Queue[Any] = queue.Queue()
        self.history: list[Any] = []  # everything received, in order

    def put(self, item: Any) -> None:
        self.history.append(item)
        self.items.put(item)

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """The first collected item satisfying ``predicate``; AssertionError if
        none arrives (the timeout only bounds a failing test)."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no matching push; got {seen!r}")
            try:
                item = self.items.get(timeout=left)
            except queue.Empty:
                continue
            seen.append(item)
            if predicate(item):
                return item


def order_handler(collector: Collector) -> Any:
    import futu

    class OrderPushes(futu.TradeOrderHandlerBase):
        def on_recv_rsp(self, rsp_pb: Any) -> Any:
            ret, data = super().on_recv_rsp(rsp_pb)
            if ret == futu.RET_OK:
                for row in data.to_dict("records"):
                    collector.put(row)
            return ret, data

    return OrderPushes()


def deal_handler(collector: Collector) -> Any:
    import futu

    class DealPushes(futu.TradeDealHandlerBase):
        def on_recv_rsp(self, rsp_pb: Any) -> Any:
            ret, data = super().on_recv_rsp(rsp_pb)
            if ret == futu.RET_OK:
                for row in data.to_dict("records"):
                    collector.put(row)
            return ret, data

    return DealPushes()
