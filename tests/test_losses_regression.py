"""Regression losses against the frameworks' own APIs, called directly (torch.nn.functional and keras.losses, never
this project's wrappers): ``reference_numpy.losses_regression`` under each framework's convention
(``convention(concept, fw).numpy_kwargs(...)``) reproduces the framework's call on seeded inputs, over every
reduction and a grid of hyperparameters, and in the defaults a user gets -- where torch and Keras differ (the
compute dtype, what ``reduction="none"`` returns) the reference reproduces each."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import reference_numpy.losses_regression as n

from parity_tests import DEFAULT_SEED
from parity_tests.conventions import convention, differing

SEEDS = (DEFAULT_SEED, 1, 7)
SHAPE = (16, 5)
KERAS_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": "none"}  # the table's name -> Keras's
REDUCTIONS = tuple(KERAS_REDUCTION)


def _inputs(seed, dtype="float64"):
    """(y_pred, y_true): errors of either sign, on both sides of every delta/beta below."""
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=SHAPE)
    y_pred = y_true + rng.normal(scale=1.5, size=SHAPE)
    return y_pred.astype(dtype), y_true.astype(dtype)


# Each framework's own call: (y_pred, y_true as float64 arrays, reduction or None for the framework's default,
# hyperparameters) -> numpy. Keras losses take (y_true, y_pred); ``dtype`` None leaves Keras at floatx.
def _torch(fn, hyper_names=()):
    def call(p, t, reduction=None, dtype=None, **hyper):
        kwargs = {name: hyper[name] for name in hyper_names if name in hyper}
        if reduction is not None:
            kwargs["reduction"] = reduction
        return fn(torch.from_numpy(p), torch.from_numpy(t), **kwargs).numpy()
    return call


def _keras(cls, hyper_names=(), scale=None):
    def call(p, t, reduction=None, dtype=None, **hyper):
        kwargs = {name: hyper[name] for name in hyper_names if name in hyper}
        if reduction is not None:
            kwargs["reduction"] = KERAS_REDUCTION[reduction]
        if dtype is not None:
            kwargs["dtype"] = dtype
        out = keras.ops.convert_to_numpy(cls(**kwargs)(tf.constant(t), tf.constant(p)))
        return out / out.dtype.type(scale(hyper)) if scale else out
    return call


def _torch_log_cosh(p, t, reduction=None, dtype=None):
    """torch ships no log-cosh loss: log(cosh(e)) with torch ops, reduced as torch losses are."""
    e = torch.from_numpy(p) - torch.from_numpy(t)
    loss = torch.log(torch.cosh(e))
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean(), None: loss.mean()}[reduction].numpy()


FRAMEWORK = {
    ("mse", "torch"): _torch(F.mse_loss),
    ("mse", "keras"): _keras(keras.losses.MeanSquaredError),
    ("mae", "torch"): _torch(F.l1_loss),
    ("mae", "keras"): _keras(keras.losses.MeanAbsoluteError),
    ("huber", "torch"): _torch(F.huber_loss, ("delta",)),
    ("huber", "keras"): _keras(keras.losses.Huber, ("delta",)),
    ("smooth_l1", "torch"): _torch(F.smooth_l1_loss, ("beta",)),
    # Keras has no SmoothL1: its convention is Huber(delta=beta) / beta
    ("smooth_l1", "keras"): _keras(lambda beta=None, **kw: keras.losses.Huber(
        **({"delta": beta} if beta is not None else {}), **kw), ("beta",),
        scale=lambda hyper: hyper.get("beta", convention("smooth_l1", "keras").defaults["beta"])),
    ("log_cosh", "torch"): _torch_log_cosh,
    ("log_cosh", "keras"): _keras(keras.losses.LogCosh),
}
HYPER = {"mse": ({},), "mae": ({},), "log_cosh": ({},),
         "huber": ({"delta": 0.3}, {"delta": 1.0}, {"delta": 2.5}),
         "smooth_l1": ({"beta": 0.25}, {"beta": 1.0}, {"beta": 3.0})}
ALIGNED = [(concept, fw, reduction, hyper, seed) for concept, hypers in HYPER.items() for fw in ("torch", "keras")
           for reduction in REDUCTIONS for hyper in hypers for seed in SEEDS]
RTOL64 = {"log_cosh": 1e-10}  # torch's log(cosh(e)) loses ~1e-12 relative for small e; the rest agree to 1e-12


# Keras's log_cosh subtracts ops.cast(ops.log(2.0), dtype): log 2 rounded through float32 even in float64 (not in the
# conventions table; the harness's float64 tolerance absorbs it). Each per-sample Keras loss is lower by this much.
KERAS_LOG2_SHIFT = float(np.float32(np.log(2.0))) - np.log(2.0)


def _known_gap(concept, fw, reduction):
    """What the framework's float64 result is known to differ from the reference by (see KERAS_LOG2_SHIFT)."""
    if (concept, fw) != ("log_cosh", "keras"):
        return 0.0
    return -KERAS_LOG2_SHIFT * (SHAPE[0] if reduction == "sum" else 1)


