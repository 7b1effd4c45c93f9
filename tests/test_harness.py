"""Unit tests of the harness itself: metrics, tolerance policy, statuses, report writing, determinism."""
import csv
import math

import numpy as np
import pytest

import keras_impl.activations as ka
import reference_numpy.activations as na
import torch_impl.activations as ta

from parity_tests import report, runner, schema
from parity_tests.case import Case, Run, Skip, expand
from parity_tests.cases import ALL_CASES, ALL_ROWS
from parity_tests.compare import compare, ulp_distance
from parity_tests.inputs import elementwise
from parity_tests.tolerance import DEFAULTS, Override, tolerance_for

SEED = 7


def test_ulp_distance_counts_representable_floats():
    one = np.float32(1.0)
    nxt = np.nextafter(one, np.float32(2))
    assert ulp_distance(np.array([one]), np.array([nxt]))[0] == 1
    one64 = np.array([1.0])
    assert ulp_distance(one64, np.nextafter(one64, 2))[0] == 1  # exact: not rounded through float64
    assert ulp_distance(one64, one64 + 3 * np.spacing(1.0))[0] == 3
    assert ulp_distance(np.array([-np.inf]), np.array([np.inf]))[0] == 2 * 0x7FF0000000000000
    assert ulp_distance(np.array([-0.0]), np.array([0.0]))[0] == 0
    tiny = np.array([np.nextafter(np.float64(0), 1)])
    assert ulp_distance(-tiny, tiny)[0] == 2  # across zero
    assert ulp_distance(np.array([np.nan]), np.array([np.nan]))[0] == 0
    assert math.isinf(ulp_distance(np.array([np.nan]), np.array([1.0]))[0])


def test_compare_uses_torch_testing_rule_and_nan_semantics():
    b = np.array([1.0, 100.0, np.inf, np.nan])
    m = compare(b + np.array([1e-7, 1e-5, 0, 0]), b, atol=1e-7, rtol=1e-7)
    assert m.frac_out == 0  # 1e-7 <= 1e-7 + 1e-7*1 ; 1e-5 <= 1e-7 + 1e-5
    m = compare(np.array([1.0, 1.0]), np.array([1.0, np.nan]), atol=1.0, rtol=1.0)
    assert m.frac_out == 0.5 and math.isinf(m.max_abs)
    with pytest.raises(ValueError, match="shapes differ"):
        compare(np.zeros(2), np.zeros(3), 0, 0)


def test_tolerance_policy_layers_dtype_regime_and_overrides():
    assert tolerance_for("float32", "typical", "forward") == (DEFAULTS["float32"].atol, DEFAULTS["float32"].rtol)
    assert tolerance_for("float64", "tiny", "forward")[0] == 0.0
    undo = Override("restores the dtype's atol", regime="tiny", quantity="grad_x")
    assert tolerance_for("float64", "tiny", "grad_x", (undo,))[0] == DEFAULTS["float64"].atol
    assert tolerance_for("float64", "tiny", "forward", (undo,))[0] == 0.0


def test_every_override_and_skip_has_a_reason():
    for case in ALL_ROWS:
        for item in case.overrides + case.skips:
            assert item.reason.strip(), f"{case.concept}: {item} has no reason"


def _relu_case(**impls):
    fields = dict(numpy=na.relu, torch=ta.relu, keras=ka.relu) | impls
    return Case("activations", "relu", inputs=elementwise(), regimes=("typical",), **fields)


def _rows(case, variant="aligned", dtype="float64"):
    return runner.execute(Run(case, variant, {}, dtype, "typical"), SEED)


def test_crash_in_one_implementation_becomes_error_rows_and_keeps_the_others():
    def boom(x):
        raise RuntimeError("deliberate")
    rows = _rows(_relu_case(torch=boom))
    by_pair = {(r["impl_a"], r["impl_b"], r["quantity"]): r["status"] for r in rows}
    assert by_pair[("numpy[torch]", "torch", "forward")] == "ERROR"
    assert by_pair[("torch", "keras", "grad_x")] == "ERROR"
    assert by_pair[("numpy[keras]", "keras", "forward")] == "match"
    assert "deliberate" in next(r["cause"] for r in rows if r["status"] == "ERROR")


def test_a_result_missing_a_quantity_is_an_error_row_not_a_crash(monkeypatch):
    monkeypatch.setattr(na, "relu_backward", lambda dout, x: ())  # a backward that returns no gradient
    rows = runner.execute(Run(_relu_case(), "aligned", {}, "float64", "typical"), SEED)
    status = {(r["impl_a"], r["impl_b"], r["quantity"]): r["status"] for r in rows}
    assert status[("numpy[torch]", "torch", "grad_x")] == "ERROR"
    assert status[("torch", "keras", "grad_x")] == "match"  # the other rows are still written


def test_gap_not_reproduced_by_numpy_conventions_is_fail():
    def shifted(x):
        return ka.relu(x) + 1e-3  # a keras-side bug: no convention explains it
    rows = _rows(_relu_case(keras=shifted))
    status = {(r["impl_a"], r["impl_b"], r["quantity"]): r for r in rows}
    assert status[("numpy[keras]", "keras", "forward")]["status"] == "FAIL"
    assert status[("torch", "keras", "forward")]["status"] == "FAIL"
    assert "do not reproduce" in status[("torch", "keras", "forward")]["cause"]


