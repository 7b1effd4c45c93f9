"""Classification losses: the same exception for bad input from all three packages, and pins of the
framework facts the conventions table claims (defaults read from the frameworks, behaviours measured)."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import keras_impl.losses_classification as kc
import reference_numpy.autograd as ng
import reference_numpy.losses_classification as nc
import torch_impl.losses_classification as tc

from tests.badinput import assert_rejected_alike
from parity_tests.conventions import convention
from parity_tests.gradcheck import numeric_vjp

TO_NUMPY = {"numpy": np.asarray, "torch": lambda r: r.detach().numpy(), "keras": lambda r: np.asarray(r)}


def _fns(name):
    return tuple(getattr(m, name) for m in (nc, tc, kc))


P = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], dtype=np.float32)
T = np.array([[0.0, 1.0, 0.0], [0.3, 0.3, 0.4]], dtype=np.float32)
X = np.array([[1.5, -0.5, 0.2], [-2.0, 0.1, 3.0]], dtype=np.float32)
Y = np.array([1, 2], dtype=np.int64)
W = np.array([1.0, 2.0, 0.5], dtype=np.float32)
NAN = np.where(P > 0.6, np.nan, P).astype(np.float32)

# (label, function name, positional arrays, keywords, exception, argument named)
BAD = [
    ("bce prediction above 1", "binary_crossentropy", (P + 0.5, T), {}, ValueError, "y_pred"),
    ("bce negative target", "binary_crossentropy", (P, T - 0.5), {}, ValueError, "y_true"),
    ("bce (N,1) vs (N,)", "binary_crossentropy", (P[:, :1], P[:, 0]), {}, ValueError, "y_true"),
    ("bce NaN prediction", "binary_crossentropy", (NAN, T), {}, ValueError, "y_pred"),
    ("bce integer target", "binary_crossentropy", (P, T.astype(np.int64)), {}, TypeError, "y_true"),
    ("bce logits mixed dtypes", "binary_crossentropy_with_logits", (X, T.astype(np.float64)), {}, TypeError, "y_true"),
    ("bce logits (N,) vs (N,1)", "binary_crossentropy_with_logits", (X[:, 0], X[:, :1]), {}, ValueError, "y_true"),
    ("cce negative probability", "categorical_crossentropy", (P - 0.15, T), {}, ValueError, "y_pred"),
    ("cce 1-D prediction", "categorical_crossentropy", (P[0], T[0]), {}, ValueError, "y_pred"),
    ("cce logits shape", "categorical_crossentropy_with_logits", (X, T[:, :2]), {}, ValueError, "y_true"),
    ("cce logits unknown reduction", "categorical_crossentropy_with_logits", (X, T), {"reduction": "batchmean"},
     ValueError, "reduction"),
    ("sparse label = C", "sparse_categorical_crossentropy", (X, np.array([1, 3])), {}, ValueError, "y_true"),
    ("sparse label -1", "sparse_categorical_crossentropy", (X, np.array([-1, 0])), {}, ValueError, "y_true"),
    ("sparse label -100 (torch's ignore_index)", "sparse_categorical_crossentropy", (X, np.array([-100, 0])),
     {"ignore_index": -100}, ValueError, "y_true"),
    ("sparse float labels", "sparse_categorical_crossentropy", (X, Y.astype(np.float32)), {}, TypeError, "y_true"),
    ("sparse (N,1) labels", "sparse_categorical_crossentropy", (X, Y[:, None]), {}, ValueError, "y_true"),
    ("sparse 1-D logits", "sparse_categorical_crossentropy", (X[0], Y[:1]), {}, ValueError, "y_pred"),
    ("sparse NaN logits", "sparse_categorical_crossentropy", (NAN, Y), {}, ValueError, "y_pred"),
    ("weights per class", "weighted_crossentropy", (X, Y, W[:2]), {}, ValueError, "class_weights"),
    ("weights dtype", "weighted_crossentropy", (X, Y, W.astype(np.float64)), {}, TypeError, "class_weights"),
    ("weights NaN", "weighted_crossentropy", (X, Y, np.array([1.0, np.nan, 1.0], np.float32)), {}, ValueError,
     "class_weights"),
    ("weighted label out of range", "weighted_crossentropy", (X, np.array([0, 5]), W), {}, ValueError, "y_true"),
    ("focal (N,1) vs (N,)", "focal_loss", (X[:, :1], X[:, 0]), {}, ValueError, "y_true"),
    ("focal unknown reduction", "focal_loss", (X, T), {"reduction": "avg"}, ValueError, "reduction"),
]


@pytest.mark.parametrize("label, name, args, kwargs, exc, arg", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, name, args, kwargs, exc, arg):
    assert_rejected_alike(_fns(name), args, kwargs, exc, arg)


def test_only_torch_rejects_focal_probabilities_outside_the_unit_interval():
    """F.binary_cross_entropy requires p in [0, 1]; Keras's default from_logits=False reads logits as
    probabilities silently (the defaults variant shows it), and the reference follows Keras."""
    with pytest.raises(ValueError, match=r"\by_pred\b"):
        tc.focal_loss(torch.from_numpy(X), torch.from_numpy(T), from_logits=False)
    assert np.isfinite(kc.focal_loss(tf.constant(X), tf.constant(T)).numpy())
    assert np.isfinite(_numpy("focal_loss", "keras", X, T, from_logits=False, reduction="mean"))


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def _formula(concept, framework):
    return dict(convention(concept, framework).formula)


def _numpy(concept, framework, *arrays, **aligned):
    """The NumPy forward under ``framework``'s formula (backward-only switches dropped)."""
    fn = getattr(nc, concept)
    kwargs = {**_formula(concept, framework), **aligned}
    return fn(*arrays, **{k: v for k, v in kwargs.items() if k in inspect.signature(fn).parameters})


