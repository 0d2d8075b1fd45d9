"""Parity of ``torch_compat.mse_loss``, ``l1_loss``, ``huber_loss``, ``smooth_l1_loss``,
``poisson_nll_loss`` and ``gaussian_nll_loss`` with ``torch.nn.functional``; their bad-input errors.

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

import math
import re
import warnings

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
    "huber_loss": (torch_compat.huber_loss, F.huber_loss),
    "smooth_l1_loss": (torch_compat.smooth_l1_loss, F.smooth_l1_loss),
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
    "huber_loss": lambda: regression_arrays((4, 3), seed=43, weighted=True),
    "smooth_l1_loss": lambda: regression_arrays((4, 3), seed=44),
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



# --------------------------------------------------------------------------------------------------
# Huber and smooth L1
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("delta", [1.0, 0.5, 2.5, math.inf])
def test_huber_loss_matches_pytorch_for_every_delta_reduction_and_weight(delta, weighted, reduction, dtype):
    """Errors of scale 2 fall on both pieces; gradients w.r.t. input, target and weight."""
    ours, theirs = LOSSES["huber_loss"]
    arrays = regression_arrays((5, 4), seed=50, weighted=weighted)
    kwargs = {"reduction": reduction, "delta": delta}
    assert_parity(
        evaluate(ours, arrays, dtype, tuple(arrays), **kwargs),
        evaluate(theirs, arrays, dtype, tuple(arrays), **kwargs),
        dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", TORCH_SHAPES, ids=str)
@pytest.mark.parametrize("name", ["huber_loss", "smooth_l1_loss"])
def test_huber_and_smooth_l1_loss_match_pytorch_for_every_shape(name, shape, reduction):
    ours, theirs = LOSSES[name]
    arrays = regression_arrays(shape, seed=51 + len(shape))
    assert_parity(
        evaluate(ours, arrays, torch.float64, tuple(arrays), reduction=reduction),
        evaluate(theirs, arrays, torch.float64, tuple(arrays), reduction=reduction),
        torch.float64,
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.0, 0.5, 3.0])
def test_smooth_l1_loss_matches_pytorch_for_every_beta_and_reduction(beta, reduction, dtype):
    """``beta = 0`` is ``l1_loss`` in both (PyTorch dispatches to it, lossbook to the absolute error)."""
    ours, theirs = LOSSES["smooth_l1_loss"]
    arrays = regression_arrays((5, 4), seed=52)
    kwargs = {"reduction": reduction, "beta": beta}
    assert_parity(
        evaluate(ours, arrays, dtype, tuple(arrays), **kwargs),
        evaluate(theirs, arrays, dtype, tuple(arrays), **kwargs),
        dtype,
    )


@pytest.mark.parametrize("name", ["huber_loss", "smooth_l1_loss"])
def test_huber_and_smooth_l1_gradients_at_the_kinks_and_ties_equal_pytorchs(name):
    """At |e| = delta (or beta) both pieces have the same slope; at e = 0 the gradient is 0."""
    ours, theirs = LOSSES[name]
    arrays = {"input": np.array([1.0, -1.0, 0.0, 2.5, 0.5]), "target": np.array([0.0, 0.0, 0.0, 2.5, 1.5])}
    grads = ("input", "target")
    assert_parity(
        evaluate(ours, arrays, torch.float64, grads, reduction="sum"),
        evaluate(theirs, arrays, torch.float64, grads, reduction="sum"),
        torch.float64,
    )


def test_huber_loss_weighted_mean_divides_by_the_number_of_elements_unlike_mse_loss():
    """PyTorch's two conventions side by side: ``huber_loss(weight=w)`` averages w * loss over the N
    elements; ``mse_loss(weight=w)`` divides by sum(w). With errors inside delta, huber = mse / 2."""
    input, target, weight = np.array([0.1, 0.2, 0.3]), np.zeros(3), np.array([1.0, 2.0, 5.0])
    huber = torch_compat.huber_loss(input, target, weight=weight)
    mse = torch_compat.mse_loss(input, target, weight=weight)
    assert_close(huber, np.sum(weight * input**2 / 2) / 3, rtol=1e-15)
    assert_close(mse, np.sum(weight * input**2) / np.sum(weight), rtol=1e-15)


def test_smooth_l1_legacy_flags_select_the_same_reduction_as_pytorch():
    arrays = regression_arrays((3, 2), seed=53)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = F.smooth_l1_loss(*map(torch.from_numpy, arrays.values()), size_average=False)
    with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
        result = torch_compat.smooth_l1_loss(*arrays.values(), size_average=False)
    assert_close(result, expected, rtol=1e-15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: torch_compat.huber_loss(LOGITS, HALF, delta=-1.0), "received -1.0"),
        (lambda: torch_compat.huber_loss(LOGITS, HALF, delta=0.0), "received 0.0"),
        (
            lambda: torch_compat.smooth_l1_loss(LOGITS, HALF, beta=-0.5),
            "expected a number in [0, inf], received -0.5",
        ),
    ],
    ids=["huber delta < 0", "huber delta = 0", "smooth_l1 beta < 0"],
)
def test_non_positive_delta_and_negative_beta_are_value_errors_as_in_pytorch(call, message):
    """PyTorch raises RuntimeError ("huber_loss does not support non-positive values for delta",
    "smooth_l1_loss does not support negative values for beta"); lossbook a ValueError naming the argument."""
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
    with pytest.raises(RuntimeError, match="does not support"):
        F.huber_loss(torch.zeros(2), torch.zeros(2), delta=0.0)
    with pytest.raises(RuntimeError, match="does not support negative values for beta"):
        F.smooth_l1_loss(torch.zeros(2), torch.zeros(2), beta=-0.5)


def test_huber_weight_of_another_shape_and_mismatched_pairs_are_value_errors():
    with pytest.raises(ValueError, match=re.escape("`input` and `weight` must have the same shape")):
        torch_compat.huber_loss(LOGITS, HALF, weight=np.ones(4))
    for function in (torch_compat.huber_loss, torch_compat.smooth_l1_loss):
        with pytest.raises(ValueError, match=re.escape("`input` and `target` must have the same shape")):
            function(LOGITS[:, None], HALF)


# --------------------------------------------------------------------------------------------------
# Gaussian negative log-likelihood
# --------------------------------------------------------------------------------------------------

GAUSSIAN_CASES = {  # input shape -> variance shape (or a Python float)
    "same shape (4, 3)": ((4, 3), (4, 3)),
    "one per row (4,) for (4, 3)": ((4, 3), (4,)),
    "one per row (4, 1)": ((4, 3), (4, 1)),
    "shared along axis 0 (1, 3)": ((4, 3), (1, 3)),
    "(2, 3) for (2, 3, 4)": ((2, 3, 4), (2, 3)),
    "shared along axis 1 (2, 1, 4)": ((2, 3, 4), (2, 1, 4)),
    "0-d for (5,)": ((5,), ()),
    "(1,) for (5,)": ((5,), (1,)),
    "Python float": ((4, 3), 0.7),
}


def gaussian_arrays(shape, var_shape, seed, tiny=False):
    """Means and targets of scale 2, variances in [0.05, 3] (with ``tiny``, some below eps = 1e-6)."""
    rng = np.random.default_rng(seed)
    arrays = {"input": rng.normal(scale=2.0, size=shape), "target": rng.normal(scale=2.0, size=shape)}
    if isinstance(var_shape, tuple):
        var = rng.uniform(0.05, 3.0, size=var_shape)
        if tiny:
            var.reshape(-1)[::2] = np.resize([1e-9, 0.0, 5e-7, 1e-6], var.reshape(-1)[::2].size)
        arrays["var"] = var
    return arrays


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True], ids=["full=False", "full=True"])
@pytest.mark.parametrize("case", GAUSSIAN_CASES)
def test_gaussian_nll_loss_matches_pytorch_for_every_variance_shape(case, full, reduction):
    """Values and gradients w.r.t. input, target and var (float64)."""
    shape, var_shape = GAUSSIAN_CASES[case]
    arrays = gaussian_arrays(shape, var_shape, seed=60)
    var = {} if "var" in arrays else {"var": var_shape}
    kwargs = {"full": full, "reduction": reduction, **var}
    assert_parity(
        evaluate(torch_compat.gaussian_nll_loss, arrays, torch.float64, tuple(arrays), **kwargs),
        evaluate(F.gaussian_nll_loss, arrays, torch.float64, tuple(arrays), **kwargs),
        torch.float64,
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("eps", [1e-6, 1e-3])
def test_gaussian_nll_loss_floors_small_variances_at_eps_and_keeps_their_gradient_like_pytorch(eps, dtype):
    """Variances of 0, 1e-9, 5e-7 and 1e-6 are raised to eps; the gradient w.r.t. var still reaches
    them (PyTorch clamps a clone under no_grad), evaluated at eps: (eps - e^2) / (2 eps^2)."""
    arrays = gaussian_arrays((4, 3), (4, 3), seed=61, tiny=True)
    mine = evaluate(torch_compat.gaussian_nll_loss, arrays, dtype, tuple(arrays), eps=eps, reduction="none")
    theirs = evaluate(F.gaussian_nll_loss, arrays, dtype, tuple(arrays), eps=eps, reduction="none")
    assert_parity(mine, theirs, dtype)
    floored = arrays["var"] < eps
    assert np.all(as_numpy(mine[1]["var"])[floored] != 0)


def test_gaussian_nll_loss_with_numpy_input_gives_numpy_and_pytorchs_value():
    arrays = gaussian_arrays((4, 3), (4, 1), seed=62)
    result = torch_compat.gaussian_nll_loss(**arrays, full=True)
    assert_same_kind(result, arrays["input"])
    expected = F.gaussian_nll_loss(**{k: torch.from_numpy(v) for k, v in arrays.items()}, full=True)
    assert_close(result, expected, rtol=TORCH_RTOL[torch.float64])


@pytest.mark.parametrize(
    ("input_shape", "var_shape"),
    [((4, 3), (1, 1)), ((4, 3), ()), ((4, 3), (3,)), ((4, 3), (4, 3, 1)), ((2, 3, 4), (2, 1, 1))],
    ids=str,
)
def test_gaussian_variance_shapes_pytorch_refuses_are_value_errors(input_shape, var_shape):
    """Even shapes that would broadcast ((1, 1) or a 0-d variance against (4, 3)) are refused: PyTorch
    allows exactly one axis of length 1 in place of the input's."""
    input, var = np.zeros(input_shape), np.ones(var_shape)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(torch.from_numpy(input), torch.from_numpy(input), torch.from_numpy(var))
    with pytest.raises(
        ValueError,
        match=re.escape(f"argument `var`: expected the shape of input {input_shape}, that shape without")
        + ".*"
        + re.escape(f"received var.shape={var_shape}"),
    ):
        torch_compat.gaussian_nll_loss(input, input, var)


