r"""Adam and its relatives as pure ``(init, update)`` pairs: Adam (AMSGrad is ``adam(amsgrad=True)``),
AdamW, NAdam, Adamax, RAdam and AdaBelief. ``update(grads, state, params)`` returns ``(new_params, new_state)``
-- the new parameters, not optax's updates (see :mod:`reference_numpy.optimizers_common`).

All keep a first moment :math:`m_t` and a second statistic; the step :math:`t` counts from 1.
Every formula choice on which torch and Keras differ is a keyword switch (defaults: torch's):

- ``eps_form``: where :math:`\epsilon` enters the denominator (rule-specific values, see each rule);
- ``weight_decay_form``: ``"coupled"`` adds :math:`\lambda p` to the gradient (L2, torch's Adam/NAdam/
  Adamax/RAdam); ``"decoupled"`` first sets :math:`p \leftarrow p - p\lambda\eta` (Keras's base optimizer);
- ``moment_form``: how the second statistic is updated: ``"torch"``: :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`
  (``mul_(beta2).addcmul_``); ``"keras"``: :math:`v \leftarrow v + (g^2-v)(1-\beta_2)` (``assign_add``); the same
  mathematics, different rounding. Both update :math:`m \leftarrow m + (g-m)(1-\beta_1)` (torch's ``lerp_``),
  which needs no switch. (torch's CPU kernels fuse these multiply-adds, so the NumPy "torch" form is torch's
  arithmetic up to that rounding; the "keras" form is Keras's bit for bit);
- ``schedule_dtype``: ``"float64"``: step-dependent scalars (bias corrections, :math:`\rho_t`, :math:`\mu_t`, the
  step size) are Python floats, as torch computes them; ``None``: 0-d values of the parameter's dtype (Keras);
- ``lr_dtype="float32"`` rounds :math:`\eta` through float32 (Keras keeps it in a floatx variable);
- ``constant_dtype="float32"``: the hyperparameters Keras passes through ``ops.cast(value, dtype)`` are rounded
  through float32 -- which ones is rule-specific (listed in each docstring); those Keras combines with
  ``ops.add``/``ops.multiply`` as Python floats stay exact.
"""
from functools import partial
from typing import NamedTuple

import numpy as np

from .optimizers_common import (UpdateRule, check_grads, check_hyperparameter, constant, per_parameter_update,
                                zeros_like_each)
from .validation import check_choice

__all__ = ["adam", "adamw", "nadam", "adamax", "radam", "adabelief"]

_MOMENTUM_DECAY_BASE = 0.96  # mu_t = beta1 (1 - 0.5 * 0.96^(t psi)): Dozat's constant, in torch and Keras


class _AdamHyperparameters(NamedTuple):  # adam's (and adamw's) keyword arguments
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    amsgrad: bool
    eps_form: str
    weight_decay_form: str
    moment_form: str
    schedule_dtype: str | None
    lr_dtype: str | None
    constant_dtype: str | None


class _NadamHyperparameters(NamedTuple):
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    momentum_decay: float
    weight_decay_form: str
    moment_form: str
    schedule_dtype: str | None
    mu_product_dtype: str | None
    lr_dtype: str | None
    constant_dtype: str | None


class _AdamaxHyperparameters(NamedTuple):
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    eps_form: str
    weight_decay_form: str
    schedule_dtype: str | None
    lr_dtype: str | None
    constant_dtype: str | None


class _RAdamHyperparameters(NamedTuple):
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    eps_form: str
    weight_decay_form: str
    moment_form: str
    schedule_dtype: str | None
    lr_dtype: str | None
    constant_dtype: str | None


class _AdaBeliefHyperparameters(NamedTuple):  # weight decay always decoupled: no weight_decay_form
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    moment_form: str
    schedule_dtype: str | None
    lr_dtype: str | None
    constant_dtype: str | None


class _AdamState(NamedTuple):
    step: int
    m: tuple  # first moment (torch exp_avg, Keras momentum)
    v: tuple  # second moment (torch exp_avg_sq, Keras velocity)
    v_max: tuple  # AMSGrad: running max of v (torch max_exp_avg_sq, Keras velocity_hat); zeros otherwise


class _NadamState(NamedTuple):
    step: int
    m: tuple
    v: tuple
    mu_product: np.ndarray  # prod_{i<=t} mu_i, 0-d (torch: one float32 tensor per parameter; Keras: one variable)


