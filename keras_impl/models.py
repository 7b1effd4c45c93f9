r"""Multilayer perceptrons in Keras 3: a ``keras.Sequential`` of ``Dense`` layers (the activation given to
``Dense``; the leaky ReLU as a ``keras.layers.LeakyReLU`` layer, as users write it).

``mlp_forward`` runs one cached ``keras.Sequential`` per architecture and dtype on the caller's tensors
with ``stateless_call`` (a ``Dense`` kernel is (in, out): the NumPy layout), so the tape differentiates
w.r.t. the arguments; it returns the output only. ``mlp_model`` builds a fresh ``keras.Sequential`` and
``set_weights`` the NumPy arrays, for training loops; ``params_of`` / ``numpy_layout`` read parameters and
gradients (``tape.gradient(loss, model.trainable_variables)``) back as NumPy arrays. ``batchnorm`` (one bool per
layer) puts a ``BatchNormalization`` (called with ``training=True``) between a layer's ``Dense`` (then without
activation) and its activation (a layer after it), its gamma and beta following ``b_i``. A hyperparameter not
passed (``DEFAULT``) is left out of the layers' constructors, so Keras's own default applies
(``keras.layers.LeakyReLU``'s slope, 0.3, and ``BatchNormalization``'s epsilon, 1e-3, in Keras 3.15); ``dtype`` is
passed as in :mod:`keras_impl.layers`.
"""
import functools

import keras
import numpy as np

from argchecks import mlp_layers, mlp_names

from .defaults import DEFAULT, given
from .layers import dtype_policy, stateless_run
from .validation import check_floating, check_mlp, check_ndim

__all__ = ["mlp_forward", "mlp_model", "parameter_names", "params_of", "numpy_layout"]


def _activation(name, negative_slope, dtype):
    if name == "leaky_relu":
        return [keras.layers.LeakyReLU(**given(negative_slope=negative_slope), dtype=dtype)]
    return [] if name == "linear" else [keras.layers.Activation(name, dtype=dtype)]


def _sequential(sizes, activations, batchnorm, negative_slope, eps, dtype):
    """``Dense(sizes[i+1], activation=...)`` per layer; a ``LeakyReLU`` layer after a leaky layer's ``Dense``;
    with ``batchnorm``, ``Dense`` (no activation), ``BatchNormalization``, then the activation as a layer;
    ``negative_slope`` and ``eps`` passed only when given."""
    layers = [keras.Input((sizes[0],), dtype=dtype)]
    for i, (units, name) in enumerate(zip(sizes[1:], activations)):
        if batchnorm and batchnorm[i]:
            layers += [keras.layers.Dense(units, dtype=dtype),
                       keras.layers.BatchNormalization(**given(epsilon=eps), dtype=dtype),
                       *_activation(name, negative_slope, dtype)]
        elif name == "leaky_relu":
            layers += [keras.layers.Dense(units, dtype=dtype), *_activation(name, negative_slope, dtype)]
        else:
            layers.append(keras.layers.Dense(units, activation=None if name == "linear" else name, dtype=dtype))
    return keras.Sequential(layers)


_cached_sequential = functools.lru_cache(maxsize=32)(_sequential)


def _sizes(x_width, params, batchnorm):
    return (x_width,) + tuple(W.shape[1] for W, _, _, _ in mlp_layers(params, batchnorm))


# dtype (here and below): no Keras default passed through -- None is floatx now, see keras_impl.layers.dtype_policy
def mlp_forward(x, *params, activations, batchnorm=(), negative_slope=DEFAULT, eps=DEFAULT, dtype=None):
    r""":math:`h_i = f_i(h_{i-1} W_i + b_i)` (batch-normalised first where ``batchnorm`` says): a cached
    ``keras.Sequential`` run with ``stateless_call`` (``training=True``: the batch's statistics)."""
    check_mlp(x, params, activations, negative_slope, batchnorm=batchnorm, eps=eps)
    model = _cached_sequential(_sizes(x.shape[1], params, batchnorm), tuple(activations), tuple(batchnorm),
                               negative_slope, eps, dtype_policy(dtype))
    return stateless_run(model, params, model.non_trainable_variables, x, training=True)[0]


def mlp_model(params, *, activations, batchnorm=(), negative_slope=DEFAULT, eps=DEFAULT, dtype=None):
    """A fresh ``keras.Sequential`` (dtype policy ``dtype``, floatx when ``None``) with the NumPy arrays
    ``params`` (W1, b1[, gamma1, beta1], ...; W (in, out), the kernel layout) assigned to its trainable variables
    (the moving statistics keep their initial values)."""
    params = list(params)
    if not params:
        raise ValueError("params must hold W, b per layer")
    check_floating(params[0], "W1")
    check_ndim(params[0], 2, "W1")
    check_mlp(np.zeros((2, params[0].shape[0]), params[0].dtype), params, activations, negative_slope,
              batchnorm=batchnorm, eps=eps)
    model = _sequential(_sizes(params[0].shape[0], params, batchnorm), tuple(activations), tuple(batchnorm),
                        negative_slope, eps, dtype_policy(dtype))
    for variable, value in zip(model.trainable_variables, params, strict=True):
        variable.assign(keras.ops.cast(keras.ops.convert_to_numpy(value), variable.dtype))
    return model


def parameter_names(model):
    """``["W1", "b1", ...]`` in ``model.trainable_variables`` order (``gamma_i, beta_i`` for a
    ``BatchNormalization``)."""
    layers = [layer for layer in model.layers if isinstance(layer, (keras.layers.Dense,
                                                                    keras.layers.BatchNormalization))]
    batchnorm = tuple(isinstance(after, keras.layers.BatchNormalization)
                      for layer, after in zip(layers, layers[1:] + [None]) if isinstance(layer, keras.layers.Dense))
    return mlp_names(len(batchnorm), batchnorm)


def params_of(model):
    """The model's parameters as NumPy arrays in the NumPy layout: ``[W1, b1, ...]`` (kernels are (in, out))."""
    return numpy_layout(model, model.trainable_variables)


def numpy_layout(model, tensors):
    """Per-parameter tensors in ``model.trainable_variables`` order (the variables, or the tape's gradients)
    as NumPy arrays: Keras's layout is the NumPy layout."""
    if len(tensors) != len(model.trainable_variables):
        raise ValueError(f"tensors has {len(tensors)} entries for {len(model.trainable_variables)} parameters")
    return [np.array(keras.ops.convert_to_numpy(t)) for t in tensors]
