"""One helper for every gradient in keras_impl: a vector-Jacobian product through tf.GradientTape."""
import tensorflow as tf

from .validation import check_like

__all__ = ["vjp"]


def vjp(fn, primals, dout, constants=(), **kwargs):
    r"""Return ``(out, grads)``: ``out = fn(*primals, *constants, **kwargs)``, ``grads[i]`` = :math:`g^\top \partial\,out/\partial\,primals_i`.

    ``constants`` (targets, labels) are passed after the primals and not differentiated.
    ``dout`` must have the output's shape and dtype (the tape would otherwise broadcast it
    silently). Inputs that ``out`` does not depend on get zero gradients.
    """
    primals = tuple(tf.convert_to_tensor(p) for p in primals)
    with tf.GradientTape() as tape:
        tape.watch(primals)
        out = fn(*primals, *constants, **kwargs)
    check_like(dout, "dout", out, "the output")
    grads = tape.gradient(out, primals, output_gradients=dout, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return out, tuple(grads)
