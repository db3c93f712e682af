"""Trade protocols (Trd_*), served from the simulated broker.

2001 GetAccList, 2005 UnlockTrade, 2008 SubAccPush, 2101 GetFunds,
2102 GetPositionList, 2111 GetMaxTrdQtys, 2201 GetOrderList,
2202 PlaceOrder, 2205 ModifyOrder, 2211 GetOrderFillList,
2221 GetHistoryOrderList, 2222 GetHistoryOrderFillList,
2223 GetMarginRatio, 2225 GetOrderFee, 2226 FlowSummary; and the builders
of the 2208 / 2218 pushes that the trading desk sends.

Wire conventions (trade-apis.md §0): codes travel bare with ``secMarket``;
``orderIDEx`` is the order ID clients use; P/L ratios are fractions; times
are exchange-local strings (futures: future_trade_api_time_zone).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, TypeVar

from openfutu.broker import BrokerError, ModifyOrderRequest, OrderFilter, PlaceOrderRequest
from openfutu.broker.enums import (
    CashFlowDirection,
    Currency,
    ModifyOrderOp,
    OrderStatus,
    OrderType,
    Session,
    TimeInForce,
    TrailType,
    TrdCategory,
    TrdEnv,
    TrdMarket,
    TrdSecMarket,
    TrdSide,
)
from openfutu.broker.model import Account, Fill, FillOccurred, Order, OrderUpdated, PositionRow
from openfutu.protocol.pb import (
    Trd_Common_pb2,
    Trd_FlowSummary_pb2,
    Trd_GetAccList_pb2,
    Trd_GetFunds_pb2,
    Trd_GetHistoryOrderFillList_pb2,
    Trd_GetHistoryOrderList_pb2,
    Trd_GetMarginRatio_pb2,
    Trd_GetMaxTrdQtys_pb2,
    Trd_GetOrderFee_pb2,
    Trd_GetOrderFillList_pb2,
    Trd_GetOrderList_pb2,
    Trd_GetPositionList_pb2,
    Trd_ModifyOrder_pb2,
    Trd_PlaceOrder_pb2,
    Trd_SubAccPush_pb2,
    Trd_UnlockTrade_pb2,
    Trd_UpdateOrder_pb2,
    Trd_UpdateOrderFill_pb2,
)

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import TRADE_RATE_RULES
from ..trading import TradingDesk, WriteOutcome, desk_of, local_zone

E = TypeVar("E")

_PREFIX_OF_SEC_MARKET = {
    TrdSecMarket.HK: "HK",
    TrdSecMarket.US: "US",
    TrdSecMarket.CN_SH: "SH",
    TrdSecMarket.CN_SZ: "SZ",
    TrdSecMarket.SG: "SG",
    TrdSecMarket.JP: "JP",
    TrdSecMarket.AU: "AU",
    TrdSecMarket.MY: "MY",
    TrdSecMarket.CA: "CA",
}
_QOT_MARKET_OF_PREFIX = {"HK": 1, "US": 11, "SH": 21, "SZ": 22, "SG": 31, "JP": 41}  # Qot_Common.QotMarket
_PREFIX_OF_QOT_MARKET = {v: k for k, v in _QOT_MARKET_OF_PREFIX.items()}
_PREFIX_OF_QOT_MARKET[2] = "HK"  # HK futures
_ZONE_OF_MARKET = {
    TrdMarket.HK: "HK.",
    TrdMarket.HKCC: "SH.",
    TrdMarket.CN: "SH.",
    TrdMarket.US: "US.",
    TrdMarket.SG: "SG.",
    TrdMarket.JP: "JP.",
}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")

NO_REAL_ACCOUNT = (
    "no real trading account: this gateway serves simulated accounts only "
    "(use TrdEnv.SIMULATE, or start it with openfutu_serve_real_env=1)"
)


# ----------------------------------------------------------------- helpers


def _desk(ctx: RequestContext) -> TradingDesk:
    desk = desk_of(ctx.gateway.services)
    desk.attach(ctx.gateway)
    return desk


def _enum(kind: Callable[[int], E], value: int, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ApiError(f"unknown {what}: {value}") from None


def _broker_call(fn: Callable[..., E], *args: Any, **kwargs: Any) -> E:
    try:
        return fn(*args, **kwargs)
    except BrokerError as err:
        raise ApiError(err.message) from None


def _serves_real(ctx: RequestContext) -> bool:
    return bool(ctx.gateway.config.openfutu_serve_real_env)


def _account(ctx: RequestContext, desk: TradingDesk, header: Trd_Common_pb2.TrdHeader) -> Account:
    """The account a request's TrdHeader names, checked against its trdEnv."""
    env = _enum(TrdEnv, header.trdEnv, "trdEnv")
    if env == TrdEnv.REAL and not _serves_real(ctx):
        raise ApiError(NO_REAL_ACCOUNT)
    acc = desk.broker.accounts.get(header.accID)
    if acc is None:
        raise ApiError(f"non-existing acc_id: {header.accID}")
    if acc.trd_env != env:
        raise ApiError(f"acc_id {header.accID} is a {acc.trd_env.name} account, not {env.name}")
    return acc


