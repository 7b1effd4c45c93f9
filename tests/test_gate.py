"""The gate (``make parity``): every concept of every family runs in it, and a broken update rule, layer backward
or argument check fails it."""
import csv
import dataclasses

import reference_numpy.optimizers_adam as na
from reference_numpy.optimizers_common import Optimizer

from parity_tests import suite
from parity_tests.case import expand
from parity_tests.cases import ALL_CASES, ALL_INITS, ALL_ROWS, ALL_RULES, ALL_TRAININGS
from parity_tests.cli import main
from parity_tests.pool import claim_in


def test_the_gate_runs_every_concept_of_every_family():
    for rows in (ALL_CASES, ALL_RULES, ALL_INITS, ALL_TRAININGS):
        runs, _ = expand(rows)
        assert {r.case.concept for r in runs if suite.in_gate(r)} == {r.case.concept for r in runs}


def test_the_gate_runs_the_diagonal_corners_and_one_aligned_set_of_the_traced_loop_families():
    runs, _ = expand(ALL_ROWS)
    gated = [r for r in runs if suite.in_gate(r)]
    slow = [r for r in gated if r.case.family in suite.SLOW_FAMILIES]
    assert {(r.variant, r.dtype, r.index) for r in slow} == {("aligned", "float64", 0)}
    assert {r.case.concept for r in slow} == {r.case.concept for r in runs if r.case.family in suite.SLOW_FAMILIES}
    assert {(r.variant, r.dtype) for r in gated} == set(suite.GATE_CORNERS)


def _adam_with_bias_correction_exponent_off_by_one(**kwargs):
    opt = na.adam(**kwargs)

    def update(grads, state, params):  # bias corrections 1 - beta^(t+1) instead of 1 - beta^t
        new_params, new_state = opt.update(grads, state._replace(step=state.step + 1), params)
        return new_params, new_state._replace(step=state.step + 1)
    return Optimizer(opt.init, update)


def test_breaking_one_numpy_update_rule_fails_the_gate(monkeypatch, tmp_path):
    broken = tuple(dataclasses.replace(r, numpy=_adam_with_bias_correction_exponent_off_by_one)
                   if r.concept == "adam" else r for r in ALL_RULES)
    monkeypatch.setattr(suite, "ALL_RULES", broken)
    # one process: a worker would not see the monkeypatch
    assert main(["--fast", "--concept", "adam", "--out", str(tmp_path), "--jobs", "1"]) == 1
    with open(tmp_path / "divergence.csv") as f:
        failed = [r for r in csv.DictReader(f) if r["status"] == "FAIL"]
    assert {(r["concept"], r["impl_a"], r["first_step"]) for r in failed if r["quantity"] == "params"} >= {
        ("adam", "numpy[torch]", "1"), ("adam", "numpy[keras]", "1")}


def test_breaking_one_numpy_layer_backward_fails_the_gate_and_names_the_layer(monkeypatch, tmp_path):
    import reference_numpy.models as nm
    original = nm.dense_backward

    def broken(dz, cache, **kwargs):  # the second layer's dW off by 0.1%
        dx, dW, db = original(dz, cache, **kwargs)
        return dx, dW * (1.001 if dW.shape == (4, 1) else 1.0), db
    monkeypatch.setattr(nm, "dense_backward", broken)
    argv = ["--fast", "--concept", "mlp_2_4_1", "--concept", "mlp_2_4_1/sgd", "--out", str(tmp_path), "--jobs", "1"]
    assert main(argv) == 1
    with open(tmp_path / "divergence.csv") as f:
        failed = [r for r in csv.DictReader(f) if r["status"] == "FAIL" and r["impl_a"] == "numpy[torch]"]
    assert {r["quantity"] for r in failed if r["family"] == "models"} == {"grad_W2"}
    first = {r["quantity"]: r["first_step"] for r in failed if r["family"] == "training" and r["inputs"] == "tape"}
    assert first["grad_W2"] == first["W2"] == "1"


def test_loosening_one_numpy_argument_check_fails_the_gate_on_its_bad_input_row(monkeypatch, tmp_path):
    import reference_numpy.initializers as ni
    original = ni.check_number
    monkeypatch.setattr(ni, "check_number", lambda value, name, positive=False: original(value, name))
    assert main(["--fast", "--concept", "glorot_normal", "--out", str(tmp_path), "--jobs", "1"]) == 1
    with open(tmp_path / "divergence.csv") as f:
        failed = [r for r in csv.DictReader(f) if r["status"] in ("FAIL", "ERROR")]
    assert {(r["variant"], r["inputs"], r["impl_a"], r["impl_b"], r["status"]) for r in failed} == {
        ("bad_input", inputs, "numpy", fw, "FAIL") for fw in ("torch", "keras")
        for inputs in ("gain infinite", "gain negative")}  # rejected with other words; accepted
    assert all("worded differently: numpy: gain must be finite and in (-inf" in r["cause"]
               for r in failed if r["inputs"] == "gain infinite")


def test_each_unit_is_claimed_by_exactly_one_process(tmp_path):
    first, second = claim_in(tmp_path), claim_in(tmp_path)
    taken = [(first(i), second(i)) for i in range(5)]
    assert all(a != b for a, b in taken) and all(a for a, _ in taken)


def test_two_processes_sharing_the_pool_write_the_one_process_report(tmp_path):
    concepts = [a for c in ("gelu", "sgd", "mlp_2_4_1/sgd", "glorot_normal") for a in ("--concept", c)]
    for jobs in ("1", "2"):
        assert main(["--fast", *concepts, "--out", str(tmp_path / jobs), "--jobs", jobs]) == 0
    assert (tmp_path / "1" / "divergence.csv").read_bytes() == (tmp_path / "2" / "divergence.csv").read_bytes()
