r"""Similarity and metric-learning losses with hand-written backward passes.

Every loss here is one value per sample in both frameworks: the reduction over the feature axis is
part of the loss, so ``reduction="none"`` returns shape (N,) (``unreduced="per_sample"``, the only
choice) and ``sum``/``mean`` reduce over the batch. ``dtype`` is the compute dtype (Keras computes
in floatx). The framework differences are keyword-only switches:

* ``cosine_similarity``: ``eps`` (torch clamps each norm at 1e-8, Keras at ``epsilon()`` = 1e-7) and
  ``clamp_grad`` (torch clamps under ``no_grad``: the gradient still sees the unclamped norm);
* ``triplet``: ``distance`` (torch shifts the difference, :math:`\|a - b + \varepsilon\|`; the Keras
  loss floors the squared distance, :math:`\sqrt{\max(\|a - b\|^2, \varepsilon)}`), ``dist_eps`` and
  ``grad_at_kink`` (a tie of a maximum: its first argument's, or shared as on JAX and torch);
* ``dice``: ``smooth_nr`` and ``smooth_dr``, added to the numerator and the denominator (MONAI's
  names; torch's hand-written Dice: 1 and 1, ``keras.losses.Dice``: 0 and ``epsilon()`` = 1e-7).
"""
import numpy as np

from .losses_common import check_pair, compute_in, reduce, reduce_backward
from .validation import check_axis, check_choice, check_contrastive, check_ndim, check_range, check_triplet

__all__ = ["cosine_similarity", "contrastive", "triplet", "dice"]


def _check_unreduced(unreduced):
    check_choice(unreduced, ("per_sample",), "unreduced")


def _upstream(dout, shape, reduction):
    """The upstream gradient of each per-sample loss, of the per-sample ``shape``."""
    return reduce_backward(dout, shape, reduction)


def _safe_div(a, b):
    """``a / b`` with 0 where ``b == 0`` (torch's norm backward at the zero vector)."""
    return a / np.where(b == 0, 1, b)


# ---------------------------------------------------------------- cosine similarity (as a loss)

def _normalised(x, eps):
    norm = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
    return norm, np.maximum(norm, eps)


_CLAMP_GRADS = ("straight_through", "zero", "zero_nan_at_origin")


def cosine_similarity(y_pred, y_true, *, reduction="mean", unreduced="per_sample", dtype=None, eps=1e-8):
    r"""The NEGATIVE cosine similarity along the last axis (Keras's loss sign; torch's
    ``F.cosine_similarity`` is :math:`+\cos`, the torch wrapper negates it), each norm clamped at ``eps``:

    .. math:: \ell_n = -\sum_d \frac{p_{nd}}{\max(\|p_n\|, \varepsilon)} \frac{t_{nd}}{\max(\|t_n\|, \varepsilon)}

    torch: ``eps=1e-8`` (``F.cosine_similarity``); Keras: :math:`p \cdot \min(1/\sqrt{\sum p^2}, 1/\varepsilon)`
    with :math:`\varepsilon` = ``keras.config.epsilon()`` = 1e-7, the same clamp of the norm.
    """
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    _check_unreduced(unreduced)
    p, t = compute_in(dtype, y_pred, y_true)
    _, cp = _normalised(p, eps)
    _, ct = _normalised(t, eps)
    return reduce(-np.sum((p / cp) * (t / ct), axis=-1), reduction)


def cosine_similarity_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="per_sample", dtype=None,
                               eps=1e-8, clamp_grad="straight_through"):
    r"""With :math:`c = \max(\|p\|, \varepsilon)`, :math:`\hat t = t / \max(\|t\|, \varepsilon)`:

    .. math:: \partial \ell / \partial p = -\hat t / c + (p \cdot \hat t) / c^2 \; \partial c / \partial p

    ``clamp_grad="straight_through"`` (torch clamps the norm in place under ``NoGradGuard``):
    :math:`\partial c / \partial p = p / \|p\|` even where the clamp is active (0 at :math:`p = 0`);
    ``"zero"`` (Keras's ``minimum(rsqrt(.), 1/eps)``; a tie goes to the rsqrt branch):
    :math:`p / \|p\|` where :math:`\|p\| \ge \varepsilon`, else 0; ``"zero_nan_at_origin"``: the same, but
    NaN where :math:`\sum p^2` is 0 (JAX's and torch's autodiff multiply the zero by rsqrt's infinite derivative at 0,
    :math:`0 \cdot \infty`; TensorFlow's RsqrtGrad returns 0 for a zero upstream gradient).
    """
    check_choice(clamp_grad, _CLAMP_GRADS, "clamp_grad")
    p, t = compute_in(dtype, y_pred, y_true)
    norm, cp = _normalised(p, eps)
    _, ct = _normalised(t, eps)
    t_hat = t / ct
    dc = _safe_div(p, norm)
    if clamp_grad != "straight_through":
        dc = np.where(norm >= eps, dc, 0)
    g = -t_hat / cp + np.sum(p * t_hat, axis=-1, keepdims=True) / (cp * cp) * dc
    if clamp_grad == "zero_nan_at_origin":
        g = np.where(norm == 0, np.nan, g)
    return (_upstream(dout, p.shape[:-1], reduction)[..., None] * g).astype(y_pred.dtype)


