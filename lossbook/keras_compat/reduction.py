"""Keras's reductions, in one place: the ``Loss`` class, the generic wrapper, sample weights and masks.

A Keras loss class (``BinaryCrossentropy(...)(y_true, y_pred, sample_weight)``) is a loss function
wrapped by :class:`LossFunctionWrapper`: it casts the inputs to its ``dtype``, calls the function for one
loss per sample, folds a mask (``ignore_class``) into the sample weights, and reduces with
:func:`reduce_weighted_values`, as ``keras/src/losses/loss.py`` does. ``model.fit(class_weight=...)``
turns class weights into sample weights (:func:`class_weight_to_sample_weight`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lossbook._arrays import ArrayLike, as_array_like, as_array_result, namespace, shape_of, to_numpy_like
from lossbook._validation import check_choice
from lossbook.keras_compat.conventions import squeeze_or_expand_to_same_rank

__all__ = [
    "REDUCTIONS",
    "reduce_weighted_values",
    "mask_to_sample_weight",
    "Loss",
    "LossFunctionWrapper",
    "class_weight_to_sample_weight",
    "balanced_class_weight",
]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
"""Keras 3's reductions. ``"mean"`` is a synonym of ``"sum_over_batch_size"``; ``None`` of ``"none"``."""


def _check_sample_weight(values: ArrayLike, sample_weight: ArrayLike) -> None:
    """``sample_weight`` must be a scalar or have the rank of the losses, each axis 1 or equal.

    Keras multiplies with NumPy broadcasting, which aligns trailing axes: weights of shape ``(N,)``
    against losses of shape ``(N, T)`` then fail, or, when ``T == N``, weight the wrong axis without
    a word. lossbook only accepts the unambiguous cases.
    """
    ws, vs = shape_of(sample_weight), shape_of(values)
    if ws == () or (len(ws) == len(vs) and all(w in (1, v) for w, v in zip(ws, vs, strict=True))):
        return
    if vs == ():
        raise ValueError(
            f"argument `sample_weight`: received sample_weight.shape={ws}, but the loss function returned "
            "a single value for the whole batch: it averages over the last axis, so targets of shape "
            "(N,) give one loss, not N. For one loss per example, give y_true and y_pred a trailing "
            "axis of length 1, shape (N, 1)"
        )
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
    if reduction in (None, "none") or shape_of(values) in ((), (0,)):
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
