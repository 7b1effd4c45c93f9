r"""Training an MLP in PyTorch: the idiomatic loop -- ``zero_grad``, forward, ``loss.backward()``,
``optimizer.step()`` -- over mini-batches taken in order (``DataLoader(shuffle=False)``'s order), recording
the loss, every parameter after the step and every ``.grad`` of the step, in the NumPy layout.

``train(model, loss, optimizer, x, y, *, batch_size, epochs)``: ``model`` from :func:`torch_impl.models.mlp_model`,
``loss(y_pred, y_true) -> scalar`` (a :mod:`torch_impl` loss or a ``functools.partial`` of one), ``optimizer``
a factory ``make(params) -> torch.optim.Optimizer`` (the :mod:`torch_impl` optimizer wrappers), NumPy ``x`` and
``y``. The same history as :func:`reference_numpy.training.train`.
"""
import numpy as np
import torch

from .models import numpy_layout, parameter_names
from .validation import check_training

__all__ = ["train"]


def train(model, loss, optimizer, x, y, *, batch_size, epochs):
    r"""``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size`` with ``torch.optim``: per step
    :math:`\theta \leftarrow \mathrm{step}(\nabla_\theta \ell)`; returns ``{"loss": (steps,), "W1": ...,
    "grad_W1": ...}`` as NumPy arrays, weights (in, out)."""
    x, y = torch.as_tensor(np.asarray(x)), torch.as_tensor(np.asarray(y))
    check_training(x, y, batch_size, epochs)
    params = list(model.parameters())
    opt = optimizer(params)
    losses, values, grads = [], [], []
    for _ in range(epochs):
        for xb, yb in zip(torch.split(x, batch_size), torch.split(y, batch_size)):  # (B, D), (B, K)
            opt.zero_grad()
            value = loss(model(xb), yb)  # scalar
            value.backward()
            opt.step()
            losses.append(value.detach().clone())
            values.append([p.detach().clone() for p in params])
            grads.append([p.grad.clone() for p in params])
    names = parameter_names(model)
    history = {"loss": torch.stack(losses).numpy()}
    for i, name in enumerate(names):
        history[name] = np.stack([numpy_layout(model, v)[i] for v in values])
        history[f"grad_{name}"] = np.stack([numpy_layout(model, g)[i] for g in grads])
    return history