def _rate(ctx: RequestContext, function: str, key: Any) -> None:
    ctx.gateway.services.check_rate(TRADE_RATE_RULES[function], key)


def _echo_header(header: Trd_Common_pb2.TrdHeader) -> Trd_Common_pb2.TrdHeader:
    out = Trd_Common_pb2.TrdHeader()
    out.CopyFrom(header)
    return out


def _zone(desk: TradingDesk, acc: Account | None, code: str) -> dt.tzinfo:
    """Display zone: futures use future_trade_api_time_zone (docs L12737-L12746),
    securities their exchange's local time."""
    if acc is not None and acc.category == TrdCategory.FUTURE:
        return desk.future_time_zone
    return local_zone(code)


def _account_zone(desk: TradingDesk, acc: Account) -> dt.tzinfo:
    if acc.category == TrdCategory.FUTURE:
        return desk.future_time_zone
    market = acc.trdmarket_auth[0] if acc.trdmarket_auth else TrdMarket.HK
    return local_zone(_ZONE_OF_MARKET.get(market, "HK."))


def _fmt(t: dt.datetime, zone: dt.tzinfo) -> str:
    local = t.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def _parse_time(text: str, zone: dt.tzinfo, what: str) -> dt.datetime:
    text = text.strip()
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ApiError(f"wrong {what} format: {text!r}, expected YYYY-MM-DD HH:MM:SS")


def _bare(code: str) -> str:
    return code.partition(".")[2] or code


def _sec_market_of(code: str) -> TrdSecMarket:
    prefix = code.partition(".")[0]
    for market, p in _PREFIX_OF_SEC_MARKET.items():
        if p == prefix:
            return market
    return TrdSecMarket.NONE


def _full_code(code: str, sec_market: int | None, acc: Account) -> str:
    """``HK.00700`` from the wire's bare code and secMarket (or, without one,
    the account's market)."""
    code = code.strip()
    if not code:
        raise ApiError("code is empty")
    if sec_market:
        prefix = _PREFIX_OF_SEC_MARKET.get(_enum(TrdSecMarket, sec_market, "secMarket"))
        if prefix is None:
            raise ApiError(f"unsupported secMarket: {sec_market}")
        return f"{prefix}.{code}"
    markets = set(acc.trdmarket_auth)
    if markets & {TrdMarket.US, TrdMarket.FUTURES_SIMULATE_US}:
        return f"US.{code}"
    if markets & {TrdMarket.CN, TrdMarket.HKCC}:
        return f"{'SH' if code.startswith(('6', '9', '5')) else 'SZ'}.{code}"
    if markets & {TrdMarket.SG, TrdMarket.FUTURES_SIMULATE_SG}:
        return f"SG.{code}"
    if markets & {TrdMarket.JP, TrdMarket.FUTURES_SIMULATE_JP}:
        return f"JP.{code}"
    return f"HK.{code}"


def _filter(desk: TradingDesk, acc: Account, cond: Trd_Common_pb2.TrdFilterConditions | None,
            statuses: list[int] | None = None) -> OrderFilter:
    flt = OrderFilter()
    if statuses:
        flt.statuses = tuple(_enum(OrderStatus, s, "order status") for s in statuses)
    if cond is None:
        return flt
    zone = _account_zone(desk, acc)
    flt.codes = tuple(c.strip() for c in cond.codeList if c.strip())
    ids = [str(i) for i in cond.orderIDExList if i] + [str(i) for i in cond.idList if i]
    flt.order_ids = tuple(ids)
    if cond.HasField("filterMarket") and cond.filterMarket:
        flt.market = _enum(TrdMarket, cond.filterMarket, "filterMarket")
    if cond.HasField("beginTime") and cond.beginTime:
        flt.start = _parse_time(cond.beginTime, zone, "beginTime")
    if cond.HasField("endTime") and cond.endTime:
        flt.end = _parse_time(cond.endTime, zone, "endTime")
    if flt.start and flt.end and flt.start > flt.end:
        raise ApiError("beginTime is after endTime")
    return flt


