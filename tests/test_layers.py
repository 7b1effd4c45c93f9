"""Layers (dense, batch normalisation, the running-statistics update, a residual block): bad input alike in
the three packages, the llm.c pairing rule of the harness, the framework facts the conventions table
claims (read from the installed frameworks), and the conventions the family's torch~keras gaps name."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.layers as k
import reference_numpy.autograd as autograd
import reference_numpy.layers as n
import torch_impl.layers as t

from tests.badinput import assert_rejected_alike
from parity_tests.case import Run
from parity_tests.cases.layers import CASES
from parity_tests.conventions import convention
from parity_tests.frameworks import keras_floatx
from parity_tests.runner import execute

NAMES = ("dense_forward", "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats",
         "residual_forward")
FNS = {name: (getattr(n, name), getattr(t, name), getattr(k, name)) for name in NAMES}
ROW = {c.concept: c for c in CASES}
SEED = 11

X = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
W = np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2)
B = np.array([0.5, -0.5], dtype=np.float32)
V = np.linspace(0.5, 2, 4, dtype=np.float32)  # a (D,) scale, shift or statistic
NAN_X = np.where(X > 1.5, np.nan, X).astype(np.float32)
W1, B1 = np.ones((4, 3), np.float32), np.zeros(3, np.float32)
W2, B2 = np.ones((3, 4), np.float32), np.zeros(4, np.float32)

# (label, function, positional arrays, keywords, exception, argument named)
BAD = [
    ("dense: x width is not W's rows", "dense_forward", (X[:, :3], W, B), {}, ValueError, "W"),
    ("dense: x not 2-D", "dense_forward", (X[0], W, B), {}, ValueError, "x"),
    ("dense: integer x", "dense_forward", (X.astype(np.int32), W, B), {}, TypeError, "x"),
    ("dense: W dtype", "dense_forward", (X, W.astype(np.float64), B), {}, TypeError, "W"),
    ("dense: NaN x", "dense_forward", (NAN_X, W, B), {}, ValueError, "x"),
    ("dense: NaN W", "dense_forward", (X, np.where(W > 0.5, np.nan, W).astype(np.float32), B), {}, ValueError, "W"),
    ("dense: b shape", "dense_forward", (X, W, V), {}, ValueError, "b"),
    ("batchnorm: a batch of one", "batchnorm_forward", (X[:1], V, V), {}, ValueError, "x"),
    ("batchnorm: gamma shape", "batchnorm_forward", (X, V[:3], V), {}, ValueError, "gamma"),
    ("batchnorm: beta dtype", "batchnorm_forward", (X, V, V.astype(np.float64)), {}, TypeError, "beta"),
    ("batchnorm: NaN x", "batchnorm_forward", (NAN_X, V, V), {}, ValueError, "x"),
    ("inference: negative running_var", "batchnorm_inference_forward", (X, V, V, V, -V), {}, ValueError,
     "running_var"),
    ("inference: running_mean shape", "batchnorm_inference_forward", (X, V, V, V[:2], V), {}, ValueError,
     "running_mean"),
    ("running stats: momentum above 1", "batchnorm_running_stats", (X, V, V), {"momentum": 1.5}, ValueError,
     "momentum"),
    ("running stats: a batch of one", "batchnorm_running_stats", (X[:1], V, V), {}, ValueError, "x"),
    ("running stats: NaN running_var", "batchnorm_running_stats", (X, V, np.where(V > 1, np.nan, V)), {},
     ValueError, "running_var"),
    ("residual: W2 does not map back to x's width", "residual_forward", (X, W1, B1, W2[:, :3], B2[:3]), {},
     ValueError, "W2"),
    ("residual: W2 rows are not the hidden width", "residual_forward", (X, W1, B1, W2[:2], B2), {}, ValueError, "W2"),
    ("residual: NaN b1", "residual_forward", (X, W1, np.full(3, np.nan, np.float32), W2, B2), {}, ValueError, "b1"),
]


@pytest.mark.parametrize("label, name, args, kwargs, exc, arg", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, name, args, kwargs, exc, arg):
    assert_rejected_alike(FNS[name], args, kwargs, exc, arg)


def test_inference_accepts_a_batch_of_one():
    args = (X[:1], V, V, V, V)
    expected = n.batchnorm_inference_forward(*args, eps=1e-3)[0]
    np.testing.assert_allclose(t.batchnorm_inference_forward(*map(torch.from_numpy, args), eps=1e-3).numpy(), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(k.batchnorm_inference_forward(*map(tf.constant, args), eps=1e-3).numpy(), expected,
                               rtol=1e-6)


# ---- the llm.c pairing rule: X_forward -> (out, cache), X_backward(dout, cache) ----------------------

def test_layer_forwards_return_out_and_cache_and_frameworks_the_output():
    out, cache = n.dense_forward(X, W, B)
    np.testing.assert_array_equal(autograd.output(n.dense_forward, X, W, B), out)
    assert len(n.dense_backward(np.ones_like(out), cache)) == 3  # dx, dW, db in the forward's order
    assert isinstance(t.dense_forward(*map(torch.from_numpy, (X, W, B))), torch.Tensor)
    assert tf.is_tensor(k.dense_forward(*map(tf.constant, (X, W, B))))


def test_vjp_pairs_a_layer_with_its_backward_and_checks_the_pair():
    dout = np.ones((3, 2), np.float32)
    out, grads = autograd.vjp(n.dense_forward, (X, W, B), dout)
    assert out.shape == (3, 2) and [g.shape for g in grads] == [X.shape, W.shape, B.shape]
    np.testing.assert_allclose(grads[2], [3.0, 3.0])  # the bias gradient sums dout over the batch

    def broken_forward(x):  # a layer-style name that does not return (out, cache)
        return x
    with pytest.raises(TypeError, match="broken_forward must return"):
        autograd.output(broken_forward, X)


def test_dout_of_the_wrong_shape_or_dtype_is_rejected():
    _, cache = n.dense_forward(X, W, B)
    with pytest.raises(ValueError, match=r"\bdout\b"):
        n.dense_backward(np.ones((3, 3), np.float32), cache)
    with pytest.raises(TypeError, match=r"\bdout\b"):
        n.dense_backward(np.ones((3, 2), np.float64), cache)


# ---- the conventions table against the frameworks ----------------------------------------------

def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_batchnorm_defaults_are_the_frameworks_own():
    bn, kbn = torch.nn.BatchNorm1d, keras.layers.BatchNormalization
    for concept in ("batchnorm", "batchnorm_inference"):
        assert _default(bn, "eps") == convention(concept, "torch").defaults["eps"]
        assert _default(kbn, "epsilon") == convention(concept, "keras").defaults["eps"]
    assert _default(bn, "momentum") == convention("batchnorm_running_stats", "torch").defaults["momentum"]
    assert _default(kbn, "momentum") == convention("batchnorm_running_stats", "keras").defaults["momentum"]
    torch_related = convention("batchnorm_running_stats", "torch").related
    assert torch.all(bn(4).running_var == torch_related["torch.nn.BatchNorm1d.running_var"])
    assert torch.all(bn(4).running_mean == 0)
    keras_related = convention("batchnorm_running_stats", "keras").related
    key = "keras.layers.BatchNormalization.moving_variance_initializer"
    assert _default(kbn, "moving_variance_initializer") == keras_related[key]
    assert _default(kbn, "moving_mean_initializer") == "zeros"


def test_dense_weight_layouts():
    assert tuple(torch.nn.Linear(4, 2).weight.shape) == (2, 4)  # (out, in)
    assert convention("dense", "torch").related["torch.nn.Linear.weight.shape"] == "(out, in)"
    layer = keras.layers.Dense(2)
    layer.build((None, 4))
    assert tuple(layer.kernel.shape) == (4, 2)  # (in, out): the NumPy layout
    assert convention("dense", "keras").related["keras.layers.Dense.kernel.shape"] == "(in, out)"


def _torch_step(x, mean, var, momentum):
    module = torch.nn.BatchNorm1d(x.shape[1], momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        module.running_mean.copy_(torch.from_numpy(mean))
        module.running_var.copy_(torch.from_numpy(var))
        module.train()(torch.from_numpy(x))
    return np.stack([module.running_mean.numpy(), module.running_var.numpy()])


def _keras_step(x, mean, var, momentum):
    layer = keras.layers.BatchNormalization(momentum=momentum, dtype="float64")
    layer.build((None, x.shape[1]))
    layer.moving_mean.assign(mean)
    layer.moving_variance.assign(var)
    layer(tf.constant(x), training=True)
    return np.stack([layer.moving_mean.numpy(), layer.moving_variance.numpy()])


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_running_statistics_follow_each_frameworks_formula(framework):
    rng = np.random.default_rng(0)
    x, mean, var = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    step = {"torch": _torch_step, "keras": _keras_step}[framework](x, mean, var, 0.2)
    formula = convention("batchnorm_running_stats", framework).formula
    np.testing.assert_allclose(step, n.batchnorm_running_stats(x, mean, var, momentum=0.2, **formula), rtol=1e-13)
    for key, other in (("momentum_weights", {"batch": "running", "running": "batch"}), ("var_ddof", {0: 1, 1: 0})):
        flipped = {**formula, key: other[formula[key]]}
        assert not np.allclose(step, n.batchnorm_running_stats(x, mean, var, momentum=0.2, **flipped))


def test_both_normalise_with_the_biased_batch_variance():
    x = np.array([[0.0, 1.0], [1.0, 3.0], [5.0, 2.0]])
    ones, zeros = np.ones(2), np.zeros(2)
    expected = n.batchnorm_forward(x, ones, zeros, eps=1e-3)[0]
    unbiased = (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + 1e-3)
    with keras_floatx("float64"):
        got = {"torch": t.batchnorm_forward(*map(torch.from_numpy, (x, ones, zeros)), eps=1e-3).numpy(),
               "keras": k.batchnorm_forward(*map(tf.constant, (x, ones, zeros)), eps=1e-3).numpy()}
    for out in got.values():
        np.testing.assert_allclose(out, expected, rtol=1e-13)
        assert not np.allclose(out, unbiased)


def test_keras_epsilon_is_not_rounded_to_float32_in_float64():
    x = np.array([[1e-4, -2e-4], [-1e-4, 2e-4]])  # mean 0, variance << eps: the output is ~ x / sqrt(eps)
    ones, zeros = np.ones(2), np.zeros(2)
    with keras_floatx("float64"):
        got = k.batchnorm_forward(*map(tf.constant, (x, ones, zeros)), eps=1e-3).numpy()
    np.testing.assert_allclose(got, n.batchnorm_forward(x, ones, zeros, eps=1e-3)[0], rtol=1e-14)
    rounded = n.batchnorm_forward(x, ones, zeros, eps=float(np.float32(1e-3)))[0]
    assert not np.allclose(got, rounded, rtol=1e-10, atol=0)  # float32(1e-3) is 4.7e-11 off: 2.4e-8 relative


def test_keras_layers_compute_in_floatx_by_default():
    assert keras.config.floatx() == convention("dense", "keras").defaults["dtype"]
    x, w, b = (a.astype(np.float64) for a in (X, W, B))
    out = k.dense_forward(*map(tf.constant, (x, w, b)))
    assert out.dtype == tf.float32  # float64 weights and inputs, computed and returned in float32
    np.testing.assert_array_equal(out.numpy(), n.dense_forward(x, w, b, dtype="float32")[0])
    assert t.dense_forward(*map(torch.from_numpy, (x, w, b))).dtype == torch.float64


# ---- the conventions the gaps are attributed to ---------------------------------------------------

def _row(concept, variant, dtype, kwargs=None, quantity="forward"):
    """The torch~keras row of one run (aligned: the row's first set unless ``kwargs`` is given)."""
    case = ROW[concept]
    if kwargs is None:
        kwargs = case.aligned[0] if variant == "aligned" else {}
    rows = execute(Run(case, variant, {**case.required, **kwargs}, dtype, "typical"), SEED)
    return next(r for r in rows if (r["impl_a"], r["impl_b"], r["quantity"]) == ("torch", "keras", quantity))


@pytest.mark.parametrize("quantity", ["forward", "grad_x", "grad_gamma"])
def test_batchnorm_defaults_gap_is_the_epsilon(quantity):
    for concept in ("batchnorm", "batchnorm_inference"):
        row = _row(concept, "defaults", "float32", quantity=quantity)
        assert row["status"] == "expected" and "eps (torch=1e-05, keras=0.001)" in row["cause"], row["cause"]
        assert _row(concept, "aligned", "float32", quantity=quantity)["status"] == "match"


def test_running_statistics_gaps_name_the_momentum_form_and_the_variance_bias():
    half = _row("batchnorm_running_stats", "aligned", "float64", {"momentum": 0.5, "dtype": None})
    assert half["status"] == "expected" and "var_ddof (torch=1, keras=0)" in half["cause"]
    assert "momentum_weights" not in half["cause"]  # at m = 0.5 both forms weigh old and new alike
    tenth = _row("batchnorm_running_stats", "aligned", "float64", {"momentum": 0.1, "dtype": None})
    assert tenth["status"] == "expected" and "momentum_weights (torch='batch', keras='running')" in tenth["cause"]


def test_keras_float32_layers_in_a_float64_run_are_expected_with_their_cause():
    for concept in ("dense", "residual"):
        row = _row(concept, "defaults", "float64")
        assert row["status"] == "expected" and "dtypes differ: float64 vs float32" in row["cause"]
        assert "dtype (torch=None, keras='float32')" in row["cause"]
        assert _row(concept, "defaults", "float64", quantity="grad_x")["status"] == "match"  # within float32
