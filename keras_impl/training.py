r"""Training an MLP in Keras 3, on the backend of the process, two ways.

``train(model, loss, optimizer, x, y, *, batch_size, epochs)`` is a custom loop: every step the gradient of
``loss(model(x_t), y_t)`` with respect to ``model.trainable_variables`` from the backend's own mechanism, then the
optimizer's update. Traced where the backend traces ``fit``'s train step, because an eager Keras step costs
milliseconds: on TensorFlow ``tf.GradientTape`` with all steps inside ONE ``tf.function`` (a ``tf.while_loop``;
``train_many`` traces several independent trainings into one graph: tracing dominates); on JAX Keras's stateless
API (``model.stateless_call``, ``optimizer.stateless_apply``) under ``jax.value_and_grad``, all steps one
``jax.lax.scan`` in one ``jax.jit``; on torch eagerly (Keras's torch ``fit`` runs eagerly too), gradients from
``torch.autograd.grad``. The loss, every variable after the step and every gradient are recorded per step.

``fit_history`` (Keras only, so not in ``__all__``) trains with ``model.compile`` + ``model.fit(shuffle=False)``,
reading the weights after every batch from a callback; ``fit`` exposes no gradients, and its ``loss`` log is the
running mean over the epoch (a ``keras.metrics.Mean`` in floatx), from which the per-step loss is recovered as
:math:`L_k = k\,\bar L_k - (k-1)\,\bar L_{k-1}`.

``model`` from :func:`keras_impl.models.mlp_model`; ``loss(y_pred, y_true) -> scalar`` (a :mod:`keras_impl` loss
or a ``functools.partial`` of one); ``optimizer`` a ``keras.optimizers.Optimizer`` (the :mod:`keras_impl`
wrappers); NumPy ``x``, ``y``. Batches are taken in order, the same every epoch; ``batch_size`` divides M.
"""
import keras
import numpy as np
from keras import ops

from .backend import BACKEND
from .defaults import DEFAULT
from .models import numpy_layout, parameter_names
from .validation import check_training

__all__ = ["train"]


def _batches(x, y, batch_size):
    """(steps per epoch, B, D) inputs and (steps per epoch, B, K) targets, in order."""
    per_epoch = x.shape[0] // batch_size
    return np.asarray(x).reshape(per_epoch, batch_size, -1), np.asarray(y).reshape(per_epoch, batch_size, -1)


def _tensorflow_loop(model, loss, optimizer, x, y, batch_size, epochs):
    """The traced steps of one training (call inside a ``tf.function``): stacked (loss, variables, grads)."""
    import tensorflow as tf
    variables = model.trainable_variables
    xs, ys = (tf.constant(a) for a in _batches(x, y, batch_size))  # (steps per epoch, B, D), (..., B, K)
    per_epoch, steps = xs.shape[0], epochs * xs.shape[0]

    def body(i, arrays):
        with tf.GradientTape() as tape:
            y_pred = model(xs[i % per_epoch], training=True)  # (B, K)
            value = loss(y_pred, tf.cast(ys[i % per_epoch], y_pred.dtype))  # scalar; targets cast as Keras losses do
        grads = tape.gradient(value, variables)
        optimizer.apply_gradients(zip(grads, variables))
        tracked = [value] + [v.value for v in variables] + list(grads)
        return i + 1, [a.write(i, tf.convert_to_tensor(t)) for a, t in zip(arrays, tracked)]
    dtypes = [tf.as_dtype(loss_dtype(loss, model))] + [v.dtype for v in variables] * 2
    arrays = [tf.TensorArray(d, size=steps) for d in dtypes]
    _, arrays = tf.while_loop(lambda i, _: i < steps, body, (tf.constant(0), arrays))
    return [a.stack() for a in arrays]


def _tensorflow_many(jobs):
    import tensorflow as tf

    @tf.function(autograph=False)
    def run():
        return [_tensorflow_loop(*job) for job in jobs]
    return run()


def _jax_one(model, loss, optimizer, x, y, batch_size, epochs):
    """One training as one jitted ``lax.scan`` over the steps, through Keras's stateless API; the final state is
    assigned back to the model's and the optimizer's variables, as ``fit`` leaves them."""
    import jax
    xs, ys = (ops.convert_to_tensor(a) for a in _batches(x, y, batch_size))  # (steps/epoch, B, D), (.., B, K)
    per_epoch = xs.shape[0]

    def loss_of(trainable, non_trainable, x_t, y_t):
        y_pred, non_trainable = model.stateless_call(trainable, non_trainable, x_t, training=True)  # (B, K)
        return loss(y_pred, ops.cast(y_t, y_pred.dtype)), non_trainable

    def step(state, i):
        trainable, non_trainable, opt_state = state
        (value, non_trainable), grads = jax.value_and_grad(loss_of, has_aux=True)(
            trainable, non_trainable, xs[i % per_epoch], ys[i % per_epoch])
        trainable, opt_state = optimizer.stateless_apply(opt_state, grads, trainable)
        return (trainable, non_trainable, opt_state), [value, *trainable, *grads]
    state = tuple([v.value for v in vs] for vs in (model.trainable_variables, model.non_trainable_variables,
                                                  optimizer.variables))
    state, stacked = jax.jit(lambda s: jax.lax.scan(step, s, np.arange(epochs * per_epoch)))(state)
    for variables, values in zip((model.trainable_variables, model.non_trainable_variables, optimizer.variables),
                                 state):
        for variable, value in zip(variables, values):
            variable.assign(value)
    return stacked


