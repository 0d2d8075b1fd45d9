"""PyTorch's regression and count losses: ``mse_loss``, ``l1_loss``, ``huber_loss``, ``smooth_l1_loss``,
``poisson_nll_loss``, ``gaussian_nll_loss``; thin conventions over :mod:`lossbook.core.regression`.

PyTorch has no log-cosh, percentage, logarithmic or quantile loss; those are in :mod:`lossbook.core`
(and, for the first three, :mod:`lossbook.keras_compat`)."""

from __future__ import annotations

import math

from lossbook import core
from lossbook._arrays import ArrayLike, is_torch, namespace, shape_of
from lossbook._validation import (
    check_in_closed_interval,
    check_no_nan,
    check_number_in_closed_interval,
    check_pair,
    check_real_floating,
    check_same_dtype,
    check_same_shape,
)
from lossbook.torch_compat.reduction import (
    reduce_elementwise,
    reduction_from_legacy,
    weight_and_reduce,
    weighted_mean_and_reduce,
)

__all__ = [
    "POISSON_EPS",
    "GAUSSIAN_EPS",
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "poisson_nll_loss",
    "gaussian_nll_loss",
]

POISSON_EPS = 1e-8
"""PyTorch's default ``eps`` in ``poisson_nll_loss(log_input=False)``: the loss uses ``log(input + eps)``."""


def _pointwise_regression_loss(elementwise, input, target, weight, size_average, reduce, reduction):
    r"""Validate, then ``elementwise(target, input)``, weighted and reduced as ``mse_loss``/``l1_loss`` do.

    With ``weight``, ``"mean"`` is :math:`\sum w e / \sum w`; without, the plain mean.
    """
    xp = namespace(input, target, weight)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_pair("input", input, "target", target, xp)
    if weight is not None:
        check_real_floating("weight", weight)
        check_same_shape("input", input, "weight", weight)
        check_no_nan("weight", weight, xp)
    loss = elementwise(target, input)
    if weight is None:
        return reduce_elementwise(loss, reduction)
    return weighted_mean_and_reduce(loss * weight, weight, reduction)


