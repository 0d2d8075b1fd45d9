"""PyTorch's reductions, in one place: the legacy flags, the reduction names, the reducers.

Every loss of :mod:`lossbook.torch_compat` resolves its ``reduction`` argument with
:func:`reduction_from_legacy` (once, validating it), computes its per-element losses with
:mod:`lossbook.core`, and hands them to one of the reducers here:

* :func:`reduce_elementwise`: ``"none"``, ``"mean"`` over every element, or ``"sum"``;
* :func:`weight_and_reduce`: the same after multiplying by element weights (``"mean"`` still divides by
  the number of elements, as ``binary_cross_entropy(weight=...)`` does);
* :func:`weighted_mean_and_reduce`: ``"mean"`` divides by the sum of the weights, as
  ``cross_entropy(weight=...)`` and ``nll_loss`` do.

torchvision's losses reduce the same way, with two differences the reducers take as arguments: their
default is ``"none"``, and the mean of an empty batch is NaN for ``sigmoid_focal_loss`` but 0 for the
box losses (``empty_mean``).
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, as_array_result, namespace
from lossbook._validation import check_choice, warn_at_caller

__all__ = [
    "REDUCTIONS",
    "reduction_from_legacy",
    "reduce_elementwise",
    "weight_and_reduce",
    "weighted_mean_and_reduce",
]

REDUCTIONS = ("none", "mean", "sum")
"""PyTorch's reductions: no reduction, the mean over every element, the sum over every element."""


def reduction_from_legacy(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The reduction a PyTorch loss call selects, validated: one of :data:`REDUCTIONS`.

    PyTorch's deprecated ``size_average``/``reduce`` flags win over ``reduction`` when either is given:
    ``reduce=False`` means ``"none"``, otherwise ``size_average=False`` means ``"sum"`` and anything
    else ``"mean"``. The deprecated name ``"elementwise_mean"`` means ``"mean"``. Both still work in
    PyTorch with a warning, and here with a ``DeprecationWarning`` that names the caller's line.
    """
    if size_average is not None or reduce is not None:
        warn_at_caller(
            "size_average and reduce are deprecated in PyTorch; use reduction='none', 'mean' or 'sum'",
            DeprecationWarning,
        )
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        if not reduce:
            return "none"
        return "mean" if size_average else "sum"
    if reduction == "elementwise_mean":
        warn_at_caller("reduction='elementwise_mean' is deprecated; use reduction='mean'", DeprecationWarning)
        return "mean"
    check_choice("reduction", reduction, REDUCTIONS)
    return reduction


def reduce_elementwise(values: ArrayLike, reduction: str, *, empty_mean: float = math.nan) -> ArrayLike:
    """Apply a PyTorch reduction: ``"none"`` (as is), ``"mean"`` or ``"sum"`` over every element.

    ``reduction`` must already be resolved (:func:`reduction_from_legacy`). The mean of no elements is
    ``empty_mean``: NaN in PyTorch (0/0), 0 in torchvision's box losses.
    """
    if reduction == "none":
        return values
    xp = namespace(values)
    if reduction == "sum":
        return as_array_result(xp, xp.sum(values))
    if math.prod(values.shape) == 0:  # NumPy would warn "Mean of empty slice"
        return xp.full((), empty_mean, dtype=values.dtype, device=getattr(values, "device", None))
    return as_array_result(xp, xp.mean(values))


def weight_and_reduce(loss: ArrayLike, weight: ArrayLike | None, reduction: str) -> ArrayLike:
    """Multiply element-wise losses by PyTorch's ``weight`` (if any), then apply ``reduction``.

    Note that ``"mean"`` divides by the number of elements, not by the sum of the weights.
    """
    if weight is not None:
        loss = loss * weight
    return reduce_elementwise(loss, reduction)


def weighted_mean_and_reduce(loss: ArrayLike, weights: ArrayLike, reduction: str) -> ArrayLike:
    r"""PyTorch's reduction for class-weighted losses: ``"mean"`` is :math:`\sum_n \ell_n / \sum_n w_n`.

    ``loss`` already holds :math:`\ell_n = w_n \times (\text{loss of element } n)`, and ``weights`` the
    :math:`w_n` (0 for ignored targets). So the mean is a true weighted mean over the counted targets,
    unlike :func:`weight_and_reduce`, whose mean divides by the number of elements. If every target is
    ignored the mean is 0/0 = NaN, as in PyTorch.
    """
    if reduction == "none":
        return loss
    xp = namespace(loss, weights)
    total = xp.sum(loss)
    if reduction == "sum":
        return as_array_result(xp, total)
    denominator = xp.sum(weights)
    nothing_counted = denominator == 0  # 0/0: NaN, computed without NumPy's division warning
    safe = xp.where(nothing_counted, xp.ones_like(denominator), denominator)
    return as_array_result(xp, xp.where(nothing_counted, xp.full_like(total, math.nan), total / safe))
