r"""Adaptive per-coordinate update rules -- Adagrad, RMSprop (plain, momentum, centered) and Adadelta --
as pure ``(init, update)`` pairs; ``update(grads, state, params)`` returns ``(new_params, new_state)`` -- the
new parameters, not optax's updates.

Each state is a NamedTuple ``(step, <one tuple per buffer, one array per parameter>)``; a buffer a
configuration does not use (RMSprop's momentum or mean gradient) stays zeros. Every point where torch
and Keras compute differently is a keyword switch: epsilon inside or outside the square root, the form
of the momentum buffer and of the running mean, coupled or decoupled weight decay, and which constants
Keras rounds through float32 (``constant_dtype``) or keeps in a floatx variable (``lr_dtype``).
Rounding is reproduced exactly for Keras (TensorFlow evaluates each op separately); torch's CPU ``lerp``
and ``addcmul`` fuse the multiply-add (one rounding), which plain NumPy reproduces to within an ulp per step.
"""
from typing import NamedTuple

import numpy as np

from .optimizers_common import UpdateRule, check_grads, check_hyperparameter, constant, zeros_like_each
from .validation import check_choice

__all__ = ["adagrad", "rmsprop", "adadelta"]


class _AdagradState(NamedTuple):
    step: int
    accumulator: tuple  # sum of squared gradients (torch "sum", Keras "<var>_accumulator")


class _RMSpropState(NamedTuple):
    step: int
    square_avg: tuple  # running mean of g^2 (torch "square_avg", Keras "<var>_velocity")
    momentum: tuple  # torch: b (of g / avg); Keras: lr * b (the buffer of increments)
    grad_avg: tuple  # running mean of g, centered only (torch "grad_avg", Keras "<var>_average_gradient")


class _AdadeltaState(NamedTuple):
    step: int
    square_avg: tuple  # running mean of g^2 (torch "square_avg", Keras "<var>_accumulated_grad")
    acc_delta: tuple  # running mean of delta^2 (torch "acc_delta", Keras "<var>_accumulated_delta_var")


def _check_decay(name, value):
    """A running-average factor in [0, 1): at 1 the average never leaves its initial value."""
    check_hyperparameter(name, value, high=1.0, high_open=True)


def _root(x, eps, eps_placement):
    r"""The denominator: :math:`\sqrt{x} + \epsilon` ("outside") or :math:`\sqrt{x + \epsilon}` ("inside")."""
    return np.sqrt(x) + eps if eps_placement == "outside" else np.sqrt(x + eps)


def _apply_weight_decay(g, p, eta, lam, weight_decay_form):
    r"""(gradient, parameter) after weight decay: L2 added to the gradient (coupled), or
    :math:`p \leftarrow p - p\lambda\eta` before the step (decoupled)."""
    if not lam:
        return g, p
    return (g + lam * p, p) if weight_decay_form == "coupled" else (g, p - p * lam * eta)


def _lerp(a, b, w):
    """torch's ``lerp`` kernel: :math:`a + w(b - a)` for :math:`|w| < 1/2`, else :math:`b - (b - a)(1 - w)`."""
    return a + w * (b - a) if abs(float(w)) < 0.5 else b - (b - a) * (1 - w)


