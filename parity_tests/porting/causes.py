"""Which conventions differ between the two objects a user built, and what to write on each side.

For every paired layer, the loss and the optimizer: the values of every convention key of the object's
concepts (the conventions table's defaults and formula, overridden by what the object holds), compared in
the common form; for each differing key a ``Cause`` with both values, the table's note, and the fix on each
side as code (the other framework's value, set through the constructor argument). A key no argument sets (a
formula switch such as BatchNorm's stored-variance ddof) has no fix: it stays as a residual.
"""
import math
from dataclasses import dataclass

from .bindings import call_code, preferred

__all__ = ["Cause", "differing", "relevant_concepts"]


@dataclass(frozen=True)
class Cause:
    scope: str  # a pair's label, "loss" or "optimizer"
    index: object  # the pair index, "loss" or "optimizer": where a flip is applied
    key: str
    torch_value: object
    keras_value: object
    note: str
    torch_fix: str  # code that makes the torch side take Keras's value ("" when no argument sets it)
    keras_fix: str
    matters: bool = True  # flipping this key alone in numpy[torch] moves the run beyond tolerance

    def __str__(self):
        fixes = "; ".join(f for f in (self.keras_fix and f"keras: {self.keras_fix}",
                                       self.torch_fix and f"torch: {self.torch_fix}") if f)
        return (f"{self.scope}: {self.key} torch={self.torch_value!r} keras={self.keras_value!r}"
                f" -- {self.note}" + (f" -> {fixes}" if fixes else " (no argument sets it: a residual)"))


def relevant_concepts(binding, *, training, initialised):
    """The concepts in play: BatchNorm's by mode (training normalises with batch statistics and updates the
    running ones); a dense layer's initialisation only when each framework initialised its own weights."""
    if binding.kind == "batchnorm":
        return ("batchnorm", "batchnorm_running_stats") if training else ("batchnorm_inference",)
    if binding.kind == "dense" and initialised:
        return binding.concepts + ("dense_default",)
    return binding.concepts


def _same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)
    return a == b


def _clean(value):
    return float(f"{value:.12g}") if isinstance(value, float) else value


def _common(binding, obj, concepts, absorbed):
    """{key: (framework value, common value)} over ``concepts``' keys (``dtype`` handled per model)."""
    from ..conventions import convention
    table = {}
    for c in concepts:
        conv = convention(c, binding.framework)
        table.update({**conv.defaults, **conv.formula})
    keys = set(table) - {"dtype"}
    values = {**table, **{a.key: a.value(obj) for a in binding.args if a.key in keys}}
    out = {}
    for key in sorted(keys - absorbed):
        arg = binding.arg(key)
        value = values.get(key, "<absent>")
        out[key] = (value, _clean(arg.to_common(value)) if arg else value)
    return out


def _fix(binding, obj, keys, target):
    """Constructor code giving ``binding``'s object the common values ``target`` for ``keys``; a Keras
    activation function whose kind has a layer with those arguments is fixed by that layer."""
    builder = binding
    if binding.cls.startswith("keras.activations.") and keys:
        layer = preferred(binding.framework, binding.kind)
        builder = layer if layer and all(layer.arg(k) for k in keys) else binding
    settable = {k: builder.arg(k) for k in keys if builder.arg(k)}
    if not settable:
        return ""
    keywords = {arg.name: _clean(arg.from_common(target[k])) for k, arg in settable.items()}
    positional = builder.positional(obj) if builder.positional and builder is binding else ""
    return call_code(builder, keywords, positional)


def differing(scope, index, torch_bound, keras_bound, concepts_of):
    """The Causes of one scope: ``*_bound`` are (object, binding); ``concepts_of(binding)`` the concepts in play."""
    (t_obj, t_b), (k_obj, k_b) = torch_bound, keras_bound
    t_concepts, k_concepts = concepts_of(t_b), concepts_of(k_b)
    absorbed = {k for b in (t_b, k_b) for a in b.args for k in a.absorbs}  # formula keys a common form accounts for
    t_vals, k_vals = _common(t_b, t_obj, t_concepts, absorbed), _common(k_b, k_obj, k_concepts, absorbed)
    keys = [k for k in sorted(set(t_vals) | set(k_vals))
            if not _same(t_vals.get(k, (0, "<absent>"))[1], k_vals.get(k, (0, "<absent>"))[1])]
    t_common = {k: v[1] for k, v in t_vals.items()}
    k_common = {k: v[1] for k, v in k_vals.items()}
    t_fixable = [k for k in keys if _settable(t_b, k)]
    k_fixable = [k for k in keys if _settable(k_b, k)]
    torch_fix, keras_fix = _fix(t_b, t_obj, t_fixable, k_common), _fix(k_b, k_obj, k_fixable, t_common)
    return [Cause(scope, index, k, t_vals.get(k, ("<absent>",))[0], k_vals.get(k, ("<absent>",))[0],
                  k_b.note(k, k_concepts) or t_b.note(k, t_concepts), torch_fix if k in t_fixable else "",
                  keras_fix if k in k_fixable else "") for k in keys]


def _settable(binding, key):
    """An argument sets ``key`` (the binding's own, or the layer a Keras activation function would become)."""
    layer = preferred(binding.framework, binding.kind) if binding.cls.startswith("keras.activations.") else None
    arg = binding.arg(key) or (layer.arg(key) if layer else None)
    return bool(arg and arg.fixable)
