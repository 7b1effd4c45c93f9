"""Gradient clipping: bad input alike in the three packages, the framework facts the conventions table claims
(torch's 1e-6 in the norm, Keras's NaN for a non-finite global norm, per-variable clipnorm, defaults), and
the conventions the group's torch~keras gaps are attributed to."""
import inspect
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.clipping as k
import reference_numpy.clipping as n
import torch_impl.clipping as t

from tests.badinput import CONVERT, assert_rejected_alike
from parity_tests.cases.clipping import CASES
from parity_tests.conventions import convention
from parity_tests.conventions.clipping import TORCH_NORM_EPS

NAMES = [c.concept for c in CASES]
FNS = {name: (getattr(n, name), getattr(t, name), getattr(k, name)) for name in NAMES}
G = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
NAN_G = np.where(G > 1.5, np.nan, G).astype(np.float32)
AT_ONE = np.full(16, 0.25)  # norm exactly 1

BAD = [
    ("integer g", "clip_by_value", (G.astype(np.int32),), {"clip_value": 1.0}, TypeError, "g"),
    ("NaN g", "clip_by_value", (NAN_G,), {"clip_value": 1.0}, ValueError, "g"),
    ("clip_value 0", "clip_by_value", (G,), {"clip_value": 0.0}, ValueError, "clip_value"),
    ("negative clip_value", "clip_by_value", (G,), {"clip_value": -1.0}, ValueError, "clip_value"),
    ("clip_value not a number", "clip_by_value", (G,), {"clip_value": "1"}, TypeError, "clip_value"),
    ("integer g, norm", "clip_by_norm", (G.astype(np.int64),), {"max_norm": 1.0}, TypeError, "g"),
    ("NaN g, norm", "clip_by_norm", (NAN_G,), {"max_norm": 1.0}, ValueError, "g"),
    ("max_norm 0", "clip_by_norm", (G,), {"max_norm": 0.0}, ValueError, "max_norm"),
    ("infinite max_norm", "clip_by_norm", (G,), {"max_norm": float("inf")}, ValueError, "max_norm"),
    ("no gradients", "clip_by_global_norm", (), {"max_norm": 1.0}, ValueError, "grads"),
    ("mixed dtypes", "clip_by_global_norm", (G, G.astype(np.float64)), {"max_norm": 1.0}, TypeError, "grads"),
    ("NaN in the second gradient", "clip_by_global_norm", (G, NAN_G), {"max_norm": 1.0}, ValueError, "grads"),
    ("integer gradient", "clip_by_global_norm", (G, G.astype(np.int32)), {"max_norm": 1.0}, TypeError, "grads"),
    ("negative max_norm", "clip_by_global_norm", (G,), {"max_norm": -1.0}, ValueError, "max_norm"),
    # a plain list, passed by keyword (keywords reach all three implementations unconverted)
    ("plain-list g", "clip_by_norm", (), {"g": [3.0, 4.0], "max_norm": 1.0}, TypeError, "g"),
]


