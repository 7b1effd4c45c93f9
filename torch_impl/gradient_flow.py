r"""Gradient flow through deep networks in PyTorch: per-layer gradient norms from autograd, and SGD with
``torch.nn.utils.clip_grad_norm_`` (through :func:`torch_impl.clipping.clip_by_global_norm`).

``deep_net_forward`` runs one cached ``nn.Module`` per architecture with ``torch.func.functional_call``
(``nn.Linear.weight`` gets ``W.T``; a plain stack is :func:`torch_impl.models.mlp_forward`'s cached
``nn.Sequential``): ``nn.Linear``, then ``nn.BatchNorm1d`` in training mode (its own ``weight`` 1 and
``bias`` 0, fresh running buffers), then the activation module, optionally added to the block's input.
The loss is :math:`L = \tfrac{1}{2N} \sum h_L^2`. ``eps`` not passed (``DEFAULT``) is left out of
``nn.BatchNorm1d``, so torch's own default applies (1e-5 in torch 2.13).
"""
import functools

import torch
from torch import nn
from torch.func import functional_call

from .clipping import clip_by_global_norm
from .defaults import DEFAULT, given
from .losses_common import compute_in
from .models import mlp_forward, mlp_model
from .validation import check_network, check_sgd_run

__all__ = ["deep_net_forward", "layer_gradient_norms", "sgd_loss_curve"]

_MODULES = {"linear": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


class _DeepNet(nn.Module):
    """``Linear`` [-> ``BatchNorm1d``] -> activation per layer, each optionally added to its input."""

    def __init__(self, sizes, activations, batchnorm, residual, eps, dtype):
        super().__init__()
        pairs = list(zip(sizes[:-1], sizes[1:]))
        self.linears = nn.ModuleList(nn.Linear(d_in, d_out, dtype=dtype) for d_in, d_out in pairs)
        self.norms = nn.ModuleList(nn.BatchNorm1d(d, **given(eps=eps), dtype=dtype) for _, d in pairs) if batchnorm else None
        self.activations = nn.ModuleList(_MODULES[name]() for name in activations)
        self.residual = residual

    def forward(self, h):
        for i, (linear, activation) in enumerate(zip(self.linears, self.activations)):
            z = linear(h)
            a = activation(self.norms[i](z) if self.norms is not None else z)
            h = h + a if self.residual else a
        return h


@functools.lru_cache(maxsize=16)
def _network(sizes, activations, batchnorm, residual, eps, dtype):
    return _DeepNet(sizes, activations, batchnorm, residual, eps, dtype).train()


def deep_net_forward(x, *params, activations, batchnorm=False, residual=False, eps=DEFAULT, dtype=None):
    r"""The deep network (see :mod:`reference_numpy.gradient_flow`); the output only."""
    check_network(x, params, activations, batchnorm=batchnorm, residual=residual, eps=eps)
    if not batchnorm and not residual:
        return mlp_forward(x, *params, activations=activations, dtype=dtype)
    x, *params = compute_in(dtype, x, *params)
    sizes = (x.shape[1],) + tuple(W.shape[1] for W in params[::2])
    model = _network(sizes, tuple(activations), batchnorm, residual, eps, x.dtype)
    state = {}
    for i, (W, b) in enumerate(zip(params[::2], params[1::2])):
        state[f"linears.{i}.weight"], state[f"linears.{i}.bias"] = W.T, b  # nn.Linear.weight is (out, in)
        if batchnorm:  # fresh running buffers: the cached module's stay untouched
            state[f"norms.{i}.running_mean"] = torch.zeros_like(b)
            state[f"norms.{i}.running_var"] = torch.ones_like(b)
    return functional_call(model, state, (x,))


def layer_gradient_norms(x, *params, activations, batchnorm=False, residual=False, eps=DEFAULT, dtype=None):
    r"""(L,) :math:`\lVert \partial L / \partial W_i \rVert_2` from ``torch.autograd.grad``, in the
    parameters' dtype."""
    check_network(x, params, activations, batchnorm=batchnorm, residual=residual, eps=eps)
    leaves = [p.detach().requires_grad_(True) for p in params]
    out = deep_net_forward(x, *leaves, activations=activations, batchnorm=batchnorm, residual=residual, eps=eps,
                           dtype=dtype)
    loss = 0.5 * torch.sum(out * out) / out.shape[0]
    grads = torch.autograd.grad(loss, leaves[::2])
    return torch.stack([torch.linalg.vector_norm(g) for g in grads])  # (L,)


def _clip(parameters, max_norm):
    """Every ``.grad`` replaced by its globally clipped value (:func:`torch_impl.clipping.clip_by_global_norm`)."""
    grads = [p.grad for p in parameters]
    flat = clip_by_global_norm(*grads, max_norm=max_norm)
    for p, part in zip(parameters, torch.split(flat, [g.numel() for g in grads])):
        p.grad = part.reshape(p.shape)


def sgd_loss_curve(x, *params, activations, steps, learning_rate, max_norm=None, dtype=None):
    r"""(steps + 1,) losses of :func:`torch_impl.models.mlp_model` trained by ``torch.optim.SGD``; with
    ``max_norm`` the gradients are clipped together first. Stops at a non-finite loss or parameter (NaN after)."""
    check_network(x, params, activations)
    check_sgd_run(steps, learning_rate, max_norm)
    model = mlp_model(list(params), activations=activations, dtype=dtype)
    parameters = list(model.parameters())
    optimizer = torch.optim.SGD(parameters, lr=learning_rate)
    x = x.to(parameters[0].dtype)
    losses = torch.full((steps + 1,), float("nan"), dtype=torch.float64)
    for step in range(steps + 1):
        optimizer.zero_grad()
        out = model(x)
        loss = 0.5 * torch.sum(out * out) / out.shape[0]
        losses[step] = loss.detach().double()
        if step == steps or not torch.isfinite(loss):
            break
        loss.backward()
        if max_norm is not None:
            _clip(parameters, max_norm)
        optimizer.step()
        if not all(torch.all(torch.isfinite(p)) for p in parameters):
            break
    return losses
