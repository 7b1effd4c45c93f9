"""Keras on JAX and on torch, where its arithmetic differs from Keras on TensorFlow: one row per (concept, backend,
formula key), the value the NumPy reference needs there and the reason, read from the backend's code. Everything
else follows Keras's convention (``conventions.convention(concept, "keras[jax]")``), apart from the backend-wide
``KERAS_BACKEND_FORMULA``. A key must already be a formula key of the concept's Keras convention (checked by
tests/test_keras_backends.py), so the reference takes it as a keyword."""
from typing import NamedTuple

__all__ = ["BackendRow", "ROWS"]


class BackendRow(NamedTuple):
    concept: str
    backend: str  # "jax" or "torch"
    key: str
    value: object
    reason: str


def _both(concept, key, value, jax_reason, torch_reason):
    return (BackendRow(concept, "jax", key, value, jax_reason), BackendRow(concept, "torch", key, value, torch_reason))


ROWS = (
    BackendRow("leaky_relu", "jax", "grad_at_zero", "one", "jax.nn.leaky_relu is jnp.where(x >= 0, x, s * x): "
                                                         "x == 0 takes the identity branch's derivative, 1"),
    *_both("elu", "exp_form", "expm1", "jax.nn.elu uses jnp.expm1", "Keras calls F.elu (ATen: expm1)"),
    *_both("selu", "exp_form", "expm1", "jax.nn.selu is scale * elu: jnp.expm1", "Keras calls F.selu (ATen: expm1)"),
    *_both("selu", "grad_branch", "input", "jnp.where(x > 0, ...): x == 0 takes the exponential branch's derivative",
           "ATen's elu backward tests x <= 0"),
    *_both("quantile", "grad_at_zero", "split", "the derivative of jnp.maximum shares a tie equally (lax.max's JVP)",
           "Keras calls torch.maximum, whose backward shares a tie equally"),
    BackendRow("ctc", "torch", "log_zero", None, "keras.ops.ctc_loss calls F.ctc_loss: the exact log-space recursion"),
    BackendRow("ctc", "jax", "log_zero", -1e5, "Keras's JAX ctc_loss starts every state but the first at "
                                               "log_epsilon = -1e5 (and adds it to forbidden transitions), not -inf"),
    BackendRow("reduce_on_plateau", "jax", "compare_dtype", "float64",
               "ops.less on Python floats: JAX makes them float64 (x64), TensorFlow float32 tensors"),
)
