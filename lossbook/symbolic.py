"""Losses in SymPy: definitions, derived gradients, and their numeric versions.

The workflow the book uses in every chapter: **define** the per-element loss as a SymPy expression,
**differentiate** it with :func:`gradient`, **simplify**, **check** a conjectured closed form with
:func:`equivalent`, and **lambdify** the result to NumPy to compare it with autograd and finite
differences. SymPy is imported on first use, so ``import lossbook`` stays fast.

Symbols follow the book's notation: ``y`` a target, ``p`` a probability, ``z`` a logit, ``w`` a weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy


def _sp():
    import sympy

    return sympy


POSITIVE_NAMES = frozenset({"p", "q", "w", "lam", "sigma", "b", "var"})
"""Symbols that stand for positive quantities: probabilities ``p``, ``q`` (also numbered, ``q1``),
weights ``w``, a Poisson rate ``lam``, a Gaussian scale ``sigma`` and variance ``var``, a Laplace
scale ``b``."""


@cache
def symbol(name: str) -> sympy.Symbol:
    """The book's SymPy symbol ``name``: positive for the names in :data:`POSITIVE_NAMES` (with or
    without a numeric suffix, as in ``q2``), real otherwise. ``yhat`` prints as :math:`\\hat y`."""
    sp = _sp()
    if name.rstrip("0123456789") in POSITIVE_NAMES:
        return sp.Symbol(name, positive=True)
    return sp.Symbol(name, real=True)


def symbols(names: str) -> tuple[sympy.Symbol, ...]:
    """Several of the book's symbols at once: ``symbols("y z")``."""
    return tuple(symbol(name) for name in names.split())


def sigmoid(z: sympy.Expr) -> sympy.Expr:
    r"""The logistic sigmoid :math:`\sigma(z) = 1/(1 + e^{-z})` as a SymPy expression."""
    sp = _sp()
    return 1 / (1 + sp.exp(-z))


def binary_cross_entropy(y: sympy.Expr, p: sympy.Expr) -> sympy.Expr:
    r""":math:`-[\,y \log p + (1 - y)\log(1 - p)\,]`: binary cross-entropy of a probability ``p``."""
    sp = _sp()
    return -(y * sp.log(p) + (1 - y) * sp.log(1 - p))


def binary_cross_entropy_with_logits(y: sympy.Expr, z: sympy.Expr, w: sympy.Expr = 1) -> sympy.Expr:
    r"""BCE of a logit ``z`` with weight ``w`` on the positive term.

    .. math:: -\bigl[\,w\,y \log\sigma(z) + (1 - y)\log(1 - \sigma(z))\,\bigr]
    """
    sp = _sp()
    s = sigmoid(z)
    return -(w * y * sp.log(s) + (1 - y) * sp.log(1 - s))


