"""Deterministic matching of the broker's orders against the simulated market.

Model (see DESIGN: NautilusTrader / hftbacktest style):
* marketable orders take displayed liquidity level by level; liquidity we
  took stays taken until the market changes that level's displayed size;
* resting limit orders fill only from public trade prints: a print through
  our price fills us, a print at our price first works off the displayed
  volume that was ahead of us when we joined the queue (conservative);
* auction orders fill on auction prints at the auction price;
* stop / if-touched / trailing orders trigger from trade prints and the
  last price;
* nothing fills outside the phases an order may work in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from openfutu.broker.enums import OrderStatus, OrderType, Session, TimeInForce, TrailType, TrdSecMarket
from openfutu.broker.market_view import BookLevel, InstrumentInfo, MarketTrade, MarketView, SessionPhase
from openfutu.broker.model import Order
from openfutu.broker.status import MATCHABLE_STATUSES

#: Types that execute at any price once active.
MARKET_LIKE = frozenset({OrderType.MARKET, OrderType.STOP, OrderType.MARKET_IF_TOUCHED, OrderType.TRAILING_STOP})
#: Types that wait for a trigger before they work.
CONDITIONAL = frozenset(
    {
        OrderType.STOP,
        OrderType.STOP_LIMIT,
        OrderType.MARKET_IF_TOUCHED,
        OrderType.LIMIT_IF_TOUCHED,
        OrderType.TRAILING_STOP,
        OrderType.TRAILING_STOP_LIMIT,
    }
)
AUCTION_TYPES = frozenset({OrderType.AUCTION, OrderType.AUCTION_LIMIT})
#: GTC orders live at most 90 calendar days (Trd_Common.proto TimeInForce_GTC comment).
GTC_HORIZON = dt.timedelta(days=90)
#: HKEX enhanced limit / special limit orders match at most 10 price queues (exchange rule).
HK_MAX_QUEUES = 10


@dataclass(frozen=True, slots=True)
class MatchingConfig:
    #: Fraction of the displayed volume at our price assumed ahead of us when
    #: an order starts resting: 1.0 = back of the queue (conservative), 0.0 = front.
    queue_ahead_fraction: float = 1.0


class ExecutionSink(Protocol):
    """What the engine calls to change orders; the broker implements it."""

    def set_status(self, order: Order, status: OrderStatus, at: dt.datetime, err: str = "") -> None: ...

    def execute(self, order: Order, qty: float, price: float, at: dt.datetime) -> None: ...

    def touch(self, order: Order, at: dt.datetime) -> None: ...


def trading_date(info: InstrumentInfo, at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(info.timezone)).date()


def active_in(order: Order, info: InstrumentInfo, phase: SessionPhase) -> bool:
    """May ``order`` execute in ``phase``?"""
    if order.order_type in AUCTION_TYPES:
        if phase.is_auction:
            return True
        # Unfilled at-auction limit orders carry into continuous trading (exchange rule).
        return order.order_type == OrderType.AUCTION_LIMIT and phase == SessionPhase.CONTINUOUS
    if phase == SessionPhase.CONTINUOUS:
        return True
    if phase == SessionPhase.OPENING_AUCTION:
        # docs L9100: fill_outside_rth lets HK orders join the pre-market auction.
        return order.fill_outside_rth and info.sec_market == TrdSecMarket.HK and order.order_type not in MARKET_LIKE
    if phase in (SessionPhase.PRE_MARKET, SessionPhase.AFTER_HOURS):
        return order.fill_outside_rth or order.session in (Session.ETH, Session.ALL)
    if phase == SessionPhase.OVERNIGHT:
        return order.session in (Session.ALL, Session.OVERNIGHT)
    return False


def limit_price(order: Order) -> float | None:
    """Effective limit of an active order; None for market-like orders."""
    if order.order_type in MARKET_LIKE or order.order_type == OrderType.AUCTION:
        return None
    return order.price


def _better_or_equal(buy: bool, a: float, b: float) -> bool:
    return a <= b + 1e-9 if buy else a >= b - 1e-9


class MatchingEngine:
    def __init__(self, market: MarketView, sink: ExecutionSink, config: MatchingConfig | None = None) -> None:
        self.market = market
        self.sink = sink
        self.config = config or MatchingConfig()
        # (code, is_bid_side, price) -> (displayed volume when taken, quantity taken)
        self._taken: dict[tuple[str, bool, float], tuple[float, float]] = {}
        self._last_phase: dict[str, SessionPhase] = {}

    # ----------------------------------------------------------- book taking

    def _available(self, code: str, bid_side: bool, level: BookLevel) -> float:
        key = (code, bid_side, round(level.price, 9))
        seen = self._taken.get(key)
        if seen is None or abs(seen[0] - level.volume) > 1e-9:
            return level.volume
        return max(level.volume - seen[1], 0.0)

    def _take(self, code: str, bid_side: bool, level: BookLevel, qty: float) -> None:
        key = (code, bid_side, round(level.price, 9))
        seen = self._taken.get(key)
        taken = seen[1] if seen is not None and abs(seen[0] - level.volume) <= 1e-9 else 0.0
        self._taken[key] = (level.volume, taken + qty)

    def _crossable_levels(self, order: Order, info: InstrumentInfo) -> list[BookLevel]:
        buy = order.trd_side.is_buy
        book = self.market.book(order.code)
        levels: Sequence[BookLevel] = book.asks if buy else book.bids
        limit = limit_price(order)
        out: list[BookLevel] = []
        for lv in levels:
            if limit is not None:
                if order.order_type == OrderType.ABSOLUTE_LIMIT:
                    # HK limit order: executes only at the specified price (exchange rule).
                    if abs(lv.price - limit) > 1e-9:
                        break
                elif not _better_or_equal(buy, lv.price, limit):
                    break
            out.append(lv)
        if info.sec_market == TrdSecMarket.HK and order.order_type in (
            OrderType.NORMAL, OrderType.SPECIAL_LIMIT, OrderType.SPECIAL_LIMIT_ALL
        ):
            out = out[:HK_MAX_QUEUES]
        return out

    def _take_from_book(self, order: Order, info: InstrumentInfo, at: dt.datetime) -> None:
        levels = self._crossable_levels(order, info)
        bid_side = not order.trd_side.is_buy
        if order.order_type == OrderType.SPECIAL_LIMIT_ALL:
            total = sum(self._available(order.code, bid_side, lv) for lv in levels)
            if total + 1e-9 < order.remaining_qty:
                return  # all-or-nothing: the caller cancels it
        for lv in levels:
            if order.remaining_qty <= 0:
                break
            avail = self._available(order.code, bid_side, lv)
            qty = min(avail, order.remaining_qty)
            if qty <= 0:
                continue
            self._take(order.code, bid_side, lv, qty)
            self.sink.execute(order, qty, lv.price, at)

    def _join_queue(self, order: Order) -> None:
        limit = limit_price(order)
        if limit is None:
            order.queue_ahead = 0.0
            return
        book = self.market.book(order.code)
        own = book.bids if order.trd_side.is_buy else book.asks
        ahead = sum(lv.volume for lv in own if abs(lv.price - limit) <= 1e-9)
        order.queue_ahead = ahead * self.config.queue_ahead_fraction

    # ----------------------------------------------------------- triggers

    def _trail_stop(self, order: Order) -> float | None:
        if order.trail_anchor is None or order.trail_value is None:
            return None
        sign = -1.0 if not order.trd_side.is_buy else 1.0
        if order.trail_type == TrailType.RATIO:
            # Futu passes the ratio in percent (e.g. 5 = 5 %).
            return order.trail_anchor * (1 + sign * order.trail_value / 100.0)
        return order.trail_anchor + sign * order.trail_value

    def _check_trigger(self, order: Order, price: float) -> bool:
        buy = order.trd_side.is_buy
        t = order.order_type
        if t in (OrderType.TRAILING_STOP, OrderType.TRAILING_STOP_LIMIT):
            if order.trail_anchor is None:
                order.trail_anchor = price
            elif (buy and price < order.trail_anchor) or (not buy and price > order.trail_anchor):
                order.trail_anchor = price
            stop = self._trail_stop(order)
            if stop is None:
                return False
            hit = price >= stop - 1e-9 if buy else price <= stop + 1e-9
            if hit and t == OrderType.TRAILING_STOP_LIMIT:
                spread = order.trail_spread or 0.0
                order.price = round(stop + spread if buy else stop - spread, 9)
            return hit
        aux = order.aux_price
        if aux is None:
            return False
        if t in (OrderType.STOP, OrderType.STOP_LIMIT):
            return price >= aux - 1e-9 if buy else price <= aux + 1e-9
        # if-touched: buy when the price falls to the trigger, sell when it rises to it
        return price <= aux + 1e-9 if buy else price >= aux - 1e-9

    # ----------------------------------------------------------- driver

    def on_market(self, orders: Iterable[Order], at: dt.datetime) -> None:
        """Advance every open order of ``orders`` to market time ``at``."""
        by_code: dict[str, list[Order]] = {}
        for o in orders:
            by_code.setdefault(o.code, []).append(o)
        for code in sorted(by_code):
            info = self.market.instrument(code)
            if info is None:
                continue
            self._advance_code(info, by_code[code], at)

    def _expired(self, order: Order, info: InstrumentInfo, phase: SessionPhase, at: dt.datetime) -> bool:
        today = trading_date(info, at)
        if order.time_in_force == TimeInForce.GTC:
            return at - order.create_time >= GTC_HORIZON
        if order.time_in_force == TimeInForce.GTD and order.expire_time is not None:
            return at >= order.expire_time
        # DAY (and IOC leftovers): the order's session is over once the market
        # is closed after it has traded in it, or the exchange date moved on.
        if order.trading_date is None:
            return False
        if today > order.trading_date:
            return True
        return phase == SessionPhase.CLOSED

    def _advance_code(self, info: InstrumentInfo, orders: list[Order], at: dt.datetime) -> None:
        code = info.code
        phase = self.market.session_phase(code, at)
        prev_phase = self._last_phase.get(code)
        self._last_phase[code] = phase
        # time priority: creation order
        orders.sort(key=lambda o: o.order_id)

        for o in orders:
            st = o.order_status
            if st == OrderStatus.CANCELLING_ALL:
                self.sink.set_status(o, OrderStatus.CANCELLED_ALL, at)
                continue
            if st == OrderStatus.CANCELLING_PART:
                self.sink.set_status(o, OrderStatus.CANCELLED_PART, at)
                continue
            if st in (OrderStatus.SUBMITTING, OrderStatus.WAITING_SUBMIT):
                target = OrderStatus.WAITING_SUBMIT if phase == SessionPhase.CLOSED else OrderStatus.SUBMITTED
                if target != st:
                    self.sink.set_status(o, target, at)
                if target == OrderStatus.SUBMITTED:
                    o.trade_cursor = self.market.trade_cursor(code)
                    self._join_queue(o)
            if o.order_status in MATCHABLE_STATUSES:
                if phase != SessionPhase.CLOSED and o.trading_date is None and active_in(o, info, phase):
                    o.trading_date = trading_date(info, at)
                if self._expired(o, info, phase, at):
                    self._cancel_remaining(o, at, "order expired")
                    continue
                # At-auction orders left after the auction are cancelled (exchange rule).
                if (
                    o.order_type == OrderType.AUCTION
                    and prev_phase is not None
                    and prev_phase.is_auction
                    and not phase.is_auction
                ):
                    self._cancel_remaining(o, at, "at-auction order not filled in the auction")
                    continue

        live = [o for o in orders if o.order_status in MATCHABLE_STATUSES]
        if not live:
            return

        # 1. public prints since each order's cursor, shared in priority order
        cursor = min(o.trade_cursor for o in live)
        prints, new_cursor = self.market.trades_since(code, cursor)
        last = self.market.last_price(code)
        for o in live:
            if o.order_type in CONDITIONAL and not o.triggered:
                seen = [(cursor + k, p.price) for k, p in enumerate(prints) if cursor + k >= o.trade_cursor]
                if last is not None and not seen:
                    seen = [(new_cursor - 1, last)]
                for seq, px in seen:
                    if self._check_trigger(o, px):
                        o.triggered = True
                        self.sink.touch(o, at)
                        o.trade_cursor = seq + 1  # later prints may fill it
                        self._join_queue(o)
                        break

        # 2. aggressive orders take the displayed book (continuous-type phases only)
        for o in live:
            if o.order_status not in MATCHABLE_STATUSES or not active_in(o, info, phase):
                continue
            if o.order_type in CONDITIONAL and not o.triggered:
                continue
            if phase.is_auction:
                continue
            before = o.dealt_qty
            self._take_from_book(o, info, at)
            if o.order_type in (OrderType.SPECIAL_LIMIT, OrderType.SPECIAL_LIMIT_ALL) or (
                o.time_in_force == TimeInForce.IOC
            ):
                if o.remaining_qty > 0 and o.order_status in MATCHABLE_STATUSES:
                    self._cancel_remaining(o, at, "unfilled part cancelled (immediate-or-cancel)")
                continue
            if o.dealt_qty != before and o.remaining_qty > 0:
                self._join_queue(o)

        # 3. resting orders fill from prints
        for k, p in enumerate(prints):
            seq = cursor + k  # position of this print in the code's print sequence
            takers = [o for o in live if o.order_status in MATCHABLE_STATUSES and o.trade_cursor <= seq]
            self._fill_from_print(code, info, phase, p, takers, at)
        for o in live:
            o.trade_cursor = max(o.trade_cursor, new_cursor)

    def _fill_from_print(
        self, code: str, info: InstrumentInfo, phase: SessionPhase, p: MarketTrade, live: list[Order], at: dt.datetime
    ) -> None:
        eligible: list[Order] = []
        for o in live:
            if o.remaining_qty <= 0 or not active_in(o, info, phase):
                continue
            if o.order_type in CONDITIONAL and not o.triggered:
                continue
            if p.auction != phase.is_auction and not (p.auction and o.order_type in AUCTION_TYPES):
                continue
            eligible.append(o)

        def priority(o: Order) -> tuple[int, float, int]:
            lim = limit_price(o)
            if lim is None:
                return (0, 0.0, o.order_id)  # market-like and at-auction orders first
            return (1, -lim if o.trd_side.is_buy else lim, o.order_id)

        used = 0.0  # volume of this print already given to our orders
        for o in sorted(eligible, key=priority):
            if p.volume - used <= 1e-9:
                break
            buy = o.trd_side.is_buy
            lim = limit_price(o)
            if lim is not None and not _better_or_equal(buy, p.price, lim):
                continue
            through = lim is not None and ((p.price < lim - 1e-9) if buy else (p.price > lim + 1e-9))
            if lim is None or p.auction or through:
                usable = p.volume - used
            else:
                # The print at our price first works off the market queue ahead of us.
                eaten = min(o.queue_ahead, p.volume)
                o.queue_ahead -= eaten
                usable = p.volume - eaten - used
            qty = min(usable, o.remaining_qty)
            if qty <= 1e-9:
                continue
            used += qty
            # Auction and market-like orders trade at the print; resting limits at their limit.
            px = p.price if (lim is None or p.auction) else lim
            self.sink.execute(o, qty, px, at)

    def _cancel_remaining(self, o: Order, at: dt.datetime, why: str) -> None:
        status = OrderStatus.CANCELLED_PART if o.dealt_qty > 0 else OrderStatus.CANCELLED_ALL
        self.sink.set_status(o, status, at, why)


def round_lot_down(qty: float, lot: int) -> float:
    lot = max(lot, 1)
    return float(math.floor(qty / lot + 1e-9) * lot)
