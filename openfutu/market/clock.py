"""The market's clock: real time, or virtual time that starts where the
user says, runs at a chosen speed, and can be paused, stepped and set.

All market behaviour reads time from a Clock, never from the system, so a
virtual clock replays any day at any hour deterministically.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

UTC = dt.timezone.utc


@runtime_checkable
class Clock(Protocol):
    """Something that tells the market's current instant."""

    def now(self) -> dt.datetime:
        """Current instant as an aware datetime in UTC."""
        ...


class RealClock:
    """Wall-clock time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def __repr__(self) -> str:
        return "RealClock()"


def _utc(at: dt.datetime, what: str) -> dt.datetime:
    if not isinstance(at, dt.datetime):
        raise TypeError(f"{what} must be a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware: {at.isoformat()}")
    return at.astimezone(UTC)


class VirtualClock:
    """Virtual time from ``start``, running at ``speed`` virtual seconds per
    real second (0: it moves only by ``advance``/``set``).

    ``monotonic`` is the real-time source (seconds); tests inject their own
    so that no test sleeps. Time never goes backwards: ``set`` to an
    earlier instant and negative steps are refused.
    """

    def __init__(self, start: dt.datetime, speed: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        speed = float(speed)
        if not speed >= 0 or speed == float("inf"):
            raise ValueError(f"speed must be a finite number >= 0, got {speed}")
        self._base = _utc(start, "start")
        self._speed = speed
        self._monotonic = monotonic
        self._origin = monotonic()
        self._paused = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "paused" if self._paused else f"x{self._speed:g}"
        return f"VirtualClock({self.now().isoformat()}, {state})"

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def _now_locked(self) -> dt.datetime:
        if self._paused or self._speed == 0:
            return self._base
        elapsed = (self._monotonic() - self._origin) * self._speed
        return self._base + dt.timedelta(seconds=max(elapsed, 0.0))

    def _rebase(self, at: dt.datetime) -> None:
        self._base = at
        self._origin = self._monotonic()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now_locked()

    def advance(self, step: float | dt.timedelta) -> dt.datetime:
        """Move forward by ``step`` (seconds or a timedelta); returns the new time."""
        delta = step if isinstance(step, dt.timedelta) else dt.timedelta(seconds=float(step))
        if delta < dt.timedelta(0):
            raise ValueError(f"a clock only moves forward, got a step of {delta}")
        with self._lock:
            self._rebase(self._now_locked() + delta)
            return self._base

    def set(self, at: dt.datetime) -> dt.datetime:
        """Jump to ``at`` (aware); ValueError when that is in the past."""
        target = _utc(at, "at")
        with self._lock:
            current = self._now_locked()
            if target < current:
                raise ValueError(f"a clock only moves forward: {target.isoformat()} < {current.isoformat()}")
            self._rebase(target)
            return self._base

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on (time so far is kept)."""
        speed = float(speed)
        if not speed >= 0 or speed == float("inf"):
            raise ValueError(f"speed must be a finite number >= 0, got {speed}")
        with self._lock:
            self._rebase(self._now_locked())
            self._speed = speed

    def pause(self) -> None:
        """Stop the clock where it is (advance/set still move it)."""
        with self._lock:
            if not self._paused:
                self._rebase(self._now_locked())
                self._paused = True

    def resume(self) -> None:
        """Run again from the paused instant."""
        with self._lock:
            if self._paused:
                self._paused = False
                self._rebase(self._base)
