"""``lossbook.tfa_compat.sigmoid_focal_crossentropy`` against TensorFlow Addons' formula, and where its
numbers differ from Keras 3's ``binary_focal_crossentropy``.

TensorFlow is not installed here, so the oracle is a direct NumPy transcription of TFA's source, written
below (:func:`tfa_transcription`), operation by operation and in the input's dtype:

* ``tensorflow_addons/losses/focal_loss.py``, tensorflow/addons commit d208d752 (the last, release
  0.23.0; the function last changed in 11aad761, Jan 2021), lines 113-142: ``ce =
  K.binary_crossentropy(y_true, y_pred, from_logits)``; ``pred_prob = sigmoid(y_pred)`` or
  ``y_pred``; ``p_t = y p + (1 - y)(1 - p)``; ``alpha_factor = y alpha + (1 - y)(1 - alpha)`` only
  ``if alpha:``; ``modulating_factor = pow(1 - p_t, gamma)`` only ``if gamma:``;
  ``reduce_sum(alpha_factor * modulating_factor * ce, axis=-1)``;
* ``K.binary_crossentropy`` of TF-Keras 2.15 (``keras/src/backend.py``, the Keras of TFA 0.23's
  TensorFlow 2.13-2.15): with logits ``tf.nn.sigmoid_cross_entropy_with_logits`` (``max(z, 0) - z y +
  log1p(exp(-|z|))``); with probabilities ``clip(p, eps, 1 - eps)`` then ``-(y log(p + eps) + (1 - y)
  log(1 - p + eps))``, eps = 1e-7.

lossbook computes ``1 - p_t`` without the subtraction and the logit cross-entropy without
cancellation, so it agrees with the transcription to 1e-12 in float64 and, in float32, up to the
transcription's own error in ``1 - p_t`` (``focal_factor_atol``) and in the logit loss
(``cancellation_atol``).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import torch
from _helpers import assert_close, assert_same_kind, cancellation_atol
from parity import focal_factor_atol, keras_value

from lossbook import tfa_compat


def tfa_transcription(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False):
    """TFA's ``sigmoid_focal_crossentropy`` in NumPy, in ``y_pred``'s dtype, line by line."""
    y_pred = np.asarray(y_pred)
    dtype = y_pred.dtype.type
    y_true = np.asarray(y_true).astype(dtype)
    with np.errstate(over="ignore"):
        if from_logits:  # tf.nn.sigmoid_cross_entropy_with_logits
            ce = np.maximum(y_pred, 0) - y_pred * y_true + np.log1p(np.exp(-np.abs(y_pred)))
            pred_prob = dtype(1) / (dtype(1) + np.exp(-y_pred))
        else:  # K.binary_crossentropy on probabilities
            epsilon = dtype(1e-7)
            output = np.clip(y_pred, epsilon, dtype(1) - epsilon)
            ce = -(y_true * np.log(output + epsilon) + (1 - y_true) * np.log(1 - output + epsilon))
            pred_prob = y_pred
    p_t = (y_true * pred_prob) + ((1 - y_true) * (1 - pred_prob))
    alpha_factor = dtype(1)
    modulating_factor = dtype(1)
    if alpha:
        alpha_factor = y_true * dtype(alpha) + (1 - y_true) * (1 - dtype(alpha))
    if gamma:
        modulating_factor = np.power((dtype(1) - p_t), dtype(gamma))
    return np.sum(alpha_factor * modulating_factor * ce, axis=-1), ce


def tfa_pair(shape, from_logits, seed, dtype):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    y_true.reshape(-1)[::3] = rng.uniform(size=y_true.size)[::3]  # soft targets too
    y_pred = rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(size=shape)
    return y_true, y_pred.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (0.0, 2.0), (None, 0.5), (0.8, 0.0), (0.25, 3.5)])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_sigmoid_focal_crossentropy_matches_the_transcription_of_tfa(from_logits, alpha, gamma, dtype):
    y_true, y_pred = tfa_pair((6, 4), from_logits, seed=int(10 * gamma) + 1, dtype=dtype)
    y_pred.reshape(-1)[:2] = [0.0, 1.0] if not from_logits else [25.0, -25.0]
    kwargs = {"alpha": alpha, "gamma": gamma, "from_logits": from_logits}
    result = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected, ce = tfa_transcription(y_true, y_pred, alpha, gamma, from_logits)
    atol = focal_factor_atol(ce, gamma or 0.0, np.dtype(dtype))
    if from_logits:
        atol = atol + cancellation_atol(y_pred, np.dtype(dtype))
    rtol = 1e-12 if dtype == "float64" else 8 * float(np.finfo(np.float32).eps)
    assert_close(result, expected, rtol=rtol, atol=np.sum(atol, axis=-1))


def test_tfas_documented_example_is_reproduced():
    """TFA's docstring: ``[6.8532745e-06, 1.9097870e-04, 2.0559824e-05]``. The third differs by 1.9e-6
    relative: TFA's float32 ``1 - p_t = 1 - (1 - 0.03)`` is 0.030000031; lossbook's is p, 0.03."""
    result = tfa_compat.sigmoid_focal_crossentropy([[1.0], [1.0], [0.0]], [[0.97], [0.91], [0.03]])
    assert_close(result, np.array([6.8532745e-06, 1.9097870e-04, 2.0559824e-05]), rtol=2e-6)
    transcription, _ = tfa_transcription([[1.0], [1.0], [0.0]], np.float32([[0.97], [0.91], [0.03]]))
    assert_close(transcription, np.array([6.8532745e-06, 1.9097870e-04, 2.0559824e-05]), rtol=1e-7)


def test_torch_input_gives_a_tensor():
    y_true, y_pred = (torch.from_numpy(a) for a in tfa_pair((3, 2), True, seed=3, dtype="float64"))
    result = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, from_logits=True)
    assert_same_kind(result, y_pred)
    assert_close(result, tfa_transcription(y_true.numpy(), y_pred.numpy(), from_logits=True)[0], rtol=1e-12)


# --------------------------------------------------------------------------------------------------
# Where TFA's numbers differ from Keras 3's
# --------------------------------------------------------------------------------------------------


def test_at_probabilities_0_and_1_tfa_differs_from_keras_3_by_its_epsilon_inside_the_log():
    """Confident wrong predictions, alpha = 0.25, gamma = 2, float32: at p = 0 for a positive, TFA's
    cross-entropy is -log(2e-7) = 15.425 and Keras 3's -log(1e-7) = 16.118 (difference log 2 = 0.693,
    0.173 after alpha_t = 0.25); at p = 1 for a negative, -log(2**-23 + 1e-7) = 15.333 against
    -log(2**-23) = 15.942 (0.609, 0.457 after alpha_t = 0.75). Right predictions cost 0 in both."""
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    y_pred = np.array([[0.0], [1.0], [1.0], [0.0]], dtype="float32")
    tfa = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred)
    keras3 = keras_value(keras.losses.binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=True))
    gap = 1 - float(np.float32(1 - 1e-7))  # 2**-23
    expected_tfa = [0.25 * -math.log(2e-7), 0.75 * -math.log(gap + 1e-7), 0.0, 0.0]
    expected_keras = [0.25 * -math.log(1e-7), 0.75 * -math.log(gap), 0.0, 0.0]
    assert_close(tfa, np.array(expected_tfa), rtol=1e-6)
    assert_close(keras3, np.array(expected_keras), rtol=1e-6)
    differences = [0.25 * math.log(2), 0.75 * math.log((gap + 1e-7) / gap), 0.0, 0.0]
    assert_close(keras3 - tfa, np.array(differences), rtol=1e-5)
    assert_close(keras3[:2] - tfa[:2], np.array([0.1733, 0.4570]), rtol=1e-3)


def test_tfa_sums_over_the_last_axis_where_keras_3_averages():
    y_true, y_pred = tfa_pair((5, 4), False, seed=11, dtype="float64")
    y_pred = np.clip(y_pred, 0.01, 0.99)  # away from the clip, where TFA's epsilon offset is negligible
    tfa = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred)
    keras3 = keras_value(keras.losses.binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=True))
    assert_close(tfa, 4 * keras3, rtol=1e-4)


def test_logits_are_not_clipped_in_tfa_unlike_keras_3():
    """A logit of 60 on a negative: TFA's loss is 0.75 * 60 = 45; Keras 3's focal loss clips the
    sigmoid and gives 0.75 * 15.94 = 11.96."""
    y_true, y_pred = np.array([[0.0]], dtype="float32"), np.array([[60.0]], dtype="float32")
    tfa = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, from_logits=True)
    assert_close(tfa, np.array([45.0]), rtol=1e-6)
    keras3 = keras.losses.binary_focal_crossentropy(
        y_true, y_pred, apply_class_balancing=True, from_logits=True
    )
    assert_close(keras_value(keras3), np.array([0.75 * 15.942385]), rtol=1e-6)


def test_a_falsy_alpha_means_no_balancing_in_tfa():
    y_true, y_pred = tfa_pair((3, 2), False, seed=5, dtype="float64")
    unbalanced = tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, alpha=None)
    assert_close(tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, alpha=0.0), unbalanced, rtol=0.0)


# --------------------------------------------------------------------------------------------------
# Errors and imports
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "y_pred", "message"),
    [
        ({"gamma": -1.0}, [[0.5]],
         "argument `gamma`: Value of gamma should be greater than or equal to zero"),
        ({"alpha": 1.5}, [[0.5]], "argument `alpha`: expected a number in [0, 1], received 1.5"),
        ({}, 0.5, "argument `y_pred`: expected at least one axis (TFA sums over the last)"),
        ({}, [[1.5]], "argument `y_pred`: expected values in [0, 1], received values from 1.5 to 1.5"),
    ],
    ids=["gamma < 0", "alpha > 1", "a scalar", "logits as probabilities"],
)
def test_bad_arguments_get_clear_errors(kwargs, y_pred, message):
    y_true = np.zeros_like(np.asarray(y_pred, dtype="float32"))
    with pytest.raises(ValueError, match=re.escape(message)):
        tfa_compat.sigmoid_focal_crossentropy(y_true, y_pred, **kwargs)


def test_importing_tfa_compat_imports_no_framework():
    code = (
        "import sys, lossbook.tfa_compat; "
        "print([m for m in ('torch', 'keras', 'tensorflow', 'sympy') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
