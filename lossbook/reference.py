"""High-precision references: each loss evaluated in mpmath with 50 significant digits.

These are the yardstick for every accuracy claim of the book: the test suite measures lossbook (and the
frameworks) against them in units in the last place, and chapters print them beside the float64 values.
The formulas are the plain mathematical definitions; at 50 digits no rearrangement is needed for inputs
a float64 can hold, with one exception: a logarithm of :math:`1 + s` with :math:`s` below
:math:`10^{-50}` (a confident softmax, where :math:`s = e^{-700}`) would round :math:`1 + s` to 1, so the
K-outcome references factor out the largest term and use ``log1p``, which is exact algebra, not an
approximation. Inputs are taken as the exact values of the given floats. mpmath is imported on first use.

Scalar references (:func:`softplus`, :func:`poisson_nll`, ...) take mpmath numbers; evaluate them over
arrays with :func:`exact`. Row references (:func:`logsumexp`, :func:`softmax`, ...) take sequences of
numbers (one row of K logits); evaluate them over the rows of an array with :func:`exact_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DIGITS = 50
"""Significant decimal digits of every reference."""


def _mp():
    import mpmath

    return mpmath


def softplus(x):
    r""":math:`\log(1 + e^{x})`."""
    mp = _mp()
    return mp.log1p(mp.exp(x))


def sigmoid(x):
    r""":math:`1 / (1 + e^{-x})`."""
    return 1 / (1 + _mp().exp(-x))


def binary_cross_entropy(y, p):
    r""":math:`-[\,y \log p + (1 - y)\log(1 - p)\,]`."""
    mp = _mp()
    return -(y * mp.log(p) + (1 - y) * mp.log1p(-p))


def binary_cross_entropy_with_logits(y, z, w=1):
    r""":math:`w\,y\operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z)`."""
    return w * y * softplus(-z) + (1 - y) * softplus(z)


def xlogy(x, y):
    r""":math:`x \log y`, with :math:`0 \cdot \log y = 0` for every :math:`y \ge 0`."""
    return _mp().mpf(0) if x == 0 else x * _mp().log(y)


def _row(values) -> list:
    """The exact values of a row of numbers (floats, ints or mpmath numbers), as mpmath numbers."""
    mp = _mp()
    return [mp.mpf(v) for v in values]


def _max_and_rest(row) -> tuple[Any, Any]:
    r"""``(m, s)`` with :math:`m = \max_j x_j` and :math:`s = \sum_{j \ne k} e^{x_j - m}` for one maximal
    position :math:`k`, so that :math:`\sum_j e^{x_j} = e^{m}(1 + s)` exactly."""
    mp = _mp()
    m = max(row)
    k = row.index(m)
    s = mp.fsum(mp.exp(v - m) for j, v in enumerate(row) if j != k and v != -mp.inf)
    return m, s


def logsumexp(row):
    r""":math:`\log \sum_j e^{x_j}`, as :math:`m + \log(1 + s)` (see :func:`_max_and_rest`).

    ``log1p`` keeps the value :math:`10^{-300}` of a row such as ``[0, -690]``, which the plain
    :math:`\log(e^0 + e^{-690})` would round to 0 at 50 digits. A row of :math:`-\infty` gives
    :math:`-\infty`.
    """
    mp = _mp()
    row = _row(row)
    m, s = _max_and_rest(row)
    return m if mp.isinf(m) else m + mp.log1p(s)


def log_softmax(row) -> list:
    r""":math:`\log\operatorname{softmax}(x)_i = (x_i - m) - \log(1 + s)` for each :math:`i`, a list.

    Both terms are at most 0, so nothing cancels; an entry of :math:`-\infty` gives :math:`-\infty`.
    """
    mp = _mp()
    row = _row(row)
    m, s = _max_and_rest(row)
    log_normaliser = mp.log1p(s)
    return [(v - m) - log_normaliser for v in row]


def softmax(row) -> list:
    r""":math:`e^{x_i} / \sum_j e^{x_j}` for each :math:`i`, a list (the plain definition: at 50 digits
    :math:`e^{x}` is held for any float64 :math:`x`, e.g. :math:`e^{-10^5}`)."""
    mp = _mp()
    exponentials = [mp.exp(v) for v in _row(row)]
    total = mp.fsum(exponentials)
    return [e / total for e in exponentials]


def softmax_cross_entropy(target_row, logit_row):
    r""":math:`-\sum_k y_k \log\operatorname{softmax}(z)_k`, with :math:`0 \cdot \log 0 = 0`."""
    mp = _mp()
    terms = zip(_row(target_row), log_softmax(logit_row), strict=True)
    return -mp.fsum(y * log_q for y, log_q in terms if y != 0)


def sparse_softmax_cross_entropy(label, logit_row):
    r""":math:`-\log\operatorname{softmax}(z)_c` for the integer class ``label`` :math:`c`."""
    return -log_softmax(logit_row)[int(label)]


def poisson_nll(y, rate):
    r""":math:`\lambda - y \log\lambda` (no :math:`\log y!`), with :math:`0 \cdot \log 0 = 0`."""
    return rate - xlogy(y, rate)


def poisson_nll_with_log_rate(y, eta):
    r""":math:`e^{\eta} - y\,\eta`, the same loss at :math:`\lambda = e^{\eta}`."""
    return _mp().exp(eta) - (0 if y == 0 else y * eta)


def log_factorial(y):
    r""":math:`\log y! = \log\Gamma(y + 1)`, exactly (to :data:`DIGITS` digits), for real :math:`y \ge 0`."""
    return _mp().loggamma(y + 1)


def stirling_term(y):
    r"""Stirling's :math:`y \log y - y + \tfrac12\log(2\pi y)` for :math:`y > 1`, else 0: the
    approximation of :math:`\log y!` that PyTorch adds with ``full=True`` (:math:`\pi` to 50 digits)."""
    mp = _mp()
    return y * mp.log(y) - y + mp.log(2 * mp.pi * y) / 2 if y > 1 else mp.mpf(0)


def log_cosh(x):
    r""":math:`\log\cosh x`, as :math:`\operatorname{log1p}(2\sinh^2(x/2))` (exact algebra): at 50 digits
    :math:`\cosh x` rounds to 1 for :math:`|x| < 10^{-25}`, where :math:`\log\cosh x \approx x^2/2` is
    still a normal float64."""
    mp = _mp()
    return mp.log1p(2 * mp.sinh(x / 2) ** 2)


def gaussian_nll(y, mu, var, full=False):
    r""":math:`\tfrac12(\log\sigma^2 + (y - \mu)^2/\sigma^2)`, plus :math:`\tfrac12\log 2\pi` with
    ``full``."""
    mp = _mp()
    loss = (mp.log(var) + (y - mu) ** 2 / var) / 2
    return loss + mp.log(2 * mp.pi) / 2 if full else loss


def squared_error(y, yhat):
    r""":math:`(y - \hat y)^2`."""
    return (y - yhat) ** 2


def absolute_error(y, yhat):
    r""":math:`|y - \hat y|`."""
    return abs(y - yhat)


def absolute_percentage_error(y, yhat, epsilon=0):
    r""":math:`100\,|y - \hat y| / \max(|y|, \epsilon)`, in percent."""
    return 100 * abs(y - yhat) / max(abs(y), epsilon)


def squared_log_error(y, yhat):
    r""":math:`(\log(1 + y) - \log(1 + \hat y))^2`, with ``log1p`` (at 50 digits :math:`1 + x` rounds to
    1 for :math:`|x| < 10^{-50}`, where :math:`\log(1 + x) \approx x` is still a normal float64)."""
    mp = _mp()
    return (mp.log1p(y) - mp.log1p(yhat)) ** 2


def quantile_loss(y, yhat, tau):
    r""":math:`\max(\tau e, (\tau - 1) e)` with :math:`e = y - \hat y`."""
    error = y - yhat
    return max(tau * error, (tau - 1) * error)


def exact(function: Callable[..., Any], *arrays: Sequence[float]) -> list:
    """``function`` at each element of ``arrays`` (NumPy arrays or lists of equal length), as mpmath
    numbers with :data:`DIGITS` digits, from the exact values of the float inputs."""
    mp = _mp()
    with mp.workdps(DIGITS):
        return [function(*(mp.mpf(float(v)) for v in values)) for values in zip(*arrays, strict=True)]


def exact_float(function: Callable[..., Any], *values: float) -> float:
    """``function`` at one point, in :data:`DIGITS`-digit arithmetic, rounded once to a float64."""
    return float(exact(function, *([v] for v in values))[0])


def exact_rows(function: Callable[..., Any], *arrays) -> list:
    """``function`` at each row (last axis) of ``arrays`` (arrays of equal leading shape; an array
    with one axis fewer, such as integer labels, gives one value per row), in :data:`DIGITS`-digit
    arithmetic, from the exact values of the inputs. Rows are taken in C order; returns a flat list
    (of numbers, or of lists for :func:`softmax` and :func:`log_softmax`)."""
    mp = _mp()
    arrays = [np.asarray(a) for a in arrays]
    rows = max((a.shape for a in arrays), key=len)[:-1]
    flat = [a.reshape(-1, a.shape[-1]) if a.ndim == len(rows) + 1 else a.reshape(-1) for a in arrays]
    with mp.workdps(DIGITS):
        return [function(*(a[i].tolist() for a in flat)) for i in range(int(np.prod(rows)))]


def ulps_error(value: float, exact, dtype: Any = np.float64, scale: float | None = None) -> float:
    """The error of ``value`` against an ``exact`` reference, in units in the last place.

    The unit is ``np.spacing`` of ``|exact|`` rounded to ``dtype``, or of ``scale`` where given (the
    accuracy tests pass the largest term of a formula whose terms cancel). The difference is taken in
    :data:`DIGITS`-digit arithmetic, so the measure itself adds no rounding error that matters.
    """
    mp = _mp()
    unit = np.spacing(np.abs(np.asarray(float(exact) if scale is None else scale, dtype=dtype)))
    with mp.workdps(DIGITS):
        return float(abs(mp.mpf(float(value)) - mp.mpf(exact)) / mp.mpf(float(unit)))


def binary_focal_cross_entropy(y, p, gamma=2, alpha=None):
    r""":math:`\alpha_t (1 - p_t)^{\gamma}\,\mathrm{BCE}(y, p)`, :math:`1 - p_t = y(1 - p) + (1 - y)p`,
    :math:`\alpha_t = y\alpha + (1 - y)(1 - \alpha)` (1 for ``alpha=None``), with :math:`0^0 = 1`."""
    alpha_t = 1 if alpha is None else y * alpha + (1 - y) * (1 - alpha)
    return alpha_t * (y * (1 - p) + (1 - y) * p) ** gamma * binary_cross_entropy(y, p)


def binary_focal_cross_entropy_with_logits(y, z, gamma=2, alpha=None):
    r"""The same at :math:`p = \sigma(z)`, with :math:`1 - \sigma(z) = \sigma(-z)` and the cross-entropy
    :func:`binary_cross_entropy_with_logits` (so a :math:`1 - p` of :math:`10^{-300}` is held)."""
    alpha_t = 1 if alpha is None else y * alpha + (1 - y) * (1 - alpha)
    one_minus_p_t = y * sigmoid(-z) + (1 - y) * sigmoid(z)
    return alpha_t * one_minus_p_t**gamma * binary_cross_entropy_with_logits(y, z)


def softmax_focal_cross_entropy(target_row, logit_row, gamma=2):
    r""":math:`-\sum_k y_k (1 - q_k)^{\gamma} \log q_k` with :math:`q = \operatorname{softmax}(z)` and
    :math:`1 - q_k = -\operatorname{expm1}(\log q_k)` (exact algebra, so a :math:`1 - q_k` of
    :math:`10^{-300}` is held)."""
    mp = _mp()
    terms = zip(_row(target_row), log_softmax(logit_row), strict=True)
    return -mp.fsum(y * (-mp.expm1(log_q)) ** gamma * log_q for y, log_q in terms if y != 0)


def soft_margin(y, f):
    r""":math:`\log(1 + e^{-y f})`, the soft margin loss of a score :math:`f` for a label :math:`y`."""
    return softplus(-y * f)


def generalized_cross_entropy(p, q):
    r""":math:`(1 - p^{q})/q`, the generalized cross-entropy of the true class's probability :math:`p`."""
    return (1 - p**q) / q


def softmax_generalized_cross_entropy(label, logit_row, q):
    r""":math:`(1 - s_c^{q})/q` with :math:`s = \operatorname{softmax}(z)`, as
    :math:`-\operatorname{expm1}(q \log s_c)/q` (exact algebra, so an :math:`s_c` of
    :math:`1 - 10^{-300}` is held)."""
    return -_mp().expm1(q * log_softmax(logit_row)[int(label)]) / q
