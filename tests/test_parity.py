"""The parity matrix as pytest cases: one test per run (concept x variant x dtype x regime) of every kind of
row, plus one per finite-difference check; Keras on JAX and torch join every run (their pairs; tests/conftest.py),
and a FAIL/ERROR row fails its test unless it is a listed Keras inconsistency (column ``finding``). A run a case
row skips (``Skip``) is a skipped test with the row's reason, so ``pytest -rs`` lists it. The matrix runs once per
session and writes its report (tests/conftest.py: git-ignored ./reports, never the reference report)."""
import subprocess
from pathlib import Path

import pytest

from parity_tests import REFERENCE_DIR, backends
from parity_tests.case import expand
from parity_tests.cases import ALL_CASES, ALL_INITS, ALL_RULES, ALL_TRAININGS
from parity_tests.schema import BACKEND_PAIRS, PAIRS


def _params(rows):
    """(runs, params): the runs executed, and a pytest.param per run, skipped runs marked skip with their reason."""
    runs, skipped = expand(rows)
    params = [pytest.param(run, id=run.id) for run in runs]
    params += [pytest.param(run, id=run.id, marks=pytest.mark.skip(reason=f"{run.id}: {reason}"))
               for run, reason in skipped]
    return runs, params


RUNS, RUN_PARAMS = _params(ALL_CASES)
RULE_RUNS, RULE_PARAMS = _params(ALL_RULES)
INIT_RUNS, INIT_PARAMS = _params(ALL_INITS)
TRAINING_RUNS, TRAINING_PARAMS = _params(ALL_TRAININGS)
GRAD_CONCEPTS = [c.concept for c in ALL_CASES if c.grad_wrt]


def _pairs(run):
    """Pairs a run's rows cover: the TensorFlow process's, and each Keras backend's (tests/conftest.py starts them)."""
    return len(PAIRS) + (len(BACKEND_PAIRS) if backends.covers(run) else 0)


def _failures(rows):
    """FAIL/ERROR rows that are not an instance of a listed Keras inconsistency (column ``finding``)."""
    return [r for r in rows if r["status"] in ("FAIL", "ERROR") and not r["finding"]]


def _explain(rows):
    return "\n".join(f"{r['status']} {r['impl_a']}~{r['impl_b']} {r['quantity']}: max_abs={r['max_abs']} "
                     f"max_ulp={r['max_ulp']} {r['cause']}" for r in rows)


@pytest.mark.parametrize("run", RUN_PARAMS)
def test_run(run, parity_rows):
    rows = [r for r in parity_rows.get(run.id, []) if r["impl_b"] != "finite_diff"]
    assert len(rows) == _pairs(run) * len(run.case.quantities), "every pair and quantity has a row"
    bad = _failures(rows)
    assert not bad, _explain(bad)


@pytest.mark.parametrize("concept", GRAD_CONCEPTS)
def test_backward_matches_finite_differences(concept, parity_rows):
    rows = [r for r in parity_rows["all"] if r["impl_b"] == "finite_diff" and r["concept"] == concept]
    assert rows, "every NumPy backward is finite-difference checked"
    bad = [r for r in rows if r["status"] != "match"]
    assert not bad, _explain(bad)


@pytest.mark.parametrize("run", RULE_PARAMS)
def test_update_rule_trajectory(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    scenarios = 2 if run.regime == "open_loop" else 1
    assert len(rows) == _pairs(run) * scenarios * len(run.case.quantities), \
        "every scenario, pair and quantity has a row"
    bad = _failures(rows)
    assert not bad, _explain(bad)


@pytest.mark.parametrize("run", INIT_PARAMS)
def test_initializer_distribution(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    assert len(rows) == _pairs(run) * len(run.case.quantities), "every pair and quantity has a row"
    bad = _failures(rows)
    assert not bad, _explain(bad)


@pytest.mark.parametrize("run", TRAINING_PARAMS)
def test_training_run(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    assert len(rows) == _pairs(run) * len(run.case.quantities_of(run.regime)), "every pair and quantity has a row"
    bad = _failures(rows)
    assert not bad, _explain(bad)


def test_every_skip_of_the_tables_is_a_visible_skipped_test():
    """Each run a row's ``Skip`` excludes appears once, marked skip with that reason (none silently dropped)."""
    for rows, params in ((ALL_CASES, RUN_PARAMS), (ALL_RULES, RULE_PARAMS), (ALL_INITS, INIT_PARAMS),
                         (ALL_TRAININGS, TRAINING_PARAMS)):
        runs, skipped = expand(rows)
        marked = {p.id: [m.kwargs["reason"] for m in p.marks if m.name == "skip"] for p in params}
        assert len(marked) == len(params) == len(runs) + len(skipped)
        assert all(marked[run.id] == [f"{run.id}: {reason}"] for run, reason in skipped)
        assert all(marked[run.id] == [] for run in runs)


def test_the_session_report_changes_no_tracked_file(parity_rows, parity_report_dir):
    """The session's run wrote its report where git ignores it, never into the reference report."""
    directory = Path(parity_report_dir).resolve()
    assert directory != Path(REFERENCE_DIR).resolve()
    root = Path(__file__).resolve().parent.parent
    written = [directory / name for name in ("divergence.csv", "run_metadata.json")]
    assert all(path.is_file() for path in written)
    inside = [str(path) for path in written if path.is_relative_to(root)]
    if inside:  # git ignores every one (tracked files are never reported as ignored)
        done = subprocess.run(["git", "check-ignore", *inside], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0 and len(done.stdout.split()) == len(inside), (inside, done.stdout)
