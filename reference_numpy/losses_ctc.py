r"""Connectionist temporal classification (CTC) with a hand-written backward pass.

Layout and input space (the suite's, shared by the three packages): ``y_pred`` holds LOGITS, batch-major,
shape (N, T, C); ``y_true`` (N, S) integer labels, padded past each ``label_lengths[n]`` with any class
index; ``pred_lengths`` (N,) frames used per sequence (:math:`T_n \le T`), ``label_lengths`` (N,)
labels used (:math:`S_n \le S`). The loss is per sequence, so ``reduction="none"`` gives shape (N,) in
both frameworks (``unreduced="per_sample"``).

With :math:`\log p_{tc} = \mathrm{log\_softmax}(z_t)_c` and the extended sequence of :math:`2S + 2`
states :math:`l' = (\varnothing, b, l_1, b, l_2, \dots, l_S, b)` (:math:`\varnothing` a start state that
emits nothing, :math:`b` the blank), the log-space recursions over frames :math:`t = 1..T_n` are

.. math::
    \alpha_0(j) = \iota_j, \qquad
    \alpha_t(j) = \log p_{t,l'_j} + \mathrm{logsumexp}\big(\alpha_{t-1}(j), \alpha_{t-1}(j-1),
                  [\text{skip}_j]\,\alpha_{t-1}(j-2)\big)

    \beta_{T_n}(j) = \phi_j, \qquad
    \beta_{t-1}(j) = \mathrm{logsumexp}_{k \in \{j, j+1, j+2 \text{ if skip}_{j+2}\}}
                     \big(\beta_t(k) + \log p_{t,l'_k}\big)

    \log P = \mathrm{logsumexp}_j\,(\alpha_{T_n}(j) + \phi_j), \qquad \ell = -\log P

where :math:`\text{skip}_j` holds for the label state of :math:`l_k` when :math:`k = 1` or
:math:`l_k \ne l_{k-1}` (a repeated label needs a blank between its copies); :math:`\log p` of the start
state is :math:`-\infty`. The loss starts exactly at :math:`\varnothing` (:math:`\iota_0 = 0`, else
:math:`-\infty`). The final weights :math:`\phi_j` are 0 for the states of :math:`l_{S_n}` and the blank
after it and ``log_zero`` for every other state: :math:`-\infty` (torch: exact, so an impossible alignment
gives :math:`\ell = +\infty`) or ``TF_LOG_ZERO`` = :math:`\log 10^{-307}` in float32 (Keras/TensorFlow:
a path may end anywhere, padded label states included, with weight :math:`e^{-706.9}`, so the loss stays
finite, about 707 plus the loss of the best such path, and is capped there on saturated logits).
TensorFlow's gradient also starts its forward pass with ``log_zero`` off :math:`\varnothing` (see
``ctc_backward``); its loss does not (``-log_likelihood = -(bwd[0, :, 0] + cum_log_sum)``).

``log_zero_at="start"`` relaxes the other ends instead (Keras's JAX ``ctc_loss``, optax's recursion with
``log_epsilon``): every state but :math:`\varnothing` (and the blank before :math:`l_1`, which optax's first
state includes) starts with weight ``log_zero``, a repeated label may be entered straight from its copy (without
the blank between) at the cost ``log_zero``, and the path must end in the final two states (:math:`\phi_j` exact).
The loss and its gradient then use the same lattice: the gradient is the loss's derivative.
"""
import numpy as np

from .losses_common import compute_in, reduce, reduce_backward
from .validation import check_choice, check_ctc

__all__ = ["ctc"]

#: TensorFlow's ``ctc_state_log_probs``: ``log(0 + 1e-307)`` in float64, cast to float32.
TF_LOG_ZERO = float(np.float32(np.log(1e-307)))
_LOG_ZERO_ENDS = ("end", "start")


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _states(y_true, blank, num_classes):
    """Class of each extended state (N, 2S+2) -- the start state gets ``num_classes``, a class no frame
    emits -- and the skip mask (N, 2S+2): the label state of l_k may be entered from two states back."""
    n, s = y_true.shape
    ext = np.full((n, 2 * s + 2), blank, dtype=np.int64)
    ext[:, 0] = num_classes
    ext[:, 2::2] = y_true
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 2:3] = s > 0  # l_1 may be entered straight from the start state
    skip[:, 4::2] = y_true[:, 1:] != y_true[:, :-1]
    return ext, skip


