"""CTC: bad input alike in the three packages, the framework facts the conventions claim, the NumPy
reference's own properties, and the attribution of the case's torch~keras gaps to the right keys."""
import inspect
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F
from tensorflow.python.ops import ctc_ops

import keras_impl.losses_ctc as kc
import reference_numpy.autograd as ng
import reference_numpy.losses_ctc as nc
import torch_impl.losses_ctc as tc
from keras_impl.defaults import DEFAULT as KERAS_DEFAULT
from torch_impl.defaults import DEFAULT as TORCH_DEFAULT

from tests.badinput import CONVERT, assert_rejected_alike
from parity_tests.cases.losses_ctc import CASES, SHAPE, ctc_inputs
from parity_tests.schema import IMPLS
from parity_tests.conventions import FRAMEWORKS, convention
from parity_tests.inputs import rng_for

CASE = CASES[0]
FNS = (nc.ctc, tc.ctc, kc.ctc)
N, T, C, S = SHAPE


def _inputs(regime="typical", dtype="float32", seed=0):
    return ctc_inputs()(rng_for(seed, f"test/ctc/{regime}"), regime, np.dtype(dtype), ())


X = _inputs()
Z, Y, PL, LL = X["y_pred"], X["y_true"], X["pred_lengths"], X["label_lengths"]
with_blank = Y.copy()
with_blank[0, 0] = 0


def _bad(label, z=Z, y=Y, pl=PL, ll=LL, exc=ValueError, name="", **kwargs):
    return (label, (z, y, pl, ll), kwargs, exc, name)


BAD = [
    _bad("integer logits", z=np.ones((N, T, C), np.int64), exc=TypeError, name="y_pred"),
    _bad("logits not 3-D", z=Z[0], name="y_pred"),
    _bad("NaN logits", z=np.where(Z > 2, np.nan, Z).astype(np.float32), name="y_pred"),
    _bad("float labels", y=Y.astype(np.float32), exc=TypeError, name="y_true"),
    _bad("label out of range", y=np.where(Y == 1, C, Y), name="y_true"),
    _bad("negative label", y=-Y, name="y_true"),
    _bad("label equal to the blank", y=with_blank, name="y_true"),
    _bad("labels not 2-D", y=Y[:, :, None], name="y_true"),
    _bad("one label row missing", y=Y[:-1], name="y_true"),
    _bad("pred_lengths above T", pl=PL + T, name="pred_lengths"),
    _bad("negative pred_lengths", pl=PL - T, name="pred_lengths"),
    _bad("float pred_lengths", pl=PL.astype(np.float32), exc=TypeError, name="pred_lengths"),
    _bad("pred_lengths per sequence", pl=PL[:-1], name="pred_lengths"),
    _bad("label_lengths above S", ll=LL + S, name="label_lengths"),
    _bad("float label_lengths", ll=LL.astype(np.float64), exc=TypeError, name="label_lengths"),
    _bad("blank out of range", blank=C, name="blank"),
    _bad("blank not an int", blank=0.0, exc=TypeError, name="blank"),
    _bad("unknown reduction", reduction="batchmean", name="reduction"),
]


@pytest.mark.parametrize("label, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, args, kwargs, exc, name):
    assert_rejected_alike(FNS, args, kwargs, exc, name)


def test_infeasible_lengths_and_blank_padding_are_not_errors():
    x = _inputs("infeasible")
    padded = x["y_true"].copy()
    padded[3] = 0  # label_lengths[3] == 0: padding may hold any class, the blank included
    args = (x["y_pred"], padded, x["pred_lengths"], x["label_lengths"])
    out = [np.asarray(fn(*map(CONVERT[f], args), reduction="none")) for f, fn in zip(CONVERT, FNS)]
    assert np.isinf(out[0][1]) and np.isinf(out[1][1])  # one frame short of the repeat's blank
    assert 707 < out[2][1] < 800  # TensorFlow's log_zero floor
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6)


# ---- framework facts the conventions claim ----------------------------------------------------

