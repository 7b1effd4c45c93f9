"""``parity bench``: time every family's representative workload in NumPy, torch and Keras (eager and traced),
as ratios measured within one run, and write ./reports/bench.csv and bench_metadata.json (``--out``).

  activations    gelu, relu, sigmoid, tanh: forward + backward on 1M float32 elements
  losses         mse, huber, binary_crossentropy: forward + backward on 1M elements
  optimizers     sgd_momentum, adam, adamw, rmsprop, adagrad: 1,000 steps on 1M parameters (--quick: 12)
  initializers   glorot_uniform, he_normal, random_normal: 1M draws (eager only)
  models         the four seed MLPs and 784-512-512-10: training steps, batch 256, float32

Each workload's sides and the machine-limit probe (copy bandwidth for element-wise work, NumPy's float32 GEMM
for MLPs) are timed round-robin, so they share the machine's drift; figures are medians after warm-up. Every
figure is reported against torch (``ratio_to_torch``) and against the limit (``limit_fraction``). Everything runs
on one thread and is timed in CPU time unless asked otherwise (a shared machine deschedules a call of a few
milliseconds in most samples). docs/bench.md has the schema. ``--quick`` (under a minute) times fewer rounds and
steps and a smaller GEMM probe.
"""
import argparse
import contextlib
import os
import shlex
import sys
import time
import zlib

from .. import DEFAULT_SEED, report_dir
from .schema import FAMILIES

__all__ = ["parser", "probes", "main"]


def parser():
    p = argparse.ArgumentParser(prog="parity bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer rounds and steps (under a minute)")
    p.add_argument("--out", default=None, help="report directory (default: ./reports)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="input seed (default: %(default)s)")
    p.add_argument("--family", action="append", choices=FAMILIES, help="only this family (repeatable)")
    p.add_argument("--threads", type=int, metavar="N", default=1,
                   help="torch's, TensorFlow's and NumPy's BLAS thread pools (default: %(default)s, a per-core "
                        "comparison; more threads on a shared machine wait for each other at every barrier)")
    p.add_argument("--clock", choices=("cpu", "wall"), help="what a sample measures: the process's CPU time (the "
                   "default with one thread: not the time another job held the core) or elapsed time (the default "
                   "with more)")
    p.add_argument("--repeats", type=int, metavar="N", help="timed rounds per workload (default: 11, --quick 3; "
                   "update rules: 10 samples of 100 steps, --quick 3 of 4)")
    return p


def _settings(args):
    from .schema import FULL, QUICK
    settings = QUICK if args.quick else FULL
    return settings._replace(repeats=args.repeats, step_repeats=args.repeats) if args.repeats else settings


@contextlib.contextmanager
def _progress(total):
    """``advance(label)`` for a transient progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("parity bench {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda label: bar.update(task, advance=1, description=label)


def _time_workload(workload, probe, seed, clock):
    """The workload's ``Result`` a side: its sides and the limit's probe timed round-robin, inputs from its own
    seed."""
    import numpy as np

    from .output import Result
    from .timing import CLOCKS, LIMIT, Entry, interleaved
    rng = np.random.default_rng([seed, zlib.crc32(f"{workload.family}/{workload.name}".encode())])
    sides = workload.build(rng)
    entries = {side: Entry(run, workload.calls) for side, run in sides.items()}
    entries[LIMIT] = Entry(probe.run, probe.calls)
    timings = interleaved(entries, repeats=workload.repeats, warmup=workload.warmup, clock=CLOCKS[clock])
    limit = probe.work / timings[LIMIT].median_s
    return [Result(workload, side, timings[side], limit) for side in sides]


def probes(settings, seed):
    """The machine's limits, by kind: a copy of one element-wise workload array, NumPy's float32 GEMM."""
    import numpy as np

    from .timing import copy_probe, gemm_probe
    from .workloads import ELEMENTS
    rng = np.random.default_rng([seed, 0])
    return {"bandwidth": copy_probe(rng, 4 * ELEMENTS), "flops": gemm_probe(rng, settings.gemm_n)}


def _measure(table, limits, seed, clock):
    results = []
    with _progress(len(table)) as advance:
        for workload in table:
            results += _time_workload(workload, limits[workload.limit_kind], seed, clock)
            advance(f"{workload.family}/{workload.name}")
    return results


def _clear(out_dir):
    """An earlier report goes before any work starts: a run that dies leaves none rather than a stale one."""
    from .schema import CSV_NAME, METADATA_NAME
    for name in (CSV_NAME, METADATA_NAME):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(out_dir, name))


def _print(rows, meta, path, wall):
    from rich.console import Console

    from .output import summary_table
    from .schema import IMPLS
    limits = meta["limits"]
    parts = [f"copy {limits['bandwidth']['median'] / 1e9:.1f} GB/s" if "bandwidth" in limits else "",
             f"GEMM {limits['flops']['median'] / 1e9:.1f} GFLOP/s" if "flops" in limits else ""]
    caption = f"machine limits (median over the workloads' rounds): {', '.join(p for p in parts if p)}"
    console = Console(width=None if sys.stdout.isatty() else 132)
    console.print(summary_table(rows, IMPLS, caption))
    console.print(f"{len(rows)} rows in {wall:.1f} s (imports included); report: {path}", soft_wrap=True)


def main(argv=None):
    start = time.perf_counter()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    if (args.repeats is not None and args.repeats < 1) or args.threads < 1:
        print("parity bench: --repeats and --threads must be at least 1", file=sys.stderr)
        return 2
    clock = args.clock or ("cpu" if args.threads == 1 else "wall")
    out_dir = args.out or report_dir()
    _clear(out_dir)
    from . import output, threads, workloads  # the frameworks
    settings = _settings(args)
    table = [w for w in workloads.all_workloads(settings) if w.family in (args.family or FAMILIES)]
    threads.pin(args.threads)
    limits = probes(settings, args.seed)
    load = [os.getloadavg()]
    results = _measure(table, limits, args.seed, clock)
    load.append(os.getloadavg())
    rows = output.rows_of(results, clock)
    wall = time.perf_counter() - start
    meta = output.metadata(results, probes=limits, settings=settings, threads=args.threads, clock=clock,
                           command=shlex.join(["parity", "bench", *argv]), quick=args.quick, seed=args.seed,
                           wall_s=wall, load=load)
    path = output.write_report(rows, meta, out_dir)
    _print(rows, meta, path, wall)
    return 0
