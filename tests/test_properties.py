"""Properties of the binary cross-entropy losses, for the core and for both compat layers (Hypothesis).

Each loss form is used element by element: ``torch_compat`` with ``reduction="none"``, and the Keras
function on a trailing axis of length 1 (its mean over that axis is the element itself). The logit
forms of the compat layers warn when every logit happens to lie in [0, 1] (random logits may): that
warning is tested in test_errors and ignored here.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _helpers import ARRAY_KINDS, as_numpy, assert_close, assert_same_kind
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lossbook import core, keras_compat, torch_compat

pytestmark = pytest.mark.filterwarnings("ignore::lossbook.LikelyMistakeWarning")

EPS = float(np.finfo(np.float64).eps)

PROBABILITY_LOSSES = {  # (target, probability) -> per-element loss
    "core": core.binary_cross_entropy,
    "torch_compat": lambda y, p: torch_compat.binary_cross_entropy(p, y, reduction="none"),
    "keras_compat": lambda y, p: keras_compat.binary_crossentropy(y[..., None], p[..., None]),
}
LOGIT_LOSSES = {  # (target, logit) -> per-element loss
    "core": core.binary_cross_entropy_with_logits,
    "torch_compat": lambda y, z: torch_compat.binary_cross_entropy_with_logits(z, y, reduction="none"),
    "keras_compat": lambda y, z: keras_compat.binary_crossentropy(
        y[..., None], z[..., None], from_logits=True
    ),
}
ALL_LOSSES = [pytest.param(f, id=f"{name}-probability") for name, f in PROBABILITY_LOSSES.items()] + [
    pytest.param(f, id=f"{name}-logit") for name, f in LOGIT_LOSSES.items()
]

UNIT = st.floats(0.0, 1.0)
LOGIT = st.floats(allow_nan=False, allow_infinity=False)
SOFT_TARGET = st.floats(1e-9, 1 - 1e-9)
"""Soft targets kept off 0 and 1: with PyTorch's log floor of -100, the loss at p = y is the minimum
only for y > e**-99; far smaller targets would also make ``y log y`` subnormal."""
DYADIC = st.integers(0, 2**20).map(lambda k: k / 2**20)
"""Values k / 2**20: ``1 - v`` is exact for them (in float32 too), so symmetry can be tested tightly."""
HARD = st.sampled_from([0.0, 1.0])


def pairs(first, second, min_dims: int = 0):
    """Two float64 arrays of one random shape (up to 3-D, sides up to 4), elements from the strategies."""
    shapes = array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=4)
    return shapes.flatmap(
        lambda shape: st.tuples(
            arrays(np.float64, shape, elements=first), arrays(np.float64, shape, elements=second)
        )
    )


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
@given(pair=pairs(UNIT, UNIT))
def test_probability_losses_are_non_negative_for_targets_and_probabilities_in_0_1(name, pair):
    y, p = pair
    assert np.all(as_numpy(PROBABILITY_LOSSES[name](y, p)) >= 0)


@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(UNIT, LOGIT))
def test_logit_losses_are_non_negative_for_targets_in_0_1_and_any_finite_logit(name, pair):
    y, z = pair
    assert np.all(as_numpy(LOGIT_LOSSES[name](y, z)) >= 0)


@pytest.mark.parametrize("name", ["core", "torch_compat"])
@given(y=arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=4), elements=HARD))
def test_probability_loss_is_exactly_zero_at_a_hard_target_predicted_exactly(name, y):
    """For y in {0, 1} the minimum over p is at p = y, where the loss is 0 (0 log 0 = 0). Keras's
    convention is left out: its clip makes that minimum -log(1 - 1e-7) = 1e-7 instead."""
    assert np.all(as_numpy(PROBABILITY_LOSSES[name](y, y.copy())) == 0)


@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(HARD, LOGIT), shift=st.floats(0.0, 1e6))
def test_logit_loss_decreases_towards_a_hard_target(name, pair, shift):
    """For y in {0, 1} the infimum is at z = ±infinity: moving z towards the target never raises the loss."""
    y, z = pair
    towards = z + np.where(y == 1, shift, -shift)
    loss = LOGIT_LOSSES[name]
    assert np.all(as_numpy(loss(y, towards)) <= as_numpy(loss(y, z)))


def at_most_with_rounding(smaller, larger) -> None:
    """``smaller <= larger`` up to 8 ulps of each (both sides are computed to a few ulps)."""
    smaller, larger = as_numpy(smaller), as_numpy(larger)
    assert np.all(smaller <= larger * (1 + 8 * EPS)), f"{smaller} is not at most {larger}"


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
@given(pair=pairs(SOFT_TARGET, UNIT))
def test_probability_loss_in_p_is_minimised_at_p_equal_to_a_soft_target(name, pair):
    """Gibbs' inequality: the cross-entropy of (y, 1 - y) against (p, 1 - p) is smallest at p = y
    (also after Keras's clip, which moves p and y alike)."""
    y, p = pair
    loss = PROBABILITY_LOSSES[name]
    at_most_with_rounding(loss(y, y.copy()), loss(y, p))


@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(SOFT_TARGET, LOGIT))
def test_logit_loss_in_z_is_minimised_at_the_logit_of_a_soft_target(name, pair):
    """The same minimum in logit coordinates: z = logit(y) = log(y) - log(1 - y)."""
    y, z = pair
    loss = LOGIT_LOSSES[name]
    at_most_with_rounding(loss(y, np.log(y) - np.log1p(-y)), loss(y, z))


