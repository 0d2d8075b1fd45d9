"""Keras 3's loss API (``keras.losses``), built on :mod:`lossbook.core`.

Two layers, as in Keras:

* **functions** such as :func:`binary_crossentropy` return one loss per sample: the per-element loss
  averaged over ``axis`` (the last axis by default), with Keras's conventions (probabilities clipped to
  ``[EPSILON, 1 - EPSILON]``, label smoothing towards 1/2);
* **classes** such as :class:`BinaryCrossentropy` wrap a function with a reduction and
  ``sample_weight``, through one generic :class:`LossFunctionWrapper`, exactly as Keras does.

Values match Keras 3 to 2e-5 relative in float32. Where Keras loses digits (with ``from_logits=True``
it calls PyTorch's logit loss, which cancels for confident predictions) these functions keep them.
Inputs may be NumPy arrays, torch tensors or Python numbers and lists (taken as float32, Keras's
``floatx``); the result is a NumPy array for everything but torch input, which gives a torch tensor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, as_array_result, namespace, to_numpy_like
from lossbook._validation import (
    check_choice,
    check_class_indices,
    check_in_closed_interval,
    check_no_nan,
    check_number_in_closed_interval,
    check_real_floating,
    check_same_shape,
    warn_if_all_in_unit_interval,
    warn_if_rows_are_probabilities,
)

__all__ = [
    "EPSILON",
    "REDUCTIONS",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "poisson",
    "Loss",
    "LossFunctionWrapper",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Poisson",
    "reduce_weighted_values",
    "class_weight_to_sample_weight",
    "balanced_class_weight",
]

EPSILON = 1e-7
"""``keras.config.epsilon()``: Keras clips probabilities to ``[EPSILON, 1 - EPSILON]`` before a log."""

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
"""Keras 3's reductions. ``"mean"`` is a synonym of ``"sum_over_batch_size"``; ``None`` of ``"none"``."""


# --------------------------------------------------------------------------------------------------
# Conventions shared by the probability losses
# --------------------------------------------------------------------------------------------------


def clip_probabilities(y_pred: ArrayLike) -> ArrayLike:
    """Clip to ``[EPSILON, 1 - EPSILON]`` in ``y_pred``'s own dtype, as Keras does.

    In float32, ``1 - 1e-7`` is not representable and rounds to ``1 - 2**-23`` (0.99999988), so the
    upper clip lies farther from 1 (1.19e-7) than the lower one from 0 (1e-7): a prediction of
    exactly 1 for a negative example costs ``-log(2**-23) = 15.94``, while a prediction of exactly 0
    for a positive one costs ``-log(1e-7) = 16.12``.
    """
    xp = namespace(y_pred)
    low = xp.full_like(y_pred, EPSILON)
    high = xp.full_like(y_pred, 1.0 - EPSILON)
    return xp.minimum(xp.maximum(y_pred, low), high)


def smooth_binary_labels(y_true: ArrayLike, label_smoothing: float) -> ArrayLike:
    r"""Keras's binary label smoothing: :math:`y \mapsto y(1 - s) + s/2`, squeezing targets towards 1/2.

    Reference: Szegedy et al., "Rethinking the Inception architecture for computer vision", CVPR 2016
    (arXiv:1512.00567), section 7; Müller, Kornblith and Hinton, "When does label smoothing help?",
    NeurIPS 2019 (arXiv:1906.02629).
    """
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _prepare_pair(y_true: ArrayLike, y_pred: ArrayLike, *, align_ranks: bool = False):
    """Keras's input handling: ``y_pred`` as given (lists as float32), ``y_true`` cast to its dtype.

    With ``align_ranks`` Keras's rank fix (:func:`squeeze_or_expand_to_same_rank`) is applied first, as
    the regression losses do; after it the shapes must be equal (Keras would broadcast them).
    """
    y_pred = to_numpy_like(y_pred)
    y_true = as_array_like(y_true, y_pred)
    xp = namespace(y_true, y_pred)
    check_real_floating("y_pred", y_pred)
    y_true = xp.astype(y_true, y_pred.dtype)
    if align_ranks:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape("y_true", y_true, "y_pred", y_pred)
    check_no_nan("y_true", y_true, xp)
    check_no_nan("y_pred", y_pred, xp)
    return y_true, y_pred, xp


