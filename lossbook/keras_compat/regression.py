"""Keras's regression and count losses: mean squared and absolute error, Poisson, Huber, log-cosh, the
mean absolute percentage error and the mean squared logarithmic error, as functions (one loss per
sample, the mean over the last axis) and as classes (with a reduction and ``sample_weight``); thin
conventions over :mod:`lossbook.core.regression`.

Keras 3 exports no short aliases for these (``mape``, ``msle``, ``logcosh`` live only in
``keras._legacy``), so neither does lossbook.
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
    "huber",
    "log_cosh",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Poisson",
    "Huber",
    "LogCosh",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
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


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> ArrayLike:
    r"""``keras.losses.huber``: the mean over the last axis of :func:`lossbook.core.huber`.

    :math:`\tfrac12 e^2` for :math:`|e| \le \delta`, else :math:`\delta(|e| - \delta/2)`. Keras accepts any
    ``delta`` and returns a negative "loss" for a negative one (and 0 everywhere for ``delta=0``);
    lossbook requires ``delta > 0``.
    """
    y_true, y_pred, _ = prepare_pair(y_true, y_pred, align_ranks=True)
    return mean_over_axis(core.huber(y_true, y_pred, delta))


def log_cosh(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.log_cosh``: the mean over the last axis of :math:`\log\cosh(\hat y - y)`.

    Keras computes :math:`e + \operatorname{softplus}(-2e) - \log 2`, which cannot overflow but keeps
    only an absolute accuracy of about an ulp of :math:`\log 2` near :math:`e = 0`: in float32 it
    returns 0 for :math:`|e|` below about 2.5e-4 (the loss there is :math:`e^2/2 \approx 3 \cdot
    10^{-8}`). In float64 it is worse than that suggests: Keras takes :math:`\log 2` as
    ``ops.log(2.0)``, computed in float32 and then cast, so every float64 result is off by
    :math:`1.9 \cdot 10^{-9}`, and negative for :math:`|e| < 6.2 \cdot 10^{-5}`.
    :func:`lossbook.core.log_cosh` is accurate to a few ulps everywhere.
    """
    y_true, y_pred, _ = prepare_pair(y_true, y_pred, align_ranks=True)
    return mean_over_axis(core.log_cosh(y_true, y_pred))


def mean_absolute_percentage_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_absolute_percentage_error``:
    :math:`100 \operatorname{mean} |y - \hat y| / \max(|y|, \epsilon)`.

    The mean over the last axis, :math:`\epsilon = 10^{-7}`: a target of 0 is divided by
    :math:`10^{-7}`, so a prediction off by 1 there costs :math:`10^{9}` %. (Keras's docstring says
    ``maximum(y_true, epsilon)``; its code, followed here, takes ``abs(y_true)``.)
    """
    y_true, y_pred, _ = prepare_pair(y_true, y_pred, align_ranks=True)
    return mean_over_axis(core.absolute_percentage_error(y_true, y_pred, epsilon=EPSILON))


def mean_squared_logarithmic_error(y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
    r"""``keras.losses.mean_squared_logarithmic_error``: the mean over the last axis of
    :math:`\bigl(\log(1 + \max(\hat y, \epsilon)) - \log(1 + \max(y, \epsilon))\bigr)^2`.

    Keras replaces every value below :math:`\epsilon = 10^{-7}`, negative ones included, by
    :math:`\epsilon` without a word; lossbook does the same. Keras takes ``log(x + 1)``, which rounds
    :math:`1 + x` first (off by 19 % at :math:`x = 10^{-7}` in float32); lossbook takes ``log1p``.
    """
    y_true, y_pred, xp = prepare_pair(y_true, y_pred, align_ranks=True)
    floor = xp.full_like(y_pred, EPSILON)
    return mean_over_axis(core.squared_log_error(xp.maximum(y_true, floor), xp.maximum(y_pred, floor)))


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


class Huber(LossFunctionWrapper):
    """``keras.losses.Huber``: :func:`huber` with a reduction."""

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """``keras.losses.LogCosh``: :func:`log_cosh` with a reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "log_cosh",
        dtype: str | None = None,
    ) -> None:
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``keras.losses.MeanAbsolutePercentageError``: :func:`mean_absolute_percentage_error` with a
    reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """``keras.losses.MeanSquaredLogarithmicError``: :func:`mean_squared_logarithmic_error` with a
    reduction."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)
