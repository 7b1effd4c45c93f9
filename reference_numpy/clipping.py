r"""Gradient clipping from scratch (forward only): the clipped gradient, in the gradient's dtype.

By norm, both frameworks scale :math:`g` by :math:`\min(c / (\lVert g \rVert + \epsilon), 1)` up to
rounding, with :math:`\lVert g \rVert = \sqrt{\sum g^2}` computed naively in the gradient's dtype (squares
may overflow to inf, or underflow to 0). Switches (recorded conventions):

- ``eps``: torch's ``clip_grad_norm_`` adds ``1e-6`` to the norm, so a gradient exactly at the threshold is
  still scaled by :math:`c / (c + 10^{-6})`; Keras (``clip_by_norm``: :math:`g c / \max(\lVert g \rVert,
  c)`; ``clip_by_global_norm``: :math:`c \min(1 / \lVert g \rVert, 1 / c)`) adds nothing.
- ``nonfinite_norm`` (global norm): ``"zero"`` -- an infinite norm gives the factor
  :math:`c / \infty = 0` (torch); ``"nan"`` -- Keras adds :math:`\lVert g \rVert - \lVert g \rVert` to the
  factor on purpose, so a non-finite norm makes every gradient NaN.
"""
import numpy as np

from .validation import check_choice, check_clipping

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm"]


def _norm(g):
    """:math:`\\sqrt{\\sum g^2}` in ``g``'s dtype (squares overflow and underflow as they do there)."""
    with np.errstate(over="ignore"):
        return np.sqrt(np.sum(g * g, dtype=g.dtype))


def _factor(norm, max_norm, eps, nonfinite_norm):
    r""":math:`\min(c / (n + \epsilon), 1)`, in the norm's dtype, optionally made NaN by a non-finite norm."""
    check_choice(nonfinite_norm, ("zero", "nan"), "nonfinite_norm")
    c = norm.dtype.type
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.minimum(c(max_norm) / (norm + c(eps)), c(1))
        return factor + (norm - norm) if nonfinite_norm == "nan" else factor


def clip_by_value(g, *, clip_value):
    r""":math:`\mathrm{clip}(g, -v, v)` element-wise."""
    check_clipping((g,), "g", clip_value, "clip_value")
    c = g.dtype.type
    return np.clip(g, c(-clip_value), c(clip_value))


def clip_by_norm(g, *, max_norm, eps=1e-6):
    r""":math:`g \min(c / (\lVert g \rVert + \epsilon), 1)`: one tensor's own L2 norm (Keras's per-variable
    ``clipnorm``; torch's ``clip_grad_norm_`` on a single parameter)."""
    check_clipping((g,), "g", max_norm, "max_norm")
    return g * _factor(_norm(g), max_norm, eps, "zero")


def clip_by_global_norm(*grads, max_norm, eps=1e-6, nonfinite_norm="zero"):
    r"""Every gradient scaled by one factor, :math:`\min(c / (\lVert G \rVert + \epsilon), 1)` with
    :math:`\lVert G \rVert^2 = \sum_i \lVert g_i \rVert^2`. Returns the clipped gradients raveled and
    concatenated in argument order, shape :math:`(\sum_i |g_i|,)`."""
    check_clipping(grads, "grads", max_norm, "max_norm")
    norms = np.stack([_norm(g) for g in grads])
    factor = _factor(_norm(norms), max_norm, eps, nonfinite_norm)
    return np.concatenate([(g * factor).ravel() for g in grads])
