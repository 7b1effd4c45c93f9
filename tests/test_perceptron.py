"""The perceptron: bad input alike in the three packages, the step's H(0) = 1 deciding the first update from
zero weights, AND and OR converging within 10 epochs with identical trajectories, XOR never converging, the
fixed-point shortcut equal to the plain loop, and the parity rows of the case table."""
import inspect

import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.activations as ka
import keras_impl.perceptron as k
import reference_numpy.activations as na
import reference_numpy.perceptron as n
import torch_impl.activations as ta
import torch_impl.perceptron as t

from parity_tests import DEFAULT_SEED
from tests.badinput import CONVERT, assert_rejected_alike
from parity_tests.cases.perceptron import BITS, CASES, TARGETS, first_clean_epoch, inputs, mistakes_per_epoch
from parity_tests.conventions import convention
from parity_tests.conventions.perceptron import DEFAULTS
from parity_tests.inputs import rng_for
from parity_tests.runner import run_matrix

FNS = (n.perceptron, t.perceptron, k.perceptron)
X = BITS.astype(np.float32)
Y = np.array(TARGETS["and"], np.float32)
W = np.array([0.1, -0.2], np.float32)
B = np.array(0.05, np.float32)

BAD = [
    ("integer x", (X.astype(np.int32), Y, W, B), {}, TypeError, "x"),
    ("x not 2-D", (X.reshape(-1), Y, W, B), {}, ValueError, "x"),
    ("no samples", (X[:0], Y[:0], W, B), {}, ValueError, "x"),
    ("NaN in x", (np.where(X > 0, np.nan, X).astype(np.float32), Y, W, B), {}, ValueError, "x"),
    ("y (N, 1)", (X, Y[:, None], W, B), {}, ValueError, "y"),
    ("y one label short", (X, Y[:3], W, B), {}, ValueError, "y"),
    ("label 2", (X, np.array([0, 2, 0, 1], np.float32), W, B), {}, ValueError, "y"),
    ("label -1 ({-1, 1} coding)", (X, 2 * Y - 1, W, B), {}, ValueError, "y"),
    ("label 0.5", (X, np.array([0, 0.5, 0, 1], np.float32), W, B), {}, ValueError, "y"),
    ("NaN label", (X, np.array([0, np.nan, 0, 1], np.float32), W, B), {}, ValueError, "y"),
    ("integer y", (X, Y.astype(np.int64), W, B), {}, TypeError, "y"),
    ("w of the wrong size", (X, Y, np.zeros(3, np.float32), B), {}, ValueError, "w"),
    ("w float64, x float32", (X, Y, W.astype(np.float64), B), {}, TypeError, "w"),
    ("NaN in w", (X, Y, np.array([np.nan, 0], np.float32), B), {}, ValueError, "w"),
    ("b (1,)", (X, Y, W, B.reshape(1)), {}, ValueError, "b"),
    ("lr 0", (X, Y, W, B), {"lr": 0.0}, ValueError, "lr"),
    ("lr negative", (X, Y, W, B), {"lr": -1.0}, ValueError, "lr"),
    ("lr infinite", (X, Y, W, B), {"lr": float("inf")}, ValueError, "lr"),
    ("lr a string", (X, Y, W, B), {"lr": "1"}, TypeError, "lr"),
    ("epochs 0", (X, Y, W, B), {"epochs": 0}, ValueError, "epochs"),
    ("epochs 2.5", (X, Y, W, B), {"epochs": 2.5}, TypeError, "epochs"),
    ("epochs True", (X, Y, W, B), {"epochs": True}, TypeError, "epochs"),
]


