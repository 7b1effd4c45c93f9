"""Adam-family update rules (Adam, AMSGrad, AdamW, NAdam, Adamax, RAdam, AdaBelief): the conventions are
pinned against the installed frameworks -- defaults read from their signatures, every formula switch against
short trajectories (Keras bit for bit in float64, torch to 1e-13) -- closed-form first steps show where each
puts epsilon, bad hyperparameters are rejected alike, and the group's gaps name their convention."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.optimizers_adam as k
import reference_numpy.optimizers_adam as n
import torch_impl.optimizers_adam as t

from parity_tests.case import Run
from parity_tests.cases.optimizers_adam import RULES
from parity_tests.conventions import convention
from parity_tests.trajectory import _keras_state_lists, execute

RULE = {rule.concept: rule for rule in RULES}
CONCEPTS = tuple(RULE)
RNG = np.random.default_rng(7)
# One parameter, two rows: gradients at scale 1 and at 1e-6 (where epsilon placement dominates).
GRADS = RNG.standard_normal((25, 2, 5)) * np.array([1.0, 1e-6])[:, None]
P0 = RNG.standard_normal((2, 5))
HYPER = {"lr": 0.01, "eps": 1e-8, "weight_decay": 0.01}
KWARGS = {c: {**RULE[c].required, **HYPER, **({"momentum_decay": 1.0} if c == "nadam" else {}),
              **({"eps": 1e-16} if c == "adabelief" else {})} for c in CONCEPTS}


def _numpy_steps(concept, framework, dtype="float64", flip=None, **kwargs):
    """(params per step, final state) of the NumPy reference under ``framework``'s convention."""
    numpy_kwargs = convention(concept, framework).numpy_kwargs({**KWARGS[concept], **kwargs})
    numpy_kwargs = {key: dtype if v == "floatx" else v for key, v in {**numpy_kwargs, **(flip or {})}.items()}
    opt = RULE[concept].numpy(**numpy_kwargs)
    params, out = (P0.astype(dtype),), []
    state = opt.init(params)
    for g in GRADS.astype(dtype):
        params, state = opt.update((g,), state, params)
        out.append(params[0])
    return np.stack(out), state


