"""Content and lookups of the built-in universe, and user universe files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from openfutu.market.model import QotMarket, SecurityType
from openfutu.market.universe import (
    ExchType,
    ExpirationCycle,
    FutureTerms,
    Issuer,
    OptionRight,
    OptionTerms,
    PlateSetType,
    ReferenceKind,
    UnknownSecurity,
    Universe,
    WarrantKind,
    WarrantTerms,
)

TODAY = dt.date(2025, 11, 25)


@pytest.fixture(scope="module")
def universe() -> Universe:
    u = Universe.builtin()
    u.bind_today(lambda: TODAY)
    return u


# ------------------------------------------------------------------ stocks


@pytest.mark.parametrize("code,name,lot,currency,sec_type", [
    ("HK.00700", "腾讯控股", 100, "HKD", SecurityType.EQTY),  # docs L646
    ("HK.09988", "阿里巴巴-W", 100, "HKD", SecurityType.EQTY),
    ("HK.00005", "汇丰控股", 400, "HKD", SecurityType.EQTY),
    ("HK.00001", "长和", 500, "HKD", SecurityType.EQTY),  # docs L3376
    ("HK.02800", "盈富基金", 500, "HKD", SecurityType.TRUST),
    ("HK.800000", "恒生指数", 1, "HKD", SecurityType.INDEX),
    ("US.AAPL", "苹果", 1, "USD", SecurityType.EQTY),
    ("US.SPY", "SPDR标普500指数ETF", 1, "USD", SecurityType.TRUST),
    ("US..SPX", "标普500指数", 1, "USD", SecurityType.INDEX),
    ("SH.600519", "贵州茅台", 100, "CNY", SecurityType.EQTY),
    ("SZ.000001", "平安银行", 100, "CNY", SecurityType.EQTY),
    ("SH.510300", "沪深300ETF", 100, "CNY", SecurityType.TRUST),
    ("HK.HSImain", "恒指期货主连", 50, "HKD", SecurityType.FUTURE),  # docs L5324
    ("JP.NK225main", "日经225期货主连", 1000, "JPY", SecurityType.FUTURE),
    ("SG.CNmain", "富时中国A50指数期货主连", 1, "USD", SecurityType.FUTURE),
])
def test_well_known_instruments(universe: Universe, code: str, name: str, lot: int, currency: str,
                                sec_type: SecurityType) -> None:
    inst = universe.get(code)
    assert (inst.code, inst.name, inst.lot_size, inst.currency, inst.sec_type) == (code, name, lot, currency, sec_type)
    assert inst.reference_price > 0 and 0 < inst.volatility < 2


def test_exchange_types(universe: Universe) -> None:
    assert universe.get("SH.688981").exchange_type == ExchType.CN_STIB
    assert universe.get("SZ.300750").exchange_type == ExchType.CN_SZ
    assert universe.get("SH.600519").exchange_type == ExchType.CN_SH
    assert universe.get("US.AAPL").exchange_type == ExchType.US_NASDAQ
    assert universe.get("US.JPM").exchange_type == ExchType.US_NYSE
    assert universe.get("HK.00700").exchange_type == ExchType.HK_MAINBOARD


def test_unknown_code(universe: Universe) -> None:
    assert universe.instrument("HK.99999") is None
    assert "HK.99999" not in universe
    with pytest.raises(UnknownSecurity, match="HK.99999"):
        universe.get("HK.99999")
    with pytest.raises(KeyError):
        universe.get("nonsense")
    assert universe.instrument("XX.00700") is None


def test_by_market_sorted_and_deep(universe: Universe) -> None:
    hk = universe.by_market(QotMarket.HK_SECURITY, SecurityType.EQTY)
    us = universe.by_market(QotMarket.US_SECURITY, SecurityType.EQTY)
    assert len(hk) >= 200 and len(us) >= 200
    assert [i.code for i in hk] == sorted(i.code for i in hk)
    assert all(i.sec_type == SecurityType.EQTY and i.security.market == QotMarket.HK_SECURITY for i in hk)
    sh = universe.by_market(QotMarket.CNSH_SECURITY, SecurityType.INDEX)
    assert {"SH.000001", "SH.000300"} <= {i.code for i in sh}
    hk_futures = universe.by_market(QotMarket.HK_FUTURE)
    assert {"HK.HSImain", "HK.MHImain", "HK.HHImain"} <= {i.code for i in hk_futures}


def test_builtin_is_deterministic() -> None:
    a, b = Universe.builtin(), Universe.builtin()
    assert [(i.code, i.name, i.reference_price, i.lot_size) for i in a] == \
        [(i.code, i.name, i.reference_price, i.lot_size) for i in b]


def test_index_constituents_exist(universe: Universe) -> None:
    for index in ("HK.800000", "HK.800100", "HK.800700", "US..SPX", "SH.000001", "SZ.399001", "SH.000300"):
        members = universe.constituents(index)
        assert members, index
        assert all(m in universe for m in members)
    assert "HK.00700" in universe.constituents("HK.800000")
    assert universe.constituents("HK.00700") == []


# ------------------------------------------------------------------ plates


def test_plates_per_market_and_type(universe: Universe) -> None:
    for market in (QotMarket.HK_SECURITY, QotMarket.US_SECURITY, QotMarket.CNSH_SECURITY):
        for kind in (PlateSetType.INDUSTRY, PlateSetType.CONCEPT):
            plates = universe.plates(market, kind)
            assert plates, (market, kind)
            assert all(p.plate_type == kind for p in plates)
    # SH and SZ both mean the A-share plates
    assert universe.plates(QotMarket.CNSZ_SECURITY) == universe.plates(QotMarket.CNSH_SECURITY)
    assert universe.plates(QotMarket.CNSH_SECURITY, PlateSetType.REGION)
    all_hk = universe.plates(QotMarket.HK_SECURITY)
    assert [p.code for p in all_hk] == sorted(p.code for p in all_hk)


def test_plate_members_exist_and_back_reference(universe: Universe) -> None:
    for market in (QotMarket.HK_SECURITY, QotMarket.US_SECURITY, QotMarket.CNSH_SECURITY):
        for plate in universe.plates(market):
            members = universe.plate_members(plate.code)
            assert len(members) == len(plate.members), plate.code
            for inst in members:
                assert plate.code in inst.plates
                assert plate in universe.owner_plates(inst.code)


def test_plate_lookup(universe: Universe) -> None:
    plate = universe.plate("HK.BK1000")
    assert plate.name == "做空集合股" and plate.plate_id == "BK1000"  # docs L4642
    assert "HK.00700" in plate.members
    assert universe.plate("HK.BK1999").name == "殡葬概念"  # docs L4644
    codes = [p.code for p in universe.owner_plates("HK.00001")]
    assert "HK.HSI Constituent" in codes  # docs L3376-L3380
    # an index code lists its constituents like a plate (get_plate_stock)
    assert {i.code for i in universe.plate_members("HK.800000")} == set(universe.constituents("HK.800000"))
    with pytest.raises(UnknownSecurity):
        universe.plate("HK.BK9999")
    with pytest.raises(UnknownSecurity):
        universe.owner_plates("HK.99999")


# ------------------------------------------------------------------ options


def test_option_chain_on_a_strike_grid(universe: Universe) -> None:
    expiries = universe.option_expiries("HK.00700", TODAY)
    assert expiries == sorted(expiries) and len(expiries) >= 4
    assert all(e >= TODAY for e in expiries)
    chain = universe.options_of("HK.00700", TODAY, expiry=expiries[0])
    strikes = sorted({i.terms.strike_price for i in chain})
    steps = {round(b - a, 6) for a, b in zip(strikes, strikes[1:])}
    assert len(steps) == 1  # an even grid
    ref = universe.get("HK.00700").reference_price
    assert strikes[0] < ref < strikes[-1]
    for inst in chain:
        t = inst.terms
        assert isinstance(t, OptionTerms)
        assert inst.sec_type == SecurityType.DRVT and inst.owner == universe.get("HK.00700").security
        assert t.strike_time == expiries[0] and t.contract_size == 100
        letter = "C" if t.option_type == OptionRight.CALL else "P"
        # docs L3801: HK.TCH210429C350000, strike x 1000
        assert inst.code == f"HK.TCH{t.strike_time:%y%m%d}{letter}{int(round(t.strike_price * 1000))}"
        assert universe.get(inst.code) is inst
    calls = [i for i in chain if i.terms.option_type == OptionRight.CALL]
    assert len(calls) * 2 == len(chain)
    assert chain[0].name.startswith("腾讯 ")


def test_us_options_weekly_and_monthly(universe: Universe) -> None:
    cycles = universe.option_expiry_cycles("US.AAPL", TODAY)
    kinds = {c for _, c in cycles}
    assert ExpirationCycle.WEEK in kinds and ExpirationCycle.MONTH in kinds
    assert all(e.weekday() == 4 for e, _ in cycles)  # Fridays
    opt = universe.options_of("US.AAPL", TODAY)[0]
    assert opt.code.startswith("US.AAPL") and opt.terms.contract_size == 100
    assert universe.options_of("HK.00001", TODAY) == []  # no options listed


def test_index_options_are_european(universe: Universe) -> None:
    opt = universe.options_of("HK.800000", TODAY)[0]
    assert opt.code.startswith("HK.HSI")
    assert opt.terms.exercise_style.name == "EUROPEAN"
    assert universe.options_of("HK.00700", TODAY)[0].terms.exercise_style.name == "AMERICAN"


def test_option_code_lookup_without_listing(universe: Universe) -> None:
    fresh = Universe.builtin()
    fresh.bind_today(lambda: TODAY)
    code = universe.options_of("HK.00700", TODAY)[7].code
    assert fresh.get(code).code == code
    assert fresh.instrument("HK.TCH251127C123456") is None  # not on the grid
    assert fresh.instrument("HK.TCH251399C400000") is None  # not a date


# ------------------------------------------------------------------ warrants


def test_warrants_consistent(universe: Universe) -> None:
    warrants = universe.warrants_of("HK.00700", TODAY)
    kinds = {w.terms.warrant_type for w in warrants}
    assert kinds == {WarrantKind.CALL, WarrantKind.PUT, WarrantKind.BULL, WarrantKind.BEAR, WarrantKind.INLINE}
    codes = [w.code for w in warrants]
    assert len(codes) == len(set(codes))
    for w in warrants:
        t = w.terms
        assert isinstance(t, WarrantTerms)
        assert w.sec_type == SecurityType.WARRANT and w.currency == "HKD"
        assert 10000 <= int(w.security.code) <= 69999
        assert t.listing_date <= TODAY <= t.last_trade_date <= t.maturity_date
        assert t.issuer in Issuer and t.issuer != Issuer.UNKNOWN
        assert t.conversion_ratio > 0 and w.name.endswith(".C")
        if t.warrant_type == WarrantKind.BULL:
            assert t.call_price is not None and t.call_price >= t.strike_price
        elif t.warrant_type == WarrantKind.BEAR:
            assert t.call_price is not None and t.call_price <= t.strike_price
        elif t.warrant_type == WarrantKind.INLINE:
            assert t.lower_strike_price < t.upper_strike_price
        else:
            assert t.strike_price > 0 and t.call_price is None
        assert universe.get(w.code) is w
    all_hk = universe.warrants_of(None, TODAY)
    assert set(codes) <= {w.code for w in all_hk}
    owners = {str(w.owner) for w in all_hk}
    assert {"HK.00700", "HK.09988", "HK.800000"} <= owners
    assert universe.warrants_of("US.AAPL", TODAY) == []


def test_related_warrants_and_futures(universe: Universe) -> None:
    assert universe.related("HK.00700", ReferenceKind.WARRANT, TODAY) == universe.warrants_of("HK.00700", TODAY)
    months = universe.related("HK.HSImain", ReferenceKind.FUTURE, TODAY)
    assert [m.code for m in months] == ["HK.HSI2511", "HK.HSI2512", "HK.HSI2603", "HK.HSI2606"]


# ------------------------------------------------------------------ futures


def test_hk_futures_months(universe: Universe) -> None:
    months = universe.futures_of("HSI", TODAY)
    first = months[0].terms
    assert isinstance(first, FutureTerms)
    # HSI: last trading day is the business day before the last one of the month
    assert first.last_trade_date == dt.date(2025, 11, 27)
    assert first.multiplier == 50 and first.min_var == 1 and first.quote_currency == "HKD"
    main = universe.main_future("HSI")
    assert main.code == "HK.HSImain" and main.terms.is_main_contract and main.terms.last_trade_date is None
    assert universe.main_contract_month("HK.HSImain", TODAY).code == "HK.HSI2511"
    assert universe.main_contract_month("HSI", dt.date(2025, 11, 28)).code == "HK.HSI2512"
    assert universe.get("HK.HSI2512").terms.last_trade_date == dt.date(2025, 12, 30)
    assert str(universe.get("HK.MHI2512").owner) == "HK.800000"


def test_us_and_jp_futures(universe: Universe) -> None:
    es = universe.futures_of("ES", TODAY)
    assert es[0].code == "US.ES2512" and es[0].terms.last_trade_date == dt.date(2025, 12, 19)
    assert universe.futures_of("US..SPX", TODAY)[0].code == "US.ES2512"
    nk = universe.get("JP.NK225main")
    assert nk.terms.owner is None and nk.terms.owner_other
    with pytest.raises(UnknownSecurity):
        universe.main_future("XYZ")


# ------------------------------------------------------------------ IPOs


@pytest.mark.parametrize("market", [QotMarket.HK_SECURITY, QotMarket.US_SECURITY, QotMarket.CNSH_SECURITY])
def test_ipo_list(universe: Universe, market: QotMarket) -> None:
    ipos = universe.ipo_list(market, TODAY)
    assert ipos and ipos == universe.ipo_list(market, TODAY)
    for r in ipos:
        assert r.list_date is not None and r.list_date >= TODAY - dt.timedelta(days=3)
        assert r.name
        if market == QotMarket.CNSH_SECURITY:
            assert r.apply_code and r.ipo_price and r.issue_size
            assert r.ipo_price_min is None
        elif market == QotMarket.HK_SECURITY:
            assert r.ipo_price_min is not None and r.ipo_price_min < r.ipo_price_max and r.lot_size
            assert r.apply_code is None
        else:
            assert r.ipo_price_min is not None and r.issue_size
    assert universe.ipo_list(QotMarket.CNSZ_SECURITY, TODAY) == universe.ipo_list(QotMarket.CNSH_SECURITY, TODAY)


# ------------------------------------------------------------------ files


def test_load_csv_adds_and_overrides(tmp_path: Path) -> None:
    u = Universe.builtin()
    f = tmp_path / "extra.csv"
    f.write_text(
        "code,name,sec_type,lot_size,reference_price,currency,listing_date,volatility,plates\n"
        "HK.08888,测试股份,EQTY,2000,1.23,,2020-05-06,0.5,HK.BK1000\n"
        "HK.00700,腾讯控股(改),3,100,500,HKD,2004-06-16,,\n", encoding="utf-8")
    assert u.load_file(f) == 2
    new = u.get("HK.08888")
    assert (new.name, new.lot_size, new.reference_price, new.currency, new.volatility) == ("测试股份", 2000, 1.23, "HKD", 0.5)
    assert new.listing_date == dt.date(2020, 5, 6)
    assert "HK.08888" in u.plate("HK.BK1000").members
    assert u.get("HK.00700").name == "腾讯控股(改)" and u.get("HK.00700").reference_price == 500


def test_load_json(tmp_path: Path) -> None:
    u = Universe.builtin()
    f = tmp_path / "extra.json"
    f.write_text(json.dumps([{"code": "US.ZZZZ", "name": "Test Inc", "sec_type": "EQTY", "lot_size": 1,
                              "reference_price": 10}]), encoding="utf-8")
    u.load_file(f)
    assert u.get("US.ZZZZ").currency == "USD"


@pytest.mark.parametrize("body,needle", [
    ("code,name,sec_type,lot_size,reference_price\nHK.08888,X,EQTY,0,1\n", "line 2: field 'lot_size'"),
    ("code,name,sec_type,lot_size,reference_price\nHK.08888,X,EQTY,100,1\nBAD,Y,EQTY,100,1\n", "line 3: field 'code'"),
    ("code,name,sec_type,lot_size,reference_price\nHK.08888,X,STOCKY,100,1\n", "field 'sec_type'"),
    ("code,name,sec_type,lot_size,reference_price\nHK.08888,X,EQTY,100,-1\n", "field 'reference_price'"),
    ("code,name,sec_type,lot_size,reference_price,listing_date\nHK.08888,X,EQTY,100,1,2020-13-01\n", "field 'listing_date'"),
    ("code,name,sec_type,lot_size,reference_price,plates\nHK.08888,X,EQTY,100,1,HK.BK0000\n", "field 'plates'"),
    ("code,name,sec_type,lot_size,reference_price\nHK.08888,,EQTY,100,1\n", "field 'name'"),
    ("name,lot\nX,1\n", "line 1"),
])
def test_bad_csv_changes_nothing(tmp_path: Path, body: str, needle: str) -> None:
    u = Universe.builtin()
    before = len(u)
    f = tmp_path / "bad.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        u.load_file(f)
    assert needle in str(err.value)
    assert len(u) == before and "HK.08888" not in u


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    u = Universe.builtin()
    f = tmp_path / "bad.json"
    f.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        u.load_file(f)
    f.write_text(json.dumps({"code": "HK.1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="list"):
        u.load_file(f)
    with pytest.raises(ValueError, match="cannot read"):
        u.load_file(tmp_path / "missing.csv")


def test_stock_futures(universe: Universe) -> None:
    months = universe.futures_of("HK.00700", TODAY)
    assert [m.code for m in months] == ["HK.TCH2511", "HK.TCH2512", "HK.TCH2603", "HK.TCH2606"]
    t = universe.get("HK.TCHmain").terms
    assert t.contract_type == "股票期货" and t.multiplier == 100  # docs L4186
    # the same root letters still name the Tencent options
    assert universe.get(universe.options_of("HK.00700", TODAY)[0].code).sec_type == SecurityType.DRVT


def test_sdk_type_names_in_files(tmp_path: Path) -> None:
    u = Universe.builtin()
    f = tmp_path / "sdk.csv"
    f.write_text("code,name,sec_type,lot_size,reference_price\n"
                 "US.ZZA,A,STOCK,1,5\nUS.ZZB,B,ETF,1,5\nUS..ZZI,I,IDX,1,100\n", encoding="utf-8")
    u.load_file(f)
    assert [u.get(c).sec_type for c in ("US.ZZA", "US.ZZB", "US..ZZI")] == \
        [SecurityType.EQTY, SecurityType.TRUST, SecurityType.INDEX]
    f.write_text("code,name,sec_type,lot_size,reference_price\nHK.12345,W,WARRANT,1000,0.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="generated"):
        u.load_file(f)


def test_ipo_codes_are_free(universe: Universe) -> None:
    for market in (QotMarket.HK_SECURITY, QotMarket.CNSH_SECURITY, QotMarket.US_SECURITY):
        for week in range(0, 400, 7):
            for r in universe.ipo_list(market, TODAY + dt.timedelta(days=week)):
                assert universe.instrument(r.code) is None, r.code
