"""The NumPy reference run with one framework's values: ``numpy[torch]`` and ``numpy[keras]`` of a user's model.

Every layer, the loss and the update rule are the NumPy reference's, called with the values the conventions
table and the user's objects give for that framework (``Binding.values``); activations, losses and update
rules are found through the suite's own case rows (``ALL_CASES``, ``ALL_RULES``), so a concept is wired once.
A torch~keras gap counts as explained only when these two runs reproduce it.
"""
import functools
import inspect
import sys

import keras
import numpy as np

import reference_numpy.autograd as autograd
import reference_numpy.layers as layers

from ..cases import ALL_CASES, ALL_RULES
from .sides import StepResult

__all__ = ["NumpySide", "CASES", "RULES"]

CASES = {c.concept: c for c in ALL_CASES}
RULES = {r.concept: r for r in ALL_RULES}


@functools.lru_cache(maxsize=None)
def _own_keywords(fn):
    return frozenset(p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY)


@functools.lru_cache(maxsize=None)
def _keywords(fn):
    """Keyword-only names of ``fn`` and of its hand-written backward, if any."""
    backward = getattr(sys.modules[fn.__module__], f"{fn.__name__.removesuffix('_forward')}_backward", None)
    return _own_keywords(fn) | (_own_keywords(backward) if backward else frozenset())


def keywords_for(fn, values):
    """``values`` restricted to what ``fn`` (or its backward) takes; ``"floatx"`` is Keras's floatx."""
    return {k: keras.config.floatx() if v == "floatx" else v for k, v in values.items() if k in _keywords(fn)}


def _dense(values, w, h, training):
    out, cache = layers.dense_forward(h, w["W"], w["b"], dtype=values["dtype"])
    return out, ("dense", cache), {}


def _batchnorm(values, w, h, training):
    eps = values["eps"]
    if not training:
        out, cache = layers.batchnorm_inference_forward(h, w["gamma"], w["beta"], w["running_mean"], w["running_var"],
                                                        eps=eps, dtype=values["dtype"])
        return out, ("batchnorm_inference", cache), {}
    out, cache = layers.batchnorm_forward(h, w["gamma"], w["beta"], eps=eps, dtype=values["dtype"])
    stats = layers.batchnorm_running_stats(h, w["running_mean"], w["running_var"],
                                           **keywords_for(layers.batchnorm_running_stats, values))
    buffers = {"running_mean": stats[0].astype(w["running_mean"].dtype), "running_var": stats[1].astype(w["running_var"].dtype)}
    return out, ("batchnorm", cache), buffers


_FORWARD = {"dense": _dense, "batchnorm": _batchnorm,
            "dropout": lambda values, w, h, training: (h, ("identity", None), {}),
            "flatten": lambda values, w, h, training: (h.reshape(len(h), -1), ("flatten", h.shape), {})}
_BACKWARD = {"dense": lambda c, g: dict(zip(("x", "W", "b"), layers.dense_backward(g, c))),
             "batchnorm": lambda c, g: dict(zip(("x", "gamma", "beta"), layers.batchnorm_backward(g, c))),
             "batchnorm_inference": lambda c, g: dict(zip(("x", "gamma", "beta"),
                                                          layers.batchnorm_inference_backward(g, c))),
             "identity": lambda c, g: {"x": g}, "flatten": lambda c, g: {"x": g.reshape(c)}}


def _activation(concept, values, w, h):
    fn, primals = CASES[concept].numpy, (h, w["alpha"]) if "alpha" in w else (h,)
    kwargs = keywords_for(fn, values)
    out = autograd.output(fn, *primals, **{k: v for k, v in kwargs.items() if k in _own_keywords(fn)})
    return out, ("activation", (fn, primals, kwargs)), {}


def _activation_backward(cache, g):
    fn, primals, kwargs = cache
    _, grads = autograd.vjp(fn, primals, g, **kwargs)
    return dict(zip(("x", "alpha"), grads))


_BACKWARD["activation"] = _activation_backward


