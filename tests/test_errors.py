"""Bad input gets the same exception class from all three packages, and the message names the argument."""
import numpy as np
import pytest

import keras_impl.activations as ka
import keras_impl.activations_smooth as ks
import keras_impl.autograd as kg
import keras_impl.losses_regression as kr
import keras_impl.softmax as kx
import reference_numpy.activations as na
import reference_numpy.activations_smooth as ns
import reference_numpy.autograd as ng
import reference_numpy.losses_regression as nr
import reference_numpy.softmax as nx
import torch_impl.activations as ta
import torch_impl.activations_smooth as ts
import torch_impl.autograd as tg
import torch_impl.losses_regression as tr
import torch_impl.softmax as tx

from tests.badinput import CONVERT, assert_rejected_alike

X = np.linspace(-2, 2, 24, dtype=np.float32).reshape(4, 6)
ALPHA = np.full(6, 0.25, dtype=np.float32)
COLUMN = X[:, :1]  # (N, 1)
WITH_NAN = np.where(X > 1.5, np.nan, X).astype(np.float32)
MSE = (nr.mse, tr.mse, kr.mse)

# (label, (numpy, torch, keras) callables, positional arrays, keywords, exception, argument named)
BAD = [
    ("integer x", (na.relu, ta.relu, ka.relu), (np.arange(4),), {}, TypeError, "x"),
    ("integer x, smooth", (ns.gelu, ts.gelu, ks.gelu), (np.arange(4),), {}, TypeError, "x"),
    ("unknown gelu form", (ns.gelu, ts.gelu, ks.gelu), (X,), {"approximate": "fast"}, ValueError, "approximate"),
    ("softmax axis out of range", (nx.softmax, tx.softmax, kx.softmax), (X,), {"axis": 2}, ValueError, "axis"),
    ("log_softmax axis out of range", (nx.log_softmax, tx.log_softmax, kx.log_softmax), (X,), {"axis": -3},
     ValueError, "axis"),
    ("prelu alpha shape", (na.prelu, ta.prelu, ka.prelu), (X, np.ones(5, np.float32)), {}, ValueError, "alpha"),
    ("prelu alpha dtype", (na.prelu, ta.prelu, ka.prelu), (X, ALPHA.astype(np.float64)), {}, TypeError, "alpha"),
    ("prelu x not 2-D", (na.prelu, ta.prelu, ka.prelu), (X.reshape(-1), ALPHA), {}, ValueError, "x"),
    ("loss (N,1) vs (N,) is not broadcast", MSE, (COLUMN, COLUMN[:, 0]), {}, ValueError, "y_true"),
    ("loss (N,) vs (N,1) is not broadcast", MSE, (COLUMN[:, 0], COLUMN), {}, ValueError, "y_true"),
    ("loss NaN prediction", MSE, (WITH_NAN, X), {}, ValueError, "y_pred"),
    ("loss NaN target", MSE, (X, WITH_NAN), {}, ValueError, "y_true"),
    ("loss integer target", MSE, (X, X.astype(np.int64)), {}, TypeError, "y_true"),
    ("loss mixed dtypes", MSE, (X, X.astype(np.float64)), {}, TypeError, "y_true"),
    ("unknown reduction", MSE, (X, X), {"reduction": "batchmean"}, ValueError, "reduction"),
    ("quantile q outside (0, 1)", (nr.quantile, tr.quantile, kr.quantile), (X, X), {"q": 1.5}, ValueError, "q"),
    ("weights per column", (nr.weighted_mse, tr.weighted_mse, kr.weighted_mse), (X, X, ALPHA[:5]), {}, ValueError,
     "weights"),
]
VJP_BAD = [
    ("dout shape", np.ones((4, 5), np.float32), ValueError),
    ("dout dtype", np.ones((4, 6), np.float64), TypeError),
]


@pytest.mark.parametrize("label, fns, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, fns, args, kwargs, exc, name):
    assert_rejected_alike(fns, args, kwargs, exc, name)


@pytest.mark.parametrize("label, dout, exc", VJP_BAD, ids=[b[0] for b in VJP_BAD])
def test_vjp_rejects_a_mismatched_upstream_gradient(label, dout, exc):
    for framework, (vjp, fn) in zip(CONVERT, ((ng.vjp, na.relu), (tg.vjp, ta.relu), (kg.vjp, ka.relu))):
        with pytest.raises(exc, match=r"\bdout\b"):
            vjp(fn, (CONVERT[framework](X),), CONVERT[framework](dout))


def test_plain_lists_are_rejected_alike():
    for fn in (na.sigmoid, ta.sigmoid, ka.sigmoid):
        with pytest.raises(TypeError, match=r"\bx\b"):
            fn([0.5, 1.0])
