"""Lion, LAMB, LARS, Adafactor, Muon: the framework facts the conventions claim, pinned against the installed
torch and Keras (signature defaults and behaviours), and the bad-hyperparameter table of the three packages."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.optimizers_large_batch as k
import reference_numpy.optimizers_large_batch as n
import torch_impl.optimizers_large_batch as t

from parity_tests.case import Run
from parity_tests.cases.optimizers_large_batch import ADAFACTOR_CHAOS, ADAFACTOR_V_NOT_COMPARED, RULES
from parity_tests.conventions import convention
from parity_tests.trajectory import _keras_state_lists, execute

RULE = {r.concept: r for r in RULES}
G = np.random.default_rng(5).standard_normal((4, 3, 4))  # four steps of gradients for one 3x4 parameter
P0 = np.random.default_rng(6).standard_normal((3, 4))


def _sig(fn):
    return {name: p.default for name, p in inspect.signature(fn).parameters.items()}


def _numpy_steps(opt, grads, p0=P0):
    params, state = (p0.copy(),), opt.init((p0,))
    for g in grads:
        params, state = opt.update((g.astype(p0.dtype),), state, params)
    return params[0], state


def _torch_steps(make, grads, p0=P0):
    p = torch.tensor(p0, requires_grad=True)
    opt = make([p])
    for g in grads:
        p.grad = torch.tensor(g, dtype=p.dtype)
        opt.step()
    return p.detach().numpy(), opt.state[p]


def _keras_steps(make, grads, p0=P0, floatx="float64"):
    """``make()`` builds the optimizer under ``floatx``: its learning-rate variable takes that dtype."""
    previous = keras.config.floatx()
    keras.config.set_floatx(floatx)
    try:
        var, opt = keras.Variable(p0, dtype=str(p0.dtype), name="w"), make()
        for g in grads:
            opt.apply_gradients([(tf.constant(g, dtype=p0.dtype), var)])
    finally:
        keras.config.set_floatx(previous)
    return var.numpy(), [(v.path.rsplit("/", 1)[-1], v.numpy()) for v in opt.variables]  # "<name>_<suffix>"


# -- defaults, read from the frameworks ------------------------------------------------------------------------

def test_keras_defaults_are_its_own():
    lion, lamb = _sig(keras.optimizers.Lion), _sig(keras.optimizers.Lamb)
    assert (lion["learning_rate"], lion["beta_1"], lion["beta_2"]) == tuple(
        convention("lion", "keras").defaults[key] for key in ("lr", "beta1", "beta2"))
    assert (lamb["learning_rate"], lamb["epsilon"]) == (convention("lamb", "keras").defaults["lr"],
                                                        convention("lamb", "keras").defaults["eps"])
    ada, kd = _sig(keras.optimizers.Adafactor), convention("adafactor", "keras").defaults
    assert (ada["learning_rate"], ada["beta_2_decay"], ada["epsilon_1"], ada["epsilon_2"], ada["clip_threshold"]) == \
        (kd["lr"], kd["beta2_decay"], kd["eps1"], kd["eps2"], kd["clip_threshold"])
    muon, md = _sig(keras.optimizers.Muon), convention("muon", "keras").defaults
    assert (muon["learning_rate"], muon["weight_decay"], muon["momentum"], muon["nesterov"], muon["ns_steps"]) == \
        (md["lr"], md["weight_decay"], md["momentum"], md["nesterov"], md["ns_steps"])
    assert (muon["muon_a"], muon["muon_b"], muon["muon_c"]) == md["ns_coefficients"] and muon["rms_rate"] == 0.2
    related = convention("muon", "keras").related
    assert {key: muon[key] for key in ("exclude_embeddings", "adam_lr_ratio", "adam_weight_decay")} == \
        {key: related[key] for key in ("exclude_embeddings", "adam_lr_ratio", "adam_weight_decay")}


def test_torch_defaults_are_its_own():
    ada, td = _sig(torch.optim.Adafactor), convention("adafactor", "torch").defaults
    assert (ada["lr"], ada["beta2_decay"], ada["eps"], ada["d"], ada["weight_decay"]) == \
        (td["lr"], td["beta2_decay"], (td["eps1"], td["eps2"]), td["clip_threshold"], td["weight_decay"])
    muon, md = _sig(torch.optim.Muon), convention("muon", "torch").defaults
    assert {key: muon[key] for key in md} == dict(md)
    assert not hasattr(torch.optim, "Lion") and not hasattr(torch.optim, "Lamb") and not hasattr(torch.optim, "LARS")
    assert not hasattr(keras.optimizers, "LARS")


# -- Lion and LAMB ---------------------------------------------------------------------------------------------

def test_keras_lion_rounds_its_betas_through_float32():
    _, variables = _keras_steps(lambda: keras.optimizers.Lion(learning_rate=0.01), G)
    momentum = dict(variables)["w_momentum"]
    _, state = _numpy_steps(n.lion(lr=0.01, lr_dtype="float64", constant_dtype="float32"), G)
    _, exact = _numpy_steps(n.lion(lr=0.01), G)
    assert np.array_equal(momentum, state.momentum[0]) and not np.array_equal(momentum, exact.momentum[0])


def test_keras_lamb_trust_ratio_is_one_at_zero_parameters():
    zeros, g = np.zeros((3, 4)), G[:1]
    got, _ = _keras_steps(lambda: keras.optimizers.Lamb(learning_rate=0.1), g, p0=zeros)
    # ratio 1: the bare Adam step, -lr * m_hat / (sqrt(v_hat) + eps) ~ -lr * sign(g) (the float32 betas of the bias
    # corrections against the exact 1 - beta of the moments leave a 6e-6 relative bias in float64)
    np.testing.assert_allclose(got, -0.1 * g[0] / (np.abs(g[0]) + 1e-7), rtol=1e-5)
    expected, _ = _numpy_steps(n.lamb(lr=0.1, eps=1e-7, moment_form="increment", weight_decay_form="decoupled",
                                      constant_dtype="float32"), g, zeros)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_keras_lamb_decays_outside_the_trust_ratio():
    got, _ = _keras_steps(lambda: keras.optimizers.Lamb(learning_rate=0.05, weight_decay=0.5), G)
    kw = dict(lr=0.05, eps=1e-7, weight_decay=0.5, moment_form="increment", constant_dtype="float32")
    np.testing.assert_allclose(got, _numpy_steps(n.lamb(**kw, weight_decay_form="decoupled"), G)[0], rtol=1e-12)
    assert np.abs(got - _numpy_steps(n.lamb(**kw, weight_decay_form="trust_ratio"), G)[0]).max() > 1e-3


# -- Adafactor -------------------------------------------------------------------------------------------------

def test_keras_adafactor_relative_step_false_changes_nothing():
    related = convention("adafactor", "keras").related
    assert _sig(keras.optimizers.Adafactor)["relative_step"] is related["relative_step"]
    on, _ = _keras_steps(lambda: keras.optimizers.Adafactor(learning_rate=1.0, relative_step=True), G)
    off, _ = _keras_steps(lambda: keras.optimizers.Adafactor(learning_rate=1.0, relative_step=False), G)
    assert np.array_equal(on, off)  # rho_t = min(lr, 1/sqrt(t)) is taken again whatever the flag


def test_torch_adafactor_eps1_none_clamps_at_machine_epsilon():
    p0, g = P0.astype(np.float32), (G * 1e-6).astype(np.float32)  # mean(g^2) ~ 1e-12 < finfo(float32).eps
    got, _ = _torch_steps(t.adafactor(), g, p0)
    np.testing.assert_allclose(got, _numpy_steps(n.adafactor(), g, p0)[0], rtol=2e-6, atol=1e-6)
    keras_form, _ = _numpy_steps(n.adafactor(eps1=1e-30, eps1_form="add", rms_param="decayed"), g, p0)
    assert np.abs(got - keras_form).max() > 1e-3


def test_adafactor_reads_rms_before_the_decay_in_torch_and_after_it_in_keras():
    torch_p, _ = _torch_steps(t.adafactor(lr=0.5, weight_decay=0.5), G[:1])
    keras_p, _ = _keras_steps(lambda: k.adafactor(lr=0.5, weight_decay=0.5), G[:1])
    common = dict(lr=0.5, weight_decay=0.5, eps1=1e-30)
    undecayed, _ = _numpy_steps(n.adafactor(**{**common, "eps1": None}, rms_param="undecayed"), G[:1])
    decayed, _ = _numpy_steps(n.adafactor(**common, eps1_form="add", rms_param="decayed", decay_form="subtract",
                                          constant_dtype="float32", lr_dtype="float64"), G[:1])
    np.testing.assert_allclose(torch_p, undecayed, rtol=1e-12)
    np.testing.assert_allclose(keras_p, decayed, rtol=1e-12)
    assert np.abs(undecayed - decayed).max() > 1e-3


def test_adafactor_factored_state_means_the_same_but_keras_names_it_without_a_suffix():
    _, state = _torch_steps(t.adafactor(lr=0.05, eps1=1e-30), G)
    _, variables = _keras_steps(lambda: k.adafactor(lr=0.05, eps1=0.0), G)
    factored = [(path, value) for path, value in variables if value.ndim]
    assert [path for path, _ in factored] == ["w", "w", "w_velocity"]  # r, c: no suffix
    _, np_state = _numpy_steps(n.adafactor(lr=0.05, eps1=1e-30), G)
    assert tuple(state["row_var"].shape) == (3, 1) and tuple(state["col_var"].shape) == (1, 4)
    for torch_value, (_, keras_value), numpy_value in ((state["row_var"][:, 0], factored[0], np_state.row[0]),
                                                       (state["col_var"][0], factored[1], np_state.col[0])):
        np.testing.assert_allclose(torch_value.numpy(), numpy_value, rtol=1e-12)
        np.testing.assert_allclose(keras_value, numpy_value, rtol=1e-12)


def test_adafactor_factored_state_is_compared_in_every_pair():
    """R and C are rows of the report (Keras's are located by variable, not by name: see the next test)."""
    rule = RULE["adafactor"]
    assert rule.state == {"row": ("row_var", "_r"), "col": ("col_var", "_c")}
    rows = execute(Run(rule, "aligned", dict(rule.aligned[0]), "float64", "open_loop", 0), 11)
    state = [r for r in rows if r["quantity"] in ("state_row", "state_col")]
    assert {(r["quantity"], r["inputs"], r["impl_a"], r["impl_b"]) for r in state} == {
        (q, s, *pair) for q in ("state_row", "state_col") for s in ("typical", "grads_1e-6")
        for pair in (("numpy[torch]", "torch"), ("numpy[keras]", "keras"), ("torch", "keras"))}
    assert {r["status"] for r in state} == {"match"} and all(r["n"] for r in state)


def test_keras_state_is_located_by_variable_index_not_by_name():
    """Adafactor's _r and _c entries are named after their variable with no suffix, so two variables of one name
    (the harness's are not) and _r / _c themselves are told apart only by position and attribute."""
    variables = [keras.Variable(P0, name="w"), keras.Variable(P0.T.copy(), name="w")]
    opt = k.adafactor()
    opt.build(variables)
    lists = _keras_state_lists(opt)
    assert lists["_r"] is opt._r and lists["_c"] is opt._c and lists["_v"] is opt._v
    assert "velocity" not in lists  # named by attribute only, not by the entries' "w_velocity"
    located = [(lists["_r"][opt._get_variable_index(v)], lists["_c"][opt._get_variable_index(v)]) for v in variables]
    assert [(tuple(r.shape), tuple(c.shape)) for r, c in located] == [((3,), (4,)), ((4,), (3,))]
    assert located[0][0] is not located[0][1] and located[0][0].name == located[0][1].name == "w"


def test_keras_adafactor_v_is_recomputed_from_r_and_c_so_is_not_compared():
    assert "_v" not in {keras_name for _, keras_name in RULE["adafactor"].state.values()}
    assert "_v" in ADAFACTOR_V_NOT_COMPARED
    var, opt = keras.Variable(P0, name="w"), k.adafactor(lr=0.05)
    for g in G:
        opt.apply_gradients([(tf.constant(g), var)])
    r, c, v = (np.asarray(x[0]) for x in (opt._r, opt._c, opt._v))
    np.testing.assert_allclose(v, (r / r.mean())[:, None] * c[None, :], rtol=1e-6)  # V, not state of its own
    _, state = _torch_steps(t.adafactor(lr=0.05), G)
    assert "variance" not in state and {"row_var", "col_var"} <= set(state)  # torch: V only for vectors


@pytest.mark.parametrize("fn, hyperparameters", [(n.lion, n._LionHyperparameters), (n.lamb, n._LambHyperparameters),
                                                 (n.lars, n._LarsHyperparameters),
                                                 (n.adafactor, n._AdafactorHyperparameters),
                                                 (n.muon, n._MuonHyperparameters)])
def test_numpy_hyperparameters_are_the_keyword_only_arguments(fn, hyperparameters):
    parameters = inspect.signature(fn).parameters.values()
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    assert hyperparameters._fields == tuple(p.name for p in parameters)


# -- Muon ------------------------------------------------------------------------------------------------------

def test_torch_muon_orthogonalises_in_bfloat16():
    kw = dict(lr=0.02, weight_decay=0.0, adjust_lr_fn="match_rms_adamw")
    got, _ = _torch_steps(t.muon(**kw), G)  # float64 parameters
    np.testing.assert_allclose(got, _numpy_steps(n.muon(**kw), G)[0], rtol=0, atol=1e-15)  # one bf16 ulp: 1e-5
    assert np.abs(got - _numpy_steps(n.muon(**kw, ns_dtype=None), G)[0]).max() > 1e-5


def test_muon_momentum_is_an_ema_in_torch_and_a_sum_in_keras():
    _, state = _torch_steps(t.muon(), G[:1])
    np.testing.assert_allclose(state["momentum_buffer"].numpy(), (1 - 0.95) * G[0], rtol=1e-15)
    _, variables = _keras_steps(lambda: keras.optimizers.Muon(), G[:1])
    assert np.array_equal(dict(variables)["w_momentum"], G[0])


def test_muon_non_matrix_parameters():
    assert convention("muon", "torch").related["non_2d_parameters"] == "ValueError"
    assert convention("muon", "keras").related["non_2d_parameters"] == "adamw"
    with pytest.raises(ValueError, match="2D"):
        torch.optim.Muon([torch.zeros(4, requires_grad=True)])
    with pytest.raises(ValueError, match="params"):
        _numpy_steps(n.muon(), G[:1, 0], P0[0])
    opt = keras.optimizers.Muon()
    opt.build([keras.Variable(np.zeros(4, np.float32), name="bias"), keras.Variable(P0.astype(np.float32), name="w")])
    paths = {v.path.rsplit("/", 1)[-1] for v in opt.variables}
    assert {"bias_velocity", "bias_momentum", "w_momentum"} <= paths and "w_velocity" not in paths  # 1-D: AdamW


def test_keras_muon_cannot_update_float64_under_float32_floatx():
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError)):
        _keras_steps(lambda: keras.optimizers.Muon(), G[:1], floatx="float32")
    got, _ = _keras_steps(lambda: keras.optimizers.Muon(), G[:1], floatx="float64")  # float64 floatx works
    assert np.isfinite(got).all()


