"""Per-function request limits of the trade API.

"At most n per 30 s" means request k and request k+n must be at least 30 s
apart (docs L12134-L12136): a sliding window over the last n accepted
requests.  Time is always passed in; nothing here reads a clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass


class SlidingWindowLimit:
    """Admit at most ``max_requests`` per ``window_seconds`` and, optionally,
    requests no closer than ``min_interval`` seconds to the previous one."""

    __slots__ = ("max_requests", "window_seconds", "min_interval", "_times")

    def __init__(self, max_requests: int, window_seconds: float, min_interval: float = 0.0) -> None:
        if max_requests <= 0 or window_seconds <= 0 or min_interval < 0:
            raise ValueError("max_requests and window_seconds must be positive, min_interval >= 0")
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self.min_interval = min_interval
        self._times: deque[float] = deque()

    def retry_after(self, now: float) -> float:
        """Seconds to wait before a request at ``now`` would be admitted (0 = now)."""
        wait = 0.0
        if self._times:
            wait = max(wait, self._times[-1] + self.min_interval - now)
        if len(self._times) >= self.max_requests:
            # The request n places back must be a full window old.
            wait = max(wait, self._times[-self.max_requests] + self.window_seconds - now)
        return max(wait, 0.0)

    def try_acquire(self, now: float) -> bool:
        """Record a request at ``now`` if admitted; a refused one is not recorded."""
        if self._times and now < self._times[-1]:
            raise ValueError("time went backwards")
        if self.retry_after(now) > 0:
            return False
        self._times.append(now)
        while len(self._times) > self.max_requests:
            self._times.popleft()
        return True


@dataclass(frozen=True, slots=True)
class TradeLimitRule:
    function: str
    max_requests: int
    window_seconds: float
    min_interval: float = 0.0
    per: str = "acc_id"  # "acc_id" or "user"
    only_when_refreshing: bool = False


#: Documented limits of the trade functions (each number cites its docs line).
TRADE_LIMITS: dict[str, TradeLimitRule] = {
    r.function: r
    for r in (
        TradeLimitRule("unlock_trade", 10, 30.0, per="user"),  # docs L8539
        TradeLimitRule("accinfo_query", 10, 30.0, only_when_refreshing=True),  # docs L8677-L8678
        TradeLimitRule("acctradinginfo_query", 10, 30.0),  # docs L8759
        TradeLimitRule("position_list_query", 10, 30.0, only_when_refreshing=True),  # docs L8865-L8866
        TradeLimitRule("get_margin_ratio", 10, 30.0, per="user"),  # docs L8942
        TradeLimitRule("get_acc_cash_flow", 20, 30.0),  # docs L9028
        TradeLimitRule("place_order", 15, 30.0, min_interval=0.02),  # docs L9147
        TradeLimitRule("modify_order", 20, 30.0, min_interval=0.04),  # docs L9302 (also cancel_all_order)
        TradeLimitRule("order_list_query", 10, 30.0, only_when_refreshing=True),  # docs L9419-L9420
        TradeLimitRule("history_order_list_query", 10, 30.0),  # docs L9535
        TradeLimitRule("order_fee_query", 10, 30.0),  # docs L9694
        TradeLimitRule("deal_list_query", 10, 30.0, only_when_refreshing=True),  # docs L9780
        TradeLimitRule("history_deal_list_query", 10, 30.0),  # docs L9881
    )
}


class TradeRateLimits:
    """One SlidingWindowLimit per (function, account or user)."""

    def __init__(self, rules: dict[str, TradeLimitRule] | None = None) -> None:
        self.rules = dict(TRADE_LIMITS if rules is None else rules)
        self._windows: dict[tuple[str, Hashable], SlidingWindowLimit] = {}

    def try_acquire(self, function: str, key: Hashable, now: float, refreshing: bool = True) -> bool:
        """True if the call is admitted.  ``key`` is the acc_id or user ID."""
        rule = self.rules.get(function)
        if rule is None or (rule.only_when_refreshing and not refreshing):
            return True
        window = self._windows.get((function, key))
        if window is None:
            window = SlidingWindowLimit(rule.max_requests, rule.window_seconds, rule.min_interval)
            self._windows[(function, key)] = window
        return window.try_acquire(now)