def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_defaults_are_the_frameworks_own():
    torch_conv, keras_conv = convention("ctc", "torch"), convention("ctc", "keras")
    assert _default(F.ctc_loss, "blank") == torch_conv.defaults["blank"] and _default(tc.ctc, "blank") is TORCH_DEFAULT
    assert _default(F.ctc_loss, "reduction") == torch_conv.defaults["reduction"]
    assert _default(F.ctc_loss, "zero_infinity") is torch_conv.formula["zero_infinity"] is False
    module = torch.nn.CTCLoss()
    assert module.blank == torch_conv.related["torch.nn.CTCLoss.blank"]
    assert module.zero_infinity is torch_conv.related["torch.nn.CTCLoss.zero_infinity"]
    assert _default(keras.ops.ctc_loss, "mask_index") == keras_conv.defaults["blank"] and _default(kc.ctc, "blank") is KERAS_DEFAULT
    assert keras.losses.CTC().reduction == "sum_over_batch_size"


def test_tensorflow_log_zero_is_log_1e_307_in_float32():
    initial, final = ctc_ops.ctc_state_log_probs(tf.constant([1]), 2)
    assert initial.dtype == tf.float32
    assert float(initial[0, 1]) == nc.TF_LOG_ZERO == convention("ctc", "keras").formula["log_zero"]
    assert float(final[0, 0]) == nc.TF_LOG_ZERO and float(final[0, 1]) == 0.0  # label 1 is final


def test_keras_computes_ctc_in_float32_even_for_float64():
    x = _inputs(dtype="float64")
    args = [tf.constant(x[k]) for k in ("y_true", "y_pred", "label_lengths", "pred_lengths")]
    loss64 = keras.ops.ctc_loss(*args).numpy()
    args[1] = tf.cast(args[1], tf.float32)
    assert loss64.dtype == np.float64
    np.testing.assert_array_equal(loss64, keras.ops.ctc_loss(*args).numpy().astype(np.float64))
    exact = nc.ctc(x["y_pred"], x["y_true"], x["pred_lengths"], x["label_lengths"], reduction="none")
    assert not np.array_equal(loss64, exact)
    assert convention("ctc", "keras").formula["compute_dtype"] == "float32"
    as_keras = nc.ctc(x["y_pred"], x["y_true"], x["pred_lengths"], x["label_lengths"], reduction="none",
                      compute_dtype="float32", log_zero=nc.TF_LOG_ZERO)
    assert as_keras.dtype == np.float64
    np.testing.assert_allclose(loss64, as_keras, rtol=2e-6)


def test_keras_losses_ctc_takes_no_lengths_blank_zero_full_frames():
    """keras.losses.CTC = the wrapper with pred_lengths = T and label lengths = count of y_true != 0."""
    x = _inputs()
    padded = np.where(np.arange(S) < x["label_lengths"][:, None], x["y_true"], 0)
    full = np.full(N, T, dtype=np.int64)
    got = keras.losses.CTC(reduction=None)(tf.constant(padded), tf.constant(x["y_pred"])).numpy()
    want = kc.ctc(tf.constant(x["y_pred"]), tf.constant(padded), tf.constant(full), tf.constant(x["label_lengths"]),
                  reduction="none").numpy()
    np.testing.assert_array_equal(got, want)
    assert convention("ctc", "keras").related["keras.losses.CTC.lengths"] == "derived"


def test_input_space_torch_needs_log_probs_tensorflow_normalises_itself():
    x = _inputs(dtype="float64")
    z, shifted = x["y_pred"], x["y_pred"] + 5.0  # same softmax
    consts = [torch.from_numpy(x[k]) for k in ("y_true", "pred_lengths", "label_lengths")]
    raw = [F.ctc_loss(torch.from_numpy(a).transpose(0, 1), *consts, reduction="none") for a in (z, shifted)]
    assert not torch.allclose(raw[0], raw[1])  # F.ctc_loss does not normalise: the wrapper applies log_softmax
    kargs = [tf.constant(x[k]) for k in ("label_lengths", "pred_lengths")]
    k = [keras.ops.ctc_loss(tf.constant(x["y_true"]), tf.constant(a), *kargs).numpy() for a in (z, shifted)]
    np.testing.assert_allclose(k[0], k[1], rtol=1e-6)


def test_reduction_mean_torch_divides_by_label_length_keras_does_not():
    x = _inputs(dtype="float64")
    args = (x["y_pred"], x["y_true"], x["pred_lengths"], x["label_lengths"])
    per_seq = tc.ctc(*map(CONVERT["torch"], args), reduction="none").numpy()
    assert x["label_lengths"].min() == 0  # clamped to 1
    assert tc.ctc(*map(CONVERT["torch"], args)).item() == pytest.approx(np.mean(per_seq / np.maximum(x["label_lengths"], 1)))
    keras_per_seq = kc.ctc(*map(CONVERT["keras"], args), reduction="none").numpy()
    assert kc.ctc(*map(CONVERT["keras"], args)).numpy() == pytest.approx(np.mean(keras_per_seq))
    for fw in FRAMEWORKS:
        kw = convention("ctc", fw).numpy_kwargs({"dtype": None, "compute_dtype": None})  # the reduction alone
        want = np.mean(per_seq / np.maximum(x["label_lengths"], 1)) if kw["mean_by_label_length"] else np.mean(per_seq)
        assert nc.ctc(*args, **kw) == pytest.approx(want, rel=1e-12)


