r"""Regression losses in Keras 3: ``keras.losses`` objects where Keras ships the loss, otherwise a
``keras.losses.Loss`` subclass, so reduction and compute dtype (floatx) behave the Keras way: the
per-sample loss is the mean over the last axis, then ``sum_over_batch_size`` by default. A hyperparameter not
passed (``DEFAULT``) is left out of the loss's constructor, so Keras's own default applies."""
import keras
from keras import ops

from .defaults import DEFAULT
from .losses_common import check_pair, check_reduction, loss_config
from .validation import check_floating, check_number, check_same_dtype, check_shape

__all__ = ["mse", "mae", "huber", "smooth_l1", "log_cosh", "quantile", "weighted_mse"]


def _apply(loss_cls, y_pred, y_true, reduction, dtype, **config):
    check_pair(y_pred, y_true)
    check_reduction(reduction)
    return loss_cls(**loss_config(reduction, dtype, **config))(y_true, y_pred)


def mse(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`e^2`: ``keras.losses.MeanSquaredError``."""
    return _apply(keras.losses.MeanSquaredError, y_pred, y_true, reduction, dtype)


def mae(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`|e|`: ``keras.losses.MeanAbsoluteError``."""
    return _apply(keras.losses.MeanAbsoluteError, y_pred, y_true, reduction, dtype)


def huber(y_pred, y_true, *, delta=DEFAULT, reduction=DEFAULT, dtype=DEFAULT):
    r"""Huber with threshold :math:`\delta`: ``keras.losses.Huber`` (Keras's default ``delta``, 1.0 in 3.15)."""
    check_number(delta, "delta", low=0.0, low_open=True)
    return _apply(keras.losses.Huber, y_pred, y_true, reduction, dtype, delta=delta)


# beta: no Keras default -- Keras has no SmoothL1; beta is torch's, given to Huber as delta and divided by
def smooth_l1(y_pred, y_true, *, beta=1.0, reduction=DEFAULT, dtype=DEFAULT):
    r"""torch's SmoothL1 has no Keras class: ``keras.losses.Huber(delta=beta)`` divided by :math:`\beta`."""
    check_number(beta, "beta", low=0.0, low_open=True)
    return _apply(keras.losses.Huber, y_pred, y_true, reduction, dtype, delta=beta) / beta


def log_cosh(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`\log\cosh e`: ``keras.losses.LogCosh``."""
    return _apply(keras.losses.LogCosh, y_pred, y_true, reduction, dtype)


class _Quantile(keras.losses.Loss):
    def __init__(self, q, **kwargs):
        super().__init__(**kwargs)
        self.q = q

    def call(self, y_true, y_pred):
        u = y_true - y_pred
        return ops.mean(ops.maximum(self.q * u, (self.q - 1) * u), axis=-1)


# q: no Keras default -- Keras ships no quantile loss; 0.5 (the median) is the wrapper's
def quantile(y_pred, y_true, *, q=0.5, reduction=DEFAULT, dtype=DEFAULT):
    r"""Pinball :math:`\max(q u, (q-1) u)`, :math:`u = t - p`, as a ``keras.losses.Loss`` subclass
    (Keras has none; TensorFlow's Maximum gives a tie's gradient to its first argument)."""
    check_number(q, "q", low=0.0, high=1.0, low_open=True, high_open=True)
    return _apply(_Quantile, y_pred, y_true, reduction, dtype, q=q)


class _WeightedMSE(keras.losses.Loss):
    def __init__(self, weights, **kwargs):
        super().__init__(**kwargs)
        self.weights = weights

    def call(self, y_true, y_pred):
        w = ops.cast(self.weights, y_pred.dtype)
        return ops.mean(w * ops.square(y_pred - y_true), axis=-1)


def weighted_mse(y_pred, y_true, weights, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""Custom-loss example: :math:`w_d e_{nd}^2`, one weight per output column, as a ``keras.losses.Loss`` subclass."""
    check_floating(weights, "weights")
    check_same_dtype(y_pred, "y_pred", weights, "weights")
    check_shape(weights, tuple(y_pred.shape[-1:]), "weights", what="expected one weight per output column:")
    return _apply(_WeightedMSE, y_pred, y_true, reduction, dtype, weights=weights)
