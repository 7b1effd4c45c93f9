r"""Large-batch and matrix-aware update rules as pure ``(init, update)`` pairs: Lion (sign of an interpolated
momentum), LAMB and LARS (per-tensor trust ratios), Adafactor (factored second moments) and Muon
(Newton-Schulz orthogonalised momentum). ``update(grads, state, params)`` returns ``(new_params, new_state)`` --
the new parameters, not optax's updates.

Every per-tensor quantity (a norm, a trust ratio, a row/column factor, an orthogonalisation) is computed for
each parameter array separately. ``t`` is the 1-based step; :math:`\|\cdot\|` is the Frobenius norm and
:math:`\mathrm{RMS}(x) = \|x\| / \sqrt{\mathrm{size}(x)}`.
"""
import math
from typing import NamedTuple

import numpy as np

from .optimizers_common import UpdateRule, check_grads, check_hyperparameter, constant, zeros_like_each
from .validation import check_choice, check_number

__all__ = ["lion", "lamb", "lars", "adafactor", "muon"]


class _LionState(NamedTuple):
    step: int
    momentum: tuple  # m_t = beta2 m_{t-1} + (1 - beta2) g_t (torch key "exp_avg", Keras "<name>_momentum")


class _LambState(NamedTuple):
    step: int
    exp_avg: tuple  # first moment, not bias-corrected (Keras "<name>_momentum")
    exp_avg_sq: tuple  # second moment, not bias-corrected (Keras "<name>_velocity")


class _LarsState(NamedTuple):
    step: int
    momentum: tuple  # v_t = mu v_{t-1} + lr * local_lr * (g + wd p): the buffer of updates (p -= v)


class _AdafactorState(NamedTuple):
    step: int
    row: tuple  # mean of g^2 over the last axis, averaged over steps (vectors: the full second moment)
    col: tuple  # mean of g^2 over the second-to-last axis (vectors: unused, empty)


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


def _decay(p, lr, weight_decay, lr_dtype, constant_dtype, decay_form="subtract"):
    """Decoupled decay. "subtract": p - p wd lr in the parameter dtype (Keras's base class); "scale":
    p (1 - lr wd) with the factor formed in Python and rounded once to the dtype (torch's ``param.mul_``)."""
    if not weight_decay:
        return p
    if decay_form == "scale":
        lr, weight_decay = constant(lr, np.float64, lr_dtype), constant(weight_decay, np.float64, constant_dtype)
        return p * (1 - float(lr) * float(weight_decay))
    return p - p * constant(weight_decay, p.dtype, constant_dtype) * constant(lr, p.dtype, lr_dtype)


def _check_common(lr, weight_decay, lr_dtype, constant_dtype):
    check_hyperparameter("lr", lr)
    check_hyperparameter("weight_decay", weight_decay)
    check_choice(lr_dtype, (None, "float32", "float64"), "lr_dtype")
    check_choice(constant_dtype, (None, "float32"), "constant_dtype")


def _per_parameter(step_fn, state_type, grads, state, params):
    """(new_params, new_state): ``step_fn(g, p, t, *buffers) -> (new_p, *new_buffers)`` applied to every parameter;
    t is the 1-based step."""
    check_grads(grads, params)
    results = [step_fn(g, p, state.step + 1, *buffers) for g, p, *buffers in zip(grads, params, *state[1:])]
    new_buffers = (tuple(r[i] for r in results) for i in range(1, len(state)))
    return tuple(r[0] for r in results), state_type(state.step + 1, *new_buffers)


