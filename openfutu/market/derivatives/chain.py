"""Option quotes in the API's units: a whole chain priced from a volatility
surface in one call, the snapshot/quote figures of one traded option, the
get_option_chain data filter, and adapters for option term records.

API units (see options.py): implied volatility and premium in percent
(docs L7856-L7857), delta/gamma per 1.0 of the underlying (the docs' own
filter example uses delta 0..0.1, docs L3772-L3773), vega per vol point,
theta per day, rho per rate point.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from openfutu.market.derivatives.options import (
    ArrayLike,
    ExerciseStyle,
    OptionGreeks,
    RightLike,
    call_mask,
    expiry_date_distance,
    option_contract_nominal_value,
    option_greeks,
    option_owner_lot_multiplier,
    option_premium,
    option_price,
    try_implied_volatility,
    year_fraction,
)
from openfutu.market.derivatives.surface import VolatilitySurface

#: Options stop trading at the close of their expiry date; used when the
#: caller's clock is a datetime.  US 16:00 ET, HK 16:00 HKT (local exchange time).
DEFAULT_EXPIRY_TIME = dt.time(16, 0)


@dataclass(frozen=True, slots=True)
class OptionChainQuotes:
    """Model quotes of many options; every field is an array over the chain."""

    price: np.ndarray
    implied_volatility: np.ndarray  # percent
    premium: np.ndarray  # percent
    delta: np.ndarray
    gamma: np.ndarray
    vega: np.ndarray
    theta: np.ndarray
    rho: np.ndarray

    def filter_mask(
        self,
        *,
        open_interest: ArrayLike | None = None,
        net_open_interest: ArrayLike | None = None,
        volume: ArrayLike | None = None,
        implied_volatility_min: float | None = None,
        implied_volatility_max: float | None = None,
        delta_min: float | None = None,
        delta_max: float | None = None,
        gamma_min: float | None = None,
        gamma_max: float | None = None,
        vega_min: float | None = None,
        vega_max: float | None = None,
        theta_min: float | None = None,
        theta_max: float | None = None,
        rho_min: float | None = None,
        rho_max: float | None = None,
        net_open_interest_min: float | None = None,
        net_open_interest_max: float | None = None,
        open_interest_min: float | None = None,
        open_interest_max: float | None = None,
        vol_min: float | None = None,
        vol_max: float | None = None,
    ) -> np.ndarray:
        """Rows passing an OptionDataFilter (docs L3712-L3731; closed bounds,
        None = unbounded).  Bounds are truncated as the protocol says: IV,
        open interest and volume to whole numbers, greeks to 3 decimals
        (SDK Qot_GetOptionChain.proto DataFilter)."""
        mask = np.ones(self.price.shape, dtype=bool)

        def apply(values: ArrayLike | None, lo: float | None, hi: float | None, decimals: int, name: str) -> None:
            nonlocal mask
            if lo is None and hi is None:
                return
            if values is None:
                raise ValueError(f"filtering on {name} needs its values")
            v = np.broadcast_to(np.asarray(values, float), mask.shape)
            scale = 10.0**decimals
            if lo is not None:
                mask &= v >= math.trunc(lo * scale) / scale
            if hi is not None:
                mask &= v <= math.trunc(hi * scale) / scale

        apply(self.implied_volatility, implied_volatility_min, implied_volatility_max, 0, "implied volatility")
        apply(self.delta, delta_min, delta_max, 3, "delta")
        apply(self.gamma, gamma_min, gamma_max, 3, "gamma")
        apply(self.vega, vega_min, vega_max, 3, "vega")
        apply(self.theta, theta_min, theta_max, 3, "theta")
        apply(self.rho, rho_min, rho_max, 3, "rho")
        apply(net_open_interest, net_open_interest_min, net_open_interest_max, 0, "net open interest")
        apply(open_interest, open_interest_min, open_interest_max, 0, "open interest")
        apply(volume, vol_min, vol_max, 0, "volume")
        return mask


def price_option_chain(
    spot: float,
    strikes: ArrayLike,
    years: ArrayLike,
    rights: RightLike,
    volatility: VolatilitySurface | ArrayLike,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> OptionChainQuotes:
    """Model prices, IVs, premiums and greeks for every (strike, tenor, right).

    ``volatility`` is a surface (IV read at each strike against the forward)
    or explicit decimal volatilities.  Arrays broadcast like numpy.
    """
    k = np.atleast_1d(np.asarray(strikes, float))
    t = np.asarray(years, float)
    c = call_mask(rights)
    k, t, c = np.broadcast_arrays(k, t, c)
    if isinstance(volatility, VolatilitySurface):
        forward = spot * np.exp((rate - dividend_yield) * np.maximum(t, 0.0))
        vol = np.asarray(volatility.volatility(k, forward, t), float)
    else:
        vol = np.broadcast_to(np.asarray(volatility, float), k.shape)
    price = np.asarray(option_price(spot, k, t, vol, rate, dividend_yield, c, style), float)
    greeks = option_greeks(spot, k, t, vol, rate, dividend_yield, c, style)
    premium = np.asarray(option_premium(price, spot, k, c), float)
    return OptionChainQuotes(
        price=price,
        implied_volatility=100.0 * np.broadcast_to(vol, k.shape).astype(float),
        premium=premium,
        delta=np.asarray(greeks.delta, float),
        gamma=np.asarray(greeks.gamma, float),
        vega=np.asarray(greeks.vega, float),
        theta=np.asarray(greeks.theta, float),
        rho=np.asarray(greeks.rho, float),
    )


@dataclass(frozen=True, slots=True)
class OptionQuoteAnalytics:
    """Option figures of get_market_snapshot / get_stock_quote (docs
    L2386-L2403, OptionBasicQotExData docs L7849-L7873) for one option."""

    implied_volatility: float | None  # percent; None when the price admits no IV
    premium: float  # percent
    delta: float | None
    gamma: float | None
    vega: float | None
    theta: float | None
    rho: float | None
    expiry_date_distance: int  # days, negative once expired (docs L7864)
    contract_nominal_value: float | None  # HK stock options only (docs L7865)
    owner_lot_multiplier: float | None  # not for index options (docs L7866)


def _years(today: dt.date | dt.datetime, expiry: dt.date, expiry_time: dt.time) -> float:
    if isinstance(today, dt.datetime):
        end = dt.datetime.combine(expiry, expiry_time, tzinfo=today.tzinfo)
        return max(year_fraction(today, end), 0.0)
    return max(year_fraction(today, expiry), 0.0)


def option_quote_analytics(
    *,
    price: float,
    spot: float,
    strike: float,
    today: dt.date | dt.datetime,
    expiry: dt.date,
    right: RightLike,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    style: ExerciseStyle = ExerciseStyle.AMERICAN,
    contract_size: float | None = None,
    underlying_lot_size: int | None = None,
    fallback_volatility: float | None = None,
    expiry_time: dt.time = DEFAULT_EXPIRY_TIME,
) -> OptionQuoteAnalytics:
    """IV from the traded price, greeks at that IV (or at
    ``fallback_volatility`` when no IV exists), premium and the contract
    figures.  ``contract_size``/``underlying_lot_size`` left None give None
    for the HK-only fields."""
    today_date = today.date() if isinstance(today, dt.datetime) else today
    years = _years(today, expiry, expiry_time)
    iv = try_implied_volatility(price, spot, strike, years, rate, dividend_yield, right, style) if years > 0 else None
    vol = iv if iv is not None else fallback_volatility
    greeks: OptionGreeks | None = (
        option_greeks(spot, strike, years, vol, rate, dividend_yield, right, style) if vol is not None else None
    )
    return OptionQuoteAnalytics(
        implied_volatility=None if iv is None else 100.0 * iv,
        premium=float(option_premium(price, spot, strike, right)),
        delta=None if greeks is None else float(greeks.delta),
        gamma=None if greeks is None else float(greeks.gamma),
        vega=None if greeks is None else float(greeks.vega),
        theta=None if greeks is None else float(greeks.theta),
        rho=None if greeks is None else float(greeks.rho),
        expiry_date_distance=expiry_date_distance(today_date, expiry),
        contract_nominal_value=None if contract_size is None else option_contract_nominal_value(spot, contract_size),
        owner_lot_multiplier=(
            None
            if contract_size is None or underlying_lot_size is None
            else option_owner_lot_multiplier(contract_size, underlying_lot_size)
        ),
    )


# ----------------------------------------------------- term-record adapters


def _first(terms: object, names: tuple[str, ...], default: object = ...) -> object:
    for name in names:
        value = getattr(terms, name, None)
        if value is not None:
            return value
    if default is not ...:
        return default
    raise AttributeError(f"{type(terms).__name__} has none of the attributes {names}")


def option_fields_from_terms(terms: object) -> dict[str, object]:
    """Read an OptionTerms-like record by attribute name (first present wins):
    ``strike``/``strike_price``; expiry ``expiry``/``expiry_date``/
    ``strike_time``/``strike_date`` (date, datetime or ISO string); right
    ``option_type``/``right`` ("CALL"/"PUT", OptionRight or 1/2); style
    ``exercise_style``/``option_area_type``/``area_type`` (default AMERICAN);
    ``contract_size`` (default 1)."""
    expiry = _first(terms, ("expiry", "expiry_date", "strike_time", "strike_date"))
    if isinstance(expiry, dt.datetime):
        expiry = expiry.date()
    elif isinstance(expiry, str):
        expiry = dt.date.fromisoformat(expiry[:10])
    right = _first(terms, ("option_type", "right"))
    if hasattr(right, "name") and not isinstance(right, (int, str)):
        right = right.name  # another module's enum with CALL/PUT members
    style = _first(terms, ("exercise_style", "option_area_type", "area_type"), ExerciseStyle.AMERICAN)
    if isinstance(style, str):
        style = ExerciseStyle[style.upper()]
    elif not isinstance(style, ExerciseStyle):
        style = ExerciseStyle[style.name] if hasattr(style, "name") else ExerciseStyle(int(style))  # type: ignore[call-overload]
    return {
        "strike": float(_first(terms, ("strike", "strike_price"))),  # type: ignore[arg-type]
        "expiry": expiry,
        "right": bool(call_mask(right)),  # type: ignore[arg-type]
        "style": style,
        "contract_size": float(_first(terms, ("contract_size",), 1.0)),  # type: ignore[arg-type]
    }


def option_price_for_terms(
    terms: object,
    spot: float,
    today: dt.date | dt.datetime,
    volatility: VolatilitySurface | float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    expiry_time: dt.time = DEFAULT_EXPIRY_TIME,
) -> float:
    """Model price of the option a term record describes (vol from a surface or given)."""
    f = option_fields_from_terms(terms)
    years = _years(today, f["expiry"], expiry_time)  # type: ignore[arg-type]
    if isinstance(volatility, VolatilitySurface):
        forward = spot * math.exp((rate - dividend_yield) * years)
        vol = float(volatility.volatility(f["strike"], forward, years))  # type: ignore[arg-type]
    else:
        vol = float(volatility)
    return float(option_price(spot, f["strike"], years, vol, rate, dividend_yield, f["right"], f["style"]))  # type: ignore[arg-type]


def option_quote_analytics_for_terms(
    terms: object,
    price: float,
    spot: float,
    today: dt.date | dt.datetime,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    underlying_lot_size: int | None = None,
    fallback_volatility: float | None = None,
    expiry_time: dt.time = DEFAULT_EXPIRY_TIME,
) -> OptionQuoteAnalytics:
    """:func:`option_quote_analytics` fed from a term record."""
    f = option_fields_from_terms(terms)
    return option_quote_analytics(
        price=price,
        spot=spot,
        strike=f["strike"],  # type: ignore[arg-type]
        today=today,
        expiry=f["expiry"],  # type: ignore[arg-type]
        right=f["right"],  # type: ignore[arg-type]
        rate=rate,
        dividend_yield=dividend_yield,
        style=f["style"],  # type: ignore[arg-type]
        contract_size=f["contract_size"],  # type: ignore[arg-type]
        underlying_lot_size=underlying_lot_size,
        fallback_volatility=fallback_volatility,
        expiry_time=expiry_time,
    )
