"""lossbook.core's focal losses: accuracy against 50-digit mpmath references, where the naive formula
breaks, invariants (property tests), autograd, and the errors for bad parameters.

Contract (DESIGN.md, "Accuracy"): in float64 the binary focal loss on logits is within 4 ulps of mpmath
for logits from -40 to 40 and confident ones up to ±700, for 0/1 and soft targets and every gamma
tested. The categorical focal loss on logits is a product of three rounded factors, ``(1 - q)**gamma``
doubling the error of ``1 - q`` for ``gamma = 2``: it is held to ``2 gamma + 3`` ulps (measured: 5.5 at
``gamma = 2``, 3.3 at ``gamma = 0.5``) over every family of rows of the accuracy harness.
"""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, assert_close, assert_same_kind
from accuracy import FAMILIES, TINY, assert_within_ulps, labels_of, targets_of
from hypothesis import given
from hypothesis import strategies as st
from strategies import LOGIT, UNIT, pairs

from lossbook import core
from lossbook import reference as mpref

RNG = np.random.default_rng(2030)
LOGITS = np.concatenate(
    [
        np.linspace(-40.0, 40.0, 81),
        RNG.uniform(-40.0, 40.0, 60),
        [-700.0, -300.0, -100.0, 100.0, 300.0, 700.0],
    ]
)
"""From -40 to 40 (a grid and random points), and confident predictions, right and wrong."""

GAMMAS = [0.0, 0.5, 1.0, 2.0, 3.5]


# --------------------------------------------------------------------------------------------------
# Accuracy against mpmath
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [None, 0.25])
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_binary_focal_with_logits_is_within_4_ulps_of_mpmath_for_hard_targets(kind, gamma, alpha):
    z = np.concatenate([LOGITS, LOGITS])
    y = np.repeat([1.0, 0.0], LOGITS.size)
    computed = core.binary_focal_cross_entropy_with_logits(
        ARRAY_KINDS[kind](y), ARRAY_KINDS[kind](z), gamma=gamma, alpha=alpha
    )
    references = mpref.exact(
        lambda a, b: mpref.binary_focal_cross_entropy_with_logits(a, b, gamma, alpha), y, z
    )
    assert_within_ulps(f"binary focal with logits, gamma={gamma}, alpha={alpha}", computed, references)


def _worst_ulps(computed, references) -> float:
    errors = [
        mpref.ulps_error(value, reference)
        for value, reference in zip(np.asarray(computed).tolist(), references, strict=True)
        if reference != 0 and abs(float(reference)) >= TINY
    ]
    return max(errors)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_binary_focal_with_logits_is_within_2_gamma_plus_3_ulps_of_mpmath_for_soft_targets(gamma):
    """Soft targets take the mixture y sigma(-z) + (1 - y) sigma(z), whose rounding the power doubles
    for gamma = 2 (measured 4.4 ulps)."""
    y = RNG.uniform(size=LOGITS.size)
    computed = core.binary_focal_cross_entropy_with_logits(y, LOGITS, gamma=gamma)
    def reference(a, b):
        return mpref.binary_focal_cross_entropy_with_logits(a, b, gamma)

    references = mpref.exact(reference, y, LOGITS)
    assert _worst_ulps(computed, references) <= 2 * gamma + 3


@pytest.mark.parametrize("gamma", [0.5, 2.0])
@pytest.mark.parametrize("targets", ["one-hot", "soft"])
def test_softmax_focal_is_within_2_gamma_plus_3_ulps_of_mpmath_on_every_family(targets, gamma):
    """Each family of rows of the accuracy harness (random, nearly uniform, ties, -inf, confident
    with gaps up to 740, logits of 1e5); a one-hot target at the largest logit in every second row."""
    def reference(target_row, logit_row):
        return mpref.softmax_focal_cross_entropy(target_row, logit_row, gamma)

    for family, rows in FAMILIES.items():
        worst = 0.0
        for z in rows:
            y = np.eye(z.shape[-1])[labels_of(z)] if targets == "one-hot" else targets_of(z)
            references = mpref.exact_rows(reference, y, z)
            worst = max(worst, _worst_ulps(core.softmax_focal_cross_entropy(y, z, gamma=gamma), references))
        assert worst <= 2 * gamma + 3, f"{family}: {worst:.2f} ulps"


