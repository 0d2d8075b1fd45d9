"""The SymPy toolkit the chapters use: symbols, densities, negative log-likelihoods, gradients, Hessians.

Each loss of Part I is the negative log-likelihood of a textbook distribution, up to terms that do not
depend on the prediction; these tests derive each one from its density and compare it with the loss.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from lossbook import catalog, symbolic


def test_probabilities_rates_scales_and_weights_are_positive_symbols_and_the_rest_real():
    for name in ("p", "q", "q2", "w", "lam", "sigma", "b"):
        assert symbolic.symbol(name).is_positive, name
    for name in ("y", "z", "z3", "yhat", "mu", "eta"):
        symbol = symbolic.symbol(name)
        assert symbol.is_real and symbol.is_positive is None, name


def test_symbols_are_cached_so_expressions_built_separately_share_them():
    assert symbolic.symbol("z") is symbolic.symbol("z")
    assert symbolic.symbols("y z") == (symbolic.symbol("y"), symbolic.symbol("z"))


def test_yhat_prints_as_y_with_a_hat():
    assert symbolic.latex(symbolic.symbol("yhat")) == r"\hat{y}"


def depends_on(expr: sp.Expr, symbol: sp.Symbol) -> bool:
    return sp.simplify(sp.diff(expr, symbol)) != 0


def test_gaussian_negative_log_likelihood_is_squared_error_over_two_sigma_squared_plus_constants():
    y, mu, sigma = symbolic.symbols("y mu sigma")
    nll = symbolic.negative_log_likelihood(symbolic.gaussian_density(y, mu, sigma))
    constant = sp.log(sigma) + sp.log(2 * sp.pi) / 2
    assert symbolic.equivalent(nll, symbolic.squared_error(y, mu) / (2 * sigma**2) + constant)


def test_laplace_negative_log_likelihood_is_absolute_error_over_b_plus_constants():
    y, mu, b = symbolic.symbols("y mu b")
    nll = symbolic.negative_log_likelihood(symbolic.laplace_density(y, mu, b))
    assert symbolic.equivalent(nll, symbolic.absolute_error(y, mu) / b + sp.log(2 * b))


def test_bernoulli_negative_log_likelihood_is_binary_cross_entropy():
    y, p = symbolic.symbols("y p")
    nll = symbolic.negative_log_likelihood(symbolic.bernoulli_pmf(y, p))
    assert symbolic.equivalent(nll, symbolic.binary_cross_entropy(y, p))


def test_categorical_negative_log_likelihood_is_cross_entropy():
    ys, qs = symbolic.symbols("y1 y2 y3"), symbolic.symbols("q1 q2 q3")
    nll = symbolic.negative_log_likelihood(symbolic.categorical_pmf(ys, qs))
    assert symbolic.equivalent(nll, symbolic.cross_entropy(ys, qs))


def test_poisson_negative_log_likelihood_is_the_poisson_loss_plus_log_factorial_of_the_count():
    y, lam = symbolic.symbols("y lam")
    nll = symbolic.negative_log_likelihood(symbolic.poisson_pmf(y, lam))
    remainder = sp.simplify(nll - symbolic.poisson_nll(y, lam))
    assert not depends_on(remainder, lam)
    assert symbolic.equivalent(remainder, sp.log(sp.factorial(y)))


def test_the_log_rate_form_of_the_poisson_loss_is_the_rate_form_at_lambda_equal_e_to_the_eta():
    y, eta, lam = symbolic.symbols("y eta lam")
    rate_form = symbolic.poisson_nll(y, lam).subs(lam, sp.exp(eta))
    log_rate_form = symbolic.poisson_nll_with_log_rate(y, eta)
    assert symbolic.equivalent(sp.expand_log(rate_form, force=True), log_rate_form)


def test_softmax_sums_to_one_and_sigmoid_is_the_two_class_softmax():
    z = symbolic.symbols("z1 z2 z3")
    assert symbolic.equivalent(sp.Add(*symbolic.softmax(z)), 1)
    (t,) = symbolic.symbols("z")
    assert symbolic.equivalent(symbolic.softmax([0, t])[1], symbolic.sigmoid(t))


def test_softmax_cross_entropy_is_cross_entropy_of_the_softmax():
    ys, zs = symbolic.symbols("y1 y2 y3"), symbolic.symbols("z1 z2 z3")
    direct = symbolic.cross_entropy(ys, symbolic.softmax(zs))
    assert symbolic.equivalent(sp.expand_log(direct, force=True), symbolic.softmax_cross_entropy(ys, zs))


def test_softmax_cross_entropy_gradient_is_softmax_times_target_mass_minus_target():
    ys, zs = symbolic.symbols("y1 y2 y3"), symbolic.symbols("z1 z2 z3")
    gradient = symbolic.gradient(symbolic.softmax_cross_entropy(ys, zs), zs)
    s = symbolic.softmax(zs)
    for k, z_k in enumerate(zs):
        assert symbolic.equivalent(gradient[z_k], s[k] * sp.Add(*ys) - ys[k])


def test_softmax_cross_entropy_hessian_in_the_logits_is_diag_s_minus_s_s_transpose():
    ys, zs = symbolic.symbols("y1 y2 y3"), symbolic.symbols("z1 z2 z3")
    expr = symbolic.softmax_cross_entropy(ys, zs).subs(ys[2], 1 - ys[0] - ys[1])  # targets sum to 1
    hessian = symbolic.hessian(expr, zs)
    s = sp.Matrix(symbolic.softmax(zs))
    assert sp.simplify(hessian - (sp.diag(*s) - s * s.T)) == sp.zeros(3, 3)


def test_hessian_is_symmetric_and_positive_semidefinite_at_random_logits():
    zs = symbolic.symbols("z1 z2 z3")
    hessian = symbolic.hessian(catalog.get("sparse_softmax_cross_entropy").expr, zs)
    evaluate = sp.lambdify(zs, hessian, modules="numpy")
    rng = np.random.default_rng(3)
    for logits in rng.normal(scale=4.0, size=(20, 3)):
        matrix = np.array(evaluate(*logits), dtype=float)
        np.testing.assert_allclose(matrix, matrix.T, rtol=0, atol=1e-15)
        assert np.linalg.eigvalsh(matrix).min() >= -1e-15


def test_gradient_keeps_the_shorter_of_the_raw_and_the_simplified_derivative():
    y, yhat = symbolic.symbols("y yhat")
    derivative = symbolic.gradient(symbolic.absolute_error(y, yhat), [yhat])[yhat]
    assert derivative == -sp.sign(y - yhat)
    assert not derivative.has(sp.Piecewise)


def test_lambdify_returns_a_numpy_function_of_keywords_named_like_the_symbols():
    y, lam = symbolic.symbols("y lam")
    function = symbolic.lambdify(symbolic.poisson_nll(y, lam), [y, lam])
    counts, rates = np.array([0.0, 1.0, 4.0]), np.array([0.5, 2.0, 4.0])
    np.testing.assert_allclose(function(lam=rates, y=counts), rates - counts * np.log(rates), rtol=1e-15)
