"""Proto ID -> generated message module, for every protocol openfutu defines.

IDs are the official SDK's ProtoId values (also listed in shared/spec
quote-apis.md §2, trade-apis.md §2, opend-and-protocol.md §10). Modules are
imported on first use so that loading the catalog stays cheap.
"""
from __future__ import annotations

import importlib
import types


class UnknownProtocol(LookupError):
    """A proto ID that openfutu has no message definitions for."""

    def __init__(self, proto_id: int) -> None:
        super().__init__(f"unknown proto ID {proto_id!r}: openfutu defines no protocol with this ID")
        self.proto_id = proto_id


PROTOCOLS: dict[int, str] = {
    # system
    1001: "InitConnect",
    1002: "GetGlobalState",
    1003: "Notify",
    1004: "KeepAlive",
    1005: "GetUserInfo",
    1006: "Verification",
    1007: "GetDelayStatistics",
    1008: "TestCmd",
    # trade
    2001: "Trd_GetAccList",
    2005: "Trd_UnlockTrade",
    2008: "Trd_SubAccPush",
    2101: "Trd_GetFunds",
    2102: "Trd_GetPositionList",
    2111: "Trd_GetMaxTrdQtys",
    2112: "Trd_GetComboMaxTrdQtys",
    2201: "Trd_GetOrderList",
    2202: "Trd_PlaceOrder",
    2205: "Trd_ModifyOrder",
    2208: "Trd_UpdateOrder",
    2211: "Trd_GetOrderFillList",
    2218: "Trd_UpdateOrderFill",
    2221: "Trd_GetHistoryOrderList",
    2222: "Trd_GetHistoryOrderFillList",
    2223: "Trd_GetMarginRatio",
    2225: "Trd_GetOrderFee",
    2226: "Trd_FlowSummary",
    2227: "Trd_PlaceComboOrder",
    # quote: subscription, real-time data and pushes
    3001: "Qot_Sub",
    3002: "Qot_RegQotPush",
    3003: "Qot_GetSubInfo",
    3004: "Qot_GetBasicQot",
    3005: "Qot_UpdateBasicQot",
    3006: "Qot_GetKL",
    3007: "Qot_UpdateKL",
    3008: "Qot_GetRT",
    3009: "Qot_UpdateRT",
    3010: "Qot_GetTicker",
    3011: "Qot_UpdateTicker",
    3012: "Qot_GetOrderBook",
    3013: "Qot_UpdateOrderBook",
    3014: "Qot_GetBroker",
    3015: "Qot_UpdateBroker",
    3019: "Qot_UpdatePriceReminder",
    # quote: history
    3103: "Qot_RequestHistoryKL",
    3104: "Qot_RequestHistoryKLQuota",
    3105: "Qot_RequestRehab",
    # quote: reference data, derivatives, screening, personalisation
    3201: "Qot_GetSuspend",
    3202: "Qot_GetStaticInfo",
    3203: "Qot_GetSecuritySnapshot",
    3204: "Qot_GetPlateSet",
    3205: "Qot_GetPlateSecurity",
    3206: "Qot_GetReference",
    3207: "Qot_GetOwnerPlate",
    3208: "Qot_GetHoldingChangeList",
    3209: "Qot_GetOptionChain",
    3210: "Qot_GetWarrant",
    3211: "Qot_GetCapitalFlow",
    3212: "Qot_GetCapitalDistribution",
    3213: "Qot_GetUserSecurity",
    3214: "Qot_ModifyUserSecurity",
    3215: "Qot_StockFilter",
    3216: "Qot_GetCodeChange",
    3217: "Qot_GetIpoList",
    3218: "Qot_GetFutureInfo",
    3219: "Qot_RequestTradeDate",
    3220: "Qot_SetPriceReminder",
    3221: "Qot_GetPriceReminder",
    3222: "Qot_GetUserSecurityGroup",
    3223: "Qot_GetMarketState",
    3224: "Qot_GetOptionExpirationDate",
}

# Server-initiated protocols: they have a Response message and no Request.
PUSH_IDS: frozenset[int] = frozenset({
    1003,  # Notify
    2208,  # Trd_UpdateOrder
    2218,  # Trd_UpdateOrderFill
    3005,  # Qot_UpdateBasicQot
    3007,  # Qot_UpdateKL
    3009,  # Qot_UpdateRT
    3011,  # Qot_UpdateTicker
    3013,  # Qot_UpdateOrderBook
    3015,  # Qot_UpdateBroker
    3019,  # Qot_UpdatePriceReminder
})

_PACKAGE = __name__.rsplit(".", 1)[0]


def name(proto_id: int) -> str:
    """Protocol (module) name of ``proto_id``, e.g. 3004 -> "Qot_GetBasicQot"."""
    try:
        return PROTOCOLS[proto_id]
    except (KeyError, TypeError):
        raise UnknownProtocol(proto_id) from None


def module(proto_id: int) -> types.ModuleType:
    """The generated ``<Name>_pb2`` module of ``proto_id``, imported on first use."""
    return importlib.import_module(f"{_PACKAGE}.{name(proto_id)}_pb2")


def is_push(proto_id: int) -> bool:
    """True for protocols that only the server sends (no Request message)."""
    return proto_id in PUSH_IDS
