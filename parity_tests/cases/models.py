"""MLP rows, one per seed network: forward and the gradient w.r.t. the input and every weight and bias.

The networks (``NETWORKS``: layer sizes and one activation per layer) and their weights (``mlp_params``,
drawn once in the NumPy layout) are reusable, e.g. by a training-parity family built on ``mlp_model``.
"""
import numpy as np

import keras_impl.models as k
import reference_numpy.models as n
import torch_impl.models as t

from ..case import Case
from ..conventions.models import LEAKY_NETWORKS
from ..inputs import draw
from .layers import bias, weight

__all__ = ["CASES", "NETWORKS", "XOR", "mlp_params", "mlp_inputs"]

NETWORKS = {  # concept: (layer sizes, activations); the classifier's last layer gives logits
    "mlp_2_4_1": ((2, 4, 1), ("sigmoid", "sigmoid")),
    "mlp_4_64_32_1": ((4, 64, 32, 1), ("relu", "relu", "sigmoid")),
    "mlp_4_8_4_1": ((4, 8, 4, 1), ("relu", "relu", "sigmoid")),
    "mlp_784_128_64_10": ((784, 128, 64, 10), ("leaky_relu", "leaky_relu", "linear")),
}
XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # the four XOR inputs


def mlp_params(rng, sizes):
    """``{"W1": (sizes[0], sizes[1]), "b1": ..., ...}`` in float64: N(0, 1/fan_in) weights, N(0, 1/4) biases."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"], params[f"b{i}"] = weight(rng, fan_in, fan_out), bias(rng, fan_out)
    return params


def mlp_inputs(sizes, batch=4):
    """``x`` (batch, sizes[0]) in the regime ("xor": the four XOR points), then ``mlp_params``."""
    def build(rng, regime, dtype, kinks):
        x = XOR if regime == "xor" else draw(rng, regime, (batch, sizes[0]))
        return {name: v.astype(dtype) for name, v in ({"x": x} | mlp_params(rng, sizes)).items()}
    return build


def _row(concept, regimes):
    sizes, activations = NETWORKS[concept]
    grad_wrt = ("x",) + tuple(f"{p}{i}" for i in range(1, len(sizes)) for p in "Wb")
    aligned = ({"negative_slope": 0.1, "dtype": None},) if concept in LEAKY_NETWORKS else ({"dtype": None},)
    return Case("models", concept, n.mlp_forward, t.mlp_forward, k.mlp_forward, inputs=mlp_inputs(sizes),
                grad_wrt=grad_wrt, aligned=aligned, regimes=regimes, required={"activations": activations})


CASES = (
    _row("mlp_2_4_1", ("typical", "large", "xor")),
    _row("mlp_4_64_32_1", ("typical", "large")),
    _row("mlp_4_8_4_1", ("typical", "large")),
    _row("mlp_784_128_64_10", ("typical",)),  # batch 4: 4 x 784 inputs, ~110k weights
)
