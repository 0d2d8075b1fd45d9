"""Parity of torch_compat's margin losses with ``torch.nn.functional``: ``multi_margin_loss``,
``multilabel_margin_loss``, ``soft_margin_loss`` and ``multilabel_soft_margin_loss``, values and autograd
gradients for every keyword and reduction; where PyTorch overflows or reads uninitialised memory; their
bad-input errors.

Contract (DESIGN.md, "Parity"): values and gradients equal PyTorch's within 1e-9 relative in float64
(2e-6 in float32), for every reduction and keyword, for 1-D and 2-D inputs where PyTorch takes them
(``soft_margin_loss`` and ``multilabel_soft_margin_loss``: any shape). The harness is in parity.py
(``margin_arrays``, ``evaluate``, ``assert_parity``); unknown reduction names are tested for these losses
with the others in test_reduction_torch (``TORCH_CALLS``).

Two deliberate differences, each pinned down by its own test: ``soft_margin_loss`` is finite where
PyTorch's ``log1p(exp(-y x))`` overflows (:math:`-y x > 709.78` in float64), and the mean and sum of an
empty batch are NaN and 0 where PyTorch's two margin kernels return uninitialised memory.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from parity import DTYPES, REDUCTIONS, assert_parity, evaluate, margin_arrays, parameters

from lossbook import LikelyMistakeWarning, core, torch_compat

NAMES = ["multi_margin_loss", "multilabel_margin_loss", "soft_margin_loss", "multilabel_soft_margin_loss"]
C = 4


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_pytorchs_parameter_for_parameter(name):
    assert parameters(getattr(torch_compat, name)) == parameters(getattr(F, name))


def assert_matches_pytorch(name, arrays, dtype, grads=("input",), **kwargs) -> None:
    assert_parity(
        evaluate(getattr(torch_compat, name), arrays, dtype, grads, **kwargs),
        evaluate(getattr(F, name), arrays, dtype, grads, **kwargs),
        dtype,
    )


MULTI_MARGIN_KEYWORDS = [
    {},
    {"p": 2},
    {"margin": 0.3, "weight": True},
    {"p": 2, "margin": 2.5, "weight": True},
]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("keywords", MULTI_MARGIN_KEYWORDS, ids=str)
@pytest.mark.parametrize("shape", [(C,), (7, C)], ids=str)
def test_multi_margin_loss_matches_pytorch_for_every_keyword_and_reduction(shape, keywords, reduction, dtype):
    keywords = dict(keywords)
    weight_shape = (C,) if keywords.pop("weight", False) else None
    arrays = margin_arrays("multi_margin_loss", shape, seed=len(shape), weight_shape=weight_shape)
    assert_matches_pytorch("multi_margin_loss", arrays, dtype, reduction=reduction, **keywords)


@pytest.mark.parametrize("target_shape", [(), (1,)], ids=str)
def test_multi_margin_loss_of_one_example_takes_a_target_of_shape_0_or_1_like_pytorch(target_shape):
    arrays = margin_arrays("multi_margin_loss", (C,), seed=3)
    arrays["target"] = np.reshape(np.int64(2), target_shape)
    for reduction in REDUCTIONS:
        assert_matches_pytorch("multi_margin_loss", arrays, torch.float64, reduction=reduction)
    loss = torch_compat.multi_margin_loss(arrays["input"], arrays["target"], reduction="none")
    assert loss.shape == target_shape


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(C,), (9, C), (6, 1)], ids=str)
def test_multilabel_margin_loss_matches_pytorch_with_padded_repeated_empty_and_full_label_rows(
    shape, reduction, dtype
):
    arrays = margin_arrays("multilabel_margin_loss", shape, seed=11)
    assert_matches_pytorch("multilabel_margin_loss", arrays, dtype, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(), (5,), (4, 3), (2, 3, 4)], ids=str)
def test_soft_margin_loss_matches_pytorch(shape, reduction, dtype):
    arrays = margin_arrays("soft_margin_loss", shape, seed=5)
    assert_matches_pytorch("soft_margin_loss", arrays, dtype, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("shape", "weight_shape"),
    [((C,), None), ((C,), (C,)), ((5, C), None), ((5, C), (C,)), ((5, C), (5, 1)), ((2, 3, C), (2, 3, C))],
    ids=str,
)
def test_multilabel_soft_margin_loss_matches_pytorch_with_gradients_of_input_target_and_weight(
    shape, weight_shape, reduction, dtype
):
    """PyTorch writes this loss in Python, so autograd differentiates the target and the weight too."""
    arrays = margin_arrays("multilabel_soft_margin_loss", shape, seed=8, weight_shape=weight_shape)
    grads = ("input", "target") if weight_shape is None else ("input", "target", "weight")
    assert_matches_pytorch("multilabel_soft_margin_loss", arrays, dtype, grads, reduction=reduction)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("size_average", "reduce"), [(None, False), (False, None), (True, True)])
def test_legacy_flags_select_the_same_reduction_as_pytorch(name, size_average, reduce):
    arrays = margin_arrays(name, (5, C), seed=21)
    flags = {"size_average": size_average, "reduce": reduce}
    with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
        mine = evaluate(getattr(torch_compat, name), arrays, torch.float64, ("input",), **flags)
    with pytest.warns(UserWarning):
        theirs = evaluate(getattr(F, name), arrays, torch.float64, ("input",), **flags)
    assert_parity(mine, theirs, torch.float64)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_numpy_input_gives_numpy_and_torch_input_a_tensor(name, kind):
    arrays = margin_arrays(name, (3, C), seed=2)
    result = getattr(torch_compat, name)(*(ARRAY_KINDS[kind](arrays[k]) for k in ("input", "target")))
    assert_same_kind(result, ARRAY_KINDS[kind](arrays["input"]))


def test_a_score_exactly_on_the_margin_has_gradient_0_as_in_pytorch():
    """At the kink PyTorch's kernels add a term only if it is positive, so the subgradient is 0."""
    input = np.array([[2.0, 1.0, 0.5]])  # margin 1 - 2 + 1 = 0 for class 1: exactly on the margin
    arrays = {"input": input, "target": np.array([0])}
    assert_matches_pytorch("multi_margin_loss", arrays, torch.float64, reduction="sum")
    arrays = {"input": input, "target": np.array([[0, -1, 0]])}
    assert_matches_pytorch("multilabel_margin_loss", arrays, torch.float64, reduction="sum")


