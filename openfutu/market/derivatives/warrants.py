"""HK structured products: derivative warrants, CBBCs and inline warrants.

What the docs give: the columns (get_market_snapshot docs L2353-L2381,
get_warrant docs L3914-L3950), which ones are percentages (SortField docs
L7142 premium %, L7186 in/out of the money %, L7202 street ratio %), the
warrant types (WrtType docs L7704-L7728) and the in/out status enum
(PriceType docs L6596-L6608).  The tooltips with the formulas were lost in
the dump, so the definitions below are the ones HKEX and the issuers publish;
each function says which one it uses.  The SDK's Qot_GetWarrant.proto adds
that ipop is positive in the money, negative out of it, and which fields
exist for which type (IV and delta: calls/puts only; call price and
distance to it: CBBCs only; upper/lower strike and status: inline only).

Conversion ratio is HK style: how many warrants convert into one share, so
a warrant is worth the option on one share divided by the ratio.
HK derivative warrants and inline warrants are European and cash settled.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import Enum, IntEnum

import numpy as np

from openfutu.market.derivatives.normal import norm_cdf
from openfutu.market.derivatives.options import (
    ArrayLike,
    ExerciseStyle,
    OptionRight,
    european_price,
    option_greeks,
    try_implied_volatility,
    year_fraction,
)


class WarrantKind(IntEnum):
    """Qot_Common.WarrantType (WrtType in the docs, L7704-L7728)."""

    UNKNOWN = 0
    CALL = 1
    PUT = 2
    BULL = 3
    BEAR = 4
    INLINE = 5


class PriceStatus(IntEnum):
    """Qot_Common.PriceType (docs L6596-L6608): in/out of the money, or for an
    inline warrant inside/outside its range."""

    UNKNOWN = 0
    OUTSIDE = 1
    WITH_IN = 2


class CbbcCategory(Enum):
    """Category N: call price equals strike, nothing is left after a call.
    Category R: call price differs from strike, a residual value may be paid."""

    N = "N"
    R = "R"


#: HKEX inline warrant payouts per warrant at expiry (product terms, not in the docs).
INLINE_PAYOUT_INSIDE = 1.0
INLINE_PAYOUT_OUTSIDE = 0.25

_KIND_NAMES = {
    "CALL": WarrantKind.CALL, "PUT": WarrantKind.PUT, "BULL": WarrantKind.BULL, "BEAR": WarrantKind.BEAR,
    "INLINE": WarrantKind.INLINE,
    # proto spellings WarrantType_Buy / WarrantType_Sell
    "BUY": WarrantKind.CALL, "SELL": WarrantKind.PUT,
}


def warrant_kind(value: WarrantKind | int | str) -> WarrantKind:
    """Accept the enum, its wire integer, or the SDK's WrtType string ("CALL", "BULL", ...)."""
    if isinstance(value, WarrantKind):
        return value
    if isinstance(value, str):
        name = value.upper()
        if name in _KIND_NAMES:
            return _KIND_NAMES[name]
        raise ValueError(f"unknown warrant type {value!r}")
    if isinstance(value, Enum):  # another module's enum with the same member names
        return warrant_kind(value.name)
    return WarrantKind(int(value))


def _bullish(kind: WarrantKind | int | str) -> bool:
    k = warrant_kind(kind)
    if k in (WarrantKind.CALL, WarrantKind.BULL):
        return True
    if k in (WarrantKind.PUT, WarrantKind.BEAR):
        return False
    raise ValueError(f"{k.name} warrants have no call/put direction")


def _num(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def _positive(name: str, value: ArrayLike) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"{name} must be positive")
    return a


# ----------------------------------------------------- call/put warrants


def warrant_value(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    conversion_ratio: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    kind: WarrantKind | int | str = WarrantKind.CALL,
) -> float | np.ndarray:
    """Fair price of one call/put warrant: European BSM on one share / ratio."""
    right = OptionRight.CALL if _bullish(kind) else OptionRight.PUT
    if warrant_kind(kind) not in (WarrantKind.CALL, WarrantKind.PUT):
        raise ValueError("warrant_value prices call/put warrants; use cbbc_value or inline_warrant_value")
    ratio = _positive("conversion ratio", conversion_ratio)
    per_share = european_price(spot, strike, years, volatility, rate, dividend_yield, right)
    return _num(np.asarray(per_share) / ratio)