# -- the rows: skips and the bad-input table ------------------------------------------------------------------

def test_adafactor_skips_only_the_chaotic_closed_loop():
    skip = next(s for s in RULE["adafactor"].skips if s.reason == ADAFACTOR_CHAOS)
    rule = RULE["adafactor"]
    assert skip.applies(Run(rule, "aligned", rule.aligned[0], "float64", "closed_loop", 0))
    assert not skip.applies(Run(rule, "aligned", rule.aligned[1], "float64", "closed_loop", 1))
    rows = execute(Run(rule, "aligned", dict(rule.aligned[1]), "float64", "closed_loop", 1), 11)
    assert {r["status"] for r in rows if r["impl_a"].startswith("numpy")} == {"match"}


BAD = {
    "lion": [({"lr": -1.0}, "lr"), ({"beta1": 0.0}, "beta1"), ({"beta2": 1.5}, "beta2"),
             ({"weight_decay": -1.0}, "weight_decay")],
    "lamb": [({"eps": 0.0}, "eps"), ({"beta1": 1.5}, "beta1"), ({"beta2": -0.1}, "beta2")],
    "lars": [({"trust_coefficient": 0.0}, "trust_coefficient"), ({"momentum": 1.5}, "momentum"), ({"lr": -0.1}, "lr")],
    "adafactor": [({"beta2_decay": 0.5}, "beta2_decay"), ({"clip_threshold": 0.5}, "clip_threshold"),
                  ({"eps1": -1.0}, "eps1"), ({"eps2": -1.0}, "eps2")],
    "muon": [({"ns_steps": 0}, "ns_steps"), ({"ns_coefficients": (1.0, 2.0)}, "ns_coefficients"),
             ({"momentum": -0.5}, "momentum"), ({"weight_decay": -1.0}, "weight_decay"),
             ({"adjust_lr_fn": "bogus"}, "adjust_lr_fn")],
}


@pytest.mark.parametrize("concept, kwargs, name", [(c, kw, nm) for c, rows in BAD.items() for kw, nm in rows])
def test_bad_hyperparameters_are_rejected_alike(concept, kwargs, name):
    for fn in (RULE[concept].numpy, RULE[concept].torch, RULE[concept].keras):
        with pytest.raises(ValueError, match=name):
            fn(**kwargs)


@pytest.mark.parametrize("concept, kwargs, name", [("adafactor", {"eps1": None}, "eps1"),
                                                   ("muon", {"eps": 1e-8}, "eps"),
                                                   ("muon", {"adjust_lr_fn": "original"}, "adjust_lr_fn")])
def test_keras_rejects_what_it_cannot_express(concept, kwargs, name):
    RULE[concept].numpy(**kwargs), RULE[concept].torch(**kwargs)  # valid for the reference and torch
    with pytest.raises(ValueError, match=name):
        RULE[concept].keras(**kwargs)
