r"""Margin and probabilistic losses in PyTorch: ``torch.nn.functional`` where torch ships the loss
(``F.kl_div``, ``F.poisson_nll_loss``), otherwise torch ops reduced over every element (torch's
``reduction='none'`` is element-wise)."""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, framework_default, given
from .losses_common import check_pair, check_reduction, compute_in, reduce
from .validation import check_choice, check_probabilities

__all__ = ["hinge", "squared_hinge", "kl_divergence", "js_divergence", "poisson"]

KL_REDUCTIONS = ("none", "sum", "mean", "batchmean")


def _check_binary_labels(y_true):
    """Hinge labels: all in {0, 1} or all in {-1, 1}."""
    if not (((y_true == 0) | (y_true == 1)).all() or (y_true.abs() == 1).all()):
        raise ValueError("y_true must hold binary labels, all in {0, 1} or all in {-1, 1}")


def _check_non_negative(x, name, what):
    if (x < 0).any():
        raise ValueError(f"{name} must be non-negative ({what})")


def _margin(y_pred, y_true, dtype):
    check_pair(y_pred, y_true)
    _check_binary_labels(y_true)
    p, y = compute_in(dtype, y_pred, y_true)
    return torch.clamp(1 - y * p, min=0)


def hinge(y_pred, y_true, *, reduction="mean", dtype=None):
    r""":math:`\max(0, 1 - y p)` on raw scores, labels :math:`y \in \{-1, 1\}` used as given (a 0 label
    gives the constant loss 1). torch has no binary hinge (``HingeEmbeddingLoss`` is a different loss):
    ``torch.clamp(min=0)``, whose gradient at the kink is the margin's, :math:`-y`."""
    return reduce(_margin(y_pred, y_true, dtype), reduction)


def squared_hinge(y_pred, y_true, *, reduction="mean", dtype=None):
    r""":math:`\max(0, 1 - y p)^2`, labels :math:`y \in \{-1, 1\}` used as given; torch ops as :func:`hinge`."""
    return reduce(_margin(y_pred, y_true, dtype) ** 2, reduction)


def _kl_inputs(y_pred, y_true, reduction, dtype):
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    check_choice(reduction, KL_REDUCTIONS, "reduction")
    return compute_in(dtype, y_pred, y_true)


def kl_divergence(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r"""KL(y_true || y_pred) of probabilities over the last axis: ``F.kl_div(torch.log(y_pred), y_true)``.

    The wrapper takes probabilities and passes their log (``F.kl_div`` wants log-probabilities,
    ``log_target=False``): element-wise :math:`\mathrm{xlogy}(t, t) - t \log q`, so :math:`q = 0` gives
    :math:`+\infty` (:math:`t > 0`) or NaN (:math:`t = 0`). ``reduction``: torch's default (``'mean'`` in torch
    2.13, with a warning) averages over all :math:`N D` elements; ``'batchmean'`` is the KL mean over the batch.
    """
    q, t = _kl_inputs(y_pred, y_true, reduction, dtype)
    return F.kl_div(torch.log(q), t, **given(reduction=reduction))


def js_divergence(y_pred, y_true, *, reduction=DEFAULT, dtype=None):
    r""":math:`\tfrac12 \mathrm{KL}(t \| m) + \tfrac12 \mathrm{KL}(q \| m)`, :math:`m = (q + t)/2`, from two
    ``F.kl_div(torch.log(m), ...)`` (torch has none), so ``reduction`` means what it means for ``F.kl_div``."""
    q, t = _kl_inputs(y_pred, y_true, reduction, dtype)
    log_m = torch.log((q + t) / 2)
    kwargs = given(reduction=reduction)
    return 0.5 * F.kl_div(log_m, t, **kwargs) + 0.5 * F.kl_div(log_m, q, **kwargs)


def poisson(y_pred, y_true, *, log_input=DEFAULT, reduction=DEFAULT, dtype=None):
    r"""Poisson NLL: ``F.poisson_nll_loss`` (``full=False``, ``eps=1e-8``): :math:`e^x - t x` with
    ``log_input=True`` (torch's default in 2.13, :math:`x` = log rate), else :math:`x - t \log(x + 10^{-8})`."""
    check_pair(y_pred, y_true)
    _check_non_negative(y_true, "y_true", "counts")
    if not (framework_default(F.poisson_nll_loss, "log_input") if log_input is DEFAULT else log_input):
        _check_non_negative(y_pred, "y_pred", "rates, with log_input=False")
    check_reduction(reduction)
    x, t = compute_in(dtype, y_pred, y_true)
    return F.poisson_nll_loss(x, t, **given(log_input=log_input, reduction=reduction))
