"""The whole suite as one call: the parity matrix and the finite-difference rows, optionally one shard
of them, and the report files. Importing this module imports the frameworks."""
import os

from . import DEFAULT_SEED, REPORT_DIR
from . import distribution, trajectory
from .case import expand
from .cases import ALL_CASES, ALL_INITS, ALL_RULES
from .conventions import all_conventions
from .frameworks import KERAS_DEFAULT_FLOATX, versions
from .gradcheck import gradcheck_rows
from .report import status_counts, write_csv, write_json
from .runner import execute
from .tolerance import policy_rows

__all__ = ["DEFAULT_SEED", "REPORT_DIR", "SLOW_FAMILIES", "GATE_CORNERS", "KINDS", "select", "in_gate", "run_shard", "merge",
           "run_all", "write_report"]

SLOW_FAMILIES = ("optimizers", "schedules")  # their Keras side runs traced loops: ~0.1 s of tracing per run
KINDS = ("cases", "rules", "inits")  # single calls, update-rule trajectories, initialiser distributions


def _tables():
    return {"cases": ALL_CASES, "rules": ALL_RULES, "inits": ALL_INITS}


def select(concepts=None):
    """{kind: rows} for every kind of row, optionally only those of the named concepts (table order kept)."""
    keep = lambda row: not concepts or row.concept in concepts  # noqa: E731
    return {kind: tuple(filter(keep, rows)) for kind, rows in _tables().items()}


GATE_CORNERS = (("aligned", "float64"), ("defaults", "float32"))


def in_gate(run):
    """Whether the gate (``make parity``) runs ``run``. Every concept, in the two diagonal corners of its
    matrix: aligned float64 (every aligned set, every regime: the tightest tolerance, so a wrong formula
    fails it) and defaults float32 (what a user gets, floatx included: a changed default or a float32 code
    path fails it). Of the traced-loop families (SLOW_FAMILIES: ~0.1 s of Keras tracing per run) only the
    aligned float64 corner with the row's first aligned set, in its first regime (update rules: the open loop
    at both gradient scales; schedules: the typical course). The rest -- aligned float32, defaults float64,
    further aligned sets and the closed loop of those families, the default-mismatch explanations of update
    rules -- runs in the complete matrix (``make parity-all``, ``make test``)."""
    if run.case.family in SLOW_FAMILIES:
        return ((run.variant, run.dtype) == GATE_CORNERS[0] and run.index == 0
                and run.regime == run.case.all_regimes[0])
    return (run.variant, run.dtype) in GATE_CORNERS


def _single_calls(seed, cases, runs, shard, shards):
    """Runs drawing the same inputs (a case's aligned and defaults variants for one dtype and regime) share
    a shard, so identical implementation calls are made once; then the finite-difference rows."""
    keys, memo, pieces = {}, {}, []
    for i, run in enumerate(runs):
        if keys.setdefault(run.input_key, len(keys)) % shards == shard:
            pieces.append(((0, i), execute(run, seed, memo)))
    for j, case in enumerate(cases):
        if j % shards == shard:
            pieces.append(((1, j), gradcheck_rows([case], seed)))
    return pieces


def _trajectories(seed, runs, shard, shards):
    """Update-rule trajectories alternate between shards; each shard traces its Keras loops together."""
    mine = [(k, run) for k, run in enumerate(runs) if k % shards == shard]
    keras_results = trajectory.run_keras_batch([run for _, run in mine], seed)
    return [((2, k), trajectory.execute(run, seed, keras_results[run.id])) for k, run in mine]


def _distributions(seed, runs, shard, shards):
    """Initialiser runs drawing the same sample (same input key) share a shard and a memo."""
    keys, memo, pieces = {}, {}, []
    for k, run in enumerate(runs):
        if keys.setdefault(run.input_key, len(keys)) % shards == shard:
            pieces.append(((3, k), distribution.execute(run, seed, memo)))
    return pieces


def run_shard(seed, selection, shard=0, shards=1, fast=False):
    """(pieces, skipped) for one shard of ``selection`` ({kind: rows}, as ``select`` gives it; ``fast``: only
    the gate's runs, see ``in_gate``): ``pieces`` are ``(position, rows)`` in table order. Skipped runs are
    listed whatever ``fast``."""
    expanded = {kind: expand(selection.get(kind, ())) for kind in KINDS}
    runs = {kind: [r for r in rs if not fast or in_gate(r)] for kind, (rs, _) in expanded.items()}
    pieces = (_single_calls(seed, selection.get("cases", ()), runs["cases"], shard, shards)
              + _trajectories(seed, runs["rules"], shard, shards)
              + _distributions(seed, runs["inits"], shard, shards))
    return pieces, [s for _, skipped in expanded.values() for s in skipped]


def merge(*shard_pieces):
    """Rows of every shard in table order: the same CSV whatever the number of shards."""
    return [row for _, rows in sorted(p for pieces in shard_pieces for p in pieces) for row in rows]


def run_all(seed=DEFAULT_SEED, selection=None):
    """(rows, skipped): the whole matrix (``selection``: default every row), in table order."""
    pieces, skipped = run_shard(seed, select() if selection is None else selection)
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
        "initializer_tests": distribution.POLICY,
        "skipped": [{"run": run.id, "reason": reason} for run, reason in skipped],
        "conventions": [vars(c) | {k: dict(getattr(c, k)) for k in ("defaults", "formula", "param_init", "related", "notes")}
                        for c in all_conventions()],
    }


def write_report(rows, skipped, seed, out_dir=REPORT_DIR, cases=None):
    """reports/divergence.csv and run_metadata.json; ``cases``: the rows run (default: all)."""
    cases = sum(select().values(), ()) if cases is None else cases
    write_csv(rows, os.path.join(out_dir, "divergence.csv"))
    write_json(_metadata(seed, rows, skipped, cases), os.path.join(out_dir, "run_metadata.json"))