@pytest.mark.parametrize("name", ["core", "torch_compat"])
@given(pair=pairs(DYADIC, DYADIC))
def test_probability_loss_is_symmetric_under_swapping_the_classes(name, pair):
    """bce(y, p) = bce(1 - y, 1 - p): relabelling the classes changes nothing (up to rounding, since
    one side computes log(1 - p) as log1p(-p) and the other as log of the exact 1 - p).

    Not so for Keras's convention: its clip to [1e-7, 1 - 1e-7] is asymmetric once 1 - 1e-7 is
    rounded (by 5e-18 in float64, and 15.94 against 16.12 in float32, see test_parity_keras)."""
    y, p = pair
    loss = PROBABILITY_LOSSES[name]
    assert_close(loss(1 - y, 1 - p), loss(y, p), rtol=4 * EPS)


@pytest.mark.parametrize("name", LOGIT_LOSSES)
@given(pair=pairs(DYADIC, LOGIT))
def test_logit_loss_is_symmetric_under_swapping_the_classes(name, pair):
    """bce_logits(y, z) = bce_logits(1 - y, -z), since 1 - sigmoid(z) = sigmoid(-z)."""
    y, z = pair
    loss = LOGIT_LOSSES[name]
    assert_close(loss(1 - y, -z), loss(y, z), rtol=4 * EPS)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("loss", ALL_LOSSES)
@given(pair=pairs(DYADIC, DYADIC))
def test_element_wise_losses_keep_shape_kind_and_dtype(loss, dtype, kind, pair):
    """NumPy in gives NumPy out, torch in gives torch out, float32 stays float32, shape is kept."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    result = loss(y, x)
    assert_same_kind(result, x)
    assert tuple(result.shape) == tuple(x.shape)


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "function", [torch_compat.binary_cross_entropy, torch_compat.binary_cross_entropy_with_logits]
)
@given(pair=pairs(DYADIC, DYADIC))
def test_torch_compat_reductions_give_the_shape_of_pytorch(function, dtype, kind, pair):
    """``none`` keeps the input's shape; ``mean`` and ``sum`` give a 0-d array of the same kind."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    for reduction, shape in (("none", tuple(x.shape)), ("mean", ()), ("sum", ())):
        result = function(x, y, reduction=reduction)
        assert_same_kind(result, x)
        assert tuple(result.shape) == shape


@pytest.mark.parametrize("kind", ARRAY_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(pair=pairs(DYADIC, DYADIC, min_dims=1))
def test_keras_compat_function_drops_the_last_axis_and_the_class_reduces_to_a_scalar(dtype, kind, pair):
    """The function averages over the last axis; the class reduces those per-sample losses to a
    scalar, except with ``"none"``/``None``. The class computes in its own dtype: float32 by default."""
    y, x = (ARRAY_KINDS[kind](a.astype(dtype)) for a in pair)
    per_sample = keras_compat.binary_crossentropy(y, x)
    assert_same_kind(per_sample, x)
    assert tuple(per_sample.shape) == tuple(x.shape[:-1])
    for reduction in keras_compat.REDUCTIONS:
        reduced = keras_compat.BinaryCrossentropy(reduction=reduction)(y, x)
        assert tuple(reduced.shape) == (tuple(x.shape[:-1]) if reduction in ("none", None) else ())
        assert_same_kind(reduced, x, dtype=torch.float32 if kind == "torch" else np.float32)
