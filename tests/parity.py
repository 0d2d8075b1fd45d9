"""The shared parity harness: what the ``*_keras``, ``*_torch``, ``test_reduction_*`` and
``test_validation`` modules need to compare lossbook with Keras 3 and PyTorch. Not collected by pytest
(the name does not start with ``test_``); no test module imports another.

Contract (DESIGN.md, "Parity"):

* PyTorch: values and autograd gradients equal ``torch.nn.functional``'s within 1e-9 relative in
  float64 (2e-6 in float32, a few float32 ulps), :data:`TORCH_RTOL`. Gradients are compared as
  vector-Jacobian products with a random cotangent (:func:`evaluate`), so every element of the gradient
  is checked, not just their sum, with a normwise bound (``normwise_atol``) on top of the relative
  tolerance, because a gradient such as ``sigmoid(x) - y`` rounds to a few ulps of 1 wherever it nearly
  cancels (:func:`assert_parity`).
* Keras (torch backend): values equal ``keras.losses.<name>`` within 2e-5 relative, :data:`KERAS_RTOL`,
  in float32 and in float64 (Keras 3.15 on the torch backend computes float64 means in float32: its
  float64 results differ from the exact ones by about 1e-8 relative); lossbook's float64 results are
  also checked against the exact formula evaluated in float64 NumPy (the ``exact_*`` functions).

Where the framework's formula loses digits, an absolute bound is added on top of the relative
tolerance rather than loosening every comparison: PyTorch's logit loss cancels for confident correct
predictions (:func:`pytorch_value_atol`, :func:`logit_atol`), its ``log_softmax`` keeps only an
absolute accuracy of a few ulps of the row's logit range (:func:`cross_entropy_atol`,
:func:`categorical_atol`), and the Poisson loss is a difference of terms (:func:`poisson_atol`).

The sections: PyTorch (tolerances, inputs, evaluation with gradients), Keras (tolerances, inputs, exact
formulas, the class comparison), and the small arguments of the error and warning tests.
"""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import torch
from _helpers import (
    as_numpy,
    assert_close,
    assert_same_kind,
    cancellation_atol,
    eps,
    normwise_atol,
    reduce_like,
)

from lossbook import keras_compat, torch_compat


def parameters(function) -> list[tuple[str, object]]:
    """The names and defaults of a function's parameters, in order (to compare signatures)."""
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


# --------------------------------------------------------------------------------------------------
# PyTorch: tolerances, dtypes, shapes, reductions
# --------------------------------------------------------------------------------------------------

DTYPES = [torch.float64, torch.float32]
TORCH_RTOL = {torch.float64: 1e-9, torch.float32: 2e-6}
TORCH_SHAPES = [(), (5,), (4, 3), (2, 3, 4)]
REDUCTIONS = ("none", "mean", "sum")


# --------------------------------------------------------------------------------------------------
# PyTorch: evaluation with gradients, and the comparison
# --------------------------------------------------------------------------------------------------


def evaluate(function, arrays, dtype, differentiate, **kwargs):
    """``function(**arrays, **kwargs)`` on fresh torch leaves, with the vector-Jacobian product of a
    fixed random cotangent with respect to each name in ``differentiate``. Floating arrays become
    tensors of ``dtype``; integer arrays (class indices) stay int64."""
    leaves = {
        key: torch.tensor(
            value,
            dtype=dtype if np.issubdtype(value.dtype, np.floating) else torch.int64,
            requires_grad=key in differentiate,
        )
        for key, value in arrays.items()
    }
    loss = function(**leaves, **kwargs)
    cotangent = torch.tensor(np.random.default_rng(99).normal(size=tuple(loss.shape)), dtype=dtype)
    grads = torch.autograd.grad(loss, [leaves[key] for key in differentiate], grad_outputs=cotangent)
    return loss, dict(zip(differentiate, grads, strict=True))


