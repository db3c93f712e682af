"""Request objects of the screening functions: the stock-filter conditions
(get_stock_filter), the warrant request (get_warrant) and the option-chain
data filter (get_option_chain), with futu-api's attribute names, defaults
and error texts; plus FilterStockData, one row of a stock-filter result."""

from __future__ import annotations

import math
from typing import Any

from openfutu.protocol.pb import Qot_GetWarrant_pb2

from . import parsing
from .constants import ERROR_STR_PREFIX, RET_ERROR, RET_OK
from .enums import (
    FinancialQuarter,
    IpoPeriod,
    Issuer,
    KLType,
    PriceType,
    RelativePosition,
    SortDir,
    SortField,
    StockField,
    WarrantStatus,
    WrtType,
)

Filled = tuple[int, str]
MISSING = "Missing nessary parameters: "  # futu-api's spelling, kept verbatim


def _field_number(field: object, begin: int, label: str = "Stock_field") -> int | str:
    """StockField string -> the number inside its group, or an error text."""
    ok, number = StockField.to_number(field)
    if not ok:
        return f"{label} is wrong. It must be StockField"
    return int(number) - begin


def _range_and_sort(flt: Any, pb: Any) -> str | None:
    # the bounds are only sent when the user explicitly asked for filtering
    if flt.is_no_filter is False:
        pb.isNoFilter = False
        if flt.filter_min is not None:
            pb.filterMin = flt.filter_min
        if flt.filter_max is not None:
            pb.filterMax = flt.filter_max
    if flt.sort is not None:
        ok, number = SortDir.to_number(flt.sort)
        if not ok:
            return "Sort is wrong. It must be SortDir"
        pb.sortDir = number
    return None


class SimpleFilter:
    """A condition on a simple property (price, market value, ...)."""

    def __init__(self) -> None:
        self.stock_field: str = StockField.NONE
        self.filter_min: float | None = None
        self.filter_max: float | None = None
        self.sort: str | None = None
        self.is_no_filter: bool | None = None

    def fill_request_pb(self, filter_req: Any) -> Filled:
        if self.stock_field == StockField.NONE:
            return RET_ERROR, MISSING + "stock_field"
        number = _field_number(self.stock_field, StockField.simple_enum_begin)
        if isinstance(number, str):
            return RET_ERROR, number
        filter_req.fieldName = number
        error = _range_and_sort(self, filter_req)
        return (RET_ERROR, error) if error else (RET_OK, "")

    @property
    def query_key(self) -> Any:
        return self.stock_field.lower()


class AccumulateFilter:
    """A condition on a property accumulated over ``days`` (change rate, volume, ...)."""

    def __init__(self) -> None:
        self.stock_field: str = StockField.NONE
        self.filter_min: float | None = None
        self.filter_max: float | None = None
        self.sort: str | None = None
        self.is_no_filter: bool | None = None
        self.days: int = 1

    def fill_request_pb(self, filter_req: Any) -> Filled:
        if self.stock_field == StockField.NONE:
            return RET_ERROR, MISSING + "stock_field"
        number = _field_number(self.stock_field, StockField.acc_enum_begin)
        if isinstance(number, str):
            return RET_ERROR, number
        filter_req.fieldName = number
        filter_req.days = self.days
        error = _range_and_sort(self, filter_req)
        return (RET_ERROR, error) if error else (RET_OK, "")

    @property
    def query_key(self) -> Any:
        return self.stock_field.lower(), self.days


class FinancialFilter:
    """A condition on a financial-report property for one reporting period."""

    def __init__(self) -> None:
        self.stock_field: str = StockField.NONE
        self.filter_min: float | None = None
        self.filter_max: float | None = None
        self.sort: str | None = None
        self.is_no_filter: bool | None = None
        self.quarter: str = FinancialQuarter.ANNUAL

    def fill_request_pb(self, filter_req: Any) -> Filled:
        if self.stock_field == StockField.NONE:
            return RET_ERROR, MISSING + "stock_field"
        number = _field_number(self.stock_field, StockField.financial_enum_begin)
        if isinstance(number, str):
            return RET_ERROR, number
        filter_req.fieldName = number
        ok, quarter = FinancialQuarter.to_number(self.quarter)
        if not ok:
            return RET_ERROR, "Quarter is wrong. It must be FinancialQuarter"
        filter_req.quarter = quarter
        error = _range_and_sort(self, filter_req)
        return (RET_ERROR, error) if error else (RET_OK, "")

    @property
    def query_key(self) -> Any:
        return self.stock_field.lower(), self.quarter.lower()


