"""The parity matrix: every run of every case, three pairs, one row per (pair, quantity).

Statuses: ``match`` (within tolerance); ``expected`` (a torch~keras gap that numpy[torch]~numpy[keras]
reproduces -- the same dtype/shape difference, or differences at least half as large -- while each
NumPy convention matches its framework and the conventions differ); ``FAIL`` (any other gap, a wrong
dtype or shape); ``ERROR`` (an implementation raised).
"""
import functools
import inspect
import json
import traceback
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .case import expand
from .compare import Metrics, Problem, compare, digest, structure
from .conventions import compute_precision, convention, describe, differing
from .conventions.keras_backends import finding
from .frameworks import attempt, call, floatx_of, framework_of, inputs_for
from .inputs import rng_for
from . import backends
from .schema import IMPL, IMPLS, METRICS, PAIRS, backend_of
from .tolerance import tolerance_for

__all__ = ["error_text", "digests", "Gap", "Classification", "pair_backends", "cause_keys", "row_for", "measure",
           "tolerance", "classify", "gaps", "attribute", "flip_matters", "execute", "run_matrix"]


def row_for(run, seed, a, b, quantity, **values):
    """One report row; metric columns empty unless given."""
    row = dict(family=run.case.family, concept=run.case.concept, variant=run.variant,
               kwargs=json.dumps(run.kwargs, sort_keys=True) if run.variant == "aligned" or run.kwargs else "",
               dtype=run.dtype, inputs=run.regime, impl_a=a, impl_b=b, quantity=quantity, seed=seed,
               run=run.id)  # not a report column: lets tests group rows by run
    row.update(dict.fromkeys(METRICS, ""), cause_keys="", repeat="")
    row.update(values)
    row["finding"] = finding(row) if row.get("status") in ("FAIL", "ERROR") else ""
    return row


def digests(results, pair, quantity):
    """Hidden row fields (not report columns): each side's result fingerprint, compared across ``--repeat``s."""
    return {"digest_a": digest(results[pair[0]][quantity]), "digest_b": digest(results[pair[1]][quantity])}


def error_text(exc):
    """An exception as an ERROR row's cause: its type, message and the innermost place it was raised."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {'/'.join(frame.filename.rsplit('/', 2)[-2:])}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


@functools.lru_cache(maxsize=None)
def _keyword_defaults(fn):
    return {p.name: p.default for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY}


def _call_key(impl, run):
    """What determines an implementation's result: its inputs and its fully resolved arguments. A
    defaults run often makes exactly the call an aligned run made (e.g. reduction="mean" in float32), and the
    reference under two frameworks' conventions often makes one call (numpy[keras] and numpy[keras[jax]] where
    the backends agree): the reference's key holds its arguments and starting parameters, not whose they are. A
    Keras backend's results come per run from its process."""
    if backends.is_remote(impl):
        return impl, run.id
    initialised = run.variant == "defaults" and bool(run.case.init_inputs)
    if impl in ("torch", "keras"):
        kwargs = {**_keyword_defaults(getattr(run.case, impl)), **run.kwargs}
        floatx = floatx_of(run) if impl == "keras" else None
        return impl, id(run.case), run.input_key, _sorted(kwargs), floatx, initialised
    framework = framework_of(impl)
    starts = _sorted(convention(run.case.concept, framework).param_init) if initialised else None
    return "numpy", id(run.case), run.input_key, _sorted(run.numpy_kwargs(framework)), starts


def _sorted(kwargs):
    return tuple(sorted(kwargs.items(), key=repr))


def _results(run, inputs, seed, memo):
    results = {}
    for impl in backends.impls(run, IMPLS):
        key = _call_key(impl, run)
        if key not in memo:
            memo[key] = attempt(lambda: call(impl, run, inputs_for(impl, run, inputs), seed))
        results[impl] = memo[key]
    return results


