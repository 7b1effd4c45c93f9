r"""Gradient flow through deep networks: vanishing and exploding gradients and their mitigations.

A deep network (``deep_net_forward``) is a stack of fully connected layers, each optionally followed by
batch normalisation in training mode (a fresh layer: :math:`\gamma = 1`, :math:`\beta = 0`, the batch's
statistics) and optionally wrapped in a residual connection:

.. math:: z_i = h_{i-1} W_i + b_i, \quad a_i = f_i(\mathrm{BN}(z_i)\ \text{or}\ z_i), \quad
          h_i = h_{i-1} + a_i\ \text{(residual)}\ \text{or}\ a_i, \quad h_0 = x

``layer_gradient_norms`` backpropagates the fixed scalar loss :math:`L = \tfrac{1}{2N} \sum h_L^2`
(so :math:`\partial L / \partial h_L = h_L / N`) and returns :math:`\lVert \partial L / \partial W_i
\rVert_2` per layer; ``sgd_loss_curve`` trains a plain MLP on that loss by SGD, optionally with global-norm
clipping. Built from :mod:`reference_numpy.layers` (``affine``, ``dense_backward``, ``batchnorm_*``),
:mod:`reference_numpy.models` and :mod:`reference_numpy.clipping`, with their hand-written backwards.
``params`` are ``W1, b1, W2, b2, ...`` in the NumPy layout (``W`` is (in, out)).
"""
import numpy as np

from .activations import relu, relu_backward, sigmoid, sigmoid_backward, tanh, tanh_backward
from .clipping import clip_by_global_norm
from .layers import affine, batchnorm_backward, batchnorm_forward, check_dout, dense_backward
from .losses_common import compute_in
from .models import mlp_backward, mlp_forward
from .validation import check_network, check_sgd_run

__all__ = ["deep_net_forward", "layer_gradient_norms", "sgd_loss_curve"]

_FORWARD = {"linear": lambda z: z, "sigmoid": sigmoid, "tanh": tanh, "relu": relu}
_BACKWARD = {"linear": lambda g, z: g, "sigmoid": sigmoid_backward, "tanh": tanh_backward, "relu": relu_backward}


def deep_net_forward(x, *params, activations, batchnorm=False, residual=False, eps=1e-5, dtype=None):
    r"""The deep network of the module docstring on ``x`` (N, D); ``eps`` is batch normalisation's
    (torch's ``nn.BatchNorm1d`` 1e-5, Keras's ``BatchNormalization`` 1e-3); ``dtype`` the compute dtype."""
    check_network(x, params, activations, batchnorm=batchnorm, residual=residual, eps=eps)
    h, *ps = compute_in(dtype, x, *params)  # (N, D), W_i (H_{i-1}, H_i), b_i (H_i,)
    layers = []
    for W, b, name in zip(ps[::2], ps[1::2], activations):
        z, dense = affine(h, W, b)  # (N, H_i)
        norm = None
        if batchnorm:
            z, norm = batchnorm_forward(z, np.ones_like(b), np.zeros_like(b), eps=eps)  # (N, H_i)
        a = _FORWARD[name](z)  # (N, H_i)
        layers.append((dense, norm, z, name))
        h = h + a if residual else a  # (N, H_i)
    return h, (layers, residual, x.dtype)


def deep_net_backward(dout, cache):
    r"""Back through the layers: the activation's VJP, batch normalisation's, the dense layer's; a residual
    connection adds the identity's :math:`g` to the branch's.

    .. math:: \partial L/\partial h_{i-1} = [\partial L/\partial h_i]_{\text{residual}} +
              \big(\mathrm{BN}'^\top (f_i'(\cdot) \odot \partial L/\partial h_i)\big) W_i^\top, \quad
              \partial L/\partial W_i = h_{i-1}^\top \partial L/\partial z_i
    """
    layers, residual, in_dtype = cache
    last_z = layers[-1][2]
    check_dout(dout, last_z.shape, last_z.dtype)
    g, grads = dout, []
    for dense, norm, z, name in reversed(layers):
        dz = _BACKWARD[name](g, z)  # (N, H_i)
        if norm is not None:
            dz = batchnorm_backward(dz, norm)[0]  # (N, H_i): through the batch statistics
        dh, dW, db = dense_backward(dz, dense)  # (N, H_{i-1}), (H_{i-1}, H_i), (H_i,)
        g = g + dh if residual else dh  # (N, H_{i-1})
        grads = [dW, db] + grads
    return tuple(a.astype(in_dtype, copy=False) for a in (g, *grads))


def _norm(g):
    r""":math:`\sqrt{\sum g^2}` in ``g``'s dtype."""
    return np.sqrt(np.sum(g * g, dtype=g.dtype))


def layer_gradient_norms(x, *params, activations, batchnorm=False, residual=False, eps=1e-5, dtype=None):
    r"""(L,) :math:`\lVert \partial L / \partial W_i \rVert_2` for :math:`L = \tfrac{1}{2N} \sum h_L^2`, in
    the parameters' dtype: the hand-written backward of :func:`deep_net_forward`."""
    out, cache = deep_net_forward(x, *params, activations=activations, batchnorm=batchnorm, residual=residual,
                                  eps=eps, dtype=dtype)
    grads = deep_net_backward(out / out.shape[0], cache)  # dL/dh_L = h_L / N
    return np.stack([_norm(dW) for dW in grads[1::2]])  # (L,)


def _unravel(flat, like):
    """The raveled concatenation ``flat`` split back into arrays shaped as ``like``."""
    sizes = np.cumsum([a.size for a in like])[:-1]
    return [part.reshape(a.shape) for part, a in zip(np.split(flat, sizes), like)]


def sgd_loss_curve(x, *params, activations, steps, learning_rate, max_norm=None, dtype=None):
    r"""(steps + 1,) losses :math:`L = \tfrac{1}{2N} \sum h_L^2` of an MLP (:func:`mlp_forward`) trained by
    SGD, :math:`p \leftarrow p - \eta\, g`, the loss before each step and after the last. With ``max_norm``
    the gradients are first clipped together by :func:`reference_numpy.clipping.clip_by_global_norm`.
    Training stops once the loss or a parameter is not finite; later entries are NaN."""
    check_network(x, params, activations)
    check_sgd_run(steps, learning_rate, max_norm)
    losses = np.full(steps + 1, np.nan)
    params = list(params)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            out, cache = mlp_forward(x, *params, activations=activations, dtype=dtype)  # (N, H_L)
            losses[step] = 0.5 * np.sum(out * out) / out.shape[0]
            if step == steps or not np.isfinite(losses[step]):
                break
            grads = mlp_backward(out / out.shape[0], cache, input_grad=False)[1:]  # dW1, db1, ...
            if max_norm is not None:
                grads = _unravel(clip_by_global_norm(*grads, max_norm=max_norm), grads)
            params = [p - p.dtype.type(learning_rate) * g for p, g in zip(params, grads)]
            if not all(np.all(np.isfinite(p)) for p in params):
                break
    return losses
