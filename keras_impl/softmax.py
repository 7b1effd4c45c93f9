r"""Softmax and log-softmax in Keras 3 (``keras.activations``; ``axis`` not passed: Keras's, -1 in Keras 3.15)."""
import keras

from .defaults import DEFAULT, given
from .validation import check_axis, check_below_inf, check_floating, check_min_ndim, check_nonempty

__all__ = ["softmax", "log_softmax"]


def softmax(x, *, axis=DEFAULT):
    r""":math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``: ``keras.activations.softmax``."""
    check_floating(x, "x")
    check_min_ndim(x, 1, "x")
    check_axis(axis, len(x.shape))
    check_nonempty(x, "x")
    check_below_inf(x, "x")
    return keras.activations.softmax(x, **given(axis=axis))


def log_softmax(x, *, axis=DEFAULT):
    r""":math:`x_i - \log\sum_j e^{x_j}` along ``axis``: ``keras.activations.log_softmax``."""
    check_floating(x, "x")
    check_min_ndim(x, 1, "x")
    check_axis(axis, len(x.shape))
    check_nonempty(x, "x")
    check_below_inf(x, "x")
    return keras.activations.log_softmax(x, **given(axis=axis))
