"""``translate(obj, to=...)``: an optimizer, LR schedule, loss or layer in the other framework, with the code
that builds it, whether measured parity confirms it (``exact``) and the conventions that remain different.

The object's binding (``bindings*``) reads its values onto the conventions table; the other framework's
binding of the same kind is built from them (``Arg.from_common``); every key whose value the target cannot
take (a formula switch such as ``eps_form``, a hyperparameter the class lacks) is a ``Residual``. ``exact``
and each residual's ``size`` are measured (``translate_measure``): both objects run on the suite's inputs,
and each key's share of the gap comes from the NumPy reference run with that key flipped.
"""
import argparse
import functools
import inspect
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from . import bindings_layers, bindings_losses, bindings_optim  # noqa: F401  (registration)
from .bindings import Binding, bindings, call_code, resolve
from .bindings_losses import binding_of, target_binding
from .translate_measure import attribute, gap, outputs
from .translate_parse import instantiate, parse

__all__ = ["Residual", "Translation", "translate", "main", "parse", "instantiate"]

FRAMEWORKS = ("torch", "keras")


@dataclass(frozen=True)
class Residual:
    """A convention that stays different after translation; ``size`` is its measured gap (max |a - b| of the
    NumPy reference with the key flipped, else of the two frameworks), ``None`` if unmeasurable."""
    key: str
    source_value: Any
    target_value: Any
    note: str
    size: float | None = None

    def __str__(self):
        size = "not measured" if self.size is None else f"{self.size:.3g}"
        return f"{self.key}: {self.source_value!r} -> {self.target_value!r} (gap {size}) -- {self.note}"


@dataclass(frozen=True)
class Translation:
    source: Any
    target: Any
    code: str
    exact: bool
    residual: tuple = ()
    gap: float = 0.0  # measured max |source - target| over every output
    notes: tuple = field(default=())

    def __str__(self):
        verdict = "exact (measured within tolerance)" if self.exact else f"not exact (max gap {self.gap:.3g})"
        lines = [f"{type(self.source).__name__} -> {self.code.splitlines()[-1].split('(')[0].split(' = ')[-1]}: "
                 f"{verdict}", *("  " + line for line in self.code.splitlines())]
        lines += [f"  residual {r}" for r in self.residual]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _concept(binding, target):
    return binding.concepts[0] if binding.concepts[0] in target.concepts or len(target.concepts) < 2 else None


def _narrow(target, concept):
    """The target binding read under ``concept`` (the source's) when it covers it."""
    if concept in target.concepts and len(target.concepts) > 1 and target.concepts[0] != concept:
        return Binding(**{**vars(target), "concepts": (concept,)})
    return target


def _common(binding, values):
    out = dict(values)
    for a in binding.args:
        if a.key in out:
            out[a.key] = a.to_common(out[a.key])
    return binding.extra["common"](out) if "common" in binding.extra else out


def _keywords(target, common):
    """(constructor keywords, {key: reason} for keys the target cannot take)."""
    if "build" in target.extra:
        return target.extra["build"](common), {}
    keywords, refused = {}, {}
    for a in target.args:
        if a.key not in common or (a.read is not None and a.name not in _parameters(target)):
            continue
        try:
            keywords[a.name] = a.from_common(common[a.key])
        except (ValueError, TypeError) as exc:
            refused[a.key] = str(exc)
    return _pack(keywords), refused


def _pack(keywords):
    """``betas[0]``/``betas[1]`` keywords as one ``betas`` tuple."""
    out = {}
    for name, value in keywords.items():
        match = re.fullmatch(r"(\w+)\[(\d+)\]", name)
        if match:
            parts = out.setdefault(match[1], [])
            parts.append((int(match[2]), value))
        else:
            out[name] = value
    return {k: tuple(float(v) for _, v in sorted(v)) if isinstance(v, list) else v for k, v in out.items()}


def _parameters(binding):
    try:
        return inspect.signature(resolve(binding.cls)).parameters
    except (TypeError, ValueError):
        return {}


