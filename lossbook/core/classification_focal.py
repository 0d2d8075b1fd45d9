"""Focal losses: cross-entropies reweighted by how wrong each prediction is (Lin et al. 2017).

The focal loss multiplies the cross-entropy of each outcome by :math:`\\alpha_t (1 - p_t)^{\\gamma}`,
where :math:`p_t` is the probability the model gives to what actually happened. A well-classified
example (:math:`p_t \\to 1`) is down-weighted by :math:`(1 - p_t)^{\\gamma}`, so the many easy negatives
of a dense detector stop drowning out the few hard examples; :math:`\\gamma = 0` gives back the
cross-entropy, and :math:`\\alpha` optionally balances positives against negatives (or, for K classes,
weights each class).

Per-element (binary) or per-example (categorical, summed over the class axis) values, as in
:mod:`lossbook.core.classification`; no reductions, no framework conventions (Keras's clipping and
torchvision's ``alpha=-1`` live in the compat layers).

The logit forms are the accurate ones. With :math:`z_t = z` for a positive and :math:`-z` for a
negative, :math:`-\\log p_t = \\operatorname{softplus}(-z_t)` and
:math:`1 - p_t = \\sigma(-z_t)` are each computed to full relative precision, so a confident correct
prediction at :math:`z_t = 40` keeps its loss of :math:`7.7 \\times 10^{-53}` (for :math:`\\gamma = 2`),
which ``sigmoid`` followed by ``1 - p_t`` rounds to 0. Two roundings are then still worth avoiding: a
power of the rounded :math:`\\sigma(-z_t)` doubles its error (5 ulps in all for :math:`\\gamma = 2`), and
:math:`\\exp(\\gamma \\log\\sigma(-z_t))` turns half an ulp of :math:`\\gamma \\log\\sigma(-z_t) \\approx -80`
into 40 ulps of the result; so the large part of the exponent is split off exactly
(:func:`_focal_term_of_hard_target`), and the loss is within 4 ulps of mpmath.
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, as_array_result, is_array, is_torch, namespace, shape_of
from lossbook._validation import check_in_closed_interval, check_number_in_closed_interval
from lossbook.core.building_blocks import log_softmax, log_with_floor, mul_zero_safe, sigmoid
from lossbook.core.classification import binary_cross_entropy, binary_cross_entropy_with_logits

__all__ = [
    "binary_focal_weight",
    "binary_focal_cross_entropy",
    "binary_focal_cross_entropy_with_logits",
    "categorical_focal_cross_entropy",
    "softmax_focal_cross_entropy",
]


def _check_gamma(gamma: float) -> float:
    gamma = check_number_in_closed_interval("gamma", gamma, 0.0, math.inf)
    if math.isinf(gamma):
        raise ValueError("argument `gamma`: expected a finite number >= 0, received inf")
    return gamma


def _binary_alpha_t(target: ArrayLike, alpha: float | None) -> ArrayLike | None:
    r""":math:`\alpha_t = y\,\alpha + (1 - y)(1 - \alpha)`, or ``None`` for no balancing."""
    if alpha is None:
        return None
    alpha = check_number_in_closed_interval("alpha", alpha, 0.0, 1.0)
    return target * alpha + (1.0 - target) * (1.0 - alpha)


def _times(weight: ArrayLike | None, value: ArrayLike) -> ArrayLike:
    """``weight * value`` with 0 times infinity = 0; ``None`` is a weight of 1."""
    return value if weight is None else mul_zero_safe(weight, value)


def binary_focal_weight(
    target: ArrayLike, probability: ArrayLike, *, gamma: float = 2.0, alpha: float | None = None
) -> ArrayLike:
    r"""The focal weight :math:`\alpha_t (1 - p_t)^{\gamma}` of a predicted probability :math:`p`.

    .. math:: 1 - p_t = y\,(1 - p) + (1 - y)\,p, \qquad \alpha_t = y\,\alpha + (1 - y)(1 - \alpha),

    the probability given to the outcome that did *not* happen (for :math:`y \in \{0, 1\}`; for soft
    targets the same mixture, as Keras and torchvision compute it). :math:`1 - p_t` is written as a sum
    of two non-negative terms, not as ``1 - p_t``, so it keeps its digits when :math:`p_t` is close to 1.
    ``alpha=None`` means no balancing (:math:`\alpha_t = 1`); ``gamma`` must be at least 0
    (:math:`0^0 = 1`).

    Reference: Lin, Goyal, Girshick, He and Dollár, "Focal loss for dense object detection", ICCV 2017
    (arXiv:1708.02002), section 3.
    """
    gamma = _check_gamma(gamma)
    one_minus_p_t = target * (1.0 - probability) + (1.0 - target) * probability
    return _times(_binary_alpha_t(target, alpha), one_minus_p_t**gamma)


def binary_focal_cross_entropy(
    target: ArrayLike, probability: ArrayLike, *, gamma: float = 2.0, alpha: float | None = None
) -> ArrayLike:
    r"""Per-element binary focal loss of a predicted probability :math:`p` against a target :math:`y`.

    .. math:: \ell(y, p) = -\alpha_t\,(1 - p_t)^{\gamma} \log p_t
              = \alpha_t (1 - p_t)^{\gamma}\,\mathrm{BCE}(y, p),

    with :math:`p_t = p` for :math:`y = 1` and :math:`1 - p` for :math:`y = 0`
    (:func:`binary_focal_weight`, :func:`~lossbook.core.binary_cross_entropy`). For soft targets the
    cross-entropy and :math:`p_t` are the mixtures Keras and torchvision use. :math:`\gamma = 0` and
    ``alpha=None`` give the binary cross-entropy exactly; :math:`\gamma = 2`, :math:`\alpha = 0.25` are
    the paper's choice. No clipping: :math:`p = 0` for a positive gives ``inf``.

    Reference: Lin et al., "Focal loss for dense object detection", ICCV 2017 (arXiv:1708.02002), eq. (5).
    """
    weight = binary_focal_weight(target, probability, gamma=gamma, alpha=alpha)
    return mul_zero_safe(weight, binary_cross_entropy(target, probability))


_DEKKER_SPLIT = 2.0**27 + 1.0
"""Veltkamp's splitting constant for float64: ``a`` splits into two halves of 26 bits each."""


