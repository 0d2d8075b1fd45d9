"""Parity of keras_compat's focal losses with Keras 3 (torch backend): ``binary_focal_crossentropy`` and
``categorical_focal_crossentropy`` with every keyword, their classes ``BinaryFocalCrossentropy`` and
``CategoricalFocalCrossentropy`` with every reduction and kind of ``sample_weight``; NumPy, torch and
Python-list input; their edge inputs and errors.

Contract (DESIGN.md, "Parity"): within 2e-5 relative of ``keras.losses.<name>`` in float32, and within a
few float32 ulps of the exact formula evaluated in float64 NumPy (Keras's own conventions: the clip to
[1e-7, 1 - 1e-7] of the cross-entropy's probability, the focal factor of the unclipped one, ``sigmoid``
or ``softmax`` first with ``from_logits=True``). Where Keras loses digits an absolute bound is added
(``focal_factor_atol``): it computes ``1 - p_t`` by subtraction in float32, so its focal factor keeps
only an absolute accuracy of a few float32 ulps.
"""

from __future__ import annotations

import math
import re

import keras
import numpy as np
import pytest
import torch
from _helpers import assert_close, assert_same_kind
from parity import (
    KERAS_RTOL,
    SAMPLE_WEIGHTS,
    C,
    N,
    T,
    as_input_kind,
    assert_class_matches_keras,
    focal_factor_atol,
    keras_value,
    parameters,
    random_probabilities,
)

from lossbook import LikelyMistakeWarning, core, keras_compat

F32_RTOL = 8 * float(np.finfo(np.float32).eps)


def test_functions_and_classes_have_keras_signatures():
    for name in (
        "binary_focal_crossentropy",
        "categorical_focal_crossentropy",
        "BinaryFocalCrossentropy",
        "CategoricalFocalCrossentropy",
    ):
        assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name)), name


# --------------------------------------------------------------------------------------------------
# The exact formulas in float64, with Keras's conventions
# --------------------------------------------------------------------------------------------------


def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def exact_binary_focal(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                       from_logits=False, label_smoothing=0.0, axis=-1):
    """Keras's formula in float64 (clipped to [1e-7, 1 - 1e-7] as rounded in the input's dtype), and
    the per-sample bound of Keras's own error: its float32 ``1 - p_t`` (``focal_factor_atol``) and,
    with logits, the rounding of its float32 ``sigmoid`` (lossbook's and torch's differ by up to 4 ulps:
    the loss is evaluated at p moved by 4 ulps either way)."""
    y = np.asarray(y_true, np.float64) * (1 - label_smoothing) + 0.5 * label_smoothing
    upper = float(np.asarray(1 - 1e-7, dtype=np.asarray(y_pred).dtype))

    def elementwise(p):
        clipped = np.clip(p, 1e-7, upper)
        ce = -(y * np.log(clipped) + (1 - y) * np.log1p(-clipped))
        weight = (y * (1 - p) + (1 - y) * p) ** gamma
        if apply_class_balancing:
            weight = weight * (y * alpha + (1 - y) * (1 - alpha))
        return weight * ce, ce

    p = np.asarray(y_pred, np.float64)
    p = _sigmoid(p) if from_logits else p
    loss, ce = elementwise(p)
    atol = focal_factor_atol(ce, gamma, np.float32)
    if from_logits:
        step = 4 * np.spacing(p.astype(np.float32)).astype(np.float64)
        moved = [elementwise(np.clip(p + s, 0.0, 1.0))[0] for s in (step, -step)]
        atol = atol + np.maximum(*(np.abs(m - loss) for m in moved))
    return np.mean(loss, axis=axis), np.mean(atol, axis=axis)


def exact_categorical_focal(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                            axis=-1):
    """Keras's formula in float64 (rows renormalised and clipped), and the bound of its ``1 - q``."""
    y = np.asarray(y_true, np.float64)
    y = y * (1 - label_smoothing) + label_smoothing / y.shape[-1]  # Keras: K = shape[-1], whatever axis is
    y = np.moveaxis(y, axis, -1)
    x = np.moveaxis(np.asarray(y_pred, np.float64), axis, -1)
    q = np.exp(x - np.logaddexp.reduce(x, axis=-1, keepdims=True)) if from_logits else x
    upper = float(np.asarray(1 - 1e-7, dtype=np.asarray(y_pred).dtype))
    q = np.clip(q / np.sum(q, axis=-1, keepdims=True), 1e-7, upper)
    ce = -y * np.log(q) * np.asarray(alpha, np.float64)
    atol = np.sum(focal_factor_atol(ce, gamma, np.float32), axis=-1)
    return np.sum((1 - q) ** gamma * ce, axis=-1), atol


