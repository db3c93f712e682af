"""Snapshots: every block consistent with the quote, the book, history,
fundamentals and derivative terms."""

from __future__ import annotations

import datetime as dt

import pytest

from openfutu.market.model import SecurityType
from openfutu.market.prices import PriceEngine
from openfutu.market.snapshot import (
    AssetClass,
    OptionKind,
    SecurityStatus,
    SnapshotSource,
    SnapshotUnavailable,
    bid_ask_ratio,
    breadth_of,
)
from tests.market.test_prices import Universe, weekday_calendars

UTC = dt.timezone.utc
AT = dt.datetime(2025, 9, 3, 5, 30, tzinfo=UTC)  # 13:30 HKT, 01:30 New York (overnight)


@pytest.fixture(scope="module")
def source() -> SnapshotSource:
    return SnapshotSource(PriceEngine(7, Universe(), weekday_calendars))


def on_grid(price: float, tick: float) -> bool:
    return abs(price / tick - round(price / tick)) < 1e-6


def test_stock_snapshot_basic_figures(source: SnapshotSource) -> None:
    s = source.snapshot("HK.00700", AT)
    q = s.quote
    assert s.sec_status == SecurityStatus.NORMAL
    assert q.high_price >= max(q.open_price, q.last_price) >= min(q.open_price, q.last_price) >= q.low_price > 0
    assert q.avg_price == pytest.approx(q.turnover / q.volume, rel=1e-6)
    assert q.amplitude == pytest.approx((q.high_price - q.low_price) / q.prev_close_price * 100, abs=1e-3)
    assert q.highest52weeks_price >= q.high_price and q.lowest52weeks_price <= q.low_price
    assert q.highest_history_price >= q.highest52weeks_price
    tick = source.engine.tick_rules.tick_size(s.instrument, q.last_price)
    for p in (q.last_price, s.bid_price, s.ask_price):
        assert on_grid(p, tick)
    assert s.bid_price < s.ask_price
    assert s.bid_volume % s.instrument.lot_size == 0 and s.bid_volume > 0
    book = source.books.order_book_at("HK.00700", AT, 10)
    assert s.bid_ask_ratio == bid_ask_ratio([lv.volume for lv in book.bids], [lv.volume for lv in book.asks])
    assert -100 <= s.bid_ask_ratio <= 100


def test_stock_equity_block_uses_last_price(source: SnapshotSource) -> None:
    s = source.snapshot("SH.600519", AT)
    e = s.equity
    assert e is not None and s.trust is None and s.warrant is None
    assert e.price == s.quote.last_price
    assert e.market_value == pytest.approx(s.quote.last_price * e.total_shares, rel=1e-9)
    assert e.pe_ttm == pytest.approx(s.quote.last_price / e.eps_ttm, rel=1e-3)


def test_index_breadth_counts_constituents(source: SnapshotSource) -> None:
    s = source.snapshot("HK.800000", AT)
    assert s.index is not None and s.plate is None and s.equity is None
    members = [source.engine.quote_at(c, AT) for c in ("HK.00700", "HK.02800")]
    assert s.index == breadth_of(members)
    assert s.index.raise_count + s.index.fall_count + s.index.equal_count == 2
    assert s.bid_price == 0 and s.ask_price == 0  # an index has no book


def test_fund_block(source: SnapshotSource) -> None:
    s = source.snapshot("HK.02800", AT)
    t = s.trust
    assert t is not None and s.equity is None
    assert t.net_asset_value * (1 + t.premium / 100) == pytest.approx(s.quote.last_price, rel=1e-4)
    assert t.aum == pytest.approx(t.net_asset_value * t.outstanding_units, rel=1e-6)
    assert t.asset_class == AssetClass.STOCK


def test_us_stock_has_extended_sessions_and_margin(source: SnapshotSource) -> None:
    s = source.snapshot("US.AAPL", dt.datetime(2025, 9, 3, 22, 0, tzinfo=UTC))  # 18:00 New York
    assert s.quote.after_hours is not None
    assert s.quote.pre_market is not None
    assert s.margin.enable_short_sell and s.margin.short_available_volume > 0
    assert s.margin.mortgage_ratio + s.margin.long_margin_initial_ratio == pytest.approx(100.0)


def test_deterministic_and_time_dependent(source: SnapshotSource) -> None:
    other = SnapshotSource(PriceEngine(7, Universe(), weekday_calendars))
    assert other.snapshot("US.AAPL", AT) == source.snapshot("US.AAPL", AT)
    later = source.snapshot("HK.00700", AT + dt.timedelta(minutes=20))
    assert later.quote.volume > source.snapshot("HK.00700", AT).quote.volume


def test_unknown_and_unlisted(source: SnapshotSource) -> None:
    with pytest.raises(KeyError):
        source.snapshot("HK.99999", AT)
    with pytest.raises(SnapshotUnavailable):
        source.snapshot("SZ.300750", dt.datetime(2018, 1, 2, 3, 0, tzinfo=UTC))  # before listing


