"""Input checks shared by the NumPy reference: the one home of its argument checks.

The bad-input contract, the same in the three packages (``torch_impl/validation.py`` and
``keras_impl/validation.py`` hold the same checks with the same messages): every check runs before any
computation and raises a built-in class whose message names the argument --
``TypeError`` for a wrong type or dtype (None, strings, bools where a number is meant, complex, object,
integer or bool arrays where floats are meant, float or complex labels); ``ValueError`` for a wrong shape or
value (0-d or empty where a reduction needs elements, NaN, a number outside its interval -- NaN and
infinities never lie inside one --, labels or probabilities out of range, an unknown choice).

Each check is written once: the primitives, then what several modules share (a loss's pair, an update's
gradients, a layer's weights, an MLP, a training run, gradcheck's and every initialiser's arguments).
``constant`` is the reference's one rounding of a Python constant through float32 (Keras's ``ops.cast``).
"""
import math
import numbers
from collections.abc import Mapping

import numpy as np

__all__ = ["check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis",
           "check_choice", "check_same_shape", "check_no_nan", "check_integer", "check_labels", "check_number",
           "check_nonempty", "check_min_ndim", "check_probabilities", "check_below_inf", "interval", "dtype_name",
           "check_pair", "check_grads", "check_clipping", "check_alpha", "check_logits", "check_input",
           "check_operand", "check_weights", "check_batchnorm", "check_running_stats", "check_residual",
           "MLP_ACTIVATIONS", "DEEP_ACTIVATIONS", "check_mlp", "check_network", "check_sgd_run", "check_training",
           "check_perceptron", "check_gradcheck", "check_initializer"]


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


def check_number(value, name, *, low=-math.inf, high=math.inf, low_open=False, high_open=False, integer=False,
                 positive=False, optional=False):
    """Raise TypeError unless ``value`` is a real number (an integer with ``integer``; never a bool, None or a
    string), ValueError unless it is finite and lies in the interval from ``low`` to ``high`` (closed unless
    ``low_open`` / ``high_open``; ``positive``: from 0, open). Type first: ``lr=None`` names ``lr`` instead of
    failing a comparison. With ``optional``, None (the caller's "not given") passes."""
    if optional and value is None:
        return
    if positive:
        low, low_open = 0.0, True
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


def constant(value, dtype, constant_dtype=None):
    """A Python constant as a framework computes with it, a 0-d array of ``dtype``: rounded through float32 first
    when ``constant_dtype`` is ``"float32"`` (TensorFlow makes a Python float a float32 tensor before any cast),
    once otherwise. The NumPy reference's one rounding of constants (not a check: outside ``__all__``)."""
    return np.asarray(np.float32(value) if constant_dtype == "float32" else value, dtype=dtype)


# ---------------------------------------------------------------- losses, optimizers, clipping, PReLU, softmax

def check_pair(y_pred, y_true):
    """Both float arrays of one dtype and exactly one shape of at least one dimension, not empty, without NaN."""
    check_floating(y_pred, "y_pred")
    check_floating(y_true, "y_true")
    check_same_dtype(y_pred, "y_pred", y_true, "y_true")
    check_min_ndim(y_pred, 1, "y_pred")
    check_same_shape(y_pred, "y_pred", y_true, "y_true")
    check_nonempty(y_pred, "y_pred")
    check_no_nan(y_pred, "y_pred")
    check_no_nan(y_true, "y_true")


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


def check_alpha(alpha, x):
    """PReLU's slope: a float array of ``x``'s dtype, shared (shape () or (1,)) or one per channel (C,)."""
    check_floating(alpha, "alpha")
    check_same_dtype(x, "x", alpha, "alpha")
    if alpha.shape not in ((), (1,), (x.shape[1],)):
        raise ValueError(f"alpha has shape {alpha.shape}; expected (), (1,) or ({x.shape[1]},) for x of shape "
                         f"{x.shape}")


def check_logits(x, axis):
    """Softmax's input: a float array of at least one dimension, not empty, without NaN or +inf; ``axis`` in range."""
    check_floating(x, "x")
    check_min_ndim(x, 1, "x")
    check_axis(axis, x.ndim)
    check_nonempty(x, "x")
    check_below_inf(x, "x")


