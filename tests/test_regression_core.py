"""Accuracy and properties of the regression losses of :mod:`lossbook.core.regression`: the squared
and absolute errors, the Poisson loss of rates and of log-rates, and Stirling's term; Huber, smooth L1
and log-cosh; the absolute percentage and squared logarithmic errors; the Gaussian negative
log-likelihood; the quantile loss.

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

import functools
import math
import re

import mpmath
import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from accuracy import DIGITS, assert_within_ulps
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from strategies import LOGIT, MODERATE, UNIT, pairs

from lossbook import core
from lossbook import reference as mpref

EPS = float(np.finfo(np.float64).eps)
HALF3 = np.full(3, 0.5)
DYADIC = st.integers(-(2**20), 2**20).map(lambda k: k / 2**10)
"""Values k / 1024: their differences, and their products with levels k / 1024, are exact."""


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


# --------------------------------------------------------------------------------------------------
# Log-cosh: accuracy for every finite error, and where the plain formula fails
# --------------------------------------------------------------------------------------------------

ERRORS = np.concatenate(
    [
        [0.0, 1e-300, 2e-154, 1e-20, 1e-8, 3.45e-4, 1.0, 7.999999999, 8.0, 8.000000001, 88.0, 89.5, 710.0],
        10.0 ** RNG.uniform(-150, 0, 60),
        RNG.uniform(0.0, 30.0, 60),
        10.0 ** RNG.uniform(0, 4, 40),
    ]
) * np.where(RNG.uniform(size=173) < 0.5, -1.0, 1.0)
"""Errors from 1e-300 (a loss of 5e-601, which rounds to 0) through 2e-154 (the smallest normal loss)
to 1e4, on both sides of the switch at 8, with random signs."""


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_log_cosh_is_within_4_ulps_for_errors_from_1e_minus_150_to_1e4(kind):
    """No cancellation anywhere: log1p(2 sinh(e/2)^2) below 8, |e| - log 2 + log1p(e^-2|e|) above."""
    targets = RNG.normal(size=ERRORS.size) * 0  # exact zeros: the error is the prediction itself
    computed = core.log_cosh(ARRAY_KINDS[kind](targets), ARRAY_KINDS[kind](ERRORS))
    assert_within_ulps("log_cosh", computed, mpref.exact(mpref.log_cosh, ERRORS))
    assert as_numpy(computed)[1] == 0.0  # 5e-601 rounds to 0


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_log_cosh_gradient_is_tanh_of_the_error_in_closed_form(kind):
    """d/d yhat log cosh(yhat - y) = tanh(yhat - y) to 2 ulps (tanh's own error), tiny and huge errors
    included: 1e-300 (where autograd of log(cosh) would give 0) and 1e4 (where it would give NaN)."""
    prediction = torch.tensor(ERRORS, requires_grad=True)
    core.log_cosh(torch.zeros_like(prediction), prediction).sum().backward()
    with mpmath.workdps(DIGITS):
        expected = [mpmath.tanh(mpmath.mpf(float(e))) for e in ERRORS]
    assert_within_ulps("d log_cosh / d yhat", prediction.grad, expected)


def test_plain_log_cosh_overflows_in_float32_from_89_416_where_core_does_not():
    """cosh(x) exceeds float32's largest number (3.4e38) from x = 89.41599: log(cosh(90)) is inf in NumPy
    and torch. core.log_cosh(90) is 90 - log 2 = 89.30685 in float32, and stays finite up to float32's
    largest number."""
    x = np.array([89.41598, 89.41599, 90.0, 1e4, 3e38], dtype=np.float32)
    with np.errstate(over="ignore"):
        naive = np.log(np.cosh(x))
    assert np.isfinite(naive[0]) and np.all(np.isinf(naive[1:]))
    assert torch.isinf(torch.log(torch.cosh(torch.from_numpy(x)))).tolist() == [False, True, True, True, True]
    for kind in ARRAY_KINDS:
        ours = as_numpy(core.log_cosh(ARRAY_KINDS[kind](np.zeros_like(x)), ARRAY_KINDS[kind](x)))
        assert ours.dtype == np.float32 and np.all(np.isfinite(ours))
        assert_close(ours, x.astype(np.float64) - math.log(2.0), rtol=float(np.finfo(np.float32).eps))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_log_cosh_returns_0_near_the_target_where_core_keeps_every_digit(dtype):
    """cosh(e) rounds to 1 for |e| below 3.45e-4 (float32) or 1.83e-8 (float64), so log(cosh(e)) is 0
    there; the loss is e^2/2, which core returns to within an ulp."""
    e = np.array([3.4e-4, 1e-5, 1.8e-8, 1e-12, 1e-19], dtype=dtype)
    small = e[:2] if dtype == np.float32 else e[2:]
    assert np.all(np.log(np.cosh(small)) == 0)
    ours = core.log_cosh(np.zeros_like(small), small)
    assert_close(ours, small.astype(np.float64) ** 2 / 2, rtol=2 * float(np.finfo(dtype).eps))


# --------------------------------------------------------------------------------------------------
# The Gaussian negative log-likelihood: accuracy
# --------------------------------------------------------------------------------------------------

GAUSS_Y = RNG.normal(scale=3.0, size=120)
GAUSS_MU = np.concatenate([GAUSS_Y[:20], GAUSS_Y[20:40] + 1e-9, RNG.normal(scale=3.0, size=80)])
GAUSS_VAR = np.concatenate([10.0 ** RNG.uniform(-8, 8, 100), [1.0] * 10, 1 + RNG.normal(0, 1e-6, 10)])
"""Errors of 0, 1e-9 and of scale 3; variances from 1e-8 to 1e8, and at or near 1 (log var near 0)."""


@pytest.mark.parametrize("full", [False, True], ids=["full=False", "full=True"])
@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_gaussian_nll_is_within_4_ulps_of_its_largest_term(kind, full):
    """(log var + (y - mu)^2 / var) / 2: for var < 1 the log is negative and the terms can cancel, so
    the unit is the ulp of the largest term (half of |log var|, of the squared error over var, or of
    the constant log(2 pi) / 2)."""
    y, mu, var = (ARRAY_KINDS[kind](a) for a in (GAUSS_Y, GAUSS_MU, GAUSS_VAR))
    computed = core.gaussian_nll(y, mu, var, full=full)
    terms = 0.5 * np.maximum(np.abs(np.log(GAUSS_VAR)), (GAUSS_Y - GAUSS_MU) ** 2 / GAUSS_VAR)
    terms = np.maximum(terms, core.HALF_LOG_2PI) if full else terms
    reference = functools.partial(mpref.gaussian_nll, full=full)
    expected = mpref.exact(reference, GAUSS_Y, GAUSS_MU, GAUSS_VAR)
    assert_within_ulps(f"gaussian_nll (full={full})", computed, expected, terms)


# --------------------------------------------------------------------------------------------------
# Huber, smooth L1, log-cosh, the percentage, logarithmic and quantile losses: properties
# --------------------------------------------------------------------------------------------------

SYMMETRIC_LOSSES = {
    "huber": core.huber,
    "huber (delta = 0.3)": lambda y, x: core.huber(y, x, delta=0.3),
    "smooth_l1": core.smooth_l1,
    "smooth_l1 (beta = 0)": lambda y, x: core.smooth_l1(y, x, beta=0.0),
    "smooth_l1 (beta = 2.5)": lambda y, x: core.smooth_l1(y, x, beta=2.5),
    "log_cosh": core.log_cosh,
}


@pytest.mark.parametrize("name", SYMMETRIC_LOSSES)
@given(pair=pairs(MODERATE, MODERATE))
def test_robust_losses_are_non_negative_zero_at_the_target_and_symmetric_in_the_error(name, pair):
    """Exactly: each is a function of |fl(yhat - y)|, and fl(x - y) = -fl(y - x)."""
    function, (y, x) = SYMMETRIC_LOSSES[name], pair
    value = function(y, x)
    assert np.all(value >= 0)
    assert np.array_equal(function(x, y), value)
    assert np.all(function(y, y.copy()) == 0)
    assert np.shape(value) == y.shape


@given(pair=pairs(MODERATE, MODERATE), delta=st.floats(0.01, 100.0))
def test_huber_lies_below_half_the_squared_error_and_below_delta_times_the_absolute_error(pair, delta):
    """The two pieces are the tangent bounds: huber <= e^2/2 and huber <= delta |e| (to 2 ulps)."""
    y, x = pair
    value, e = core.huber(y, x, delta), np.abs(x - y)
    slack = 1 + 4 * EPS
    assert np.all(value <= slack * 0.5 * e * e) and np.all(value <= slack * delta * e)
    assert_close(core.smooth_l1(y, x, delta) * delta, value, rtol=4 * EPS)  # huber = delta * smooth L1


@given(pair=pairs(LOGIT, LOGIT))
def test_log_cosh_lies_between_abs_minus_log_2_and_min_of_half_square_and_abs(pair):
    """|e| - log 2 <= log cosh e <= min(e^2 / 2, |e|), for every finite error, huge ones included."""
    y, x = pair
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.abs(x - y)
        value = core.log_cosh(y, x)
        finite = np.isfinite(e)
        e, value = e[finite], value[finite]
        assert np.all(value >= (e - math.log(2.0)) * (1 - 4 * EPS))
        assert np.all(value <= np.minimum(e * e / 2, e) * (1 + 4 * EPS))


@given(pair=pairs(DYADIC, DYADIC), tau=st.integers(1, 1023).map(lambda k: k / 1024))
def test_quantile_loss_is_non_negative_zero_at_the_target_and_mirrors_at_one_minus_tau(pair, tau):
    """Not symmetric in the error: swapping target and prediction is the loss at level 1 - tau (exactly,
    for levels k / 1024 and errors of dyadic values, where every product and difference is exact)."""
    y, x = pair
    value = core.quantile_loss(y, x, tau)
    assert np.all(value >= 0) and np.all(core.quantile_loss(y, y.copy(), tau) == 0)
    assert np.array_equal(core.quantile_loss(x, y, 1 - tau), value)


@pytest.mark.parametrize("tau", [0.1, 0.5, 0.9])
def test_quantile_loss_is_asymmetric_and_its_minimiser_is_the_tau_quantile(tau):
    """Under-predicting by d costs tau d, over-predicting 1 - tau d; over a sample, the mean loss is
    smallest at the sample's tau-quantile."""
    d = np.array(2.0)
    assert core.quantile_loss(np.array(0.0), -d, tau) == pytest.approx(tau * 2.0, rel=1e-15)
    assert core.quantile_loss(np.array(0.0), d, tau) == pytest.approx((1 - tau) * 2.0, rel=1e-15)
    sample = np.random.default_rng(16).normal(size=999)
    quantile = np.quantile(sample, tau, method="inverted_cdf")
    candidates = np.concatenate([[quantile], quantile + np.linspace(-0.5, 0.5, 41)])
    mean_loss = [np.mean(core.quantile_loss(sample, np.full_like(sample, c), tau)) for c in candidates]
    assert np.argmin(mean_loss) == 0 or mean_loss[0] <= min(mean_loss) * (1 + 1e-12)


def test_quantile_loss_takes_one_level_per_column():
    """Predictions of shape (N, Q) against Q levels: each column is its own pinball loss."""
    levels = np.array([0.1, 0.5, 0.9])
    y, x = np.zeros((4, 3)), np.ones((4, 3))
    assert_close(core.quantile_loss(y, x, levels), np.broadcast_to(1 - levels, (4, 3)), rtol=1e-15)


def test_quantile_loss_takes_one_target_column_against_q_prediction_columns():
    """The natural layout of Q quantile heads: targets (N, 1), predictions (N, Q), Q levels."""
    levels = np.array([0.1, 0.5, 0.9])
    y, x = np.zeros((4, 1)), np.ones((4, 3))
    assert_close(core.quantile_loss(y, x, levels), np.broadcast_to(1 - levels, (4, 3)), rtol=1e-15)


@given(y=st.floats(-10.0, 10.0), mu=st.floats(-10.0, 10.0), factor=st.floats(0.01, 100.0))
def test_gaussian_nll_in_the_variance_is_minimised_at_the_squared_error(y, mu, factor):
    """d/dv (log v + e^2 / v) / 2 = (v - e^2) / (2 v^2): the minimum over v is at v = e^2 (e != 0)."""
    squared = (y - mu) ** 2
    assume(squared >= 1e-6)
    at_best = core.gaussian_nll(np.array(y), np.array(mu), np.array(squared))
    other = core.gaussian_nll(np.array(y), np.array(mu), np.array(squared * factor))
    assert at_best <= other + 4 * EPS * (abs(math.log(squared * factor)) + 1 / factor + 1)


@given(pair=pairs(st.floats(0.01, 1e3), st.floats(0.0, 1e3)))
def test_percentage_error_is_non_negative_zero_at_the_target_and_100_at_a_zero_prediction(pair):
    y, x = pair
    assert np.all(core.absolute_percentage_error(y, x) >= 0)
    assert np.all(core.absolute_percentage_error(y, y.copy()) == 0)
    assert_close(core.absolute_percentage_error(y, np.zeros_like(y)), np.full(y.shape, 100.0), rtol=EPS)


def test_percentage_error_is_scale_free_and_punishes_over_prediction_more():
    """The same relative miss costs the same at any scale; a prediction too high can cost more than
    100 %, one too low (and non-negative) never does."""
    y = np.array([0.01, 1.0, 1e6])
    assert_close(core.absolute_percentage_error(y, 1.5 * y), np.full(3, 50.0), rtol=4 * EPS)
    assert core.absolute_percentage_error(np.array(1.0), np.array(3.0)) == 200.0


def test_percentage_error_at_a_zero_target_is_inf_or_floored_by_epsilon():
    with np.errstate(divide="ignore"):
        assert core.absolute_percentage_error(np.array(0.0), np.array(1.0)) == math.inf
    assert core.absolute_percentage_error(np.array(0.0), np.array(1.0), epsilon=1e-7) == pytest.approx(1e9)


@given(pair=pairs(st.floats(-0.99, 1e6), st.floats(-0.99, 1e6)))
def test_squared_log_error_is_non_negative_zero_at_the_target_and_symmetric(pair):
    y, x = pair
    value = core.squared_log_error(y, x)
    assert np.all(value >= 0) and np.all(core.squared_log_error(y, y.copy()) == 0)
    assert np.array_equal(core.squared_log_error(x, y), value)


def test_squared_log_error_keeps_the_digits_of_small_values_in_float32():
    """log(1 + x) rounds 1 + x first: at x = 1e-6 against 1e-7, the float32 loss is off by 14 % that way;
    log1p keeps it to an ulp."""
    y, x = np.array([1e-7], dtype=np.float32), np.array([1e-6], dtype=np.float32)
    exact = (np.log1p(x.astype(np.float64)) - np.log1p(y.astype(np.float64))) ** 2
    naive = (np.log(x + 1) - np.log(y + 1)) ** 2
    assert abs(naive[0] / exact[0] - 1) > 0.1
    assert_close(core.squared_log_error(y, x), exact, rtol=8 * float(np.finfo(np.float32).eps))


# --------------------------------------------------------------------------------------------------
# NumPy and torch agree; bad parameters
# --------------------------------------------------------------------------------------------------

PART_III_FUNCTIONS = {  # name -> (function, strategies of its two inputs)
    "huber": (lambda y, x: core.huber(y, x, delta=1.5), (MODERATE, MODERATE)),
    "smooth_l1": (lambda y, x: core.smooth_l1(y, x, beta=0.5), (MODERATE, MODERATE)),
    "log_cosh": (core.log_cosh, (MODERATE, MODERATE)),
    "absolute_percentage_error": (core.absolute_percentage_error, (st.floats(0.01, 1e3), MODERATE)),
    "squared_log_error": (core.squared_log_error, (st.floats(-0.9, 1e3), st.floats(-0.9, 1e3))),
    "quantile_loss": (lambda y, x: core.quantile_loss(y, x, 0.8), (MODERATE, MODERATE)),
    "gaussian_nll": (
        lambda y, v: core.gaussian_nll(y, 0.5 * y, v, full=True),
        (MODERATE, st.floats(1e-3, 1e3)),
    ),
}


@given(shape=array_shapes(min_dims=0, max_dims=3, max_side=4), data=st.data())
def test_numpy_and_torch_agree_on_the_part_iii_losses_and_each_gives_its_own_kind(shape, data):
    """To 8 ulps (of the loss's own scale, the squared error over the variance for the Gaussian)."""
    for name, (function, (first, second)) in PART_III_FUNCTIONS.items():
        a = data.draw(arrays(np.float64, shape, elements=first), label=f"{name}, first argument")
        b = data.draw(arrays(np.float64, shape, elements=second), label=f"{name}, second argument")
        from_numpy, from_torch = function(a, b), function(torch.from_numpy(a), torch.from_numpy(b))
        assert_same_kind(from_numpy, a)
        assert_same_kind(from_torch, torch.from_numpy(a))
        assert tuple(from_torch.shape) == tuple(np.shape(from_numpy)) == shape, name
        atol = 8 * EPS * (np.abs(np.log(b)) + a**2 / b + 1) if name == "gaussian_nll" else 0.0
        assert_close(from_torch, from_numpy, rtol=8 * EPS, atol=atol, what=name)


POSITIVE = "expected a positive number, received"
BAD_PARAMETERS = [
    (lambda: core.huber(HALF3, HALF3, delta=0.0), ValueError, f"argument `delta`: {POSITIVE} 0.0"),
    (lambda: core.huber(HALF3, HALF3, delta=-1.0), ValueError, f"argument `delta`: {POSITIVE} -1.0"),
    (lambda: core.huber(HALF3, HALF3, delta=math.nan), ValueError, f"argument `delta`: {POSITIVE} nan"),
    (
        lambda: core.huber(HALF3, HALF3, delta=None),
        TypeError,
        "argument `delta`: expected a real number, received None",
    ),
    (
        lambda: core.smooth_l1(HALF3, HALF3, beta=-0.5),
        ValueError,
        "argument `beta`: expected a number in [0, inf], received -0.5",
    ),
    (
        lambda: core.quantile_loss(HALF3, HALF3, 1.0),
        ValueError,
        "argument `quantile`: expected a number in (0, 1), received 1.0",
    ),
    (
        lambda: core.quantile_loss(HALF3, HALF3, 0),
        ValueError,
        "argument `quantile`: expected a number in (0, 1), received 0",
    ),
    (
        lambda: core.quantile_loss(HALF3, HALF3, np.array([0.5, 0.0, 0.9])),
        ValueError,
        "argument `quantile`: expected values in (0, 1), received values from 0 to 0.9",
    ),
    (
        lambda: core.quantile_loss(HALF3, HALF3, np.full((2, 3), 0.5)),
        ValueError,
        "argument `quantile`: expected a shape that broadcasts to (target - prediction).shape=(3,) "
        "without enlarging it; received quantile.shape=(2, 3)",
    ),
    (
        lambda: core.quantile_loss(HALF3, HALF3, torch.tensor(0.5)),
        TypeError,
        "all array arguments must come from one array library",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_PARAMETERS)
def test_bad_parameters_of_the_part_iii_losses_are_clear_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()



SMALL_AND_LARGE = np.concatenate(
    [10.0 ** RNG.uniform(-300, -1, 40), RNG.uniform(0.0, 10.0, 40), 10.0 ** RNG.uniform(1, 8, 20)]
)
"""Non-negative values from 1e-300 to 1e8: where log(1 + x) rounds to 0, loses digits, and is exact."""


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_squared_log_error_is_within_4_ulps_from_1e_minus_300_to_1e8(kind):
    """log1p keeps every digit of log(1 + x) for tiny x, where log(1 + x) would lose them all."""
    y, yhat = RNG.permutation(SMALL_AND_LARGE), SMALL_AND_LARGE
    computed = core.squared_log_error(ARRAY_KINDS[kind](y), ARRAY_KINDS[kind](yhat))
    assert_within_ulps("squared_log_error", computed, mpref.exact(mpref.squared_log_error, y, yhat))


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_absolute_percentage_error_and_quantile_loss_are_within_4_ulps(kind):
    y = RNG.permutation(SMALL_AND_LARGE) * np.where(RNG.uniform(size=SMALL_AND_LARGE.size) < 0.5, -1.0, 1.0)
    yhat = SMALL_AND_LARGE
    computed = core.absolute_percentage_error(ARRAY_KINDS[kind](y), ARRAY_KINDS[kind](yhat))
    references = mpref.exact(mpref.absolute_percentage_error, y, yhat)
    assert_within_ulps("absolute_percentage_error", computed, references)
    computed = core.quantile_loss(ARRAY_KINDS[kind](y), ARRAY_KINDS[kind](yhat), 0.9)
    references = mpref.exact(lambda a, b: mpref.quantile_loss(a, b, mpmath.mpf(0.9)), y, yhat)
    assert_within_ulps("quantile_loss", computed, references)


def test_squared_log_error_keeps_its_digits_when_the_prediction_is_close_to_the_target():
    """Near the target log1p(yhat) - log1p(y) cancels (millions of ulps off); the one-step log1p of the
    ratio stays within 6 ulps: 2 roundings in the ratio (1 + y, the division), log1p's own, doubled by
    the square."""
    y = RNG.uniform(0.0, 10.0, 400)
    yhat = y * (1.0 + RNG.normal(0.0, 1e-3, 400))
    with mpmath.workdps(DIGITS):
        references = mpref.exact(mpref.squared_log_error, y, yhat)
        naive = (np.log1p(yhat) - np.log1p(y)) ** 2
        computed = core.squared_log_error(y, yhat)
        core_ulps = [mpref.ulps_error(v, r) for v, r in zip(computed, references, strict=True)]
        naive_ulps = [mpref.ulps_error(v, r) for v, r in zip(naive, references, strict=True)]
    assert max(core_ulps) <= 6.0
    assert max(naive_ulps) > 1e4
