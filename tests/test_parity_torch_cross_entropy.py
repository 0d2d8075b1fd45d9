"""Parity of ``torch_compat.cross_entropy`` and ``torch_compat.nll_loss`` with ``torch.nn.functional``.

Contract (DESIGN.md, "Parity"): values and autograd gradients equal PyTorch's within 1e-9 relative in
float64 (2e-6 in float32, as in test_parity_torch), for every reduction, ``weight``, ``ignore_index``
and ``label_smoothing``, for inputs of shape (C,), (N, C), (N, C, d1) and (N, C, d1, d2) (classes on
axis 1), for class-index and probability targets, and for NumPy and torch input.

One deliberate difference is handled explicitly, not by loosening every comparison. PyTorch's
``log_softmax`` computes ``(z_k - m) - log(sum_j exp(z_j - m))``, ``m`` the row's largest logit: for the
class of the largest logit it keeps only an absolute accuracy of about one ulp, and for the others a few
ulps of ``|z_k - m|``. So for logits ``[0, -300.3, -700.7]`` and target 0 PyTorch returns 0 where the
loss is 3.8e-131, and lossbook returns the loss (pinned down below; its accuracy is tested in
test_accuracy). Values are therefore compared with an absolute bound on top of the relative tolerance,
``log_softmax_atol``: a few ulps of each row's logit range, weighted and reduced like the loss. For the
random logits (scale 3) it is about 1e-14 in float64; it matters at the edge logits and in float32.

Gradients are vector-Jacobian products with a random cotangent, compared with the normwise bound of
test_parity_torch. PyTorch does not differentiate ``nll_loss`` with respect to ``weight``; the weight
gradients are compared with autograd of PyTorch's documented formula, built from ``F.log_softmax``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, assert_same_kind, eps, reduce_like
from test_parity_torch import DTYPES, LEGACY_FLAGS, REDUCTIONS, RTOL, assert_parity, evaluate

from lossbook import torch_compat

C = 4
INPUT_SHAPES = [(C,), (3, C), (3, C, 5), (2, C, 3, 2)]
"""One example ``(C,)``, a batch ``(N, C)``, and batches with one or two extra (spatial) dimensions."""
LABEL_SMOOTHING = [0.0, 0.2]
LOSSES = {
    "cross_entropy": (torch_compat.cross_entropy, F.cross_entropy),
    "nll_loss": (torch_compat.nll_loss, F.nll_loss),
}


def class_axis(shape) -> int:
    """PyTorch's class axis: 0 for one example of shape (C,), 1 otherwise."""
    return 0 if len(shape) == 1 else 1


def index_shape(shape) -> tuple[int, ...]:
    """The shape of class-index targets: the input's shape without its class axis."""
    return () if len(shape) == 1 else (shape[0], *shape[2:])


def random_arrays(shape, seed: int, *, target: str, weighted: bool = False) -> dict[str, np.ndarray]:
    """Logits of scale 3 (for ``target="log-probabilities"`` their log-softmax, as ``nll_loss`` wants)
    with class indices (the classes in turn, shuffled), or probability targets drawn from a Dirichlet(1)
    per row; optionally one positive weight per class."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=3.0, size=shape)
    axis = class_axis(shape)
    if target == "probabilities":
        gamma = rng.gamma(1.0, size=shape)
        arrays = {"input": logits, "target": gamma / np.sum(gamma, axis=axis, keepdims=True)}
    else:
        indices = rng.permutation(np.arange(math.prod(index_shape(shape)) or 1) % C)
        arrays = {"input": logits, "target": indices.reshape(index_shape(shape)).astype(np.int64)}
        if target == "log-probabilities":
            arrays["input"] = logits - np.logaddexp.reduce(logits, axis=axis, keepdims=True)
    if weighted:
        arrays["weight"] = rng.uniform(0.2, 2.0, size=C)
    return arrays


def log_softmax_atol(arrays, dtype, reduction: str, ignore_index: int = -100, ulps: float = 4.0):
    """PyTorch's absolute error bound for ``cross_entropy`` (see the module docstring), reduced like the loss.

    Per row it is ``ulps`` ulps of the logit range, times the largest class weight (a smoothed or soft
    target mixes several ``-log s_c``, each within the bound, with weights summing to at most that).
    """
    z, target = arrays["input"], arrays["target"]
    axis = class_axis(z.shape)
    row = ulps * eps(dtype) * (np.max(z, axis=axis) - np.min(z, axis=axis))
    weight = arrays.get("weight", np.ones(C))
    if np.issubdtype(target.dtype, np.floating):
        return reduce_like(row * np.max(weight) * np.maximum(np.sum(target, axis=axis), 1.0), reduction)
    counted = target != ignore_index
    bound = np.where(counted, row * np.max(weight), 0.0)
    if reduction == "mean":  # the same denominator as PyTorch's weighted mean
        weights_of_targets = np.where(counted, weight[np.where(counted, target, 0)], 0.0)
        return np.sum(bound) / max(np.sum(weights_of_targets), 1e-300)
    return reduce_like(bound, reduction)


def assert_matches_pytorch(name, arrays, dtype, reduction, **kwargs) -> None:
    """lossbook's and PyTorch's ``name`` on the same arrays: values (up to ``log_softmax_atol`` for
    ``cross_entropy``), and gradients w.r.t. the input, and w.r.t. probability targets."""
    ours, theirs = LOSSES[name]
    differentiate = ("input", "target") if np.issubdtype(arrays["target"].dtype, np.floating) else ("input",)
    kwargs["reduction"] = reduction
    atol = 0.0
    if name == "cross_entropy":
        atol = log_softmax_atol(arrays, dtype, reduction, kwargs.get("ignore_index", -100))
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
    arrays = random_arrays(shape, seed=len(shape), target="class indices", weighted=weighted)
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
    arrays = random_arrays(shape, seed=10 + len(shape), target="probabilities", weighted=weighted)
    assert_matches_pytorch("cross_entropy", arrays, dtype, reduction, label_smoothing=label_smoothing)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_soft_targets_that_do_not_sum_to_1_matches_pytorch(reduction):
    """PyTorch only asks for values in [0, 1]: rows of any mass (here 0, 1/2, 1 and 2.7) are weighted
    sums of ``-log s_c``, and so are lossbook's."""
    arrays = random_arrays((4, C), seed=15, target="probabilities", weighted=True)
    arrays["target"] = np.random.default_rng(16).uniform(size=(4, C)) * np.array([[0.0], [0.2], [0.4], [1.0]])
    assert_matches_pytorch("cross_entropy", arrays, torch.float64, reduction, label_smoothing=0.1)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("shape", INPUT_SHAPES, ids=str)
