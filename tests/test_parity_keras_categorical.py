"""Parity of keras_compat's categorical losses with Keras 3 (torch backend), and of its class weights.

Covers ``categorical_crossentropy``, ``sparse_categorical_crossentropy``, their classes (every reduction,
every kind of ``sample_weight``, ``ignore_class``), ``class_weight_to_sample_weight`` (against the
function ``model.fit(class_weight=...)`` uses) and ``balanced_class_weight`` (against its definition).

Tolerances, as in test_parity_keras: 2e-5 relative against Keras, in float32 and in float64 (Keras 3.15
computes some float64 results in float32); lossbook's float64 results are also checked against the
exact formula evaluated in float64 NumPy, to 1e-13 relative.

Where Keras's logit path loses digits an absolute bound is added, ``log_softmax_atol``: Keras computes
``log_softmax`` (categorical) or calls ``F.cross_entropy`` (sparse), whose absolute error is a few ulps
of the row's logit range (see test_parity_torch_cross_entropy). At logits of ±60 Keras returns 0 for a
loss of 8.8e-27; lossbook keeps it. Probabilities need no bound: both renormalise each row, clip to
[1e-7, 1 - 1e-7] and take the log in the same order.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import torch
from _helpers import assert_close, assert_same_kind
from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights
from test_parity_keras import RTOL, SAMPLE_WEIGHTS, assert_class_matches_keras, keras_value

from lossbook import keras_compat

N, T, C = 6, 4, 3
CATEGORICAL_CASES = [((N, C), -1), ((N, C), 0), ((N, T, C), -1), ((N, T, C), 0), ((N, T, C), 1), ((C,), -1)]
"""(shape, class axis): a batch, the classes on the first axis, sequences (N, T, C), and one sample."""


def random_probabilities(shape, rng, axis=-1) -> np.ndarray:
    """Rows drawn from a Dirichlet(1) along ``axis``: in [0, 1], summing to 1."""
    gamma = rng.gamma(1.0, size=shape)
    return gamma / np.sum(gamma, axis=axis, keepdims=True)


def random_predictions(shape, from_logits: bool, rng) -> np.ndarray:
    """Logits of scale 3, or unnormalised probabilities uniform in [0.01, 1] (Keras renormalises rows)."""
    return rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(0.01, 1.0, size=shape)


def log_softmax_atol(y_pred, from_logits: bool, axis=-1, mass=1.0, ulps: float = 4.0):
    """Keras's absolute error per sample on its logit path: ``ulps`` float32 ulps of the row's logit
    range, times the target's mass (a soft target mixes several log-probabilities); 0 for probabilities."""
    if not from_logits:
        return 0.0
    z = np.asarray(y_pred, np.float64)
    spread = np.max(z, axis=axis) - np.min(z, axis=axis)
    return ulps * float(np.finfo(np.float32).eps) * spread * np.maximum(mass, 1.0)


def exact_log_probabilities(y_pred, from_logits: bool) -> np.ndarray:
    """Keras's log-probabilities along the last axis, in float64: log-softmax of logits, or the log of
    the renormalised row clipped to [1e-7, 1 - 1e-7]."""
    x = np.asarray(y_pred, np.float64)
    if from_logits:
        return x - np.logaddexp.reduce(x, axis=-1, keepdims=True)
    return np.log(np.clip(x / np.sum(x, axis=-1, keepdims=True), 1e-7, 1 - 1e-7))


def exact_categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """The textbook formula in float64: targets smoothed towards 1/K, then ``-sum(y log q)`` over ``axis``."""
    y = np.moveaxis(np.asarray(y_true, np.float64), axis, -1)
    y = y * (1 - label_smoothing) + label_smoothing / y.shape[-1]
    return -np.sum(y * exact_log_probabilities(np.moveaxis(y_pred, axis, -1), from_logits), axis=-1)


