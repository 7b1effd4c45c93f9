r"""Gradient flow through deep networks in Keras 3: per-layer gradient norms from the backend's gradient (``autograd``), and
SGD with ``global_clipnorm`` (through :func:`keras_impl.clipping.clip_by_global_norm`).

``deep_net_forward`` runs one cached functional ``keras.Model`` per architecture and dtype policy with
``stateless_call`` (a plain stack is :func:`keras_impl.models.mlp_forward`'s cached ``keras.Sequential``):
``Dense``, then ``BatchNormalization`` called with ``training=True`` (gamma 1, beta 0, as a fresh layer)
and an ``Activation`` layer, optionally ``Add``-ed to the block's input. The loss is
:math:`L = \tfrac{1}{2N} \sum h_L^2`. A hyperparameter not passed (``DEFAULT``) is left out of the layers'
constructors, so Keras's own default applies (``BatchNormalization``'s epsilon, 1e-3 in Keras 3.15); ``dtype``
is the layers' dtype policy (``None``: floatx), passed as in :mod:`keras_impl.layers`.
"""
import functools

import keras
import numpy as np
from keras import ops

from .autograd import value_and_grads, vjp
from .clipping import clip_by_global_norm
from .defaults import DEFAULT, given
from .layers import dtype_policy, stateless_run
from .models import mlp_forward, mlp_model
from .validation import check_network, check_sgd_run

__all__ = ["deep_net_forward", "layer_gradient_norms", "sgd_loss_curve"]



@functools.lru_cache(maxsize=16)
def _network(sizes, activations, batchnorm, residual, eps, dtype):
    """Functional model: ``Dense`` [-> ``BatchNormalization`` -> ``Activation``] per layer, ``Add`` for residuals;
    ``eps`` passed only when given."""
    x = keras.Input((sizes[0],), dtype=dtype)
    h = x
    for units, name in zip(sizes[1:], activations):
        if batchnorm:
            normalise = keras.layers.BatchNormalization(**given(epsilon=eps), dtype=dtype)
            a = keras.layers.Activation(name, dtype=dtype)(normalise(keras.layers.Dense(units, dtype=dtype)(h)))
        else:
            a = keras.layers.Dense(units, activation=name, dtype=dtype)(h)
        h = keras.layers.Add(dtype=dtype)([h, a]) if residual else a
    return keras.Model(x, h)


# batchnorm, residual (here and below): no Keras default -- the suite's architecture switches;
# dtype (here and below): no Keras default passed through -- None is floatx now, see keras_impl.layers.dtype_policy
def deep_net_forward(x, *params, activations, batchnorm=False, residual=False, eps=DEFAULT, dtype=None):
    r"""The deep network (see :mod:`reference_numpy.gradient_flow`); the output only."""
    check_network(x, params, activations, batchnorm=batchnorm, residual=residual, eps=eps)
    if not batchnorm and not residual:
        return mlp_forward(x, *params, activations=activations, dtype=dtype)
    sizes = (x.shape[1],) + tuple(W.shape[1] for W in params[::2])
    model = _network(sizes, tuple(activations), batchnorm, residual, eps, dtype_policy(dtype))
    trainable = []
    for W, b in zip(params[::2], params[1::2]):
        trainable += [W, b] + ([ops.ones_like(b), ops.zeros_like(b)] if batchnorm else [])  # kernel, bias, gamma, beta
    return stateless_run(model, trainable, model.non_trainable_variables, x, training=True)[0]


def layer_gradient_norms(x, *params, activations, batchnorm=False, residual=False, eps=DEFAULT, dtype=None):
    r"""(L,) :math:`\lVert \partial L / \partial W_i \rVert_2` from the backend's gradient (``autograd``), in the parameters'
    dtype (the gradients are cast back through the layers' dtype policy)."""
    check_network(x, params, activations, batchnorm=batchnorm, residual=residual, eps=eps)

    def loss(*params):
        out = deep_net_forward(x, *params, activations=activations, batchnorm=batchnorm, residual=residual,
                               eps=eps, dtype=dtype)
        return 0.5 * ops.sum(out * out) / out.shape[0]
    _, grads = vjp(loss, params, None)
    return ops.stack([ops.sqrt(ops.sum(ops.square(g))) for g in grads[::2]])  # (L,)


def _unravel(flat, like):
    """The raveled concatenation ``flat`` split back into tensors shaped as ``like``."""
    sizes = np.cumsum([int(np.prod(v.shape)) for v in like])[:-1]
    return [ops.reshape(part, v.shape) for part, v in zip(ops.split(flat, [int(s) for s in sizes]), like)]


def _finite(tensors):
    return all(bool(ops.all(ops.isfinite(t))) for t in tensors)


# max_norm: no Keras default -- the suite's switch, None: no clipping
def sgd_loss_curve(x, *params, activations, steps, learning_rate, max_norm=None, dtype=None):
    r"""(steps + 1,) losses of :func:`keras_impl.models.mlp_model` trained by ``keras.optimizers.SGD``; with
    ``max_norm`` the gradients are clipped together first. Stops at a non-finite loss or parameter (NaN after)."""
    check_network(x, params, activations)
    check_sgd_run(steps, learning_rate, max_norm)
    model = mlp_model([ops.convert_to_numpy(p) for p in params], activations=activations, dtype=dtype)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    variables = model.trainable_variables
    losses = [float("nan")] * (steps + 1)

    def loss_fn():
        out = model(x)
        return 0.5 * ops.sum(out * out) / out.shape[0]
    for step in range(steps + 1):
        loss, grads = value_and_grads(loss_fn, variables)
        losses[step] = float(loss)
        if step == steps or not _finite([loss]):
            break
        if max_norm is not None:
            grads = _unravel(clip_by_global_norm(*grads, max_norm=max_norm), variables)
        optimizer.apply(grads, variables)
        if not _finite(variables):
            break
    return ops.convert_to_tensor(losses, dtype="float64")
