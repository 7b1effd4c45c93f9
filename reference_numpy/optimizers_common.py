r"""What every NumPy update rule shares: the (init, update) pair and input checks.

An optimizer is a pure pair, as in optax / jax.example_libraries: ``init(params) -> state`` and
``update(grads, state, params) -> (new_params, state)``; params and grads are tuples of arrays and the
state is a NamedTuple of per-parameter tuples plus a step count.
"""
from typing import Callable, NamedTuple

import numpy as np

from .validation import check_floating, check_same_dtype, check_shape

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "constant"]


class Optimizer(NamedTuple):
    """An update rule: ``init(params) -> state``, ``update(grads, state, params) -> (params, state)``."""
    init: Callable
    update: Callable


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False):
    """Raise ValueError unless ``low <= value <= high`` (``low < value`` with ``low_open``)."""
    if not (low < value if low_open else low <= value) or not value <= high:
        bound = f"({low}" if low_open else f"[{low}"
        raise ValueError(f"{name} must be in {bound}, {high}], got {value!r}")


def check_grads(grads, params):
    """One float gradient per parameter, with its shape and dtype."""
    if len(grads) != len(params):
        raise ValueError(f"grads has {len(grads)} arrays for {len(params)} parameters")
    for g, p in zip(grads, params):
        check_floating(g, "grads")
        check_shape(g, p.shape, "grads", what="each must match its parameter's shape")
        check_same_dtype(p, "params", g, "grads")


def constant(value, dtype, constant_dtype=None):
    """A hyperparameter as the framework uses it: optionally rounded through float32 first (Keras keeps
    its learning rate in a floatx variable)."""
    return np.asarray(np.float32(value) if constant_dtype == "float32" else value, dtype=dtype)
