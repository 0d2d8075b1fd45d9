"""PyTorch's classification losses: ``binary_cross_entropy`` (and ``_with_logits``), ``nll_loss``,
``cross_entropy``; thin conventions over :mod:`lossbook.core.classification`.

PyTorch puts classes on axis 1 (axis 0 for a single example of shape ``(C,)``); core puts them last,
so these functions move the axis, check the targets, call core, and reduce
(:mod:`lossbook.torch_compat.reduction`).
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, is_real_floating, namespace, shape_of
from lossbook._validation import (
    check_broadcasts_to,
    check_class_indices,
    check_in_closed_interval,
    check_integer,
    check_logits,
    check_no_nan,
    check_number_in_closed_interval,
    check_pair,
    check_real_floating,
    check_same_dtype,
    warn_if_multi_hot,
    warn_if_not_log_probabilities,
    warn_if_rows_are_probabilities,
)
from lossbook.torch_compat.reduction import (
    reduce_elementwise,
    reduction_from_legacy,
    weight_and_reduce,
    weighted_mean_and_reduce,
)

__all__ = [
    "TORCH_LOG_FLOOR",
    "IGNORE_INDEX",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "nll_loss",
    "cross_entropy",
]

TORCH_LOG_FLOOR = -100.0
"""``torch.nn.functional.binary_cross_entropy`` clamps each log at -100 (so the loss is at most 100)."""
IGNORE_INDEX = -100
"""PyTorch's default ``ignore_index``: such targets contribute nothing, not even to the mean's count."""


def _check_binary_pair(input: ArrayLike, target: ArrayLike, xp) -> None:
    check_pair("input", input, "target", target, xp)
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
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    _check_binary_pair(input, target, xp)
    check_in_closed_interval(
        "input", input, xp, 0.0, 1.0,
        hint="binary_cross_entropy expects probabilities; values outside [0, 1] look like logits: "
        "use binary_cross_entropy_with_logits for those",
    )
    _check_weight("weight", weight, input, xp)
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
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    _check_binary_pair(input, target, xp)
    check_logits(
        "input", input, xp,
        advice="If they are probabilities, use binary_cross_entropy instead of the _with_logits form.",
    )
    _check_weight("weight", weight, input, xp)
    _check_weight("pos_weight", pos_weight, input, xp)
    loss = core.binary_cross_entropy_with_logits(target, input, pos_weight=pos_weight)
    return weight_and_reduce(loss, weight, reduction)


# --------------------------------------------------------------------------------------------------
# K classes: cross_entropy and nll_loss
# --------------------------------------------------------------------------------------------------


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
        if shape_of(weight) != (num_classes,):
            raise ValueError(
                f"argument `weight`: expected one weight per class, shape ({num_classes},), received "
                f"weight.shape={shape_of(weight)}"
            )
        check_no_nan("weight", weight, xp)
    return num_classes


def _check_index_target(target: ArrayLike, input: ArrayLike, num_classes: int, ignore_index: int, xp) -> None:
    check_integer("target", target)
    expected = shape_of(input)
    expected = () if input.ndim == 1 else expected[:1] + expected[2:]
    if shape_of(target) != expected:
        raise ValueError(
            f"argument `target`: class indices must have the shape of the input without its class axis, "
            f"{expected}; received target.shape={shape_of(target)} for input.shape={shape_of(input)}"
        )
    check_class_indices("target", target, xp, num_classes, ignore_index)


def _counted_targets(target: ArrayLike, ignore_index: int, xp) -> tuple[ArrayLike, ArrayLike]:
    """Which targets count (not ``ignore_index``), and the targets with each ignored one replaced by
    class 0, a stand-in whose loss is then multiplied by a weight of 0."""
    target = xp.astype(target, xp.int64)
    counted = target != ignore_index
    return counted, xp.where(counted, target, xp.zeros_like(target))


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
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    num_classes = _check_class_input(input, weight, xp)
    _check_index_target(target, input, num_classes, ignore_index, xp)
    warn_if_not_log_probabilities("input", input, xp, axis=0 if input.ndim == 1 else 1)
    counted, safe_target = _counted_targets(target, ignore_index, xp)
    weights = _gather_class_weights(weight, safe_target, counted, xp, input)
    per_target = core.negative_log_likelihood(safe_target, _class_axis_last(input, xp))
    loss = core.mul_zero_safe(weights, per_target)  # ignored: weight 0, even at -inf
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
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    num_classes = _check_class_input(input, weight, xp)
    if num_classes < 2:
        raise ValueError(
            f"argument `input`: cross_entropy needs one logit per class, at least 2 along the class axis; "
            f"received input.shape={shape_of(input)}. A softmax over a single logit is "
            "always 1, so the loss is always 0 and nothing is learned: for one logit per example use "
            "binary_cross_entropy_with_logits"
        )
    label_smoothing = check_number_in_closed_interval("label_smoothing", label_smoothing, 0.0, 1.0)
    warn_if_rows_are_probabilities(
        "input", input, xp, 0 if input.ndim == 1 else 1,
        advice="cross_entropy applies log_softmax itself: pass the logits (the values before the softmax).",
    )
    if is_real_floating(target):
        return _cross_entropy_with_probabilities(input, target, weight, label_smoothing, reduction, xp)
    logits = _class_axis_last(input, xp)
    _check_index_target(target, input, num_classes, ignore_index, xp)
    counted, safe_target = _counted_targets(target, ignore_index, xp)
    loss = core.label_smoothed_sparse_softmax_cross_entropy(safe_target, logits, label_smoothing, weight)
    loss = xp.where(counted, loss, xp.zeros_like(loss))
    weights = _gather_class_weights(weight, safe_target, counted, xp, input)
    return weighted_mean_and_reduce(loss, weights, reduction)


def _cross_entropy_with_probabilities(input, target, weight, label_smoothing, reduction, xp):
    check_same_dtype("input", input, "target", target)
    if shape_of(target) != shape_of(input):
        raise ValueError(
            "argument `target`: probability targets must have the shape of the input; received "
            f"target.shape={shape_of(target)} for input.shape={shape_of(input)}. "
            "Integer class indices need an integer dtype"
        )
    logits, target = _class_axis_last(input, xp), _class_axis_last(target, xp)
    check_in_closed_interval(
        "target", target, xp, 0.0, 1.0, hint="probability targets are probabilities of each class"
    )
    warn_if_multi_hot("target", target, xp, -1, advice="use binary_cross_entropy_with_logits")
    target = core.smooth_labels(target, label_smoothing, int(logits.shape[-1]))
    if weight is not None:
        target = target * weight
    return reduce_elementwise(core.softmax_cross_entropy(target, logits), reduction)
