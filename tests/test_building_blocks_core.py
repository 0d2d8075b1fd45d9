"""Accuracy and properties of the building blocks of :mod:`lossbook.core.building_blocks`: softplus,
sigmoid, log-sigmoid, xlogy, logsumexp, log-softmax, softmax, and their autograd derivatives.

Accuracy (DESIGN.md, "Accuracy"): in float64, against 50-digit mpmath references, at most 4 ulps of the
exact result wherever it is a normal float64 number, or of the largest term of the formula where terms
cancel (the measure and the inputs are in accuracy.py, whose docstring explains both). Both array
libraries are measured: NumPy and torch each bring their own ``exp``/``log1p``.

Properties (Hypothesis): rows of logits are the last axis of arrays of up to 3 axes (batch sides up to 3,
K from 1 to 8). Where a property holds exactly in floating point it is asserted exactly (and the
docstring says why); otherwise the tolerance is derived from the rounding of the quantities involved.
That NumPy and torch agree is tested with the losses built on these blocks: the row functions in
test_classification_core, the element-wise ones (xlogy among them) in test_regression_core.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from accuracy import (
    DIGITS,
    FAMILIES,
    LOGITS,
    MAX_ULPS,
    assert_vector_within_ulps,
    assert_within_ulps,
    autograd,
    references,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from strategies import DYADIC_LOGIT, MODERATE, row_arrays, with_minus_infinity

from lossbook import core
from lossbook import reference as mpref

EPS = float(np.finfo(np.float64).eps)
DYADIC_SHIFT = st.integers(-(2**40), 2**40).map(lambda k: k / 2**10)
"""Shifts k / 1024 up to 1e9, exact when added to :data:`strategies.DYADIC_LOGIT` logits."""
RNG = np.random.default_rng(1805)
"""The generator of xlogy's random inputs, drawn as the test runs."""


# --------------------------------------------------------------------------------------------------
# The measure
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_two_sum_returns_the_rounded_sum_and_its_exact_rounding_error(kind):
    """a + b = s + e exactly (checked in rational arithmetic), s is the rounded sum, and e = 0 where the
    sum overflows, over pairs whose magnitudes differ by up to 2**600."""
    from fractions import Fraction

    rng = np.random.default_rng(5)
    a = rng.normal(size=400) * 2.0 ** rng.integers(-300, 300, size=400)
    b = rng.normal(size=400) * 2.0 ** rng.integers(-300, 300, size=400)
    a, b = np.append(a, [1e308, -np.inf]), np.append(b, [1e308, 1.0])
    with np.errstate(over="ignore"):  # 1e308 + 1e308 overflows, and NumPy says so
        s, e = (as_numpy(v) for v in core.two_sum(ARRAY_KINDS[kind](a), ARRAY_KINDS[kind](b)))
        assert np.array_equal(s, a + b)
    finite = np.isfinite(s)
    assert np.all(e[~finite] == 0)
    assert all(Fraction(x) + Fraction(y) == Fraction(t) + Fraction(u)
               for x, y, t, u in zip(a[finite], b[finite], s[finite], e[finite], strict=True))


def test_ulps_error_counts_units_in_the_last_place_of_the_exact_value_or_of_a_given_scale():
    with mpmath.workdps(DIGITS):
        exact = mpmath.mpf(1) / 3
        third = float(exact)
        assert mpref.ulps_error(third, exact) < 0.5  # correctly rounded
        assert mpref.ulps_error(np.nextafter(third, 1.0), exact) == pytest.approx(1.0, abs=0.5)
        assert mpref.ulps_error(third + 3 * np.spacing(third), exact) == pytest.approx(3.0, abs=0.5)
        assert mpref.ulps_error(1.0, mpmath.mpf(1), dtype=np.float32) == 0.0
        # against a scale 2**10 times larger the same error is 2**10 times fewer ulps
        assert mpref.ulps_error(third + 1024 * np.spacing(third), exact, scale=1024 * third) == pytest.approx(
            1.0, abs=0.01
        )