class _AdamaxState(NamedTuple):
    step: int
    m: tuple
    u: tuple  # exponentially weighted infinity norm (torch exp_inf, Keras norm)


class _RAdamState(NamedTuple):
    step: int
    m: tuple
    v: tuple


class _AdaBeliefState(NamedTuple):
    step: int
    m: tuple
    s: tuple  # EMA of (g - m)^2 plus eps each step (torch exp_avg_var, Keras variance)


def _check_shared(hyper, *, has_moment_form=True):
    """The checks every rule makes first, in this order; each rule then checks its own switches."""
    check_hyperparameter("lr", hyper.lr)
    check_hyperparameter("beta1", hyper.beta1, high=1.0, high_open=True)
    check_hyperparameter("beta2", hyper.beta2, high=1.0, high_open=True)
    check_hyperparameter("eps", hyper.eps, low_open=True)
    check_hyperparameter("weight_decay", hyper.weight_decay)
    if has_moment_form:  # Adamax keeps no second moment to update
        check_choice(hyper.moment_form, ("torch", "keras"), "moment_form")
    check_choice(hyper.schedule_dtype, ("float64", None), "schedule_dtype")


def _dtype_scalar(value, dtype, rounding):
    """``constant`` as a NumPy scalar of ``dtype``: the same promotion as a 0-d array, cheaper, and its ``**`` is
    libm's ``pow`` as TensorFlow's (a 0-d array's can differ in the last bit)."""
    return constant(value, dtype, rounding)[()]


def _array_constant(value, dtype, constant_dtype):
    """A hyperparameter inside an array expression: the Python float (weakly typed, as torch's scalars), or
    Keras's ``ops.cast(value, dtype)`` (rounded through float32 with ``constant_dtype="float32"``)."""
    return value if constant_dtype is None else _dtype_scalar(value, dtype, constant_dtype)


def _schedule_scalar(value, dtype, schedule_dtype, rounding=None):
    """A hyperparameter inside the step schedule: a Python float (torch) or a 0-d value of ``dtype`` (Keras)."""
    if schedule_dtype == "float64":
        return float(constant(value, np.float64, rounding))
    return _dtype_scalar(value, dtype, rounding)


def _schedule_scalars(hyper, dtype, *values):
    """lr (rounded by lr_dtype) and ``values`` (rounded by constant_dtype) as schedule scalars."""
    return (_schedule_scalar(hyper.lr, dtype, hyper.schedule_dtype, hyper.lr_dtype),
            *(_schedule_scalar(value, dtype, hyper.schedule_dtype, hyper.constant_dtype) for value in values))


def _update_first_moment(m, g, beta1):
    return m + (g - m) * (1 - beta1)


def _update_second_moment(v, g_squared, beta2, moment_form):
    return beta2 * v + (1 - beta2) * g_squared if moment_form == "torch" else v + (g_squared - v) * (1 - beta2)


def _apply_weight_decay(g, p, hyper, weight_decay_form):
    """(g, p) after weight decay: coupled adds lam p to the gradient; decoupled sets p <- p - p lam eta first."""
    if not hyper.weight_decay:
        return g, p
    lam = _dtype_scalar(hyper.weight_decay, p.dtype, hyper.constant_dtype)
    if weight_decay_form == "coupled":
        return g + lam * p, p
    return g, p - p * lam * _dtype_scalar(hyper.lr, p.dtype, hyper.lr_dtype)


def _adam_step(hyper, t, g, p, m, v, v_max):
    g, p = _apply_weight_decay(g, p, hyper, hyper.weight_decay_form)
    m, v = _update_first_moment(m, g, hyper.beta1), _update_second_moment(v, g * g, hyper.beta2, hyper.moment_form)
    v_max = np.maximum(v_max, v) if hyper.amsgrad else v_max
    v_used = v_max if hyper.amsgrad else v
    eta, b1, b2 = _schedule_scalars(hyper, p.dtype, hyper.beta1, hyper.beta2)
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    if hyper.eps_form == "corrected":
        return p - (eta / c1) * (m / (np.sqrt(v_used) / c2 ** 0.5 + hyper.eps)), m, v, v_max
    alpha = eta * c2 ** 0.5 / c1
    return p - (m * alpha) / (np.sqrt(v_used) + hyper.eps), m, v, v_max


