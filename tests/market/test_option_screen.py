"""Option chain listing, expiry window rules, conditions and the data filter."""

from __future__ import annotations

import datetime as dt

import pytest

from openfutu.market.derivatives.options import OptionRight
from openfutu.market.option_screen import (
    OptionCondition,
    OptionContract,
    OptionDataFilter,
    OptionTypeFilter,
    chain_window,
    expiration_dates,
    model_figures,
    screen_option_chain,
)

TODAY = dt.date(2025, 3, 5)
SPOT = 400.0
EXPIRIES = [dt.date(2025, 2, 27), dt.date(2025, 3, 28), dt.date(2025, 4, 29), dt.date(2025, 6, 27)]
STRIKES = [340.0, 360.0, 380.0, 400.0, 420.0, 440.0, 460.0]


def chain() -> list[OptionContract]:
    out = []
    for n, day in enumerate(EXPIRIES):
        for k in STRIKES:
            for right in (OptionRight.CALL, OptionRight.PUT):
                tag = "C" if right == OptionRight.CALL else "P"
                code = f"HK.TCH{day:%y%m%d}{tag}{int(k * 1000)}"
                out.append(OptionContract(code, code, 100, "HK.00700", right, k, day,
                                          expiration_cycle=2, stock_id=len(out) + 1))
    return out


def figures(contracts: list[OptionContract]) -> list:
    return model_figures(contracts, SPOT, dt.datetime(2025, 3, 5, 11, tzinfo=dt.timezone.utc), 0.35,
                         volumes=[i * 10 for i in range(len(contracts))])


def test_window_defaults_and_limits() -> None:
    # docs L3700-L3705 defaults, L3824 at most 30 days, L3828 no expired chains
    assert chain_window(None, None, TODAY) == (TODAY, TODAY + dt.timedelta(30))
    assert chain_window(dt.date(2025, 3, 10), None, TODAY) == (dt.date(2025, 3, 10), dt.date(2025, 4, 9))
    assert chain_window(None, dt.date(2025, 4, 9), TODAY) == (dt.date(2025, 3, 10), dt.date(2025, 4, 9))
    assert chain_window(dt.date(2025, 3, 1), dt.date(2025, 3, 31), TODAY)  # exactly 30 days
    with pytest.raises(ValueError, match="30 days"):
        chain_window(dt.date(2025, 3, 1), dt.date(2025, 4, 1), TODAY)
    with pytest.raises(ValueError, match="expired"):
        chain_window(dt.date(2025, 2, 10), dt.date(2025, 3, 4), TODAY)
    with pytest.raises(ValueError, match="after"):
        chain_window(dt.date(2025, 3, 20), dt.date(2025, 3, 10), TODAY)


def test_expiration_dates_skip_expired_and_count_days() -> None:
    rows = expiration_dates(chain(), TODAY)
    assert [r.expiry for r in rows] == EXPIRIES[1:]
    assert [r.days_to_expiry for r in rows] == [23, 55, 114]
    assert all(r.cycle == 2 for r in rows)


def test_chain_pairs_calls_and_puts_by_strike() -> None:
    out = screen_option_chain(chain(), SPOT, dt.date(2025, 3, 5), dt.date(2025, 4, 4))
    assert [e.expiry for e in out] == [dt.date(2025, 3, 28)]
    strikes = out[0].strikes
    assert [s.strike for s in strikes] == STRIKES
    for s in strikes:
        assert s.call is not None and s.put is not None
        assert s.call.right == OptionRight.CALL and s.put.right == OptionRight.PUT
        assert s.call.strike == s.put.strike == s.strike


@pytest.mark.parametrize("condition", list(OptionCondition))
@pytest.mark.parametrize("kind", list(OptionTypeFilter))
def test_type_and_money_conditions(condition: OptionCondition, kind: OptionTypeFilter) -> None:
    out = screen_option_chain(chain(), SPOT, TODAY, dt.date(2025, 4, 4), kind, condition)
    got = [c for e in out for s in e.strikes for c in (s.call, s.put) if c is not None]
    assert got
    for c in got:
        if kind == OptionTypeFilter.CALL:
            assert c.right == OptionRight.CALL
        if kind == OptionTypeFilter.PUT:
            assert c.right == OptionRight.PUT
        itm = SPOT > c.strike if c.right == OptionRight.CALL else SPOT < c.strike
        if condition == OptionCondition.WITHIN:
            assert itm
        if condition == OptionCondition.OUTSIDE:
            assert not itm
    if kind == OptionTypeFilter.ALL and condition == OptionCondition.ALL:
        assert len(got) == 2 * len(STRIKES)


def test_data_filter_keeps_only_matching_rows() -> None:
    flt = OptionDataFilter(delta_min=0.3, delta_max=0.7, implied_volatility_min=10, vol_min=50)
    out = screen_option_chain(chain(), SPOT, TODAY, dt.date(2025, 4, 4), data_filter=flt, figures=figures)
    kept = [c for e in out for s in e.strikes for c in (s.call, s.put) if c is not None]
    assert kept and all(c.right == OptionRight.CALL for c in kept)  # puts have negative delta
    all_rows = [c for c in chain() if TODAY <= c.expiry <= dt.date(2025, 4, 4)]
    by_code = {c.code: f for c, f in zip(all_rows, figures(all_rows))}
    for c in kept:
        f = by_code[c.code]
        assert 0.3 <= f.delta <= 0.7 and f.implied_volatility >= 10 and f.volume >= 50
    rejected = [c for c in all_rows if c not in kept]
    for c in rejected:
        f = by_code[c.code]
        assert not (0.3 <= f.delta <= 0.7 and f.volume >= 50)
    with pytest.raises(ValueError, match="figures"):
        screen_option_chain(chain(), SPOT, TODAY, dt.date(2025, 4, 4), data_filter=flt)


def test_model_figures_are_in_range() -> None:
    rows = [c for c in chain() if c.expiry >= TODAY]
    for c, f in zip(rows, figures(rows)):
        assert f.implied_volatility > 0 and f.gamma >= 0 and f.vega >= 0
        assert -1 <= f.delta <= 1
        assert (f.delta >= 0) == (c.right == OptionRight.CALL)
        assert f.open_interest >= 0


def test_open_interest_filter_truncates_bounds() -> None:
    rows = [c for c in chain() if c.expiry == dt.date(2025, 3, 28)]
    figs = figures(rows)
    top = max(f.open_interest for f in figs)
    flt = OptionDataFilter(open_interest_min=top + 0.9)  # truncated to a whole number: top
    out = screen_option_chain(rows, SPOT, TODAY, dt.date(2025, 4, 4), data_filter=flt,
                              figures=lambda cs: figs)
    kept = [c for e in out for s in e.strikes for c in (s.call, s.put) if c is not None]
    assert kept and all(figs[rows.index(c)].open_interest == top for c in kept)


def test_index_option_type_filter() -> None:
    base = chain()[:4]
    small = [OptionContract(c.code + "S", c.name, 10, "HK.800000", c.right, c.strike, EXPIRIES[1],
                            index_option_type=2) for c in base]
    normal = [OptionContract(c.code + "N", c.name, 50, "HK.800000", c.right, c.strike, EXPIRIES[1],
                             index_option_type=1) for c in base]
    out = screen_option_chain(small + normal, SPOT, TODAY, EXPIRIES[1], index_option_type=2)
    kept = [c for e in out for s in e.strikes for c in (s.call, s.put) if c is not None]
    assert {c.index_option_type for c in kept} == {2} and len(kept) == 4
    assert len(expiration_dates(small + normal, TODAY, index_option_type=1)) == 1
