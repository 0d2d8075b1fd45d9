"""Accuracy of the K-outcome and count losses in float64 against 50-digit mpmath references.

Contract (DESIGN.md, "Accuracy"), measured as in test_accuracy: the error in ulps, ``|computed - exact|
/ ulp``, is at most 4. Zeros and infinities of the exact result must be met exactly; exact results
that are subnormal are excluded (fewer than 53 significant bits there).

The ulp is taken of the exact result, or of the largest term that the defining formula adds where that
is larger. The two agree wherever the terms have one sign (log-softmax, softmax, both cross-entropies,
and each function below away from cancellation), and there the measure is the plain "ulps of the
result". Where terms of opposite sign cancel, the exact result is ill-conditioned in the inputs:
``logsumexp([-log 2, -log 2])`` is ``log 2 - fl(log 2) = 2.3e-17``, and half an ulp of the term
``log 2``, which no float64 formula avoids, is the whole result. There the contract is a few ulps of
the terms (a backward-stable result), the normwise bound that ``_helpers.normwise_atol`` explains for
gradients such as ``p - y``.

Rows of logits come in families: random rows for every K from 2 to 50, nearly uniform rows (where
every probability is about 1/K and the normaliser is a sum of K similar terms), logs of probabilities
(where LSE is about 0 and its terms cancel), ties in the maximum, rows holding ``-inf``, confident
predictions (one logit 0, the others -200 to -740, so losses from 1e-87 down to the smallest normal
numbers), and logits of size 1e3 and 1e5.
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import ARRAY_KINDS, as_numpy

from lossbook import core, torch_compat
from lossbook import reference as mpref

MAX_ULPS = 4.0
DIGITS = mpref.DIGITS
TINY = float(np.finfo(np.float64).tiny)

WORST_ULPS: dict[str, float] = {}
"""The largest error seen per quantity, in ulps, over the tests run (for reports; nothing prints it)."""


def assert_within_ulps(name: str, computed, references: list, terms=None) -> None:
    """At most MAX_ULPS of error in ulps of ``max(|exact|, terms)``, element by element (C order).

    ``terms``: per element, the magnitude of the largest term the defining formula adds (None: the
    formula has no cancelling terms). Zeros and infinities of the reference must be met exactly.
    """
    computed = as_numpy(computed).astype(np.float64).ravel()
    assert computed.size == len(references), f"{name}: {computed.size} values, {len(references)} references"
    terms = np.zeros(computed.size) if terms is None else np.broadcast_to(np.ravel(terms), computed.size)
    errors = []
    with mpmath.workdps(DIGITS):
        for value, reference, term in zip(computed.tolist(), references, terms.tolist(), strict=True):
            if reference == 0 or mpmath.isinf(reference):
                assert value == reference, f"{name}: computed {value!r} where the exact result is {reference}"
                continue
            scale = max(abs(float(reference)), term)
            if scale < TINY:
                continue  # subnormal: excluded, see the module docstring
            errors.append(mpref.ulps_error(value, reference, scale=scale))
    assert errors, f"{name}: no reference is a normal number"  # (at scale 1e3 most probabilities underflow)
    worst = max(errors)
    WORST_ULPS[name] = max(WORST_ULPS.get(name, 0.0), worst)
    assert worst <= MAX_ULPS, f"{name}: error of {worst:.2f} ulps exceeds {MAX_ULPS}"


# --------------------------------------------------------------------------------------------------
# Rows of logits, with targets and labels
# --------------------------------------------------------------------------------------------------


def _with_ties(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Copy each row's maximum to one or two other positions (or, in a quarter of rows, everywhere)."""
    rows = rows.copy()
    for row in rows:
        if rng.uniform() < 0.25:
            row[:] = row.max()
        else:
            row[rng.choice(row.size, size=min(row.size, rng.integers(2, 4)), replace=False)] = row.max()
    return rows


