"""What every Keras loss wrapper shares: checking (prediction, target), the compute dtype, and the
reduction names mapped onto Keras's (``mean`` is Keras's ``"sum_over_batch_size"``; ``none`` returns the
per-sample losses). ``reduction`` and ``dtype`` not passed (``DEFAULT``) are left out of the ``keras.losses.Loss``
constructor, so Keras's own defaults apply (``sum_over_batch_size`` and floatx in Keras 3.15)."""
import keras
from keras import ops

from .defaults import DEFAULT, framework_default, given
from .validation import check_choice, check_pair

__all__ = ["REDUCTIONS", "check_pair", "compute_in", "check_reduction", "reduce"]

REDUCTIONS = ("none", "sum", "mean")
KERAS_NAMES = {"none": None, "sum": "sum", "mean": "sum_over_batch_size"}


def loss_config(reduction, dtype, names=KERAS_NAMES, **config):
    """The ``keras.losses.Loss`` constructor's keywords that were passed: ``reduction`` under its Keras name
    (``names``), ``dtype`` and ``config``."""
    return given(reduction=DEFAULT if reduction is DEFAULT else names[reduction], dtype=dtype, **config)


def compute_in(dtype, *tensors):
    """The tensors cast to the compute ``dtype``; ``None`` or not passed means ``keras.config.floatx()``, as in a
    ``keras.losses.Loss``."""
    dtype = keras.config.floatx() if dtype is None or dtype is DEFAULT else dtype
    return tuple(ops.cast(t, dtype) for t in tensors)


def check_reduction(reduction):
    check_choice(reduction, REDUCTIONS, "reduction")


def reduce(loss, reduction):
    """Reduce per-sample losses as a ``keras.losses.Loss`` does (sum over batch size for ``mean``; not passed:
    ``Loss``'s default reduction)."""
    check_reduction(reduction)
    if reduction is DEFAULT:
        default = framework_default(keras.losses.Loss, "reduction")
        reduction = next(name for name, keras_name in KERAS_NAMES.items() if keras_name == default)
    if reduction == "none":
        return loss
    return ops.sum(loss) if reduction == "sum" else ops.mean(loss)
