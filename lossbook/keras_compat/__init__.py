"""Keras 3's loss API (``keras.losses``), built on :mod:`lossbook.core`.

Two layers, as in Keras:

* **functions** such as :func:`binary_crossentropy` return one loss per sample: the per-element loss
  averaged over ``axis`` (the last axis by default), with Keras's conventions (probabilities clipped to
  ``[EPSILON, 1 - EPSILON]``, label smoothing towards 1/2);
* **classes** such as :class:`BinaryCrossentropy` wrap a function with a reduction and
  ``sample_weight``, through one generic :class:`LossFunctionWrapper`, exactly as Keras does.

Values match Keras 3 to 2e-5 relative in float32. Where Keras loses digits (with ``from_logits=True``
it calls PyTorch's logit loss, which cancels for confident predictions) these functions keep them.
Inputs may be NumPy arrays, torch tensors or Python numbers and lists (taken as float32, Keras's
``floatx``); the result is a NumPy array for everything but torch input, which gives a torch tensor.

Where a function lives: :mod:`~lossbook.keras_compat.conventions` (epsilon clipping, label smoothing,
the per-sample mean), :mod:`~lossbook.keras_compat.reduction` (``Loss``, the wrapper, reductions, masks,
class weights), :mod:`~lossbook.keras_compat.classification`,
:mod:`~lossbook.keras_compat.classification_focal`, :mod:`~lossbook.keras_compat.classification_margin`
(hinges and the generalized cross-entropy), :mod:`~lossbook.keras_compat.regression`.
Everything is re-exported here (``keras_compat.BinaryCrossentropy``).
"""

from lossbook.keras_compat import (
    classification,
    classification_focal,
    classification_margin,
    conventions,
    reduction,
    regression,
)
from lossbook.keras_compat.classification import *  # noqa: F403
from lossbook.keras_compat.classification_focal import *  # noqa: F403
from lossbook.keras_compat.classification_margin import *  # noqa: F403
from lossbook.keras_compat.conventions import *  # noqa: F403
from lossbook.keras_compat.reduction import *  # noqa: F403
from lossbook.keras_compat.regression import *  # noqa: F403

__all__ = [
    *conventions.__all__,
    *reduction.__all__,
    *classification.__all__,
    *classification_focal.__all__,
    *classification_margin.__all__,
    *regression.__all__,
]
