"""One helper for every gradient in torch_impl: a vector-Jacobian product through autograd."""
import torch

from .validation import check_like

__all__ = ["vjp"]


def vjp(fn, primals, dout, constants=(), **kwargs):
    r"""Return ``(out, grads)``: ``out = fn(*primals, *constants, **kwargs)``, ``grads[i]`` = :math:`g^\top \partial\,out/\partial\,primals_i`.

    ``constants`` (targets, labels) are passed after the primals and not differentiated.
    ``dout`` must have the output's shape and dtype (autograd would otherwise raise a RuntimeError,
    or broadcast). Inputs that ``out`` does not depend on get zero gradients.
    """
    leaves = tuple(p.detach().requires_grad_(True) for p in primals)
    out = fn(*leaves, *constants, **kwargs)
    check_like(dout, "dout", out, "the output")
    grads = torch.autograd.grad(out, leaves, grad_outputs=dout, allow_unused=True)
    grads = tuple(torch.zeros_like(p) if g is None else g for p, g in zip(leaves, grads))
    return out.detach(), grads
