"""The catalog: one entry per loss, the single source of truth the book's tables are generated from.

Each :class:`Entry` ties together a loss's key and title, its family and formula, its names in Keras
and PyTorch (and TensorFlow's low-level op), the chapter that teaches it, its SymPy expression with the
derived gradient, and its numeric implementation in :mod:`lossbook.core`. The symbolic contract, checked
by the test suite for every entry: ``numeric(**values)`` equals the lambdified ``expr``, and each
derivative in ``gradient()`` equals torch autograd of ``numeric`` and a finite-difference estimate.

Where an entry lives: ``lossbook/catalog/<family>.py``, beside the loss in ``lossbook/core/<family>.py``;
:mod:`lossbook.catalog._entry` defines the contract. Importing the catalog is cheap: SymPy expressions
are built on first access and cached.
"""

from __future__ import annotations

from collections.abc import Sequence

from lossbook.catalog import classification, classification_focal, classification_margin, regression
from lossbook.catalog._entry import FAMILIES, Entry, Family

__all__ = ["Entry", "Family", "FAMILIES", "entries", "get", "names_table"]

_ENTRIES: tuple[Entry, ...] = tuple(
    sorted(
        (
            *classification.ENTRIES,
            *classification_focal.ENTRIES,
            *classification_margin.ENTRIES,
            *regression.ENTRIES,
        ),
        key=lambda entry: entry.chapter,
    )
)
"""Every entry in book order: by chapter (docnames begin with the part and chapter numbers), and within
a chapter in the order its family module lists them."""


def entries() -> tuple[Entry, ...]:
    """Every loss in the book, in reading order."""
    return _ENTRIES


def get(key: str) -> Entry:
    """The entry with ``key``; ``KeyError`` lists the known keys."""
    for entry in _ENTRIES:
        if entry.key == key:
            return entry
    raise KeyError(f"no catalog entry {key!r}; known keys: {', '.join(e.key for e in _ENTRIES)}")


def names_table(chapter: str | None = None, keys: Sequence[str] | None = None) -> list[dict[str, str]]:
    """Rows of the "names across frameworks" table, as Markdown cells: all entries, one chapter's, or
    the entries with the given ``keys`` (in that order; an unknown key raises ``KeyError``)."""

    def code(name: str | None) -> str:
        return f"`{name}`" if name else "—"

    selected = _ENTRIES if keys is None else tuple(get(key) for key in keys)
    rows = []
    for entry in selected:
        if chapter is not None and entry.chapter != chapter:
            continue
        keras = " / ".join(code(n) for n in (entry.keras, entry.keras_class) if n) or "—"
        if entry.keras_options:
            keras += f" with `{entry.keras_options}`"
        torch = code(entry.torch)
        if entry.torch_options:
            torch += f" with `{entry.torch_options}`"
        if entry.torch_target:
            torch += f", {entry.torch_target}"
        rows.append(
            {
                "Loss": entry.title,
                "Keras (`keras.losses`)": keras,
                "PyTorch (`torch.nn.functional`)": torch,
                "TensorFlow (`tf.nn`)": code(entry.tensorflow),
            }
        )
    return rows
