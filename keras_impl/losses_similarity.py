r"""Similarity and metric-learning losses in Keras 3: ``keras.losses`` objects where Keras ships the
loss (CosineSimilarity, Dice), otherwise a private ``keras.losses.Loss`` subclass, so reduction and
compute dtype (floatx) behave the Keras way. Each loss is one value per sample (for Dice: per slice
left by ``axis``), then ``sum_over_batch_size`` by default. A hyperparameter not passed (``DEFAULT``) is left
out of the loss's constructor, so Keras's own default applies."""
import keras
from keras import ops

from .defaults import DEFAULT
from .losses_common import check_pair, check_reduction, loss_config
from .validation import check_axis, check_contrastive, check_ndim, check_range, check_triplet

__all__ = ["cosine_similarity", "contrastive", "triplet", "dice"]


def cosine_similarity(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`-\cos(p, t)` along Keras's default axis (-1 in Keras 3.15): ``keras.losses.CosineSimilarity()``,
    which normalises with :math:`x \min(1/\sqrt{\sum x^2}, 1/\varepsilon)`, :math:`\varepsilon` = ``epsilon()``."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_reduction(reduction)
    return keras.losses.CosineSimilarity(**loss_config(reduction, dtype))(y_true, y_pred)


class _Contrastive(keras.losses.Loss):
    def __init__(self, margin, **kwargs):
        super().__init__(**kwargs)
        self.margin = margin

    def call(self, y_true, y_pred):
        hinge = ops.maximum(self.margin - y_pred, 0.0)
        return y_true * ops.square(y_pred) + (1.0 - y_true) * ops.square(hinge)


# margin: no Keras default -- Keras ships no contrastive loss; 1.0 is TF Addons' ContrastiveLoss's
def contrastive(y_pred, y_true, *, margin=1.0, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`y d^2 + (1 - y) \max(m - d, 0)^2` on distances ``y_pred`` (N,), ``y_true`` = 1 for a
    similar pair, as a ``keras.losses.Loss`` subclass (Keras ships none; TF Addons'
    ``ContrastiveLoss`` had this form and ``margin=1.0``)."""
    check_contrastive(y_pred, y_true, margin)
    check_reduction(reduction)
    return _Contrastive(margin, **loss_config(reduction, dtype))(y_true, y_pred)


class _Triplet(keras.losses.Loss):
    """``y_pred`` is the anchor, ``y_true`` the pair (positive, negative)."""

    def __init__(self, margin, **kwargs):
        super().__init__(**kwargs)
        self.margin = margin

    @staticmethod
    def _distance(a, b):
        # The Keras idiom (keras.io Siamese examples): floor the squared distance at epsilon(), so the
        # gradient at a == b is 0 instead of NaN.
        return ops.sqrt(ops.maximum(ops.sum(ops.square(a - b), axis=-1), keras.config.epsilon()))

    def call(self, y_true, y_pred):
        positive, negative = y_true
        d_pos, d_neg = self._distance(y_pred, positive), self._distance(y_pred, negative)
        return ops.maximum(self.margin + d_pos - d_neg, 0.0)


# margin: no Keras default -- Keras ships no triplet loss; 1.0 is TF Addons' triplet losses'
def triplet(anchor, positive, negative, *, margin=1.0, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`\max(m + \delta(a, p) - \delta(a, q), 0)` with the Euclidean
    :math:`\delta = \sqrt{\max(\|a - b\|^2, \varepsilon)}`, as a ``keras.losses.Loss`` subclass (Keras
    ships none; TF Addons' triplet losses defaulted to ``margin=1.0``)."""
    check_triplet(anchor, positive, negative, margin)
    check_reduction(reduction)
    return _Triplet(margin, **loss_config(reduction, dtype))((positive, negative), anchor)


def _check_axis(axis, ndim):
    if axis is DEFAULT:  # Keras's own: valid by definition
        return
    for ax in (range(ndim) if axis is None else (axis,) if isinstance(axis, int) else axis):
        check_axis(ax, ndim)


def dice(y_pred, y_true, *, axis=DEFAULT, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`1 - 2 \sum p t / (\sum t + \sum p + \varepsilon)` over ``axis``: ``keras.losses.Dice`` (Keras's
    default ``axis``, None in Keras 3.15: one Dice for the whole batch; :math:`\varepsilon` = ``epsilon()``)."""
    check_pair(y_pred, y_true)
    _check_axis(axis, len(y_pred.shape))
    check_range(y_pred, "y_pred", 0, 1)
    check_range(y_true, "y_true", 0, 1)
    check_reduction(reduction)
    return keras.losses.Dice(**loss_config(reduction, dtype, axis=axis))(y_true, y_pred)
