r"""SGD in Keras 3: ``keras.optimizers.SGD``. Each rule function returns the Keras optimizer; it creates
its state when first applied (or on ``build(variables)``). A hyperparameter not passed (``DEFAULT``) is left
out of the constructor, so Keras's own default applies."""
import keras

from .defaults import DEFAULT, framework_default, given
from .optimizers_common import check_hyperparameter, weight_decay_arg
from .validation import check_choice

__all__ = ["sgd"]


# dampening: no Keras default -- keras.optimizers.SGD has no dampening (torch's); only 0 is accepted
def sgd(*, lr=DEFAULT, momentum=DEFAULT, dampening=0.0, nesterov=DEFAULT, weight_decay=DEFAULT):
    r"""``keras.optimizers.SGD`` (Keras's defaults; in 3.15 learning_rate=0.01, no momentum):
    :math:`m_t = \mu m_{t-1} - \eta g_t`, :math:`p \leftarrow p + m_t`; weight decay is decoupled
    (:math:`p \leftarrow p - \eta\lambda p` first). Keras has no dampening: only 0 is accepted."""
    for name, value, high in (("lr", lr, float("inf")), ("momentum", momentum, 1.0), ("dampening", dampening, 1.0),
                              ("weight_decay", weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    check_choice(nesterov, (True, False), "nesterov")
    if dampening:  # what Keras cannot express
        raise ValueError(f"dampening must be 0 for keras.optimizers.SGD, got {dampening!r}")
    with_nesterov = framework_default(keras.optimizers.SGD, "nesterov") if nesterov is DEFAULT else nesterov
    mu = framework_default(keras.optimizers.SGD, "momentum") if momentum is DEFAULT else momentum
    if with_nesterov and not mu:
        raise ValueError("nesterov needs a momentum and zero dampening")
    return keras.optimizers.SGD(**given(learning_rate=lr, momentum=momentum, nesterov=nesterov,
                                        weight_decay=weight_decay_arg(weight_decay)))
