r"""Adaptive update rules in Keras 3: ``keras.optimizers.Adagrad``, ``keras.optimizers.RMSprop`` and
``keras.optimizers.Adadelta``. Each rule function returns the Keras optimizer, as ``optimizers_sgd`` does. A
hyperparameter not passed (``DEFAULT``) is left out of the constructor, so Keras's own default applies."""
import keras

from .defaults import DEFAULT, given
from .optimizers_common import check_hyperparameter, weight_decay_arg

__all__ = ["adagrad", "rmsprop", "adadelta"]


def _check_decay(name, value):
    """A running-average factor in [0, 1): at 1 the average never leaves its initial value."""
    check_hyperparameter(name, value, high=1.0, high_open=True)


# lr_decay: no Keras default -- torch's; keras.optimizers.Adagrad has no learning-rate decay, only 0 is accepted
def adagrad(*, lr=DEFAULT, lr_decay=0.0, weight_decay=DEFAULT, initial_accumulator_value=DEFAULT, eps=DEFAULT):
    r"""``keras.optimizers.Adagrad`` (Keras's defaults; in 3.15 learning_rate=1e-3, initial_accumulator_value=0.1,
    epsilon=1e-7): :math:`G_t = G_{t-1} + g_t^2`, :math:`p \leftarrow p - \eta g_t / \sqrt{G_t + \epsilon}`;
    weight decay is decoupled. Keras has no learning-rate decay inside Adagrad: only ``lr_decay=0``."""
    for name, value in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value)):
        check_hyperparameter(name, value)
    check_hyperparameter("eps", eps, low_open=True)
    if lr_decay:
        raise ValueError(f"lr_decay must be 0 for keras.optimizers.Adagrad, got {lr_decay!r}")
    return keras.optimizers.Adagrad(**given(learning_rate=lr, initial_accumulator_value=initial_accumulator_value,
                                            epsilon=eps, weight_decay=weight_decay_arg(weight_decay)))


def rmsprop(*, lr=DEFAULT, rho=DEFAULT, eps=DEFAULT, momentum=DEFAULT, centered=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.RMSprop`` (Keras's defaults; in 3.15 learning_rate=1e-3, rho=0.9, epsilon=1e-7):
    :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`, :math:`D_t = \sqrt{v_t + \epsilon}` (centered:
    :math:`\sqrt{v_t - a_t^2 + \epsilon}`); momentum :math:`m_t = \mu m_{t-1} + \eta g_t / D_t`,
    :math:`p \leftarrow p - m_t`; weight decay is decoupled."""
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("weight_decay", weight_decay)
    return keras.optimizers.RMSprop(**given(learning_rate=lr, rho=rho, epsilon=eps, momentum=momentum,
                                            centered=centered, weight_decay=weight_decay_arg(weight_decay)))


def adadelta(*, lr=DEFAULT, rho=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.Adadelta`` (Keras's defaults; in 3.15 learning_rate=1e-3, rho=0.95, epsilon=1e-7):
    :math:`\Delta_t = \sqrt{u_{t-1} + \epsilon}\, g_t / \sqrt{v_t + \epsilon}`, :math:`p \leftarrow p - \eta \Delta_t`;
    weight decay is decoupled."""
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("weight_decay", weight_decay)
    return keras.optimizers.Adadelta(**given(learning_rate=lr, rho=rho, epsilon=eps,
                                             weight_decay=weight_decay_arg(weight_decay)))
