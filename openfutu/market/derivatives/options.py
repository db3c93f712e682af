"""Listed option pricing: Black-Scholes-Merton, Barone-Adesi-Whaley, greeks
and implied volatility, on numpy arrays so a whole chain prices in one call.

Conventions (all inputs are plain numbers or numpy arrays that broadcast):

* ``spot``, ``strike`` in price units; ``years`` is the time to expiry in
  years (calendar days / 365, see :func:`year_fraction`); ``volatility``,
  ``rate`` and ``dividend_yield`` are annualised, continuously compounded
  decimals (0.25 means 25%).
* ``right`` is ``OptionRight``, ``"CALL"``/``"PUT"``, a bool (True = call) or
  an array of those, so calls and puts can be mixed in one chain.
* Expired (``years <= 0``) or zero-volatility options are worth their
  discounted forward intrinsic value; nothing returns NaN for valid input.

Units of the quoted figures.  The docs list the greeks without units
(docs L2392-L2396, OptionBasicQotExData docs L7858-L7862) and say that the
implied volatility and the premium are percentage fields (docs L7856-L7857,
"20 means 20%", spelled out in the SDK's Qot_Common.proto).  We therefore
quote IV and premium in percent, and the greeks the way the Futu/moomoo app
and most brokers show them: delta and gamma per 1.0 move of the underlying,
vega per 1 volatility point (1%), theta per calendar day, rho per 1% of the
interest rate.  The *raw* analytic values (per 1.00 vol, per year, per 1.00
rate) are available through ``raw=True``.

Exercise style follows OptionAreaType (docs L6434-L6450): US and HK stock
options are American and are priced with the Barone-Adesi-Whaley (1987)
quadratic approximation; index options (HSI/HHI, SPX-style) are European and
priced with Black-Scholes-Merton.  Greeks of American options are central
finite differences of the approximation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Union

import numpy as np

from openfutu.market.derivatives.normal import norm_cdf, norm_pdf

ArrayLike = Union[float, int, Sequence[float], np.ndarray]

DAYS_PER_YEAR = 365.0
#: Bracket of the implied-volatility solver (0.1% .. 500%).
MIN_VOLATILITY = 0.001
MAX_VOLATILITY = 5.0


class OptionRight(IntEnum):
    """Call or put (Qot_Common.OptionType; docs L6468-L6480)."""

    CALL = 1
    PUT = 2


class ExerciseStyle(IntEnum):
    """When an option may be exercised (Qot_Common.OptionAreaType; docs L6434-L6450)."""

    UNKNOWN = 0
    AMERICAN = 1
    EUROPEAN = 2
    BERMUDA = 3


RightLike = Union[OptionRight, str, bool, int, Sequence, np.ndarray]


def exercise_style_for_underlying(underlying_is_index: bool) -> ExerciseStyle:
    """The listed market's rule: options on stocks and ETFs (HKEX stock
    options, US equity options) are American; index options (HSI/HHI,
    SPX/NDX-style) are European."""
    return ExerciseStyle.EUROPEAN if underlying_is_index else ExerciseStyle.AMERICAN


class ImpliedVolatilityError(ValueError):
    """The option price cannot be produced by any volatility in the solver's bracket."""


# ---------------------------------------------------------------- inputs


def _is_call_one(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, OptionRight):
        return value is OptionRight.CALL
    if isinstance(value, (int, np.integer)):
        if int(value) in (1, 2):
            return int(value) == 1
    if isinstance(value, str) and value.upper() in ("CALL", "PUT"):
        return value.upper() == "CALL"
    raise ValueError(f"option right must be CALL or PUT, got {value!r}")


def call_mask(right: RightLike) -> np.ndarray:
    """Boolean array, True where ``right`` means a call."""
    if isinstance(right, (str, bool, int, np.bool_, np.integer, OptionRight)):
        return np.asarray(_is_call_one(right))
    items = np.asarray(right, dtype=object)
    return np.vectorize(_is_call_one, otypes=[bool])(items) if items.size else items.astype(bool)


