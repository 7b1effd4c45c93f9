"""Conventions every update rule shares: Keras keeps the learning rate in a floatx variable."""
from . import Convention

__all__ = ["rule_pair", "KERAS_LR_NOTE", "KERAS_CONSTANT_NOTE"]

KERAS_LR_NOTE = ("the learning rate is a Variable of dtype keras.config.floatx() ('float32' by default): float64 "
                 "parameters are updated with lr rounded through float32 unless floatx is float64")

KERAS_CONSTANT_NOTE = ("update_step passes some Python-float hyperparameters through ops.cast(value, variable.dtype), "
                       "which makes a float32 tensor first: those (which ones varies per rule: see its notes) are "
                       "float32-rounded even for float64 parameters; values used through ops.add/multiply stay exact")


def rule_pair(concept, torch_api, keras_api, *, torch_defaults, keras_defaults, torch_formula, keras_formula,
              notes):
    """The torch and keras Conventions of one update rule (``lr_dtype`` added: None vs "floatx")."""
    return (
        Convention("torch", concept, torch_api, defaults=torch_defaults,
                   formula={"lr_dtype": None, "constant_dtype": None, **torch_formula},
                   notes={"lr_dtype": "torch uses the Python float lr in the parameter's dtype",
                          "constant_dtype": "hyperparameters are Python floats applied in the parameter's dtype",
                          **notes["torch"]}),
        Convention("keras", concept, keras_api, defaults=keras_defaults,
                   formula={"lr_dtype": "floatx", "constant_dtype": "float32", **keras_formula},
                   notes={"lr_dtype": KERAS_LR_NOTE, "constant_dtype": KERAS_CONSTANT_NOTE, **notes["keras"]}),
    )
