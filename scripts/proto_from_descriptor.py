"""Write openfutu's .proto files from the facts held in the official descriptors.

The official ``futu`` package is read only as a source of facts: message and
enum names, field numbers, types, labels, defaults and enum options.  Those
facts are walked here through ``FileDescriptorProto`` objects and printed in
our own layout, with our own header and field comments, under our own file
paths (``openfutu/protocol/pb/<Name>.proto``) and packages
(``openfutu.<OfficialPackage>``) so both sets can live in one process.

Usage:
    python scripts/proto_from_descriptor.py            # (re)write every file we own
    python scripts/proto_from_descriptor.py Qot_GetKL  # only the named ones

Run ``python scripts/gen_protos.py`` afterwards to rebuild the _pb2 modules.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from google.protobuf import descriptor_pb2

REPO_ROOT = Path(__file__).resolve().parents[1]
PB_DIR = REPO_ROOT / "openfutu" / "protocol" / "pb"
PROTO_IMPORT_PREFIX = "openfutu/protocol/pb/"
PACKAGE_PREFIX = "openfutu"

SDK_ONLY = "not described in the docs; facts read from the official SDK"


@dataclass(frozen=True)
class ProtocolFile:
    """One .proto file we own: what it carries and where the docs talk about it."""

    name: str
    proto_id: int | None
    purpose: str
    docs: str  # "docs L1234 (function)" or SDK_ONLY


# Every file we define. Docs lines point into shared/seed/futu-openapi-docs.txt.
PROTOCOL_FILES: tuple[ProtocolFile, ...] = (
    # --- shared definitions -------------------------------------------------
    ProtocolFile("Common", None,
                 "Definitions shared by every protocol: result codes, packet ID, "
                 "body formats, encryption algorithms, program status.",
                 "docs L11610 (enum home), L11326 (common definitions)"),
    ProtocolFile("Qot_Common", None,
                 "Quote-side shared types: Security, market/security enums, K-lines, "
                 "quotes, snapshots' building blocks, QotMarketState.",
                 "docs L7810-L8313 (quote structs)"),
    ProtocolFile("Trd_Common", None,
                 "Trade-side shared types: TrdHeader, accounts, funds, positions, "
                 "orders, fills, fees, max quantities and the trade enums.",
                 "docs L10661-L10997 (trade structs), L9967 (trade enums)"),
    # --- system protocols ---------------------------------------------------
    ProtocolFile("InitConnect", 1001,
                 "First packet of every connection: client identity, push format, "
                 "encryption; returns connID, keep-alive interval and AES key.",
                 "docs L11508 (session flow), L11668 (encryption)"),
    ProtocolFile("GetGlobalState", 1002,
                 "Market states of every market plus login status of the gateway.",
                 "docs L4859 (get_global_state)"),
    ProtocolFile("Notify", 1003,
                 "Push of gateway events: program status, connection status, "
                 "quote rights, API level and quota changes.",
                 "docs L11201 (SysNotifyHandlerBase)"),
    ProtocolFile("KeepAlive", 1004,
                 "Heartbeat; the client sends it at the interval InitConnect returned.",
                 "docs L11613-L11663 (heartbeat)"),
    ProtocolFile("GetUserInfo", 1005,
                 "Logged-in user's profile, quote rights and quota figures.",
                 SDK_ONLY),
    ProtocolFile("Verification", 1006,
                 "Request or submit a picture/phone verification code for login.",
                 SDK_ONLY),
    ProtocolFile("GetDelayStatistics", 1007,
                 "Gateway-side latency statistics for pushes, replies and orders.",
                 SDK_ONLY),
    ProtocolFile("TestCmd", 1008,
                 "Internal command channel (cmd string, parameters, result).",
                 SDK_ONLY),
    # --- quote protocols ----------------------------------------------------
    ProtocolFile("Qot_Sub", 3001, "Subscribe or unsubscribe securities to quote data types.",
                 "docs L1491 (subscribe), L1560 (unsubscribe), L1617 (unsubscribe_all)"),
    ProtocolFile("Qot_RegQotPush", 3002, "Register or unregister quote pushes for subscribed data.",
                 "docs L1560 (unsubscribe)"),
    ProtocolFile("Qot_GetSubInfo", 3003, "Current subscriptions and quota use.",
                 "docs L1682 (query_subscription)"),
    ProtocolFile("Qot_GetBasicQot", 3004, "Basic real-time quotes of subscribed securities.",
                 "docs L2532 (get_stock_quote)"),
    ProtocolFile("Qot_UpdateBasicQot", 3005, "Push of basic quotes.",
                 "docs L1742 (StockQuoteHandlerBase)"),
    ProtocolFile("Qot_GetKL", 3006, "Latest K-lines of a subscribed security.",
                 "docs L2756 (get_cur_kline)"),
    ProtocolFile("Qot_UpdateKL", 3007, "Push of K-lines.",
                 "docs L1924 (CurKlineHandlerBase)"),
    ProtocolFile("Qot_GetRT", 3008, "Time-share (minute) data of a subscribed security.",
                 "docs L2844 (get_rt_data)"),
    ProtocolFile("Qot_UpdateRT", 3009, "Push of time-share data.",
                 "docs L2012 (RTDataHandlerBase)"),
    ProtocolFile("Qot_GetTicker", 3010, "Latest tick-by-tick trades of a subscribed security.",
                 "docs L2922 (get_rt_ticker)"),
    ProtocolFile("Qot_UpdateTicker", 3011, "Push of tick-by-tick trades.",
                 "docs L2096 (TickerHandlerBase)"),
    ProtocolFile("Qot_GetOrderBook", 3012, "Order book (bid/ask levels) of a subscribed security.",
                 "docs L2674 (get_order_book)"),
    ProtocolFile("Qot_UpdateOrderBook", 3013, "Push of the order book.",
                 "docs L1879 (OrderBookHandlerBase)"),
    ProtocolFile("Qot_GetBroker", 3014, "HK broker queue of a subscribed security.",
                 "docs L3007 (get_broker_queue)"),
    ProtocolFile("Qot_UpdateBroker", 3015, "Push of the broker queue.",
                 "docs L2177 (BrokerHandlerBase)"),
    ProtocolFile("Qot_UpdatePriceReminder", 3019, "Push fired when a price reminder triggers.",
                 "docs L5469 (PriceReminderHandlerBase)"),
    ProtocolFile("Qot_RequestHistoryKL", 3103, "Historical K-lines, paged, counted against the history quota.",
                 "docs L3389 (request_history_kline)"),
    ProtocolFile("Qot_RequestHistoryKLQuota", 3104, "Used and remaining historical K-line quota.",
                 "docs L4996 (get_history_kl_quota)"),
    ProtocolFile("Qot_RequestRehab", 3105, "Corporate-action adjustment factors of a security.",
                 "docs L3509 (get_rehab)"),
    ProtocolFile("Qot_GetSuspend", 3201, "Trading suspension days of securities.", SDK_ONLY),
    ProtocolFile("Qot_GetStaticInfo", 3202, "Static reference data of securities by market or code.",
                 "docs L4655 (get_stock_basicinfo)"),
    ProtocolFile("Qot_GetSecuritySnapshot", 3203, "Market snapshot of securities, no subscription needed.",
                 "docs L2288 (get_market_snapshot)"),
    ProtocolFile("Qot_GetPlateSet", 3204, "Plates (sectors) of a market and plate class.",
                 "docs L4590 (get_plate_list)"),
    ProtocolFile("Qot_GetPlateSecurity", 3205, "Constituent securities of a plate.",
                 "docs L4509 (get_plate_stock)"),
    ProtocolFile("Qot_GetReference", 3206, "Securities related to a security (warrants, futures).",
                 "docs L4016 (get_referencestock_list)"),
    ProtocolFile("Qot_GetOwnerPlate", 3207, "Plates a security belongs to.",
                 "docs L3320 (get_owner_plate)"),
    ProtocolFile("Qot_GetHoldingChangeList", 3208, "Holding changes of major shareholders and executives.",
                 SDK_ONLY),
    ProtocolFile("Qot_GetOptionChain", 3209, "Option chain of an underlying over a date range.",
                 "docs L3674 (get_option_chain)"),
    ProtocolFile("Qot_GetWarrant", 3210, "Warrant/CBBC screening with filters and sorting.",
                 "docs L3833 (get_warrant)"),
    ProtocolFile("Qot_GetCapitalFlow", 3211, "Capital in/out flow series of a security.",
                 "docs L3154 (get_capital_flow)"),
    ProtocolFile("Qot_GetCapitalDistribution", 3212, "Capital distribution by order size.",
                 "docs L3242 (get_capital_distribution)"),
    ProtocolFile("Qot_GetUserSecurity", 3213, "Securities in a watchlist group.",
                 "docs L5258 (get_user_security)"),
    ProtocolFile("Qot_ModifyUserSecurity", 3214, "Add, remove or move securities of a watchlist group.",
                 "docs L5412 (modify_user_security)"),
    ProtocolFile("Qot_StockFilter", 3215, "Stock screener over simple, accumulated, financial and pattern filters.",
                 "docs L4196 (get_stock_filter)"),
    ProtocolFile("Qot_GetCodeChange", 3216, "Code changes (temporary and permanent) of securities.",
                 SDK_ONLY),
    ProtocolFile("Qot_GetIpoList", 3217, "IPO calendar of a market.",
                 "docs L4760 (get_ipo_list)"),
    ProtocolFile("Qot_GetFutureInfo", 3218, "Futures contract specifications.",
                 "docs L4117 (get_future_info)"),
    ProtocolFile("Qot_RequestTradeDate", 3219, "Trading days of a market or security in a range.",
                 "docs L4914 (request_trading_days)"),
    ProtocolFile("Qot_SetPriceReminder", 3220, "Add, modify, enable, disable or delete a price reminder.",
                 "docs L5060 (set_price_reminder)"),
    ProtocolFile("Qot_GetPriceReminder", 3221, "Price reminders of a security or a market.",
                 "docs L5164 (get_price_reminder)"),
    ProtocolFile("Qot_GetUserSecurityGroup", 3222, "Watchlist groups of the user.",
                 "docs L5353 (get_user_security_group)"),
    ProtocolFile("Qot_GetMarketState", 3223, "Market state of each given security.",
                 "docs L3097 (get_market_state)"),
    ProtocolFile("Qot_GetOptionExpirationDate", 3224, "Option expiry dates of an underlying.",
                 "docs L3604 (get_option_expiration_date)"),
    # --- trade protocols ----------------------------------------------------
    ProtocolFile("Trd_GetAccList", 2001, "Trading accounts of the user.",
                 "docs L8397 (get_acc_list)"),
    ProtocolFile("Trd_UnlockTrade", 2005, "Unlock or lock real trading with the trade password.",
                 "docs L8481 (unlock_trade)"),
    ProtocolFile("Trd_SubAccPush", 2008, "Choose the accounts whose order/fill pushes this connection receives.",
                 "docs L9699 (subscribe trade pushes)"),
    ProtocolFile("Trd_GetFunds", 2101, "Funds of an account.",
                 "docs L8541 (accinfo_query)"),
    ProtocolFile("Trd_GetPositionList", 2102, "Positions of an account.",
                 "docs L8765 (position_list_query)"),
    ProtocolFile("Trd_GetMaxTrdQtys", 2111, "Maximum buy/sell quantities for a prospective order.",
                 "docs L8680 (acctradinginfo_query)"),
    ProtocolFile("Trd_GetComboMaxTrdQtys", 2112, "Maximum quantities for an option combo order.",
                 SDK_ONLY),
    ProtocolFile("Trd_GetOrderList", 2201, "Today's orders of an account.",
                 "docs L9317 (order_list_query)"),
    ProtocolFile("Trd_PlaceOrder", 2202, "Place an order.",
                 "docs L9032 (place_order)"),
    ProtocolFile("Trd_ModifyOrder", 2205, "Modify, cancel, disable, enable or delete orders.",
                 "docs L9164 (modify_order), L9243 (cancel_all_order)"),
    ProtocolFile("Trd_UpdateOrder", 2208, "Push of an order's new state.",
                 "docs L9541 (TradeOrderHandlerBase)"),
    ProtocolFile("Trd_GetOrderFillList", 2211, "Today's fills of an account.",
                 "docs L9703 (deal_list_query)"),
    ProtocolFile("Trd_UpdateOrderFill", 2218, "Push of a new or changed fill.",
                 "docs L9887 (TradeDealHandlerBase)"),
    ProtocolFile("Trd_GetHistoryOrderList", 2221, "Historical orders of an account.",
                 "docs L9426 (history_order_list_query)"),
    ProtocolFile("Trd_GetHistoryOrderFillList", 2222, "Historical fills of an account.",
                 "docs L9787 (history_deal_list_query)"),
    ProtocolFile("Trd_GetMarginRatio", 2223, "Margin and short-selling data of securities.",
                 "docs L8868 (get_margin_ratio)"),
    ProtocolFile("Trd_GetOrderFee", 2225, "Fee breakdown of orders.",
                 "docs L9623 (order_fee_query)"),
    ProtocolFile("Trd_FlowSummary", 2226, "Cash flow entries of an account on a clearing date.",
                 "docs L8946 (get_acc_cash_flow)"),
    ProtocolFile("Trd_PlaceComboOrder", 2227, "Place an option combo order.",
                 SDK_ONLY),
)

# Newer quote protocols the SDK ships beyond the documented scope (F10 data, option
# analytics, screeners, calendars, ranks, institutions, industrial chains, event
# contracts). The docs describe none of them; every fact is the official SDK's.
_SDK_EXTENSIONS: tuple[tuple[str, int | None, str], ...] = (
    ("Qot_OptionCommon", None, "Shared option-analytics types: option markets, rank/screener "
     "sort and indicator enums, boundaries and intervals."),
    ("Qot_GetFinancialsEarningsPriceMove", 3225, "Price moves around past earnings dates."),
    ("Qot_GetFinancialsEarningsPriceHistory", 3226, "Price history around past earnings dates."),
    ("Qot_GetFinancialsStatements", 3227, "Financial statements (income, balance sheet, cash flow)."),
    ("Qot_GetFinancialsRevenueBreakdown", 3228, "Revenue breakdown by business and region."),
    ("Qot_GetResearchAnalystConsensus", 3229, "Analyst consensus: ratings and target prices."),
    ("Qot_GetResearchRatingSummary", 3230, "Summary of analyst ratings."),
    ("Qot_GetResearchMorningstarReport", 3231, "Morningstar research report of a security."),
    ("Qot_GetValuationDetail", 3232, "Valuation metrics and their history for a security."),
    ("Qot_GetValuationPlateStockList", 3233, "Valuations of the constituents of a plate or index."),
    ("Qot_GetCorporateActionsDividends", 3234, "Dividend history."),
    ("Qot_GetCorporateActionsBuybacks", 3235, "Share buyback history."),
    ("Qot_GetCorporateActionsStockSplits", 3236, "Stock split and consolidation history."),
    ("Qot_GetShareholdersOverview", 3237, "Shareholding overview statistics."),
    ("Qot_GetShareholdersHoldingChanges", 3238, "Changes in shareholdings."),
    ("Qot_GetShareholdersHolderDetail", 3239, "Holdings of one shareholder in detail."),
    ("Qot_GetShareholdersInstitutional", 3240, "Institutional shareholdings."),
    ("Qot_GetInsiderHolderList", 3241, "Insiders holding the security."),
    ("Qot_GetInsiderTradeList", 3242, "Insider trades in the security."),
    ("Qot_GetCompanyProfile", 3243, "Company profile."),
    ("Qot_GetCompanyExecutives", 3244, "Company executives."),
    ("Qot_GetCompanyExecutiveBackground", 3245, "Background of one company executive."),
    ("Qot_GetCompanyOperationalEfficiency", 3246, "Operational efficiency metrics of a company."),
    ("Qot_GetTopTenBuySellBrokers", 3247, "Ten largest buying and selling brokers."),
    ("Qot_GetDailyShortVolume", 3248, "Daily short-sale volume (US and HK)."),
    ("Qot_GetShortInterest", 3249, "Short interest (US and HK)."),
    ("Qot_GetOptionVolatility", 3250, "Option implied/historical volatility analysis."),
    ("Qot_GetOptionExerciseProbability", 3251, "Probability of an option finishing in the money."),
    ("Qot_StockScreen", 3252, "Stock screener, second version with scaled int64 values."),
    ("Qot_OptionScreen", 3253, "Option screener."),
    ("Qot_WarrantScreen", 3254, "Warrant screener, second version with scaled int64 values."),
    ("Qot_GetOptionQuote", 3255, "Quotes of option contracts."),
    ("Qot_GetOptionStrategy", 3256, "Option strategy combinations for an underlying."),
    ("Qot_GetOptionStrategyAnalysis", 3257, "Profit/loss analysis of an option strategy."),
    ("Qot_GetOptionStrategySpread", 3258, "Valid spreads of an option strategy."),
    ("Qot_GetIndicatorList", 3259, "Technical indicators available for calculation."),
    ("Qot_RequestIndicatorCalc", 3260, "Start an asynchronous indicator calculation."),
    ("Qot_PushIndicatorCalc", 3261, "Push of an asynchronous indicator calculation result."),
    ("Qot_GetSearchQuote", 3262, "Search securities by keyword."),
    ("Qot_GetSearchNews", 3263, "Search news by keyword."),
    ("Qot_GetOptionMarketStatistic", 3301, "Market-wide option statistics."),
    ("Qot_GetOptionUnderlyingHisStatistic", 3302, "Historical option statistics of an underlying."),
    ("Qot_GetOptionUnderlyingOverview", 3303, "Latest option figures of several underlyings."),
    ("Qot_GetOptionUnderlyingHisVolatility", 3304, "Historical volatility of an underlying."),
    ("Qot_GetOptionUnderlyingRank", 3305, "Ranking of option underlyings."),
    ("Qot_GetOptionRank", 3306, "Ranking of option contracts."),
    ("Qot_GetOptionEvent", 3307, "Unusual option activity list."),
    ("Qot_GetOptionEventAlert", 3308, "Unusual option activity alert settings."),
    ("Qot_SetOptionEventAlert", 3309, "Change unusual option activity alert conditions."),
    ("Qot_UpdateOptionEvent", 3310, "Push of unusual option activity."),
    ("Qot_GetOptionZeroDteScreener", 3311, "Underlyings with zero-days-to-expiry options."),
    ("Qot_GetOptionZeroDteContract", 3312, "Zero-days-to-expiry option contracts."),
    ("Qot_GetOptionEarningsScreener", 3313, "Underlyings with options around earnings."),
    ("Qot_GetOptionSellerScreener", 3314, "Option-selling strategy candidates."),
    ("Qot_GetEarningsCalendar", 3401, "Earnings calendar."),
    ("Qot_GetMacroIndicatorList", 3402, "Macro-economic indicators available."),
    ("Qot_GetMacroIndicatorHistory", 3403, "History of a macro-economic indicator."),
    ("Qot_GetFedWatchTargetRate", 3404, "FedWatch target-rate probabilities."),
    ("Qot_GetFedWatchDotPlot", 3405, "FedWatch dot plot."),
    ("Qot_GetEarningsBeatRank", 3406, "Ranking by earnings surprise."),
    ("Qot_GetDividendRank", 3407, "Ranking by dividend."),
    ("Qot_GetDividendCalendar", 3408, "Dividend payment calendar."),
    ("Qot_GetEconomicCalendar", 3409, "Economic events calendar."),
    ("Qot_GetUSPreMarketRank", 3410, "US pre-market movers."),
    ("Qot_GetUSAfterHoursRank", 3411, "US after-hours movers."),
    ("Qot_GetUSOvernightRank", 3412, "US overnight-session movers."),
    ("Qot_GetTopMoversRank", 3413, "Intraday top gainers and losers."),
    ("Qot_GetHotList", 3414, "Most discussed securities."),
    ("Qot_GetShortSellingRank", 3415, "Unusual short-selling ranking (US)."),
    ("Qot_GetPeriodChangeRank", 3416, "Ranking by price change over a period."),
    ("Qot_GetHighDividendSOERank", 3417, "HK state-owned companies trading below book with high dividends."),
    ("Qot_GetInstitutionList", 3418, "Institutional investors."),
    ("Qot_GetInstitutionProfile", 3419, "Profile of an institutional investor."),
    ("Qot_GetInstitutionDistribution", 3420, "Industry distribution of an institution's holdings."),
    ("Qot_GetInstitutionHoldingChange", 3421, "Changes in an institution's holdings."),
    ("Qot_GetInstitutionHoldingList", 3422, "Securities held by an institution."),
    ("Qot_GetArkFundHolding", 3423, "ARK funds' holdings."),
    ("Qot_GetArkStockDynamic", 3424, "ARK funds' trades in one security."),
    ("Qot_GetArkActiveTransaction", 3425, "Aggregated ARK active trades."),
    ("Qot_GetRatingChange", 3426, "Analyst rating changes."),
    ("Qot_GetIndustrialChainList", 3427, "Industrial chains."),
    ("Qot_GetIndustrialChainDetail", 3428, "Detail of an industrial chain."),
    ("Qot_GetIndustrialChainByPlate", 3429, "Industrial chains related to a plate."),
    ("Qot_GetIndustrialPlateInfo", 3430, "Information on an industrial plate."),
    ("Qot_GetIndustrialPlateStock", 3431, "Constituents of an industrial plate."),
    ("Qot_GetHeatMapData", 3432, "Market heat-map data."),
    ("Qot_GetRiseFallDistribution", 3433, "Distribution of rising and falling securities."),
    ("Qot_GetEventContractCategory", 3434, "Event contract categories."),
    ("Qot_FilterCompetition", 3435, "Filter sports competitions for event contracts."),
    ("Qot_GetEventContractSeriesList", 3436, "Event contract series."),
    ("Qot_GetEventContractEventList", 3437, "Events of an event contract series."),
    ("Qot_GetEventContract", 3438, "Contracts of an event."),
    ("Qot_GetEventContractMilestoneList", 3439, "Milestones of an event."),
    ("Qot_GetEventContractSnapshot", 3445, "Snapshot of event contracts."),
    ("Qot_GetEventContractOrderBook", 3446, "Order book of an event contract."),
    ("Qot_GetEventContractKline", 3447, "K-lines of an event contract."),
    ("Qot_GetEventContractTicker", 3448, "Tick-by-tick trades of an event contract."),
    ("Qot_UpdateEventContractOrderBook", 3450, "Push of an event contract's order book."),
    ("Qot_UpdateEventContractKline", 3451, "Push of an event contract's K-lines."),
    ("Qot_UpdateEventContractTicker", 3452, "Push of an event contract's trades."),
    ("Qot_GetEventContractComboList", 3453, "Events that can be combined into a combo."),
    ("Qot_GetEventContractComboRfq", 3454, "Request a quote for an event combo."),
    ("Qot_SubEventContract", 3455, "Subscribe or unsubscribe event contract data."),
    ("Qot_RequestHistoryEventContractKL", 3456, "Historical K-lines of an event contract."),
)
PROTOCOL_FILES += tuple(ProtocolFile(n, i, purpose, SDK_ONLY) for n, i, purpose in _SDK_EXTENSIONS)

BY_NAME = {p.name: p for p in PROTOCOL_FILES}

# A few field comments that help a reader; keyed by (file, message path, field).
FIELD_NOTES: dict[tuple[str, str, str], str] = {
    ("*", "Response", "retType"): "Common.RetType; 0 means success",
    ("*", "Response", "errCode"): "set on failure only",
    ("InitConnect", "C2S", "pushProtoFmt"): "Common.ProtoFmt of pushes on this connection",
    ("InitConnect", "C2S", "packetEncAlgo"): "Common.PacketEncAlgo",
    ("InitConnect", "S2C", "keepAliveInterval"): "seconds between client heartbeats",
    ("InitConnect", "S2C", "connAESKey"): "16-byte AES key for the rest of the session",
    ("KeepAlive", "C2S", "time"): "client send time, UTC seconds",
    ("KeepAlive", "S2C", "time"): "server reply time, UTC seconds",
    ("Common", "PacketID", "connID"): "connection ID that InitConnect returned",
    ("Qot_Common", "Security", "market"): "Qot_Common.QotMarket",
    ("Trd_Common", "TrdHeader", "trdEnv"): "Trd_Common.TrdEnv: 0 simulate, 1 real",
    ("Trd_Common", "TrdHeader", "trdMarket"): "Trd_Common.TrdMarket",
    ("Trd_PlaceOrder", "C2S", "packetID"): "connID from InitConnect + the frame's serial number",
    ("Trd_PlaceOrder", "C2S", "trdSide"): "Trd_Common.TrdSide",
    ("Trd_PlaceOrder", "C2S", "orderType"): "Trd_Common.OrderType",
    ("Trd_PlaceOrder", "C2S", "secMarket"): "Trd_Common.TrdSecMarket",
    ("Trd_PlaceOrder", "C2S", "timeInForce"): "Trd_Common.TimeInForce",
    ("Trd_PlaceOrder", "C2S", "trailType"): "Trd_Common.TrailType",
    ("Trd_PlaceOrder", "C2S", "session"): "Common.Session",
    ("Trd_ModifyOrder", "C2S", "packetID"): "connID from InitConnect + the frame's serial number",
    ("Trd_ModifyOrder", "C2S", "modifyOrderOp"): "Trd_Common.ModifyOrderOp",
    ("Trd_ModifyOrder", "C2S", "forAll"): "apply to every order of the account (cancel all)",
    ("Trd_ModifyOrder", "C2S", "trailType"): "Trd_Common.TrailType",
    ("Qot_Sub", "C2S", "subTypeList"): "Qot_Common.SubType",
    ("Qot_Sub", "C2S", "regPushRehabTypeList"): "Qot_Common.RehabType",
    ("Qot_Sub", "C2S", "session"): "Common.Session",
    ("Qot_GetKL", "C2S", "rehabType"): "Qot_Common.RehabType",
    ("Qot_GetKL", "C2S", "klType"): "Qot_Common.KLType",
}

_SCALAR_NAMES = {
    descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE: "double",
    descriptor_pb2.FieldDescriptorProto.TYPE_FLOAT: "float",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT64: "int64",
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT64: "uint64",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT32: "int32",
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED64: "fixed64",
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED32: "fixed32",
    descriptor_pb2.FieldDescriptorProto.TYPE_BOOL: "bool",
    descriptor_pb2.FieldDescriptorProto.TYPE_STRING: "string",
    descriptor_pb2.FieldDescriptorProto.TYPE_BYTES: "bytes",
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT32: "uint32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED32: "sfixed32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED64: "sfixed64",
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT32: "sint32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT64: "sint64",
}
_LABELS = {
    descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL: "optional",
    descriptor_pb2.FieldDescriptorProto.LABEL_REQUIRED: "required",
    descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED: "repeated",
}
INDENT = "  "


def official_module(name: str) -> ModuleType:
    """Import the official ``<name>_pb2``; importing futu first puts its pb folder on sys.path."""
    importlib.import_module("futu")
    return importlib.import_module(f"futu.common.pb.{name}_pb2")


def _default_camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _quote(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class ProtoPrinter:
    """Prints one FileDescriptorProto as proto2 text in our layout."""

    def __init__(self, spec: ProtocolFile, fdp: descriptor_pb2.FileDescriptorProto) -> None:
        self.spec = spec
        self.fdp = fdp
        self.lines: list[str] = []

    def render(self) -> str:
        fdp, spec = self.fdp, self.spec
        if fdp.service or fdp.extension:
            raise ValueError(f"{spec.name}: services/extensions are not supported")
        self.lines += textwrap.wrap(f"{spec.name}: {spec.purpose}", width=88,
                                    initial_indent="// ", subsequent_indent="//   ")
        ident = f"proto ID {spec.proto_id}" if spec.proto_id is not None else "no proto ID (shared types)"
        self.lines += [f"// {ident}; {spec.docs}."]
        self.lines += ["// Generated by scripts/proto_from_descriptor.py; wire facts match the official SDK."]
        self.lines += ["", 'syntax = "proto2";', f"package {PACKAGE_PREFIX}.{fdp.package};", ""]
        imports = self._used_imports()
        for dep in imports:
            self.lines.append(f'import "{PROTO_IMPORT_PREFIX}{dep}";')
        if imports:
            self.lines.append("")
        for enum in fdp.enum_type:
            self._enum(enum, 0)
            self.lines.append("")
        for message in fdp.message_type:
            self._message(message, 0, message.name)
            self.lines.append("")
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    def _used_imports(self) -> list[str]:
        """Official imports that some field really refers to (the official files carry unused ones)."""
        used_packages: set[str] = set()

        def walk(messages) -> None:
            for message in messages:
                for field in message.field:
                    if field.type_name:
                        used_packages.add(field.type_name.lstrip(".").split(".", 1)[0])
                walk(message.nested_type)

        walk(self.fdp.message_type)
        return [dep for dep in self.fdp.dependency if dep.removesuffix(".proto") in used_packages]

    def _enum(self, enum: descriptor_pb2.EnumDescriptorProto, depth: int) -> None:
        pad = INDENT * depth
        self.lines.append(f"{pad}enum {enum.name} {{")
        if enum.options.HasField("allow_alias"):
            self.lines.append(f"{pad}{INDENT}option allow_alias = {str(enum.options.allow_alias).lower()};")
        if enum.options.HasField("deprecated"):
            self.lines.append(f"{pad}{INDENT}option deprecated = {str(enum.options.deprecated).lower()};")
        for value in enum.value:
            opts = ""
            if value.options.HasField("deprecated"):
                opts = f" [deprecated = {str(value.options.deprecated).lower()}]"
            self.lines.append(f"{pad}{INDENT}{value.name} = {value.number}{opts};")
        self.lines.append(f"{pad}}}")

    def _message(self, message: descriptor_pb2.DescriptorProto, depth: int, path: str) -> None:
        if message.oneof_decl or message.extension or message.extension_range or message.reserved_range:
            raise ValueError(f"{self.spec.name}.{path}: oneof/extension/reserved not supported")
        pad = INDENT * depth
        self.lines.append(f"{pad}message {message.name} {{")
        for enum in message.enum_type:
            self._enum(enum, depth + 1)
        for nested in message.nested_type:
            self._message(nested, depth + 1, f"{path}.{nested.name}")
        for field in message.field:
            self.lines.append(f"{pad}{INDENT}{self._field(field, path)}")
        self.lines.append(f"{pad}}}")

    def _type_name(self, field: descriptor_pb2.FieldDescriptorProto) -> str:
        if field.type in _SCALAR_NAMES:
            return _SCALAR_NAMES[field.type]
        # ".Pkg.Msg" -> "Pkg.Msg": protoc resolves it from inside "openfutu.<Pkg>" to
        # "openfutu.Pkg.Msg" (no message is named like a package, and the
        # conformance test would catch a wrong resolution).
        return field.type_name.lstrip(".")

    def _field(self, field: descriptor_pb2.FieldDescriptorProto, path: str) -> str:
        options: list[str] = []
        if field.HasField("default_value"):
            value = field.default_value
            if field.type in (descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                              descriptor_pb2.FieldDescriptorProto.TYPE_BYTES):
                value = _quote(value)
            options.append(f"default = {value}")
        if field.HasField("json_name") and field.json_name != _default_camel(field.name):
            options.append(f"json_name = {_quote(field.json_name)}")
        if field.options.HasField("deprecated"):
            options.append(f"deprecated = {str(field.options.deprecated).lower()}")
        if field.options.HasField("packed"):
            options.append(f"packed = {str(field.options.packed).lower()}")
        text = f"{_LABELS[field.label]} {self._type_name(field)} {field.name} = {field.number}"
        if options:
            text += " [" + ", ".join(options) + "]"
        text += ";"
        note = FIELD_NOTES.get((self.spec.name, path, field.name)) or FIELD_NOTES.get(
            ("*", path, field.name))
        if note:
            text += f"  // {note}"
        return text


def render(name: str) -> str:
    spec = BY_NAME[name]
    fdp = descriptor_pb2.FileDescriptorProto()
    official_module(name).DESCRIPTOR.CopyToProto(fdp)
    return ProtoPrinter(spec, fdp).render()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="file names without .proto (default: all)")
    args = parser.parse_args(argv)
    names = args.names or [p.name for p in PROTOCOL_FILES]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"not in PROTOCOL_FILES: {', '.join(unknown)}")
    PB_DIR.mkdir(parents=True, exist_ok=True)
    for name in names:
        (PB_DIR / f"{name}.proto").write_text(render(name), encoding="utf-8")
    print(f"wrote {len(names)} .proto files to {PB_DIR.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
