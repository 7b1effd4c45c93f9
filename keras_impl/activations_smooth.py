r"""Smooth activations in Keras 3 (``keras.activations``)."""
import keras

from .defaults import DEFAULT, given
from .validation import check_choice, check_floating, check_number

__all__ = ["softplus", "silu", "gelu", "mish"]


def softplus(x, *, beta=1.0):  # no Keras default: keras.activations.softplus has no beta (torch's knob)
    r""":math:`\frac{1}{\beta}\log(1+e^{\beta x})`: ``keras.activations.softplus`` has no :math:`\beta`,
    so :math:`\beta \ne 1` is ``softplus(beta * x) / beta``. TF switches to :math:`x` / :math:`e^x` at :math:`\mp(\log\epsilon + 2)`."""
    check_floating(x, "x")
    check_number(beta, "beta", low=0.0, low_open=True)
    return keras.activations.softplus(x) if beta == 1.0 else keras.activations.softplus(beta * x) / beta


def silu(x, *, beta=1.0):  # no Keras default: keras.activations.silu has no beta (the swish generalisation)
    r""":math:`x\,\sigma(\beta x)`: ``keras.activations.silu`` for :math:`\beta = 1`; otherwise written out."""
    check_floating(x, "x")
    check_number(beta, "beta")
    return keras.activations.silu(x) if beta == 1.0 else x * keras.activations.sigmoid(beta * x)


def gelu(x, *, approximate=DEFAULT):
    r""":math:`x\,\Phi(x)` or its tanh approximation: ``keras.activations.gelu(x, approximate=bool)``
    (``"none"`` is False, ``"tanh"`` True; not passed, Keras's default: exact in Keras 3.15 -- note
    ``keras.ops.gelu`` defaults to the tanh form)."""
    check_floating(x, "x")
    check_choice(approximate, ("none", "tanh"), "approximate")
    flag = DEFAULT if approximate is DEFAULT else approximate == "tanh"
    return keras.activations.gelu(x, **given(approximate=flag))


def mish(x):
    r""":math:`x \tanh(\mathrm{softplus}(x))`: ``keras.activations.mish``."""
    check_floating(x, "x")
    return keras.activations.mish(x)
