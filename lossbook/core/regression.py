r"""Regression and count losses: squared and absolute error, the robust losses (Huber, smooth L1,
log-cosh), relative and logarithmic errors, the Poisson and Gaussian negative log-likelihoods, and the
quantile (pinball) loss.

Per-element values of a prediction :math:`\hat y` against a target :math:`y`; the framework
conventions (the mean over the last axis, reductions, Keras's epsilon) live in the compat layers.
Most are the negative log-likelihood of a noise model, up to scale and shift (chapter "Losses as
negative log-likelihoods"): Gaussian, Laplace, Poisson, the asymmetric Laplace of the quantile loss.
"""

from __future__ import annotations

import math

from lossbook._arrays import ArrayLike, is_array, namespace
from lossbook._validation import (
    check_broadcasts_to,
    check_in_open_interval,
    check_number_in_closed_interval,
    check_number_in_open_interval,
    check_positive_number,
)
from lossbook.core._closed_form import closed_form_gradient
from lossbook.core.building_blocks import mul_zero_safe, xlogy

__all__ = [
    "squared_error",
    "absolute_error",
    "poisson_nll",
    "poisson_nll_with_log_rate",
    "stirling_term",
    "huber",
    "smooth_l1",
    "log_cosh",
    "absolute_percentage_error",
    "squared_log_error",
    "gaussian_nll",
    "quantile_loss",
    "HALF_LOG_2PI",
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


# --------------------------------------------------------------------------------------------------
# Robust losses: quadratic near the target, linear far from it
# --------------------------------------------------------------------------------------------------


def _huber_d_prediction(target, prediction, delta=1.0):
    r""":math:`\partial\ell/\partial\hat y`: the error :math:`\hat y - y` clipped to
    :math:`[-\delta, \delta]`."""
    return namespace(target, prediction).clip(prediction - target, -delta, delta)


def _huber_d_target(target, prediction, delta=1.0):
    r""":math:`\partial\ell/\partial y = -\partial\ell/\partial\hat y`."""
    return -_huber_d_prediction(target, prediction, delta)


@closed_form_gradient(target=_huber_d_target, prediction=_huber_d_prediction)
def huber(target: ArrayLike, prediction: ArrayLike, delta: float = 1.0) -> ArrayLike:
    r"""Huber loss: quadratic for errors up to :math:`\delta`, linear (slope :math:`\delta`) beyond.

    .. math:: \ell_\delta(e) = \begin{cases} \tfrac12 e^2 & |e| \le \delta \\
                                          \delta\,(|e| - \tfrac12\delta) & |e| > \delta \end{cases}
              \qquad e = \hat y - y.

    The two pieces meet with equal value and slope at :math:`|e| = \delta`, so the loss is once (not
    twice) differentiable; its gradient is the error clipped to :math:`[-\delta, \delta]`, so one
    outlier cannot dominate a batch. ``delta`` must be positive (``inf`` gives :math:`\tfrac12 e^2`).
    :math:`\delta(|e| - \delta/2)` is PyTorch's form of the linear piece (Keras computes
    :math:`\delta|e| - \delta^2/2`, equal up to rounding).

    Reference: Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 35(1), 1964.
    """
    delta = check_positive_number("delta", delta)
    xp = namespace(target, prediction)
    error = prediction - target
    if delta == math.inf:  # the linear piece would be inf * (-inf), and its gradient NaN
        return 0.5 * error * error
    size = xp.abs(error)
    return xp.where(size < delta, 0.5 * error * error, delta * (size - 0.5 * delta))


def _smooth_l1_d_prediction(target, prediction, beta=1.0):
    r""":math:`\partial\ell/\partial\hat y`: :math:`(\hat y - y)/\beta` clipped to :math:`[-1, 1]`; the
    sign of the error for :math:`\beta = 0` (0 at a zero error, like autograd of ``abs``)."""
    xp = namespace(target, prediction)
    error = prediction - target
    return xp.sign(error) if beta == 0.0 else xp.clip(error / beta, -1.0, 1.0)


def _smooth_l1_d_target(target, prediction, beta=1.0):
    r""":math:`\partial\ell/\partial y = -\partial\ell/\partial\hat y`."""
    return -_smooth_l1_d_prediction(target, prediction, beta)


@closed_form_gradient(target=_smooth_l1_d_target, prediction=_smooth_l1_d_prediction)
def smooth_l1(target: ArrayLike, prediction: ArrayLike, beta: float = 1.0) -> ArrayLike:
    r"""Smooth L1 loss (Fast R-CNN): the Huber loss divided by its threshold, :math:`\ell_\beta / \beta`.

    .. math:: \begin{cases} \tfrac12 e^2 / \beta & |e| < \beta \\ |e| - \tfrac12\beta & |e| \ge \beta
              \end{cases}

    Its slope far from the target is 1 whatever :math:`\beta`, where Huber's is :math:`\delta`; the two
    agree at :math:`\beta = \delta = 1`. ``beta = 0`` is exactly the absolute error
    (:func:`absolute_error`), as in PyTorch; ``beta`` must not be negative.

    Reference: Girshick, "Fast R-CNN", ICCV 2015 (arXiv:1504.08083), equation 3.
    """
    beta = check_number_in_closed_interval("beta", beta, 0.0, math.inf)
    if beta == 0.0:
        return absolute_error(target, prediction)
    xp = namespace(target, prediction)
    error = prediction - target
    size = xp.abs(error)
    return xp.where(size < beta, 0.5 * error * error / beta, size - 0.5 * beta)


_LOG_COSH_SWITCH = 8.0
"""Below this error :func:`log_cosh` uses ``log1p(2 sinh(e/2)^2)``, above it
``|e| - log 2 + log1p(e^{-2|e|})``: both are within 2 ulps in float64 on either side (measured), and
``sinh(4)^2`` cannot overflow in float32."""


def _log_cosh_d_prediction(target, prediction):
    r""":math:`\partial\ell/\partial \hat y = \tanh(\hat y - y)`."""
    return namespace(target, prediction).tanh(prediction - target)


def _log_cosh_d_target(target, prediction):
    r""":math:`\partial\ell/\partial y = \tanh(y - \hat y)`."""
    return namespace(target, prediction).tanh(target - prediction)


@closed_form_gradient(target=_log_cosh_d_target, prediction=_log_cosh_d_prediction)
def log_cosh(target: ArrayLike, prediction: ArrayLike) -> ArrayLike:
    r"""Log-cosh loss :math:`\log\cosh(\hat y - y)`, accurate to a few ulps for every finite error.

    It behaves like :math:`\tfrac12 e^2` near the target and like :math:`|e| - \log 2` far from it: a
    smooth (infinitely differentiable) Huber loss with :math:`\delta = 1`, whose gradient is
    :math:`\tanh e`. The plain ``log(cosh(e))`` fails at both ends: ``cosh`` overflows for
    :math:`|e| > 89.4` in float32 (710.5 in float64), and near 0 ``cosh(e)`` rounds to 1, so
    ``log`` returns 0 for :math:`|e|` below 3.45e-4 (float32) or 1.83e-8 (float64). Keras's
    :math:`e + \operatorname{softplus}(-2e) - \log 2` cannot overflow but subtracts nearly equal numbers
    near 0, keeping only an absolute accuracy of an ulp of :math:`\log 2`.

    Here two exact rewritings, each accurate where it is used (:math:`a = |e|`):

    .. math:: \log\cosh e = \operatorname{log1p}\bigl(2\sinh^2(a/2)\bigr)
              = a - \log 2 + \operatorname{log1p}(e^{-2a}),

    the first for :math:`a < 8` (``cosh a - 1 = 2 sinh^2(a/2)`` has no cancellation, and ``log1p``
    keeps the digits of a tiny argument), the second beyond (nothing overflows, and
    :math:`a - \log 2` no longer cancels). Within 2 ulps of the exact value in float64 (50-digit
    mpmath, tested). The gradient :math:`\tanh(\hat y - y)` is supplied in closed form.

    Reference: Saleh and Saleh, "Statistical properties of the log-cosh loss function used in
    machine learning", arXiv:2208.04564, 2022.
    """
    xp = namespace(target, prediction)
    size = xp.abs(prediction - target)
    near = size < _LOG_COSH_SWITCH
    half = 0.5 * xp.where(near, size, xp.zeros_like(size))  # never large enough to overflow sinh
    sinh_half = xp.sinh(half)
    close = xp.log1p(2.0 * sinh_half * sinh_half)
    decay = xp.exp(-size)  # e^{-2a} as a square: -2a itself would overflow for a above half the largest float
    far = (size - math.log(2.0)) + xp.log1p(decay * decay)
    return xp.where(near, close, far)


# --------------------------------------------------------------------------------------------------
# Relative and logarithmic errors
# --------------------------------------------------------------------------------------------------


def absolute_percentage_error(target: ArrayLike, prediction: ArrayLike, epsilon: float = 0.0) -> ArrayLike:
    r"""Absolute percentage error :math:`100\,|y - \hat y| / |y|`: the error relative to the target, in %.

    Scale-free, so errors on targets of different size can be averaged (MAPE). It is undefined at
    :math:`y = 0` (``inf``, or NaN where the prediction is 0 too); ``epsilon`` floors the denominator,
    :math:`100\,|y - \hat y| / \max(|y|, \epsilon)`, as Keras does with ``epsilon = 1e-7``. It is
    asymmetric: a prediction too high by :math:`k` costs :math:`100 k/y` without bound, one too low at
    most 100 (for :math:`0 \le \hat y`), so minimising it biases predictions low.

    Reference: Hyndman and Koehler, "Another look at measures of forecast accuracy", International
    Journal of Forecasting 22(4), 2006.
    """
    xp = namespace(target, prediction)
    denominator = xp.abs(target)
    if epsilon:
        denominator = xp.maximum(denominator, xp.full_like(denominator, epsilon))
    return 100.0 * xp.abs((target - prediction) / denominator)


def squared_log_error(target: ArrayLike, prediction: ArrayLike) -> ArrayLike:
    r"""Squared logarithmic error :math:`\bigl(\log(1 + \hat y) - \log(1 + y)\bigr)^2`, for
    :math:`y, \hat y > -1`.

    The squared error of :math:`\log(1 + y)`: it penalises the ratio :math:`(1 + \hat y)/(1 + y)`, not the
    difference, so it suits targets spanning orders of magnitude (counts, prices); RMSLE is the root
    of its mean. ``log1p`` keeps the digits of small values, where :math:`\log(1 + x)` rounds
    :math:`1 + x` first (at :math:`x = 10^{-7}` in float32 that is 19 % off).

    The log of the ratio is taken in one step, as :math:`\operatorname{log1p}(t)` where :math:`1 + t` is
    the larger of :math:`1 + y` and :math:`1 + \hat y` divided by the smaller (so :math:`t \ge 0`, far from
    the pole of ``log1p``): a difference of two logs would cancel when :math:`\hat y` is close to
    :math:`y`, the case training drives towards. Symmetric in its arguments to the last bit.
    """
    xp = namespace(target, prediction)
    up = (prediction - target) / (1.0 + target)  # (1 + yhat) / (1 + y) - 1, >= 0 when yhat >= y
    down = (target - prediction) / (1.0 + prediction)  # (1 + y) / (1 + yhat) - 1, >= 0 when y >= yhat
    return xp.log1p(xp.maximum(up, down)) ** 2


# --------------------------------------------------------------------------------------------------
# Likelihoods with a predicted spread, and quantiles
# --------------------------------------------------------------------------------------------------

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
r""":math:`\tfrac12\log 2\pi`, the constant that ``full=True`` adds to :func:`gaussian_nll`."""


def gaussian_nll(target: ArrayLike, mean: ArrayLike, variance: ArrayLike, full: bool = False) -> ArrayLike:
    r"""Gaussian negative log-likelihood of :math:`y` under :math:`\mathcal N(\mu, \sigma^2)`.

    .. math:: \ell(y, \mu, \sigma^2) = \tfrac12\Bigl(\log\sigma^2 + \frac{(y - \mu)^2}{\sigma^2}\Bigr)
              \;\bigl[+\ \tfrac12\log 2\pi \text{ with } \texttt{full=True}\bigr].

    With a fixed variance it is the squared error up to scale and shift; with a predicted variance
    the model also learns how unsure it is (heteroscedastic regression): a large error costs less
    where :math:`\sigma^2` is large, and the :math:`\log\sigma^2` term stops the variance from growing
    without bound. Minimised over :math:`\sigma^2` at :math:`\sigma^2 = (y - \mu)^2`. ``variance`` must be
    positive: a variance of 0 gives NaN (:math:`-\infty + \infty`, or :math:`0/0` at a zero residual),
    so PyTorch floors it at ``eps``, a convention that lives in the compat layer.

    Reference: Nix and Weigend, "Estimating the mean and variance of the target probability
    distribution", ICNN 1994.
    """
    xp = namespace(target, mean, variance)
    loss = 0.5 * (xp.log(variance) + (target - mean) ** 2 / variance)
    return loss + HALF_LOG_2PI if full else loss


def quantile_loss(target: ArrayLike, prediction: ArrayLike, quantile: float | ArrayLike) -> ArrayLike:
    r"""Quantile (pinball) loss at level :math:`\tau \in (0, 1)`, with :math:`e = y - \hat y`:

    .. math:: \rho_\tau(e) = \max\bigl(\tau e,\ (\tau - 1) e\bigr)
              = \begin{cases} \tau e & e \ge 0 \\ (\tau - 1) e & e < 0. \end{cases}

    Under-predicting costs :math:`\tau` per unit, over-predicting :math:`1 - \tau`, so its minimiser
    over a distribution of targets is the :math:`\tau`-quantile (:math:`\tau = 0.5`: half the absolute
    error, minimised by the median). Asymmetric for :math:`\tau \ne 1/2`. ``quantile`` is a number or
    an array that broadcasts to the shape of ``target - prediction`` (several quantiles at once, e.g.
    ``(N, 1)`` targets against ``(N, Q)`` predictions and ``Q`` levels), each in the open interval
    (0, 1).

    Neither Keras 3 nor PyTorch ships this loss (no ``keras.losses`` or ``torch.nn.functional`` name,
    checked for Keras 3.15 and PyTorch 2.13); TensorFlow Addons had ``tfa.losses.PinballLoss``.

    Reference: Koenker and Bassett, "Regression quantiles", Econometrica 46(1), 1978.
    """
    error = target - prediction
    if is_array(quantile):
        xp = namespace(target, prediction, quantile)
        check_in_open_interval("quantile", quantile, xp, 0.0, 1.0)
        check_broadcasts_to("quantile", quantile, error.shape, "(target - prediction)")
    else:
        xp = namespace(target, prediction)
        quantile = check_number_in_open_interval("quantile", quantile, 0.0, 1.0)
    return xp.maximum(quantile * error, (quantile - 1.0) * error) + 0.0  # + 0.0: a loss of -0 prints as 0