def _drop_defaults(binding, keywords):
    params = _parameters(binding)
    def same(default, v):
        return default == v and isinstance(default, bool) == isinstance(v, bool)
    return {k: v for k, v in keywords.items()
            if k not in params or params[k].default is inspect.Parameter.empty or not same(params[k].default, v)}


def _family(binding):
    return binding.extra.get("family") or ("loss" if "call" in binding.extra else "layer")


def _torch_fresh(obj, binding):
    """A factory rebuilding a torch optimizer (from its first param group) or scheduler."""
    if _family(binding) == "optimizer":
        group, accepted = obj.param_groups[0], inspect.signature(type(obj)).parameters
        return functools.partial(type(obj), **{k: group[k] for k in obj.defaults if k in accepted})
    common = _common(binding, binding.values(obj))
    make = functools.partial(type(obj), **binding.extra["build"](common))
    make.lr = common["lr"]
    return make


def _maker(framework, obj, binding):
    """``make()`` building a fresh object of one side (a factory itself for torch optimizers/schedulers)."""
    family = _family(binding)
    if framework == "torch" and family in ("optimizer", "schedule"):
        return obj if isinstance(obj, functools.partial) else _torch_fresh(obj, binding)
    if family == "loss":
        return lambda: obj  # stateless (and Keras's Huber.get_config() drops delta)
    if framework == "keras" and family in ("optimizer", "schedule"):
        return lambda: type(obj).from_config(obj.get_config())
    if framework == "torch":
        import copy
        return lambda: copy.deepcopy(obj)
    import keras
    if isinstance(obj, keras.layers.Activation) or not isinstance(obj, keras.layers.Layer):
        layer = obj if isinstance(obj, keras.layers.Layer) else keras.layers.Activation(obj)
        return lambda: layer  # stateless
    return lambda: type(obj).from_config(obj.get_config())


def _build(target, keywords, positional_value, lr):
    cls = resolve(target.cls)
    if target.framework == "torch" and _family(target) in ("optimizer", "schedule"):
        make = functools.partial(cls, **keywords)
        if lr is not None:
            make.lr = lr
        return make
    if target.cls.startswith("keras.activations."):
        import keras
        return keras.layers.Activation(functools.partial(cls, **keywords) if keywords else cls)
    return cls(*positional_value, **keywords)


def _positional(source, obj, target):
    """Constructor positionals a layer needs (feature counts), read from the source layer."""
    if target.cls == "torch.nn.BatchNorm1d":
        if not getattr(obj, "built", False):
            raise ValueError("translate a built BatchNormalization (call it or build(input_shape)): nn.BatchNorm1d "
                             "needs num_features")
        return (int(obj.gamma.shape[0]),), str(int(obj.gamma.shape[0]))
    if target.cls == "torch.nn.Linear":
        if not getattr(obj, "built", False):
            raise ValueError("translate a built Dense layer: nn.Linear needs in_features")
        return (int(obj.kernel.shape[0]), int(obj.units)), f"{int(obj.kernel.shape[0])}, {int(obj.units)}"
    if target.cls == "keras.layers.Dense":
        return (int(obj.out_features),), str(int(obj.out_features))
    return (), ""


def _code(target, keywords, positional, lr):
    if target.framework == "torch" and _family(target) == "optimizer":
        return call_code(target, keywords, "model.parameters()")
    if target.framework == "torch" and _family(target) == "schedule":
        return (f"optimizer = torch.optim.SGD(model.parameters(), lr={lr!r})  # any optimizer: its lr is the "
                f"schedule's base LR\nscheduler = {call_code(target, keywords, 'optimizer')}")
    return call_code(target, keywords, positional)


def _binding(obj):
    """``binding_of``, also for a Keras activation function given as a ``functools.partial``."""
    if isinstance(obj, functools.partial) and not isinstance(getattr(obj, "func", None), type):
        return binding_of(obj.func)
    return binding_of(obj)


def _unwrap(obj):
    """A ``keras.layers.Activation`` stands for its activation function."""
    return obj.activation if type(obj).__name__ == "Activation" and hasattr(obj, "activation") else obj


