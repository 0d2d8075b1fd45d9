"""Margin losses and the generalized cross-entropy: hinge, squared hinge, the multi-class hinges of
Crammer and Singer and of Weston and Watkins, the multilabel margin, the soft margin, and Zhang and
Sabuncu's noise-robust interpolation between cross-entropy and the absolute error.

A margin loss scores a *real-valued* prediction :math:`f` (a score, not a probability) against a
target and charges nothing once the right answer wins by a margin (1 by default): a binary target is
:math:`y \\in \\{-1, +1\\}`, and the margin is :math:`y f`; a class label :math:`c` competes with the
other classes' scores. The kink at the margin is handled the way PyTorch's kernels handle it: the
positive part :math:`\\max(0, z)` has derivative 0 at :math:`z = 0` (:func:`positive_part`).

Per-element (binary) or per-example (classes on the last axis) values; no reductions, no framework
conventions (Keras's 0/1-to-±1 label mapping, PyTorch's ``-1``-padded label lists and its division by
the number of classes are described here, but the argument checks live in the compat layers).

Notation: ``score`` or ``scores`` :math:`f` (real), ``target`` :math:`y`, integer ``labels`` :math:`c`,
``K`` the number of classes (the last axis).
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, as_array_result, namespace
from lossbook._validation import check_positive_number
from lossbook.core.building_blocks import log_with_floor, softplus
from lossbook.core.classification import (
    _pick,
    binary_cross_entropy_with_logits,
    sparse_softmax_cross_entropy,
)

__all__ = [
    "positive_part",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "crammer_singer_hinge",
    "multi_margin",
    "multilabel_margin",
    "soft_margin",
    "multilabel_soft_margin",
    "generalized_cross_entropy",
    "softmax_generalized_cross_entropy",
]


def positive_part(z: ArrayLike) -> ArrayLike:
    r""":math:`\max(0, z)`, with derivative 1 for :math:`z > 0` and 0 for :math:`z \le 0`.

    At the kink :math:`z = 0` any number in [0, 1] is a subgradient; 0 is the one PyTorch's margin
    kernels use (they add a term only ``if (z > 0)``), so autograd through this function matches them
    even for a prediction exactly on the margin.
    """
    xp = namespace(z)
    return xp.where(z > 0, z, xp.zeros_like(z))


def hinge(target: ArrayLike, score: ArrayLike, *, margin: float = 1.0) -> ArrayLike:
    r"""Per-element hinge loss of a score :math:`f` against a target :math:`y \in \{-1, +1\}`.

    .. math:: \ell(y, f) = \max(0,\ m - y f), \qquad m = 1 \text{ by default},

    zero once the prediction has the right sign with margin :math:`m` (:math:`y f \ge m`), and growing
    linearly with the violation otherwise. The loss of the support vector machine: its minimiser is the
    maximum-margin separator, and it is the tightest convex upper bound of the 0-1 loss
    :math:`[y f \le 0]` that is linear in the violation. Targets are *signs*: with a target of 0 the
    loss is :math:`m` whatever the score (see the compat layers for the 0/1 label convention).

    Reference: Cortes and Vapnik, "Support-vector networks", Machine Learning 20(3), 1995; Rosasco et
    al., "Are loss functions all the same?", Neural Computation 16(5), 2004.
    """
    return positive_part(margin - target * score)


def squared_hinge(target: ArrayLike, score: ArrayLike, *, margin: float = 1.0) -> ArrayLike:
    r"""Per-element squared hinge loss: :math:`\ell(y, f) = \max(0,\ m - y f)^2`, :math:`y \in \{-1, +1\}`.

    Differentiable everywhere (its derivative :math:`-2y\max(0, m - yf)` is continuous at the margin),
    and it punishes large violations more than :func:`hinge`; the L2-SVM's loss.

    Reference: Mangasarian and Musicant, "Lagrangian support vector machines", JMLR 1, 2001; Lee and Lin,
    "A study on L2-loss (squared hinge-loss) multiclass SVM", Neural Computation 25(5), 2013.
    """
    return positive_part(margin - target * score) ** 2


def categorical_hinge(target: ArrayLike, scores: ArrayLike) -> ArrayLike:
    r"""The categorical hinge loss as Keras defines it, for one-hot (or {0, 1}) targets on the last axis.

    .. math:: \ell(y, f) = \max\Bigl(0,\ 1 + \max_k\,(1 - y_k) f_k - \sum_k y_k f_k\Bigr).

    For a one-hot target of class :math:`c` this is
    :math:`\max\bigl(0,\ 1 + \max(0, \max_{j \ne c} f_j) - f_c\bigr)`: the multi-class hinge of
    Crammer and Singer (:func:`crammer_singer_hinge`) except that the true class's entry is masked to
    :math:`0 \cdot f_c = 0`, not removed, so a score of 0 still competes. The two agree whenever some
    wrong class scores at least 0 (always for probabilities or a softmax output); when every wrong
    score is negative this loss is larger: at :math:`f = (-2, -3, -4)`, :math:`c = 0`, it is 3 where
    Crammer and Singer's is 0.

    Reference: Crammer and Singer, "On the algorithmic implementation of multiclass kernel-based vector
    machines", JMLR 2, 2001 (the loss it approximates); ``keras.losses.categorical_hinge``.
    """
    xp = namespace(target, scores)
    positive = xp.sum(target * scores, axis=-1)
    negative = xp.max((1.0 - target) * scores, axis=-1)
    return as_array_result(xp, positive_part(negative - positive + 1.0))


def _others(labels: ArrayLike, scores: ArrayLike, xp) -> ArrayLike:
    """A boolean array of ``scores``'s shape: True for every class but each row's label."""
    classes = xp.arange(scores.shape[-1], device=getattr(scores, "device", None))
    return classes != xp.expand_dims(labels, axis=-1)


def crammer_singer_hinge(labels: ArrayLike, scores: ArrayLike, *, margin: float = 1.0) -> ArrayLike:
    r"""The multi-class hinge loss of Crammer and Singer, for integer labels :math:`c` (classes last).

    .. math:: \ell(c, f) = \max\bigl(0,\ m + \max_{j \ne c} f_j - f_c\bigr),

    zero once the true class beats the best wrong class by the margin :math:`m`: only the strongest
    competitor is charged. With one class there is no competitor and the loss is 0.

    Reference: Crammer and Singer, "On the algorithmic implementation of multiclass kernel-based vector
    machines", JMLR 2, 2001, eq. (13).
    """
    xp = namespace(labels, scores)
    competitors = xp.where(_others(labels, scores, xp), scores, xp.full_like(scores, -math.inf))
    best_wrong = xp.max(competitors, axis=-1)
    return as_array_result(xp, positive_part((margin + best_wrong) - _pick(scores, labels)))


def multi_margin(
    labels: ArrayLike,
    scores: ArrayLike,
    *,
    p: int = 1,
    margin: float = 1.0,
    class_weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""The multi-class margin loss of Weston and Watkins, as PyTorch's ``multi_margin_loss`` computes it.

    .. math:: \ell(c, f) = \frac{w_c}{K} \sum_{j \ne c} \max\bigl(0,\ m - f_c + f_j\bigr)^{p},
              \qquad p \in \{1, 2\},

    every wrong class that comes within the margin :math:`m` of the true class :math:`c` is charged
    (Crammer and Singer charge only the strongest one), and the sum is divided by the number of classes
    :math:`K` (not :math:`K - 1`), as PyTorch does. ``class_weight`` :math:`w` (shape ``(K,)``, default
    all 1) scales each example by the weight of its *true* class, after the power,
    :math:`w_c \max(0, m - f_c + f_j)^p`, as ``torch.nn.MultiMarginLoss`` documents and its kernel
    computes.

    Reference: Weston and Watkins, "Support vector machines for multi-class pattern recognition", ESANN
    1999; ``torch.nn.MultiMarginLoss``.
    """
    xp = namespace(labels, scores, class_weight)
    violations = positive_part((margin - xp.expand_dims(_pick(scores, labels), axis=-1)) + scores)
    terms = violations if p == 1 else violations**p
    terms = xp.where(_others(labels, scores, xp), terms, xp.zeros_like(terms))
    if class_weight is not None:
        terms = terms * xp.expand_dims(xp.take(class_weight, labels), axis=-1)
    return as_array_result(xp, xp.sum(terms, axis=-1) / scores.shape[-1])


