"""History quote protocols: RequestHistoryKL 3103, RequestHistoryKLQuota 3104,
RequestRehab 3105.

The bars come from the market's KLineSource; this module maps protobuf to
domain calls and enforces the documented rules: the history K-line quota
(a security counts once per 30 days, docs L218), the request rate (60 per
30 s, only the first page of a security counts, docs L3503), the periods an
option has (docs L3505) and the US pre/after-hours rule (docs L3506).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from typing import Any
from zoneinfo import ZoneInfo

from openfutu.market.corporate_actions import AuType, CompanyAct, RehabRecord
from openfutu.market.klines import MINUTES_PER_BAR, KLine, KLType
from openfutu.market.model import (
    MARKET_BY_PREFIX,
    PREFIX_BY_MARKET,
    Instrument,
    QotMarket,
    SecurityType,
)
from openfutu.protocol.pb import (
    Qot_Common_pb2,
    Qot_RequestHistoryKL_pb2,
    Qot_RequestHistoryKLQuota_pb2,
    Qot_RequestRehab_pb2,
)

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import RateRule

HISTORY_KL_RATE = RateRule(60, 30.0, what="request_history_kline")  # docs L3503
REHAB_RATE = RateRule(60, 30.0, what="get_rehab")  # docs L3600
MAX_BARS_PER_PAGE = 1000  # the SDK never asks for more per request (spec quote-apis §7.5)
OPTION_KL_TYPES = (KLType.K_DAY, KLType.K_1M, KLType.K_5M, KLType.K_15M, KLType.K_60M)  # docs L3505
EXTENDED_MAX_MINUTES = 60  # docs L3506: US pre/after/overnight bars only up to 60-minute periods
US_TURNOVER_SINCE = dt.date(2015, 10, 12)  # docs L3507
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# Qot_Common.KLFields bits
KL_FIELD_HIGH = 1
KL_FIELD_OPEN = 2
KL_FIELD_LOW = 4
KL_FIELD_CLOSE = 8
KL_FIELD_LAST_CLOSE = 16
KL_FIELD_VOLUME = 32
KL_FIELD_TURNOVER = 64
KL_FIELD_TURNOVER_RATE = 128
KL_FIELD_PE = 256
KL_FIELD_CHANGE_RATE = 512
KL_FIELDS_ALL = 1023

# Common.Session values that ask for bars outside regular hours
_EXTENDED_SESSIONS = {2, 3, 4}  # ETH, ALL, OVERNIGHT


# ------------------------------------------------------------------ shared
# (quote_derivatives imports these)


def code_of(security: Qot_Common_pb2.Security) -> str:
    """"HK.00700" from a wire Security; an unknown market is a bad request."""
    try:
        market = QotMarket(security.market)
    except ValueError:
        raise ApiError(f"unknown market {security.market}") from None
    prefix = PREFIX_BY_MARKET.get(market)
    if prefix is None or not security.code:
        raise ApiError(f"unknown security {security.market}.{security.code!r}")
    return f"{prefix}.{security.code}"


def fill_security(target: Qot_Common_pb2.Security, inst: Instrument) -> None:
    target.market = int(inst.security.market)
    target.code = inst.security.code


def security_of_code(target: Qot_Common_pb2.Security, code: str) -> None:
    prefix, _, rest = code.partition(".")
    target.market = int(MARKET_BY_PREFIX.get(prefix, QotMarket.UNKNOWN))
    target.code = rest


def market_of(ctx: RequestContext) -> Any:
    return ctx.gateway.services.market


def instrument_of(market: Any, code: str) -> Instrument:
    """The instrument, or the documented kind of failure for an unknown code."""
    finder = getattr(market, "instrument", None) or market.prices.instrument
    try:
        inst = finder(code)
    except KeyError:
        inst = None
    if inst is None:
        raise ApiError(f"unknown stock {code}")
    return inst


def user_key(ctx: RequestContext) -> int:
    """Request rates are counted per Futu user, as OpenD does."""
    return ctx.gateway.services.login_user_id


def now_of(ctx: RequestContext) -> dt.datetime:
    return ctx.gateway.services.clock.now()


def parse_time(text: str, what: str, end: bool) -> dt.datetime:
    """'yyyy-MM-dd[ HH:mm:ss]' (what the SDK sends) as a naive local time."""
    text = text.strip()
    for fmt in (TIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            value = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and end:
            value = value.replace(hour=23, minute=59, second=59)
        return value
    raise ApiError(f"{what} {text!r} is not a time of the form yyyy-MM-dd HH:mm:ss")


def epoch(value: dt.datetime) -> float:
    return float(value.timestamp())


# ------------------------------------------------------------ paging keys

_KEY_MAGIC = b"OFK1"


def _request_fingerprint(c2s: Qot_RequestHistoryKL_pb2.C2S) -> bytes:
    """What a page key is bound to: the same security and query on every page."""
    parts = (c2s.security.market, c2s.security.code, c2s.klType, c2s.rehabType, c2s.beginTime,
             c2s.endTime, c2s.extendedTime, c2s.session)
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()


def encode_page_key(c2s: Qot_RequestHistoryKL_pb2.C2S, next_start: dt.datetime) -> bytes:
    return _KEY_MAGIC + _request_fingerprint(c2s) + struct.pack(">q", int(next_start.timestamp()))


def decode_page_key(c2s: Qot_RequestHistoryKL_pb2.C2S, key: bytes) -> float:
    """Epoch second the next page starts at; a key of another query is refused."""
    if len(key) != 20 or key[:4] != _KEY_MAGIC or key[4:12] != _request_fingerprint(c2s):
        raise ApiError("invalid nextReqKey: it does not belong to this request")
    return float(struct.unpack(">q", key[12:])[0])


# ---------------------------------------------------------------- 3103


def _kl_type(value: int) -> KLType:
    try:
        kl_type = KLType(value)
    except ValueError:
        raise ApiError(f"unknown KLType {value}") from None
    if kl_type == KLType.NONE:
        raise ApiError("klType must be a bar period")
    return kl_type


def _au_type(value: int) -> AuType:
    try:
        return AuType(value)
    except ValueError:
        raise ApiError(f"unknown RehabType {value}") from None


def _wants_extended(inst: Instrument, kl_type: KLType, c2s: Qot_RequestHistoryKL_pb2.C2S) -> bool:
    asked = (c2s.HasField("extendedTime") and c2s.extendedTime) or (
        c2s.HasField("session") and c2s.session in _EXTENDED_SESSIONS)
    # docs L3506: US only, and only bars of at most 60 minutes
    return bool(asked and inst.security.market == QotMarket.US_SECURITY
                and MINUTES_PER_BAR.get(kl_type, 10**6) <= EXTENDED_MAX_MINUTES)


def _session_still_open(market: Any, code: str, now: dt.datetime) -> bool:
    """Whether today's regular sessions have not ended yet (today's day bar is partial)."""
    prices = market.prices
    tz = prices.timezone(code)
    today = now.astimezone(tz).date()
    if not prices.trading_days(code, today, today):
        return False
    sessions = prices.continuous_sessions(code, today)
    return bool(sessions) and now < sessions[-1][1]


def history_page(market: Any, inst: Instrument, start: dt.datetime, end: dt.datetime,
                 kl_type: KLType, au_type: AuType, max_count: int, extended: bool,
                 now: dt.datetime) -> tuple[list[KLine], dt.datetime | None]:
    """One page of bars in [start, end] (naive local or aware), never past
    ``now``: intraday bars only once finished, and for day and longer
    periods today's bar as traded so far."""
    klines, prices, code = market.klines, market.prices, inst.code
    tz = prices.timezone(code)
    local_now = now.astimezone(tz)
    start = start if start.tzinfo else start.replace(tzinfo=tz)
    end = end if end.tzinfo else end.replace(tzinfo=tz)
    today = local_now.date()
    if kl_type in MINUTES_PER_BAR:
        cap = min(end, local_now)
        if cap < start:
            return [], None
        page = klines.history(code, start, cap, kl_type, au_type, max_count, extended, today=today)
        return list(page.bars), page.next_time_key
    partial = _session_still_open(market, code, now)
    last_full_day = today - dt.timedelta(days=1) if partial else today
    cap = min(end, dt.datetime.combine(last_full_day, dt.time(23, 59, 59), tz))
    bars: list[KLine] = []
    next_key = None
    if cap >= start:
        page = klines.history(code, start, cap, kl_type, au_type, max_count, False, today=today)
        bars, next_key = list(page.bars), page.next_time_key
    if next_key is None and partial and end.date() >= today:
        current = klines.latest(code, now, kl_type, 1, au_type)
        if current and start <= current[-1].time_key <= end and current[-1].volume > 0:
            bar = current[-1]
            if bars and bars[-1].time_key == bar.time_key:
                bars[-1] = bar  # this period's bar so far, with today's trading in it
            elif len(bars) < max_count:
                bars.append(bar)
            else:
                next_key = bar.time_key
    return bars, next_key


