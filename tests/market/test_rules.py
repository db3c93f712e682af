"""Exchange price rules: spread tables, rounding, A-share limits, lots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openfutu.market import rules
from openfutu.market.model import Instrument, SecurityCode, SecurityType
from openfutu.market.prices import TickRules
from openfutu.market.rules import Rounding


def inst(code: str, sec_type: SecurityType = SecurityType.EQTY, *, name: str = "x", lot: int = 100,
         owner: str | None = None, terms: object | None = None) -> Instrument:
    return Instrument(SecurityCode.parse(code), name, sec_type, lot, "HKD", dt.date(2000, 1, 3), 10.0,
                      owner=SecurityCode.parse(owner) if owner else None, terms=terms)


TENCENT = inst("HK.00700")


# --------------------------------------------------------------------------- HK spread table


@pytest.mark.parametrize("price, tick", [
    (0.01, 0.001), (0.25, 0.001), (0.255, 0.005), (0.50, 0.005), (0.51, 0.01), (10.00, 0.01),
    (10.02, 0.02), (20.00, 0.02), (20.05, 0.05), (100.00, 0.05), (100.1, 0.1), (200.00, 0.1),
    (200.2, 0.2), (359.6, 0.2), (500.00, 0.2), (500.5, 0.5), (1000.00, 0.5), (1001.0, 1.0),
    (2000.00, 1.0), (2002.0, 2.0), (5000.00, 2.0), (5005.0, 5.0), (9995.0, 5.0),
])
def test_hk_band_edges(price: float, tick: float) -> None:
    assert rules.tick_size(TENCENT, price) == tick
    assert rules.tick_size(inst("HK.02800", SecurityType.TRUST), price) == tick  # ETFs: same table
    assert rules.tick_size(inst("HK.12345", SecurityType.WARRANT), price) == tick


@pytest.mark.parametrize("price, up, down", [(10.00, 0.02, 0.01), (0.50, 0.01, 0.005), (359.6, 0.2, 0.2),
                                             (100.0, 0.1, 0.05)])
def test_spread_up_and_down_at_band_edges(price: float, up: float, down: float) -> None:
    # docs L1783: price_spread is the upward spread
    assert rules.tick_up(TENCENT, price) == up
    assert rules.tick_down(TENCENT, price) == down


def test_docs_price_adjustment_example() -> None:
    # docs L12903-L12905: 359.678 with a 0.15 % upward allowance becomes 359.800
    assert rules.adjust_to_tick(TENCENT, 359.678, 0.0015) == 359.8
    assert rules.adjust_to_tick(TENCENT, 359.678, 0.0001) is None  # needs 0.034 %
    assert rules.adjust_to_tick(TENCENT, 359.678, -0.0015) == 359.6
    assert rules.adjust_to_tick(TENCENT, 359.678, 0) is None
    assert rules.adjust_to_tick(TENCENT, 359.6, 0) == 359.6


def test_round_and_on_tick() -> None:
    assert rules.round_to_tick(TENCENT, 359.678) == 359.6
    assert rules.round_to_tick(TENCENT, 359.71) == 359.8
    assert rules.round_to_tick(TENCENT, 359.678, Rounding.UP) == 359.8
    assert rules.round_to_tick(TENCENT, 359.79, Rounding.DOWN) == 359.6
    assert rules.round_to_tick(TENCENT, 10.01, Rounding.UP) == 10.02  # over 10.00 the tick is 0.02
    assert rules.is_on_tick(TENCENT, 359.8) and not rules.is_on_tick(TENCENT, 359.7)
    assert rules.is_on_tick(TENCENT, 10.0) and not rules.is_on_tick(TENCENT, 10.03)
    assert not rules.is_on_tick(TENCENT, 0) and not rules.is_on_tick(TENCENT, -1)
    assert rules.ticks_away(TENCENT, 9.99, 2) == 10.02
    assert rules.ticks_away(TENCENT, 10.02, -2) == 9.99
    with pytest.raises(ValueError):
        rules.round_to_tick(TENCENT, -1.0)
    with pytest.raises(ValueError):
        rules.tick_size(TENCENT, float("nan"))
    with pytest.raises(ValueError):
        rules.ticks_away(TENCENT, 0.002, -5)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.011, max_value=9000.0))
def test_rounded_prices_are_on_tick(price: float) -> None:
    for how in Rounding:
        p = rules.round_to_tick(TENCENT, price, how)
        assert rules.is_on_tick(TENCENT, p)
        if how == Rounding.UP:
            assert p >= price - 1e-9
        if how == Rounding.DOWN:
            assert p <= price + 1e-9


def test_price_engine_snaps_onto_the_same_grid() -> None:
    prices = np.array([0.2512, 9.996, 10.013, 19.99, 99.97, 150.03, 359.678, 4999.0, 5003.0])
    snapped = TickRules().snap(TENCENT, prices)
    assert all(rules.is_on_tick(TENCENT, float(p)) for p in snapped)


# --------------------------------------------------------------------------- other markets


@pytest.mark.parametrize("code, sec_type, owner, price, tick", [
    ("US.AAPL", SecurityType.EQTY, None, 0.9999, 0.0001),  # Reg NMS 612
    ("US.AAPL", SecurityType.EQTY, None, 1.00, 0.01),
    ("US.SPY", SecurityType.TRUST, None, 500.0, 0.01),
    ("US.AAPL250321C200000", SecurityType.DRVT, "US.AAPL", 2.99, 0.01),  # docs L12890-L12892
    ("US.AAPL250321C200000", SecurityType.DRVT, "US.AAPL", 3.00, 0.05),
    ("US.SPY250321C500000", SecurityType.DRVT, "US.SPY", 7.5, 0.01),
    ("SH.600519", SecurityType.EQTY, None, 1742.75, 0.01),
    ("SH.510300", SecurityType.TRUST, None, 3.912, 0.001),
    ("SZ.159915", SecurityType.TRUST, None, 2.1, 0.001),
    ("HK.800000", SecurityType.INDEX, None, 20000.0, 0.01),
    ("HK.TCH250328C400000", SecurityType.DRVT, "HK.00700", 5.0, 0.01),
    ("HK.HSI250328C20000", SecurityType.DRVT, "HK.800000", 300.0, 1.0),
    ("HK.HSImain", SecurityType.FUTURE, None, 20000.0, 1.0),
    ("HK.MHI2503", SecurityType.FUTURE, None, 20000.0, 1.0),
    ("US.ESmain", SecurityType.FUTURE, None, 5800.0, 0.25),
    ("US.NQ2503", SecurityType.FUTURE, None, 21000.0, 0.25),
    ("SG.CNmain", SecurityType.FUTURE, None, 13000.0, 2.5),
    ("JP.NKmain", SecurityType.FUTURE, None, 39000.0, 5.0),
    ("JP.NK225main", SecurityType.FUTURE, None, 39000.0, 10.0),
    ("JP.7203", SecurityType.EQTY, None, 2800.0, 1.0),
    ("JP.7203", SecurityType.EQTY, None, 3500.0, 5.0),
])
def test_ticks_by_market(code: str, sec_type: SecurityType, owner: str | None, price: float, tick: float) -> None:
    assert rules.tick_size(inst(code, sec_type, owner=owner), price) == tick


@dataclass
class _Terms:
    min_var: float


def test_futures_tick_comes_from_contract_terms_first() -> None:
    # docs L12896: a contract's tick is its min_var
    assert rules.tick_size(inst("HK.HSImain", SecurityType.FUTURE, terms=_Terms(5.0)), 20000.0) == 5.0
    assert rules.tick_size(inst("HK.HSImain", SecurityType.FUTURE, terms=_Terms(0.0)), 20000.0) == 1.0


# --------------------------------------------------------------------------- A-share limits


@pytest.mark.parametrize("code, sec_type, name, prev, low, high", [
    ("SH.600519", SecurityType.EQTY, "贵州茅台", 10.00, 9.00, 11.00),
    ("SH.600519", SecurityType.EQTY, "贵州茅台", 10.05, 9.05, 11.06),  # 9.045 / 11.055 round half up
    ("SH.600519", SecurityType.EQTY, "贵州茅台", 1742.75, 1568.48, 1917.03),
    ("SZ.000001", SecurityType.EQTY, "平安银行", 11.37, 10.23, 12.51),
    ("SZ.300750", SecurityType.EQTY, "宁德时代", 209.04, 167.23, 250.85),  # ChiNext 20 %
    ("SH.688981", SecurityType.EQTY, "中芯国际", 88.88, 71.10, 106.66),  # STAR 20 %
    ("SH.600234", SecurityType.EQTY, "ST科新", 3.33, 3.16, 3.50),  # main-board ST 5 %
    ("SZ.000004", SecurityType.EQTY, "*ST国华", 5.00, 4.75, 5.25),
    ("SZ.300023", SecurityType.EQTY, "ST宝德", 5.00, 4.00, 6.00),  # ChiNext ST keeps 20 %
    ("SH.510300", SecurityType.TRUST, "沪深300ETF", 3.912, 3.521, 4.303),  # fund tick 0.001
    ("SH.600000", SecurityType.EQTY, "x", 0.01, 0.01, 0.01),  # limit down never below one tick
])
def test_a_share_price_limits(code: str, sec_type: SecurityType, name: str, prev: float, low: float,
                              high: float) -> None:
    i = inst(code, sec_type, name=name)
    assert rules.has_price_limits(i)
    assert rules.price_limits(i, prev) == (low, high)
    assert rules.is_on_tick(i, low) and rules.is_on_tick(i, high)
    assert TickRules().price_limits(i, prev) == (low, high)  # the price engine uses the same rule


def test_no_limits_outside_a_shares() -> None:
    for i in (TENCENT, inst("US.AAPL"), inst("SH.000001", SecurityType.INDEX)):
        assert not rules.has_price_limits(i)
        assert rules.limit_ratio(i) is None
        with pytest.raises(ValueError):
            rules.price_limits(i, 10.0)
    with pytest.raises(ValueError):
        rules.price_limits(inst("SH.600519"), 0.0)


def test_st_detection() -> None:
    assert rules.is_st(inst("SH.600234", name="ST科新"))
    assert rules.is_st(inst("SH.600234", name="*ST科新"))
    assert not rules.is_st(inst("SH.600519", name="贵州茅台"))


# --------------------------------------------------------------------------- lots


def test_board_lots() -> None:
    assert rules.board_lot(inst("HK.00700", lot=100)) == 100
    assert rules.board_lot(inst("SH.600519", lot=0)) == 100
    assert rules.board_lot(inst("US.AAPL", lot=0)) == 1
    assert rules.board_lot(inst("HK.HSImain", SecurityType.FUTURE, lot=0)) == 1
    with pytest.raises(ValueError):
        rules.board_lot(inst("HK.00700", lot=0))  # HK lots vary by stock
