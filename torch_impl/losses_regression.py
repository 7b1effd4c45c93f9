r"""Regression losses in PyTorch: ``torch.nn.functional`` where torch ships the loss, otherwise
written with torch ops and reduced over every element (torch's ``reduction='none'`` is element-wise)."""
import math

import torch
import torch.nn.functional as F

from .defaults import DEFAULT, given
from .losses_common import check_pair, check_reduction, compute_in, reduce
from .validation import check_floating, check_number, check_same_dtype, check_shape

__all__ = ["mse", "mae", "huber", "smooth_l1", "log_cosh", "quantile", "weighted_mse"]


def mse(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r""":math:`e^2`: ``F.mse_loss`` (torch's default reduction, ``'mean'`` in torch 2.13)."""
    check_pair(y_pred, y_true)
    check_reduction(reduction)
    return F.mse_loss(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction))


def mae(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r""":math:`|e|`: ``F.l1_loss`` (torch's default reduction)."""
    check_pair(y_pred, y_true)
    check_reduction(reduction)
    return F.l1_loss(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction))


def huber(y_pred, y_true, *, delta=DEFAULT, reduction=DEFAULT, dtype=None):
    r"""Huber with threshold :math:`\delta`: ``F.huber_loss`` (torch's defaults, ``delta=1.0`` in torch 2.13)."""
    check_pair(y_pred, y_true)
    check_number(delta, "delta", low=0.0, low_open=True)
    check_reduction(reduction)
    return F.huber_loss(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction, delta=delta))


def smooth_l1(y_pred, y_true, *, beta=DEFAULT, reduction=DEFAULT, dtype=None):
    r""":math:`\mathrm{huber}_{\delta=\beta} / \beta`: ``F.smooth_l1_loss`` (torch's defaults, ``beta=1.0`` in
    torch 2.13)."""
    check_pair(y_pred, y_true)
    check_number(beta, "beta", low=0.0, low_open=True)
    check_reduction(reduction)
    return F.smooth_l1_loss(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction, beta=beta))


def log_cosh(y_pred, y_true, *, reduction="mean", dtype=None):
    r""":math:`e + \mathrm{softplus}(-2e) - \log 2` (torch has no log-cosh loss; this form never overflows)."""
    check_pair(y_pred, y_true)
    p, t = compute_in(dtype, y_pred, y_true)
    e = p - t
    return reduce(e + F.softplus(-2 * e) - math.log(2.0), reduction)


def quantile(y_pred, y_true, *, q=0.5, reduction="mean", dtype=None):
    r"""Pinball :math:`\max(q u, (q-1) u)`, :math:`u = t - p` (torch has none; ``torch.maximum``
    shares the gradient between tied arguments)."""
    check_pair(y_pred, y_true)
    check_number(q, "q", low=0.0, high=1.0, low_open=True, high_open=True)
    p, t = compute_in(dtype, y_pred, y_true)
    u = t - p
    return reduce(torch.maximum(q * u, (q - 1) * u), reduction)


def weighted_mse(y_pred, y_true, weights, *, reduction="mean", dtype=None):
    r"""Custom-loss example: :math:`w_d e_{nd}^2` with one weight per output column."""
    check_pair(y_pred, y_true)
    check_floating(weights, "weights")
    check_same_dtype(y_pred, "y_pred", weights, "weights")
    check_shape(weights, y_pred.shape[-1:], "weights", what="expected one weight per output column:")
    p, t, w = compute_in(dtype, y_pred, y_true, weights)
    return reduce(w * (p - t) ** 2, reduction)
