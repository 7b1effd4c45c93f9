"""Gradient-flow rows (forward only): the per-layer gradient norms of four deep networks, width 32, depth 8,
batch 16: sigmoid with N(0, 1/fan_in) weights (vanishing), ReLU with He's N(0, 2/fan_in) (preserved), and the
sigmoid network with batch normalisation in training mode and with residual connections (the mitigations).
Weights are drawn here with NumPy, biases are zero (both frameworks' default). ``sgd_loss_curve``: the loss of a
small sigmoid/ReLU/linear net over five SGD steps, plain and with the gradients clipped to a global norm."""
import numpy as np

import keras_impl.gradient_flow as k
import reference_numpy.gradient_flow as n
import torch_impl.gradient_flow as t

from ..case import Case
from ..inputs import draw

__all__ = ["CASES", "NETWORKS", "BATCH", "WIDTH", "DEPTH", "CURVE", "deep_params", "deep_inputs"]

BATCH, WIDTH, DEPTH = 16, 32, 8
SIGMOIDS, RELUS = ("sigmoid",) * DEPTH, ("relu",) * DEPTH

NETWORKS = {  # concept: (weight gain: W ~ N(0, gain / fan_in), hyperparameters defining the network)
    "layer_gradient_norms_sigmoid": (1.0, {"activations": SIGMOIDS}),
    "layer_gradient_norms_relu_he": (2.0, {"activations": RELUS}),
    "layer_gradient_norms_sigmoid_batchnorm": (1.0, {"activations": SIGMOIDS, "batchnorm": True}),
    "layer_gradient_norms_sigmoid_residual": (1.0, {"activations": SIGMOIDS, "residual": True}),
}


def deep_params(rng, gain, *, depth=DEPTH, width=WIDTH):
    """``{"W1": (width, width), "b1": zeros, ...}`` in float64, ``W ~ N(0, gain / fan_in)``."""
    params = {}
    for i in range(1, depth + 1):
        params[f"W{i}"] = np.sqrt(gain / width) * rng.standard_normal((width, width))
        params[f"b{i}"] = np.zeros(width)
    return params


def deep_inputs(gain, *, batch=BATCH, depth=DEPTH, width=WIDTH):
    """``x`` (batch, width) in the regime, then :func:`deep_params`."""
    def build(rng, regime, dtype, kinks):
        values = {"x": draw(rng, regime, (batch, width))} | deep_params(rng, gain, depth=depth, width=width)
        return {name: v.astype(dtype) for name, v in values.items()}
    return build


def _row(concept):
    gain, required = NETWORKS[concept]
    aligned = {"eps": 1e-3, "dtype": None} if required.get("batchnorm") else {"dtype": None}
    return Case("gradient_flow", concept, n.layer_gradient_norms, t.layer_gradient_norms, k.layer_gradient_norms,
                inputs=deep_inputs(gain), grad_wrt=(), aligned=(aligned,), regimes=("typical",), required=required)


CURVE = {"activations": ("sigmoid", "relu", "linear"), "steps": 5, "learning_rate": 0.5}  # depth 3, width 8

CASES = tuple(_row(concept) for concept in NETWORKS) + (
    Case("gradient_flow", "sgd_loss_curve", n.sgd_loss_curve, t.sgd_loss_curve, k.sgd_loss_curve,
         inputs=deep_inputs(1.0, batch=6, depth=3, width=8), grad_wrt=(), regimes=("typical",), required=CURVE,
         aligned=({"dtype": None}, {"dtype": None, "max_norm": 0.5})),
)
