"""Conventions as data: what each framework does by default and which formula it evaluates.

A ``Convention`` per (framework, concept) holds
  defaults    -- hyperparameters a user gets by not passing them (the wrapper's signature defaults),
  formula     -- NumPy-reference keyword switches that reproduce this framework's arithmetic,
  param_init  -- initial values of learnable parameters (e.g. PReLU's slope),
  related     -- other defaults a user meets for the same concept (layer APIs), checked but not run,
  notes       -- one line per key above: where the value comes from,
  sources     -- per ``defaults``/``related`` key, where the installed framework states it (``Source``: a
                 signature default, read by introspection in every run: a changed default fails the gate).
numpy[torch convention] must match torch and numpy[keras convention] must match keras; a torch~keras
gap is ``expected`` only when those two NumPy runs reproduce it, and ``cause`` names the keys that differ.
"""
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, NamedTuple

__all__ = ["Convention", "Source", "Difference", "Flip", "FRAMEWORKS", "register", "convention", "all_conventions", "differing", "describe", "family_of", "concepts"]

FRAMEWORKS = ("torch", "keras")
_TABLE = {}


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
    for c in conventions:
        key = (c.concept, c.framework)
        if key in _TABLE:
            raise ValueError(f"convention for {key} registered twice")
        _TABLE[key] = c


def convention(concept, framework):
    return _TABLE[(concept, framework)]


def all_conventions():
    return tuple(_TABLE[k] for k in sorted(_TABLE))


class Flip(NamedTuple):
    """numpy[torch] re-run with one convention key set to another value (cause attribution)."""
    group: str  # "defaults", "formula" or "param_init"
    key: str
    value: object


class Difference(NamedTuple):
    """One convention key whose torch and Keras values differ."""
    group: str
    key: str
    torch_value: object
    keras_value: object

    def flip(self):
        """numpy[torch] with this key at Keras's value."""
        return Flip(self.group, self.key, self.keras_value)


def differing(concept, *, aligned=None, groups=("defaults", "formula")):
    """A ``Difference`` for every key whose values differ.

    Keys set equal by the ``aligned`` hyperparameters are not counted.
    """
    t, k = convention(concept, "torch"), convention(concept, "keras")
    out = []
    for group in groups:
        a, b = getattr(t, group), getattr(k, group)
        for key in sorted(set(a) | set(b)):
            if aligned and key in aligned:
                continue
            if a.get(key, "<absent>") != b.get(key, "<absent>"):
                out.append(Difference(group, key, a.get(key, "<absent>"), b.get(key, "<absent>")))
    return out


def describe(differences):
    """``group.key (torch=..., keras=...)`` strings joined by '; '."""
    return "; ".join(f"{g}.{key} (torch={a!r}, keras={b!r})" for g, key, a, b in differences)


# Each module registers its table, for one family of cases, in dependency order (gradient_flow and models build on
# layers; training merges the others: it comes last).
_MODULES = {"activations": "activations", "clipping": "clipping", "layers": "layers", "gradient_flow": "gradient_flow",
            "initializers": "initializers", "losses_classification": "losses",
            "losses_ctc": "losses", "losses_probabilistic": "losses", "losses_regression": "losses",
            "losses_similarity": "losses", "models": "models", "optimizers_adam": "optimizers",
            "optimizers_adaptive": "optimizers", "optimizers_large_batch": "optimizers", "optimizers_sgd": "optimizers",
            "perceptron": "perceptron", "schedules": "schedules", "training": "training",
            "gradcheck": "gradcheck"}
_FAMILY = {}  # concept -> the family of its cases (checked against the cases by tests/test_catalog.py)


def family_of(concept):
    return _FAMILY[concept]


def concepts():
    """Every concept, family by family in the modules' order, each family's concepts as registered."""
    order = list(dict.fromkeys(_MODULES.values()))
    return tuple(sorted(_FAMILY, key=lambda concept: order.index(_FAMILY[concept])))


def _load():
    import importlib
    for module, family in _MODULES.items():
        before = set(_TABLE)
        importlib.import_module(f"{__name__}.{module}")
        _FAMILY.update((concept, family) for concept, _ in _TABLE if (concept, "torch") not in before)


_load()
