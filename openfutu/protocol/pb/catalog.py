"""Proto ID -> generated message module, for every protocol openfutu defines.

IDs are the official SDK's ProtoId values (the documented ones are also listed
in shared/spec quote-apis.md §2, trade-apis.md §2, opend-and-protocol.md §10;
the 3225-3456 range exists only in the SDK). Modules are imported on first use
so that loading the catalog stays cheap.
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
    # quote: F10 company data, option analytics, screeners, indicators, search (SDK only)
    3225: "Qot_GetFinancialsEarningsPriceMove",
    3226: "Qot_GetFinancialsEarningsPriceHistory",
    3227: "Qot_GetFinancialsStatements",
    3228: "Qot_GetFinancialsRevenueBreakdown",
    3229: "Qot_GetResearchAnalystConsensus",
    3230: "Qot_GetResearchRatingSummary",
    3231: "Qot_GetResearchMorningstarReport",
    3232: "Qot_GetValuationDetail",
    3233: "Qot_GetValuationPlateStockList",
    3234: "Qot_GetCorporateActionsDividends",
    3235: "Qot_GetCorporateActionsBuybacks",
    3236: "Qot_GetCorporateActionsStockSplits",
    3237: "Qot_GetShareholdersOverview",
    3238: "Qot_GetShareholdersHoldingChanges",
    3239: "Qot_GetShareholdersHolderDetail",
    3240: "Qot_GetShareholdersInstitutional",
    3241: "Qot_GetInsiderHolderList",
    3242: "Qot_GetInsiderTradeList",
    3243: "Qot_GetCompanyProfile",
    3244: "Qot_GetCompanyExecutives",
    3245: "Qot_GetCompanyExecutiveBackground",
    3246: "Qot_GetCompanyOperationalEfficiency",
    3247: "Qot_GetTopTenBuySellBrokers",
    3248: "Qot_GetDailyShortVolume",
    3249: "Qot_GetShortInterest",
    3250: "Qot_GetOptionVolatility",
    3251: "Qot_GetOptionExerciseProbability",
    3252: "Qot_StockScreen",
    3253: "Qot_OptionScreen",
    3254: "Qot_WarrantScreen",
    3255: "Qot_GetOptionQuote",
    3256: "Qot_GetOptionStrategy",
    3257: "Qot_GetOptionStrategyAnalysis",
    3258: "Qot_GetOptionStrategySpread",
    3259: "Qot_GetIndicatorList",
    3260: "Qot_RequestIndicatorCalc",
    3261: "Qot_PushIndicatorCalc",
    3262: "Qot_GetSearchQuote",
    3263: "Qot_GetSearchNews",
    # quote: option market analytics (SDK only)
    3301: "Qot_GetOptionMarketStatistic",
    3302: "Qot_GetOptionUnderlyingHisStatistic",
    3303: "Qot_GetOptionUnderlyingOverview",
    3304: "Qot_GetOptionUnderlyingHisVolatility",
    3305: "Qot_GetOptionUnderlyingRank",
    3306: "Qot_GetOptionRank",
    3307: "Qot_GetOptionEvent",
    3308: "Qot_GetOptionEventAlert",
    3309: "Qot_SetOptionEventAlert",
    3310: "Qot_UpdateOptionEvent",
    3311: "Qot_GetOptionZeroDteScreener",
    3312: "Qot_GetOptionZeroDteContract",
    3313: "Qot_GetOptionEarningsScreener",
    3314: "Qot_GetOptionSellerScreener",
    # quote: calendars, ranks, institutions, industrial chains, event contracts (SDK only)
    3401: "Qot_GetEarningsCalendar",
    3402: "Qot_GetMacroIndicatorList",
    3403: "Qot_GetMacroIndicatorHistory",
    3404: "Qot_GetFedWatchTargetRate",
    3405: "Qot_GetFedWatchDotPlot",
    3406: "Qot_GetEarningsBeatRank",
    3407: "Qot_GetDividendRank",
    3408: "Qot_GetDividendCalendar",
    3409: "Qot_GetEconomicCalendar",
    3410: "Qot_GetUSPreMarketRank",
    3411: "Qot_GetUSAfterHoursRank",
    3412: "Qot_GetUSOvernightRank",
    3413: "Qot_GetTopMoversRank",
    3414: "Qot_GetHotList",
    3415: "Qot_GetShortSellingRank",
    3416: "Qot_GetPeriodChangeRank",
    3417: "Qot_GetHighDividendSOERank",
    3418: "Qot_GetInstitutionList",
    3419: "Qot_GetInstitutionProfile",
    3420: "Qot_GetInstitutionDistribution",
    3421: "Qot_GetInstitutionHoldingChange",
    3422: "Qot_GetInstitutionHoldingList",
    3423: "Qot_GetArkFundHolding",
    3424: "Qot_GetArkStockDynamic",
    3425: "Qot_GetArkActiveTransaction",
    3426: "Qot_GetRatingChange",
    3427: "Qot_GetIndustrialChainList",
    3428: "Qot_GetIndustrialChainDetail",
    3429: "Qot_GetIndustrialChainByPlate",
    3430: "Qot_GetIndustrialPlateInfo",
    3431: "Qot_GetIndustrialPlateStock",
    3432: "Qot_GetHeatMapData",
    3433: "Qot_GetRiseFallDistribution",
    3434: "Qot_GetEventContractCategory",
    3435: "Qot_FilterCompetition",
    3436: "Qot_GetEventContractSeriesList",
    3437: "Qot_GetEventContractEventList",
    3438: "Qot_GetEventContract",
    3439: "Qot_GetEventContractMilestoneList",
    3445: "Qot_GetEventContractSnapshot",
    3446: "Qot_GetEventContractOrderBook",
    3447: "Qot_GetEventContractKline",
    3448: "Qot_GetEventContractTicker",
    3450: "Qot_UpdateEventContractOrderBook",
    3451: "Qot_UpdateEventContractKline",
    3452: "Qot_UpdateEventContractTicker",
    3453: "Qot_GetEventContractComboList",
    3454: "Qot_GetEventContractComboRfq",
    3455: "Qot_SubEventContract",
    3456: "Qot_RequestHistoryEventContractKL",
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
    3261,  # Qot_PushIndicatorCalc
    3310,  # Qot_UpdateOptionEvent
    3450,  # Qot_UpdateEventContractOrderBook
    3451,  # Qot_UpdateEventContractKline
    3452,  # Qot_UpdateEventContractTicker
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
