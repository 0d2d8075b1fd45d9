"""Accuracy and properties of the classification losses of :mod:`lossbook.core.classification`: the
binary cross-entropy of probabilities and of logits, the softmax and sparse softmax cross-entropies, the
categorical cross-entropy, and their autograd gradients.

Accuracy (DESIGN.md, "Accuracy"): in float64, against 50-digit mpmath references, at most 4 ulps of the
exact result wherever it is a normal float64 number, or of the larger term of a gradient where its
terms cancel (the measure and the inputs are in accuracy.py). Both array libraries are measured. Where
the binary logit loss takes ``pos_weight`` and where the cross-entropy takes class axes other than the
last, the PyTorch mirror is measured (``torch_compat`` with ``reduction="none"``): its values are core's.

Properties (Hypothesis) of the binary losses hold for core and for both compat layers: each loss form is
used element by element, ``torch_compat`` with ``reduction="none"`` and the Keras function on a trailing
axis of length 1 (its mean over that axis is the element itself). The logit forms of the compat layers
warn when every logit happens to lie in [0, 1] (random logits may): that warning is tested in
test_classification_torch and test_classification_keras, and ignored here. Rows of logits for the
K-outcome losses are the last axis of arrays of up to 3 axes (K from 1 to 8); where a property holds
exactly in floating point it is asserted exactly (and the docstring says why).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from accuracy import (
    DIGITS,
    FAMILIES,
    LOGITS,
    PROBABILITIES,
    assert_vector_within_ulps,
    assert_within_ulps,
    autograd,
    labels_of,
    references,
    targets_of,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from strategies import (
    DYADIC_LOGIT,
    DYADIC_UNIT,
    LOGIT,
    MODERATE,
    UNIT,
    pairs,
    row_arrays,
    with_minus_infinity,
)

from lossbook import core, keras_compat, torch_compat
from lossbook import reference as mpref

EPS = float(np.finfo(np.float64).eps)
IGNORE_WRONG_HELPER = pytest.mark.filterwarnings("ignore::lossbook.LikelyMistakeWarning")
"""For the property tests of the compat layers' logit forms (see the module docstring)."""


# --------------------------------------------------------------------------------------------------
# Accuracy: the binary cross-entropy
# --------------------------------------------------------------------------------------------------

TARGET_CASES = {"0": 0.0, "1": 1.0, "0.3": 0.3, "random": None}


def targets_for(case: str, size: int) -> np.ndarray:
    value = TARGET_CASES[case]
    if value is None:
        return np.random.default_rng(7).uniform(size=size)
    return np.full(size, value)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("pos_weight", [None, "random"], ids=["no pos_weight", "pos_weight"])
@pytest.mark.parametrize("target", TARGET_CASES)
def test_bce_with_logits_is_within_4_ulps_of_mpmath_for_every_logit_from_minus_800_to_800(
    target, pos_weight, kind
):
    y = targets_for(target, LOGITS.size)
    w = (
        np.ones_like(LOGITS)
        if pos_weight is None
        else np.random.default_rng(8).uniform(0.1, 5.0, LOGITS.size)
    )
    to_array = ARRAY_KINDS[kind]
    extra = {} if pos_weight is None else {"pos_weight": to_array(w)}
    computed = torch_compat.binary_cross_entropy_with_logits(
        to_array(LOGITS), to_array(y), reduction="none", **extra
    )
    assert_vector_within_ulps(
        "torch_compat.binary_cross_entropy_with_logits",
        computed,
        mpref.exact(mpref.binary_cross_entropy_with_logits, y, LOGITS, w),
    )


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("target", TARGET_CASES)
def test_core_bce_of_probabilities_is_within_4_ulps_of_mpmath_down_to_1e_300(target, kind):
    y = targets_for(target, PROBABILITIES.size)
    to_array = ARRAY_KINDS[kind]
    computed = core.binary_cross_entropy(to_array(y), to_array(PROBABILITIES))
    expected = mpref.exact(mpref.binary_cross_entropy, y, PROBABILITIES)
    assert_vector_within_ulps("core.binary_cross_entropy", computed, expected)


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_autograd_derivative_of_bce_with_logits_for_hard_targets_is_within_4_ulps_of_mpmath(target):
    """d/dz = sigmoid(z) - y: sigmoid(z) for y = 0 and -sigmoid(-z) for y = 1, to full relative
    precision even where it is tiny (PyTorch's own backward rounds 1 - 2e-9 - 1 there)."""
    y = torch.full((LOGITS.size,), target, dtype=torch.float64)
    computed = autograd(
        lambda z: torch_compat.binary_cross_entropy_with_logits(z, y, reduction="none"), LOGITS
    )
    # sigmoid(z) - 1 written as -sigmoid(-z): at z = 100 the difference would cancel 44 of the 50 digits
    expected = mpref.exact(lambda z: mpref.sigmoid(z) if target == 0.0 else -mpref.sigmoid(-z), LOGITS)
    assert_vector_within_ulps("d/dz torch_compat.binary_cross_entropy_with_logits", computed, expected)