def _reference(concept, fw, p, t, aligned=None):
    return getattr(n, concept)(p, t, **convention(concept, fw).numpy_kwargs(aligned))


@pytest.mark.parametrize("concept, fw, reduction, hyper, seed", ALIGNED,
                         ids=[f"{c}-{fw}-{r}-{h}-{s}" for c, fw, r, h, s in ALIGNED])
def test_the_reference_under_each_convention_reproduces_the_framework_in_float64(concept, fw, reduction, hyper, seed):
    """Every reduction and hyperparameter passed alike, float64 compute on both sides (Keras told dtype=float64)."""
    p, t = _inputs(seed)
    want = FRAMEWORK[concept, fw](p, t, reduction=reduction, dtype="float64", **hyper)
    got = _reference(concept, fw, p, t, {"reduction": reduction, "dtype": None, **hyper})
    assert want.dtype == np.float64 and got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got + _known_gap(concept, fw, reduction), want, rtol=RTOL64.get(concept, 1e-12),
                               atol=1e-15)


@pytest.mark.parametrize("concept, fw", sorted(FRAMEWORK))
@pytest.mark.parametrize("seed", SEEDS)
def test_the_reference_reproduces_each_frameworks_bare_call(concept, fw, seed):
    """No hyperparameter passed: the framework's own defaults (delta, beta, reduction, compute dtype) on float64
    inputs; the reference gets the convention's defaults. A wrong default in the table fails here."""
    p, t = _inputs(seed)
    want = FRAMEWORK[concept, fw](p, t)
    got = _reference(concept, fw, p, t)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    rtol = RTOL64.get(concept, 1e-12) if want.dtype == np.float64 else 2e-6
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0)


@pytest.mark.parametrize("concept", sorted(HYPER))
@pytest.mark.parametrize("seed", SEEDS)
def test_where_the_defaults_differ_the_reference_reproduces_each_framework(concept, seed):
    """The conventions say torch computes float64 inputs in float64 and Keras in floatx (float32); bare calls
    show it, each reference run reproduces its own framework, and numpy[torch] does not reproduce Keras."""
    keys = {f"{d.group}.{d.key}" for d in differing(concept)}
    assert "defaults.dtype" in keys
    assert convention(concept, "keras").defaults["dtype"] == keras.config.floatx() == "float32"
    p, t = _inputs(seed)
    torch_out, keras_out = FRAMEWORK[concept, "torch"](p, t), FRAMEWORK[concept, "keras"](p, t)
    assert torch_out.dtype == np.float64 and keras_out.dtype == np.float32
    as_torch, as_keras = _reference(concept, "torch", p, t), _reference(concept, "keras", p, t)
    np.testing.assert_allclose(as_torch, torch_out, rtol=RTOL64.get(concept, 1e-12))
    np.testing.assert_allclose(as_keras, keras_out, rtol=2e-6)
    assert as_keras.dtype == np.float32 and as_torch.dtype == np.float64
    assert not np.allclose(as_torch, keras_out, rtol=1e-12, atol=0)  # the gap is the dtype's, and it is real
    assert not np.allclose(torch_out, keras_out, rtol=1e-12, atol=0)


@pytest.mark.parametrize("concept", sorted(HYPER))
def test_unreduced_losses_differ_in_shape_and_the_reference_reproduces_each(concept):
    """``reduction="none"``: torch keeps one loss per element, Keras one per sample (the last axis averaged)."""
    keys = {f"{d.group}.{d.key}" for d in differing(concept)}
    assert "formula.unreduced" in keys
    p, t = _inputs(DEFAULT_SEED)
    for fw, shape in (("torch", SHAPE), ("keras", SHAPE[:1])):
        want = FRAMEWORK[concept, fw](p, t, reduction="none", dtype="float64")
        got = _reference(concept, fw, p, t, {"reduction": "none", "dtype": None})
        assert want.shape == got.shape == shape, fw
        np.testing.assert_allclose(got + _known_gap(concept, fw, "none"), want, rtol=RTOL64.get(concept, 1e-12),
                                   atol=1e-15)


