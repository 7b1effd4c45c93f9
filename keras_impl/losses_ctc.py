r"""CTC loss in Keras 3: a ``keras.losses.Loss`` subclass around ``keras.ops.ctc_loss``.

``keras.losses.CTC`` cannot take lengths: it fixes the blank to 0, counts ``y_true != 0`` as each label
length and uses the full T as every input length. The wrapper therefore calls ``keras.ops.ctc_loss``
(what ``keras.losses.ctc`` itself calls) with explicit lengths and ``mask_index=blank``, inside a private
``Loss`` so that reduction (``sum_over_batch_size``: the plain batch mean of the per-sequence losses) and
floatx behave the Keras way. ``y_pred`` is batch-major LOGITS (N, T, C), the layout and input space
``keras.ops.ctc_loss`` expects (TensorFlow's ``ctc_loss_dense`` applies ``log_softmax`` itself). The
TensorFlow backend computes in float32 whatever the input dtype (float64 is cast down and the result back).
``blank``, ``reduction`` and ``dtype`` not passed (``DEFAULT``) are left out of the Keras calls, so Keras's own
defaults apply (``mask_index`` 0 in Keras 3.15); the checks read the blank index from ``keras.ops.ctc_loss``.
"""
import keras
from keras import ops

from .defaults import DEFAULT, framework_default, given
from .losses_common import check_reduction, loss_config
from .validation import check_ctc

__all__ = ["ctc"]


class _CTC(keras.losses.Loss):
    def __init__(self, pred_lengths, label_lengths, blank, **kwargs):
        super().__init__(**kwargs)
        self.pred_lengths, self.label_lengths, self.blank = pred_lengths, label_lengths, blank

    def call(self, y_true, y_pred):
        return ops.ctc_loss(y_true, y_pred, self.label_lengths, self.pred_lengths, **given(mask_index=self.blank))


def ctc(y_pred, y_true, pred_lengths, label_lengths, *, blank=DEFAULT, reduction=DEFAULT, dtype=DEFAULT):
    r"""CTC :math:`-\log P(l \mid z)` per sequence: ``keras.ops.ctc_loss`` (blank: Keras's ``mask_index`` default) in
    a ``keras.losses.Loss`` subclass; ``mean`` is Keras's ``sum_over_batch_size`` (no division by label length)."""
    check_ctc(y_pred, y_true, pred_lengths, label_lengths,
              framework_default(ops.ctc_loss, "mask_index") if blank is DEFAULT else blank)
    check_reduction(reduction)
    loss = _CTC(pred_lengths, label_lengths, blank, **loss_config(reduction, dtype))
    return loss(y_true, y_pred)
