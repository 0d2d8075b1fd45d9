"""The decision table: from the three axes (outcomes, model outputs, targets) to the right
cross-entropy call in Keras 3, TensorFlow's ``tf.nn``, PyTorch and lossbook (see :mod:`lossbook.advisor`)."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass, fields
from typing import Any

from lossbook._validation import check_choice

OUTCOMES = {
    "binary": "two classes (one output)",
    "multiclass": "K exclusive classes",
    "multilabel": "K independent yes/no (multi-label)",
}
"""The values of ``outcomes``, with the words the table prints."""
OUTPUTS = {"logits": "logits", "probabilities": "probabilities", "log_probabilities": "log-probabilities"}
"""The values of ``outputs``, with the words the table prints."""
TARGETS = {
    "indices": "class indices (integers)",
    "one_hot": "one-hot rows / 0-1 values",
    "soft": "soft (probabilities)",
}
"""The values of ``targets``, with the words the table prints."""

IMPORTS = (
    "import keras\n"
    "import tensorflow as tf\n"
    "import torch\n"
    "import torch.nn as nn\n"
    "import torch.nn.functional as F\n"
    "from lossbook import keras_compat, torch_compat"
)
"""The names the code of a :class:`Recommendation` uses (besides its arrays, see its ``shapes``)."""

_CHAPTERS = {
    "binary": "book/02-classification/06-binary-cross-entropy",
    "multilabel": "book/02-classification/06-binary-cross-entropy",
    "multiclass": "book/02-classification/07-categorical-cross-entropy",
    "log_probabilities": "book/02-classification/09-nll-and-log-softmax",
}


@dataclass(frozen=True)
class Recommendation:
    """The right cross-entropy for one combination of the three axes, in every framework.

    Each code field is one expression that computes the loss (per example for the Keras functions and
    TensorFlow's op, the mean for the classes and modules), given :data:`IMPORTS` and the arrays that
    ``shapes`` names; ``tensorflow`` is ``None`` where ``tf.nn`` has no op for the combination.
    """

    outcomes: str
    outputs: str
    targets: str
    shapes: str
    """The arrays the code uses, with their shapes and contents."""
    keras: str
    keras_class: str
    tensorflow: str | None
    torch: str
    torch_module: str
    lossbook_keras: str
    lossbook_torch: str
    note: str
    chapter: str
    """Docname of the chapter that teaches this form."""

    def code(self) -> dict[str, str]:
        """The code fields by name (``None`` left out)."""
        names = (field.name for field in fields(self)[4:-2])
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def row(self) -> dict[str, str]:
        """The recommendation as one row of a Markdown table (code in backticks; ``—`` for none)."""

        def code(text: str | None) -> str:
            return f"`{text}`" if text else "—"

        return {
            "Outcomes": OUTCOMES[self.outcomes],
            "Model outputs": OUTPUTS[self.outputs],
            "Targets": TARGETS[self.targets],
            "Keras": code(self.keras_class),
            "TensorFlow": code(self.tensorflow),
            "PyTorch": code(self.torch),
            "PyTorch module": code(self.torch_module),
            "lossbook (Keras)": code(self.lossbook_keras),
            "lossbook (PyTorch)": code(self.lossbook_torch),
            "Note": self.note,
        }

    def __repr__(self) -> str:
        head = (f"Recommendation(outcomes={self.outcomes!r}, outputs={self.outputs!r}, "
                f"targets={self.targets!r})")
        shown = fields(self)[4:-2]
        width = max(len(field.name) for field in shown)
        lines = [head, f"  {'arrays':<{width}} {self.shapes}"]
        for field in shown:
            lines.append(f"  {field.name:<{width}} {getattr(self, field.name) or '— (no op)'}")
        return "\n".join([*lines, f"  {'note':<{width}} {self.note}"])


def _check_axes(outcomes: str, outputs: str, targets: str) -> None:
    check_choice("outcomes", outcomes, OUTCOMES)
    check_choice("outputs", outputs, OUTPUTS)
    check_choice("targets", targets, TARGETS)
    if outcomes != "multiclass" and outputs == "log_probabilities":
        raise ValueError(
            f"argument `outputs`: expected one of ['logits', 'probabilities'] with outcomes={outcomes!r}, "
            "received 'log_probabilities'. Log-probabilities (a log_softmax output) pair with nll_loss "
            "for K exclusive classes; for sigmoid outputs pass the logits (drop a final LogSigmoid)"
        )
    if outcomes == "multilabel" and targets == "indices":
        raise ValueError(
            "argument `targets`: expected one of ['one_hot', 'soft'] with outcomes='multilabel', "
            "received 'indices'. A class index names one class per example, but a multi-label example "
            "carries several: encode the labels as a multi-hot (N, K) matrix of 0/1 (targets='one_hot')"
        )


_NOTES = {
    ("sigmoid", "logits"): "Preferred: the loss applies the sigmoid itself, stably (softplus); "
    "gradient σ(z) − y.",
    ("softmax", "logits"): "Preferred: the loss applies log-softmax itself, stably (log-sum-exp); "
    "gradient softmax(z) − y.",
    ("sigmoid", "probabilities"): "Works, but clipped: Keras clips p to [1e-7, 1 − 1e-7], PyTorch "
    "clamps each log at −100, so confident mistakes are capped. Prefer logits (drop the sigmoid).",
    ("softmax", "probabilities"): "Keras renormalises each row and clips to [1e-7, 1 − 1e-7]; "
    "TensorFlow and PyTorch have no K-class loss on probabilities: take the log (a probability of 0 "
    "gives −inf: clamp first) or, better, drop the softmax and pass logits.",
    ("softmax", "log_probabilities"): "log_softmax + nll_loss = cross_entropy. Keras and TensorFlow "
    "take no log-probabilities, but from_logits=True is exact: softmax(log q) = q.",
    ("binary", "indices"): "Integer 0/1 labels: Keras casts them; PyTorch and TensorFlow want floats "
    "of the prediction's dtype.",
    ("binary", "one_hot"): "0/1 floats shaped like the prediction: keep (N, 1), since Keras averages "
    "over the last axis.",
    ("binary", "soft"): "Targets in [0, 1]; label smoothing y(1 − s) + s/2 is Keras's "
    "label_smoothing= (PyTorch's BCE has none).",
    ("multiclass", "indices"): "One gathered log per example: the cheap form when K is large.",
    ("multiclass", "one_hot"): "One-hot rows are probability targets; the sparse form on "
    "targets.argmax(-1) gives the same value with one log per example.",
    ("multiclass", "soft"): "Rows must sum to 1 (label smoothing, distillation); label_smoothing= "
    "in Keras and PyTorch builds (1 − s)·y + s/K from hard labels.",
    ("multilabel", "one_hot"): "Each of the K labels is its own yes/no: sigmoid per output, never "
    "softmax across them; Keras averages over the K labels, PyTorch over all N·K elements.",
    ("multilabel", "soft"): "Per-label probabilities in [0, 1]; rows need not sum to 1.",
}
_LOG_PROBS_DENSE_NOTE = ("nll_loss takes class indices only; cross_entropy is exact on log-probabilities "
                         "(log_softmax(log q) = log q), and so is from_logits=True in Keras and TensorFlow.")


def _sigmoid_family(outcomes: str, outputs: str, targets: str) -> dict[str, Any]:
    p = "logits" if outputs == "logits" else "probs"
    t = "labels" if targets == "indices" else "targets"
    t_float = "labels.float()" if targets == "indices" else t
    flag = "from_logits=True" if outputs == "logits" else ""
    if outputs == "logits":
        t_tf = "tf.cast(labels, logits.dtype)" if targets == "indices" else t
        tf = f"tf.nn.sigmoid_cross_entropy_with_logits(labels={t_tf}, logits=logits)"
        f_name, module = "binary_cross_entropy_with_logits", "BCEWithLogitsLoss"
    else:
        tf, f_name, module = None, "binary_cross_entropy", "BCELoss"
    shape = "(N, 1)" if outcomes == "binary" else "(N, K)"
    content = {
        "indices": "integers 0 or 1",
        "one_hot": "0/1 floats" if outcomes == "binary" else "multi-hot 0/1 floats",
        "soft": "floats in [0, 1]",
    }[targets]
    return {
        "shapes": f"{p} {shape} floats{' in (0, 1)' if p == 'probs' else ''}; {t} {shape} {content}",
        "keras": f"keras.losses.binary_crossentropy({t}, {p}{', ' + flag if flag else ''})",
        "keras_class": f"keras.losses.BinaryCrossentropy({flag})({t}, {p})",
        "tensorflow": tf,
        "torch": f"F.{f_name}({p}, {t_float})",
        "torch_module": f"nn.{module}()({p}, {t_float})",
        "lossbook_keras": f"keras_compat.binary_crossentropy({t}, {p}{', ' + flag if flag else ''})",
        "lossbook_torch": f"torch_compat.{f_name}({p}, {t_float})",
        "note": f"{_NOTES['sigmoid', outputs]} {_NOTES[outcomes, targets]}",
    }


def _softmax_family(outputs: str, targets: str) -> dict[str, Any]:
    p = {"logits": "logits", "probabilities": "probs", "log_probabilities": "log_probs"}[outputs]
    sparse = targets == "indices"
    t = "labels" if sparse else "targets"
    name, cls = ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy") if sparse else (
        "categorical_crossentropy", "CategoricalCrossentropy")
    flag = "" if outputs == "probabilities" else "from_logits=True"
    tf = None
    if flag:
        op = "sparse_softmax_cross_entropy_with_logits" if sparse else "softmax_cross_entropy_with_logits"
        tf = f"tf.nn.{op}(labels={t}, logits={p})"
    torch_input = "torch.log(probs)" if outputs == "probabilities" else p
    f_name, module = ("nll_loss", "NLLLoss") if sparse and outputs != "logits" else (
        "cross_entropy", "CrossEntropyLoss")
    content = {"logits": "floats", "probabilities": "rows summing to 1",
               "log_probabilities": "log_softmax rows"}
    target_content = {"indices": "(N,) integers in [0, K)", "one_hot": "(N, K) one-hot rows",
                      "soft": "(N, K) rows summing to 1"}[targets]
    note = _NOTES["softmax", outputs]
    if outputs == "log_probabilities" and not sparse:
        note = _LOG_PROBS_DENSE_NOTE
    return {
        "shapes": f"{p} (N, K) {content[outputs]}; {t} {target_content}",
        "keras": f"keras.losses.{name}({t}, {p}{', ' + flag if flag else ''})",
        "keras_class": f"keras.losses.{cls}({flag})({t}, {p})",
        "tensorflow": tf,
        "torch": f"F.{f_name}({torch_input}, {t})",
        "torch_module": f"nn.{module}()({torch_input}, {t})",
        "lossbook_keras": f"keras_compat.{name}({t}, {p}{', ' + flag if flag else ''})",
        "lossbook_torch": f"torch_compat.{f_name}({torch_input}, {t})",
        "note": f"{note} {_NOTES['multiclass', targets]}",
    }


def choose_cross_entropy(*, outcomes: str, outputs: str, targets: str) -> Recommendation:
    """The right cross-entropy for ``outcomes``, ``outputs`` and ``targets`` (see the module docstring).

    ``ValueError`` names the argument, the allowed values and what was received, for unknown values
    and for combinations that cannot occur (class indices for multi-label targets; log-probabilities
    for anything but K exclusive classes).
    """
    _check_axes(outcomes, outputs, targets)
    if outcomes == "multiclass":
        parts = _softmax_family(outputs, targets)
    else:
        parts = _sigmoid_family(outcomes, outputs, targets)
    chapter = _CHAPTERS["log_probabilities" if outputs == "log_probabilities" else outcomes]
    return Recommendation(outcomes=outcomes, outputs=outputs, targets=targets, chapter=chapter, **parts)


def decision_table(
    *, outcomes: str | None = None, outputs: str | None = None, targets: str | None = None
) -> tuple[Recommendation, ...]:
    """Every valid combination, in a fixed order (outcomes, then outputs, then targets, each in the
    order of :data:`OUTCOMES`, :data:`OUTPUTS`, :data:`TARGETS`); a given axis keeps only that value."""
    for name, value, allowed in (("outcomes", outcomes, OUTCOMES), ("outputs", outputs, OUTPUTS),
                                 ("targets", targets, TARGETS)):
        if value is not None:
            check_choice(name, value, allowed)
    rows = []
    for o, p, t in itertools.product(OUTCOMES, OUTPUTS, TARGETS):
        if (outcomes or o, outputs or p, targets or t) == (o, p, t):
            with contextlib.suppress(ValueError):  # a combination that cannot occur
                rows.append(choose_cross_entropy(outcomes=o, outputs=p, targets=t))
    return tuple(rows)
