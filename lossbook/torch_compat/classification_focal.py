"""torchvision's focal loss, ``torchvision.ops.sigmoid_focal_loss``, built on
:func:`lossbook.core.binary_focal_cross_entropy_with_logits`.

torchvision's conventions, kept: logits in, any shape; the default reduction is ``"none"`` (PyTorch's
own losses default to ``"mean"``); ``alpha=-1`` means no balancing, any other ``alpha`` must lie in
[0, 1]; the mean of an empty batch is NaN; and a bad ``reduction`` gets torchvision's own message
(which torchvision raises only after computing the loss, lossbook before).

The numbers differ where torchvision loses digits: it computes :math:`p = \\sigma(z)`, then
:math:`1 - p_t` by subtraction, so a confident correct prediction (:math:`z_t = 40`) gets a loss of
exactly 0 instead of :math:`1.9 \\times 10^{-53}` (:math:`\\alpha = 0.25, \\gamma = 2`); lossbook keeps it.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, namespace
from lossbook._validation import check_in_closed_interval, check_logits, check_pair
from lossbook.torch_compat.reduction import reduce_elementwise

__all__ = ["sigmoid_focal_loss"]

TORCHVISION_NO_ALPHA = -1
"""torchvision's ``alpha`` for "no balancing"."""


def _check_torchvision_reduction(reduction: str) -> None:
    """torchvision's check, with its message (``torchvision/ops/focal_loss.py``), word for word."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(
            f"Invalid Value for arg 'reduction': '{reduction} \n "
            "Supported reduction modes: 'none', 'mean', 'sum'"
        )


def sigmoid_focal_loss(
    inputs: ArrayLike,
    targets: ArrayLike,
    alpha: float = 0.25,
    gamma: float = 2,
    reduction: str = "none",
) -> ArrayLike:
    r"""``torchvision.ops.sigmoid_focal_loss``: the focal loss of RetinaNet, on logits.

    .. math:: \ell = \alpha_t\,(1 - p_t)^{\gamma}\,\mathrm{BCE}(y, \sigma(z)),
              \qquad \alpha_t = y\,\alpha + (1 - y)(1 - \alpha),

    per element of ``inputs`` (logits :math:`z`, any shape) against ``targets`` :math:`y \in [0, 1]`
    of the same shape (:func:`lossbook.core.binary_focal_cross_entropy_with_logits`). ``alpha=-1``
    turns the balancing off; ``gamma`` must be at least 0 (torchvision does not check, and a negative
    ``gamma`` gives ``inf`` for a perfect prediction). ``reduction``: ``"none"`` (default), ``"mean"``
    or ``"sum"`` over every element.

    Reference: Lin et al., "Focal loss for dense object detection", ICCV 2017 (arXiv:1708.02002);
    torchvision's implementation follows facebookresearch/fvcore's ``sigmoid_focal_loss``.
    """
    _check_torchvision_reduction(reduction)
    if alpha != TORCHVISION_NO_ALPHA and not 0 <= alpha <= 1:
        raise ValueError(
            f"argument `alpha`: expected a number in [0, 1], or -1 for no balancing (torchvision's "
            f"convention), received {alpha!r}"
        )
    xp = namespace(inputs, targets)
    check_pair("inputs", inputs, "targets", targets, xp)
    check_in_closed_interval(
        "targets", targets, xp, 0.0, 1.0, hint="targets are the probabilities of the positive class"
    )
    check_logits(
        "inputs", inputs, xp,
        advice="sigmoid_focal_loss applies the sigmoid itself: pass the logits, not sigmoid(logits).",
    )
    loss = core.binary_focal_cross_entropy_with_logits(
        targets, inputs, gamma=gamma, alpha=None if alpha == TORCHVISION_NO_ALPHA else alpha
    )
    return reduce_elementwise(loss, reduction)
