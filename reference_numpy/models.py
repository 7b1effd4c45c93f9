r"""Multilayer perceptrons built from :mod:`reference_numpy.layers` and the activations, with a
hand-written backward (llm.c style: ``mlp_forward -> (out, cache)``, ``mlp_backward(dout, cache)``).

``params`` are ``W1, b1, W2, b2, ...`` in the NumPy layout (``W`` is (in, out)); ``activations`` names
one activation per layer: ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"`` or ``"linear"`` (none:
logits). ``batchnorm`` (one bool per layer) puts batch normalisation in training mode between a layer's dense
part and its activation (torch's ``nn.BatchNorm1d``, Keras's ``BatchNormalization``), its ``gamma_i, beta_i``
following ``b_i`` in ``params`` (``argchecks.mlp_names``). The builders (``mlp_model``, ``parameter_names``,
``params_of``, ``numpy_layout``) give the same network as an object for training loops; torch and Keras return an
``nn.Sequential`` / ``keras.Sequential`` instead.
"""
from dataclasses import dataclass

import numpy as np

from .activations import (leaky_relu, leaky_relu_backward, relu, relu_backward, sigmoid, sigmoid_backward,
                          sigmoid_grad_from_output, tanh, tanh_backward, tanh_grad_from_output)
from argchecks import mlp_layers, mlp_names

from .layers import affine, batchnorm_backward, batchnorm_forward, check_dout, dense_backward
from .losses_common import compute_in
from .validation import check_floating, check_mlp, check_ndim

__all__ = ["mlp_forward", "mlp_model", "parameter_names", "params_of", "numpy_layout"]

_FROM_OUTPUT = {"sigmoid": sigmoid_grad_from_output, "tanh": tanh_grad_from_output}  # the VJP from f(z)


def _activate(name, z, slope, constant_dtype):
    if name == "leaky_relu":
        return leaky_relu(z, negative_slope=slope, constant_dtype=constant_dtype)
    return {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu}[name](z)


def _activate_backward(name, da, z, h, slope, constant_dtype):
    """The activation's VJP at ``z``; sigmoid and tanh read it off their output ``h`` when given (not recomputed)."""
    if h is not None and name in _FROM_OUTPUT:
        return _FROM_OUTPUT[name](da, h)
    if name == "leaky_relu":
        return leaky_relu_backward(da, z, negative_slope=slope, constant_dtype=constant_dtype)
    backward = {"linear": lambda g, v: g, "sigmoid": sigmoid_backward, "tanh": tanh_backward, "relu": relu_backward}
    return backward[name](da, z)


def mlp_forward(x, *params, activations, batchnorm=(), negative_slope=0.01, eps=1e-5, constant_dtype=None,
                dtype=None):
    r"""A fully connected network: layer :math:`i` computes :math:`h_i = f_i(h_{i-1} W_i + b_i)`, :math:`h_0 = x`,
    or :math:`h_i = f_i(\mathrm{BN}_{\gamma_i, \beta_i}(h_{i-1} W_i + b_i))` where ``batchnorm`` says so.

    ``negative_slope`` is the leaky ReLU's (torch's ``nn.LeakyReLU`` 0.01, ``keras.layers.LeakyReLU`` 0.3);
    ``constant_dtype="float32"`` rounds it through float32 as TensorFlow does (see
    :func:`reference_numpy.activations.leaky_relu`); ``eps`` is batch normalisation's (torch 1e-5, Keras 1e-3);
    ``dtype`` as in :mod:`reference_numpy.layers`.
    """
    check_mlp(x, params, activations, negative_slope, batchnorm=batchnorm, eps=eps)
    h, *ps = compute_in(dtype, x, *params)  # (N, D), then W_i (H_{i-1}, H_i), b_i (H_i,)[, gamma_i, beta_i (H_i,)]
    layers = []
    for (W, b, gamma, beta), name in zip(mlp_layers(ps, batchnorm), activations):
        z, dense = affine(h, W, b)  # (N, H_i)
        norm = None
        if gamma is not None:
            z, norm = batchnorm_forward(z, gamma, beta, eps=eps)  # (N, H_i): the batch's statistics
        h = _activate(name, z, negative_slope, constant_dtype)  # (N, H_i)
        layers.append((dense, norm, z, name))
    return h, (layers, negative_slope, constant_dtype, x.dtype)


