"""Element-wise comparison of two results: max abs/rel error, max ULP distance, fraction out of tolerance."""
import hashlib
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["Metrics", "Problem", "structure", "differences", "compare", "ulp_distance", "digest"]

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


def ulp_distance(a, b):
    """Number of representable floats between ``a`` and ``b`` (in their common dtype), counted exactly:
    |bits(a) - bits(b)| on the sign-stripped bit patterns when the signs agree, their sum across zero (+0 and
    -0 are 0 apart), in uint64; NaN against NaN is 0, NaN against a number inf."""
    bits = _INT[a.dtype]
    ia, ib = a.view(bits), b.view(bits)
    ma = (ia & np.iinfo(bits).max).astype(np.uint64)
    mb = (ib & np.iinfo(bits).max).astype(np.uint64)
    d = np.where((ia < 0) == (ib < 0), np.maximum(ma, mb) - np.minimum(ma, mb), ma + mb).astype(np.float64)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    return np.where(nan_a | nan_b, np.where(nan_a & nan_b, 0.0, np.inf), d)


def _differences64(a64, b64, atol, rtol):
    same = (a64 == b64) | (np.isnan(a64) & np.isnan(b64))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(same, 0.0, np.abs(a64 - b64))
        diff = np.where(np.isnan(diff), np.inf, diff)
        out = ~same & ~(diff <= atol + rtol * np.abs(b64))
    return diff, out


def differences(a, b, atol, rtol):
    """(|a - b|, out-of-tolerance mask) element-wise, in float64: NaN equals NaN, equal infinities are
    equal, NaN against a number (or inf - inf) is an infinite difference."""
    return _differences64(np.asarray(a, np.float64), np.asarray(b, np.float64), atol, rtol)


def digest(value):
    """A fingerprint of a result's exact bits, dtype and shape (``parity run --repeat``: was it bit-identical?)."""
    a = np.ascontiguousarray(np.asarray(value))
    return hashlib.blake2b(a.tobytes() + repr((a.dtype.str, a.shape)).encode(), digest_size=8).hexdigest()


def compare(a, b, atol, rtol):
    """Compare ``a`` (impl_a) with ``b`` (impl_b) under ``|a - b| <= atol + rtol * |b|``."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    diff, out = _differences64(a64, b64, atol, rtol)
    if not diff.any():  # identical (NaN where NaN): no relative or ULP distance to find
        return Metrics(n=int(a.size), max_abs=0.0, max_rel=0.0, max_ulp=0.0, frac_out=0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(np.abs(a64), np.abs(b64))
        rel = np.where(diff == 0, 0.0, diff / np.where(scale == 0, 1.0, scale))
    ulp = ulp_distance(a, b.astype(a.dtype)) if a.size else np.zeros(0)
    return Metrics(
        n=int(a.size),
        max_abs=float(diff.max(initial=0.0)),
        max_rel=float(rel.max(initial=0.0)),
        max_ulp=float(ulp.max(initial=0.0)),
        frac_out=float(out.mean()) if a.size else 0.0,
    )


class Problem(NamedTuple):
    """A structural difference of two results: ``kind`` ("shape" or "dtype") and its description (``str``)."""
    kind: str
    text: str

    def __str__(self):
        return self.text


def structure(a, b):
    """The ``Problem`` between two arrays (anything with ``shape`` and ``dtype``): shapes first, then dtypes;
    None when both agree."""
    if a.shape != b.shape:
        return Problem("shape", f"shapes differ: {a.shape} vs {b.shape}")
    return Problem("dtype", f"dtypes differ: {a.dtype} vs {b.dtype}") if a.dtype != b.dtype else None
