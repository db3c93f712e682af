"""get_option_expiration_date and get_option_chain as domain functions:
expiry listing, the expiry window rules, the call/put and ITM/OTM
conditions, and the OptionDataFilter over model figures.

Figures (IV, greeks, open interest, volume) are the caller's: the gateway
reads them from the market; :func:`model_figures` computes them from a
volatility surface with ``openfutu.market.derivatives`` when nothing else
is at hand.  Units are the API's (see derivatives/chain.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from openfutu.market.derivatives.chain import OptionChainQuotes, price_option_chain
from openfutu.market.derivatives.futures import option_open_interest
from openfutu.market.derivatives.options import (
    ExerciseStyle,
    OptionRight,
    expiry_date_distance,
    year_fraction,
)
from openfutu.market.derivatives.surface import VolatilitySurface

MAX_CHAIN_WINDOW_DAYS = 30  # docs L3824
DEFAULT_CHAIN_WINDOW_DAYS = 30  # docs L3702-L3705: a missing end is start + 30 days, and back


class OptionCondition(IntEnum):
    """Qot_GetOptionChain.OptionCondType: in or out of the money (ALL = 0)."""

    ALL = 0
    WITHIN = 1
    OUTSIDE = 2


class OptionTypeFilter(IntEnum):
    """Qot_Common.OptionType as a filter (ALL = 0)."""

    ALL = 0
    CALL = 1
    PUT = 2


@dataclass(frozen=True, slots=True)
class OptionContract:
    """Static data of one listed option (a get_option_chain row)."""

    code: str
    name: str
    lot_size: int
    owner: str
    right: OptionRight
    strike: float
    expiry: dt.date
    stock_id: int = 0
    suspended: bool = False
    listing_date: dt.date | None = None
    index_option_type: int = 0  # Qot_Common.IndexOptionType; 0 for stock options
    expiration_cycle: int = 0  # Qot_Common.ExpirationCycle
    standard_type: int = 1  # Qot_Common.OptionStandardType: standard
    settlement_mode: int = 0  # Qot_Common.OptionSettlementMode
    contract_size: float = 100.0
    style: ExerciseStyle = ExerciseStyle.AMERICAN


@dataclass(frozen=True, slots=True)
class OptionFigures:
    """What the data filter looks at, per contract."""

    implied_volatility: float  # percent
    delta: float
    gamma: float
    vega: float
    theta: float
    rho: float
    open_interest: int
    net_open_interest: int
    volume: int


@dataclass(frozen=True, slots=True)
class OptionDataFilter:
    """Qot_GetOptionChain.DataFilter (docs L3712-L3731); None = unbounded."""

    implied_volatility_min: float | None = None
    implied_volatility_max: float | None = None
    delta_min: float | None = None
    delta_max: float | None = None
    gamma_min: float | None = None
    gamma_max: float | None = None
    vega_min: float | None = None
    vega_max: float | None = None
    theta_min: float | None = None
    theta_max: float | None = None
    rho_min: float | None = None
    rho_max: float | None = None
    net_open_interest_min: float | None = None
    net_open_interest_max: float | None = None
    open_interest_min: float | None = None
    open_interest_max: float | None = None
    vol_min: float | None = None
    vol_max: float | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True, slots=True)
class OptionExpiry:
    """One get_option_expiration_date row."""

    expiry: dt.date
    days_to_expiry: int  # negative once expired (docs L7864)
    cycle: int  # Qot_Common.ExpirationCycle


@dataclass(frozen=True, slots=True)
class ChainStrike:
    """The call and put of one strike of one expiry (OptionItem)."""

    strike: float
    call: OptionContract | None
    put: OptionContract | None


@dataclass(frozen=True, slots=True)
class ChainExpiry:
    expiry: dt.date
    strikes: list[ChainStrike]


def chain_window(begin: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The expiry window with the documented defaults and limits: a missing
    end is begin + 30 days and a missing begin end - 30 days, neither gives
    today .. today + 30 (docs L3700-L3705); at most 30 days (docs L3824);
    expired chains are not served, so end must be today or later (docs L3828)."""
    if begin is None and end is None:
        begin = today
    if end is None:
        assert begin is not None
        end = begin + dt.timedelta(days=DEFAULT_CHAIN_WINDOW_DAYS)
    if begin is None:
        begin = end - dt.timedelta(days=DEFAULT_CHAIN_WINDOW_DAYS)
    if begin > end:
        raise ValueError(f"start {begin} is after end {end}")
    if (end - begin).days > MAX_CHAIN_WINDOW_DAYS:
        raise ValueError(f"the time range may span at most {MAX_CHAIN_WINDOW_DAYS} days")
    if end < today:
        raise ValueError("expired option chains are not supported: end must be today or later")
    return begin, end


def expiration_dates(contracts: Sequence[OptionContract], today: dt.date,
                     index_option_type: int | None = None) -> list[OptionExpiry]:
    """Distinct expiries of ``contracts`` from today on, nearest first."""
    cycles: dict[dt.date, int] = {}
    for c in contracts:
        if index_option_type and c.index_option_type != index_option_type:
            continue
        if c.expiry >= today:
            cycles.setdefault(c.expiry, c.expiration_cycle)
    return [OptionExpiry(day, expiry_date_distance(today, day), cycles[day]) for day in sorted(cycles)]


