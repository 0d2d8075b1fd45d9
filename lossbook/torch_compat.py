"""PyTorch's functional loss API (``torch.nn.functional``), built on :mod:`lossbook.core`.

Same names, argument names, defaults and values as PyTorch (tested to 1e-9 relative in float64, values
and autograd gradients), with two differences a reader should know about:

* the numbers are computed with core's stable formulas, so where PyTorch loses digits (for example
  ``binary_cross_entropy_with_logits`` at a logit of -100 and target 0, where it returns 0 for a true
  loss of 3.7e-44) these functions keep them;
* bad input raises a clear ``ValueError``/``TypeError`` (including targets outside [0, 1], which
  PyTorch's logit loss accepts silently), and logits passed where probabilities belong are caught.

Inputs may be torch tensors or NumPy arrays; the result is the same kind.
"""

from __future__ import annotations

import warnings

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_result, namespace
from lossbook._validation import (
    check_broadcasts_to,
    check_choice,
    check_in_closed_interval,
    check_no_nan,
    check_real_floating,
    check_same_dtype,
    check_same_shape,
    warn_if_all_in_unit_interval,
)

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "REDUCTIONS"]

REDUCTIONS = ("none", "mean", "sum")
"""PyTorch's reductions: no reduction, the mean over every element, the sum over every element."""

TORCH_LOG_FLOOR = -100.0
"""``torch.nn.functional.binary_cross_entropy`` clamps each log at -100 (so the loss is at most 100)."""


def reduction_from_legacy(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """Translate PyTorch's deprecated ``size_average``/``reduce`` flags, as PyTorch itself does.

    If either legacy flag is given it wins over ``reduction``: ``reduce=False`` means ``"none"``,
    otherwise ``size_average=False`` means ``"sum"`` and anything else ``"mean"``.
    """
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce are deprecated in PyTorch; use reduction='none', 'mean' or 'sum'",
        DeprecationWarning,
        stacklevel=3,
    )
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def reduce_elementwise(values: ArrayLike, reduction: str) -> ArrayLike:
    """Apply a PyTorch reduction: ``"none"`` (as is), ``"mean"`` or ``"sum"`` over every element."""
    check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "none":
        return values
    xp = namespace(values)
    reduced = xp.mean(values) if reduction == "mean" else xp.sum(values)
    return as_array_result(xp, reduced)


def weight_and_reduce(loss: ArrayLike, weight: ArrayLike | None, reduction: str) -> ArrayLike:
    """Multiply element-wise losses by PyTorch's ``weight`` (if any), then apply ``reduction``.

    Note that ``"mean"`` divides by the number of elements, not by the sum of the weights.
    """
    if weight is not None:
        loss = loss * weight
    return reduce_elementwise(loss, reduction)


def _check_binary_pair(input: ArrayLike, target: ArrayLike, xp) -> None:
    check_real_floating("input", input)
    check_real_floating("target", target)
    check_same_dtype("input", input, "target", target)
    check_same_shape("input", input, "target", target)
    check_no_nan("input", input, xp)
    check_no_nan("target", target, xp)
    check_in_closed_interval(
        "target", target, xp, 0.0, 1.0,
        hint="Binary cross-entropy targets are probabilities of the positive class",
    )


def _check_weight(name: str, weight: ArrayLike | None, input: ArrayLike, xp) -> None:
    if weight is None:
        return
    check_real_floating(name, weight)
    check_broadcasts_to(name, weight, input.shape, "input")
    check_no_nan(name, weight, xp)


def binary_cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.binary_cross_entropy``: probabilities in, each log clamped at -100.

    .. math:: \ell_n = -w_n\bigl[\,y_n \max(\log x_n, -100) + (1 - y_n)\max(\log(1 - x_n), -100)\,\bigr]

    ``input`` holds probabilities :math:`x_n \in [0, 1]`, ``target`` the targets :math:`y_n \in [0, 1]`
    (same shape), ``weight`` optional per-element weights :math:`w_n` that broadcast to the input.
    ``reduction`` is ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Values outside [0, 1] raise ``ValueError`` (PyTorch raises too); lossbook adds that they look like
    logits and points to :func:`binary_cross_entropy_with_logits`, which is also the numerically
    better choice.

    The gradient is the derivative of this clamped formula. PyTorch's hand-written backward divides by
    :math:`\max(x(1 - x), 10^{-12})` instead, so the two differ only where :math:`x(1-x) < 10^{-12}`.
    """
    xp = namespace(input, target, weight)
    _check_binary_pair(input, target, xp)
    check_in_closed_interval(
        "input", input, xp, 0.0, 1.0,
        hint="binary_cross_entropy expects probabilities; values outside [0, 1] look like logits: "
        "use binary_cross_entropy_with_logits for those",
    )
    _check_weight("weight", weight, input, xp)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
    loss = core.binary_cross_entropy(target, input, log_floor=TORCH_LOG_FLOOR)
    return weight_and_reduce(loss, weight, reduction)


def binary_cross_entropy_with_logits(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""``torch.nn.functional.binary_cross_entropy_with_logits``: logits in, computed stably.

    .. math:: \ell_n = w_n\bigl[\,p_c\,y_n \operatorname{softplus}(-x_n)
                                + (1 - y_n)\operatorname{softplus}(x_n)\,\bigr]

    ``input`` holds logits :math:`x_n` (any real number), ``target`` targets :math:`y_n \in [0, 1]`
    (same shape), ``weight`` optional element weights :math:`w_n`, ``pos_weight`` optional weights
    :math:`p_c` of the positive term, one per class along the last axis (they broadcast against
    the target). ``pos_weight`` above 1 raises recall, below 1 raises precision.

    Each term is computed to full relative precision (see
    :func:`lossbook.core.binary_cross_entropy_with_logits`), where PyTorch's rearrangement
    :math:`(1 - y)x - \log\sigma(x)` cancels: at :math:`x = -100,\ y = 0` PyTorch returns 0, the true
    loss is :math:`3.7 \times 10^{-44}`, and this function returns it.
    """
    xp = namespace(input, target, weight, pos_weight)
    _check_binary_pair(input, target, xp)
    warn_if_all_in_unit_interval(
        "input", input, xp,
        advice="If they are probabilities, use binary_cross_entropy instead of the _with_logits form.",
    )
    _check_weight("weight", weight, input, xp)
    _check_weight("pos_weight", pos_weight, input, xp)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
    loss = core.binary_cross_entropy_with_logits(target, input, pos_weight=pos_weight)
    return weight_and_reduce(loss, weight, reduction)
