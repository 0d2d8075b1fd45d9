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

import math
import warnings

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_result, is_real_floating, namespace
from lossbook._validation import (
    check_broadcasts_to,
    check_choice,
    check_class_indices,
    check_in_closed_interval,
    check_integer,
    check_no_nan,
    check_number_in_closed_interval,
    check_real_floating,
    check_same_dtype,
    check_same_shape,
    warn_if_all_in_unit_interval,
    warn_if_not_log_probabilities,
    warn_if_rows_are_probabilities,
)

__all__ = [
    "REDUCTIONS",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "poisson_nll_loss",
]

REDUCTIONS = ("none", "mean", "sum")
"""PyTorch's reductions: no reduction, the mean over every element, the sum over every element."""

TORCH_LOG_FLOOR = -100.0
IGNORE_INDEX = -100
"""PyTorch's default ``ignore_index``: such targets contribute nothing, not even to the mean's count."""
POISSON_EPS = 1e-8
"""PyTorch's default ``eps`` in ``poisson_nll_loss(log_input=False)``: the loss uses ``log(input + eps)``."""
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


# --------------------------------------------------------------------------------------------------
# K classes: cross_entropy and nll_loss
# --------------------------------------------------------------------------------------------------


def weighted_mean_and_reduce(loss: ArrayLike, weights: ArrayLike, reduction: str) -> ArrayLike:
    r"""PyTorch's reduction for class-weighted losses: ``"mean"`` is :math:`\sum_n \ell_n / \sum_n w_n`.

    ``loss`` already holds :math:`\ell_n = w_n \times (\text{loss of element } n)`, and ``weights`` the
    :math:`w_n` (0 for ignored targets). So the mean is a true weighted mean over the counted targets,
    unlike :func:`weight_and_reduce`, whose mean divides by the number of elements. If every target is
    ignored the mean is 0/0 = NaN, as in PyTorch.
    """
    check_choice("reduction", reduction, REDUCTIONS)
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


def _class_axis_last(input: ArrayLike, xp) -> ArrayLike:
    """PyTorch puts classes on axis 1 (axis 0 for one example of shape ``(C,)``); core wants them last."""
    return input if input.ndim == 1 else xp.moveaxis(input, 1, -1)


def _check_class_input(input: ArrayLike, weight: ArrayLike | None, xp) -> int:
    """Validate an ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` input and a per-class weight; return C."""
    check_real_floating("input", input)
    if input.ndim == 0:
        raise ValueError(
            "argument `input`: expected shape (C,), (N, C) or (N, C, d1, ...), received a scalar"
        )
    check_no_nan("input", input, xp)
    num_classes = int(input.shape[0 if input.ndim == 1 else 1])
    if weight is not None:
        check_real_floating("weight", weight)
        check_same_dtype("input", input, "weight", weight)
        if tuple(weight.shape) != (num_classes,):
            raise ValueError(
                f"argument `weight`: expected one weight per class, shape ({num_classes},), received "
                f"weight.shape={tuple(int(n) for n in weight.shape)}"
            )
        check_no_nan("weight", weight, xp)
    return num_classes


def _check_index_target(target: ArrayLike, input: ArrayLike, num_classes: int, ignore_index: int, xp) -> None:
    check_integer("target", target)
    expected = tuple(int(n) for n in input.shape)
    expected = () if input.ndim == 1 else expected[:1] + expected[2:]
    if tuple(int(n) for n in target.shape) != expected:
        raise ValueError(
            f"argument `target`: class indices must have the shape of the input without its class axis, "
            f"{expected}; received target.shape={tuple(int(n) for n in target.shape)} for "
            f"input.shape={tuple(int(n) for n in input.shape)}"
        )
    check_class_indices("target", target, xp, num_classes, ignore_index)


