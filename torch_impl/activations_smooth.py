r"""Smooth activations in PyTorch (``torch.nn.functional``)."""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, given
from .validation import check_choice, check_floating, check_number

__all__ = ["softplus", "silu", "gelu", "mish"]


def softplus(x, *, beta=DEFAULT):
    r""":math:`\frac{1}{\beta}\log(1+e^{\beta x})`: ``F.softplus`` (torch's default :math:`\beta`, 1 in torch 2.13;
    returns :math:`x` where :math:`\beta x > 20`, its ``threshold``)."""
    check_floating(x, "x")
    check_number(beta, "beta", low=0.0, low_open=True)
    return F.softplus(x, **given(beta=beta))


def silu(x, *, beta=1.0):  # no torch default: F.silu has no beta
    r""":math:`x\,\sigma(\beta x)`: ``F.silu`` for :math:`\beta = 1`; torch has no :math:`\beta`, so otherwise written out."""
    check_floating(x, "x")
    check_number(beta, "beta")
    return F.silu(x) if beta == 1.0 else x * torch.sigmoid(beta * x)


def gelu(x, *, approximate=DEFAULT):
    r""":math:`x\,\Phi(x)` or its tanh approximation: ``F.gelu(x, approximate=...)`` (torch's default,
    ``"none"`` in torch 2.13)."""
    check_floating(x, "x")
    check_choice(approximate, ("none", "tanh"), "approximate")
    return F.gelu(x, **given(approximate=approximate))


def mish(x):
    r""":math:`x \tanh(\mathrm{softplus}(x))`: ``F.mish``."""
    check_floating(x, "x")
    return F.mish(x)
