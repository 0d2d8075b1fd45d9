"""Parity of ``torch_compat.cross_entropy`` and ``torch_compat.nll_loss`` with ``torch.nn.functional``;
their bad-input errors and wrong-helper warnings.

Contract (DESIGN.md, "Parity"): values and autograd gradients equal PyTorch's within 1e-9 relative in
float64 (2e-6 in float32), for every reduction, ``weight``, ``ignore_index`` and ``label_smoothing``, for
inputs of shape (C,), (N, C), (N, C, d1) and (N, C, d1, d2) (classes on axis 1), for class-index and
probability targets, and for NumPy and torch input. The harness is in parity.py; the legacy flags are
tested with every loss in test_reduction_torch.

One deliberate difference is handled explicitly, not by loosening every comparison. PyTorch's
``log_softmax`` computes ``(z_k - m) - log(sum_j exp(z_j - m))``, ``m`` the row's largest logit: for the
class of the largest logit it keeps only an absolute accuracy of about one ulp, and for the others a few
ulps of ``|z_k - m|``. So for logits ``[0, -300.3, -700.7]`` and target 0 PyTorch returns 0 where the
loss is 3.8e-131, and lossbook returns the loss (pinned down below; its accuracy is tested in
test_classification_core). Values are therefore compared with an absolute bound on top of the relative
tolerance, ``cross_entropy_atol``: a few ulps of each row's logit range, weighted and reduced like the
loss. For the random logits (scale 3) it is about 1e-14 in float64; it matters at the edge logits and in
float32.

Gradients are vector-Jacobian products with a random cotangent, compared with the normwise bound of
parity.assert_parity. PyTorch does not differentiate ``nll_loss`` with respect to ``weight``; the weight
gradients are compared with autograd of PyTorch's documented formula, built from ``F.log_softmax``.

Bad input gets a clear error (which argument, what was expected, what was received), and input that is
most likely a mistake (a softmax output given to ``cross_entropy``, logits or probabilities given to
``nll_loss``) a ``LikelyMistakeWarning`` that says why, while the loss is still returned.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind
from parity import (
    CLASS_LOGITS,
    DTYPES,
    F32,
    LABELS,
    REDUCTIONS,
    SOFTMAX,
    TORCH_CALLS,
    TORCH_RTOL,
    assert_parity,
    class_arrays,
    cross_entropy_atol,
    evaluate,
)

from lossbook import LikelyMistakeWarning, torch_compat

C = 4

INPUT_SHAPES = [(C,), (3, C), (3, C, 5), (2, C, 3, 2)]
"""One example ``(C,)``, a batch ``(N, C)``, and batches with one or two extra (spatial) dimensions."""

LABEL_SMOOTHING = [0.0, 0.2]

LOSSES = {
    "cross_entropy": (torch_compat.cross_entropy, F.cross_entropy),
    "nll_loss": (torch_compat.nll_loss, F.nll_loss),
}


def assert_matches_pytorch(name, arrays, dtype, reduction, **kwargs) -> None:
    """lossbook's and PyTorch's ``name`` on the same arrays: values (up to ``log_softmax_atol`` for
    ``cross_entropy``), and gradients w.r.t. the input, and w.r.t. probability targets."""
    ours, theirs = LOSSES[name]
    differentiate = ("input", "target") if np.issubdtype(arrays["target"].dtype, np.floating) else ("input",)
    kwargs["reduction"] = reduction
    atol = 0.0
    if name == "cross_entropy":
        atol = cross_entropy_atol(arrays, dtype, reduction, kwargs.get("ignore_index", -100))
    assert_parity(
        evaluate(ours, arrays, dtype, differentiate, **kwargs),
        evaluate(theirs, arrays, dtype, differentiate, **kwargs),
        dtype,
        value_atol=atol,
    )


# --------------------------------------------------------------------------------------------------
# cross_entropy: class indices and probabilities; nll_loss
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
def test_cross_entropy_with_class_indices_matches_pytorch(shape, weighted, label_smoothing, reduction, dtype):
    """With ``weight`` the mean is the weighted mean, over the weights of the targets' classes."""
    arrays = class_arrays(shape, seed=len(shape), target="class indices", weighted=weighted)
    assert_matches_pytorch("cross_entropy", arrays, dtype, reduction, label_smoothing=label_smoothing)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
