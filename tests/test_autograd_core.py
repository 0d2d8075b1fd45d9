"""Closed-form gradients (``lossbook.core._closed_form``): autograd sees the same derivatives as before.

Where core knows a loss's derivative in closed form, torch autograd is handed it instead of retracing
the stable formula step by step (DESIGN.md, "Speed"). The specification: for every such function, the
gradient equals autograd of the formula itself (the undecorated function, ``__wrapped__``) to a few
ulps; second derivatives work through ``torch.autograd.functional.hessian`` and ``torch.func.hessian``
(chapter 4 uses them) and equal the textbook Hessians; ``torch.func.vmap`` works; arguments that
broadcast (``pos_weight``) get gradients summed back to their shape; NumPy input never touches torch.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _helpers import assert_close, normwise_atol

from lossbook import core
from lossbook.core._closed_form import closed_form_gradient

RNG = np.random.default_rng(2026)


def _tensor(values, requires_grad=False):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


# (function, arguments as NumPy arrays or numbers, names of the arguments to differentiate)
CASES = {
    "softplus": (core.softplus, {"x": RNG.normal(0, 30, size=50)}, ("x",)),
    "sigmoid": (core.sigmoid, {"x": RNG.normal(0, 30, size=50)}, ("x",)),
    "binary_cross_entropy_with_logits": (
        core.binary_cross_entropy_with_logits,
        {"target": RNG.uniform(0, 1, size=(6, 4)), "logit": RNG.normal(0, 8, size=(6, 4))},
        ("target", "logit"),
    ),
    "binary_cross_entropy_with_logits, pos_weight per class": (
        core.binary_cross_entropy_with_logits,
        {
            "target": RNG.uniform(0, 1, size=(6, 4)),
            "logit": RNG.normal(0, 8, size=(6, 4)),
            "pos_weight": RNG.uniform(0.5, 3, size=4),
        },
        ("target", "logit", "pos_weight"),
    ),
    "softmax_cross_entropy": (
        core.softmax_cross_entropy,
        {"target": RNG.dirichlet(np.ones(5), size=7), "logits": RNG.normal(0, 5, size=(7, 5))},
        ("target", "logits"),
    ),
    "squared_error": (
        core.squared_error,
        {"target": RNG.normal(size=9), "prediction": RNG.normal(size=9)},
        ("target", "prediction"),
    ),
    "huber": (
        core.huber,
        {"target": RNG.normal(size=40), "prediction": RNG.normal(size=40), "delta": 0.7},
        ("target", "prediction"),
    ),
    "smooth_l1": (
        core.smooth_l1,
        {"target": RNG.normal(size=40), "prediction": RNG.normal(size=40), "beta": 1.5},
        ("target", "prediction"),
    ),
    "smooth_l1, beta = 0, one error exactly 0": (
        core.smooth_l1,
        {"target": np.r_[RNG.normal(size=39), 0.5], "prediction": np.r_[RNG.normal(size=39), 0.5],
         "beta": 0.0},
        ("target", "prediction"),
    ),
    "log_cosh": (
        core.log_cosh,
        {"target": RNG.normal(0, 5, size=40), "prediction": RNG.normal(0, 5, size=40)},
        ("target", "prediction"),
    ),
}


def gradients(function, arrays, names):
    leaves = {  # a number (delta, beta) is passed as it is
        key: _tensor(value, requires_grad=key in names) if isinstance(value, np.ndarray) else value
        for key, value in arrays.items()
    }
    loss = function(**leaves)
    closed_form = hasattr(function, "partials")
    assert ("ClosedFormGradient" in type(loss.grad_fn).__name__) == closed_form, type(loss.grad_fn)
    cotangent = _tensor(RNG.normal(size=tuple(loss.shape)))
    return torch.autograd.grad(loss, [leaves[name] for name in names], grad_outputs=cotangent)


@pytest.mark.parametrize("case", CASES)
def test_closed_form_gradient_equals_autograd_of_the_formula_itself(case):
    function, arrays, names = CASES[case]
    state = RNG.bit_generator.state
    closed_form = gradients(function, arrays, names)
    RNG.bit_generator.state = state  # the same cotangent for both
    traced = gradients(function.__wrapped__, arrays, names)
    for name, ours, reference in zip(names, closed_form, traced, strict=True):
        assert ours.shape == reference.shape
        assert_close(ours, reference, rtol=1e-13, atol=normwise_atol(reference, torch.float64), what=name)


def test_sparse_softmax_cross_entropy_gradient_is_softmax_minus_one_hot():
    logits = _tensor(RNG.normal(0, 4, size=(8, 6)), requires_grad=True)
    labels = torch.tensor(RNG.integers(0, 6, size=8))
    core.sparse_softmax_cross_entropy(labels, logits).sum().backward()
    expected = core.softmax(logits.detach()) - torch.nn.functional.one_hot(labels, 6).double()
    assert_close(logits.grad, expected, rtol=1e-15, atol=normwise_atol(expected, torch.float64))


def test_the_label_smoothed_cross_entropy_gradient_is_softmax_minus_the_smoothed_weighted_target():
    """With class weights w and smoothing s the loss is sum_k w_k y~_k (-log s_k), y~ the smoothed
    one-hot target, so its gradient is softmax(z) sum_k w_k y~_k - w * y~."""
    logits = _tensor(RNG.normal(0, 4, size=(5, 4)), requires_grad=True)
    labels = torch.tensor([0, 3, 1, 1, 2])
    weight = _tensor([0.5, 1.0, 2.0, 1.5])
    core.label_smoothed_sparse_softmax_cross_entropy(labels, logits, 0.2, weight).sum().backward()
    smoothed = 0.8 * torch.nn.functional.one_hot(labels, 4).double() + 0.2 / 4
    weighted = smoothed * weight
    expected = core.softmax(logits.detach()) * weighted.sum(-1, keepdim=True) - weighted
    assert_close(logits.grad, expected, rtol=1e-14, atol=normwise_atol(expected, torch.float64))


def bce_hessian_diagonal(z):
    s = torch.sigmoid(z)
    return torch.diag(s * (1 - s))


@pytest.mark.parametrize("hessian", ["torch.autograd.functional.hessian", "torch.func.hessian"])
def test_second_derivative_of_bce_with_logits_is_sigma_times_one_minus_sigma(hessian):
    target, z = _tensor(RNG.uniform(0, 1, size=4)), _tensor(RNG.normal(0, 3, size=4))

    def loss(logit):
        return core.binary_cross_entropy_with_logits(target, logit).sum()

    if hessian == "torch.func.hessian":
        computed = torch.func.hessian(loss)(z)
    else:
        computed = torch.autograd.functional.hessian(loss, z)
    assert_close(computed, bce_hessian_diagonal(z), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("hessian", ["torch.autograd.functional.hessian", "torch.func.hessian"])
def test_hessian_of_softmax_cross_entropy_in_the_logits_is_diag_s_minus_s_s_transpose(hessian):
    target = _tensor(RNG.dirichlet(np.ones(4)))
    z = _tensor(RNG.normal(0, 2, size=4))

    def loss(logits):
        return core.softmax_cross_entropy(target, logits)

    if hessian == "torch.func.hessian":
        computed = torch.func.hessian(loss)(z)
    else:
        computed = torch.autograd.functional.hessian(loss, z)
    s = core.softmax(z)
    assert_close(computed, torch.diag(s) - torch.outer(s, s), rtol=1e-12, atol=1e-15)


def test_second_derivative_of_softplus_is_sigma_times_sigma_of_minus_x_including_at_0():
    x = _tensor([-40.0, -3.0, 0.0, 2.0, 35.0])
    second = torch.func.vmap(torch.func.grad(torch.func.grad(core.softplus)))(x)
    expected = torch.sigmoid(x) * torch.sigmoid(-x)
    assert_close(second, expected, rtol=1e-14)
    assert float(second[2]) == 0.25


def test_vmap_of_the_gradient_gives_one_gradient_per_example():
    targets, logits = _tensor(RNG.uniform(0, 1, size=(3, 5))), _tensor(RNG.normal(size=(3, 5)))

    def loss(target, logit):
        return core.binary_cross_entropy_with_logits(target, logit).sum()

    per_example = torch.func.vmap(torch.func.grad(loss, argnums=1))(targets, logits)
    assert_close(per_example, torch.sigmoid(logits) - targets, rtol=1e-14, atol=1e-16)


def test_numpy_input_is_computed_without_importing_torch_into_the_result():
    result = core.binary_cross_entropy_with_logits(np.array([0.0, 1.0]), np.array([2.0, -1.0]))
    assert isinstance(result, np.ndarray)


def test_a_missing_partial_derivative_is_reported_by_the_argument_name():
    @closed_form_gradient(x=lambda x, y: 2 * x)
    def toy_loss(x, y):
        return x**2 + y

    x, y = _tensor([1.0], requires_grad=True), _tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="with respect to `y` is defined for toy_loss"):
        toy_loss(x, y).sum().backward()
