"""Derivative quote protocols: GetOptionExpirationDate 3224, GetOptionChain
3209, GetWarrant 3210, GetReference 3206, GetFutureInfo 3218.

Listing, filtering and figures are domain work (openfutu.market.option_screen,
warrant_screen and the universe); this module maps protobuf to those calls
and enforces the documented rate limits and list caps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import threading
from typing import Any
from zoneinfo import ZoneInfo

from openfutu.market.derivatives.options import ExerciseStyle, OptionRight
from openfutu.market.derivatives.warrants import PriceStatus, WarrantKind
from openfutu.market.model import PREFIX_BY_MARKET, Instrument, QotMarket, SecurityType
from openfutu.market.option_screen import (
    OptionCondition,
    OptionContract,
    OptionDataFilter,
    OptionFigures,
    OptionTypeFilter,
    chain_window,
    expiration_dates,
    screen_option_chain,
)
from openfutu.market.warrant_screen import (
    MAX_WARRANTS_PER_PAGE,
    IpoPeriod,
    WarrantListing,
    WarrantQuery,
    WarrantRow,
    WarrantStatus,
    WarrantTrading,
    build_warrant_row,
    screen_listings,
    sort_field_of,
)
from openfutu.protocol.pb import (
    Qot_Common_pb2,
    Qot_GetFutureInfo_pb2,
    Qot_GetOptionChain_pb2,
    Qot_GetOptionExpirationDate_pb2,
    Qot_GetReference_pb2,
    Qot_GetWarrant_pb2,
)

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import RateRule
from .quote_history import (
    code_of,
    fill_security,
    instrument_of,
    market_of,
    parse_time,
    user_key,
)

EXPIRATION_DATE_RATE = RateRule(60, 30.0, what="get_option_expiration_date")  # docs L3672
OPTION_CHAIN_RATE = RateRule(10, 30.0, what="get_option_chain")  # docs L3823
WARRANT_RATE = RateRule(60, 30.0, what="get_warrant")  # docs L4013
REFERENCE_RATE = RateRule(10, 30.0, what="get_referencestock_list")  # docs L4114
FUTURE_INFO_RATE = RateRule(30, 30.0, what="get_future_info")  # docs L4193
MAX_FUTURE_CODES = 200  # docs L4194
REFERENCE_WARRANT = 1  # Qot_GetReference.ReferenceType
REFERENCE_FUTURE = 2
DATE_FORMAT = "%Y-%m-%d"
HKT = dt.timezone(dt.timedelta(hours=8))

# Contract specification pages of the exchanges our futures list on.
EXCHANGE_SPEC_URLS = {
    "HK": "https://www.hkex.com.hk/Products/Listed-Derivatives?sc_lang=en",
    "US": "https://www.cmegroup.com/markets/equities.html",
    "SG": "https://www.sgx.com/derivatives/products",
    "JP": "https://www.jpx.co.jp/english/derivatives/products/",
}


def stock_id_of(inst: Instrument) -> int:
    """A stable numeric id per code (the same rule as get_stock_basicinfo)."""
    own = getattr(inst, "stock_id", None)
    if isinstance(own, int) and own > 0:
        return own
    return int.from_bytes(hashlib.sha1(inst.code.encode()).digest()[:6], "big")


def _midnight(day: dt.date, tz: Any) -> float:
    return dt.datetime.combine(day, dt.time(0), tz).timestamp()


def _tz_of(market: Any, code: str) -> Any:
    try:
        return market.prices.timezone(code)
    except Exception:  # noqa: BLE001 - an instrument without a calendar: exchange-neutral
        return HKT


def _today(ctx: RequestContext, market: Any, code: str) -> dt.date:
    return ctx.gateway.services.clock.now().astimezone(_tz_of(market, code)).date()


def fill_static_info(target: Qot_Common_pb2.SecurityStaticInfo, inst: Instrument, market: Any,
                     main_months: dict[str, Instrument] | None = None) -> None:
    """SecurityStaticInfo with the warrant / option / future block."""
    basic = target.basic
    fill_security(basic.security, inst)
    basic.id = stock_id_of(inst)
    basic.lotSize = int(inst.lot_size)
    basic.secType = int(inst.sec_type)
    basic.name = inst.name
    basic.listTime = inst.listing_date.strftime(DATE_FORMAT)
    basic.listTimestamp = _midnight(inst.listing_date, _tz_of(market, inst.code))
    basic.delisting = bool(inst.delisted)
    if inst.exchange_type:
        basic.exchType = int(inst.exchange_type)
    terms = inst.terms
    if inst.sec_type == SecurityType.WARRANT and inst.owner is not None:
        target.warrantExData.type = int(getattr(terms, "warrant_type", 0) or 0)
        target.warrantExData.owner.market = int(inst.owner.market)
        target.warrantExData.owner.code = inst.owner.code
    elif inst.sec_type == SecurityType.DRVT and inst.owner is not None and terms is not None:
        ex = target.optionExData
        ex.type = int(terms.option_type)
        ex.owner.market = int(inst.owner.market)
        ex.owner.code = inst.owner.code
        ex.strikeTime = terms.strike_time.strftime(DATE_FORMAT)
        ex.strikeTimestamp = _midnight(terms.strike_time, _tz_of(market, inst.code))
        ex.strikePrice = float(terms.strike_price)
        ex.suspend = False
        ex.market = PREFIX_BY_MARKET.get(inst.security.market, "")
        ex.indexOptionType = int(getattr(terms, "index_option_type", 0) or 0)
        ex.expirationCycle = int(getattr(terms, "expiration_cycle", 0) or 0)
        ex.optionStandardType = 1  # the universe lists standard contracts only
    elif inst.sec_type == SecurityType.FUTURE and terms is not None:
        last = getattr(terms, "last_trade_date", None)
        target.futureExData.lastTradeTime = last.strftime(DATE_FORMAT) if last else ""
        if last:
            target.futureExData.lastTradeTimestamp = _midnight(last, _tz_of(market, inst.code))
        target.futureExData.isMainContract = bool(getattr(terms, "is_main_contract", False))


# ---------------------------------------------------------------- options


def _option_owner(ctx: RequestContext, security: Qot_Common_pb2.Security) -> tuple[Any, Instrument]:
    market = market_of(ctx)
    inst = instrument_of(market, code_of(security))
    if inst.sec_type not in (SecurityType.EQTY, SecurityType.INDEX, SecurityType.TRUST):
        raise ApiError(f"{inst.code} is not an underlying of options")
    return market, inst


def _index_option_type(owner: Instrument, c2s: Any) -> int | None:
    """The index option type asked for; only meaningful for index underlyings."""
    if owner.sec_type != SecurityType.INDEX or not c2s.HasField("indexOptionType"):
        return None
    value = c2s.indexOptionType
    if value not in (0, 1, 2):  # Qot_Common.IndexOptionType
        raise ApiError(f"unknown indexOptionType {value}")
    return value or None


def option_contract(inst: Instrument, market: Any) -> OptionContract:
    t = inst.terms
    return OptionContract(
        code=inst.code, name=inst.name, lot_size=int(inst.lot_size), owner=str(inst.owner),
        right=OptionRight(int(t.option_type)), strike=float(t.strike_price), expiry=t.strike_time,
        stock_id=stock_id_of(inst), suspended=False, listing_date=inst.listing_date,
        index_option_type=int(getattr(t, "index_option_type", 0) or 0),
        expiration_cycle=int(getattr(t, "expiration_cycle", 0) or 0),
        contract_size=float(getattr(t, "contract_size", 100.0) or 100.0),
        style=ExerciseStyle(int(getattr(t, "exercise_style", ExerciseStyle.AMERICAN)) or ExerciseStyle.AMERICAN),
    )


@handles(3224)
def get_option_expiration_date(
        ctx: RequestContext,
        c2s: Qot_GetOptionExpirationDate_pb2.C2S) -> Qot_GetOptionExpirationDate_pb2.S2C:
    market, owner = _option_owner(ctx, c2s.owner)
    index_type = _index_option_type(owner, c2s)
    ctx.gateway.services.check_rate(EXPIRATION_DATE_RATE, user_key(ctx))
    today = _today(ctx, market, owner.code)
    tz = _tz_of(market, owner.code)
    if index_type:
        contracts = [option_contract(i, market) for i in market.universe.options_of(owner.code, today)]
        rows = expiration_dates(contracts, today, index_type)
        dates = [(r.expiry, r.days_to_expiry, r.cycle) for r in rows]
    else:
        dates = [(day, (day - today).days, int(cycle))
                 for day, cycle in market.universe.option_expiry_cycles(owner.code, today) if day >= today]
    s2c = Qot_GetOptionExpirationDate_pb2.S2C()
    for day, distance, cycle in dates:
        item = s2c.dateList.add(strikeTime=day.strftime(DATE_FORMAT), strikeTimestamp=_midnight(day, tz),
                                optionExpiryDateDistance=distance)
        if owner.sec_type == SecurityType.INDEX and cycle:
            item.cycle = cycle  # the cycle is reported for index options only
    return s2c


def _data_filter(c2s: Qot_GetOptionChain_pb2.C2S) -> OptionDataFilter | None:
    if not c2s.HasField("dataFilter"):
        return None
    f = c2s.dataFilter
    names = {
        "implied_volatility_min": "impliedVolatilityMin", "implied_volatility_max": "impliedVolatilityMax",
        "delta_min": "deltaMin", "delta_max": "deltaMax", "gamma_min": "gammaMin", "gamma_max": "gammaMax",
        "vega_min": "vegaMin", "vega_max": "vegaMax", "theta_min": "thetaMin", "theta_max": "thetaMax",
        "rho_min": "rhoMin", "rho_max": "rhoMax",
        "net_open_interest_min": "netOpenInterestMin", "net_open_interest_max": "netOpenInterestMax",
        "open_interest_min": "openInterestMin", "open_interest_max": "openInterestMax",
        "vol_min": "volMin", "vol_max": "volMax",
    }
    values = {ours: (getattr(f, wire) if f.HasField(wire) else None) for ours, wire in names.items()}
    for ours in names:
        if ours.endswith("_min"):
            lo, hi = values[ours], values[ours[:-4] + "_max"]
            if lo is not None and hi is not None and lo > hi:
                raise ApiError(f"dataFilter: {ours} {lo} is above its maximum {hi}")
    return OptionDataFilter(**values)


class OptionFiguresCache:
    """Data-filter figures of options by code for one minute of market time,
    read from the snapshot source so that a filtered chain and
    get_market_snapshot show the same IV, greeks, open interest and volume."""

    def __init__(self) -> None:
        self._minute = -1
        self._figures: dict[str, OptionFigures] = {}
        self._lock = threading.Lock()

    def figures(self, snapshots: Any, now: dt.datetime, contracts: list[OptionContract]) -> list[OptionFigures]:
        minute = int(now.timestamp()) // 60
        with self._lock:
            if minute != self._minute:
                self._minute, self._figures = minute, {}
            known = dict(self._figures)
        out = []
        for c in contracts:
            f = known.get(c.code)
            if f is None:
                snap = snapshots.snapshot(c.code, now)
                o = snap.option
                if o is None:
                    f = OptionFigures(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, int(snap.quote.volume))
                else:
                    f = OptionFigures(o.implied_volatility, o.delta, o.gamma, o.vega, o.theta, o.rho,
                                      int(o.open_interest), int(o.net_open_interest), int(snap.quote.volume))
                with self._lock:
                    if self._minute == minute:
                        self._figures[c.code] = f
            out.append(f)
        return out


@handles(3209)
async def get_option_chain(ctx: RequestContext,
                           c2s: Qot_GetOptionChain_pb2.C2S) -> Qot_GetOptionChain_pb2.S2C:
    market, owner = _option_owner(ctx, c2s.owner)
    index_type = _index_option_type(owner, c2s)
    begin = parse_time(c2s.beginTime, "beginTime", end=False).date()
    end = parse_time(c2s.endTime, "endTime", end=True).date()
    today = _today(ctx, market, owner.code)
    try:
        begin, end = chain_window(begin, end, today)
    except ValueError as exc:
        raise ApiError(str(exc)) from None
    kind = c2s.type if c2s.HasField("type") else 0
    if kind not in (0, 1, 2):
        raise ApiError(f"unknown option type {kind}")
    condition = c2s.condition if c2s.HasField("condition") else 0
    if condition not in (0, 1, 2):
        raise ApiError(f"unknown option condition {condition}")
    data_filter = _data_filter(c2s)
    ctx.gateway.services.check_rate(OPTION_CHAIN_RATE, user_key(ctx))
    now = ctx.gateway.services.clock.now()
    services = ctx.gateway.services
    cache: OptionFiguresCache = services.component("option_figures", lambda s: OptionFiguresCache())
    snapshots = snapshot_source(services)

    def screen() -> tuple[dict[str, Instrument], Any]:
        instruments = {i.code: i for i in market.universe.options_of(owner.code, today)}
        contracts = [option_contract(i, market) for i in instruments.values()]
        spot = market.quote(owner.code, now).last_price
        return instruments, screen_option_chain(
            contracts, spot, begin, end, OptionTypeFilter(kind), OptionCondition(condition), index_type,
            data_filter, lambda chosen: cache.figures(snapshots, now, chosen))

    # the data filter reads a snapshot of every contract: keep the event loop free meanwhile
    instruments, chain = await asyncio.to_thread(screen)
    tz = _tz_of(market, owner.code)
    s2c = Qot_GetOptionChain_pb2.S2C()
    for expiry in chain:
        group = s2c.optionChain.add(strikeTime=expiry.expiry.strftime(DATE_FORMAT),
                                    strikeTimestamp=_midnight(expiry.expiry, tz))
        for strike in expiry.strikes:
            item = group.option.add()
            if strike.call is not None:
                fill_static_info(item.call, instruments[strike.call.code], market)
            if strike.put is not None:
                fill_static_info(item.put, instruments[strike.put.code], market)
    return s2c


# ---------------------------------------------------------------- warrants


def _warrant_query(c2s: Qot_GetWarrant_pb2.C2S) -> WarrantQuery:
    def bound(lo: str, hi: str) -> tuple[float | None, float | None]:
        return (float(getattr(c2s, lo)) if c2s.HasField(lo) else None,
                float(getattr(c2s, hi)) if c2s.HasField(hi) else None)

    def day(name: str) -> dt.date | None:
        if not c2s.HasField(name) or not getattr(c2s, name).strip():
            return None
        return parse_time(getattr(c2s, name), name, end=False).date()

    for value in c2s.typeList:
        if value not in {int(k) for k in WarrantKind if k != WarrantKind.UNKNOWN}:
            raise ApiError(f"unknown warrant type {value}")
    try:
        ipo = IpoPeriod(c2s.ipoPeriod) if c2s.HasField("ipoPeriod") else None
        price_type = PriceStatus(c2s.priceType) if c2s.HasField("priceType") else None
        status = WarrantStatus(c2s.status) if c2s.HasField("status") else None
        return WarrantQuery(
            kinds=tuple(c2s.typeList), issuers=tuple(c2s.issuerList),
            maturity_min=day("maturityTimeMin"), maturity_max=day("maturityTimeMax"),
            ipo_period=ipo, price_type=price_type, status=status,
            cur_price=bound("curPriceMin", "curPriceMax"),
            strike_price=bound("strikePriceMin", "strikePriceMax"),
            street_rate=bound("streetMin", "streetMax"),
            conversion_ratio=bound("conversionMin", "conversionMax"),
            volume=bound("volMin", "volMax"),
            premium=bound("premiumMin", "premiumMax"),
            leverage=bound("leverageRatioMin", "leverageRatioMax"),
            delta=bound("deltaMin", "deltaMax"),
            implied_volatility=bound("impliedMin", "impliedMax"),
            recovery_price=bound("recoveryPriceMin", "recoveryPriceMax"),
            price_recovery_ratio=bound("priceRecoveryRatioMin", "priceRecoveryRatioMax"),
        )
    except ValueError as exc:
        raise ApiError(str(exc)) from None


def _street_volume(inst: Instrument, issue_size: int, seed: int) -> int:
    """Warrants held by investors: a stable share of the issue per code."""
    digest = hashlib.sha1(f"{seed}:{inst.code}:street".encode()).digest()
    share = 0.01 + 0.6 * (int.from_bytes(digest[:4], "big") / 2**32)
    return int(issue_size * share)


def warrant_listing(inst: Instrument) -> WarrantListing:
    t = inst.terms
    return WarrantListing(
        code=inst.code, name=inst.name, owner=str(inst.owner), kind=WarrantKind(int(t.warrant_type)),
        issuer=int(t.issuer), maturity_date=t.maturity_date, list_date=t.listing_date,
        last_trade_date=t.last_trade_date,
        strike_price=0.0 if int(t.warrant_type) == WarrantKind.INLINE else float(t.strike_price),
        conversion_ratio=float(t.conversion_ratio), lot_size=int(inst.lot_size),
        issue_size=int(t.issue_size), recovery_price=t.call_price,
        upper_strike_price=t.upper_strike_price, lower_strike_price=t.lower_strike_price)


class WarrantRowCache:
    """get_warrant rows by code for one minute of market time: building a row
    quotes the warrant, its book and its underlying."""

    def __init__(self) -> None:
        self._minute = -1
        self._rows: dict[str, WarrantRow] = {}
        self._lock = threading.Lock()

    def rows(self, market: Any, snapshots: Any, now: dt.datetime,
             listings: list[WarrantListing]) -> list[WarrantRow]:
        minute = int(now.timestamp()) // 60
        with self._lock:
            if minute != self._minute:
                self._minute, self._rows = minute, {}
            known = dict(self._rows)
        spots: dict[str, float] = {}
        out = []
        for listing in listings:
            row = known.get(listing.code)
            if row is None:
                row = self._build(market, snapshots, now, listing, spots)
                with self._lock:
                    if self._minute == minute:
                        self._rows[listing.code] = row
            out.append(row)
        return out

    @staticmethod
    def _build(market: Any, snapshots: Any, now: dt.datetime, listing: WarrantListing,
               spots: dict[str, float]) -> WarrantRow:
        # the snapshot's own figures (book touch, street volume, score), so that
        # get_warrant and get_market_snapshot agree about a warrant
        if listing.owner not in spots:
            spots[listing.owner] = market.quote(listing.owner, now).last_price
        snap = snapshots.snapshot(listing.code, now)
        q = snap.quote
        block = snap.warrant
        trading = WarrantTrading(
            last_price=q.last_price, prev_close=q.prev_close_price, high=q.high_price, low=q.low_price,
            volume=int(q.volume), turnover=float(q.turnover), bid_price=snap.bid_price,
            ask_price=snap.ask_price, bid_volume=int(snap.bid_volume), ask_volume=int(snap.ask_volume),
            suspended=bool(q.is_suspended))
        inst = market.instrument(listing.code)
        street = int(block.street_volume) if block is not None else _street_volume(inst, listing.issue_size, market.seed)
        issue = int(block.issue_volume) if block is not None and block.issue_volume else listing.issue_size
        return build_warrant_row(
            code=listing.code, name=listing.name, owner=listing.owner, kind=listing.kind,
            issuer=listing.issuer, strike=float(inst.terms.strike_price),
            conversion_ratio=listing.conversion_ratio, lot_size=listing.lot_size,
            maturity_date=listing.maturity_date, list_date=listing.list_date,
            last_trade_date=listing.last_trade_date, issue_size=issue, street_volume=street,
            trading=trading, spot=spots[listing.owner], now=now, call_price=listing.recovery_price,
            lower_strike=listing.lower_strike_price, upper_strike=listing.upper_strike_price,
            fallback_volatility=market.universe.get(listing.owner).volatility,
            score=float(block.score) if block is not None else None)


def snapshot_source(services: Any) -> Any:
    """The gateway's shared snapshot builder (the one get_market_snapshot uses)."""
    from openfutu.market.snapshot import SnapshotSource

    return services.component("snapshot_source", lambda s: SnapshotSource(s.market))


