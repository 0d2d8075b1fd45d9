"""Array plumbing shared by every module: which library an input belongs to, and conversions.

lossbook computes with whatever array library the caller used (NumPy or PyTorch), through the Python
array API standard as exposed by ``array-api-compat``. Nothing here imports torch: a torch namespace is
only ever returned for an object that already is a torch tensor, so ``import lossbook`` stays fast.
"""

from __future__ import annotations

import numbers
from typing import Any

import array_api_compat
import numpy as np

ArrayLike = Any
"""A NumPy array, a torch tensor, or (where an API says so) a Python number or nested list."""


def is_array(x: object) -> bool:
    """True for NumPy arrays and torch tensors (any array the array API understands)."""
    return array_api_compat.is_array_api_obj(x) and not isinstance(x, numbers.Number)


def namespace(*arrays: ArrayLike):
    """The array-API namespace shared by ``arrays`` (``None`` entries are ignored).

    Mixing libraries (a NumPy array with a torch tensor) is refused with a ``TypeError``: converting
    silently would lose torch's autograd graph or move data between devices behind the caller's back.
    """
    present = [a for a in arrays if a is not None]
    if not any(array_api_compat.is_array_api_obj(a) for a in present):
        kinds = ", ".join(sorted({type(a).__name__ for a in present})) or "nothing"
        raise TypeError(
            f"expected NumPy arrays or torch tensors, received {kinds}: wrap plain numbers in "
            "np.asarray(...) or torch.tensor(...) first"
        )
    try:
        return array_api_compat.array_namespace(*present)
    except TypeError as error:
        kinds = sorted({type(a).__module__.split(".")[0] + "." + type(a).__name__ for a in present})
        raise TypeError(
            "all array arguments must come from one array library (all NumPy arrays or all torch "
            f"tensors); received a mix of {', '.join(kinds)}"
        ) from error


def is_torch(x: ArrayLike) -> bool:
    """True when ``x`` is a torch tensor (checked without importing torch)."""
    return array_api_compat.is_torch_array(x)


def shape_of(x: ArrayLike) -> tuple[int, ...]:
    """The shape of ``x`` as a tuple of Python ints (a torch ``Size`` prints differently)."""
    return tuple(int(n) for n in x.shape)


def float_dtype_name(x: ArrayLike) -> str:
    """The dtype of ``x`` as a short string such as ``'float32'``, for messages and comparisons."""
    return str(x.dtype).replace("torch.", "")


def is_real_floating(x: ArrayLike) -> bool:
    """True when ``x`` has a real floating-point dtype (float16, bfloat16, float32, float64)."""
    return float_dtype_name(x) in {"float16", "bfloat16", "float32", "float64"}


def to_numpy_like(x: ArrayLike, dtype: str = "float32") -> ArrayLike:
    """Leave arrays alone; turn Python numbers and nested lists into a NumPy array of ``dtype``.

    Keras accepts plain Python data and computes with it in ``keras.config.floatx()`` (float32);
    the Keras-compatible functions use this to do the same.
    """
    if is_array(x):
        return x
    return np.asarray(x, dtype=dtype)


def as_array_like(x: ArrayLike, reference: ArrayLike) -> ArrayLike:
    """Leave arrays alone; turn Python numbers and lists into an array of ``reference``'s kind and dtype."""
    if is_array(x):
        return x
    return namespace(reference).asarray(x, dtype=reference.dtype)


def as_array_result(xp, value: ArrayLike) -> ArrayLike:
    """Make a reduced value an array of the input's kind (NumPy reductions return NumPy scalars)."""
    if is_torch(value):
        return value  # already a 0-d tensor; asarray would only warn about requires_grad
    return xp.asarray(value)
