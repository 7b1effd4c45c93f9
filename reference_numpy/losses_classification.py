r"""Classification losses with hand-written backward passes (gradient w.r.t. ``y_pred``).

Binary losses take ``(y_pred, y_true)`` of one shape (N, D); ``reduction="none"`` keeps one loss per
element in torch (``unreduced="elementwise"``) and one per sample in Keras (``"per_sample"``: the mean
over the last axis). Categorical losses take (N, C) predictions: both frameworks sum the class axis, so
``unreduced="per_sample"`` is their only value. Sparse and weighted losses take int labels (N,).

Switches that reproduce each framework (values: torch / Keras):

- ``clip_eps`` (None / 1e-7 = ``keras.config.epsilon()``): clip probabilities to :math:`[\epsilon, 1-\epsilon]`
  (the bound rounded to the dtype), gradient 0 outside; Keras then evaluates :math:`\log(1 - p)` literally.
- ``log_floor`` (-100 / None): torch's BCE floors :math:`\log p` and :math:`\mathrm{log1p}(-p)` at -100.
- ``grad_eps`` (1e-12 / None, backward only): torch's BCE backward is :math:`(p - t) / \max(p(1-p), \epsilon)`,
  with :math:`\epsilon` a float32 constant (9.99999996e-13) in float64 too.
- ``logits_form`` ("log_sigmoid" / "relu"): torch's :math:`(1-t)x - \log\sigma(x)` vs TensorFlow's
  :math:`\max(x, 0) - xt + \mathrm{log1p}(e^{-|x|})`: equal, but each cancels where the other does not;
  the focal loss also takes "probabilities" (Keras on JAX and torch: the probability BCE of :math:`\sigma(x)`).
- ``normalize`` (False / True): Keras divides probabilities by their sum over the class axis;
  ``normalize_order`` ("clip_first", sparse CE): after clipping on TensorFlow, before it on JAX and torch.
- ``grad_target_sum`` ("exact" / "assume_one", backward only): TF's softmax-CE kernel returns
  :math:`\mathrm{softmax}(x) - t`, the gradient only when :math:`\sum t = 1`.
- ``ignored_mean`` ("nan" / "zero"), ``weighted_mean`` ("sum_of_weights" / "batch_size"): what ``mean`` divides by.
"""
import numpy as np

from .losses_common import (bce, bce_grad, check_pair, check_reduction, clip_probabilities, compute_in, reduce,
                            reduce_backward)
from .validation import check_choice, check_class_weights, check_floating, check_logits_labels, check_ndim, \
    check_probabilities, check_shape

TORCH_BCE_EPS = float(np.float32(1e-12))  # torch's EPSILON in the BCE backward is a float, also for float64

__all__ = ["binary_crossentropy", "binary_crossentropy_with_logits", "categorical_crossentropy",
           "categorical_crossentropy_with_logits", "sparse_categorical_crossentropy", "weighted_crossentropy",
           "focal_loss"]


def _check_per_sample(unreduced):
    check_choice(unreduced, ("per_sample",), "unreduced")


