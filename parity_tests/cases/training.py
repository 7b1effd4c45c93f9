"""Training-parity rows: each seed network (cases/models.py) x {SGD, momentum, Adam}, plus one hidden layer
fitting sin(x) on [-pi, pi] (universal approximation). Data are seeded (no download): XOR, a smooth regression
target in (0, 1), a binary rule, a 10-class linear teacher on 784 features, and sin on a grid.

Every run trains ``STEPS`` = 20 steps (epochs x batches per epoch; 4 for the 784-input classifier, whose
110k-weight history is the family's comparison cost) from the same initial weights: short enough
that float32 rounding differences stay near their first-step size, long enough that a wrong backward or update
compounds. Learning rates keep each problem well conditioned (loss decreasing, no saturation).
"""
import numpy as np

import keras_impl.losses_classification as kc
import keras_impl.losses_regression as kr
import keras_impl.optimizers_adam as ka
import keras_impl.optimizers_sgd as ks
import keras_impl.training as k
import reference_numpy.losses_classification as nc
import reference_numpy.losses_regression as nr
import reference_numpy.optimizers_adam as na
import reference_numpy.optimizers_sgd as ns
import reference_numpy.training as n
import torch_impl.losses_classification as tc
import torch_impl.losses_regression as tr
import torch_impl.optimizers_adam as ta
import torch_impl.optimizers_sgd as ts
import torch_impl.training as t

from ..case import Skip
from ..conventions.models import LEAKY_NETWORKS
from ..tolerance import Override
from ..training import Training
from .models import BATCHNORM_NETWORKS, NETWORKS, XOR

__all__ = ["TRAININGS", "DATA", "SIN", "LEARNING_RATES", "STEPS"]

STEPS = 20
MSE = (nr.mse, tr.mse, kr.mse)
CE = (nc.categorical_crossentropy_with_logits, tc.categorical_crossentropy_with_logits,
      kc.categorical_crossentropy_with_logits)
OPTIMIZERS = {"sgd": (ns.sgd, ts.sgd, ks.sgd), "momentum": (ns.sgd, ts.sgd, ks.sgd), "adam": (na.adam, ta.adam, ka.adam)}


def _xor(rng):
    return XOR, np.array([[0.0], [1.0], [1.0], [0.0]])


def _smooth(rng):
    x = rng.standard_normal((32, 4))
    return x, 1 / (1 + np.exp(-(np.sin(x[:, :1]) + x[:, 1:2] * x[:, 2:3])))


def _rule(rng):
    x = rng.standard_normal((16, 4))
    return x, (x[:, :1] * x[:, 1:2] > 0).astype(np.float64)


def _teacher(rng):
    x = rng.standard_normal((16, 784))
    labels = np.argmax(x @ rng.standard_normal((784, 10)) / 28, axis=1)
    return x, np.eye(10)[labels]


def _sin(rng):
    x = np.linspace(-np.pi, np.pi, 64)[:, None]
    return x, np.sin(x)


DATA = {  # network: (data, batch size, epochs): batches x epochs = STEPS
    "mlp_2_4_1": (_xor, 2, 10), "mlp_4_64_32_1": (_smooth, 8, 5), "mlp_4_8_4_1": (_rule, 4, 5),
    "mlp_784_128_64_10": (_teacher, 8, 2), "sin_1_16_1": (_sin, 64, 20), "mlp_bn_4_8_1": (_smooth, 8, 5),
}
SIN = ((1, 16, 1), ("tanh", "linear"))
LEARNING_RATES = {  # network: lr for (sgd, momentum, adam)
    "mlp_2_4_1": (0.5, 0.2, 0.05), "mlp_4_64_32_1": (0.5, 0.1, 0.01), "mlp_4_8_4_1": (0.5, 0.1, 0.01),
    "mlp_784_128_64_10": (0.05, 0.01, 0.001), "sin_1_16_1": (None, None, 0.01), "mlp_bn_4_8_1": (None, None, 0.01),
}