@pytest.mark.parametrize(
    ("var", "error", "message"),
    [
        (
            np.array([1.0, -0.5, 2.0]),
            ValueError,
            "argument `var`: expected values in [0, inf], received values from -0.5 to 2. "
            "A variance cannot be negative",
        ),
        (-1.0, ValueError, "argument `var`: expected a number in [0, inf], received -1.0"),
        (np.array([1.0, np.nan, 2.0]), ValueError, "argument `var`: expected no NaN values, received 1 NaN"),
        (1, TypeError, "argument `var`: expected an array of variances or a Python float, received 1"),
        (np.ones(3, dtype=F32), TypeError, "arguments `input` and `var` must have the same dtype"),
    ],
    ids=["negative entry", "negative float", "NaN", "int", "float32 var"],
)
def test_bad_gaussian_variances_are_clear_errors(var, error, message):
    """PyTorch: "var has negative entry/entries" for the first two; a NaN variance passes its check and
    gives a NaN loss; an int fails inside torch.any with a TypeError about its arguments."""
    with pytest.raises(error, match=re.escape(message)):
        torch_compat.gaussian_nll_loss(LOGITS, HALF, var)


def test_pytorchs_own_errors_for_negative_variances():
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(torch.zeros(3), torch.zeros(3), torch.tensor([1.0, -0.5, 2.0]))
    with pytest.raises(TypeError):
        F.gaussian_nll_loss(torch.zeros(3), torch.zeros(3), 1)


