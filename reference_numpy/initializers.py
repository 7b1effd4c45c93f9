r"""Weight initialisers from scratch (forward only): each returns a fresh weight of shape
``(fan_in, fan_out)`` -- the layout of :math:`y = x W` (Keras's Dense kernel; torch's nn.Linear weight is
its transpose, shape ``(fan_out, fan_in)``) -- drawn with ``numpy.random.default_rng(seed)`` in float64 and
cast to ``dtype`` ("float32" or "float64").

The analytic side: every initialiser ``<name>`` has ``<name>_spec(fan_in, fan_out, *, <its hyperparameters
and switches>)`` returning the distribution it samples (the same function exists in torch_impl and keras_impl,
computed there from the framework's own objects). Like ``<name>_backward`` elsewhere it is not in ``__all__``.
A spec is a dict:

- ``{"distribution": "constant", "value": v}``
- ``{"distribution": "uniform", "low": a, "high": b}``: :math:`\mathcal U(a, b)`
- ``{"distribution": "normal", "mean": mu, "std": s}``: :math:`\mathcal N(\mu, s^2)`
- ``{"distribution": "truncated_normal", "mean": mu, "std": s, "low": a, "high": b}``: :math:`\mathcal N(\mu,
  s^2)` conditioned on :math:`[a, b]` (``s`` is the parent normal's, not the sample's, standard deviation).

Target standard deviations :math:`\sigma` (fans as in both frameworks for a 2-D weight: ``fan_in`` inputs,
``fan_out`` outputs): Glorot :math:`g\sqrt{2 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})}`; He
:math:`\sqrt{2 / ((1 + a^2)\, \mathrm{fan})}` (``a`` the leaky-ReLU negative slope, ``fan`` by ``mode``);
LeCun :math:`\sqrt{1 / \mathrm{fan_{in}}}`; a uniform initialiser draws :math:`\mathcal U(-\sqrt3\sigma,
\sqrt3\sigma)`. Switches (recorded conventions):

- ``distribution`` (glorot_normal, he_normal, lecun_normal): ``"normal"`` draws :math:`\mathcal N(0,
  \sigma^2)` (torch's ``xavier_normal_``/``kaiming_normal_``); ``"truncated_normal"`` draws the parent
  :math:`\mathcal N(0, (\sigma / c)^2)` cut at :math:`\pm 2\sigma / c`, with :math:`c =` TRUNCATED_STD, the
  standard deviation of :math:`\mathcal N(0, 1)` cut at :math:`\pm 2` (Keras's VarianceScaling), so the
  sample's standard deviation is :math:`\sigma` again.
- ``constant_dtype`` (constant): ``"float32"`` rounds the value through float32 before the weight's dtype
  (Keras), ``None`` does not (torch).
- ``kernel``, ``bias`` (dense_default): ``"uniform_fan_in"`` is :math:`\mathcal U(\pm 1/\sqrt{\mathrm{fan_{in}}})`
  (torch's nn.Linear: ``kaiming_uniform_(a=sqrt(5))`` gives :math:`\sqrt3 \sqrt{2 / (1 + 5)} /
  \sqrt{\mathrm{fan_{in}}}`, and its bias bound is :math:`1/\sqrt{\mathrm{fan_{in}}}`); ``"glorot_uniform"``
  and ``"zeros"`` are Keras Dense's defaults.
"""
import math

import numpy as np

from . import validation
from .validation import check_choice, check_initializer, check_number

__all__ = ["zeros", "constant", "random_normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
           "lecun_normal", "dense_default"]

DTYPES = ("float32", "float64")
TRUNCATED_STD = math.sqrt(1.0 - 4.0 * math.exp(-2.0) / math.sqrt(2.0 * math.pi) / math.erf(math.sqrt(2.0)))
r"""Standard deviation of :math:`\mathcal N(0, 1)` cut at :math:`\pm 2`:
:math:`\sqrt{1 - 2 \cdot 2\varphi(2) / (2\Phi(2) - 1)}` = 0.8796256610342398 (Keras writes 0.87962566103423978)."""
_NORMALS = ("normal", "truncated_normal")
_MODES = ("fan_in", "fan_out")


