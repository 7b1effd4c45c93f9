"""Gradient flow: the phenomena asserted in all three packages (vanishing gradients in a deep sigmoid network,
preserved ones with ReLU and He init, batch normalisation and residual connections as mitigations, exploding
training of a large-init network kept finite by global-norm clipping), bad input alike, the framework facts the
conventions table claims, and the conventions the family's torch~keras gaps name."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.gradient_flow as k
import reference_numpy.gradient_flow as n
import torch_impl.gradient_flow as t
from keras_impl.defaults import DEFAULT as KERAS_DEFAULT
from torch_impl.defaults import DEFAULT as TORCH_DEFAULT

from tests.badinput import CONVERT, assert_rejected_alike
from parity_tests.case import Run
from parity_tests.cases.gradient_flow import CASES, DEPTH, NETWORKS, WIDTH, deep_inputs
from parity_tests.conventions import convention
from parity_tests.runner import execute

PACKAGES = {"numpy": n, "torch": t, "keras": k}
ROW = {c.concept: c for c in CASES}
SEED = 23
SIGMOID, RELU_HE = "layer_gradient_norms_sigmoid", "layer_gradient_norms_relu_he"
BATCHNORM, RESIDUAL = "layer_gradient_norms_sigmoid_batchnorm", "layer_gradient_norms_sigmoid_residual"


def _norms(concept, dtype="float64"):
    """{package: (L,) norms} of one network on the row's inputs, each package at ``dtype`` (Keras: its policy)."""
    gain, required = NETWORKS[concept]
    inputs = deep_inputs(gain)(np.random.default_rng(SEED), "typical", np.dtype(dtype), ())
    out = {}
    for name, module in PACKAGES.items():
        norms = module.layer_gradient_norms(*map(CONVERT[name], inputs.values()), **required, eps=1e-3, dtype=dtype)
        out[name] = np.asarray(norms)
    return out


@pytest.fixture(scope="module")
def norms():
    return {concept: _norms(concept) for concept in NETWORKS}


# ---- the phenomena, in each package ---------------------------------------------------------------------

def test_sigmoid_gradients_vanish_geometrically(norms):
    for package, g in norms[SIGMOID].items():
        assert g.shape == (DEPTH,)
        assert g[0] < 1e-3 * g[-1], package
        assert np.all(g[:-1] < 0.5 * g[1:]), (package, g[:-1] / g[1:])  # sigmoid' <= 1/4 per layer


def test_relu_with_he_init_keeps_gradients_in_a_band(norms):
    for package, g in norms[RELU_HE].items():
        assert 0.2 < g[0] / g[-1] < 5, (package, g)
        assert 0.2 < g.min() / g.max(), (package, g)  # no layer far off the others


@pytest.mark.parametrize("mitigation", [BATCHNORM, RESIDUAL])
def test_batchnorm_and_residual_raise_the_first_layers_gradient(norms, mitigation):
    for package in PACKAGES:
        plain, mitigated = norms[SIGMOID][package], norms[mitigation][package]
        assert mitigated[0] > 1e3 * plain[0], (package, mitigated[0], plain[0])
        assert mitigated[0] > 0.05 * mitigated[-1], (package, mitigated)  # no longer vanishing


def test_the_three_packages_agree_on_the_norms(norms):
    for concept, by_package in norms.items():
        for package in ("torch", "keras"):
            np.testing.assert_allclose(by_package[package], by_package["numpy"], rtol=1e-12, err_msg=concept)


LARGE_DEPTH = 6
LARGE_ACTIVATIONS = ("relu",) * (LARGE_DEPTH - 1) + ("linear",)


