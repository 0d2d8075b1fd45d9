"""Input checks, in one place.

Every public loss validates its arguments here, so every error reads the same way: which argument,
what was expected, what was received. Nothing is silently broadcast. The checks also catch the classic
"wrong helper" mistakes (logits handed to a loss that expects probabilities, and the reverse) and say
which function or keyword the caller probably meant; those warnings name the caller's file and line
(:func:`warn_at_caller`), not lossbook's.

Scanning a large array costs time, so each check reads an array as few times as it can: a NaN is found
by ``max`` (NumPy and torch both propagate NaN through it), and a range check reads ``min`` and ``max``
once and reports a NaN it meets on the way.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Iterable, Sequence

from lossbook._arrays import ArrayLike, float_dtype_name, is_real_floating, shape_of


class LikelyMistakeWarning(UserWarning):
    """A call that runs, but almost certainly does not compute what the caller meant."""


def _is_lossbook_frame(frame) -> bool:
    return frame.f_globals.get("__name__", "").partition(".")[0] == "lossbook"


def caller_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning issued by :func:`warn_at_caller` name the caller's line.

    Level 1 is :func:`warn_at_caller` itself; each frame of lossbook's own code above it (a compat
    function, a Keras-style class, a reduction helper, however deeply nested) adds one, so the warning is
    attributed to the first frame outside the package: the user's script, test or notebook cell.
    """
    level, frame = 1, sys._getframe(1)
    while frame is not None and _is_lossbook_frame(frame):
        frame, level = frame.f_back, level + 1
    return level


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn(message, category)``, attributed to the first caller outside lossbook.

    A warning attributed to a file inside lossbook is easy to miss: Python's default filters show a
    ``DeprecationWarning`` only when it is attributed to ``__main__`` (a script or a notebook cell).
    """
    warnings.warn(message, category, stacklevel=caller_stacklevel())


def _float(value: ArrayLike) -> float:
    """A 0-d array as a Python float; torch tensors are detached first (no autograd warning)."""
    return float(value.detach() if hasattr(value, "detach") else value)


def _raise_nan(name: str, x: ArrayLike, xp) -> None:
    nans = int(xp.sum(xp.astype(xp.isnan(x), xp.int64)))
    raise ValueError(f"argument `{name}`: expected no NaN values, received {nans} NaN value(s)")


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
    if shape_of(a) != shape_of(b):
        raise ValueError(
            f"arguments `{name_a}` and `{name_b}` must have the same shape; received "
            f"{name_a}.shape={shape_of(a)} and {name_b}.shape={shape_of(b)}. lossbook does not broadcast "
            "one against the other: reshape explicitly if that is what you mean"
        )


def check_broadcasts_to(name: str, x: ArrayLike, shape: Sequence[int], against: str) -> None:
    """Raise ``ValueError`` unless ``x`` broadcasts to ``shape`` without changing ``shape``.

    Used for arguments that the mirrored framework documents as broadcast (PyTorch's ``weight`` and
    ``pos_weight``): they may be smaller than the input, but must not enlarge the result.
    """
    xs, target = shape_of(x), tuple(shape)
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
    if 0 not in shape_of(x) and math.isnan(_float(xp.max(x))):
        _raise_nan(name, x, xp)


def value_range(name: str, x: ArrayLike, xp) -> tuple[float, float]:
    """The smallest and largest value of a non-empty ``x``; ``ValueError`` if it contains NaN."""
    low, high = _float(xp.min(x)), _float(xp.max(x))
    if math.isnan(low) or math.isnan(high):
        _raise_nan(name, x, xp)
    return low, high


def check_in_closed_interval(
    name: str, x: ArrayLike, xp, low: float, high: float, *, hint: str = ""
) -> None:
    """Raise ``ValueError`` unless every value of ``x`` lies in ``[low, high]`` (NaN included: it lies
    nowhere); ``hint`` explains why the range matters."""
    if 0 in shape_of(x):
        return
    lo, hi = value_range(name, x, xp)
    if lo < low or hi > high:
        message = (
            f"argument `{name}`: expected values in [{low:g}, {high:g}], received values from "
            f"{lo:.6g} to {hi:.6g}"
        )
        raise ValueError(message + (f". {hint}" if hint else ""))


def check_pair(name_a: str, a: ArrayLike, name_b: str, b: ArrayLike, xp) -> None:
    """The checks every two-argument loss makes: real floating, one dtype, one shape, no NaN."""
    check_real_floating(name_a, a)
    check_real_floating(name_b, b)
    check_same_dtype(name_a, a, name_b, b)
    check_same_shape(name_a, a, name_b, b)
    check_no_nan(name_a, a, xp)
    check_no_nan(name_b, b, xp)


def check_number_in_closed_interval(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in ``[low, high]``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"argument `{name}`: expected a real number, received {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"argument `{name}`: expected a number in [{low:g}, {high:g}], received {value!r}")
    return number


def _real_number(name: str, value: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"argument `{name}`: expected a real number, received {value!r}") from None


def check_positive_number(name: str, value: float, *, hint: str = "") -> float:
    """Return ``value`` as a float, or raise unless it is a real number above 0 (``inf`` included)."""
    number = _real_number(name, value)
    if not number > 0:  # NaN fails too
        message = f"argument `{name}`: expected a positive number, received {value!r}"
        raise ValueError(message + (f". {hint}" if hint else ""))
    return number


def check_number_in_open_interval(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in ``(low, high)``."""
    number = _real_number(name, value)
    if not low < number < high:
        raise ValueError(f"argument `{name}`: expected a number in ({low:g}, {high:g}), received {value!r}")
    return number


