"""Update-rule trajectories: the harness catches a broken rule at its first step, and the SGD-family
conventions are pinned against the installed frameworks."""
import dataclasses
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import reference_numpy.optimizers_sgd as n

from parity_tests.case import Run
from parity_tests.cases import optimizers_adam, optimizers_adaptive, optimizers_large_batch, optimizers_sgd
from parity_tests.cases.optimizers_sgd import RULES
from parity_tests.conventions import convention
from parity_tests.trajectory import STEPS, Rule, _keras_state_lists, execute, run_keras_batch

SEED = 11
SGD, MOMENTUM = RULES[0], RULES[1]


def _rows(rule, variant="aligned", dtype="float64", regime="open_loop", kwargs=None):
    kwargs = {**rule.required, **(rule.aligned[0] if kwargs is None else kwargs)}
    return execute(Run(rule, variant, kwargs, dtype, regime), SEED)


def test_rows_carry_the_first_divergent_step_and_the_steps_columns():
    rows = _rows(MOMENTUM, variant="defaults", kwargs={})
    row = next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"], r["inputs"]) ==
               ("torch", "keras", "params", "typical"))
    assert row["status"] == "expected" and row["first_step"] == 1 and "defaults.lr" in row["cause"]
    assert row["abs_step_1"] > 0 and row["abs_step_last"] >= row["abs_step_10"] > 0
    assert {r["inputs"] for r in rows} == {"typical", "grads_1e-6"}


def test_a_broken_numpy_rule_fails_from_its_first_step():
    def broken_sgd(**kwargs):
        return n.sgd(**{**kwargs, "lr": kwargs.get("lr", 1e-3) * 1.001})  # a wrong constant
    rule = Rule("optimizers", "momentum", broken_sgd, MOMENTUM.torch, MOMENTUM.keras, state=MOMENTUM.state,
                required=MOMENTUM.required, aligned=MOMENTUM.aligned)
    failed = [r for r in _rows(rule) if r["status"] == "FAIL"]
    assert {(r["impl_a"], r["quantity"]) for r in failed} >= {("numpy[torch]", "params"), ("numpy[keras]", "params")}
    first = {r["inputs"]: r["first_step"] for r in failed if (r["impl_a"], r["quantity"]) == ("numpy[torch]", "params")}
    assert first["typical"] == 1  # at scale 1e-6 a 0.1% lr error stays below atol: no FAIL there is right


def test_closed_loop_differentiates_each_frameworks_own_loss():
    rows = _rows(SGD, regime="closed_loop")
    assert {r["inputs"] for r in rows} == {"closed_loop"} and all(r["status"] == "match" for r in rows)
    assert all(r["n"] == STEPS * 12 for r in rows)


def test_sgd_defaults_are_the_frameworks_own():
    torch_sig, keras_sig = inspect.signature(torch.optim.SGD).parameters, inspect.signature(keras.optimizers.SGD).parameters
    assert torch_sig["lr"].default == convention("sgd", "torch").defaults["lr"]
    assert keras_sig["learning_rate"].default == convention("sgd", "keras").defaults["lr"]
    assert keras_sig["momentum"].default == torch_sig["momentum"].default == 0


def test_keras_rounds_momentum_through_float32_and_keeps_lr_in_floatx():
    g = np.array([1.0, -2.0, 0.5])
    previous = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        var, opt = keras.Variable(np.zeros(3), dtype="float64"), keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
        for _ in range(3):
            opt.apply_gradients([(tf.constant(g), var)])
        assert opt.learning_rate.dtype == "float64"
    finally:
        keras.config.set_floatx(previous)
    assert convention("momentum", "keras").formula["constant_dtype"] == "float32"
    for constant_dtype, equal in (("float32", True), (None, False)):
        opt_np = n.sgd(lr=0.05, momentum=0.9, momentum_form="keras", weight_decay_form="decoupled",
                       constant_dtype=constant_dtype)
        params, state = (np.zeros(3),), opt_np.init((np.zeros(3),))
        for _ in range(3):
            params, state = opt_np.update((g,), state, params)
        assert np.array_equal(var.numpy(), params[0]) is equal


def test_torch_momentum_buffer_starts_as_a_copy_of_the_gradient():
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    p.grad = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    opt.step()
    assert torch.equal(opt.state[p]["momentum_buffer"], p.grad)  # no dampening on the first step


@pytest.mark.parametrize("kwargs, name", [({"lr": -1.0}, "lr"), ({"momentum": 1.5}, "momentum"),
                                          ({"nesterov": True}, "nesterov")])
def test_bad_hyperparameters_are_rejected_alike(kwargs, name):
    for fn in (SGD.numpy, SGD.torch, SGD.keras):
        with pytest.raises(ValueError, match=name):
            fn(**kwargs)


ALL_RULES = (optimizers_sgd.RULES + optimizers_adam.RULES + optimizers_adaptive.RULES
             + optimizers_large_batch.RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.concept)
def test_every_rules_keras_state_names_a_state_list_of_its_optimizer(rule):
    """The Keras half of ``Rule.state`` is the optimizer's list attribute (no variable-name suffix)."""
    variables = [keras.Variable(np.zeros((3, 4)), dtype="float32", name="w")]
    opt = rule.keras(**{**rule.required, **rule.aligned[0]})
    opt.build(variables)
    lists = _keras_state_lists(opt)
    for _, attribute in rule.state.values():
        assert lists[attribute] is getattr(opt, attribute)
        assert lists[attribute][opt._get_variable_index(variables[0])].shape[-1] in (3, 4)


@pytest.mark.parametrize("attribute", ["momentum", "_momentums", "momentumss"])  # old suffix, Adam's, a typo
def test_a_misspelt_keras_state_list_is_an_error_naming_the_rule_and_the_attribute(attribute):
    rule = dataclasses.replace(MOMENTUM, state={"momentum": ("momentum_buffer", attribute)})
    rows = _rows(rule)
    keras_rows = [r for r in rows if "keras" in (r["impl_a"], r["impl_b"])]
    assert keras_rows and {r["status"] for r in keras_rows} == {"ERROR"}
    for row in keras_rows:  # the params rows too: the Keras run as a whole is refused, nothing half-compared
        assert "optimizers/momentum" in row["cause"] and repr(attribute) in row["cause"], row["cause"]
        assert "its state lists: momentums" in row["cause"]  # the list SGD does have
    assert all(r["status"] == "match" for r in rows if "keras" not in (r["impl_a"], r["impl_b"]))


def test_a_misspelt_state_list_errs_only_its_own_rule_in_a_keras_batch():
    bad = dataclasses.replace(MOMENTUM, concept="nesterov", state={"momentum": ("momentum_buffer", "momentum")})
    runs = [Run(rule, "aligned", {**rule.required, **rule.aligned[0]}, "float64", "open_loop")
            for rule in (MOMENTUM, bad)]
    good, broken = (run_keras_batch(runs, SEED)[run.id] for run in runs)
    assert isinstance(good, dict) and ("typical", "state_momentum") in good
    assert isinstance(broken, ValueError) and "rule optimizers/nesterov" in str(broken)
