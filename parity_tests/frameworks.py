"""Calling each implementation on shared NumPy inputs and bringing results back as NumPy arrays.

Implementations are named ``numpy[torch]``, ``numpy[keras]`` (the reference under each framework's
convention), ``torch`` and ``keras`` (Keras on the backend of this process), as ``schema.IMPL`` records them;
``keras[jax]`` and ``keras[torch]`` come from one process per backend (``backends``). Frameworks are imported once,
here.
"""
import contextlib
import functools
import inspect

import keras
import numpy as np
import torch

import keras_impl.autograd as keras_autograd
import reference_numpy.autograd as numpy_autograd
import torch_impl.autograd as torch_autograd

from .case import split_inputs
from .conventions import convention
from .inputs import rng_for
from . import backends
from .schema import IMPL, IMPLS, PAIRS

__all__ = ["IMPLS", "PAIRS", "KERAS_DEFAULT_FLOATX", "framework_of", "inputs_for", "floatx_of", "keras_floatx", "attempt",
           "call", "versions"]

KERAS_DEFAULT_FLOATX = keras.config.floatx()  # what a user gets: the defaults variant keeps it

# Small tensors: one thread is fastest and makes reductions run in one fixed order.
torch.set_num_threads(1)
if keras.backend.backend() == "tensorflow":  # a keras[jax] or keras[torch] process never imports TensorFlow
    import tensorflow as tf
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)


def framework_of(impl):
    """The framework whose conventions ``impl`` follows (``schema.Impl.framework``)."""
    return IMPL[impl].framework


def inputs_for(impl, run, inputs):
    """Inputs as ``impl`` sees them: in the defaults variant, learnable parameters named in the row's
    ``init_inputs`` start from that framework's ``param_init`` (e.g. PReLU's 0.25 vs 0)."""
    if run.variant != "defaults" or not run.case.init_inputs:
        return inputs
    init = convention(run.case.concept, framework_of(impl)).param_init
    return {k: np.full_like(v, init[k]) if k in run.case.init_inputs else v for k, v in inputs.items()}


def _numpy_kwargs(run, framework, flip):
    kwargs = run.numpy_kwargs(framework)
    if flip is not None and flip.group != "param_init":
        kwargs[flip.key] = flip.value
    return kwargs


def _upstream(run, seed, inputs, framework, flip):
    """The upstream gradient for this framework's output shape: the NumPy convention predicts the
    shape and dtype; equal shapes get equal values, so implementations are comparable."""
    kwargs = _forward_only(run.case.numpy, _numpy_kwargs(run, framework, flip))
    out = numpy_autograd.output(run.case.numpy, *inputs.values(), **kwargs)  # a layer's (out, cache) gives out
    rng = rng_for(seed, f"{run.input_key}/dout{out.shape}")
    return rng.standard_normal(out.shape).astype(out.dtype)


@functools.lru_cache(maxsize=None)
def _parameters(fn):
    return frozenset(inspect.signature(fn).parameters)


def _forward_only(fn, kwargs):
    return {k: v for k, v in kwargs.items() if k in _parameters(fn)}


def floatx_of(run):
    """The floatx Keras runs ``run`` with: the run's dtype when aligned; the user's default otherwise."""
    return run.dtype if run.variant == "aligned" else KERAS_DEFAULT_FLOATX


def attempt(fn, *args):
    """``fn(*args)``, or the exception it raised: a crash in one implementation must not hide the other rows."""
    try:
        return fn(*args)
    except Exception as exc:
        return exc


@contextlib.contextmanager
def keras_floatx(dtype):
    """Keras creates its constants and variables in floatx: set it for a block."""
    previous = keras.config.floatx()
    keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def _pack(case, out, *grads):
    return {"forward": out} | {f"grad_{n}": g for n, g in zip(case.grad_wrt, grads)}


def _call_numpy(run, inputs, dout, framework, flip):
    kwargs = _numpy_kwargs(run, framework, flip)
    if not run.case.grad_wrt:
        return {"forward": numpy_autograd.output(run.case.numpy, *inputs.values(), **kwargs)}
    primals, constants = split_inputs(run.case, inputs)
    out, grads = numpy_autograd.vjp(run.case.numpy, primals, dout, constants, **kwargs)
    return _pack(run.case, out, *grads)


def _call_torch(run, inputs, dout):
    primals, constants = split_inputs(run.case, inputs, lambda a: torch.from_numpy(a.copy()))
    if not run.case.grad_wrt:
        return {"forward": run.case.torch(*constants, **run.kwargs).numpy()}
    out, grads = torch_autograd.vjp(run.case.torch, primals, torch.from_numpy(dout.copy()), constants, **run.kwargs)
    return _pack(run.case, out.numpy(), *(g.numpy() for g in grads))


def _call_keras(run, inputs, dout):
    # Keras computes in floatx: aligned runs set it to the run's dtype, defaults keep the user's default.
    with keras_floatx(floatx_of(run)):
        primals, constants = split_inputs(run.case, inputs, keras.ops.convert_to_tensor)
        if not run.case.grad_wrt:
            return {"forward": keras.ops.convert_to_numpy(run.case.keras(*constants, **run.kwargs))}
        out, grads = keras_autograd.vjp(run.case.keras, primals, keras.ops.convert_to_tensor(dout), constants,
                                        **run.kwargs)
    return _pack(run.case, *(keras.ops.convert_to_numpy(t) for t in (out, *grads)))


def call(impl, run, inputs, seed, flip=None, *, dout=None, dout_dtype=None):
    """{quantity: ndarray} for one implementation on one run (``inputs`` as ``inputs_for`` gives them).

    ``flip`` (a ``conventions.Flip``) re-runs a NumPy convention with one key changed (cause attribution);
    ``dout``: the upstream gradient (default: a seeded one, the same for every implementation, cast to
    ``dout_dtype`` when given).
    """
    if backends.is_remote(impl):
        return backends.result(impl, run)
    framework = framework_of(impl)
    if flip is not None and flip.group == "param_init":
        inputs = {**inputs, flip.key: np.full_like(inputs[flip.key], flip.value)}
    if dout is None and run.case.grad_wrt:
        dout = _upstream(run, seed, inputs, framework, flip)
        dout = dout if dout_dtype is None else dout.astype(dout_dtype)
    if impl == "torch":
        return _call_torch(run, inputs, dout)
    if impl == "keras":
        return _call_keras(run, inputs, dout)
    return _call_numpy(run, inputs, dout, framework, flip)


def versions():
    import platform
    import scipy
    import tensorflow as tf  # versions are the TensorFlow process's (a backend process reports its own)
    return {"python": platform.python_version(), "platform": platform.platform(), "numpy": np.__version__,
            "scipy": scipy.__version__, "torch": torch.__version__, "tensorflow": tf.__version__,
            "keras": keras.__version__, "keras_backend": keras.backend.backend(),
            "keras_default_floatx": KERAS_DEFAULT_FLOATX}
