"""Delay statistics served by GetDelayStatistics (1007): what this gateway
measured of its own request handling."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class ReplyDelay:
    count: int = 0
    total_seconds: float = 0.0

    @property
    def average_ms(self) -> float:
        return self.total_seconds * 1000.0 / self.count if self.count else 0.0


class DelayStatistics:
    """Per-protocol request handling time. Everything is answered locally,
    so OpenD cost and total cost are the same and network delay is zero."""

    def __init__(self) -> None:
        self.replies: dict[int, ReplyDelay] = {}

    def record_reply(self, proto_id: int, seconds: float) -> None:
        entry = self.replies.get(proto_id)
        if entry is None:
            entry = self.replies[proto_id] = ReplyDelay()
        entry.count += 1
        entry.total_seconds += seconds

    def reset(self) -> None:
        self.replies.clear()
