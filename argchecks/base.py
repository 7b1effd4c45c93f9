"""The primitives a package supplies about its arrays, and the checks of one argument written once over them:
:class:`BaseChecks`. A primitive only answers a question (is this one of my arrays, what is its dtype called, does
it hold NaN); a check decides, and raises the contract's class with a message naming the argument."""
import abc
import math
import numbers

__all__ = ["BaseChecks", "interval"]

_NO_DEFAULT = object()  # the NumPy reference's ``default``: no argument is ever it


def interval(low, high, low_open, high_open):
    """``[low, high)`` and the like, as the messages print an interval (open at an infinite end)."""
    return f"{'(' if low_open or low == -math.inf else '['}{low}, {high}{')' if high_open or high == math.inf else ']'}"


class BaseChecks(abc.ABC):
    """Checks of one argument. A package subclasses it once, in its ``validation`` module, with its array type's
    primitives (the abstract methods here: the subclass cannot be made without them), the nouns its messages use
    and its ``DEFAULT``, which passes every hyperparameter check (the NumPy reference has none)."""

    ARRAY = "array"  # "x must be a <ARRAY>"
    INTEGER_ARRAY = "integer array"  # "y must be an <INTEGER_ARRAY> of class indices"
    ARRAYS = "arrays"  # "params must be a dict of <ARRAYS>"
    default = _NO_DEFAULT

    # ------------------------------------------------------------ primitives (a package's arrays)

    @abc.abstractmethod
    def is_array(self, x):
        """Whether ``x`` is one of the package's arrays (any dtype)."""

    @abc.abstractmethod
    def is_floating(self, x):
        """Whether the array ``x`` has a floating-point dtype."""

    @abc.abstractmethod
    def is_integer(self, x):
        """Whether the array ``x`` has an integer dtype (bool, float and complex are not)."""

    @abc.abstractmethod
    def dtype_name(self, x):
        """``x``'s dtype as the messages print it, NumPy's name (``float32``) in every package."""

    @abc.abstractmethod
    def has_nan(self, x):
        """Whether the (readable) array ``x`` holds a NaN."""

    @abc.abstractmethod
    def below_inf(self, x):
        """Whether every element of the (readable) array ``x`` is below +inf (False at NaN and +inf)."""

    @abc.abstractmethod
    def extrema(self, x):
        """(min, max) of the readable, non-empty array ``x``, as the package's messages print them."""

    @abc.abstractmethod
    def is_binary(self, x):
        """Whether every element of the array ``x`` is 0 or 1."""

    @abc.abstractmethod
    def holds_within(self, y, lengths, value):
        """Whether some row ``n`` of the readable (N, S) array ``y`` holds ``value`` among its first ``lengths[n]``."""

    # ------------------------------------------------------------ primitives with a default

    def is_integer_array(self, x):
        """Whether ``x`` is an array that may hold integer labels or lengths (by default: :meth:`is_array`)."""
        return self.is_array(x)

    def readable(self, x):
        """Whether ``x``'s values can be read now (a traced graph's cannot: checks of values skip it)."""
        return True

    def numel(self, x):
        """The number of elements of ``x`` (its shape known)."""
        return math.prod(tuple(x.shape))

    # ------------------------------------------------------------ numbers, choices, axes

    def check_number(self, value, name, *, low=-math.inf, high=math.inf, low_open=False, high_open=False,
                     integer=False, positive=False, optional=False):
        """Raise TypeError unless ``value`` is a real number (an integer with ``integer``; never a bool, None or a
        string), ValueError unless it is finite and lies in the interval from ``low`` to ``high`` (closed unless
        ``low_open`` / ``high_open``; ``positive``: from 0, open). Type first: ``lr=None`` names ``lr`` instead of
        failing a comparison. The package's ``DEFAULT`` passes, and with ``optional`` None (the caller's "not
        given") does."""
        if value is self.default or (optional and value is None):
            return
        if positive:
            low, low_open = 0.0, True
        if isinstance(value, bool) or not isinstance(value, numbers.Integral if integer else numbers.Real):
            raise TypeError(f"{name} must be {'an int' if integer else 'a real number'}, got {type(value).__name__}")
        above = low < value if low_open else low <= value
        below = value < high if high_open else value <= high
        if not (above and below and math.isfinite(value)):
            raise ValueError(f"{name} must be finite and in {interval(low, high, low_open, high_open)}, got {value!r}")

    def check_choice(self, value, choices, name):
        """Raise TypeError unless ``value`` has the type of one of ``choices`` (None for a string choice), ValueError
        unless it is one of them (the package's ``DEFAULT`` passes)."""
        if value is self.default:
            return
        if not isinstance(value, tuple({type(c) for c in choices})):
            raise TypeError(f"{name} must be one of {sorted(map(repr, choices))}, got {type(value).__name__}")
        if value not in choices:
            raise ValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")

    def check_axis(self, axis, ndim, name="axis"):
        """Raise TypeError unless ``axis`` is an int, ValueError (torch itself raises IndexError) unless it lies in
        ``[-ndim, ndim)`` (the package's ``DEFAULT`` passes)."""
        if axis is self.default:
            return
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
        if not -ndim <= axis < ndim:
            raise ValueError(f"{name}={axis!r} is out of range for an input with {ndim} dimensions")

    # ------------------------------------------------------------ one array: type, dtype, shape

    def check_floating(self, x, name):
        """Raise TypeError unless ``x`` is one of the package's arrays with a floating-point dtype."""
        if not self.is_array(x):
            raise TypeError(f"{name} must be a {self.ARRAY}, got {type(x).__name__}")
        if not self.is_floating(x):
            raise TypeError(f"{name} must have a floating-point dtype, got {self.dtype_name(x)}")

    def check_integer(self, x, name, what):
        """Raise TypeError unless ``x`` is an integer array (a bool, float or complex one is not) of ``what``."""
        if not self.is_integer_array(x):
            raise TypeError(f"{name} must be an {self.INTEGER_ARRAY} of {what}, got {type(x).__name__}")
        if not self.is_integer(x):
            raise TypeError(f"{name} must be an {self.INTEGER_ARRAY} of {what}, got {self.dtype_name(x)}")

    def check_same_dtype(self, a, name_a, b, name_b):
        """Raise TypeError unless ``a`` and ``b`` share a dtype."""
        if self.dtype_name(a) != self.dtype_name(b):
            raise TypeError(f"{name_b} has dtype {self.dtype_name(b)} but {name_a} has dtype {self.dtype_name(a)}; "
                            "they must match")

    def check_shape(self, x, shape, name, what="expected"):
        """Raise ValueError unless ``x.shape == shape``."""
        if tuple(x.shape) != tuple(shape):
            raise ValueError(f"{name} has shape {tuple(x.shape)}; {what} {tuple(shape)}")

    def check_same_shape(self, a, name_a, b, name_b):
        """Raise ValueError unless ``b`` has ``a``'s shape exactly: (N, 1) against (N,) is never broadcast."""
        self.check_shape(b, a.shape, name_b, what=f"it must equal {name_a}'s shape")

    def check_like(self, g, name_g, x, name_x):
        """Raise unless the gradient ``g`` is a float array with ``x``'s shape and dtype."""
        self.check_floating(g, name_g)
        self.check_shape(g, x.shape, name_g, what=f"it must match {name_x}'s shape")
        self.check_same_dtype(x, name_x, g, name_g)

    def check_ndim(self, x, ndim, name):
        """Raise ValueError unless ``x`` has ``ndim`` dimensions."""
        if len(x.shape) != ndim:
            raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")

    def check_min_ndim(self, x, ndim, name):
        """Raise ValueError unless ``x`` has at least ``ndim`` dimensions (a 0-d array is not a batch)."""
        if len(x.shape) < ndim:
            raise ValueError(f"{name} must have at least {ndim} dimension(s), got shape {tuple(x.shape)}")

    def check_nonempty(self, x, name):
        """Raise ValueError if ``x`` has no elements (a reduction over it would be undefined; the static shape)."""
        if 0 in tuple(x.shape):
            raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); it needs at least one element")

    # ------------------------------------------------------------ one array: values (readable arrays only)

    def check_no_nan(self, x, name):
        """Raise ValueError if ``x`` contains NaN."""
        if self.readable(x) and self.has_nan(x):
            raise ValueError(f"{name} contains NaN")

    def check_below_inf(self, x, name):
        """Raise ValueError if ``x`` holds NaN or +inf (one pass: ``x < inf`` is False exactly there); -inf passes."""
        if self.readable(x) and not self.below_inf(x):
            raise ValueError(f"{name} contains NaN or +inf")

    def check_labels(self, y, num_classes, name):
        """Raise TypeError unless ``y`` is an integer array (bool, float, complex: TypeError), ValueError unless its
        class indices lie in ``[0, num_classes)``."""
        self.check_integer(y, name, "class indices")
        if self.readable(y) and self.numel(y):
            low, high = self.extrema(y)
            if low < 0 or high >= num_classes:
                raise ValueError(f"{name} has labels outside [0, {num_classes}): min {low}, max {high}")

    def check_probabilities(self, p, name):
        """Raise ValueError (torch's own check raises RuntimeError; Keras would clip) unless every element of ``p``
        lies in [0, 1]."""
        if self.readable(p) and self.numel(p):
            low, high = self.extrema(p)
            if low < 0 or high > 1:
                raise ValueError(f"{name} must hold probabilities in [0, 1], got min {float(low)}, max {float(high)}")

    def check_range(self, x, name, low, high=None):
        """Raise ValueError unless every element of the non-empty ``x`` (without NaN) lies in ``[low, high]``."""
        if self.readable(x) and self.numel(x):
            least, most = self.extrema(x)
            if least < low or (high is not None and most > high):
                raise ValueError(f"{name} must lie in [{low}, {high if high is not None else 'inf'}], "
                                 f"got values in [{least}, {most}]")