def _sample(spec, shape, rng):
    """Draws of ``spec`` in float64; the truncated normal by redrawing the values outside its cut."""
    kind = spec["distribution"]
    if kind == "constant":
        return np.full(shape, float(spec["value"]))
    if kind == "uniform":
        return rng.uniform(spec["low"], spec["high"], size=shape)
    z = rng.standard_normal(shape)
    if kind == "truncated_normal":
        lo, hi = ((spec[k] - spec["mean"]) / spec["std"] for k in ("low", "high"))
        outside = (z < lo) | (z > hi)
        while outside.any():  # rejection rounds, each vectorised; P(outside) = 4.6% per round at +-2
            z[outside] = rng.standard_normal(int(outside.sum()))
            outside = (z < lo) | (z > hi)
    return spec["mean"] + spec["std"] * z


def _draw(spec, fan_in, fan_out, seed, dtype):
    return _sample(spec, (fan_in, fan_out), np.random.default_rng(seed)).astype(dtype)  # (fan_in, fan_out)


def _normal_spec(sigma, distribution):
    r"""Mean 0 and standard deviation :math:`\sigma`: plain, or Keras's truncated parent
    :math:`s = \sigma / c` cut at :math:`\pm 2s`."""
    check_choice(distribution, _NORMALS, "distribution")
    if distribution == "normal":
        return {"distribution": "normal", "mean": 0.0, "std": sigma}
    s = sigma / TRUNCATED_STD
    return {"distribution": "truncated_normal", "mean": 0.0, "std": s, "low": -2.0 * s, "high": 2.0 * s}


def _uniform_spec(bound):
    return {"distribution": "uniform", "low": -bound, "high": bound}


def zeros_spec(fan_in, fan_out):
    return {"distribution": "constant", "value": 0.0}


def zeros(fan_in, fan_out, *, dtype="float32"):
    r""":math:`W = 0`."""
    check_initializer(fan_in, fan_out, None, dtype, DTYPES)
    return np.zeros((fan_in, fan_out), dtype=dtype)


def constant_spec(fan_in, fan_out, *, value, constant_dtype=None):
    check_number(value, "value")
    check_choice(constant_dtype, (None, "float32"), "constant_dtype")
    return {"distribution": "constant", "value": float(validation.constant(value, np.float64, constant_dtype))}


def constant(fan_in, fan_out, *, value, constant_dtype=None, dtype="float32"):
    r""":math:`W = v` everywhere, ``value`` rounded to ``dtype`` -- through float32 first if ``constant_dtype``
    is "float32" (Keras's ``ops.cast`` of a Python float makes a float32 tensor before casting it to a float64
    weight); ``None`` rounds it once (torch's ``fill_``)."""
    check_initializer(fan_in, fan_out, None, dtype, DTYPES)
    spec = constant_spec(fan_in, fan_out, value=value, constant_dtype=constant_dtype)
    return _draw(spec, fan_in, fan_out, None, dtype)


def random_normal_spec(fan_in, fan_out, *, mean=0.0, std=1.0):
    check_number(mean, "mean")
    check_number(std, "std", positive=True)
    return {"distribution": "normal", "mean": float(mean), "std": float(std)}


def random_normal(fan_in, fan_out, *, seed, mean=0.0, std=1.0, dtype="float32"):
    r""":math:`W_{ij} \sim \mathcal N(\mu, s^2)`, whatever the fans."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _draw(random_normal_spec(fan_in, fan_out, mean=mean, std=std), fan_in, fan_out, seed, dtype)


def _glorot_sigma(fan_in, fan_out, gain):
    check_number(gain, "gain", positive=True)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def glorot_uniform_spec(fan_in, fan_out, *, gain=1.0):
    return _uniform_spec(math.sqrt(3.0) * _glorot_sigma(fan_in, fan_out, gain))


def glorot_uniform(fan_in, fan_out, *, seed, gain=1.0, dtype="float32"):
    r""":math:`W_{ij} \sim \mathcal U(\pm g\sqrt{6 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})})`."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _draw(glorot_uniform_spec(fan_in, fan_out, gain=gain), fan_in, fan_out, seed, dtype)


def glorot_normal_spec(fan_in, fan_out, *, gain=1.0, distribution="normal"):
    return _normal_spec(_glorot_sigma(fan_in, fan_out, gain), distribution)