def _prepare(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    dividend_yield: ArrayLike,
    right: RightLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    raw = [spot, strike, years, volatility, rate, dividend_yield]
    is_call = call_mask(right)
    scalar = all(np.ndim(v) == 0 for v in raw) and is_call.ndim == 0
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in raw], is_call)
    # at least 1-d so masked assignment works for a single option too
    s, k, t, v, r, q = (np.atleast_1d(np.array(a, dtype=float)) for a in arrays[:6])
    c = np.atleast_1d(np.array(arrays[6], dtype=bool))
    for name, a in (("spot", s), ("strike", k), ("years", t), ("volatility", v), ("rate", r), ("dividend_yield", q)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite")
    if np.any(s <= 0) or np.any(k <= 0):
        raise ValueError("spot and strike must be positive")
    if np.any(v < 0):
        raise ValueError("volatility must not be negative")
    return s, k, t, v, r, q, c, scalar


def _out(values: np.ndarray, scalar: bool) -> float | np.ndarray:
    return float(np.asarray(values).reshape(-1)[0]) if scalar else values


# ------------------------------------------------------------ European


@dataclass(frozen=True, slots=True)
class _BsmTerms:
    fwd_spot: np.ndarray  # S e^{-qT}
    fwd_strike: np.ndarray  # K e^{-rT}
    d1: np.ndarray
    d2: np.ndarray
    pdf_d1: np.ndarray  # zero where the option has no time value left
    sqrt_t: np.ndarray
    live: np.ndarray


def _bsm_terms(s: np.ndarray, k: np.ndarray, t: np.ndarray, v: np.ndarray, r: np.ndarray, q: np.ndarray) -> _BsmTerms:
    tp = np.maximum(t, 0.0)
    fwd_spot = s * np.exp(-q * tp)
    fwd_strike = k * np.exp(-r * tp)
    sqrt_t = np.sqrt(tp)
    sd = v * sqrt_t
    live = sd > 1e-12
    safe_sd = np.where(live, sd, 1.0)
    log_moneyness = np.log(fwd_spot / fwd_strike)
    # no time value left: d1 = d2 = +/-inf on the in/out side, 0 at the money
    at_expiry = np.where(log_moneyness > 0, np.inf, np.where(log_moneyness < 0, -np.inf, 0.0))
    d1 = np.where(live, log_moneyness / safe_sd + 0.5 * safe_sd, at_expiry)
    d2 = np.where(live, d1 - safe_sd, d1)
    pdf_d1 = np.where(live, norm_pdf(np.where(live, d1, 0.0)), 0.0)
    return _BsmTerms(fwd_spot, fwd_strike, d1, d2, pdf_d1, sqrt_t, live)


def _european(s, k, t, v, r, q, is_call) -> np.ndarray:  # type: ignore[no-untyped-def]
    b = _bsm_terms(s, k, t, v, r, q)
    call = b.fwd_spot * norm_cdf(b.d1) - b.fwd_strike * norm_cdf(b.d2)
    put = b.fwd_strike * norm_cdf(-b.d2) - b.fwd_spot * norm_cdf(-b.d1)
    # clip tiny negative round-off
    return np.maximum(np.where(is_call, call, put), 0.0)


def _european_vega_raw(s, k, t, v, r, q) -> np.ndarray:  # type: ignore[no-untyped-def]
    b = _bsm_terms(s, k, t, v, r, q)
    return b.fwd_spot * b.pdf_d1 * b.sqrt_t


def european_price(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
) -> float | np.ndarray:
    """Black-Scholes-Merton price of a European option (continuous dividend yield)."""
    s, k, t, v, r, q, c, scalar = _prepare(spot, strike, years, volatility, rate, dividend_yield, right)
    return _out(_european(s, k, t, v, r, q, c), scalar)


# ------------------------------------------------------------ American


def _m_over_k(r: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """2r / (sigma^2 (1 - e^{-rT})), with its r -> 0 limit 2 / (sigma^2 T)."""
    small = np.abs(r * t) < 1e-12
    safe_r = np.where(small, 1.0, r)
    exact = 2.0 * safe_r / (v * v * -np.expm1(-safe_r * t))
    return np.where(small, 2.0 / (v * v * t), exact)


def _baw_call(s, k, t, v, r, q) -> np.ndarray:  # type: ignore[no-untyped-def]
    b = r - q
    sd = v * np.sqrt(t)
    carry = np.exp((b - r) * t)
    n_ = 2.0 * b / (v * v)
    q2 = 0.5 * (-(n_ - 1.0) + np.sqrt((n_ - 1.0) ** 2 + 4.0 * _m_over_k(r, v, t)))
    q2_inf = 0.5 * (-(n_ - 1.0) + np.sqrt((n_ - 1.0) ** 2 + 8.0 * r / (v * v)))
    s_inf = k / (1.0 - 1.0 / q2_inf)
    h2 = -(b * t + 2.0 * sd) * k / (s_inf - k)
    # seed of the critical price; exponent capped so tiny vols cannot overflow
    crit = np.maximum(k + (s_inf - k) * (1.0 - np.exp(np.minimum(h2, 50.0))), k * (1 + 1e-9))
    calls = np.ones_like(s, dtype=bool)
    for _ in range(200):
        d1 = (np.log(crit / k) + (b + 0.5 * v * v) * t) / sd
        euro = _european(crit, k, t, v, r, q, calls)
        rhs = euro + (1.0 - carry * norm_cdf(d1)) * crit / q2
        slope = carry * norm_cdf(d1) * (1.0 - 1.0 / q2) + (1.0 - carry * norm_pdf(d1) / sd) / q2
        done = np.abs(crit - k - rhs) <= 1e-13 * k
        if np.all(done):
            break
        crit = np.where(done, crit, np.maximum((k + rhs - slope * crit) / (1.0 - slope), k * (1 + 1e-9)))
    d1 = (np.log(crit / k) + (b + 0.5 * v * v) * t) / sd
    a2 = crit / q2 * (1.0 - carry * norm_cdf(d1))
    euro_s = _european(s, k, t, v, r, q, calls)
    continuation = s < crit
    ratio = np.where(continuation, s / crit, 1.0)
    return np.where(continuation, euro_s + a2 * ratio**q2, s - k)


def _baw_put(s, k, t, v, r, q) -> np.ndarray:  # type: ignore[no-untyped-def]
    b = r - q
    sd = v * np.sqrt(t)
    carry = np.exp((b - r) * t)
    n_ = 2.0 * b / (v * v)
    q1 = 0.5 * (-(n_ - 1.0) - np.sqrt((n_ - 1.0) ** 2 + 4.0 * _m_over_k(r, v, t)))
    q1_inf = 0.5 * (-(n_ - 1.0) - np.sqrt((n_ - 1.0) ** 2 + 8.0 * r / (v * v)))
    s_inf = k / (1.0 - 1.0 / q1_inf)
    h1 = (b * t - 2.0 * sd) * k / (k - s_inf)
    crit = np.clip(s_inf + (k - s_inf) * np.exp(np.minimum(h1, 50.0)), 1e-9 * k, k)
    puts = np.zeros_like(s, dtype=bool)
    for _ in range(200):
        d1 = (np.log(crit / k) + (b + 0.5 * v * v) * t) / sd
        euro = _european(crit, k, t, v, r, q, puts)
        rhs = euro - (1.0 - carry * norm_cdf(-d1)) * crit / q1
        slope = -carry * norm_cdf(-d1) * (1.0 - 1.0 / q1) - (1.0 + carry * norm_pdf(-d1) / sd) / q1
        done = np.abs(k - crit - rhs) <= 1e-13 * k
        if np.all(done):
            break
        crit = np.where(done, crit, np.clip((k - rhs + slope * crit) / (1.0 + slope), 1e-9 * k, k))
    d1 = (np.log(crit / k) + (b + 0.5 * v * v) * t) / sd
    a1 = -crit / q1 * (1.0 - carry * norm_cdf(-d1))
    euro_s = _european(s, k, t, v, r, q, puts)
    continuation = s > crit
    ratio = np.where(continuation, s / crit, 1.0)
    return np.where(continuation, euro_s + a1 * ratio**q1, k - s)


def _american(s, k, t, v, r, q, is_call) -> np.ndarray:  # type: ignore[no-untyped-def]
    price = _european(s, k, t, v, r, q, is_call).copy()
    live = (t > 0) & (v * np.sqrt(np.maximum(t, 0.0)) > 1e-12)
    # early exercise only pays for a call when the underlying yields more
    # than cash (q > 0), and for a put when cash earns interest (r > 0)
    # (a yield below 1e-9 is no yield: the premium vanishes and the
    # approximation's boundary runs off to infinity)
    calls = live & is_call & (q > 1e-9)
    puts = live & ~is_call & (r > 1e-9)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if np.any(calls):
            price[calls] = _baw_call(s[calls], k[calls], t[calls], v[calls], r[calls], q[calls])
        if np.any(puts):
            price[puts] = _baw_put(s[puts], k[puts], t[puts], v[puts], r[puts], q[puts])
    european = _european(s, k, t, v, r, q, is_call)
    # never below European, and fall back to it should the boundary search fail
    price = np.where(np.isfinite(price), np.maximum(price, european), european)
    intrinsic = np.where(is_call, s - k, k - s)
    return np.maximum(price, np.maximum(intrinsic, 0.0))


def american_price(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
) -> float | np.ndarray:
    """Barone-Adesi-Whaley approximation of an American option's price.

    Never below the European price nor the immediate exercise value.
    """
    s, k, t, v, r, q, c, scalar = _prepare(spot, strike, years, volatility, rate, dividend_yield, right)
    return _out(_american(s, k, t, v, r, q, c), scalar)


def _model(style: ExerciseStyle):  # type: ignore[no-untyped-def]
    style = ExerciseStyle(style)
    if style is ExerciseStyle.AMERICAN:
        return _american
    if style is ExerciseStyle.EUROPEAN:
        return _european
    raise ValueError(f"no pricing model for exercise style {style.name}")


def option_price(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> float | np.ndarray:
    """Price by exercise style: BSM for European, BAW for American."""
    s, k, t, v, r, q, c, scalar = _prepare(spot, strike, years, volatility, rate, dividend_yield, right)
    return _out(_model(style)(s, k, t, v, r, q, c), scalar)


# -------------------------------------------------------------- greeks


@dataclass(frozen=True, slots=True)
class OptionGreeks:
    """Sensitivities of one option (or arrays for a chain).

    Default units are the quoted ones (see the module docstring): vega per
    1% volatility, theta per calendar day, rho per 1% rate.
    """

    delta: float | np.ndarray
    gamma: float | np.ndarray
    vega: float | np.ndarray
    theta: float | np.ndarray
    rho: float | np.ndarray


def _european_greeks_raw(s, k, t, v, r, q, is_call):  # type: ignore[no-untyped-def]
    b = _bsm_terms(s, k, t, v, r, q)
    n1, n2 = norm_cdf(b.d1), norm_cdf(b.d2)
    tp = np.maximum(t, 0.0)
    disc_q = b.fwd_spot / s
    delta = np.where(is_call, disc_q * n1, disc_q * (n1 - 1.0))
    safe = np.where(b.live, s * v * b.sqrt_t, 1.0)
    gamma = np.where(b.live, disc_q * b.pdf_d1 / safe, 0.0)
    vega = b.fwd_spot * b.pdf_d1 * b.sqrt_t
    decay = np.where(b.live, -b.fwd_spot * b.pdf_d1 * v / (2.0 * np.where(b.live, b.sqrt_t, 1.0)), 0.0)
    theta_call = decay - r * b.fwd_strike * n2 + q * b.fwd_spot * n1
    theta_put = decay + r * b.fwd_strike * (1.0 - n2) - q * b.fwd_spot * (1.0 - n1)
    # an expired option has no time left to decay
    theta = np.where(t > 0, np.where(is_call, theta_call, theta_put), 0.0)
    rho = np.where(is_call, b.fwd_strike * tp * n2, -b.fwd_strike * tp * (1.0 - n2))
    return delta, gamma, vega, theta, rho


def _numeric_greeks_raw(model, s, k, t, v, r, q, is_call):  # type: ignore[no-untyped-def]
    hs = 1e-3 * s
    up, mid, down = model(s + hs, k, t, v, r, q, is_call), model(s, k, t, v, r, q, is_call), model(s - hs, k, t, v, r, q, is_call)
    delta = (up - down) / (2 * hs)
    gamma = (up - 2 * mid + down) / (hs * hs)
    hv = np.minimum(1e-4, 0.5 * v)
    hv = np.where(hv > 0, hv, 1e-4)
    vega = (model(s, k, t, v + hv, r, q, is_call) - model(s, k, t, np.maximum(v - hv, 0.0), r, q, is_call)) / (
        v + hv - np.maximum(v - hv, 0.0)
    )
    ht = np.where(t > 2e-5, 1e-5, 0.0)
    theta = np.where(
        ht > 0,
        -(model(s, k, t + ht, v, r, q, is_call) - model(s, k, np.maximum(t - ht, 0.0), v, r, q, is_call))
        / np.where(ht > 0, 2 * ht, 1.0),
        0.0,
    )
    hr = 1e-5
    rho = (model(s, k, t, v, r + hr, q, is_call) - model(s, k, t, v, r - hr, q, is_call)) / (2 * hr)
    return delta, gamma, vega, theta, rho


def option_greeks(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
    *,
    raw: bool = False,
) -> OptionGreeks:
    """Delta, gamma, vega, theta, rho (analytic for European, numeric for American)."""
    s, k, t, v, r, q, c, scalar = _prepare(spot, strike, years, volatility, rate, dividend_yield, right)
    if ExerciseStyle(style) is ExerciseStyle.EUROPEAN:
        values = _european_greeks_raw(s, k, t, v, r, q, c)
    else:
        values = _numeric_greeks_raw(_model(style), s, k, t, v, r, q, c)
    delta, gamma, vega, theta, rho = values
    if not raw:
        vega, theta, rho = vega / 100.0, theta / DAYS_PER_YEAR, rho / 100.0
    return OptionGreeks(*(_out(np.asarray(x, dtype=float), scalar) for x in (delta, gamma, vega, theta, rho)))


# ------------------------------------------------- bounds and implied vol


def _bounds(s, k, t, r, q, is_call, style: ExerciseStyle):  # type: ignore[no-untyped-def]
    tp = np.maximum(t, 0.0)
    fwd_spot, fwd_strike = s * np.exp(-q * tp), k * np.exp(-r * tp)
    lower = np.maximum(np.where(is_call, fwd_spot - fwd_strike, fwd_strike - fwd_spot), 0.0)
    upper = np.where(is_call, fwd_spot, fwd_strike)
    if ExerciseStyle(style) is ExerciseStyle.AMERICAN:
        lower = np.maximum(lower, np.where(is_call, s - k, k - s))
        upper = np.where(is_call, s, k)
    return lower, upper


def price_bounds(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """No-arbitrage (lower, upper) price bounds.

    European call: max(S e^{-qT} - K e^{-rT}, 0) .. S e^{-qT}; put:
    max(K e^{-rT} - S e^{-qT}, 0) .. K e^{-rT}.  American options add the
    exercise value to the lower bound and are capped by S (call) or K (put).
    """
    s, k, t, _, r, q, c, scalar = _prepare(spot, strike, years, 0.0, rate, dividend_yield, right)
    lower, upper = _bounds(s, k, t, r, q, c, style)
    return _out(lower, scalar), _out(upper, scalar)


def _solve_iv(price, s, k, t, r, q, c, style: ExerciseStyle) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Vectorised bracketed solve; returns (vol, reason code) with NaN where unsolvable.

    Reason codes: 0 solved, 1 expired, 2 below lower bound, 3 above upper
    bound, 4 needs vol below MIN_VOLATILITY, 5 needs vol above MAX_VOLATILITY.
    """
    model = _model(style)
    tol = 1e-12 * np.maximum(1.0, k)
    lower, upper = _bounds(s, k, t, r, q, c, style)
    lo = np.full_like(s, MIN_VOLATILITY)
    hi = np.full_like(s, MAX_VOLATILITY)
    p_lo = model(s, k, t, lo, r, q, c)
    p_hi = model(s, k, t, hi, r, q, c)
    reason = np.zeros(s.shape, dtype=int)
    reason = np.where(price > p_hi + tol, 5, reason)
    reason = np.where(price < p_lo - tol, 4, reason)
    reason = np.where(price > upper + tol, 3, reason)
    reason = np.where(price < lower - tol, 2, reason)
    reason = np.where(t <= 0, 1, reason)
    active = reason == 0
    vol = np.full_like(s, np.nan)
    at_floor = active & (np.abs(price - p_lo) <= tol)
    vol[at_floor] = MIN_VOLATILITY
    active &= ~at_floor
    sigma = np.clip(np.full_like(s, 0.3), lo, hi)
    for it in range(300):
        if not np.any(active):
            break
        f = model(s, k, t, sigma, r, q, c) - price
        good = np.abs(f) <= tol
        vol = np.where(active & good, sigma, vol)
        active &= ~good
        hi = np.where(active & (f > 0), sigma, hi)
        lo = np.where(active & (f < 0), sigma, lo)
        narrow = active & (hi - lo <= 1e-13)
        vol = np.where(narrow, 0.5 * (lo + hi), vol)
        active &= ~narrow
        slope = _european_vega_raw(s, k, t, sigma, r, q)
        newton = sigma - f / np.where(slope > 1e-300, slope, np.inf)
        # every third step bisects, so the bracket at least halves regularly
        take_newton = (it % 3 != 2) & (slope > 1e-300) & (newton > lo) & (newton < hi)
        sigma = np.where(active, np.where(take_newton, newton, 0.5 * (lo + hi)), sigma)
    vol = np.where(active, sigma, vol)  # out of iterations: best estimate
    return vol, reason


_REASONS = {
    1: "the option has expired",
    2: "price is below the no-arbitrage lower bound",
    3: "price is above the no-arbitrage upper bound",
    4: f"price needs a volatility below {MIN_VOLATILITY}",
    5: f"price needs a volatility above {MAX_VOLATILITY}",
}


def implied_volatility_array(
    price: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    rate: ArrayLike = 0.0,
    dividend_yield: ArrayLike = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> np.ndarray:
    """Implied volatility (decimal) element-wise; NaN where no volatility in
    [MIN_VOLATILITY, MAX_VOLATILITY] reproduces the price.  A price equal to
    the model price at MIN_VOLATILITY (e.g. an American put worth exactly its
    exercise value, where every low volatility gives the same price) returns
    MIN_VOLATILITY."""
    p = np.asarray(price, dtype=float)
    # spot broadcast against the prices so a price array sets the chain's shape too
    s, k, t, _, r, q, c, _scalar = _prepare(np.asarray(spot, float) + np.zeros_like(p), strike, years, 0.0, rate, dividend_yield, right)
    p = np.broadcast_to(p, s.shape).astype(float)
    if not np.all(np.isfinite(p)):
        raise ValueError("price must be finite")
    vol, _reason = _solve_iv(p, s, k, t, r, q, c, style)
    return vol


def implied_volatility(
    price: float,
    spot: float,
    strike: float,
    years: float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> float:
    """Implied volatility (decimal) of one option price.

    Raises ImpliedVolatilityError naming the reason (outside the
    no-arbitrage bounds, expired, or outside the volatility bracket).
    """
    s, k, t, _, r, q, c, _scalar = _prepare(spot, strike, years, 0.0, rate, dividend_yield, right)
    if s.size != 1:
        raise ValueError("implied_volatility takes one option; use implied_volatility_array for chains")
    if not math.isfinite(price):
        raise ValueError("price must be finite")
    vol, reason = _solve_iv(np.full(s.shape, float(price)), s, k, t, r, q, c, style)
    code = int(reason.reshape(-1)[0])
    if code:
        lower, upper = _bounds(s, k, t, r, q, c, style)
        raise ImpliedVolatilityError(
            f"{_REASONS[code]} (price {price}, bounds {float(lower.reshape(-1)[0]):.6g}"
            f"..{float(upper.reshape(-1)[0]):.6g})"
        )
    return float(vol.reshape(-1)[0])


def try_implied_volatility(
    price: float,
    spot: float,
    strike: float,
    years: float,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
    right: RightLike = OptionRight.CALL,
    style: ExerciseStyle = ExerciseStyle.EUROPEAN,
) -> float | None:
    """Like implied_volatility but returns None when the price admits no volatility."""
    try:
        return implied_volatility(price, spot, strike, years, rate, dividend_yield, right, style)
    except ImpliedVolatilityError:
        return None


# ----------------------------------------------- quote-level figures


def intrinsic_value(spot: ArrayLike, strike: ArrayLike, right: RightLike = OptionRight.CALL) -> float | np.ndarray:
    """max(S - K, 0) for calls, max(K - S, 0) for puts."""
    c = call_mask(right)
    scalar = np.ndim(spot) == 0 and np.ndim(strike) == 0 and c.ndim == 0
    s, k, c = np.broadcast_arrays(np.asarray(spot, float), np.asarray(strike, float), c)
    return _out(np.maximum(np.where(c, s - k, k - s), 0.0), scalar)


def is_in_the_money(spot: ArrayLike, strike: ArrayLike, right: RightLike = OptionRight.CALL) -> bool | np.ndarray:
    """OptionCondType WITHIN (docs L6452-L6464): call S > K, put S < K."""
    c = call_mask(right)
    s, k, c = np.broadcast_arrays(np.asarray(spot, float), np.asarray(strike, float), c)
    itm = np.where(c, s > k, s < k)
    return bool(itm) if itm.ndim == 0 else itm


def option_premium(
    price: ArrayLike, spot: ArrayLike, strike: ArrayLike, right: RightLike = OptionRight.CALL
) -> float | np.ndarray:
    """Premium in percent (docs L7857: percentage field): how far the
    underlying must move for exercise to break even at expiry, relative to
    spot.  Call (K + price - S) / S, put (S + price - K) / S."""
    c = call_mask(right)
    scalar = all(np.ndim(x) == 0 for x in (price, spot, strike)) and c.ndim == 0
    p, s, k, c = np.broadcast_arrays(np.asarray(price, float), np.asarray(spot, float), np.asarray(strike, float), c)
    if np.any(s <= 0):
        raise ValueError("spot must be positive")
    return _out(100.0 * np.where(c, k + p - s, s + p - k) / s, scalar)


def expiry_date_distance(today: dt.date, expiry: dt.date) -> int:
    """Calendar days to expiry; negative once expired (docs L7864)."""
    return (expiry - today).days


def year_fraction(today: dt.date | dt.datetime, expiry: dt.date | dt.datetime) -> float:
    """Actual/365 year fraction; datetimes keep the intraday part."""
    if isinstance(today, dt.datetime) != isinstance(expiry, dt.datetime):
        # a bare date means its midnight, in the other side's time zone
        if not isinstance(today, dt.datetime):
            today = dt.datetime.combine(today, dt.time(), tzinfo=expiry.tzinfo)  # type: ignore[union-attr]
        if not isinstance(expiry, dt.datetime):
            expiry = dt.datetime.combine(expiry, dt.time(), tzinfo=today.tzinfo)
    delta = expiry - today  # type: ignore[operator]
    return delta.total_seconds() / (DAYS_PER_YEAR * 86400.0)


def option_contract_nominal_value(spot: float, contract_size: float) -> float:
    """Notional of one contract: underlying price x shares per contract
    (option_contract_nominal_value, docs L2400; HK stock options, docs L7865)."""
    return float(spot) * float(contract_size)


def option_owner_lot_multiplier(contract_size: float, underlying_lot_size: int) -> float:
    """Underlying lots one contract stands for (option_owner_lot_multiplier,
    docs L2401; not for index options, docs L7866)."""
    if underlying_lot_size <= 0:
        raise ValueError("underlying lot size must be positive")
    return float(contract_size) / underlying_lot_size
