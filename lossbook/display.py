"""Display helpers: the same look for code, math, numbers and tables in every chapter.

Everything prints deterministically (fixed significant digits, no object addresses), because nbval
compares a notebook's re-executed text outputs with the committed ones.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

SIGNIFICANT_DIGITS = 6
"""Numbers print with this many significant digits, so a last-bit difference between CPUs never shows."""


def fmt(value: Any, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A number (Python, NumPy or a one-element torch tensor) as text with ``digits`` significant digits."""
    if isinstance(value, str):
        return value
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if getattr(value, "size", None) == 1:
        value = value.reshape(())  # a one-element array of any shape, e.g. [[1.5]]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:.{digits}g}"
    return "0" if text == "-0" else text


def fmt_array(values: Any, digits: int = SIGNIFICANT_DIGITS) -> str:
    """An array (NumPy or torch, any shape) as a bracketed list of formatted numbers."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    import numpy as np

    array = np.asarray(values)
    if array.ndim == 0:
        return fmt(array, digits)
    return "[" + ", ".join(fmt_array(v, digits) for v in array) + "]"


def fmt_bound(value: float, bounds: Sequence[float] = (1e-15, 1e-12, 1e-9, 1e-6)) -> str:
    """``"0"`` for 0, else ``"< b"`` for the smallest of ``bounds`` above ``value``, else :func:`fmt`.

    For rounding errors and differences, whose digits vary from one CPU to the next: the printed bound
    does not, as long as the value stays clear of it.
    """
    if value == 0:
        return "0"
    for bound in sorted(bounds):
        if value < bound:
            return f"< {bound:.0e}"
    return fmt(value)  # also "nan" for a NaN


def max_relative_difference(pairs: Iterable[tuple[Any, Any]]) -> float:
    """The largest relative difference :math:`|a - b| / |b|` over every element of every ``(a, b)`` pair.

    The chapters' one-line agreement checks: ``a`` is lossbook's value, ``b`` the framework's. Each may
    be a NumPy array, a torch tensor (a Keras result on the torch backend is one), or a number; both
    are compared in float64. Where ``b`` is 0 the difference itself counts. A NaN anywhere makes the
    result NaN (``fmt_bound`` prints it), so a check can never pass by skipping it.
    """
    worst = 0.0
    for ours, theirs in pairs:
        ours, theirs = _as_float64(ours), _as_float64(theirs)
        scale = np.where(theirs == 0, 1.0, np.abs(theirs))
        worst = float(np.max([worst, np.max(np.abs(ours - theirs) / scale)]))
    return worst


def _as_float64(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64)


def fmt_magnitude(value: float) -> str:
    """The nearest power of ten of a positive ``value`` as text, e.g. ``"~1e-05"`` (``"0"`` for 0)."""
    import math

    return "0" if value == 0 else f"~1e{round(math.log10(abs(value))):+03d}"


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A Markdown table of ``rows`` (dicts); numbers are formatted with :func:`fmt`."""
    if not rows:
        raise ValueError("argument `rows`: expected at least one row, received none")
    columns = list(columns or rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [str(row[c]) if isinstance(row[c], str) else fmt(row[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Display :func:`markdown_table` as rendered Markdown in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(markdown_table(rows, columns)))


def show_source(*objects: Any) -> None:
    """Display the source code of lossbook functions or classes, straight from the package."""
    from IPython.display import Markdown, display

    blocks = [inspect.getsource(obj).rstrip() for obj in objects]
    display(Markdown("```python\n" + "\n\n\n".join(blocks) + "\n```"))


def show_math(*latex_lines: str) -> None:
    """Display one or more lines of LaTeX as typeset display math."""
    from IPython.display import Math, display

    for line in latex_lines:
        display(Math(line))


def show_equation(lhs: str, rhs: Any) -> None:
    """Display ``lhs = rhs`` where ``rhs`` is a SymPy expression (or LaTeX text)."""
    if not isinstance(rhs, str):
        from lossbook.symbolic import latex

        rhs = latex(rhs)
    show_math(f"{lhs} = {rhs}")


def print_wrapped(text: str, width: int = 88) -> None:
    """Print ``text`` wrapped at ``width`` columns (long messages, such as errors, stay readable)."""
    print(textwrap.fill(str(text), width=width, subsequent_indent="    "))


def print_rows(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> None:
    """Print an aligned plain-text table (for outputs that are read as code results)."""
    text_rows = [[str(h) for h in header]] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in text_rows) for i in range(len(header))]
    for i, row in enumerate(text_rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
