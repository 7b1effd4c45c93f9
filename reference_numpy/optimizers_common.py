r"""What every NumPy update rule shares: the (init, update) pair and input checks.

An optimizer is a pure pair, as in optax / jax.example_libraries: ``init(params) -> state`` and
``update(grads, state, params) -> (new_params, state)``; params and grads are tuples of arrays and the
state is a NamedTuple of per-parameter tuples plus a step count.
"""
from typing import Callable, NamedTuple

import numpy as np

from .validation import check_floating, check_number, check_same_dtype, check_shape

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "constant"]


class Optimizer(NamedTuple):
    """An update rule: ``init(params) -> state``, ``update(grads, state, params) -> (params, state)``."""
    init: Callable
    update: Callable


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False, high_open=False):
    """``validation.check_number``: TypeError unless a real number, ValueError unless finite and in the interval
    from ``low`` to ``high`` (closed unless ``low_open`` / ``high_open``)."""
    check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)


def check_grads(grads, params):
    """One float gradient per parameter, with its shape and dtype."""
    if not isinstance(grads, (tuple, list)):
        raise TypeError(f"grads must be a tuple or list of arrays, one per parameter, got {type(grads).__name__}")
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
