"""Keras's focal losses: ``binary_focal_crossentropy`` and ``categorical_focal_crossentropy``, as
functions (one loss per sample) and as classes (with a reduction and ``sample_weight``).

Thin conventions over :mod:`lossbook.core.classification_focal`, reproducing Keras 3's numbers
(``keras/src/losses/losses.py``):

* **Binary.** The cross-entropy term is taken of the prediction clipped to ``[1e-7, 1 - 1e-7]``, but
  the focal factor :math:`(1 - p_t)^{\\gamma}` of the prediction *as given*. ``alpha`` is used only
  with ``apply_class_balancing=True``. The per-element losses are averaged over ``axis``.
* **Categorical.** Each row is renormalised to sum 1 and clipped, then both the log and the focal
  factor use it; ``alpha`` (a scalar or one weight per class) multiplies every class's term, and the
  terms are summed over ``axis``.
* **from_logits=True** applies ``sigmoid`` or ``softmax`` first and then follows the probability path,
  clip included, exactly as Keras does. So, unlike ``binary_crossentropy``, Keras's focal losses on
  logits saturate: a logit of 60 on a negative costs :math:`-\\log(1.19 \\times 10^{-7}) = 15.9`
  instead of 60, and its gradient is 0. The unclipped losses are
  :func:`lossbook.core.binary_focal_cross_entropy_with_logits` and
  :func:`lossbook.core.softmax_focal_cross_entropy`.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, is_array
from lossbook._validation import (
    LikelyMistakeWarning,
    check_in_closed_interval,
    check_number_in_closed_interval,
    warn_at_caller,
)
from lossbook.keras_compat.classification import (
    _check_binary_inputs,
    _check_probabilities_or_logits,
    _refuse_single_class,
)
from lossbook.keras_compat.conventions import (
    clip_probabilities,
    mean_over_axis,
    normalize_and_clip_probabilities,
    prepare_pair,
    smooth_binary_labels,
    smooth_categorical_labels,
)
from lossbook.keras_compat.reduction import LossFunctionWrapper

__all__ = [
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
]

KERAS_ALPHA = 0.25
"""Keras's default ``alpha`` (the paper's), also when ``apply_class_balancing=False`` ignores it."""


def binary_focal_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> ArrayLike:
    r"""``keras.losses.binary_focal_crossentropy``: the mean over ``axis`` of the element-wise focal BCE.

    .. math:: \mathrm{loss} = \operatorname{mean}_{\text{axis}}\,
              \alpha_t\,(1 - p_t)^{\gamma}\,\mathrm{BCE}(\tilde y, \hat p),
              \qquad 1 - p_t = \tilde y (1 - p) + (1 - \tilde y)\,p,

    with :math:`\tilde y = y(1 - s) + s/2` (label smoothing :math:`s`), :math:`p` the prediction
    (``sigmoid(y_pred)`` with ``from_logits=True``), :math:`\hat p` it clipped to
    :math:`[10^{-7}, 1 - 10^{-7}]`, and :math:`\alpha_t = \tilde y\alpha + (1 - \tilde y)(1 - \alpha)`
    with ``apply_class_balancing=True``, else 1. :math:`\gamma = 0` without balancing is
    :func:`~lossbook.keras_compat.binary_crossentropy` (on probabilities).

    Keras ignores ``alpha`` unless ``apply_class_balancing=True``; lossbook warns
    (``LikelyMistakeWarning``) when an ``alpha`` other than the default is passed without it.
    """
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    _check_binary_inputs(y_true, y_pred, xp, from_logits, "binary focal cross-entropy")
    if not apply_class_balancing and alpha != KERAS_ALPHA:
        warn_at_caller(
            f"argument `alpha`: alpha={alpha!r} has no effect unless apply_class_balancing=True "
            "(Keras ignores it silently)",
            LikelyMistakeWarning,
        )
    y_true = smooth_binary_labels(y_true, label_smoothing)
    if from_logits:
        y_pred = core.sigmoid(y_pred)
    weight = core.binary_focal_weight(
        y_true, y_pred, gamma=gamma, alpha=alpha if apply_class_balancing else None
    )
    return mean_over_axis(weight * core.binary_cross_entropy(y_true, clip_probabilities(y_pred)), axis=axis)


def _per_class_alpha(alpha: float | ArrayLike, y_pred: ArrayLike, axis: int):
    """Keras's ``alpha``: a number, or a list/array of one weight per class, as an array of ``y_pred``'s
    kind. Keras multiplies a per-class alpha along the *last* axis whatever ``axis`` is; lossbook
    refuses that case rather than weight the wrong axis."""
    if isinstance(alpha, (list, tuple)) or (is_array(alpha) and alpha.ndim > 0):
        if axis % y_pred.ndim != y_pred.ndim - 1:
            raise ValueError(
                f"argument `alpha`: a per-class alpha needs the classes on the last axis, received "
                f"axis={axis} for y_pred of rank {y_pred.ndim}. Keras would multiply it along the last "
                "axis anyway, weighting the wrong entries: move the classes last"
            )
        return as_array_like(alpha, y_pred)
    return alpha


def categorical_focal_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    alpha: float | ArrayLike = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> ArrayLike:
    r"""``keras.losses.categorical_focal_crossentropy``: one loss per sample, classes along ``axis``.

    .. math:: \mathrm{loss} = -\sum_k \alpha_k\,(1 - \hat q_k)^{\gamma}\,\tilde y_k \log \hat q_k,
              \qquad \tilde y = (1 - s)\,y + s/K,

    where :math:`\hat q` is the row (``softmax(y_pred)`` with ``from_logits=True``) renormalised to
    sum 1 and clipped to :math:`[\epsilon, 1 - \epsilon]`, and ``alpha`` a number or one weight per
    class (the default 0.25 scales every class: unlike the binary loss, there is no
    ``apply_class_balancing``). :math:`\gamma = 0`, ``alpha=1`` give
    :func:`~lossbook.keras_compat.categorical_crossentropy` (on probabilities).

    Keras warns about a single class and renormalises silently; lossbook refuses a single class and
    probabilities outside [0, 1], and warns when ``from_logits=True`` receives a softmax output.
    """
    if isinstance(axis, bool):
        raise TypeError(f"argument `axis`: expected an int, received {axis!r}")
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    _refuse_single_class(y_pred, axis, "categorical_focal_crossentropy")
    check_in_closed_interval("y_true", y_true, xp, 0.0, 1.0, hint="targets are class probabilities")
    _check_probabilities_or_logits(y_pred, xp, from_logits, axis)
    alpha = _per_class_alpha(alpha, y_pred, axis)
    y_true = smooth_categorical_labels(y_true, label_smoothing)  # towards 1/shape[-1], whatever axis is
    if from_logits:
        y_pred = core.softmax(y_pred, axis=axis)
    probabilities = normalize_and_clip_probabilities(y_pred, axis)
    return core.categorical_focal_cross_entropy(y_true, probabilities, axis, gamma=gamma, alpha=alpha)


# --------------------------------------------------------------------------------------------------
# Classes: a reduction and sample weights around a function
# --------------------------------------------------------------------------------------------------


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """``keras.losses.BinaryFocalCrossentropy``: :func:`binary_focal_crossentropy` with a reduction."""

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """``keras.losses.CategoricalFocalCrossentropy``: :func:`categorical_focal_crossentropy`, reduced."""

    def __init__(
        self,
        alpha: float | ArrayLike = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
