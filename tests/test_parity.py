"""The parity matrix as pytest cases: one test per run (concept x variant x dtype x regime) of every kind of
row, plus one per finite-difference check. The matrix runs once per session and rewrites the report."""
import pytest

from parity_tests.case import expand
from parity_tests.cases import ALL_CASES, ALL_INITS, ALL_RULES, ALL_TRAININGS

RUNS, _ = expand(ALL_CASES)
RULE_RUNS, _ = expand(ALL_RULES)
INIT_RUNS, _ = expand(ALL_INITS)
TRAINING_RUNS, _ = expand(ALL_TRAININGS)
GRAD_CONCEPTS = [c.concept for c in ALL_CASES if c.grad_wrt]


def _explain(rows):
    return "\n".join(f"{r['status']} {r['impl_a']}~{r['impl_b']} {r['quantity']}: max_abs={r['max_abs']} "
                     f"max_ulp={r['max_ulp']} {r['cause']}" for r in rows)


@pytest.mark.parametrize("run", RUNS, ids=[r.id for r in RUNS])
def test_run(run, parity_rows):
    rows = [r for r in parity_rows.get(run.id, []) if r["impl_b"] != "finite_diff"]
    assert len(rows) == 3 * len(run.case.quantities), "every pair and quantity has a row"
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    assert not bad, _explain(bad)


@pytest.mark.parametrize("concept", GRAD_CONCEPTS)
def test_backward_matches_finite_differences(concept, parity_rows):
    rows = [r for r in parity_rows["all"] if r["impl_b"] == "finite_diff" and r["concept"] == concept]
    assert rows, "every NumPy backward is finite-difference checked"
    bad = [r for r in rows if r["status"] != "match"]
    assert not bad, _explain(bad)



@pytest.mark.parametrize("run", RULE_RUNS, ids=[r.id for r in RULE_RUNS])
def test_update_rule_trajectory(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    scenarios = 2 if run.regime == "open_loop" else 1
    assert len(rows) == 3 * scenarios * len(run.case.quantities), "every scenario, pair and quantity has a row"
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    assert not bad, _explain(bad)


@pytest.mark.parametrize("run", INIT_RUNS, ids=[r.id for r in INIT_RUNS])
def test_initializer_distribution(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    assert len(rows) == 3 * len(run.case.quantities), "every pair and quantity has a row"
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    assert not bad, _explain(bad)


@pytest.mark.parametrize("run", TRAINING_RUNS, ids=[r.id for r in TRAINING_RUNS])
def test_training_run(run, parity_rows):
    rows = parity_rows.get(run.id, [])
    assert len(rows) == 3 * len(run.case.quantities_of(run.regime)), "every pair and quantity has a row"
    bad = [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    assert not bad, _explain(bad)
