r"""Smooth activations (softplus family and GELU) with hand-written backward passes."""
import math

import numpy as np
from scipy.special import erf

from .activations import sigmoid
from .validation import check_choice, check_floating, check_like, check_number

__all__ = ["softplus", "silu", "gelu", "mish"]

# Python floats, not NumPy scalars: a np.float64 constant would promote float32 inputs.
_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def _tf_softplus_cutoff(dtype):
    """TensorFlow's softplus switches to ``x`` above ``-t`` and to ``exp(x)`` below ``t``."""
    return float(np.log(np.finfo(dtype).eps) + 2)  # float32: -13.94, float64: -34.04


def softplus(x, *, beta=1.0, threshold=20.0):
    r"""Softplus with sharpness :math:`\beta`.

    .. math:: f(x) = \frac{1}{\beta} \log(1 + e^{\beta x})

    ``threshold`` (torch): return :math:`x` where :math:`\beta x >` threshold.
    ``threshold=None`` (TensorFlow): return :math:`\beta x` above :math:`-t` and :math:`e^{\beta x}`
    below :math:`t`, :math:`t = \log(\epsilon_{dtype}) + 2`, then divide by :math:`\beta`.
    """
    check_floating(x, "x")
    check_number(beta, "beta", low=0.0, low_open=True)
    z = beta * x  # (...)
    if threshold is None:
        t = _tf_softplus_cutoff(x.dtype)
        ez = np.exp(np.minimum(z, -t))  # clipped: the branch that needs exp never overflows
        return np.where(z > -t, z, np.where(z < t, ez, np.log1p(ez))) / beta
    return np.where(z > threshold, x, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def softplus_backward(dout, x, *, beta=1.0, threshold=20.0):
    r"""torch uses slope 1 where :math:`\beta x >` threshold; TensorFlow never switches (``None``).

    .. math:: \partial L/\partial x = g \, \sigma(\beta x)
    """
    check_like(dout, "dout", x, "x")
    s = sigmoid(beta * x)
    return dout * (s if threshold is None else np.where(beta * x > threshold, 1, s))


def silu(x, *, beta=1.0):
    r"""SiLU / swish with slope :math:`\beta` (torch and Keras ship only :math:`\beta = 1`).

    .. math:: f(x) = x \, \sigma(\beta x)
    """
    check_floating(x, "x")
    check_number(beta, "beta")
    return x * sigmoid(beta * x)


def silu_backward(dout, x, *, beta=1.0):
    r""".. math:: \partial L/\partial x = g \, (\sigma(\beta x) + \beta x \, \sigma(\beta x)(1 - \sigma(\beta x)))"""
    check_like(dout, "dout", x, "x")
    s = sigmoid(beta * x)
    return dout * (s + beta * x * s * (1 - s))


def gelu(x, *, approximate="none"):
    r"""Gaussian error linear unit, exact or with the tanh approximation.

    .. math:: \mathrm{none}: \; x \, \Phi(x) = \tfrac{x}{2}(1 + \mathrm{erf}(x/\sqrt{2})), \qquad
              \mathrm{tanh}: \; \tfrac{x}{2}(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715 x^3)))
    """
    check_floating(x, "x")
    check_choice(approximate, ("none", "tanh"), "approximate")
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)))
    return 0.5 * x * (1 + erf(x / _SQRT_2))


def gelu_backward(dout, x, *, approximate="none"):
    r""".. math:: \mathrm{none}: \; g(\Phi(x) + x\,\varphi(x)), \qquad
              \mathrm{tanh}: \; g(\tfrac{1}{2}(1 + t) + \tfrac{x}{2}(1 - t^2)\sqrt{2/\pi}(1 + 3 \cdot 0.044715 x^2))
    """
    check_like(dout, "dout", x, "x")
    check_choice(approximate, ("none", "tanh"), "approximate")
    if approximate == "tanh":
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x**2)
        return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
    pdf = np.exp(-0.5 * x * x) / _SQRT_2PI
    return dout * (0.5 * (1 + erf(x / _SQRT_2)) + x * pdf)


def mish(x):
    r""".. math:: \mathrm{mish}(x) = x \tanh(\mathrm{softplus}(x)), \quad \mathrm{softplus}(x) = \log(1 + e^{x})"""
    check_floating(x, "x")
    return x * np.tanh(np.logaddexp(0, x))


def mish_backward(dout, x):
    r""".. math:: \partial L/\partial x = g \, (\tanh s + x (1 - \tanh^2 s) \, \sigma(x)), \quad s = \mathrm{softplus}(x)"""
    check_like(dout, "dout", x, "x")
    t = np.tanh(np.logaddexp(0, x))
    return dout * (t + x * (1 - t * t) * sigmoid(x))
