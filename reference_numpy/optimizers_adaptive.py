r"""Adaptive per-coordinate update rules -- Adagrad, RMSprop (plain, momentum, centered) and Adadelta --
as pure ``(init, update)`` pairs; ``update(grads, state, params)`` returns ``(new_params, new_state)`` -- the
new parameters, not optax's updates.

Each state is a NamedTuple ``(step, <one tuple per buffer, one array per parameter>)``; a buffer a
configuration does not use (RMSprop's momentum or mean gradient) stays zeros; the hyperparameters are a frozen
NamedTuple of the rule's keyword arguments. Every point where torch
and Keras compute differently is a keyword switch: epsilon inside or outside the square root, the form
of the momentum buffer and of the running mean, coupled or decoupled weight decay (``"decoupled_scale"``: Keras on
torch's one-factor form), and which constants
Keras rounds through float32 (``constant_dtype``) or keeps in a floatx variable (``lr_dtype``).
Rounding is reproduced exactly for Keras (TensorFlow evaluates each op separately); torch's CPU ``lerp``
and ``addcmul`` fuse the multiply-add (one rounding), which plain NumPy reproduces to within an ulp per step.
"""
from functools import partial
from typing import NamedTuple

import numpy as np

from .optimizers_common import (UpdateRule, check_hyperparameter, constant, per_parameter_update,
                                zeros_like_each)
from .validation import check_choice

__all__ = ["adagrad", "rmsprop", "adadelta"]

_EPS_PLACEMENTS = ("outside", "inside")  # sqrt(x) + eps (torch) | sqrt(x + eps) (Keras)
_WEIGHT_DECAY_FORMS = ("coupled", "decoupled", "decoupled_scale")


class _AdagradHyperparameters(NamedTuple):  # adagrad's keyword arguments
    lr: float
    lr_decay: float
    weight_decay: float
    initial_accumulator_value: float
    eps: float
    eps_placement: str
    weight_decay_form: str
    lr_dtype: str | None
    constant_dtype: str | None


class _RMSpropHyperparameters(NamedTuple):  # rmsprop's keyword arguments
    lr: float
    rho: float
    eps: float
    momentum: float
    centered: bool
    weight_decay: float
    eps_placement: str
    momentum_form: str
    average_form: str
    weight_decay_form: str
    lr_dtype: str | None
    constant_dtype: str | None


class _AdadeltaHyperparameters(NamedTuple):  # adadelta's keyword arguments
    lr: float
    rho: float
    eps: float
    weight_decay: float
    weight_decay_form: str
    lr_dtype: str | None
    constant_dtype: str | None


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


def _apply_weight_decay(g, p, eta, hyper):
    r"""(gradient, parameter) after weight decay: L2 added to the gradient (coupled), or
    :math:`p \leftarrow p - p\lambda\eta` before the step (decoupled), or :math:`p \leftarrow p\,(1 - \lambda\eta)`
    with the factor rounded once (``"decoupled_scale"``: Keras's torch optimizers, ``torch._foreach_mul_``)."""
    lam = constant(hyper.weight_decay, p.dtype, hyper.constant_dtype)
    if not lam:
        return g, p
    if hyper.weight_decay_form == "coupled":
        return g + lam * p, p
    return (g, p - p * lam * eta) if hyper.weight_decay_form == "decoupled" else (g, p * (1 - lam * eta))


def _average_weights(rho, dtype):
    """(rho, 1 - rho) of a running average in ``dtype``, 1 - rho formed from the Python float (both frameworks)."""
    return constant(rho, dtype), constant(1 - rho, dtype)


def _lerp(a, b, w):
    """torch's ``lerp`` kernel: :math:`a + w(b - a)` for :math:`|w| < 1/2`, else :math:`b - (b - a)(1 - w)`."""
    return a + w * (b - a) if abs(float(w)) < 0.5 else b - (b - a) * (1 - w)


def _adagrad_step(hyper, t, g, p, accumulator):
    """One parameter's step: (p, accumulator); the learning rate decays with the steps before this one."""
    eta = constant(hyper.lr / (1 + (t - 1) * hyper.lr_decay), p.dtype, hyper.lr_dtype)
    g, p = _apply_weight_decay(g, p, eta, hyper)
    accumulator = accumulator + g * g
    return p - eta * g / _root(accumulator, constant(hyper.eps, p.dtype), hyper.eps_placement), accumulator


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
    hyper = _AdagradHyperparameters(
        lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=initial_accumulator_value,
        eps=eps, eps_placement=eps_placement, weight_decay_form=weight_decay_form, lr_dtype=lr_dtype,
        constant_dtype=constant_dtype)
    for name, value in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value)):
        check_hyperparameter(name, value)
    check_hyperparameter("eps", eps, low_open=True)
    check_choice(eps_placement, _EPS_PLACEMENTS, "eps_placement")
    check_choice(weight_decay_form, _WEIGHT_DECAY_FORMS, "weight_decay_form")
    return UpdateRule(partial(_adagrad_init, hyper), per_parameter_update(partial(_adagrad_step, hyper), _AdagradState))


