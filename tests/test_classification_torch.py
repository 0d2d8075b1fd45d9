"""Parity of ``torch_compat.binary_cross_entropy`` and ``binary_cross_entropy_with_logits`` with
``torch.nn.functional``: values and autograd gradients; their bad-input errors and wrong-helper warning.

Contract (DESIGN.md, "Parity"): values and gradients equal PyTorch's within 1e-9 relative in float64
(2e-6 in float32, a few float32 ulps), for every reduction and keyword, for NumPy and torch input. The
harness (evaluation with gradients, tolerances, random inputs) is in parity.py; the reductions and the
legacy flags shared by every loss are tested in test_reduction_torch.

Two deliberate differences are handled explicitly, not by loosening every comparison:

* PyTorch's logit loss cancels for confident correct predictions: its absolute error is a few ulps of
  ``|x|`` (``cancellation_atol``), so the logit loss is compared to that absolute bound on top of the
  relative tolerance (in float64 the bound is ~1e-13 at ``|x| = 100``; it matters at the edge logits
  and, in float32, for a few random ones). lossbook's accuracy there is tested in
  test_classification_core.
* PyTorch's hand-written backward of ``binary_cross_entropy`` divides by ``max(p(1 - p), 1e-12)``;
  lossbook differentiates the clamped formula. Gradient parity is asserted where ``p(1 - p) >= 1e-12``
  and the difference at ``p = 0`` and ``p = 1`` is pinned down by its own test.

Bad input gets a clear error: which argument, what was expected, what was received; each error test
matches the message against those three parts. The wrong-helper warning (``LikelyMistakeWarning``)
warns, says why, and still returns the loss. (Errors shared by every loss, such as shapes, NaN, dtypes
and mixed array libraries, are in test_validation.)
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind
from parity import (
    BINARY_LOSSES,
    BINARY_PROBABILITY_LOSSES,
    DTYPES,
    HALF,
    LOGITS,
    PROBABILITIES,
    REDUCTIONS,
    TARGETS,
    TORCH_RTOL,
    TORCH_SHAPES,
    assert_parity,
    binary_arrays,
    evaluate,
    of_layer,
    parameters,
    pytorch_value_atol,
)

from lossbook import LikelyMistakeWarning, torch_compat

LOSSES = {
    "binary_cross_entropy": (torch_compat.binary_cross_entropy, F.binary_cross_entropy),
    "binary_cross_entropy_with_logits": (
        torch_compat.binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
    ),
}


def weight_shapes(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Weight shapes PyTorch broadcasts without enlarging the input: full, per class ``(C,)``, per row."""
    candidates = [shape, shape[-1:], (*shape[:-1], 1)] if shape else [shape]
    return list(dict.fromkeys(candidates))


WEIGHT_CASES = [(shape, None) for shape in TORCH_SHAPES] + [
    (s, w) for s in TORCH_SHAPES for w in weight_shapes(s)
]


def assert_matches_pytorch(name, arrays, dtype, reduction, *, mask=None) -> None:
    """lossbook's and PyTorch's ``name`` on the same arrays: values, and gradients w.r.t. the input
    and the target (PyTorch differentiates both; it refuses gradients w.r.t. its weights)."""
    ours, theirs = LOSSES[name]
    grads = ("input", "target")
    assert_parity(
        evaluate(ours, arrays, dtype, grads, reduction=reduction),
        evaluate(theirs, arrays, dtype, grads, reduction=reduction),
        dtype,
        value_atol=pytorch_value_atol(name, arrays, dtype, reduction),
        mask=mask,
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("shape", "weight_shape"), WEIGHT_CASES, ids=str)
@pytest.mark.parametrize("name", LOSSES)
def test_values_and_gradients_match_pytorch_for_every_reduction_and_weight(
    name, shape, weight_shape, reduction, dtype
):
    arrays = binary_arrays(name, shape, seed=len(shape), weight=weight_shape)
    assert_matches_pytorch(name, arrays, dtype, reduction)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", TORCH_SHAPES, ids=str)