def test_at_logit_minus_100_and_target_0_pytorch_returns_0_and_lossbook_the_true_loss():
    """The book's showcase: the true loss is softplus(-100) = 3.7e-44; PyTorch's rearrangement
    (1 - y) z - log sigmoid(z) = -100 + 100 rounds it to exactly 0.0, lossbook keeps every digit."""
    z, y = torch.tensor([-100.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)
    reference = mpref.exact(mpref.binary_cross_entropy_with_logits, [0.0], [-100.0], [1.0])
    theirs = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert theirs.item() == 0.0
    ours = torch_compat.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert_vector_within_ulps("torch_compat.binary_cross_entropy_with_logits", ours, reference)
    # softplus(-100) = log1p(e**-100) = e**-100 (1 - e**-100 / 2 + ...): e**-100 to all 16 digits
    assert math.isclose(ours.item(), math.exp(-100.0), rel_tol=4 * np.finfo(np.float64).eps)


# --------------------------------------------------------------------------------------------------
# Accuracy: the softmax cross-entropies
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_softmax_cross_entropy_is_within_4_ulps_for_one_hot_and_spread_targets(family, kind):
    to_array = ARRAY_KINDS[kind]
    for z, expected in zip(FAMILIES[family], references(family, "softmax_cross_entropy"), strict=True):
        computed = core.softmax_cross_entropy(to_array(targets_of(z)), to_array(z))
        assert_within_ulps("softmax_cross_entropy", computed, expected)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_sparse_softmax_cross_entropy_is_within_4_ulps(family, kind):
    to_array = ARRAY_KINDS[kind]
    for z, expected in zip(FAMILIES[family], references(family, "sparse_softmax_cross_entropy"), strict=True):
        computed = core.sparse_softmax_cross_entropy(to_array(labels_of(z)), to_array(z))
        assert_within_ulps("sparse_softmax_cross_entropy", computed, expected)


def test_confident_predictions_keep_every_digit_where_pytorch_returns_0():
    """The book's showcase for K outcomes: with the true logit 0 and the others hundreds below, the
    loss is the sum of the other probabilities, 1e-87 to 1e-300 here. PyTorch's ``z_c - LSE(z)`` rounds
    it to 0; lossbook's ``(m - z_c) + log1p(t)`` is a sum of non-negative terms and keeps it."""
    gaps = np.linspace(200.0, 690.0, 8) + np.random.default_rng(3).uniform(size=8)  # random non-integers
    z = np.stack([np.zeros(8), -gaps], axis=-1)  # K = 2: the loss is log1p(e^{-gap})
    labels = np.zeros(8, dtype=np.int64)
    expected = mpref.exact_rows(mpref.sparse_softmax_cross_entropy, labels, z)
    assert min(expected) < 1e-250 and max(expected) > 1e-100
    theirs = F.cross_entropy(torch.from_numpy(z), torch.from_numpy(labels), reduction="none")
    assert torch.all(theirs == 0)
    ours = core.sparse_softmax_cross_entropy(torch.from_numpy(labels), torch.from_numpy(z))
    assert_within_ulps("sparse_softmax_cross_entropy", ours, expected)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize(
    "family", ["random, K = 2 to 50", "confident, gaps 200 to 740", "logits of size 1e5"]
)
def test_torch_compat_cross_entropy_is_within_4_ulps_with_index_and_probability_targets(family, kind):
    """The acceptance test of the PyTorch mirror itself (not only core): per-example values of
    ``torch_compat.cross_entropy(reduction="none")``, classes on axis 1 of an ``(N, C, 1)`` input (one
    spatial position), for class-index targets and for probability targets."""
    to_array = ARRAY_KINDS[kind]
    for z, by_label, by_target in zip(
        FAMILIES[family],
        references(family, "sparse_softmax_cross_entropy"),
        references(family, "softmax_cross_entropy"),
        strict=True,
    ):
        logits = to_array(z[:, :, None])
        labels = to_array(labels_of(z)[:, None])
        targets = to_array(targets_of(z)[:, :, None])
        by_index = torch_compat.cross_entropy(logits, labels, reduction="none")
        by_probability = torch_compat.cross_entropy(logits, targets, reduction="none")
        assert_within_ulps("torch_compat.cross_entropy", by_index, by_label)
        assert_within_ulps("torch_compat.cross_entropy", by_probability, by_target)


# --------------------------------------------------------------------------------------------------
# Accuracy: gradients of log-softmax and the cross-entropies (torch autograd)
# --------------------------------------------------------------------------------------------------


def exact_weighted_gradients(weights: np.ndarray, probabilities: list) -> tuple[list, np.ndarray]:
    r"""The gradient of :math:`\sum_k w_k \log\operatorname{softmax}(z)_k` (minus the cross-entropy),
    :math:`w_j - p_j \sum_k w_k`, to 50 digits, flat; and the larger of its two terms per entry.

    ``probabilities``: the exact softmax of the rows, flat. The gradient is evaluated as
    :math:`w_j \sum_{i \ne j} p_i - p_j \sum_{k \ne j} w_k`, equal to it since the probabilities sum
    to 1, so that it keeps the value :math:`-10^{-131}` at the true class of a confident prediction,
    which :math:`1 - p_c` would lose even at 50 digits. (Each :math:`\sum_{i \ne j}` is a prefix sum
    plus a suffix sum of non-negative terms: no cancellation.)
    """
    k = weights.shape[-1]
    gradients, terms = [], []
    with mpmath.workdps(DIGITS):
        for row, w_row in enumerate(weights.tolist()):
            p_row = probabilities[row * k : (row + 1) * k]
            p_others, w_others = _sums_of_the_others(p_row), _sums_of_the_others(w_row)
            for w, p, p_rest, w_rest in zip(w_row, p_row, p_others, w_others, strict=True):
                gradients.append(w * p_rest - p * w_rest)
                terms.append(max(abs(w), float(p * (w + w_rest))))
    return gradients, np.array(terms)


def _sums_of_the_others(values: list) -> list:
    """For each j, the sum of every value but the j-th: a running prefix sum plus a running suffix sum."""
    prefix, suffix = [mpmath.mpf(0)], [mpmath.mpf(0)]
    for v, u in zip(values[:-1], values[:0:-1], strict=True):
        prefix.append(prefix[-1] + v)
        suffix.append(suffix[-1] + u)
    return [a + b for a, b in zip(prefix, reversed(suffix), strict=True)]


def random_weights(z: np.ndarray) -> np.ndarray:
    """Weights uniform in [0, 2] on the finite logits, 0 on -inf (where log-softmax is -inf)."""
    return np.where(np.isfinite(z), np.random.default_rng(z.shape[-1]).uniform(0.0, 2.0, z.shape), 0.0)


def one_hot_labels(z: np.ndarray) -> np.ndarray:
    return np.eye(z.shape[-1])[labels_of(z)]


@pytest.mark.parametrize(
    ("quantity", "weights_of"),
    [
        ("log_softmax", random_weights),
        ("softmax_cross_entropy", targets_of),
        ("sparse_softmax_cross_entropy", one_hot_labels),
    ],
    ids=["log_softmax", "softmax_cross_entropy", "sparse_softmax_cross_entropy"],
)
@pytest.mark.parametrize("family", FAMILIES)
def test_autograd_gradients_of_log_softmax_and_the_cross_entropies_are_p_sum_w_minus_w(
    family, quantity, weights_of
):
    r"""The gradient :math:`p_j \sum_k w_k - w_j` (for the cross-entropies, :math:`w = y` and it is
    :math:`p - y`) to 4 ulps of the larger of its two terms: to full relative precision where
    :math:`w_j = 0` (probabilities of 1e-300 included), and to 4 ulps of :math:`w_j` where they cancel,
    as at the true class of a confident prediction (exact -1e-131; PyTorch gives the same 0 there)."""
    for z, probabilities in zip(FAMILIES[family], references(family, "softmax"), strict=True):
        weights = weights_of(z)
        if quantity == "log_softmax":
            computed = autograd(lambda t, w=weights: -torch.from_numpy(w) * core.log_softmax(t), z)
        elif quantity == "softmax_cross_entropy":
            computed = autograd(lambda t, w=weights: core.softmax_cross_entropy(torch.from_numpy(w), t), z)
        else:
            labels = torch.from_numpy(labels_of(z))
            computed = autograd(lambda t, c=labels: core.sparse_softmax_cross_entropy(c, t), z)
        expected, terms = exact_weighted_gradients(weights, probabilities)
        assert_within_ulps(f"d {quantity} / dz", computed, [-g for g in expected], terms)


# --------------------------------------------------------------------------------------------------
# Properties: the binary cross-entropy, in core and in both compat layers
# --------------------------------------------------------------------------------------------------

PROBABILITY_LOSSES = {  # (target, probability) -> per-element loss
    "core": core.binary_cross_entropy,
    "torch_compat": lambda y, p: torch_compat.binary_cross_entropy(p, y, reduction="none"),
    "keras_compat": lambda y, p: keras_compat.binary_crossentropy(y[..., None], p[..., None]),
}

LOGIT_LOSSES = {  # (target, logit) -> per-element loss
    "core": core.binary_cross_entropy_with_logits,
    "torch_compat": lambda y, z: torch_compat.binary_cross_entropy_with_logits(z, y, reduction="none"),
    "keras_compat": lambda y, z: keras_compat.binary_crossentropy(
        y[..., None], z[..., None], from_logits=True
    ),
}

ALL_LOSSES = [pytest.param(f, id=f"{name}-probability") for name, f in PROBABILITY_LOSSES.items()] + [
    pytest.param(f, id=f"{name}-logit") for name, f in LOGIT_LOSSES.items()
]

SOFT_TARGET = st.floats(1e-9, 1 - 1e-9)
"""Soft targets kept off 0 and 1: with PyTorch's log floor of -100, the loss at p = y is the minimum
only for y > e**-99; far smaller targets would also make ``y log y`` subnormal."""

HARD = st.sampled_from([0.0, 1.0])


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
@given(pair=pairs(UNIT, UNIT))
def test_probability_losses_are_non_negative_for_targets_and_probabilities_in_0_1(name, pair):
    y, p = pair
    assert np.all(as_numpy(PROBABILITY_LOSSES[name](y, p)) >= 0)


@IGNORE_WRONG_HELPER
@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(UNIT, LOGIT))
def test_logit_losses_are_non_negative_for_targets_in_0_1_and_any_finite_logit(name, pair):
    y, z = pair
    assert np.all(as_numpy(LOGIT_LOSSES[name](y, z)) >= 0)