# -------------------------------------------------------- message builders


def order_message(desk: TradingDesk, o: Order) -> Trd_Common_pb2.Order:
    acc = desk.broker.accounts.get(o.acc_id)
    zone = _zone(desk, acc, o.code)
    m = Trd_Common_pb2.Order(
        trdSide=int(o.trd_side),
        orderType=int(o.order_type),
        orderStatus=int(o.order_status),
        orderID=o.order_id,
        orderIDEx=o.order_id_ex,
        code=_bare(o.code),
        name=o.name,
        qty=o.qty,
        price=o.price,
        createTime=_fmt(o.create_time, zone),
        updateTime=_fmt(o.update_time, zone),
        fillQty=o.dealt_qty,
        fillAvgPrice=round(o.dealt_avg_price, 9),
        lastErrMsg=o.last_err_msg,
        secMarket=int(o.sec_market),
        createTimestamp=o.create_time.timestamp(),
        updateTimestamp=o.update_time.timestamp(),
        remark=o.remark,
        timeInForce=int(o.time_in_force),
        fillOutsideRTH=o.fill_outside_rth,
        currency=int(o.currency),
        trdMarket=int(o.trd_market),
        session=int(o.session),
    )
    if o.aux_price is not None:
        m.auxPrice = o.aux_price
    if o.trail_type is not None:
        m.trailType = int(o.trail_type)
    if o.trail_value is not None:
        m.trailValue = o.trail_value
    if o.trail_spread is not None:
        m.trailSpread = o.trail_spread
    if o.expire_time is not None:
        m.expireTime = _fmt(o.expire_time, zone)[:19]
    return m


def fill_message(desk: TradingDesk, f: Fill) -> Trd_Common_pb2.OrderFill:
    acc = desk.broker.accounts.get(f.acc_id)
    zone = _zone(desk, acc, f.code)
    m = Trd_Common_pb2.OrderFill(
        trdSide=int(f.trd_side),
        fillID=f.fill_id,
        fillIDEx=f.fill_id_ex,
        orderID=f.order_id,
        orderIDEx=f.order_id_ex,
        code=_bare(f.code),
        name=f.name,
        qty=f.qty,
        price=f.price,
        createTime=_fmt(f.create_time, zone),
        secMarket=int(f.sec_market),
        createTimestamp=f.create_time.timestamp(),
        updateTimestamp=f.create_time.timestamp(),
        status=int(f.status),
        trdMarket=int(f.trd_market),
    )
    if f.counter_broker_id is not None:
        m.counterBrokerID = f.counter_broker_id
    if f.counter_broker_name is not None:
        m.counterBrokerName = f.counter_broker_name
    return m


def _push_header(desk: TradingDesk, acc_id: int, market: TrdMarket) -> Trd_Common_pb2.TrdHeader:
    acc = desk.broker.accounts[acc_id]
    return Trd_Common_pb2.TrdHeader(trdEnv=int(acc.trd_env), accID=acc_id, trdMarket=int(market))


def order_push(desk: TradingDesk, event: OrderUpdated) -> Trd_UpdateOrder_pb2.S2C:
    """Body of a 2208 Trd_UpdateOrder push."""
    s2c = Trd_UpdateOrder_pb2.S2C()
    s2c.header.CopyFrom(_push_header(desk, event.acc_id, event.order.trd_market))
    s2c.order.CopyFrom(order_message(desk, event.order))
    return s2c


def fill_push(desk: TradingDesk, event: FillOccurred) -> Trd_UpdateOrderFill_pb2.S2C:
    """Body of a 2218 Trd_UpdateOrderFill push."""
    s2c = Trd_UpdateOrderFill_pb2.S2C()
    s2c.header.CopyFrom(_push_header(desk, event.acc_id, event.fill.trd_market))
    s2c.orderFill.CopyFrom(fill_message(desk, event.fill))
    return s2c


