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

    def check(self, key: Hashable, now: float) -> None:
        """Count a request at ``now`` or raise RateLimitExceeded."""
        rule = self.rule
        times = self._accepted.setdefault(key, deque(maxlen=rule.max_requests))
        if times and rule.min_interval and now - times[-1] < rule.min_interval:
            raise RateLimitExceeded(rule, rule.min_interval - (now - times[-1]))
        if len(times) == rule.max_requests and now - times[0] < rule.window_seconds:
            raise RateLimitExceeded(rule, rule.window_seconds - (now - times[0]))
        times.append(now)

    def remaining(self, key: Hashable, now: float) -> int:
        times = self._accepted.get(key, ())
        in_window = sum(1 for t in times if now - t < self.rule.window_seconds)
        return self.rule.max_requests - in_window
