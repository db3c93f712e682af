"""Trading calendars: holidays, half days, sessions, market states, fallback
years and the futures night session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from openfutu.market.calendars import (
    ProductClass,
    SessionKind,
    TradingMarket,
    calendar_for,
    calendar_of,
    global_market_states,
    product_class_of,
    trading_market_of,
)
from openfutu.market.model import Instrument, MarketState, QotMarket, SecurityCode, SecurityType
from openfutu.market.prices import SessionKind as PriceSessionKind
from openfutu.market.prices import _extended_kind

D = dt.date
HK, US, SH, SZ = TradingMarket.HK, TradingMarket.US, TradingMarket.SH, TradingMarket.SZ
HKF, USF, SGF, JPF = (TradingMarket.HK_FUTURE, TradingMarket.US_FUTURE, TradingMarket.SG_FUTURE,
                      TradingMarket.JP_FUTURE)


def local(market: TradingMarket, text: str, product: ProductClass = ProductClass.SECURITY) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=calendar_for(market, product).timezone)


def inst(code: str, sec_type: SecurityType = SecurityType.EQTY, owner: str | None = None,
         name: str = "x") -> Instrument:
    return Instrument(SecurityCode.parse(code), name, sec_type, 100, "HKD", D(2000, 1, 3), 10.0,
                      owner=SecurityCode.parse(owner) if owner else None)


def hm(sessions: list) -> list[tuple[str, str, str]]:
    return [(s.kind.name, s.start.strftime("%m-%d %H:%M"), s.end.strftime("%m-%d %H:%M")) for s in sessions]


# --------------------------------------------------------------------------- holidays


@pytest.mark.parametrize("market, day, open_", [
    (HK, D(2025, 1, 29), False),  # Lunar New Year
    (SH, D(2025, 1, 29), False),
    (SZ, D(2025, 1, 29), False),
    (US, D(2025, 1, 29), True),
    (US, D(2025, 7, 4), False),  # Independence Day
    (HK, D(2025, 7, 4), True),
    (USF, D(2025, 7, 4), False),  # futures keep their exchange's holidays
    (HKF, D(2025, 1, 29), False),
    (HK, D(2025, 3, 8), False),  # Saturday
    (JPF, D(2025, 1, 2), False),  # TSE year-end closure
])
def test_holidays(market: TradingMarket, day: dt.date, open_: bool) -> None:
    cal = calendar_for(market)
    assert cal.is_trading_day(day) is open_
    assert (cal.sessions(day) != []) is open_


def test_hk_half_day_has_morning_and_closing_auction_only() -> None:
    cal = calendar_for(HK)
    assert hm(cal.sessions(D(2024, 12, 24))) == [
        ("PRE_OPEN_AUCTION", "12-24 09:00", "12-24 09:30"),
        ("MORNING", "12-24 09:30", "12-24 12:00"),
        ("CLOSING_AUCTION", "12-24 12:00", "12-24 12:10"),
    ]
    assert cal.state_at(local(HK, "2024-12-24 12:05")) == MarketState.HK_CAS
    assert cal.state_at(local(HK, "2024-12-24 13:30")) == MarketState.CLOSED


def test_hk_full_day_sessions() -> None:
    cal = calendar_for(HK)
    assert hm(cal.sessions(D(2025, 3, 3))) == [
        ("PRE_OPEN_AUCTION", "03-03 09:00", "03-03 09:30"),
        ("MORNING", "03-03 09:30", "03-03 12:00"),
        ("AFTERNOON", "03-03 13:00", "03-03 16:00"),
        ("CLOSING_AUCTION", "03-03 16:00", "03-03 16:10"),
    ]
    assert [s.kind for s in cal.continuous_sessions(D(2025, 3, 3))] == [SessionKind.MORNING, SessionKind.AFTERNOON]


def test_us_half_day_shortens_regular_and_after_hours() -> None:
    cal = calendar_for(US)
    ss = {s.kind: s for s in cal.sessions(D(2024, 11, 29))}
    assert ss[SessionKind.REGULAR].end.time() == dt.time(13, 0)
    assert ss[SessionKind.AFTER_HOURS].end.time() == dt.time(17, 0)
    assert cal.state_at(local(US, "2024-11-29 14:00")) == MarketState.AFTER_HOURS_BEGIN


def test_a_share_sessions_and_minutes() -> None:
    cal = calendar_for(SZ)
    day = D(2025, 3, 3)
    assert hm(cal.sessions(day)) == [
        ("CALL_AUCTION", "03-03 09:15", "03-03 09:25"),
        ("MORNING", "03-03 09:30", "03-03 11:30"),
        ("AFTERNOON", "03-03 13:00", "03-03 15:00"),
        ("CLOSING_AUCTION", "03-03 14:57", "03-03 15:00"),
    ]
    minutes = sum((s.end - s.start).seconds // 60 for s in cal.continuous_sessions(day))
    assert minutes == 240
    assert cal.session_at(local(SZ, "2025-03-03 14:58")).kind == SessionKind.CLOSING_AUCTION


def test_us_sessions_and_extended_kinds() -> None:
    cal = calendar_for(US)
    assert hm(cal.sessions(D(2025, 3, 3))) == [
        ("OVERNIGHT", "03-02 20:00", "03-03 04:00"),  # Sunday evening belongs to Monday
        ("PRE_MARKET", "03-03 04:00", "03-03 09:30"),
        ("REGULAR", "03-03 09:30", "03-03 16:00"),
        ("AFTER_HOURS", "03-03 16:00", "03-03 20:00"),
    ]
    assert [s.kind for s in cal.continuous_sessions(D(2025, 3, 3))] == [SessionKind.REGULAR]
    # the price engine counts only US extended hours as extended, never auctions
    kinds = {k: _extended_kind(k) for k in SessionKind}
    assert kinds[SessionKind.PRE_MARKET] == PriceSessionKind.PRE_MARKET
    assert kinds[SessionKind.AFTER_HOURS] == PriceSessionKind.AFTER_HOURS
    assert kinds[SessionKind.OVERNIGHT] == PriceSessionKind.OVERNIGHT
    assert kinds[SessionKind.PRE_OPEN_AUCTION] is None
    assert kinds[SessionKind.CLOSING_AUCTION] is None and kinds[SessionKind.NIGHT] is None


# --------------------------------------------------------------------------- every state

STATE_TABLE: list[tuple[TradingMarket, ProductClass, str, MarketState]] = [
    # HK securities, docs L12245-L12253
    (HK, ProductClass.SECURITY, "2025-03-03 08:57", MarketState.NONE),
    (HK, ProductClass.SECURITY, "2025-03-03 09:05", MarketState.AUCTION),
    (HK, ProductClass.SECURITY, "2025-03-03 09:25", MarketState.WAITING_OPEN),
    (HK, ProductClass.SECURITY, "2025-03-03 09:30", MarketState.MORNING),
    (HK, ProductClass.SECURITY, "2025-03-03 12:30", MarketState.REST),
    (HK, ProductClass.SECURITY, "2025-03-03 14:00", MarketState.AFTERNOON),
    (HK, ProductClass.SECURITY, "2025-03-03 16:05", MarketState.HK_CAS),
    (HK, ProductClass.SECURITY, "2025-03-03 16:08", MarketState.CLOSED),
    (HK, ProductClass.SECURITY, "2025-01-29 10:00", MarketState.CLOSED),
    # HK options, docs L12254-L12258
    (HK, ProductClass.OPTION, "2025-03-03 09:10", MarketState.NONE),
    (HK, ProductClass.OPTION, "2025-03-03 16:05", MarketState.CLOSED),
    # A-shares, docs L12282-L12289
    (SH, ProductClass.SECURITY, "2025-03-03 09:00", MarketState.NONE),
    (SH, ProductClass.SECURITY, "2025-03-03 09:20", MarketState.AUCTION),
    (SH, ProductClass.SECURITY, "2025-03-03 09:27", MarketState.WAITING_OPEN),
    (SH, ProductClass.SECURITY, "2025-03-03 10:00", MarketState.MORNING),
    (SH, ProductClass.SECURITY, "2025-03-03 12:00", MarketState.REST),
    (SH, ProductClass.SECURITY, "2025-03-03 14:59", MarketState.AFTERNOON),
    (SH, ProductClass.SECURITY, "2025-03-03 15:00", MarketState.CLOSED),
    # US securities, docs L12265-L12270
    (US, ProductClass.SECURITY, "2025-03-03 02:00", MarketState.OVERNIGHT),
    (US, ProductClass.SECURITY, "2025-03-03 05:00", MarketState.PRE_MARKET_BEGIN),
    (US, ProductClass.SECURITY, "2025-03-03 10:00", MarketState.AFTERNOON),
    (US, ProductClass.SECURITY, "2025-03-03 17:00", MarketState.AFTER_HOURS_BEGIN),
    (US, ProductClass.SECURITY, "2025-03-03 21:00", MarketState.OVERNIGHT),  # Tuesday's overnight
    (US, ProductClass.SECURITY, "2025-03-07 21:00", MarketState.AFTER_HOURS_END),  # Friday: none follows
    (US, ProductClass.SECURITY, "2025-03-08 12:00", MarketState.CLOSED),
    # US options, docs L12271-L12276
    (US, ProductClass.OPTION, "2025-03-03 05:00", MarketState.NONE),
    (US, ProductClass.OPTION, "2025-03-03 10:00", MarketState.AFTERNOON),
    (US, ProductClass.OPTION, "2025-03-03 16:30", MarketState.CLOSED),
    (US, ProductClass.INDEX_OPTION, "2025-03-03 02:00", MarketState.NIGHT),
    (US, ProductClass.INDEX_OPTION, "2025-03-03 09:27", MarketState.REST),
    (US, ProductClass.INDEX_OPTION, "2025-03-03 16:10", MarketState.TRADE_AT_LAST),
    (US, ProductClass.INDEX_OPTION, "2025-03-03 16:20", MarketState.CLOSED),
    # US futures, docs L12277-L12281 (Sunday 2025-03-09 is also the DST switch)
    (USF, ProductClass.SECURITY, "2025-03-07 17:30", MarketState.FUTURE_CLOSE),
    (USF, ProductClass.SECURITY, "2025-03-09 17:30", MarketState.FUTURE_SWITCH_DATE),
    (USF, ProductClass.SECURITY, "2025-03-09 19:00", MarketState.FUTURE_OPEN),
    (USF, ProductClass.SECURITY, "2025-03-10 17:30", MarketState.FUTURE_BREAK),
    (USF, ProductClass.SECURITY, "2025-03-10 19:00", MarketState.FUTURE_BREAK_OVER),
    # HK futures, docs L12259-L12264, L6752
    (HKF, ProductClass.SECURITY, "2025-03-03 17:05", MarketState.FUTURE_DAY_WAIT_FOR_OPEN),
    (HKF, ProductClass.SECURITY, "2025-03-03 23:59", MarketState.NIGHT_OPEN),
    (HKF, ProductClass.SECURITY, "2025-03-04 05:00", MarketState.NIGHT_END),
    (HKF, ProductClass.SECURITY, "2025-03-04 08:50", MarketState.FUTURE_DAY_WAIT_FOR_OPEN),
    (HKF, ProductClass.SECURITY, "2025-03-04 10:00", MarketState.FUTURE_DAY_OPEN),
    (HKF, ProductClass.SECURITY, "2025-03-04 12:30", MarketState.FUTURE_DAY_BREAK),
    (HKF, ProductClass.SECURITY, "2025-03-04 16:45", MarketState.FUTURE_DAY_CLOSE),
    # JP futures, docs L12295-L12299 (times as the docs give them)
    (JPF, ProductClass.SECURITY, "2025-03-03 16:27", MarketState.FUTURE_DAY_WAIT_FOR_OPEN),
    (JPF, ProductClass.SECURITY, "2025-03-03 16:30", MarketState.NIGHT_OPEN),
    (JPF, ProductClass.SECURITY, "2025-03-04 05:30", MarketState.NIGHT_END),
    (JPF, ProductClass.SECURITY, "2025-03-04 08:45", MarketState.FUTURE_DAY_OPEN),
    (JPF, ProductClass.SECURITY, "2025-03-04 15:15", MarketState.FUTURE_DAY_CLOSE),
    (JPF, ProductClass.SECURITY, "2025-03-04 16:24", MarketState.FUTURE_DAY_CLOSE),
    # SG futures, docs L12290-L12294 (SGX hours)
    (SGF, ProductClass.SECURITY, "2025-03-03 16:57", MarketState.FUTURE_DAY_WAIT_FOR_OPEN),
    (SGF, ProductClass.SECURITY, "2025-03-04 04:00", MarketState.NIGHT_OPEN),
    (SGF, ProductClass.SECURITY, "2025-03-04 06:00", MarketState.NIGHT_END),
    (SGF, ProductClass.SECURITY, "2025-03-04 12:00", MarketState.FUTURE_DAY_OPEN),
    (SGF, ProductClass.SECURITY, "2025-03-04 16:40", MarketState.FUTURE_DAY_CLOSE),
]


@pytest.mark.parametrize("market, product, when, state", STATE_TABLE)
def test_state_at(market: TradingMarket, product: ProductClass, when: str, state: MarketState) -> None:
    cal = calendar_for(market, product)
    at = local(market, when, product)
    assert cal.state_at(at) == state
    assert cal.state_at(at.astimezone(dt.timezone.utc)) == state  # any zone, same instant


# MarketState names the docs list (L6684-L6804). Deprecated ones (L6770,
# L6774, L6798-L6806: "廃止済み") are never produced; PRE_MARKET_END has no
# window in the schedule (L12240-L12300) and no real-market phase between the
# pre-market and the regular open, so it is not produced either.
DOCS_STATES = {
    "NONE", "AUCTION", "WAITING_OPEN", "MORNING", "REST", "AFTERNOON", "CLOSED", "PRE_MARKET_BEGIN",
    "PRE_MARKET_END", "AFTER_HOURS_BEGIN", "AFTER_HOURS_END", "OVERNIGHT", "NIGHT_OPEN", "NIGHT_END", "NIGHT",
    "TRADE_AT_LAST", "FUTURE_DAY_OPEN", "FUTURE_DAY_BREAK", "FUTURE_DAY_CLOSE", "FUTURE_DAY_WAIT_FOR_OPEN",
    "HK_CAS", "FUTURE_NIGHT_WAIT", "FUTURE_AFTERNOON", "FUTURE_SWITCH_DATE", "FUTURE_OPEN", "FUTURE_BREAK",
    "FUTURE_BREAK_OVER", "FUTURE_CLOSE", "STIB_AFTER_HOURS_WAIT", "STIB_AFTER_HOURS_BEGIN",
    "STIB_AFTER_HOURS_END",
}
NOT_PRODUCED = {"PRE_MARKET_END", "FUTURE_NIGHT_WAIT", "FUTURE_AFTERNOON", "STIB_AFTER_HOURS_WAIT",
                "STIB_AFTER_HOURS_BEGIN", "STIB_AFTER_HOURS_END"}


def test_every_documented_state_is_reachable() -> None:
    reached = {state.name for *_, state in STATE_TABLE}
    assert reached == DOCS_STATES - NOT_PRODUCED


def test_states_sweep_a_week_without_gaps_or_surprises() -> None:
    """A minute-by-minute sweep meets only states of that market's table."""
    allowed = {
        HK: {"NONE", "AUCTION", "WAITING_OPEN", "MORNING", "REST", "AFTERNOON", "HK_CAS", "CLOSED"},
        US: {"OVERNIGHT", "PRE_MARKET_BEGIN", "AFTERNOON", "AFTER_HOURS_BEGIN", "AFTER_HOURS_END", "CLOSED"},
        HKF: {"FUTURE_DAY_WAIT_FOR_OPEN", "NIGHT_OPEN", "NIGHT_END", "FUTURE_DAY_OPEN", "FUTURE_DAY_BREAK",
              "FUTURE_DAY_CLOSE"},
        USF: {"FUTURE_SWITCH_DATE", "FUTURE_OPEN", "FUTURE_BREAK", "FUTURE_BREAK_OVER", "FUTURE_CLOSE"},
    }
    start = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)
    for market, names in allowed.items():
        cal = calendar_for(market)
        seen = {cal.state_at(start + dt.timedelta(minutes=7 * i)).name for i in range(1440)}
        assert seen == names, market


