r"""Large-batch and matrix-aware update rules in Keras 3: ``keras.optimizers.Lion``, ``Lamb``, ``Adafactor`` and
``Muon`` are Keras's own; LARS is not in ``keras.optimizers`` and is written here as a proper Keras optimizer
(``build`` + ``update_step``). Each function returns the optimizer; it creates its state when first applied. A
hyperparameter not passed (``DEFAULT``) is left out of the constructor, so its own default applies (Keras's; for
LARS, the suite's optimizer's constructor's)."""
import keras
from keras import ops

from .defaults import DEFAULT, given
from .optimizers_common import Optimizer, check_hyperparameter, weight_decay_arg
from .validation import check_number

__all__ = ["lion", "lamb", "lars", "adafactor", "muon"]


def _check_common(lr, weight_decay):
    check_hyperparameter("lr", lr)
    check_hyperparameter("weight_decay", weight_decay)


class _LARS(Optimizer):
    """LARS (You et al. 2017, Algorithm 1) the Keras way: hyperparameters cast with ``ops.cast`` as Keras's own
    optimizers do; the weight decay lives in the local rate (not in the base class's decoupled decay)."""

    def __init__(self, learning_rate=0.1, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001, name="lars",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum, self.lars_weight_decay, self.trust_coefficient = momentum, weight_decay, trust_coefficient

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr, gradient = ops.cast(learning_rate, dtype), ops.cast(gradient, dtype)
        mu, wd = ops.cast(self.momentum, dtype), ops.cast(self.lars_weight_decay, dtype)
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        g_norm = ops.sqrt(ops.sum(ops.square(gradient)))
        ok = ops.logical_and(ops.greater(w_norm, 0), ops.greater(g_norm, 0))
        denominator = ops.where(ok, ops.add(g_norm, ops.multiply(wd, w_norm)), 1.0)
        numerator = ops.multiply(ops.cast(self.trust_coefficient, dtype), w_norm)
        local = ops.where(ok, ops.divide(numerator, denominator), 1.0)
        m = self._momentums[self._get_variable_index(variable)]
        step = ops.multiply(ops.add(gradient, ops.multiply(variable, wd)), ops.multiply(lr, local))
        self.assign(m, ops.add(ops.multiply(m, mu), step))
        self.assign_sub(variable, m)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "weight_decay": self.lars_weight_decay,
                "trust_coefficient": self.trust_coefficient}


def lion(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.Lion`` (Keras's defaults; in 3.15 learning_rate 1e-3 -- ten times the paper's 1e-4 --,
    betas 0.9, 0.99; decay by the base class, decoupled):
    :math:`p \leftarrow p - \eta\,\mathrm{sign}(\beta_1 m + (1-\beta_1) g)`."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta1", beta1, high=1.0, low_open=True)
    check_hyperparameter("beta2", beta2, high=1.0)
    return keras.optimizers.Lion(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2,
                                         weight_decay=weight_decay_arg(weight_decay)))


def lamb(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.Lamb`` (Keras's defaults; epsilon 1e-7 in 3.15): trust ratio
    :math:`\|p\|/\|\hat m/(\sqrt{\hat v}+\epsilon)\|` (1 when either norm is 0); the weight
    decay is the base class's decoupled one, outside the ratio."""
    _check_common(lr, weight_decay)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        check_hyperparameter(name, value, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    return keras.optimizers.Lamb(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                                         weight_decay=weight_decay_arg(weight_decay)))


def lars(*, lr=DEFAULT, momentum=DEFAULT, weight_decay=DEFAULT, trust_coefficient=DEFAULT):
    r"""LARS, the suite's Keras optimizer (Keras ships none): the same formula and defaults (its constructor's) as
    the torch one."""
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("trust_coefficient", trust_coefficient, low_open=True)
    return _LARS(**given(learning_rate=lr, momentum=momentum, weight_decay=weight_decay,
                         trust_coefficient=trust_coefficient))


def adafactor(*, lr=DEFAULT, beta2_decay=DEFAULT, eps1=DEFAULT, eps2=DEFAULT, clip_threshold=DEFAULT,
              weight_decay=DEFAULT):
    r"""``keras.optimizers.Adafactor`` (Keras's defaults; in 3.15 learning_rate 1e-3, epsilon_1 1e-30 added to
    :math:`g^2`, epsilon_2 1e-3, clip_threshold 1.0; ``relative_step`` left at True -- its False changes nothing
    in ``update_step``)."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta2_decay", beta2_decay, low=-float("inf"), high=0.0)
    if eps1 is None:
        raise ValueError("eps1 must be a number for keras.optimizers.Adafactor (epsilon_1), got None")
    check_hyperparameter("eps1", eps1)
    check_hyperparameter("eps2", eps2)
    check_hyperparameter("clip_threshold", clip_threshold, low=1.0)
    return keras.optimizers.Adafactor(**given(learning_rate=lr, beta_2_decay=beta2_decay, epsilon_1=eps1,
                                              epsilon_2=eps2, clip_threshold=clip_threshold,
                                              weight_decay=weight_decay_arg(weight_decay)))


_RMS_RATES = {"match_rms_adamw": 0.2}  # torch's adjust_lr_fn as Keras's rms_rate: Moonlight's 0.2 RMS match


def _check_muon(lr, momentum, weight_decay, ns_coefficients, ns_steps, eps, adjust_lr_fn):
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    if eps != 1e-7:
        raise ValueError(f"eps must be 1e-7 for keras.optimizers.Muon (fixed in its Newton-Schulz), got {eps!r}")
    check_number(ns_steps, "ns_steps", low=1, high=99, integer=True)
    if ns_coefficients is not DEFAULT and len(ns_coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 floats (a, b, c), got {ns_coefficients!r}")
    if adjust_lr_fn is not DEFAULT and adjust_lr_fn not in _RMS_RATES:
        raise ValueError(f"adjust_lr_fn must be 'match_rms_adamw' for keras.optimizers.Muon (rms_rate=0.2), "
                         f"got {adjust_lr_fn!r}")


# eps: no Keras default -- Keras's Newton-Schulz epsilon is a fixed 1e-7, not an argument (its ``epsilon`` is AdamW's)
def muon(*, lr=DEFAULT, momentum=DEFAULT, nesterov=DEFAULT, weight_decay=DEFAULT, ns_coefficients=DEFAULT,
         ns_steps=DEFAULT, eps=1e-7, adjust_lr_fn=DEFAULT):
    r"""``keras.optimizers.Muon`` for 2-D variables (Keras's defaults; in 3.15 weight_decay 0.004, momentum 0.95
    summed, Nesterov, ``rms_rate=0.2`` = "match_rms_adamw"). Keras's normalisation epsilon is a fixed 1e-7 (its
    ``epsilon`` is the AdamW one for non-2-D variables), and it has no "original" shape factor: only those values
    are accepted."""
    _check_muon(lr, momentum, weight_decay, ns_coefficients, ns_steps, eps, adjust_lr_fn)
    a, b, c = (DEFAULT,) * 3 if ns_coefficients is DEFAULT else ns_coefficients
    rms_rate = DEFAULT if adjust_lr_fn is DEFAULT else _RMS_RATES[adjust_lr_fn]
    return keras.optimizers.Muon(**given(learning_rate=lr, momentum=momentum, nesterov=nesterov,
                                         weight_decay=weight_decay, muon_a=a, muon_b=b, muon_c=c, ns_steps=ns_steps,
                                         rms_rate=rms_rate))
