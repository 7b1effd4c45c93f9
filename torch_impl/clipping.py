r"""Gradient clipping in PyTorch: ``torch.nn.utils.clip_grad_value_`` / ``clip_grad_norm_`` applied to the
``.grad`` of fresh parameters holding the given gradients; the clipped ``.grad`` is returned. torch's norm
clipping multiplies by ``clamp(max_norm / (total_norm + 1e-6), max=1)``, the total norm being the norm of
the per-tensor norms."""
import torch

from .validation import check_clipping

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm"]


def _clipped(grads, name, clip, threshold, threshold_name):
    """The ``.grad`` of one fresh parameter per gradient (a copy of it) after ``clip(params, threshold)``, one of
    ``torch.nn.utils``'s in-place clippers; the arguments checked first."""
    check_clipping(grads, name, threshold, threshold_name)
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros_like(g))
        p.grad = g.detach().clone()
        params.append(p)
    clip(params, threshold)
    return [p.grad for p in params]


def clip_by_value(g, *, clip_value):
    r""":math:`\mathrm{clip}(g, -v, v)`: ``torch.nn.utils.clip_grad_value_``."""
    (clipped,) = _clipped((g,), "g", torch.nn.utils.clip_grad_value_, clip_value, "clip_value")
    return clipped


def clip_by_norm(g, *, max_norm):
    r""":math:`g \min(c / (\lVert g \rVert + 10^{-6}), 1)`: ``torch.nn.utils.clip_grad_norm_`` on one parameter."""
    (clipped,) = _clipped((g,), "g", torch.nn.utils.clip_grad_norm_, max_norm, "max_norm")
    return clipped


def clip_by_global_norm(*grads, max_norm):
    r"""``torch.nn.utils.clip_grad_norm_`` on one parameter per gradient (one factor from the total norm);
    the clipped gradients raveled and concatenated."""
    clipped = _clipped(grads, "grads", torch.nn.utils.clip_grad_norm_, max_norm, "max_norm")
    return torch.cat([g.reshape(-1) for g in clipped])
