r"""CTC loss in PyTorch: ``F.ctc_loss`` on ``log_softmax`` of the logits, made time-major.

The suite's ``y_pred`` is batch-major LOGITS (N, T, C); ``F.ctc_loss`` wants time-major LOG-PROBABILITIES
(T, N, C) and does not normalise them itself, so the wrapper applies ``F.log_softmax`` over classes and
transposes. Targets are the padded (N, S) form. ``blank`` and ``reduction`` not passed are left out of the
call, so torch's defaults apply; in torch 2.13 ``blank=0``, ``reduction='mean'`` (each loss divided by its
target length, clamped to at least 1, then averaged over the batch), ``zero_infinity=False`` (an impossible
alignment gives ``inf`` and a NaN gradient on its frames).
"""
import torch.nn.functional as F

from .defaults import DEFAULT, framework_default, given
from .losses_common import check_reduction, compute_in
from .validation import check_ctc

__all__ = ["ctc"]


def ctc(y_pred, y_true, pred_lengths, label_lengths, *, blank=DEFAULT, reduction=DEFAULT, dtype=None):
    r"""CTC :math:`-\log P(l \mid z)`: ``F.ctc_loss(F.log_softmax(z, -1).transpose(0, 1), ...)``."""
    # blank not passed: torch's own, valid by definition; the label check needs its value
    check_ctc(y_pred, y_true, pred_lengths, label_lengths,
              framework_default(F.ctc_loss, "blank") if blank is DEFAULT else blank)
    check_reduction(reduction)
    (z,) = compute_in(dtype, y_pred)
    log_probs = F.log_softmax(z, dim=-1).transpose(0, 1)  # (T, N, C), as F.ctc_loss wants
    return F.ctc_loss(log_probs, y_true, pred_lengths, label_lengths, **given(blank=blank, reduction=reduction))