def _position_message(row: PositionRow) -> Trd_Common_pb2.Position:
    m = Trd_Common_pb2.Position(
        positionID=row.position_id,
        positionSide=int(row.position_side),
        code=_bare(row.code),
        name=row.name,
        qty=row.qty,
        canSellQty=row.can_sell_qty,
        price=row.nominal_price,
        costPrice=row.cost_price,
        val=row.market_val,
        plVal=row.pl_val,
        secMarket=int(row.sec_market),
        td_plVal=row.today_pl_val,
        td_trdVal=row.today_trd_val,
        td_buyVal=row.today_buy_val,
        td_buyQty=row.today_buy_qty,
        td_sellVal=row.today_sell_val,
        td_sellQty=row.today_sell_qty,
        unrealizedPL=row.unrealized_pl,
        realizedPL=row.realized_pl,
        currency=int(row.currency),
        trdMarket=int(row.position_market),
        dilutedCostPrice=row.diluted_cost,
        averageCostPrice=row.average_cost,
        accID=row.acc_id,
    )
    if row.pl_ratio is not None:
        m.plRatio = row.pl_ratio
    if row.pl_ratio_avg_cost is not None:
        m.averagePlRatio = row.pl_ratio_avg_cost
    return m


# ---------------------------------------------------------------- accounts


@handles(2001)
def get_acc_list(ctx: RequestContext, c2s: Trd_GetAccList_pb2.C2S) -> Trd_GetAccList_pb2.S2C:
    # Called before every trade request by the SDK (trade-apis.md §0.5): cheap and unlimited.
    desk = _desk(ctx)
    category = None
    if c2s.HasField("trdCategory") and c2s.trdCategory:
        category = _enum(TrdCategory, c2s.trdCategory, "trdCategory")
    s2c = Trd_GetAccList_pb2.S2C()
    for acc in desk.broker.get_accounts(category=category):
        if acc.trd_env == TrdEnv.REAL and not _serves_real(ctx):
            continue
        m = s2c.accList.add(
            trdEnv=int(acc.trd_env),
            accID=acc.acc_id,
            accType=int(acc.acc_type),
            accStatus=int(acc.acc_status),
            accRole=int(acc.acc_role),
        )
        m.trdMarketAuthList.extend(int(x) for x in acc.trdmarket_auth)
        # simulated accounts have no card and no broker: the SDK shows N/A (docs L8470-L8472)
        if acc.card_num:
            m.cardNum = acc.card_num
        if acc.uni_card_num:
            m.uniCardNum = acc.uni_card_num
        if acc.security_firm:
            m.securityFirm = int(acc.security_firm)
        if acc.sim_acc_type:
            m.simAccType = int(acc.sim_acc_type)
    return s2c


@handles(2005)
def unlock_trade(ctx: RequestContext, c2s: Trd_UnlockTrade_pb2.C2S) -> Trd_UnlockTrade_pb2.S2C:
    desk = _desk(ctx)
    _rate(ctx, "unlock_trade", ("user", ctx.gateway.services.login_user_id))  # docs L8539: per user ID
    if c2s.unlock and not (c2s.HasField("pwdMD5") and c2s.pwdMD5):
        raise ApiError("the trade password is required to unlock")
    _broker_call(desk.broker.unlock, c2s.pwdMD5, bool(c2s.unlock))
    return Trd_UnlockTrade_pb2.S2C()


@handles(2008)
def sub_acc_push(ctx: RequestContext, c2s: Trd_SubAccPush_pb2.C2S) -> Trd_SubAccPush_pb2.S2C:
    desk = _desk(ctx)
    ids = list(c2s.accIDList)
    unknown = [a for a in ids if a not in desk.broker.accounts]
    if unknown:
        raise ApiError(f"non-existing acc_id: {unknown[0]}")
    if not _serves_real(ctx):
        ids = [a for a in ids if desk.broker.accounts[a].trd_env == TrdEnv.SIMULATE]
    desk.subscribe(ctx.session, ids)  # the complete set, replacing the previous one
    return Trd_SubAccPush_pb2.S2C()


# ------------------------------------------------------------------- money


