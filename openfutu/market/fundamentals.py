"""Company fundamentals of the simulated market: share capital, financial
reports and the valuation figures built on them.

Everything here is **synthetic**: no real company data is used.  A company's
business is drawn once from (seed, code): its size relative to its market
value at the price engine's anchor date, margins, balance-sheet shape and a
trend growth; every fiscal year then draws its own revenue growth and margin
noise from (seed, code, year).  Reports are cumulative year-to-date like
A-share/HK filings (Q1, interim = H1, Q3 = nine months, annual = full year)
and are published on fixed dates after their period ends, so a figure "as of"
a day only uses reports published by that day.

Internal consistency is the point: market value = price x total shares,
P/E = price / EPS, P/B = price / net assets per share, earnings yield =
EPS / price, revenue = gross profit + cost of sales, net profit = pre-tax
profit - tax, assets = liabilities + equity, and growth rates compare a
report with the same period of the previous year.

Share counts follow the corporate-action schedule: the free float at the
anchor date is the price engine's ``outstanding_shares``; splits, bonus and
transfer shares multiply the count from their ex-date on, so market value
does not jump at a split.  Dividends come from the same schedule.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import weakref
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from openfutu.market.model import QotMarket, SecurityType
from openfutu.market.prices import rng_for


class FinancialQuarter(IntEnum):
    """Report period of a financial figure (Qot_StockFilter.FinancialQuarter; docs L5822)."""

    NONE = 0
    ANNUAL = 1
    FIRST_QUARTER = 2
    INTERIM = 3
    THIRD_QUARTER = 4
    MOST_RECENT_QUARTER = 5


class FinancialField(IntEnum):
    """Financial figures a stock filter can ask for (Qot_StockFilter.FinancialField;
    docs L5630-L5820).  Rates are percentages without the % sign."""

    NONE = 0
    NET_PROFIT = 1
    NET_PROFIT_GROWTH = 2
    SUM_OF_BUSINESS = 3
    SUM_OF_BUSINESS_GROWTH = 4
    NET_PROFIT_RATE = 5
    GROSS_PROFIT_RATE = 6
    DEBT_ASSET_RATE = 7
    RETURN_ON_EQUITY_RATE = 8
    ROIC = 9
    ROA_TTM = 10
    EBIT_TTM = 11
    EBITDA = 12
    OPERATING_MARGIN_TTM = 13
    EBIT_MARGIN = 14
    EBITDA_MARGIN = 15
    FINANCIAL_COST_RATE = 16
    OPERATING_PROFIT_TTM = 17
    SHAREHOLDER_NET_PROFIT_TTM = 18
    NET_PROFIT_CASH_COVER_TTM = 19
    CURRENT_RATIO = 20
    QUICK_RATIO = 21
    CURRENT_ASSET_RATIO = 22
    CURRENT_DEBT_RATIO = 23
    EQUITY_MULTIPLIER = 24
    PROPERTY_RATIO = 25
    CASH_AND_CASH_EQUIVALENTS = 26
    TOTAL_ASSET_TURNOVER = 27
    FIXED_ASSET_TURNOVER = 28
    INVENTORY_TURNOVER = 29
    OPERATING_CASH_FLOW_TTM = 30
    ACCOUNTS_RECEIVABLE = 31
    EBIT_GROWTH_RATE = 32
    OPERATING_PROFIT_GROWTH_RATE = 33
    TOTAL_ASSETS_GROWTH_RATE = 34
    PROFIT_TO_SHAREHOLDERS_GROWTH_RATE = 35
    PROFIT_BEFORE_TAX_GROWTH_RATE = 36
    EPS_GROWTH_RATE = 37
    ROE_GROWTH_RATE = 38
    ROIC_GROWTH_RATE = 39
    NOCF_GROWTH_RATE = 40
    NOCF_PER_SHARE_GROWTH_RATE = 41
    OPERATING_REVENUE_CASH_COVER = 42
    OPERATING_PROFIT_TO_TOTAL_PROFIT = 43
    BASIC_EPS = 44
    DILUTED_EPS = 45
    NOCF_PER_SHARE = 46


class NoFundamentals(ValueError):
    """The security has no company financials (index, warrant, option, ...)."""


# Year-to-date quarters in filing order; MOST_RECENT_QUARTER resolves to one of them.
_PERIODS = (FinancialQuarter.FIRST_QUARTER, FinancialQuarter.INTERIM,
            FinancialQuarter.THIRD_QUARTER, FinancialQuarter.ANNUAL)
_PERIOD_END = {FinancialQuarter.FIRST_QUARTER: (3, 31), FinancialQuarter.INTERIM: (6, 30),
               FinancialQuarter.THIRD_QUARTER: (9, 30), FinancialQuarter.ANNUAL: (12, 31)}
# Publication lag after the period end: annual reports take longest (HKEX and
# the A-share exchanges allow three months, interim two months).
_PUBLISH_LAG_DAYS = {FinancialQuarter.FIRST_QUARTER: 28, FinancialQuarter.INTERIM: 58,
                     FinancialQuarter.THIRD_QUARTER: 28, FinancialQuarter.ANNUAL: 85}
_TAX_RATE = {"HK": 0.165, "CN": 0.25, "US": 0.21, "OTHER": 0.2}


def _region(market: QotMarket) -> str:
    if market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY):
        return "CN"
    if market == QotMarket.US_SECURITY:
        return "US"
    if market == QotMarket.HK_SECURITY:
        return "HK"
    return "OTHER"


def _pct(num: float, den: float) -> float:
    return round(num / den * 100.0, 3) if den else 0.0


def _growth(now: float, before: float) -> float:
    """Year-on-year change in percent, against the magnitude of the base."""
    return round((now - before) / abs(before) * 100.0, 3) if before else 0.0


@dataclass(frozen=True, slots=True)
class FinancialReport:
    """One filed report; flows are year-to-date, stocks are at the period end.
    Money is in the security's trading currency."""

    fiscal_year: int
    quarter: FinancialQuarter
    period_end: dt.date
    published: dt.date
    shares: int  # total shares at the period end
    revenue: float
    gross_profit: float
    operating_profit: float
    financial_cost: float
    ebit: float
    depreciation: float
    profit_before_tax: float
    net_profit: float
    profit_to_shareholders: float
    operating_cash_flow: float
    total_assets: float
    current_assets: float
    cash: float
    receivables: float
    inventory: float
    fixed_assets: float
    total_liabilities: float
    current_liabilities: float
    interest_bearing_debt: float
    equity: float

    @property
    def ebitda(self) -> float:
        return self.ebit + self.depreciation

    @property
    def eps(self) -> float:
        return self.profit_to_shareholders / self.shares if self.shares else 0.0

    @property
    def diluted_eps(self) -> float:
        # options and convertibles dilute by a small fixed fraction
        return self.profit_to_shareholders / (self.shares * 1.012) if self.shares else 0.0

    @property
    def ocf_per_share(self) -> float:
        return self.operating_cash_flow / self.shares if self.shares else 0.0

    @property
    def roe(self) -> float:
        return _pct(self.profit_to_shareholders, self.equity)

    @property
    def roic(self) -> float:
        nopat = self.ebit * (1.0 - _tax_share(self))
        return _pct(nopat, self.equity + self.interest_bearing_debt)

    @property
    def net_asset_per_share(self) -> float:
        return self.equity / self.shares if self.shares else 0.0


