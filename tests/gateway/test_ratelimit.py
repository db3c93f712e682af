"""Rate-limit semantics (docs L12134-L12136, L175-L177)."""

import pytest

from openfutu.gateway.ratelimit import RateLimitExceeded, RateRule, SlidingWindowLimit


def test_burst_then_wait_30_seconds():
    # docs L175-L177: snapshot 60 per 30 s, 60 in a burst then a 30 s pause
    limit = SlidingWindowLimit(RateRule(60, what="get_market_snapshot"))
    for i in range(60):
        limit.check("user", 100.0 + i * 0.001)
    with pytest.raises(RateLimitExceeded, match="60 requests per 30 seconds"):
        limit.check("user", 129.0)
    limit.check("user", 130.0)  # the 61st is 30 s after the 1st


def test_steady_rate_is_never_refused():
    # one every 0.5 s is exactly 60 per 30 s
    limit = SlidingWindowLimit(RateRule(60))
    for i in range(300):
        limit.check("user", i * 0.5)


def test_refused_requests_do_not_count_and_keys_are_separate():
    limit = SlidingWindowLimit(RateRule(2, 30.0))
    limit.check("a", 0.0)
    limit.check("a", 1.0)
    for t in (2.0, 10.0, 29.9):
        with pytest.raises(RateLimitExceeded):
            limit.check("a", t)
    limit.check("b", 2.0)
    limit.check("a", 30.0)
    assert limit.remaining("a", 30.0) == 0


def test_minimum_interval():
    # docs L9147: place_order 15 per 30 s and 0.02 s apart
    limit = SlidingWindowLimit(RateRule(15, 30.0, min_interval=0.02, what="place_order"))
    limit.check(1, 0.0)
    with pytest.raises(RateLimitExceeded, match="0.02 seconds apart") as info:
        limit.check(1, 0.01)
    assert info.value.retry_after == pytest.approx(0.01)
    limit.check(1, 0.02)


def test_retry_after_and_validation():
    limit = SlidingWindowLimit(RateRule(15, 30.0, min_interval=0.02))
    for k in range(15):
        limit.check(1, 100.0 + k * 0.025)
    assert limit.retry_after(1, 101.0) == pytest.approx(29.0)
    limit.check(1, 130.0)
    with pytest.raises(ValueError):
        limit.check(1, 129.0)  # time went backwards
    with pytest.raises(ValueError):
        RateRule(0)


def test_documented_trade_limits_table():
    from openfutu.gateway.ratelimit import TRADE_RATE_RULES as rules

    assert (rules["place_order"].max_requests, rules["place_order"].min_interval) == (15, 0.02)  # docs L9147
    assert (rules["modify_order"].max_requests, rules["modify_order"].min_interval) == (20, 0.04)  # docs L9302
    assert rules["unlock_trade"].max_requests == 10  # docs L8539
    assert rules["get_acc_cash_flow"].max_requests == 20  # docs L9028
    for name in ("accinfo_query", "position_list_query", "order_list_query", "deal_list_query",
                 "acctradinginfo_query", "history_order_list_query", "history_deal_list_query",
                 "order_fee_query", "get_margin_ratio"):
        assert (rules[name].max_requests, rules[name].window_seconds) == (10, 30.0), name
