"""Weight-initialiser conventions: torch.nn.init (and nn.Linear) vs keras.initializers (and keras.layers.Dense).

Both frameworks compute the same fans for a 2-D weight in their own layout -- torch from nn.Linear's
``(out, in)`` (``fan_in = size(1)``), Keras from the kernel's ``(in, out)`` (``fan_in = shape[0]``, floored at
1) -- and the same target standard deviations (Glorot ``2 / (fan_in + fan_out)``, He ``2 / fan_in`` by
default, LeCun ``1 / fan_in``), uniform bounds ``sqrt(3)`` times them. What differs is recorded here: the
normal initialisers' distribution (Keras truncates), RandomNormal's default std, what a dense layer starts
from, and Keras's float32 rounding of Python constants (Constant's value, seen in float64; uniform bounds,
3e-8 relative, seen nowhere). The ``related`` values are the frameworks' own defaults behind the wrappers (checked by
parity_tests/test_initializers.py). Hyperparameters torch requires (``constant_``'s ``val``) are absent from
its ``defaults`` and set by the row's ``required``.
"""
import math

from . import Convention, Source, register

__all__ = []

_TRUNCATED = ("VarianceScaling(distribution='truncated_normal'): stddev = sqrt(scale / n) / .87962566103423978, "
              "drawn by tf.random.stateless_truncated_normal, which redraws values beyond 2 stddev: a normal cut "
              "at +-2.27 sigma whose standard deviation is sigma again")
_PLAIN = "N(0, std^2) by tensor.normal_, not truncated: tails beyond 2.27 sigma (2.3% of the draws) kept"
_BOUNDS = {"uniform.bounds_dtype": "float32"}
_BOUNDS_NOTE = {"uniform.bounds_dtype": "random.uniform passes tf.cast(limit, dtype): the Python float becomes a "
                                        "float32 tensor first, so float64 draws use float32(limit) (relative 3e-8: "
                                        "below every tolerance and every test here)"}
_KAIMING_RELATED = {"kaiming.nonlinearity": "leaky_relu", "kaiming.a": 0.0, "kaiming.mode": "fan_in"}
_KAIMING_NOTES = {
    "kaiming.nonlinearity": "kaiming_uniform_/kaiming_normal_(nonlinearity='leaky_relu'): with a=0 its gain "
                            "sqrt(2 / (1 + a^2)) is sqrt(2), ReLU's",
    "kaiming.a": "kaiming_*_(a=0): the negative slope of the leaky ReLU",
    "kaiming.mode": "kaiming_*_(mode='fan_in')",
    "negative_slope": "the wrapper's negative_slope is kaiming_*_'s a (default 0)",
    "mode": "kaiming_*_(mode='fan_in')",
}
_HE_NOTES = {
    "negative_slope": "HeUniform/HeNormal have no slope (VarianceScaling scale=2.0: a=0); the wrapper uses "
                      "VarianceScaling(scale=2 / (1 + a^2)) for another",
    "mode": "HeUniform/HeNormal: VarianceScaling(mode='fan_in')",
}


def _kaiming(api):
    """The wrapper's ``negative_slope``/``mode`` and the ``kaiming.*`` related keys: torch.nn.init's ``api``."""
    return {"negative_slope": Source(api, "a"), "mode": Source(api, "mode"), "kaiming.a": Source(api, "a"),
            "kaiming.mode": Source(api, "mode"), "kaiming.nonlinearity": Source(api, "nonlinearity")}


def _pair(concept, torch_api, keras_api, *, torch=None, keras=None):
    """Each of ``torch``/``keras`` is a dict of Convention fields (defaults, formula, related, notes, sources)."""
    return (Convention("torch", concept, torch_api, **(torch or {})),
            Convention("keras", concept, keras_api, **(keras or {})))


