r"""Element-wise activations with hand-written backward passes (vector-Jacobian products).

Every ``<name>_backward(dout, x, ...)`` returns ``dout * f'(x)`` (or a tuple for several inputs).
Switches that reproduce one framework's formula are keyword-only and documented per function;
the harness reads their values from ``parity_tests/conventions``. ``sigmoid_grad_from_output`` and
``tanh_grad_from_output`` (the VJP from the forward's output, for a network that keeps it) are shared with
:mod:`reference_numpy.models`; they are not part of the mirrored API.
"""
import numpy as np

from .validation import check_alpha, check_choice, check_floating, check_like, check_ndim, check_number, constant

__all__ = ["step", "sigmoid", "tanh", "hard_sigmoid", "relu", "leaky_relu", "prelu", "elu", "selu"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_CONSTANT_DTYPES = (None, "float32")
_KINK_SIDES = ("left", "right", "zero")


def step(x):
    r"""Heaviside step of the perceptron (forward only; its derivative is 0 almost everywhere).

    .. math:: H(x) = 1 \text{ if } x \ge 0 \text{ else } 0
    """
    check_floating(x, "x")
    return (x >= 0).astype(x.dtype)  # (...)


def sigmoid(x):
    r"""Logistic sigmoid, evaluated without overflow for large :math:`|x|`.

    .. math:: \sigma(x) = 1 / (1 + e^{-x}) = e^{\min(x, 0)} / (1 + e^{-|x|})
    """
    check_floating(x, "x")
    numerator = np.exp(np.minimum(x, 0))  # (...) 1 for x >= 0, e^x below: never overflows
    return numerator / (1 + np.exp(-np.abs(x)))  # (...) 1/(1 + e^-x) for x >= 0, e^x/(1 + e^x) below


def sigmoid_backward(dout, x):
    r""".. math:: \partial L/\partial x = g \, \sigma(x) (1 - \sigma(x))"""
    check_like(dout, "dout", x, "x")
    return sigmoid_grad_from_output(dout, sigmoid(x))


def sigmoid_grad_from_output(dout, s):
    """:func:`sigmoid_backward` from the forward's output ``s`` (a network keeps it: no second exp)."""
    return dout * s * (1 - s)


def tanh(x):
    r""".. math:: \tanh(x) = (e^{x} - e^{-x}) / (e^{x} + e^{-x})"""
    check_floating(x, "x")
    return np.tanh(x)


def tanh_backward(dout, x):
    r""".. math:: \partial L/\partial x = g \, (1 - \tanh^2 x)"""
    check_like(dout, "dout", x, "x")
    return tanh_grad_from_output(dout, np.tanh(x))


def tanh_grad_from_output(dout, t):
    """:func:`tanh_backward` from the forward's output ``t`` (a network keeps it: no second tanh)."""
    return dout * (1 - t * t)


def hard_sigmoid(x):
    r"""Piecewise-linear sigmoid, in the form both torch and Keras 3 use.

    .. math:: \mathrm{hard\_sigmoid}(x) = \mathrm{relu6}(x + 3) / 6 = \min(\max(x + 3, 0), 6) / 6
    """
    check_floating(x, "x")
    return np.clip(x + 3, 0, 6) / 6


def hard_sigmoid_backward(dout, x):
    r"""Slope 1/6 on the open interval :math:`-3 < x < 3`, 0 elsewhere (0 at the kinks ±3).

    .. math:: \partial L/\partial x = g \, [\,-3 < x < 3\,] / 6
    """
    check_like(dout, "dout", x, "x")
    return dout * ((x > -3) & (x < 3)) / 6


def relu(x):
    r""".. math:: \mathrm{relu}(x) = \max(x, 0)"""
    check_floating(x, "x")
    return np.maximum(x, 0)


def relu_backward(dout, x):
    r"""The gradient at the kink :math:`x = 0` is 0 (both frameworks use :math:`[x > 0]`).

    .. math:: \partial L/\partial x = g \, [x > 0]
    """
    check_like(dout, "dout", x, "x")
    return dout * (x > 0)


_GRADS_AT_ZERO = ("slope", "one")


def _leaky_slope(x, s, grad_at_zero="slope"):
    """Leaky ReLU's local slope, in ``x``'s dtype: 1 where ``x > 0`` (``x >= 0`` with ``grad_at_zero="one"``),
    ``s`` elsewhere (NaN included). Exact (1 + s*0 is 1, 0 + s*1 is s; only a slope of -0.0 becomes +0.0, a zero's
    sign), so ``x * slope`` is bit for bit ``np.where(x > 0, x, s * x)`` without its per-element branch (several
    times slower on mixed signs)."""
    positive = x > 0 if grad_at_zero == "slope" else x >= 0  # (...)
    return positive + s * ~positive  # (...)


def leaky_relu(x, *, negative_slope=0.01, constant_dtype=None, grad_at_zero="slope"):
    r"""Leaky ReLU.

    .. math:: f(x) = x \text{ if } x > 0 \text{ else } s \, x, \quad s = \text{negative\_slope}

    ``constant_dtype="float32"`` rounds ``s`` through float32 before use: TensorFlow passes the
    slope as a float32 op attribute, so Keras uses ``float32(0.2)`` even on float64 inputs. ``grad_at_zero``:
    the backward's slope at :math:`x = 0` (the forward is 0 there either way).
    """
    check_floating(x, "x")
    check_number(negative_slope, "negative_slope")
    check_choice(constant_dtype, _CONSTANT_DTYPES, "constant_dtype")
    check_choice(grad_at_zero, _GRADS_AT_ZERO, "grad_at_zero")
    s = constant(negative_slope, x.dtype, constant_dtype)
    return x * _leaky_slope(x, s)  # (...)


def leaky_relu_backward(dout, x, *, negative_slope=0.01, constant_dtype=None, grad_at_zero="slope"):
    r"""At :math:`x = 0` the slope :math:`s` is used with ``grad_at_zero="slope"`` (torch, and TensorFlow, test
    :math:`x > 0`), 1 with ``"one"`` (``jax.nn.leaky_relu`` is ``where(x >= 0, x, s x)``).

    .. math:: \partial L/\partial x = g \, ([x > 0] + s \, [x \le 0])
    """
    check_like(dout, "dout", x, "x")
    check_choice(constant_dtype, _CONSTANT_DTYPES, "constant_dtype")
    check_choice(grad_at_zero, _GRADS_AT_ZERO, "grad_at_zero")
    s = constant(negative_slope, x.dtype, constant_dtype)
    return dout * _leaky_slope(x, s, grad_at_zero)  # (...)


def prelu(x, alpha):
    r"""Parametric ReLU on ``x`` of shape (N, C) with a learnable slope per channel (or shared).

    .. math:: f(x)_{nc} = x_{nc} \text{ if } x_{nc} > 0 \text{ else } \alpha_c \, x_{nc}
    """
    check_floating(x, "x")
    check_ndim(x, 2, "x")
    check_alpha(alpha, x)
    return np.where(x > 0, x, alpha * x)  # (N, C); alpha broadcasts over N


def prelu_backward(dout, x, alpha, *, grad_at_zero="left"):
    r"""Gradients w.r.t. ``x`` and ``alpha``.

    .. math:: \partial L/\partial x = g \, ([x > 0] + \alpha [x < 0] + c_0 [x = 0]), \quad
              \partial L/\partial \alpha_c = \sum_n g_{nc} \min(x_{nc}, 0)

    ``grad_at_zero`` picks :math:`c_0`: ``"left"`` (:math:`\alpha`, torch), ``"right"`` (1), or
    ``"zero"`` (0: Keras computes :math:`\mathrm{relu}(x) - \alpha\,\mathrm{relu}(-x)` and both relus
    have derivative 0 at 0).
    """
    check_like(dout, "dout", x, "x")
    check_alpha(alpha, x)
    check_choice(grad_at_zero, _KINK_SIDES, "grad_at_zero")
    at_zero = {"left": alpha * dout, "right": dout, "zero": np.zeros_like(dout)}[grad_at_zero]
    dx = np.where(x > 0, dout, np.where(x < 0, alpha * dout, at_zero))  # (N, C)
    dalpha = (dout * np.minimum(x, 0)).sum(axis=0)  # (C,)
    dalpha = dalpha.sum(keepdims=True) if alpha.size == 1 else dalpha  # (1,) when shared
    return dx, dalpha.reshape(alpha.shape).astype(alpha.dtype)


def _expm1(x, exp_form):
    check_choice(exp_form, ("expm1", "exp_minus_1"), "exp_form")
    return np.expm1(x) if exp_form == "expm1" else np.exp(x) - 1


def elu(x, *, alpha=1.0, exp_form="expm1"):
    r"""Exponential linear unit.

    .. math:: f(x) = x \text{ if } x > 0 \text{ else } \alpha (e^{x} - 1)

    ``exp_form="exp_minus_1"`` evaluates :math:`e^x - 1` literally, as TensorFlow's kernel does:
    it returns 0 instead of :math:`x` for :math:`|x|` below half an ulp of 1; ``"expm1"`` (torch) is
    accurate there.
    """
    check_floating(x, "x")
    check_number(alpha, "alpha")
    return np.where(x > 0, x, alpha * _expm1(np.minimum(x, 0), exp_form))


def elu_backward(dout, x, *, alpha=1.0):
    r"""At :math:`x = 0` the left derivative :math:`\alpha` is used by both frameworks.

    .. math:: \partial L/\partial x = g \, ([x > 0] + \alpha e^{x} [x \le 0])
    """
    check_like(dout, "dout", x, "x")
    return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0)))