def test_confident_correct_prediction_keeps_its_tiny_loss():
    """z_t = 40 and 700: the loss is sigma(-z)^2 softplus(-z), about e^{-3 z}: 7.7e-53 and, at 700,
    below the smallest float64 (0, correctly rounded)."""
    y, z = np.array([1.0, 0.0, 1.0]), np.array([40.0, -40.0, 700.0])
    loss = core.binary_focal_cross_entropy_with_logits(y, z)
    assert_close(loss[:2], np.full(2, 7.667648073721999e-53), rtol=4e-16)
    assert loss[2] == 0.0


# --------------------------------------------------------------------------------------------------
# Where the naive formula breaks
# --------------------------------------------------------------------------------------------------


def naive_binary_focal(y, z, gamma=2.0):
    """The textbook recipe: p = sigmoid(z), p_t, then -(1 - p_t)^gamma log(p_t)."""
    p = 1.0 / (1.0 + torch.exp(-z))
    p_t = y * p + (1 - y) * (1 - p)
    return -((1 - p_t) ** gamma) * torch.log(p_t)


def test_naive_formula_loses_every_digit_gives_inf_and_nan_gradients_where_core_does_not():
    """z_t = 33 and 40 (confident, right): 1 - p_t rounds, the naive loss is off by 0.3% at 33 and by
    100% at 40 (0 for 7.7e-53); z_t = -800 (confident, wrong): sigmoid underflows, log(0) = -inf,
    the loss is inf and its gradient NaN, where the loss is 800 and its gradient -1."""
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    z = torch.tensor([33.0, -40.0, -800.0], dtype=torch.float64, requires_grad=True)
    exact = mpref.exact(mpref.binary_focal_cross_entropy_with_logits, y.tolist(), z.tolist())
    naive = naive_binary_focal(y, z)
    assert abs(float(naive[0].detach()) - float(exact[0])) > 1e-3 * float(exact[0])  # 13 of 16 digits lost
    assert naive[1] == 0 and math.isinf(naive[2].item())
    naive.sum().backward()
    assert torch.isnan(z.grad[2]) or torch.isinf(z.grad[2])
    z.grad = None
    ours = core.binary_focal_cross_entropy_with_logits(y, z)
    assert_within_ulps("binary focal, naive cases", ours, exact)
    ours.sum().backward()
    assert torch.all(torch.isfinite(z.grad))
    assert_close(z.grad[2], -1.0, rtol=1e-15)


def test_naive_categorical_formula_gives_zero_where_core_keeps_the_loss():
    """A confident correct row: softmax rounds q_c to 1, so 1 - q_c and log q_c are 0; the loss is
    (e^-50)^2 * e^-50 = 7.2e-66 for gamma = 2."""
    z = np.array([[0.0, -50.0]])
    y = np.array([[1.0, 0.0]])
    q = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    assert (-(1 - q) ** 2 * np.log(q) * y).sum() == 0
    expected = mpref.exact_rows(mpref.softmax_focal_cross_entropy, y, z)
    assert _worst_ulps(core.softmax_focal_cross_entropy(y, z), expected) <= 4


# --------------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------------


@given(pairs(UNIT, LOGIT), st.sampled_from(GAMMAS))
def test_binary_focal_is_non_negative_and_at_most_the_cross_entropy(pair, gamma):
    y, z = pair
    focal = core.binary_focal_cross_entropy_with_logits(y, z, gamma=gamma)
    cross_entropy = core.binary_cross_entropy_with_logits(y, z)
    assert np.all(focal >= 0)
    assert np.all(focal <= cross_entropy * (1 + 8 * np.finfo(np.float64).eps))


