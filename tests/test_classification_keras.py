"""Parity of keras_compat's classification losses with Keras 3 (torch backend): the functions
``binary_crossentropy``, ``categorical_crossentropy`` and ``sparse_categorical_crossentropy`` with every
keyword, and their classes' own keywords; their bad-input errors and wrong-helper warnings.

Contract (DESIGN.md, "Parity"): values equal ``keras.losses.<name>`` within 2e-5 relative in float32
(and in float64: Keras 3.15 computes some float64 results in float32), for every documented keyword, on
random and edge inputs, for NumPy and torch input (the result's kind follows the input: Keras itself
always returns a torch tensor on this backend). lossbook's results are also checked against the exact
formula evaluated in float64 NumPy, to a few float32 ulps (8) or, in float64, to 1e-13 relative: in
float64 lossbook is exact where Keras is not. The harness is in parity.py; what the classes do with
the per-sample losses (reductions, sample weights, ``ignore_class``, class weights, their dtype) is
tested once for every class in test_reduction_keras.

Where Keras's logit path loses digits an absolute bound is added on top: the binary loss calls
PyTorch's logit loss, which rounds a confident correct prediction's loss to 0 (``logit_atol``, a few
float32 ulps of ``|z|``); the categorical ones compute ``log_softmax`` or call ``F.cross_entropy``,
whose absolute error is a few ulps of the row's logit range (``categorical_atol``). At logits of ±60
Keras returns 0 for a loss of 8.8e-27; lossbook keeps it. Probabilities need no bound: both clip to
[1e-7, 1 - 1e-7] (renormalising categorical rows first) and take the log in the same order.

Bad input gets a clear error (which argument, what was expected, what was received), and input that is
most likely a mistake (probabilities or a softmax output passed with ``from_logits=True``) a
``LikelyMistakeWarning`` that says why, while the loss is still returned.
"""

from __future__ import annotations

import math
import re

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import assert_close, assert_same_kind
from parity import (
    BINARY_LOSSES,
    BINARY_PROBABILITY_LOSSES,
    CLASS_LOGITS,
    HALF,
    KERAS_RTOL,
    KERAS_SHAPES,
    PROBABILITIES,
    SAMPLE_WEIGHTS,
    SOFTMAX,
    TARGETS,
    C,
    N,
    T,
    as_input_kind,
    assert_class_matches_keras,
    binary_pair,
    categorical_atol,
    class_targets,
    exact_binary_crossentropy,
    exact_categorical_crossentropy,
    exact_sparse_categorical_crossentropy,
    keras_value,
    logit_atol,
    of_layer,
    parameters,
    random_predictions,
    random_probabilities,
)

from lossbook import LikelyMistakeWarning, keras_compat

# --------------------------------------------------------------------------------------------------
# binary_crossentropy: the function
# --------------------------------------------------------------------------------------------------

AXES = {1: [-1, 0], 2: [-1, 0, 1], 3: [-1, 0, 1]}

LABEL_SMOOTHING = [0.0, 0.1, 1.0]

FUNCTION_CASES = [(shape, axis) for shape in KERAS_SHAPES for axis in AXES[len(shape)]]