@handles(2101)
def get_funds(ctx: RequestContext, c2s: Trd_GetFunds_pb2.C2S) -> Trd_GetFunds_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    if c2s.refreshCache:
        _rate(ctx, "accinfo_query", acc.acc_id)  # docs L8677-L8678: refreshing calls only
    currency = _enum(Currency, c2s.currency, "currency") if c2s.HasField("currency") else Currency.NONE
    f = _broker_call(desk.broker.funds, acc.acc_id, currency)
    s2c = Trd_GetFunds_pb2.S2C(header=_echo_header(c2s.header))
    m = s2c.funds
    m.power = f.power
    m.totalAssets = f.total_assets
    m.cash = f.cash
    m.marketVal = f.market_val
    m.frozenCash = f.frozen_cash
    m.debtCash = f.interest_charged_amount
    m.avlWithdrawalCash = f.avl_withdrawal_cash
    m.currency = int(f.currency)
    m.availableFunds = f.available_funds
    m.unrealizedPL = f.unrealized_pl
    m.realizedPL = f.realized_pl
    m.riskLevel = int(f.risk_level)
    m.initialMargin = f.initial_margin
    m.maintenanceMargin = f.maintenance_margin
    for c in f.cash_info:
        m.cashInfoList.add(currency=int(c.currency), cash=c.cash, availableBalance=c.available_balance,
                           netCashPower=c.net_cash_power)
    m.maxPowerShort = f.max_power_short
    m.netCashPower = f.net_cash_power
    m.longMv = f.long_mv
    m.shortMv = f.short_mv
    m.pendingAsset = f.pending_asset
    m.maxWithdrawal = f.max_withdrawal
    m.riskStatus = int(f.risk_status)
    m.marginCallMargin = f.margin_call_margin
    m.isPdt = f.is_pdt
    m.pdtSeq = f.pdt_seq
    m.beginningDTBP = f.beginning_dtbp
    m.remainingDTBP = f.remaining_dtbp
    m.dtCallAmount = f.dt_call_amount
    m.dtStatus = int(f.dt_status)
    m.securitiesAssets = f.securities_assets
    m.fundAssets = f.fund_assets
    m.bondAssets = f.bond_assets
    for market, assets in f.market_assets:
        m.marketInfoList.add(trdMarket=int(market), assets=assets)
    return s2c


@handles(2102)
def get_position_list(ctx: RequestContext, c2s: Trd_GetPositionList_pb2.C2S) -> Trd_GetPositionList_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    if c2s.refreshCache:
        _rate(ctx, "position_list_query", acc.acc_id)  # docs L8865-L8866: refreshing calls only
    market = TrdMarket.NONE
    codes: set[str] = set()
    if c2s.HasField("filterConditions"):
        cond = c2s.filterConditions
        codes = {c.strip() for c in cond.codeList if c.strip()}
        if cond.HasField("filterMarket") and cond.filterMarket:
            market = _enum(TrdMarket, cond.filterMarket, "filterMarket")
    lo = c2s.filterPLRatioMin if c2s.HasField("filterPLRatioMin") else None
    hi = c2s.filterPLRatioMax if c2s.HasField("filterPLRatioMax") else None
    rows = _broker_call(desk.broker.positions, acc.acc_id, "", market, lo, hi)
    s2c = Trd_GetPositionList_pb2.S2C(header=_echo_header(c2s.header))
    for row in rows:
        if codes and _bare(row.code) not in codes and row.code not in codes:
            continue
        s2c.positionList.append(_position_message(row))
    return s2c


@handles(2111)
def get_max_trd_qtys(ctx: RequestContext, c2s: Trd_GetMaxTrdQtys_pb2.C2S) -> Trd_GetMaxTrdQtys_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    _rate(ctx, "acctradinginfo_query", acc.acc_id)  # docs L8759
    order_type = _enum(OrderType, c2s.orderType, "orderType")
    code = _full_code(c2s.code, c2s.secMarket if c2s.HasField("secMarket") else None, acc)
    order_id = c2s.orderIDEx if c2s.HasField("orderIDEx") and c2s.orderIDEx else None
    if order_id is None and c2s.HasField("orderID") and c2s.orderID:
        order_id = str(c2s.orderID)
    adjust = c2s.adjustSideAndLimit if c2s.adjustPrice else 0.0
    q = _broker_call(desk.broker.max_trade_qty, acc.acc_id, order_type, code, c2s.price, order_id, adjust)
    s2c = Trd_GetMaxTrdQtys_pb2.S2C(header=_echo_header(c2s.header))
    m = s2c.maxTrdQtys
    m.maxCashBuy = q.max_cash_buy
    m.maxCashAndMarginBuy = q.max_cash_and_margin_buy
    m.maxPositionSell = q.max_position_sell
    m.maxSellShort = q.max_sell_short
    m.maxBuyBack = q.max_buy_back
    if q.long_required_im is not None:
        m.longRequiredIM = q.long_required_im
    if q.short_required_im is not None:
        m.shortRequiredIM = q.short_required_im
    if c2s.HasField("session"):
        m.session = c2s.session
    return s2c


