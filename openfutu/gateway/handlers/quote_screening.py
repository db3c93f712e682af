"""Conditional stock screening: StockFilter 3215 (get_stock_filter).

Maps the request's five filter lists to openfutu.market.screener and the
screen's rows back to StockData; the screen itself lives in the market
package.  Rules: 10 requests per 30 s (docs L4498), at most 200 rows per page
(docs L4499); the screener checks the per-filter rules.
"""

from __future__ import annotations

import asyncio

from enum import IntEnum
from typing import Any, TypeVar

from openfutu.market.fundamentals import FinancialField, FinancialQuarter
from openfutu.market.klines import KLType
from openfutu.market.model import MARKET_BY_PREFIX, QotMarket
from openfutu.market.screener import (
    AccumulateField,
    AccumulateFilter,
    FinancialFilter,
    IndicatorField,
    IndicatorFilter,
    PatternFilter,
    RelativePosition,
    ScreenError,
    ScreenRequest,
    ScreenResult,
    SimpleFilter,
    SortDir,
    StockField,
    StockScreener,
)
from openfutu.protocol.pb import Qot_StockFilter_pb2

from ..dispatch import ApiError, RequestContext, handles
from ..ratelimit import RateRule
from .quote_userdata import code_of, user_key

STOCK_FILTER_RATE = RateRule(10, 30.0, what="get_stock_filter")  # docs L4498
# Markets the screener covers: HK, US and the A-share market (SH/SZ alike).
SCREEN_MARKETS = (QotMarket.HK_SECURITY, QotMarket.US_SECURITY, QotMarket.CNSH_SECURITY,
                  QotMarket.CNSZ_SECURITY)

E = TypeVar("E", bound=IntEnum)


def _enum(kind: type[E], value: int, what: str) -> E:
    try:
        member = kind(value)
    except ValueError:
        raise ApiError(f"unknown {what} {value}") from None
    return member


def _opt(msg: Any, name: str) -> Any:
    return getattr(msg, name) if msg.HasField(name) else None


def _sort(msg: Any) -> SortDir:
    return _enum(SortDir, msg.sortDir, "sortDir") if msg.HasField("sortDir") else SortDir.NONE


def request_of(c2s: Qot_StockFilter_pb2.C2S) -> ScreenRequest:
    """The domain request of a StockFilter C2S; bad enum values are ApiErrors."""
    market = _enum(QotMarket, c2s.market, "market")
    if market not in SCREEN_MARKETS:
        raise ApiError(f"stock filter does not support market {c2s.market}")
    plate = code_of(c2s.plate) if c2s.HasField("plate") else None
    simple = tuple(
        SimpleFilter(_enum(StockField, f.fieldName, "stock field"), _opt(f, "filterMin"),
                     _opt(f, "filterMax"), _opt(f, "isNoFilter"), _sort(f))
        for f in c2s.baseFilterList)
    accumulate = tuple(
        AccumulateFilter(_enum(AccumulateField, f.fieldName, "accumulate field"), f.days,
                         _opt(f, "filterMin"), _opt(f, "filterMax"), _opt(f, "isNoFilter"), _sort(f))
        for f in c2s.accumulateFilterList)
    financial = tuple(
        FinancialFilter(_enum(FinancialField, f.fieldName, "financial field"),
                        _enum(FinancialQuarter, f.quarter, "financial quarter"),
                        _opt(f, "filterMin"), _opt(f, "filterMax"), _opt(f, "isNoFilter"), _sort(f))
        for f in c2s.financialFilterList)
    patterns = tuple(
        PatternFilter(f.fieldName, _enum(KLType, f.klType, "klType"), _opt(f, "isNoFilter"),
                      _opt(f, "consecutivePeriod"))
        for f in c2s.patternFilterList)
    indicators = tuple(
        IndicatorFilter(_enum(IndicatorField, f.firstFieldName, "indicator field"),
                        _enum(RelativePosition, f.relativePosition, "relativePosition"),
                        _enum(IndicatorField, f.secondFieldName, "indicator field"),
                        _enum(KLType, f.klType, "klType"),
                        tuple(f.firstFieldParaList), tuple(f.secondFieldParaList),
                        _opt(f, "fieldValue"), _opt(f, "isNoFilter"), _opt(f, "consecutivePeriod"))
        for f in c2s.customIndicatorFilterList)
    return ScreenRequest(market, plate, c2s.begin, c2s.num, simple, accumulate, financial,
                         patterns, indicators)


def fill_result(s2c: Qot_StockFilter_pb2.S2C, result: ScreenResult) -> None:
    s2c.lastPage = result.last_page
    s2c.allCount = result.all_count
    for row in result.rows:
        item = s2c.dataList.add()
        prefix, _, code = row.code.partition(".")
        item.security.market = int(MARKET_BY_PREFIX.get(prefix, QotMarket.UNKNOWN))
        item.security.code = code
        item.name = row.name
        for sf, value in row.simple.items():
            item.baseDataList.add(fieldName=int(sf), value=value)
        for (af, days), value in row.accumulate.items():
            item.accumulateDataList.add(fieldName=int(af), value=value, days=days)
        for (ff, quarter), value in row.financial.items():
            item.financialDataList.add(fieldName=int(ff), value=value, quarter=int(quarter))
        for iv in row.indicators:
            data = item.customIndicatorDataList.add(fieldName=int(iv.field), value=iv.value,
                                                    klType=int(iv.kl_type))
            data.fieldParaList.extend(iv.params)


def screener_of(services: Any) -> StockScreener:
    return services.component("stock_screener", lambda s: StockScreener(s.market))  # type: ignore[no-any-return]


@handles(3215)
async def stock_filter(ctx: RequestContext, c2s: Qot_StockFilter_pb2.C2S) -> Qot_StockFilter_pb2.S2C:
    services = ctx.gateway.services
    services.check_rate(STOCK_FILTER_RATE, user_key(ctx))
    req = request_of(c2s)
    screener = screener_of(services)
    try:
        # A whole-market screen takes a while: run it off the event loop so
        # other connections' requests and pushes keep flowing.
        result = await asyncio.to_thread(screener.screen, req, services.clock.now())
    except ScreenError as err:
        raise ApiError(str(err)) from None
    s2c = Qot_StockFilter_pb2.S2C()
    fill_result(s2c, result)
    return s2c
