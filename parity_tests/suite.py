"""The whole suite as one call: the parity matrix and the finite-difference rows, optionally one shard
of them, and the report files. Importing this module imports the frameworks."""
import os

from . import DEFAULT_SEED, REPORT_DIR
from . import trajectory
from .case import expand
from .cases import ALL_CASES, ALL_RULES
from .conventions import all_conventions
from .frameworks import KERAS_DEFAULT_FLOATX, versions
from .gradcheck import gradcheck_rows
from .report import status_counts, write_csv, write_json
from .runner import execute
from .tolerance import policy_rows

__all__ = ["DEFAULT_SEED", "REPORT_DIR", "SLOW_FAMILIES", "select", "in_gate", "run_shard", "merge", "run_all",
           "write_report"]

SLOW_FAMILIES = ("optimizers", "schedules")  # their Keras side runs traced loops: ~0.1 s of tracing per run


def select(concepts=None):
    """(case rows, update-rule rows), optionally only those of the named concepts (table order kept)."""
    keep = lambda row: not concepts or row.concept in concepts  # noqa: E731
    return tuple(filter(keep, ALL_CASES)), tuple(filter(keep, ALL_RULES))


def in_gate(run):
    """Whether the gate (``make parity``) runs ``run``: every run of the single-call families; of the
    traced-loop families, each concept's aligned float64 runs (every aligned set) in its first regime
    (open loop, both gradient scales; a schedule's typical course). That corner holds the tightest
    tolerance, so a wrong formula anywhere fails it; float32, the defaults variant and the other regimes
    (closed loop, ...) run in the complete matrix (``make parity-all``, ``make test``)."""
    return run.case.family not in SLOW_FAMILIES or (
        run.variant == "aligned" and run.dtype == "float64" and run.regime == run.case.all_regimes[0])


def _expand(rows, fast):
    runs, skipped = expand(rows)
    return ([run for run in runs if in_gate(run)], skipped) if fast else (runs, skipped)


def run_shard(seed, cases, rules=(), shard=0, shards=1, fast=False):
    """(pieces, skipped) for one shard (``fast``: only the gate's runs, see ``in_gate``): ``pieces`` are
    ``(position, rows)`` in table order. Runs that draw the same inputs (a case's aligned and defaults
    variants for one dtype and regime) share a shard, so identical implementation calls are still made
    once; update-rule trajectories alternate. Skipped runs are listed whatever ``fast``."""
    runs, skipped = _expand(cases, fast)
    keys = {}
    for run in runs:
        keys.setdefault(run.input_key, len(keys))
    memo, pieces = {}, []
    for i, run in enumerate(runs):
        if keys[run.input_key] % shards == shard:
            pieces.append(((0, i), execute(run, seed, memo)))
    for j, case in enumerate(cases):
        if j % shards == shard:
            pieces.append(((1, j), gradcheck_rows([case], seed)))
    rule_runs, rule_skipped = _expand(rules, fast)
    mine = [(k, run) for k, run in enumerate(rule_runs) if k % shards == shard]
    keras_results = trajectory.run_keras_batch([run for _, run in mine], seed)
    for k, run in mine:
        pieces.append(((2, k), trajectory.execute(run, seed, keras_results[run.id])))
    return pieces, skipped + rule_skipped


def merge(*shard_pieces):
    """Rows of every shard in table order: the same CSV whatever the number of shards."""
    return [row for _, rows in sorted(p for pieces in shard_pieces for p in pieces) for row in rows]


def run_all(seed=DEFAULT_SEED, cases=ALL_CASES, rules=ALL_RULES):
    """(rows, skipped): the parity matrix, the finite-difference rows, then the update-rule trajectories."""
    pieces, skipped = run_shard(seed, cases, rules)
    return merge(pieces), skipped


def _metadata(seed, rows, skipped, cases):
    return {
        "seed": seed,
        "versions": versions(),
        "status_counts": status_counts(rows),
        "threads": "torch and TensorFlow run single-threaded (fixed reduction order)",
        "keras_floatx": (f"aligned runs set keras.config.set_floatx(<run dtype>); defaults runs keep the user's "
                         f"default {KERAS_DEFAULT_FLOATX!r}, so Keras losses compute float64 inputs in float32 "
                         "(convention key 'dtype'); TF's CTC is float32-only ('compute_dtype'); tf.nn.leaky_relu "
                         "rounds its slope to float32 ('constant_dtype')"),
        "tolerance_policy": policy_rows(cases),
        "skipped": [{"run": run.id, "reason": reason} for run, reason in skipped],
        "conventions": [vars(c) | {k: dict(getattr(c, k)) for k in ("defaults", "formula", "param_init", "related", "notes")}
                        for c in all_conventions()],
    }


def write_report(rows, skipped, seed, out_dir=REPORT_DIR, cases=ALL_CASES + ALL_RULES):
    write_csv(rows, os.path.join(out_dir, "divergence.csv"))
    write_json(_metadata(seed, rows, skipped, cases), os.path.join(out_dir, "run_metadata.json"))
