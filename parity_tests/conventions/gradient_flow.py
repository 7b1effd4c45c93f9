"""Gradient-flow conventions: torch (autograd through nn.Linear, nn.BatchNorm1d in training mode, activation
modules, an nn.Module residual stack) vs Keras 3 (tf.GradientTape through Dense, BatchNormalization(training=True),
Activation and Add layers), TF backend. One concept per deep network; the keys are the layers' (dtype, eps).

Each value is checked against the installed frameworks by parity_tests/test_gradient_flow.py.
"""
from . import Source, register
from .layers import BATCHNORM_EPS_SOURCES, layer_pair

__all__ = ["PLAIN_NETWORKS", "BATCHNORM_NETWORKS", "RESIDUAL_NETWORKS", "LOSS_CURVES"]

PLAIN_NETWORKS = ("layer_gradient_norms_sigmoid", "layer_gradient_norms_relu_he")
BATCHNORM_NETWORKS = ("layer_gradient_norms_sigmoid_batchnorm",)
RESIDUAL_NETWORKS = ("layer_gradient_norms_sigmoid_residual",)
LOSS_CURVES = ("sgd_loss_curve",)

_TORCH_API = "torch.autograd.grad of 0.5 * sum(out^2) / N: nn.Linear [-> nn.BatchNorm1d] -> activation module"
_KERAS_API = "tf.GradientTape of 0.5 * sum(out^2) / N: Dense [-> BatchNormalization -> Activation]"

_BATCHNORM_NOTES = {
    "torch": {"eps": "nn.BatchNorm1d(num_features, eps=1e-05); added to the batch variance inside the root",
              "torch.nn.BatchNorm1d.weight": "a fresh layer's weight (gamma) is ones, its bias (beta) zeros",
              "torch.nn.BatchNorm1d.training": "a module is in training mode after construction: batch statistics"},
    "keras": {"eps": "BatchNormalization(epsilon=1e-3); a Python float added in the compute dtype",
              "keras.layers.BatchNormalization.gamma_initializer": "gamma starts at 'ones', beta at 'zeros'",
              "keras.layers.BatchNormalization.training": "batch statistics only when called with training=True "
                                                          "(model.fit, or an explicit training=True)"},
}
_BATCHNORM_SOURCES = {
    "torch": BATCHNORM_EPS_SOURCES["torch"],
    "keras": {**BATCHNORM_EPS_SOURCES["keras"],
              "keras.layers.BatchNormalization.gamma_initializer": Source("keras.layers.BatchNormalization",
                                                                          "gamma_initializer"),
              "keras.layers.BatchNormalization.training": Source("keras.layers.BatchNormalization.call", "training")},
}

for _concept in PLAIN_NETWORKS:
    register(*layer_pair(_concept, f"{_TORCH_API} (an nn.Sequential)", f"{_KERAS_API} (a keras.Sequential)"))

for _concept in BATCHNORM_NETWORKS:
    register(*layer_pair(
        _concept, _TORCH_API, _KERAS_API, hyper={"eps": (1e-5, 1e-3)},
        torch_related={"torch.nn.BatchNorm1d.weight": 1.0, "torch.nn.BatchNorm1d.training": True},
        keras_related={"keras.layers.BatchNormalization.gamma_initializer": "ones",
                       "keras.layers.BatchNormalization.training": None},
        notes=_BATCHNORM_NOTES, sources=_BATCHNORM_SOURCES))

for _concept in RESIDUAL_NETWORKS:
    register(*layer_pair(_concept, f"{_TORCH_API}, h + block(h) in forward",
                         f"{_KERAS_API}, Add()([h, block(h)])"))

for _concept in LOSS_CURVES:
    register(*layer_pair(_concept, "torch.optim.SGD steps of an nn.Sequential on 0.5 * sum(out^2) / N "
                         "[after nn.utils.clip_grad_norm_]", "keras.optimizers.SGD.apply of tf.GradientTape gradients "
                         "of a keras.Sequential [after clip_by_global_norm]"))
