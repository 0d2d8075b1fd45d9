"""Parity of ``torch_compat.mse_loss``, ``l1_loss`` and ``poisson_nll_loss`` with ``torch.nn.functional``;
their bad-input errors.

Contract (DESIGN.md, "Parity"): values and autograd gradients equal PyTorch's within 1e-9 relative in
float64 (2e-6 in float32), for every reduction and keyword (``weight`` of the regression losses;
``log_input``, ``full`` and ``eps`` of the Poisson loss), for NumPy and torch input. Gradients are
vector-Jacobian products with a random cotangent, compared with the normwise bound of
parity.assert_parity; they are taken w.r.t. every floating argument, ``weight`` included (PyTorch's
weighted regression losses are composite, so autograd differentiates them too). The legacy flags are
tested with every loss in test_reduction_torch.

One documented difference: with ``full=True`` PyTorch's gradient w.r.t. a target of 0 is NaN (its
Stirling term ``y log y`` is masked after it is computed, and 0 times the infinite ``log 0 + 1`` stays
in the backward); lossbook differentiates the formula, in which that term is 0 for every ``y <= 1``.
Target gradients are compared where ``y > 0`` and the difference at ``y = 0`` has its own test.

Bad input gets a clear error: which argument, what was expected, what was received.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind
from parity import (
    DTYPES,
    F32,
    HALF,
    LOGITS,
    REDUCTIONS,
    TORCH_RTOL,
    TORCH_SHAPES,
    assert_parity,
    count_arrays,
    evaluate,
    parameters,
    regression_arrays,
)

from lossbook import torch_compat

LOSSES = {
    "mse_loss": (torch_compat.mse_loss, F.mse_loss),
    "l1_loss": (torch_compat.l1_loss, F.l1_loss),
    "poisson_nll_loss": (torch_compat.poisson_nll_loss, F.poisson_nll_loss),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", TORCH_SHAPES, ids=str)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_mse_and_l1_loss_match_pytorch_with_and_without_weight(name, shape, weighted, reduction, dtype):
    """With ``weight`` the mean is the weighted mean ``sum(w e) / sum(w)`` (PyTorch 2.x)."""
    ours, theirs = LOSSES[name]
    arrays = regression_arrays(shape, seed=len(shape), weighted=weighted)
    grads = tuple(arrays)
    assert_parity(
        evaluate(ours, arrays, dtype, grads, reduction=reduction),
        evaluate(theirs, arrays, dtype, grads, reduction=reduction),
        dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_l1_loss_gradient_at_a_tie_is_0_like_pytorch(reduction):
    """Where the prediction equals the target, ``|x - y|`` has no derivative; both use sign(0) = 0."""
    arrays = {"input": np.array([1.5, -2.0, 0.0, 3.0]), "target": np.array([1.5, -1.0, 0.0, 3.0])}
    ours, theirs = LOSSES["l1_loss"]
    mine = evaluate(ours, arrays, torch.float64, ("input", "target"), reduction=reduction)
    reference = evaluate(theirs, arrays, torch.float64, ("input", "target"), reduction=reduction)
    assert_parity(mine, reference, torch.float64)
    assert np.all(as_numpy(mine[1]["input"])[[0, 2, 3]] == 0.0)


def assert_poisson_matches_pytorch(arrays, dtype, reduction, **kwargs) -> None:
    """Values and the input gradient everywhere; the target gradient where ``y > 0`` (see the module
    docstring)."""
    ours, theirs = LOSSES["poisson_nll_loss"]
    grads = ("input", "target")
    assert_parity(
        evaluate(ours, arrays, dtype, grads, reduction=reduction, **kwargs),
        evaluate(theirs, arrays, dtype, grads, reduction=reduction, **kwargs),
        dtype,
        mask={"target": arrays["target"] > 0},
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True], ids=["full=False", "full=True"])
@pytest.mark.parametrize("log_input", [True, False], ids=["log_input=True", "log_input=False"])
@pytest.mark.parametrize("shape", [(), (7,), (4, 3)], ids=str)
def test_poisson_nll_loss_matches_pytorch_for_log_input_and_full(shape, log_input, full, reduction, dtype):
    """Counts include 0 and 1 (where ``full`` adds nothing) and larger values (where it adds Stirling's
    term); with ``log_input=False`` one rate is exactly 0, where the loss is ``-y log(eps)``."""
    arrays = count_arrays(shape, seed=len(shape) + 2 * log_input, log_input=log_input)
    assert_poisson_matches_pytorch(arrays, dtype, reduction, log_input=log_input, full=full)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True], ids=["full=False", "full=True"])
@pytest.mark.parametrize("eps", [1e-3, 0.5])
def test_poisson_nll_loss_matches_pytorch_with_a_custom_eps_at_zero_rates_and_counts(eps, full, reduction):
    """``eps`` only enters ``log(input + eps)`` with ``log_input=False``: rates of exactly 0 against counts
    of 0, 1 and 5 give ``-y log(eps)``, and zero counts give the rate."""
    rates, counts = np.meshgrid([0.0, 1e-9, 0.5, 3.0], [0.0, 1.0, 5.0], indexing="ij")
    arrays = {"input": rates, "target": counts}
    assert_poisson_matches_pytorch(arrays, torch.float64, reduction, log_input=False, full=full, eps=eps)
    counts = np.array([0.0, 1.0, 5.0])
    at_zero = torch_compat.poisson_nll_loss(np.zeros(3), counts, log_input=False, eps=eps, reduction="none")
    assert_close(at_zero, -counts * np.log(eps), rtol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("full", [False, True], ids=["full=False", "full=True"])
def test_poisson_nll_loss_matches_pytorch_at_large_log_rates_and_zero_counts(full, dtype):
    """Log-rates from -60 to 60 (rates from 1e-26 to 1e26) against counts 0, 1 and 1000."""
    log_rates, counts = np.meshgrid([-60.0, -20.0, 0.0, 20.0, 60.0], [0.0, 1.0, 1000.0], indexing="ij")
    arrays = {"input": log_rates, "target": counts}
    for reduction in REDUCTIONS:
        assert_poisson_matches_pytorch(arrays, dtype, reduction, full=full)


@pytest.mark.parametrize("log_input", [True, False], ids=["log_input=True", "log_input=False"])
def test_poisson_target_gradient_at_zero_counts_with_full_is_finite_where_pytorchs_is_nan(log_input):
    """The documented difference: the Stirling term is 0 for ``y <= 1``, so with ``full=True`` the target
    gradient at ``y = 0`` is that of ``full=False`` (``-x`` or ``-log(x + eps)``). PyTorch's is NaN."""
    arrays = {"input": np.array([0.5, 2.0, 0.0]), "target": np.array([0.0, 0.0, 3.0])}
    kwargs = {"log_input": log_input, "reduction": "sum"}
    ours = torch_compat.poisson_nll_loss
    _, full = evaluate(ours, arrays, torch.float64, ("target",), full=True, **kwargs)
    _, plain = evaluate(ours, arrays, torch.float64, ("target",), full=False, **kwargs)
    _, pytorch = evaluate(F.poisson_nll_loss, arrays, torch.float64, ("target",), full=True, **kwargs)
    assert_close(as_numpy(full["target"])[:2], as_numpy(plain["target"])[:2], rtol=0.0)
    assert np.all(np.isnan(as_numpy(pytorch["target"])[:2]))


