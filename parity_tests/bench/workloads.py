"""The benchmark's table: one ``Workload`` row per timed workload, and the element-wise families.

A row names its family and workload, its size, what a per-item figure divides by, the machine limit it is held
against and the work one call does by a stated FLOP/byte model, and ``build(rng)``: the implementations' thunks,
one zero-argument callable per ``(impl, mode)`` side, with every input drawn from ``rng`` (NumPy's
``default_rng``: frameworks never sample inputs) and converted once, before any timing. Sides:

- ``numpy``: the reference's functions and their hand-written backward (``reference_numpy.autograd.vjp``);
- ``torch``: ``torch_impl`` with autograd (``torch_impl.autograd.vjp``);
- ``keras`` eager: ``keras_impl`` under ``tf.GradientTape`` (``keras_impl.autograd.vjp``), op by op;
- ``keras`` traced: the same call wrapped in ``tf.function``, traced once during warm-up -- the form ``fit`` runs
  its train step in (on CPU Keras 3 does not XLA-compile it: ``jit_compile="auto"`` resolves to False there).

Here: activations and losses (forward and backward on 1M float32 elements) and initialisers (1M draws);
``workloads_train`` adds update rules and MLP training steps. Byte models count each pass's necessary float32
traffic (4 B an element read or written), not the temporaries an implementation makes: moving more is its cost.
"""
import importlib

import numpy as np
import tensorflow as tf
import torch

from keras_impl.autograd import vjp as keras_vjp
from reference_numpy.autograd import vjp as numpy_vjp
from torch_impl.autograd import vjp as torch_vjp

from .schema import FAMILIES, Settings, Workload

__all__ = ["PACKAGES", "SHAPE", "ELEMENTS", "package_function", "vjp_sides", "elementwise", "all_workloads"]

PACKAGES = {"numpy": "reference_numpy", "torch": "torch_impl", "keras": "keras_impl"}
SHAPE = (1000, 1000)  # 1M float32 elements (4 MB an array)
ELEMENTS = SHAPE[0] * SHAPE[1]


def package_function(impl, module, name):
    """``name`` from ``<package of impl>.<module>``: the same name in the three packages."""
    return getattr(importlib.import_module(f"{PACKAGES[impl]}.{module}"), name)


def _torch(arrays):
    return tuple(torch.from_numpy(a) for a in arrays)  # shares the NumPy memory: no copy


def _tf(arrays):
    return tuple(tf.convert_to_tensor(a) for a in arrays)


def vjp_sides(module, name, primals, dout, constants=()):
    """The four sides of ``vjp(<module>.<name>, primals, dout, constants)``: output and input gradients, through
    each package's own ``vjp`` (NumPy: the hand-written ``<name>_backward``)."""
    n_fn, t_fn, k_fn = (package_function(impl, module, name) for impl in PACKAGES)
    tp, (td,), tc = _torch(primals), _torch((dout,)), _torch(constants)
    kp, (kd,), kc = _tf(primals), _tf((dout,)), _tf(constants)
    traced = tf.function(lambda p, d, c: keras_vjp(k_fn, p, d, c))
    return {("numpy", "eager"): lambda: numpy_vjp(n_fn, primals, dout, constants),
            ("torch", "eager"): lambda: torch_vjp(t_fn, tp, td, tc),
            ("keras", "eager"): lambda: keras_vjp(k_fn, kp, kd, kc),
            ("keras", "traced"): lambda: traced(kp, kd, kc)}


def _activation(module, name):
    def build(rng):
        x, dout = (rng.standard_normal(SHAPE, dtype=np.float32) for _ in range(2))  # (1000, 1000) each
        return vjp_sides(module, name, (x,), dout)
    return build


def _regression(rng):
    return tuple(rng.standard_normal(SHAPE, dtype=np.float32) for _ in range(2))  # y_pred, y_true


def _binary(rng):
    p = rng.uniform(0.01, 0.99, SHAPE).astype(np.float32)  # probabilities
    return p, rng.integers(0, 2, SHAPE).astype(np.float32)  # 0/1 labels


def _loss(module, name, draw):
    def build(rng):
        y_pred, y_true = draw(rng)  # (1000, 1000) each
        return vjp_sides(module, name, (y_pred,), np.ones((), np.float32), (y_true,))  # dL/dL = 1
    return build


def _initializer(name):
    def build(rng):
        seed = int(rng.integers(2**31 - 1))
        n_fn, t_fn, k_fn = (package_function(impl, "initializers", name) for impl in PACKAGES)
        return {("numpy", "eager"): lambda: n_fn(*SHAPE, seed=seed),
                ("torch", "eager"): lambda: t_fn(*SHAPE, seed=seed),
                ("keras", "eager"): lambda: k_fn(*SHAPE, seed=seed)}
    return build


ACTIVATIONS = {"gelu": "activations_smooth", "relu": "activations", "sigmoid": "activations", "tanh": "activations"}
LOSSES = {"mse": ("losses_regression", _regression), "huber": ("losses_regression", _regression),
          "binary_crossentropy": ("losses_classification", _binary)}
INITIALIZERS = ("glorot_uniform", "he_normal", "random_normal")
_ACTIVATION_MODEL = ("20 B/element: forward reads x, writes y (8 B); backward reads x and dout, writes dx (12 B); "
                     "arithmetic not counted")
_LOSS_MODEL = ("20 B/element: forward reads y_pred and y_true (8 B); backward reads both again and writes "
               "dy_pred (12 B); the scalar output and arithmetic not counted")
_INIT_MODEL = "4 B/draw: the float32 weight written once; the generator's arithmetic not counted"


def elementwise(settings: Settings) -> tuple[Workload, ...]:
    """Activations and losses (forward + backward, 1M float32 elements) and initialisers (1M draws, eager only:
    weights are drawn when a model is built, outside ``fit``'s traced step)."""
    def row(family, name, build, per_element, model, item="element"):
        work = float(per_element * ELEMENTS)
        return Workload(family, name, ELEMENTS, f"{item}s", ELEMENTS, item, "bandwidth", work, model, build, 1,
                        settings.repeats, settings.warmup)
    return (*(row("activations", name, _activation(module, name), 20, _ACTIVATION_MODEL)
              for name, module in ACTIVATIONS.items()),
            *(row("losses", name, _loss(module, name, draw), 20, _LOSS_MODEL)
              for name, (module, draw) in LOSSES.items()),
            *(row("initializers", name, _initializer(name), 4, _INIT_MODEL, "draw")
              for name in INITIALIZERS))


def all_workloads(settings: Settings) -> tuple[Workload, ...]:
    """Every workload, in family order."""
    from .workloads_train import models, optimizers
    table = elementwise(settings) + optimizers(settings) + models(settings)
    return tuple(sorted(table, key=lambda w: FAMILIES.index(w.family)))