def test_cross_entropy_with_probability_targets_matches_pytorch(
    shape, weighted, label_smoothing, reduction, dtype
):
    """Soft targets of the input's shape; the mean divides by the number of rows, not by the weights.
    Gradients are checked w.r.t. the logits and the targets."""
    arrays = class_arrays(shape, seed=10 + len(shape), target="probabilities", weighted=weighted)
    assert_matches_pytorch("cross_entropy", arrays, dtype, reduction, label_smoothing=label_smoothing)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_soft_targets_that_do_not_sum_to_1_matches_pytorch(reduction):
    """PyTorch only asks for values in [0, 1]: rows of any mass (here 0, 1/2, 1 and 2.7) are weighted
    sums of ``-log s_c``, and so are lossbook's."""
    arrays = class_arrays((4, C), seed=15, target="probabilities", weighted=True)
    arrays["target"] = np.random.default_rng(16).uniform(size=(4, C)) * np.array([[0.0], [0.2], [0.4], [1.0]])
    assert_matches_pytorch("cross_entropy", arrays, torch.float64, reduction, label_smoothing=0.1)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
def test_nll_loss_matches_pytorch(shape, weighted, reduction, dtype):
    arrays = class_arrays(shape, seed=20 + len(shape), target="log-probabilities", weighted=weighted)
    assert_matches_pytorch("nll_loss", arrays, dtype, reduction)


def test_nll_loss_of_log_softmax_equals_cross_entropy():
    """The identity the docstring states: ``nll_loss(log_softmax(z), y) == cross_entropy(z, y)``."""
    arrays = class_arrays((3, C, 5), seed=25, target="class indices", weighted=True)
    log_probabilities = dict(arrays, input=as_numpy(F.log_softmax(torch.from_numpy(arrays["input"]), dim=1)))
    for reduction in REDUCTIONS:
        assert_close(
            torch_compat.nll_loss(**log_probabilities, reduction=reduction),
            torch_compat.cross_entropy(**arrays, reduction=reduction),
            rtol=1e-14,
            atol=cross_entropy_atol(arrays, torch.float64, reduction),
        )


# --------------------------------------------------------------------------------------------------
# ignore_index
# --------------------------------------------------------------------------------------------------

IGNORE_CASES = [
    pytest.param("cross_entropy", 0.0, id="cross_entropy"),
    pytest.param("cross_entropy", 0.2, id="cross_entropy label_smoothing=0.2"),
    pytest.param("nll_loss", None, id="nll_loss"),
]


