r"""Large-batch and matrix-aware update rules as pure ``(init, update)`` pairs: Lion (sign of an interpolated
momentum), LAMB and LARS (per-tensor trust ratios), Adafactor (factored second moments) and Muon
(Newton-Schulz orthogonalised momentum). ``update(grads, state, params)`` returns ``(new_params, new_state)`` --
the new parameters, not optax's updates.

Every per-tensor quantity (a norm, a trust ratio, a row/column factor, an orthogonalisation) is computed for
each parameter array separately. ``t`` is the 1-based step; :math:`\|\cdot\|` is the Frobenius norm and
:math:`\mathrm{RMS}(x) = \|x\| / \sqrt{\mathrm{size}(x)}`.
"""
import math
from functools import partial
from typing import NamedTuple

import numpy as np

from .optimizers_common import UpdateRule, check_hyperparameter, constant, per_parameter_update, zeros_like_each
from .validation import check_choice, check_number

__all__ = ["lion", "lamb", "lars", "adafactor", "muon"]

_DECAY_FORMS = ("scale", "subtract")  # p (1 - lr wd), the factor rounded once (torch) | p - p wd lr (Keras)
_MATCH_RMS_ADAMW = 0.2  # Muon's "match_rms_adamw" shape factor 0.2 sqrt(max(A, B)) (Moonlight; Keras's rms_rate)


# Each rule's hyperparameters, frozen: its keyword arguments, in signature order
_LionHyperparameters = NamedTuple("_LionHyperparameters", [
    ("lr", float), ("beta1", float), ("beta2", float), ("weight_decay", float), ("lr_dtype", str | None),
    ("constant_dtype", str | None)])
_LambHyperparameters = NamedTuple("_LambHyperparameters", [
    ("lr", float), ("beta1", float), ("beta2", float), ("eps", float), ("weight_decay", float),
    ("moment_form", str), ("weight_decay_form", str), ("lr_dtype", str | None), ("constant_dtype", str | None)])
_LarsHyperparameters = NamedTuple("_LarsHyperparameters", [
    ("lr", float), ("momentum", float), ("weight_decay", float), ("trust_coefficient", float),
    ("lr_dtype", str | None), ("constant_dtype", str | None)])
_AdafactorHyperparameters = NamedTuple("_AdafactorHyperparameters", [
    ("lr", float), ("beta2_decay", float), ("eps1", float | None), ("eps2", float), ("clip_threshold", float),
    ("weight_decay", float), ("eps1_form", str), ("rms_param", str), ("decay_form", str), ("lr_dtype", str | None),
    ("constant_dtype", str | None)])
_MuonHyperparameters = NamedTuple("_MuonHyperparameters", [
    ("lr", float), ("momentum", float), ("nesterov", bool), ("weight_decay", float), ("ns_coefficients", tuple),
    ("ns_steps", int), ("eps", float), ("adjust_lr_fn", str | None), ("momentum_form", str), ("ns_dtype", str | None),
    ("ns_eps_form", str), ("decay_form", str), ("lr_dtype", str | None), ("constant_dtype", str | None)])


class _LionState(NamedTuple):
    step: int
    momentum: tuple  # m_t = beta2 m_{t-1} + (1 - beta2) g_t (torch key "exp_avg", Keras _momentums)


class _LambState(NamedTuple):
    step: int
    exp_avg: tuple  # first moment, not bias-corrected (Keras _momentums)
    exp_avg_sq: tuple  # second moment, not bias-corrected (Keras _velocities)


class _LarsState(NamedTuple):
    step: int
    momentum: tuple  # v_t = mu v_{t-1} + lr * local_lr * (g + wd p): the buffer of updates (p -= v)


class _AdafactorState(NamedTuple):
    step: int
    # matrices (factored over the last two axes): the mean of g^2 over the last axis, averaged over steps (torch
    # "row_var" keeps the reduced axis, size 1; Keras "_r"); vectors: the full second moment (torch "variance")
    row: tuple
    col: tuple  # the mean of g^2 over the second-to-last axis (torch "col_var", Keras "_c"); vectors: empty


class _MuonState(NamedTuple):
    step: int
    momentum: tuple  # torch: EMA buffer B = mu B + (1 - mu) g; Keras: sum M = mu M + g = B / (1 - mu)