def test_bce_with_logits_matches_pytorch_with_pos_weight_per_class(shape, reduction, dtype):
    """``pos_weight`` of shape (C,), one weight per class along the last axis, with and without ``weight``."""
    name = "binary_cross_entropy_with_logits"
    for weight_shape in (None, shape):
        arrays = binary_arrays(name, shape, seed=7, pos_weight=shape[-1:], weight=weight_shape)
        assert_matches_pytorch(name, arrays, dtype, reduction)


def weighted_bce_reference(input, target, weight, reduction):
    """PyTorch's documented definition, ``weight`` times the unweighted loss, built from PyTorch's own
    loss: PyTorch refuses to differentiate with respect to ``weight``, this lets autograd do it."""
    return reduce_torch(F.binary_cross_entropy(input, target, reduction="none") * weight, reduction)


def weighted_bce_with_logits_reference(input, target, weight, pos_weight, reduction):
    r"""PyTorch's documented formula :math:`-w[p_c\,y\log\sigma(x) + (1 - y)\log(1 - \sigma(x))]`, built
    from ``F.logsigmoid`` (PyTorch refuses to differentiate its loss w.r.t. ``weight``/``pos_weight``)."""
    per_element = -(pos_weight * target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    return reduce_torch(per_element * weight, reduction)


def reduce_torch(values, reduction):
    return {"none": values, "mean": values.mean(), "sum": values.sum()}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("shape", "weight_shape"), [c for c in WEIGHT_CASES if c[1] is not None], ids=str)