def assert_parity(ours, reference, dtype, *, value_atol=0.0, mask=None) -> None:
    """Values, then each gradient (restricted to ``mask`` where given: one boolean array for every
    gradient, or a dict of them by argument name), against the reference."""
    (value, grads), (ref_value, ref_grads) = ours, reference
    assert value.dtype == ref_value.dtype
    assert_close(value, ref_value, rtol=TORCH_RTOL[dtype], atol=value_atol)
    for key, grad in grads.items():
        keep = mask.get(key) if isinstance(mask, dict) else mask
        keep = np.ones(grad.shape, dtype=bool) if keep is None else keep
        ref = as_numpy(ref_grads[key])[keep]
        assert_close(
            as_numpy(grad)[keep],
            ref,
            rtol=TORCH_RTOL[dtype],
            atol=normwise_atol(ref, dtype),
            what=f"gradient w.r.t. {key}",
        )


# --------------------------------------------------------------------------------------------------
# PyTorch: random inputs and the absolute bounds of PyTorch's own error
# --------------------------------------------------------------------------------------------------


def binary_arrays(name: str, shape, seed: int, **extra_shapes) -> dict[str, np.ndarray]:
    """Random inputs of ``binary_cross_entropy`` and ``binary_cross_entropy_with_logits``: probabilities
    in [0.001, 0.999] (where ``p(1 - p) >= 1e-12``) or logits of scale 4, targets uniform in [0, 1], and
    positive weights of the requested shapes."""
    rng = np.random.default_rng(seed)
    if name == "binary_cross_entropy":
        input = rng.uniform(0.001, 0.999, size=shape)
    else:
        input = rng.normal(scale=4.0, size=shape)
    arrays = {"input": input, "target": rng.uniform(0.0, 1.0, size=shape)}
    for key, extra_shape in extra_shapes.items():
        if extra_shape is not None:
            arrays[key] = rng.uniform(0.2, 2.0, size=extra_shape)
    return arrays


def pytorch_value_atol(name: str, arrays: dict[str, np.ndarray], dtype, reduction: str):
    """0 but for the logit loss. There, PyTorch's absolute error bound (its terms are
    ``pos_weight * |x|`` at most, times ``weight``), reduced like the loss."""
    if name != "binary_cross_entropy_with_logits":
        return 0.0
    bound = cancellation_atol(arrays["input"], dtype) * np.maximum(arrays.get("pos_weight", 1.0), 1.0)
    return reduce_like(bound * arrays.get("weight", 1.0), reduction)


def class_axis(shape) -> int:
    """PyTorch's class axis: 0 for one example of shape (C,), 1 otherwise."""
    return 0 if len(shape) == 1 else 1


def index_shape(shape) -> tuple[int, ...]:
    """The shape of class-index targets: the input's shape without its class axis."""
    return () if len(shape) == 1 else (shape[0], *shape[2:])


