"""MLP conventions: torch (nn.Sequential of nn.Linear and activation modules) vs Keras 3 (keras.Sequential of
Dense layers, keras.layers.LeakyReLU), TF backend. One concept per seed network.

Each value is checked against the installed frameworks by parity_tests/test_models.py.
"""
from . import Source, register
from .layers import BATCHNORM_EPS_NOTES, BATCHNORM_EPS_SOURCES, layer_pair

__all__ = ["PLAIN_NETWORKS", "LEAKY_NETWORKS", "BATCHNORM_NETWORKS"]

PLAIN_NETWORKS = ("mlp_2_4_1", "mlp_4_64_32_1", "mlp_4_8_4_1")  # sigmoid / relu: only the compute dtype differs
LEAKY_NETWORKS = ("mlp_784_128_64_10",)  # LeakyReLU hidden layers: the slope's default and precision differ
BATCHNORM_NETWORKS = ("mlp_bn_4_8_1",)  # Dense -> BatchNorm -> LeakyReLU -> Dense: epsilon's default differs too

_TORCH_API, _KERAS_API = "nn.Sequential(nn.Linear, activation modules)", "keras.Sequential(Dense, ...)"

for _concept in PLAIN_NETWORKS:
    register(*layer_pair(_concept, _TORCH_API, _KERAS_API))

_LEAKY = dict(
    torch_formula={"constant_dtype": None}, keras_formula={"constant_dtype": "float32"},
    torch_related={"torch.nn.functional.leaky_relu.negative_slope": 0.01},
    keras_related={"keras.layers.Dense(activation='leaky_relu').negative_slope": 0.2})
_LEAKY_SOURCES = {
    "torch": {"negative_slope": Source("torch.nn.LeakyReLU", "negative_slope"),
              "torch.nn.functional.leaky_relu.negative_slope": Source("torch.nn.functional.leaky_relu",
                                                                      "negative_slope")},
    "keras": {"negative_slope": Source("keras.layers.LeakyReLU", "negative_slope"),
              "keras.layers.Dense(activation='leaky_relu').negative_slope":
                  Source("keras.activations.leaky_relu", "negative_slope")}}
_LEAKY_NOTES = {
    "torch": {"negative_slope": "nn.LeakyReLU(negative_slope=0.01)",
              "constant_dtype": "the slope is a double scalar, applied in the input dtype",
              "torch.nn.functional.leaky_relu.negative_slope": "the functional form has the same default"},
    "keras": {"negative_slope": "keras.layers.LeakyReLU(negative_slope=0.3)",
              "constant_dtype": "the layer calls tf.nn.leaky_relu, whose alpha is a float32 op attribute, "
                                "even for float64 inputs",
              "keras.layers.Dense(activation='leaky_relu').negative_slope":
                  "the activation string means keras.activations.leaky_relu, default 0.2"}}

for _concept in LEAKY_NETWORKS:
    register(*layer_pair(_concept, _TORCH_API, _KERAS_API, hyper={"negative_slope": (0.01, 0.3)}, **_LEAKY,
                         sources=_LEAKY_SOURCES, notes=_LEAKY_NOTES))

for _concept in BATCHNORM_NETWORKS:
    register(*layer_pair(
        _concept, "nn.Sequential(nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, nn.Linear)",
        "keras.Sequential(Dense, BatchNormalization, LeakyReLU, Dense)",
        hyper={"negative_slope": (0.01, 0.3), "eps": (1e-5, 1e-3)}, **_LEAKY,
        sources={fw: _LEAKY_SOURCES[fw] | BATCHNORM_EPS_SOURCES[fw] for fw in ("torch", "keras")},
        notes={fw: _LEAKY_NOTES[fw] | BATCHNORM_EPS_NOTES[fw] for fw in ("torch", "keras")}))