def exact_sparse_categorical_crossentropy(labels, y_pred, from_logits=False, axis=-1):
    """``-log q[label]`` in float64."""
    log_q = exact_log_probabilities(np.moveaxis(y_pred, axis, -1), from_logits)
    return -np.take_along_axis(log_q, np.asarray(labels, np.int64)[..., None], axis=-1)[..., 0]


def assert_function_matches_keras(name, y_true, y_pred, *, exact, mass=1.0, **kwargs):
    """lossbook's and Keras's function ``name`` on the same arguments: within 2e-5 (plus Keras's logit
    bound) of Keras, with the input's kind and dtype, and within a few ulps of ``exact`` (the float64
    formula): 8 float32 ulps, or 1e-13 in float64 (plus NumPy's own logit bound in float64)."""
    result = getattr(keras_compat, name)(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    from_logits, axis = kwargs.get("from_logits", False), kwargs.get("axis", -1)
    assert_close(result, expected, rtol=RTOL, atol=log_softmax_atol(y_pred, from_logits, axis, mass))
    dtype = np.dtype(str(y_pred.dtype).replace("torch.", ""))
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype.name]
    atol = log_softmax_atol(y_pred, from_logits, axis, mass) * float(
        np.finfo(dtype).eps / np.finfo(np.float32).eps
    )
    assert_close(result, exact, rtol=rtol, atol=atol, what="values against the exact float64 formula")
    return result


# --------------------------------------------------------------------------------------------------
# The functions
# --------------------------------------------------------------------------------------------------


