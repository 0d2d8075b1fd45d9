"""PyTorch's margin losses: ``multi_margin_loss``, ``multilabel_margin_loss``, ``soft_margin_loss`` and
``multilabel_soft_margin_loss``; thin conventions over :mod:`lossbook.core.classification_margin`.

PyTorch's conventions, kept: ``multi_margin_loss`` and ``multilabel_margin_loss`` take a score vector
``(C,)`` or a batch ``(N, C)`` (``N`` may be 0) and divide each example's sum by ``C``; class indices
are int64; ``multilabel_margin_loss`` lists each example's labels padded with ``-1``. Two places where
lossbook differs, deliberately:

* where PyTorch broadcasts a target against the input (``soft_margin_loss``,
  ``multilabel_soft_margin_loss``) or reads garbage (the ``"mean"`` and ``"sum"`` of an empty batch in
  ``multi_margin_loss`` and ``multilabel_margin_loss`` return uninitialised memory in PyTorch 2.13),
  lossbook refuses the shape mismatch, and gives an empty batch a mean of NaN and a sum of 0;
* ``soft_margin_loss`` is computed as a softplus, so it is finite for every finite input, where PyTorch's
  ``log1p(exp(-y x))`` returns ``inf`` (and a NaN gradient) once :math:`-y x > 709.78` in float64.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, namespace, shape_of
from lossbook._validation import (
    check_class_indices,
    check_in_closed_interval,
    check_integer,
    check_logits,
    check_pair,
    warn_if_zero_one_labels,
)
from lossbook.torch_compat.classification import _check_class_input, _check_weight
from lossbook.torch_compat.reduction import reduce_elementwise, reduction_from_legacy

__all__ = [
    "multi_margin_loss",
    "multilabel_margin_loss",
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
]


def _score_rows(input: ArrayLike, weight: ArrayLike | None, xp) -> ArrayLike:
    """A score vector ``(C,)`` or batch ``(N, C)`` (or a single score) as rows ``(N, C)``, validated
    with its optional per-class ``weight`` (``_check_class_input``, shared with ``cross_entropy``)."""
    if input.ndim > 2 or (input.ndim >= 1 and input.shape[-1] == 0):
        raise ValueError(
            "argument `input`: expected a score vector (C,) or a batch of them (N, C) with C >= 1 (N may "
            f"be 0), received input.shape={shape_of(input)}"
        )
    rows = xp.reshape(input, (-1, 1 if input.ndim == 0 else int(input.shape[-1])))
    _check_class_input(rows, weight, xp)
    return rows


def multi_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    p: int = 1,
    margin: float = 1.0,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.multi_margin_loss``: the multi-class hinge of Weston and Watkins.

    .. math:: \ell_n = \frac{w_{y_n}}{C} \sum_{j \ne y_n}
              \max\bigl(0,\ \text{margin} - x_{n, y_n} + x_{n, j}\bigr)^{p}

    ``input`` holds scores :math:`x`, shape ``(C,)`` or ``(N, C)``; ``target`` the class indices, shape
    ``()`` (or ``(1,)``) for one example and ``(N,)`` for a batch; ``p`` is 1 or 2; ``weight`` one
    weight per class, shape ``(C,)`` (the functional docstring's "weights for each sample" means the
    class of each sample), applied after the power. ``"mean"`` divides by :math:`N`, not by the weights
    (:func:`lossbook.core.multi_margin`).
    """
    xp = namespace(input, target, weight)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"argument `p`: expected 1 or 2 (the only powers PyTorch supports), received {p!r}")
    scores = _score_rows(input, weight, xp)
    num_classes = int(scores.shape[-1])
    check_integer("target", target)
    expected = [(), (1,)] if input.ndim <= 1 else [shape_of(input)[:1]]
    if shape_of(target) not in expected:
        raise ValueError(
            f"argument `target`: expected one class index per example, shape {expected[0]}, received "
            f"target.shape={shape_of(target)} for input.shape={shape_of(input)}"
        )
    check_class_indices("target", target, xp, num_classes, None)
    labels = xp.reshape(target, (-1,))
    loss = core.multi_margin(labels, scores, p=p, margin=margin, class_weight=weight)
    return reduce_elementwise(xp.reshape(loss, target.shape), reduction)


