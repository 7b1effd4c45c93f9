r"""Similarity and metric-learning losses in PyTorch: ``torch.nn.functional`` where torch ships the
loss (cosine similarity, triplet margin), otherwise torch ops reduced by ``losses_common.reduce``.
Each loss is one value per sample, so ``reduction='none'`` returns shape (N,)."""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, given
from .losses_common import check_pair, check_reduction, compute_in, reduce
from .validation import check_axis, check_contrastive, check_ndim, check_range, check_triplet

__all__ = ["cosine_similarity", "contrastive", "triplet", "dice"]

DICE_SMOOTH = 1.0  # Laplace smoothing of the hand-written Dice, in numerator and denominator


def cosine_similarity(y_pred, y_true, *, reduction="mean", dtype=None):
    r""":math:`-\cos(p, t)` along the last axis: ``-F.cosine_similarity(dim=-1)`` (torch's sign is
    :math:`+\cos` and its default ``dim=1``; each norm is clamped at ``eps=1e-8``)."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_reduction(reduction)
    p, t = compute_in(dtype, y_pred, y_true)
    return reduce(-F.cosine_similarity(p, t, dim=-1), reduction)


def contrastive(y_pred, y_true, *, margin=1.0, reduction="mean", dtype=None):
    r""":math:`y d^2 + (1 - y) \max(m - d, 0)^2` on distances ``y_pred`` (N,), ``y_true`` = 1 for a
    similar pair (torch has no contrastive loss)."""
    check_contrastive(y_pred, y_true, margin)
    check_reduction(reduction)
    d, y = compute_in(dtype, y_pred, y_true)
    return reduce(y * d * d + (1 - y) * torch.clamp_min(margin - d, 0) ** 2, reduction)


def triplet(anchor, positive, negative, *, margin=DEFAULT, reduction=DEFAULT, dtype=None):
    r""":math:`\max(m + \|a - p + \varepsilon\| - \|a - q + \varepsilon\|, 0)`: ``F.triplet_margin_loss``
    with torch's defaults for what is not passed (``margin=1.0``, ``p=2, eps=1e-6, swap=False`` in torch 2.13)."""
    check_triplet(anchor, positive, negative, margin)
    check_reduction(reduction)
    a, p, n = compute_in(dtype, anchor, positive, negative)
    return F.triplet_margin_loss(a, p, n, **given(margin=margin, reduction=reduction))


def _dims(axis, ndim):
    dims = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    for d in dims:
        check_axis(d, ndim)
    return dims


def dice(y_pred, y_true, *, axis=-1, reduction="mean", dtype=None):
    r""":math:`1 - (2 \sum p t + s) / (\sum p + \sum t + s)` with :math:`s = 1` over ``axis`` (torch has
    no Dice loss; ``axis=-1`` gives one loss per sample of (N, D) masks, ``None`` one for the batch)."""
    check_pair(y_pred, y_true)
    dims = _dims(axis, y_pred.ndim)
    check_range(y_pred, "y_pred", 0, 1)
    check_range(y_true, "y_true", 0, 1)
    check_reduction(reduction)
    p, t = compute_in(dtype, y_pred, y_true)
    num = 2 * torch.sum(p * t, dim=dims) + DICE_SMOOTH
    den = torch.sum(p, dim=dims) + torch.sum(t, dim=dims) + DICE_SMOOTH
    return reduce(1 - num / den, reduction)