def _forward(kind):
    return _FORWARD.get(kind) or (lambda values, w, h, training: _activation(kind, values, w, h))


def _compute_dtype(element):
    """A Keras layer computes in its dtype policy (inputs cast to it); torch and functions in the input's."""
    return getattr(element.call, "compute_dtype", None) if isinstance(element.call, keras.layers.Layer) else None


def _bound_spec(binding, obj, table, flip):
    """(reference function or factory, keywords) of a loss or an update rule: its binding's values, with
    ``flip`` ({key: value}) overriding some."""
    concept = binding.concepts[0]  # a bound loss or optimizer is narrowed to the concept its values select
    fn = table[concept].numpy
    return fn, keywords_for(fn, {**binding.values(obj), **flip})


class NumpySide:
    """``numpy[side]``: the reference chain with ``side``'s values, from ``side``'s starting ``weights``. ``parts``
    holds the side's bound loss and optimizer (``Bound`` or None); ``flip`` = (scope, key, value) replaces one
    value (scope: a pair index, ``"loss"`` or ``"optimizer"``), to ask whether that key alone moves the run."""

    def __init__(self, pairs, side, weights, *, loss, optimizer, training, input_dtype, flip=None):
        self.pairs, self.side, self.training, self.input_dtype = pairs, side, training, input_dtype
        override = lambda scope: {flip[1]: flip[2]} if flip and flip[0] == scope else {}  # noqa: E731
        self.elements = [getattr(p, side) for p in pairs]
        self.values = [{**e.values(), **override(p.index), "dtype": None} for p, e in zip(pairs, self.elements)]
        self.weights = weights  # {(pair index, name): array}: the side's starting weights
        self.loss = _bound_spec(loss.binding, loss.obj, CASES, override("loss")) if loss else None
        self.trainable = [(p.index, prm.name) for p, e in zip(pairs, self.elements) for prm in e.binding.params
                          if prm.trainable]
        spec = _bound_spec(optimizer.binding, optimizer.obj, RULES, override("optimizer")) if optimizer else None
        self.optimizer = spec[0](**spec[1]) if spec else None
        self.state = self.optimizer.init(tuple(self.weights[k] for k in self.trainable)) if spec else None

    def _objective(self, h, y, dout):
        if self.loss is None:
            g = dout.astype(h.dtype)
            return np.sum(h * g), g
        fn, kwargs = self.loss
        y = np.asarray(y)
        y = y.astype(h.dtype) if y.dtype.kind == "f" else y
        value, (g,) = autograd.vjp(fn, (h,), np.ones((), dtype=kwargs.get("dtype") or h.dtype), (y,), **kwargs)
        return value, g

    def step(self, x, y, dout):
        h, caches, outputs = np.asarray(x), [], []
        h = h.astype(self.input_dtype) if self.input_dtype else h
        for pair, element, values in zip(self.pairs, self.elements, self.values):
            in_dtype, dtype = h.dtype, _compute_dtype(element)
            h = h.astype(dtype) if dtype and h.dtype != dtype else h
            w = {prm.name: self.weights[(pair.index, prm.name)] for prm in element.binding.params}
            h, cache, buffers = _forward(element.kind)(values, w, h, self.training)
            self.weights.update({(pair.index, name): value for name, value in buffers.items()})
            caches.append((pair.index, cache, in_dtype))
            outputs.append(h)
        objective, g = self._objective(h, y, dout)
        grads = {}
        for index, (kind, cache), in_dtype in reversed(caches):
            named = _BACKWARD[kind](cache, g)
            g = named.pop("x").astype(in_dtype)
            grads.update({(index, name): value for name, value in named.items()})
        grads[(-1, "x")] = g
        self._last = grads
        return StepResult(outputs, np.asarray(objective), grads, dict(self.weights))

    def update(self):
        params = tuple(self.weights[k] for k in self.trainable)
        params, self.state = self.optimizer.update(tuple(self._last[k] for k in self.trainable), self.state, params)
        self.weights.update(zip(self.trainable, params))