def with_ignored_targets(arrays, ignore_index: int) -> dict[str, np.ndarray]:
    """Set every third target to ``ignore_index`` (some targets are counted, some not)."""
    target = arrays["target"].copy()
    target.reshape(-1)[::3] = ignore_index
    assert np.any(target != ignore_index) and np.any(target == ignore_index)
    return dict(arrays, target=target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", [(6, C), (2, C, 3, 2)], ids=str)
@pytest.mark.parametrize("ignore_index", [-100, -1, 2], ids=["default -100", "-1", "class 2"])
@pytest.mark.parametrize(("name", "label_smoothing"), IGNORE_CASES)
def test_targets_equal_to_ignore_index_count_for_nothing_like_in_pytorch(
    name, label_smoothing, ignore_index, shape, weighted, reduction
):
    """Ignored targets get a loss of 0 and leave the mean's denominator; ``ignore_index`` may even be a
    real class (2 here), which is then never counted."""
    target = "class indices" if name == "cross_entropy" else "log-probabilities"
    arrays = class_arrays(shape, seed=30, target=target, weighted=weighted)
    arrays = with_ignored_targets(arrays, ignore_index)
    kwargs = {} if ignore_index == -100 else {"ignore_index": ignore_index}  # -100: the default
    if label_smoothing is not None:
        kwargs["label_smoothing"] = label_smoothing
    assert_matches_pytorch(name, arrays, torch.float64, reduction, **kwargs)


@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize(("name", "label_smoothing"), IGNORE_CASES)
def test_when_every_target_is_ignored_the_mean_is_nan_and_the_gradient_0_like_pytorch(
    name, label_smoothing, weighted
):
    """The mean is 0/0 = NaN in both (the sum is 0, the per-element losses all 0); PyTorch's gradient is
    0 everywhere (no target contributes), and so must lossbook's be."""
    target = "class indices" if name == "cross_entropy" else "log-probabilities"
    arrays = class_arrays((3, C), seed=35, target=target, weighted=weighted)
    arrays["target"] = np.full(3, -100)
    kwargs = {} if label_smoothing is None else {"label_smoothing": label_smoothing}
    ours, theirs = LOSSES[name]
    for reduction in ("none", "sum"):
        assert_matches_pytorch(name, arrays, torch.float64, reduction, **kwargs)
    (value, grads), (ref_value, ref_grads) = (
        evaluate(f, arrays, torch.float64, ("input",), **kwargs) for f in (ours, theirs)
    )
    value, ref_value = float(value.detach()), float(ref_value.detach())
    assert math.isnan(ref_value) and math.isnan(value), f"mean: {value}, PyTorch: {ref_value}"
    assert_close(ref_grads["input"], np.zeros((3, C)), rtol=0.0, what="PyTorch's gradient")
    assert_close(grads["input"], ref_grads["input"], rtol=0.0, what="gradient w.r.t. input")


# --------------------------------------------------------------------------------------------------
# Gradients with respect to the class weights
# --------------------------------------------------------------------------------------------------


def documented_cross_entropy(input, target, weight, reduction, label_smoothing=0.0, ignore_index=-100):
    r"""PyTorch's documented formula for (N, C) logits, from ``F.log_softmax``, so that autograd can
    differentiate it w.r.t. ``weight``: :math:`(1 - \varepsilon) w_{y_n}(-\log s_{n,y_n})
    + \frac{\varepsilon}{C}\sum_c w_c(-\log s_{n,c})`, mean over the counted targets' weights; for
    probability targets :math:`-\sum_c w_c \tilde y_{n,c}\log s_{n,c}`, mean over the rows."""
    nls = -F.log_softmax(input, dim=1)
    if target.is_floating_point():
        smoothed = target * (1 - label_smoothing) + label_smoothing / input.shape[1]
        per_row = torch.sum(weight * smoothed * nls, dim=1)
        return {"none": per_row, "sum": per_row.sum(), "mean": per_row.mean()}[reduction]
    counted = target != ignore_index
    safe = torch.where(counted, target, 0)
    w_y = torch.where(counted, weight[safe], 0.0)
    uniform = torch.where(counted, torch.sum(weight * nls, dim=1), 0.0)
    per_row = (1 - label_smoothing) * w_y * nls.gather(1, safe[:, None])[:, 0] + label_smoothing / C * uniform
    return {"none": per_row, "sum": per_row.sum(), "mean": per_row.sum() / w_y.sum()}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
@pytest.mark.parametrize("target", ["class indices", "probabilities"])
def test_gradients_wrt_class_weight_match_autograd_of_pytorchs_documented_formula(
    target, label_smoothing, reduction
):
    arrays = class_arrays((6, C), seed=40, target=target, weighted=True)
    if target == "class indices":
        arrays = with_ignored_targets(arrays, -100)
    differentiate = ("input", "weight") + (("target",) if target == "probabilities" else ())
    kwargs = {"reduction": reduction, "label_smoothing": label_smoothing}
    assert_parity(
        evaluate(torch_compat.cross_entropy, arrays, torch.float64, differentiate, **kwargs),
        evaluate(documented_cross_entropy, arrays, torch.float64, differentiate, **kwargs),
        torch.float64,
        value_atol=cross_entropy_atol(arrays, torch.float64, reduction),
    )


# --------------------------------------------------------------------------------------------------
# Array kinds
# --------------------------------------------------------------------------------------------------

KIND_CASES = [
    pytest.param("cross_entropy", "class indices", id="cross_entropy class indices"),
    pytest.param("cross_entropy", "probabilities", id="cross_entropy probabilities"),
    pytest.param("nll_loss", "log-probabilities", id="nll_loss"),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "target"), KIND_CASES)