@given(pairs(UNIT, UNIT), st.sampled_from(GAMMAS))
def test_binary_focal_of_probabilities_is_non_negative_and_at_most_the_cross_entropy(pair, gamma):
    y, p = pair
    focal = core.binary_focal_cross_entropy(y, p, gamma=gamma)
    assert np.all(focal >= 0)
    assert np.all(focal <= core.binary_cross_entropy(y, p))


@given(pairs(UNIT, st.floats(-50, 50)))
def test_gamma_0_is_the_cross_entropy_exactly(pair):
    y, z = pair
    focal = core.binary_focal_cross_entropy_with_logits(y, z, gamma=0.0)
    assert np.array_equal(focal, core.binary_cross_entropy_with_logits(y, z))
    p = core.sigmoid(z)
    assert np.array_equal(core.binary_focal_cross_entropy(y, p, gamma=0.0), core.binary_cross_entropy(y, p))


@given(st.integers(2, 6), st.integers(0, 2**31 - 1))
def test_categorical_gamma_0_is_the_cross_entropy_and_focal_is_at_most_it(k, seed):
    rng = np.random.default_rng(seed)
    y, z = rng.dirichlet(np.ones(k), size=3), rng.normal(scale=5.0, size=(3, k))
    q = core.softmax(z)
    focal_of_logits = core.softmax_focal_cross_entropy(y, z, gamma=0.0)
    assert np.array_equal(focal_of_logits, core.softmax_cross_entropy(y, z))
    focal_of_probabilities = core.categorical_focal_cross_entropy(y, q, gamma=0.0)
    assert np.array_equal(focal_of_probabilities, core.categorical_cross_entropy(y, q))
    focal = core.softmax_focal_cross_entropy(y, z)
    assert np.all(focal >= 0) and np.all(focal <= core.softmax_cross_entropy(y, z))


def test_alpha_balances_positives_and_negatives_and_per_class_alpha_weights_classes():
    y, z = np.array([1.0, 0.0]), np.array([0.3, 0.3])
    plain = core.binary_focal_cross_entropy_with_logits(y, z)
    balanced = core.binary_focal_cross_entropy_with_logits(y, z, alpha=0.25)
    assert_close(balanced, plain * [0.25, 0.75], rtol=1e-15)
    rows = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    logits = np.array([[0.5, 0.1, -1.0], [2.0, 0.0, 0.3]])
    weighted = core.softmax_focal_cross_entropy(rows, logits, alpha=np.array([2.0, 1.0, 0.5]))
    assert_close(weighted, core.softmax_focal_cross_entropy(rows, logits) * [2.0, 0.5], rtol=1e-15)
    moved = core.softmax_focal_cross_entropy(rows.T, logits.T, axis=0, alpha=np.array([2.0, 1.0, 0.5]))
    assert_close(moved, weighted, rtol=1e-15)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_every_function_returns_the_input_kind_and_hard_probabilities_give_inf_or_0(kind):
    convert = ARRAY_KINDS[kind]
    y, p = convert(np.array([1.0, 0.0, 1.0, 0.0])), convert(np.array([0.0, 1.0, 1.0, 0.0]))
    loss = core.binary_focal_cross_entropy(y, p, alpha=0.25)
    assert_same_kind(loss, p)
    assert np.array_equal(np.asarray(loss), [np.inf, np.inf, 0.0, 0.0])
    rows = convert(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert_same_kind(core.categorical_focal_cross_entropy(rows, rows), rows)
    assert_same_kind(core.softmax_focal_cross_entropy(rows, rows), rows)


# --------------------------------------------------------------------------------------------------
# Autograd
# --------------------------------------------------------------------------------------------------


def test_autograd_of_the_logit_loss_equals_the_derivative_in_mpmath_also_at_0_1_targets():
    """The accurate value for 0/1 targets, the mixture's derivative: so d/dy is right at y = 0 and 1."""
    y = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.3], dtype=torch.float64, requires_grad=True)
    z = torch.tensor([-3.0, 2.0, 25.0, 0.0, -1.5], dtype=torch.float64, requires_grad=True)
    core.binary_focal_cross_entropy_with_logits(y, z, gamma=2.0, alpha=0.25).sum().backward()
    with mpmath.workdps(50):
        for i in range(5):
            a, b = mpmath.mpf(float(y.detach()[i])), mpmath.mpf(float(z.detach()[i]))
            d_y = mpmath.diff(lambda t, b=b: mpref.binary_focal_cross_entropy_with_logits(t, b, 2, 0.25), a)
            d_z = mpmath.diff(lambda t, a=a: mpref.binary_focal_cross_entropy_with_logits(a, t, 2, 0.25), b)
            assert_close(y.grad[i], float(d_y), rtol=1e-12, atol=1e-300)
            assert_close(z.grad[i], float(d_z), rtol=1e-12, atol=1e-300)


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------

