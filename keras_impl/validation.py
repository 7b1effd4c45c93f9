"""Input checks for the Keras implementations: their tensor primitives under the checks the three packages share
(``argchecks.Checks``, written once; ``reference_numpy/validation.py`` states the contract), so the names, classes
and messages are the reference's. ``DEFAULT`` (Keras's own value) passes every hyperparameter check. Checks of
values (NaN, ranges) run on eager tensors only: a traced graph cannot branch on data. The public names
(``argchecks.PUBLIC``) are the bound checks, put in this module's globals."""
import math

import keras
import numpy as np

from argchecks import PUBLIC, Checks, exports

from .backend import is_eager
from .defaults import DEFAULT

__all__ = list(PUBLIC)


def _host(x):
    """An eager tensor's values as a NumPy array (no copy on the CPU): a check of values is one NumPy pass, where
    TensorFlow ops would cost ~0.1 ms of eager dispatch each."""
    return keras.ops.convert_to_numpy(x)


class _KerasChecks(Checks):
    """Tensors, ``keras.Variable`` and NumPy arrays (integer labels: tensors and arrays); values read eagerly."""

    ARRAY, INTEGER_ARRAY, ARRAYS = "tensor", "integer tensor", "tensors"
    default = DEFAULT

    def is_array(self, x):
        return keras.ops.is_tensor(x) or isinstance(x, (np.ndarray, keras.Variable))

    def is_integer_array(self, x):
        return keras.ops.is_tensor(x) or isinstance(x, np.ndarray)

    def is_floating(self, x):
        return self.dtype_name(x).startswith(("float", "bfloat"))

    def is_integer(self, x):
        return self.dtype_name(x).startswith(("int", "uint"))

    def dtype_name(self, x):
        """``x``'s dtype as NumPy names it (``float32``; an object array: ``object``)."""
        if isinstance(x, np.ndarray) and x.dtype == object:
            return str(x.dtype)
        return keras.backend.standardize_dtype(x.dtype)

    def readable(self, x):
        """``backend.is_eager``: not a symbolic KerasTensor, not traced (a ``tf.function`` graph, a JAX tracer)."""
        return is_eager(x)

    def has_nan(self, x):
        return bool(np.isnan(_host(x)).any())

    def below_inf(self, x):
        return bool((_host(x) < math.inf).all())

    def extrema(self, x):
        """Python numbers (an integer tensor's as ints)."""
        values = _host(x)
        return values.min().item(), values.max().item()

    def is_binary(self, x):
        return bool(keras.ops.all(keras.ops.logical_or(keras.ops.equal(x, 0), keras.ops.equal(x, 1))))

    def holds_within(self, y, lengths, value):
        used = np.arange(y.shape[1]) < _host(lengths)[:, None]
        return bool(np.any(used & (_host(y) == value)))


_CHECKS = _KerasChecks()
globals().update(exports(_CHECKS))  # check_pair = _CHECKS.check_pair, ... for every name of __all__
