"""Conventions as data: what each framework does by default and which formula it evaluates.

A ``Convention`` per (framework, concept) holds
  defaults    -- hyperparameters a user gets by not passing them (the wrapper's signature defaults),
  formula     -- NumPy-reference keyword switches that reproduce this framework's arithmetic,
  param_init  -- initial values of learnable parameters (e.g. PReLU's slope),
  related     -- other defaults a user meets for the same concept (layer APIs), checked but not run,
  notes       -- one line per key above: where the value comes from,
  sources     -- per ``defaults``/``related`` key, where the installed framework states it (``Source``: a
                 signature default, read by introspection in every run: a changed default fails the gate),
Keras on its JAX and torch backends (``keras[jax]``, ``keras[torch]``) follows Keras's convention except where
``keras_backends.py`` (one row per differing key -- a formula key, or a default the backend resolves differently,
e.g. an untyped LR's dtype --, with its reason) or ``KERAS_BACKEND_FORMULA`` (backend-wide) say.
numpy[torch convention] must match torch and numpy[keras convention] must match keras; a torch~keras
gap is ``expected`` only when those two NumPy runs reproduce it, and ``cause`` names the keys that differ.
"""
import dataclasses
import functools
import importlib
import sys
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, NamedTuple

__all__ = ["Convention", "Source", "Difference", "Flip", "FRAMEWORKS", "KERAS_ON", "KERAS_BACKEND_FORMULA", "KERAS_BACKEND_FLOAT64",
           "compute_precision", "register", "convention", "all_conventions",
           "differing", "describe", "Family", "FAMILIES", "family_of", "concepts"]

FRAMEWORKS = ("torch", "keras")
KERAS_ON = {"keras[jax]": "jax", "keras[torch]": "torch"}  # Keras on another backend: its conventions' framework name
# What a Keras backend does alike wherever a concept's Keras formula has the key (a concept's ``backends`` entry
# overrides): TensorFlow's ops.cast/convert_to_tensor makes a Python float a float32 tensor before any cast
# ("float32"); JAX (jnp.asarray(value, dtype)) and torch (torch.as_tensor(value, dtype=...)) convert the Python float
# straight to the target dtype.
KERAS_BACKEND_FORMULA = {"jax": {"constant_dtype": None}, "torch": {"constant_dtype": None}}
# Keras maps a 64-bit result dtype to 32-bit on JAX and torch (keras/src/backend/common/dtypes.py,
# BIT64_TO_BIT32_DTYPE, applied by result_type; pinned by tests/test_keras_backends.py): a float64 run there computes
# in float32 wherever an op asks result_type (torch's matmul does), so it is held to float32's tolerance.
KERAS_BACKEND_FLOAT64 = {"keras[jax]": "float32", "keras[torch]": "float32"}


def compute_precision(framework, dtype):
    """The precision ``framework`` computes a ``dtype`` run in: float32 for float64 on Keras's JAX and torch."""
    return KERAS_BACKEND_FLOAT64.get(framework, dtype) if dtype == "float64" else dtype
_TABLE = {}
_REGISTERED_BY = {}  # module name (of this package) -> {concept: None}, in registration order


def _frozen(d):
    return MappingProxyType(dict(d))


class Source(NamedTuple):
    """Where an installed framework states a default: the default of parameter ``param`` of the callable at the
    dotted path ``api`` (a class: its constructor's); ``index`` picks an element of a tuple default (torch's
    ``betas``); ``read`` converts the framework's value to the table's form (Keras's ``"sum_over_batch_size"``
    is the table's ``"mean"``)."""
    api: str
    param: str
    index: int | None = None
    read: Callable | None = None


