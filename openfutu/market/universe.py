"""The instrument universe of the simulated market: stocks, ETFs, indices,
plates, HK warrants, listed options and futures, plus IPO calendars.

Static instruments (the built-in catalogue, synthetic fillers, user files)
live in a dict.  Derivatives are generated on demand from deterministic
rules (expiry schedules, strike grids, issuance slots) and cached, so the
universe stays small in memory while a strategy can still walk a full option
chain or warrant list at any date.

Strikes of options and warrants are laid out around the underlying's price
when the contract was listed; the universe asks a *spot source* for that
price (``bind_spot_source``; the SimulatedMarket binds its price engine) and
falls back to the underlying's reference price.
"""

from __future__ import annotations

import calendar as _calendar
import csv
import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from openfutu.market.data import catalog
from openfutu.market.derivatives.options import ExerciseStyle, OptionRight
from openfutu.market.derivatives.warrants import WarrantKind
from openfutu.market.model import (
    MARKET_BY_PREFIX,
    PREFIX_BY_MARKET,
    Instrument,
    QotMarket,
    SecurityCode,
    SecurityType,
)
from openfutu.market.prices import stable_seed

__all__ = [
    "UnknownSecurity", "PlateSetType", "Issuer", "ExchType", "IndexOptionType", "ExpirationCycle",
    "ReferenceKind", "Plate", "OptionTerms", "WarrantTerms", "FutureTerms", "IpoRecord", "Universe",
    "OptionRight", "ExerciseStyle", "WarrantKind",
]


class UnknownSecurity(KeyError):
    """A code the universe does not know (the API's "unknown stock")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"unknown security {self.code!r}"


class PlateSetType(IntEnum):
    """Qot_Common.PlateSetType (docs L6482-L6504)."""

    ALL = 0
    INDUSTRY = 1
    REGION = 2
    CONCEPT = 3
    OTHER = 4


class Issuer(IntEnum):
    """Warrant issuers, Qot_Common.Issuer (docs L6144-L6262)."""

    UNKNOWN = 0
    SG = 1  # Societe Generale
    BP = 2  # BNP Paribas
    CS = 3  # Credit Suisse
    CT = 4  # Citi
    EA = 5  # Bank of East Asia
    GS = 6  # Goldman Sachs
    HS = 7  # HSBC
    JP = 8  # J.P. Morgan
    MB = 9  # Macquarie
    SC = 10  # Standard Chartered
    UB = 11  # UBS
    BI = 12  # BOCI
    DB = 13  # Deutsche Bank
    DC = 14  # Daiwa
    ML = 15  # Merrill Lynch
    NM = 16  # Nomura
    RB = 17  # ABN AMRO
    RS = 18  # RBS
    BC = 19  # Barclays
    HT = 20  # Haitong
    VT = 21  # Vontobel
    KC = 22  # KBC
    MS = 23  # Morgan Stanley
    GJ = 24  # Guotai Junan
    XZ = 25  # DBS
    HU = 26  # Huatai
    KS = 27  # Korea Investment
    CI = 28  # CITIC Securities


class ExchType(IntEnum):
    """Qot_Common.ExchType (docs L7730-L7808)."""

    NONE = 0
    HK_MAINBOARD = 1
    HK_GEMBOARD = 2
    HK_HKEX = 3
    US_NYSE = 4
    US_NASDAQ = 5
    US_PINK = 6
    US_AMEX = 7
    US_OPTION = 8
    US_NYMEX = 9
    US_COMEX = 10
    US_CBOT = 11
    US_CME = 12
    US_CBOE = 13
    CN_SH = 14
    CN_SZ = 15
    CN_STIB = 16
    SG_SGX = 17
    JP_OSE = 18


class IndexOptionType(IntEnum):
    """Qot_Common.IndexOptionType (docs L6100-L6114)."""

    NONE = 0
    NORMAL = 1
    SMALL = 2


class ExpirationCycle(IntEnum):
    """Qot_Common.ExpirationCycle (docs L8218-L8260)."""

    NONE = 0
    WEEK = 1
    MONTH = 2
    END_OF_MONTH = 3
    QUARTERLY = 4
    WEEKMON = 11
    WEEKTUE = 12
    WEEKWED = 13
    WEEKTHU = 14
    WEEKFRI = 15


class ReferenceKind(IntEnum):
    """Qot_GetReference.ReferenceType: related warrants or futures contracts."""

    UNKNOWN = 0
    WARRANT = 1
    FUTURE = 2


@dataclass(frozen=True, slots=True)
class Plate:
    """A plate (sector/concept/region set) or a special list like HK.Motherboard."""

    code: str  # "HK.BK1001"
    name: str
    plate_type: PlateSetType
    market: QotMarket
    members: tuple[str, ...]

    @property
    def plate_id(self) -> str:
        return self.code.partition(".")[2]


@dataclass(frozen=True, slots=True)
class OptionTerms:
    """Contract terms of a listed option.  Attribute names match what
    derivatives.chain.option_fields_from_terms reads."""

    owner: SecurityCode
    option_type: OptionRight
    strike_price: float
    strike_time: dt.date  # last trading / expiry day
    contract_size: float  # shares per contract (index options: multiplier)
    exercise_style: ExerciseStyle
    index_option_type: IndexOptionType
    expiration_cycle: ExpirationCycle
    root: str

    @property
    def expiry_date(self) -> dt.date:
        return self.strike_time

    @property
    def option_area_type(self) -> ExerciseStyle:
        return self.exercise_style


@dataclass(frozen=True, slots=True)
class WarrantTerms:
    """Terms of an HK derivative warrant, CBBC or inline warrant.  Attribute
    names match derivatives.warrants.warrant_fields_from_terms."""

    owner: SecurityCode
    warrant_type: WarrantKind
    strike_price: float  # 0 for inline warrants (see lower/upper)
    maturity_date: dt.date
    last_trade_date: dt.date
    conversion_ratio: float  # warrants per share (per index point unit)
    issuer: Issuer
    listing_date: dt.date
    issue_size: int
    call_price: float | None = None  # CBBC only (recovery price)
    lower_strike_price: float | None = None  # inline only
    upper_strike_price: float | None = None  # inline only


@dataclass(frozen=True, slots=True)
class FutureTerms:
    """Terms of a futures contract or of its main (continuous) contract.
    Attribute names match derivatives.futures.future_fields_from_terms."""

    root: str
    owner: SecurityCode | None  # underlying index/stock in this universe
    owner_other: str  # underlying's name when it is not a listed security
    multiplier: float  # contract size
    last_trade_date: dt.date | None  # None for main continuous contracts
    is_main_contract: bool
    contract_type: str  # e.g. 股指期货 (docs L4185)
    quote_currency: str
    exchange: str
    min_var: float  # tick size
    time_zone: str
    contract_month: dt.date | None = None  # first day of the delivery month
    size_unit: str = "点"
    quote_unit: str = "点"

    @property
    def contract_size(self) -> float:
        return self.multiplier


@dataclass(frozen=True, slots=True)
class IpoRecord:
    """One entry of get_ipo_list (Qot_GetIpoList: BasicIpoData + market part).
    Fields that do not apply to the record's market stay None."""

    code: str
    name: str
    market: QotMarket
    list_date: dt.date | None
    # A-share part (CNIpoExData)
    apply_code: str | None = None
    issue_size: int | None = None
    online_issue_size: int | None = None
    apply_upper_limit: int | None = None
    apply_limit_market_value: int | None = None
    is_estimate_ipo_price: bool | None = None
    ipo_price: float | None = None
    industry_pe_rate: float | None = None
    is_estimate_winning_ratio: bool | None = None
    winning_ratio: float | None = None  # percent
    issue_pe_rate: float | None = None
    apply_date: dt.date | None = None
    winning_date: dt.date | None = None
    is_has_won: bool | None = None
    winning_numbers: tuple[tuple[str, str], ...] = ()
    # HK / US part (HKIpoExData, USIpoExData)
    ipo_price_min: float | None = None
    ipo_price_max: float | None = None
    list_price: float | None = None
    lot_size: int | None = None
    entrance_price: float | None = None
    is_subscribe_status: bool | None = None
    apply_end_time: dt.datetime | None = None


