"""Training parity step by step: the same network (weights drawn once in NumPy, copied into torch's
``nn.Linear`` as W.T and into Keras's ``Dense`` as W), the same batches in the same order, the same loss and
update rule; per step the loss, every parameter and every gradient compared across the implementations.

A row (``Training``) is one network x update rule; its regimes are the Keras training paths: ``tape`` (a
custom ``GradientTape`` loop, traced once) and, where listed, ``fit`` (``model.fit(shuffle=False)``, weights
read by a callback; no gradients). NumPy and torch train the same way in both. Keras runs are traced together
(``run_keras_batch``), as trajectory.py does for update rules. Keyword names are prefixed by the part they
configure (``model.dtype``, ``loss.reduction``, ``opt.lr``: conventions/training.py).
"""
import functools
from dataclasses import KW_ONLY, dataclass
from typing import Callable

import keras_impl.models
import keras_impl.training as keras_training
import reference_numpy.models
import torch_impl.models

from argchecks import mlp_names

from . import backends
from .conventions import compute_precision, convention
from .conventions.training import split
from .frameworks import attempt, framework_of, floatx_of, keras_floatx
from .inputs import rng_for
from .row import Row
from .runner import classify, digests, gaps, measure, pair_backends, row_for
from .schema import IMPLS, PAIRS
from .tolerance import tolerance_for
from .trajectory import step_columns

__all__ = ["Training", "problem", "build", "run_keras_batch", "execute"]

MODELS = (reference_numpy.models, torch_impl.models, keras_impl.models)


@dataclass(frozen=True)
class Training(Row):
    """A case row: a network (layer sizes, one activation per layer) trained with ``loss`` and ``optimizer``
    (each a (numpy, torch, keras) triple of package functions) on ``data(rng, dtype) -> (x, y)`` in
    mini-batches of ``batch_size`` for ``epochs``; ``numpy``/``torch``/``keras`` are the packages' ``train``."""
    sizes: tuple
    activations: tuple
    loss: tuple
    optimizer: tuple
    data: Callable
    batch_size: int
    epochs: int
    _: KW_ONLY
    regimes: tuple = ("tape",)
    batchnorm: tuple = ()  # one bool per layer: batch normalisation before its activation (argchecks.mlp_names)

    @property
    def names(self):
        return mlp_names(len(self.activations), self.batchnorm)

    @property
    def quantities(self):
        return ("loss", *self.names, *(f"grad_{n}" for n in self.names))

    def quantities_of(self, regime):
        """``fit`` exposes no gradients: its rows are the loss and the parameters."""
        return self.quantities[:1 + len(self.names)] if regime == "fit" else self.quantities


def problem(run, seed):
    """(initial params W1, b1, ... in float64, x, y in the run's dtype): drawn once per (concept, dtype), so
    every regime and variant of a run trains the same network on the same data."""
    from .cases.models import mlp_params
    rng = rng_for(seed, f"{run.case.family}/{run.case.concept}/{run.dtype}")
    params = list(mlp_params(rng, run.case.sizes, run.case.batchnorm).values())
    x, y = run.case.data(rng)
    return [p.astype(run.dtype) for p in params], x.astype(run.dtype), y.astype(run.dtype)


def _numpy_parts(run, framework, flip=None):
    """The framework's convention as NumPy keywords, per part; ``"floatx"`` means the floatx Keras ran with."""
    kwargs = run.numpy_kwargs(framework)
    if flip is not None:
        kwargs[flip.key] = flip.value
    return split({k: floatx_of(run) if v == "floatx" else v for k, v in kwargs.items()})


def build(run, part_index, parts, params, x, y):
    """(model, loss, optimizer, x, y) of one package (``part_index`` 0 numpy, 1 torch, 2 keras) from per-part
    keywords. A NumPy model of ``dtype`` d stores its parameters in d (a Keras dtype policy's variables)."""
    case, model_kw = run.case, dict(parts["model"])
    if part_index == 0 and model_kw.get("dtype"):
        params, x = [p.astype(model_kw["dtype"]) for p in params], x.astype(model_kw["dtype"])
        y = y.astype(model_kw["dtype"])  # Keras casts the targets to the prediction's dtype
    model = MODELS[part_index].mlp_model(params, activations=case.activations, batchnorm=case.batchnorm, **model_kw)
    loss = functools.partial(case.loss[part_index], **parts["loss"])
    return model, loss, case.optimizer[part_index](**parts["opt"]), x, y


def _train(run, seed, part_index, parts):
    params, x, y = problem(run, seed)
    model, loss, optimizer, x, y = build(run, part_index, parts, params, x, y)
    train = (run.case.numpy, run.case.torch)[part_index]
    return train(model, loss, optimizer, x, y, batch_size=run.case.batch_size, epochs=run.case.epochs)


def _keras_job(run, seed):
    params, x, y = problem(run, seed)
    model, loss, optimizer, x, y = build(run, 2, split(run.kwargs), params, x, y)
    return model, loss, optimizer, x, y, run.case.batch_size, run.case.epochs


