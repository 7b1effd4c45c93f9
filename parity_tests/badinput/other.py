"""Bad-input rows of the schedules, clipping, initializers, layers, models, perceptron, gradcheck, gradient_flow and
training families for the one table (``table.TABLE``)."""
import functools
import importlib

import keras
import numpy as np
import torch

from .rows import TINY, ULP_ABOVE_1, ULP_BELOW_0, V, X, BadInput, Raw, Same

__all__ = ["ROWS"]

PACKAGES = ("reference_numpy", "torch_impl", "keras_impl")


def _module(package, name):
    return importlib.import_module(f"{package}.{name}")


def _row(family, module, concept, args, kwargs, expected, argument, reason, **fields):
    fns = tuple(getattr(_module(package, module), concept) for package in PACKAGES)
    return BadInput(family, concept, fns, args, kwargs, expected, argument, reason, **fields)


STEPS = np.arange(12)
DECAY = {"lr": 0.1, "step_size": 3, "gamma": 0.5}
G = X[:3, :4].copy()  # a gradient (3, 4)
NAN_G = np.where(G > 1, np.nan, G).astype(np.float32)
FANS = {"fan_in": 4, "fan_out": 3}
W1, B1 = np.linspace(-1, 1, 30, dtype=np.float32).reshape(6, 5), np.zeros(5, np.float32)
W2, B2 = np.linspace(1, -1, 10, dtype=np.float32).reshape(5, 2), np.zeros(2, np.float32)
MLP = (W1, B1, W2, B2)
ACT = {"activations": ("relu", "sigmoid")}
BOOL_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
AND = np.array([0, 0, 0, 1], np.float32)
W0, B0 = np.array([0.1, -0.2], np.float32), np.array(0.05, np.float32)
SQUARE = (np.eye(6, dtype=np.float32), np.zeros(6, np.float32)) * 2
NORMS = {"activations": ("sigmoid", "sigmoid"), "batchnorm": True}
CURVE = {"activations": ("sigmoid", "sigmoid"), "steps": 1, "learning_rate": 0.1}


def _gradcheck_fns():
    """``gradcheck(params, **options).passed`` of Σ w² in each package (the reference's f returns the gradients
    too)."""
    fs = (lambda p: (float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}), lambda p: torch.sum(p["w"] ** 2),
          lambda p: keras.ops.sum(p["w"] ** 2))
    return tuple(lambda params, f=f, tool=_module(pkg, "gradcheck"), **kw: tool.gradcheck(f, params, **kw).passed
                 for f, pkg in zip(fs, PACKAGES))


def _gradcheck(args, kwargs, expected, argument, reason, **fields):
    return BadInput("gradcheck", "gradcheck", _gradcheck_fns(), args, kwargs, expected, argument, reason, **fields)


def _train(package, x, y, **kwargs):
    model = _module(package, "models").mlp_model([W1[:2], B1, W2, B2], activations=("sigmoid", "sigmoid"))
    loss, sgd = _module(package, "losses_regression").mse, _module(package, "optimizers_sgd").sgd
    return _module(package, "training").train(model, loss, sgd(lr=0.1), x, y, **kwargs)


def _training(args, kwargs, expected, argument, reason):
    fns = tuple(functools.partial(_train, package) for package in PACKAGES)
    return BadInput("training", "train", fns, args, kwargs, expected, argument, reason)


XT, YT = Raw(BOOL_X), Raw(np.array([[0.0], [1.0], [1.0], [0.0]], np.float32))  # NumPy data: train takes it

