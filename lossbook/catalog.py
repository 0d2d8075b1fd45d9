"""The catalog: one entry per loss, the single source of truth the book's tables are generated from.

Each :class:`Entry` ties together a loss's key and title, its family and formula, its names in Keras
and PyTorch (and TensorFlow's low-level op), the chapter that teaches it, its SymPy expression with the
derived gradient, and its numeric implementation in :mod:`lossbook.core`. The symbolic contract, checked
by the test suite for every entry: ``numeric(**values)`` equals the lambdified ``expr``, and each
derivative in ``gradient()`` equals torch autograd of ``numeric`` and a finite-difference estimate.

Importing this module is cheap: SymPy expressions are built on first access and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lossbook import core, symbolic

if TYPE_CHECKING:
    import sympy

__all__ = ["Entry", "entries", "get", "names_table"]


@dataclass(frozen=True)
class Entry:
    """One loss of the book. See the module docstring for the contract each entry satisfies."""

    key: str
    title: str
    family: str
    formula: str
    """LaTeX of the per-element loss, in the book's notation."""
    keras: str | None
    """Name of the function in ``keras.losses``."""
    keras_class: str | None
    """Name of the class in ``keras.losses``."""
    keras_options: str | None
    """The keyword arguments that select this form in Keras (e.g. ``"from_logits=True"``), if any."""
    torch: str | None
    """Name in ``torch.nn.functional``."""
    tensorflow: str | None
    """TensorFlow's low-level op (``tf.nn``), where one exists."""
    chapter: str
    """Docname of the chapter that teaches the loss (path from the book root, no suffix)."""
    symbol_names: tuple[str, ...]
    build_expr: Callable[..., Any] = field(repr=False)
    """``build_expr(*symbols)`` returns the SymPy expression of the per-element loss."""
    numeric: Callable[..., Any] = field(repr=False)
    """``numeric(**values)``: the core implementation, keywords named like ``symbols``."""
    domain: dict[str, tuple[float, float]] = field(repr=False, default_factory=dict)
    """Ranges over which the symbolic contract is tested, per symbol."""

    @cached_property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The SymPy symbols of the inputs, named like the keyword arguments of :attr:`numeric`."""
        return tuple(symbolic.symbol(name) for name in self.symbol_names)

    @cached_property
    def expr(self) -> sympy.Expr:
        """SymPy expression of the per-element loss."""
        return self.build_expr(*self.symbols)

    def gradient(self) -> dict[sympy.Symbol, sympy.Expr]:
        """The derivative of :attr:`expr` with respect to each symbol, simplified by SymPy (cached)."""
        return _gradient(self)


_GRADIENTS: dict[str, dict] = {}


def _gradient(entry: Entry) -> dict:
    if entry.key not in _GRADIENTS:
        _GRADIENTS[entry.key] = symbolic.gradient(entry.expr, entry.symbols)
    return _GRADIENTS[entry.key]


_BINARY_CHAPTER = "book/02-classification/06-binary-cross-entropy"

_ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="binary_cross_entropy",
        title="Binary cross-entropy (probabilities)",
        family="classification",
        formula=r"-\bigl[\,y \log p + (1 - y)\log(1 - p)\,\bigr]",
        keras="binary_crossentropy",
        keras_class="BinaryCrossentropy",
        keras_options=None,
        torch="binary_cross_entropy",
        tensorflow=None,
        chapter=_BINARY_CHAPTER,
        symbol_names=("y", "p"),
        build_expr=symbolic.binary_cross_entropy,
        numeric=lambda y, p: core.binary_cross_entropy(y, p),
        domain={"y": (0.0, 1.0), "p": (0.02, 0.98)},
    ),
    Entry(
        key="binary_cross_entropy_with_logits",
        title="Binary cross-entropy (logits)",
        family="classification",
        formula=r"(1 - y)\operatorname{softplus}(z) + y\operatorname{softplus}(-z)",
        keras="binary_crossentropy",
        keras_class="BinaryCrossentropy",
        keras_options="from_logits=True",
        torch="binary_cross_entropy_with_logits",
        tensorflow="sigmoid_cross_entropy_with_logits",
        chapter=_BINARY_CHAPTER,
        symbol_names=("y", "z"),
        build_expr=symbolic.binary_cross_entropy_with_logits,
        numeric=lambda y, z: core.binary_cross_entropy_with_logits(y, z),
        domain={"y": (0.0, 1.0), "z": (-20.0, 20.0)},
    ),
)


def entries() -> tuple[Entry, ...]:
    """Every loss in the book, in reading order."""
    return _ENTRIES


def get(key: str) -> Entry:
    """The entry with ``key``; ``KeyError`` lists the known keys."""
    for entry in _ENTRIES:
        if entry.key == key:
            return entry
    raise KeyError(f"no catalog entry {key!r}; known keys: {', '.join(e.key for e in _ENTRIES)}")


def names_table(chapter: str | None = None) -> list[dict[str, str]]:
    """Rows of the "names across frameworks" table (all entries, or one chapter's), as Markdown cells."""

    def code(name: str | None) -> str:
        return f"`{name}`" if name else "—"

    rows = []
    for entry in _ENTRIES:
        if chapter is not None and entry.chapter != chapter:
            continue
        keras = " / ".join(code(n) for n in (entry.keras, entry.keras_class) if n) or "—"
        if entry.keras_options:
            keras += f" with `{entry.keras_options}`"
        rows.append(
            {
                "Loss": entry.title,
                "Keras (`keras.losses`)": keras,
                "PyTorch (`torch.nn.functional`)": code(entry.torch),
                "TensorFlow (`tf.nn`)": code(entry.tensorflow),
            }
        )
    return rows
