r"""Margin and probabilistic losses with hand-written backward passes (gradient w.r.t. ``y_pred``).

Every loss takes ``(y_pred, y_true)`` of one shape (N, D) and the compute ``dtype``. Switches:

- ``unreduced``: what ``reduction="none"`` returns. ``"elementwise"`` (torch: one loss per element),
  ``"per_sample"`` (Keras hinge/poisson: the mean over the last axis) or ``"per_sample_sum"``
  (Keras KL: the sum over the last axis). ``mean`` is the mean of that unreduced loss, so torch's
  ``mean`` of KL divides by :math:`N D` and Keras's by :math:`N` (torch's ``batchmean``).
- ``binary_labels`` (hinge): ``"as_given"`` (torch: labels used as they are, expected in
  :math:`\{-1, 1\}`) or ``"convert"`` (Keras: if *every* label is 0 or 1, :math:`y \to 2y - 1`).
- ``clip`` (KL, JS): ``None`` (torch) or :math:`\epsilon` (Keras clips both arguments to :math:`[\epsilon, 1]`);
  ``clip_grad`` (KL): the gradient on a bound, whole ("inclusive") or half (``jnp.clip``).
- ``eps``, ``log_input_eps`` (poisson): the constant added to the rate inside the log, and whether it
  is also added when ``log_input=True`` (the Keras wrapper feeds :math:`e^x` to ``Poisson``).
"""
import math

import numpy as np

from .losses_common import check_pair, compute_in, reduce, reduce_backward
from .validation import check_choice, check_floating, check_probabilities, check_shape

__all__ = ["hinge", "squared_hinge", "kl_divergence", "js_divergence", "poisson"]

KL_REDUCTIONS = ("none", "sum", "mean", "batchmean")


def _check_binary_labels(y_true):
    """Hinge labels: all in {0, 1} or all in {-1, 1}."""
    if not (np.all((y_true == 0) | (y_true == 1)) or np.all(np.abs(y_true) == 1)):
        raise ValueError("y_true must hold binary labels, all in {0, 1} or all in {-1, 1}")


def _check_non_negative(x, name, what):
    if np.any(x < 0):
        raise ValueError(f"{name} must be non-negative ({what})")


def _signed(t, binary_labels):
    """Keras's ``convert_binary_labels_to_hinge``: the whole tensor is converted or none of it."""
    check_choice(binary_labels, ("as_given", "convert"), "binary_labels")
    if binary_labels == "convert" and np.all((t == 0) | (t == 1)):
        return 2 * t - 1
    return t


def hinge(y_pred, y_true, *, reduction="mean", unreduced="elementwise", binary_labels="as_given", dtype=None):
    r"""Binary hinge on raw scores :math:`p`, labels :math:`y \in \{-1, 1\}` (see ``binary_labels``).

    .. math:: \ell = \max(0, 1 - y p)
    """
    check_pair(y_pred, y_true)
    _check_binary_labels(y_true)
    p, t = compute_in(dtype, y_pred, y_true)
    y = _signed(t, binary_labels)
    return reduce(np.maximum(1 - y * p, 0), reduction, unreduced=unreduced)


def hinge_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", binary_labels="as_given",
                   dtype=None, grad_at_kink="active"):
    r""".. math:: \partial \ell / \partial p = -y \,[1 - y p > 0] + c_0 [1 - y p = 0]

    At the kink ``"active"`` gives :math:`c_0 = -y` (``torch.clamp(min=0)`` passes the gradient where
    the input :math:`\ge` min; TF's Maximum gives a tie to its first argument, the margin);
    ``"zero"`` gives 0 (``F.relu``); ``"split"`` gives :math:`-y/2` (``jnp.maximum`` and ``torch.maximum``
    share a tie's gradient equally between their arguments).
    """
    check_choice(grad_at_kink, ("active", "zero", "split"), "grad_at_kink")
    p, t = compute_in(dtype, y_pred, y_true)
    y = _signed(t, binary_labels)
    m = 1 - y * p
    active = (m >= 0) if grad_at_kink == "active" else (m > 0)
    g = np.where(active, -y, 0)
    if grad_at_kink == "split":
        g = np.where(m == 0, -y / 2, g)
    return (reduce_backward(dout, p.shape, reduction, unreduced=unreduced) * g).astype(y_pred.dtype)


def squared_hinge(y_pred, y_true, *, reduction="mean", unreduced="elementwise", binary_labels="as_given", dtype=None):
    r"""Squared binary hinge; labels as in :func:`hinge`.

    .. math:: \ell = \max(0, 1 - y p)^2
    """
    check_pair(y_pred, y_true)
    _check_binary_labels(y_true)
    p, t = compute_in(dtype, y_pred, y_true)
    y = _signed(t, binary_labels)
    return reduce(np.maximum(1 - y * p, 0) ** 2, reduction, unreduced=unreduced)