def test_gaussian_input_and_target_of_different_shapes_are_a_value_error_where_pytorch_broadcasts():
    """PyTorch computes (input - target)**2 with broadcasting and no warning: (4, 3) against (3,) runs."""
    assert F.gaussian_nll_loss(torch.zeros(4, 3), torch.zeros(3), 1.0, reduction="none").shape == (4, 3)
    with pytest.raises(ValueError, match=re.escape("`input` and `target` must have the same shape")):
        torch_compat.gaussian_nll_loss(np.zeros((4, 3)), np.zeros(3), 1.0)


def test_gaussian_unknown_reduction_is_a_value_error():
    with pytest.raises(ValueError, match=re.escape("argument `reduction`: expected one of")):
        torch_compat.gaussian_nll_loss(LOGITS, HALF, 1.0, reduction="avg")


def test_poisson_nll_loss_of_a_zero_count_at_a_zero_rate_is_its_limit_0_where_pytorch_gives_nan():
    """exp(-inf) - 0 * (-inf): PyTorch multiplies 0 by -inf (NaN); lossbook takes the limit, 0."""
    log_rate = torch.tensor([-math.inf, 0.0], dtype=torch.float64)
    counts = torch.tensor([0.0, 2.0], dtype=torch.float64)
    ours = torch_compat.poisson_nll_loss(log_rate, counts, reduction="none")
    theirs = F.poisson_nll_loss(log_rate, counts, reduction="none")
    assert ours[0] == 0.0 and torch.isnan(theirs[0])
    assert ours[1] == theirs[1]
