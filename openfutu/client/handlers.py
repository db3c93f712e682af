"""Push handler base classes with futu-api's contract: subclass, override
``on_recv_rsp(self, rsp_pb)``, call the base to get ``(ret, data)`` parsed the
way the matching pull function returns it (docs L11127-L11176)."""

from __future__ import annotations

from typing import Any

from google.protobuf.message import Message

from . import parsing, quote_results
from .constants import RET_ERROR, RET_OK
from .enums import KLType

Result = tuple[int, Any]


def _failed(rsp_pb: Message) -> Result | None:
    if rsp_pb.retType != RET_OK:
        return RET_ERROR, rsp_pb.retMsg
    return None


class RspHandlerBase:
    """Base of every push handler."""

    def on_recv_rsp(self, rsp_pb: Message) -> Any:
        return RET_OK, None

    def on_error(self, error_str: str) -> None:
        """Called by futu-api on transport errors; kept for subclasses that override it."""


class SysNotifyHandlerBase(RspHandlerBase):
    """Notify (1003): returns (RET_OK, (notify_type, sub_type, msg)). openfutu
    also raises CONN_STATUS here when its own link to the gateway drops
    (both False) and after it reconnects."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (RET_OK, parsing.parse_sys_notify(rsp_pb.s2c))

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class KeepAliveHandlerBase(RspHandlerBase):
    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (RET_OK, rsp_pb.s2c.time)

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class StockQuoteHandlerBase(RspHandlerBase):
    """Qot_UpdateBasicQot (3005) -> the get_stock_quote DataFrame."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (
            RET_OK, [parsing.row(q, parsing.STOCK_QUOTE) for q in rsp_pb.s2c.basicQotList])

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (RET_OK, parsing.stock_quote_frame(rsp_pb.s2c.basicQotList))


class OrderBookHandlerBase(RspHandlerBase):
    """Qot_UpdateOrderBook (3013) -> the get_order_book dict."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (RET_OK, parsing.order_book_dict(rsp_pb.s2c))

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class CurKlineHandlerBase(RspHandlerBase):
    """Qot_UpdateKL (3007) -> the get_cur_kline DataFrame."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        failed = _failed(rsp_pb)
        if failed:
            return failed
        ok, k_type = KLType.to_string(rsp_pb.s2c.klType)
        if not ok:
            return RET_ERROR, "kline push error kltype"
        return RET_OK, parsing.records_frame(rsp_pb.s2c, rsp_pb.s2c.klList, parsing.KLINE,
                                             {"k_type": k_type})

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class TickerHandlerBase(RspHandlerBase):
    """Qot_UpdateTicker (3011) -> the get_rt_ticker DataFrame."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (
            RET_OK, parsing.records_frame(rsp_pb.s2c, rsp_pb.s2c.tickerList, parsing.TICKER))

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class RTDataHandlerBase(RspHandlerBase):
    """Qot_UpdateRT (3009) -> the get_rt_data DataFrame."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (
            RET_OK, parsing.records_frame(rsp_pb.s2c, rsp_pb.s2c.rtList, parsing.RT_DATA))

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class _NotYetParsed(RspHandlerBase):
    """Pushes whose futu-api result shape openfutu does not build yet: the
    handler is installable and receives the push, and says so plainly."""

    _what = "push"

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        return _failed(rsp_pb) or (RET_ERROR, f"openfutu does not parse {cls._what} pushes yet")

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class BrokerHandlerBase(RspHandlerBase):
    """Qot_UpdateBroker (3015) -> (ret, code, [bid_frame, ask_frame]), the
    get_broker_queue frames; (RET_ERROR, message, None) on a failed push."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        failed = _failed(rsp_pb)
        if failed:
            return failed
        return RET_OK, quote_results.broker_frames(rsp_pb.s2c)

    def on_recv_rsp(self, rsp_pb: Message) -> tuple[int, Any, Any]:
        ret, content = self.parse_rsp_pb(rsp_pb)
        if ret != RET_OK:
            return ret, content, None
        code, bid, ask = content
        return RET_OK, code, [bid, ask]


class PriceReminderHandlerBase(RspHandlerBase):
    """Qot_UpdatePriceReminder (3019) -> (ret, dict of the triggered reminder)."""

    @classmethod
    def parse_rsp_pb(cls, rsp_pb: Message) -> Result:
        failed = _failed(rsp_pb)
        if failed:
            return failed
        if not rsp_pb.HasField("s2c"):
            return RET_ERROR, "rsp_pb error"
        return RET_OK, quote_results.price_reminder_push(rsp_pb.s2c)

    def on_recv_rsp(self, rsp_pb: Message) -> Result:
        return self.parse_rsp_pb(rsp_pb)


class TradeOrderHandlerBase(_NotYetParsed):
    _what = "order (2208)"


class TradeDealHandlerBase(_NotYetParsed):
    _what = "deal (2218)"


__all__ = [
    "RspHandlerBase", "SysNotifyHandlerBase", "KeepAliveHandlerBase", "StockQuoteHandlerBase",
    "OrderBookHandlerBase", "CurKlineHandlerBase", "TickerHandlerBase", "RTDataHandlerBase",
    "BrokerHandlerBase", "PriceReminderHandlerBase", "TradeOrderHandlerBase",
    "TradeDealHandlerBase",
]
