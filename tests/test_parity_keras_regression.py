"""Parity of keras_compat's regression losses with Keras 3 (torch backend): ``mean_squared_error``,
``mean_absolute_error``, ``poisson`` and their classes.

Tolerances, as in test_parity_keras: 2e-5 relative against Keras, in float32 and in float64 (Keras 3.15
computes some float64 results in float32); lossbook's results are also checked against the exact formula
evaluated in float64 NumPy, to a few float32 ulps (8) or, in float64, to 1e-13 relative.

The squared and absolute errors are sums of non-negative terms, computed to a few ulps of themselves.
The Poisson loss ``x - y log(x + 1e-7)`` is a difference: where its two terms nearly cancel, any
implementation keeps only a few ulps of the terms, so ``poisson_atol`` (8 ulps of ``|x| + |y log x|``,
averaged like the loss) is allowed on top of the relative tolerance.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
from _helpers import assert_close, assert_same_kind
from test_parity_keras import RTOL, SAMPLE_WEIGHTS, assert_class_matches_keras, keras_value

from lossbook import keras_compat

N, T, C = 6, 4, 3
SHAPES = [(N,), (N, 1), (N, C), (N, T, C)]
FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "poisson"]
CLASSES = {
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "poisson": "Poisson",
}


def random_pair(name: str, shape, seed: int, dtype="float32"):
    """Targets and predictions of scale 2; for ``poisson`` counts from a Poisson(2) and rates in [0, 4]
    (the first one exactly 0, where the loss is ``-y log(1e-7)``)."""
    rng = np.random.default_rng(seed)
    if name == "poisson":
        y_true = rng.poisson(2.0, size=shape).astype(np.float64)
        y_pred = rng.uniform(0.0, 4.0, size=shape)
        y_pred.reshape(-1)[0] = 0.0
    else:
        y_true, y_pred = rng.normal(scale=2.0, size=shape), rng.normal(scale=2.0, size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def exact(name: str, y_true, y_pred) -> np.ndarray:
    """The textbook formula in float64, averaged over the last axis."""
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    elementwise = {
        "mean_squared_error": lambda: (y - x) ** 2,
        "mean_absolute_error": lambda: np.abs(y - x),
        "poisson": lambda: x - y * np.log(x + 1e-7),
    }[name]()
    return np.mean(elementwise, axis=-1)


def poisson_atol(name: str, y_true, y_pred, dtype="float32"):
    """8 ulps of the Poisson loss's terms per sample (see the module docstring); 0 for the other losses."""
    if name != "poisson":
        return 0.0
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    terms = np.abs(x) + np.abs(y * np.log(x + 1e-7))
    return 8 * float(np.finfo(dtype).eps) * np.mean(terms, axis=-1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_function_matches_keras_and_the_exact_formula(name, shape, dtype):
    """The mean over the last axis: one value per sample, (N,) giving one scalar."""
    y_true, y_pred = random_pair(name, shape, seed=len(shape), dtype=dtype)
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred))
    assert_close(result, expected, rtol=RTOL, atol=poisson_atol(name, y_true, y_pred))
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype]
    atol = poisson_atol(name, y_true, y_pred, dtype)
    assert_close(
        result, exact(name, y_true, y_pred), rtol=rtol, atol=atol, what="values against the exact formula"
    )


@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error"])
def test_squared_and_absolute_error_apply_keras_rank_fix_to_n_against_n_by_1(name, swap):
    """Keras aligns (N,) with (N, 1) instead of broadcasting them to (N, N): one loss per sample."""
    y_true, y_pred = random_pair(name, (N, 1), seed=7)
    if swap:
        y_pred = y_pred[:, 0]
    else:
        y_true = y_true[:, 0]
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_close(result, keras_value(getattr(keras.losses, name)(y_true, y_pred)), rtol=RTOL)
    assert np.shape(result) == (N,)


@pytest.mark.parametrize("kind", ["torch", "Python list"])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_functions_take_torch_tensors_and_python_lists_like_keras(name, kind):
    """Torch tensors give a tensor; Python lists are taken as float32 (Keras's floatx) and give NumPy."""
    y_true, y_pred = random_pair(name, (N, C), seed=8)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred))
    if kind == "torch":
        y_true, y_pred = torch.from_numpy(y_true), torch.from_numpy(y_pred)
        like = y_pred
    else:
        y_true, y_pred, like = y_true.tolist(), y_pred.tolist(), y_pred
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, like)
    assert_close(result, expected, rtol=RTOL, atol=poisson_atol(name, y_true, y_pred))


