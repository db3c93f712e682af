"""Real-time pushes: the market feed driven by the clock, mapped to the
Qot_Update* messages and fanned out to the subscribed connections.

The hub runs one task on the gateway's loop.  Every ``interval`` seconds
of real time it reads the market clock, asks the MarketFeed what changed
for the subscribed securities since the last step, and sends each change
once per (proto ID, format) to every connection that registered for it.
``qot_push_frequency`` holds quote, book, broker and ticker pushes of a
security back to at most one per period (K-lines and time-share are
exempt, docs L1075-L1077); held ticks are sent together, held latest
values are replaced by newer ones.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openfutu.market.corporate_actions import AuType
from openfutu.market.events import (
    Interest,
    MarketFeed,
    ReminderHit,
    ReminderRule,
    ReminderWatch,
    SecurityUpdate,
    order_details,
)
from openfutu.market.klines import KLine, KLType
from openfutu.market.model import MARKET_BY_PREFIX, PREFIX_BY_MARKET, QotMarket, SecurityCode
from openfutu.market.orderbook import BrokerQueue, OrderBook
from openfutu.market.prices import Quote, Tick, TimeSharePoint
from openfutu.protocol.pb import (
    Qot_Common_pb2,
    Qot_UpdateBasicQot_pb2,
    Qot_UpdateBroker_pb2,
    Qot_UpdateKL_pb2,
    Qot_UpdateOrderBook_pb2,
    Qot_UpdatePriceReminder_pb2,
    Qot_UpdateRT_pb2,
    Qot_UpdateTicker_pb2,
)

from .subscriptions import SubKey

if TYPE_CHECKING:  # pragma: no cover
    from .server import Gateway
    from .session import ClientSession

log = logging.getLogger("openfutu.gateway.push")

# Qot_Common.SubType
SUB_QUOTE = 1
SUB_ORDER_BOOK = 2
SUB_TICKER = 4
SUB_RT = 5
SUB_BROKER = 14
SUB_ORDER_BOOK_ODD = 22
KLINE_SUBTYPES: dict[int, KLType] = {
    6: KLType.K_DAY, 7: KLType.K_5M, 8: KLType.K_15M, 9: KLType.K_30M, 10: KLType.K_60M,
    11: KLType.K_1M, 12: KLType.K_WEEK, 13: KLType.K_MON, 15: KLType.K_QUARTER,
    16: KLType.K_YEAR, 17: KLType.K_3M, 18: KLType.K_10M, 19: KLType.K_120M,
    20: KLType.K_180M, 21: KLType.K_240M,
}
SUBTYPE_OF_KLTYPE: dict[KLType, int] = {k: s for s, k in KLINE_SUBTYPES.items()}
KNOWN_SUBTYPES = frozenset({SUB_QUOTE, SUB_ORDER_BOOK, SUB_TICKER, SUB_RT, SUB_BROKER,
                            SUB_ORDER_BOOK_ODD, *KLINE_SUBTYPES})
SUBTYPE_NAMES: dict[int, str] = {
    SUB_QUOTE: "QUOTE", SUB_ORDER_BOOK: "ORDER_BOOK", SUB_TICKER: "TICKER", SUB_RT: "RT_DATA",
    SUB_BROKER: "BROKER", SUB_ORDER_BOOK_ODD: "ORDER_BOOK_ODD",
    **{s: k.name for s, k in KLINE_SUBTYPES.items()},
}

PUSH_BASIC_QOT = 3005
PUSH_KL = 3007
PUSH_RT = 3009
PUSH_TICKER = 3011
PUSH_ORDER_BOOK = 3013
PUSH_BROKER = 3015
PUSH_PRICE_REMINDER = 3019

PUSH_DATA_REALTIME = 1  # Qot_Common.PushDataType
PUSH_DATA_CACHE = 3
ORDER_BOOK_NORMAL, ORDER_BOOK_ODD = 0, 1  # Qot_Common.OrderBookType
EXTENDED_SESSIONS = frozenset({2, 3, 4})  # Common.Session ETH, ALL, OVERNIGHT
FIRST_PUSH_TICKS = 50  # ticks sent as the first push of a TICKER subscription
DRIVER_INTERVAL = 0.1  # seconds of real time between feed steps
STEP_SLICE = 200  # securities computed between two looks at the request queues
REMINDER_CHECK_INTERVAL = 0.5  # real seconds between price-reminder checks

_TIME = "%Y-%m-%d %H:%M:%S"
_DERIVATIVE_TYPES = frozenset({5, 8, 10})  # SecurityType WARRANT, DRVT (option), FUTURE


# --------------------------------------------------------------------------- codes


def parse_security(sec: Any) -> str:
    """Qot_Common.Security -> "HK.00700"; ValueError on an unknown market."""
    try:
        market = QotMarket(sec.market)
    except ValueError:
        raise ValueError(f"unknown market {sec.market} of security {sec.code!r}") from None
    prefix = PREFIX_BY_MARKET.get(market)
    if prefix is None or not sec.code:
        raise ValueError(f"unknown security {sec.market}.{sec.code}")
    return f"{prefix}.{sec.code}"


def fill_security(target: Any, code: str) -> None:
    sec = SecurityCode.parse(code)
    target.market = int(sec.market)
    target.code = sec.code


def _hk(code: str) -> bool:
    return code.startswith("HK.")


# --------------------------------------------------------------------------- domain -> pb


def _fmt(t: dt.datetime) -> str:
    return t.strftime(_TIME)


def _fmt_ms(t: dt.datetime) -> str:
    return t.strftime(_TIME) + f".{t.microsecond // 1000:03d}"


def basic_qot(code: str, name: str, listing: dt.date | None, q: Quote) -> Qot_Common_pb2.BasicQot:
    b = Qot_Common_pb2.BasicQot(
        name=name,
        isSuspended=q.is_suspended,
        listTime=listing.isoformat() if listing else "",
        priceSpread=q.price_spread,
        updateTime=_fmt(q.update_time),
        updateTimestamp=q.update_time.timestamp(),
        highPrice=q.high_price,
        openPrice=q.open_price,
        lowPrice=q.low_price,
        curPrice=q.last_price,
        lastClosePrice=q.prev_close_price,
        volume=int(q.volume),
        turnover=q.turnover,
        turnoverRate=q.turnover_rate,
        amplitude=q.amplitude,
        secStatus=1,  # Qot_Common.SecurityStatus_Normal
    )
    if listing:
        b.listTimestamp = dt.datetime.combine(listing, dt.time(), dt.timezone.utc).timestamp()
    fill_security(b.security, code)
    for ext, target in ((q.pre_market, b.preMarket), (q.after_hours, b.afterMarket),
                        (q.overnight, b.overnight)):
        if ext is not None:
            target.price = ext.price
            target.highPrice = ext.high
            target.lowPrice = ext.low
            target.volume = int(ext.volume)
            target.turnover = ext.turnover
            target.changeVal = ext.change_val
            target.changeRate = ext.change_rate
            target.amplitude = ext.amplitude
    return b


def kline_pb(bar: KLine, out: Any) -> None:
    out.time = _fmt(bar.time_key)
    out.isBlank = bar.is_blank
    out.highPrice = bar.high
    out.openPrice = bar.open
    out.lowPrice = bar.low
    out.closePrice = bar.close
    out.lastClosePrice = bar.last_close
    out.volume = int(bar.volume)
    out.turnover = bar.turnover
    out.turnoverRate = bar.turnover_rate
    out.pe = bar.pe_ratio
    out.changeRate = bar.change_rate
    out.timestamp = bar.time_key.timestamp()


def time_share_pb(p: TimeSharePoint, out: Any) -> None:
    out.time = _fmt(p.time)
    out.minute = p.minute
    out.isBlank = p.is_blank
    out.price = p.price
    out.lastClosePrice = p.last_close
    out.avgPrice = p.avg_price
    out.volume = int(p.volume)
    out.turnover = p.turnover
    out.timestamp = p.time.timestamp()


def ticker_pb(t: Tick, out: Any, push_type: int = PUSH_DATA_REALTIME) -> None:
    out.time = _fmt_ms(t.time)
    out.sequence = t.sequence
    out.dir = int(t.direction)
    out.price = t.price
    out.volume = int(t.volume)
    out.turnover = t.turnover
    out.type = int(t.type)
    out.pushDataType = push_type
    out.timestamp = t.time.timestamp()
    out.recvTime = t.time.timestamp()


def fill_order_book(s2c: Any, code: str, name: str, book: OrderBook, depth: int,
                    details: tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]] | None = None,
                    tz: Any = None) -> None:
    fill_security(s2c.security, code)
    s2c.name = name
    for levels, target, side in ((book.bids, s2c.orderBookBidList, 0), (book.asks, s2c.orderBookAskList, 1)):
        for k, level in enumerate(levels[:depth]):
            row = target.add(price=level.price, volume=int(level.volume), orederCount=level.order_count)
            if details is not None and k < len(details[side]):
                for order_id, volume in details[side][k]:
                    row.detailList.add(orderID=order_id, volume=volume)
    stamp = book.time.astimezone(tz) if tz is not None else book.time  # exchange local time
    s2c.svrRecvTimeBid = _fmt_ms(stamp)
    s2c.svrRecvTimeBidTimestamp = stamp.timestamp()
    s2c.svrRecvTimeAsk = _fmt_ms(stamp)
    s2c.svrRecvTimeAskTimestamp = stamp.timestamp()
    s2c.orderBookType = ORDER_BOOK_ODD if book.odd_lot else ORDER_BOOK_NORMAL


def fill_broker_queue(s2c: Any, code: str, name: str, queue: BrokerQueue) -> None:
    fill_security(s2c.security, code)
    s2c.name = name
    for entries, target in ((queue.bids, s2c.brokerBidList), (queue.asks, s2c.brokerAskList)):
        for e in entries:
            target.add(id=e.broker_id, name=e.broker_name, pos=e.position)


# --------------------------------------------------------------------------- throttle


@dataclass(slots=True)
class _Held:
    """Pushes of one (code, SubType) waiting for the push-frequency period."""

    due: float
    ticks: list[Tick] = field(default_factory=list)
    latest: Any = None


# --------------------------------------------------------------------------- hub


class PushHub:
    """Subscriptions -> market feed -> pushes, for one gateway."""

    def __init__(self, gateway: "Gateway", monotonic: Callable[[], float] = time.monotonic) -> None:
        self.gateway = gateway
        self.services = gateway.services
        self.monotonic = monotonic
        self.interval = DRIVER_INTERVAL
        self._feed: MarketFeed | None = None
        self._task: asyncio.Task[None] | None = None
        self._interest_version = -1
        self._interests: dict[str, Interest] = {}
        self._last_sent: dict[SubKey, float] = {}
        self._held: dict[SubKey, _Held] = {}
        self._watch: ReminderWatch | None = None
        self._names: dict[str, tuple[str, dt.date | None]] = {}
        self._snapshots: Any = None
        self._depths: dict[str, int] = {}
        self._reminders_checked = float("-inf")
        self.pushes_sent = 0
        self.items_pushed = 0
        # where step time goes: market computation vs encoding and writing
        self.feed_seconds = 0.0
        self.fanout_seconds = 0.0

    # -- lifecycle -------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self._step_async()
            except Exception:  # a feed bug must not stop pushes for good
                log.exception("push step failed")

    @property
    def feed(self) -> MarketFeed:
        if self._feed is None:
            self._feed = MarketFeed(self.services.market)
        return self._feed

    @property
    def market(self) -> Any:
        return self.services.market

    def now(self) -> dt.datetime:
        return self.services.clock.now()

    def name_of(self, code: str) -> tuple[str, dt.date | None]:
        hit = self._names.get(code)
        if hit is None:
            inst = self.instrument(code)
            hit = self._names[code] = (inst.name, getattr(inst, "listing_date", None))
        return hit

    def timezone(self, code: str) -> Any:
        try:
            return self.feed.prices.timezone(code)
        except (KeyError, ValueError):
            return None

    def quote_message(self, code: str, q: Quote, at: dt.datetime | None = None) -> Qot_Common_pb2.BasicQot:
        """BasicQot of ``code``, with the option/future/warrant block for derivatives."""
        name, listing = self.name_of(code)
        msg = basic_qot(code, name, listing, q)
        inst = self.instrument(code)
        if int(inst.sec_type) in _DERIVATIVE_TYPES:
            self._fill_derivative(msg, code, at or self.now())
        return msg

    def _fill_derivative(self, msg: Qot_Common_pb2.BasicQot, code: str, at: dt.datetime) -> None:
        try:
            if self._snapshots is None:
                from openfutu.market.snapshot import SnapshotSource

                self._snapshots = SnapshotSource(self.market)
            snap = self._snapshots.snapshot(code, at)
        except Exception:  # the block is optional: the quote itself stands
            log.debug("no derivative block for %s", code, exc_info=True)
            return
        msg.secStatus = int(snap.sec_status)
        if snap.option is not None:
            o = snap.option
            ex = msg.optionExData
            ex.strikePrice = o.strike_price
            ex.contractSize = int(o.contract_size)
            ex.contractSizeFloat = o.contract_size
            ex.openInterest = int(o.open_interest)
            ex.impliedVolatility = o.implied_volatility
            ex.premium = o.premium
            ex.delta, ex.gamma, ex.vega, ex.theta, ex.rho = o.delta, o.gamma, o.vega, o.theta, o.rho
            ex.netOpenInterest = int(o.net_open_interest)
            ex.expiryDateDistance = int(o.expiry_date_distance)
            ex.contractNominalValue = o.contract_nominal_value
            ex.ownerLotMultiplier = o.owner_lot_multiplier
            ex.optionAreaType = int(o.area_type)
            ex.contractMultiplier = o.contract_multiplier
            ex.indexOptionType = int(o.index_option_type)
        if snap.future is not None:
            f = snap.future
            msg.futureExData.lastSettlePrice = f.last_settle_price
            msg.futureExData.position = int(f.position)
            msg.futureExData.positionChange = int(f.position_change)
            if f.last_trade_date is not None:
                msg.futureExData.expiryDateDistance = (f.last_trade_date - at.date()).days
        if snap.warrant is not None:
            w = snap.warrant
            msg.warrantExData.delta = w.delta
            msg.warrantExData.impliedVolatility = w.implied_volatility
            msg.warrantExData.premium = w.premium

    def book_depth(self, code: str) -> int:
        """Levels a side the simulated account sees (docs L12181-L12204 with
        our quote rights: HK LV2 10, US stocks LV2 60, US options 1, US
        futures 40, A-shares LV1 5)."""
        hit = self._depths.get(code)
        if hit is None:
            prefix = code.partition(".")[0]
            sec_type = int(self.instrument(code).sec_type)
            if prefix == "US":
                hit = 1 if sec_type == 8 else 40 if sec_type == 10 else 60
            elif prefix in ("SH", "SZ"):
                hit = 5
            else:
                hit = 10
            self._depths[code] = hit
        return hit

    def instrument(self, code: str) -> Any:
        """The instrument of ``code``; KeyError (UnknownSecurity) if none."""
        market = self.market
        if hasattr(market, "instrument"):
            inst = market.instrument(code)
        else:
            inst = market.prices.instrument(code)
        if inst is None:
            raise KeyError(code)
        return inst

    # -- one step ----------------------------------------------------------
    def step(self, at: dt.datetime | None = None) -> int:
        """Advance the feed to ``at`` (default: the clock) and push what
        changed; returns the number of push messages sent."""
        at = at or self.now()
        sent_before = self.pushes_sent
        for chunk in self._plan(at):
            self._run_chunk(chunk, at)
        self._finish(at)
        return self.pushes_sent - sent_before

    async def _step_async(self) -> None:
        """One step that lets requests in between slices of securities, so
        a big step never holds other connections up for its whole length."""
        at = self.now()
        for chunk in self._plan(at):
            self._run_chunk(chunk, at)
            await asyncio.sleep(0)
        self._finish(at)

    def _plan(self, at: dt.datetime) -> list[dict[str, Interest]]:
        book = self.services.subscriptions
        if book.expire(at.timestamp()):
            self._interest_version = -1
        if not book.used:
            return []
        interests = self._current_interests()
        items = list(interests.items())
        return [dict(items[i:i + STEP_SLICE]) for i in range(0, len(items), STEP_SLICE)]

    def _corked(self) -> "_Cork":
        return _Cork(list(self.gateway.sessions.values()))

    def _run_chunk(self, chunk: dict[str, Interest], at: dt.datetime) -> None:
        with self._corked():
            t0 = time.perf_counter()
            updates = self.feed.step(chunk, at)
            t1 = time.perf_counter()
            for update in updates:
                self._fan_out(update)
            self.feed_seconds += t1 - t0
            self.fanout_seconds += time.perf_counter() - t1

    def _finish(self, at: dt.datetime) -> None:
        with self._corked():
            self._flush_held()
            now = self.monotonic()
            if now - self._reminders_checked >= REMINDER_CHECK_INTERVAL:
                self._reminders_checked = now
                self._check_reminders(at)

    def _current_interests(self) -> dict[str, Interest]:
        book = self.services.subscriptions
        if book.version == self._interest_version:
            return self._interests
        merged: dict[str, Interest] = {}
        for (code, subtype), holdings in book.pushing_holdings().items():
            want = _interest_for(subtype, holdings)
            if want is None:
                continue
            if want.order_book or want.odd_book:
                want = Interest(order_book=want.order_book, odd_book=want.odd_book,
                                book_depth=self.book_depth(code))
            have = merged.get(code)
            merged[code] = want if have is None else have.merge(want)
        self._interests = merged
        self._interest_version = book.version
        if self._feed is not None:
            self._feed.forget([c for c in self._feed.tracked() if c not in merged])
        return merged

    def _forget_unwatched(self) -> None:
        self._interest_version = -1

    def subscriptions_changed(self) -> None:
        self._interest_version = -1

    # -- fan-out -----------------------------------------------------------
    def _sessions(self, key: SubKey, rehab: int | None = None) -> list["ClientSession"]:
        book = self.services.subscriptions
        sessions = self.gateway.sessions
        out = []
        for conn_id in book.push_targets(key):
            if rehab is not None:
                holding = book.holding(conn_id, key)
                if holding is None or rehab not in (holding.rehab_types or (int(AuType.QFQ),)):
                    continue
            session = sessions.get(conn_id)
            if session is not None:
                out.append(session)
        return out

    def _fan_out(self, u: SecurityUpdate) -> None:
        code = u.code
        if u.quote is not None:
            self._offer((code, SUB_QUOTE), latest=u.quote)
        if u.ticks:
            self._offer((code, SUB_TICKER), ticks=u.ticks)
        if u.order_book is not None:
            self._offer((code, SUB_ORDER_BOOK), latest=u.order_book)
        if u.odd_order_book is not None:
            self._offer((code, SUB_ORDER_BOOK_ODD), latest=u.odd_order_book)
        if u.broker_queue is not None:
            self._offer((code, SUB_BROKER), latest=u.broker_queue)
        if u.time_share:
            self.send_time_share(code, u.time_share, self._sessions((code, SUB_RT)))
        for (kl_type, au_type), bars in u.bars.items():
            subtype = SUBTYPE_OF_KLTYPE[kl_type]
            targets = self._sessions((code, subtype), rehab=int(au_type))
            self.send_bars(code, kl_type, au_type, bars, targets)

    def _offer(self, key: SubKey, latest: Any = None, ticks: Sequence[Tick] = ()) -> None:
        """Send now, or hold until the push-frequency period has passed."""
        period = self.gateway.config.qot_push_frequency
        if period:
            now = self.monotonic()
            held = self._held.get(key)
            last = self._last_sent.get(key)
            if held is not None or (last is not None and now - last < period / 1000.0):
                if held is None:
                    held = self._held[key] = _Held(due=(last or now) + period / 1000.0)
                if ticks:
                    held.ticks.extend(ticks)
                if latest is not None:
                    held.latest = latest  # an older value is superseded
                return
            self._last_sent[key] = now
        self._send(key, latest, list(ticks))

    def _flush_held(self) -> None:
        if not self._held:
            return
        now = self.monotonic()
        for key, held in list(self._held.items()):
            if held.due <= now:
                del self._held[key]
                self._last_sent[key] = now
                self._send(key, held.latest, held.ticks)

    def _send(self, key: SubKey, latest: Any, ticks: list[Tick]) -> None:
        code, subtype = key
        targets = self._sessions(key)
        if not targets:
            return
        if subtype == SUB_QUOTE and latest is not None:
            self.send_quotes([(code, latest)], targets)
        elif subtype == SUB_TICKER and ticks:
            self.send_ticks(code, ticks, targets)
        elif subtype in (SUB_ORDER_BOOK, SUB_ORDER_BOOK_ODD) and latest is not None:
            self.send_order_book(code, latest, targets)
        elif subtype == SUB_BROKER and latest is not None:
            self.send_broker_queue(code, latest, targets)

    # -- message builders (also used for first pushes) ---------------------
    def _push(self, proto_id: int, s2c: Any, targets: Iterable["ClientSession"],
              coalesce: Any = None, items: int = 1) -> None:
        targets = list(targets)
        if not targets:
            return
        self.gateway.push(proto_id, s2c, targets, coalesce_key=coalesce)
        self.pushes_sent += 1
        self.items_pushed += items

    def send_quotes(self, quotes: Sequence[tuple[str, Quote]], targets: Iterable["ClientSession"]) -> None:
        s2c = Qot_UpdateBasicQot_pb2.S2C()
        for code, q in quotes:
            s2c.basicQotList.append(self.quote_message(code, q))
        key = (PUSH_BASIC_QOT, quotes[0][0]) if len(quotes) == 1 else None
        self._push(PUSH_BASIC_QOT, s2c, targets, coalesce=key, items=len(quotes))

    def send_ticks(self, code: str, ticks: Sequence[Tick], targets: Iterable["ClientSession"],
                   push_type: int = PUSH_DATA_REALTIME) -> None:
        s2c = Qot_UpdateTicker_pb2.S2C()
        fill_security(s2c.security, code)
        s2c.name = self.name_of(code)[0]
        for t in ticks:
            ticker_pb(t, s2c.tickerList.add(), push_type)
        self._push(PUSH_TICKER, s2c, targets, items=len(ticks))

    def send_order_book(self, code: str, book: OrderBook, targets: Iterable["ClientSession"]) -> None:
        targets = list(targets)
        plain = [s for s in targets if book.odd_lot or not self._detailed(s, code)]
        detailed = [s for s in targets if s not in plain]
        name = self.name_of(code)[0]
        for group, with_details in ((plain, False), (detailed, True)):
            if not group:
                continue
            s2c = Qot_UpdateOrderBook_pb2.S2C()
            details = order_details(self.feed.prices.seed, book) if with_details else None
            fill_order_book(s2c, code, name, book, len(book.bids) + len(book.asks), details,
                            self.timezone(code))
            self._push(PUSH_ORDER_BOOK, s2c, group,
                       coalesce=(PUSH_ORDER_BOOK, code, book.odd_lot, with_details))

    def _detailed(self, session: "ClientSession", code: str) -> bool:
        holding = self.services.subscriptions.holding(session.conn_id, (code, SUB_ORDER_BOOK))
        return bool(holding and holding.detailed_order_book)

    def send_broker_queue(self, code: str, queue: BrokerQueue, targets: Iterable["ClientSession"]) -> None:
        s2c = Qot_UpdateBroker_pb2.S2C()
        fill_broker_queue(s2c, code, self.name_of(code)[0], queue)
        self._push(PUSH_BROKER, s2c, targets, coalesce=(PUSH_BROKER, code))

    def send_time_share(self, code: str, points: Sequence[TimeSharePoint],
                        targets: Iterable["ClientSession"]) -> None:
        s2c = Qot_UpdateRT_pb2.S2C()
        fill_security(s2c.security, code)
        s2c.name = self.name_of(code)[0]
        for p in points:
            time_share_pb(p, s2c.rtList.add())
        self._push(PUSH_RT, s2c, targets, items=len(points))

    def send_bars(self, code: str, kl_type: KLType, au_type: AuType, bars: Sequence[KLine],
                  targets: Iterable["ClientSession"]) -> None:
        s2c = Qot_UpdateKL_pb2.S2C(rehabType=int(au_type), klType=int(kl_type))
        fill_security(s2c.security, code)
        s2c.name = self.name_of(code)[0]
        for bar in bars:
            kline_pb(bar, s2c.klList.add())
        self._push(PUSH_KL, s2c, targets, items=len(bars))

    # -- first push --------------------------------------------------------
    def first_push(self, session: "ClientSession", keys: Sequence[SubKey],
                   rehab_types: Sequence[int] = (int(AuType.QFQ),)) -> None:
        """Send the current data of newly subscribed keys to one connection
        (is_first_push, docs: spec quote-apis §4.1)."""
        if session.closed or not keys:
            return
        at = self.now()
        feed = self.feed
        holding_of = self.services.subscriptions.holding
        quotes = []
        for code, subtype in keys:
            holding = holding_of(session.conn_id, (code, subtype))
            extended = holding_extended(holding)
            if subtype == SUB_QUOTE:
                q = feed.quote(code, at)
                if q is not None:
                    quotes.append((code, q))
            elif subtype == SUB_TICKER:
                ticks = feed.last_ticks(code, at, FIRST_PUSH_TICKS)
                if ticks:
                    self.send_ticks(code, ticks, [session], PUSH_DATA_CACHE)
            elif subtype in (SUB_ORDER_BOOK, SUB_ORDER_BOOK_ODD):
                odd = subtype == SUB_ORDER_BOOK_ODD
                depth = self.book_depth(code)
                book = feed.odd_lot_book(code, at, depth) if odd else feed.order_book(code, at, depth)
                if book is not None:
                    self.send_order_book(code, book, [session])
            elif subtype == SUB_BROKER:
                queue = feed.broker_queue(code, at)
                if queue is not None:
                    self.send_broker_queue(code, queue, [session])
            elif subtype == SUB_RT:
                points = feed.time_share(code, at, extended)
                if points:
                    self.send_time_share(code, points, [session])
            elif subtype in KLINE_SUBTYPES:
                rehabs = (holding.rehab_types if holding and holding.rehab_types else tuple(rehab_types))
                for rehab in rehabs:
                    bars = feed.bars(code, at, KLINE_SUBTYPES[subtype], 1, AuType(rehab), extended)
                    if bars:
                        self.send_bars(code, KLINE_SUBTYPES[subtype], AuType(rehab), bars, [session])
        if quotes:
            self.send_quotes(quotes, [session])

    # -- price reminders ---------------------------------------------------
    def _check_reminders(self, at: dt.datetime) -> None:
        if not self.gateway.config.price_reminder_push:
            return
        # only when the user-data store is open: a gateway nobody asked for
        # reminders must not create one
        store = _built_component(self.services, "userdata")
        if store is None:
            return
        rules = [ReminderRule(r.key, r.code, r.reminder_type, r.value, r.freq, r.note)
                 for r in store.reminders() if r.enabled]
        if not rules and self._watch is None:
            return
        if self._watch is None:
            self._watch = ReminderWatch(self.feed)
        for hit in self._watch.check(rules, at):
            self._send_reminder(hit)
            if hit.rule.freq == 3:  # ONLY_ONCE: a fired reminder switches itself off
                try:
                    store.set_reminder(hit.rule.code, 4, hit.rule.key, None, hit.rule.key)
                except Exception:  # the store refuses: keep it, it is edge-triggered anyway
                    log.exception("could not disable fired reminder %s", hit.rule.key)

    def _send_reminder(self, hit: ReminderHit) -> None:
        rule, q = hit.rule, hit.quote
        try:
            name = self.name_of(rule.code)[0]
        except KeyError:
            name = ""
        s2c = Qot_UpdatePriceReminder_pb2.S2C(
            name=name,
            price=q.last_price,
            changeRate=q.change_rate,
            marketStatus=_reminder_market_status(q),
            content=_reminder_content(rule, hit.current_value),
            note=rule.note,
            key=rule.key,
            type=rule.reminder_type,
            setValue=rule.value,
            curValue=hit.current_value,
        )
        fill_security(s2c.security, rule.code)
        targets = [s for s in self.gateway.sessions.values() if s.initialized and not s.closed]
        self._push(PUSH_PRICE_REMINDER, s2c, targets)


def holding_extended(holding: Any) -> bool:
    """Whether a subscription wants US pre/after-hours and overnight data."""
    return bool(holding and (holding.extended_time or holding.session in EXTENDED_SESSIONS))


class _Cork:
    """Pushes of a step go out in one socket write per connection."""

    def __init__(self, sessions: list["ClientSession"]) -> None:
        self.sessions = sessions

    def __enter__(self) -> None:
        for session in self.sessions:
            session.cork()

    def __exit__(self, *exc: object) -> None:
        for session in self.sessions:
            session.uncork()


def _built_component(services: Any, name: str) -> Any:
    components = getattr(services, "_components", {})
    return components.get(name)


_REMINDER_WORDS = {
    1: "price rose to", 2: "price fell to", 3: "day change rose above", 4: "day fall exceeded",
    5: "5-minute rise exceeded", 6: "5-minute fall exceeded", 7: "volume exceeded",
    8: "turnover exceeded", 9: "turnover rate exceeded", 10: "bid price rose above",
    11: "ask price fell below", 12: "bid volume exceeded", 13: "ask volume exceeded",
    14: "3-minute rise exceeded", 15: "3-minute fall exceeded",
}


def _reminder_content(rule: ReminderRule, current: float) -> str:
    words = _REMINDER_WORDS.get(rule.reminder_type, "reminder")
    return f"{rule.code} {words} {rule.value:g} (now {current:.3f})"


def _reminder_market_status(q: Quote) -> int:
    # Qot_Common.PriceReminderMarketStatus: Open 1, USPre 2, USAfter 3, USOverNight 4
    return 1


def _interest_for(subtype: int, holdings: Sequence[Any]) -> Interest | None:
    # US extended hours: extended_time, or a session beyond regular hours
    extended = any(h.extended_time or h.session in EXTENDED_SESSIONS for h in holdings)
    if subtype == SUB_QUOTE:
        return Interest(quote=True)
    if subtype == SUB_TICKER:
        return Interest(ticker=True, extended=extended)
    if subtype == SUB_ORDER_BOOK:
        return Interest(order_book=True)
    if subtype == SUB_ORDER_BOOK_ODD:
        return Interest(odd_book=True)
    if subtype == SUB_BROKER:
        return Interest(broker=True)
    if subtype == SUB_RT:
        return Interest(time_share=True, extended=extended)
    kl = KLINE_SUBTYPES.get(subtype)
    if kl is not None:
        rehabs = {r for h in holdings for r in (h.rehab_types or (int(AuType.QFQ),))}
        return Interest(klines=frozenset((kl, AuType(r)) for r in rehabs), extended=extended)
    return None


def market_prefix_ok(code: str) -> bool:
    prefix = code.partition(".")[0]
    return prefix in MARKET_BY_PREFIX
