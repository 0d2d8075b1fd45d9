"""Catalog entries of the classification family: binary and categorical cross-entropies."""

from __future__ import annotations

from typing import Any

from lossbook import core, symbolic
from lossbook._arrays import namespace
from lossbook.catalog._entry import Entry

NUM_CLASSES = 3
"""The catalog writes K-class losses with K = 3 classes (symbols ``y1, y2, y3``, ``z1, z2, z3``, ...)."""

_CLASS_SYMBOLS = {prefix: tuple(f"{prefix}{k}" for k in range(1, NUM_CLASSES + 1)) for prefix in "xyqz"}
_BINARY_CHAPTER = "book/02-classification/06-binary-cross-entropy"
_CATEGORICAL_CHAPTER = "book/02-classification/07-categorical-cross-entropy"
_NLL_CHAPTER = "book/02-classification/09-nll-and-log-softmax"


def _stack(*columns: Any) -> Any:
    """Stack per-class arrays along a new last axis (the class axis of the core functions)."""
    return namespace(*columns).stack(columns, axis=-1)


def _first_class_labels(like: Any) -> Any:
    """Integer labels 0 (the first class) with the shape of ``like``."""
    xp = namespace(like)
    return xp.zeros(like.shape, dtype=xp.int64, device=getattr(like, "device", None))


ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="binary_cross_entropy",
        title="Binary cross-entropy (probabilities)",
        family="classification",
        formula=r"-\bigl[\,y \log p + (1 - y)\log(1 - p)\,\bigr]",
        keras="binary_crossentropy",
        keras_class="BinaryCrossentropy",
        torch="binary_cross_entropy",
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
        chapter=_CATEGORICAL_CHAPTER,
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
        chapter=_CATEGORICAL_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["z"],
        build_expr=lambda *s: symbolic.softmax_cross_entropy(s[:NUM_CLASSES], s[NUM_CLASSES:]),
        numeric=lambda y1, y2, y3, z1, z2, z3: core.softmax_cross_entropy(
            _stack(y1, y2, y3), _stack(z1, z2, z3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
        torch_target="probability targets",
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
        chapter=_CATEGORICAL_CHAPTER,
        # The integer label is not a variable one can differentiate; the entry fixes it to the first class.
        symbol_names=_CLASS_SYMBOLS["z"],
        build_expr=lambda *z: symbolic.softmax_cross_entropy([1] + [0] * (NUM_CLASSES - 1), list(z)),
        numeric=lambda z1, z2, z3: core.sparse_softmax_cross_entropy(
            _first_class_labels(z1), _stack(z1, z2, z3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
        torch_target="class-index targets",
    ),
    Entry(
        key="negative_log_likelihood",
        title="Negative log-likelihood (log-probabilities, integer labels)",
        family="classification",
        formula=r"-x_c",
        torch="nll_loss",
        chapter=_NLL_CHAPTER,
        # x holds log-probabilities; the loss picks the true class's (fixed to the first) and negates it.
        symbol_names=_CLASS_SYMBOLS["x"],
        build_expr=lambda *x: -x[0],
        numeric=lambda x1, x2, x3: core.negative_log_likelihood(_first_class_labels(x1), _stack(x1, x2, x3)),
        domain=dict.fromkeys(_CLASS_SYMBOLS["x"], (-6.0, -0.01)),
        torch_target="class-index targets",
    ),
)