def _keras_group(runs, seed):
    with keras_floatx(floatx_of(runs[0])):
        tapes = [run for run in runs if run.regime == "tape"]
        histories = keras_training.train_many([_keras_job(r, seed) for r in tapes])
        out = dict(zip((r.id for r in tapes), histories))
        for run in runs:
            if run.regime == "fit":
                model, loss, optimizer, x, y, batch_size, epochs = _keras_job(run, seed)
                out[run.id] = attempt(lambda: keras_training.fit_history(
                    model, loss, optimizer, x, y, batch_size=batch_size, epochs=epochs))
    return out


def run_keras_batch(runs, seed):
    """The Keras histories of ``runs``: the tape loops of runs sharing floatx traced in one graph; a batch that
    fails is retried run by run, so one broken row gives its own ERROR rows only. {run.id: history or exception}."""
    groups, out = {}, {}
    for run in runs:
        groups.setdefault(floatx_of(run), []).append(run)
    for group in groups.values():
        try:
            out.update(_keras_group(group, seed))
        except Exception:
            for run in group:
                result = attempt(_keras_group, [run], seed)
                out[run.id] = result if isinstance(result, Exception) else result[run.id]
    return out


def _compute_dtype(run, impl):
    """The precision an implementation trains in: its model's dtype (a Keras policy), else the run's (float32 for
    float64 on Keras's JAX and torch: ``conventions.compute_precision``)."""
    kwargs = convention(run.case.concept, framework_of(impl)).numpy_kwargs(run.kwargs)
    return compute_precision(framework_of(impl), kwargs.get("model.dtype") or run.dtype)


def tolerance(run, pair, quantity):
    """The tolerance of the lower precision the pair trains in (as runner.tolerance)."""
    dtype = "float32" if "float32" in {_compute_dtype(run, impl) for impl in pair} else run.dtype
    return tolerance_for(dtype, run.regime, quantity, run.case.overrides, pair_backends(pair))


def _flip_matters(flipped, quantity, base, tol, difference):
    """Whether numpy[torch] with the key of ``difference`` set to Keras's value leaves tolerance."""
    try:
        history = flipped(difference.flip())[quantity]
        return any(not measure(history[:n], base[:n], tol).ok for n in (1, len(base)))  # step 1 usually decides
    except Exception:  # the key alone makes the reference reject the run: it matters
        return True


def _pair_row(run, seed, results, quantity, pair, flipped):
    failed = [(i, results[i]) for i in pair if isinstance(results[i], Exception)]
    if failed:
        cause = f"{failed[0][0]}: {type(failed[0][1]).__name__}: {failed[0][1]}"
        return row_for(run, seed, *pair, quantity, status="ERROR", cause=cause)
    try:
        view = {impl: {quantity: r[quantity]} for impl, r in results.items() if not isinstance(r, Exception)}
        tol = tolerance(run, pair, quantity)
        gap_of = gaps(view, quantity, lambda p: tolerance(run, p, quantity))
        gap = gap_of(pair)
        matters = functools.partial(_flip_matters, flipped, quantity, view["numpy[torch]"][quantity], tol)
        verdict = classify(run, pair, gap_of, matters)
        steps = step_columns(view[pair[0]][quantity], view[pair[1]][quantity], tol) if gap.metrics else {}
    except Exception as exc:
        return row_for(run, seed, *pair, quantity, status="ERROR", cause=f"comparing: {exc!r}")
    numbers = vars(gap.metrics) if gap.metrics else {}
    return row_for(run, seed, *pair, quantity, atol=tol[0], rtol=tol[1], **verdict._asdict(), **numbers, **steps,
                   **digests(view, pair, quantity))


def _references(run, seed, numpy):
    """{impl: history} of the NumPy implementations ``numpy``: one training per distinct set of keywords
    (numpy[keras] and numpy[keras[jax]] make one where the backends agree)."""
    keys = {impl: repr(sorted(run.numpy_kwargs(framework_of(impl)).items(), key=repr)) for impl in numpy}
    trained = {}
    for impl in numpy:
        if keys[impl] not in trained:
            trained[keys[impl]] = attempt(_train, run, seed, 0, _numpy_parts(run, framework_of(impl)))
    return {impl: trained[keys[impl]] for impl in numpy}


def execute(run, seed, keras_result=None):
    """All rows of one training run: per quantity and pair; crashes become ERROR rows. ``keras_result`` is
    this run's entry of ``run_keras_batch`` (computed here when absent)."""
    results = _references(run, seed, [i for i in backends.impls(run, IMPLS) if i.startswith("numpy[")])
    results["torch"] = attempt(_train, run, seed, 1, split(run.kwargs))
    results["keras"] = keras_result if keras_result is not None else run_keras_batch([run], seed)[run.id]
    results |= {impl: attempt(backends.result, impl, run) for impl in backends.impls(run, ()) if backends.is_remote(impl)}

    @functools.lru_cache(maxsize=None)
    def flipped(flip):  # numpy[torch] with one convention key flipped: one run per key for all rows
        return _train(run, seed, 0, _numpy_parts(run, "torch", flip=flip))
    return [_pair_row(run, seed, results, q, pair, flipped) for q in run.case.quantities_of(run.regime)
            for pair in backends.pairs(run, PAIRS)]
