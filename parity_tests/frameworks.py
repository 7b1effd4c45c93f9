"""Calling each implementation on shared NumPy inputs and bringing results back as NumPy arrays.

Implementations are named ``numpy[torch]``, ``numpy[keras]`` (the reference under each framework's
convention), ``torch`` and ``keras``. Frameworks are imported once, here.
"""
import contextlib

import keras
import numpy as np
import tensorflow as tf
import torch

import keras_impl.autograd as keras_autograd
import reference_numpy.autograd as numpy_autograd
import torch_impl.autograd as torch_autograd

from .conventions import convention

__all__ = ["IMPLS", "PAIRS", "framework_of", "inputs_for", "call", "versions"]

IMPLS = ("numpy[torch]", "numpy[keras]", "torch", "keras")
PAIRS = (("numpy[torch]", "torch"), ("numpy[keras]", "keras"), ("torch", "keras"))

# Small tensors: one thread is fastest and makes reductions run in one fixed order.
torch.set_num_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.threading.set_intra_op_parallelism_threads(1)


def framework_of(impl):
    return impl.removeprefix("numpy[").removesuffix("]")


def inputs_for(impl, run, inputs):
    """Inputs as ``impl`` sees them: in the defaults variant, learnable parameters named in the row's
    ``init_inputs`` start from that framework's ``param_init`` (e.g. PReLU's 0.25 vs 0)."""
    if run.variant != "defaults" or not run.case.init_inputs:
        return inputs
    init = convention(run.case.concept, framework_of(impl)).param_init
    return {k: np.full_like(v, init[k]) if k in run.case.init_inputs else v for k, v in inputs.items()}


def _pack(case, names, out, grads):
    result = {"forward": out}
    result.update({f"grad_{n}": g for n, g in zip(names, grads) if n in case.grad_wrt})
    return result


@contextlib.contextmanager
def _floatx(dtype):
    """Keras creates its own constants and variables in floatx: match the run's dtype."""
    previous = keras.config.floatx()
    keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def _call_numpy(run, inputs, dout, framework, flip=None):
    kwargs = convention(run.case.concept, framework).numpy_kwargs(run.kwargs)
    if flip is not None:  # one convention key set to the other framework's value
        group, key, value = flip
        if group == "param_init":
            inputs = {**inputs, key: np.full_like(inputs[key], value)}
        else:
            kwargs[key] = value
    primals = tuple(inputs.values())
    if not run.case.grad_wrt:
        return {"forward": run.case.numpy(*primals, **kwargs)}
    out, grads = numpy_autograd.vjp(run.case.numpy, primals, dout, **kwargs)
    return _pack(run.case, inputs, out, grads)


def _call_torch(run, inputs, dout):
    primals = tuple(torch.from_numpy(a.copy()) for a in inputs.values())
    if not run.case.grad_wrt:
        return {"forward": run.case.torch(*primals, **run.kwargs).numpy()}
    out, grads = torch_autograd.vjp(run.case.torch, primals, torch.from_numpy(dout.copy()), **run.kwargs)
    return _pack(run.case, inputs, out.numpy(), [g.numpy() for g in grads])


def _call_keras(run, inputs, dout):
    with _floatx(run.dtype):
        primals = tuple(tf.convert_to_tensor(a) for a in inputs.values())
        if not run.case.grad_wrt:
            return {"forward": keras.ops.convert_to_numpy(run.case.keras(*primals, **run.kwargs))}
        out, grads = keras_autograd.vjp(run.case.keras, primals, tf.convert_to_tensor(dout), **run.kwargs)
    return _pack(run.case, inputs, out.numpy(), [g.numpy() for g in grads])


def call(impl, run, inputs, dout, flip=None):
    """{quantity: ndarray} for one implementation on one run.

    ``flip=(group, key, value)`` re-runs a NumPy convention with one key changed (cause attribution).
    """
    if impl == "torch":
        return _call_torch(run, inputs, dout)
    if impl == "keras":
        return _call_keras(run, inputs, dout)
    return _call_numpy(run, inputs, dout, framework_of(impl), flip)


def versions():
    import platform
    import scipy
    return {"python": platform.python_version(), "platform": platform.platform(), "numpy": np.__version__,
            "scipy": scipy.__version__, "torch": torch.__version__, "tensorflow": tf.__version__,
            "keras": keras.__version__, "keras_backend": keras.backend.backend()}
