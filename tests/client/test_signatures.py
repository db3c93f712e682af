"""Every quote method and request class has futu-api's parameters, in order,
with the same defaults (so keyword and positional calls port unchanged)."""

from __future__ import annotations

import inspect

import pytest

futu = pytest.importorskip("futu")

import openfutu.client as of  # noqa: E402
from openfutu.client.aio import AsyncQuoteContext  # noqa: E402

QUOTE_METHODS = sorted(
    name for name in dir(of.OpenQuoteContext)
    if not name.startswith("_") and callable(getattr(of.OpenQuoteContext, name))
    and hasattr(futu.OpenQuoteContext, name) and name != "close")


def _params(fn: object) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()][1:]


def test_the_documented_quote_functions_are_all_there() -> None:
    documented = {
        "subscribe", "unsubscribe", "unsubscribe_all", "query_subscription",
        "get_market_snapshot", "get_stock_quote", "get_order_book", "get_cur_kline",
        "get_rt_data", "get_rt_ticker", "get_broker_queue", "get_market_state",
        "get_capital_flow", "get_capital_distribution", "get_owner_plate",
        "request_history_kline", "get_rehab", "get_option_expiration_date", "get_option_chain",
        "get_warrant", "get_referencestock_list", "get_future_info", "get_stock_filter",
        "get_plate_stock", "get_plate_list", "get_stock_basicinfo", "get_ipo_list",
        "get_global_state", "request_trading_days", "get_history_kl_quota",
        "set_price_reminder", "get_price_reminder", "get_user_security_group",
        "get_user_security", "modify_user_security",
    }
    assert documented <= set(QUOTE_METHODS)


@pytest.mark.parametrize("name", QUOTE_METHODS)
def test_quote_method_signature_equals_futu_api(name: str) -> None:
    assert _params(getattr(of.OpenQuoteContext, name)) == \
        _params(getattr(futu.OpenQuoteContext, name))


@pytest.mark.parametrize("name", [n for n in QUOTE_METHODS
                                  if n not in ("set_handler", "start", "stop",
                                               "get_sync_conn_id", "get_async_conn_id",
                                               "get_login_user_id", "is_encrypt",
                                               "set_sync_query_connect_timeout")])
def test_async_method_has_the_same_parameters(name: str) -> None:
    assert _params(getattr(AsyncQuoteContext, name)) == \
        _params(getattr(of.OpenQuoteContext, name))


@pytest.mark.parametrize("name", ["SimpleFilter", "AccumulateFilter", "FinancialFilter",
                                  "PatternFilter", "CustomIndicatorFilter", "WarrantRequest"])
def test_request_objects_have_futu_api_attributes_and_defaults(name: str) -> None:
    ours, theirs = getattr(of, name)(), getattr(futu, name)()
    names = set(vars(ours)) | set(vars(theirs))  # futu-api keeps some as class attributes
    assert {n: getattr(ours, n) for n in names} == {n: getattr(theirs, n) for n in names}


def test_option_data_filter_defaults() -> None:
    assert vars(of.OptionDataFilter(delta_min=0.2)) == vars(futu.OptionDataFilter(delta_min=0.2))
    assert _params(of.OptionDataFilter.__init__) == _params(futu.OptionDataFilter.__init__)
