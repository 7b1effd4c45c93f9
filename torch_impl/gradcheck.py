r"""Gradient checking as a user tool: autograd against central differences, on torch tensors.

``f(params) -> loss``: ``params`` is a dict of float tensors (one dtype, float32 or float64) and ``loss`` a
0-d tensor built from them with torch ops; the analytic gradients come from ``torch.autograd.grad``
(zeros for a parameter the loss does not use). The numeric ones perturb each element alone, both ways, by
:math:`h_j = \epsilon \max(|p_j|, 1)` (evaluated under ``torch.no_grad``):

.. math:: \hat g_j = \frac{L(p + h_j e_j) - L(p - h_j e_j)}{(p_j + h_j) - (p_j - h_j)}

An element passes when :math:`|g_j - \hat g_j| \le \mathrm{atol} + \mathrm{rtol}\,|\hat g_j|`. Defaults:
float64 :math:`\epsilon = 10^{-6}` (truncation and rounding far below the tolerance), float32
:math:`\epsilon = \varepsilon_{32}^{1/3}` (balances truncation :math:`h^2` against rounding
:math:`\varepsilon_{32}/h`); atol, rtol ``1e-5, 1e-3`` (``torch.autograd.gradcheck``'s) in float64,
``1e-3, 1e-2`` in float32 (about 20x its error). Unlike ``torch.autograd.gradcheck`` (a fixed
``eps=1e-6`` meant for float64 inputs), the step follows the dtype and the parameter's magnitude.
"""
import torch

# GradcheckResult: the type gradcheck returns, importable from here as before its move to argchecks
from argchecks import GradcheckResult, gradcheck_result, resolve_tolerances  # noqa: F401

from .validation import check_gradcheck

__all__ = ["gradcheck"]

STEPS = {torch.float64: 1e-6, torch.float32: torch.finfo(torch.float32).eps ** (1 / 3)}
TOLERANCES = {torch.float64: (1e-5, 1e-3), torch.float32: (1e-3, 1e-2)}  # (atol, rtol)


def _loss(f, params):
    loss = f(params)
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"f must return a loss tensor, got {type(loss).__name__}")
    if loss.dim() != 0:
        raise ValueError(f"f must return a scalar loss, got shape {tuple(loss.shape)}")
    return loss


def _analytic(f, params):
    """Autograd's gradient of the loss for every parameter, float64 (zeros where the loss does not depend)."""
    leaves = {key: p.detach().clone().requires_grad_(True) for key, p in params.items()}
    loss = _loss(f, leaves)
    if not loss.requires_grad:  # the loss uses no parameter
        return {key: torch.zeros_like(p, dtype=torch.float64) for key, p in leaves.items()}
    grads = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
    return {key: torch.zeros_like(p) if g is None else g for (key, p), g in zip(leaves.items(), grads)}


def _perturbed(p, eps):
    """(plus, minus, width): row j of plus / minus (n, n) is p raveled with element j moved by +h_j / -h_j."""
    flat = p.reshape(-1)  # (n,)
    h = eps * torch.clamp(flat.abs(), min=1)  # (n,) in p's dtype
    up, down = flat + h, flat - h  # (n,): rounded to p's dtype
    one_hot = torch.eye(flat.numel(), dtype=torch.bool)  # (n, n)
    width = up.double() - down.double()  # (n,): the step actually taken
    return torch.where(one_hot, up, flat), torch.where(one_hot, down, flat), width


@torch.no_grad()
def _numeric(f, params, key, eps):
    """Central differences of the loss for every element of ``params[key]``, float64, its shape."""
    p = params[key]
    plus, minus, width = _perturbed(p, eps)
    losses = [torch.stack([_loss(f, {**params, key: row.reshape(p.shape)}) for row in rows]) for rows in (plus, minus)]
    return ((losses[0].double() - losses[1].double()) / width).reshape(p.shape)  # (...) float64


def _errors(a, n, atol, rtol):
    """(max_abs, max_rel, passed) of analytic ``a`` against numeric ``n`` (float64 tensors)."""
    diff = (a.double() - n).abs()
    rel = torch.where(diff == 0, torch.zeros_like(diff), diff / n.abs())
    return float(diff.max()), float(rel.max()), bool(torch.all(diff <= atol + rtol * n.abs()))


def gradcheck(f, params, *, eps=None, atol=None, rtol=None):
    r"""Compare autograd's gradients of ``f(params)`` with central differences; a ``GradcheckResult``.

    ``eps`` is the relative step (:math:`h_j = \epsilon \max(|p_j|, 1)`); ``None`` for eps, atol, rtol
    takes the dtype's default (module docstring).
    """
    dtype = check_gradcheck(f, params, eps, atol, rtol)
    eps, atol, rtol = resolve_tolerances(dtype, eps, atol, rtol, steps=STEPS, tolerances=TOLERANCES)
    analytic = {key: g.detach().double() for key, g in _analytic(f, params).items()}
    numeric = {key: _numeric(f, params, key, eps) for key in params}
    errors = {key: _errors(analytic[key], numeric[key], atol, rtol) for key in params}
    return gradcheck_result(errors, analytic, numeric, eps, atol, rtol)