def warrant_conversion_price(price: ArrayLike, conversion_ratio: ArrayLike) -> float | np.ndarray:
    """Conversion price (換股價, docs L2362): warrant price x conversion ratio,
    the cost of the warrants that stand for one share."""
    return _num(np.asarray(price, float) * _positive("conversion ratio", conversion_ratio))


def warrant_premium(
    price: ArrayLike, spot: ArrayLike, strike: ArrayLike, conversion_ratio: ArrayLike, kind: WarrantKind | int | str
) -> float | np.ndarray:
    """Premium in percent (docs L7142 "%"): how much dearer holding the
    underlying through the warrant is than holding it outright.
    Call/bull (K + P*ratio - S) / S, put/bear (S + P*ratio - K) / S."""
    s = _positive("spot", spot)
    cost = np.asarray(price, float) * _positive("conversion ratio", conversion_ratio)
    k = np.asarray(strike, float)
    value = np.where(_bullish(kind), k + cost - s, s + cost - k) / s
    return _num(100.0 * value)


def warrant_break_even_point(
    price: ArrayLike, strike: ArrayLike, conversion_ratio: ArrayLike, kind: WarrantKind | int | str
) -> float | np.ndarray:
    """Break-even underlying price at expiry (打和點, docs L2361):
    call/bull K + P*ratio, put/bear K - P*ratio."""
    cost = np.asarray(price, float) * _positive("conversion ratio", conversion_ratio)
    k = np.asarray(strike, float)
    return _num(np.where(_bullish(kind), k + cost, k - cost))


def warrant_leverage(price: ArrayLike, spot: ArrayLike, conversion_ratio: ArrayLike) -> float | np.ndarray:
    """Leverage (gearing, 槓桿比率 docs L2359, "times" per the SDK proto):
    S / (P * ratio), the underlying exposure bought per dollar of warrant."""
    cost = _positive("price", price) * _positive("conversion ratio", conversion_ratio)
    return _num(np.asarray(spot, float) / cost)


def warrant_effective_leverage(leverage: ArrayLike, delta: ArrayLike) -> float | np.ndarray:
    """Effective leverage (実効レバレッジ docs L3946): leverage x |delta|,
    the % move of the warrant per 1% move of the underlying."""
    return _num(np.asarray(leverage, float) * np.abs(np.asarray(delta, float)))


def warrant_ipop(spot: ArrayLike, strike: ArrayLike, kind: WarrantKind | int | str) -> float | np.ndarray:
    """In (+) / out (-) of the money in percent (價內/價外 docs L2360, "%" docs
    L7186): call/bull (S - K) / K, put/bear (K - S) / K."""
    s = np.asarray(spot, float)
    k = _positive("strike", strike)
    return _num(100.0 * np.where(_bullish(kind), s - k, k - s) / k)


def warrant_price_status(spot: ArrayLike, strike: ArrayLike, kind: WarrantKind | int | str) -> PriceStatus | np.ndarray:
    """PriceType of a call/put/CBBC (docs L6602-L6608): WITH_IN when in the money."""
    s, k = np.asarray(spot, float), np.asarray(strike, float)
    itm = np.where(_bullish(kind), s > k, s < k)
    status = np.where(itm, int(PriceStatus.WITH_IN), int(PriceStatus.OUTSIDE))
    return PriceStatus(int(status)) if status.ndim == 0 else status


def street_ratio(street_volume: ArrayLike, issue_volume: ArrayLike) -> float | np.ndarray:
    """Street ratio in percent (街貨佔比 docs L2374, "%" docs L7202):
    warrants held by investors / warrants issued."""
    return _num(100.0 * np.asarray(street_volume, float) / _positive("issue volume", issue_volume))


def warrant_delta(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    kind: WarrantKind | int | str = WarrantKind.CALL,
) -> float | np.ndarray:
    """Delta (對沖值 docs L2375) as HK issuers quote it: the option delta on one
    share (a call's lies in 0..1, a put's in -1..0), not divided by the ratio."""
    right = OptionRight.CALL if _bullish(kind) else OptionRight.PUT
    return option_greeks(spot, strike, years, volatility, rate, dividend_yield, right).delta