class PatternFilter:
    """A technical pattern (e.g. MA alignment) on one K-line period."""

    def __init__(self) -> None:
        self.stock_field: str = StockField.NONE
        self.ktype: str = KLType.NONE
        self.is_no_filter: bool | None = None
        self.consecutive_period: int | None = None

    def fill_request_pb(self, filter_req: Any) -> Filled:
        if self.stock_field == StockField.NONE:
            return RET_ERROR, MISSING + "stock_field"
        number = _field_number(self.stock_field, StockField.pattern_enum_begin)
        if isinstance(number, str):
            return RET_ERROR, number
        filter_req.fieldName = number
        if self.ktype == KLType.NONE:
            return RET_ERROR, MISSING + "ktype"
        ok, kl_type = KLType.to_number(self.ktype)
        if not ok:
            return RET_ERROR, "Ktype is wrong. It must be KLType"
        filter_req.klType = kl_type
        if self.is_no_filter is False:
            filter_req.isNoFilter = False
        if self.consecutive_period is not None:
            filter_req.consecutivePeriod = self.consecutive_period
        return RET_OK, ""


# indicator fields whose period is part of the name (no parameters in the key)
_FIXED_PERIOD_FIELDS = ("MA5", "MA10", "MA20", "MA30", "MA60", "MA120", "MA250", "EMA5", "EMA10",
                        "EMA20", "EMA30", "EMA60", "EMA120", "EMA250", "PRICE")
# default indicator parameters futu-api assumes when none are given
_DEFAULT_PARAMS: dict[str, list[int]] = {
    **{f: [9, 3, 3] for f in ("KDJ_K", "KDJ_D", "KDJ_J")},
    **{f: [12, 26, 9] for f in ("MACD_DIFF", "MACD_DEA", "MACD")},
    **{f: [20, 2] for f in ("BOLL_UPPER", "BOLL_MIDDLER", "BOLL_LOWER")},
}


def _indicator_key(field: str, params: list[Any], ktype: str) -> tuple[str, ...]:
    if field in _FIXED_PERIOD_FIELDS or not params:
        return field.lower(), ktype.lower()
    if len(params) <= 3:
        return field.lower(), ",".join(str(p) for p in params), ktype.lower()
    return ()


def _indicator_label(field: str, params: list[Any]) -> str | None:
    if field in _FIXED_PERIOD_FIELDS or not params:
        return field.lower()
    if len(params) == 1:
        return f"{field.lower()}{params[0]}"
    if len(params) <= 3:
        return f"{field.lower()}({','.join(str(p) for p in params)})"
    return None


