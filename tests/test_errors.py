"""Bad input gets a clear error: which argument, what was expected, what was received (DESIGN.md).

Each test matches the message against those three parts. The wrong-helper warning
(``LikelyMistakeWarning``) is tested at the end: it warns, says why, and still returns the loss.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import assert_close

from lossbook import LikelyMistakeWarning, keras_compat, torch_compat

HALF = np.full(3, 0.5)
LOGITS = np.array([-2.0, 0.5, 3.0])
SOFTMAX = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
"""Two rows of class probabilities (a softmax output), three classes."""
CLASS_LOGITS = np.array([[-2.0, 0.5, 3.0], [1.0, -1.0, 0.0]])
LABELS = np.array([0, 2])

# Each public entry point as ``(prediction, target)``, so one test covers them all.
PROBABILITY_LOSSES = {
    "torch_compat.binary_cross_entropy": torch_compat.binary_cross_entropy,
    "keras_compat.binary_crossentropy": lambda pred, true: keras_compat.binary_crossentropy(true, pred),
    "keras_compat.BinaryCrossentropy": lambda pred, true: keras_compat.BinaryCrossentropy()(true, pred),
}
LOGIT_LOSSES = {
    "torch_compat.binary_cross_entropy_with_logits": torch_compat.binary_cross_entropy_with_logits,
    "keras_compat.binary_crossentropy": lambda pred, true: keras_compat.binary_crossentropy(
        true, pred, from_logits=True
    ),
    "keras_compat.BinaryCrossentropy": lambda pred, true: keras_compat.BinaryCrossentropy(from_logits=True)(
        true, pred
    ),
}
ALL_LOSSES = {f"{name} (probabilities)": f for name, f in PROBABILITY_LOSSES.items()} | {
    f"{name} (logits)": f for name, f in LOGIT_LOSSES.items()
}
ARGUMENT_NAMES = {"torch_compat": ("input", "target"), "keras_compat": ("y_pred", "y_true")}


def names_of(loss_name: str) -> tuple[str, str]:
    """The names the loss gives its prediction and its target (PyTorch's or Keras's)."""
    return ARGUMENT_NAMES[loss_name.split(".")[0]]


def valid_prediction(loss_name: str) -> np.ndarray:
    """Three predictions the loss accepts without complaint: probabilities, or logits (not all in [0, 1])."""
    return LOGITS if "logits" in loss_name else HALF


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_shape_mismatch_is_a_value_error_naming_both_shapes(name):
    pred_name, true_name = names_of(name)
    with pytest.raises(ValueError, match="must have the same shape; received") as error:
        ALL_LOSSES[name](valid_prediction(name), np.full(4, 0.5))
    assert f"{pred_name}.shape=(3,)" in str(error.value)
    assert f"{true_name}.shape=(4,)" in str(error.value)


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
def test_probabilities_outside_0_1_are_a_value_error_that_points_to_the_logit_form(name):
    pred_name, _ = names_of(name)
    hint = "binary_cross_entropy_with_logits" if name.startswith("torch") else "from_logits=True"
    with pytest.raises(
        ValueError, match=rf"`{pred_name}`: expected values in \[0, 1\], received values from -2 to 3"
    ):
        PROBABILITY_LOSSES[name](LOGITS, HALF)
    with pytest.raises(ValueError, match=hint):
        PROBABILITY_LOSSES[name](LOGITS, HALF)


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_targets_outside_0_1_are_a_value_error(name):
    _, true_name = names_of(name)
    prediction = valid_prediction(name)
    with pytest.raises(
        ValueError, match=rf"`{true_name}`: expected values in \[0, 1\], received values from 0 to 2"
    ):
        ALL_LOSSES[name](prediction, np.array([0.0, 1.0, 2.0]))


@pytest.mark.parametrize("where", ["prediction", "target"])
@pytest.mark.parametrize("name", ALL_LOSSES)
def test_nan_in_prediction_or_target_is_a_value_error_counting_them(name, where):
    names = dict(zip(("prediction", "target"), names_of(name), strict=True))
    nan_twice = np.array([np.nan, 0.5, np.nan])
    arguments = (nan_twice, HALF) if where == "prediction" else (valid_prediction(name), nan_twice)
    with pytest.raises(
        ValueError, match=rf"`{names[where]}`: expected no NaN values, received 2 NaN value\(s\)"
    ):
        ALL_LOSSES[name](*arguments)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_], ids=["int64", "bool"])
@pytest.mark.parametrize(
    ("function", "argument"),
    [
        (torch_compat.binary_cross_entropy, "input"),
        (torch_compat.binary_cross_entropy_with_logits, "input"),
        (lambda pred, true: keras_compat.binary_crossentropy(true, pred), "y_pred"),
    ],
    ids=[
        "torch_compat.binary_cross_entropy",
        "torch_compat.binary_cross_entropy_with_logits",
        "keras_compat.binary_crossentropy",
    ],
)
def test_integer_or_bool_predictions_are_a_type_error_naming_the_dtype(function, argument, dtype):
    received = np.dtype(dtype).name
    with pytest.raises(
        TypeError, match=rf"`{argument}`: expected a real floating-point array .* received dtype {received}"
    ):
        function(np.array([0, 1, 1]).astype(dtype), HALF)


@pytest.mark.parametrize(
    "function", [torch_compat.binary_cross_entropy, torch_compat.binary_cross_entropy_with_logits]
)
def test_torch_compat_refuses_mismatched_dtypes_like_pytorch(function):
    with pytest.raises(
        TypeError, match=r"`input` and `target` must have the same dtype; received float32 and float64"
    ):
        function(torch.full((3,), 0.5, dtype=torch.float32), torch.full((3,), 0.5, dtype=torch.float64))


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_mixing_numpy_and_torch_arguments_is_a_type_error(name):
    with pytest.raises(
        TypeError, match=r"one array library .* received a mix of numpy\.ndarray, torch\.Tensor"
    ):
        ALL_LOSSES[name](torch.from_numpy(valid_prediction(name)), HALF)


def test_keras_class_refuses_a_torch_sample_weight_with_numpy_inputs():
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor"):
        keras_compat.BinaryCrossentropy()(HALF, HALF, sample_weight=torch.ones(3))


TORCH_CALLS = {  # each loss on valid arguments, with extra keywords
    "binary_cross_entropy": lambda **kw: torch_compat.binary_cross_entropy(HALF, HALF, **kw),
    "binary_cross_entropy_with_logits": lambda **kw: torch_compat.binary_cross_entropy_with_logits(
        LOGITS, HALF, **kw
    ),
    "cross_entropy": lambda **kw: torch_compat.cross_entropy(LOGITS[None, :], np.array([2]), **kw),
    "nll_loss": lambda **kw: torch_compat.nll_loss(-np.abs(LOGITS)[None, :], np.array([2]), **kw),
    "mse_loss": lambda **kw: torch_compat.mse_loss(LOGITS, HALF, **kw),
    "l1_loss": lambda **kw: torch_compat.l1_loss(LOGITS, HALF, **kw),
    "poisson_nll_loss": lambda **kw: torch_compat.poisson_nll_loss(LOGITS, HALF, **kw),
}


@pytest.mark.parametrize("name", TORCH_CALLS)
def test_unknown_reduction_is_a_value_error_listing_pytorchs_reductions(name):
    with pytest.raises(
        ValueError, match=r"`reduction`: expected one of \['none', 'mean', 'sum'\], received 'avg'"
    ):
        TORCH_CALLS[name](reduction="avg")


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


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5])
@pytest.mark.parametrize(
    "call",
    [
        lambda s: keras_compat.binary_crossentropy(HALF, HALF, label_smoothing=s),
        lambda s: keras_compat.BinaryCrossentropy(label_smoothing=s)(HALF, HALF),
        lambda s: keras_compat.categorical_crossentropy(SOFTMAX, SOFTMAX, label_smoothing=s),
        lambda s: keras_compat.CategoricalCrossentropy(label_smoothing=s)(SOFTMAX, SOFTMAX),
        lambda s: TORCH_CALLS["cross_entropy"](label_smoothing=s),
    ],
    ids=[
        "binary_crossentropy",
        "BinaryCrossentropy",
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        "torch_compat.cross_entropy",
    ],
)
def test_label_smoothing_outside_0_1_is_a_value_error(call, label_smoothing):
    with pytest.raises(
        ValueError, match=rf"`label_smoothing`: expected a number in \[0, 1\], received {label_smoothing}"
    ):
        call(label_smoothing)


BCE, BCE_WITH_LOGITS = torch_compat.binary_cross_entropy, torch_compat.binary_cross_entropy_with_logits
ENLARGING_WEIGHTS = [
    pytest.param(BCE, HALF, "weight", (2, 3), id="binary_cross_entropy weight with an extra axis"),
    pytest.param(BCE, HALF, "weight", (4,), id="binary_cross_entropy weight too long"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "weight", (2, 3), id="with_logits weight with an extra axis"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "weight", (4,), id="with_logits weight too long"),
    pytest.param(BCE_WITH_LOGITS, LOGITS, "pos_weight", (4,), id="with_logits pos_weight too long"),
]
"""Weights that PyTorch would broadcast into a larger result than the input (predictions of shape (3,))."""


@pytest.mark.parametrize(("function", "prediction", "keyword", "shape"), ENLARGING_WEIGHTS)
def test_weight_or_pos_weight_that_would_enlarge_the_result_is_a_value_error(
    function, prediction, keyword, shape
):
    with pytest.raises(
        ValueError,
        match=rf"`{keyword}`: expected a shape that broadcasts to input.shape=\(3,\) without enlarging it; "
        + re.escape(f"received {keyword}.shape={shape}"),
    ):
        function(prediction, HALF, **{keyword: np.ones(shape)})


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


# --------------------------------------------------------------------------------------------------
# K classes, regression and counts
# --------------------------------------------------------------------------------------------------

F32 = np.float32


def keras_call(name: str):
    """A Keras-style function or class as ``(prediction, target)``, like the losses above."""
    loss = getattr(keras_compat, name)
    return (lambda p, y: loss()(y, p)) if name[0].isupper() else (lambda p, y: loss(y, p))


SHAPE_MISMATCHES = {  # name: (the loss as (prediction, target), prediction shape, target shape)
    "torch_compat.mse_loss (N, 1) vs (N,)": (torch_compat.mse_loss, (3, 1), (3,)),
    "torch_compat.l1_loss (N, 1) vs (N,)": (torch_compat.l1_loss, (3, 1), (3,)),
    "torch_compat.poisson_nll_loss (N,) vs (N, 1)": (torch_compat.poisson_nll_loss, (3,), (3, 1)),
    "keras_compat.mean_squared_error (N, 3) vs (N,)": (keras_call("mean_squared_error"), (3, 3), (3,)),
    "keras_compat.mean_absolute_error (N, 3) vs (N,)": (keras_call("mean_absolute_error"), (3, 3), (3,)),
    "keras_compat.MeanSquaredError (N, 3) vs (N,)": (keras_call("MeanSquaredError"), (3, 3), (3,)),
    "keras_compat.poisson (N, 1) vs (N,)": (keras_call("poisson"), (3, 1), (3,)),
    "keras_compat.categorical_crossentropy": (keras_call("categorical_crossentropy"), (2, 4), (2, 3)),
}
"""Shapes that PyTorch or Keras would broadcast into a larger loss (an (N, 1) prediction against an (N,)
target gives an (N, N) loss) with only a warning, or none. Keras's ``poisson`` function has no rank fix."""