def test_torch_infinite_loss_nan_gradient_and_zero_infinity():
    x = _inputs("infeasible", dtype="float64")
    consts = (x["y_true"], x["pred_lengths"], x["label_lengths"])
    bad = np.arange(T) < x["pred_lengths"][1]
    for zero_infinity in (False, True):
        z = torch.from_numpy(x["y_pred"]).requires_grad_(True)
        loss = F.ctc_loss(F.log_softmax(z, -1).transpose(0, 1), *map(torch.from_numpy, consts), reduction="sum",
                          zero_infinity=zero_infinity)
        (grad,) = torch.autograd.grad(loss, z)
        out, (ngrad,) = ng.vjp(nc.ctc, (x["y_pred"],), np.array(1.0), consts, reduction="sum", zero_infinity=zero_infinity)
        assert bool(np.isinf(loss.item())) is bool(np.isinf(out)) is (not zero_infinity)
        assert bool(np.all(np.isnan(grad[1, bad].numpy()))) is (not zero_infinity)
        np.testing.assert_allclose(ngrad, grad.numpy(), rtol=1e-7, atol=1e-7)  # NaN where torch has NaN
        assert np.all(grad[1, ~bad].numpy() == 0) and np.all(ngrad[1, ~bad] == 0)


# ---- the NumPy reference alone -------------------------------------------------------------------

@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_reference_keeps_float32_and_large_inputs_stay_finite_without_warnings(framework):
    for regime, dtype in (("typical", "float32"), ("large", "float64"), ("large", "float32")):
        x = _inputs(regime, dtype)
        values = tuple(x.values())
        kw = convention("ctc", framework).numpy_kwargs(CASE.aligned[0])
        with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            warnings.simplefilter("error")
            out, (grad,) = ng.vjp(nc.ctc, values[:1], np.ones(N, dtype), values[1:], **kw)
        assert out.dtype == grad.dtype == np.dtype(dtype)
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))


def test_alpha_and_beta_give_the_same_likelihood_and_brute_force_agrees():
    """log P from alpha equals logsumexp(start + beta_0), and both equal a sum over every frame labelling."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((1, 4, 3))
    y, pl, ll = np.array([[1, 1]]), np.array([4]), np.array([2])
    lp = z[0] - np.log(np.exp(z[0]).sum(-1, keepdims=True))
    paths = np.stack(np.meshgrid(*[np.arange(3)] * 4, indexing="ij"), -1).reshape(-1, 4)

    def collapse(p):
        out = [c for i, c in enumerate(p) if (i == 0 or c != p[i - 1])]
        return [c for c in out if c != 0]
    total = np.logaddexp.reduce([lp[np.arange(4), p].sum() for p in paths if collapse(list(p)) == [1, 1]])
    assert nc.ctc(z, y, pl, ll, reduction="sum") == pytest.approx(-total, rel=1e-12)
    _, ext, skip, em, start, _, phi = nc._lattice(z, y, ll, 0, None, None)
    beta = nc._beta(em, skip, pl, phi)
    beta0_start = np.logaddexp.reduce((beta[0, 0] + em[0, 0])[:3])  # successors of the start state: itself, b, l_1
    assert beta0_start == pytest.approx(total, rel=1e-12)


# ---- the case's rows in the session's parity run (no FAIL/ERROR is test_parity's job) ----------------

def test_gaps_name_their_conventions(parity_rows):
    rows = [r for r in parity_rows["all"] if r["concept"] == "ctc" and r["impl_b"] in IMPLS]  # the TensorFlow process
    expected = [r for r in rows if r["status"] == "expected"]
    assert expected and all(r["impl_a"] == "torch" and r["impl_b"] == "keras" for r in expected)
    for r in expected:
        if r["inputs"] in ("large", "infeasible") and r["kwargs"] and '"none"' in r["kwargs"]:
            assert "formula.log_zero" in r["cause"], r["run"]
        if r["inputs"] == "typical" and r["variant"] == "aligned":
            assert "formula.mean_by_label_length" in r["cause"] and '"mean"' in r["kwargs"], r["run"]


def test_tensorflow_zero_width_labels_count_the_start_transition_twice():
    """A known TensorFlow quirk, outside the case table (its y_true always has S >= 1 columns): with a
    zero-width y_true (N, 0), _ctc_state_trans scatters start->blank_0 twice (start_to_label and
    label_to_blank are both [1, 0]), so the transition weighs 2 and the Keras loss is log 2 too low
    whenever the sequence has a frame. torch and the reference agree on the exact value."""
    rng = np.random.default_rng(1)
    args = (rng.standard_normal((3, 4, 5)), np.zeros((3, 0), np.int64), np.array([4, 1, 0]), np.zeros(3, np.int64))
    exact = nc.ctc(*args, reduction="none")
    np.testing.assert_allclose(tc.ctc(*map(CONVERT["torch"], args), reduction="none").numpy(), exact, rtol=1e-12)
    got = kc.ctc(*map(CONVERT["keras"], args), reduction="none", dtype="float64").numpy()
    np.testing.assert_allclose(got, exact - np.log(2.0) * (args[2] > 0), rtol=1e-6, atol=1e-6)


# ---- Keras on JAX (parity_tests/conventions/keras_backends.py): the lattice its ctc rows set ----------------

_JAX_CTC = """
import sys
import numpy as np
import jax
import jax.numpy as jnp
import keras
from keras.src import backend