def _emissions(lp, ext):
    """log p_{t, l'_j}: (N, T, 2S+2), :math:`-\\infty` for the start state."""
    padded = np.concatenate([lp, np.full(lp.shape[:2] + (1,), -np.inf, dtype=lp.dtype)], axis=-1)
    return np.take_along_axis(padded, ext[:, None, :], axis=2)


def _shift(a, k, fill):
    return np.concatenate([np.full(a.shape[:-1] + (k,), fill, dtype=a.dtype), a[..., :-k]], axis=-1)


def _edges(label_lengths, num_states, log_zero, dtype, log_zero_at="end"):
    """Start weights of the loss, start weights of the gradient's forward pass, and final weights phi, each
    (N, 2S+2). ``"end"``: the loss starts exactly (-inf off the start state), the gradient with ``log_zero`` off
    it (Keras's posterior on TensorFlow), phi ``log_zero`` off the final states. ``"start"``: both start with
    ``log_zero`` off the start state and the blank after it, phi exact."""
    j = np.arange(num_states)
    last = 2 * label_lengths[:, None]
    final = (j == last) | (j == last + 1)
    if log_zero_at == "start":
        start = np.where(j == 0, 0.0, np.where(j == 1, -np.inf, log_zero))[None, :].repeat(len(label_lengths), 0)
        return start.astype(dtype), start.astype(dtype), np.where(final, 0.0, -np.inf).astype(dtype)
    start = np.where(j == 0, 0.0, -np.inf)[None, :].repeat(len(label_lengths), 0).astype(dtype)
    relaxed = np.where(j == 0, 0.0, log_zero)[None, :].repeat(len(label_lengths), 0).astype(dtype)
    return start, relaxed, np.where(final, 0.0, log_zero).astype(dtype)


def _skips(x, skip, repeat_cost):
    """``x`` where a state may be entered from two states back: as is where ``skip`` holds; with ``repeat_cost``
    (N, 2S+2) or None, also a repeated label's state (its copy's weight plus the cost), else -inf."""
    if repeat_cost is None:
        return np.where(skip, x, -np.inf)
    return np.where(skip, x, x + repeat_cost)


def _repeat_cost(y_true, log_zero, log_zero_at, dtype):
    """(N, 2S+2): ``log_zero`` (None: -inf) at the state of a label equal to the one before it, -inf elsewhere
    (None unless ``log_zero_at="start"``)."""
    if log_zero_at != "start":
        return None
    n, s = y_true.shape
    repeat = np.zeros((n, 2 * s + 2), dtype=bool)
    repeat[:, 4::2] = y_true[:, 1:] == y_true[:, :-1]
    return np.where(repeat, -np.inf if log_zero is None else log_zero, -np.inf).astype(dtype)


def _alpha(em, skip, pred_lengths, iota, repeat_cost=None):
    """alpha_t for t = 1..T (N, T, 2S+2), frozen at alpha_{T_n} past each sequence's end."""
    a, out = iota, []
    for t in range(em.shape[1]):
        step = np.logaddexp(np.logaddexp(a, _shift(a, 1, -np.inf)), _skips(_shift(a, 2, -np.inf), skip, repeat_cost))
        a = np.where((t < pred_lengths)[:, None], step + em[:, t], a)
        out.append(a)
    return np.stack(out, axis=1) if out else np.zeros(em.shape, dtype=em.dtype)