@pytest.mark.parametrize("name", SHAPE_MISMATCHES)
def test_regression_and_categorical_shape_mismatch_is_a_value_error_naming_both_shapes(name):
    function, pred_shape, true_shape = SHAPE_MISMATCHES[name]
    pred_name, true_name = names_of(name)
    with pytest.raises(ValueError, match="must have the same shape; received") as error:
        function(np.full(pred_shape, 0.25, dtype=F32), np.full(true_shape, 0.25, dtype=F32))
    assert f"{pred_name}.shape={pred_shape}" in str(error.value)
    assert f"{true_name}.shape={true_shape}" in str(error.value)
    assert "does not broadcast" in str(error.value)


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


@pytest.mark.parametrize("length", [2, 4])
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_weight_of_the_wrong_length_is_a_value_error(name, length):
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`weight`: expected one weight per class, shape (3,), received weight.shape=({length},)"
        ),
    ):
        TORCH_CALLS[name](weight=np.ones(length))


@pytest.mark.parametrize(
    ("target", "ignore_index", "received"),
    [
        (np.array([0, 3]), -100, "from 0 to 3"),
        (np.array([0, -1]), -100, "from -1 to 0"),
        (np.array([-1, -2]), -1, "from -2 to 0"),
    ],
    ids=["index 3 of 3 classes", "index -1 (not the ignored -100)", "index -2 (not the ignored -1)"],
)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_indices_out_of_range_are_a_value_error(name, target, ignore_index, received):
    input = CLASS_LOGITS if name == "cross_entropy" else np.log(SOFTMAX)
    function = getattr(torch_compat, name)
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`target`: expected class indices in [0, 2] (or the ignored index {ignore_index}), "
            f"received values {received}"
        ),
    ):
        function(input, target, ignore_index=ignore_index)


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