# --------------------------------------------------------------------------- futures night


def test_hk_futures_night_session_spans_midnight_and_belongs_to_next_day() -> None:
    cal = calendar_for(HKF)
    assert hm(cal.sessions(D(2025, 3, 4))) == [
        ("PRE_OPEN_AUCTION", "03-03 17:00", "03-03 17:15"),
        ("NIGHT", "03-03 17:15", "03-04 03:00"),
        ("PRE_OPEN_AUCTION", "03-04 08:45", "03-04 09:15"),
        ("DAY", "03-04 09:15", "03-04 12:00"),
        ("DAY", "03-04 13:00", "03-04 16:30"),
    ]
    assert [s.kind for s in cal.continuous_sessions(D(2025, 3, 4))] == [SessionKind.NIGHT, SessionKind.DAY,
                                                                      SessionKind.DAY]
    assert cal.trading_day_of(local(HKF, "2025-03-03 23:00")) == D(2025, 3, 4)
    assert cal.trading_day_of(local(HKF, "2025-03-04 00:30")) == D(2025, 3, 4)
    assert cal.trading_day_of(local(HKF, "2025-03-03 16:00")) == D(2025, 3, 3)
    # Friday night trades for Monday
    monday = cal.sessions(D(2025, 3, 10))
    assert monday[1].kind == SessionKind.NIGHT and monday[1].start == local(HKF, "2025-03-07 17:15")
    assert cal.state_at(local(HKF, "2025-03-08 02:00")) == MarketState.NIGHT_OPEN