def test_defaults_match_the_frameworks_own():
    assert _default(F.cross_entropy, "ignore_index") == convention("sparse_categorical_crossentropy", "torch").defaults["ignore_index"]
    sparse = keras.losses.SparseCategoricalCrossentropy()
    kdefaults = convention("sparse_categorical_crossentropy", "keras").defaults
    assert (sparse.from_logits, sparse.ignore_class) == (kdefaults["from_logits"], kdefaults["ignore_index"])
    focal, kfocal = keras.losses.BinaryFocalCrossentropy(), convention("focal_loss", "keras").defaults
    assert {k: getattr(focal, k) for k in ("alpha", "gamma", "apply_class_balancing", "from_logits")} == \
           {k: kfocal[k] for k in ("alpha", "gamma", "apply_class_balancing", "from_logits")}
    assert keras.losses.BinaryCrossentropy().from_logits is convention(
        "binary_crossentropy_with_logits", "keras").related["keras.losses.BinaryCrossentropy.from_logits"]
    assert keras.losses.CategoricalCrossentropy().axis == convention(
        "categorical_crossentropy_with_logits", "keras").related["keras.losses.CategoricalCrossentropy.axis"]
    for concept in ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "focal_loss"):
        assert keras.config.epsilon() == _formula(concept, "keras")["clip_eps"]


def test_cross_entropy_reads_classes_on_dim_1():
    logits = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0))  # (N, C, d)
    labels = torch.zeros(2, 4, dtype=torch.long)
    assert convention("categorical_crossentropy_with_logits", "torch").related["F.cross_entropy.class_dim"] == 1
    assert F.cross_entropy(logits, labels, reduction="none").shape == (2, 4)