def squared_hinge_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise",
                           binary_labels="as_given", dtype=None):
    r"""Zero at the kink under either tie rule. .. math:: \partial \ell / \partial p = -2 y \max(0, 1 - y p)"""
    p, t = compute_in(dtype, y_pred, y_true)
    y = _signed(t, binary_labels)
    g = -2 * y * np.maximum(1 - y * p, 0)
    return (reduce_backward(dout, p.shape, reduction, unreduced=unreduced) * g).astype(y_pred.dtype)


def _kl_reduce(loss, reduction, unreduced):
    """Reduce element-wise KL terms (N, D): ``batchmean`` is the total over the batch size N."""
    check_choice(reduction, KL_REDUCTIONS, "reduction")
    check_choice(unreduced, ("elementwise", "per_sample_sum"), "unreduced")
    n = loss.shape[0]
    if unreduced == "per_sample_sum":
        loss = loss.sum(axis=-1)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss.sum() / n


def _kl_upstream(dout, shape, reduction, unreduced):
    r"""Upstream gradient of the element-wise terms: ``mean`` divides by the size of the unreduced loss."""
    check_floating(dout, "dout")
    unreduced_shape = shape[:-1] if unreduced == "per_sample_sum" else shape
    check_shape(dout, unreduced_shape if reduction == "none" else (), "dout", what="it must match the loss's shape")
    if reduction == "none":
        g = dout[..., None] if unreduced == "per_sample_sum" else dout
        return np.broadcast_to(g, shape)
    if reduction == "mean":
        return np.broadcast_to(dout / math.prod(unreduced_shape), shape)  # a Python int keeps dout's dtype
    return np.broadcast_to(dout if reduction == "sum" else dout / shape[0], shape)


def _kl_check(y_pred, y_true, reduction, unreduced):
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    check_choice(reduction, KL_REDUCTIONS, "reduction")
    check_choice(unreduced, ("elementwise", "per_sample_sum"), "unreduced")


def _clip(x, clip):
    return x if clip is None else np.clip(x, clip, 1)


_CLIP_BOUND_GRADS = ("inclusive", "half")


def _inside(x, clip, at_bound="inclusive"):
    """Where a clip to [clip, 1] passes the gradient: ``"inclusive"`` (TF's ClipByValue, torch.clamp: boundaries
    included) or ``"half"`` (``jnp.clip`` is ``minimum(max, maximum(min, x))``: a value on a bound ties, and a tie
    passes half the gradient)."""
    if clip is None:
        return 1
    inside = (x >= clip) & (x <= 1)
    return inside if at_bound == "inclusive" else np.where((x == clip) | (x == 1), 0.5, inside)


def _xlogy(x, y):
    r""":math:`x \log y` with :math:`0 \log y = 0` (torch.xlogy; NaN y is rejected earlier)."""
    return np.where(x == 0, 0, x * np.log(np.where(x == 0, 1, y)))


def _kl_terms(q, t, clip):
    r"""Element-wise :math:`t \log(t / q)` of the clipped arguments as torch evaluates it,
    ``xlogy(t, t) - t * log q`` (Keras writes ``t * log(t / q)``: the same where it clips, :math:`t > 0`)."""
    q, t = _clip(q, clip), _clip(t, clip)
    return _xlogy(t, t) - t * np.log(q)


def _kl_term_grads(g, q, t, clip, at_bound="inclusive"):
    r"""Gradients of :math:`g \cdot (\mathrm{xlogy}(t, t) - t \log q)` w.r.t. ``q`` and ``t``, zero where a
    clip is active (on a bound as ``at_bound`` says, see ``_inside``); the ``t`` derivative of
    :math:`\mathrm{xlogy}(t, t)` is :math:`\log t + t / t`, NaN at :math:`t = 0` as in torch's xlogy backward.

    .. math:: \partial / \partial q = -g t / q, \qquad \partial / \partial t = g (\log t + t / t - \log q)
    """
    cq, ct = _clip(q, clip), _clip(t, clip)
    gq = -(g * ct) / cq
    gt = np.where(ct == 0, 0, g * np.log(np.where(ct == 0, 1, ct))) + g * ct / ct + (-g) * np.log(cq)
    return gq * _inside(q, clip, at_bound), gt * _inside(t, clip, at_bound)


def kl_divergence(y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip=None, dtype=None,
                  clip_grad="inclusive"):
    r"""KL(y_true || y_pred) of probabilities over the last axis; :math:`0 \log 0 = 0`; unclipped, a zero
    :math:`q` where :math:`t > 0` gives :math:`+\infty`, where :math:`t = 0` gives NaN
    (:math:`0 \cdot \log 0`, as ``F.kl_div(torch.log(q), t)``). ``clip`` clips both to :math:`[\epsilon, 1]`;
    ``clip_grad`` only selects the gradient on a bound (see :func:`kl_divergence_backward`).

    .. math:: \ell = t \log t - t \log q
    """
    _kl_check(y_pred, y_true, reduction, unreduced)
    check_choice(clip_grad, _CLIP_BOUND_GRADS, "clip_grad")
    q, t = compute_in(dtype, y_pred, y_true)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _kl_reduce(_kl_terms(q, t, clip), reduction, unreduced)


