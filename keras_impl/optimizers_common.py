"""What every Keras update rule wrapper shares: hyperparameter checks and the base class of the rules
Keras does not ship (each a proper ``keras.optimizers.Optimizer`` implementing ``build``/``update_step``).
A hyperparameter not passed (``DEFAULT``) is left out of the optimizer's constructor, so Keras's own default
applies (for the suite's own optimizers: their constructor's). ``apply_gradients(optimizer, grads, variables)``
is one step with gradients checked as the reference's ``update`` checks them (Keras's own ``apply_gradients``
casts a float64 gradient onto a float32 variable silently and reports a shape mismatch as a TensorFlow
``InvalidArgumentError``)."""
import keras

from .defaults import DEFAULT
from .validation import check_grads, check_number

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "apply_gradients"]


class Optimizer(keras.optimizers.Optimizer):
    """Base of the suite's own Keras optimizers: subclasses define ``build(variables)`` (creating their
    state with ``add_variable_from_reference``) and ``update_step(gradient, variable, learning_rate)``."""


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False, high_open=False):
    """``validation.check_number``: TypeError unless a real number, ValueError unless finite and in the interval
    from ``low`` to ``high`` (closed unless ``low_open`` / ``high_open``); ``DEFAULT``, the framework's own, passes."""
    check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)


def weight_decay_arg(weight_decay):
    """``weight_decay`` as Keras's optimizers take it: 0 is ``None`` (no decay step); ``DEFAULT`` stays left out."""
    return weight_decay if weight_decay is DEFAULT else weight_decay or None


def apply_gradients(optimizer, grads, variables):
    """``optimizer.apply_gradients`` with ``grads``, one per variable, checked first."""
    check_grads(grads, variables)
    optimizer.apply_gradients(zip(grads, variables))
