"""Parity of keras_compat's margin losses with Keras 3 (torch backend): ``hinge``, ``squared_hinge``,
``categorical_hinge``, ``categorical_generalized_cross_entropy`` and their classes, with every
reduction and ``sample_weight``, for NumPy, torch and Python-list input; where Keras differs on
purpose-built inputs (its batch-wide 0/1 label mapping, its ``(N, 1)`` labels, its lost digits); errors.

Contract (DESIGN.md, "Parity"): values equal ``keras.losses.<name>`` within 2e-5 relative in float32
(and float64). Keras's ``1 - p ** q`` cancels for ``p`` close to 1, so the generalized cross-entropy
is compared with an absolute bound of a few float32 ulps of ``1/q`` on top
(``generalized_cross_entropy_atol``); lossbook keeps those digits (last test of the parity section).
"""

from __future__ import annotations

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
    assert_class_matches_keras,
    generalized_cross_entropy_atol,
    keras_value,
    parameters,
    random_probabilities,
)

from lossbook import keras_compat

FUNCTIONS = ["hinge", "squared_hinge", "categorical_hinge", "categorical_generalized_cross_entropy"]
CLASSES = ["Hinge", "SquaredHinge", "CategoricalHinge", "CategoricalGeneralizedCrossEntropy"]
CLASS_OF = dict(zip(FUNCTIONS, CLASSES, strict=True))


@pytest.mark.parametrize("name", FUNCTIONS + CLASSES)
def test_signature_is_kerass_parameter_for_parameter(name):
    assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name))


def margin_pair(name: str, shape, labels: str, seed: int, dtype="float32"):
    """(y_true, y_pred) for a Keras margin loss: scores of scale 1.5 with ±1 or 0/1 labels (hinges),
    one-hot or ±1 rows (categorical hinge), or integer labels and probability rows (GCE)."""
    rng = np.random.default_rng(seed)
    if name == "categorical_generalized_cross_entropy":
        return rng.integers(0, shape[-1], size=shape[:-1]), random_probabilities(shape, rng).astype(dtype)
    y_pred = rng.normal(scale=1.5, size=shape).astype(dtype)
    if name == "categorical_hinge":
        y_true = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
        return (2 * y_true - 1 if labels == "-1/1" else y_true).astype(dtype), y_pred
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    return (2 * y_true - 1 if labels == "-1/1" else y_true), y_pred


def keras_function(name, y_true, y_pred, **kwargs):
    """Keras's function; its GCE needs a tensor ``y_pred`` (a NumPy array fails on this backend)."""
    if name == "categorical_generalized_cross_entropy" and not torch.is_tensor(y_pred):
        y_pred = torch.from_numpy(np.asarray(y_pred, dtype=np.float32))
    return keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))


def atol_of(name, **kwargs):
    return generalized_cross_entropy_atol(kwargs["q"]) if "q" in kwargs else 0.0


CASES = [
    ("hinge", "-1/1", {}), ("hinge", "0/1", {}),
    ("squared_hinge", "-1/1", {}), ("squared_hinge", "0/1", {}),
    ("categorical_hinge", "one-hot", {}), ("categorical_hinge", "-1/1", {}),
    ("categorical_generalized_cross_entropy", "labels", {"q": 0.5}),
    ("categorical_generalized_cross_entropy", "labels", {"q": 0.7}),
    ("categorical_generalized_cross_entropy", "labels", {"q": 1.0}),
]


FUNCTION_CASES = [
    (*case, shape)
    for case in CASES
    for shape in [(N, C), (N, T, C), (N, 1)]
    if shape[-1] > 1 or case[0] != "categorical_generalized_cross_entropy"  # one class: refused
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "labels", "kwargs", "shape"), FUNCTION_CASES, ids=str)
def test_function_matches_keras(name, labels, kwargs, shape, dtype):
    y_true, y_pred = margin_pair(name, shape, labels, seed=len(shape) + shape[-1], dtype=dtype)
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_function(name, y_true, y_pred, **kwargs)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=atol_of(name, **kwargs))


