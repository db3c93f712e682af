"""Derivatives pricing: options, warrants/CBBCs/inline warrants, futures, surface."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openfutu.market.derivatives import (
    MAX_VOLATILITY,
    MIN_VOLATILITY,
    CbbcCategory,
    ContractMonth,
    ExerciseStyle,
    ImpliedVolatilityError,
    OptionRight,
    PriceStatus,
    VolatilitySurface,
    WarrantKind,
    american_price,
    cbbc_category,
    cbbc_price_recovery_ratio,
    cbbc_residual_value,
    cbbc_value,
    contract_nominal_value,
    daily_settlement_price,
    european_price,
    exercise_style_for_underlying,
    expiry_date_distance,
    first_knock_out,
    futures_basis,
    futures_fair_value,
    futures_fair_value_for_terms,
    futures_open_interest,
    implied_carry,
    implied_volatility,
    implied_volatility_array,
    index_final_settlement_price,
    inline_price_status,
    inline_warrant_value,
    intrinsic_value,
    is_in_the_money,
    is_knocked_out,
    main_contract,
    main_contract_by_open_interest,
    option_greeks,
    option_open_interest,
    option_premium,
    option_price,
    option_price_for_terms,
    option_quote_analytics,
    option_quote_analytics_for_terms,
    position_change,
    price_bounds,
    price_option_chain,
    street_ratio,
    try_implied_volatility,
    warrant_analytics,
    warrant_analytics_for_terms,
    warrant_break_even_point,
    warrant_conversion_price,
    warrant_delta,
    warrant_effective_leverage,
    warrant_implied_volatility,
    warrant_ipop,
    warrant_kind,
    warrant_leverage,
    warrant_premium,
    warrant_price_status,
    warrant_value,
    warrant_value_for_terms,
    year_fraction,
)

AM, EU = ExerciseStyle.AMERICAN, ExerciseStyle.EUROPEAN


def crr_american(s: float, k: float, t: float, vol: float, r: float, q: float, call: bool, steps: int = 1500) -> float:
    """Reference Cox-Ross-Rubinstein tree with early exercise."""
    dt_ = t / steps
    up = math.exp(vol * math.sqrt(dt_))
    p = (math.exp((r - q) * dt_) - 1 / up) / (up - 1 / up)
    disc = math.exp(-r * dt_)
    j = np.arange(steps + 1)
    values = np.maximum((s * up ** (steps - 2 * j) - k) * (1 if call else -1), 0.0)
    for i in range(steps - 1, -1, -1):
        j = np.arange(i + 1)
        spot = s * up ** (i - 2 * j)
        values = np.maximum(disc * (p * values[:-1] + (1 - p) * values[1:]), (spot - k) * (1 if call else -1))
    return float(values[0])


# ------------------------------------------------------------------ options


def test_black_scholes_textbook_value():
    # Hull's example: S=K=100, T=1, r=5%, sigma=20% -> call 10.4506, put 5.5735
    assert european_price(100, 100, 1.0, 0.2, 0.05, 0.0, "CALL") == pytest.approx(10.4506, abs=1e-4)
    assert european_price(100, 100, 1.0, 0.2, 0.05, 0.0, "PUT") == pytest.approx(5.5735, abs=1e-4)


@pytest.mark.parametrize("q", [0.0, 0.03])
def test_put_call_parity_across_a_grid(q):
    strikes = np.linspace(60, 160, 51)
    for years in (0.02, 0.25, 1.0, 3.0):
        for vol in (0.1, 0.35, 0.9):
            call = european_price(100, strikes, years, vol, 0.04, q, "CALL")
            put = european_price(100, strikes, years, vol, 0.04, q, "PUT")
            parity = 100 * math.exp(-q * years) - strikes * math.exp(-0.04 * years)
            np.testing.assert_allclose(call - put, parity, atol=1e-9)


def test_mixed_rights_in_one_call_match_separate_calls():
    strikes = np.array([90.0, 100.0, 110.0, 120.0])
    rights = ["CALL", "PUT", OptionRight.CALL, False]
    mixed = option_price(100, strikes, 0.5, 0.3, 0.02, 0.01, rights, AM)
    single = [option_price(100, k, 0.5, 0.3, 0.02, 0.01, r, AM) for k, r in zip(strikes, rights)]
    np.testing.assert_allclose(mixed, single)


def test_european_greeks_match_finite_differences():
    s, k, t, v, r, q = 100.0, np.array([80.0, 100.0, 125.0]), 0.75, 0.28, 0.03, 0.015
    for right in ("CALL", "PUT"):
        def price(s_=s, t_=t, v_=v, r_=r):
            return np.asarray(european_price(s_, k, t_, v_, r_, q, right))

        g = option_greeks(s, k, t, v, r, q, right, EU, raw=True)
        h = 1e-3
        np.testing.assert_allclose(g.delta, (price(s_=s + h) - price(s_=s - h)) / (2 * h), atol=1e-6)
        np.testing.assert_allclose(g.gamma, (price(s_=s + h) - 2 * price() + price(s_=s - h)) / h**2, atol=1e-4)
        np.testing.assert_allclose(g.vega, (price(v_=v + 1e-5) - price(v_=v - 1e-5)) / 2e-5, rtol=1e-6)
        np.testing.assert_allclose(g.theta, -(price(t_=t + 1e-6) - price(t_=t - 1e-6)) / 2e-6, rtol=1e-5)
        np.testing.assert_allclose(g.rho, (price(r_=r + 1e-6) - price(r_=r - 1e-6)) / 2e-6, rtol=1e-5)


def test_quoted_greek_units_are_per_vol_point_per_day_per_rate_point():
    raw = option_greeks(100, 105, 0.5, 0.25, 0.03, 0.0, "CALL", EU, raw=True)
    quoted = option_greeks(100, 105, 0.5, 0.25, 0.03, 0.0, "CALL", EU)
    assert quoted.delta == raw.delta and quoted.gamma == raw.gamma
    assert quoted.vega == pytest.approx(raw.vega / 100)
    assert quoted.theta == pytest.approx(raw.theta / 365)
    assert quoted.rho == pytest.approx(raw.rho / 100)
    # one vol point up moves the price by about the quoted vega
    moved = european_price(100, 105, 0.5, 0.26, 0.03, 0.0, "CALL") - european_price(100, 105, 0.5, 0.25, 0.03, 0.0, "CALL")
    assert moved == pytest.approx(quoted.vega, rel=0.01)


def test_american_greeks_are_consistent_with_the_american_price():
    k = np.array([90.0, 100.0, 110.0])
    g = option_greeks(100, k, 0.5, 0.3, 0.05, 0.0, "PUT", AM)
    up = np.asarray(american_price(100.5, k, 0.5, 0.3, 0.05, 0.0, "PUT"))
    down = np.asarray(american_price(99.5, k, 0.5, 0.3, 0.05, 0.0, "PUT"))
    np.testing.assert_allclose(g.delta, (up - down) / 1.0, atol=2e-3)
    assert np.all((g.delta <= 0) & (g.delta >= -1)) and np.all(g.gamma > 0) and np.all(g.vega > 0)
    assert np.all(g.theta < 0)


def test_american_price_against_binomial_tree_and_european_floor():
    cases = [
        (100, 100, 0.5, 0.3, 0.05, 0.0, False),
        (100, 110, 1.0, 0.25, 0.06, 0.0, False),
        (100, 90, 0.25, 0.4, 0.03, 0.02, False),
        (100, 100, 1.0, 0.2, 0.03, 0.06, True),
        (110, 100, 0.1, 0.15, 0.1, 0.1, True),
    ]
    for s, k, t, v, r, q, call in cases:
        right = "CALL" if call else "PUT"
        am = american_price(s, k, t, v, r, q, right)
        assert am == pytest.approx(crr_american(s, k, t, v, r, q, call), rel=0.01)
        assert am >= european_price(s, k, t, v, r, q, right) - 1e-12
        assert am >= max((s - k) if call else (k - s), 0.0)


def test_american_call_without_dividend_is_european():
    k = np.linspace(70, 130, 13)
    np.testing.assert_allclose(
        american_price(100, k, 0.8, 0.3, 0.05, 0.0, "CALL"), european_price(100, k, 0.8, 0.3, 0.05, 0.0, "CALL")
    )


def test_deep_in_the_money_american_put_is_worth_exercise_value():
    assert american_price(50, 100, 1.0, 0.2, 0.08, 0.0, "PUT") == pytest.approx(50.0)


def test_expired_and_zero_vol_options_are_worth_intrinsic():
    assert european_price(105, 100, 0.0, 0.3, 0.05, 0.0, "CALL") == pytest.approx(5.0)
    assert european_price(95, 100, -0.1, 0.3, 0.05, 0.0, "CALL") == 0.0
    assert american_price(95, 100, 0.0, 0.3, 0.05, 0.0, "PUT") == pytest.approx(5.0)
    g = option_greeks(105, 100, 0.0, 0.3, 0.05, 0.0, "CALL")
    assert (g.delta, g.gamma, g.vega, g.theta, g.rho) == (1.0, 0.0, 0.0, 0.0, 0.0)
    # zero vol, time left: discounted forward intrinsic
    assert european_price(100, 90, 1.0, 0.0, 0.05, 0.0, "CALL") == pytest.approx(100 - 90 * math.exp(-0.05))


@pytest.mark.parametrize("style", [EU, AM])
@pytest.mark.parametrize("right", ["CALL", "PUT"])
def test_implied_volatility_round_trip_across_strikes_and_expiries(style, right):
    strikes = np.linspace(50, 160, 23)
    for years in (7 / 365, 0.25, 1.0, 2.5):
        for vol in (0.12, 0.45, 1.3):
            prices = np.asarray(option_price(100, strikes, years, vol, 0.03, 0.01, right, style))
            iv = implied_volatility_array(prices, 100, strikes, years, 0.03, 0.01, right, style)
            again = np.asarray(option_price(100, strikes, years, np.where(np.isnan(iv), vol, iv), 0.03, 0.01, right, style))
            vega = np.asarray(option_greeks(100, strikes, years, vol, 0.03, 0.01, right, EU, raw=True).vega)
            informative = (vega > 1e-2) & (prices - np.asarray(price_bounds(100, strikes, years, 0.03, 0.01, right, style)[0]) > 1e-6)
            assert not np.any(np.isnan(iv[informative]))
            np.testing.assert_allclose(iv[informative], vol, atol=1e-6)
            np.testing.assert_allclose(again, prices, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    strike=st.floats(40, 250),
    years=st.floats(1 / 365, 4),
    vol=st.floats(0.05, 2.0),
    rate=st.floats(-0.01, 0.08),
    dividend_yield=st.floats(0.0, 0.06),
    call=st.booleans(),
    american=st.booleans(),
)
def test_implied_volatility_round_trip_property(strike, years, vol, rate, dividend_yield, call, american):
    style = AM if american else EU
    price = option_price(100, strike, years, vol, rate, dividend_yield, call, style)
    iv = try_implied_volatility(price, 100, strike, years, rate, dividend_yield, call, style)
    lower, _ = price_bounds(100, strike, years, rate, dividend_yield, call, style)
    if iv is None:  # only when the price carries no volatility information
        assert price - lower < 1e-9
        return
    assert option_price(100, strike, years, iv, rate, dividend_yield, call, style) == pytest.approx(price, abs=1e-8)
    vega = option_greeks(100, strike, years, vol, rate, dividend_yield, call, EU, raw=True).vega
    if vega > 1e-2 and price - lower > 1e-6:
        assert iv == pytest.approx(vol, abs=1e-6)


def test_exercise_style_by_underlying():
    assert exercise_style_for_underlying(underlying_is_index=True) is EU
    assert exercise_style_for_underlying(underlying_is_index=False) is AM


def test_scalar_implied_volatility_and_errors_outside_bounds():
    price = european_price(100, 95, 0.5, 0.37, 0.02, 0.0, "PUT")
    assert implied_volatility(price, 100, 95, 0.5, 0.02, 0.0, "PUT") == pytest.approx(0.37, abs=1e-9)
    lower, upper = price_bounds(100, 80, 1.0, 0.05, 0.0, "CALL")
    assert lower == pytest.approx(100 - 80 * math.exp(-0.05)) and upper == pytest.approx(100)
    with pytest.raises(ImpliedVolatilityError, match="below the no-arbitrage lower bound"):
        implied_volatility(lower - 0.5, 100, 80, 1.0, 0.05, 0.0, "CALL")
    with pytest.raises(ImpliedVolatilityError, match="above the no-arbitrage upper bound"):
        implied_volatility(100.5, 100, 80, 1.0, 0.05, 0.0, "CALL")
    with pytest.raises(ImpliedVolatilityError, match="expired"):
        implied_volatility(1.0, 100, 100, 0.0, 0.05, 0.0, "CALL")
    with pytest.raises(ImpliedVolatilityError, match=f"above {MAX_VOLATILITY}"):
        implied_volatility(99.0, 100, 100, 0.1, 0.0, 0.0, "CALL")
    # American put: exercise value is the floor even though European bounds are lower
    with pytest.raises(ImpliedVolatilityError):
        implied_volatility(19.0, 80, 100, 1.0, 0.05, 0.0, "PUT", AM)
    assert try_implied_volatility(lower - 0.5, 100, 80, 1.0, 0.05, 0.0, "CALL") is None
    iv = implied_volatility_array([lower - 0.5, 25.0, 100.5], 100, 80, 1.0, 0.05, 0.0, "CALL")
    assert math.isnan(iv[0]) and math.isnan(iv[2]) and MIN_VOLATILITY < iv[1] < MAX_VOLATILITY


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError):
        european_price(-1, 100, 1, 0.2)
    with pytest.raises(ValueError):
        european_price(100, 0, 1, 0.2)
    with pytest.raises(ValueError):
        european_price(100, 100, 1, -0.2)
    with pytest.raises(ValueError, match="CALL or PUT"):
        european_price(100, 100, 1, 0.2, right="STRADDLE")
    with pytest.raises(ValueError):
        option_price(100, 100, 1, 0.2, style=ExerciseStyle.BERMUDA)
    with pytest.raises(ValueError):
        implied_volatility(float("nan"), 100, 100, 1)


def test_chain_of_two_hundred_strikes_in_one_call():
    surface = VolatilitySurface.for_underlying(0.3)
    strikes = np.linspace(300, 600, 200)
    calls = price_option_chain(450, strikes, 0.25, "CALL", surface, 0.03, 0.01, AM)
    puts = price_option_chain(450, strikes, 0.25, "PUT", surface, 0.03, 0.01, AM)
    assert calls.price.shape == (200,) and puts.delta.shape == (200,)
    assert np.all(np.diff(calls.price) < 0) and np.all(np.diff(puts.price) > 0)
    assert np.all((calls.delta >= 0) & (calls.delta <= 1)) and np.all((puts.delta <= 0) & (puts.delta >= -1))
    # the quoted IV (percent) reproduces the model price
    iv = implied_volatility_array(calls.price, 450, strikes, 0.25, 0.03, 0.01, "CALL", AM)
    informative = calls.vega > 1e-3
    np.testing.assert_allclose(100 * iv[informative], calls.implied_volatility[informative], atol=1e-4)
    np.testing.assert_allclose(calls.premium, option_premium(calls.price, 450, strikes, "CALL"))


def test_option_data_filter_truncates_bounds_like_the_protocol():
    quotes = price_option_chain(100, np.linspace(80, 120, 41), 0.1, "CALL", 0.25)
    mask = quotes.filter_mask(delta_min=0.0, delta_max=0.1009)  # truncated to 0.1
    assert np.all(quotes.delta[mask] <= 0.1) and mask.sum() > 0
    assert np.array_equal(mask, quotes.filter_mask(delta_min=0, delta_max=0.1))
    oi = np.arange(41)
    assert quotes.filter_mask(open_interest=oi, open_interest_min=10.7, open_interest_max=12).sum() == 3
    with pytest.raises(ValueError, match="volume"):
        quotes.filter_mask(vol_min=1)


def test_option_premium_moneyness_and_contract_figures():
    # call: (K + P - S) / S ; put: (S + P - K) / S, in percent
    assert option_premium(2.0, 100, 105, "CALL") == pytest.approx(7.0)
    assert option_premium(3.0, 100, 95, "PUT") == pytest.approx(8.0)
    assert is_in_the_money(100, 95, "CALL") and not is_in_the_money(100, 95, "PUT")
    assert intrinsic_value(100, 95, "PUT") == 0.0 and intrinsic_value(100, 95, "CALL") == 5.0
    assert expiry_date_distance(dt.date(2026, 3, 1), dt.date(2026, 2, 27)) == -2
    assert year_fraction(dt.date(2026, 1, 1), dt.date(2027, 1, 1)) == pytest.approx(1.0)
    hkt = dt.timezone(dt.timedelta(hours=8))
    assert year_fraction(dt.datetime(2026, 1, 1, 12, tzinfo=hkt), dt.date(2026, 1, 2)) * 365 == pytest.approx(0.5)
    a = option_quote_analytics(
        price=12.0, spot=450, strike=460, today=dt.date(2026, 1, 5), expiry=dt.date(2026, 2, 27),
        right="PUT", rate=0.03, contract_size=100, underlying_lot_size=100,
    )
    assert a.expiry_date_distance == 53 and a.contract_nominal_value == 45000.0 and a.owner_lot_multiplier == 1.0
    assert a.implied_volatility is not None and 1 < a.implied_volatility < 200
    assert a.premium == pytest.approx(100 * (450 + 12 - 460) / 450)
    years = 53 / 365
    assert american_price(450, 460, years, a.implied_volatility / 100, 0.03, 0.0, "PUT") == pytest.approx(12.0, abs=1e-8)


def test_option_analytics_without_iv_fall_back_or_give_none():
    below_intrinsic = option_quote_analytics(
        price=1.0, spot=100, strike=120, today=dt.date(2026, 1, 5), expiry=dt.date(2026, 6, 5), right="PUT"
    )
    assert below_intrinsic.implied_volatility is None and below_intrinsic.delta is None
    fallback = option_quote_analytics(
        price=1.0, spot=100, strike=120, today=dt.date(2026, 1, 5), expiry=dt.date(2026, 6, 5), right="PUT",
        fallback_volatility=0.3,
    )
    assert fallback.implied_volatility is None and fallback.delta is not None and fallback.delta < -0.5


# ----------------------------------------------------------------- surface


def test_volatility_surface_skew_term_structure_and_validation():
    s = VolatilitySurface(short_term_atm=0.40, long_term_atm=0.25, skew=-0.15, smile=0.05)
    assert s.atm_volatility(0.0) == pytest.approx(0.40)
    assert s.atm_volatility(10.0) == pytest.approx(0.25, abs=1e-6)
    assert s.volatility(100, 100, 0.5) == pytest.approx(s.atm_volatility(0.5))
    assert s.volatility(85, 100, 0.5) > s.volatility(115, 100, 0.5)  # puts dearer
    grid = s.volatility(np.linspace(10, 1000, 200)[:, None], 100, np.array([1 / 365, 0.1, 1, 5]))
    assert grid.shape == (200, 4) and np.all(grid >= s.floor) and np.all(grid <= s.cap)
    assert VolatilitySurface.for_underlying(0.3, "index").volatility(90, 100, 0.25) == s.__class__.for_underlying(
        0.3, "index"
    ).volatility(90, 100, 0.25)
    with pytest.raises(ValueError):
        VolatilitySurface(short_term_atm=0.3, long_term_atm=0.3, skew=-0.9, smile=0.0)
    with pytest.raises(ValueError):
        VolatilitySurface(short_term_atm=-0.1, long_term_atm=0.3)
    with pytest.raises(ValueError):
        VolatilitySurface.for_underlying(0.3, "bond")


# ---------------------------------------------------------------- warrants


def test_call_warrant_metrics_by_hand():
    # spot 450, strike 500, 100 warrants per share, warrant 0.15
    assert warrant_conversion_price(0.15, 100) == pytest.approx(15.0)
    assert warrant_premium(0.15, 450, 500, 100, "CALL") == pytest.approx(65 / 450 * 100)
    assert warrant_leverage(0.15, 450, 100) == pytest.approx(30.0)
    assert warrant_break_even_point(0.15, 500, 100, "CALL") == pytest.approx(515.0)
    assert warrant_ipop(450, 500, "CALL") == pytest.approx(-10.0)
    assert warrant_price_status(450, 500, "CALL") is PriceStatus.OUTSIDE
    assert warrant_effective_leverage(30.0, 0.4) == pytest.approx(12.0)
    assert street_ratio(2_500_000, 10_000_000) == pytest.approx(25.0)


def test_put_warrant_metrics_by_hand():
    # spot 450, strike 400, 50 warrants per share, warrant 0.2 -> conversion price 10
    assert warrant_premium(0.2, 450, 400, 50, WarrantKind.PUT) == pytest.approx(60 / 450 * 100)
    assert warrant_break_even_point(0.2, 400, 50, WarrantKind.PUT) == pytest.approx(390.0)
    assert warrant_leverage(0.2, 450, 50) == pytest.approx(45.0)
    assert warrant_ipop(450, 400, 2) == pytest.approx(-12.5)
    assert warrant_ipop(380, 400, "PUT") == pytest.approx(5.0)
    assert warrant_price_status(380, 400, "PUT") is PriceStatus.WITH_IN
    assert warrant_effective_leverage(45.0, -0.3) == pytest.approx(13.5)


def test_warrant_metrics_vectorise_over_many_warrants():
    prices = np.array([0.10, 0.15, 0.30])
    strikes = np.array([480.0, 500.0, 520.0])
    np.testing.assert_allclose(warrant_leverage(prices, 450, 100), 450 / (prices * 100))
    np.testing.assert_allclose(warrant_premium(prices, 450, strikes, 100, "CALL"), 100 * (strikes + prices * 100 - 450) / 450)
    np.testing.assert_array_equal(warrant_price_status(450, strikes - 40, "CALL"), [2, 1, 1])


def test_warrant_value_iv_and_delta():
    value = warrant_value(450, 500, 0.5, 0.3, 100, 0.03, 0.0, "CALL")
    assert value == pytest.approx(european_price(450, 500, 0.5, 0.3, 0.03, 0.0, "CALL") / 100)
    assert warrant_implied_volatility(value, 450, 500, 0.5, 100, 0.03, 0.0, "CALL") == pytest.approx(0.3, abs=1e-8)
    assert warrant_implied_volatility(0.0001, 450, 300, 0.5, 100, 0.03, 0.0, "CALL") is None  # below intrinsic
    assert 0 < warrant_delta(450, 500, 0.5, 0.3, 0.03, 0.0, "CALL") < 1
    assert -1 < warrant_delta(450, 500, 0.5, 0.3, 0.03, 0.0, "PUT") < 0
    with pytest.raises(ValueError):
        warrant_value(450, 500, 0.5, 0.3, 0, 0.03, 0.0, "CALL")
    with pytest.raises(ValueError):
        warrant_value(450, 500, 0.5, 0.3, 100, 0.03, 0.0, "BULL")


def test_warrant_analytics_fields_by_type():
    call = warrant_analytics(kind="CALL", price=0.15, spot=450, strike=500, conversion_ratio=100, years=0.5, rate=0.03,
                             street_volume=1e6, issue_volume=1e7)
    assert call.leverage == pytest.approx(30.0) and call.premium == pytest.approx(65 / 4.5)
    assert call.implied_volatility is not None and call.delta is not None
    assert call.effective_leverage == pytest.approx(30.0 * call.delta)
    assert call.recovery_price is None and call.inline_price_status is None and call.street_ratio == pytest.approx(10.0)
    bull = warrant_analytics(kind="BULL", price=0.5, spot=450, strike=400, call_price=410, conversion_ratio=100, years=0.5)
    assert bull.recovery_price == 410 and bull.price_recovery_ratio == pytest.approx(40 / 4.5)
    assert bull.implied_volatility is None and bull.delta is None and bull.ipop == pytest.approx(12.5)
    inline = warrant_analytics(kind=WarrantKind.INLINE, price=0.5, spot=450, strike=0, conversion_ratio=1, years=0.5,
                               lower_strike=400, upper_strike=500)
    assert inline.inline_price_status is PriceStatus.WITH_IN and inline.premium is None and inline.delta is None
    with pytest.raises(ValueError):
        warrant_analytics(kind="BEAR", price=0.5, spot=450, strike=500, conversion_ratio=100, years=0.5)


def test_cbbc_value_and_distance_to_call_price_by_hand():
    # bull: (450 - 400 + 400 * 4% * 0.5) / 100
    assert cbbc_value(450, 400, 410, 0.5, 100, 0.04, "BULL") == pytest.approx(0.58)
    # bear: (500 - 450 + 500 * 4% * 0.5) / 100
    assert cbbc_value(450, 500, 490, 0.5, 100, 0.04, "BEAR") == pytest.approx(0.60)
    assert cbbc_price_recovery_ratio(450, 410, "BULL") == pytest.approx(40 / 450 * 100)
    assert cbbc_price_recovery_ratio(450, 490, "BEAR") == pytest.approx(40 / 450 * 100)
    assert cbbc_category(400, 400) is CbbcCategory.N and cbbc_category(400, 410) is CbbcCategory.R
    with pytest.raises(ValueError, match="bull"):
        cbbc_value(450, 400, 390, 0.5, 100, 0.04, "BULL")
    with pytest.raises(ValueError, match="bear"):
        cbbc_value(450, 500, 510, 0.5, 100, 0.04, "BEAR")


def test_cbbc_knock_out_on_touch_of_call_price():
    path = [452.0, 447.5, 441.0, 410.0, 430.0]
    assert first_knock_out(path, 410.0, "BULL") == 3  # touching counts
    assert is_knocked_out(path, 410.0, "BULL")
    assert not is_knocked_out(path, 409.99, "BULL")
    assert first_knock_out([440, 470, 489.9, 490.0, 495], 490.0, "BEAR") == 3
    assert first_knock_out([], 490.0, "BEAR") is None
    with pytest.raises(ValueError):
        is_knocked_out(path, 410.0, "CALL")
    # residual value: bull settles on the lowest price, bear on the highest
    assert cbbc_residual_value(400, 100, "BULL", [409, 405.5, 412]) == pytest.approx(0.055)
    assert cbbc_residual_value(400, 100, "BULL", [409, 395, 412]) == 0.0
    assert cbbc_residual_value(500, 50, "BEAR", [491, 496, 493]) == pytest.approx(0.08)
    assert cbbc_residual_value(400, 100, "BULL", [400, 401]) == 0.0  # category N gets nothing


def test_inline_warrant_value_between_zero_and_payout():
    spots = np.linspace(300, 600, 31)
    for years in (1 / 365, 0.1, 0.5, 2.0):
        for vol in (0.05, 0.3, 1.5):
            value = inline_warrant_value(spots, 400, 500, years, vol, 0.03)
            disc = math.exp(-0.03 * years)
            assert np.all(value >= 0.25 * disc - 1e-12) and np.all(value <= 1.0 * disc + 1e-12)
    # inside and calm: close to the full payout; far outside: close to the floor
    assert inline_warrant_value(450, 400, 500, 0.05, 0.1, 0.0) > 0.99
    assert inline_warrant_value(700, 400, 500, 0.05, 0.1, 0.0) == pytest.approx(0.25, abs=1e-6)
    # more volatility means more chance of ending outside
    assert inline_warrant_value(450, 400, 500, 0.5, 0.5, 0.0) < inline_warrant_value(450, 400, 500, 0.5, 0.2, 0.0)
    # at expiry: the fixed payouts, bounds inclusive
    assert inline_warrant_value(500, 400, 500, 0.0, 0.3) == 1.0
    assert inline_warrant_value(500.01, 400, 500, 0.0, 0.3) == 0.25
    assert inline_price_status(400, 400, 500) is PriceStatus.WITH_IN
    assert inline_price_status(399.9, 400, 500) is PriceStatus.OUTSIDE
    with pytest.raises(ValueError):
        inline_warrant_value(450, 500, 400, 0.5, 0.3)


def test_warrant_kind_accepts_sdk_strings_and_wire_ints():
    assert warrant_kind("bull") is WarrantKind.BULL and warrant_kind(5) is WarrantKind.INLINE
    assert warrant_kind("BUY") is WarrantKind.CALL
    with pytest.raises(ValueError):
        warrant_kind("STRADDLE")


# ----------------------------------------------------------------- futures


def test_futures_fair_value_and_basis_sign():
    contango = futures_fair_value(20000, 0.25, 0.04, 0.01)
    backwardation = futures_fair_value(20000, 0.25, 0.02, 0.05)
    assert contango == pytest.approx(20000 * math.exp(0.03 * 0.25))
    assert futures_basis(contango, 20000) > 0 and futures_basis(backwardation, 20000) < 0
    assert futures_fair_value(20000, 0.0, 0.04, 0.01) == 20000
    assert implied_carry(contango, 20000, 0.25) == pytest.approx(0.03)
    assert contract_nominal_value(20123, 50) == pytest.approx(1_006_150)
    with pytest.raises(ValueError):
        futures_fair_value(-1, 0.25)


def test_main_contract_roll():
    months = [ContractMonth("HK.HSI2612", dt.date(2026, 12, 30)), ContractMonth("HK.HSI2701", dt.date(2027, 1, 28)),
              ContractMonth("HK.HSI2702", dt.date(2027, 2, 25))]
    assert main_contract(months, dt.date(2026, 12, 1)).code == "HK.HSI2612"
    assert main_contract(months, dt.date(2026, 12, 30)).code == "HK.HSI2612"
    assert main_contract(months, dt.date(2026, 12, 31)).code == "HK.HSI2701"
    assert main_contract(months, dt.date(2026, 12, 28), roll_days=3).code == "HK.HSI2701"
    with pytest.raises(ValueError):
        main_contract(months, dt.date(2027, 3, 1))
    assert main_contract_by_open_interest({"SH.a": 10, "SH.b": 30, "SH.c": 30}) == "SH.b"


def test_open_interest_and_settlement_models():
    days = np.array([-1, 0, 1, 5, 6, 60, 200])
    oi = futures_open_interest(days, 100_000)
    assert oi[0] == oi[1] == 0 and oi[2] == 20_000 and oi[3] == 100_000
    assert oi[3] >= oi[4] > oi[5] > oi[6] > 0
    chain_oi = option_open_interest(100, np.linspace(60, 140, 41), 0.1, 5000)
    assert chain_oi.argmax() == 20 and chain_oi[0] < chain_oi[20]
    assert option_open_interest(100, 100, 0.0, 5000) == 0
    assert position_change(120_500, 118_000) == 2_500
    assert daily_settlement_price([20101, 20104, 20108], 1.0) == 20104.0
    assert daily_settlement_price([10.02, 10.03], 0.01) == pytest.approx(10.03)
    assert index_final_settlement_price([20100.4, 20101.9, 20099.8]) == 20100.0
    with pytest.raises(ValueError):
        daily_settlement_price([], 1.0)


# ---------------------------------------------------------------- adapters


@dataclass
class _OptionTerms:
    strike: float
    expiry: dt.date
    option_type: str
    contract_size: float
    exercise_style: ExerciseStyle = ExerciseStyle.AMERICAN


@dataclass
class _WarrantTerms:
    warrant_type: str
    strike: float
    conversion_ratio: float
    maturity: dt.date
    call_price: float | None = None
    lower_strike: float | None = None
    upper_strike: float | None = None


@dataclass
class _FutureTerms:
    contract_size: float
    multiplier: float
    last_trade_date: dt.date | None


def test_adapters_read_term_records_by_attribute_name():
    today = dt.date(2026, 1, 5)
    terms = _OptionTerms(460.0, dt.date(2026, 2, 27), "PUT", 100)
    price = option_price_for_terms(terms, 450, today, 0.3, 0.03)
    assert price == pytest.approx(american_price(450, 460, 53 / 365, 0.3, 0.03, 0.0, "PUT"))
    a = option_quote_analytics_for_terms(terms, price, 450, today, 0.03, underlying_lot_size=100)
    assert a.implied_volatility == pytest.approx(30.0, abs=1e-5) and a.contract_nominal_value == 45000.0
    surface_price = option_price_for_terms(terms, 450, today, VolatilitySurface.for_underlying(0.3), 0.03)
    assert surface_price > 0
    # a datetime clock: expiry day at 16:00
    assert option_price_for_terms(terms, 450, dt.datetime(2026, 2, 27, 15, 0), 0.3) > 10.0
    assert option_price_for_terms(terms, 450, dt.datetime(2026, 2, 27, 16, 0), 0.3) == pytest.approx(10.0)

    call = _WarrantTerms("CALL", 500, 100, dt.date(2026, 7, 6))
    v = warrant_value_for_terms(call, 450, today, 0.3, 0.03)
    assert v == pytest.approx(warrant_value(450, 500, 182 / 365, 0.3, 100, 0.03, 0.0, "CALL"))
    assert warrant_analytics_for_terms(call, v, 450, today, 0.03).implied_volatility == pytest.approx(30.0, abs=1e-5)
    bull = _WarrantTerms("BULL", 400, 100, dt.date(2026, 7, 6), call_price=410)
    assert warrant_value_for_terms(bull, 450, today, 0.3, funding_rate=0.0) == pytest.approx(0.5)
    inline = _WarrantTerms("INLINE", 0, 1, dt.date(2026, 7, 6), lower_strike=400, upper_strike=500)
    assert 0.25 < warrant_value_for_terms(inline, 450, today, 0.3) < 1.0

    fut = _FutureTerms(contract_size=50, multiplier=50, last_trade_date=dt.date(2026, 1, 29))
    assert futures_fair_value_for_terms(fut, 20000, today, 0.04, 0.01) == pytest.approx(20000 * math.exp(0.03 * 24 / 365))
    with pytest.raises(ValueError, match="main contract"):
        futures_fair_value_for_terms(_FutureTerms(50, 50, None), 20000, today)