def _tax_share(report: FinancialReport) -> float:
    if report.profit_before_tax <= 0:
        return 0.0
    return 1.0 - report.net_profit / report.profit_before_tax


@dataclass(frozen=True, slots=True)
class _Business:
    """A company's drawn, time-invariant traits."""

    anchor_revenue: float  # revenue of the fiscal year before the anchor date
    trend_growth: float
    net_margin: float
    gross_extra: float  # gross margin above the net margin
    tax_rate: float
    financial_cost_rate: float
    depreciation_rate: float
    operating_share: float  # operating profit / EBIT
    minority_share: float
    cash_conversion: float  # operating cash flow / net profit
    asset_turnover: float
    debt_ratio: float
    current_asset_share: float
    cash_share: float
    receivable_share: float
    inventory_share: float
    fixed_share: float
    current_liability_share: float
    interest_debt_share: float
    season: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """Per-share, valuation and report figures of one stock on one day.

    ``price`` is the price the valuation ratios use (the day's close unless
    another price was given).  Ratios are percentages without the % sign
    where the API reports them so (ey_ratio, dividend ratios).
    """

    code: str
    day: dt.date
    price: float
    currency: str
    total_shares: int
    float_shares: int
    market_value: float
    float_market_value: float
    net_asset: float  # equity of the latest report
    net_profit: float  # net profit of the latest annual report
    eps: float  # static: latest annual report
    eps_ttm: float
    net_asset_per_share: float
    pe: float  # static P/E, price / annual EPS
    pe_ttm: float
    pb: float
    ps_ttm: float
    pcf_ttm: float
    ey_ratio: float  # earnings yield, percent (EPS TTM / price)
    revenue_ttm: float
    net_profit_ttm: float
    operating_cash_flow_ttm: float
    dividend_ttm: float  # cash per share with ex-date in the last 365 days
    dividend_ratio_ttm: float  # percent of price
    dividend_lfy: float  # cash per share with ex-date in the last fiscal year
    dividend_lfy_ratio: float
    latest_annual: FinancialReport
    latest_report: FinancialReport
    reports: tuple[FinancialReport, ...] = field(repr=False)

    def report(self, quarter: FinancialQuarter) -> FinancialReport:
        """The latest published report of that kind (MOST_RECENT_QUARTER: the
        latest of any kind)."""
        if quarter in (FinancialQuarter.MOST_RECENT_QUARTER, FinancialQuarter.NONE):
            return self.latest_report
        for rep in reversed(self.reports):
            if rep.quarter == quarter:
                return rep
        raise LookupError(f"no {quarter.name} report published by {self.day}")

    def financial(self, field_: FinancialField | int,
                  quarter: FinancialQuarter | int = FinancialQuarter.ANNUAL) -> float:
        """The value a financial stock filter compares for ``field_`` in the
        latest report of ``quarter``.  TTM figures use the annual report
        (the proto says they apply to annual reports only)."""
        f = FinancialField(field_)
        q = FinancialQuarter(quarter)
        rep = self.report(q)
        prev = self._same_period_last_year(rep)
        return _financial_value(f, rep, prev)

    def _same_period_last_year(self, rep: FinancialReport) -> FinancialReport | None:
        for other in self.reports:
            if other.quarter == rep.quarter and other.fiscal_year == rep.fiscal_year - 1:
                return other
        return None

    def at_price(self, price: float) -> "Fundamentals":
        """The same fundamentals valued at another price (e.g. the live last price)."""
        if price <= 0:
            raise ValueError("price must be positive")
        return replace(self, price=price, **_valuation(price, self.total_shares, self.float_shares,
                                                       self.latest_annual, self.eps_ttm,
                                                       self.net_asset_per_share, self.revenue_ttm,
                                                       self.operating_cash_flow_ttm,
                                                       self.dividend_ttm, self.dividend_lfy))