FUNCTION_CASES = [
    (shape, axis, label_smoothing)
    for shape, axis in CATEGORICAL_CASES
    for label_smoothing in ([0.0, 0.1, 1.0] if axis == -1 else [0.0])
]
"""Label smoothing along the last axis; along another axis it has its own test below."""


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize(("shape", "axis", "label_smoothing"), FUNCTION_CASES, ids=str)
def test_categorical_crossentropy_function_matches_keras_and_the_exact_formula(
    shape, axis, label_smoothing, from_logits, dtype
):
    """One-hot or soft targets (Dirichlet rows) against renormalised probabilities or logits."""
    rng = np.random.default_rng([len(shape), axis % len(shape), from_logits])
    y_true = random_probabilities(shape, rng, axis).astype(dtype)
    y_pred = random_predictions(shape, from_logits, rng).astype(dtype)
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing, "axis": axis}
    exact = exact_categorical_crossentropy(y_true, y_pred, **kwargs)
    assert_function_matches_keras("categorical_crossentropy", y_true, y_pred, exact=exact, **kwargs)


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
    assert_close(result, expected, rtol=RTOL, atol=log_softmax_atol(y_pred, from_logits, axis))


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
    assert_function_matches_keras(
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
    assert_function_matches_keras(
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
    result = assert_function_matches_keras(
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
    if kind == "torch":
        y_true, y_pred = torch.from_numpy(y_true), torch.from_numpy(y_pred)
        like = y_pred
    else:
        y_true, y_pred, like = y_true.tolist(), y_pred.tolist(), y_pred
    result = getattr(keras_compat, name)(y_true, y_pred)
    assert_same_kind(result, like)
    assert_close(result, expected, rtol=RTOL)


# --------------------------------------------------------------------------------------------------
# The classes: reductions, sample weights, ignore_class
# --------------------------------------------------------------------------------------------------

CLASSES = ["CategoricalCrossentropy", "SparseCategoricalCrossentropy"]
CLASS_SAMPLE_WEIGHTS = [
    "no sample_weight",
    "NumPy scalar",
    "Python float",
    "per sample (N,)",
    "per sample (N, 1)",
    "with zeros",
    "all zeros",
]


def class_targets(loss: str, shape, rng) -> np.ndarray:
    """Soft targets (Dirichlet rows) for the categorical class, integer labels for the sparse one."""
    if loss == "CategoricalCrossentropy":
        return random_probabilities(shape, rng).astype("float32")
    return rng.integers(0, shape[-1], size=shape[:-1])


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", CLASS_SAMPLE_WEIGHTS)
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_match_keras_for_every_reduction_and_sample_weight(
    loss, from_logits, sample_weight, reduction
):
    rng = np.random.default_rng(30)
    y_pred = random_predictions((N, C), from_logits, rng).astype("float32")
    y_true = class_targets(loss, (N, C), rng)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, (N,))
    atol = log_softmax_atol(y_pred, from_logits)
    assert_class_matches_keras(
        y_true, y_pred, weight, loss=loss, per_sample_atol=atol, from_logits=from_logits, reduction=reduction
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "sample_weight", ["no sample_weight", "NumPy scalar", "per sample (N, 1)", "full shape of the losses"]
)
@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_match_keras_on_sequences_of_shape_n_t_c(loss, sample_weight, reduction):
    """Per-step losses of shape (N, T), weighted per sample (N, 1) or per step (N, T); the categorical
    class with label smoothing 0.1."""
    rng = np.random.default_rng(32)
    y_pred = random_predictions((N, T, C), True, rng).astype("float32")
    y_true = class_targets(loss, (N, T, C), rng)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, (N, T))
    kwargs = {"from_logits": True, "reduction": reduction}
    if loss == "CategoricalCrossentropy":
        kwargs["label_smoothing"] = 0.1
    atol = log_softmax_atol(y_pred, True)
    assert_class_matches_keras(y_true, y_pred, weight, loss=loss, per_sample_atol=atol, **kwargs)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_match_keras_along_another_class_axis(loss, axis):
    rng = np.random.default_rng(33)
    y_pred = random_predictions((N, T, C), False, rng).astype("float32")
    y_true = class_targets(loss, np.moveaxis(np.empty((N, T, C)), axis, -1).shape, rng)
    y_true = np.moveaxis(y_true, -1, axis) if loss == "CategoricalCrossentropy" else y_true
    for reduction in keras_compat.REDUCTIONS:
        assert_class_matches_keras(y_true, y_pred, loss=loss, axis=axis, reduction=reduction)


def ignored_labels(shape, ignore_class: int, rng) -> np.ndarray:
    """Integer labels in [0, C) with the ignored class at a third of the positions."""
    labels = rng.integers(0, C, size=shape)
    labels.reshape(-1)[::3] = ignore_class
    return labels


IGNORE_SAMPLE_WEIGHTS = [
    "no sample_weight",
    "per sample (N,)",
    "per sample (N, 1)",
    "with zeros",
    "all zeros",
]


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", IGNORE_SAMPLE_WEIGHTS)
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_sparse_class_with_ignore_class_matches_keras_for_every_reduction_and_sample_weight(
    from_logits, sample_weight, reduction
):
    """Keras folds the mask of counted labels into the weights: for ``sum_over_batch_size`` the mean
    is over the counted samples only, for ``mean_with_sample_weight`` over their weights."""
    rng = np.random.default_rng(34)
    y_pred = random_predictions((N, C), from_logits, rng).astype("float32")
    y_true = ignored_labels(N, -1, rng)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, (N,))
    # sum_over_batch_size weights each counted loss by N / (number counted): the bound grows with it.
    atol = log_softmax_atol(y_pred, from_logits) * N / np.count_nonzero(y_true != -1)
    assert_class_matches_keras(
        y_true,
        y_pred,
        weight,
        loss="SparseCategoricalCrossentropy",
        per_sample_atol=atol,
        from_logits=from_logits,
        ignore_class=-1,
        reduction=reduction,
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", ["no sample_weight", "full shape of the losses"])
def test_sparse_class_with_ignore_class_matches_keras_on_sequences(sample_weight, reduction):
    rng = np.random.default_rng(35)
    y_pred = random_predictions((N, T, C), False, rng).astype("float32")
    y_true = ignored_labels((N, T), 255, rng)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, (N, T))
    assert_class_matches_keras(
        y_true, y_pred, weight, loss="SparseCategoricalCrossentropy", ignore_class=255, reduction=reduction
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    ("shape", "sample_weight"),
    [((N, C), "NumPy scalar"), ((N, C), "Python float"), ((N, T, C), "per sample (N, 1)")],
    ids=["scalar", "Python float", "(N, 1) on sequences (N, T)"],
)
def test_sparse_class_with_ignore_class_and_a_broadcast_sample_weight_weighs_like_its_full_form(
    shape, sample_weight, reduction
):
    """Keras 3.15 fails on these weights when ``ignore_class`` is set: it multiplies its mask into the
    weight in place, which cannot grow a scalar or an (N, 1) weight ("output with shape [6, 1] doesn't
    match the broadcast shape [6, 4]"). lossbook is compared with Keras given the same weight broadcast
    to the losses' shape, which is what such a weight means everywhere else."""
    rng = np.random.default_rng(36)
    y_pred = random_predictions(shape, False, rng).astype("float32")
    y_true = ignored_labels(shape[:-1], -1, rng)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, shape[:-1])
    loss = keras_compat.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
    result = loss(y_true, y_pred, sample_weight=weight)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
    full_weight = np.broadcast_to(np.asarray(weight, dtype="float32"), shape[:-1]).copy()
    expected = keras_value(keras_loss(y_true, y_pred, sample_weight=full_weight))
    assert_close(result, expected, rtol=RTOL)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
