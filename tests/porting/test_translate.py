"""``translate``: every translation the bindings offer, measured again here; the CLI's parser; the mappings the
issue names (coupled Adam decay, BatchNorm momentum, KLDivLoss log-probabilities, StepLR's boundary, SmoothL1)."""
import functools

import keras
import numpy as np
import pytest
import torch
import torch.nn as nn

from parity_tests import DEFAULT_SEED
from parity_tests.case import Run
from parity_tests.conventions import convention
from parity_tests.porting import translate as tr
from parity_tests.porting.bindings_losses import KERAS_LOSSES, TORCH_LOSSES, binding_of
from parity_tests.porting.bindings_optim import OPTIMIZERS, SCHEDULES
from parity_tests.porting.translate_measure import gap, outputs, row_for
from parity_tests.trajectory import _problem

_P = [nn.Parameter(torch.zeros(3))]


def _sgd(lr=0.1):
    return torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=lr)


OBJECTS = {
    "torch.SGD": lambda: torch.optim.SGD(_P, lr=0.05),
    "torch.SGD.momentum": lambda: torch.optim.SGD(_P, lr=0.05, momentum=0.9),
    "torch.SGD.nesterov": lambda: torch.optim.SGD(_P, lr=0.05, momentum=0.9, nesterov=True),
    "torch.Adam.wd": lambda: torch.optim.Adam(_P, lr=1e-3, weight_decay=1e-2),
    "torch.Adam.amsgrad": lambda: torch.optim.Adam(_P, lr=0.01, amsgrad=True),
    "torch.AdamW": lambda: torch.optim.AdamW(_P, lr=0.01),
    "torch.NAdam": lambda: torch.optim.NAdam(_P, lr=0.01, momentum_decay=1.0),
    "torch.Adamax": lambda: torch.optim.Adamax(_P, lr=0.01),
    "torch.RMSprop": lambda: torch.optim.RMSprop(_P, lr=1e-3, centered=True),
    "torch.Adagrad": lambda: torch.optim.Adagrad(_P, lr=0.05),
    "torch.Adadelta": lambda: torch.optim.Adadelta(_P),
    "keras.SGD": lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "keras.Adam": lambda: keras.optimizers.Adam(),
    "keras.AdamW": lambda: keras.optimizers.AdamW(learning_rate=0.01),
    "keras.Nadam": lambda: keras.optimizers.Nadam(),
    "keras.Adamax": lambda: keras.optimizers.Adamax(),
    "keras.RMSprop": lambda: keras.optimizers.RMSprop(momentum=0.9),
    "keras.Adagrad": lambda: keras.optimizers.Adagrad(),
    "keras.Adadelta": lambda: keras.optimizers.Adadelta(),
    "torch.StepLR": lambda: torch.optim.lr_scheduler.StepLR(_sgd(), 30, gamma=0.5),
    "torch.ExponentialLR": lambda: torch.optim.lr_scheduler.ExponentialLR(_sgd(), 0.97),
    "torch.CosineAnnealingLR": lambda: torch.optim.lr_scheduler.CosineAnnealingLR(_sgd(), 100, eta_min=0.001),
    "torch.WarmRestarts": lambda: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(_sgd(), 20, eta_min=0.001),
    "torch.PolynomialLR": lambda: torch.optim.lr_scheduler.PolynomialLR(_sgd(), total_iters=60, power=2.0),
    "keras.ExponentialDecay": lambda: keras.optimizers.schedules.ExponentialDecay(0.1, 40, 0.5),
    "keras.ExponentialDecay.staircase": lambda: keras.optimizers.schedules.ExponentialDecay(0.1, 49, 0.5, True),
    "keras.CosineDecay": lambda: keras.optimizers.schedules.CosineDecay(0.1, 50),
    "keras.CosineDecayRestarts": lambda: keras.optimizers.schedules.CosineDecayRestarts(0.1, 20, t_mul=1.0),
    "keras.PolynomialDecay": lambda: keras.optimizers.schedules.PolynomialDecay(0.1, 100),
    "torch.MSELoss": nn.MSELoss, "torch.L1Loss.sum": lambda: nn.L1Loss(reduction="sum"),
    "torch.HuberLoss": lambda: nn.HuberLoss(delta=0.5), "torch.SmoothL1Loss": lambda: nn.SmoothL1Loss(beta=0.5),
    "torch.SmoothL1Loss.1": nn.SmoothL1Loss, "torch.BCELoss": nn.BCELoss, "torch.BCEWithLogits": nn.BCEWithLogitsLoss,
    "torch.CrossEntropyLoss": nn.CrossEntropyLoss, "torch.KLDivLoss": lambda: nn.KLDivLoss(reduction="batchmean"),
    "torch.PoissonNLLLoss": lambda: nn.PoissonNLLLoss(log_input=False),
    "keras.MSE": keras.losses.MeanSquaredError, "keras.Huber": lambda: keras.losses.Huber(delta=2.0),
    "keras.BCE.logits": lambda: keras.losses.BinaryCrossentropy(from_logits=True),
    "keras.SCCE": lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    "keras.KLDivergence": keras.losses.KLDivergence, "keras.Poisson": keras.losses.Poisson,
    "torch.BatchNorm1d": lambda: nn.BatchNorm1d(16, momentum=0.1), "torch.Linear": lambda: nn.Linear(6, 4),
    "torch.LeakyReLU": lambda: nn.LeakyReLU(0.2), "torch.GELU": lambda: nn.GELU(approximate="tanh"),
    "torch.ReLU": nn.ReLU, "torch.ELU": nn.ELU,
}