@pytest.mark.parametrize("kind", ["torch", "list"])
@pytest.mark.parametrize(("name", "labels", "kwargs"), CASES[::2], ids=str)
def test_function_takes_torch_tensors_and_python_lists_like_keras(name, labels, kwargs, kind):
    y_true, y_pred = margin_pair(name, (N, C), labels, seed=4)
    if kind == "torch":
        y_true, y_pred, like = torch.from_numpy(y_true), torch.from_numpy(y_pred), torch.from_numpy(y_pred)
    else:
        y_true, y_pred, like = y_true.tolist(), y_pred.tolist(), y_pred
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, like)
    expected = keras_function(name, y_true, y_pred, **kwargs)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=atol_of(name, **kwargs))


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", SAMPLE_WEIGHTS)
@pytest.mark.parametrize(("name", "labels", "kwargs"), CASES[1::2], ids=str)
def test_class_matches_keras_for_every_reduction_and_sample_weight(
    name, labels, kwargs, sample_weight, reduction
):
    y_true, y_pred = margin_pair(name, (N, C), labels, seed=9)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(10), (N,))
    kwargs = {k: v for k, v in kwargs.items() if v != 1.0}  # the class requires 0 < q < 1
    assert_class_matches_keras(
        y_true, y_pred, weight, loss=CLASS_OF[name], per_sample_atol=np.full(N, atol_of(name, **kwargs)),
        reduction=reduction, **kwargs,
    )


@pytest.mark.parametrize("dtype", [None, "float64"])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_class_with_torch_input_and_a_dtype_matches_keras(name, dtype):
    y_true, y_pred = margin_pair(name, (N, T, C), "0/1", seed=12)
    assert_class_matches_keras(
        torch.from_numpy(y_true), torch.from_numpy(y_pred), loss=CLASS_OF[name],
        per_sample_atol=np.full(N * T, atol_of(name, q=0.5) if "generalized" in name else 0.0), dtype=dtype,
    )


# --------------------------------------------------------------------------------------------------
# Where Keras differs, on purpose-built inputs
# --------------------------------------------------------------------------------------------------


def test_keras_maps_0_1_labels_to_pm1_only_when_the_whole_batch_is_0_1_and_lossbook_refuses_a_mixed_batch():
    """keras/src/losses/losses.py, convert_binary_labels_to_hinge: ``is_binary = ops.all(y == 0 or
    y == 1)`` over the whole tensor, then ``2 y - 1`` for all or nothing. So a 0 in a batch that also
    holds a -1 stays 0, and the first row's loss changes with the second row's labels."""
    y_pred = np.array([[0.3, -0.8, 1.5], [0.3, -0.8, 1.5]], "float32")
    alone = keras_value(keras.losses.hinge(np.array([[0.0, 1.0, 1.0]], "float32"), y_pred[:1]))
    mixed = keras_value(keras.losses.hinge(np.array([[0.0, 1.0, 1.0], [-1.0, 1.0, 1.0]], "float32"), y_pred))
    assert alone[0] == pytest.approx(1.0333333) and mixed[0] == pytest.approx(0.9333333)
    ours = keras_compat.hinge(np.array([[0.0, 1.0, 1.0]], "float32"), y_pred[:1])
    assert ours[0] == pytest.approx(alone[0])
    with pytest.raises(ValueError, match=re.escape(
        "argument `y_true`: expected labels that are all -1 or 1, or all 0 or 1; received values from -1 to 1"
    )):
        keras_compat.hinge(np.array([[0.0, 1.0, 1.0], [-1.0, 1.0, 1.0]], "float32"), y_pred)


def test_keras_generalized_cross_entropy_broadcasts_n_by_1_labels_and_lossbook_squeezes_them():
    """Keras's docstring allows labels of shape (N, 1); its one-hot of them is (N, 1, K), which
    broadcasts against (N, K) into an (N, N) result (the class, a wrong mean). lossbook squeezes the 1."""
    y_true, y_pred = margin_pair("categorical_generalized_cross_entropy", (N, C), "labels", seed=2)
    expected = keras_function("categorical_generalized_cross_entropy", y_true, y_pred, q=0.5)
    column = keras_value(
        keras.losses.categorical_generalized_cross_entropy(y_true[:, None], torch.from_numpy(y_pred), q=0.5)
    )
    assert column.shape == (N, N)
    ours = keras_compat.categorical_generalized_cross_entropy(y_true[:, None], y_pred, q=0.5)
    assert_close(ours, expected, rtol=KERAS_RTOL, atol=generalized_cross_entropy_atol(0.5))
    wrong = keras_value(keras.losses.CategoricalGeneralizedCrossEntropy()(y_true[:, None], y_pred))
    right = keras_compat.CategoricalGeneralizedCrossEntropy()(y_true[:, None], y_pred)
    assert_close(right, np.mean(expected), rtol=KERAS_RTOL, atol=generalized_cross_entropy_atol(0.5))
    assert abs(float(wrong) - float(right)) > 0.01


