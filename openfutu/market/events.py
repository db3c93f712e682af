"""What changed in the simulated market between two instants, per security.

The push side of the gateway asks, at each step of its clock, what is new
for the securities somebody subscribed: trades since the last step, the
quote when it moved, a fresh book and broker queue when they changed,
time-share points of minutes that finished, and the current K-line bars.
``MarketFeed`` answers with plain dataclasses and keeps per-security
cursors so that a step for a quiet security costs a comparison, not a
price computation.

Everything is computed from the market's pure functions of time
(PriceEngine, OrderBookSource, KLineSource), so the pushes a client sees
agree with what the pull functions return at the same instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from openfutu.market.corporate_actions import AuType
from openfutu.market.klines import DAILY_AND_LONGER, MINUTES_PER_BAR, KLine, KLType
from openfutu.market.orderbook import BrokerQueue, OrderBook
from openfutu.market.prices import Quote, Tick, TimeSharePoint, rng_for

# A step that jumps further than this (a virtual clock moved by hours)
# reports only the latest trades, as a live feed that reconnects would.
MAX_TICKS_PER_STEP = 1000
# When a security has no trade, look again after this many seconds.
IDLE_RECHECK_SECONDS = 30.0
ORDER_DETAILS_MAX = 1000  # docs L12181-L12204: SF shows up to 1000 order details


@dataclass(frozen=True, slots=True)
class Interest:
    """What is wanted for one security at a step."""

    quote: bool = False
    ticker: bool = False
    order_book: bool = False
    broker: bool = False
    time_share: bool = False
    klines: frozenset[tuple[KLType, AuType]] = frozenset()
    extended: bool = False
    book_depth: int = 10
    odd_book: bool = False  # HK odd-lot book

    def merge(self, other: "Interest") -> "Interest":
        return Interest(
            self.quote or other.quote,
            self.ticker or other.ticker,
            self.order_book or other.order_book,
            self.broker or other.broker,
            self.time_share or other.time_share,
            self.klines | other.klines,
            self.extended or other.extended,
            max(self.book_depth, other.book_depth),
            self.odd_book or other.odd_book,
        )


@dataclass(slots=True)
class SecurityUpdate:
    """What is new for one security at one step; empty parts are None/[]."""

    code: str
    at: dt.datetime
    quote: Quote | None = None
    ticks: list[Tick] = field(default_factory=list)
    order_book: OrderBook | None = None
    odd_order_book: OrderBook | None = None
    broker_queue: BrokerQueue | None = None
    time_share: list[TimeSharePoint] = field(default_factory=list)
    bars: dict[tuple[KLType, AuType], list[KLine]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return (self.quote is None and not self.ticks and self.order_book is None
                and self.odd_order_book is None and self.broker_queue is None and not self.time_share and not self.bars)


@dataclass(slots=True)
class _Cursor:
    """Per-security state of the feed between steps."""

    last: float  # epoch seconds up to which trades have been reported
    next_due: float = 0.0  # no trade can appear before this instant
    quote: Quote | None = None
    quote_seen: bool = False
    book_second: int = -1
    book_dirty: bool = True
    broker_dirty: bool = True
    rt_day: dt.date | None = None
    rt_count: int = 0
    bars: dict[tuple[KLType, AuType], KLine] = field(default_factory=dict)
    bar_base: dict[tuple[KLType, AuType], tuple[KLine, Quote | None]] = field(default_factory=dict)
    minute_cache: dict[int, list[Tick]] = field(default_factory=dict)


class _QuoteMemo:
    """The price engine with its last quotes remembered by (code, instant)."""

    def __init__(self, prices: Any, size: int = 256) -> None:
        self._prices = prices
        self._size = size
        self._quotes: dict[tuple[str, dt.datetime], Quote] = {}

    def quote_at(self, code: str, at: dt.datetime) -> Quote:
        key = (code, at)
        hit = self._quotes.get(key)
        if hit is None:
            hit = self._prices.quote_at(code, at)
            if len(self._quotes) >= self._size:
                self._quotes.pop(next(iter(self._quotes)))
            self._quotes[key] = hit
        return hit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._prices, name)


class MarketFeed:
    """Incremental per-security changes of a simulated market.

    ``market`` is a SimulatedMarket or anything with ``prices``
    (PriceEngine), ``books`` (OrderBookSource) and ``klines``
    (KLineSource).  Quotes come from ``prices.quote_at`` (the facade's
    price engine also prices derivatives).
    """

    def __init__(self, market: Any) -> None:
        self.market = market
        self.prices = market.prices
        # the book is drawn around the quote of the same instant: let the
        # feed's quote and the book's share one computation
        self._memo = _QuoteMemo(self.prices)
        self.books = type(market.books)(self._memo)
        self.klines = market.klines
        self._cursors: dict[str, _Cursor] = {}

    # ------------------------------------------------------------- cursors

    def forget(self, codes: Iterable[str]) -> None:
        """Drop the state of securities nobody follows any more."""
        for code in codes:
            self._cursors.pop(code, None)

    def tracked(self) -> list[str]:
        return list(self._cursors)

    # ------------------------------------------------------------- current values

    def quote(self, code: str, at: dt.datetime) -> Quote | None:
        try:
            return self._memo.quote_at(code, at)
        except (ValueError, KeyError):
            return None  # nothing traded yet, or a security without prices

    def order_book(self, code: str, at: dt.datetime, depth: int = 10) -> OrderBook | None:
        try:
            return self.books.order_book_at(code, at, depth)
        except (ValueError, KeyError):
            return None

    def odd_lot_book(self, code: str, at: dt.datetime, depth: int = 10) -> OrderBook | None:
        try:
            return self.books.order_book_at(code, at, depth, odd_lot=True)
        except (ValueError, KeyError):
            return None  # odd-lot books exist for HK only

    def broker_queue(self, code: str, at: dt.datetime) -> BrokerQueue | None:
        try:
            return self.books.broker_queue_at(code, at)
        except (ValueError, KeyError):
            return None  # broker queues exist for HK only

    def time_share(self, code: str, at: dt.datetime, extended: bool = False) -> list[TimeSharePoint]:
        try:
            return self.prices.time_share(code, at, extended)
        except (ValueError, KeyError):
            return []

    def bars(self, code: str, at: dt.datetime, kl_type: KLType, count: int,
             au_type: AuType = AuType.QFQ, extended: bool = False) -> list[KLine]:
        try:
            return self.klines.latest(code, at, kl_type, count, au_type, extended)
        except (ValueError, KeyError):
            return []

    def last_ticks(self, code: str, at: dt.datetime, count: int) -> list[Tick]:
        try:
            return self.prices.last_ticks(code, at, count)
        except (ValueError, KeyError):
            return []

    # ------------------------------------------------------------- stepping

    def step(self, interests: Mapping[str, Interest], at: dt.datetime) -> list[SecurityUpdate]:
        """Everything new since the previous step for each security of
        ``interests``.  A security seen for the first time starts its
        cursor at ``at`` and reports nothing (the first push is separate)."""
        ts = at.timestamp()
        out: list[SecurityUpdate] = []
        for code, want in interests.items():
            cur = self._cursors.get(code)
            if cur is None:
                self._cursors[code] = self._new_cursor(code, at, want)
                continue
            update = self._step_one(code, cur, want, at, ts)
            if update is not None and not update.is_empty():
                out.append(update)
        return out

    def _new_cursor(self, code: str, at: dt.datetime, want: Interest) -> _Cursor:
        ts = at.timestamp()
        cur = _Cursor(last=ts)
        cur.quote = self.quote(code, at)
        cur.quote_seen = True
        cur.book_second = int(ts)
        cur.book_dirty = cur.broker_dirty = False
        if want.time_share:
            points = self.time_share(code, at, want.extended)
            cur.rt_day = self._day(code, at)
            cur.rt_count = len(points)
        for key in want.klines:
            self._rebase_bar(code, cur, key, at, want.extended)
        return cur

    def _step_one(self, code: str, cur: _Cursor, want: Interest, at: dt.datetime,
                  ts: float) -> SecurityUpdate | None:
        if ts <= cur.last:
            return None
        update = SecurityUpdate(code, at)
        ticks: list[Tick] = []
        if ts >= cur.next_due:
            ticks, cur.next_due = self._trades(code, cur, cur.last, ts, want.extended)
        crossed_minute = int(ts // 60) != int(cur.last // 60)
        cur.last = ts
        if ticks:
            cur.book_dirty = cur.broker_dirty = True
        if want.ticker:
            update.ticks = ticks[-MAX_TICKS_PER_STEP:]
        quote_moved = bool(ticks) or not cur.quote_seen or crossed_minute
        if quote_moved and (want.quote or want.klines):
            q = self.quote(code, at)
            if q is not None and (cur.quote is None or _quote_changed(cur.quote, q)):
                if want.quote:
                    update.quote = q
                cur.quote = q
            cur.quote_seen = True
        second = int(ts)
        if second != cur.book_second and (cur.book_dirty or cur.broker_dirty):
            if cur.book_dirty:
                if want.order_book:
                    update.order_book = self.order_book(code, at, want.book_depth)
                if want.odd_book:
                    update.odd_order_book = self.odd_lot_book(code, at, want.book_depth)
                cur.book_dirty = False
            if want.broker and cur.broker_dirty:
                update.broker_queue = self.broker_queue(code, at)
                cur.broker_dirty = False
            cur.book_second = second
        if want.time_share and (crossed_minute or cur.rt_day is None):
            day = self._day(code, at)
            if day != cur.rt_day:
                cur.rt_day, cur.rt_count = day, 0
            points = self.time_share(code, at, want.extended)
            if len(points) > cur.rt_count:
                update.time_share = points[cur.rt_count:]
                cur.rt_count = len(points)
        for key in want.klines:
            bars = self._advance_bar(code, cur, key, at, ticks, crossed_minute, want.extended)
            if bars:
                update.bars[key] = bars
        return update

    def _day(self, code: str, at: dt.datetime) -> dt.date | None:
        try:
            return self.prices.session_day(code, at)
        except (ValueError, KeyError):
            return None

    # ------------------------------------------------------------- trades

    def _trades(self, code: str, cur: _Cursor, t0: float, t1: float,
                extended: bool) -> tuple[list[Tick], float]:
        """Trades with t0 < time <= t1 and the earliest instant a later trade
        can have (so quiet securities are skipped until then)."""
        if t1 - t0 > 3600:
            # a long jump: the latest trades only, as a reconnecting feed would
            t0 = t1 - 3600
        try:
            tz = self.prices.timezone(code)
            d0 = dt.datetime.fromtimestamp(t0, tz).date() - dt.timedelta(1)
            d1 = dt.datetime.fromtimestamp(t1, tz).date() + dt.timedelta(1)
            days = self.prices.trading_days(code, d0, d1)
        except (ValueError, KeyError):
            return [], t1 + IDLE_RECHECK_SECONDS
        out: list[Tick] = []
        next_due = t1 + IDLE_RECHECK_SECONDS
        for day in days:
            ms = self.prices.minute_series(code, day, extended)
            n = len(ms)
            if not n:
                continue
            starts = ms.starts
            lo = int(np.searchsorted(starts, int(t0) - 59, side="left"))
            hi = int(np.searchsorted(starts, t1, side="right"))
            for m in range(lo, hi):
                for t in self._minute_ticks(code, cur, ms, m):
                    tts = t.time.timestamp()
                    if t0 < tts <= t1:
                        out.append(t)
            if hi <= n and next_due > t1:
                next_due = min(next_due, self._next_trade_after(code, cur, ms, hi - 1, t1))
        return out, next_due

    def _minute_ticks(self, code: str, cur: _Cursor, ms: Any, m: int) -> list[Tick]:
        start = int(ms.starts[m])
        hit = cur.minute_cache.get(start)
        if hit is None:
            hit = self.prices.minute_ticks(code, ms, m)
            if len(cur.minute_cache) >= 4:
                cur.minute_cache.pop(next(iter(cur.minute_cache)))
            cur.minute_cache[start] = hit
        return hit

    def _next_trade_after(self, code: str, cur: _Cursor, ms: Any, m: int, t1: float) -> float:
        """First trade time after t1 from minute ``m`` on (within this day)."""
        n = len(ms)
        for k in range(max(m, 0), min(n, max(m, 0) + 3)):
            if int(ms.starts[k]) > t1 + 120:
                break
            for t in self._minute_ticks(code, cur, ms, k):
                tts = t.time.timestamp()
                if tts > t1:
                    return tts
        k = int(np.searchsorted(ms.starts, t1, side="right"))
        if k < n:
            return float(ms.starts[k])
        return t1 + IDLE_RECHECK_SECONDS

    # ------------------------------------------------------------- K-lines

    def _rebase_bar(self, code: str, cur: _Cursor, key: tuple[KLType, AuType],
                    at: dt.datetime, extended: bool) -> KLine | None:
        kl_type, au_type = key
        bars = self.bars(code, at, kl_type, 1, au_type, extended)
        if not bars:
            cur.bars.pop(key, None)
            cur.bar_base.pop(key, None)
            return None
        cur.bars[key] = bars[-1]
        cur.bar_base[key] = (bars[-1], cur.quote)
        return bars[-1]

    def _advance_bar(self, code: str, cur: _Cursor, key: tuple[KLType, AuType], at: dt.datetime,
                     ticks: list[Tick], crossed_minute: bool, extended: bool) -> list[KLine]:
        kl_type, au_type = key
        old = cur.bars.get(key)
        if kl_type in MINUTES_PER_BAR:
            # minute bars change when a minute finishes (the market builds
            # them from finished minutes)
            if not crossed_minute and old is not None:
                return []
            new = self._rebase_bar(code, cur, key, at, extended)
            if new is None or new == old:
                return []
            if old is not None and new.time_key != old.time_key:
                finished = self.bars(code, at, kl_type, 2, au_type, extended)
                if len(finished) == 2 and finished[0].time_key == old.time_key and finished[0] != old:
                    return [finished[0], new]
            return [new]
        if kl_type not in DAILY_AND_LONGER:
            return []
        q = cur.quote
        base = cur.bar_base.get(key)
        same_day = (base is not None and base[1] is not None and q is not None
                    and base[1].trading_day == q.trading_day)
        if not same_day or au_type == AuType.HFQ:
            if not ticks and old is not None and same_day:
                return []
            new = self._rebase_bar(code, cur, key, at, extended)
            return [new] if new is not None and new != old else []
        if not ticks or q is None or base is None:
            return []
        bar, q0 = base
        assert q0 is not None
        new = _patch_bar(bar, q0, q)
        if new == old:
            return []
        cur.bars[key] = new
        return [new]

    # ------------------------------------------------------------- reminders

    def order_details(self, book: OrderBook, max_details: int = ORDER_DETAILS_MAX
                      ) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
        """Deterministic per-order split of each level (SF order-level book):
        (bid details, ask details), each level a list of (order ID, volume)."""
        return order_details(self.prices.seed, book, max_details)


def order_details(seed: int, book: OrderBook, max_details: int = ORDER_DETAILS_MAX
                  ) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
    """Split every level's volume into its ``order_count`` orders (whole lots
    where possible), with stable order IDs; at most ``max_details`` a side."""
    sides: list[list[list[tuple[int, int]]]] = []
    for side_tag, levels in ((0, book.bids), (1, book.asks)):
        left = max_details
        side: list[list[tuple[int, int]]] = []
        for level in levels:
            if left <= 0:
                side.append([])
                continue
            n = max(1, min(level.order_count, left))
            r = rng_for(seed, book.code, "orders", side_tag, round(level.price, 6))
            weights = r.random(n) + 0.2
            vols = np.floor(weights / weights.sum() * level.volume).astype(np.int64)
            vols[-1] += level.volume - int(vols.sum())
            base_id = int(r.integers(10**9, 10**10))
            side.append([(base_id + j, int(v)) for j, v in enumerate(vols.tolist()) if v > 0])
            left -= n
        sides.append(side)
    return sides[0], sides[1]


def _quote_changed(a: Quote, b: Quote) -> bool:
    return (a.last_price != b.last_price or a.volume != b.volume or a.update_time != b.update_time
            or a.trading_day != b.trading_day or a.high_price != b.high_price
            or a.low_price != b.low_price)


def _patch_bar(bar: KLine, q0: Quote, q: Quote) -> KLine:
    """The current day-or-longer bar ``bar`` (built when the quote was
    ``q0``) moved on to quote ``q`` of the same trading day."""
    vol = bar.volume - q0.volume + q.volume
    turnover = bar.turnover - q0.turnover + q.turnover
    if bar.volume == 0 and q0.volume == 0:
        o = q.open_price or bar.open
    else:
        o = bar.open
    hi = max(bar.high, q.high_price) if q.volume else bar.high
    lo = min(bar.low, q.low_price) if q.volume and bar.low > 0 else (q.low_price or bar.low)
    close = q.last_price
    change = round((close - bar.last_close) / bar.last_close * 100.0, 6) if bar.last_close else 0.0
    rate = bar.turnover_rate * vol / bar.volume if bar.volume else bar.turnover_rate
    return replace(bar, open=o, high=hi, low=lo, close=close, volume=int(vol),
                   turnover=round(turnover, 3), change_rate=change, turnover_rate=rate)


# ------------------------------------------------------------- price reminders


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """A stored price reminder as the checker needs it (types: Qot_Common.
    PriceReminderType; docs L6530-L6600)."""

    key: int
    code: str
    reminder_type: int
    value: float
    freq: int  # 1 always, 2 once a day, 3 only once
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReminderHit:
    rule: ReminderRule
    quote: Quote
    current_value: float


PRICE_UP, PRICE_DOWN = 1, 2
CHANGE_RATE_UP, CHANGE_RATE_DOWN = 3, 4
CHANGE_RATE_UP_5MIN, CHANGE_RATE_DOWN_5MIN = 5, 6
VOLUME_UP, TURNOVER_UP, TURNOVER_RATE_UP = 7, 8, 9
BID_PRICE_UP, ASK_PRICE_DOWN, BID_VOL_UP, ASK_VOL_UP = 10, 11, 12, 13
CHANGE_RATE_UP_3MIN, CHANGE_RATE_DOWN_3MIN = 14, 15
FREQ_ALWAYS, FREQ_ONCE_A_DAY, FREQ_ONLY_ONCE = 1, 2, 3


class ReminderWatch:
    """Fires reminders when their condition becomes true (edge-triggered, so
    ALWAYS does not repeat on every quote while the price stays above the
    line); ONCE_A_DAY fires at most once per trading day."""

    def __init__(self, feed: MarketFeed) -> None:
        self.feed = feed
        self._armed: dict[int, bool] = {}  # key -> condition was false last time
        self._fired_day: dict[int, dt.date] = {}

    def check(self, rules: Iterable[ReminderRule], at: dt.datetime,
              quotes: Mapping[str, Quote] | None = None) -> list[ReminderHit]:
        hits: list[ReminderHit] = []
        cache: dict[str, Quote | None] = dict(quotes or {})
        books: dict[str, OrderBook | None] = {}
        live = set()
        for rule in rules:
            live.add(rule.key)
            if rule.code not in cache:
                cache[rule.code] = self.feed.quote(rule.code, at)
            q = cache[rule.code]
            if q is None:
                continue
            value = self._current_value(rule, q, at, books)
            if value is None:
                continue
            met = _condition_met(rule.reminder_type, value, rule.value)
            armed = self._armed.get(rule.key, True)
            if not met:
                self._armed[rule.key] = True
                continue
            self._armed[rule.key] = False
            if not armed:
                continue
            if rule.freq == FREQ_ONCE_A_DAY and self._fired_day.get(rule.key) == q.trading_day:
                continue
            self._fired_day[rule.key] = q.trading_day
            hits.append(ReminderHit(rule, q, value))
        for key in list(self._armed):
            if key not in live:
                del self._armed[key]
                self._fired_day.pop(key, None)
        return hits

    def _current_value(self, rule: ReminderRule, q: Quote, at: dt.datetime,
                       books: dict[str, OrderBook | None]) -> float | None:
        t = rule.reminder_type
        if t in (PRICE_UP, PRICE_DOWN):
            return q.last_price
        if t in (CHANGE_RATE_UP, CHANGE_RATE_DOWN):
            return q.change_rate
        if t in (CHANGE_RATE_UP_5MIN, CHANGE_RATE_DOWN_5MIN, CHANGE_RATE_UP_3MIN, CHANGE_RATE_DOWN_3MIN):
            minutes = 5 if t in (CHANGE_RATE_UP_5MIN, CHANGE_RATE_DOWN_5MIN) else 3
            past = self.feed.quote(rule.code, at - dt.timedelta(minutes=minutes))
            if past is None or past.trading_day != q.trading_day or not past.last_price:
                ref = q.prev_close_price
            else:
                ref = past.last_price
            return (q.last_price - ref) / ref * 100.0 if ref else None
        if t == VOLUME_UP:
            return float(q.volume)
        if t == TURNOVER_UP:
            return q.turnover
        if t == TURNOVER_RATE_UP:
            return q.turnover_rate
        if t in (BID_PRICE_UP, ASK_PRICE_DOWN, BID_VOL_UP, ASK_VOL_UP):
            if rule.code not in books:
                books[rule.code] = self.feed.order_book(rule.code, at, 1)
            book = books[rule.code]
            if book is None:
                return None
            level = book.bids[0] if t in (BID_PRICE_UP, BID_VOL_UP) else (book.asks[0] if book.asks else None)
            if t in (BID_PRICE_UP, BID_VOL_UP) and not book.bids:
                return None
            if level is None:
                return None
            return level.price if t in (BID_PRICE_UP, ASK_PRICE_DOWN) else float(level.volume)
        return None


def _condition_met(reminder_type: int, current: float, threshold: float) -> bool:
    if reminder_type in (PRICE_DOWN, ASK_PRICE_DOWN):
        return current <= threshold
    if reminder_type in (CHANGE_RATE_DOWN, CHANGE_RATE_DOWN_5MIN, CHANGE_RATE_DOWN_3MIN):
        # the threshold is the size of the fall, in percent (docs L6546)
        return current <= -abs(threshold)
    return current >= threshold


__all__ = [
    "Interest", "MarketFeed", "ReminderHit", "ReminderRule", "ReminderWatch", "SecurityUpdate",
    "order_details",
]
