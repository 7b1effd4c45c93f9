"""The conventions table is checked against the installed frameworks, so it cannot drift: defaults against the
frameworks' own signatures and objects (``parity_tests.introspect``, never this project's wrappers), formula
switches against behaviour."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import reference_numpy.activations as na
import reference_numpy.activations_smooth as ns

from parity_tests import introspect
from parity_tests.cases import ALL_ROWS
from parity_tests.conventions import all_conventions, convention, differing
from parity_tests.frameworks import KERAS_DEFAULT_FLOATX



def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


@pytest.mark.parametrize("conv", all_conventions(), ids=lambda c: f"{c.concept}-{c.framework}")
def test_every_key_has_a_note_and_every_source_names_a_default_or_related_key(conv):
    for group in ("defaults", "formula", "param_init", "related"):
        for key in getattr(conv, group):
            assert conv.notes.get(key, "").strip(), f"{conv.framework}.{conv.concept}: {group}.{key} has no note"
    assert set(conv.sources) <= set(conv.defaults) | set(conv.related), f"{conv.concept}: sources for unknown keys"


@pytest.mark.parametrize("conv", [c for c in all_conventions() if c.sources], ids=lambda c: f"{c.concept}-{c.framework}")
def test_sourced_defaults_are_the_installed_frameworks(conv):
    bad = [r for r in introspect.readings([conv]) if not r.ok]
    assert bad == [], "; ".join(f"{r.group}.{r.key}: table {r.table!r}, {r.where} {r.installed!r} {r.problem}" for r in bad)


@pytest.mark.parametrize("case", ALL_ROWS, ids=lambda c: c.concept)
def test_aligned_variants_set_every_differing_default(case):
    differences = {key for _, key, _, _ in differing(case.concept, groups=("defaults",))}
    for kwargs in case.aligned:
        kwargs = {**getattr(case, "required", {}), **kwargs}
        assert differences <= set(kwargs), f"aligned {kwargs} leaves {differences - set(kwargs)} at differing defaults"


def test_keras_losses_compute_in_floatx():
    x = tf.constant(np.linspace(0, 1, 6).reshape(2, 3))  # float64
    assert keras.config.floatx() == KERAS_DEFAULT_FLOATX == convention("mse", "keras").defaults["dtype"]
    assert keras.losses.MeanSquaredError()(x, 2 * x).dtype == tf.float32


def test_defaults_match_the_frameworks_own():
    assert _default(F.leaky_relu, "negative_slope") == convention("leaky_relu", "torch").defaults["negative_slope"]
    assert torch.nn.LeakyReLU().negative_slope == convention("leaky_relu", "torch").related["torch.nn.LeakyReLU.negative_slope"]
    assert _default(keras.activations.leaky_relu, "negative_slope") == convention("leaky_relu", "keras").defaults["negative_slope"]
    assert _default(keras.layers.LeakyReLU, "negative_slope") == convention("leaky_relu", "keras").related["keras.layers.LeakyReLU.negative_slope"]
    assert _default(F.elu, "alpha") == convention("elu", "torch").defaults["alpha"]
    assert _default(keras.activations.elu, "alpha") == convention("elu", "keras").defaults["alpha"]
    assert _default(keras.activations.gelu, "approximate") is (convention("gelu", "keras").defaults["approximate"] == "tanh")
    assert _default(keras.ops.gelu, "approximate") is convention("gelu", "keras").related["keras.ops.gelu.approximate"]
    assert _default(keras.activations.softmax, "axis") == convention("softmax", "keras").defaults["axis"]
    assert _default(keras.activations.log_softmax, "axis") == convention("log_softmax", "keras").defaults["axis"]


def test_prelu_parameter_initialisation():
    layer = torch.nn.PReLU()
    assert layer.num_parameters == convention("prelu", "torch").related["torch.nn.PReLU.num_parameters"]
    assert torch.all(layer.weight == convention("prelu", "torch").param_init["alpha"])
    klayer = keras.layers.PReLU()
    klayer.build((None, 6))
    assert klayer.shared_axes is convention("prelu", "keras").related["keras.layers.PReLU.shared_axes"]
    assert tuple(klayer.alpha.shape) == (6,)
    assert np.all(keras.ops.convert_to_numpy(klayer.alpha) == convention("prelu", "keras").param_init["alpha"])


def test_torch_softplus_threshold_is_twenty():
    t = convention("softplus", "torch").formula["threshold"]
    x = torch.tensor([t - 0.5, t + 0.5], dtype=torch.float64)
    out = F.softplus(x)
    assert out[1] == x[1] and out[0] != x[0]  # linear only above the threshold


def test_keras_rounds_the_leaky_slope_through_float32_in_float64():
    x = np.linspace(-3, -0.1, 9)
    got = keras.activations.leaky_relu(tf.constant(x), negative_slope=0.1).numpy()
    assert np.array_equal(got, na.leaky_relu(x, negative_slope=0.1, constant_dtype="float32"))
    assert not np.array_equal(got, na.leaky_relu(x, negative_slope=0.1, constant_dtype=None))


@pytest.mark.parametrize("concept, fn", [("elu", keras.activations.elu), ("selu", keras.activations.selu)])
def test_tensorflow_evaluates_exp_minus_one(concept, fn):
    x = np.array([-1e-25, -1e-20])
    assert convention(concept, "keras").formula["exp_form"] == "exp_minus_1"
    assert np.all(fn(tf.constant(x)).numpy() == 0.0)  # expm1 would give about x
    assert np.all(getattr(na, concept)(x, exp_form="expm1") < 0)


def test_selu_gradient_branch_follows_the_output_in_tensorflow():
    x = tf.constant([0.0, -1e-25, -1.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.activations.selu(x)
    keras_grad = tape.gradient(y, x).numpy()
    ones = np.ones(3)
    assert np.array_equal(keras_grad, na.selu_backward(ones, x.numpy(), exp_form="exp_minus_1", grad_branch="output"))
    xt = torch.tensor(x.numpy(), requires_grad=True)
    (torch_grad,) = torch.autograd.grad(F.selu(xt).sum(), xt)
    assert np.allclose(torch_grad.numpy(), na.selu_backward(ones, x.numpy(), exp_form="expm1", grad_branch="input"))
    assert keras_grad[0] == pytest.approx(na.SELU_SCALE) and torch_grad[0] == pytest.approx(na.SELU_SCALE * na.SELU_ALPHA)


def test_numpy_softplus_threshold_none_is_tensorflows_rule():
    x = np.array([-40.0, -20.0, 0.5, 20.0, 40.0])
    np.testing.assert_array_equal(ns.softplus(x, threshold=None), tf.math.softplus(tf.constant(x)).numpy())