def kl_divergence_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip=None, dtype=None,
                           clip_grad="inclusive"):
    r"""Zero where the clip is active (outside :math:`[\epsilon, 1]`). On a bound (:math:`q = \epsilon` or
    :math:`q = 1`) the gradient passes whole with ``clip_grad="inclusive"`` (TF's ClipByValue), half with
    ``"half"`` (``jnp.clip``'s maximum/minimum share the tie).

    .. math:: \partial \ell / \partial q = -t / q
    """
    check_choice(clip_grad, _CLIP_BOUND_GRADS, "clip_grad")
    q, t = compute_in(dtype, y_pred, y_true)
    up = _kl_upstream(dout, q.shape, reduction, unreduced)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _kl_term_grads(up, q, t, clip, clip_grad)[0].astype(y_pred.dtype)


def js_divergence(y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip=None, dtype=None):
    r"""Jensen-Shannon divergence of probabilities over the last axis, built from two KLs (each
    framework's, so its clipping and reduction carry over, each reduced before they are combined),
    :math:`m = (q + t) / 2`.

    .. math:: \ell = \tfrac12 \mathrm{KL}(t \,\|\, m) + \tfrac12 \mathrm{KL}(q \,\|\, m)
    """
    _kl_check(y_pred, y_true, reduction, unreduced)
    q, t = compute_in(dtype, y_pred, y_true)
    m = (t + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_t = _kl_reduce(_kl_terms(m, t, clip), reduction, unreduced)
        kl_q = _kl_reduce(_kl_terms(m, q, clip), reduction, unreduced)
    return 0.5 * kl_t + 0.5 * kl_q


def js_divergence_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip=None, dtype=None):
    r"""Both KLs reach :math:`q` through :math:`m` (:math:`\partial m / \partial q = \tfrac12`), the second
    also directly; with :math:`\bar x` a clipped value and :math:`[x]` where its clip passes the gradient:

    .. math:: \partial \ell / \partial q = \tfrac12 (\log(\bar q / \bar m) + \bar q / \bar q)[q]
              - \tfrac14 (\bar t + \bar q) / \bar m \, [m]

    which is :math:`\tfrac12 \log(q / m)` unclipped. The :math:`\bar q / \bar q` comes from the derivative
    of :math:`\mathrm{xlogy}(q, q)`: NaN at :math:`q = 0` in torch's autograd.
    """
    q, t = compute_in(dtype, y_pred, y_true)
    m = (t + q) / 2
    g = 0.5 * _kl_upstream(dout, q.shape, reduction, unreduced)
    with np.errstate(divide="ignore", invalid="ignore"):
        gm_t, _ = _kl_term_grads(g, m, t, clip)
        gm_q, gq = _kl_term_grads(g, m, q, clip)
        return (gq + (gm_t + gm_q) / 2).astype(y_pred.dtype)


def _poisson_check(y_pred, y_true, log_input):
    check_pair(y_pred, y_true)
    _check_non_negative(y_true, "y_true", "counts")
    if not log_input:
        _check_non_negative(y_pred, "y_pred", "rates, with log_input=False")


def poisson(y_pred, y_true, *, log_input=True, reduction="mean", unreduced="elementwise", eps=1e-8,
            log_input_eps=False, dtype=None):
    r"""Poisson negative log-likelihood without the :math:`\log t!` term. ``log_input``: :math:`x = \log`
    rate, else :math:`x` is the rate (non-negative).

    .. math:: \ell = e^x - t x \;(\text{log input}), \qquad \ell = x - t \log(x + \epsilon) \;(\text{rate})

    ``log_input_eps`` evaluates the log-input loss as the rate loss of :math:`e^x` (with :math:`\epsilon`).
    """
    _poisson_check(y_pred, y_true, log_input)
    x, t = compute_in(dtype, y_pred, y_true)
    if log_input and not log_input_eps:
        return reduce(np.exp(x) - t * x, reduction, unreduced=unreduced)
    rate = np.exp(x) if log_input else x
    return reduce(rate - t * np.log(rate + eps), reduction, unreduced=unreduced)


def poisson_backward(dout, y_pred, y_true, *, log_input=True, reduction="mean", unreduced="elementwise", eps=1e-8,
                     log_input_eps=False, dtype=None):
    r""".. math:: \partial \ell / \partial x = e^x - t \;(\text{log input}), \qquad 1 - t / (x + \epsilon) \;(\text{rate}),
              \qquad (1 - t / (e^x + \epsilon)) e^x \;(\text{log input through the rate})
    """
    x, t = compute_in(dtype, y_pred, y_true)
    if log_input and not log_input_eps:
        g = np.exp(x) - t
    else:
        rate = np.exp(x) if log_input else x
        g = (1 - t / (rate + eps)) * (rate if log_input else 1)
    return (reduce_backward(dout, x.shape, reduction, unreduced=unreduced) * g).astype(y_pred.dtype)
