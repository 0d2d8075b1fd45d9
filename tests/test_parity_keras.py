"""Parity of :mod:`lossbook.keras_compat` with Keras 3 (torch backend): functions and classes.

Contract (DESIGN.md, "Parity"): values equal ``keras.losses.<name>`` within 2e-5 relative in float32,
for every documented keyword, on random and edge inputs, for NumPy and torch input (the result's kind
follows the input: Keras itself always returns a torch tensor on this backend).

Where Keras's logit path cancels (it calls PyTorch's logit loss, which rounds a confident correct
prediction's loss to 0) an absolute bound is added on top, ``cancellation_atol`` (a few float32 ulps of
``|z|``), as in test_parity_torch. Keras 3.15 on the torch backend computes float64 means in float32
(its float64 results differ from the exact ones by about 1e-8 relative), so float64 parity with Keras
also uses 2e-5; lossbook's float64 results are checked against an exact float64 NumPy computation.
"""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind, cancellation_atol

from lossbook import catalog, keras_compat, torch_compat

RTOL = 2e-5
N, T, C = 6, 4, 3
SHAPES = [(N,), (N, 1), (N, C), (N, T, C)]
AXES = {1: [-1, 0], 2: [-1, 0, 1], 3: [-1, 0, 1]}
LABEL_SMOOTHING = [0.0, 0.1, 1.0]
FUNCTION_CASES = [(shape, axis) for shape in SHAPES for axis in AXES[len(shape)]]


def random_pair(shape, from_logits: bool, seed: int, dtype="float32"):
    """Targets uniform in [0, 1]; probabilities uniform in [0, 1] or logits of scale 3."""
    rng = np.random.default_rng(seed)
    y_true = rng.uniform(size=shape)
    y_pred = rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def keras_value(result) -> np.ndarray:
    """Keras's result as a NumPy array: on this backend it is a torch tensor (Keras's own
    ``convert_to_numpy`` would emit a NumPy 2 DeprecationWarning for each call)."""
    assert isinstance(result, torch.Tensor), f"Keras returned {type(result).__name__}, not a torch tensor"
    return as_numpy(result)


def logit_atol(y_pred, from_logits: bool, axis=-1) -> np.ndarray | float:
    """The cancellation bound of Keras's logit path, averaged over ``axis`` like the loss; 0 otherwise."""
    if not from_logits:
        return 0.0
    return np.mean(cancellation_atol(y_pred, np.float32), axis=axis)


def exact_binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """The textbook float64 formula, evaluated directly with NumPy: label smoothing towards 1/2, then
    Keras's clip to [1e-7, 1 - 1e-7] and ``log``/``log1p`` for probabilities, or ``logaddexp(0, ±z)``
    (softplus) for logits, averaged over ``axis``."""
    y = np.asarray(y_true, np.float64) * (1 - label_smoothing) + 0.5 * label_smoothing
    x = np.asarray(y_pred, np.float64)
    if from_logits:
        elementwise = y * np.logaddexp(0.0, -x) + (1 - y) * np.logaddexp(0.0, x)
    else:
        p = np.clip(x, 1e-7, 1 - 1e-7)
        elementwise = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    return np.mean(elementwise, axis=axis)


# --------------------------------------------------------------------------------------------------
# The function binary_crossentropy
# --------------------------------------------------------------------------------------------------


def assert_function_matches_keras(y_true, y_pred, **kwargs):
    """lossbook's and Keras's ``binary_crossentropy`` on the same arguments; lossbook's result has the
    input's kind and dtype. Returns lossbook's result."""
    result = keras_compat.binary_crossentropy(y_true, y_pred, **kwargs)
    assert_same_kind(result, y_pred)
    expected = keras_value(keras.losses.binary_crossentropy(y_true, y_pred, **kwargs))
    atol = logit_atol(y_pred, kwargs.get("from_logits", False), kwargs.get("axis", -1))
    assert_close(result, expected, rtol=RTOL, atol=atol)
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
    y_true, y_pred = random_pair(shape, from_logits, seed=10 * len(shape) + axis + 1, dtype=dtype)
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing, "axis": axis}
    result = assert_function_matches_keras(y_true, y_pred, **kwargs)
    rtol = {"float32": 8 * float(np.finfo(np.float32).eps), "float64": 1e-13}[dtype]
    assert_close(result, exact_binary_crossentropy(y_true, y_pred, **kwargs), rtol=rtol)


@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_crossentropy_function_with_torch_input_returns_a_tensor_equal_to_keras(from_logits):
    y_true, y_pred = (torch.from_numpy(a) for a in random_pair((N, C), from_logits, seed=5))
    assert_function_matches_keras(y_true, y_pred, from_logits=from_logits)


# --------------------------------------------------------------------------------------------------
# The class BinaryCrossentropy: reductions and sample weights
# --------------------------------------------------------------------------------------------------