# ----------------------------------------------------------------- helpers

_CURRENCY = {"HK": "HKD", "US": "USD", "SH": "CNY", "SZ": "CNY", "SG": "SGD", "JP": "JPY",
             "AU": "AUD", "MY": "MYR", "CA": "CAD", "FX": "USD"}

SpotSource = Callable[[str, dt.date], float]

# The SDK's SecurityType strings (STOCK, IDX, ETF) accepted in universe files.
_SDK_SEC_TYPES = {"STOCK": "EQTY", "IDX": "INDEX", "ETF": "TRUST"}


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _fraction(*parts: object) -> float:
    """Deterministic number in [0, 1) from the parts."""
    return (stable_seed(*parts) % 1_000_003) / 1_000_003


def _is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def _last_business_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, _calendar.monthrange(year, month)[1])
    while not _is_weekday(day):
        day -= dt.timedelta(1)
    return day


def _previous_business_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(1)
    while not _is_weekday(day):
        day -= dt.timedelta(1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    shift = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=shift + 7 * (n - 1))


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def _round_ratio(target: float) -> float:
    """The 1-2-5 number nearest to ``target`` (at least 1)."""
    best = 1.0
    for exp in range(0, 6):
        for m in (1.0, 2.0, 5.0):
            value = m * 10 ** exp
            if abs(math.log(value / max(target, 1.0))) < abs(math.log(best / max(target, 1.0))):
                best = value
    return best


def _strike_step(spot: float) -> float:
    """Strike interval: a round number near 2.5 % of the price."""
    target = spot * 0.025
    for step in (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0):
        if step >= target * 0.7:
            return step
    return 1000.0


def _strike_grid(spot: float, count: int) -> list[float]:
    step = _strike_step(spot)
    center = round(spot / step) * step
    out = [round(center + k * step, 4) for k in range(-count, count + 1)]
    return [s for s in out if s > 0]


def _strike_text(strike: float) -> str:
    """Strike in Futu option codes: price x 1000, no decimals (350.00 -> 350000; docs L3801)."""
    return str(int(round(strike * 1000)))


_CN_DIGITS = "零一二三四五六七八九"
_CN_MONTHS = {10: "甲", 11: "乙", 12: "丙"}
_ISSUER_CN = {Issuer.SG: "法兴", Issuer.BP: "法巴", Issuer.CT: "花旗", Issuer.GS: "高盛",
              Issuer.HS: "汇丰", Issuer.JP: "摩通", Issuer.MB: "麦银", Issuer.UB: "瑞银",
              Issuer.BI: "中银", Issuer.MS: "摩利", Issuer.HT: "海通", Issuer.CI: "中信"}
_KIND_CN = {WarrantKind.CALL: "购", WarrantKind.PUT: "沽", WarrantKind.BULL: "牛",
            WarrantKind.BEAR: "熊", WarrantKind.INLINE: "界"}

# Warrant issuance: per owner and month, these (kind, issuer) slots list one
# product each; codes cycle through HKEX's ranges for each product family.
_WARRANT_SLOTS: tuple[tuple[WarrantKind, Issuer], ...] = (
    (WarrantKind.CALL, Issuer.SG), (WarrantKind.CALL, Issuer.JP), (WarrantKind.CALL, Issuer.UB),
    (WarrantKind.PUT, Issuer.HS), (WarrantKind.PUT, Issuer.BI),
    (WarrantKind.BULL, Issuer.SG), (WarrantKind.BULL, Issuer.UB), (WarrantKind.BULL, Issuer.HS),
    (WarrantKind.BEAR, Issuer.JP), (WarrantKind.BEAR, Issuer.MB),
    (WarrantKind.INLINE, Issuer.BI),
)
_WARRANT_CODE_BASE = {"DW": 10000, "CBBC": 50000, "INLINE": 47000}
_WARRANT_CODE_SPAN = {"DW": 20000, "CBBC": 20000, "INLINE": 2000}
_WARRANT_LIFE_MONTHS = 24  # the longest maturity we issue


def _family(kind: WarrantKind) -> str:
    if kind in (WarrantKind.BULL, WarrantKind.BEAR):
        return "CBBC"
    if kind is WarrantKind.INLINE:
        return "INLINE"
    return "DW"


# ----------------------------------------------------------------- universe


