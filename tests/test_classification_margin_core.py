"""The core margin losses and the generalized cross-entropy: accuracy against 50-digit mpmath, the
relations between them, and their invariants (property tests).

Contract (DESIGN.md, "Accuracy"): in float64, ``soft_margin`` is within 4 ulps of mpmath for every score
from -800 to 800 (``accuracy.LOGITS``), where PyTorch's ``soft_margin_loss`` overflows (shown in
test_classification_margin_torch), and ``generalized_cross_entropy`` within 4 ulps for probabilities
from 1e-300 to 1 - 1e-16 and several q, including q close to 0 (where the loss is nearly the
cross-entropy) and q = 1.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, as_numpy, assert_close
from accuracy import LOGITS, PROBABILITIES, assert_vector_within_ulps, autograd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import MODERATE, pairs

from lossbook import core
from lossbook import reference as mpref

SIGNS = st.sampled_from([-1.0, 1.0])


# --------------------------------------------------------------------------------------------------
# Accuracy against mpmath
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("y", [1.0, -1.0])
def test_soft_margin_is_within_4_ulps_of_mpmath_for_every_score_from_minus_800_to_800(y, kind):
    target = np.full_like(LOGITS, y)
    computed = core.soft_margin(ARRAY_KINDS[kind](target), ARRAY_KINDS[kind](LOGITS))
    exact = mpref.exact(mpref.soft_margin, target, LOGITS)
    assert_vector_within_ulps(f"soft_margin, y = {y}", computed, exact)


def test_soft_margin_derivative_is_minus_y_sigmoid_of_minus_y_f_to_4_ulps():
    """Autograd (softplus's closed-form derivative) gives -y sigma(-y f), also where it is 1e-300."""
    for y in (1.0, -1.0):
        grad = autograd(lambda f, y=y: core.soft_margin(torch.full_like(f, y), f), LOGITS)
        exact = mpref.exact(lambda f, y=y: -y * mpref.sigmoid(-y * f), LOGITS)
        assert_vector_within_ulps(f"d soft_margin / df, y = {y}", grad, exact)


Q_VALUES = [1e-6, 0.3, 0.5, 0.7, 1.0]


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("q", Q_VALUES)
def test_generalized_cross_entropy_is_within_4_ulps_of_mpmath_from_1e_300_to_1_minus_1e_16(q, kind):
    p = PROBABILITIES[PROBABILITIES > 0]
    rows = np.stack([p, 1.0 - p], axis=-1)  # the first class is the true one
    labels = np.zeros(p.shape, dtype=np.int64)
    computed = core.generalized_cross_entropy(ARRAY_KINDS[kind](labels), ARRAY_KINDS[kind](rows), q=q)
    exact = mpref.exact(lambda p: mpref.generalized_cross_entropy(p, q), p)
    assert_vector_within_ulps(f"generalized_cross_entropy, q = {q}", computed, exact)


def test_softmax_generalized_cross_entropy_keeps_the_loss_of_a_confident_prediction():
    """At logits (40, 0) the true class's probability is 1 - 4.2e-18, which rounds to 1: the textbook
    ``(1 - p**q) / q`` gives 0, the logit form its true value 4.2e-18 to 4 ulps."""
    logits = np.array([[40.0, 0.0], [0.0, -700.0], [3.0, 1.0]])
    labels = np.zeros(3, dtype=np.int64)
    computed = core.softmax_generalized_cross_entropy(labels, logits, q=0.7)
    exact = mpref.exact_rows(
        lambda c, row: mpref.softmax_generalized_cross_entropy(c, row, 0.7), labels, logits
    )
    assert_vector_within_ulps("softmax_generalized_cross_entropy", computed, exact)
    p = np.exp(logits[:, 0]) / np.exp(logits).sum(axis=-1)
    assert (1 - p[0] ** 0.7) / 0.7 == 0.0


def test_generalized_cross_entropy_tends_to_the_cross_entropy_as_q_tends_to_0_and_is_1_minus_p_at_q_1():
    rows = np.array([[0.9, 0.1], [0.01, 0.99], [1e-200, 1.0], [1.0, 0.0]])
    labels = np.zeros(4, dtype=np.int64)
    cross_entropy = core.sparse_categorical_cross_entropy(labels, rows)
    assert_close(core.generalized_cross_entropy(labels, rows, q=1e-12), cross_entropy, rtol=1e-9)
    assert_close(core.generalized_cross_entropy(labels, rows, q=1.0), 1.0 - rows[:, 0], rtol=1e-15)
    assert as_numpy(core.generalized_cross_entropy(labels, rows, q=0.5))[-1] == 0.0  # +0, not -0
    assert np.signbit(as_numpy(core.generalized_cross_entropy(labels, rows, q=0.5))[-1]) == False  # noqa: E712


@pytest.mark.parametrize("q", [0.0, -0.5, 1.5, float("nan")])
def test_q_outside_0_1_is_a_value_error(q):
    with pytest.raises(ValueError, match=re.escape("argument `q`: expected")):
        core.generalized_cross_entropy(np.array([0]), np.array([[0.5, 0.5]]), q=q)


# --------------------------------------------------------------------------------------------------
# How the hinges relate
# --------------------------------------------------------------------------------------------------


def test_kerass_categorical_hinge_is_crammer_singer_unless_every_wrong_score_is_negative():
    labels = np.array([0, 0, 1])
    scores = np.array([[-2.0, -3.0, -4.0], [0.5, 0.2, -0.4], [0.1, 0.3, 0.6]])
    one_hot = np.eye(3)[labels]
    assert as_numpy(core.categorical_hinge(one_hot, scores)).tolist() == pytest.approx([3.0, 0.7, 1.3])
    assert as_numpy(core.crammer_singer_hinge(labels, scores)).tolist() == pytest.approx([0.0, 0.7, 1.3])
    with_zero_class = np.concatenate([scores, np.zeros((3, 1))], axis=-1)  # C-S with a class scoring 0
    crammer_singer = core.crammer_singer_hinge(labels, with_zero_class)
    assert_close(core.categorical_hinge(one_hot, scores), crammer_singer, rtol=0)


def test_multi_margin_of_two_classes_is_half_the_hinge_of_the_score_difference():
    f = np.array([[0.3, -0.4], [2.0, 0.5], [-1.0, 1.0]])
    labels = np.array([0, 0, 1])
    y = np.where(labels == 0, 1.0, -1.0)
    assert_close(core.multi_margin(labels, f), core.hinge(y, f[:, 0] - f[:, 1]) / 2, rtol=1e-15)


def test_multilabel_soft_margin_with_pm1_targets_is_the_mean_soft_margin():
    rng = np.random.default_rng(3)
    z, y01 = rng.normal(scale=3, size=(4, 5)), rng.integers(0, 2, size=(4, 5)).astype(float)
    mean_soft_margin = np.mean(core.soft_margin(2 * y01 - 1, z), axis=-1)
    assert_close(core.multilabel_soft_margin(y01, z), mean_soft_margin, rtol=1e-14)


# --------------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------------


@settings(max_examples=40)
@given(pair=pairs(SIGNS, MODERATE))
def test_binary_margin_losses_are_non_negative_and_zero_exactly_when_the_margin_is_met(pair):
    y, f = pair
    met = y * f >= 1.0
    for loss in (core.hinge(y, f), core.squared_hinge(y, f)):
        assert np.shape(loss) == np.shape(f)
        assert np.all(loss >= 0) and np.all((loss == 0) == met)
    soft = core.soft_margin(y, f)
    assert np.all(soft >= 0)
    assert np.all(soft <= core.hinge(y, f) + np.log(2))  # log(1 + e^t) <= max(0, 1 + t) + log 2


@st.composite
def scores_and_labels(draw):
    shape = draw(st.tuples(st.integers(0, 3), st.integers(1, 5)))
    scores = draw(arrays(np.float64, shape, elements=MODERATE))
    labels = draw(arrays(np.int64, shape[:1], elements=st.integers(0, shape[1] - 1)))
    return labels, scores


@settings(max_examples=40)
@given(case=scores_and_labels(), p=st.sampled_from([1, 2]))
def test_multi_class_hinges_are_non_negative_with_one_value_per_row_and_zero_once_the_margin_is_met(case, p):
    labels, scores = case
    for loss in (
        core.crammer_singer_hinge(labels, scores),
        core.multi_margin(labels, scores, p=p),
        core.categorical_hinge(np.eye(scores.shape[1])[labels], scores),
    ):
        assert loss.shape == labels.shape and np.all(loss >= 0)
    # Lift the true class more than 1 above every other score: every multi-class hinge is then 0.
    lifted = scores.copy()
    lifted[np.arange(len(labels)), labels] = np.max(np.abs(scores), initial=0.0) * 2 + 2.0
    assert np.all(as_numpy(core.crammer_singer_hinge(labels, lifted)) == 0)
    assert np.all(as_numpy(core.multi_margin(labels, lifted, p=p)) == 0)


ROWS = st.tuples(st.integers(0, 3), st.integers(1, 5))


@settings(max_examples=30)
@given(scores=arrays(np.float64, ROWS, elements=MODERATE), data=st.data())
def test_multilabel_margin_is_non_negative_and_zero_without_labels_or_with_every_label(scores, data):
    n, k = scores.shape
    target = data.draw(arrays(np.int64, (n, k), elements=st.integers(-1, k - 1)))
    loss = core.multilabel_margin(target, scores)
    assert loss.shape == (n,) and np.all(loss >= 0)
    assert np.all(core.multilabel_margin(np.full((n, k), -1), scores) == 0)
    assert np.all(core.multilabel_margin(np.tile(np.arange(k), (n, 1)), scores) == 0)


@settings(max_examples=30)
@given(p=arrays(np.float64, st.integers(1, 6), elements=st.floats(0.0, 1.0)), q=st.floats(1e-3, 1.0))
def test_generalized_cross_entropy_lies_between_0_and_1_over_q_and_falls_as_p_rises(p, q):
    rows = np.stack([p, 1.0 - p], axis=-1)
    labels = np.zeros(p.shape, dtype=np.int64)
    loss = as_numpy(core.generalized_cross_entropy(labels, rows, q=q))
    assert np.all(loss >= 0) and np.all(loss <= 1.0 / q * (1 + 1e-15))
    order = np.argsort(p)
    assert np.all(np.diff(loss[order]) <= 1e-15 * np.max(loss, initial=1.0))


def test_positive_part_has_derivative_0_at_the_kink_as_pytorchs_margin_kernels():
    z = torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64, requires_grad=True)
    core.positive_part(z).sum().backward()
    assert z.grad.tolist() == [0.0, 0.0, 1.0]
