"""The weight initialisers' conventions against the installed frameworks, never this project's wrappers: every
key has a note and the aligned sets cover the differing defaults; the table's defaults give the same draws as each
framework's initializer called bare (torch.nn.init, keras.initializers); the signature defaults and the attributes
of default-constructed Keras initializers the table restates."""
import inspect
import math

import keras
import numpy as np
import pytest
import torch

from parity_tests.cases.initializers import INITS
from parity_tests.conventions import convention, differing

DRAW_SHAPE = (64, 256)  # fan_in and fan_out differ, so a wrong mode shows
KI, INIT = keras.initializers, torch.nn.init


def _draw(init, **kwargs):
    """A float64 draw of ``DRAW_SHAPE`` by a Keras initializer, or by a torch.nn.init function (seed 0)."""
    if isinstance(init, KI.Initializer):
        return keras.ops.convert_to_numpy(init(DRAW_SHAPE, dtype="float64"))
    return init(torch.empty(DRAW_SHAPE, dtype=torch.float64), generator=torch.Generator().manual_seed(0),
                **kwargs).numpy()


def _glorot(distribution):
    """Keras's Glorot at the table's gain: VarianceScaling with scale gain**2 (GlorotUniform/Normal take no gain)."""
    return lambda d: _draw(KI.VarianceScaling(d["gain"] ** 2, "fan_avg", distribution, seed=0))


def _he(distribution):
    """Keras's He at the table's slope and mode: VarianceScaling with scale 2 / (1 + slope**2)."""
    return lambda d: _draw(KI.VarianceScaling(2 / (1 + d["negative_slope"] ** 2), d["mode"], distribution, seed=0))


# (concept, framework): (the framework's initializer, called bare: its own defaults; the same draw from the table's
# defaults ``d`` set explicitly)
AT_DEFAULTS = {
    ("random_normal", "torch"): (INIT.normal_, lambda d: _draw(INIT.normal_, mean=d["mean"], std=d["std"])),
    ("glorot_uniform", "torch"): (INIT.xavier_uniform_, lambda d: _draw(INIT.xavier_uniform_, gain=d["gain"])),
    ("glorot_normal", "torch"): (INIT.xavier_normal_, lambda d: _draw(INIT.xavier_normal_, gain=d["gain"])),
    ("he_uniform", "torch"): (INIT.kaiming_uniform_,
                              lambda d: _draw(INIT.kaiming_uniform_, a=d["negative_slope"], mode=d["mode"])),
    ("he_normal", "torch"): (INIT.kaiming_normal_,
                             lambda d: _draw(INIT.kaiming_normal_, a=d["negative_slope"], mode=d["mode"])),
    ("constant", "keras"): (KI.Constant(), lambda d: _draw(KI.Constant(d["value"]))),
    ("random_normal", "keras"): (KI.RandomNormal(seed=0),
                                 lambda d: _draw(KI.RandomNormal(mean=d["mean"], stddev=d["std"], seed=0))),
    ("glorot_uniform", "keras"): (KI.GlorotUniform(seed=0), _glorot("uniform")),
    ("glorot_normal", "keras"): (KI.GlorotNormal(seed=0), _glorot("truncated_normal")),
    ("he_uniform", "keras"): (KI.HeUniform(seed=0), _he("uniform")),
    ("he_normal", "keras"): (KI.HeNormal(seed=0), _he("truncated_normal")),
}


class _Reads(dict):
    """The table's defaults, noting which keys are read (each must be: none is left unchecked)."""

    def __init__(self, defaults):
        super().__init__(defaults)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("row", INITS, ids=lambda r: r.concept)
def test_notes_defaults_and_aligned_sets(row):
    for fw in ("torch", "keras"):
        conv = convention(row.concept, fw)
        for group in ("defaults", "formula", "related"):
            assert all(conv.notes.get(key, "").strip() for key in getattr(conv, group)), (fw, group)
        if conv.defaults:  # read from the framework: its bare initializer draws what the table's defaults draw
            own, at_table = AT_DEFAULTS[row.concept, fw]
            defaults = _Reads(conv.defaults)
            np.testing.assert_array_equal(_draw(own), at_table(defaults), err_msg=fw)
            assert defaults.read == set(conv.defaults), fw
    differences = {key for _, key, _, _ in differing(row.concept, groups=("defaults",))}
    assert all(differences <= set({**row.required, **kwargs}) for kwargs in row.aligned)


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_torch_defaults_are_torchs_own():
    init, related = torch.nn.init, convention("he_normal", "torch").related
    assert (_default(init.normal_, "mean"), _default(init.normal_, "std")) == \
        tuple(convention("random_normal", "torch").defaults[k] for k in ("mean", "std"))
    assert _default(init.xavier_normal_, "gain") == convention("glorot_normal", "torch").defaults["gain"]
    for fn in (init.kaiming_uniform_, init.kaiming_normal_):
        assert (_default(fn, "a"), _default(fn, "mode"), _default(fn, "nonlinearity")) == \
            (related["kaiming.a"], related["kaiming.mode"], related["kaiming.nonlinearity"]) == \
            (0.0, "fan_in", "leaky_relu")
    assert init.calculate_gain("leaky_relu", 0) == init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("linear") == convention("lecun_normal", "torch").related["calculate_gain.linear"]
    assert _default(init.constant_, "val") is inspect.Parameter.empty  # hence the row's required value


def test_keras_defaults_are_keras_own():
    rn = keras.initializers.RandomNormal()
    assert (rn.mean, rn.stddev) == tuple(convention("random_normal", "keras").defaults[k] for k in ("mean", "std"))
    assert keras.initializers.Constant().value == convention("constant", "keras").defaults["value"]
    for cls, concept, scale, mode, dist in (
            (keras.initializers.GlorotUniform, "glorot_uniform", 1.0, "fan_avg", "uniform"),
            (keras.initializers.GlorotNormal, "glorot_normal", 1.0, "fan_avg", "truncated_normal"),
            (keras.initializers.HeUniform, "he_uniform", 2.0, "fan_in", "uniform"),
            (keras.initializers.HeNormal, "he_normal", 2.0, "fan_in", "truncated_normal"),
            (keras.initializers.LecunNormal, "lecun_normal", 1.0, "fan_in", "truncated_normal")):
        obj = cls(seed=0)
        assert (obj.scale, obj.mode, obj.distribution) == (scale, mode, dist), concept
        assert dist == "uniform" or convention(concept, "keras").formula["distribution"] == dist
    related = convention("dense_default", "keras").related
    for key in ("kernel_initializer", "bias_initializer"):
        assert _default(keras.layers.Dense, key) == related[f"Dense.{key}"]