def test_cross_entropy_float_targets_of_the_wrong_shape_are_a_value_error_that_asks_for_integers():
    """Class indices stored as floats are taken for probabilities, which must have the input's shape."""
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`target`: probability targets must have the shape of the input; received "
            "target.shape=(2,) for the input's shape (classes last) (2, 3). Integer class "
            "indices need an integer dtype"
        ),
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([0.0, 2.0]))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`target`: class indices must have the shape of the input without its class axis, "
            "(2,); received target.shape=(3,) for input.shape=(2, 3)"
        ),
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match=r"`target`: expected integer class indices, received dtype float64"):
        torch_compat.nll_loss(np.log(SOFTMAX), np.array([0.0, 2.0]))


def test_cross_entropy_probability_targets_outside_0_1_are_a_value_error():
    with pytest.raises(
        ValueError, match=re.escape("`target`: expected values in [0, 1], received values from 0.1 to 1.5")
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([[0.2, 0.3, 1.5], [0.6, 0.3, 0.1]]))


@pytest.mark.parametrize(
    ("call", "argument", "hint"),
    [
        pytest.param(
            lambda rate, count: torch_compat.poisson_nll_loss(rate, count, log_input=False),
            "input",
            "With log_input=False the input holds rates",
            id="poisson_nll_loss negative rate",
        ),
        pytest.param(
            lambda rate, count: keras_compat.poisson(count, rate),
            "y_pred",
            "Poisson predictions are rates",
            id="poisson negative rate",
        ),
        pytest.param(
            lambda rate, count: keras_compat.Poisson()(count, rate),
            "y_pred",
            "Poisson predictions are rates",
            id="Poisson negative rate",
        ),
    ],
)
def test_negative_rates_in_poisson_losses_are_a_value_error(call, argument, hint):
    with pytest.raises(
        ValueError,
        match=re.escape(f"`{argument}`: expected values in [0, inf], received values from -1 to 2"),
    ) as error:
        call(np.array([-1.0, 0.5, 2.0], dtype=F32), np.array([0.0, 1.0, 3.0], dtype=F32))
    assert hint in str(error.value)


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