def test_no_hk_night_session_after_a_half_day() -> None:
    cal = calendar_for(HKF)
    assert [s.kind for s in cal.sessions(D(2024, 12, 27))] == [SessionKind.PRE_OPEN_AUCTION, SessionKind.DAY,
                                                               SessionKind.DAY]
    half = cal.continuous_sessions(D(2024, 12, 24))
    assert half[-1].end == local(HKF, "2024-12-24 12:30")
    assert cal.state_at(local(HKF, "2024-12-25 20:00")) == MarketState.FUTURE_DAY_CLOSE


def test_us_futures_globex_day() -> None:
    cal = calendar_for(USF)
    assert hm(cal.sessions(D(2025, 3, 10))) == [("REGULAR", "03-09 18:00", "03-10 17:00")]
    assert hm(cal.sessions(D(2024, 7, 5))) == [("REGULAR", "07-04 18:00", "07-05 17:00")]
    assert hm(cal.sessions(D(2024, 7, 3))) == [("REGULAR", "07-02 18:00", "07-03 13:15")]  # half day


def test_jp_futures_night_follows_docs() -> None:
    cal = calendar_for(JPF)
    night = cal.continuous_sessions(D(2025, 3, 4))[0]
    assert night.kind == SessionKind.NIGHT
    assert (night.start, night.end) == (local(JPF, "2025-03-03 16:30"), local(JPF, "2025-03-04 05:30"))