def test_poisson_at_zero_rates_and_zero_counts_matches_keras():
    """A rate of 0 costs ``-y log(1e-7)`` (16.1 per count); a count of 0 costs the rate."""
    rates, counts = np.meshgrid([0.0, 1e-7, 0.5, 3.0], [0.0, 1.0, 4.0], indexing="ij")
    y_true, y_pred = counts.reshape(-1, 1).astype("float32"), rates.reshape(-1, 1).astype("float32")
    result = keras_compat.poisson(y_true, y_pred)
    atol = poisson_atol("poisson", y_true, y_pred)
    assert_close(result, keras_value(keras.losses.poisson(y_true, y_pred)), rtol=RTOL, atol=atol)
    assert_close(
        result, exact("poisson", y_true, y_pred), rtol=8 * float(np.finfo(np.float32).eps), atol=atol
    )


# --------------------------------------------------------------------------------------------------
# The classes: reductions and sample weights
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", SAMPLE_WEIGHTS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_match_keras_for_every_reduction_and_sample_weight(name, sample_weight, reduction):
    y_true, y_pred = random_pair(name, (N, C), seed=20)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(21), (N,))
    assert_class_matches_keras(
        y_true,
        y_pred,
        weight,
        loss=CLASSES[name],
        per_sample_atol=poisson_atol(name, y_true, y_pred),
        reduction=reduction,
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    ("shape", "sample_weight"),
    [
        ((N,), "NumPy scalar"),
        ((N, T, C), "no sample_weight"),
        ((N, T, C), "per sample (N, 1)"),
        ((N, T, C), "full shape of the losses"),
    ],
    ids=["(N,) scalar weight", "(N, T, C)", "(N, T, C) weight (N, 1)", "(N, T, C) weight (N, T)"],
)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_match_keras_for_other_input_shapes(name, shape, sample_weight, reduction):
    """(N,) gives one scalar loss, which no reduction changes; (N, T, C) per-step losses of shape (N, T)."""
    y_true, y_pred = random_pair(name, shape, seed=22)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(23), shape[:-1])
    assert_class_matches_keras(
        y_true,
        y_pred,
        weight,
        loss=CLASSES[name],
        per_sample_atol=poisson_atol(name, y_true, y_pred),
        reduction=reduction,
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_apply_keras_rank_fix_to_n_against_n_by_1(name, swap, reduction):
    y_true, y_pred = random_pair(name, (N, 1), seed=24)
    if swap:
        y_pred = y_pred[:, 0]
    else:
        y_true = y_true[:, 0]
    weight = SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(25), (N,))
    assert_class_matches_keras(
        y_true,
        y_pred,
        weight,
        loss=CLASSES[name],
        per_sample_atol=poisson_atol(name, y_true, y_pred),
        reduction=reduction,
    )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_with_torch_input_return_a_tensor_equal_to_keras(name):
    y_true, y_pred = (torch.from_numpy(a) for a in random_pair(name, (N, C), seed=26))
    weight = torch.from_numpy(SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(27), (N,)))
    for reduction in keras_compat.REDUCTIONS:
        assert_class_matches_keras(
            y_true,
            y_pred,
            weight,
            loss=CLASSES[name],
            per_sample_atol=poisson_atol(name, y_true, y_pred),
            reduction=reduction,
        )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_in_float64_equal_the_exact_float64_formula(name):
    """``sum_over_batch_size`` with per-sample weights: the weighted sum over the number of samples."""
    y_true, y_pred = random_pair(name, (N, C), seed=28, dtype="float64")
    weight = np.random.default_rng(29).uniform(0.1, 2.0, size=N)
    result = getattr(keras_compat, CLASSES[name])(dtype="float64")(y_true, y_pred, sample_weight=weight)
    assert_same_kind(result, y_pred)
    atol = np.sum(weight * poisson_atol(name, y_true, y_pred, "float64")) / N
    assert_close(result, np.sum(weight * exact(name, y_true, y_pred)) / N, rtol=1e-13, atol=atol)