# --------------------------------------------------------------------------------------------------
# Where PyTorch overflows or reads garbage, and lossbook does not
# --------------------------------------------------------------------------------------------------

LOG_MAX = math.log(np.finfo(np.float64).max)  # 709.782712893384


def test_pytorch_soft_margin_loss_overflows_just_above_log_of_the_largest_float_and_lossbook_does_not():
    """PyTorch computes log1p(exp(-y x)): finite up to -y x = log(DBL_MAX) = 709.782712893384, ``inf``
    with a NaN gradient from the next float on (and from 88.72 in float32); the exact loss is -y x
    there, and lossbook returns it with the gradient -y sigma(-y x) = -y."""
    last, first_overflow = LOG_MAX, np.nextafter(LOG_MAX, np.inf)
    x = np.array([-last, -first_overflow, -800.0, 800.0])
    y = np.array([1.0, 1.0, 1.0, -1.0])
    arrays = {"input": x, "target": y}
    theirs = evaluate(F.soft_margin_loss, arrays, torch.float64, ("input",), reduction="none")
    assert as_numpy(theirs[0]).tolist() == [last, math.inf, math.inf, math.inf]
    assert np.isnan(as_numpy(theirs[1]["input"])[1:]).all()
    mine = evaluate(torch_compat.soft_margin_loss, arrays, torch.float64, ("input",), reduction="none")
    assert as_numpy(mine[0]).tolist() == [last, first_overflow, 800.0, 800.0]
    cotangent = np.random.default_rng(99).normal(size=4)  # evaluate's cotangent
    assert_close(mine[1]["input"], -y * cotangent, rtol=1e-15)
    x32 = torch.tensor([-88.72, -88.73], dtype=torch.float32)
    assert F.soft_margin_loss(x32, torch.ones(2), reduction="none").isinf().tolist() == [False, True]
    assert torch.isfinite(torch_compat.soft_margin_loss(x32, torch.ones(2), reduction="none")).all()