# --------------------------------------------------------------------------- fallback years


def test_library_horizons() -> None:
    assert calendar_for(SH).holidays.last_library_day == D(2026, 12, 31)
    assert calendar_for(TradingMarket.SG).holidays.last_library_day == D(2026, 12, 31)
    assert calendar_for(HK).holidays.in_library(D(2027, 6, 1))


@pytest.mark.parametrize("market, day, open_", [
    (SH, D(2027, 1, 1), False),  # New Year (fallback rule)
    (SH, D(2027, 1, 4), True),
    (SH, D(2027, 5, 3), True),
    (SH, D(2027, 10, 1), False),  # National Day week
    (SH, D(2027, 10, 7), False),
    (SH, D(2027, 10, 8), True),
    (SH, D(2027, 10, 9), False),  # Saturday
    (SZ, D(2027, 5, 1), False),  # Saturday anyway
    (TradingMarket.SG, D(2027, 8, 9), False),
    (TradingMarket.SG, D(2027, 12, 24), True),
    (SGF, D(2027, 12, 27), True),
    (SH, D(1990, 6, 1), True),  # before the library's first SSE year
    (SH, D(1990, 10, 1), False),
    (JPF, D(1995, 1, 3), False),  # before XTKS's 1997 start
    (TradingMarket.JP, D(1995, 1, 4), True),
])
def test_fallback_rule_outside_the_library(market: TradingMarket, day: dt.date, open_: bool) -> None:
    cal = calendar_for(market)
    assert not cal.holidays.in_library(day)
    assert cal.is_trading_day(day) is open_