def test_numpy_input_gives_a_numpy_result_equal_to_pytorchs_value(name, target, reduction):
    ours, theirs = LOSSES[name]
    arrays = class_arrays((3, C, 2), seed=50, target=target, weighted=True)
    result = ours(**arrays, reduction=reduction)
    assert_same_kind(result, arrays["input"])
    expected = theirs(**{key: torch.from_numpy(value) for key, value in arrays.items()}, reduction=reduction)
    atol = cross_entropy_atol(arrays, torch.float64, reduction) if name == "cross_entropy" else 0.0
    assert_close(result, expected, rtol=TORCH_RTOL[torch.float64], atol=atol)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("name", "target"), KIND_CASES)
def test_torch_input_gives_a_torch_result_of_the_same_dtype(name, target, dtype):
    ours, _ = LOSSES[name]
    arrays = class_arrays((3, C), seed=51, target=target, weighted=True)
    tensors = {
        key: torch.tensor(value, dtype=dtype if value.dtype.kind == "f" else torch.int64)
        for key, value in arrays.items()
    }
    for reduction in REDUCTIONS:
        assert_same_kind(ours(**tensors, reduction=reduction), tensors["input"])


# --------------------------------------------------------------------------------------------------
# Edge inputs: logits of ±60 and large logit gaps
# --------------------------------------------------------------------------------------------------

EDGE_ROWS = np.array(
    [
        [60.0, -60.0, 0.0, 1.0],
        [-60.0, 60.0, 60.0, -60.0],
        [0.0, -300.3, -700.7, -1.0],
        [700.7, 0.0, -300.3, 300.3],
        [0.0, 0.0, 0.0, 0.0],
    ]
)
"""Logits of ±60, gaps of 300 and 700, a tie between the two largest logits, and a uniform row."""


def edge_arrays(target: str, weighted: bool) -> dict[str, np.ndarray]:
    """Every edge row against every class (class indices), or against one-hot and soft targets."""
    rows = np.repeat(EDGE_ROWS, C, axis=0)
    if target == "class indices":
        labels = np.tile(np.arange(C), len(EDGE_ROWS))
    else:
        labels = np.tile(np.eye(C), (len(EDGE_ROWS), 1))
        labels[1::2] = 0.5 * labels[1::2] + 0.5 / C  # every other target soft
    arrays = {"input": rows, "target": labels}
    if weighted:
        arrays["weight"] = np.array([0.5, 1.0, 2.0, 0.25])
    return arrays


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", LABEL_SMOOTHING)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("target", ["class indices", "probabilities"])
def test_cross_entropy_matches_pytorch_at_large_logits_up_to_pytorchs_cancellation(
    target, weighted, label_smoothing, reduction, dtype
):
    """Values to ``log_softmax_atol`` (PyTorch rounds losses like e^-59 or e^-300 to 0; lossbook keeps them),
    gradients to the normwise bound."""
    arrays = edge_arrays(target, weighted)
    assert_matches_pytorch("cross_entropy", arrays, dtype, reduction, label_smoothing=label_smoothing)


