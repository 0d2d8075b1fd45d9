"""The mathematics of each loss, written once, in its most accurate stable form.

Every function takes NumPy arrays or torch tensors (never a mix), computes with that library through
the Python array API, and returns the same kind; torch autograd flows through (with closed-form
gradients where core knows them). The functions return *per-element* losses; reductions, weights and
each framework's input conventions (clipping, label smoothing, argument names) live in
:mod:`lossbook.keras_compat` and :mod:`lossbook.torch_compat`.

Where a function lives (one module per family, the same families in every layer of lossbook):

* :mod:`~lossbook.core.building_blocks`: softplus, sigmoid, log-sum-exp, softmax, safe logs, TwoSum;
* :mod:`~lossbook.core.classification`: binary and categorical cross-entropies, label smoothing;
* :mod:`~lossbook.core.classification_focal`: binary and categorical focal losses (Lin et al. 2017);
* :mod:`~lossbook.core.classification_margin`: hinge, squared and multi-class hinges, the multilabel and
  soft margins, the generalized cross-entropy;
* :mod:`~lossbook.core.regression`: squared and absolute error, Poisson negative log-likelihood.

Everything is re-exported here, so ``core.softplus`` and ``core.softmax_cross_entropy`` work.
"""

from lossbook.core import (
    building_blocks,
    classification,
    classification_focal,
    classification_margin,
    regression,
)
from lossbook.core.building_blocks import *  # noqa: F403
from lossbook.core.building_blocks import _compensated_sum, _shifted_exponentials  # noqa: F401 (shown in ch. 2)
from lossbook.core.classification import *  # noqa: F403
from lossbook.core.classification_focal import *  # noqa: F403
from lossbook.core.classification_margin import *  # noqa: F403
from lossbook.core.regression import *  # noqa: F403

__all__ = [
    *building_blocks.__all__,
    *classification.__all__,
    *classification_focal.__all__,
    *classification_margin.__all__,
    *regression.__all__,
]
