"""Clipping rows (forward only): the clipped gradient(s) at norms below, exactly at and above the threshold
(1.0 in the first aligned set), far above it, zero, tiny (squares underflow in float32) and overflowing
(every square above the dtype's max)."""
import numpy as np

import keras_impl.clipping as k
import reference_numpy.clipping as n
import torch_impl.clipping as t

from ..case import Case
from ..inputs import draw

__all__ = ["CASES", "NORMS", "flat_gradient", "one_gradient", "two_gradients", "value_inputs"]

# Norm of the drawn gradient (all tensors together) per regime; "at" is exact: 16 entries of +-1/4.
NORMS = {"below": 0.5, "above": 10.0, "large": 1e6, "tiny": 1e-25}
NORM_REGIMES = ("below", "at", "above", "large", "zero", "tiny", "overflow")


def flat_gradient(rng, regime, size, dtype):
    """``size`` float64 values for a norm regime (see NORMS): a random direction scaled to the norm; "at":
    sixteen +-0.25 (norm exactly 1 in any dtype) and zeros; "overflow": every |g| in 1.5-3 sqrt(max);
    "typical" (not a row regime; the reference's property tests draw it): N(0, 2^2)."""
    if regime == "typical":
        return draw(rng, "typical", (size,))
    if regime in NORMS:
        u = rng.standard_normal(size)
        return NORMS[regime] * u / np.linalg.norm(u)
    g = np.zeros(size)
    if regime == "at":
        g[rng.permutation(size)[:16]] = rng.choice([-0.25, 0.25], 16)
    elif regime == "overflow":
        g = rng.choice([-1.0, 1.0], size) * rng.uniform(1.5, 3.0, size) * np.sqrt(np.finfo(dtype).max)
    elif regime != "zero":
        raise ValueError(f"unknown regime {regime!r}")
    return g


def one_gradient(shape=(4, 6)):
    def build(rng, regime, dtype, kinks):
        return {"g": flat_gradient(rng, regime, int(np.prod(shape)), dtype).reshape(shape).astype(dtype)}
    return build


def two_gradients(shapes=((3, 4), (5,))):
    """``g1``, ``g2`` drawn as one vector, so the regime sets their global norm."""
    def build(rng, regime, dtype, kinks):
        sizes = [int(np.prod(s)) for s in shapes]
        parts = np.split(flat_gradient(rng, regime, sum(sizes), dtype), np.cumsum(sizes)[:-1])
        return {f"g{i + 1}": p.reshape(s).astype(dtype) for i, (p, s) in enumerate(zip(parts, shapes))}
    return build


def value_inputs(shape=(4, 6)):
    """typical / large: :func:`parity_tests.inputs.draw`; at: values on {0, +-1/4, +-1/2, +-1, +-2}, so
    elements sit exactly at either threshold; zero."""
    def build(rng, regime, dtype, kinks):
        if regime == "at":
            g = rng.choice([0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0], size=shape)
        elif regime == "zero":
            g = np.zeros(shape)
        else:
            g = draw(rng, regime, shape)
        return {"g": g.astype(dtype)}
    return build


def _row(concept, inputs, regimes, threshold, aligned):
    """``threshold`` is required by torch and off by default in Keras: every variant sets it."""
    fns = (getattr(n, concept), getattr(t, concept), getattr(k, concept))
    return Case("clipping", concept, *fns, inputs=inputs, grad_wrt=(), regimes=regimes, required=threshold,
                aligned=aligned)


CASES = (
    _row("clip_by_value", value_inputs(), ("typical", "large", "at", "zero"), {"clip_value": 1.0},
         ({}, {"clip_value": 0.25})),
    _row("clip_by_norm", one_gradient(), NORM_REGIMES, {"max_norm": 1.0}, ({}, {"max_norm": 3.0})),
    _row("clip_by_global_norm", two_gradients(), NORM_REGIMES, {"max_norm": 1.0}, ({}, {"max_norm": 3.0})),
)
