"""Keras's reductions, sample weights, masks and class weights, tested once for every Keras-style class
of :mod:`lossbook.keras_compat`: what a class does with its function's per-sample losses.

Contract (DESIGN.md, "Parity"): each class equals ``keras.losses.<Class>`` within 2e-5 relative (plus
Keras's own absolute error on its logit paths and in the Poisson loss, summed over the samples: see
parity.assert_class_matches_keras), for every reduction, every kind of ``sample_weight`` (none, per
sample (N,) or (N, 1), per step (N, T), scalars, zeros), ``ignore_class`` (a mask folded into the
weights), and in its own dtype. The classes' results in float64 are the exact weighted formula;
``class_weight_to_sample_weight`` equals the function ``model.fit(class_weight=...)`` uses, and
``balanced_class_weight`` its definition.

The per-sample losses themselves, with every keyword of each function, are tested per family in
test_classification_keras and test_regression_keras. Every class draws its inputs from its own
family's random arrays (parity.py): probabilities or logits and soft targets, labels, counts and rates.
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, assert_close, assert_same_kind
from hypothesis import given
from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights
from parity import (
    HALF,
    KERAS_RTOL,
    LABELS,
    SAMPLE_WEIGHTS,
    C,
    N,
    T,
    assert_class_matches_keras,
    binary_pair,
    categorical_atol,
    class_targets,
    exact_binary_crossentropy,
    exact_categorical_crossentropy,
    exact_regression,
    exact_sparse_categorical_crossentropy,
    keras_value,
    logit_atol,
    parameters,
    poisson_atol,
    random_predictions,
    regression_pair,
)
from strategies import DYADIC_UNIT, pairs

from lossbook import keras_compat

# --------------------------------------------------------------------------------------------------
# Every reduction and every kind of sample weight, for every class
# --------------------------------------------------------------------------------------------------

BCE, CCE, SCCE = "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"
REGRESSION_FUNCTIONS = {
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "Poisson": "poisson",
}
CLASSES = [BCE, CCE, SCCE, *REGRESSION_FUNCTIONS]


def class_arguments(loss: str, shape, rng, from_logits: bool = False, dtype="float32"):
    """``y_true`` and ``y_pred`` of ``shape`` for the class ``loss``, from its family's random arrays,
    and Keras's absolute error per sample on them (``logit_atol``, ``categorical_atol`` or
    ``poisson_atol``; 0 where Keras is accurate)."""
    if loss == BCE:
        y_true, y_pred = binary_pair(shape, from_logits, rng, dtype=dtype)
        return y_true, y_pred, logit_atol(y_pred, from_logits)
    if loss in (CCE, SCCE):
        y_pred = random_predictions(shape, from_logits, rng).astype(dtype)
        y_true = class_targets(loss, shape, rng)
        y_true = y_true.astype(dtype) if dtype == "float64" else y_true
        return y_true, y_pred, categorical_atol(y_pred, from_logits)
    name = REGRESSION_FUNCTIONS[loss]
    y_true, y_pred = regression_pair(name, shape, rng, dtype=dtype)
    return y_true, y_pred, poisson_atol(name, y_true, y_pred, dtype)


CLASS_CASES = {loss: (loss, {}) for loss in CLASSES} | {
    f"{loss}(from_logits=True)": (loss, {"from_logits": True}) for loss in (BCE, CCE, SCCE)
}
"""Every class, on probabilities and on logits where it takes either."""
PER_SAMPLE_WEIGHTS = [name for name in SAMPLE_WEIGHTS if name != "full shape of the losses"]
"""Every kind of ``sample_weight`` for losses of shape (N,), of which "full shape of the losses" would be
"per sample (N,)" again."""


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", PER_SAMPLE_WEIGHTS)
@pytest.mark.parametrize("case", CLASS_CASES)
def test_every_class_matches_keras_for_every_reduction_and_sample_weight(case, sample_weight, reduction):
    """(N, C) input: one loss per sample, weighted, then reduced. "all zeros" divides 0 by 0 in
    ``mean_with_sample_weight``, which both libraries define as 0."""
    loss, kwargs = CLASS_CASES[case]
    rng = np.random.default_rng(21)
    y_true, y_pred, atol = class_arguments(loss, (N, C), rng, **kwargs)
    weight = SAMPLE_WEIGHTS[sample_weight](rng, (N,))
    assert_class_matches_keras(
        y_true, y_pred, weight, loss=loss, per_sample_atol=atol, reduction=reduction, **kwargs
    )


SEQUENCE_CASES = {
    BCE: (BCE, {}),
    f"{BCE}(label_smoothing=0.1)": (BCE, {"label_smoothing": 0.1}),
    f"{BCE}(label_smoothing=1.0)": (BCE, {"label_smoothing": 1.0}),
    f"{CCE}(from_logits=True, label_smoothing=0.1)": (CCE, {"from_logits": True, "label_smoothing": 0.1}),
    f"{SCCE}(from_logits=True)": (SCCE, {"from_logits": True}),
} | {loss: (loss, {}) for loss in REGRESSION_FUNCTIONS}
"""The binary class with each label smoothing, the categorical ones on logits, the regression classes."""
SEQUENCE_WEIGHTS = {
    "(N,) scalar weight": ((N,), "NumPy scalar"),
    "(N, T, C)": ((N, T, C), "no sample_weight"),
    "(N, T, C) scalar weight": ((N, T, C), "NumPy scalar"),
    "(N, T, C) weight (N, 1)": ((N, T, C), "per sample (N, 1)"),
    "(N, T, C) weight (N, T)": ((N, T, C), "full shape of the losses"),
}


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("shape_and_weight", SEQUENCE_WEIGHTS)
@pytest.mark.parametrize("case", SEQUENCE_CASES)
def test_every_class_matches_keras_on_sequences_and_on_one_sample(case, shape_and_weight, reduction):
    """3-D input (N, T, C): per-step losses of shape (N, T), weighted per sample (N, 1), per step
    (N, T) or by a scalar. 1-D input (N,) is one sample: one scalar loss, which no reduction changes."""
    loss, kwargs = SEQUENCE_CASES[case]
    shape, sample_weight = SEQUENCE_WEIGHTS[shape_and_weight]
    rng = np.random.default_rng(23)
    y_true, y_pred, atol = class_arguments(loss, shape, rng, kwargs.get("from_logits", False))
    weight = SAMPLE_WEIGHTS[sample_weight](rng, shape[:-1])
    assert_class_matches_keras(
        y_true, y_pred, weight, loss=loss, per_sample_atol=atol, reduction=reduction, **kwargs
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("loss", CLASSES)
def test_every_class_with_torch_input_returns_a_tensor_equal_to_keras(loss, reduction):
    rng = np.random.default_rng(31)
    y_true, y_pred, atol = class_arguments(loss, (N, C), rng)
    y_true, y_pred = torch.from_numpy(y_true), torch.from_numpy(y_pred)
    weight = torch.from_numpy(SAMPLE_WEIGHTS["per sample (N,)"](rng, (N,)))
    assert_class_matches_keras(y_true, y_pred, weight, loss=loss, per_sample_atol=atol, reduction=reduction)


EXACT_FORMULAS = {  # class -> its per-sample loss in float64 NumPy, of (y_true, y_pred)
    BCE: exact_binary_crossentropy,
    CCE: lambda y, p: exact_categorical_crossentropy(y, p, from_logits=True),
    SCCE: lambda y, p: exact_sparse_categorical_crossentropy(y, p, from_logits=True),
} | {
    loss: lambda y, p, name=name: exact_regression(name, y, p) for loss, name in REGRESSION_FUNCTIONS.items()
}


@pytest.mark.parametrize("loss", EXACT_FORMULAS)
def test_every_class_in_float64_equals_the_exact_float64_formula(loss):
    """``sum_over_batch_size`` with per-sample weights: the weighted sum over the number of samples
    (the binary class on probabilities, the categorical ones on logits; the Poisson loss to 8 ulps of
    its terms, see parity.poisson_atol)."""
    from_logits = loss in (CCE, SCCE)
    kwargs = {"from_logits": True} if from_logits else {}
    rng = np.random.default_rng(28)
    y_true, y_pred, _ = class_arguments(loss, (N, C), rng, from_logits, dtype="float64")
    weight = rng.uniform(0.1, 2.0, size=N)
    result = getattr(keras_compat, loss)(dtype="float64", **kwargs)(y_true, y_pred, sample_weight=weight)
    assert_same_kind(result, y_pred)
    name = REGRESSION_FUNCTIONS.get(loss, loss)
    atol = np.sum(weight * poisson_atol(name, y_true, y_pred, "float64")) / N
    assert_close(result, np.sum(weight * EXACT_FORMULAS[loss](y_true, y_pred)) / N, rtol=1e-13, atol=atol)


# --------------------------------------------------------------------------------------------------
# The class's dtype and the shape of its result
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("input_dtype", ["float32", "float64"])
@pytest.mark.parametrize("class_dtype", [None, "float64"], ids=["default dtype", "float64"])
def test_binary_crossentropy_class_computes_in_its_dtype_like_keras(class_dtype, input_dtype, reduction):
    """The class casts its inputs to its dtype (float32 by default, Keras's floatx), so float64 input
    is computed and returned in float32 unless ``dtype="float64"``. Values match Keras within 2e-5;
    Keras 3.15 returns some float64 reductions as float32, lossbook keeps the class's dtype."""
    y_true, y_pred = binary_pair((N, C), from_logits=False, seed=26, dtype=input_dtype)
    weight = SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(27), (N,))
    assert_class_matches_keras(y_true, y_pred, weight, reduction=reduction, dtype=class_dtype)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(pair=pairs(DYADIC_UNIT, DYADIC_UNIT, min_dims=1))
