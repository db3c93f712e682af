"""Synthetic fundamentals: determinism, internal consistency, report timing."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from openfutu.market.fundamentals import (
    FinancialField,
    FinancialQuarter,
    NoFundamentals,
    fundamentals,
    fundamentals_model,
)
from openfutu.market.prices import PriceEngine
from tests.market.test_prices import Universe, weekday_calendars

DAY = dt.date(2025, 9, 3)
STOCKS = ["HK.00700", "US.AAPL", "SH.600519", "SZ.300750"]


@pytest.fixture(scope="module")
def engine() -> PriceEngine:
    return PriceEngine(7, Universe(), weekday_calendars)


def test_same_seed_same_figures(engine: PriceEngine) -> None:
    other = PriceEngine(7, Universe(), weekday_calendars)
    for code in STOCKS:
        assert fundamentals(engine, code, DAY) == fundamentals(other, code, DAY)


def test_other_seed_other_company(engine: PriceEngine) -> None:
    other = PriceEngine(8, Universe(), weekday_calendars)
    a = fundamentals(engine, "HK.00700", DAY)
    b = fundamentals(other, "HK.00700", DAY)
    assert a.latest_annual.revenue != b.latest_annual.revenue


@pytest.mark.parametrize("code", STOCKS)
def test_valuation_is_consistent(engine: PriceEngine, code: str) -> None:
    f = fundamentals(engine, code, DAY)
    close = engine.daily_bar(code, DAY).close
    assert f.price == close
    assert f.float_shares <= f.total_shares
    assert f.market_value == pytest.approx(close * f.total_shares, rel=1e-9)
    assert f.float_market_value == pytest.approx(close * f.float_shares, rel=1e-9)
    assert f.pe == pytest.approx(close / f.latest_annual.eps, rel=1e-3)
    assert f.pe_ttm == pytest.approx(close / f.eps_ttm, rel=1e-3)
    assert f.pb == pytest.approx(close / f.net_asset_per_share, rel=1e-3)
    assert f.ey_ratio == pytest.approx(f.eps_ttm / close * 100, abs=1e-3)
    assert f.net_asset == f.latest_report.equity
    assert f.net_profit == f.latest_annual.net_profit
    assert f.dividend_ratio_ttm == pytest.approx(f.dividend_ttm / close * 100, abs=1e-3)


@pytest.mark.parametrize("code", STOCKS)
def test_reports_balance(engine: PriceEngine, code: str) -> None:
    f = fundamentals(engine, code, DAY)
    for rep in f.reports:
        assert rep.total_assets == pytest.approx(rep.total_liabilities + rep.equity, abs=0.05)
        assert rep.cash + rep.receivables + rep.inventory <= rep.current_assets + 0.05
        assert rep.current_liabilities <= rep.total_liabilities
        assert rep.gross_profit >= rep.net_profit or rep.net_profit < 0
        assert rep.published <= DAY
        assert rep.period_end < rep.published


def test_only_published_reports_are_known(engine: PriceEngine) -> None:
    # the interim report of 2025 (period end 30 June) is out by late August only
    before = fundamentals(engine, "HK.00700", dt.date(2025, 7, 15))
    after = fundamentals(engine, "HK.00700", dt.date(2025, 9, 3))
    assert before.latest_report.quarter == FinancialQuarter.FIRST_QUARTER
    assert after.latest_report.quarter == FinancialQuarter.INTERIM
    assert after.latest_report.fiscal_year == 2025
    assert before.latest_annual.fiscal_year == 2024


def test_financial_fields_follow_reports(engine: PriceEngine) -> None:
    f = fundamentals(engine, "US.AAPL", DAY)
    rep = f.report(FinancialQuarter.ANNUAL)
    prev = fundamentals_model(engine).year_reports("US.AAPL", rep.fiscal_year - 1)[-1]
    assert f.financial(FinancialField.NET_PROFIT, FinancialQuarter.ANNUAL) == round(rep.net_profit, 3)
    growth = (rep.revenue - prev.revenue) / abs(prev.revenue) * 100
    assert f.financial(FinancialField.SUM_OF_BUSINESS_GROWTH) == pytest.approx(growth, abs=1e-3)
    assert f.financial(FinancialField.DEBT_ASSET_RATE) == pytest.approx(
        rep.total_liabilities / rep.total_assets * 100, abs=1e-3)
    assert f.financial(FinancialField.CURRENT_RATIO) > f.financial(FinancialField.QUICK_RATIO)
    assert f.financial(FinancialField.EBITDA) > f.financial(FinancialField.EBIT_TTM)
    # the most recent quarter is the interim report, which is year-to-date
    assert f.financial(FinancialField.SUM_OF_BUSINESS, FinancialQuarter.MOST_RECENT_QUARTER) < rep.revenue
    for fld in FinancialField:
        if fld != FinancialField.NONE:
            for q in (FinancialQuarter.ANNUAL, FinancialQuarter.INTERIM,
                      FinancialQuarter.MOST_RECENT_QUARTER):
                assert math.isfinite(f.financial(fld, q))


def test_ttm_combines_reports(engine: PriceEngine) -> None:
    f = fundamentals(engine, "SH.600519", DAY)
    model = fundamentals_model(engine)
    last_fy = model.year_reports("SH.600519", 2024)
    this_fy = model.year_reports("SH.600519", 2025)
    expect = last_fy[-1].revenue + this_fy[1].revenue - last_fy[1].revenue
    assert f.revenue_ttm == pytest.approx(expect, abs=0.05)


def test_at_price_revalues(engine: PriceEngine) -> None:
    f = fundamentals(engine, "HK.00700", DAY)
    g = f.at_price(f.price * 2)
    assert g.market_value == pytest.approx(2 * f.market_value, rel=1e-6)
    assert g.pe_ttm == pytest.approx(2 * f.pe_ttm, rel=1e-3)
    assert g.eps_ttm == f.eps_ttm
    with pytest.raises(ValueError):
        f.at_price(0)


def test_non_stocks_and_unknown_codes(engine: PriceEngine) -> None:
    with pytest.raises(NoFundamentals):
        fundamentals(engine, "HK.800000", DAY)
    with pytest.raises(NoFundamentals):
        fundamentals(engine, "HK.02800", DAY)
    with pytest.raises(KeyError):
        fundamentals(engine, "HK.99999", DAY)


def test_market_value_continuous_across_share_actions(engine: PriceEngine) -> None:
    model = fundamentals_model(engine)
    for code in STOCKS:
        for action in engine.corporate_actions.actions(code):
            if action.share_ratio != 1.0 and dt.date(2005, 1, 1) < action.ex_date < DAY:
                before, _ = model.shares(code, action.ex_date - dt.timedelta(days=1))
                after, _ = model.shares(code, action.ex_date)
                assert after == pytest.approx(before * action.share_ratio, rel=1e-6)