def lion(*, lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0, lr_dtype=None, constant_dtype=None):
    r"""Lion (Chen et al. 2023): :math:`c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`,
    :math:`p \leftarrow p - \eta\lambda p - \eta\,\mathrm{sign}(c_t)`, then
    :math:`m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t`. The decay is decoupled (scaled by :math:`\eta`, not by the
    gradient). ``lr_dtype="float32"`` rounds :math:`\eta` through float32 (Keras's floatx variable);
    ``constant_dtype="float32"`` rounds :math:`\beta_1, \beta_2, \lambda` through float32 (Keras's ``ops.cast``);
    :math:`1-\beta` is then formed in the parameter dtype.
    """
    _check_common(lr, weight_decay, lr_dtype, constant_dtype)
    check_hyperparameter("beta1", beta1, high=1.0, low_open=True)
    check_hyperparameter("beta2", beta2, high=1.0)

    def step(g, p, t, m):
        # Python floats (rounded through float32 when asked): 1 - beta is formed before meeting the dtype, as
        # torch does with its Python betas and as Keras's 1.0 - cast(beta) does exactly
        b1, b2 = (float(constant(b, np.float64, constant_dtype)) for b in (beta1, beta2))
        interpolated = m * b1 + g * (1 - b1)
        p = _decay(p, lr, weight_decay, lr_dtype, constant_dtype)
        return p - constant(lr, p.dtype, lr_dtype) * np.sign(interpolated), m * b2 + g * (1 - b2)

    return UpdateRule(lambda params: _LionState(0, zeros_like_each(params)),
                      lambda grads, state, params: _per_parameter(step, _LionState, grads, state, params))


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
    _check_common(lr, weight_decay, lr_dtype, constant_dtype)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        check_hyperparameter(name, value, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    check_choice(moment_form, ("interpolate", "increment"), "moment_form")
    check_choice(weight_decay_form, ("trust_ratio", "decoupled"), "weight_decay_form")

    def step(g, p, t, m, v):
        eta, lam = constant(lr, p.dtype, lr_dtype), constant(weight_decay, p.dtype, constant_dtype)
        if weight_decay_form == "decoupled":
            p = _decay(p, lr, weight_decay, lr_dtype, constant_dtype)
        if moment_form == "increment":
            m, v = m + (g - m) * (1 - beta1), v + (g * g - v) * (1 - beta2)
        else:
            m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * (g * g)
        bc1 = 1 - constant(beta1, p.dtype, constant_dtype) ** np.asarray(t, p.dtype)
        bc2 = 1 - constant(beta2, p.dtype, constant_dtype) ** np.asarray(t, p.dtype)
        u = (m / bc1) / (np.sqrt(v / bc2) + eps)
        u = u + lam * p if weight_decay_form == "trust_ratio" else u
        w_norm, u_norm = _norm(p), _norm(u)
        return p - _guarded_ratio(w_norm, u_norm, w_norm, u_norm) * eta * u, m, v

    return UpdateRule(lambda params: _LambState(0, zeros_like_each(params), zeros_like_each(params)),
                      lambda grads, state, params: _per_parameter(step, _LambState, grads, state, params))


def lars(*, lr=0.1, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001, lr_dtype=None, constant_dtype=None):
    r"""LARS (You, Gitman, Ginsburg 2017, Algorithm 1): a local rate per tensor
    :math:`\lambda_l = \eta_{tc}\,\|p\| / (\|g\| + \beta\|p\|)` (1 when either norm is 0, as in optax/LARC), the
    weight decay :math:`\beta` inside it and in the step: :math:`v_t = \mu v_{t-1} + \eta\lambda_l (g + \beta p)`,
    :math:`p \leftarrow p - v_t`. ``constant_dtype="float32"`` rounds :math:`\mu, \beta, \eta_{tc}` through float32
    (the suite's Keras optimizer casts them with ``ops.cast`` as Keras's own do); ``lr_dtype`` rounds :math:`\eta`.
    """
    _check_common(lr, weight_decay, lr_dtype, constant_dtype)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("trust_coefficient", trust_coefficient, low_open=True)

    def step(g, p, t, v):
        eta = constant(lr, p.dtype, lr_dtype)
        mu, lam = constant(momentum, p.dtype, constant_dtype), constant(weight_decay, p.dtype, constant_dtype)
        w_norm, g_norm = _norm(p), _norm(g)
        local_lr = _guarded_ratio(constant(trust_coefficient, p.dtype, constant_dtype) * w_norm,
                                  g_norm + lam * w_norm, w_norm, g_norm)
        v = v * mu + (g + p * lam) * (eta * local_lr)
        return p - v, v

    return UpdateRule(lambda params: _LarsState(0, zeros_like_each(params)),
                      lambda grads, state, params: _per_parameter(step, _LarsState, grads, state, params))


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


def _check_adafactor(lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay, eps1_form, rms_param, decay_form):
    check_hyperparameter("beta2_decay", beta2_decay, low=-float("inf"), high=0.0)
    if eps1 is not None:
        check_hyperparameter("eps1", eps1)
    check_hyperparameter("eps2", eps2)
    check_hyperparameter("clip_threshold", clip_threshold, low=1.0)
    check_choice(eps1_form, ("clamp", "add"), "eps1_form")
    check_choice(rms_param, ("undecayed", "decayed"), "rms_param")
    check_choice(decay_form, ("scale", "subtract"), "decay_form")


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
    :math:`\epsilon_2, \lambda` through float32; ``lr_dtype`` rounds :math:`\eta`.
    """
    _check_adafactor(lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay, eps1_form, rms_param, decay_form)
    _check_common(lr, weight_decay, lr_dtype, constant_dtype)

    def step(g, p, t, row, col):
        eta, eps1_value = constant(lr, p.dtype, lr_dtype), np.finfo(p.dtype).eps if eps1 is None else eps1
        decayed = _decay(p, lr, weight_decay, lr_dtype, constant_dtype, decay_form)
        rms = _norm(p if rms_param == "undecayed" else decayed) / math.sqrt(p.size)
        rho = np.minimum(eta, 1 / np.sqrt(p.dtype.type(t)))
        alpha = np.maximum(constant(eps2, p.dtype, constant_dtype), rms) * rho
        row, col, v = _second_moment(g, row, col, float(t) ** beta2_decay, eps1_value, eps1_form)
        u = g / np.sqrt(v)
        return decayed - alpha * u / np.maximum(1, _norm(u) / math.sqrt(u.size) / clip_threshold), row, col

    def init(params):
        rows = tuple(np.zeros(p.shape[:-1] if p.ndim > 1 else p.shape, p.dtype) for p in params)
        return _AdafactorState(0, rows, tuple(np.zeros(p.shape[:-2] + p.shape[-1:] if p.ndim > 1 else (0,), p.dtype)
                                             for p in params))

    return UpdateRule(init, lambda grads, state, params: _per_parameter(step, _AdafactorState, grads, state, params))


def _bf16(x):
    """Round to bfloat16 (nearest, ties to even), held in float32; float64 goes through float32 first, as torch."""
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return (((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16).astype(np.uint32).view(np.float32)


def _matmul32(a, b):
    """A float32-accumulated product of bfloat16 matrices: the exact product rounded once to float32."""
    return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)


def _newton_schulz(x, coefficients, steps, eps, ns_dtype, eps_form):
    r"""The quintic Newton-Schulz iteration :math:`A = XX^\top`, :math:`X \leftarrow aX + (bA + cA^2)X` after
    :math:`X \leftarrow X / \|X\|`, on the wide orientation (transposed when rows > columns).
    ``ns_dtype="bfloat16"`` rounds every torch op's result to bfloat16 (torch's ``addmm`` is
    :math:`\mathrm{fma}(\beta, C, \alpha\,AB)` in float32, then rounded)."""
    tall = x.shape[-2] > x.shape[-1]
    x = np.swapaxes(x, -1, -2) if tall else x
    a, b, c = coefficients
    if ns_dtype == "bfloat16":
        x = _bf16(x)
        norm = _bf16(np.sqrt(np.float32(np.sum(x.astype(np.float64) ** 2))))
        x = _bf16(x / (np.maximum(norm, _bf16(eps)) if eps_form == "clamp" else _bf16(norm + np.float32(eps))))
        a, b, c = np.float32(a), np.float32(b), np.float32(c)
        for _ in range(steps):
            gram = _bf16(_matmul32(x, x.T))
            update = _bf16(_fma32(b, gram, c * _matmul32(gram, gram)))
            x = _bf16(_fma32(a, x, _matmul32(update, x)))
    else:
        norm = _norm(x)
        x = x / (np.maximum(norm, eps) if eps_form == "clamp" else norm + eps)
        for _ in range(steps):
            gram = x @ x.T
            x = a * x + (b * gram + (c * gram) @ gram) @ x
    return np.swapaxes(x, -1, -2) if tall else x


def _adjusted_ratio(adjust_lr_fn, shape):
    rows, cols = shape[:2]
    return 0.2 * math.sqrt(max(rows, cols)) if adjust_lr_fn == "match_rms_adamw" else math.sqrt(max(1.0, rows / cols))


def _muon_momentum(g, buf, momentum, nesterov, momentum_form):
    """(buffer, direction): the EMA buffer and ATen's lerps (torch) or the summed buffer (Keras)."""
    if momentum_form == "ema":
        buf = _lerp(buf, g, 1 - momentum)
        return buf, _lerp(g, buf, momentum) if nesterov else buf
    buf = buf + (g + buf * (momentum - 1))
    return buf, g + momentum * buf if nesterov else buf


