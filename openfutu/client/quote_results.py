"""Quote replies -> the futu-api result rows and DataFrames.

Each builder takes the response's S2C (or one record of it) and returns the
rows futu-api returns. Where futu-api leaves a column out of a row (so the
DataFrame shows NaN) the builder leaves the key out too, so the frames are
equal cell for cell. Column lists are facts of the futu-api surface.
"""

from __future__ import annotations

import time
from typing import Any, Iterable

import pandas as pd

from .enums import (
    AssetClass,
    ExchType,
    ExpirationCycle,
    IndexOptionType,
    Issuer,
    MarketState,
    OptionAreaType,
    OptionSettlementMode,
    OptionStandardType,
    OptionType,
    Plate,
    PriceReminderFreq,
    PriceReminderMarketStatus,
    PriceReminderType,
    PriceType,
    SecurityFirm,
    SecurityStatus,
    SecurityType,
    SubType,
    TradeDateType,
    UserSecurityGroupType,
    WarrantStatus,
    WrtType,
)
from .parsing import NA, code_of

Row = dict[str, Any]


def _opt(pb: Any, field: str, conv: Any = None, default: Any = NA) -> Any:
    if not pb.HasField(field):
        return default
    value = getattr(pb, field)
    return conv(value) if conv is not None else value


