"""Parity of keras_compat's regression losses with Keras 3 (torch backend): the functions
``mean_squared_error``, ``mean_absolute_error`` and ``poisson``, and Keras's rank fix in their classes;
their bad-input errors.

Tolerances, as for every Keras loss (parity.py): 2e-5 relative against Keras, in float32 and in float64
(Keras 3.15 computes some float64 results in float32); lossbook's results are also checked against the
exact formula evaluated in float64 NumPy, to a few float32 ulps (8) or, in float64, to 1e-13 relative.
What the classes do with the per-sample losses (reductions, sample weights, their dtype) is tested once
for every class in test_reduction_keras.

The squared and absolute errors are sums of non-negative terms, computed to a few ulps of themselves.
The Poisson loss ``x - y log(x + 1e-7)`` is a difference: where its two terms nearly cancel, any
implementation keeps only a few ulps of the terms, so ``poisson_atol`` (8 ulps of ``|x| + |y log x|``,
averaged like the loss) is allowed on top of the relative tolerance.
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
from _helpers import assert_close, assert_same_kind
from parity import (
    F32,
    KERAS_RTOL,
    KERAS_SHAPES,
    SAMPLE_WEIGHTS,
    C,
    N,
    as_input_kind,
    assert_class_matches_keras,
    exact_regression,
    keras_value,
    parameters,
    poisson_atol,
    regression_pair,
)

from lossbook import keras_compat

FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "poisson"]

CLASSES = {
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "poisson": "Poisson",
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", KERAS_SHAPES, ids=str)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_function_matches_keras_and_the_exact_formula(name, shape, dtype):
    """The mean over the last axis: one value per sample, (N,) giving one scalar."""
    y_true, y_pred = regression_pair(name, shape, seed=len(shape), dtype=dtype)
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=poisson_atol(name, y_true, y_pred))
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype]
    atol = poisson_atol(name, y_true, y_pred, dtype)
    assert_close(
        result,
        exact_regression(name, y_true, y_pred),
        rtol=rtol,
        atol=atol,
        what="values against the exact formula",
    )


@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error"])
def test_squared_and_absolute_error_apply_keras_rank_fix_to_n_against_n_by_1(name, swap):
    """Keras aligns (N,) with (N, 1) instead of broadcasting them to (N, N): one loss per sample."""
    y_true, y_pred = regression_pair(name, (N, 1), seed=7)
    if swap:
        y_pred = y_pred[:, 0]
    else:
        y_true = y_true[:, 0]
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_close(result, keras_value(getattr(keras.losses, name)(y_true, y_pred)), rtol=KERAS_RTOL)
    assert np.shape(result) == (N,)


@pytest.mark.parametrize("kind", ["torch", "Python list"])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_functions_take_torch_tensors_and_python_lists_like_keras(name, kind):
    """Torch tensors give a tensor; Python lists are taken as float32 (Keras's floatx) and give NumPy."""
    y_true, y_pred = regression_pair(name, (N, C), seed=8)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred))
    y_true, y_pred, like = as_input_kind(kind, y_true, y_pred)
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, like)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=poisson_atol(name, y_true, y_pred))


def test_poisson_at_zero_rates_and_zero_counts_matches_keras():
    """A rate of 0 costs ``-y log(1e-7)`` (16.1 per count); a count of 0 costs the rate."""
    rates, counts = np.meshgrid([0.0, 1e-7, 0.5, 3.0], [0.0, 1.0, 4.0], indexing="ij")
    y_true, y_pred = counts.reshape(-1, 1).astype("float32"), rates.reshape(-1, 1).astype("float32")
    result = keras_compat.poisson(y_true, y_pred)
    atol = poisson_atol("poisson", y_true, y_pred)
    assert_close(result, keras_value(keras.losses.poisson(y_true, y_pred)), rtol=KERAS_RTOL, atol=atol)
    assert_close(
        result,
        exact_regression("poisson", y_true, y_pred),
        rtol=8 * float(np.finfo(np.float32).eps),
        atol=atol,
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_regression_classes_apply_keras_rank_fix_to_n_against_n_by_1(name, swap, reduction):
    y_true, y_pred = regression_pair(name, (N, 1), seed=24)
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


# --------------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------------

KERAS_NAMES = [name for name in keras_compat.regression.__all__ if hasattr(keras.losses, name)]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_has_kerass_parameters_in_order_with_kerass_defaults(name):
    """Same names, order and defaults as ``keras.losses.<name>`` (the function, or the class's __init__),
    so a call written for Keras runs unchanged."""

    assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name))


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        pytest.param(lambda rate, count: keras_compat.poisson(count, rate), "y_true", id="poisson"),
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
