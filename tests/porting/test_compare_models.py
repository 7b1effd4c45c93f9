"""compare_models on model pairs that differ by exactly one convention each: the first divergence is at the
right layer and step, the cause names the key, and the fix is the other framework's value; aligned pairs match
for 20 steps; weight transfer round-trips exactly; bad input is refused before anything runs."""
import functools

import keras
import numpy as np
import pytest
import torch
from torch import nn

import reference_numpy.layers
from parity_tests import compare_models
from parity_tests.porting.chain import keras_elements, pair_up, torch_elements
from parity_tests.porting.weights import read_all, transfer

RNG = np.random.default_rng(20261205)
X = RNG.standard_normal((16, 4)).astype(np.float32)
Y = RNG.standard_normal((16, 3)).astype(np.float32)
MSE = (nn.MSELoss(), keras.losses.MeanSquaredError())


def _torch(*middle):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), *middle, nn.Linear(8, 3))


def _keras(*middle):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), *middle, keras.layers.Dense(3)])


def _gelu_tanh():
    return keras.layers.Activation(functools.partial(keras.activations.gelu, approximate=True))


# (name, torch middle, keras middle, compare_models keywords, differing key, first step, first layer, quantity,
#  fix expected on the Keras side)
ONE_CONVENTION = [
    ("batchnorm_eps", lambda: [nn.BatchNorm1d(8)], lambda: [keras.layers.BatchNormalization(momentum=0.9)], {},
     "eps", 0, "1:", "output", "epsilon=1e-05"),
    ("batchnorm_momentum", lambda: [nn.BatchNorm1d(8)], lambda: [keras.layers.BatchNormalization(epsilon=1e-5)],
     {"training": True}, "momentum", 0, "1:", "running_mean", "momentum=0.9"),
    ("leaky_relu_slope", lambda: [nn.LeakyReLU()], lambda: [keras.layers.LeakyReLU()], {},
     "negative_slope", 0, "1:", "output", "negative_slope=0.01"),
    ("gelu_approximate", lambda: [nn.GELU()], lambda: [_gelu_tanh()], {}, "approximate", 0, "1:", "output",
     "approximate=False"),
    ("adam_eps", lambda: [nn.Tanh()], lambda: [keras.layers.Activation("tanh")],
     {"optimizer": (functools.partial(torch.optim.Adam, lr=1e-2, eps=1e-2), keras.optimizers.Adam(1e-2)),
      "loss": MSE, "steps": 3, "y": Y}, "eps", 1, "0:", "W", "epsilon=0.01"),
    ("dense_init_as_is", lambda: [nn.ReLU()], lambda: [keras.layers.ReLU()], {"weights": "as_is"},
     "kernel", 0, "0:", "W", None),
]


@pytest.mark.parametrize("case", ONE_CONVENTION, ids=lambda c: c[0])
def test_one_differing_convention_is_localised_and_explained(case):
    _, t_mid, k_mid, kwargs, key, step, layer, quantity, fix = case
    kwargs = dict(kwargs)
    y = kwargs.pop("y", None)
    result = compare_models(_torch(*t_mid()), _keras(*k_mid()), X, y, **kwargs)
    first = result.first_divergence
    assert first is not None and (first.step, first.quantity) == (step, quantity), first
    assert first.layer.startswith(layer) and first.status == "expected", first
    assert f"{key} (torch=" in first.cause
    causes = {c.key: c for c in result.causes}
    assert key in causes and (causes[key].matters or key == "kernel")  # initial weights differ as a whole
    if fix:
        assert fix in causes[key].keras_fix, causes[key]
    assert "FAIL" not in set(result.frame.status) and "ERROR" not in set(result.frame.status)


def test_the_fix_makes_the_port_match():
    """Applying the printed Keras fix (BatchNorm eps and momentum, LeakyReLU slope) removes every gap."""
    naive = compare_models(_torch(nn.BatchNorm1d(8), nn.LeakyReLU()),
                           _keras(keras.layers.BatchNormalization(), keras.layers.LeakyReLU()), X)
    assert {c.key for c in naive.causes if c.keras_fix} == {"eps", "negative_slope"}
    fixed = compare_models(_torch(nn.BatchNorm1d(8), nn.LeakyReLU()),
                           _keras(keras.layers.BatchNormalization(epsilon=1e-05, momentum=0.9),
                                  keras.layers.LeakyReLU(negative_slope=0.01)), X)
    assert fixed.first_divergence is None and not [c for c in fixed.causes if c.keras_fix]


