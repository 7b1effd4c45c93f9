"""Adam-family conventions: torch.optim.Adam/AdamW/NAdam/Adamax/RAdam (+ the suite's AdaBelief) vs
keras.optimizers.Adam/AdamW/Nadam/Adamax (+ the suite's RAdam and AdaBelief ports)."""
from . import register
from .optimizers_common import keras_sources, rule_pair, torch_sources

__all__ = ["ADAM", "AMSGRAD", "ADAMW", "NADAM", "ADAMAX", "RADAM", "ADABELIEF"]

_BETAS = {"beta1": 0.9, "beta2": 0.999}
_TORCH_COMMON = {"moment_form": "torch", "schedule_dtype": "float64"}
_KERAS_COMMON = {"moment_form": "keras", "schedule_dtype": None}
_NO_SECOND_MOMENT = {"moment_form": None}  # Adamax: m + (1 - b1)(g - m) is (g - m)(1 - b1) + m exactly
_TORCH_NOTES = {
    "beta1": "betas=(0.9, 0.999)", "beta2": "betas=(0.9, 0.999)",
    "moment_form": "exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)",
    "schedule_dtype": "bias corrections, step size (and rho_t, mu_t) are Python floats: float64 even for float32 "
                      "parameters, applied as scalars in the parameter's dtype",
}
_KERAS_NOTES = {
    "beta1": "beta_1=0.9", "beta2": "beta_2=0.999",
    "moment_form": "update_step: assign_add(m, (g - m) * (1 - beta_1)); assign_add(v, (g^2 - v) * (1 - beta_2))",
    "schedule_dtype": "update_step computes beta^t, bias corrections and the step size in the variable's dtype",
}
_WD = {"torch": {"weight_decay_form": "L2: grad.add(param, alpha=weight_decay) before the moments "
                                      "(decoupled_weight_decay=False)"},
       "keras": {"weight_decay_form": "Optimizer._apply_weight_decay: p -= p * wd * lr before update_step (decoupled)"}}


def _drop_none(formula):
    return {key: value for key, value in formula.items() if key != "moment_form" or value is not None}


_SHARED = ("lr", "beta1", "beta2", "weight_decay")


def _sources(torch_optimizer, torch_keys, keras_optimizer=None, keras_keys=()):
    """The shared keys and ``*_keys`` read off torch's (and Keras's, unless the suite ports it) optimizer."""
    return {"torch": torch_sources(torch_optimizer, *_SHARED, *torch_keys),
            "keras": keras_sources(keras_optimizer, *_SHARED, *keras_keys) if keras_optimizer else {}}


def _pair(concept, torch_api, keras_api, torch_defaults, keras_defaults, torch_formula, keras_formula, notes,
          sources=None):
    """A rule_pair with the family's shared hyperparameters, switches and notes merged in."""
    return rule_pair(concept, torch_api, keras_api, sources=sources,
                     torch_defaults={"lr": 1e-3, **_BETAS, "weight_decay": 0.0, **torch_defaults},
                     keras_defaults={"lr": 1e-3, **_BETAS, "weight_decay": 0.0, **keras_defaults},
                     torch_formula=_drop_none({**_TORCH_COMMON, **torch_formula}),
                     keras_formula=_drop_none({**_KERAS_COMMON, **keras_formula}),
                     notes={"torch": {**_TORCH_NOTES, **notes["torch"]}, "keras": {**_KERAS_NOTES, **notes["keras"]}})


def _adam_notes(torch_api, keras_api, torch_wd, keras_wd):
    return {
        "torch": {"lr": f"{torch_api}(lr=1e-3)", "eps": f"{torch_api}(eps=1e-8)",
                  "amsgrad": f"{torch_api}(amsgrad=False)",
                  "weight_decay": f"{torch_api}(weight_decay={torch_wd})",
                  "eps_form": "_single_tensor_adam: denom = exp_avg_sq.sqrt() / sqrt(1 - beta2^t) + eps (after "
                              "the bias correction); amsgrad: max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq), the "
                              "raw v",
                  **_WD["torch"]},
        "keras": {"lr": f"{keras_api}(learning_rate=0.001)", "eps": f"{keras_api}(epsilon=1e-7)",
                  "amsgrad": f"{keras_api}(amsgrad=False)", "weight_decay": f"{keras_api}(weight_decay={keras_wd})",
                  "eps_form": "Adam.update_step: alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t); p -= m alpha / "
                              "(sqrt(v) + epsilon) (before the bias correction); amsgrad: velocity_hat = "
                              "max(velocity_hat, v)",
                  "constant_dtype": "Adam.update_step: ops.cast(beta_1/beta_2, dtype) in beta^t (and the weight decay) "
                                    "round through float32; 1 - self.beta_1 and epsilon are exact Python floats",
                  **_WD["keras"]},
    }