_LARGEST_SPLIT_LOGIT = 1e4


def _two_product(a: ArrayLike, b: float, xp) -> tuple[ArrayLike, ArrayLike]:
    """Dekker's error-free product: ``p = fl(a * b)`` and ``e`` with :math:`a b = p + e` exactly (for
    ``|a b|`` far from overflow). The error term is a constant for autograd, like TwoSum's."""
    p = a * b
    c = _DEKKER_SPLIT * a
    a_high = c - (c - a)
    a_low = a - a_high
    b_high = _DEKKER_SPLIT * b - (_DEKKER_SPLIT * b - b)
    b_low = b - b_high
    e = ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
    return p, e.detach() if is_torch(e) else e


def _focal_term_of_hard_target(z_t: ArrayLike, gamma: float, xp) -> ArrayLike:
    r""":math:`\sigma(-z_t)^{\gamma}\operatorname{softplus}(-z_t)` to about 3 ulps (measured 3.5 at worst
    for :math:`\gamma` from 0.5 to 3.5), where a power of the rounded :math:`\sigma(-z_t)` doubles its
    error (5 ulps for :math:`\gamma = 2`).

    With :math:`e = e^{-|z_t|}` and :math:`l = \log(1 + e)`: for :math:`z_t \ge 0` the loss is
    :math:`e^{-\gamma z_t} e^{-\gamma l}\, l`, with :math:`\gamma z_t` split exactly into
    :math:`h + r` (:func:`_two_product`), so that the large exponent is rounded only once, by ``exp``;
    for :math:`z_t < 0` it is :math:`e^{-\gamma l}\,(l - z_t)`.
    """
    if z_t.dtype != xp.float64:  # the split is float64's (a 53-bit significand): narrower formats
        return xp.astype(_focal_term_of_hard_target(xp.astype(z_t, xp.float64), gamma, xp), z_t.dtype)
    correct = z_t >= 0
    log1p_e = xp.log1p(xp.exp(xp.where(correct, -z_t, z_t)))
    # Beyond z_t = 1e4 the loss is 0 in every float format; the cap keeps the split from overflowing.
    capped = xp.where(correct, xp.minimum(z_t, xp.full_like(z_t, _LARGEST_SPLIT_LOGIT)), xp.zeros_like(z_t))
    high, low = _two_product(capped, gamma, xp)
    factor = xp.exp(-high) * xp.exp(-(gamma * log1p_e + low))
    return factor * xp.where(correct, log1p_e, log1p_e - z_t)


