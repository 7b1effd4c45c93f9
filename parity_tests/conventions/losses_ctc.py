"""CTC conventions: F.ctc_loss vs keras.ops.ctc_loss (TensorFlow's ctc_loss_dense).

Both take the blank at class 0 by default and return one loss per sequence; they differ in what
``mean`` divides by and in how an impossible (or astronomically improbable) alignment is scored.
"""
from dataclasses import replace

from reference_numpy.losses_ctc import TF_LOG_ZERO

from . import register
from . import Source
from .losses_common import keras_loss_sources, loss_pair, torch_loss_sources

__all__ = []

_PER_SEQUENCE = "reduction='none' returns one loss per sequence, shape (N,)"

_PAIR = loss_pair(
    "ctc", "F.ctc_loss(F.log_softmax(y_pred, -1).transpose(0, 1), ...)",
    "keras.losses.Loss subclass: keras.ops.ctc_loss(y_true, y_pred, label_lengths, pred_lengths, mask_index=blank)",
    hyper={"blank": 0},
    torch_unreduced="per_sample", keras_unreduced="per_sample",
    sources={"torch": {**torch_loss_sources(("torch.nn.functional.ctc_loss", "torch.nn.CTCLoss"), "blank"),
                       "torch.nn.CTCLoss.blank": Source("torch.nn.CTCLoss", "blank"),
                       "torch.nn.CTCLoss.zero_infinity": Source("torch.nn.CTCLoss", "zero_infinity")},
             "keras": {**keras_loss_sources("keras.losses.Loss"), "blank": Source("keras.ops.ctc_loss", "mask_index")}},
    torch_formula={"log_zero": None, "mean_by_label_length": True, "zero_infinity": False, "compute_dtype": None,
                   "log_zero_at": "end"},
    keras_formula={"log_zero": TF_LOG_ZERO, "mean_by_label_length": False, "zero_infinity": False,
                   "compute_dtype": "float32", "log_zero_at": "end"},
    notes={
        "torch": {
            "blank": "F.ctc_loss(blank=0)",
            "reduction": "F.ctc_loss(reduction='mean')",
            "unreduced": "F.ctc_loss: " + _PER_SEQUENCE,
            "log_zero": "exact log-space recursion: states other than the final two have weight 0, so an "
                        "impossible alignment gives loss inf",
            "mean_by_label_length": "reduction='mean' divides each loss by target_lengths.clamp_min(1), "
                                    "then averages over the batch",
            "zero_infinity": "F.ctc_loss(zero_infinity=False): inf losses are kept, their gradient is NaN",
            "compute_dtype": "ATen's CTC runs in the input dtype, float64 included",
            "log_zero_at": "no log_zero (exact recursion): which ends it would relax is moot (the reference's "
                           "default)",
            "torch.nn.CTCLoss.blank": "torch.nn.CTCLoss(blank=0), as the functional form",
            "torch.nn.CTCLoss.zero_infinity": "torch.nn.CTCLoss(zero_infinity=False), as the functional form",
        },
        "keras": {
            "blank": "keras.ops.ctc_loss(mask_index=0); keras.losses.CTC hard-codes 0",
            "unreduced": "keras.ops.ctc_loss: " + _PER_SEQUENCE,
            "log_zero": "tf ctc_state_log_probs: non-final states get log(1e-307) in float32 = -706.89 instead of "
                        "-inf (and non-start states too in the forward pass of the gradient), so the loss stays "
                        "finite (about 707 for an impossible alignment) and is capped on saturated logits",
            "mean_by_label_length": "Loss reduction 'sum_over_batch_size' is the plain batch mean of the "
                                    "per-sequence losses",
            "zero_infinity": "no such option in Keras; the loss is never inf (log_zero), so nothing to zero",
            "compute_dtype": "the TensorFlow backend casts float64 logits to float32 (tf's dense CTC has no "
                             "float64 path) and the loss back: float64 runs carry float32 rounding",
            "log_zero_at": "tf ctc_loss_dense: log_zero weights the final states (the loss may end anywhere) and "
                           "the start states of the gradient's forward pass",
            "keras.losses.CTC.lengths": "keras.losses.CTC takes no lengths: label length = count of y_true != 0, "
                                        "input length = T",
        },
    },
)
# The frameworks' object APIs a user also meets: recorded, pinned by parity_tests/test_losses_ctc.py, not run.
_RELATED = {
    "torch": {"torch.nn.CTCLoss.blank": 0, "torch.nn.CTCLoss.zero_infinity": False},
    "keras": {"keras.losses.CTC.lengths": "derived"},
}

register(*(replace(c, related=_RELATED[c.framework]) for c in _PAIR))
