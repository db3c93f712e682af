"""Request-rate limits with the docs' meaning of "at most n per 30 s": the
1st and the (n+1)-th request must be at least 30 s apart, i.e. a sliding
window over the last n accepted requests (docs L12134-L12136); some trade
requests also need a minimum gap between two of them (docs L9147, L9302).

Times are seconds on the market clock, passed in by the caller; a refused
request is not counted.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Hashable


@dataclass(frozen=True, slots=True)
class RateRule:
    max_requests: int
    window_seconds: float = 30.0
    min_interval: float = 0.0
    what: str = "this API"

    def __post_init__(self) -> None:
        if self.max_requests <= 0 or self.window_seconds <= 0 or self.min_interval < 0:
            raise ValueError("max_requests and window_seconds must be positive, min_interval >= 0")

    def describe(self) -> str:
        text = f"at most {self.max_requests} requests per {self.window_seconds:g} seconds"
        if self.min_interval:
            text += f" and {self.min_interval:g} seconds apart"
        return f"{text} for {self.what}"


class RateLimitExceeded(Exception):
    def __init__(self, rule: RateRule, retry_after: float) -> None:
        super().__init__(
            f"request rate too high: {rule.describe()}; retry in {max(retry_after, 0.0):.2f} s"
        )
        self.rule = rule
        self.retry_after = retry_after


class SlidingWindowLimit:
    """One rule applied per key (per user, per account ...)."""

    def __init__(self, rule: RateRule) -> None:
        self.rule = rule
        self._accepted: dict[Hashable, deque[float]] = {}

    def retry_after(self, key: Hashable, now: float) -> float:
        """Seconds until a request at ``now`` would be admitted (0 = now)."""
        rule = self.rule
        times = self._accepted.get(key)
        if not times:
            return 0.0
        wait = 0.0
        if rule.min_interval and now - times[-1] < rule.min_interval:
            wait = rule.min_interval - (now - times[-1])
        if len(times) == rule.max_requests and now - times[0] < rule.window_seconds:
            # the request n places back must be a full window old
            wait = max(wait, rule.window_seconds - (now - times[0]))
        return wait

    def check(self, key: Hashable, now: float) -> None:
        """Count a request at ``now`` or raise RateLimitExceeded."""
        times = self._accepted.setdefault(key, deque(maxlen=self.rule.max_requests))
        if times and now < times[-1]:
            raise ValueError("time went backwards")
        wait = self.retry_after(key, now)
        if wait > 0:
            raise RateLimitExceeded(self.rule, wait)
        times.append(now)

    def remaining(self, key: Hashable, now: float) -> int:
        times = self._accepted.get(key, ())
        in_window = sum(1 for t in times if now - t < self.rule.window_seconds)
        return self.rule.max_requests - in_window


#: Documented limits of the trade functions, keyed by Futu API function name.
#: Keys are acc_id unless the docs say per user ID; the four queries marked
#: "refreshing" count only calls with refresh_cache=True (trade-apis.md §0.9).
TRADE_RATE_RULES: dict[str, RateRule] = {
    "unlock_trade": RateRule(10, what="unlock_trade"),  # docs L8539, per user ID
    "accinfo_query": RateRule(10, what="accinfo_query"),  # docs L8677-L8678, refreshing
    "acctradinginfo_query": RateRule(10, what="acctradinginfo_query"),  # docs L8759
    "position_list_query": RateRule(10, what="position_list_query"),  # docs L8865-L8866, refreshing
    "get_margin_ratio": RateRule(10, what="get_margin_ratio"),  # docs L8942, per user ID
    "get_acc_cash_flow": RateRule(20, what="get_acc_cash_flow"),  # docs L9028
    "place_order": RateRule(15, min_interval=0.02, what="place_order"),  # docs L9147
    "modify_order": RateRule(20, min_interval=0.04, what="modify_order/cancel_all_order"),  # docs L9302
    "order_list_query": RateRule(10, what="order_list_query"),  # docs L9419-L9420, refreshing
    "history_order_list_query": RateRule(10, what="history_order_list_query"),  # docs L9535
    "order_fee_query": RateRule(10, what="order_fee_query"),  # docs L9694
    "deal_list_query": RateRule(10, what="deal_list_query"),  # docs L9780, refreshing
    "history_deal_list_query": RateRule(10, what="history_deal_list_query"),  # docs L9881
}