def _fill_warrant(msg: Qot_GetWarrant_pb2.WarrantData, row: WarrantRow, tz: Any) -> None:
    def code(target: Qot_Common_pb2.Security, text: str) -> None:
        prefix, _, rest = text.partition(".")
        target.market = int(QotMarket.HK_SECURITY) if prefix == "HK" else 0
        target.code = rest

    code(msg.stock, row.code)
    code(msg.owner, row.owner)
    msg.type = int(row.kind)
    msg.issuer = row.issuer
    msg.maturityTime = row.maturity_date.strftime(DATE_FORMAT)
    msg.maturityTimestamp = _midnight(row.maturity_date, tz)
    msg.listTime = row.list_date.strftime(DATE_FORMAT)
    msg.listTimestamp = _midnight(row.list_date, tz)
    msg.lastTradeTime = row.last_trade_date.strftime(DATE_FORMAT)
    msg.lastTradeTimestamp = _midnight(row.last_trade_date, tz)
    if row.recovery_price is not None:
        msg.recoveryPrice = row.recovery_price
    msg.conversionRatio = row.conversion_ratio
    msg.lotSize = row.lot_size
    msg.strikePrice = row.strike_price
    msg.lastClosePrice = row.last_close
    msg.name = row.name
    msg.curPrice = row.cur_price
    msg.priceChangeVal = row.price_change
    msg.changeRate = row.change_rate
    msg.status = int(row.status)
    msg.bidPrice = row.bid_price
    msg.askPrice = row.ask_price
    msg.bidVol = row.bid_volume
    msg.askVol = row.ask_volume
    msg.volume = row.volume
    msg.turnover = row.turnover
    msg.score = row.score
    msg.premium = row.premium
    msg.breakEvenPoint = row.break_even_point
    msg.leverage = row.leverage
    msg.ipop = row.ipop
    if row.price_recovery_ratio is not None:
        msg.priceRecoveryRatio = row.price_recovery_ratio
    msg.conversionPrice = row.conversion_price
    msg.streetRate = row.street_rate
    msg.streetVol = row.street_volume
    msg.amplitude = row.amplitude
    msg.issueSize = row.issue_size
    msg.highPrice = row.high
    msg.lowPrice = row.low
    if row.implied_volatility is not None:
        msg.impliedVolatility = row.implied_volatility
    if row.delta is not None:
        msg.delta = row.delta
    msg.effectiveLeverage = row.effective_leverage
    if row.upper_strike_price is not None:
        msg.upperStrikePrice = row.upper_strike_price
    if row.lower_strike_price is not None:
        msg.lowerStrikePrice = row.lower_strike_price
    if row.inline_price_status is not None:
        msg.inLinePriceStatus = int(row.inline_price_status)