def check_in_open_interval(name: str, x: ArrayLike, xp, low: float, high: float) -> None:
    """Raise ``ValueError`` unless every value of ``x`` lies in ``(low, high)`` (NaN lies nowhere)."""
    if 0 in shape_of(x):
        return
    lo, hi = value_range(name, x, xp)
    if not (low < lo and hi < high):
        raise ValueError(
            f"argument `{name}`: expected values in ({low:g}, {high:g}), received values from "
            f"{lo:.6g} to {hi:.6g}"
        )


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"argument `{name}`: expected one of {allowed!r}, received {value!r}")


def check_logits(name: str, x: ArrayLike, xp, *, advice: str) -> None:
    """Refuse NaN and infinite logits; warn when two or more logits all lie in [0, 1].

    A logit is any real number, but not an infinity: an infinite logit is an overflow upstream, and a
    loss of 0 or inf there would train nothing. A batch of two or more logits that all happen to lie in
    [0, 1] is far more often a probability tensor passed with the wrong flag (``advice`` says which);
    the loss is still computed.
    """
    if 0 in shape_of(x):
        return
    low, high = value_range(name, x, xp)
    if math.isinf(low) or math.isinf(high):
        raise ValueError(
            f"argument `{name}`: expected finite logits, received values from {low:g} to {high:g}. An "
            "infinite logit usually means an overflow in the layers before the loss"
        )
    if math.prod(x.shape) >= 2 and low >= 0.0 and high <= 1.0:
        warn_at_caller(
            f"argument `{name}`: every value lies in [0, 1], so these look like probabilities, but "
            f"they are being treated as logits. {advice}",
            LikelyMistakeWarning,
        )


def check_integer(name: str, x: ArrayLike) -> None:
    """Raise ``TypeError`` unless ``x`` holds integers (class indices)."""
    if "int" not in float_dtype_name(x):
        raise TypeError(
            f"argument `{name}`: expected integer class indices, received dtype {float_dtype_name(x)}. "
            "Probability (soft or one-hot) targets must have the shape of the input"
        )


def check_class_indices(name: str, target: ArrayLike, xp, num_classes: int, ignore: int | None) -> None:
    """Raise ``ValueError`` unless every index lies in ``[0, num_classes)`` or equals ``ignore``."""
    if 0 in shape_of(target):
        return
    counted = target if ignore is None else xp.where(target == ignore, xp.zeros_like(target), target)
    lo, hi = int(xp.min(counted)), int(xp.max(counted))
    if lo < 0 or hi >= num_classes:
        also = f" (or the ignored index {ignore})" if ignore is not None else ""
        raise ValueError(
            f"argument `{name}`: expected class indices in [0, {num_classes - 1}]{also}, "
            f"received values from {lo} to {hi}"
        )


def rows_look_like_probabilities(x: ArrayLike, xp, axis: int) -> bool:
    """True when every value lies in [0, 1] and every row along ``axis`` sums to 1 (within 1e-3).

    Rows of a single value are never taken for probabilities (a softmax over one output is always 1).
    """
    if x.shape[axis] < 2 or 0 in shape_of(x):
        return False
    if _float(xp.min(x)) < 0.0 or _float(xp.max(x)) > 1.0:
        return False
    return _float(xp.max(xp.abs(xp.sum(x, axis=axis) - 1.0))) <= 1e-3


