r"""Weight initialisers in Keras 3: ``keras.initializers`` objects seeded with ``seed`` (an int seed makes them
deterministic), called on Keras's kernel shape ``(fan_in, fan_out)`` -- the suite's layout, see
reference_numpy.initializers -- with ``dtype`` (not passed: the call's default, floatx). A hyperparameter not
passed (``DEFAULT``) is left out of the constructor, so Keras's own default applies. Where Keras has no
argument for a hyperparameter (Glorot's ``gain``, He's ``negative_slope`` and ``mode``), not passing it builds
the named class as a user does; a value given goes to the ``VarianceScaling`` these classes are, with ``scale``
the variance gain (:math:`g^2`, :math:`2 / (1 + a^2)`) -- the class itself when that equals its own.
``dense_default`` builds a real ``keras.layers.Dense`` with the initialisers its signature defaults to, seeded.

``<name>_spec`` (not in ``__all__``, as in the reference) turns the initialiser object Keras would use into
the distribution it samples: ``RandomNormal(mean, stddev)``; ``VarianceScaling(scale, mode, distribution)``
with Keras's own ``compute_fans`` and ``max(1, fan)``: ``"uniform"`` is :math:`\mathcal U(\pm\sqrt{3\,
\mathrm{scale} / n})`, ``"truncated_normal"`` draws ``stddev =`` :math:`\sqrt{\mathrm{scale} / n}` / 0.8797 from
``random.truncated_normal``, i.e. TensorFlow's ``stateless_truncated_normal``, which redraws values more than 2
stddev from the mean. Python floats that Keras passes through ``ops.cast``/``tf.cast`` (Constant's value, the
uniform bounds) become float32 tensors first: the spec states those float32-rounded values.
"""
import inspect
import math

import keras
import numpy as np
from keras.src.initializers.random_initializers import compute_fans

from .defaults import DEFAULT, given
from .validation import check_choice, check_initializer, check_number

__all__ = ["zeros", "constant", "random_normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
           "lecun_normal", "dense_default"]

DTYPES = ("float32", "float64")
KERAS_TRUNCATED_STD = 0.87962566103423978  # VarianceScaling.__call__: stddev = sqrt(scale) / .87962566103423978
TRUNCATION = 2.0  # tf.random.stateless_truncated_normal: values beyond 2 stddev are redrawn
_MODES = ("fan_in", "fan_out")
_DENSE = {k: inspect.signature(keras.layers.Dense).parameters[k].default
          for k in ("kernel_initializer", "bias_initializer")}  # what Dense(units) uses


def _as_cast(value):
    """A Python float as ``ops.cast``/``tf.cast`` delivers it to a weight: converted to a float32 tensor first,
    so even a float64 weight gets the float32-rounded value (pinned by parity_tests/test_initializers.py)."""
    return float(np.float32(value))


def _spec(initializer, shape):
    """The distribution ``initializer`` samples for a weight of ``shape``, from its attributes."""
    if isinstance(initializer, keras.initializers.Zeros):
        return {"distribution": "constant", "value": 0.0}
    if isinstance(initializer, keras.initializers.Constant):
        return {"distribution": "constant", "value": _as_cast(initializer.value)}
    if isinstance(initializer, keras.initializers.RandomNormal):
        return {"distribution": "normal", "mean": float(initializer.mean), "std": float(initializer.stddev)}
    if not isinstance(initializer, keras.initializers.VarianceScaling):
        raise TypeError(f"no spec for {type(initializer).__name__}")
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[initializer.mode]
    scale = initializer.scale / max(1.0, n)
    if initializer.distribution == "uniform":
        limit = _as_cast(math.sqrt(3.0 * scale))  # random.uniform: tf.cast(maxval, dtype)
        return {"distribution": "uniform", "low": -limit, "high": limit}
    if initializer.distribution == "untruncated_normal":
        return {"distribution": "normal", "mean": 0.0, "std": math.sqrt(scale)}
    s = math.sqrt(scale) / KERAS_TRUNCATED_STD
    return {"distribution": "truncated_normal", "mean": 0.0, "std": s, "low": -TRUNCATION * s, "high": TRUNCATION * s}


def _scaled(cls, seed, scale, mode):
    """The named Keras initialiser ``cls`` when the hyperparameters are its own (or not passed), else the
    VarianceScaling it is with ``scale`` and ``mode`` changed. (Seed 0 when only the spec is wanted: an unseeded
    initialiser draws its seed from Python's global ``random``.)"""
    own = cls(seed=0)
    scale = own.scale if scale is DEFAULT else scale
    mode = own.mode if mode is DEFAULT else mode
    if (scale, mode) == (own.scale, own.mode):
        return cls(seed=seed)
    return keras.initializers.VarianceScaling(scale=scale, mode=mode, distribution=own.distribution, seed=seed)


def _glorot(cls, gain, seed=0):
    check_number(gain, "gain", positive=True)
    return _scaled(cls, seed, DEFAULT if gain is DEFAULT else float(gain) ** 2, DEFAULT)


def _he(cls, negative_slope, mode, seed=0):
    check_number(negative_slope, "negative_slope")
    check_choice(mode, _MODES, "mode")
    scale = DEFAULT if negative_slope is DEFAULT else 2.0 / (1.0 + float(negative_slope) ** 2)
    return _scaled(cls, seed, scale, mode)


def _sample(initializer, fan_in, fan_out, seed, dtype):
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return initializer((fan_in, fan_out), **given(dtype=dtype))  # (fan_in, fan_out)


def zeros_spec(fan_in, fan_out):
    return _spec(keras.initializers.Zeros(), (fan_in, fan_out))