def table(rows: Iterable[Row], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


# -- static info (get_stock_basicinfo, get_user_security, get_plate_stock, ...) --
BASIC_INFO_COLUMNS = ["code", "name", "lot_size", "stock_type", "stock_child_type", "stock_owner",
                      "option_type", "strike_time", "strike_price", "suspension", "listing_date",
                      "stock_id", "delisting", "index_option_type", "main_contract",
                      "last_trade_time", "exchange_type"]
USER_SECURITY_COLUMNS = [c for c in BASIC_INFO_COLUMNS if c not in ("index_option_type",
                                                                    "exchange_type")]


def _owner_of(info: Any) -> str:
    if info.HasField("warrantExData"):
        return code_of(info.warrantExData.owner)
    if info.HasField("optionExData"):
        return code_of(info.optionExData.owner)
    return ""


def static_info_row(info: Any, with_exchange: bool = True) -> Row:
    """Qot_Common.SecurityStaticInfo -> one get_stock_basicinfo row."""
    basic, option, future = info.basic, info.optionExData, info.futureExData
    has_option = info.HasField("optionExData")
    row: Row = {
        "code": code_of(basic.security),
        "stock_id": basic.id,
        "name": basic.name,
        "lot_size": basic.lotSize,
        "stock_type": _opt(basic, "secType", SecurityType.to_string2),
        "stock_child_type": _opt(info.warrantExData, "type", WrtType.to_string2),
        "stock_owner": _owner_of(info),
        "listing_date": NA if has_option else basic.listTime,
        # get_user_security reads the option type even without the option block
        "option_type": (OptionType.to_string2(option.type) if has_option else NA) if with_exchange
        else _opt(option, "type", OptionType.to_string2),
        "strike_time": option.strikeTime,
        "strike_price": option.strikePrice if has_option else NA,
        "suspension": option.suspend if has_option else NA,
        "delisting": _opt(basic, "delisting"),
    }
    if with_exchange:
        row["index_option_type"] = IndexOptionType.to_string2(option.indexOptionType) \
            if has_option else NA
    row["main_contract"] = future.isMainContract
    row["last_trade_time"] = future.lastTradeTime
    if with_exchange:
        row["exchange_type"] = _opt(basic, "exchType", ExchType.to_string2)
    return row


PLATE_STOCK_COLUMNS = ["code", "lot_size", "stock_name", "stock_owner", "stock_child_type",
                       "stock_type", "list_time", "stock_id", "main_contract", "last_trade_time"]


def plate_stock_row(info: Any) -> Row:
    basic = info.basic
    return {"stock_id": basic.id, "lot_size": basic.lotSize, "code": code_of(basic.security),
            "stock_name": basic.name, "list_time": basic.listTime,
            "stock_type": _opt(basic, "secType", SecurityType.to_string2),
            "main_contract": info.futureExData.isMainContract,
            "last_trade_time": info.futureExData.lastTradeTime}


REFERENCE_COLUMNS = ["code", "lot_size", "stock_type", "stock_name", "list_time", "wrt_valid",
                     "wrt_type", "wrt_code", "future_valid", "future_main_contract",
                     "future_last_trade_time"]


def reference_row(info: Any) -> Row:
    basic = info.basic
    row: Row = {"code": code_of(basic.security), "lot_size": basic.lotSize,
                "stock_type": _opt(basic, "secType", SecurityType.to_string2),
                "stock_name": basic.name, "list_time": basic.listTime}
    row["wrt_valid"] = info.HasField("warrantExData")
    if row["wrt_valid"]:
        row["wrt_type"] = _opt(info.warrantExData, "type", WrtType.to_string2)
        row["wrt_code"] = code_of(info.warrantExData.owner)
    row["future_valid"] = info.HasField("futureExData")
    if row["future_valid"]:
        row["future_main_contract"] = info.futureExData.isMainContract
        row["future_last_trade_time"] = info.futureExData.lastTradeTime
    return row


# -- option chain ------------------------------------------------------------------
OPTION_CHAIN_COLUMNS = ["code", "name", "lot_size", "stock_type", "option_type", "stock_owner",
                        "strike_time", "strike_price", "suspension", "stock_id",
                        "index_option_type", "expiration_cycle", "option_standard_type",
                        "option_settlement_mode"]


def option_chain_rows(s2c: Any) -> list[Row]:
    rows: list[Row] = []
    for expiry in s2c.optionChain:
        for pair in expiry.option:
            for side in ("call", "put"):
                if not pair.HasField(side):
                    continue
                info = getattr(pair, side)
                basic, ex = info.basic, info.optionExData
                has_ex = info.HasField("optionExData")
                rows.append({
                    "code": code_of(basic.security), "stock_id": basic.id, "name": basic.name,
                    "lot_size": basic.lotSize,
                    "stock_type": _opt(basic, "secType", SecurityType.to_string2),
                    "option_type": OptionType.to_string2(ex.type) if has_ex else NA,
                    "stock_owner": code_of(ex.owner) if has_ex else "",
                    "strike_time": ex.strikeTime,
                    "strike_price": ex.strikePrice if has_ex else NA,
                    "suspension": ex.suspend if has_ex else NA,
                    "index_option_type": IndexOptionType.to_string2(ex.indexOptionType)
                    if has_ex else NA,
                    "expiration_cycle": _opt(ex, "expirationCycle", ExpirationCycle.to_string2),
                    "option_standard_type": _opt(ex, "optionStandardType",
                                                 OptionStandardType.to_string2),
                    "option_settlement_mode": _opt(ex, "optionSettlementMode",
                                                   OptionSettlementMode.to_string2),
                })
    return rows


def option_chain_frame(s2c: Any) -> pd.DataFrame:
    data = table(option_chain_rows(s2c), OPTION_CHAIN_COLUMNS)
    data.sort_values(by=["strike_time", "strike_price"], axis=0, ascending=True, inplace=True)
    data.index = range(len(data))
    return data


EXPIRATION_COLUMNS = ["strike_time", "option_expiry_date_distance", "expiration_cycle"]


def expiration_row(item: Any) -> Row:
    # futu-api fills a missing expiry date with one space
    return {"strike_time": _opt(item, "strikeTime", default=" "),
            "option_expiry_date_distance": item.optionExpiryDateDistance,
            "expiration_cycle": _opt(item, "cycle", ExpirationCycle.to_string2)}


# -- snapshot ----------------------------------------------------------------------
_SESSION_FIELDS = [("price", "price"), ("high_price", "highPrice"), ("low_price", "lowPrice"),
                   ("volume", "volume"), ("turnover", "turnover"), ("change_val", "changeVal"),
                   ("change_rate", "changeRate"), ("amplitude", "amplitude")]
SNAPSHOT_EQUITY = [("issued_shares", "issuedShares"), ("total_market_val", "issuedMarketVal"),
                   ("net_asset", "netAsset"), ("net_profit", "netProfit"),
                   ("earning_per_share", "earningsPershare"),
                   ("outstanding_shares", "outstandingShares"),
                   ("circular_market_val", "outstandingMarketVal"),
                   ("net_asset_per_share", "netAssetPershare"), ("ey_ratio", "eyRate"),
                   ("pe_ratio", "peRate"), ("pb_ratio", "pbRate"), ("pe_ttm_ratio", "peTTMRate"),
                   ("dividend_ttm", "dividendTTM"), ("dividend_ratio_ttm", "dividendRatioTTM"),
                   ("dividend_lfy", "dividendLFY"), ("dividend_lfy_ratio", "dividendLFYRatio")]
SNAPSHOT_WARRANT = [("wrt_conversion_ratio", "conversionRate"), ("wrt_strike_price", "strikePrice"),
                    ("wrt_maturity_date", "maturityTime"), ("wrt_end_trade", "endTradeTime"),
                    ("wrt_recovery_price", "recoveryPrice"), ("wrt_street_vol", "streetVolumn"),
                    ("wrt_issue_vol", "issueVolumn"), ("wrt_street_ratio", "streetRate"),
                    ("wrt_delta", "delta"), ("wrt_implied_volatility", "impliedVolatility"),
                    ("wrt_premium", "premium"), ("wrt_leverage", "leverage"), ("wrt_ipop", "ipop"),
                    ("wrt_break_even_point", "breakEvenPoint"),
                    ("wrt_conversion_price", "conversionPrice"),
                    ("wrt_price_recovery_ratio", "priceRecoveryRatio"), ("wrt_score", "score"),
                    ("wrt_upper_strike_price", "upperStrikePrice"),
                    ("wrt_lower_strike_price", "lowerStrikePrice"),
                    ("wrt_issuer_code", "issuerCode")]
SNAPSHOT_OPTION = [("option_strike_price", "strikePrice"),
                   ("option_contract_size", "contractSizeFloat"),
                   ("option_open_interest", "openInterest"),
                   ("option_implied_volatility", "impliedVolatility"),
                   ("option_premium", "premium"), ("option_delta", "delta"),
                   ("option_gamma", "gamma"), ("option_vega", "vega"), ("option_theta", "theta"),
                   ("option_rho", "rho")]
SNAPSHOT_OPTION_OPT = [("option_net_open_interest", "netOpenInterest"),
                       ("option_expiry_date_distance", "expiryDateDistance"),
                       ("option_contract_nominal_value", "contractNominalValue"),
                       ("option_owner_lot_multiplier", "ownerLotMultiplier"),
                       ("option_contract_multiplier", "contractMultiplier")]

_SNAPSHOT_BASE = ["code", "name", "update_time", "last_price", "open_price", "high_price",
                  "low_price", "prev_close_price", "volume", "turnover", "turnover_rate",
                  "suspension", "listing_date", "lot_size", "price_spread", "stock_owner",
                  "ask_price", "bid_price", "ask_vol", "bid_vol", "enable_margin",
                  "mortgage_ratio", "long_margin_initial_ratio", "enable_short_sell",
                  "short_sell_rate", "short_available_volume", "short_margin_initial_ratio",
                  "amplitude", "avg_price", "bid_ask_ratio", "volume_ratio",
                  "highest52weeks_price", "lowest52weeks_price", "highest_history_price",
                  "lowest_history_price", "close_price_5min", "after_volume", "after_turnover",
                  "sec_status"]
SNAPSHOT_COLUMNS: list[str] = list(dict.fromkeys([
    *_SNAPSHOT_BASE,
    "equity_valid", *[c for c, _ in SNAPSHOT_EQUITY],
    "wrt_valid", "wrt_conversion_ratio", "wrt_type", *[c for c, _ in SNAPSHOT_WARRANT[1:]],
    "wrt_inline_price_status",
    "option_valid", "option_type", "strike_time", *[c for c, _ in SNAPSHOT_OPTION],
    "option_net_open_interest", "option_expiry_date_distance", "option_contract_nominal_value",
    "option_owner_lot_multiplier", "option_area_type", "option_contract_multiplier",
    "index_option_type",
    "index_valid", "index_raise_count", "index_fall_count", "index_equal_count",
    "plate_valid", "plate_raise_count", "plate_fall_count", "plate_equal_count",
    "future_valid", "future_last_settle_price", "future_position", "future_position_change",
    "future_main_contract", "future_last_trade_time",
    "trust_valid", "trust_dividend_yield", "trust_aum", "trust_outstanding_units",
    "trust_netAssetValue", "trust_premium", "trust_assetClass",
    *[f"{p}_{n}" for p in ("pre", "after", "overnight") for n, _ in _SESSION_FIELDS],
]))
# futu-api lists wrt_inline_price_status after wrt_lower_strike_price and before
# wrt_issuer_code; rebuild that part of the order exactly
_w = SNAPSHOT_COLUMNS
_w.remove("wrt_inline_price_status")
_w.insert(_w.index("wrt_issuer_code"), "wrt_inline_price_status")
del _w


def _volume(pb: Any, hp: str, plain: str, default: Any = NA) -> Any:
    if pb.HasField(hp):
        return getattr(pb, hp)
    if default is None or pb.HasField(plain):
        return getattr(pb, plain)
    return default


def snapshot_row(record: Any) -> Row:
    basic = record.basic
    wrt, opt, trust = record.warrantExData, record.optionExData, record.trustExData
    row: Row = {
        "code": code_of(basic.security), "name": _opt(basic, "name"),
        "update_time": basic.updateTime, "last_price": basic.curPrice,
        "open_price": basic.openPrice, "high_price": basic.highPrice,
        "low_price": basic.lowPrice, "prev_close_price": basic.lastClosePrice,
        "volume": _volume(basic, "hpVolume", "volume", default=None),
        "turnover": basic.turnover, "turnover_rate": basic.turnoverRate,
        "suspension": basic.isSuspend,
        "listing_date": NA if record.HasField("optionExData") else basic.listTime,
        "price_spread": basic.priceSpread, "lot_size": basic.lotSize,
        "ask_price": _opt(basic, "askPrice"), "bid_price": _opt(basic, "bidPrice"),
        "ask_vol": _volume(basic, "hpAskVol", "askVol"),
        "bid_vol": _volume(basic, "hpBidVol", "bidVol"),
        "wrt_type": _opt(wrt, "warrantType", WrtType.to_string2),
        "wrt_inline_price_status": _opt(wrt, "inLinePriceStatus", PriceType.to_string2),
        "option_type": _opt(opt, "type", OptionType.to_string2),
        "index_option_type": _opt(opt, "indexOptionType", IndexOptionType.to_string2),
        "option_area_type": _opt(opt, "optionAreaType", OptionAreaType.to_string2),
        "trust_assetClass": _opt(trust, "assetClass", AssetClass.to_string2),
    }
    # margin and short-sell details only when the flag is present and true
    if basic.HasField("enableMargin"):
        row["enable_margin"] = basic.enableMargin
        if basic.enableMargin is True:
            row["mortgage_ratio"] = basic.mortgageRatio
            row["long_margin_initial_ratio"] = basic.longMarginInitialRatio
    if basic.HasField("enableShortSell"):
        row["enable_short_sell"] = basic.enableShortSell
        if basic.enableShortSell is True:
            row["short_sell_rate"] = basic.shortSellRate
            row["short_available_volume"] = basic.shortAvailableVolume
            row["short_margin_initial_ratio"] = basic.shortMarginInitialRatio
    row.update({
        "amplitude": basic.amplitude, "avg_price": basic.avgPrice,
        "bid_ask_ratio": basic.bidAskRatio, "volume_ratio": basic.volumeRatio,
        "highest52weeks_price": basic.highest52WeeksPrice,
        "lowest52weeks_price": basic.lowest52WeeksPrice,
        "highest_history_price": basic.highestHistoryPrice,
        "lowest_history_price": basic.lowestHistoryPrice,
        # the raw after-hours block, which the session columns below never overwrite
        "after_volume": basic.afterMarket.volume, "after_turnover": basic.afterMarket.turnover,
        "sec_status": _opt(basic, "secStatus", SecurityStatus.to_string2),
        "close_price_5min": basic.closePrice5Minute,
    })
    for prefix, group in (("pre", "preMarket"), ("after", "afterMarket"),
                          ("overnight", "overnight")):
        block = getattr(basic, group) if basic.HasField(group) else None
        for name, field in _SESSION_FIELDS:
            key = f"{prefix}_{name}"
            if row.get(key) not in (None, NA):
                continue
            row[key] = _opt(block, field) if block is not None else NA
    row["equity_valid"] = record.HasField("equityExData")
    if row["equity_valid"]:
        for name, field in SNAPSHOT_EQUITY:
            row[name] = getattr(record.equityExData, field)
    sec_type = SecurityType.to_string2(basic.type)
    row["wrt_valid"] = sec_type == SecurityType.WARRANT
    if row["wrt_valid"]:
        for name, field in SNAPSHOT_WARRANT:
            row[name] = getattr(wrt, field)
        row["stock_owner"] = code_of(wrt.owner)
    row["option_valid"] = sec_type == SecurityType.DRVT
    if row["option_valid"]:
        row["stock_owner"] = code_of(opt.owner)
        row["strike_time"] = opt.strikeTime
        for name, field in SNAPSHOT_OPTION:
            row[name] = getattr(opt, field)
        for name, field in SNAPSHOT_OPTION_OPT:
            row[name] = _opt(opt, field)
    for kind, group in (("index", "indexExData"), ("plate", "plateExData")):
        row[f"{kind}_valid"] = record.HasField(group)
        if row[f"{kind}_valid"]:
            block = getattr(record, group)
            row[f"{kind}_raise_count"] = block.raiseCount
            row[f"{kind}_fall_count"] = block.fallCount
            row[f"{kind}_equal_count"] = block.equalCount
    row["future_valid"] = sec_type == SecurityType.FUTURE
    if row["future_valid"]:
        fut = record.futureExData
        row.update({"future_last_settle_price": fut.lastSettlePrice,
                    "future_position": fut.position, "future_position_change": fut.positionChange,
                    "future_main_contract": fut.isMainContract,
                    "future_last_trade_time": fut.lastTradeTime})
    row["trust_valid"] = record.HasField("trustExData")
    if row["trust_valid"]:
        row.update({"trust_dividend_yield": trust.dividendYield, "trust_aum": trust.aum,
                    "trust_outstanding_units": trust.outstandingUnits,
                    "trust_netAssetValue": trust.netAssetValue, "trust_premium": trust.premium})
    return row


# -- plates, brokers, subscriptions -------------------------------------------------
PLATE_LIST_COLUMNS = ["code", "plate_name", "plate_id"]


def plate_row(info: Any) -> Row:
    return {"code": code_of(info.plate), "plate_name": info.name, "plate_id": info.plate.code}


OWNER_PLATE_COLUMNS = ["code", "name", "plate_code", "plate_name", "plate_type"]


def owner_plate_rows(s2c: Any) -> list[Row]:
    rows = []
    for owner in s2c.ownerPlateList:
        for plate in owner.plateInfoList:
            rows.append({"code": code_of(owner.security), "name": _opt(owner, "name"),
                         "plate_code": code_of(plate.plate), "plate_name": str(plate.name),
                         "plate_type": _opt(plate, "plateType", Plate.to_string2)})
    return rows


BROKER_COLUMNS = {side: ["code", "name", f"{side}_broker_id", f"{side}_broker_name",
                         f"{side}_broker_pos", "order_id", "order_volume"]
                  for side in ("bid", "ask")}


def broker_frames(s2c: Any) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Qot_GetBroker / Qot_UpdateBroker S2C -> (code, bid frame, ask frame)."""
    code, name = code_of(s2c.security), _opt(s2c, "name")
    frames = []
    for side, brokers in (("bid", s2c.brokerBidList), ("ask", s2c.brokerAskList)):
        rows = [{f"{side}_broker_id": b.id, f"{side}_broker_name": b.name,
                 f"{side}_broker_pos": b.pos, "code": code, "name": name,
                 "order_id": _opt(b, "orderID"), "order_volume": _opt(b, "volume")}
                for b in brokers]
        frames.append(table(rows, BROKER_COLUMNS[side]))
    return code, frames[0], frames[1]


def subscription_dict(s2c: Any, is_all_conn: bool) -> dict[str, Any]:
    """Qot_GetSubInfo S2C -> the query_subscription dict."""
    result: dict[str, Any] = {
        "total_used": s2c.totalUsedQuota, "remain": s2c.remainQuota,
        "option_used_quota": _opt(s2c, "optionUsedQuota", default=0),
        "option_remain_quota": _opt(s2c, "optionRemainQuota", default=0),
        "own_used": 0, "own_security_firm": SecurityFirm.NONE, "own_option_used_quota": 0,
        "sub_list": {},
    }
    for conn in s2c.connSubInfoList:
        if conn.isOwnConnData:
            ok, firm = SecurityFirm.to_string(conn.securityFirm) if conn.HasField("securityFirm") \
                else (False, "")
            result["own_used"] = conn.usedQuota
            result["own_security_firm"] = firm if ok else SecurityFirm.NONE
            result["own_option_used_quota"] = _opt(conn, "optionUsedQuota", default=0)
        elif not is_all_conn:
            continue
        for info in conn.subInfoList:
            ok, subtype = SubType.to_string(info.subType)
            if not ok:
                continue  # a type this SDK does not know; futu-api logs and skips it
            codes = result["sub_list"].setdefault(subtype, [])
            for security in info.securityList:
                code = code_of(security)
                if code not in codes:
                    codes.append(code)
    return result


# -- history ------------------------------------------------------------------------
_HISTORY_FIELDS = [("open", "openPrice"), ("high", "highPrice"), ("low", "lowPrice"),
                   ("close", "closePrice")]
_HISTORY_TAIL = [("turnover", "turnover"), ("pe_ratio", "pe"), ("turnover_rate", "turnoverRate"),
                 ("change_rate", "changeRate"), ("last_close", "lastClosePrice")]


def history_kline_rows(s2c: Any) -> list[Row]:
    """Qot_RequestHistoryKL S2C -> rows. Blank bars are skipped; like futu-api
    a field a bar lacks keeps the previous bar's value in that row."""
    code, name = code_of(s2c.security), _opt(s2c, "name")
    rows: list[Row] = []
    current: Row = {}
    for bar in s2c.klList:
        current["code"], current["name"], current["time_key"] = code, name, bar.time
        if bar.isBlank:
            continue
        for key, field in _HISTORY_FIELDS:
            if bar.HasField(field):
                current[key] = getattr(bar, field)
        if bar.HasField("hpVolume"):
            current["volume"] = bar.hpVolume
        elif bar.HasField("volume"):
            current["volume"] = bar.volume
        for key, field in _HISTORY_TAIL:
            if bar.HasField(field):
                current[key] = getattr(bar, field)
        rows.append(dict(current))
    return rows


def kl_quota(s2c: Any) -> tuple[int, int, list[Row]]:
    details = [{"code": code_of(d.security), "name": _opt(d, "name"),
                "request_time": str(d.requestTime)} for d in s2c.detailList]
    return s2c.usedQuota, s2c.remainQuota, details


# docs L3533-L3539 and on
REHAB_COLUMNS = ["ex_div_date", "split_base", "split_ert", "join_base", "join_ert", "split_ratio",
                 "per_cash_div", "special_dividend", "bonus_base", "bonus_ert",
                 "per_share_div_ratio", "transfer_base", "transfer_ert", "per_share_trans_ratio",
                 "allot_base", "allot_ert", "allotment_ratio", "allotment_price", "add_base",
                 "add_ert", "stk_spo_ratio", "stk_spo_price", "spin_off_base", "spin_off_ert",
                 "spin_off_ratio", "forward_adj_factorA", "forward_adj_factorB",
                 "backward_adj_factorA", "backward_adj_factorB"]

# Qot_Common.CompanyAct bits: SDK facts; the docs only name the flag (L8190, L8216)
ACT_SPLIT, ACT_JOIN, ACT_BONUS, ACT_TRANSFER, ACT_ALLOT, ACT_ADD, ACT_DIVIDEND, \
    ACT_SP_DIVIDEND, ACT_SPIN_OFF = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _ratio(base: float, ert: float) -> float:
    return base / ert if ert else float("nan")


def rehab_row(rehab: Any) -> Row:
    flags = rehab.companyActFlag
    row: Row = {"ex_div_date": rehab.time.split()[0],
                "forward_adj_factorA": rehab.fwdFactorA, "forward_adj_factorB": rehab.fwdFactorB,
                "backward_adj_factorA": rehab.bwdFactorA,
                "backward_adj_factorB": rehab.bwdFactorB}
    if flags & ACT_SPIN_OFF:
        row.update(spin_off_ratio=_ratio(rehab.spinOffBase, rehab.spinOffErt),
                   spin_off_base=rehab.spinOffBase, spin_off_ert=rehab.spinOffErt)
    if flags & ACT_SP_DIVIDEND:
        row["special_dividend"] = rehab.spDividend
    if flags & ACT_DIVIDEND:
        row["per_cash_div"] = rehab.dividend
    if flags & ACT_ADD:
        row.update(stk_spo_ratio=_ratio(rehab.addBase, rehab.addErt),
                   stk_spo_price=rehab.addPrice, add_base=rehab.addBase, add_ert=rehab.addErt)
    if flags & ACT_ALLOT:
        row.update(allotment_ratio=_ratio(rehab.allotBase, rehab.allotErt),
                   allotment_price=rehab.allotPrice, allot_base=rehab.allotBase,
                   allot_ert=rehab.allotErt)
    if flags & ACT_TRANSFER:
        row.update(per_share_trans_ratio=_ratio(rehab.transferBase, rehab.transferErt),
                   transfer_base=rehab.transferBase, transfer_ert=rehab.transferErt)
    if flags & ACT_BONUS:
        row.update(per_share_div_ratio=_ratio(rehab.bonusBase, rehab.bonusErt),
                   bonus_base=rehab.bonusBase, bonus_ert=rehab.bonusErt)
    if flags & ACT_JOIN:
        row.update(split_ratio=_ratio(rehab.joinBase, rehab.joinErt), join_base=rehab.joinBase,
                   join_ert=rehab.joinErt)
    if flags & ACT_SPLIT:  # a split wins split_ratio over a join
        row.update(split_ratio=_ratio(rehab.splitBase, rehab.splitErt),
                   split_base=rehab.splitBase, split_ert=rehab.splitErt)
    return row


# -- capital ----------------------------------------------------------------------
CAPITAL_FLOW_COLUMNS = ["last_valid_time", "in_flow", "super_in_flow", "big_in_flow",
                        "mid_in_flow", "sml_in_flow", "main_in_flow", "capital_flow_item_time"]


def capital_flow_rows(s2c: Any) -> list[Row]:
    last_valid = _opt(s2c, "lastValidTime")
    return [{"in_flow": item.inFlow, "super_in_flow": item.superInFlow,
             "big_in_flow": item.bigInFlow, "mid_in_flow": item.midInFlow,
             "sml_in_flow": item.smlInFlow, "main_in_flow": _opt(item, "mainInFlow"),
             "capital_flow_item_time": item.time, "last_valid_time": last_valid}
            for item in s2c.flowItemList]


CAPITAL_DISTRIBUTION_COLUMNS = ["capital_in_super", "capital_in_big", "capital_in_mid",
                                "capital_in_small", "capital_out_super", "capital_out_big",
                                "capital_out_mid", "capital_out_small", "update_time"]


def capital_distribution_frame(s2c: Any) -> pd.DataFrame:
    row = {"capital_in_super": _opt(s2c, "capitalInSuper"), "capital_in_big": s2c.capitalInBig,
           "capital_in_mid": s2c.capitalInMid, "capital_in_small": s2c.capitalInSmall,
           "capital_out_super": _opt(s2c, "capitalOutSuper"),
           "capital_out_big": s2c.capitalOutBig, "capital_out_mid": s2c.capitalOutMid,
           "capital_out_small": s2c.capitalOutSmall, "update_time": s2c.updateTime}
    return pd.DataFrame(row, columns=CAPITAL_DISTRIBUTION_COLUMNS, index=[0])


# -- warrants ---------------------------------------------------------------------
WARRANT_COLUMNS = ["stock", "name", "stock_owner", "type", "issuer", "maturity_time", "list_time",
                   "last_trade_time", "recovery_price", "conversion_ratio", "lot_size",
                   "strike_price", "last_close_price", "cur_price", "price_change_val",
                   "change_rate", "status", "bid_price", "ask_price", "bid_vol", "ask_vol",
                   "volume", "turnover", "score", "premium", "break_even_point", "leverage",
                   "ipop", "price_recovery_ratio", "conversion_price", "street_rate",
                   "street_vol", "amplitude", "issue_size", "high_price", "low_price",
                   "implied_volatility", "delta", "effective_leverage", "list_timestamp",
                   "last_trade_timestamp", "maturity_timestamp", "upper_strike_price",
                   "lower_strike_price", "inline_price_status"]
# column -> WarrantData field, copied only when the field is present
_WARRANT_PRESENT = [
    ("maturity_timestamp", "maturityTimestamp"), ("list_time", "listTime"),
    ("list_timestamp", "listTimestamp"), ("last_trade_time", "lastTradeTime"),
    ("last_trade_timestamp", "lastTradeTimestamp"), ("recovery_price", "recoveryPrice"),
    ("conversion_ratio", "conversionRatio"), ("lot_size", "lotSize"),
    ("strike_price", "strikePrice"), ("last_close_price", "lastClosePrice"),
    ("cur_price", "curPrice"), ("price_change_val", "priceChangeVal"),
    ("change_rate", "changeRate"), ("status", "status"), ("bid_price", "bidPrice"),
    ("ask_price", "askPrice"), ("bid_vol", "bidVol"), ("ask_vol", "askVol"), ("volume", "volume"),
    ("turnover", "turnover"), ("score", "score"), ("premium", "premium"),
    ("break_even_point", "breakEvenPoint"), ("leverage", "leverage"), ("ipop", "ipop"),
    ("price_recovery_ratio", "priceRecoveryRatio"), ("conversion_price", "conversionPrice"),
    ("street_rate", "streetRate"), ("street_vol", "streetVol"), ("amplitude", "amplitude"),
    ("name", "name"), ("issue_size", "issueSize"), ("high_price", "highPrice"),
    ("low_price", "lowPrice"), ("implied_volatility", "impliedVolatility"), ("delta", "delta"),
    ("effective_leverage", "effectiveLeverage"), ("upper_strike_price", "upperStrikePrice"),
    ("lower_strike_price", "lowerStrikePrice"), ("inline_price_status", "inLinePriceStatus"),
]
_WARRANT_ENUMS = {"status": WarrantStatus.to_string2, "inline_price_status": PriceType.to_string2}


def warrant_row(item: Any) -> Row:
    row: Row = {"stock": code_of(item.stock), "stock_owner": code_of(item.owner),
                "type": _opt(item, "type", WrtType.to_string2),
                "issuer": _opt(item, "issuer", Issuer.to_string2),
                "maturity_time": item.maturityTime}
    for key, field in _WARRANT_PRESENT:
        if item.HasField(field):
            value = getattr(item, field)
            conv = _WARRANT_ENUMS.get(key)
            row[key] = conv(value) if conv else value
    return row


# -- reference lists ----------------------------------------------------------------
FUTURE_INFO_COLUMNS = ["code", "name", "owner", "exchange", "type", "size", "size_unit",
                       "price_currency", "price_unit", "min_change", "min_change_unit",
                       "trade_time", "time_zone", "last_trade_time", "exchange_format_url",
                       "origin_code"]


def _clock_label(minutes: float) -> str:
    # futu-api formats the minute offsets through time.localtime as "%M:%S"
    return time.strftime("%M:%S", time.localtime(minutes))


def future_trade_time(ranges: Iterable[Any]) -> str:
    parts = []
    for span in ranges:
        previous_day = span.begin < 0
        begin = _clock_label(24 * 60 + span.begin if previous_day else span.begin)
        end = _clock_label(abs(span.end))
        parts.append(f"({begin}{'(T-1)' if previous_day else ''} - {end})")
    return ", ".join(parts)


def future_info_row(item: Any) -> Row:
    return {"name": item.name, "code": code_of(item.security),
            "last_trade_time": item.lastTradeTime,
            "owner": code_of(item.owner) if item.HasField("owner") else item.ownerOther,
            "exchange": item.exchange, "type": item.contractType, "size": item.contractSize,
            "size_unit": item.contractSizeUnit, "price_currency": item.quoteCurrency,
            "price_unit": item.quoteUnit, "min_change": item.minVar,
            "min_change_unit": item.minVarUnit, "trade_time": future_trade_time(item.tradeTime),
            "time_zone": item.timeZone, "exchange_format_url": item.exchangeFormatUrl,
            "origin_code": code_of(item.origin)}


# -- IPO -------------------------------------------------------------------------
# (column, field, required): required fields are read even when unset
_IPO_BASIC = [("code", "security", True), ("name", "name", True), ("list_time", "listTime", False),
              ("list_timestamp", "listTimestamp", False)]
_IPO_BLOCKS: list[tuple[str, list[tuple[str, str, bool]]]] = [
    ("cnExData", [("apply_code", "applyCode", True), ("issue_size", "issueSize", True),
                  ("online_issue_size", "onlineIssueSize", True),
                  ("apply_upper_limit", "applyUpperLimit", True),
                  ("apply_limit_market_value", "applyLimitMarketValue", True),
                  ("is_estimate_ipo_price", "isEstimateIpoPrice", True),
                  ("ipo_price", "ipoPrice", True), ("industry_pe_rate", "industryPeRate", True),
                  ("is_estimate_winning_ratio", "isEstimateWinningRatio", True),
                  ("winning_ratio", "winningRatio", True), ("issue_pe_rate", "issuePeRate", True),
                  ("apply_time", "applyTime", False), ("apply_timestamp", "applyTimestamp", False),
                  ("winning_time", "winningTime", False),
                  ("winning_timestamp", "winningTimestamp", False),
                  ("is_has_won", "isHasWon", True), ("winning_num_data", "winningNumData", True)]),
    ("hkExData", [("ipo_price_min", "ipoPriceMin", True), ("ipo_price_max", "ipoPriceMax", True),
                  ("list_price", "listPrice", True), ("lot_size", "lotSize", True),
                  ("entrance_price", "entrancePrice", True),
                  ("is_subscribe_status", "isSubscribeStatus", True),
                  ("apply_end_time", "applyEndTime", False),
                  ("apply_end_timestamp", "applyEndTimestamp", False)]),
    ("usExData", [("ipo_price_min", "ipoPriceMin", True), ("ipo_price_max", "ipoPriceMax", True),
                  ("issue_size", "issueSize", True)]),
    ("sgExData", [("ipo_price_min", "ipoPriceMin", True), ("ipo_price_max", "ipoPriceMax", True),
                  ("issue_size", "issueSize", True),
                  ("apply_start_time", "applyStartTime", False),
                  ("apply_start_timestamp", "applyStartTimestamp", False),
                  ("apply_end_time", "applyEndTime", False),
                  ("apply_end_timestamp", "applyEndTimestamp", False),
                  ("winning_time", "winningTime", False),
                  ("winning_timestamp", "winningTimestamp", False)]),
    ("myExData", [("offer_price", "offerPrice", True), ("issue_size", "issueSize", True),
                  ("apply_start_time", "applyStartTime", False),
                  ("apply_start_timestamp", "applyStartTimestamp", False),
                  ("apply_end_time", "applyEndTime", False),
                  ("apply_end_timestamp", "applyEndTimestamp", False),
                  ("winning_time", "winningTime", False),
                  ("winning_timestamp", "winningTimestamp", False)]),
    ("jpExData", [("ipo_price_min", "ipoPriceMin", True), ("ipo_price_max", "ipoPriceMax", True),
                  ("issue_size", "issueSize", True)]),
]
IPO_COLUMNS = list(dict.fromkeys([c for c, _, _ in _IPO_BASIC] +
                                 [c for _, block in _IPO_BLOCKS for c, _, _ in block]))


def _winning_numbers(items: Iterable[Any]) -> str:
    return "\n".join(f"{i.winningName}:{i.winningInfo}" for i in items).rstrip()


_IPO_CONV = {"security": code_of, "winningNumData": _winning_numbers}


def _fill(row: Row, pb: Any, fields: list[tuple[str, str, bool]]) -> None:
    # a column an earlier block already filled (not 'N/A') keeps its value
    for column, field, required in fields:
        if row.get(column) not in (None, NA):
            continue
        conv = _IPO_CONV.get(field)
        if required or pb.HasField(field):
            value = getattr(pb, field)
            row[column] = conv(value) if conv else value
        else:
            row[column] = NA


def ipo_row(item: Any) -> Row:
    row: Row = {}
    _fill(row, item.basic, _IPO_BASIC)
    for group, fields in _IPO_BLOCKS:
        if item.HasField(group):
            _fill(row, getattr(item, group), fields)
        else:
            for column, _, _ in fields:
                if row.get(column) in (None, NA):
                    row[column] = NA
    return row


# -- personalisation ----------------------------------------------------------------
PRICE_REMINDER_COLUMNS = ["code", "name", "key", "reminder_type", "reminder_freq", "value",
                          "enable", "note", "reminder_session_list"]


def price_reminder_rows(s2c: Any) -> list[Row]:
    rows = []
    for reminder in s2c.priceReminderList:
        code, name = code_of(reminder.security), _opt(reminder, "name")
        for item in reminder.itemList:
            rows.append({
                "code": code, "name": name, "key": item.key,
                "reminder_type": _opt(item, "type", PriceReminderType.to_string2),
                "reminder_freq": _opt(item, "freq", PriceReminderFreq.to_string2),
                "value": item.value, "enable": item.isEnable, "note": item.note,
                "reminder_session_list": [PriceReminderMarketStatus.to_string2(s)
                                          for s in item.reminderSessionList],
            })
    return rows


def price_reminder_push(s2c: Any) -> Row:
    """Qot_UpdatePriceReminder S2C -> the PriceReminderHandlerBase dict."""
    return {"code": code_of(s2c.security), "name": _opt(s2c, "name"), "price": s2c.price,
            "change_rate": s2c.changeRate,
            "market_status": _opt(s2c, "marketStatus", PriceReminderMarketStatus.to_string2),
            "content": s2c.content, "note": s2c.note, "key": s2c.key,
            "reminder_type": _opt(s2c, "type", PriceReminderType.to_string2),
            "set_value": s2c.setValue, "cur_value": s2c.curValue}


GROUP_COLUMNS = ["group_name", "group_type"]


def group_row(item: Any) -> Row:
    return {"group_name": item.groupName,
            "group_type": _opt(item, "groupType", UserSecurityGroupType.to_string2)}


MARKET_STATE_COLUMNS = ["code", "stock_name", "market_state"]


def market_state_row(item: Any) -> Row:
    return {"code": code_of(item.security), "stock_name": item.name,
            "market_state": _opt(item, "marketState", MarketState.to_string2)}


def trading_days(s2c: Any) -> list[Row]:
    return [{"time": d.time, "trade_date_type": TradeDateType.to_string2(d.tradeDateType)}
            for d in s2c.tradeDateList if d.time]
