"""Trading calendars: trading days, the sessions of a day and market states.

Two layers:
- ``ExchangeHolidays``: which dates trade and which close early, from
  exchange_calendars inside the years the library knows, and outside them
  from a documented fallback rule (weekdays minus that exchange's fixed-date
  holidays; see ``_FALLBACK_HOLIDAYS``);
- ``SessionCalendar``: our own session layer on top: auctions, lunch breaks,
  US pre-market / after-hours / overnight, futures day and night sessions,
  and the market state (Qot_Common.QotMarketState) at any instant.

Conventions (Futu's, docs L12240-L12300):
- a futures night session belongs to the NEXT trading day: the JP table
  gives NIGHT_OPEN as "16:30 (T-1) - 05:30" (docs L12296), HKEX books its
  after-hours (T+1) session to the next business day, SGX names it "T+1";
- the US overnight session 20:00-04:00 ET belongs to the trading day it ends
  on (docs L12270, "OVERNIGHT 20:00 - 04:00 (T+1)"); it runs Sunday to
  Thursday evenings (docs L9161);
- the instant a state begins belongs to that state (half-open intervals).

Every session time here is the exchange's current timetable; historical
timetable changes (e.g. HKEX's 10:00 open before 2011) are not modelled.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from openfutu.market.model import Instrument, MarketState, QotMarket, SecurityType

UTC = dt.timezone.utc
_T = dt.time
_ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------- vocabulary


class TradingMarket(StrEnum):
    """A market with its own timetable (GetGlobalState reports one state each)."""

    HK = "HK"
    HK_FUTURE = "HK_FUTURE"
    US = "US"
    US_FUTURE = "US_FUTURE"
    SH = "SH"
    SZ = "SZ"
    SG = "SG"
    SG_FUTURE = "SG_FUTURE"
    JP = "JP"
    JP_FUTURE = "JP_FUTURE"
    MY = "MY"


class ProductClass(StrEnum):
    """Products of one market that keep different hours (docs L12240-L12300
    give HK options and US options their own rows)."""

    SECURITY = "SECURITY"  # stocks, ETFs, warrants, indices; futures on *_FUTURE markets
    OPTION = "OPTION"  # HK stock/index options (day only), US equity options
    INDEX_OPTION = "INDEX_OPTION"  # US index options (SPX, NDX, VIX ...): night and trade-at-last


class SessionKind(Enum):
    """A phase of a trading day in which orders are taken."""

    PRE_OPEN_AUCTION = "PRE_OPEN_AUCTION"  # HK securities / futures pre-opening, SG/JP/MY pre-open
    CALL_AUCTION = "CALL_AUCTION"  # A-share opening call auction
    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"
    CLOSING_AUCTION = "CLOSING_AUCTION"  # HK CAS, A-share closing call auction
    PRE_MARKET = "PRE_MARKET"  # US
    REGULAR = "REGULAR"  # US regular hours; US futures' Globex session
    AFTER_HOURS = "AFTER_HOURS"  # US
    OVERNIGHT = "OVERNIGHT"  # US stocks 20:00-04:00 ET
    NIGHT = "NIGHT"  # futures night session; US index options' global trading hours
    DAY = "DAY"  # futures day session


@dataclass(frozen=True, slots=True)
class Session:
    """One session of a trading day: [start, end), aware datetimes in the
    exchange's zone. ``continuous`` marks regular continuous trading, the
    time price bars are made of."""

    kind: SessionKind
    start: dt.datetime
    end: dt.datetime
    continuous: bool = False

    def contains(self, at: dt.datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class _Phase:
    """A market state over [start, end); end None = until the next trading
    day's first phase."""

    state: MarketState
    start: dt.datetime
    end: dt.datetime | None


@dataclass(frozen=True, slots=True)
class _DayPlan:
    sessions: tuple[Session, ...]
    phases: tuple[_Phase, ...]

    @property
    def start(self) -> dt.datetime:
        return self.phases[0].start


# --------------------------------------------------------------------------- holidays

# Fixed-date holidays applied outside the library's years (month, day).
# Moveable feasts (Lunar New Year, Easter, Golden Week bridges ...) cannot be
# derived without the official yearly notice, so the fallback leaves them out.
_FALLBACK_HOLIDAYS: dict[str, frozenset[tuple[int, int]]] = {
    # HK public holidays on fixed dates
    "XHKG": frozenset({(1, 1), (5, 1), (7, 1), (10, 1), (12, 25), (12, 26)}),
    # New Year, Labour Day, National Day week (Oct 1-7)
    "XSHG": frozenset({(1, 1), (5, 1)} | {(10, d) for d in range(1, 8)}),
    "XNYS": frozenset({(1, 1), (7, 4), (12, 25)}),
    # New Year, Labour Day, National Day, Christmas
    "XSES": frozenset({(1, 1), (5, 1), (8, 9), (12, 25)}),
    # TSE year-end closure (Dec 31 - Jan 3) and fixed national holidays
    "XTKS": frozenset({(1, 1), (1, 2), (1, 3), (12, 31), (2, 11), (4, 29), (5, 3), (5, 4),
                       (5, 5), (11, 3), (11, 23)}),
    "XKLS": frozenset({(1, 1), (5, 1), (8, 31), (9, 16), (12, 25)}),
}

