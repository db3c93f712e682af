"""Market snapshots (get_market_snapshot): one record per security combining
its quote, the touch of its order book, and the block of figures its kind
carries — company figures for stocks, terms and analytics for warrants and
options, open interest and settlement for futures, breadth for indices and
plates, NAV and yield for funds.

Sources: prices and history from the PriceEngine (last/open/high/low,
volume, 52-week and all-time extremes, volume ratio, extended sessions),
the displayed book from OrderBookSource (bid/ask, bid-ask ratio), company
figures from ``fundamentals``, derivative analytics from
``openfutu.market.derivatives``.  Figures the engine has no source for
(margin eligibility, fund AUM/NAV premium, warrant issue size, option open
interest) are synthetic and deterministic per (seed, code, day).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from openfutu.market.fundamentals import Fundamentals, NoFundamentals, fundamentals_model
from openfutu.market.model import Instrument, QotMarket, SecurityCode, SecurityType
from openfutu.market.prices import DailySeries, MinuteSeries, PriceEngine, Quote, rng_for


class SecurityStatus(IntEnum):
    """Qot_Common.SecurityStatus (the values a snapshot can carry here)."""

    NONE = 0
    NORMAL = 1
    LISTING = 2
    SUSPENDED = 9
    CALLED = 10
    EXPIRED_LAST_TRADING_DATE = 11
    EXPIRED = 12
    DELISTED = 13


class AssetClass(IntEnum):
    """Qot_Common.AssetClass of a fund."""

    NONE = 0
    STOCK = 1
    BOND = 2
    COMMODITY = 3
    CURRENCY_MARKET = 4
    FUTURE = 5
    SWAP = 6


class OptionKind(IntEnum):
    """Qot_Common.OptionType."""

    NONE = 0
    CALL = 1
    PUT = 2


class OptionAreaType(IntEnum):
    """Qot_Common.OptionAreaType (exercise style)."""

    NONE = 0
    AMERICAN = 1
    EUROPEAN = 2
    BERMUDA = 3


class IndexOptionType(IntEnum):
    NONE = 0
    NORMAL = 1
    SMALL = 2


@dataclass(frozen=True, slots=True)
class Breadth:
    """Constituents up / down / unchanged against their previous close."""

    raise_count: int
    fall_count: int
    equal_count: int


@dataclass(frozen=True, slots=True)
class MarginTerms:
    """Deprecated snapshot margin fields (kept because the API still sends them)."""

    enable_margin: bool
    mortgage_ratio: float  # percent
    long_margin_initial_ratio: float  # percent
    enable_short_sell: bool
    short_sell_rate: float  # percent per year
    short_available_volume: int
    short_margin_initial_ratio: float  # percent


@dataclass(frozen=True, slots=True)
class WarrantBlock:
    owner: str
    warrant_type: int  # Qot_Common.WarrantType
    conversion_ratio: float
    strike_price: float
    maturity_date: dt.date
    end_trade_date: dt.date
    recovery_price: float
    street_volume: int
    issue_volume: int
    street_ratio: float  # percent
    delta: float
    implied_volatility: float  # percent
    premium: float  # percent
    leverage: float
    ipop: float  # percent
    break_even_point: float
    conversion_price: float
    price_recovery_ratio: float  # percent
    score: float
    upper_strike_price: float
    lower_strike_price: float
    inline_price_status: int | None  # Qot_Common.PriceType, inline warrants only
    issuer_code: str


@dataclass(frozen=True, slots=True)
class OptionBlock:
    owner: str
    option_type: OptionKind
    strike_date: dt.date
    strike_price: float
    contract_size: float
    open_interest: int
    net_open_interest: int
    implied_volatility: float  # percent
    premium: float  # percent
    delta: float
    gamma: float
    vega: float
    theta: float
    rho: float
    index_option_type: IndexOptionType
    expiry_date_distance: int
    contract_nominal_value: float
    owner_lot_multiplier: float
    area_type: OptionAreaType
    contract_multiplier: float


@dataclass(frozen=True, slots=True)
class FutureBlock:
    last_settle_price: float
    position: int  # open interest
    position_change: int
    last_trade_date: dt.date | None
    is_main_contract: bool


@dataclass(frozen=True, slots=True)
class TrustBlock:
    dividend_yield: float  # percent, TTM
    aum: float
    outstanding_units: int
    net_asset_value: float
    premium: float  # percent of NAV
    asset_class: AssetClass


@dataclass(frozen=True, slots=True)
class Snapshot:
    instrument: Instrument
    quote: Quote
    sec_status: SecurityStatus
    bid_price: float
    ask_price: float
    bid_volume: int
    ask_volume: int
    bid_ask_ratio: float  # percent: (bid - ask) / (bid + ask) over the displayed book
    margin: MarginTerms
    equity: Fundamentals | None = None
    warrant: WarrantBlock | None = None
    option: OptionBlock | None = None
    index: Breadth | None = None
    plate: Breadth | None = None
    future: FutureBlock | None = None
    trust: TrustBlock | None = None

    @property
    def code(self) -> str:
        return self.instrument.code

    @property
    def owner(self) -> str | None:
        if self.warrant is not None:
            return self.warrant.owner
        if self.option is not None:
            return self.option.owner
        return None


class SnapshotUnavailable(ValueError):
    """The security has no prices at that time (not listed yet)."""


# --------------------------------------------------------------------------- helpers


def _attr(obj: object, names: Sequence[str], default: Any = None) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _enum_int(value: Any, names: dict[str, int], default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, int):
        return int(value)
    name = str(getattr(value, "name", value)).upper()
    return names.get(name, default)


def breadth_of(quotes: Iterable[Quote]) -> Breadth:
    up = down = flat = 0
    for q in quotes:
        if q.volume == 0 or q.last_price == q.prev_close_price:
            flat += 1
        elif q.last_price > q.prev_close_price:
            up += 1
        else:
            down += 1
    return Breadth(up, down, flat)


def bid_ask_ratio(bid_volumes: Sequence[int], ask_volumes: Sequence[int]) -> float:
    """委比 in percent: (bids - asks) / (bids + asks) over the displayed levels."""
    b, a = float(sum(bid_volumes)), float(sum(ask_volumes))
    return round((b - a) / (b + a) * 100.0, 3) if b + a else 0.0


PLATE_BASE_LEVEL = 1000.0  # a plate's level at the price engine's anchor date
PLATE_LISTING_DATE = dt.date(2000, 1, 4)


class _PlateLookup:
    """Instruments for the plate engine: plates as equal-weight indices,
    everything else from the market."""

    def __init__(self, base: PriceEngine, plate_of: Callable[[str], Any]) -> None:
        self.base = base
        self.plate_of = plate_of
        self.instruments: dict[str, Instrument] = {}

    def plate_instrument(self, code: str) -> Instrument | None:
        hit = self.instruments.get(code)
        if hit is not None:
            return hit
        plate = self.plate_of(code)
        if plate is None:
            return None
        members = [self._member(m) for m in plate.members]
        members = [m for m in members if m is not None]
        currency = members[0].currency if members else "HKD"
        inst = Instrument(SecurityCode.parse(plate.code), plate.name, SecurityType.INDEX, 1, currency,
                          PLATE_LISTING_DATE, PLATE_BASE_LEVEL, 0.22)
        self.instruments[code] = inst
        return inst

    def _member(self, code: str) -> Instrument | None:
        try:
            return self.base.instrument(code)
        except KeyError:
            return None

    def instrument(self, code: str) -> Instrument | None:
        return self.plate_instrument(code) or self._member(code)

    def constituents(self, code: str) -> Sequence[str]:
        plate = self.plate_of(code)
        return tuple(plate.members) if plate is not None else ()


class PlateIndexEngine(PriceEngine):
    """Prices plates (sector/concept/region sets) as equal-weight return
    indices of their members, level PLATE_BASE_LEVEL at the anchor date, with
    the members' summed volume and turnover.  Member prices are the market's
    own series, never recomputed."""

    def __init__(self, base: PriceEngine, plate_of: Callable[[str], Any]) -> None:
        self.base = base
        self.lookup = _PlateLookup(base, plate_of)
        super().__init__(base.seed, self.lookup, base._calendar_of, anchor_date=base.anchor_date)
        self.tick_rules = base.tick_rules

    def is_plate(self, code: str) -> bool:
        return self.lookup.plate_instrument(code) is not None

    def daily_series(self, code: str, through: dt.date | None = None) -> DailySeries:
        if not self.is_plate(code):
            return self.base.daily_series(code, through)  # type: ignore[no-any-return]
        return super().daily_series(code, through)

    def minute_series(self, code: str, day: dt.date, extended: bool = False) -> MinuteSeries:
        if not self.is_plate(code):
            return self.base.minute_series(code, day, extended)  # type: ignore[no-any-return]
        return super().minute_series(code, day, extended)


class _QuoteMemo:
    """The price engine with quote_at remembered per (code, instant): a
    snapshot asks for the quote and then its book, which asks again."""

    _LIMIT = 4096

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._quotes: dict[tuple[str, dt.datetime], Quote] = {}

    def quote_at(self, code: str, at: dt.datetime) -> Quote:
        key = (code, at)
        hit = self._quotes.get(key)
        if hit is None:
            hit = self._engine.quote_at(code, at)
            if len(self._quotes) >= self._LIMIT:
                self._quotes.clear()
            self._quotes[key] = hit
        return hit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


class SnapshotSource:
    """Builds snapshots from a SimulatedMarket (or a bare PriceEngine plus
    optional order books, universe and member lookup)."""

    def __init__(self, market: Any, books: Any | None = None, universe: Any | None = None,
                 members: Callable[[str], Sequence[str]] | None = None) -> None:
        self.market = market
        self.engine = getattr(market, "prices", market)
        self._memo = _QuoteMemo(self.engine)
        if books is None:
            from openfutu.market.orderbook import OrderBookSource

            # our own source over the memo: books are a pure function of
            # (seed, code, second), so they equal the market's
            books = OrderBookSource(self._memo)  # type: ignore[arg-type]
        self.books = books
        self.universe = universe if universe is not None else getattr(market, "universe", None)
        self._members = members
        self.fundamentals = fundamentals_model(self.engine)
        self.plates = PlateIndexEngine(self.engine, self._plate_of)

    def _plate_of(self, code: str) -> Any:
        """The universe's plate ``code`` (not an index posing as one)."""
        fn = getattr(self.universe, "plate", None) if self.universe is not None else None
        if not callable(fn):
            return None
        try:
            plate = fn(code)
        except (KeyError, LookupError):
            return None
        if self._find(code) is not None:
            return None  # an index: priced by the market itself
        return plate

    def _find(self, code: str) -> Instrument | None:
        finder = getattr(self.market, "instrument", None) or self.engine.instrument
        try:
            return finder(code)  # type: ignore[no-any-return]
        except KeyError:
            return None

    # ---------------------------------------------------------- lookups

    def instrument(self, code: str) -> Instrument:
        """A listed security, or a plate (sec_type PLATE); KeyError otherwise."""
        inst = self._find(code)
        if inst is not None:
            return inst
        plate = self.plates.lookup.plate_instrument(code)
        if plate is None:
            raise KeyError(f"unknown security {code!r}")
        return _as_plate(plate)

    def members(self, code: str) -> list[str]:
        """Constituents of an index or plate."""
        if self._members is not None:
            return list(self._members(code))
        plate = self._plate_of(code)
        if plate is not None:
            return list(plate.members)
        u = self.universe
        for name in ("constituents", "plate_members"):
            fn = getattr(u, name, None) if u is not None else None
            if callable(fn):
                try:
                    found = fn(code)
                except (KeyError, LookupError):
                    continue
                if found:
                    return [m if isinstance(m, str) else str(getattr(m, "code", m)) for m in found]
        fn = getattr(self.engine, "_constituents", None)
        return list(fn(code)) if callable(fn) else []

    # ---------------------------------------------------------- API

    def snapshot(self, code: str, at: dt.datetime) -> Snapshot:
        inst = self.instrument(code)
        engine = self.plates if inst.sec_type == SecurityType.PLATE else self._memo
        try:
            quote = engine.quote_at(code, at)
        except ValueError as err:
            raise SnapshotUnavailable(str(err)) from None
        bid_p = ask_p = 0.0
        bid_v = ask_v = 0
        ratio = 0.0
        if inst.sec_type not in (SecurityType.INDEX, SecurityType.PLATE, SecurityType.PLATESET):
            book = self.books.order_book_at(code, at, 10)
            if book.bids:
                bid_p, bid_v = book.bids[0].price, book.bids[0].volume
            if book.asks:
                ask_p, ask_v = book.asks[0].price, book.asks[0].volume
            ratio = bid_ask_ratio([lv.volume for lv in book.bids], [lv.volume for lv in book.asks])
        status = self._status(inst, quote, at)
        snap = Snapshot(
            instrument=inst, quote=quote, sec_status=status, bid_price=bid_p, ask_price=ask_p,
            bid_volume=bid_v, ask_volume=ask_v, bid_ask_ratio=ratio,
            margin=self._margin(inst, quote),
            equity=self._equity(inst, quote),
            warrant=self._warrant(inst, quote, at) if inst.sec_type == SecurityType.WARRANT else None,
            option=self._option(inst, quote, at) if inst.sec_type == SecurityType.DRVT else None,
            index=self._breadth(code, at) if inst.sec_type == SecurityType.INDEX else None,
            plate=self._breadth(code, at) if inst.sec_type == SecurityType.PLATE else None,
            future=self._future(inst, quote, at) if inst.sec_type == SecurityType.FUTURE else None,
            trust=self._trust(inst, quote) if inst.sec_type == SecurityType.TRUST else None,
        )
        return snap

    def snapshots(self, codes: Iterable[str], at: dt.datetime) -> list[Snapshot]:
        return [self.snapshot(c, at) for c in codes]

    # ---------------------------------------------------------- blocks

    def _status(self, inst: Instrument, quote: Quote, at: dt.datetime) -> SecurityStatus:
        if inst.delisted:
            return SecurityStatus.DELISTED
        if quote.is_suspended:
            return SecurityStatus.SUSPENDED
        terms = inst.terms
        if terms is not None:
            last = _as_date(_attr(terms, ("last_trade_date", "end_trade_date", "expiry", "expiry_date",
                                          "maturity", "maturity_date", "strike_date")))
            if last is not None:
                today = at.astimezone(self.engine.timezone(inst.code)).date()
                if today > last:
                    return SecurityStatus.EXPIRED
                if today == last:
                    return SecurityStatus.EXPIRED_LAST_TRADING_DATE
        return SecurityStatus.NORMAL

    def _margin(self, inst: Instrument, quote: Quote) -> MarginTerms:
        """Synthetic financing terms: liquid, calm stocks and funds are marginable;
        US stocks and large HK names can be sold short."""
        none = MarginTerms(False, 0.0, 0.0, False, 0.0, 0, 0.0)
        if inst.sec_type not in (SecurityType.EQTY, SecurityType.TRUST) or quote.last_price <= 0:
            return none
        vol = inst.volatility
        if vol >= 0.8:
            return none
        mortgage = 70.0 if vol < 0.3 else 50.0 if vol < 0.5 else 30.0
        initial = 100.0 - mortgage
        market = inst.security.market
        shortable = market == QotMarket.US_SECURITY or (
            market == QotMarket.HK_SECURITY and quote.turnover >= 5e6)
        if not shortable:
            return MarginTerms(True, mortgage, initial, False, 0.0, 0, 0.0)
        r = rng_for(self.engine.seed, inst.code, "short", quote.trading_day.toordinal())
        rate = round(float(r.uniform(0.5, 3.0) * (1.0 + vol)), 2)
        lots = int(self.engine.outstanding_shares(inst.code) * 0.002 / inst.lot_size)
        return MarginTerms(True, mortgage, initial, True, rate, lots * inst.lot_size,
                           min(initial + 10.0, 100.0))

    def _equity(self, inst: Instrument, quote: Quote) -> Fundamentals | None:
        if inst.sec_type != SecurityType.EQTY:
            return None
        try:
            f = self.fundamentals.fundamentals(inst.code, quote.trading_day)
        except NoFundamentals:
            return None
        return f.at_price(quote.last_price) if quote.last_price > 0 else f

    def _underlying_quote(self, owner: str, at: dt.datetime) -> Quote | None:
        try:
            return self._memo.quote_at(owner, at)
        except (KeyError, ValueError):
            return None

    def _warrant(self, inst: Instrument, quote: Quote, at: dt.datetime) -> WarrantBlock | None:
        from openfutu.market.derivatives import warrant_analytics_for_terms, warrant_fields_from_terms

        terms = inst.terms
        owner = str(inst.owner) if inst.owner is not None else str(_attr(terms, ("owner", "underlying"), ""))
        if terms is None or not owner:
            return None
        f = warrant_fields_from_terms(terms)
        under = self._underlying_quote(owner, at)
        spot = under.last_price if under is not None else 0.0
        issue = int(_attr(terms, ("issue_volume", "issue_size", "issued"), 0) or 0)
        if not issue:
            issue = int(rng_for(self.engine.seed, inst.code, "issue").integers(20, 400)) * 1_000_000
        street_share = 0.05 + 0.6 * (rng_for(self.engine.seed, inst.code, "street",
                                             quote.trading_day.toordinal()).random())
        street = int(_attr(terms, ("street_volume",), 0) or 0) or int(issue * street_share)
        a = None
        if spot > 0 and quote.last_price > 0:
            try:
                a = warrant_analytics_for_terms(terms, quote.last_price, spot, at,
                                                street_volume=street, issue_volume=issue,
                                                fallback_volatility=self.instrument(owner).volatility)
            except ValueError:
                a = None
        maturity = f["maturity"]
        end_trade = _as_date(_attr(terms, ("end_trade_date", "last_trade_date"))) or _last_trading_day_before(
            self.engine, owner, maturity)  # HK warrants stop trading a few days before maturity
        score = 0.0
        if a is not None:
            # liquidity and cost: street share low, premium low, spread tight
            score = round(max(0.0, 100.0 - abs(a.premium or 0.0) * 2.0 - street_share * 40.0), 3)
        kind = int(f["kind"])
        return WarrantBlock(
            owner=owner, warrant_type=kind, conversion_ratio=float(f["conversion_ratio"]),
            strike_price=float(f["strike"]), maturity_date=maturity, end_trade_date=end_trade,
            recovery_price=float(f["call_price"] or 0.0), street_volume=street, issue_volume=issue,
            street_ratio=round(street / issue * 100.0, 3) if issue else 0.0,
            delta=_num(a.delta if a else None), implied_volatility=_num(a.implied_volatility if a else None),
            premium=_num(a.premium if a else None), leverage=_num(a.leverage if a else None),
            ipop=_num(a.ipop if a else None), break_even_point=_num(a.break_even_point if a else None),
            conversion_price=_num(a.conversion_price if a else None),
            price_recovery_ratio=_num(a.price_recovery_ratio if a else None), score=score,
            upper_strike_price=float(f["upper_strike"] or 0.0),
            lower_strike_price=float(f["lower_strike"] or 0.0),
            inline_price_status=(int(a.inline_price_status) if a is not None and a.inline_price_status is not None
                                 else None),
            issuer_code=_issuer_code(_attr(terms, ("issuer_code", "issuer"), None)),
        )

    def _option(self, inst: Instrument, quote: Quote, at: dt.datetime) -> OptionBlock | None:
        from openfutu.market.derivatives import (
            ExerciseStyle,
            option_fields_from_terms,
            option_open_interest,
            option_quote_analytics_for_terms,
            year_fraction,
        )

        terms = inst.terms
        owner = str(inst.owner) if inst.owner is not None else str(_attr(terms, ("owner", "underlying"), ""))
        if terms is None or not owner:
            return None
        f = option_fields_from_terms(terms)
        under = self._underlying_quote(owner, at)
        spot = under.last_price if under is not None else 0.0
        owner_inst = self.instrument(owner)
        contract_size = float(f["contract_size"])
        a = None
        if spot > 0 and quote.last_price > 0:
            a = option_quote_analytics_for_terms(
                terms, quote.last_price, spot, at, underlying_lot_size=owner_inst.lot_size,
                fallback_volatility=owner_inst.volatility)
        expiry: dt.date = f["expiry"]  # type: ignore[assignment]
        years = max(year_fraction(at, dt.datetime.combine(expiry, dt.time(16), tzinfo=at.tzinfo)), 0.0)
        peak = float(rng_for(self.engine.seed, owner, "option-oi").integers(2_000, 40_000))
        oi = int(option_open_interest(spot, float(f["strike"]), years, peak)) if spot > 0 else 0
        prev_oi = int(option_open_interest(spot, float(f["strike"]), years + 1 / 365, peak)) if spot > 0 else 0
        style = f["style"]
        area = OptionAreaType.EUROPEAN if style == ExerciseStyle.EUROPEAN else OptionAreaType.AMERICAN
        is_index = owner_inst.sec_type == SecurityType.INDEX
        multiplier = float(_attr(terms, ("contract_multiplier", "multiplier"), contract_size))
        return OptionBlock(
            owner=owner, option_type=OptionKind.CALL if f["right"] else OptionKind.PUT,
            strike_date=expiry, strike_price=float(f["strike"]), contract_size=contract_size,
            open_interest=oi, net_open_interest=oi - prev_oi,
            implied_volatility=_num(a.implied_volatility if a else None), premium=_num(a.premium if a else None),
            delta=_num(a.delta if a else None), gamma=_num(a.gamma if a else None),
            vega=_num(a.vega if a else None), theta=_num(a.theta if a else None), rho=_num(a.rho if a else None),
            index_option_type=IndexOptionType.NORMAL if is_index else IndexOptionType.NONE,
            expiry_date_distance=a.expiry_date_distance if a else (expiry - quote.trading_day).days,
            contract_nominal_value=_num(a.contract_nominal_value if a else None) or round(spot * contract_size, 3),
            owner_lot_multiplier=_num(a.owner_lot_multiplier if a else None)
            or (round(contract_size / owner_inst.lot_size, 4) if owner_inst.lot_size else 0.0),
            area_type=area, contract_multiplier=multiplier,
        )

    def _future(self, inst: Instrument, quote: Quote, at: dt.datetime) -> FutureBlock:
        from openfutu.market.derivatives import future_fields_from_terms, futures_open_interest

        last_day: dt.date | None = None
        main = False
        if inst.terms is not None:
            try:
                last_day = future_fields_from_terms(inst.terms)["last_trade_date"]  # type: ignore[assignment]
            except AttributeError:
                last_day = None
            main = bool(_attr(inst.terms, ("is_main_contract", "main_contract", "is_main"), False))
        if last_day is None:
            main = True  # a continuous main contract has no last trading day of its own
        today = quote.trading_day
        peak = float(rng_for(self.engine.seed, inst.code, "future-oi").integers(50_000, 250_000))
        days = (last_day - today).days if last_day is not None else 30
        oi = int(futures_open_interest(days, peak))
        prev = int(futures_open_interest(days + 1, peak))
        return FutureBlock(last_settle_price=quote.prev_close_price, position=oi,
                           position_change=oi - prev, last_trade_date=last_day, is_main_contract=main)

    def _trust(self, inst: Instrument, quote: Quote) -> TrustBlock:
        r = rng_for(self.engine.seed, inst.code, "nav", quote.trading_day.toordinal())
        premium = round(float(r.normal(0.0, 0.15)), 3)
        price = quote.last_price or quote.prev_close_price
        nav = round(price / (1.0 + premium / 100.0), 4)
        units = int(self.engine.outstanding_shares(inst.code) / self.fundamentals.float_fraction(inst.code))
        div = 0.0
        start = quote.trading_day - dt.timedelta(days=365)
        for rec in self.engine.corporate_actions.rehab(inst.code, quote.trading_day):
            if start < rec.ex_date <= quote.trading_day:
                div += rec.per_cash_div
        return TrustBlock(dividend_yield=round(div / price * 100.0, 3) if price else 0.0,
                          aum=round(nav * units, 2), outstanding_units=units, net_asset_value=nav,
                          premium=premium, asset_class=_asset_class(inst))

    def _breadth(self, code: str, at: dt.datetime) -> Breadth:
        quotes = []
        for m in self.members(code):
            try:
                quotes.append(self._memo.quote_at(m, at))
            except (KeyError, ValueError):
                continue
        return breadth_of(quotes)


