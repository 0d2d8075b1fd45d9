"""Keras's regression and count losses: mean squared error, mean absolute error, Poisson, as functions
(one loss per sample, the mean over the last axis) and as classes (with a reduction and
``sample_weight``); thin conventions over :mod:`lossbook.core.regression`.
"""

from __future__ import annotations

import math

from lossbook import core
from lossbook._arrays import ArrayLike
from lossbook._validation import check_in_closed_interval
from lossbook.keras_compat.conventions import EPSILON, mean_over_axis, prepare_pair
from lossbook.keras_compat.reduction import LossFunctionWrapper

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "poisson",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Poisson",
]


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_squared_error``: :math:`\operatorname{mean}_{\text{last axis}} (y - \hat y)^2`.

    Keras aligns ranks (``(N,)`` against ``(N, 1)``) and then broadcasts whatever is left, so a target of
    shape ``(N,)`` against a prediction of shape ``(N, 3)`` runs; lossbook raises instead.
    """
    y_true, y_pred, _ = prepare_pair(y_true, y_pred, align_ranks=True)
    return mean_over_axis(core.squared_error(y_true, y_pred))


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_absolute_error``: :math:`\operatorname{mean}_{\text{last axis}} |y - \hat y|`."""
    y_true, y_pred, _ = prepare_pair(y_true, y_pred, align_ranks=True)
    return mean_over_axis(core.absolute_error(y_true, y_pred))


def poisson(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.poisson``: the mean over the last axis of :math:`\hat y - y \log(\hat y + \epsilon)`.

    ``y_pred`` is the predicted rate (non-negative, e.g. from an exponential or softplus output) and
    ``y_true`` the observed counts. :math:`\epsilon = 10^{-7}` guards the log at a rate of 0.
    """
    y_true, y_pred, xp = prepare_pair(y_true, y_pred)
    check_in_closed_interval("y_true", y_true, xp, 0.0, math.inf, hint="Poisson targets are counts")
    check_in_closed_interval(
        "y_pred", y_pred, xp, 0.0, math.inf,
        hint="Poisson predictions are rates; for log-rates exponentiate first (or use PyTorch's "
        "poisson_nll_loss with log_input=True)",
    )
    return mean_over_axis(core.poisson_nll(y_true, y_pred, epsilon=EPSILON))


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