def multilabel_margin(target: ArrayLike, scores: ArrayLike) -> ArrayLike:
    r"""The multilabel margin loss, with PyTorch's ``multilabel_margin_loss`` target convention.

    .. math:: \ell(Y, f) = \frac{1}{K} \sum_{j} \sum_{i \notin Y} \max\bigl(0,\ 1 - (f_{y_j} - f_i)\bigr),

    where the sum over :math:`j` runs over the labels listed in ``target`` (a row of class indices of
    the same length :math:`K` as ``scores``, read up to its first ``-1``; what follows is ignored) and
    :math:`Y` is the set of those labels: every listed label must beat every unlisted class by 1. A
    label listed twice is charged twice, as in PyTorch; a row that starts with ``-1`` (no labels) or
    lists every class costs 0. ``target`` must hold indices in ``[-1, K)``; the compat layer checks it.

    Reference: Weston and Watkins 1999 (the pairwise hinge); Crammer and Singer, "A family of additive
    online algorithms for category ranking", JMLR 3, 2003; ``torch.nn.MultiLabelMarginLoss``.
    """
    xp = namespace(target, scores)
    num_classes = scores.shape[-1]
    positions = xp.arange(num_classes, device=getattr(scores, "device", None))
    is_end = target == -1
    first_end = xp.argmax(xp.astype(is_end, xp.int64), axis=-1)
    first_end = xp.where(xp.any(is_end, axis=-1), first_end, num_classes)
    listed = positions < xp.expand_dims(first_end, axis=-1)  # (..., j): a label, not padding
    labels = xp.where(listed, target, xp.zeros_like(target))
    in_label_set = xp.any(
        (xp.expand_dims(labels, axis=-1) == positions) & xp.expand_dims(listed, axis=-1), axis=-2
    )  # (..., i)
    label_scores = xp.take_along_axis(scores, labels, axis=-1)  # f_{y_j}
    gaps = xp.expand_dims(label_scores, axis=-1) - xp.expand_dims(scores, axis=-2)  # f_{y_j} - f_i
    violations = positive_part(1.0 - gaps)
    counted = xp.expand_dims(listed, axis=-1) & xp.expand_dims(~in_label_set, axis=-2)  # (..., j, i)
    terms = xp.where(counted, violations, xp.zeros_like(violations))
    return as_array_result(xp, xp.sum(terms, axis=(-2, -1)) / num_classes)