@dataclass(frozen=True)
class Gap:
    """How two results differ: element-wise metrics (when shapes agree) and any structural problem."""
    metrics: Metrics | None
    problem: Problem | None = None

    @property
    def ok(self):
        return self.problem is None and self.metrics.ok

    def describe(self):
        return str(self.problem) if self.problem else f"{self.metrics.frac_out:.0%} of elements out of tolerance"

    def reproduced_by(self, predicted):
        """The NumPy conventions show the same gap: the same structural difference, or element-wise
        differences at least half as large (a gap near the tolerance may land on either side of it)."""
        if self.problem:
            return predicted.problem is not None and predicted.problem.kind == self.problem.kind
        return predicted.metrics is not None and predicted.metrics.max_abs >= 0.5 * self.metrics.max_abs > 0

    def size(self):
        return str(self.problem) if self.problem else f"max_abs {self.metrics.max_abs:.3g}"


def measure(ra, rb, tol):
    """The Gap between two results."""
    problem = structure(ra, rb)
    if problem and problem.kind == "shape":
        return Gap(None, problem)
    return Gap(compare(ra, rb, *tol), problem)


def attribute(differences, matters):
    """The differing keys that matter: ``matters(difference)`` says whether flipping that key alone to
    Keras's value changes numpy[torch] beyond the pair's tolerance (or its dtype or shape, or makes it
    raise). With one differing key there is nothing to attribute: it is the only difference between the two
    reproducing conventions."""
    if len(differences) == 1:
        return differences, ""
    causes = [d for d in differences if matters(d)]
    return (causes, "") if causes else (differences, " acting jointly")  # no single key suffices


def flip_matters(difference, reflip, base, tol):
    """``attribute``'s question by re-running: ``reflip(difference)`` is numpy[torch] with the key flipped."""
    try:
        flipped = reflip(difference)
    except Exception:  # the key alone makes the reference reject these inputs: it matters
        return True
    return not measure(flipped, base, tol).ok


def _compute_dtype(run, impl):
    """The precision ``impl`` computes in: a fixed ``compute_dtype`` formula (e.g. TF's float32-only CTC),
    else the loss's ``dtype`` (Keras: floatx), else the run's dtype; float32 for float64 on Keras's JAX and torch
    (``conventions.compute_precision``)."""
    kwargs = convention(run.case.concept, framework_of(impl)).numpy_kwargs(run.kwargs)
    return compute_precision(framework_of(impl), kwargs.get("compute_dtype") or kwargs.get("dtype") or run.dtype)


def tolerance(run, pair, quantity):
    """The pair is held to the tolerance of the lower precision it computes in: a float32 computation
    cannot meet a float64 tolerance, whatever dtype it returns."""
    dtypes = {_compute_dtype(run, impl) for impl in pair}
    dtype = "float32" if "float32" in dtypes else run.dtype
    return tolerance_for(dtype, run.regime, quantity, run.case.overrides, pair_backends(pair))


def pair_backends(pair):
    """The Keras backends the two sides of ``pair`` compute on or follow, for tolerance overrides."""
    return {backend_of(impl) for impl in pair} - {None}


class Classification(NamedTuple):
    """A pair's status; ``cause`` in prose, ``cause_keys`` the differing convention keys that explain an
    ``expected`` gap as ``group.key`` names, sorted and ';'-joined (empty otherwise)."""
    status: str
    cause: str = ""
    cause_keys: str = ""


def cause_keys(differences):
    """``group.key;group.key``: the machine-readable form of ``describe(differences)``, sorted."""
    return ";".join(sorted(f"{group}.{key}" for group, key, *_ in differences))