def _resolve_pair(obj, to):
    source = _binding(obj)
    if source is None:
        raise NotImplementedError(f"{type(obj).__name__} is not covered: no binding maps it onto the conventions "
                                  f"table (covered: {', '.join(sorted(b.name for b in bindings()))})")
    if to not in FRAMEWORKS or to == source.framework:
        raise ValueError(f"to={to!r}: expected the other framework than {source.framework!r}")
    reason = source.unsupported(obj) if source.unsupported else ""
    if reason:
        raise NotImplementedError(f"{source.name}: {reason}")
    target = target_binding(to, source.kind)
    if target is None:
        raise NotImplementedError(f"{source.name} ({source.kind}): {to} ships no equivalent the suite binds")
    return source, target


def _readable(target, built):
    """An object to read the target's values from (a torch factory built on a dummy parameter)."""
    if type(built).__name__ == "Activation":
        return built.activation
    if not isinstance(built, functools.partial):
        return built
    import torch
    param = torch.nn.Parameter(torch.zeros(1))
    if _family(target) == "optimizer":
        return built([param])
    return built(torch.optim.SGD([param], lr=built.lr))


def _equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b and type(a) is type(b) or (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                             and not isinstance(a, bool) and not isinstance(b, bool) and a == b)


def _absorbed(source, target, common):
    keys = {k for b in (source, target) for a in b.args for k in a.absorbs}
    if "unreduced" in keys and common.get("reduction") not in source.extra.get("absorbs_when", ("mean",)):
        keys.discard("unreduced")
    return keys


def _differing(source, target, src_common, tgt_common, refused, own):
    """(key, source value, target value, note) of every key the translation leaves different."""
    out = [(k, src_common[k], tgt_common.get(k, "<absent>"), refused[k]) for k in refused]
    absorbed = _absorbed(source, target, src_common)
    for key in src_common:
        if key in refused or key in absorbed or key not in tgt_common:
            continue
        if not _equal(src_common[key], tgt_common[key]):
            out.append((key, src_common[key], tgt_common[key], target.note(key) or source.note(key)))
    for key, a, b in source.extra.get("residual", lambda v: [])(own):
        out.append((key, a, b, source.extra.get("usage", "")))
    return out


def _source_form(source, key, value):
    """A target's common value back in the source's own form (what the NumPy reference takes)."""
    arg = source.arg(key)
    try:
        return arg.from_common(value) if arg else value
    except (ValueError, TypeError):
        return value


def _residuals(source, target, obj, src_common, tgt_common, refused, overall):  # noqa: PLR0913
    """Residuals, each sized by the NumPy reference (else the overall gap); inert formula switches (a flip
    that changes nothing on the suite's inputs) are dropped."""
    family, concept, values = _family(source), source.concepts[0], source.values(obj)
    formula = set(source.table()) - {k for c in source.concepts for k in _defaults(c, source.framework)}
    out = []
    own = _common(source, values)
    for key, a, b, note in _differing(source, target, src_common, tgt_common, refused, own):
        size = (attribute(family, concept, source.framework, values, key, _source_form(source, key, b))
                if key in values and key not in refused else None)
        if size == 0.0 and key in formula:
            continue
        out.append(Residual(key, a, b, note, overall if size is None else size))
    return tuple(out)


def _defaults(concept, framework):
    from ..conventions import convention
    return convention(concept, framework).defaults


def _notes(source, target, refused):
    notes = [n for n in (source.extra.get("usage"), target.extra.get("usage"), source.extra.get("coupled")
                         if "weight_decay" in refused or source.extra.get("coupled") else None) if n]
    return tuple(dict.fromkeys(notes))


def _measure(source, target, obj, built, tb):
    family, concept = _family(source), source.concepts[0]
    extra = {}
    if family == "loss":
        extra = {"call": None}
    if family == "layer":
        extra = _layer_extra(source, obj)
    a = outputs(family, source.framework, _maker(source.framework, obj, source), concept,
                **({**extra, "call": source.extra.get("call")} if family == "loss" else extra))
    b = outputs(family, target.framework, _maker(target.framework, built, tb), concept,
                **({**extra, "call": tb.extra.get("call")} if family == "loss" else extra))
    return gap(a, b)


