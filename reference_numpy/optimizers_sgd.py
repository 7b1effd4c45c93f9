r"""Gradient descent with optional momentum / Nesterov momentum and weight decay, as a pure
``(init, update)`` pair. Batch GD, SGD and mini-batch SGD are the same rule fed different gradients.
``update(grads, state, params)`` returns ``(new_params, new_state)`` -- the new parameters, not optax's updates
(see :mod:`reference_numpy.optimizers_common`).

The state is ``_SGDState(step, momentum)`` with one momentum buffer per parameter (zeros when unused); the
hyperparameters are the frozen ``_SGDHyperparameters`` (``sgd``'s keyword arguments).
"""
from functools import partial
from typing import NamedTuple

from .optimizers_common import UpdateRule, check_hyperparameter, constant, per_parameter_update, zeros_like_each
from .validation import check_choice

__all__ = ["sgd"]


class _SGDHyperparameters(NamedTuple):  # sgd's keyword arguments
    lr: float
    momentum: float
    dampening: float
    nesterov: bool
    weight_decay: float
    momentum_form: str
    weight_decay_form: str
    lr_dtype: str | None
    constant_dtype: str | None


class _SGDState(NamedTuple):
    step: int
    momentum: tuple  # torch: v (the buffer of gradients); Keras: m = -lr * v (the buffer of updates)


def _torch_momentum_step(hyper, t, g, p, v, eta, mu):
    r"""(p, v): :math:`v_1 = g_1`, :math:`v_t = \mu v_{t-1} + (1-\tau) g_t`, :math:`p \leftarrow p - \eta v_t`
    (Nesterov: :math:`p \leftarrow p - \eta (g_t + \mu v_t)`)."""
    v = g if t == 1 else mu * v + (1 - hyper.dampening) * g  # the first step copies the gradient
    direction = g + mu * v if hyper.nesterov else v
    return p - eta * direction, v


def _keras_momentum_step(hyper, g, p, m, eta, mu):
    r"""(p, m): :math:`m_t = \mu m_{t-1} - \eta g_t`, :math:`p \leftarrow p + m_t`
    (Nesterov: :math:`p \leftarrow p + \mu m_t - \eta g_t`)."""
    m = m * mu - g * eta
    return (p + (m * mu - g * eta) if hyper.nesterov else p + m), m


def _sgd_step(hyper, t, g, p, buffer):
    """One parameter's step: (new p, new momentum buffer); ``t`` is the 1-based step."""
    eta = constant(hyper.lr, p.dtype, hyper.lr_dtype)
    mu = constant(hyper.momentum, p.dtype, hyper.constant_dtype)
    lam = constant(hyper.weight_decay, p.dtype, hyper.constant_dtype)
    if hyper.weight_decay_form == "decoupled" and hyper.weight_decay:
        p = p - p * lam * eta
    if hyper.weight_decay_form == "coupled" and lam:
        g = g + lam * p  # L2 coupled into the gradient (Keras itself decays decoupled)
    if hyper.momentum_form == "torch":
        return (p - eta * g, buffer) if not mu else _torch_momentum_step(hyper, t, g, p, buffer, eta, mu)
    return (p - g * eta, buffer) if not mu else _keras_momentum_step(hyper, g, p, buffer, eta, mu)


def _check(hyper):
    for name, value, high in (("lr", hyper.lr, float("inf")), ("momentum", hyper.momentum, 1.0),
                              ("dampening", hyper.dampening, 1.0), ("weight_decay", hyper.weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    check_choice(hyper.momentum_form, ("torch", "keras"), "momentum_form")
    check_choice(hyper.weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    check_choice(hyper.nesterov, (True, False), "nesterov")
    if hyper.nesterov and (not hyper.momentum or hyper.dampening):
        raise ValueError("nesterov needs a momentum and zero dampening")


def sgd(*, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
        momentum_form="torch", weight_decay_form="coupled", lr_dtype=None, constant_dtype=None):
    r"""SGD with learning rate :math:`\eta`, momentum :math:`\mu`, dampening :math:`\tau`, decay :math:`\lambda`.

    ``momentum_form="torch"``: :math:`v_1 = g_1,\ v_t = \mu v_{t-1} + (1-\tau) g_t`, :math:`p \leftarrow p - \eta v_t`
    (Nesterov: :math:`p \leftarrow p - \eta (g_t + \mu v_t)`); the state is :math:`v`.
    ``momentum_form="keras"``: :math:`m_t = \mu m_{t-1} - \eta g_t`, :math:`p \leftarrow p + m_t`
    (Nesterov: :math:`p \leftarrow p + \mu m_t - \eta g_t`); the state is :math:`m = -\eta v` (no dampening).
    ``weight_decay_form``: ``"coupled"`` adds :math:`\lambda p` to the gradient (torch); ``"decoupled"``
    first sets :math:`p \leftarrow p - \eta\lambda p` (Keras). ``lr_dtype="float32"`` rounds :math:`\eta`
    through float32 (Keras keeps it in a floatx variable); ``constant_dtype="float32"`` rounds
    :math:`\mu` and :math:`\lambda` through float32 (Keras's ``ops.cast(0.9, "float64")`` makes a float32
    tensor first).
    """
    hyper = _SGDHyperparameters(
        lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay,
        momentum_form=momentum_form, weight_decay_form=weight_decay_form, lr_dtype=lr_dtype,
        constant_dtype=constant_dtype)
    _check(hyper)
    return UpdateRule(lambda params: _SGDState(0, zeros_like_each(params)),
                      per_parameter_update(partial(_sgd_step, hyper), _SGDState))