def zeros(fan_in, fan_out, *, dtype=DEFAULT):
    r""":math:`W = 0`: ``keras.initializers.Zeros()``."""
    return _sample(keras.initializers.Zeros(), fan_in, fan_out, None, dtype)


def _constant(value):
    check_number(value, "value")
    return keras.initializers.Constant(**given(value=value))


def constant_spec(fan_in, fan_out, *, value=DEFAULT):
    return _spec(_constant(value), (fan_in, fan_out))


def constant(fan_in, fan_out, *, value=DEFAULT, dtype=DEFAULT):
    r""":math:`W = v`: ``keras.initializers.Constant()`` (Keras's default value, 0.0 in Keras 3.15)."""
    check_initializer(fan_in, fan_out, None, dtype, DTYPES)
    return _sample(_constant(value), fan_in, fan_out, None, dtype)


def _random_normal(mean, std, seed=0):
    check_number(mean, "mean")
    check_number(std, "std", positive=True)
    return keras.initializers.RandomNormal(**given(mean=mean, stddev=std), seed=seed)


def random_normal_spec(fan_in, fan_out, *, mean=DEFAULT, std=DEFAULT):
    return _spec(_random_normal(mean, std), (fan_in, fan_out))


def random_normal(fan_in, fan_out, *, seed, mean=DEFAULT, std=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal N(\mu, s^2)`: ``keras.initializers.RandomNormal()`` (Keras's defaults, mean 0.0 and
    stddev 0.05 in Keras 3.15)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(_random_normal(mean, std, seed), fan_in, fan_out, seed, dtype)


def glorot_uniform_spec(fan_in, fan_out, *, gain=DEFAULT):
    return _spec(_glorot(keras.initializers.GlorotUniform, gain), (fan_in, fan_out))


def glorot_uniform(fan_in, fan_out, *, seed, gain=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal U(\pm g\sqrt{6 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})})`: ``GlorotUniform``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(_glorot(keras.initializers.GlorotUniform, gain, seed), fan_in, fan_out, seed, dtype)


def glorot_normal_spec(fan_in, fan_out, *, gain=DEFAULT):
    return _spec(_glorot(keras.initializers.GlorotNormal, gain), (fan_in, fan_out))


def glorot_normal(fan_in, fan_out, *, seed, gain=DEFAULT, dtype=DEFAULT):
    r"""Truncated normal with standard deviation :math:`g\sqrt{2 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})}`:
    ``GlorotNormal``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(_glorot(keras.initializers.GlorotNormal, gain, seed), fan_in, fan_out, seed, dtype)


def he_uniform_spec(fan_in, fan_out, *, negative_slope=DEFAULT, mode=DEFAULT):
    return _spec(_he(keras.initializers.HeUniform, negative_slope, mode), (fan_in, fan_out))


def he_uniform(fan_in, fan_out, *, seed, negative_slope=DEFAULT, mode=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal U(\pm\sqrt{6 / ((1 + a^2)\,\mathrm{fan})})`: ``HeUniform`` (scale 2, fan_in)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(_he(keras.initializers.HeUniform, negative_slope, mode, seed), fan_in, fan_out, seed, dtype)


def he_normal_spec(fan_in, fan_out, *, negative_slope=DEFAULT, mode=DEFAULT):
    return _spec(_he(keras.initializers.HeNormal, negative_slope, mode), (fan_in, fan_out))


def he_normal(fan_in, fan_out, *, seed, negative_slope=DEFAULT, mode=DEFAULT, dtype=DEFAULT):
    r"""Truncated normal with standard deviation :math:`\sqrt{2 / ((1 + a^2)\,\mathrm{fan})}`: ``HeNormal``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(_he(keras.initializers.HeNormal, negative_slope, mode, seed), fan_in, fan_out, seed, dtype)


def lecun_normal_spec(fan_in, fan_out):
    return _spec(keras.initializers.LecunNormal(seed=0), (fan_in, fan_out))


def lecun_normal(fan_in, fan_out, *, seed, dtype=DEFAULT):
    r"""Truncated normal with standard deviation :math:`\sqrt{1 / \mathrm{fan_{in}}}`: ``LecunNormal``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _sample(keras.initializers.LecunNormal(seed=seed), fan_in, fan_out, seed, dtype)


def _dense_initializer(part, seed=0):
    """Dense's default ``<part>_initializer``; a random one gets ``seed`` through its config."""
    initializer = keras.initializers.get(_DENSE[f"{part}_initializer"])
    config = initializer.get_config()
    return type(initializer).from_config({**config, "seed": seed}) if "seed" in config else initializer


def dense_default_spec(fan_in, fan_out):
    return {"kernel": _spec(_dense_initializer("kernel"), (fan_in, fan_out)),
            "bias": _spec(_dense_initializer("bias"), (fan_out,))}


def dense_default(fan_in, fan_out, *, seed, dtype=DEFAULT):
    r"""``keras.layers.Dense(fan_out)``'s own initialisation, built for ``fan_in`` inputs (``dtype`` not passed:
    floatx, as for the other initialisers): ``(kernel, bias)``,
    shapes ``(fan_in, fan_out)`` and ``(fan_out,)``; the kernel initialiser seeded with ``seed``, the bias
    initialiser (if random) with ``seed + 1``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    layer = keras.layers.Dense(fan_out, kernel_initializer=_dense_initializer("kernel", seed),
                               bias_initializer=_dense_initializer("bias", seed + 1),
                               dtype=keras.config.floatx() if dtype is DEFAULT else dtype)  # see layers.dtype_policy
    layer.build((None, fan_in))
    kernel = keras.ops.convert_to_tensor(layer.kernel)  # (fan_in, fan_out)
    return kernel, keras.ops.convert_to_tensor(layer.bias)  # (fan_out,)
