"""Measuring a translation on the suite's inputs: each family's objects run the way the suite runs its rows.

Optimizers: 200 steps on the open-loop gradient sequences of ``trajectory._problem`` (gradient scales 1 and
1e-6), float32 and float64, Keras traced once per dtype (``trajectory.run_keras_batch``) with the user's
default floatx. Schedules: the LR at steps 0..99 (Keras traced as ``model.fit`` runs it). Losses: the value
on every input regime of the concept's Case row, float32 and float64. Layers: the forward pass (BatchNorm:
training step, running statistics, inference) on the Case row's ``x``, float32.
``attribute`` measures one convention key's share with the NumPy reference, as the suite attributes a gap.
"""
import functools
from dataclasses import dataclass

import numpy as np

from .. import DEFAULT_SEED
from ..case import Run
from ..cases import ALL_CASES, ALL_RULES
from ..compare import compare
from ..inputs import rng_for
from ..tolerance import tolerance_for

__all__ = ["Output", "outputs", "gap", "attribute", "row_for", "SCHEDULE_STEPS"]

SCHEDULE_STEPS = 100
DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Output:
    """One measured quantity: its values and the (dtype, regime, quantity) that picks its tolerance."""
    value: np.ndarray
    dtype: str
    regime: str
    quantity: str


def row_for(concept):
    """The suite's row (Rule or Case) of a concept, or None."""
    return next((r for r in ALL_RULES + ALL_CASES if r.concept == concept), None)


def gap(a, b):
    """(max |a - b| over every shared output, all within the tolerance policy?)."""
    size, ok = 0.0, True
    for label in a:
        x, y = a[label], b[label]
        if x.value.shape != y.value.shape:
            return float("inf"), False
        atol, rtol = tolerance_for(_widest(x.dtype, y.dtype), x.regime, x.quantity)
        metrics = compare(np.asarray(x.value, np.float64), np.asarray(y.value, np.float64), atol, rtol)
        size, ok = max(size, metrics.max_abs), ok and metrics.ok
    return size, ok


def _widest(*dtypes):
    return "float32" if "float32" in dtypes else "float64"


# optimizers -------------------------------------------------------------------------------------------------
def _rule(concept, make_torch, make_keras):
    from ..trajectory import Rule
    base = row_for(concept)
    return Rule(base.family, concept, base.numpy, lambda **_: make_torch, lambda **_: make_keras())


def _optimizer_outputs(framework, make, concept):
    from ..trajectory import _problem, _run_torch, run_keras_batch
    out = {}
    for dtype in DTYPES:
        rule = _rule(concept, make, make) if framework == "torch" else _rule(concept, None, make)
        run = Run(rule, "defaults", {}, dtype, "open_loop")
        result = (_run_torch(run, _problem(run, DEFAULT_SEED)) if framework == "torch"
                  else run_keras_batch([run], DEFAULT_SEED)[run.id])
        if isinstance(result, Exception):
            raise result
        for (scenario, quantity), value in result.items():
            out[f"{dtype}/{scenario}/{quantity}"] = Output(value, dtype, "open_loop", quantity)
    return out


# schedules --------------------------------------------------------------------------------------------------
def _schedule_outputs(framework, make, concept):
    if framework == "torch":
        import torch
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=make.lr)
        scheduler, lrs = make(optimizer), []
        for _ in range(SCHEDULE_STEPS):
            lrs.append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
        values, dtype = np.asarray(lrs, np.float64), "float64"
    else:
        from keras_impl.schedules import _evaluate
        values = np.asarray(_evaluate(np.arange(SCHEDULE_STEPS), 1.0, "float32", make()))
        dtype = "float32"
    return {"lr": Output(values, dtype, "typical", "forward")}


# losses -----------------------------------------------------------------------------------------------------
def loss_inputs(concept):
    """{(dtype, regime): inputs} from the concept's Case row (seeded as the suite seeds it)."""
    case = row_for(concept)
    return {(dtype, regime): case.inputs(rng_for(DEFAULT_SEED, f"{case.family}/{concept}/{dtype}/{regime}"),
                                         regime, dtype, case.kinks)
            for dtype in DTYPES for regime in case.all_regimes}


def _framework_tensor(framework, array):
    if framework == "torch":
        import torch
        return torch.from_numpy(np.array(array))
    return np.array(array)


def _loss_outputs(framework, make, concept, call):
    out = {}
    for (dtype, regime), inputs in loss_inputs(concept).items():
        y_pred, y_true = (_framework_tensor(framework, inputs[k]) for k in ("y_pred", "y_true"))
        value = call(make(), y_pred, y_true)
        value = value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)
        out[f"{dtype}/{regime}"] = Output(value, dtype, regime, "forward")
    return out


