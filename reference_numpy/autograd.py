"""The NumPy reference's "autograd": every differentiable ``f`` has a hand-written ``f_backward``.

``vjp(fn, primals, dout)`` has the same shape as the torch and Keras helpers of the same name, so
the three packages are called alike. Two pairing rules, both enforced by the mirror test:

- a function ``f(*inputs)`` returns its output and pairs with ``f_backward(dout, *inputs)``;
- a layer in llm.c's style, ``X_forward(*inputs)``, returns ``(out, cache)`` and pairs with
  ``X_backward(dout, cache)`` (the cache holds what the backward needs). ``output`` takes ``out``.
"""
import functools
import inspect
import sys

__all__ = ["vjp", "output"]

LAYER_SUFFIX = "_forward"


def _is_layer(fn):
    """``X_forward`` returns ``(out, cache)`` and pairs with ``X_backward(dout, cache)``."""
    return fn.__name__.endswith(LAYER_SUFFIX)


def _backward_of(fn):
    """The hand-written VJP of ``fn`` from ``fn``'s own module: ``f_backward`` for ``f``, ``X_backward``
    for ``X_forward``."""
    return getattr(sys.modules[fn.__module__], f"{fn.__name__.removesuffix(LAYER_SUFFIX)}_backward")


@functools.lru_cache(maxsize=None)
def _keywords(fn):
    return frozenset(p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY)


def _split_result(fn, result):
    """``(out, cache)`` of a call: a layer's pair, or a plain function's output with no cache."""
    if not _is_layer(fn):
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"{fn.__name__} must return (out, cache), got {type(result).__name__}")
    return result


def output(fn, *args, **kwargs):
    """``fn``'s output for these arguments: the value of a plain function, ``out`` of a layer's pair."""
    return _split_result(fn, fn(*args, **kwargs))[0]


def vjp(fn, primals, dout, constants=(), **kwargs):
    r"""Return ``(out, grads)``: ``out = fn(*primals, *constants)``, ``grads[i]`` = :math:`g^\top \partial\,out / \partial\,primals_i`.

    ``constants`` (targets, labels) follow the primals and are not differentiated; the backward
    returns one gradient per primal. Each keyword goes to whichever of forward and backward declares
    it: a backward-only switch such as ``grad_at_zero`` describes a kink, not the forward value.
    A layer's backward gets ``(dout, cache)`` instead of the inputs.
    """
    backward = _backward_of(fn)
    unknown = set(kwargs) - _keywords(fn) - _keywords(backward)
    if unknown:
        raise TypeError(f"{fn.__name__} got unexpected keyword(s) {sorted(unknown)}")
    result = fn(*primals, *constants, **{k: v for k, v in kwargs.items() if k in _keywords(fn)})
    out, cache = _split_result(fn, result)
    inputs = (cache,) if _is_layer(fn) else (*primals, *constants)
    grads = backward(dout, *inputs, **{k: v for k, v in kwargs.items() if k in _keywords(backward)})
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(primals):
        raise TypeError(f"{backward.__name__} returned {len(grads)} gradients for {len(primals)} primals")
    return out, grads
