r"""Softmax and log-softmax in Keras 3 (``keras.activations``; ``axis`` not passed: Keras's, -1 in Keras 3.15)."""
import keras

from .defaults import DEFAULT, given
from .validation import check_logits

__all__ = ["softmax", "log_softmax"]


def softmax(x, *, axis=DEFAULT):
    r""":math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``: ``keras.activations.softmax``."""
    check_logits(x, axis)
    return keras.activations.softmax(x, **given(axis=axis))


def log_softmax(x, *, axis=DEFAULT):
    r""":math:`x_i - \log\sum_j e^{x_j}` along ``axis``: ``keras.activations.log_softmax``."""
    check_logits(x, axis)
    return keras.activations.log_softmax(x, **given(axis=axis))