def test_binary_crossentropy_at_saturation():
    p = np.array([0.0, 1.0, 1e-12, 0.0, 1.0], np.float64)
    t = np.array([1.0, 0.3, 1.0, 0.0, 1.0], np.float64)
    pt = torch.tensor(p, requires_grad=True)
    loss = F.binary_cross_entropy(pt, torch.tensor(t), reduction="none")
    (grad,) = torch.autograd.grad(loss.sum(), pt)
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 70.0, 27.631021, 0.0, 0.0], rtol=1e-6)
    assert grad[0] == -1 / nc.TORCH_BCE_EPS and grad[1] == 0.7 / nc.TORCH_BCE_EPS  # a float32 EPSILON in float64
    kw = _formula("binary_crossentropy", "torch") | {"reduction": "none"}
    np.testing.assert_allclose(_numpy("binary_crossentropy", "torch", p, t, reduction="none"), loss.detach().numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(ng.vjp(nc.binary_crossentropy, (p,), np.ones(5), (t,), **kw)[1][0], grad.numpy(), rtol=1e-12)
    x = tf.constant(p[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        keras_loss = keras.losses.binary_crossentropy(tf.constant(t[None]), x)
    keras_grad = tape.gradient(keras_loss, x).numpy()[0]
    assert keras_loss.numpy()[0] == pytest.approx((-np.log(1e-7) * 2.7 - np.log(1 - 1e-7) * 2.3) / 5)
    assert np.all(keras_grad == 0)  # every element clipped (0, 1 and 1e-12): no gradient
    kw = _formula("binary_crossentropy", "keras") | {"reduction": "none"}
    np.testing.assert_allclose(ng.vjp(nc.binary_crossentropy, (p[None],), np.ones(1), (t[None],), **kw)[1][0][0],
                               keras_grad, rtol=1e-12, atol=1e-15)


def test_keras_upper_clip_bound_rounds_in_float32():
    loss = keras.losses.BinaryCrossentropy(reduction=None)(tf.constant([[0.0]]), tf.constant([[1.0]]))
    assert loss.numpy()[0] == pytest.approx(-np.log(2.0 ** -23), rel=1e-6)  # 1 - 1e-7 rounds to 1 - 2^-23


def test_each_logits_form_cancels_on_its_own_side():
    x, t = np.float32([1e4, -1e4]), np.float32([1 - 1e-7, 1e-7])
    torch_loss = F.binary_cross_entropy_with_logits(torch.from_numpy(x), torch.from_numpy(t), reduction="none").numpy()
    tf_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=x).numpy()
    exact = np.array([(1 - np.float64(t[0])) * 1e4, np.float64(t[1]) * 1e4])
    for form, got in (("log_sigmoid", torch_loss), ("relu", tf_loss)):
        np.testing.assert_array_equal(nc.binary_crossentropy_with_logits(x, t, logits_form=form, reduction="none"), got)
    assert abs(tf_loss[0] - exact[0]) > 1e-5 > abs(torch_loss[0] - exact[0])  # TF cancels for x >> 0, t ~ 1
    assert abs(torch_loss[1] - exact[1]) > 1e-5 > abs(tf_loss[1] - exact[1])  # torch for x << 0, t ~ 0


def test_keras_normalises_probabilities_and_torch_xlogy_has_a_nan_gradient():
    p, t = np.array([[0.2, 0.3, 0.0]]), np.array([[0.0, 1.0, 0.0]])
    cce = keras.losses.CategoricalCrossentropy(dtype="float64")
    assert cce(t, p).numpy() == pytest.approx(cce(t, 2 * p).numpy()) == pytest.approx(-np.log(0.6))
    pt = torch.tensor(p, requires_grad=True)
    loss = tc.categorical_crossentropy(pt, torch.tensor(t))
    assert loss.item() == pytest.approx(-np.log(0.3))  # unnormalised p used as given
    (grad,) = torch.autograd.grad(loss, pt)
    assert np.isnan(grad[0, 2].item()) and grad[0, 0].item() == 0  # xlogy'(y) at x = y = 0 is 0/0
    _, (ref,) = ng.vjp(nc.categorical_crossentropy, (p,), np.array(1.0), (t,), **_formula("categorical_crossentropy", "torch"))
    np.testing.assert_allclose(ref, grad.numpy(), rtol=1e-15)  # NaN where torch has NaN


def test_tensorflow_softmax_ce_gradient_assumes_targets_sum_to_one():
    x, t = np.array([[0.1, 0.5, -0.3]]), np.array([[1.0, 1.0, 0.0]])
    xk = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xk)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=xk)
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(tape.gradient(loss, xk).numpy(), s - t, rtol=1e-12)
    xt = torch.tensor(x, requires_grad=True)
    (grad,) = torch.autograd.grad(F.cross_entropy(xt, torch.tensor(t), reduction="sum"), xt)
    np.testing.assert_allclose(grad.numpy(), 2 * s - t, rtol=1e-12)
    assert _formula("categorical_crossentropy_with_logits", "keras")["grad_target_sum"] == "assume_one"


