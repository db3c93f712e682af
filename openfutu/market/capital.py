"""Capital flow and capital distribution: traded value split by order size
(super / big / mid / small) and by aggressor side (inflow = active buying,
outflow = active selling).

The split is synthetic but tied to the price path: large orders lean with
the day's (or minute's) move, small orders lean slightly against it, and
every figure is a share of the turnover the price engine actually printed.
A day's totals come from its daily bar; its minutes distribute those totals
by their own turnover and direction, so the intraday series of a finished
day ends exactly on the day's figure and the DAY/WEEK/MONTH history agrees
with get_capital_distribution.  Only regular-session trading counts
(docs L3240: no pre/after-market data).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from openfutu.market.model import SecurityType
from openfutu.market.prices import rng_for

# Order-size classes, largest first.
SIZE_CLASSES = ("super", "big", "mid", "small")
# How strongly each class leans with the price move (small orders lean against it).
_LEAN = np.array([0.35, 0.25, 0.05, -0.15])
# Share of turnover whose aggressor side is known (the rest are neutral prints).
_CLASSIFIED_SHARE = 0.92
# Securities the API serves capital data for (docs L3238, L3313: stocks, warrants, funds).
CAPITAL_FLOW_TYPES = frozenset({SecurityType.EQTY, SecurityType.WARRANT, SecurityType.BWRT,
                                SecurityType.TRUST})


class PeriodType(IntEnum):
    """Capital-flow period (Qot_Common.PeriodType)."""

    NONE = 0
    INTRADAY = 1
    DAY = 2
    WEEK = 3
    MONTH = 4


class CapitalDataUnsupported(ValueError):
    """Capital flow exists only for stocks, warrants and funds."""


@dataclass(frozen=True, slots=True)
class CapitalDistribution:
    """Inflow and outflow by order size over one trading day up to ``update_time``."""

    code: str
    trading_day: dt.date
    update_time: dt.datetime  # local exchange time
    in_super: float
    in_big: float
    in_mid: float
    in_small: float
    out_super: float
    out_big: float
    out_mid: float
    out_small: float

    @property
    def net_super(self) -> float:
        return self.in_super - self.out_super

    @property
    def net_big(self) -> float:
        return self.in_big - self.out_big

    @property
    def net_mid(self) -> float:
        return self.in_mid - self.out_mid

    @property
    def net_small(self) -> float:
        return self.in_small - self.out_small

    @property
    def net(self) -> float:
        return self.net_super + self.net_big + self.net_mid + self.net_small


@dataclass(frozen=True, slots=True)
class CapitalFlowItem:
    """Net inflow of one period (or, intraday, since the open up to the minute)."""

    time: dt.datetime  # local start of the period / minute
    in_flow: float
    super_in_flow: float
    big_in_flow: float
    mid_in_flow: float
    sml_in_flow: float

    @property
    def main_in_flow(self) -> float:
        """Main-force (super + big orders) net inflow."""
        return self.super_in_flow + self.big_in_flow


@dataclass(frozen=True, slots=True)
class CapitalFlowSeries:
    code: str
    period: PeriodType
    items: list[CapitalFlowItem]
    last_valid_time: dt.datetime | None  # intraday: the last minute with data


def _engine(market: Any) -> Any:
    return getattr(market, "prices", market)


def _net_item(time: dt.datetime, inflow: np.ndarray, outflow: np.ndarray) -> CapitalFlowItem:
    net = np.round(inflow - outflow, 2)
    return CapitalFlowItem(time, round(float(net.sum()), 2), float(net[0]), float(net[1]),
                           float(net[2]), float(net[3]))


class CapitalFlowModel:
    """Capital data of a SimulatedMarket (or PriceEngine)."""

    def __init__(self, market: Any) -> None:
        self.engine = _engine(market)

    # ---------------------------------------------------------- checks

    def _check(self, code: str) -> Any:
        inst = self.engine.instrument(code)  # KeyError for an unknown code
        if inst.sec_type not in CAPITAL_FLOW_TYPES:
            raise CapitalDataUnsupported(
                f"{code}: capital flow is only available for stocks, warrants and funds")
        return inst

    # ---------------------------------------------------------- model

    def _class_shares(self, code: str, day: dt.date) -> np.ndarray:
        base = rng_for(self.engine.seed, code, "capital-mix").dirichlet([20.0, 25.0, 25.0, 30.0])
        noise = rng_for(self.engine.seed, code, "capital-mix", day.toordinal()).dirichlet(base * 60.0)
        return noise

    def day_totals(self, code: str, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(inflow, outflow) per size class over a whole trading day."""
        inst = self.engine.instrument(code)
        series = self.engine.daily_series(code, day)
        i = series.index_of(day)
        turnover = float(series.turnover[i])
        prev = float(series.prev_close[i]) or float(series.close[i])
        move = math.log(float(series.close[i]) / prev) if prev > 0 else 0.0
        sigma = max(inst.volatility, 0.01) / math.sqrt(252.0)
        r = rng_for(self.engine.seed, code, "capital-day", day.toordinal())
        bias = np.clip(_LEAN * math.tanh(move / sigma / 1.5) + r.normal(0.0, 0.08, 4), -0.6, 0.6)
        shares = self._class_shares(code, day) * turnover * _CLASSIFIED_SHARE
        return shares * (1.0 + bias) / 2.0, shares * (1.0 - bias) / 2.0

    def _minute_flows(self, code: str, day: dt.date) -> tuple[Any, np.ndarray, np.ndarray]:
        """Minute series of ``day`` and (n, 4) inflow / outflow arrays whose
        column sums equal the day's totals."""
        inst = self.engine.instrument(code)
        ms = self.engine.minute_series(code, day)
        n = len(ms)
        if n == 0:
            return ms, np.zeros((0, 4)), np.zeros((0, 4))
        sigma = max(inst.volatility, 0.01) / math.sqrt(252.0 * n)
        opens = np.where(ms.open > 0, ms.open, 1.0)
        z = np.log(np.maximum(ms.close, 1e-12) / opens) / sigma
        r = rng_for(self.engine.seed, code, "capital-minutes", day.toordinal())
        bias = np.clip(np.tanh(z / 1.5)[:, None] * _LEAN[None, :] + r.normal(0.0, 0.15, (n, 4)),
                       -0.8, 0.8)
        weight = np.maximum(ms.turnover.astype(float), 0.0)[:, None]
        raw_in = weight * (1.0 + bias) / 2.0
        raw_out = weight * (1.0 - bias) / 2.0
        day_in, day_out = self.day_totals(code, day)
        sum_in = raw_in.sum(axis=0)
        sum_out = raw_out.sum(axis=0)
        scale_in = np.divide(day_in, sum_in, out=np.zeros(4), where=sum_in > 0)
        scale_out = np.divide(day_out, sum_out, out=np.zeros(4), where=sum_out > 0)
        return ms, raw_in * scale_in, raw_out * scale_out

    def _elapsed_minutes(self, ms: Any, at: dt.datetime) -> int:
        return int(np.searchsorted(ms.starts + 60, at.timestamp(), side="right"))

    # ---------------------------------------------------------- API

    def distribution(self, code: str, at: dt.datetime) -> CapitalDistribution:
        """In/out flows by order size of the quote day as of ``at``."""
        self._check(code)
        day = self.engine.session_day(code, at)
        if day is None:
            raise ValueError(f"{code} has not traded before {at.isoformat()}")
        ms, inflow, outflow = self._minute_flows(code, day)
        done = self._elapsed_minutes(ms, at)
        tin = inflow[:done].sum(axis=0) if done else np.zeros(4)
        tout = outflow[:done].sum(axis=0) if done else np.zeros(4)
        if done:
            update = dt.datetime.fromtimestamp(int(ms.starts[done - 1]) + 59, ms.tz)
        elif len(ms):
            update = dt.datetime.fromtimestamp(int(ms.starts[0]), ms.tz)
        else:
            update = at.astimezone(self.engine.timezone(code))
        v = [round(float(x), 2) for x in (*tin, *tout)]
        return CapitalDistribution(code, day, update, *v)

    def intraday(self, code: str, at: dt.datetime) -> CapitalFlowSeries:
        """Cumulative net inflow since the open, one item per elapsed minute of
        the quote day (docs L3239: the intraday period covers the latest day)."""
        self._check(code)
        day = self.engine.session_day(code, at)
        if day is None:
            return CapitalFlowSeries(code, PeriodType.INTRADAY, [], None)
        ms, inflow, outflow = self._minute_flows(code, day)
        done = self._elapsed_minutes(ms, at)
        cum_in = np.cumsum(inflow[:done], axis=0)
        cum_out = np.cumsum(outflow[:done], axis=0)
        items = [_net_item(dt.datetime.fromtimestamp(int(ms.starts[m]), ms.tz), cum_in[m], cum_out[m])
                 for m in range(done)]
        last = items[-1].time if items else None
        return CapitalFlowSeries(code, PeriodType.INTRADAY, items, last)

    def history(self, code: str, period: PeriodType, start: dt.date, end: dt.date,
                at: dt.datetime) -> CapitalFlowSeries:
        """Net inflow per day, week or month between ``start`` and ``end``
        (inclusive), limited to the last year before ``at`` (docs L3239)."""
        self._check(code)
        period = PeriodType(period)
        if period not in (PeriodType.DAY, PeriodType.WEEK, PeriodType.MONTH):
            raise ValueError(f"unsupported period type {period.name} for a history")
        if end < start:
            raise ValueError("the end date is before the start date")
        today = self.engine.session_day(code, at)
        if today is None:
            return CapitalFlowSeries(code, period, [], None)
        first = max(start, today - dt.timedelta(days=365))
        last = min(end, today)
        days = self.engine.trading_days(code, first, last) if first <= last else []
        tz = self.engine.timezone(code)
        groups: dict[tuple[int, int], list[dt.date]] = {}
        for d in days:
            if period == PeriodType.DAY:
                key = (d.toordinal(), 0)
            elif period == PeriodType.WEEK:
                iso = d.isocalendar()
                key = (iso[0], iso[1])
            else:
                key = (d.year, d.month)
            groups.setdefault(key, []).append(d)
        items = []
        for key in sorted(groups):
            members = groups[key]
            tin = np.zeros(4)
            tout = np.zeros(4)
            for d in members:
                if d == today:
                    dist = self.distribution(code, at)
                    tin += np.array([dist.in_super, dist.in_big, dist.in_mid, dist.in_small])
                    tout += np.array([dist.out_super, dist.out_big, dist.out_mid, dist.out_small])
                else:
                    i, o = self.day_totals(code, d)
                    tin += i
                    tout += o
            items.append(_net_item(dt.datetime.combine(members[0], dt.time(0, 0), tz), tin, tout))
        return CapitalFlowSeries(code, period, items, None)


def capital_flow_model(market: Any) -> CapitalFlowModel:
    return CapitalFlowModel(market)


def flows_by_day(model: CapitalFlowModel, code: str, days: Iterable[dt.date]) -> dict[dt.date, float]:
    """Net inflow of whole trading days (for screens and tests)."""
    out = {}
    for d in days:
        i, o = model.day_totals(code, d)
        out[d] = round(float((i - o).sum()), 2)
    return out


__all__ = ["SIZE_CLASSES", "CAPITAL_FLOW_TYPES", "PeriodType", "CapitalDataUnsupported",
           "CapitalDistribution", "CapitalFlowItem", "CapitalFlowSeries", "CapitalFlowModel",
           "capital_flow_model", "flows_by_day"]
