r"""Adam and its relatives as pure ``(init, update)`` pairs: Adam (AMSGrad is ``adam(amsgrad=True)``),
AdamW, NAdam, Adamax, RAdam and AdaBelief.

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
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

from .optimizers_common import Optimizer, check_grads, check_hyperparameter, constant
from .validation import check_choice

__all__ = ["adam", "adamw", "nadam", "adamax", "radam", "adabelief"]


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


def _check(h, **choices):
    check_hyperparameter("lr", h.lr)
    for name in ("beta1", "beta2"):
        check_hyperparameter(name, getattr(h, name), high=1.0, high_open=True)
    check_hyperparameter("eps", h.eps, low_open=True)
    check_hyperparameter("weight_decay", h.weight_decay)
    if hasattr(h, "moment_form"):
        check_choice(h.moment_form, ("torch", "keras"), "moment_form")
    check_choice(h.schedule_dtype, ("float64", None), "schedule_dtype")
    for name, allowed in choices.items():
        check_choice(getattr(h, name), allowed, name)


def _zeros(params):
    return tuple(np.zeros_like(p) for p in params)


def _value(value, dtype, rounding):
    """``constant`` as a NumPy scalar of ``dtype``: the same promotion as a 0-d array, cheaper, and its ``**`` is
    libm's ``pow`` as TensorFlow's (a 0-d array's can differ in the last bit)."""
    return constant(value, dtype, rounding)[()]


def _const(value, dtype, constant_dtype):
    """A hyperparameter inside an array expression: the Python float (weakly typed, as torch's scalars), or
    Keras's ``ops.cast(value, dtype)`` (rounded through float32 with ``constant_dtype="float32"``)."""
    return value if constant_dtype is None else _value(value, dtype, constant_dtype)


def _scalar(value, dtype, schedule_dtype, rounding=None):
    """A hyperparameter inside the step schedule: a Python float (torch) or a 0-d value of ``dtype`` (Keras)."""
    if schedule_dtype == "float64":
        return float(constant(value, np.float64, rounding))
    return _value(value, dtype, rounding)


def _first(m, g, b1):
    return m + (g - m) * (1 - b1)


def _second(v, g2, b2, form):
    return b2 * v + (1 - b2) * g2 if form == "torch" else v + (g2 - v) * (1 - b2)


def _decay(g, p, h):
    """(g, p) after weight decay: coupled adds lam p to the gradient; decoupled sets p <- p - p lam eta first."""
    if not h.weight_decay:
        return g, p
    lam = _value(h.weight_decay, p.dtype, h.constant_dtype)
    if h.weight_decay_form == "coupled":
        return g + lam * p, p
    return g, p - p * lam * _value(h.lr, p.dtype, h.lr_dtype)


def _schedule(h, dt, *names):
    """lr (rounded by lr_dtype) and the named hyperparameters (rounded by constant_dtype) as schedule scalars."""
    return (_scalar(h.lr, dt, h.schedule_dtype, h.lr_dtype),
            *(_scalar(getattr(h, n), dt, h.schedule_dtype, h.constant_dtype) for n in names))


def _per_parameter(step_fn, state_cls):
    """update(grads, state, params) applying ``step_fn(t, g, p, *buffers) -> (p, *buffers)`` per parameter."""
    def update(grads, state, params):
        check_grads(grads, params)
        t = state.step + 1
        out = [step_fn(t, g, p, *bufs) for g, p, *bufs in zip(grads, params, *state[1:])]
        new_params, *buffers = zip(*out)
        return new_params, state_cls(t, *buffers)
    return update


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
    h = SimpleNamespace(**locals())
    _check(h, eps_form=("corrected", "raw"), weight_decay_form=("coupled", "decoupled"))

    def step(t, g, p, m, v, v_max):
        g, p = _decay(g, p, h)
        m, v = _first(m, g, beta1), _second(v, g * g, beta2, moment_form)
        v_max = np.maximum(v_max, v) if amsgrad else v_max
        den = v_max if amsgrad else v
        eta, b1, b2 = _schedule(h, p.dtype, "beta1", "beta2")
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        if eps_form == "corrected":
            return p - (eta / c1) * (m / (np.sqrt(den) / c2 ** 0.5 + eps)), m, v, v_max
        alpha = eta * c2 ** 0.5 / c1
        return p - (m * alpha) / (np.sqrt(den) + eps), m, v, v_max

    return Optimizer(lambda params: _AdamState(0, _zeros(params), _zeros(params), _zeros(params)),
                     _per_parameter(step, _AdamState))


def adamw(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False, eps_form="corrected",
          moment_form="torch", schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""AdamW: ``adam`` with decoupled weight decay, :math:`p \leftarrow p(1 - \eta\lambda)` before the moments
    (Loshchilov & Hutter); in both frameworks the decay is scaled by the learning rate. Switches as in ``adam``."""
    return adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                eps_form=eps_form, weight_decay_form="decoupled", moment_form=moment_form,
                schedule_dtype=schedule_dtype, lr_dtype=lr_dtype, constant_dtype=constant_dtype)


def _mu_product(prod, t, h):
    """prod * mu_t with the exact beta1 and 0.96: torch forms mu_t in Python and multiplies in the product's
    dtype; Keras's ``_backend_update_step`` multiplies prod * beta_1 * (1 - 0.5 * 0.96^t)."""
    if h.schedule_dtype == "float64":
        return prod * (h.beta1 * (1.0 - 0.5 * 0.96 ** (t * h.momentum_decay)))
    return prod * h.beta1 * (1.0 - 0.5 * prod.dtype.type(0.96) ** (t * h.momentum_decay))


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
    h = SimpleNamespace(**locals(), decay=0.96)
    _check(h, weight_decay_form=("coupled", "decoupled"), mu_product_dtype=("float32", None))
    check_hyperparameter("momentum_decay", momentum_decay)

    def step(t, g, p, m, v, prod):
        g, p = _decay(g, p, h)
        dt = p.dtype
        m = _first(m, g, _const(beta1, dt, constant_dtype))
        v = _second(v, g * g, _const(beta2, dt, constant_dtype), moment_form)
        eta, b1, b2, d = _schedule(h, dt, "beta1", "beta2", "decay")
        mu, mu_next = (b1 * (1.0 - 0.5 * d ** (s * momentum_decay)) for s in (t, t + 1))
        pi = float(prod) if schedule_dtype == "float64" else prod.astype(dt)[()]
        m_hat = (mu_next * m) / (1 - pi * mu_next) + ((1 - mu) * g) / (1 - pi)
        return p - (m_hat * eta) / (np.sqrt(v / (1 - b2 ** t)) + eps), m, v

    def update(grads, state, params):
        check_grads(grads, params)
        t = state.step + 1
        prod = _mu_product(state.mu_product, t, h)
        new_params, m, v = zip(*[step(t, *args, prod) for args in zip(grads, params, state.m, state.v)])
        return new_params, _NadamState(t, m, v, prod)

    return Optimizer(lambda params: _NadamState(0, _zeros(params), _zeros(params),
                                               np.ones((), mu_product_dtype or params[0].dtype)), update)


def adamax(*, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, eps_form="in_max",
           weight_decay_form="coupled", schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""Adamax: the infinity norm :math:`u_t` in place of :math:`\sqrt{v_t}`, :math:`c_1 = 1-\beta_1^t`.

    ``eps_form="in_max"`` (torch): :math:`u_t = \max(\beta_2 u, |g| + \epsilon)`,
    :math:`p \leftarrow p - \frac{\eta}{c_1} m_t / u_t`. ``eps_form="denominator"`` (Keras):
    :math:`u_t = \max(\beta_2 u, |g|)`, :math:`p \leftarrow p - \eta m_t / (c_1 (u_t + \epsilon))`.
    ``constant_dtype="float32"`` rounds :math:`\beta_1` in :math:`\beta_1^t` and :math:`\lambda`.
    """
    h = SimpleNamespace(**locals())
    _check(h, eps_form=("in_max", "denominator"), weight_decay_form=("coupled", "decoupled"))

    def step(t, g, p, m, u):
        g, p = _decay(g, p, h)
        m = _first(m, g, beta1)
        eta, b1 = _schedule(h, p.dtype, "beta1")
        c1 = 1 - b1 ** t
        if eps_form == "in_max":
            u = np.maximum(u * beta2, np.abs(g) + eps)
            return p - (eta / c1) * (m / u), m, u
        u = np.maximum(beta2 * u, np.abs(g))
        return p - (eta * m) / (c1 * (u + eps)), m, u

    return Optimizer(lambda params: _AdamaxState(0, _zeros(params), _zeros(params)),
                     _per_parameter(step, _AdamaxState))


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
    h = SimpleNamespace(**locals())
    _check(h, eps_form=("raw", "corrected"), weight_decay_form=("coupled", "decoupled"))

    def step(t, g, p, m, v):
        g, p = _decay(g, p, h)
        dt = p.dtype
        m = _first(m, g, _const(beta1, dt, constant_dtype))
        v = _second(v, g * g, _const(beta2, dt, constant_dtype), moment_form)
        eta, b1, b2 = _schedule(h, dt, "beta1", "beta2")
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        rho_inf = 2 / (1 - b2) - 1
        rho = rho_inf - 2 * t * b2 ** t / c2
        if not rho > 5:
            return p - m / c1 * eta, m, v
        r = ((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)) ** 0.5
        if eps_form == "raw":
            return p - m / c1 * eta * (c2 ** 0.5 / (np.sqrt(v) + eps)) * r, m, v
        return p - eta * (r * (m / c1) / (np.sqrt(v / c2) + eps)), m, v

    return Optimizer(lambda params: _RAdamState(0, _zeros(params), _zeros(params)), _per_parameter(step, _RAdamState))


def adabelief(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-16, weight_decay=0.0, moment_form="torch",
              schedule_dtype="float64", lr_dtype=None, constant_dtype=None):
    r"""AdaBelief (Zhuang et al., 2020; no rectification): the second statistic is the "belief"
    :math:`s_t = \beta_2 s + (1-\beta_2)(g - m_t)^2 + \epsilon` (:math:`\epsilon` enters the state every step),
    :math:`p \leftarrow p - \frac{\eta}{c_1} m_t / (\sqrt{s_t}/\sqrt{c_2} + \epsilon)`; weight decay decoupled,
    :math:`p \leftarrow p(1-\eta\lambda)` first, in both ports (adabelief-pytorch's ``weight_decouple=True``;
    TFA's AdaBelief adds :math:`\lambda p` to the update scaled by :math:`\eta`). ``constant_dtype="float32"``
    rounds :math:`\beta_1, \beta_2` everywhere and :math:`\lambda`.
    """
    h = SimpleNamespace(**locals(), weight_decay_form="decoupled")
    _check(h)

    def step(t, g, p, m, s):
        g, p = _decay(g, p, h)
        dt = p.dtype
        m = _first(m, g, _const(beta1, dt, constant_dtype))
        r = g - m
        s = _second(s, r * r, _const(beta2, dt, constant_dtype), moment_form) + eps
        eta, b1, b2 = _schedule(h, dt, "beta1", "beta2")
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        return p - (eta / c1) * (m / (np.sqrt(s) / c2 ** 0.5 + eps)), m, s

    return Optimizer(lambda params: _AdaBeliefState(0, _zeros(params), _zeros(params)),
                     _per_parameter(step, _AdaBeliefState))