def assert_binary_crossentropy_matches_keras(y_true, y_pred, **kwargs):
    """lossbook's and Keras's ``binary_crossentropy`` on the same arguments; lossbook's result has the
    input's kind and dtype. Returns lossbook's result."""
    result = keras_compat.binary_crossentropy(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(keras.losses.binary_crossentropy(y_true, y_pred, **kwargs))
    atol = logit_atol(y_pred, kwargs.get("from_logits", False), kwargs.get("axis", -1))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=atol)
    return result


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis"), FUNCTION_CASES, ids=str)
def test_binary_crossentropy_function_matches_keras_and_the_exact_formula_for_every_keyword(
    shape, axis, from_logits, label_smoothing, dtype
):
    """Within 2e-5 of Keras, and within a few ulps of the dtype (8 in float32, 1e-13 in float64) of
    the direct float64 formula: in float64 lossbook is exact where Keras is not."""
    y_true, y_pred = binary_pair(shape, from_logits, seed=10 * len(shape) + axis + 1, dtype=dtype)
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing, "axis": axis}
    result = assert_binary_crossentropy_matches_keras(y_true, y_pred, **kwargs)
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype]
    assert_close(result, exact_binary_crossentropy(y_true, y_pred, **kwargs), rtol=rtol)


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_crossentropy_function_with_torch_input_returns_a_tensor_equal_to_keras(from_logits):
    y_true, y_pred = (torch.from_numpy(a) for a in binary_pair((N, C), from_logits, seed=5))
    assert_binary_crossentropy_matches_keras(y_true, y_pred, from_logits=from_logits)


