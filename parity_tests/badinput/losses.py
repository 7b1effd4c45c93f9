"""Bad-input rows of the losses family for the one table (``table.TABLE``)."""
import numpy as np

import keras_impl.losses_classification as kc
import keras_impl.losses_ctc as kt
import keras_impl.losses_probabilistic as kp
import keras_impl.losses_regression as kr
import keras_impl.losses_similarity as ksim
import reference_numpy.losses_classification as nc
import reference_numpy.losses_ctc as nt
import reference_numpy.losses_probabilistic as np_
import reference_numpy.losses_regression as nr
import reference_numpy.losses_similarity as nsim
import torch_impl.losses_classification as tc
import torch_impl.losses_ctc as tt
import torch_impl.losses_probabilistic as tp
import torch_impl.losses_regression as tr
import torch_impl.losses_similarity as tsim

from .rows import ULP_BELOW_0, X, BadInput, Raw, Same

__all__ = ["ROWS"]

_MODULES = ((nr, tr, kr), (nc, tc, kc), (np_, tp, kp), (nsim, tsim, ksim), (nt, tt, kt))


def _row(concept, args, kwargs, expected, argument, reason, **fields):
    fns = next(tuple(getattr(m, concept) for m in ms) for ms in _MODULES if hasattr(ms[0], concept))
    return BadInput("losses", concept, fns, args, kwargs, expected, argument, reason, **fields)


T = X[::-1].copy()  # a target of X's shape
P = np.full((4, 3), 0.25, np.float32)  # probabilities (N, C)
LOGITS = X[:, :3].copy()  # (N, C) = (4, 3)
LABELS = np.array([0, 2, 1, 0])  # (N,) int64 in [0, C)
ABOVE_1 = np.where(P > 0, np.float32(np.nextafter(np.float32(1), np.float32(2))), P)  # one float32 ulp above 1
D = np.array([0.5, 1.0, 1.5, 2.0], np.float32)  # contrastive pair distances (N,)
SAME = np.array([1.0, 0.0, 1.0, 0.0], np.float32)  # contrastive "same pair" labels
INF_PRED = np.array([[np.inf, 0.0]], np.float32)

ROWS = (
    # (y_pred, y_true): float arrays of one dtype and shape, at least 1-D, not empty, no NaN
    _row("mse", (np.array(1.0, np.float32), np.array(0.0, np.float32)), {}, ValueError, "y_pred", "0-d inputs"),
    _row("mse", (np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32)), {}, ValueError, "y_pred",
         "empty inputs"),
    _row("mae", (X.astype(np.complex64), T.astype(np.complex64)), {}, TypeError, "y_pred", "complex y_pred"),
    _row("mse", (X, T > 0), {}, TypeError, "y_true", "bool y_true"),
    _row("log_cosh", (Raw(None), T), {}, TypeError, "y_pred", "y_pred None"),
    _row("mse", (X, T), {"reduction": None}, TypeError, "reduction", "reduction None"),
    # hyperparameters: Huber's delta and SmoothL1's beta positive (torch's own rule, now everywhere)
    _row("huber", (X, T), {"delta": 0.0}, ValueError, "delta", "delta 0 (the bound, open)"),
    _row("huber", (X, T), {"delta": -1.0}, ValueError, "delta", "delta negative (was a negative loss)"),
    _row("huber", (X, T), {"delta": ULP_BELOW_0}, ValueError, "delta", "delta one ulp below 0"),
    _row("huber", (X, T), {"delta": "1.0"}, TypeError, "delta", "delta a string"),
    _row("huber", (X, T), {"delta": float("inf")}, ValueError, "delta", "delta infinite"),
    _row("smooth_l1", (X, T), {"beta": 0.0}, ValueError, "beta", "beta 0 (Keras divided by it)"),
    _row("quantile", (X, T), {"q": 1.0}, ValueError, "q", "q 1 (the bound, open)"),
    _row("quantile", (X, T), {"q": 0.0}, ValueError, "q", "q 0 (the bound, open)"),
    _row("quantile", (X, T), {"q": None}, TypeError, "q", "q None (was a failed comparison)"),
    # probabilities in [0, 1] where probabilities are read
    _row("binary_crossentropy", (ABOVE_1, P), {}, ValueError, "y_pred", "y_pred one float32 ulp above 1"),
    _row("sparse_categorical_crossentropy", (P * 6, LABELS), {"from_logits": False}, ValueError, "y_pred",
         "from_logits=False with probabilities > 1"),
    _row("focal_loss", (P * 6, P), {"from_logits": False}, ValueError, "y_pred",
         "from_logits=False with y_pred > 1"),
    _row("focal_loss", (P, P - 1), {"from_logits": False}, ValueError, "y_true",
         "from_logits=False with y_true < 0"),
    _row("sparse_categorical_crossentropy", (LOGITS, LABELS), {"from_logits": "no"}, TypeError, "from_logits",
         "from_logits a string"),
    _row("kl_divergence", (P, P - 0.5), {}, ValueError, "y_true", "negative y_true"),
    # labels: integer class indices in [0, C)
    _row("sparse_categorical_crossentropy", (LOGITS, LABELS.astype(np.complex64)), {}, TypeError, "y_true",
         "complex labels (reached torch as NotImplementedError)"),
    _row("sparse_categorical_crossentropy", (LOGITS, LABELS > 0), {}, TypeError, "y_true", "bool labels"),
    _row("sparse_categorical_crossentropy", (LOGITS, LABELS.astype(np.float32)), {}, TypeError, "y_true",
         "float labels"),
    _row("sparse_categorical_crossentropy", (LOGITS, np.array([0, 3, 1, 0])), {}, ValueError, "y_true",
         "label C (the first out of range)"),
    _row("weighted_crossentropy", (LOGITS, np.array([0, -1, 1, 0]), np.ones(3, np.float32)), {}, ValueError,
         "y_true", "label -1"),
    _row("categorical_crossentropy", (P, P[:, 0]), {}, ValueError, "y_true", "y_true (N,) for y_pred (N, C)"),
    _row("hinge", (X, np.where(T > 0, 2.0, 0.0).astype(np.float32)), {}, ValueError, "y_true", "hinge label 2"),
    # margins positive
    _row("contrastive", (D, SAME), {"margin": 0.0}, ValueError, "margin", "margin 0"),
    _row("contrastive", (D, SAME), {"margin": None}, TypeError, "margin", "margin None (was a failed comparison)"),
    _row("triplet", (X, T, X), {"margin": "1"}, TypeError, "margin", "margin a string"),
    # documented values
    _row("mse", (INF_PRED, np.zeros((1, 2), np.float32)), {}, Same(np.inf), "y_pred", "+inf in y_pred -> +inf"),
    _row("mse", (np.array([1.0, 3.0], np.float32), np.zeros(2, np.float32)), {}, Same(5.0), "y_pred",
         "1-D inputs (the fewest dimensions) -> the mean"),
)
