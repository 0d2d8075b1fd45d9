"""Accuracy and properties of the regression losses of :mod:`lossbook.core.regression`: the squared
and absolute errors, the Poisson loss of rates and of log-rates, and Stirling's term.

Accuracy (DESIGN.md, "Accuracy"): in float64, against 50-digit mpmath references, at most 4 ulps of the
exact result, or of the largest term of the formula where its terms cancel (the Poisson losses near
their minimum, Stirling's term near its sign change); the measure is in accuracy.py. Both array
libraries are measured.

Properties (Hypothesis): where a property holds exactly in floating point it is asserted exactly (and
the docstring says why); otherwise the tolerance is derived from the rounding of the quantities
involved. The agreement of NumPy and torch is tested here for every element-wise function of core,
xlogy included.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, assert_close, assert_same_kind
from accuracy import DIGITS, assert_within_ulps
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from strategies import LOGIT, MODERATE, UNIT, pairs

from lossbook import core
from lossbook import reference as mpref

EPS = float(np.finfo(np.float64).eps)


# --------------------------------------------------------------------------------------------------
# Accuracy
# --------------------------------------------------------------------------------------------------

RNG = np.random.default_rng(1805)

COUNTS = np.concatenate(
    [
        [0.0, 0.0, 1.0, 2.0, 3.0],
        np.arange(0.0, 30.0),
        np.floor(10.0 ** RNG.uniform(0, 6, 40)),
        RNG.uniform(0, 50, 40),
    ]
)
"""Counts: small integers, integers up to 1e6, and non-integer targets up to 50."""

RATES = np.concatenate(
    [
        [0.0, 1e-300, 1.0, 0.0, 3.0],
        10.0 ** RNG.uniform(-10, 6, 70),
        COUNTS[75:] * (1 + RNG.normal(0, 1e-3, 40)),
    ]
)
"""Rates log-uniform from 1e-10 to 1e6, and rates within 0.1% of the count (near the minimum); rate 0
for counts 0 (loss 0) and 2 (loss inf)."""

LOG_RATES = np.concatenate(
    [[-np.inf, -745.0, 0.0, 1.0, 1.5], RNG.uniform(-30, 30, 70), np.log(COUNTS[75:] + 0.5)]
)
"""Log-rates from -30 to 30, and near the minimum at log y."""


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_poisson_nll_is_within_4_ulps_of_its_largest_term(kind):
    """lambda - y log lambda: the terms cancel where lambda is close to y log lambda (the plain measure
    reads tens of ulps there); for rates up to 1 both terms are non-negative and the measure is plain."""
    computed = core.poisson_nll(ARRAY_KINDS[kind](COUNTS), ARRAY_KINDS[kind](RATES))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.maximum(RATES, np.nan_to_num(np.abs(COUNTS * np.log(RATES))))
    assert_within_ulps("poisson_nll", computed, mpref.exact(mpref.poisson_nll, COUNTS, RATES), terms)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_poisson_nll_with_log_rate_is_within_4_ulps_of_its_largest_term(kind):
    """e^eta - y eta: the terms cancel where e^eta is close to y eta; for eta <= 0 both are non-negative."""
    computed = core.poisson_nll_with_log_rate(ARRAY_KINDS[kind](COUNTS), ARRAY_KINDS[kind](LOG_RATES))
    with np.errstate(invalid="ignore"):
        terms = np.maximum(np.exp(LOG_RATES), np.nan_to_num(np.abs(COUNTS * LOG_RATES)))
    expected = mpref.exact(mpref.poisson_nll_with_log_rate, COUNTS, LOG_RATES)
    assert_within_ulps("poisson_nll_with_log_rate", computed, expected, terms)


STIRLING_TARGETS = np.concatenate(
    [
        np.arange(0.0, 60.0),
        1 + 10.0 ** RNG.uniform(-12, 0, 30),
        10.0 ** RNG.uniform(0, 12, 40),
        RNG.uniform(1, 5, 30),
    ]
)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_stirling_term_is_within_4_ulps_of_its_largest_term(kind):
    """y log y - y + log(2 pi y) / 2 changes sign near y = 1.15 (the plain measure reads tens of ulps
    there, and more the closer y comes); it is exactly 0 for y <= 1."""
    y = STIRLING_TARGETS
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 1, np.maximum(y * np.log(y), y), 0.0)
    computed = core.stirling_term(ARRAY_KINDS[kind](y))
    assert_within_ulps("stirling_term", computed, mpref.exact(mpref.stirling_term, y), terms)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_stirling_term_from_y_equal_2_is_within_4_ulps_of_the_result(kind):
    y = STIRLING_TARGETS[STIRLING_TARGETS >= 2]
    assert_within_ulps(
        "stirling_term (y >= 2)",
        core.stirling_term(ARRAY_KINDS[kind](y)),
        mpref.exact(mpref.stirling_term, y),
    )


def test_stirling_term_underestimates_log_factorial_by_about_1_over_12y():
    """The docstring's claim, against the exact log y! = log Gamma(y + 1): the error of Stirling's
    formula lies between 1/(12y) - 1/(360y^3) and 1/(12y) for y > 1 (0.04 at y = 2)."""
    y = np.concatenate([np.arange(2.0, 40.0), [1.5, 2.5, 1e3, 1e6]])
    with mpmath.workdps(DIGITS):
        for value in map(mpmath.mpf, y.tolist()):  # the bounds in 50 digits too: at 1e6 they are 1e-33 apart
            error = mpref.log_factorial(value) - mpref.stirling_term(value)
            assert 1 / (12 * value) - 1 / (360 * value**3) < error < 1 / (12 * value), f"at y = {value}"
    at_2 = mpref.exact_float(mpref.log_factorial, 2.0) - float(core.stirling_term(np.array(2.0)))
    assert round(at_2, 2) == 0.04


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [core.squared_error, core.absolute_error])
@given(pair=pairs(LOGIT, LOGIT))
def test_regression_errors_are_non_negative_zero_at_the_target_and_symmetric(function, pair):
    """Exactly: fl(y - x) = -fl(x - y) (rounding is symmetric), and y - y = 0. A difference that
    overflows gives inf, still non-negative and symmetric."""
    y, x = pair
    with np.errstate(over="ignore"):
        value = function(y, x)
        assert np.all(value >= 0)
        assert np.array_equal(function(x, y), value)
        assert np.all(function(y, y.copy()) == 0)


POSITIVE_COUNT = st.one_of(st.integers(1, 10**6).map(float), st.floats(1e-3, 1e6))

COUNT = st.one_of(st.just(0.0), POSITIVE_COUNT)

FACTOR = st.floats(1e-3, 1e3)


@given(y=COUNT, factor=FACTOR)
def test_poisson_nll_in_the_rate_is_minimised_at_the_count(y, factor):
    """d/d lambda (lambda - y log lambda) = 1 - y / lambda: the minimum over lambda is at lambda = y
    (the loss at 0 is 0 for y = 0). Nearby rates may tie within rounding: 4 ulps of the terms."""
    rate = np.array(max(y, 1e-300) * factor)
    at_y, at_rate = core.poisson_nll(np.array(y), np.array(y)), core.poisson_nll(np.array(y), rate)
    terms = rate + y * abs(math.log(rate)) + y * (1 + abs(math.log(max(y, 1e-300))))
    assert at_y <= at_rate + 4 * EPS * terms


@given(y=POSITIVE_COUNT, eta=st.floats(-50.0, 50.0))
def test_poisson_nll_with_log_rate_is_minimised_at_the_log_of_the_count(y, eta):
    """e^eta - y eta is convex with its minimum at eta = log y (y > 0), where it equals poisson_nll(y, y)."""
    at_log_y = core.poisson_nll_with_log_rate(np.array(y), np.log(np.array(y)))
    at_eta = core.poisson_nll_with_log_rate(np.array(y), np.array(eta))
    terms = math.exp(eta) + abs(y * eta) + y * (1 + abs(math.log(y)))
    assert at_log_y <= at_eta + 4 * EPS * terms
    assert_close(at_log_y, core.poisson_nll(np.array(y), np.array(y)), rtol=4 * EPS, atol=4 * EPS * terms)


ELEMENT_FUNCTIONS = {  # name -> (function, strategies of its two inputs, scale of its terms or None)
    "xlogy": (core.xlogy, (UNIT, st.floats(0.0, 1e300)), None),
    "squared_error": (core.squared_error, (MODERATE, MODERATE), None),
    "absolute_error": (core.absolute_error, (MODERATE, MODERATE), None),
    "poisson_nll": (
        core.poisson_nll,
        (COUNT, st.floats(1e-300, 1e6)),
        lambda y, r: r + y * np.abs(np.log(r)),
    ),
    "poisson_nll_with_log_rate": (
        core.poisson_nll_with_log_rate,
        (COUNT, st.floats(-50.0, 50.0)),
        lambda y, eta: np.exp(eta) + np.abs(y * eta),
    ),
    "stirling_term": (
        lambda y, _: core.stirling_term(y),
        (st.floats(0.0, 1e12), st.just(0.0)),
        lambda y, _: y * np.log(np.maximum(y, 1.0)) + y,
    ),
}


@given(shape=array_shapes(min_dims=0, max_dims=3, max_side=4), data=st.data())
def test_numpy_and_torch_give_the_same_element_wise_values_and_each_its_own_kind(shape, data):
    """Values agree to 8 ulps (of the largest term where terms cancel); kinds, dtypes and shapes kept."""
    for name, (function, (first, second), scale) in ELEMENT_FUNCTIONS.items():
        a = data.draw(arrays(np.float64, shape, elements=first), label=f"{name}, first argument")
        b = data.draw(arrays(np.float64, shape, elements=second), label=f"{name}, second argument")
        from_numpy = function(a, b)
        from_torch = function(torch.from_numpy(a), torch.from_numpy(b))
        assert_same_kind(from_numpy, a)
        assert_same_kind(from_torch, torch.from_numpy(a))
        assert tuple(from_torch.shape) == tuple(np.shape(from_numpy)) == shape, name
        atol = 0.0 if scale is None else 8 * EPS * scale(a, b)
        assert_close(from_torch, from_numpy, rtol=8 * EPS, atol=atol, what=name)
