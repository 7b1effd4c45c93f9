"""Input checks for the torch implementations: their ``torch.Tensor`` primitives under the checks the three
packages share (``argchecks.Checks``, written once; ``reference_numpy/validation.py`` states the contract), so the
names, classes and messages are the reference's; a dtype prints as NumPy prints it (``float32``, not
``torch.float32``). ``DEFAULT`` (torch's own value) passes every hyperparameter check. The public names
(``argchecks.PUBLIC``) are the bound checks, put in this module's globals."""
import math

import torch

from argchecks import PUBLIC, Checks, exports

from .defaults import DEFAULT

__all__ = list(PUBLIC)


class _TorchChecks(Checks):
    """``torch.Tensor`` only; values are always readable (torch is eager)."""

    ARRAY, INTEGER_ARRAY, ARRAYS = "torch.Tensor", "integer tensor", "tensors"
    default = DEFAULT

    def is_array(self, x):
        return isinstance(x, torch.Tensor)

    def is_floating(self, x):
        return x.is_floating_point()

    def is_integer(self, x):
        """Not a bool, float or complex tensor (complex would reach torch as NotImplementedError)."""
        return not (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool)

    def dtype_name(self, x):
        """``x``'s dtype as NumPy names it (``float32``)."""
        return str(x.dtype).removeprefix("torch.")

    def has_nan(self, x):
        return bool(torch.isnan(x).any())

    def below_inf(self, x):
        return bool((x < math.inf).all())

    def extrema(self, x):
        """Python numbers (an int tensor's as ints)."""
        return x.min().item(), x.max().item()

    def is_binary(self, x):
        return bool(torch.all((x == 0) | (x == 1)))

    def holds_within(self, y, lengths, value):
        used = torch.arange(y.shape[1]) < lengths[:, None]
        return bool(torch.any(used & (y == value)))

    def gradcheck_dtype(self, name):
        """The torch dtype, the key of ``torch_impl.gradcheck``'s ``STEPS`` and ``TOLERANCES``."""
        return getattr(torch, name)


_CHECKS = _TorchChecks()
globals().update(exports(_CHECKS))  # check_pair = _CHECKS.check_pair, ... for every name of __all__
