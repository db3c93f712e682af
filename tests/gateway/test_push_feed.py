"""MarketFeed (openfutu.market.events): incremental per-security changes."""

from __future__ import annotations

import datetime as dt

import pytest

from openfutu.market.corporate_actions import AuType
from openfutu.market.events import (
    Interest,
    MarketFeed,
    ReminderRule,
    ReminderWatch,
    order_details,
)
from openfutu.market.klines import KLineSource, KLType
from openfutu.market.model import Instrument, SecurityCode, SecurityType
from openfutu.market.orderbook import OrderBookSource
from openfutu.market.prices import PriceEngine, WeekdaySessionCalendar, _region_of

UTC = dt.timezone.utc
# Tuesday 2025-03-04, 11:00 in Hong Kong: HK continuous trading
HK_MORNING = dt.datetime(2025, 3, 4, 3, 0, tzinfo=UTC)

_SPEC = [
    ("HK.00700", "TENCENT", SecurityType.EQTY, 380.0, 100, "HKD", 0.35, dt.date(2004, 6, 16)),
    ("HK.00005", "HSBC HOLDINGS", SecurityType.EQTY, 65.0, 400, "HKD", 0.25, dt.date(1991, 1, 2)),
    ("US.AAPL", "APPLE", SecurityType.EQTY, 190.0, 1, "USD", 0.3, dt.date(1995, 1, 3)),
]


class SmallMarket:
    """A stand-in market facade: a few instruments on weekday calendars."""

    def __init__(self, seed: int = 7, extra: int = 0) -> None:
        self.items: dict[str, Instrument] = {}
        for code, name, st, ref, lot, cur, vol, listing in _SPEC:
            self.items[code] = Instrument(SecurityCode.parse(code), name, st, lot, cur, listing, ref, vol)
        for i in range(extra):  # synthetic HK names for load tests
            code = f"HK.{10000 + i:05d}"
            self.items[code] = Instrument(SecurityCode.parse(code), f"SYN {i}", SecurityType.EQTY, 100,
                                          "HKD", dt.date(2010, 1, 4), 5.0 + i % 300, 0.4)
        cals: dict[str, WeekdaySessionCalendar] = {}

        def calendar(inst: Instrument) -> WeekdaySessionCalendar:
            region = _region_of(inst)
            return cals.setdefault(region, WeekdaySessionCalendar(region))

        self.prices = PriceEngine(seed, self.items.get, calendar)
        self.books = OrderBookSource(self.prices)
        self.klines = KLineSource(self.prices)

    def instrument(self, code: str) -> Instrument:
        inst = self.items.get(code)
        if inst is None:
            raise KeyError(f"unknown security {code}")
        return inst

    def quote(self, code: str, at: dt.datetime):
        return self.prices.quote_at(code, at)


@pytest.fixture(scope="module")
def market() -> SmallMarket:
    return SmallMarket()


def test_first_step_starts_the_cursor_and_reports_nothing(market):
    feed = MarketFeed(market)
    assert feed.step({"HK.00700": Interest(quote=True, ticker=True)}, HK_MORNING) == []
    assert feed.tracked() == ["HK.00700"]


def test_ticks_between_steps_are_exactly_the_market_trades(market):
    feed = MarketFeed(market)
    want = {"HK.00700": Interest(ticker=True, quote=True)}
    feed.step(want, HK_MORNING)
    got = []
    t = HK_MORNING
    for _ in range(40):  # 40 steps of 7.5 s = 5 minutes
        t += dt.timedelta(seconds=7.5)
        for u in feed.step(want, t):
            got.extend(u.ticks)
    expected = [x for x in market.prices.ticks_between("HK.00700", HK_MORNING, t) if x.time > HK_MORNING]
    assert got == expected and got, "every trade once, in order"


def test_quote_reported_only_when_it_moved_and_equals_the_pull(market):
    feed = MarketFeed(market)
    want = {"HK.00700": Interest(quote=True)}
    feed.step(want, HK_MORNING)
    t = HK_MORNING + dt.timedelta(minutes=3)
    (u,) = feed.step(want, t)
    assert u.quote == market.quote("HK.00700", t)
    assert feed.step(want, t) == []  # same instant: nothing new


