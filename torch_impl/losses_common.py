"""What every torch loss wrapper shares: checking (prediction, target), the compute dtype, and the
reduction for losses torch does not ship (``none`` | ``sum`` | ``mean``, torch's names).

A loss torch ships gets ``reduction=DEFAULT`` (left out of the ``F.*`` call: torch's own default applies); a
loss written here with torch ops has no torch default, so its ``reduction="mean"`` is the wrapper's own,
``torch.nn``'s usual choice."""
import torch

from .validation import check_choice, check_pair

__all__ = ["REDUCTIONS", "check_pair", "compute_in", "check_reduction", "reduce"]

REDUCTIONS = ("none", "sum", "mean")


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
