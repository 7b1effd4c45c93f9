"""Weights of paired layers in the NumPy layout, read from and written to either framework.

``nn.Linear.weight`` is (out, in) and a Keras ``Dense`` kernel (in, out): both read as ``W`` (in, out).
BatchNorm's ``weight``/``bias``/``running_mean``/``running_var`` are Keras's ``gamma``/``beta``/
``moving_mean``/``moving_variance``. A torch PReLU's one shared slope broadcasts onto Keras's per-feature
``alpha``; the way back needs all slopes equal (or one per feature).
"""
import keras
import numpy as np
import torch

__all__ = ["read", "read_all", "transfer", "DIRECTIONS"]

DIRECTIONS = ("torch", "keras", "as_is")


def _holder(element):
    return element.call


def read(element, param):
    """One weight of one element as a NumPy array in the NumPy layout."""
    value = getattr(_holder(element), param.attr)
    array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else keras.ops.convert_to_numpy(value)
    return array.T.copy() if param.transpose else np.array(array)


def _fit(array, target_shape, src, dst, name):
    """``array`` shaped for the target: equal shapes, or one shared PReLU slope broadcast to per-feature ones
    (and back when every slope is equal)."""
    if array.shape == target_shape:
        return array
    if array.size == 1:
        return np.broadcast_to(array.reshape(()), target_shape).copy()
    if int(np.prod(target_shape)) == 1 and np.all(array == array.flat[0]):
        return array.reshape(-1)[:1].reshape(target_shape)
    raise ValueError(f"cannot map {name} of {src} (shape {array.shape}) onto {dst} (shape {target_shape})")


def _write(element, param, array):
    value = getattr(_holder(element), param.attr)
    if isinstance(value, torch.Tensor):
        data = array.T if param.transpose else array
        with torch.no_grad():
            value.copy_(torch.from_numpy(np.ascontiguousarray(data)).to(value.dtype))
    else:
        value.assign(array.astype(value.dtype))


def _target_shape(element, param):
    value = getattr(_holder(element), param.attr)
    shape = tuple(value.shape)
    return shape[::-1] if param.transpose else shape


def _planned(pair, src_side):
    """[(destination element, its Param, array)] for one pair, every shape checked."""
    other = "keras" if src_side == "torch" else "torch"
    src, dst = getattr(pair, src_side), getattr(pair, other)
    dst_params = {p.name: p for p in dst.binding.params}
    return [(dst, dst_params[param.name],
             _fit(read(src, param), _target_shape(dst, dst_params[param.name]), f"{src_side}_model layer {src.name}",
                  f"{other}_model layer {dst.name}", param.name))
            for param in src.binding.params]


def transfer(pairs, weights):
    """Copy every parameter and buffer of ``weights``'s side onto the other (``"as_is"``: nothing). Every shape
    is checked before anything is written, so a mismatch leaves both models as they were."""
    if weights == "as_is":
        return
    plan = [item for pair in pairs for item in _planned(pair, weights)]
    for element, param, array in plan:
        _write(element, param, array)


def read_all(pairs, side):
    """{(pair index, weight name): array} of one framework's side, trainable weights and buffers."""
    return {(p.index, param.name): read(getattr(p, side), param)
            for p in pairs for param in getattr(p, side).binding.params}