def warrant_implied_volatility(
    price: float,
    spot: float,
    strike: float,
    years: float,
    conversion_ratio: float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    kind: WarrantKind | int | str = WarrantKind.CALL,
) -> float | None:
    """Implied volatility (decimal) of a call/put warrant price, None when the
    price is outside the no-arbitrage bounds of P * ratio."""
    right = OptionRight.CALL if _bullish(kind) else OptionRight.PUT
    per_share = price * float(_positive("conversion ratio", conversion_ratio))
    return try_implied_volatility(per_share, spot, strike, years, rate, dividend_yield, right, ExerciseStyle.EUROPEAN)


# ------------------------------------------------------------------ CBBCs


def _check_cbbc(strike: np.ndarray, call_price: np.ndarray, bull: bool) -> None:
    if bull and np.any(call_price < strike):
        raise ValueError("a bull contract's call price must be at or above its strike")
    if not bull and np.any(call_price > strike):
        raise ValueError("a bear contract's call price must be at or below its strike")


def cbbc_category(strike: float, call_price: float) -> CbbcCategory:
    """N when the call price equals the strike, else R."""
    return CbbcCategory.N if math.isclose(strike, call_price, rel_tol=0.0, abs_tol=1e-12) else CbbcCategory.R


def cbbc_value(
    spot: ArrayLike,
    strike: ArrayLike,
    call_price: ArrayLike,
    years: ArrayLike,
    conversion_ratio: ArrayLike,
    funding_rate: ArrayLike,
    kind: WarrantKind | int | str,
) -> float | np.ndarray:
    """Price of a live bull/bear contract: (intrinsic + funding cost) / ratio.

    Intrinsic is S - K (bull) or K - S (bear); the issuer's funding cost for
    the remaining life is K x funding_rate x years for both.  The small value
    of the call feature (a barrier option) is ignored, as issuers' pricing
    sheets do.  Floored at zero.  Whether the contract is still alive is the
    caller's question: see :func:`first_knock_out`.
    """
    k = kind if isinstance(kind, WarrantKind) else warrant_kind(kind)
    if k not in (WarrantKind.BULL, WarrantKind.BEAR):
        raise ValueError("cbbc_value prices bull/bear contracts")
    bull = k is WarrantKind.BULL
    s, strike_a = np.asarray(spot, float), _positive("strike", strike)
    _check_cbbc(strike_a, np.asarray(call_price, float), bull)
    intrinsic = (s - strike_a) if bull else (strike_a - s)
    funding = strike_a * np.asarray(funding_rate, float) * np.maximum(np.asarray(years, float), 0.0)
    return _num(np.maximum(intrinsic + funding, 0.0) / _positive("conversion ratio", conversion_ratio))


def cbbc_price_recovery_ratio(spot: ArrayLike, call_price: ArrayLike, kind: WarrantKind | int | str) -> float | np.ndarray:
    """Distance of the underlying to the call price in percent (正股距收回價
    docs L2363): bull (S - call) / S, bear (call - S) / S; positive while the
    contract lives, zero or negative once the call price is reached."""
    s = _positive("spot", spot)
    h = np.asarray(call_price, float)
    return _num(100.0 * np.where(_bullish(kind), s - h, h - s) / s)


def first_knock_out(path: ArrayLike, call_price: float, kind: WarrantKind | int | str) -> int | None:
    """Index of the first underlying price that triggers the mandatory call
    event (bull: at or below the call price; bear: at or above), or None.

    ``path`` is every traded/quoted underlying price in time order since the
    last check, so an intraday touch is not missed.
    """
    if warrant_kind(kind) not in (WarrantKind.BULL, WarrantKind.BEAR):
        raise ValueError("only bull/bear contracts can be called")
    prices = np.asarray(path, dtype=float).reshape(-1)
    hit = prices <= call_price if _bullish(kind) else prices >= call_price
    where = np.flatnonzero(hit)
    return int(where[0]) if where.size else None


def is_knocked_out(path: ArrayLike, call_price: float, kind: WarrantKind | int | str) -> bool:
    """True when the underlying touched the call price anywhere on ``path``."""
    return first_knock_out(path, call_price, kind) is not None


