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


@pytest.mark.parametrize(
    ("function", "prediction"),
    [(torch_compat.binary_cross_entropy, HALF), (torch_compat.binary_cross_entropy_with_logits, LOGITS)],
    ids=["binary_cross_entropy", "binary_cross_entropy_with_logits"],
)
def test_unknown_reduction_is_a_value_error_listing_pytorchs_reductions(function, prediction):
    with pytest.raises(
        ValueError, match=r"`reduction`: expected one of \['none', 'mean', 'sum'\], received 'avg'"
    ):
        function(prediction, HALF, reduction="avg")


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras_compat.BinaryCrossentropy(reduction="avg"),
        lambda: keras_compat.reduce_weighted_values(HALF, reduction="avg"),
    ],
    ids=["BinaryCrossentropy(reduction=...)", "reduce_weighted_values"],
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
    ],
    ids=["binary_crossentropy", "BinaryCrossentropy"],
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
