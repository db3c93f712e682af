"""Protobuf results -> futu-api rows, dicts and DataFrames, table-driven.

A result shape is a list of ``Column``s: the futu-api column name and how to
read it from the protobuf message. One generic loop builds every row, so a
new function is a table, not another copy of the loop. Column names and the
'N/A' conventions are facts of the futu-api surface.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import pandas as pd
from google.protobuf.message import Message

from .enums import (
    DarkStatus,
    GtwEventType,
    IndexOptionType,
    Market,
    MarketState,
    OptionAreaType,
    ProgramStatusType,
    QotRight,
    SecurityStatus,
    SysNotifyType,
)

NA = "N/A"
Getter = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    name: str
    read: Getter


def req(field: str, conv: Callable[[Any], Any] | None = None) -> Getter:
    """A field that is always read (proto2 default when unset)."""
    if conv is None:
        return lambda pb: getattr(pb, field)
    return lambda pb: conv(getattr(pb, field))


def opt(field: str, conv: Callable[[Any], Any] | None = None, default: Any = NA) -> Getter:
    """A field that reads as ``default`` ('N/A') when the message lacks it."""

    def read(pb: Any) -> Any:
        if not pb.HasField(field):
            return default
        value = getattr(pb, field)
        return conv(value) if conv is not None else value

    return read


def sub(path: str, inner: Getter, default: Any = NA) -> Getter:
    """Read ``inner`` from the sub-message ``path``; ``default`` when absent."""

    def read(pb: Any) -> Any:
        if not pb.HasField(path):
            return default
        return inner(getattr(pb, path))

    return read


def row(pb: Any, columns: Sequence[Column]) -> dict[str, Any]:
    return {c.name: c.read(pb) for c in columns}


def frame(pbs: Iterable[Any], columns: Sequence[Column]) -> pd.DataFrame:
    return pd.DataFrame([row(pb, columns) for pb in pbs], columns=[c.name for c in columns])


def _enum(name: str) -> Callable[[int], str]:
    from . import enums

    return getattr(enums, name).to_string2


# -- codes ------------------------------------------------------------------
def code_of(security: Any) -> str:
    """Qot_Common.Security -> 'HK.00700'."""
    return f"{Market.to_string2(int(security.market))}.{security.code}"


def security_code(field: str = "security") -> Getter:
    return lambda pb: code_of(getattr(pb, field))


def split_code(code: object) -> tuple[int, str] | str:
    """'HK.00700' -> (QotMarket int, '00700'), or an error text."""
    market, dot, rest = code.partition(".") if isinstance(code, str) else ("", "", "")
    if not dot or not rest or not Market.if_has_key(market) or market == Market.NONE:
        return f"ERROR. format of code {code} is wrong. (US.AAPL, HK.00700, SZ.000001)"
    return Market.wire(market), rest


# -- system -----------------------------------------------------------------
def _market_state(field: str) -> Getter:
    return opt(field, MarketState.to_string2)


GLOBAL_STATE: list[Column] = [
    Column("market_sz", _market_state("marketSZ")),
    Column("market_us", _market_state("marketUS")),
    Column("market_sh", _market_state("marketSH")),
    Column("market_hk", _market_state("marketHK")),
    Column("market_hkfuture", _market_state("marketHKFuture")),
    Column("market_usfuture", _market_state("marketUSFuture")),
    Column("market_sgfuture", _market_state("marketSGFuture")),
    Column("market_jpfuture", _market_state("marketJPFuture")),
    Column("market_sg", _market_state("marketSG")),
    Column("market_my", _market_state("marketMY")),
    Column("market_jp", _market_state("marketJP")),
    Column("server_ver", req("serverVer", str)),
    Column("trd_logined", req("trdLogined")),
    Column("timestamp", req("time", str)),
    Column("qot_logined", req("qotLogined")),
    Column("local_timestamp", lambda pb: pb.localTime if pb.HasField("localTime") else time.time()),
    Column("program_status_type", sub("programStatus", req("type", ProgramStatusType.to_string2))),
    Column("program_status_desc", sub("programStatus", opt("strExtDesc", default=""), default="")),
]


def parse_global_state(s2c: Message) -> dict[str, Any]:
    return row(s2c, GLOBAL_STATE)


_QOT_RIGHTS: list[tuple[str, str]] = [
    ("hk_qot_right", "hkQotRight"), ("hk_option_qot_right", "hkOptionQotRight"),
    ("hk_future_qot_right", "hkFutureQotRight"), ("us_qot_right", "usQotRight"),
    ("has_us_option_qot_right", "hasUSOptionQotRight"), ("us_option_qot_right", "usOptionQotRight"),
    ("us_future_qot_right", "usFutureQotRight"), ("us_index_qot_right", "usIndexQotRight"),
    ("us_otc_qot_right", "usOtcQotRight"), ("cn_qot_right", "cnQotRight"),
    ("sg_future_qot_right", "sgFutureQotRight"), ("jp_future_qot_right", "jpFutureQotRight"),
    ("us_future_qot_right_cme", "usCMEFutureQotRight"),
    ("us_future_qot_right_cbot", "usCBOTFutureQotRight"),
    ("us_future_qot_right_nymex", "usNYMEXFutureQotRight"),
    ("us_future_qot_right_comex", "usCOMEXFutureQotRight"),
    ("us_future_qot_right_cboe", "usCBOEFutureQotRight"), ("sh_qot_right", "shQotRight"),
    ("sz_qot_right", "szQotRight"), ("cc_qot_right", "ccQotRight"),
    ("sg_stock_qot_right", "sgStockQotRight"), ("my_stock_qot_right", "myStockQotRight"),
    ("jp_stock_qot_right", "jpStockQotRight"), ("ec_qot_right", "ecQotRight"),
]
QOT_RIGHT: list[Column] = [
    # futu-api reads the bool has-US-option flag through the QotRight table too
    Column(key, opt(field, QotRight.to_string2, default=False if key.startswith("has_") else NA))
    for key, field in _QOT_RIGHTS
]


def parse_sys_notify(s2c: Message) -> tuple[str, Any, Any]:
    """Notify.S2C -> (notify_type, sub_type, msg) as SysNotifyHandlerBase gives it
    (docs L11201-L11322; spec §10.3)."""
    notify_type = SysNotifyType.to_string2(s2c.type)
    sub_type: Any = None
    data: Any = None
    if notify_type == SysNotifyType.GTW_EVENT and s2c.HasField("event"):
        sub_type = GtwEventType.to_string2(s2c.event.eventType)
        data = s2c.event.desc
    elif notify_type == SysNotifyType.PROGRAM_STATUS and s2c.HasField("programStatus"):
        status = s2c.programStatus.programStatus
        sub_type = ProgramStatusType.name_of(status.type, ProgramStatusType.NONE)
        data = status.strExtDesc if status.HasField("strExtDesc") else ""
    elif notify_type == SysNotifyType.CONN_STATUS and s2c.HasField("connectStatus"):
        data = {"qot_logined": s2c.connectStatus.qotLogined,
                "trd_logined": s2c.connectStatus.trdLogined}
    elif notify_type == SysNotifyType.QOT_RIGHT and s2c.HasField("qotRight"):
        data = row(s2c.qotRight, QOT_RIGHT)
    elif notify_type == SysNotifyType.API_LEVEL and s2c.HasField("apiLevel"):
        data = {"api_level": s2c.apiLevel.apiLevel}
    return notify_type, sub_type, data


# -- quotes -----------------------------------------------------------------
def _ex(group: str, columns: list[tuple[str, Getter]]) -> list[Column]:
    """Columns of an optional sub-message: 'N/A' when the group is absent."""
    return [Column(name, sub(group, read)) for name, read in columns]


def _session_block(prefix: str, group: str) -> list[Column]:
    fields = [("price", "price"), ("high_price", "highPrice"), ("low_price", "lowPrice"),
              ("volume", "volume"), ("turnover", "turnover"), ("change_val", "changeVal"),
              ("change_rate", "changeRate"), ("amplitude", "amplitude")]
    return _ex(group, [(f"{prefix}_{name}", opt(field)) for name, field in fields])


def _update_part(index: int) -> Getter:
    return lambda pb: pb.updateTime.split()[index] if pb.updateTime else ""


def _expiry_distance(pb: Any) -> Any:
    # the option block wins; the future block fills it when there is no option block
    for group in ("optionExData", "futureExData"):
        if pb.HasField(group) and getattr(pb, group).HasField("expiryDateDistance"):
            return getattr(pb, group).expiryDateDistance
    return NA


STOCK_QUOTE: list[Column] = [
    Column("code", security_code()),
    Column("name", opt("name")),
    Column("data_date", _update_part(0)),
    Column("data_time", _update_part(1)),
    Column("last_price", req("curPrice")),
    Column("open_price", req("openPrice")),
    Column("high_price", req("highPrice")),
    Column("low_price", req("lowPrice")),
    Column("prev_close_price", req("lastClosePrice")),
    Column("volume", lambda pb: pb.hpVolume if pb.HasField("hpVolume") else pb.volume),
    Column("turnover", req("turnover")),
    Column("turnover_rate", req("turnoverRate")),
    Column("amplitude", req("amplitude")),
    Column("suspension", req("isSuspended")),
    Column("listing_date", lambda pb: NA if pb.HasField("optionExData") else pb.listTime),
    Column("price_spread", req("priceSpread")),
    Column("dark_status", opt("darkStatus", DarkStatus.to_string2)),
    Column("sec_status", opt("secStatus", SecurityStatus.to_string2)),
    *_ex("optionExData", [
        ("strike_price", req("strikePrice")), ("contract_size", req("contractSizeFloat")),
        ("open_interest", req("openInterest")), ("implied_volatility", req("impliedVolatility")),
        ("premium", req("premium")), ("delta", req("delta")), ("gamma", req("gamma")),
        ("vega", req("vega")), ("theta", req("theta")), ("rho", req("rho")),
        ("net_open_interest", opt("netOpenInterest")),
    ]),
    Column("expiry_date_distance", _expiry_distance),
    *_ex("optionExData", [
        ("contract_nominal_value", opt("contractNominalValue")),
        ("owner_lot_multiplier", opt("ownerLotMultiplier")),
        ("option_area_type", opt("optionAreaType", OptionAreaType.to_string2)),
        ("contract_multiplier", opt("contractMultiplier")),
    ]),
    *_ex("futureExData", [
        ("last_settle_price", req("lastSettlePrice")), ("position", req("position")),
        ("position_change", req("positionChange")),
    ]),
    *_ex("optionExData", [("index_option_type", opt("indexOptionType", IndexOptionType.to_string2))]),
    *_session_block("pre", "preMarket"),
    *_session_block("after", "afterMarket"),
    *_session_block("overnight", "overnight"),
]


def stock_quote_frame(basic_qots: Iterable[Any]) -> pd.DataFrame:
    return frame(basic_qots, STOCK_QUOTE)


# -- per-record pushes and pulls: the parent (security, name) plus one row per record
def _hp_volume(pb: Any) -> Any:
    return pb.hpVolume if pb.HasField("hpVolume") else pb.volume


def record_rows(s2c: Any, records: Iterable[Any], columns: Sequence[Column],
                extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of ``records`` (in ``columns`` order) with the parent's code/name
    (and ``extra``) filled in."""
    head = {"code": code_of(s2c.security), "name": s2c.name if s2c.HasField("name") else NA}
    if extra:
        head.update(extra)
    return [{c.name: head[c.name] if c.name in head else c.read(record) for c in columns}
            for record in records]