def _torch_one(model, loss, optimizer, x, y, batch_size, epochs):
    """One training, eagerly: ``torch.autograd.grad`` of each step's loss, then ``optimizer.apply_gradients``."""
    import torch
    xs, ys = _batches(x, y, batch_size)  # (steps per epoch, B, D), (steps per epoch, B, K)
    variables, tracked = model.trainable_variables, []
    for i in range(epochs * xs.shape[0]):
        y_pred = model(ops.convert_to_tensor(xs[i % xs.shape[0]]), training=True)  # (B, K)
        value = loss(y_pred, ops.cast(ys[i % xs.shape[0]], y_pred.dtype))  # scalar
        grads = torch.autograd.grad(value, [v.value for v in variables])
        optimizer.apply_gradients(zip(grads, variables))
        tracked.append([value.detach()] + [v.value.detach().clone() for v in variables] + list(grads))
    return [torch.stack(column) for column in zip(*tracked)]


_MANY = {"tensorflow": _tensorflow_many,
         "jax": lambda jobs: [_jax_one(*job) for job in jobs],
         "torch": lambda jobs: [_torch_one(*job) for job in jobs]}


def loss_dtype(loss, model):
    """The dtype the loss returns: its ``dtype`` keyword, else (``None`` or not passed) floatx, the default of a
    ``keras.losses.Loss``."""
    dtype = (getattr(loss, "keywords", {}) or {}).get("dtype")
    return keras.config.floatx() if dtype is None or dtype is DEFAULT else dtype


def _history(model, stacked):
    names = parameter_names(model)
    n = len(names)
    values, grads = stacked[1:1 + n], stacked[1 + n:]
    history = {"loss": ops.convert_to_numpy(stacked[0])}
    for name, v, g in zip(names, values, grads):
        history[name], history[f"grad_{name}"] = ops.convert_to_numpy(v), ops.convert_to_numpy(g)
    return history


def train_many(jobs):
    """Several trainings ``(model, loss, optimizer, x, y, batch_size, epochs)``: on TensorFlow traced into one
    ``tf.function`` (one ``tf.while_loop`` each), on JAX one jitted scan each, on torch eagerly; returns one history
    per job, as :func:`train` gives it."""
    for model, _, optimizer, x, y, batch_size, epochs in jobs:
        check_training(x, y, batch_size, epochs)
        optimizer.build(model.trainable_variables)
    return [_history(job[0], stacked) for job, stacked in zip(jobs, _MANY[BACKEND](jobs))]


def train(model, loss, optimizer, x, y, *, batch_size, epochs):
    r"""``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size``, one gradient step each (traced where
    the backend traces); returns ``{"loss": (steps,), "W1": ..., "grad_W1": ...}`` as NumPy arrays."""
    return train_many([(model, loss, optimizer, x, y, batch_size, epochs)])[0]


class _Recorder(keras.callbacks.Callback):
    """The weights and the logged running-mean loss after every batch."""

    def __init__(self):
        super().__init__()
        self.weights, self.means = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append(numpy_layout(self.model, self.model.trainable_variables))
        self.means.append((batch, float(logs["loss"])))


def fit_history(model, loss, optimizer, x, y, *, batch_size, epochs):
    r"""``model.compile(optimizer, loss)`` and ``model.fit(x, y, batch_size, epochs, shuffle=False)``; returns
    ``{"loss": (steps,), "W1": (steps, ...), ...}`` (no gradients: ``fit`` does not expose them). The loss of
    step :math:`k` of an epoch is :math:`k \bar L_k - (k-1) \bar L_{k-1}`, from the logged running means."""
    check_training(x, y, batch_size, epochs)
    model.compile(optimizer=optimizer, loss=lambda y_true, y_pred: loss(y_pred, y_true))
    recorder = _Recorder()
    model.fit(np.asarray(x), np.asarray(y), batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
              callbacks=[recorder])
    losses, previous = [], 0.0
    for batch, mean in recorder.means:
        previous = 0.0 if batch == 0 else previous
        losses.append((batch + 1) * mean - batch * previous)
        previous = mean
    names = parameter_names(model)
    history = {"loss": np.array(losses)}
    for i, name in enumerate(names):
        history[name] = np.stack([w[i] for w in recorder.weights])
    return history