def test_keras_generalized_cross_entropy_loses_the_digits_of_a_confident_prediction():
    """At p = 1 - 2**-23 (float32) the loss is 1.19e-7 / 1: Keras's ``1 - p ** q`` keeps one or two
    digits, lossbook's ``-expm1(q log p) / q`` all of them."""
    p = np.float32(1 - 2.0**-23)
    y_pred = np.array([[p, 1 - p]], "float32")
    exact = -np.expm1(0.7 * np.log(np.float64(p))) / 0.7
    ours = keras_compat.categorical_generalized_cross_entropy(np.array([0]), y_pred, q=0.7)
    theirs = keras_function("categorical_generalized_cross_entropy", np.array([0]), y_pred, q=0.7)
    assert abs(float(ours[0]) / exact - 1) < 1e-6
    assert abs(float(theirs[0]) / exact - 1) > 0.1


def test_kerass_categorical_hinge_lets_the_masked_true_class_compete_with_a_score_of_0():
    """``neg = max((1 - y) * y_pred)`` includes 0 * f_c = 0: with every wrong score negative the loss is
    1 - f_c + 0, not Crammer and Singer's 1 - f_c + max_j f_j."""
    y_true, y_pred = np.array([[1.0, 0.0, 0.0]], "float32"), np.array([[-2.0, -3.0, -4.0]], "float32")
    assert keras_value(keras.losses.categorical_hinge(y_true, y_pred))[0] == 3.0
    assert keras_compat.categorical_hinge(y_true, y_pred)[0] == 3.0


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------

P = np.array([[0.7, 0.3], [0.2, 0.8]], "float32")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: keras_compat.hinge(np.array([0.5, 1.0], "float32"), np.zeros(2, "float32")), ValueError,
         "argument `y_true`: expected labels that are all -1 or 1, or all 0 or 1; received values from 0.5 "
         "to 1"),
        (lambda: keras_compat.squared_hinge(np.ones(3, "float32"), np.zeros(2, "float32")), ValueError,
         "arguments `y_true` and `y_pred` must have the same shape"),
        (lambda: keras_compat.categorical_hinge(np.full((2, 3), 2.0, "float32"), np.zeros((2, 3), "float32")),
         ValueError, "argument `y_true`: expected values in [-1, 1], received values from 2 to 2"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, 2]), P, q=0.5), ValueError,
         "argument `y_true`: expected class indices in [0, 1], received values from 0 to 2"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, -1]), P, q=0.5), ValueError,
         "argument `y_true`: expected class indices in [0, 1], received values from -1 to 0"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0.0, 0.7]), P, q=0.5),
         ValueError,
         "argument `y_true`: expected integer class labels, received non-integer values"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, 1]), P * 3, q=0.5),
         ValueError,
         "argument `y_pred`: expected values in [0, 1], received values from 0.6 to 2.4. y_pred must be "
         "class probabilities"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, 1]), P, q=0.0), ValueError,
         "argument `q`: expected a positive number, received 0.0"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, 1]), P, q=2.0), ValueError,
         "argument `q`: expected a number in (0, 1], received 2.0"),
        (lambda: keras_compat.categorical_generalized_cross_entropy(np.array([0, 0]), P[:, :1], q=0.5),
         ValueError,
         "argument `y_pred`: categorical_generalized_cross_entropy needs one column per class, so at least 2 "
         "along axis -1; received y_pred.shape=(2, 1)"),
        (lambda: keras_compat.CategoricalGeneralizedCrossEntropy(q=1.0), ValueError,
         "argument `q`: expected a number in (0, 1), received 1.0"),
    ],
    ids=lambda value: "" if callable(value) or isinstance(value, type) else value[:60],
)
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_kerass_own_class_refuses_q_1_too_and_its_function_returns_nan_at_q_0():
    with pytest.raises(ValueError, match=re.escape("q must be in the interval (0, 1)")):
        keras.losses.CategoricalGeneralizedCrossEntropy(q=1.0)
    assert np.isnan(keras_function("categorical_generalized_cross_entropy", np.array([0, 1]), P, q=0.0)).all()
