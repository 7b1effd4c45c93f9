"""MLP rows, one per seed network: forward and the gradient w.r.t. the input and every weight and bias.

The networks (``NETWORKS``: layer sizes and one activation per layer) and their weights (``mlp_params``,
drawn once in the NumPy layout) are reusable, e.g. by a training-parity family built on ``mlp_model``.
"""
import numpy as np

import keras_impl.models as k
import reference_numpy.models as n
import torch_impl.models as t

from argchecks import mlp_names

from ..case import Case
from ..conventions.models import LEAKY_NETWORKS
from ..inputs import draw
from .layers import bias, weight

__all__ = ["CASES", "NETWORKS", "BATCHNORM_NETWORKS", "XOR", "mlp_params", "mlp_inputs"]

NETWORKS = {  # concept: (layer sizes, activations); the classifier's last layer gives logits
    "mlp_2_4_1": ((2, 4, 1), ("sigmoid", "sigmoid")),
    "mlp_4_64_32_1": ((4, 64, 32, 1), ("relu", "relu", "sigmoid")),
    "mlp_4_8_4_1": ((4, 8, 4, 1), ("relu", "relu", "sigmoid")),
    "mlp_784_128_64_10": ((784, 128, 64, 10), ("leaky_relu", "leaky_relu", "linear")),
}
# Dense -> BatchNorm (training mode) -> LeakyReLU -> Dense: concept: (sizes, activations, batchnorm per layer)
BATCHNORM_NETWORKS = {"mlp_bn_4_8_1": ((4, 8, 1), ("leaky_relu", "linear"), (True, False))}
XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # the four XOR inputs


def mlp_params(rng, sizes, batchnorm=()):
    """``{"W1": (sizes[0], sizes[1]), "b1": ..., ...}`` in float64: N(0, 1/fan_in) weights, N(0, 1/4) biases; a
    batch-normalised layer's ``gamma_i`` ~ 1 + N(0, 1/16) and ``beta_i`` ~ N(0, 1/4) follow its bias."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"], params[f"b{i}"] = weight(rng, fan_in, fan_out), bias(rng, fan_out)
        if batchnorm and batchnorm[i - 1]:
            params[f"gamma{i}"], params[f"beta{i}"] = 1 + rng.standard_normal(fan_out) / 4, bias(rng, fan_out)
    return params


def mlp_inputs(sizes, batch=4, batchnorm=()):
    """``x`` (batch, sizes[0]) in the regime ("xor": the four XOR points), then ``mlp_params``."""
    def build(rng, regime, dtype, kinks):
        x = XOR if regime == "xor" else draw(rng, regime, (batch, sizes[0]))
        return {name: v.astype(dtype) for name, v in ({"x": x} | mlp_params(rng, sizes, batchnorm)).items()}
    return build


def _row(concept, regimes):
    sizes, activations, batchnorm = BATCHNORM_NETWORKS.get(concept) or (*NETWORKS[concept], ())
    grad_wrt = ("x", *mlp_names(len(activations), batchnorm))
    aligned = {"dtype": None}
    if concept in LEAKY_NETWORKS or batchnorm:
        aligned["negative_slope"] = 0.1
    if batchnorm:
        aligned["eps"] = 1e-4
    required = {"activations": activations} | ({"batchnorm": batchnorm} if batchnorm else {})
    return Case("models", concept, n.mlp_forward, t.mlp_forward, k.mlp_forward,
                inputs=mlp_inputs(sizes, batchnorm=batchnorm), grad_wrt=grad_wrt, aligned=(aligned,), regimes=regimes,
                required=required)


CASES = (
    _row("mlp_2_4_1", ("typical", "large", "xor")),
    _row("mlp_4_64_32_1", ("typical", "large")),
    _row("mlp_4_8_4_1", ("typical", "large")),
    _row("mlp_784_128_64_10", ("typical",)),  # batch 4: 4 x 784 inputs, ~110k weights
    _row("mlp_bn_4_8_1", ("typical", "large")),
)