# --------------------------------------------------------------------------------------------------
# BinaryCrossentropy: its input shapes, axes and Keras's rank fix
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", ["no sample_weight", "NumPy scalar"])
@pytest.mark.parametrize("shape", KERAS_SHAPES, ids=str)
def test_binary_crossentropy_class_matches_keras_for_every_input_shape(shape, sample_weight, reduction):
    """(N,) gives one scalar loss (the mean over the only axis), which no reduction changes."""
    y_true, y_pred = binary_pair(shape, from_logits=False, seed=33)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(34), shape[:-1])
    assert_class_matches_keras(y_true, y_pred, weight, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_crossentropy_class_matches_keras_for_every_axis_of_3d_input(from_logits, axis, reduction):
    y_true, y_pred = binary_pair((N, T, C), from_logits, seed=25)
    assert_class_matches_keras(y_true, y_pred, from_logits=from_logits, axis=axis, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
def test_binary_crossentropy_class_applies_keras_rank_fix_to_n_against_n_by_1(swap, reduction):
    """Keras aligns ranks that differ by one when the longer has a trailing axis of length 1."""
    y_true, y_pred = binary_pair((N, 1), from_logits=False, seed=30)
    if swap:
        y_pred = y_pred[:, 0]
    else:
        y_true = y_true[:, 0]
    assert_class_matches_keras(y_true, y_pred, reduction=reduction)


# --------------------------------------------------------------------------------------------------
# binary_crossentropy on edge inputs: Keras's clip of probabilities 0 and 1, logits of ±60
# --------------------------------------------------------------------------------------------------


def test_probabilities_exactly_0_and_1_are_clipped_like_keras_and_the_two_clips_differ_in_float32():
    """Keras clips to [1e-7, 1 - 1e-7] in float32, where 1 - 1e-7 rounds to 1 - 2**-23: a confident
    wrong prediction costs -log(1e-7) = 16.118 at p = 0 but only -log(2**-23) = 15.942 at p = 1."""
    upper_clip = float(np.float32(1 - 1e-7))
    assert 1 - upper_clip == 2.0**-23  # the float32 rounding the docstring describes
    lower_clip = float(np.float32(1e-7))
    cases = {  # (y_true, y_pred): expected loss of the clipped prediction, from math.log
        (1.0, 0.0): -math.log(lower_clip),
        (0.0, 1.0): -math.log(1 - upper_clip),
        (0.0, 0.0): -math.log1p(-lower_clip),
        (1.0, 1.0): -math.log(upper_clip),
    }
    y_true = np.array([[y] for y, _ in cases], dtype="float32")
    y_pred = np.array([[p] for _, p in cases], dtype="float32")
    result = assert_binary_crossentropy_matches_keras(y_true, y_pred)
    assert_close(result, np.array(list(cases.values())), rtol=KERAS_RTOL)
    assert not math.isclose(cases[1.0, 0.0], cases[0.0, 1.0], rel_tol=1e-3)
    assert not math.isclose(float(result[0]), float(result[1]), rel_tol=1e-3)


@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
def test_logits_of_plus_minus_60_match_keras_up_to_its_cancellation(label_smoothing):
    """At z = -60, y = 0 Keras returns 0 for a loss of 8.8e-27; lossbook keeps it, to float32
    precision of the exact value (and to float64 precision in test_classification_core)."""
    z, y = np.meshgrid([-60.0, -1.0, 0.0, 1.0, 60.0], [0.0, 0.5, 1.0], indexing="ij")
    y_true, y_pred = y.reshape(-1, 1).astype("float32"), z.reshape(-1, 1).astype("float32")
    kwargs = {"from_logits": True, "label_smoothing": label_smoothing}
    result = assert_binary_crossentropy_matches_keras(y_true, y_pred, **kwargs)
    assert_close(result, exact_binary_crossentropy(y_true, y_pred, **kwargs), rtol=KERAS_RTOL)


# --------------------------------------------------------------------------------------------------
# categorical_crossentropy and sparse_categorical_crossentropy: the functions
# --------------------------------------------------------------------------------------------------

CATEGORICAL_CASES = [((N, C), -1), ((N, C), 0), ((N, T, C), -1), ((N, T, C), 0), ((N, T, C), 1), ((C,), -1)]
"""(shape, class axis): a batch, the classes on the first axis, sequences (N, T, C), and one sample."""


def assert_categorical_function_matches_keras(name, y_true, y_pred, *, exact, mass=1.0, **kwargs):
    """lossbook's and Keras's function ``name`` on the same arguments: within 2e-5 (plus Keras's logit
    bound) of Keras, with the input's kind and dtype, and within a few ulps of ``exact`` (the float64
    formula): 8 float32 ulps, or 1e-13 in float64 (plus NumPy's own logit bound in float64)."""
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    from_logits, axis = kwargs.get("from_logits", False), kwargs.get("axis", -1)
    assert_close(result, expected, rtol=KERAS_RTOL, atol=categorical_atol(y_pred, from_logits, axis, mass))
    dtype = np.dtype(str(y_pred.dtype).replace("torch.", ""))
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype.name]
    atol = categorical_atol(y_pred, from_logits, axis, mass) * float(
        np.finfo(dtype).eps / np.finfo(np.float32).eps
    )
    assert_close(result, exact, rtol=rtol, atol=atol, what="values against the exact float64 formula")
    return result


CATEGORICAL_FUNCTION_CASES = [
    (shape, axis, label_smoothing)
    for shape, axis in CATEGORICAL_CASES
    for label_smoothing in ([0.0, 0.1, 1.0] if axis == -1 else [0.0])
]
"""Label smoothing along the last axis; along another axis it has its own test below."""


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis", "label_smoothing"), CATEGORICAL_FUNCTION_CASES, ids=str)
def test_categorical_crossentropy_function_matches_keras_and_the_exact_formula(
    shape, axis, label_smoothing, from_logits, dtype
):
    """One-hot or soft targets (Dirichlet rows) against renormalised probabilities or logits."""
    rng = np.random.default_rng([len(shape), axis % len(shape), from_logits])
    y_true = random_probabilities(shape, rng, axis).astype(dtype)
    y_pred = random_predictions(shape, from_logits, rng).astype(dtype)
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing, "axis": axis}
    exact = exact_categorical_crossentropy(y_true, y_pred, **kwargs)
    assert_categorical_function_matches_keras(
        "categorical_crossentropy", y_true, y_pred, exact=exact, **kwargs
    )


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis"), [((N, C), 0), ((N, T, C), 0), ((N, T, C), 1)], ids=str)
def test_categorical_label_smoothing_along_a_non_last_axis_matches_keras(shape, axis, from_logits):
    """Keras smooths towards ``1 / y_true.shape[-1]`` whatever ``axis`` is; the contract is Keras's value."""
    rng = np.random.default_rng(17)
    y_true = random_probabilities(shape, rng, axis).astype("float32")
    y_pred = random_predictions(shape, from_logits, rng).astype("float32")
    kwargs = {"from_logits": from_logits, "label_smoothing": 0.1, "axis": axis}
    result = keras_compat.categorical_crossentropy(y_true, y_pred, **kwargs)
    expected = keras_value(keras.losses.categorical_crossentropy(y_true, y_pred, **kwargs))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=categorical_atol(y_pred, from_logits, axis))


