r"""What every NumPy update rule shares: the (init, update) pair and input checks.

An update rule is a pure pair in the style of optax / jax.example_libraries: ``init(params) -> state`` and
``update(grads, state, params) -> (new_params, new_state)``. Unlike optax, whose ``update`` returns the
*updates* for the caller to add, ``update`` here applies them and returns the new parameters (the harness and
the training loops call it that way). params and grads are tuples of arrays; the state is a NamedTuple of a
step count and per-parameter tuples of buffers; each rule's hyperparameters are a frozen NamedTuple whose
fields are its keyword arguments. Nothing is mutated. ``check_grads`` and ``constant`` (a hyperparameter as a
framework computes with it, optionally rounded through float32) are written once, in
:mod:`reference_numpy.validation`, and re-exported here.
"""
from typing import Callable, NamedTuple

import numpy as np

from .validation import check_grads, check_number, constant

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "constant"]


class UpdateRule(NamedTuple):
    """A pure update rule: ``init(params) -> state`` and ``update(grads, state, params) -> (new_params,
    new_state)`` -- new parameters, not optax's updates. Not torch's ``torch.optim.Optimizer`` nor Keras's
    ``keras.optimizers.Optimizer`` (the torch_impl / keras_impl ``Optimizer``): it holds no parameters."""
    init: Callable
    update: Callable


Optimizer = UpdateRule  # the public name the packages' ``__all__`` share; the rules build ``UpdateRule``


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False, high_open=False):
    """``validation.check_number``: TypeError unless a real number, ValueError unless finite and in the interval
    from ``low`` to ``high`` (closed unless ``low_open`` / ``high_open``)."""
    check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)


def zeros_like_each(params):
    """One zero buffer per parameter, of its shape and dtype."""
    return tuple(np.zeros_like(p) for p in params)


def per_parameter_update(step_fn, state_type):
    """``update(grads, state, params) -> (new_params, new_state)`` for a state ``(step, *buffers)`` holding one array
    per parameter in each buffer: ``step_fn(t, g, p, *buffers) -> (new_p, *new_buffers)`` on each parameter in turn,
    ``t`` the 1-based step."""
    def update(grads, state, params):
        check_grads(grads, params)
        t = state.step + 1
        results = [step_fn(t, g, p, *buffers) for g, p, *buffers in zip(grads, params, *state[1:])]
        new_params, *new_buffers = tuple(zip(*results)) or ((),) * len(state)  # no parameters: empty tuples
        return new_params, state_type(t, *new_buffers)
    return update
