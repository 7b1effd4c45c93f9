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
from .validation import check_floating, check_ndim, check_no_nan, check_number, check_same_dtype, check_shape

__all__ = ["dense_forward", "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats",
           "residual_forward"]


def check_input(x, *, batch=1):
    """``x``: a float (N, D) tensor without NaN and with at least ``batch`` rows."""
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_no_nan(x, "x")
    if x.shape[0] < batch:
        raise ValueError(f"x has {x.shape[0]} rows; training statistics need at least {batch}")


def check_vector(v, name, x, size):
    """``v``: a float (size,) tensor of ``x``'s dtype without NaN."""
    check_floating(v, name)
    check_same_dtype(x, "x", v, name)
    check_shape(v, (size,), name)
    check_no_nan(v, name)


def check_weights(W, b, x, width, names=("W", "b"), source="x"):
    """``W`` (width, H) and ``b`` (H,) of ``x``'s dtype: ``source`` (the layer's input) has ``width`` features."""
    name_w, name_b = names
    check_floating(W, name_w)
    check_same_dtype(x, "x", W, name_w)
    check_ndim(W, 2, name_w)
    if W.shape[0] != width:
        raise ValueError(f"{name_w} has {W.shape[0]} rows but {source} has {width} features; {name_w} is (in, out)")
    check_no_nan(W, name_w)
    check_vector(b, name_b, x, W.shape[1])


@functools.lru_cache(maxsize=64)
def _linear(d_in, d_out, dtype):
    return nn.Linear(d_in, d_out, dtype=dtype)


def dense_forward(x, W, b, *, dtype=None):
    r""":math:`xW + b`: ``nn.Linear(D, H)`` with ``weight = W.T``, ``bias = b``."""
    check_input(x)
    check_weights(W, b, x, x.shape[1])
    x, W, b = compute_in(dtype, x, W, b)
    return functional_call(_linear(*W.shape, x.dtype), {"weight": W.T, "bias": b}, (x,))


def _check_batchnorm(x, gamma, beta, eps, *, batch=1):
    """``x`` with ``batch`` rows, ``gamma`` and ``beta`` (D,), ``eps`` positive and finite (torch raises for a
    negative one in training mode only; NumPy and Keras would return NaN)."""
    check_input(x, batch=batch)
    check_number(eps, "eps", low=0.0, low_open=True)
    check_vector(gamma, "gamma", x, x.shape[1])
    check_vector(beta, "beta", x, x.shape[1])


def _batchnorm(x, *, eps=DEFAULT, momentum=DEFAULT):
    """A fresh ``nn.BatchNorm1d`` for ``x``'s width and dtype (its running buffers start at 0 and 1)."""
    return nn.BatchNorm1d(x.shape[1], **given(eps=eps, momentum=momentum), dtype=x.dtype)


def batchnorm_forward(x, gamma, beta, *, eps=DEFAULT, dtype=None):
    r"""Training mode: ``nn.BatchNorm1d(D)`` (torch's default ``eps``, 1e-5 in torch 2.13) normalises with the
    batch's biased variance."""
    _check_batchnorm(x, gamma, beta, eps, batch=2)
    x, gamma, beta = compute_in(dtype, x, gamma, beta)
    return functional_call(_batchnorm(x, eps=eps).train(), {"weight": gamma, "bias": beta}, (x,))


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, *, eps=DEFAULT, dtype=None):
    r"""Inference mode (``module.eval()``): ``nn.BatchNorm1d`` normalises with the running statistics."""
    _check_batchnorm(x, gamma, beta, eps)
    check_vector(running_mean, "running_mean", x, x.shape[1])
    check_vector(running_var, "running_var", x, x.shape[1])
    if torch.any(running_var < 0):
        raise ValueError("running_var has negative entries")
    x, gamma, beta, mean, var = compute_in(dtype, x, gamma, beta, running_mean, running_var)
    state = {"weight": gamma, "bias": beta, "running_mean": mean, "running_var": var}
    return functional_call(_batchnorm(x, eps=eps).eval(), state, (x,))


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=DEFAULT, dtype=None):
    r"""The buffers of ``nn.BatchNorm1d(D)`` (torch's default ``momentum``, 0.1 in torch 2.13) after one training
    step, stacked (2, D): :math:`r \leftarrow (1 - m) r + m s`, the variance's :math:`s` unbiased (:math:`N - 1`)."""
    check_input(x, batch=2)
    check_vector(running_mean, "running_mean", x, x.shape[1])
    check_vector(running_var, "running_var", x, x.shape[1])
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
    check_input(x)
    check_weights(W1, b1, x, x.shape[1], names=("W1", "b1"))
    check_weights(W2, b2, x, W1.shape[1], names=("W2", "b2"), source="the hidden layer")
    if W2.shape[1] != x.shape[1]:
        raise ValueError(f"W2 has {W2.shape[1]} columns; the residual sum needs x's {x.shape[1]}")
    x, W1, b1, W2, b2 = compute_in(dtype, x, W1, b1, W2, b2)
    state = {"f.0.weight": W1.T, "f.0.bias": b1, "f.2.weight": W2.T, "f.2.bias": b2}
    return functional_call(_residual(x.shape[1], W1.shape[1], x.dtype), state, (x,))