def test_fallback_year_has_full_sessions_and_states() -> None:
    cal = calendar_for(SH)
    days = cal.trading_days(D(2027, 9, 27), D(2027, 10, 12))
    assert days == [D(2027, 9, 27), D(2027, 9, 28), D(2027, 9, 29), D(2027, 9, 30), D(2027, 10, 8),
                    D(2027, 10, 11), D(2027, 10, 12)]
    assert cal.next_trading_day(D(2027, 9, 30)) == D(2027, 10, 8)
    assert cal.previous_trading_day(D(2027, 10, 8)) == D(2027, 9, 30)
    assert cal.state_at(local(SH, "2027-10-08 10:00")) == MarketState.MORNING
    assert cal.state_at(local(SH, "2027-10-05 10:00")) == MarketState.CLOSED
    # the library/fallback seam: trading days run on across New Year 2027
    assert cal.trading_days(D(2026, 12, 30), D(2027, 1, 5)) == [D(2026, 12, 30), D(2026, 12, 31),
                                                               D(2027, 1, 4), D(2027, 1, 5)]


def test_trading_days_back_to_1990() -> None:
    days = calendar_for(SH).trading_days(D(1990, 1, 1), D(2026, 12, 31))
    assert days[0] == D(1990, 1, 2) and days[-1] == D(2026, 12, 31)
    assert all(a < b for a, b in zip(days, days[1:]))