def _gather_class_weights(weight: ArrayLike | None, safe_target: ArrayLike, counted: ArrayLike, xp, like):
    """:math:`w_{y_n}` for each counted target (1 without ``weight``), 0 for ignored targets."""
    if weight is None:
        per_target = xp.ones(safe_target.shape, dtype=like.dtype, device=getattr(like, "device", None))
    else:
        per_target = xp.reshape(xp.take(weight, xp.reshape(safe_target, (-1,))), safe_target.shape)
    return xp.where(counted, per_target, xp.zeros_like(per_target))


def nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    ignore_index: int = IGNORE_INDEX,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.nll_loss``: the negative log-probability of the true class.

    .. math:: \ell_n = -w_{y_n}\, x_{n, y_n}, \qquad
              \text{mean} = \frac{\sum_n \ell_n}{\sum_{n:\, y_n \ne \text{ignore}} w_{y_n}}

    ``input`` holds **log-probabilities** of shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` (classes on
    axis 1), ``target`` integer class indices of the input's shape without the class axis, ``weight`` an
    optional weight per class. Targets equal to ``ignore_index`` contribute nothing, and the mean divides
    by the summed weights of the counted targets (a true weighted mean).

    ``nll_loss(log_softmax(z), y)`` equals :func:`cross_entropy`\ ``(z, y)``. Passing logits or
    probabilities instead of log-probabilities runs in PyTorch and returns a wrong number; lossbook warns
    (``LikelyMistakeWarning``) when it sees positive values, which no log-probability can have.
    """
    xp = namespace(input, target, weight)
    num_classes = _check_class_input(input, weight, xp)
    _check_index_target(target, input, num_classes, ignore_index, xp)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
    warn_if_not_log_probabilities("input", input, xp, axis=0 if input.ndim == 1 else 1)
    log_probabilities = _class_axis_last(input, xp)
    target = xp.astype(target, xp.int64)
    counted = target != ignore_index
    safe_target = xp.where(counted, target, xp.zeros_like(target))
    picked = xp.take_along_axis(log_probabilities, xp.expand_dims(safe_target, axis=-1), axis=-1)
    weights = _gather_class_weights(weight, safe_target, counted, xp, input)
    loss = core.mul_zero_safe(weights, -xp.squeeze(picked, axis=-1))  # ignored: weight 0, even at -inf
    return weighted_mean_and_reduce(loss, weights, reduction)


def cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    ignore_index: int = IGNORE_INDEX,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> ArrayLike:
    r"""``torch.nn.functional.cross_entropy``: logits in, softmax cross-entropy computed stably.

    ``input`` holds logits of shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` (classes on axis 1). The
    ``target`` is either

    * **class indices** (an integer array of the input's shape without the class axis): with label
      smoothing :math:`\varepsilon` and class weights :math:`w`,

      .. math:: \ell_n = (1 - \varepsilon)\, w_{y_n} \bigl(-\log s_{n, y_n}\bigr)
                         + \frac{\varepsilon}{C} \sum_{c} w_c \bigl(-\log s_{n, c}\bigr),
                \qquad s_n = \operatorname{softmax}(z_n),

      targets equal to ``ignore_index`` contribute nothing, and ``"mean"`` divides by
      :math:`\sum_n w_{y_n}` over the counted targets; or
    * **probabilities** (a floating array of the input's shape): :math:`\tilde y = (1 - \varepsilon) y
      + \varepsilon / C` and :math:`\ell_n = -\sum_c w_c \tilde y_{n,c} \log s_{n,c}`; ``"mean"`` divides
      by the number of examples (not by the weights), and ``ignore_index`` does not apply.

    Every :math:`-\log s` is computed by :func:`lossbook.core.log_softmax` as a sum of non-negative terms,
    so a confident correct prediction keeps its tiny loss (about :math:`e^{-300}` for a logit gap of 300)
    where PyTorch returns 0. A softmax output passed as ``input`` triggers a ``LikelyMistakeWarning``,
    and a single class (a softmax over one logit, always 1; PyTorch silently returns 0) raises.

    Reference: Bridle 1990 (softmax); Szegedy et al. 2016 (label smoothing, arXiv:1512.00567).
    """
    xp = namespace(input, target, weight)
    num_classes = _check_class_input(input, weight, xp)
    if num_classes < 2:
        raise ValueError(
            f"argument `input`: cross_entropy needs one logit per class, at least 2 along the class axis; "
            f"received input.shape={tuple(int(n) for n in input.shape)}. A softmax over a single logit is "
            "always 1, so the loss is always 0 and nothing is learned: for one logit per example use "
            "binary_cross_entropy_with_logits"
        )
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
    class_axis = 0 if input.ndim == 1 else 1
    warn_if_rows_are_probabilities(
        "input", input, xp, class_axis,
        advice="cross_entropy applies log_softmax itself: pass the logits (the values before the softmax).",
    )
    logits = _class_axis_last(input, xp)
    if is_real_floating(target):
        return _cross_entropy_with_probabilities(logits, target, weight, label_smoothing, reduction, xp)
    _check_index_target(target, input, num_classes, ignore_index, xp)
    target = xp.astype(target, xp.int64)
    counted = target != ignore_index
    safe_target = xp.where(counted, target, xp.zeros_like(target))
    weights = _gather_class_weights(weight, safe_target, counted, xp, input)
    loss = core.mul_zero_safe(weights, core.sparse_softmax_cross_entropy(safe_target, logits))
    if label_smoothing:
        negative_log_probabilities = -core.log_softmax(logits)
        if weight is not None:
            negative_log_probabilities = negative_log_probabilities * weight
        uniform_part = xp.sum(negative_log_probabilities, axis=-1)
        uniform_part = xp.where(counted, uniform_part, xp.zeros_like(uniform_part))
        loss = (1.0 - label_smoothing) * loss + (label_smoothing / num_classes) * uniform_part
    return weighted_mean_and_reduce(loss, weights, reduction)


def _cross_entropy_with_probabilities(logits, target, weight, label_smoothing, reduction, xp):
    check_same_dtype("input", logits, "target", target)
    target = _class_axis_last(target, xp)
    if tuple(target.shape) != tuple(logits.shape):
        raise ValueError(
            "argument `target`: probability targets must have the shape of the input; received "
            f"target.shape={tuple(int(n) for n in target.shape)} for the input's shape (classes last) "
            f"{tuple(int(n) for n in logits.shape)}. Integer class indices need an integer dtype"
        )
    check_no_nan("target", target, xp)
    check_in_closed_interval(
        "target", target, xp, 0.0, 1.0, hint="probability targets are probabilities of each class"
    )
    num_classes = int(logits.shape[-1])
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / num_classes
    if weight is not None:
        target = target * weight
    loss = core.softmax_cross_entropy(target, logits)
    return reduce_elementwise(loss, reduction)


# --------------------------------------------------------------------------------------------------
# Regression and counts
# --------------------------------------------------------------------------------------------------


def _check_regression_pair(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None, xp) -> None:
    check_real_floating("input", input)
    check_real_floating("target", target)
    check_same_dtype("input", input, "target", target)
    check_same_shape("input", input, "target", target)
    check_no_nan("input", input, xp)
    check_no_nan("target", target, xp)
    if weight is not None:
        check_real_floating("weight", weight)
        check_same_shape("input", input, "weight", weight)
        check_no_nan("weight", weight, xp)


def _pointwise_regression_loss(elementwise, input, target, weight, size_average, reduce, reduction):
    r"""Validate, then ``elementwise(target, input)``, weighted and reduced as ``mse_loss``/``l1_loss`` do.

    With ``weight``, ``"mean"`` is :math:`\sum w e / \sum w`; without, the plain mean.
    """
    xp = namespace(input, target, weight)
    _check_regression_pair(input, target, weight, xp)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
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
    _check_regression_pair(input, target, None, xp)
    check_in_closed_interval("target", target, xp, 0.0, math.inf, hint="Poisson targets are counts")
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_choice("reduction", reduction, REDUCTIONS)
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