def adagrad(*, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
            eps_placement="outside", weight_decay_form="coupled", lr_dtype=None, constant_dtype=None):
    r"""Adagrad: :math:`G_t = G_{t-1} + g_t^2` from :math:`G_0` = ``initial_accumulator_value``,
    :math:`p \leftarrow p - \eta_t g_t / D_t` with :math:`\eta_t = \eta / (1 + (t-1)\,\text{lr\_decay})`.

    ``eps_placement="outside"``: :math:`D_t = \sqrt{G_t} + \epsilon` (torch); ``"inside"``:
    :math:`D_t = \sqrt{G_t + \epsilon}` (Keras). ``weight_decay_form="coupled"`` adds :math:`\lambda p` to
    the gradient (torch); ``"decoupled"`` first sets :math:`p \leftarrow p - p\lambda\eta` (Keras).
    ``lr_dtype="float32"`` rounds :math:`\eta` through float32 (Keras's floatx variable);
    ``constant_dtype="float32"`` rounds :math:`G_0` and :math:`\lambda` through float32 (Keras's
    ``Constant`` initializer and weight decay use ``ops.cast``; :math:`\epsilon` enters through ``ops.add``
    in the parameter's dtype, unrounded).
    """
    for name, value in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value)):
        check_hyperparameter(name, value)
    check_hyperparameter("eps", eps, low_open=True)
    check_choice(eps_placement, ("outside", "inside"), "eps_placement")
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")

    def init(params):
        return _AdagradState(0, tuple(np.full_like(p, constant(initial_accumulator_value, p.dtype, constant_dtype))
                                     for p in params))

    def update(grads, state, params):
        check_grads(grads, params)
        new_params, accumulators = [], []
        for g, acc, p in zip(grads, state.accumulator, params):
            eta = constant(lr / (1 + state.step * lr_decay), p.dtype, lr_dtype)
            g, p = _apply_weight_decay(g, p, eta, constant(weight_decay, p.dtype, constant_dtype), weight_decay_form)
            acc = acc + g * g
            new_params.append(p - eta * g / _root(acc, constant(eps, p.dtype), eps_placement))
            accumulators.append(acc)
        return tuple(new_params), _AdagradState(state.step + 1, tuple(accumulators))

    return UpdateRule(init, update)


def _rmsprop_step(g, p, v, b, a, hyper, forms):
    """One RMSprop step on one parameter: (p, square_avg, momentum, grad_avg)."""
    eta, rho, one_minus_rho, eps, mu = hyper
    eps_placement, momentum_form, average_form, centered = forms
    v = rho * v + one_minus_rho * g * g
    if centered:
        a = _lerp(a, g, one_minus_rho) if average_form == "lerp" else rho * a + one_minus_rho * g
    denominator = _root(v - a * a if centered else v, eps, eps_placement)
    if not mu:
        return p - eta * g / denominator, v, b, a
    if momentum_form == "torch":
        b = mu * b + g / denominator
        return p - eta * b, v, b, a
    b = mu * b + eta * g / denominator
    return p - b, v, b, a


def _check_rmsprop(lr, rho, eps, momentum, weight_decay):
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("weight_decay", weight_decay)


