r"""Multilayer perceptrons in PyTorch: an ``nn.Sequential`` of ``nn.Linear`` and activation modules.

``mlp_forward`` runs one cached ``nn.Sequential`` per architecture on the caller's tensors with
``torch.func.functional_call`` (``nn.Linear.weight`` gets ``W.T``), so autograd differentiates w.r.t. the
arguments; it returns the output only. ``mlp_model`` builds a fresh ``nn.Sequential`` with the weights
COPIED in, for training loops; ``params_of`` / ``numpy_layout`` read parameters and gradients back as
NumPy arrays in the NumPy layout ((in, out) weights). ``negative_slope`` not passed (``DEFAULT``) is left out
of ``nn.LeakyReLU()``, so torch's own default applies (0.01 in torch 2.13).
"""
import functools

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from .defaults import DEFAULT, given
from .losses_common import compute_in
from .validation import check_floating, check_mlp, check_ndim

__all__ = ["mlp_forward", "mlp_model", "params_of", "numpy_layout"]

_MODULES = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def _sequential(sizes, activations, negative_slope, dtype):
    """``Linear(sizes[i], sizes[i+1])`` then the named activation module, per layer (none for "linear")."""
    modules = []
    for d_in, d_out, name in zip(sizes[:-1], sizes[1:], activations):
        modules.append(nn.Linear(d_in, d_out, dtype=dtype))
        if name == "leaky_relu":
            modules.append(nn.LeakyReLU(**given(negative_slope=negative_slope)))
        elif name != "linear":
            modules.append(_MODULES[name]())
    return nn.Sequential(*modules)


_cached_sequential = functools.lru_cache(maxsize=32)(_sequential)


def _linears(model):
    """``(name, nn.Linear)`` of each layer, in order."""
    return [(name, m) for name, m in model.named_children() if isinstance(m, nn.Linear)]


def _sizes(x_width, params):
    return (x_width,) + tuple(W.shape[1] for W in params[::2])


def mlp_forward(x, *params, activations, negative_slope=DEFAULT, dtype=None):
    r""":math:`h_i = f_i(h_{i-1} W_i + b_i)`: a cached ``nn.Sequential`` run with ``functional_call``."""
    check_mlp(x, params, activations, negative_slope)
    x, *params = compute_in(dtype, x, *params)
    model = _cached_sequential(_sizes(x.shape[1], params), tuple(activations), negative_slope, x.dtype)
    state = {}
    for (name, _), W, b in zip(_linears(model), params[::2], params[1::2]):
        state[f"{name}.weight"], state[f"{name}.bias"] = W.T, b  # nn.Linear.weight is (out, in)
    return functional_call(model, state, (x,))


def mlp_model(params, *, activations, negative_slope=DEFAULT, dtype=None):
    """A fresh ``nn.Sequential`` with the NumPy arrays ``params`` (W1, b1, ...; W (in, out)) copied in:
    ``weight = W.T``. ``dtype`` (None: the arrays') is the module's dtype."""
    params = [torch.as_tensor(np.asarray(p)) if isinstance(p, np.ndarray) else p for p in params]
    if not params:
        raise ValueError("params must hold W, b per layer")
    check_floating(params[0], "W1")
    check_ndim(params[0], 2, "W1")
    check_mlp(torch.zeros((1, params[0].shape[0]), dtype=params[0].dtype), params, activations,
              negative_slope)
    dtype = getattr(torch, dtype) if dtype else params[0].dtype
    model = _sequential(_sizes(params[0].shape[0], params), tuple(activations), negative_slope, dtype)
    with torch.no_grad():
        for (_, linear), W, b in zip(_linears(model), params[::2], params[1::2]):
            linear.weight.copy_(W.T)
            linear.bias.copy_(b)
    return model


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
