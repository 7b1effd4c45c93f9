"""Adaptive update rules (Adagrad, RMSprop, Adadelta): the conventions are pinned against the installed
frameworks -- defaults read from their signatures, formula switches against single steps -- and bad
hyperparameters are rejected alike by the three packages."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.optimizers_adaptive as k
import reference_numpy.optimizers_adaptive as n
import torch_impl.optimizers_adaptive as t

from parity_tests.case import Run
from parity_tests.cases.optimizers_adaptive import RULES
from parity_tests.conventions import convention
from parity_tests.trajectory import execute

SEED = 11
RULE = {rule.concept: rule for rule in RULES}
RNG = np.random.default_rng(5)
GRADS, P0 = RNG.standard_normal((4, 6)), RNG.standard_normal(6)


def _numpy_steps(opt, grads=GRADS, p0=P0):
    params, state = (p0,), opt.init((p0,))
    for g in grads:
        params, state = opt.update((g,), state, params)
    return params[0], state


def _torch_steps(make, grads=GRADS, p0=P0):
    p = torch.tensor(p0, requires_grad=True)
    opt = make([p])
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
    return p.detach().numpy(), {key: v.numpy() for key, v in opt.state[p].items()}


def _keras_steps(make, grads=GRADS, p0=P0, floatx="float64"):
    """(parameter, {state suffix: value}) after ``grads``; the optimizer is made under ``floatx``."""
    previous = keras.config.floatx()
    try:
        keras.config.set_floatx(floatx)
        opt, var = make(), keras.Variable(p0, dtype=p0.dtype.name, name="w")
        opt.build([var])
        for g in grads:
            opt.apply_gradients([(tf.constant(g), var)])
        return var.numpy(), {v.path.rsplit("/", 1)[-1].removeprefix("w_"): v.numpy() for v in opt.variables}
    finally:
        keras.config.set_floatx(previous)


def _numpy_rule(concept, framework, dtype="float64", **kwargs):
    """The NumPy reference under ``framework``'s convention ("floatx" resolved to ``dtype``)."""
    numpy_kwargs = convention(concept, framework).numpy_kwargs(kwargs)
    return RULE[concept].numpy(**{key: dtype if v == "floatx" else v for key, v in numpy_kwargs.items()})


# (concept, framework class, {suite name: framework parameter name}) for every default the table records.
SIGNATURES = [
    ("adagrad", "torch", torch.optim.Adagrad, {"lr": "lr", "lr_decay": "lr_decay", "weight_decay": "weight_decay",
                                                "initial_accumulator_value": "initial_accumulator_value",
                                                "eps": "eps"}),
    ("adagrad", "keras", keras.optimizers.Adagrad, {"lr": "learning_rate", "eps": "epsilon",
                                                    "initial_accumulator_value": "initial_accumulator_value"}),
    ("rmsprop", "torch", torch.optim.RMSprop, {"lr": "lr", "rho": "alpha", "eps": "eps", "momentum": "momentum",
                                               "centered": "centered", "weight_decay": "weight_decay"}),
    ("rmsprop", "keras", keras.optimizers.RMSprop, {"lr": "learning_rate", "rho": "rho", "eps": "epsilon",
                                                    "momentum": "momentum", "centered": "centered"}),
    ("adadelta", "torch", torch.optim.Adadelta, {"lr": "lr", "rho": "rho", "eps": "eps",
                                                 "weight_decay": "weight_decay"}),
    ("adadelta", "keras", keras.optimizers.Adadelta, {"lr": "learning_rate", "rho": "rho", "eps": "epsilon"}),
]


@pytest.mark.parametrize("concept, framework, cls, names", SIGNATURES, ids=lambda x: getattr(x, "__name__", None))
def test_defaults_are_the_frameworks_own(concept, framework, cls, names):
    signature = inspect.signature(cls).parameters
    for ours, theirs in names.items():
        assert signature[theirs].default == convention(concept, framework).defaults[ours], f"{cls.__name__}({theirs})"
    if framework == "keras":  # Keras: weight_decay=None means none
        assert signature["weight_decay"].default is None and convention(concept, "keras").defaults["weight_decay"] == 0


@pytest.mark.parametrize("concept, kwargs", [("adagrad", {"lr": 0.1, "eps": 1e-3, "initial_accumulator_value": 0.0}),
                                             ("rmsprop", {"lr": 0.1, "eps": 1e-3, "rho": 0.9})])
def test_epsilon_is_outside_the_root_in_torch_and_inside_in_keras(concept, kwargs):
    grads = GRADS[:1] * 1e-4  # |g| ~ eps: where the placement shows
    assert convention(concept, "torch").formula["eps_placement"] == "outside"
    assert convention(concept, "keras").formula["eps_placement"] == "inside"
    torch_p, _ = _torch_steps(RULE[concept].torch(**kwargs), grads)
    keras_p, _ = _keras_steps(lambda: RULE[concept].keras(**kwargs), grads)
    outside, _ = _numpy_steps(RULE[concept].numpy(**kwargs, eps_placement="outside"), grads)
    inside, _ = _numpy_steps(RULE[concept].numpy(**kwargs, eps_placement="inside"), grads)
    assert np.allclose(torch_p, outside, rtol=1e-12, atol=0) and np.allclose(keras_p, inside, rtol=1e-12, atol=0)
    assert np.abs(outside - inside).max() > 1e-3


