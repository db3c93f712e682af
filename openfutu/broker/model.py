"""Domain records of the simulated broker: accounts, orders, fills,
positions, funds, cash flows and the requests that change them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from openfutu.broker.enums import (
    CashFlowDirection,
    CltRiskLevel,
    CltRiskStatus,
    Currency,
    DealStatus,
    DTStatus,
    ModifyOrderOp,
    OrderStatus,
    OrderType,
    PositionSide,
    SecurityFirm,
    Session,
    SimAccType,
    TimeInForce,
    TrailType,
    TrdAccRole,
    TrdAccStatus,
    TrdAccType,
    TrdCategory,
    TrdEnv,
    TrdMarket,
    TrdSecMarket,
    TrdSide,
)
from openfutu.broker.market_view import InstrumentKind


@dataclass(slots=True)
class Account:
    acc_id: int
    trd_env: TrdEnv
    acc_type: TrdAccType
    category: TrdCategory
    trdmarket_auth: tuple[TrdMarket, ...]
    sim_acc_type: SimAccType
    security_firm: SecurityFirm
    card_num: str
    uni_card_num: str
    base_currency: Currency
    acc_status: TrdAccStatus = TrdAccStatus.ACTIVE
    acc_role: TrdAccRole = TrdAccRole.NORMAL
    acc_index: int = 0  # position in the broker's account list

    @property
    def is_margin(self) -> bool:
        return self.acc_type == TrdAccType.MARGIN


@dataclass(slots=True)
class Order:
    order_id: int
    order_id_ex: str
    acc_id: int
    code: str
    name: str
    trd_side: TrdSide
    order_type: OrderType
    order_status: OrderStatus
    qty: float
    price: float
    currency: Currency
    trd_market: TrdMarket
    sec_market: TrdSecMarket
    create_time: dt.datetime
    update_time: dt.datetime
    dealt_qty: float = 0.0
    dealt_avg_price: float = 0.0
    last_err_msg: str = ""
    remark: str = ""
    time_in_force: TimeInForce = TimeInForce.DAY
    fill_outside_rth: bool = False
    session: Session = Session.NONE
    aux_price: float | None = None
    trail_type: TrailType | None = None
    trail_value: float | None = None
    trail_spread: float | None = None
    expire_time: dt.datetime | None = None
    # --- matching state (persisted, not shown on the wire) ---
    triggered: bool = False  # conditional order has been triggered
    trail_anchor: float | None = None  # best price seen since placement (trailing types)
    queue_ahead: float = 0.0  # displayed volume ahead of us at our price
    trade_cursor: int = 0  # market trade prints already seen
    trading_date: dt.date | None = None  # exchange date the order was placed
    status_before_disable: OrderStatus | None = None
    fee_total: float = 0.0

    @property
    def remaining_qty(self) -> float:
        return max(self.qty - self.dealt_qty, 0.0)

    def copy(self) -> "Order":
        return replace(self)


@dataclass(slots=True)
class Fill:
    fill_id: int
    fill_id_ex: str
    order_id: int
    order_id_ex: str
    acc_id: int
    code: str
    name: str
    trd_side: TrdSide
    qty: float
    price: float
    create_time: dt.datetime
    sec_market: TrdSecMarket
    trd_market: TrdMarket
    currency: Currency
    fee: float = 0.0
    status: DealStatus = DealStatus.OK
    counter_broker_id: int | None = None
    counter_broker_name: str | None = None


@dataclass(slots=True)
class Position:
    position_id: int
    acc_id: int
    code: str
    name: str
    sec_market: TrdSecMarket
    trd_market: TrdMarket
    currency: Currency
    kind: InstrumentKind
    multiplier: float = 1.0
    qty: float = 0.0  # signed: > 0 long, < 0 short
    average_cost: float = 0.0  # average open price of the current position
    diluted_cost_basis: float = 0.0  # money in minus money out, fees included
    realized_pl: float = 0.0
    # today's statistics, reset at the first event of a new exchange date
    today: dt.date | None = None
    td_buy_qty: float = 0.0
    td_buy_val: float = 0.0
    td_sell_qty: float = 0.0
    td_sell_val: float = 0.0
    sod_qty: float = 0.0  # quantity at start of day
    sod_price: float = 0.0  # reference price at start of day (previous close)

    @property
    def side(self) -> PositionSide:
        return PositionSide.SHORT if self.qty < 0 else PositionSide.LONG


@dataclass(frozen=True, slots=True)
class PositionRow:
    """One row of the position list (position_list_query columns)."""

    position_id: int
    acc_id: int
    code: str
    name: str
    position_side: PositionSide
    position_market: TrdMarket
    sec_market: TrdSecMarket
    currency: Currency
    qty: float
    can_sell_qty: float
    nominal_price: float
    cost_price: float
    average_cost: float
    diluted_cost: float
    market_val: float
    pl_ratio: float | None  # fraction, diluted-cost mode
    pl_ratio_avg_cost: float | None  # fraction, average-cost mode
    pl_val: float
    today_pl_val: float
    today_trd_val: float
    today_buy_qty: float
    today_buy_val: float
    today_sell_qty: float
    today_sell_val: float
    unrealized_pl: float
    realized_pl: float


@dataclass(frozen=True, slots=True)
class CurrencyCash:
    currency: Currency
    cash: float
    available_balance: float
    net_cash_power: float


@dataclass(frozen=True, slots=True)
class Funds:
    """accinfo_query columns (amounts in ``currency``)."""

    power: float
    max_power_short: float
    net_cash_power: float
    total_assets: float
    securities_assets: float
    fund_assets: float
    bond_assets: float
    cash: float
    market_val: float
    long_mv: float
    short_mv: float
    pending_asset: float
    interest_charged_amount: float
    frozen_cash: float
    avl_withdrawal_cash: float
    max_withdrawal: float
    currency: Currency
    available_funds: float
    unrealized_pl: float
    realized_pl: float
    risk_level: CltRiskLevel
    risk_status: CltRiskStatus
    initial_margin: float
    margin_call_margin: float
    maintenance_margin: float
    cash_info: tuple[CurrencyCash, ...]
    market_assets: tuple[tuple[TrdMarket, float], ...]
    is_pdt: bool = False
    pdt_seq: str = ""
    beginning_dtbp: float = 0.0
    remaining_dtbp: float = 0.0
    dt_call_amount: float = 0.0
    dt_status: DTStatus = DTStatus.NONE


@dataclass(frozen=True, slots=True)
class MaxTradeQty:
    """acctradinginfo_query columns."""

    max_cash_buy: float
    max_cash_and_margin_buy: float
    max_position_sell: float
    max_sell_short: float
    max_buy_back: float
    long_required_im: float | None
    short_required_im: float | None
    session: Session = Session.NONE


@dataclass(frozen=True, slots=True)
class MarginRatio:
    """get_margin_ratio columns; ratios in percent as the docs' example shows."""

    code: str
    is_long_permit: bool
    is_short_permit: bool
    short_pool_remain: float
    short_fee_rate: float
    alert_long_ratio: float
    alert_short_ratio: float
    im_long_ratio: float
    im_short_ratio: float
    mcm_long_ratio: float
    mcm_short_ratio: float
    mm_long_ratio: float
    mm_short_ratio: float


