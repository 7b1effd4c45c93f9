"""Perceptron rows (forward only): the weight trajectory, one row per sample update, compared exactly by the
harness. Regimes: the truth tables of AND, OR and XOR in the fixed order (0,0), (0,1), (1,0), (1,1) from
seeded initial weights N(0, 0.1^2); "tie": AND from zero weights, so the first sums are exactly 0 and
:math:`H(0) = 1` decides (the first sample is a mistake only because of it).

The aligned learning rate 0.3 is not a binary fraction: every update rounds, the same way everywhere; the
aligned 12 epochs (not the default 10, which the defaults variant runs) make the epoch count a tested keyword.
With initial weights of scale 0.1, AND and OR converge within 10 epochs at lr 1 and 0.3 for every one of
300 seeds tried (worst: the 9th epoch is the first without a mistake).
"""
import numpy as np

import keras_impl.perceptron as k
import reference_numpy.perceptron as n
import torch_impl.perceptron as t

from ..case import Case
from ..inputs import draw

__all__ = ["CASES", "BITS", "TARGETS", "INIT_SCALE", "inputs", "mistakes_per_epoch", "first_clean_epoch"]

BITS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # (4, 2), the data order
TARGETS = {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "xor": (0, 1, 1, 0), "tie": (0, 0, 0, 1)}
INIT_SCALE = 0.1


def _separable(rng, regime):
    """typical / large (the reference's property tests): 8 points in 3-D labelled by a random hyperplane."""
    x = draw(rng, regime, (8, 3))
    normal = rng.standard_normal(3)
    return x, (x @ normal >= 0).astype(np.float64)


def inputs(rng, regime, dtype, kinks):
    """x (N, D), y (N,) in {0, 1}, w (D,), b (): the call order of ``perceptron``."""
    if regime in TARGETS:
        x, y = BITS, np.asarray(TARGETS[regime], dtype=np.float64)
    else:
        x, y = _separable(rng, regime)
    if regime == "tie":
        w, b = np.zeros(x.shape[1]), np.zeros(())
    else:
        w, b = INIT_SCALE * rng.standard_normal(x.shape[1]), INIT_SCALE * rng.standard_normal(())
    return {"x": x.astype(dtype), "y": y.astype(dtype), "w": w.astype(dtype), "b": np.asarray(b, dtype=dtype)}


def mistakes_per_epoch(trajectory, b, n_samples):
    """Mistakes in each epoch, read off a trajectory (epochs * N, D + 1): a sample is a mistake exactly when
    the bias moves (by :math:`\\pm\\eta`, its input being 1; exact while :math:`|b| < 2^{23}\\eta` in float32);
    ``b`` is the initial bias."""
    bias = np.concatenate([np.reshape(np.asarray(b, dtype=np.float64), (1,)), np.asarray(trajectory)[:, -1]])
    return (np.diff(bias) != 0).reshape(-1, n_samples).sum(axis=1)  # (epochs,)


def first_clean_epoch(trajectory, b, n_samples):
    """1-based index of the first epoch without a mistake (the weights no longer move), or None."""
    clean = np.flatnonzero(mistakes_per_epoch(trajectory, b, n_samples) == 0)
    return int(clean[0]) + 1 if clean.size else None


CASES = (
    Case("perceptron", "perceptron", n.perceptron, t.perceptron, k.perceptron, inputs=inputs, grad_wrt=(),
         aligned=({"lr": 0.3, "epochs": 12},), regimes=("and", "or", "xor", "tie")),
)
