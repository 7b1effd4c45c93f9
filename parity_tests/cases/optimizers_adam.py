"""Adam-family rows: Adam, AMSGrad (``adam(amsgrad=True)``), AdamW, NAdam, Adamax, RAdam, AdaBelief.

One aligned set per rule, with the weight decay on (torch couples it where Keras decouples it: both code
paths run in one trajectory). The open loop's 1e-6 gradient scale is where epsilon placement dominates -- unless
a coupled decay (1e-2 * p) swamps those gradients; so the rules whose epsilon placement differs get a second
set without decay: Adam through AMSGrad (the same code), Adamax and RAdam their own. The decay set moves both
betas off their defaults (the defaults variant runs the defaults), and AdamW gets a second set with AMSGrad on.
"""
import keras_impl.optimizers_adam as k
import reference_numpy.optimizers_adam as n
import torch_impl.optimizers_adam as t

from ..trajectory import Rule
from .optimizers_sgd import ONE_CLOSED_LOOP, SECOND_SET_OPEN_LOOP

__all__ = ["RULES"]

# The Keras half of a state entry names the optimizer's per-variable state list (keras.optimizers.Adam's
# _momentums, _velocities); the RAdam and AdaBelief ports (keras_impl) keep their second statistic in _seconds.
_MOMENTS = {"m": ("exp_avg", "_momentums"), "v": ("exp_avg_sq", "_velocities")}
_PORTED_MOMENTS = {"m": ("exp_avg", "_momentums"), "v": ("exp_avg_sq", "_seconds")}
_ALIGNED = {"lr": 0.01, "beta1": 0.85, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.01}
_NO_DECAY = {"lr": 0.01, "eps": 1e-8, "weight_decay": 0.0}

RULES = (
    Rule("optimizers", "adam", n.adam, t.adam, k.adam, state=_MOMENTS, aligned=(_ALIGNED,), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "amsgrad", n.adam, t.adam, k.adam,
         state={**_MOMENTS, "v_max": ("max_exp_avg_sq", "_velocity_hats")}, required={"amsgrad": True},
         aligned=(_NO_DECAY,), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "adamw", n.adamw, t.adamw, k.adamw, state=_MOMENTS,
         aligned=(_ALIGNED, {**_ALIGNED, "amsgrad": True}), skips=ONE_CLOSED_LOOP + SECOND_SET_OPEN_LOOP),
    Rule("optimizers", "nadam", n.nadam, t.nadam, k.nadam, state=_MOMENTS,
         aligned=({**_ALIGNED, "momentum_decay": 1.0},), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "adamax", n.adamax, t.adamax, k.adamax,
         state={"m": ("exp_avg", "_m"), "u": ("exp_inf", "_u")}, aligned=(_ALIGNED, _NO_DECAY),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "radam", n.radam, t.radam, k.radam, state=_PORTED_MOMENTS, aligned=(_ALIGNED, _NO_DECAY),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "adabelief", n.adabelief, t.adabelief, k.adabelief,
         state={"m": ("exp_avg", "_momentums"), "s": ("exp_avg_var", "_seconds")},
         aligned=({**_ALIGNED, "eps": 1e-16},), skips=ONE_CLOSED_LOOP),
)