def _check_from_logits(from_logits, clip_eps, *inputs):
    """``from_logits`` a bool; with ``False`` and no clipping (torch's reading) ``inputs`` ((array, name) pairs) are
    read as given, so they must be probabilities. Keras's reading (``clip_eps`` set) clips any value: what Keras
    does when ``from_logits`` is not passed."""
    check_choice(from_logits, (True, False), "from_logits")
    if not from_logits and clip_eps is None:
        for x, name in inputs:
            check_probabilities(x, name)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _log_softmax(z):
    with np.errstate(invalid="ignore"):
        shifted = z - z.max(axis=-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _one_hot(y, like):
    return (np.arange(like.shape[-1]) == y[..., None]).astype(like.dtype)


def binary_crossentropy(y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip_eps=None,
                        log_floor=-100.0, dtype=None):
    r"""BCE on probabilities; both must lie in [0, 1] (torch rejects other values; Keras would clip
    ``y_pred`` and take any ``y_true``: all three packages reject them here).

    .. math:: \ell = -(t \log p + (1 - t) \log(1 - p))

    At saturation (p = 0 or 1 against the target) torch's floored logs give 100 per element, Keras's
    clipping :math:`-\log \epsilon \approx 16.1` (at p = 1 in float32 15.9: :math:`1-\epsilon` rounds to
    :math:`1-2^{-23}`).
    """
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    p, t = compute_in(dtype, y_pred, y_true)
    return reduce(bce(p, t, clip_eps, log_floor), reduction, unreduced=unreduced)


def binary_crossentropy_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise", clip_eps=None,
                                 log_floor=-100.0, grad_eps=TORCH_BCE_EPS, dtype=None):
    r"""torch: :math:`(p - t)/\max(p(1-p), 10^{-12})` (about :math:`\mp 10^{12}` at p = 0 or 1 against the
    target); Keras: :math:`-t/p + (1-t)/(1-p)` inside the clip range, 0 outside."""
    p, t = compute_in(dtype, y_pred, y_true)
    g = reduce_backward(dout, p.shape, reduction, unreduced=unreduced) * bce_grad(p, t, clip_eps, log_floor, grad_eps)
    return g.astype(y_pred.dtype)


def _bce_logits(x, t, logits_form):
    check_choice(logits_form, ("log_sigmoid", "relu"), "logits_form")
    softplus_neg_abs = np.log1p(np.exp(-np.abs(x)))
    if logits_form == "log_sigmoid":
        return (1 - t) * x - (np.minimum(x, 0) - softplus_neg_abs)
    return np.maximum(x, 0) - x * t + softplus_neg_abs


def _bce_logits_grad(x, t, logits_form):
    if logits_form == "log_sigmoid":
        return _sigmoid(x) - t
    e = np.exp(-np.abs(x))
    s = e / (1 + e)
    return (x >= 0).astype(x.dtype) - t + np.where(x >= 0, -s, s)  # TF's autodiff of the relu form


def binary_crossentropy_with_logits(y_pred, y_true, *, reduction="mean", unreduced="elementwise",
                                    logits_form="log_sigmoid", dtype=None):
    r"""BCE on logits :math:`x`; ``"log_sigmoid"`` cancels for :math:`x \ll 0` with :math:`t \approx 0`,
    ``"relu"`` for :math:`x \gg 0` with :math:`t \approx 1` (:math:`x - xt` rounded at :math:`|x|`).

    .. math:: \ell = (1 - t) x - \log\sigma(x) = \max(x, 0) - x t + \log(1 + e^{-|x|})
    """
    check_pair(y_pred, y_true)
    x, t = compute_in(dtype, y_pred, y_true)
    return reduce(_bce_logits(x, t, logits_form), reduction, unreduced=unreduced)


def binary_crossentropy_with_logits_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="elementwise",
                                             logits_form="log_sigmoid", dtype=None):
    r""".. math:: \partial \ell / \partial x = \sigma(x) - t"""
    x, t = compute_in(dtype, y_pred, y_true)
    g = reduce_backward(dout, x.shape, reduction, unreduced=unreduced) * _bce_logits_grad(x, t, logits_form)
    return g.astype(y_pred.dtype)


def _xlogy(t, c):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t == 0, 0, t * np.log(c))


def categorical_crossentropy(y_pred, y_true, *, reduction="mean", unreduced="per_sample", normalize=False,
                             clip_eps=None, dtype=None):
    r"""CE on probabilities over the last axis, one loss per sample. torch (no built-in):
    ``-xlogy(t, p).sum(-1)``, p as given, :math:`0 \log 0 = 0`, :math:`\infty` where p = 0 < t.
    Keras: :math:`q = p / \sum_j p_j` (``normalize``), then clipped (``clip_eps``).

    .. math:: \ell = -\textstyle\sum_j t_j \log q_j
    """
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    _check_per_sample(unreduced)
    p, t = compute_in(dtype, y_pred, y_true)
    q = p / p.sum(axis=-1, keepdims=True) if normalize else p
    return reduce(-_xlogy(t, clip_probabilities(q, clip_eps)[0]).sum(axis=-1), reduction)


