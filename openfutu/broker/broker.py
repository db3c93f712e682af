"""The simulated broker: accounts, order entry and validation, fills,
positions, cash, fees and queries, persisted in the ledger.

Every public method that changes state commits the ledger before it
returns.  Events (order changes, fills) queue up and are handed out by
``drain_events()`` / ``on_market()`` in the order they happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field, replace
from enum import IntEnum
from zoneinfo import ZoneInfo

from openfutu.broker.enums import (
    CashFlowDirection,
    CltRiskLevel,
    CltRiskStatus,
    Currency,
    ModifyOrderOp,
    OrderStatus,
    OrderType,
    SecurityFirm,
    Session,
    SimAccType,
    TimeInForce,
    TrailType,
    TrdAccStatus,
    TrdAccType,
    TrdCategory,
    TrdEnv,
    TrdMarket,
    TrdSecMarket,
    TrdSide,
)
from openfutu.broker.fees import FeeSchedule
from openfutu.broker.ledger import Ledger, LedgerBatch
from openfutu.broker.market_view import InstrumentInfo, InstrumentKind, MarketView, SessionPhase
from openfutu.broker.matching import (
    AUCTION_TYPES,
    MARKET_LIKE,
    MatchingConfig,
    MatchingEngine,
    round_lot_down,
    trading_date,
)
from openfutu.broker.model import (
    Account,
    BrokerEvent,
    CashFlow,
    CurrencyCash,
    Fill,
    FillOccurred,
    Funds,
    MarginRatio,
    MaxTradeQty,
    ModifyOrderRequest,
    Order,
    OrderFee,
    OrderFilter,
    OrderUpdated,
    PlaceOrderRequest,
    Position,
    PositionRow,
)
from openfutu.broker.rules import adjust_to_tick
from openfutu.broker.status import FINAL_STATUSES, MATCHABLE_STATUSES, OPEN_STATUSES, check_transition


class BrokerErrorCode(IntEnum):
    INVALID_PARAM = 1
    NO_ACCOUNT = 2
    ACCOUNT_DISABLED = 3
    UNKNOWN_SECURITY = 4
    NOT_PERMITTED = 5
    PRICE_TICK = 6
    PRICE_LIMIT = 7
    LOT_SIZE = 8
    INSUFFICIENT_POWER = 9
    INSUFFICIENT_POSITION = 10
    ORDER_NOT_FOUND = 11
    ORDER_STATE = 12
    MARKET_CLOSED = 13
    LOCKED = 14
    UNSUPPORTED = 15


class BrokerError(Exception):
    """A refused request: nothing was changed."""

    def __init__(self, code: BrokerErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --------------------------------------------------------------- config


@dataclass(frozen=True, slots=True)
class AccountSpec:
    label: str  # stable name, seeds the account ID
    category: TrdCategory
    acc_type: TrdAccType
    sim_acc_type: SimAccType
    trdmarket_auth: tuple[TrdMarket, ...]
    base_currency: Currency
    initial_cash: dict[Currency, float]
    trd_env: TrdEnv = TrdEnv.SIMULATE


def default_account_specs() -> tuple[AccountSpec, ...]:
    """Futu-like simulated accounts: securities STOCK/OPTION accounts per market
    (docs L12564-L12602) and one futures account per market (docs L12604-L12636)."""
    S, F = TrdCategory.SECURITY, TrdCategory.FUTURE
    C, M = TrdAccType.CASH, TrdAccType.MARGIN
    return (
        AccountSpec("HK-STOCK", S, C, SimAccType.STOCK, (TrdMarket.HK,), Currency.HKD, {Currency.HKD: 1_000_000.0}),
        AccountSpec("HK-OPTION", S, M, SimAccType.OPTION, (TrdMarket.HK,), Currency.HKD, {Currency.HKD: 1_000_000.0}),
        AccountSpec("HK-MARGIN", S, M, SimAccType.STOCK, (TrdMarket.HK,), Currency.HKD, {Currency.HKD: 1_000_000.0}),
        AccountSpec("US-STOCK", S, M, SimAccType.STOCK, (TrdMarket.US,), Currency.USD, {Currency.USD: 1_000_000.0}),
        AccountSpec("US-CASH", S, C, SimAccType.STOCK, (TrdMarket.US,), Currency.USD, {Currency.USD: 1_000_000.0}),
        AccountSpec("US-OPTION", S, M, SimAccType.OPTION, (TrdMarket.US,), Currency.USD, {Currency.USD: 1_000_000.0}),
        AccountSpec("CN-STOCK", S, C, SimAccType.STOCK, (TrdMarket.CN,), Currency.CNH, {Currency.CNH: 1_000_000.0}),
        AccountSpec("FUT-HK", F, M, SimAccType.FUTURES, (TrdMarket.FUTURES_SIMULATE_HK,), Currency.HKD,
                    {Currency.HKD: 1_000_000.0}),
        AccountSpec("FUT-US", F, M, SimAccType.FUTURES, (TrdMarket.FUTURES_SIMULATE_US,), Currency.USD,
                    {Currency.USD: 1_000_000.0}),
        AccountSpec("FUT-SG", F, M, SimAccType.FUTURES, (TrdMarket.FUTURES_SIMULATE_SG,), Currency.USD,
                    {Currency.USD: 1_000_000.0}),
        AccountSpec("FUT-JP", F, M, SimAccType.FUTURES, (TrdMarket.FUTURES_SIMULATE_JP,), Currency.JPY,
                    {Currency.JPY: 100_000_000.0}),
    )


@dataclass(frozen=True, slots=True)
class MarginTerms:
    """Margin ratios in percent (get_margin_ratio columns).  The docs' funds
    comments name 50 % for margin buying and 60 % for short selling."""

    im_long: float = 50.0
    im_short: float = 60.0
    alert_long: float = 45.0
    alert_short: float = 55.0
    mcm_long: float = 40.0
    mcm_short: float = 50.0
    mm_long: float = 35.0
    mm_short: float = 45.0
    short_fee_rate: float = 0.89  # percent per year; docs example value
    futures_im: float = 10.0  # futures initial margin, percent of notional
    futures_mm: float = 8.0


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    accounts: tuple[AccountSpec, ...] = field(default_factory=default_account_specs)
    seed: str = "openfutu"
    #: also list each account as a REAL twin (for strategies that insist on REAL)
    mirror_real: bool = False
    security_firm: SecurityFirm = SecurityFirm.FUTUSECURITIES
    #: lowercase hex MD5 of the trade password that unlocks REAL accounts
    trade_password_md5: str = hashlib.md5(b"123456").hexdigest()
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    margin: MarginTerms = field(default_factory=MarginTerms)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    #: value of one unit of each currency in HKD, for converting totals
    fx_to_hkd: dict[Currency, float] = field(
        default_factory=lambda: {
            Currency.HKD: 1.0, Currency.USD: 7.8, Currency.CNH: 1.08, Currency.JPY: 0.052,
            Currency.SGD: 5.8, Currency.AUD: 5.1, Currency.CAD: 5.7, Currency.MYR: 1.7, Currency.NZD: 4.7,
        }
    )
    #: buying-power coefficient for market orders (docs L12909-L12916)
    market_order_buffer: float = 0.05
    #: enforce Futu paper-trading restrictions (docs L12507-L12535) instead of real-broker rules
    futu_paper_rules: bool = False
    order_id_start: int = 1_000_001


# ------------------------------------------------------------ constants

_SEC_TO_MARKET = {
    TrdSecMarket.HK: TrdMarket.HK,
    TrdSecMarket.US: TrdMarket.US,
    TrdSecMarket.CN_SH: TrdMarket.CN,
    TrdSecMarket.CN_SZ: TrdMarket.CN,
    TrdSecMarket.SG: TrdMarket.SG,
    TrdSecMarket.JP: TrdMarket.JP,
}
_SIM_FUTURES = {
    TrdSecMarket.HK: TrdMarket.FUTURES_SIMULATE_HK,
    TrdSecMarket.US: TrdMarket.FUTURES_SIMULATE_US,
    TrdSecMarket.SG: TrdMarket.FUTURES_SIMULATE_SG,
    TrdSecMarket.JP: TrdMarket.FUTURES_SIMULATE_JP,
}
_ALL_TYPES = frozenset(
    {
        OrderType.NORMAL, OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT,
        OrderType.MARKET_IF_TOUCHED, OrderType.LIMIT_IF_TOUCHED, OrderType.TRAILING_STOP,
        OrderType.TRAILING_STOP_LIMIT,
    }
)
_HK_ONLY = frozenset(
    {OrderType.ABSOLUTE_LIMIT, OrderType.AUCTION, OrderType.AUCTION_LIMIT, OrderType.SPECIAL_LIMIT,
     OrderType.SPECIAL_LIMIT_ALL}
)
# Order types per product in real trading, docs L12717-L12726.
_NO_MARKET_PRICED = frozenset(
    {OrderType.NORMAL, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED, OrderType.TRAILING_STOP_LIMIT}
)
_NEEDS_PRICE = frozenset(
    {OrderType.NORMAL, OrderType.ABSOLUTE_LIMIT, OrderType.AUCTION_LIMIT, OrderType.SPECIAL_LIMIT,
     OrderType.SPECIAL_LIMIT_ALL, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED}
)  # docs L12783-L12796
_NEEDS_AUX = frozenset(
    {OrderType.STOP, OrderType.STOP_LIMIT, OrderType.MARKET_IF_TOUCHED, OrderType.LIMIT_IF_TOUCHED}
)
_TRAILING = frozenset({OrderType.TRAILING_STOP, OrderType.TRAILING_STOP_LIMIT})


def allowed_order_types(info: InstrumentInfo) -> frozenset[OrderType]:
    """docs L12717-L12726 (columns mapped in trade-apis.md §9.2)."""
    if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ):
        # A-share row of the matrix, plus MARKET which simulated A-share trading offers (docs L12529).
        return _NO_MARKET_PRICED | {OrderType.MARKET}
    if info.sec_market == TrdSecMarket.HK:
        if info.kind == InstrumentKind.OPTION:
            return _NO_MARKET_PRICED
        if info.kind == InstrumentKind.FUTURE:
            return _ALL_TYPES | {OrderType.AUCTION}
        return _ALL_TYPES | _HK_ONLY
    return _ALL_TYPES


def allowed_modify_ops(info: InstrumentInfo) -> frozenset[ModifyOrderOp]:
    """docs L12728-L12735."""
    if info.kind == InstrumentKind.FUTURE:
        return frozenset({ModifyOrderOp.NORMAL, ModifyOrderOp.CANCEL, ModifyOrderOp.DELETE})
    if info.sec_market == TrdSecMarket.HK:
        return frozenset(set(ModifyOrderOp) - {ModifyOrderOp.NONE})
    if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ):
        return frozenset({ModifyOrderOp.CANCEL})
    return frozenset({ModifyOrderOp.NORMAL, ModifyOrderOp.CANCEL})


def _stable_id(seed: str, label: str, taken: set[int]) -> int:
    n = int.from_bytes(hashlib.sha256(f"{seed}:{label}".encode()).digest()[:8], "big")
    acc_id = 1_000_000 + n % 9_000_000
    while acc_id in taken:
        acc_id += 1
    return acc_id


def _r(x: float, nd: int = 3) -> float:
    return round(x + 0.0, nd)


# ---------------------------------------------------------------- broker


class Broker:
    def __init__(self, market: MarketView, ledger: Ledger, config: BrokerConfig | None = None) -> None:
        self.market = market
        self.ledger = ledger
        self.config = config or BrokerConfig()
        self.engine = MatchingEngine(market, self, self.config.matching)
        self._events: list[BrokerEvent] = []
        self._batch = LedgerBatch()
        self._unlocked = False
        self.accounts: dict[int, Account] = {}
        self.cash: dict[tuple[int, Currency], float] = {}
        self._orders: dict[int, Order] = {}
        self._open: dict[int, Order] = {}  # orders not yet in a final status
        self._orders_by_ex: dict[str, Order] = {}
        self._fills: list[Fill] = []
        self._positions: dict[tuple[int, str], Position] = {}
        self._cash_flows: list[CashFlow] = []
        self.counters: dict[str, int] = {}
        if ledger.is_empty:
            self._create_accounts()
            self._commit()
        else:
            self._restore()
            self._rebase_cursors()

    # ------------------------------------------------------------ plumbing

    def _create_accounts(self) -> None:
        specs = list(self.config.accounts)
        envs = [TrdEnv.SIMULATE] + ([TrdEnv.REAL] if self.config.mirror_real else [])
        taken: set[int] = set()
        now = self.market.now()
        index = 0
        for env in envs:
            for spec in specs:
                if spec.trd_env != TrdEnv.SIMULATE and env == TrdEnv.SIMULATE:
                    env_here = spec.trd_env
                else:
                    env_here = env
                label = f"{spec.label}:{env_here.name}"
                acc_id = _stable_id(self.config.seed, label, taken)
                taken.add(acc_id)
                real = env_here == TrdEnv.REAL
                card = f"{1001_0000_0000_0000 + acc_id}"
                acc = Account(
                    acc_id=acc_id,
                    trd_env=env_here,
                    acc_type=spec.acc_type,
                    category=spec.category,
                    trdmarket_auth=tuple(
                        (TrdMarket.FUTURES if real and m.name.startswith("FUTURES_SIMULATE") else m)
                        for m in spec.trdmarket_auth
                    ),
                    sim_acc_type=SimAccType.NONE if real else spec.sim_acc_type,
                    security_firm=self.config.security_firm if real else SecurityFirm.NONE,
                    card_num=card if real else "",
                    uni_card_num=card if real else "",
                    base_currency=spec.base_currency,
                    acc_index=index,
                )
                index += 1
                self.accounts[acc_id] = acc
                self._batch.accounts.append(acc)
                for cur, amount in spec.initial_cash.items():
                    self._add_cash(acc_id, cur, amount)
                    self._cash_flow(acc_id, now, cur, "DEPOSIT", amount, "initial funds")

    def _restore(self) -> None:
        st = self.ledger.load()
        self.accounts = {a.acc_id: a for a in st.accounts}
        self.cash = dict(st.cash)
        self._orders = {o.order_id: o for o in st.orders}
        self._orders_by_ex = {o.order_id_ex: o for o in st.orders}
        self._open = {o.order_id: o for o in st.orders if o.order_status in OPEN_STATUSES}
        self._fills = list(st.fills)
        self._positions = {(p.acc_id, p.code): p for p in st.positions}
        self._cash_flows = list(st.cash_flows)
        self.counters = dict(st.counters)

    def _rebase_cursors(self) -> None:
        # Trade-print cursors are numbered by the market view of one process;
        # after a restart working orders continue from the prints of now on.
        for o in self._open.values():
            o.trade_cursor = self.market.trade_cursor(o.code)

    def _next(self, name: str, start: int = 1) -> int:
        value = self.counters.get(name, start - 1) + 1
        self.counters[name] = value
        self._batch.counters[name] = value
        return value

    def _commit(self) -> None:
        batch, self._batch = self._batch, LedgerBatch()
        try:
            self.ledger.commit(batch)
        except Exception:
            # Memory and disk disagree now; reload the durable truth.
            self._restore()
            raise

    def _add_cash(self, acc_id: int, cur: Currency, amount: float) -> None:
        key = (acc_id, cur)
        self.cash[key] = round(self.cash.get(key, 0.0) + amount, 6)
        self._batch.cash[key] = self.cash[key]

    def _cash_flow(self, acc_id: int, at: dt.datetime, cur: Currency, kind: str, amount: float, remark: str,
                   settle_days: int = 0) -> None:
        d = at.date()
        cf = CashFlow(
            cashflow_id=self._next("cashflow_id"),
            acc_id=acc_id,
            clearing_date=d,
            settlement_date=d + dt.timedelta(days=settle_days),
            currency=cur,
            cashflow_type=kind,
            cashflow_direction=CashFlowDirection.IN if amount >= 0 else CashFlowDirection.OUT,
            cashflow_amount=round(amount, 2),
            cashflow_remark=remark,
            create_time=at,
        )
        self._cash_flows.append(cf)
        self._batch.cash_flows.append(cf)

    def _dirty(self, order: Order) -> None:
        self._batch.orders[order.order_id] = order

    def _emit_order(self, order: Order) -> None:
        acc = self.accounts[order.acc_id]
        self._events.append(OrderUpdated(acc.trd_env, acc.acc_id, order.copy()))

    def drain_events(self) -> list[BrokerEvent]:
        """Events since the last call, oldest first."""
        out, self._events = self._events, []
        return out

    # ------------------------------------------------- ExecutionSink (engine)

    def set_status(self, order: Order, status: OrderStatus, at: dt.datetime, err: str = "") -> None:
        if status == order.order_status:
            return
        check_transition(order.order_status, status)
        order.order_status = status
        order.update_time = at
        if status not in OPEN_STATUSES:
            self._open.pop(order.order_id, None)
        if err:
            order.last_err_msg = err
        self._dirty(order)
        self._emit_order(order)

    def touch(self, order: Order, at: dt.datetime) -> None:
        order.update_time = at
        self._dirty(order)
        if order.order_type == OrderType.TRAILING_STOP_LIMIT:
            self._emit_order(order)  # its limit price was just set (a pushed field)

    def execute(self, order: Order, qty: float, price: float, at: dt.datetime) -> None:
        info = self.market.instrument(order.code)
        assert info is not None
        acc = self.accounts[order.acc_id]
        qty = float(qty)
        new_dealt = order.dealt_qty + qty
        order.dealt_avg_price = (order.dealt_avg_price * order.dealt_qty + price * qty) / new_dealt
        order.dealt_qty = new_dealt
        fee_now = self.config.fees.total(info, order.trd_side, order.dealt_qty, order.dealt_avg_price)
        fee = round(fee_now - order.fee_total, 2)
        order.fee_total = fee_now
        fill_id = self._next("fill_id")
        fill = Fill(
            fill_id=fill_id,
            fill_id_ex=str(fill_id),
            order_id=order.order_id,
            order_id_ex=order.order_id_ex,
            acc_id=order.acc_id,
            code=order.code,
            name=order.name,
            trd_side=order.trd_side,
            qty=qty,
            price=price,
            create_time=at,
            sec_market=order.sec_market,
            trd_market=order.trd_market,
            currency=order.currency,
            fee=fee,
        )
        self._fills.append(fill)
        self._batch.fills.append(fill)
        self._apply_fill_to_position(acc, info, fill)
        full = order.remaining_qty <= 1e-9
        order.update_time = at
        self._dirty(order)
        self._events.append(FillOccurred(acc.trd_env, acc.acc_id, replace(fill)))
        target = OrderStatus.FILLED_ALL if full else OrderStatus.FILLED_PART
        if order.order_status == target:
            self._emit_order(order)  # status unchanged, but the filled quantity (a pushed field) changed
        else:
            self.set_status(order, target, at)

    def _position(self, acc_id: int, info: InstrumentInfo) -> Position:
        key = (acc_id, info.code)
        pos = self._positions.get(key)
        if pos is None:
            acc = self.accounts[acc_id]
            pos = Position(
                position_id=self._next("position_id"),
                acc_id=acc_id,
                code=info.code,
                name=info.name,
                sec_market=info.sec_market,
                trd_market=self._trd_market(acc, info),
                currency=info.currency,
                kind=info.kind,
                multiplier=info.multiplier,
                sod_price=info.prev_close or 0.0,
            )
            self._positions[key] = pos
        return pos

    def _roll_day(self, pos: Position, info: InstrumentInfo, at: dt.datetime) -> None:
        today = trading_date(info, at)
        if pos.today != today:
            pos.today = today
            pos.td_buy_qty = pos.td_buy_val = pos.td_sell_qty = pos.td_sell_val = 0.0
            pos.sod_qty = pos.qty
            pos.sod_price = info.prev_close if info.prev_close is not None else (self._price(info) or 0.0)

    def _apply_fill_to_position(self, acc: Account, info: InstrumentInfo, fill: Fill) -> None:
        pos = self._position(acc.acc_id, info)
        self._roll_day(pos, info, fill.create_time)
        mult = info.multiplier
        signed = fill.qty if fill.trd_side.is_buy else -fill.qty
        notional = fill.qty * fill.price * mult
        old = pos.qty
        # closing part (reduces |qty|) realises P&L against the average cost
        closing = 0.0
        if old * signed < 0:
            closing = min(abs(signed), abs(old))
        opening = abs(signed) - closing
        realized = 0.0
        if closing:
            direction = 1.0 if old > 0 else -1.0
            realized = (fill.price - pos.average_cost) * closing * mult * direction
            pos.realized_pl += realized
        new = old + signed
        if opening:
            base = abs(old) if old * signed > 0 else 0.0
            pos.average_cost = (pos.average_cost * base + fill.price * opening) / (base + opening)
        if abs(new) < 1e-9:
            new = 0.0
            pos.average_cost = 0.0 if not opening else pos.average_cost
        pos.qty = new
        if fill.trd_side.is_buy:
            pos.td_buy_qty += fill.qty
            pos.td_buy_val += notional
        else:
            pos.td_sell_qty += fill.qty
            pos.td_sell_val += notional
        cur = info.currency
        if info.kind == InstrumentKind.FUTURE:
            # Futures move no notional; realised P&L and fees settle in cash.
            pos.diluted_cost_basis = pos.average_cost * new * mult
            self._add_cash(acc.acc_id, cur, realized - fill.fee)
            if realized:
                self._cash_flow(acc.acc_id, fill.create_time, cur, "FUTURES_PL", realized,
                                f"realised P&L {fill.code} order {fill.order_id_ex}")
        else:
            cash_move = -notional if fill.trd_side.is_buy else notional
            pos.diluted_cost_basis += -cash_move + fill.fee
            if new == 0.0:
                pos.diluted_cost_basis = 0.0
            self._add_cash(acc.acc_id, cur, cash_move - fill.fee)
            side = "BUY" if fill.trd_side.is_buy else "SELL"
            settle = 2 if info.sec_market == TrdSecMarket.HK else 1
            self._cash_flow(acc.acc_id, fill.create_time, cur, "TRADE", cash_move,
                            f"{side} {fill.qty:g} {fill.code} @ {fill.price:g} order {fill.order_id_ex}", settle)
        if fill.fee:
            self._cash_flow(acc.acc_id, fill.create_time, cur, "FEE", -fill.fee,
                            f"fees of order {fill.order_id_ex}")
        self._batch.positions[(acc.acc_id, info.code)] = pos

    # ------------------------------------------------------------ helpers

    def _account(self, acc_id: int) -> Account:
        acc = self.accounts.get(acc_id)
        if acc is None:
            raise BrokerError(BrokerErrorCode.NO_ACCOUNT, f"non-existing acc_id: {acc_id}")
        return acc

    def _active_account(self, acc_id: int) -> Account:
        acc = self._account(acc_id)
        if acc.acc_status != TrdAccStatus.ACTIVE:
            # docs L13734-L13740: disabled accounts cannot trade
            raise BrokerError(BrokerErrorCode.ACCOUNT_DISABLED, "account is disabled and cannot trade")
        return acc

    def _instrument(self, code: str) -> InstrumentInfo:
        info = self.market.instrument(code)
        if info is None:
            raise BrokerError(BrokerErrorCode.UNKNOWN_SECURITY, f"unknown stock: {code}")
        return info

    def _trd_market(self, acc: Account, info: InstrumentInfo) -> TrdMarket:
        if info.kind == InstrumentKind.FUTURE:
            return TrdMarket.FUTURES if acc.trd_env == TrdEnv.REAL else _SIM_FUTURES.get(info.sec_market, TrdMarket.NONE)
        m = _SEC_TO_MARKET.get(info.sec_market, TrdMarket.NONE)
        if m == TrdMarket.CN and acc.trd_env == TrdEnv.REAL:
            return TrdMarket.HKCC
        return m

    def _price(self, info: InstrumentInfo) -> float | None:
        p = self.market.last_price(info.code)
        return p if p is not None else info.prev_close

    def _fx(self, amount: float, src: Currency, dst: Currency) -> float:
        if src == dst:
            return amount
        rates = self.config.fx_to_hkd
        return amount * rates.get(src, 1.0) / rates.get(dst, 1.0)

    def _can_sell(self, pos: Position | None, info: InstrumentInfo, at: dt.datetime) -> float:
        if pos is None or pos.qty <= 0:
            return 0.0
        qty = pos.qty
        if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ) and pos.today == trading_date(info, at):
            # exchange rule: A-shares are T+1, shares bought today cannot be sold today
            qty = max(qty - pos.td_buy_qty, 0.0)
        return qty

    def _pending_qty(self, acc_id: int, code: str, buy: bool, exclude: int | None = None) -> float:
        return sum(
            o.remaining_qty
            for o in self._open.values()
            if o.acc_id == acc_id and o.code == code and o.trd_side.is_buy == buy and o.order_id != exclude
        )

    def _reserve_price(self, o_type: OrderType, price: float, aux: float | None, info: InstrumentInfo) -> float:
        last = self._price(info) or price or (aux or 0.0)
        if o_type in MARKET_LIKE or o_type == OrderType.AUCTION or o_type == OrderType.TRAILING_STOP_LIMIT:
            base = max(last, aux or 0.0)
            return base * (1 + self.config.market_order_buffer)
        return price

    def _order_cost(self, o: Order, info: InstrumentInfo, qty: float | None = None) -> float:
        """Cash/margin an open order holds back, in the instrument currency."""
        q = o.remaining_qty if qty is None else qty
        if q <= 0:
            return 0.0
        px = self._reserve_price(o.order_type, o.price, o.aux_price, info)
        notional = q * px * info.multiplier
        if info.kind == InstrumentKind.FUTURE:
            return notional * self.config.margin.futures_im / 100
        fee = self.config.fees.total(info, o.trd_side, q, px)
        return notional + fee

    # ------------------------------------------------------------ money

    def _account_figures(self, acc: Account, currency: Currency | None = None) -> dict[str, float]:
        cur = currency or acc.base_currency
        m = self.config.margin
        cash = sum(self._fx(v, c, cur) for (a, c), v in self.cash.items() if a == acc.acc_id)
        long_mv = short_mv = im = mm = mcm = unreal = realized = 0.0
        for (a, code), pos in self._positions.items():
            if a != acc.acc_id:
                continue
            realized += self._fx(pos.realized_pl, pos.currency, cur)
            if pos.qty == 0:
                continue
            info = self.market.instrument(code)
            price = (self._price(info) if info else None) or pos.average_cost
            notional = self._fx(abs(pos.qty) * price * pos.multiplier, pos.currency, cur)
            if pos.kind == InstrumentKind.FUTURE:
                unreal += self._fx((price - pos.average_cost) * pos.qty * pos.multiplier, pos.currency, cur)
                im += notional * m.futures_im / 100
                mm += notional * m.futures_mm / 100
                mcm += notional * m.futures_mm / 100
            elif pos.qty > 0:
                long_mv += notional
                im += notional * m.im_long / 100
                mm += notional * m.mm_long / 100
                mcm += notional * m.mcm_long / 100
            else:
                short_mv += notional
                im += notional * m.im_short / 100
                mm += notional * m.mm_short / 100
                mcm += notional * m.mcm_short / 100
        frozen = 0.0
        for o in self._open.values():
            if o.acc_id != acc.acc_id or o.order_status == OrderStatus.DISABLED:
                continue
            info = self.market.instrument(o.code)
            if info is None:
                continue
            if info.kind == InstrumentKind.FUTURE or o.trd_side.is_buy:
                frozen += self._fx(self._order_cost(o, info), info.currency, cur)
        equity = cash + long_mv - short_mv + unreal
        return dict(cash=cash, long_mv=long_mv, short_mv=short_mv, im=im, mm=mm, mcm=mcm,
                    unreal=unreal, realized=realized, frozen=frozen, equity=equity)

    def _buying_power(self, acc: Account, cur: Currency | None = None) -> tuple[float, float, float]:
        """(power, max_power_short, net_cash_power) in ``cur``."""
        f = self._account_figures(acc, cur)
        net_cash = max(f["cash"] - f["frozen"], 0.0)
        if acc.category == TrdCategory.FUTURE:
            avail = max(f["equity"] - f["im"] - f["frozen"], 0.0)
            return avail, avail, net_cash
        if not acc.is_margin:
            return net_cash, 0.0, net_cash
        excess = max(f["equity"] - f["im"] - f["frozen"], 0.0)
        m = self.config.margin
        return excess / (m.im_long / 100), excess / (m.im_short / 100), net_cash

    # ================================================================ API

    def get_accounts(self, category: TrdCategory | None = None, trd_env: TrdEnv | None = None,
                     market: TrdMarket = TrdMarket.NONE) -> list[Account]:
        """Accounts in list order, optionally filtered (docs L8397-L8480)."""
        out = []
        for acc in sorted(self.accounts.values(), key=lambda a: a.acc_index):
            if category is not None and acc.category != category:
                continue
            if trd_env is not None and acc.trd_env != trd_env:
                continue
            if market != TrdMarket.NONE and market not in acc.trdmarket_auth:
                continue
            out.append(acc)
        return out

    def unlock(self, password_md5: str, is_unlock: bool = True) -> None:
        """docs L8481-L8540; unlocking is global to the gateway (docs L8533)."""
        if not is_unlock:
            self._unlocked = False
            return
        if (password_md5 or "").lower() != self.config.trade_password_md5:
            raise BrokerError(BrokerErrorCode.LOCKED, "wrong trade password")
        self._unlocked = True

    def _require_unlocked(self, acc: Account) -> None:
        # docs L9149: REAL accounts must be unlocked before placing/modifying; SIMULATE need not.
        if acc.trd_env == TrdEnv.REAL and not self._unlocked:
            raise BrokerError(BrokerErrorCode.LOCKED, "please unlock trade first")

    # ------------------------------------------------------------ place

    def place_order(self, req: PlaceOrderRequest, *, advance: bool = False) -> Order:
        """Accept a new order.  With ``advance`` the market is stepped to now
        at once (the exchange acknowledges, marketable orders fill) and both
        are committed in one ledger transaction."""
        acc = self._active_account(req.acc_id)
        self._require_unlocked(acc)
        info = self._instrument(req.code)
        now = self.market.now()
        order = self._validate_new(acc, info, req, now)
        self._orders[order.order_id] = order
        self._open[order.order_id] = order
        self._orders_by_ex[order.order_id_ex] = order
        self._dirty(order)
        self._emit_order(order)
        if advance:
            self._advance(now)
        self._commit()
        return order.copy()

    def _bad(self, msg: str, code: BrokerErrorCode = BrokerErrorCode.INVALID_PARAM) -> BrokerError:
        return BrokerError(code, msg)

    def _check_account_product(self, acc: Account, info: InstrumentInfo) -> TrdMarket:
        if info.kind == InstrumentKind.INDEX:
            raise self._bad("index cannot be traded", BrokerErrorCode.NOT_PERMITTED)
        if info.suspended:
            raise self._bad(f"{info.code} is suspended", BrokerErrorCode.NOT_PERMITTED)
        tm = self._trd_market(acc, info)
        if tm not in acc.trdmarket_auth:
            raise self._bad(f"account {acc.acc_id} has no trading right for {info.code}", BrokerErrorCode.NOT_PERMITTED)
        if acc.category == TrdCategory.FUTURE and info.kind != InstrumentKind.FUTURE:
            raise self._bad("futures accounts trade futures only", BrokerErrorCode.NOT_PERMITTED)
        if acc.category == TrdCategory.SECURITY and info.kind == InstrumentKind.FUTURE:
            raise self._bad("securities accounts cannot trade futures", BrokerErrorCode.NOT_PERMITTED)
        # docs L12600-L12602: STOCK accounts trade no options, OPTION accounts only options
        if acc.sim_acc_type == SimAccType.STOCK and info.kind == InstrumentKind.OPTION:
            raise self._bad("simulated stock accounts cannot trade options", BrokerErrorCode.NOT_PERMITTED)
        if acc.sim_acc_type == SimAccType.OPTION and info.kind != InstrumentKind.OPTION:
            raise self._bad("simulated option accounts trade options only", BrokerErrorCode.NOT_PERMITTED)
        # docs L8692, L8763: cash accounts cannot trade derivatives
        if not acc.is_margin and info.kind.is_derivative:
            raise self._bad("cash accounts cannot trade derivatives", BrokerErrorCode.NOT_PERMITTED)
        return tm

    def _check_price_fields(self, info: InstrumentInfo, o_type: OrderType, price: float, adjust_limit: float,
                            aux: float | None, trail_type: TrailType | None, trail_value: float | None,
                            trail_spread: float | None) -> float:
        """Validate price/trigger fields of ``o_type``; return the (tick-adjusted) price."""
        # required fields per type, docs L12783-L12796
        if o_type in _NEEDS_AUX and (aux is None or aux <= 0):
            raise self._bad("aux_price (trigger price) must be a positive number for this order type")
        if o_type in _TRAILING:
            if trail_type not in (TrailType.RATIO, TrailType.AMOUNT):
                raise self._bad("trail_type must be RATIO or AMOUNT for trailing orders")
            if trail_value is None or trail_value <= 0:
                raise self._bad("trail_value must be positive for trailing orders")
            if trail_type == TrailType.RATIO and trail_value >= 100:
                raise self._bad("trail_value ratio must be below 100 (percent)")
            if o_type == OrderType.TRAILING_STOP_LIMIT and (trail_spread is None or trail_spread < 0):
                raise self._bad("trail_spread is required for TRAILING_STOP_LIMIT")
        if o_type not in _NEEDS_PRICE:
            return float(price or 0.0)
        if price is None or not math.isfinite(price) or price <= 0:
            raise self._bad("price must be positive")
        price = math.floor(price * 1e9 + 0.5) / 1e9
        adjusted = adjust_to_tick(info, price, adjust_limit)
        if adjusted is None:
            # docs L12896-L12907
            raise self._bad("order price is not on a valid tick", BrokerErrorCode.PRICE_TICK)
        if info.limit_up is not None and adjusted > info.limit_up + 1e-9:
            raise self._bad(f"price {adjusted:g} is above the daily limit up {info.limit_up:g}", BrokerErrorCode.PRICE_LIMIT)
        if info.limit_down is not None and adjusted < info.limit_down - 1e-9:
            raise self._bad(f"price {adjusted:g} is below the daily limit down {info.limit_down:g}",
                            BrokerErrorCode.PRICE_LIMIT)
        if aux is not None and not (math.isfinite(aux) and aux > 0):
            raise self._bad("aux_price must be positive")
        return adjusted

    def _check_qty(self, info: InstrumentInfo, side: TrdSide, qty: float, pos: Position | None,
                   at: dt.datetime) -> float:
        if qty is None or not math.isfinite(qty) or qty <= 0:
            raise self._bad("qty must be positive")
        qty = float(math.floor(qty + 1e-9))  # decimals are cut (SDK proto)
        if qty <= 0:
            raise self._bad("qty must be at least 1")
        lot = max(info.lot_size, 1)
        if qty % lot:
            cn = info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ)
            # exchange rule (SSE/SZSE): an odd remainder may only be sold in one go
            if cn and not side.is_buy and abs(qty - self._can_sell(pos, info, at)) < 1e-9:
                return qty
            raise self._bad(f"qty must be a multiple of the lot size {lot}", BrokerErrorCode.LOT_SIZE)
        return qty

    def _validate_new(self, acc: Account, info: InstrumentInfo, req: PlaceOrderRequest, now: dt.datetime) -> Order:
        tm = self._check_account_product(acc, info)
        if req.trd_side not in (TrdSide.BUY, TrdSide.SELL):
            # docs L10428-L10432: SELL_SHORT / BUY_BACK are inputs for Japanese brokers only
            raise self._bad("trd_side must be BUY or SELL")
        o_type = OrderType(req.order_type)
        if o_type not in allowed_order_types(info):
            raise self._bad(f"order type {o_type.name} is not supported for {info.code}", BrokerErrorCode.UNSUPPORTED)
        paper = self.config.futu_paper_rules and acc.trd_env == TrdEnv.SIMULATE
        if paper and o_type not in (OrderType.NORMAL, OrderType.MARKET):
            # docs L10158, L12529
            raise self._bad("simulated trading supports only limit and market orders", BrokerErrorCode.UNSUPPORTED)
        tif = TimeInForce(req.time_in_force)
        if paper and tif != TimeInForce.DAY:
            raise self._bad("simulated trading supports only DAY orders", BrokerErrorCode.UNSUPPORTED)  # docs L12532
        if tif == TimeInForce.GTD and (req.expire_time is None or req.expire_time <= now):
            raise self._bad("GTD orders need an expire_time in the future")
        session = Session(req.session)
        if session != Session.NONE and info.sec_market != TrdSecMarket.US:
            raise self._bad("session applies to US securities only")
        if session == Session.ALL and (o_type != OrderType.NORMAL or tif not in (TimeInForce.DAY, TimeInForce.GTC)):
            # docs L9161
            raise self._bad("all-session orders must be limit orders with DAY or GTC")
        if req.fill_outside_rth and info.sec_market not in (TrdSecMarket.US, TrdSecMarket.HK):
            raise self._bad("fill_outside_rth applies to HK and US orders only")
        if paper and info.sec_market == TrdSecMarket.US and (
            req.fill_outside_rth or session in (Session.ETH, Session.ALL, Session.OVERNIGHT)
        ):
            # docs L9162: US simulated trading has no pre/after-market or overnight session
            raise self._bad("simulated US trading supports regular hours only", BrokerErrorCode.UNSUPPORTED)
        remark = req.remark or ""
        if len(remark.encode("utf-8")) > 64:
            raise self._bad("remark must be at most 64 bytes in UTF-8")
        phase = self.market.session_phase(info.code, now)
        if o_type in AUCTION_TYPES and phase in (SessionPhase.CONTINUOUS, SessionPhase.BREAK):
            raise self._bad("auction orders are accepted only for the auction sessions", BrokerErrorCode.MARKET_CLOSED)
        price = self._check_price_fields(info, o_type, req.price, req.adjust_limit, req.aux_price,
                                         req.trail_type, req.trail_value, req.trail_spread)
        pos = self._positions.get((acc.acc_id, info.code))
        qty = self._check_qty(info, req.trd_side, req.qty, pos, now)
        order = Order(
            order_id=0, order_id_ex="", acc_id=acc.acc_id, code=info.code, name=info.name,
            trd_side=req.trd_side, order_type=o_type, order_status=OrderStatus.SUBMITTING,
            qty=qty, price=price, currency=info.currency, trd_market=tm, sec_market=info.sec_market,
            create_time=now, update_time=now, remark=remark, time_in_force=tif,
            fill_outside_rth=bool(req.fill_outside_rth), session=session,
            aux_price=req.aux_price if o_type in _NEEDS_AUX else None,
            trail_type=req.trail_type if o_type in _TRAILING else None,
            trail_value=req.trail_value if o_type in _TRAILING else None,
            trail_spread=req.trail_spread if o_type == OrderType.TRAILING_STOP_LIMIT else None,
            expire_time=req.expire_time if tif == TimeInForce.GTD else None,
        )
        self._check_exposure(acc, info, order, now, paper)
        order.order_id = self._next("order_id", self.config.order_id_start)
        order.order_id_ex = str(order.order_id)
        return order

    def _check_exposure(self, acc: Account, info: InstrumentInfo, order: Order, now: dt.datetime, paper: bool,
                        replacing: Order | None = None) -> None:
        """Position direction, short-sale permission and buying power."""
        pos = self._positions.get((acc.acc_id, info.code))
        held = pos.qty if pos else 0.0
        exclude = replacing.order_id if replacing else None
        q = order.qty - order.dealt_qty
        if order.trd_side.is_buy:
            pending_cover = self._pending_qty(acc.acc_id, info.code, True, exclude)
            short = max(-held - pending_cover, 0.0)
            if held < 0 and q > short + 1e-9:
                # docs L9157-L9160: no lock; cover the short first, then buy long
                raise self._bad("buy quantity exceeds the short position; cover it first, then buy",
                                BrokerErrorCode.INSUFFICIENT_POSITION)
            if held >= 0 or info.kind == InstrumentKind.FUTURE:
                need = self._order_cost(order, info, q)
                power, _, net_cash = self._buying_power(acc, info.currency)
                if replacing is not None:
                    power += self._order_cost(replacing, info)
                    net_cash += self._order_cost(replacing, info)
                avail = net_cash if (not acc.is_margin and acc.category != TrdCategory.FUTURE) else power
                if need > avail + 1e-6:
                    raise self._bad("insufficient buying power", BrokerErrorCode.INSUFFICIENT_POWER)
            return
        can_sell = self._can_sell(pos, info, now) - self._pending_qty(acc.acc_id, info.code, False, exclude)
        can_sell = max(can_sell, 0.0)
        if held > 0 and q > can_sell + 1e-9:
            if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ) and pos and pos.td_buy_qty:
                raise self._bad("insufficient sellable quantity (A-shares bought today settle T+1)",
                                BrokerErrorCode.INSUFFICIENT_POSITION)
            raise self._bad("sell quantity exceeds the sellable position; close the long position first",
                            BrokerErrorCode.INSUFFICIENT_POSITION)
        if held > 0:
            return
        # opening or adding to a short
        if not acc.is_margin:
            raise self._bad("short selling is not allowed in a cash account", BrokerErrorCode.NOT_PERMITTED)
        if not info.shortable:
            raise self._bad(f"{info.code} cannot be sold short", BrokerErrorCode.NOT_PERMITTED)
        if paper and info.kind == InstrumentKind.STOCK and info.sec_market != TrdSecMarket.US:
            # docs L12533: simulated stocks can be shorted only in the US
            raise self._bad("simulated short selling of stocks is available in the US only", BrokerErrorCode.NOT_PERMITTED)
        _, short_power, _ = self._buying_power(acc, info.currency)
        if replacing is not None:
            short_power += self._order_cost(replacing, info)
        px = self._reserve_price(order.order_type, order.price, order.aux_price, info)
        need = q * px * info.multiplier * (1 if info.kind != InstrumentKind.FUTURE else self.config.margin.futures_im / 100)
        if need > short_power + 1e-6:
            raise self._bad("insufficient buying power for short selling", BrokerErrorCode.INSUFFICIENT_POWER)

    # ------------------------------------------------------------ modify

    def _find_order(self, acc: Account, order_id: str) -> Order:
        o = self._orders_by_ex.get(str(order_id))
        if o is None or o.acc_id != acc.acc_id:
            raise BrokerError(BrokerErrorCode.ORDER_NOT_FOUND, f"order not found: {order_id}")
        return o

    def modify_order(self, req: ModifyOrderRequest, *, advance: bool = False) -> Order:
        """Change, cancel, disable, enable or delete an order; ``advance`` as
        in ``place_order`` (a cancel is confirmed by the exchange at once)."""
        acc = self._active_account(req.acc_id)
        self._require_unlocked(acc)
        o = self._find_order(acc, req.order_id)
        info = self._instrument(o.code)
        op = ModifyOrderOp(req.op)
        if op == ModifyOrderOp.NONE:
            raise self._bad("modify_order_op must be given")
        ops = allowed_modify_ops(info)
        if self.config.futu_paper_rules and acc.trd_env == TrdEnv.SIMULATE:
            ops = ops & {ModifyOrderOp.NORMAL, ModifyOrderOp.CANCEL}  # docs L12530
        if op not in ops:
            raise self._bad(f"{op.name} is not supported for {info.code} orders", BrokerErrorCode.UNSUPPORTED)
        now = self.market.now()
        st = o.order_status
        if op == ModifyOrderOp.DELETE:
            # docs L10105-L10152: only orders without fills can be deleted
            if o.dealt_qty > 0:
                raise self._bad("only orders without fills can be deleted", BrokerErrorCode.ORDER_STATE)
            if st == OrderStatus.DELETED:
                raise self._bad("order is already deleted", BrokerErrorCode.ORDER_STATE)
            self._transition(o, OrderStatus.DELETED, now)
        elif st in FINAL_STATUSES:
            raise self._bad(f"order is {st.name} and can no longer be changed", BrokerErrorCode.ORDER_STATE)
        elif op == ModifyOrderOp.CANCEL:
            self._cancel(o, now)
        elif op == ModifyOrderOp.DISABLE:
            if st not in (OrderStatus.SUBMITTED, OrderStatus.FILLED_PART, OrderStatus.WAITING_SUBMIT):
                raise self._bad(f"a {st.name} order cannot be disabled", BrokerErrorCode.ORDER_STATE)
            o.status_before_disable = st
            self._transition(o, OrderStatus.DISABLED, now)
        elif op == ModifyOrderOp.ENABLE:
            if st != OrderStatus.DISABLED:
                raise self._bad("only a disabled order can be enabled", BrokerErrorCode.ORDER_STATE)
            back = o.status_before_disable or OrderStatus.SUBMITTED
            self._transition(o, back, now)
            o.trade_cursor = self.market.trade_cursor(o.code)
            self.engine._join_queue(o)  # re-enabled orders rejoin at the back
        else:
            self._modify(acc, info, o, req, now)
        if advance:
            self._advance(now)
        self._commit()
        return o.copy()

    def _transition(self, o: Order, status: OrderStatus, at: dt.datetime) -> None:
        from openfutu.broker.status import IllegalTransition

        try:
            self.set_status(o, status, at)
        except IllegalTransition as exc:
            raise BrokerError(BrokerErrorCode.ORDER_STATE, str(exc)) from None

    def _cancel(self, o: Order, at: dt.datetime) -> None:
        st = o.order_status
        if st in (OrderStatus.CANCELLING_ALL, OrderStatus.CANCELLING_PART):
            raise self._bad("order is already being cancelled", BrokerErrorCode.ORDER_STATE)
        if st in (OrderStatus.SUBMITTING, OrderStatus.WAITING_SUBMIT, OrderStatus.UNSUBMITTED):
            # never reached the exchange: cancelled at once
            self._transition(o, OrderStatus.CANCELLED_ALL, at)
        elif st == OrderStatus.DISABLED:
            self._transition(o, OrderStatus.CANCELLED_PART if o.dealt_qty else OrderStatus.CANCELLED_ALL, at)
        else:
            # the exchange confirms on the next market step (MatchingEngine.on_market)
            self._transition(o, OrderStatus.CANCELLING_PART if o.dealt_qty else OrderStatus.CANCELLING_ALL, at)

    def _modify(self, acc: Account, info: InstrumentInfo, o: Order, req: ModifyOrderRequest, now: dt.datetime) -> None:
        if o.order_status not in (OrderStatus.SUBMITTED, OrderStatus.FILLED_PART, OrderStatus.WAITING_SUBMIT,
                                  OrderStatus.SUBMITTING):
            raise self._bad(f"a {o.order_status.name} order cannot be modified", BrokerErrorCode.ORDER_STATE)
        trail_type = req.trail_type if req.trail_type is not None else o.trail_type
        trail_value = req.trail_value if req.trail_value is not None else o.trail_value
        trail_spread = req.trail_spread if req.trail_spread is not None else o.trail_spread
        aux = req.aux_price if req.aux_price is not None else o.aux_price
        price = self._check_price_fields(info, o.order_type, req.price, req.adjust_limit, aux,
                                         trail_type, trail_value, trail_spread)
        if o.order_type not in _NEEDS_PRICE:
            price = o.price
        # docs L9307-L9315: qty is the total wanted, including what is already filled
        pos = self._positions.get((acc.acc_id, info.code))
        qty = self._check_qty(info, o.trd_side, req.qty, pos, now)
        if qty <= o.dealt_qty + 1e-9:
            raise self._bad(f"new qty must exceed the filled quantity {o.dealt_qty:g}; use CANCEL to stop the order")
        candidate = replace(o, qty=qty, price=price, aux_price=aux if o.order_type in _NEEDS_AUX else None)
        self._check_exposure(acc, info, candidate, now,
                             self.config.futu_paper_rules and acc.trd_env == TrdEnv.SIMULATE, replacing=o)
        changed = (qty != o.qty or price != o.price or aux != o.aux_price or trail_type != o.trail_type
                   or trail_value != o.trail_value or trail_spread != o.trail_spread)
        lose_priority = price != o.price or qty > o.qty  # exchange rule: a reduction keeps queue priority
        o.qty, o.price = qty, price
        if o.order_type in _NEEDS_AUX:
            o.aux_price = aux
        if o.order_type in _TRAILING:
            o.trail_type, o.trail_value = trail_type, trail_value
            o.trail_spread = trail_spread if o.order_type == OrderType.TRAILING_STOP_LIMIT else None
        o.update_time = now
        if lose_priority and o.order_status in MATCHABLE_STATUSES:
            o.trade_cursor = self.market.trade_cursor(o.code)
            self.engine._join_queue(o)
        self._dirty(o)
        if changed:
            self._emit_order(o)

    def cancel_all(self, acc_id: int, market: TrdMarket = TrdMarket.NONE) -> list[Order]:
        """docs L9243-L9299 (Futu offers it for REAL accounts only, docs L9249)."""
        acc = self._active_account(acc_id)
        self._require_unlocked(acc)
        if self.config.futu_paper_rules and acc.trd_env == TrdEnv.SIMULATE:
            raise self._bad("cancel_all_order is not available for simulated accounts", BrokerErrorCode.UNSUPPORTED)
        now = self.market.now()
        out = []
        for o in sorted(self._open.values(), key=lambda x: x.order_id):
            if o.acc_id != acc_id:
                continue
            if o.order_status in (OrderStatus.CANCELLING_ALL, OrderStatus.CANCELLING_PART):
                continue
            if market != TrdMarket.NONE and o.trd_market != market:
                continue
            self._cancel(o, now)
            out.append(o.copy())
        self._commit()
        return out

    # ------------------------------------------------------------ market

    def on_market(self, at: dt.datetime | None = None) -> list[BrokerEvent]:
        """Advance all open orders to market time ``at`` (default: now) and
        return every event since the last drain, oldest first."""
        self._advance(at or self.market.now())
        self._commit()
        return self.drain_events()

    def _advance(self, at: dt.datetime) -> None:
        open_orders = [o for o in self._open.values() if o.order_status != OrderStatus.DISABLED]
        before = {o.order_id: (o.trade_cursor, o.queue_ahead, o.trail_anchor, o.trading_date) for o in open_orders}
        self.engine.on_market(open_orders, at)
        for o in open_orders:
            if before[o.order_id] != (o.trade_cursor, o.queue_ahead, o.trail_anchor, o.trading_date):
                self._dirty(o)

    # ------------------------------------------------------------ queries

    def _match(self, o: Order, flt: OrderFilter) -> bool:
        if flt.order_ids and o.order_id_ex not in flt.order_ids:
            return False
        if flt.codes and o.code not in flt.codes and o.code.partition(".")[2] not in flt.codes:
            return False
        if flt.statuses and o.order_status not in flt.statuses:
            return False
        if flt.market != TrdMarket.NONE and o.trd_market != flt.market:
            return False
        if flt.start and o.create_time < flt.start:
            return False
        if flt.end and o.create_time > flt.end:
            return False
        return True

    def _is_today(self, code: str, t: dt.datetime, now: dt.datetime) -> bool:
        info = self.market.instrument(code)
        tz = ZoneInfo(info.timezone) if info else dt.timezone.utc
        return t.astimezone(tz).date() == now.astimezone(tz).date()

    def orders(self, acc_id: int, flt: OrderFilter | None = None) -> list[Order]:
        """Today's orders plus still-open older ones, oldest first (docs L9317-L9425)."""
        self._account(acc_id)
        flt = flt or OrderFilter()
        now = self.market.now()
        out = []
        for o in sorted(self._orders.values(), key=lambda x: (x.create_time, x.order_id)):
            if o.acc_id != acc_id:
                continue
            if o.order_status == OrderStatus.DELETED and OrderStatus.DELETED not in flt.statuses:
                continue  # docs L9175: deleted orders leave OpenD's view
            if not (self._is_today(o.code, o.create_time, now) or o.order_status in OPEN_STATUSES):
                continue
            if self._match(o, flt):
                out.append(o.copy())
        return out

    def history_orders(self, acc_id: int, flt: OrderFilter | None = None) -> list[Order]:
        """All orders in the window, newest first (docs L9426-L9540)."""
        self._account(acc_id)
        flt = flt or OrderFilter()
        out = [o.copy() for o in self._orders.values() if o.acc_id == acc_id and self._match(o, flt)]
        out.sort(key=lambda x: (x.create_time, x.order_id), reverse=True)
        return out

    def _match_fill(self, f: Fill, flt: OrderFilter) -> bool:
        if flt.order_ids and f.order_id_ex not in flt.order_ids:
            return False
        if flt.codes and f.code not in flt.codes and f.code.partition(".")[2] not in flt.codes:
            return False
        if flt.market != TrdMarket.NONE and f.trd_market != flt.market:
            return False
        if flt.start and f.create_time < flt.start:
            return False
        if flt.end and f.create_time > flt.end:
            return False
        return True

    def _refuse_in_paper(self, acc_id: int, what: str, line: str) -> None:
        acc = self._account(acc_id)
        if self.config.futu_paper_rules and acc.trd_env == TrdEnv.SIMULATE:
            raise self._bad(f"{what} is not available for simulated accounts (docs {line})",
                            BrokerErrorCode.UNSUPPORTED)

    def deals(self, acc_id: int, flt: OrderFilter | None = None) -> list[Fill]:
        """Today's fills, oldest first (docs L9703-L9786)."""
        self._refuse_in_paper(acc_id, "deal_list_query", "L9713")
        flt = flt or OrderFilter()
        now = self.market.now()
        return [replace(f) for f in self._fills
                if f.acc_id == acc_id and self._is_today(f.code, f.create_time, now) and self._match_fill(f, flt)]

    def history_deals(self, acc_id: int, flt: OrderFilter | None = None) -> list[Fill]:
        """Fills in the window, newest first (docs L9787-L9886)."""
        self._refuse_in_paper(acc_id, "history_deal_list_query", "L9797")
        flt = flt or OrderFilter()
        out = [replace(f) for f in self._fills if f.acc_id == acc_id and self._match_fill(f, flt)]
        out.reverse()
        return out

    def positions(self, acc_id: int, code: str = "", market: TrdMarket = TrdMarket.NONE,
                     pl_ratio_min: float | None = None, pl_ratio_max: float | None = None) -> list[PositionRow]:
        """Position rows (docs L8765-L8867); ratio filters are fractions like the wire."""
        self._account(acc_id)
        now = self.market.now()
        out = []
        for (a, c), pos in self._positions.items():
            if a != acc_id or (code and c != code):
                continue
            if market != TrdMarket.NONE and pos.trd_market != market:
                continue
            info = self.market.instrument(c)
            if info is None:
                continue
            traded_today = pos.today == trading_date(info, now)
            if pos.qty == 0 and not traded_today:
                continue
            row = self._position_row(pos, info, now, traded_today)
            if pl_ratio_min is not None and (row.pl_ratio is None or row.pl_ratio <= pl_ratio_min):
                continue
            if pl_ratio_max is not None and (row.pl_ratio is None or row.pl_ratio >= pl_ratio_max):
                continue
            out.append(row)
        return out

    def _position_row(self, pos: Position, info: InstrumentInfo, now: dt.datetime, traded_today: bool) -> PositionRow:
        price = self._price(info) or pos.average_cost
        mult = pos.multiplier
        fut = pos.kind == InstrumentKind.FUTURE
        mv = pos.qty * price * mult
        unreal = (price - pos.average_cost) * pos.qty * mult
        diluted = pos.diluted_cost_basis / (pos.qty * mult) if pos.qty else 0.0
        if fut:
            pl_val = unreal
            diluted = pos.average_cost
        else:
            # diluted mode: everything paid in (fees included) against what the holding is worth
            pl_val = mv - pos.diluted_cost_basis if pos.qty else pos.realized_pl
        basis = abs(pos.diluted_cost_basis) if not fut else abs(pos.average_cost * pos.qty * mult)
        pl_ratio = pl_val / basis if basis else None
        avg_basis = abs(pos.average_cost * pos.qty * mult)
        pl_ratio_avg = unreal / avg_basis if avg_basis else None
        td_buy_qty = pos.td_buy_qty if traded_today else 0.0
        td_sell_qty = pos.td_sell_qty if traded_today else 0.0
        td_buy_val = pos.td_buy_val if traded_today else 0.0
        td_sell_val = pos.td_sell_val if traded_today else 0.0
        sod_qty = pos.sod_qty if traded_today else pos.qty
        sod_price = pos.sod_price if traded_today else (info.prev_close or price)
        today_pl = mv - sod_qty * sod_price * mult - (td_buy_val - td_sell_val)
        pending_sell = self._pending_qty(pos.acc_id, pos.code, False)
        if pos.qty > 0:
            can_sell = max(self._can_sell(pos, info, now) - pending_sell, 0.0)
        else:
            can_sell = max(-pos.qty - self._pending_qty(pos.acc_id, pos.code, True), 0.0)
        return PositionRow(
            position_id=pos.position_id, acc_id=pos.acc_id, code=pos.code, name=pos.name,
            position_side=pos.side, position_market=pos.trd_market, sec_market=pos.sec_market,
            currency=pos.currency, qty=abs(pos.qty), can_sell_qty=can_sell, nominal_price=_r(price),
            cost_price=_r(diluted if not fut else pos.average_cost), average_cost=_r(pos.average_cost),
            diluted_cost=_r(diluted), market_val=0.0 if fut else _r(mv), pl_ratio=pl_ratio,
            pl_ratio_avg_cost=pl_ratio_avg, pl_val=_r(pl_val, 2 if fut else 3), today_pl_val=_r(today_pl),
            today_trd_val=_r(td_buy_val + td_sell_val), today_buy_qty=td_buy_qty, today_buy_val=_r(td_buy_val),
            today_sell_qty=td_sell_qty, today_sell_val=_r(td_sell_val), unrealized_pl=_r(unreal, 2),
            realized_pl=_r(pos.realized_pl, 2),
        )

    def funds(self, acc_id: int, currency: Currency = Currency.NONE) -> Funds:
        """accinfo_query (docs L8541-L8679), amounts in ``currency`` (default: the account's)."""
        acc = self._account(acc_id)
        cur = acc.base_currency if currency == Currency.NONE else Currency(currency)
        f = self._account_figures(acc, cur)
        power, power_short, net_cash = self._buying_power(acc, cur)
        equity = f["equity"]
        cash_info = []
        for (a, c), v in sorted(self.cash.items(), key=lambda kv: int(kv[0][1])):
            if a != acc_id:
                continue
            frozen_here = self._fx(f["frozen"], cur, c) if c == acc.base_currency else 0.0
            cash_info.append(CurrencyCash(c, _r(v), _r(max(v - frozen_here, 0.0)), _r(max(v - frozen_here, 0.0))))
        markets = tuple((m, _r(equity)) for m in acc.trdmarket_auth[:1])
        mm = f["mm"]
        if equity <= 0 and (f["long_mv"] or f["short_mv"] or f["im"]):
            status, level = CltRiskStatus.LEVEL9, CltRiskLevel.DANGER
        elif not (f["long_mv"] or f["short_mv"] or f["im"]):
            status, level = CltRiskStatus.LEVEL1, CltRiskLevel.ABSOLUTE_SAFE
        else:
            use = mm / equity
            bands = (0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
            status = CltRiskStatus(next((i + 1 for i, b in enumerate(bands) if use <= b), 9))
            level = (CltRiskLevel.SAFE if equity >= f["im"] else
                     CltRiskLevel.WARNING if equity >= mm else CltRiskLevel.DANGER)
        fut = acc.category == TrdCategory.FUTURE
        avail_withdraw = max(min(f["cash"], equity - f["im"]) - f["frozen"], 0.0)
        return Funds(
            power=_r(power), max_power_short=_r(power_short), net_cash_power=_r(net_cash),
            total_assets=_r(equity), securities_assets=_r(0.0 if fut else equity), fund_assets=0.0, bond_assets=0.0,
            cash=_r(f["cash"]), market_val=_r(0.0 if fut else f["long_mv"] - f["short_mv"]),
            long_mv=_r(f["long_mv"]), short_mv=_r(f["short_mv"]), pending_asset=0.0,
            interest_charged_amount=_r(max(-f["cash"], 0.0)), frozen_cash=_r(f["frozen"]),
            avl_withdrawal_cash=_r(max(f["cash"] - f["frozen"], 0.0)), max_withdrawal=_r(avail_withdraw),
            currency=cur, available_funds=_r(max(equity - f["im"] - f["frozen"], 0.0)),
            unrealized_pl=_r(f["unreal"], 2), realized_pl=_r(f["realized"], 2), risk_level=level,
            risk_status=status, initial_margin=_r(f["im"]), margin_call_margin=_r(f["mcm"]),
            maintenance_margin=_r(mm), cash_info=tuple(cash_info), market_assets=markets,
        )

    def max_trade_qty(self, acc_id: int, order_type: OrderType, code: str, price: float,
                      order_id: str | None = None, adjust_limit: float = 0.0) -> MaxTradeQty:
        """acctradinginfo_query (docs L8680-L8764)."""
        acc = self._active_account(acc_id)
        info = self._instrument(code)
        self._check_account_product(acc, info)
        now = self.market.now()
        replacing = self._find_order(acc, order_id) if order_id else None
        o_type = OrderType(order_type)
        px = price if price and price > 0 else (self._price(info) or 0.0)
        if o_type in _NEEDS_PRICE and price and price > 0:
            adj = adjust_to_tick(info, price, adjust_limit)
            if adj is None:
                raise self._bad("order price is not on a valid tick", BrokerErrorCode.PRICE_TICK)
            px = adj
        if o_type in MARKET_LIKE or o_type == OrderType.AUCTION:
            px = self._reserve_price(o_type, px, None, info)
        if px <= 0:
            raise self._bad("price must be positive")
        lot = max(info.lot_size, 1)
        mult = info.multiplier
        power, short_power, net_cash = self._buying_power(acc, info.currency)
        back = self._order_cost(replacing, info) if replacing else 0.0
        pos = self._positions.get((acc.acc_id, info.code))
        held = pos.qty if pos else 0.0
        fut = info.kind == InstrumentKind.FUTURE
        im_per = px * mult * self.config.margin.futures_im / 100
        if fut:
            cash_buy = 0.0
            margin_buy = round_lot_down((power + back) / im_per, lot) if im_per else 0.0
        else:
            unit = px * mult * (1 + 0.001)  # leave room for fees
            cash_buy = round_lot_down((net_cash + back) / unit, lot)
            margin_buy = round_lot_down((power + back) / unit, lot) if acc.is_margin else cash_buy
        sell_excl = replacing.order_id if replacing else None
        pos_sell = max(self._can_sell(pos, info, now) - self._pending_qty(acc.acc_id, code, False, sell_excl), 0.0)
        short = 0.0
        if acc.is_margin and info.shortable and held <= 0:
            per = px * mult * (self.config.margin.futures_im / 100 if fut else 1.0)
            short = round_lot_down((short_power + back) / per, lot)
        buy_back = max(-held, 0.0)
        return MaxTradeQty(
            max_cash_buy=cash_buy, max_cash_and_margin_buy=margin_buy, max_position_sell=pos_sell,
            max_sell_short=short, max_buy_back=buy_back,
            long_required_im=_r(im_per) if fut else None, short_required_im=_r(im_per) if fut else None,
        )

    def margin_ratios(self, codes: list[str]) -> list[MarginRatio]:
        """get_margin_ratio (docs L8868-L8945): HK and US stocks only, at most 100 codes."""
        if len(codes) > 100:
            raise self._bad("at most 100 codes per request")  # docs L8943
        m = self.config.margin
        out = []
        for code in dict.fromkeys(codes):
            info = self._instrument(code)
            if info.sec_market not in (TrdSecMarket.HK, TrdSecMarket.US) or info.kind not in (
                InstrumentKind.STOCK, InstrumentKind.ETF
            ):
                raise self._bad(f"margin data is available for HK and US stocks only: {code}", BrokerErrorCode.UNSUPPORTED)
            out.append(MarginRatio(
                code=code, is_long_permit=True, is_short_permit=info.shortable, short_pool_remain=0.0 if not
                info.shortable else 1_000_000.0, short_fee_rate=m.short_fee_rate, alert_long_ratio=m.alert_long,
                alert_short_ratio=m.alert_short, im_long_ratio=m.im_long, im_short_ratio=m.im_short,
                mcm_long_ratio=m.mcm_long, mcm_short_ratio=m.mcm_short, mm_long_ratio=m.mm_long,
                mm_short_ratio=m.mm_short,
            ))
        return out

    def order_fees(self, acc_id: int, order_ids: list[str]) -> list[OrderFee]:
        """order_fee_query (docs L9623-L9698): fee items charged on each order's fills."""
        self._refuse_in_paper(acc_id, "order_fee_query", "L9696")
        acc = self._account(acc_id)
        out = []
        for oid in order_ids:
            o = self._find_order(acc, oid)
            info = self._instrument(o.code)
            items = tuple(self.config.fees.items(info, o.trd_side, o.dealt_qty, o.dealt_avg_price))
            out.append(OrderFee(o.order_id_ex, round(sum(i.value for i in items), 2), items))
        return out

    def cash_flows(self, acc_id: int, clearing_date: dt.date | None = None,
                      direction: CashFlowDirection = CashFlowDirection.NONE) -> list[CashFlow]:
        """get_acc_cash_flow (docs L8946-L9031), ascending by time."""
        self._refuse_in_paper(acc_id, "get_acc_cash_flow", "L9030")
        return [replace(c) for c in self._cash_flows
                if c.acc_id == acc_id and (clearing_date is None or c.clearing_date == clearing_date)
                and (direction == CashFlowDirection.NONE or c.cashflow_direction == direction)]

    # names of the Futu API functions
    order_list_query = orders
    history_order_list_query = history_orders
    deal_list_query = deals
    history_deal_list_query = history_deals
    position_list_query = positions
    accinfo_query = funds
    acctradinginfo_query = max_trade_qty
    get_margin_ratio = margin_ratios
    order_fee_query = order_fees
    get_acc_cash_flow = cash_flows
    get_acc_list = get_accounts

    @property
    def cash_balances(self) -> dict[tuple[int, Currency], float]:
        """Cash per (acc_id, currency), a copy."""
        return dict(self.cash)

    def position_record(self, acc_id: int, code: str) -> Position | None:
        """The raw position record (signed quantity), a copy."""
        pos = self._positions.get((acc_id, code))
        return replace(pos) if pos else None