def _financial_value(f: FinancialField, rep: FinancialReport, prev: FinancialReport | None) -> float:
    def grow(attr: str) -> float:
        if prev is None:
            return 0.0
        now = getattr(rep, attr)
        before = getattr(prev, attr)
        return _growth(float(now), float(before))

    values: dict[FinancialField, Any] = {
        FinancialField.NET_PROFIT: lambda: rep.net_profit,
        FinancialField.NET_PROFIT_GROWTH: lambda: grow("net_profit"),
        FinancialField.SUM_OF_BUSINESS: lambda: rep.revenue,
        FinancialField.SUM_OF_BUSINESS_GROWTH: lambda: grow("revenue"),
        FinancialField.NET_PROFIT_RATE: lambda: _pct(rep.net_profit, rep.revenue),
        FinancialField.GROSS_PROFIT_RATE: lambda: _pct(rep.gross_profit, rep.revenue),
        FinancialField.DEBT_ASSET_RATE: lambda: _pct(rep.total_liabilities, rep.total_assets),
        FinancialField.RETURN_ON_EQUITY_RATE: lambda: rep.roe,
        FinancialField.ROIC: lambda: rep.roic,
        FinancialField.ROA_TTM: lambda: _pct(rep.net_profit, rep.total_assets),
        FinancialField.EBIT_TTM: lambda: rep.ebit,
        FinancialField.EBITDA: lambda: rep.ebitda,
        FinancialField.OPERATING_MARGIN_TTM: lambda: _pct(rep.operating_profit, rep.revenue),
        FinancialField.EBIT_MARGIN: lambda: _pct(rep.ebit, rep.revenue),
        FinancialField.EBITDA_MARGIN: lambda: _pct(rep.ebitda, rep.revenue),
        FinancialField.FINANCIAL_COST_RATE: lambda: _pct(rep.financial_cost, rep.revenue),
        FinancialField.OPERATING_PROFIT_TTM: lambda: rep.operating_profit,
        FinancialField.SHAREHOLDER_NET_PROFIT_TTM: lambda: rep.profit_to_shareholders,
        FinancialField.NET_PROFIT_CASH_COVER_TTM: lambda: _pct(rep.operating_cash_flow, rep.net_profit),
        FinancialField.CURRENT_RATIO: lambda: _pct(rep.current_assets, rep.current_liabilities),
        FinancialField.QUICK_RATIO: lambda: _pct(rep.current_assets - rep.inventory,
                                                 rep.current_liabilities),
        FinancialField.CURRENT_ASSET_RATIO: lambda: _pct(rep.current_assets, rep.total_assets),
        FinancialField.CURRENT_DEBT_RATIO: lambda: _pct(rep.current_liabilities,
                                                        rep.total_liabilities),
        FinancialField.EQUITY_MULTIPLIER: lambda: _pct(rep.total_assets, rep.equity),
        FinancialField.PROPERTY_RATIO: lambda: _pct(rep.total_liabilities, rep.equity),
        FinancialField.CASH_AND_CASH_EQUIVALENTS: lambda: rep.cash,
        FinancialField.TOTAL_ASSET_TURNOVER: lambda: _pct(rep.revenue, rep.total_assets),
        FinancialField.FIXED_ASSET_TURNOVER: lambda: _pct(rep.revenue, rep.fixed_assets),
        FinancialField.INVENTORY_TURNOVER: lambda: _pct(rep.revenue - rep.gross_profit, rep.inventory),
        FinancialField.OPERATING_CASH_FLOW_TTM: lambda: rep.operating_cash_flow,
        FinancialField.ACCOUNTS_RECEIVABLE: lambda: rep.receivables,
        FinancialField.EBIT_GROWTH_RATE: lambda: grow("ebit"),
        FinancialField.OPERATING_PROFIT_GROWTH_RATE: lambda: grow("operating_profit"),
        FinancialField.TOTAL_ASSETS_GROWTH_RATE: lambda: grow("total_assets"),
        FinancialField.PROFIT_TO_SHAREHOLDERS_GROWTH_RATE: lambda: grow("profit_to_shareholders"),
        FinancialField.PROFIT_BEFORE_TAX_GROWTH_RATE: lambda: grow("profit_before_tax"),
        FinancialField.EPS_GROWTH_RATE: lambda: grow("eps"),
        FinancialField.ROE_GROWTH_RATE: lambda: grow("roe"),
        FinancialField.ROIC_GROWTH_RATE: lambda: grow("roic"),
        FinancialField.NOCF_GROWTH_RATE: lambda: grow("operating_cash_flow"),
        FinancialField.NOCF_PER_SHARE_GROWTH_RATE: lambda: grow("ocf_per_share"),
        FinancialField.OPERATING_REVENUE_CASH_COVER: lambda: _pct(rep.operating_cash_flow, rep.revenue),
        FinancialField.OPERATING_PROFIT_TO_TOTAL_PROFIT: lambda: _pct(rep.operating_profit,
                                                                      rep.profit_before_tax),
        FinancialField.BASIC_EPS: lambda: rep.eps,
        FinancialField.DILUTED_EPS: lambda: rep.diluted_eps,
        FinancialField.NOCF_PER_SHARE: lambda: rep.ocf_per_share,
    }
    if f not in values:
        raise ValueError(f"no value for financial field {f.name}")
    return round(float(values[f]()), 3)