SPARSE_LABELS = {
    "int64 (N,)": lambda labels: labels,
    "float32 (N,)": lambda labels: labels.astype("float32"),
    "int64 (N, 1)": lambda labels: labels[:, None],
    "float32 (N, 1)": lambda labels: labels[:, None].astype("float32"),
    "int32 (N,)": lambda labels: labels.astype("int32"),
}
"""The label layouts Keras accepts for predictions of shape (N, C)."""


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize("labels", SPARSE_LABELS)
def test_sparse_categorical_crossentropy_function_matches_keras_for_every_label_layout(
    labels, from_logits, dtype
):
    rng = np.random.default_rng(20)
    y_pred = random_predictions((N, C), from_logits, rng).astype(dtype)
    classes = np.arange(N) % C
    exact = exact_sparse_categorical_crossentropy(classes, y_pred, from_logits)
    y_true = SPARSE_LABELS[labels](classes)
    assert_categorical_function_matches_keras(
        "sparse_categorical_crossentropy", y_true, y_pred, exact=exact, from_logits=from_logits
    )


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(
    ("shape", "axis"), [((N, T, C), -1), ((N, T, C), 0), ((N, T, C), 1), ((C,), -1)], ids=str
)
def test_sparse_categorical_crossentropy_function_matches_keras_on_sequences_and_other_axes(
    shape, axis, from_logits
):
    """Labels of shape (N, T) against predictions (N, T, C); labels without the class axis otherwise."""
    rng = np.random.default_rng(21)
    y_pred = random_predictions(shape, from_logits, rng).astype("float32")
    labels = rng.integers(0, shape[axis], size=tuple(np.delete(shape, axis % len(shape))))
    exact = exact_sparse_categorical_crossentropy(labels, np.moveaxis(y_pred, axis, -1), from_logits)
    assert_categorical_function_matches_keras(
        "sparse_categorical_crossentropy", labels, y_pred, exact=exact, from_logits=from_logits, axis=axis
    )


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize("ignore_class", [-1, 255, 1], ids=["-1", "255", "class 1"])
def test_sparse_categorical_crossentropy_function_gives_0_for_the_ignored_class_like_keras(
    ignore_class, from_logits
):
    rng = np.random.default_rng(22)
    y_pred = random_predictions((N, T, C), from_logits, rng).astype("float32")
    labels = rng.integers(0, C, size=(N, T))
    labels[::2, 1] = ignore_class
    labels[1, :] = ignore_class
    exact = np.where(
        labels == ignore_class,
        0.0,
        exact_sparse_categorical_crossentropy(
            np.where(labels == ignore_class, 0, labels), y_pred, from_logits
        ),
    )
    kwargs = {"from_logits": from_logits, "ignore_class": ignore_class}
    result = assert_categorical_function_matches_keras(
        "sparse_categorical_crossentropy", labels, y_pred, exact=exact, **kwargs
    )
    assert np.all(result[labels == ignore_class] == 0.0)


@pytest.mark.parametrize("kind", ["torch", "Python list"])
@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_categorical_functions_take_torch_tensors_and_python_lists_like_keras(name, kind):
    """Torch tensors give a tensor; Python lists are taken as float32 (Keras's floatx) and give NumPy.
    (Keras's sparse function itself needs arrays: it reads ``y_true.shape``, so it gets the arrays.)"""
    rng = np.random.default_rng(23)
    y_pred = random_probabilities((N, C), rng).astype("float32")
    y_true = random_probabilities((N, C), rng).astype("float32")
    if name == "sparse_categorical_crossentropy":
        y_true = np.arange(N) % C
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred))
    y_true, y_pred, like = as_input_kind(kind, y_true, y_pred)
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, like)
    assert_close(result, expected, rtol=KERAS_RTOL)


