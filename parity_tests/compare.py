"""Element-wise comparison of two results: max abs/rel error, max ULP distance, fraction out of tolerance."""
from dataclasses import dataclass

import numpy as np

__all__ = ["Metrics", "differences", "compare", "ulp_distance"]

_INT = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64, np.dtype(np.float16): np.int16}


@dataclass(frozen=True)
class Metrics:
    n: int
    max_abs: float
    max_rel: float
    max_ulp: float
    frac_out: float

    @property
    def ok(self):
        return self.frac_out == 0


def _ordered(x):
    """Integers in the same order as the floats, adjacent floats one apart (+0 and -0 both 0)."""
    i = x.view(_INT[x.dtype]).astype(np.int64)
    magnitude = i & np.int64(np.iinfo(_INT[x.dtype]).max)
    return np.where(i < 0, -magnitude, magnitude)


def ulp_distance(a, b):
    """Number of representable floats between ``a`` and ``b`` (in their common dtype); NaN≠NaN is inf."""
    both_nan = np.isnan(a) & np.isnan(b)
    d = np.abs(_ordered(a).astype(np.float64) - _ordered(b).astype(np.float64))
    d = np.where(np.isnan(a) | np.isnan(b), np.inf, d)
    return np.where(both_nan, 0.0, d)


def differences(a, b, atol, rtol):
    """(|a - b|, out-of-tolerance mask) element-wise, in float64: NaN equals NaN, equal infinities are
    equal, NaN against a number (or inf - inf) is an infinite difference."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    same = (a64 == b64) | (np.isnan(a64) & np.isnan(b64))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(same, 0.0, np.abs(a64 - b64))
        diff = np.where(np.isnan(diff), np.inf, diff)
        out = ~same & ~(diff <= atol + rtol * np.abs(b64))
    return diff, out


def compare(a, b, atol, rtol):
    """Compare ``a`` (impl_a) with ``b`` (impl_b) under ``|a - b| <= atol + rtol * |b|``."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    diff, out = differences(a, b, atol, rtol)
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(np.abs(a.astype(np.float64)), np.abs(b.astype(np.float64)))
        rel = np.where(diff == 0, 0.0, diff / np.where(scale == 0, 1.0, scale))
    ulp = ulp_distance(a, b.astype(a.dtype)) if a.size else np.zeros(0)
    return Metrics(
        n=int(a.size),
        max_abs=float(diff.max(initial=0.0)),
        max_rel=float(rel.max(initial=0.0)),
        max_ulp=float(ulp.max(initial=0.0)),
        frac_out=float(out.mean()) if a.size else 0.0,
    )
