"""Input checks for the torch implementations: same names, classes and messages as the reference."""
import torch

from .defaults import DEFAULT

__all__ = ["check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis", "check_choice",
           "check_same_shape", "check_no_nan", "check_labels"]


def check_floating(x, name):
    """Raise TypeError unless ``x`` is a floating-point ``torch.Tensor``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype, got {x.dtype}")


def check_same_dtype(a, name_a, b, name_b):
    """Raise TypeError unless ``a`` and ``b`` share a dtype."""
    if a.dtype != b.dtype:
        raise TypeError(f"{name_b} has dtype {b.dtype} but {name_a} has dtype {a.dtype}; they must match")


def check_shape(x, shape, name, what="expected"):
    """Raise ValueError unless ``x.shape == shape``."""
    if tuple(x.shape) != tuple(shape):
        raise ValueError(f"{name} has shape {tuple(x.shape)}; {what} {tuple(shape)}")


def check_like(g, name_g, x, name_x):
    """Raise unless the gradient ``g`` is a float tensor with ``x``'s shape and dtype."""
    check_floating(g, name_g)
    check_shape(g, x.shape, name_g, what=f"it must match {name_x}'s shape")
    check_same_dtype(x, name_x, g, name_g)


def check_ndim(x, ndim, name):
    """Raise ValueError unless ``x`` has ``ndim`` dimensions."""
    if x.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")


def check_axis(axis, ndim, name="axis"):
    """Raise ValueError (torch itself raises IndexError) unless ``axis`` is in ``[-ndim, ndim)``."""
    if not isinstance(axis, int) or not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis!r} is out of range for an input with {ndim} dimensions")


def check_choice(value, choices, name):
    """Raise ValueError unless ``value`` is one of ``choices`` (``DEFAULT``, torch's own, passes)."""
    if value is not DEFAULT and value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")


def check_same_shape(a, name_a, b, name_b):
    """Raise ValueError unless ``b`` has ``a``'s shape exactly: (N, 1) against (N,) is never broadcast."""
    check_shape(b, a.shape, name_b, what=f"it must equal {name_a}'s shape")


def check_no_nan(x, name):
    """Raise ValueError if ``x`` contains NaN."""
    if torch.isnan(x).any():
        raise ValueError(f"{name} contains NaN")


def check_labels(y, num_classes, name):
    """Raise unless ``y`` holds integer class indices in ``[0, num_classes)``."""
    if not isinstance(y, torch.Tensor) or y.is_floating_point() or y.dtype == torch.bool:
        raise TypeError(f"{name} must be an integer tensor of class indices, got {getattr(y, 'dtype', type(y).__name__)}")
    if y.numel() and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{name} has labels outside [0, {num_classes}): min {int(y.min())}, max {int(y.max())}")