def records_frame(s2c: Any, records: Iterable[Any], columns: Sequence[Column],
                  extra: dict[str, Any] | None = None) -> pd.DataFrame:
    return pd.DataFrame(record_rows(s2c, records, columns, extra),
                        columns=[c.name for c in columns])


def _parent(pb: Any) -> Any:  # placeholder reader; the parent fills these columns
    return NA


KLINE: list[Column] = [
    Column("code", _parent), Column("name", _parent), Column("time_key", req("time")),
    Column("open", req("openPrice")), Column("close", req("closePrice")),
    Column("high", req("highPrice")), Column("low", req("lowPrice")),
    Column("volume", _hp_volume), Column("turnover", req("turnover")),
    Column("k_type", _parent), Column("last_close", req("lastClosePrice")),
    Column("pe_ratio", req("pe")), Column("turnover_rate", req("turnoverRate")),
]

TICKER: list[Column] = [
    Column("code", _parent), Column("name", _parent), Column("time", req("time")),
    Column("price", req("price")), Column("volume", _hp_volume), Column("turnover", req("turnover")),
    Column("ticker_direction", opt("dir", _enum("TickerDirect"))),
    Column("sequence", req("sequence")),
    Column("type", opt("type", _enum("TickerType"))),
    Column("push_data_type", req("pushDataType", _enum("PushDataType"))),
]