def _signature_default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_huber_and_smooth_l1_defaults_are_the_frameworks_and_matter():
    """delta/beta defaults read from the frameworks' signatures are the table's, and a different delta changes the
    loss on these inputs (so the bare-call test above would see a wrong one)."""
    torch_delta = _signature_default(F.huber_loss, "delta")
    keras_delta = _signature_default(keras.losses.Huber, "delta")
    assert convention("huber", "torch").defaults["delta"] == torch_delta
    assert convention("huber", "keras").defaults["delta"] == keras_delta
    assert convention("smooth_l1", "torch").defaults["beta"] == _signature_default(F.smooth_l1_loss, "beta")
    p, t = _inputs(DEFAULT_SEED)
    for fw, delta in (("torch", torch_delta), ("keras", keras_delta)):
        at_default = FRAMEWORK["huber", fw](p, t, dtype="float64")
        assert not np.allclose(at_default, FRAMEWORK["huber", fw](p, t, dtype="float64", delta=delta * 1.5), rtol=1e-6)
    assert np.abs(p - t).min() < min(torch_delta, keras_delta) < np.abs(p - t).max()  # both branches are exercised


def test_keras_smooth_l1_is_huber_over_beta_and_torch_agrees():
    """The Keras convention for smooth_l1 (Huber(delta=beta) / beta) is torch's SmoothL1Loss, by the frameworks."""
    p, t = _inputs(3)
    for beta in (0.25, 1.0, 3.0):
        torch_out = F.smooth_l1_loss(torch.from_numpy(p), torch.from_numpy(t), beta=beta).numpy()
        keras_out = keras.losses.Huber(delta=beta, dtype="float64")(tf.constant(t), tf.constant(p)).numpy() / beta
        np.testing.assert_allclose(keras_out, torch_out, rtol=1e-12)


def test_keras_log_cosh_subtracts_a_float32_log_2_in_float64():
    """The one float64 gap above, shown: Keras's per-sample log-cosh is below the exact one by float32(log 2) - log 2
    (1.9e-9), the same for every sample and seed; torch's log(cosh(e)) has no such offset."""
    for seed in SEEDS:
        p, t = _inputs(seed)
        exact = n.log_cosh(p, t, reduction="none", unreduced="per_sample")
        keras_out = FRAMEWORK["log_cosh", "keras"](p, t, reduction="none", dtype="float64")
        np.testing.assert_allclose(exact - keras_out, KERAS_LOG2_SHIFT, rtol=1e-4)
        torch_out = FRAMEWORK["log_cosh", "torch"](p, t, reduction="none")
        assert np.abs(torch_out.mean(axis=-1) - exact).max() < 1e-3 * KERAS_LOG2_SHIFT


# ---- Keras on JAX (parity_tests/conventions/keras_backends.py): the key its mae row sets, against JAX's own op ----

def test_mae_on_jax_gives_a_tie_the_slope_minus_one():
    """keras.losses.mean_absolute_error is ops.mean(ops.abs(y_true - y_pred), -1); JAX's abs has derivative +1 at 0
    (lax.abs's JVP: select(x >= 0, g, -g)), so a tie gets -1 w.r.t. y_pred: the keras[jax] convention's
    grad_at_zero="left". TensorFlow's and torch's Abs give 0 ("zero"), which the Keras convention keeps."""
    import jax
    import jax.numpy as jnp
    p = np.array([[0.5, -1.0, 2.0, 0.25], [1.0, 1.0, -3.0, 0.0]], np.float32)
    t = np.array([[0.5, 1.0, 2.0, -0.25], [1.0, 0.0, -3.0, 0.0]], np.float32)  # five ties
    dout = np.array([1.5, -2.0], np.float32)
    jax_grad = np.asarray(jax.grad(lambda x: jnp.sum(jnp.mean(jnp.abs(jnp.asarray(t) - x), axis=-1) * dout))(p))
    jax_kwargs = convention("mae", "keras[jax]").numpy_kwargs({"reduction": "none"})
    assert jax_kwargs["grad_at_zero"] == "left"
    np.testing.assert_allclose(n.mae_backward(dout, p, t, **jax_kwargs), jax_grad, rtol=1e-6)
    tf_kwargs = convention("mae", "keras").numpy_kwargs({"reduction": "none"})
    tf_grad = n.mae_backward(dout, p, t, **tf_kwargs)
    assert (tf_grad[p == t] == 0).all() and (tf_grad[p != t] == jax_grad[p != t]).all()
    right = n.mae_backward(dout, p, t, **{**jax_kwargs, "grad_at_zero": "right"})
    np.testing.assert_array_equal(right[p == t], -jax_grad[p == t])
    for fn, args in ((n.mae, (p, t)), (n.mae_backward, (dout, p, t))):
        with pytest.raises(ValueError, match="grad_at_zero"):
            fn(*args, grad_at_zero="sign")
