r"""Training an MLP in Keras 3 (TensorFlow backend), two ways.

``train(model, loss, optimizer, x, y, *, batch_size, epochs)`` is a custom ``tf.GradientTape`` loop: every step
``tape.gradient(loss(model(x_t), y_t), model.trainable_variables)`` then ``optimizer.apply_gradients``, all steps
inside ONE ``tf.function`` (a ``tf.while_loop``), traced once -- as ``fit`` compiles its train step -- because an
eager Keras step costs milliseconds. The loss, every variable after the step and every gradient are written to
``TensorArray``s. ``train_many`` traces several independent trainings into one graph (tracing dominates).

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
import tensorflow as tf

from .defaults import DEFAULT
from .models import numpy_layout
from .validation import check_training

__all__ = ["train"]


def _names(n_params):
    return [f"{p}{i}" for i in range(1, n_params // 2 + 1) for p in "Wb"]


def _loop(model, loss, optimizer, x, y, batch_size, epochs):
    """The traced steps of one training (call inside a ``tf.function``): stacked (loss, variables, grads)."""
    variables = model.trainable_variables
    per_epoch, steps = x.shape[0] // batch_size, epochs * (x.shape[0] // batch_size)
    xs = tf.constant(np.asarray(x).reshape(per_epoch, batch_size, -1))  # (steps per epoch, B, D)
    ys = tf.constant(np.asarray(y).reshape(per_epoch, batch_size, -1))  # (steps per epoch, B, K)

    def body(i, arrays):
        with tf.GradientTape() as tape:
            y_pred = model(xs[i % per_epoch], training=True)  # (B, K)
            value = loss(y_pred, tf.cast(ys[i % per_epoch], y_pred.dtype))  # scalar; targets cast as Keras losses do
        grads = tape.gradient(value, variables)
        optimizer.apply_gradients(zip(grads, variables))
        tracked = [value] + [v.value for v in variables] + list(grads)
        return i + 1, [a.write(i, tf.convert_to_tensor(t)) for a, t in zip(arrays, tracked)]
    dtypes = [tf.as_dtype(model.dtype_policy.compute_dtype)] + [v.dtype for v in variables] * 2
    dtypes[0] = tf.as_dtype(loss_dtype(loss, model))
    arrays = [tf.TensorArray(d, size=steps) for d in dtypes]
    _, arrays = tf.while_loop(lambda i, _: i < steps, body, (tf.constant(0), arrays))
    return [a.stack() for a in arrays]


def loss_dtype(loss, model):
    """The dtype the loss returns: its ``dtype`` keyword, else (``None`` or not passed) floatx, the default of a
    ``keras.losses.Loss``."""
    dtype = (getattr(loss, "keywords", {}) or {}).get("dtype")
    return keras.config.floatx() if dtype is None or dtype is DEFAULT else dtype


def _history(model, stacked):
    names = _names(len(model.trainable_variables))
    n = len(names)
    values, grads = stacked[1:1 + n], stacked[1 + n:]
    history = {"loss": stacked[0].numpy()}
    for name, v, g in zip(names, values, grads):
        history[name], history[f"grad_{name}"] = v.numpy(), g.numpy()
    return history


def train_many(jobs):
    """Several trainings ``(model, loss, optimizer, x, y, batch_size, epochs)`` traced into one ``tf.function``
    (one ``tf.while_loop`` each); returns one history per job, as :func:`train` gives it."""
    for model, _, optimizer, x, y, batch_size, epochs in jobs:
        check_training(x, y, batch_size, epochs)
        optimizer.build(model.trainable_variables)

    @tf.function(autograph=False)
    def run():
        return [_loop(*job) for job in jobs]
    return [_history(job[0], stacked) for job, stacked in zip(jobs, run())]


def train(model, loss, optimizer, x, y, *, batch_size, epochs):
    r"""``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size``, a ``GradientTape`` step each, all
    in one traced loop; returns ``{"loss": (steps,), "W1": ..., "grad_W1": ...}`` as NumPy arrays."""
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
    names = _names(len(model.trainable_variables))
    history = {"loss": np.array(losses)}
    for i, name in enumerate(names):
        history[name] = np.stack([w[i] for w in recorder.weights])
    return history
