r"""Large-batch and matrix-aware update rules in Keras 3: ``keras.optimizers.Lion``, ``Lamb``, ``Adafactor`` and
``Muon`` are Keras's own; LARS is not in ``keras.optimizers`` and is written here as a proper Keras optimizer
(``build`` + ``update_step``). Each function returns the optimizer; it creates its state when first applied."""
import keras
from keras import ops

from .optimizers_common import Optimizer, check_hyperparameter

__all__ = ["lion", "lamb", "lars", "adafactor", "muon"]


def _check_common(lr, weight_decay):
    check_hyperparameter("lr", lr)
    check_hyperparameter("weight_decay", weight_decay)


class _LARS(Optimizer):
    """LARS (You et al. 2017, Algorithm 1) the Keras way: hyperparameters cast with ``ops.cast`` as Keras's own
    optimizers do; the weight decay lives in the local rate (not in the base class's decoupled decay)."""

    def __init__(self, learning_rate, momentum, weight_decay, trust_coefficient, name="lars", **kwargs):
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


def lion(*, lr=1e-3, beta1=0.9, beta2=0.99, weight_decay=0.0):
    r"""``keras.optimizers.Lion`` (learning_rate 1e-3 -- ten times the paper's 1e-4 --, betas 0.9, 0.99; decay by
    the base class, decoupled): :math:`p \leftarrow p - \eta\,\mathrm{sign}(\beta_1 m + (1-\beta_1) g)`."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta1", beta1, high=1.0, low_open=True)
    check_hyperparameter("beta2", beta2, high=1.0)
    return keras.optimizers.Lion(learning_rate=lr, beta_1=beta1, beta_2=beta2, weight_decay=weight_decay or None)


def lamb(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7, weight_decay=0.0):
    r"""``keras.optimizers.Lamb`` (epsilon 1e-7): trust ratio :math:`\|p\|/\|\hat m/(\sqrt{\hat v}+\epsilon)\|` (1 when
    either norm is 0); the weight decay is the base class's decoupled one, outside the ratio."""
    _check_common(lr, weight_decay)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        check_hyperparameter(name, value, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    return keras.optimizers.Lamb(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                                 weight_decay=weight_decay or None)


def lars(*, lr=0.1, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001):
    r"""LARS, the suite's Keras optimizer (Keras ships none): the same formula and defaults as the torch one."""
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("trust_coefficient", trust_coefficient, low_open=True)
    return _LARS(learning_rate=lr, momentum=momentum, weight_decay=weight_decay, trust_coefficient=trust_coefficient)


def adafactor(*, lr=1e-3, beta2_decay=-0.8, eps1=1e-30, eps2=1e-3, clip_threshold=1.0, weight_decay=0.0):
    r"""``keras.optimizers.Adafactor`` (learning_rate 1e-3, epsilon_1 1e-30 added to :math:`g^2`, epsilon_2 1e-3,
    clip_threshold 1.0; ``relative_step`` left at True -- its False changes nothing in ``update_step``)."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta2_decay", beta2_decay, low=-float("inf"), high=0.0)
    if eps1 is None:
        raise ValueError("eps1 must be a number for keras.optimizers.Adafactor (epsilon_1), got None")
    check_hyperparameter("eps1", eps1)
    check_hyperparameter("eps2", eps2)
    check_hyperparameter("clip_threshold", clip_threshold, low=1.0)
    return keras.optimizers.Adafactor(learning_rate=lr, beta_2_decay=beta2_decay, epsilon_1=eps1, epsilon_2=eps2,
                                      clip_threshold=clip_threshold, weight_decay=weight_decay or None)


def muon(*, lr=1e-3, momentum=0.95, nesterov=True, weight_decay=0.004, ns_coefficients=(3.4445, -4.775, 2.0315),
         ns_steps=5, eps=1e-7, adjust_lr_fn="match_rms_adamw"):
    r"""``keras.optimizers.Muon`` for 2-D variables (weight_decay 0.004, momentum 0.95 summed, Nesterov,
    ``rms_rate=0.2`` = "match_rms_adamw"). Keras's normalisation epsilon is a fixed 1e-7 (its ``epsilon`` is the
    AdamW one for non-2-D variables), and it has no "original" shape factor: only those values are accepted."""
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    if eps != 1e-7:
        raise ValueError(f"eps must be 1e-7 for keras.optimizers.Muon (fixed in its Newton-Schulz), got {eps!r}")
    if not isinstance(ns_steps, int) or not 0 < ns_steps < 100:
        raise ValueError(f"ns_steps must be an int in [1, 99], got {ns_steps!r}")
    if len(ns_coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 floats (a, b, c), got {ns_coefficients!r}")
    if adjust_lr_fn != "match_rms_adamw":
        raise ValueError(f"adjust_lr_fn must be 'match_rms_adamw' for keras.optimizers.Muon (rms_rate=0.2), "
                         f"got {adjust_lr_fn!r}")
    a, b, c = ns_coefficients
    return keras.optimizers.Muon(learning_rate=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay,
                                 muon_a=a, muon_b=b, muon_c=c, ns_steps=ns_steps, rms_rate=0.2)
