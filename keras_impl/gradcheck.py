r"""Gradient checking as a user tool: ``tf.GradientTape`` against central differences, on Keras tensors.

``f(params) -> loss``: ``params`` is a dict of float tensors (or arrays, or ``keras.Variable``; one dtype,
float32 or float64), passed to ``f`` as tensors, and ``loss`` a 0-d tensor built with ``keras.ops`` (or
Keras losses/layers); the analytic gradients come from the tape (zeros for a parameter the loss does not
use). The numeric ones perturb each element alone, both ways, by :math:`h_j = \epsilon \max(|p_j|, 1)`:

.. math:: \hat g_j = \frac{L(p + h_j e_j) - L(p - h_j e_j)}{(p_j + h_j) - (p_j - h_j)}

An element passes when :math:`|g_j - \hat g_j| \le \mathrm{atol} + \mathrm{rtol}\,|\hat g_j|`. Defaults:
float64 :math:`\epsilon = 10^{-6}` (truncation and rounding far below the tolerance), float32
:math:`\epsilon = \varepsilon_{32}^{1/3}` (balances truncation :math:`h^2` against rounding
:math:`\varepsilon_{32}/h`); atol, rtol ``1e-5, 1e-3`` in float64, ``1e-3, 1e-2`` in float32 (about 20x
its error). Unlike ``tf.test.compute_gradient`` (a fixed ``delta = 1/1024`` for every dtype), the step
follows the dtype and the parameter's magnitude. Keras losses compute in floatx: a float64 check of a
loss left at ``dtype=None`` under the float32 default measures float32 rounding, and fails.
"""
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from keras import ops

from .validation import check_gradcheck

__all__ = ["gradcheck"]

STEPS = {"float64": 1e-6, "float32": float(np.finfo("float32").eps) ** (1 / 3)}
TOLERANCES = {"float64": (1e-5, 1e-3), "float32": (1e-3, 1e-2)}  # (atol, rtol)


@dataclass(frozen=True)
class GradcheckResult:
    """``passed``: every parameter passed; per parameter name: ``max_abs`` = max |g - g_hat|, ``max_rel`` =
    max |g - g_hat| / |g_hat| (0/0 = 0, x/0 = inf), ``analytic`` and ``numeric`` gradients (float64
    tensors); ``failed``: the names with an element out of tolerance; ``eps``, ``atol``, ``rtol`` as used."""
    passed: bool
    failed: tuple
    max_abs: dict
    max_rel: dict
    analytic: dict
    numeric: dict
    eps: float
    atol: float
    rtol: float


def _loss(f, params):
    loss = f(params)
    if not ops.is_tensor(loss):
        raise TypeError(f"f must return a loss tensor, got {type(loss).__name__}")
    if len(loss.shape) != 0:
        raise ValueError(f"f must return a scalar loss, got shape {tuple(loss.shape)}")
    return loss


def _analytic(f, params):
    """The tape's gradient of the loss for every parameter, float64 (zeros where the loss does not depend)."""
    with tf.GradientTape() as tape:
        tape.watch(list(params.values()))
        loss = _loss(f, params)
    grads = tape.gradient(loss, list(params.values()), unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return {key: ops.cast(tf.convert_to_tensor(g), "float64") for key, g in zip(params, grads)}  # densify IndexedSlices


def _perturbed(p, eps):
    """(plus, minus, width): row j of plus / minus (n, n) is p raveled with element j moved by +h_j / -h_j."""
    flat = ops.reshape(p, (-1,))  # (n,)
    h = eps * ops.maximum(ops.abs(flat), 1)  # (n,) in p's dtype
    up, down = flat + h, flat - h  # (n,): rounded to p's dtype
    one_hot = ops.cast(ops.eye(flat.shape[0]), "bool")  # (n, n)
    width = ops.cast(up, "float64") - ops.cast(down, "float64")  # (n,): the step actually taken
    return ops.where(one_hot, up, flat), ops.where(one_hot, down, flat), width


def _numeric(f, params, key, eps):
    """Central differences of the loss for every element of ``params[key]``, float64, its shape."""
    p = params[key]
    plus, minus, width = _perturbed(p, eps)
    losses = [ops.stack([_loss(f, {**params, key: ops.reshape(row, p.shape)}) for row in ops.unstack(rows)])
              for rows in (plus, minus)]
    return ops.reshape((ops.cast(losses[0], "float64") - ops.cast(losses[1], "float64")) / width, p.shape)


def _errors(a, n, atol, rtol):
    """(max_abs, max_rel, passed) of analytic ``a`` against numeric ``n`` (float64 tensors)."""
    diff = ops.abs(a - n)
    rel = ops.where(ops.equal(diff, 0), ops.zeros_like(diff), diff / ops.abs(n))
    return float(ops.max(diff)), float(ops.max(rel)), bool(ops.all(diff <= atol + rtol * ops.abs(n)))


def gradcheck(f, params, *, eps=None, atol=None, rtol=None):
    r"""Compare the tape's gradients of ``f(params)`` with central differences; a ``GradcheckResult``.

    ``eps`` is the relative step (:math:`h_j = \epsilon \max(|p_j|, 1)`); ``None`` for eps, atol, rtol
    takes the dtype's default (module docstring).
    """
    dtype = check_gradcheck(f, params, eps, atol, rtol)
    eps = STEPS[dtype] if eps is None else eps
    atol, rtol = (TOLERANCES[dtype][0] if atol is None else atol), (TOLERANCES[dtype][1] if rtol is None else rtol)
    params = {key: tf.convert_to_tensor(p) for key, p in params.items()}  # ops.convert_to_tensor keeps a Variable
    analytic = _analytic(f, params)
    numeric = {key: _numeric(f, params, key, eps) for key in params}
    checks = {key: _errors(analytic[key], numeric[key], atol, rtol) for key in params}
    failed = tuple(key for key, (_, _, ok) in checks.items() if not ok)
    return GradcheckResult(not failed, failed, {key: c[0] for key, c in checks.items()},
                           {key: c[1] for key, c in checks.items()}, analytic, numeric, eps, atol, rtol)
