"""Large-batch / matrix-aware update rules: Lion, LAMB, LARS (the suite's own torch optimizers; Keras ships Lion
and Lamb, the suite's Keras LARS), Adafactor and Muon (both frameworks ship them, with different formulas)."""
from dataclasses import replace

from . import register
from .optimizers_common import KERAS_CONSTANT_NOTE, keras_sources, rule_pair, torch_sources

_SUITE_TORCH = "torch ships no {}: the suite's torch_impl.optimizers_large_batch._{} (a torch.optim.Optimizer)"


def _with_related(conventions, related):
    """The pair with ``related`` facts (other defaults a user meets; checked by the group's test, not run)."""
    return tuple(replace(c, related=related[c.framework][0], notes={**c.notes, **related[c.framework][1]})
                 for c in conventions)

# Lion ------------------------------------------------------------------------------------------------------
register(*rule_pair(
    "lion", "torch_impl.optimizers_large_batch._Lion", "keras.optimizers.Lion",
    torch_defaults={"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0},
    keras_defaults={"lr": 1e-3, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0},
    torch_formula={}, keras_formula={},
    sources={"keras": keras_sources("keras.optimizers.Lion", "lr", "beta1", "beta2", "weight_decay")},
    notes={"torch": {"lr": _SUITE_TORCH.format("Lion", "Lion") + "; lr 1e-4 as the Lion paper and lion-pytorch",
                     "beta1": "Lion paper / lion-pytorch betas=(0.9, 0.99)", "beta2": "Lion paper: 0.99",
                     "weight_decay": "lion-pytorch weight_decay=0 (decoupled, times lr)"},
           "keras": {"lr": "keras.optimizers.Lion(learning_rate=0.001): ten times the paper's 1e-4",
                     "beta1": "Lion(beta_1=0.9); __init__ rejects beta_1 <= 0", "beta2": "Lion(beta_2=0.99)",
                     "weight_decay": "Lion(weight_decay=None): base-class decoupled p -= p * wd * lr",
                     "constant_dtype": "update_step: ops.cast(beta_1/beta_2, variable.dtype) (float32-rounded); "
                                       "the base class casts weight_decay the same way"}}))

# LAMB ------------------------------------------------------------------------------------------------------
register(*rule_pair(
    "lamb", "torch_impl.optimizers_large_batch._Lamb", "keras.optimizers.Lamb",
    torch_defaults={"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-6, "weight_decay": 0.0},
    keras_defaults={"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7, "weight_decay": 0.0},
    torch_formula={"moment_form": "interpolate", "weight_decay_form": "trust_ratio"},
    keras_formula={"moment_form": "increment", "weight_decay_form": "decoupled"},
    sources={"keras": keras_sources("keras.optimizers.Lamb", "lr", "beta1", "beta2", "eps", "weight_decay")},
    notes={"torch": {"lr": _SUITE_TORCH.format("LAMB", "Lamb") + "; lr 1e-3", "beta1": "LAMB paper: 0.9",
                     "beta2": "LAMB paper: 0.999", "eps": "LAMB paper / NVIDIA apex FusedLAMB eps=1e-6",
                     "weight_decay": "default 0", "moment_form": "m = b1 m + (1 - b1) g, as the paper writes it",
                     "weight_decay_form": "paper Algorithm 2: u = m_hat/(sqrt(v_hat)+eps) + wd p, inside ||p||/||u||"},
           "keras": {"lr": "keras.optimizers.Lamb(learning_rate=0.001)", "beta1": "Lamb(beta_1=0.9)",
                     "beta2": "Lamb(beta_2=0.999)", "eps": "Lamb(epsilon=1e-7), added after bias correction",
                     "weight_decay": "Lamb(weight_decay=None)",
                     "moment_form": "update_step: m += (g - m) * (1 - beta_1), 1 - beta_1 a Python float",
                     "weight_decay_form": "Lamb has no decay of its own: the base class's p -= p * wd * lr runs "
                                          "before update_step, outside the trust ratio (which sees the decayed p)",
                     "constant_dtype": "ops.cast(beta_1/beta_2) in the bias corrections and the base class's "
                                       "weight_decay are float32-rounded; epsilon and the moments' 1 - beta stay "
                                       "exact"}}))

# LARS ------------------------------------------------------------------------------------------------------
_LARS = {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0, "trust_coefficient": 0.001}
register(*rule_pair(
    "lars", "torch_impl.optimizers_large_batch._LARS", "keras_impl.optimizers_large_batch._LARS",
    torch_defaults=_LARS, keras_defaults=_LARS, torch_formula={}, keras_formula={},
    notes={"torch": {"lr": _SUITE_TORCH.format("LARS", "LARS") + "; no framework default: 0.1 on both sides",
                     "momentum": "You et al. 2017: momentum 0.9", "weight_decay": "default 0 (beta in the paper)",
                     "trust_coefficient": "You et al. 2017: LARS coefficient eta = 0.001"},
           "keras": {**dict.fromkeys(_LARS, "as torch"),  # the port's defaults are torch's (_LARS on both sides)
                     "lr": "Keras ships no LARS: the suite's keras_impl.optimizers_large_batch._LARS; 0.1 as torch",
                     "weight_decay": "as torch, inside the local rate (not the base class's)",
                     "constant_dtype": KERAS_CONSTANT_NOTE + " (the suite's LARS casts momentum, weight_decay and "
                                                             "trust_coefficient as Keras's own optimizers do)"}}))

# Adafactor -------------------------------------------------------------------------------------------------
_ADAFACTOR_RELATED = {
    "torch": ({}, {}),
    "keras": ({"relative_step": True},
              {"relative_step": "Adafactor(relative_step=True); False changes nothing: update_step takes "
                                "rho_t = min(lr, 1/sqrt(t)) again whatever the flag (torch has no such flag)"}),
}
register(*_with_related(rule_pair(
    "adafactor", "torch.optim.Adafactor", "keras.optimizers.Adafactor",
    torch_defaults={"lr": 1e-2, "beta2_decay": -0.8, "eps1": None, "eps2": 1e-3, "clip_threshold": 1.0,
                    "weight_decay": 0.0},
    keras_defaults={"lr": 1e-3, "beta2_decay": -0.8, "eps1": 1e-30, "eps2": 1e-3, "clip_threshold": 1.0,
                    "weight_decay": 0.0},
    torch_formula={"eps1_form": "clamp", "rms_param": "undecayed", "decay_form": "scale"},
    keras_formula={"eps1_form": "add", "rms_param": "decayed", "decay_form": "subtract"},
    sources={"torch": torch_sources("torch.optim.Adafactor", "lr", "beta2_decay", "eps1", "eps2", "clip_threshold",
                                    "weight_decay", eps1=("eps", 0), eps2=("eps", 1), clip_threshold="d"),
             "keras": keras_sources("keras.optimizers.Adafactor", "lr", "beta2_decay", "eps1", "eps2",
                                    "clip_threshold", "weight_decay", "relative_step", beta2_decay="beta_2_decay",
                                    eps1="epsilon_1", eps2="epsilon_2")},
    notes={"torch": {"lr": "torch.optim.Adafactor(lr=1e-2); rho_t = min(lr, 1/sqrt(t)) always (no switch)",
                     "beta2_decay": "Adafactor(beta2_decay=-0.8): 1 - beta2_t = t**-0.8 (a Python float, lerp weight)",
                     "eps1": "Adafactor(eps=(None, 1e-3)): None means torch.finfo(param.dtype).eps",
                     "eps2": "Adafactor(eps=(None, 1e-3)): alpha = max(eps2, RMS(p)) * rho_t",
                     "clip_threshold": "Adafactor(d=1.0): U / max(1, RMS(U)/d)",
                     "weight_decay": "Adafactor(weight_decay=0.0): p *= 1 - lr * wd (decoupled, raw lr)",
                     "eps1_form": "_single_tensor_adafactor: V = R C / clamp(mean(R), min=eps1); "
                                  "rsqrt(clamp(V, min=eps1**2))",
                     "rms_param": "alpha is read from p before param.mul_(1 - lr * weight_decay)",
                     "decay_form": "param.mul_(1 - lr * weight_decay): the factor is a Python float rounded once"},
           "keras": {"lr": "keras.optimizers.Adafactor(learning_rate=0.001); relative_step=True (False changes "
                           "nothing: update_step takes min(lr, 1/sqrt(t)) again for rho_t)",
                     "beta2_decay": "Adafactor(beta_2_decay=-0.8): beta_2_t = 1 - t**-0.8 in the variable dtype",
                     "eps1": "Adafactor(epsilon_1=1e-30)", "eps2": "Adafactor(epsilon_2=1e-3)",
                     "clip_threshold": "Adafactor(clip_threshold=1.0)",
                     "weight_decay": "Adafactor(weight_decay=None): base-class decoupled p -= p * wd * lr",
                     "eps1_form": "update_step: regulated_grad_square = g**2 + epsilon_1; v = r/mean(r) * c, no clamps",
                     "rms_param": "the base class decays p before update_step, which reads RMS(p) afterwards",
                     "decay_form": "base class: variable - variable * wd * lr",
                     "constant_dtype": "ops.cast(epsilon_2) and the base class's weight_decay are float32-rounded; "
                                       "epsilon_1, beta_2_decay and clip_threshold stay exact Python floats"}}),
    _ADAFACTOR_RELATED))

# Muon ------------------------------------------------------------------------------------------------------
_NS = (3.4445, -4.775, 2.0315)
_MUON_RELATED = {
    "torch": ({"non_2d_parameters": "ValueError"},
              {"non_2d_parameters": "Muon.__init__ raises ValueError for any parameter with ndim != 2 (the docs: "
                                    "optimise biases and embeddings with AdamW)"}),
    "keras": ({"non_2d_parameters": "adamw", "exclude_embeddings": True, "adam_lr_ratio": 1,
               "adam_weight_decay": 0.004},
              {"non_2d_parameters": "_should_use_adamw: variables with ndim != 2 (and 'embedding' paths, "
                                    "exclude_layers) get an AdamW step (adam_beta_1 0.9, adam_beta_2 0.999, epsilon "
                                    "1e-7) with their own '<name>_velocity'",
               "exclude_embeddings": "Muon(exclude_embeddings=True): 2-D variables whose path contains 'embedding' "
                                     "go to AdamW",
               "adam_lr_ratio": "Muon(adam_lr_ratio=1): the AdamW variables' learning rate factor",
               "adam_weight_decay": "Muon(adam_weight_decay=0.004) for the AdamW variables"}),
}


register(*_with_related(rule_pair(
    "muon", "torch.optim.Muon", "keras.optimizers.Muon",
    torch_defaults={"lr": 1e-3, "momentum": 0.95, "nesterov": True, "weight_decay": 0.1, "ns_coefficients": _NS,
                    "ns_steps": 5, "eps": 1e-7, "adjust_lr_fn": None},
    keras_defaults={"lr": 1e-3, "momentum": 0.95, "nesterov": True, "weight_decay": 0.004, "ns_coefficients": _NS,
                    "ns_steps": 5, "eps": 1e-7, "adjust_lr_fn": "match_rms_adamw"},
    torch_formula={"momentum_form": "ema", "ns_dtype": "bfloat16", "ns_eps_form": "clamp", "decay_form": "scale"},
    keras_formula={"momentum_form": "sum", "ns_dtype": None, "ns_eps_form": "add", "decay_form": "subtract"},
    sources={"torch": torch_sources("torch.optim.Muon", "lr", "momentum", "nesterov", "weight_decay", "ns_coefficients",
                                    "ns_steps", "eps", "adjust_lr_fn"),
             "keras": keras_sources("keras.optimizers.Muon", "lr", "momentum", "nesterov", "weight_decay", "ns_steps",
                                    "exclude_embeddings", "adam_lr_ratio", "adam_weight_decay")},
    notes={"torch": {"lr": "torch.optim.Muon(lr=1e-3)", "momentum": "Muon(momentum=0.95)",
                     "nesterov": "Muon(nesterov=True)", "weight_decay": "Muon(weight_decay=0.1): p *= 1 - lr * wd",
                     "ns_coefficients": "Muon(ns_coefficients=(3.4445, -4.775, 2.0315))",
                     "ns_steps": "Muon(ns_steps=5)",
                     "eps": "Muon(eps=1e-7)",
                     "adjust_lr_fn": "Muon(adjust_lr_fn=None) = 'original': lr * sqrt(max(1, A/B)) (1 for 3x4)",
                     "momentum_form": "buf.lerp_(g, 1 - momentum) (an EMA); Nesterov g.lerp(buf, momentum)",
                     "ns_dtype": "_zeropower_via_newtonschulz: grad.bfloat16(), every matmul/addmm in bfloat16",
                     "ns_eps_form": "X.div_(X.norm().clamp(min=eps))",
                     "decay_form": "param.mul_(1 - lr * weight_decay): the factor is a Python float rounded once"},
           "keras": {"lr": "keras.optimizers.Muon(learning_rate=0.001)", "momentum": "Muon(momentum=0.95)",
                     "nesterov": "Muon(nesterov=True)",
                     "weight_decay": "Muon(weight_decay=0.004) for 2-D variables (adam_weight_decay for the rest); "
                                     "Muon._apply_weight_decay: p - p * wd * lr",
                     "ns_coefficients": "Muon(muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315)",
                     "ns_steps": "Muon(ns_steps=5)", "eps": "fixed 1e-7 in zeropower_via_newtonschulz5 (Muon's epsilon "
                                                            "is AdamW's, for non-2-D variables)",
                     "adjust_lr_fn": "Muon(rms_rate=0.2): lr_adjust = update * sqrt(max(A, B)) * 0.2 (Moonlight)",
                     "momentum_form": "_muon_update_step: m += g + m * (momentum - 1) (a sum); Nesterov g + momentum m",
                     "ns_dtype": "Newton-Schulz in the variable dtype",
                     "ns_eps_form": "X / (ops.norm(X) + 1e-7)",
                     "decay_form": "Muon._apply_weight_decay: variable - variable * wd * lr",
                     "constant_dtype": "only the weight decay is cast (ops.cast in Muon._apply_weight_decay); "
                                       "momentum, coefficients and rms_rate stay exact Python floats"}}),
    _MUON_RELATED))