@handles(3210)
async def get_warrant(ctx: RequestContext, c2s: Qot_GetWarrant_pb2.C2S) -> Qot_GetWarrant_pb2.S2C:
    services = ctx.gateway.services
    market = market_of(ctx)
    owner_code: str | None = None
    if c2s.HasField("owner") and c2s.owner.code:
        owner = instrument_of(market, code_of(c2s.owner))
        if owner.security.market != QotMarket.HK_SECURITY:
            raise ApiError("get_warrant screens HK warrants only: the underlying must be an HK security")
        owner_code = owner.code
    if c2s.num > MAX_WARRANTS_PER_PAGE or c2s.num < 0:
        raise ApiError(f"num must be between 0 and {MAX_WARRANTS_PER_PAGE}")  # docs L4014
    if c2s.begin < 0:
        raise ApiError("begin must not be negative")
    try:
        sort_field_of(c2s.sortField)
    except ValueError as exc:
        raise ApiError(str(exc)) from None
    query = _warrant_query(c2s)
    services.check_rate(WARRANT_RATE, user_key(ctx))
    now = services.clock.now()
    today = now.astimezone(HKT).date()
    cache: WarrantRowCache = services.component("warrant_rows", lambda s: WarrantRowCache())
    snapshots = snapshot_source(services)

    def screen() -> Any:
        listings = [warrant_listing(i) for i in market.universe.warrants_of(owner_code, today)]
        return screen_listings(listings, query, c2s.sortField, c2s.ascend, c2s.begin, c2s.num, today,
                               lambda chosen: cache.rows(market, snapshots, now, chosen),
                               _next_trading_day(market, today))

    # pricing many warrants takes a while: keep the event loop free meanwhile
    page = await asyncio.to_thread(screen)
    s2c = Qot_GetWarrant_pb2.S2C(lastPage=page.last_page, allCount=page.all_count)
    for row in page.rows:
        _fill_warrant(s2c.warrantDataList.add(), row, HKT)
    return s2c