def fill_kline(msg: Qot_Common_pb2.KLine, bar: KLine, fields: int, us: bool) -> None:
    msg.time = bar.time_key.strftime(TIME_FORMAT)
    msg.isBlank = bool(bar.is_blank)
    msg.timestamp = epoch(bar.time_key)
    if fields & KL_FIELD_HIGH:
        msg.highPrice = bar.high
    if fields & KL_FIELD_OPEN:
        msg.openPrice = bar.open
    if fields & KL_FIELD_LOW:
        msg.lowPrice = bar.low
    if fields & KL_FIELD_CLOSE:
        msg.closePrice = bar.close
    if fields & KL_FIELD_LAST_CLOSE:
        msg.lastClosePrice = bar.last_close
    if fields & KL_FIELD_VOLUME:
        msg.volume = int(bar.volume)
    if fields & KL_FIELD_TURNOVER:
        # docs L3507: no US turnover before 2015-10-12
        msg.turnover = 0.0 if us and bar.time_key.date() < US_TURNOVER_SINCE else bar.turnover
    if fields & KL_FIELD_TURNOVER_RATE:
        msg.turnoverRate = bar.turnover_rate
    if fields & KL_FIELD_PE:
        msg.pe = bar.pe_ratio
    if fields & KL_FIELD_CHANGE_RATE:
        msg.changeRate = bar.change_rate