# Years asked of the library (clipped to what each calendar can build). XKLS
# holidays past 2029 thin out in the library's data, so it ends there.
_LIBRARY_FIRST = dt.date(1990, 1, 1)
_LIBRARY_LAST = {"XKLS": dt.date(2029, 12, 31)}
_LIBRARY_DEFAULT_LAST = dt.date(2049, 12, 31)


class ExchangeHolidays:
    """Trading days and early closes of one exchange.

    Inside [first_library_day, last_library_day] the answer comes from
    exchange_calendars; outside it a day trades iff it is a weekday and not
    one of the exchange's fixed-date holidays (``_FALLBACK_HOLIDAYS``).
    Early closes are known only inside the library's years.
    """

    def __init__(self, exchange: str) -> None:
        import pandas as pd

        self.exchange = exchange
        cls = _calendar_class(exchange)
        first = _LIBRARY_FIRST
        last = _LIBRARY_LAST.get(exchange, _LIBRARY_DEFAULT_LAST)
        lo, hi = cls.bound_min(), cls.bound_max()
        if lo is not None:
            first = max(first, pd.Timestamp(lo).date())
        if hi is not None:
            last = min(last, pd.Timestamp(hi).date())
        if exchange == "XSHG":  # its holidays are only recorded from 1991 on
            first = max(first, dt.date(1991, 1, 1))
        cal = cls(start=first.isoformat(), end=last.isoformat())
        self.timezone = ZoneInfo(str(cal.tz))
        sessions = [ts.date() for ts in cal.sessions]
        self.first_library_day: dt.date = sessions[0] if first < sessions[0] else first
        self.last_library_day: dt.date = last
        self._library_days = frozenset(d.toordinal() for d in sessions)
        # early closes: local close time on those days
        self._early: dict[int, dt.time] = {}
        closes = cal.closes
        for ts in cal.early_closes:
            close = closes.loc[ts].tz_convert(str(cal.tz))
            self._early[ts.date().toordinal()] = close.time()

    def in_library(self, day: dt.date) -> bool:
        return self.first_library_day <= day <= self.last_library_day

    def is_trading_day(self, day: dt.date) -> bool:
        if self.in_library(day):
            return day.toordinal() in self._library_days
        return day.weekday() < 5 and (day.month, day.day) not in _FALLBACK_HOLIDAYS[self.exchange]

    def early_close(self, day: dt.date) -> dt.time | None:
        """Local close time when ``day`` is a half day, else None."""
        return self._early.get(day.toordinal())


def _calendar_class(exchange: str) -> type:
    """exchange_calendars' class of ``exchange`` (its year bounds are class
    methods), without building the library's default 20-year instance."""
    import importlib

    try:
        module = importlib.import_module(f"exchange_calendars.exchange_calendar_{exchange.lower()}")
        return getattr(module, f"{exchange}ExchangeCalendar")  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        import exchange_calendars as xcals

        return type(xcals.get_calendar(exchange))


_holiday_lock = threading.Lock()
_holidays: dict[str, ExchangeHolidays] = {}


def exchange_holidays(exchange: str) -> ExchangeHolidays:
    """The (cached) trading days of ``exchange`` ("XHKG", "XNYS", ...)."""
    with _holiday_lock:
        hit = _holidays.get(exchange)
        if hit is None:
            if exchange not in _FALLBACK_HOLIDAYS:
                raise ValueError(f"no holiday rule for exchange {exchange!r}")
            hit = _holidays[exchange] = ExchangeHolidays(exchange)
        return hit


# --------------------------------------------------------------------------- timetables

# A timetable builds the plan of one trading day from the calendar.
_Timetable = Callable[["SessionCalendar", dt.date], _DayPlan]


def _at(cal: "SessionCalendar", day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, cal.timezone)


def _plan(sessions: Iterable[Session], phases: Iterable[tuple[MarketState, dt.datetime, dt.datetime | None]]
          ) -> _DayPlan:
    ss = tuple(sorted(sessions, key=lambda s: s.start))
    ps = tuple(_Phase(st, a, b) for st, a, b in phases if b is None or b > a)
    return _DayPlan(ss, ps)


