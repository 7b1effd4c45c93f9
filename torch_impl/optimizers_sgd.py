r"""SGD in PyTorch: ``torch.optim.SGD``. Each rule function returns a factory ``make(params)`` so the three
packages share one signature: ``sgd(lr=...)(model.parameters())``."""
import functools

import torch

from .optimizers_common import check_hyperparameter

__all__ = ["sgd"]


def sgd(*, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    r"""``torch.optim.SGD`` (defaults lr=1e-3, no momentum): buffer :math:`v_t = \mu v_{t-1} + (1-\tau) g_t`
    (:math:`v_1 = g_1`), :math:`p \leftarrow p - \eta v_t`; weight decay is L2 added to the gradient."""
    for name, value, high in (("lr", lr, float("inf")), ("momentum", momentum, 1.0), ("dampening", dampening, 1.0),
                              ("weight_decay", weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    if nesterov and (not momentum or dampening):
        raise ValueError("nesterov needs a momentum and zero dampening")
    return functools.partial(torch.optim.SGD, lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                             weight_decay=weight_decay)
