r"""Learning-rate schedules, ReduceLROnPlateau and the LR range test, from scratch (forward only).

A schedule maps integer step indices ``steps`` (0-based: the LR the optimizer applies at its k-th update)
to learning rates, shape ``(len(steps),)``, evaluated in closed form, vectorised over the steps.

Switches shared by the schedules (each a recorded convention):

- ``step_offset``: the LR at step ``k`` is :math:`f(\max(k + \text{offset}, 0))`. Both frameworks use 0:
  torch's scheduler holds :math:`f(k)` between its k-th and (k+1)-th ``scheduler.step()`` (called after
  ``optimizer.step()``), Keras evaluates the schedule at ``optimizer.iterations`` before the increment.
  ``1`` is the pre-1.1 torch order (``scheduler.step()`` before ``optimizer.step()``).
- ``dtype``: dtype of the returned LRs (``None``: float64); ``compute_dtype``: the precision the formula
  is evaluated in (default float64, torch's; ``None``: ``dtype``). torch evaluates Python floats (float64)
  whatever the result's dtype; a Keras schedule evaluates in the dtype of its initial learning rate -- for a
  Python float what the backend makes of it: TensorFlow a float32 tensor whatever ``keras.config.floatx()``
  is, JAX (x64) a weakly typed float64, torch a floatx tensor.
- ``constant_dtype``: ``"float32"`` rounds the schedule's other float hyperparameters through float32
  (Keras's ``ops.cast(python_float, dtype)`` converts to a float32 tensor first), even in float64.
- ``divide_by_constant``: ``"exact"``, or ``"reciprocal"`` -- :math:`x / d` for a constant :math:`d` is
  evaluated as :math:`x \cdot (1 / d)`, as TensorFlow's graph optimizer rewrites Keras's schedule inside a
  traced train step (``model.fit``, ``tf.function``). It only shows where a floor or ceiling follows: a
  staircase or a restart can land one step late (e.g. :math:`49 \cdot \mathrm{fl}(1/49) < 1` in float64).
- ``floor_dtype`` (staircase, restart and cycle counts): ``"float32"`` rounds the operand of floor and ceil
  through float32 first -- Keras's ``ops.floor`` on JAX and torch and ``ops.ceil`` on JAX take
  ``result_type(x.dtype, float)``, which maps float64 to float32 there (``None``: the compute dtype).
- ``after_end`` (cosine forms): ``"periodic"`` -- torch's CosineAnnealingLR keeps following the cosine
  past ``decay_steps`` (the LR climbs back); ``"hold"`` -- Keras clamps the step at ``decay_steps``.
"""
import math

import numpy as np

from .validation import check_choice, check_lr_range, check_number, check_plateau, check_steps, constant

__all__ = ["step_decay", "exponential_decay", "cosine_annealing", "cosine_warm_restarts", "warmup_cosine",
           "polynomial_decay", "reduce_on_plateau", "lr_range_test"]

_DTYPES = (None, "float32", "float64")


def _prepare(steps, lr, dtype, compute_dtype, step_offset):
    """(t, c, out): the shifted steps as floats of the compute dtype, a caster to it, the result dtype."""
    check_steps(steps)
    check_number(lr, "lr", positive=True)
    check_choice(dtype, _DTYPES, "dtype")
    check_choice(compute_dtype, _DTYPES, "compute_dtype")
    out = np.dtype(dtype or "float64")
    ct = np.dtype(compute_dtype or out)
    t = np.maximum(steps.astype(np.int64) + int(step_offset), 0)
    return t, ct.type, out


def _divider(c, divide_by_constant):
    """``divide(x, d)`` for a constant ``d``: exactly, or as ``x * (1 / d)`` (a traced TensorFlow graph)."""
    check_choice(divide_by_constant, ("exact", "reciprocal"), "divide_by_constant")
    if divide_by_constant == "reciprocal":
        return lambda x, d: x * (c(1) / c(d))
    return lambda x, d: x / c(d)


def _floor(c, floor_dtype):
    """(floor, ceil) of arrays of the compute dtype ``c``, their operand rounded through ``floor_dtype`` first
    (``None``: as is), the result in ``c``."""
    check_choice(floor_dtype, (None, "float32"), "floor_dtype")
    if floor_dtype is None:
        return np.floor, np.ceil
    return (lambda x: np.floor(np.asarray(x).astype(floor_dtype)).astype(c),
            lambda x: np.ceil(np.asarray(x).astype(floor_dtype)).astype(c))