def test_keras_rounds_the_initial_accumulator_through_float32_and_torch_does_not():
    _, keras_state = _keras_steps(lambda: k.adagrad(initial_accumulator_value=0.1), grads=())
    assert keras_state["accumulator"].dtype == np.float64
    assert np.all(keras_state["accumulator"] == np.float64(np.float32(0.1)))  # initializers.Constant: ops.cast
    _, torch_state = _torch_steps(t.adagrad(initial_accumulator_value=0.1), grads=())
    assert np.all(torch_state["sum"] == 0.1)
    assert convention("adagrad", "keras").formula["constant_dtype"] == "float32"
    _, state = _numpy_steps(_numpy_rule("adagrad", "keras", initial_accumulator_value=0.1), grads=())
    assert np.array_equal(state.accumulator[0], keras_state["accumulator"])


def test_keras_applies_rho_and_epsilon_unrounded_in_float64():
    """ops.multiply(rho, velocity) converts the Python float straight to float64: rounding rho through
    float32, as ops.cast would, gives another trajectory."""
    kwargs = {"lr": 0.01, "rho": 0.9, "eps": 1e-7, "momentum": 0.5}
    keras_p, _ = _keras_steps(lambda: k.rmsprop(**kwargs))
    assert np.array_equal(_numpy_steps(_numpy_rule("rmsprop", "keras", **kwargs))[0], keras_p)
    rounded = _numpy_rule("rmsprop", "keras", **{**kwargs, "rho": float(np.float32(0.9))})
    assert not np.allclose(_numpy_steps(rounded)[0], keras_p, rtol=1e-12, atol=0)


def test_rmsprop_momentum_buffers_differ_by_the_learning_rate():
    g, lr, rho, eps, mu = GRADS[:1], 0.05, 0.9, 1e-7, 0.9
    _, torch_state = _torch_steps(t.rmsprop(lr=lr, rho=rho, eps=eps, momentum=mu), g)
    _, keras_state = _keras_steps(lambda: k.rmsprop(lr=lr, rho=rho, eps=eps, momentum=mu), g)
    v = (1 - rho) * g[0] ** 2
    np.testing.assert_allclose(torch_state["momentum_buffer"], g[0] / (np.sqrt(v) + eps), rtol=1e-13)
    np.testing.assert_allclose(keras_state["momentum"], lr * g[0] / np.sqrt(v + eps), rtol=1e-13)
    assert convention("rmsprop_momentum", "torch").formula["momentum_form"] == "torch"
    assert convention("rmsprop_momentum", "keras").formula["momentum_form"] == "keras"


def test_adadelta_puts_epsilon_inside_both_roots_in_both_frameworks():
    g, rho, eps = GRADS[:1] * 1e-3, 0.9, 1e-6
    delta = np.sqrt(eps) / np.sqrt((1 - rho) * g[0] ** 2 + eps) * g[0]  # first step: acc_delta is 0
    torch_p, _ = _torch_steps(t.adadelta(lr=1.0, rho=rho, eps=eps), g)
    keras_p, _ = _keras_steps(lambda: k.adadelta(lr=1.0, rho=rho, eps=eps), g)
    np.testing.assert_allclose(P0 - torch_p, delta, rtol=1e-9)
    np.testing.assert_allclose(P0 - keras_p, delta, rtol=1e-9)


def test_torch_adagrad_lr_decay_matches_the_reference_and_keras_has_none():
    kwargs = {"lr": 0.1, "lr_decay": 0.5, "eps": 1e-10}
    torch_p, torch_state = _torch_steps(t.adagrad(**kwargs))
    numpy_p, state = _numpy_steps(_numpy_rule("adagrad", "torch", **kwargs))
    np.testing.assert_allclose(numpy_p, torch_p, rtol=1e-14)
    np.testing.assert_allclose(state.accumulator[0], torch_state["sum"], rtol=1e-14)
    assert not np.allclose(_numpy_steps(_numpy_rule("adagrad", "torch", **{**kwargs, "lr_decay": 0.0}))[0], torch_p)
    assert "lr_decay" not in inspect.signature(keras.optimizers.Adagrad).parameters


