"""PyTorch's regression and count losses: ``mse_loss``, ``l1_loss``, ``poisson_nll_loss``; thin
conventions over :mod:`lossbook.core.regression`."""

from __future__ import annotations

import math

from lossbook import core
from lossbook._arrays import ArrayLike, namespace
from lossbook._validation import (
    check_in_closed_interval,
    check_no_nan,
    check_pair,
    check_real_floating,
    check_same_shape,
)
from lossbook.torch_compat.reduction import (
    reduce_elementwise,
    reduction_from_legacy,
    weighted_mean_and_reduce,
)

__all__ = [
    "POISSON_EPS",
    "mse_loss",
    "l1_loss",
    "poisson_nll_loss",
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
