"""The accuracy harness of the ``*_core`` modules: the error in ulps against 50-digit mpmath references,
and the inputs it is measured on. Not collected by pytest (the name does not start with ``test_``).

Contract (DESIGN.md, "Accuracy"): in float64 the core is accurate to a few units in the last place
wherever the exact result is a normal float64 number. The error is measured in ulps, ``|computed -
exact| / ulp``, with ``ulp`` = ``np.spacing`` of the exact result rounded to float64, and must be at most
4 (:data:`MAX_ULPS`). Zeros and infinities of the exact result must be met exactly. References that are
subnormal (below 2.2e-308) are excluded: there a float64 carries fewer than 53 significant bits, so
"ulps" stop meaning relative accuracy (for instance softplus(-800) = 3.7e-348 underflows to 0, which is
correct rounding).

The ulp is taken of the exact result, or of the largest term that the defining formula adds where that
is larger. The two agree wherever the terms have one sign (log-softmax, softmax, both cross-entropies,
and each element-wise function away from cancellation), and there the measure is the plain "ulps of the
result". Where terms of opposite sign cancel, the exact result is ill-conditioned in the inputs:
``logsumexp([-log 2, -log 2])`` is ``log 2 - fl(log 2) = 2.3e-17``, and half an ulp of the term
``log 2``, which no float64 formula avoids, is the whole result. There the contract is a few ulps of
the terms (a backward-stable result), the normwise bound that ``_helpers.normwise_atol`` explains for
gradients such as ``p - y``.

The inputs: :data:`LOGITS` and :data:`PROBABILITIES` for the element-wise functions, and
:data:`FAMILIES` of rows of logits for the K-outcome ones: random rows for every K from 2 to 50, nearly
uniform rows (where every probability is about 1/K and the normaliser is a sum of K similar terms),
logs of probabilities (where LSE is about 0 and its terms cancel), ties in the maximum, rows holding
``-inf``, confident predictions (one logit 0, the others -200 to -740, so losses from 1e-87 down to
the smallest normal numbers), and logits of size 1e3 and 1e5, with :func:`references` to 50 digits.
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import torch
from _helpers import as_numpy

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


def assert_vector_within_ulps(name: str, computed, references: list[mpmath.mpf]) -> None:
    """:func:`assert_within_ulps` for a float64 vector of one value per reference, of which most must be
    normal numbers (the element-wise inputs are chosen so)."""
    computed = as_numpy(computed)
    assert computed.dtype == np.float64 and computed.shape == (len(references),)
    normal = sum(abs(float(reference)) >= TINY for reference in references)
    assert normal >= len(references) // 2, "most references should be normal numbers"
    assert_within_ulps(name, computed, references)


def autograd(function, x: np.ndarray) -> torch.Tensor:
    """The gradient of ``function(x).sum()`` with respect to ``x``, by torch autograd (for an element-wise
    function: its derivative at each element)."""
    leaf = torch.tensor(x, requires_grad=True)
    function(leaf).sum().backward()
    return leaf.grad


# --------------------------------------------------------------------------------------------------
# Element-wise inputs
# --------------------------------------------------------------------------------------------------

RNG = np.random.default_rng(2024)
LOGITS = np.concatenate(
    [
        [-800.0, -100.0, -40.0, -1e-8, 0.0, 1e-8, 40.0, 100.0, 800.0],
        RNG.uniform(-800.0, 800.0, size=40),
        RNG.normal(scale=10.0, size=40),
        np.sign(RNG.normal(size=20)) * 10.0 ** RNG.uniform(-12, 2, size=20),
    ]
)
"""The named logits, a uniform spread over [-800, 800], a normal spread of scale 10, and magnitudes
spread log-uniformly from 1e-12 to 100 (where the sigmoid is close to 1/2 or to 0/1)."""

PROBABILITIES = np.concatenate(
    [
        [1e-300, 1e-17, 0.5, 1 - 1e-16],
        RNG.uniform(size=30),
        10.0 ** RNG.uniform(-300, 0, size=30),
        1 - 10.0 ** RNG.uniform(-16, -1, size=30),
    ]
)
"""Probabilities in (0, 1): named points, uniform, log-uniform down to 1e-300, and close to 1."""


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
