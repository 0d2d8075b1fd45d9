"""Input checks shared by every loss (DESIGN.md): bad input gets a clear error that says which argument,
what was expected and what was received; each test matches the message against those three parts.

The checks here are the same for every family and both compat layers: shapes that do not match (which
PyTorch and Keras would broadcast into a larger loss), NaN in a prediction or a target, integer or
boolean predictions, input and target of different dtypes, and arguments that mix NumPy arrays with
torch tensors. The checks that belong to one family (value ranges, class indices, weights, label
smoothing) are in its modules, test_<family>_torch and test_<family>_keras.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from parity import (
    BINARY_LOSSES,
    BINARY_PROBABILITY_LOSSES,
    F32,
    HALF,
    LABELS,
    LOGITS,
    SOFTMAX,
    names_of,
    valid_prediction,
)

from lossbook import core, keras_compat, torch_compat

# --------------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_shape_mismatch_is_a_value_error_naming_both_shapes(name):
    pred_name, true_name = names_of(name)
    with pytest.raises(ValueError, match="must have the same shape; received") as error:
        BINARY_LOSSES[name](valid_prediction(name), np.full(4, 0.5))
    assert f"{pred_name}.shape=(3,)" in str(error.value)
    assert f"{true_name}.shape=(4,)" in str(error.value)


def keras_call(name: str):
    """A Keras-style function or class as ``(prediction, target)``, like ``parity.BINARY_LOSSES``."""
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


# --------------------------------------------------------------------------------------------------
# NaN
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["prediction", "target"])
@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_nan_in_prediction_or_target_is_a_value_error_counting_them(name, where):
    names = dict(zip(("prediction", "target"), names_of(name), strict=True))
    nan_twice = np.array([np.nan, 0.5, np.nan])
    arguments = (nan_twice, HALF) if where == "prediction" else (valid_prediction(name), nan_twice)
    with pytest.raises(
        ValueError, match=rf"`{names[where]}`: expected no NaN values, received 2 NaN value\(s\)"
    ):
        BINARY_LOSSES[name](*arguments)


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


# --------------------------------------------------------------------------------------------------
# Dtypes
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# One array library per call
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_mixing_numpy_and_torch_arguments_is_a_type_error(name):
    with pytest.raises(
        TypeError, match=r"one array library .* received a mix of numpy\.ndarray, torch\.Tensor"
    ):
        BINARY_LOSSES[name](torch.from_numpy(valid_prediction(name)), HALF)


@pytest.mark.parametrize(
    "function",
    [keras_compat.sparse_categorical_crossentropy, keras_compat.categorical_generalized_cross_entropy],
)
def test_numpy_labels_with_torch_probabilities_in_the_sparse_keras_losses_are_a_clear_type_error(function):
    kwargs = {"q": 0.5} if function is keras_compat.categorical_generalized_cross_entropy else {}
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor"):
        function(np.array([0, 1]), torch.tensor([[0.7, 0.3], [0.4, 0.6]]), **kwargs)


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss", "mse_loss"])
def test_mixing_numpy_and_torch_in_the_new_losses_is_a_type_error(name):
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor"):
        if name == "mse_loss":
            torch_compat.mse_loss(HALF, torch.from_numpy(HALF))
        else:
            getattr(torch_compat, name)(np.log(SOFTMAX), torch.from_numpy(LABELS))


def test_keras_class_refuses_a_torch_sample_weight_with_numpy_inputs():
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor"):
        keras_compat.BinaryCrossentropy()(HALF, HALF, sample_weight=torch.ones(3))


@pytest.mark.parametrize(
    "call",
    [
        lambda: core.binary_cross_entropy_with_logits(np.zeros(2), torch.zeros(2)),
        lambda: core.softmax_cross_entropy(torch.zeros(2, 3), np.zeros((2, 3))),
        lambda: core.squared_error(np.zeros(2), torch.zeros(2)),
        lambda: core.softplus(1.0),
    ],
    ids=["bce with logits", "softmax cross-entropy", "squared error", "a plain number"],
)
def test_core_functions_with_closed_form_gradients_refuse_mixed_or_plain_arguments_clearly(call):
    """These functions route torch tensors to a custom autograd function; the argument check comes
    first, so a mix of NumPy and torch (or a plain number) gets the same message as everywhere else."""
    with pytest.raises(TypeError, match=r"received a mix of numpy\.ndarray, torch\.Tensor|received float"):
        call()


@pytest.mark.parametrize("name", BINARY_PROBABILITY_LOSSES)
def test_binary_probabilities_outside_0_1_are_a_value_error_that_points_to_the_logit_form(name):
    """In both layers: the message names the argument and the range, and points to the logit form."""
    pred_name, _ = names_of(name)
    hint = "binary_cross_entropy_with_logits" if name.startswith("torch") else "from_logits=True"
    with pytest.raises(
        ValueError, match=rf"`{pred_name}`: expected values in \[0, 1\], received values from -2 to 3"
    ):
        BINARY_PROBABILITY_LOSSES[name](LOGITS, HALF)
    with pytest.raises(ValueError, match=hint):
        BINARY_PROBABILITY_LOSSES[name](LOGITS, HALF)


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_binary_targets_outside_0_1_are_a_value_error(name):
    _, true_name = names_of(name)
    prediction = valid_prediction(name)
    with pytest.raises(
        ValueError, match=rf"`{true_name}`: expected values in \[0, 1\], received values from 0 to 2"
    ):
        BINARY_LOSSES[name](prediction, np.array([0.0, 1.0, 2.0]))


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


def test_multi_hot_targets_of_a_categorical_loss_get_a_likely_mistake_warning_naming_the_binary_loss():
    """Several 1s in a row is multi-label data: a softmax makes the labels compete. Keras and PyTorch
    compute it silently; lossbook warns, and stays silent for one-hot, smoothed and soft targets."""
    import warnings

    from lossbook import LikelyMistakeWarning

    logits = np.array([[2.0, 1.0, -1.0], [0.5, 0.5, 0.5]])
    multi_hot = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    expected = r"rows hold up to 3 ones \(multi-hot.*use binary_crossentropy"
    with pytest.warns(LikelyMistakeWarning, match=expected):
        keras_compat.categorical_crossentropy(multi_hot, logits, from_logits=True)
    with pytest.warns(LikelyMistakeWarning, match=r"argument `target`.*use binary_cross_entropy_with_logits"):
        torch_compat.cross_entropy(torch.tensor(logits), torch.tensor(multi_hot))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for target in (np.eye(3)[[0, 2]], np.array([[0.7, 0.3, 0.0], [0.2, 0.2, 0.6]])):
            keras_compat.categorical_crossentropy(target, logits, from_logits=True, label_smoothing=0.1)
            torch_compat.cross_entropy(torch.tensor(logits), torch.tensor(target))