def _large_init(dtype):
    """x (16, 32) and a ReLU network with W ~ N(0, 25 / fan_in): each layer multiplies activations by ~3.5."""
    rng = np.random.default_rng(SEED)
    x = 2 * rng.standard_normal((16, WIDTH))
    params = []
    for _ in range(LARGE_DEPTH):
        params += [np.sqrt(25 / WIDTH) * rng.standard_normal((WIDTH, WIDTH)), np.zeros(WIDTH)]
    return [a.astype(dtype) for a in (x, *params)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clipping_keeps_a_large_init_network_finite(dtype):
    arrays = _large_init(dtype)
    for name, module in PACKAGES.items():
        args = list(map(CONVERT[name], arrays))
        kwargs = {"activations": LARGE_ACTIVATIONS, "steps": 5, "learning_rate": 0.01, "dtype": dtype}
        free = np.asarray(module.sgd_loss_curve(*args, **kwargs))
        clipped = np.asarray(module.sgd_loss_curve(*args, **kwargs, max_norm=1.0))
        assert np.isfinite(free[0]) and not np.all(np.isfinite(free)), (name, free)  # overflows within 5 steps
        assert np.all(np.isfinite(clipped)) and np.all(np.diff(clipped) < 0), (name, clipped)  # finite, descending
        assert clipped[0] == free[0]  # the same network until the first step


def test_without_clipping_the_first_step_already_explodes():
    x, *params = _large_init("float64")
    curve = n.sgd_loss_curve(x, *params, activations=LARGE_ACTIVATIONS, steps=1, learning_rate=0.01)
    assert curve[1] > 1e30 * curve[0]  # float64 survives one step, by fifty orders of magnitude


# ---- bad input ----------------------------------------------------------------------------------------

X = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
SQUARE = [np.eye(4, dtype=np.float32), np.zeros(4, np.float32)] * 2
WIDE = [np.ones((4, 5), np.float32), np.zeros(5, np.float32), np.ones((5, 4), np.float32), np.zeros(4, np.float32)]
SIG2 = ("sigmoid", "sigmoid")

# (label, function, positional arrays, keywords, exception, argument named)
BAD = [
    ("residual needs square weights", "layer_gradient_norms", (X, *WIDE), {"activations": SIG2, "residual": True},
     ValueError, "W1"),
    ("batch norm needs two rows", "layer_gradient_norms", (X[:1], *SQUARE), {"activations": SIG2, "batchnorm": True},
     ValueError, "x"),
    ("leaky ReLU is not a gradient-flow activation", "layer_gradient_norms", (X, *SQUARE),
     {"activations": ("leaky_relu", "sigmoid")}, ValueError, "activations"),
    ("one activation for two layers", "layer_gradient_norms", (X, *SQUARE), {"activations": ("relu",)}, ValueError,
     "activations"),
    ("integer x", "deep_net_forward", (X.astype(np.int32), *SQUARE), {"activations": SIG2}, TypeError, "x"),
    ("NaN W2", "deep_net_forward", (X, *SQUARE[:2], np.full((4, 4), np.nan, np.float32), SQUARE[3]),
     {"activations": SIG2}, ValueError, "W2"),
    ("steps zero", "sgd_loss_curve", (X, *SQUARE), {"activations": SIG2, "steps": 0, "learning_rate": 0.1},
     ValueError, "steps"),
    ("learning rate negative", "sgd_loss_curve", (X, *SQUARE), {"activations": SIG2, "steps": 1,
                                                               "learning_rate": -0.1}, ValueError, "learning_rate"),
    ("max_norm a string", "sgd_loss_curve", (X, *SQUARE), {"activations": SIG2, "steps": 1, "learning_rate": 0.1,
                                                          "max_norm": "1"}, TypeError, "max_norm"),
    ("max_norm zero", "sgd_loss_curve", (X, *SQUARE), {"activations": SIG2, "steps": 1, "learning_rate": 0.1,
                                                      "max_norm": 0.0}, ValueError, "max_norm"),
]


@pytest.mark.parametrize("label, name, args, kwargs, exc, arg", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, name, args, kwargs, exc, arg):
    assert_rejected_alike([getattr(m, name) for m in PACKAGES.values()], args, kwargs, exc, arg)


def test_same_signatures_in_all_three():
    for name in n.__all__:
        signatures = [inspect.signature(getattr(m, name)).parameters for m in PACKAGES.values()]
        assert [list(s) for s in signatures[1:]] == [list(signatures[0])] * 2, name
        defaults = [{key: p.default for key, p in s.items() if key != "eps"} for s in signatures]
        assert defaults[0] == defaults[1] == defaults[2], name  # eps: each framework's own (conventions)


# ---- the conventions table against the frameworks -------------------------------------------------------

def test_batchnorm_defaults_and_initial_values_are_the_frameworks_own():
    torch_conv, keras_conv = (convention(BATCHNORM, fw) for fw in ("torch", "keras"))
    assert inspect.signature(torch.nn.BatchNorm1d).parameters["eps"].default == torch_conv.defaults["eps"]
    assert inspect.signature(keras.layers.BatchNormalization).parameters["epsilon"].default == \
        keras_conv.defaults["eps"]
    for fn in (t.layer_gradient_norms, t.deep_net_forward):  # left to nn.BatchNorm1d
        assert inspect.signature(fn).parameters["eps"].default is TORCH_DEFAULT
    for fn in (k.layer_gradient_norms, k.deep_net_forward):  # left to keras.layers.BatchNormalization
        assert inspect.signature(fn).parameters["eps"].default is KERAS_DEFAULT
    module = torch.nn.BatchNorm1d(3)
    assert module.training is torch_conv.related["torch.nn.BatchNorm1d.training"]
    assert torch.all(module.weight == torch_conv.related["torch.nn.BatchNorm1d.weight"]) and not torch.any(module.bias)
    layer = keras.layers.BatchNormalization()
    layer.build((None, 3))
    assert keras_conv.related["keras.layers.BatchNormalization.gamma_initializer"] == "ones"
    assert np.all(layer.gamma.numpy() == 1) and not np.any(layer.beta.numpy())


def test_keras_batchnorm_uses_batch_statistics_only_when_told():
    x = tf.constant(np.linspace(1, 6, 12).reshape(4, 3), tf.float32)
    layer = keras.layers.BatchNormalization()
    default, training = layer(x).numpy(), layer(x, training=True).numpy()
    assert convention(BATCHNORM, "keras").related["keras.layers.BatchNormalization.training"] is None
    np.testing.assert_allclose(default, x.numpy() / np.sqrt(1 + 1e-3), rtol=1e-6)  # moving statistics 0 and 1
    np.testing.assert_allclose(training.mean(axis=0), 0, atol=1e-6)  # the batch's


# ---- the conventions the gaps are attributed to ---------------------------------------------------------

def _row(concept, variant, dtype):
    case = ROW[concept]
    kwargs = {**case.required, **(case.aligned[0] if variant == "aligned" else {})}
    rows = execute(Run(case, variant, kwargs, dtype, "typical"), SEED)
    return next(r for r in rows if (r["impl_a"], r["impl_b"]) == ("torch", "keras"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batchnorm_defaults_gap_is_the_epsilon(dtype):
    row = _row(BATCHNORM, "defaults", dtype)
    assert row["status"] == "expected" and "eps (torch=1e-05, keras=0.001)" in row["cause"], row["cause"]
    assert _row(BATCHNORM, "aligned", dtype)["status"] == "match"


@pytest.mark.parametrize("concept", [SIGMOID, RELU_HE, RESIDUAL])
def test_networks_without_batchnorm_match_in_every_variant(concept):
    for variant in ("aligned", "defaults"):
        for dtype in ("float32", "float64"):
            assert _row(concept, variant, dtype)["status"] == "match", (concept, variant, dtype)
