r"""Element-wise activations in Keras 3 (``keras.activations`` / ``keras.ops``), as a user calls them.

A hyperparameter not passed (``DEFAULT``) is left out of the Keras call, so Keras's own default applies;
``parity_tests/conventions`` records those defaults.
"""
import keras
from keras import ops

from .defaults import DEFAULT, given
from .validation import check_alpha, check_floating, check_ndim, check_number

__all__ = ["step", "sigmoid", "tanh", "hard_sigmoid", "relu", "leaky_relu", "prelu", "elu", "selu"]


def step(x):
    r"""Heaviside step, :math:`H(0) = 1`: ``ops.cast(x >= 0, x.dtype)``."""
    check_floating(x, "x")
    return ops.cast(ops.greater_equal(x, 0), x.dtype)


def sigmoid(x):
    r""":math:`\sigma(x) = 1/(1+e^{-x})`: ``keras.activations.sigmoid``."""
    check_floating(x, "x")
    return keras.activations.sigmoid(x)


def tanh(x):
    r""":math:`\tanh x`: ``keras.activations.tanh``."""
    check_floating(x, "x")
    return keras.activations.tanh(x)


def hard_sigmoid(x):
    r""":math:`\mathrm{relu6}(x+3)/6`: ``keras.activations.hard_sigmoid`` (Keras 2 used :math:`0.2x + 0.5`)."""
    check_floating(x, "x")
    return keras.activations.hard_sigmoid(x)


def relu(x):
    r""":math:`\max(x, 0)`: ``keras.activations.relu``."""
    check_floating(x, "x")
    return keras.activations.relu(x)


def leaky_relu(x, *, negative_slope=DEFAULT):
    r""":math:`x` if :math:`x > 0` else :math:`s x`: ``keras.activations.leaky_relu`` (Keras's default slope, 0.2 in
    Keras 3.15; ``keras.layers.LeakyReLU`` defaults to 0.3). TensorFlow rounds :math:`s` to float32."""
    check_floating(x, "x")
    check_number(negative_slope, "negative_slope")
    return keras.activations.leaky_relu(x, **given(negative_slope=negative_slope))


def prelu(x, alpha):
    r"""PReLU on (N, C) with slope ``alpha`` of shape (), (1,) or (C,), as ``keras.layers.PReLU.call``
    computes it: :math:`\mathrm{relu}(x) - \alpha\,\mathrm{relu}(-x)` (so the gradient at 0 is 0)."""
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_alpha(alpha, x)
    return keras.activations.relu(x) - alpha * keras.activations.relu(-x)


def elu(x, *, alpha=DEFAULT):
    r""":math:`x` if :math:`x > 0` else :math:`\alpha(e^x - 1)`: ``keras.activations.elu`` (Keras's default
    :math:`\alpha`, 1.0 in Keras 3.15; TF evaluates :math:`e^x - 1`, not expm1)."""
    check_floating(x, "x")
    check_number(alpha, "alpha")
    return keras.activations.elu(x, **given(alpha=alpha))


def selu(x):
    r""":math:`\lambda x` if :math:`x > 0` else :math:`\lambda\alpha(e^x - 1)`: ``keras.activations.selu``
    (SeluGrad picks the negative branch where the *output* is < 0, so where it rounds to 0 the slope is :math:`\lambda`)."""
    check_floating(x, "x")
    return keras.activations.selu(x)
