r"""``compare_models``: a user's PyTorch model and its Keras port, layer by layer and step by step.

Both models are copied first (the user's objects are never changed), weights are transferred between the
copies, and four runs go side by side: torch, Keras, and the NumPy reference with each framework's values
(``numpy[torch]``, ``numpy[keras]``). A torch~keras gap is ``expected`` only when those two NumPy runs
reproduce it and some convention differs; anything else is ``FAIL``.
"""
import copy
from dataclasses import replace

import keras
import numpy as np
import torch

from .. import DEFAULT_SEED
from ..runner import measure
from ..tolerance import tolerance_for
from . import bindings_losses, bindings_optim  # noqa: F401  (register the loss and optimizer bindings)
from .bindings import Bound
from .bindings_losses import binding_of
from .causes import differing, relevant_concepts
from .chain import keras_elements, pair_up, torch_elements
from .checks import check_arguments
from .reference import NumpySide
from .result import ModelComparison, quantities, rows_of_step
from .sides import KerasSide, TorchSide, torch_dtype
from .weights import read_all, transfer

__all__ = ["compare_models"]


def _clone_keras(model, x):
    """A copy to work on; a model Keras cannot clone (an activation given as a ``functools.partial`` does not
    serialise) is used itself, and ``_restore`` puts its weights and activations back afterwards."""
    try:
        clone = keras.models.clone_model(model)
    except TypeError:
        return model
    if not clone.built:
        clone(x[:1])
    if model.built:
        clone.set_weights(model.get_weights())
    return clone


def _check_chain(pairs, torch_model, keras_model, x):
    """The chain of children must be what each model computes (checked in inference mode, which changes no state)."""
    with torch.no_grad():
        h = whole = torch.tensor(x, dtype=torch_dtype(pairs))
        torch_model.eval()
        try:
            for p in pairs:
                h = p.torch.call(h)
            whole = torch_model(whole)
        except RuntimeError as exc:
            raise ValueError(f"x of shape {x.shape} does not fit torch_model: {exc}") from None
    if not torch.equal(h, whole):
        raise ValueError("torch_model: its children, run in order, do not compute what its forward computes; "
                         "compare_models needs a model whose layers run in sequence")
    try:
        k = keras_model(x, training=False)
    except Exception as exc:  # Keras raises ValueError or a backend error for a wrong shape
        raise ValueError(f"x of shape {x.shape} does not fit keras_model: {str(exc).splitlines()[0]}") from None
    chained = x
    for layer in [l for l in keras_model.layers if not isinstance(l, keras.layers.InputLayer)]:
        chained = layer(chained, training=False)
    if not np.array_equal(keras.ops.convert_to_numpy(k), keras.ops.convert_to_numpy(chained)):
        raise ValueError("keras_model: its layers, run in order, do not compute what the model computes; "
                         "compare_models needs a single chain")
    return tuple(whole.shape)


def _bound(obj, argument):
    if obj is None:
        return None
    b = binding_of(obj)  # narrowed to the concept the object's values select (SGD with momentum: "momentum")
    if b is None:
        raise NotImplementedError(f"{argument}: {type(obj).__name__} is not supported (no binding to the conventions table)")
    return Bound(obj, b)


def _causes(pairs, loss, opt, training, weights):
    concepts = lambda b: relevant_concepts(b, training=training, initialised=weights == "as_is")  # noqa: E731
    out = [c for p in pairs for c in differing(p.label, p.index, (p.torch.source, p.torch.binding),
                                                   (p.keras.source, p.keras.binding), concepts)]
    for scope, (t, k) in (("loss", loss), ("optimizer", opt)):
        if t is not None:
            out += differing(scope, scope, t, k, lambda b: b.concepts)
    return out


def _batch(data, step):
    return data[step % len(data)] if isinstance(data, list) else data


class _Setup:
    """The copies, their pairs, the four sides, the bound loss and optimizer, the seeded ``dout``s."""

    def __init__(self, torch_model, keras_model, x, y, loss, optimizer, weights, training):
        first = _batch(x, 0)
        self.torch_model, self.keras_model = copy.deepcopy(torch_model), _clone_keras(keras_model, first)
        self.pairs = pair_up(torch_elements(self.torch_model), keras_elements(self.keras_model))
        for p in self.pairs:
            if training and p.kind == "dropout":
                raise ValueError(f"training=True with Dropout ({p.label}): random masks cannot be compared; "
                                 "remove the Dropout layers or pass training=False")
        transfer(self.pairs, weights)
        self.shapes = [_check_chain(self.pairs, self.torch_model, self.keras_model, b)
                       for b in (x if isinstance(x, list) else [x])]  # the output shape of each batch
        self.start = {side: read_all(self.pairs, side) for side in ("torch", "keras")}  # before any training
        self.loss = (None, None) if loss is None else (_bound(loss[0], "loss[0]"), _bound(loss[1], "loss[1]"))
        self.torch = TorchSide(self.pairs, loss and loss[0], optimizer and optimizer[0], training)
        self.keras = KerasSide(self.pairs, loss and loss[1], optimizer and _fresh(optimizer[1]), training)
        self.opt = ((None, None) if optimizer is None else
                    (_bound(self.torch.optimizer, "optimizer[0]"), _bound(self.keras.optimizer, "optimizer[1]")))
        self.training = training

    def numpy_side(self, side, flip=None):
        index = 0 if side == "torch" else 1
        dtype = _numpy_dtype(self.torch.dtype) if side == "torch" else None  # Keras layers cast their own inputs
        return NumpySide(self.pairs, side, dict(self.start[side]), loss=self.loss[index], optimizer=self.opt[index],
                         training=self.training, input_dtype=dtype, flip=flip)


