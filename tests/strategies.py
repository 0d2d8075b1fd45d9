"""Hypothesis strategies shared by the property tests: numbers, pairs of arrays, rows of logits.

Not collected by pytest (the name does not start with ``test_``). The Hypothesis profile (reproducible,
no deadline, 50 examples) is set in conftest.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

UNIT = st.floats(0.0, 1.0)
LOGIT = st.floats(allow_nan=False, allow_infinity=False)
MODERATE = st.floats(-1e3, 1e3)
DYADIC_UNIT = st.integers(0, 2**20).map(lambda k: k / 2**20)
"""Values k / 2**20: ``1 - v`` is exact for them (in float32 too), so symmetry can be tested tightly."""
DYADIC_LOGIT = st.integers(-(2**30), 2**30).map(lambda k: k / 2**10)
"""Logits k / 1024 up to 1e6: adding a shift of the same kind (up to 1e9) is exact in float64."""


def pairs(first, second, min_dims: int = 0):
    """Two float64 arrays of one random shape (up to 3-D, sides up to 4), elements from the strategies."""
    shapes = array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=4)
    return shapes.flatmap(
        lambda shape: st.tuples(
            arrays(np.float64, shape, elements=first), arrays(np.float64, shape, elements=second)
        )
    )


def row_arrays(elements=LOGIT):
    """Arrays of 1 to 3 axes whose last axis (K from 1 to 8) holds rows of logits."""
    shapes = st.tuples(array_shapes(min_dims=0, max_dims=2, max_side=3), st.integers(1, 8))
    return shapes.flatmap(lambda pair: arrays(np.float64, (*pair[0], pair[1]), elements=elements))


def with_minus_infinity(elements=MODERATE):
    """Rows in which some entries are -inf (never the first, so never a whole row)."""

    def mask(z):
        never_first = ~np.eye(z.shape[-1], dtype=bool)[0]
        return arrays(np.bool_, z.shape, elements=st.booleans()).map(
            lambda m: np.where(m & never_first, -np.inf, z)
        )

    return row_arrays(elements).flatmap(mask)