def test_wrong_dtype_from_an_implementation_is_fail():
    rows = _rows(_relu_case(torch=lambda x: ta.relu(x).float(), grad_wrt=()))  # forward only: vjp would refuse
    row = next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"]) == ("numpy[torch]", "torch", "forward"))
    assert row["status"] == "FAIL" and "dtypes differ: float64 vs float32" in row["cause"]


def test_expected_rows_name_the_differing_convention():
    leaky = next(c for c in ALL_CASES if c.concept == "leaky_relu")
    rows = _rows(leaky, variant="defaults", dtype="float32")
    row = next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"]) == ("torch", "keras", "forward"))
    assert row["status"] == "expected"
    assert "negative_slope (torch=0.01, keras=0.2)" in row["cause"]
    assert "constant_dtype" not in row["cause"]  # irrelevant in float32: attribution drops it


def test_breaking_a_numpy_backward_fails_and_names_concept_and_quantity(monkeypatch, tmp_path):
    from parity_tests.cli import main
    def wrong(dout, x):
        s = na.sigmoid(x)
        return dout * s * (1 - s) * 1.01  # a wrong constant
    monkeypatch.setattr(na, "sigmoid_backward", wrong)
    # one process: a worker would not see the monkeypatch
    assert main(["--concept", "sigmoid", "--out", str(tmp_path), "--seed", str(SEED), "--jobs", "1"]) == 1
    with open(tmp_path / "divergence.csv") as f:
        failed = [r for r in csv.DictReader(f) if r["status"] == "FAIL"]
    assert failed and {(r["concept"], r["quantity"]) for r in failed} == {("sigmoid", "grad_x")}
    assert any(r["impl_b"] == "finite_diff" for r in failed)


def test_same_seed_gives_identical_rows():
    case = next(c for c in ALL_CASES if c.concept == "gelu")
    runs = [Run(case, "aligned", {"approximate": "tanh"}, "float32", regime) for regime in case.all_regimes]
    assert [runner.execute(r, SEED) for r in runs] == [runner.execute(r, SEED) for r in runs]


def test_skips_are_row_fields_and_reported():
    case = _relu_case(skips=(Skip("demonstration", dtype="float32"),))
    runs, skipped = expand([case])
    assert {r.dtype for r in runs} == {"float64"} and len(skipped) == len(runs)


def test_csv_is_written_atomically(tmp_path, monkeypatch):
    path = tmp_path / "divergence.csv"
    path.write_text("previous report\n")
    rows = _rows(_relu_case())
    monkeypatch.setattr(report, "_cell", lambda v: 1 / 0)  # crash half-way through writing
    with pytest.raises(ZeroDivisionError):
        report.write_csv(rows, path)
    assert path.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["divergence.csv"]


def test_csv_has_every_column_and_a_row_per_check(tmp_path):
    rows = _rows(_relu_case())
    report.write_csv(rows, tmp_path / "d.csv")
    with open(tmp_path / "d.csv") as f:
        written = list(csv.DictReader(f))
    assert len(written) == len(rows) == 3 * 2
    assert tuple(written[0]) == schema.COLUMNS
    assert {"family", "concept", "variant", "dtype", "inputs", "impl_a", "impl_b", "quantity", "max_abs", "max_rel",
            "max_ulp", "atol", "rtol", "status", "cause", "seed"} <= set(schema.COLUMNS)


def _loss_row(concept, variant, dtype, kwargs, pair, quantity):
    case = next(c for c in ALL_CASES if c.concept == concept)
    rows = runner.execute(Run(case, variant, kwargs, dtype, "typical"), SEED)
    return next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"]) == (*pair, quantity))


def test_a_shape_gap_reproduced_by_the_conventions_is_expected():
    row = _loss_row("mse", "aligned", "float32", {"reduction": "none", "dtype": None}, ("torch", "keras"), "forward")
    assert row["status"] == "expected" and "shapes differ" in row["cause"]
    assert "unreduced (torch='elementwise', keras='per_sample')" in row["cause"]
    assert _loss_row("mse", "aligned", "float32", {"reduction": "none", "dtype": None},
                     ("numpy[keras]", "keras"), "forward")["status"] == "match"


def test_keras_float32_compute_in_a_float64_run_is_expected_with_its_cause():
    row = _loss_row("mae", "defaults", "float64", {}, ("torch", "keras"), "forward")
    assert row["status"] == "expected" and "dtypes differ: float64 vs float32" in row["cause"]
    assert "dtype (torch=None, keras='float32')" in row["cause"]


def test_grad_wrt_must_lead_the_inputs_in_order():
    """A builder that puts a non-differentiated input first is refused by name, never differentiated silently."""
    from dataclasses import replace

    from parity_tests.case import split_inputs
    from parity_tests.cases import ALL_CASES
    case = next(c for c in ALL_CASES if c.concept == "mse")
    inputs = {"y_pred": np.ones(2), "y_true": np.zeros(2)}
    primals, constants = split_inputs(case, inputs)
    assert (len(primals), len(constants)) == (len(case.grad_wrt), 2 - len(case.grad_wrt))
    swapped = dict(reversed(list(inputs.items())))
    with pytest.raises(ValueError, match=r"grad_wrt .* must lead the inputs"):
        split_inputs(case, swapped)
    with pytest.raises(ValueError, match="grad_wrt"):
        split_inputs(replace(case, grad_wrt=("y_true",)), inputs)
