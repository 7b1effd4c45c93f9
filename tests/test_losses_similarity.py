"""The similarity losses (cosine_similarity, contrastive, triplet, dice): bad input, the framework
facts the conventions table claims (read from the installed frameworks), and the convention each of
the group's torch~keras gaps is attributed to."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import keras_impl.losses_similarity as k
import reference_numpy.losses_similarity as n
import torch_impl.losses_similarity as t

from tests.badinput import assert_rejected_alike
from parity_tests.conventions import FRAMEWORKS, convention
from parity_tests.conventions.losses_similarity import COSINE, TRIPLET

CONCEPTS = ("cosine_similarity", "contrastive", "triplet", "dice")
TRIPLE = {name: tuple(getattr(m, name) for m in (n, t, k)) for name in CONCEPTS}

E = np.linspace(-2, 2, 20, dtype=np.float32).reshape(4, 5)
D = np.linspace(0, 2, 6, dtype=np.float32)
LABELS = np.array([0, 1, 1, 0, 1, 0], dtype=np.float32)
M = np.linspace(0, 1, 20, dtype=np.float32).reshape(4, 5)
NAN_E = np.where(E > 1.5, np.nan, E).astype(np.float32)

# (label, concept, positional arrays, keywords, exception, argument named)
BAD = [
    ("cosine integer target", "cosine_similarity", (E, E.astype(np.int64)), {}, TypeError, "y_true"),
    ("cosine mixed dtypes", "cosine_similarity", (E, E.astype(np.float64)), {}, TypeError, "y_true"),
    ("cosine (N,1) vs (N,) not broadcast", "cosine_similarity", (E[:, :1], E[:, 0]), {}, ValueError, "y_true"),
    ("cosine 1-D prediction", "cosine_similarity", (E[0], E[1]), {}, ValueError, "y_pred"),
    ("cosine NaN prediction", "cosine_similarity", (NAN_E, E), {}, ValueError, "y_pred"),
    ("cosine unknown reduction", "cosine_similarity", (E, E), {"reduction": "batchmean"}, ValueError, "reduction"),
    ("contrastive (N,) vs (N,1) not broadcast", "contrastive", (D, D[:, None]), {}, ValueError, "y_true"),
    ("contrastive 2-D distances", "contrastive", (E, E), {}, ValueError, "y_pred"),
    ("contrastive negative distance", "contrastive", (D - 1, LABELS), {}, ValueError, "y_pred"),
    ("contrastive label outside [0, 1]", "contrastive", (D, 2 * LABELS), {}, ValueError, "y_true"),
    ("contrastive NaN label", "contrastive", (D, np.where(LABELS > 0, np.nan, 0).astype(np.float32)), {},
     ValueError, "y_true"),
    ("contrastive margin 0", "contrastive", (D, LABELS), {"margin": 0.0}, ValueError, "margin"),
    ("triplet integer anchor", "triplet", (E.astype(np.int32), E, E), {}, TypeError, "anchor"),
    ("triplet 1-D anchor", "triplet", (E[0], E[0], E[0]), {}, ValueError, "anchor"),
    ("triplet positive shape", "triplet", (E, E[:, :4], E), {}, ValueError, "positive"),
    ("triplet negative dtype", "triplet", (E, E, E.astype(np.float64)), {}, TypeError, "negative"),
    ("triplet NaN negative", "triplet", (E, E, NAN_E), {}, ValueError, "negative"),
    ("triplet margin <= 0", "triplet", (E, E, E), {"margin": -1.0}, ValueError, "margin"),
    ("dice prediction above 1", "dice", (M + 0.5, M), {}, ValueError, "y_pred"),
    ("dice negative target", "dice", (M, M - 0.5), {}, ValueError, "y_true"),
    ("dice (N,1) vs (N,) not broadcast", "dice", (M[:, :1], M[:, 0]), {}, ValueError, "y_true"),
    ("dice axis out of range", "dice", (M, M), {"axis": 2}, ValueError, "axis"),
    ("dice integer target", "dice", (M, (M > 0.5).astype(np.int64)), {}, TypeError, "y_true"),
]


@pytest.mark.parametrize("label, concept, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, concept, args, kwargs, exc, name):
    assert_rejected_alike(TRIPLE[concept], args, kwargs, exc, name)


# ---------------------------------------------------------------- the table's own rules


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def _torch_grad(fn, *tensors):
    leaves = [torch.tensor(x, requires_grad=True) for x in tensors]
    out = fn(*leaves)
    return out.detach().numpy(), [g.numpy() for g in torch.autograd.grad(out.sum(), leaves)]


def _keras_grad(fn, x, *constants):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = fn(x, *constants)
    return out.numpy(), tape.gradient(out, x).numpy()


def test_cosine_defaults_and_signs():
    torch_conv, keras_conv = COSINE
    assert torch.nn.CosineSimilarity().dim == torch_conv.related["F.cosine_similarity.dim"] == 1
    assert torch.nn.CosineSimilarity().eps == torch_conv.formula["eps"]
    x = torch.tensor(np.random.default_rng(0).standard_normal((2, 3, 4)))
    y = x.flip(1) + 1
    assert torch.equal(F.cosine_similarity(x, y), F.cosine_similarity(x, y, dim=1))  # the default dim is 1
    assert _default(keras.losses.CosineSimilarity, "axis") == keras_conv.related["keras.losses.CosineSimilarity.axis"]
    assert keras.config.epsilon() == keras_conv.formula["eps"]
    v = np.array([[1.0, 2.0, 2.0]])
    assert F.cosine_similarity(torch.tensor(v), torch.tensor(v)).item() == pytest.approx(1.0)  # "+cos"
    assert keras.losses.cosine_similarity(v, v).numpy()[0] == pytest.approx(-1.0)  # "-cos"
    assert t.cosine_similarity(torch.tensor(v), torch.tensor(v)).item() == pytest.approx(-1.0)


NEAR_ZERO = np.array([[3e-9, 4e-9], [3e-8, 4e-8], [0.0, 0.0], [3.0, 4.0]])  # norms 5e-9, 5e-8, 0, 5
TARGET = np.array([[1.0, 0.0]] * 4)


def test_torch_clamps_each_norm_with_a_straight_through_gradient():
    conv = convention("cosine_similarity", "torch").formula
    out, (grad, _) = _torch_grad(lambda p, q: F.cosine_similarity(p, q, dim=-1), NEAR_ZERO, TARGET)
    np.testing.assert_allclose(-out, n.cosine_similarity(NEAR_ZERO, TARGET, reduction="none", eps=conv["eps"]))
    assert out[0] == pytest.approx(0.3) and out[1] == pytest.approx(0.6)  # max(|p|, 1e-8) per norm, not the product
    ones = np.ones(4)
    straight = n.cosine_similarity_backward(ones, NEAR_ZERO, TARGET, reduction="none", eps=conv["eps"],
                                            clamp_grad=conv["clamp_grad"])
    np.testing.assert_allclose(-grad, straight, rtol=1e-12)
    zero = n.cosine_similarity_backward(ones, NEAR_ZERO, TARGET, reduction="none", eps=conv["eps"], clamp_grad="zero")
    assert not np.allclose(straight[0], zero[0])  # the clamped row's gradient tells the two apart


def test_keras_clamps_each_norm_at_epsilon_and_stops_the_gradient_there():
    conv = convention("cosine_similarity", "keras").formula
    loss = keras.losses.CosineSimilarity(reduction=None, dtype="float64")
    out, grad = _keras_grad(lambda p: loss(tf.constant(TARGET), p), NEAR_ZERO)
    np.testing.assert_allclose(out, n.cosine_similarity(NEAR_ZERO, TARGET, reduction="none", eps=conv["eps"]))
    assert out[1] == pytest.approx(-0.3)  # norm 5e-8 clamped at 1e-7: not tf.math.l2_normalize's 1e-12 on |p|^2
    expected = n.cosine_similarity_backward(np.ones(4), NEAR_ZERO, TARGET, reduction="none", eps=conv["eps"],
                                            clamp_grad=conv["clamp_grad"])
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


# ---------------------------------------------------------------- framework facts: triplet, hinges

def test_triplet_defaults_are_torchs():
    sig = inspect.signature(F.triplet_margin_loss).parameters
    torch_conv, keras_conv = TRIPLET
    assert sig["margin"].default == torch_conv.defaults["margin"] == keras_conv.defaults["margin"]
    assert sig["eps"].default == torch_conv.formula["dist_eps"]
    assert sig["p"].default == torch_conv.related["F.triplet_margin_loss.p"]
    assert sig["swap"].default is torch_conv.related["F.triplet_margin_loss.swap"]
    assert keras.config.epsilon() == keras_conv.formula["dist_eps"]
    with pytest.raises(ValueError, match="margin"):
        F.triplet_margin_loss(*(torch.ones(2, 3),) * 3, margin=0.0)


def test_torch_adds_eps_to_the_difference():
    a = np.array([[0.0, 0.0, 0.0, 0.0]])
    eps = convention("triplet", "torch").formula["dist_eps"]
    assert F.pairwise_distance(torch.tensor(a), torch.tensor(a)).item() == pytest.approx(2 * eps)  # eps * sqrt(4)
    x = np.random.default_rng(1).standard_normal((3, 4))
    got = F.pairwise_distance(torch.tensor(x), torch.tensor(a)).numpy()
    np.testing.assert_allclose(got, np.linalg.norm(x + eps, axis=-1), rtol=1e-14)


def test_triplet_at_identical_vectors():
    """torch: distance eps*sqrt(D) with gradient 1/sqrt(D) per component; Keras: zero gradient, no NaN."""
    a = np.zeros((1, 4))
    q = np.array([[0.25, 0.0, 0.0, 0.0]])
    _, grads = _torch_grad(lambda x, y, z: F.triplet_margin_loss(x, y, z, reduction="sum"), a, a, q)
    np.testing.assert_allclose(grads[1], -np.full((1, 4), 0.5))
    _, grad = _keras_grad(lambda y: k.triplet(tf.constant(a), y, tf.constant(q), reduction="sum", dtype="float64"), a)
    np.testing.assert_array_equal(grad, np.zeros((1, 4)))
    for fw in FRAMEWORKS:
        kwargs = convention("triplet", fw).numpy_kwargs({"reduction": "sum"})
        g = n.triplet_backward(np.array(1.0), a, a, q, **kwargs)[1]
        np.testing.assert_allclose(g, grads[1] if fw == "torch" else grad, atol=1e-12)


def test_both_hinges_pass_a_ties_gradient():
    """The NumPy backward treats h = 0 as active: torch.clamp_min and TF's Maximum both pass the gradient."""
    x = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.grad(torch.clamp_min(x, 0).sum(), x)[0].item() == 1.0
    _, grad = _keras_grad(lambda v: keras.ops.maximum(v, 0.0), np.array([0.0]))
    assert grad[0] == 1.0