def _caster(c, constant_dtype):
    """A caster for hyperparameters to the compute dtype ``c``: :func:`validation.constant` (through float32 first
    if ``constant_dtype``), as a scalar."""
    check_choice(constant_dtype, (None, "float32"), "constant_dtype")
    return lambda v: constant(v, c, constant_dtype)[()]


def _cosine(t, period, lr, min_lr, c):
    r""":math:`\eta_{min} + (\eta - \eta_{min})(1 + \cos(\pi t / T)) / 2` in the dtype of ``c``."""
    return c(min_lr) + (c(lr) - c(min_lr)) * (c(1) + np.cos(c(math.pi) * (t / c(period)))) / c(2)


def step_decay(steps, *, lr, step_size, gamma=0.1, dtype=None, compute_dtype="float64", step_offset=0,
               at_boundary="decayed"):
    r"""Multiply by :math:`\gamma` every ``step_size`` steps: :math:`\eta_k = \eta\,\gamma^{n(k)}`.

    ``at_boundary``: ``"decayed"`` -- :math:`n = \lfloor k / s \rfloor`, the LR at step :math:`k = s` is
    already decayed (torch's StepLR); ``"previous"`` -- :math:`n = \max(\lceil k / s \rceil - 1, 0)`, a
    boundary step keeps the previous value (Keras's PiecewiseConstantDecay uses ``step <= boundary``).
    """
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    check_number(step_size, "step_size", positive=True, integer=True)
    check_number(gamma, "gamma", positive=True)
    check_choice(at_boundary, ("decayed", "previous"), "at_boundary")
    n = t // step_size if at_boundary == "decayed" else np.maximum(-(-t // step_size) - 1, 0)
    return (c(lr) * _power(c(gamma), n.astype(c))).astype(out)


def exponential_decay(steps, *, lr, decay_rate, decay_steps=1, staircase=False, dtype=None, compute_dtype="float64",
                      step_offset=0, constant_dtype=None, divide_by_constant="exact", floor_dtype=None):
    r""":math:`\eta_k = \eta\, r^{k / d}` (:math:`\lfloor k / d \rfloor` with ``staircase``)."""
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    floor, _ = _floor(c, floor_dtype)
    check_number(decay_rate, "decay_rate", positive=True)
    check_number(decay_steps, "decay_steps", positive=True)
    k = _caster(c, constant_dtype)
    p = _divider(c, divide_by_constant)(t.astype(c), k(decay_steps))
    return (c(lr) * _power(k(decay_rate), floor(p) if staircase else p)).astype(out)


def cosine_annealing(steps, *, lr, decay_steps, min_lr=0.0, dtype=None, compute_dtype="float64", step_offset=0,
                     after_end="periodic"):
    r""":math:`\eta_k = \eta_{min} + (\eta - \eta_{min})(1 + \cos(\pi k / T)) / 2`, :math:`T` = ``decay_steps``;
    past :math:`T` the cosine goes on (``"periodic"``) or :math:`k` is clamped to :math:`T` (``"hold"``)."""
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(min_lr, "min_lr", low=0.0, high=lr)
    check_choice(after_end, ("periodic", "hold"), "after_end")
    t = t.astype(c)
    t = np.minimum(t, c(decay_steps)) if after_end == "hold" else t
    return _cosine(t, decay_steps, lr, min_lr, c).astype(out)


def _restarts(t, first, t_mult):
    """(cycle index, step within the cycle, cycle length) of integer steps ``t``, exactly: cycle i starts
    at :math:`T_0 (m^i - 1) / (m - 1)` (:math:`i T_0` for :math:`m = 1`) and lasts :math:`T_0 m^i`."""
    if t_mult == 1:
        i = t // first
        return i, t - i * first, np.full(t.shape, float(first))
    cycles = int(math.log(1 + t.max() * (t_mult - 1) / first, t_mult)) + 2
    starts = first * (t_mult ** np.arange(cycles) - 1) / (t_mult - 1)
    i = np.searchsorted(starts, t, side="right") - 1
    return i, t - starts[i], first * t_mult ** i.astype(np.float64)