def test_keras_compat_function_drops_the_last_axis_and_the_class_reduces_to_a_scalar(dtype, kind, pair):
    """The function averages over the last axis; the class reduces those per-sample losses to a
    scalar, except with ``"none"``/``None``. The class computes in its own dtype: float32 by default."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    per_sample = keras_compat.binary_crossentropy(y, x)
    assert_same_kind(per_sample, x)
    assert tuple(per_sample.shape) == tuple(x.shape[:-1])
    for reduction in keras_compat.REDUCTIONS:
        reduced = keras_compat.BinaryCrossentropy(reduction=reduction)(y, x)
        assert tuple(reduced.shape) == (tuple(x.shape[:-1]) if reduction in ("none", None) else ())
        assert_same_kind(reduced, x, dtype=torch.float32 if kind == "torch" else np.float32)


# --------------------------------------------------------------------------------------------------
# ignore_class: a mask folded into the sample weights
# --------------------------------------------------------------------------------------------------


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
    atol = categorical_atol(y_pred, from_logits) * N / np.count_nonzero(y_true != -1)
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
    assert_close(result, expected, rtol=KERAS_RTOL)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
def test_sparse_class_when_every_label_is_ignored_matches_keras(reduction):
    """Every weight is then 0: the reductions that divide give 0 (Keras's ``divide_no_nan``)."""
    rng = np.random.default_rng(37)
    y_pred = random_predictions((N, C), False, rng).astype("float32")
    assert_class_matches_keras(
        np.full(N, -1), y_pred, loss="SparseCategoricalCrossentropy", ignore_class=-1, reduction=reduction
    )


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
        atol = 2 * N * np.max(categorical_atol(y_pred, True))
        assert_close(result, keras_value(expected), rtol=KERAS_RTOL, atol=atol)


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


# --------------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------------

KERAS_NAMES = [name for name in keras_compat.reduction.__all__ if hasattr(keras.losses, name)]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_has_kerass_parameters_in_order_with_kerass_defaults(name):
    """Same names, order and defaults as ``keras.losses.<name>`` (the function, or the class's __init__),
    so a call written for Keras runs unchanged."""

    assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name))


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------