d = np.load(sys.argv[1])
dout = d["dout"]


def loss(z):
    return keras.ops.ctc_loss(d["y_true"], z, d["label_lengths"], d["pred_lengths"], mask_index=0)


out = {"loss32": np.asarray(loss(d["y_pred"]))}
backend.result_type = lambda *dtypes: "float64"  # undo the 64-to-32 mapping (a known finding): the lattice exactly
value, grad = jax.value_and_grad(lambda z: jnp.sum(loss(z) * dout))(jnp.asarray(d["y_pred"]))
out |= {"loss64": np.asarray(loss(d["y_pred"])), "grad64": np.asarray(grad)}
np.savez(sys.argv[2], **out)
"""


def test_ctc_on_jax_relaxes_the_start_states_and_a_repeat_without_its_blank(tmp_path):
    """Keras's JAX ctc_loss (optax's recursion) starts every state but the first at log_epsilon = -1e5, adds it to
    a repeated label entered without its blank, and reads the loss at the final state exactly: the keras[jax]
    convention's log_zero=-1e5 with log_zero_at="start". On the infeasible sequence (one frame short) only that
    lattice gives the loss, 1e5 plus the best such path (TensorFlow's, "end": a path may end anywhere, differs by
    ~0.24), and the exact gradient; in float32 (what Keras computes in on JAX) the loss agrees to the rounding of
    values near 1e5 over 2T + 1 log-sum-exp steps."""
    import os
    import subprocess
    import sys
    x = _inputs("infeasible", "float64")
    dout = np.linspace(-1.0, 1.0, N)
    np.savez(tmp_path / "in.npz", dout=dout, **x)
    env = os.environ | {"KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "True", "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, "-c", _JAX_CTC, str(tmp_path / "in.npz"), str(tmp_path / "out.npz")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    got = np.load(tmp_path / "out.npz")
    args = (x["y_pred"], x["y_true"], x["pred_lengths"], x["label_lengths"])
    kwargs = convention("ctc", "keras[jax]").numpy_kwargs({"reduction": "none"})
    assert (kwargs["log_zero"], kwargs["log_zero_at"]) == (-1e5, "start")
    exact = {**kwargs, "compute_dtype": None, "dtype": None}
    loss, (grad,) = ng.vjp(nc.ctc, args[:1], dout, args[1:], **exact)
    np.testing.assert_allclose(got["loss64"], loss, rtol=1e-12)
    np.testing.assert_allclose(got["grad64"], grad, rtol=1e-9, atol=1e-11)
    assert got["loss64"][1] > 1e5 and abs(nc.ctc(*args, **{**exact, "log_zero_at": "end"})[1] - loss[1]) > 0.1
    float32_rounding = (2 * T + 1) * np.spacing(np.float32(1e5)) / 2
    np.testing.assert_allclose(got["loss32"], nc.ctc(*args, **kwargs), rtol=0, atol=float32_rounding)
    with pytest.raises(ValueError, match="log_zero_at"):
        nc.ctc(*args, log_zero_at="both")