def selu(x, *, exp_form="expm1"):
    r"""Scaled ELU with the fixed self-normalising constants :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733`.

    .. math:: f(x) = \lambda x \text{ if } x > 0 \text{ else } \lambda \alpha (e^{x} - 1)

    ``exp_form`` as in :func:`elu`.
    """
    check_floating(x, "x")
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * _expm1(np.minimum(x, 0), exp_form))


def selu_backward(dout, x, *, exp_form="expm1", grad_branch="input"):
    r""".. math:: \partial L/\partial x = g \lambda \, (\alpha e^{x} \text{ on the negative branch, else } 1)

    ``grad_branch`` decides which elements are on the negative branch: ``"input"`` tests
    :math:`x \le 0` (torch; so :math:`x = 0` gets :math:`\lambda\alpha`); ``"output"`` tests
    :math:`\mathrm{selu}(x) < 0` (TensorFlow's SeluGrad only sees the output): where the output is 0 --
    at :math:`x = 0`, and for tiny :math:`|x|` when ``exp_form="exp_minus_1"`` -- the slope is :math:`\lambda`.
    """
    check_like(dout, "dout", x, "x")
    check_choice(grad_branch, ("input", "output"), "grad_branch")
    negative = (x <= 0) if grad_branch == "input" else (selu(x, exp_form=exp_form) < 0)
    return dout * SELU_SCALE * np.where(negative, SELU_ALPHA * np.exp(np.minimum(x, 0)), 1)
