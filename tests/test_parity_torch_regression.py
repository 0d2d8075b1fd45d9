"""Parity of ``torch_compat.mse_loss``, ``l1_loss`` and ``poisson_nll_loss`` with ``torch.nn.functional``.

Contract (DESIGN.md, "Parity"): values and autograd gradients equal PyTorch's within 1e-9 relative in
float64 (2e-6 in float32, as in test_parity_torch), for every reduction and keyword (``weight`` of the
regression losses; ``log_input``, ``full`` and ``eps`` of the Poisson loss), for NumPy and torch input.
Gradients are vector-Jacobian products with a random cotangent, compared with the normwise bound of
test_parity_torch; they are taken w.r.t. every floating argument, ``weight`` included (PyTorch's
weighted regression losses are composite, so autograd differentiates them too).

One documented difference: with ``full=True`` PyTorch's gradient w.r.t. a target of 0 is NaN (its
Stirling term ``y log y`` is masked after it is computed, and 0 times the infinite ``log 0 + 1`` stays
in the backward); lossbook differentiates the formula, in which that term is 0 for every ``y <= 1``.
Target gradients are compared where ``y > 0`` and the difference at ``y = 0`` has its own test.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind
from test_parity_torch import DTYPES, LEGACY_FLAGS, REDUCTIONS, RTOL, SHAPES, assert_parity, evaluate

from lossbook import torch_compat

LOSSES = {
    "mse_loss": (torch_compat.mse_loss, F.mse_loss),
    "l1_loss": (torch_compat.l1_loss, F.l1_loss),
    "poisson_nll_loss": (torch_compat.poisson_nll_loss, F.poisson_nll_loss),
}


def regression_arrays(shape, seed: int, weighted: bool = False) -> dict[str, np.ndarray]:
    """Predictions and targets of scale 2; optionally positive weights of the same shape."""
    rng = np.random.default_rng(seed)
    arrays = {"input": rng.normal(scale=2.0, size=shape), "target": rng.normal(scale=2.0, size=shape)}
    if weighted:
        arrays["weight"] = rng.uniform(0.2, 2.0, size=shape)
    return arrays


def count_arrays(shape, seed: int, log_input: bool) -> dict[str, np.ndarray]:
    """Counts from a Poisson(2) (zeros and ones included); log-rates of scale 1, or rates in [0, 4]
    with the first one exactly 0."""
    rng = np.random.default_rng(seed)
    target = rng.poisson(2.0, size=shape).astype(np.float64)
    if log_input:
        input = rng.normal(size=shape)
    else:
        input = rng.uniform(0.0, 4.0, size=shape)
        input.reshape(-1)[0] = 0.0
    return {"input": input, "target": target}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
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
# Array kinds and the legacy flags
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
    assert_close(result, expected, rtol=RTOL[torch.float64])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", LOSSES)
def test_torch_input_gives_a_torch_result_of_the_same_dtype(name, dtype):
    ours, _ = LOSSES[name]
    tensors = {key: torch.tensor(value, dtype=dtype) for key, value in KIND_CASES[name]().items()}
    for reduction in REDUCTIONS:
        assert_same_kind(ours(**tensors, reduction=reduction), tensors["input"])


@pytest.mark.parametrize(("size_average", "reduce"), LEGACY_FLAGS)
@pytest.mark.parametrize("name", LOSSES)
def test_legacy_size_average_and_reduce_flags_select_the_same_reduction_as_pytorch(
    name, size_average, reduce
):
    """As for the binary losses (test_parity_torch): the flags win over ``reduction``, with a
    DeprecationWarning from lossbook and a UserWarning from PyTorch."""
    ours, theirs = LOSSES[name]
    arrays = KIND_CASES[name]()
    flags = {"size_average": size_average, "reduce": reduce, "reduction": "none"}
    grads = ("input",)
    with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
        mine = evaluate(ours, arrays, torch.float64, grads, **flags)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        reference = evaluate(theirs, arrays, torch.float64, grads, **flags)
    reduction = LEGACY_FLAGS[size_average, reduce]
    assert_parity(mine, reference, torch.float64)
    assert_parity(mine, evaluate(ours, arrays, torch.float64, grads, reduction=reduction), torch.float64)
