r"""Gradient clipping in PyTorch: ``torch.nn.utils.clip_grad_value_`` / ``clip_grad_norm_`` applied to the
``.grad`` of fresh parameters holding the given gradients; the clipped ``.grad`` is returned. torch's norm
clipping multiplies by ``clamp(max_norm / (total_norm + 1e-6), max=1)``, the total norm being the norm of
the per-tensor norms."""
import torch

from .validation import check_clipping

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm"]


def _parameters(grads):
    """One parameter per gradient, its ``.grad`` a copy of the gradient."""
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros_like(g))
        p.grad = g.detach().clone()
        params.append(p)
    return params


def clip_by_value(g, *, clip_value):
    r""":math:`\mathrm{clip}(g, -v, v)`: ``torch.nn.utils.clip_grad_value_``."""
    check_clipping((g,), "g", clip_value, "clip_value")
    (p,) = _parameters([g])
    torch.nn.utils.clip_grad_value_([p], clip_value)
    return p.grad


def clip_by_norm(g, *, max_norm):
    r""":math:`g \min(c / (\lVert g \rVert + 10^{-6}), 1)`: ``torch.nn.utils.clip_grad_norm_`` on one parameter."""
    check_clipping((g,), "g", max_norm, "max_norm")
    (p,) = _parameters([g])
    torch.nn.utils.clip_grad_norm_([p], max_norm)
    return p.grad


def clip_by_global_norm(*grads, max_norm):
    r"""``torch.nn.utils.clip_grad_norm_`` on one parameter per gradient (one factor from the total norm);
    the clipped gradients raveled and concatenated."""
    check_clipping(grads, "grads", max_norm, "max_norm")
    params = _parameters(grads)
    torch.nn.utils.clip_grad_norm_(params, max_norm)
    return torch.cat([p.grad.reshape(-1) for p in params])
