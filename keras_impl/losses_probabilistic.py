r"""Margin and probabilistic losses in Keras 3: ``keras.losses`` objects where Keras ships the loss
(``Hinge``, ``SquaredHinge``, ``KLDivergence``, ``Poisson``), otherwise a private ``keras.losses.Loss``
subclass, so reduction and compute dtype (floatx) behave the Keras way. Hinge and Poisson are per
sample the mean over the last axis; KL (and JS built from it) the sum over the last axis, so
``sum_over_batch_size`` (the suite's ``mean``) is torch's ``batchmean``. ``reduction`` and ``dtype`` not passed
(``DEFAULT``) are left out of the loss's constructor, so Keras's own defaults apply."""
import keras
from keras import ops

from .backend import is_eager
from .defaults import DEFAULT
from .losses_common import KERAS_NAMES, check_pair, check_reduction, loss_config
from .validation import check_choice, check_probabilities

__all__ = ["hinge", "squared_hinge", "kl_divergence", "js_divergence", "poisson"]

KL_REDUCTIONS = ("none", "sum", "mean", "batchmean")
KL_KERAS_NAMES = {**KERAS_NAMES, "batchmean": "sum_over_batch_size"}


def _all(condition):
    return bool(ops.all(condition))


def _check_binary_labels(y_true):
    """Hinge labels: all in {0, 1} or all in {-1, 1} (checked eagerly)."""
    binary = ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1))
    if is_eager(y_true) and not (_all(binary) or _all(ops.equal(ops.abs(y_true), 1))):
        raise ValueError("y_true must hold binary labels, all in {0, 1} or all in {-1, 1}")


def _check_non_negative(x, name, what):
    if is_eager(x) and not _all(x >= 0):
        raise ValueError(f"{name} must be non-negative ({what})")


def _apply(loss_cls, y_pred, y_true, reduction, dtype, names=KERAS_NAMES):
    return loss_cls(**loss_config(reduction, dtype, names))(y_true, y_pred)


def _hinge_apply(loss_cls, y_pred, y_true, reduction, dtype):
    check_pair(y_pred, y_true)
    _check_binary_labels(y_true)
    check_reduction(reduction)
    return _apply(loss_cls, y_pred, y_true, reduction, dtype)


def hinge(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`\max(0, 1 - y p)` on raw scores: ``keras.losses.Hinge``. Labels in :math:`\{-1, 1\}`; if
    every label is 0 or 1, Keras converts the whole tensor to :math:`2y - 1` (``convert_binary_labels_to_hinge``)."""
    return _hinge_apply(keras.losses.Hinge, y_pred, y_true, reduction, dtype)


def squared_hinge(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`\max(0, 1 - y p)^2`: ``keras.losses.SquaredHinge``; labels converted as in :func:`hinge`."""
    return _hinge_apply(keras.losses.SquaredHinge, y_pred, y_true, reduction, dtype)


def _kl_apply(loss_cls, y_pred, y_true, reduction, dtype):
    check_pair(y_pred, y_true)
    check_probabilities(y_pred, "y_pred")
    check_probabilities(y_true, "y_true")
    check_choice(reduction, KL_REDUCTIONS, "reduction")
    return _apply(loss_cls, y_pred, y_true, reduction, dtype, KL_KERAS_NAMES)


def kl_divergence(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r"""KL(y_true || y_pred) of probabilities: ``keras.losses.KLDivergence``, which clips both to
    :math:`[\epsilon, 1]` (:math:`\epsilon` = ``keras.config.epsilon()``) and sums
    :math:`t \log(t / q)` over the last axis. ``mean`` and ``batchmean`` are both ``sum_over_batch_size``."""
    return _kl_apply(keras.losses.KLDivergence, y_pred, y_true, reduction, dtype)


class _JSDivergence(keras.losses.Loss):
    def call(self, y_true, y_pred):
        m = (y_true + y_pred) / 2
        return 0.5 * keras.losses.kl_divergence(y_true, m) + 0.5 * keras.losses.kl_divergence(y_pred, m)


def js_divergence(y_pred, y_true, *, reduction=DEFAULT, dtype=DEFAULT):
    r""":math:`\tfrac12 \mathrm{KL}(t \| m) + \tfrac12 \mathrm{KL}(q \| m)`, :math:`m = (q + t)/2`, from two
    ``keras.losses.kl_divergence`` in a ``keras.losses.Loss`` subclass (Keras has none): clipping to
    :math:`[\epsilon, 1]` and the per-sample sum carry over."""
    return _kl_apply(_JSDivergence, y_pred, y_true, reduction, dtype)


class _PoissonOfLogRate(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return keras.losses.poisson(y_true, ops.exp(y_pred))


# log_input: no Keras default -- keras.losses.Poisson takes rates (False); True is torch's option, a Loss subclass
def poisson(y_pred, y_true, *, log_input=False, reduction=DEFAULT, dtype=DEFAULT):
    r"""Poisson NLL of a rate :math:`x`: ``keras.losses.Poisson``, :math:`x - t \log(x + \epsilon)`
    (:math:`\epsilon` = ``keras.config.epsilon()``), the mean over the last axis. ``log_input=True``
    (not Keras's default) feeds :math:`e^x` to ``keras.losses.poisson`` in a ``Loss`` subclass."""
    check_pair(y_pred, y_true)
    _check_non_negative(y_true, "y_true", "counts")
    if not log_input:
        _check_non_negative(y_pred, "y_pred", "rates, with log_input=False")
    check_reduction(reduction)
    return _apply(_PoissonOfLogRate if log_input else keras.losses.Poisson, y_pred, y_true, reduction, dtype)
