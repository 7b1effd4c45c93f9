r"""Classification losses in Keras 3: ``keras.losses`` objects (each computes in floatx, returns one
loss per sample -- the mean over the last axis for the binary losses, the sum over classes for the
categorical ones -- and reduces with ``sum_over_batch_size`` by default). A hyperparameter not passed
(``DEFAULT``) is left out of the loss's constructor, so Keras's own default applies. Keras has no class-weight
loss argument: ``fit(class_weight=w)`` becomes ``sample_weight = w[y]``, as the wrapper passes it."""
import keras
from keras import ops

from .defaults import DEFAULT
from .losses_common import check_pair, check_reduction, loss_config
from .validation import check_choice, check_class_weights, check_logits_labels, check_ndim, check_probabilities

__all__ = ["binary_crossentropy", "binary_crossentropy_with_logits", "categorical_crossentropy",
           "categorical_crossentropy_with_logits", "sparse_categorical_crossentropy", "weighted_crossentropy",
           "focal_loss"]


def _check_from_logits(from_logits, *inputs):
    """``from_logits`` a bool; passed as ``False``, the ``inputs`` ((tensor, name) pairs) must be probabilities.
    Not passed (``DEFAULT``), Keras's own reading applies: logits read as probabilities and clipped, silently."""
    check_choice(from_logits, (True, False), "from_logits")
    if from_logits is False:
        for x, name in inputs:
            check_probabilities(x, name)


def _apply(loss_cls, y_pred, y_true, reduction, dtype, sample_weight=None, **config):
    check_reduction(reduction)
    return loss_cls(**loss_config(reduction, dtype, **config))(y_true, y_pred, sample_weight=sample_weight)


def binary_crossentropy(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""BCE on probabilities: ``keras.losses.BinaryCrossentropy`` (p clipped to
    :math:`[\epsilon, 1-\epsilon]`, ``epsilon = keras.config.epsilon()``; gradient 0 where clipped)."""
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    return _apply(keras.losses.BinaryCrossentropy, y_pred, y_true, reduction, dtype)


def binary_crossentropy_with_logits(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""BCE on logits: ``keras.losses.BinaryCrossentropy(from_logits=True)`` (TF's
    :math:`\max(x, 0) - xt + \log(1 + e^{-|x|})`)."""
    check_pair(y_pred, y_true)
    return _apply(keras.losses.BinaryCrossentropy, y_pred, y_true, reduction, dtype, from_logits=True)


def categorical_crossentropy(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""CE on probabilities: ``keras.losses.CategoricalCrossentropy`` (divides p by its sum over the
    class axis, then clips to :math:`[\epsilon, 1-\epsilon]`)."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    return _apply(keras.losses.CategoricalCrossentropy, y_pred, y_true, reduction, dtype)


def categorical_crossentropy_with_logits(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""CE on logits (N, C): ``keras.losses.CategoricalCrossentropy(from_logits=True)`` (TF's fused
    kernel; its gradient is :math:`\mathrm{softmax}(x) - t`)."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    return _apply(keras.losses.CategoricalCrossentropy, y_pred, y_true, reduction, dtype, from_logits=True)


def sparse_categorical_crossentropy(y_pred, y_true, *, from_logits=DEFAULT, ignore_index=DEFAULT, reduction=DEFAULT,
                                    dtype=DEFAULT):
    r"""CE with int labels: ``keras.losses.SparseCategoricalCrossentropy`` -- with Keras's defaults (3.15), on
    probabilities (clipped, then renormalised by the softmax of their log), ``ignore_class=None``."""
    check_logits_labels(y_pred, y_true)
    _check_from_logits(from_logits, (y_pred, "y_pred"))
    return _apply(keras.losses.SparseCategoricalCrossentropy, y_pred, y_true, reduction, dtype,
                  from_logits=from_logits, ignore_class=ignore_index)


def weighted_crossentropy(y_pred, y_true, class_weights, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""Class-weighted CE on logits: ``SparseCategoricalCrossentropy(from_logits=True)`` with
    ``sample_weight = class_weights[y]`` (what ``fit(class_weight=...)`` does); ``mean`` divides by N."""
    check_logits_labels(y_pred, y_true)
    check_class_weights(class_weights, y_pred)
    return _apply(keras.losses.SparseCategoricalCrossentropy, y_pred, y_true, reduction, dtype,
                  sample_weight=ops.take(class_weights, y_true), from_logits=True)


def focal_loss(y_pred, y_true, *, alpha=DEFAULT, gamma=DEFAULT, apply_class_balancing=DEFAULT, from_logits=DEFAULT,
               reduction=DEFAULT, dtype=DEFAULT):
    r"""Binary focal loss: ``keras.losses.BinaryFocalCrossentropy`` (Keras's defaults, in 3.15: alpha 0.25,
    gamma 2.0, probabilities, no alpha weighting; on logits its BCE recovers the logits from the sigmoid
    output: no clipping)."""
    check_pair(y_pred, y_true)
    _check_from_logits(from_logits, (y_pred, "y_pred"), (y_true, "y_true"))
    return _apply(keras.losses.BinaryFocalCrossentropy, y_pred, y_true, reduction, dtype, alpha=alpha, gamma=gamma,
                  apply_class_balancing=apply_class_balancing, from_logits=from_logits)
