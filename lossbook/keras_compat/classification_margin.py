"""Keras's margin losses and the generalized cross-entropy: ``hinge``, ``squared_hinge``,
``categorical_hinge``, ``categorical_generalized_cross_entropy``, as functions (one loss per sample) and
as classes (with a reduction and ``sample_weight``).

Thin conventions over :mod:`lossbook.core.classification_margin`, reproducing Keras 3's numbers
(``keras/src/losses/losses.py``):

* **hinge, squared_hinge.** Labels are signs, -1 or 1; Keras converts 0/1 labels with :math:`2y - 1`,
  but only when *every* label of the tensor is 0 or 1 (``convert_binary_labels_to_hinge``: one
  ``ops.all`` over the batch, then ``ops.cond``). So in a batch mixing -1 and 0 a 0 stays 0 (loss 1
  whatever the score), and one example's loss depends on the other labels. lossbook accepts labels that
  are all ±1 or all 0/1 (where the conversion is element-wise) and refuses any other batch. The
  per-element losses are averaged over the last axis.
* **categorical_hinge.** :math:`\\max(0,\\ 1 + \\max_k (1 - y_k) f_k - \\sum_k y_k f_k)` over the last
  axis (:func:`lossbook.core.categorical_hinge`): for one-hot targets, Crammer and Singer's hinge except
  that the true class's masked entry 0 still competes.
* **categorical_generalized_cross_entropy.** Integer labels (shape ``(N,)``; Keras's docstring also
  allows ``(N, 1)``, which its code broadcasts into an ``(N, N)`` result and its class into a wrong
  mean: lossbook squeezes the trailing 1), probabilities without any clipping, ``q`` required (the
  class defaults it to 0.5 and requires :math:`0 < q < 1`). Keras's function accepts no NumPy array
  or list for ``y_pred`` on the torch backend (it multiplies it with a tensor); lossbook does.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, namespace, to_numpy_like
from lossbook._validation import (
    check_in_closed_interval,
    check_number_in_open_interval,
    check_real_floating,
    check_sign_or_binary_labels,
)
from lossbook.keras_compat.classification import _integer_labels, _refuse_single_class
from lossbook.keras_compat.conventions import mean_over_axis, prepare_pair
from lossbook.keras_compat.reduction import LossFunctionWrapper

__all__ = [
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "categorical_generalized_cross_entropy",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "CategoricalGeneralizedCrossEntropy",
]


def _sign_labels(y_true: ArrayLike, y_pred: ArrayLike):
    """Keras's hinge inputs: the pair, with 0/1 labels turned into -1/1 (all-±1 labels kept)."""
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    check_sign_or_binary_labels("y_true", y_true, xp)
    if bool(xp.all((y_true == 0) | (y_true == 1))):
        y_true = 2.0 * y_true - 1.0
    return y_true, y_pred


def hinge(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.hinge``: :math:`\operatorname{mean}_{\text{last axis}} \max(0,\ 1 - y f)`.

    ``y_true`` holds labels -1 or 1 (0/1 labels are mapped to them, see the module docstring),
    ``y_pred`` the scores :math:`f` of the same shape (:func:`lossbook.core.hinge`).
    """
    return mean_over_axis(core.hinge(*_sign_labels(y_true, y_pred)))


def squared_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.squared_hinge``: :math:`\operatorname{mean}_{\text{last axis}} \max(0,\ 1 - y f)^2`,
    labels as in :func:`hinge` (:func:`lossbook.core.squared_hinge`)."""
    return mean_over_axis(core.squared_hinge(*_sign_labels(y_true, y_pred)))


def categorical_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.categorical_hinge``: one loss per sample, classes on the last axis.

    .. math:: \mathrm{loss} = \max\bigl(0,\ 1 + \max_k (1 - y_k) f_k - \textstyle\sum_k y_k f_k\bigr)

    ``y_true`` one-hot rows (Keras also documents -1/1 rows; the formula is then applied as written),
    ``y_pred`` the scores, same shape (:func:`lossbook.core.categorical_hinge`, which explains how this
    differs from Crammer and Singer's hinge when every wrong score is negative).
    """
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    check_in_closed_interval("y_true", y_true, xp, -1.0, 1.0, hint="targets are one-hot (or -1/1) rows")
    return core.categorical_hinge(y_true, y_pred)


def categorical_generalized_cross_entropy(y_true: ArrayLike, y_pred: ArrayLike, q: float) -> ArrayLike:
    r"""``keras.losses.categorical_generalized_cross_entropy``: :math:`(1 - p_c^{\,q})/q` per sample.

    ``y_true`` holds integer class labels, shape ``(N,)`` (or ``(N, 1)``), ``y_pred`` the predicted
    probabilities ``(N, K)`` (no clipping, no renormalisation), ``q`` in (0, 1]; computed as
    :math:`-\operatorname{expm1}(q \log p_c)/q` (:func:`lossbook.core.generalized_cross_entropy`),
    which keeps the digits Keras's ``1 - p ** q`` loses when :math:`p_c` is close to 1. Labels must be
    whole numbers in ``[0, K)``: Keras truncates 1.7 to 1 and gives a label of -1 the loss
    :math:`1/q` (its one-hot row is all zeros).
    """
    y_pred = to_numpy_like(y_pred)
    xp = namespace(y_pred)
    check_real_floating("y_pred", y_pred)
    _refuse_single_class(y_pred, -1, "categorical_generalized_cross_entropy")
    check_in_closed_interval(
        "y_pred", y_pred, xp, 0.0, 1.0,
        hint="y_pred must be class probabilities (a softmax output): this loss takes no logits",
    )
    labels = _integer_labels(y_true, y_pred, -1, None, xp)
    return core.generalized_cross_entropy(labels, y_pred, q=q)


# --------------------------------------------------------------------------------------------------
# Classes: a reduction and sample weights around a function
# --------------------------------------------------------------------------------------------------


class Hinge(LossFunctionWrapper):
    """``keras.losses.Hinge``: :func:`hinge` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """``keras.losses.SquaredHinge``: :func:`squared_hinge` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "squared_hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """``keras.losses.CategoricalHinge``: :func:`categorical_hinge` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """``keras.losses.CategoricalGeneralizedCrossEntropy``: :func:`categorical_generalized_cross_entropy`
    with a reduction. Like Keras, the class requires :math:`0 < q < 1` (the function also takes 1)."""

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype: str | None = None,
    ) -> None:
        q = check_number_in_open_interval("q", q, 0.0, 1.0)
        super().__init__(
            categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q
        )
        self.q = q