# --------------------------------------------------------------------------------------------------
# Array kinds and signatures
# --------------------------------------------------------------------------------------------------

KIND_CASES = {
    "mse_loss": lambda: regression_arrays((4, 3), seed=40, weighted=True),
    "l1_loss": lambda: regression_arrays((4, 3), seed=41, weighted=True),
    "poisson_nll_loss": lambda: count_arrays((4, 3), seed=42, log_input=True),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_numpy_input_gives_a_numpy_result_equal_to_pytorchs_value(name, reduction):
    ours, theirs = LOSSES[name]
    arrays = KIND_CASES[name]()
    result = ours(**arrays, reduction=reduction)
    assert_same_kind(result, arrays["input"])
    expected = theirs(**{key: torch.from_numpy(value) for key, value in arrays.items()}, reduction=reduction)
    assert_close(result, expected, rtol=TORCH_RTOL[torch.float64])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", LOSSES)
def test_torch_input_gives_a_torch_result_of_the_same_dtype(name, dtype):
    ours, _ = LOSSES[name]
    tensors = {key: torch.tensor(value, dtype=dtype) for key, value in KIND_CASES[name]().items()}
    for reduction in REDUCTIONS:
        assert_same_kind(ours(**tensors, reduction=reduction), tensors["input"])


REGRESSION_FUNCTIONS = [
    name for name in torch_compat.regression.__all__ if callable(getattr(torch_compat, name))
]


@pytest.mark.parametrize("name", REGRESSION_FUNCTIONS)
def test_every_function_has_pytorchs_parameters_in_order_with_pytorchs_defaults(name):
    """Same names, order and defaults as ``torch.nn.functional.<name>``, so a call written for PyTorch
    (positional arguments included) runs unchanged."""

    assert parameters(getattr(torch_compat, name)) == parameters(getattr(F, name))


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight_shape", [(4,), (3, 1)], ids=str)
@pytest.mark.parametrize("function", [torch_compat.mse_loss, torch_compat.l1_loss])
def test_regression_weight_of_another_shape_than_the_input_is_a_value_error(function, weight_shape):
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`input` and `weight` must have the same shape; received input.shape=(3,) and "
            f"weight.shape={weight_shape}"
        ),
    ):
        function(LOGITS, HALF, weight=np.ones(weight_shape))


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        pytest.param(
            lambda rate, count: torch_compat.poisson_nll_loss(rate, count), "target", id="poisson_nll_loss"
        ),
        pytest.param(
            lambda rate, count: torch_compat.poisson_nll_loss(rate, count, log_input=False),
            "target",
            id="poisson_nll_loss log_input=False",
        ),
    ],
)
def test_negative_counts_in_poisson_losses_are_a_value_error(call, argument):
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`{argument}`: expected values in [0, inf], received values from -1 to 3. "
            "Poisson targets are counts"
        ),
    ):
        call(np.array([0.5, 0.5, 2.0], dtype=F32), np.array([-1.0, 1.0, 3.0], dtype=F32))


def test_negative_log_rates_are_fine_with_log_input_true():
    """With the default ``log_input=True`` the input is a log-rate: any real number."""
    torch_compat.poisson_nll_loss(np.array([-3.0, 0.0, 2.0]), np.array([0.0, 1.0, 3.0]))