def categorical_crossentropy_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="per_sample",
                                      normalize=False, clip_eps=None, dtype=None):
    r"""With :math:`g_j = -t_j / q_j` (0 where clipped; torch's xlogy gives 0/0 = NaN at p = t = 0):

    .. math:: \partial \ell / \partial p_j = g_j \text{ (torch)}, \quad
              \big(g_j - \textstyle\sum_i g_i q_i\big) / \textstyle\sum_i p_i \text{ (normalize)}
    """
    p, t = compute_in(dtype, y_pred, y_true)
    s = p.sum(axis=-1, keepdims=True)
    q = p / s if normalize else p
    c, inside = clip_probabilities(q, clip_eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(inside, -t / c, 0)
        if normalize:
            g = g / s - (g * p).sum(axis=-1, keepdims=True) / s / s
    return (reduce_backward(dout, p.shape[:-1], reduction)[..., None] * g).astype(y_pred.dtype)


def categorical_crossentropy_with_logits(y_pred, y_true, *, reduction="mean", unreduced="per_sample", dtype=None):
    r"""CE on logits :math:`x` (N, C) with probability targets.

    .. math:: \ell = -\textstyle\sum_j t_j \log \mathrm{softmax}(x)_j
    """
    check_pair(y_pred, y_true)
    check_ndim(y_pred, 2, "y_pred")
    _check_per_sample(unreduced)
    x, t = compute_in(dtype, y_pred, y_true)
    return reduce(-(t * _log_softmax(x)).sum(axis=-1), reduction)


def categorical_crossentropy_with_logits_backward(dout, y_pred, y_true, *, reduction="mean", unreduced="per_sample",
                                                  grad_target_sum="exact", dtype=None):
    r""".. math:: \partial \ell / \partial x = \mathrm{softmax}(x) \textstyle\sum_j t_j - t
       \text{ (exact)}, \quad \mathrm{softmax}(x) - t \text{ (assume\_one: TF's kernel)}"""
    check_choice(grad_target_sum, ("exact", "assume_one"), "grad_target_sum")
    x, t = compute_in(dtype, y_pred, y_true)
    s = np.exp(_log_softmax(x))
    g = s * t.sum(axis=-1, keepdims=True) - t if grad_target_sum == "exact" else s - t
    return (reduce_backward(dout, x.shape[:-1], reduction)[..., None] * g).astype(y_pred.dtype)


_NORMALIZE_ORDERS = ("clip_first", "normalize_first")


def _sparse_log_probs(x, from_logits, normalize, clip_eps, normalize_order="clip_first"):
    """The log-probabilities read at the label: log_softmax(x) for logits; for probabilities log p
    (torch: ``F.nll_loss(log p)``), Keras's log_softmax(log clip(p)) = log(c / sum c) (``"clip_first"``) or
    log clip(p / sum p) (``"normalize_first"``)."""
    if from_logits:
        return _log_softmax(x)
    if normalize and normalize_order == "normalize_first":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(clip_probabilities(x / x.sum(axis=-1, keepdims=True), clip_eps)[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(clip_probabilities(x, clip_eps)[0])
    return _log_softmax(z) if normalize else z


def _sparse_grad(x, y, from_logits, normalize, clip_eps, normalize_order="clip_first"):
    onehot = _one_hot(y, x)
    if from_logits:
        return np.exp(_log_softmax(x)) - onehot
    if normalize and normalize_order == "normalize_first":  # q = p / s, then -log clip(q_y)
        s = x.sum(axis=-1, keepdims=True)
        q = x / s
        c, inside = clip_probabilities(q, clip_eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            g_q = np.where(inside, -onehot / c, 0)
            return (g_q - (g_q * q).sum(axis=-1, keepdims=True)) / s
    c, inside = clip_probabilities(x, clip_eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        g_z = np.exp(_log_softmax(np.log(c))) - onehot if normalize else -onehot
        return np.where(inside, g_z / c, 0)


def _check_scalar_dout(dout):
    check_floating(dout, "dout")
    check_shape(dout, (), "dout", what="it must match the loss's shape")


def _valid(y, ignore_index):
    return np.ones(y.shape, dtype=bool) if ignore_index is None else y != ignore_index


def _mean_divisor(valid, ignored_mean):
    """What ``mean`` divides the sum by: the number of labels not ignored in both frameworks; when every
    label is ignored, 0 in torch (0/0 = NaN) and inf here for Keras, whose mask weights total/valid
    (divide_no_nan) make the mean 0."""
    check_choice(ignored_mean, ("nan", "zero"), "ignored_mean")
    n = int(valid.sum())
    return n if n else (0 if ignored_mean == "nan" else np.inf)


def sparse_categorical_crossentropy(y_pred, y_true, *, from_logits=True, ignore_index=-100, reduction="mean",
                                    unreduced="per_sample", normalize=False, clip_eps=None, ignored_mean="nan",
                                    dtype=None, normalize_order="clip_first"):
    r"""CE with int labels :math:`y` (N,) in [0, C); labels equal to ``ignore_index`` (None: none) give 0
    and leave the mean. ``from_logits=False`` reads probabilities: outside [0, 1] a ValueError, as in both
    wrappers, unless ``clip_eps`` is set (Keras's default reads logits as probabilities and clips them, which the
    defaults variant shows).

    .. math:: \ell_n = -\log \mathrm{softmax}(x_n)_{y_n} \text{ (logits)}, \quad -\log p_{n y_n} \text{ (torch)},
              \quad -\log \big(c_{n y_n} / \textstyle\sum_j c_{nj}\big), c = \mathrm{clip}(p) \text{ (Keras)}

    ``normalize_order`` says where ``normalize`` divides by the sum: after clipping (``"clip_first"``, the formula
    above: TensorFlow's log of the clipped p through a softmax) or before (``"normalize_first"``:
    :math:`-\log \mathrm{clip}(p_{n y_n} / \textstyle\sum_j p_{nj})`, Keras's JAX and torch backends).
    """
    check_logits_labels(y_pred, y_true)
    _check_from_logits(from_logits, clip_eps, (y_pred, "y_pred"))
    _check_per_sample(unreduced)
    check_choice(normalize_order, _NORMALIZE_ORDERS, "normalize_order")
    (x,) = compute_in(dtype, y_pred)
    logp = _sparse_log_probs(x, from_logits, normalize, clip_eps, normalize_order)
    valid = _valid(y_true, ignore_index)
    loss = np.where(valid, -np.take_along_axis(logp, y_true[:, None], axis=-1)[:, 0], 0)
    if reduction == "mean" and not valid.all():
        with np.errstate(invalid="ignore"):
            return loss.sum() / _mean_divisor(valid, ignored_mean)
    return reduce(loss, reduction)


def sparse_categorical_crossentropy_backward(dout, y_pred, y_true, *, from_logits=True, ignore_index=-100,
                                             reduction="mean", unreduced="per_sample", normalize=False,
                                             clip_eps=None, ignored_mean="nan", dtype=None,
                                             normalize_order="clip_first"):
    r""".. math:: \partial \ell_n / \partial x_n = \mathrm{softmax}(x_n) - e_{y_n} \text{ (logits)}; \quad
       -e_{y_n} / p_n \text{ (torch)}; \quad [\text{inside}]\,(1 / \textstyle\sum_j c_{nj} - e_{y_n} / c_n) \text{ (Keras)}

    With ``normalize_order="normalize_first"`` (:math:`q = p / s`, :math:`s = \sum_j p_j`,
    :math:`g_j = -[\text{inside}_j]\, e_{y_n, j} / c_j`): :math:`(g - \textstyle\sum_j g_j q_j) / s`.

    Ignored rows get 0 (with every label ignored, 0 in both frameworks although torch's mean is NaN)."""
    check_choice(normalize_order, _NORMALIZE_ORDERS, "normalize_order")
    (x,) = compute_in(dtype, y_pred)
    valid = _valid(y_true, ignore_index)
    if reduction == "mean" and not valid.all():
        _check_scalar_dout(dout)
        up = np.broadcast_to(dout / _mean_divisor(valid, ignored_mean) if valid.any() else 0 * dout, y_true.shape)
    else:
        up = reduce_backward(dout, y_true.shape, reduction)
    g = np.where(valid[:, None], up[:, None] * _sparse_grad(x, y_true, from_logits, normalize, clip_eps,
                                                            normalize_order), 0)
    return g.astype(y_pred.dtype)


def weighted_crossentropy(y_pred, y_true, class_weights, *, reduction="mean", unreduced="per_sample",
                          weighted_mean="sum_of_weights", dtype=None):
    r"""Class-weighted CE on logits with int labels: :math:`\ell_n = w_{y_n} (-\log \mathrm{softmax}(x_n)_{y_n})`.

    ``mean`` is :math:`\sum_n \ell_n / \sum_n w_{y_n}` (torch, ``"sum_of_weights"``: 0/0 = NaN when every
    label's weight is 0) or :math:`\sum_n \ell_n / N` (Keras's ``sample_weight``, ``"batch_size"``).
    """
    check_logits_labels(y_pred, y_true)
    check_class_weights(class_weights, y_pred)
    _check_per_sample(unreduced)
    check_reduction(reduction)
    check_choice(weighted_mean, ("sum_of_weights", "batch_size"), "weighted_mean")
    x, w = compute_in(dtype, y_pred, class_weights)
    wy = w[y_true]
    loss = wy * -np.take_along_axis(_log_softmax(x), y_true[:, None], axis=-1)[:, 0]
    if reduction == "mean" and weighted_mean == "sum_of_weights":
        with np.errstate(invalid="ignore"):
            return loss.sum() / wy.sum()
    return reduce(loss, reduction)


def weighted_crossentropy_backward(dout, y_pred, y_true, class_weights, *, reduction="mean", unreduced="per_sample",
                                   weighted_mean="sum_of_weights", dtype=None):
    r""".. math:: \partial L / \partial x_n = u_n w_{y_n} (\mathrm{softmax}(x_n) - e_{y_n}), \quad
       u_n = g / \textstyle\sum_m w_{y_m} \text{ (torch mean)}, \; g / N \text{ (Keras mean)}"""
    x, w = compute_in(dtype, y_pred, class_weights)
    wy = w[y_true]
    if reduction == "mean" and weighted_mean == "sum_of_weights":
        _check_scalar_dout(dout)
        with np.errstate(divide="ignore"):
            up = np.broadcast_to(dout / wy.sum(), y_true.shape)
    else:
        up = reduce_backward(dout, y_true.shape, reduction)
    with np.errstate(invalid="ignore"):
        g = (up * wy)[:, None] * (np.exp(_log_softmax(x)) - _one_hot(y_true, x))
    return g.astype(y_pred.dtype)


def _focal_terms(x, t, alpha, gamma, apply_class_balancing, from_logits):
    """(p, 1 - p_t, class weight): the probability, the focal base and the alpha weight."""
    p = _sigmoid(x) if from_logits else x
    m = 1 - (t * p + (1 - t) * (1 - p))
    w = t * alpha + (1 - t) * (1 - alpha) if apply_class_balancing else 1
    return p, m, w


_FOCAL_LOGITS_FORMS = ("log_sigmoid", "relu", "probabilities")


def _focal_on_probabilities(from_logits, logits_form):
    """Whether the BCE reads probabilities: always without logits, and with ``logits_form="probabilities"``."""
    check_choice(logits_form, _FOCAL_LOGITS_FORMS, "logits_form")
    return not from_logits or logits_form == "probabilities"


def focal_loss(y_pred, y_true, *, alpha=0.25, gamma=2.0, apply_class_balancing=True, from_logits=True,
               reduction="none", unreduced="elementwise", logits_form="log_sigmoid", clip_eps=None,
               log_floor=-100.0, dtype=None):
    r"""Binary focal loss (Lin et al.) on logits (:math:`p = \sigma(x)`) or probabilities, with
    :math:`p_t = t p + (1-t)(1-p)`, :math:`\alpha_t = t\alpha + (1-t)(1-\alpha)` (1 unless balancing) and
    ``ce`` the BCE: on logits in ``logits_form``, on probabilities torch's floored or Keras's clipped one.
    ``logits_form="probabilities"`` evaluates the BCE of logits as the probability BCE of :math:`\sigma(x)`
    (Keras's ``binary_focal_crossentropy`` on JAX and torch: ``sigmoid``, then ``binary_crossentropy`` on the
    clipped probabilities, since only TensorFlow recovers the logits from the sigmoid's output).
    Probabilities outside [0, 1] are a ValueError, as in both wrappers, unless ``clip_eps`` is set (Keras's default
    reads logits as probabilities and clips them).

    .. math:: \ell = \alpha_t (1 - p_t)^\gamma \, \mathrm{ce}(p, t)
    """
    check_pair(y_pred, y_true)
    _check_from_logits(from_logits, clip_eps, (y_pred, "y_pred"), (y_true, "y_true"))
    on_probabilities = _focal_on_probabilities(from_logits, logits_form)
    x, t = compute_in(dtype, y_pred, y_true)
    p, m, w = _focal_terms(x, t, alpha, gamma, apply_class_balancing, from_logits)
    ce = bce(p, t, clip_eps, log_floor) if on_probabilities else _bce_logits(x, t, logits_form)
    return reduce(w * (m ** gamma * ce), reduction, unreduced=unreduced)


def focal_loss_backward(dout, y_pred, y_true, *, alpha=0.25, gamma=2.0, apply_class_balancing=True, from_logits=True,
                        reduction="none", unreduced="elementwise", logits_form="log_sigmoid", clip_eps=None,
                        log_floor=-100.0, grad_eps=TORCH_BCE_EPS, dtype=None):
    r"""With :math:`m = 1 - p_t`, :math:`p' = \sigma(x)(1 - \sigma(x))` on logits (1 on probabilities):

    .. math:: \partial \ell / \partial x = \alpha_t \big(\gamma m^{\gamma-1} (1 - 2t) p' \, \mathrm{ce}
              + m^\gamma \, \partial \mathrm{ce} / \partial x\big)
    """
    on_probabilities = _focal_on_probabilities(from_logits, logits_form)
    x, t = compute_in(dtype, y_pred, y_true)
    p, m, w = _focal_terms(x, t, alpha, gamma, apply_class_balancing, from_logits)
    if not on_probabilities:
        ce, dce, dp = _bce_logits(x, t, logits_form), _bce_logits_grad(x, t, logits_form), p * (1 - p)
    elif from_logits:  # the probability BCE of sigma(x), chained through the sigmoid
        dp = p * (1 - p)
        ce, dce = bce(p, t, clip_eps, log_floor), bce_grad(p, t, clip_eps, log_floor, grad_eps) * dp
    else:
        ce, dce, dp = bce(p, t, clip_eps, log_floor), bce_grad(p, t, clip_eps, log_floor, grad_eps), 1
    g = w * (gamma * m ** (gamma - 1) * (1 - 2 * t) * dp * ce + m ** gamma * dce)
    return (reduce_backward(dout, x.shape, reduction, unreduced=unreduced) * g).astype(y_pred.dtype)