def cbbc_residual_value(
    strike: float,
    conversion_ratio: float,
    kind: WarrantKind | int | str,
    valuation_prices: ArrayLike,
) -> float:
    """Residual value per CBBC after a mandatory call event.

    HKEX rule: over the valuation period (the rest of the session of the
    event plus the next session) the lowest underlying price settles a bull,
    the highest a bear; the holder gets max(low - K, 0) / ratio (bull) or
    max(K - high, 0) / ratio (bear).  Category N contracts therefore get 0.
    """
    prices = np.asarray(valuation_prices, dtype=float).reshape(-1)
    if prices.size == 0:
        raise ValueError("valuation period has no prices")
    ratio = float(_positive("conversion ratio", conversion_ratio))
    if _bullish(kind):
        return max(float(prices.min()) - strike, 0.0) / ratio
    return max(strike - float(prices.max()), 0.0) / ratio


# --------------------------------------------------------- inline warrants


def inline_price_status(spot: ArrayLike, lower_strike: ArrayLike, upper_strike: ArrayLike) -> PriceStatus | np.ndarray:
    """Inside (WITH_IN) when lower <= S <= upper, else OUTSIDE (docs L6602-L6608)."""
    s = np.asarray(spot, float)
    inside = (s >= np.asarray(lower_strike, float)) & (s <= np.asarray(upper_strike, float))
    status = np.where(inside, int(PriceStatus.WITH_IN), int(PriceStatus.OUTSIDE))
    return PriceStatus(int(status)) if status.ndim == 0 else status


def inline_warrant_value(
    spot: ArrayLike,
    lower_strike: ArrayLike,
    upper_strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    payout_inside: float = INLINE_PAYOUT_INSIDE,
    payout_outside: float = INLINE_PAYOUT_OUTSIDE,
) -> float | np.ndarray:
    """Fair price of an inline warrant.

    It pays ``payout_inside`` if the settlement price at expiry lies within
    [lower, upper], else ``payout_outside``; only the expiry price counts (it
    is not a barrier product), so under Black-Scholes the value is exact:
    e^{-rT} (out + (in - out) (N(d2(L)) - N(d2(U)))).  Between the
    discounted outside and inside payouts by construction.
    """
    s = _positive("spot", spot)
    lo, hi = _positive("lower strike", lower_strike), _positive("upper strike", upper_strike)
    if np.any(lo >= hi):
        raise ValueError("lower strike must be below upper strike")
    if payout_outside < 0 or payout_inside < payout_outside:
        raise ValueError("payouts must satisfy 0 <= outside <= inside")
    t = np.maximum(np.asarray(years, float), 0.0)
    v = np.asarray(volatility, float)
    if np.any(v < 0):
        raise ValueError("volatility must not be negative")
    r, q = np.asarray(rate, float), np.asarray(dividend_yield, float)
    sd = v * np.sqrt(t)
    live = sd > 1e-12
    safe_sd = np.where(live, sd, 1.0)
    drift = (r - q - 0.5 * v * v) * t

    def above(barrier: np.ndarray) -> np.ndarray:  # P(S_T >= barrier) while there is time value
        return norm_cdf((np.log(s / barrier) + drift) / safe_sd)

    # without time value the outcome is known: the forward lies in the range or not
    forward = s * np.exp((r - q) * t)
    settled = ((forward >= lo) & (forward <= hi)).astype(float)
    inside = np.where(live, np.clip(above(lo) - above(hi), 0.0, 1.0), settled)
    value = np.exp(-r * t) * (payout_outside + (payout_inside - payout_outside) * inside)
    return _num(value)


# --------------------------------------------------------------- analytics


@dataclass(frozen=True, slots=True)
class WarrantAnalytics:
    """The computed get_warrant / snapshot figures of one warrant, in the
    units the API reports (percent fields as 20 == 20%).  None where the docs'
    field does not apply to this warrant type."""

    premium: float | None
    leverage: float | None
    effective_leverage: float | None
    break_even_point: float | None
    conversion_price: float | None
    ipop: float | None
    price_status: PriceStatus
    implied_volatility: float | None  # percent
    delta: float | None
    recovery_price: float | None
    price_recovery_ratio: float | None
    upper_strike_price: float | None
    lower_strike_price: float | None
    inline_price_status: PriceStatus | None
    street_ratio: float | None