class CustomIndicatorFilter:
    """Compare two technical indicators (or one with a value) on one K-line period."""

    def __init__(self) -> None:
        self.stock_field1: str = StockField.NONE
        self.stock_field2: str = StockField.NONE
        self.relative_position: str = RelativePosition.NONE
        self.value: float | None = None
        self.ktype: str = KLType.NONE
        self.is_no_filter: bool | None = None
        self.stock_field1_para: list[Any] = []
        self.stock_field2_para: list[Any] = []
        self.consecutive_period: int | None = None

    def fill_request_pb(self, filter_req: Any) -> Filled:
        begin = StockField.indicator_enum_begin
        for attr, pb_name, label in (("stock_field1", "firstFieldName", "Stock_field1"),
                                     ("stock_field2", "secondFieldName", "Stock_field2")):
            field = getattr(self, attr)
            if field == StockField.NONE:
                return RET_ERROR, MISSING + attr
            number = _field_number(field, begin, label)
            if isinstance(number, str):
                return RET_ERROR, number
            setattr(filter_req, pb_name, number)
        if self.relative_position == RelativePosition.NONE:
            return RET_ERROR, MISSING + "relative_position"
        ok, position = RelativePosition.to_number(self.relative_position)
        if not ok:
            return RET_ERROR, "Relative_position is wrong. It must be RelativePosition"
        filter_req.relativePosition = position
        if self.value is not None:
            filter_req.fieldValue = self.value
        if self.ktype == KLType.NONE:
            return RET_ERROR, MISSING + "ktype"
        ok, kl_type = KLType.to_number(self.ktype)
        if not ok:
            return RET_ERROR, "Ktype is wrong. It must be KLType" + "Wrong"
        filter_req.klType = kl_type
        if self.is_no_filter is False:
            filter_req.isNoFilter = False
        for attr, pb_list in (("stock_field1_para", filter_req.firstFieldParaList),
                              ("stock_field2_para", filter_req.secondFieldParaList)):
            params = getattr(self, attr)
            if params is None:
                params = []
                setattr(self, attr, params)
            if not isinstance(params, list):
                return RET_ERROR, ERROR_STR_PREFIX + f"the type of {attr} is wrong"
            pb_list.extend(params)
        if self.consecutive_period is not None:
            filter_req.consecutivePeriod = self.consecutive_period
        return RET_OK, ""

    @property
    def query_key1(self) -> tuple[str, ...]:
        return _indicator_key(self.stock_field1, self.stock_field1_para, self.ktype)

    @property
    def query_key2(self) -> tuple[str, ...]:
        return _indicator_key(self.stock_field2, self.stock_field2_para, self.ktype)


FILTER_TYPES = (SimpleFilter, AccumulateFilter, FinancialFilter, PatternFilter,
                CustomIndicatorFilter)


class FilterStockData:
    """One stock of a get_stock_filter result: ``stock_code``, ``stock_name``
    and one attribute per returned value, keyed as futu-api keys them
    (``data[simple_filter]`` looks a value up by its filter)."""

    def __init__(self, rsp_item: Any) -> None:
        self.stock_code = parsing.code_of(rsp_item.security)
        self.stock_name = rsp_item.name
        values = self.__dict__
        for item in rsp_item.baseDataList:
            ok, field = StockField.to_string(item.fieldName + StockField.simple_enum_begin)
            if ok:
                values[field.lower()] = item.value
        for item in rsp_item.accumulateDataList:
            ok, field = StockField.to_string(item.fieldName + StockField.acc_enum_begin)
            if ok:
                values[(field.lower(), item.days)] = item.value
        for item in rsp_item.financialDataList:
            ok, field = StockField.to_string(item.fieldName + StockField.financial_enum_begin)
            ok_q, quarter = FinancialQuarter.to_string(item.quarter)
            if ok and ok_q:
                values[(field.lower(), quarter.lower())] = item.value
        for item in rsp_item.customIndicatorDataList:
            ok, field = StockField.to_string(item.fieldName + StockField.indicator_enum_begin)
            ok_k, kl_type = KLType.to_string(item.klType)
            if not (ok and ok_k):
                continue
            params = list(item.fieldParaList)
            if 1 <= len(params) <= 3:
                values[(field.lower(), ",".join(str(p) for p in params), kl_type.lower())] = item.value
            else:
                values[(field.lower(), kl_type.lower())] = item.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FilterStockData) and self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        parts = []
        for key, value in self.__dict__.items():
            if value is None:
                continue
            if isinstance(key, tuple) and len(key) > 2 and key[2]:
                label = f"{key[0]}{key[1]}({key[2]})" if "," not in key[1] \
                    else f"{key[0]}({key[1]})({key[2]})"
            elif isinstance(key, tuple):
                label = f"{key[0]}({key[1]})"
            else:
                label = str(key)
            parts.append(f" {label}:{value} ")
        return "".join(parts)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (SimpleFilter, FinancialFilter, AccumulateFilter)):
            return self.__dict__[key.query_key]
        if isinstance(key, CustomIndicatorFilter):
            for attr, field in (("stock_field1_para", key.stock_field1),
                                ("stock_field2_para", key.stock_field2)):
                if field in _DEFAULT_PARAMS and not getattr(key, attr):
                    setattr(key, attr, list(_DEFAULT_PARAMS[field]))
            label1 = _indicator_label(key.stock_field1, key.stock_field1_para)
            label2 = None if key.stock_field2 == StockField.VALUE else \
                _indicator_label(key.stock_field2, key.stock_field2_para)
            if key.consecutive_period is not None and key.consecutive_period > 0:
                # consecutive-period screens return no indicator values
                if key.stock_field2 == StockField.VALUE or key.stock_field1 == StockField.RSI:
                    return {label1: math.nan}
                if key.stock_field2 == StockField.RSI:
                    return {label2: math.nan}
                return {label1: math.nan, label2: math.nan}
            first = self.__dict__[key.query_key1]
            if key.stock_field2 == StockField.VALUE:
                return {label1: first}
            return {label1: first, label2: self.__dict__[key.query_key2]}
        raise KeyError(f"Unknown key: {key}")


