r"""Gradient checking as a user tool: a hand-written backward against central differences.

``f(params) -> (loss, grads)``: ``params`` is a dict of float arrays (one dtype, float32 or float64),
``loss`` a scalar (a Python float or a 0-d array) and ``grads`` a dict with the same keys and shapes,
:math:`\partial\,\mathrm{loss} / \partial\,\mathrm{params}[k]`, from the user's backward. Each element is
perturbed alone, both ways, with :math:`h_j = \epsilon \max(|p_j|, 1)`:

.. math:: \hat g_j = \frac{L(p + h_j e_j) - L(p - h_j e_j)}{(p_j + h_j) - (p_j - h_j)}

the denominator being the step actually taken once :math:`p_j \pm h_j` are rounded to the dtype (exact in
float64). An element passes when :math:`|g_j - \hat g_j| \le \mathrm{atol} + \mathrm{rtol}\,|\hat g_j|`.
Defaults per dtype (``None`` picks them):

- float64: :math:`\epsilon = 10^{-6}`: truncation :math:`O(h^2) \approx 10^{-12}` and rounding
  :math:`O(\varepsilon_{64} / h) \approx 10^{-10}` both far below the tolerance;
- float32: :math:`\epsilon = \varepsilon_{32}^{1/3} \approx 4.9 \times 10^{-3}`: balances truncation
  :math:`h^2 |L'''| / 6` against rounding :math:`\varepsilon_{32} |L| / h`, each :math:`\approx
  \varepsilon_{32}^{2/3} \approx 2.4 \times 10^{-5}` for :math:`O(1)` losses;
- atol, rtol: float64 ``1e-5, 1e-3`` (``torch.autograd.gradcheck``'s defaults); float32 ``1e-3, 1e-2``:
  about 20x the float32 error above (the two terms together), room for rounding accumulated inside the
  loss; a wrong derivative is off by :math:`O(|g|)`.

Every perturbed copy of a parameter is built at once, an (n, n) array for n elements (parameters are
small); the loop is over the 2n evaluations of ``f``, a black box.
"""
from collections.abc import Mapping

import numpy as np

# GradcheckResult: the type gradcheck returns, importable from here as before its move to argchecks
from argchecks import GradcheckResult, gradcheck_result, resolve_tolerances  # noqa: F401

from .validation import check_gradcheck

__all__ = ["gradcheck"]

STEPS = {"float64": 1e-6, "float32": float(np.finfo(np.float32).eps) ** (1 / 3)}
TOLERANCES = {"float64": (1e-5, 1e-3), "float32": (1e-3, 1e-2)}  # (atol, rtol)


def _evaluate(f, params, with_grads=False):
    """``f(params)``, checked: (loss as a float, grads as float64 arrays) or the loss alone."""
    out = f(params)
    if not isinstance(out, tuple) or len(out) != 2:
        raise TypeError(f"f must return (loss, grads), got {type(out).__name__}")
    loss, grads = out
    if np.ndim(loss) != 0:
        raise ValueError(f"f must return a scalar loss, got shape {np.shape(loss)}")
    if not with_grads:
        return float(loss)
    if not isinstance(grads, Mapping) or set(grads) != set(params):
        raise ValueError(f"f must return grads with the keys of params {sorted(params)}")
    for key, p in params.items():
        if np.shape(grads[key]) != p.shape:
            raise ValueError(f"f returned grads[{key!r}] of shape {np.shape(grads[key])}; params[{key!r}] is {p.shape}")
    return float(loss), {key: np.asarray(g, dtype=np.float64) for key, g in grads.items()}


def _perturbed(p, eps):
    """(plus, minus, width): row j of plus / minus (n, n) is p raveled with element j moved by +h_j / -h_j."""
    flat = p.reshape(-1)  # (n,)
    h = eps * np.maximum(np.abs(flat), 1)  # (n,) in p's dtype
    up, down = flat + h, flat - h  # (n,): rounded to p's dtype
    one_hot = np.eye(flat.size, dtype=bool)  # (n, n)
    width = up.astype(np.float64) - down.astype(np.float64)  # (n,): the step actually taken
    return np.where(one_hot, up, flat), np.where(one_hot, down, flat), width


def _numeric(f, params, key, eps):
    """Central differences of the loss for every element of ``params[key]``, float64, its shape."""
    p = params[key]
    plus, minus, width = _perturbed(p, eps)
    losses = [[_evaluate(f, {**params, key: row.reshape(p.shape)}) for row in rows] for rows in (plus, minus)]
    return ((np.asarray(losses[0]) - np.asarray(losses[1])) / width).reshape(p.shape)  # (...) float64


def _errors(a, n, atol, rtol):
    """(max_abs, max_rel, passed) of analytic ``a`` against numeric ``n`` (float64 arrays)."""
    diff = np.abs(a - n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.abs(n))
    return float(diff.max()), float(rel.max()), bool(np.all(diff <= atol + rtol * np.abs(n)))


def gradcheck(f, params, *, eps=None, atol=None, rtol=None):
    r"""Compare the gradients ``f`` returns with central differences of its loss; a ``GradcheckResult``.

    ``eps`` is the relative step (:math:`h_j = \epsilon \max(|p_j|, 1)`); ``None`` for eps, atol, rtol
    takes the dtype's default (module docstring).
    """
    dtype = check_gradcheck(f, params, eps, atol, rtol)
    eps, atol, rtol = resolve_tolerances(dtype, eps, atol, rtol, steps=STEPS, tolerances=TOLERANCES)
    _, analytic = _evaluate(f, params, with_grads=True)
    numeric = {key: _numeric(f, params, key, eps) for key in params}
    errors = {key: _errors(analytic[key], numeric[key], atol, rtol) for key in params}
    return gradcheck_result(errors, analytic, numeric, eps, atol, rtol)