def check_clipping(grads, name, threshold, threshold_name):
    """Gradients to clip: at least one, float arrays of one dtype without NaN; the threshold positive and finite."""
    if not grads:
        raise ValueError(f"{name} must hold at least one gradient")
    for g in grads:
        check_floating(g, name)
        check_no_nan(g, name)
        check_same_dtype(grads[0], name, g, name)
    check_number(threshold, threshold_name, positive=True)


# ---------------------------------------------------------------- layers and networks: x (N, D), W (in, out)

def check_input(x, *, batch=1):
    """``x``: a float (N, D) array without NaN and with at least ``batch`` rows."""
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_no_nan(x, "x")
    if x.shape[0] < batch:
        raise ValueError(f"x has {x.shape[0]} rows; training statistics need at least {batch}")


def check_operand(v, name, x, shape):
    """``v``: a float array of ``x``'s dtype and ``shape`` without NaN (a bias, a scale, a statistic, a target)."""
    check_floating(v, name)
    check_same_dtype(x, "x", v, name)
    check_shape(v, shape, name)
    check_no_nan(v, name)


def check_weights(W, b, x, width, names=("W", "b"), source="x"):
    """``W`` (width, H) and ``b`` (H,) of ``x``'s dtype: ``source`` (the layer's input) has ``width`` features."""
    name_w, name_b = names
    check_floating(W, name_w)
    check_same_dtype(x, "x", W, name_w)
    check_ndim(W, 2, name_w)
    if W.shape[0] != width:
        raise ValueError(f"{name_w} has {W.shape[0]} rows but {source} has {width} features; {name_w} is (in, out)")
    check_no_nan(W, name_w)
    check_operand(b, name_b, x, (W.shape[1],))


def check_batchnorm(x, gamma, beta, eps, *, batch=1):
    """``x`` with ``batch`` rows, ``gamma`` and ``beta`` (D,), ``eps`` positive and finite (torch raises for a
    negative one in training mode only; NumPy and Keras would return NaN)."""
    check_input(x, batch=batch)
    check_number(eps, "eps", positive=True)
    check_operand(gamma, "gamma", x, (x.shape[1],))
    check_operand(beta, "beta", x, (x.shape[1],))


def check_running_stats(x, running_mean, running_var, *, nonnegative=False):
    """``running_mean`` and ``running_var`` (D,) of ``x``'s dtype; with ``nonnegative``, no negative variance."""
    check_operand(running_mean, "running_mean", x, (x.shape[1],))
    check_operand(running_var, "running_var", x, (x.shape[1],))
    if nonnegative and np.any(running_var < 0):
        raise ValueError("running_var has negative entries")


def check_residual(x, W1, b1, W2, b2):
    """A residual block's input and two dense layers, D -> H -> D."""
    check_input(x)
    check_weights(W1, b1, x, x.shape[1], names=("W1", "b1"))
    check_weights(W2, b2, x, W1.shape[1], names=("W2", "b2"), source="the hidden layer")
    if W2.shape[1] != x.shape[1]:
        raise ValueError(f"W2 has {W2.shape[1]} columns; the residual sum needs x's {x.shape[1]}")


MLP_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu")
DEEP_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")  # no leaky ReLU: its slope is a convention of its own


def check_mlp(x, params, activations, negative_slope=None):
    """``x`` (N, D); ``params`` W1, b1, ... chained by shape; one of MLP_ACTIVATIONS per layer (a tuple or list: a
    bare string is a TypeError); ``negative_slope`` (None: not checked) a finite real number."""
    check_input(x)
    if not isinstance(activations, (tuple, list)):
        raise TypeError(f"activations must be a tuple of names, got {type(activations).__name__}")
    if not activations:
        raise ValueError("activations must name at least one layer, got ()")
    check_number(negative_slope, "negative_slope", optional=True)
    for name in activations:
        check_choice(name, MLP_ACTIVATIONS, "activations")
    if len(params) != 2 * len(activations):
        raise ValueError(f"activations names {len(activations)} layers but params hold {len(params)} arrays "
                         "(W, b per layer)")
    width = x.shape[1]
    for i, (W, b) in enumerate(zip(params[::2], params[1::2]), start=1):
        check_weights(W, b, x, width, names=(f"W{i}", f"b{i}"), source="x" if i == 1 else f"layer {i}'s input")
        width = W.shape[1]