def _check_rmsprop_forms(eps_placement, momentum_form, average_form, weight_decay_form):
    for value, choices, name in ((eps_placement, ("outside", "inside"), "eps_placement"),
                                 (momentum_form, ("torch", "keras"), "momentum_form"),
                                 (average_form, ("lerp", "weighted"), "average_form"),
                                 (weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")):
        check_choice(value, choices, name)


def rmsprop(*, lr=1e-2, rho=0.99, eps=1e-8, momentum=0.0, centered=False, weight_decay=0.0,
            eps_placement="outside", momentum_form="torch", average_form="lerp", weight_decay_form="coupled",
            lr_dtype=None, constant_dtype=None):
    r"""RMSprop: :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`; centered also keeps
    :math:`a_t = \rho a_{t-1} + (1-\rho) g_t` and uses :math:`s_t = v_t - a_t^2` instead of :math:`v_t`.

    ``eps_placement="outside"``: :math:`D_t = \sqrt{s_t} + \epsilon` (torch); ``"inside"``:
    :math:`D_t = \sqrt{s_t + \epsilon}` (Keras). Without momentum :math:`p \leftarrow p - \eta g_t / D_t`.
    ``momentum_form="torch"``: :math:`b_t = \mu b_{t-1} + g_t / D_t`, :math:`p \leftarrow p - \eta b_t`;
    ``"keras"``: :math:`m_t = \mu m_{t-1} + \eta g_t / D_t`, :math:`p \leftarrow p - m_t` (the state is
    :math:`\eta b`). ``average_form="lerp"`` updates :math:`a` as torch's ``lerp_(g, 1-\rho)``
    (:math:`a + (1-\rho)(g - a)`); ``"weighted"`` as :math:`\rho a + (1-\rho) g` (Keras).
    ``weight_decay_form``: ``"coupled"`` adds :math:`\lambda p` to the gradient (torch); ``"decoupled"``
    first sets :math:`p \leftarrow p - p\lambda\eta` (Keras). ``lr_dtype="float32"`` rounds :math:`\eta`
    through float32; ``constant_dtype="float32"`` rounds :math:`\lambda` through float32 (Keras's
    ``ops.cast``); :math:`\rho, 1-\rho, \epsilon, \mu` are applied in the parameter's dtype by both.
    """
    _check_rmsprop(lr, rho, eps, momentum, weight_decay)
    _check_rmsprop_forms(eps_placement, momentum_form, average_form, weight_decay_form)
    forms = (eps_placement, momentum_form, average_form, centered)

    def init(params):
        zeros = zeros_like_each(params)
        return _RMSpropState(0, zeros, zeros, zeros)

    def update(grads, state, params):
        check_grads(grads, params)
        results = []
        for g, p, v, b, a in zip(grads, params, state.square_avg, state.momentum, state.grad_avg):
            eta = constant(lr, p.dtype, lr_dtype)
            g, p = _apply_weight_decay(g, p, eta, constant(weight_decay, p.dtype, constant_dtype), weight_decay_form)
            hyper = (eta, constant(rho, p.dtype), constant(1 - rho, p.dtype), constant(eps, p.dtype),
                     constant(momentum, p.dtype))
            results.append(_rmsprop_step(g, p, v, b, a, hyper, forms))
        new_params, v, b, a = zip(*results)
        return new_params, _RMSpropState(state.step + 1, v, b, a)

    return UpdateRule(init, update)


def _adadelta_step(g, p, v, u, hyper):
    """One Adadelta step on one parameter: (p, square_avg, acc_delta)."""
    eta, rho, one_minus_rho, eps = hyper
    v = rho * v + one_minus_rho * g * g
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
    u = rho * u + one_minus_rho * delta * delta
    return p - eta * delta, v, u


def adadelta(*, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, weight_decay_form="coupled", lr_dtype=None,
             constant_dtype=None):
    r"""Adadelta: :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`,
    :math:`\Delta_t = \sqrt{u_{t-1} + \epsilon}\, g_t / \sqrt{v_t + \epsilon}`,
    :math:`u_t = \rho u_{t-1} + (1-\rho) \Delta_t^2`, :math:`p \leftarrow p - \eta \Delta_t`
    (both frameworks put :math:`\epsilon` inside both roots).

    ``weight_decay_form="coupled"`` adds :math:`\lambda p` to the gradient (torch); ``"decoupled"`` first
    sets :math:`p \leftarrow p - p\lambda\eta` (Keras). ``lr_dtype="float32"`` rounds :math:`\eta` through
    float32; ``constant_dtype="float32"`` rounds :math:`\lambda` through float32 (Keras's ``ops.cast``);
    :math:`\rho, 1-\rho, \epsilon` are applied in the parameter's dtype by both.
    """
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("weight_decay", weight_decay)
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")

    def init(params):
        zeros = zeros_like_each(params)
        return _AdadeltaState(0, zeros, zeros)

    def update(grads, state, params):
        check_grads(grads, params)
        results = []
        for g, p, v, u in zip(grads, params, state.square_avg, state.acc_delta):
            eta = constant(lr, p.dtype, lr_dtype)
            g, p = _apply_weight_decay(g, p, eta, constant(weight_decay, p.dtype, constant_dtype), weight_decay_form)
            hyper = (eta, constant(rho, p.dtype), constant(1 - rho, p.dtype), constant(eps, p.dtype))
            results.append(_adadelta_step(g, p, v, u, hyper))
        new_params, v, u = zip(*results)
        return new_params, _AdadeltaState(state.step + 1, v, u)

    return UpdateRule(init, update)