def adam(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False, eps_form="corrected",
         weight_decay_form="coupled", moment_form="torch", schedule_dtype="float64", lr_dtype=None,
         constant_dtype=None):
    r"""Adam: :math:`m_t`, :math:`v_t` as in the module docstring (:math:`g` after any coupled decay),
    :math:`\hat v = \max(\hat v, v_t)` with ``amsgrad`` (the running max of the raw :math:`v`, used in place of
    :math:`v_t`), :math:`c_1 = 1-\beta_1^t`, :math:`c_2 = 1-\beta_2^t`.

    ``eps_form="corrected"`` (torch):
    :math:`p \leftarrow p - \frac{\eta}{c_1}\, m_t / (\sqrt{v_t}/\sqrt{c_2} + \epsilon)`.
    ``eps_form="raw"`` (Keras): :math:`\alpha = \eta\sqrt{c_2}/c_1`,
    :math:`p \leftarrow p - m_t\alpha / (\sqrt{v_t} + \epsilon)`, i.e. :math:`\epsilon` is added before the bias
    correction: torch's form with :math:`\epsilon/\sqrt{c_2}` (:math:`\approx 31.6\,\epsilon` at step 1 for
    :math:`\beta_2 = 0.999`), dominant when gradients are tiny. ``constant_dtype="float32"`` rounds
    :math:`\beta_1, \beta_2` in :math:`\beta^t` and :math:`\lambda` (Keras's ``1 - self.beta_1`` and ``epsilon``
    stay exact).
    """
    hyper = _AdamHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, eps_form=eps_form,
        weight_decay_form=weight_decay_form, moment_form=moment_form, schedule_dtype=schedule_dtype,
        lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_shared(hyper)
    check_choice(eps_form, ("corrected", "raw"), "eps_form")
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    return UpdateRule(lambda params: _AdamState(0, *(zeros_like_each(params) for _ in _AdamState._fields[1:])),
                      per_parameter_update(partial(_adam_step, hyper), _AdamState))


