"""Input checks for the Keras implementations, their one home: same names, classes and messages as the
reference's (``reference_numpy/validation.py`` states the contract). ``DEFAULT`` (Keras's own value) passes
every hyperparameter check. Checks of values (NaN, ranges) run on eager tensors only: a traced graph cannot
branch on data."""
import math
import numbers

import keras
import numpy as np
import tensorflow as tf

from .defaults import DEFAULT

__all__ = ["check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis",
           "check_choice", "check_same_shape", "check_no_nan", "check_integer", "check_labels", "check_number",
           "check_nonempty", "check_min_ndim", "check_probabilities", "check_below_inf", "interval", "dtype_name"]


def dtype_name(x):
    """``x``'s dtype as NumPy names it (``float32``; an object array: ``object``)."""
    return str(x.dtype) if isinstance(x, np.ndarray) and x.dtype == object else keras.backend.standardize_dtype(x.dtype)


_dtype = dtype_name


def check_floating(x, name):
    """Raise TypeError unless ``x`` is a floating-point tensor (or NumPy array)."""
    if not (keras.ops.is_tensor(x) or isinstance(x, (np.ndarray, keras.Variable))):
        raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
    if not _dtype(x).startswith(("float", "bfloat")):
        raise TypeError(f"{name} must have a floating-point dtype, got {_dtype(x)}")


def check_same_dtype(a, name_a, b, name_b):
    """Raise TypeError unless ``a`` and ``b`` share a dtype."""
    if _dtype(a) != _dtype(b):
        raise TypeError(f"{name_b} has dtype {_dtype(b)} but {name_a} has dtype {_dtype(a)}; they must match")


def check_shape(x, shape, name, what="expected"):
    """Raise ValueError unless ``x.shape == shape``."""
    if tuple(x.shape) != tuple(shape):
        raise ValueError(f"{name} has shape {tuple(x.shape)}; {what} {tuple(shape)}")


def check_like(g, name_g, x, name_x):
    """Raise unless the gradient ``g`` is a float tensor with ``x``'s shape and dtype."""
    check_floating(g, name_g)
    check_shape(g, x.shape, name_g, what=f"it must match {name_x}'s shape")
    check_same_dtype(x, name_x, g, name_g)


def check_ndim(x, ndim, name):
    """Raise ValueError unless ``x`` has ``ndim`` dimensions."""
    if len(x.shape) != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")


def check_axis(axis, ndim, name="axis"):
    """Raise TypeError unless ``axis`` is an int, ValueError unless it lies in ``[-ndim, ndim)`` (``DEFAULT``,
    Keras's own, passes)."""
    if axis is DEFAULT:
        return
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis!r} is out of range for an input with {ndim} dimensions")


def check_choice(value, choices, name):
    """Raise TypeError unless ``value`` has the type of one of ``choices``, ValueError unless it is one of them
    (``DEFAULT``, Keras's own, passes)."""
    if value is DEFAULT:
        return
    if not isinstance(value, tuple({type(c) for c in choices})):
        raise TypeError(f"{name} must be one of {sorted(map(repr, choices))}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")


def check_same_shape(a, name_a, b, name_b):
    """Raise ValueError unless ``b`` has ``a``'s shape exactly: (N, 1) against (N,) is never broadcast."""
    check_shape(b, a.shape, name_b, what=f"it must equal {name_a}'s shape")


def _eager(x):
    return not keras.backend.is_keras_tensor(x) and tf.executing_eagerly()


def _host(x):
    """An eager tensor's values as a NumPy array (no copy on the CPU): a check of values is one NumPy pass, where
    TensorFlow ops would cost ~0.1 ms of eager dispatch each."""
    return keras.ops.convert_to_numpy(x)


def check_no_nan(x, name):
    """Raise ValueError if ``x`` contains NaN (eager tensors only: a traced graph cannot branch on data)."""
    if _eager(x) and np.isnan(_host(x)).any():
        raise ValueError(f"{name} contains NaN")


def check_integer(x, name, what):
    """Raise TypeError unless ``x`` is an integer tensor or array (a bool, float or complex one is not) of ``what``."""
    if not (keras.ops.is_tensor(x) or isinstance(x, np.ndarray)):
        raise TypeError(f"{name} must be an integer tensor of {what}, got {type(x).__name__}")
    if not _dtype(x).startswith(("int", "uint")):
        raise TypeError(f"{name} must be an integer tensor of {what}, got {_dtype(x)}")


def check_labels(y, num_classes, name):
    """Raise TypeError unless ``y`` is an integer tensor, ValueError unless its class indices lie in
    ``[0, num_classes)`` (range checked eagerly)."""
    check_integer(y, name, "class indices")
    if _eager(y) and int(np.prod(tuple(y.shape))):
        low, high = int(_host(y).min()), int(_host(y).max())
        if low < 0 or high >= num_classes:
            raise ValueError(f"{name} has labels outside [0, {num_classes}): min {low}, max {high}")


def interval(low, high, low_open, high_open):
    """``[low, high)`` and the like, as the messages print an interval (open at an infinite end)."""
    return f"{'(' if low_open or low == -math.inf else '['}{low}, {high}{')' if high_open or high == math.inf else ']'}"


def check_number(value, name, *, low=-math.inf, high=math.inf, low_open=False, high_open=False, integer=False):
    """Raise TypeError unless ``value`` is a real number (an integer with ``integer``; never a bool, None or a
    string), ValueError unless it is finite and lies in the interval from ``low`` to ``high`` (closed unless
    ``low_open`` / ``high_open``); ``DEFAULT`` (Keras's own) passes."""
    if value is DEFAULT:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral if integer else numbers.Real):
        raise TypeError(f"{name} must be {'an int' if integer else 'a real number'}, got {type(value).__name__}")
    above = low < value if low_open else low <= value
    below = value < high if high_open else value <= high
    if not (above and below and math.isfinite(value)):
        raise ValueError(f"{name} must be finite and in {interval(low, high, low_open, high_open)}, got {value!r}")


def check_nonempty(x, name):
    """Raise ValueError if ``x`` has no elements (a reduction over it would be undefined; static shape)."""
    if 0 in tuple(x.shape):
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); it needs at least one element")


def check_min_ndim(x, ndim, name):
    """Raise ValueError unless ``x`` has at least ``ndim`` dimensions (a 0-d tensor is not a batch)."""
    if len(x.shape) < ndim:
        raise ValueError(f"{name} must have at least {ndim} dimension(s), got shape {tuple(x.shape)}")


def check_probabilities(p, name):
    """Raise ValueError unless every element of ``p`` lies in [0, 1] (eager tensors only; Keras itself would clip)."""
    if not _eager(p) or not np.prod(p.shape):
        return
    low, high = float(_host(p).min()), float(_host(p).max())
    if low < 0 or high > 1:
        raise ValueError(f"{name} must hold probabilities in [0, 1], got min {low}, max {high}")


def check_below_inf(x, name):
    """Raise ValueError if ``x`` holds NaN or +inf (one pass: ``x < inf`` is False exactly there); -inf passes.
    Eager tensors only."""
    if _eager(x) and not (_host(x) < math.inf).all():
        raise ValueError(f"{name} contains NaN or +inf")