def _valuation(price: float, total_shares: int, float_shares: int, annual: FinancialReport,
               eps_ttm: float, naps: float, revenue_ttm: float, ocf_ttm: float,
               dividend_ttm: float, dividend_lfy: float) -> dict[str, float]:
    def ratio(den: float) -> float:
        return round(price / den, 3) if den else 0.0

    rev_ps = revenue_ttm / total_shares if total_shares else 0.0
    ocf_ps = ocf_ttm / total_shares if total_shares else 0.0
    return {
        "market_value": round(price * total_shares, 3),
        "float_market_value": round(price * float_shares, 3),
        "pe": ratio(annual.eps),
        "pe_ttm": ratio(eps_ttm),
        "pb": ratio(naps),
        "ps_ttm": ratio(rev_ps),
        "pcf_ttm": ratio(ocf_ps),
        "ey_ratio": round(eps_ttm / price * 100.0, 3),
        "dividend_ratio_ttm": round(dividend_ttm / price * 100.0, 3),
        "dividend_lfy_ratio": round(dividend_lfy / price * 100.0, 3),
    }


# --------------------------------------------------------------------------- the model


def _engine(market: Any) -> Any:
    """The price engine behind a SimulatedMarket, or the engine itself."""
    return getattr(market, "prices", market)