def test_helpers() -> None:
    assert bid_ask_ratio([300, 100], [100]) == pytest.approx(60.0)
    assert bid_ask_ratio([], []) == 0.0


# ------------------------------------------------------------ derivatives


@pytest.fixture(scope="module")
def market():  # type: ignore[no-untyped-def]
    simulated = pytest.importorskip("openfutu.market.simulated")

    class FixedClock:
        def now(self) -> dt.datetime:
            return dt.datetime(2025, 3, 5, 3, 0, tzinfo=UTC)

    return simulated.SimulatedMarket(seed=3, clock=FixedClock())


HK_MORNING = dt.datetime(2025, 3, 5, 3, 0, tzinfo=UTC)  # 11:00 HKT


def test_warrant_block(market) -> None:  # type: ignore[no-untyped-def]
    source = SnapshotSource(market)
    for inst in market.universe.warrants_of("HK.00700")[:12]:
        s = source.snapshot(inst.code, HK_MORNING)
        w = s.warrant
        assert w is not None and w.owner == "HK.00700"
        assert s.owner == "HK.00700"
        terms = inst.terms
        assert w.warrant_type == int(terms.warrant_type)
        assert w.conversion_ratio == terms.conversion_ratio
        assert 0 < w.street_volume <= w.issue_volume
        assert w.street_ratio == pytest.approx(w.street_volume / w.issue_volume * 100, abs=1e-3)
        assert w.end_trade_date <= w.maturity_date
        spot = market.prices.quote_at("HK.00700", HK_MORNING).last_price
        if w.warrant_type in (1, 2) and s.quote.last_price > 0:
            assert w.conversion_price == pytest.approx(s.quote.last_price * w.conversion_ratio, rel=1e-6)
            assert w.leverage == pytest.approx(spot / w.conversion_price, rel=1e-3)
            assert (w.delta >= 0) == (w.warrant_type == 1)
        if w.warrant_type in (3, 4):
            assert w.recovery_price > 0


def test_option_block(market) -> None:  # type: ignore[no-untyped-def]
    source = SnapshotSource(market)
    chain = market.universe.options_of("HK.00700")
    assert chain
    for inst in chain[:8]:
        s = source.snapshot(inst.code, HK_MORNING)
        o = s.option
        assert o is not None and s.equity is None
        assert o.option_type == (OptionKind.CALL if int(inst.terms.option_type) == 1 else OptionKind.PUT)
        assert o.strike_price == inst.terms.strike_price
        assert o.expiry_date_distance == (inst.terms.strike_time - dt.date(2025, 3, 5)).days
        assert -1.0 <= o.delta <= 1.0 and o.gamma >= 0 and o.open_interest >= 0
        assert (o.delta >= 0) == (o.option_type == OptionKind.CALL)


def test_future_and_index_blocks(market) -> None:  # type: ignore[no-untyped-def]
    source = SnapshotSource(market)
    futures = market.universe.by_market(market.universe.get("HK.800000").security.market,
                                        SecurityType.FUTURE)
    assert futures
    for inst in futures:
        s = source.snapshot(inst.code, HK_MORNING)
        f = s.future
        assert f is not None and f.position >= 0
        assert f.last_settle_price == s.quote.prev_close_price
        if inst.terms is not None and inst.terms.last_trade_date is None:
            assert f.is_main_contract
    s = source.snapshot("HK.800000", HK_MORNING)
    members = market.universe.constituents("HK.800000")
    assert s.index is not None
    assert s.index.raise_count + s.index.fall_count + s.index.equal_count == len(members)


def test_plate_is_an_index_of_its_members(market) -> None:  # type: ignore[no-untyped-def]
    source = SnapshotSource(market)
    plate = market.universe.plate("HK.BK1046")
    s = source.snapshot("HK.BK1046", HK_MORNING)
    assert s.instrument.sec_type == SecurityType.PLATE and s.instrument.name == plate.name
    assert s.plate is not None and s.index is None
    quotes = [market.prices.quote_at(m, HK_MORNING) for m in plate.members]
    assert s.plate == breadth_of(quotes)
    q = s.quote
    assert q.high_price >= q.last_price >= q.low_price > 0
    assert q.volume > 0
    day = dt.date(2025, 3, 4)  # a finished day: the plate traded what its members traded
    assert source.plates.daily_bar("HK.BK1046", day).volume == sum(
        market.prices.daily_bar(m, day).volume for m in plate.members)
    # the daily close moves by the members' average return
    series = source.plates.daily_series("HK.BK1046", dt.date(2025, 3, 4))
    i = series.index_of(dt.date(2025, 3, 4))
    rets = [market.prices.daily_bar(m, dt.date(2025, 3, 4)).close / market.prices.daily_bar(m, dt.date(2025, 3, 4)).prev_close
            for m in plate.members]
    import math
    avg = sum(math.log(r) for r in rets) / len(rets)
    assert math.log(series.close[i] / series.close[i - 1]) == pytest.approx(avg, abs=2e-4)
    with pytest.raises(KeyError):
        source.snapshot("HK.BK9999999", HK_MORNING)