def test_negative_log_rates_are_fine_with_log_input_true():
    """With the default ``log_input=True`` the input is a log-rate: any real number."""
    torch_compat.poisson_nll_loss(np.array([-3.0, 0.0, 2.0]), np.array([0.0, 1.0, 3.0]))


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


@pytest.mark.parametrize(
    ("input", "target"),
    [(np.array([[0.5], [-1.0]]), LABELS * 0), (np.array([0.5]), np.array(0))],
    ids=["(N, 1)", "(1,)"],
)
def test_cross_entropy_with_a_single_class_is_a_value_error_that_points_to_the_binary_loss(input, target):
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`input`: cross_entropy needs one logit per class, at least 2 along the class axis; "
            f"received input.shape={input.shape}"
        ),
    ) as error:
        torch_compat.cross_entropy(input, target)
    assert "use binary_cross_entropy_with_logits" in str(error.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: torch_compat.cross_entropy(np.array([[np.nan, 1.0, 2.0]]), np.array([0])),
        lambda: torch_compat.nll_loss(np.array([[np.nan, -1.0, -2.0]]), np.array([0])),
        lambda: keras_compat.categorical_crossentropy(SOFTMAX[:1], np.array([[np.nan, 0.5, 0.5]])),
        lambda: keras_compat.sparse_categorical_crossentropy(np.array([0]), np.array([[np.nan, 0.5, 0.5]])),
        lambda: keras_compat.mean_squared_error(HALF, np.array([np.nan, 0.5, 0.5])),
    ],
    ids=[
        "cross_entropy",
        "nll_loss",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "mean_squared_error",
    ],
)
def test_nan_predictions_are_a_value_error_in_every_loss(call):
    with pytest.raises(ValueError, match=r"expected no NaN values, received 1 NaN value\(s\)"):
        call()


