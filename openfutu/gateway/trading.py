"""The gateway's trading desk: the simulated broker wired to the simulated
market, the server clock and the connections.

* ``SimulatedMarketView`` adapts ``openfutu.market.simulated.SimulatedMarket``
  to the broker's ``MarketView`` protocol (instruments, book, trade prints,
  session phase).
* ``TradingDesk`` owns the ``Broker`` of one gateway (ledger in the data
  directory), the per-connection account subscriptions of Trd_SubAccPush,
  the replay guard of write requests (PacketID), and the loop that advances
  orders with the market clock and pushes Trd_UpdateOrder (2208) /
  Trd_UpdateOrderFill (2218).

The broker commits its ledger inside every state-changing call, so by the
time an event reaches ``publish`` (or a response is built) it is durable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from openfutu.broker import (
    AccountSpec,
    BookLevel,
    BookView,
    Broker,
    BrokerConfig,
    InstrumentInfo,
    InstrumentKind,
    Ledger,
    MarketTrade,
    SessionPhase,
    default_account_specs,
)
from openfutu.broker.enums import Currency, TrdSecMarket
from openfutu.broker.model import BrokerEvent, FillOccurred, OrderUpdated
from openfutu.market.model import MarketState, QotMarket, SecurityType

if TYPE_CHECKING:  # pragma: no cover
    from .server import Gateway
    from .services import Services
    from .session import ClientSession

log = logging.getLogger("openfutu.gateway.trading")

PROTO_UPDATE_ORDER = 2208  # Trd_UpdateOrder push
PROTO_UPDATE_ORDER_FILL = 2218  # Trd_UpdateOrderFill push

# How often (real seconds) the desk moves open orders forward when nothing
# else does; requests that change orders also step at once.
DRIVE_INTERVAL = 0.2
# Book depth the matching engine may walk.
BOOK_DEPTH = 10
# Trade prints the market view keeps per code, and how far back it reads.
MAX_PRINTS_KEPT = 50_000
MAX_PRINT_LOOKBACK = dt.timedelta(days=1)
# Write requests remembered for replay protection, per gateway.
PACKET_MEMORY = 20_000

_SEC_MARKET_OF_QOT = {
    QotMarket.HK_SECURITY: TrdSecMarket.HK,
    QotMarket.HK_FUTURE: TrdSecMarket.HK,
    QotMarket.US_SECURITY: TrdSecMarket.US,
    QotMarket.CNSH_SECURITY: TrdSecMarket.CN_SH,
    QotMarket.CNSZ_SECURITY: TrdSecMarket.CN_SZ,
    QotMarket.SG_SECURITY: TrdSecMarket.SG,
    QotMarket.JP_SECURITY: TrdSecMarket.JP,
    QotMarket.AU_SECURITY: TrdSecMarket.AU,
    QotMarket.MY_SECURITY: TrdSecMarket.MY,
    QotMarket.CA_SECURITY: TrdSecMarket.CA,
}
_ZONE_OF_PREFIX = {
    "HK": "Asia/Hong_Kong",
    "US": "America/New_York",
    "SH": "Asia/Shanghai",
    "SZ": "Asia/Shanghai",
    "SG": "Asia/Singapore",
    "JP": "Asia/Tokyo",
    "AU": "Australia/Sydney",
    "MY": "Asia/Kuala_Lumpur",
    "CA": "America/Toronto",
}
_KIND_OF_TYPE = {
    SecurityType.EQTY: InstrumentKind.STOCK,
    SecurityType.TRUST: InstrumentKind.ETF,
    SecurityType.WARRANT: InstrumentKind.WARRANT,
    SecurityType.BWRT: InstrumentKind.WARRANT,
    SecurityType.DRVT: InstrumentKind.OPTION,
    SecurityType.FUTURE: InstrumentKind.FUTURE,
    SecurityType.BOND: InstrumentKind.BOND,
}
_CURRENCY_OF_ISO = {"CNY": Currency.CNH, "RMB": Currency.CNH}

# Market state -> trading phase of the broker.
_PHASE_OF_STATE: dict[MarketState, SessionPhase] = {
    MarketState.AUCTION: SessionPhase.OPENING_AUCTION,
    MarketState.MORNING: SessionPhase.CONTINUOUS,
    MarketState.AFTERNOON: SessionPhase.CONTINUOUS,
    MarketState.REST: SessionPhase.BREAK,
    MarketState.CLOSE_AUCTION: SessionPhase.CLOSING_AUCTION,
    MarketState.HK_CAS: SessionPhase.CLOSING_AUCTION,
    MarketState.PRE_MARKET_BEGIN: SessionPhase.PRE_MARKET,
    MarketState.AFTER_HOURS_BEGIN: SessionPhase.AFTER_HOURS,
    MarketState.OVERNIGHT: SessionPhase.OVERNIGHT,
    MarketState.OVERNIGHT_BEGIN: SessionPhase.OVERNIGHT,
    MarketState.FUTURE_DAY_OPEN: SessionPhase.CONTINUOUS,
    MarketState.FUTURE_OPEN: SessionPhase.CONTINUOUS,
    MarketState.FUTURE_BREAK_OVER: SessionPhase.CONTINUOUS,
    MarketState.FUTURE_AFTERNOON: SessionPhase.CONTINUOUS,
    MarketState.NIGHT_OPEN: SessionPhase.CONTINUOUS,
    MarketState.NIGHT: SessionPhase.CONTINUOUS,
    MarketState.FUTURE_DAY_BREAK: SessionPhase.BREAK,
    MarketState.FUTURE_BREAK: SessionPhase.BREAK,
}


def phase_of_state(state: MarketState | int) -> SessionPhase:
    """The broker's trading phase for a quote-side market state."""
    try:
        return _PHASE_OF_STATE.get(MarketState(int(state)), SessionPhase.CLOSED)
    except ValueError:
        return SessionPhase.CLOSED


