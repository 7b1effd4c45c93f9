r"""Gradient descent with optional momentum / Nesterov momentum and weight decay, as a pure
``(init, update)`` pair. Batch GD, SGD and mini-batch SGD are the same rule fed different gradients.
``update(grads, state, params)`` returns ``(new_params, new_state)`` -- the new parameters, not optax's updates.

The state is ``_SGDState(step, momentum)`` with one momentum buffer per parameter (zeros when unused).
"""
from typing import NamedTuple

from .optimizers_common import UpdateRule, check_grads, check_hyperparameter, constant, zeros_like_each
from .validation import check_choice

__all__ = ["sgd"]


class _SGDState(NamedTuple):
    step: int
    momentum: tuple  # torch: v (the buffer of gradients); Keras: m = -lr * v (the buffer of updates)


def _torch_step(g, v, p, step, lr, momentum, dampening, nesterov, weight_decay):
    g = g + weight_decay * p if weight_decay else g  # L2 coupled into the gradient
    if not momentum:
        return p - lr * g, v
    v = g if step == 0 else momentum * v + (1 - dampening) * g  # the first step copies the gradient
    direction = g + momentum * v if nesterov else v
    return p - lr * direction, v


def _keras_step(g, m, p, lr, momentum, nesterov, weight_decay):
    g = g + weight_decay * p if weight_decay else g  # L2 coupled (Keras itself decays decoupled)
    if not momentum:
        return p - g * lr, m
    m = m * momentum - g * lr
    return (p + (m * momentum - g * lr) if nesterov else p + m), m


def _check(lr, momentum, dampening, nesterov, weight_decay, momentum_form, weight_decay_form):
    for name, value, high in (("lr", lr, float("inf")), ("momentum", momentum, 1.0), ("dampening", dampening, 1.0),
                              ("weight_decay", weight_decay, float("inf"))):
        check_hyperparameter(name, value, high=high)
    check_choice(momentum_form, ("torch", "keras"), "momentum_form")
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    check_choice(nesterov, (True, False), "nesterov")
    if nesterov and (not momentum or dampening):
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
    _check(lr, momentum, dampening, nesterov, weight_decay, momentum_form, weight_decay_form)

    def init(params):
        return _SGDState(0, zeros_like_each(params))

    def update(grads, state, params):
        check_grads(grads, params)
        results = []
        for g, buffer, p in zip(grads, state.momentum, params):
            eta = constant(lr, p.dtype, lr_dtype)
            mu, lam = constant(momentum, p.dtype, constant_dtype), constant(weight_decay, p.dtype, constant_dtype)
            if weight_decay_form == "decoupled" and weight_decay:
                p = p - p * lam * eta
            coupled_lam = lam if weight_decay_form == "coupled" else 0.0
            if momentum_form == "torch":
                results.append(_torch_step(g, buffer, p, state.step, eta, mu, dampening, nesterov, coupled_lam))
            else:
                results.append(_keras_step(g, buffer, p, eta, mu, nesterov, coupled_lam))
        new_params, buffers = zip(*results)
        return new_params, _SGDState(state.step + 1, buffers)

    return UpdateRule(init, update)