def binary_focal_pair(shape, from_logits: bool, seed: int, hard=False):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=shape) if hard else rng.uniform(size=shape)
    y_pred = rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(size=shape)
    return y_true.astype("float32"), y_pred.astype("float32")


def assert_matches_keras_and_exact(name, exact, y_true, y_pred, **kwargs):
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    value, atol = exact(y_true, y_pred, **kwargs)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=atol)
    assert_close(result, value, rtol=F32_RTOL, atol=atol)
    return result


# --------------------------------------------------------------------------------------------------
# binary_focal_crossentropy and BinaryFocalCrossentropy
# --------------------------------------------------------------------------------------------------

BINARY_CASES = [  # (apply_class_balancing, alpha, gamma)
    (False, 0.25, 2.0), (True, 0.25, 2.0), (True, 0.9, 0.0), (True, 0.0, 0.5), (False, 0.25, 3.5),
]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize(("apply_class_balancing", "alpha", "gamma"), BINARY_CASES, ids=str)
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis"), [((N, C), -1), ((N, T, C), 1), ((N,), 0)], ids=str)
def test_binary_function_matches_keras_for_every_keyword(
    shape, axis, from_logits, apply_class_balancing, alpha, gamma, label_smoothing
):
    y_true, y_pred = binary_focal_pair(shape, from_logits, seed=len(shape) + int(10 * gamma), hard=gamma == 2)
    assert_matches_keras_and_exact(
        "binary_focal_crossentropy", exact_binary_focal, y_true, y_pred,
        apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma, from_logits=from_logits,
        label_smoothing=label_smoothing, axis=axis,
    )


@pytest.mark.parametrize("kind", ["torch", "list"])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_function_takes_torch_tensors_and_lists(kind, from_logits):
    y_true, y_pred = binary_focal_pair((N, C), from_logits, seed=4)
    y_true_in, y_pred_in, like = as_input_kind(kind, y_true, y_pred)
    kwargs = {"apply_class_balancing": True, "from_logits": from_logits}
    result = keras_compat.binary_focal_crossentropy(y_true_in, y_pred_in, **kwargs)
    assert_same_kind(result, like)
    expected = keras_value(keras.losses.binary_focal_crossentropy(y_true_in, y_pred_in, **kwargs))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=exact_binary_focal(y_true, y_pred, **kwargs)[1])


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "sample_weight", ["no sample_weight", "per sample (N,)", "with zeros", "Python float"]
)
def test_binary_class_matches_keras_for_every_reduction_and_sample_weight(sample_weight, reduction):
    y_true, y_pred = binary_focal_pair((N, C), from_logits=True, seed=8)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(9), (N,))
    kwargs = {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True,
              "label_smoothing": 0.1}
    bound = exact_binary_focal(y_true, y_pred, **kwargs)[1]
    assert_class_matches_keras(
        y_true, y_pred, weight, loss="BinaryFocalCrossentropy", per_sample_atol=bound, reduction=reduction,
        **kwargs,
    )


def test_binary_class_with_torch_input_float64_dtype_and_a_name():
    y_true, y_pred = (torch.from_numpy(a) for a in binary_focal_pair((N, T, C), False, seed=6))
    bound = exact_binary_focal(y_true.numpy(), y_pred.numpy(), axis=0)[1]
    assert_class_matches_keras(
        y_true, y_pred, loss="BinaryFocalCrossentropy", per_sample_atol=bound, axis=0, dtype="float64",
        name="focal",
    )
    assert keras_compat.BinaryFocalCrossentropy(name="focal").name == "focal"


def test_probabilities_exactly_0_and_1_match_keras():
    """A confident wrong prediction costs the clipped cross-entropy, 16.118 at p = 0 and 15.942 at
    p = 1 (float32's 1 - 1e-7 is 1 - 2**-23), times a focal factor of 1; a confident right one costs
    exactly 0, because Keras's focal factor uses the unclipped p: (1 - 1)**gamma = 0."""
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    y_pred = np.array([[0.0], [1.0], [1.0], [0.0]], dtype="float32")
    result = assert_matches_keras_and_exact("binary_focal_crossentropy", exact_binary_focal, y_true, y_pred)
    upper_clip = float(np.float32(1 - 1e-7))
    expected = [-math.log(float(np.float32(1e-7))), -math.log(1 - upper_clip), 0.0, 0.0]
    assert_close(result, np.array(expected), rtol=KERAS_RTOL)