def _aligned(network, rule):
    lr = LEARNING_RATES[network][OPTIMIZERS_ORDER.index(rule)]
    common = {"model.dtype": None, "loss.dtype": None, "loss.reduction": "mean"}
    if network in LEAKY_NETWORKS or network in BATCHNORM_NETWORKS:
        common["model.negative_slope"] = 0.1
    if network in BATCHNORM_NETWORKS:
        common["model.eps"] = 1e-4
    if rule == "adam":
        return {**common, "opt.lr": lr, "opt.eps": 1e-8, "opt.weight_decay": 0.0}
    return {**common, "opt.lr": lr, "opt.weight_decay": 0.0}


OPTIMIZERS_ORDER = ("sgd", "momentum", "adam")


# Adam's first step moves a weight by lr g / (|g| + eps), of slope lr / (4 eps) at |g| = eps: the 100k first-layer
# gradients of the 784-input classifier always include some within a few eps of 0, where the float32 rounding of
# their 8-term batch sums (2 gamma_8 sum|x dz| ~ 1e-9) moves the step by up to ~2.5e-5 -- beyond the float32 atol.
_ADAM_NEAR_ZERO = tuple(Override("Adam step lr g/(|g|+eps) at |g| ~ eps: float32 gradient rounding ~1e-9 times "
                                 "slope lr/(4 eps) = 2.5e4 gives ~2.5e-5; bound 1e-4 (lr/10)", atol=1e-4,
                                 dtype="float32", quantity=q) for q in ("W1", "b1", "W2", "b2", "W3", "b3"))


# A bias feeding batch normalisation has an exact gradient of 0 (BN subtracts the batch mean; the grad_b1 rows hold
# float32 rounding, ~1e-7, and stay held to float32 tolerance): Adam divides it by sqrt(v) + eps with eps <= that
# noise, so every step moves b1 by up to about lr, in a direction rounding sets -- two implementations drift apart by
# up to 2 * STEPS * lr. Nothing downstream depends on b1 (BN removes it), so every other quantity keeps its tolerance.
def _bias_before_batchnorm(network, lr):
    return (Override(f"b1 feeds BatchNorm: exact gradient 0, Adam turns float32 rounding (~1e-7 >= eps) into steps of "
                     f"up to lr, so b1 is determined only to 2 * STEPS * lr = {2 * STEPS * lr:g}", atol=2 * STEPS * lr,
                     dtype="float32", quantity="b1"),) if network in BATCHNORM_NETWORKS else ()


def _row(network, rule, sizes, activations, batchnorm=(), fit=False):
    data, batch_size, epochs = DATA[network]
    fit_skips = (Skip("fit: aligned float64 only (each model.fit compiles its train step, ~0.6 s)", regime="fit",
                      variant="defaults"),
                 Skip("fit: aligned float64 only (each model.fit compiles its train step, ~0.6 s)", regime="fit",
                      dtype="float32"))
    return Training("training", f"{network}/{rule}", n.train, t.train, k.train, sizes, activations,
                    CE if network == "mlp_784_128_64_10" else MSE, OPTIMIZERS[rule], data, batch_size, epochs,
                    required={"opt.momentum": 0.9} if rule == "momentum" else {},
                    aligned=(_aligned(network, rule),), regimes=("tape", "fit") if fit else ("tape",),
                    skips=fit_skips if fit else (), batchnorm=batchnorm,
                    overrides=(_ADAM_NEAR_ZERO if (network, rule) == ("mlp_784_128_64_10", "adam") else ())
                    + _bias_before_batchnorm(network, LEARNING_RATES[network][OPTIMIZERS_ORDER.index(rule)]))


TRAININGS = tuple(_row(net, rule, *NETWORKS[net], fit=rule == "adam") for net in NETWORKS for rule in OPTIMIZERS_ORDER) + (
    _row("sin_1_16_1", "adam", *SIN),) + tuple(
    _row(net, "adam", *BATCHNORM_NETWORKS[net], fit=True) for net in BATCHNORM_NETWORKS)