def _traced_restarts(t, first, t_mult, c, floor=np.floor):
    r"""(cycle index, fraction of the cycle done) by Keras's formula with constant divisors as reciprocals:
    :math:`f = k \cdot (1/T_0)`, :math:`i = \lfloor \log(1 - f (1 - m)) \cdot (1 / \log m) \rfloor`,
    :math:`(f - (1 - m^i) \cdot (1 / (1 - m))) / m^i` (:math:`\lfloor f \rfloor` and its remainder for m = 1)."""
    f = t * (c(1) / c(first))
    if t_mult == 1:
        i = floor(f)
        return i, f - i
    i = floor(np.log(c(1) - f * (c(1) - t_mult)) * (c(1) / np.log(t_mult)))
    done = (f - (c(1) - _power(t_mult, i)) * (c(1) / (c(1) - t_mult))) / _power(t_mult, i)
    return i, done


def cosine_warm_restarts(steps, *, lr, first_decay_steps, t_mult=1, m_mul=1.0, min_lr=0.0, dtype=None,
                         compute_dtype="float64", step_offset=0, constant_dtype=None, divide_by_constant="exact",
                         floor_dtype=None):
    r"""SGDR: cycle :math:`i` lasts :math:`T_0 m^i` steps and starts from :math:`\mu^i \eta`:
    :math:`\eta_k = \eta_{min} + (\eta - \eta_{min})\,\mu^i (1 + \cos(\pi t_{cur} / T_i)) / 2`
    (:math:`m` = ``t_mult``, :math:`\mu` = ``m_mul``; torch has no :math:`\mu`, i.e. 1). ``"exact"``
    counts cycles in integers (torch); ``"reciprocal"`` is Keras's closed form as a traced graph runs it,
    which puts some restarts one step late (LR :math:`\eta_{min}` at the restart step); ``floor_dtype`` rounds
    the closed form's floors (the integer count has none)."""
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    check_number(first_decay_steps, "first_decay_steps", positive=True, integer=True)
    check_number(t_mult, "t_mult", low=1.0)
    check_number(m_mul, "m_mul", positive=True)
    check_number(min_lr, "min_lr", low=0.0, high=lr)
    check_choice(divide_by_constant, ("exact", "reciprocal"), "divide_by_constant")
    k, (floor_of, _) = _caster(c, constant_dtype), _floor(c, floor_dtype)
    if divide_by_constant == "exact":
        i, t_cur, period = _restarts(t, first_decay_steps, t_mult)
        i, frac = i.astype(c), (t_cur / period).astype(c)
    else:
        i, frac = _traced_restarts(t.astype(c), first_decay_steps, k(t_mult), c, floor_of)
    floor = c(lr) * k(min_lr / lr) if constant_dtype else c(min_lr)  # Keras's alpha = min_lr / lr is cast
    scale = _power(k(m_mul), i)
    return (floor + (c(lr) - floor) * scale * (c(1) + np.cos(c(math.pi) * frac)) / c(2)).astype(out)


def warmup_cosine(steps, *, lr, decay_steps, warmup_steps=5, start_factor=1.0 / 3, min_lr=0.0, dtype=None,
                  compute_dtype="float64", step_offset=0, after_end="periodic", constant_dtype=None):
    r"""Linear warmup from ``start_factor`` :math:`\eta` to :math:`\eta` over :math:`W` = ``warmup_steps``,
    then :func:`cosine_annealing` of :math:`k - W` over ``decay_steps``:
    :math:`\eta_k = s\eta + (\eta - s\eta) k / W` for :math:`k < W` (the peak :math:`\eta` is Keras's
    ``warmup_target``, a cast constant)."""
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(warmup_steps, "warmup_steps", low=0.0, integer=True)
    check_number(start_factor, "start_factor", positive=True, high=1.0)
    check_number(min_lr, "min_lr", low=0.0, high=lr)
    check_choice(after_end, ("periodic", "hold"), "after_end")
    t, peak, start = t.astype(c), _caster(c, constant_dtype)(lr), c(start_factor * lr)
    warm = start + (peak - start) * (t / c(max(warmup_steps, 1)))
    d = t - c(warmup_steps)
    d = np.minimum(d, c(decay_steps)) if after_end == "hold" else d
    return np.where(t < warmup_steps, warm, _cosine(d, decay_steps, peak, min_lr, c)).astype(out)


