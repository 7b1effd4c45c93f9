r"""What every loss shares: checking (prediction, target), the compute dtype, and the reduction; and the binary
cross-entropy terms that the BCE and the focal loss both build on (``clip_probabilities``, ``bce``, ``bce_grad``:
NumPy-only helpers, outside ``__all__``).

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


def clip_probabilities(p, clip_eps):
    """(clipped, inside): the gradient passes where ``eps <= p <= 1 - eps`` (inclusive, as TF's)."""
    if clip_eps is None:
        return p, np.ones(p.shape, dtype=bool)
    return np.clip(p, clip_eps, 1 - clip_eps), (p >= clip_eps) & (p <= 1 - clip_eps)


def bce(p, t, clip_eps, log_floor):
    r"""Element-wise :math:`-(t \log p + (1 - t) \log(1 - p))`, Keras's clipped or torch's floored; both (Keras on
    torch: ``F.binary_cross_entropy`` of the clipped probabilities) clip first, then take torch's floored logs."""
    if clip_eps is not None and log_floor is None:
        c, _ = clip_probabilities(p, clip_eps)
        return -(t * np.log(c) + (1 - t) * np.log(1 - c))
    p, _ = clip_probabilities(p, clip_eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p, log_q = np.log(p), np.log1p(-p)
        if log_floor is not None:
            log_p, log_q = np.maximum(log_p, log_floor), np.maximum(log_q, log_floor)
        return (t - 1) * log_q - t * log_p


def bce_grad(p, t, clip_eps, log_floor, grad_eps):
    r""":math:`\partial/\partial p` of ``bce``: 0 outside Keras's clip range, torch's fused
    :math:`(p - t)/\max(p(1-p), \epsilon)`, or (neither) the derivative of the floored logs."""
    c, inside = clip_probabilities(p, clip_eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        if grad_eps is not None:  # torch's fused backward, of the clipped probabilities when clipping
            return np.where(inside, (c - t) / np.maximum((1 - c) * c, grad_eps), 0)
        floor = -np.inf if log_floor is None or clip_eps is not None else log_floor
        g = np.where(np.log(c) >= floor, -t / c, 0) + np.where(np.log1p(-c) >= floor, (1 - t) / (1 - c), 0)
    return np.where(inside, g, 0)
