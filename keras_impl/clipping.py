r"""Gradient clipping in Keras 3: the optimizer's own arguments ``clipvalue``, ``clipnorm`` (each variable
by its own norm: :math:`g c / \max(\lVert g \rVert, c)`) and ``global_clipnorm`` (one factor
:math:`c \min(1 / \lVert G \rVert, 1 / c)`, made NaN by a non-finite norm), applied by
``keras.optimizers.SGD(learning_rate=1.0)`` to zero Variables of the gradients' dtype: the update is
``-clipped``, so the clipped gradient is read back as minus the Variable."""
import keras
from keras import ops

from .validation import check_clipping

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm"]


def _clipped(grads, **clipping):
    """The gradients as one SGD step with learning rate 1 and ``clipping`` sees them."""
    variables = [keras.Variable(ops.zeros(g.shape, dtype=g.dtype), dtype=g.dtype, trainable=True) for g in grads]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clipping)
    optimizer.apply([ops.convert_to_tensor(g) for g in grads], variables)
    return [ops.negative(v.value) for v in variables]


def clip_by_value(g, *, clip_value):
    r""":math:`\mathrm{clip}(g, -v, v)`: ``SGD(clipvalue=clip_value)``."""
    check_clipping((g,), "g", clip_value, "clip_value")
    return _clipped([g], clipvalue=float(clip_value))[0]


def clip_by_norm(g, *, max_norm):
    r""":math:`g c / \max(\lVert g \rVert, c)`: ``SGD(clipnorm=max_norm)``."""
    check_clipping((g,), "g", max_norm, "max_norm")
    return _clipped([g], clipnorm=float(max_norm))[0]


def clip_by_global_norm(*grads, max_norm):
    r""":math:`c \min(1 / \lVert G \rVert, 1 / c)` for every gradient: ``SGD(global_clipnorm=max_norm)``;
    the clipped gradients raveled and concatenated."""
    check_clipping(grads, "grads", max_norm, "max_norm")
    return ops.concatenate([ops.reshape(c, (-1,)) for c in _clipped(grads, global_clipnorm=float(max_norm))])
