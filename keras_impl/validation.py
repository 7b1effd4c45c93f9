"""Input checks for the Keras implementations: same names, classes and messages as the reference."""
import keras
import numpy as np
import tensorflow as tf

from .defaults import DEFAULT

__all__ = ["check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis", "check_choice",
           "check_same_shape", "check_no_nan", "check_labels"]


def _dtype(x):
    return keras.backend.standardize_dtype(x.dtype)


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
    """Raise ValueError unless ``axis`` is an int in ``[-ndim, ndim)`` (``DEFAULT``, Keras's own, passes)."""
    if axis is not DEFAULT and (not isinstance(axis, int) or not -ndim <= axis < ndim):
        raise ValueError(f"{name}={axis!r} is out of range for an input with {ndim} dimensions")


def check_choice(value, choices, name):
    """Raise ValueError unless ``value`` is one of ``choices`` (``DEFAULT``, Keras's own, passes)."""
    if value is not DEFAULT and value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")


def check_same_shape(a, name_a, b, name_b):
    """Raise ValueError unless ``b`` has ``a``'s shape exactly: (N, 1) against (N,) is never broadcast."""
    check_shape(b, a.shape, name_b, what=f"it must equal {name_a}'s shape")


def _eager(x):
    return not keras.backend.is_keras_tensor(x) and tf.executing_eagerly()


def check_no_nan(x, name):
    """Raise ValueError if ``x`` contains NaN (eager tensors only: a traced graph cannot branch on data)."""
    if _eager(x) and bool(keras.ops.any(keras.ops.isnan(x))):
        raise ValueError(f"{name} contains NaN")


def check_labels(y, num_classes, name):
    """Raise unless ``y`` holds integer class indices in ``[0, num_classes)`` (range checked eagerly)."""
    if not (keras.ops.is_tensor(y) or isinstance(y, np.ndarray)) or not _dtype(y).startswith(("int", "uint")):
        raise TypeError(f"{name} must be an integer tensor of class indices, got {getattr(y, 'dtype', type(y).__name__)}")
    if _eager(y) and y.shape.num_elements() and (int(keras.ops.min(y)) < 0 or int(keras.ops.max(y)) >= num_classes):
        raise ValueError(f"{name} has labels outside [0, {num_classes}): min {int(keras.ops.min(y))}, max {int(keras.ops.max(y))}")