def class_arrays(shape, seed: int, *, target: str, weighted: bool = False) -> dict[str, np.ndarray]:
    """Random inputs of ``cross_entropy`` and ``nll_loss``: logits of scale 3 (for
    ``target="log-probabilities"`` their log-softmax, as ``nll_loss`` wants) with class indices (the
    classes in turn, shuffled), or probability targets drawn from a Dirichlet(1) per row; optionally one
    positive weight per class."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=3.0, size=shape)
    axis = class_axis(shape)
    classes = shape[axis]
    if target == "probabilities":
        gamma = rng.gamma(1.0, size=shape)
        arrays = {"input": logits, "target": gamma / np.sum(gamma, axis=axis, keepdims=True)}
    else:
        indices = rng.permutation(np.arange(math.prod(index_shape(shape)) or 1) % classes)
        arrays = {"input": logits, "target": indices.reshape(index_shape(shape)).astype(np.int64)}
        if target == "log-probabilities":
            arrays["input"] = logits - np.logaddexp.reduce(logits, axis=axis, keepdims=True)
    if weighted:
        arrays["weight"] = rng.uniform(0.2, 2.0, size=classes)
    return arrays


def cross_entropy_atol(arrays, dtype, reduction: str, ignore_index: int = -100, ulps: float = 4.0):
    """PyTorch's absolute error bound for ``cross_entropy``, reduced like the loss.

    PyTorch's ``log_softmax`` computes ``(z_k - m) - log(sum_j exp(z_j - m))``, ``m`` the row's largest
    logit: for the class of the largest logit it keeps only an absolute accuracy of about one ulp, and
    for the others a few ulps of ``|z_k - m|``. Per row the bound is ``ulps`` ulps of the logit range,
    times the largest class weight (a smoothed or soft target mixes several ``-log s_c``, each within
    the bound, with weights summing to at most that).
    """
    z, target = arrays["input"], arrays["target"]
    axis = class_axis(z.shape)
    row = ulps * eps(dtype) * (np.max(z, axis=axis) - np.min(z, axis=axis))
    weight = arrays.get("weight", np.ones(z.shape[axis]))
    if np.issubdtype(target.dtype, np.floating):
        return reduce_like(row * np.max(weight) * np.maximum(np.sum(target, axis=axis), 1.0), reduction)
    counted = target != ignore_index
    bound = np.where(counted, row * np.max(weight), 0.0)
    if reduction == "mean":  # the same denominator as PyTorch's weighted mean
        weights_of_targets = np.where(counted, weight[np.where(counted, target, 0)], 0.0)
        return np.sum(bound) / max(np.sum(weights_of_targets), 1e-300)
    return reduce_like(bound, reduction)


def regression_arrays(shape, seed: int, weighted: bool = False) -> dict[str, np.ndarray]:
    """Predictions and targets of scale 2; optionally positive weights of the same shape."""
    rng = np.random.default_rng(seed)
    arrays = {"input": rng.normal(scale=2.0, size=shape), "target": rng.normal(scale=2.0, size=shape)}
    if weighted:
        arrays["weight"] = rng.uniform(0.2, 2.0, size=shape)
    return arrays


def count_arrays(shape, seed: int, log_input: bool) -> dict[str, np.ndarray]:
    """Counts from a Poisson(2) (zeros and ones included); log-rates of scale 1, or rates in [0, 4]
    with the first one exactly 0."""
    rng = np.random.default_rng(seed)
    target = rng.poisson(2.0, size=shape).astype(np.float64)
    if log_input:
        input = rng.normal(size=shape)
    else:
        input = rng.uniform(0.0, 4.0, size=shape)
        input.reshape(-1)[0] = 0.0
    return {"input": input, "target": target}


# --------------------------------------------------------------------------------------------------
# Keras: tolerances, shapes, sample weights
# --------------------------------------------------------------------------------------------------

KERAS_RTOL = 2e-5
N, T, C = 6, 4, 3
"""The Keras tests' batch size, sequence length and number of classes (or features)."""
KERAS_SHAPES = [(N,), (N, 1), (N, C), (N, T, C)]

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


def keras_value(result) -> np.ndarray:
    """Keras's result as a NumPy array: on this backend it is a torch tensor (Keras's own
    ``convert_to_numpy`` would emit a NumPy 2 DeprecationWarning for each call)."""
    assert isinstance(result, torch.Tensor), f"Keras returned {type(result).__name__}, not a torch tensor"
    return as_numpy(result)


# --------------------------------------------------------------------------------------------------
# Keras: random inputs, exact formulas and the absolute bounds of Keras's own error, per family
# --------------------------------------------------------------------------------------------------


def binary_pair(shape, from_logits: bool, seed, dtype="float32"):
    """Targets uniform in [0, 1]; probabilities uniform in [0, 1] or logits of scale 3. ``seed``: a
    seed or a NumPy generator."""
    rng = np.random.default_rng(seed)
    y_true = rng.uniform(size=shape)
    y_pred = rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def logit_atol(y_pred, from_logits: bool, axis=-1) -> np.ndarray | float:
    """The cancellation bound of Keras's binary logit path (it calls PyTorch's logit loss, which rounds
    a confident correct prediction's loss to 0): ``cancellation_atol``, a few float32 ulps of ``|z|``,
    averaged over ``axis`` like the loss; 0 for probabilities."""
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


