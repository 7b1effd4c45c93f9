"""Running a user's model in its own framework, layer by layer: each side computes one ``StepResult`` per
step (every layer's output, the objective, the gradient of the objective w.r.t. every weight and the input)
and applies the user's optimizer between steps. The objective is the loss, or ``sum(outputs * dout)``
with a seeded ``dout`` when no loss is given. Gradients come from each framework's own mechanism
(autograd; TensorFlow's ``GradientTape``: the Keras backend this suite runs).
"""
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
import torch

from .weights import read_all

__all__ = ["StepResult", "TorchSide", "KerasSide", "torch_dtype"]


@dataclass
class StepResult:
    outputs: list  # one array per pair
    objective: np.ndarray
    grads: dict  # {(pair index, weight name): array} (NumPy layout), plus {(-1, "x"): input gradient}
    weights: dict  # {(pair index, weight name): array} after the step's forward (buffers updated)


def torch_dtype(pairs):
    """The dtype a torch model computes in: its first weight's (torch has no floatx)."""
    for p in pairs:
        for param in p.torch.binding.params:
            return getattr(p.torch.call, param.attr).dtype
    return torch.get_default_dtype()


def _grads(pairs, side, holder_grad):
    return {(p.index, param.name): holder_grad(getattr(p, side), param)
            for p in pairs for param in getattr(p, side).binding.params if param.trainable}


class TorchSide:
    """The torch chain: modules called in order; ``optimizer`` a factory ``make(params)`` or None."""

    def __init__(self, pairs, loss, make_optimizer, training):
        self.pairs, self.loss, self.training = pairs, loss, training
        self.dtype = torch_dtype(pairs)
        for p in pairs:
            p.torch.call.train(training)
        params = [getattr(p.torch.call, prm.attr) for p in pairs for prm in p.torch.binding.params if prm.trainable]
        self.optimizer = make_optimizer(params) if make_optimizer else None

    def _grad_of(self, element, param):
        grad = getattr(element.call, param.attr).grad
        array = grad.detach().numpy()
        return array.T.copy() if param.transpose else array.copy()

    def step(self, x, y, dout):
        if self.optimizer is not None:
            self.optimizer.zero_grad(set_to_none=False)
        h = xt = torch.tensor(x, dtype=self.dtype, requires_grad=True)
        outputs = []
        for p in self.pairs:
            h = p.torch.call(h)
            outputs.append(h.detach().numpy().copy())
        objective = self.loss(h, _torch_target(y, h)) if self.loss else (h * torch.from_numpy(dout).to(h.dtype)).sum()
        objective.backward()
        grads = {**_grads(self.pairs, "torch", self._grad_of), (-1, "x"): xt.grad.numpy().copy()}
        return StepResult(outputs, objective.detach().numpy().copy(), grads, read_all(self.pairs, "torch"))

    def update(self):
        self.optimizer.step()


def _torch_target(y, prediction):
    target = torch.from_numpy(np.asarray(y))
    return target.to(prediction.dtype) if target.is_floating_point() else target


def _keras_call(element, h, training):
    if isinstance(element.call, keras.layers.Layer):
        return element.call(h, training=training)
    return element.call(h)  # a Dense's activation function


class KerasSide:
    """The Keras chain: layers called in order (a Dense whose activation is its own element runs linear)."""

    def __init__(self, pairs, loss, optimizer, training):
        self.pairs, self.loss, self.training, self.optimizer = pairs, loss, training, optimizer
        for p in pairs:
            if p.kind == "dense":
                p.keras.call.activation = keras.activations.linear  # its activation is the next element
        self.variables = [getattr(p.keras.call, prm.attr) for p in pairs for prm in p.keras.binding.params
                          if prm.trainable]
        self._last = None

    def step(self, x, y, dout):
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            h, outputs = xt, []
            for p in self.pairs:
                h = _keras_call(p.keras, h, self.training)
                outputs.append(h)
            objective = self.loss(y, h) if self.loss else keras.ops.sum(h * keras.ops.cast(dout, h.dtype))
        grads = tape.gradient(objective, [xt] + [v.value for v in self.variables])
        self._last = grads[1:]
        named = iter(grads[1:])
        by_name = _grads(self.pairs, "keras", lambda element, param: keras.ops.convert_to_numpy(next(named)))
        return StepResult([keras.ops.convert_to_numpy(o) for o in outputs], keras.ops.convert_to_numpy(objective),
                          {**by_name, (-1, "x"): keras.ops.convert_to_numpy(grads[0])}, read_all(self.pairs, "keras"))

    def update(self):
        self.optimizer.apply_gradients(zip(self._last, self.variables))

