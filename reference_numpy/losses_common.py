r"""What every loss shares: checking (prediction, target), the compute dtype, and the reduction.

Reductions are ``none`` | ``sum`` | ``mean``.

``unreduced`` says what ``reduction="none"`` returns: ``"elementwise"`` (torch: the loss per element)
or ``"per_sample"`` (Keras: the element losses first averaged over the last axis). ``mean`` agrees for
both; ``sum`` and ``none`` differ by that last-axis mean.
"""
import math

import numpy as np

from .validation import check_choice, check_floating, check_pair, check_shape

__all__ = ["REDUCTIONS", "check_pair", "compute_in", "check_reduction", "reduce"]

REDUCTIONS = ("none", "sum", "mean")


def compute_in(dtype, *arrays):
    """The arrays cast to the compute ``dtype`` (``None``: unchanged). Keras losses compute in floatx."""
    return arrays if dtype is None else tuple(a.astype(dtype) for a in arrays)


def check_reduction(reduction):
    check_choice(reduction, REDUCTIONS, "reduction")


def reduce(loss, reduction, *, unreduced="elementwise"):
    """Reduce an element-wise ``loss`` of shape (N, ...)."""
    check_reduction(reduction)
    check_choice(unreduced, ("elementwise", "per_sample"), "unreduced")
    if unreduced == "per_sample":
        loss = loss.mean(axis=-1)  # (N, ...) without the last axis
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def reduce_backward(dout, shape, reduction, *, unreduced="elementwise"):
    r"""The upstream gradient of the element-wise loss, shape ``shape``.

    .. math:: \mathrm{sum}: g, \quad \mathrm{mean}: g / \textstyle\prod \mathrm{shape}, \quad
              \mathrm{per\_sample}: \text{additionally} / \mathrm{shape}_{-1}
    """
    check_floating(dout, "dout")
    reduced = (shape[:-1] if unreduced == "per_sample" else shape) if reduction == "none" else ()
    check_shape(dout, reduced, "dout", what="it must match the loss's shape")
    scale = 1.0 / shape[-1] if unreduced == "per_sample" else 1.0
    if reduction == "none":
        g = dout[..., None] if unreduced == "per_sample" else dout
        return np.broadcast_to(g * scale, shape)
    if reduction == "mean":
        return np.broadcast_to(dout / math.prod(shape), shape)  # a Python int: float32 stays float32
    return np.broadcast_to(dout * scale, shape)
