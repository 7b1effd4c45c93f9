"""hinge, squared_hinge, kl_divergence, js_divergence, poisson: bad input, the conventions table against
the installed frameworks, the identity CE(P, Q) = H(P) + KL(P || Q) in every package, and the parity
matrix of these rows (the causes it names, finite differences)."""
import inspect
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import keras_impl.losses_probabilistic as k
import reference_numpy.losses_probabilistic as n
import torch_impl.losses_probabilistic as t

from tests.badinput import CONVERT, assert_rejected_alike
from parity_tests.conventions import convention
from parity_tests.conventions.losses_probabilistic import KERAS_EPSILON

NAMES = ["hinge", "squared_hinge", "kl_divergence", "js_divergence", "poisson"]
FNS = {name: (getattr(n, name), getattr(t, name), getattr(k, name)) for name in NAMES}
F32 = np.float32
P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], F32)
SCORES = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.2]], F32)
SIGNED = np.array([[1, -1, 1], [-1, 1, 1]], F32)


def _with(a, index, value):
    out = a.copy()
    out[index] = value
    return out


# (label, concept, positional arrays, keywords, exception, argument named)
BAD = [
    ("(N,1) vs (N,) not broadcast", "hinge", (SCORES[:, :1], SCORES[:, 0]), {}, ValueError, "y_true"),
    ("NaN score", "hinge", (_with(SCORES, (0, 0), np.nan), SIGNED), {}, ValueError, "y_pred"),
    ("integer labels", "hinge", (SCORES, SIGNED.astype(np.int64)), {}, TypeError, "y_true"),
    ("mixed dtypes", "squared_hinge", (SCORES, SIGNED.astype(np.float64)), {}, TypeError, "y_true"),
    ("labels mix {0,1} with -1", "hinge", (SCORES, _with(SIGNED, (0, 0), 0.0)), {}, ValueError, "y_true"),
    ("label 0.5", "squared_hinge", (SCORES, _with(SIGNED, (1, 2), 0.5)), {}, ValueError, "y_true"),
    ("hinge has no batchmean", "hinge", (SCORES, SIGNED), {"reduction": "batchmean"}, ValueError, "reduction"),
    ("negative probability", "kl_divergence", (_with(P, (0, 0), -0.1), P), {}, ValueError, "y_pred"),
    ("target above 1", "kl_divergence", (P, _with(P, (1, 1), 1.5)), {}, ValueError, "y_true"),
    ("NaN target", "kl_divergence", (P, _with(P, (0, 1), np.nan)), {}, ValueError, "y_true"),
    ("KL (N,3) vs (N,2)", "kl_divergence", (P, P[:, :2]), {}, ValueError, "y_true"),
    ("unknown KL reduction", "kl_divergence", (P, P), {"reduction": "avg"}, ValueError, "reduction"),
    ("JS probability above 1", "js_divergence", (_with(P, (1, 0), 1.2), P), {}, ValueError, "y_pred"),
    ("JS integer target", "js_divergence", (P, (P > 0.5).astype(np.int32)), {}, TypeError, "y_true"),
    ("negative counts", "poisson", (P, _with(P, (0, 0), -1.0)), {}, ValueError, "y_true"),
    ("negative rate", "poisson", (_with(P, (0, 2), -0.5), P), {"log_input": False}, ValueError, "y_pred"),
    ("poisson has no batchmean", "poisson", (P, P), {"reduction": "batchmean"}, ValueError, "reduction"),
]