def test_nll_loss_matches_pytorch(shape, weighted, reduction, dtype):
    arrays = random_arrays(shape, seed=20 + len(shape), target="log-probabilities", weighted=weighted)
    assert_matches_pytorch("nll_loss", arrays, dtype, reduction)


def test_nll_loss_of_log_softmax_equals_cross_entropy():
    """The identity the docstring states: ``nll_loss(log_softmax(z), y) == cross_entropy(z, y)``."""
    arrays = random_arrays((3, C, 5), seed=25, target="class indices", weighted=True)
    log_probabilities = dict(arrays, input=as_numpy(F.log_softmax(torch.from_numpy(arrays["input"]), dim=1)))
    for reduction in REDUCTIONS:
        assert_close(
            torch_compat.nll_loss(**log_probabilities, reduction=reduction),
            torch_compat.cross_entropy(**arrays, reduction=reduction),
            rtol=1e-14,
            atol=log_softmax_atol(arrays, torch.float64, reduction),
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
    arrays = random_arrays(shape, seed=30, target=target, weighted=weighted)
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
    arrays = random_arrays((3, C), seed=35, target=target, weighted=weighted)
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
    arrays = random_arrays((6, C), seed=40, target=target, weighted=True)
    if target == "class indices":
        arrays = with_ignored_targets(arrays, -100)
    differentiate = ("input", "weight") + (("target",) if target == "probabilities" else ())
    kwargs = {"reduction": reduction, "label_smoothing": label_smoothing}
    assert_parity(
        evaluate(torch_compat.cross_entropy, arrays, torch.float64, differentiate, **kwargs),
        evaluate(documented_cross_entropy, arrays, torch.float64, differentiate, **kwargs),
        torch.float64,
        value_atol=log_softmax_atol(arrays, torch.float64, reduction),
    )


# --------------------------------------------------------------------------------------------------
# Array kinds and the legacy flags
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
    arrays = random_arrays((3, C, 2), seed=50, target=target, weighted=True)
    result = ours(**arrays, reduction=reduction)
    assert_same_kind(result, arrays["input"])
    expected = theirs(**{key: torch.from_numpy(value) for key, value in arrays.items()}, reduction=reduction)
    atol = log_softmax_atol(arrays, torch.float64, reduction) if name == "cross_entropy" else 0.0
    assert_close(result, expected, rtol=RTOL[torch.float64], atol=atol)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("name", "target"), KIND_CASES)
def test_torch_input_gives_a_torch_result_of_the_same_dtype(name, target, dtype):
    ours, _ = LOSSES[name]
    arrays = random_arrays((3, C), seed=51, target=target, weighted=True)
    tensors = {
        key: torch.tensor(value, dtype=dtype if value.dtype.kind == "f" else torch.int64)
        for key, value in arrays.items()
    }
    for reduction in REDUCTIONS:
        assert_same_kind(ours(**tensors, reduction=reduction), tensors["input"])


@pytest.mark.parametrize(("size_average", "reduce"), LEGACY_FLAGS)
@pytest.mark.parametrize(("name", "target"), KIND_CASES)
def test_legacy_size_average_and_reduce_flags_select_the_same_reduction_as_pytorch(
    name, target, size_average, reduce
):
    """As for the binary losses (test_parity_torch): the flags win over ``reduction``, with a
    DeprecationWarning from lossbook and a UserWarning from PyTorch."""
    ours, theirs = LOSSES[name]
    arrays = random_arrays((4, C), seed=52, target=target, weighted=True)
    flags = {"size_average": size_average, "reduce": reduce, "reduction": "none"}
    grads = ("input",)
    with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
        mine = evaluate(ours, arrays, torch.float64, grads, **flags)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        reference = evaluate(theirs, arrays, torch.float64, grads, **flags)
    reduction = LEGACY_FLAGS[size_average, reduce]
    atol = log_softmax_atol(arrays, torch.float64, reduction) if name == "cross_entropy" else 0.0
    assert_parity(mine, reference, torch.float64, value_atol=atol)
    assert_parity(mine, evaluate(ours, arrays, torch.float64, grads, reduction=reduction), torch.float64)


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
    log_probabilities = np.log([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]], where=[[False, True, True], [True] * 3],
                               out=np.full((2, 3), -np.inf))
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