CLASSES = ["CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_match_keras_along_another_class_axis(loss, axis):
    rng = np.random.default_rng(33)
    y_pred = random_predictions((N, T, C), False, rng).astype("float32")
    y_true = class_targets(loss, np.moveaxis(np.empty((N, T, C)), axis, -1).shape, rng)
    y_true = np.moveaxis(y_true, -1, axis) if loss == "CategoricalCrossentropy" else y_true
    for reduction in keras_compat.REDUCTIONS:
        assert_class_matches_keras(y_true, y_pred, loss=loss, axis=axis, reduction=reduction)


# --------------------------------------------------------------------------------------------------
# categorical losses on edge inputs: probabilities exactly 0 and 1, logits of ±60 and large gaps
# --------------------------------------------------------------------------------------------------

LOWER_CLIP, UPPER_CLIP = float(np.float32(1e-7)), float(np.float32(1 - 1e-7))

EDGE_PROBABILITY_CASES = {  # (prediction row, label): expected loss, from math.log of the clipped value
    ((1.0, 0.0, 0.0), 0): -math.log(UPPER_CLIP),
    ((1.0, 0.0, 0.0), 1): -math.log(LOWER_CLIP),
    ((0.0, 0.5, 0.5), 0): -math.log(LOWER_CLIP),
    ((0.0, 0.5, 0.5), 2): math.log(2.0),
    ((0.0, 0.25, 0.25), 1): math.log(2.0),  # renormalised to (0, 1/2, 1/2) first
    ((0.2, 0.2, 0.2), 1): math.log(3.0),
    ((0.0, 0.0, 1.0), 2): -math.log(UPPER_CLIP),
}


@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_probabilities_exactly_0_and_1_are_renormalised_and_clipped_like_keras(name):
    """Keras divides each row by its sum, then clips to [1e-7, 1 - 1e-7] (1 - 2**-23 in float32)."""
    y_pred = np.array([row for row, _ in EDGE_PROBABILITY_CASES], dtype="float32")
    labels = np.array([label for _, label in EDGE_PROBABILITY_CASES])
    y_true = labels if name.startswith("sparse") else np.eye(C, dtype="float32")[labels]
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_close(result, keras_value(getattr(keras.losses, name)(y_true, y_pred)), rtol=KERAS_RTOL)
    assert_close(result, np.array(list(EDGE_PROBABILITY_CASES.values())), rtol=KERAS_RTOL)


EDGE_LOGIT_ROWS = np.array([[60.0, -60.0, 0.0], [-60.0, 60.0, 60.0], [0.0, -300.3, -700.7], [1.0, 1.0, 1.0]])


@pytest.mark.parametrize(
    ("name", "label_smoothing"),
    [
        ("categorical_crossentropy", 0.0),
        ("categorical_crossentropy", 0.1),
        ("sparse_categorical_crossentropy", None),
    ],
)
def test_logits_of_plus_minus_60_and_large_gaps_match_keras_up_to_its_cancellation(name, label_smoothing):
    """Every edge row against every class. At [60, -60, 0] with label 0 Keras returns 0 for 8.8e-27."""
    y_pred = np.repeat(EDGE_LOGIT_ROWS, C, axis=0).astype("float32")
    labels = np.tile(np.arange(C), len(EDGE_LOGIT_ROWS))
    kwargs = {"from_logits": True}
    if name.startswith("sparse"):
        y_true = labels
    else:
        y_true = np.eye(C, dtype="float32")[labels]
        kwargs["label_smoothing"] = label_smoothing
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    assert_close(result, expected, rtol=KERAS_RTOL, atol=categorical_atol(y_pred, True))
    assert np.all(np.asarray(result) >= 0.0)


# --------------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------------

KERAS_NAMES = [name for name in keras_compat.classification.__all__ if hasattr(keras.losses, name)]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_has_kerass_parameters_in_order_with_kerass_defaults(name):
    """Same names, order and defaults as ``keras.losses.<name>`` (the function, or the class's __init__),
    so a call written for Keras runs unchanged."""

    assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name))


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------

