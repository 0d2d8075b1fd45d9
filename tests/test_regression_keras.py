"""Parity of keras_compat's regression losses with Keras 3 (torch backend): the functions
``mean_squared_error``, ``mean_absolute_error``, ``poisson``, ``huber``, ``log_cosh``,
``mean_absolute_percentage_error`` and ``mean_squared_logarithmic_error``, Keras's rank fix in their
classes, and (for the Part III classes, which test_reduction_keras does not list) every reduction and
kind of sample weight; their bad-input errors.

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
    T,
    as_input_kind,
    assert_class_matches_keras,
    exact_regression,
    keras_value,
    parameters,
    poisson_atol,
    regression_pair,
)

from lossbook import keras_compat
from lossbook import reference as mpref

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



# --------------------------------------------------------------------------------------------------
# Huber, log-cosh, the percentage and the logarithmic error
# --------------------------------------------------------------------------------------------------

EPS32 = float(np.finfo(np.float32).eps)
LOG2 = float(np.log(2.0))
PART_III = {  # case -> (function name, class name, keywords)
    "huber": ("huber", "Huber", {}),
    "huber delta=0.5": ("huber", "Huber", {"delta": 0.5}),
    "huber delta=3": ("huber", "Huber", {"delta": 3.0}),
    "log_cosh": ("log_cosh", "LogCosh", {}),
    "mape": ("mean_absolute_percentage_error", "MeanAbsolutePercentageError", {}),
    "msle": ("mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", {}),
}


def part_iii_pair(name, shape, seed, dtype="float32"):
    """Errors of scale 2 for Huber and log-cosh (both pieces of Huber); for MAPE targets of either sign
    with |y| in [0.5, 4] and one exactly 0 (divided by Keras's epsilon); for MSLE values in [-0.5, 4]
    with exact zeros and negatives (both replaced by epsilon)."""
    rng = np.random.default_rng(seed)
    y_pred = rng.normal(scale=2.0, size=shape)
    if name == "mean_absolute_percentage_error":
        y_true = rng.uniform(0.5, 4.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        y_true.reshape(-1)[0] = 0.0
    elif name == "mean_squared_logarithmic_error":
        y_true, y_pred = rng.uniform(-0.5, 4.0, size=shape), rng.uniform(-0.5, 4.0, size=shape)
        y_true.reshape(-1)[0], y_pred.reshape(-1)[-1] = 0.0, 0.0
    else:
        y_true = rng.normal(scale=2.0, size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def exact_part_iii(name, y_true, y_pred, delta=1.0):
    """The definition in float64 (log-cosh in 50-digit mpmath: every float64 formula cancels near 0),
    with Keras's epsilon, averaged over the last axis."""
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    e = x - y
    if name == "huber":
        elementwise = np.where(np.abs(e) <= delta, 0.5 * e**2, delta * np.abs(e) - 0.5 * delta**2)
    elif name == "log_cosh":
        elementwise = np.array([float(v) for v in mpref.exact(mpref.log_cosh, e.ravel())]).reshape(e.shape)
    elif name == "mean_absolute_percentage_error":
        elementwise = 100 * np.abs(e) / np.maximum(np.abs(y), 1e-7)
    else:
        elementwise = (np.log1p(np.maximum(x, 1e-7)) - np.log1p(np.maximum(y, 1e-7))) ** 2
    return np.mean(elementwise, axis=-1)


def keras_atol(name, y_true, y_pred):
    """Keras's own absolute error per sample, in float32 ulps (also for float64 input: Keras takes log 2
    in float32 for log-cosh, epsilon in float32 for MSLE): log-cosh's terms e, softplus(-2e) and log 2
    cancel near e = 0 (4 ulps of 3|e| + 2 log 2); MSLE's log(x + 1) rounds 1 + x first (an error of
    an ulp in each log, so 4 ulps of 2|d| + 1 in the square of d = log(1 + x) - log(1 + y)); 0 else."""
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    if name == "log_cosh":
        return 4 * EPS32 * np.mean(3 * np.abs(x - y) + 2 * LOG2, axis=-1)
    if name == "mean_squared_logarithmic_error":
        d = np.log1p(np.maximum(x, 1e-7)) - np.log1p(np.maximum(y, 1e-7))
        return 4 * EPS32 * np.mean(2 * np.abs(d) + 4 * EPS32, axis=-1)
    return 0.0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", KERAS_SHAPES, ids=str)
@pytest.mark.parametrize("case", PART_III)
def test_part_iii_function_matches_keras_and_the_exact_formula(case, shape, dtype):
    name, _, kwargs = PART_III[case]
    y_true, y_pred = part_iii_pair(name, shape, seed=len(shape) + 10, dtype=dtype)
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=keras_atol(name, y_true, y_pred))
    rtol = {"float32": 8 * EPS32, "float64": 1e-13}[dtype]
    exact = exact_part_iii(name, y_true, y_pred, **kwargs)
    assert_close(result, exact, rtol=rtol, what="values against the exact formula")


