"""How a framework object's arguments map onto the conventions table: one ``Binding`` per class.

A binding names the conventions-table concept(s) an object belongs to, the ``kind`` that pairs it with an
object of the other framework, and per convention key the constructor argument that sets it and how to
read its value off a built object. No value is written here: defaults come from the conventions table
(itself checked against the installed frameworks) and a user's values are read from the user's objects.
Values are compared across frameworks in a *common* form (torch's: Keras's BatchNorm momentum ``m`` is
torch's ``1 - m``); ``Arg.common``/``Arg.uncommon`` convert, and ``Arg.absorbs`` names the formula keys
that conversion accounts for.
"""
import functools
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from ..conventions import convention

__all__ = ["Arg", "Param", "Binding", "Bound", "register", "binding_for", "bindings", "preferred", "resolve", "call_code",
           "signature_default"]

_BY_CLASS = {}  # dotted class path -> Binding, in registration order (most specific first per module)
_PREFERRED = {}  # (framework, kind) -> the Binding a translation or a fix builds


@dataclass(frozen=True)
class Arg:
    """One convention key as a constructor argument. ``read(obj)`` gives the value in the table's form (the
    NumPy reference's keyword value); ``common`` maps it to the form compared across frameworks (torch's) and
    ``uncommon`` maps a common value to this constructor argument's value. ``fixable=False``: the argument
    exists but the other framework's value is not one it takes (an initialiser's name)."""
    key: str
    name: str
    read: Callable | None = None
    common: Callable | None = None
    uncommon: Callable | None = None
    absorbs: tuple = ()
    fixable: bool = True

    def value(self, obj):
        return self.read(obj) if self.read else getattr(obj, self.name)

    def to_common(self, value):
        return self.common(value) if self.common else value

    def from_common(self, value):
        return self.uncommon(value) if self.uncommon else value


@dataclass(frozen=True)
class Param:
    """A weight (learnable or buffer) under its common name: ``attr`` on the object; ``transpose`` when the
    framework stores the NumPy layout's transpose (``nn.Linear.weight`` is (out, in))."""
    name: str
    attr: str
    transpose: bool = False
    trainable: bool = True


@dataclass(frozen=True)
class Binding:
    """A framework class (dotted path) as conventions: ``concepts`` whose keys ``args`` set, the ``kind``
    it pairs by, its weights, ``positional(obj)`` (constructor source before the keywords) and
    ``unsupported(obj)`` (a reason, or "")."""
    framework: str
    cls: str
    kind: str
    concepts: tuple = ()
    args: tuple = ()
    params: tuple = ()
    positional: Callable | None = None
    unsupported: Callable | None = None
    code_name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def name(self):
        return self.code_name or self.cls

    def arg(self, key):
        return next((a for a in self.args if a.key == key), None)

    def table(self):
        """The conventions-table values of this binding's concepts: defaults, then formula switches."""
        merged = {}
        for concept in self.concepts:
            conv = convention(concept, self.framework)
            merged.update({**conv.defaults, **conv.formula})
        return merged

    def values(self, obj):
        """Every convention key's value for ``obj``: the table's, overridden by what the object holds."""
        return {**self.table(), **{a.key: a.value(obj) for a in self.args}}

    def note(self, key, concepts=None):
        """The table's note on ``key``: this class's own (a ``related`` entry such as
        ``keras.layers.LeakyReLU.negative_slope``) before the concept's."""
        arg, concepts = self.arg(key), concepts or self.concepts
        for concept in concepts:
            own = convention(concept, self.framework).notes.get(f"{self.cls}.{arg.name}") if arg else None
            if own:
                return own
        for concept in concepts:
            note = convention(concept, self.framework).notes.get(key)
            if note:
                return note
        return ""


class Bound(NamedTuple):
    """A user's object (a loss, an optimizer) with its binding."""
    obj: object
    binding: Binding


def register(*items):
    for b in items:
        if b.cls in _BY_CLASS:
            raise ValueError(f"binding for {b.cls} registered twice")
        _BY_CLASS[b.cls] = b
        _PREFERRED.setdefault((b.framework, b.kind), b)


def resolve(path):
    """The class at a dotted path (``torch.nn.Linear``)."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def bindings():
    return tuple(_BY_CLASS.values())


def _resolved():
    """Registered paths as objects (classes, or Keras activation functions), resolved once per registration."""
    if len(_RESOLVED) != len(_BY_CLASS):
        _RESOLVED.clear()
        _RESOLVED.update({resolve(path): b for path, b in _BY_CLASS.items()})
    return _RESOLVED


_RESOLVED = {}


def binding_for(obj):
    """The binding of a bound function, of ``obj``'s class, else of its nearest bound base class; None if none."""
    table = _resolved()
    obj = obj.func if isinstance(obj, functools.partial) else obj  # a Keras activation with its keywords bound
    if inspect.isfunction(obj):
        return table.get(obj)
    return next((table[k] for k in type(obj).__mro__ if k in table), None)


def preferred(framework, kind):
    return _PREFERRED.get((framework, kind))


def _literal(value):
    return repr(float(value)) if isinstance(value, float) else repr(value)


def call_code(binding, keywords, positional=""):
    """``Class(positional, key=value, ...)`` as source, keywords in the binding's argument order; a Keras
    activation function with keywords becomes ``Activation(functools.partial(fn, key=value))``."""
    order = {a.name: i for i, a in enumerate(binding.args)}
    items = [f"{name}={_literal(v)}" for name, v in sorted(keywords.items(), key=lambda kv: order.get(kv[0], 99))]
    if binding.cls.startswith("keras.activations."):
        inner = f"functools.partial({binding.cls}, {', '.join(items)})" if items else repr(binding.cls.rsplit(".", 1)[1])
        return f"keras.layers.Activation({inner})"
    return f"{binding.name}({', '.join(([positional] if positional else []) + items)})"


def signature_default(fn, name):
    """A function's keyword default, read from the installed framework (what a user gets)."""
    return inspect.signature(fn).parameters[name].default
