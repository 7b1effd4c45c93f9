r"""Regression losses with hand-written backward passes (gradient w.r.t. the prediction).

Every loss takes ``(y_pred, y_true)`` of one shape (N, D), ``reduction`` (``none``/``sum``/``mean``),
``unreduced`` (``"elementwise"``: torch; ``"per_sample"``: Keras averages the last axis first) and
``dtype`` (compute dtype; Keras losses compute in floatx). The error is :math:`e = p - t`.
"""
import math

import numpy as np

from .losses_common import check_pair, compute_in, reduce, reduce_backward
from .validation import check_choice, check_floating, check_number, check_same_dtype, check_shape

__all__ = ["mse", "mae", "huber", "smooth_l1", "log_cosh", "quantile", "weighted_mse"]

_LOG_2 = math.log(2.0)


def _upstream(dout, p, reduction, unreduced):
    return reduce_backward(dout, p.shape, reduction, unreduced=unreduced)  # (N, D)


def mse(y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \ell = e^2"""
    check_pair(y_pred, y_true)
    p, t = compute_in(dtype, y_pred, y_true)
    return reduce((p - t) ** 2, reduction, unreduced=unreduced)


def mse_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \partial \ell / \partial p = 2e"""
    p, t = compute_in(dtype, y_pred, y_true)
    return (_upstream(dout, p, reduction, unreduced) * 2 * (p - t)).astype(y_pred.dtype)


_KINK_SIDES = ("zero", "left", "right")


def mae(y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None, grad_at_zero="zero"):
    r""".. math:: \ell = |e|

    ``grad_at_zero`` only selects the gradient at :math:`e = 0` (see :func:`mae_backward`)."""
    check_pair(y_pred, y_true)
    check_choice(grad_at_zero, _KINK_SIDES, "grad_at_zero")
    p, t = compute_in(dtype, y_pred, y_true)
    return reduce(np.abs(p - t), reduction, unreduced=unreduced)


def mae_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None, grad_at_zero="zero"):
    r""".. math:: \partial \ell / \partial p = \mathrm{sign}(e) \; (e \ne 0), \qquad c_0 \; (e = 0)

    ``grad_at_zero`` picks :math:`c_0`: ``"zero"`` (:math:`\mathrm{sign}(0) = 0`: torch's and TensorFlow's Abs
    gradient), ``"left"`` (-1, the slope for :math:`e < 0`: JAX's ``abs`` has derivative +1 at 0, and Keras
    takes ``abs(t - p)``) or ``"right"`` (+1)."""
    check_choice(grad_at_zero, _KINK_SIDES, "grad_at_zero")
    p, t = compute_in(dtype, y_pred, y_true)
    g = np.sign(p - t)
    if grad_at_zero != "zero":
        g = np.where(g == 0, -1 if grad_at_zero == "left" else 1, g).astype(g.dtype)
    return (_upstream(dout, p, reduction, unreduced) * g).astype(y_pred.dtype)


