"""The whole suite as one call: the parity matrix and the finite-difference rows, optionally the share of
them one process claims, and the report files. Importing this module imports the frameworks."""
import functools
import os
from dataclasses import dataclass
from enum import IntEnum, auto
from typing import Callable, NamedTuple

from . import DEFAULT_SEED, report_dir
from . import distribution, introspect, signatures, training, trajectory
from .case import Run, expand
from .cases import ALL_CASES, ALL_INITS, ALL_RULES, ALL_TRAININGS
from .conventions import all_conventions
from .frameworks import KERAS_DEFAULT_FLOATX, versions
from .gradcheck import gradcheck_rows
from .report import status_counts, write_csv, write_json
from .runner import execute, row_for
from .schema import CONTRACT_PAIRS
from .tolerance import policy_rows

__all__ = ["DEFAULT_SEED", "SLOW_FAMILIES", "GATE_CORNERS", "KINDS", "CHUNK", "select", "in_gate", "Section",
           "Position", "Piece", "Unit", "units", "run_shard", "lost_pieces", "count_units", "merge", "run_all",
           "write_report"]

SLOW_FAMILIES = ("optimizers", "training")  # their Keras side runs traced loops: ~0.1-0.2 s of tracing a run
# (a schedule, ~40 ms a run once its first trace is made, runs both gate corners: 48 runs cost ~2 s CPU more than 9)
KINDS = ("cases", "rules", "inits", "trainings")  # single calls, update-rule trajectories, initialiser distributions,
#                                                  training runs


def _tables():
    return {"cases": ALL_CASES, "rules": ALL_RULES, "inits": ALL_INITS, "trainings": ALL_TRAININGS}


def select(selection=None):
    """{kind: rows} for every kind of row, optionally only those a ``selection.Selection`` keeps (table order)."""
    keep = selection.keeps_row if selection is not None else (lambda row: True)
    return {kind: tuple(filter(keep, rows)) for kind, rows in _tables().items()}


GATE_CORNERS = (("aligned", "float64"), ("defaults", "float32"))


def in_gate(run):
    """Whether the gate (``make parity``) runs ``run``. Every concept, in the two diagonal corners of its
    matrix: aligned float64 (every aligned set, every regime: the tightest tolerance, so a wrong formula
    fails it) and defaults float32 (what a user gets, floatx included: a changed default or a float32 code
    path fails it). Of the traced-loop families (SLOW_FAMILIES: ~0.1 s of Keras tracing per run) only the
    aligned float64 corner with the row's first aligned set, in its first regime (update rules: the open loop
    at both gradient scales; training: the tape loop). The rest -- aligned
    float32, defaults float64, further aligned sets, the closed loop and ``model.fit`` of those families, the
    default-mismatch explanations of update rules -- runs in the complete matrix (``make parity-all``,
    ``make test``)."""
    if run.case.family in SLOW_FAMILIES:
        return ((run.variant, run.dtype) == GATE_CORNERS[0] and run.index == 0
                and run.regime == run.case.all_regimes[0])
    return (run.variant, run.dtype) in GATE_CORNERS


CHUNK = 5  # Keras-traced runs (trajectories, trainings) traced together in one unit of work


def _grouped(runs, key):
    """[(index, run)] lists of runs sharing ``key(run)``, in table order."""
    groups = {}
    for i, run in enumerate(runs):
        groups.setdefault(key(run), []).append((i, run))
    return list(groups.values())


class Section(IntEnum):
    """The report's sections, in the report's order (``merge``), whatever order the units run in."""
    CASES = auto()  # single calls (parity_tests.runner)
    FINITE_DIFFERENCES = auto()  # the single-call cases' backward against finite differences (gradcheck)
    RULES = auto()  # update-rule trajectories (trajectory)
    INITS = auto()  # initialiser distributions (distribution)
    TRAININGS = auto()  # training runs (training)
    INTROSPECTION = auto()  # the conventions table against the installed signatures (introspect, signatures)
    BAD_INPUT = auto()  # the bad-input contract (badinput)