def _layer_extra(source, obj):
    from .translate_measure import layer_weights
    if source.cls == "torch.nn.Linear":
        return {"features": obj.in_features, "weights": layer_weights(obj.in_features, obj.out_features)}
    if source.cls == "keras.layers.Dense":
        fan_in = int(obj.kernel.shape[0])
        return {"features": fan_in, "weights": layer_weights(fan_in, obj.units)}
    if source.cls == "torch.nn.BatchNorm1d":
        return {"features": obj.num_features}
    if source.cls == "keras.layers.BatchNormalization":
        return {"features": int(obj.gamma.shape[0])}
    return {}


def translate(obj, *, to):
    """The equivalent of ``obj`` (a torch or Keras optimizer, LR schedule, loss or layer) in framework ``to``:
    a ``Translation`` whose ``exact`` and residual sizes are measured on the suite's inputs."""
    obj = _unwrap(obj)
    source, target = _resolve_pair(obj, to)
    concept = source.concepts[0]
    target = _narrow(target, concept)
    aliases = source.extra.get("keys", {})
    src_common = {aliases.get(k, k): v for k, v in _common(source, source.values(obj)).items()}
    keywords, refused = _keywords(target, src_common)
    keywords.update(target.extra.get("kind_keywords", {}).get(source.kind, {}))
    keywords = _drop_defaults(target, keywords) if "build" not in target.extra else keywords
    lr = src_common.get("lr") if "optimizer_keys" in target.extra else None
    positional_value, positional_code = _positional(source, obj, target)
    built = _build(target, keywords, positional_value, lr)
    readable = _readable(target, built)
    tb = _narrow(_binding(readable), concept)
    tgt_common = _common(tb, tb.values(readable))
    size, exact = _measure(source, target, obj, built, tb)
    residual = _residuals(source, tb, obj, src_common, tgt_common, refused, size)
    if not exact and not residual:
        residual = (Residual("(unexplained)", None, None, "a measured gap no convention key of these bindings "
                             "explains (a Keras layer computes in floatx, float32, whatever the input dtype)", size),)
    return Translation(obj, built, _code(target, keywords, positional_code, lr), exact, residual, size,
                       _notes(source, target, refused))


# CLI ----------------------------------------------------------------------------------------------------------
def _parser():
    parser = argparse.ArgumentParser(
        prog="parity translate",
        description="Translate a PyTorch or Keras optimizer, LR schedule, loss or layer into the other framework: "
                    "prints the code, whether measured parity on the suite's inputs confirms it (exact) and the "
                    "conventions that remain different with their measured gaps.",
        epilog='examples: translate "torch.optim.Adam(lr=1e-3, weight_decay=1e-2)" --to keras | '
               'translate "nn.BatchNorm1d(16, momentum=0.1)" --to keras | '
               'translate "torch.optim.lr_scheduler.StepLR(step_size=30, gamma=0.1, lr=0.1)" --to keras. '
               "Only whitelisted class names and literal values are accepted (parsed with ast, never evaluated); "
               "a torch optimizer is built on a dummy parameter, a torch scheduler on SGD(lr=the lr keyword).")
    parser.add_argument("expression", help='a constructor call, e.g. "torch.optim.Adam(lr=1e-3)"')
    parser.add_argument("--to", required=True, choices=FRAMEWORKS, help="the framework to translate into")
    return parser


def main(argv=None):
    """``parity translate EXPRESSION --to FRAMEWORK``: print the translation; 0, or 2 on a bad
    expression or an untranslatable object."""
    args = _parser().parse_args(argv)
    try:
        obj = instantiate(*parse(args.expression))
        print(translate(obj, to=args.to))
    except (ValueError, TypeError, NotImplementedError) as exc:
        print(f"translate: {exc}", file=sys.stderr)
        return 2
    return 0