def _torch_steps(concept, dtype="float64", **kwargs):
    p = torch.tensor(P0.astype(dtype), requires_grad=True)
    opt, out = RULE[concept].torch(**{**KWARGS[concept], **kwargs})([p]), []
    for g in GRADS.astype(dtype):
        p.grad = torch.from_numpy(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.stack(out), opt.state[p]


def _keras_steps(concept, **kwargs):
    """(params per step, {state list attribute: value}) run eagerly in float64 with floatx float64."""
    previous = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        var, out = keras.Variable(P0, dtype="float64", name="w"), []
        opt = RULE[concept].keras(**{**KWARGS[concept], **kwargs})
        opt.build([var])
        for g in GRADS:
            opt.apply_gradients([(tf.constant(g), var)])
            out.append(var.numpy())
        return np.stack(out), {name: entries[0].numpy() for name, entries in _keras_state_lists(opt).items()}
    finally:
        keras.config.set_floatx(previous)


def _rel(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


# ---------------------------------------------------------------- defaults, read from the frameworks

def _signature(cls):
    return {name: p.default for name, p in inspect.signature(cls).parameters.items()}


TORCH_BUILTINS = {"adam": torch.optim.Adam, "amsgrad": torch.optim.Adam, "adamw": torch.optim.AdamW,
                  "nadam": torch.optim.NAdam, "adamax": torch.optim.Adamax, "radam": torch.optim.RAdam}
KERAS_BUILTINS = {"adam": keras.optimizers.Adam, "amsgrad": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW,
                  "nadam": keras.optimizers.Nadam, "adamax": keras.optimizers.Adamax}


@pytest.mark.parametrize("concept", sorted(TORCH_BUILTINS))
def test_torch_defaults_are_torch_optims(concept):
    sig, table = _signature(TORCH_BUILTINS[concept]), convention(concept, "torch").defaults
    assert (sig["lr"], sig["eps"], sig["weight_decay"]) == (table["lr"], table["eps"], table["weight_decay"])
    assert sig["betas"] == (table["beta1"], table["beta2"])
    assert sig.get("amsgrad", False) is table.get("amsgrad", False)
    assert sig.get("momentum_decay") == table.get("momentum_decay")


@pytest.mark.parametrize("concept", sorted(KERAS_BUILTINS))
def test_keras_defaults_are_keras_optimizers(concept):
    sig, table = _signature(KERAS_BUILTINS[concept]), convention(concept, "keras").defaults
    assert (sig["learning_rate"], sig["beta_1"], sig["beta_2"], sig["epsilon"]) == \
        (table["lr"], table["beta1"], table["beta2"], table["eps"])
    assert (sig["weight_decay"] or 0.0) == table["weight_decay"]  # None (off) except AdamW's 0.004
    assert sig.get("amsgrad", False) is table.get("amsgrad", False)
    assert "momentum_decay" not in sig  # Nadam's schedule is fixed (0.96^t): momentum_decay 1.0 in torch's terms


def test_the_ports_fill_real_gaps_with_their_sources_defaults():
    assert not hasattr(torch.optim, "AdaBelief") and not {"RAdam", "AdaBelief"} & set(dir(keras.optimizers))
    assert _signature(t._AdaBelief)["eps"] == convention("adabelief", "torch").defaults["eps"] == 1e-16
    assert _signature(k._RAdam)["epsilon"] == convention("radam", "keras").defaults["eps"] == 1e-7
    assert convention("adabelief", "keras").defaults["eps"] == 1e-14  # tfa.optimizers.AdaBelief


# ---------------------------------------------------------------- formula switches against the frameworks

def _differing_flips(concept):
    """Each formula key whose Keras value differs from torch's, as the flip back to torch's value."""
    tf_, kf = convention(concept, "torch").formula, convention(concept, "keras").formula
    return [{key: tf_[key]} for key in kf if kf[key] != tf_[key] and key != "lr_dtype"]


@pytest.mark.parametrize("concept", CONCEPTS)
def test_keras_is_reproduced_bit_for_bit_and_every_switch_matters(concept):
    params, variables = _keras_steps(concept)
    expected, state = _numpy_steps(concept, "keras")
    np.testing.assert_array_equal(params, expected)
    for field, (_, attribute) in RULE[concept].state.items():
        np.testing.assert_array_equal(variables[attribute], getattr(state, field)[0])
    for flip in _differing_flips(concept):
        if flip.get("schedule_dtype", "float32") != "float64":  # float64 Python floats = float64 values here
            flipped, flipped_state = _numpy_steps(concept, "keras", flip=flip)
            same_state = all(np.array_equal(a, b) for a, b in zip(state[1:], flipped_state[1:]))
            assert not (np.array_equal(params, flipped) and same_state), flip


@pytest.mark.parametrize("concept", CONCEPTS)
def test_torch_is_reproduced_and_its_formula_switches_matter(concept):
    params, torch_state = _torch_steps(concept)
    expected, state = _numpy_steps(concept, "torch")
    assert _rel(expected, params) < 1e-13  # CPU kernels fuse multiply-adds: equal up to rounding
    for field, (key, _) in RULE[concept].state.items():
        assert _rel(getattr(state, field)[0], torch_state[key].numpy()) < 1e-13
    visible = {"eps_form", "weight_decay_form", "mu_product_dtype"}
    for key, value in ((k_, v) for flip in _differing_flips(concept) for k_, v in flip.items() if k_ in visible):
        keras_value = convention(concept, "keras").formula[key]
        assert _rel(_numpy_steps(concept, "torch", flip={key: keras_value})[0], params) > 1e-11, key


def test_torch_computes_the_schedule_in_python_floats():
    """float32 parameters: bias corrections as Python floats (schedule_dtype="float64") track torch ~100x
    closer than the same arithmetic in float32."""
    params, _ = _torch_steps("adam", dtype="float32", weight_decay=0.0)
    as_torch = _rel(_numpy_steps("adam", "torch", "float32", weight_decay=0.0)[0], params)
    in_float32 = _rel(_numpy_steps("adam", "torch", "float32", flip={"schedule_dtype": None}, weight_decay=0.0)[0],
                      params)
    assert 20 * as_torch < in_float32


def test_torch_nadam_keeps_its_momentum_product_in_float32():
    _, state = _torch_steps("nadam")
    assert torch.get_default_dtype() == torch.float32
    assert state["mu_product"].dtype == torch.float32
    assert convention("nadam", "torch").formula["mu_product_dtype"] == "float32"
    _, numpy_state = _numpy_steps("nadam", "torch")
    assert numpy_state.mu_product == state["mu_product"].item()


def test_keras_nadam_is_torch_nadam_with_momentum_decay_one():
    keras_params, _ = _keras_steps("nadam", weight_decay=0.0)
    aligned = _torch_steps("nadam", weight_decay=0.0, momentum_decay=1.0)[0]
    assert _rel(aligned, keras_params) < 1e-7  # what remains: float32-rounded betas, float32 product
    assert _rel(_torch_steps("nadam", weight_decay=0.0, momentum_decay=4e-3)[0], keras_params) > 1e-3


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_amsgrad_keeps_the_running_max_of_the_raw_second_moment(framework):
    history = {"v": [], "v_max": []}
    p = torch.tensor(P0, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01, amsgrad=True) if framework == "torch" else \
        keras.optimizers.Adam(learning_rate=0.01, amsgrad=True)
    var = keras.Variable(P0, dtype="float64", name="w")
    for g in GRADS:
        if framework == "torch":
            p.grad = torch.from_numpy(g)
            opt.step()
            v, v_max = opt.state[p]["exp_avg_sq"].numpy(), opt.state[p]["max_exp_avg_sq"].numpy()
        else:
            opt.apply_gradients([(tf.constant(g), var)])
            v, v_max = opt._velocities[0].numpy(), opt._velocity_hats[0].numpy()
        history["v"].append(v.copy()), history["v_max"].append(v_max.copy())
    np.testing.assert_array_equal(np.maximum.accumulate(history["v"]), history["v_max"])


# ---------------------------------------------------------------- closed forms: where epsilon goes

def test_first_adam_step_puts_epsilon_after_or_before_the_bias_correction():
    """Step 1 from zero state: torch moves lr g/(|g| + eps); Keras lr g/(|g| + eps/sqrt(1 - beta2)), times the
    float32 rounding of its bias corrections (ops.cast(beta)) and of its floatx learning rate."""
    g, lr, eps, beta1, beta2 = np.array([1e-6, -3e-6, 1.0]), 0.01, 1e-8, 0.9, 0.999
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = t.adam(lr=lr, eps=eps)([p])
    p.grad = torch.from_numpy(g)
    opt.step()
    np.testing.assert_allclose(-p.detach().numpy(), lr * g / (np.abs(g) + eps), rtol=1e-12)
    var = keras.Variable(np.zeros(3), dtype="float64")
    k.adam(lr=lr, eps=eps).apply_gradients([(tf.constant(g), var)])
    f32 = lambda x: float(np.float32(x))  # noqa: E731
    rounding = np.sqrt((1 - f32(beta2)) / (1 - beta2)) * (1 - beta1) / (1 - f32(beta1)) * f32(lr) / lr
    np.testing.assert_allclose(-var.numpy(), rounding * lr * g / (np.abs(g) + eps / np.sqrt(1 - beta2)), rtol=1e-12)
    assert abs(rounding - 1) > 1e-6  # the rounding alone is visible at float64 tolerance (rtol 1e-7)


def test_adamax_epsilon_lives_in_torchs_norm_and_in_keras_denominator():
    g, eps = np.array([0.0, 1e-6, -2.0]), 1e-8
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = t.adamax(eps=eps)([p])
    p.grad = torch.from_numpy(g)
    opt.step()
    np.testing.assert_allclose(opt.state[p]["exp_inf"].numpy(), np.abs(g) + eps, rtol=1e-15)
    var, keras_opt = keras.Variable(np.zeros(3), dtype="float64", name="w"), k.adamax(eps=eps)
    keras_opt.apply_gradients([(tf.constant(g), var)])
    np.testing.assert_array_equal(keras_opt._u[0].numpy(), np.abs(g))


def test_radam_is_sgd_with_momentum_until_rho_exceeds_five():
    """rho_t = 1, 2.0, 3.0, 4.0, 5.0 (4.996) for beta2 = 0.999: five unrectified steps in both, then Adam-like."""
    steps = _torch_steps("radam", weight_decay=0.0)[0]
    keras_steps = _keras_steps("radam", weight_decay=0.0)[0]
    m, p = np.zeros_like(P0), P0
    for i, g in enumerate(GRADS[:5], start=1):
        m = 0.9 * m + 0.1 * g
        p = p - 0.01 * m / (1 - 0.9 ** i)
        np.testing.assert_allclose(steps[i - 1], p, rtol=1e-13)
        np.testing.assert_allclose(keras_steps[i - 1], p, rtol=1e-7)  # betas float32-rounded
    assert not np.allclose(steps[5] - steps[4], -0.01 * (0.9 * m + 0.1 * GRADS[5]) / (1 - 0.9 ** 6))


# ---------------------------------------------------------------- bad hyperparameters

BAD = [({"lr": -1.0}, "lr"), ({"lr": float("nan")}, "lr"), ({"beta1": 1.0}, "beta1"), ({"beta2": -0.1}, "beta2"),
       ({"eps": 0.0}, "eps"), ({"weight_decay": -1e-2}, "weight_decay")]
FUNCTIONS = ("adam", "adamw", "nadam", "adamax", "radam", "adabelief")


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("kwargs, argument", BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_hyperparameters_are_rejected_alike(name, kwargs, argument):
    for module in (n, t, k):
        with pytest.raises(ValueError, match=rf"\b{argument}\b"):
            getattr(module, name)(**kwargs)


def test_momentum_decay_is_checked_and_keras_accepts_only_its_fixed_schedule():
    for module in (n, t, k):
        with pytest.raises(ValueError, match=r"\bmomentum_decay\b"):
            module.nadam(momentum_decay=-1.0)
    with pytest.raises(ValueError, match=r"\bmomentum_decay\b"):
        k.nadam(momentum_decay=4e-3)
    assert isinstance(t.nadam(momentum_decay=1.0)([torch.zeros(1, requires_grad=True)]), torch.optim.NAdam)


def test_numpy_rejects_mismatched_gradients():
    opt = n.adam()
    params = (np.zeros((2, 3)),)
    with pytest.raises(ValueError, match="grads"):
        opt.update((np.zeros(3),), opt.init(params), params)
    with pytest.raises(TypeError, match="grads"):
        opt.update((np.zeros((2, 3), dtype=np.float32),), opt.init(params), params)


# ---------------------------------------------------------------- the group's gaps name their convention

@pytest.mark.parametrize("concept, variant, index, dtype, scenario, key", [
    ("amsgrad", "aligned", 0, "float64", "grads_1e-6", "formula.eps_form"),
    ("adam", "aligned", 0, "float64", "typical", "formula.weight_decay_form"),
    ("adam", "defaults", 0, "float64", "typical", "formula.constant_dtype"),
    ("adamw", "defaults", 0, "float32", "typical", "defaults.weight_decay"),
    ("nadam", "defaults", 0, "float32", "typical", "defaults.momentum_decay"),
    ("adamax", "aligned", 1, "float64", "grads_1e-6", "formula.eps_form"),
    ("radam", "aligned", 1, "float64", "grads_1e-6", "formula.eps_form"),
    ("adabelief", "defaults", 0, "float64", "grads_1e-6", "defaults.eps"),
])
def test_gaps_are_expected_and_name_their_convention(concept, variant, index, dtype, scenario, key):
    rule = RULE[concept]
    kwargs = {**rule.required, **(rule.aligned[index] if variant == "aligned" else {})}
    rows = execute(Run(rule, variant, kwargs, dtype, "open_loop", index), 11)
    assert not [r for r in rows if r["status"] in ("FAIL", "ERROR")]
    gaps = [r for r in rows if r["inputs"] == scenario and (r["impl_a"], r["impl_b"]) == ("torch", "keras")
            and r["quantity"] == "params"]
    assert gaps[0]["status"] == "expected" and key in gaps[0]["cause"], gaps[0]["cause"]


@pytest.mark.parametrize("fn, hyperparameters", [(n.adam, n._AdamHyperparameters), (n.nadam, n._NadamHyperparameters),
                                                 (n.adamax, n._AdamaxHyperparameters),
                                                 (n.radam, n._RAdamHyperparameters),
                                                 (n.adabelief, n._AdaBeliefHyperparameters)])
def test_numpy_hyperparameters_are_the_keyword_only_arguments(fn, hyperparameters):
    """Each rule's frozen hyperparameters are its keyword arguments, in order (adamw is adam's, decay decoupled)."""
    parameters = inspect.signature(fn).parameters.values()
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    assert hyperparameters._fields == tuple(p.name for p in parameters)
