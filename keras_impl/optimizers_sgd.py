r"""SGD in Keras 3: ``keras.optimizers.SGD``. Each rule function returns the Keras optimizer; it creates
its state when first applied (or on ``build(variables)``)."""
import keras

from .optimizers_common import check_hyperparameter

__all__ = ["sgd"]


def sgd(*, lr=0.01, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    r"""``keras.optimizers.SGD`` (defaults learning_rate=0.01, no momentum): :math:`m_t = \mu m_{t-1} - \eta g_t`,
    :math:`p \leftarrow p + m_t`; weight decay is decoupled (:math:`p \leftarrow p - \eta\lambda p` first).
    Keras has no dampening: only 0 is accepted."""
    for name, value, high in (("lr", lr, float("inf")), ("momentum", momentum, 1.0),
                              ("weight_decay", weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    if dampening:
        raise ValueError(f"dampening must be 0 for keras.optimizers.SGD, got {dampening!r}")
    if nesterov and not momentum:
        raise ValueError("nesterov needs a momentum and zero dampening")
    return keras.optimizers.SGD(learning_rate=lr, momentum=momentum, nesterov=nesterov,
                                weight_decay=weight_decay or None)