@pytest.mark.parametrize("name", ["core", "torch_compat"])
@given(y=arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=4), elements=HARD))
def test_probability_loss_is_exactly_zero_at_a_hard_target_predicted_exactly(name, y):
    """For y in {0, 1} the minimum over p is at p = y, where the loss is 0 (0 log 0 = 0). Keras's
    convention is left out: its clip makes that minimum -log(1 - 1e-7) = 1e-7 instead."""
    assert np.all(as_numpy(PROBABILITY_LOSSES[name](y, y.copy())) == 0)


@IGNORE_WRONG_HELPER
@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(HARD, LOGIT), shift=st.floats(0.0, 1e6))
def test_logit_loss_decreases_towards_a_hard_target(name, pair, shift):
    """For y in {0, 1} the infimum is at z = ±infinity: moving z towards the target never raises the loss."""
    y, z = pair
    towards = z + np.where(y == 1, shift, -shift)
    loss = LOGIT_LOSSES[name]
    assert np.all(as_numpy(loss(y, towards)) <= as_numpy(loss(y, z)))


def at_most_with_rounding(smaller, larger) -> None:
    """``smaller <= larger`` up to 8 ulps of each (both sides are computed to a few ulps)."""
    smaller, larger = as_numpy(smaller), as_numpy(larger)
    assert np.all(smaller <= larger * (1 + 8 * EPS)), f"{smaller} is not at most {larger}"


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
@given(pair=pairs(SOFT_TARGET, UNIT))
def test_probability_loss_in_p_is_minimised_at_p_equal_to_a_soft_target(name, pair):
    """Gibbs' inequality: the cross-entropy of (y, 1 - y) against (p, 1 - p) is smallest at p = y
    (also after Keras's clip, which moves p and y alike)."""
    y, p = pair
    loss = PROBABILITY_LOSSES[name]
    at_most_with_rounding(loss(y, y.copy()), loss(y, p))


