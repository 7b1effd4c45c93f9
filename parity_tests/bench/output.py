"""``bench.csv``, ``bench_metadata.json`` (both written atomically) and the summary table.

One CSV row per (workload, side); ``COLUMNS`` is the schema, documented column by column in docs/bench.md. Ratios
are of medians from the same interleaved rounds: ``ratio_to_torch`` is this side's median over torch's (above 1:
slower than torch), ``limit_fraction`` the achieved rate (the workload's modelled bytes or FLOPs a call over the
median) over the machine's limit measured in those rounds.
"""
import os
import platform
import sys
from typing import NamedTuple

from ..report import atomic_write, write_json
from .schema import COLUMNS, CSV_NAME, METADATA_NAME, TORCH, Side, Workload
from .threads import counts
from .timing import Timing

__all__ = ["Result", "rows_of", "write_csv", "metadata", "write_report", "summary_table"]


class Result(NamedTuple):
    """One side of one workload: its timing and the machine's limit (B/s or FLOP/s: the probe's work over its
    median) from the same rounds."""
    workload: Workload
    side: Side
    timing: Timing
    limit_per_s: float


def _row(result: Result, torch_median: float, clock: str) -> dict:
    w, t = result.workload, result.timing
    achieved = w.work / t.median_s
    return {"family": w.family, "workload": w.name, "impl": result.side[0], "mode": result.side[1],
            "dtype": "float32", "size": w.size, "size_unit": w.size_unit, "calls": t.calls, "repeats": t.repeats,
            "clock": clock, "median_s": t.median_s, "q1_s": t.q1_s, "q3_s": t.q3_s,
            "per_item_s": t.median_s / w.items, "item": w.item, "ratio_to_torch": t.median_s / torch_median,
            "limit_kind": w.limit_kind, "work_per_call": w.work, "achieved_per_s": achieved,
            "limit_per_s": result.limit_per_s, "limit_fraction": achieved / result.limit_per_s, "work_model": w.model}


def rows_of(results: list[Result], clock: str) -> list[dict]:
    """The CSV rows, in the results' order; each workload's ratios against its own torch row."""
    torch_median = {r.workload: r.timing.median_s for r in results if r.side == TORCH}
    return [_row(r, torch_median[r.workload], clock) for r in results]


def _cell(value):
    """Floats with 6 significant digits (the parity report's style); everything else as text."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def write_csv(rows: list[dict], path: str) -> None:
    """``rows`` as CSV with the ``COLUMNS`` header, through a temporary file renamed into place."""
    import csv

    def write(f):
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(row[k]) for k in COLUMNS} for row in rows)
    atomic_write(path, write)


def write_report(rows: list[dict], meta: dict, out_dir: str) -> str:
    """``bench.csv`` then ``bench_metadata.json`` into ``out_dir``, each atomically; the CSV's path."""
    path = os.path.join(out_dir, CSV_NAME)
    write_csv(rows, path)
    write_json(meta, os.path.join(out_dir, METADATA_NAME))
    return path


def _versions():
    import keras
    import numpy
    import tensorflow
    import torch
    return {"python": sys.version.split()[0], "numpy": numpy.__version__, "torch": torch.__version__,
            "tensorflow": tensorflow.__version__, "keras": keras.__version__, "platform": platform.platform(),
            "cpu": _cpu_model()}


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        return platform.processor()


def _limits(results: list[Result], probes: dict) -> dict:
    """Per limit kind: the probe, and its rate over the workloads' rounds (one rate a workload: median, range)."""
    out = {}
    for kind, probe in probes.items():
        rates = sorted({r.workload: r.limit_per_s for r in results if r.workload.limit_kind == kind}.values())
        if rates:
            out[kind] = {"probe": probe.description, "unit": "bytes/s" if kind == "bandwidth" else "FLOP/s",
                         "workloads": len(rates), "median": rates[len(rates) // 2], "min": rates[0], "max": rates[-1]}
    return out


def metadata(results: list[Result], *, probes, settings, threads, clock, command, quick, seed, wall_s,
             load) -> dict:
    """``bench_metadata.json``: versions, threads, the clock, the limits measured, the settings, the machine's load."""
    timing = (f"{clock} clock ({'process CPU time' if clock == 'cpu' else 'elapsed time'}); medians of interleaved "
              "rounds (the order rotated each round) after warm-up rounds; the garbage collector off while timing")
    return {"command": command, "seed": seed, "quick": quick,
            "settings": settings._asdict(), "clock": clock, "wall_s": wall_s, "load_average": load,
            "versions": _versions(), "threads": {"requested": threads} | counts(),
            "limits": _limits(results, probes), "columns": list(COLUMNS), "timing": timing}


def _fraction(value):
    """A limit fraction as a percentage with two significant digits (``<0.01%`` below that)."""
    if value < 1e-4:
        return "<0.01%"
    return f"{value:.0%}" if value >= 0.1 else f"{value * 100:.2g}%"


def _duration(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.3g} \u00b5s"


def summary_table(rows: list[dict], sides: tuple[Side, ...], caption: str):
    """A rich Table: one line a workload (a section a family); torch's median a call, then every side's median
    over torch's with its fraction of the machine's limit in brackets."""
    from rich.table import Table
    table = Table(title="parity bench: median time / torch's (fraction of the machine's limit)", caption=caption)
    table.add_column("family")
    table.add_column("workload", no_wrap=True)
    table.add_column("torch / call", justify="right", no_wrap=True)
    for impl, mode in sides:
        table.add_column(impl if mode == "eager" else f"{impl} {mode}", justify="right", no_wrap=True)
    by_workload = {}
    for row in rows:
        by_workload.setdefault((row["family"], row["workload"]), {})[(row["impl"], row["mode"])] = row
    family = None
    for (name_family, workload), cells in by_workload.items():
        if family is not None and name_family != family:
            table.add_section()
        family = name_family
        ratios = [f"{cells[s]['ratio_to_torch']:.2f}x ({_fraction(cells[s]['limit_fraction'])})" if s in cells
                  else "-" for s in sides]
        table.add_row(family, workload, _duration(cells[TORCH]["median_s"]), *ratios)
    return table