def _normal_pair(concept, torch_api, keras_api, *, torch_defaults, keras_defaults, torch_notes, keras_notes,
                 torch_related=None, keras_related=None, torch_sources=None):
    """A normal initialiser: torch's plain normal vs Keras's truncated one (``formula.distribution``); Keras's
    normal initialisers take no hyperparameter (VarianceScaling's are fixed in their constructors): no sources."""
    return _pair(concept, torch_api, keras_api,
                 torch=dict(defaults=torch_defaults, formula={"distribution": "normal"}, related=torch_related or {},
                            notes={"distribution": _PLAIN, **torch_notes}, sources=torch_sources or {}),
                 keras=dict(defaults=keras_defaults, formula={"distribution": "truncated_normal"},
                            related=keras_related or {}, notes={"distribution": _TRUNCATED, **keras_notes}))


register(
    *_pair("zeros", "torch.nn.init.zeros_", "keras.initializers.Zeros()"),
    *_pair("constant", "torch.nn.init.constant_(w, val)", "keras.initializers.Constant(value=0.0)",
           torch=dict(formula={"constant_dtype": None},
                      notes={"constant_dtype": "fill_ with a Python float: rounded once, to the weight's dtype"}),
           keras=dict(defaults={"value": 0.0}, formula={"constant_dtype": "float32"},
                      sources={"value": Source("keras.initializers.Constant", "value")},
                      notes={"value": "keras.initializers.Constant(value=0.0)",
                             "constant_dtype": "Constant.__call__: ops.cast(value, dtype) converts the Python float "
                                               "to a float32 tensor first: a float64 weight holds float32(value)"})),
    *_pair("random_normal", "torch.nn.init.normal_(w, mean=0.0, std=1.0)",
           "keras.initializers.RandomNormal(mean=0.0, stddev=0.05)",
           torch=dict(defaults={"mean": 0.0, "std": 1.0},
                      sources={"mean": Source("torch.nn.init.normal_", "mean"),
                               "std": Source("torch.nn.init.normal_", "std")},
                      notes={"mean": "nn.init.normal_(mean=0.0)", "std": "nn.init.normal_(std=1.0): unit variance"}),
           keras=dict(defaults={"mean": 0.0, "std": 0.05},
                      sources={"mean": Source("keras.initializers.RandomNormal", "mean"),
                               "std": Source("keras.initializers.RandomNormal", "stddev")},
                      notes={"mean": "RandomNormal(mean=0.0)", "std": "RandomNormal(stddev=0.05): a small weight"})),
    *_pair("glorot_uniform", "torch.nn.init.xavier_uniform_(w, gain=1.0)", "keras.initializers.GlorotUniform()",
           torch=dict(defaults={"gain": 1.0}, notes={"gain": "xavier_uniform_(gain=1.0)"},
                      sources={"gain": Source("torch.nn.init.xavier_uniform_", "gain")}),
           keras=dict(defaults={"gain": 1.0},
                      related={"GlorotUniform.scale": 1.0, "GlorotUniform.mode": "fan_avg", **_BOUNDS},
                      notes={**_BOUNDS_NOTE,
                             "gain": "GlorotUniform has no gain (scale 1.0); the wrapper uses VarianceScaling("
                                     "scale=gain^2, mode='fan_avg') for another",
                             "GlorotUniform.scale": "VarianceScaling(scale=1.0): limit sqrt(3 scale / n)",
                             "GlorotUniform.mode": "n = (fan_in + fan_out) / 2"})),
    *_normal_pair("glorot_normal", "torch.nn.init.xavier_normal_(w, gain=1.0)", "keras.initializers.GlorotNormal()",
                  torch_defaults={"gain": 1.0}, keras_defaults={"gain": 1.0},
                  torch_notes={"gain": "xavier_normal_(gain=1.0)"},
                  torch_sources={"gain": Source("torch.nn.init.xavier_normal_", "gain")},
                  keras_notes={"gain": "GlorotNormal has no gain (scale 1.0); the wrapper uses VarianceScaling("
                                       "scale=gain^2, mode='fan_avg', distribution='truncated_normal') for another"}),
    *_pair("he_uniform", "torch.nn.init.kaiming_uniform_(w, a=0, mode='fan_in', nonlinearity='leaky_relu')",
           "keras.initializers.HeUniform()",
           torch=dict(defaults={"negative_slope": 0.0, "mode": "fan_in"}, related=_KAIMING_RELATED,
                      notes=_KAIMING_NOTES, sources=_kaiming("torch.nn.init.kaiming_uniform_")),
           keras=dict(defaults={"negative_slope": 0.0, "mode": "fan_in"}, related={"HeUniform.scale": 2.0, **_BOUNDS},
                      notes={**_HE_NOTES, **_BOUNDS_NOTE,
                             "HeUniform.scale": "VarianceScaling(scale=2.0, distribution='uniform')"})),
    *_normal_pair("he_normal", "torch.nn.init.kaiming_normal_(w, a=0, mode='fan_in', nonlinearity='leaky_relu')",
                  "keras.initializers.HeNormal()", torch_defaults={"negative_slope": 0.0, "mode": "fan_in"},
                  keras_defaults={"negative_slope": 0.0, "mode": "fan_in"}, torch_notes=_KAIMING_NOTES,
                  keras_notes={**_HE_NOTES, "HeNormal.scale": "VarianceScaling(scale=2.0)"},
                  torch_related=_KAIMING_RELATED, keras_related={"HeNormal.scale": 2.0},
                  torch_sources=_kaiming("torch.nn.init.kaiming_normal_")),
    *_normal_pair("lecun_normal", "torch.nn.init.kaiming_normal_(w, nonlinearity='linear') (no lecun_normal_)",
                  "keras.initializers.LecunNormal()", torch_defaults={}, keras_defaults={},
                  torch_notes={"calculate_gain.linear": "calculate_gain('linear') = 1: std 1 / sqrt(fan_in)"},
                  keras_notes={"LecunNormal.scale": "VarianceScaling(scale=1.0, mode='fan_in')"},
                  torch_related={"calculate_gain.linear": 1}, keras_related={"LecunNormal.scale": 1.0}),
    *_pair("dense_default", "torch.nn.Linear(fan_in, fan_out).reset_parameters()",
           "keras.layers.Dense(fan_out).build((None, fan_in))",
           torch=dict(formula={"kernel": "uniform_fan_in", "bias": "uniform_fan_in"},
                      related={"nn.Linear.kaiming_uniform_.a": math.sqrt(5.0)},
                      notes={"kernel": "reset_parameters: kaiming_uniform_(weight, a=sqrt(5)): gain sqrt(2 / 6), "
                                       "bound sqrt(3) gain / sqrt(fan_in) = 1 / sqrt(fan_in)",
                             "bias": "reset_parameters: uniform_(bias, -1 / sqrt(fan_in), 1 / sqrt(fan_in))",
                             "nn.Linear.kaiming_uniform_.a": "a=math.sqrt(5) (pytorch issue 57109)"}),
           keras=dict(formula={"kernel": "glorot_uniform", "bias": "zeros"},
                      related={"Dense.kernel_initializer": "glorot_uniform", "Dense.bias_initializer": "zeros",
                               **_BOUNDS},
                      sources={"Dense.kernel_initializer": Source("keras.layers.Dense", "kernel_initializer"),
                               "Dense.bias_initializer": Source("keras.layers.Dense", "bias_initializer")},
                      notes={**_BOUNDS_NOTE,
                             "kernel": "Dense(kernel_initializer='glorot_uniform'): U(+-sqrt(6 / (fan_in + fan_out)))",
                             "bias": "Dense(bias_initializer='zeros')",
                             "Dense.kernel_initializer": "keras.layers.Dense signature default",
                             "Dense.bias_initializer": "keras.layers.Dense signature default"})),
)