def random_probabilities(shape, rng, axis=-1) -> np.ndarray:
    """Rows drawn from a Dirichlet(1) along ``axis``: in [0, 1], summing to 1."""
    gamma = rng.gamma(1.0, size=shape)
    return gamma / np.sum(gamma, axis=axis, keepdims=True)


def random_predictions(shape, from_logits: bool, rng) -> np.ndarray:
    """Logits of scale 3, or unnormalised probabilities uniform in [0.01, 1] (Keras renormalises rows)."""
    return rng.normal(scale=3.0, size=shape) if from_logits else rng.uniform(0.01, 1.0, size=shape)


def class_targets(loss: str, shape, rng) -> np.ndarray:
    """Soft targets (Dirichlet rows) for the categorical class, integer labels for the sparse one."""
    if loss == "CategoricalCrossentropy":
        return random_probabilities(shape, rng).astype("float32")
    return rng.integers(0, shape[-1], size=shape[:-1])


def categorical_atol(y_pred, from_logits: bool, axis=-1, mass=1.0, ulps: float = 4.0):
    """Keras's absolute error per sample on its categorical logit path: it computes ``log_softmax``
    (categorical) or calls ``F.cross_entropy`` (sparse), whose absolute error is ``ulps`` float32 ulps
    of the row's logit range (see :func:`cross_entropy_atol`), times the target's mass (a soft target
    mixes several log-probabilities); 0 for probabilities, which both libraries renormalise, clip to
    [1e-7, 1 - 1e-7] and take the log of in the same order."""
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