def test_keras_sparse_default_reads_logits_as_clipped_normalised_probabilities():
    x = np.array([[2.0, -1.0, 0.5], [0.3, 0.6, -0.2]])
    got = keras.losses.SparseCategoricalCrossentropy(dtype="float64")(tf.constant(Y), tf.constant(x)).numpy()
    c = np.clip(x, 1e-7, 1 - 1e-7)
    assert got == pytest.approx(-np.mean(np.log(c[[0, 1], Y] / c.sum(axis=1))), rel=1e-12)
    assert got == pytest.approx(_numpy("sparse_categorical_crossentropy", "keras", x, Y, from_logits=False), rel=1e-12)


def test_every_label_ignored_gives_nan_in_torch_and_zero_in_keras():
    x, y = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, 0.0]]), np.array([1, 1])
    xt = torch.tensor(x, requires_grad=True)
    loss = F.cross_entropy(xt, torch.tensor(y), ignore_index=1)
    assert torch.isnan(loss) and torch.all(torch.autograd.grad(loss, xt)[0] == 0)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1, dtype="float64")
    assert keras_loss(tf.constant(y), tf.constant(x)).numpy() == 0.0
    for framework, expected in (("torch", np.nan), ("keras", 0.0)):
        got = _numpy("sparse_categorical_crossentropy", framework, x, y, from_logits=True, ignore_index=1)
        np.testing.assert_array_equal(got, expected)


def test_weighted_mean_divides_by_the_targets_weights_in_torch_and_by_n_in_keras():
    x, w = X.astype(np.float64), W.astype(np.float64)
    per_sample = -np.log(np.exp(x[[0, 1], Y]) / np.exp(x).sum(axis=1)) * w[Y]
    torch_mean = F.cross_entropy(torch.tensor(x), torch.tensor(Y), weight=torch.tensor(w)).item()
    sample_weight = tf.constant(w[Y])
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    assert torch_mean == pytest.approx(per_sample.sum() / w[Y].sum())
    assert keras_loss(tf.constant(Y), tf.constant(x), sample_weight=sample_weight).numpy() == pytest.approx(per_sample.mean())
    keras_weighted = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64",
                                                                reduction="mean_with_sample_weight")
    assert keras_weighted(tf.constant(Y), tf.constant(x), sample_weight=sample_weight).numpy() == pytest.approx(torch_mean)


def test_keras_focal_on_logits_recovers_the_logits_and_defaults_to_no_alpha():
    x, t = np.array([[1e4, -1e4, 3.0]]), np.array([[0.0, 1.0, 1.0]])
    focal = keras.losses.BinaryFocalCrossentropy(from_logits=True, gamma=0.0, reduction=None, dtype="float64")
    assert focal(tf.constant(t), tf.constant(x)).numpy()[0] == pytest.approx((2e4 + np.log1p(np.exp(-3.0))) / 3)
    p = np.array([[0.2, 0.9, 0.6]])
    default = keras.losses.BinaryFocalCrossentropy(dtype="float64")(tf.constant(t), tf.constant(p)).numpy()
    assert default == pytest.approx(_numpy("focal_loss", "keras", p, t, **convention("focal_loss", "keras").defaults
                                           | {"dtype": None}), rel=1e-12)


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_probability_paths_outside_the_matrix_match_and_pass_finite_differences(framework):
    """from_logits=False is exercised by the matrix only through Keras's default on logits: here on
    probabilities, for each framework and its NumPy convention (forward, gradient, finite differences)."""
    rng = np.random.default_rng(3)
    p, t = rng.uniform(0.05, 0.95, (4, 3)), rng.uniform(0, 1, (4, 3))
    probs = p / p.sum(axis=1, keepdims=True)
    for concept, args in (("focal_loss", (p, t)), ("sparse_categorical_crossentropy", (probs, Y.repeat(2)))):
        kwargs = {"from_logits": False, "reduction": "mean", "dtype": "float64"}  # Keras would use floatx
        if concept == "focal_loss":
            kwargs |= {"alpha": 0.3, "gamma": 1.5, "apply_class_balancing": True}
        dout = np.array(1.3)
        out, (grad,) = ng.vjp(getattr(nc, concept), args[:1], dout, args[1:], **_formula(concept, framework), **kwargs)
        fn = getattr(tc if framework == "torch" else kc, concept)
        if framework == "torch":
            leaf = torch.tensor(args[0], requires_grad=True)
            got = fn(leaf, torch.tensor(args[1]), **kwargs)
            got_grad = torch.autograd.grad(got, leaf, torch.tensor(dout))[0].numpy()
            got = got.detach()
        else:
            leaf = tf.constant(args[0])
            with tf.GradientTape() as tape:
                tape.watch(leaf)
                got = fn(leaf, tf.constant(args[1]), **kwargs)
            got_grad = tape.gradient(got, leaf, output_gradients=tf.constant(dout)).numpy()
        np.testing.assert_allclose(out, np.asarray(got), rtol=1e-10)
        np.testing.assert_allclose(grad, got_grad, rtol=1e-9, atol=1e-12)
        probes = np.eye(args[0].size)  # every element
        (numeric,) = numeric_vjp(getattr(nc, concept), args[:1], dout, [probes], args[1:],
                                 **_formula(concept, framework), **kwargs)
        np.testing.assert_allclose(grad.ravel(), numeric, rtol=1e-5, atol=1e-6)