@functools.lru_cache(maxsize=None)
def _translated(name):
    obj = OBJECTS[name]()
    return obj, tr.translate(obj, to="keras" if name.startswith("torch") else "torch")


def _target_object(t):
    """The built target as an object its binding reads (torch factories built on a dummy parameter)."""
    target = t.target
    if isinstance(target, keras.layers.Activation):
        return target.activation
    if isinstance(target, functools.partial):
        param = nn.Parameter(torch.zeros(1))
        return target(torch.optim.SGD([param], lr=target.lr)) if hasattr(target, "lr") else target([param])
    return target


def _remeasure(obj, t):
    """The two sides run again through the suite's runners, independently of the Translation's own numbers."""
    source, target = binding_of(tr._unwrap(obj)), tr._binding(_target_object(t))
    family, concept = tr._family(source), source.concepts[0]
    extra = tr._layer_extra(source, tr._unwrap(obj)) if family == "layer" else {}
    a = outputs(family, source.framework, tr._maker(source.framework, tr._unwrap(obj), source), concept,
                call=source.extra.get("call"), **extra)
    b = outputs(family, target.framework, tr._maker(target.framework, t.target, target), concept,
                call=target.extra.get("call"), **extra)
    return gap(a, b)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_translation_is_measured(name):
    obj, t = _translated(name)
    size, ok = _remeasure(obj, t)
    assert ok == t.exact, (str(t), size)
    assert size == pytest.approx(t.gap, rel=1e-9, abs=0.0) or (np.isinf(size) and np.isinf(t.gap))
    if not t.exact:  # a measured gap always comes with the conventions that cause it
        assert t.residual, str(t)
        assert max(r.size for r in t.residual if r.size is not None) > 0.0, str(t)
    assert str(t).splitlines()[0]


def _numpy_params(concept, framework, values, dtype):
    rule = row_for(concept)
    run = Run(rule, "defaults", dict(values), dtype, "open_loop")
    problem = _problem(run, DEFAULT_SEED)
    kwargs = {**convention(concept, framework).numpy_kwargs(values)}
    kwargs = {k: ("float32" if v == "floatx" else v) for k, v in kwargs.items()}
    opt = rule.numpy(**kwargs)
    out = []
    for name in problem:
        p0, grads = problem[name]
        params, state = (p0,), opt.init((p0,))
        for g in grads:
            params, state = opt.update((g,), state, params)
        out.append(params[0])
    return out


