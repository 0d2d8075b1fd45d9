"""Classification losses: binary and categorical cross-entropy, on probabilities or on logits.

Per-element (binary) or per-example (categorical, summed over the class axis) values; no reductions,
no framework names: the framework conventions (clipping, ignored targets, reductions) live in
:mod:`lossbook.keras_compat` and :mod:`lossbook.torch_compat`. Where the derivative is known in closed
form (:math:`\\sigma(z) - y`, :math:`\\operatorname{softmax}(z) - y`), torch autograd uses it
(:func:`~lossbook.core._closed_form.closed_form_gradient`) instead of retracing the stable formula.

Notation: ``z`` is a logit, ``p`` or ``q`` a predicted probability, ``y`` a target probability, ``c``
an integer class label, ``K`` the number of classes (always the last axis unless an ``axis`` says
otherwise).
"""

from __future__ import annotations

from lossbook._arrays import ArrayLike, as_array_result, namespace
from lossbook.core._closed_form import closed_form_gradient
from lossbook.core.building_blocks import (
    log1m_with_floor,
    log_softmax,
    log_with_floor,
    logsumexp_pieces,
    mul_zero_safe,
    sigmoid,
    softmax,
    softplus,
    xlogy,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "smooth_labels",
    "categorical_cross_entropy",
    "sparse_categorical_cross_entropy",
    "negative_log_likelihood",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
    "label_smoothed_sparse_softmax_cross_entropy",
]


def binary_cross_entropy(
    target: ArrayLike, probability: ArrayLike, *, log_floor: float | None = None
) -> ArrayLike:
    r"""Per-element binary cross-entropy of a predicted probability :math:`p` against a target :math:`y`.

    .. math:: \ell(y, p) = -\bigl[\,y \log p + (1 - y) \log(1 - p)\,\bigr], \qquad y, p \in [0, 1].

    This is the negative log-likelihood of a Bernoulli variable with success probability :math:`p`
    (for :math:`y \in \{0, 1\}`), and the cross-entropy between the distributions
    :math:`(y, 1 - y)` and :math:`(p, 1 - p)` for soft targets. :math:`\log(1 - p)` is computed as
    ``log1p(-p)``; terms with a zero coefficient contribute 0 (:math:`0 \cdot \log 0 = 0`).

    ``log_floor`` clamps each log from below (PyTorch uses -100); without it a confident wrong
    prediction (:math:`p = 0`, :math:`y > 0`) gives ``inf``, the exact answer.

    Reference: Cox, "The regression analysis of binary sequences", JRSS B 20(2), 1958; Goodfellow,
    Bengio and Courville, *Deep Learning*, MIT Press 2016, section 6.2.2.2.
    """
    positive_part = mul_zero_safe(target, log_with_floor(probability, log_floor))
    negative_part = mul_zero_safe(1.0 - target, log1m_with_floor(probability, log_floor))
    return -(positive_part + negative_part)


def _bce_with_logits_d_logit(target, logit, pos_weight=None):
    r""":math:`\partial\ell/\partial z = (1 - y)\,\sigma(z) - w\,y\,\sigma(-z)`, which is
    :math:`\sigma(z) - y` for :math:`w = 1`. Written with :math:`\sigma(-z)` rather than
    :math:`1 - \sigma(z)`, so that a confident prediction keeps its tiny gradient."""
    positive = target * sigmoid(-logit) if pos_weight is None else pos_weight * target * sigmoid(-logit)
    return (1.0 - target) * sigmoid(logit) - positive


def _bce_with_logits_d_target(target, logit, pos_weight=None):
    r""":math:`\partial\ell/\partial y = w\operatorname{softplus}(-z) - \operatorname{softplus}(z)`."""
    positive = softplus(-logit) if pos_weight is None else pos_weight * softplus(-logit)
    return positive - softplus(logit)


def _bce_with_logits_d_pos_weight(target, logit, pos_weight=None):
    r""":math:`\partial\ell/\partial w = y\operatorname{softplus}(-z)`."""
    return target * softplus(-logit)


