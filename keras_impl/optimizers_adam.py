r"""Adam and its relatives in Keras 3: ``keras.optimizers.Adam`` (AMSGrad: ``amsgrad=True``), ``AdamW``,
``Nadam``, ``Adamax``; RAdam and AdaBelief, which Keras does not ship, are private ``keras.optimizers.Optimizer``
subclasses here (ports of tfa.optimizers.RectifiedAdam and tfa.optimizers.AdaBelief, written the way Keras 3
writes Adam). Each rule function returns the optimizer; it creates its state when first applied (or on
``build(variables)``). Weight decay is Keras's: decoupled, ``p -= p * wd * lr`` before ``update_step``. A
hyperparameter not passed (``DEFAULT``) is left out of the constructor, so its own default applies: Keras's, or
for the two ports their constructor's (the suite's Keras optimizers; TFA's defaults)."""
import keras
from keras import ops

from .defaults import DEFAULT, given
from .optimizers_common import Optimizer, weight_decay_arg
from .validation import check_adam as _check  # lr, beta1, beta2, eps, weight_decay: every rule's first checks

__all__ = ["adam", "adamw", "nadam", "adamax", "radam", "adabelief"]


def adam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, amsgrad=DEFAULT):
    r"""``keras.optimizers.Adam`` (Keras's defaults; epsilon 1e-7 in 3.15):
    :math:`\alpha = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`, :math:`p \leftarrow p - m_t\alpha/(\sqrt{v_t} + \epsilon)`
    (:math:`\epsilon` before the bias correction); ``amsgrad`` divides by the running max of :math:`v_t`
    (``velocity_hat``)."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return keras.optimizers.Adam(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                                         amsgrad=amsgrad, weight_decay=weight_decay_arg(weight_decay)))


def adamw(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, amsgrad=DEFAULT):
    r"""``keras.optimizers.AdamW`` (Keras's defaults; weight_decay 0.004 in 3.15): Adam with
    :math:`p \leftarrow p - p\lambda\eta` first."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return keras.optimizers.AdamW(**given(learning_rate=lr, weight_decay=weight_decay, beta_1=beta1,
                                          beta_2=beta2, epsilon=eps, amsgrad=amsgrad))


# momentum_decay: no Keras default -- torch's psi; keras.optimizers.Nadam hard-codes 0.96^t (psi = 1)
def nadam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, momentum_decay=1.0):
    r"""``keras.optimizers.Nadam``: :math:`u_t = \beta_1(1 - \tfrac12 0.96^t)` -- torch's schedule with
    ``momentum_decay`` :math:`\psi = 1` hard-coded, so only 1.0 is accepted."""
    _check(lr, beta1, beta2, eps, weight_decay)
    if momentum_decay != 1.0:
        raise ValueError(f"momentum_decay must be 1.0 for keras.optimizers.Nadam (its schedule is 0.96^t), "
                         f"got {momentum_decay!r}")
    return keras.optimizers.Nadam(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                                          weight_decay=weight_decay_arg(weight_decay)))


def adamax(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.Adamax``: :math:`u_t = \max(\beta_2 u, |g|)`,
    :math:`p \leftarrow p - \eta m_t / ((1-\beta_1^t)(u_t + \epsilon))` (:math:`\epsilon` in the denominator)."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return keras.optimizers.Adamax(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                                           weight_decay=weight_decay_arg(weight_decay)))


class _AdamFamily(Optimizer):
    """Shared construction of the two ports: betas, epsilon and a first moment per variable."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]
        self._seconds = [self.add_variable_from_reference(v, self.SECOND) for v in var_list]

    def _moments(self, gradient, variable):
        """Update m Keras's way; (m, the second-statistic variable, beta_1, beta_2, t), betas via ops.cast."""
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        beta_1, beta_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        m = self._momentums[index]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - beta_1))
        return m, self._seconds[index], beta_1, beta_2, ops.cast(self.iterations + 1, dtype)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class _RAdam(_AdamFamily):
    """RAdam, ported from tfa.optimizers.RectifiedAdam (epsilon 1e-7 added after the bias correction; the
    rectified step once rho_t > 5 -- TFA tests >= 5, the same for any beta_2 whose rho_t does not land on 5
    exactly; TFA's warm-up and amsgrad options are not ported)."""
    SECOND = "velocity"

    def update_step(self, gradient, variable, learning_rate):
        lr, gradient = ops.cast(learning_rate, variable.dtype), ops.cast(gradient, variable.dtype)
        m, v, beta_1, beta_2, t = self._moments(gradient, variable)
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - beta_2))
        c1, c2 = 1 - ops.power(beta_1, t), 1 - ops.power(beta_2, t)
        rho_inf = 2 / (1 - beta_2) - 1
        rho = rho_inf - 2 * t * ops.power(beta_2, t) / c2
        r = ops.sqrt(ops.maximum((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho), 0.0))
        m_hat = ops.divide(m, c1)
        rectified = r * m_hat / ops.add(ops.sqrt(ops.divide(v, c2)), self.epsilon)
        self.assign_sub(variable, lr * ops.where(rho > 5, rectified, m_hat))


class _AdaBelief(_AdamFamily):
    """AdaBelief, ported from tfa.optimizers.AdaBelief with ``rectify=False`` (epsilon 1e-14, added to the
    belief every step and to the denominator after the bias correction)."""
    SECOND = "variance"

    def __init__(self, epsilon=1e-14, **kwargs):
        super().__init__(epsilon=epsilon, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        lr, gradient = ops.cast(learning_rate, variable.dtype), ops.cast(gradient, variable.dtype)
        m, s, beta_1, beta_2, t = self._moments(gradient, variable)
        residual = ops.subtract(gradient, m)
        self.assign_add(s, ops.multiply(ops.subtract(ops.square(residual), s), 1 - beta_2))
        self.assign(s, ops.add(s, self.epsilon))  # epsilon enters the belief every step
        c1, c2 = 1 - ops.power(beta_1, t), 1 - ops.power(beta_2, t)
        denom = ops.add(ops.divide(ops.sqrt(s), ops.sqrt(c2)), self.epsilon)
        self.assign_sub(variable, ops.multiply(lr / c1, ops.divide(m, denom)))


def radam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""RAdam (no Keras built-in): SGD with bias-corrected momentum while :math:`\rho_t \le 5`, then
    :math:`p \leftarrow p - \eta r_t \hat m_t / (\sqrt{v_t/(1-\beta_2^t)} + \epsilon)` (:math:`\epsilon` after the
    bias correction, as TFA's RectifiedAdam)."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return _RAdam(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                          weight_decay=weight_decay_arg(weight_decay)))


def adabelief(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""AdaBelief (no Keras built-in): :math:`s_t = \beta_2 s + (1-\beta_2)(g-m_t)^2 + \epsilon`,
    :math:`p \leftarrow p - \frac{\eta}{1-\beta_1^t} m_t / (\sqrt{s_t}/\sqrt{1-\beta_2^t} + \epsilon)`."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return _AdaBelief(**given(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps,
                              weight_decay=weight_decay_arg(weight_decay)))
