r"""Training an MLP for a number of epochs of mini-batches: forward, the loss's hand-written backward, the
model's hand-written backward and the optimizer's update, step by step (the NumPy reference of a training loop).

``train(model, loss, optimizer, x, y, *, batch_size, epochs)`` takes the network from
:func:`reference_numpy.models.mlp_model`, a loss of this package (or a ``functools.partial`` of one, carrying
its keywords: its ``<name>_backward`` is found by :mod:`reference_numpy.autograd`), and an ``(init, update)``
optimizer pair. Batches are ``x[k B : (k+1) B]`` in order, every epoch the same (``fit(shuffle=False)``); the
batch size must divide the number of samples. Each step :math:`t` computes

.. math:: L_t = \ell(f(x_t; \theta_{t-1}), y_t), \quad g_t = \partial L_t / \partial \theta_{t-1}, \quad
          \theta_t = \mathrm{update}(g_t, \theta_{t-1})

and the history holds ``loss`` (steps,), every parameter after the step (``W1`` ... (steps, in, out); ``gamma1``,
``beta1`` of a batch-normalised layer) and every gradient of the step (``grad_W1`` ...), in the NumPy layout.
"""
import functools

import numpy as np

from . import autograd
from .models import parameter_names
from .validation import check_training

__all__ = ["train"]


def _batches(x, y, batch_size, epochs):
    """``(x_t, y_t)`` for every step, in order: the same slices every epoch."""
    per_epoch = x.shape[0] // batch_size
    for _ in range(epochs):
        for k in range(per_epoch):
            yield x[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size]


def _loss_fn(loss):
    """(function, keywords) of a loss given as a package function or a ``functools.partial`` of one."""
    if isinstance(loss, functools.partial):
        return loss.func, dict(loss.keywords)
    return loss, {}


def _step(model, fn, keywords, xb, yb):
    """(loss value, gradients) of one batch at the model's current parameters."""
    out, cache = model.forward(xb)  # (B, K)
    dvalue = np.ones((), dtype=keywords.get("dtype") or out.dtype)  # dL/dL in the loss's compute dtype
    value, (dout,) = autograd.vjp(fn, (out,), dvalue, (yb,), **keywords)  # scalar, (B, K)
    _, *grads = model.backward(dout, cache, input_grad=False)  # dW1, db1, ... (x is data)
    return value, grads


def train(model, loss, optimizer, x, y, *, batch_size, epochs):
    r"""``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size``: per step
    :math:`\theta \leftarrow \mathrm{update}(\partial \ell / \partial \theta, \theta)`; returns the history
    ``{"loss": (steps,), "W1": (steps, ...), ..., "grad_W1": (steps, ...), ...}`` (NumPy layout)."""
    check_training(x, y, batch_size, epochs)
    fn, keywords = _loss_fn(loss)
    names = parameter_names(model)
    state = optimizer.init(tuple(model.params))
    history = {key: [] for key in ["loss", *names, *(f"grad_{n}" for n in names)]}
    for xb, yb in _batches(x, y, batch_size, epochs):
        value, grads = _step(model, fn, keywords, xb, yb)
        params, state = optimizer.update(tuple(grads), state, tuple(model.params))
        model.params = list(params)
        history["loss"].append(np.asarray(value))
        for name, p, g in zip(names, params, grads):
            history[name].append(np.array(p))
            history[f"grad_{name}"].append(np.array(g))
    return {key: np.stack(values) for key, values in history.items()}
