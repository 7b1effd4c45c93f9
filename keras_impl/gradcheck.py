r"""Gradient checking as a user tool: the backend's gradient (``autograd.vjp``: ``tf.GradientTape``, ``jax.vjp``,
``torch.autograd``) against central differences, on Keras tensors.

``f(params) -> loss``: ``params`` is a dict of float tensors (or arrays, or ``keras.Variable``; one dtype,
float32 or float64), passed to ``f`` as tensors, and ``loss`` a 0-d tensor built with ``keras.ops`` (or
Keras losses/layers); the analytic gradients come from the backend (zeros for a parameter the loss does not
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
import keras
import numpy as np
from keras import ops

# GradcheckResult: the type gradcheck returns, importable from here as before its move to argchecks
from argchecks import GradcheckResult, gradcheck_result, resolve_tolerances  # noqa: F401

from .autograd import vjp
from .validation import check_gradcheck

__all__ = ["gradcheck"]

STEPS = {"float64": 1e-6, "float32": float(np.finfo("float32").eps) ** (1 / 3)}
TOLERANCES = {"float64": (1e-5, 1e-3), "float32": (1e-3, 1e-2)}  # (atol, rtol)


def _loss(f, params):
    loss = f(params)
    if not ops.is_tensor(loss):
        raise TypeError(f"f must return a loss tensor, got {type(loss).__name__}")
    if len(loss.shape) != 0:
        raise ValueError(f"f must return a scalar loss, got shape {tuple(loss.shape)}")
    return loss


def _analytic(f, params):
    """The backend's gradient of the loss for every parameter, float64 (zeros where the loss does not depend)."""
    _, grads = vjp(lambda *values: _loss(f, dict(zip(params, values))), tuple(params.values()), None)
    return {key: ops.cast(g, "float64") for key, g in zip(params, grads)}


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
    r"""Compare the backend's gradients of ``f(params)`` with central differences; a ``GradcheckResult``.

    ``eps`` is the relative step (:math:`h_j = \epsilon \max(|p_j|, 1)`); ``None`` for eps, atol, rtol
    takes the dtype's default (module docstring).
    """
    dtype = check_gradcheck(f, params, eps, atol, rtol)
    eps, atol, rtol = resolve_tolerances(dtype, eps, atol, rtol, steps=STEPS, tolerances=TOLERANCES)
    params = {key: p.value if isinstance(p, keras.Variable) else ops.convert_to_tensor(p) for key, p in params.items()}
    analytic = _analytic(f, params)
    numeric = {key: _numeric(f, params, key, eps) for key in params}
    errors = {key: _errors(analytic[key], numeric[key], atol, rtol) for key in params}
    return gradcheck_result(errors, analytic, numeric, eps, atol, rtol)
