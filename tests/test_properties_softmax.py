"""Properties of the K-outcome losses, the regression errors and the Poisson loss of core (Hypothesis).

Rows of logits are the last axis of arrays of up to 3 axes (batch sides up to 3, K from 1 to 8). Where
a property holds exactly in floating point it is asserted exactly (and the docstring says why);
otherwise the tolerance is derived from the rounding of the quantities involved.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lossbook import core

EPS = float(np.finfo(np.float64).eps)

LOGIT = st.floats(allow_nan=False, allow_infinity=False)
MODERATE = st.floats(-1e3, 1e3)
DYADIC = st.integers(-(2**30), 2**30).map(lambda k: k / 2**10)
"""Logits k / 1024 up to 1e6: adding a shift of the same kind (up to 1e9) is exact in float64."""
DYADIC_SHIFT = st.integers(-(2**40), 2**40).map(lambda k: k / 2**10)
UNIT = st.floats(0.0, 1.0)


def row_arrays(elements=LOGIT):
    """Arrays of 1 to 3 axes whose last axis (K from 1 to 8) holds rows of logits."""
    shapes = st.tuples(array_shapes(min_dims=0, max_dims=2, max_side=3), st.integers(1, 8))
    return shapes.flatmap(lambda pair: arrays(np.float64, (*pair[0], pair[1]), elements=elements))


def with_minus_infinity(elements=MODERATE):
    """Rows in which some entries are -inf (never the first, so never a whole row)."""

    def mask(z):
        never_first = ~np.eye(z.shape[-1], dtype=bool)[0]
        return arrays(np.bool_, z.shape, elements=st.booleans()).map(
            lambda m: np.where(m & never_first, -np.inf, z)
        )

    return row_arrays(elements).flatmap(mask)


def distributions(shape):
    """Rows of non-negative weights normalised to sum to 1 (a row of zeros becomes one-hot)."""

    def normalise(w):
        w = w.copy()
        w[..., 0] = np.where(w.sum(axis=-1) == 0, 1.0, w[..., 0])
        return w / w.sum(axis=-1, keepdims=True)

    return arrays(np.float64, shape, elements=UNIT).map(normalise)


def logits_and_distribution(elements=MODERATE):
    return row_arrays(elements).flatmap(lambda z: st.tuples(st.just(z), distributions(z.shape)))


def logits_and_labels(logits=None):
    """Rows of logits (moderate by default) and one class index per row."""
    logits = row_arrays(MODERATE) if logits is None else logits
    return logits.flatmap(
        lambda z: st.tuples(
            st.just(z), arrays(np.int64, z.shape[:-1], elements=st.integers(0, z.shape[-1] - 1))
        )
    )


# --------------------------------------------------------------------------------------------------
# log-sum-exp, log-softmax, softmax
# --------------------------------------------------------------------------------------------------


@given(z=row_arrays())
def test_logsumexp_lies_between_the_maximum_and_the_maximum_plus_log_k(z):
    """max z <= LSE(z) <= max z + log K. The lower bound is exact: LSE is computed as m + log1p(t) with
    t >= 0, and rounding is monotone. The upper bound allows 4 ulps of |m| + log K for the roundings."""
    m, k = z.max(axis=-1), z.shape[-1]
    lse = core.logsumexp(z)
    assert np.all(lse >= m)
    with np.errstate(over="ignore"):  # the bound itself may pass the largest float (then it is inf)
        assert np.all(lse <= m + math.log(k) + 4 * EPS * (np.abs(m) + math.log(k)))


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(z=row_arrays(DYADIC), shift=DYADIC_SHIFT)
def test_softmax_and_log_softmax_are_exactly_invariant_under_an_exact_shift(kind, z, shift):
    """softmax(z + c) = softmax(z) to the last bit whenever z + c is exact: each difference z_j - m is
    the same real number, and TwoSum splits it into the same pair of floats."""
    to_array = ARRAY_KINDS[kind]
    shifted = z + shift
    assert np.all(shifted - shift == z)  # the shift is exact
    assert np.array_equal(as_numpy(core.softmax(to_array(shifted))), as_numpy(core.softmax(to_array(z))))
    assert np.array_equal(
        as_numpy(core.log_softmax(to_array(shifted))), as_numpy(core.log_softmax(to_array(z)))
    )
    lse, lse_shifted = core.logsumexp(z), core.logsumexp(shifted)
    assert_close(lse_shifted, lse + shift, rtol=0, atol=4 * EPS * (np.abs(lse) + abs(shift)))


@given(z=row_arrays(MODERATE), shift=MODERATE)
def test_softmax_and_log_softmax_are_invariant_under_any_shift_up_to_the_rounding_of_z_plus_c(z, shift):
    """Rounding z + c moves each difference z_j - m by at most eps * M (M = max |z + c|), which moves
    log-softmax by as much and each probability by that relative amount (twice: numerator and sum)."""
    shifted = z + shift
    largest = np.max(np.abs(shifted), axis=-1, keepdims=True)
    assert_close(core.log_softmax(shifted), core.log_softmax(z), rtol=8 * EPS, atol=4 * EPS * largest)
    tiny = np.finfo(np.float64).tiny  # probabilities below it are subnormal: absolute accuracy only
    assert_close(core.softmax(shifted), core.softmax(z), rtol=8 * EPS + 4 * EPS * largest, atol=tiny)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(z=row_arrays())
def test_softmax_rows_sum_to_1_within_k_ulps(kind, z):
    """Each probability is within a few ulps (relative), so their sum is within about K ulps of 1."""
    total = as_numpy(core.softmax(ARRAY_KINDS[kind](z))).sum(axis=-1)
    assert np.all(np.abs(total - 1) <= z.shape[-1] * EPS)


@given(z=st.one_of(row_arrays(), with_minus_infinity()))
def test_log_softmax_is_never_positive_and_softmax_is_in_0_1(z):
    """Exactly: log-softmax is -[(m - z_j) + log1p(t)], minus a sum of two non-negative numbers; each
    probability is e_j / (1 + t) with e_j <= 1 + t."""
    assert np.all(core.log_softmax(z) <= 0)
    p = core.softmax(z)
    assert np.all((p >= 0) & (p <= 1))


@given(z=with_minus_infinity())
def test_minus_infinity_is_a_masked_class_probability_0_and_the_others_unchanged(z):
    """An entry of -inf gets probability exactly 0 (log-probability -inf, derivative 0), and the other
    entries are the softmax of the finite ones alone, up to the rounding of the normaliser."""
    masked = np.isinf(z)
    p, log_p = core.softmax(z), core.log_softmax(z)
    assert np.all(p[masked] == 0) and np.all(log_p[masked] == -np.inf)
    k = z.shape[-1]
    for row, row_p, row_mask in zip(z.reshape(-1, k), p.reshape(-1, k), masked.reshape(-1, k), strict=True):
        finite = row[~row_mask]
        assert_close(row_p[~row_mask], core.softmax(finite), rtol=4 * EPS, atol=np.finfo(np.float64).tiny)
        scale = abs(finite.max()) + math.log(k)  # m + log1p(t) may cancel: ulps of the terms
        assert_close(core.logsumexp(row), core.logsumexp(finite), rtol=4 * EPS, atol=4 * EPS * scale)
    leaf = torch.tensor(z, requires_grad=True)
    core.logsumexp(leaf).sum().backward()
    assert torch.all(leaf.grad[torch.from_numpy(masked)] == 0)


# --------------------------------------------------------------------------------------------------
# Cross-entropies
# --------------------------------------------------------------------------------------------------


@given(pair=logits_and_distribution(LOGIT))
def test_softmax_cross_entropy_of_a_probability_target_is_never_negative(pair):
    """Exactly: a sum of y_k >= 0 times -log softmax_k >= 0."""
    z, y = pair
    assert np.all(core.softmax_cross_entropy(y, z) >= 0)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(pair=logits_and_labels(with_minus_infinity(LOGIT)))
def test_softmax_cross_entropy_of_a_one_hot_target_equals_the_sparse_form_exactly(kind, pair):
    """Exactly: the one-hot sum adds zeros (0 * x = 0, and 0 * inf = 0 by convention) to the one term
    that the sparse form reads."""
    z, labels = pair
    one_hot = np.eye(z.shape[-1])[labels]
    to_array = ARRAY_KINDS[kind]
    dense = core.softmax_cross_entropy(to_array(one_hot), to_array(z))
    sparse = core.sparse_softmax_cross_entropy(to_array(labels), to_array(z))
    assert np.array_equal(as_numpy(dense), as_numpy(sparse))


def entropy(y: np.ndarray) -> np.ndarray:
    """Shannon entropy of rows of probabilities, -sum y log y with 0 log 0 = 0, written out in NumPy."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0), axis=-1)


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_categorical_cross_entropy_is_at_least_the_entropy_of_the_target_with_equality_at_q_equal_y(
    shape, data
):
    """Gibbs' inequality H(y, q) >= H(y): the cross-entropy exceeds the entropy by the KL divergence,
    which is 0 only at q = y. Both are sums of K rounded terms, and the rounding of the normalised
    rows moves their sums off 1 by up to K ulps: a tolerance of 4 K ulps of 1 + H(y)."""
    y, q = data.draw(distributions(shape)), data.draw(distributions(shape))
    k = shape[-1]
    h = entropy(y)
    assert_close(core.categorical_cross_entropy(y, y.copy()), h, rtol=4 * k * EPS, atol=4 * k * EPS)
    assert np.all(h <= core.categorical_cross_entropy(y, q) + 4 * k * EPS * (1 + h))