def classify(run, pair, gap_of, matters, matters_base="numpy[torch]"):
    """A ``Classification`` of a pair. ``gap_of(pair)`` measures any pair of implementations -- the compared one,
    each NumPy convention against its framework, numpy[torch]~numpy[keras] -- as a gap with ``ok``,
    ``describe()``, ``reproduced_by(predicted)`` and ``size()`` (element-wise: ``Gap``; a two-sample test:
    ``distribution.Verdict``); ``matters(difference)`` says whether one convention key alone moves
    ``matters_base`` (see ``attribute``): keys are told apart only for a pair whose first side it reproduces."""
    gap = gap_of(pair)
    if gap.ok:
        return Classification("match")
    a, b = (IMPL[name] for name in pair)
    if a.reference == a.name:
        return Classification("FAIL", f"{gap.describe()}: {pair[0]} does not reproduce {pair[1]} (bug, or a convention missing from the table)")
    if not all(gap_of((i.reference, i.name)).ok for i in (a, b)):
        return Classification("FAIL", f"{gap.describe()}; the NumPy conventions do not reproduce both frameworks")
    predicted = gap_of((a.reference, b.reference))
    groups = ("defaults", "formula", "param_init") if run.variant == "defaults" else ("formula",)
    frameworks = (a.framework, b.framework)
    differences = differing(run.case.concept, aligned=run.kwargs, groups=groups, frameworks=frameworks)
    if not differences or not gap.reproduced_by(predicted):
        return Classification("FAIL", f"{gap.describe()}; not reproduced by {a.reference}~{b.reference}")
    causes, joint = attribute(differences, matters) if matters_base == a.reference else (differences, "")
    return Classification("expected", f"conventions differ: {describe(causes, frameworks)}{joint}; reproduced by "
                                      f"{a.reference}~{b.reference} ({predicted.size()})", cause_keys(causes))


def gaps(results, quantity, tolerance_of):
    """``gap_of`` for ``classify``: pairs of ``results[impl][quantity]`` measured once each, each pair held
    to ``tolerance_of(pair)``."""
    @functools.lru_cache(maxsize=None)
    def gap_of(pair):
        return measure(np.asarray(results[pair[0]][quantity]), np.asarray(results[pair[1]][quantity]),
                       tolerance_of(pair))
    return gap_of


def execute(run, seed, memo=None):
    """All rows of one run; a crash anywhere becomes ERROR rows, never a missing row. ``memo`` shares
    identical implementation calls between the runs of one matrix."""
    try:
        inputs = run.case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), run.case.kinks)
        results = _results(run, inputs, seed, {} if memo is None else memo)
    except Exception as exc:
        inputs, results = None, dict.fromkeys(backends.impls(run, IMPLS), exc)
    pairs = backends.pairs(run, PAIRS)

    @functools.lru_cache(maxsize=None)
    def flipped(base, flip):  # one re-run per reference and flipped key for all of the run's quantities and pairs
        return call(base, run, inputs_for(base, run, inputs), seed, flip=flip)
    return [_pair_row(run, seed, inputs, results, pair, quantity, flipped)
            for quantity in run.case.quantities for pair in pairs]


def _pair_row(run, seed, inputs, results, pair, quantity, flipped):
    """One row; an implementation that raised, or returned something that cannot be compared, is ERROR."""
    failed = [(i, results[i]) for i in pair if isinstance(results[i], Exception)]
    if failed:
        return row_for(run, seed, *pair, quantity, status="ERROR", cause=f"{failed[0][0]}: {error_text(failed[0][1])}")
    base = IMPL[pair[0]].reference  # the reference re-run with one key flipped to tell the causes apart

    def reflip(difference):
        return flipped(base, difference.flip())[quantity]
    try:
        tol = tolerance(run, pair, quantity)
        gap_of = gaps(results, quantity, lambda p: tolerance(run, p, quantity))
        gap = gap_of(pair)
        matters = lambda d: flip_matters(d, reflip, np.asarray(results[base][quantity]), tol)  # noqa: E731
        verdict = classify(run, pair, gap_of, matters, base)
    except Exception as exc:
        return row_for(run, seed, *pair, quantity, status="ERROR", cause=f"comparing: {error_text(exc)}")
    numbers = vars(gap.metrics) if gap.metrics else {}
    return row_for(run, seed, *pair, quantity, atol=tol[0], rtol=tol[1], **verdict._asdict(), **numbers,
                   **digests(results, pair, quantity))


def run_matrix(cases, seed):
    """(rows, skipped) for every run of ``cases``; rows are in table order, deterministic for a seed."""
    runs, skipped = expand(cases)
    memo = {}
    rows = [row for run in runs for row in execute(run, seed, memo)]
    return rows, skipped
