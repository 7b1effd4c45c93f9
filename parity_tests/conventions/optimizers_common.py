"""Conventions every update rule shares: Keras keeps the learning rate in a floatx variable; the table's
hyperparameter names as the optimizers' own parameters (for ``sources``)."""
from . import Convention, Source

__all__ = ["rule_pair", "torch_sources", "keras_sources", "keras_weight_decay", "KERAS_LR_NOTE",
           "KERAS_CONSTANT_NOTE"]

KERAS_LR_NOTE = ("the learning rate is a Variable of dtype keras.config.floatx() ('float32' by default): float64 "
                 "parameters are updated with lr rounded through float32 unless floatx is float64")

KERAS_CONSTANT_NOTE = ("update_step passes some Python-float hyperparameters through ops.cast(value, variable.dtype), "
                       "which makes a float32 tensor first: those (which ones varies per rule: see its notes) are "
                       "float32-rounded even for float64 parameters; values used through ops.add/multiply stay exact")


def keras_weight_decay(value):
    """Keras's ``weight_decay=None`` (no decay) is the table's 0.0."""
    return 0.0 if value is None else value


# table key -> (param, index, read) where the optimizer's parameter differs from the key
_TORCH_PARAMS = {"beta1": ("betas", 0), "beta2": ("betas", 1)}
_KERAS_PARAMS = {"lr": ("learning_rate",), "beta1": ("beta_1",), "beta2": ("beta_2",), "eps": ("epsilon",),
                 "weight_decay": ("weight_decay", None, keras_weight_decay)}


def _sources(api, keys, standard, renamed):
    out = {}
    for key in keys:
        spec = renamed.get(key) or standard.get(key) or key
        out[key] = Source(api, *((spec,) if isinstance(spec, str) else spec))
    return out


def torch_sources(api, *keys, **renamed):
    """``{key: Source}`` of the table's ``keys`` on the torch optimizer at ``api`` (``beta1``/``beta2`` are
    ``betas[0]``/``[1]``; ``renamed``: key -> param name or (param, index, read))."""
    return _sources(api, keys, _TORCH_PARAMS, renamed)


def keras_sources(api, *keys, **renamed):
    """As ``torch_sources`` for a Keras optimizer (``lr`` is ``learning_rate``, ``beta1`` ``beta_1``, ``eps``
    ``epsilon``, ``weight_decay`` None read as 0.0)."""
    return _sources(api, keys, _KERAS_PARAMS, renamed)


def rule_pair(concept, torch_api, keras_api, *, torch_defaults, keras_defaults, torch_formula, keras_formula,
              notes, sources=None):
    """The torch and keras Conventions of one update rule (``lr_dtype`` added: None vs "floatx"); ``sources`` is
    ``{"torch": {...}, "keras": {...}}`` (the framework's own optimizer only, never the suite's)."""
    sources = sources or {}
    return (
        Convention("torch", concept, torch_api, defaults=torch_defaults,
                   formula={"lr_dtype": None, "constant_dtype": None, **torch_formula},
                   notes={"lr_dtype": "torch uses the Python float lr in the parameter's dtype",
                          "constant_dtype": "hyperparameters are Python floats applied in the parameter's dtype",
                          **notes["torch"]}, sources=sources.get("torch", {})),
        Convention("keras", concept, keras_api, defaults=keras_defaults,
                   formula={"lr_dtype": "floatx", "constant_dtype": "float32", **keras_formula},
                   notes={"lr_dtype": KERAS_LR_NOTE, "constant_dtype": KERAS_CONSTANT_NOTE, **notes["keras"]},
                   sources=sources.get("keras", {})),
    )