@IGNORE_WRONG_HELPER
@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(SOFT_TARGET, LOGIT))
def test_logit_loss_in_z_is_minimised_at_the_logit_of_a_soft_target(name, pair):
    """The same minimum in logit coordinates: z = logit(y) = log(y) - log(1 - y)."""
    y, z = pair
    loss = LOGIT_LOSSES[name]
    at_most_with_rounding(loss(y, np.log(y) - np.log1p(-y)), loss(y, z))


@pytest.mark.parametrize("name", ["core", "torch_compat"])
@given(pair=pairs(DYADIC_UNIT, DYADIC_UNIT))
def test_probability_loss_is_symmetric_under_swapping_the_classes(name, pair):
    """bce(y, p) = bce(1 - y, 1 - p): relabelling the classes changes nothing (up to rounding, since
    one side computes log(1 - p) as log1p(-p) and the other as log of the exact 1 - p).

    Not so for Keras's convention: its clip to [1e-7, 1 - 1e-7] is asymmetric once 1 - 1e-7 is
    rounded (by 5e-18 in float64, and 15.94 against 16.12 in float32, see test_classification_keras)."""
    y, p = pair
    loss = PROBABILITY_LOSSES[name]
    assert_close(loss(1 - y, 1 - p), loss(y, p), rtol=4 * EPS)