@handles(2223)
def get_margin_ratio(ctx: RequestContext, c2s: Trd_GetMarginRatio_pb2.C2S) -> Trd_GetMarginRatio_pb2.S2C:
    desk = _desk(ctx)
    # the SDK always sends trdEnv=REAL here (trade-apis.md §0.6): accept any known account
    acc = desk.broker.accounts.get(c2s.header.accID)
    if acc is None:
        raise ApiError(f"non-existing acc_id: {c2s.header.accID}")
    _rate(ctx, "get_margin_ratio", ("user", ctx.gateway.services.login_user_id))  # docs L8942: per user
    codes = []
    for sec in c2s.securityList:
        prefix = _PREFIX_OF_QOT_MARKET.get(sec.market)
        if prefix is None:
            raise ApiError(f"unsupported market of {sec.code}: {sec.market}")
        codes.append(f"{prefix}.{sec.code}")
    if not codes:
        raise ApiError("code_list is empty")
    ratios = _broker_call(desk.broker.margin_ratios, codes)
    s2c = Trd_GetMarginRatio_pb2.S2C(header=_echo_header(c2s.header))
    for r in ratios:
        m = s2c.marginRatioInfoList.add(
            isLongPermit=r.is_long_permit, isShortPermit=r.is_short_permit, shortPoolRemain=r.short_pool_remain,
            shortFeeRate=r.short_fee_rate, alertLongRatio=r.alert_long_ratio, alertShortRatio=r.alert_short_ratio,
            imLongRatio=r.im_long_ratio, imShortRatio=r.im_short_ratio, mcmLongRatio=r.mcm_long_ratio,
            mcmShortRatio=r.mcm_short_ratio, mmLongRatio=r.mm_long_ratio, mmShortRatio=r.mm_short_ratio,
        )
        prefix, _, bare = r.code.partition(".")
        m.security.market = _QOT_MARKET_OF_PREFIX[prefix]
        m.security.code = bare
    return s2c


@handles(2226)
def flow_summary(ctx: RequestContext, c2s: Trd_FlowSummary_pb2.C2S) -> Trd_FlowSummary_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    _rate(ctx, "get_acc_cash_flow", acc.acc_id)  # docs L9028
    zone = _account_zone(desk, acc)
    clearing = None
    if c2s.clearingDate.strip():
        clearing = _parse_time(c2s.clearingDate, zone, "clearing_date").date()
    direction = CashFlowDirection.NONE
    if c2s.HasField("cashFlowDirection"):
        direction = _enum(CashFlowDirection, c2s.cashFlowDirection, "cashFlowDirection")
    start = _parse_time(c2s.startCreateDate, zone, "start") if c2s.startCreateDate.strip() else None
    end = _parse_time(c2s.endCreateDate, zone, "end") if c2s.endCreateDate.strip() else None
    if end is not None and len(c2s.endCreateDate.strip()) <= 10:
        end += dt.timedelta(days=1) - dt.timedelta(microseconds=1)  # a bare date means the whole day
    flows = _broker_call(desk.broker.cash_flows, acc.acc_id, clearing, direction)
    s2c = Trd_FlowSummary_pb2.S2C(header=_echo_header(c2s.header))
    for cf in flows:
        if (start and cf.create_time < start) or (end and cf.create_time > end):
            continue
        s2c.flowSummaryInfoList.add(
            clearingDate=cf.clearing_date.isoformat(),
            settlementDate=cf.settlement_date.isoformat(),
            currency=int(cf.currency),
            cashFlowType=cf.cashflow_type,
            cashFlowDirection=int(cf.cashflow_direction),
            cashFlowAmount=cf.cashflow_amount,
            cashFlowRemark=cf.cashflow_remark,
            cashFlowID=cf.cashflow_id,
            createTime=_fmt(cf.create_time, zone)[:19],
        )
    return s2c


# ------------------------------------------------------------------ orders


def _packet_key(c2s: Any) -> tuple[int, int]:
    # a required field (Common.PacketID): without it a repeat could not be recognised
    if not c2s.HasField("packetID"):
        raise ApiError("packetID is required: connID from InitConnect and a serial number")
    return (int(c2s.packetID.connID), int(c2s.packetID.serialNo))


