"""Catalog entries of the regression family: squared and absolute error, the Poisson losses."""

from __future__ import annotations

from lossbook import core, symbolic
from lossbook.catalog._entry import Entry

_LIKELIHOOD_CHAPTER = "book/01-foundations/03-losses-as-likelihoods"

ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="squared_error",
        title="Squared error",
        family="regression",
        formula=r"(y - \hat y)^2",
        keras="mean_squared_error",
        keras_class="MeanSquaredError",
        torch="mse_loss",
        chapter=_LIKELIHOOD_CHAPTER,
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
        chapter=_LIKELIHOOD_CHAPTER,
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
        chapter=_LIKELIHOOD_CHAPTER,
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
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=("y", "eta"),
        build_expr=symbolic.poisson_nll_with_log_rate,
        numeric=lambda y, eta: core.poisson_nll_with_log_rate(y, eta),
        domain={"y": (0.0, 10.0), "eta": (-3.0, 3.0)},
    ),
)
