"""SGD-family rows: plain SGD, heavy-ball momentum and Nesterov momentum (one function, three concepts)."""
import keras_impl.optimizers_sgd as k
import reference_numpy.optimizers_sgd as n
import torch_impl.optimizers_sgd as t

from ..case import Skip
from ..trajectory import Rule

__all__ = ["RULES", "ONE_CLOSED_LOOP", "SECOND_SET_OPEN_LOOP"]

# Each Keras trajectory is a traced 200-step loop (~0.1 s): the closed loop, where each framework
# differentiates its own loss, runs once per rule (aligned, float64); the open loop runs everywhere.
ONE_CLOSED_LOOP = (Skip("closed loop once per rule (aligned, float64): a Keras trajectory costs a trace",
                        regime="closed_loop", variant="defaults"),
                   Skip("closed loop once per rule (aligned, float64): a Keras trajectory costs a trace",
                        regime="closed_loop", dtype="float32"))
# A second aligned set that only switches a code path on (AMSGrad in AdamW, Muon without Nesterov) runs the
# open loop: the rule's closed loop already runs once, with set 0.
SECOND_SET_OPEN_LOOP = (Skip("closed loop once per rule (set 0): this set switches a code path the open loop covers",
                             regime="closed_loop", index=1),)
_LR = {"lr": 0.05, "weight_decay": 0.0}
_MOMENTUM_STATE = {"momentum": ("momentum_buffer", "momentums")}

RULES = (
    # set 0 decays the weights (coupled in torch, decoupled in Keras: both paths in the gate), set 1 does not
    Rule("optimizers", "sgd", n.sgd, t.sgd, k.sgd, aligned=({"lr": 0.05, "weight_decay": 0.01}, _LR),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "momentum", n.sgd, t.sgd, k.sgd, state=_MOMENTUM_STATE, required={"momentum": 0.9},
         aligned=(_LR,), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "nesterov", n.sgd, t.sgd, k.sgd, state=_MOMENTUM_STATE,
         required={"momentum": 0.9, "nesterov": True}, aligned=(_LR,), skips=ONE_CLOSED_LOOP),
)