def _replay(desk: TradingDesk, key: tuple[int, int], run: Callable[[], Any]) -> Any:
    """Run a write once per PacketID; a repeat gets the first answer again."""
    seen = desk.replayed(key)
    if seen is not None:
        if seen.error is not None:
            raise ApiError(seen.error)
        return seen.response
    try:
        response = run()
    except ApiError as err:
        desk.remember(key, WriteOutcome(error=err.message))
        raise
    desk.remember(key, WriteOutcome(response=response))
    return response


@handles(2202)
def place_order(ctx: RequestContext, c2s: Trd_PlaceOrder_pb2.C2S) -> Trd_PlaceOrder_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)

    def run() -> Trd_PlaceOrder_pb2.S2C:
        _rate(ctx, "place_order", acc.acc_id)  # docs L9147
        req = PlaceOrderRequest(
            acc_id=acc.acc_id,
            code=_full_code(c2s.code, c2s.secMarket if c2s.HasField("secMarket") else None, acc),
            trd_side=_enum(TrdSide, c2s.trdSide, "trdSide"),
            qty=c2s.qty,
            price=c2s.price if c2s.HasField("price") else 0.0,
            order_type=_enum(OrderType, c2s.orderType, "orderType"),
            adjust_limit=c2s.adjustSideAndLimit if c2s.adjustPrice else 0.0,
            remark=c2s.remark if c2s.HasField("remark") else None,
            time_in_force=_enum(TimeInForce, c2s.timeInForce, "timeInForce"),
            fill_outside_rth=bool(c2s.fillOutsideRTH),
            aux_price=c2s.auxPrice if c2s.HasField("auxPrice") else None,
            trail_type=_enum(TrailType, c2s.trailType, "trailType") if c2s.HasField("trailType") else None,
            trail_value=c2s.trailValue if c2s.HasField("trailValue") else None,
            trail_spread=c2s.trailSpread if c2s.HasField("trailSpread") else None,
            session=_enum(Session, c2s.session, "session") if c2s.HasField("session") else Session.NONE,
            expire_time=(_parse_time(c2s.expireTime, _account_zone(desk, acc), "expire_time")
                         if c2s.HasField("expireTime") and c2s.expireTime else None),
        )
        # the exchange accepts (and may fill) it at once; one ledger commit for both
        order = _broker_call(desk.broker.place_order, req, advance=True)
        desk.publish(desk.broker.drain_events())
        s2c = Trd_PlaceOrder_pb2.S2C(header=_echo_header(c2s.header))
        s2c.header.trdMarket = int(order.trd_market)
        s2c.orderID = order.order_id
        s2c.orderIDEx = order.order_id_ex
        return s2c

    return _replay(desk, _packet_key(c2s), run)


@handles(2205)
def modify_order(ctx: RequestContext, c2s: Trd_ModifyOrder_pb2.C2S) -> Trd_ModifyOrder_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)

    def run() -> Trd_ModifyOrder_pb2.S2C:
        _rate(ctx, "modify_order", acc.acc_id)  # docs L9302 (cancel_all_order shares it)
        op = _enum(ModifyOrderOp, c2s.modifyOrderOp, "modifyOrderOp")
        s2c = Trd_ModifyOrder_pb2.S2C(header=_echo_header(c2s.header), orderID=0)
        if c2s.forAll:
            if op != ModifyOrderOp.CANCEL:
                raise ApiError("forAll supports only the CANCEL operation")
            market = TrdMarket.NONE
            if c2s.HasField("trdMarket") and c2s.trdMarket:
                market = _enum(TrdMarket, c2s.trdMarket, "trdMarket")
            _broker_call(desk.broker.cancel_all, acc.acc_id, market)
        else:
            order_id = c2s.orderIDEx if c2s.HasField("orderIDEx") and c2s.orderIDEx else str(c2s.orderID)
            if not order_id or order_id == "0":
                raise ApiError("order_id is required")
            req = ModifyOrderRequest(
                acc_id=acc.acc_id,
                order_id=order_id,
                op=op,
                qty=c2s.qty,
                price=c2s.price,
                adjust_limit=c2s.adjustSideAndLimit if c2s.adjustPrice else 0.0,
                aux_price=c2s.auxPrice if c2s.HasField("auxPrice") else None,
                trail_type=_enum(TrailType, c2s.trailType, "trailType") if c2s.HasField("trailType") else None,
                trail_value=c2s.trailValue if c2s.HasField("trailValue") else None,
                trail_spread=c2s.trailSpread if c2s.HasField("trailSpread") else None,
            )
            # a cancellation is confirmed by the exchange in the same step
            order = _broker_call(desk.broker.modify_order, req, advance=True)
            s2c.orderID = order.order_id
            s2c.orderIDEx = order.order_id_ex
        desk.publish(desk.broker.drain_events())
        if c2s.forAll:
            desk.step()
        return s2c

    return _replay(desk, _packet_key(c2s), run)