# ---------------------------------------------------------------- framework facts: Dice

def test_keras_dice_defaults_and_formula():
    conv = convention("dice", "keras")
    assert _default(keras.losses.Dice, "axis") is conv.defaults["axis"] is None
    assert keras.config.epsilon() == conv.formula["smooth_dr"] and conv.formula["smooth_nr"] == 0.0
    p, y = M.astype(np.float64), (M > 0.4).astype(np.float64)
    whole = keras.losses.Dice(reduction=None, dtype="float64")(y, p).numpy()
    assert whole.shape == ()  # axis=None: one Dice for the batch even without reduction
    np.testing.assert_allclose(whole, n.dice(p, y, axis=None, reduction="none", **conv.formula), rtol=1e-14)
    empty = np.zeros((2, 3))
    assert keras.losses.Dice(axis=-1, reduction=None)(empty, empty).numpy().tolist() == [1.0, 1.0]


def test_torch_dice_smoothing_scores_empty_masks_zero():
    conv = convention("dice", "torch").formula
    assert conv["smooth_nr"] == conv["smooth_dr"] == t.DICE_SMOOTH
    empty = torch.zeros(2, 3)
    assert t.dice(empty, empty, reduction="none").tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- the group's parity matrix

@pytest.fixture
def rows(parity_rows):
    """This group's rows from the session's parity run (no FAIL/ERROR is test_parity's job)."""
    return [r for r in parity_rows["all"] if r["concept"] in CONCEPTS]