def _beta(em, skip, pred_lengths, phi, repeat_cost=None):
    """beta_t for t = 1..T (N, T, 2S+2); beta_t = phi for t >= T_n."""
    b, out = phi, [None] * em.shape[1]
    for t in range(em.shape[1], 0, -1):
        out[t - 1] = b
        g = b + em[:, t - 1]
        nxt = np.logaddexp(np.logaddexp(g, _shift(g[..., ::-1], 1, -np.inf)[..., ::-1]),
                           _shift(_skips(g, skip, repeat_cost)[..., ::-1], 2, -np.inf)[..., ::-1])
        b = np.where((t <= pred_lengths)[:, None], nxt, phi)
    return np.stack(out, axis=1) if out else np.zeros(em.shape, dtype=em.dtype)


def _lattice(y_pred, y_true, label_lengths, blank, log_zero, dtype, log_zero_at="end"):
    """(log p (N, T, C), extended classes, skip mask, emissions, start, relaxed start, phi), compute dtype."""
    (p,) = compute_in(dtype, y_pred)
    lp = _log_softmax(p)
    ext, skip = _states(y_true, blank, p.shape[-1])
    edges = _edges(label_lengths, ext.shape[1], -np.inf if log_zero is None else log_zero, p.dtype, log_zero_at)
    return (lp, ext, skip, _emissions(lp, ext)) + edges


def _log_likelihood(alpha, iota, phi):
    last = alpha[:, -1] if alpha.shape[1] else iota
    return np.logaddexp.reduce(last + phi, axis=-1)  # all -inf gives -inf without a warning


def _per_sequence_scale(label_lengths, reduction, mean_by_label_length, dtype):
    """torch's 'mean' divides each sequence's loss by max(S_n, 1) before averaging over the batch."""
    if reduction == "mean" and mean_by_label_length:
        return 1.0 / np.maximum(label_lengths, 1).astype(dtype)
    return np.ones(label_lengths.shape, dtype=dtype)


def ctc(y_pred, y_true, pred_lengths, label_lengths, *, blank=0, reduction="mean", dtype=None, log_zero=None,
        mean_by_label_length=True, zero_infinity=False, unreduced="per_sample", compute_dtype=None,
        log_zero_at="end"):
    r"""CTC loss :math:`\ell_n = -\log P(l^{(n)} \mid z^{(n)})` of each sequence, then reduced.

    ``log_zero``: the weight of a non-start/non-final state (``None`` = :math:`-\infty`, torch; ``TF_LOG_ZERO``,
    Keras). ``zero_infinity``: an infinite :math:`\ell_n` becomes 0 (torch's option, off by default).
    ``reduction="mean"`` is :math:`\frac1N \sum_n \ell_n / \max(S_n, 1)` with ``mean_by_label_length``
    (torch) and :math:`\frac1N \sum_n \ell_n` without (Keras's ``sum_over_batch_size``); ``sum`` and
    ``none`` agree. ``unreduced`` is always ``"per_sample"``: one loss per sequence.
    ``compute_dtype="float32"``: evaluate in float32 and cast the loss back (TensorFlow's CTC kernels are
    float32-only, so Keras does this for float64 input); ``dtype`` instead sets the returned dtype too.
    ``log_zero_at``: which ends of a path ``log_zero`` relaxes, ``"end"`` (TensorFlow) or ``"start"`` (with
    repeated labels: Keras's JAX backend), as the module's docstring says; the same with ``log_zero=None``.
    """
    check_ctc(y_pred, y_true, pred_lengths, label_lengths, blank)
    check_choice(unreduced, ("per_sample",), "unreduced")
    check_choice(reduction, ("none", "sum", "mean"), "reduction")
    check_choice(log_zero_at, _LOG_ZERO_ENDS, "log_zero_at")
    lp, ext, skip, em, start, _, phi = _lattice(y_pred, y_true, label_lengths, blank, log_zero, compute_dtype or dtype,
                                                log_zero_at)
    repeat = _repeat_cost(y_true, log_zero, log_zero_at, lp.dtype)
    loss = -_log_likelihood(_alpha(em, skip, pred_lengths, start, repeat), start, phi)
    if zero_infinity:
        loss = np.where(np.isinf(loss), 0, loss).astype(loss.dtype)
    out = reduce(loss * _per_sequence_scale(label_lengths, reduction, mean_by_label_length, loss.dtype), reduction)
    return np.asarray(out).astype(dtype or y_pred.dtype)