class FundamentalsModel:
    """Builds and caches the synthetic company model of a price engine."""

    def __init__(self, market: Any) -> None:
        self.engine = _engine(market)
        self._business: dict[str, _Business] = {}
        self._years: dict[tuple[str, int], tuple[FinancialReport, ...]] = {}
        self._share_steps: dict[str, tuple[list[dt.date], list[float]]] = {}
        self._growths: dict[tuple[str, int], float] = {}
        self._revenues: dict[tuple[str, int], float] = {}
        self._base_shares: dict[str, tuple[float, float]] = {}
        self._by_day: dict[tuple[str, dt.date], Fundamentals] = {}

    # ---------------------------------------------------------- shares

    def _shares_factor(self, code: str, day: dt.date) -> float:
        """Share count at ``day`` relative to the anchor date (corporate actions)."""
        steps = self._share_steps.get(code)
        if steps is None:
            dates: list[dt.date] = []
            cum: list[float] = []
            total = 1.0
            for action in self.engine.corporate_actions.actions(code):
                total *= action.share_ratio
                dates.append(action.ex_date)
                cum.append(total)
            steps = (dates, cum)
            self._share_steps[code] = steps
        dates, cum = steps
        anchor = self.engine.anchor_date

        def level(d: dt.date) -> float:
            i = bisect.bisect_right(dates, d)
            return cum[i - 1] if i else 1.0

        return level(day) / level(anchor)

    def float_fraction(self, code: str) -> float:
        inst = self.engine.instrument(code)
        r = rng_for(self.engine.seed, code, "float-fraction")
        low = 0.8 if inst.security.market == QotMarket.US_SECURITY else 0.55
        return float(r.uniform(low, 1.0))

    def shares(self, code: str, day: dt.date) -> tuple[int, int]:
        """(total shares, float shares) on ``day``."""
        factor = self._shares_factor(code, day)
        base = self._base_shares.get(code)
        if base is None:
            float_0 = float(self.engine.outstanding_shares(code))
            base = self._base_shares[code] = (float_0 / self.float_fraction(code), float_0)
        total_0, float_0 = base
        return int(round(total_0 * factor)), int(round(float_0 * factor))

    # ---------------------------------------------------------- business

    def business(self, code: str) -> _Business:
        hit = self._business.get(code)
        if hit is not None:
            return hit
        inst = self.engine.instrument(code)
        if inst.sec_type != SecurityType.EQTY:
            raise NoFundamentals(f"{code} is not an ordinary stock; it has no company financials")
        r = rng_for(self.engine.seed, code, "business")
        total_0, _ = self.shares(code, self.engine.anchor_date)
        market_value = inst.reference_price * total_0
        loss_maker = r.random() < 0.1
        if loss_maker:
            net_margin = -float(r.uniform(0.02, 0.2))
            ps = float(math.exp(r.normal(math.log(3.0), 0.5)))
        else:
            net_margin = float(min(max(math.exp(r.normal(math.log(0.1), 0.55)), 0.01), 0.4))
            pe = float(min(max(math.exp(r.normal(math.log(16.0), 0.5)), 4.0), 120.0))
            ps = pe * net_margin  # so that the anchor-year P/E is about ``pe``
        revenue = market_value / ps
        season = r.dirichlet([12.0, 12.0, 12.0, 12.0])
        cur_share = float(r.uniform(0.25, 0.65))
        cash = float(r.uniform(0.2, 0.5))
        recv = float(r.uniform(0.1, 0.3))
        inv = float(r.uniform(0.05, 0.25))
        b = _Business(
            anchor_revenue=revenue,
            trend_growth=float(r.normal(0.07, 0.05)),
            net_margin=net_margin,
            gross_extra=float(r.uniform(0.1, 0.4)),
            tax_rate=_TAX_RATE[_region(inst.security.market)],
            financial_cost_rate=float(r.uniform(0.002, 0.03)),
            depreciation_rate=float(r.uniform(0.02, 0.08)),
            operating_share=float(r.uniform(0.85, 1.0)),
            minority_share=float(r.uniform(0.0, 0.08)),
            cash_conversion=float(r.uniform(0.7, 1.5)),
            asset_turnover=float(min(max(math.exp(r.normal(math.log(0.6), 0.5)), 0.1), 3.0)),
            debt_ratio=float(r.uniform(0.2, 0.75)),
            current_asset_share=cur_share,
            cash_share=cash,
            receivable_share=recv,
            inventory_share=min(inv, 0.95 - cash - recv),
            fixed_share=float(r.uniform(0.3, 0.8)),
            current_liability_share=float(r.uniform(0.4, 0.85)),
            interest_debt_share=float(r.uniform(0.2, 0.6)),
            season=(float(season[0]), float(season[1]), float(season[2]), float(season[3])),
        )
        self._business[code] = b
        return b

    def _growth(self, code: str, b: _Business, year: int) -> float:
        key = (code, year)
        hit = self._growths.get(key)
        if hit is None:
            g = b.trend_growth + float(rng_for(self.engine.seed, code, "growth", year).normal(0.0, 0.12))
            hit = self._growths[key] = max(g, -0.6)
        return hit

    def _annual_revenue(self, code: str, b: _Business, year: int) -> float:
        """Full-year revenue of fiscal ``year``: the anchor-year revenue
        compounded by each year's drawn growth."""
        key = (code, year)
        hit = self._revenues.get(key)
        if hit is not None:
            return hit
        base_year = self.engine.anchor_date.year - 1
        if year == base_year:
            rev = b.anchor_revenue
        elif year > base_year:
            rev = self._annual_revenue(code, b, year - 1) * (1.0 + self._growth(code, b, year))
        else:
            rev = self._annual_revenue(code, b, year + 1) / (1.0 + self._growth(code, b, year + 1))
        self._revenues[key] = rev
        return rev

    def year_reports(self, code: str, year: int) -> tuple[FinancialReport, ...]:
        """The four cumulative reports of fiscal ``year`` (Q1, H1, 9M, FY)."""
        key = (code, year)
        hit = self._years.get(key)
        if hit is not None:
            return hit
        b = self.business(code)
        full = self._annual_revenue(code, b, year)
        r = rng_for(self.engine.seed, code, "year", year)
        margin = b.net_margin + float(r.normal(0.0, 0.015))
        gross = min(max(margin, 0.0) + b.gross_extra, 0.95)
        conversion = b.cash_conversion * float(r.uniform(0.85, 1.15))
        prior_full = self._annual_revenue(code, b, year - 1)
        out = []
        cum = 0.0
        for k, quarter in enumerate(_PERIODS):
            cum += b.season[k]
            revenue = full * cum
            net = revenue * margin
            pbt = net / (1.0 - b.tax_rate) if net > 0 else net
            fin_cost = revenue * b.financial_cost_rate
            ebit = pbt + fin_cost
            dep = revenue * b.depreciation_rate
            ocf = net * conversion if net > 0 else revenue * float(r.uniform(-0.05, 0.05))
            # balance sheet scales with the annualised business at the period end
            scale = prior_full + (full - prior_full) * (k + 1) / 4.0
            assets = scale / b.asset_turnover * float(r.uniform(0.97, 1.03))
            liabilities = assets * b.debt_ratio
            current = assets * b.current_asset_share
            month, mday = _PERIOD_END[quarter]
            end = dt.date(year, month, mday)
            shares, _ = self.shares(code, end)
            out.append(FinancialReport(
                fiscal_year=year, quarter=quarter, period_end=end,
                published=end + dt.timedelta(days=_PUBLISH_LAG_DAYS[quarter]),
                shares=max(shares, 1),
                revenue=round(revenue, 2),
                gross_profit=round(revenue * gross, 2),
                operating_profit=round(ebit * b.operating_share, 2),
                financial_cost=round(fin_cost, 2),
                ebit=round(ebit, 2),
                depreciation=round(dep, 2),
                profit_before_tax=round(pbt, 2),
                net_profit=round(net, 2),
                profit_to_shareholders=round(net * (1.0 - b.minority_share), 2),
                operating_cash_flow=round(ocf, 2),
                total_assets=round(assets, 2),
                current_assets=round(current, 2),
                cash=round(current * b.cash_share, 2),
                receivables=round(current * b.receivable_share, 2),
                inventory=round(current * b.inventory_share, 2),
                fixed_assets=round((assets - current) * b.fixed_share, 2),
                total_liabilities=round(liabilities, 2),
                current_liabilities=round(liabilities * b.current_liability_share, 2),
                interest_bearing_debt=round(liabilities * b.interest_debt_share, 2),
                equity=round(assets - liabilities, 2),
            ))
        value = tuple(out)
        self._years[key] = value
        return value

    def published_reports(self, code: str, day: dt.date, years: int = 2) -> tuple[FinancialReport, ...]:
        """Reports published on or before ``day`` from the last ``years`` fiscal
        years (and the year before, for growth rates), oldest first."""
        listing = self.engine.instrument(code).listing_date
        first_year = max(day.year - years - 1, listing.year - 1)
        out: list[FinancialReport] = []
        for y in range(first_year, day.year + 1):
            out.extend(rep for rep in self.year_reports(code, y) if rep.published <= day)
        return tuple(out)

    # ---------------------------------------------------------- per day

    def _price_on(self, code: str, day: dt.date) -> float:
        series = self.engine.daily_series(code, day)
        i = bisect.bisect_right(series.days, day) - 1
        if i < 0:
            return float(self.engine.instrument(code).reference_price)
        return float(series.close[i])

    def _dividends(self, code: str, day: dt.date) -> tuple[float, float]:
        """(TTM, last fiscal year) cash dividend per share as of ``day``."""
        ttm = lfy = 0.0
        start = day - dt.timedelta(days=365)
        for rec in self.engine.corporate_actions.rehab(code, day):
            if start < rec.ex_date <= day:
                ttm += rec.per_cash_div
            if rec.ex_date.year == day.year - 1:
                lfy += rec.per_cash_div
        return round(ttm, 4), round(lfy, 4)

    def fundamentals(self, code: str, day: dt.date, price: float | None = None) -> Fundamentals:
        key = (code, day)
        hit = self._by_day.get(key)
        if hit is None:
            hit = self._build(code, day)
            if len(self._by_day) >= 20_000:  # bounded: one entry per (code, day) asked
                self._by_day.clear()
            self._by_day[key] = hit
        return hit if price is None else hit.at_price(price)

    def _build(self, code: str, day: dt.date) -> Fundamentals:
        price = None
        inst = self.engine.instrument(code)
        self.business(code)  # raises NoFundamentals for non-stocks
        reports = self.published_reports(code, day)
        annuals = [rep for rep in reports if rep.quarter == FinancialQuarter.ANNUAL]
        if not annuals:  # newly listed: its prospectus year stands in
            annual = self.year_reports(code, day.year - 1)[-1]
            reports = (annual,) + reports
        else:
            annual = annuals[-1]
        latest = reports[-1]
        ttm = _ttm(latest, reports)
        total, float_ = self.shares(code, day)
        px = price if price is not None else self._price_on(code, day)
        eps_ttm = ttm["profit_to_shareholders"] / total if total else 0.0
        naps = latest.equity / total if total else 0.0
        div_ttm, div_lfy = self._dividends(code, day)
        return Fundamentals(
            code=code, day=day, price=px, currency=inst.currency,
            total_shares=total, float_shares=float_,
            net_asset=latest.equity, net_profit=annual.net_profit,
            eps=round(annual.eps, 4), eps_ttm=round(eps_ttm, 4),
            net_asset_per_share=round(naps, 4),
            revenue_ttm=round(ttm["revenue"], 2), net_profit_ttm=round(ttm["net_profit"], 2),
            operating_cash_flow_ttm=round(ttm["operating_cash_flow"], 2),
            dividend_ttm=div_ttm, dividend_lfy=div_lfy,
            latest_annual=annual, latest_report=latest, reports=reports,
            **_valuation(px, total, float_, annual, eps_ttm, naps, ttm["revenue"],
                         ttm["operating_cash_flow"], div_ttm, div_lfy),
        )