def _orders_response(desk: TradingDesk, header: Trd_Common_pb2.TrdHeader, orders: list[Order], s2c: Any) -> Any:
    s2c.header.CopyFrom(header)
    for o in orders:
        s2c.orderList.append(order_message(desk, o))
    return s2c


@handles(2201)
def get_order_list(ctx: RequestContext, c2s: Trd_GetOrderList_pb2.C2S) -> Trd_GetOrderList_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    if c2s.refreshCache:
        _rate(ctx, "order_list_query", acc.acc_id)  # docs L9419-L9420: refreshing calls only
    flt = _filter(desk, acc, c2s.filterConditions if c2s.HasField("filterConditions") else None,
                  list(c2s.filterStatusList))
    orders = _broker_call(desk.broker.orders, acc.acc_id, flt)
    return _orders_response(desk, c2s.header, orders, Trd_GetOrderList_pb2.S2C())


@handles(2221)
def get_history_order_list(
    ctx: RequestContext, c2s: Trd_GetHistoryOrderList_pb2.C2S
) -> Trd_GetHistoryOrderList_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    _rate(ctx, "history_order_list_query", acc.acc_id)  # docs L9535
    flt = _filter(desk, acc, c2s.filterConditions, list(c2s.filterStatusList))
    orders = _broker_call(desk.broker.history_orders, acc.acc_id, flt)
    return _orders_response(desk, c2s.header, orders, Trd_GetHistoryOrderList_pb2.S2C())


@handles(2211)
def get_order_fill_list(ctx: RequestContext, c2s: Trd_GetOrderFillList_pb2.C2S) -> Trd_GetOrderFillList_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    if c2s.refreshCache:
        _rate(ctx, "deal_list_query", acc.acc_id)  # docs L9780: refreshing calls only
    flt = _filter(desk, acc, c2s.filterConditions if c2s.HasField("filterConditions") else None)
    fills = _broker_call(desk.broker.deals, acc.acc_id, flt)
    s2c = Trd_GetOrderFillList_pb2.S2C(header=_echo_header(c2s.header))
    for f in fills:
        s2c.orderFillList.append(fill_message(desk, f))
    return s2c


@handles(2222)
def get_history_order_fill_list(
    ctx: RequestContext, c2s: Trd_GetHistoryOrderFillList_pb2.C2S
) -> Trd_GetHistoryOrderFillList_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    _rate(ctx, "history_deal_list_query", acc.acc_id)  # docs L9881
    flt = _filter(desk, acc, c2s.filterConditions)
    fills = _broker_call(desk.broker.history_deals, acc.acc_id, flt)
    s2c = Trd_GetHistoryOrderFillList_pb2.S2C(header=_echo_header(c2s.header))
    for f in fills:
        s2c.orderFillList.append(fill_message(desk, f))
    return s2c


@handles(2225)
def get_order_fee(ctx: RequestContext, c2s: Trd_GetOrderFee_pb2.C2S) -> Trd_GetOrderFee_pb2.S2C:
    desk = _desk(ctx)
    acc = _account(ctx, desk, c2s.header)
    _rate(ctx, "order_fee_query", acc.acc_id)  # docs L9694
    ids = [i for i in c2s.orderIdExList if i]
    if not ids:
        raise ApiError("order_id_list is empty")
    fees = _broker_call(desk.broker.order_fees, acc.acc_id, ids)
    s2c = Trd_GetOrderFee_pb2.S2C(header=_echo_header(c2s.header))
    for fee in fees:
        m = s2c.orderFeeList.add(orderIDEx=fee.order_id_ex, feeAmount=fee.fee_amount)
        for item in fee.fee_details:
            m.feeList.add(title=item.title, value=item.value)
    return s2c