@dataclass(frozen=True)
class Convention:
    framework: str
    concept: str
    api: str
    defaults: dict = field(default_factory=dict)
    formula: dict = field(default_factory=dict)
    param_init: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)  # key -> Source, or a tuple of Sources that must all agree

    def __post_init__(self):
        for name in ("defaults", "formula", "param_init", "related", "notes", "sources"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def numpy_kwargs(self, aligned=None, *, own_defaults=False):
        """Keywords for the NumPy reference: this framework's defaults and formula, then ``aligned``.

        ``own_defaults``: only ``aligned``; the reference's signature defaults stand in for this framework's.
        A defaults run of numpy[torch] is called so (the reference's defaults are torch's, pinned key by key by
        tests/test_exercised.py), which makes the gate compare the reference's own defaults with torch's."""
        return dict(aligned or {}) if own_defaults else {**self.defaults, **self.formula, **(aligned or {})}


def register(*conventions):
    """Add ``conventions`` to the table, each concept recorded under the module that registers it (the module
    calling this: ``FAMILIES`` says which family that module's concepts belong to)."""
    module = sys._getframe(1).f_globals["__name__"].rpartition(".")[2]
    for c in conventions:
        key = (c.concept, c.framework)
        if key in _TABLE:
            raise ValueError(f"convention for {key} registered twice")
        _TABLE[key] = c
        _REGISTERED_BY.setdefault(module, {})[c.concept] = None


def convention(concept, framework):
    """The ``Convention`` of ``framework`` (``torch``, ``keras``, or Keras on another backend: ``keras[jax]``,
    ``keras[torch]`` -- Keras's convention with that backend's formula values)."""
    if framework in KERAS_ON:
        return _on_backend(concept, framework)
    return _TABLE[(concept, framework)]


@functools.lru_cache(maxsize=None)
def _on_backend(concept, framework):
    from .keras_backends import ROWS
    keras, backend = _TABLE[(concept, "keras")], KERAS_ON[framework]
    changed = {k: v for k, v in KERAS_BACKEND_FORMULA[backend].items() if k in keras.formula}
    rows = [r for r in ROWS if r.concept == concept and r.backend == backend]
    changed |= {r.key: r.value for r in rows}
    notes = {**keras.notes, **{r.key: f"on {backend}: {r.reason}" for r in rows}}
    defaults = {k: changed.pop(k) for k in list(changed) if k in keras.defaults}  # e.g. an untyped LR's dtype
    return dataclasses.replace(keras, framework=framework, formula={**keras.formula, **changed},
                               defaults={**keras.defaults, **defaults}, notes=notes)


def all_conventions():
    return tuple(_TABLE[k] for k in sorted(_TABLE))


class Flip(NamedTuple):
    """A NumPy reference (numpy[torch], or the first side's) re-run with one convention key set to another value (cause
    attribution)."""
    group: str  # "defaults", "formula" or "param_init"
    key: str
    value: object


class Difference(NamedTuple):
    """One convention key whose values differ between two frameworks (by default torch's and Keras's)."""
    group: str
    key: str
    torch_value: object  # the first framework's
    keras_value: object  # the second's

    def flip(self):
        """numpy[torch] with this key at Keras's value."""
        return Flip(self.group, self.key, self.keras_value)


def differing(concept, *, aligned=None, groups=("defaults", "formula"), frameworks=FRAMEWORKS):
    """A ``Difference`` for every key whose values differ between the two ``frameworks``.

    Keys set equal by the ``aligned`` hyperparameters are not counted.
    """
    t, k = (convention(concept, f) for f in frameworks)
    out = []
    for group in groups:
        a, b = getattr(t, group), getattr(k, group)
        for key in sorted(set(a) | set(b)):
            if aligned and key in aligned:
                continue
            if a.get(key, "<absent>") != b.get(key, "<absent>"):
                out.append(Difference(group, key, a.get(key, "<absent>"), b.get(key, "<absent>")))
    return out


def describe(differences, frameworks=FRAMEWORKS):
    """``group.key (torch=..., keras=...)`` strings joined by '; ' (named after ``frameworks``)."""
    first, second = frameworks
    return "; ".join(f"{g}.{key} ({first}={a!r}, {second}={b!r})" for g, key, a, b in differences)


class Family(NamedTuple):
    """A family of cases and the modules of this package that register its conventions."""
    name: str
    modules: tuple[str, ...]  # module names, in load order


# The families, in the order of ``concepts()`` (a family's concepts module by module, each module's as it registers
# them). Modules are loaded in this order too, which must put a module's dependencies first: training merges the
# conventions of models, losses and optimizers, so it loads after them.
FAMILIES = (
    Family("activations", ("activations",)),
    Family("clipping", ("clipping",)),
    Family("layers", ("layers",)),
    Family("gradient_flow", ("gradient_flow",)),
    Family("initializers", ("initializers",)),
    Family("losses", ("losses_classification", "losses_ctc", "losses_probabilistic", "losses_regression",
                      "losses_similarity")),
    Family("models", ("models",)),
    Family("optimizers", ("optimizers_adam", "optimizers_adaptive", "optimizers_large_batch", "optimizers_sgd")),
    Family("perceptron", ("perceptron",)),
    Family("schedules", ("schedules",)),
    Family("training", ("training",)),
    Family("gradcheck", ("gradcheck",)),
)


def _families(families, registered_by):
    """{concept: family name} in the order of ``families`` from {module: concepts it registered}; a module that
    registers conventions but no family lists raises (its concepts would have no family)."""
    listed = {module for family in families for module in family.modules}
    unlisted = sorted(set(registered_by) - listed)
    if unlisted:
        raise ImportError(f"conventions registered by {unlisted}, which no Family lists")
    return {concept: family.name for family in families for module in family.modules
            for concept in registered_by.get(module, ())}


def _load():
    """Import every family's modules (each registers its conventions); {concept: family name}."""
    for family in FAMILIES:
        for module in family.modules:
            importlib.import_module(f"{__name__}.{module}")
    return _families(FAMILIES, _REGISTERED_BY)


def family_of(concept):
    return _FAMILY[concept]


def concepts():
    """Every concept, family by family in ``FAMILIES`` order, each family's module by module, as registered."""
    return tuple(_FAMILY)


_FAMILY = _load()  # concept -> the family of its cases (checked against the rows by tests/test_rows.py)