@pytest.mark.parametrize("label, concept, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, concept, args, kwargs, exc, name):
    assert_rejected_alike(FNS[concept], args, kwargs, exc, name)


# ---- the conventions table against the frameworks ---------------------------------------------------

def test_related_defaults_are_the_frameworks_own():
    sig = inspect.signature(torch.nn.utils.clip_grad_norm_).parameters
    related = convention("clip_by_norm", "torch").related
    assert sig["norm_type"].default == related["clip_grad_norm_.norm_type"]
    assert sig["error_if_nonfinite"].default is related["clip_grad_norm_.error_if_nonfinite"]
    assert inspect.signature(torch.nn.utils.clip_grad_norm_).parameters["max_norm"].default is inspect.Parameter.empty
    optimizer = keras.optimizers.SGD()
    for name in ("clipvalue", "clipnorm", "global_clipnorm"):
        assert getattr(optimizer, name) is convention("clip_by_norm", "keras").related[f"Optimizer.{name}"]


def test_torch_adds_1e_6_to_the_norm_keras_nothing():
    g = torch.tensor(AT_ONE)
    p = torch.nn.Parameter(torch.zeros(16, dtype=torch.float64))
    p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_([p], 1.0)
    np.testing.assert_allclose(p.grad.numpy(), AT_ONE / (1 + TORCH_NORM_EPS), rtol=1e-15)
    np.testing.assert_array_equal(k.clip_by_norm(tf.constant(AT_ONE), max_norm=1.0).numpy(), AT_ONE)
    assert convention("clip_by_norm", "torch").formula["eps"] == TORCH_NORM_EPS
    assert convention("clip_by_norm", "keras").formula["eps"] == 0.0
    np.testing.assert_allclose(n.clip_by_norm(AT_ONE, max_norm=1.0), p.grad.numpy(), rtol=1e-15)


def test_keras_clipnorm_is_per_variable_global_clipnorm_is_not():
    a, b = np.array([3.0, 4.0]), np.array([0.0, 0.5])  # norms 5 and 0.5, together sqrt(25.25)
    per_variable = [k.clip_by_norm(tf.constant(v), max_norm=1.0).numpy() for v in (a, b)]
    np.testing.assert_allclose(per_variable[0], a / 5)
    np.testing.assert_array_equal(per_variable[1], b)
    together = k.clip_by_global_norm(tf.constant(a), tf.constant(b), max_norm=1.0).numpy()
    np.testing.assert_allclose(together, np.concatenate([a, b]) / np.sqrt(25.25), rtol=1e-14)
    np.testing.assert_allclose(t.clip_by_global_norm(torch.tensor(a), torch.tensor(b), max_norm=1.0).numpy(), together,
                               rtol=1e-6)


def test_an_overflowing_global_norm_zeroes_torch_and_nans_keras():
    big = np.full(4, 1e20, np.float32)  # squares overflow float32
    torch_out = t.clip_by_global_norm(torch.tensor(big), torch.tensor(G[0]), max_norm=1.0).numpy()
    keras_out = k.clip_by_global_norm(tf.constant(big), tf.constant(G[0]), max_norm=1.0).numpy()
    assert np.all(torch_out == 0) and np.all(np.isnan(keras_out))
    np.testing.assert_array_equal(n.clip_by_global_norm(big, G[0], max_norm=1.0), torch_out)
    assert np.all(np.isnan(n.clip_by_global_norm(big, G[0], max_norm=1.0, eps=0.0, nonfinite_norm="nan")))
    # one tensor's own norm: both give 0 (c / inf), Keras's clipnorm has no NaN trick
    assert np.all(k.clip_by_norm(tf.constant(big), max_norm=1.0).numpy() == 0)
    assert np.all(t.clip_by_norm(torch.tensor(big), max_norm=1.0).numpy() == 0)


def test_clip_by_value_is_a_clamp_in_both():
    g = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    expected = np.clip(g, -1.0, 1.0)
    for framework, fn in zip(CONVERT, FNS["clip_by_value"]):
        np.testing.assert_array_equal(np.asarray(fn(CONVERT[framework](g), clip_value=1.0)), expected)


# ---- the parity matrix of these rows -----------------------------------------------------------------

@pytest.fixture
def rows(parity_rows):
    """This group's rows from the session's parity run (no FAIL/ERROR is test_parity's job)."""
    return [r for r in parity_rows["all"] if r["concept"] in NAMES]


def _row(rows, concept, variant, dtype, regime, kwargs):
    run = (concept, variant, dtype, regime)
    found = [r for r in rows if (r["concept"], r["variant"], r["dtype"], r["inputs"]) == run
             and (r["impl_a"], r["impl_b"]) == ("torch", "keras") and json.loads(r["kwargs"]) == kwargs]
    assert len(found) == 1, found
    return found[0]


def test_no_row_fails(rows):
    assert rows and not [r for r in rows if r["status"] in ("FAIL", "ERROR")]


@pytest.mark.parametrize("concept, variant, dtype, regime, kwargs, status, cause", [
    ("clip_by_value", "aligned", "float64", "at", {"clip_value": 0.25}, "match", ""),
    ("clip_by_norm", "aligned", "float64", "below", {"max_norm": 1.0}, "match", ""),
    ("clip_by_norm", "aligned", "float64", "at", {"max_norm": 1.0}, "expected", "formula.eps"),
    ("clip_by_norm", "aligned", "float32", "at", {"max_norm": 1.0}, "match", ""),  # 1e-6 is below float32's tolerance
    ("clip_by_norm", "aligned", "float64", "at", {"max_norm": 3.0}, "match", ""),
    ("clip_by_norm", "aligned", "float64", "overflow", {"max_norm": 1.0}, "match", ""),
    ("clip_by_norm", "aligned", "float32", "tiny", {"max_norm": 1.0}, "match", ""),
    ("clip_by_global_norm", "aligned", "float64", "at", {"max_norm": 1.0}, "expected", "formula.eps"),
    ("clip_by_global_norm", "aligned", "float64", "large", {"max_norm": 1.0}, "match", ""),
    ("clip_by_global_norm", "aligned", "float32", "overflow", {"max_norm": 1.0}, "expected", "formula.nonfinite_norm"),
    ("clip_by_global_norm", "aligned", "float64", "zero", {"max_norm": 3.0}, "match", ""),
])
def test_parity_rows_name_the_right_convention(rows, concept, variant, dtype, regime, kwargs, status, cause):
    row = _row(rows, concept, variant, dtype, regime, kwargs)
    assert row["status"] == status, row["cause"]
    assert cause in row["cause"]
    if status == "expected":
        assert row["cause"].count("formula.") == 1  # the one key that explains it