ROWS = (
    # schedules
    _row("schedules", "schedules", "step_decay", (Raw(None),), DECAY, TypeError, "steps", "steps None"),
    _row("schedules", "schedules", "step_decay", (STEPS.astype(np.complex64),), DECAY, TypeError, "steps",
         "complex steps"),
    _row("schedules", "schedules", "step_decay", (STEPS > 3,), DECAY, TypeError, "steps", "bool steps"),
    _row("schedules", "schedules", "step_decay", (STEPS,), {**DECAY, "gamma": "0.5"}, TypeError, "gamma",
         "gamma a string"),
    _row("schedules", "schedules", "step_decay", (STEPS,), {**DECAY, "lr": float("nan")}, ValueError, "lr",
         "lr NaN"),
    _row("schedules", "schedules", "step_decay", (STEPS,), {**DECAY, "gamma": float("inf")}, ValueError, "gamma",
         "gamma infinite"),
    _row("schedules", "schedules", "reduce_on_plateau", (np.zeros(0),), {}, ValueError, "val_loss",
         "empty val_loss"),
    _row("schedules", "schedules", "reduce_on_plateau", (np.linspace(1.0, 0.5, 8),), {"patience": True}, TypeError,
         "patience", "patience a bool"),
    _row("schedules", "schedules", "reduce_on_plateau", (np.linspace(1.0, 0.5, 8),), {"factor": 1.0}, ValueError,
         "factor", "factor 1 (the bound, open)"),
    # clipping
    _row("clipping", "clipping", "clip_by_norm", (G.astype(np.complex64),), {"max_norm": 1.0}, TypeError, "g",
         "complex g"),
    _row("clipping", "clipping", "clip_by_norm", (G,), {"max_norm": None}, TypeError, "max_norm", "max_norm None"),
    _row("clipping", "clipping", "clip_by_value", (G,), {"clip_value": float("inf")}, ValueError, "clip_value",
         "clip_value infinite"),
    _row("clipping", "clipping", "clip_by_value", (G,), {"clip_value": ULP_BELOW_0}, ValueError, "clip_value",
         "clip_value one ulp below 0"),
    _row("clipping", "clipping", "clip_by_global_norm", (G, G.astype(np.complex64)), {"max_norm": 1.0}, TypeError,
         "grads", "complex second gradient"),
    _row("clipping", "clipping", "clip_by_value", (np.array([np.inf, -np.inf, 0.5], np.float32),),
         {"clip_value": 1.0}, Same([1.0, -1.0, 0.5]), "g", "[+inf, -inf, 0.5] -> [1, -1, 0.5]"),
    _row("clipping", "clipping", "clip_by_norm", (np.zeros(0, np.float32),), {"max_norm": 1.0}, Same(np.zeros(0)),
         "g", "empty g -> empty"),
    # initializers
    _row("initializers", "initializers", "glorot_uniform", (), {**FANS, "fan_in": None, "seed": 1}, TypeError,
         "fan_in", "fan_in None"),
    _row("initializers", "initializers", "he_normal", (), {**FANS, "seed": True}, TypeError, "seed", "seed a bool"),
    _row("initializers", "initializers", "random_normal", (), {**FANS, "seed": 1, "mean": float("nan")}, ValueError,
         "mean", "mean NaN"),
    _row("initializers", "initializers", "glorot_normal", (), {**FANS, "seed": 1, "gain": float("inf")}, ValueError,
         "gain", "gain infinite"),
    _row("initializers", "initializers", "glorot_uniform", (), {**FANS, "seed": 1, "gain": 0.0}, ValueError,
         "gain", "gain 0 (the bound, open)"),
    _row("initializers", "initializers", "glorot_normal", (), {**FANS, "seed": 1, "gain": -1.0}, ValueError,
         "gain", "gain negative"),
    _row("initializers", "initializers", "zeros", (), {**FANS, "dtype": "complex64"}, ValueError, "dtype",
         "dtype complex64"),
    # layers
    _row("layers", "layers", "batchnorm_forward", (X, V, V), {"eps": -1.0}, ValueError, "eps",
         "eps negative (was NaN in NumPy and Keras)"),
    _row("layers", "layers", "batchnorm_forward", (X, V, V), {"eps": 0.0}, ValueError, "eps",
         "eps 0 (the bound, open)"),
    _row("layers", "layers", "batchnorm_inference_forward", (X, V, V, V, V), {"eps": ULP_BELOW_0}, ValueError,
         "eps", "eps one ulp below 0, inference"),
    _row("layers", "layers", "batchnorm_forward", (X, V, V), {"eps": "1e-5"}, TypeError, "eps", "eps a string"),
    _row("layers", "layers", "batchnorm_running_stats", (X, V, V), {"momentum": ULP_ABOVE_1}, ValueError,
         "momentum", "momentum one ulp above 1"),
    _row("layers", "layers", "batchnorm_running_stats", (X, V, V), {"momentum": None}, TypeError, "momentum",
         "momentum None"),
    _row("layers", "layers", "dense_forward", (np.array(X[0, 0]), W1, B1), {}, ValueError, "x", "0-d x"),
    _row("layers", "layers", "dense_forward", (X.astype(np.complex64), W1, B1), {}, TypeError, "x", "complex x"),
    # models
    _row("models", "models", "mlp_forward", (X, *MLP), {"activations": "relu"}, TypeError, "activations",
         "activations a string"),
    _row("models", "models", "mlp_forward", (X, *MLP), {"activations": None}, TypeError, "activations",
         "activations None"),
    _row("models", "models", "mlp_forward", (X, *MLP), {"activations": ("leaky_relu", "sigmoid"),
                                                        "negative_slope": "0.1"}, TypeError, "negative_slope",
         "negative_slope a string"),
    _row("models", "models", "mlp_forward", (X[:0], *MLP), ACT, ValueError, "x", "no rows"),
    # perceptron
    _row("perceptron", "perceptron", "perceptron", (BOOL_X, AND, W0, B0), {"lr": None}, TypeError, "lr", "lr None"),
    _row("perceptron", "perceptron", "perceptron", (BOOL_X, AND, W0, B0), {"lr": float("nan")}, ValueError, "lr",
         "lr NaN"),
    _row("perceptron", "perceptron", "perceptron", (BOOL_X, AND, W0, B0), {"epochs": "2"}, TypeError, "epochs",
         "epochs a string"),
    _row("perceptron", "perceptron", "perceptron", (BOOL_X, AND.astype(np.complex64), W0, B0), {}, TypeError, "y",
         "complex y"),
    # gradcheck
    _gradcheck(({"w": np.ones(2, np.float32)},), {"eps": "1e-6"}, TypeError, "eps", "eps a string"),
    _gradcheck(({"w": np.ones(2, np.float32)},), {"atol": float("nan")}, ValueError, "atol", "atol NaN"),
    _gradcheck((Raw(None),), {}, TypeError, "params", "params None"),
    _gradcheck(({"w": np.ones(2, np.complex64)},), {}, TypeError, "params", "complex parameter"),
    _gradcheck(({"w": np.ones(2, np.float32)},), {"rtol": TINY}, Same(True), "rtol",
               "rtol 5e-324 (the smallest positive) -> accepted"),
    # gradient flow
    _row("gradient_flow", "gradient_flow", "layer_gradient_norms", (X, *SQUARE), {**NORMS, "eps": -1e-3},
         ValueError, "eps", "batch-norm eps negative"),
    _row("gradient_flow", "gradient_flow", "sgd_loss_curve", (X, *SQUARE), {**CURVE, "steps": 2.5}, TypeError,
         "steps", "steps not an int (was ValueError)"),
    _row("gradient_flow", "gradient_flow", "sgd_loss_curve", (X, *SQUARE), {**CURVE, "learning_rate": None},
         TypeError, "learning_rate", "learning_rate None"),
    # training
    _training((XT, YT), {"batch_size": 0, "epochs": 1}, ValueError, "batch_size", "batch_size 0"),
    _training((XT, YT), {"batch_size": True, "epochs": 1}, TypeError, "batch_size", "batch_size a bool"),
    _training((XT, YT), {"batch_size": 2, "epochs": None}, TypeError, "epochs", "epochs None"),
    _training((XT, Raw(YT.value[:3])), {"batch_size": 2, "epochs": 1}, ValueError, "y", "y one row short"),
    _training((Raw(BOOL_X.astype(np.complex64)), YT), {"batch_size": 2, "epochs": 1}, TypeError, "x", "complex x"),
)