def test_gradients_wrt_weight_and_pos_weight_match_autograd_of_pytorchs_definition(
    shape, weight_shape, reduction
):
    dtype = torch.float64
    arrays = binary_arrays("binary_cross_entropy", shape, seed=3, weight=weight_shape)
    grads = ("input", "target", "weight")
    assert_parity(
        evaluate(torch_compat.binary_cross_entropy, arrays, dtype, grads, reduction=reduction),
        evaluate(weighted_bce_reference, arrays, dtype, grads, reduction=reduction),
        dtype,
    )
    arrays = binary_arrays(
        "binary_cross_entropy_with_logits", shape, seed=4, weight=weight_shape, pos_weight=shape[-1:]
    )
    grads = ("input", "target", "weight", "pos_weight")
    assert_parity(
        evaluate(torch_compat.binary_cross_entropy_with_logits, arrays, dtype, grads, reduction=reduction),
        evaluate(weighted_bce_with_logits_reference, arrays, dtype, grads, reduction=reduction),
        dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_numpy_input_gives_a_numpy_result_equal_to_pytorchs_value(name, reduction):
    ours, theirs = LOSSES[name]
    arrays = binary_arrays(name, (4, 3), seed=11, weight=(3,))
    result = ours(**arrays, reduction=reduction)
    assert_same_kind(result, arrays["input"])
    expected = theirs(**{key: torch.from_numpy(value) for key, value in arrays.items()}, reduction=reduction)
    atol = pytorch_value_atol(name, arrays, torch.float64, reduction)
    assert_close(result, expected, rtol=TORCH_RTOL[torch.float64], atol=atol)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", LOSSES)
def test_torch_input_gives_a_torch_result_of_the_same_dtype(name, dtype):
    ours, _ = LOSSES[name]
    arrays = binary_arrays(name, (4, 3), seed=12)
    tensors = {key: torch.tensor(value, dtype=dtype) for key, value in arrays.items()}
    for reduction in REDUCTIONS:
        assert_same_kind(ours(**tensors, reduction=reduction), tensors["input"])


CLASSIFICATION_FUNCTIONS = [
    name for name in torch_compat.classification.__all__ if callable(getattr(torch_compat, name))
]


@pytest.mark.parametrize("name", CLASSIFICATION_FUNCTIONS)
def test_every_function_has_pytorchs_parameters_in_order_with_pytorchs_defaults(name):
    """Same names, order and defaults as ``torch.nn.functional.<name>``, so a call written for PyTorch
    (positional arguments included) runs unchanged."""

    assert parameters(getattr(torch_compat, name)) == parameters(getattr(F, name))


# --------------------------------------------------------------------------------------------------
# Edge inputs: probabilities exactly 0 and 1, logits up to ±100
# --------------------------------------------------------------------------------------------------

EDGE_PROBABILITIES = [0.0, 1e-300, 1e-13, 1e-12, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-13, 1.0]

EDGE_LOGITS = [-100.0, -60.0, -40.0, -36.0, -20.0, -1.0, 0.0, 1.0, 20.0, 36.0, 40.0, 60.0, 100.0]

EDGE_TARGETS = [0.0, 0.5, 1.0]


def edge_grid(inputs) -> dict[str, np.ndarray]:
    """Every edge input against every edge target (targets 0, 1/2 and 1), as arrays of one shape."""
    input, target = np.meshgrid(np.asarray(inputs), np.asarray(EDGE_TARGETS), indexing="ij")
    return {"input": input, "target": target}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_pytorch_at_probabilities_0_and_1_and_near_them(reduction, dtype):
    """Values everywhere (both clamp each log at -100, so p = 0 and p = 1 give a loss of 100 or 0);
    gradients where ``p(1 - p) >= 1e-12``, the region where PyTorch's backward is the true derivative."""
    arrays = edge_grid(EDGE_PROBABILITIES)
    p = torch.tensor(arrays["input"], dtype=dtype).double().numpy()  # as rounded to dtype
    assert_matches_pytorch("binary_cross_entropy", arrays, dtype, reduction, mask=p * (1 - p) >= 1e-12)


def test_bce_gradient_at_probabilities_0_and_1_is_the_finite_derivative_of_the_clamped_formula():
    r"""The documented difference from PyTorch at :math:`p \in \{0, 1\}`.

    lossbook differentiates :math:`\ell = -[y \max(\log p, -100) + (1 - y)\max(\log(1 - p), -100)]`,
    whose clamped logs have slope 0, so
    :math:`\partial\ell/\partial p = -y\,[\log p > -100]/p + (1 - y)\,[\log(1 - p) > -100]/(1 - p)` and
    :math:`\partial\ell/\partial y = -\max(\log p, -100) + \max(\log(1 - p), -100)`: finite everywhere.
    PyTorch's backward is :math:`(p - y)/\max(p(1 - p), 10^{-12})` (of order 1e12 here) and its target
    gradient uses the unclamped logs (infinite here).
    """
    arrays = {"input": np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]), "target": np.array(EDGE_TARGETS * 2)}
    p, y = arrays["input"], arrays["target"]
    grads = ("input", "target")
    kwargs = {"reduction": "sum"}
    _, ours = evaluate(torch_compat.binary_cross_entropy, arrays, torch.float64, grads, **kwargs)
    _, theirs = evaluate(F.binary_cross_entropy, arrays, torch.float64, grads, **kwargs)
    cotangent = float(np.random.default_rng(99).normal())  # the scalar cotangent ``evaluate`` uses

    with np.errstate(divide="ignore"):
        log_p, log_1mp = np.maximum(np.log(p), -100.0), np.maximum(np.log1p(-p), -100.0)
        slope_p = np.where(np.log(p) > -100.0, np.divide(1.0, p, where=p > 0, out=np.zeros_like(p)), 0.0)
        slope_1mp = np.where(
            np.log1p(-p) > -100.0, np.divide(1.0, 1 - p, where=p < 1, out=np.zeros_like(p)), 0.0
        )
    clamped_input_gradient = cotangent * (-y * slope_p + (1 - y) * slope_1mp)
    clamped_target_gradient = cotangent * (-log_p + log_1mp)
    pytorch_epsilon = float(np.float32(1e-12))  # ATen's EPSILON is a C float: 9.9999998e-13
    pytorch_input_gradient = cotangent * (p - y) / np.maximum(p * (1 - p), pytorch_epsilon)

    assert np.all(np.isfinite(as_numpy(ours["input"]))) and np.all(np.isfinite(as_numpy(ours["target"])))
    assert_close(ours["input"], clamped_input_gradient, rtol=1e-15, what="lossbook's input gradient")
    assert_close(ours["target"], clamped_target_gradient, rtol=1e-15, what="lossbook's target gradient")
    assert_close(theirs["input"], pytorch_input_gradient, rtol=1e-15, what="PyTorch's input gradient")
    assert np.all(np.isinf(as_numpy(theirs["target"])))
    assert not np.any(np.isclose(as_numpy(ours["input"]), as_numpy(theirs["input"]))), (
        "lossbook and PyTorch were expected to differ at every one of these points"
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [None, (0.5, 1.0, 3.0)], ids=["no pos_weight", "pos_weight"])
def test_bce_with_logits_matches_pytorch_at_large_logits_up_to_pytorchs_cancellation(
    pos_weight, reduction, dtype
):
    """Logits of ±100, ±60, ±40, ±36, ±20, ±1 and 0 against targets 0, 1/2 and 1: relative parity plus
    PyTorch's absolute error bound (``pytorch_value_atol``), because for ``x = -100, y = 0`` PyTorch
    returns 0 where the loss is 3.7e-44, and at ``x = -20`` it keeps only 7 of 16 digits."""
    arrays = edge_grid(EDGE_LOGITS) | ({} if pos_weight is None else {"pos_weight": np.array(pos_weight)})
    assert_matches_pytorch("binary_cross_entropy_with_logits", arrays, dtype, reduction)


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------