def polynomial_decay(steps, *, lr, decay_steps=5, end_lr=0.0, power=1.0, cycle=False, dtype=None,
                     compute_dtype="float64", step_offset=0, constant_dtype=None, divide_by_constant="exact",
                     floor_dtype=None, multiplier_dtype=None):
    r""":math:`\eta_k = (\eta - \eta_{end})(1 - \min(k, D) / D)^p + \eta_{end}`; with ``cycle`` (Keras only)
    :math:`D` = ``decay_steps`` :math:`\cdot \max(\lceil k / D \rceil, 1)` and :math:`k` is not clamped.
    ``multiplier_dtype``: the dtype of that cycle multiplier (``None``: the compute dtype); a wider one widens
    :math:`D`, :math:`p` and the result (Keras's ``ops.where(step == 0, 1.0, ceil(...))``: on torch the Python
    float ``1.0`` is a floatx tensor and ``torch.where`` promotes)."""
    t, c, out = _prepare(steps, lr, dtype, compute_dtype, step_offset)
    _, ceil = _floor(c, floor_dtype)
    check_choice(multiplier_dtype, _DTYPES, "multiplier_dtype")
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(end_lr, "end_lr", low=0.0, high=lr)
    check_number(power, "power", positive=True)
    k, divide = _caster(c, constant_dtype), _divider(c, divide_by_constant)
    t, d, end = t.astype(c), c(decay_steps), k(end_lr)
    if cycle:
        multiplier = np.maximum(ceil(divide(t, decay_steps)), c(1))
        if multiplier_dtype:
            multiplier = multiplier.astype(np.promote_types(c, multiplier_dtype))
            out = np.promote_types(out, multiplier_dtype)
        p = t / (d * multiplier)  # the cycle's length is no constant
    else:
        p = divide(np.minimum(t, d), decay_steps)
    return ((c(lr) - end) * _power(c(1) - p, k(power)) + end).astype(out)


def _improved(current, best, threshold, threshold_mode, abs_form, c):
    """Whether ``current`` improves on ``best`` (mode 'min'), the two sides compared in the dtype of ``c``."""
    if threshold_mode == "rel":
        lhs, rhs = current, best * (1.0 - threshold)
    elif abs_form == "best_minus":
        lhs, rhs = current, best - threshold
    else:
        lhs, rhs = current + threshold, best
    return bool(c(lhs) < c(rhs))


def _reduced(lr, factor, min_lr, min_change, c):
    """(new lr, whether it changed): torch skips a change of at most ``min_change``; with ``None`` (Keras)
    any lr above float32(min_lr) is reduced. The new value is stored in the dtype of ``c``."""
    new = max(float(lr) * factor, min_lr)
    changed = float(lr) - new > min_change if min_change is not None else float(lr) > float(np.float32(min_lr))
    return (c(new), True) if changed else (lr, False)


def reduce_on_plateau(val_loss, *, lr=1e-3, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                      cooldown=0, min_lr=0.0, dtype=None, compute_dtype="float64", compare_dtype="float64",
                      patience_rule="exceeds", cooldown_rule="full", abs_form="best_minus", min_change=1e-8):
    r"""The LR used during each epoch, given that epoch's validation loss ``val_loss[k]`` (mode 'min').

    After epoch :math:`k`, an improvement (``rel``: :math:`v < b(1 - \theta)`; ``abs``: :math:`v < b - \theta`,
    written :math:`v + \theta < b` with ``abs_form="current_plus"``; both sides rounded to ``compare_dtype``)
    sets the best :math:`b = v` and clears the bad-epoch count; otherwise the count grows, unless in cooldown.
    ``patience_rule``: reduce when the count ``"exceeds"`` patience (torch) or ``"reaches"`` it (Keras).
    ``cooldown_rule``: ``"full"`` -- the ``cooldown`` epochs after a reduction never count (torch);
    ``"last_epoch_counts"`` -- Keras decrements the counter first, so the epoch where it reaches 0 already
    counts. A reduction is :math:`\eta \leftarrow \max(\eta f, \eta_{min})`, skipped when it changes the LR
    by at most ``min_change`` (torch's ``eps``; ``None``: Keras's rule, reduce while :math:`\eta >`
    float32(:math:`\eta_{min}`)). The LR is kept in ``compute_dtype`` (``None``: ``dtype``, else the input's;
    Keras: a floatx Variable, torch: a Python float) and returned in ``dtype`` (``None``: ``compute_dtype``,
    else the input's); ``compare_dtype`` ``None`` compares in float64, ``"floatx"`` in the dtype the LR is kept
    in (Keras keeps it in a floatx Variable: this is floatx as the callback runs).
    """
    check_plateau(val_loss, lr, factor, patience, threshold, cooldown, min_lr)
    _check_plateau_switches(threshold_mode, patience_rule, cooldown_rule, abs_form, dtype, compute_dtype,
                            compare_dtype)
    c = np.dtype(compute_dtype or dtype or val_loss.dtype).type
    compared = c if compare_dtype == "floatx" else np.dtype(compare_dtype or "float64").type
    out = np.empty(len(val_loss), np.dtype(dtype or compute_dtype or val_loss.dtype))
    rate, best, bad, cool = c(lr), math.inf, 0, 0
    for k, v in enumerate(val_loss.astype(np.float64).tolist()):  # a recursion over epochs
        out[k] = rate
        was, cool = cool, max(cool - 1, 0)
        bad = 0 if was else bad
        if _improved(v, best, threshold, threshold_mode, abs_form, compared):
            best, bad = v, 0
        elif (was if cooldown_rule == "full" else cool) == 0:
            bad += 1
            if bad > patience if patience_rule == "exceeds" else bad >= patience:
                rate, changed = _reduced(rate, factor, min_lr, min_change, c)
                if changed or min_change is not None:  # torch resets even when the change is skipped
                    cool, bad = cooldown, 0
    return out