def in_the_money(contract: OptionContract, spot: float) -> bool:
    if contract.right == OptionRight.CALL:
        return spot > contract.strike
    return spot < contract.strike


def figures_mask(figures: Sequence[OptionFigures], data_filter: OptionDataFilter) -> np.ndarray:
    """Rows passing the data filter, with the protocol's truncation of bounds
    (delegated to OptionChainQuotes.filter_mask)."""
    if not figures:
        return np.zeros(0, dtype=bool)
    col = {f.name: np.array([getattr(x, f.name) for x in figures], float) for f in fields(OptionFigures)}
    quotes = OptionChainQuotes(price=np.zeros(len(figures)), implied_volatility=col["implied_volatility"],
                               premium=np.zeros(len(figures)), delta=col["delta"], gamma=col["gamma"],
                               vega=col["vega"], theta=col["theta"], rho=col["rho"])
    bounds = {f.name: getattr(data_filter, f.name) for f in fields(data_filter)}
    return quotes.filter_mask(open_interest=col["open_interest"],
                              net_open_interest=col["net_open_interest"], volume=col["volume"],
                              **bounds)


FiguresSource = Callable[[list[OptionContract]], list[OptionFigures]]


def screen_option_chain(contracts: Sequence[OptionContract], spot: float, begin: dt.date,
                        end: dt.date, option_type: OptionTypeFilter = OptionTypeFilter.ALL,
                        condition: OptionCondition = OptionCondition.ALL,
                        index_option_type: int | None = None,
                        data_filter: OptionDataFilter | None = None,
                        figures: FiguresSource | None = None) -> list[ChainExpiry]:
    """The chain of expiries in [begin, end] (inclusive), each with its
    strikes ascending; a strike whose call or put fails a condition keeps
    only the side that passes."""
    chosen = [c for c in contracts if begin <= c.expiry <= end]
    if index_option_type:
        chosen = [c for c in chosen if c.index_option_type == index_option_type]
    if option_type == OptionTypeFilter.CALL:
        chosen = [c for c in chosen if c.right == OptionRight.CALL]
    elif option_type == OptionTypeFilter.PUT:
        chosen = [c for c in chosen if c.right == OptionRight.PUT]
    if condition == OptionCondition.WITHIN:
        chosen = [c for c in chosen if in_the_money(c, spot)]
    elif condition == OptionCondition.OUTSIDE:
        chosen = [c for c in chosen if not in_the_money(c, spot)]
    if data_filter is not None and not data_filter.is_empty() and chosen:
        if figures is None:
            raise ValueError("the data filter needs option figures")
        mask = figures_mask(figures(chosen), data_filter)
        chosen = [c for c, keep in zip(chosen, mask) if keep]
    by_expiry: dict[dt.date, dict[float, list[OptionContract | None]]] = {}
    for c in chosen:
        pair = by_expiry.setdefault(c.expiry, {}).setdefault(c.strike, [None, None])
        pair[0 if c.right == OptionRight.CALL else 1] = c
    return [ChainExpiry(day, [ChainStrike(k, pair[0], pair[1]) for k, pair in sorted(by_expiry[day].items())])
            for day in sorted(by_expiry)]


def model_figures(contracts: Sequence[OptionContract], spot: float, now: dt.datetime | dt.date,
                  volatility: VolatilitySurface | float, rate: float = 0.0,
                  dividend_yield: float = 0.0, peak_open_interest: float = 20000.0,
                  volumes: Sequence[int] | None = None) -> list[OptionFigures]:
    """Model figures of many contracts: IV from the surface, greeks at it,
    open interest peaking at the money in the front months, net open interest
    as the change since the previous day, volume given or zero."""
    if not contracts:
        return []
    k = np.array([c.strike for c in contracts], float)
    t = np.array([max(year_fraction(now, c.expiry), 0.0) for c in contracts], float)
    rights = np.array([c.right == OptionRight.CALL for c in contracts])
    vol: VolatilitySurface | np.ndarray = (volatility if isinstance(volatility, VolatilitySurface)
                                           else np.full(k.shape, float(volatility)))
    styles = {c.style for c in contracts}
    style = styles.pop() if len(styles) == 1 else ExerciseStyle.AMERICAN
    q = price_option_chain(spot, k, t, rights, vol, rate, dividend_yield, style)
    oi = np.atleast_1d(option_open_interest(spot, k, t, peak_open_interest))
    oi_before = np.atleast_1d(option_open_interest(spot, k, t + 1.0 / 365.0, peak_open_interest))
    vols = list(volumes) if volumes is not None else [0] * len(contracts)
    return [OptionFigures(float(q.implied_volatility[i]), float(q.delta[i]), float(q.gamma[i]),
                          float(q.vega[i]), float(q.theta[i]), float(q.rho[i]), int(oi[i]),
                          int(oi[i] - oi_before[i]), int(vols[i]))
            for i in range(len(contracts))]
