"""``parity run``: run the parity matrix (or a selection of it), write the report, print a summary, and exit
non-zero if any row is FAIL or ERROR that is not an instance of a listed Keras inconsistency (column ``finding``).
``parity run --fast --keras-backends`` is the CI gate behind ``make parity``.

Reports go to ./reports of the working directory (or --out), never into the package; the committed reference
report (reports/reference/ of the source tree) is written only when asked for with --out.
"""
import argparse
import contextlib
import os
import sys
import tempfile
import time
import warnings
from collections import Counter

from . import DEFAULT_SEED, report_dir
from . import backends, pool
from .pool import KNOWN_WARNINGS, Workers, claim_in, done_in, mark_done_in
from .selection import Selection, UnknownName, add_arguments

__all__ = ["parser", "main", "run_matrix"]


def parser():
    p = argparse.ArgumentParser(prog="parity run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="input seed (default: %(default)s)")
    p.add_argument("--out", default=None, help="report directory (default: ./reports)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes (default: %(default)s)")
    p.add_argument("--fast", action="store_true",
                   help="the gate (`make parity`): every concept, aligned float64 and defaults float32; of update "
                        "rules and training aligned float64 only (parity_tests.suite.in_gate)")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="run N times, each repeat in fresh processes; the `repeat` column says whether the results "
                        "were bit-identical (the determinism audit)")
    p.add_argument("--keras-backends", action="store_true",
                   help="also run Keras on its JAX and torch backends, one process each (keras[jax], keras[torch]; "
                        "parity_tests.backends): their pairs join the rows of every run")
    add_arguments(p)
    return p


@contextlib.contextmanager
def _progress(total):
    """``advance(done)`` for a progress bar on stderr -- only when stderr is a terminal (CI logs stay clean)."""
    if not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("parity run"), BarColumn(), MofNCompleteColumn(), TextColumn("units"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=total)
        yield lambda done: bar.update(task, completed=done)


def _options(args, selection):
    return ["--seed", str(args.seed), *(["--fast"] if args.fast else []), *selection.argv()]


def _start_workers(args, selection, claims):
    """(workers, suite): forked after the frameworks are imported (one import for all processes), or started
    first so that their imports overlap the parent's -- without ``os.fork``, and whenever this process had imported
    TensorFlow or torch before the run (a caller in Python, a test): a framework that has run keeps thread pools
    and locks a forked child does not inherit working, so only a fresh import is forked."""
    if not pool.FORK or not pool.fresh_frameworks():
        workers = Workers(_options(args, selection), args.jobs, claims)
        try:
            from . import suite
        except BaseException:
            workers.stop()
            raise
        return workers, suite
    from . import suite
    chosen = suite.select(selection)

    def shard_work(shard):  # in the child: pool.claim_in and mark_done_in are looked up there (a test replaces them)
        return suite.run_shard(args.seed, chosen, pool.claim_in(claims, shard), args.fast, keep_run=selection.keeps_run,
                               on_done=pool.mark_done_in(claims))[0]
    return Workers(None, args.jobs, claims, shard_work), suite


def _run_pool(args, selection, claims):
    """(rows, skipped, rows run, backends' metadata): this process's share and the workers', merged in table
    order. The Keras backend processes start first: their imports overlap this process's."""
    workers = None
    started = backends.start(claims, _options(args, selection)) if args.keras_backends else None
    try:
        workers, suite = _start_workers(args, selection, claims)
        chosen = suite.select(selection)
        mark, total = mark_done_in(claims), suite.count_units(chosen, args.fast, selection.keeps_run)
        with _progress(total) as advance:
            def on_done(unit):
                mark(unit)
                advance(done_in(claims))
            claim = claim_in(claims) if args.jobs > 1 else None
            own, skipped = suite.run_shard(args.seed, chosen, claim, args.fast, keep_run=selection.keeps_run,
                                           on_done=on_done)
            workers.wait(lambda: advance(done_in(claims)))
        finished, lost = workers.collect()
        rows = suite.merge(own, *finished, *(_lost(args, chosen, selection, dead) for dead in lost))
        backend_metadata = backends.metadata() if started else {}
    finally:
        if workers is not None:
            workers.stop()
        if started:
            backends.stop(started)
    return ([r for r in rows if r["impl_a"] == "worker" or selection.keeps_result(r)], skipped,
            sum(chosen.values(), ()), backend_metadata)