def warn_if_rows_are_probabilities(name: str, x: ArrayLike, xp, axis: int, *, advice: str) -> None:
    """Warn when values meant to be logits look like a softmax output (:func:`rows_look_like_probabilities`).

    Feeding a softmax output to a loss that applies softmax again runs without error and returns a
    loss that is wrong and nearly flat, so the model barely learns.
    """
    if rows_look_like_probabilities(x, xp, axis):
        warn_at_caller(
            f"argument `{name}`: every row lies in [0, 1] and sums to 1, so these look like probabilities "
            f"(a softmax output), but they are being treated as logits. {advice}",
            LikelyMistakeWarning,
        )


def warn_if_not_log_probabilities(name: str, x: ArrayLike, xp, axis: int) -> None:
    """Warn when values meant to be log-probabilities are positive (no log-probability is).

    Probabilities (rows in [0, 1] summing to 1) and logits are the two usual culprits; the message
    says which one the values look like.
    """
    if 0 in shape_of(x) or _float(xp.max(x)) <= 0.0:
        return
    if rows_look_like_probabilities(x, xp, axis):
        looks_like = "probabilities (rows in [0, 1] summing to 1): take their log first"
    else:
        looks_like = "logits: pass them to cross_entropy, which applies log_softmax itself"
    warn_at_caller(
        f"argument `{name}`: expected log-probabilities (all <= 0), received values up to "
        f"{_float(xp.max(x)):.6g}. These look like {looks_like}",
        LikelyMistakeWarning,
    )


def warn_if_multi_hot(name: str, target: ArrayLike, xp, axis: int, *, advice: str) -> None:
    """Warn when hard targets of a K-class loss hold several 1s in a row (multi-hot, multi-label data).

    A categorical cross-entropy reads a target row as one distribution over mutually exclusive classes.
    Given a multi-hot row it runs without error: the labels compete in one softmax, so no output can
    give each true label a probability near 1, and the loss cannot approach 0 (``advice`` names the
    binary loss to use instead).
    """
    if 0 in shape_of(target) or not bool(xp.all((target == 0) | (target == 1))):
        return
    most = _float(xp.max(xp.sum(target, axis=axis)))
    if most > 1.0:
        warn_at_caller(
            f"argument `{name}`: rows hold up to {most:.0f} ones (multi-hot targets), but this loss treats "
            f"each row as one distribution over mutually exclusive classes, so the labels compete and "
            f"the loss cannot reach 0. For several independent yes/no labels per example, {advice}",
            LikelyMistakeWarning,
        )


# Margin losses (hinge, soft margin): labels are signs, -1 or +1.


def warn_if_zero_one_labels(name: str, target: ArrayLike, xp, *, advice: str) -> None:
    """Warn when targets meant to be signs (-1 or 1) are all 0 or 1, with at least one 0.

    A 0/1 label passed to a ±1 margin loss runs without error: a target of 0 makes the margin
    :math:`y f` zero whatever the score, so those examples teach nothing (``advice`` says what to do).
    """
    if 0 in shape_of(target):
        return
    zero = target == 0
    if bool(xp.any(zero)) and bool(xp.all(zero | (target == 1))):
        warn_at_caller(
            f"argument `{name}`: every label is 0 or 1, but this loss expects -1 or 1. {advice}",
            LikelyMistakeWarning,
        )


def check_sign_or_binary_labels(name: str, target: ArrayLike, xp) -> None:
    """Raise ``ValueError`` unless the labels are all in {-1, 1} or all in {0, 1}.

    Keras's hinge losses map 0/1 labels to -1/1 only when *every* label of the batch is 0 or 1, so a
    batch that mixes -1 and 0 (or holds any other value) would have each example's loss depend on the
    other labels of the batch; lossbook refuses such a batch instead.
    """
    if 0 in shape_of(target):
        return
    signs = (target == -1) | (target == 1)
    binary = (target == 0) | (target == 1)
    if bool(xp.all(signs)) or bool(xp.all(binary)):
        return
    low, high = value_range(name, target, xp)
    raise ValueError(
        f"argument `{name}`: expected labels that are all -1 or 1, or all 0 or 1; received values from "
        f"{low:g} to {high:g}, not all of them labels of one kind. (Keras maps 0/1 to -1/1 only when the "
        "whole batch is 0/1, so a mixed batch would silently change what a 0 means)"
    )