@IGNORE_WRONG_HELPER
@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(DYADIC_UNIT, LOGIT))
def test_logit_loss_is_symmetric_under_swapping_the_classes(name, pair):
    """bce_logits(y, z) = bce_logits(1 - y, -z), since 1 - sigmoid(z) = sigmoid(-z)."""
    y, z = pair
    loss = LOGIT_LOSSES[name]
    assert_close(loss(1 - y, -z), loss(y, z), rtol=4 * EPS)


@IGNORE_WRONG_HELPER
@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("loss", ALL_LOSSES)
@given(pair=pairs(DYADIC_UNIT, DYADIC_UNIT))
def test_element_wise_losses_keep_shape_kind_and_dtype(loss, dtype, kind, pair):
    """NumPy in gives NumPy out, torch in gives torch out, float32 stays float32, shape is kept."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    result = loss(y, x)
    assert_same_kind(result, x)
    assert tuple(result.shape) == tuple(x.shape)


# --------------------------------------------------------------------------------------------------
# Properties: the K-outcome cross-entropies
# --------------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@given(pair=logits_and_labels(row_arrays(DYADIC_LOGIT)))
def test_sparse_softmax_cross_entropy_takes_labels_of_the_batch_shape(kind, pair):
    z, labels = pair
    to_array = ARRAY_KINDS[kind]
    result = core.sparse_softmax_cross_entropy(to_array(labels), to_array(z))
    assert_same_kind(result, to_array(z))
    assert tuple(result.shape) == labels.shape


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
