r"""Element-wise activations in PyTorch (``torch`` / ``torch.nn.functional``), as a user calls them.

A hyperparameter not passed (``DEFAULT``) is left out of the torch call, so torch's own default applies;
``parity_tests/conventions`` records the values.
"""
import torch
import torch.nn.functional as F

from .defaults import DEFAULT, given
from .validation import check_alpha, check_floating, check_ndim, check_number

__all__ = ["step", "sigmoid", "tanh", "hard_sigmoid", "relu", "leaky_relu", "prelu", "elu", "selu"]


def step(x):
    r"""Heaviside step, :math:`H(0) = 1`: ``torch.heaviside(x, values=1)``."""
    check_floating(x, "x")
    return torch.heaviside(x, torch.ones((), dtype=x.dtype))


def sigmoid(x):
    r""":math:`\sigma(x) = 1/(1+e^{-x})`: ``torch.sigmoid``."""
    check_floating(x, "x")
    return torch.sigmoid(x)


def tanh(x):
    r""":math:`\tanh x`: ``torch.tanh``."""
    check_floating(x, "x")
    return torch.tanh(x)


def hard_sigmoid(x):
    r""":math:`\mathrm{relu6}(x+3)/6`: ``F.hardsigmoid`` (gradient 0 at the kinks ±3)."""
    check_floating(x, "x")
    return F.hardsigmoid(x)


def relu(x):
    r""":math:`\max(x, 0)`: ``F.relu`` (gradient 0 at 0)."""
    check_floating(x, "x")
    return F.relu(x)


def leaky_relu(x, *, negative_slope=DEFAULT):
    r""":math:`x` if :math:`x > 0` else :math:`s x`: ``F.leaky_relu`` (torch's default slope, 0.01 in torch 2.13)."""
    check_floating(x, "x")
    check_number(negative_slope, "negative_slope")
    return F.leaky_relu(x, **given(negative_slope=negative_slope))


def prelu(x, alpha):
    r"""PReLU on (N, C) with slope ``alpha`` of shape (), (1,) or (C,): ``F.prelu`` (channel dim 1).

    torch's backward uses the slope :math:`\alpha` at :math:`x = 0` (it tests :math:`x > 0`).
    """
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_alpha(alpha, x)
    return F.prelu(x, alpha.reshape(-1))


def elu(x, *, alpha=DEFAULT):
    r""":math:`x` if :math:`x > 0` else :math:`\alpha\,\mathrm{expm1}(x)`: ``F.elu`` (torch's default
    :math:`\alpha`, 1.0 in torch 2.13)."""
    check_floating(x, "x")
    check_number(alpha, "alpha")
    return F.elu(x, **given(alpha=alpha))


def selu(x):
    r""":math:`\lambda x` if :math:`x > 0` else :math:`\lambda\alpha\,\mathrm{expm1}(x)`: ``F.selu`` (backward: negative branch where :math:`x \le 0`)."""
    check_floating(x, "x")
    return F.selu(x)