Y, Z = np.array([1.0, 0.0]), np.array([0.5, -0.5])
ROWS = np.array([[1.0, 0.0, 0.0]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: core.binary_focal_cross_entropy_with_logits(Y, Z, gamma=-0.5), ValueError,
         "argument `gamma`: expected a number in [0, inf], received -0.5"),
        (lambda: core.binary_focal_cross_entropy(Y, Y, gamma=math.inf), ValueError,
         "argument `gamma`: expected a finite number >= 0, received inf"),
        (lambda: core.binary_focal_cross_entropy_with_logits(Y, Z, alpha=1.25), ValueError,
         "argument `alpha`: expected a number in [0, 1], received 1.25"),
        (lambda: core.binary_focal_weight(Y, Y, alpha="a"), TypeError,
         "argument `alpha`: expected a real number, received 'a'"),
        (lambda: core.softmax_focal_cross_entropy(ROWS, ROWS, alpha=-1.0), ValueError,
         "argument `alpha`: expected a number in [0, inf], received -1.0"),
        (lambda: core.softmax_focal_cross_entropy(ROWS, ROWS, alpha=np.array([1.0, -1.0, 1.0])), ValueError,
         "argument `alpha`: expected values in [0, inf], received values from -1 to 1"),
        (lambda: core.categorical_focal_cross_entropy(ROWS, ROWS, alpha=np.ones(2)), ValueError,
         "argument `alpha`: expected a scalar or one weight per class, shape (3,); received "
         "alpha.shape=(2,)"),
    ],
    ids=["gamma < 0", "gamma inf", "alpha > 1", "alpha a string", "negative class alpha",
         "a negative per-class alpha", "per-class alpha of the wrong length"],
)
def test_bad_parameters_get_clear_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


@pytest.mark.parametrize("gamma", [0.5, 2.0, 3.5])
def test_the_logit_form_in_float32_is_the_float64_value_correctly_rounded(gamma):
    """The exact split of gamma * z_t is float64's; float32 logits are computed in float64 and rounded
    once, so they lose nothing to it (a float32 split would cost tens of ulps at gamma = 3.5)."""
    z = np.linspace(-40.0, 40.0, 2001).astype(np.float32)
    y = (np.arange(z.size) % 2).astype(np.float32)
    for kind in (np.asarray, torch.from_numpy):
        single = core.binary_focal_cross_entropy_with_logits(kind(y), kind(z), gamma=gamma)
        double = core.binary_focal_cross_entropy_with_logits(
            y.astype(np.float64), z.astype(np.float64), gamma=gamma
        )
        assert single.dtype in (np.float32, torch.float32)
        np.testing.assert_array_equal(np.asarray(single), double.astype(np.float32))