def run_matrix(seed=DEFAULT_SEED, *, jobs=min(2, os.cpu_count() or 1), keras_backends=False):
    """(rows, skipped, rows run, backends' metadata) of the complete matrix, computed as ``parity run
    [--keras-backends]`` computes it (its processes, its pool), for a caller in Python (tests/conftest.py)."""
    argv = ["--seed", str(seed), "--jobs", str(jobs)] + (["--keras-backends"] if keras_backends else [])
    args = parser().parse_args(argv)
    with tempfile.TemporaryDirectory() as claims:
        return _run_pool(args, Selection.from_args(args), claims)


def _lost(args, chosen, selection, dead):
    """ERROR pieces for the units of a worker that died (named on stderr): the report stays complete."""
    from . import suite
    reason = f"worker shard {dead.shard} died ({dead.status})"
    print(f"parity run: {reason}; its {len(dead.units)} unit(s) become ERROR rows", file=sys.stderr)
    return suite.lost_pieces(args.seed, chosen, dead.units, reason, args.fast, selection.keeps_run)


def _clear(out_dir):
    """The previous report is removed before any work starts: a run that dies leaves no report, never a stale one."""
    for name in ("divergence.csv", "run_metadata.json"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(out_dir, name))


def _print(rows, out_dir, elapsed):
    from .report import summary_table
    print(summary_table(rows))
    failed = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    bad = [r for r in failed if not r["finding"]]  # a listed Keras inconsistency is reported, not a gate failure
    for r in bad[:20]:
        print(f"{r['status']}: {r['concept']} {r['variant']} {r['dtype']} {r['inputs']} "
              f"{r['impl_a']}~{r['impl_b']} {r['quantity']}: {r['cause']}", file=sys.stderr)
    if len(failed) > len(bad):
        counts = Counter(key for r in failed for key in r["finding"].split(";") if key)
        print(f"{len(failed) - len(bad)} FAIL/ERROR rows are listed Keras inconsistencies (column finding: "
              + ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) + "; README: found inconsistencies)")
    print(f"{len(rows)} checks in {elapsed:.1f} s (imports included); report: {out_dir}/divergence.csv")
    return 1 if bad else 0


def main(argv=None):
    start = time.perf_counter()
    args = parser().parse_args(argv)
    try:
        selection = Selection.from_args(args)
    except UnknownName as exc:
        print(f"parity run: {exc}", file=sys.stderr)
        return 2
    if args.keras_backends and args.repeat > 1:
        print("parity run: --repeat audits the TensorFlow process's workers only; run it without --keras-backends",
              file=sys.stderr)
        return 2
    if not selection.any_concept():
        print(f"parity run: no concept matches {selection.describe()}", file=sys.stderr)
        return 2
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    out_dir = args.out or report_dir()
    _clear(out_dir)
    with tempfile.TemporaryDirectory() as claims:
        rows, skipped, chosen, backend_metadata = _run_pool(args, selection, claims)
    from . import repeat, suite
    extra = {"selection": selection.describe(), "determinism": repeat.settings()}
    if backend_metadata:
        extra["keras_backends"] = backend_metadata
    if args.repeat > 1:
        others = repeat.run_repeats(_options(args, selection), args.jobs, args.repeat - 1, suite.merge)
        extra["determinism"] |= repeat.mark(rows, [[r for r in o if selection.keeps_result(r)] for o in others])
    suite.write_report(rows, skipped, args.seed, out_dir, chosen, extra=extra)
    return _print(rows, out_dir, time.perf_counter() - start)