@pytest.mark.parametrize("name", [n for n in sorted(OBJECTS) if n.startswith("torch.")
                                  and binding_of(OBJECTS[n]()).extra.get("family") == "optimizer"])
def test_optimizer_residual_sizes_reproduce_with_the_reference(name):
    """Each residual's size is the NumPy reference's final-step gap (at least) with that key flipped."""
    obj, t = _translated(name)
    source = binding_of(obj)
    values = source.values(obj)
    for r in t.residual:
        if r.key not in values:
            continue
        flipped = {**values, r.key: r.target_value}
        final = max(float(np.max(np.abs(a - b))) for d in ("float32", "float64")
                    for a, b in zip(_numpy_params(source.concepts[0], "torch", values, d),
                                    _numpy_params(source.concepts[0], "torch", flipped, d)))
        assert final <= r.size * (1 + 1e-9) + 1e-300, (r, final)


def test_adam_weight_decay_to_keras_reports_coupled_vs_decoupled():
    _, t = _translated("torch.Adam.wd")
    assert not t.exact
    wd = next(r for r in t.residual if r.key == "weight_decay_form")
    assert (wd.source_value, wd.target_value) == ("coupled", "decoupled")
    assert wd.size > 1e-2 and wd.size == max(r.size for r in t.residual)
    assert any("coupled" in n for n in t.notes)
    assert t.target.weight_decay == pytest.approx(1e-2) and "weight_decay=0.01" in t.code


def test_batchnorm_momentum_maps_to_one_minus():
    _, t = _translated("torch.BatchNorm1d")
    assert t.target.momentum == pytest.approx(0.9) and "momentum=0.9" in t.code
    layer = keras.layers.BatchNormalization(momentum=0.8, epsilon=1e-5)
    layer.build((None, 5))
    back = tr.translate(layer, to="torch")
    assert back.target.momentum == pytest.approx(0.2) and back.target.num_features == 5
    assert "momentum" not in {r.key for r in back.residual} and "var_ddof" in {r.key for r in back.residual}


def test_kl_div_and_step_lr_and_smooth_l1():
    _, kl = _translated("keras.KLDivergence")
    assert kl.target.reduction == "batchmean" and any("log-probabilities" in n for n in kl.notes)
    _, step = _translated("torch.StepLR")
    assert step.exact and step.target.get_config()["staircase"] is True
    _, smooth = _translated("torch.SmoothL1Loss")
    assert not smooth.exact and any(r.key == "beta" and r.size > 0.01 for r in smooth.residual)
    assert _translated("torch.SmoothL1Loss.1")[1].target.get_config()["name"] == "huber_loss"


def test_every_binding_key_exists_in_its_conventions():
    for b in OPTIMIZERS + SCHEDULES + TORCH_LOSSES + KERAS_LOSSES:
        known = set()
        for concept in b.concepts:
            conv = convention(concept, b.framework)
            row = row_for(concept)
            known |= set(conv.defaults) | set(conv.formula) | set(getattr(row, "required", {}) or {})
        assert {a.key for a in b.args} <= known, (b.cls, {a.key for a in b.args} - known)


@pytest.mark.parametrize("expression", ["__import__('os').system('ls')", "os.system('ls')",
                                        "torch.optim.Adam(lr=x)", "torch.optim.Adam(**{'lr': 1})",
                                        "torch.optim.Adam(lr=1e-3) + 1", "keras.Model()"])
def test_cli_refuses_non_literals_and_unknown_names(expression, capsys):
    assert tr.main([expression, "--to", "keras"]) == 2
    assert "translate:" in capsys.readouterr().err


def test_cli_parses_and_prints(capsys):
    assert tr.parse("torch.optim.Adam(lr=1e-3, betas=(0.9, 0.99))") == (
        "torch.optim.Adam", (), {"lr": 1e-3, "betas": (0.9, 0.99)})
    assert tr.main(["nn.BatchNorm1d(16, momentum=0.1)", "--to", "keras"]) == 0
    assert "BatchNormalization(epsilon=1e-05, momentum=0.9)" in capsys.readouterr().out