@pytest.mark.parametrize("target", ["class indices", "probabilities"])
def test_cross_entropy_keeps_the_tiny_loss_where_pytorch_returns_0(target):
    """Logits [0, -300.3, -700.7], target 0: the loss is log(1 + e^-300.3 + e^-700.7) = 3.8e-131 (to
    float64 precision e^-300.3, since log1p(u) = u for u below 1e-17). PyTorch returns exactly 0."""
    logits = torch.tensor([[0.0, -300.3, -700.7]], dtype=torch.float64)
    label = torch.tensor([0])
    if target == "probabilities":
        label = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    ours = torch_compat.cross_entropy(logits, label)
    theirs = F.cross_entropy(logits, label)
    assert float(theirs) == 0.0
    assert float(ours) > 0.0
    assert_close(ours, torch.tensor(math.exp(-300.3), dtype=torch.float64), rtol=1e-12)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_an_ignored_target_on_a_row_with_minus_infinity_counts_for_nothing_like_in_pytorch(kind):
    """The ignored row's stand-in class has log-probability -inf; its weight 0 must not make 0 * inf = NaN,
    nor raise NumPy's warning about it."""
    log_probabilities = np.log(
        [[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]],
        where=[[False, True, True], [True] * 3],
        out=np.full((2, 3), -np.inf),
    )
    logits = np.array([[-np.inf, 0.0, 1.0], [0.2, 0.3, 0.5]])
    target = np.array([-100, 1])
    convert = torch.from_numpy if kind == "torch" else np.asarray
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours_nll = torch_compat.nll_loss(convert(log_probabilities), convert(target))
        ours_ce = torch_compat.cross_entropy(convert(logits), convert(target))
    theirs_nll = F.nll_loss(torch.from_numpy(log_probabilities), torch.from_numpy(target))
    theirs_ce = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(target))
    np.testing.assert_allclose(float(ours_nll), float(theirs_nll), rtol=1e-12)
    np.testing.assert_allclose(float(ours_ce), float(theirs_ce), rtol=1e-12)


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5])
@pytest.mark.parametrize(
    "call",
    [
        lambda s: TORCH_CALLS["cross_entropy"](label_smoothing=s),
    ],
    ids=[
        "torch_compat.cross_entropy",
    ],
)
def test_label_smoothing_outside_0_1_is_a_value_error(call, label_smoothing):
    with pytest.raises(
        ValueError, match=rf"`label_smoothing`: expected a number in \[0, 1\], received {label_smoothing}"
    ):
        call(label_smoothing)


@pytest.mark.parametrize("length", [2, 4])
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_weight_of_the_wrong_length_is_a_value_error(name, length):
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`weight`: expected one weight per class, shape (3,), received weight.shape=({length},)"
        ),
    ):
        TORCH_CALLS[name](weight=np.ones(length))


@pytest.mark.parametrize(
    ("target", "ignore_index", "received"),
    [
        (np.array([0, 3]), -100, "from 0 to 3"),
        (np.array([0, -1]), -100, "from -1 to 0"),
        (np.array([-1, -2]), -1, "from -2 to 0"),
    ],
    ids=["index 3 of 3 classes", "index -1 (not the ignored -100)", "index -2 (not the ignored -1)"],
)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_indices_out_of_range_are_a_value_error(name, target, ignore_index, received):
    input = CLASS_LOGITS if name == "cross_entropy" else np.log(SOFTMAX)
    function = getattr(torch_compat, name)
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"`target`: expected class indices in [0, 2] (or the ignored index {ignore_index}), "
            f"received values {received}"
        ),
    ):
        function(input, target, ignore_index=ignore_index)


def test_cross_entropy_float_targets_of_the_wrong_shape_are_a_value_error_that_asks_for_integers():
    """Class indices stored as floats are taken for probabilities, which must have the input's shape."""
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`target`: probability targets must have the shape of the input; received "
            "target.shape=(2,) for input.shape=(2, 3). Integer class indices need an integer dtype"
        ),
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=re.escape("target.shape=(2, 4, 3) for input.shape=(2, 3, 4)")):
        torch_compat.cross_entropy(np.zeros((2, 3, 4)), np.zeros((2, 4, 3)))  # as the caller wrote them
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`target`: class indices must have the shape of the input without its class axis, "
            "(2,); received target.shape=(3,) for input.shape=(2, 3)"
        ),
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match=r"`target`: expected integer class indices, received dtype float64"):
        torch_compat.nll_loss(np.log(SOFTMAX), np.array([0.0, 2.0]))