class WarrantRequest:
    """The conditions of get_warrant (futu-api exports it as WarrantRequest)."""

    def __init__(self) -> None:
        self.begin = 0
        self.num = 200  # at most 200 per request, docs L4014
        self.sort_field: str = SortField.CODE
        self.ascend = True
        self.stock_owner: str | None = None
        self.type_list: list[str] = []
        self.issuer_list: list[str] = []
        self.maturity_time_min: str | None = None
        self.maturity_time_max: str | None = None
        self.ipo_period: str | None = None
        self.price_type: str | None = None
        self.status: str | None = None
        self.cur_price_min: float | None = None
        self.cur_price_max: float | None = None
        self.strike_price_min: float | None = None
        self.strike_price_max: float | None = None
        self.street_min: float | None = None
        self.street_max: float | None = None
        self.conversion_min: float | None = None
        self.conversion_max: float | None = None
        self.vol_min: int | None = None
        self.vol_max: int | None = None
        self.premium_min: float | None = None
        self.premium_max: float | None = None
        self.leverage_ratio_min: float | None = None
        self.leverage_ratio_max: float | None = None
        self.delta_min: float | None = None
        self.delta_max: float | None = None
        self.implied_min: float | None = None
        self.implied_max: float | None = None
        self.recovery_price_min: float | None = None
        self.recovery_price_max: float | None = None
        self.price_recovery_ratio_min: float | None = None
        self.price_recovery_ratio_max: float | None = None

    # python attribute -> Qot_GetWarrant.C2S field, sent when not None
    _RANGES = (("cur_price_min", "curPriceMin"), ("cur_price_max", "curPriceMax"),
               ("strike_price_min", "strikePriceMin"), ("strike_price_max", "strikePriceMax"),
               ("street_min", "streetMin"), ("street_max", "streetMax"),
               ("conversion_min", "conversionMin"), ("conversion_max", "conversionMax"),
               ("vol_min", "volMin"), ("vol_max", "volMax"),
               ("premium_min", "premiumMin"), ("premium_max", "premiumMax"),
               ("leverage_ratio_min", "leverageRatioMin"), ("leverage_ratio_max", "leverageRatioMax"),
               ("delta_min", "deltaMin"), ("delta_max", "deltaMax"),
               ("implied_min", "impliedMin"), ("implied_max", "impliedMax"),
               ("recovery_price_min", "recoveryPriceMin"), ("recovery_price_max", "recoveryPriceMax"),
               ("price_recovery_ratio_min", "priceRecoveryRatioMin"),
               ("price_recovery_ratio_max", "priceRecoveryRatioMax"))

    def fill_request_pb(self) -> tuple[int, Any]:
        """(RET_OK, Qot_GetWarrant.Request) or (RET_ERROR, message)."""
        pb = Qot_GetWarrant_pb2.Request()
        c2s = pb.c2s
        c2s.begin = self.begin
        c2s.num = self.num
        ok, sort_field = SortField.to_number(self.sort_field)
        if not ok:
            return RET_ERROR, "sort_field is wrong. must be SortField"
        c2s.sortField = sort_field
        if type(self.ascend) is not bool:
            return RET_ERROR, "ascend is wrong. must be bool"
        c2s.ascend = self.ascend
        if self.stock_owner:
            split = parsing.split_code(self.stock_owner)
            if isinstance(split, str):
                return RET_ERROR, split
            c2s.owner.market, c2s.owner.code = split
        if self.type_list is not None and not isinstance(self.type_list, list):
            self.type_list = [self.type_list]
        if self.issuer_list is not None and not isinstance(self.issuer_list, list):
            self.issuer_list = [self.issuer_list]
        for wrt_type in self.type_list or []:
            ok, number = WrtType.to_number(wrt_type)
            if not ok:
                return RET_ERROR, "type_list is wrong. must be [WrtType]"
            c2s.typeList.append(number)
        for issuer in self.issuer_list or []:
            ok, number = Issuer.to_number(issuer)
            if not ok:
                return RET_ERROR, "issuer_list is wrong. must be [Issuer]"
            c2s.issuerList.append(number)
        if self.maturity_time_min is not None:
            if not isinstance(self.maturity_time_min, str) or not self.maturity_time_min:
                return RET_ERROR, "maturity_time_min is wrong. must be str. eg:2018-02-05"
            c2s.maturityTimeMin = self.maturity_time_min
        if self.maturity_time_max:
            if not isinstance(self.maturity_time_max, str):
                return RET_ERROR, "maturity_time_max is wrong. must be str. eg:2018-02-10"
            c2s.maturityTimeMax = self.maturity_time_max
        for attr, enum, label in (("ipo_period", IpoPeriod, "IpoPeriod"),
                                  ("price_type", PriceType, "PriceType"),
                                  ("status", WarrantStatus, "WarrantStatus")):
            value = getattr(self, attr)
            if value is None:
                continue
            ok, number = enum.to_number(value)
            if not ok:
                return RET_ERROR, f"{attr} is wrong. must be {label}"
            setattr(c2s, {"ipo_period": "ipoPeriod", "price_type": "priceType",
                          "status": "status"}[attr], number)
        for attr, pb_name in self._RANGES:
            value = getattr(self, attr)
            # -1 means "no bound" for the volume range (futu-api convention)
            if value is None or (attr in ("vol_min", "vol_max") and value == -1):
                continue
            setattr(c2s, pb_name, value)
        return RET_OK, pb


