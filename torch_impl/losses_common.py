"""What every torch loss wrapper shares: checking (prediction, target), the compute dtype, and the
reduction for losses torch does not ship (``none`` | ``sum`` | ``mean``, torch's names).

A loss torch ships gets ``reduction=DEFAULT`` (left out of the ``F.*`` call: torch's own default applies); a
loss written here with torch ops has no torch default, so its ``reduction="mean"`` is the wrapper's own,
``torch.nn``'s usual choice."""
import torch

from .validation import check_choice, check_floating, check_min_ndim, check_no_nan, check_nonempty, check_same_dtype, \
    check_same_shape

__all__ = ["REDUCTIONS", "check_pair", "compute_in", "check_reduction", "reduce"]

REDUCTIONS = ("none", "sum", "mean")


def check_pair(y_pred, y_true):
    """Both float tensors of one dtype and exactly one shape of at least one dimension, not empty, without NaN."""
    check_floating(y_pred, "y_pred")
    check_floating(y_true, "y_true")
    check_same_dtype(y_pred, "y_pred", y_true, "y_true")
    check_min_ndim(y_pred, 1, "y_pred")
    check_same_shape(y_pred, "y_pred", y_true, "y_true")
    check_nonempty(y_pred, "y_pred")
    check_no_nan(y_pred, "y_pred")
    check_no_nan(y_true, "y_true")


def compute_in(dtype, *tensors):
    """The tensors cast to the compute ``dtype`` (``None``: unchanged; torch has no global floatx)."""
    return tensors if dtype is None else tuple(t.to(getattr(torch, dtype)) for t in tensors)


def check_reduction(reduction):
    check_choice(reduction, REDUCTIONS, "reduction")


def reduce(loss, reduction):
    """Reduce an element-wise ``loss`` as ``torch.nn`` losses do (over every element)."""
    check_reduction(reduction)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
