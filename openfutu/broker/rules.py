"""Exchange order-entry rules: tick grids, lot sizes, price limits and the
``adjust_limit`` price adjustment (docs L12890-L12907)."""

from __future__ import annotations

import math

from openfutu.broker.enums import TrdSecMarket
from openfutu.broker.market_view import InstrumentInfo, InstrumentKind
from openfutu.market.model import SecurityType
from openfutu.market.rules import HK_SPREAD_TABLE, hk_tick, us_option_tick, us_stock_tick
from openfutu.market.rules import cn_tick as _cn_tick

_EPS = 1e-9

# The tick tables live in openfutu.market.rules (one source for quotes and
# order entry); re-exported here for the broker's callers.
__all__ = ["HK_SPREAD_TABLE", "adjust_to_tick", "hk_tick", "on_tick", "tick_size", "ticks_away",
           "us_option_tick", "us_stock_tick"]


def tick_size(info: InstrumentInfo, price: float) -> float:
    """Tick applying to ``price`` (the band above it when moving up)."""
    if info.tick_size is not None:
        return info.tick_size(price)
    if info.sec_market == TrdSecMarket.HK and info.kind != InstrumentKind.FUTURE:
        return hk_tick(price)
    if info.sec_market == TrdSecMarket.US:
        if info.kind == InstrumentKind.OPTION:
            return us_option_tick(price, penny_class=False)  # docs L12890-L12892
        return us_stock_tick(price)
    if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ):
        return _cn_tick(SecurityType.TRUST if info.kind == InstrumentKind.ETF else SecurityType.EQTY)
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
