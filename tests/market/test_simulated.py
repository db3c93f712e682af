"""The SimulatedMarket facade: determinism, clock binding, derivative prices
that follow their underlyings."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openfutu.market.model import MarketState, QotMarket
from openfutu.market.simulated import SimulatedMarket
from openfutu.market.universe import OptionRight, UnknownSecurity, WarrantKind

UTC = dt.timezone.utc
AT = dt.datetime(2025, 11, 25, 6, 0, tzinfo=UTC)  # Tuesday 14:00 in Hong Kong


class FixedClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


@pytest.fixture(scope="module")
def market() -> SimulatedMarket:
    return SimulatedMarket(seed=7, clock=FixedClock(AT))


def test_facade_attributes(market: SimulatedMarket) -> None:
    assert market.seed == 7 and market.now() == AT
    assert market.prices is not None and market.books is not None and market.klines is not None
    assert market.instrument("HK.00700").lot_size == 100
    with pytest.raises(UnknownSecurity):
        market.instrument("HK.99999")
    with pytest.raises(UnknownSecurity):
        market.quote("HK.99999")


def test_same_seed_and_time_same_quotes() -> None:
    a = SimulatedMarket(seed=3, clock=FixedClock(AT))
    b = SimulatedMarket(seed=3, clock=FixedClock(AT))
    codes = ["HK.00700", "US.AAPL", "SH.600519", "HK.800000", "HK.HSImain"]
    codes.append(a.universe.options_of("HK.00700")[10].code)
    codes.append(a.universe.warrants_of("HK.00700")[0].code)
    assert a.quotes(codes) == b.quotes(codes)
    assert a.order_book("HK.00700") == b.order_book("HK.00700")
    c = SimulatedMarket(seed=4, clock=FixedClock(AT))
    assert c.quote("HK.00700") != a.quote("HK.00700")


def test_at_overrides_clock(market: SimulatedMarket) -> None:
    later = AT + dt.timedelta(hours=1)
    assert market.quote("HK.00700", later) == SimulatedMarket(seed=7, clock=FixedClock(later)).quote("HK.00700")
    with pytest.raises(ValueError):
        market.quote("HK.00700", dt.datetime(2025, 11, 25, 14, 0))


def test_market_state_follows_sessions(market: SimulatedMarket) -> None:
    assert market.market_state("HK.00700") == MarketState.AFTERNOON
    lunch = dt.datetime(2025, 11, 25, 4, 30, tzinfo=UTC)  # 12:30 HK
    assert market.market_state("HK.00700", lunch) == MarketState.REST
    saturday = dt.datetime(2025, 11, 29, 6, 0, tzinfo=UTC)
    assert market.market_state("HK.00700", saturday) == MarketState.CLOSED


def test_trading_days_skip_weekends(market: SimulatedMarket) -> None:
    days = market.trading_days(QotMarket.HK_SECURITY, dt.date(2025, 11, 24), dt.date(2025, 11, 30))
    assert days == [dt.date(2025, 11, 24) + dt.timedelta(i) for i in range(5)]
    assert market.trading_days(QotMarket.US_SECURITY, dt.date(2025, 11, 30), dt.date(2025, 11, 1)) == []


def test_ticks_time_share_and_books(market: SimulatedMarket) -> None:
    ticks = market.ticks("HK.00700", 20)
    assert len(ticks) == 20 and all(t.time <= AT for t in ticks)
    assert ticks[-1].price == market.quote("HK.00700").last_price
    points = market.time_share("HK.00700")
    assert points and points[-1].time <= AT + dt.timedelta(minutes=1)
    book = market.order_book("HK.00700", depth=5)
    assert len(book.bids) == 5 and book.bids[0].price < book.asks[0].price
    assert market.broker_queue("HK.00700") is not None


# ------------------------------------------------------------------ derivatives


def test_option_quote_is_its_model_value(market: SimulatedMarket) -> None:
    spot = market.quote("HK.00700").last_price
    chain = market.universe.options_of("HK.00700")
    expiry = chain[0].terms.strike_time
    calls = [o for o in chain if o.terms.strike_time == expiry and o.terms.option_type == OptionRight.CALL]
    puts = [o for o in chain if o.terms.strike_time == expiry and o.terms.option_type == OptionRight.PUT]
    call_prices = [market.quote(o.code).last_price for o in calls]
    put_prices = [market.quote(o.code).last_price for o in puts]
    # calls fall and puts rise with the strike
    assert call_prices == sorted(call_prices, reverse=True)
    assert put_prices == sorted(put_prices)
    for o, p in zip(calls, call_prices):
        intrinsic = max(spot - o.terms.strike_price, 0.0)
        assert p >= intrinsic - 0.5  # quotes are on ticks of the last minute
        assert abs(p - market.model_price(o.code)) <= max(0.02 * p, 0.05)


def test_call_rises_with_its_underlying(market: SimulatedMarket) -> None:
    opt = market.universe.options_of("HK.00700")[10]
    assert opt.terms.option_type == OptionRight.CALL
    days = market.prices.daily_series(opt.code, AT.date())
    under = market.prices.daily_series("HK.00700", AT.date())
    i = days.index_of(dt.date(2025, 11, 24))
    j = under.index_of(dt.date(2025, 11, 24))
    moves = []
    for k in range(1, 15):
        du = under.close[j - k + 1] - under.close[j - k]
        do = days.close[i - k + 1] - days.close[i - k]
        if abs(du) > 1.0:
            moves.append((du > 0) == (do > 0) or do == 0)
    assert moves and all(moves)


def test_futures_trade_near_their_index(market: SimulatedMarket) -> None:
    index = market.quote("HK.800000").last_price
    for code in ["HK.HSImain", market.universe.futures_of("HSI")[1].code]:
        price = market.quote(code).last_price
        assert abs(price / index - 1) < 0.01, code
    spx = market.quote("US..SPX", AT).last_price
    es = market.quote("US.ESmain", AT).last_price
    assert abs(es / spx - 1) < 0.02
    # the main contract is the nearest month
    assert market.quote("HK.HSImain") .last_price == market.quote("HK.HSI2511").last_price


def test_warrant_prices_follow_terms(market: SimulatedMarket) -> None:
    spot = market.quote("HK.00700").last_price
    for w in market.universe.warrants_of("HK.00700")[:60]:
        t = w.terms
        p = market.quote(w.code).last_price
        assert p > 0
        if t.warrant_type in (WarrantKind.BULL, WarrantKind.BEAR) and \
                (spot - t.call_price) * (1 if t.warrant_type == WarrantKind.BULL else -1) > 0:
            intrinsic = abs(spot - t.strike_price) / t.conversion_ratio
            assert p == pytest.approx(intrinsic, rel=0.2, abs=0.02)


def test_model_price_needs_a_derivative(market: SimulatedMarket) -> None:
    with pytest.raises(ValueError):
        market.model_price("HK.00700")
    assert market.underlying_price(market.universe.options_of("HK.00700")[0].code) == \
        market.quote("HK.00700").last_price


def test_called_cbbcs_leave_the_list_and_keep_their_residual() -> None:
    market = SimulatedMarket(seed=7, clock=FixedClock(AT))
    uni = market.universe
    called = []
    for mi in range(2024 * 12, 2025 * 12 + 10):
        for inst in uni._warrants_issued("HK.00700", mi):
            day = market.prices.knock_out_day(inst)
            if day is not None and day < AT.date() - dt.timedelta(days=3):
                called.append((inst, day))
    assert called, "a year of CBBCs with ~10% cushions should see some calls"
    listed = {w.code: w for w in uni.warrants_of("HK.00700")}
    for inst, day in called:
        t = inst.terms
        under = market.prices.daily_series("HK.00700", day)
        j = under.index_of(day)
        touched = under.low[j] <= t.call_price if t.warrant_type == WarrantKind.BULL else under.high[j] >= t.call_price
        assert touched
        assert listed.get(inst.code) is not inst
        series = market.prices.daily_series(inst.code, AT.date())
        k = series.index_of(day)
        assert np.all(series.close[k:] == series.close[k]) and np.all(series.volume[k + 1:] == 0)


def test_option_chain_follows_the_price() -> None:
    market = SimulatedMarket(seed=7, clock=FixedClock(AT))
    spot = market.quote("HK.00700").last_price
    for expiry in market.universe.option_expiries("HK.00700"):
        strikes = sorted({o.terms.strike_price for o in market.universe.options_of("HK.00700", expiry=expiry)})
        assert strikes[0] < spot < strikes[-1], expiry
        # every strike lies on the chain's grid
        step = min(b - a for a, b in zip(strikes, strikes[1:]))
        assert all(abs(s / step - round(s / step)) < 1e-6 for s in strikes)
