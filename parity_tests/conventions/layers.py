"""Layer conventions: torch (nn.Linear, nn.BatchNorm1d, an nn.Module residual block) vs Keras 3
(keras.layers.Dense, BatchNormalization, a functional Model with Add), TF backend.

Each value is checked against the installed frameworks by parity_tests/test_layers.py.
"""
from . import Convention as C, Source, register

__all__ = ["TORCH_DTYPE", "KERAS_DTYPE", "BATCHNORM_EPS_NOTES", "BATCHNORM_EPS_SOURCES", "layer_pair"]

TORCH_DTYPE = {"dtype": "torch has no floatx: a module computes in its parameters' dtype, which must match "
                        "the input's (the wrapper builds it so)"}
KERAS_DTYPE = {"dtype": "a Keras layer's dtype policy defaults to floatx ('float32'): float64 weights are stored "
                        "and inputs computed in float32"}


def layer_pair(concept, torch_api, keras_api, *, hyper=None, torch_formula=None, keras_formula=None,
               torch_related=None, keras_related=None, notes=None, sources=None):
    """The torch and keras Conventions of one layer: the compute dtype plus its own keys. ``hyper`` maps a
    key to one value (shared) or a (torch, keras) pair; ``notes`` and ``sources`` are
    ``{"torch": {...}, "keras": {...}}``."""
    hyper, notes, sources = hyper or {}, notes or {}, sources or {}
    torch_hyper = {k: v[0] if isinstance(v, tuple) else v for k, v in hyper.items()}
    keras_hyper = {k: v[1] if isinstance(v, tuple) else v for k, v in hyper.items()}
    return (
        C("torch", concept, torch_api, defaults={"dtype": None, **torch_hyper}, formula=torch_formula or {},
          related=torch_related or {}, notes={**TORCH_DTYPE, **notes.get("torch", {})},
          sources=sources.get("torch", {})),
        C("keras", concept, keras_api, defaults={"dtype": "float32", **keras_hyper}, formula=keras_formula or {},
          related=keras_related or {}, notes={**KERAS_DTYPE, **notes.get("keras", {})},
          sources=sources.get("keras", {})),
    )


BATCHNORM_EPS_NOTES = {
    "torch": {"eps": "nn.BatchNorm1d(num_features, eps=1e-05); added to the variance inside the root"},
    "keras": {"eps": "BatchNormalization(epsilon=1e-3); a Python float added in the compute dtype (no float32 "
                     "rounding in float64)"}}
BATCHNORM_EPS_SOURCES = {"torch": {"eps": Source("torch.nn.BatchNorm1d", "eps")},
                         "keras": {"eps": Source("keras.layers.BatchNormalization", "epsilon")}}

register(
    *layer_pair("dense", "nn.Linear", "keras.layers.Dense",
                torch_related={"torch.nn.Linear.weight.shape": "(out, in)"},
                keras_related={"keras.layers.Dense.kernel.shape": "(in, out)"},
                notes={"torch": {"torch.nn.Linear.weight.shape": "nn.Linear stores W.T; the wrapper passes W.T"},
                       "keras": {"keras.layers.Dense.kernel.shape": "the kernel is W itself (the NumPy layout)"}}),
    *layer_pair("batchnorm", "nn.BatchNorm1d (train)", "keras.layers.BatchNormalization(training=True)",
                hyper={"eps": (1e-5, 1e-3)}, notes=BATCHNORM_EPS_NOTES, sources=BATCHNORM_EPS_SOURCES),
    *layer_pair("batchnorm_inference", "nn.BatchNorm1d (eval)", "keras.layers.BatchNormalization(training=False)",
                hyper={"eps": (1e-5, 1e-3)}, notes=BATCHNORM_EPS_NOTES, sources=BATCHNORM_EPS_SOURCES),
    *layer_pair("batchnorm_running_stats", "nn.BatchNorm1d buffers", "BatchNormalization moving_mean/variance",
                hyper={"momentum": (0.1, 0.99)},
                torch_formula={"momentum_weights": "batch", "var_ddof": 1},
                keras_formula={"momentum_weights": "running", "var_ddof": 0},
                torch_related={"torch.nn.BatchNorm1d.running_var": 1.0},
                keras_related={"keras.layers.BatchNormalization.moving_variance_initializer": "ones"},
                sources={"torch": {"momentum": Source("torch.nn.BatchNorm1d", "momentum")},
                         "keras": {"momentum": Source("keras.layers.BatchNormalization", "momentum"),
                                   "keras.layers.BatchNormalization.moving_variance_initializer":
                                       Source("keras.layers.BatchNormalization", "moving_variance_initializer")}},
                notes={"torch": {"momentum": "nn.BatchNorm1d(momentum=0.1)",
                                 "momentum_weights": "running = (1 - momentum) * running + momentum * batch",
                                 "var_ddof": "the stored batch variance is unbiased: sum / (N - 1)",
                                 "torch.nn.BatchNorm1d.running_var": "running_mean starts at 0, running_var at 1"},
                       "keras": {"momentum": "BatchNormalization(momentum=0.99)",
                                 "momentum_weights": "moving = moving * momentum + batch * (1 - momentum)",
                                 "var_ddof": "the stored batch variance is tf.nn.moments's, biased: sum / N",
                                 "keras.layers.BatchNormalization.moving_variance_initializer":
                                     "moving_mean starts at 0 ('zeros'), moving_variance at 1"}}),
    *layer_pair("residual", "nn.Module: x + Sequential(Linear, ReLU, Linear)(x)",
                "keras.Model: Add()([x, Dense(Dense(x, relu))])"),
)