def test_sparse_class_when_every_label_is_ignored_matches_keras(reduction):
    """Every weight is then 0: the reductions that divide give 0 (Keras's ``divide_no_nan``)."""
    rng = np.random.default_rng(37)
    y_pred = random_predictions((N, C), False, rng).astype("float32")
    assert_class_matches_keras(
        np.full(N, -1), y_pred, loss="SparseCategoricalCrossentropy", ignore_class=-1, reduction=reduction
    )


@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_in_float64_equal_the_exact_float64_formula(loss):
    """``sum_over_batch_size`` with per-sample weights: the weighted sum over the number of samples."""
    rng = np.random.default_rng(38)
    y_pred = random_predictions((N, C), True, rng)
    y_true = class_targets(loss, (N, C), rng).astype(np.float64)
    weight = rng.uniform(0.1, 2.0, size=N)
    result = getattr(keras_compat, loss)(from_logits=True, dtype="float64")(
        y_true, y_pred, sample_weight=weight
    )
    assert_same_kind(result, y_pred)
    if loss == "CategoricalCrossentropy":
        per_sample = exact_categorical_crossentropy(y_true, y_pred, from_logits=True)
    else:
        per_sample = exact_sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)
    assert_close(result, np.sum(weight * per_sample) / N, rtol=1e-13)


@pytest.mark.parametrize("loss", CLASSES)
def test_categorical_classes_with_torch_input_return_a_tensor_equal_to_keras(loss):
    rng = np.random.default_rng(39)
    y_pred = torch.from_numpy(random_predictions((N, C), False, rng).astype("float32"))
    y_true = torch.from_numpy(class_targets(loss, (N, C), rng))
    weight = torch.from_numpy(rng.uniform(0.1, 2.0, size=N).astype("float32"))
    for reduction in keras_compat.REDUCTIONS:
        assert_class_matches_keras(y_true, y_pred, weight, loss=loss, reduction=reduction)


# --------------------------------------------------------------------------------------------------
# Edge inputs: probabilities exactly 0 and 1, logits of ±60 and large gaps
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
    assert_close(result, keras_value(getattr(keras.losses, name)(y_true, y_pred)), rtol=RTOL)
    assert_close(result, np.array(list(EDGE_PROBABILITY_CASES.values())), rtol=RTOL)


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
    assert_close(result, expected, rtol=RTOL, atol=log_softmax_atol(y_pred, True))
    assert np.all(np.asarray(result) >= 0.0)


# --------------------------------------------------------------------------------------------------
# Class weights
# --------------------------------------------------------------------------------------------------