def softmax(z: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    r""":math:`\operatorname{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}` for a list of logits."""
    sp = _sp()
    normaliser = sp.Add(*(sp.exp(zj) for zj in z))
    return [sp.exp(zk) / normaliser for zk in z]


def log_sum_exp(z: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`\log \sum_j e^{z_j}`."""
    sp = _sp()
    return sp.log(sp.Add(*(sp.exp(zj) for zj in z)))


def cross_entropy(y: Sequence[sympy.Expr], q: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`-\sum_k y_k \log q_k`: cross-entropy of probabilities ``q`` against targets ``y``."""
    sp = _sp()
    return -sp.Add(*(yk * sp.log(qk) for yk, qk in zip(y, q, strict=True)))


def softmax_cross_entropy(y: Sequence[sympy.Expr], z: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`-\sum_k y_k \log\operatorname{softmax}(z)_k = \sum_k y_k\,[\operatorname{LSE}(z) - z_k]`."""
    sp = _sp()
    lse = log_sum_exp(z)
    return sp.Add(*(yk * (lse - zk) for yk, zk in zip(y, z, strict=True)))


def squared_error(y: sympy.Expr, yhat: sympy.Expr) -> sympy.Expr:
    r""":math:`(y - \hat y)^2`."""
    return (y - yhat) ** 2


def absolute_error(y: sympy.Expr, yhat: sympy.Expr) -> sympy.Expr:
    r""":math:`|y - \hat y|`."""
    return _sp().Abs(y - yhat)


def poisson_nll(y: sympy.Expr, lam: sympy.Expr) -> sympy.Expr:
    r""":math:`\lambda - y \log \lambda`: Poisson negative log-likelihood without :math:`\log y!`."""
    return lam - y * _sp().log(lam)


def poisson_nll_with_log_rate(y: sympy.Expr, eta: sympy.Expr) -> sympy.Expr:
    r""":math:`e^{\eta} - y\,\eta`: the same loss in terms of the log-rate :math:`\eta = \log\lambda`."""
    return _sp().exp(eta) - y * eta


# Densities and probability mass functions, for deriving losses as negative log-likelihoods.


def gaussian_density(y: sympy.Expr, mu: sympy.Expr, sigma: sympy.Expr) -> sympy.Expr:
    r"""The normal density :math:`\frac{1}{\sqrt{2\pi}\sigma} e^{-(y - \mu)^2 / (2\sigma^2)}`."""
    sp = _sp()
    return sp.exp(-((y - mu) ** 2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def laplace_density(y: sympy.Expr, mu: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    r""":math:`\mathrm{Laplace}(y \mid \mu, b) = \frac{1}{2b} e^{-|y - \mu| / b}`."""
    sp = _sp()
    return sp.exp(-sp.Abs(y - mu) / b) / (2 * b)


def bernoulli_pmf(y: sympy.Expr, p: sympy.Expr) -> sympy.Expr:
    r""":math:`p^{y} (1 - p)^{1 - y}` for :math:`y \in \{0, 1\}`."""
    return p**y * (1 - p) ** (1 - y)


def categorical_pmf(y: Sequence[sympy.Expr], q: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`\prod_k q_k^{y_k}` for a one-hot :math:`y`: the probability of the class that occurred."""
    sp = _sp()
    return sp.Mul(*(qk**yk for yk, qk in zip(y, q, strict=True)))


def poisson_pmf(y: sympy.Expr, lam: sympy.Expr) -> sympy.Expr:
    r""":math:`\lambda^{y} e^{-\lambda} / y!` for a count :math:`y \in \{0, 1, 2, \dots\}`."""
    sp = _sp()
    return lam**y * sp.exp(-lam) / sp.factorial(y)


def negative_log_likelihood(likelihood: sympy.Expr) -> sympy.Expr:
    """:math:`-\\log` of a density or mass function, with the logarithm of products and powers expanded."""
    sp = _sp()
    return sp.expand_log(-sp.log(likelihood), force=True)


def gradient(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr]:
    """The partial derivative of ``expr`` with respect to each of ``symbols``, simplified.

    ``sympy.simplify`` occasionally makes an expression longer (it turns :math:`-\\operatorname{sign}(x)`
    into a ``Piecewise``); the shorter of the raw and the simplified derivative is kept.
    """
    sp = _sp()

    def simplest(derivative):
        return min((sp.simplify(derivative), derivative), key=sp.count_ops)

    return {s: simplest(sp.diff(expr, s)) for s in symbols}


def hessian(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> sympy.Matrix:
    """The matrix of second partial derivatives of ``expr`` with respect to ``symbols``, simplified."""
    sp = _sp()
    return sp.simplify(sp.hessian(expr, list(symbols)))


def equivalent(a: sympy.Expr | sympy.Matrix, b: sympy.Expr | sympy.Matrix) -> bool:
    """True when SymPy proves ``a - b`` simplifies to 0 (used to confirm a closed form on screen).

    Matrices (a Hessian, say) are equivalent when their difference simplifies to the zero matrix.
    """
    sp = _sp()
    difference = sp.simplify(a - b)
    if isinstance(difference, sp.MatrixBase):
        return bool(difference.is_zero_matrix)
    return difference == 0


def lambdify(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Callable[..., object]:
    """A NumPy function of keyword arguments named like ``symbols`` that evaluates ``expr``."""
    sp = _sp()
    function = sp.lambdify(list(symbols), expr, modules="numpy")
    names = [str(s) for s in symbols]

    def evaluate(**values):
        return function(*(values[name] for name in names))

    evaluate.__doc__ = f"NumPy evaluation of {expr} with keywords {', '.join(names)}."
    return evaluate


LATEX_NAMES = {"lam": r"\lambda", "var": r"\sigma^{2}"}
"""Symbols whose Python-friendly name differs from their printed name (``lambda`` is a Python keyword)."""


def latex(expr: sympy.Expr) -> str:
    """LaTeX of ``expr``, for display in a chapter (``lam`` prints as :math:`\\lambda`)."""
    names = {symbol(name): printed for name, printed in LATEX_NAMES.items()}
    return _sp().latex(expr, symbol_names=names)


# Robust, relative, logarithmic, heteroscedastic and quantile losses (Part III).


def huber(y: sympy.Expr, yhat: sympy.Expr, delta: sympy.Expr = 1) -> sympy.Expr:
    r"""Huber: :math:`\tfrac12 e^2` for :math:`|e| \le \delta`, else :math:`\delta(|e| - \delta/2)`,
    with :math:`e = \hat y - y`."""
    sp = _sp()
    error, delta = yhat - y, sp.S(delta)
    return sp.Piecewise(
        (error**2 / 2, sp.Abs(error) <= delta), (delta * (sp.Abs(error) - delta / 2), True)
    )


def smooth_l1(y: sympy.Expr, yhat: sympy.Expr, beta: sympy.Expr = 1) -> sympy.Expr:
    r"""Smooth L1: :math:`\tfrac12 e^2/\beta` for :math:`|e| < \beta`, else :math:`|e| - \beta/2`."""
    sp = _sp()
    error, beta = yhat - y, sp.S(beta)
    return sp.Piecewise((error**2 / (2 * beta), sp.Abs(error) < beta), (sp.Abs(error) - beta / 2, True))


def log_cosh(y: sympy.Expr, yhat: sympy.Expr) -> sympy.Expr:
    r""":math:`\log\cosh(\hat y - y)`."""
    sp = _sp()
    return sp.log(sp.cosh(yhat - y))


def absolute_percentage_error(y: sympy.Expr, yhat: sympy.Expr) -> sympy.Expr:
    r""":math:`100\,|y - \hat y| / |y|`."""
    sp = _sp()
    return 100 * sp.Abs(y - yhat) / sp.Abs(y)


def squared_log_error(y: sympy.Expr, yhat: sympy.Expr) -> sympy.Expr:
    r""":math:`(\log(1 + \hat y) - \log(1 + y))^2`."""
    sp = _sp()
    return (sp.log(1 + yhat) - sp.log(1 + y)) ** 2


def gaussian_nll(y: sympy.Expr, mu: sympy.Expr, var: sympy.Expr) -> sympy.Expr:
    r""":math:`\tfrac12\bigl(\log\sigma^2 + (y - \mu)^2/\sigma^2\bigr)` with ``var`` :math:`= \sigma^2`."""
    return (_sp().log(var) + (y - mu) ** 2 / var) / 2


def quantile_loss(y: sympy.Expr, yhat: sympy.Expr, tau: sympy.Expr) -> sympy.Expr:
    r""":math:`\max(\tau e, (\tau - 1) e)` with :math:`e = y - \hat y`: the pinball loss at level
    :math:`\tau`."""
    sp = _sp()
    error = y - yhat
    return sp.Max(tau * error, (tau - 1) * error)


# Focal losses (Part II, Lin et al. 2017): cross-entropies reweighted by alpha_t (1 - p_t)^gamma.


def binary_focal_cross_entropy(
    y: sympy.Expr, p: sympy.Expr, gamma: sympy.Expr = 2, alpha: sympy.Expr | None = None
) -> sympy.Expr:
    r""":math:`\alpha_t (1 - p_t)^{\gamma}\,\mathrm{BCE}(y, p)` with :math:`1 - p_t = y(1 - p) + (1 - y)p`
    and :math:`\alpha_t = y\alpha + (1 - y)(1 - \alpha)` (1 for ``alpha=None``)."""
    sp = _sp()
    alpha_t = 1 if alpha is None else y * alpha + (1 - y) * (1 - alpha)
    return alpha_t * (y * (1 - p) + (1 - y) * p) ** sp.S(gamma) * binary_cross_entropy(y, p)


def binary_focal_cross_entropy_with_logits(
    y: sympy.Expr, z: sympy.Expr, gamma: sympy.Expr = 2, alpha: sympy.Expr | None = None
) -> sympy.Expr:
    r"""The binary focal loss of a logit: :func:`binary_focal_cross_entropy` at :math:`p = \sigma(z)`."""
    return binary_focal_cross_entropy(y, sigmoid(z), gamma, alpha)


def categorical_focal_cross_entropy(
    y: Sequence[sympy.Expr], q: Sequence[sympy.Expr], gamma: sympy.Expr = 2
) -> sympy.Expr:
    r""":math:`-\sum_k y_k (1 - q_k)^{\gamma} \log q_k`: the focal loss of K class probabilities."""
    sp = _sp()
    return -sp.Add(*(yk * (1 - qk) ** sp.S(gamma) * sp.log(qk) for yk, qk in zip(y, q, strict=True)))


def softmax_focal_cross_entropy(
    y: Sequence[sympy.Expr], z: Sequence[sympy.Expr], gamma: sympy.Expr = 2
) -> sympy.Expr:
    r""":func:`categorical_focal_cross_entropy` of :math:`\operatorname{softmax}(z)`, written with
    :math:`-\log\operatorname{softmax}(z)_k = \operatorname{LSE}(z) - z_k`."""
    sp = _sp()
    lse = log_sum_exp(z)
    terms = zip(y, softmax(z), z, strict=True)
    return sp.Add(*(yk * (1 - qk) ** sp.S(gamma) * (lse - zk) for yk, qk, zk in terms))


# Margin losses and the generalized cross-entropy (Part II): piecewise linear, written with Max.


def hinge(y: sympy.Expr, f: sympy.Expr, margin: sympy.Expr = 1) -> sympy.Expr:
    r""":math:`\max(0,\ m - y f)`: the hinge loss of a score ``f`` for a label ``y`` in {-1, 1}."""
    return _sp().Max(0, margin - y * f)


def squared_hinge(y: sympy.Expr, f: sympy.Expr, margin: sympy.Expr = 1) -> sympy.Expr:
    r""":math:`\max(0,\ m - y f)^2`."""
    return hinge(y, f, margin) ** 2


def categorical_hinge(y: Sequence[sympy.Expr], f: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`\max(0,\ 1 + \max_k (1 - y_k) f_k - \sum_k y_k f_k)`, Keras's categorical hinge."""
    sp = _sp()
    negative = sp.Max(*((1 - yk) * fk for yk, fk in zip(y, f, strict=True)))
    positive = sp.Add(*(yk * fk for yk, fk in zip(y, f, strict=True)))
    return sp.Max(0, 1 + negative - positive)


def crammer_singer_hinge(f: Sequence[sympy.Expr], label: int, margin: sympy.Expr = 1) -> sympy.Expr:
    r""":math:`\max(0,\ m + \max_{j \ne c} f_j - f_c)` for the class ``label`` :math:`c`."""
    sp = _sp()
    others = [fj for j, fj in enumerate(f) if j != label]
    return sp.Max(0, margin + sp.Max(*others) - f[label])


def multi_margin(
    f: Sequence[sympy.Expr], label: int, p: int = 1, margin: sympy.Expr = 1, weight: sympy.Expr = 1
) -> sympy.Expr:
    r""":math:`\frac{w_c}{K}\sum_{j \ne c} \max(0,\ m - f_c + f_j)^p` (Weston and Watkins; PyTorch's
    ``multi_margin_loss``)."""
    sp = _sp()
    terms = (sp.Max(0, margin - f[label] + fj) ** p for j, fj in enumerate(f) if j != label)
    return weight * sp.Add(*terms) / len(f)


def multilabel_margin(f: Sequence[sympy.Expr], labels: Sequence[int]) -> sympy.Expr:
    r""":math:`\frac{1}{K}\sum_{j \in Y}\sum_{i \notin Y} \max(0,\ 1 - (f_j - f_i))`, :math:`Y` the set
    ``labels``."""
    sp = _sp()
    others = [fi for i, fi in enumerate(f) if i not in labels]
    terms = (sp.Max(0, 1 - (f[j] - fi)) for j in labels for fi in others)
    return sp.Add(*terms) / len(f)


def soft_margin(y: sympy.Expr, f: sympy.Expr) -> sympy.Expr:
    r""":math:`\log(1 + e^{-y f})`: the soft margin loss of a score ``f``, label ``y`` in {-1, 1}."""
    sp = _sp()
    return sp.log(1 + sp.exp(-y * f))


def multilabel_soft_margin(y: Sequence[sympy.Expr], z: Sequence[sympy.Expr]) -> sympy.Expr:
    r""":math:`\frac{1}{K}\sum_k \mathrm{BCE}(y_k, \sigma(z_k))`: the mean BCE of K logits."""
    sp = _sp()
    terms = (binary_cross_entropy_with_logits(yk, zk) for yk, zk in zip(y, z, strict=True))
    return sp.Add(*terms) / len(z)


def generalized_cross_entropy(p: sympy.Expr, q: sympy.Expr) -> sympy.Expr:
    r""":math:`(1 - p^q)/q`: Zhang and Sabuncu's generalized cross-entropy of the true class's probability
    (``q`` a symbol or a number; a ``Fraction`` stays exact)."""
    q = _sp().S(q)
    return (1 - p**q) / q
