"""Similarity and metric-learning loss rows: every reduction aligned (compute dtype = input dtype),
plus defaults. Each row has a regime where its epsilon convention matters: near-zero vectors
(cosine), distances exactly 0 and hinges exactly at the margin (triplet), empty masks (Dice)."""
import numpy as np

import keras_impl.losses_similarity as k
import reference_numpy.losses_similarity as n
import torch_impl.losses_similarity as t

from ..case import Case
from ..inputs import draw
from ..tolerance import Override
from .losses_regression import reductions

__all__ = ["CASES", "embedding_pair", "distances", "triplets", "masks"]

# cosine near_zero: every prediction norm at or below both clamps (torch 1e-8, Keras 1e-7) or between
# them, the zero vector included, so every gradient row has the scale 1/max(|p|, eps) ~ 1e7..1e8;
# two targets are near zero as well.
PRED_NORMS = (0.0, 3e-9, 9e-9, 2e-8, 5e-8, 9e-8)
TRUE_NORMS = (None, None, None, 3e-9, 5e-8, None)  # None: a typical row


def _with_norms(x, norms):
    scale = np.array([1.0 if s is None else s for s in norms])
    rows = np.array([s is not None for s in norms])
    x = x.copy()
    x[rows] *= (scale / np.linalg.norm(x, axis=-1))[rows, None]
    return x


def embedding_pair(shape=(6, 5)):
    """``y_pred``, ``y_true`` of shape (N, D). near_zero: the rows of ``PRED_NORMS``/``TRUE_NORMS``."""
    def build(rng, regime, dtype, kinks):
        base = "typical" if regime == "near_zero" else regime
        y_pred, y_true = draw(rng, base, shape), draw(rng, base, shape)
        if regime == "near_zero":
            y_pred, y_true = _with_norms(y_pred, PRED_NORMS), _with_norms(y_true, TRUE_NORMS)
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def distances(size=12):
    """Distances ``y_pred`` >= 0 (N,) and labels ``y_true`` in {0, 1} (1: similar pair).

    typical: U(0, 2.5), both sides of the margin 1; large: up to 1e3; kink: |typical| with every
    third distance exactly at a kink (0 or the margin).
    """
    def build(rng, regime, dtype, kinks):
        if regime == "typical":
            d = rng.uniform(0, 2.5, size)
        else:
            d = np.abs(draw(rng, regime, (size,), kinks=kinks))
        y = rng.integers(0, 2, size).astype(np.float64)
        return {"y_pred": d.astype(dtype), "y_true": y.astype(dtype)}
    return build


def _kink_triplets(rng, shape):
    """Rows: a == p (q 1/4 away); a == q; a == p == q; the Euclidean hinge exactly 0 twice (a - p = +e0/2,
    a - q = -3e0/2: torch's shifted distances leave it at +2e-6, active; a - p = -e1/2, a - q = +3e1/2:
    at -2e-6, inactive); one typical row. Dyadic values, exact in float32."""
    a = np.round(draw(rng, "typical", shape) * 4) / 4
    p, q = np.round(draw(rng, "typical", shape) * 4) / 4, np.round(draw(rng, "typical", shape) * 4) / 4
    e = np.eye(shape[1])
    p[0], q[0] = a[0], a[0] + 0.25 * e[2]  # the hinge stays active, so the gradients show the distance at 0
    q[1], p[2], q[2] = a[1], a[2], a[2]
    p[3], q[3] = a[3] - 0.5 * e[0], a[3] + 1.5 * e[0]
    p[4], q[4] = a[4] + 0.5 * e[1], a[4] - 1.5 * e[1]
    return a, p, q


def triplets(shape=(6, 4)):
    """``anchor``, ``positive``, ``negative`` of shape (N, D). kink: see ``_kink_triplets``."""
    def build(rng, regime, dtype, kinks):
        if regime == "kink":
            a, p, q = _kink_triplets(rng, shape)
        else:
            a, p, q = (draw(rng, regime, shape) for _ in range(3))
        return {"anchor": a.astype(dtype), "positive": p.astype(dtype), "negative": q.astype(dtype)}
    return build


def masks(shape=(4, 12)):
    """Soft predictions ``y_pred`` in [0, 1] and binary masks ``y_true``.

    large: 512 pixels per sample; empty: sample 0 all zero in both (the smoothing decides 0 or 1),
    sample 1 an empty target with a faint prediction, sample 2 a zero prediction.
    """
    def build(rng, regime, dtype, kinks):
        size = (shape[0], 512) if regime == "large" else shape
        y_pred, y_true = rng.uniform(0, 1, size), rng.integers(0, 2, size).astype(np.float64)
        if regime == "empty":
            y_pred[0], y_true[0] = 0.0, 0.0
            y_pred[1], y_true[1] = rng.uniform(0, 0.1, size[1]), 0.0
            y_pred[2] = 0.0
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def _row(concept, impls, inputs, regimes, grad_wrt=("y_pred",), **fields):
    fields.setdefault("aligned", reductions())
    return Case("losses", concept, *impls, inputs=inputs, grad_wrt=grad_wrt, regimes=regimes, **fields)


_COSINE_CANCELLATION = (
    "near_zero: each gradient element -(t_hat - (p_hat . t_hat) p_hat) / max(|p|, eps) is a difference of terms "
    "as large as 2/eps = 2e8 (every row's norm is below 1e-7), so rounding the terms (~4 roundings of unit "
    "roundoff u) leaves an absolute error up to 8 u 2e8 in each implementation whatever the element's own size "
    "(cancellation): 96 in float32, 1.8e-7 in float64; the eps conventions move these gradients by ~1e7")
_COSINE_OVERRIDES = (
    Override(_COSINE_CANCELLATION, atol=96.0, dtype="float32", regime="near_zero", quantity="grad_y_pred"),
    Override(_COSINE_CANCELLATION, atol=2e-7, dtype="float64", regime="near_zero", quantity="grad_y_pred"),
)
CASES = (
    _row("cosine_similarity", (n.cosine_similarity, t.cosine_similarity, k.cosine_similarity), embedding_pair(),
         ("typical", "large", "near_zero"), overrides=_COSINE_OVERRIDES),
    _row("contrastive", (n.contrastive, t.contrastive, k.contrastive), distances(), ("typical", "large"),
         kinks=(0.0, 1.0), aligned=reductions(margin=1.0) + ({"margin": 2.0, "reduction": "mean", "dtype": None},)),
    _row("triplet", (n.triplet, t.triplet, k.triplet), triplets(), ("typical", "large"),
         grad_wrt=("anchor", "positive", "negative"), kinks=(0.0,),  # the kink rows are built, not drawn
         aligned=reductions(margin=1.0) + ({"margin": 0.5, "reduction": "sum", "dtype": None},)),
    _row("dice", (n.dice, t.dice, k.dice), masks(), ("typical", "large", "empty"),
         aligned=reductions(axis=-1) + ({"axis": None, "reduction": "none", "dtype": None},
                                         {"axis": None, "reduction": "mean", "dtype": None})),
)
