"""Standard normal distribution on numpy arrays.

numpy has no erf; ``math.erfc`` keeps full relative accuracy in the tails,
which matters for deep out-of-the-money prices and for the implied
volatility solver, so it is mapped over the array.
"""

from __future__ import annotations

import math

import numpy as np

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erfc = np.vectorize(math.erfc, otypes=[float])


def norm_cdf(x: np.ndarray) -> np.ndarray:
    """P(Z <= x) for a standard normal Z, element-wise."""
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return x.copy()
    return 0.5 * _erfc(-x * _SQRT_HALF)


def norm_pdf(x: np.ndarray) -> np.ndarray:
    """Standard normal density, element-wise."""
    x = np.asarray(x, dtype=float)
    return _INV_SQRT_2PI * np.exp(-0.5 * x * x)