def glorot_normal(fan_in, fan_out, *, seed, gain=1.0, distribution="normal", dtype="float32"):
    r"""Standard deviation :math:`g\sqrt{2 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})}`, plain or truncated
    normal (``distribution``)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    spec = glorot_normal_spec(fan_in, fan_out, gain=gain, distribution=distribution)
    return _draw(spec, fan_in, fan_out, seed, dtype)


def _he_sigma(fan_in, fan_out, negative_slope, mode):
    check_number(negative_slope, "negative_slope")
    check_choice(mode, _MODES, "mode")
    fan = fan_in if mode == "fan_in" else fan_out
    return math.sqrt(2.0 / ((1.0 + negative_slope ** 2) * fan))


def he_uniform_spec(fan_in, fan_out, *, negative_slope=0.0, mode="fan_in"):
    return _uniform_spec(math.sqrt(3.0) * _he_sigma(fan_in, fan_out, negative_slope, mode))


def he_uniform(fan_in, fan_out, *, seed, negative_slope=0.0, mode="fan_in", dtype="float32"):
    r""":math:`W_{ij} \sim \mathcal U(\pm\sqrt{6 / ((1 + a^2)\,\mathrm{fan})})`."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    spec = he_uniform_spec(fan_in, fan_out, negative_slope=negative_slope, mode=mode)
    return _draw(spec, fan_in, fan_out, seed, dtype)


def he_normal_spec(fan_in, fan_out, *, negative_slope=0.0, mode="fan_in", distribution="normal"):
    return _normal_spec(_he_sigma(fan_in, fan_out, negative_slope, mode), distribution)


def he_normal(fan_in, fan_out, *, seed, negative_slope=0.0, mode="fan_in", distribution="normal", dtype="float32"):
    r"""Standard deviation :math:`\sqrt{2 / ((1 + a^2)\,\mathrm{fan})}`, plain or truncated normal."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    spec = he_normal_spec(fan_in, fan_out, negative_slope=negative_slope, mode=mode, distribution=distribution)
    return _draw(spec, fan_in, fan_out, seed, dtype)


def lecun_normal_spec(fan_in, fan_out, *, distribution="normal"):
    return _normal_spec(math.sqrt(1.0 / fan_in), distribution)


def lecun_normal(fan_in, fan_out, *, seed, distribution="normal", dtype="float32"):
    r"""Standard deviation :math:`\sqrt{1 / \mathrm{fan_{in}}}`, plain or truncated normal."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    return _draw(lecun_normal_spec(fan_in, fan_out, distribution=distribution), fan_in, fan_out, seed, dtype)


_DENSE_PARTS = {
    "uniform_fan_in": lambda fan_in, fan_out: _uniform_spec(1.0 / math.sqrt(fan_in)),
    "glorot_uniform": lambda fan_in, fan_out: glorot_uniform_spec(fan_in, fan_out),
    "zeros": lambda fan_in, fan_out: zeros_spec(fan_in, fan_out),
}


def dense_default_spec(fan_in, fan_out, *, kernel="uniform_fan_in", bias="uniform_fan_in"):
    """``{"kernel": spec, "bias": spec}``."""
    check_choice(kernel, ("uniform_fan_in", "glorot_uniform"), "kernel")
    check_choice(bias, ("uniform_fan_in", "zeros"), "bias")
    return {"kernel": _DENSE_PARTS[kernel](fan_in, fan_out), "bias": _DENSE_PARTS[bias](fan_in, fan_out)}


def dense_default(fan_in, fan_out, *, seed, kernel="uniform_fan_in", bias="uniform_fan_in", dtype="float32"):
    r"""A dense layer's default parameters ``(kernel, bias)``, shapes ``(fan_in, fan_out)`` and ``(fan_out,)``,
    for :math:`y = x W + b`; the bias is drawn after the kernel from the same generator."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    spec = dense_default_spec(fan_in, fan_out, kernel=kernel, bias=bias)
    rng = np.random.default_rng(seed)
    w = _sample(spec["kernel"], (fan_in, fan_out), rng).astype(dtype)  # (fan_in, fan_out)
    b = _sample(spec["bias"], (fan_out,), rng).astype(dtype)  # (fan_out,)
    return w, b
