r"""Adaptive update rules in PyTorch: ``torch.optim.Adagrad``, ``torch.optim.RMSprop`` and
``torch.optim.Adadelta``. Each rule function returns a factory ``make(params)``, as ``optimizers_sgd`` does; a
hyperparameter not passed (``DEFAULT``) is left out of the constructor, so torch's own default applies."""
import functools

import torch

from .defaults import DEFAULT, given
from .optimizers_common import check_hyperparameter

__all__ = ["adagrad", "rmsprop", "adadelta"]


def _check_decay(name, value):
    """A running-average factor in [0, 1): at 1 the average never leaves its initial value."""
    check_hyperparameter(name, value, high=1.0, high_open=True)


def adagrad(*, lr=DEFAULT, lr_decay=DEFAULT, weight_decay=DEFAULT, initial_accumulator_value=DEFAULT, eps=DEFAULT):
    r"""``torch.optim.Adagrad`` (torch's defaults; lr=1e-2, accumulator from 0, eps=1e-10 in torch 2.13):
    :math:`G_t = G_{t-1} + g_t^2`, :math:`p \leftarrow p - \frac{\eta}{1 + (t-1)\,\text{lr\_decay}}
    \frac{g_t}{\sqrt{G_t} + \epsilon}`; weight decay is L2 added to the gradient."""
    for name, value in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value)):
        check_hyperparameter(name, value)
    check_hyperparameter("eps", eps, low_open=True)
    return functools.partial(torch.optim.Adagrad, **given(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                                          initial_accumulator_value=initial_accumulator_value, eps=eps))


def rmsprop(*, lr=DEFAULT, rho=DEFAULT, eps=DEFAULT, momentum=DEFAULT, centered=DEFAULT, weight_decay=DEFAULT):
    r"""``torch.optim.RMSprop`` (torch's defaults; lr=1e-2, alpha=0.99 -- here ``rho`` --, eps=1e-8 in torch 2.13):
    :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`, :math:`D_t = \sqrt{v_t} + \epsilon` (centered:
    :math:`\sqrt{v_t - a_t^2} + \epsilon` with :math:`a_t` = ``lerp(a, g, 1-rho)``); momentum buffer
    :math:`b_t = \mu b_{t-1} + g_t / D_t`, :math:`p \leftarrow p - \eta b_t`; weight decay is L2."""
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("weight_decay", weight_decay)
    return functools.partial(torch.optim.RMSprop, **given(lr=lr, alpha=rho, eps=eps, momentum=momentum,
                                                          centered=centered, weight_decay=weight_decay))


def adadelta(*, lr=DEFAULT, rho=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``torch.optim.Adadelta`` (torch's defaults; lr=1.0, rho=0.9, eps=1e-6 in torch 2.13):
    :math:`\Delta_t = \sqrt{u_{t-1} + \epsilon}\, g_t / \sqrt{v_t + \epsilon}`, :math:`p \leftarrow p - \eta \Delta_t`;
    weight decay is L2 added to the gradient."""
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("weight_decay", weight_decay)
    return functools.partial(torch.optim.Adadelta, **given(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))
