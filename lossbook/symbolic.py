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


POSITIVE_NAMES = frozenset({"p", "q", "w", "lam", "sigma", "b"})
"""Symbols that stand for positive quantities: probabilities ``p``, ``q`` (also numbered, ``q1``),
weights ``w``, a Poisson rate ``lam``, a Gaussian scale ``sigma``, a Laplace scale ``b``."""


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


LATEX_NAMES = {"lam": r"\lambda"}
"""Symbols whose Python-friendly name differs from their printed name (``lambda`` is a Python keyword)."""


def latex(expr: sympy.Expr) -> str:
    """LaTeX of ``expr``, for display in a chapter (``lam`` prints as :math:`\\lambda`)."""
    names = {symbol(name): printed for name, printed in LATEX_NAMES.items()}
    return _sp().latex(expr, symbol_names=names)
