"""The catalog's contract: what every :class:`Entry` holds, and the families that sort them.

The symbolic contract, checked by the test suite for every entry: ``numeric(**values)`` equals the
lambdified ``expr``, and each derivative in ``gradient()`` equals torch autograd of ``numeric`` and a
finite-difference estimate. SymPy expressions are built on first access and cached, so importing the
catalog is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, get_args

from lossbook import symbolic

if TYPE_CHECKING:
    import sympy

Family = Literal[
    "building_blocks",
    "classification",
    "regression",
    "similarity",
    "ranking",
    "detection",
    "segmentation",
    "sequences",
]
"""The families of lossbook: each has one module in core, catalog, keras_compat and torch_compat."""

FAMILIES: tuple[str, ...] = get_args(Family)


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One loss of the book. Fields are keyword-only; the names in frameworks default to ``None``
    (the framework does not have it). See the module docstring for the contract."""

    key: str
    """Identifier, e.g. ``"binary_cross_entropy_with_logits"``."""
    title: str
    """Name as a reader sees it in tables."""
    family: Family
    """Which module of each layer holds it (:data:`FAMILIES`)."""
    formula: str
    """LaTeX of the per-element loss, in the book's notation."""
    chapter: str
    """Docname of the chapter that teaches the loss (path from the book root, no suffix)."""
    symbol_names: tuple[str, ...]
    """Names of the inputs, as SymPy symbols and as keywords of :attr:`numeric`."""
    build_expr: Callable[..., Any] = field(repr=False)
    """``build_expr(*symbols)`` returns the SymPy expression of the per-element loss."""
    numeric: Callable[..., Any] = field(repr=False)
    """``numeric(**values)``: the core implementation, keywords named like ``symbols``."""
    domain: dict[str, tuple[float, float]] = field(repr=False, default_factory=dict)
    """Ranges over which the symbolic contract is tested, per symbol."""
    keras: str | None = None
    """Name of the function in ``keras.losses``."""
    keras_class: str | None = None
    """Name of the class in ``keras.losses``."""
    keras_options: str | None = None
    """The keyword arguments that select this form in Keras (e.g. ``"from_logits=True"``), if any."""
    torch: str | None = None
    """Name in ``torch.nn.functional``."""
    torch_options: str | None = None
    """The keyword arguments that select this form in PyTorch (e.g. ``"log_input=False"``), if any."""
    torch_target: str | None = None
    """The kind of target that selects this form, where the PyTorch function takes several
    (``cross_entropy``: ``"class-index targets"`` or ``"probability targets"``)."""
    tensorflow: str | None = None
    """TensorFlow's low-level op (``tf.nn``), where one exists."""

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(
                f"argument `family`: expected one of {FAMILIES!r}, received {self.family!r} "
                f"(entry {self.key!r})"
            )

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
        if self.key not in _GRADIENTS:
            _GRADIENTS[self.key] = symbolic.gradient(self.expr, self.symbols)
        return _GRADIENTS[self.key]


_GRADIENTS: dict[str, dict] = {}
"""Derived gradients by entry key (an Entry is frozen, so the cache lives beside it)."""
