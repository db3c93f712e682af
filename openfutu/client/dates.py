"""Date arguments of the quote functions, checked and completed the way
futu-api does it: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS', a missing bound
derived from the other one and a span of days, and the same error texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .constants import ERROR_STR_PREFIX

WRONG_TIME = ERROR_STR_PREFIX + "wrong time or time format"
_FMT = "%Y-%m-%d %H:%M:%S"


class DateArgumentError(ValueError):
    """A date argument futu-api would reject; str(exc) is its message."""


def parse_date_time(text: str, default_time: str = "00:00:00") -> dt.datetime:
    """'2026-01-05' (with ``default_time``) or '2026-01-05 10:00:00'."""
    full = text if ":" in text else f"{text} {default_time}"
    try:
        return dt.datetime.strptime(full, _FMT)
    except ValueError:
        raise DateArgumentError(WRONG_TIME) from None


def normalize_date_time(text: str, default_time: str = "00:00:00") -> str:
    return parse_date_time(text, default_time).strftime(_FMT)


@dataclass(frozen=True)
class DateRange:
    start: str
    end: str


def _at(day: dt.datetime, hms: str) -> dt.datetime:
    hour, minute, second = (int(part) for part in hms.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, second)


def date_range(start: object, end: object, span_days: int = 0, start_time: str = "00:00:00",
               end_time: str = "23:59:59", anchor_end_today: bool = True,
               date_only: bool = False, today: dt.datetime | None = None) -> DateRange:
    """Complete a (start, end) pair: a missing bound is ``span_days`` away from
    the given one; both missing means a span ending today (or, with
    ``anchor_end_today=False``, starting today). Raises DateArgumentError."""
    if start is not None and not isinstance(start, str):
        raise DateArgumentError(ERROR_STR_PREFIX + "the type of start param is wrong")
    if end is not None and not isinstance(end, str):
        raise DateArgumentError(ERROR_STR_PREFIX + "the type of end param is wrong")
    span = dt.timedelta(days=span_days)
    begin_at = parse_date_time(start, start_time) if start else None
    end_at = parse_date_time(end, end_time) if end else None
    if end_at is not None and begin_at is None:
        begin_at = _at(end_at - span, start_time)
    elif begin_at is not None and end_at is None:
        end_at = _at(begin_at + span, end_time)
    elif begin_at is None and end_at is None:
        now = today or dt.datetime.now()
        if anchor_end_today:
            end_at = _at(now, end_time)
            begin_at = _at(end_at - span, start_time)
        else:
            begin_at = _at(now, start_time)
            end_at = _at(begin_at + span, end_time)
    assert begin_at is not None and end_at is not None
    fmt = "%Y-%m-%d" if date_only else _FMT
    return DateRange(begin_at.strftime(fmt), end_at.strftime(fmt))