def test_logits_of_plus_minus_60_saturate_in_keras_and_lossbook_matches_it():
    """Keras's focal loss applies sigmoid and then the clip, so a logit of 60 on a negative costs
    -log(2**-23) = 15.94, not 60 (its gradient is 0); core keeps the exact loss."""
    y_true = np.array([[0.0], [1.0], [1.0], [0.0]], dtype="float32")
    y_pred = np.array([[60.0], [-60.0], [60.0], [-60.0]], dtype="float32")
    result = assert_matches_keras_and_exact(
        "binary_focal_crossentropy", exact_binary_focal, y_true, y_pred, from_logits=True
    )
    assert_close(result[:2], np.array([15.942385, 16.118095]), rtol=1e-6)
    exact = core.binary_focal_cross_entropy_with_logits(y_true[:, 0].astype(np.float64),
                                                        y_pred[:, 0].astype(np.float64))
    assert_close(exact[:2], np.array([60.0, 60.0]), rtol=1e-15)


def test_gamma_0_without_balancing_is_binary_crossentropy_on_probabilities():
    y_true, y_pred = binary_focal_pair((N, C), from_logits=False, seed=2)
    assert_close(
        keras_compat.binary_focal_crossentropy(y_true, y_pred, gamma=0.0),
        keras_compat.binary_crossentropy(y_true, y_pred),
        rtol=F32_RTOL,
    )


# --------------------------------------------------------------------------------------------------
# categorical_focal_crossentropy and CategoricalFocalCrossentropy
# --------------------------------------------------------------------------------------------------

CATEGORICAL_CASES = [(0.25, 2.0), (1.0, 0.0), ([0.2, 0.5, 1.5], 1.0), (0.5, 0.5), ([1.0, 0.3, 0.7], 3.5)]
"""(alpha, gamma): the defaults, plain cross-entropy, per-class weights (one above 1), gamma < 1."""


def categorical_pair(shape, from_logits: bool, seed: int, axis=-1):
    rng = np.random.default_rng(seed)
    y_true = random_probabilities(shape, rng, axis=axis).astype("float32")
    y_pred = rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(0.0, 1.0, size=shape)
    return y_true, y_pred.astype("float32")


CATEGORICAL_SHAPES = [
    (shape, axis, alpha, gamma)
    for shape, axis in [((N, C), -1), ((N, T, C), -1), ((C, N), 0)]
    for alpha, gamma in CATEGORICAL_CASES
    if axis == -1 or not isinstance(alpha, list)  # a per-class alpha needs the classes last
]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis", "alpha", "gamma"), CATEGORICAL_SHAPES, ids=str)
def test_categorical_function_matches_keras_for_every_keyword(
    shape, axis, alpha, gamma, from_logits, label_smoothing
):
    y_true, y_pred = categorical_pair(shape, from_logits, seed=len(shape) + int(10 * gamma), axis=axis)
    assert_matches_keras_and_exact(
        "categorical_focal_crossentropy", exact_categorical_focal, y_true, y_pred, alpha=alpha,
        gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
    )


@pytest.mark.parametrize("kind", ["torch", "list"])
def test_categorical_function_takes_torch_tensors_and_lists_and_a_per_class_alpha_array(kind):
    y_true, y_pred = categorical_pair((N, C), True, seed=12)
    y_true_in, y_pred_in, like = as_input_kind(kind, y_true, y_pred)
    alpha = np.array([0.2, 0.5, 1.5], dtype="float32")
    alpha = torch.from_numpy(alpha) if kind == "torch" else alpha.tolist()
    kwargs = {"alpha": alpha, "from_logits": True}
    result = keras_compat.categorical_focal_crossentropy(y_true_in, y_pred_in, **kwargs)
    assert_same_kind(result, like)
    expected = keras.losses.categorical_focal_crossentropy(y_true_in, y_pred_in, **kwargs)
    bound = exact_categorical_focal(y_true, y_pred, alpha=[0.2, 0.5, 1.5], from_logits=True)[1]
    assert_close(result, keras_value(expected), rtol=KERAS_RTOL, atol=bound)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", ["no sample_weight", "per sample (N, 1)", "all zeros"])