# ---- Keras on JAX and torch (parity_tests/conventions/keras_backends.py): the keys their rows set, against the
# backends' own ops on the Keras code paths ----

KERAS_EPSILON = 1e-7


def _jax_and_torch(fn, x):
    """{backend: (value, gradient)} of the summed ``fn(ops, x)`` by JAX's and torch's autodiff; ``ops`` has the
    backend's sigmoid, clip, log and tensor."""
    import jax
    import jax.numpy as jnp
    from types import SimpleNamespace
    jops = SimpleNamespace(sigmoid=jax.nn.sigmoid, clip=jnp.clip, log=jnp.log, tensor=jnp.asarray)
    tops = SimpleNamespace(sigmoid=torch.sigmoid, clip=torch.clip, log=torch.log, tensor=torch.tensor)
    value, grad = jax.value_and_grad(lambda v: fn(jops, v).sum())(x)
    leaf = torch.tensor(x, requires_grad=True)
    out = fn(tops, leaf).sum()
    return {"jax": (np.asarray(value), np.asarray(grad)),
            "torch": (out.detach().numpy(), torch.autograd.grad(out, leaf)[0].numpy())}


def _reproduces_jax_and_torch(concept, keras_loss, x, target, aligned, switch, atol):
    """The reference under each backend's convention (``switch``: the key and value it must carry) reproduces the
    backend's own value and gradient of ``keras_loss``; returns the backends' value."""
    for backend, (value, grad) in _jax_and_torch(keras_loss, x).items():
        kwargs = convention(concept, f"keras[{backend}]").numpy_kwargs(aligned)
        assert kwargs[switch[0]] == switch[1]
        out, (got,) = ng.vjp(getattr(nc, concept), (x,), np.ones((), np.float32), (target,), **kwargs)
        np.testing.assert_allclose(out, value, rtol=1e-5)
        np.testing.assert_allclose(got, grad, rtol=1e-5, atol=atol)
    return value


def test_focal_on_logits_on_jax_and_torch_clips_the_sigmoid():
    """keras.losses.binary_focal_crossentropy(from_logits=True) takes ops.sigmoid and calls binary_crossentropy with
    from_logits=False: only TensorFlow reads the logits back from the sigmoid (no clipping, the relu form); JAX and
    torch clip the probabilities to [eps, 1 - eps] and take logs (logits_form="probabilities"), so a confident
    logit costs at most -log(eps) ~ 16.1 there, and its gradient vanishes."""
    x = np.array([[30.0, -30.0, 0.5], [-2.0, 25.0, 1.5]], np.float32)
    t = np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]], np.float32)
    alpha, gamma = 0.25, 2.0

    def keras_focal(ops, logits):
        p, target = ops.sigmoid(logits), ops.tensor(t)
        c = ops.clip(p, KERAS_EPSILON, 1.0 - KERAS_EPSILON)
        bce = -(target * ops.log(c) + (1.0 - target) * ops.log(1.0 - c))
        p_t = target * p + (1 - target) * (1 - p)
        weight = target * alpha + (1 - target) * (1 - alpha)
        return (weight * (1.0 - p_t) ** gamma * bce).mean(-1)
    aligned = {"alpha": alpha, "gamma": gamma, "apply_class_balancing": True, "from_logits": True, "reduction": "sum"}
    value = _reproduces_jax_and_torch("focal_loss", keras_focal, x, t, aligned, ("logits_form", "probabilities"), 1e-9)
    tf_value, _ = ng.vjp(nc.focal_loss, (x,), np.ones((), np.float32), (t,),
                         **convention("focal_loss", "keras").numpy_kwargs(aligned))
    assert tf_value - value > 6  # three confident wrong logits: |x| (25 or 30) each in the relu form, -log(eps) clipped
    with pytest.raises(ValueError, match="logits_form"):
        nc.focal_loss(x, t, logits_form="sigmoid")


