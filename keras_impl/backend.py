"""The Keras backend of this process (``KERAS_BACKEND``, fixed at Keras's import) and what keras_impl needs of it
beyond ``keras.ops``: whether a tensor holds readable values, and a traced map over steps (schedules).
Backend-specific code elsewhere in keras_impl is chosen through ``BACKEND`` where it lives (gradients:
``autograd``; traced training loops: ``training``)."""
import functools

import keras

__all__ = ["BACKEND", "is_eager", "map_steps"]

BACKEND = keras.backend.backend()


def is_eager(x):
    """True when ``x``'s values can be read now: not a symbolic KerasTensor, not inside a ``tf.function`` graph,
    not a JAX tracer (``jax.vjp``/``jax.jit``); torch is always eager. Checks of values (NaN, ranges) run on eager
    tensors only: a traced computation cannot branch on data."""
    if keras.backend.is_keras_tensor(x):
        return False
    if BACKEND == "tensorflow":
        import tensorflow as tf
        return tf.executing_eagerly()
    if BACKEND == "jax":
        import jax
        return not isinstance(x, jax.core.Tracer)
    return True


def map_steps(fn, steps, dtype):
    """``fn(step)`` for each scalar of ``steps`` (a 1-d int tensor), stacked, traced as the backend traces
    ``fit``'s train step (an optimizer calls a schedule inside it): ``tf.map_fn`` in a ``tf.function`` on
    TensorFlow, ``jax.lax.map`` in ``jax.jit`` on JAX, a Python loop on torch (whose ``fit`` runs eagerly).
    ``dtype``: what ``fn`` returns (TensorFlow's traced loop needs it up front)."""
    if BACKEND == "tensorflow":
        import tensorflow as tf
        signature = tf.TensorSpec((), dtype)
        # a partial (no __code__) is its own tf.function key: no retracing warning across schedules
        traced = tf.function(functools.partial(_tensorflow_map, fn, signature), autograph=False)
        return traced(steps)
    if BACKEND == "jax":
        import jax
        return jax.jit(functools.partial(jax.lax.map, fn))(steps)
    return keras.ops.stack([fn(step) for step in steps])


def _tensorflow_map(fn, signature, steps):
    import tensorflow as tf
    return tf.map_fn(fn, steps, fn_output_signature=signature)
