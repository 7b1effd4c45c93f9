"""What every Keras update rule wrapper shares: hyperparameter checks and the base class of the rules
Keras does not ship (each a proper ``keras.optimizers.Optimizer`` implementing ``build``/``update_step``)."""
import keras

__all__ = ["Optimizer", "check_hyperparameter"]


class Optimizer(keras.optimizers.Optimizer):
    """Base of the suite's own Keras optimizers: subclasses define ``build(variables)`` (creating their
    state with ``add_variable_from_reference``) and ``update_step(gradient, variable, learning_rate)``."""


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False):
    """Raise ValueError unless ``low <= value <= high`` (``low < value`` with ``low_open``)."""
    if not (low < value if low_open else low <= value) or not value <= high:
        bound = f"({low}" if low_open else f"[{low}"
        raise ValueError(f"{name} must be in {bound}, {high}], got {value!r}")