def test_plain_rmsprop_closed_loop_is_chaotic_at_a_larger_step():
    """Why the aligned RMSprop set uses lr=1e-3, rho=0.99: at lr=0.01, rho=0.9 re-associating the
    least-squares gradient alone (NumPy against NumPy) moves the 200-step trajectory by about lr."""
    rng = np.random.default_rng(0)
    x, y, w0 = rng.standard_normal((8, 3)), rng.standard_normal((8, 4)), rng.standard_normal((3, 4))

    def gap(**kwargs):
        ends = []
        for grad in (lambda w: x.T @ (x @ w - y) / 8, lambda w: (x.T @ (x @ w) - x.T @ y) / 8):
            opt, params = n.rmsprop(eps=1e-7, **kwargs), (w0,)
            state = opt.init(params)
            for _ in range(200):
                params, state = opt.update((grad(params[0]),), state, params)
            ends.append(params[0])
        return np.abs(ends[0] - ends[1]).max()
    assert gap(lr=0.01, rho=0.9) > 1e-4
    assert gap(lr=1e-3, rho=0.99) < 1e-12


def test_rows_name_the_conventions_that_move_the_trajectory():
    rows = execute(Run(RULE["adagrad"], "aligned", dict(RULE["adagrad"].aligned[0]), "float64", "open_loop"), SEED)
    row = next(r for r in rows if (r["impl_a"], r["quantity"], r["inputs"]) == ("torch", "params", "grads_1e-6"))
    assert row["status"] == "expected" and "formula.eps_placement" in row["cause"]
    assert all(r["status"] == "match" for r in rows if r["impl_a"].startswith("numpy"))
    rule = RULE["rmsprop_momentum"]
    rows = execute(Run(rule, "aligned", {**rule.required, **rule.aligned[0]}, "float64", "open_loop"), SEED)
    row = next(r for r in rows if (r["impl_a"], r["quantity"], r["inputs"]) == ("torch", "state_momentum", "typical"))
    assert row["status"] == "expected" and "formula.momentum_form" in row["cause"]


BAD = [("adagrad", {"lr": -1.0}, "lr"), ("adagrad", {"eps": 0.0}, "eps"), ("adagrad", {"lr_decay": -0.1}, "lr_decay"),
       ("adagrad", {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
       ("adagrad", {"weight_decay": -1.0}, "weight_decay"), ("rmsprop", {"rho": 1.0}, "rho"),
       ("rmsprop", {"rho": -0.5}, "rho"), ("rmsprop", {"eps": -1e-8}, "eps"),
       ("rmsprop", {"momentum": 1.5}, "momentum"), ("rmsprop", {"lr": -1e-3}, "lr"),
       ("rmsprop", {"weight_decay": -1.0}, "weight_decay"), ("adadelta", {"rho": 1.0}, "rho"),
       ("adadelta", {"eps": 0.0}, "eps"), ("adadelta", {"lr": -1.0}, "lr"),
       ("adadelta", {"weight_decay": -0.1}, "weight_decay")]


@pytest.mark.parametrize("concept, kwargs, name", BAD)
def test_bad_hyperparameters_are_rejected_alike(concept, kwargs, name):
    rule = RULE[concept]
    for fn in (rule.numpy, rule.torch, rule.keras):
        with pytest.raises(ValueError, match=name):
            fn(**kwargs)


def test_keras_accepts_only_the_lr_decay_that_means_off():
    with pytest.raises(ValueError, match="lr_decay"):
        k.adagrad(lr_decay=0.1)
    assert isinstance(k.adagrad(lr_decay=0.0), keras.optimizers.Adagrad)
    n.adagrad(lr_decay=0.1), t.adagrad(lr_decay=0.1)  # torch (and its reference) decay the step size


@pytest.mark.parametrize("fn, hyperparameters", [(n.adagrad, n._AdagradHyperparameters),
                                                 (n.rmsprop, n._RMSpropHyperparameters),
                                                 (n.adadelta, n._AdadeltaHyperparameters)])
def test_numpy_hyperparameters_are_the_keyword_only_arguments(fn, hyperparameters):
    parameters = inspect.signature(fn).parameters.values()
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    assert hyperparameters._fields == tuple(p.name for p in parameters)


@pytest.mark.parametrize("rule", [n.adagrad, n.rmsprop, n.adadelta])
def test_decoupled_scale_decays_by_one_factor_as_keras_optimizers_on_torch(rule):
    """``weight_decay_form="decoupled_scale"``: p * (1 - wd * lr), the factor rounded once (Keras's
    TorchOptimizer._apply_weight_decay), which differs in float32 from the base class's p - p * wd * lr."""
    p0 = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    lam, eta = np.float32(0.01), np.float32(1e-3)
    outs = {}
    for form in ("decoupled", "decoupled_scale"):
        opt = rule(lr=float(eta), weight_decay=float(lam), weight_decay_form=form, lr_dtype="float32",
                   constant_dtype="float32")
        (p,), _ = opt.update([np.zeros_like(p0)], opt.init([p0]), [p0])
        outs[form] = p
    np.testing.assert_array_equal(outs["decoupled_scale"], p0 * (np.float32(1) - lam * eta))
    assert not np.array_equal(outs["decoupled_scale"], outs["decoupled"])
