"""Catalog entries of the margin losses (hinge, squared hinge, the multi-class and multilabel hinges, the
soft margins) and of the generalized cross-entropy.

K-class losses are written with K = 3 classes, the true class being the first (as for the sparse
cross-entropy), with the default margin 1. The hinges are piecewise linear: their ``domain``s give each
score its own range, chosen so that no corner of the domain lies on a kink (a tie between two scores or
a margin met exactly), where the derivative jumps; random interior points miss the kinks.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lossbook import core, symbolic
from lossbook._arrays import namespace
from lossbook.catalog._entry import Entry
from lossbook.catalog.classification import _CLASS_SYMBOLS, NUM_CLASSES, _first_class_labels, _stack

_CHAPTER = "book/02-classification/11-margin-losses"
_SCORES = tuple(f"f{k}" for k in range(1, NUM_CLASSES + 1))
_PROBABILITIES = tuple(f"p{k}" for k in range(1, NUM_CLASSES + 1))
_SCORE_DOMAIN = {"f1": (-2.2, 2.5), "f2": (-3.0, 1.0), "f3": (-1.5, 3.0)}
"""A range per score such that no corner of the domain is a kink of any entry below: f2 != f3, neither
is 0, f1 is none of 1 + f2, 1 + f3, 1 + max(0, f2, f3), and f3 is none of f1 - 1, f2 - 1."""
_LABELS = (0, 1)
"""The label set of the multilabel margin entry: classes 0 and 1, target row ``[0, 1, -1]``."""
Q = 0.5
"""The generalized cross-entropy's q in the catalog (Keras's default)."""


def _one_hot_first(like: Any) -> Any:
    """One-hot rows for the first class, of ``like``'s shape plus a class axis of NUM_CLASSES."""
    xp = namespace(like)
    one = xp.ones_like(like)
    zero = xp.zeros_like(like)
    return _stack(one, *([zero] * (NUM_CLASSES - 1)))


