"""MLPs: bad input alike in the three packages, the model builders (the same network and gradients from
each package's own idiom), the zero-init symmetry problem in all three, the LeakyReLU facts the
conventions table claims, and the conventions the family's torch~keras gaps name."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.models as k
import reference_numpy.models as n
import torch_impl.models as t

from tests.badinput import assert_rejected_alike
from parity_tests.case import Run
from parity_tests.cases.models import BATCHNORM_NETWORKS, CASES, NETWORKS, XOR, mlp_params
from parity_tests.conventions import convention
from parity_tests.frameworks import keras_floatx
from parity_tests.runner import execute

FNS = (n.mlp_forward, t.mlp_forward, k.mlp_forward)
ROW = {c.concept: c for c in CASES}
SEED = 5

X = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
P = [a.astype(np.float32) for a in mlp_params(np.random.default_rng(0), (4, 5, 2)).values()]  # W1, b1, W2, b2
ACT = ("relu", "sigmoid")
NAN_B2 = np.full(2, np.nan, np.float32)

# (label, positional arrays, keywords, exception, argument named)
BAD = [
    ("x width is not W1's rows", (X[:, :3], *P), {"activations": ACT}, ValueError, "W1"),
    ("W2 rows are not layer 1's width", (X, P[0], P[1], P[2][:4], P[3]), {"activations": ACT}, ValueError, "W2"),
    ("integer x", (X.astype(np.int64), *P), {"activations": ACT}, TypeError, "x"),
    ("W1 dtype", (X, P[0].astype(np.float64), *P[1:]), {"activations": ACT}, TypeError, "W1"),
    ("NaN x", (np.where(X > 1, np.nan, X).astype(np.float32), *P), {"activations": ACT}, ValueError, "x"),
    ("NaN b2", (X, *P[:3], NAN_B2), {"activations": ACT}, ValueError, "b2"),
    ("b1 shape", (X, P[0], P[3], *P[2:]), {"activations": ACT}, ValueError, "b1"),
    ("one activation for two layers", (X, *P), {"activations": ("relu",)}, ValueError, "activations"),
    ("unknown activation", (X, *P), {"activations": ("relu", "softsign")}, ValueError, "activations"),
    ("activations not a sequence", (X, *P), {"activations": "relu"}, TypeError, "activations"),
    ("gamma1 missing", (X, *P), {"activations": ACT, "batchnorm": (True, False), "eps": 1e-3}, ValueError, "params"),
    ("gamma1 shape", (X, P[0], P[1], P[3], P[1], *P[2:]), {"activations": ACT, "batchnorm": (True, False),
                                                           "eps": 1e-3}, ValueError, "gamma1"),
    ("one batchnorm flag for two layers", (X, *P), {"activations": ACT, "batchnorm": (False,)}, ValueError,
     "batchnorm"),
    ("batchnorm not bools", (X, *P), {"activations": ACT, "batchnorm": (0, 0)}, TypeError, "batchnorm"),
    ("batch normalisation of one row", (X[:1], P[0], P[1], P[1], P[1], *P[2:]),
     {"activations": ACT, "batchnorm": (True, False), "eps": 1e-3}, ValueError, "x"),
    ("negative eps", (X, P[0], P[1], P[1], P[1], *P[2:]), {"activations": ACT, "batchnorm": (True, False),
                                                          "eps": -1e-3}, ValueError, "eps"),
]


@pytest.mark.parametrize("label, args, kwargs, exc, arg", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, args, kwargs, exc, arg):
    assert_rejected_alike(FNS, args, kwargs, exc, arg)


def test_builders_reject_bad_params_alike():
    for build in (n.mlp_model, t.mlp_model, k.mlp_model):
        with pytest.raises(ValueError, match=r"\bW2\b"):
            build([P[0], P[1], P[2][:4], P[3]], activations=ACT)
        with pytest.raises(ValueError, match=r"\bparams\b"):
            build([], activations=ACT)


# ---- the builders: one network, three packages, each package's own training idiom -------------------

def _numpy(params, x, dout, activations, **hyper):
    model = n.mlp_model(params, activations=activations, **hyper)
    out, cache = model.forward(x)
    return out, n.numpy_layout(model, model.backward(dout, cache)[1:])


def _torch(params, x, dout, activations, **hyper):
    model = t.mlp_model(params, activations=activations, **hyper)
    out = model(torch.from_numpy(x))
    out.backward(torch.from_numpy(dout))
    return out.detach().numpy(), t.numpy_layout(model, [p.grad for p in model.parameters()])


def _keras(params, x, dout, activations, **hyper):
    with keras_floatx(x.dtype.name):
        model = k.mlp_model(params, activations=activations, **hyper)
        with tf.GradientTape() as tape:
            out = model(tf.constant(x), training=True)  # batch normalisation: the batch's statistics, as in fit
        grads = tape.gradient(out, model.trainable_variables, output_gradients=tf.constant(dout))
    return out.numpy(), k.numpy_layout(model, grads)


def _gradients(params, x, dout, activations, **hyper):
    """{package: (out, [dW1, db1, ...])}, each computed the way a training loop of that package does."""
    return {name: f(params, x, dout, activations, **hyper) for name, f in
            (("numpy", _numpy), ("torch", _torch), ("keras", _keras))}


@pytest.mark.parametrize("concept", list(NETWORKS) + list(BATCHNORM_NETWORKS))
def test_builders_give_one_network_and_one_gradient(concept):
    sizes, activations, batchnorm = BATCHNORM_NETWORKS.get(concept) or (*NETWORKS[concept], ())
    rng = np.random.default_rng(1)
    params = list(mlp_params(rng, sizes, batchnorm).values())
    x = XOR if sizes[0] == 2 else rng.standard_normal((3, sizes[0]))
    dout = rng.standard_normal((x.shape[0], sizes[-1]))
    hyper = {"negative_slope": 0.1} | ({"batchnorm": batchnorm, "eps": 1e-3} if batchnorm else {})
    for framework, run in (("torch", _torch), ("keras", _keras)):
        out, grads = run(params, x, dout, activations, **hyper)
        formula = convention(concept, framework).formula  # the NumPy model under this framework's convention
        expected_out, expected_grads = _numpy(params, x, dout, activations, **hyper, **formula)
        np.testing.assert_allclose(out, expected_out, rtol=1e-12, atol=1e-14, err_msg=framework)
        assert [g.shape for g in grads] == [p.shape for p in params], framework  # the NumPy layout
        for g, expected in zip(grads, expected_grads):
            np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-13, err_msg=framework)
    with keras_floatx("float64"):
        for package, module in {"numpy": n, "torch": t, "keras": k}.items():
            model = module.mlp_model(params, activations=activations, **hyper)
            assert module.parameter_names(model) == list(mlp_params(rng, sizes, batchnorm)), package
            for read, p in zip(module.params_of(model), params):
                np.testing.assert_array_equal(read, p, err_msg=package)


def test_builders_copy_the_weights_in():
    params = [p.copy() for p in P]
    models = [n.mlp_model(params, activations=ACT), t.mlp_model(params, activations=ACT),
              k.mlp_model(params, activations=ACT)]
    params[0][:] = 0
    for module, model in zip((n, t, k), models):
        np.testing.assert_array_equal(module.params_of(model)[0], P[0])


# ---- zero (or constant) initialisation: every hidden unit gets the same gradient -----------------

@pytest.mark.parametrize("concept", ["mlp_2_4_1", "mlp_4_8_4_1"])
@pytest.mark.parametrize("value", [0.0, 0.5])
def test_constant_init_gives_every_hidden_unit_the_same_gradient(concept, value):
    sizes, activations = NETWORKS[concept]
    rng = np.random.default_rng(2)
    params = [np.full_like(p, value) for p in mlp_params(rng, sizes).values()]
    x = XOR if sizes[0] == 2 else rng.standard_normal((5, sizes[0]))
    dout = rng.standard_normal((x.shape[0], 1))
    for package, (_, grads) in _gradients(params, x, dout, activations).items():
        for i in range(len(sizes) - 2):  # the hidden layers
            dW_in, db, dW_out = grads[2 * i], grads[2 * i + 1], grads[2 * i + 2]
            assert np.allclose(dW_in, dW_in[:, :1], rtol=1e-12, atol=0), package  # one column per unit: all equal
            assert np.allclose(db, db[0], rtol=1e-12, atol=0), package
            assert np.allclose(dW_out, dW_out[:1], rtol=1e-12, atol=0), package  # one row per unit: all equal
    random = _gradients(list(mlp_params(rng, sizes).values()), x, dout, activations)["numpy"][1]
    assert not np.allclose(random[0], random[0][:, :1])  # a random init breaks the symmetry


# ---- the conventions table against the frameworks ----------------------------------------------

def test_leaky_relu_defaults_are_the_frameworks_own():
    torch_conv, keras_conv = (convention("mlp_784_128_64_10", fw) for fw in ("torch", "keras"))
    assert torch.nn.LeakyReLU().negative_slope == torch_conv.defaults["negative_slope"]
    functional = inspect.signature(torch.nn.functional.leaky_relu).parameters["negative_slope"].default
    assert functional == torch_conv.related["torch.nn.functional.leaky_relu.negative_slope"]
    assert keras.layers.LeakyReLU().negative_slope == keras_conv.defaults["negative_slope"]
    dense = keras.layers.Dense(1, activation="leaky_relu")
    key = "keras.layers.Dense(activation='leaky_relu').negative_slope"
    assert dense.activation is keras.activations.leaky_relu
    assert inspect.signature(dense.activation).parameters["negative_slope"].default == keras_conv.related[key]


def test_the_keras_leaky_relu_layer_rounds_its_slope_to_float32_in_float64():
    z = np.linspace(-3, -0.1, 7)
    got = keras.layers.LeakyReLU(negative_slope=0.1, dtype="float64")(tf.constant(z)).numpy()
    assert convention("mlp_784_128_64_10", "keras").formula["constant_dtype"] == "float32"
    rounded = z * np.float64(np.float32(0.1))
    np.testing.assert_array_equal(got, rounded)
    assert not np.array_equal(got, z * 0.1)
    exact = torch.nn.LeakyReLU(0.1)(torch.from_numpy(z)).numpy()
    np.testing.assert_array_equal(exact, z * 0.1)  # torch: constant_dtype None


# ---- the conventions the gaps are attributed to ---------------------------------------------------

def _row(concept, variant, dtype, quantity):
    case = ROW[concept]
    kwargs = {**case.required, **(case.aligned[0] if variant == "aligned" else {})}
    rows = execute(Run(case, variant, kwargs, dtype, "typical"), SEED)
    return next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"]) == ("torch", "keras", quantity))


@pytest.mark.parametrize("quantity", ["forward", "grad_W1"])
def test_classifier_defaults_gap_is_the_leaky_slope(quantity):
    row = _row("mlp_784_128_64_10", "defaults", "float32", quantity)
    assert row["status"] == "expected" and "negative_slope (torch=0.01, keras=0.3)" in row["cause"], row["cause"]
    assert "constant_dtype" not in row["cause"]  # irrelevant in float32: attribution drops it
    assert _row("mlp_784_128_64_10", "aligned", "float32", quantity)["status"] == "match"


@pytest.mark.parametrize("concept", ["mlp_2_4_1", "mlp_4_64_32_1"])
def test_plain_networks_differ_only_by_keras_float32_in_float64(concept):
    row = _row(concept, "defaults", "float64", "forward")
    assert row["status"] == "expected" and "dtype (torch=None, keras='float32')" in row["cause"]
    assert "negative_slope" not in row["cause"]
    assert _row(concept, "aligned", "float64", "forward")["status"] == "match"
