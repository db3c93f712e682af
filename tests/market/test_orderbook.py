"""Order books and HK broker queues."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_prices import UTC, engine, on_grid

from openfutu.market.orderbook import OrderBookSource

AT = dt.datetime(2025, 3, 4, 3, 15, 30, tzinfo=UTC)
CODES = ["HK.00700", "HK.02800", "US.AAPL", "SH.600519", "SZ.300750"]


@pytest.mark.parametrize("code", CODES)
def test_book_sorted_on_grid_in_lots(code: str) -> None:
    src = OrderBookSource(engine())
    inst = src.prices.instrument(code)
    for k in range(5):
        at = AT + dt.timedelta(seconds=37 * k)
        book = src.order_book_at(code, at, 10)
        bids = [lv.price for lv in book.bids]
        asks = [lv.price for lv in book.asks]
        assert len(bids) == 10 and len(asks) == 10
        assert bids == sorted(bids, reverse=True) and len(set(bids)) == 10
        assert asks == sorted(asks) and len(set(asks)) == 10
        assert book.spread > 0
        # at most three ticks (a tick of the coarser band when the touch straddles two)
        tick = max(src.prices.tick_rules.tick_size(inst, p) for p in (bids[0], asks[0]))
        assert book.spread <= 3 * tick + 1e-9
        assert on_grid(inst, np.array(bids + asks))
        for lv in book.bids + book.asks:
            assert lv.volume > 0 and lv.volume % inst.lot_size == 0
            assert 1 <= lv.order_count <= lv.volume // inst.lot_size
        last = src.prices.quote_at(code, at).last_price
        assert bids[0] <= last <= asks[0]


def test_book_deterministic_and_changes_with_time() -> None:
    a, b = OrderBookSource(engine()), OrderBookSource(engine())
    b.order_book_at("HK.00700", AT + dt.timedelta(seconds=5))
    assert a.order_book_at("HK.00700", AT) == b.order_book_at("HK.00700", AT)
    assert a.order_book_at("HK.00700", AT) != a.order_book_at("HK.00700", AT + dt.timedelta(seconds=1))
    assert OrderBookSource(engine(8)).order_book_at("HK.00700", AT) != a.order_book_at("HK.00700", AT)


def test_depth_and_bad_input() -> None:
    src = OrderBookSource(engine())
    assert len(src.order_book_at("US.AAPL", AT, 1).bids) == 1
    assert len(src.order_book_at("US.AAPL", AT, 60).asks) == 60
    with pytest.raises(ValueError):
        src.order_book_at("US.AAPL", AT, 0)
    with pytest.raises(ValueError):
        src.order_book_at("US.AAPL", AT, 5, odd_lot=True)
    assert src.order_book_at("HK.800000", AT).bids == []  # an index has no book


def test_a_share_book_respects_limits() -> None:
    e = engine()
    src = OrderBookSource(e)
    s = e.daily_series("SZ.300750")
    # find a day that closed at its limit: the book must not cross it
    hits = np.nonzero(s.close == s.limit_high)[0]
    assert hits.size
    day = s.days[int(hits[-1])]
    at = dt.datetime.combine(day, dt.time(8, 0), UTC)  # 16:00 Shanghai, after the close
    book = src.order_book_at("SZ.300750", at, 10)
    assert all(lv.price <= s.limit_high[hits[-1]] for lv in book.asks + book.bids)
    assert all(lv.price >= s.limit_low[hits[-1]] for lv in book.asks + book.bids)


def test_hk_odd_lot_book() -> None:
    src = OrderBookSource(engine())
    book = src.order_book_at("HK.00700", AT, 5, odd_lot=True)
    assert book.odd_lot and book.spread > 0
    assert all(0 < lv.volume < 100 for lv in book.bids + book.asks)


def test_broker_queue() -> None:
    src = OrderBookSource(engine())
    q = src.broker_queue_at("HK.00700", AT, 5)
    book = src.order_book_at("HK.00700", AT, 5)
    for side, levels in ((q.bids, book.bids), (q.asks, book.asks)):
        positions = [b.position for b in side]
        assert positions == sorted(positions) and set(positions) == set(range(1, 6))
        for pos in range(1, 6):
            at_level = [b for b in side if b.position == pos]
            assert len(at_level) <= levels[pos - 1].order_count
            assert len({b.broker_id for b in at_level}) == len(at_level)
        assert all(1000 <= b.broker_id <= 9999 and b.broker_name for b in side)
    assert q == OrderBookSource(engine()).broker_queue_at("HK.00700", AT, 5)
    with pytest.raises(ValueError):
        src.broker_queue_at("US.AAPL", AT)
