"""The benchmark's plumbing types and its report's schema; importing this module imports no framework.

``Workload`` is one table row (a timed workload); ``Settings`` how much to time (``FULL``, ``QUICK``); ``Side`` an
``(impl, mode)`` pair of ``IMPLS``; ``COLUMNS`` the columns of bench.csv, one by one in docs/bench.md.
"""
from dataclasses import dataclass
from typing import Callable, NamedTuple

__all__ = ["FAMILIES", "Side", "IMPLS", "TORCH", "Settings", "FULL", "QUICK", "Workload", "COLUMNS", "CSV_NAME",
           "METADATA_NAME"]

FAMILIES = ("activations", "losses", "optimizers", "initializers", "models")  # the report's order
Side = tuple[str, str]  # (impl, mode)
IMPLS: tuple[Side, ...] = (("numpy", "eager"), ("torch", "eager"), ("keras", "eager"), ("keras", "traced"))
TORCH: Side = ("torch", "eager")  # what ratio_to_torch divides by
CSV_NAME, METADATA_NAME = "bench.csv", "bench_metadata.json"
COLUMNS = ("family", "workload", "impl", "mode", "dtype", "size", "size_unit", "calls", "repeats", "clock",
           "median_s", "q1_s", "q3_s", "per_item_s", "item", "ratio_to_torch", "limit_kind", "work_per_call",
           "achieved_per_s", "limit_per_s", "limit_fraction", "work_model")


class Settings(NamedTuple):
    """How much to time: rounds, warm-up rounds, calls a sample, and the GEMM probe's size."""
    repeats: int  # timed rounds of the element-wise and model workloads
    warmup: int  # discarded rounds before them (tracing happens here)
    steps: int  # update-rule steps a sample
    step_repeats: int  # samples of update-rule steps (steps * step_repeats steps timed a side)
    model_calls: int  # training steps a sample
    gemm_n: int  # the GEMM probe's matrices are (gemm_n, gemm_n)


FULL = Settings(repeats=11, warmup=2, steps=100, step_repeats=10, model_calls=3, gemm_n=2048)
QUICK = Settings(repeats=3, warmup=1, steps=4, step_repeats=3, model_calls=1, gemm_n=1536)


@dataclass(frozen=True)
class Workload:
    """One timed workload: a table row. ``work`` (the bytes or FLOPs a call does, by ``model``) over the median
    seconds a call is held against the machine's ``limit_kind`` ("bandwidth" B/s or "flops" FLOP/s); ``build(rng)``
    returns one zero-argument callable a side, every input drawn from ``rng`` and converted before any timing."""
    family: str
    name: str
    size: int  # elements, draws, parameters
    size_unit: str
    items: int  # items a call processes: per_item_s = median_s / items
    item: str
    limit_kind: str
    work: float
    model: str  # the FLOP/byte model, in words
    build: Callable[[object], dict[Side, Callable[[], object]]]
    calls: int  # calls a timed sample
    repeats: int
    warmup: int
