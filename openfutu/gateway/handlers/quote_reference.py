"""Reference quote protocols: GetStaticInfo 3202, GetSecuritySnapshot 3203,
GetPlateSet 3204, GetPlateSecurity 3205, GetOwnerPlate 3207,
GetCapitalFlow 3211, GetCapitalDistribution 3212, GetIpoList 3217,
RequestTradeDate 3219, GetMarketState 3223.

Each handler checks the documented rate limit and list caps, resolves codes
(an unknown code is the documented "unknown stock" failure, except for
GetStaticInfo which answers such codes with a placeholder row, docs L4753),
asks the market domain, and maps the plain objects to protobuf.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openfutu.market.capital import (
    CAPITAL_FLOW_TYPES,
    CapitalDataUnsupported,
    CapitalFlowModel,
    PeriodType,
)
from openfutu.market.model import (
    MARKET_BY_PREFIX,
    PREFIX_BY_MARKET,
    Instrument,
    MarketState,
    QotMarket,
    SecurityType,
)
from openfutu.market.prices import ExtendedQuote
from openfutu.market.snapshot import Snapshot, SnapshotSource, SnapshotUnavailable
from openfutu.protocol.pb import (
    Qot_Common_pb2,
    Qot_GetCapitalDistribution_pb2,
    Qot_GetCapitalFlow_pb2,
    Qot_GetIpoList_pb2,
    Qot_GetMarketState_pb2,
    Qot_GetOwnerPlate_pb2,
    Qot_GetPlateSecurity_pb2,
    Qot_GetPlateSet_pb2,
    Qot_GetSecuritySnapshot_pb2,
    Qot_GetStaticInfo_pb2,
    Qot_RequestTradeDate_pb2,
)

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import RateRule
from .quote_history import code_of, now_of, user_key

# Rate limits and list caps (docs line of each rule).
SNAPSHOT_RATE = RateRule(60, 30.0, what="get_market_snapshot")  # docs L2527
SNAPSHOT_MAX_CODES = 400  # docs L2528
MARKET_STATE_RATE = RateRule(10, 30.0, what="get_market_state")  # docs L3151
MARKET_STATE_MAX_CODES = 400  # docs L3152
CAPITAL_FLOW_RATE = RateRule(30, 30.0, what="get_capital_flow")  # docs L3237
CAPITAL_DISTRIBUTION_RATE = RateRule(30, 30.0, what="get_capital_distribution")  # docs L3312
OWNER_PLATE_RATE = RateRule(10, 30.0, what="get_owner_plate")  # docs L3385
OWNER_PLATE_MAX_CODES = 200  # docs L3386
PLATE_SECURITY_RATE = RateRule(10, 30.0, what="get_plate_stock")  # docs L4586
PLATE_SET_RATE = RateRule(10, 30.0, what="get_plate_list")  # docs L4653
IPO_LIST_RATE = RateRule(10, 30.0, what="get_ipo_list")  # docs L4857
TRADE_DATE_RATE = RateRule(30, 30.0, what="request_trading_days")  # docs L4991
TRADE_DATE_HISTORY_YEARS = 10  # docs L4992: ten years back, up to 31 December this year
CAPITAL_HISTORY_DAYS = 365  # docs L3239: historical periods cover the last year

UNKNOWN_STOCK_NAME = "未知股票"  # docs L4753: unknown codes show the name "unknown stock"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

# Qot_Common.PlateSetType values a request may carry (OTHER only appears in 3207 replies)
_PLATE_SET_REQUEST_TYPES = {0, 1, 2, 3}
# Qot_Common.TradeDateMarket
TRADE_DATE_MARKETS = {1: "HK", 2: "US", 3: "SH", 4: "NT", 5: "ST", 6: "JP_FUTURE", 7: "SG_FUTURE",
                      8: "SG", 9: "MY", 10: "JP"}
TRADE_DATE_WHOLE, TRADE_DATE_MORNING, TRADE_DATE_AFTERNOON = 0, 1, 2


# ------------------------------------------------------------------ market access


def _market(ctx: RequestContext) -> Any:
    return ctx.gateway.services.market


def _engine(market: Any) -> Any:
    return getattr(market, "prices", market)


def _universe(market: Any) -> Any:
    return getattr(market, "universe", None)


def _find(market: Any, code: str) -> Instrument | None:
    finder = getattr(market, "instrument", None) or _engine(market).instrument
    try:
        return finder(code)  # type: ignore[no-any-return]
    except KeyError:
        return None


def _instrument(market: Any, code: str) -> Instrument:
    inst = _find(market, code)
    if inst is None:
        raise ApiError(f"unknown stock {code}")
    return inst


def _codes(securities: Iterable[Qot_Common_pb2.Security], cap: int, what: str) -> list[str]:
    codes = [code_of(s) for s in securities]
    if not codes:
        raise ApiError(f"{what}: the security list is empty")
    if len(codes) > cap:
        raise ApiError(f"{what}: at most {cap} securities per request, got {len(codes)}")
    return codes


def _snapshots(ctx: RequestContext) -> SnapshotSource:
    return ctx.gateway.services.component("snapshot_source", lambda s: SnapshotSource(s.market))


def _capital(ctx: RequestContext) -> CapitalFlowModel:
    return ctx.gateway.services.component("capital_flow", lambda s: CapitalFlowModel(s.market))


def _fill_security(target: Qot_Common_pb2.Security, code: str) -> None:
    prefix, _, rest = code.partition(".")
    target.market = int(MARKET_BY_PREFIX.get(prefix, QotMarket.UNKNOWN))
    target.code = rest


def _fill_code(target: Qot_Common_pb2.Security, security: Any) -> None:
    """From a SecurityCode (market + code)."""
    target.market = int(security.market)
    target.code = security.code


def _fill_instrument_security(target: Qot_Common_pb2.Security, inst: Instrument) -> None:
    _fill_code(target, inst.security)


def _zone(tz: Any) -> Any:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local_midnight(day: dt.date, tz: Any) -> float:
    return dt.datetime.combine(day, dt.time(0), tz).timestamp()


def _timezone(market: Any, code: str) -> Any:
    try:
        return _engine(market).timezone(code)
    except (KeyError, ValueError):
        return dt.timezone.utc


def stock_id(inst: Instrument) -> int:
    """The API's stock_id: the universe's own when it has one, else the first
    six bytes of the code's SHA-1 (the rule the option-chain and watchlist
    handlers use, so one security has one id everywhere)."""
    declared = getattr(inst, "stock_id", None)
    if isinstance(declared, int) and declared > 0:
        return declared
    return int.from_bytes(hashlib.sha1(inst.code.encode()).digest()[:6], "big")


# ------------------------------------------------------------------ 3203 snapshot


def _set_extended(target: Qot_Common_pb2.PreAfterMarketData, ext: ExtendedQuote) -> None:
    target.price = ext.price
    target.highPrice = ext.high
    target.lowPrice = ext.low
    target.volume = ext.volume
    target.turnover = ext.turnover
    target.changeVal = ext.change_val
    target.changeRate = ext.change_rate
    target.amplitude = ext.amplitude


def snapshot_message(snap: Snapshot, tz: Any) -> Qot_GetSecuritySnapshot_pb2.Snapshot:
    """One Snapshot as the wire message (SDK field mapping: spec quote-apis §12.23)."""
    inst, q = snap.instrument, snap.quote
    msg = Qot_GetSecuritySnapshot_pb2.Snapshot()
    b = msg.basic
    _fill_instrument_security(b.security, inst)
    b.name = inst.name
    b.type = int(inst.sec_type)
    b.isSuspend = q.is_suspended
    b.listTime = inst.listing_date.strftime(DATE_FORMAT)
    b.listTimestamp = _local_midnight(inst.listing_date, tz)
    b.lotSize = int(inst.lot_size)
    b.priceSpread = q.price_spread
    update = q.update_time.astimezone(tz) if q.update_time.tzinfo else q.update_time
    b.updateTime = update.strftime(TIME_FORMAT)
    b.updateTimestamp = q.update_time.timestamp()
    b.highPrice = q.high_price
    b.openPrice = q.open_price
    b.lowPrice = q.low_price
    b.lastClosePrice = q.prev_close_price
    b.curPrice = q.last_price
    b.volume = int(q.volume)
    b.turnover = q.turnover
    b.turnoverRate = q.turnover_rate
    b.askPrice = snap.ask_price
    b.bidPrice = snap.bid_price
    b.askVol = int(snap.ask_volume)
    b.bidVol = int(snap.bid_volume)
    m = snap.margin
    b.enableMargin = m.enable_margin
    if m.enable_margin:
        b.mortgageRatio = m.mortgage_ratio
        b.longMarginInitialRatio = m.long_margin_initial_ratio
    b.enableShortSell = m.enable_short_sell
    if m.enable_short_sell:
        b.shortSellRate = m.short_sell_rate
        b.shortAvailableVolume = m.short_available_volume
        b.shortMarginInitialRatio = m.short_margin_initial_ratio
    b.amplitude = q.amplitude
    b.avgPrice = q.avg_price
    b.bidAskRatio = snap.bid_ask_ratio
    b.volumeRatio = q.volume_ratio
    b.highest52WeeksPrice = q.highest52weeks_price
    b.lowest52WeeksPrice = q.lowest52weeks_price
    b.highestHistoryPrice = q.highest_history_price
    b.lowestHistoryPrice = q.lowest_history_price
    b.closePrice5Minute = q.close_price_5min
    b.secStatus = int(snap.sec_status)
    if q.pre_market is not None:
        _set_extended(b.preMarket, q.pre_market)
    if q.after_hours is not None:
        _set_extended(b.afterMarket, q.after_hours)
    if q.overnight is not None:
        _set_extended(b.overnight, q.overnight)
    e = snap.equity
    if e is not None:
        x = msg.equityExData
        x.issuedShares = e.total_shares
        x.issuedMarketVal = e.market_value
        x.netAsset = e.net_asset
        x.netProfit = e.net_profit
        x.earningsPershare = e.eps
        x.outstandingShares = e.float_shares
        x.outstandingMarketVal = e.float_market_value
        x.netAssetPershare = e.net_asset_per_share
        x.eyRate = e.ey_ratio
        x.peRate = e.pe
        x.pbRate = e.pb
        x.peTTMRate = e.pe_ttm
        x.dividendTTM = e.dividend_ttm
        x.dividendRatioTTM = e.dividend_ratio_ttm
        x.dividendLFY = e.dividend_lfy
        x.dividendLFYRatio = e.dividend_lfy_ratio
    w = snap.warrant
    if w is not None:
        x = msg.warrantExData
        x.conversionRate = w.conversion_ratio
        x.warrantType = w.warrant_type
        x.strikePrice = w.strike_price
        x.maturityTime = w.maturity_date.strftime(DATE_FORMAT)
        x.maturityTimestamp = _local_midnight(w.maturity_date, tz)
        x.endTradeTime = w.end_trade_date.strftime(DATE_FORMAT)
        x.endTradeTimestamp = _local_midnight(w.end_trade_date, tz)
        _fill_security(x.owner, w.owner)
        x.recoveryPrice = w.recovery_price
        x.streetVolumn = w.street_volume
        x.issueVolumn = w.issue_volume
        x.streetRate = w.street_ratio
        x.delta = w.delta
        x.impliedVolatility = w.implied_volatility
        x.premium = w.premium
        x.leverage = w.leverage
        x.ipop = w.ipop
        x.breakEvenPoint = w.break_even_point
        x.conversionPrice = w.conversion_price
        x.priceRecoveryRatio = w.price_recovery_ratio
        x.score = w.score
        x.upperStrikePrice = w.upper_strike_price
        x.lowerStrikePrice = w.lower_strike_price
        if w.inline_price_status is not None:
            x.inLinePriceStatus = w.inline_price_status
        x.issuerCode = w.issuer_code
    o = snap.option
    if o is not None:
        x = msg.optionExData
        x.type = int(o.option_type)
        _fill_security(x.owner, o.owner)
        x.strikeTime = o.strike_date.strftime(DATE_FORMAT)
        x.strikeTimestamp = _local_midnight(o.strike_date, tz)
        x.strikePrice = o.strike_price
        x.contractSize = int(round(o.contract_size))
        x.contractSizeFloat = o.contract_size
        x.openInterest = o.open_interest
        x.impliedVolatility = o.implied_volatility
        x.premium = o.premium
        x.delta = o.delta
        x.gamma = o.gamma
        x.vega = o.vega
        x.theta = o.theta
        x.rho = o.rho
        if o.index_option_type:
            x.indexOptionType = int(o.index_option_type)
        x.netOpenInterest = o.net_open_interest
        x.expiryDateDistance = o.expiry_date_distance
        x.contractNominalValue = o.contract_nominal_value
        x.ownerLotMultiplier = o.owner_lot_multiplier
        x.optionAreaType = int(o.area_type)
        x.contractMultiplier = o.contract_multiplier
    for block, target in ((snap.index, "indexExData"), (snap.plate, "plateExData")):
        if block is not None:
            x = getattr(msg, target)
            x.raiseCount = block.raise_count
            x.fallCount = block.fall_count
            x.equalCount = block.equal_count
    f = snap.future
    if f is not None:
        x = msg.futureExData
        x.lastSettlePrice = f.last_settle_price
        x.position = f.position
        x.positionChange = f.position_change
        x.lastTradeTime = f.last_trade_date.strftime(DATE_FORMAT) if f.last_trade_date else ""
        if f.last_trade_date is not None:
            x.lastTradeTimestamp = _local_midnight(f.last_trade_date, tz)
        x.isMainContract = f.is_main_contract
    t = snap.trust
    if t is not None:
        x = msg.trustExData
        x.dividendYield = t.dividend_yield
        x.aum = t.aum
        x.outstandingUnits = t.outstanding_units
        x.netAssetValue = t.net_asset_value
        x.premium = t.premium
        x.assetClass = int(t.asset_class)
    return msg


@handles(3203)
def get_security_snapshot(ctx: RequestContext,
                          c2s: Qot_GetSecuritySnapshot_pb2.C2S) -> Qot_GetSecuritySnapshot_pb2.S2C:
    codes = _codes(c2s.securityList, SNAPSHOT_MAX_CODES, "get_market_snapshot")
    market = _market(ctx)
    source = _snapshots(ctx)
    for code in codes:  # every code is checked before anything is counted; plates are fine too
        try:
            source.instrument(code)
        except KeyError:
            raise ApiError(f"unknown stock {code}") from None
    ctx.gateway.services.check_rate(SNAPSHOT_RATE, user_key(ctx))
    at = now_of(ctx)
    s2c = Qot_GetSecuritySnapshot_pb2.S2C()
    for code in codes:
        try:
            snap = source.snapshot(code, at)
        except SnapshotUnavailable:
            raise ApiError(f"{code} has no quote yet (not listed at this time)") from None
        s2c.snapshotList.append(snapshot_message(snap, _timezone(market, code)))
    return s2c


# ------------------------------------------------------------------ 3202 static info


def _static_info(market: Any, inst: Instrument, target: Qot_Common_pb2.SecurityStaticInfo) -> None:
    tz = _timezone(market, inst.code)
    b = target.basic
    _fill_instrument_security(b.security, inst)
    b.id = stock_id(inst)
    b.lotSize = int(inst.lot_size)
    b.secType = int(inst.sec_type)
    b.name = inst.name
    b.listTime = inst.listing_date.strftime(DATE_FORMAT)
    b.listTimestamp = _local_midnight(inst.listing_date, tz)
    b.delisting = bool(inst.delisted)
    b.exchType = int(inst.exchange_type)
    terms = inst.terms
    owner = inst.owner
    if inst.sec_type == SecurityType.WARRANT and terms is not None:
        kind = getattr(terms, "warrant_type", 0)
        target.warrantExData.type = int(kind)
        if owner is not None:
            _fill_code(target.warrantExData.owner, owner)
    elif inst.sec_type == SecurityType.DRVT and terms is not None:
        x = target.optionExData
        x.type = int(getattr(terms, "option_type", 0))
        if owner is not None:
            _fill_code(x.owner, owner)
        expiry = getattr(terms, "strike_time", None) or getattr(terms, "expiry_date", None)
        if isinstance(expiry, dt.date):
            x.strikeTime = expiry.strftime(DATE_FORMAT)
            x.strikeTimestamp = _local_midnight(expiry, tz)
        x.strikePrice = float(getattr(terms, "strike_price", 0.0))
        x.suspend = False
        x.market = PREFIX_BY_MARKET.get(inst.security.market, "")
        index_type = int(getattr(terms, "index_option_type", 0) or 0)
        if index_type:
            x.indexOptionType = index_type
        cycle = int(getattr(terms, "expiration_cycle", 0) or 0)
        if cycle:
            x.expirationCycle = cycle
    elif inst.sec_type == SecurityType.FUTURE and terms is not None:
        x = target.futureExData
        last = getattr(terms, "last_trade_date", None)
        x.lastTradeTime = last.strftime(DATE_FORMAT) if isinstance(last, dt.date) else ""
        if isinstance(last, dt.date):
            x.lastTradeTimestamp = _local_midnight(last, tz)
        x.isMainContract = bool(getattr(terms, "is_main_contract", False))


def _unknown_static(target: Qot_Common_pb2.SecurityStaticInfo, sec: Qot_Common_pb2.Security) -> None:
    """Placeholder row for a code nobody knows (docs L4753): the code echoed,
    the name "unknown stock", the delisted flag set, defaults elsewhere."""
    b = target.basic
    b.security.CopyFrom(sec)
    b.id = 0
    b.lotSize = 0
    b.secType = int(SecurityType.UNKNOWN)
    b.name = UNKNOWN_STOCK_NAME
    b.listTime = ""
    b.delisting = True


@handles(3202)
def get_static_info(ctx: RequestContext, c2s: Qot_GetStaticInfo_pb2.C2S) -> Qot_GetStaticInfo_pb2.S2C:
    market = _market(ctx)
    s2c = Qot_GetStaticInfo_pb2.S2C()
    if len(c2s.securityList):  # docs L4672: a code list wins over market/type
        for sec in c2s.securityList:
            inst = None
            try:
                inst = _find(market, code_of(sec))
            except ApiError:
                inst = None
            if inst is None:
                _unknown_static(s2c.staticInfoList.add(), sec)
            else:
                _static_info(market, inst, s2c.staticInfoList.add())
        return s2c
    try:
        qot_market = QotMarket(c2s.market)
    except ValueError:
        raise ApiError(f"unknown market {c2s.market}") from None
    if qot_market == QotMarket.UNKNOWN:
        raise ApiError("get_stock_basicinfo needs a market or a code list")
    try:
        sec_type = SecurityType(c2s.secType)
    except ValueError:
        raise ApiError(f"unknown security type {c2s.secType}") from None
    if sec_type == SecurityType.DRVT:  # docs L4669
        raise ApiError("get_stock_basicinfo does not support SecurityType.DRVT; use get_option_chain")
    if sec_type == SecurityType.UNKNOWN:
        raise ApiError("get_stock_basicinfo needs a security type")
    universe = _universe(market)
    if universe is None:
        raise ApiError("the simulated market has no universe to list")
    if sec_type == SecurityType.PLATE:  # plates are listed like securities, without a board lot
        from openfutu.market.universe import PlateSetType

        for plate in universe.plates(qot_market, PlateSetType.ALL):
            if plate.market != qot_market:
                continue
            row = s2c.staticInfoList.add()
            _fill_security(row.basic.security, plate.code)
            row.basic.id = int.from_bytes(hashlib.sha1(plate.code.encode()).digest()[:6], "big")
            row.basic.lotSize = 0
            row.basic.secType = int(SecurityType.PLATE)
            row.basic.name = plate.name
            row.basic.listTime = ""
        return s2c
    if sec_type == SecurityType.FUTURE and qot_market in (QotMarket.HK_SECURITY, QotMarket.HK_FUTURE):
        found = universe.by_market(QotMarket.HK_FUTURE)
    else:
        found = universe.by_market(qot_market, sec_type)
    for inst in found:
        if inst.sec_type == sec_type:
            _static_info(market, inst, s2c.staticInfoList.add())
    return s2c


# ------------------------------------------------------------------ 3223 market state


def market_state_of(market: Any, inst: Instrument, at: dt.datetime) -> MarketState:
    fn = getattr(market, "market_state", None)
    if callable(fn):
        return MarketState(int(fn(inst.code, at)))
    from openfutu.market import calendars

    return MarketState(int(calendars.calendar_of(inst).state_at(at)))


@handles(3223)
def get_market_state(ctx: RequestContext, c2s: Qot_GetMarketState_pb2.C2S) -> Qot_GetMarketState_pb2.S2C:
    codes = _codes(c2s.securityList, MARKET_STATE_MAX_CODES, "get_market_state")
    market = _market(ctx)
    insts = [_instrument(market, c) for c in codes]
    ctx.gateway.services.check_rate(MARKET_STATE_RATE, user_key(ctx))
    at = now_of(ctx)
    s2c = Qot_GetMarketState_pb2.S2C()
    for inst in insts:
        info = s2c.marketInfoList.add()
        _fill_instrument_security(info.security, inst)
        info.name = inst.name
        info.marketState = int(market_state_of(market, inst, at))
    return s2c


# ------------------------------------------------------------------ 3211 / 3212 capital


def _capital_instrument(market: Any, sec: Qot_Common_pb2.Security) -> Instrument:
    inst = _instrument(market, code_of(sec))
    if inst.sec_type not in CAPITAL_FLOW_TYPES:  # docs L3238, L3313
        raise ApiError(f"{inst.code}: capital data is only available for stocks, warrants and funds")
    return inst


def _parse_day(text: str, what: str) -> dt.date:
    text = text.strip()
    for fmt in (TIME_FORMAT, "%Y-%m-%d %H:%M", DATE_FORMAT):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ApiError(f"{what} {text!r} is not a date of the form yyyy-MM-dd")


def _date_range(begin: str, end: str, today: dt.date, span_days: int = 365) -> tuple[dt.date, dt.date]:
    """start/end with the documented defaults: one side missing is the other
    -/+ 365 days, both missing is the last 365 days to today."""
    b = _parse_day(begin, "start") if begin else None
    e = _parse_day(end, "end") if end else None
    if b is None and e is None:
        e = today
    if b is None:
        b = e - dt.timedelta(days=span_days)  # type: ignore[operator]
    if e is None:
        e = b + dt.timedelta(days=span_days)
    if e < b:
        raise ApiError(f"the end date {e} is before the start date {b}")
    return b, e


@handles(3211)
def get_capital_flow(ctx: RequestContext, c2s: Qot_GetCapitalFlow_pb2.C2S) -> Qot_GetCapitalFlow_pb2.S2C:
    market = _market(ctx)
    inst = _capital_instrument(market, c2s.security)
    period_value = c2s.periodType if c2s.HasField("periodType") else int(PeriodType.INTRADAY)
    try:
        period = PeriodType(period_value)
    except ValueError:
        raise ApiError(f"unknown period type {period_value}") from None
    if period == PeriodType.NONE:
        raise ApiError("periodType must be INTRADAY, DAY, WEEK or MONTH")
    at = now_of(ctx)
    tz = _timezone(market, inst.code)
    if period != PeriodType.INTRADAY:
        start, end = _date_range(c2s.beginTime, c2s.endTime, at.astimezone(tz).date())
    ctx.gateway.services.check_rate(CAPITAL_FLOW_RATE, user_key(ctx))
    model = _capital(ctx)
    try:
        if period == PeriodType.INTRADAY:
            series = model.intraday(inst.code, at)
        else:
            series = model.history(inst.code, period, start, end, at)
    except CapitalDataUnsupported as err:
        raise ApiError(str(err)) from None
    s2c = Qot_GetCapitalFlow_pb2.S2C()
    for item in series.items:
        x = s2c.flowItemList.add()
        x.inFlow = item.in_flow
        x.time = item.time.strftime(TIME_FORMAT)
        x.timestamp = item.time.timestamp()
        if period != PeriodType.INTRADAY:  # main-force flow: non-intraday periods only (proto)
            x.mainInFlow = round(item.main_in_flow, 2)
        x.superInFlow = item.super_in_flow
        x.bigInFlow = item.big_in_flow
        x.midInFlow = item.mid_in_flow
        x.smlInFlow = item.sml_in_flow
    if series.last_valid_time is not None:
        s2c.lastValidTime = series.last_valid_time.strftime(TIME_FORMAT)
        s2c.lastValidTimestamp = series.last_valid_time.timestamp()
    return s2c


@handles(3212)
def get_capital_distribution(ctx: RequestContext, c2s: Qot_GetCapitalDistribution_pb2.C2S
                             ) -> Qot_GetCapitalDistribution_pb2.S2C:
    market = _market(ctx)
    inst = _capital_instrument(market, c2s.security)
    ctx.gateway.services.check_rate(CAPITAL_DISTRIBUTION_RATE, user_key(ctx))
    try:
        d = _capital(ctx).distribution(inst.code, now_of(ctx))
    except ValueError as err:
        raise ApiError(str(err)) from None
    return Qot_GetCapitalDistribution_pb2.S2C(
        capitalInSuper=d.in_super, capitalInBig=d.in_big, capitalInMid=d.in_mid,
        capitalInSmall=d.in_small, capitalOutSuper=d.out_super, capitalOutBig=d.out_big,
        capitalOutMid=d.out_mid, capitalOutSmall=d.out_small,
        updateTime=d.update_time.strftime(TIME_FORMAT), updateTimestamp=d.update_time.timestamp())


# ------------------------------------------------------------------ plates


def _require_universe(market: Any) -> Any:
    universe = _universe(market)
    if universe is None:
        raise ApiError("the simulated market has no plates")
    return universe


def _fill_plate(target: Qot_Common_pb2.PlateInfo, plate: Any, with_type: bool) -> None:
    _fill_security(target.plate, plate.code)
    target.name = plate.name
    if with_type:
        target.plateType = int(plate.plate_type)


@handles(3204)
def get_plate_set(ctx: RequestContext, c2s: Qot_GetPlateSet_pb2.C2S) -> Qot_GetPlateSet_pb2.S2C:
    try:
        qot_market = QotMarket(c2s.market)
    except ValueError:
        raise ApiError(f"unknown market {c2s.market}") from None
    if qot_market == QotMarket.UNKNOWN:
        raise ApiError("get_plate_list needs a market")
    if c2s.plateSetType not in _PLATE_SET_REQUEST_TYPES:
        raise ApiError(f"unknown plate set type {c2s.plateSetType}")
    universe = _require_universe(_market(ctx))
    ctx.gateway.services.check_rate(PLATE_SET_RATE, user_key(ctx))
    from openfutu.market.universe import PlateSetType

    s2c = Qot_GetPlateSet_pb2.S2C()
    for plate in universe.plates(qot_market, PlateSetType(c2s.plateSetType)):
        _fill_plate(s2c.plateInfoList.add(), plate, with_type=True)
    return s2c


@handles(3207)
def get_owner_plate(ctx: RequestContext, c2s: Qot_GetOwnerPlate_pb2.C2S) -> Qot_GetOwnerPlate_pb2.S2C:
    codes = _codes(c2s.securityList, OWNER_PLATE_MAX_CODES, "get_owner_plate")
    market = _market(ctx)
    universe = _require_universe(market)
    insts = [_instrument(market, c) for c in codes]
    for inst in insts:  # docs L3387: ordinary stocks and indices only
        if inst.sec_type not in (SecurityType.EQTY, SecurityType.INDEX):
            raise ApiError(f"{inst.code}: get_owner_plate supports only stocks and indices")
    ctx.gateway.services.check_rate(OWNER_PLATE_RATE, user_key(ctx))
    s2c = Qot_GetOwnerPlate_pb2.S2C()
    for inst in insts:
        row = s2c.ownerPlateList.add()
        _fill_instrument_security(row.security, inst)
        row.name = inst.name
        for plate in universe.owner_plates(inst.code):
            _fill_plate(row.plateInfoList.add(), plate, with_type=True)
    return s2c


# SortField values and what they sort on; None marks "needs the row's snapshot".
_SORT_CODE, _SORT_LOT_SIZE, _SORT_LIST_TIME = 1, 33, 21
_QUOTE_SORTS: dict[int, Callable[[Snapshot], float | None]] = {
    2: lambda s: s.quote.last_price,
    3: lambda s: s.quote.change_val,
    4: lambda s: s.quote.change_rate,
    5: lambda s: float(s.sec_status),
    6: lambda s: s.bid_price,
    7: lambda s: s.ask_price,
    8: lambda s: float(s.bid_volume),
    9: lambda s: float(s.ask_volume),
    10: lambda s: float(s.quote.volume),
    11: lambda s: s.quote.turnover,
    30: lambda s: s.quote.amplitude,
    35: lambda s: s.quote.pre_market.price if s.quote.pre_market else None,
    36: lambda s: s.quote.after_hours.price if s.quote.after_hours else None,
    37: lambda s: s.quote.pre_market.change_val if s.quote.pre_market else None,
    38: lambda s: s.quote.after_hours.change_val if s.quote.after_hours else None,
    39: lambda s: s.quote.pre_market.change_rate if s.quote.pre_market else None,
    40: lambda s: s.quote.after_hours.change_rate if s.quote.after_hours else None,
    41: lambda s: s.quote.pre_market.amplitude if s.quote.pre_market else None,
    42: lambda s: s.quote.after_hours.amplitude if s.quote.after_hours else None,
    43: lambda s: s.quote.pre_market.turnover if s.quote.pre_market else None,
    44: lambda s: s.quote.after_hours.turnover if s.quote.after_hours else None,
    48: lambda s: s.future.last_settle_price if s.future else None,
    49: lambda s: float(s.future.position) if s.future else None,
    50: lambda s: float(s.future.position_change) if s.future else None,
    51: lambda s: s.equity.market_value if s.equity else None,
}


def sort_plate_members(members: Sequence[Instrument], sort_field: int, ascend: bool,
                       snapshot_of: Callable[[str], Snapshot | None]) -> list[Instrument]:
    """Members ordered by ``sort_field``; rows without a value go last either
    way, ties keep code order."""
    by_code = sorted(members, key=lambda i: i.code)
    if sort_field in (0, _SORT_CODE):
        return by_code if ascend else by_code[::-1]
    if sort_field == _SORT_LOT_SIZE:
        values: dict[str, float | None] = {i.code: float(i.lot_size) for i in by_code}
    elif sort_field == _SORT_LIST_TIME:
        values = {i.code: float(i.listing_date.toordinal()) for i in by_code}
    elif sort_field in _QUOTE_SORTS:
        getter = _QUOTE_SORTS[sort_field]
        values = {}
        for i in by_code:
            snap = snapshot_of(i.code)
            values[i.code] = getter(snap) if snap is not None else None
    else:
        raise ApiError(f"sort field {sort_field} does not apply to plate securities")
    present = [i for i in by_code if values[i.code] is not None]
    missing = [i for i in by_code if values[i.code] is None]
    present.sort(key=lambda i: values[i.code], reverse=not ascend)  # type: ignore[arg-type, return-value]
    return present + missing


@handles(3205)
def get_plate_security(ctx: RequestContext,
                       c2s: Qot_GetPlateSecurity_pb2.C2S) -> Qot_GetPlateSecurity_pb2.S2C:
    market = _market(ctx)
    universe = _require_universe(market)
    code = code_of(c2s.plate)
    try:
        plate = universe.plate(code)
    except KeyError:
        raise ApiError(f"unknown plate {code}") from None
    sort_field = c2s.sortField if c2s.HasField("sortField") else _SORT_CODE
    ascend = c2s.ascend if c2s.HasField("ascend") else True
    if sort_field not in (0, _SORT_CODE, _SORT_LOT_SIZE, _SORT_LIST_TIME) and sort_field not in _QUOTE_SORTS:
        raise ApiError(f"sort field {sort_field} does not apply to plate securities")
    ctx.gateway.services.check_rate(PLATE_SECURITY_RATE, user_key(ctx))
    members = universe.plate_members(plate.code)
    at = now_of(ctx)
    source = _snapshots(ctx)

    def snapshot_of(member: str) -> Snapshot | None:
        try:
            return source.snapshot(member, at)
        except (KeyError, ValueError):
            return None

    s2c = Qot_GetPlateSecurity_pb2.S2C()
    for inst in sort_plate_members(members, sort_field, ascend, snapshot_of):
        _static_info(market, inst, s2c.staticInfoList.add())
    return s2c


# ------------------------------------------------------------------ 3217 IPO


def _date_text(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day is not None else ""


@handles(3217)
def get_ipo_list(ctx: RequestContext, c2s: Qot_GetIpoList_pb2.C2S) -> Qot_GetIpoList_pb2.S2C:
    try:
        qot_market = QotMarket(c2s.market)
    except ValueError:
        raise ApiError(f"unknown market {c2s.market}") from None
    if qot_market not in (QotMarket.HK_SECURITY, QotMarket.US_SECURITY, QotMarket.CNSH_SECURITY,
                          QotMarket.CNSZ_SECURITY):
        raise ApiError(f"IPO data is available for HK, US and A-share markets, not {qot_market.name}")
    market = _market(ctx)
    universe = _require_universe(market)
    ctx.gateway.services.check_rate(IPO_LIST_RATE, user_key(ctx))
    at = now_of(ctx)
    prefix = PREFIX_BY_MARKET[qot_market]
    from openfutu.market import calendars

    tz = _zone(calendars.calendar_for(calendars.TradingMarket(prefix)).timezone)
    today = at.astimezone(tz).date()
    s2c = Qot_GetIpoList_pb2.S2C()
    for rec in universe.ipo_list(qot_market, today):
        item = s2c.ipoList.add()
        _fill_security(item.basic.security, rec.code)
        item.basic.name = rec.name
        if rec.list_date is not None:
            item.basic.listTime = _date_text(rec.list_date)
            item.basic.listTimestamp = _local_midnight(rec.list_date, tz)
        if rec.market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY) or rec.apply_code:
            x = item.cnExData
            x.applyCode = rec.apply_code or ""
            x.issueSize = int(rec.issue_size or 0)
            x.onlineIssueSize = int(rec.online_issue_size or 0)
            x.applyUpperLimit = int(rec.apply_upper_limit or 0)
            x.applyLimitMarketValue = int(rec.apply_limit_market_value or 0)
            x.isEstimateIpoPrice = bool(rec.is_estimate_ipo_price)
            x.ipoPrice = float(rec.ipo_price or 0.0)
            x.industryPeRate = float(rec.industry_pe_rate or 0.0)
            x.isEstimateWinningRatio = bool(rec.is_estimate_winning_ratio)
            x.winningRatio = float(rec.winning_ratio or 0.0)
            x.issuePeRate = float(rec.issue_pe_rate or 0.0)
            if rec.apply_date is not None:
                x.applyTime = _date_text(rec.apply_date)
                x.applyTimestamp = _local_midnight(rec.apply_date, tz)
            if rec.winning_date is not None:
                x.winningTime = _date_text(rec.winning_date)
                x.winningTimestamp = _local_midnight(rec.winning_date, tz)
            x.isHasWon = bool(rec.is_has_won)
            for name, info in rec.winning_numbers:
                x.winningNumData.add(winningName=name, winningInfo=info)
        elif rec.market == QotMarket.HK_SECURITY:
            x = item.hkExData
            x.ipoPriceMin = float(rec.ipo_price_min or 0.0)
            x.ipoPriceMax = float(rec.ipo_price_max or 0.0)
            x.listPrice = float(rec.list_price or 0.0)
            x.lotSize = int(rec.lot_size or 0)
            x.entrancePrice = float(rec.entrance_price or 0.0)
            x.isSubscribeStatus = bool(rec.is_subscribe_status)
            if rec.apply_end_time is not None:
                end = rec.apply_end_time if rec.apply_end_time.tzinfo else rec.apply_end_time.replace(tzinfo=tz)
                x.applyEndTime = end.strftime(TIME_FORMAT)
                x.applyEndTimestamp = end.timestamp()
        else:
            x = item.usExData
            x.ipoPriceMin = float(rec.ipo_price_min or 0.0)
            x.ipoPriceMax = float(rec.ipo_price_max or 0.0)
            x.issueSize = int(rec.issue_size or 0)
    return s2c


# ------------------------------------------------------------------ 3219 trading days


def _calendars_for_trade_market(value: int) -> list[Any]:
    """Calendars whose common trading days make up a TradeDateMarket: the
    Stock Connect directions (NT northbound, ST southbound) trade only when
    both Hong Kong and the A-share market are open."""
    from openfutu.market import calendars

    name = TRADE_DATE_MARKETS.get(value)
    if name is None:
        raise ApiError(f"unknown TradeDateMarket {value}")
    if name in ("NT", "ST"):
        return [calendars.calendar_for(calendars.TradingMarket.HK),
                calendars.calendar_for(calendars.TradingMarket.SH)]
    return [calendars.calendar_for(calendars.TradingMarket(name))]


def trade_date_type(cal: Any, day: dt.date) -> int:
    """WHOLE, or MORNING for a half day that ends before the usual lunch break."""
    try:
        sessions = list(cal.continuous_sessions(day))
    except Exception:  # outside the calendar's data: a normal day
        return TRADE_DATE_WHOLE
    if not sessions:
        return TRADE_DATE_WHOLE
    tz = _zone(cal.timezone)
    last_end = sessions[-1].end.astimezone(tz).time()
    first_start = sessions[0].start.astimezone(tz).time()
    if len(sessions) == 1 and last_end <= dt.time(12, 30) and first_start < dt.time(12, 0):
        return TRADE_DATE_MORNING
    if len(sessions) == 1 and first_start >= dt.time(12, 0) and last_end <= dt.time(17, 0):
        return TRADE_DATE_AFTERNOON
    return TRADE_DATE_WHOLE


@handles(3219)
def request_trade_date(ctx: RequestContext,
                       c2s: Qot_RequestTradeDate_pb2.C2S) -> Qot_RequestTradeDate_pb2.S2C:
    market = _market(ctx)
    if c2s.HasField("security") and c2s.security.code:  # docs L4934: a code wins over the market
        from openfutu.market import calendars

        inst = _instrument(market, code_of(c2s.security))
        cals = [calendars.calendar_of(inst)]
    else:
        cals = _calendars_for_trade_market(c2s.market)
    tz = _zone(cals[0].timezone)
    today = now_of(ctx).astimezone(tz).date()
    start, end = _date_range(c2s.beginTime, c2s.endTime, today)
    ctx.gateway.services.check_rate(TRADE_DATE_RATE, user_key(ctx))
    # docs L4992: ten years of history, future days up to 31 December of this year
    first = max(start, dt.date(today.year - TRADE_DATE_HISTORY_YEARS, today.month, min(today.day, 28)))
    last = min(end, dt.date(today.year, 12, 31))
    s2c = Qot_RequestTradeDate_pb2.S2C()
    if first > last:
        return s2c
    days = cals[0].trading_days(first, last)
    for other in cals[1:]:
        common = set(other.trading_days(first, last))
        days = [d for d in days if d in common]
    for day in days:
        types = {trade_date_type(c, day) for c in cals}
        kind = TRADE_DATE_MORNING if TRADE_DATE_MORNING in types else min(types)
        s2c.tradeDateList.add(time=day.strftime(DATE_FORMAT), timestamp=_local_midnight(day, tz),
                              tradeDateType=kind)
    return s2c


