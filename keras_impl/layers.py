r"""Layers in Keras 3 (``keras.layers.Dense``, ``keras.layers.BatchNormalization``, a functional residual
``keras.Model``), run on the caller's tensors with ``stateless_call``: the layer (in a ``keras.Sequential``,
so that it is called as a user calls it) is the architecture, one cached per shape and dtype (building
costs far more than calling); the arrays passed in are its variables, so the tape differentiates the
output w.r.t. the arguments themselves. A ``Dense`` kernel is (in, out), the NumPy layout.

Each function returns the output only (the tape keeps what the backward needs; the NumPy reference's
``X_forward`` returns ``(out, cache)``). A hyperparameter not passed (``DEFAULT``) is left out of the layer's
constructor, so Keras's own default applies. ``dtype`` is the layer's dtype policy (``None``: floatx, ``"float32"``
unless changed), always passed: see :func:`policy`. As for a user's layer, the weights are cast to the variables'
dtype and the inputs to the compute dtype.
"""
import functools

import keras
from keras import ops

from .defaults import DEFAULT, given
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


def policy(dtype):
    """The dtype a layer built with ``dtype`` computes in: floatx when ``None``. Passed explicitly: a layer left
    without one takes Keras's global dtype policy, which is fixed from floatx when the process builds its first
    layer, so it would not follow a later ``keras.config.set_floatx`` (as the suite sets floatx per run)."""
    return dtype or keras.config.floatx()


def run(model, trainable, non_trainable, *args, **kwargs):
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


# dtype (here and below): no Keras default passed through -- None is floatx now, see policy()
def dense_forward(x, W, b, *, dtype=None):
    r""":math:`xW + b`: ``keras.layers.Dense(H)`` with ``kernel = W``, ``bias = b``."""
    check_input(x)
    check_weights(W, b, x, x.shape[1])
    return run(_dense(*W.shape, policy(dtype)), [W, b], [], x)[0]


def _check_batchnorm(x, gamma, beta, eps, *, batch=1):
    """``x`` with ``batch`` rows, ``gamma`` and ``beta`` (D,), ``eps`` positive and finite (torch raises for a
    negative one in training mode only; NumPy and Keras would return NaN)."""
    check_input(x, batch=batch)
    check_number(eps, "eps", low=0.0, low_open=True)
    check_vector(gamma, "gamma", x, x.shape[1])
    check_vector(beta, "beta", x, x.shape[1])


@functools.lru_cache(maxsize=64)
def _batchnorm(width, eps, momentum, dtype):
    """``BatchNormalization`` with only the hyperparameters given."""
    return _model(width, keras.layers.BatchNormalization(**given(epsilon=eps, momentum=momentum), dtype=dtype))


def batchnorm_forward(x, gamma, beta, *, eps=DEFAULT, dtype=None):
    r"""Training mode: ``keras.layers.BatchNormalization()`` (Keras's default ``epsilon``, 1e-3 in Keras 3.15)
    called with ``training=True``."""
    _check_batchnorm(x, gamma, beta, eps, batch=2)
    layer = _batchnorm(x.shape[1], eps, DEFAULT, policy(dtype))
    return run(layer, [gamma, beta], layer.non_trainable_variables, x, training=True)[0]


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, *, eps=DEFAULT, dtype=None):
    r"""Inference mode (``training=False``): the moving statistics replace the batch's."""
    _check_batchnorm(x, gamma, beta, eps)
    check_vector(running_mean, "running_mean", x, x.shape[1])
    check_vector(running_var, "running_var", x, x.shape[1])
    if bool(ops.any(running_var < 0)):
        raise ValueError("running_var has negative entries")
    layer = _batchnorm(x.shape[1], eps, DEFAULT, policy(dtype))
    return run(layer, [gamma, beta], [running_mean, running_var], x, training=False)[0]


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=DEFAULT, dtype=None):
    r"""``moving_mean`` and ``moving_variance`` of ``BatchNormalization()`` (Keras's default ``momentum``, 0.99 in
    Keras 3.15) after one training step, stacked (2, D): :math:`r \leftarrow m r + (1 - m) s`, the variance's
    :math:`s` biased (:math:`N`)."""
    check_input(x, batch=2)
    check_vector(running_mean, "running_mean", x, x.shape[1])
    check_vector(running_var, "running_var", x, x.shape[1])
    check_number(momentum, "momentum", low=0.0, high=1.0)
    layer = _batchnorm(x.shape[1], DEFAULT, momentum, policy(dtype))
    _, (mean, var) = run(layer, layer.trainable_variables, [running_mean, running_var], x, training=True)
    return ops.stack([mean, var])


@functools.lru_cache(maxsize=32)
def _residual(width, hidden, dtype):
    """Functional ``keras.Model``: ``Add()([x, Dense(D)(Dense(H, relu)(x))])``."""
    x = keras.Input((width,), dtype=dtype)
    branch = keras.layers.Dense(width, dtype=dtype)(keras.layers.Dense(hidden, activation="relu", dtype=dtype)(x))
    return keras.Model(x, keras.layers.Add(dtype=dtype)([x, branch]))


def residual_forward(x, W1, b1, W2, b2, *, dtype=None):
    r""":math:`x + \mathrm{relu}(x W_1 + b_1) W_2 + b_2`: a functional ``keras.Model`` with an ``Add`` layer."""
    check_input(x)
    check_weights(W1, b1, x, x.shape[1], names=("W1", "b1"))
    check_weights(W2, b2, x, W1.shape[1], names=("W2", "b2"), source="the hidden layer")
    if W2.shape[1] != x.shape[1]:
        raise ValueError(f"W2 has {W2.shape[1]} columns; the residual sum needs x's {x.shape[1]}")
    return run(_residual(x.shape[1], W1.shape[1], policy(dtype)), [W1, b1, W2, b2], [], x)[0]
