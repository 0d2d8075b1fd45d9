"""Which cross-entropy to call, and whether a model's last layer agrees with its loss.

There is one cross-entropy, :math:`H(P, Q) = -\\sum_i P(i) \\log Q(i)`; the framework functions differ in
how P and Q are handed over, along three axes (CURRICULUM, "The thread through the book"):

* ``outcomes``: ``"binary"`` (two classes, one output per example), ``"multiclass"`` (K mutually
  exclusive classes, K outputs) or ``"multilabel"`` (K independent yes/no answers per example);
* ``outputs``: what the model emits: ``"logits"``, ``"probabilities"`` or ``"log_probabilities"``
  (a ``log_softmax`` output, PyTorch's partner of ``nll_loss``);
* ``targets``: ``"indices"`` (integer class labels), ``"one_hot"`` (one-hot rows, or 0/1 values for
  binary and multi-label) or ``"soft"`` (probabilities: label smoothing, distillation).

:func:`choose_cross_entropy` answers one combination with a :class:`Recommendation`: the exact call in
Keras 3, TensorFlow's ``tf.nn`` op, PyTorch and lossbook, as code that runs with the names in
:data:`IMPORTS`; :func:`decision_table` lists every valid combination (``display.show_table([r.row()
for r in decision_table()])`` renders it). :func:`check_keras_model`, :func:`check_torch_model` and
:func:`check_model` look at the last layer of a model and its loss and report the wrong-helper mistakes
(a softmax fed to a loss that applies softmax again, logits fed to a loss that expects probabilities,
...) as :class:`Finding` objects. Importing this module imports neither torch nor Keras: a model that
exists has already imported its framework, and it is recognised by its classes' module names.

Where it lives: :mod:`~lossbook.advisor.choosing` (the axes, :class:`Recommendation`,
:func:`choose_cross_entropy`, :func:`decision_table`) and :mod:`~lossbook.advisor.model_checks`
(:class:`Finding`, the checks); everything is re-exported here.
"""

from lossbook.advisor.choosing import (
    IMPORTS,
    OUTCOMES,
    OUTPUTS,
    TARGETS,
    Recommendation,
    choose_cross_entropy,
    decision_table,
)
from lossbook.advisor.model_checks import Finding, Findings, check_keras_model, check_model, check_torch_model

__all__ = [
    "IMPORTS",
    "OUTCOMES",
    "OUTPUTS",
    "TARGETS",
    "Finding",
    "Findings",
    "Recommendation",
    "check_keras_model",
    "check_model",
    "check_torch_model",
    "choose_cross_entropy",
    "decision_table",
]
