"""Futures: fair value and basis, nominal value, main-contract roll, and the
deterministic open-interest and settlement models behind the snapshot's
futures block (future_last_settle_price, future_position,
future_position_change, future_main_contract; docs L2466-L2471,
FutureBasicQotExData docs L7880-L7887).

These are pure functions of their inputs; the price engine supplies the
randomness (spot paths, jitter on open interest).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from openfutu.market.derivatives.options import ArrayLike, year_fraction


def _num(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def futures_fair_value(
    spot: ArrayLike, years: ArrayLike, rate: ArrayLike = 0.0, dividend_yield: ArrayLike = 0.0
) -> float | np.ndarray:
    """Cost-of-carry fair value: S e^{(r - q) T}.  With r > q (usual for
    index futures) the future trades above spot; with q > r below it.
    Expired contracts (T <= 0) converge to spot."""
    s = np.asarray(spot, float)
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("spot must be positive")
    t = np.maximum(np.asarray(years, float), 0.0)
    return _num(s * np.exp((np.asarray(rate, float) - np.asarray(dividend_yield, float)) * t))


def futures_basis(futures_price: ArrayLike, spot: ArrayLike) -> float | np.ndarray:
    """Basis as futures minus spot: positive at a premium (contango), negative at a discount."""
    return _num(np.asarray(futures_price, float) - np.asarray(spot, float))


def implied_carry(futures_price: float, spot: float, years: float) -> float:
    """Annualised carry r - q implied by a futures price: ln(F / S) / T."""
    if futures_price <= 0 or spot <= 0:
        raise ValueError("prices must be positive")
    if years <= 0:
        raise ValueError("an expired contract implies no carry")
    return math.log(futures_price / spot) / years


def contract_nominal_value(price: ArrayLike, multiplier: ArrayLike) -> float | np.ndarray:
    """Value of one contract: price x contract multiplier (e.g. HSI 50 HKD per point)."""
    return _num(np.asarray(price, float) * np.asarray(multiplier, float))


# ------------------------------------------------------------- main contract


@dataclass(frozen=True, slots=True)
class ContractMonth:
    """One listed delivery month of a futures product."""

    code: str  # e.g. "HK.HSI2612"
    last_trade_date: dt.date


def main_contract(contracts: Iterable[ContractMonth], today: dt.date, roll_days: int = 0) -> ContractMonth:
    """The contract the main continuous series (e.g. HK.HSImain) follows on
    ``today``: the nearest month that still has more than ``roll_days``
    calendar days before its last trading day (0: the front month trades as
    main through its last trading day, and the series rolls the day after).
    """
    if roll_days < 0:
        raise ValueError("roll_days must not be negative")
    live = sorted((c for c in contracts if (c.last_trade_date - today).days >= roll_days), key=lambda c: c.last_trade_date)
    if not live:
        raise ValueError(f"no listed contract trades after {today.isoformat()}")
    return live[0]


def main_contract_by_open_interest(open_interest: Mapping[str, float]) -> str:
    """Main contract chosen the way mainland exchanges do: the month with the
    largest open interest (the earliest listed wins a tie)."""
    if not open_interest:
        raise ValueError("no contracts given")
    best = max(open_interest.values())
    return next(code for code, oi in open_interest.items() if oi == best)


# ------------------------------------------------------------ open interest


def futures_open_interest(
    days_to_last_trade: ArrayLike,
    peak_open_interest: float,
    roll_window_days: float = 5.0,
    build_days: float = 45.0,
) -> int | np.ndarray:
    """Deterministic open interest of a contract month by days to its last
    trading day: small for far months, peaking when it becomes the front
    month, and unwinding linearly over the final ``roll_window_days`` as
    positions roll.  Zero once expired."""
    if peak_open_interest < 0 or roll_window_days <= 0 or build_days <= 0:
        raise ValueError("peak must be >= 0 and windows positive")
    d = np.asarray(days_to_last_trade, float)
    unwind = peak_open_interest * np.clip(d / roll_window_days, 0.0, 1.0)
    build = peak_open_interest * np.exp(-(np.maximum(d, roll_window_days) - roll_window_days) / build_days)
    oi = np.where(d <= 0, 0.0, np.where(d <= roll_window_days, unwind, build))
    out = np.rint(oi).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def option_open_interest(
    spot: ArrayLike, strike: ArrayLike, years: ArrayLike, peak_open_interest: float
) -> int | np.ndarray:
    """Deterministic option open interest across a chain: highest at the money
    and in the front months, decaying with |ln(K/S)| over a width that grows
    with tenor.  Zero once expired."""
    if peak_open_interest < 0:
        raise ValueError("peak must be >= 0")
    s, k = np.asarray(spot, float), np.asarray(strike, float)
    if np.any(s <= 0) or np.any(k <= 0):
        raise ValueError("spot and strike must be positive")
    t = np.asarray(years, float)
    width = 0.08 + 0.25 * np.sqrt(np.maximum(t, 0.0))
    m = np.log(k / s) / width
    term = 1.0 / (1.0 + np.maximum(t, 0.0) / 0.25)
    oi = np.where(t <= 0, 0.0, peak_open_interest * np.exp(-0.5 * m * m) * term)
    out = np.rint(oi).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def position_change(open_interest: ArrayLike, previous_open_interest: ArrayLike) -> int | np.ndarray:
    """Daily change of open interest (future_position_change 日增倉, docs L2469;
    positionChange docs L7885): today's minus the previous session's."""
    out = np.asarray(open_interest, np.int64) - np.asarray(previous_open_interest, np.int64)
    return int(out) if out.ndim == 0 else out


# ---------------------------------------------------------------- settlement


def _round_to_tick(price: float, tick_size: float) -> float:
    if tick_size <= 0:
        raise ValueError("tick size must be positive")
    # round half up on the tick grid; the decimal fix-up trims float noise
    ticks = math.floor(price / tick_size + 0.5 + 1e-9)
    decimals = max(0, -math.floor(math.log10(tick_size)) + 2)
    return round(ticks * tick_size, decimals)


def daily_settlement_price(closing_window_prices: Sequence[float], tick_size: float) -> float:
    """Daily settlement (next day's future_last_settle_price 昨結, docs L2467):
    the average of the prices sampled over the closing window, rounded to the
    nearest tick.  The window (e.g. the last minute of the day session) is
    the caller's; one price gives that price."""
    prices = np.asarray(closing_window_prices, float).reshape(-1)
    if prices.size == 0:
        raise ValueError("closing window has no prices")
    return _round_to_tick(float(prices.mean()), tick_size)


def index_final_settlement_price(index_quotations: Sequence[float]) -> float:
    """HKEX final settlement of index futures/options: the average of the
    index quotations taken every five minutes on the last trading day plus
    the close, rounded down to a whole index point."""
    q = np.asarray(index_quotations, float).reshape(-1)
    if q.size == 0:
        raise ValueError("no index quotations")
    return float(math.floor(float(q.mean()) + 1e-9))


# ------------------------------------------------------------- term adapter


def future_fields_from_terms(terms: object) -> dict[str, object]:
    """Read a FutureTerms-like record by attribute name: multiplier from
    ``multiplier``/``contract_multiplier``/``contract_size`` (first present),
    last trading date from ``last_trade_date``/``last_trade_time`` (a date, a
    datetime or an ISO string; absent for main continuous contracts)."""
    multiplier = None
    for name in ("multiplier", "contract_multiplier", "contract_size"):
        if getattr(terms, name, None) is not None:
            multiplier = float(getattr(terms, name))
            break
    if multiplier is None:
        raise AttributeError(f"{type(terms).__name__} has no multiplier/contract_multiplier/contract_size")
    last = getattr(terms, "last_trade_date", None) or getattr(terms, "last_trade_time", None)
    if isinstance(last, str) and last:
        last = dt.date.fromisoformat(last[:10])
    elif isinstance(last, dt.datetime):
        last = last.date()
    return {"multiplier": multiplier, "last_trade_date": last or None}


def futures_fair_value_for_terms(
    terms: object, spot: float, today: dt.date, rate: float = 0.0, dividend_yield: float = 0.0
) -> float:
    """Fair value of the contract month a term record describes.  A main
    continuous contract has no last trading date (docs L8031): resolve it to
    its month with :func:`main_contract` first."""
    last = future_fields_from_terms(terms)["last_trade_date"]
    if last is None:
        raise ValueError("terms have no last trading date (main contract?); price its current month instead")
    years = max(year_fraction(today, last), 0.0)  # type: ignore[arg-type]
    return float(futures_fair_value(spot, years, rate, dividend_yield))
