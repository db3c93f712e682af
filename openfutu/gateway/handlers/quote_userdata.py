"""The user's own quote data: price reminders (SetPriceReminder 3220,
GetPriceReminder 3221) and watchlists (GetUserSecurity 3213,
ModifyUserSecurity 3214, GetUserSecurityGroup 3222).

Everything is kept in the gateway's UserDataStore (SQLite in the data
folder), so it survives restarts; the price-reminder push (3019) reads the
same stored records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from openfutu.market.model import (
    MARKET_BY_PREFIX,
    PREFIX_BY_MARKET,
    Instrument,
    QotMarket,
    SecurityType,
)
from openfutu.protocol.pb import (
    Qot_Common_pb2,
    Qot_GetPriceReminder_pb2,
    Qot_GetUserSecurity_pb2,
    Qot_GetUserSecurityGroup_pb2,
    Qot_ModifyUserSecurity_pb2,
    Qot_SetPriceReminder_pb2,
)

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import RateRule
from ..userdata import (
    ALL_CAP_NEVER_TRADED,
    ALL_CAP_TRADED,
    SYSTEM_GROUPS,
    GroupType,
    PriceReminder,
    ReminderOp,
    ReminderSession,
    ReminderType,
    UserDataError,
    WatchlistOp,
    reminder_value_floor,
)

SET_REMINDER_RATE = RateRule(60, 30.0, what="set_price_reminder")  # docs L5157
GET_REMINDER_RATE = RateRule(10, 30.0, what="get_price_reminder")  # docs L5256
GET_USER_SECURITY_RATE = RateRule(10, 30.0, what="get_user_security")  # docs L5347
GET_GROUP_RATE = RateRule(10, 30.0, what="get_user_security_group")  # docs L5410
MODIFY_USER_SECURITY_RATE = RateRule(10, 30.0, what="modify_user_security")  # docs L5464
# Groups of the app that the API does not serve (docs L5349).
UNSUPPORTED_GROUPS = ("Positions", "Mutual Fund", "Forex")
# The SDK's default sessions for a reminder (spec quote-apis §10.2).
DEFAULT_REMINDER_SESSIONS = [ReminderSession.OPEN, ReminderSession.US_PRE, ReminderSession.US_AFTER]
_PRICE_TYPES = (ReminderType.PRICE_UP, ReminderType.PRICE_DOWN, ReminderType.BID_PRICE_UP,
                ReminderType.ASK_PRICE_DOWN)
_NON_NEGATIVE_TYPES = (ReminderType.VOLUME_UP, ReminderType.TURNOVER_UP,
                       ReminderType.TURNOVER_RATE_UP, ReminderType.BID_VOL_UP,
                       ReminderType.ASK_VOL_UP)


# ------------------------------------------------------------------ shared


def user_key(ctx: RequestContext) -> int:
    """Rates are counted per Futu user, across connections, as OpenD does."""
    return ctx.gateway.services.login_user_id


def code_of(security: Qot_Common_pb2.Security) -> str:
    """"HK.00700" from a wire Security; an unknown market is a bad request."""
    try:
        market = QotMarket(security.market)
    except ValueError:
        raise ApiError(f"unknown market {security.market}") from None
    prefix = PREFIX_BY_MARKET.get(market)
    if prefix is None or not security.code:
        raise ApiError(f"unknown stock {security.market}.{security.code}")
    return f"{prefix}.{security.code}"


def instrument_of(market: Any, code: str) -> Instrument:
    """The instrument, or "unknown stock" for a code the market does not list."""
    finder = getattr(market, "instrument", None) or market.prices.instrument
    try:
        inst = finder(code)
    except (KeyError, LookupError, ValueError):
        inst = None
    if inst is None:
        raise ApiError(f"unknown stock {code}")
    return inst  # type: ignore[no-any-return]


def fill_security(target: Qot_Common_pb2.Security, inst: Instrument) -> None:
    target.market = int(inst.security.market)
    target.code = inst.security.code


def stock_id_of(inst: Instrument) -> int:
    """The instrument's numeric id: its own when the universe gives one,
    else a stable number derived from the code."""
    own = getattr(inst, "stock_id", None)
    if isinstance(own, int) and own > 0:
        return own
    return int.from_bytes(hashlib.sha1(inst.code.encode()).digest()[:6], "big")


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def fill_static_info(target: Qot_Common_pb2.SecurityStaticInfo, inst: Instrument) -> None:
    """SecurityStaticInfo of an instrument, with the derivative blocks."""
    basic = target.basic
    fill_security(basic.security, inst)
    basic.id = stock_id_of(inst)
    basic.lotSize = int(inst.lot_size)
    basic.secType = int(inst.sec_type)
    basic.name = inst.name
    basic.listTime = _date_text(inst.listing_date)
    basic.delisting = bool(inst.delisted)
    basic.listTimestamp = float(
        dt.datetime.combine(inst.listing_date, dt.time(), dt.timezone.utc).timestamp()
    )
    if inst.exchange_type:
        basic.exchType = int(inst.exchange_type)
    terms = inst.terms
    owner = inst.owner
    if inst.sec_type == SecurityType.WARRANT and owner is not None:
        target.warrantExData.type = int(getattr(terms, "warrant_type", 0) or 0)
        target.warrantExData.owner.market = int(owner.market)
        target.warrantExData.owner.code = owner.code
    elif inst.sec_type == SecurityType.DRVT and owner is not None:
        ex = target.optionExData
        ex.type = int(getattr(terms, "option_type", 0) or 0)
        ex.owner.market = int(owner.market)
        ex.owner.code = owner.code
        expiry = getattr(terms, "strike_time", None)
        ex.strikeTime = _date_text(expiry)
        if isinstance(expiry, dt.date):
            ex.strikeTimestamp = float(
                dt.datetime.combine(expiry, dt.time(), dt.timezone.utc).timestamp())
        ex.strikePrice = float(getattr(terms, "strike_price", 0.0) or 0.0)
        ex.suspend = False
        ex.market = PREFIX_BY_MARKET.get(owner.market, "")
        for name, attr in (("indexOptionType", "index_option_type"),
                           ("expirationCycle", "expiration_cycle")):
            value = getattr(terms, attr, None)
            if value is not None:
                setattr(ex, name, int(value))
    elif inst.sec_type == SecurityType.FUTURE:
        target.futureExData.lastTradeTime = _date_text(getattr(terms, "last_trade_date", None))
        target.futureExData.isMainContract = bool(getattr(terms, "is_main_contract", False))


# ------------------------------------------------------------ price reminders


def _reminder_of(c2s: Qot_SetPriceReminder_pb2.C2S, code: str, is_a_share: bool,
                 base: PriceReminder | None) -> PriceReminder:
    """The reminder an ADD or MODIFY describes; MODIFY keeps what it omits."""
    if base is None and not (c2s.HasField("type") and c2s.HasField("freq") and c2s.HasField("value")):
        raise ApiError("adding a price reminder needs reminder_type, reminder_freq and value")
    rtype = c2s.type if c2s.HasField("type") else base.reminder_type  # type: ignore[union-attr]
    freq = c2s.freq if c2s.HasField("freq") else base.freq  # type: ignore[union-attr]
    value = c2s.value if c2s.HasField("value") else base.value  # type: ignore[union-attr]
    note = c2s.note if c2s.HasField("note") else (base.note if base else "")
    sessions = [s for s in c2s.reminderSessionList if s != 0]
    if not sessions:
        sessions = list(base.sessions) if base else [int(s) for s in DEFAULT_REMINDER_SESSIONS]
    if rtype in _PRICE_TYPES and not value > 0:
        raise ApiError(f"the reminder price must be positive, got {value}")
    if rtype in _NON_NEGATIVE_TYPES and value < 0:
        raise ApiError(f"the reminder value must not be negative, got {value}")
    value = reminder_value_floor(rtype, value, is_a_share)  # docs L5147-L5153
    return PriceReminder(0, code, rtype, freq, value, note, True, sorted(set(sessions)))


@handles(3220)
def set_price_reminder(ctx: RequestContext, c2s: Qot_SetPriceReminder_pb2.C2S) -> Qot_SetPriceReminder_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(SET_REMINDER_RATE, user_key(ctx))
    code = code_of(c2s.security)
    inst = instrument_of(services.market, code)
    store = services.userdata
    try:
        op = ReminderOp(c2s.op)
    except ValueError:
        raise ApiError(f"unknown price reminder operation {c2s.op}") from None
    is_a_share = inst.security.market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
    key: int | None = None
    reminder: PriceReminder | None = None
    if op not in (ReminderOp.ADD, ReminderOp.DEL_ALL):
        if not c2s.HasField("key"):
            raise ApiError("this operation needs the key of the price reminder")
        key = int(c2s.key)
        existing = store.reminder(key)
        if existing is None or existing.code != code:
            raise ApiError(f"no price reminder with key {key} for {code}")
        if op == ReminderOp.MODIFY:
            reminder = _reminder_of(c2s, code, is_a_share, existing)
    elif op == ReminderOp.ADD:
        reminder = _reminder_of(c2s, code, is_a_share, None)
    new_key = 0
    if op == ReminderOp.ADD:
        now_ms = int(services.clock.now().timestamp() * 1000)
        new_key = store.next_reminder_key(now_ms)
    try:
        result = store.set_reminder(code, op, key, reminder, new_key=new_key)
    except UserDataError as err:
        raise ApiError(str(err)) from None
    return Qot_SetPriceReminder_pb2.S2C(key=result)


def _market_matches(code: str, inst: Instrument | None, market: int) -> bool:
    """Whether a reminder's code belongs to the requested QotMarket (SH and SZ
    both mean the A-share market, spec quote-apis §10.3)."""
    prefix = code.partition(".")[0]
    code_market = MARKET_BY_PREFIX.get(prefix, QotMarket.UNKNOWN)
    if market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY):
        return code_market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
    is_future = inst is not None and inst.sec_type == SecurityType.FUTURE
    if market == QotMarket.HK_FUTURE:
        return code_market == QotMarket.HK_SECURITY and is_future
    if market == QotMarket.HK_SECURITY:
        return code_market == QotMarket.HK_SECURITY and not is_future
    return int(code_market) == market


def _instrument_or_none(market: Any, code: str) -> Instrument | None:
    try:
        return instrument_of(market, code)
    except ApiError:
        return None


@handles(3221)
def get_price_reminder(ctx: RequestContext, c2s: Qot_GetPriceReminder_pb2.C2S) -> Qot_GetPriceReminder_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(GET_REMINDER_RATE, user_key(ctx))
    store = services.userdata
    market = services.market
    if c2s.HasField("security"):  # the code wins over the market (docs L5180)
        code = code_of(c2s.security)
        instrument_of(market, code)
        items = store.reminders({code})
    elif c2s.HasField("market") and c2s.market:
        try:
            QotMarket(c2s.market)
        except ValueError:
            raise ApiError(f"unknown market {c2s.market}") from None
        items = [r for r in store.reminders()
                 if _market_matches(r.code, _instrument_or_none(market, r.code), c2s.market)]
    else:
        raise ApiError("give a code or a market")
    s2c = Qot_GetPriceReminder_pb2.S2C()
    by_code: dict[str, Any] = {}
    for r in items:
        entry = by_code.get(r.code)
        if entry is None:
            entry = s2c.priceReminderList.add()
            prefix, _, rest = r.code.partition(".")
            entry.security.market = int(MARKET_BY_PREFIX.get(prefix, QotMarket.UNKNOWN))
            entry.security.code = rest
            inst = _instrument_or_none(market, r.code)
            if inst is not None:
                entry.name = inst.name
            by_code[r.code] = entry
        item = entry.itemList.add()
        item.key = r.key
        item.type = r.reminder_type
        item.value = r.value
        item.note = r.note
        item.freq = r.freq
        item.isEnable = r.enabled
        item.reminderSessionList.extend(r.sessions)
    return s2c


# ---------------------------------------------------------------- watchlists


def _in_system_group(group: str, inst: Instrument | None, code: str) -> bool:
    """Which watched codes a system group shows (docs L5330-L5344)."""
    prefix = code.partition(".")[0]
    sec_type = inst.sec_type if inst is not None else SecurityType.UNKNOWN
    is_option = sec_type == SecurityType.DRVT
    is_future = sec_type == SecurityType.FUTURE
    if group == "All":
        return True
    if group == "CN":
        return prefix in ("SH", "SZ") and not is_option
    if group in ("HK", "US"):
        return prefix == group and not is_option and not is_future
    if group == "Options":
        return is_option
    if group == "HK options":
        return is_option and prefix == "HK"
    if group == "US options":
        return is_option and prefix == "US"
    if group == "Futures":
        return is_future
    return False  # Starred: only the app can star a security


@handles(3213)
def get_user_security(ctx: RequestContext, c2s: Qot_GetUserSecurity_pb2.C2S) -> Qot_GetUserSecurity_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(GET_USER_SECURITY_RATE, user_key(ctx))
    name = c2s.groupName
    if name in UNSUPPORTED_GROUPS:
        raise ApiError(f"the {name} group is not supported")  # docs L5349
    store, market = services.userdata, services.market
    s2c = Qot_GetUserSecurity_pb2.S2C()
    if name in SYSTEM_GROUPS:
        codes = [c for c in store.all_codes()
                 if _in_system_group(name, _instrument_or_none(market, c), c)]
    else:
        try:
            codes = store.group_codes(name)
        except UserDataError as err:
            raise ApiError(str(err)) from None
    for code in codes:
        inst = _instrument_or_none(market, code)
        if inst is not None:
            fill_static_info(s2c.staticInfoList.add(), inst)
    return s2c


@handles(3222)
def get_user_security_group(ctx: RequestContext, c2s: Qot_GetUserSecurityGroup_pb2.C2S) -> Qot_GetUserSecurityGroup_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(GET_GROUP_RATE, user_key(ctx))
    if c2s.groupType not in (GroupType.CUSTOM, GroupType.SYSTEM, GroupType.ALL):
        raise ApiError(f"unknown group type {c2s.groupType}")
    s2c = Qot_GetUserSecurityGroup_pb2.S2C()
    for name, kind in services.userdata.groups(c2s.groupType):
        s2c.groupList.add(groupName=name, groupType=int(kind))
    return s2c


def all_list_cap(services: Any) -> int:
    """500 for a user who never traded, 2000 once they have (docs L5466);
    asks the broker when it can tell."""
    broker = services._components.get("broker") if hasattr(services, "_components") else None
    has_traded = getattr(broker, "has_traded", None)
    if callable(has_traded) and has_traded():
        return ALL_CAP_TRADED
    return ALL_CAP_NEVER_TRADED


@handles(3214)
def modify_user_security(ctx: RequestContext, c2s: Qot_ModifyUserSecurity_pb2.C2S) -> Qot_ModifyUserSecurity_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(MODIFY_USER_SECURITY_RATE, user_key(ctx))
    name = c2s.groupName
    try:
        op = WatchlistOp(c2s.op)
    except ValueError:
        raise ApiError(f"unknown watchlist operation {c2s.op}") from None
    if not name:
        raise ApiError("group_name is empty")
    if name in SYSTEM_GROUPS or name in UNSUPPORTED_GROUPS:
        raise ApiError("only custom groups can be modified")  # docs L5465
    if not c2s.securityList:
        raise ApiError("code_list is empty")
    market = services.market
    codes = []
    for sec in c2s.securityList:
        code = code_of(sec)
        if op == WatchlistOp.ADD:
            instrument_of(market, code)  # only listed securities can be watched
        codes.append(code)
    store = services.userdata
    try:
        # Groups are made in the app and the API cannot create them, so the
        # first ADD to a new name creates the custom group.
        store.modify_group(name, op, codes, all_cap=all_list_cap(services),
                           create=op == WatchlistOp.ADD)
    except UserDataError as err:
        raise ApiError(str(err)) from None
    return Qot_ModifyUserSecurity_pb2.S2C()