def test_book_and_broker_change_with_trades(market):
    feed = MarketFeed(market)
    want = {"HK.00700": Interest(order_book=True, broker=True)}
    feed.step(want, HK_MORNING)
    t = HK_MORNING + dt.timedelta(minutes=2)
    (u,) = feed.step(want, t)
    assert u.order_book == market.books.order_book_at("HK.00700", t, 10)
    assert u.broker_queue == market.books.broker_queue_at("HK.00700", t)


def test_time_share_points_of_finished_minutes(market):
    feed = MarketFeed(market)
    want = {"HK.00700": Interest(time_share=True)}
    feed.step(want, HK_MORNING + dt.timedelta(seconds=5))
    t = HK_MORNING + dt.timedelta(minutes=3, seconds=5)
    (u,) = feed.step(want, t)
    full = market.prices.time_share("HK.00700", t)
    assert u.time_share == full[-3:]


@pytest.mark.parametrize("kl_type", [k for k in KLType if k != KLType.NONE])
def test_bars_follow_the_market_bars(market, kl_type):
    feed = MarketFeed(market)
    key = (kl_type, AuType.QFQ)
    want = {"HK.00700": Interest(klines=frozenset({key}))}
    feed.step(want, HK_MORNING + dt.timedelta(seconds=5))
    t = HK_MORNING + dt.timedelta(minutes=6, seconds=5)
    last = None
    for k in range(1, 13):
        t = HK_MORNING + dt.timedelta(seconds=5 + 30 * k)
        for u in feed.step(want, t):
            last = u.bars[key][-1]
    expected = market.klines.latest("HK.00700", t, kl_type, 1, AuType.QFQ)[-1]
    assert last is not None
    assert last.time_key == expected.time_key
    assert (last.open, last.high, last.low, last.close, last.volume) == pytest.approx(
        (expected.open, expected.high, expected.low, expected.close, expected.volume))


def test_quiet_market_costs_nothing_and_reports_nothing(market):
    feed = MarketFeed(market)
    night = dt.datetime(2025, 3, 4, 14, 0, tzinfo=UTC)  # 22:00 in HK
    want = {"HK.00700": Interest(quote=True, ticker=True)}
    feed.step(want, night)
    assert feed.step(want, night + dt.timedelta(seconds=10)) == []


def test_order_details_split_each_level(market):
    book = market.books.order_book_at("HK.00700", HK_MORNING, 10)
    bids, asks = order_details(7, book)
    for level, orders in zip(book.bids, bids):
        assert sum(v for _, v in orders) == level.volume
        assert 1 <= len(orders) <= level.order_count
    assert order_details(7, book) == (bids, asks)


def test_price_reminder_fires_on_crossing_once(market):
    feed = MarketFeed(market)
    q0 = market.quote("HK.00700", HK_MORNING)
    watch = ReminderWatch(feed)
    up = ReminderRule(1, "HK.00700", 1, q0.last_price - 0.01, 1)  # PRICE_UP below the price
    down = ReminderRule(2, "HK.00700", 2, q0.last_price / 2, 1)  # far away: never
    hits = watch.check([up, down], HK_MORNING)
    assert [h.rule.key for h in hits] == [1] and hits[0].current_value == q0.last_price
    # still above the line: an edge-triggered reminder stays quiet
    assert watch.check([up, down], HK_MORNING) == []


def test_volume_reminder_once_a_day(market):
    feed = MarketFeed(market)
    watch = ReminderWatch(feed)
    rule = ReminderRule(5, "HK.00700", 7, 1.0, 2)  # VOLUME_UP over 1 share, ONCE_A_DAY
    assert len(watch.check([rule], HK_MORNING)) == 1
    assert watch.check([rule], HK_MORNING + dt.timedelta(minutes=1)) == []


@pytest.mark.parametrize("au_type", [AuType.NONE, AuType.HFQ])
def test_bars_of_every_rehab_type(market, au_type):
    feed = MarketFeed(market)
    key = (KLType.K_DAY, au_type)
    want = {"HK.00700": Interest(klines=frozenset({key}))}
    feed.step(want, HK_MORNING)
    t = HK_MORNING + dt.timedelta(minutes=4)
    (u,) = feed.step(want, t)
    expected = market.klines.latest("HK.00700", t, KLType.K_DAY, 1, au_type)[-1]
    assert u.bars[key][-1].close == pytest.approx(expected.close)
    assert u.bars[key][-1].volume == expected.volume