# --------------------------------------------------------------------------------------------------
# Accuracy: element-wise
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize(
    ("name", "function", "reference"),
    [
        ("softplus", core.softplus, mpref.softplus),
        ("log_sigmoid", core.log_sigmoid, lambda x: -mpref.softplus(-x)),
        ("sigmoid", core.sigmoid, mpref.sigmoid),
    ],
    ids=["softplus", "log_sigmoid", "sigmoid"],
)
def test_core_building_blocks_are_within_4_ulps_of_mpmath(name, function, reference, kind):
    assert_vector_within_ulps(
        f"core.{name}", function(ARRAY_KINDS[kind](LOGITS)), mpref.exact(reference, LOGITS)
    )


@pytest.mark.parametrize(
    ("name", "function", "derivative"),
    [
        ("softplus", core.softplus, mpref.sigmoid),
        ("log_sigmoid", core.log_sigmoid, lambda x: mpref.sigmoid(-x)),
        ("sigmoid", core.sigmoid, lambda x: mpref.sigmoid(x) * mpref.sigmoid(-x)),
    ],
    ids=["softplus", "log_sigmoid", "sigmoid"],
)
def test_autograd_derivatives_of_the_building_blocks_are_within_4_ulps_of_mpmath(name, function, derivative):
    """softplus' = sigmoid(x), log_sigmoid' = sigmoid(-x), sigmoid' = sigmoid(x) sigmoid(-x): finite at
    every logit (no inf * 0) and correct at x = 0 exactly (where d|x|/dx is 0 in autograd)."""
    assert_vector_within_ulps(
        f"d/dx core.{name}", autograd(function, LOGITS), mpref.exact(derivative, LOGITS)
    )


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_xlogy_is_within_4_ulps_and_exactly_0_for_x_equal_to_0(kind):
    x = np.concatenate([[0.0, 0.0, 0.0, 2.0], RNG.uniform(0, 1, 30), 10.0 ** RNG.uniform(-300, 300, 30)])
    y = np.concatenate(
        [[0.0, 1.0, 5.0, 0.0], 1 + RNG.normal(0, 1e-8, 30), 10.0 ** RNG.uniform(-300, 300, 30)]
    )
    computed = core.xlogy(ARRAY_KINDS[kind](x), ARRAY_KINDS[kind](y))
    assert_within_ulps("xlogy", computed, mpref.exact(mpref.xlogy, x, y))


# --------------------------------------------------------------------------------------------------
# Accuracy: log-sum-exp, log-softmax, softmax
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_logsumexp_is_within_4_ulps_of_its_largest_term(family, kind):
    """The terms of LSE(z) = m + log(1 + s) are the maximum m and log(1 + s); they cancel only for m < 0."""
    for z, expected in zip(FAMILIES[family], references(family, "logsumexp"), strict=True):
        m = z.max(axis=-1)
        terms = np.maximum(np.abs(m), np.abs(np.array([float(v) for v in expected]) - m))
        assert_within_ulps("logsumexp", core.logsumexp(ARRAY_KINDS[kind](z)), expected, terms)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_logsumexp_of_rows_with_a_non_negative_maximum_is_within_4_ulps_of_the_result(kind):
    """For m >= 0 nothing cancels: plain ulps of the result, over every family."""
    for family in FAMILIES:
        for z, expected in zip(FAMILIES[family], references(family, "logsumexp"), strict=True):
            keep = z.max(axis=-1) >= 0
            if keep.any():
                kept = [v for v, k in zip(expected, keep, strict=True) if k]
                computed = core.logsumexp(ARRAY_KINDS[kind](z[keep]))
                assert_within_ulps("logsumexp (max >= 0)", computed, kept)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_every_log_softmax_entry_is_within_4_ulps(family, kind):
    for z, expected in zip(FAMILIES[family], references(family, "log_softmax"), strict=True):
        assert_within_ulps("log_softmax", core.log_softmax(ARRAY_KINDS[kind](z)), expected)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_every_softmax_entry_is_within_4_ulps_including_probabilities_of_1e_minus_300(family, kind):
    for z, expected in zip(FAMILIES[family], references(family, "softmax"), strict=True):
        assert_within_ulps("softmax", core.softmax(ARRAY_KINDS[kind](z)), expected)