def warrant_analytics(
    *,
    kind: WarrantKind | int | str,
    price: float,
    spot: float,
    strike: float,
    conversion_ratio: float,
    years: float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    call_price: float | None = None,
    lower_strike: float | None = None,
    upper_strike: float | None = None,
    street_volume: float | None = None,
    issue_volume: float | None = None,
    fallback_volatility: float | None = None,
) -> WarrantAnalytics:
    """Every derived figure of one warrant from its last price and the underlying.

    Delta comes from the implied volatility, or ``fallback_volatility`` when
    the price admits none (e.g. a stale quote below intrinsic).
    """
    k = warrant_kind(kind)
    if spot <= 0 or conversion_ratio <= 0:
        raise ValueError("spot and conversion ratio must be positive")
    ratio_street = (
        street_ratio(street_volume, issue_volume) if street_volume is not None and issue_volume else None
    )
    conversion = float(warrant_conversion_price(price, conversion_ratio))
    leverage = float(warrant_leverage(price, spot, conversion_ratio)) if price > 0 else None
    if k is WarrantKind.INLINE:
        if lower_strike is None or upper_strike is None:
            raise ValueError("an inline warrant needs its lower and upper strikes")
        status = inline_price_status(spot, lower_strike, upper_strike)
        # a range payout has no share to convert into: no gearing figures
        return WarrantAnalytics(
            premium=None, leverage=None, effective_leverage=None, break_even_point=None,
            conversion_price=None, ipop=None, price_status=status, implied_volatility=None,
            delta=None, recovery_price=None, price_recovery_ratio=None, upper_strike_price=upper_strike,
            lower_strike_price=lower_strike, inline_price_status=status, street_ratio=ratio_street,
        )
    premium = float(warrant_premium(price, spot, strike, conversion_ratio, k))
    break_even = float(warrant_break_even_point(price, strike, conversion_ratio, k))
    ipop = float(warrant_ipop(spot, strike, k))
    status = warrant_price_status(spot, strike, k)
    if k in (WarrantKind.BULL, WarrantKind.BEAR):
        if call_price is None:
            raise ValueError("a CBBC needs its call price")
        _check_cbbc(np.asarray(strike), np.asarray(call_price), k is WarrantKind.BULL)
        # a CBBC moves one for one with the underlying per share: delta ~ 1
        return WarrantAnalytics(
            premium=premium, leverage=leverage, effective_leverage=leverage, break_even_point=break_even,
            conversion_price=conversion, ipop=ipop, price_status=status, implied_volatility=None, delta=None,
            recovery_price=call_price, price_recovery_ratio=float(cbbc_price_recovery_ratio(spot, call_price, k)),
            upper_strike_price=None, lower_strike_price=None, inline_price_status=None, street_ratio=ratio_street,
        )
    iv = warrant_implied_volatility(price, spot, strike, years, conversion_ratio, rate, dividend_yield, k) if years > 0 else None
    vol_for_delta = iv if iv is not None else fallback_volatility
    delta = (
        float(warrant_delta(spot, strike, years, vol_for_delta, rate, dividend_yield, k))
        if vol_for_delta is not None
        else None
    )
    effective = float(warrant_effective_leverage(leverage, delta)) if leverage is not None and delta is not None else None
    return WarrantAnalytics(
        premium=premium, leverage=leverage, effective_leverage=effective, break_even_point=break_even,
        conversion_price=conversion, ipop=ipop, price_status=status,
        implied_volatility=None if iv is None else 100.0 * iv, delta=delta, recovery_price=None,
        price_recovery_ratio=None, upper_strike_price=None, lower_strike_price=None, inline_price_status=None,
        street_ratio=ratio_street,
    )


# ----------------------------------------------------- term-record adapters


def _attr(terms: object, *names: str, default: object = ...) -> object:
    for name in names:
        if hasattr(terms, name):
            return getattr(terms, name)
    if default is not ...:
        return default
    raise AttributeError(f"{type(terms).__name__} has none of the attributes {names}")


