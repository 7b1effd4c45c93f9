r"""Layers in Keras 3 (``keras.layers.Dense``, ``keras.layers.BatchNormalization``, a functional residual
``keras.Model``), run on the caller's tensors with ``stateless_call``: the layer (in a ``keras.Sequential``,
so that it is called as a user calls it) is the architecture, one cached per shape and dtype (building
costs far more than calling); the arrays passed in are its variables, so the tape differentiates the
output w.r.t. the arguments themselves. A ``Dense`` kernel is (in, out), the NumPy layout.

Each function returns the output only (the tape keeps what the backward needs; the NumPy reference's
``X_forward`` returns ``(out, cache)``). A hyperparameter not passed (``DEFAULT``) is left out of the layer's
constructor, so Keras's own default applies. ``dtype`` is the layer's dtype policy (``None``: floatx, ``"float32"``
unless changed), always passed: see :func:`dtype_policy`. As for a user's layer, the weights are cast to the variables'
dtype and the inputs to the compute dtype.
"""
import functools

import keras
from keras import ops

from .defaults import DEFAULT, given
from .validation import check_batchnorm, check_input, check_number, check_residual, check_running_stats, check_weights

__all__ = ["dense_forward", "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats",
           "residual_forward"]


def dtype_policy(dtype):
    """The dtype a layer built with ``dtype`` computes in: floatx when ``None``. Passed explicitly: a layer left
    without one takes Keras's global dtype policy, which is fixed from floatx when the process builds its first
    layer, so it would not follow a later ``keras.config.set_floatx`` (as the suite sets floatx per run)."""
    return dtype or keras.config.floatx()


def stateless_run(model, trainable, non_trainable, *args, **kwargs):
    """``model.stateless_call`` with the given tensors as its variables, each cast to its variable's dtype
    (a user's weights live in the variables' dtype). Returns ``(outputs, updated non-trainable values)``."""
    trainable = [ops.cast(t, v.dtype) for t, v in zip(trainable, model.trainable_variables, strict=True)]
    non_trainable = [ops.cast(t, v.dtype) for t, v in zip(non_trainable, model.non_trainable_variables, strict=True)]
    return model.stateless_call(trainable, non_trainable, *args, **kwargs)


def _model(width, layer):
    """``layer`` as a user calls it, ``layer(x)``: ``stateless_call`` of the bare layer would skip
    ``Layer.__call__``, which casts the input to the layer's compute dtype."""
    return keras.Sequential([keras.Input((width,), dtype=layer.dtype_policy.compute_dtype), layer])


@functools.lru_cache(maxsize=64)
def _dense(d_in, d_out, dtype):
    return _model(d_in, keras.layers.Dense(d_out, dtype=dtype))


# dtype (here and below): no Keras default passed through -- None is floatx now, see dtype_policy()
def dense_forward(x, W, b, *, dtype=None):
    r""":math:`xW + b`: ``keras.layers.Dense(H)`` with ``kernel = W``, ``bias = b``."""
    check_input(x)
    check_weights(W, b, x, x.shape[1])
    return stateless_run(_dense(*W.shape, dtype_policy(dtype)), [W, b], [], x)[0]


@functools.lru_cache(maxsize=64)
def _batchnorm(width, eps, momentum, dtype):
    """``BatchNormalization`` with only the hyperparameters given."""
    return _model(width, keras.layers.BatchNormalization(**given(epsilon=eps, momentum=momentum), dtype=dtype))


def batchnorm_forward(x, gamma, beta, *, eps=DEFAULT, dtype=None):
    r"""Training mode: ``keras.layers.BatchNormalization()`` (Keras's default ``epsilon``, 1e-3 in Keras 3.15)
    called with ``training=True``."""
    check_batchnorm(x, gamma, beta, eps, batch=2)
    layer = _batchnorm(x.shape[1], eps, DEFAULT, dtype_policy(dtype))
    return stateless_run(layer, [gamma, beta], layer.non_trainable_variables, x, training=True)[0]


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, *, eps=DEFAULT, dtype=None):
    r"""Inference mode (``training=False``): the moving statistics replace the batch's."""
    check_batchnorm(x, gamma, beta, eps)
    check_running_stats(x, running_mean, running_var, nonnegative=True)
    layer = _batchnorm(x.shape[1], eps, DEFAULT, dtype_policy(dtype))
    return stateless_run(layer, [gamma, beta], [running_mean, running_var], x, training=False)[0]


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=DEFAULT, dtype=None):
    r"""``moving_mean`` and ``moving_variance`` of ``BatchNormalization()`` (Keras's default ``momentum``, 0.99 in
    Keras 3.15) after one training step, stacked (2, D): :math:`r \leftarrow m r + (1 - m) s`, the variance's
    :math:`s` biased (:math:`N`)."""
    check_input(x, batch=2)
    check_running_stats(x, running_mean, running_var)
    check_number(momentum, "momentum", low=0.0, high=1.0)
    layer = _batchnorm(x.shape[1], DEFAULT, momentum, dtype_policy(dtype))
    _, (mean, var) = stateless_run(layer, layer.trainable_variables, [running_mean, running_var], x, training=True)
    return ops.stack([mean, var])


@functools.lru_cache(maxsize=32)
def _residual(width, hidden, dtype):
    """Functional ``keras.Model``: ``Add()([x, Dense(D)(Dense(H, relu)(x))])``."""
    x = keras.Input((width,), dtype=dtype)
    branch = keras.layers.Dense(width, dtype=dtype)(keras.layers.Dense(hidden, activation="relu", dtype=dtype)(x))
    return keras.Model(x, keras.layers.Add(dtype=dtype)([x, branch]))


def residual_forward(x, W1, b1, W2, b2, *, dtype=None):
    r""":math:`x + \mathrm{relu}(x W_1 + b_1) W_2 + b_2`: a functional ``keras.Model`` with an ``Add`` layer."""
    check_residual(x, W1, b1, W2, b2)
    return stateless_run(_residual(x.shape[1], W1.shape[1], dtype_policy(dtype)), [W1, b1, W2, b2], [], x)[0]