def binary_focal_cross_entropy_with_logits(
    target: ArrayLike, logit: ArrayLike, *, gamma: float = 2.0, alpha: float | None = None
) -> ArrayLike:
    r"""Per-element binary focal loss of a logit :math:`z` (so :math:`p = \sigma(z)`) against :math:`y`.

    .. math::
        \ell(y, z) = \alpha_t\,\bigl[\,y\,\sigma(-z) + (1 - y)\,\sigma(z)\,\bigr]^{\gamma}
                     \bigl[\,y \operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z)\,\bigr],

    which for a hard target is :math:`\alpha_t\,\sigma(-z_t)^{\gamma}\operatorname{softplus}(-z_t)`,
    :math:`z_t = z` for :math:`y = 1` and :math:`-z` for :math:`y = 0`: :math:`1 - p_t = \sigma(-z_t)`
    and :math:`-\log p_t = \operatorname{softplus}(-z_t)`, both without cancellation. torchvision and
    Keras compute :math:`p = \sigma(z)` and then :math:`1 - p_t` by subtraction, which gives 0 for a
    confident correct prediction (:math:`z_t > 37` in float64); here :math:`z_t = 40` keeps its loss
    of :math:`7.7 \times 10^{-53}` (:math:`\gamma = 2`).

    Hard targets get the most accurate form (:func:`_focal_term_of_hard_target`, within 4 ulps of
    mpmath in float64, tested from :math:`z = -40` to 40 and for confident logits up to 745); soft
    targets the mixture above, each part without cancellation. torch autograd differentiates the
    mixture (equal in exact arithmetic), so the gradient with respect to the target is right at
    :math:`y = 0` and 1 too.

    Reference: Lin et al., "Focal loss for dense object detection", ICCV 2017 (arXiv:1708.02002),
    eq. (5) and appendix A (the :math:`z_t` notation).
    """
    xp = namespace(target, logit)
    gamma = _check_gamma(gamma)
    if gamma == 0:  # the cross-entropy, exactly
        return _times(_binary_alpha_t(target, alpha), binary_cross_entropy_with_logits(target, logit))
    one_minus_p_t = target * sigmoid(-logit) + (1.0 - target) * sigmoid(logit)
    focal = one_minus_p_t**gamma * binary_cross_entropy_with_logits(target, logit)
    hard = (target == 0) | (target == 1)
    if bool(xp.any(hard)):
        accurate = _focal_term_of_hard_target(xp.where(target == 1, logit, -logit), gamma, xp)
        if is_torch(focal):  # the accurate value, the mixture's derivative
            accurate = focal + (accurate - focal).detach()
        focal = xp.where(hard, accurate, focal)
    return _times(_binary_alpha_t(target, alpha), focal)


def _class_alpha(alpha: float | ArrayLike | None, num_classes: int, xp) -> float | ArrayLike | None:
    """A scalar weight or one per class (last axis), each at least 0; ``None``: no weighting."""
    if alpha is None:
        return None
    if is_array(alpha) and alpha.ndim > 0:
        if shape_of(alpha) != (num_classes,):
            raise ValueError(
                f"argument `alpha`: expected a scalar or one weight per class, shape ({num_classes},); "
                f"received alpha.shape={shape_of(alpha)}"
            )
        check_in_closed_interval(
            "alpha", alpha, xp, 0.0, math.inf, hint="per-class weights must be non-negative"
        )
        return alpha
    return check_number_in_closed_interval("alpha", alpha, 0.0, math.inf)