def ctc_backward(dout, y_pred, y_true, pred_lengths, label_lengths, *, blank=0, reduction="mean", dtype=None,
                 log_zero=None, mean_by_label_length=True, zero_infinity=False, unreduced="per_sample",
                 compute_dtype=None, log_zero_at="end"):
    r"""Gradient w.r.t. the logits from the posterior occupancy of each extended state, normalised per frame:

    .. math::
        \gamma_t(j) = \frac{\exp(\tilde\alpha_t(j) + \beta_t(j))}{\sum_{j'} \exp(\tilde\alpha_t(j') + \beta_t(j'))},
        \qquad \frac{\partial \ell}{\partial \log p_{tc}} = -\sum_{j:\, l'_j = c} \gamma_t(j),

        \frac{\partial \ell}{\partial z_{tc}} = p_{tc} - \sum_{j:\, l'_j = c} \gamma_t(j) \quad (t \le T_n),
        \qquad 0 \quad (t > T_n)

    (through log_softmax, :math:`\partial \log p_{tc'} / \partial z_{tc} = \delta_{cc'} - p_{tc}`, and
    :math:`\sum_j \gamma_t(j) = 1`), times the upstream gradient of :math:`\ell_n`: ``dout`` (``none``,
    ``sum``) or ``dout / N`` (``mean``), divided by :math:`\max(S_n, 1)` with ``mean_by_label_length``.
    :math:`\tilde\alpha` is :math:`\alpha` started with ``log_zero`` off :math:`\varnothing`. With
    ``log_zero=None`` (torch) :math:`\tilde\alpha = \alpha` and :math:`\sum_j e^{\alpha_t + \beta_t} = P` at
    every frame, so this is the exact derivative of ``ctc``; with ``TF_LOG_ZERO`` (TensorFlow) it differs
    from the derivative of the loss by terms of relative size :math:`e^{-706.9}/P`, i.e. only when the
    valid paths are that improbable (saturated logits, impossible alignments). An impossible alignment
    under ``log_zero=None`` has :math:`\log P = -\infty`: :math:`\gamma` is NaN on its frames, as in torch;
    ``zero_infinity`` zeroes that sequence's gradient.
    """
    loss = ctc(y_pred, y_true, pred_lengths, label_lengths, blank=blank, reduction="none", dtype=dtype,
               log_zero=log_zero, zero_infinity=False, compute_dtype=compute_dtype, log_zero_at=log_zero_at)
    lp, ext, skip, em, _, relaxed, phi = _lattice(y_pred, y_true, label_lengths, blank, log_zero,
                                                  compute_dtype or dtype, log_zero_at)
    repeat = _repeat_cost(y_true, log_zero, log_zero_at, lp.dtype)
    joint = _alpha(em, skip, pred_lengths, relaxed, repeat) + _beta(em, skip, pred_lengths, phi, repeat)  # (N, T, 2S+2)
    with np.errstate(invalid="ignore"):  # -inf - (-inf) only for an impossible alignment: NaN, as torch
        gamma = np.exp(joint - np.logaddexp.reduce(joint, axis=-1, keepdims=True))
    occupancy = np.einsum("ntj,njc->ntc", gamma, np.eye(lp.shape[-1] + 1, dtype=lp.dtype)[ext][..., :-1])
    frames = (np.arange(lp.shape[1]) < pred_lengths[:, None])[..., None]
    grad = np.where(frames, np.exp(lp) - occupancy, 0)
    upstream = reduce_backward(dout, loss.shape, reduction) * _per_sequence_scale(
        label_lengths, reduction, mean_by_label_length, lp.dtype)
    if zero_infinity:
        upstream = np.where(np.isinf(loss), 0, upstream)
        grad = np.where(np.isinf(loss)[:, None, None], 0, grad)
    return (upstream[:, None, None] * grad).astype(y_pred.dtype)