def _ttm(latest: FinancialReport, reports: tuple[FinancialReport, ...]) -> dict[str, float]:
    """Trailing twelve months: last annual + this year-to-date - last year's same period."""
    names = ("revenue", "net_profit", "profit_to_shareholders", "operating_cash_flow")
    if latest.quarter == FinancialQuarter.ANNUAL:
        return {n: float(getattr(latest, n)) for n in names}
    prior_annual = next((r for r in reversed(reports) if r.quarter == FinancialQuarter.ANNUAL
                         and r.fiscal_year == latest.fiscal_year - 1), None)
    prior_same = next((r for r in reversed(reports) if r.quarter == latest.quarter
                       and r.fiscal_year == latest.fiscal_year - 1), None)
    if prior_annual is None or prior_same is None:  # annualise the year-to-date figures
        k = _PERIODS.index(latest.quarter) + 1
        return {n: float(getattr(latest, n)) * 4.0 / k for n in names}
    return {n: float(getattr(prior_annual, n)) + float(getattr(latest, n)) - float(getattr(prior_same, n))
            for n in names}


_MODELS: "weakref.WeakKeyDictionary[Any, FundamentalsModel]" = weakref.WeakKeyDictionary()


def fundamentals_model(market: Any) -> FundamentalsModel:
    """The shared model of ``market`` (one per price engine, freed with it)."""
    engine = _engine(market)
    model = _MODELS.get(engine)
    if model is None:
        model = FundamentalsModel(engine)
        _MODELS[engine] = model
    return model


def fundamentals(market: Any, code: str, day: dt.date, price: float | None = None) -> Fundamentals:
    """Fundamentals of stock ``code`` as known on ``day``, valued at ``price``
    (default: the close of ``day`` or of the last trading day before it).

    ``market`` is a SimulatedMarket or a PriceEngine.  Raises KeyError for an
    unknown code and NoFundamentals for a security that is not a stock."""
    return fundamentals_model(market).fundamentals(code, day, price)