# ---------------------------------------------------------------- contrastive (Hadsell et al.)

def contrastive(y_pred, y_true, *, margin=1.0, reduction="mean", unreduced="per_sample", dtype=None):
    r"""Contrastive loss on pair distances ``y_pred`` :math:`d \ge 0`, shape (N,), with ``y_true``
    :math:`y = 1` for a similar pair and 0 for a dissimilar one (TF Addons' ``contrastive_loss``;
    Hadsell et al. 2006 write :math:`Y = 0` for similar and halve both terms):

    .. math:: \ell = y\, d^2 + (1 - y) \max(m - d, 0)^2
    """
    check_contrastive(y_pred, y_true, margin)
    _check_unreduced(unreduced)
    d, y = compute_in(dtype, y_pred, y_true)
    return reduce(y * d * d + (1 - y) * np.maximum(margin - d, 0) ** 2, reduction)


def contrastive_backward(dout, y_pred, y_true, *, margin=1.0, reduction="mean", unreduced="per_sample", dtype=None):
    r"""Continuous at :math:`d = m` (both one-sided derivatives are 0), so no kink convention:

    .. math:: \partial \ell / \partial d = 2 y d - 2 (1 - y) \max(m - d, 0)
    """
    d, y = compute_in(dtype, y_pred, y_true)
    g = 2 * y * d - 2 * (1 - y) * np.maximum(margin - d, 0)
    return (_upstream(dout, d.shape, reduction) * g).astype(y_pred.dtype)


# ---------------------------------------------------------------- triplet margin

def _distance(a, b, distance, dist_eps, grad_at_kink="active"):
    """(d, u): the distance per row and :math:`\\partial d / \\partial a` (= :math:`-\\partial d / \\partial b`);
    ``grad_at_kink="split"`` halves the gradient where the clamp ties (sum of squares equal to ``dist_eps``)."""
    check_choice(distance, ("shifted", "clamped"), "distance")
    if distance == "shifted":  # torch's pairwise_distance: norm(a - b + eps)
        diff = a - b + dist_eps
        d = np.sqrt(np.sum(diff * diff, axis=-1, keepdims=True))
        return d[..., 0], _safe_div(diff, d)
    diff = a - b  # sqrt(maximum(sum(diff^2), eps)); a tie goes to the sum (TF's Maximum)
    ss = np.sum(diff * diff, axis=-1, keepdims=True)
    d = np.sqrt(np.maximum(ss, dist_eps))
    u = np.where(ss >= dist_eps, diff / d, 0)
    return d[..., 0], (np.where(ss == dist_eps, u / 2, u) if grad_at_kink == "split" else u)


_TRIPLET_KINKS = ("active", "split")


def triplet(anchor, positive, negative, *, margin=1.0, reduction="mean", unreduced="per_sample", dtype=None,
            distance="shifted", dist_eps=1e-6, grad_at_kink="active"):
    r"""Triplet margin loss on embeddings of shape (N, D), all three differentiated:

    .. math:: \ell_n = \max(m + \delta(a_n, p_n) - \delta(a_n, q_n), 0)

    with ``distance="shifted"`` (torch's ``pairwise_distance``, ``eps=1e-6``):
    :math:`\delta(a, b) = \|a - b + \varepsilon\|_2`, or ``"clamped"`` (the Keras loss, ``epsilon()`` = 1e-7):
    :math:`\delta(a, b) = \sqrt{\max(\|a - b\|_2^2, \varepsilon)}`. ``grad_at_kink`` only selects the gradient
    at a tie of a maximum (see :func:`triplet_backward`).
    """
    check_triplet(anchor, positive, negative, margin)
    _check_unreduced(unreduced)
    check_choice(grad_at_kink, _TRIPLET_KINKS, "grad_at_kink")
    a, p, n = compute_in(dtype, anchor, positive, negative)
    d_pos, _ = _distance(a, p, distance, dist_eps)
    d_neg, _ = _distance(a, n, distance, dist_eps)
    return reduce(np.maximum(margin + d_pos - d_neg, 0), reduction)


