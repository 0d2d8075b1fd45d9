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


@cache
def symbol(name: str) -> sympy.Symbol:
    """The book's SymPy symbol ``name``: real, and positive for probabilities ``p`` and weights ``w``."""
    sp = _sp()
    if name in {"p", "w"}:
        return sp.Symbol(name, positive=True)
    return sp.Symbol(name, real=True)


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


def gradient(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr]:
    """The partial derivative of ``expr`` with respect to each of ``symbols``, simplified."""
    sp = _sp()
    return {s: sp.simplify(sp.diff(expr, s)) for s in symbols}


def equivalent(a: sympy.Expr, b: sympy.Expr) -> bool:
    """True when SymPy proves ``a - b`` simplifies to 0 (used to confirm a closed form on screen)."""
    sp = _sp()
    return sp.simplify(a - b) == 0


def lambdify(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Callable[..., object]:
    """A NumPy function of keyword arguments named like ``symbols`` that evaluates ``expr``."""
    sp = _sp()
    function = sp.lambdify(list(symbols), expr, modules="numpy")
    names = [str(s) for s in symbols]

    def evaluate(**values):
        return function(*(values[name] for name in names))

    evaluate.__doc__ = f"NumPy evaluation of {expr} with keywords {', '.join(names)}."
    return evaluate


def latex(expr: sympy.Expr) -> str:
    """LaTeX of ``expr``, for display in a chapter."""
    return _sp().latex(expr)
