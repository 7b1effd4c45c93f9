"""CTC rows: batch-major logits (N, T, C) = (4, 8, 6), labels (N, S) = (4, 4) drawn from {1..4} so that
both blanks used (0, the frameworks' default, and C - 1 = 5) stay out of every label and padding.

Each batch holds, in every regime: a full-length sequence whose first two labels repeat (a blank must
separate them); a sequence with a repeat whose ``pred_length`` is the minimum feasible S_n + repeats;
a short sequence; an empty label sequence. ``infeasible`` takes one frame off the minimum (torch: inf,
NaN gradient; Keras: finite, about 707). ``large`` adds ``MARGIN`` to the logits of both blank
candidates (0 and C - 1) on every frame: the softmax saturates on the blank, so a valid path of S_n
labels costs about S_n * MARGIN, above 707 for S_n >= 3, and TensorFlow's e^-706.9 floor (``log_zero``)
caps the Keras loss while torch returns the exact value.
"""
import numpy as np

import keras_impl.losses_ctc as k
import reference_numpy.losses_ctc as n
import torch_impl.losses_ctc as t

from ..case import Case
from ..inputs import draw
from ..tolerance import Override
from .losses_regression import reductions

__all__ = ["CASES", "ctc_inputs", "SHAPE"]

SHAPE = (4, 8, 6, 4)  # N, T, C, S
MARGIN = 300.0  # every |alpha|, |beta|, |log P| stays below T * (MARGIN + 16) + 707 < 4096
_LABEL_LENGTHS = (4, 3, 2, 0)


def _minimum_frames(labels):
    """Frames a CTC alignment of ``labels`` needs: one per label plus a blank between equal neighbours."""
    return len(labels) + int(np.sum(labels[1:] == labels[:-1]))


def ctc_inputs(shape=SHAPE):
    """Input builder: ``y_pred`` logits (N, T, C), then constants ``y_true`` (N, S) int64 and the int64
    ``pred_lengths`` and ``label_lengths`` (N,)."""
    n, t, c, s = shape

    def build(rng, regime, dtype, kinks):
        y_pred = draw(rng, "typical", (n, t, c))
        if regime == "large":
            y_pred[..., [0, c - 1]] += MARGIN
        y_true = rng.integers(1, c - 1, size=(n, s))
        y_true[0, 1] = y_true[0, 0]
        y_true[1, 1] = y_true[1, 0]
        label_lengths = np.array(_LABEL_LENGTHS, dtype=np.int64)
        tight = _minimum_frames(y_true[1, :label_lengths[1]])
        pred_lengths = np.array([t, tight - (regime == "infeasible"), 6, 5], dtype=np.int64)
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(np.int64),
                "pred_lengths": pred_lengths, "label_lengths": label_lengths}
    return build


# The frameworks' blank (0) under every reduction, and the other end of the class axis once.
_ALIGNED = reductions(blank=0) + ({"blank": SHAPE[2] - 1, "reduction": "none", "dtype": None},)


def _log_domain(regime, bound=4096, why="saturated logits, or the e^-706.9 floor of TensorFlow's log_zero",
                backend=None):
    """The absolute error of the posterior when every |alpha|, |beta|, |log P| that weighs in stays below
    ``bound`` (a power of 2): one float32 rounding of ulp(bound)/2 per frame, forward and backward."""
    ulp = bound * 2.0 ** -24  # float32 ulp of x in [bound/2, bound): 2^-23 relative to bound/2
    atol = (2 * SHAPE[1] + 1) * ulp / 2
    return Override(
        f"cancellation in the log domain ({regime}): gamma = exp(alpha + beta - log P) with |alpha|, |beta|, "
        f"|log P| < {bound} ({why}), each accumulating one float32 rounding of ulp({bound})/2 per frame over "
        f"T = {SHAPE[1]} frames forward and backward: the posterior, hence the gradient (p - gamma, |gamma| <= 1), "
        f"carries an absolute error up to (2T + 1) * ulp({bound})/2 = {atol:.2e} in any float32 result",
        atol=atol, quantity="grad_y_pred", regime=regime, backend=backend)


# Keras's JAX ctc_loss: an infeasible alignment costs log_epsilon = -1e5 (conventions.keras_backends, ctc); the
# terms that weigh in (alpha + beta - log P near 0) have |alpha|, |beta|, |log P| < 1e5 + 4096 < 2^17.
_JAX_INFEASIBLE = _log_domain("infeasible", 2 ** 17, "one log_epsilon = -1e5 penalty plus under 4096", "jax")


CASES = (
    Case("losses", "ctc", n.ctc, t.ctc, k.ctc, inputs=ctc_inputs(), grad_wrt=("y_pred",),
         aligned=_ALIGNED, regimes=("typical", "large", "infeasible"),
         overrides=(_log_domain("large"), _log_domain("infeasible"), _JAX_INFEASIBLE)),
)