def huber(y_pred, y_true, *, delta=1.0, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \ell = \tfrac12 e^2 \text{ if } |e| \le \delta \text{ else } \delta (|e| - \tfrac12 \delta)"""
    check_pair(y_pred, y_true)
    check_number(delta, "delta", low=0.0, low_open=True)
    p, t = compute_in(dtype, y_pred, y_true)
    a = np.abs(p - t)
    return reduce(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta)), reduction, unreduced=unreduced)


def huber_backward(dout, y_pred, y_true, *, delta=1.0, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \partial \ell / \partial p = e \text{ if } |e| \le \delta \text{ else } \delta\,\mathrm{sign}(e)"""
    p, t = compute_in(dtype, y_pred, y_true)
    e = p - t
    g = np.where(np.abs(e) <= delta, e, delta * np.sign(e))
    return (_upstream(dout, p, reduction, unreduced) * g).astype(y_pred.dtype)


def smooth_l1(y_pred, y_true, *, beta=1.0, reduction="mean", unreduced="elementwise", dtype=None):
    r"""torch's SmoothL1Loss; equals ``huber(delta=beta) / beta``.

    .. math:: \ell = \tfrac{1}{2\beta} e^2 \text{ if } |e| < \beta \text{ else } |e| - \tfrac12 \beta
    """
    check_pair(y_pred, y_true)
    check_number(beta, "beta", low=0.0, low_open=True)
    p, t = compute_in(dtype, y_pred, y_true)
    a = np.abs(p - t)
    return reduce(np.where(a < beta, 0.5 * a * a / beta, a - 0.5 * beta), reduction, unreduced=unreduced)


def smooth_l1_backward(dout, y_pred, y_true, *, beta=1.0, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \partial \ell / \partial p = e / \beta \text{ if } |e| < \beta \text{ else } \mathrm{sign}(e)"""
    p, t = compute_in(dtype, y_pred, y_true)
    e = p - t
    g = np.where(np.abs(e) < beta, e / beta, np.sign(e))
    return (_upstream(dout, p, reduction, unreduced) * g).astype(y_pred.dtype)


def log_cosh(y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None):
    r"""Evaluated without overflow as both frameworks do.

    .. math:: \ell = \log\cosh e = e + \mathrm{softplus}(-2e) - \log 2
    """
    check_pair(y_pred, y_true)
    p, t = compute_in(dtype, y_pred, y_true)
    e = p - t
    return reduce(e + np.logaddexp(0, -2 * e) - _LOG_2, reduction, unreduced=unreduced)


def log_cosh_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \partial \ell / \partial p = \tanh e"""
    p, t = compute_in(dtype, y_pred, y_true)
    return (_upstream(dout, p, reduction, unreduced) * np.tanh(p - t)).astype(y_pred.dtype)


def quantile(y_pred, y_true, *, q=0.5, reduction="mean", unreduced="elementwise", dtype=None):
    r"""Pinball loss for quantile :math:`q \in (0, 1)`, with :math:`u = t - p`.

    .. math:: \ell = \max(q u, (q - 1) u)
    """
    check_pair(y_pred, y_true)
    check_number(q, "q", low=0.0, high=1.0, low_open=True, high_open=True)
    p, t = compute_in(dtype, y_pred, y_true)
    u = t - p
    return reduce(np.maximum(q * u, (q - 1) * u), reduction, unreduced=unreduced)


def quantile_backward(dout, y_pred, y_true, *, q=0.5, reduction="mean", unreduced="elementwise", dtype=None,
                      grad_at_zero="split"):
    r""".. math:: \partial \ell / \partial p = -q \,[u > 0] + (1 - q)\,[u < 0] + c_0 [u = 0]

    At the kink the two arguments of the max tie: ``"split"`` (torch.maximum shares the gradient,
    :math:`c_0 = \tfrac12 - q`) or ``"first"`` (TensorFlow's Maximum gives it all to the first
    argument, :math:`q u`: :math:`c_0 = -q`).
    """
    check_choice(grad_at_zero, ("split", "first"), "grad_at_zero")
    p, t = compute_in(dtype, y_pred, y_true)
    u = t - p
    at_zero = 0.5 - q if grad_at_zero == "split" else -q
    g = np.where(u > 0, -q, np.where(u < 0, 1 - q, at_zero))
    return (_upstream(dout, p, reduction, unreduced) * g).astype(y_pred.dtype)


def _check_weights(weights, y_pred):
    check_floating(weights, "weights")
    check_same_dtype(y_pred, "y_pred", weights, "weights")
    check_shape(weights, y_pred.shape[-1:], "weights", what="expected one weight per output column:")


def weighted_mse(y_pred, y_true, weights, *, reduction="mean", unreduced="elementwise", dtype=None):
    r"""The custom-loss example: MSE with a fixed weight per output column.

    .. math:: \ell_{nd} = w_d \, e_{nd}^2
    """
    check_pair(y_pred, y_true)
    _check_weights(weights, y_pred)
    p, t, w = compute_in(dtype, y_pred, y_true, weights)
    return reduce(w * (p - t) ** 2, reduction, unreduced=unreduced)


def weighted_mse_backward(dout, y_pred, y_true, weights, *, reduction="mean", unreduced="elementwise", dtype=None):
    r""".. math:: \partial \ell / \partial p_{nd} = 2 w_d e_{nd}"""
    p, t, w = compute_in(dtype, y_pred, y_true, weights)
    return (_upstream(dout, p, reduction, unreduced) * 2 * w * (p - t)).astype(y_pred.dtype)