def regression_pair(name: str, shape, seed, dtype="float32"):
    """Targets and predictions of scale 2; for ``poisson`` counts from a Poisson(2) and rates in [0, 4]
    (the first one exactly 0, where the loss is ``-y log(1e-7)``). ``seed``: a seed or a generator."""
    rng = np.random.default_rng(seed)
    if name == "poisson":
        y_true = rng.poisson(2.0, size=shape).astype(np.float64)
        y_pred = rng.uniform(0.0, 4.0, size=shape)
        y_pred.reshape(-1)[0] = 0.0
    else:
        y_true, y_pred = rng.normal(scale=2.0, size=shape), rng.normal(scale=2.0, size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def exact_regression(name: str, y_true, y_pred) -> np.ndarray:
    """The textbook formula of ``mean_squared_error``, ``mean_absolute_error`` or ``poisson`` in float64,
    averaged over the last axis."""
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    elementwise = {
        "mean_squared_error": lambda: (y - x) ** 2,
        "mean_absolute_error": lambda: np.abs(y - x),
        "poisson": lambda: x - y * np.log(x + 1e-7),
    }[name]()
    return np.mean(elementwise, axis=-1)


def poisson_atol(name: str, y_true, y_pred, dtype="float32"):
    """8 ulps of the Poisson loss's terms per sample; 0 for the other losses. The loss
    ``x - y log(x + 1e-7)`` is a difference: where its two terms nearly cancel, any implementation keeps
    only a few ulps of the terms, ``|x| + |y log x|`` (averaged like the loss)."""
    if name != "poisson":
        return 0.0
    y, x = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    terms = np.abs(x) + np.abs(y * np.log(x + 1e-7))
    return 8 * float(np.finfo(dtype).eps) * np.mean(terms, axis=-1)


# --------------------------------------------------------------------------------------------------
# Keras: the class comparison
# --------------------------------------------------------------------------------------------------


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
    assert_close(result, keras_value(expected), rtol=KERAS_RTOL, atol=np.sum(bound) * weight_scale)
    dtype = kwargs.get("dtype") or "float32"
    assert_same_kind(
        result, y_pred, dtype=getattr(torch, dtype) if torch.is_tensor(y_pred) else np.dtype(dtype)
    )


# --------------------------------------------------------------------------------------------------
# Small arguments of the error and warning tests
# --------------------------------------------------------------------------------------------------

HALF = np.full(3, 0.5)
LOGITS = np.array([-2.0, 0.5, 3.0])
SOFTMAX = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
"""Two rows of class probabilities (a softmax output), three classes."""
CLASS_LOGITS = np.array([[-2.0, 0.5, 3.0], [1.0, -1.0, 0.0]])
LABELS = np.array([0, 2])
F32 = np.float32
PROBABILITIES = np.array([0.1, 0.7, 0.9])
TARGETS = np.array([0.0, 1.0, 1.0])
"""Probabilities passed where logits belong (the wrong-helper warning), and their targets."""

# Each public entry point of the binary losses as ``(prediction, target)``, so one test covers them all.
BINARY_PROBABILITY_LOSSES = {
    "torch_compat.binary_cross_entropy": torch_compat.binary_cross_entropy,
    "keras_compat.binary_crossentropy": lambda pred, true: keras_compat.binary_crossentropy(true, pred),
    "keras_compat.BinaryCrossentropy": lambda pred, true: keras_compat.BinaryCrossentropy()(true, pred),
}
BINARY_LOGIT_LOSSES = {
    "torch_compat.binary_cross_entropy_with_logits": torch_compat.binary_cross_entropy_with_logits,
    "keras_compat.binary_crossentropy": lambda pred, true: keras_compat.binary_crossentropy(
        true, pred, from_logits=True
    ),
    "keras_compat.BinaryCrossentropy": lambda pred, true: keras_compat.BinaryCrossentropy(from_logits=True)(
        true, pred
    ),
}
BINARY_LOSSES = {f"{name} (probabilities)": f for name, f in BINARY_PROBABILITY_LOSSES.items()} | {
    f"{name} (logits)": f for name, f in BINARY_LOGIT_LOSSES.items()
}
ARGUMENT_NAMES = {"torch_compat": ("input", "target"), "keras_compat": ("y_pred", "y_true")}


def of_layer(losses: dict, layer: str) -> dict:
    """The entries of ``losses`` of one ``layer``: ``"torch_compat"`` or ``"keras_compat"``."""
    return {name: loss for name, loss in losses.items() if name.startswith(f"{layer}.")}


def names_of(loss_name: str) -> tuple[str, str]:
    """The names the loss gives its prediction and its target (PyTorch's or Keras's)."""
    return ARGUMENT_NAMES[loss_name.split(".")[0]]


def valid_prediction(loss_name: str) -> np.ndarray:
    """Three predictions the loss accepts without complaint: probabilities, or logits (not all in [0, 1])."""
    return LOGITS if "logits" in loss_name else HALF


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


def as_input_kind(kind: str, y_true: np.ndarray, y_pred: np.ndarray):
    """The pair as torch tensors (``kind == "torch"``) or as Python lists, and the array whose kind and
    dtype the result should have (the tensor, or the float32 NumPy array Keras makes of a list)."""
    if kind == "torch":
        y_true, y_pred = torch.from_numpy(y_true), torch.from_numpy(y_pred)
        return y_true, y_pred, y_pred
    return y_true.tolist(), y_pred.tolist(), y_pred


# --------------------------------------------------------------------------------------------------
# Focal losses (Keras's and torchvision's): the absolute error of computing 1 - p_t by subtraction
# --------------------------------------------------------------------------------------------------


def focal_factor_atol(cross_entropy, gamma: float, dtype, ulps: float = 4.0):
    """Per-element bound of the error a framework makes in ``(1 - p_t)**gamma * CE`` by computing
    ``1 - p_t`` as ``1 - (y p + (1 - y)(1 - p))``: that subtraction keeps an absolute accuracy of a few
    ulps of 1, ``u = ulps * eps``, so ``(1 - p_t)**gamma`` is off by at most ``gamma * u`` (for
    ``gamma >= 1``; ``u**gamma`` for ``0 < gamma < 1``, none for ``gamma = 0``), times the cross-entropy.
    For a confident correct prediction this is the whole (tiny) loss: the framework returns 0."""
    u = ulps * eps(dtype)
    magnitude = np.abs(np.asarray(cross_entropy, np.float64))
    if gamma == 0:
        return np.zeros_like(magnitude)
    return magnitude * (gamma * u if gamma >= 1 else u**gamma)


def focal_cancellation_atol(inputs, targets, gamma: float, dtype, reduction: str):
    """torchvision's absolute error bound for ``sigmoid_focal_loss``, reduced like the loss: the
    ``1 - p_t`` subtraction (:func:`focal_factor_atol`) plus PyTorch's logit-loss cancellation
    (``cancellation_atol``, a few ulps of ``|z|``), whose weight ``alpha_t (1 - p_t)**gamma`` is at most 1."""
    x, y = np.asarray(inputs, np.float64), np.asarray(targets, np.float64)
    cross_entropy = y * np.logaddexp(0.0, -x) + (1 - y) * np.logaddexp(0.0, x)
    bound = focal_factor_atol(cross_entropy, gamma, dtype) + cancellation_atol(x, dtype)
    return reduce_like(bound, reduction)


# --------------------------------------------------------------------------------------------------
# Margin losses (test_classification_margin_*): random inputs, Keras's cancellation bound
# --------------------------------------------------------------------------------------------------


def margin_arrays(name: str, shape, seed: int, *, weight_shape=None) -> dict[str, np.ndarray]:
    """Random inputs of PyTorch's margin losses: scores of scale 1.5 (so that some margins are met and
    some violated) with, per loss, class indices (``multi_margin_loss``), rows of labels padded with -1
    (``multilabel_margin_loss``: random lengths, including no label, every label and a repeated one,
    and in-range values after the first -1), ±1 labels (``soft_margin_loss``) or 0/1 labels
    (``multilabel_soft_margin_loss``); optionally positive weights of ``weight_shape``."""
    rng = np.random.default_rng(seed)
    input = rng.normal(scale=1.5, size=shape)
    classes = shape[-1] if shape else 1
    if name == "multi_margin_loss":
        target = rng.integers(0, classes, size=shape[:-1]).astype(np.int64)
    elif name == "multilabel_margin_loss":
        rows = rng.integers(-1, classes, size=(int(np.prod(shape[:-1], dtype=int)), classes))
        for i, row in enumerate(rows):
            length = i % (classes + 1)  # 0, 1, ..., C labels before the padding
            row[:length] = rng.permutation(classes)[:length]
            if length < classes:
                row[length] = -1
        if len(rows) > 2 and classes > 1:
            rows[2, :2] = rows[2, 0]  # a label listed twice
        target = rows.reshape(shape).astype(np.int64)
    elif name == "soft_margin_loss":
        target = rng.choice([-1.0, 1.0], size=shape)
    else:
        target = rng.choice([0.0, 1.0], size=shape)
    arrays = {"input": input, "target": target}
    if weight_shape is not None:
        arrays["weight"] = rng.uniform(0.2, 2.0, size=weight_shape)
    return arrays


def generalized_cross_entropy_atol(q: float) -> float:
    """Keras's absolute error in float32 for ``(1 - p**q) / q``: the difference of two terms of size at
    most 1 keeps a few float32 ulps of 1, divided by q (it cancels for ``p`` close to 1)."""
    return 4 * float(np.finfo(np.float32).eps) / q


TORCH_CALLS.update(
    {
        "multi_margin_loss": lambda **kw: torch_compat.multi_margin_loss(CLASS_LOGITS, LABELS, **kw),
        "multilabel_margin_loss": lambda **kw: torch_compat.multilabel_margin_loss(
            CLASS_LOGITS, np.array([[2, -1, 0], [0, 1, -1]]), **kw
        ),
        "soft_margin_loss": lambda **kw: torch_compat.soft_margin_loss(
            LOGITS, np.array([1.0, -1.0, 1.0]), **kw
        ),
        "multilabel_soft_margin_loss": lambda **kw: torch_compat.multilabel_soft_margin_loss(
            CLASS_LOGITS, np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), **kw
        ),
    }
)
