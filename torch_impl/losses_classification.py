r"""Classification losses in PyTorch: ``torch.nn.functional`` where torch ships the loss (BCE, BCE with
logits, cross-entropy with probability targets or class indices, class weights), torch ops otherwise
(CE on probabilities, focal loss). ``reduction='none'`` is element-wise for the binary losses and per
sample for the categorical ones (torch sums the class axis)."""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, given
from .losses_common import check_pair, check_reduction, compute_in, reduce
from .validation import check_choice, check_class_weights, check_logits_labels, check_ndim, check_probabilities

__all__ = ["binary_crossentropy", "binary_crossentropy_with_logits", "categorical_crossentropy",
           "categorical_crossentropy_with_logits", "sparse_categorical_crossentropy", "weighted_crossentropy",
           "focal_loss"]


_IGNORE_NOTHING = -100  # a negative class index: labels are checked to lie in [0, C), so it never matches


def _check_from_logits(from_logits, *inputs):
    """``from_logits`` a bool; with ``False`` the ``inputs`` ((tensor, name) pairs) must be probabilities."""
    check_choice(from_logits, (True, False), "from_logits")
    if not from_logits:
        for x, name in inputs:
            check_probabilities(x, name)


def binary_crossentropy(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r"""BCE on probabilities: ``F.binary_cross_entropy`` (torch's default reduction; logs floored at -100;
    backward :math:`(p - t) / \max(p(1-p), 10^{-12})`)."""
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    check_reduction(reduction)
    return F.binary_cross_entropy(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction))


def binary_crossentropy_with_logits(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r"""BCE on logits: ``F.binary_cross_entropy_with_logits``, :math:`(1 - t)x - \log\sigma(x)`."""
    check_pair(y_pred, y_true)
    check_reduction(reduction)
    return F.binary_cross_entropy_with_logits(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction))


def categorical_crossentropy(y_pred, y_true, *, reduction="mean", dtype=None):
    r"""CE on probabilities: torch has none; ``-torch.xlogy(t, p).sum(-1)`` is the idiom (p used as
    given: no normalisation, no clipping; :math:`0 \log 0 = 0`, but its gradient there is 0/0 = NaN)."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    p, t = compute_in(dtype, y_pred, y_true)
    return reduce(-torch.xlogy(t, p).sum(dim=-1), reduction)


def categorical_crossentropy_with_logits(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r"""CE on logits (N, C) with probability targets: ``F.cross_entropy`` (class dim 1)."""
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_reduction(reduction)
    return F.cross_entropy(*compute_in(dtype, y_pred, y_true), **given(reduction=reduction))


def sparse_categorical_crossentropy(y_pred, y_true, *, from_logits=True, ignore_index=DEFAULT, reduction=DEFAULT,
                                    dtype=None):
    r"""CE with int labels: ``F.cross_entropy`` (always logits), or ``F.nll_loss(torch.log(p))`` for
    probabilities (``from_logits`` is the wrapper's switch between the two). ``ignore_index``: torch's default
    (-100 in torch 2.13; labels are checked to lie in [0, C), so it never matches); ``None`` ignores nothing."""
    check_logits_labels(y_pred, y_true)
    _check_from_logits(from_logits, (y_pred, "y_pred"))
    check_reduction(reduction)
    (x,) = compute_in(dtype, y_pred)
    index = _IGNORE_NOTHING if ignore_index is None else ignore_index
    if from_logits:
        return F.cross_entropy(x, y_true, **given(ignore_index=index, reduction=reduction))
    return F.nll_loss(torch.log(x), y_true, **given(ignore_index=index, reduction=reduction))


def weighted_crossentropy(y_pred, y_true, class_weights, *, reduction=DEFAULT, dtype=None):
    r"""Class-weighted CE on logits: ``F.cross_entropy(weight=class_weights)``; ``mean`` divides by the
    sum of the targets' weights."""
    check_logits_labels(y_pred, y_true)
    check_class_weights(class_weights, y_pred)
    check_reduction(reduction)
    x, w = compute_in(dtype, y_pred, class_weights)
    return F.cross_entropy(x, y_true, weight=w, **given(reduction=reduction))


def focal_loss(y_pred, y_true, *, alpha=0.25, gamma=2.0, apply_class_balancing=True, from_logits=True,
               reduction="none", dtype=None):
    r"""Binary focal loss written with torch ops as ``torchvision.ops.sigmoid_focal_loss`` (logits,
    alpha=0.25 applied, gamma=2, reduction='none'; no torch default: torch ships no focal loss, these are
    torchvision's, copied); ``from_logits=False`` uses
    ``F.binary_cross_entropy`` on probabilities, which requires them in [0, 1] (checked here: ValueError, as in
    the reference and the Keras wrapper given ``from_logits=False``).

    .. math:: \ell = \alpha_t (1 - p_t)^\gamma \, \mathrm{ce}, \quad p_t = p t + (1 - p)(1 - t)
    """
    check_pair(y_pred, y_true)
    _check_from_logits(from_logits, (y_pred, "y_pred"), (y_true, "y_true"))
    check_reduction(reduction)
    x, t = compute_in(dtype, y_pred, y_true)
    if from_logits:
        p, ce = torch.sigmoid(x), F.binary_cross_entropy_with_logits(x, t, reduction="none")
    else:
        p, ce = x, F.binary_cross_entropy(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if apply_class_balancing:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return reduce(loss, reduction)