def _adam(concept, torch_api, keras_api):
    """torch.optim.Adam vs keras.optimizers.Adam: the same table for plain Adam and its amsgrad variant (the
    frameworks' default is amsgrad=False; the amsgrad cases set it)."""
    return _pair(concept, torch_api, keras_api,
                 {"eps": 1e-8, "amsgrad": False}, {"eps": 1e-7, "amsgrad": False},
                 {"eps_form": "corrected", "weight_decay_form": "coupled"},
                 {"eps_form": "raw", "weight_decay_form": "decoupled"},
                 _adam_notes("Adam", "Adam", 0, "None"),
                 _sources("torch.optim.Adam", ("eps", "amsgrad"), "keras.optimizers.Adam", ("eps", "amsgrad")))


ADAM = _adam("adam", "torch.optim.Adam", "keras.optimizers.Adam")
AMSGRAD = _adam("amsgrad", "torch.optim.Adam(amsgrad=True)", "keras.optimizers.Adam(amsgrad=True)")
ADAMW = _pair("adamw", "torch.optim.AdamW", "keras.optimizers.AdamW",
              {"eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
              {"eps": 1e-7, "weight_decay": 0.004, "amsgrad": False},
              {"eps_form": "corrected"}, {"eps_form": "raw"},
              _adam_notes("AdamW", "AdamW", "1e-2", 0.004),
              _sources("torch.optim.AdamW", ("eps", "amsgrad"), "keras.optimizers.AdamW", ("eps", "amsgrad")))

_NADAM_NOTES = {
    "torch": {"lr": "NAdam(lr=2e-3)", "eps": "NAdam(eps=1e-8)", "weight_decay": "NAdam(weight_decay=0)",
              "momentum_decay": "NAdam(momentum_decay=4e-3): mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay))",
              "mu_product_dtype": "state['mu_product'] = torch.tensor(1.0, dtype=_get_scalar_dtype()): float32 unless "
                                  "torch's default dtype is float64; mu_product *= mu rounds every step",
              **_WD["torch"]},
    "keras": {"lr": "Nadam(learning_rate=0.001)", "eps": "Nadam(epsilon=1e-7)",
              "weight_decay": "Nadam(weight_decay=None)",
              "momentum_decay": "Nadam has no momentum_decay: u_t = beta_1 (1 - 0.5 * 0.96^t), i.e. torch's schedule "
                                "with momentum_decay = 1 (the momentum reaches beta_1 within ~100 steps, not ~25000)",
              "mu_product_dtype": "_u_product = backend.Variable(1.0, dtype=var_list[0].dtype)",
              "constant_dtype": "Nadam.update_step: ops.cast(beta_1/beta_2/0.96, dtype) -- in the moments too -- round "
                                "through float32; _u_product uses the exact Python beta_1 and 0.96; epsilon exact",
              **_WD["keras"]},
}
NADAM = _pair("nadam", "torch.optim.NAdam", "keras.optimizers.Nadam",
              {"lr": 2e-3, "eps": 1e-8, "momentum_decay": 4e-3}, {"eps": 1e-7, "momentum_decay": 1.0},
              {"weight_decay_form": "coupled", "mu_product_dtype": "float32"},
              {"weight_decay_form": "decoupled", "mu_product_dtype": None}, _NADAM_NOTES,
              _sources("torch.optim.NAdam", ("eps", "momentum_decay"), "keras.optimizers.Nadam", ("eps",)))

_ADAMAX_NOTES = {
    "torch": {"lr": "Adamax(lr=2e-3)", "eps": "Adamax(eps=1e-8)", "weight_decay": "Adamax(weight_decay=0)",
              "eps_form": "_single_tensor_adamax: exp_inf = max(exp_inf * beta2, |g| + eps) (eps inside the max, so "
                          "in the state); p -= lr / (1 - beta1^t) * exp_avg / exp_inf", **_WD["torch"]},
    "keras": {"lr": "Adamax(learning_rate=0.001)", "eps": "Adamax(epsilon=1e-7)",
              "weight_decay": "Adamax(weight_decay=None)",
              "eps_form": "Adamax.update_step: u = max(beta_2 u, |g|); p -= lr m / ((1 - beta_1^t)(u + epsilon))",
              "constant_dtype": "Adamax.update_step: ops.cast(beta_1, dtype) in beta_1^t (and the weight decay) round "
                                "through float32; 1 - self.beta_1, self.beta_2 and epsilon are exact", **_WD["keras"]},
}
ADAMAX = _pair("adamax", "torch.optim.Adamax", "keras.optimizers.Adamax",
               {"lr": 2e-3, "eps": 1e-8}, {"eps": 1e-7},
               {"eps_form": "in_max", "weight_decay_form": "coupled", **_NO_SECOND_MOMENT},
               {"eps_form": "denominator", "weight_decay_form": "decoupled", **_NO_SECOND_MOMENT}, _ADAMAX_NOTES,
               _sources("torch.optim.Adamax", ("eps",), "keras.optimizers.Adamax", ("eps",)))

_PORT_ROUNDING = ("the port's update_step casts beta_1/beta_2 with ops.cast(value, dtype) (float32-rounded, in the "
                  "moments too), as Keras's Nadam does; the weight decay as Keras's base; epsilon exact")
_RADAM_NOTES = {
    "torch": {"lr": "RAdam(lr=1e-3)", "eps": "RAdam(eps=1e-8)", "weight_decay": "RAdam(weight_decay=0)",
              "eps_form": "_single_tensor_radam: adaptive = sqrt(1 - beta2^t) / (sqrt(exp_avg_sq) + eps) (before the "
                          "bias correction); rectified while rho_t > 5", **_WD["torch"]},
    "keras": {"lr": "keras_impl _RAdam(learning_rate=0.001), as tfa.optimizers.RectifiedAdam",
              "eps": "epsilon=1e-7, as tfa.optimizers.RectifiedAdam",
              "weight_decay": "weight_decay=None (Keras's decoupled decay; TFA added wd * p to the lr-scaled update)",
              "eps_form": "tfa RectifiedAdam: r_t m_hat / (sqrt(v / (1 - beta_2^t)) + epsilon) (after the bias "
                          "correction)",
              "constant_dtype": _PORT_ROUNDING, **_WD["keras"]},
}
RADAM = _pair("radam", "torch.optim.RAdam", "keras_impl.optimizers_adam._RAdam (port of tfa.optimizers.RectifiedAdam)",
              {"eps": 1e-8}, {"eps": 1e-7},
              {"eps_form": "raw", "weight_decay_form": "coupled"},
              {"eps_form": "corrected", "weight_decay_form": "decoupled"}, _RADAM_NOTES,
              _sources("torch.optim.RAdam", ("eps",)))

_ADABELIEF_NOTES = {
    "torch": {"lr": "adabelief-pytorch 0.2 AdaBelief(lr=1e-3)",
              "eps": "adabelief-pytorch 0.2 AdaBelief(eps=1e-16); eps enters the belief and the denominator",
              "weight_decay": "AdaBelief(weight_decay=0), weight_decouple=True: p *= 1 - lr wd"},
    "keras": {"lr": "tfa.optimizers.AdaBelief(learning_rate=0.001)",
              "eps": "tfa.optimizers.AdaBelief(epsilon=1e-14); epsilon enters the belief and the denominator",
              "weight_decay": "weight_decay=None (Keras's decoupled decay; TFA added wd * p to the lr-scaled update)",
              "constant_dtype": _PORT_ROUNDING},
}
ADABELIEF = _pair("adabelief", "torch_impl.optimizers_adam._AdaBelief (adabelief-pytorch 0.2, rectify=False)",
                  "keras_impl.optimizers_adam._AdaBelief (port of tfa.optimizers.AdaBelief, rectify=False)",
                  {"eps": 1e-16}, {"eps": 1e-14}, {}, {}, _ADABELIEF_NOTES)

for _conventions in (ADAM, AMSGRAD, ADAMW, NADAM, ADAMAX, RADAM, ADABELIEF):
    register(*_conventions)