@closed_form_gradient(
    target=_bce_with_logits_d_target,
    logit=_bce_with_logits_d_logit,
    pos_weight=_bce_with_logits_d_pos_weight,
)
def binary_cross_entropy_with_logits(
    target: ArrayLike, logit: ArrayLike, *, pos_weight: ArrayLike | float | None = None
) -> ArrayLike:
    r"""Per-element binary cross-entropy of a logit :math:`z` (so :math:`p = \sigma(z)`) against :math:`y`.

    .. math::
        \ell(y, z) = -\bigl[\,w\,y \log\sigma(z) + (1 - y)\log(1 - \sigma(z))\,\bigr]
                   = w\,y\,\operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z),

    where :math:`w` is the weight of the positive term (``pos_weight``, default 1). Both terms are
    non-negative and each is computed to full relative precision, so the loss is accurate for any
    finite logit, including a true loss of :math:`3.7 \times 10^{-44}` at :math:`z = -100,\ y = 0`,
    which the textbook rearrangement :math:`(1 - y) z - \log\sigma(z)` rounds to 0. (A logit is a real
    number: at :math:`z = \pm\infty` a product :math:`0 \cdot \infty` gives NaN, as in PyTorch, and
    the compat layers refuse infinite logits.)

    With :math:`w = 1` the derivative is the famous :math:`\partial\ell/\partial z = \sigma(z) - y`;
    autograd is handed it in closed form rather than retracing the formula.

    Reference: Bishop, *Pattern Recognition and Machine Learning*, Springer 2006, eq. (4.90)-(4.91).
    """
    positive_part = softplus(-logit) if pos_weight is None else pos_weight * softplus(-logit)
    return target * positive_part + (1.0 - target) * softplus(logit)


def smooth_labels(target: ArrayLike, smoothing: float, num_classes: int) -> ArrayLike:
    r"""Label smoothing: :math:`\tilde y = (1 - s)\,y + s / K`, the target mixed with the uniform one.

    With :math:`s = 0.1` and :math:`K = 10`, a one-hot target becomes 0.91 for the true class and 0.01
    for every other: the model is no longer pushed to make its logits infinitely far apart. Binary
    targets are the case :math:`K = 2` (:math:`y \mapsto y(1 - s) + s/2`).

    Reference: Szegedy et al., "Rethinking the Inception architecture for computer vision", CVPR 2016
    (arXiv:1512.00567), section 7; Müller, Kornblith and Hinton, "When does label smoothing help?",
    NeurIPS 2019 (arXiv:1906.02629).
    """
    if not smoothing:
        return target
    return target * (1.0 - smoothing) + smoothing / num_classes


def categorical_cross_entropy(target: ArrayLike, probability: ArrayLike, axis: int = -1) -> ArrayLike:
    r"""Cross-entropy of predicted probabilities :math:`q` against target probabilities :math:`y`.

    .. math:: \ell(y, q) = -\sum_{k=1}^{K} y_k \log q_k \qquad(\text{summed over } \texttt{axis}),

    with :math:`0 \log 0 = 0` (:func:`xlogy`). For a one-hot :math:`y` it is :math:`-\log q_c`, the
    negative log-likelihood of the true class :math:`c` under a categorical distribution; for soft
    targets it is Shannon's cross-entropy :math:`H(y, q)`, at least the entropy :math:`H(y, y)`. A zero
    probability for a class with positive target weight gives ``inf``: no clipping here (that is a
    framework convention, applied in the compat layers).

    Reference: Shannon, "A mathematical theory of communication", Bell System Technical Journal 27,
    1948; Goodfellow, Bengio and Courville, *Deep Learning*, 2016, section 6.2.2.3.
    """
    xp = namespace(target, probability)
    return as_array_result(xp, -xp.sum(xlogy(target, probability), axis=axis))  # 0-d array, not a scalar


def _pick(values: ArrayLike, labels: ArrayLike) -> ArrayLike:
    """``values[..., c]`` for the label ``c`` of each row (classes on the last axis)."""
    xp = namespace(values, labels)
    return xp.squeeze(xp.take_along_axis(values, xp.expand_dims(labels, axis=-1), axis=-1), axis=-1)


def sparse_categorical_cross_entropy(labels: ArrayLike, probability: ArrayLike) -> ArrayLike:
    r""":math:`-\log q_c`: the cross-entropy of probabilities :math:`q` (classes last) for integer labels.

    The value of :func:`categorical_cross_entropy` on one-hot targets, reading only the true class's
    probability: one logarithm per example instead of a sum over :math:`K` classes.
    """
    return as_array_result(namespace(labels, probability), -log_with_floor(_pick(probability, labels)))


def negative_log_likelihood(labels: ArrayLike, log_probabilities: ArrayLike) -> ArrayLike:
    r""":math:`-\log q_c`, from log-probabilities :math:`\log q` (classes last) and integer labels :math:`c`.

    The negative log-likelihood of the observed class under the predicted categorical distribution.
    Fed with ``log_softmax(z)`` it is the softmax cross-entropy; it trusts its input to be
    log-probabilities (the compat layers check that).
    """
    return as_array_result(namespace(labels, log_probabilities), -_pick(log_probabilities, labels))


def _softmax_cross_entropy_d_logits(target, logits, axis=-1):
    r""":math:`\partial\ell/\partial z_k = \operatorname{softmax}(z)_k \sum_j y_j - y_k`, which is
    :math:`\operatorname{softmax}(z) - y` for a target that sums to 1."""
    xp = namespace(target, logits)
    return softmax(logits, axis=axis) * xp.sum(target, axis=axis, keepdims=True) - target


