"""Exchange price rules: tick sizes, rounding to the tick grid, A-share
daily price limits and board lots.

Tick size is "the spread of the band the price is in"; at an exact band
edge HKEX's table ("over 10.00 to 20.00: 0.02") puts the price in the lower
band, so the step up from 10.00 is 0.02 while the step down is 0.01:
``tick_up``/``tick_down`` give the two spreads around a price (docs L1783:
a quote's price_spread is the upward one).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from openfutu.market.model import Instrument, QotMarket, SecurityType

_EPS = 1e-9
# relative step past a band edge: above the edge tolerance, far below any tick
_NUDGE = 1e-7

# HKEX spread table, Part A (exchange rule; stocks, ETFs, warrants, CBBCs):
# (upper bound of the band, inclusive; tick). Docs L12903: 359.600 -> 0.200.
HK_SPREAD_TABLE: tuple[tuple[float, float], ...] = (
    (0.25, 0.001),
    (0.50, 0.005),
    (10.00, 0.010),
    (20.00, 0.020),
    (100.00, 0.050),
    (200.00, 0.100),
    (500.00, 0.200),
    (1000.00, 0.500),
    (2000.00, 1.000),
    (5000.00, 2.000),
    (9995.00, 5.000),
)

# Futures ticks by contract root (exchange rules), used when the contract's
# own terms carry no min_var (docs L12896: the tick is get_future_info's
# min_var of that contract).
FUTURES_TICKS: dict[str, float] = {
    "HSI": 1.0, "MHI": 1.0, "HHI": 1.0, "MCH": 1.0, "HTI": 1.0, "MTW": 1.0,  # HKEX index points
    "ES": 0.25, "MES": 0.25, "NQ": 0.25, "MNQ": 0.25,  # CME E-mini / Micro: 0.25 index points
    "YM": 1.0, "MYM": 1.0, "RTY": 0.1, "M2K": 0.1,  # CBOT Dow 1 point, CME Russell 0.1
    "CN": 2.5,  # SGX FTSE China A50: 2.5 index points
    "NK": 5.0,  # SGX / OSE Nikkei 225 mini: 5 points
    "NK225": 10.0, "NK225M": 5.0,  # OSE Nikkei 225 (large) 10 yen, mini 5 yen
}
_DEFAULT_FUTURES_TICK = {QotMarket.HK_SECURITY: 1.0, QotMarket.HK_FUTURE: 1.0, QotMarket.US_SECURITY: 0.25,
                         QotMarket.SG_SECURITY: 1.0, QotMarket.JP_SECURITY: 5.0}

# US option classes quoted in pennies at every premium: SPY, QQQ, IWM
# (Penny Interval Program, exchange rule).
_US_PENNY_ALL_PRICES = frozenset({"SPY", "QQQ", "IWM"})

_CN = (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
_HK = (QotMarket.HK_SECURITY, QotMarket.HK_FUTURE)


class Rounding(Enum):
    """Which way ``round_to_tick`` moves an off-grid price."""

    NEAREST = "nearest"
    UP = "up"
    DOWN = "down"


# --------------------------------------------------------------------------- per-market ticks


def hk_tick(price: float) -> float:
    """HKEX Part A spread of the band ``price`` is in (edges go to the lower band)."""
    for upper, tick in HK_SPREAD_TABLE:
        if price <= upper + _EPS:
            return tick
    return HK_SPREAD_TABLE[-1][1]


def us_stock_tick(price: float) -> float:
    """Reg NMS Rule 612 (exchange rule): $0.01 at or above $1, $0.0001 below."""
    return 0.01 if price >= 1.0 - _EPS else 0.0001


def us_option_tick(price: float, penny_class: bool = True) -> float:
    """US option premium tick. At or above $3.00: $0.05 or $0.10 (docs
    L12890-L12892); below: $0.01 or $0.05. The first of each pair is the
    Penny Interval Program's classes, the second everybody else's."""
    if price >= 3.0 - _EPS:
        return 0.05 if penny_class else 0.10
    return 0.01 if penny_class else 0.05


def cn_tick(sec_type: SecurityType) -> float:
    """SSE/SZSE (exchange rule): stocks CNY 0.01, funds and ETFs 0.001."""
    return 0.001 if sec_type == SecurityType.TRUST else 0.01


def jp_stock_tick(price: float) -> float:
    """TSE tick for non-TOPIX100 stocks (exchange rule)."""
    for upper, tick in ((3000, 1.0), (5000, 5.0), (30000, 10.0), (50000, 50.0), (300000, 100.0),
                        (500000, 500.0), (3_000_000, 1000.0), (5_000_000, 5000.0)):
        if price <= upper + _EPS:
            return tick
    return 10000.0


def sg_stock_tick(price: float) -> float:
    """SGX securities (exchange rule): 0.001 below 0.20, 0.005 below 1.00, 0.01 from 1.00."""
    if price < 0.2 - _EPS:
        return 0.001
    if price < 1.0 - _EPS:
        return 0.005
    return 0.01


def futures_root(code: str) -> str:
    """Contract root of a futures code: "HSImain" -> "HSI", "ES2503" -> "ES"."""
    return re.sub(r"(main|next|\d{4})$", "", code)


# --------------------------------------------------------------------------- instrument API


def tick_size(inst: Instrument, price: float) -> float:
    """Minimum price step of ``inst`` at ``price`` (the band ``price`` is in)."""
    price = float(price)
    if not math.isfinite(price):
        raise ValueError(f"price must be finite, got {price}")
    market, kind = inst.security.market, inst.sec_type
    if kind == SecurityType.FUTURE:
        return _futures_tick(inst)
    if kind == SecurityType.INDEX or kind == SecurityType.PLATE:
        return 0.01  # index levels are quoted to 2 decimals
    if market in _HK:
        if kind == SecurityType.DRVT:
            # HKEX index options trade in whole index points; stock options
            # are simplified to a flat 0.01 (exchange premium bands not modelled)
            return 1.0 if _has_index_owner(inst) else 0.01
        return hk_tick(price)
    if market == QotMarket.US_SECURITY:
        if kind == SecurityType.DRVT:
            root = inst.owner.code if inst.owner is not None else ""
            if root in _US_PENNY_ALL_PRICES:
                return 0.01
            return us_option_tick(price)
        return us_stock_tick(price)
    if market in _CN:
        return cn_tick(kind)
    if market == QotMarket.JP_SECURITY:
        return jp_stock_tick(price)
    if market == QotMarket.SG_SECURITY:
        return sg_stock_tick(price)
    return 0.01 if price >= 1.0 - _EPS else 0.001


def _futures_tick(inst: Instrument) -> float:
    own = getattr(inst.terms, "min_var", None)
    if isinstance(own, (int, float)) and own > 0:
        return float(own)
    root = futures_root(inst.security.code)
    if root in FUTURES_TICKS:
        return FUTURES_TICKS[root]
    return _DEFAULT_FUTURES_TICK.get(inst.security.market, 0.01)


def _has_index_owner(inst: Instrument) -> bool:
    owner = inst.owner.code if inst.owner is not None else ""
    return owner.startswith("800") or owner.startswith(".")


def _decimals(tick: float) -> int:
    return max(0, -math.floor(math.log10(tick) + _EPS)) + 1


def tick_up(inst: Instrument, price: float) -> float:
    """Distance from an on-grid ``price`` to the next valid price above it."""
    return tick_size(inst, float(price) + _NUDGE * max(1.0, abs(price)))


def tick_down(inst: Instrument, price: float) -> float:
    """Distance from an on-grid ``price`` to the next valid price below it."""
    return tick_size(inst, max(float(price) - _NUDGE * max(1.0, abs(price)), 0.0))


def is_on_tick(inst: Instrument, price: float) -> bool:
    """True when ``price`` is a valid price of ``inst`` (a multiple of its tick)."""
    price = float(price)
    if price <= 0:
        return False
    tick = tick_size(inst, price)
    steps = price / tick
    return abs(steps - round(steps)) < 1e-6


def round_to_tick(inst: Instrument, price: float, direction: Rounding = Rounding.NEAREST) -> float:
    """The valid price nearest ``price`` (or the nearest at/above, at/below)."""
    price = float(price)
    if not math.isfinite(price) or price <= 0:
        raise ValueError(f"price must be positive, got {price}")
    if is_on_tick(inst, price):
        tick = tick_size(inst, price)
        return round(round(price / tick) * tick, _decimals(tick))
    up = _grid_up(inst, price)
    down = _grid_down(inst, price)
    if direction == Rounding.UP:
        return up
    if direction == Rounding.DOWN:
        return down if down > 0 else up
    if down <= 0:
        return up
    return up if (up - price) < (price - down) - _EPS else down


def _grid_up(inst: Instrument, price: float) -> float:
    tick = tick_size(inst, price)
    return round(math.ceil(price / tick - 1e-9) * tick, _decimals(tick))


def _grid_down(inst: Instrument, price: float) -> float:
    tick = tick_size(inst, price)
    return round(math.floor(price / tick + 1e-9) * tick, _decimals(tick))


def ticks_away(inst: Instrument, price: float, n: int) -> float:
    """The valid price ``n`` ticks above (n > 0) or below (n < 0) an on-grid price."""
    p = round_to_tick(inst, price)
    for _ in range(abs(n)):
        step = tick_up(inst, p) if n > 0 else tick_down(inst, p)
        p = round(p + step if n > 0 else p - step, _decimals(step))
        if p <= 0:
            raise ValueError(f"{n} ticks from {price} is not a positive price")
    return p


def adjust_to_tick(inst: Instrument, price: float, adjust_limit: float) -> float | None:
    """Order-price fine-tuning (docs L12898-L12905): move an off-grid price
    to the nearest valid price upward (``adjust_limit`` > 0) or downward
    (< 0) when the relative move is within ``|adjust_limit|``; None when it
    is not, or when ``adjust_limit`` is 0 and the price is off the grid."""
    price = float(price)
    if price <= 0:
        return None
    if is_on_tick(inst, price):
        return round_to_tick(inst, price)
    if adjust_limit == 0:
        return None
    target = round_to_tick(inst, price, Rounding.UP if adjust_limit > 0 else Rounding.DOWN)
    if target <= 0 or abs(target - price) / price > abs(adjust_limit) + _EPS:
        return None
    return target


# --------------------------------------------------------------------------- price limits


def is_st(inst: Instrument) -> bool:
    """A-share under risk warning: its name starts with "ST" or "*ST"."""
    name = inst.name.strip().upper().replace("＊", "*")
    return name.startswith("ST") or name.startswith("*ST")


def has_price_limits(inst: Instrument) -> bool:
    """A-share stocks and funds have daily price limits; nothing else does."""
    return inst.security.market in _CN and inst.sec_type in (SecurityType.EQTY, SecurityType.TRUST)


def limit_ratio(inst: Instrument) -> float | None:
    """Daily limit as a fraction of the reference price (exchange rules):
    ChiNext (300/301) and STAR (688/689) 20 % ST or not; main-board ST 5 %;
    other stocks and funds 10 %. None without limits. New listings' first
    days without limits are not modelled."""
    if not has_price_limits(inst):
        return None
    code = inst.security.code
    if inst.sec_type == SecurityType.EQTY and code.startswith(("300", "301", "688", "689")):
        return 0.20
    if inst.sec_type == SecurityType.EQTY and is_st(inst):
        return 0.05
    return 0.10


def price_limits(inst: Instrument, prev_close: float) -> tuple[float, float]:
    """(limit down, limit up) for a day whose reference price is ``prev_close``:
    reference x (1 -/+ ratio) rounded half up to the tick, as SSE/SZSE
    compute it; limit down at least one tick. ValueError without limits."""
    ratio = limit_ratio(inst)
    if ratio is None:
        raise ValueError(f"{inst.code} has no daily price limits")
    prev_close = float(prev_close)
    if not math.isfinite(prev_close) or prev_close <= 0:
        raise ValueError(f"reference price must be positive, got {prev_close}")
    tick = tick_size(inst, prev_close)
    q = Decimal(str(tick))
    ref = Decimal(repr(prev_close))
    r = Decimal(str(ratio))
    hi = (ref * (1 + r)).quantize(q, rounding=ROUND_HALF_UP)
    lo = (ref * (1 - r)).quantize(q, rounding=ROUND_HALF_UP)
    return max(float(lo), tick), float(hi)


# --------------------------------------------------------------------------- lots


_DEFAULT_LOTS = {QotMarket.CNSH_SECURITY: 100, QotMarket.CNSZ_SECURITY: 100, QotMarket.US_SECURITY: 1,
                 QotMarket.JP_SECURITY: 100, QotMarket.SG_SECURITY: 100}


def board_lot(inst: Instrument) -> int:
    """Shares (or contracts) per board lot: the instrument's own lot size;
    when it carries none, the market's standard lot (exchange rules: A-shares,
    TSE and SGX 100, US 1, futures and options 1 contract). HK lots vary by
    stock, so an HK security without one is an error."""
    if inst.lot_size > 0:
        return int(inst.lot_size)
    if inst.sec_type in (SecurityType.FUTURE, SecurityType.DRVT):
        return 1
    lot = _DEFAULT_LOTS.get(inst.security.market)
    if lot is None:
        raise ValueError(f"{inst.code} has no board lot")
    return lot
