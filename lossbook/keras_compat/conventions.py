"""Keras's input conventions, each written once: epsilon clipping, label smoothing, the per-sample mean.

Keras's loss functions share these steps, in this order: take ``y_pred`` as given (Python data as
``floatx``, float32) and cast ``y_true`` to its dtype (:func:`prepare_pair`); smooth the labels; clip
probabilities to ``[EPSILON, 1 - EPSILON]`` before a log; and return one loss per sample, the mean of the
per-element losses over the last axis (:func:`mean_over_axis`).
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, as_array_result, namespace, to_numpy_like
from lossbook._validation import check_pair, check_real_floating

__all__ = [
    "EPSILON",
    "prepare_pair",
    "squeeze_or_expand_to_same_rank",
    "clip_probabilities",
    "normalize_and_clip_probabilities",
    "smooth_binary_labels",
    "smooth_categorical_labels",
    "mean_over_axis",
]

EPSILON = 1e-7
"""``keras.config.epsilon()``: Keras clips probabilities to ``[EPSILON, 1 - EPSILON]`` before a log."""


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


def prepare_pair(y_true: ArrayLike, y_pred: ArrayLike, *, align_ranks: bool = False):
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
    check_pair("y_true", y_true, "y_pred", y_pred, xp)
    return y_true, y_pred, xp


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


def normalize_and_clip_probabilities(y_pred: ArrayLike, axis: int) -> ArrayLike:
    """Keras's categorical probability convention: divide each row by its sum, then clip to ``[ε, 1 - ε]``."""
    xp = namespace(y_pred)
    return clip_probabilities(y_pred / xp.sum(y_pred, axis=axis, keepdims=True))


def smooth_binary_labels(y_true: ArrayLike, label_smoothing: float) -> ArrayLike:
    r"""Keras's binary label smoothing: :math:`y \mapsto y(1 - s) + s/2`, squeezing targets towards 1/2.

    :func:`lossbook.core.smooth_labels` with two classes.
    """
    return core.smooth_labels(y_true, label_smoothing, 2)


def smooth_categorical_labels(y_true: ArrayLike, label_smoothing: float) -> ArrayLike:
    r"""Keras's categorical label smoothing: :math:`y \mapsto (1 - s)\,y + s/K` over :math:`K` classes.

    Keras takes :math:`K` from the *last* axis of ``y_true`` even when the classes lie along another
    ``axis``; lossbook does the same, so that the numbers match (put the classes last to avoid the
    surprise).
    """
    return core.smooth_labels(y_true, label_smoothing, y_true.shape[-1])


def mean_over_axis(values: ArrayLike, axis: int = -1) -> ArrayLike:
    """One loss per sample: the mean of the per-element losses over ``axis`` (Keras: the last axis).

    This is why Keras's numbers for shapes ``(N, 1)`` and ``(N,)`` can differ: the first gives N
    per-sample losses, the second a single loss already averaged over the N elements, which a ``"sum"``
    reduction or per-sample weights then treat differently.
    """
    xp = namespace(values)
    return as_array_result(xp, xp.mean(values, axis=axis))