class OptionDataFilter:
    """Greeks / open-interest / volume bounds of get_option_chain."""

    FIELDS = (("implied_volatility", "impliedVolatility"), ("delta", "delta"), ("gamma", "gamma"),
              ("vega", "vega"), ("theta", "theta"), ("rho", "rho"),
              ("net_open_interest", "netOpenInterest"), ("open_interest", "openInterest"),
              ("vol", "vol"))

    def __init__(self, implied_volatility_min: float | None = None,
                 implied_volatility_max: float | None = None, delta_min: float | None = None,
                 delta_max: float | None = None, gamma_min: float | None = None,
                 gamma_max: float | None = None, vega_min: float | None = None,
                 vega_max: float | None = None, theta_min: float | None = None,
                 theta_max: float | None = None, rho_min: float | None = None,
                 rho_max: float | None = None, net_open_interest_min: float | None = None,
                 net_open_interest_max: float | None = None, open_interest_min: float | None = None,
                 open_interest_max: float | None = None, vol_min: float | None = None,
                 vol_max: float | None = None) -> None:
        given = dict(locals())
        for name, _ in self.FIELDS:
            for bound in ("min", "max"):
                setattr(self, f"{name}_{bound}", given[f"{name}_{bound}"])

    def fill(self, pb: Any) -> None:
        for name, pb_name in self.FIELDS:
            for bound, suffix in (("min", "Min"), ("max", "Max")):
                value = getattr(self, f"{name}_{bound}")
                if value is not None:
                    setattr(pb, pb_name + suffix, value)