SAMPLE_WEIGHTS = {
    "no sample_weight": lambda rng, shape: None,
    "per sample (N,)": lambda rng, shape: rng.uniform(0.1, 2.0, size=shape[:1]).astype("float32"),
    "per sample (N, 1)": lambda rng, shape: rng.uniform(0.1, 2.0, size=(shape[0], 1)).astype("float32"),
    "full shape of the losses": lambda rng, shape: rng.uniform(0.1, 2.0, size=shape).astype("float32"),
    "NumPy scalar": lambda rng, shape: np.float32(rng.uniform(0.1, 2.0)),
    "Python float": lambda rng, shape: float(rng.uniform(0.1, 2.0)),
    "with zeros": lambda rng, shape: (
        rng.uniform(0.1, 2.0, size=shape[:1]) * (np.arange(shape[0]) % 2)
    ).astype("float32"),
    "all zeros": lambda rng, shape: np.zeros(shape[:1], dtype="float32"),
}
"""Each maps (rng, per-sample loss shape) to a ``sample_weight``; "all zeros" divides 0 by 0 in
``mean_with_sample_weight``, which both libraries define as 0."""


def assert_class_matches_keras(
    y_true, y_pred, sample_weight=None, *, loss="BinaryCrossentropy", per_sample_atol=None, **kwargs
) -> None:
    """lossbook's class ``loss`` and Keras's, built with the same keywords and called with the same
    arguments; lossbook's result has the input's kind and the class's dtype (float32 unless ``dtype``
    says). ``per_sample_atol`` bounds Keras's absolute error per sample (default: the binary logit
    loss's cancellation bound, ``logit_atol``)."""
    result = getattr(keras_compat, loss)(**kwargs)(y_true, y_pred, sample_weight=sample_weight)
    expected = getattr(keras.losses, loss)(**kwargs)(y_true, y_pred, sample_weight=sample_weight)
    # The summed per-sample cancellation bound, times the largest weight, bounds every reduction.
    bound = per_sample_atol
    if bound is None:
        bound = logit_atol(y_pred, kwargs.get("from_logits", False), kwargs.get("axis", -1))
    weight_scale = 1.0 if sample_weight is None else max(1.0, float(np.max(np.abs(as_numpy(sample_weight)))))
    assert_close(result, keras_value(expected), rtol=RTOL, atol=np.sum(bound) * weight_scale)
    dtype = kwargs.get("dtype") or "float32"
    assert_same_kind(
        result, y_pred, dtype=getattr(torch, dtype) if torch.is_tensor(y_pred) else np.dtype(dtype)
    )


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", SAMPLE_WEIGHTS)
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_crossentropy_class_matches_keras_for_every_reduction_and_sample_weight(
    from_logits, sample_weight, reduction
):
    y_true, y_pred = random_pair((N, C), from_logits, seed=21)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(22), (N,))
    assert_class_matches_keras(y_true, y_pred, weight, from_logits=from_logits, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("sample_weight", ["no sample_weight", "NumPy scalar"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_binary_crossentropy_class_matches_keras_for_every_input_shape(shape, sample_weight, reduction):
    """(N,) gives one scalar loss (the mean over the only axis), which no reduction changes."""
    y_true, y_pred = random_pair(shape, from_logits=False, seed=33)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(34), shape[:-1])
    assert_class_matches_keras(y_true, y_pred, weight, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "sample_weight", ["no sample_weight", "per sample (N, 1)", "full shape of the losses", "NumPy scalar"]
)
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
def test_binary_crossentropy_class_matches_keras_on_sequences_of_shape_n_t_c(
    label_smoothing, sample_weight, reduction
):
    """3-D input: per-sample losses of shape (N, T), weighted per sample (N, 1) or per step (N, T)."""
    y_true, y_pred = random_pair((N, T, C), from_logits=False, seed=23)
    weight = SAMPLE_WEIGHTS[sample_weight](np.random.default_rng(24), (N, T))
    assert_class_matches_keras(y_true, y_pred, weight, label_smoothing=label_smoothing, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_crossentropy_class_matches_keras_for_every_axis_of_3d_input(from_logits, axis, reduction):
    y_true, y_pred = random_pair((N, T, C), from_logits, seed=25)
    assert_class_matches_keras(y_true, y_pred, from_logits=from_logits, axis=axis, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize("input_dtype", ["float32", "float64"])
@pytest.mark.parametrize("class_dtype", [None, "float64"], ids=["default dtype", "float64"])
def test_binary_crossentropy_class_computes_in_its_dtype_like_keras(class_dtype, input_dtype, reduction):
    """The class casts its inputs to its dtype (float32 by default, Keras's floatx), so float64 input
    is computed and returned in float32 unless ``dtype="float64"``. Values match Keras within 2e-5;
    Keras 3.15 returns some float64 reductions as float32, lossbook keeps the class's dtype."""
    y_true, y_pred = random_pair((N, C), from_logits=False, seed=26, dtype=input_dtype)
    weight = SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(27), (N,))
    assert_class_matches_keras(y_true, y_pred, weight, reduction=reduction, dtype=class_dtype)


def test_binary_crossentropy_class_in_float64_equals_the_exact_float64_formula():
    """``sum_over_batch_size``: the weighted sum over the number of per-sample losses."""
    y_true, y_pred = random_pair((N, C), from_logits=False, seed=28, dtype="float64")
    weight = np.random.default_rng(29).uniform(0.1, 2.0, size=N)
    result = keras_compat.BinaryCrossentropy(dtype="float64")(y_true, y_pred, sample_weight=weight)
    assert_same_kind(result, y_pred)
    expected = np.sum(weight * exact_binary_crossentropy(y_true, y_pred)) / N
    assert_close(result, expected, rtol=1e-13)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
@pytest.mark.parametrize(
    "swap", [False, True], ids=["y_true (N,), y_pred (N, 1)", "y_true (N, 1), y_pred (N,)"]
)
def test_binary_crossentropy_class_applies_keras_rank_fix_to_n_against_n_by_1(swap, reduction):
    """Keras aligns ranks that differ by one when the longer has a trailing axis of length 1."""
    y_true, y_pred = random_pair((N, 1), from_logits=False, seed=30)
    if swap:
        y_pred = y_pred[:, 0]
    else:
        y_true = y_true[:, 0]
    assert_class_matches_keras(y_true, y_pred, reduction=reduction)


@pytest.mark.parametrize("reduction", keras_compat.REDUCTIONS, ids=str)
def test_binary_crossentropy_class_with_torch_input_returns_a_tensor_equal_to_keras(reduction):
    y_true, y_pred = (torch.from_numpy(a) for a in random_pair((N, C), from_logits=False, seed=31))
    weight = torch.from_numpy(SAMPLE_WEIGHTS["per sample (N,)"](np.random.default_rng(32), (N,)))
    assert_class_matches_keras(y_true, y_pred, weight, reduction=reduction)


# --------------------------------------------------------------------------------------------------
# Edge inputs: Keras's clip of probabilities 0 and 1, logits of ±60
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
    result = assert_function_matches_keras(y_true, y_pred)
    assert_close(result, np.array(list(cases.values())), rtol=RTOL)
    assert not math.isclose(cases[1.0, 0.0], cases[0.0, 1.0], rel_tol=1e-3)
    assert not math.isclose(float(result[0]), float(result[1]), rel_tol=1e-3)


@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
def test_logits_of_plus_minus_60_match_keras_up_to_its_cancellation(label_smoothing):
    """At z = -60, y = 0 Keras returns 0 for a loss of 8.8e-27; lossbook keeps it, to float32
    precision of the exact value (and to float64 precision in test_accuracy)."""
    z, y = np.meshgrid([-60.0, -1.0, 0.0, 1.0, 60.0], [0.0, 0.5, 1.0], indexing="ij")
    y_true, y_pred = y.reshape(-1, 1).astype("float32"), z.reshape(-1, 1).astype("float32")
    kwargs = {"from_logits": True, "label_smoothing": label_smoothing}
    result = assert_function_matches_keras(y_true, y_pred, **kwargs)
    assert_close(result, exact_binary_crossentropy(y_true, y_pred, **kwargs), rtol=RTOL)


def test_every_framework_name_in_the_catalog_exists_in_keras_and_pytorch():
    """The book's name tables are generated from the catalog, so every name in it must be real: in the
    framework, and in lossbook's mirror of it. An option written as a keyword (``from_logits=True``,
    ``log_input=False``) must be a parameter of the named function; other PyTorch options describe an
    input convention (``probability targets``) and are prose."""
    for entry in catalog.entries():
        for name in (entry.keras, entry.keras_class):
            if name is not None:
                assert callable(getattr(keras.losses, name, None)), f"keras.losses.{name} does not exist"
                assert callable(getattr(keras_compat, name, None)), f"keras_compat.{name} does not exist"
        if entry.keras_options is not None:
            keyword = entry.keras_options.split("=")[0]
            for name in filter(None, (entry.keras, entry.keras_class)):
                parameters = inspect.signature(getattr(keras.losses, name)).parameters
                assert keyword in parameters, f"keras.losses.{name} has no parameter {keyword}"
        if entry.torch is not None:
            assert callable(getattr(F, entry.torch, None)), f"F.{entry.torch} does not exist"
            mirror = getattr(torch_compat, entry.torch, None)
            assert callable(mirror), f"torch_compat.{entry.torch} does not exist"
        if entry.torch_options is not None and "=" in entry.torch_options:
            assert entry.torch is not None, f"{entry.key}: torch_options without a torch name"
            keyword = entry.torch_options.split("=")[0]
            for function in (getattr(F, entry.torch), getattr(torch_compat, entry.torch)):
                parameters = inspect.signature(function).parameters
                assert keyword in parameters, (
                    f"{function.__module__}.{entry.torch} has no parameter {keyword}"
                )


KERAS_NAMES = [name for name in keras_compat.__all__ if hasattr(keras.losses, name)]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_has_kerass_parameters_in_order_with_kerass_defaults(name):
    """Same names, order and defaults as ``keras.losses.<name>`` (the function, or the class's __init__),
    so a call written for Keras runs unchanged."""

    def parameters(function):
        return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]

    assert parameters(getattr(keras_compat, name)) == parameters(getattr(keras.losses, name))
