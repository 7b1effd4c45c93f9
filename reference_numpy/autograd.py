"""The NumPy reference's "autograd": every differentiable ``f`` has a hand-written ``f_backward``.

``vjp(fn, primals, dout)`` has the same shape as the torch and Keras helpers of the same name, so
the three packages are called alike. The pairing rule (``<name>_backward`` in ``fn``'s module) is
what the mirror test enforces.
"""
import functools
import inspect
import sys

__all__ = ["vjp"]


def _backward_of(fn):
    """The hand-written VJP of ``fn``: ``<fn.__name__>_backward`` from ``fn``'s own module."""
    return getattr(sys.modules[fn.__module__], f"{fn.__name__}_backward")


@functools.lru_cache(maxsize=None)
def _keywords(fn):
    return frozenset(p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY)


def vjp(fn, primals, dout, constants=(), **kwargs):
    r"""Return ``(out, grads)``: ``out = fn(*primals, *constants)``, ``grads[i]`` = :math:`g^\top \partial\,out / \partial\,primals_i`.

    ``constants`` (targets, labels) follow the primals and are not differentiated; the backward
    returns one gradient per primal. Each keyword goes to whichever of forward and backward declares
    it: a backward-only switch such as ``grad_at_zero`` describes a kink, not the forward value.
    """
    backward = _backward_of(fn)
    unknown = set(kwargs) - _keywords(fn) - _keywords(backward)
    if unknown:
        raise TypeError(f"{fn.__name__} got unexpected keyword(s) {sorted(unknown)}")
    out = fn(*primals, *constants, **{k: v for k, v in kwargs.items() if k in _keywords(fn)})
    grads = backward(dout, *primals, *constants, **{k: v for k, v in kwargs.items() if k in _keywords(backward)})
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(primals):
        raise TypeError(f"{backward.__name__} returned {len(grads)} gradients for {len(primals)} primals")
    return out, grads
