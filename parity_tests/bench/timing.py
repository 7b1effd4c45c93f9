"""Timing: medians of interleaved repetitions, and the machine's limits measured beside them.

A workload's implementations are timed round-robin: repetition ``r`` times each implementation once (a sample of
``calls`` calls), in an order rotated by ``r``, so the drift of a shared machine (other jobs, clock changes)
falls on all of them alike and no implementation always runs right after the same neighbour. The machine's
limit for the workload's kind is one more entry of the same round-robin (a ``Probe``), so a figure is divided by
a limit measured in the same seconds. Warm-up rounds (first calls, tracing, allocator and cache warm-up) are run
the same way and discarded. The garbage collector is off while timing, as in ``timeit``.

The clock (``CLOCKS``) is the process's CPU time (``cpu``) or elapsed time (``wall``). On a shared machine a
single-threaded call of a few milliseconds is descheduled in most samples, even its fastest, so elapsed times
measure the other jobs as much as the call; its CPU time does not count the time it waited. With several threads
CPU time adds up the threads' time, so elapsed time is the measure there.
"""
import gc
import statistics
import time
from typing import Callable, Hashable, NamedTuple

import numpy as np

__all__ = ["LIMIT", "CLOCKS", "Timing", "Entry", "Probe", "copy_probe", "gemm_probe", "interleaved"]

LIMIT = "limit"  # the probe's key among the timed entries
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}  # every thread's CPU time; elapsed time


class Timing(NamedTuple):
    """Seconds per call: median and quartiles over ``repeats`` samples of ``calls`` calls each."""
    median_s: float
    q1_s: float
    q3_s: float
    repeats: int
    calls: int


class Entry(NamedTuple):
    """What a round times: ``calls`` back-to-back calls of ``run``."""
    run: Callable[[], object]
    calls: int


class Probe(NamedTuple):
    """One of the machine's limits: ``run()`` does ``work`` units (bytes moved, or FLOPs) as fast as NumPy can."""
    kind: str  # "bandwidth" (bytes/s) or "flops" (FLOP/s)
    work: float  # per run
    run: Callable[[], object]
    calls: int  # back-to-back runs a sample
    description: str


def copy_probe(rng, nbytes, calls=10):
    """Copy bandwidth: ``np.copyto`` between two float32 arrays of ``nbytes``; the work is the bytes read plus the
    bytes written, ``2 * nbytes`` (the write-allocate read of the destination is not counted, as in STREAM's copy).
    The benchmark sizes it like one array of the element-wise workloads and runs it ``calls`` times a sample, so
    after the first its arrays are as warm as the caches keep them: the best rate one thread gets on arrays of that
    size (where a few fit in the last-level cache, that cache's bandwidth, not DRAM's)."""
    src = rng.standard_normal(nbytes // 4, dtype=np.float32)  # (nbytes / 4,)
    dst = np.empty_like(src)
    return Probe("bandwidth", 2.0 * src.nbytes, lambda: np.copyto(dst, src), calls,
                 f"np.copyto of {src.nbytes / 2**20:.0f} MiB float32, {calls} back to back; bytes read + written")


def gemm_probe(rng, n):
    """Matmul throughput: NumPy's float32 ``a @ b`` of two (n, n) matrices (its BLAS); ``2 n^3`` FLOPs (one
    multiply and one add per term)."""
    a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))  # (n, n) each
    out = np.empty_like(a)
    return Probe("flops", 2.0 * n**3, lambda: np.matmul(a, b, out=out), 1,
                 f"numpy float32 matmul ({n}, {n}) @ ({n}, {n}); 2 n^3 FLOPs")


def _sample(fn, calls, clock):
    """Seconds a call of ``calls`` back-to-back calls of ``fn``, by ``clock``."""
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def _summary(samples, calls):
    if len(samples) == 1:
        return Timing(samples[0], samples[0], samples[0], 1, calls)
    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return Timing(statistics.median(samples), q1, q3, len(samples), calls)


def interleaved(entries: dict[Hashable, Entry], *, repeats: int, warmup: int,
                clock: Callable[[], float] = time.perf_counter) -> dict[Hashable, Timing]:
    """Time every entry ``warmup + repeats`` times round-robin (the order rotated by one each round) by ``clock``;
    the ``Timing`` of each from its last ``repeats`` samples."""
    if repeats < 1 or warmup < 0 or any(e.calls < 1 for e in entries.values()):
        raise ValueError(f"need repeats >= 1, warmup >= 0 and calls >= 1; got {repeats}, {warmup}, "
                         f"{[e.calls for e in entries.values()]}")
    keys = list(entries)
    samples = {key: [] for key in keys}
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(warmup + repeats):
            shift = r % len(keys)
            for key in keys[shift:] + keys[:shift]:
                seconds = _sample(*entries[key], clock)
                if r >= warmup:
                    samples[key].append(seconds)
    finally:
        if enabled:
            gc.enable()
    return {key: _summary(values, entries[key].calls) for key, values in samples.items()}