OPTIMIZERS = {
    "sgd": (functools.partial(torch.optim.SGD, lr=0.05), lambda: keras.optimizers.SGD(0.05)),
    "momentum": (functools.partial(torch.optim.SGD, lr=0.05, momentum=0.9),
                 lambda: keras.optimizers.SGD(0.05, momentum=0.9)),
    # epsilon's placement (after vs before the bias correction) is a formula no argument changes; an epsilon far
    # below sqrt(v) makes it vanish: the aligned port
    "adam": (functools.partial(torch.optim.Adam, lr=1e-3, eps=1e-12), lambda: keras.optimizers.Adam(1e-3, epsilon=1e-12)),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_aligned_ports_match_for_20_steps(name):
    make_torch, make_keras = OPTIMIZERS[name]
    result = compare_models(_torch(nn.BatchNorm1d(8), nn.LeakyReLU()),
                            _keras(keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9),
                                   keras.layers.LeakyReLU(negative_slope=0.01)),
                            X, Y, loss=MSE, optimizer=(make_torch, make_keras()), steps=20)
    assert result.first_divergence is None, result.first_divergence
    torch_keras = result.frame.query("impl_a == 'torch' and impl_b == 'keras'")
    assert set(torch_keras.status) == {"match"} and torch_keras.inputs.nunique() == 21
    assert set(result.frame.status) == {"match"}


def _pairs(tm, km):
    return pair_up(torch_elements(tm), keras_elements(km))


def test_weight_transfer_round_trips_exactly_both_ways():
    tm, km = _torch(nn.BatchNorm1d(8), nn.PReLU()), _keras(keras.layers.BatchNormalization(), keras.layers.PReLU())
    pairs = _pairs(tm, km)
    with torch.no_grad():
        tm[1].running_mean.normal_()
        tm[1].running_var.uniform_(0.5, 2.0)
    transfer(pairs, "torch")
    t, k = read_all(pairs, "torch"), read_all(pairs, "keras")
    assert set(t) == set(k) and all(np.array_equal(np.broadcast_to(t[n], k[n].shape), k[n]) for n in t)
    km.layers[0].kernel.assign(RNG.standard_normal((4, 8)).astype(np.float32))
    transfer(pairs, "keras")
    assert np.array_equal(read_all(pairs, "torch")[(0, "W")], read_all(pairs, "keras")[(0, "W")])


def test_a_broken_reference_layer_is_a_fail_not_an_explanation(monkeypatch):
    original = reference_numpy.layers.batchnorm_inference_forward
    monkeypatch.setattr(reference_numpy.layers, "batchnorm_inference_forward",
                        lambda *a, eps, dtype=None: original(*a, eps=eps * 10, dtype=dtype))
    result = compare_models(_torch(nn.BatchNorm1d(8)), _keras(keras.layers.BatchNormalization()), X)
    assert result.first_divergence.status == "FAIL"
    assert "FAIL" in set(result.frame.query("impl_a == 'numpy[torch]'").status)


BAD = [
    (lambda: (_torch(nn.ReLU()), _keras(), X), {}, ValueError, "torch_model has 3 layers"),
    (lambda: (_torch(nn.Conv1d(8, 8, 1)), _keras(keras.layers.ReLU()), X), {}, NotImplementedError, "Conv1d"),
    (lambda: (_torch(), _keras(), X[:, :3]), {}, ValueError, "x of shape"),
    (lambda: (_torch(), _keras(), X), {"steps": 2, "loss": MSE}, ValueError, "y is required"),
    (lambda: (_torch(), _keras(), np.where(X > 1, np.nan, X)), {}, ValueError, "x has non-finite"),
    (lambda: (_torch(), _keras(), X.astype(np.int64)), {}, TypeError, "x must be float32"),
    (lambda: (_torch(), _keras(), X), {"weights": "numpy"}, ValueError, "weights must be one of"),
    (lambda: (_torch(nn.Dropout(0.5)), _keras(keras.layers.Dropout(0.5)), X), {"training": True}, ValueError, "Dropout"),
]


@pytest.mark.parametrize("make, kwargs, exc, message", BAD, ids=lambda v: str(v)[:20] if isinstance(v, str) else None)
def test_bad_input_names_the_argument_and_changes_nothing(make, kwargs, exc, message):
    tm, km, x = make()
    before = [p.detach().clone() for p in tm.parameters()], [w.copy() for w in km.get_weights()]
    with pytest.raises(exc, match=message):
        compare_models(tm, km, x, **kwargs)
    assert all(torch.equal(a, b) for a, b in zip(before[0], tm.parameters()))
    assert all(np.array_equal(a, b) for a, b in zip(before[1], km.get_weights()))


def test_cli_compare_writes_the_report(tmp_path, monkeypatch, capsys):
    (tmp_path / "user_models.py").write_text(
        "import keras\nfrom torch import nn\n"
        "def make_torch():\n    return nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU())\n"
        "def make_keras():\n    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='leaky_relu')])\n")
    np.save(tmp_path / "x.npy", X)
    monkeypatch.chdir(tmp_path)
    from parity_tests.cli import main
    code = main(["compare", "--torch", "user_models:make_torch", "--keras", "user_models:make_keras",
                 "--input", "x.npy", "--out", "out.csv"])
    printed = capsys.readouterr().out
    assert code == 0 and "negative_slope" in printed and "keras.layers.LeakyReLU(negative_slope=0.01)" in printed
    import pandas as pd
    assert set(pd.read_csv(tmp_path / "out.csv").family) == {"user_model"}
