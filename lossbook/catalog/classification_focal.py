"""Catalog entries of the focal losses (Lin et al. 2017): binary and categorical, on probabilities and
on logits. The catalog writes them with the paper's :math:`\\gamma = 2` and no balancing
(:math:`\\alpha_t = 1`, Keras's default ``apply_class_balancing=False``); K-class losses with K = 3."""

from __future__ import annotations

from lossbook import core, symbolic
from lossbook.catalog._entry import Entry
from lossbook.catalog.classification import _CLASS_SYMBOLS, NUM_CLASSES, _stack

_CHAPTER = "book/02-classification/10-focal-loss"
GAMMA = 2.0
"""The focusing parameter of every catalog entry (the paper's choice)."""

ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="binary_focal_cross_entropy_with_logits",
        title="Binary focal loss (logits)",
        family="classification",
        formula=r"-(1 - p_t)^{\gamma} \log p_t,\ p_t = \sigma(\pm z),\ \gamma = 2",
        keras="binary_focal_crossentropy",
        keras_class="BinaryFocalCrossentropy",
        keras_options="from_logits=True",
        chapter=_CHAPTER,
        symbol_names=("y", "z"),
        build_expr=lambda y, z: symbolic.binary_focal_cross_entropy_with_logits(y, z, 2),
        numeric=lambda y, z: core.binary_focal_cross_entropy_with_logits(y, z, gamma=GAMMA),
        domain={"y": (0.0, 1.0), "z": (-12.0, 12.0)},
    ),
    Entry(
        key="binary_focal_cross_entropy",
        title="Binary focal loss (probabilities)",
        family="classification",
        formula=r"-(1 - p_t)^{\gamma} \log p_t,\ p_t = y p + (1 - y)(1 - p),\ \gamma = 2",
        keras="binary_focal_crossentropy",
        keras_class="BinaryFocalCrossentropy",
        chapter=_CHAPTER,
        symbol_names=("y", "p"),
        build_expr=lambda y, p: symbolic.binary_focal_cross_entropy(y, p, 2),
        numeric=lambda y, p: core.binary_focal_cross_entropy(y, p, gamma=GAMMA),
        domain={"y": (0.0, 1.0), "p": (0.02, 0.98)},
    ),
    Entry(
        key="softmax_focal_cross_entropy",
        title="Categorical focal loss (logits)",
        family="classification",
        formula=r"-\sum_{k=1}^{K} y_k (1 - q_k)^{\gamma} \log q_k,\ "
        r"q = \operatorname{softmax}(z),\ \gamma = 2",
        keras="categorical_focal_crossentropy",
        keras_class="CategoricalFocalCrossentropy",
        keras_options="from_logits=True",
        chapter=_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["z"],
        build_expr=lambda *s: symbolic.softmax_focal_cross_entropy(s[:NUM_CLASSES], s[NUM_CLASSES:], 2),
        numeric=lambda y1, y2, y3, z1, z2, z3: core.softmax_focal_cross_entropy(
            _stack(y1, y2, y3), _stack(z1, z2, z3), gamma=GAMMA
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["z"], (-8.0, 8.0)),
    ),
    Entry(
        key="categorical_focal_cross_entropy",
        title="Categorical focal loss (probabilities)",
        family="classification",
        formula=r"-\sum_{k=1}^{K} y_k (1 - q_k)^{\gamma} \log q_k,\ \gamma = 2",
        keras="categorical_focal_crossentropy",
        keras_class="CategoricalFocalCrossentropy",
        chapter=_CHAPTER,
        symbol_names=_CLASS_SYMBOLS["y"] + _CLASS_SYMBOLS["q"],
        build_expr=lambda *s: symbolic.categorical_focal_cross_entropy(s[:NUM_CLASSES], s[NUM_CLASSES:], 2),
        numeric=lambda y1, y2, y3, q1, q2, q3: core.categorical_focal_cross_entropy(
            _stack(y1, y2, y3), _stack(q1, q2, q3), gamma=GAMMA
        ),
        domain=dict.fromkeys(_CLASS_SYMBOLS["y"], (0.0, 1.0))
        | dict.fromkeys(_CLASS_SYMBOLS["q"], (0.02, 0.98)),
    ),
)
