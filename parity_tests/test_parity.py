"""The parity matrix as pytest cases: one test per run (concept x variant x dtype x regime), plus
one per finite-difference check. The matrix runs once per session and rewrites the report."""
import pytest

from .case import expand
from .cases import ALL_CASES

RUNS, _ = expand(ALL_CASES)
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