def test_categorical_class_matches_keras_for_every_reduction_and_sample_weight(sample_weight, reduction):
    y_true, y_pred = categorical_pair((N, C), from_logits=False, seed=14)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(15), (N,))
    kwargs = {"alpha": 0.5, "gamma": 2.5, "label_smoothing": 0.1}
    bound = exact_categorical_focal(y_true, y_pred, **kwargs)[1]
    assert_class_matches_keras(
        y_true, y_pred, weight, loss="CategoricalFocalCrossentropy", per_sample_atol=bound,
        reduction=reduction, **kwargs,
    )


def test_categorical_confident_rows_and_zero_probabilities_match_keras():
    """Probabilities 0 and 1 are clipped (a row is renormalised first); a one-hot target on a zero
    probability costs alpha * -log(1e-7)."""
    y_true = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype="float32")
    y_pred = np.array([[1, 0, 0], [1, 0, 0], [0.2, 0.3, 0.5]], dtype="float32")
    result = assert_matches_keras_and_exact(
        "categorical_focal_crossentropy", exact_categorical_focal, y_true, y_pred
    )
    assert_close(result[1], 0.25 * -math.log(float(np.float32(1e-7))), rtol=KERAS_RTOL)
    logits = np.array([[60.0, -60.0, 0.0], [-60.0, 60.0, 0.0]], dtype="float32")
    assert_matches_keras_and_exact(
        "categorical_focal_crossentropy", exact_categorical_focal, y_true[:2], logits, from_logits=True
    )


# --------------------------------------------------------------------------------------------------
# Errors and warnings
# --------------------------------------------------------------------------------------------------

HALF = np.full((2, 3), 0.5, dtype="float32")
ROWS = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype="float32")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: keras_compat.binary_focal_crossentropy(HALF, HALF, gamma=-1.0), ValueError,
         "argument `gamma`: expected a number in [0, inf], received -1.0"),
        (lambda: keras_compat.binary_focal_crossentropy(HALF, HALF, apply_class_balancing=True, alpha=1.5),
         ValueError, "argument `alpha`: expected a number in [0, 1], received 1.5"),
        (lambda: keras_compat.BinaryFocalCrossentropy(gamma=None)(HALF, HALF), TypeError,
         "argument `gamma`: expected a real number, received None"),
        (lambda: keras_compat.binary_focal_crossentropy(HALF, HALF + 1), ValueError,
         "argument `y_pred`: expected values in [0, 1], received values from 1.5 to 1.5"),
        (lambda: keras_compat.categorical_focal_crossentropy(ROWS, ROWS, alpha=-0.5), ValueError,
         "argument `alpha`: expected a number in [0, inf], received -0.5"),
        (lambda: keras_compat.categorical_focal_crossentropy(ROWS, ROWS, alpha=[1.0, 2.0]), ValueError,
         "argument `alpha`: expected a scalar or one weight per class, shape (3,); received "
         "alpha.shape=(2,)"),
        (lambda: keras_compat.categorical_focal_crossentropy(ROWS.T, ROWS.T, alpha=[1.0, 2.0], axis=0),
         ValueError,
         "argument `alpha`: a per-class alpha needs the classes on the last axis, received axis=0"),
        (lambda: keras_compat.categorical_focal_crossentropy(ROWS[:, :1], ROWS[:, :1]), ValueError,
         "argument `y_pred`: categorical_focal_crossentropy needs one column per class"),
        (lambda: keras_compat.categorical_focal_crossentropy(ROWS, ROWS, axis=True), TypeError,
         "argument `axis`: expected an int, received True"),
    ],
    ids=["gamma < 0", "alpha > 1", "gamma None", "logits as probabilities", "negative alpha",
         "alpha of the wrong length", "per-class alpha off the last axis", "one class", "bool axis"],
)
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_alpha_without_class_balancing_warns_that_keras_ignores_it():
    message = r"alpha=0.5 has no effect unless apply_class_balancing=True"
    with pytest.warns(LikelyMistakeWarning, match=message):
        result = keras_compat.binary_focal_crossentropy(HALF, HALF, alpha=0.5)
    assert_close(result, keras_compat.binary_focal_crossentropy(HALF, HALF), rtol=0.0)


def test_softmax_output_with_from_logits_warns():
    with pytest.warns(LikelyMistakeWarning, match="softmax would be applied twice"):
        keras_compat.categorical_focal_crossentropy(ROWS, ROWS, from_logits=True)
