"""Warrant rows, the WarrantRequest filter, sorting and paging."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from openfutu.market.derivatives.warrants import PriceStatus, WarrantKind
from openfutu.market.warrant_screen import (
    STATIC_SORT_FIELDS,
    IpoPeriod,
    WarrantListing,
    WarrantQuery,
    WarrantRow,
    WarrantSortField,
    WarrantStatus,
    WarrantTrading,
    build_warrant_row,
    needs_market_data,
    screen_listings,
    screen_warrants,
    sort_warrants,
)

TODAY = dt.date(2025, 3, 5)
NOW = dt.datetime(2025, 3, 5, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SPOT = 400.0


def row(code: str, kind: WarrantKind, strike: float, price: float, *, issuer: int = 1,
        maturity: dt.date = dt.date(2025, 9, 30), listed: dt.date = dt.date(2024, 10, 2),
        call_price: float | None = None, lower: float | None = None, upper: float | None = None,
        volume: int = 1_000_000, street: int = 5_000_000, suspended: bool = False) -> WarrantRow:
    trading = WarrantTrading(last_price=price, prev_close=price * 0.98, high=price * 1.03,
                             low=price * 0.97, volume=volume, turnover=volume * price,
                             bid_price=price - 0.001, ask_price=price + 0.001,
                             bid_volume=200_000, ask_volume=300_000, suspended=suspended)
    return build_warrant_row(code=code, name=f"W{code}", owner="HK.00700", kind=kind, issuer=issuer,
                             strike=strike, conversion_ratio=100.0, lot_size=5000,
                             maturity_date=maturity, list_date=listed,
                             last_trade_date=maturity - dt.timedelta(days=4), issue_size=50_000_000,
                             street_volume=street, trading=trading, spot=SPOT, now=NOW,
                             call_price=call_price, lower_strike=lower, upper_strike=upper,
                             fallback_volatility=0.35)


def book() -> list[WarrantRow]:
    return [
        row("HK.10001", WarrantKind.CALL, 420.0, 0.25, issuer=1),
        row("HK.10002", WarrantKind.CALL, 380.0, 0.40, issuer=7, volume=10),
        row("HK.10003", WarrantKind.PUT, 360.0, 0.12, issuer=8),
        row("HK.10004", WarrantKind.PUT, 440.0, 0.55, issuer=1, listed=TODAY),
        row("HK.60001", WarrantKind.BULL, 350.0, 0.52, call_price=360.0, issuer=7),
        row("HK.60002", WarrantKind.BEAR, 450.0, 0.52, call_price=440.0, issuer=12),
        row("HK.47001", WarrantKind.INLINE, 0.0, 0.6, lower=350.0, upper=450.0, issuer=1),
        row("HK.10005", WarrantKind.CALL, 500.0, 0.02, issuer=11, listed=dt.date(2025, 3, 10)),
        row("HK.10006", WarrantKind.CALL, 400.0, 0.30, issuer=11, suspended=True),
    ]


def test_rows_have_the_figures_of_their_type() -> None:
    rows = {r.code: r for r in book()}
    call = rows["HK.10001"]
    assert call.price_status == PriceStatus.OUTSIDE and call.ipop < 0  # strike above spot
    assert call.implied_volatility is not None and call.implied_volatility > 0
    assert call.delta is not None and 0 < call.delta < 1
    assert call.recovery_price is None and call.upper_strike_price is None
    assert call.premium > 0 and call.leverage > 0 and call.effective_leverage > 0
    assert call.street_rate == pytest.approx(10.0)  # 5M of 50M issued, in percent
    put = rows["HK.10003"]
    assert put.delta is not None and -1 < put.delta < 0
    bull = rows["HK.60001"]
    assert bull.recovery_price == 360.0 and bull.price_recovery_ratio is not None
    assert bull.implied_volatility is None and bull.delta is None
    inline = rows["HK.47001"]
    assert inline.price_status is None and inline.inline_price_status == PriceStatus.WITH_IN
    assert (inline.lower_strike_price, inline.upper_strike_price) == (350.0, 450.0)
    assert rows["HK.10005"].status == WarrantStatus.PENDING_LISTING
    assert rows["HK.10006"].status == WarrantStatus.SUSPEND
    assert call.status == WarrantStatus.NORMAL
    for r in rows.values():
        assert 0 <= r.score <= 100
        assert r.change_rate == pytest.approx((r.cur_price / r.last_close - 1) * 100, abs=1e-3)


def codes(page) -> list[str]:
    return [r.code for r in page.rows]


def test_type_issuer_and_status_filters() -> None:
    rows = book()
    page = screen_warrants(rows, WarrantQuery(kinds=(int(WarrantKind.BULL), int(WarrantKind.BEAR))),
                           WarrantSortField.CODE, True, 0, 200, TODAY)
    assert codes(page) == ["HK.60001", "HK.60002"] and page.all_count == 2 and page.last_page
    page = screen_warrants(rows, WarrantQuery(issuers=(7,)), WarrantSortField.CODE, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10002", "HK.60001"]
    page = screen_warrants(rows, WarrantQuery(status=WarrantStatus.SUSPEND), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10006"]


def test_price_type_excludes_inline_warrants() -> None:
    page = screen_warrants(book(), WarrantQuery(price_type=PriceStatus.WITH_IN), 1, True, 0, 200, TODAY)
    assert "HK.47001" not in codes(page)
    for r in page.rows:
        assert r.price_status == PriceStatus.WITH_IN and r.ipop > 0


def test_ranges_on_figures_a_type_lacks_exclude_it() -> None:
    rows = book()
    page = screen_warrants(rows, WarrantQuery(delta=(0.0, 1.0)), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10001", "HK.10002", "HK.10005", "HK.10006"]  # calls only
    page = screen_warrants(rows, WarrantQuery(recovery_price=(None, 400.0)), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.60001"]
    page = screen_warrants(rows, WarrantQuery(cur_price=(0.2, 0.5), volume=(100, None)), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10001", "HK.10006"]
    page = screen_warrants(rows, WarrantQuery(strike_price=(400.0, 450.0)), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10001", "HK.10004", "HK.10006", "HK.60002"]
    with pytest.raises(ValueError, match="above"):
        WarrantQuery(premium=(5.0, 1.0))


def test_maturity_and_ipo_period() -> None:
    rows = book() + [row("HK.10007", WarrantKind.CALL, 410.0, 0.3, maturity=dt.date(2025, 4, 30))]
    page = screen_warrants(rows, WarrantQuery(maturity_max=dt.date(2025, 5, 1)), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10007"]
    page = screen_warrants(rows, WarrantQuery(ipo_period=IpoPeriod.TODAY), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10004"]
    page = screen_warrants(rows, WarrantQuery(ipo_period=IpoPeriod.NEXT_WEEK), 1, True, 0, 200, TODAY)
    assert codes(page) == ["HK.10005"]
    page = screen_warrants(rows, WarrantQuery(ipo_period=IpoPeriod.TOMORROW), 1, True, 0, 200, TODAY,
                           next_trading_day=dt.date(2025, 3, 10))
    assert codes(page) == ["HK.10005"]


@pytest.mark.parametrize("field", list(WarrantSortField))
def test_every_sort_field_orders_rows(field: WarrantSortField) -> None:
    rows = book()
    for ascend in (True, False):
        page = screen_warrants(rows, WarrantQuery(), field, ascend, 0, 200, TODAY)
        assert sorted(codes(page)) == sorted(r.code for r in rows)
        name = {WarrantSortField.CODE: "code", WarrantSortField.PREMIUM: "premium",
                WarrantSortField.DELTA: "delta", WarrantSortField.VOLUME: "volume",
                WarrantSortField.MATURITY_TIME: "maturity_date"}.get(field)
        if name:
            values = [getattr(r, name) for r in page.rows if getattr(r, name) is not None]
            assert values == sorted(values, reverse=not ascend)
            # rows lacking the figure come last
            missing = [getattr(r, name) is None for r in page.rows]
            assert missing == sorted(missing)


def test_paging_and_caps() -> None:
    rows = book()
    pages = [screen_warrants(rows, WarrantQuery(), 1, True, b, 4, TODAY) for b in (0, 4, 8)]
    assert [p.last_page for p in pages] == [False, False, True]
    assert sum((codes(p) for p in pages), []) == sorted(r.code for r in rows)
    assert all(p.all_count == len(rows) for p in pages)
    with pytest.raises(ValueError, match="200"):  # docs L4014
        screen_warrants(rows, WarrantQuery(), 1, True, 0, 201, TODAY)
    with pytest.raises(ValueError, match="begin"):
        screen_warrants(rows, WarrantQuery(), 1, True, -1, 10, TODAY)
    with pytest.raises(ValueError, match="sort field"):
        screen_warrants(rows, WarrantQuery(), 51, True, 0, 10, TODAY)


def test_sort_is_stable_by_code_on_ties() -> None:
    rows = [dataclasses.replace(r, score=50.0) for r in book()]
    assert [r.code for r in sort_warrants(rows, WarrantSortField.SCORE, False)] == sorted(r.code for r in rows)


def listing_of(r: WarrantRow) -> WarrantListing:
    return WarrantListing(r.code, r.name, r.owner, r.kind, r.issuer, r.maturity_date, r.list_date,
                          r.last_trade_date, r.strike_price, r.conversion_ratio, r.lot_size, r.issue_size,
                          r.recovery_price, r.upper_strike_price, r.lower_strike_price)


@pytest.mark.parametrize("query, field, ascend", [
    (WarrantQuery(), WarrantSortField.CODE, True),
    (WarrantQuery(kinds=(1, 2), issuers=(1, 11)), WarrantSortField.STRIKE_PRICE, False),
    (WarrantQuery(recovery_price=(300.0, None)), WarrantSortField.MATURITY_TIME, True),
    (WarrantQuery(delta=(0.0, 1.0)), WarrantSortField.CODE, True),  # reads prices
    (WarrantQuery(), WarrantSortField.VOLUME, False),  # sorts on prices
])
def test_screening_listings_equals_screening_rows(query: WarrantQuery, field: WarrantSortField,
                                                  ascend: bool) -> None:
    rows = book()
    by_code = {r.code: r for r in rows}
    built: list[str] = []

    def build(chosen: list[WarrantListing]) -> list[WarrantRow]:
        built.extend(x.code for x in chosen)
        return [by_code[x.code] for x in chosen]

    for begin in (0, 3):
        built.clear()
        got = screen_listings([listing_of(r) for r in rows], query, field, ascend, begin, 3, TODAY, build)
        want = screen_warrants(rows, query, field, ascend, begin, 3, TODAY)
        assert codes(got) == codes(want)
        assert (got.last_page, got.all_count) == (want.last_page, want.all_count)
        if field in STATIC_SORT_FIELDS and not needs_market_data(query):
            assert sorted(built) == sorted(codes(got))  # only the page was priced