def _fresh(optimizer):
    return type(optimizer).from_config(optimizer.get_config())


def _run(sides, steps, x, y, douts):
    """{implementation: [StepResult per step] or the exception that stopped it}."""
    out = {}
    for name, side in sides.items():
        try:
            results = []
            for step in range(steps + 1):
                if step:
                    side.update()
                results.append(side.step(_batch(x, step), _batch(y, step), douts[step % len(douts)]))
            out[name] = results
        except Exception as exc:  # one implementation failing must not hide the others' rows
            out[name] = exc
    return out


def _flip_matters(setup, cause, baseline, steps, x, y, douts, qs, tol_of):
    """Does this key alone, set to Keras's value in numpy[torch], move the run beyond tolerance?"""
    arg = setup.pairs[cause.index].torch.binding.arg(cause.key) if isinstance(cause.index, int) else None
    value = cause.keras_value
    if isinstance(cause.index, int) and arg is not None:
        keras_arg = setup.pairs[cause.index].keras.binding.arg(cause.key)
        value = arg.from_common(keras_arg.to_common(value) if keras_arg else value)
    try:
        flipped = _run({"f": setup.numpy_side("torch", flip=(cause.index, cause.key, value))}, steps, x, y, douts)["f"]
    except Exception as exc:
        return True
    if isinstance(flipped, Exception) or isinstance(baseline, Exception):
        return True
    return any(not measure(np.asarray(q.of(a)), np.asarray(q.of(b)), tol_of(q)).ok
               for a, b in zip(flipped, baseline) for q in qs)


def compare_models(torch_model, keras_model, x, y=None, *, loss=None, optimizer=None, steps=0, weights="torch",
                   training=False, seed=DEFAULT_SEED):
    r"""Compare ``torch_model`` with its Keras port ``keras_model`` on ``x``, layer by layer, then for
    ``steps`` training steps.

    ``loss=(torch_loss, keras_loss)`` (else the objective is :math:`\sum o \odot d` with a seeded ``d``);
    ``optimizer=(make_torch_optimizer, keras_optimizer)`` where ``make_torch_optimizer(params)`` builds the
    torch optimizer (both are copied: the user's objects are not changed); ``weights``: ``"torch"`` copies
    torch's weights into Keras, ``"keras"`` the reverse, ``"as_is"`` neither. ``x``, ``y``: NumPy arrays, or
    lists of batches (step ``s`` uses batch ``s mod len``). Returns a ``ModelComparison``."""
    check_arguments(torch_model, keras_model, x, y, loss, optimizer, steps, weights, training)
    snapshot = (keras_model.get_weights(), {id(l): l.activation for l in keras_model.layers if hasattr(l, "activation")})
    try:
        return _compare(torch_model, keras_model, x, y, loss, optimizer, steps, weights, training, seed)
    finally:
        _restore(keras_model, *snapshot)


def _restore(model, weights, activations):
    """Undo any change to a Keras model that could not be cloned (a no-op for a clone)."""
    for layer in model.layers:
        if id(layer) in activations:
            layer.activation = activations[id(layer)]
    model.set_weights(weights)


def _compare(torch_model, keras_model, x, y, loss, optimizer, steps, weights, training, seed):
    setup = _Setup(torch_model, keras_model, x, y, loss, optimizer, weights, training)
    qs = quantities(setup.pairs, loss is not None)
    douts = _douts(setup, seed)
    sides = {"numpy[torch]": setup.numpy_side("torch"), "numpy[keras]": setup.numpy_side("keras"),
             "torch": setup.torch, "keras": setup.keras}
    results = _run(sides, steps, x, y, douts)
    dtypes = _dtypes(setup)
    causes = _causes(setup.pairs, setup.loss, setup.opt, training, weights)
    tol_of = lambda q: tolerance_for("float32" if "float32" in dtypes.values() else "float64", "typical", q.quantity)  # noqa: E731
    causes = [replace(c, matters=_flip_matters(setup, c, results["numpy[torch]"], steps, x, y, douts, qs, tol_of))
              for c in causes]
    x_dtype = np.asarray(_batch(x, 0)).dtype.name
    rows = [row for step in range(steps + 1)
            for row in rows_of_step(step, {i: r if isinstance(r, Exception) else r[step] for i, r in results.items()},
                                    qs, dtypes, causes, seed, x_dtype)]
    return ModelComparison(tuple(rows), tuple(causes), tuple(p.label for p in setup.pairs), steps)


def _numpy_dtype(dtype):
    return torch.empty((), dtype=dtype).numpy().dtype.name


def _dtypes(setup):
    """The precision each implementation computes in (Keras: its layers' lowest)."""
    keras_dtypes = {l.compute_dtype for l in (p.keras.call for p in setup.pairs) if isinstance(l, keras.layers.Layer)}
    keras_dtype = "float32" if "float32" in keras_dtypes or not keras_dtypes else "float64"
    torch_dtype_name = _numpy_dtype(setup.torch.dtype)
    return {"torch": torch_dtype_name, "numpy[torch]": torch_dtype_name, "keras": keras_dtype, "numpy[keras]": keras_dtype}


def _douts(setup, seed):
    """One seeded upstream gradient per batch, shaped like the model's output (drawn in NumPy, float64)."""
    return [np.random.default_rng([seed, k]).standard_normal(shape) for k, shape in enumerate(setup.shapes)]
