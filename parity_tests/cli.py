"""``python -m parity_tests``: run the parity matrix, write the report, print a summary, and exit
non-zero if any row is FAIL or ERROR (the CI gate behind ``make parity``)."""
import argparse
import os
import sys
import time
import warnings

from .cases import ALL_CASES
from .conventions import all_conventions
from .frameworks import versions
from .gradcheck import gradcheck_rows
from .report import status_counts, summary_table, write_csv, write_json
from .runner import run_matrix
from .tolerance import policy_rows

__all__ = ["DEFAULT_SEED", "run_all", "write_report", "main"]

DEFAULT_SEED = 20261124
# torch warns on every F.kl_div(reduction='mean'); the behaviour is a recorded convention (kl_divergence).
KNOWN_WARNINGS = (r"reduction: 'mean' divides the total loss",)
REPORT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reports")


def run_all(seed=DEFAULT_SEED, cases=ALL_CASES):
    """(rows, skipped): the parity matrix followed by the finite-difference rows."""
    rows, skipped = run_matrix(cases, seed)
    return rows + gradcheck_rows(cases, seed), skipped


def _metadata(seed, rows, skipped, cases):
    return {
        "seed": seed,
        "versions": versions(),
        "status_counts": status_counts(rows),
        "threads": "torch and TensorFlow run single-threaded (fixed reduction order)",
        "keras_float64": ("float64 runs set keras.config.set_floatx('float64'); the one float32 computation "
                          "observed is the LeakyReLU slope (conventions: constant_dtype='float32')"),
        "tolerance_policy": policy_rows(cases),
        "skipped": [{"run": run.id, "reason": reason} for run, reason in skipped],
        "conventions": [vars(c) | {k: dict(getattr(c, k)) for k in ("defaults", "formula", "param_init", "related", "notes")}
                        for c in all_conventions()],
    }


def write_report(rows, skipped, seed, out_dir=REPORT_DIR, cases=ALL_CASES):
    write_csv(rows, os.path.join(out_dir, "divergence.csv"))
    write_json(_metadata(seed, rows, skipped, cases), os.path.join(out_dir, "run_metadata.json"))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m parity_tests", description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=REPORT_DIR, help="report directory (default: reports/)")
    parser.add_argument("--concept", action="append", help="run only these concepts (repeatable)")
    args = parser.parse_args(argv)
    cases = tuple(c for c in ALL_CASES if not args.concept or c.concept in args.concept)
    if not cases:
        parser.error(f"no case matches --concept {args.concept}")
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    start = time.perf_counter()
    rows, skipped = run_all(args.seed, cases)
    write_report(rows, skipped, args.seed, args.out, cases)
    print(summary_table(rows))
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    for r in bad[:20]:
        print(f"{r['status']}: {r['concept']} {r['variant']} {r['dtype']} {r['inputs']} "
              f"{r['impl_a']}~{r['impl_b']} {r['quantity']}: {r['cause']}", file=sys.stderr)
    print(f"{len(rows)} checks in {time.perf_counter() - start:.1f} s after imports; report: {args.out}/divergence.csv")
    return 1 if bad else 0