def adamw(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False, eps_form="corrected",
          moment_form="torch", schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""AdamW: ``adam`` with decoupled weight decay, :math:`p \leftarrow p(1 - \eta\lambda)` before the moments
    (Loshchilov & Hutter); in both frameworks the decay is scaled by the learning rate. Switches as in ``adam``."""
    return adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                eps_form=eps_form, weight_decay_form="decoupled", moment_form=moment_form,
                schedule_dtype=schedule_dtype, lr_dtype=lr_dtype, constant_dtype=constant_dtype)


def _next_mu_product(mu_product, t, hyper):
    """mu_product * mu_t with the exact beta1 and 0.96: torch forms mu_t in Python and multiplies in the product's
    dtype; Keras's ``_backend_update_step`` multiplies mu_product * beta_1 * (1 - 0.5 * 0.96^t)."""
    exponent = t * hyper.momentum_decay
    if hyper.schedule_dtype == "float64":
        return mu_product * (hyper.beta1 * (1.0 - 0.5 * _MOMENTUM_DECAY_BASE ** exponent))
    decay_base = mu_product.dtype.type(_MOMENTUM_DECAY_BASE)
    return mu_product * hyper.beta1 * (1.0 - 0.5 * decay_base ** exponent)


def _nadam_step(hyper, t, mu_product, g, p, m, v):
    g, p = _apply_weight_decay(g, p, hyper, hyper.weight_decay_form)
    dtype = p.dtype
    m = _update_first_moment(m, g, _array_constant(hyper.beta1, dtype, hyper.constant_dtype))
    v = _update_second_moment(v, g * g, _array_constant(hyper.beta2, dtype, hyper.constant_dtype), hyper.moment_form)
    eta, b1, b2, decay_base = _schedule_scalars(hyper, dtype, hyper.beta1, hyper.beta2, _MOMENTUM_DECAY_BASE)
    mu, mu_next = (b1 * (1.0 - 0.5 * decay_base ** (s * hyper.momentum_decay)) for s in (t, t + 1))
    pi = float(mu_product) if hyper.schedule_dtype == "float64" else mu_product.astype(dtype)[()]
    m_hat = (mu_next * m) / (1 - pi * mu_next) + ((1 - mu) * g) / (1 - pi)
    return p - (m_hat * eta) / (np.sqrt(v / (1 - b2 ** t)) + hyper.eps), m, v


def _nadam_update(hyper, grads, state, params):
    """(new_params, new_state): the product of the mu_t advances once per step, shared by every parameter."""
    check_grads(grads, params)
    t = state.step + 1
    mu_product = _next_mu_product(state.mu_product, t, hyper)
    results = [_nadam_step(hyper, t, mu_product, *args) for args in zip(grads, params, state.m, state.v)]
    new_params, m, v = zip(*results)
    return new_params, _NadamState(t, m, v, mu_product)


def nadam(*, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          weight_decay_form="coupled", moment_form="torch", schedule_dtype="float64", mu_product_dtype="float32",
          lr_dtype=None, constant_dtype=None):
    r"""NAdam (Dozat): momentum schedule :math:`\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t\psi})`
    (:math:`\psi` = ``momentum_decay``; Keras hard-codes :math:`\psi = 1`), :math:`\Pi_t = \prod_{i\le t}\mu_i`;
    :math:`\hat m = \frac{\mu_{t+1} m_t}{1-\Pi_t\mu_{t+1}} + \frac{(1-\mu_t) g}{1-\Pi_t}`,
    :math:`p \leftarrow p - \eta\,\hat m / (\sqrt{v_t/(1-\beta_2^t)} + \epsilon)` (both frameworks: :math:`\epsilon`
    after the bias correction). ``mu_product_dtype="float32"``: :math:`\Pi_t` is kept in float32 (torch's
    ``_get_scalar_dtype()``); ``None``: in the first parameter's dtype (Keras). ``constant_dtype="float32"``
    rounds :math:`\beta_1, \beta_2`, 0.96 wherever ``update_step`` uses them (moments, :math:`\mu_t`,
    :math:`\beta_2^t`) and :math:`\lambda`; :math:`\Pi_t` itself is formed from the exact values.
    """
    hyper = _NadamHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
        weight_decay_form=weight_decay_form, moment_form=moment_form, schedule_dtype=schedule_dtype,
        mu_product_dtype=mu_product_dtype, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_shared(hyper)
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    check_choice(mu_product_dtype, ("float32", None), "mu_product_dtype")
    check_hyperparameter("momentum_decay", momentum_decay)

    return UpdateRule(lambda params: _NadamState(0, zeros_like_each(params), zeros_like_each(params),
                                                 np.ones((), mu_product_dtype or params[0].dtype)),
                      partial(_nadam_update, hyper))


def _adamax_step(hyper, t, g, p, m, u):
    g, p = _apply_weight_decay(g, p, hyper, hyper.weight_decay_form)
    m = _update_first_moment(m, g, hyper.beta1)
    eta, b1 = _schedule_scalars(hyper, p.dtype, hyper.beta1)
    c1 = 1 - b1 ** t
    if hyper.eps_form == "in_max":
        u = np.maximum(u * hyper.beta2, np.abs(g) + hyper.eps)
        return p - (eta / c1) * (m / u), m, u
    u = np.maximum(hyper.beta2 * u, np.abs(g))
    return p - (eta * m) / (c1 * (u + hyper.eps)), m, u


def adamax(*, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, eps_form="in_max",
           weight_decay_form="coupled", schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""Adamax: the infinity norm :math:`u_t` in place of :math:`\sqrt{v_t}`, :math:`c_1 = 1-\beta_1^t`.

    ``eps_form="in_max"`` (torch): :math:`u_t = \max(\beta_2 u, |g| + \epsilon)`,
    :math:`p \leftarrow p - \frac{\eta}{c_1} m_t / u_t`. ``eps_form="denominator"`` (Keras):
    :math:`u_t = \max(\beta_2 u, |g|)`, :math:`p \leftarrow p - \eta m_t / (c_1 (u_t + \epsilon))`.
    ``constant_dtype="float32"`` rounds :math:`\beta_1` in :math:`\beta_1^t` and :math:`\lambda`.
    """
    hyper = _AdamaxHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, eps_form=eps_form,
        weight_decay_form=weight_decay_form, schedule_dtype=schedule_dtype, lr_dtype=lr_dtype,
        constant_dtype=constant_dtype)
    _check_shared(hyper, has_moment_form=False)
    check_choice(eps_form, ("in_max", "denominator"), "eps_form")
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    return UpdateRule(lambda params: _AdamaxState(0, zeros_like_each(params), zeros_like_each(params)),
                      per_parameter_update(partial(_adamax_step, hyper), _AdamaxState))


def _radam_step(hyper, t, g, p, m, v):
    g, p = _apply_weight_decay(g, p, hyper, hyper.weight_decay_form)
    dtype = p.dtype
    m = _update_first_moment(m, g, _array_constant(hyper.beta1, dtype, hyper.constant_dtype))
    v = _update_second_moment(v, g * g, _array_constant(hyper.beta2, dtype, hyper.constant_dtype), hyper.moment_form)
    eta, b1, b2 = _schedule_scalars(hyper, dtype, hyper.beta1, hyper.beta2)
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2 ** t / c2
    if not rho > 5:
        return p - m / c1 * eta, m, v
    r = ((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)) ** 0.5
    if hyper.eps_form == "raw":
        return p - m / c1 * eta * (c2 ** 0.5 / (np.sqrt(v) + hyper.eps)) * r, m, v
    return p - eta * (r * (m / c1) / (np.sqrt(v / c2) + hyper.eps)), m, v


def radam(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, eps_form="raw",
          weight_decay_form="coupled", moment_form="torch", schedule_dtype="float64", lr_dtype=None,
          constant_dtype=None):
    r"""RAdam (Liu et al.): :math:`\rho_\infty = 2/(1-\beta_2) - 1`, :math:`\rho_t = \rho_\infty - 2t\beta_2^t/c_2`;
    while :math:`\rho_t \le 5`: :math:`p \leftarrow p - \eta\, m_t/c_1` (SGD with momentum); then with
    :math:`r_t = \sqrt{(\rho_t-4)(\rho_t-2)\rho_\infty / ((\rho_\infty-4)(\rho_\infty-2)\rho_t)}`:
    ``eps_form="raw"`` (torch):
    :math:`p \leftarrow p - \frac{m_t}{c_1}\eta\,\frac{\sqrt{c_2}}{\sqrt{v_t}+\epsilon}\, r_t`;
    ``eps_form="corrected"`` (the Keras port of tfa.optimizers.RectifiedAdam):
    :math:`p \leftarrow p - \eta\, r_t \frac{m_t}{c_1} / (\sqrt{v_t/c_2} + \epsilon)`.
    ``constant_dtype="float32"`` rounds :math:`\beta_1, \beta_2` everywhere (moments and schedule) and :math:`\lambda`.
    """
    hyper = _RAdamHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, eps_form=eps_form,
        weight_decay_form=weight_decay_form, moment_form=moment_form, schedule_dtype=schedule_dtype,
        lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_shared(hyper)
    check_choice(eps_form, ("raw", "corrected"), "eps_form")
    check_choice(weight_decay_form, ("coupled", "decoupled"), "weight_decay_form")
    return UpdateRule(lambda params: _RAdamState(0, zeros_like_each(params), zeros_like_each(params)),
                      per_parameter_update(partial(_radam_step, hyper), _RAdamState))


def _adabelief_step(hyper, t, g, p, m, s):
    g, p = _apply_weight_decay(g, p, hyper, "decoupled")
    dtype = p.dtype
    m = _update_first_moment(m, g, _array_constant(hyper.beta1, dtype, hyper.constant_dtype))
    surprise = g - m
    beta2 = _array_constant(hyper.beta2, dtype, hyper.constant_dtype)
    s = _update_second_moment(s, surprise * surprise, beta2, hyper.moment_form) + hyper.eps
    eta, b1, b2 = _schedule_scalars(hyper, dtype, hyper.beta1, hyper.beta2)
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    return p - (eta / c1) * (m / (np.sqrt(s) / c2 ** 0.5 + hyper.eps)), m, s


def adabelief(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-16, weight_decay=0.0, moment_form="torch",
              schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""AdaBelief (Zhuang et al., 2020; no rectification): the second statistic is the "belief"
    :math:`s_t = \beta_2 s + (1-\beta_2)(g - m_t)^2 + \epsilon` (:math:`\epsilon` enters the state every step),
    :math:`p \leftarrow p - \frac{\eta}{c_1} m_t / (\sqrt{s_t}/\sqrt{c_2} + \epsilon)`; weight decay decoupled,
    :math:`p \leftarrow p(1-\eta\lambda)` first, in both ports (adabelief-pytorch's ``weight_decouple=True``;
    TFA's AdaBelief adds :math:`\lambda p` to the update scaled by :math:`\eta`). ``constant_dtype="float32"``
    rounds :math:`\beta_1, \beta_2` everywhere and :math:`\lambda`.
    """
    hyper = _AdaBeliefHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, moment_form=moment_form,
        schedule_dtype=schedule_dtype, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_shared(hyper)
    return UpdateRule(lambda params: _AdaBeliefState(0, zeros_like_each(params), zeros_like_each(params)),
                      per_parameter_update(partial(_adabelief_step, hyper), _AdaBeliefState))