@dataclass(frozen=True, slots=True)
class FeeItem:
    title: str
    value: float


@dataclass(frozen=True, slots=True)
class OrderFee:
    order_id_ex: str
    fee_amount: float
    fee_details: tuple[FeeItem, ...]


@dataclass(slots=True)
class CashFlow:
    cashflow_id: int
    acc_id: int
    clearing_date: dt.date
    settlement_date: dt.date
    currency: Currency
    cashflow_type: str
    cashflow_direction: CashFlowDirection
    cashflow_amount: float  # positive in, negative out
    cashflow_remark: str
    create_time: dt.datetime


@dataclass(slots=True)
class PlaceOrderRequest:
    acc_id: int
    code: str
    trd_side: TrdSide
    qty: float
    price: float = 0.0
    order_type: OrderType = OrderType.NORMAL
    adjust_limit: float = 0.0
    remark: str | None = None
    time_in_force: TimeInForce = TimeInForce.DAY
    fill_outside_rth: bool = False
    aux_price: float | None = None
    trail_type: TrailType | None = None
    trail_value: float | None = None
    trail_spread: float | None = None
    session: Session = Session.NONE
    expire_time: dt.datetime | None = None


@dataclass(slots=True)
class ModifyOrderRequest:
    acc_id: int
    order_id: str
    op: ModifyOrderOp
    qty: float = 0.0
    price: float = 0.0
    adjust_limit: float = 0.0
    aux_price: float | None = None
    trail_type: TrailType | None = None
    trail_value: float | None = None
    trail_spread: float | None = None


@dataclass(slots=True)
class OrderFilter:
    """Filters shared by order/deal queries (TrdFilterConditions)."""

    order_ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: tuple[OrderStatus, ...] = ()
    market: TrdMarket = TrdMarket.NONE
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderUpdated:
    """An order changed in one of the pushed fields (docs L12884-L12888)."""

    trd_env: TrdEnv
    acc_id: int
    order: Order


@dataclass(frozen=True, slots=True)
class FillOccurred:
    trd_env: TrdEnv
    acc_id: int
    fill: Fill


BrokerEvent = OrderUpdated | FillOccurred


@dataclass(slots=True)
class AccountState:
    """Mutable money state of one account."""

    cash: dict[Currency, float] = field(default_factory=dict)
