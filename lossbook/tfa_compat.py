"""TensorFlow Addons' focal loss, ``tfa.losses.sigmoid_focal_crossentropy``, reproduced on lossbook's core.

TensorFlow Addons (TFA, archived in 2024) is gone from current TensorFlow, but its focal loss fills
older tutorials and notebooks, and its numbers differ from Keras 3's in three ways this module keeps:

1. **A sum, not a mean.** It returns ``reduce_sum(..., axis=-1)``: for ``(N, C)`` inputs it is ``C``
   times Keras 3's ``binary_focal_crossentropy`` (which averages over the last axis); and its class
   ``SigmoidFocalCrossEntropy`` defaults to ``reduction=NONE``, so the per-sample sums are the loss.
2. **Its cross-entropy on probabilities** comes from TF-Keras 2's ``K.binary_crossentropy``, which
   clips to :math:`[\\epsilon, 1 - \\epsilon]` *and* adds :math:`\\epsilon` inside each log:
   :math:`-[\\,y \\log(\\hat p + \\epsilon) + (1 - y)\\log(1 - \\hat p + \\epsilon)\\,]`,
   :math:`\\epsilon = 10^{-7}`.
   A confident wrong prediction (:math:`p = 0` for a positive) costs :math:`-\\log(2 \\times 10^{-7}) =
   15.42` there and :math:`-\\log(10^{-7}) = 16.12` in Keras 3, a difference of :math:`\\log 2`; at
   :math:`p = 1` for a negative the two are 15.33 and 15.94 in float32. Where the prediction is right
   (:math:`p_t = 1`) the focal factor is 0 in both. On logits it calls
   ``tf.nn.sigmoid_cross_entropy_with_logits``: no clipping, unlike Keras 3's focal losses.
3. **A falsy alpha or gamma switches the factor off**: ``if alpha:`` means ``alpha=0`` (or ``None``) is
   no balancing at all, where Keras 3 and torchvision would give the positives weight 0.

Source: tensorflow/addons, ``tensorflow_addons/losses/focal_loss.py`` (last commit touching it
11aad761, "Fix focal loss casting", Jan 2021; the same in the final release 0.23.0, commit d208d752),
and ``keras/src/backend.py`` of Keras 2.15 (``binary_crossentropy``, the TF-Keras that TFA 0.23's
TensorFlow 2.13-2.15 ships). NumPy arrays, torch tensors or Python lists (as float32) in; importing this
module imports neither TensorFlow nor torch nor Keras.
"""

from __future__ import annotations

from lossbook import core
from lossbook._arrays import ArrayLike, as_array_like, namespace, shape_of, to_numpy_like
from lossbook._validation import check_in_closed_interval, check_logits, check_pair, check_real_floating

__all__ = ["TF_KERAS_EPSILON", "tf_keras_binary_crossentropy", "sigmoid_focal_crossentropy"]

TF_KERAS_EPSILON = 1e-7
"""``tf.keras.backend.epsilon()``: the clip *and* the offset inside the logs of TF-Keras 2's BCE."""


def tf_keras_binary_crossentropy(target: ArrayLike, probability: ArrayLike) -> ArrayLike:
    r"""TF-Keras 2's ``K.binary_crossentropy(target, output)`` on probabilities, element-wise.

    .. math:: \hat p = \operatorname{clip}(p, \epsilon, 1 - \epsilon), \qquad
              \ell = -\bigl[\,y \log(\hat p + \epsilon)
                     + (1 - y)\log\bigl((1 - \hat p) + \epsilon\bigr)\,\bigr],

    in the input's dtype (:math:`1 - \epsilon` rounds to :math:`1 - 2^{-23}` in float32). Keras 3 keeps
    the clip but dropped the offset.
    """
    xp = namespace(target, probability)
    low = xp.full_like(probability, TF_KERAS_EPSILON)
    clipped = xp.minimum(xp.maximum(probability, low), xp.full_like(probability, 1.0 - TF_KERAS_EPSILON))
    positive_part = core.xlogy(target, clipped + TF_KERAS_EPSILON)
    negative_part = core.xlogy(1.0 - target, (1.0 - clipped) + TF_KERAS_EPSILON)
    return -(positive_part + negative_part)


def sigmoid_focal_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    alpha: float | None = 0.25,
    gamma: float | None = 2.0,
    from_logits: bool = False,
) -> ArrayLike:
    r"""``tfa.losses.sigmoid_focal_crossentropy``: the focal BCE summed over the last axis.

    .. math:: \mathrm{loss} = \sum_{\text{last axis}} \alpha_t\,(1 - p_t)^{\gamma}\,\mathrm{CE},
              \qquad 1 - p_t = y(1 - p) + (1 - y)\,p,\quad \alpha_t = y\alpha + (1 - y)(1 - \alpha),

    with CE :func:`tf_keras_binary_crossentropy` of the probability :math:`p` (``from_logits=False``) or
    the exact logit BCE with :math:`p = \sigma(z)` (``from_logits=True``, computed with
    :func:`lossbook.core.binary_focal_cross_entropy_with_logits`, so confident predictions keep their
    digits where TensorFlow's ``1 - p_t`` rounds to 0). A falsy ``alpha`` (0 or ``None``) means
    :math:`\alpha_t = 1`, a falsy ``gamma`` a factor of 1, as in TFA. Inputs need at least one axis.

    TFA raises for ``gamma < 0``; lossbook also refuses ``alpha`` outside [0, 1] (TFA would give
    negative weights) and targets outside [0, 1].
    """
    if gamma and gamma < 0:
        raise ValueError(
            "argument `gamma`: Value of gamma should be greater than or equal to zero (TensorFlow "
            f"Addons' check); received {gamma!r}"
        )
    y_pred = to_numpy_like(y_pred)
    y_true = as_array_like(y_true, y_pred)
    xp = namespace(y_true, y_pred)
    check_real_floating("y_pred", y_pred)
    y_true = xp.astype(y_true, y_pred.dtype)
    check_pair("y_true", y_true, "y_pred", y_pred, xp)
    if y_pred.ndim == 0:
        raise ValueError(
            f"argument `y_pred`: expected at least one axis (TFA sums over the last), received shape "
            f"{shape_of(y_pred)}"
        )
    check_in_closed_interval("y_true", y_true, xp, 0.0, 1.0, hint="targets are probabilities")
    alpha = alpha or None  # TFA: `if alpha:`
    gamma = gamma or 0.0  # TFA: `if gamma:`; a power of 0 is a factor of 1
    if from_logits:
        check_logits("y_pred", y_pred, xp, advice="If they are probabilities, use from_logits=False.")
        loss = core.binary_focal_cross_entropy_with_logits(y_true, y_pred, gamma=gamma, alpha=alpha)
    else:
        check_in_closed_interval(
            "y_pred", y_pred, xp, 0.0, 1.0,
            hint="With from_logits=False, y_pred must be probabilities: pass from_logits=True for logits",
        )
        weight = core.binary_focal_weight(y_true, y_pred, gamma=gamma, alpha=alpha)
        loss = weight * tf_keras_binary_crossentropy(y_true, y_pred)
    return xp.sum(loss, axis=-1)
