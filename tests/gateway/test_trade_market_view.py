"""SimulatedMarketView: the broker's view of the simulated market (reference
data, prints numbered without gaps, book, phases) and a broker trading on it."""

from __future__ import annotations

import datetime as dt

import pytest

from openfutu.broker import Broker, BrokerConfig, InstrumentKind, Ledger, PlaceOrderRequest, SessionPhase
from openfutu.broker.enums import Currency, OrderStatus, OrderType, TrdMarket, TrdSecMarket, TrdSide
from openfutu.gateway.trading import SimulatedMarketView, phase_of_state
from openfutu.market.model import MarketState
from openfutu.market.simulated import SimulatedMarket

HK = dt.timezone(dt.timedelta(hours=8))


class StepClock:
    def __init__(self, start: dt.datetime) -> None:
        self.t = start

    def now(self) -> dt.datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def market_and_clock():
    clock = StepClock(dt.datetime(2026, 3, 2, 10, 0, tzinfo=HK))  # Monday, HK morning session
    return SimulatedMarket(seed=1, clock=clock), clock


@pytest.fixture
def view(market_and_clock):
    market, clock = market_and_clock
    clock.t = dt.datetime(2026, 3, 2, 10, 0, tzinfo=HK)
    return SimulatedMarketView(market, clock.now), clock


def test_reference_data(view):
    v, _ = view
    tencent = v.instrument("HK.00700")
    assert (tencent.sec_market, tencent.kind, tencent.lot_size, tencent.currency) == (
        TrdSecMarket.HK, InstrumentKind.STOCK, 100, Currency.HKD)
    assert tencent.timezone == "Asia/Hong_Kong" and tencent.prev_close > 0
    assert tencent.tick_size(450.0) == pytest.approx(0.2)  # HKEX spread table, 200-500 band
    moutai = v.instrument("SH.600519")
    assert moutai.sec_market == TrdSecMarket.CN_SH and moutai.currency == Currency.CNH
    # SSE +-10 % around the previous close
    assert moutai.limit_up == pytest.approx(moutai.prev_close * 1.1, abs=0.01)
    assert moutai.limit_down == pytest.approx(moutai.prev_close * 0.9, abs=0.01)
    future = v.instrument("HK.HSImain")
    assert future.kind == InstrumentKind.FUTURE and future.lot_size == 1 and future.multiplier == 50
    assert v.instrument("HK.800000").kind == InstrumentKind.INDEX
    assert v.instrument("HK.99999") is None


def test_prints_are_numbered_without_gaps(view):
    v, clock = view
    start = v.trade_cursor("HK.00700")
    clock.advance(60)
    prints, end = v.trades_since("HK.00700", start)
    assert prints and end == start + len(prints)
    assert all(p.time > dt.datetime(2026, 3, 2, 10, 0, tzinfo=HK) for p in prints)
    assert [p.time for p in prints] == sorted(p.time for p in prints)
    clock.advance(60)
    more, end2 = v.trades_since("HK.00700", end)
    assert end2 == end + len(more) and more[0].time >= prints[-1].time
    # asking from a middle cursor repeats nothing it has not been asked for
    again, end3 = v.trades_since("HK.00700", end)
    assert again == more and end3 == end2


def test_book_last_price_and_phase(view):
    v, _ = view
    book = v.book("HK.00700")
    assert book.bids and book.asks and book.bids[0].price < book.asks[0].price
    assert v.last_price("HK.00700") > 0
    at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=HK)
    assert v.session_phase("HK.00700", at) == SessionPhase.CONTINUOUS
    assert v.session_phase("HK.00700", at.replace(hour=12, minute=30)) == SessionPhase.BREAK  # lunch
    assert v.session_phase("HK.00700", at.replace(hour=9, minute=10)) == SessionPhase.OPENING_AUCTION
    assert v.session_phase("HK.00700", at.replace(hour=16, minute=5)) == SessionPhase.CLOSING_AUCTION
    assert v.session_phase("HK.00700", at.replace(hour=20)) == SessionPhase.CLOSED
    assert phase_of_state(MarketState.CLOSE_AUCTION) == SessionPhase.CLOSING_AUCTION
    assert phase_of_state(MarketState.FUTURE_DAY_OPEN) == SessionPhase.CONTINUOUS
    assert phase_of_state(999) == SessionPhase.CLOSED


def test_broker_trades_on_the_simulated_market(view):
    v, clock = view
    broker = Broker(v, Ledger.open(":memory:"), BrokerConfig())
    acc = next(a.acc_id for a in broker.get_accounts(market=TrdMarket.HK) if not a.is_margin)
    bought = broker.place_order(PlaceOrderRequest(acc, "HK.00700", TrdSide.BUY, 100, order_type=OrderType.MARKET),
                                advance=True)
    assert broker.orders(acc)[0].order_status == OrderStatus.FILLED_ALL
    info = v.instrument("HK.00700")
    tick = info.tick_size(info.prev_close)
    low = round(int(v.last_price("HK.00700") * 0.99 / tick) * tick, 3)
    resting = broker.place_order(PlaceOrderRequest(acc, "HK.00700", TrdSide.BUY, 100, price=low), advance=True)
    assert {o.order_id: o.order_status for o in broker.orders(acc)}[resting.order_id] == OrderStatus.SUBMITTED
    assert bought.order_id != resting.order_id
    # the session ends: a DAY order that never traded expires with the close
    clock.t = dt.datetime(2026, 3, 2, 16, 30, tzinfo=HK)
    broker.on_market()
    final = {o.order_id: o.order_status for o in broker.orders(acc)}[resting.order_id]
    assert final in (OrderStatus.CANCELLED_ALL, OrderStatus.FILLED_ALL, OrderStatus.CANCELLED_PART)