RT_DATA: list[Column] = [
    Column("code", _parent), Column("name", _parent), Column("time", req("time")),
    Column("is_blank", req("isBlank", bool)), Column("opened_mins", req("minute")),
    Column("cur_price", req("price")), Column("last_close", req("lastClosePrice")),
    Column("avg_price", opt("avgPrice")), Column("turnover", req("turnover")),
    Column("volume", _hp_volume),
]


def order_book_dict(s2c: Any) -> dict[str, Any]:
    """Qot_GetOrderBook / Qot_UpdateOrderBook S2C -> futu-api's order-book dict."""
    from .enums import OrderBookType

    def side(levels: Iterable[Any]) -> list[tuple[float, Any, int, dict[int, Any]]]:
        return [(lv.price, _hp_volume(lv), lv.orederCount,
                 {d.orderID: d.volume for d in lv.detailList}) for lv in levels]

    book: dict[str, Any] = {
        "code": code_of(s2c.security),
        "name": s2c.name if s2c.HasField("name") else NA,
        "svr_recv_time_bid": s2c.svrRecvTimeBid,
        "svr_recv_time_ask": s2c.svrRecvTimeAsk,
    }
    if s2c.HasField("orderBookType"):
        book["order_book_type"] = OrderBookType.to_string2(s2c.orderBookType)
    book["Bid"] = side(s2c.orderBookBidList)
    book["Ask"] = side(s2c.orderBookAskList)
    return book