def _hk_securities(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """HKEX securities. States and windows: docs L12245-L12253. Sessions
    (exchange rule): pre-opening 09:00-09:30 (order input to 09:15,
    no-cancel to 09:20, matching from 09:20), continuous 09:30-12:00 and
    13:00-16:00, closing auction session 16:00-16:10 (random close from
    16:08). Half days: morning only, CAS 12:00-12:10."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    close = cal.holidays.early_close(day)
    sessions = [Session(SessionKind.PRE_OPEN_AUCTION, h(_T(9, 0)), h(_T(9, 30))),
                Session(SessionKind.MORNING, h(_T(9, 30)), h(_T(12, 0)), True)]
    phases: list[tuple[MarketState, dt.datetime, dt.datetime | None]] = [
        (MarketState.NONE, h(_T(8, 55)), h(_T(9, 0))),  # docs L12245
        (MarketState.AUCTION, h(_T(9, 0)), h(_T(9, 20))),  # docs L12246
        (MarketState.WAITING_OPEN, h(_T(9, 20)), h(_T(9, 30))),  # docs L12247
        (MarketState.MORNING, h(_T(9, 30)), h(_T(12, 0))),  # docs L12248
    ]
    if close is not None and close <= _T(12, 0):
        cas = h(_T(12, 0))
    else:
        cas = h(_T(16, 0))
        sessions.append(Session(SessionKind.AFTERNOON, h(_T(13, 0)), cas, True))
        phases += [(MarketState.REST, h(_T(12, 0)), h(_T(13, 0))),  # docs L12249
                   (MarketState.AFTERNOON, h(_T(13, 0)), cas)]  # docs L12250
    sessions.append(Session(SessionKind.CLOSING_AUCTION, cas, cas + dt.timedelta(minutes=10)))
    # docs L12251: HK_CAS 16:00-16:08 (order input ends at the random-close start)
    phases.append((MarketState.HK_CAS, cas, cas + dt.timedelta(minutes=8)))
    return _plan(sessions, phases)


def _hk_options(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """HK options and day-only products: docs L12254-L12258 (no auctions)."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    close = cal.holidays.early_close(day)
    sessions = [Session(SessionKind.MORNING, h(_T(9, 30)), h(_T(12, 0)), True)]
    phases: list[tuple[MarketState, dt.datetime, dt.datetime | None]] = [
        (MarketState.NONE, h(_T(8, 55)), h(_T(9, 30))),  # docs L12254
        (MarketState.MORNING, h(_T(9, 30)), h(_T(12, 0))),  # docs L12255
    ]
    if close is None or close > _T(12, 0):
        sessions.append(Session(SessionKind.AFTERNOON, h(_T(13, 0)), h(_T(16, 0)), True))
        phases += [(MarketState.REST, h(_T(12, 0)), h(_T(13, 0))),  # docs L12256
                   (MarketState.AFTERNOON, h(_T(13, 0)), h(_T(16, 0)))]  # docs L12257
    return _plan(sessions, phases)


def _a_shares(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """SSE / SZSE. States and windows: docs L12282-L12289. Sessions (exchange
    rule): opening call auction 09:15-09:25, continuous 09:30-11:30 and
    13:00-14:57, closing call auction 14:57-15:00 (both exchanges). The
    continuous afternoon runs to 15:00 for price bars: the closing auction
    prints in the 15:00 minute, as in Futu's A-share minute K-lines."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    sessions = [Session(SessionKind.CALL_AUCTION, h(_T(9, 15)), h(_T(9, 25))),
                Session(SessionKind.MORNING, h(_T(9, 30)), h(_T(11, 30)), True),
                Session(SessionKind.AFTERNOON, h(_T(13, 0)), h(_T(15, 0)), True),
                Session(SessionKind.CLOSING_AUCTION, h(_T(14, 57)), h(_T(15, 0)))]
    phases = [
        (MarketState.NONE, h(_T(8, 55)), h(_T(9, 15))),  # docs L12282
        (MarketState.AUCTION, h(_T(9, 15)), h(_T(9, 25))),  # docs L12283
        (MarketState.WAITING_OPEN, h(_T(9, 25)), h(_T(9, 30))),  # docs L12284
        (MarketState.MORNING, h(_T(9, 30)), h(_T(11, 30))),  # docs L12286
        (MarketState.REST, h(_T(11, 30)), h(_T(13, 0))),  # docs L12287
        (MarketState.AFTERNOON, h(_T(13, 0)), h(_T(15, 0))),  # docs L12288
    ]
    return _plan(sessions, phases)


def _us_regular_end(cal: "SessionCalendar", day: dt.date) -> dt.time:
    return cal.holidays.early_close(day) or _T(16, 0)


def _us_securities(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """US stocks and ETFs (ET). States and windows: docs L12265-L12270:
    OVERNIGHT 20:00 (previous calendar day) - 04:00, PRE_MARKET_BEGIN
    04:00-09:30, AFTERNOON 09:30-16:00, AFTER_HOURS_BEGIN 16:00-20:00,
    AFTER_HOURS_END from 20:00 to 04:00 when no overnight session follows.
    Half days (exchange rule): regular to 13:00, after-hours to 17:00."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    eve = _at(cal, day - _ONE_DAY, _T(20, 0))
    close = _us_regular_end(cal, day)
    after_end = dt.datetime.combine(day, close, cal.timezone) + dt.timedelta(hours=4)
    regular_end = dt.datetime.combine(day, close, cal.timezone)
    sessions = [Session(SessionKind.OVERNIGHT, eve, h(_T(4, 0))),
                Session(SessionKind.PRE_MARKET, h(_T(4, 0)), h(_T(9, 30))),
                Session(SessionKind.REGULAR, h(_T(9, 30)), regular_end, True),
                Session(SessionKind.AFTER_HOURS, regular_end, after_end)]
    phases = [
        (MarketState.OVERNIGHT, eve, h(_T(4, 0))),  # docs L12270
        (MarketState.PRE_MARKET_BEGIN, h(_T(4, 0)), h(_T(9, 30))),  # docs L12265
        (MarketState.AFTERNOON, h(_T(9, 30)), regular_end),  # docs L12266, L720
        (MarketState.AFTER_HOURS_BEGIN, regular_end, after_end),  # docs L12267
        (MarketState.AFTER_HOURS_END, after_end, _at(cal, day + _ONE_DAY, _T(4, 0))),  # docs L12269
    ]
    return _plan(sessions, phases)


def _us_options(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """US equity options (docs L12271-L12276 give states, not times): they
    trade the regular session only (exchange rule 09:30-16:00 ET; half days
    to 13:00). NONE ('waiting for open') while the stocks' pre-market runs."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    end = dt.datetime.combine(day, _us_regular_end(cal, day), cal.timezone)
    sessions = [Session(SessionKind.REGULAR, h(_T(9, 30)), end, True)]
    phases = [(MarketState.NONE, h(_T(4, 0)), h(_T(9, 30))),  # docs L12271
              (MarketState.AFTERNOON, h(_T(9, 30)), end)]  # docs L12273
    return _plan(sessions, phases)


def _us_index_options(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """US index options (SPX, NDX, VIX ...). Cboe timetable (exchange rule,
    ET): global trading hours 20:15 (previous calendar day) - 09:25, regular
    09:30-16:15. Futu states (docs L12271-L12276): NIGHT for global trading
    hours, REST for the 09:25-09:30 pause, AFTERNOON for the regular session
    while the index is calculated (to 16:00), TRADE_AT_LAST for its last
    quarter hour after the index's close. The curb session is not modelled."""
    h = lambda t: _at(cal, day, t)  # noqa: E731
    stock_close = dt.datetime.combine(day, _us_regular_end(cal, day), cal.timezone)
    end = stock_close + dt.timedelta(minutes=15)
    night = _at(cal, day - _ONE_DAY, _T(20, 15))
    sessions = [Session(SessionKind.NIGHT, night, h(_T(9, 25))),
                Session(SessionKind.REGULAR, h(_T(9, 30)), end, True)]
    phases = [(MarketState.NIGHT, night, h(_T(9, 25))),  # docs L12275
              (MarketState.REST, h(_T(9, 25)), h(_T(9, 30))),  # docs L12272
              (MarketState.AFTERNOON, h(_T(9, 30)), stock_close),  # docs L12273
              (MarketState.TRADE_AT_LAST, stock_close, end)]  # docs L12274
    return _plan(sessions, phases)


@dataclass(frozen=True, slots=True)
class _FuturesHours:
    """Day/night futures timetable in local time. The night session runs on
    the evening of the previous trading day and belongs to this one."""

    night_wait: dt.time  # FUTURE_DAY_WAIT_FOR_OPEN starts
    night_open: dt.time
    night_close: dt.time  # next calendar morning
    day_open: dt.time
    day_close: dt.time
    lunch: tuple[dt.time, dt.time] | None = None
    night_pre_open: dt.time | None = None  # pre-opening auction before the night session
    day_pre_open: dt.time | None = None
    # minutes the day session runs past the securities market's early close
    early_close_lag: int | None = None
    # FUTURE_DAY_WAIT_FOR_OPEN also in the day pre-open (HK row, docs L12262)
    day_wait: bool = False


# HKEX index futures (HSI, MHI, HHI), exchange rule: pre-open 08:45-09:15,
# day 09:15-12:00 / 13:00-16:30, after-hours (T+1) pre-open 17:00-17:15 and
# session 17:15-03:00; half days to 12:30 with no after-hours session.
_HK_FUTURES = _FuturesHours(night_wait=_T(17, 0), night_open=_T(17, 15), night_close=_T(3, 0),
                            day_open=_T(9, 15), day_close=_T(16, 30), lunch=(_T(12, 0), _T(13, 0)),
                            night_pre_open=_T(17, 0), day_pre_open=_T(8, 45), early_close_lag=30,
                            day_wait=True)
# OSE Nikkei 225 futures, docs L12295-L12299 (JST): wait 16:25-16:30, night
# 16:30-05:30, day 08:45-15:15. Pre-opening auctions (exchange rule): 16:15
# before the night session, 08:00 before the day session.
_JP_FUTURES = _FuturesHours(night_wait=_T(16, 25), night_open=_T(16, 30), night_close=_T(5, 30),
                            day_open=_T(8, 45), day_close=_T(15, 15),
                            night_pre_open=_T(16, 15), day_pre_open=_T(8, 0))
# SGX FTSE China A50 futures, exchange rule (SGT): T session 09:00-16:35,
# T+1 session 17:00-05:15; the docs (L12290-L12294) give states only. We
# take the last 5 minutes before the night open as the wait, as on OSE.
_SG_FUTURES = _FuturesHours(night_wait=_T(16, 55), night_open=_T(17, 0), night_close=_T(5, 15),
                            day_open=_T(9, 0), day_close=_T(16, 35))


def _futures_timetable(hours: _FuturesHours) -> _Timetable:
    """States follow the JP row of docs L12295-L12299: WAIT_FOR_OPEN before
    the night session, NIGHT_OPEN, NIGHT_END until the day session (HK:
    until its pre-open, then WAIT_FOR_OPEN again, docs L12259-L12264),
    FUTURE_DAY_OPEN, FUTURE_DAY_BREAK over lunch (docs L6752), and
    FUTURE_DAY_CLOSE until the next night session."""

    def build(cal: SessionCalendar, day: dt.date) -> _DayPlan:
        h = lambda t: _at(cal, day, t)  # noqa: E731
        sessions: list[Session] = []
        phases: list[tuple[MarketState, dt.datetime, dt.datetime | None]] = []
        prev = cal.previous_trading_day(day)
        # no night session after a half day (exchange rule for HKEX)
        has_night = not (hours.early_close_lag is not None and cal.holidays.early_close(prev) is not None)
        day_open = h(hours.day_open)
        day_wait = h(hours.day_pre_open) if hours.day_wait and hours.day_pre_open is not None else day_open
        if has_night:
            wait = _at(cal, prev, hours.night_wait)
            n_open = _at(cal, prev, hours.night_open)
            n_close = _at(cal, prev + _ONE_DAY, hours.night_close)
            if hours.night_pre_open is not None:
                sessions.append(Session(SessionKind.PRE_OPEN_AUCTION, _at(cal, prev, hours.night_pre_open),
                                        n_open))
            sessions.append(Session(SessionKind.NIGHT, n_open, n_close, True))
            phases += [(MarketState.FUTURE_DAY_WAIT_FOR_OPEN, wait, n_open),  # docs L12295
                       (MarketState.NIGHT_OPEN, n_open, n_close),  # docs L12296
                       (MarketState.NIGHT_END, n_close, day_wait)]  # docs L12297
        if day_wait < day_open:
            phases.append((MarketState.FUTURE_DAY_WAIT_FOR_OPEN, day_wait, day_open))  # docs L12262
        if hours.day_pre_open is not None:
            sessions.append(Session(SessionKind.PRE_OPEN_AUCTION, h(hours.day_pre_open), day_open))
        close = h(hours.day_close)
        early = cal.holidays.early_close(day)
        if early is not None and hours.early_close_lag is not None:
            close = dt.datetime.combine(day, early, cal.timezone) + dt.timedelta(minutes=hours.early_close_lag)
        if hours.lunch is not None and h(hours.lunch[1]) < close:
            l0, l1 = h(hours.lunch[0]), h(hours.lunch[1])
            sessions += [Session(SessionKind.DAY, day_open, l0, True), Session(SessionKind.DAY, l1, close, True)]
            phases += [(MarketState.FUTURE_DAY_OPEN, day_open, l0),
                       (MarketState.FUTURE_DAY_BREAK, l0, l1),  # docs L6752
                       (MarketState.FUTURE_DAY_OPEN, l1, close)]
        else:
            sessions.append(Session(SessionKind.DAY, day_open, close, True))
            phases.append((MarketState.FUTURE_DAY_OPEN, day_open, close))  # docs L12298
        phases.append((MarketState.FUTURE_DAY_CLOSE, close, None))  # docs L12299
        return _plan(sessions, phases)

    return build


def _us_futures(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """CME Globex equity index futures (ES, NQ), exchange rule in ET: each
    trading day runs 18:00 on the previous calendar day to 17:00 (Sunday
    18:00 opens Monday), the daily 17:00-18:00 halt between days; on a
    securities half day it ends at 13:15 ET (12:15 CT).

    Futu's states (docs L12277-L12281, L6776-L6795; times not given), read as:
    FUTURE_OPEN for a session opening after a closure (weekend, holiday),
    FUTURE_BREAK for the daily halt, FUTURE_BREAK_OVER for a session that
    follows the halt, FUTURE_CLOSE after the last session before a closure,
    FUTURE_SWITCH_DATE ('waiting for open') in the hour before a session
    opens after a closure."""
    open_ = _at(cal, day - _ONE_DAY, _T(18, 0))
    early = cal.holidays.early_close(day)
    close = _at(cal, day, _T(13, 15) if early is not None else _T(17, 0))
    prev = cal.previous_trading_day(day)
    prev_close = _at(cal, prev, _T(13, 15) if cal.holidays.early_close(prev) is not None else _T(17, 0))
    after_halt = prev == day - _ONE_DAY and prev_close == open_ - dt.timedelta(hours=1)
    sessions = [Session(SessionKind.REGULAR, open_, close, True)]
    if after_halt:
        phases = [(MarketState.FUTURE_BREAK, open_ - dt.timedelta(hours=1), open_),  # docs L12279
                  (MarketState.FUTURE_BREAK_OVER, open_, close)]  # docs L12280, L723
    else:
        phases = [(MarketState.FUTURE_SWITCH_DATE, open_ - dt.timedelta(hours=1), open_),  # docs L12277
                  (MarketState.FUTURE_OPEN, open_, close)]  # docs L12278, L722
    phases.append((MarketState.FUTURE_CLOSE, close, None))  # docs L12281
    return _plan(sessions, phases)


def _continuous_day(pre_open: dt.time | None, open_: dt.time, lunch: tuple[dt.time, dt.time] | None,
                    close: dt.time, closing_auction: dt.time | None, source: str) -> _Timetable:
    """A securities day with optional pre-open, lunch and closing auction.
    States: AUCTION in the pre-open, MORNING before noon (or before lunch),
    REST over lunch, AFTERNOON after, as for HK and A-shares (docs L12246-
    L12250); ``source`` says where the hours come from."""

    def build(cal: SessionCalendar, day: dt.date) -> _DayPlan:
        h = lambda t: _at(cal, day, t)  # noqa: E731
        end = cal.holidays.early_close(day) or close
        sessions: list[Session] = []
        phases: list[tuple[MarketState, dt.datetime, dt.datetime | None]] = []
        if pre_open is not None:
            sessions.append(Session(SessionKind.PRE_OPEN_AUCTION, h(pre_open), h(open_)))
            phases.append((MarketState.AUCTION, h(pre_open), h(open_)))
        if lunch is not None and lunch[1] < end:
            sessions += [Session(SessionKind.MORNING, h(open_), h(lunch[0]), True),
                         Session(SessionKind.AFTERNOON, h(lunch[1]), h(end), True)]
            phases += [(MarketState.MORNING, h(open_), h(lunch[0])), (MarketState.REST, h(lunch[0]), h(lunch[1])),
                       (MarketState.AFTERNOON, h(lunch[1]), h(end))]
        else:
            noon = min(_T(12, 0), end)
            sessions.append(Session(SessionKind.MORNING if end <= _T(12, 0) else SessionKind.REGULAR,
                                    h(open_), h(end), True))
            phases += [(MarketState.MORNING, h(open_), h(noon)), (MarketState.AFTERNOON, h(noon), h(end))]
        if closing_auction is not None and end == close:
            sessions.append(Session(SessionKind.CLOSING_AUCTION, h(end), h(closing_auction)))
            phases.append((MarketState.CLOSE_AUCTION, h(end), h(closing_auction)))
        return _plan(sessions, phases)

    build.__doc__ = source
    return build


def _tse(cal: "SessionCalendar", day: dt.date) -> _DayPlan:
    """TSE (exchange rule): pre-opening 08:00-09:00, morning 09:00-11:30,
    afternoon 12:30-15:30 (15:00 before 2024-11-05)."""
    close = _T(15, 30) if day >= dt.date(2024, 11, 5) else _T(15, 0)
    return _continuous_day(_T(8, 0), _T(9, 0), (_T(11, 30), _T(12, 30)), close, None, "TSE")(cal, day)


# SGX securities (exchange rule): pre-open 08:30-09:00, continuous 09:00-17:00
# (no lunch break since 2011), pre-close 17:00-17:06.
_sgx = _continuous_day(_T(8, 30), _T(9, 0), None, _T(17, 0), _T(17, 6), "SGX")
# Bursa Malaysia (exchange rule): pre-open 08:30-09:00, 09:00-12:30,
# 14:30-16:45, pre-close 16:45-16:50 (trading-at-last not modelled).
_bursa = _continuous_day(_T(8, 30), _T(9, 0), (_T(12, 30), _T(14, 30)), _T(16, 45), _T(16, 50), "Bursa")


@dataclass(frozen=True, slots=True)
class _MarketSpec:
    exchange: str  # exchange_calendars code of its holidays
    timetable: _Timetable


_SPECS: dict[tuple[TradingMarket, ProductClass], _MarketSpec] = {
    (TradingMarket.HK, ProductClass.SECURITY): _MarketSpec("XHKG", _hk_securities),
    (TradingMarket.HK, ProductClass.OPTION): _MarketSpec("XHKG", _hk_options),
    (TradingMarket.HK_FUTURE, ProductClass.SECURITY): _MarketSpec("XHKG", _futures_timetable(_HK_FUTURES)),
    (TradingMarket.US, ProductClass.SECURITY): _MarketSpec("XNYS", _us_securities),
    (TradingMarket.US, ProductClass.OPTION): _MarketSpec("XNYS", _us_options),
    (TradingMarket.US, ProductClass.INDEX_OPTION): _MarketSpec("XNYS", _us_index_options),
    (TradingMarket.US_FUTURE, ProductClass.SECURITY): _MarketSpec("XNYS", _us_futures),
    (TradingMarket.SH, ProductClass.SECURITY): _MarketSpec("XSHG", _a_shares),
    (TradingMarket.SZ, ProductClass.SECURITY): _MarketSpec("XSHG", _a_shares),
    (TradingMarket.SG, ProductClass.SECURITY): _MarketSpec("XSES", _sgx),
    (TradingMarket.SG_FUTURE, ProductClass.SECURITY): _MarketSpec("XSES", _futures_timetable(_SG_FUTURES)),
    (TradingMarket.JP, ProductClass.SECURITY): _MarketSpec("XTKS", _tse),
    (TradingMarket.JP_FUTURE, ProductClass.SECURITY): _MarketSpec("XTKS", _futures_timetable(_JP_FUTURES)),
    (TradingMarket.MY, ProductClass.SECURITY): _MarketSpec("XKLS", _bursa),
}

_ZONES = {"XHKG": "Asia/Hong_Kong", "XNYS": "America/New_York", "XSHG": "Asia/Shanghai",
          "XSES": "Asia/Singapore", "XTKS": "Asia/Tokyo", "XKLS": "Asia/Kuala_Lumpur"}


# --------------------------------------------------------------------------- calendar


class SessionCalendar:
    """Trading days, sessions and market states of one market (and product).

    Day plans are cached per day; the exchange's holiday data is built on
    first use.
    """

    # a run of closed days longer than this is treated as a bad date (never happens)
    _MAX_CLOSED_RUN = 40

    def __init__(self, market: TradingMarket, product: ProductClass = ProductClass.SECURITY) -> None:
        spec = _SPECS.get((market, product))
        if spec is None:
            raise ValueError(f"no {product.value} timetable for market {market.value}")
        self.market = market
        self.product = product
        self.exchange = spec.exchange
        self._timetable = spec.timetable
        self.timezone = ZoneInfo(_ZONES[spec.exchange])
        self._holidays: ExchangeHolidays | None = None
        self._plans: dict[int, _DayPlan] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SessionCalendar({self.market.value}, {self.product.value})"

    @property
    def holidays(self) -> ExchangeHolidays:
        if self._holidays is None:
            self._holidays = exchange_holidays(self.exchange)
        return self._holidays

    # ------------------------------------------------------------- days

    def is_trading_day(self, day: dt.date) -> bool:
        return self.holidays.is_trading_day(_as_date(day))

    def trading_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Trading days in [start, end], oldest first."""
        start, end = _as_date(start), _as_date(end)
        is_open = self.holidays.is_trading_day
        n = (end - start).days + 1
        return [d for d in (start + dt.timedelta(days=i) for i in range(max(n, 0))) if is_open(d)]

    def next_trading_day(self, day: dt.date) -> dt.date:
        """The first trading day strictly after ``day``."""
        return self._step(_as_date(day), 1)

    def previous_trading_day(self, day: dt.date) -> dt.date:
        """The last trading day strictly before ``day``."""
        return self._step(_as_date(day), -1)

    def _step(self, day: dt.date, sign: int) -> dt.date:
        d = day
        for _ in range(self._MAX_CLOSED_RUN):
            d += dt.timedelta(days=sign)
            if self.holidays.is_trading_day(d):
                return d
        raise ValueError(f"no trading day within {self._MAX_CLOSED_RUN} days of {day}")

    # ------------------------------------------------------------- sessions

    def _plan_of(self, day: dt.date) -> _DayPlan | None:
        if not self.holidays.is_trading_day(day):
            return None
        key = day.toordinal()
        hit = self._plans.get(key)
        if hit is None:
            hit = self._timetable(self, day)
            with self._lock:
                if len(self._plans) > 20_000:  # decades of days: start afresh
                    self._plans.clear()
                self._plans[key] = hit
        return hit

    def sessions(self, day: dt.date) -> list[Session]:
        """Every session of trading day ``day`` in time order (auctions,
        extended hours, the night session belonging to it); [] on a holiday."""
        plan = self._plan_of(_as_date(day))
        return list(plan.sessions) if plan else []

    def continuous_sessions(self, day: dt.date) -> list[Session]:
        """Regular continuous trading of ``day``: what price bars are made of."""
        plan = self._plan_of(_as_date(day))
        return [s for s in plan.sessions if s.continuous] if plan else []

    # ------------------------------------------------------------- instants

    def _candidates(self, at: dt.datetime) -> list[dt.date]:
        """Trading days whose plan may cover ``at``, latest first."""
        local = _aware(at).astimezone(self.timezone).date()
        today = local if self.holidays.is_trading_day(local) else self.next_trading_day(local)
        return [self.next_trading_day(today), today, self.previous_trading_day(today)]

    def trading_day_of(self, at: dt.datetime) -> dt.date:
        """The trading day whose plan covers ``at`` (night sessions count for
        the next day); between plans, the next trading day."""
        days = self._candidates(at)
        later = days[0]
        for d in days:
            plan = self._plan_of(d)
            if plan is not None and plan.start <= at:
                covered = any(p.start <= at and (p.end is None or at < p.end) for p in plan.phases)
                return d if covered else later
            later = d
        return later

    def state_at(self, at: dt.datetime) -> MarketState:
        """Market state at instant ``at`` (aware datetime)."""
        at = _aware(at)
        for d in self._candidates(at):
            plan = self._plan_of(d)
            if plan is None or plan.start > at:
                continue
            for p in plan.phases:
                if p.start <= at and (p.end is None or at < p.end):
                    return p.state
            break
        return MarketState.CLOSED

    def session_at(self, at: dt.datetime) -> Session | None:
        """The session ``at`` falls in, or None between sessions."""
        at = _aware(at)
        for d in self._candidates(at):
            plan = self._plan_of(d)
            if plan is None:
                continue
            # the last session containing it: a closing auction overlapping
            # the continuous session's tail wins
            hits = [s for s in plan.sessions if s.start <= at < s.end]
            if hits:
                return max(hits, key=lambda s: s.start)
        return None

    def next_open(self, at: dt.datetime, *, continuous_only: bool = True) -> dt.datetime:
        """Start of the first session that begins after ``at``."""
        at = _aware(at)
        d = self._candidates(at)[-1]
        for _ in range(self._MAX_CLOSED_RUN):
            for s in (self.continuous_sessions(d) if continuous_only else self.sessions(d)):
                if s.start > at:
                    return s.start
            d = self.next_trading_day(d)
        raise ValueError(f"no session opens within {self._MAX_CLOSED_RUN} trading days of {at}")


def _as_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date, not a datetime")
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


def _aware(at: dt.datetime) -> dt.datetime:
    if not isinstance(at, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    return at


# --------------------------------------------------------------------------- lookups


@lru_cache(maxsize=None)
def calendar_for(market: TradingMarket, product: ProductClass = ProductClass.SECURITY) -> SessionCalendar:
    """The shared calendar of ``market`` (and product class)."""
    return SessionCalendar(TradingMarket(market), ProductClass(product))


_MARKET_OF_QOT: dict[QotMarket, TradingMarket] = {
    QotMarket.HK_SECURITY: TradingMarket.HK,
    QotMarket.HK_FUTURE: TradingMarket.HK,
    QotMarket.US_SECURITY: TradingMarket.US,
    QotMarket.CNSH_SECURITY: TradingMarket.SH,
    QotMarket.CNSZ_SECURITY: TradingMarket.SZ,
    QotMarket.SG_SECURITY: TradingMarket.SG,
    QotMarket.JP_SECURITY: TradingMarket.JP,
    QotMarket.MY_SECURITY: TradingMarket.MY,
}
_FUTURES_OF: dict[TradingMarket, TradingMarket] = {
    TradingMarket.HK: TradingMarket.HK_FUTURE,
    TradingMarket.US: TradingMarket.US_FUTURE,
    TradingMarket.SG: TradingMarket.SG_FUTURE,
    TradingMarket.JP: TradingMarket.JP_FUTURE,
}
# Cboe index option roots (exchange listings): they keep index-option hours.
_INDEX_OPTION_ROOTS = ("SPXW", "SPX", "NDXP", "NDX", "VIXW", "VIX", "XSP", "RUTW", "RUT", "DJX", "OEX", "XEO")


def trading_market_of(inst: Instrument) -> TradingMarket:
    """The market whose timetable ``inst`` trades on: futures go to the
    *_FUTURE market of their prefix ("HK.HSImain" -> HK_FUTURE)."""
    base = _MARKET_OF_QOT.get(inst.security.market)
    if base is None:
        raise ValueError(f"no trading calendar for {inst.code}")
    if inst.sec_type == SecurityType.FUTURE:
        fut = _FUTURES_OF.get(base)
        if fut is None:
            raise ValueError(f"no futures calendar for {inst.code}")
        return fut
    return base


def product_class_of(inst: Instrument) -> ProductClass:
    """Options keep their own hours (docs L12254, L12271)."""
    if inst.sec_type != SecurityType.DRVT:
        return ProductClass.SECURITY
    if inst.security.market == QotMarket.US_SECURITY:
        owner = inst.owner.code if inst.owner is not None else ""
        if owner.startswith(".") or inst.security.code.upper().startswith(_INDEX_OPTION_ROOTS):
            return ProductClass.INDEX_OPTION  # index codes are ".SPX"-style
        return ProductClass.OPTION
    if inst.security.market in (QotMarket.HK_SECURITY, QotMarket.HK_FUTURE):
        return ProductClass.OPTION
    return ProductClass.SECURITY


def calendar_of(inst: Instrument) -> SessionCalendar:
    """The calendar an instrument trades on (market and product class)."""
    market = trading_market_of(inst)
    product = product_class_of(inst)
    if (market, product) not in _SPECS:
        product = ProductClass.SECURITY
    return calendar_for(market, product)


def global_market_states(at: dt.datetime) -> dict[TradingMarket, MarketState]:
    """State of every market at ``at``: what GetGlobalState reports
    (marketHK, marketUS, marketSH, marketSZ, marketHKFuture, ...)."""
    at = _aware(at)
    return {m: calendar_for(m).state_at(at) for m in TradingMarket}