def _next_trading_day(market: Any, today: dt.date) -> dt.date:
    try:
        days = market.trading_days("HK", today + dt.timedelta(days=1), today + dt.timedelta(days=15))
    except Exception:  # noqa: BLE001 - without a calendar: the next weekday
        days = []
    if days:
        return days[0]
    nxt = today + dt.timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += dt.timedelta(days=1)
    return nxt


# ---------------------------------------------------------------- references


@handles(3206)
def get_reference(ctx: RequestContext, c2s: Qot_GetReference_pb2.C2S) -> Qot_GetReference_pb2.S2C:
    market = market_of(ctx)
    inst = instrument_of(market, code_of(c2s.security))
    kind = c2s.referenceType
    if kind not in (REFERENCE_WARRANT, REFERENCE_FUTURE):
        raise ApiError(f"unknown referenceType {kind}")
    if kind == REFERENCE_FUTURE:
        # docs L4115: only the warrants of a stock are exempt from the limit
        ctx.gateway.services.check_rate(REFERENCE_RATE, user_key(ctx))
    today = ctx.gateway.services.clock.now().astimezone(_tz_of(market, inst.code)).date()
    s2c = Qot_GetReference_pb2.S2C()
    if kind == REFERENCE_WARRANT:
        related = (market.universe.warrants_of(inst.code, today)
                   if inst.sec_type in (SecurityType.EQTY, SecurityType.INDEX, SecurityType.TRUST) else [])
    else:
        # only a futures contract has sibling contracts; anything else has none
        root = getattr(inst.terms, "root", None) if inst.sec_type == SecurityType.FUTURE else None
        related = list(market.universe.futures_of(root, today)) if root else []
        main = market.universe.main_future(root) if root else None
        if main is not None and main.code != inst.code:
            related.insert(0, main)
        elif main is not None:
            related.insert(0, inst)
    for other in related:
        fill_static_info(s2c.staticInfoList.add(), other, market)
    return s2c


