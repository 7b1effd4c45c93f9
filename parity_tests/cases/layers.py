"""Layer rows: dense, batch normalisation (training, inference, the running-statistics update) and a
residual block; forward and the gradient w.r.t. the input and every parameter (running statistics are
buffers: constants). Weights are drawn once here, in the NumPy layout; the frameworks copy them in."""
import numpy as np

import keras_impl.layers as k
import reference_numpy.layers as n
import torch_impl.layers as t

from ..case import Case
from ..inputs import draw
from ..tolerance import Override

__all__ = ["CASES", "weight", "bias", "dense_inputs", "batchnorm_inputs", "running_inputs", "residual_inputs"]

N, D, H = 6, 4, 5  # batch, features, hidden units


def weight(rng, fan_in, fan_out):
    """A dense weight (fan_in, fan_out), the NumPy layout, with unit-variance outputs: N(0, 1/fan_in)."""
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)


def bias(rng, size):
    """A bias (size,): N(0, 1/4)."""
    return 0.5 * rng.standard_normal(size)


def dense_inputs(n=N, d=D, h=H):
    """``x`` (n, d) in the regime, ``W`` (d, h), ``b`` (h,)."""
    def build(rng, regime, dtype, kinks):
        values = {"x": draw(rng, regime, (n, d)), "W": weight(rng, d, h), "b": bias(rng, h)}
        return {name: v.astype(dtype) for name, v in values.items()}
    return build


def _statistics(rng, d):
    return rng.uniform(0.5, 2.0, d), rng.standard_normal(d)  # a positive scale or variance, a shift or mean


def batchnorm_inputs(n=N, d=D, *, running=False):
    """``x`` (n, d) in the regime, ``gamma`` in [0.5, 2], ``beta`` (d,), and with ``running`` the running
    mean (d,) and variance in [0.5, 2] (constants)."""
    def build(rng, regime, dtype, kinks):
        gamma, beta = _statistics(rng, d)
        values = {"x": draw(rng, regime, (n, d)), "gamma": gamma, "beta": beta}
        if running:
            var, mean = _statistics(rng, d)
            values |= {"running_mean": mean, "running_var": var}
        return {name: v.astype(dtype) for name, v in values.items()}
    return build


def running_inputs(n=N, d=D):
    """``x`` (n, d) in the regime, the running mean (d,) and variance in [0.5, 2] before the step."""
    def build(rng, regime, dtype, kinks):
        var, mean = _statistics(rng, d)
        values = {"x": draw(rng, regime, (n, d)), "running_mean": mean, "running_var": var}
        return {name: v.astype(dtype) for name, v in values.items()}
    return build


def residual_inputs(n=N, d=D, h=H):
    """``x`` (n, d) in the regime and the branch's ``W1`` (d, h), ``b1``, ``W2`` (h, d), ``b2``."""
    def build(rng, regime, dtype, kinks):
        values = {"x": draw(rng, regime, (n, d)), "W1": weight(rng, d, h), "b1": bias(rng, h),
                  "W2": weight(rng, h, d), "b2": bias(rng, d)}
        return {name: v.astype(dtype) for name, v in values.items()}
    return build


def _row(concept, function, inputs, grad_wrt, aligned, regimes=("typical", "large"), overrides=()):
    fns = (getattr(n, function), getattr(t, function), getattr(k, function))
    return Case("layers", concept, *fns, inputs=inputs, grad_wrt=grad_wrt, aligned=aligned, regimes=regimes,
                overrides=overrides)


# The tiny regime drops atol because results scale with the tiny inputs; a dense layer's grad_x = dout W^T and
# grad_b = sum_n dout do not depend on x: they are O(1) sums whose cancellations need the dtype's atol.
_NOT_SCALED_BY_X = tuple(Override("does not scale with a tiny x: O(1) sums with cancellation keep the dtype's atol",
                                  quantity=q, regime="tiny") for q in ("grad_x", "grad_b"))
# Large inputs (|x| up to 1e3): two summation orders of an n-term sum of such products differ by up to
# 2 gamma_n sum|terms| ~ 2 * 6 * 6e-8 * 6e3 = 4.3e-3 in float32 (n = 6 rows), where cancellation leaves the
# result itself small: the float32 atol scales with the inputs' magnitude.
_LARGE_SUMS = (Override("float32 sums of O(1e3) products: 2 gamma_n sum|terms| = 4.3e-3 for n = 6", atol=5e-3,
                        dtype="float32", regime="large"),)


_BATCHNORM = ("x", "gamma", "beta")

CASES = (
    _row("dense", "dense_forward", dense_inputs(), ("x", "W", "b"), ({"dtype": None},),
         regimes=("typical", "large", "tiny"), overrides=_NOT_SCALED_BY_X + _LARGE_SUMS),
    _row("batchnorm", "batchnorm_forward", batchnorm_inputs(), _BATCHNORM, ({"eps": 1e-3, "dtype": None},)),
    _row("batchnorm_inference", "batchnorm_inference_forward", batchnorm_inputs(running=True), _BATCHNORM,
         ({"eps": 1e-3, "dtype": None},)),
    _row("batchnorm_running_stats", "batchnorm_running_stats", running_inputs(), (),
         ({"momentum": 0.5, "dtype": None}, {"momentum": 0.1, "dtype": None})),
    _row("residual", "residual_forward", residual_inputs(), ("x", "W1", "b1", "W2", "b2"), ({"dtype": None},),
         overrides=_LARGE_SUMS),
)