def _with_minus_infinity(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Set about a third of the entries to -inf, keeping at least one finite entry per row."""
    rows = rows.copy()
    rows[rng.uniform(size=rows.shape) < 1 / 3] = -np.inf
    rows[:, 0] = np.where(np.isinf(rows).all(axis=-1), 1.5, rows[:, 0])
    return rows


def _confident(rows: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """One logit 0 per row (the true class), the others uniform in [-740, -200]: random non-integers,
    so each gap is hundreds and the loss is about e^{-smallest gap}, from 1e-87 to 1e-321."""
    logits = -rng.uniform(200.0, 740.0, size=(rows, k))
    logits[np.arange(rows), rng.integers(k, size=rows)] = 0.0
    return logits


def _families() -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(2026)
    few_k = (2, 3, 5, 10, 17, 50)
    return {
        "random, K = 2 to 50": [rng.normal(0.0, 5.0, size=(3, k)) for k in range(2, 51)],
        "nearly uniform, K = 2 to 50": [rng.normal(0.0, 0.01, size=(2, k)) for k in range(2, 51, 4)],
        "log-probabilities, LSE near 0": [np.log(rng.dirichlet(np.ones(k), size=3)) for k in few_k],
        "ties in the maximum": [_with_ties(np.round(rng.normal(0.0, 3.0, (8, k))), rng) for k in few_k],
        "rows holding -inf": [_with_minus_infinity(rng.normal(0.0, 5.0, (8, k)), rng) for k in few_k],
        "confident, gaps 200 to 740": [_confident(6, k, rng) for k in range(2, 51, 3)],
        "logits of size 1e3": [rng.normal(0.0, 1e3, size=(6, k)) for k in few_k],
        "logits of size 1e5": [rng.uniform(-1e5, 1e5, size=(6, k)) for k in few_k],
        "logits near 1e5": [1e5 + rng.normal(0.0, 3.0, size=(6, k)) for k in few_k],
    }


FAMILIES = _families()


def labels_of(logits: np.ndarray) -> np.ndarray:
    """One class per row: the largest logit in every second row (the confident true class, or one of
    a tie), a random finite one in the others."""
    rng = np.random.default_rng(logits.shape[-1])
    random_finite = np.argmax(np.where(np.isfinite(logits), rng.uniform(size=logits.shape), -1.0), axis=-1)
    largest = np.argmax(logits, axis=-1)
    return np.where(np.arange(logits.shape[0]) % 2 == 0, largest, random_finite)


def targets_of(logits: np.ndarray) -> np.ndarray:
    """Probability targets per row: one-hot at :func:`labels_of` in every second row, spread over the
    finite classes (Dirichlet(1/2), so some weights are tiny) in the others."""
    rng = np.random.default_rng(100 + logits.shape[-1])
    spread = np.where(
        np.isfinite(logits), rng.dirichlet(np.full(logits.shape[-1], 0.5), logits.shape[0]), 0.0
    )
    spread /= spread.sum(axis=-1, keepdims=True)
    one_hot = np.eye(logits.shape[-1])[labels_of(logits)]
    return np.where((np.arange(logits.shape[0]) % 2 == 0)[:, None], one_hot, spread)


def _flat(values: list) -> list:
    return [v for row in values for v in row] if isinstance(values[0], list) else values


@functools.cache
def references(family: str, quantity: str) -> list[list]:
    """The 50-digit values of ``quantity`` for each array of the family, flat in C order."""
    arguments = {
        "logsumexp": lambda z: (z,),
        "log_softmax": lambda z: (z,),
        "softmax": lambda z: (z,),
        "softmax_cross_entropy": lambda z: (targets_of(z), z),
        "sparse_softmax_cross_entropy": lambda z: (labels_of(z), z),
    }[quantity]
    return [_flat(mpref.exact_rows(getattr(mpref, quantity), *arguments(z))) for z in FAMILIES[family]]


# --------------------------------------------------------------------------------------------------
# Values
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


def test_logsumexp_where_its_terms_cancel_is_accurate_to_ulps_of_the_terms_not_of_the_result():
    """LSE([-fl(log 2)] * 2) = log 2 - fl(log 2) = 2.3e-17, a normal number made of the rounding error of
    fl(log 2): the result is the difference of the terms -fl(log 2) and log(1 + 1), and no float64
    formula gets it to 4 ulps. Within 4 ulps of the term log 2 is what can be promised (and kept)."""
    z = np.full(2, -np.log(2.0))
    (expected,) = mpref.exact_rows(mpref.logsumexp, z)
    assert 1e-17 < float(expected) < 1e-16  # a normal number, all of it rounding error of fl(log 2)
    assert abs(float(core.logsumexp(z)) - float(expected)) <= MAX_ULPS * np.spacing(np.log(2.0))


# --------------------------------------------------------------------------------------------------
# Gradients (torch autograd)
# --------------------------------------------------------------------------------------------------


def autograd(function, z: np.ndarray) -> torch.Tensor:
    """The gradient of ``function(z).sum()`` with respect to ``z``, by torch autograd."""
    leaf = torch.tensor(z, requires_grad=True)
    function(leaf).sum().backward()
    return leaf.grad


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


@pytest.mark.parametrize("family", FAMILIES)
def test_autograd_gradient_of_logsumexp_is_the_softmax_within_4_ulps_in_every_entry(family):
    """d LSE / dz_j = softmax(z)_j, to full relative precision even for probabilities of 1e-300 and at
    the maximum of a near-uniform row (the maximum is a constant for autograd, see core)."""
    for z, expected in zip(FAMILIES[family], references(family, "softmax"), strict=True):
        assert_within_ulps("d logsumexp / dz", autograd(core.logsumexp, z), expected)


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
# Element-wise: xlogy, Poisson, Stirling
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
def test_xlogy_is_within_4_ulps_and_exactly_0_for_x_equal_to_0(kind):
    x = np.concatenate([[0.0, 0.0, 0.0, 2.0], RNG.uniform(0, 1, 30), 10.0 ** RNG.uniform(-300, 300, 30)])
    y = np.concatenate(
        [[0.0, 1.0, 5.0, 0.0], 1 + RNG.normal(0, 1e-8, 30), 10.0 ** RNG.uniform(-300, 300, 30)]
    )
    computed = core.xlogy(ARRAY_KINDS[kind](x), ARRAY_KINDS[kind](y))
    assert_within_ulps("xlogy", computed, mpref.exact(mpref.xlogy, x, y))


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
