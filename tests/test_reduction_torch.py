"""PyTorch's reductions, tested once for every loss of :mod:`lossbook.torch_compat`: the reduction
names, the shape of what each reduction returns, and the legacy flags ``size_average``/``reduce``.

How a loss weights its elements before it reduces them (``weight`` per element or per class,
``pos_weight``, ``ignore_index``, the weighted mean of the class-weighted losses) is a keyword of that
loss, tested with its values and gradients in test_classification_torch, test_classification_torch_
cross_entropy and test_regression_torch. The harness (evaluation with gradients, tolerances, inputs)
is in parity.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _helpers import ARRAY_KINDS, assert_same_kind
from hypothesis import given
from parity import (
    TORCH_CALLS,
    assert_parity,
    binary_arrays,
    class_arrays,
    count_arrays,
    cross_entropy_atol,
    evaluate,
    pytorch_value_atol,
    regression_arrays,
)
from strategies import DYADIC_UNIT, pairs

from lossbook import torch_compat


@pytest.mark.parametrize("name", TORCH_CALLS)
def test_unknown_reduction_is_a_value_error_listing_pytorchs_reductions(name):
    with pytest.raises(
        ValueError, match=r"`reduction`: expected one of \['none', 'mean', 'sum'\], received 'avg'"
    ):
        TORCH_CALLS[name](reduction="avg")


@pytest.mark.filterwarnings("ignore::lossbook.LikelyMistakeWarning")  # random logits may all lie in [0, 1]
@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "function", [torch_compat.binary_cross_entropy, torch_compat.binary_cross_entropy_with_logits]
)
@given(pair=pairs(DYADIC_UNIT, DYADIC_UNIT))
def test_torch_compat_reductions_give_the_shape_of_pytorch(function, dtype, kind, pair):
    """``none`` keeps the input's shape; ``mean`` and ``sum`` give a 0-d array of the same kind."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    for reduction, shape in (("none", tuple(x.shape)), ("mean", ()), ("sum", ())):
        result = function(x, y, reduction=reduction)
        assert_same_kind(result, x)
        assert tuple(result.shape) == shape


LEGACY_FLAGS = {
    # (size_average, reduce): the reduction they select, per PyTorch's documentation: reduce=False
    # means no reduction; otherwise size_average=False means a sum; anything else (None = True) a mean.
    (None, False): "none",
    (True, False): "none",
    (False, False): "none",
    (None, True): "mean",
    (True, None): "mean",
    (True, True): "mean",
    (False, None): "sum",
    (False, True): "sum",
}

BCE, BCE_WITH_LOGITS = "binary_cross_entropy", "binary_cross_entropy_with_logits"
LEGACY_CASES = {
    BCE: lambda: binary_arrays(BCE, (4, 3), seed=13),
    BCE_WITH_LOGITS: lambda: binary_arrays(BCE_WITH_LOGITS, (4, 3), seed=13),
    "cross_entropy class indices": lambda: class_arrays((4, 4), 52, target="class indices", weighted=True),
    "cross_entropy probabilities": lambda: class_arrays((4, 4), 52, target="probabilities", weighted=True),
    "nll_loss": lambda: class_arrays((4, 4), 52, target="log-probabilities", weighted=True),
    "mse_loss": lambda: regression_arrays((4, 3), seed=40, weighted=True),
    "l1_loss": lambda: regression_arrays((4, 3), seed=41, weighted=True),
    "poisson_nll_loss": lambda: count_arrays((4, 3), seed=42, log_input=True),
}
"""Every loss (its name is the first word of the case), with each kind of argument it takes: element
or class weights, class indices or probability targets."""


@pytest.mark.parametrize(("size_average", "reduce"), LEGACY_FLAGS)
@pytest.mark.parametrize("case", LEGACY_CASES)
def test_legacy_size_average_and_reduce_flags_select_the_same_reduction_as_pytorch(
    case, size_average, reduce
):
    """The legacy flags win over ``reduction`` in both libraries (the result equals a call with the
    reduction they select); lossbook says they are deprecated with a DeprecationWarning, PyTorch with a
    UserWarning. Values, and gradients w.r.t. the input and (where it is floating) the target."""
    name = case.split()[0]
    ours, theirs = getattr(torch_compat, name), getattr(F, name)
    arrays = LEGACY_CASES[case]()
    flags = {"size_average": size_average, "reduce": reduce, "reduction": "none"}
    grads = ("input", "target") if np.issubdtype(arrays["target"].dtype, np.floating) else ("input",)
    with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
        mine = evaluate(ours, arrays, torch.float64, grads, **flags)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        reference = evaluate(theirs, arrays, torch.float64, grads, **flags)
    reduction = LEGACY_FLAGS[size_average, reduce]
    if name == "cross_entropy":
        atol = cross_entropy_atol(arrays, torch.float64, reduction)
    else:
        atol = pytorch_value_atol(name, arrays, torch.float64, reduction)  # 0 but for the logit loss
    assert_parity(mine, reference, torch.float64, value_atol=atol)
    assert_parity(mine, evaluate(ours, arrays, torch.float64, grads, reduction=reduction), torch.float64)


def test_the_legacy_flags_and_elementwise_mean_select_the_same_reduction_as_pytorch():
    """``reduction_from_legacy`` resolves the flags as ``torch.nn._reduction.legacy_get_string`` does, and
    the deprecated name ``"elementwise_mean"`` as ``"mean"`` (both with a DeprecationWarning)."""
    from torch.nn import _reduction

    for size_average in (None, True, False):
        for reduce in (None, True, False):
            if size_average is None and reduce is None:
                continue
            with pytest.warns(DeprecationWarning):
                ours = torch_compat.reduction_from_legacy(size_average, reduce, "sum")
            with pytest.warns(UserWarning):
                theirs = _reduction.legacy_get_string(size_average, reduce)
            assert ours == theirs, (size_average, reduce)
    with pytest.warns(DeprecationWarning, match="elementwise_mean"):
        assert torch_compat.reduction_from_legacy(None, None, "elementwise_mean") == "mean"


@pytest.mark.parametrize("kind", ARRAY_KINDS)
def test_the_mean_of_an_empty_batch_is_nan_as_in_pytorch_or_the_given_empty_mean(kind):
    """PyTorch's mean of no elements is 0/0 = NaN; torchvision's box losses return 0 instead, which the
    reducer takes as ``empty_mean``. No NumPy warning either way."""
    empty = ARRAY_KINDS[kind](np.zeros((0, 3)))
    assert np.isnan(float(torch_compat.reduce_elementwise(empty, "mean")))
    assert np.isnan(float(F.mse_loss(torch.zeros(0, 3), torch.zeros(0, 3))))
    assert float(torch_compat.reduce_elementwise(empty, "mean", empty_mean=0.0)) == 0.0
    assert float(torch_compat.reduce_elementwise(empty, "sum")) == 0.0
