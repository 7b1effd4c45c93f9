"""The parity matrix: every run of every case, three pairs, one row per (pair, quantity).

Statuses: ``match`` (within tolerance); ``expected`` (a torch~keras gap that numpy[torch]~numpy[keras]
reproduces while each NumPy convention matches its framework, so the differing conventions are the
cause); ``FAIL`` (any other gap, a wrong dtype or shape); ``ERROR`` (an implementation raised).
"""
import json
import traceback

import numpy as np

from .case import expand
from .compare import compare
from .conventions import describe, differing
from .frameworks import IMPLS, PAIRS, call, inputs_for
from .inputs import rng_for
from .tolerance import tolerance_for

__all__ = ["COLUMNS", "STATUSES", "row_for", "execute", "run_matrix"]

COLUMNS = ("family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity", "n",
           "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol", "status", "cause", "seed")
STATUSES = ("match", "expected", "FAIL", "ERROR")


def row_for(run, seed, a, b, quantity, **values):
    """One report row; metric columns empty unless given."""
    row = dict(family=run.case.family, concept=run.case.concept, variant=run.variant,
               kwargs=json.dumps(run.kwargs, sort_keys=True) if run.variant == "aligned" else "",
               dtype=run.dtype, inputs=run.regime, impl_a=a, impl_b=b, quantity=quantity, seed=seed,
               run=run.id)  # not a report column: lets tests group rows by run
    row.update(dict.fromkeys(("n", "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol"), ""))
    row.update(values)
    return row


def _error(exc):
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 2)[-2:]!s}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _attempt(impl, run, inputs, dout):
    try:
        return call(impl, run, inputs_for(impl, run, inputs), dout)
    except Exception as exc:  # a crash in one implementation must not hide the other rows
        return exc


def _measure(results, a, b, quantity, tol, dtype):
    """Metrics for one pair, or a string explaining why it cannot be compared."""
    ra, rb = results[a][quantity], results[b][quantity]
    for impl, r in ((a, ra), (b, rb)):
        if r.dtype != np.dtype(dtype):
            return f"{impl} returned {r.dtype} for a {dtype} run"
    if ra.shape != rb.shape:
        return f"shapes differ: {a} {ra.shape} vs {b} {rb.shape}"
    return compare(ra, rb, *tol)


def _attribute(run, inputs, dout, results, quantity, tol, differences):
    """The differing keys that matter: flipping one alone in numpy[torch] moves this quantity."""
    base = results["numpy[torch]"][quantity]
    torch_inputs = inputs_for("numpy[torch]", run, inputs)
    causes = []
    for group, key, _, keras_value in differences:
        flipped = call("numpy[torch]", run, torch_inputs, dout, flip=(group, key, keras_value))[quantity]
        if not compare(flipped, base, *tol).ok:
            causes.append((group, key, _, keras_value))
    return (causes, "") if causes else (differences, " acting jointly")  # no single key suffices


def _classify(run, inputs, dout, results, pair, quantity, metrics, tol):
    """(status, cause) for a measured pair."""
    if isinstance(metrics, str):
        return "FAIL", metrics
    if metrics.ok:
        return "match", ""
    where = f"{metrics.frac_out:.0%} of elements out of tolerance"
    if pair != ("torch", "keras"):
        return "FAIL", f"{where}: {pair[0]} does not reproduce {pair[1]} (bug, or a convention missing from the table)"
    checks = [_measure(results, *p, quantity, tol, run.dtype) for p in PAIRS[:2]]
    if any(isinstance(m, str) or not m.ok for m in checks):
        return "FAIL", f"{where}; the NumPy conventions do not reproduce both frameworks"
    predicted = _measure(results, "numpy[torch]", "numpy[keras]", quantity, tol, run.dtype)
    groups = ("defaults", "formula", "param_init") if run.variant == "defaults" else ("formula",)
    differences = differing(run.case.concept, aligned=run.kwargs, groups=groups)
    if isinstance(predicted, str) or predicted.ok or not differences:
        return "FAIL", f"{where}; not reproduced by numpy[torch]~numpy[keras]"
    causes, joint = _attribute(run, inputs, dout, results, quantity, tol, differences)
    return "expected", (f"conventions differ: {describe(causes)}{joint}; reproduced by numpy[torch]~numpy[keras] "
                        f"(max_abs {predicted.max_abs:.3g})")


def execute(run, seed):
    """All rows of one run; a crash anywhere becomes ERROR rows, never a missing row."""
    try:
        rng = rng_for(seed, run.input_key)
        inputs = run.case.inputs(rng, run.regime, np.dtype(run.dtype), run.case.kinks)
        dout = rng.standard_normal(inputs["x"].shape).astype(run.dtype)
        results = {impl: _attempt(impl, run, inputs, dout) for impl in IMPLS}
    except Exception as exc:
        results = dict.fromkeys(IMPLS, exc)
    rows = []
    for quantity in run.case.quantities:
        tol = tolerance_for(run.dtype, run.regime, quantity, run.case.overrides)
        for a, b in PAIRS:
            failed = [(i, results[i]) for i in (a, b) if isinstance(results[i], Exception)]
            if failed:
                rows.append(row_for(run, seed, a, b, quantity, status="ERROR", cause=f"{failed[0][0]}: {_error(failed[0][1])}"))
                continue
            metrics = _measure(results, a, b, quantity, tol, run.dtype)
            status, cause = _classify(run, inputs, dout, results, (a, b), quantity, metrics, tol)
            numbers = {} if isinstance(metrics, str) else vars(metrics)
            rows.append(row_for(run, seed, a, b, quantity, atol=tol[0], rtol=tol[1], status=status, cause=cause, **numbers))
    return rows


def run_matrix(cases, seed):
    """(rows, skipped) for every run of ``cases``; rows are in table order, deterministic for a seed."""
    runs, skipped = expand(cases)
    rows = [row for run in runs for row in execute(run, seed)]
    return rows, skipped