# --------------------------------------------------------------------------------------------------
# Regression errors and the Poisson loss
# --------------------------------------------------------------------------------------------------

PAIRS = array_shapes(min_dims=0, max_dims=3, max_side=4).flatmap(
    lambda shape: st.tuples(
        arrays(np.float64, shape, elements=LOGIT), arrays(np.float64, shape, elements=LOGIT)
    )
)


@pytest.mark.parametrize("function", [core.squared_error, core.absolute_error])
@given(pair=PAIRS)
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


# --------------------------------------------------------------------------------------------------
# NumPy and torch; shapes and axes
# --------------------------------------------------------------------------------------------------

ROW_FUNCTIONS = {  # name -> (function of (logits, distribution, labels), error scale per result)
    "logsumexp": (
        lambda z, y, c: core.logsumexp(z),
        lambda z: np.abs(z).max(axis=-1) + math.log(z.shape[-1]),
    ),
    "log_softmax": (lambda z, y, c: core.log_softmax(z), lambda z: np.abs(z).max(axis=-1, keepdims=True) + 1),
    "softmax": (lambda z, y, c: core.softmax(z), None),
    "softmax_cross_entropy": (lambda z, y, c: core.softmax_cross_entropy(y, z), None),
    "sparse_softmax_cross_entropy": (lambda z, y, c: core.sparse_softmax_cross_entropy(c, z), None),
    "categorical_cross_entropy": (
        lambda z, y, c: core.categorical_cross_entropy(y, core.softmax(z)),
        None,
    ),
}


