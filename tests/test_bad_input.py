"""One bad-input contract for the three packages, as one table: the rows (``parity_tests/badinput/``, by family)
each keep the contract of ``parity_tests.badinput.contract`` -- the same built-in exception class, the message
naming the argument, worded alike, no framework text; or one documented value (``Same``), listed in the README
("Bad input: one contract"). The report runs the same table (variant ``bad_input``); here its shape, the check's
ability to fail, and the rows a selection covers."""
from pathlib import Path

import numpy as np
import pytest

from parity_tests.badinput.contract import check
from parity_tests.badinput.optimizers import ROWS as OPTIMIZERS, RULES
from parity_tests.badinput.report import report_rows
from parity_tests.badinput.rows import BadInput, Same
from parity_tests.badinput.table import TABLE, chosen
from parity_tests.schema import CONTRACT_PAIRS
from parity_tests.selection import concepts_by_family

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.family}/{r.concept}: {r.reason}" for r in TABLE])
def test_one_contract(row):
    verdict = check(row)
    assert verdict.ok, verdict.problem


def test_the_table_covers_every_family_and_kind():
    assert len(TABLE) >= 60
    assert {r.family for r in TABLE} == set(concepts_by_family())
    assert all(r.expected in (TypeError, ValueError) or isinstance(r.expected, Same) for r in TABLE)
    assert all(r.argument and r.reason for r in TABLE)
    ids = [(r.family, r.concept, r.reason) for r in TABLE]
    assert len(ids) == len(set(ids)), "two rows say the same thing"


def test_every_update_rule_rejects_a_mismatched_gradient_shape_and_dtype():
    for rule in RULES:
        reasons = {r.reason for r in OPTIMIZERS if r.concept == rule.concept and r.argument == "grads"}
        assert {"gradient shape mismatch", "float64 gradient for a float32 parameter"} <= reasons, rule.concept


def test_the_readme_lists_every_documented_value():
    text = README.read_text()
    section = text.split("### Bad input: one contract", 1)[1].split("\n## ", 1)[0]
    listed = {tuple(c.strip() for c in line.strip("|").split("|")[:3]) for line in section.splitlines()
              if line.startswith("| ") and not line.startswith("| family")}
    documented = {(r.family, r.concept, r.reason) for r in TABLE if isinstance(r.expected, Same)}
    assert documented <= listed, documented - listed


def _raises(exc):
    def fn(x, **kwargs):
        raise exc
    return fn


X = np.ones(3, np.float32)
GOOD = ValueError("x must be finite, got nan")
BROKEN = [  # (what breaks, the torch implementation, the problem's start)
    ("another class", _raises(TypeError("x must be finite, got nan")), "torch raised TypeError"),
    ("no argument named", _raises(ValueError("xs must be finite, got nan")), "torch's ValueError does not name 'x'"),
    ("framework text", _raises(ValueError("x: aten::isfinite failed")), "torch's ValueError carries framework text"),
    ("other words", _raises(ValueError("x is not finite, got nan")), "worded differently: numpy: x must be"),
    ("no error", lambda x, **kwargs: x, "torch returned"),
]


@pytest.mark.parametrize("what, torch_fn, problem", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_implementation_fails_its_pairs_only(what, torch_fn, problem):
    row = BadInput("activations", "relu", (_raises(GOOD), torch_fn, _raises(GOOD)), (X,), {}, ValueError, "x", what)
    assert check(row).problem.startswith(problem)
    rows = report_rows([row], seed=0)
    assert [(r["impl_a"], r["impl_b"], r["status"]) for r in rows] == [
        ("numpy", "torch", "FAIL"), ("numpy", "keras", "match")]
    assert rows[0]["cause"].startswith(problem) and rows[0]["variant"] == "bad_input" and rows[0]["inputs"] == what


def test_a_documented_value_is_held_to_its_shape_and_value():
    fns = (lambda x: x, lambda x: x[:2], lambda x: x + 1)
    row = BadInput("activations", "relu", fns, (X,), {}, Same(np.ones(3)), "x", "ones -> ones")
    verdict = check(row)
    assert [o.problem.split(" returned ")[1][:5] for o in verdict.per_impl if o.problem] == ["shape", "[2.0,"]
    assert [(r["quantity"], r["status"]) for r in report_rows([row], seed=0)] == [("value", "FAIL")] * 2


def test_a_row_that_keeps_the_contract_gives_a_match_per_pair():
    rows = report_rows(TABLE[:1], seed=7)
    assert [(r["impl_a"], r["impl_b"]) for r in rows] == list(CONTRACT_PAIRS)
    assert {(r["status"], r["cause"], r["seed"], r["dtype"], r["kwargs"], r["max_abs"]) for r in rows} == {
        ("match", "", 7, "", "", "")}


def test_a_selection_covers_its_concepts_and_the_functions_of_whole_families():
    by_family = concepts_by_family()
    assert {r.concept for r in chosen(["gelu", "mlp_2_4_1"])} == {"gelu"}
    assert {r.concept for r in chosen(by_family["models"])} == {"mlp_forward"}
    assert {r.concept for r in chosen(by_family["layers"])} == {
        "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats", "dense_forward"}
    assert chosen([c for cs in by_family.values() for c in cs]) == TABLE


def test_parity_list_counts_the_bad_input_rows_a_selection_writes():
    from parity_tests.selection import Selection
    from parity_tests.views.catalog import bad_input_rows
    gelu = len(chosen(["gelu"]))
    assert gelu >= 3 and bad_input_rows(Selection(concepts=("gelu",))) == 2 * gelu
    assert bad_input_rows(Selection(concepts=("gelu",), pairs=("numpy~keras",))) == gelu
    assert bad_input_rows(Selection(pairs=("torch~keras",))) == bad_input_rows(Selection(dtypes=("float32",))) == 0