# --------------------------------------------------------------------------------------------------
# Functions: one loss per sample
# --------------------------------------------------------------------------------------------------


def binary_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> ArrayLike:
    r"""``keras.losses.binary_crossentropy``: the mean over ``axis`` of the element-wise BCE.

    .. math:: \mathrm{loss} = \operatorname{mean}_{\text{axis}}
              -\bigl[\,\tilde y \log \hat p + (1 - \tilde y) \log(1 - \hat p)\,\bigr]

    with :math:`\tilde y = y(1 - s) + s/2` (label smoothing :math:`s`) and
    :math:`\hat p = \operatorname{clip}(p, \epsilon, 1 - \epsilon)`, :math:`\epsilon = 10^{-7}`, for
    probabilities; for ``from_logits=True`` the loss is computed from the logits with no clipping
    (:func:`lossbook.core.binary_cross_entropy_with_logits`). Targets must lie in [0, 1].

    Keras clips any ``y_pred`` silently; lossbook refuses probabilities outside [0, 1] (they are
    nearly always logits passed without ``from_logits=True``) and warns when ``from_logits=True``
    receives values that all look like probabilities.
    """
    y_true, y_pred, xp = _prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    check_in_closed_interval(
        "y_true", y_true, xp, 0.0, 1.0, hint="binary cross-entropy targets are probabilities"
    )
    y_true = smooth_binary_labels(y_true, label_smoothing)
    if from_logits:
        warn_if_all_in_unit_interval(
            "y_pred", y_pred, xp,
            advice="If they are probabilities (a sigmoid output), use from_logits=False.",
        )
        elementwise = core.binary_cross_entropy_with_logits(y_true, y_pred)
    else:
        check_in_closed_interval(
            "y_pred", y_pred, xp, 0.0, 1.0,
            hint="With from_logits=False, y_pred must be probabilities; values outside [0, 1] look "
            "like logits: pass from_logits=True (Keras would silently clip them to [1e-7, 1 - 1e-7])",
        )
        elementwise = core.binary_cross_entropy(y_true, clip_probabilities(y_pred))
    return as_array_result(xp, xp.mean(elementwise, axis=axis))


def smooth_categorical_labels(y_true: ArrayLike, label_smoothing: float) -> ArrayLike:
    r"""Keras's categorical label smoothing: :math:`y \mapsto (1 - s)\,y + s/K` over :math:`K` classes.

    Keras takes :math:`K` from the *last* axis of ``y_true`` even when the classes lie along another
    ``axis``; lossbook does the same, so that the numbers match (put the classes last to avoid the
    surprise).

    Reference: Szegedy et al. 2016 (arXiv:1512.00567), section 7.
    """
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]


def normalize_and_clip_probabilities(y_pred: ArrayLike, axis: int) -> ArrayLike:
    """Keras's categorical probability convention: divide each row by its sum, then clip to ``[ε, 1 - ε]``."""
    xp = namespace(y_pred)
    return clip_probabilities(y_pred / xp.sum(y_pred, axis=axis, keepdims=True))


def _refuse_single_class(y_pred: ArrayLike, axis: int, function: str) -> None:
    if y_pred.ndim and y_pred.shape[axis] == 1:
        raise ValueError(
            f"argument `y_pred`: {function} needs one column per class, so at least 2 along axis {axis}; "
            f"received y_pred.shape={tuple(int(n) for n in y_pred.shape)}. A softmax over a single output "
            "is always 1, so this loss cannot learn: for two classes with one output use binary_crossentropy"
        )


def _check_probabilities_or_logits(y_pred: ArrayLike, xp, from_logits: bool, axis: int) -> None:
    if from_logits:
        warn_if_rows_are_probabilities(
            "y_pred", y_pred, xp, axis,
            advice="If they are a softmax output, use from_logits=False (softmax would be applied twice).",
        )
    else:
        check_in_closed_interval(
            "y_pred", y_pred, xp, 0.0, 1.0,
            hint="With from_logits=False, y_pred must be probabilities; values outside [0, 1] look like "
            "logits: pass from_logits=True",
        )


def categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> ArrayLike:
    r"""``keras.losses.categorical_crossentropy``: one loss per sample, classes along ``axis``.

    .. math:: \mathrm{loss} = -\sum_{k} \tilde y_k \log \hat q_k, \qquad
              \tilde y = (1 - s)\,y + s/K,

    where for probabilities :math:`\hat q` is the row renormalised to sum 1 and clipped to
    :math:`[\epsilon, 1 - \epsilon]`, and for ``from_logits=True`` :math:`\log\hat q` is the stable
    :func:`lossbook.core.log_softmax`. ``y_true`` holds one-hot or soft targets of ``y_pred``'s shape.

    Keras renormalises probability rows silently and warns only when there is a single class;
    lossbook refuses a single class, refuses probabilities outside [0, 1], and warns when
    ``from_logits=True`` receives rows that already look like a softmax output.
    """
    y_true, y_pred, xp = _prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    _refuse_single_class(y_pred, axis, "categorical_crossentropy")
    check_in_closed_interval("y_true", y_true, xp, 0.0, 1.0, hint="targets are class probabilities")
    _check_probabilities_or_logits(y_pred, xp, from_logits, axis)
    y_true = smooth_categorical_labels(y_true, label_smoothing)  # towards 1/shape[-1], whatever axis is
    if from_logits:
        return core.softmax_cross_entropy(y_true, y_pred, axis=axis)
    return core.categorical_cross_entropy(y_true, normalize_and_clip_probabilities(y_pred, axis), axis=axis)


