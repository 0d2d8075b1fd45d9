"""PyTorch's functional loss API (``torch.nn.functional``), built on :mod:`lossbook.core`.

Same names, argument names, defaults and values as PyTorch (tested to 1e-9 relative in float64, values
and autograd gradients), with two differences a reader should know about:

* the numbers are computed with core's stable formulas, so where PyTorch loses digits (for example
  ``binary_cross_entropy_with_logits`` at a logit of -100 and target 0, where it returns 0 for a true
  loss of 3.7e-44) these functions keep them;
* bad input raises a clear ``ValueError``/``TypeError`` (including targets outside [0, 1], which
  PyTorch's logit loss accepts silently), and logits passed where probabilities belong are caught.

Inputs may be torch tensors or NumPy arrays; the result is the same kind.

Where a function lives: :mod:`~lossbook.torch_compat.reduction` (the legacy flags, reduction names and
reducers every loss shares), :mod:`~lossbook.torch_compat.classification`,
:mod:`~lossbook.torch_compat.classification_focal` (torchvision's ``sigmoid_focal_loss``),
:mod:`~lossbook.torch_compat.classification_margin` (the margin losses),
:mod:`~lossbook.torch_compat.regression`. Everything is re-exported here
(``torch_compat.cross_entropy``).
"""

from lossbook.torch_compat import (
    classification,
    classification_focal,
    classification_margin,
    reduction,
    regression,
)
from lossbook.torch_compat.classification import *  # noqa: F403
from lossbook.torch_compat.classification_focal import *  # noqa: F403
from lossbook.torch_compat.classification_margin import *  # noqa: F403
from lossbook.torch_compat.reduction import *  # noqa: F403
from lossbook.torch_compat.regression import *  # noqa: F403

__all__ = [
    *reduction.__all__,
    *classification.__all__,
    *classification_focal.__all__,
    *classification_margin.__all__,
    *regression.__all__,
]
