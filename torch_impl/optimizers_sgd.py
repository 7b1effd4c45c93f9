r"""SGD in PyTorch: ``torch.optim.SGD``. Each rule function returns a factory ``make(params)`` so the three
packages share one signature: ``sgd(lr=...)(model.parameters())``. A hyperparameter not passed (``DEFAULT``) is
left out of ``torch.optim.SGD(...)``, so torch's own default applies."""
import functools

import torch

from .defaults import DEFAULT, framework_default, given
from .optimizers_common import check_hyperparameter
from .validation import check_choice

__all__ = ["sgd"]


def _value(name, value):
    """What SGD will use: ``value``, or torch's default when it was not passed."""
    return framework_default(torch.optim.SGD, name) if value is DEFAULT else value


def sgd(*, lr=DEFAULT, momentum=DEFAULT, dampening=DEFAULT, nesterov=DEFAULT, weight_decay=DEFAULT):
    r"""``torch.optim.SGD`` (torch's defaults; lr=1e-3, no momentum in torch 2.13): buffer
    :math:`v_t = \mu v_{t-1} + (1-\tau) g_t` (:math:`v_1 = g_1`), :math:`p \leftarrow p - \eta v_t`; weight decay is
    L2 added to the gradient."""
    for name, value, high in (("lr", lr, float("inf")), ("momentum", momentum, 1.0), ("dampening", dampening, 1.0),
                              ("weight_decay", weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    check_choice(nesterov, (True, False), "nesterov")
    if _value("nesterov", nesterov) and (not _value("momentum", momentum) or _value("dampening", dampening)):
        raise ValueError("nesterov needs a momentum and zero dampening")
    return functools.partial(torch.optim.SGD, **given(lr=lr, momentum=momentum, dampening=dampening,
                                                      nesterov=nesterov, weight_decay=weight_decay))
