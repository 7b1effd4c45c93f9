r"""What every NumPy update rule shares: the (init, update) pair and input checks.

An optimizer is a pure pair, as in optax / jax.example_libraries: ``init(params) -> state`` and
``update(grads, state, params) -> (new_params, state)``; params and grads are tuples of arrays and the
state is a NamedTuple of per-parameter tuples plus a step count. ``check_grads`` and ``constant`` (a
hyperparameter as a framework computes with it, optionally rounded through float32) are written once, in
:mod:`reference_numpy.validation`, and re-exported here.
"""
from typing import Callable, NamedTuple

from .validation import check_grads, check_number, constant

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "constant"]


class Optimizer(NamedTuple):
    """An update rule: ``init(params) -> state``, ``update(grads, state, params) -> (params, state)``."""
    init: Callable
    update: Callable


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False, high_open=False):
    """``validation.check_number``: TypeError unless a real number, ValueError unless finite and in the interval
    from ``low`` to ``high`` (closed unless ``low_open`` / ``high_open``)."""
    check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)
