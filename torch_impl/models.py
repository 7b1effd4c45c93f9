r"""Multilayer perceptrons in PyTorch: an ``nn.Sequential`` of ``nn.Linear`` and activation modules.

``mlp_forward`` runs one cached ``nn.Sequential`` per architecture on the caller's tensors with
``torch.func.functional_call`` (``nn.Linear.weight`` gets ``W.T``), so autograd differentiates w.r.t. the
arguments; it returns the output only. ``mlp_model`` builds a fresh ``nn.Sequential`` with the weights
COPIED in, for training loops; ``params_of`` / ``numpy_layout`` read parameters and gradients back as
NumPy arrays in the NumPy layout ((in, out) weights). ``batchnorm`` (one bool per layer) puts an
``nn.BatchNorm1d`` (training mode) between a layer's ``nn.Linear`` and its activation, its weight and bias being
``gamma_i, beta_i`` after ``b_i``. ``negative_slope`` and ``eps`` not passed (``DEFAULT``) are left out of
``nn.LeakyReLU()`` and ``nn.BatchNorm1d()``, so torch's own defaults apply (0.01 and 1e-5 in torch 2.13).
"""
import functools

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from argchecks import mlp_layers, mlp_names

from .defaults import DEFAULT, given
from .losses_common import compute_in
from .validation import check_floating, check_mlp, check_ndim

__all__ = ["mlp_forward", "mlp_model", "parameter_names", "params_of", "numpy_layout"]

_MODULES = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def _sequential(sizes, activations, batchnorm, negative_slope, eps, dtype):
    """``Linear(sizes[i], sizes[i+1])``, a ``BatchNorm1d`` where ``batchnorm`` says, then the named activation
    module, per layer (none for "linear")."""
    modules = []
    for i, (d_in, d_out, name) in enumerate(zip(sizes[:-1], sizes[1:], activations)):
        modules.append(nn.Linear(d_in, d_out, dtype=dtype))
        if batchnorm and batchnorm[i]:
            modules.append(nn.BatchNorm1d(d_out, **given(eps=eps), dtype=dtype))
        if name == "leaky_relu":
            modules.append(nn.LeakyReLU(**given(negative_slope=negative_slope)))
        elif name != "linear":
            modules.append(_MODULES[name]())
    return nn.Sequential(*modules)


_cached_sequential = functools.lru_cache(maxsize=32)(_sequential)


def _weighted(model):
    """``(name, module)`` of each ``nn.Linear`` and ``nn.BatchNorm1d``, in order."""
    return [(name, m) for name, m in model.named_children() if isinstance(m, (nn.Linear, nn.BatchNorm1d))]


def _sizes(x_width, params, batchnorm):
    return (x_width,) + tuple(W.shape[1] for W, _, _, _ in mlp_layers(params, batchnorm))


def _state(model, params, batchnorm):
    """{module.parameter: tensor}: ``weight = W.T`` for ``nn.Linear`` (out, in), gamma and beta for
    ``nn.BatchNorm1d``, and fresh running statistics (the cached module's own are never updated)."""
    state, modules = {}, iter(_weighted(model))
    for W, b, gamma, beta in mlp_layers(params, batchnorm):
        name, _ = next(modules)
        state[f"{name}.weight"], state[f"{name}.bias"] = W.T, b
        if gamma is not None:
            name, _ = next(modules)
            state |= {f"{name}.weight": gamma, f"{name}.bias": beta, f"{name}.running_mean": torch.zeros_like(b),
                      f"{name}.running_var": torch.ones_like(b),
                      f"{name}.num_batches_tracked": torch.zeros((), dtype=torch.long)}
    return state


def mlp_forward(x, *params, activations, batchnorm=(), negative_slope=DEFAULT, eps=DEFAULT, dtype=None):
    r""":math:`h_i = f_i(h_{i-1} W_i + b_i)` (batch-normalised first where ``batchnorm`` says): a cached
    ``nn.Sequential`` (training mode) run with ``functional_call``."""
    check_mlp(x, params, activations, negative_slope, batchnorm=batchnorm, eps=eps)
    x, *params = compute_in(dtype, x, *params)
    model = _cached_sequential(_sizes(x.shape[1], params, batchnorm), tuple(activations), tuple(batchnorm),
                               negative_slope, eps, x.dtype)
    return functional_call(model, _state(model, params, batchnorm), (x,))


def mlp_model(params, *, activations, batchnorm=(), negative_slope=DEFAULT, eps=DEFAULT, dtype=None):
    """A fresh ``nn.Sequential`` with the NumPy arrays ``params`` (W1, b1[, gamma1, beta1], ...; W (in, out))
    copied in: ``weight = W.T``. ``dtype`` (None: the arrays') is the module's dtype."""
    params = [torch.as_tensor(np.asarray(p)) if isinstance(p, np.ndarray) else p for p in params]
    if not params:
        raise ValueError("params must hold W, b per layer")
    check_floating(params[0], "W1")
    check_ndim(params[0], 2, "W1")
    check_mlp(torch.zeros((2, params[0].shape[0]), dtype=params[0].dtype), params, activations,
              negative_slope, batchnorm=batchnorm, eps=eps)
    dtype = getattr(torch, dtype) if dtype else params[0].dtype
    model = _sequential(_sizes(params[0].shape[0], params, batchnorm), tuple(activations), tuple(batchnorm),
                        negative_slope, eps, dtype)
    with torch.no_grad():
        for key, value in _state(model, params, batchnorm).items():
            module, _, attribute = key.rpartition(".")
            if attribute in ("weight", "bias"):  # the buffers (running statistics) stay the module's own
                getattr(model.get_submodule(module), attribute).copy_(value)
    return model


def parameter_names(model):
    """``["W1", "b1", ...]`` in ``model.parameters()`` order (``gamma_i, beta_i`` for an ``nn.BatchNorm1d``)."""
    modules = [m for _, m in _weighted(model)]
    batchnorm = tuple(isinstance(after, nn.BatchNorm1d) for m, after in zip(modules, modules[1:] + [None])
                      if isinstance(m, nn.Linear))
    return mlp_names(len(batchnorm), batchnorm)


def params_of(model):
    """The model's parameters as NumPy arrays in the NumPy layout: ``[W1, b1, ...]``, ``W = weight.T``."""
    return numpy_layout(model, list(model.parameters()))


def numpy_layout(model, tensors):
    """Per-parameter tensors in ``model.parameters()`` order (the parameters, or their ``.grad``) as NumPy
    arrays in the NumPy layout: each ``nn.Linear`` weight (out, in) transposed to (in, out)."""
    parameters = list(model.parameters())
    if len(tensors) != len(parameters):
        raise ValueError(f"tensors has {len(tensors)} entries for {len(parameters)} parameters")
    return [t.detach().numpy().T.copy() if t.ndim == 2 else t.detach().numpy().copy() for t in tensors]
