"""Large-batch / matrix-aware rows: Lion, LAMB, LARS, Adafactor, Muon. The harness's two open-loop parameters
(gradient scale 1 and 1e-6) are separate tensors, so every per-tensor norm, factor and orthogonalisation is
taken per scale, as these rules prescribe."""

import keras_impl.optimizers_large_batch as k
import reference_numpy.optimizers_large_batch as n
import torch_impl.optimizers_large_batch as t

from ..case import Skip
from ..trajectory import Rule
from .optimizers_sgd import ONE_CLOSED_LOOP, SECOND_SET_OPEN_LOOP

__all__ = ["RULES", "MUON_FLOAT64_BUG", "ADAFACTOR_CHAOS", "ADAFACTOR_V_NOT_COMPARED"]

ADAFACTOR_CHAOS = ("Adafactor's closed loop at lr >= 0.05 is chaotic: once near the optimum the normalised step of "
                   "fixed relative size bounces around it and any rounding difference (the frameworks' own "
                   "gradients differ by ulps) doubles every step from about step 80 to O(lr); at lr 0.02 it stays "
                   "at 1e-16 (aligned set 1 runs the closed loop)")


MUON_FLOAT64_BUG = ("keras.optimizers.Muon cannot update float64 variables under the default floatx float32: "
                    "_muon_update_step multiplies the float32 learning rate by the float64 update without ops.cast "
                    "(TypeError traced, InvalidArgumentError eager; a Keras bug, pinned in "
                    "test_optimizers_large_batch)")

# Set 0 of each rule moves the rule's own hyperparameters off their defaults (betas, momentum, trust coefficient,
# Adafactor's decay exponent, eps2 and clipping threshold, Muon's Newton-Schulz quintic -- the classic (15/8,
# -5/4, 3/8) -- and step count); the defaults variant runs the defaults. Muon's set 1 turns Nesterov off.
_LAMB = {"lr": 0.01, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.01}
_LARS = {"lr": 5.0, "momentum": 0.8, "weight_decay": 0.01, "trust_coefficient": 0.002}
_ADAFACTOR = {"lr": 0.1, "beta2_decay": -0.7, "eps1": 1e-30, "eps2": 2e-3, "clip_threshold": 1.5, "weight_decay": 0.0}
_MUON = {"lr": 0.02, "weight_decay": 0.01, "adjust_lr_fn": "match_rms_adamw"}
_MUON_NS = {**_MUON, "momentum": 0.9, "ns_coefficients": (1.875, -1.25, 0.375), "ns_steps": 6}

ADAFACTOR_V_NOT_COMPARED = ("Keras's Adafactor keeps a third list, _v: for a matrix the full estimate V = R/mean(R) C "
                            "(no clamps), rewritten from _r and _c every step -- not state of its own; torch stores "
                            "V only for vectors ('variance') and the reference keeps R and C, which are compared")

# State compared after every step: NumPy state field -> (torch state key, Keras per-variable state list attribute,
# indexed by the variable: parity_tests.trajectory._keras_state_lists). Adafactor's factored second moment is
# compared: the row and column means R and C (torch's row_var/col_var with their size-1 reduced axis dropped,
# Keras's _r/_c, which average g^2 + epsilon_1: eps1_form); Keras's _v is not (ADAFACTOR_V_NOT_COMPARED). Pinned
# in the group's test.
RULES = (
    Rule("optimizers", "lion", n.lion, t.lion, k.lion, state={"momentum": ("exp_avg", "_momentums")},
         aligned=({"lr": 0.01, "beta1": 0.95, "beta2": 0.98, "weight_decay": 0.01},), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "lamb", n.lamb, t.lamb, k.lamb,
         state={"exp_avg": ("exp_avg", "_momentums"), "exp_avg_sq": ("exp_avg_sq", "_velocities")},
         aligned=(_LAMB,), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "lars", n.lars, t.lars, k.lars, state={"momentum": ("momentum_buffer", "_momentums")},
         aligned=(_LARS,), skips=ONE_CLOSED_LOOP),
    # Set 0: lr 0.1 > 1/sqrt(t) from step 101, so the relative step min(lr, 1/sqrt(t)) takes over (open loop only:
    # see ADAFACTOR_CHAOS). Set 1: lr 0.02 with the decay, where the frameworks differ (RMS(p) read before or after
    # it, the decay factor's rounding); its closed loop is stable (rounding differences stay at 1e-16).
    Rule("optimizers", "adafactor", n.adafactor, t.adafactor, k.adafactor,
         state={"row": ("row_var", "_r"), "col": ("col_var", "_c")},
         aligned=(_ADAFACTOR, {"lr": 0.02, "eps1": 1e-30, "weight_decay": 0.01}),
         skips=ONE_CLOSED_LOOP + (Skip(ADAFACTOR_CHAOS, regime="closed_loop", index=0),)),
    Rule("optimizers", "muon", n.muon, t.muon, k.muon, state={"momentum": ("momentum_buffer", "momentums")},
         aligned=(_MUON_NS, {**_MUON, "nesterov": False}),
         skips=ONE_CLOSED_LOOP + SECOND_SET_OPEN_LOOP + (Skip(MUON_FLOAT64_BUG, variant="defaults", dtype="float64"),)),
)