@given(pair=logits_and_labels(row_arrays(st.floats(-100.0, 100.0))), data=st.data())
def test_numpy_and_torch_give_the_same_row_losses_and_each_its_own_kind(pair, data):
    """The two libraries bring their own exp and log1p: values agree to a few ulps (of the result, or
    of max |z| + log K where log-sum-exp cancels), and each returns its own kind and dtype. Logits
    within ±100 keep every probability normal, so that the logs of the probabilities compare too."""
    z, labels = pair
    y = data.draw(distributions(z.shape))
    for name, (function, scale) in ROW_FUNCTIONS.items():
        from_numpy = function(z, y, labels)
        from_torch = function(torch.from_numpy(z), torch.from_numpy(y), torch.from_numpy(labels))
        assert_same_kind(from_numpy, z)
        assert_same_kind(from_torch, torch.from_numpy(z))
        atol = np.finfo(np.float64).tiny if scale is None else 8 * EPS * scale(z)
        assert_close(from_torch, from_numpy, rtol=8 * EPS, atol=atol, what=name)


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


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(z=row_arrays(DYADIC), data=st.data())
def test_the_axis_argument_selects_the_class_axis_and_batch_shapes_are_kept(kind, dtype, z, data):
    """Computing over ``axis`` equals moving that axis last and computing there; logsumexp and the
    cross-entropies drop the axis (logsumexp keeps it as length 1 with keepdims), the others keep the
    shape; the dtype is kept."""
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    to_array, eps = ARRAY_KINDS[kind], float(np.finfo(dtype).eps)
    x = to_array(np.moveaxis(z, -1, axis).astype(dtype))
    y = core.softmax(x, axis=axis)
    batch = tuple(np.delete(np.array(x.shape), axis))
    for function, keeps_shape in ((core.log_softmax, True), (core.softmax, True), (core.logsumexp, False)):
        result = function(x, axis=axis)
        assert_same_kind(result, x)
        assert tuple(result.shape) == (tuple(x.shape) if keeps_shape else batch)
        last = as_numpy(function(to_array(np.ascontiguousarray(np.moveaxis(as_numpy(x), axis, -1)))))
        expected = np.moveaxis(last, -1, axis) if keeps_shape else last
        assert_close(result, expected, rtol=4 * eps, atol=np.finfo(dtype).tiny)  # strided vs contiguous
    kept = core.logsumexp(x, axis=axis, keepdims=True)
    assert tuple(kept.shape) == tuple(1 if i == axis % x.ndim else n for i, n in enumerate(x.shape))
    for function in (core.softmax_cross_entropy, core.categorical_cross_entropy):
        result = function(y, x if function is core.softmax_cross_entropy else y, axis=axis)
        assert_same_kind(result, x)
        assert tuple(result.shape) == batch


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(pair=logits_and_labels(row_arrays(DYADIC)))
def test_sparse_softmax_cross_entropy_takes_labels_of_the_batch_shape(kind, pair):
    z, labels = pair
    to_array = ARRAY_KINDS[kind]
    result = core.sparse_softmax_cross_entropy(to_array(labels), to_array(z))
    assert_same_kind(result, to_array(z))
    assert tuple(result.shape) == labels.shape


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(x=arrays(np.float64, array_shapes(min_dims=0, max_dims=2, max_side=3), elements=st.floats(0.0, 1e300)))
def test_xlogy_of_a_zero_coefficient_is_exactly_zero_even_at_y_equal_to_0(kind, x):
    """0 log y = 0 for every y >= 0, including y = 0 (0 log 0 = 0)."""
    to_array = ARRAY_KINDS[kind]
    assert np.all(as_numpy(core.xlogy(to_array(np.zeros_like(x)), to_array(x))) == 0)