@pytest.mark.parametrize("kind", ["torch", "Python list"])
@pytest.mark.parametrize("case", ["huber delta=0.5", "log_cosh", "mape", "msle"])
def test_part_iii_functions_take_torch_tensors_and_python_lists_like_keras(case, kind):
    name, _, kwargs = PART_III[case]
    y_true, y_pred = part_iii_pair(name, (N, C), seed=30)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    atol = keras_atol(name, y_true, y_pred)
    y_true, y_pred, like = as_input_kind(kind, y_true, y_pred)
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, like)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=atol)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("case", ["huber delta=0.5", "log_cosh", "mape", "msle"])
def test_part_iii_classes_match_keras_for_every_reduction(case, reduction):
    """Per-sample weights, the rank fix ((N,) against (N, 1)) and each of Keras's reductions."""
    name, loss, kwargs = PART_III[case]
    y_true, y_pred = part_iii_pair(name, (N, 1), seed=31)
    weight = SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(32), (N,))
    assert_class_matches_keras(
        y_true[:, 0], y_pred, weight, loss=loss, per_sample_atol=keras_atol(name, y_true, y_pred),
        reduction=reduction, **kwargs,
    )


@pytest.mark.parametrize("sample_weight", SAMPLE_WEIGHTS)
@pytest.mark.parametrize("case", ["huber delta=3", "log_cosh", "mape", "msle"])
def test_part_iii_classes_match_keras_for_every_kind_of_sample_weight(case, sample_weight):
    name, loss, kwargs = PART_III[case]
    y_true, y_pred = part_iii_pair(name, (N, T, C), seed=33)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(34), (N, T))
    if isinstance(weight, np.ndarray) and weight.ndim == 1:
        weight = weight[:, None]  # per sample, for losses of shape (N, T)
    assert_class_matches_keras(
        y_true, y_pred, weight, loss=loss, per_sample_atol=keras_atol(name, y_true, y_pred), **kwargs
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_keras_log_cosh_returns_0_or_a_negative_loss_near_the_target_where_lossbook_keeps_the_digits(dtype):
    """Keras's e + softplus(-2e) - log 2 cancels: in float32 it returns 0 at e = 1e-4 (the loss is
    5e-9); in float64 it subtracts log 2 rounded to float32 (``ops.log(2.0)``, losses.py line 2050),
    so every float64 value is off by 1.9e-9 and the losses at e = 1e-5 and 1e-6 are negative. lossbook
    is within 2 ulps of the exact e^2/2."""
    e = np.array([[1e-4], [1e-6]] if dtype == "float32" else [[1e-5], [1e-6]], dtype=dtype)
    zeros = np.zeros_like(e)
    theirs = keras_value(keras.losses.log_cosh(zeros, e))
    exact = np.array([mpref.exact_float(mpref.log_cosh, float(v)) for v in e[:, 0]])
    if dtype == "float32":
        assert np.all(theirs == 0)
    else:
        assert np.all(theirs < 0)
        assert_close(theirs, exact - (float(np.log(np.float32(2.0))) - LOG2), rtol=1e-6)
    assert_close(keras_compat.log_cosh(zeros, e), exact, rtol=2 * float(np.finfo(dtype).eps))


def test_keras_msle_rounds_one_plus_x_where_lossbook_keeps_the_digits():
    """Against a target of 0 (taken as epsilon = 1e-7) a prediction of 1e-6 costs (1e-6 - 1e-7)^2 =
    8.1e-13; Keras's float32 log(x + 1) gives 6.96e-13, 14 % low. lossbook is within float32 ulps."""
    y_true, y_pred = np.zeros((1, 1), dtype=F32), np.full((1, 1), 1e-6, dtype=F32)
    exact = exact_part_iii("mean_squared_logarithmic_error", y_true, y_pred)
    theirs = keras_value(keras.losses.mean_squared_logarithmic_error(y_true, y_pred))
    assert abs(theirs[0] / exact[0] - 1) > 0.1
    assert_close(keras_compat.mean_squared_logarithmic_error(y_true, y_pred), exact, rtol=8 * EPS32)


def test_mape_divides_by_the_absolute_target_floored_at_epsilon_as_kerass_code_does():
    """Keras's docstring says ``maximum(y_true, epsilon)``; its code takes ``abs(y_true)`` first (a
    target of -2 is divided by 2, not by 1e-7), and so does lossbook."""
    y_true, y_pred = np.array([[-2.0], [0.0]], dtype=F32), np.array([[-1.0], [1e-3]], dtype=F32)
    expected = keras_value(keras.losses.mean_absolute_percentage_error(y_true, y_pred))
    assert_close(expected, [50.0, 1e6], rtol=KERAS_RTOL)
    assert_close(keras_compat.mean_absolute_percentage_error(y_true, y_pred), expected, rtol=KERAS_RTOL)


@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_huber_with_a_non_positive_delta_is_a_value_error_where_keras_returns_nonsense(delta):
    """Keras computes delta |e| - delta^2 / 2 for |e| > delta: 0 everywhere for delta = 0, a negative
    "loss" for delta = -1."""
    y_true, y_pred = np.zeros((2, 1), dtype=F32), np.array([[0.5], [2.0]], dtype=F32)
    theirs = keras_value(keras.losses.huber(y_true, y_pred, delta=delta))
    assert np.all(theirs == 0) if delta == 0 else np.all(theirs < 0)
    for call in (keras_compat.huber, lambda t, p, delta: keras_compat.Huber(delta=delta)(t, p)):
        message = f"argument `delta`: expected a positive number, received {delta}"
        with pytest.raises(ValueError, match=re.escape(message)):
            call(y_true, y_pred, delta=delta)


def test_part_iii_pairs_that_keras_would_broadcast_are_value_errors():
    for name in ("huber", "log_cosh", "mean_absolute_percentage_error", "mean_squared_logarithmic_error"):
        with pytest.raises(ValueError, match=re.escape("`y_true` and `y_pred` must have the same shape")):
            getattr(keras_compat, name)(np.zeros((N,), F32), np.zeros((N, C), F32))