PROBABILITY_LOSSES = of_layer(BINARY_PROBABILITY_LOSSES, "keras_compat")
ALL_LOSSES = of_layer(BINARY_LOSSES, "keras_compat")




@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5])
@pytest.mark.parametrize(
    "call",
    [
        lambda s: keras_compat.binary_crossentropy(HALF, HALF, label_smoothing=s),
        lambda s: keras_compat.BinaryCrossentropy(label_smoothing=s)(HALF, HALF),
        lambda s: keras_compat.categorical_crossentropy(SOFTMAX, SOFTMAX, label_smoothing=s),
        lambda s: keras_compat.CategoricalCrossentropy(label_smoothing=s)(SOFTMAX, SOFTMAX),
    ],
    ids=[
        "binary_crossentropy",
        "BinaryCrossentropy",
        "categorical_crossentropy",
        "CategoricalCrossentropy",
    ],
)
def test_label_smoothing_outside_0_1_is_a_value_error(call, label_smoothing):
    with pytest.raises(
        ValueError, match=rf"`label_smoothing`: expected a number in \[0, 1\], received {label_smoothing}"
    ):
        call(label_smoothing)


@pytest.mark.parametrize(
    "call",
    [
        lambda y, **kw: keras_compat.sparse_categorical_crossentropy(y, SOFTMAX, **kw),
        lambda y, **kw: keras_compat.SparseCategoricalCrossentropy(**kw)(y, SOFTMAX),
    ],
    ids=["sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"],
)
def test_sparse_labels_out_of_range_or_not_integers_are_a_value_error(call):
    with pytest.raises(
        ValueError, match=re.escape("`y_true`: expected class indices in [0, 2], received values from 0 to 3")
    ):
        call(np.array([0, 3]))
    with pytest.raises(
        ValueError, match=re.escape("(or the ignored index -1), received values from -2 to 1")
    ):
        call(np.array([1, -2]), ignore_class=-1)
    with pytest.raises(
        ValueError, match="`y_true`: expected integer class labels, received non-integer values"
    ):
        call(np.array([0.0, 1.5]))


@pytest.mark.parametrize(
    ("labels", "received"),
    [(np.array([0, 1, 2]), "(3,)"), (np.eye(3)[:2], "(2, 3)")],
    ids=["too many", "one-hot"],
)
def test_sparse_labels_of_the_wrong_shape_are_a_value_error_pointing_one_hot_to_categorical(labels, received):
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`y_true`: expected integer labels of shape (2,) (y_pred's shape without the class axis -1), "
            f"received y_true.shape={received}. One-hot targets belong to categorical_crossentropy"
        ),
    ):
        keras_compat.sparse_categorical_crossentropy(labels, SOFTMAX)


CATEGORICAL_CALLS = {
    "categorical_crossentropy": lambda p, **kw: keras_compat.categorical_crossentropy(
        np.eye(p.shape[-1])[np.zeros(len(p), dtype=int)], p, **kw
    ),
    "CategoricalCrossentropy": lambda p, **kw: keras_compat.CategoricalCrossentropy(**kw)(
        np.eye(p.shape[-1])[np.zeros(len(p), dtype=int)], p
    ),
    "sparse_categorical_crossentropy": lambda p, **kw: keras_compat.sparse_categorical_crossentropy(
        np.zeros(len(p), dtype=int), p, **kw
    ),
    "SparseCategoricalCrossentropy": lambda p, **kw: keras_compat.SparseCategoricalCrossentropy(**kw)(
        np.zeros(len(p), dtype=int), p
    ),
}


