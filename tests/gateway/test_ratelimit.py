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