@pytest.mark.parametrize("label, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, args, kwargs, exc, name):
    assert_rejected_alike(FNS, args, kwargs, exc, name)


def test_plain_lists_are_rejected_alike():
    for fn in FNS:
        with pytest.raises(TypeError, match=r"\bx\b"):
            fn(X.tolist(), Y, W, B)


def _train(regime, dtype="float64", seed=DEFAULT_SEED, **kwargs):
    """(inputs, [numpy, torch, keras trajectories as arrays]) on the case module's inputs."""
    values = inputs(rng_for(seed, f"test/{regime}/{dtype}"), regime, np.dtype(dtype), ())
    outs = [np.asarray(fn(*map(CONVERT[fw], values.values()), **kwargs)) for fw, fn in zip(CONVERT, FNS)]
    return values, outs


# ---- the step at exactly 0 ---------------------------------------------------------------------------

def test_the_step_is_one_at_zero_in_all_three():
    z = np.array([-1e-30, -0.0, 0.0, 1e-30])
    for fw, step in zip(CONVERT, (na.step, ta.step, ka.step)):
        np.testing.assert_array_equal(np.asarray(step(CONVERT[fw](z))), [0, 1, 1, 1])


@pytest.mark.parametrize("lr", [1.0, 0.3])
def test_from_zero_weights_the_first_sample_is_a_mistake_because_h0_is_1(lr):
    values, outs = _train("tie", "float32", lr=lr)
    assert not np.any(values["w"]) and values["b"] == 0
    for out in outs:  # (0, 0) has label 0 but H(0) = 1: only the bias moves, by -lr
        np.testing.assert_array_equal(out[0], np.array([0, 0, -lr], np.float32))


# ---- convergence ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("regime", ["and", "or", "tie"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lr", [DEFAULTS["lr"], 0.3])
def test_and_or_converge_within_10_epochs_with_identical_trajectories(regime, dtype, lr):
    values, outs = _train(regime, dtype, lr=lr, epochs=10)
    for out in outs:
        assert out.shape == (10 * 4, 3) and out.dtype == np.dtype(dtype)
        assert first_clean_epoch(out, values["b"], 4) is not None
        w, b = out[-1, :2], out[-1, 2]  # the final weights classify every sample
        np.testing.assert_array_equal(na.step(BITS.astype(dtype) @ w + b), values["y"])
    np.testing.assert_array_equal(outs[1], outs[0])
    np.testing.assert_array_equal(outs[2], outs[0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_xor_never_converges_in_100_epochs(dtype):
    values, outs = _train("xor", dtype, epochs=100)
    for out in outs:
        assert out.shape == (100 * 4, 3)
        assert np.all(mistakes_per_epoch(out, values["b"], 4) > 0)
        assert first_clean_epoch(out, values["b"], 4) is None
    np.testing.assert_array_equal(outs[1], outs[0])
    np.testing.assert_array_equal(outs[2], outs[0])


def _plain_loop(x, y, w, b, lr, epochs):
    """The textbook loop, every epoch run: what the fixed-point shortcut must reproduce."""
    rows = []
    for _ in range(epochs):
        for xi, yi in zip(x, y):
            err = yi - (xi @ w + b >= 0)
            w, b = w + lr * err * xi, b + lr * err
            rows.append(np.append(w, b))
    return np.array(rows)


@pytest.mark.parametrize("regime", ["and", "or", "xor", "tie", "typical"])
def test_the_fixed_point_shortcut_equals_the_plain_loop(regime):
    values = inputs(rng_for(DEFAULT_SEED, f"plain/{regime}"), regime, np.dtype("float64"), ())
    expected = _plain_loop(*values.values(), lr=0.5, epochs=30)
    np.testing.assert_array_equal(n.perceptron(*values.values(), lr=0.5, epochs=30), expected)


def test_mistakes_are_read_off_the_bias():
    values, (out, *_) = _train("and", "float64", lr=1.0, epochs=10)
    x, y = values["x"], values["y"]
    before = np.vstack([np.append(values["w"], values["b"]), out[:-1]])  # [w, b] before each update
    mistakes = [(x[i % 4] @ before[i, :2] + before[i, 2] >= 0) != y[i % 4] for i in range(40)]
    assert any(mistakes)
    np.testing.assert_array_equal(mistakes_per_epoch(out, values["b"], 4), np.reshape(mistakes, (10, 4)).sum(axis=1))


# ---- conventions -----------------------------------------------------------------------------------------

def test_defaults_are_the_tables_and_the_same_in_all_three():
    for framework in ("torch", "keras"):
        assert convention("perceptron", framework).defaults == DEFAULTS
        assert not convention("perceptron", framework).formula
    for fn in FNS:
        params = inspect.signature(fn).parameters
        assert list(params) == ["x", "y", "w", "b", "lr", "epochs"]
        assert {name: params[name].default for name in DEFAULTS} == DEFAULTS
        assert all(params[name].kind is inspect.Parameter.KEYWORD_ONLY for name in DEFAULTS)


def test_torch_heaviside_needs_its_value_at_zero_told():
    with pytest.raises(TypeError):  # no default value at 0
        torch.heaviside(torch.tensor(0.0))
    assert torch.heaviside(torch.tensor(0.0), torch.tensor(0.5)) == 0.5  # H(0) is a choice; the suite picks 1
    assert float(ka.step(tf.constant(0.0))) == 1.0


# ---- the parity rows of this case table ------------------------------------------------------------------

@pytest.fixture(scope="module")
def rows():
    return run_matrix(CASES, DEFAULT_SEED)[0]


def test_every_row_matches_exactly(rows):
    assert len(rows) == 3 * 2 * 2 * 4  # pairs x variants x dtypes x regimes
    assert all(r["status"] == "match" for r in rows), [r["cause"] for r in rows if r["status"] != "match"]
    assert {r["max_abs"] for r in rows} == {0.0}  # identical trajectories, not merely close
