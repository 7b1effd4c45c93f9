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
import numpy as np
import tensorflow as tf
from keras import ops

from .defaults import DEFAULT, framework_default, given
from .losses_common import check_reduction, loss_config
from .validation import check_floating, check_integer, check_labels, check_ndim, check_no_nan, check_number, \
    check_shape

__all__ = ["ctc"]


def _eager(x):
    return not keras.backend.is_keras_tensor(x) and tf.executing_eagerly()


def _check_lengths(lengths, n, upper, name):
    check_integer(lengths, name, "lengths")
    check_shape(lengths, (n,), name, what="expected one length per sequence:")
    if _eager(lengths) and n:
        lo, hi = int(ops.min(lengths)), int(ops.max(lengths))
        if lo < 0 or hi > upper:
            raise ValueError(f"{name} must lie in [0, {upper}] (the padded size), got min {lo}, max {hi}")


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
    check_number(blank, "blank", low=0, high=c, high_open=True, integer=True)
    if _eager(y_true) and _eager(label_lengths):
        used = np.arange(y_true.shape[1]) < ops.convert_to_numpy(label_lengths)[:, None]
        if np.any(used & (ops.convert_to_numpy(y_true) == blank)):
            raise ValueError(f"y_true holds the blank index {blank} inside label_lengths")


class _CTC(keras.losses.Loss):
    def __init__(self, pred_lengths, label_lengths, blank, **kwargs):
        super().__init__(**kwargs)
        self.pred_lengths, self.label_lengths, self.blank = pred_lengths, label_lengths, blank

    def call(self, y_true, y_pred):
        return ops.ctc_loss(y_true, y_pred, self.label_lengths, self.pred_lengths, **given(mask_index=self.blank))


def ctc(y_pred, y_true, pred_lengths, label_lengths, *, blank=DEFAULT, reduction=DEFAULT, dtype=DEFAULT):
    r"""CTC :math:`-\log P(l \mid z)` per sequence: ``keras.ops.ctc_loss`` (blank: Keras's ``mask_index`` default) in
    a ``keras.losses.Loss`` subclass; ``mean`` is Keras's ``sum_over_batch_size`` (no division by label length)."""
    _check(y_pred, y_true, pred_lengths, label_lengths,
           framework_default(ops.ctc_loss, "mask_index") if blank is DEFAULT else blank)
    check_reduction(reduction)
    loss = _CTC(pred_lengths, label_lengths, blank, **loss_config(reduction, dtype))
    return loss(y_true, y_pred)