KERAS_CLASSES = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Poisson",
]


@pytest.mark.parametrize(
    "make",
    [lambda name=name: getattr(keras_compat, name)(reduction="avg") for name in KERAS_CLASSES]
    + [lambda: keras_compat.reduce_weighted_values(HALF, reduction="avg")],
    ids=[f"{name}(reduction=...)" for name in KERAS_CLASSES] + ["reduce_weighted_values"],
)
def test_unknown_keras_reduction_is_a_value_error_listing_keras_reductions(make):
    with pytest.raises(
        ValueError, match=r"`reduction`: expected one of \['sum_over_batch_size', .*None\], received 'avg'"
    ):
        make()


@pytest.mark.parametrize("n", [4, 3], ids=["N != T (Keras fails)", "N == T (Keras weights the wrong axis)"])
def test_per_sample_weight_of_shape_n_against_losses_of_shape_n_t_is_ambiguous(n):
    """Keras broadcasts (N,) weights against (N, T) losses along the last axis: an error, or when
    N == T a silently wrong weighting. lossbook asks for an explicit (N, 1) instead."""
    y = np.full((n, 3, 2), 0.5)
    with pytest.raises(
        ValueError,
        match=rf"`sample_weight`: expected a scalar or a shape of rank 2 .* losses \({n}, 3\); "
        rf"received sample_weight.shape=\({n},\)",
    ):
        keras_compat.BinaryCrossentropy()(y, y, sample_weight=np.ones(n))


