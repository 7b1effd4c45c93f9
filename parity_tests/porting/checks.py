"""Argument checks of ``compare_models``, all made before any framework call (and before any copy)."""
import keras
import numpy as np
from torch import nn

from .weights import DIRECTIONS

__all__ = ["check_arguments"]


def _check_array(a, name):
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(a).__name__}")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        raise ValueError(f"{name} has non-finite values (NaN or inf)")


def _check_data(data, name, *, floating):
    batches = data if isinstance(data, list) else [data]
    if not batches:
        raise ValueError(f"{name} is an empty list of batches")
    for k, a in enumerate(batches):
        label = name if not isinstance(data, list) else f"{name}[{k}]"
        _check_array(a, label)
        if floating and a.dtype not in (np.float32, np.float64):
            raise TypeError(f"{label} must be float32 or float64, got {a.dtype}")
        if floating and a.ndim < 2:
            raise ValueError(f"{label} must be a batch of shape (N, features...), got shape {a.shape}")


def _check_pair(value, name, kinds):
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"{name} must be a (torch, keras) tuple, got {type(value).__name__}")
    for part, kind, what in zip(value, kinds, ("torch", "keras")):
        if not kind(part):
            raise TypeError(f"{name}: the {what} part has the wrong type ({type(part).__name__})")


def check_arguments(torch_model, keras_model, x, y, loss, optimizer, steps, weights, training):
    if not isinstance(torch_model, nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module, got {type(torch_model).__name__}")
    if not isinstance(keras_model, keras.Model):
        raise TypeError(f"keras_model must be a keras.Model, got {type(keras_model).__name__}")
    if not isinstance(steps, int) or isinstance(steps, bool):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if weights not in DIRECTIONS:
        raise ValueError(f"weights must be one of {DIRECTIONS}, got {weights!r}")
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {type(training).__name__}")
    _check_data(x, "x", floating=True)
    if y is None and steps > 0:
        raise ValueError("y is required when steps > 0 (the targets of the training steps)")
    if y is not None:
        _check_data(y, "y", floating=False)
        if isinstance(x, list) != isinstance(y, list) or (isinstance(x, list) and len(x) != len(y)):
            raise ValueError("y must match x: both arrays, or lists of the same number of batches")
    if y is not None and loss is None:
        raise ValueError("y is given but loss is None: pass loss=(torch_loss, keras_loss)")
    _check_pair(loss, "loss", (callable, callable))
    _check_pair(optimizer, "optimizer", (callable, lambda o: isinstance(o, keras.optimizers.Optimizer)))
    if steps > 0 and optimizer is None:
        raise ValueError("optimizer is required when steps > 0: pass (make_torch_optimizer, keras_optimizer)")
    if steps > 0 and loss is None:
        raise ValueError("loss is required when steps > 0: pass (torch_loss, keras_loss)")
