r"""Smooth activations in PyTorch (``torch.nn.functional``)."""
import torch
import torch.nn.functional as F

from .validation import check_choice, check_floating

__all__ = ["softplus", "silu", "gelu", "mish"]


def softplus(x, *, beta=1.0):
    r""":math:`\frac{1}{\beta}\log(1+e^{\beta x})`: ``F.softplus`` (returns :math:`x` where :math:`\beta x > 20`, its ``threshold``)."""
    check_floating(x, "x")
    return F.softplus(x, beta=beta)


def silu(x, *, beta=1.0):
    r""":math:`x\,\sigma(\beta x)`: ``F.silu`` for :math:`\beta = 1`; torch has no :math:`\beta`, so otherwise written out."""
    check_floating(x, "x")
    return F.silu(x) if beta == 1.0 else x * torch.sigmoid(beta * x)


def gelu(x, *, approximate="none"):
    r""":math:`x\,\Phi(x)` or its tanh approximation: ``F.gelu(x, approximate=...)`` (default ``"none"``)."""
    check_floating(x, "x")
    check_choice(approximate, ("none", "tanh"), "approximate")
    return F.gelu(x, approximate=approximate)


def mish(x):
    r""":math:`x \tanh(\mathrm{softplus}(x))`: ``F.mish``."""
    check_floating(x, "x")
    return F.mish(x)