def _fma32(a, b, c):
    """float32 ``a * b + c`` rounded once (a fused multiply-add): the float32 product is exact in float64."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(np.float32)


def _lerp(start, end, weight):
    r"""ATen's ``lerp``: :math:`s + w(e - s)` for :math:`|w| < 0.5`, else :math:`e - (e - s)(1 - w)`; float32
    tensors evaluate both with a fused multiply-add (the weight rounded to float32 first)."""
    w, diff = np.asarray(weight, start.dtype), end - start
    if start.dtype == np.float32:
        return _fma32(w, diff, start) if abs(w) < 0.5 else _fma32(-diff, np.float32(1) - w, end)
    return start + w * diff if abs(w) < 0.5 else end - diff * (1 - w)


def _norm(x):
    return np.sqrt(np.sum(x * x))


def _guarded_ratio(numerator, denominator, w_norm, u_norm):
    """``numerator / denominator`` when both norms are positive, else 1 (a zero tensor or a zero update)."""
    return numerator / denominator if w_norm > 0 and u_norm > 0 else np.ones_like(w_norm)


def _decay(p, hyper, decay_form):
    """Decoupled decay. "subtract": p - p wd lr in the parameter dtype (Keras's base class); "scale":
    p (1 - lr wd) with the factor formed in Python and rounded once to the dtype (torch's ``param.mul_``)."""
    if not hyper.weight_decay:
        return p
    if decay_form == "scale":
        lr = constant(hyper.lr, np.float64, hyper.lr_dtype)
        weight_decay = constant(hyper.weight_decay, np.float64, hyper.constant_dtype)
        return p * (1 - float(lr) * float(weight_decay))
    lam, eta = constant(hyper.weight_decay, p.dtype, hyper.constant_dtype), constant(hyper.lr, p.dtype, hyper.lr_dtype)
    return p - p * lam * eta


def _check_common(hyper):
    check_hyperparameter("lr", hyper.lr)
    check_hyperparameter("weight_decay", hyper.weight_decay)
    check_choice(hyper.lr_dtype, (None, "float32", "float64"), "lr_dtype")
    check_choice(hyper.constant_dtype, (None, "float32"), "constant_dtype")


def _lion_step(hyper, t, g, p, m):
    """One parameter's step: (p, momentum). The betas are Python floats (rounded through float32 when asked):
    1 - beta is formed before meeting the dtype, as torch does with its Python betas and as Keras's
    1.0 - cast(beta) does exactly."""
    b1, b2 = (float(constant(beta, np.float64, hyper.constant_dtype)) for beta in (hyper.beta1, hyper.beta2))
    interpolated = m * b1 + g * (1 - b1)
    p = _decay(p, hyper, "subtract")
    return p - constant(hyper.lr, p.dtype, hyper.lr_dtype) * np.sign(interpolated), m * b2 + g * (1 - b2)


def lion(*, lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0, lr_dtype=None, constant_dtype=None):
    r"""Lion (Chen et al. 2023): :math:`c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`,
    :math:`p \leftarrow p - \eta\lambda p - \eta\,\mathrm{sign}(c_t)`, then
    :math:`m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t`. The decay is decoupled (scaled by :math:`\eta`, not by the
    gradient). ``lr_dtype="float32"`` rounds :math:`\eta` through float32 (Keras's floatx variable);
    ``constant_dtype="float32"`` rounds :math:`\beta_1, \beta_2, \lambda` through float32 (Keras's ``ops.cast``);
    :math:`1-\beta` is then formed in the parameter dtype.
    """
    hyper = _LionHyperparameters(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, lr_dtype=lr_dtype,
                                 constant_dtype=constant_dtype)
    _check_common(hyper)
    check_hyperparameter("beta1", beta1, high=1.0, low_open=True)
    check_hyperparameter("beta2", beta2, high=1.0)
    return UpdateRule(lambda params: _LionState(0, zeros_like_each(params)),
                      per_parameter_update(partial(_lion_step, hyper), _LionState))


def _lamb_step(hyper, t, g, p, m, v):
    """One parameter's step: (p, exp_avg, exp_avg_sq)."""
    eta, lam = constant(hyper.lr, p.dtype, hyper.lr_dtype), constant(hyper.weight_decay, p.dtype, hyper.constant_dtype)
    beta1, beta2 = hyper.beta1, hyper.beta2
    if hyper.weight_decay_form == "decoupled":
        p = _decay(p, hyper, "subtract")
    if hyper.moment_form == "increment":
        m, v = m + (g - m) * (1 - beta1), v + (g * g - v) * (1 - beta2)
    else:
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * (g * g)
    bias_correction1 = 1 - constant(beta1, p.dtype, hyper.constant_dtype) ** np.asarray(t, p.dtype)
    bias_correction2 = 1 - constant(beta2, p.dtype, hyper.constant_dtype) ** np.asarray(t, p.dtype)
    u = (m / bias_correction1) / (np.sqrt(v / bias_correction2) + hyper.eps)
    u = u + lam * p if hyper.weight_decay_form == "trust_ratio" else u
    w_norm, u_norm = _norm(p), _norm(u)
    return p - _guarded_ratio(w_norm, u_norm, w_norm, u_norm) * eta * u, m, v


def lamb(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0, moment_form="interpolate",
         weight_decay_form="trust_ratio", lr_dtype=None, constant_dtype=None):
    r"""LAMB (You et al. 2019, Algorithm 2): Adam moments, bias-corrected,
    :math:`r = \hat m / (\sqrt{\hat v} + \epsilon)` (epsilon after bias correction), then one trust ratio per tensor
    :math:`\phi = \|p\| / \|u\|` (1 when either norm is 0) and :math:`p \leftarrow p - \eta\,\phi\,u`.

    ``weight_decay_form="trust_ratio"`` (the paper): :math:`u = r + \lambda p`, the decay inside the ratio;
    ``"decoupled"`` (Keras's base optimizer): first :math:`p \leftarrow p - p\lambda\eta`, then :math:`u = r`.
    ``moment_form="interpolate"``: :math:`m = \beta_1 m + (1-\beta_1) g`; ``"increment"`` (Keras):
    :math:`m \mathrel{+}= (g - m)(1 - \beta_1)`, with :math:`1-\beta` from the Python float.
    ``constant_dtype="float32"`` rounds the :math:`\beta` of the bias corrections :math:`1-\beta^t` and :math:`\lambda`
    through float32 (Keras casts those; :math:`\epsilon` and the moments' :math:`1-\beta` stay exact); ``lr_dtype``
    rounds :math:`\eta`.
    """
    hyper = _LambHyperparameters(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, moment_form=moment_form,
        weight_decay_form=weight_decay_form, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_common(hyper)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        check_hyperparameter(name, value, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    check_choice(moment_form, ("interpolate", "increment"), "moment_form")
    check_choice(weight_decay_form, ("trust_ratio", "decoupled"), "weight_decay_form")
    return UpdateRule(lambda params: _LambState(0, zeros_like_each(params), zeros_like_each(params)),
                      per_parameter_update(partial(_lamb_step, hyper), _LambState))


def _lars_step(hyper, t, g, p, v):
    """One parameter's step: (p, momentum)."""
    eta = constant(hyper.lr, p.dtype, hyper.lr_dtype)
    mu = constant(hyper.momentum, p.dtype, hyper.constant_dtype)
    lam = constant(hyper.weight_decay, p.dtype, hyper.constant_dtype)
    w_norm, g_norm = _norm(p), _norm(g)
    local_lr = _guarded_ratio(constant(hyper.trust_coefficient, p.dtype, hyper.constant_dtype) * w_norm,
                              g_norm + lam * w_norm, w_norm, g_norm)
    v = v * mu + (g + p * lam) * (eta * local_lr)
    return p - v, v


def lars(*, lr=0.1, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001, lr_dtype=None, constant_dtype=None):
    r"""LARS (You, Gitman, Ginsburg 2017, Algorithm 1): a local rate per tensor
    :math:`\lambda_l = \eta_{tc}\,\|p\| / (\|g\| + \beta\|p\|)` (1 when either norm is 0, as in optax/LARC), the
    weight decay :math:`\beta` inside it and in the step: :math:`v_t = \mu v_{t-1} + \eta\lambda_l (g + \beta p)`,
    :math:`p \leftarrow p - v_t`. ``constant_dtype="float32"`` rounds :math:`\mu, \beta, \eta_{tc}` through float32
    (the suite's Keras optimizer casts them with ``ops.cast`` as Keras's own do); ``lr_dtype`` rounds :math:`\eta`.
    """
    hyper = _LarsHyperparameters(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                 trust_coefficient=trust_coefficient, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_common(hyper)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("trust_coefficient", trust_coefficient, low_open=True)
    return UpdateRule(lambda params: _LarsState(0, zeros_like_each(params)),
                      per_parameter_update(partial(_lars_step, hyper), _LarsState))


def _second_moment(g, row, col, w, eps1, eps1_form):
    """(row, col, v): the factored estimate of E[g^2] for a matrix (last two axes), the full one for a vector."""
    g2 = g * g + eps1 if eps1_form == "add" else g * g
    if g.ndim < 2:
        row = _lerp(row, g2, w)
        return row, col, np.maximum(row, eps1 * eps1) if eps1_form == "clamp" else row
    row, col = _lerp(row, g2.mean(axis=-1), w), _lerp(col, g2.mean(axis=-2), w)
    if eps1_form == "clamp":
        v = row[..., :, None] * col[..., None, :] / np.maximum(row.mean(axis=-1)[..., None, None], eps1)
        return row, col, np.maximum(v, eps1 * eps1)
    return row, col, (row / row.mean(axis=-1, keepdims=True))[..., :, None] * col[..., None, :]


def _check_adafactor(hyper):
    check_hyperparameter("beta2_decay", hyper.beta2_decay, low=-float("inf"), high=0.0)
    if hyper.eps1 is not None:
        check_hyperparameter("eps1", hyper.eps1)
    check_hyperparameter("eps2", hyper.eps2)
    check_hyperparameter("clip_threshold", hyper.clip_threshold, low=1.0)
    check_choice(hyper.eps1_form, ("clamp", "add"), "eps1_form")
    check_choice(hyper.rms_param, ("undecayed", "decayed"), "rms_param")
    check_choice(hyper.decay_form, _DECAY_FORMS, "decay_form")
    _check_common(hyper)


def _adafactor_step(hyper, t, g, p, row, col):
    """One parameter's step: (p, row, col)."""
    eta = constant(hyper.lr, p.dtype, hyper.lr_dtype)
    eps1 = np.finfo(p.dtype).eps if hyper.eps1 is None else hyper.eps1
    decayed = _decay(p, hyper, hyper.decay_form)
    rms = _norm(p if hyper.rms_param == "undecayed" else decayed) / math.sqrt(p.size)
    relative_step = np.minimum(eta, 1 / np.sqrt(p.dtype.type(t)))
    alpha = np.maximum(constant(hyper.eps2, p.dtype, hyper.constant_dtype), rms) * relative_step
    row, col, v = _second_moment(g, row, col, float(t) ** hyper.beta2_decay, eps1, hyper.eps1_form)
    u = g / np.sqrt(v)
    return decayed - alpha * u / np.maximum(1, _norm(u) / math.sqrt(u.size) / hyper.clip_threshold), row, col


def _adafactor_init(params):
    """Zero row and column statistics: a matrix's without its last / second-to-last axis, a vector's row its full
    shape and its col empty."""
    rows = tuple(np.zeros(p.shape[:-1] if p.ndim > 1 else p.shape, p.dtype) for p in params)
    cols = tuple(np.zeros(p.shape[:-2] + p.shape[-1:] if p.ndim > 1 else (0,), p.dtype) for p in params)
    return _AdafactorState(0, rows, cols)


def adafactor(*, lr=1e-2, beta2_decay=-0.8, eps1=None, eps2=1e-3, clip_threshold=1.0, weight_decay=0.0,
              eps1_form="clamp", rms_param="undecayed", decay_form="scale", lr_dtype=None, constant_dtype=None):
    r"""Adafactor (Shazeer & Stern 2018) without first moment, with relative step and update clipping:
    :math:`\hat\beta_{2,t} = 1 - t^{\tau}` (:math:`\tau` = ``beta2_decay``), :math:`\rho_t = \min(\eta, 1/\sqrt t)`,
    :math:`\alpha_t = \max(\epsilon_2, \mathrm{RMS}(p))\,\rho_t`; for a matrix (factored over the last two axes)
    row and column means :math:`R \leftarrow \hat\beta R + (1-\hat\beta)\,\mathrm{mean}_{-1}(g^2)`, :math:`C`
    likewise over axis -2, :math:`\hat V = R C^\top / \mathrm{mean}(R)`; :math:`U = g/\sqrt{\hat V}`,
    :math:`p \leftarrow p - \alpha_t U / \max(1, \mathrm{RMS}(U)/d)` (:math:`d` = ``clip_threshold``); decoupled decay
    :math:`p \leftarrow p - \eta\lambda p`.

    ``eps1_form="clamp"`` (torch): :math:`\mathrm{mean}(R)` clamped below at :math:`\epsilon_1` and :math:`\hat V`
    at :math:`\epsilon_1^2`; ``"add"`` (Keras): :math:`g^2 + \epsilon_1` instead. ``eps1=None`` means the dtype's
    machine epsilon. ``rms_param="undecayed"`` (torch): :math:`\alpha_t` from :math:`p` before the decay;
    ``"decayed"`` (Keras, whose base class decays first): after it. ``decay_form``: :math:`p(1 - \eta\lambda)` with
    the factor rounded once to the dtype ("scale", torch) or :math:`p - p\lambda\eta` ("subtract", Keras) -- in
    float32 the rounded factor biases every step the same way. ``constant_dtype="float32"`` rounds
    :math:`\epsilon_2, \lambda` through float32; ``lr_dtype`` rounds :math:`\eta`. The state is :math:`R, C` (torch's
    ``row_var``/``col_var``, Keras's ``_r``/``_c``), not :math:`\hat V` (Keras's ``_v``; torch keeps none for a matrix).
    """
    hyper = _AdafactorHyperparameters(
        lr=lr, beta2_decay=beta2_decay, eps1=eps1, eps2=eps2, clip_threshold=clip_threshold, weight_decay=weight_decay,
        eps1_form=eps1_form, rms_param=rms_param, decay_form=decay_form, lr_dtype=lr_dtype,
        constant_dtype=constant_dtype)
    _check_adafactor(hyper)
    return UpdateRule(_adafactor_init, per_parameter_update(partial(_adafactor_step, hyper), _AdafactorState))


def _bf16(x):
    """Round to bfloat16 (nearest, ties to even), held in float32; float64 goes through float32 first, as torch."""
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return (((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16).astype(np.uint32).view(np.float32)


def _matmul32(a, b):
    """A float32-accumulated product of bfloat16 matrices: the exact product rounded once to float32."""
    return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)


def _newton_schulz(x, hyper):
    r"""The quintic Newton-Schulz iteration :math:`A = XX^\top`, :math:`X \leftarrow aX + (bA + cA^2)X` after
    :math:`X \leftarrow X / \|X\|`, on the wide orientation (transposed when rows > columns).
    ``ns_dtype="bfloat16"`` rounds every torch op's result to bfloat16 (torch's ``addmm`` is
    :math:`\mathrm{fma}(\beta, C, \alpha\,AB)` in float32, then rounded)."""
    tall = x.shape[-2] > x.shape[-1]
    x = np.swapaxes(x, -1, -2) if tall else x
    a, b, c = hyper.ns_coefficients
    eps = hyper.eps
    if hyper.ns_dtype == "bfloat16":
        x = _bf16(x)
        norm = _bf16(np.sqrt(np.float32(np.sum(x.astype(np.float64) ** 2))))
        x = _bf16(x / (np.maximum(norm, _bf16(eps)) if hyper.ns_eps_form == "clamp" else _bf16(norm + np.float32(eps))))
        a, b, c = np.float32(a), np.float32(b), np.float32(c)
        for _ in range(hyper.ns_steps):
            gram = _bf16(_matmul32(x, x.T))
            update = _bf16(_fma32(b, gram, c * _matmul32(gram, gram)))
            x = _bf16(_fma32(a, x, _matmul32(update, x)))
    else:
        norm = _norm(x)
        x = x / (np.maximum(norm, eps) if hyper.ns_eps_form == "clamp" else norm + eps)
        for _ in range(hyper.ns_steps):
            gram = x @ x.T
            x = a * x + (b * gram + (c * gram) @ gram) @ x
    return np.swapaxes(x, -1, -2) if tall else x


def _adjusted_ratio(adjust_lr_fn, shape):
    """Muon's shape factor of a (rows, cols) matrix."""
    rows, cols = shape[:2]
    if adjust_lr_fn == "match_rms_adamw":
        return _MATCH_RMS_ADAMW * math.sqrt(max(rows, cols))
    return math.sqrt(max(1.0, rows / cols))


def _muon_momentum(g, buf, hyper):
    """(buffer, direction): the EMA buffer and ATen's lerps (torch) or the summed buffer (Keras)."""
    momentum = hyper.momentum
    if hyper.momentum_form == "ema":
        buf = _lerp(buf, g, 1 - momentum)
        return buf, _lerp(g, buf, momentum) if hyper.nesterov else buf
    buf = buf + (g + buf * (momentum - 1))
    return buf, g + momentum * buf if hyper.nesterov else buf


def _check_muon(hyper):
    _check_common(hyper)
    check_hyperparameter("momentum", hyper.momentum, high=1.0)
    check_hyperparameter("eps", hyper.eps, low_open=True)
    check_number(hyper.ns_steps, "ns_steps", low=1, high=99, integer=True)
    if len(hyper.ns_coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 floats (a, b, c), got {hyper.ns_coefficients!r}")
    for name, value, choices in (("adjust_lr_fn", hyper.adjust_lr_fn, (None, "original", "match_rms_adamw")),
                                 ("momentum_form", hyper.momentum_form, ("ema", "sum")),
                                 ("ns_dtype", hyper.ns_dtype, ("bfloat16", None)),
                                 ("ns_eps_form", hyper.ns_eps_form, ("clamp", "add")),
                                 ("decay_form", hyper.decay_form, _DECAY_FORMS)):
        check_choice(value, choices, name)


def _muon_step(hyper, t, g, p, buf):
    """One parameter's step: (p, momentum buffer)."""
    if p.ndim != 2:
        raise ValueError(f"params must be 2-D matrices for muon, got shape {p.shape}")
    buf, direction = _muon_momentum(g, buf, hyper)
    orthogonalised = _newton_schulz(direction, hyper).astype(p.dtype)
    p = _decay(p, hyper, hyper.decay_form)
    shape_factor = _adjusted_ratio(hyper.adjust_lr_fn, p.shape)
    return p - constant(hyper.lr, p.dtype, hyper.lr_dtype) * orthogonalised * shape_factor, buf


def muon(*, lr=1e-3, momentum=0.95, nesterov=True, weight_decay=0.1, ns_coefficients=(3.4445, -4.775, 2.0315),
         ns_steps=5, eps=1e-7, adjust_lr_fn=None, momentum_form="ema", ns_dtype="bfloat16", ns_eps_form="clamp",
         decay_form="scale", lr_dtype=None, constant_dtype=None):
    r"""Muon (Jordan et al. 2024) for 2-D parameters: momentum, optional Nesterov look-ahead, ``ns_steps``
    Newton-Schulz iterations :math:`O = \mathrm{NS}(\tilde B)` (:math:`\approx UV^\top`), decoupled decay
    :math:`p \leftarrow p - \eta\lambda p`, :math:`p \leftarrow p - \eta\,s\,O` with the shape factor
    :math:`s = \sqrt{\max(1, A/B)}` (``adjust_lr_fn`` None/"original", Keller Jordan) or
    :math:`0.2\sqrt{\max(A, B)}` ("match_rms_adamw", Moonlight; Keras's ``rms_rate=0.2``).

    ``momentum_form="ema"`` (torch): :math:`B = \mu B + (1-\mu) g` (ATen ``lerp``), Nesterov
    :math:`\tilde B = (1-\mu) g + \mu B`; ``"sum"`` (Keras): :math:`M \mathrel{+}= g + (\mu - 1)M`, Nesterov
    :math:`\tilde B = g + \mu M` -- the same direction scaled by :math:`1/(1-\mu)`, which the normalisation removes.
    ``ns_dtype="bfloat16"`` (torch) orthogonalises in bfloat16 whatever the parameter dtype; ``None`` (Keras) in
    the parameter dtype. ``ns_eps_form``: :math:`X/\max(\|X\|, \epsilon)` ("clamp", torch) or
    :math:`X/(\|X\| + \epsilon)` ("add", Keras). ``decay_form``: "scale" :math:`p(1-\eta\lambda)` (torch, the
    factor rounded once to the dtype) or "subtract" :math:`p - p\lambda\eta` (Keras). ``constant_dtype="float32"``
    rounds :math:`\lambda` (Keras casts only the decay); ``lr_dtype`` rounds :math:`\eta`.
    """
    hyper = _MuonHyperparameters(
        lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay, ns_coefficients=ns_coefficients,
        ns_steps=ns_steps, eps=eps, adjust_lr_fn=adjust_lr_fn, momentum_form=momentum_form, ns_dtype=ns_dtype,
        ns_eps_form=ns_eps_form, decay_form=decay_form, lr_dtype=lr_dtype, constant_dtype=constant_dtype)
    _check_muon(hyper)
    return UpdateRule(lambda params: _MuonState(0, zeros_like_each(params)),
                      per_parameter_update(partial(_muon_step, hyper), _MuonState))
