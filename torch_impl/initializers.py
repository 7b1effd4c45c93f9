r"""Weight initialisers in PyTorch: ``torch.nn.init`` on an ``(fan_out, fan_in)`` tensor -- nn.Linear's
weight layout, so torch's fan computation sees the fans it expects -- sampled from a
``torch.Generator().manual_seed(seed)`` and returned transposed, as ``(fan_in, fan_out)`` (the suite's layout,
see reference_numpy.initializers). ``dense_default`` builds a real ``torch.nn.Linear`` under
``torch.random.fork_rng`` seeded with ``seed`` (nn.Linear takes no generator).

``<name>_spec`` (not in ``__all__``, as in the reference) gives the distribution each samples, computed as
torch's source does: fans from ``torch.nn.init._calculate_fan_in_and_fan_out`` / ``_calculate_correct_fan``
on the ``(fan_out, fan_in)`` tensor, gains from ``torch.nn.init.calculate_gain``, bounds
:math:`\sqrt3 \cdot \mathrm{std}` as in ``xavier_uniform_``/``kaiming_uniform_``.

A hyperparameter not passed (``DEFAULT``) is left out of the ``torch.nn.init`` call (``dtype``: out of
``torch.empty`` / ``nn.Linear``, giving ``torch.get_default_dtype()``), so torch's own default applies; the
``_spec`` functions read those defaults from torch's signatures.
"""
import math

import torch
from torch.nn import init

from .defaults import DEFAULT, framework_default, given
from .validation import check_choice, check_initializer, check_number

__all__ = ["zeros", "constant", "random_normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
           "lecun_normal", "dense_default"]

DTYPES = ("float32", "float64")
LINEAR_A = math.sqrt(5.0)  # nn.Linear.reset_parameters: kaiming_uniform_(self.weight, a=math.sqrt(5))
_MODES = ("fan_in", "fan_out")


def _dtype(dtype):
    """``torch.empty`` / ``nn.Linear``'s ``dtype`` keyword: the named dtype, or none (torch's default dtype)."""
    return given(dtype=dtype if dtype is DEFAULT else getattr(torch, dtype))


def _weight(fan_in, fan_out, dtype, device=None):
    return torch.empty(fan_out, fan_in, **_dtype(dtype), device=device)  # (fan_out, fan_in)


def _value(fn, name, value):
    """``value``, or ``fn``'s default for ``name`` when it was not passed."""
    return framework_default(fn, name) if value is DEFAULT else value


def _generator(seed):
    return torch.Generator().manual_seed(int(seed))


def _fans(fan_in, fan_out):
    """(fan_in, fan_out) as torch computes them from nn.Linear's (out, in) weight."""
    return init._calculate_fan_in_and_fan_out(_weight(fan_in, fan_out, "float32", device="meta"))


def _normal(std):
    return {"distribution": "normal", "mean": 0.0, "std": std}


def _uniform(bound):
    return {"distribution": "uniform", "low": -bound, "high": bound}


def zeros_spec(fan_in, fan_out):
    return {"distribution": "constant", "value": 0.0}


def zeros(fan_in, fan_out, *, dtype=DEFAULT):
    r""":math:`W = 0`: ``torch.nn.init.zeros_``."""
    check_initializer(fan_in, fan_out, None, dtype, DTYPES)
    return init.zeros_(_weight(fan_in, fan_out, dtype)).T  # (fan_in, fan_out)


def constant_spec(fan_in, fan_out, *, value):
    check_number(value, "value")
    return {"distribution": "constant", "value": float(value)}


def constant(fan_in, fan_out, *, value, dtype=DEFAULT):
    r""":math:`W = v`: ``torch.nn.init.constant_(w, val)`` (``val`` has no default)."""
    check_initializer(fan_in, fan_out, None, dtype, DTYPES)
    check_number(value, "value")
    return init.constant_(_weight(fan_in, fan_out, dtype), value).T  # (fan_in, fan_out)


def random_normal_spec(fan_in, fan_out, *, mean=DEFAULT, std=DEFAULT):
    check_number(mean, "mean")
    check_number(std, "std", positive=True)
    mean, std = _value(init.normal_, "mean", mean), _value(init.normal_, "std", std)
    return {"distribution": "normal", "mean": float(mean), "std": float(std)}