# layers -----------------------------------------------------------------------------------------------------
def layer_x(concept, features):
    """``x`` (8, features) in the typical and large regimes (the suite's ``inputs.draw``), both dtypes."""
    from ..inputs import draw
    return {(dtype, regime): draw(rng_for(DEFAULT_SEED, f"porting/{concept}/{dtype}/{regime}"), regime,
                                  (8, features)).astype(dtype) for dtype in DTYPES for regime in ("typical", "large")}


def layer_weights(fan_in, fan_out):
    """Dense weights W (in, out) and b, drawn as the suite's layer rows draw them."""
    from ..cases.layers import bias, weight
    rng = rng_for(DEFAULT_SEED, f"porting/dense/weights/{fan_in}x{fan_out}")
    return {"W": weight(rng, fan_in, fan_out).astype("float32"), "b": bias(rng, fan_out).astype("float32")}


def _layer_outputs(framework, make, concept, weights, features):
    out = {}
    for (dtype, regime), x in layer_x(concept, features).items():
        layer = make()
        if framework == "torch":
            import torch
            layer = layer.to(getattr(torch, dtype))
        w = {k: v.astype(dtype) for k, v in weights.items()} if weights else None
        for label, value in _run_layer(framework, layer, x, concept, w).items():
            out[f"{dtype}/{regime}/{label}"] = Output(value, dtype, regime, "forward")
    return out


def _run_layer(framework, layer, x, concept, weights):
    if framework == "torch":
        import torch
        with torch.no_grad():
            if weights:
                layer.weight.copy_(torch.from_numpy(weights["W"].T.copy()))
                layer.bias.copy_(torch.from_numpy(weights["b"]))
            if concept.startswith("batchnorm"):
                train = layer.train()(torch.from_numpy(x)).numpy()
                stats = {"running_mean": layer.running_mean.numpy().copy(), "running_var": layer.running_var.numpy().copy()}
                return {"train": train, **stats, "inference": layer.eval()(torch.from_numpy(x)).numpy()}
            return {"forward": layer.eval()(torch.from_numpy(x)).numpy()}
    if not layer.built:
        layer.build(x.shape)
    if weights:
        layer.set_weights([weights["W"], weights["b"]])
    if concept.startswith("batchnorm"):
        train = np.asarray(layer(x, training=True))
        stats = {"running_mean": np.asarray(layer.moving_mean), "running_var": np.asarray(layer.moving_variance)}
        return {"train": train, **stats, "inference": np.asarray(layer(x, training=False))}
    return {"forward": np.asarray(layer(x, training=False))}


def outputs(family, framework, make, concept, *, call=None, weights=None, features=6):
    """Every measured output of one side: ``make()`` builds a fresh object (a torch optimizer or scheduler
    factory for torch)."""
    if family == "optimizer":
        return _optimizer_outputs(framework, make, concept)
    if family == "schedule":
        return _schedule_outputs(framework, make, concept)
    if family == "loss":
        return _loss_outputs(framework, make, concept, call)
    return _layer_outputs(framework, make, concept, weights, features)


# attribution ------------------------------------------------------------------------------------------------
def _numpy_trajectory(concept, framework, values, dtype):
    from ..trajectory import _problem, _run_numpy
    run = Run(_rule(concept, None, None), "defaults", dict(values), dtype, "open_loop")
    return _run_numpy(run, _problem(run, DEFAULT_SEED), framework)


def _numpy_outputs(family, concept, framework, values):
    case = row_for(concept)
    if family == "optimizer":
        return {f"{d}/{k}": v for d in DTYPES for k, v in _numpy_trajectory(concept, framework, values, d).items()}
    if family == "schedule":
        return {"lr": case.numpy(np.arange(SCHEDULE_STEPS), **values)}
    return {f"{d}/{r}": case.numpy(**inputs, **values) for (d, r), inputs in loss_inputs(concept).items()}


@functools.lru_cache(maxsize=256)
def _cached(family, concept, framework, frozen):
    return _numpy_outputs(family, concept, framework, dict(frozen))


def attribute(family, concept, framework, values, key, value):
    """max |numpy(values) - numpy(values with key := value)|: the NumPy reference's measure of one key's gap
    (inf when the two disagree in shape, None when the reference cannot run it)."""
    if family == "layer" or row_for(concept) is None:
        return None
    try:
        base = _cached(family, concept, framework, tuple(sorted(values.items(), key=str)))
        flipped = _cached(family, concept, framework, tuple(sorted({**values, key: value}.items(), key=str)))
    except Exception:
        return None
    size = 0.0
    for label, a in base.items():
        a, b = np.asarray(a, np.float64), np.asarray(flipped[label], np.float64)
        if a.shape != b.shape:
            return float("inf")
        with np.errstate(invalid="ignore"):
            diff = np.where((a == b) | (np.isnan(a) & np.isnan(b)), 0.0, np.abs(a - b))
        size = max(size, float(np.nan_to_num(diff, nan=np.inf).max(initial=0.0)))
    return size