def _issuer_code(value: Any) -> str:
    """Issuer as the API spells it: the short code (e.g. "SG", "HS")."""
    if value is None:
        return ""
    name = getattr(value, "name", None)
    return str(name if name is not None else value)


def _as_plate(engine_inst: Instrument) -> Instrument:
    """The plate as the API reports it: type PLATE, no board lot."""
    return Instrument(engine_inst.security, engine_inst.name, SecurityType.PLATE, 0, engine_inst.currency,
                      engine_inst.listing_date, engine_inst.reference_price, engine_inst.volatility)


def _num(value: float | None) -> float:
    return 0.0 if value is None or not math.isfinite(value) else round(float(value), 6)


def _asset_class(inst: Instrument) -> AssetClass:
    declared = getattr(inst.terms, "asset_class", None) if inst.terms is not None else None
    if declared is not None:
        return AssetClass(_enum_int(declared, {m.name: m.value for m in AssetClass}))
    name = inst.name.upper()
    if any(w in name for w in ("BOND", "TREASURY", "债", "債")):
        return AssetClass.BOND
    if any(w in name for w in ("GOLD", "OIL", "SILVER", "黄金", "黃金", "原油")):
        return AssetClass.COMMODITY
    if any(w in name for w in ("MONEY", "货币", "貨幣")):
        return AssetClass.CURRENCY_MARKET
    return AssetClass.STOCK


def _last_trading_day_before(engine: Any, owner: str, maturity: dt.date) -> dt.date:
    """HK warrants' last trading day: the fourth trading day before maturity."""
    try:
        days = engine.trading_days(owner, maturity - dt.timedelta(days=14), maturity - dt.timedelta(days=1))
    except (KeyError, ValueError):
        days = []
    return days[-4] if len(days) >= 4 else maturity