def _check_muon(lr, momentum, weight_decay, ns_coefficients, ns_steps, eps, adjust_lr_fn, momentum_form, ns_dtype,
                ns_eps_form, decay_form, lr_dtype, constant_dtype):
    _check_common(lr, weight_decay, lr_dtype, constant_dtype)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    check_number(ns_steps, "ns_steps", low=1, high=99, integer=True)
    if len(ns_coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 floats (a, b, c), got {ns_coefficients!r}")
    for name, value, choices in (("adjust_lr_fn", adjust_lr_fn, (None, "original", "match_rms_adamw")),
                                 ("momentum_form", momentum_form, ("ema", "sum")),
                                 ("ns_dtype", ns_dtype, ("bfloat16", None)),
                                 ("ns_eps_form", ns_eps_form, ("clamp", "add")),
                                 ("decay_form", decay_form, ("scale", "subtract"))):
        check_choice(value, choices, name)


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
    _check_muon(lr, momentum, weight_decay, ns_coefficients, ns_steps, eps, adjust_lr_fn, momentum_form, ns_dtype,
                ns_eps_form, decay_form, lr_dtype, constant_dtype)

    def step(g, p, t, buf):
        if p.ndim != 2:
            raise ValueError(f"params must be 2-D matrices for muon, got shape {p.shape}")
        buf, direction = _muon_momentum(g, buf, momentum, nesterov, momentum_form)
        o = _newton_schulz(direction, ns_coefficients, ns_steps, eps, ns_dtype, ns_eps_form).astype(p.dtype)
        p = _decay(p, lr, weight_decay, lr_dtype, constant_dtype, decay_form)
        return p - constant(lr, p.dtype, lr_dtype) * o * _adjusted_ratio(adjust_lr_fn, p.shape), buf

    return UpdateRule(lambda params: _MuonState(0, zeros_like_each(params)),
                      lambda grads, state, params: _per_parameter(step, _MuonState, grads, state, params))