def _check_plateau_switches(threshold_mode, patience_rule, cooldown_rule, abs_form, dtype, compute_dtype,
                            compare_dtype):
    for value, choices, name in ((threshold_mode, ("rel", "abs"), "threshold_mode"),
                                 (patience_rule, ("exceeds", "reaches"), "patience_rule"),
                                 (cooldown_rule, ("full", "last_epoch_counts"), "cooldown_rule"),
                                 (abs_form, ("best_minus", "current_plus"), "abs_form"),
                                 (dtype, _DTYPES, "dtype"), (compute_dtype, _DTYPES, "compute_dtype"),
                                 (compare_dtype, _DTYPES + ("floatx",), "compare_dtype")):
        check_choice(value, choices, name)


def lr_range_test(x, y, w0, *, lr_min=1e-7, lr_max=10.0, num_steps=100, batch_size=8, dtype=None, lr_dtype="float64"):
    r"""LR range test on least squares with plain mini-batch SGD (no momentum).

    Step :math:`k` (of :math:`n` = ``num_steps``) takes the batch of ``batch_size`` rows starting at row
    :math:`(k\,B) \bmod N` (in order, wrapping around), its loss :math:`L_k(w) = \frac1B \lVert X_b w -
    y_b \rVert^2` and :math:`w_{k+1} = w_k - \eta_k \frac2B X_b^\top (X_b w_k - y_b)` with
    :math:`\eta_k = \eta_{min} (\eta_{max} / \eta_{min})^{k / (n - 1)}`. Returns shape (2, n): row 0 the
    LR applied at each step, row 1 that step's batch loss (before its update), as LR finders plot them.
    Computed in ``dtype`` (``None``: the input's); ``lr_dtype`` is the precision the LRs are evaluated in
    before being rounded to it (torch: float64 Python floats; Keras: float32, its schedule's Python-float
    initial LR; ``None``: the compute dtype).
    """
    check_lr_range(x, y, w0, lr_min, lr_max, num_steps, batch_size)
    check_choice(dtype, _DTYPES, "dtype")
    check_choice(lr_dtype, _DTYPES, "lr_dtype")
    ct = np.dtype(dtype or x.dtype)
    lc = np.dtype(lr_dtype or ct).type
    lrs = (lc(lr_min) * _power(lc(lr_max / lr_min), np.arange(num_steps).astype(lc) / lc(num_steps - 1))).astype(ct)
    X, Y, w = x.astype(ct), y.astype(ct), w0.astype(ct)
    losses = np.empty(num_steps, ct)
    two_over_b, batches = ct.type(2.0 / batch_size), len(X) // batch_size
    for i in range(num_steps):  # SGD is a recursion over steps
        rows = slice(i % batches * batch_size, (i % batches + 1) * batch_size)
        r = X[rows] @ w - Y[rows]
        losses[i] = np.mean(r * r)
        w = w - lrs[i] * (two_over_b * (X[rows].T @ r))
    return np.stack([lrs, losses])


def _power(base, exponent):
    """``base ** exponent`` correctly rounded to its dtype (TensorFlow's float32 pow is; NumPy's SIMD float32
    power can be an ulp off): evaluated in float64 and rounded."""
    exact = np.power(np.asarray(base, np.float64), np.asarray(exponent, np.float64))
    return exact.astype(np.result_type(base, exponent))