class Position(NamedTuple):
    """Where rows stand in the report: their section, then the index of their run there (table order)."""
    section: Section
    index: int = 0


class Piece(NamedTuple):
    """The rows of one run (or of a single unit) and where they stand in the report."""
    position: Position
    rows: list


@dataclass(frozen=True)
class Unit:
    """One unit of work: ``work()`` returns ``[Piece]``; ``members`` are the ``(Position, Run)`` pairs it covers,
    so a unit whose process died still leaves a row per run (``lost``)."""
    work: Callable
    members: tuple

    def lost(self, seed, reason):
        """``[Piece]``: one ERROR row per run of the unit, the reason as its cause."""
        return [Piece(position, [row_for(run, seed, "worker", "lost", "unit", status="ERROR", cause=reason)])
                for position, run in self.members]


def _traced_units(seed, runs, module, section):
    """Chunks of ``CHUNK`` runs whose Keras loops are traced together (``module``: trajectory or training)."""
    def work(chunk):
        keras_results = module.run_keras_batch([run for _, run in chunk], seed)
        return [Piece(Position(section, k), module.execute(run, seed, keras_results[run.id])) for k, run in chunk]
    indexed = list(enumerate(runs))
    return [Unit(functools.partial(work, chunk), tuple((Position(section, k), run) for k, run in chunk))
            for chunk in (indexed[i:i + CHUNK] for i in range(0, len(indexed), CHUNK))]


def _memo_units(runs, execute_run, section):
    """One unit per input key: runs drawing the same inputs (a case's aligned and defaults variants for one
    dtype and regime) share a memo, so identical implementation calls are made once."""
    def work(group, memo):
        return [Piece(Position(section, i), execute_run(run, memo)) for i, run in group]
    return [Unit(functools.partial(work, group, {}), tuple((Position(section, i), run) for i, run in group))
            for group in _grouped(runs, lambda run: run.input_key)]


def _gradcheck_unit(seed, j, case):
    return [Piece(Position(Section.FINITE_DIFFERENCES, j), gradcheck_rows([case], seed))]


def _concepts(selection):
    return dict.fromkeys(row.concept for kind in KINDS for row in selection.get(kind, ()))


def _introspection_unit(seed, selection):
    """The conventions table against the installed frameworks' signatures (``introspect``) and against the NumPy
    reference's own signature defaults (``signatures``), for the rows selected: cheap, so in the gate too."""
    rows = [row for kind in KINDS for row in selection.get(kind, ())]
    return [Piece(Position(Section.INTROSPECTION), introspect.rows(_concepts(selection), seed)
                  + signatures.rows(rows, seed))]


def _stub(selection, variant, regime):
    """A Run standing for a unit's rows before they exist (``Unit.lost``), or None for an empty selection."""
    rows = [row for kind in KINDS for row in selection.get(kind, ())]
    return Run(rows[0], variant, {}, "", regime) if rows else None


def _bad_input_unit(seed, selection):
    """The bad-input contract (``badinput``), its rows of the concepts selected: each raises in the packages'
    validation before any framework computes, so the whole table is cheap, in the gate too. A table that cannot
    be built (an implementation renamed) gives ERROR rows, not a crashed run."""
    try:
        from .badinput.report import report_rows
        from .badinput.table import chosen
    except Exception as exc:
        cause = f"the bad-input table cannot be built: {type(exc).__name__}: {exc}"
        stub = _stub(selection, "bad_input", "contract")
        rows = [row_for(stub, seed, *pair, "error", status="ERROR", cause=cause) for pair in CONTRACT_PAIRS if stub]
        return [Piece(Position(Section.BAD_INPUT), rows)]
    return [Piece(Position(Section.BAD_INPUT), report_rows(chosen(_concepts(selection)), seed))]