def _categorical_focal(target, log_probability, one_minus_probability, gamma, alpha, axis, xp):
    r""":math:`\sum_k \alpha_k\,(1 - q_k)^{\gamma}\,(-y_k \log q_k)` over ``axis``, the classes moved
    last so that a per-class ``alpha`` of shape ``(K,)`` weights them."""
    target, log_probability, one_minus_probability = (
        xp.moveaxis(a, axis, -1) for a in (target, log_probability, one_minus_probability)
    )
    alpha = _class_alpha(alpha, int(target.shape[-1]), xp)
    weight = _times(alpha, one_minus_probability ** _check_gamma(gamma))
    terms = mul_zero_safe(weight, -mul_zero_safe(target, log_probability))  # 0 log 0 = 0
    return as_array_result(xp, xp.sum(terms, axis=-1))


def categorical_focal_cross_entropy(
    target: ArrayLike,
    probability: ArrayLike,
    axis: int = -1,
    *,
    gamma: float = 2.0,
    alpha: float | ArrayLike | None = None,
) -> ArrayLike:
    r"""Categorical focal loss of predicted probabilities :math:`q` against targets :math:`y`.

    .. math:: \ell(y, q) = -\sum_{k=1}^{K} \alpha_k\,y_k\,(1 - q_k)^{\gamma} \log q_k
              \qquad(\text{summed over } \texttt{axis}),

    the multi-class form of Lin et al.'s loss that Keras computes: each class's cross-entropy term is
    down-weighted by how much probability the model already gives it. For a one-hot :math:`y` it is
    :math:`-\alpha_c (1 - q_c)^{\gamma} \log q_c`. ``alpha`` is ``None`` (no weighting), a scalar, or
    one non-negative weight per class (shape ``(K,)``, class weights such as inverse frequencies may
    exceed 1). :math:`\gamma = 0` and ``alpha=None`` give
    :func:`~lossbook.core.categorical_cross_entropy` exactly; :math:`0 \log 0 = 0`, no clipping.

    Reference: Lin et al., "Focal loss for dense object detection", ICCV 2017 (arXiv:1708.02002).
    """
    xp = namespace(target, probability)
    return _categorical_focal(target, log_with_floor(probability), 1.0 - probability, gamma, alpha, axis, xp)


def softmax_focal_cross_entropy(
    target: ArrayLike,
    logits: ArrayLike,
    axis: int = -1,
    *,
    gamma: float = 2.0,
    alpha: float | ArrayLike | None = None,
) -> ArrayLike:
    r"""Categorical focal loss of ``softmax(logits)`` against target probabilities :math:`y`.

    .. math:: \ell(y, z) = \sum_k \alpha_k\,y_k\,\bigl(-\operatorname{expm1}(L_k)\bigr)^{\gamma}\,(-L_k),
              \qquad L_k = \log\operatorname{softmax}(z)_k,

    with :math:`L_k` from the stable :func:`~lossbook.core.log_softmax` (a sum of non-negative terms)
    and :math:`1 - q_k = -\operatorname{expm1}(L_k)`, which keeps its digits when :math:`q_k` is
    close to 1 (``1 - softmax(z)`` would round it to 0). So a confident correct prediction keeps its
    tiny loss, to a few ulps in float64. ``alpha`` as in :func:`categorical_focal_cross_entropy`.

    Reference: Lin et al., "Focal loss for dense object detection", ICCV 2017 (arXiv:1708.02002);
    Blanchard, Higham and Higham, IMA J. Numer. Anal. 41(4), 2021 (the log-softmax).
    """
    xp = namespace(target, logits)
    log_probability = log_softmax(logits, axis=axis)
    return _categorical_focal(target, log_probability, -xp.expm1(log_probability), gamma, alpha, axis, xp)
