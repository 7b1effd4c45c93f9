"""Input checks of the NumPy reference: its ``numpy.ndarray`` primitives under the checks the three packages share.

The bad-input contract, the same in the three packages: every check runs before any computation and raises a
built-in class whose message names the argument -- ``TypeError`` for a wrong type or dtype (None, strings, bools
where a number is meant, complex, object, integer or bool arrays where floats are meant, float or complex
labels); ``ValueError`` for a wrong shape or value (0-d or empty where a reduction needs elements, NaN, a number
outside its interval -- NaN and infinities never lie inside one --, labels or probabilities out of range, an
unknown choice).

Each check is written once, in the framework-free package ``argchecks`` (``argchecks.Checks``: the checks of one
argument, then what several modules share -- a loss's pair, an update's gradients, a layer's weights, an MLP, a
training run, a schedule's steps, CTC's lengths, gradcheck's and every initialiser's arguments), over a few
primitives about arrays; ``torch_impl/validation.py`` and ``keras_impl/validation.py`` supply their framework's,
this module NumPy's. The public names (``argchecks.PUBLIC``) are the bound checks, put in this module's globals.
``constant`` is the reference's one rounding of a Python constant through float32 (Keras's ``ops.cast``).
"""
import numpy as np

from argchecks import PUBLIC, Checks, exports

__all__ = list(PUBLIC)


class _NumpyChecks(Checks):
    """``numpy.ndarray`` only; no ``DEFAULT`` (the reference calls no framework whose default it could leave)."""

    ARRAY, INTEGER_ARRAY, ARRAYS = "numpy.ndarray", "integer array", "arrays"

    def is_array(self, x):
        return isinstance(x, np.ndarray)

    def is_floating(self, x):
        return np.issubdtype(x.dtype, np.floating)

    def is_integer(self, x):
        return np.issubdtype(x.dtype, np.integer)

    def dtype_name(self, x):
        """``x``'s dtype as the messages print it (``float32``), the name the torch and Keras checks print too."""
        return str(x.dtype)

    def has_nan(self, x):
        """The maximum is NaN exactly when an element is: one pass without the boolean temporary of
        ``np.isnan(x).any()``."""
        return bool(x.size) and bool(np.isnan(x.max()))

    def below_inf(self, x):
        return bool((x < np.inf).all())

    def extrema(self, x):
        """NumPy scalars: the messages print them as NumPy does (``0.1`` for a float32, not its float64 value)."""
        return x.min(), x.max()

    def is_binary(self, x):
        return bool(np.all((x == 0) | (x == 1)))

    def holds_within(self, y, lengths, value):
        used = np.arange(y.shape[1]) < lengths[:, None]
        return bool(np.any(used & (y == value)))


_CHECKS = _NumpyChecks()
globals().update(exports(_CHECKS))  # check_pair = _CHECKS.check_pair, ... for every name of __all__


def constant(value, dtype, constant_dtype=None):
    """A Python constant as a framework computes with it, a 0-d array of ``dtype``: rounded through float32 first
    when ``constant_dtype`` is ``"float32"`` (TensorFlow makes a Python float a float32 tensor before any cast),
    once otherwise. The NumPy reference's one rounding of constants (not a check: outside ``__all__``)."""
    return np.asarray(np.float32(value) if constant_dtype == "float32" else value, dtype=dtype)