def test_cross_entropy_probability_targets_outside_0_1_are_a_value_error():
    with pytest.raises(
        ValueError, match=re.escape("`target`: expected values in [0, 1], received values from 0.1 to 1.5")
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, np.array([[0.2, 0.3, 1.5], [0.6, 0.3, 0.1]]))


@pytest.mark.parametrize(
    ("input", "target"),
    [(np.array([[0.5], [-1.0]]), LABELS * 0), (np.array([0.5]), np.array(0))],
    ids=["(N, 1)", "(1,)"],
)
def test_cross_entropy_with_a_single_class_is_a_value_error_that_points_to_the_binary_loss(input, target):
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`input`: cross_entropy needs one logit per class, at least 2 along the class axis; "
            f"received input.shape={input.shape}"
        ),
    ) as error:
        torch_compat.cross_entropy(input, target)
    assert "use binary_cross_entropy_with_logits" in str(error.value)


def test_class_weight_of_another_dtype_than_the_input_is_a_type_error():
    with pytest.raises(
        TypeError, match="`input` and `weight` must have the same dtype; received float64 and float32"
    ):
        torch_compat.cross_entropy(CLASS_LOGITS, LABELS, weight=np.ones(3, dtype=F32))


# --------------------------------------------------------------------------------------------------
# The wrong-helper warnings
# --------------------------------------------------------------------------------------------------

SOFTMAX_INPUTS = {
    "(N, C)": (SOFTMAX, LABELS),
    "(C,)": (SOFTMAX[0], np.array(2)),
    "(N, C, d1)": (np.stack([SOFTMAX.T, SOFTMAX.T]), np.array([[0, 1], [2, 0]])),
}


@pytest.mark.parametrize("shape", SOFTMAX_INPUTS)
def test_cross_entropy_given_a_softmax_output_warns_and_still_returns_pytorchs_value(shape):
    """Softmax applied twice: the loss runs, but is nearly flat, so the model barely learns."""
    input, target = SOFTMAX_INPUTS[shape]
    with pytest.warns(
        LikelyMistakeWarning,
        match=r"`input`: every row lies in \[0, 1\] and sums to 1.*cross_entropy applies log_softmax itself",
    ):
        result = torch_compat.cross_entropy(input, target)
    assert_close(result, F.cross_entropy(torch.from_numpy(input), torch.from_numpy(target)), rtol=1e-12)


@pytest.mark.parametrize(
    ("input", "looks_like"),
    [
        (CLASS_LOGITS, r"received values up to 3\. These look like logits: pass them to cross_entropy"),
        (SOFTMAX, r"received values up to 0\.6\. These look like probabilities .*: take their log first"),
    ],
    ids=["logits", "probabilities"],
)
def test_nll_loss_given_logits_or_probabilities_warns_and_still_returns_pytorchs_value(input, looks_like):
    """No log-probability is positive; PyTorch computes a meaningless number without a word."""
    with pytest.warns(
        LikelyMistakeWarning, match=r"`input`: expected log-probabilities \(all <= 0\), " + looks_like
    ):
        result = torch_compat.nll_loss(input, LABELS)
    assert_close(result, F.nll_loss(torch.from_numpy(input), torch.from_numpy(LABELS)), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: torch_compat.cross_entropy(CLASS_LOGITS, LABELS),
        lambda: torch_compat.cross_entropy(np.array([[0.2, 0.3, 0.1]]), np.array([0])),
        lambda: torch_compat.nll_loss(np.log(SOFTMAX), LABELS),
        lambda: torch_compat.nll_loss(np.zeros((2, 3)), LABELS),
    ],
    ids=[
        "cross_entropy on logits",
        "cross_entropy on rows in [0, 1] that do not sum to 1",
        "nll_loss on log-probabilities",
        "nll_loss on log-probabilities of 0",
    ],
)
def test_ordinary_logits_and_log_probabilities_do_not_warn(call):
    """pytest turns LikelyMistakeWarning into an error (pyproject.toml), so returning is the test."""
    call()