def random_normal(fan_in, fan_out, *, seed, mean=DEFAULT, std=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal N(\mu, s^2)`: ``torch.nn.init.normal_`` (torch's defaults, mean 0, std 1 in torch 2.13)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    random_normal_spec(fan_in, fan_out, mean=mean, std=std)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.normal_(w, **given(mean=mean, std=std), generator=_generator(seed)).T  # (fan_in, fan_out)


def glorot_uniform_spec(fan_in, fan_out, *, gain=DEFAULT):
    check_number(gain, "gain", positive=True)
    fi, fo = _fans(fan_in, fan_out)
    gain = _value(init.xavier_uniform_, "gain", gain)
    return _uniform(math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fi + fo)))  # as xavier_uniform_


def glorot_uniform(fan_in, fan_out, *, seed, gain=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal U(\pm g\sqrt{6 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})})`: ``xavier_uniform_`` (torch's
    default gain, 1 in torch 2.13)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    check_number(gain, "gain", positive=True)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.xavier_uniform_(w, **given(gain=gain), generator=_generator(seed)).T  # (fan_in, fan_out)


def glorot_normal_spec(fan_in, fan_out, *, gain=DEFAULT):
    check_number(gain, "gain", positive=True)
    fi, fo = _fans(fan_in, fan_out)
    return _normal(_value(init.xavier_normal_, "gain", gain) * math.sqrt(2.0 / float(fi + fo)))  # as xavier_normal_


def glorot_normal(fan_in, fan_out, *, seed, gain=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal N(0, g^2 \cdot 2 / (\mathrm{fan_{in}} + \mathrm{fan_{out}}))`, not truncated:
    ``xavier_normal_`` (torch's default gain, 1 in torch 2.13)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    check_number(gain, "gain", positive=True)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.xavier_normal_(w, **given(gain=gain), generator=_generator(seed)).T  # (fan_in, fan_out)


def _kaiming_std(fn, fan_in, fan_out, negative_slope=DEFAULT, mode=DEFAULT, nonlinearity=DEFAULT):
    """gain / sqrt(fan) as ``fn`` (``kaiming_uniform_`` / ``kaiming_normal_``) computes it, with ``fn``'s defaults for
    what is not passed."""
    check_number(negative_slope, "negative_slope")
    check_choice(mode, _MODES, "mode")
    a, mode = _value(fn, "a", negative_slope), _value(fn, "mode", mode)
    fan = init._calculate_correct_fan(_weight(fan_in, fan_out, "float32", device="meta"), mode)
    return init.calculate_gain(_value(fn, "nonlinearity", nonlinearity), a) / math.sqrt(fan)


def he_uniform_spec(fan_in, fan_out, *, negative_slope=DEFAULT, mode=DEFAULT):
    return _uniform(math.sqrt(3.0) * _kaiming_std(init.kaiming_uniform_, fan_in, fan_out, negative_slope, mode))


def he_uniform(fan_in, fan_out, *, seed, negative_slope=DEFAULT, mode=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal U(\pm\sqrt{6 / ((1 + a^2)\,\mathrm{fan})})`: ``kaiming_uniform_(a=negative_slope)`` (torch's
    defaults, in torch 2.13 ``a=0``, ``mode="fan_in"``, ``nonlinearity="leaky_relu"``)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    _kaiming_std(init.kaiming_uniform_, fan_in, fan_out, negative_slope, mode)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.kaiming_uniform_(w, **given(a=negative_slope, mode=mode),
                                 generator=_generator(seed)).T  # (fan_in, fan_out)


def he_normal_spec(fan_in, fan_out, *, negative_slope=DEFAULT, mode=DEFAULT):
    return _normal(_kaiming_std(init.kaiming_normal_, fan_in, fan_out, negative_slope, mode))


def he_normal(fan_in, fan_out, *, seed, negative_slope=DEFAULT, mode=DEFAULT, dtype=DEFAULT):
    r""":math:`\mathcal N(0, 2 / ((1 + a^2)\,\mathrm{fan}))`, not truncated: ``kaiming_normal_`` (torch's defaults,
    as :func:`he_uniform`)."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    _kaiming_std(init.kaiming_normal_, fan_in, fan_out, negative_slope, mode)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.kaiming_normal_(w, **given(a=negative_slope, mode=mode),
                                generator=_generator(seed)).T  # (fan_in, fan_out)


def lecun_normal_spec(fan_in, fan_out):
    return _normal(_kaiming_std(init.kaiming_normal_, fan_in, fan_out, 0.0, "fan_in", nonlinearity="linear"))


def lecun_normal(fan_in, fan_out, *, seed, dtype=DEFAULT):
    r""":math:`\mathcal N(0, 1 / \mathrm{fan_{in}})`: torch has no ``lecun_normal_``; the idiom is
    ``kaiming_normal_(nonlinearity="linear")`` (gain 1), a plain normal."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    w = _weight(fan_in, fan_out, dtype)  # (fan_out, fan_in)
    return init.kaiming_normal_(w, mode="fan_in", nonlinearity="linear", generator=_generator(seed)).T


def dense_default_spec(fan_in, fan_out):
    """nn.Linear.reset_parameters: the weight by ``kaiming_uniform_(a=sqrt(5))``, the bias
    :math:`\\mathcal U(\\pm 1/\\sqrt{\\mathrm{fan_{in}}})`."""
    kernel = he_uniform_spec(fan_in, fan_out, negative_slope=LINEAR_A)
    fi, _ = _fans(fan_in, fan_out)
    return {"kernel": kernel, "bias": _uniform(1 / math.sqrt(fi) if fi > 0 else 0)}


def dense_default(fan_in, fan_out, *, seed, dtype=DEFAULT):
    r"""``torch.nn.Linear(fan_in, fan_out)``'s own initialisation: ``(weight.T, bias)``, shapes
    ``(fan_in, fan_out)`` and ``(fan_out,)``."""
    check_initializer(fan_in, fan_out, seed, dtype, DTYPES)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        layer = torch.nn.Linear(fan_in, fan_out, **_dtype(dtype))
    return layer.weight.detach().T, layer.bias.detach()  # (fan_in, fan_out), (fan_out,)