@handles(3103)
def request_history_kline(ctx: RequestContext,
                          c2s: Qot_RequestHistoryKL_pb2.C2S) -> Qot_RequestHistoryKL_pb2.S2C:
    services = ctx.gateway.services
    code = code_of(c2s.security)
    kl_type = _kl_type(c2s.klType)
    au_type = _au_type(c2s.rehabType)
    begin = parse_time(c2s.beginTime, "beginTime", end=False)
    end = parse_time(c2s.endTime, "endTime", end=True)
    if begin > end:
        raise ApiError(f"beginTime {c2s.beginTime} is later than endTime {c2s.endTime}")
    max_count = MAX_BARS_PER_PAGE
    if c2s.HasField("maxAckKLNum"):
        if c2s.maxAckKLNum <= 0:
            raise ApiError("maxAckKLNum must be positive")
        max_count = min(c2s.maxAckKLNum, MAX_BARS_PER_PAGE)
    fields = c2s.needKLFieldsFlag if c2s.HasField("needKLFieldsFlag") and c2s.needKLFieldsFlag else KL_FIELDS_ALL
    if fields & ~KL_FIELDS_ALL:
        raise ApiError(f"unknown bits in needKLFieldsFlag {fields}")
    market = market_of(ctx)
    inst = instrument_of(market, code)
    if inst.sec_type == SecurityType.DRVT and kl_type not in OPTION_KL_TYPES:
        raise ApiError("options have only day, 1-, 5-, 15- and 60-minute K-lines")  # docs L3505
    if inst.sec_type == SecurityType.PLATE or inst.sec_type == SecurityType.PLATESET:
        raise ApiError(f"{code} is a plate and has no K-lines")
    extended = _wants_extended(inst, kl_type, c2s)
    now = services.clock.now()
    start: dt.datetime = begin
    paging = c2s.HasField("nextReqKey") and len(c2s.nextReqKey) > 0
    if paging:
        start_ts = decode_page_key(c2s, bytes(c2s.nextReqKey))
        start = dt.datetime.fromtimestamp(start_ts, market.prices.timezone(code))
    else:
        # later pages are neither rate-limited (docs L3503) nor charged again
        services.check_rate(HISTORY_KL_RATE, user_key(ctx))
        if not services.userdata.charge_history_kline(
                code, now.timestamp(), services.config.openfutu_history_kl_quota):
            raise ApiError(
                f"history K-line quota exhausted: {services.config.openfutu_history_kl_quota} "
                "securities per 30 days are used; a security's unit is freed 30 days "
                "after it was first requested")  # docs L218, L3502
    try:
        bars, next_key = history_page(market, inst, start, end, kl_type, au_type, max_count,
                                      extended, now)
    except ValueError as exc:
        raise ApiError(str(exc)) from None
    s2c = Qot_RequestHistoryKL_pb2.S2C(name=inst.name)
    fill_security(s2c.security, inst)
    us = inst.security.market == QotMarket.US_SECURITY
    for bar in bars:
        fill_kline(s2c.klList.add(), bar, fields, us)
    if next_key is not None:
        s2c.nextReqKey = encode_page_key(c2s, next_key)
    return s2c