@pytest.mark.parametrize("concept, regime, key", [
    ("cosine_similarity", "near_zero", "formula.eps"),
    ("cosine_similarity", "near_zero", "formula.clamp_grad"),
    ("triplet", "kink", "formula.distance"),
    ("triplet", "typical", "formula.dist_eps"),
    ("dice", "empty", "formula.smooth_nr"),
    ("dice", "typical", "defaults.axis"),
])
def test_gaps_are_expected_and_name_their_convention(rows, concept, regime, key):
    causes = [r["cause"] for r in rows
              if r["concept"] == concept and r["inputs"] == regime and r["status"] == "expected"]
    assert any(key in c for c in causes), f"no expected {concept}/{regime} gap names {key}"


def test_contrastive_frameworks_agree_whenever_dtypes_do(rows):
    gaps = [r for r in rows if r["concept"] == "contrastive" and r["status"] == "expected"]
    assert gaps and all("defaults.dtype" in r["cause"] and r["dtype"] == "float64" for r in gaps)


# ---- Keras on JAX and torch (parity_tests/conventions/keras_backends.py): the keys their rows set, against the
# backends' own ops on the Keras formulas ----

def _ops(backend):
    """The backend's ops Keras calls (keras/src/backend/<backend>/{numpy,math}.py), as one namespace."""
    from types import SimpleNamespace
    if backend == "jax":
        import jax
        import jax.numpy as jnp
        return SimpleNamespace(tensor=jnp.asarray, maximum=jnp.maximum, minimum=jnp.minimum, sqrt=jnp.sqrt,
                               rsqrt=jax.lax.rsqrt)
    return SimpleNamespace(tensor=torch.tensor, maximum=torch.maximum, minimum=torch.minimum, sqrt=torch.sqrt,
                           rsqrt=torch.rsqrt)


