"""``python -m parity_tests``: run the parity matrix, write the report, print a summary, and exit
non-zero if any row is FAIL or ERROR (the CI gate behind ``make parity``).

With ``--jobs N`` (default: up to 2, the cores CI has) the CLI starts N-1 worker processes before it
imports the frameworks; every process then takes units of work from one pool (the costliest first; a unit
is claimed by creating its file, so whoever is free takes the next), and the CLI merges the rows in table
order: the report is identical for any N.
"""
import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
import warnings

from . import DEFAULT_SEED, REPORT_DIR

__all__ = ["KNOWN_WARNINGS", "SUBCOMMANDS", "claim_in", "main"]

# torch warns on every F.kl_div(reduction='mean'); the behaviour is a recorded convention (kl_divergence).
KNOWN_WARNINGS = (r"reduction: 'mean' divides the total loss",)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m parity_tests", description=__doc__,
                                     epilog="subcommands: `python -m parity_tests compare --help` (a torch model and its "
                                            "Keras port), `python -m parity_tests translate --help` (an optimizer, "
                                            "schedule, loss or layer in the other framework)")
    parser.add_argument("--seed", type=int, default=None, help="default: parity_tests.suite.DEFAULT_SEED")
    parser.add_argument("--out", default=None, help="report directory (default: reports/)")
    parser.add_argument("--concept", action="append", help="run only these concepts (repeatable)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes (default: %(default)s)")
    parser.add_argument("--fast", action="store_true",
                        help="the gate (`make parity`): every concept, aligned float64 and defaults float32; of "
                             "update rules and LR schedules aligned float64 only (parity_tests.suite.in_gate)")
    return parser


def claim_in(directory):
    """``claim(unit) -> bool``: True for the one process whose exclusive create of the unit's file succeeds."""
    def claim(unit):
        try:
            os.close(os.open(os.path.join(directory, f"unit{unit}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True
    return claim


def _start_workers(args, seed, tmp):
    workers = []
    for shard in range(1, args.jobs):
        out = os.path.join(tmp, f"shard{shard}.pickle")
        cmd = [sys.executable, "-m", "parity_tests.worker", "--seed", str(seed), "--claims", tmp,
               "--out", out] + [a for c in args.concept or () for a in ("--concept", c)]
        cmd += ["--fast"] if args.fast else []
        workers.append((subprocess.Popen(cmd), out))
    return workers


def _collect(workers):
    pieces = []
    for process, out in workers:
        if process.wait() != 0:
            raise SystemExit(f"parity worker {process.args} failed with exit code {process.returncode}")
        with open(out, "rb") as f:
            pieces.append(pickle.load(f))
    return pieces


def _print(rows, out_dir, elapsed):
    from .report import summary_table
    print(summary_table(rows))
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    for r in bad[:20]:
        print(f"{r['status']}: {r['concept']} {r['variant']} {r['dtype']} {r['inputs']} "
              f"{r['impl_a']}~{r['impl_b']} {r['quantity']}: {r['cause']}", file=sys.stderr)
    print(f"{len(rows)} checks in {elapsed:.1f} s (imports included); report: {out_dir}/divergence.csv")
    return 1 if bad else 0


SUBCOMMANDS = {"compare": "parity_tests.porting.cli", "translate": "parity_tests.porting.translate"}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:  # `compare` and `translate` work on a user's own objects
        import importlib
        return importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:])
    return _run(argv)


def _run(argv):
    start = time.perf_counter()
    args = _parser().parse_args(argv)
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    seed, out_dir = DEFAULT_SEED if args.seed is None else args.seed, args.out or REPORT_DIR
    with tempfile.TemporaryDirectory() as tmp:
        workers = _start_workers(args, seed, tmp)
        from . import suite  # the frameworks, imported while the workers import theirs
        selection = suite.select(args.concept)
        if not any(selection.values()):
            raise SystemExit(f"no case matches --concept {args.concept}")
        claim = claim_in(tmp) if args.jobs > 1 else None
        own, skipped = suite.run_shard(seed, selection, claim, args.fast)
        rows = suite.merge(own, *_collect(workers))
    suite.write_report(rows, skipped, seed, out_dir, sum(selection.values(), ()))
    return _print(rows, out_dir, time.perf_counter() - start)
