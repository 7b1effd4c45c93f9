"""The one home of gradients in keras_impl, through the backend's own mechanism -- ``tf.GradientTape`` on
TensorFlow, ``jax.vjp`` on JAX, ``torch.autograd.grad`` on torch (Keras 3 offers no backend-neutral gradient:
``keras.ops`` has none). ``vjp`` differentiates a function of tensors; ``value_and_grads`` a loss computed from
Keras variables (a model's, a weight's), eagerly -- on JAX inside a ``keras.StatelessScope`` that maps each
variable to a traced value."""
import keras

from .backend import BACKEND
from .validation import check_like

__all__ = ["vjp"]


def vjp(fn, primals, dout, constants=(), **kwargs):
    r"""Return ``(out, grads)``: ``out = fn(*primals, *constants, **kwargs)``, ``grads[i]`` = :math:`g^\top \partial\,out/\partial\,primals_i`.

    ``constants`` (targets, labels) are passed after the primals and not differentiated.
    ``dout`` must have the output's shape and dtype (the backend would otherwise broadcast it
    silently); ``None`` for a scalar ``out`` seeds 1. Inputs that ``out`` does not depend on get zero gradients.
    """
    return _VJP[BACKEND](lambda *p: fn(*p, *constants, **kwargs), primals, dout)


def value_and_grads(loss_fn, variables):
    """``(loss, grads)``: ``loss_fn()`` (a scalar computed from the Keras ``variables``) and its gradient with
    respect to each variable, zeros where it does not depend on one."""
    return _VALUE_AND_GRADS[BACKEND](loss_fn, list(variables))


def _checked(dout, out):
    if dout is not None:
        check_like(dout, "dout", out, "the output")
    return dout


def _tensorflow_vjp(forward, primals, dout):
    import tensorflow as tf
    primals = tuple(tf.convert_to_tensor(p) for p in primals)  # ops.convert_to_tensor would keep a Variable
    with tf.GradientTape() as tape:
        tape.watch(primals)
        out = forward(*primals)
    grads = tape.gradient(out, primals, output_gradients=_checked(dout, out),
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return out, tuple(tf.convert_to_tensor(g) for g in grads)  # densify IndexedSlices


def _jax_vjp(forward, primals, dout):
    import jax
    import jax.numpy as jnp
    primals = tuple(jnp.asarray(p.value if isinstance(p, keras.Variable) else p) for p in primals)
    out, pullback = jax.vjp(forward, *primals)  # unconnected inputs get zeros
    seed = jnp.ones_like(out) if _checked(dout, out) is None else jnp.asarray(dout)
    return out, tuple(pullback(seed))


def _torch_vjp(forward, primals, dout):
    import torch
    primals = tuple(keras.ops.convert_to_tensor(p).detach().clone().requires_grad_(True) for p in primals)
    out = forward(*primals)
    seed = _checked(dout, out)
    if not out.requires_grad:  # out does not depend on any primal
        return out, tuple(torch.zeros_like(p) for p in primals)
    grads = torch.autograd.grad(out, primals, grad_outputs=None if seed is None else keras.ops.convert_to_tensor(seed),
                                allow_unused=True)
    return out.detach(), tuple(torch.zeros_like(p) if g is None else g for p, g in zip(primals, grads))


def _tensorflow_value_and_grads(loss_fn, variables):
    import tensorflow as tf
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return loss, tape.gradient(loss, variables, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def _jax_value_and_grads(loss_fn, variables):
    import jax

    def loss_of(values):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            return loss_fn()
    return jax.value_and_grad(loss_of)([v.value for v in variables])


def _torch_value_and_grads(loss_fn, variables):
    import torch
    loss = loss_fn()
    grads = torch.autograd.grad(loss, [v.value for v in variables], allow_unused=True)
    return loss.detach(), [torch.zeros_like(v.value) if g is None else g for v, g in zip(variables, grads)]


_VJP = {"tensorflow": _tensorflow_vjp, "jax": _jax_vjp, "torch": _torch_vjp}
_VALUE_AND_GRADS = {"tensorflow": _tensorflow_value_and_grads, "jax": _jax_value_and_grads,
                    "torch": _torch_value_and_grads}