def _grads(backend, fn, *xs):
    """The gradients of the scalar ``fn(ops, *xs)`` w.r.t. every input, by the backend's autodiff."""
    ops = _ops(backend)
    if backend == "jax":
        import jax
        return tuple(np.asarray(g) for g in jax.grad(lambda *a: fn(ops, *a), argnums=tuple(range(len(xs))))(*xs))
    leaves = [torch.tensor(x, requires_grad=True) for x in xs]
    return tuple(g.numpy() for g in torch.autograd.grad(fn(ops, *leaves), leaves))


def test_triplet_on_jax_and_torch_shares_a_tie_of_either_maximum():
    """The Keras triplet loss is maximum(m + d+ - d-, 0) with d = sqrt(maximum(sum (a - b)^2, eps)): jnp.maximum and
    torch.maximum share a tie's gradient equally, so a triplet with h = 0, and a pair whose squared distance equals
    eps, pass half of it (grad_at_kink="split"); TF's Maximum gives it all to the first argument ("active")."""
    a = np.zeros((3, 2), np.float32)
    p = np.array([[3, 4], [2, 0], [0.5, 0]], np.float32)  # d+ = 5 (h = 0: a tie), 2, and sqrt(eps) with eps = 0.25
    q = np.array([[6, 0], [1, 0], [3, 0]], np.float32)
    dout = np.array([1.0, -2.0, 0.5], np.float32)
    eps, margin = 0.25, 1.0

    def keras_triplet(ops, x, pos, neg):
        def dist(u, v):
            return ops.sqrt(ops.maximum(((u - v) ** 2).sum(-1), ops.tensor(np.float32(eps))))
        h = margin + dist(x, pos) - dist(x, neg)
        return (ops.maximum(h, ops.tensor(np.float32(0))) * ops.tensor(dout)).sum()
    for backend in ("jax", "torch"):
        kwargs = {**convention("triplet", f"keras[{backend}]").numpy_kwargs({"reduction": "none"}), "dist_eps": eps}
        assert kwargs["grad_at_kink"] == "split"
        want = _grads(backend, keras_triplet, a, p, q)
        for got, w in zip(n.triplet_backward(dout, a, p, q, **kwargs), want):
            np.testing.assert_allclose(got, w, rtol=1e-6)
        active = n.triplet_backward(dout, a, p, q, **{**kwargs, "grad_at_kink": "active"})
        np.testing.assert_allclose(active[1][[0, 2]], 2 * want[1][[0, 2]], rtol=1e-6)  # both ties: half of TF's
    with pytest.raises(ValueError, match="grad_at_kink"):
        n.triplet(a, p, q, grad_at_kink="zero")


def test_cosine_on_jax_and_torch_has_a_nan_gradient_at_the_zero_vector():
    """keras.losses.cosine_similarity normalises with x * minimum(rsqrt(sum x^2), 1/eps): at x = 0 the minimum passes
    a zero cotangent to rsqrt, whose derivative there is infinite, and JAX's and torch's autodiff make 0 * inf = NaN
    (clamp_grad="zero_nan_at_origin"); TensorFlow's RsqrtGrad returns 0 for a zero cotangent ("zero", the Keras
    convention), and a nonzero norm below eps gets the same gradient under both."""
    eps = 1e-7
    p = np.array([[0, 0, 0], [1e-9, -2e-9, 3e-9], [0.5, -1.0, 2.0]], np.float32)
    t = np.array([[1.0, 2.0, -1.0], [0.5, 0.5, 0.5], [-1.0, 0.3, 0.2]], np.float32)
    dout = np.array([1.0, -2.0, 0.5], np.float32)

    def keras_cosine(ops, x, target):
        def normalize(v):
            return v * ops.minimum(ops.rsqrt((v * v).sum(-1)), ops.tensor(np.float32(1 / eps)))[:, None]
        return (-(normalize(x) * normalize(target)).sum(-1) * ops.tensor(dout)).sum()
    for backend in ("jax", "torch"):
        kwargs = convention("cosine_similarity", f"keras[{backend}]").numpy_kwargs({"reduction": "none"})
        assert kwargs["clamp_grad"] == "zero_nan_at_origin"
        want, got = _grads(backend, keras_cosine, p, t)[0], n.cosine_similarity_backward(dout, p, t, **kwargs)
        assert np.isnan(want[0]).all() and np.isfinite(want[1:]).all()
        np.testing.assert_allclose(got, want, rtol=1e-5, equal_nan=True)
    tf = n.cosine_similarity_backward(dout, p, t, **convention("cosine_similarity", "keras").numpy_kwargs(
        {"reduction": "none"}))
    assert np.isfinite(tf).all() and (tf[1:] == got[1:]).all()
    with pytest.raises(ValueError, match="clamp_grad"):
        n.cosine_similarity_backward(dout, p, t, reduction="none", clamp_grad="nan")