# ---------------------------------------------------------------- 3104


@handles(3104)
def request_history_kl_quota(
        ctx: RequestContext,
        c2s: Qot_RequestHistoryKLQuota_pb2.C2S) -> Qot_RequestHistoryKLQuota_pb2.S2C:
    services = ctx.gateway.services
    quota = services.config.openfutu_history_kl_quota
    uses = services.userdata.quota_uses(services.clock.now().timestamp())
    s2c = Qot_RequestHistoryKLQuota_pb2.S2C(usedQuota=len(uses),
                                             remainQuota=max(quota - len(uses), 0))
    if c2s.HasField("bGetDetail") and c2s.bGetDetail:
        market = None
        for use in uses:
            item = s2c.detailList.add()
            security_of_code(item.security, use.code)
            tz: Any = ZoneInfo("UTC")
            try:
                market = market if market is not None else market_of(ctx)
                inst = instrument_of(market, use.code)
                item.name = inst.name
                tz = market.prices.timezone(use.code)
            except ApiError:
                item.name = ""  # a code the current universe no longer lists
            when = dt.datetime.fromtimestamp(use.last_request_at, tz)
            item.requestTime = when.strftime(TIME_FORMAT)
            item.requestTimeStamp = int(use.last_request_at)
    return s2c


# ---------------------------------------------------------------- 3105


def fill_rehab(msg: Qot_Common_pb2.Rehab, rec: RehabRecord, tz: Any) -> None:
    a = rec.action
    flags = CompanyAct(a.flags)
    msg.time = rec.ex_date.strftime("%Y-%m-%d")
    msg.timestamp = epoch(dt.datetime.combine(rec.ex_date, dt.time(0), tz))
    msg.companyActFlag = int(flags)
    msg.fwdFactorA = rec.forward_adj_factor_a
    msg.fwdFactorB = rec.forward_adj_factor_b
    msg.bwdFactorA = rec.backward_adj_factor_a
    msg.bwdFactorB = rec.backward_adj_factor_b
    if flags & CompanyAct.SPLIT:
        msg.splitBase, msg.splitErt = a.split_base, a.split_ert
    if flags & CompanyAct.JOIN:
        msg.joinBase, msg.joinErt = a.join_base, a.join_ert
    if flags & CompanyAct.BONUS:
        msg.bonusBase, msg.bonusErt = a.bonus_base, a.bonus_ert
    if flags & CompanyAct.TRANSFER:
        msg.transferBase, msg.transferErt = a.transfer_base, a.transfer_ert
    if flags & CompanyAct.DIVIDEND:
        msg.dividend = rec.per_cash_div


@handles(3105)
def request_rehab(ctx: RequestContext, c2s: Qot_RequestRehab_pb2.C2S) -> Qot_RequestRehab_pb2.S2C:
    services = ctx.gateway.services
    code = code_of(c2s.security)
    market = market_of(ctx)
    inst = instrument_of(market, code)
    services.check_rate(REHAB_RATE, user_key(ctx))
    tz = market.prices.timezone(code)
    today = services.clock.now().astimezone(tz).date()
    s2c = Qot_RequestRehab_pb2.S2C()
    for rec in market.prices.corporate_actions.rehab(inst.code, today):
        fill_rehab(s2c.rehabList.add(), rec, tz)
    return s2c