def test_sparse_on_probabilities_on_jax_and_torch_normalises_before_clipping():
    """keras.losses.sparse_categorical_crossentropy(from_logits=False) divides y_pred by its sum, clips and takes
    the log on JAX and torch (then one_hot / F.nll_loss): normalize_order="normalize_first"; TensorFlow clips, then
    sparse_softmax_cross_entropy_with_logits(log c) normalises ("clip_first"). They differ wherever the clip acts,
    e.g. on logits read as probabilities (Keras's defaults)."""
    x = np.array([[1.5, -0.5, 0.2], [-2.0, 0.1, 3.0], [0.2, 0.3, 0.5]], np.float32)
    y = np.array([1, 2, 0], np.int64)

    def keras_sparse(ops, p):
        c = ops.clip(p / p.sum(-1)[:, None], KERAS_EPSILON, 1.0 - KERAS_EPSILON)
        return -(ops.log(c) * ops.tensor(np.eye(3, dtype=np.float32)[y])).sum(-1)
    aligned = {"from_logits": False, "reduction": "sum"}
    value = _reproduces_jax_and_torch("sparse_categorical_crossentropy", keras_sparse, x, y, aligned,
                                      ("normalize_order", "normalize_first"), 1e-7)
    tf_value = nc.sparse_categorical_crossentropy(x, y, **convention("sparse_categorical_crossentropy",
                                                                      "keras").numpy_kwargs(aligned))
    assert abs(tf_value - value) > 0.1
    with pytest.raises(ValueError, match="normalize_order"):
        nc.sparse_categorical_crossentropy(x, y, normalize_order="never")


def test_clipping_then_torch_s_floored_bce_is_keras_on_torch():
    """clip_eps with log_floor and grad_eps: torch.clip, then F.binary_cross_entropy (logs floored at -100, ATen's
    fused backward) -- Keras's binary_crossentropy on the torch backend. At the clip bound log1p(-c) is not
    TensorFlow's log(1 - c) (1 - 1e-7 rounds in float32), so the two conventions differ there."""
    from parity_tests.conventions import convention
    p = np.array([1e-9, 1e-7, 0.3, 0.9999999, 1.0], np.float32)
    t = np.array([0.0, 0.0, 1.0, 1.0, 0.0], np.float32)
    kwargs = convention("binary_crossentropy", "keras[torch]").numpy_kwargs({"reduction": "sum"})
    out, (got,) = ng.vjp(nc.binary_crossentropy, (p,), np.ones((), np.float32), (t,), **kwargs)
    tp = torch.tensor(p, requires_grad=True)
    # Keras's per-sample loss is the mean over the last axis: one sample here
    want = F.binary_cross_entropy(torch.clip(tp, 1e-7, 1 - 1e-7), torch.tensor(t), reduction="mean")
    want.backward()
    np.testing.assert_allclose(out, want.item(), rtol=1e-6)
    np.testing.assert_allclose(got, tp.grad.numpy(), rtol=1e-5)
    at_bound = {fw: ng.vjp(nc.binary_crossentropy, (p[:1],), np.ones((), np.float32), (t[:1],),
                           **convention("binary_crossentropy", fw).numpy_kwargs({"reduction": "sum"}))[0]
                for fw in ("keras", "keras[torch]")}
    np.testing.assert_allclose(at_bound["keras[torch]"], 1e-7, rtol=1e-6)  # log1p(-1e-7)
    np.testing.assert_allclose(at_bound["keras"], 2.0 ** -23, rtol=1e-6)  # log(1 - 1e-7): 1 - 1e-7 rounds