class Universe:
    """All instruments of a simulated market (see the module docstring)."""

    def __init__(self, instruments: list[Instrument] | None = None, plates: list[Plate] | None = None,
                 index_members: dict[str, tuple[str, ...]] | None = None,
                 today: Callable[[], dt.date] | None = None) -> None:
        self._static: dict[str, Instrument] = {}
        self._plates: dict[str, Plate] = {}
        self._index_members: dict[str, tuple[str, ...]] = dict(index_members or {})
        self._derived: dict[str, Instrument] = {}
        self._chains: dict[tuple[str, dt.date, int], tuple[Instrument, ...]] = {}
        self._warrant_months: dict[tuple[str, int], tuple[Instrument, ...]] = {}
        self._spot: SpotSource | None = None
        self._knock_out: Callable[[Instrument], dt.date | None] | None = None
        self._today = today or dt.date.today
        self._owner_plates: dict[str, list[str]] = {}
        self._roll_cache: dict[tuple[str, int, int], list[dt.date]] = {}
        for inst in instruments or []:
            self._static[inst.code] = inst
        for plate in plates or []:
            self._add_plate(plate)

    # ------------------------------------------------------------- building

    @classmethod
    def builtin(cls) -> "Universe":
        """The embedded default universe (deterministic)."""
        return _build_builtin()

    def bind_spot_source(self, spot: SpotSource | None) -> None:
        """Price of an underlying on a day (used to lay out strikes).  Binding
        clears the generated derivatives so they follow the new prices."""
        self._spot = spot
        self._derived.clear()
        self._chains.clear()
        self._warrant_months.clear()

    def bind_knock_out_source(self, source: Callable[[Instrument], dt.date | None] | None) -> None:
        """Day a CBBC was called (its underlying touched the call price), or
        None; called CBBCs leave ``warrants_of`` from the next day on."""
        self._knock_out = source

    def bind_today(self, today: Callable[[], dt.date]) -> None:
        """Where "today" comes from when a derivative lookup gives no date."""
        self._today = today

    def today(self) -> dt.date:
        return self._today()

    def _add_plate(self, plate: Plate) -> None:
        old = self._plates.get(plate.code)
        if old is not None:
            for m in old.members:
                if plate.code in self._owner_plates.get(m, []):
                    self._owner_plates[m].remove(plate.code)
        self._plates[plate.code] = plate
        for m in plate.members:
            self._owner_plates.setdefault(m, []).append(plate.code)

    def add(self, inst: Instrument) -> None:
        """Add or replace a static instrument."""
        self._static[inst.code] = inst

    def load_file(self, path: str | Path) -> int:
        """Add/override instruments from a CSV or JSON file; returns how many.

        Columns (CSV header / JSON object keys): ``code`` (e.g. HK.00700),
        ``name``, ``sec_type`` (SecurityType name such as EQTY, TRUST, INDEX,
        or its number), ``lot_size`` (> 0), ``reference_price`` (> 0);
        optional ``currency`` (default by market), ``listing_date``
        (YYYY-MM-DD, default 2000-01-03), ``volatility`` (0 < v <= 5, default
        0.3), ``exchange_type`` (ExchType number), ``delisted`` (true/false),
        ``plates`` (plate codes separated by ';'; each must exist).  JSON is a
        list of such objects.  Any bad row raises ValueError naming the row
        and field, and nothing is changed.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ValueError(f"cannot read universe file {p}: {exc}") from exc
        rows: list[tuple[str, dict[str, object]]] = []
        if p.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{p}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
            if not isinstance(data, list):
                raise ValueError(f"{p}: expected a JSON list of instrument objects")
            for i, obj in enumerate(data):
                if not isinstance(obj, dict):
                    raise ValueError(f"{p}: item {i}: expected an object")
                rows.append((f"item {i}", obj))
        else:
            reader = csv.DictReader(text.splitlines())
            if not reader.fieldnames or "code" not in reader.fieldnames:
                raise ValueError(f"{p}: line 1: header must name at least code,name,sec_type,lot_size,reference_price")
            for i, obj in enumerate(reader):
                rows.append((f"line {i + 2}", {k: v for k, v in obj.items() if k is not None}))
        parsed = [self._row_to_instrument(str(p), where, obj) for where, obj in rows]
        for inst in parsed:
            self._static[inst.code] = inst
        for inst in parsed:
            for plate_code in inst.plates:
                plate = self._plates[plate_code]
                if inst.code not in plate.members:
                    self._add_plate(Plate(plate.code, plate.name, plate.plate_type, plate.market,
                                          plate.members + (inst.code,)))
        return len(parsed)

    def _row_to_instrument(self, path: str, where: str, row: dict[str, object]) -> Instrument:
        def fail(fld: str, msg: str) -> ValueError:
            return ValueError(f"{path}: {where}: field {fld!r}: {msg}")

        def get(fld: str, required: bool = True) -> str | None:
            value = row.get(fld)
            if value is None or str(value).strip() == "":
                if required:
                    raise fail(fld, "missing")
                return None
            return str(value).strip()

        code = get("code") or ""
        try:
            sec = SecurityCode.parse(code)
        except ValueError as exc:
            raise fail("code", str(exc)) from None
        sec = SecurityCode(sec.market, sec.code)
        name = get("name") or ""
        st = get("sec_type") or ""
        try:
            sec_type = (SecurityType(int(st)) if st.isdigit()
                        else SecurityType[_SDK_SEC_TYPES.get(st.upper(), st.upper())])
        except (KeyError, ValueError):
            raise fail("sec_type", f"unknown security type {st!r}") from None
        if sec_type in (SecurityType.DRVT, SecurityType.WARRANT, SecurityType.FUTURE, SecurityType.PLATE,
                        SecurityType.PLATESET, SecurityType.UNKNOWN):
            raise fail("sec_type", f"{sec_type.name} cannot be loaded from a file (derivatives are generated)")

        def number(fld: str, default: float | None, kind: type = float) -> float:
            raw = get(fld, default is None)
            if raw is None:
                return float(default)  # type: ignore[arg-type]
            try:
                value = kind(raw)
            except ValueError:
                raise fail(fld, f"not a number: {raw!r}") from None
            if not math.isfinite(value):
                raise fail(fld, f"not finite: {raw!r}")
            return value

        lot = int(number("lot_size", None, int))
        if lot <= 0:
            raise fail("lot_size", "must be positive")
        price = number("reference_price", None)
        if price <= 0:
            raise fail("reference_price", "must be positive")
        vol = number("volatility", 0.3)
        if not 0 < vol <= 5:
            raise fail("volatility", "must be in (0, 5]")
        prefix = code.partition(".")[0].upper()
        currency = (get("currency", False) or _CURRENCY.get(prefix, "USD")).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise fail("currency", f"not an ISO currency code: {currency!r}")
        listing = get("listing_date", False) or "2000-01-03"
        try:
            listing_date = _d(listing)
        except ValueError:
            raise fail("listing_date", f"not a YYYY-MM-DD date: {listing!r}") from None
        exch = int(number("exchange_type", 0, int))
        if exch not in ExchType._value2member_map_:
            raise fail("exchange_type", f"unknown ExchType {exch}")
        delisted_raw = (get("delisted", False) or "false").lower()
        if delisted_raw not in ("true", "false", "1", "0", "yes", "no"):
            raise fail("delisted", f"not a boolean: {delisted_raw!r}")
        plates = tuple(x.strip() for x in (get("plates", False) or "").split(";") if x.strip())
        for pc in plates:
            if pc not in self._plates:
                raise fail("plates", f"unknown plate {pc!r}")
        return Instrument(sec, name, sec_type, lot, currency, listing_date, price, vol, exch,
                          delisted_raw in ("true", "1", "yes"), plates=plates)

    # ------------------------------------------------------------- lookups

    def instrument(self, code: str) -> Instrument | None:
        """The instrument behind ``code`` or None (generates derivatives on demand)."""
        hit = self._static.get(code) or self._derived.get(code)
        if hit is not None:
            return hit
        prefix, _, body = code.partition(".")
        if prefix not in MARKET_BY_PREFIX or not body:
            return None
        return self._resolve_derivative(prefix, body)

    def get(self, code: str) -> Instrument:
        inst = self.instrument(code)
        if inst is None:
            raise UnknownSecurity(code)
        return inst

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.instrument(code) is not None

    def __iter__(self) -> Iterator[Instrument]:
        """The static instruments (derivatives come from options_of and friends)."""
        return iter(sorted(self._static.values(), key=lambda i: i.code))

    def __len__(self) -> int:
        return len(self._static)

    def by_market(self, market: QotMarket, sec_type: SecurityType | None = None) -> list[Instrument]:
        """Static instruments of a market (HK_FUTURE: the HK futures), sorted by code.
        Warrants and options come from ``warrants_of`` / ``options_of``; with
        sec_type WARRANT the warrants alive today are included."""
        if market == QotMarket.HK_FUTURE:
            out = [i for i in self._static.values()
                   if i.security.market == QotMarket.HK_SECURITY and i.sec_type == SecurityType.FUTURE]
        else:
            out = [i for i in self._static.values()
                   if i.security.market == market and (sec_type is None or i.sec_type == sec_type)]
            if market == QotMarket.HK_SECURITY and sec_type in (SecurityType.WARRANT, None):
                out.extend(self.warrants_of(None))
        return sorted(out, key=lambda i: i.code)

    def constituents(self, index_code: str) -> list[str]:
        return list(self._index_members.get(index_code, ()))

    # ------------------------------------------------------------- plates

    def plates(self, market: QotMarket, plate_type: PlateSetType = PlateSetType.ALL) -> list[Plate]:
        """Plates of a market; SH and SZ both mean the A-share plates."""
        cn = (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
        markets = cn if market in cn else (market,)
        return sorted((p for p in self._plates.values()
                       if p.market in markets and (plate_type == PlateSetType.ALL or p.plate_type == plate_type)),
                      key=lambda p: p.code)

    def plate(self, code: str) -> Plate:
        hit = self._plates.get(code)
        if hit is None:
            if code in self._index_members:
                inst = self._static[code]
                return Plate(code, inst.name, PlateSetType.OTHER, inst.security.market,
                             self._index_members[code])
            raise UnknownSecurity(code)
        return hit

    def plate_members(self, plate_code: str) -> list[Instrument]:
        """Members of a plate or an index, sorted by code."""
        members = self.plate(plate_code).members
        return sorted((i for i in (self.instrument(m) for m in members) if i is not None), key=lambda i: i.code)

    def owner_plates(self, code: str) -> list[Plate]:
        """Plates a security belongs to; UnknownSecurity for unknown codes."""
        self.get(code)
        return [self._plates[c] for c in sorted(self._owner_plates.get(code, []))]

    # ------------------------------------------------------------- options

    def _option_root(self, owner_code: str) -> tuple[str, str] | None:
        return catalog.HK_OPTION_ROOTS.get(owner_code) or catalog.US_OPTION_ROOTS.get(owner_code)

    def _option_schedule(self, owner: Instrument, today: dt.date) -> list[tuple[dt.date, ExpirationCycle, dt.date]]:
        """(expiry, cycle, listing date) of every expiry alive on ``today``."""
        hk = owner.security.market == QotMarket.HK_SECURITY
        out: dict[dt.date, tuple[ExpirationCycle, dt.date]] = {}
        for k in range(-1, 16):
            y, m = _add_months(today.year, today.month, k)
            if hk:
                # HKEX stock/index options: business day before the last one of the month
                expiry = _previous_business_day(_last_business_day(y, m))
            else:
                expiry = _nth_weekday(y, m, 4, 3)  # US monthlies: third Friday
            quarterly = m in (3, 6, 9, 12)
            horizon = 400 if quarterly else 100
            listed = expiry - dt.timedelta(days=horizon)
            if listed <= today <= expiry:
                out[expiry] = (ExpirationCycle.QUARTERLY if quarterly and k > 3 else ExpirationCycle.MONTH, listed)
        if not hk:
            # US weeklies: the next five Fridays that are not monthlies
            friday = today + dt.timedelta(days=(4 - today.weekday()) % 7)
            for w in range(5):
                day = friday + dt.timedelta(weeks=w)
                if day not in out:
                    out[day] = (ExpirationCycle.WEEK, day - dt.timedelta(weeks=5))
        return sorted((e, c, l) for e, (c, l) in out.items())

    def _spot_on(self, code: str, day: dt.date) -> float:
        inst = self._static.get(code)
        if self._spot is not None:
            try:
                value = float(self._spot(code, day))
                if value > 0 and math.isfinite(value):
                    return value
            except (KeyError, ValueError):
                pass
        return inst.reference_price if inst is not None else 1.0

    def _chain(self, owner: Instrument, expiry: dt.date, cycle: ExpirationCycle, listed: dt.date,
               today: dt.date | None = None) -> tuple[Instrument, ...]:
        """Contracts of one expiry as listed by ``today``: a strike grid around
        the underlying's price on the listing day, widened on the first
        business day of every later month so that strikes follow the price
        (each added strike is listed that day)."""
        seen_by = min(today or self.today(), expiry)
        refresh = [listed]
        y, m = listed.year, listed.month
        while True:
            y, m = _add_months(y, m, 1)
            first = dt.date(y, m, 1)
            while not _is_weekday(first):
                first += dt.timedelta(1)
            if first > seen_by:
                break
            refresh.append(first)
        key = (owner.code, expiry, len(refresh))
        hit = self._chains.get(key)
        if hit is not None:
            return hit
        root, short = self._option_root(owner.code) or (owner.security.code, owner.security.code)
        hk = owner.security.market == QotMarket.HK_SECURITY
        is_index = owner.sec_type == SecurityType.INDEX
        if hk:
            contract_size = 50.0 if is_index else float(owner.lot_size)  # HSI options: HK$50 per point
            currency = "HKD"
        else:
            contract_size = 100.0  # US equity options: 100 shares
            currency = "USD"
        style = ExerciseStyle.EUROPEAN if is_index else ExerciseStyle.AMERICAN
        step = _strike_step(self._spot_on(owner.code, listed))
        first_listed: dict[float, tuple[dt.date, float]] = {}
        for day in refresh:
            spot = self._spot_on(owner.code, day)
            center = round(spot / step) * step
            for k in range(-10, 11):
                strike = round(center + k * step, 4)
                if strike > 0 and strike not in first_listed:
                    first_listed[strike] = (day, spot)
        out = []
        for strike in sorted(first_listed):
            day, spot = first_listed[strike]
            for right, letter, cn in ((OptionRight.CALL, "C", "购"), (OptionRight.PUT, "P", "沽")):
                body = f"{root}{expiry:%y%m%d}{letter}{_strike_text(strike)}"
                code = f"{PREFIX_BY_MARKET[owner.security.market]}.{body}"
                inst = self._derived.get(code)
                if inst is None:
                    name = (f"{short} {expiry:%y%m%d} {strike:.2f} {cn}" if hk
                            else f"{short} {expiry:%y%m%d} {strike:.2f}{letter}")
                    terms = OptionTerms(owner.security, right, strike, expiry, contract_size, style,
                                        IndexOptionType.NORMAL if is_index else IndexOptionType.NONE, cycle, root)
                    ref = max(abs(spot - strike) * 0.1, spot * 0.01)
                    inst = Instrument(SecurityCode(owner.security.market, body), name, SecurityType.DRVT,
                                      int(contract_size), currency, day, ref, owner.volatility,
                                      int(ExchType.HK_HKEX if hk else ExchType.US_OPTION),
                                      owner=owner.security, terms=terms)
                    self._derived[code] = inst
                out.append(inst)
        chain = tuple(out)
        self._chains[key] = chain
        return chain

    def option_expiries(self, owner_code: str, today: dt.date | None = None) -> list[dt.date]:
        """Expiry dates alive on ``today`` (default: the bound today)."""
        owner = self.get(owner_code)
        if self._option_root(owner_code) is None:
            return []
        return [e for e, _, _ in self._option_schedule(owner, today or self.today())]

    def option_expiry_cycles(self, owner_code: str, today: dt.date | None = None) -> list[tuple[dt.date, ExpirationCycle]]:
        owner = self.get(owner_code)
        if self._option_root(owner_code) is None:
            return []
        return [(e, c) for e, c, _ in self._option_schedule(owner, today or self.today())]

    def options_of(self, owner_code: str, today: dt.date | None = None,
                   expiry: dt.date | None = None) -> list[Instrument]:
        """Option contracts on an underlying alive on ``today``, sorted by
        (expiry, strike, call before put); optionally one expiry only."""
        owner = self.get(owner_code)
        if self._option_root(owner_code) is None:
            return []
        out: list[Instrument] = []
        day = today or self.today()
        for e, cycle, listed in self._option_schedule(owner, day):
            if expiry is None or e == expiry:
                out.extend(c for c in self._chain(owner, e, cycle, listed, day) if c.listing_date <= day)
        return out

    def option_owners(self) -> list[str]:
        return sorted(c for c in list(catalog.HK_OPTION_ROOTS) + list(catalog.US_OPTION_ROOTS) if c in self._static)

    # ------------------------------------------------------------- warrants

    def _warrants_issued(self, owner_code: str, month_index: int) -> tuple[Instrument, ...]:
        key = (owner_code, month_index)
        hit = self._warrant_months.get(key)
        if hit is not None:
            return hit
        owner = self._static[owner_code]
        short = catalog.WARRANT_OWNERS[owner_code]
        owners = list(catalog.WARRANT_OWNERS)
        o_idx = owners.index(owner_code)
        year, month = divmod(month_index, 12)
        month += 1
        listed = dt.date(year, month, 1) + dt.timedelta(days=int(_fraction(owner_code, month_index, "list") * 20))
        while not _is_weekday(listed):
            listed += dt.timedelta(1)
        spot = self._spot_on(owner_code, listed)
        is_index = owner.sec_type == SecurityType.INDEX
        out = []
        for s_idx, (kind, issuer) in enumerate(_WARRANT_SLOTS):
            u = _fraction(owner_code, month_index, s_idx)
            fam = _family(kind)
            slots_in_family = sum(1 for k, _ in _WARRANT_SLOTS if _family(k) == fam)
            f_idx = sum(1 for k, _ in _WARRANT_SLOTS[:s_idx] if _family(k) == fam)
            per_month = slots_in_family * len(owners)
            period = _WARRANT_CODE_SPAN[fam] // per_month  # months before a code is reused
            number = (_WARRANT_CODE_BASE[fam] + (month_index % period) * per_month
                      + o_idx * slots_in_family + f_idx)
            code = f"{number:05d}"
            life = 4 + int(u * (20 if fam == "DW" else 14))  # months
            if fam == "INLINE":
                life = 3 + int(u * 4)
            my, mm = _add_months(year, month, life)
            maturity = _previous_business_day(_last_business_day(my, mm) + dt.timedelta(1))
            last_trade = maturity - dt.timedelta(days=4)
            while not _is_weekday(last_trade):
                last_trade -= dt.timedelta(1)
            # round entitlement ratios that put a warrant near HK$0.1-1 (Tencent: 100 per share)
            ratio = 10000.0 if is_index else _round_ratio(spot / 5.0) * (1, 1, 2)[int(u * 3)]
            call_price = lower = upper = None
            if kind is WarrantKind.CALL:
                strike = spot * (1.05 + 0.25 * u)
            elif kind is WarrantKind.PUT:
                strike = spot * (0.95 - 0.25 * u)
            elif kind is WarrantKind.BULL:
                strike = spot * (0.80 + 0.12 * u)
                call_price = strike * 1.02 if not is_index else strike + spot * 0.01
            elif kind is WarrantKind.BEAR:
                strike = spot * (1.20 - 0.12 * u)
                call_price = strike * 0.98 if not is_index else strike - spot * 0.01
            else:
                lower, upper = spot * (0.85 - 0.05 * u), spot * (1.15 + 0.05 * u)
                strike = 0.0
                ratio = 1.0
            tick = 1.0 if is_index else (0.05 if spot < 100 else 0.2)
            strike = round(round(strike / tick) * tick, 3)
            if call_price is not None:
                call_price = round(round(call_price / tick) * tick, 3)
            if lower is not None and upper is not None:
                lower, upper = round(round(lower / tick) * tick, 3), round(round(upper / tick) * tick, 3)
            letter = "ABCDEFGHJK"[int(u * 10) % 10]
            month_cn = _CN_MONTHS[mm] if mm in _CN_MONTHS else _CN_DIGITS[mm]
            name = f"{short}{_ISSUER_CN.get(issuer, issuer.name)}{_CN_DIGITS[my % 10]}{month_cn}{_KIND_CN[kind]}{letter}.C"
            terms = WarrantTerms(owner.security, kind, strike, maturity, last_trade, ratio, issuer, listed,
                                 issue_size=int(1e7 * (4 + int(u * 16))), call_price=call_price,
                                 lower_strike_price=lower, upper_strike_price=upper)
            ref = max(0.01, round(spot * 0.08 / ratio, 3))  # near a typical premium at issue
            out.append(Instrument(SecurityCode(QotMarket.HK_SECURITY, code), name, SecurityType.WARRANT,
                                  10000 if fam != "INLINE" else 5000, "HKD", listed, ref,
                                  owner.volatility * 4, int(ExchType.HK_MAINBOARD),
                                  owner=owner.security, terms=terms))
        value = tuple(out)
        self._warrant_months[key] = value
        for inst in value:
            old = self._derived.get(inst.code)
            if old is None or old.listing_date < inst.listing_date:
                self._derived[inst.code] = inst
        return value

    def _called_before(self, inst: Instrument, day: dt.date) -> bool:
        t: WarrantTerms = inst.terms  # type: ignore[assignment]
        if self._knock_out is None or t.call_price is None:
            return False
        called = self._knock_out(inst)
        return called is not None and called < day

    def warrants_of(self, owner_code: str | None, today: dt.date | None = None) -> list[Instrument]:
        """HK warrants, CBBCs and inline warrants listed on or before ``today``
        and not past their last trading day (all underlyings when None)."""
        day = today or self.today()
        if owner_code is None:
            owners = [c for c in catalog.WARRANT_OWNERS if c in self._static]
        elif owner_code in catalog.WARRANT_OWNERS and owner_code in self._static:
            owners = [owner_code]
        else:
            self.get(owner_code)
            return []
        now_index = day.year * 12 + day.month - 1
        out: list[Instrument] = []
        for owner in owners:
            for mi in range(now_index - _WARRANT_LIFE_MONTHS, now_index + 1):
                for inst in self._warrants_issued(owner, mi):
                    t: WarrantTerms = inst.terms  # type: ignore[assignment]
                    if inst.listing_date <= day <= t.last_trade_date and not self._called_before(inst, day):
                        out.append(inst)
        # a recycled code: keep the newest issue
        latest: dict[str, Instrument] = {}
        for inst in out:
            old = latest.get(inst.code)
            if old is None or inst.listing_date > old.listing_date:
                latest[inst.code] = inst
        for inst in latest.values():
            self._derived[inst.code] = inst
        return sorted(latest.values(), key=lambda i: i.code)

    # ------------------------------------------------------------- futures

    def _future_root(self, root: str) -> tuple | None:
        for row in catalog.FUTURE_ROOTS:
            if row[0] == root:
                return row
        return None

    def _future_months(self, rule: str, today: dt.date) -> list[tuple[dt.date, dt.date]]:
        """(contract month, last trading day) of the contracts trading on ``today``."""
        out = []
        for k in range(-1, 15):
            y, m = _add_months(today.year, today.month, k)
            last = self._last_trade_day(rule, y, m)
            if last is None or last < today:
                continue
            out.append((dt.date(y, m, 1), last))
        if rule == "hk":
            months = out[:2] + [x for x in out[2:] if x[0].month in (3, 6, 9, 12)][:2]
        elif rule == "sgx":
            months = out[:12]
        else:
            months = out[:4]
        return months

    @staticmethod
    def _last_trade_day(rule: str, y: int, m: int) -> dt.date | None:
        if rule == "hk":
            return _previous_business_day(_last_business_day(y, m))
        if rule == "sgx":
            return _previous_business_day(_last_business_day(y, m))
        if rule == "quarterly3fri":
            return _nth_weekday(y, m, 4, 3) if m in (3, 6, 9, 12) else None
        if rule == "ose":
            return _previous_business_day(_nth_weekday(y, m, 4, 2)) if m in (3, 6, 9, 12) else None
        raise ValueError(f"unknown contract month rule {rule!r}")

    def _future_instrument(self, row: tuple, month: dt.date | None, last: dt.date | None) -> Instrument:
        (root, prefix, name, owner, owner_name, mult, tick, ccy, exch, ctype, rule, level, vol, tz) = row
        body = f"{root}main" if month is None else f"{root}{month:%y%m}"
        code = f"{prefix}.{body}"
        hit = self._static.get(code) or self._derived.get(code)
        if hit is not None:
            return hit
        owner_sec = SecurityCode.parse(owner) if owner else None
        ref = level
        if owner and owner in self._static:
            ref = self._static[owner].reference_price
        terms = FutureTerms(root, owner_sec, owner_name if owner is None else "", mult, last, month is None,
                            ctype, ccy, exch, tick, tz, month)
        display = f"{name}主连" if month is None else f"{name}{month:%y%m}"  # docs L5324
        exch_type = {"HK": ExchType.HK_HKEX, "US": ExchType.US_CME, "SG": ExchType.SG_SGX,
                     "JP": ExchType.JP_OSE}[prefix]
        # main contracts carry history from 2015 (enough for any K-line request depth we serve)
        listing = dt.date(2015, 1, 2) if month is None else dt.date(month.year - 1, month.month, 1)
        inst = Instrument(SecurityCode(MARKET_BY_PREFIX[prefix], body), display, SecurityType.FUTURE, int(mult),
                          ccy, listing, ref, vol, int(exch_type), owner=owner_sec, terms=terms)
        if month is None:
            self._static[code] = inst
        else:
            self._derived[code] = inst
        return inst

    def futures_of(self, owner_or_root: str, today: dt.date | None = None) -> list[Instrument]:
        """Contract months trading on ``today`` of a root ("HSI") or of every
        root on an underlying ("HK.800000"), nearest first."""
        day = today or self.today()
        rows = [r for r in catalog.FUTURE_ROOTS if r[0] == owner_or_root or r[3] == owner_or_root
                or f"{r[1]}.{r[0]}main" == owner_or_root]
        out = []
        for row in rows:
            for month, last in self._future_months(row[10], day):
                out.append(self._future_instrument(row, month, last))
        return out

    def main_future(self, root: str) -> Instrument:
        """The main continuous contract of a root ("HSI" or "HK.HSImain")."""
        name = root.partition(".")[2] or root
        name = name[:-4] if name.endswith("main") else name
        row = self._future_root(name)
        if row is None:
            raise UnknownSecurity(root)
        return self._future_instrument(row, None, None)

    def contract_last_trade(self, root: str, day: dt.date) -> dt.date:
        """Last trading day of the nearest contract of ``root`` still trading on ``day``."""
        row = self._future_root(root)
        if row is None:
            raise UnknownSecurity(root)
        key = (root, day.year, day.month)
        cached = self._roll_cache.get(key)
        if cached is None:
            cached = []
            for k in range(0, 4):
                y, m = _add_months(day.year, day.month, k)
                last = self._last_trade_day(row[10], y, m)
                if last is not None:
                    cached.append(last)
            self._roll_cache[key] = cached
        for last in cached:
            if last >= day:
                return last
        raise ValueError(f"no {root} contract trades on {day}")

    def main_contract_month(self, root: str, today: dt.date | None = None) -> Instrument:
        """The contract month the main contract follows on ``today`` (the
        nearest one; it rolls after the last trading day)."""
        main = self.main_future(root)
        t: FutureTerms = main.terms  # type: ignore[assignment]
        return self.futures_of(t.root, today)[0]

    # ------------------------------------------------------------- related

    def related(self, code: str, kind: ReferenceKind, today: dt.date | None = None) -> list[Instrument]:
        """get_referencestock_list: warrants of a stock, or the contracts of a
        main futures contract."""
        inst = self.get(code)
        if kind == ReferenceKind.WARRANT:
            return self.warrants_of(code, today) if inst.sec_type in (SecurityType.EQTY, SecurityType.INDEX) else []
        if kind == ReferenceKind.FUTURE:
            if inst.sec_type != SecurityType.FUTURE:
                return []
            t: FutureTerms = inst.terms  # type: ignore[assignment]
            return self.futures_of(t.root, today)
        raise ValueError(f"unsupported reference type {kind!r}")

    # ------------------------------------------------------------- derivative codes

    def _resolve_derivative(self, prefix: str, body: str) -> Instrument | None:
        # futures: ROOTmain or ROOTyymm
        for row in catalog.FUTURE_ROOTS:
            if row[1] != prefix or not body.startswith(row[0]):
                continue
            rest = body[len(row[0]):]
            if rest == "main":
                return self._future_instrument(row, None, None)
            if len(rest) == 4 and rest.isdigit():
                y, m = 2000 + int(rest[:2]), int(rest[2:])
                if 1 <= m <= 12:
                    last = self._last_trade_day(row[10], y, m)
                    if last is not None:
                        return self._future_instrument(row, dt.date(y, m, 1), last)
        # warrants: 5-digit HK codes in the warrant ranges
        if prefix == "HK" and len(body) == 5 and body.isdigit():
            number = int(body)
            if any(_WARRANT_CODE_BASE[f] <= number < _WARRANT_CODE_BASE[f] + _WARRANT_CODE_SPAN[f]
                   for f in _WARRANT_CODE_BASE):
                return self._find_warrant(f"HK.{body}")
            return None
        # options: ROOT yymmdd C|P strike*1000
        return self._find_option(prefix, body)

    def _find_warrant(self, code: str) -> Instrument | None:
        """Decode a warrant code to its issuance slot: family range, month of
        issue (the latest month not after today that used the code), owner
        and product slot."""
        number = int(code.partition(".")[2])
        owners = list(catalog.WARRANT_OWNERS)
        day = self.today()
        now_index = day.year * 12 + day.month - 1
        for fam, base in _WARRANT_CODE_BASE.items():
            if not base <= number < base + _WARRANT_CODE_SPAN[fam]:
                continue
            slots = [i for i, (k, _) in enumerate(_WARRANT_SLOTS) if _family(k) == fam]
            per_month = len(slots) * len(owners)
            period = _WARRANT_CODE_SPAN[fam] // per_month
            r = number - base
            month_mod, within = divmod(r, per_month)
            if month_mod >= period:
                return None
            owner = owners[within // len(slots)]
            if owner not in self._static:
                return None
            month_index = now_index - ((now_index - month_mod) % period)
            for inst in self._warrants_issued(owner, month_index):
                if inst.code == code:
                    return inst
        return None

    def _find_option(self, prefix: str, body: str) -> Instrument | None:
        i = 0
        while i < len(body) and body[i].isalpha():
            i += 1
        root, rest = body[:i], body[i:]
        if len(rest) < 8 or not rest[:6].isdigit() or rest[6] not in "CP" or not rest[7:].isdigit():
            return None
        try:
            expiry = dt.date(2000 + int(rest[:2]), int(rest[2:4]), int(rest[4:6]))
        except ValueError:
            return None
        owner_code = None
        for table in (catalog.HK_OPTION_ROOTS, catalog.US_OPTION_ROOTS):
            for oc, (r, _) in table.items():
                if r == root and oc.startswith(prefix + "."):
                    owner_code = oc
        if owner_code is None or owner_code not in self._static:
            return None
        owner = self._static[owner_code]
        # the expiry must be on the schedule as seen on some day before it
        day = min(expiry, self.today())
        for seen in (day, expiry):  # an expired contract: as listed on its last day
            for e, cycle, listed in self._option_schedule(owner, seen):
                if e == expiry:
                    self._chain(owner, e, cycle, listed, seen)
                    hit = self._derived.get(f"{prefix}.{body}")
                    if hit is not None:
                        return hit
        return None

    # ------------------------------------------------------------- IPOs

    def ipo_list(self, market: QotMarket, today: dt.date) -> list[IpoRecord]:
        """Deterministic IPO calendar around ``today``: offers in subscription
        or listing within the coming weeks (SH and SZ both mean A-shares)."""
        cn = market in (QotMarket.CNSH_SECURITY, QotMarket.CNSZ_SECURITY)
        if not (cn or market in (QotMarket.HK_SECURITY, QotMarket.US_SECURITY)):
            return []
        out: list[IpoRecord] = []
        monday = today - dt.timedelta(days=today.weekday())
        for w in range(-1, 4):
            week = monday + dt.timedelta(weeks=w)
            week_no = week.toordinal() // 7
            for k in range(3):
                u = _fraction("ipo", int(market) if not cn else 21, week_no, k)
                list_date = week + dt.timedelta(days=int(u * 5))
                if list_date < today - dt.timedelta(days=3):
                    continue
                out.append(self._ipo_record(market, cn, week_no, k, u, list_date, today))
        return sorted(out, key=lambda r: (r.list_date or dt.date.max, r.code))

    def _ipo_record(self, market: QotMarket, cn: bool, week_no: int, k: int, u: float,
                    list_date: dt.date, today: dt.date) -> IpoRecord:
        industry = list(catalog.INDUSTRIES.values())[(week_no + k) % len(catalog.INDUSTRIES)][3]
        if cn:
            board = ("SH", "60") if k == 0 else (("SZ", "30") if k == 1 else ("SH", "68"))
            number = (week_no * 3 + k) % 10000
            while f"{board[0]}.{board[1]}{number:04d}" in self._static:
                number = (number + 1) % 10000
            code = f"{board[0]}.{board[1]}{number:04d}"
            price = round(8 + 40 * u, 2)
            apply_date = list_date - dt.timedelta(days=10)
            size = int(2e7 + 2e8 * u) // 1000 * 1000
            return IpoRecord(code, f"模拟{industry}{week_no % 100:02d}", MARKET_BY_PREFIX[board[0]], list_date,
                             apply_code=f"{'73' if board[0] == 'SH' else '30'}{number:04d}",
                             issue_size=size, online_issue_size=size * 3 // 10, apply_upper_limit=size // 1000 // 100 * 100 or 100,
                             apply_limit_market_value=(size // 1000 // 100 * 100 or 100) * 10,
                             is_estimate_ipo_price=apply_date > today, ipo_price=price,
                             industry_pe_rate=round(15 + 20 * u, 2), is_estimate_winning_ratio=apply_date + dt.timedelta(2) > today,
                             winning_ratio=round(0.02 + 0.05 * u, 4), issue_pe_rate=round(12 + 18 * u, 2),
                             apply_date=apply_date, winning_date=apply_date + dt.timedelta(days=2),
                             is_has_won=apply_date + dt.timedelta(days=2) <= today,
                             winning_numbers=(("末四位数", f"{int(u * 10000):04d}"),)
                             if apply_date + dt.timedelta(days=2) <= today else ())
        if market == QotMarket.HK_SECURITY:
            number = 2000 + (week_no * 3 + k) % 7000
            while f"HK.{number:05d}" in self._static:  # a new listing takes a free code
                number += 7000 if number < 2000 else 1
            code = f"HK.{number:05d}"
            low = round(2 + 30 * u, 2)
            high = round(low * 1.15, 2)
            lot = (100, 200, 500, 1000)[int(u * 4)]
            end = dt.datetime.combine(list_date - dt.timedelta(days=5), dt.time(12, 0))
            return IpoRecord(code, f"模拟{industry}控股{week_no % 100:02d}", market, list_date,
                             ipo_price_min=low, ipo_price_max=high, list_price=high if list_date <= today else None,
                             lot_size=lot, entrance_price=round(high * lot * 1.0100, 2),
                             is_subscribe_status=today <= end.date(), apply_end_time=end)
        code = f"US.ZQ{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[week_no % 26]}{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[k]}"
        low = round(10 + 20 * u, 2)
        return IpoRecord(code, f"Simulated {industry} IPO {week_no % 100:02d}", market, list_date,
                         ipo_price_min=low, ipo_price_max=round(low + 2, 2), issue_size=int(5e6 + 2e7 * u))


# ----------------------------------------------------------------- built-in content


_HK_INDUSTRY_EN = {
    "internet": "Net", "bank": "Bank", "insurance": "Insure", "telecom": "Tel", "exchange": "Fin",
    "conglomerate": "Group", "realestate": "Land", "utilities": "Power", "energy": "Energy",
    "consumer": "Goods", "auto": "Motor", "semiconductor": "Chip", "hardware": "Tech", "pharma": "Bio",
    "casino": "Resort", "liquor": "Food", "newenergy": "Solar", "media": "Media", "fund": "Fund",
}


def _build_builtin() -> Universe:
    insts: list[Instrument] = []
    industry_of: dict[str, str] = {}
    hk_main = ExchType.HK_MAINBOARD
    for code, name, lot, price, vol, listed, ind in catalog.HK_STOCKS:
        insts.append(Instrument(SecurityCode(QotMarket.HK_SECURITY, code), name, SecurityType.EQTY, lot, "HKD",
                                _d(listed), price, vol, int(hk_main)))
        industry_of[f"HK.{code}"] = ind
    for code, name, lot, price, vol, listed in catalog.HK_ETFS:
        insts.append(Instrument(SecurityCode(QotMarket.HK_SECURITY, code), name, SecurityType.TRUST, lot, "HKD",
                                _d(listed), price, vol, int(hk_main)))
        industry_of[f"HK.{code}"] = "fund"
    for ticker, name, price, vol, listed, exch, ind in catalog.US_STOCKS:
        insts.append(Instrument(SecurityCode(QotMarket.US_SECURITY, ticker), name, SecurityType.EQTY, 1, "USD",
                                _d(listed), price, vol, exch))
        industry_of[f"US.{ticker}"] = ind
    for ticker, name, price, vol, listed, exch in catalog.US_ETFS:
        insts.append(Instrument(SecurityCode(QotMarket.US_SECURITY, ticker), name, SecurityType.TRUST, 1, "USD",
                                _d(listed), price, vol, exch))
        industry_of[f"US.{ticker}"] = "fund"
    for code, name, price, vol, listed, ind in catalog.CN_STOCKS:
        sec = SecurityCode.parse(code)
        exch = ExchType.CN_STIB if sec.code.startswith("688") else (
            ExchType.CN_SH if sec.market == QotMarket.CNSH_SECURITY else ExchType.CN_SZ)
        insts.append(Instrument(sec, name, SecurityType.EQTY, 100, "CNY", _d(listed), price, vol, int(exch)))
        industry_of[code] = ind
    for code, name, price, vol, listed in catalog.CN_ETFS:
        sec = SecurityCode.parse(code)
        exch = ExchType.CN_SH if sec.market == QotMarket.CNSH_SECURITY else ExchType.CN_SZ
        insts.append(Instrument(sec, name, SecurityType.TRUST, 100, "CNY", _d(listed), price, vol, int(exch)))
        industry_of[code] = "fund"
    index_members: dict[str, tuple[str, ...]] = {}
    for code, name, level, vol, listed, members in catalog.INDICES:
        sec = SecurityCode.parse(code)
        ccy = _CURRENCY[code.partition(".")[0]]
        insts.append(Instrument(sec, name, SecurityType.INDEX, 1, ccy, _d(listed), level, vol, 0))
        index_members[code] = members

    # synthetic stocks: depth for screens, plates and the stock filter
    keys = [k for k in catalog.INDUSTRIES if k != "fund"]
    for i in range(catalog.SYNTHETIC_HK_COUNT):
        ind = keys[i % len(keys)]
        u = _fraction("hk-synth", i)
        code = f"{4101 + i:05d}"
        price = round(math.exp(math.log(0.3) + u * math.log(300 / 0.3)), 2)
        lot = (100, 200, 500, 1000, 2000, 4000)[int(_fraction("hk-lot", i) * 6)]
        listed = dt.date(1995 + int(_fraction("hk-year", i) * 29), 1 + i % 12, 1 + i % 27)
        gem = i % 10 == 9
        insts.append(Instrument(SecurityCode(QotMarket.HK_SECURITY, code),
                                f"模拟{catalog.INDUSTRIES[ind][3]}{i + 1:03d}", SecurityType.EQTY, lot, "HKD",
                                listed, price, 0.25 + 0.4 * _fraction("hk-vol", i),
                                int(ExchType.HK_GEMBOARD if gem else hk_main)))
        industry_of[f"HK.{code}"] = ind
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i in range(catalog.SYNTHETIC_US_COUNT):
        ind = keys[i % len(keys)]
        ticker = "ZX" + letters[i // 26 % 26] + letters[i % 26]
        u = _fraction("us-synth", i)
        price = round(math.exp(math.log(2.0) + u * math.log(400 / 2.0)), 2)
        listed = dt.date(1995 + int(_fraction("us-year", i) * 29), 1 + i % 12, 1 + i % 27)
        insts.append(Instrument(SecurityCode(QotMarket.US_SECURITY, ticker),
                                f"Simulated {_HK_INDUSTRY_EN[ind]} Corp {i + 1:03d}", SecurityType.EQTY, 1, "USD",
                                listed, price, 0.25 + 0.5 * _fraction("us-vol", i),
                                int(ExchType.US_NASDAQ if i % 3 else ExchType.US_NYSE)))
        industry_of[f"US.{ticker}"] = ind

    # plates
    members: dict[str, list[str]] = {}
    names: dict[str, tuple[str, PlateSetType, QotMarket]] = {}
    for code, ind in industry_of.items():
        prefix = code.partition(".")[0]
        hk_id, us_id, cn_id, cname = catalog.INDUSTRIES[ind]
        if prefix == "HK":
            pc, market = f"HK.{hk_id}", QotMarket.HK_SECURITY
        elif prefix == "US":
            pc, market = f"US.{us_id}", QotMarket.US_SECURITY
        else:
            pc, market = f"SH.{cn_id}", QotMarket.CNSH_SECURITY
        members.setdefault(pc, []).append(code)
        names[pc] = (cname, PlateSetType.INDUSTRY, market)
    for prefix, pid, cname, codes in catalog.CONCEPTS:
        pc = f"{prefix}.{pid}"
        full = [c if "." in c else f"{prefix}.{c}" for c in codes]
        market = MARKET_BY_PREFIX[prefix]
        if prefix == "HK" and not full:
            full = [c for c in industry_of if c.startswith("HK.04") and _fraction("concept", pid, c) < 0.03]
        members[pc] = full
        names[pc] = (cname, PlateSetType.CONCEPT, market)
    for pid, cname, codes in catalog.CN_REGIONS:
        pc = f"SH.{pid}"
        members[pc] = list(codes)
        names[pc] = (cname, PlateSetType.REGION, QotMarket.CNSH_SECURITY)
    # boards and special lists (docs L4473-L4494), type OTHER as get_owner_plate shows (docs L3376)
    board_lists = {
        "HK.Motherboard": ("香港主板", [i.code for i in insts if i.security.market == QotMarket.HK_SECURITY
                                      and i.exchange_type == ExchType.HK_MAINBOARD and i.sec_type == SecurityType.EQTY]),
        "HK.GEM": ("香港创业板", [i.code for i in insts if i.exchange_type == ExchType.HK_GEMBOARD]),
        "HK.HSI Constituent": ("恒指成份股", list(index_members["HK.800000"])),
        "US.NYSE": ("纽约证券交易所", [i.code for i in insts if i.security.market == QotMarket.US_SECURITY
                                     and i.exchange_type == ExchType.US_NYSE]),
        "US.NASDAQ": ("纳斯达克", [i.code for i in insts if i.security.market == QotMarket.US_SECURITY
                                  and i.exchange_type == ExchType.US_NASDAQ]),
        "US.AMEX": ("美国证券交易所", [i.code for i in insts if i.exchange_type == ExchType.US_AMEX]),
        "SH.3000000": ("上海主板", [i.code for i in insts if i.exchange_type == ExchType.CN_SH
                                   and i.sec_type == SecurityType.EQTY]),
        "SZ.3000001": ("深圳主板", [i.code for i in insts if i.exchange_type == ExchType.CN_SZ
                                   and i.sec_type == SecurityType.EQTY and not i.security.code.startswith("3")]),
        "SZ.3000004": ("深圳创业板", [i.code for i in insts if i.exchange_type == ExchType.CN_SZ
                                     and i.security.code.startswith("3") and i.sec_type == SecurityType.EQTY]),
    }
    for pc, (cname, codes) in board_lists.items():
        members[pc] = codes
        names[pc] = (cname, PlateSetType.OTHER, MARKET_BY_PREFIX[pc.partition(".")[0]])
    plates = [Plate(pc, names[pc][0], names[pc][1], names[pc][2], tuple(sorted(set(m)))) for pc, m in members.items()]
    plate_of: dict[str, list[str]] = {}
    for p in plates:
        for m in p.members:
            plate_of.setdefault(m, []).append(p.code)
    for inst in insts:
        inst.plates = tuple(sorted(plate_of.get(inst.code, ())))
    universe = Universe(insts, plates, index_members)
    for row in catalog.FUTURE_ROOTS:
        universe.main_future(row[0])
    return universe
