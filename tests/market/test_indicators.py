"""Technical indicators and patterns of the screener."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openfutu.market import indicators as ind
from openfutu.market.indicators import Bars, Pattern, pattern_mask


def test_sma_of_known_series():
    out = ind.sma([1, 2, 3, 4, 5, 6], 3)
    assert np.isnan(out[:2]).all()
    assert out[2:].tolist() == [2.0, 3.0, 4.0, 5.0]


def test_ema_recursion():
    out = ind.ema([10.0, 20.0, 20.0], 3)  # alpha = 0.5
    assert out.tolist() == [10.0, 15.0, 17.5]


def test_bad_period_is_refused():
    with pytest.raises(ValueError):
        ind.sma([1.0, 2.0], 0)
    with pytest.raises(ValueError):
        ind.macd([1.0] * 40, 26, 12, 9)


def test_rsi_extremes_and_warmup():
    rising = np.arange(1.0, 40.0)
    r = ind.rsi(rising, 12)
    assert np.isnan(r[:12]).all()
    assert r[12:] == pytest.approx(100.0)
    falling = rising[::-1]
    assert ind.rsi(falling, 6)[6:] == pytest.approx(0.0)
    flat = np.full(30, 5.0)
    assert ind.rsi(flat, 6)[6:] == pytest.approx(50.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(1.0, 1000.0), min_size=20, max_size=80), st.integers(2, 14))
def test_rsi_bounds(prices, n):
    r = ind.rsi(prices, n)
    valid = r[~np.isnan(r)]
    assert ((valid >= 0.0) & (valid <= 100.0)).all()


def test_macd_of_constant_series_is_zero_and_bar_is_twice_the_gap():
    m = ind.macd(np.full(60, 7.0))
    assert np.isnan(m.diff[:25]).all()
    assert m.diff[25:] == pytest.approx(0.0) and m.macd[25:] == pytest.approx(0.0)
    rng = np.random.default_rng(1)
    x = 100 + np.cumsum(rng.normal(0, 1, 200))
    m = ind.macd(x, 12, 26, 9)
    assert m.macd[50:] == pytest.approx(2 * (m.diff[50:] - m.dea[50:]))
    assert m.diff[50:] == pytest.approx((ind.ema(x, 12) - ind.ema(x, 26))[50:])


def test_kdj_relations():
    rng = np.random.default_rng(2)
    c = 50 + np.cumsum(rng.normal(0, 1, 120))
    h, lo = c + 1.0, c - 1.0
    s = ind.kdj(h, lo, c)
    assert np.isnan(s.k[:8]).all()
    v = ~np.isnan(s.k)
    assert ((s.k[v] >= 0) & (s.k[v] <= 100)).all() and ((s.d[v] >= 0) & (s.d[v] <= 100)).all()
    assert s.j[v] == pytest.approx(3 * s.k[v] - 2 * s.d[v])
    # first valid K is (2/3)*50 + (1/3)*RSV
    rsv = (c[8] - lo[:9].min()) / (h[:9].max() - lo[:9].min()) * 100
    assert s.k[8] == pytest.approx(50 * 2 / 3 + rsv / 3)


def test_boll_width_and_order():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0] * 6)
    b = ind.boll(x, 5, 2)
    assert b.middle[4] == pytest.approx(3.0)
    assert b.upper[4] - b.middle[4] == pytest.approx(2 * np.std([1, 2, 3, 4, 5]))
    v = ~np.isnan(b.middle)
    assert (b.upper[v] >= b.middle[v]).all() and (b.middle[v] >= b.lower[v]).all()


def test_crosses_and_held_for():
    a = np.array([1.0, 2.0, 3.0, 2.0, 1.0])
    b = np.full(5, 2.5)
    assert ind.crosses_up(a, b).tolist() == [False, False, True, False, False]
    assert ind.crosses_down(a, b).tolist() == [False, False, False, True, False]
    assert ind.held_for(np.array([False, True, True]), 2)
    assert not ind.held_for(np.array([False, True, True]), 3)
    assert not ind.held_for(np.array([True]), 2)  # too short a history never passes


def _bars(close):
    c = np.asarray(close, dtype=float)
    return Bars(c, c + 0.5, c - 0.5, c)


def test_ma_alignment_long_on_a_steady_uptrend():
    up = _bars(np.linspace(10, 40, 120))
    assert pattern_mask(Pattern.MA_ALIGNMENT_LONG, up)[-1]
    assert not pattern_mask(Pattern.MA_ALIGNMENT_SHORT, up)[-1]
    down = _bars(np.linspace(40, 10, 120))
    assert pattern_mask(Pattern.MA_ALIGNMENT_SHORT, down)[-1]
    assert pattern_mask(Pattern.EMA_ALIGNMENT_SHORT, down)[-1]
    assert not pattern_mask(Pattern.MA_ALIGNMENT_LONG, _bars(np.linspace(10, 40, 30)))[-1]


def test_boll_break_upper_on_a_jump():
    c = np.concatenate([np.full(30, 10.0) + np.tile([0.1, -0.1], 15), [13.0]])
    mask = pattern_mask(Pattern.BOLL_BREAK_UPPER, _bars(c))
    assert mask[-1] and not mask[:-1].any()
    assert pattern_mask(Pattern.BOLL_CROSS_MIDDLE_UP, _bars(c))[-1]


def test_macd_gold_cross_after_a_turn():
    c = np.concatenate([np.linspace(50, 30, 60), np.linspace(30, 45, 30)])
    mask = pattern_mask(Pattern.MACD_GOLD_CROSS_LOW, _bars(c))
    assert mask.sum() == 1
    m = ind.macd(c)
    i = int(np.nonzero(mask)[0][0])
    assert m.diff[i - 1] < m.dea[i - 1] and m.diff[i] > m.dea[i]


def test_top_divergence_detected():
    # two peaks, the later one higher in price but reached by a slower climb
    c = np.concatenate([
        np.linspace(10, 20, 30), np.linspace(20, 15, 8), np.linspace(15, 20.5, 25),
        np.linspace(20.5, 19, 4),
    ])
    r = ind.rsi(c, 12)
    mask = pattern_mask(Pattern.RSI_TOP_DIVERGENCE, _bars(c))
    assert mask[-1]
    assert not pattern_mask(Pattern.RSI_BOTTOM_DIVERGENCE, _bars(c))[-1]
    assert r[29] > r[62]


def test_every_pattern_evaluates_on_random_data():
    rng = np.random.default_rng(5)
    c = 100 + np.cumsum(rng.normal(0, 1.5, 300))
    bars = Bars(c, c + rng.uniform(0, 1, 300), c - rng.uniform(0, 1, 300), c)
    for p in Pattern.ALL:
        mask = pattern_mask(p, bars)
        assert mask.dtype == bool and mask.size == 300
    with pytest.raises(ValueError):
        pattern_mask(99, bars)
