"""What every Keras loss wrapper shares: checking (prediction, target), the compute dtype, and the
reduction names mapped onto Keras's (``mean`` is Keras's default ``"sum_over_batch_size"``;
``none`` returns the per-sample losses)."""
import keras
from keras import ops

from .validation import check_choice, check_floating, check_no_nan, check_same_dtype, check_same_shape

__all__ = ["REDUCTIONS", "check_pair", "compute_in", "check_reduction", "reduce"]

REDUCTIONS = ("none", "sum", "mean")
KERAS_NAMES = {"none": None, "sum": "sum", "mean": "sum_over_batch_size"}


def check_pair(y_pred, y_true):
    """Both float tensors of one dtype and exactly one shape, without NaN."""
    check_floating(y_pred, "y_pred")
    check_floating(y_true, "y_true")
    check_same_dtype(y_pred, "y_pred", y_true, "y_true")
    check_same_shape(y_pred, "y_pred", y_true, "y_true")
    check_no_nan(y_pred, "y_pred")
    check_no_nan(y_true, "y_true")


def compute_in(dtype, *tensors):
    """The tensors cast to the compute ``dtype``; ``None`` means ``keras.config.floatx()``, as in a
    ``keras.losses.Loss``."""
    dtype = dtype or keras.config.floatx()
    return tuple(ops.cast(t, dtype) for t in tensors)


def check_reduction(reduction):
    check_choice(reduction, REDUCTIONS, "reduction")


def reduce(loss, reduction):
    """Reduce per-sample losses as a ``keras.losses.Loss`` does (sum over batch size for ``mean``)."""
    check_reduction(reduction)
    if reduction == "none":
        return loss
    return ops.sum(loss) if reduction == "sum" else ops.mean(loss)