def _single_units(seed, selection, fast):
    """Finite differences (one unit per case; not in the gate), the introspection and the bad-input contract
    (one unit each)."""
    cases = selection.get("cases", ())
    section = Section.FINITE_DIFFERENCES
    grad = [] if fast else [Unit(functools.partial(_gradcheck_unit, seed, j, c),
                                 ((Position(section, j), Run(c, "aligned", {}, "float64", "finite_diff")),))
                            for j, c in enumerate(cases)]
    singles = [(Section.INTROSPECTION, _introspection_unit, _stub(selection, "defaults", "installed")),
               (Section.BAD_INPUT, _bad_input_unit, _stub(selection, "bad_input", "contract"))]
    return grad, [Unit(functools.partial(work, seed, selection), ((Position(section), stub),) if stub else ())
                  for section, work, stub in singles]


def units(seed, selection, fast=False, keep_run=None):
    """(units, skipped): the work of ``selection`` ({kind: rows}, as ``select`` gives it; ``fast``: only the
    gate's runs, see ``in_gate``, and no finite-difference rows: there every NumPy backward is held to both
    frameworks at float64 tolerance; ``keep_run(run)``: a further filter, e.g. by dtype or variant) as ``Unit``s,
    the costliest first (traced training and update-rule chunks, then single calls, finite differences,
    initialisers, the introspection of installed defaults, the bad-input contract). Skipped runs are listed
    whatever ``fast``."""
    expanded = {kind: expand(selection.get(kind, ())) for kind in KINDS}
    keep = lambda run: (not fast or in_gate(run)) and (keep_run is None or keep_run(run))  # noqa: E731
    runs = {kind: [r for r in rs if keep(r)] for kind, (rs, _) in expanded.items()}
    grad, last = _single_units(seed, selection, fast)
    work = (_traced_units(seed, runs["trainings"], training, Section.TRAININGS)
            + _traced_units(seed, runs["rules"], trajectory, Section.RULES)
            + _memo_units(runs["cases"], lambda run, memo: execute(run, seed, memo), Section.CASES) + grad
            + _memo_units(runs["inits"], lambda run, memo: distribution.execute(run, seed, memo), Section.INITS)
            + last)
    return work, [s for _, skipped in expanded.values() for s in skipped]


def run_shard(seed, selection, claim=None, fast=False, *, keep_run=None, on_done=None):
    """(pieces, skipped): the units this process claims (``claim(unit_index) -> bool``; default: all), run
    in order; ``on_done(unit_index)`` after each (progress). Processes claiming from one pool balance
    themselves: whoever is free takes the next unit."""
    work, skipped = units(seed, selection, fast, keep_run)
    pieces = []
    for i, unit in enumerate(work):
        if claim is None or claim(i):
            pieces += unit.work()
            if on_done is not None:
                on_done(i)
    return pieces, skipped


def lost_pieces(seed, selection, indices, reason, fast=False, keep_run=None):
    """ERROR pieces for the units ``indices`` whose process died (``reason``: which process, what status)."""
    work, _ = units(seed, selection, fast, keep_run)
    return [piece for i in indices
            for piece in work[i].lost(seed, f"{reason} while running unit {i}: its rows are lost")]


def count_units(selection, fast=False, keep_run=None):
    """How many units ``run_shard`` would run (for a progress display); nothing runs."""
    return len(units(DEFAULT_SEED, selection, fast, keep_run)[0])


def merge(*shard_pieces):
    """Rows of every shard's pieces in report order (``Section``, then table order): the same CSV whatever the
    number of shards."""
    pieces = sorted((piece for pieces in shard_pieces for piece in pieces), key=lambda piece: piece.position)
    return [row for piece in pieces for row in piece.rows]


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
                        | {"sources": introspect.source_text(c)} for c in all_conventions()],
    }


def write_report(rows, skipped, seed, out_dir=None, cases=None, *, extra=None):
    """divergence.csv and run_metadata.json in ``out_dir`` (default ./reports of the working directory);
    ``cases``: the rows run (default: all); ``extra``: more metadata (the selection, the determinism audit)."""
    out_dir = out_dir or report_dir()
    cases = sum(select().values(), ()) if cases is None else cases
    write_csv(rows, os.path.join(out_dir, "divergence.csv"))
    write_json(_metadata(seed, rows, skipped, cases) | (extra or {}), os.path.join(out_dir, "run_metadata.json"))
