"""The reference's signature defaults against the torch conventions (``parity_tests.signatures``), as the gate
reports them: every stated key of every reference function a row calls (forward, backward, spec) is one row; they
all match today, and a changed default -- in a forward or only in its backward -- fails its row by name."""
import reference_numpy.schedules as ns
import reference_numpy.softmax as nsm
from parity_tests import signatures
from parity_tests.cases import ALL_ROWS


def _by_quantity(rows):
    return {(r["concept"], r["quantity"]): r for r in rows}


def test_every_stated_default_is_a_row_and_matches():
    rows = signatures.rows(ALL_ROWS, seed=0)
    assert len(rows) > 500
    assert {r["status"] for r in rows} == {"match"}
    assert {(r["impl_a"], r["impl_b"], r["inputs"]) for r in rows} == {("numpy[torch]", "conventions", "signature")}
    assert ("warmup_cosine", "warmup_cosine.start_factor") in _by_quantity(rows)
    assert ("softmax", "softmax_backward.axis") in _by_quantity(rows)


def test_a_changed_default_fails_its_row(monkeypatch):
    monkeypatch.setitem(ns.warmup_cosine.__kwdefaults__, "start_factor", 2.0 / 3)
    monkeypatch.setitem(nsm.softmax_backward.__kwdefaults__, "axis", -2)  # the forward keeps -1
    failed = {q: r for q, r in _by_quantity(signatures.rows(ALL_ROWS, seed=0)).items() if r["status"] == "FAIL"}
    assert set(failed) == {("warmup_cosine", "warmup_cosine.start_factor"), ("softmax", "softmax_backward.axis")}
    assert "defaults to 0.666" in failed[("warmup_cosine", "warmup_cosine.start_factor")]["cause"]