@pytest.mark.parametrize("label, concept, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, concept, args, kwargs, exc, name):
    assert_rejected_alike(FNS[concept], args, kwargs, exc, name)


def test_a_negative_log_rate_is_valid_input():
    x = _with(P, (0, 0), -3.0)
    for framework, fn in zip(CONVERT, FNS["poisson"]):
        assert np.isfinite(np.asarray(fn(CONVERT[framework](x), CONVERT[framework](P), log_input=True)))


# ---- the conventions table ----------------------------------------------------------------------

def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_loss_defaults_match_the_frameworks_own():
    assert _default(F.kl_div, "reduction") == convention("kl_divergence", "torch").defaults["reduction"] == "mean"
    assert _default(F.kl_div, "log_target") is convention("kl_divergence", "torch").related["F.kl_div.log_target"]
    assert _default(F.poisson_nll_loss, "log_input") is convention("poisson", "torch").defaults["log_input"]
    assert _default(F.poisson_nll_loss, "eps") == convention("poisson", "torch").formula["eps"]
    assert _default(F.poisson_nll_loss, "full") is convention("poisson", "torch").related["F.poisson_nll_loss.full"]
    for cls in (keras.losses.Hinge, keras.losses.SquaredHinge, keras.losses.KLDivergence, keras.losses.Poisson):
        assert _default(cls, "reduction") == "sum_over_batch_size"  # the suite's "mean"
    assert "log_input" not in inspect.signature(keras.losses.Poisson).parameters  # Keras takes the rate
    assert keras.config.epsilon() == KERAS_EPSILON == convention("kl_divergence", "keras").formula["clip"]
    assert KERAS_EPSILON == convention("poisson", "keras").formula["eps"]


def test_keras_converts_hinge_labels_only_when_every_label_is_zero_or_one():
    y01 = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    p = SCORES.astype(np.float64)
    assert np.allclose(keras.losses.hinge(y01, p), np.maximum(1 - (2 * y01 - 1) * p, 0).mean(-1))
    assert np.allclose(keras.losses.hinge(2 * y01 - 1, p), keras.losses.hinge(y01, p))
    y_half = _with(y01, (0, 0), 0.5)  # one non-binary label: nothing is converted
    assert np.allclose(keras.losses.hinge(y_half, p), np.maximum(1 - y_half * p, 0).mean(-1))
    for labels in (y01, 2 * y01 - 1):
        np.testing.assert_allclose(keras.losses.hinge(labels, p).numpy().mean(),
                                   n.hinge(p, labels, binary_labels="convert"), rtol=1e-12)
    torch_loss = t.hinge(torch.from_numpy(p), torch.from_numpy(y01))
    assert np.isclose(torch_loss.item(), n.hinge(p, y01, binary_labels="as_given"))
    assert not np.isclose(torch_loss.item(), n.hinge(p, y01, binary_labels="convert"))


def test_hinge_gradient_at_the_kink_is_the_margins_in_both_frameworks():
    y = np.array([[1.0, -1.0, 1.0]])
    p = y.copy()  # 1 - y*p == 0 exactly
    pt = torch.tensor(p, requires_grad=True)
    (torch_grad,) = torch.autograd.grad(t.hinge(pt, torch.tensor(y), reduction="sum"), pt)
    pk = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(pk)
        loss = k.hinge(pk, tf.constant(y), reduction="sum", dtype="float64")
    keras_grad = tape.gradient(loss, pk).numpy()
    assert convention("hinge", "torch").formula["grad_at_kink"] == convention("hinge", "keras").formula["grad_at_kink"]
    np.testing.assert_array_equal(torch_grad.numpy(), -y)
    np.testing.assert_array_equal(keras_grad, -y / 3)  # per-sample mean over 3 columns
    np.testing.assert_array_equal(n.hinge_backward(np.array(1.0), p, y, reduction="sum", grad_at_kink="active"), -y)
    assert not np.any(n.hinge_backward(np.array(1.0), p, y, reduction="sum", grad_at_kink="zero"))


def test_torch_kl_div_takes_log_probabilities_and_its_mean_divides_by_every_element():
    q, p = torch.tensor(P, dtype=torch.float64), torch.tensor(P[::-1].copy(), dtype=torch.float64)
    terms = p * (p.log() - q.log())
    with pytest.warns(UserWarning, match="batchmean"):
        mean = F.kl_div(q.log(), p)  # the default reduction
    assert torch.isclose(mean, terms.sum() / terms.numel())
    assert torch.isclose(F.kl_div(q.log(), p, reduction="batchmean"), terms.sum() / len(terms))
    assert torch.isclose(mean * P.shape[1], F.kl_div(q.log(), p, reduction="batchmean"))
    assert not torch.isclose(F.kl_div(q, p, reduction="sum"), terms.sum())  # probabilities are the wrong input


def test_torch_kl_div_at_a_zero_prediction_is_inf_or_nan_and_numpy_agrees():
    q = torch.tensor([[0.0, 0.0, 1.0]], dtype=torch.float64)
    p = torch.tensor([[0.0, 0.5, 0.5]], dtype=torch.float64)
    out = F.kl_div(q.log(), p, reduction="none")
    assert torch.isnan(out[0, 0]) and torch.isinf(out[0, 1])  # 0 * log 0, and t > 0 = q
    np.testing.assert_array_equal(n.kl_divergence(q.numpy(), p.numpy(), reduction="none", clip=None), out.numpy())


def test_keras_kl_clips_both_arguments_to_epsilon_one_with_boundaries_included():
    p = np.array([[0.5, 0.5, 0.0]])
    q = tf.constant([[1e-12, KERAS_EPSILON, 1.0]])
    assert np.isclose(keras.losses.kl_divergence(p, q).numpy()[0],
                      keras.losses.kl_divergence(p, tf.constant([[KERAS_EPSILON, KERAS_EPSILON, 1.0]])).numpy()[0])
    with tf.GradientTape() as tape:
        tape.watch(q)
        loss = keras.losses.kl_divergence(np.float32(p), q)
    grad = tape.gradient(loss, q).numpy()
    assert grad[0, 0] == 0 and grad[0, 1] < 0 and grad[0, 2] != 0  # below eps: 0; at eps and at 1: passed
    np.testing.assert_allclose(n.kl_divergence_backward(np.array(1, F32), q.numpy(), np.float32(p), reduction="sum",
                                                        clip=KERAS_EPSILON), grad, rtol=1e-6)
    assert k.kl_divergence(tf.constant(P), tf.constant(P), reduction="none").shape == (2,)  # summed per sample


def test_poisson_eps_of_each_framework():
    zero, one = np.zeros((1, 1)), np.ones((1, 1))
    torch_rate = F.poisson_nll_loss(torch.tensor(zero), torch.tensor(one), log_input=False).item()
    assert np.isclose(torch_rate, -np.log(convention("poisson", "torch").formula["eps"]))
    assert np.isclose(keras.losses.poisson(one, zero).numpy()[0], -np.log(KERAS_EPSILON), rtol=1e-6)
    x = torch.tensor([[-20.0]], dtype=torch.float64)  # log_input=True: exp(x) - t*x, eps unused in torch
    assert np.isclose(F.poisson_nll_loss(x, torch.tensor(one)).item(), np.exp(-20.0) + 20.0)
    keras_log = k.poisson(tf.constant(x.numpy()), tf.constant(one), log_input=True, dtype="float64").numpy()
    assert np.isclose(keras_log, n.poisson(x.numpy(), one, eps=KERAS_EPSILON, log_input_eps=True))
    assert keras_log < 20.0 - 2.0  # eps inside the log: -log(exp(-20) + 1e-7) is about 16.1


# ---- CE(P, Q) = H(P) + KL(P || Q) ---------------------------------------------------------------

def _rows(seed=0, shape=(6, 5)):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((2,) + shape)
    e = np.exp(z - z.max(-1, keepdims=True))
    p, q = e / e.sum(-1, keepdims=True)
    assert min(p.min(), q.min()) > 1e3 * KERAS_EPSILON  # Keras's clipping is not engaged
    return p, q


def test_cross_entropy_is_entropy_plus_kl_in_numpy():
    p, q = _rows()
    ce, h = -(p * np.log(q)).sum(-1), -(p * np.log(p)).sum(-1)
    np.testing.assert_allclose(ce, h + n.kl_divergence(q, p, reduction="none").sum(-1), rtol=1e-12)
    keras_kl = n.kl_divergence(q, p, reduction="none", unreduced="per_sample_sum", clip=KERAS_EPSILON)
    np.testing.assert_allclose(ce, h + keras_kl, rtol=1e-12)


def test_cross_entropy_is_entropy_plus_kl_in_torch():
    p, q = map(torch.from_numpy, _rows())
    ce = F.cross_entropy(q.log(), p, reduction="none")  # probability targets; log_softmax(log q) = log q
    h = torch.special.entr(p).sum(-1)
    torch.testing.assert_close(ce, h + t.kl_divergence(q, p, reduction="none").sum(-1), rtol=1e-12, atol=0)
    torch.testing.assert_close(F.cross_entropy(q.log(), p), h.mean() + t.kl_divergence(q, p, reduction="batchmean"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wrong = h.mean() + t.kl_divergence(q, p)  # torch's default 'mean' is the KL mean / D
    assert not torch.isclose(F.cross_entropy(q.log(), p), wrong)


def test_cross_entropy_is_entropy_plus_kl_in_keras():
    p, q = map(tf.constant, _rows())
    ce = keras.losses.categorical_crossentropy(p, q)
    h = -keras.ops.sum(p * keras.ops.log(p), axis=-1)
    kl = k.kl_divergence(q, p, reduction="none", dtype="float64")
    np.testing.assert_allclose(ce.numpy(), (h + kl).numpy(), rtol=1e-12)
    batch_ce = keras.losses.CategoricalCrossentropy(dtype="float64")(p, q)
    np.testing.assert_allclose(batch_ce.numpy(), (keras.ops.mean(h) + k.kl_divergence(q, p, dtype="float64")).numpy(),
                               rtol=1e-12)


# ---- the parity matrix of these rows ------------------------------------------------------------

@pytest.fixture
def rows(parity_rows):
    """This group's rows from the session's parity run (no FAIL/ERROR is test_parity's job)."""
    return [r for r in parity_rows["all"] if r["concept"] in NAMES]


def _row(rows, concept, variant, dtype, regime, quantity="forward", pair=("torch", "keras"), **kwargs):
    found = [r for r in rows if (r["concept"], r["variant"], r["dtype"], r["inputs"], r["quantity"]) ==
             (concept, variant, dtype, regime, quantity) and (r["impl_a"], r["impl_b"]) == pair
             and all(f'"{key}": {value}' in r["kwargs"] for key, value in kwargs.items())]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("concept, variant, dtype, regime, quantity, kwargs, status, causes", [
    ("hinge", "aligned", "float64", "typical", "forward", {"reduction": '"mean"'}, "match", ()),
    ("hinge", "aligned", "float64", "kink", "grad_y_pred", {"reduction": '"mean"'}, "match", ()),
    ("hinge", "aligned", "float64", "labels01", "forward", {"reduction": '"mean"'}, "expected", ("binary_labels",)),
    ("squared_hinge", "defaults", "float32", "labels01", "grad_y_pred", {}, "expected", ("binary_labels",)),
    ("kl_divergence", "aligned", "float64", "typical", "forward", {"reduction": '"batchmean"'}, "match", ()),
    ("kl_divergence", "defaults", "float32", "typical", "forward", {}, "expected", ("unreduced",)),
    ("kl_divergence", "aligned", "float64", "saturated", "forward", {"reduction": '"sum"'}, "expected", ("clip",)),
    ("js_divergence", "aligned", "float64", "typical", "grad_y_pred", {"reduction": '"sum"'}, "match", ()),
    ("js_divergence", "aligned", "float64", "saturated", "grad_y_pred", {"reduction": '"sum"'}, "expected", ("clip",)),
    ("poisson", "defaults", "float32", "typical", "forward", {}, "expected", ("log_input",)),
    ("poisson", "aligned", "float64", "saturated", "forward", {"log_input": "false", "reduction": '"sum"'},
     "expected", ("formula.eps",)),
    # log(exp(x) + 1e-7) vs x moves the loss by ~1e-7 e^-x t: below tolerance, so only the reduction shows
    ("poisson", "aligned", "float64", "typical", "forward", {"log_input": "true", "reduction": '"sum"'},
     "expected", ("unreduced",)),
    ("poisson", "aligned", "float64", "typical", "forward", {"log_input": "true", "reduction": '"mean"'},
     "match", ()),
])
def test_parity_rows_name_the_right_convention(rows, concept, variant, dtype, regime, quantity, kwargs, status, causes):
    row = _row(rows, concept, variant, dtype, regime, quantity, **kwargs)
    assert row["status"] == status, row["cause"]
    for cause in causes:
        assert cause in row["cause"]


def test_expected_gaps_at_a_zero_prediction_are_attributed_to_clipping(rows):
    """torch's NaN/inf at q = 0 (F.kl_div of log 0) against Keras's clipped value: the clip, not the reduction."""
    for concept in ("kl_divergence", "js_divergence"):
        row = _row(rows, concept, "aligned", "float64", "zero_pred", "grad_y_pred", reduction='"sum"')
        assert row["status"] == "expected" and "formula.clip" in row["cause"] and "unreduced" not in row["cause"]


# ---- Keras on JAX and torch (parity_tests/conventions/keras_backends.py): the keys their rows set, against the
# backends' own ops on Keras's formulas ----

def _jax_grad(fn, x):
    import jax
    return np.asarray(jax.grad(fn)(x))


def _torch_grad(fn, x):
    leaf = torch.tensor(x, requires_grad=True)
    (grad,) = torch.autograd.grad(fn(leaf), leaf)
    return grad.numpy()


def test_hinge_on_jax_and_torch_shares_a_tie_at_the_kink():
    """keras.losses.hinge is ops.mean(ops.maximum(1 - y*p, 0), -1): jnp.maximum and torch.maximum share a tie's
    gradient equally, so p with y*p == 1 gets -y/2 (grad_at_kink="split"), where TF's Maximum gives the tie to the
    margin: -y ("active", the Keras convention)."""
    import jax.numpy as jnp
    p = np.array([[1.0, -1.0, 0.5], [2.0, 0.5, 1.0]], F32)
    y = np.array([[1, -1, 1], [1, 1, -1]], F32)  # ties at (0, 0), (0, 1)
    dout = np.array([1.0, -3.0], F32)
    wants = {"jax": _jax_grad(lambda x: jnp.sum(jnp.mean(jnp.maximum(1.0 - y * x, 0.0), axis=-1) * dout), p),
             "torch": _torch_grad(lambda x: (torch.maximum(1.0 - torch.tensor(y) * x, torch.tensor(0.0)).mean(-1)
                                             * torch.tensor(dout)).sum(), p)}
    for backend, want in wants.items():
        kwargs = convention("hinge", f"keras[{backend}]").numpy_kwargs({"reduction": "none"})
        assert kwargs["grad_at_kink"] == "split"
        np.testing.assert_allclose(n.hinge_backward(dout, p, y, **kwargs), want, rtol=1e-6)
    tf_grad = n.hinge_backward(dout, p, y, **convention("hinge", "keras").numpy_kwargs({"reduction": "none"}))
    np.testing.assert_allclose(tf_grad[0, :2], 2 * wants["jax"][0, :2], rtol=1e-6)
    with pytest.raises(ValueError, match="grad_at_kink"):
        n.hinge_backward(dout, p, y, reduction="none", grad_at_kink="half")


def test_kl_divergence_on_jax_passes_half_the_gradient_on_a_clip_bound():
    """keras.losses.kl_divergence clips y_pred with ops.clip to [epsilon(), 1]: jnp.clip is minimum(max, maximum(min,
    x)), so q on a bound ties and passes half the gradient (clip_grad="half"); torch.clip, like TF's ClipByValue,
    passes it whole ("inclusive": keras[torch] needs no row)."""
    import jax.numpy as jnp
    q = np.array([[F32(KERAS_EPSILON), 0.5, 1.0], [0.2, 0.3, 0.5]], F32)  # both bounds, then interior values
    t = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]], F32)
    dout = np.array([1.0, 2.0], F32)

    def keras_kl(clip, log, x, target, upstream):
        c, ct = clip(x, KERAS_EPSILON, 1.0), clip(target, KERAS_EPSILON, 1.0)
        return ((ct * log(ct / c)).sum(-1) * upstream).sum()
    wants = {"jax": _jax_grad(lambda x: keras_kl(jnp.clip, jnp.log, x, jnp.asarray(t), jnp.asarray(dout)), q),
             "torch": _torch_grad(lambda x: keras_kl(torch.clip, torch.log, x, torch.tensor(t), torch.tensor(dout)),
                                  q)}
    for backend, want in wants.items():
        kwargs = convention("kl_divergence", f"keras[{backend}]").numpy_kwargs({"reduction": "none"})
        np.testing.assert_allclose(n.kl_divergence_backward(dout, q, t, **kwargs), want, rtol=1e-6)
    assert convention("kl_divergence", "keras[jax]").formula["clip_grad"] == "half"
    np.testing.assert_allclose(wants["jax"][0, [0, 2]], wants["torch"][0, [0, 2]] / 2, rtol=1e-6)
    for fn, args in ((n.kl_divergence, (q, t)), (n.kl_divergence_backward, (dout, q, t))):
        with pytest.raises(ValueError, match="clip_grad"):
            fn(*args, reduction="none", clip=KERAS_EPSILON, clip_grad="exclusive")
