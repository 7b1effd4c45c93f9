"""Margin and probabilistic loss rows: every reduction aligned (compute dtype = input dtype), plus defaults.

Input regimes (all drawn in float64 by the given generator, then cast):
  hinge: ``typical`` (labels in {-1, 1}), ``labels01`` (labels in {0, 1}: Keras converts them, torch
  does not), ``large`` scores, ``kink`` (1 - y*p == 0 exactly for every third element).
  KL/JS: ``typical`` (softmax rows), ``large`` (peaked softmax rows, probabilities down to ~1e-20),
  ``saturated`` (one-hot targets with exact zeros, exact 1.0 and 1e-12 predictions), ``zero_pred``
  (as saturated with exact 0 instead of 1e-12, both where the target is 0 and where it is not).
  poisson: ``typical`` rates in (0.1, 5), ``large`` rates up to 80 (exp(80) is finite in float32),
  ``saturated`` (exact 0 and 1e-12 rates, zero counts).
"""
import numpy as np

import keras_impl.losses_probabilistic as k
import reference_numpy.losses_probabilistic as n
import torch_impl.losses_probabilistic as t

from ..case import Case
from ..inputs import draw
from .losses_regression import reductions

__all__ = ["CASES"]

SHAPE = (4, 5)


def hinge_inputs(shape=SHAPE):
    """Raw scores and binary labels; see the module docstring for the regimes."""
    def build(rng, regime, dtype, kinks):
        signs = rng.choice([-1.0, 1.0], size=shape)
        if regime == "labels01":
            y, p = (signs > 0).astype(np.float64), draw(rng, "typical", shape)
            y.flat[:2] = [0.0, 1.0]  # both labels present
        elif regime == "kink":
            margin = np.round(draw(rng, "kink", shape, kinks=kinks) * 4) / 4  # dyadic: 1 - y*p is exact
            y, p = signs, signs * (1 - margin)
        else:
            y, p = signs, draw(rng, regime, shape)
        return {"y_pred": p.astype(dtype), "y_true": y.astype(dtype)}
    return build


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _saturated(rng, shape, tiny):
    """One-hot / zero-holding targets; predictions with ``tiny`` entries (where t > 0 and where t = 0)."""
    n_rows, d = shape
    t = _softmax(rng.standard_normal(shape))
    q = _softmax(rng.standard_normal(shape))
    cls = rng.integers(0, d, size=n_rows)
    t[:2] = np.eye(d)[cls[:2]]  # one-hot rows
    for row in (2, 3):  # two exact zeros, renormalised
        t[row, rng.choice(d, size=2, replace=False)] = 0.0
    t[2:] /= t[2:].sum(axis=-1, keepdims=True)
    q[0] = tiny
    q[0, cls[0]] = 1.0  # confident and right; tiny where t = 0
    q[1, cls[1]] = tiny  # tiny where t = 1
    q[2:, rng.choice(d, size=2, replace=False)] = tiny
    return q, t


def distributions(shape=SHAPE):
    """Probability rows over the last axis; see the module docstring for the regimes."""
    def build(rng, regime, dtype, kinks):
        if regime in ("typical", "large"):
            scale = 8.0 if regime == "large" else 1.0
            q, t = _softmax(scale * rng.standard_normal(shape)), _softmax(scale * rng.standard_normal(shape))
        elif regime in ("saturated", "zero_pred"):
            q, t = _saturated(rng, shape, 1e-12 if regime == "saturated" else 0.0)
        else:
            raise ValueError(f"unknown regime {regime!r}")
        return {"y_pred": q.astype(dtype), "y_true": t.astype(dtype)}
    return build


def counts(shape=SHAPE, large=80.0):
    """Predicted rates (non-negative, so valid as log-rates too) and Poisson counts."""
    def build(rng, regime, dtype, kinks):
        if regime == "large":
            rate = 10.0 ** rng.uniform(0, np.log10(large), size=shape)
            rate.flat[0] = large
        else:
            rate = rng.uniform(0.1, 5.0, size=shape)
        y_true = rng.poisson(rate).astype(np.float64)
        y_pred = np.minimum(rate * np.exp(0.3 * rng.standard_normal(shape)), large)
        if regime == "saturated":
            y_pred.flat[::3] = np.resize([0.0, 1e-12], y_pred.flat[::3].shape)
            y_true.flat[::4] = 0.0
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def _row(concept, impls, **fields):
    return Case("losses", concept, *impls, grad_wrt=("y_pred",), **fields)


_KL_ALIGNED = reductions() + ({"reduction": "batchmean", "dtype": None},)
_KL_REGIMES = ("typical", "large", "saturated", "zero_pred")

CASES = (
    _row("hinge", (n.hinge, t.hinge, k.hinge), inputs=hinge_inputs(), aligned=reductions(),
         regimes=("typical", "labels01", "large"), kinks=(0.0,)),
    _row("squared_hinge", (n.squared_hinge, t.squared_hinge, k.squared_hinge), inputs=hinge_inputs(),
         aligned=reductions(), regimes=("typical", "labels01", "large"), kinks=(0.0,)),
    _row("kl_divergence", (n.kl_divergence, t.kl_divergence, k.kl_divergence), inputs=distributions(),
         aligned=_KL_ALIGNED, regimes=_KL_REGIMES),
    _row("js_divergence", (n.js_divergence, t.js_divergence, k.js_divergence), inputs=distributions(),
         aligned=_KL_ALIGNED, regimes=_KL_REGIMES),
    _row("poisson", (n.poisson, t.poisson, k.poisson), inputs=counts(),
         aligned=reductions(log_input=True) + reductions(log_input=False), regimes=("typical", "large", "saturated")),
)