def _currency(iso: str) -> Currency:
    iso = (iso or "").upper()
    if iso in _CURRENCY_OF_ISO:
        return _CURRENCY_OF_ISO[iso]
    return Currency.__members__.get(iso, Currency.NONE)


class SimulatedMarketView:
    """``MarketView`` over the simulated market.

    Trade prints are numbered per code from the first time the broker asks
    about that code in this process: the synthetic market can list the
    prints of any interval but has no global count, so the view keeps a
    small window of prints it has read and a running index.  Cursors are
    therefore only meaningful within one process; the broker re-bases the
    cursors of working orders when it is restored after a restart.
    """

    def __init__(self, market: Any, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._market = market
        self._clock = clock or market.now
        # code -> (index of buffer[0], buffer, time read up to)
        self._prints: dict[str, tuple[int, list[MarketTrade], dt.datetime]] = {}
        self._info_cache: dict[tuple[str, dt.date], InstrumentInfo | None] = {}

    # -- MarketView ------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._clock()

    def instrument(self, code: str) -> InstrumentInfo | None:
        now = self.now()
        key = (code, now.date())
        if key not in self._info_cache:
            self._info_cache[key] = self._build_info(code, now)
        return self._info_cache[key]

    def book(self, code: str) -> BookView:
        try:
            book = self._market.order_book(code, self.now(), BOOK_DEPTH)
        except Exception:  # no book (index, suspended, unknown): nothing to take
            log.debug("no order book for %s", code, exc_info=True)
            return BookView((), ())
        return BookView(
            tuple(BookLevel(lv.price, float(lv.volume)) for lv in book.bids),
            tuple(BookLevel(lv.price, float(lv.volume)) for lv in book.asks),
        )

    def last_price(self, code: str) -> float | None:
        try:
            quote = self._market.quote(code, self.now())
        except Exception:
            log.debug("no quote for %s", code, exc_info=True)
            return None
        price = getattr(quote, "last_price", None)
        return float(price) if price else None

    def trade_cursor(self, code: str) -> int:
        self._read_prints(code)
        base, buffer, _ = self._prints[code]
        return base + len(buffer)

    def trades_since(self, code: str, cursor: int) -> tuple[Sequence[MarketTrade], int]:
        self._read_prints(code)
        base, buffer, upto = self._prints[code]
        start = max(cursor - base, 0)
        out = buffer[start:]
        end = base + len(buffer)
        # prints before the lowest cursor asked for are not needed again
        if start > 0:
            self._prints[code] = (base + start, buffer[start:], upto)
        return list(out), end if cursor <= end else cursor

    def session_phase(self, code: str, at: dt.datetime) -> SessionPhase:
        state_at = getattr(self._market, "market_state", None)
        if state_at is not None:
            try:
                return phase_of_state(state_at(code, at))
            except Exception:
                log.debug("no market state for %s", code, exc_info=True)
        from .services import first_session_state

        prefix = code.partition(".")[0]
        info = self.instrument(code)
        key = "HK_FUTURE" if info is not None and info.kind == InstrumentKind.FUTURE and prefix == "HK" else prefix
        try:
            return phase_of_state(first_session_state(key, at))
        except KeyError:
            return SessionPhase.CLOSED

    # -- internals ---------------------------------------------------------
    def _read_prints(self, code: str) -> None:
        now = self.now()
        if code not in self._prints:
            self._prints[code] = (0, [], now)
            return
        base, buffer, upto = self._prints[code]
        if now <= upto:
            return
        # after a long jump of the clock only the last day's prints matter
        start = max(upto + dt.timedelta(microseconds=1), now - MAX_PRINT_LOOKBACK)
        ticks = self._ticks_between(code, start, now)
        buffer = buffer + [
            MarketTrade(float(t.price), float(t.volume), t.time, auction=int(getattr(t, "type", 0)) == 7)
            for t in ticks
        ]
        if len(buffer) > MAX_PRINTS_KEPT:
            drop = len(buffer) - MAX_PRINTS_KEPT
            base, buffer = base + drop, buffer[drop:]
        self._prints[code] = (base, buffer, now)

    def _ticks_between(self, code: str, start: dt.datetime, end: dt.datetime) -> list[Any]:
        prices = getattr(self._market, "prices", None)
        source = getattr(prices, "ticks_between", None) or getattr(self._market, "ticks_between", None)
        if source is None:
            return []
        try:
            return list(source(code, start, end))
        except Exception:
            log.debug("no prints for %s", code, exc_info=True)
            return []

    def _build_info(self, code: str, now: dt.datetime) -> InstrumentInfo | None:
        try:
            inst = self._market.instrument(code)
        except Exception:  # universe.UnknownSecurity and friends
            return None
        if inst is None:
            return None
        sec_type = SecurityType(int(getattr(inst, "sec_type", 0)))
        kind = _KIND_OF_TYPE.get(sec_type, InstrumentKind.INDEX)
        security = getattr(inst, "security", None)
        market = QotMarket(int(security.market)) if security is not None else QotMarket.UNKNOWN
        prefix = code.partition(".")[0].upper()
        terms = getattr(inst, "terms", None)
        multiplier = 1.0
        if terms is not None:
            multiplier = float(getattr(terms, "multiplier", None) or getattr(terms, "contract_size", None) or 1.0)
        elif kind.is_derivative:
            multiplier = float(getattr(inst, "lot_size", 1) or 1)
        prev_close = limit_up = limit_down = None
        suspended = bool(getattr(inst, "delisted", False))
        try:
            quote = self._market.quote(code, now)
            prev_close = float(quote.prev_close_price) or None
            limit_up, limit_down = quote.limit_up, quote.limit_down
            suspended = suspended or bool(getattr(quote, "is_suspended", False))
        except Exception:
            log.debug("no quote for %s", code, exc_info=True)
        return InstrumentInfo(
            code=code,
            name=str(getattr(inst, "name", code)),
            sec_market=_SEC_MARKET_OF_QOT.get(market, TrdSecMarket.NONE),
            kind=kind,
            # options and futures are ordered in contracts (SDK proto); their
            # quote-side lot size is the contract size, already in the multiplier
            lot_size=1 if kind.is_derivative else max(int(getattr(inst, "lot_size", 1) or 1), 1),
            currency=_currency(str(getattr(inst, "currency", ""))),
            timezone=_ZONE_OF_PREFIX.get(prefix, "UTC"),
            multiplier=multiplier,
            tick_size=_tick_rule(inst),
            prev_close=prev_close,
            limit_up=limit_up,
            limit_down=limit_down,
            suspended=suspended,
        )


def _tick_rule(inst: Any) -> Callable[[float], float] | None:
    """The market's own tick table for ``inst``, so that the broker and the
    quotes agree on the price grid."""
    try:
        from openfutu.market import rules as market_rules

        tick_size = market_rules.tick_size
    except (ImportError, AttributeError):
        try:
            from openfutu.market.prices import TickRules

            tick_size = TickRules().tick_size
        except ImportError:  # pragma: no cover
            return None
    return lambda price: float(tick_size(inst, price))


# ----------------------------------------------------------------- the desk


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What a write request answered, replayed for a repeated PacketID."""

    response: Any | None = None  # the S2C message
    error: str | None = None


class TradingDesk:
    """Broker + subscriptions + replay guard + market driver of one gateway."""

    def __init__(self, broker: Broker, future_time_zone: dt.tzinfo | None = None) -> None:
        self.broker = broker
        self.future_time_zone = future_time_zone or dt.timezone(dt.timedelta(hours=8))
        self._subscribers: dict[int, tuple["ClientSession", frozenset[int]]] = {}
        self._written: OrderedDict[tuple[int, int], WriteOutcome] = OrderedDict()
        self._gateway: "Gateway | None" = None
        self._driver: asyncio.Task[None] | None = None

    # -- subscriptions (Trd_SubAccPush) -----------------------------------
    def subscribe(self, session: "ClientSession", acc_ids: Iterable[int]) -> None:
        """Replace the accounts whose pushes ``session`` receives."""
        ids = frozenset(int(a) for a in acc_ids)
        if ids:
            self._subscribers[id(session)] = (session, ids)
        else:
            self._subscribers.pop(id(session), None)

    def subscribed(self, session: "ClientSession") -> frozenset[int]:
        entry = self._subscribers.get(id(session))
        return entry[1] if entry else frozenset()

    def sessions_for(self, acc_id: int) -> list["ClientSession"]:
        out = []
        for key, (session, ids) in list(self._subscribers.items()):
            if session.closed:
                del self._subscribers[key]
                continue
            if acc_id in ids:
                out.append(session)
        return out

    # -- replay guard ----------------------------------------------------
    def replayed(self, packet: tuple[int, int]) -> WriteOutcome | None:
        """The outcome of an earlier write with this PacketID, if any."""
        return self._written.get(packet)

    def remember(self, packet: tuple[int, int], outcome: WriteOutcome) -> None:
        self._written[packet] = outcome
        while len(self._written) > PACKET_MEMORY:
            self._written.popitem(last=False)

    # -- driving and pushing -------------------------------------------------
    def attach(self, gateway: "Gateway") -> None:
        """Push through ``gateway`` and start the market driver on the
        running event loop (called from a handler, i.e. on that loop)."""
        if self._gateway is None:
            self._gateway = gateway
        if self._driver is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._driver = loop.create_task(self._drive())

    def step(self) -> list[BrokerEvent]:
        """Advance open orders to now and push what happened."""
        events = self.broker.on_market()
        self.publish(events)
        return events

    def publish(self, events: Sequence[BrokerEvent]) -> None:
        if not events or self._gateway is None:
            return
        from .handlers.trade import fill_push, order_push

        for event in events:
            sessions = self.sessions_for(event.acc_id)
            if not sessions:
                continue
            if isinstance(event, OrderUpdated):
                self._gateway.push(PROTO_UPDATE_ORDER, order_push(self, event), sessions)
            elif isinstance(event, FillOccurred):
                self._gateway.push(PROTO_UPDATE_ORDER_FILL, fill_push(self, event), sessions)

    async def _drive(self) -> None:
        while True:
            await asyncio.sleep(DRIVE_INTERVAL)
            try:
                self.step()
            except Exception:  # one bad step must not stop trading
                log.exception("advancing orders failed")

    def close(self) -> None:
        if self._driver is not None:
            self._driver.cancel()
            self._driver = None
        self.broker.ledger.close()


# ----------------------------------------------------------------- building


def account_specs(initial_cash: dict[Currency, float]) -> tuple[AccountSpec, ...]:
    """The default simulated accounts, each opened with the configured cash
    of its base currency (openfutu_initial_cash)."""
    specs = []
    for spec in default_account_specs():
        amount = initial_cash.get(spec.base_currency)
        cash = {spec.base_currency: amount} if amount is not None else dict(spec.initial_cash)
        specs.append(replace(spec, initial_cash=cash))
    return tuple(specs)


def parse_utc_offset(text: str) -> dt.tzinfo:
    """``UTC+8`` / ``UTC-5`` / ``UTC`` as a fixed offset (future_trade_api_time_zone)."""
    text = (text or "UTC+8").strip().upper()
    hours = 0 if text == "UTC" else int(text[3:])
    return dt.timezone(dt.timedelta(hours=hours))


LEDGER_FILE = "broker.sqlite3"


def build_desk(services: "Services") -> TradingDesk:
    """The gateway's trading desk, built once (``services.component``)."""
    config = services.config
    view = services.component("trade_market_view", _build_market_view)
    ledger = Ledger.open(services.data_dir / LEDGER_FILE)
    broker_config = BrokerConfig(
        accounts=account_specs(config.openfutu_initial_cash),
        seed=str(config.openfutu_seed),
        mirror_real=True,  # REAL twins always exist; handlers hide them unless openfutu_serve_real_env
    )
    broker = Broker(view, ledger, broker_config)
    return TradingDesk(broker, parse_utc_offset(config.future_trade_api_time_zone))


def _build_market_view(services: "Services") -> SimulatedMarketView:
    return SimulatedMarketView(services.market, services.clock.now)


def desk_of(services: "Services") -> TradingDesk:
    return services.component("trading_desk", build_desk)


def local_zone(code: str) -> ZoneInfo:
    return ZoneInfo(_ZONE_OF_PREFIX.get(code.partition(".")[0].upper(), "UTC"))
