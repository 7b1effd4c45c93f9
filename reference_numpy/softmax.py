r"""Softmax and log-softmax along an axis, shifted by the maximum so large logits never overflow."""
import numpy as np

from .validation import check_like, check_logits

__all__ = ["softmax", "log_softmax"]


def softmax(x, *, axis=-1):
    r""".. math:: \mathrm{softmax}(x)_i = e^{x_i - m} / \sum_j e^{x_j - m}, \quad m = \max_j x_j"""
    check_logits(x, axis)
    e = np.exp(x - x.max(axis=axis, keepdims=True))  # (...) largest entry is exactly 1
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, x, *, axis=-1):
    r""".. math:: \partial L/\partial x_i = s_i \, (g_i - \textstyle\sum_j g_j s_j)"""
    check_like(dout, "dout", x, "x")
    s = softmax(x, axis=axis)
    return s * (dout - (dout * s).sum(axis=axis, keepdims=True))


def log_softmax(x, *, axis=-1):
    r""".. math:: \log\mathrm{softmax}(x)_i = (x_i - m) - \log \textstyle\sum_j e^{x_j - m}"""
    check_logits(x, axis)
    z = x - x.max(axis=axis, keepdims=True)  # (...)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def log_softmax_backward(dout, x, *, axis=-1):
    r""".. math:: \partial L/\partial x_i = g_i - \mathrm{softmax}(x)_i \textstyle\sum_j g_j"""
    check_like(dout, "dout", x, "x")
    return dout - softmax(x, axis=axis) * dout.sum(axis=axis, keepdims=True)