# --------------------------------------------------------------------------- navigation and lookups


def test_next_open_and_neighbours() -> None:
    cal = calendar_for(HK)
    assert cal.next_open(local(HK, "2025-03-07 17:00")) == local(HK, "2025-03-10 09:30")
    assert cal.next_open(local(HK, "2025-03-07 17:00"), continuous_only=False) == local(HK, "2025-03-10 09:00")
    assert cal.next_open(local(HK, "2025-03-10 10:00")) == local(HK, "2025-03-10 13:00")
    assert cal.previous_trading_day(D(2025, 2, 3)) == D(2025, 1, 28)  # across Lunar New Year
    assert cal.next_trading_day(D(2025, 1, 28)) == D(2025, 2, 3)


def test_bad_input_is_refused() -> None:
    cal = calendar_for(HK)
    with pytest.raises(ValueError):
        cal.state_at(dt.datetime(2025, 3, 3, 10, 0))  # naive
    with pytest.raises(TypeError):
        cal.sessions(dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.timezone.utc))  # a datetime is not a day
    with pytest.raises(ValueError):
        calendar_for(TradingMarket.SG, ProductClass.INDEX_OPTION)


@pytest.mark.parametrize("code, sec_type, owner, market, product", [
    ("HK.00700", SecurityType.EQTY, None, HK, ProductClass.SECURITY),
    ("HK.HSImain", SecurityType.FUTURE, None, HKF, ProductClass.SECURITY),
    ("US.ESmain", SecurityType.FUTURE, None, USF, ProductClass.SECURITY),
    ("SG.CNmain", SecurityType.FUTURE, None, SGF, ProductClass.SECURITY),
    ("JP.NKmain", SecurityType.FUTURE, None, JPF, ProductClass.SECURITY),
    ("SH.600519", SecurityType.EQTY, None, SH, ProductClass.SECURITY),
    ("SZ.000001", SecurityType.EQTY, None, SZ, ProductClass.SECURITY),
    ("US.AAPL", SecurityType.EQTY, None, US, ProductClass.SECURITY),
    ("HK.TCH250328C400000", SecurityType.DRVT, "HK.00700", HK, ProductClass.OPTION),
    ("US.AAPL250321C200000", SecurityType.DRVT, "US.AAPL", US, ProductClass.OPTION),
    ("US.SPXW250321C5000000", SecurityType.DRVT, "US..SPX", US, ProductClass.INDEX_OPTION),
])
def test_market_of_instrument(code: str, sec_type: SecurityType, owner: str | None, market: TradingMarket,
                              product: ProductClass) -> None:
    i = inst(code, sec_type, owner)
    assert trading_market_of(i) == market
    assert product_class_of(i) == product
    assert calendar_of(i) is calendar_for(market, product)


