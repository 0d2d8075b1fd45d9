r"""Regression and count losses: squared and absolute error, the Poisson negative log-likelihood.

Per-element values of a prediction :math:`\hat y` against a target :math:`y`; the framework
conventions (the mean over the last axis, reductions, Keras's epsilon) live in the compat layers.
Each is the negative log-likelihood of a noise model, up to scale and shift (chapter "Losses as
negative log-likelihoods"): Gaussian, Laplace, Poisson.
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, namespace
from lossbook.core._closed_form import closed_form_gradient
from lossbook.core.building_blocks import mul_zero_safe, xlogy

__all__ = [
    "squared_error",
    "absolute_error",
    "poisson_nll",
    "poisson_nll_with_log_rate",
    "stirling_term",
]


def _squared_error_d_target(target, prediction):
    r""":math:`\partial\ell/\partial y = 2(y - \hat y)`."""
    return 2.0 * (target - prediction)


def _squared_error_d_prediction(target, prediction):
    r""":math:`\partial\ell/\partial \hat y = 2(\hat y - y)`."""
    return 2.0 * (prediction - target)


@closed_form_gradient(target=_squared_error_d_target, prediction=_squared_error_d_prediction)
def squared_error(target: ArrayLike, prediction: ArrayLike) -> ArrayLike:
    r"""Squared error :math:`(y - \hat y)^2`: the Gaussian negative log-likelihood up to scale and shift.

    Reference: Legendre, *Nouvelles méthodes pour la détermination des orbites des comètes*, 1805, and
    Gauss, *Theoria motus corporum coelestium*, 1809 (least squares).
    """
    return (target - prediction) ** 2


def absolute_error(target: ArrayLike, prediction: ArrayLike) -> ArrayLike:
    r"""Absolute error :math:`|y - \hat y|`: the Laplace negative log-likelihood up to scale and shift."""
    xp = namespace(target, prediction)
    return xp.abs(target - prediction)


def poisson_nll(target: ArrayLike, rate: ArrayLike, epsilon: float = 0.0) -> ArrayLike:
    r"""Poisson negative log-likelihood of a count :math:`y` at rate :math:`\lambda`, without :math:`\log y!`.

    .. math:: \ell(y, \lambda) = \lambda - y \log\lambda
              \;=\; -\log\frac{\lambda^{y} e^{-\lambda}}{y!} - \log y!,

    with :math:`0 \log 0 = 0` (:func:`xlogy`), so a zero count at rate 0 costs 0. Minimised over
    :math:`\lambda` at :math:`\lambda = y`. The dropped :math:`\log y!` does not depend on the prediction.

    ``epsilon`` is added inside the logarithm only, :math:`\lambda - y\log(\lambda + \epsilon)`: the guard
    against :math:`\log 0` that Keras (``epsilon = 1e-7``) and PyTorch (``eps = 1e-8``) apply.

    Reference: Nelder and Wedderburn, "Generalized linear models", JRSS A 135(3), 1972.
    """
    return rate - xlogy(target, rate + epsilon if epsilon else rate)


def poisson_nll_with_log_rate(target: ArrayLike, log_rate: ArrayLike) -> ArrayLike:
    r"""Poisson negative log-likelihood from the log-rate :math:`\eta = \log\lambda`: :math:`e^\eta - y\eta`.

    The natural parametrisation of the Poisson GLM: any real :math:`\eta` is a valid prediction, and
    the gradient is :math:`\partial\ell/\partial\eta = e^{\eta} - y = \lambda - y`.
    """
    xp = namespace(target, log_rate)
    return xp.exp(log_rate) - mul_zero_safe(target, log_rate)


def stirling_term(target: ArrayLike) -> ArrayLike:
    r"""Stirling's approximation of :math:`\log y!`, as PyTorch's ``poisson_nll_loss(full=True)`` adds it.

    .. math:: \log y! \approx y\log y - y + \tfrac12 \log(2\pi y)\quad\text{for } y > 1,
              \text{ and } 0 \text{ for } y \le 1.

    (:math:`\log 0! = \log 1! = 0` exactly; the approximation's error at :math:`y = 2` is 0.04 and
    shrinks like :math:`1/(12y)`.)

    Reference: Stirling, *Methodus differentialis*, 1730; de Moivre, *Miscellanea analytica*, 1730.
    """
    xp = namespace(target)
    above_one = target > 1
    safe = xp.where(above_one, target, xp.full_like(target, 2.0))
    approximation = safe * xp.log(safe) - safe + 0.5 * xp.log(2.0 * math.pi * safe)
    return xp.where(above_one, approximation, xp.zeros_like(target))
