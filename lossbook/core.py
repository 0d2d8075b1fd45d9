"""The mathematics of each loss, written once, in its most accurate stable form.

Every function here takes NumPy arrays or torch tensors (never a mix), computes with that library
through the Python array API, and returns the same kind; torch autograd flows through. The functions
return *per-element* losses; reductions, weights and each framework's input conventions (clipping,
label smoothing, argument names) live in :mod:`lossbook.keras_compat` and :mod:`lossbook.torch_compat`.

Notation: ``z`` is a logit (any real number), ``p = sigmoid(z)`` a probability, ``y`` a target.
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, namespace

__all__ = [
    "softplus",
    "log_sigmoid",
    "sigmoid",
    "log_with_floor",
    "log1m_with_floor",
    "mul_zero_safe",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]


def softplus(x: ArrayLike) -> ArrayLike:
    r"""Softplus, computed without overflow: :math:`\log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})`.

    The naive ``log(1 + exp(x))`` overflows for ``x`` above about 88 (float32) or 709 (float64), and
    rounds ``1 + exp(x)`` to 1 for ``x`` below about -37 (float64), losing every digit. The rewritten
    form never exponentiates a positive number, and ``log1p`` keeps the digits of a tiny ``e^{-|x|}``,
    so the result is accurate to a few units in the last place for every finite ``x``.

    Softplus is the workhorse of the logit losses: :math:`-\log\sigma(z) = \operatorname{softplus}(-z)`
    and :math:`-\log(1 - \sigma(z)) = \operatorname{softplus}(z)`.

    Reference: Dugas et al., "Incorporating second-order functional knowledge for better option
    pricing", NeurIPS 2000 (the name); Mächler, "Accurately computing log(1 - exp(-|a|))", 2012.
    """
    xp = namespace(x)
    return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))


def log_sigmoid(x: ArrayLike) -> ArrayLike:
    r"""Log of the logistic sigmoid, :math:`\log\sigma(x) = -\operatorname{softplus}(-x)`, stably.

    ``log(sigmoid(x))`` computed naively returns ``-inf`` once ``sigmoid(x)`` underflows to 0
    (``x`` below about -745 in float64) and loses relative accuracy well before that.
    """
    return -softplus(-x)


def sigmoid(x: ArrayLike) -> ArrayLike:
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, without overflow.

    With :math:`e = e^{-|x|} \le 1`: :math:`\sigma(x) = 1/(1 + e)` for :math:`x \ge 0` and
    :math:`e/(1 + e)` for :math:`x < 0`. Neither branch can overflow, so neither branch can poison
    autograd with ``inf * 0 = nan``. (:math:`-|x|` is selected with ``where`` rather than ``abs``,
    whose autograd derivative at 0 is 0, which would make the gradient at :math:`x = 0` vanish.)
    """
    xp = namespace(x)
    e = xp.exp(xp.where(x >= 0, -x, x))
    return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_with_floor(x: ArrayLike, floor: float | None = None) -> ArrayLike:
    r"""Natural log with :math:`\log 0 = -\infty`, optionally clamped from below at ``floor``.

    PyTorch's ``binary_cross_entropy`` clamps every log at -100 so that a probability of exactly 0 or 1
    gives a large finite loss instead of ``inf``. The zero entries are routed around ``log`` (the
    "double where"), so autograd returns finite gradients there instead of ``0 * inf = nan``.
    """
    xp = namespace(x)
    positive = x > 0
    safe = xp.where(positive, x, xp.ones_like(x))
    out = xp.where(positive, xp.log(safe), xp.full_like(x, -math.inf))
    if floor is not None:
        out = xp.maximum(out, xp.full_like(x, floor))
    return out


def log1m_with_floor(x: ArrayLike, floor: float | None = None) -> ArrayLike:
    r""":math:`\log(1 - x)` via ``log1p(-x)`` (accurate for small ``x``), optionally clamped at ``floor``."""
    xp = namespace(x)
    below_one = x < 1
    safe = xp.where(below_one, x, xp.zeros_like(x))
    out = xp.where(below_one, xp.log1p(-safe), xp.full_like(x, -math.inf))
    if floor is not None:
        out = xp.maximum(out, xp.full_like(x, floor))
    return out


def mul_zero_safe(coefficient: ArrayLike, value: ArrayLike) -> ArrayLike:
    r"""``coefficient * value``, with :math:`0 \cdot v = 0` even where :math:`v = \pm\infty`.

    This is the convention :math:`0 \log 0 = 0` that makes cross-entropy well defined for hard
    targets: an outcome with target probability 0 contributes nothing, whatever was predicted for it.
    Only infinite values meeting a zero coefficient are replaced (by 0, before multiplying), so the
    derivative with respect to ``coefficient`` is ``value`` wherever that is finite, even at 0.
    """
    xp = namespace(coefficient, value)
    zero_times_infinity = (coefficient == 0) & xp.isinf(value)
    return coefficient * xp.where(zero_times_infinity, xp.zeros_like(value), value)


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
    which the textbook rearrangement :math:`(1 - y) z - \log\sigma(z)` rounds to 0.

    With :math:`w = 1` the derivative is the famous :math:`\partial\ell/\partial z = \sigma(z) - y`.

    Reference: Bishop, *Pattern Recognition and Machine Learning*, Springer 2006, eq. (4.90)-(4.91).
    """
    positive_part = softplus(-logit) if pos_weight is None else pos_weight * softplus(-logit)
    return mul_zero_safe(target, positive_part) + mul_zero_safe(1.0 - target, softplus(logit))