@pytest.mark.parametrize("name", ["multi_margin_loss", "multilabel_margin_loss"])
def test_an_empty_batch_has_mean_nan_and_sum_0_where_pytorch_returns_uninitialised_memory(name):
    arrays = margin_arrays(name, (0, C), seed=1)
    input, target = torch.from_numpy(arrays["input"]), torch.from_numpy(arrays["target"])
    function = getattr(torch_compat, name)
    assert torch.isnan(function(input, target))
    assert function(input, target, reduction="sum").item() == 0.0
    assert function(input, target, reduction="none").shape == (0,)
    theirs = getattr(F, name)(input, target, reduction="sum").item()
    assert theirs == 0.0 or abs(theirs) < 1e-300, "PyTorch now sums an empty batch to 0: update the docs"


# --------------------------------------------------------------------------------------------------
# Bad input: which argument, what was expected, what was received
# --------------------------------------------------------------------------------------------------

X = np.array([[0.1, 0.5, -0.3], [1.0, -1.0, 0.2]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: torch_compat.multi_margin_loss(X, np.array([0, 1]), p=3), ValueError,
         "argument `p`: expected 1 or 2 (the only powers PyTorch supports), received 3"),
        (lambda: torch_compat.multi_margin_loss(X, np.array([0, 3])), ValueError,
         "argument `target`: expected class indices in [0, 2], received values from 0 to 3"),
        (lambda: torch_compat.multi_margin_loss(X, np.array([-1, 0])), ValueError,
         "argument `target`: expected class indices in [0, 2], received values from -1 to 0"),
        (lambda: torch_compat.multi_margin_loss(X, np.array([0, 1, 2])), ValueError,
         "argument `target`: expected one class index per example, shape (2,), received target.shape=(3,)"),
        (lambda: torch_compat.multi_margin_loss(X, np.array([0.0, 1.0])), TypeError,
         "argument `target`: expected integer class indices, received dtype float64"),
        (lambda: torch_compat.multi_margin_loss(X, np.array([0, 1]), weight=np.ones(2)), ValueError,
         "argument `weight`: expected one weight per class, shape (3,), received weight.shape=(2,)"),
        (lambda: torch_compat.multi_margin_loss(np.zeros((2, 3, 4)), np.array([0, 1])), ValueError,
         "argument `input`: expected a score vector (C,) or a batch of them (N, C) with C >= 1 (N may be 0), "
         "received input.shape=(2, 3, 4)"),
        (lambda: torch_compat.multilabel_margin_loss(X, np.array([[0, 3, -1], [0, -1, 0]])), ValueError,
         "argument `target`: expected class indices in [0, 2] (or the ignored index -1), received values "
         "from 0 to 3"),
        (lambda: torch_compat.multilabel_margin_loss(X, np.array([[0, -2, -1], [0, -1, 0]])), ValueError,
         "received values from -2 to 0"),
        (lambda: torch_compat.multilabel_margin_loss(X, np.array([0, 1])), ValueError,
         "argument `target`: expected the shape of the input, one row of class indices padded with -1 per "
         "example; received target.shape=(2,) for input.shape=(2, 3)"),
        (lambda: torch_compat.soft_margin_loss(X, np.ones(3)), ValueError,
         "arguments `input` and `target` must have the same shape; received input.shape=(2, 3) and "
         "target.shape=(3,)"),
        (lambda: torch_compat.multilabel_soft_margin_loss(X, -np.ones((2, 3))), ValueError,
         "argument `target`: expected values in [0, 1], received values from -1 to -1. "
         "multilabel_soft_margin_loss takes 0/1 labels (not -1/1 as soft_margin_loss does)"),
        (lambda: torch_compat.multilabel_soft_margin_loss(np.array(0.5), np.array(1.0)), ValueError,
         "argument `input`: expected at least one axis, the classes (C,) or (N, C), received a scalar"),
        (lambda: torch_compat.multilabel_soft_margin_loss(X, np.ones((2, 3)), weight=np.ones(2)), ValueError,
         "argument `weight`: expected a shape that broadcasts to input.shape=(2, 3) without enlarging it; "
         "received weight.shape=(2,)"),
    ],
    ids=lambda value: "" if callable(value) or isinstance(value, type) else value[:60],
)
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_zero_one_labels_in_soft_margin_loss_warn_that_it_expects_minus_one_and_one():
    with pytest.warns(LikelyMistakeWarning, match=r"every label is 0 or 1, but this loss expects -1 or 1"):
        labels = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
        loss = torch_compat.soft_margin_loss(X, labels, reduction="none")
    assert loss[0, 0] == core.softplus(np.float64(0.0))  # a target of 0 costs log 2 whatever the score
