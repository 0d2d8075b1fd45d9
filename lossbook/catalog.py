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
from lossbook._arrays import namespace

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
    torch_options: str | None = None
    """The keyword arguments that select this form in PyTorch (e.g. ``"log_input=False"``), if any."""

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


def _stack(*columns: Any) -> Any:
    """Stack per-class arrays along a new last axis (the class axis of the core functions)."""
    return namespace(*columns).stack(columns, axis=-1)


NUM_CLASSES = 3
"""The catalog writes K-class losses with K = 3 classes (symbols ``y1, y2, y3``, ``z1, z2, z3``, ...)."""

_CLASS_SYMBOLS = {prefix: tuple(f"{prefix}{k}" for k in range(1, NUM_CLASSES + 1)) for prefix in "yqz"}
_LIKELIHOOD_CHAPTER = "book/01-foundations/03-losses-as-likelihoods"


def _first_class_labels(like: Any) -> Any:
    """Integer labels 0 (the first class) with the shape of ``like``."""
    xp = namespace(like)
    return xp.zeros(like.shape, dtype=xp.int64, device=getattr(like, "device", None))


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
    Entry(
        key="categorical_cross_entropy",
        title="Categorical cross-entropy (probabilities)",
        family="classification",
        formula=r"-\sum_{k=1}^{K} y_k \log q_k",
        keras="categorical_crossentropy",
        keras_class="CategoricalCrossentropy",
        keras_options=None,
        torch=None,
        tensorflow=None,
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["q"],
        build_expr=lambda *s: symbolic.cross_entropy(s[:NUM_CLASSES], s[NUM_CLASSES:]),
        numeric=lambda y1, y2, y3, q1, q2, q3: core.categorical_cross_entropy(
            _stack(y1, y2, y3), _stack(q1, q2, q3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["q"], (0.02, 0.98)),
    ),
    Entry(
        key="softmax_cross_entropy",
        title="Categorical cross-entropy (logits)",
        family="classification",
        formula=r"-\sum_{k=1}^{K} y_k \log\operatorname{softmax}(z)_k",
        keras="categorical_crossentropy",
        keras_class="CategoricalCrossentropy",
        keras_options="from_logits=True",
        torch="cross_entropy",
        tensorflow="softmax_cross_entropy_with_logits",
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["z"],
        build_expr=lambda *s: symbolic.softmax_cross_entropy(s[:NUM_CLASSES], s[NUM_CLASSES:]),
        numeric=lambda y1, y2, y3, z1, z2, z3: core.softmax_cross_entropy(
            _stack(y1, y2, y3), _stack(z1, z2, z3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
        torch_options="probability targets",
    ),
    Entry(
        key="sparse_softmax_cross_entropy",
        title="Categorical cross-entropy (logits, integer labels)",
        family="classification",
        formula=r"-\log\operatorname{softmax}(z)_c",
        keras="sparse_categorical_crossentropy",
        keras_class="SparseCategoricalCrossentropy",
        keras_options="from_logits=True",
        torch="cross_entropy",
        tensorflow="sparse_softmax_cross_entropy_with_logits",
        chapter=_LIKELIHOOD_CHAPTER,
        # The integer label is not a variable one can differentiate; the entry fixes it to the first class.
        symbol_names=_CLASS_SYMBOLS["z"],
        build_expr=lambda *z: symbolic.softmax_cross_entropy([1] + [0] * (NUM_CLASSES - 1), list(z)),
        numeric=lambda z1, z2, z3: core.sparse_softmax_cross_entropy(
            _first_class_labels(z1), _stack(z1, z2, z3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
        torch_options="class-index targets",
    ),
    Entry(
        key="squared_error",
        title="Squared error",
        family="regression",
        formula=r"(y - \hat y)^2",
        keras="mean_squared_error",
        keras_class="MeanSquaredError",
        keras_options=None,
        torch="mse_loss",
        tensorflow=None,
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.squared_error,
        numeric=lambda y, yhat: core.squared_error(y, yhat),
        domain={"y": (-3.0, 3.0), "yhat": (-3.0, 3.0)},
    ),
    Entry(
        key="absolute_error",
        title="Absolute error",
        family="regression",
        formula=r"|y - \hat y|",
        keras="mean_absolute_error",
        keras_class="MeanAbsoluteError",
        keras_options=None,
        torch="l1_loss",
        tensorflow=None,
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=("y", "yhat"),
        build_expr=symbolic.absolute_error,
        numeric=lambda y, yhat: core.absolute_error(y, yhat),
        domain={"y": (-3.0, 3.0), "yhat": (-3.0, 3.0)},
    ),
    Entry(
        key="poisson_nll",
        title="Poisson negative log-likelihood (rate)",
        family="regression",
        formula=r"\lambda - y \log \lambda",
        keras="poisson",
        keras_class="Poisson",
        keras_options=None,
        torch="poisson_nll_loss",
        tensorflow=None,
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=("y", "lam"),
        build_expr=symbolic.poisson_nll,
        numeric=lambda y, lam: core.poisson_nll(y, lam),
        domain={"y": (0.0, 10.0), "lam": (0.05, 10.0)},
        torch_options="log_input=False",
    ),
    Entry(
        key="poisson_nll_with_log_rate",
        title="Poisson negative log-likelihood (log-rate)",
        family="regression",
        formula=r"e^{\eta} - y\,\eta",
        keras=None,
        keras_class=None,
        keras_options=None,
        torch="poisson_nll_loss",
        tensorflow="log_poisson_loss",
        chapter=_LIKELIHOOD_CHAPTER,
        symbol_names=("y", "eta"),
        build_expr=symbolic.poisson_nll_with_log_rate,
        numeric=lambda y, eta: core.poisson_nll_with_log_rate(y, eta),
        domain={"y": (0.0, 10.0), "eta": (-3.0, 3.0)},
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
        torch = code(entry.torch)
        if entry.torch_options:
            option = entry.torch_options
            torch += f" with `{option}`" if "=" in option else f", {option}"
        rows.append(
            {
                "Loss": entry.title,
                "Keras (`keras.losses`)": keras,
                "PyTorch (`torch.nn.functional`)": torch,
                "TensorFlow (`tf.nn`)": code(entry.tensorflow),
            }
        )
    return rows