CLASS_WEIGHT_LABELS = {
    "int labels (N,)": lambda labels: labels,
    "int labels (N, 1)": lambda labels: labels[:, None],
    "float labels (N,)": lambda labels: labels.astype("float32"),
    "one-hot (N, K)": lambda labels: np.eye(C, dtype="float32")[labels],
    "soft rows (N, K)": lambda labels: 0.8 * np.eye(C, dtype="float32")[labels] + 0.2 / C,
    "binary (N, 1)": lambda labels: (labels[:, None] % 2).astype("float32"),
    "torch tensor (N,)": lambda labels: torch.from_numpy(labels),
}
CLASS_WEIGHTS = {
    "every class": {0: 0.5, 1: 2.0, 2: 1.25},
    "some classes missing": {1: 3.0},
    "empty": {},
}


@pytest.mark.parametrize("class_weight", CLASS_WEIGHTS)
@pytest.mark.parametrize("labels", CLASS_WEIGHT_LABELS)
def test_class_weight_to_sample_weight_equals_keras(labels, class_weight):
    """The weights ``model.fit(class_weight=...)`` gives each sample: its class's weight, 1 for a class
    missing from the dict; the class of a row is its argmax. Float32 NumPy of shape (N,), like Keras's."""
    y = CLASS_WEIGHT_LABELS[labels](np.arange(2 * N) % C)
    result = keras_compat.class_weight_to_sample_weight(y, CLASS_WEIGHTS[class_weight])
    # Keras's function is given NumPy (converting a tensor, it trips a NumPy 2 DeprecationWarning).
    y_numpy = y.numpy() if torch.is_tensor(y) else y
    expected = class_weight_to_sample_weights(y_numpy, CLASS_WEIGHTS[class_weight])
    assert isinstance(result, np.ndarray) and result.dtype == np.float32 and result.shape == (2 * N,)
    np.testing.assert_array_equal(result, expected)


def test_class_weights_as_sample_weights_give_keras_weighted_loss():
    """The path ``model.fit(class_weight=...)`` takes: per-sample weights, then the class's reduction."""
    rng = np.random.default_rng(40)
    y_pred = random_predictions((2 * N, C), True, rng).astype("float32")
    labels = rng.integers(0, C, size=2 * N)
    class_weight = keras_compat.balanced_class_weight(labels, C)
    weight = keras_compat.class_weight_to_sample_weight(labels, class_weight)
    for reduction in keras_compat.REDUCTIONS:
        result = keras_compat.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)(
            labels, y_pred, sample_weight=weight
        )
        keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)
        expected = keras_loss(
            labels, y_pred, sample_weight=class_weight_to_sample_weights(labels, class_weight)
        )
        atol = 2 * N * np.max(log_softmax_atol(y_pred, True))
        assert_close(result, keras_value(expected), rtol=RTOL, atol=atol)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 0, 0, 0, 1, 1, 2, 0]),
        np.array([2, 1, 0]),
        np.random.default_rng(41).permutation(np.repeat(np.arange(5), [50, 25, 15, 7, 3])),
    ],
    ids=["imbalanced 5:2:1", "one of each", "100 labels, 50:25:15:7:3"],
)
@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_balanced_class_weight_is_n_over_k_n_k_so_every_class_carries_n_over_k(labels, kind):
    """The definition: :math:`w_k = N / (K n_k)`; hence :math:`n_k w_k = N / K` for every class and the
    weights sum to N over the samples (the loss keeps its scale)."""
    num_classes = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=num_classes)
    given = torch.from_numpy(labels) if kind == "torch" else labels
    weights = keras_compat.balanced_class_weight(given, num_classes)
    assert sorted(weights) == list(range(num_classes))
    assert all(isinstance(w, float) for w in weights.values())
    expected = {k: labels.size / (num_classes * counts[k]) for k in range(num_classes)}
    assert_close(np.array(list(weights.values())), np.array(list(expected.values())), rtol=1e-15)
    assert_close(
        np.array([counts[k] * weights[k] for k in weights]),
        np.full(num_classes, labels.size / num_classes),
        rtol=1e-15,
    )
    sample_weight = keras_compat.class_weight_to_sample_weight(labels, weights)
    assert_close(np.sum(sample_weight), labels.size, rtol=1e-6)
