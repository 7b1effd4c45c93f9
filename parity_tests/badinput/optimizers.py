"""Bad-input rows of the optimizers family for the one table (``table.TABLE``): every update rule
gets a gradient of the wrong shape and a float64 gradient for its float32 parameter (one checked step: the
reference's ``update``, ``torch_impl`` / ``keras_impl`` ``optimizers_common.apply_gradients``), then
hyperparameters at and just past their bounds."""
import numpy as np

from ..cases.optimizers_adam import RULES as ADAM
from ..cases.optimizers_adaptive import RULES as ADAPTIVE
from ..cases.optimizers_large_batch import RULES as LARGE_BATCH
from ..cases.optimizers_sgd import RULES as SGD
from .rows import G32, P32, ULP_ABOVE_1, ULP_BELOW_0, BadInput, Raw, Same, step_fns

__all__ = ["ROWS", "RULES"]

RULES = SGD + ADAPTIVE + ADAM + LARGE_BATCH
RULE = {rule.concept: rule for rule in RULES}
PARAMS, GRADS = (P32,), (G32,)


def _row(concept, args, kwargs, expected, argument, reason):
    return BadInput("optimizers", concept, step_fns(RULE[concept]), args, kwargs, expected, argument, reason)


def _hyper(concept, kwargs, expected, reason):
    return _row(concept, (PARAMS, GRADS), kwargs, expected, next(iter(kwargs)), reason)


_GRADIENTS = tuple(row for rule in RULES for row in (
    _row(rule.concept, (PARAMS, (G32.T.copy(),)), {}, ValueError, "grads", "gradient shape mismatch"),
    _row(rule.concept, (PARAMS, (G32.astype(np.float64),)), {}, TypeError, "grads",
         "float64 gradient for a float32 parameter"),
))

ROWS = _GRADIENTS + (
    _row("sgd", (PARAMS, (G32, G32)), {}, ValueError, "grads", "two gradients for one parameter"),
    _row("sgd", (PARAMS, (G32.astype(np.int32),)), {}, TypeError, "grads", "integer gradient"),
    _row("adam", (PARAMS, Raw(None)), {}, TypeError, "grads", "grads None"),
    _row("adam", (PARAMS, (G32[0],)), {}, ValueError, "grads", "gradient of one row"),
    # lr: a finite real number >= 0, its type checked first (lr=None compared before the type check)
    _hyper("adam", {"lr": None}, TypeError, "lr None"),
    _hyper("adam", {"lr": "0.1"}, TypeError, "lr a string"),
    _hyper("rmsprop", {"lr": float("nan")}, ValueError, "lr NaN"),
    _hyper("adagrad", {"lr": float("inf")}, ValueError, "lr infinite"),
    _hyper("sgd", {"lr": ULP_BELOW_0}, ValueError, "lr one ulp below 0"),
    _hyper("sgd", {"lr": 0.0}, Same([P32]), "lr 0 (the bound, closed) -> parameters unchanged"),
    # decay rates: [0, 1) for Adam's betas and RMSprop's rho, (0, 1] for Lion's beta1, [0, 1] for momentum
    _hyper("adam", {"beta1": 1.0}, ValueError, "beta1 1 (the bound, open)"),
    _hyper("nadam", {"beta2": ULP_ABOVE_1}, ValueError, "beta2 one ulp above 1"),
    _hyper("adamw", {"beta1": ULP_BELOW_0}, ValueError, "beta1 one ulp below 0"),
    _hyper("rmsprop", {"rho": 1.0}, ValueError, "rho 1 (the bound, open)"),
    _hyper("adadelta", {"rho": "0.9"}, TypeError, "rho a string"),
    _hyper("lion", {"beta1": ULP_ABOVE_1}, ValueError, "beta1 one ulp above 1"),
    _hyper("lion", {"beta1": 1.01}, ValueError, "beta1 1.01"),
    _hyper("lion", {"beta1": 0.0}, ValueError, "beta1 0 (the bound, open)"),
    _hyper("lion", {"beta1": ULP_BELOW_0}, ValueError, "beta1 one ulp below 0"),
    _hyper("lion", {"beta1": 1.0}, Same([P32]), "beta1 1 (the bound, closed) -> sign(m_0) = 0: unchanged"),
    _hyper("lion", {"beta2": ULP_ABOVE_1}, ValueError, "beta2 one ulp above 1"),
    _hyper("momentum", {"momentum": ULP_ABOVE_1}, ValueError, "momentum one ulp above 1"),
    _hyper("sgd", {"momentum": "0.9"}, TypeError, "momentum a string"),
    _hyper("nesterov", {"nesterov": "no"}, TypeError, "nesterov a string (was silently true)"),
    _hyper("sgd", {"dampening": "0.1"}, TypeError, "dampening a string"),
    _hyper("lars", {"momentum": ULP_BELOW_0}, ValueError, "momentum one ulp below 0"),
    _hyper("lamb", {"beta2": ULP_ABOVE_1}, ValueError, "beta2 one ulp above 1"),
    # positive epsilons and the like
    _hyper("adam", {"eps": ULP_BELOW_0}, ValueError, "eps one ulp below 0"),
    _hyper("adagrad", {"eps": 0.0}, ValueError, "eps 0 (the bound, open)"),
    _hyper("lars", {"trust_coefficient": None}, TypeError, "trust_coefficient None"),
    _hyper("adam", {"weight_decay": True}, TypeError, "weight_decay a bool"),
    _hyper("adafactor", {"clip_threshold": float(np.nextafter(1.0, 0.0))}, ValueError,
           "clip_threshold one ulp below 1"),
    _hyper("muon", {"ns_steps": 2.5}, TypeError, "ns_steps not an int"),
    _hyper("muon", {"ns_steps": 100}, ValueError, "ns_steps 100 (one past 99)"),
)
