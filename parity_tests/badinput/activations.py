"""Bad-input rows of the activations family (softmax included) for the one table (``table.TABLE``)."""
import numpy as np

import keras_impl.activations as ka
import keras_impl.activations_smooth as ks
import keras_impl.softmax as kx
import reference_numpy.activations as na
import reference_numpy.activations_smooth as ns
import reference_numpy.softmax as nx
import torch_impl.activations as ta
import torch_impl.activations_smooth as ts
import torch_impl.softmax as tx

from .rows import ULP_BELOW_0, X, BadInput, Raw, Same

__all__ = ["ROWS"]


def _fns(name):
    for modules in ((na, ta, ka), (ns, ts, ks), (nx, tx, kx)):
        if hasattr(modules[0], name):
            return tuple(getattr(m, name) for m in modules)
    raise KeyError(name)


def _row(concept, args, kwargs, expected, argument, reason, **fields):
    return BadInput("activations", concept, _fns(concept), args, kwargs, expected, argument, reason, **fields)


SPECIAL = np.array([np.nan, -np.inf, np.inf], np.float32)
MASKED = np.array([[-np.inf, 0.0, 1.0]], np.float32)
SOFTMAX_01 = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()

ROWS = (
    # x: type and dtype
    _row("relu", (X.astype(np.complex64),), {}, TypeError, "x", "complex x"),
    _row("sigmoid", (X > 0,), {}, TypeError, "x", "bool x"),
    _row("hard_sigmoid", (X.astype(np.int8),), {}, TypeError, "x", "int8 x"),
    _row("elu", (Raw(None),), {}, TypeError, "x", "x None"),
    _row("selu", (Raw("1.0"),), {}, TypeError, "x", "x a string"),
    _row("mish", (Raw([0.5, 1.0]),), {}, TypeError, "x", "x a list"),
    _row("gelu", (Raw(np.array([0.5, None], dtype=object)),), {}, TypeError, "x", "object x", same_text=False),
    _row("tanh", (Raw(0.5),), {}, TypeError, "x", "x a Python float"),
    # hyperparameters: type first, then a finite value in the interval
    _row("leaky_relu", (X,), {"negative_slope": "0.1"}, TypeError, "negative_slope", "negative_slope a string"),
    _row("leaky_relu", (X,), {"negative_slope": float("nan")}, ValueError, "negative_slope", "negative_slope NaN"),
    _row("leaky_relu", (X,), {"negative_slope": True}, TypeError, "negative_slope", "negative_slope a bool"),
    _row("elu", (X,), {"alpha": None}, TypeError, "alpha", "alpha None"),
    _row("elu", (X,), {"alpha": float("inf")}, ValueError, "alpha", "alpha infinite"),
    _row("softplus", (X,), {"beta": 0.0}, ValueError, "beta", "beta 0 (the bound, open)"),
    _row("softplus", (X,), {"beta": ULP_BELOW_0}, ValueError, "beta", "beta one ulp below 0"),
    _row("silu", (X,), {"beta": "1"}, TypeError, "beta", "beta a string"),
    _row("gelu", (X,), {"approximate": None}, TypeError, "approximate", "approximate None"),
    _row("gelu", (X,), {"approximate": True}, TypeError, "approximate", "approximate a bool"),
    _row("prelu", (X, np.full(6, 0.25, np.complex64)), {}, TypeError, "alpha", "complex alpha"),
    _row("prelu", (np.array(1.0, np.float32), np.float32(0.25) * np.ones(1, np.float32)), {}, ValueError, "x",
         "0-d x"),
    # softmax: a distribution over a non-empty axis of finite (or masked, -inf) logits
    _row("softmax", (np.zeros(0, np.float32),), {}, ValueError, "x", "empty x"),
    _row("softmax", (np.zeros((0, 3), np.float32),), {}, ValueError, "x", "a batch of no rows"),
    _row("log_softmax", (np.where(X > 1.5, np.nan, X).astype(np.float32),), {}, ValueError, "x", "NaN in x"),
    _row("softmax", (np.where(X > 1.5, np.inf, X).astype(np.float32),), {}, ValueError, "x", "+inf in x"),
    _row("softmax", (np.array(1.0, np.float32),), {}, ValueError, "x", "0-d x"),
    _row("softmax", (X,), {"axis": 2}, ValueError, "axis", "axis = ndim (the first out of range)"),
    _row("softmax", (X,), {"axis": 1.0}, TypeError, "axis", "axis a float"),
    _row("log_softmax", (X,), {"axis": None}, TypeError, "axis", "axis None"),
    _row("log_softmax", (X,), {"axis": True}, TypeError, "axis", "axis a bool"),
    # documented values: the same in all three
    _row("sigmoid", (SPECIAL,), {}, Same([np.nan, 0.0, 1.0]), "x", "[NaN, -inf, +inf] -> [NaN, 0, 1]"),
    _row("relu", (SPECIAL,), {}, Same([np.nan, 0.0, np.inf]), "x", "[NaN, -inf, +inf] -> [NaN, 0, +inf]"),
    _row("silu", (SPECIAL,), {}, Same([np.nan, np.nan, np.inf]), "x", "[NaN, -inf, +inf] -> [NaN, NaN, +inf]"),
    _row("step", (SPECIAL,), {}, Same([0.0, 0.0, 1.0]), "x", "[NaN, -inf, +inf] -> [0, 0, 1] (H(NaN) = 0)"),
    _row("relu", (np.zeros((0, 3), np.float32),), {}, Same(np.zeros((0, 3))), "x", "empty (0, 3) -> empty (0, 3)"),
    _row("tanh", (np.array(0.5, np.float32),), {}, Same(np.tanh(np.float32(0.5)), rtol=1e-6), "x",
         "0-d x -> 0-d"),
    _row("softmax", (MASKED,), {}, Same([[0.0, *SOFTMAX_01]], rtol=1e-6), "x",
         "-inf logit (masked) -> probability 0"),
    _row("softmax", (np.full((1, 2), -np.inf, np.float32),), {}, Same([[np.nan, np.nan]]), "x",
         "a row of -inf only -> NaN row"),
)