@pytest.mark.parametrize("name", CATEGORICAL_CALLS)
def test_categorical_probabilities_outside_0_1_are_a_value_error_that_points_to_from_logits(name):
    """Keras would clip them silently; they are nearly always logits passed without from_logits=True."""
    with pytest.raises(
        ValueError, match=re.escape("`y_pred`: expected values in [0, 1], received values from -2 to 3")
    ) as error:
        CATEGORICAL_CALLS[name](CLASS_LOGITS)
    assert "pass from_logits=True" in str(error.value)


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize("name", CATEGORICAL_CALLS)
def test_a_single_class_is_a_value_error_that_points_to_binary_crossentropy(name, from_logits):
    """A softmax over one output is always 1, so the loss is constant: Keras only warns, lossbook refuses."""
    function = "sparse_categorical_crossentropy" if "parse" in name else "categorical_crossentropy"
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`y_pred`: {function} needs one column per class, so at least 2 along axis -1; "
            "received y_pred.shape=(2, 1)"
        ),
    ) as error:
        CATEGORICAL_CALLS[name](np.full((2, 1), 0.7), from_logits=from_logits)
    assert "use binary_crossentropy" in str(error.value)


# --------------------------------------------------------------------------------------------------
# The wrong-helper warnings
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda p, y: keras_compat.binary_crossentropy(y, p, from_logits=True),
        lambda p, y: keras_compat.BinaryCrossentropy(from_logits=True, reduction="none")(y, p),
    ],
    ids=["binary_crossentropy", "BinaryCrossentropy"],
)
def test_from_logits_true_given_probabilities_warns_and_still_returns_the_loss(call):
    """One sample of three values, so Keras's per-sample loss is the mean of PyTorch's per-element ones."""
    with pytest.warns(
        LikelyMistakeWarning, match=r"`y_pred`: every value lies in \[0, 1\].*use from_logits=False"
    ):
        result = call(PROBABILITIES[None, :], TARGETS[None, :])
    per_element = F.binary_cross_entropy_with_logits(
        torch.from_numpy(PROBABILITIES), torch.from_numpy(TARGETS), reduction="none"
    )
    assert_close(result, per_element.mean().reshape(1), rtol=1e-6)  # the class computes in float32


@pytest.mark.parametrize(
    "logits",
    [np.array([0.5]), np.array([-0.5, 0.5, 0.9])],
    ids=["a single logit in [0, 1]", "one logit outside [0, 1]"],
)
def test_logits_that_need_not_be_probabilities_do_not_warn(logits):
    """pytest turns LikelyMistakeWarning into an error (pyproject.toml), so returning is the test."""
    target = np.full(logits.shape, 0.5)
    keras_compat.binary_crossentropy(target, logits, from_logits=True)


@pytest.mark.parametrize(
    "name",
    [
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
    ],
)
def test_categorical_from_logits_true_given_a_softmax_output_warns(name):
    with pytest.warns(
        LikelyMistakeWarning,
        match=r"`y_pred`: every row lies in \[0, 1\] and sums to 1.*"
        r"use from_logits=False \(softmax would be applied twice\)",
    ):
        CATEGORICAL_CALLS[name](SOFTMAX, from_logits=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CATEGORICAL_CALLS["categorical_crossentropy"](CLASS_LOGITS, from_logits=True),
        lambda: CATEGORICAL_CALLS["SparseCategoricalCrossentropy"](CLASS_LOGITS, from_logits=True),
        lambda: CATEGORICAL_CALLS["categorical_crossentropy"](SOFTMAX),
    ],
    ids=[
        "categorical_crossentropy on logits",
        "SparseCategoricalCrossentropy on logits",
        "categorical_crossentropy on probabilities with from_logits=False",
    ],
)
def test_ordinary_logits_and_log_probabilities_do_not_warn(call):
    """pytest turns LikelyMistakeWarning into an error (pyproject.toml), so returning is the test."""
    call()
