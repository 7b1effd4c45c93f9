"""The conventions table is checked against the installed frameworks, so it cannot drift: every ``defaults`` key
of every Convention is either read off the framework's own signature (its ``Source``, through
``parity_tests.introspect``; never this project's wrappers) and agrees, or is listed below with the reason it
cannot be sourced (most with a check that asks the framework why: the parameter it lacks, the floatx it computes
in, the package not installed); formula switches are checked against behaviour."""
import importlib.util
import inspect
import re

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


# ---- every default: sourced, or listed with the reason it cannot be ---------------------------------------

def _lacks(api, *params):
    """A check: the framework's ``api`` has none of ``params`` (so no signature can state the table's value)."""
    def check(value):
        present = set(params) & set(inspect.signature(introspect.resolve(api)).parameters)
        return not present or f"{api} now has {sorted(present)}: source the key from it"
    check.__name__ = f"{api} lacks {', '.join(params)}"
    return check


def _words(name):
    """``TripletMarginLoss`` / ``triplet_margin_loss`` -> ["triplet", "margin", "loss"]."""
    return re.findall("[a-z]+", re.sub("([A-Z])", r"_\1", name).lower())


def _ships_none(module, *words):
    """A check: no public name of the framework's ``module`` contains any of ``words`` (it ships no such loss)."""
    def check(value):
        found = [n for n in dir(introspect.resolve(module)) if set(words) & set(_words(n))]
        return not found or f"{module} now has {found}: source the key from it"
    check.__name__ = f"{module} has no {', '.join(words)}"
    return check


_LOSS_MODULES = {"torch": "torch.nn.functional", "keras": "keras.losses"}


def _no_loss(framework, concept, key, why, *words):
    """An UNSOURCED entry: ``framework`` ships no ``concept`` loss to state ``key`` (checked: no public name of its
    losses module contains any of ``words``, by default the concept's name)."""
    return (framework,), (concept,), (key,), why, _ships_none(_LOSS_MODULES[framework], *(words or (concept,)))


def _floatx(value):
    return value == keras.config.floatx() or f"Keras's floatx is {keras.config.floatx()!r}"


def _python_float_tensor(value):
    got = tf.convert_to_tensor(0.1).dtype.name
    return value == got or f"TensorFlow converts a Python float to {got}"


def _input_dtype(value):
    same = F.mse_loss(torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)).dtype == torch.float64
    return (value is None and same) or "torch computes in the input's dtype: None states that"


def _not_installed(module):
    def check(value):
        return importlib.util.find_spec(module) is None or f"{module} is installed now: source the key from it"
    check.__name__ = f"{module} not installed"
    return check


def _attribute(api, attribute, convert=lambda v: v):
    """A check: the attribute of a default-constructed framework object states the value."""
    def check(value):
        got = getattr(introspect.resolve(api)(), attribute)
        return convert(value) == got or f"{api}().{attribute} is {got!r}"
    check.__name__ = f"{api}().{attribute}"
    return check


ANY = None
SCHEDULE_CURVES = ("step_decay", "exponential_decay", "cosine_annealing", "cosine_warm_restarts", "warmup_cosine",
                   "polynomial_decay")
NO_FRAMEWORK_LOSS = ("categorical_crossentropy", "cosine_similarity", "hinge", "squared_hinge", "log_cosh",
                     "weighted_mse", "contrastive", "dice", "quantile")