def test_market_without_calendar_is_an_error() -> None:
    with pytest.raises(ValueError):
        trading_market_of(inst("AU.BHP"))
    with pytest.raises(ValueError):
        trading_market_of(inst("SH.IF2503", SecurityType.FUTURE))


def test_global_states_cover_get_global_state_fields() -> None:
    at = local(HK, "2025-03-04 10:00")
    states = global_market_states(at)
    assert set(states) == set(TradingMarket)
    assert states[HK] == MarketState.MORNING
    assert states[HKF] == MarketState.FUTURE_DAY_OPEN
    assert states[US] == MarketState.OVERNIGHT  # 21:00 ET Monday: Tuesday's overnight session
    assert {m.value for m in states} >= {"HK", "US", "SH", "SZ", "HK_FUTURE", "US_FUTURE", "SG_FUTURE",
                                         "JP_FUTURE"}
    assert all(isinstance(s, MarketState) for s in states.values())


def test_calendar_is_shared_and_zone_is_the_exchanges() -> None:
    assert calendar_for(HK) is calendar_for(HK)
    assert calendar_for(US).timezone == ZoneInfo("America/New_York")
    assert calendar_for(SZ).timezone == ZoneInfo("Asia/Shanghai")
    # the deprecated HK_FUTURE quote market maps to HK (futures to HK_FUTURE)
    fut = Instrument(SecurityCode(QotMarket.HK_FUTURE, "HSImain"), "x", SecurityType.FUTURE, 1, "HKD",
                     D(2000, 1, 3), 20000.0)
    assert trading_market_of(fut) == HKF


def test_fallback_past_every_library_horizon() -> None:
    hk = calendar_for(HK)
    assert not hk.holidays.in_library(D(2060, 7, 1))
    assert not hk.is_trading_day(D(2060, 7, 1))  # HKSAR Establishment Day, a Thursday
    assert hk.is_trading_day(D(2060, 7, 2))
    assert not hk.is_trading_day(D(2060, 10, 1))  # National Day, a Friday
    # fixed-date holidays falling on a weekend get no substitute day in the fallback
    assert hk.is_trading_day(D(2060, 12, 27))
    assert hk.state_at(local(HK, "2060-07-02 10:00")) == MarketState.MORNING