def _as_date(value: object) -> dt.date:
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise ValueError(f"not a date: {value!r}")


def warrant_fields_from_terms(terms: object) -> dict[str, object]:
    """Read a WarrantTerms-like record by attribute name.

    Looked up (first match wins): kind ``warrant_type``/``wrt_type``/``kind``/
    ``type``; ``strike``/``strike_price``; ``conversion_ratio``; call price
    ``call_price``/``recovery_price``; expiry ``maturity``/``maturity_date``/
    ``expiry``; ``lower_strike``/``lower_strike_price``; ``upper_strike``/
    ``upper_strike_price``; ``funding_rate``.
    """
    return {
        "kind": warrant_kind(_attr(terms, "warrant_type", "wrt_type", "kind", "type")),  # type: ignore[arg-type]
        "strike": float(_attr(terms, "strike", "strike_price", default=0.0) or 0.0),  # type: ignore[arg-type]
        "conversion_ratio": float(_attr(terms, "conversion_ratio", default=1.0) or 1.0),  # type: ignore[arg-type]
        "call_price": _attr(terms, "call_price", "recovery_price", default=None),
        "maturity": _as_date(_attr(terms, "maturity", "maturity_date", "expiry")),
        "lower_strike": _attr(terms, "lower_strike", "lower_strike_price", default=None),
        "upper_strike": _attr(terms, "upper_strike", "upper_strike_price", default=None),
        "funding_rate": _attr(terms, "funding_rate", default=None),
    }


def warrant_value_for_terms(
    terms: object,
    spot: float,
    today: dt.date | dt.datetime,
    volatility: float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    funding_rate: float | None = None,
) -> float:
    """Fair price of any warrant type described by a term record (see
    :func:`warrant_fields_from_terms` for the attribute names).  CBBC funding
    rate: the argument, else the record's ``funding_rate``, else ``rate``."""
    f = warrant_fields_from_terms(terms)
    years = max(year_fraction(today, f["maturity"]), 0.0)  # type: ignore[arg-type]
    kind: WarrantKind = f["kind"]  # type: ignore[assignment]
    if kind in (WarrantKind.CALL, WarrantKind.PUT):
        return float(warrant_value(spot, f["strike"], years, volatility, f["conversion_ratio"], rate, dividend_yield, kind))  # type: ignore[arg-type]
    if kind in (WarrantKind.BULL, WarrantKind.BEAR):
        if f["call_price"] is None:
            raise ValueError("CBBC terms lack a call price")
        funding = funding_rate if funding_rate is not None else f["funding_rate"]
        funding = rate if funding is None else funding
        return float(cbbc_value(spot, f["strike"], f["call_price"], years, f["conversion_ratio"], funding, kind))  # type: ignore[arg-type]
    if kind is WarrantKind.INLINE:
        return float(inline_warrant_value(spot, f["lower_strike"], f["upper_strike"], years, volatility, rate, dividend_yield))  # type: ignore[arg-type]
    raise ValueError(f"cannot price warrant type {kind.name}")


def warrant_analytics_for_terms(
    terms: object,
    price: float,
    spot: float,
    today: dt.date | dt.datetime,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    street_volume: float | None = None,
    issue_volume: float | None = None,
    fallback_volatility: float | None = None,
) -> WarrantAnalytics:
    """:func:`warrant_analytics` fed from a term record."""
    f = warrant_fields_from_terms(terms)
    return warrant_analytics(
        kind=f["kind"],  # type: ignore[arg-type]
        price=price,
        spot=spot,
        strike=f["strike"],  # type: ignore[arg-type]
        conversion_ratio=f["conversion_ratio"],  # type: ignore[arg-type]
        years=max(year_fraction(today, f["maturity"]), 0.0),  # type: ignore[arg-type]
        rate=rate,
        dividend_yield=dividend_yield,
        call_price=f["call_price"],  # type: ignore[arg-type]
        lower_strike=f["lower_strike"],  # type: ignore[arg-type]
        upper_strike=f["upper_strike"],  # type: ignore[arg-type]
        street_volume=street_volume,
        issue_volume=issue_volume,
        fallback_volatility=fallback_volatility,
    )