def _integer_labels(y_true: ArrayLike, y_pred: ArrayLike, axis: int, ignore_class: int | None, xp):
    """Keras's sparse labels: a trailing axis of 1 is squeezed; float labels are taken as integers."""
    y_true = as_array_like(y_true, y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = xp.squeeze(y_true, axis=axis)
    expected = tuple(int(n) for i, n in enumerate(y_pred.shape) if i != axis % y_pred.ndim)
    if tuple(int(n) for n in y_true.shape) != expected:
        raise ValueError(
            f"argument `y_true`: expected integer labels of shape {expected} (y_pred's shape without the "
            f"class axis {axis}), received y_true.shape={tuple(int(n) for n in y_true.shape)}. One-hot "
            "targets belong to categorical_crossentropy"
        )
    check_no_nan("y_true", y_true, xp)
    labels = xp.astype(xp.round(y_true), xp.int64) if "float" in str(y_true.dtype) else y_true
    if "float" in str(y_true.dtype) and bool(xp.any(xp.astype(labels, y_true.dtype) != y_true)):
        raise ValueError("argument `y_true`: expected integer class labels, received non-integer values")
    labels = xp.astype(labels, xp.int64)
    check_class_indices("y_true", labels, xp, int(y_pred.shape[axis]), ignore_class)
    return labels


def sparse_categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> ArrayLike:
    r"""``keras.losses.sparse_categorical_crossentropy``: integer labels, one loss per sample.

    .. math:: \mathrm{loss} = -\log \hat q_{c}

    with :math:`c` the label and :math:`\hat q` as in :func:`categorical_crossentropy` (the same value as
    on one-hot targets, but only the true class's entry is read: no one-hot array of size K is built).
    ``y_true`` has ``y_pred``'s shape without the class axis (or with a trailing 1). Samples whose label
    equals ``ignore_class`` get a loss of 0, and the classes exclude them from the mean
    (:meth:`SparseCategoricalCrossentropy.loss_mask`).
    """
    y_pred = to_numpy_like(y_pred)
    xp = namespace(y_pred)
    check_real_floating("y_pred", y_pred)
    check_no_nan("y_pred", y_pred, xp)
    _refuse_single_class(y_pred, axis, "sparse_categorical_crossentropy")
    _check_probabilities_or_logits(y_pred, xp, from_logits, axis)
    labels = _integer_labels(y_true, y_pred, axis, ignore_class, xp)
    counted = None if ignore_class is None else labels != ignore_class
    if counted is not None:
        labels = xp.where(counted, labels, xp.zeros_like(labels))
    y_pred = xp.moveaxis(y_pred, axis, -1)
    if from_logits:
        loss = core.sparse_softmax_cross_entropy(labels, y_pred)
    else:
        picked = xp.take_along_axis(
            normalize_and_clip_probabilities(y_pred, -1), xp.expand_dims(labels, axis=-1), axis=-1
        )
        loss = -xp.log(xp.squeeze(picked, axis=-1))
    if counted is not None:
        loss = xp.where(counted, loss, xp.zeros_like(loss))
    return as_array_result(xp, loss)


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_squared_error``: :math:`\operatorname{mean}_{\text{last axis}} (y - \hat y)^2`.

    Keras aligns ranks (``(N,)`` against ``(N, 1)``) and then broadcasts whatever is left, so a target of
    shape ``(N,)`` against a prediction of shape ``(N, 3)`` runs; lossbook raises instead.
    """
    y_true, y_pred, xp = _prepare_pair(y_true, y_pred, align_ranks=True)
    return as_array_result(xp, xp.mean(core.squared_error(y_true, y_pred), axis=-1))


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_absolute_error``: :math:`\operatorname{mean}_{\text{last axis}} |y - \hat y|`."""
    y_true, y_pred, xp = _prepare_pair(y_true, y_pred, align_ranks=True)
    return as_array_result(xp, xp.mean(core.absolute_error(y_true, y_pred), axis=-1))


def poisson(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.poisson``: the mean over the last axis of :math:`\hat y - y \log(\hat y + \epsilon)`.

    ``y_pred`` is the predicted rate (non-negative, e.g. from an exponential or softplus output) and
    ``y_true`` the observed counts. :math:`\epsilon = 10^{-7}` guards the log at a rate of 0.
    """
    y_true, y_pred, xp = _prepare_pair(y_true, y_pred)
    check_in_closed_interval("y_true", y_true, xp, 0.0, math.inf, hint="Poisson targets are counts")
    check_in_closed_interval(
        "y_pred", y_pred, xp, 0.0, math.inf,
        hint="Poisson predictions are rates; for log-rates exponentiate first (or use PyTorch's "
        "poisson_nll_loss with log_input=True)",
    )
    return as_array_result(xp, xp.mean(core.poisson_nll(y_true, y_pred, epsilon=EPSILON), axis=-1))


# --------------------------------------------------------------------------------------------------
# Classes: a reduction and sample weights around a function
# --------------------------------------------------------------------------------------------------


def squeeze_or_expand_to_same_rank(x1: ArrayLike, x2: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
    """Keras's rank fix: when ranks differ by one and the longer has a trailing 1, align them.

    This is how Keras accepts ``y_true`` of shape ``(N,)`` with ``y_pred`` of shape ``(N, 1)``: a
    documented rule, not a general broadcast. A rank-1 partner is expanded, anything else squeezed.
    """
    xp = namespace(x1, x2)
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        return (x1, xp.expand_dims(x2, axis=-1)) if r2 == 1 else (xp.squeeze(x1, axis=-1), x2)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        return (xp.expand_dims(x1, axis=-1), x2) if r1 == 1 else (x1, xp.squeeze(x2, axis=-1))
    return x1, x2


def _check_sample_weight(values: ArrayLike, sample_weight: ArrayLike) -> None:
    """``sample_weight`` must be a scalar or have the rank of the losses, each axis 1 or equal.

    Keras multiplies with NumPy broadcasting, which aligns trailing axes: weights of shape ``(N,)``
    against losses of shape ``(N, T)`` then fail, or, when ``T == N``, weight the wrong axis without
    a word. lossbook only accepts the unambiguous cases.
    """
    ws, vs = tuple(sample_weight.shape), tuple(values.shape)
    if ws == () or (len(ws) == len(vs) and all(w in (1, v) for w, v in zip(ws, vs, strict=True))):
        return
    raise ValueError(
        f"argument `sample_weight`: expected a scalar or a shape of rank {len(vs)} whose axes are 1 "
        f"or equal to those of the per-sample losses {vs}; received sample_weight.shape={ws}. "
        "Reshape it (for example add a trailing axis of length 1) so that its meaning is explicit"
    )


def mask_to_sample_weight(
    mask: ArrayLike, sample_weight: ArrayLike | None, reduction: str | None
) -> ArrayLike:
    r"""Keras's ``apply_mask``: fold a boolean mask of counted losses into the sample weights.

    For ``"sum_over_batch_size"`` a counted loss gets weight :math:`n / n_{\text{valid}}` (so that the
    division by all :math:`n` values becomes a mean over the :math:`n_{\text{valid}}` counted ones),
    otherwise weight 1; masked-out losses get 0. This is how ``ignore_class`` leaves the denominator.
    """
    xp = namespace(mask, sample_weight)
    dtype = sample_weight.dtype if sample_weight is not None else xp.float32
    ones = xp.ones(mask.shape, dtype=dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = xp.sum(xp.astype(mask, dtype))
        total = xp.asarray(math.prod(mask.shape), dtype=dtype)
        scale = xp.where(valid == 0, xp.zeros_like(valid), total / xp.where(valid == 0, total, valid))
        ones = ones * scale
    mask_weight = xp.where(mask, ones, xp.zeros_like(ones))
    if sample_weight is None:
        return mask_weight
    mask_weight, sample_weight = squeeze_or_expand_to_same_rank(mask_weight, sample_weight)
    return sample_weight * mask_weight


def reduce_weighted_values(
    values: ArrayLike,
    sample_weight: ArrayLike | None = None,
    reduction: str | None = "sum_over_batch_size",
    mask: ArrayLike | None = None,
) -> ArrayLike:
    r"""Keras's reduction of per-sample losses :math:`\ell_i` with optional weights :math:`w_i`.

    * ``"none"`` / ``None``: :math:`w_i \ell_i`, unreduced;
    * ``"sum"``: :math:`\sum_i w_i \ell_i`;
    * ``"sum_over_batch_size"`` / ``"mean"``: :math:`\sum_i w_i \ell_i / n`, with :math:`n` the
      number of loss values, *including* those whose weight is 0;
    * ``"mean_with_sample_weight"``: :math:`\sum_i w_i \ell_i / \sum_i w_i` (a true weighted mean).

    A division by zero gives 0 (Keras's ``divide_no_nan``). A scalar loss, or an empty batch, is
    returned as it is, whatever the reduction. A boolean ``mask`` (``False`` for losses that do not
    count, such as ``ignore_class`` labels) is folded into the weights first
    (:func:`mask_to_sample_weight`).
    """
    check_choice("reduction", reduction, REDUCTIONS)
    xp = namespace(values, sample_weight, mask)
    if sample_weight is not None:
        sample_weight = xp.astype(sample_weight, values.dtype)
    if mask is not None:
        sample_weight = mask_to_sample_weight(mask, sample_weight, reduction)
    if sample_weight is not None:
        sample_weight = xp.astype(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_sample_weight(values, sample_weight)
        values = as_array_result(xp, values * sample_weight)  # NumPy makes 0-d * 0-d a scalar
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    total = xp.sum(values)
    if reduction == "sum":
        return as_array_result(xp, total)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = xp.sum(sample_weight)
    else:
        divisor = xp.asarray(math.prod(values.shape), dtype=values.dtype)
    safe_divisor = xp.where(divisor == 0, xp.ones_like(divisor), divisor)
    return as_array_result(xp, xp.where(divisor == 0, xp.zeros_like(total), total / safe_divisor))


class Loss:
    """Keras's ``keras.losses.Loss``: ``loss(y_true, y_pred, sample_weight=None)`` reduces ``call``.

    ``dtype`` is the dtype of the computation (Keras's default is ``floatx``, float32): inputs are
    cast to it first, so even float64 arrays are reduced in float32 unless ``dtype="float64"``.
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: str | None = None,
    ) -> None:
        check_choice("reduction", reduction, REDUCTIONS)
        dtype = dtype or "float32"
        check_choice("dtype", dtype, ("float16", "float32", "float64"))
        self.name = name or type(self).__name__
        self.reduction = reduction
        self.dtype = dtype

    def __call__(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> ArrayLike:
        y_pred = to_numpy_like(y_pred, self.dtype)
        y_true = as_array_like(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = as_array_like(sample_weight, y_pred)
        xp = namespace(y_true, y_pred, sample_weight)
        dtype = getattr(xp, self.dtype)
        y_true, y_pred = xp.astype(y_true, dtype), xp.astype(y_pred, dtype)
        if sample_weight is not None:
            sample_weight = xp.astype(sample_weight, dtype)
        losses = self.call(y_true, y_pred)
        mask = self.loss_mask(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight, reduction=self.reduction, mask=mask)

    def call(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError

    def loss_mask(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike | None:
        """Which per-sample losses count (``None``: all). Keras attaches this mask to the losses."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, reduction={self.reduction!r})"


class LossFunctionWrapper(Loss):
    """Keras's generic class around a loss function: the rank fix, then ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(
        self,
        fn: Callable[..., ArrayLike],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def call(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)


class BinaryCrossentropy(LossFunctionWrapper):
    """``keras.losses.BinaryCrossentropy``: :func:`binary_crossentropy` with a reduction."""

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """``keras.losses.CategoricalCrossentropy``: :func:`categorical_crossentropy` with a reduction."""

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """``keras.losses.SparseCategoricalCrossentropy``: :func:`sparse_categorical_crossentropy`, reduced.

    Labels equal to ``ignore_class`` are masked out of the reduction: with ``"sum_over_batch_size"`` the
    mean is over the counted samples only.
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.ignore_class = ignore_class
        self.axis = axis

    def loss_mask(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike | None:
        if self.ignore_class is None:
            return None
        xp = namespace(y_true, y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_true.ndim == y_pred.ndim and y_true.shape[self.axis] == 1:
            y_true = xp.squeeze(y_true, axis=self.axis)
        return y_true != self.ignore_class


class MeanSquaredError(LossFunctionWrapper):
    """``keras.losses.MeanSquaredError``: :func:`mean_squared_error` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """``keras.losses.MeanAbsoluteError``: :func:`mean_absolute_error` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """``keras.losses.Poisson``: :func:`poisson` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "poisson",
        dtype: str | None = None,
    ) -> None:
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


# --------------------------------------------------------------------------------------------------
# Class weights: what model.fit(class_weight=...) does
# --------------------------------------------------------------------------------------------------


def class_weight_to_sample_weight(y_true: ArrayLike, class_weight: dict[int, float]) -> np.ndarray:
    """The per-sample weights ``model.fit(class_weight=...)`` multiplies each sample's loss by.

    Each sample gets the weight of its class; classes missing from the dict get 1. ``y_true`` may be
    integer labels of shape ``(N,)`` or ``(N, 1)`` (binary labels included) or one-hot rows of shape
    ``(N, K)`` (the class is the argmax), as in Keras. The result is a float32 NumPy array of shape
    ``(N,)``, which Keras then treats exactly like a ``sample_weight`` argument.
    """
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"argument `class_weight`: expected a dict {{class index: weight}}, received "
            f"{type(class_weight).__name__}"
        )
    labels = np.asarray(y_true.detach().cpu() if hasattr(y_true, "detach") else y_true)
    if labels.ndim > 1:
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] != 1 else np.squeeze(labels, axis=-1)
    if labels.ndim != 1:
        raise ValueError(
            f"argument `y_true`: expected labels of shape (N,), (N, 1) or one-hot (N, K), received "
            f"y_true.shape={np.shape(y_true)}"
        )
    labels = np.round(labels).astype(np.int64)
    return np.array([class_weight.get(int(label), 1.0) for label in labels], dtype=np.float32)


def balanced_class_weight(labels: ArrayLike, num_classes: int) -> dict[int, float]:
    r"""Inverse-frequency class weights :math:`w_k = N / (K\, n_k)`, for ``class_weight`` or ``weight``.

    :math:`N` is the number of labels, :math:`K` the number of classes and :math:`n_k` the count of
    class :math:`k`; each class then carries the same total weight :math:`N / K`. (scikit-learn calls
    this heuristic ``"balanced"``.) A class that never occurs raises, since its weight would be infinite.

    Reference: King and Zeng, "Logistic regression in rare events data", Political Analysis 9(2), 2001;
    Elkan, "The foundations of cost-sensitive learning", IJCAI 2001.
    """
    labels = np.asarray(labels.detach().cpu() if hasattr(labels, "detach") else labels).reshape(-1)
    counts = np.bincount(labels.astype(np.int64), minlength=num_classes)
    if len(counts) > num_classes or np.any(counts == 0):
        raise ValueError(
            f"argument `labels`: expected every class 0..{num_classes - 1} to occur at least once and no "
            f"other label; received counts {counts.tolist()}"
        )
    return {k: float(labels.size / (num_classes * counts[k])) for k in range(num_classes)}