def multilabel_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.multilabel_margin_loss``: every listed label must beat every other class by 1.

    .. math:: \ell_n = \frac{1}{C} \sum_{j} \sum_{i \notin Y_n}
              \max\bigl(0,\ 1 - (x_{n, y_{nj}} - x_{n, i})\bigr)

    ``input`` holds scores, shape ``(C,)`` or ``(N, C)``; ``target`` has the same shape and lists each
    example's labels, padded with ``-1``: ``[3, 0, -1, 1]`` means the labels 3 and 0 (everything from
    the first ``-1`` on is ignored, but must still lie in ``[-1, C)``, as PyTorch checks).
    :math:`Y_n` is the set of listed labels (:func:`lossbook.core.multilabel_margin`).
    """
    xp = namespace(input, target)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    scores = _score_rows(input, None, xp)
    check_integer("target", target)
    if shape_of(target) != shape_of(input):
        raise ValueError(
            "argument `target`: expected the shape of the input, one row of class indices padded with -1 "
            f"per example; received target.shape={shape_of(target)} for input.shape={shape_of(input)}"
        )
    check_class_indices("target", target, xp, int(scores.shape[-1]), -1)
    loss = core.multilabel_margin(xp.reshape(target, scores.shape), scores)
    return reduce_elementwise(xp.reshape(loss, shape_of(input)[:-1] if input.ndim == 2 else ()), reduction)


def soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.soft_margin_loss``: :math:`\ell_n = \log(1 + e^{-y_n x_n})` per element.

    ``input`` holds scores :math:`x` (any shape), ``target`` the labels :math:`y \in \{-1, 1\}` (same
    shape and dtype). Computed as :math:`\operatorname{softplus}(-y x)`
    (:func:`lossbook.core.soft_margin`): finite for every finite input, where PyTorch returns ``inf``
    and a NaN gradient once :math:`-y x` exceeds 709.78 (float64) or 88.72 (float32). Targets that are
    all 0 or 1 (with at least one 0) get a ``LikelyMistakeWarning``: a target of 0 costs
    :math:`\log 2` whatever the score.
    """
    xp = namespace(input, target)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    check_pair("input", input, "target", target, xp)
    warn_if_zero_one_labels(
        "target", target, xp,
        advice="soft_margin_loss expects labels -1 and 1 (a target of 0 costs log 2 whatever the input): "
        "pass 2 * target - 1, or use binary_cross_entropy_with_logits for 0/1 labels.",
    )
    return reduce_elementwise(core.soft_margin(target, input), reduction)


def multilabel_soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> ArrayLike:
    r"""``torch.nn.functional.multilabel_soft_margin_loss``: the mean over the classes (last axis) of
    the binary cross-entropy with logits.

    .. math:: \ell_n = \frac{1}{C} \sum_{c} w_c \bigl[\,y_{nc} \operatorname{softplus}(-x_{nc})
              + (1 - y_{nc}) \operatorname{softplus}(x_{nc})\,\bigr]

    ``input`` holds logits, shape ``(..., C)`` with at least one axis; ``target`` the 0/1 labels (same
    shape; PyTorch would broadcast them, lossbook refuses); ``weight`` optional weights that broadcast
    to the input, usually one per class, ``(C,)``. One loss per example (the shape of the input without
    its last axis) before the reduction (:func:`lossbook.core.multilabel_soft_margin`).
    """
    xp = namespace(input, target, weight)
    reduction = reduction_from_legacy(size_average, reduce, reduction)
    if input.ndim == 0:
        raise ValueError(
            "argument `input`: expected at least one axis, the classes (C,) or (N, C), received a scalar"
        )
    check_pair("input", input, "target", target, xp)
    check_in_closed_interval(
        "target", target, xp, 0.0, 1.0,
        hint="multilabel_soft_margin_loss takes 0/1 labels (not -1/1 as soft_margin_loss does)",
    )
    check_logits(
        "input", input, xp,
        advice="multilabel_soft_margin_loss applies the sigmoid itself: pass the logits.",
    )
    _check_weight("weight", weight, input, xp)
    return reduce_elementwise(core.multilabel_soft_margin(target, input, class_weight=weight), reduction)