def test_logsumexp_where_its_terms_cancel_is_accurate_to_ulps_of_the_terms_not_of_the_result():
    """LSE([-fl(log 2)] * 2) = log 2 - fl(log 2) = 2.3e-17, a normal number made of the rounding error of
    fl(log 2): the result is the difference of the terms -fl(log 2) and log(1 + 1), and no float64
    formula gets it to 4 ulps. Within 4 ulps of the term log 2 is what can be promised (and kept)."""
    z = np.full(2, -np.log(2.0))
    (expected,) = mpref.exact_rows(mpref.logsumexp, z)
    assert 1e-17 < float(expected) < 1e-16  # a normal number, all of it rounding error of fl(log 2)
    assert abs(float(core.logsumexp(z)) - float(expected)) <= MAX_ULPS * np.spacing(np.log(2.0))


@pytest.mark.parametrize("family", FAMILIES)
def test_autograd_gradient_of_logsumexp_is_the_softmax_within_4_ulps_in_every_entry(family):
    """d LSE / dz_j = softmax(z)_j, to full relative precision even for probabilities of 1e-300 and at
    the maximum of a near-uniform row (the maximum is a constant for autograd, see core)."""
    for z, expected in zip(FAMILIES[family], references(family, "softmax"), strict=True):
        assert_within_ulps("d logsumexp / dz", autograd(core.logsumexp, z), expected)


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        ([0.3, 0.3], [0.5, 0.5]),
        ([7.25, 7.25, -1000.0], [0.5, 0.5, 0.0]),
        ([1e5, -np.inf, 1e5], [0.5, 0.0, 0.5]),
        ([-2.0, -2.0, -2.0], [1 / 3, 1 / 3, 1 / 3]),
        ([1.0, 1.0, 1.0, 1.0], [0.25, 0.25, 0.25, 0.25]),
    ],
)
def test_autograd_gradient_of_logsumexp_splits_a_tie_in_the_maximum_evenly(z, expected):
    """LSE is smooth at a tie: its gradient there is the softmax, 1/n for each of n tied maxima (to the
    last bit), however the maximum's own derivative would split the tie."""
    gradient = autograd(core.logsumexp, np.array(z))
    assert gradient.tolist() == expected
    one_hot = torch.tensor([1.0] + [0.0] * (len(z) - 1), dtype=torch.float64)
    gradient = autograd(lambda t: core.softmax_cross_entropy(one_hot, t), np.array(z))
    assert gradient.tolist() == (np.array(expected) - one_hot.numpy()).tolist()


# --------------------------------------------------------------------------------------------------
# Properties: log-sum-exp, log-softmax, softmax
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
@given(z=row_arrays(DYADIC_LOGIT), shift=DYADIC_SHIFT)
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


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(z=row_arrays(DYADIC_LOGIT), data=st.data())
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


# --------------------------------------------------------------------------------------------------
# Properties: xlogy
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(x=arrays(np.float64, array_shapes(min_dims=0, max_dims=2, max_side=3), elements=st.floats(0.0, 1e300)))
def test_xlogy_of_a_zero_coefficient_is_exactly_zero_even_at_y_equal_to_0(kind, x):
    """0 log y = 0 for every y >= 0, including y = 0 (0 log 0 = 0)."""
    to_array = ARRAY_KINDS[kind]
    assert np.all(as_numpy(core.xlogy(to_array(np.zeros_like(x)), to_array(x))) == 0)