def test_per_sample_weights_against_a_single_batch_loss_say_to_add_a_trailing_axis():
    """Targets of shape (N,) are averaged over their last (only) axis, so the loss function returns one
    value for the batch, and N weights have nothing to weigh: Keras broadcasts them against the scalar
    (a mean of the weights times the batch loss). The message says what the caller most likely meant."""
    y = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    with pytest.raises(
        ValueError,
        match=r"`sample_weight`: received sample_weight.shape=\(3,\), but the loss function returned a "
        r"single value for the whole batch: .* shape \(N, 1\)",
    ):
        keras_compat.MeanSquaredError()(y, y, sample_weight=np.ones(3, dtype=np.float32))


@pytest.mark.parametrize(
    "class_weight", [[1.0, 2.0], np.array([1.0, 2.0]), 2.0], ids=["list", "array", "float"]
)
def test_class_weight_that_is_not_a_dict_is_a_type_error(class_weight):
    with pytest.raises(
        TypeError,
        match=r"`class_weight`: expected a dict \{class index: weight\}, received "
        + type(class_weight).__name__,
    ):
        keras_compat.class_weight_to_sample_weight(LABELS, class_weight)


def test_class_weight_labels_of_rank_3_are_a_value_error():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`y_true`: expected labels of shape (N,), (N, 1) or one-hot (N, K), "
            "received y_true.shape=(2, 3, 4)"
        ),
    ):
        keras_compat.class_weight_to_sample_weight(np.zeros((2, 3, 4)), {0: 1.0})


@pytest.mark.parametrize(
    ("labels", "counts"),
    [(np.array([0, 0, 2]), "[2, 0, 1]"), (np.array([0, 1, 3]), "[1, 1, 0, 1]")],
    ids=["class 1 missing", "label 3 of 3 classes"],
)
def test_balanced_class_weight_with_a_missing_class_or_an_unknown_label_is_a_value_error(labels, counts):
    """A class that never occurs would get an infinite weight."""
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`labels`: expected every class 0..2 to occur at least once and no other label; "
            f"received counts {counts}"
        ),
    ):
        keras_compat.balanced_class_weight(labels, 3)