def _softmax_cross_entropy_d_target(target, logits, axis=-1):
    r""":math:`\partial\ell/\partial y_k = -\log\operatorname{softmax}(z)_k`."""
    return -log_softmax(logits, axis=axis)


@closed_form_gradient(
    summed_axis="axis", target=_softmax_cross_entropy_d_target, logits=_softmax_cross_entropy_d_logits
)
def softmax_cross_entropy(target: ArrayLike, logits: ArrayLike, axis: int = -1) -> ArrayLike:
    r"""Cross-entropy of ``softmax(logits)`` against target probabilities :math:`y`, from the logits.

    .. math:: \ell(y, z) = -\sum_k y_k \log\operatorname{softmax}(z)_k
                         = \sum_k y_k \bigl[(m - z_k) + \log(1 + t)\bigr],

    a sum of non-negative terms (:func:`log_softmax`), so it is accurate to a few ulps even for a
    confident correct prediction whose loss is :math:`10^{-200}`. For targets that sum to 1 the
    gradient is the famous :math:`\partial\ell/\partial z = \operatorname{softmax}(z) - y`, handed to
    autograd in closed form.

    Reference: Bridle 1990; Bishop, *Pattern Recognition and Machine Learning*, 2006, eq. (4.108)-(4.109).
    """
    xp = namespace(target, logits)
    return as_array_result(xp, xp.sum(mul_zero_safe(target, -log_softmax(logits, axis=axis)), axis=axis))


def _sparse_softmax_cross_entropy_d_logits(labels, logits):
    r""":math:`\partial\ell/\partial z_k = \operatorname{softmax}(z)_k - [k = c]`."""
    xp = namespace(labels, logits)
    classes = xp.arange(logits.shape[-1], device=getattr(logits, "device", None))
    one_hot = xp.astype(classes == xp.expand_dims(labels, axis=-1), logits.dtype)
    return softmax(logits) - one_hot


@closed_form_gradient(summed_axis=-1, logits=_sparse_softmax_cross_entropy_d_logits)
def sparse_softmax_cross_entropy(labels: ArrayLike, logits: ArrayLike) -> ArrayLike:
    r"""Cross-entropy of ``softmax(logits)`` (classes on the last axis) for integer class ``labels``.

    .. math:: \ell(c, z) = -\log\operatorname{softmax}(z)_c = (m - z_c) + \log(1 + t),

    with :math:`m` the largest logit and :math:`t = \sum_{j \ne \arg\max} e^{z_j - m}`
    (:func:`~lossbook.core.building_blocks.logsumexp_pieces`). The same value as
    :func:`softmax_cross_entropy` with a one-hot target, without building the one-hot array or the
    whole log-softmax: one gathered logit and one log per example. ``labels`` has the shape of
    ``logits`` without its last axis and holds integers in ``[0, K)``.
    """
    xp = namespace(labels, logits)
    m, log_normaliser = (xp.squeeze(piece, axis=-1) for piece in logsumexp_pieces(logits))
    return as_array_result(xp, (m - _pick(logits, labels)) + log_normaliser)


def label_smoothed_sparse_softmax_cross_entropy(
    labels: ArrayLike,
    logits: ArrayLike,
    smoothing: float,
    class_weight: ArrayLike | None = None,
) -> ArrayLike:
    r"""Softmax cross-entropy against a smoothed one-hot target, with optional class weights :math:`w`.

    .. math:: \ell(c, z) = \sum_k w_k \tilde y_k \bigl(-\log s_k\bigr)
                         = (1 - \varepsilon)\, w_c \bigl(-\log s_c\bigr)
                           + \frac{\varepsilon}{K} \sum_k w_k \bigl(-\log s_k\bigr),

    with :math:`\tilde y = (1 - \varepsilon)\,\mathrm{onehot}(c) + \varepsilon/K` (:func:`smooth_labels`)
    and :math:`s = \operatorname{softmax}(z)`: PyTorch's ``cross_entropy`` with ``label_smoothing=ε``
    and ``weight=w`` on class indices, computed without building the one-hot targets. With
    :math:`\varepsilon = 0` and no weights it is :func:`sparse_softmax_cross_entropy`.

    Reference: Szegedy et al. 2016 (arXiv:1512.00567), section 7.
    """
    xp = namespace(labels, logits, class_weight)
    true_class = sparse_softmax_cross_entropy(labels, logits)
    if class_weight is not None:
        true_class = mul_zero_safe(_pick(xp.broadcast_to(class_weight, logits.shape), labels), true_class)
    if not smoothing:
        return true_class
    negative_log_probabilities = -log_softmax(logits)
    if class_weight is not None:
        negative_log_probabilities = negative_log_probabilities * class_weight
    uniform_part = xp.sum(negative_log_probabilities, axis=-1)
    return (1.0 - smoothing) * true_class + (smoothing / logits.shape[-1]) * uniform_part