def soft_margin(target: ArrayLike, score: ArrayLike) -> ArrayLike:
    r"""Per-element soft margin (logistic) loss: :math:`\ell(y, f) = \log(1 + e^{-y f})`, labels
    :math:`y \in \{-1, +1\}`.

    A smooth hinge: close to :math:`-y f` for a badly wrong prediction and to :math:`e^{-y f}` for a
    confident correct one. It is the binary cross-entropy with logits written for ±1 targets
    (:math:`\log(1 + e^{-yf}) = \operatorname{softplus}(-y f)`) and is computed as that softplus
    (:func:`~lossbook.core.softplus`), accurate to an ulp for every finite :math:`y f`. PyTorch's
    ``soft_margin_loss`` computes ``log1p(exp(-y f))``, which overflows to ``inf`` (with a NaN
    gradient) once :math:`-y f` exceeds :math:`\log(\text{largest float}) = 709.78` in float64 (88.72
    in float32).

    Reference: Zhang, "Statistical behavior and consistency of classification methods based on convex
    risk minimization", Annals of Statistics 32(1), 2004; ``torch.nn.SoftMarginLoss``.
    """
    return softplus(-(target * score))


def multilabel_soft_margin(
    target: ArrayLike, logits: ArrayLike, *, class_weight: ArrayLike | None = None
) -> ArrayLike:
    r"""The multilabel soft margin loss: the mean over the :math:`K` classes (last axis) of the binary
    cross-entropy with logits.

    .. math:: \ell(y, z) = \frac{1}{K} \sum_{k=1}^{K} w_k \bigl[\,y_k \operatorname{softplus}(-z_k)
              + (1 - y_k) \operatorname{softplus}(z_k)\,\bigr], \qquad y_k \in \{0, 1\},

    one independent yes/no question per class (:func:`~lossbook.core.binary_cross_entropy_with_logits`),
    optionally weighted by :math:`w` (``class_weight``, broadcast against the classes). With targets
    :math:`\pm 1` in place of :math:`\{0, 1\}` each term is :func:`soft_margin`, hence the name.

    Reference: ``torch.nn.MultiLabelSoftMarginLoss``; the binary cross-entropy per label is the
    "binary relevance" reduction of multilabel learning (Zhang and Zhou, "A review on multi-label
    learning algorithms", IEEE TKDE 26(8), 2014).
    """
    xp = namespace(target, logits, class_weight)
    loss = binary_cross_entropy_with_logits(target, logits)
    if class_weight is not None:
        loss = loss * class_weight
    return as_array_result(xp, xp.sum(loss, axis=-1) / logits.shape[-1])


