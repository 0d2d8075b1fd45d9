"""Accuracy of lossbook in float64 against 50-digit mpmath references.

Contract (DESIGN.md, "Accuracy"): in float64 the core is accurate to a few units in the last place
wherever the exact result is a normal float64 number. The error is measured in ulps of the exact
result, ``|computed - exact| / ulp(exact)`` with ``ulp`` = ``np.spacing`` of the exact value rounded
to float64, and must be at most 4. References that are subnormal (below 2.2e-308) or zero are
excluded: there a float64 carries fewer than 53 significant bits, so "ulps" stop meaning relative
accuracy (for instance softplus(-800) = 3.7e-348 underflows to 0, which is correct rounding).

Both array libraries are measured: NumPy and torch each bring their own ``exp``/``log1p``.
"""

from __future__ import annotations

import math

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

TARGET_CASES = {"0": 0.0, "1": 1.0, "0.3": 0.3, "random": None}


def assert_within_ulps(name: str, computed, references: list[mpmath.mpf]) -> float:
    """At most MAX_ULPS of error wherever the exact result is a normal float64 number; returns the
    largest error seen, in ulps."""
    computed = as_numpy(computed)
    assert computed.dtype == np.float64 and computed.shape == (len(references),)
    errors = []
    for value, reference in zip(computed.tolist(), references, strict=True):
        rounded = abs(float(reference))
        if rounded < np.finfo(np.float64).tiny:
            continue  # subnormal or zero: excluded, see the module docstring
        errors.append(mpref.ulps_error(value, reference))
    assert len(errors) >= len(references) // 2, "most references should be normal numbers"
    worst = max(errors)
    assert worst <= MAX_ULPS, f"{name}: error of {worst:.2f} ulps exceeds {MAX_ULPS}"
    return worst


def targets_for(case: str, size: int) -> np.ndarray:
    value = TARGET_CASES[case]
    if value is None:
        return np.random.default_rng(7).uniform(size=size)
    return np.full(size, value)


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
    assert_within_ulps(f"core.{name}", function(ARRAY_KINDS[kind](LOGITS)), mpref.exact(reference, LOGITS))


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
    assert_within_ulps(
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
    assert_within_ulps("core.binary_cross_entropy", computed, expected)


def autograd(function, x: np.ndarray) -> torch.Tensor:
    """The element-wise derivative of ``function`` at ``x``, by torch autograd."""
    leaf = torch.tensor(x, requires_grad=True)
    function(leaf).sum().backward()
    return leaf.grad


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
    assert_within_ulps(f"d/dx core.{name}", autograd(function, LOGITS), mpref.exact(derivative, LOGITS))


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
    assert_within_ulps("d/dz torch_compat.binary_cross_entropy_with_logits", computed, expected)


def test_at_logit_minus_100_and_target_0_pytorch_returns_0_and_lossbook_the_true_loss():
    """The book's showcase: the true loss is softplus(-100) = 3.7e-44; PyTorch's rearrangement
    (1 - y) z - log sigmoid(z) = -100 + 100 rounds it to exactly 0.0, lossbook keeps every digit."""
    z, y = torch.tensor([-100.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)
    reference = mpref.exact(mpref.binary_cross_entropy_with_logits, [0.0], [-100.0], [1.0])
    theirs = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert theirs.item() == 0.0
    ours = torch_compat.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert_within_ulps("torch_compat.binary_cross_entropy_with_logits", ours, reference)
    # softplus(-100) = log1p(e**-100) = e**-100 (1 - e**-100 / 2 + ...): e**-100 to all 16 digits
    assert math.isclose(ours.item(), math.exp(-100.0), rel_tol=4 * np.finfo(np.float64).eps)


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