def _label_rows(like: Any, labels: tuple[int, ...]) -> Any:
    """PyTorch's multilabel target rows: ``labels`` then -1 padding, one row per element of ``like``."""
    xp = namespace(like)
    row = list(labels) + [-1] * (NUM_CLASSES - len(labels))
    columns = [xp.full(like.shape, k, dtype=xp.int64, device=getattr(like, "device", None)) for k in row]
    return _stack(*columns)


ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="hinge",
        title="Hinge",
        family="classification",
        formula=r"\max(0,\ 1 - y f),\ y \in \{-1, 1\}",
        keras="hinge",
        keras_class="Hinge",
        chapter=_CHAPTER,
        symbol_names=("y", "f"),
        build_expr=symbolic.hinge,
        numeric=lambda y, f: core.hinge(y, f),
        domain={"y": (-1.0, 1.0), "f": (-3.0, 3.0)},
    ),
    Entry(
        key="squared_hinge",
        title="Squared hinge",
        family="classification",
        formula=r"\max(0,\ 1 - y f)^2,\ y \in \{-1, 1\}",
        keras="squared_hinge",
        keras_class="SquaredHinge",
        chapter=_CHAPTER,
        symbol_names=("y", "f"),
        build_expr=symbolic.squared_hinge,
        numeric=lambda y, f: core.squared_hinge(y, f),
        domain={"y": (-1.0, 1.0), "f": (-3.0, 3.0)},
    ),
    Entry(
        key="categorical_hinge",
        title="Categorical hinge (Keras)",
        family="classification",
        formula=r"\max\bigl(0,\ 1 + \max_k (1 - y_k) f_k - \textstyle\sum_k y_k f_k\bigr)",
        keras="categorical_hinge",
        keras_class="CategoricalHinge",
        chapter=_CHAPTER,
        symbol_names=_SCORES,
        build_expr=lambda *f: symbolic.categorical_hinge([1] + [0] * (NUM_CLASSES - 1), list(f)),
        numeric=lambda f1, f2, f3: core.categorical_hinge(_one_hot_first(f1), _stack(f1, f2, f3)),
        domain=_SCORE_DOMAIN,
    ),
    Entry(
        key="crammer_singer_hinge",
        title="Multi-class hinge (Crammer–Singer)",
        family="classification",
        formula=r"\max\bigl(0,\ 1 + \max_{j \ne c} f_j - f_c\bigr)",
        chapter=_CHAPTER,
        symbol_names=_SCORES,
        build_expr=lambda *f: symbolic.crammer_singer_hinge(list(f), 0),
        numeric=lambda f1, f2, f3: core.crammer_singer_hinge(_first_class_labels(f1), _stack(f1, f2, f3)),
        domain=_SCORE_DOMAIN,
    ),
    Entry(
        key="multi_margin",
        title="Multi-class margin (Weston–Watkins)",
        family="classification",
        formula=r"\frac{1}{K}\sum_{j \ne c} \max(0,\ 1 - f_c + f_j)",
        torch="multi_margin_loss",
        chapter=_CHAPTER,
        symbol_names=_SCORES,
        build_expr=lambda *f: symbolic.multi_margin(list(f), 0),
        numeric=lambda f1, f2, f3: core.multi_margin(_first_class_labels(f1), _stack(f1, f2, f3)),
        domain=_SCORE_DOMAIN,
    ),
    Entry(
        key="multi_margin_squared",
        title="Multi-class squared margin (Weston–Watkins, p = 2)",
        family="classification",
        formula=r"\frac{1}{K}\sum_{j \ne c} \max(0,\ 1 - f_c + f_j)^2",
        torch="multi_margin_loss",
        torch_options="p=2",
        chapter=_CHAPTER,
        symbol_names=_SCORES,
        build_expr=lambda *f: symbolic.multi_margin(list(f), 0, p=2),
        numeric=lambda f1, f2, f3: core.multi_margin(_first_class_labels(f1), _stack(f1, f2, f3), p=2),
        domain=_SCORE_DOMAIN,
    ),
    Entry(
        key="multilabel_margin",
        title="Multilabel margin",
        family="classification",
        formula=r"\frac{1}{K}\sum_{j \in Y}\sum_{i \notin Y} \max\bigl(0,\ 1 - (f_j - f_i)\bigr)",
        torch="multilabel_margin_loss",
        torch_target="class indices padded with -1",
        chapter=_CHAPTER,
        symbol_names=_SCORES,
        build_expr=lambda *f: symbolic.multilabel_margin(list(f), _LABELS),
        numeric=lambda f1, f2, f3: core.multilabel_margin(_label_rows(f1, _LABELS), _stack(f1, f2, f3)),
        domain=_SCORE_DOMAIN,
    ),
    Entry(
        key="soft_margin",
        title="Soft margin (logistic)",
        family="classification",
        formula=r"\log(1 + e^{-y f}),\ y \in \{-1, 1\}",
        torch="soft_margin_loss",
        chapter=_CHAPTER,
        symbol_names=("y", "f"),
        build_expr=symbolic.soft_margin,
        numeric=lambda y, f: core.soft_margin(y, f),
        domain={"y": (-1.0, 1.0), "f": (-20.0, 20.0)},
    ),
    Entry(
        key="multilabel_soft_margin",
        title="Multilabel soft margin",
        family="classification",
        formula=r"\frac{1}{K}\sum_{k=1}^{K} \bigl[\,y_k \operatorname{softplus}(-z_k) "
        r"+ (1 - y_k)\operatorname{softplus}(z_k)\,\bigr]",
        torch="multilabel_soft_margin_loss",
        chapter=_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["z"],
        build_expr=lambda *s: symbolic.multilabel_soft_margin(s[:NUM_CLASSES], s[NUM_CLASSES:]),
        numeric=lambda y1, y2, y3, z1, z2, z3: core.multilabel_soft_margin(
            _stack(y1, y2, y3), _stack(z1, z2, z3)
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
    ),
    Entry(
        key="generalized_cross_entropy",
        title="Generalized cross-entropy (q = 1/2)",
        family="classification",
        formula=r"\frac{1 - p_c^{\,q}}{q},\ q = 1/2",
        keras="categorical_generalized_cross_entropy",
        keras_class="CategoricalGeneralizedCrossEntropy",
        chapter=_CHAPTER,
        symbol_names=_PROBABILITIES,
        build_expr=lambda p1, p2, p3: symbolic.generalized_cross_entropy(p1, Fraction(1, 2)),
        numeric=lambda p1, p2, p3: core.generalized_cross_entropy(
            _first_class_labels(p1), _stack(p1, p2, p3), q=Q
        ),
        domain=dict.fromkeys(_PROBABILITIES, (0.02, 0.98)),
    ),
)