def test_class_weight_of_another_dtype_than_the_input_is_a_type_error():
    with pytest.raises(
        TypeError, match="`input` and `weight` must have the same dtype; received float64 and float32"
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, LABELS, weight=np.ones(3, dtype=F32))


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss", "mse_loss"])
def test_mixing_numpy_and_torch_in_the_new_losses_is_a_type_error(name):
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor"):
        if name == "mse_loss":
            torch_compat.mse_loss(HALF, torch.from_numpy(HALF))
        else:
            getattr(torch_compat, name)(np.log(SOFTMAX), torch.from_numpy(LABELS))


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


# --------------------------------------------------------------------------------------------------
# The wrong-helper warning
# --------------------------------------------------------------------------------------------------

PROBABILITIES = np.array([0.1, 0.7, 0.9])
TARGETS = np.array([0.0, 1.0, 1.0])


def test_logit_loss_given_probabilities_warns_and_still_returns_the_loss():
    with pytest.warns(
        LikelyMistakeWarning, match=r"`input`: every value lies in \[0, 1\].*use binary_cross_entropy"
    ):
        result = torch_compat.binary_cross_entropy_with_logits(PROBABILITIES, TARGETS)
    expected = F.binary_cross_entropy_with_logits(torch.from_numpy(PROBABILITIES), torch.from_numpy(TARGETS))
    assert_close(result, expected, rtol=1e-12)


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
    torch_compat.binary_cross_entropy_with_logits(logits, target)
    keras_compat.binary_crossentropy(target, logits, from_logits=True)


SOFTMAX_INPUTS = {
    "(N, C)": (SOFTMAX, LABELS),
    "(C,)": (SOFTMAX[0], np.array(2)),
    "(N, C, d1)": (np.stack([SOFTMAX.T, SOFTMAX.T]), np.array([[0, 1], [2, 0]])),
}


@pytest.mark.parametrize("shape", SOFTMAX_INPUTS)
def test_cross_entropy_given_a_softmax_output_warns_and_still_returns_pytorchs_value(shape):
    """Softmax applied twice: the loss runs, but is nearly flat, so the model barely learns."""
    input, target = SOFTMAX_INPUTS[shape]
    with pytest.warns(
        LikelyMistakeWarning,
        match=r"`input`: every row lies in \[0, 1\] and sums to 1.*cross_entropy applies log_softmax itself",
    ):
        result = torch_compat.cross_entropy(input, target)
    assert_close(result, F.cross_entropy(torch.from_numpy(input), torch.from_numpy(target)), rtol=1e-12)


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
    ("input", "looks_like"),
    [
        (CLASS_LOGITS, r"received values up to 3\. These look like logits: pass them to cross_entropy"),
        (SOFTMAX, r"received values up to 0\.6\. These look like probabilities .*: take their log first"),
    ],
    ids=["logits", "probabilities"],
)
def test_nll_loss_given_logits_or_probabilities_warns_and_still_returns_pytorchs_value(input, looks_like):
    """No log-probability is positive; PyTorch computes a meaningless number without a word."""
    with pytest.warns(
        LikelyMistakeWarning, match=r"`input`: expected log-probabilities \(all <= 0\), " + looks_like
    ):
        result = torch_compat.nll_loss(input, LABELS)
    assert_close(result, F.nll_loss(torch.from_numpy(input), torch.from_numpy(LABELS)), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: torch_compat.cross_entropy(CLASS_LOGITS, LABELS),
        lambda: torch_compat.cross_entropy(np.array([[0.2, 0.3, 0.1]]), np.array([0])),
        lambda: torch_compat.nll_loss(np.log(SOFTMAX), LABELS),
        lambda: torch_compat.nll_loss(np.zeros((2, 3)), LABELS),
        lambda: CATEGORICAL_CALLS["categorical_crossentropy"](CLASS_LOGITS, from_logits=True),
        lambda: CATEGORICAL_CALLS["SparseCategoricalCrossentropy"](CLASS_LOGITS, from_logits=True),
        lambda: CATEGORICAL_CALLS["categorical_crossentropy"](SOFTMAX),
    ],
    ids=[
        "cross_entropy on logits",
        "cross_entropy on rows in [0, 1] that do not sum to 1",
        "nll_loss on log-probabilities",
        "nll_loss on log-probabilities of 0",
        "categorical_crossentropy on logits",
        "SparseCategoricalCrossentropy on logits",
        "categorical_crossentropy on probabilities with from_logits=False",
    ],
)
def test_ordinary_logits_and_log_probabilities_do_not_warn(call):
    """pytest turns LikelyMistakeWarning into an error (pyproject.toml), so returning is the test."""
    call()