def mse_loss(
    input: ArrayLike,
    target: ArrayLike,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""``torch.nn.functional.mse_loss``: :math:`\ell_n = w_n (x_n - y_n)^2`.

    ``input``, ``target`` and the optional ``weight`` must have the same shape. PyTorch broadcasts
    differently shaped ``input`` and ``target`` with only a warning (a ``(N, 1)`` prediction against a
    ``(N,)`` target silently becomes an ``(N, N)`` loss); lossbook raises instead. With ``weight``,
    ``"mean"`` is the weighted mean :math:`\sum_n w_n e_n / \sum_n w_n` (PyTorch 2.x).
    """
    return _pointwise_regression_loss(
        core.squared_error, input, target, weight, size_average, reduce, reduction
    )


def l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""``torch.nn.functional.l1_loss``: :math:`\ell_n = w_n |x_n - y_n|`, otherwise as :func:`mse_loss`."""
    return _pointwise_regression_loss(
        core.absolute_error, input, target, weight, size_average, reduce, reduction
    )


def huber_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""``torch.nn.functional.huber_loss``: :math:`\ell_n = w_n\,\mathrm{huber}_\delta(x_n - y_n)`
    (:func:`lossbook.core.huber`).

    Note PyTorch's argument order (``reduction`` before ``delta``, no legacy flags) and its weighted
    mean: with ``weight``, ``"mean"`` is :math:`\sum_n w_n \ell_n / N`, the plain mean of the weighted
    losses, where :func:`mse_loss` and :func:`l1_loss` divide by :math:`\sum_n w_n`. ``delta`` must be
    positive (PyTorch: "huber_loss does not support non-positive values for delta").
    """
    reduction = reduction_from_legacy(None, None, reduction)
    huber = lambda y, x: core.huber(y, x, delta)  # noqa: E731
    loss = _pointwise_regression_loss(huber, input, target, None, None, None, "none")
    if weight is not None:
        check_real_floating("weight", weight)
        check_same_shape("input", input, "weight", weight)
        check_no_nan("weight", weight, namespace(input, weight))
    return weight_and_reduce(loss, weight, reduction)


def smooth_l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> ArrayLike:
    r"""``torch.nn.functional.smooth_l1_loss``: :math:`\tfrac12 e^2/\beta` for :math:`|e| < \beta`, else
    :math:`|e| - \beta/2` (:func:`lossbook.core.smooth_l1`), reduced.

    ``beta = 0`` is :func:`l1_loss`, as in PyTorch; a negative ``beta`` is an error (PyTorch:
    "smooth_l1_loss does not support negative values for beta").
    """
    return _pointwise_regression_loss(
        lambda y, x: core.smooth_l1(y, x, beta), input, target, None, size_average, reduce, reduction
    )


def poisson_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = POISSON_EPS,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.poisson_nll_loss``: the Poisson negative log-likelihood of counts.

    .. math:: \ell_n = \begin{cases} e^{x_n} - y_n x_n & \texttt{log\_input=True (default)}\\
                                     x_n - y_n \log(x_n + \epsilon) & \texttt{log\_input=False}
                       \end{cases}
              \; + \; [\texttt{full}]\ \bigl(y_n \log y_n - y_n + \tfrac12\log(2\pi y_n)\bigr)_{y_n > 1}

    With the default ``log_input=True``, ``input`` is the **log** of the rate (any real number); pass
    rates with ``log_input=False``. ``full=True`` adds Stirling's approximation of :math:`\log y!`
    (:func:`lossbook.core.stirling_term`), which makes the value the full negative log-likelihood, up
    to the approximation's error. Targets must be non-negative; with ``log_input=False`` so must the rates.

    One deliberate difference: a count of 0 at a log-rate of :math:`-\infty` (a rate of exactly 0)
    costs :math:`e^{-\infty} - 0 \cdot (-\infty) = 0` here, its limit, where PyTorch's
    :math:`0 \cdot (-\infty)` gives NaN.
    """
    xp = namespace(input, target)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_pair("input", input, "target", target, xp)
    check_in_closed_interval("target", target, xp, 0.0, math.inf, hint="Poisson targets are counts")
    if log_input:
        loss = core.poisson_nll_with_log_rate(target, input)
    else:
        check_in_closed_interval(
            "input", input, xp, 0.0, math.inf,
            hint="With log_input=False the input holds rates; log-rates need log_input=True",
        )
        loss = core.poisson_nll(target, input, epsilon=eps)
    if full:
        loss = loss + core.stirling_term(target)
    return reduce_elementwise(loss, reduction)


GAUSSIAN_EPS = 1e-6
"""PyTorch's default ``eps`` in ``gaussian_nll_loss``: variances below it are raised to it."""


def _gaussian_variance(var: ArrayLike | float, input: ArrayLike, xp) -> ArrayLike:
    """``var`` checked and shaped as ``gaussian_nll_loss`` takes it (torch/nn/functional.py).

    A Python float is one variance for every element. An array must be non-negative and have the
    input's shape; or that shape without its last axis (one variance per row, given a trailing axis
    here); or the input's rank with exactly one axis where ``var`` has length 1 and the input does not
    (one variance shared along that axis). PyTorch refuses everything else, even shapes that would
    broadcast, such as ``(1, 1)`` against ``(4, 3)``.
    """
    hint = "A variance cannot be negative"
    if not hasattr(var, "shape"):
        if not isinstance(var, float):
            raise TypeError(
                f"argument `var`: expected an array of variances or a Python float, received {var!r}. "
                "PyTorch refuses any other number (an int fails inside torch.any): write it as a float"
            )
        check_number_in_closed_interval("var", var, 0.0, math.inf)
        return xp.full_like(input, var)
    check_real_floating("var", var)
    check_same_dtype("input", input, "var", var)
    check_in_closed_interval("var", var, xp, 0.0, math.inf, hint=hint)
    shape, var_shape = shape_of(input), shape_of(var)
    if var_shape == shape:
        return var
    if var_shape == shape[:-1]:
        return xp.expand_dims(var, axis=-1)
    if len(var_shape) == len(shape) and sum(v for n, v in zip(shape, var_shape, strict=True) if n != v) == 1:
        return var
    raise ValueError(
        f"argument `var`: expected the shape of input {shape}, that shape without its last axis "
        f"{shape[:-1]}, or input's shape with exactly one axis of length 1 in place of the input's; "
        f"received var.shape={var_shape}"
    )


def _floor_keeping_gradient(var: ArrayLike, eps: float, xp) -> ArrayLike:
    """``max(var, eps)`` whose torch gradient is that of ``var`` itself, as PyTorch computes it.

    PyTorch clones ``var`` and clamps the clone in place under ``torch.no_grad()``: autograd never sees
    the clamp, so where a variance is below ``eps`` the loss is evaluated at ``eps`` but its derivative
    still flows to ``var`` (evaluated at ``eps``), not 0 as through a recorded clamp.
    """
    if not is_torch(var):
        return xp.maximum(var, xp.full_like(var, eps))
    import torch  # already imported: var is a tensor

    floored = var.clone()
    with torch.no_grad():
        floored.clamp_(min=eps)
    return floored


def gaussian_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    var: ArrayLike | float,
    full: bool = False,
    eps: float = GAUSSIAN_EPS,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.gaussian_nll_loss``: :math:`\tfrac12\bigl(\log v_n + (x_n - y_n)^2 / v_n\bigr)`
    with :math:`v_n = \max(\texttt{var}_n, \epsilon)` (:func:`lossbook.core.gaussian_nll`), reduced.

    ``input`` is the predicted mean, ``var`` the predicted variance (not the standard deviation): an
    array of the input's shape, of its shape without the last axis, or with one axis of length 1
    (see :func:`_gaussian_variance`), or one Python float. ``full=True`` adds
    :math:`\tfrac12\log 2\pi`. Variances below ``eps`` are raised to it, without stopping their
    gradient (:func:`_floor_keeping_gradient`). Negative variances are an error, as in PyTorch; unlike
    PyTorch, ``input`` and ``target`` must have the same shape (PyTorch broadcasts them silently).
    """
    xp = namespace(input, target, var if hasattr(var, "shape") else None)
    reduction = reduction_from_legacy(None, None, reduction)
    check_pair("input", input, "target", target, xp)
    variance = _floor_keeping_gradient(_gaussian_variance(var, input, xp), eps, xp)
    return reduce_elementwise(core.gaussian_nll(target, input, variance, full=full), reduction)