def mlp_backward(dout, cache, *, input_grad=True):
    r"""Back through the layers in reverse: each activation's VJP, batch normalisation's, then the dense layer's.

    .. math:: \partial L/\partial z_i = f_i'(z_i) \odot \partial L/\partial h_i, \quad
              \partial L/\partial W_i = h_{i-1}^\top \partial L/\partial z_i, \quad
              \partial L/\partial h_{i-1} = \partial L/\partial z_i \, W_i^\top

    (with batch normalisation, :math:`\partial L/\partial z_i` passes through
    :func:`reference_numpy.layers.batchnorm_backward` first, which also gives :math:`\partial L/\partial \gamma_i,
    \partial L/\partial \beta_i`). ``(dx, dW1, db1, ...)`` in ``params``' order; ``input_grad=False`` leaves out
    :math:`\partial L/\partial x` (``None`` in its place): a training step's x is data, and its gradient is the
    first layer's third GEMM (torch skips it for an input that does not require grad).
    """
    layers, slope, constant_dtype, in_dtype = cache
    last_z = layers[-1][2]
    check_dout(dout, last_z.shape, last_z.dtype)
    # h_i is layer i+1's input, kept in its cache; the last layer's is the caller's ``out`` (maybe changed since)
    outputs = [dense[0] for dense, _, _, _ in layers[1:]] + [None]
    g, grads = dout, []
    for i, ((dense, norm, z, name), h) in reversed(list(enumerate(zip(layers, outputs)))):
        dz = _activate_backward(name, g, z, h, slope, constant_dtype)  # (N, H_i)
        norm_grads = []
        if norm is not None:
            dz, dgamma, dbeta = batchnorm_backward(dz, norm)  # (N, H_i), (H_i,), (H_i,)
            norm_grads = [dgamma, dbeta]
        g, dW, db = dense_backward(dz, dense, input_grad=input_grad or i > 0)  # (N, H_{i-1}), (H_{i-1}, H_i), (H_i,)
        grads = [dW, db] + norm_grads + grads
    return tuple(None if a is None else a.astype(in_dtype, copy=False) for a in (g, *grads))


@dataclass
class _MLP:
    """The reference's model object: ``params`` (NumPy layout) and the network's switches."""
    params: list
    activations: tuple
    batchnorm: tuple
    negative_slope: float
    eps: float
    constant_dtype: str | None
    dtype: str | None

    def forward(self, x):
        """``(out, cache)`` of :func:`mlp_forward` at the current ``params``."""
        return mlp_forward(x, *self.params, activations=self.activations, batchnorm=self.batchnorm,
                           negative_slope=self.negative_slope, eps=self.eps, constant_dtype=self.constant_dtype,
                           dtype=self.dtype)

    def backward(self, dout, cache, *, input_grad=True):
        """``(dx, dW1, db1, ...)``: :func:`mlp_backward` (``input_grad=False``: ``dx`` is ``None``)."""
        return mlp_backward(dout, cache, input_grad=input_grad)


def mlp_model(params, *, activations, batchnorm=(), negative_slope=0.01, eps=1e-5, constant_dtype=None, dtype=None):
    """The network as an object with ``params`` (copies), ``forward(x) -> (out, cache)`` and
    ``backward(dout, cache) -> (dx, dW1, db1, ...)``: the reference's ``nn.Sequential``."""
    params = [np.array(p, copy=True) if isinstance(p, np.ndarray) else p for p in params]
    if not params:
        raise ValueError("params must hold W, b per layer")
    check_floating(params[0], "W1")
    check_ndim(params[0], 2, "W1")
    check_mlp(np.zeros((2, params[0].shape[0]), params[0].dtype), params, activations, negative_slope,
              batchnorm=batchnorm, eps=eps)  # a batch of W1's width
    return _MLP(params, tuple(activations), tuple(batchnorm), negative_slope, eps, constant_dtype, dtype)


def parameter_names(model):
    """``["W1", "b1", ...]`` (with ``gamma_i, beta_i`` after a batch-normalised layer's ``b_i``), in ``params``'
    order."""
    return mlp_names(len(model.activations), model.batchnorm)


def params_of(model):
    """The model's parameters as NumPy arrays in the NumPy layout (copies): ``[W1, b1, W2, b2, ...]``."""
    return numpy_layout(model, model.params)


def numpy_layout(model, tensors):
    """Per-parameter values (parameters, gradients) in the model's own order and layout, as NumPy arrays in
    the NumPy layout. The reference's layout is the NumPy layout: copies."""
    if len(tensors) != len(model.params):
        raise ValueError(f"tensors has {len(tensors)} entries for {len(model.params)} parameters")
    return [t.copy() for t in tensors]
