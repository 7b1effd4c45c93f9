r"""CTC loss in PyTorch: ``F.ctc_loss`` on ``log_softmax`` of the logits, made time-major.

The suite's ``y_pred`` is batch-major LOGITS (N, T, C); ``F.ctc_loss`` wants time-major LOG-PROBABILITIES
(T, N, C) and does not normalise them itself, so the wrapper applies ``F.log_softmax`` over classes and
transposes. Targets are the padded (N, S) form. ``blank`` and ``reduction`` not passed are left out of the
call, so torch's defaults apply; in torch 2.13 ``blank=0``, ``reduction='mean'`` (each loss divided by its
target length, clamped to at least 1, then averaged over the batch), ``zero_infinity=False`` (an impossible
alignment gives ``inf`` and a NaN gradient on its frames).
"""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, framework_default, given
from .losses_common import check_reduction, compute_in
from .validation import check_floating, check_integer, check_labels, check_ndim, check_no_nan, check_number, \
    check_shape

__all__ = ["ctc"]


def _check_lengths(lengths, n, upper, name):
    check_integer(lengths, name, "lengths")
    check_shape(lengths, (n,), name, what="expected one length per sequence:")
    if n and (lengths.min() < 0 or lengths.max() > upper):
        raise ValueError(f"{name} must lie in [0, {upper}] (the padded size), got min {int(lengths.min())}, "
                         f"max {int(lengths.max())}")


def _check(y_pred, y_true, pred_lengths, label_lengths, blank):
    """Same checks, classes and argument names as the NumPy reference; infeasible lengths are not an error."""
    check_floating(y_pred, "y_pred")
    check_ndim(y_pred, 3, "y_pred")
    check_no_nan(y_pred, "y_pred")
    n, t, c = y_pred.shape
    check_labels(y_true, c, "y_true")
    check_ndim(y_true, 2, "y_true")
    check_shape(y_true, (n, y_true.shape[1]), "y_true", what="expected one label row per sequence:")
    _check_lengths(pred_lengths, n, t, "pred_lengths")
    _check_lengths(label_lengths, n, y_true.shape[1], "label_lengths")
    if blank is DEFAULT:  # torch's own: valid by definition; the label check below needs its value
        blank = framework_default(F.ctc_loss, "blank")
    check_number(blank, "blank", low=0, high=c, high_open=True, integer=True)
    used = torch.arange(y_true.shape[1]) < label_lengths[:, None]
    if torch.any(used & (y_true == blank)):
        raise ValueError(f"y_true holds the blank index {blank} inside label_lengths")


def ctc(y_pred, y_true, pred_lengths, label_lengths, *, blank=DEFAULT, reduction=DEFAULT, dtype=None):
    r"""CTC :math:`-\log P(l \mid z)`: ``F.ctc_loss(F.log_softmax(z, -1).transpose(0, 1), ...)``."""
    _check(y_pred, y_true, pred_lengths, label_lengths, blank)
    check_reduction(reduction)
    (z,) = compute_in(dtype, y_pred)
    log_probs = F.log_softmax(z, dim=-1).transpose(0, 1)  # (T, N, C), as F.ctc_loss wants
    return F.ctc_loss(log_probs, y_true, pred_lengths, label_lengths, **given(blank=blank, reduction=reduction))
