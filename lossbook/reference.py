"""High-precision references: each loss evaluated in mpmath with 50 significant digits.

These are the yardstick for every accuracy claim of the book: the test suite measures lossbook (and the
frameworks) against them in units in the last place, and chapters print them beside the float64 values.
The formulas are the plain mathematical definitions; at 50 digits no rearrangement is needed for inputs
a float64 can hold. Inputs are taken as the exact values of the given floats. mpmath is imported on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

DIGITS = 50
"""Significant decimal digits of every reference."""


def _mp():
    import mpmath

    return mpmath


def softplus(x):
    r""":math:`\log(1 + e^{x})`."""
    mp = _mp()
    return mp.log1p(mp.exp(x))


def sigmoid(x):
    r""":math:`1 / (1 + e^{-x})`."""
    return 1 / (1 + _mp().exp(-x))


def binary_cross_entropy(y, p):
    r""":math:`-[\,y \log p + (1 - y)\log(1 - p)\,]`."""
    mp = _mp()
    return -(y * mp.log(p) + (1 - y) * mp.log1p(-p))


def binary_cross_entropy_with_logits(y, z, w=1):
    r""":math:`w\,y\operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z)`."""
    return w * y * softplus(-z) + (1 - y) * softplus(z)


def exact(function: Callable[..., Any], *arrays: Sequence[float]) -> list:
    """``function`` at each element of ``arrays`` (NumPy arrays or lists of equal length), as mpmath
    numbers with :data:`DIGITS` digits, from the exact values of the float inputs."""
    mp = _mp()
    with mp.workdps(DIGITS):
        return [function(*(mp.mpf(float(v)) for v in values)) for values in zip(*arrays, strict=True)]


def exact_float(function: Callable[..., Any], *values: float) -> float:
    """``function`` at one point, in :data:`DIGITS`-digit arithmetic, rounded once to a float64."""
    return float(exact(function, *([v] for v in values))[0])
