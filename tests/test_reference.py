"""Properties of the NumPy reference alone: dtype preserved, no overflow warnings on large inputs,
NaN propagated, and the stable forms agree with the textbook formulas where those are safe."""
import inspect
import warnings

import numpy as np
import pytest

import reference_numpy.autograd as autograd

from parity_tests.cases import ALL_CASES
from parity_tests.conventions import FRAMEWORKS, convention
from parity_tests.inputs import draw, rng_for

CASE_IDS = [c.concept for c in ALL_CASES]


def _inputs(case, regime, dtype):
    return case.inputs(rng_for(0, f"reference/{case.concept}"), regime, np.dtype(dtype), case.kinks)


def _evaluate(case, inputs, framework):
    kwargs = convention(case.concept, framework).numpy_kwargs({**case.required, **case.aligned[-1]})
    values = tuple(inputs.values())
    if not case.grad_wrt:
        return (autograd.output(case.numpy, *values, **kwargs),)
    forward_kw = {k: v for k, v in kwargs.items() if k in inspect.signature(case.numpy).parameters}
    dout = np.ones_like(autograd.output(case.numpy, *values, **forward_kw))
    k = len(case.grad_wrt)
    out, grads = autograd.vjp(case.numpy, values[:k], dout, values[k:], **kwargs)
    return (out,) + grads


# Rows whose result is a float64 record in all three packages, whatever the inputs' dtype.
FLOAT64_RECORDS = {"sgd_loss_curve": "the loss history is a float64 array (NaN after a non-finite step)",
                   "gradcheck": "the tool reports its central differences in float64 (GradcheckResult.numeric)"}


@pytest.mark.parametrize("case", ALL_CASES, ids=CASE_IDS)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_float32_in_float32_out(case, framework):
    want = np.float64 if case.concept in FLOAT64_RECORDS else np.float32
    for result in _evaluate(case, _inputs(case, "typical", "float32"), framework):
        assert np.asarray(result).dtype == want


@pytest.mark.parametrize("case", ALL_CASES, ids=CASE_IDS)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_large_inputs_neither_overflow_nor_produce_nan(case, framework):
    # Underflow is allowed: exp(-1000) -> 0 is the right answer.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        warnings.simplefilter("error")
        results = _evaluate(case, _inputs(case, "large", "float64"), framework)
    assert all(np.all(np.isfinite(r)) for r in results)


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.family == "activations"], ids=lambda c: c.concept)
def test_activations_propagate_nan(case):  # losses reject NaN instead: test_errors.py
    inputs = _inputs(case, "typical", "float64")
    inputs["x"][0, 0] = np.nan
    if case.concept in ("softmax", "log_softmax"):  # rejected: NaN took the row in NumPy and torch, one entry in Keras
        with pytest.raises(ValueError, match=r"\bx\b"):
            _evaluate(case, inputs, "torch")
        return
    with np.errstate(invalid="ignore"):
        out = _evaluate(case, inputs, "torch")[0]
    if case.concept == "step":
        assert out[0, 0] == 0  # NaN >= 0 is False, as in torch.heaviside and Keras
    else:
        assert np.isnan(out[0, 0])


def test_stable_sigmoid_equals_textbook_formula_where_safe():
    import reference_numpy.activations as na
    x = draw(np.random.default_rng(1), "typical", (100,))
    np.testing.assert_allclose(na.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-15)


def test_prelu_with_no_channels_gives_empty_gradients_in_all_three():
    """x (N, 0) with a per-channel alpha (0,): the three return empty output and gradients of those shapes (the
    shared-slope sum applies to a one-element alpha only)."""
    import tensorflow as tf
    import torch

    import keras_impl.activations as ka
    import keras_impl.autograd as kad
    import reference_numpy.activations as na
    import torch_impl.activations as ta
    import torch_impl.autograd as tad
    x, alpha, dout = np.zeros((3, 0)), np.zeros((0,)), np.zeros((3, 0))
    results = {
        "numpy": autograd.vjp(na.prelu, (x, alpha), dout, ()),
        "torch": tad.vjp(ta.prelu, (torch.from_numpy(x), torch.from_numpy(alpha)), torch.from_numpy(dout), ()),
        "keras": kad.vjp(ka.prelu, (tf.constant(x), tf.constant(alpha)), tf.constant(dout), ()),
    }
    for name, (out, grads) in results.items():
        assert [np.shape(v) for v in (out, *grads)] == [(3, 0), (3, 0), (0,)], name