# ---------------------------------------------------------------- futures


def trade_minutes(market: Any, inst: Instrument, today: dt.date) -> list[tuple[float, float]]:
    """Trading sessions of a futures contract on its next trading day as
    minutes from that day's midnight; a session opening the evening before
    starts below zero (the SDK shows it as T-1)."""
    prices = market.prices
    tz = prices.timezone(inst.code)
    zone = getattr(inst.terms, "time_zone", None)
    if zone:  # minutes are told in the time zone the contract reports
        try:
            tz = ZoneInfo(zone)
        except (ValueError, KeyError):
            pass
    days = prices.calendar(inst.code).trading_days(today, today + dt.timedelta(days=10))
    if not days:
        return []
    day = days[0]
    midnight = dt.datetime.combine(day, dt.time(0), tz)
    out = []
    for session in prices.calendar(inst.code).sessions(day):
        kind = str(getattr(session.kind, "name", session.kind)).upper()
        if "AUCTION" in kind:  # auctions take orders but do not trade continuously
            continue
        start = (session.start.astimezone(tz) - midnight).total_seconds() / 60.0
        end = (session.end.astimezone(tz) - midnight).total_seconds() / 60.0
        out.append((start, end))
    return sorted(out)


@handles(3218)
def get_future_info(ctx: RequestContext,
                    c2s: Qot_GetFutureInfo_pb2.C2S) -> Qot_GetFutureInfo_pb2.S2C:
    if len(c2s.securityList) == 0:
        raise ApiError("securityList is empty")
    if len(c2s.securityList) > MAX_FUTURE_CODES:
        raise ApiError(f"at most {MAX_FUTURE_CODES} futures per request")  # docs L4194
    market = market_of(ctx)
    instruments = []
    for security in c2s.securityList:
        inst = instrument_of(market, code_of(security))
        if inst.sec_type != SecurityType.FUTURE:
            raise ApiError(f"{inst.code} is not a futures contract")
        instruments.append(inst)
    ctx.gateway.services.check_rate(FUTURE_INFO_RATE, user_key(ctx))
    now = ctx.gateway.services.clock.now()
    s2c = Qot_GetFutureInfo_pb2.S2C()
    for inst in instruments:
        t = inst.terms
        tz = _tz_of(market, inst.code)
        today = now.astimezone(tz).date()
        info = s2c.futureInfoList.add(name=inst.name)
        fill_security(info.security, inst)
        last = t.last_trade_date
        info.lastTradeTime = last.strftime(DATE_FORMAT) if last else ""  # main contracts have none
        if last:
            info.lastTradeTimestamp = _midnight(last, tz)
        if t.owner is not None:
            info.owner.market = int(t.owner.market)
            info.owner.code = t.owner.code
            info.ownerOther = ""
        else:
            info.ownerOther = t.owner_other
        info.exchange = t.exchange
        info.contractType = t.contract_type
        info.contractSize = float(t.multiplier)
        info.contractSizeUnit = t.size_unit
        info.quoteCurrency = t.quote_currency
        info.minVar = float(t.min_var)
        info.minVarUnit = t.quote_unit
        info.quoteUnit = t.quote_unit
        for begin, end in trade_minutes(market, inst, today):
            info.tradeTime.add(begin=begin, end=end)
        info.timeZone = t.time_zone
        info.exchangeFormatUrl = EXCHANGE_SPEC_URLS.get(PREFIX_BY_MARKET.get(inst.security.market, ""), "")
        if t.is_main_contract:
            months = market.universe.futures_of(t.root, today)
            if months:
                fill_security(info.origin, months[0])
        else:
            fill_security(info.origin, inst)
    return s2c
