"""A deterministic implied-volatility surface for quoting listed options.

The price engine knows one volatility per underlying (Instrument.volatility);
real option chains show a term structure and a skew.  The surface maps
(strike, forward, tenor) to an implied volatility:

    atm(T)  = long + (short - long) * exp(-T / term_decay_years)
    x       = ln(K / F) / (atm(T) * sqrt(T))          (standardised moneyness)
    vol     = atm(T) * (1 + skew * x + smile * x**2)  with x clipped to +/-4

then bounded to [floor, cap].  Negative ``skew`` gives the equity pattern
(puts dearer than calls); ``smile`` lifts both wings.  Parameters are checked
so the quadratic never dips to zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from openfutu.market.derivatives.options import ArrayLike

_MONEYNESS_CLIP = 4.0
_MIN_TENOR_YEARS = 1.0 / (365.0 * 24.0)  # one hour: keeps x finite on expiry day


@dataclass(frozen=True, slots=True)
class VolatilitySurface:
    short_term_atm: float
    long_term_atm: float
    term_decay_years: float = 0.5
    skew: float = -0.12
    smile: float = 0.04
    floor: float = 0.02
    cap: float = 3.0

    def __post_init__(self) -> None:
        for name in ("short_term_atm", "long_term_atm", "term_decay_years", "floor", "cap"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be positive")
        if self.floor >= self.cap:
            raise ValueError("floor must be below cap")
        if self.smile < 0:
            raise ValueError("smile must not be negative")
        # lowest point of 1 + skew x + smile x^2 on the clipped range must stay positive
        xs = np.linspace(-_MONEYNESS_CLIP, _MONEYNESS_CLIP, 161)
        if np.min(1.0 + self.skew * xs + self.smile * xs * xs) <= 0.05:
            raise ValueError("skew too steep for the smile: the surface would reach zero volatility")

    @classmethod
    def for_underlying(cls, volatility: float, kind: str = "stock") -> "VolatilitySurface":
        """A plausible surface around an underlying's historical volatility.

        ``kind``: "stock" (mild negative skew, short-dated vol a bit above the
        long-run level) or "index" (steeper put skew, as index options show).
        """
        if not (math.isfinite(volatility) and volatility > 0):
            raise ValueError("volatility must be positive")
        if kind == "stock":
            return cls(short_term_atm=volatility * 1.08, long_term_atm=volatility, skew=-0.10, smile=0.04)
        if kind == "index":
            return cls(short_term_atm=volatility * 1.05, long_term_atm=volatility, skew=-0.22, smile=0.05)
        raise ValueError(f"unknown surface kind {kind!r}")

    def atm_volatility(self, years: ArrayLike) -> float | np.ndarray:
        """At-the-money volatility for a tenor."""
        t = np.maximum(np.asarray(years, float), 0.0)
        atm = self.long_term_atm + (self.short_term_atm - self.long_term_atm) * np.exp(-t / self.term_decay_years)
        return float(atm) if atm.ndim == 0 else atm

    def volatility(self, strike: ArrayLike, forward: ArrayLike, years: ArrayLike) -> float | np.ndarray:
        """Implied volatility (decimal) at each strike; broadcasts like numpy.

        ``forward`` is the underlying's forward for that expiry (spot x
        e^{(r-q)T}; spot itself is a fine approximation for short tenors).
        """
        k, f = np.asarray(strike, float), np.asarray(forward, float)
        if np.any(k <= 0) or np.any(f <= 0):
            raise ValueError("strike and forward must be positive")
        t = np.maximum(np.asarray(years, float), _MIN_TENOR_YEARS)
        atm = np.asarray(self.atm_volatility(t))
        x = np.clip(np.log(k / f) / (atm * np.sqrt(t)), -_MONEYNESS_CLIP, _MONEYNESS_CLIP)
        vol = np.clip(atm * (1.0 + self.skew * x + self.smile * x * x), self.floor, self.cap)
        return float(vol) if vol.ndim == 0 else vol