NO_FRAMEWORK_OPTIMIZER = "no framework ships this optimizer: the suite's own class (or a port), defaults from its paper or reference package"
# (frameworks, concepts or ANY, keys, why no framework signature states the value, check or None): a check asks the
# installed framework (True, or the message of what changed).
UNSOURCED = [
    (("torch",), ANY, ("dtype", "model.dtype", "loss.dtype"),
     "a compute dtype, not a parameter: torch has no floatx and computes in the input's dtype", _input_dtype),
    (("keras",), tuple(c.concept for c in all_conventions() if c.framework == "keras" and c.concept not in SCHEDULE_CURVES),
     ("dtype", "model.dtype", "loss.dtype"),
     "a compute dtype: Keras losses, layers and variables default to keras.config.floatx(), a setting, not a signature "
     "default", _floatx),
    (("keras",), SCHEDULE_CURVES, ("dtype",),
     "a Python-float initial_learning_rate becomes a tensor of TensorFlow's conversion dtype (floatx not consulted)",
     _python_float_tensor),
    (("torch",), NO_FRAMEWORK_LOSS, ("reduction",),
     "torch ships no such loss: the suite writes it with torch ops and reduces it with torch_impl's reduce", None),
    _no_loss("torch", "dice", "axis", "torch ships no Dice loss"),
    _no_loss("torch", "contrastive", "margin", "torch ships no contrastive loss"),
    _no_loss("keras", "contrastive", "margin", "Keras ships no contrastive loss (TF Addons did)"),
    _no_loss("keras", "triplet", "margin", "Keras ships no triplet loss (TF Addons did)"),
    _no_loss("torch", "quantile", "q", "torch ships no pinball loss", "pinball", "quantile"),
    _no_loss("keras", "quantile", "q", "Keras ships no pinball loss", "pinball", "quantile"),
    (("torch",), ("focal_loss",), ("reduction", "alpha", "gamma", "apply_class_balancing", "from_logits"),
     "torchvision.ops.sigmoid_focal_loss states these, and torchvision is not a dependency", _not_installed("torchvision")),
    (("torch",), ("sparse_categorical_crossentropy",), ("from_logits",), "F.cross_entropy always takes logits",
     _lacks("torch.nn.functional.cross_entropy", "from_logits")),
    (("keras",), ("poisson",), ("log_input",), "keras.losses.Poisson takes the rate itself",
     _lacks("keras.losses.Poisson", "log_input")),
    (("keras",), ("smooth_l1",), ("beta",), "Keras has no SmoothL1 (the wrapper divides Huber by beta)",
     _lacks("keras.losses.Huber", "beta")),
    (("torch",), ("softmax", "log_softmax"), ("axis",), "torch's dim has no default (None: the deprecated implicit dim)",
     lambda v: inspect.signature(F.softmax).parameters["dim"].default is None or "F.softmax's dim has a default now"),
    (("torch",), ("silu",), ("beta",), "F.silu has no beta", _lacks("torch.nn.functional.silu", "beta")),
    (("keras",), ("silu",), ("beta",), "keras.activations.silu has no beta", _lacks("keras.activations.silu", "beta")),
    (("keras",), ("softplus",), ("beta",), "keras.activations.softplus has no beta",
     _lacks("keras.activations.softplus", "beta")),
    (("keras",), ("glorot_normal",), ("gain",), "GlorotNormal has no gain: its scale is gain squared",
     _attribute("keras.initializers.GlorotNormal", "scale", lambda gain: gain ** 2)),
    (("keras",), ("glorot_uniform",), ("gain",), "GlorotUniform has no gain: its scale is gain squared",
     _attribute("keras.initializers.GlorotUniform", "scale", lambda gain: gain ** 2)),
    (("keras",), ("he_normal",), ("mode",), "HeNormal's constructor takes no mode (VarianceScaling's attribute)",
     _attribute("keras.initializers.HeNormal", "mode")),
    (("keras",), ("he_uniform",), ("mode",), "HeUniform's constructor takes no mode (VarianceScaling's attribute)",
     _attribute("keras.initializers.HeUniform", "mode")),
    (("keras",), ("he_normal",), ("negative_slope",), "HeNormal has no slope: its scale 2 is 2 / (1 + a^2) at a = 0",
     _attribute("keras.initializers.HeNormal", "scale", lambda a: 2.0 / (1.0 + a * a))),
    (("keras",), ("he_uniform",), ("negative_slope",), "HeUniform has no slope: its scale 2 is 2 / (1 + a^2) at a = 0",
     _attribute("keras.initializers.HeUniform", "scale", lambda a: 2.0 / (1.0 + a * a))),
    (("keras",), ("sgd", "momentum", "nesterov"), ("dampening",), "Keras SGD has no dampening",
     _lacks("keras.optimizers.SGD", "dampening")),
    (("keras",), tuple(f"{m}/{o}" for m in ("mlp_2_4_1", "mlp_4_8_4_1", "mlp_4_64_32_1", "mlp_784_128_64_10")
                       for o in ("sgd", "momentum")), ("opt.dampening",), "Keras SGD has no dampening",
     _lacks("keras.optimizers.SGD", "dampening")),
    (("keras",), ("adagrad",), ("lr_decay",), "Keras Adagrad has no lr_decay", _lacks("keras.optimizers.Adagrad", "lr_decay")),
    (("keras",), ("nadam",), ("momentum_decay",), "Keras Nadam has no momentum_decay (its schedule is torch's at 1)",
     _lacks("keras.optimizers.Nadam", "momentum_decay")),
    (("keras",), ("muon",), ("ns_coefficients",), "three Muon parameters (muon_a, muon_b, muon_c); a Source reads one",
     lambda v: tuple(v) == tuple(inspect.signature(keras.optimizers.Muon).parameters[p].default
                                 for p in ("muon_a", "muon_b", "muon_c")) or "Muon's muon_a/b/c moved"),
    (("keras",), ("muon",), ("eps",), "a constant inside Keras's Newton-Schulz iteration, not a parameter", None),
    (("keras",), ("muon",), ("adjust_lr_fn",), "torch's name for what Keras's rms_rate does (Moonlight's AdamW-RMS match)",
     _lacks("keras.optimizers.Muon", "adjust_lr_fn")),
    (("torch", "keras"), ("adabelief",), ("lr", "beta1", "beta2", "weight_decay", "eps"), NO_FRAMEWORK_OPTIMIZER, None),
    (("keras",), ("radam",), ("lr", "beta1", "beta2", "weight_decay", "eps"), NO_FRAMEWORK_OPTIMIZER, None),
    (("torch",), ("lamb", "lion"), ("lr", "beta1", "beta2", "eps", "weight_decay"), NO_FRAMEWORK_OPTIMIZER, None),
    (("torch", "keras"), ("lars",), ("lr", "momentum", "weight_decay", "trust_coefficient"), NO_FRAMEWORK_OPTIMIZER, None),
    (("torch",), ("exponential_decay",), ("decay_steps", "staircase"),
     "ExponentialLR decays at every step (decay_steps 1) and never in stairs",
     _lacks("torch.optim.lr_scheduler.ExponentialLR", "decay_steps", "staircase")),
    (("torch",), ("polynomial_decay",), ("end_lr", "cycle"), "PolynomialLR decays to 0 and does not cycle",
     _lacks("torch.optim.lr_scheduler.PolynomialLR", "end_lr", "cycle")),
    (("torch",), ("cosine_warm_restarts",), ("m_mul",), "CosineAnnealingWarmRestarts keeps every cycle's peak",
     _lacks("torch.optim.lr_scheduler.CosineAnnealingWarmRestarts", "m_mul")),
    (("keras",), ("reduce_on_plateau",), ("threshold_mode",), "Keras's min_delta is absolute: no relative mode",
     _lacks("keras.callbacks.ReduceLROnPlateau", "threshold_mode")),
    (("torch", "keras"), ("lr_range_test",), ("lr_min", "lr_max", "num_steps", "batch_size"),
     "neither framework ships an LR finder (fastai's lr_find defaults)", None),
    (("torch", "keras"), ("perceptron",), ("lr", "epochs"), "neither framework ships a perceptron trainer", None),
]


