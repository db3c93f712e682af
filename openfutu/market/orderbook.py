"""Deterministic displayed order books and HK broker queues.

A book at instant ``at`` is drawn around the last trade of the PriceEngine at
that instant: the touch straddles the last price with a spread of one to a
few ticks, levels step one tick apart (the tick size of each level's price
band), volumes are whole lots and every level has an order count no larger
than its lots.  Randomness comes from (seed, code, second), so the book is a
pure function of the time and changes once a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from openfutu.market.model import QotMarket, SecurityType
from openfutu.market.prices import PriceEngine, rng_for

MAX_DEPTH = 60  # deepest book the docs list (US LV2: 60 levels, docs L12181-L12204)


@dataclass(frozen=True, slots=True)
class BookLevel:
    price: float
    volume: int  # shares (whole lots in the normal book)
    order_count: int


@dataclass(frozen=True, slots=True)
class OrderBook:
    """Bids best (highest) first, asks best (lowest) first."""

    code: str
    time: dt.datetime
    bids: list[BookLevel]
    asks: list[BookLevel]
    odd_lot: bool = False

    @property
    def spread(self) -> float:
        if not self.bids or not self.asks:
            return 0.0
        return round(self.asks[0].price - self.bids[0].price, 6)


@dataclass(frozen=True, slots=True)
class BrokerEntry:
    broker_id: int
    broker_name: str
    position: int  # price level in the queue, 1 = best


@dataclass(frozen=True, slots=True)
class BrokerQueue:
    code: str
    time: dt.datetime
    bids: list[BrokerEntry]
    asks: list[BrokerEntry]


# Fictional exchange participants of the simulation: (name, first broker ID,
# number of IDs).  HK participants hold blocks of 4-digit broker numbers.
SIMULATED_BROKERS: tuple[tuple[str, int, int], ...] = (
    ("Victoria Harbour Securities", 1040, 8),
    ("Kowloon Peak Capital", 1190, 6),
    ("Lantau Bay Brokerage", 1450, 4),
    ("Pearl Delta Securities", 2010, 10),
    ("Star Ferry Markets", 2345, 5),
    ("Tsim Sha Tsui Investments", 3070, 6),
    ("Lion Rock Securities", 3440, 4),
    ("Causeway Trading", 4120, 8),
    ("Repulse Bay Capital Markets", 4560, 4),
    ("Central Plaza Securities", 5330, 6),
    ("Jade Gate Brokers", 5900, 5),
    ("Sai Kung Securities", 6070, 4),
    ("Aberdeen Channel Securities", 6660, 6),
    ("Stonecutters Capital", 7380, 4),
    ("Tai Mo Shan Securities", 8120, 8),
    ("Mid-Levels Markets", 8560, 4),
    ("Wan Chai Brokerage", 9030, 6),
    ("Sheung Wan Securities", 9420, 5),
)


def _broker_ids() -> list[tuple[int, str]]:
    out = []
    for name, first, count in SIMULATED_BROKERS:
        out.extend((first + k, name) for k in range(count))
    return out


_BROKER_IDS = _broker_ids()


class OrderBookSource:
    """Order books and broker queues of a PriceEngine's instruments."""

    def __init__(self, prices: PriceEngine) -> None:
        self.prices = prices

    def order_book_at(self, code: str, at: dt.datetime, depth: int = 10,
                      odd_lot: bool = False) -> OrderBook:
        """The displayed book of ``code`` at ``at`` with up to ``depth`` levels a side.

        ``odd_lot`` gives the HK odd-lot book: sizes below one board lot,
        priced a little worse than the board-lot touch.
        """
        if depth <= 0:
            raise ValueError("depth must be positive")
        depth = min(depth, MAX_DEPTH)
        inst = self.prices.instrument(code)
        if inst.sec_type in (SecurityType.INDEX, SecurityType.PLATE, SecurityType.PLATESET):
            return OrderBook(code, at, [], [], odd_lot)
        if odd_lot and inst.security.market != QotMarket.HK_SECURITY:
            raise ValueError("the odd-lot book exists for HK securities only")
        q = self.prices.quote_at(code, at)
        second = int(at.timestamp())
        r = rng_for(self.prices.seed, code, "book", int(odd_lot), second)
        last = q.last_price
        spread_ticks = int(r.choice([1, 1, 1, 1, 2, 2, 3]))
        if odd_lot:
            spread_ticks += int(r.integers(1, 4))
        # the last trade sits on one side of the touch
        below = int(r.integers(0, spread_ticks + 1))
        # step down band by band so that stepping back up reaches the last price
        bid1 = self._ladder(inst, last, below + 1, -1)[-1]
        bids = self._ladder(inst, bid1, depth, -1)
        asks = self._ladder(inst, bids[0], depth, +1, first_steps=spread_ticks)
        lo_lim, hi_lim = q.limit_down, q.limit_up
        if hi_lim is not None:
            asks = [p for p in asks if p <= hi_lim + 1e-9]
            bids = [p for p in bids if p <= hi_lim + 1e-9]
        if lo_lim is not None:
            bids = [p for p in bids if p >= lo_lim - 1e-9]
            asks = [p for p in asks if p >= lo_lim - 1e-9]
        if bids and asks and asks[0] <= bids[0]:
            asks = [p for p in asks if p > bids[0]]
        lot = inst.lot_size
        base_lots = max(1.0, float(self.prices.daily_series(code, q.trading_day).volume[-260:].mean())
                        / lot / 400.0)

        def levels(prices: list[float], side: int) -> list[BookLevel]:
            out = []
            for k, p in enumerate(prices):
                rr = rng_for(self.prices.seed, code, "level", int(odd_lot), second, side, k)
                if odd_lot:
                    vol = int(rr.integers(1, max(lot, 2)))  # below one board lot
                    count = int(min(vol, rr.integers(1, 4)))
                    out.append(BookLevel(p, vol, count))
                    continue
                lots = max(1, int(round(base_lots * (1.0 + 0.15 * k) * rr.lognormal(0.0, 0.7))))
                count = int(min(lots, 1 + rr.poisson(1.0 + lots ** 0.5)))
                out.append(BookLevel(p, lots * lot, count))
            return out

        return OrderBook(code, at, levels(bids, 0), levels(asks, 1), odd_lot)

    def _ladder(self, inst: object, start: float, depth: int, side: int,
                first_steps: int = 0) -> list[float]:
        """``depth`` grid prices from ``start`` stepping one tick at a time
        (``first_steps`` ticks for the first step)."""
        rules = self.prices.tick_rules
        out: list[float] = []
        p = start
        floor = rules.tick_size(inst, 0.0)  # type: ignore[arg-type]
        steps = first_steps
        if steps == 0:
            out.append(round(p, 6))
            steps = 1
        while len(out) < depth:
            for _ in range(steps):
                t = rules.tick_size(inst, p if side > 0 else max(p - 1e-9, floor))  # type: ignore[arg-type]
                p = round(p + side * t, 6)
            steps = 1
            if p < floor:
                break
            out.append(p)
        return out

    def broker_queue_at(self, code: str, at: dt.datetime, depth: int = 10) -> BrokerQueue:
        """HK broker queue at ``at``: brokers with orders at each of the first
        ``depth`` price levels, best level first (position 1)."""
        inst = self.prices.instrument(code)
        if inst.security.market not in (QotMarket.HK_SECURITY, QotMarket.HK_FUTURE):
            raise ValueError("broker queues exist for HK securities only")
        book = self.order_book_at(code, at, depth)
        second = int(at.timestamp())

        def side(levels: list[BookLevel], tag: int) -> list[BrokerEntry]:
            out = []
            for pos, level in enumerate(levels, start=1):
                r = rng_for(self.prices.seed, code, "brokers", second, tag, pos)
                n = int(min(level.order_count, 1 + r.poisson(1.5)))
                picks = r.choice(len(_BROKER_IDS), size=n, replace=False)
                out.extend(BrokerEntry(_BROKER_IDS[k][0], _BROKER_IDS[k][1], pos) for k in picks)
            return out

        return BrokerQueue(code, at, side(book.bids, 0), side(book.asks, 1))

    def best_bid_ask(self, code: str, at: dt.datetime) -> tuple[BookLevel | None, BookLevel | None]:
        book = self.order_book_at(code, at, 1)
        return (book.bids[0] if book.bids else None, book.asks[0] if book.asks else None)


def book_volumes(book: OrderBook) -> tuple[np.ndarray, np.ndarray]:
    """Bid and ask volumes as arrays (for the snapshot's bid/ask imbalance)."""
    return (np.array([lv.volume for lv in book.bids], dtype=np.int64),
            np.array([lv.volume for lv in book.asks], dtype=np.int64))
