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

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, as_array_result, namespace, to_numpy_like
from lossbook._validation import (
    check_choice,
    check_in_closed_interval,
    check_no_nan,
    check_number_in_closed_interval,
    check_real_floating,
    check_same_shape,
    warn_if_all_in_unit_interval,
)

__all__ = [
    "EPSILON",
    "REDUCTIONS",
    "binary_crossentropy",
    "Loss",
    "LossFunctionWrapper",
    "BinaryCrossentropy",
    "reduce_weighted_values",
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


def _prepare_pair(y_true: ArrayLike, y_pred: ArrayLike):
    """Keras's input handling: ``y_pred`` as given (lists as float32), ``y_true`` cast to its dtype."""
    y_pred = to_numpy_like(y_pred)
    y_true = as_array_like(y_true, y_pred)
    xp = namespace(y_true, y_pred)
    check_real_floating("y_pred", y_pred)
    y_true = xp.astype(y_true, y_pred.dtype)
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


def reduce_weighted_values(
    values: ArrayLike,
    sample_weight: ArrayLike | None = None,
    reduction: str | None = "sum_over_batch_size",
) -> ArrayLike:
    r"""Keras's reduction of per-sample losses :math:`\ell_i` with optional weights :math:`w_i`.

    * ``"none"`` / ``None``: :math:`w_i \ell_i`, unreduced;
    * ``"sum"``: :math:`\sum_i w_i \ell_i`;
    * ``"sum_over_batch_size"`` / ``"mean"``: :math:`\sum_i w_i \ell_i / n`, with :math:`n` the
      number of loss values, *including* those whose weight is 0;
    * ``"mean_with_sample_weight"``: :math:`\sum_i w_i \ell_i / \sum_i w_i` (a true weighted mean).

    A division by zero gives 0 (Keras's ``divide_no_nan``). A scalar loss, or an empty batch, is
    returned as it is, whatever the reduction.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    xp = namespace(values, sample_weight)
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
        return reduce_weighted_values(losses, sample_weight=sample_weight, reduction=self.reduction)

    def call(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError

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
