"""Input checks shared by the NumPy reference: the one home of its argument checks.

The bad-input contract, the same in the three packages (``torch_impl/validation.py`` and
``keras_impl/validation.py`` hold the same checks with the same messages): every check runs before any
computation and raises a built-in class whose message names the argument --
``TypeError`` for a wrong type or dtype (None, strings, bools where a number is meant, complex, object,
integer or bool arrays where floats are meant, float or complex labels); ``ValueError`` for a wrong shape or
value (0-d or empty where a reduction needs elements, NaN, a number outside its interval -- NaN and
infinities never lie inside one --, labels or probabilities out of range, an unknown choice).
"""
import math
import numbers

import numpy as np

__all__ = ["check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis",
           "check_choice", "check_same_shape", "check_no_nan", "check_integer", "check_labels", "check_number",
           "check_nonempty", "check_min_ndim", "check_probabilities", "check_below_inf", "interval",
           "dtype_name"]


def dtype_name(x):
    """``x``'s dtype as the messages print it (``float32``), the name the torch and Keras checks print too."""
    return str(x.dtype)


def check_floating(x, name):
    """Raise TypeError unless ``x`` is a floating-point ``numpy.ndarray``."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating-point dtype, got {x.dtype}")


def check_same_dtype(a, name_a, b, name_b):
    """Raise TypeError unless ``a`` and ``b`` share a dtype."""
    if a.dtype != b.dtype:
        raise TypeError(f"{name_b} has dtype {b.dtype} but {name_a} has dtype {a.dtype}; they must match")


def check_shape(x, shape, name, what="expected"):
    """Raise ValueError unless ``x.shape == shape``."""
    if tuple(x.shape) != tuple(shape):
        raise ValueError(f"{name} has shape {tuple(x.shape)}; {what} {tuple(shape)}")


def check_like(g, name_g, x, name_x):
    """Raise unless the gradient ``g`` is a float array with ``x``'s shape and dtype."""
    check_floating(g, name_g)
    check_shape(g, x.shape, name_g, what=f"it must match {name_x}'s shape")
    check_same_dtype(x, name_x, g, name_g)


def check_ndim(x, ndim, name):
    """Raise ValueError unless ``x`` has ``ndim`` dimensions."""
    if x.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")


def check_axis(axis, ndim, name="axis"):
    """Raise TypeError unless ``axis`` is an int, ValueError unless it lies in ``[-ndim, ndim)``."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis!r} is out of range for an input with {ndim} dimensions")


def check_choice(value, choices, name):
    """Raise TypeError unless ``value`` has the type of one of ``choices`` (None for a string choice), ValueError
    unless it is one of them."""
    if not isinstance(value, tuple({type(c) for c in choices})):
        raise TypeError(f"{name} must be one of {sorted(map(repr, choices))}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")


def check_same_shape(a, name_a, b, name_b):
    """Raise ValueError unless ``b`` has ``a``'s shape exactly: (N, 1) against (N,) is never broadcast."""
    check_shape(b, a.shape, name_b, what=f"it must equal {name_a}'s shape")


def check_no_nan(x, name):
    """Raise ValueError if ``x`` contains NaN. The maximum is NaN exactly when an element is: one pass without the
    boolean temporary of ``np.isnan(x).any()``."""
    if x.size and np.isnan(x.max()):
        raise ValueError(f"{name} contains NaN")


def check_integer(x, name, what):
    """Raise TypeError unless ``x`` is an integer array (a bool, float or complex one is not) of ``what``."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be an integer array of {what}, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.integer):
        raise TypeError(f"{name} must be an integer array of {what}, got {x.dtype}")


def check_labels(y, num_classes, name):
    """Raise TypeError unless ``y`` is an integer array (bool, float, complex: TypeError), ValueError unless its
    class indices lie in ``[0, num_classes)``."""
    check_integer(y, name, "class indices")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{name} has labels outside [0, {num_classes}): min {y.min()}, max {y.max()}")


def interval(low, high, low_open, high_open):
    """``[low, high)`` and the like, as the messages print an interval (open at an infinite end)."""
    return f"{'(' if low_open or low == -math.inf else '['}{low}, {high}{')' if high_open or high == math.inf else ']'}"


def check_number(value, name, *, low=-math.inf, high=math.inf, low_open=False, high_open=False, integer=False):
    """Raise TypeError unless ``value`` is a real number (an integer with ``integer``; never a bool, None or a
    string), ValueError unless it is finite and lies in the interval from ``low`` to ``high`` (closed unless
    ``low_open`` / ``high_open``). Type first: ``lr=None`` names ``lr`` instead of failing a comparison."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral if integer else numbers.Real):
        raise TypeError(f"{name} must be {'an int' if integer else 'a real number'}, got {type(value).__name__}")
    above = low < value if low_open else low <= value
    below = value < high if high_open else value <= high
    if not (above and below and math.isfinite(value)):
        raise ValueError(f"{name} must be finite and in {interval(low, high, low_open, high_open)}, got {value!r}")


def check_nonempty(x, name):
    """Raise ValueError if ``x`` has no elements (a reduction over it would be undefined)."""
    if x.size == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); it needs at least one element")


def check_min_ndim(x, ndim, name):
    """Raise ValueError unless ``x`` has at least ``ndim`` dimensions (a 0-d array is not a batch)."""
    if x.ndim < ndim:
        raise ValueError(f"{name} must have at least {ndim} dimension(s), got shape {tuple(x.shape)}")


def check_probabilities(p, name):
    """Raise ValueError unless every element of ``p`` lies in [0, 1] (one pass each for min and max)."""
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1], got min {float(p.min())}, max {float(p.max())}")


def check_below_inf(x, name):
    """Raise ValueError if ``x`` holds NaN or +inf (one pass: ``x < inf`` is False exactly there); -inf passes."""
    if not (x < np.inf).all():
        raise ValueError(f"{name} contains NaN or +inf")