def _check_q(q: float) -> float:
    q = check_positive_number("q", q, hint="q = 0 is the cross-entropy, the limit of this loss")
    if q > 1:
        raise ValueError(f"argument `q`: expected a number in (0, 1], received {q!r}")
    return q


def _generalized_from_log_probability(log_probability: ArrayLike, q: float, xp) -> ArrayLike:
    r""":math:`(1 - p^q)/q = -\operatorname{expm1}(q \log p)/q` (plus 0, so that :math:`p = 1` gives 0,
    not -0)."""
    return -xp.expm1(q * log_probability) / q + 0.0


def generalized_cross_entropy(labels: ArrayLike, probabilities: ArrayLike, *, q: float) -> ArrayLike:
    r"""The generalized cross-entropy of Zhang and Sabuncu, for integer labels :math:`c` (classes last).

    .. math:: \ell(c, p) = \frac{1 - p_c^{\,q}}{q} = -\frac{\operatorname{expm1}(q \log p_c)}{q},
              \qquad q \in (0, 1],

    the Box–Cox transform of the likelihood: :math:`q \to 0` gives the cross-entropy
    :math:`-\log p_c`, :math:`q = 1` the absolute error :math:`1 - p_c` of the one-hot target (the
    "mean absolute error" loss, robust to noisy labels but slow to train). In between, the gradient
    :math:`-p_c^{q - 1}` weights each example like the cross-entropy's :math:`-1/p_c` times
    :math:`p_c^{q}`: examples the model finds implausible (perhaps mislabelled) count less. The paper
    uses :math:`q = 0.7`; Keras defaults to 0.5.

    Computed as :math:`-\operatorname{expm1}(q \log p_c)/q`, so that a confident prediction
    (:math:`p_c` close to 1, where :math:`1 - p_c^q` cancels) and a tiny :math:`q` (where the loss
    approaches :math:`-\log p_c`) keep their digits; :math:`p_c = 0` gives :math:`1/q`.

    Reference: Zhang and Sabuncu, "Generalized cross entropy loss for training deep neural networks with
    noisy labels", NeurIPS 2018 (arXiv:1805.07836), eq. (6).
    """
    xp = namespace(labels, probabilities)
    q = _check_q(q)
    log_probability = log_with_floor(_pick(probabilities, labels))
    return as_array_result(xp, _generalized_from_log_probability(log_probability, q, xp))


def softmax_generalized_cross_entropy(labels: ArrayLike, logits: ArrayLike, *, q: float) -> ArrayLike:
    r""":func:`generalized_cross_entropy` of ``softmax(logits)``, from the logits:
    :math:`-\operatorname{expm1}(q \log\operatorname{softmax}(z)_c)/q`.

    The log-probability comes from :func:`~lossbook.core.sparse_softmax_cross_entropy` (a sum of
    non-negative terms), so a confident correct prediction keeps its tiny loss, where
    ``1 - softmax(z)[c] ** q`` rounds it to 0.

    Reference: Zhang and Sabuncu, NeurIPS 2018 (arXiv:1805.07836).
    """
    xp = namespace(labels, logits)
    q = _check_q(q)
    log_probability = -sparse_softmax_cross_entropy(labels, logits)
    return as_array_result(xp, _generalized_from_log_probability(log_probability, q, xp))
