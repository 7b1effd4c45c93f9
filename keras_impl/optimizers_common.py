"""What every Keras update rule wrapper shares: hyperparameter checks and the base class of the rules
Keras does not ship (each a proper ``keras.optimizers.Optimizer`` implementing ``build``/``update_step``).
A hyperparameter not passed (``DEFAULT``) is left out of the optimizer's constructor, so Keras's own default
applies (for the suite's own optimizers: their constructor's)."""
import keras

from .defaults import DEFAULT

__all__ = ["Optimizer", "check_hyperparameter"]


class Optimizer(keras.optimizers.Optimizer):
    """Base of the suite's own Keras optimizers: subclasses define ``build(variables)`` (creating their
    state with ``add_variable_from_reference``) and ``update_step(gradient, variable, learning_rate)``."""


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False):
    """Raise ValueError unless ``low <= value <= high`` (``low < value`` with ``low_open``); ``DEFAULT``, the
    framework's own, passes."""
    if value is DEFAULT:
        return
    if not (low < value if low_open else low <= value) or not value <= high:
        bound = f"({low}" if low_open else f"[{low}"
        raise ValueError(f"{name} must be in {bound}, {high}], got {value!r}")


def weight_decay_arg(weight_decay):
    """``weight_decay`` as Keras's optimizers take it: 0 is ``None`` (no decay step); ``DEFAULT`` stays left out."""
    return weight_decay if weight_decay is DEFAULT else weight_decay or None
