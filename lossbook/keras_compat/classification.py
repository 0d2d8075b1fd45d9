"""Keras's classification losses: binary, categorical and sparse categorical cross-entropy, as functions
(one loss per sample) and as classes (with a reduction and ``sample_weight``).

Thin conventions (:mod:`lossbook.keras_compat.conventions`) over :mod:`lossbook.core.classification`;
the classes reduce through :mod:`lossbook.keras_compat.reduction`.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, as_array_result, namespace, shape_of, to_numpy_like
from lossbook._validation import (
    check_class_indices,
    check_in_closed_interval,
    check_logits,
    check_no_nan,
    check_number_in_closed_interval,
    check_real_floating,
    warn_if_multi_hot,
    warn_if_rows_are_probabilities,
)
from lossbook.keras_compat.conventions import (
    clip_probabilities,
    mean_over_axis,
    normalize_and_clip_probabilities,
    prepare_pair,
    smooth_binary_labels,
    smooth_categorical_labels,
    squeeze_or_expand_to_same_rank,
)
from lossbook.keras_compat.reduction import LossFunctionWrapper

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
]


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
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    _check_binary_inputs(y_true, y_pred, xp, from_logits, "binary cross-entropy")
    y_true = smooth_binary_labels(y_true, label_smoothing)
    if from_logits:
        elementwise = core.binary_cross_entropy_with_logits(y_true, y_pred)
    else:
        elementwise = core.binary_cross_entropy(y_true, clip_probabilities(y_pred))
    return mean_over_axis(elementwise, axis=axis)


def _check_binary_inputs(y_true: ArrayLike, y_pred: ArrayLike, xp, from_logits: bool, loss: str) -> None:
    """The checks of Keras's binary losses: targets in [0, 1]; logits finite and not all probability-like
    with ``from_logits=True``, else probabilities in [0, 1] (Keras would clip anything silently)."""
    check_in_closed_interval("y_true", y_true, xp, 0.0, 1.0, hint=f"{loss} targets are probabilities")
    if from_logits:
        check_logits(
            "y_pred", y_pred, xp,
            advice="If they are probabilities (a sigmoid output), use from_logits=False.",
        )
    else:
        check_in_closed_interval(
            "y_pred", y_pred, xp, 0.0, 1.0,
            hint="With from_logits=False, y_pred must be probabilities; values outside [0, 1] look "
            "like logits: pass from_logits=True (Keras would silently clip them to [1e-7, 1 - 1e-7])",
        )


def _refuse_single_class(y_pred: ArrayLike, axis: int, function: str) -> None:
    if y_pred.ndim and y_pred.shape[axis] == 1:
        raise ValueError(
            f"argument `y_pred`: {function} needs one column per class, so at least 2 along axis {axis}; "
            f"received y_pred.shape={shape_of(y_pred)}. A softmax over a single output "
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
    ``from_logits=True`` receives rows that already look like a softmax output, or when 0/1 targets
    hold several ones in a row (multi-label data, which belongs to ``binary_crossentropy``).
    """
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    _refuse_single_class(y_pred, axis, "categorical_crossentropy")
    check_in_closed_interval("y_true", y_true, xp, 0.0, 1.0, hint="targets are class probabilities")
    warn_if_multi_hot("y_true", y_true, xp, axis, advice="use binary_crossentropy (a sigmoid per class)")
    _check_probabilities_or_logits(y_pred, xp, from_logits, axis)
    y_true = smooth_categorical_labels(y_true, label_smoothing)  # towards 1/shape[-1], whatever axis is
    if from_logits:
        return core.softmax_cross_entropy(y_true, y_pred, axis=axis)
    return core.categorical_cross_entropy(y_true, normalize_and_clip_probabilities(y_pred, axis), axis=axis)


def _integer_labels(y_true: ArrayLike, y_pred: ArrayLike, axis: int, ignore_class: int | None, xp):
    """Keras's sparse labels: a trailing axis of 1 is squeezed; float labels are taken as integers."""
    y_true = as_array_like(y_true, y_pred)
    namespace(y_true, y_pred)  # a NumPy/torch mix: the usual clear TypeError
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = xp.squeeze(y_true, axis=axis)
    expected = tuple(n for i, n in enumerate(shape_of(y_pred)) if i != axis % y_pred.ndim)
    if shape_of(y_true) != expected:
        raise ValueError(
            f"argument `y_true`: expected integer labels of shape {expected} (y_pred's shape without the "
            f"class axis {axis}), received y_true.shape={shape_of(y_true)}. One-hot "
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
        loss = core.sparse_categorical_cross_entropy(labels, normalize_and_clip_probabilities(y_pred, -1))
    if counted is not None:
        loss = xp.where(counted, loss, xp.zeros_like(loss))
    return as_array_result(xp, loss)



# --------------------------------------------------------------------------------------------------
# Classes: a reduction and sample weights around a function
# --------------------------------------------------------------------------------------------------


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