def check_network(x, params, activations, *, batchnorm=False, residual=False, eps=None):
    """An MLP's checks, one of DEEP_ACTIVATIONS per layer, a batch of at least two rows and a positive finite
    ``eps`` for batch statistics, and square weights for residual connections."""
    check_mlp(x, params, activations)
    for name in activations:
        check_choice(name, DEEP_ACTIVATIONS, "activations")
    if batchnorm and x.shape[0] < 2:
        raise ValueError(f"x has {x.shape[0]} rows; batch normalisation in training mode needs at least 2")
    if batchnorm:
        check_number(eps, "eps", positive=True)
    for i, W in enumerate(params[::2], start=1):
        if residual and W.shape[0] != W.shape[1]:
            raise ValueError(f"W{i} is {tuple(W.shape)}; a residual connection needs square weights")


def check_sgd_run(steps, learning_rate, max_norm):
    """``steps`` a positive int, ``learning_rate`` and ``max_norm`` (or None) positive and finite."""
    check_number(steps, "steps", low=1, integer=True)
    check_number(learning_rate, "learning_rate", positive=True)
    check_number(max_norm, "max_norm", positive=True, optional=True)


def check_training(x, y, batch_size, epochs):
    """``x`` (M, D) and ``y`` (M, K) float; ``batch_size`` divides M; ``epochs`` >= 1 (ints)."""
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_floating(y, "y")
    check_ndim(y, 2, "y")
    check_shape(y, (x.shape[0], y.shape[1]), "y", what="expected one target row per row of x:")
    check_number(batch_size, "batch_size", low=1, integer=True)
    check_number(epochs, "epochs", low=1, integer=True)
    if x.shape[0] % batch_size:
        raise ValueError(f"batch_size {batch_size} must divide the {x.shape[0]} samples (no partial batch)")


def check_perceptron(x, y, w, b, lr, epochs):
    """x (N, D), N >= 1; y (N,), w (D,), b () of x's dtype; no NaN; labels 0 or 1; ``lr`` > 0; ``epochs`` >= 1."""
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one sample, got shape (0, ...)")
    check_no_nan(x, "x")
    for value, name, shape in ((y, "y", x.shape[:1]), (w, "w", x.shape[1:]), (b, "b", ())):
        check_operand(value, name, x, shape)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 or 1")
    check_number(lr, "lr", positive=True)
    check_number(epochs, "epochs", low=1, integer=True)


# ---------------------------------------------------------------- the tools: gradcheck, initialisers

def check_gradcheck(f, params, eps, atol, rtol):
    """``f`` callable; ``eps`` positive, ``atol``, ``rtol`` non-negative (or None); ``params`` a non-empty dict of
    non-empty float32/float64 arrays of one dtype, without NaN. Returns the dtype's name."""
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    check_number(eps, "eps", positive=True, optional=True)
    check_number(atol, "atol", low=0.0, optional=True)
    check_number(rtol, "rtol", low=0.0, optional=True)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    if not params:
        raise ValueError("params must hold at least one parameter")
    for key, p in params.items():
        check_floating(p, f"params[{key!r}]")
        check_nonempty(p, f"params[{key!r}]")
        check_no_nan(p, f"params[{key!r}]")
    dtypes = {dtype_name(p) for p in params.values()}
    if len(dtypes) > 1 or not dtypes <= {"float32", "float64"}:
        raise TypeError(f"params must all be float32 or all float64, got {sorted(dtypes)}")
    return dtypes.pop()


def check_initializer(fan_in, fan_out, seed, dtype, dtypes):
    """Every initialiser's arguments: fans positive ints, ``seed`` a non-negative int or None, ``dtype`` one of
    ``dtypes``."""
    check_number(fan_in, "fan_in", low=1, integer=True)
    check_number(fan_out, "fan_out", low=1, integer=True)
    check_number(seed, "seed", low=0, integer=True, optional=True)
    if not isinstance(dtype, str):
        raise TypeError(f"dtype must be a string, got {type(dtype).__name__}")
    check_choice(dtype, dtypes, "dtype")
