"""Small helpers shared by the unit tests: conversions, one comparison with stated tolerances, the book's
table of contents.

Every tolerance used with :func:`assert_close` is either a contract of DESIGN.md (parity to 1e-9 or 2e-5
relative) or an error bound derived from the floating-point format (see :func:`normwise_atol` and
:func:`cancellation_atol`); the test that uses it says which.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import yaml

REPO = Path(__file__).resolve().parent.parent
"""The root of the repository (where ``_toc.yml`` and ``book/`` live)."""

ARRAY_KINDS = {"numpy": np.asarray, "torch": torch.from_numpy}
"""The two array libraries lossbook accepts, as converters from a NumPy array (torch shares memory)."""


def as_numpy(x) -> np.ndarray:
    """A NumPy array holding the values of a NumPy array, a torch tensor (detached) or a Python number."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def eps(dtype) -> float:
    """Machine epsilon of a NumPy or torch floating dtype."""
    if isinstance(dtype, torch.dtype):
        return torch.finfo(dtype).eps
    return float(np.finfo(dtype).eps)


def assert_close(actual, desired, *, rtol: float, atol=0.0, what: str = "values") -> None:
    """Assert ``|actual - desired| <= atol + rtol * |desired|`` element by element, with equal shapes.

    ``atol`` may be an array: a per-element error bound. Infinities must match exactly (same sign).
    """
    a, d = as_numpy(actual).astype(np.float64), as_numpy(desired).astype(np.float64)
    assert a.shape == d.shape, f"{what}: shape {a.shape} differs from the reference shape {d.shape}"
    atol = np.broadcast_to(np.asarray(atol, dtype=np.float64), d.shape)
    both_inf = np.isinf(a) & np.isinf(d) & (np.sign(a) == np.sign(d))
    with np.errstate(invalid="ignore"):
        error = np.where(both_inf, 0.0, np.abs(a - d))
    ok = error <= atol + rtol * np.abs(d)
    if not np.all(ok):
        worst = np.unravel_index(np.argmax(np.where(ok, -np.inf, error)), d.shape) if d.shape else ()
        raise AssertionError(
            f"{what}: {int(np.size(ok) - np.count_nonzero(ok))} of {np.size(ok)} element(s) differ by more "
            f"than atol + rtol*|reference| (rtol={rtol:g}); e.g. at index {worst}: computed {a[worst]!r}, "
            f"reference {d[worst]!r}, allowed {atol[worst] + rtol * abs(d[worst]):.3g}"
        )


def assert_same_kind(result, like, dtype=None) -> None:
    """NumPy in gives NumPy out, torch in gives a torch tensor out, with ``like``'s dtype.

    NumPy out means an ndarray, or a NumPy scalar for 0-d input to an element-wise function: NumPy
    itself returns scalars from arithmetic on 0-d arrays (the reductions return 0-d arrays).
    """
    dtype = like.dtype if dtype is None else dtype
    if isinstance(like, torch.Tensor):
        assert isinstance(result, torch.Tensor), f"torch input gave {type(result).__name__}, not a tensor"
    else:
        numpy_kinds = (np.ndarray, np.generic) if np.ndim(like) == 0 else np.ndarray
        assert isinstance(result, numpy_kinds), f"NumPy input gave {type(result).__name__}, not an ndarray"
    assert result.dtype == dtype, f"result dtype {result.dtype}, expected {dtype}"


def normwise_atol(reference, dtype, ulps: float = 4.0) -> float:
    """An absolute tolerance of ``ulps`` units of the largest reference magnitude (a normwise bound).

    Gradients such as :math:`\\sigma(z) - y` or :math:`(p - y) / (p(1 - p))` are differences of terms
    no larger than the largest gradient in the batch, so where the difference nearly cancels its
    rounding error is a few ulps of those terms, not of the (tiny) result. Two correct implementations
    may then differ by this much, and no more.
    """
    magnitude = float(np.max(np.abs(as_numpy(reference)), initial=0.0))
    return ulps * eps(dtype) * max(magnitude, 1.0)


def cancellation_atol(logits, dtype, ulps: float = 4.0) -> np.ndarray:
    """Per-element error bound of the rearranged logit loss that PyTorch (and Keras through it) evaluate.

    PyTorch computes :math:`(1 - y)\\,x - \\log\\sigma(x)`, a sum of terms of magnitude :math:`|x|`. For a
    confident correct prediction (:math:`x \\ll 0,\\ y = 0`) the terms cancel and the result keeps only
    an absolute accuracy of a few ulps of :math:`|x|`: PyTorch returns 0 at :math:`x = -40` in float64
    where the loss is 4e-18. lossbook keeps full relative accuracy there (test_classification_core), so
    parity is asserted to this absolute bound on top of the relative contract.
    """
    return ulps * eps(dtype) * np.abs(as_numpy(logits).astype(np.float64))


def reduce_like(values: np.ndarray, reduction: str) -> np.ndarray:
    """Reduce per-element bounds the way PyTorch reduces losses (so a bound follows its loss)."""
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    return values


def toc_docnames() -> list[str]:
    """Every docname in ``_toc.yml`` (the root and each ``file`` entry, at any depth), in order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = [toc["root"]]

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    return names


def page_path(docname: str) -> Path | None:
    """The source file of a docname (``.ipynb`` or ``.md``), or None if neither exists."""
    for suffix in (".ipynb", ".md"):
        path = REPO / f"{docname}{suffix}"
        if path.is_file():
            return path
    return None
