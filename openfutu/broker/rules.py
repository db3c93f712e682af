"""Exchange order-entry rules: tick grids, lot sizes, price limits and the
``adjust_limit`` price adjustment (docs L12890-L12907)."""

from __future__ import annotations

import math

from openfutu.broker.enums import TrdSecMarket
from openfutu.broker.market_view import InstrumentInfo, InstrumentKind

_EPS = 1e-9

# HKEX spread table (Part A), exchange rule: (upper bound of band inclusive, tick).
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


def hk_tick(price: float) -> float:
    for upper, tick in HK_SPREAD_TABLE:
        if price <= upper + _EPS:
            return tick
    return 5.0


def us_stock_tick(price: float) -> float:
    # SEC Reg NMS Rule 612 (exchange rule): $0.01 at or above $1, $0.0001 below.
    return 0.01 if price >= 1.0 - _EPS else 0.0001


def us_option_tick(price: float) -> float:
    # docs L12890-L12892 (fragments): $0.05 below $3.00, $0.10 at $3.00 and above.
    return 0.10 if price >= 3.0 - _EPS else 0.05


def cn_tick(price: float) -> float:
    # SSE / SZSE exchange rule: A-share prices move in CNY 0.01.
    return 0.01


def tick_size(info: InstrumentInfo, price: float) -> float:
    """Tick applying to ``price`` (the band above it when moving up)."""
    if info.tick_size is not None:
        return info.tick_size(price)
    if info.sec_market == TrdSecMarket.HK and info.kind != InstrumentKind.FUTURE:
        return hk_tick(price)
    if info.sec_market == TrdSecMarket.US:
        return us_option_tick(price) if info.kind == InstrumentKind.OPTION else us_stock_tick(price)
    if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ):
        return cn_tick(price)
    return 0.01


def on_tick(info: InstrumentInfo, price: float) -> bool:
    tick = tick_size(info, price)
    steps = price / tick
    return abs(steps - round(steps)) < 1e-6


def _grid_up(info: InstrumentInfo, price: float) -> float:
    tick = tick_size(info, price)
    up = math.ceil(price / tick - 1e-6) * tick
    return round(up, 9)


def _grid_down(info: InstrumentInfo, price: float) -> float:
    # Below a band edge the lower band's tick applies.
    tick = tick_size(info, max(price - _EPS, 0.0))
    down = math.floor(price / tick + 1e-6) * tick
    return round(down, 9)


def adjust_to_tick(info: InstrumentInfo, price: float, adjust_limit: float) -> float | None:
    """Move ``price`` to the nearest valid tick in the sign's direction if the
    relative change is within ``|adjust_limit|`` (docs L12896-L12907).
    Returns None when the move would exceed the limit."""
    if on_tick(info, price):
        return round(price, 9)
    if adjust_limit == 0:
        return None
    target = _grid_up(info, price) if adjust_limit > 0 else _grid_down(info, price)
    if price <= 0 or abs(target - price) / price > abs(adjust_limit) + _EPS:
        return None
    return target


def ticks_away(info: InstrumentInfo, price: float, n: int) -> float:
    """The price ``n`` ticks above (n > 0) or below (n < 0) ``price``."""
    p = price
    for _ in range(abs(n)):
        p = round(p + tick_size(info, p), 9) if n > 0 else round(p - tick_size(info, max(p - _EPS, 0)), 9)
    return p
