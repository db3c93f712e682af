"""Deterministic corporate actions (dividends, splits, bonus shares) and the
price adjustment (rehab) factors the Futu API exposes through get_rehab.

Adjustment follows docs FAQ Q16 (L12322 onward):
- event method (docs L12346): per action, forward  adj = raw * A + B with
  A = 1 / r, B = -D / r, and backward adj = raw * A + B with A = r, B = D,
  where r is how many shares one share becomes and D the cash per share
  (the FAQ example at L12404: 10-for-4 transfer + 1.461 cash gives A = 0.71429,
  B = -1.04357);
- US forward adjustment is multiplicative with B = 0 (docs L12351):
  A = ex-right reference price / previous close.
- several actions: forward applies every action *after* the bar's day,
  oldest first; backward applies every action *on or before* the bar's day,
  newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import Any, Protocol

import numpy as np

from openfutu.market.model import Instrument, QotMarket, SecurityType


def _rng(*parts: object) -> np.random.Generator:
    from openfutu.market.prices import rng_for

    return rng_for(*parts)


class CompanyAct(IntFlag):
    """Bits of Rehab.companyActFlag (Qot_Common.CompanyAct)."""

    NONE = 0
    SPLIT = 1
    JOIN = 2
    BONUS = 4
    TRANSFER = 8
    ALLOT = 16
    ADD = 32
    DIVIDEND = 64
    SP_DIVIDEND = 128
    SPIN_OFF = 256


class AuType(IntEnum):
    """Price adjustment (Qot_Common.RehabType; docs L6876)."""

    NONE = 0
    QFQ = 1  # forward
    HFQ = 2  # backward


@dataclass(frozen=True, slots=True)
class CorporateAction:
    """One ex-date's actions.  Base/ert follow Rehab's convention (docs L8195-L8201):
    split 1 -> 5 is base 1, ert 5; join 50 -> 1 is base 50, ert 1; bonus or
    transfer "10 get 3" is base 10, ert 3.  ``dividend_yield`` fixes the cash
    as a fraction of the previous close (the cash itself needs prices)."""

    ex_date: dt.date
    flags: CompanyAct
    split_base: int = 0
    split_ert: int = 0
    join_base: int = 0
    join_ert: int = 0
    bonus_base: int = 0
    bonus_ert: int = 0
    transfer_base: int = 0
    transfer_ert: int = 0
    dividend_yield: float = 0.0

    @property
    def share_ratio(self) -> float:
        """Shares one share becomes on the ex-date."""
        r = 1.0
        if self.flags & CompanyAct.SPLIT:
            r *= self.split_ert / self.split_base
        if self.flags & CompanyAct.JOIN:
            r *= self.join_ert / self.join_base
        if self.flags & CompanyAct.BONUS:
            r *= (self.bonus_base + self.bonus_ert) / self.bonus_base
        if self.flags & CompanyAct.TRANSFER:
            r *= (self.transfer_base + self.transfer_ert) / self.transfer_base
        return r

    @property
    def price_factor(self) -> float:
        """Ex-right reference price / previous close, as the price path uses it."""
        return (1.0 - self.dividend_yield) / self.share_ratio


@dataclass(frozen=True, slots=True)
class RehabRecord:
    """One row of get_rehab: the action with cash and factors (docs L3509-L3603)."""

    action: CorporateAction
    prev_close: float  # raw close of the day before the ex-date
    per_cash_div: float  # cash per share
    forward_adj_factor_a: float
    forward_adj_factor_b: float
    backward_adj_factor_a: float
    backward_adj_factor_b: float

    @property
    def ex_date(self) -> dt.date:
        return self.action.ex_date

    @property
    def split_ratio(self) -> float:
        a = self.action
        if a.flags & CompanyAct.JOIN:
            return a.join_base / a.join_ert
        if a.flags & CompanyAct.SPLIT:
            return a.split_base / a.split_ert
        return 0.0


class _PriceSource(Protocol):
    anchor_date: dt.date

    def instrument(self, code: str) -> Instrument: ...

    def calendar(self, code: str) -> Any: ...

    def first_day(self, code: str) -> dt.date: ...

    def daily_series(self, code: str, through: dt.date | None = None) -> Any: ...


class CorporateActionSchedule:
    """Deterministic actions per instrument, by (seed, code, year).

    Ordinary stocks: about two thirds pay a yearly cash dividend in a fixed
    month; a few percent a year split (HK/US 1->2 or 1->4), give bonus or
    transfer shares (A-shares "10 get x"), or consolidate (HK 10->1).
    Funds may pay dividends; indices, warrants and the rest have none.
    """

    def __init__(self, seed: int, prices: _PriceSource, horizon_years: int = 12) -> None:
        self.seed = seed
        self._prices = prices
        self._horizon = horizon_years
        self._actions: dict[str, list[CorporateAction]] = {}
        self._rehab: dict[tuple[str, int], list[RehabRecord]] = {}

    def actions(self, code: str) -> list[CorporateAction]:
        """All actions of ``code`` from its listing to anchor + horizon, by date."""
        hit = self._actions.get(code)
        if hit is not None:
            return hit
        inst = self._prices.instrument(code)
        out: list[CorporateAction] = []
        if inst.sec_type in (SecurityType.EQTY, SecurityType.TRUST):
            out = self._generate(inst)
        self._actions[code] = out
        return out

    def _generate(self, inst: Instrument) -> list[CorporateAction]:
        code = inst.code
        cal = self._prices.calendar(code)
        first = self._prices.first_day(code)
        r0 = _rng(self.seed, code, "payer")
        payer_p = 0.65 if inst.sec_type == SecurityType.EQTY else 0.3
        payer = r0.random() < payer_p
        month = int(r0.integers(3, 11))
        cn = inst.security.market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
        hk = inst.security.market == QotMarket.HK_SECURITY
        out: list[CorporateAction] = []
        last_year = self._prices.anchor_date.year + self._horizon
        for year in range(first.year + 1, last_year + 1):
            r = _rng(self.seed, code, "actions", year)
            flags = CompanyAct.NONE
            fields: dict[str, Any] = {}
            if payer and r.random() < 0.92:
                flags |= CompanyAct.DIVIDEND
                fields["dividend_yield"] = round(float(r.uniform(0.005, 0.045)), 4)
            u = r.random()
            if inst.sec_type == SecurityType.EQTY and u < 0.05:
                if cn:
                    kind = CompanyAct.TRANSFER if r.random() < 0.6 else CompanyAct.BONUS
                    ert = int(r.choice([2, 3, 4, 5, 10]))
                    flags |= kind
                    key = "transfer" if kind == CompanyAct.TRANSFER else "bonus"
                    fields[f"{key}_base"], fields[f"{key}_ert"] = 10, ert
                elif hk and u < 0.01:
                    flags |= CompanyAct.JOIN
                    fields["join_base"], fields["join_ert"] = 10, 1
                else:
                    flags |= CompanyAct.SPLIT
                    fields["split_base"], fields["split_ert"] = 1, int(r.choice([2, 2, 3, 4]))
            if flags == CompanyAct.NONE:
                continue
            day = self._trading_day_on_or_after(cal, dt.date(year, month, int(r.integers(5, 25))))
            if day is None or day <= first:
                continue
            out.append(CorporateAction(day, flags, **fields))
        return out

    @staticmethod
    def _trading_day_on_or_after(cal: Any, day: dt.date) -> dt.date | None:
        for k in range(15):
            d = day + dt.timedelta(k)
            try:
                if cal.is_trading_day(d):
                    return d
            except Exception:  # outside the calendar's range: no action that year
                return None
        return None

    # ------------------------------------------------------------- rehab

    def rehab(self, code: str, through: dt.date | None = None) -> list[RehabRecord]:
        """get_rehab rows of ``code``: actions with ex-date <= ``through``
        (default: all generated) with their cash and A/B factors."""
        series = self._prices.daily_series(code, through)
        end_ord = (through or dt.date.max).toordinal()
        key = (code, min(end_ord, int(series.ordinals[-1])))
        hit = self._rehab.get(key)
        if hit is not None:
            return hit
        inst = self._prices.instrument(code)
        us = inst.security.market == QotMarket.US_SECURITY
        tick = 0.001 if inst.security.market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY,
                                                 QotMarket.HK_SECURITY) else 0.0001
        out = []
        for a in self.actions(code):
            if a.ex_date.toordinal() > key[1]:
                break
            i = int(np.searchsorted(series.ordinals, a.ex_date.toordinal()))
            if i == 0 or i >= len(series.days) or series.days[i] != a.ex_date:
                continue
            p = float(series.close[i - 1])
            cash = round(round(a.dividend_yield * p / tick) * tick, 6) if a.dividend_yield else 0.0
            r = a.share_ratio
            if us:
                fa, fb = ((p - cash) / r) / p, 0.0  # multiplicative, docs L12351
            else:
                fa, fb = 1.0 / r, -cash / r
            out.append(RehabRecord(a, p, cash, fa, fb, r, cash))
        self._rehab[key] = out
        return out


# --------------------------------------------------------------------------- applying factors


@dataclass(frozen=True, slots=True)
class PriceAdjustment:
    """Per-day affine map price -> a * price + b for one AuType."""

    ordinals: np.ndarray  # days the maps apply to
    a: np.ndarray
    b: np.ndarray

    def apply(self, prices: np.ndarray) -> np.ndarray:
        return prices * self.a + self.b


def adjustment_for(records: Sequence[RehabRecord], ordinals: np.ndarray,
                   au_type: AuType) -> PriceAdjustment:
    """Compose the factors for bars dated ``ordinals`` (docs L12322 onward).

    Forward: for a bar on day n, apply each action with ex-date > n, oldest
    first: ((p*A1 + B1)*A2 + B2)...  Backward: apply each action with ex-date
    <= n, newest first.
    """
    n = ordinals.size
    a = np.ones(n)
    b = np.zeros(n)
    if au_type == AuType.NONE or not records:
        return PriceAdjustment(ordinals, a, b)
    ex = np.array([r.ex_date.toordinal() for r in records])
    if au_type == AuType.QFQ:
        for k, rec in enumerate(records):  # oldest first
            mask = ordinals < ex[k]
            a[mask] *= rec.forward_adj_factor_a
            b[mask] = b[mask] * rec.forward_adj_factor_a + rec.forward_adj_factor_b
    elif au_type == AuType.HFQ:
        for k in range(len(records) - 1, -1, -1):  # newest first
            rec = records[k]
            mask = ordinals >= ex[k]
            a[mask] *= rec.backward_adj_factor_a
            b[mask] = b[mask] * rec.backward_adj_factor_a + rec.backward_adj_factor_b
    else:
        raise ValueError(f"unknown AuType {au_type!r}")
    return PriceAdjustment(ordinals, a, b)


def adjust_price(records: Sequence[RehabRecord], day: dt.date, price: float,
                 au_type: AuType) -> float:
    """One price adjusted the way the docs' formulas spell it out."""
    if au_type == AuType.QFQ:
        for rec in records:
            if rec.ex_date > day:
                price = price * rec.forward_adj_factor_a + rec.forward_adj_factor_b
    elif au_type == AuType.HFQ:
        for rec in reversed(records):
            if rec.ex_date <= day:
                price = price * rec.backward_adj_factor_a + rec.backward_adj_factor_b
    return price
