"""The row type of the one bad-input table (assembled in ``table.py``, checked by ``contract.py``; the rows, by
family, in ``activations.py``, ``losses.py``, ``optimizers.py``, ``other.py``) and what the rows share: how an
argument reaches each framework, the builders that turn an update rule into one checked step, and the shared
arrays."""
from typing import Any, NamedTuple

import keras
import numpy as np
import torch

import keras_impl.optimizers_common as kopt
import torch_impl.optimizers_common as topt

__all__ = ["FRAMEWORKS", "BadInput", "Raw", "Same", "convert", "as_numpy", "step_fns", "ULP_ABOVE_1", "ULP_BELOW_1",
           "ULP_BELOW_0", "TINY", "X", "V", "P32", "G32"]

FRAMEWORKS = ("numpy", "torch", "keras")
ULP_ABOVE_1 = float(np.nextafter(1.0, 2.0))  # the first float64 past a closed upper bound of 1
ULP_BELOW_1 = float(np.nextafter(1.0, 0.0))  # the last float64 inside an open upper bound of 1
ULP_BELOW_0 = float(-np.nextafter(0.0, 1.0))  # the first float64 below a lower bound of 0 (-5e-324)
TINY = float(np.nextafter(0.0, 1.0))  # the first float64 inside an open lower bound of 0 (5e-324)
X = np.linspace(-2, 2, 24, dtype=np.float32).reshape(4, 6)  # (N, D)
V = np.linspace(0.5, 2, 6, dtype=np.float32)  # a (D,) scale, shift or running statistic
P32 = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)  # an update rule's parameter (2-D: Muon takes it)
G32 = np.linspace(0.5, -0.5, 12, dtype=np.float32).reshape(3, 4)  # its gradient


class Raw(NamedTuple):
    """An argument given to all three implementations as it is: None, a string, a list, a NumPy object array."""
    value: Any


class Same(NamedTuple):
    """The documented value all three return (NaN equal to NaN; ``rtol``/``atol`` for float32 rounding)."""
    value: Any
    rtol: float = 0.0
    atol: float = 0.0


class BadInput(NamedTuple):
    """One row: ``fns`` (NumPy, torch, Keras callables) called with ``args`` (each ndarray converted to the
    framework's tensor, tuples element-wise, ``Raw`` as is) and ``kwargs`` (as is) all raise ``expected`` (the same
    built-in class, the message naming ``argument`` and worded alike), or all return the ``Same`` value."""
    family: str
    concept: str
    fns: tuple
    args: tuple
    kwargs: dict
    expected: Any
    argument: str
    reason: str
    same_text: bool = True  # False: the input cannot reach the three alike (a NumPy object array is no tensor)


def convert(framework, arg):
    """``arg`` as ``framework`` gets it: its own tensor for an ndarray, element-wise for a tuple or dict, ``Raw``
    unwrapped."""
    if isinstance(arg, Raw):
        return arg.value
    if isinstance(arg, tuple):
        return tuple(convert(framework, a) for a in arg)
    if isinstance(arg, dict):
        return {key: convert(framework, a) for key, a in arg.items()}
    if framework == "torch":
        return torch.from_numpy(np.array(arg))
    return keras.ops.convert_to_tensor(arg) if framework == "keras" else arg


def as_numpy(value):
    """A result as a NumPy array: tensors, variables, and lists or tuples of them (stacked)."""
    if isinstance(value, (list, tuple)):
        return np.stack([as_numpy(v) for v in value])
    if isinstance(value, torch.Tensor):
        return value.detach().numpy()
    return np.asarray(value)


def _numpy_step(make, required):
    def step(params, grads, **kwargs):
        opt = make(**{**required, **kwargs})
        return opt.update(grads, opt.init(params), params)[0]
    return step


def _torch_step(make, required):
    def step(params, grads, **kwargs):
        leaves = [p.clone().requires_grad_(True) for p in params]
        topt.apply_gradients(make(**{**required, **kwargs})(leaves), grads)
        return leaves
    return step


def _keras_step(make, required):
    def step(params, grads, **kwargs):
        variables = [keras.Variable(p, dtype=p.dtype) for p in params]
        kopt.apply_gradients(make(**{**required, **kwargs}), grads, variables)
        return variables
    return step


def step_fns(rule):
    """One checked step of an update rule, ``f(params, grads, **hyperparameters) -> params``, in each package:
    the reference's ``update``, ``torch_impl``'s and ``keras_impl``'s ``apply_gradients``."""
    return (_numpy_step(rule.numpy, rule.required), _torch_step(rule.torch, rule.required),
            _keras_step(rule.keras, rule.required))