def triplet_backward(dout, anchor, positive, negative, *, margin=1.0, reduction="mean", unreduced="per_sample",
                     dtype=None, distance="shifted", dist_eps=1e-6, grad_at_kink="active"):
    r"""Active where :math:`h = m + \delta_+ - \delta_- \ge 0` with ``grad_at_kink="active"`` (torch's
    ``clamp_min`` and TF's ``Maximum`` both pass a tie's gradient to :math:`h`); ``"split"`` passes half of it at
    :math:`h = 0`, and at a tie of the clamped distance's maximum (``jnp.maximum`` and ``torch.maximum`` share a
    tie equally); with :math:`u_\pm = \partial \delta_\pm / \partial a`:

    .. math:: \partial \ell / \partial a = [h \ge 0](u_+ - u_-), \quad
              \partial \ell / \partial p = -[h \ge 0] u_+, \quad \partial \ell / \partial q = [h \ge 0] u_-

    Returns ``(grad_anchor, grad_positive, grad_negative)``.
    """
    check_choice(grad_at_kink, _TRIPLET_KINKS, "grad_at_kink")
    a, p, n = compute_in(dtype, anchor, positive, negative)
    d_pos, u_pos = _distance(a, p, distance, dist_eps, grad_at_kink)
    d_neg, u_neg = _distance(a, n, distance, dist_eps, grad_at_kink)
    h = margin + d_pos - d_neg
    g = _upstream(dout, d_pos.shape, reduction) * (h >= 0)
    if grad_at_kink == "split":
        g = np.where(h == 0, g / 2, g)
    g = g[:, None]
    return tuple(x.astype(anchor.dtype) for x in (g * (u_pos - u_neg), -g * u_pos, g * u_neg))


# ---------------------------------------------------------------- Dice

def _axes(axis, ndim):
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes."""
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    for ax in axes:
        check_axis(ax, ndim)
    return tuple(sorted({ax % ndim for ax in axes}))


def _check_dice(y_pred, y_true, axis, unreduced):
    check_pair(y_pred, y_true)
    check_range(y_pred, "y_pred", 0, 1)
    check_range(y_true, "y_true", 0, 1)
    _check_unreduced(unreduced)
    return _axes(axis, y_pred.ndim)


def _dice_terms(p, t, axes, smooth_nr, smooth_dr):
    num = 2 * np.sum(p * t, axis=axes, keepdims=True) + smooth_nr
    den = np.sum(t, axis=axes, keepdims=True) + np.sum(p, axis=axes, keepdims=True) + smooth_dr
    return num, den


def dice(y_pred, y_true, *, axis=-1, reduction="mean", unreduced="per_sample", dtype=None, smooth_nr=1.0,
         smooth_dr=1.0):
    r"""Dice loss of soft masks in [0, 1], one ratio per slice left by summing over ``axis``
    (``None``: every axis, one Dice for the whole batch):

    .. math:: \ell = 1 - \frac{2 \sum p t + s_n}{\sum t + \sum p + s_d}

    torch (written by hand, Laplace smoothing): :math:`s_n = s_d = 1`, so an empty mask scores 0;
    ``keras.losses.Dice``: :math:`s_n = 0`, :math:`s_d` = ``epsilon()`` = 1e-7, so it scores 1.
    """
    axes = _check_dice(y_pred, y_true, axis, unreduced)
    p, t = compute_in(dtype, y_pred, y_true)
    num, den = _dice_terms(p, t, axes, smooth_nr, smooth_dr)
    return reduce(np.squeeze(1 - num / den, axis=axes), reduction)


def dice_backward(dout, y_pred, y_true, *, axis=-1, reduction="mean", unreduced="per_sample", dtype=None,
                  smooth_nr=1.0, smooth_dr=1.0):
    r"""With :math:`N = 2 \sum p t + s_n` and :math:`D = \sum t + \sum p + s_d`:

    .. math:: \partial \ell / \partial p = -2 t / D + N / D^2
    """
    p, t = compute_in(dtype, y_pred, y_true)
    axes = _axes(axis, p.ndim)
    num, den = _dice_terms(p, t, axes, smooth_nr, smooth_dr)
    reduced = tuple(s for i, s in enumerate(p.shape) if i not in axes)
    g = np.expand_dims(_upstream(dout, reduced, reduction), axes)
    return (g * (-2 * t / den + num / (den * den))).astype(y_pred.dtype)