def _adagrad_init(hyper, params):
    """G_0 = initial_accumulator_value in each parameter's dtype (rounded through float32 with constant_dtype)."""
    return _AdagradState(0, tuple(np.full_like(p, constant(hyper.initial_accumulator_value, p.dtype,
                                                            hyper.constant_dtype)) for p in params))


def _rmsprop_step(hyper, t, g, p, square_avg, momentum, grad_avg):
    """One parameter's step: (p, square_avg, momentum, grad_avg); rho, 1 - rho, eps and the momentum in the
    parameter's dtype."""
    eta = constant(hyper.lr, p.dtype, hyper.lr_dtype)
    g, p = _apply_weight_decay(g, p, eta, hyper)
    rho, one_minus_rho = _average_weights(hyper.rho, p.dtype)
    mu = constant(hyper.momentum, p.dtype)
    square_avg = rho * square_avg + one_minus_rho * g * g
    if hyper.centered:
        grad_avg = (_lerp(grad_avg, g, one_minus_rho) if hyper.average_form == "lerp"
                    else rho * grad_avg + one_minus_rho * g)
    second_moment = square_avg - grad_avg * grad_avg if hyper.centered else square_avg
    denominator = _root(second_moment, constant(hyper.eps, p.dtype), hyper.eps_placement)
    if not mu:
        return p - eta * g / denominator, square_avg, momentum, grad_avg
    if hyper.momentum_form == "torch":
        momentum = mu * momentum + g / denominator
        return p - eta * momentum, square_avg, momentum, grad_avg
    momentum = mu * momentum + eta * g / denominator
    return p - momentum, square_avg, momentum, grad_avg


def _check_rmsprop(hyper):
    check_hyperparameter("lr", hyper.lr)
    _check_decay("rho", hyper.rho)
    check_hyperparameter("eps", hyper.eps, low_open=True)
    check_hyperparameter("momentum", hyper.momentum, high=1.0)
    check_hyperparameter("weight_decay", hyper.weight_decay)
    for value, choices, name in ((hyper.eps_placement, _EPS_PLACEMENTS, "eps_placement"),
                                 (hyper.momentum_form, ("torch", "keras"), "momentum_form"),
                                 (hyper.average_form, ("lerp", "weighted"), "average_form"),
                                 (hyper.weight_decay_form, _WEIGHT_DECAY_FORMS, "weight_decay_form")):
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
    hyper = _RMSpropHyperparameters(
        lr=lr, rho=rho, eps=eps, momentum=momentum, centered=centered, weight_decay=weight_decay,
        eps_placement=eps_placement, momentum_form=momentum_form, average_form=average_form,
        weight_decay_form=weight_decay_form, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_rmsprop(hyper)
    return UpdateRule(lambda params: _RMSpropState(0, *(zeros_like_each(params) for _ in _RMSpropState._fields[1:])),
                      per_parameter_update(partial(_rmsprop_step, hyper), _RMSpropState))


def _adadelta_step(hyper, t, g, p, square_avg, acc_delta):
    """One parameter's step: (p, square_avg, acc_delta); rho, 1 - rho and eps in the parameter's dtype."""
    eta = constant(hyper.lr, p.dtype, hyper.lr_dtype)
    g, p = _apply_weight_decay(g, p, eta, hyper)
    rho, one_minus_rho = _average_weights(hyper.rho, p.dtype)
    eps = constant(hyper.eps, p.dtype)
    square_avg = rho * square_avg + one_minus_rho * g * g
    delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
    acc_delta = rho * acc_delta + one_minus_rho * delta * delta
    return p - eta * delta, square_avg, acc_delta


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
    hyper = _AdadeltaHyperparameters(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                     weight_decay_form=weight_decay_form, lr_dtype=lr_dtype,
                                     constant_dtype=constant_dtype)
    check_hyperparameter("lr", lr)
    _check_decay("rho", rho)
    check_hyperparameter("eps", eps, low_open=True)
    check_hyperparameter("weight_decay", weight_decay)
    check_choice(weight_decay_form, _WEIGHT_DECAY_FORMS, "weight_decay_form")
    return UpdateRule(lambda params: _AdadeltaState(0, zeros_like_each(params), zeros_like_each(params)),
                      per_parameter_update(partial(_adadelta_step, hyper), _AdadeltaState))
