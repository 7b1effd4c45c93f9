r"""Layers in PyTorch as ``nn.Module``\ s (``nn.Linear``, ``nn.BatchNorm1d``, a residual block), run on the
caller's tensors with ``torch.func.functional_call``: the module is the architecture, the arrays passed in
are its parameters (``nn.Linear.weight`` is (out, in): it gets ``W.T`` of the (in, out) ``W``), so autograd
differentiates the output w.r.t. the arguments themselves.

Each function returns the output only (autograd keeps what the backward needs; the NumPy reference's
``X_forward`` returns ``(out, cache)``). A hyperparameter not passed (``DEFAULT``) is left out of the module's
constructor, so torch's own default applies. ``dtype``: compute dtype (``None``: the input's -- torch has no
global floatx; a module's dtype must match its input's).
"""
import functools

import torch
from torch import nn
from torch.func import functional_call

from .defaults import DEFAULT, given
from .losses_common import compute_in
from .validation import check_batchnorm, check_input, check_number, check_residual, check_running_stats, check_weights

__all__ = ["dense_forward", "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats",
           "residual_forward"]


@functools.lru_cache(maxsize=64)
def _linear(d_in, d_out, dtype):
    return nn.Linear(d_in, d_out, dtype=dtype)


def dense_forward(x, W, b, *, dtype=None):
    r""":math:`xW + b`: ``nn.Linear(D, H)`` with ``weight = W.T``, ``bias = b``."""
    check_input(x)
    check_weights(W, b, x, x.shape[1])
    x, W, b = compute_in(dtype, x, W, b)
    return functional_call(_linear(*W.shape, x.dtype), {"weight": W.T, "bias": b}, (x,))


def _batchnorm(x, *, eps=DEFAULT, momentum=DEFAULT):
    """A fresh ``nn.BatchNorm1d`` for ``x``'s width and dtype (its running buffers start at 0 and 1)."""
    return nn.BatchNorm1d(x.shape[1], **given(eps=eps, momentum=momentum), dtype=x.dtype)


def batchnorm_forward(x, gamma, beta, *, eps=DEFAULT, dtype=None):
    r"""Training mode: ``nn.BatchNorm1d(D)`` (torch's default ``eps``, 1e-5 in torch 2.13) normalises with the
    batch's biased variance."""
    check_batchnorm(x, gamma, beta, eps, batch=2)
    x, gamma, beta = compute_in(dtype, x, gamma, beta)
    return functional_call(_batchnorm(x, eps=eps).train(), {"weight": gamma, "bias": beta}, (x,))


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, *, eps=DEFAULT, dtype=None):
    r"""Inference mode (``module.eval()``): ``nn.BatchNorm1d`` normalises with the running statistics."""
    check_batchnorm(x, gamma, beta, eps)
    check_running_stats(x, running_mean, running_var, nonnegative=True)
    x, gamma, beta, mean, var = compute_in(dtype, x, gamma, beta, running_mean, running_var)
    state = {"weight": gamma, "bias": beta, "running_mean": mean, "running_var": var}
    return functional_call(_batchnorm(x, eps=eps).eval(), state, (x,))


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=DEFAULT, dtype=None):
    r"""The buffers of ``nn.BatchNorm1d(D)`` (torch's default ``momentum``, 0.1 in torch 2.13) after one training
    step, stacked (2, D): :math:`r \leftarrow (1 - m) r + m s`, the variance's :math:`s` unbiased (:math:`N - 1`)."""
    check_input(x, batch=2)
    check_running_stats(x, running_mean, running_var)
    check_number(momentum, "momentum", low=0.0, high=1.0)
    x, mean, var = compute_in(dtype, x, running_mean, running_var)
    module = _batchnorm(x, momentum=momentum).train()
    with torch.no_grad():
        module.running_mean.copy_(mean)
        module.running_var.copy_(var)
        module(x)
    return torch.stack([module.running_mean, module.running_var])


class _Residual(nn.Module):
    """:math:`y = x + f(x)` with :math:`f` = ``Linear(D, H)``, ``ReLU``, ``Linear(H, D)``."""

    def __init__(self, width, hidden, dtype=None):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(width, hidden, dtype=dtype), nn.ReLU(), nn.Linear(hidden, width, dtype=dtype))

    def forward(self, x):
        return x + self.f(x)


@functools.lru_cache(maxsize=32)
def _residual(width, hidden, dtype):
    return _Residual(width, hidden, dtype)


def residual_forward(x, W1, b1, W2, b2, *, dtype=None):
    r""":math:`x + \mathrm{relu}(x W_1 + b_1) W_2 + b_2`: the ``_Residual`` module, weights ``W1.T``, ``W2.T``."""
    check_residual(x, W1, b1, W2, b2)
    x, W1, b1, W2, b2 = compute_in(dtype, x, W1, b1, W2, b2)
    state = {"f.0.weight": W1.T, "f.0.bias": b1, "f.2.weight": W2.T, "f.2.bias": b2}
    return functional_call(_residual(x.shape[1], W1.shape[1], x.dtype), state, (x,))
