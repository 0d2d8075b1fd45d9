r"""Catalog entries of the regression family: squared and absolute error, the Poisson losses, the robust
losses (Huber, smooth L1, log-cosh), relative and logarithmic errors, the Gaussian negative
log-likelihood and the quantile loss.

Piecewise losses are tested by the symbolic contract on domains that keep away from the kinks where
their gradient jumps (the absolute percentage error and the quantile loss at :math:`y = \hat y`);
Huber and smooth L1 have a continuous gradient, so their domains may straddle :math:`|e| = 1`."""

from __future__ import annotations

from lossbook import core, symbolic
from lossbook.catalog._entry import Entry

_ERROR_CHAPTER = "book/03-regression/12-mse-and-mae"
_ROBUST_CHAPTER = "book/03-regression/13-huber-smooth-l1-log-cosh"
_RELATIVE_CHAPTER = "book/03-regression/14-relative-and-log-errors"
_UNCERTAINTY_CHAPTER = "book/03-regression/15-counts-and-uncertainty"
_QUANTILE_CHAPTER = "book/03-regression/16-quantile-loss"
_ERRORS = {"y": (-3.0, 3.0), "yhat": (-3.0, 3.0)}
_AWAY_FROM_THE_DIAGONAL = {"y": (-3.0, 3.0), "yhat": (-2.9, 3.1)}
"""Corners never on ``y == yhat``, random points almost surely far from it (further than the
finite-difference step)."""

ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="squared_error",
        title="Squared error",
        family="regression",
        formula=r"(y - \hat y)^2",
        keras="mean_squared_error",
        keras_class="MeanSquaredError",
        torch="mse_loss",
        chapter=_ERROR_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.squared_error,
        numeric=lambda y, yhat: core.squared_error(y, yhat),
        domain={"y": (-3.0, 3.0), "yhat": (-3.0, 3.0)},
    ),
    Entry(
        key="absolute_error",
        title="Absolute error",
        family="regression",
        formula=r"|y - \hat y|",
        keras="mean_absolute_error",
        keras_class="MeanAbsoluteError",
        torch="l1_loss",
        chapter=_ERROR_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.absolute_error,
        numeric=lambda y, yhat: core.absolute_error(y, yhat),
        domain={"y": (-3.0, 3.0), "yhat": (-3.0, 3.0)},
    ),
    Entry(
        key="poisson_nll",
        title="Poisson negative log-likelihood (rate)",
        family="regression",
        formula=r"\lambda - y \log \lambda",
        keras="poisson",
        keras_class="Poisson",
        torch="poisson_nll_loss",
        chapter=_UNCERTAINTY_CHAPTER,
        symbol_names=("y", "lam"),
        build_expr=symbolic.poisson_nll,
        numeric=lambda y, lam: core.poisson_nll(y, lam),
        domain={"y": (0.0, 10.0), "lam": (0.05, 10.0)},
        torch_options="log_input=False",
    ),
    Entry(
        key="poisson_nll_with_log_rate",
        title="Poisson negative log-likelihood (log-rate)",
        family="regression",
        formula=r"e^{\eta} - y\,\eta",
        torch="poisson_nll_loss",
        tensorflow="log_poisson_loss",
        chapter=_UNCERTAINTY_CHAPTER,
        symbol_names=("y", "eta"),
        build_expr=symbolic.poisson_nll_with_log_rate,
        numeric=lambda y, eta: core.poisson_nll_with_log_rate(y, eta),
        domain={"y": (0.0, 10.0), "eta": (-3.0, 3.0)},
    ),
    Entry(
        key="huber",
        title="Huber loss",
        family="regression",
        formula=r"\begin{cases} \tfrac12 e^2 & |e| \le \delta \\ "
        r"\delta\,(|e| - \tfrac12\delta) & |e| > \delta \end{cases},\ e = \hat y - y,\ \delta = 1",
        keras="huber",
        keras_class="Huber",
        torch="huber_loss",
        chapter=_ROBUST_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.huber,
        numeric=lambda y, yhat: core.huber(y, yhat),
        domain=_ERRORS,
    ),
    Entry(
        key="smooth_l1",
        title="Smooth L1 loss",
        family="regression",
        formula=r"\begin{cases} \tfrac12 e^2 / \beta & |e| < \beta \\ |e| - \tfrac12\beta & |e| \ge \beta "
        r"\end{cases},\ \beta = 1",
        torch="smooth_l1_loss",
        chapter=_ROBUST_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.smooth_l1,
        numeric=lambda y, yhat: core.smooth_l1(y, yhat),
        domain=_ERRORS,
    ),
    Entry(
        key="log_cosh",
        title="Log-cosh loss",
        family="regression",
        formula=r"\log\cosh(\hat y - y)",
        keras="log_cosh",
        keras_class="LogCosh",
        chapter=_ROBUST_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.log_cosh,
        numeric=lambda y, yhat: core.log_cosh(y, yhat),
        domain={"y": (-10.0, 10.0), "yhat": (-10.0, 10.0)},
    ),
    Entry(
        key="absolute_percentage_error",
        title="Absolute percentage error",
        family="regression",
        formula=r"100\,\frac{|y - \hat y|}{|y|}",
        keras="mean_absolute_percentage_error",
        keras_class="MeanAbsolutePercentageError",
        chapter=_RELATIVE_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.absolute_percentage_error,
        numeric=lambda y, yhat: core.absolute_percentage_error(y, yhat),
        domain={"y": (0.5, 3.0), "yhat": (-2.9, 3.1)},
    ),
    Entry(
        key="squared_log_error",
        title="Squared logarithmic error",
        family="regression",
        formula=r"\bigl(\log(1 + \hat y) - \log(1 + y)\bigr)^2",
        keras="mean_squared_logarithmic_error",
        keras_class="MeanSquaredLogarithmicError",
        chapter=_RELATIVE_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.squared_log_error,
        numeric=lambda y, yhat: core.squared_log_error(y, yhat),
        domain={"y": (0.0, 5.0), "yhat": (0.0, 5.0)},
    ),
    Entry(
        key="gaussian_nll",
        title="Gaussian negative log-likelihood",
        family="regression",
        formula=r"\tfrac12\Bigl(\log\sigma^2 + \frac{(y - \mu)^2}{\sigma^2}\Bigr)",
        torch="gaussian_nll_loss",
        chapter=_UNCERTAINTY_CHAPTER,
        symbol_names=("y", "mu", "var"),
        build_expr=symbolic.gaussian_nll,
        numeric=lambda y, mu, var: core.gaussian_nll(y, mu, var),
        domain={"y": (-3.0, 3.0), "mu": (-3.0, 3.0), "var": (0.1, 4.0)},
    ),
    Entry(
        key="quantile_loss",
        title="Quantile (pinball) loss",
        family="regression",
        formula=r"\max\bigl(\tau (y - \hat y),\ (\tau - 1)(y - \hat y)\bigr)",
        chapter=_QUANTILE_CHAPTER,
        symbol_names=("y", "yhat", "tau"),
        build_expr=symbolic.quantile_loss,
        numeric=lambda y, yhat, tau: core.quantile_loss(y, yhat, tau),
        domain=_AWAY_FROM_THE_DIAGONAL | {"tau": (0.05, 0.95)},
    ),
)
