"""Seeded input regimes. Every input is drawn in float64 by ``numpy.random.default_rng`` and then
cast, so all implementations see the same values; frameworks never sample.
"""
import zlib

import numpy as np

__all__ = ["REGIMES", "rng_for", "draw", "elementwise", "with_channel_slope", "regression_pair"]

REGIMES = ("typical", "large", "tiny", "kink")


def rng_for(seed, key):
    """An independent generator per (seed, key): a case's inputs do not depend on run order."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def draw(rng, regime, shape, *, large=1e3, kinks=()):
    """Values for one regime (float64).

    typical: N(0, 2^2). large: sign * 10^U(0, log10 large), with ±large included.
    tiny: sign * 10^U(-30, -20) (exp(x) rounds to exactly 1 in float32 and float64).
    kink: typical with every third element replaced by a kink point, in turn.
    """
    n = int(np.prod(shape))
    sign = rng.choice([-1.0, 1.0], size=n)
    if regime == "typical":
        x = 2.0 * rng.standard_normal(n)
    elif regime == "large":
        x = sign * 10.0 ** rng.uniform(0, np.log10(large), size=n)
        x[:2] = [-large, large]
    elif regime == "tiny":
        x = sign * 10.0 ** rng.uniform(-30, -20, size=n)
    elif regime == "kink":
        x = 2.0 * rng.standard_normal(n)
        x[::3] = np.resize(np.asarray(kinks, dtype=np.float64), x[::3].shape)
    else:
        raise ValueError(f"unknown regime {regime!r}")
    return x.reshape(shape)


def elementwise(shape=(4, 6), *, large=1e3):
    """Input builder for one array ``x``."""
    def build(rng, regime, dtype, kinks):
        return {"x": draw(rng, regime, shape, large=large, kinks=kinks).astype(dtype)}
    return build


def with_channel_slope(shape=(4, 6)):
    """Input builder for ``x`` of shape (N, C) and a slope ``alpha`` of shape (C,) in [0.05, 0.5]."""
    def build(rng, regime, dtype, kinks):
        x = draw(rng, regime, shape, kinks=kinks).astype(dtype)
        return {"x": x, "alpha": rng.uniform(0.05, 0.5, size=shape[1]).astype(dtype)}
    return build


def regression_pair(shape=(4, 5), *, weights=False):
    """Input builder for ``y_pred`` and ``y_true`` of one shape (and optional column ``weights``).

    kink: targets on a 1/4 grid and errors ``y_pred - y_true`` exactly at the kinks for every third
    element (dyadic values, so the subtraction is exact in float32 too).
    """
    def build(rng, regime, dtype, kinks):
        if regime == "kink":
            y_true = rng.integers(-16, 17, size=shape) / 4
            error = draw(rng, "kink", shape, kinks=kinks).round(2)  # typical errors, kinks every third
            error = np.round(error * 4) / 4
            y_pred = y_true + error
        else:
            y_pred, y_true = draw(rng, regime, shape), draw(rng, regime, shape)
        inputs = {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
        if weights:
            inputs["weights"] = rng.uniform(0.5, 2.0, size=shape[-1]).astype(dtype)
        return inputs
    return build