PROBABILITY_LOSSES = of_layer(BINARY_PROBABILITY_LOSSES, "torch_compat")
ALL_LOSSES = of_layer(BINARY_LOSSES, "torch_compat")




BCE, BCE_WITH_LOGITS = torch_compat.binary_cross_entropy, torch_compat.binary_cross_entropy_with_logits

ENLARGING_WEIGHTS = [
    pytest.param(BCE, HALF, "weight", (2, 3), id="binary_cross_entropy weight with an extra axis"),
    pytest.param(BCE, HALF, "weight", (4,), id="binary_cross_entropy weight too long"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "weight", (2, 3), id="with_logits weight with an extra axis"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "weight", (4,), id="with_logits weight too long"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "pos_weight", (4,), id="with_logits pos_weight too long"),
]
"""Weights that PyTorch would broadcast into a larger result than the input (predictions of shape (3,))."""


@pytest.mark.parametrize(("function", "prediction", "keyword", "shape"), ENLARGING_WEIGHTS)
def test_weight_or_pos_weight_that_would_enlarge_the_result_is_a_value_error(
    function, prediction, keyword, shape
):
    with pytest.raises(
        ValueError,
        match=rf"`{keyword}`: expected a shape that broadcasts to input.shape=\(3,\) without enlarging it; "
        + re.escape(f"received {keyword}.shape={shape}"),
    ):
        function(prediction, HALF, **{keyword: np.ones(shape)})


# --------------------------------------------------------------------------------------------------
# The wrong-helper warning
# --------------------------------------------------------------------------------------------------


def test_logit_loss_given_probabilities_warns_and_still_returns_the_loss():
    with pytest.warns(
        LikelyMistakeWarning, match=r"`input`: every value lies in \[0, 1\].*use binary_cross_entropy"
    ):
        result = torch_compat.binary_cross_entropy_with_logits(PROBABILITIES, TARGETS)
    expected = F.binary_cross_entropy_with_logits(torch.from_numpy(PROBABILITIES), torch.from_numpy(TARGETS))
    assert_close(result, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "logits",
    [np.array([0.5]), np.array([-0.5, 0.5, 0.9])],
    ids=["a single logit in [0, 1]", "one logit outside [0, 1]"],
)
def test_logits_that_need_not_be_probabilities_do_not_warn(logits):
    """pytest turns LikelyMistakeWarning into an error (pyproject.toml), so returning is the test."""
    target = np.full(logits.shape, 0.5)
    torch_compat.binary_cross_entropy_with_logits(logits, target)
