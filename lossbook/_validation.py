"""Input checks, in one place.

Every public loss validates its arguments here, so every error reads the same way: which argument,
what was expected, what was received. Nothing is silently broadcast. The checks also catch the classic
"wrong helper" mistakes (logits handed to a loss that expects probabilities, and the reverse) and say
which function or keyword the caller probably meant.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence

from lossbook._arrays import ArrayLike, float_dtype_name, is_real_floating


class LikelyMistakeWarning(UserWarning):
    """A call that runs, but almost certainly does not compute what the caller meant."""


def _shape(x: ArrayLike) -> tuple[int, ...]:
    return tuple(int(n) for n in x.shape)


def _float(value: ArrayLike) -> float:
    """A 0-d array as a Python float; torch tensors are detached first (no autograd warning)."""
    return float(value.detach() if hasattr(value, "detach") else value)


def check_real_floating(name: str, x: ArrayLike) -> None:
    """Raise ``TypeError`` unless ``x`` holds real floating-point numbers."""
    if not is_real_floating(x):
        raise TypeError(
            f"argument `{name}`: expected a real floating-point array (float32 or float64), "
            f"received dtype {float_dtype_name(x)}"
        )


def check_same_dtype(name_a: str, a: ArrayLike, name_b: str, b: ArrayLike) -> None:
    """Raise ``TypeError`` unless ``a`` and ``b`` share a dtype (PyTorch's rule for these losses)."""
    if a.dtype != b.dtype:
        raise TypeError(
            f"arguments `{name_a}` and `{name_b}` must have the same dtype; received "
            f"{float_dtype_name(a)} and {float_dtype_name(b)}"
        )


def check_same_shape(name_a: str, a: ArrayLike, name_b: str, b: ArrayLike) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape (no broadcasting)."""
    if _shape(a) != _shape(b):
        raise ValueError(
            f"arguments `{name_a}` and `{name_b}` must have the same shape; received "
            f"{name_a}.shape={_shape(a)} and {name_b}.shape={_shape(b)}. lossbook does not broadcast "
            "one against the other: reshape explicitly if that is what you mean"
        )


def check_broadcasts_to(name: str, x: ArrayLike, shape: Sequence[int], against: str) -> None:
    """Raise ``ValueError`` unless ``x`` broadcasts to ``shape`` without changing ``shape``.

    Used for arguments that the mirrored framework documents as broadcast (PyTorch's ``weight`` and
    ``pos_weight``): they may be smaller than the input, but must not enlarge the result.
    """
    xs, target = _shape(x), tuple(shape)
    ok = len(xs) <= len(target) and all(
        n == 1 or n == m for n, m in zip(reversed(xs), reversed(target), strict=False)
    )
    if not ok:
        raise ValueError(
            f"argument `{name}`: expected a shape that broadcasts to {against}.shape={target} "
            f"without enlarging it; received {name}.shape={xs}"
        )


def check_no_nan(name: str, x: ArrayLike, xp) -> None:
    """Raise ``ValueError`` if ``x`` contains NaN (a NaN loss is harder to trace than this error)."""
    nans = int(xp.sum(xp.astype(xp.isnan(x), xp.int64)))
    if nans:
        raise ValueError(f"argument `{name}`: expected no NaN values, received {nans} NaN value(s)")


def check_in_closed_interval(
    name: str, x: ArrayLike, xp, low: float, high: float, *, hint: str = ""
) -> None:
    """Raise ``ValueError`` unless every value of ``x`` lies in ``[low, high]``; ``hint`` explains why."""
    if x.shape and 0 in _shape(x):
        return
    lo, hi = _float(xp.min(x)), _float(xp.max(x))
    if lo < low or hi > high:
        message = (
            f"argument `{name}`: expected values in [{low:g}, {high:g}], received values from "
            f"{lo:.6g} to {hi:.6g}"
        )
        raise ValueError(message + (f". {hint}" if hint else ""))


def check_number_in_closed_interval(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in ``[low, high]``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"argument `{name}`: expected a real number, received {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"argument `{name}`: expected a number in [{low:g}, {high:g}], received {value!r}")
    return number


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"argument `{name}`: expected one of {allowed!r}, received {value!r}")


def warn_if_all_in_unit_interval(name: str, x: ArrayLike, xp, *, advice: str) -> None:
    """Warn when values meant to be logits all lie in [0, 1], so they look like probabilities.

    A logit is any real number; a batch of two or more logits that all happen to lie in [0, 1] is
    far more often a probability tensor passed with the wrong flag. The loss is still computed.
    """
    if math.prod(x.shape) < 2:
        return
    if _float(xp.min(x)) >= 0.0 and _float(xp.max(x)) <= 1.0:
        warnings.warn(
            f"argument `{name}`: every value lies in [0, 1], so these look like probabilities, but "
            f"they are being treated as logits. {advice}",
            LikelyMistakeWarning,
            stacklevel=3,
        )