def _listed(conv, key):
    """The UNSOURCED entries covering ``key`` of ``conv``."""
    return [entry for entry in UNSOURCED if conv.framework in entry[0] and key in entry[2]
            and (entry[1] is ANY or conv.concept in entry[1])]


@pytest.mark.parametrize("conv", all_conventions(), ids=lambda c: f"{c.concept}-{c.framework}")
def test_every_default_is_read_from_its_framework_or_says_why_it_cannot_be(conv):
    """A key with a Source: introspection reads it and it agrees with the table. A key without one: exactly one
    UNSOURCED entry gives the reason, and its check (if any) agrees with the installed framework."""
    read = {r.key: r for r in introspect.readings([conv]) if r.group == "defaults"}
    for key, value in conv.defaults.items():
        if key in conv.sources:
            r = read[key]
            assert not r.problem, f"{conv.framework}.{conv.concept}.{key}: {r.problem}"
            assert r.ok, f"{conv.framework}.{conv.concept}.{key}: table {r.table!r}, {r.where} says {r.installed!r}"
            assert not _listed(conv, key), f"{conv.framework}.{conv.concept}.{key} has a Source: unlist it"
            continue
        entries = _listed(conv, key)
        assert len(entries) == 1, (f"{conv.framework}.{conv.concept}: defaults.{key} = {value!r} has no Source and "
                                   f"{'no' if not entries else len(entries)} UNSOURCED reason(s)")
        _, _, _, reason, check = entries[0]
        assert reason.strip()
        verdict = check(value) if check else True
        assert verdict is True, f"{conv.framework}.{conv.concept}.{key} = {value!r}: {verdict}"


def test_no_unsourced_entry_is_stale():
    """Every listed (framework, concept, key) exists in the table, without a Source."""
    keys = {(c.framework, c.concept, key) for c in all_conventions() for key in c.defaults if key not in c.sources}
    for frameworks, concepts, listed_keys, reason, _ in UNSOURCED:
        hits = {(fw, concept, key) for fw, concept, key in keys
                if fw in frameworks and key in listed_keys and (concepts is ANY or concept in concepts)}
        assert hits, f"UNSOURCED entry {reason!r} matches no unsourced key"
        if concepts is not ANY:
            wanted = {(fw, c, key) for fw in frameworks for c in concepts for key in listed_keys}
            assert wanted & keys, reason


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
