"""Adaptive-rule rows: Adagrad, RMSprop (plain, heavy-ball momentum, centered; one function, three concepts)
and Adadelta. Weight decay (coupled in torch, decoupled in Keras) is on in set 0 once per function (the gate runs set 0,
so both decay paths are in it) and off in set 1."""
import keras_impl.optimizers_adaptive as k
import reference_numpy.optimizers_adaptive as n
import torch_impl.optimizers_adaptive as t

from ..trajectory import Rule
from .optimizers_sgd import ONE_CLOSED_LOOP

__all__ = ["RULES"]

_ADAGRAD = {"lr": 0.05, "initial_accumulator_value": 0.0, "eps": 1e-7, "weight_decay": 0.0}
# RMSprop without momentum is chaotic on the closed loop once |g| falls to about lr * curvature: its step
# lr g / sqrt(v) then expands perturbations (~2.5x per step at lr=0.01, rho=0.9): re-associating the NumPy
# least-squares gradient alone (NumPy vs NumPy) grows from 1e-15 at step 40 to ~lr by step 120. lr=1e-3
# (Keras's default) with rho=0.99 (torch's) keeps sqrt(v) near the early gradient scale: 200 steps stay in the
# contracting regime (seeds 20261124, 3, 7, 11, 12345 checked).
_RMSPROP = {"lr": 1e-3, "rho": 0.99, "eps": 1e-7, "weight_decay": 0.0}
_ADADELTA = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}
_SQUARE_AVG = {"square_avg": ("square_avg", "_velocities")}


def _with_decay(aligned):
    return {**aligned, "weight_decay": 0.01}, aligned


RULES = (
    Rule("optimizers", "adagrad", n.adagrad, t.adagrad, k.adagrad, state={"accumulator": ("sum", "_accumulators")},
         aligned=_with_decay(_ADAGRAD), skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "rmsprop", n.rmsprop, t.rmsprop, k.rmsprop, state=_SQUARE_AVG, aligned=_with_decay(_RMSPROP),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "rmsprop_momentum", n.rmsprop, t.rmsprop, k.rmsprop, required={"momentum": 0.9},
         state={**_SQUARE_AVG, "momentum": ("momentum_buffer", "_momentums")}, aligned=(_RMSPROP,),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "rmsprop_centered", n.rmsprop, t.rmsprop, k.rmsprop, required={"centered": True},
         state={**_SQUARE_AVG, "grad_avg": ("grad_avg", "_average_gradients")}, aligned=(_RMSPROP,),
         skips=ONE_CLOSED_LOOP),
    Rule("optimizers", "adadelta", n.adadelta, t.adadelta, k.adadelta,
         state={"square_avg": ("square_avg", "_accumulated_grads"),
                "acc_delta": ("acc_delta", "_accumulated_delta_vars")},
         aligned=_with_decay(_ADADELTA), skips=ONE_CLOSED_LOOP),
)
