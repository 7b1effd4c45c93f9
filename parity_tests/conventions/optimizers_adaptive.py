"""Adaptive-rule conventions: torch.optim.{Adagrad, RMSprop, Adadelta} vs keras.optimizers.{Adagrad, RMSprop,
Adadelta} (concepts adagrad; rmsprop, rmsprop_momentum, rmsprop_centered; adadelta)."""
from . import register
from .optimizers_common import keras_sources, rule_pair, torch_sources

# Keras's update_step applies rho, 1 - rho, epsilon and momentum with ops.add / ops.multiply, which
# convert a Python float directly to the variable's dtype; only ops.cast rounds through float32.
_KERAS_CAST = ("only values passed through ops.cast are float32-rounded: {what}; rho, 1 - rho, epsilon and "
               "momentum enter update_step through ops.add/ops.multiply, which convert a Python float straight "
               "to the variable's dtype (exact in float64)")
_WD = {"torch": "weight_decay is L2: grad = grad + weight_decay * p before the update (coupled)",
       "keras": "Optimizer._apply_weight_decay: p -= p * wd * lr before update_step (decoupled)"}

_ADAGRAD_NOTES = {
    "torch": {"lr": "torch.optim.Adagrad(lr=1e-2)",
              "lr_decay": "Adagrad(lr_decay=0): the step size is lr / (1 + (t - 1) lr_decay)",
              "weight_decay": "Adagrad(weight_decay=0)",
              "initial_accumulator_value": "Adagrad(initial_accumulator_value=0): state['sum'] = full_like(p, 0)",
              "eps": "Adagrad(eps=1e-10)", "eps_placement": "std = state_sum.sqrt().add_(eps): sqrt(G) + eps",
              "weight_decay_form": _WD["torch"]},
    "keras": {"lr": "keras.optimizers.Adagrad(learning_rate=0.001)", "lr_decay": "Keras Adagrad has no lr_decay",
              "weight_decay": "Adagrad(weight_decay=None)",
              "initial_accumulator_value": "Adagrad(initial_accumulator_value=0.1), via initializers.Constant",
              "eps": "Adagrad(epsilon=1e-7)",
              "eps_placement": "ops.sqrt(ops.add(accumulator, self.epsilon)): sqrt(G + eps)",
              "weight_decay_form": _WD["keras"],
              "constant_dtype": _KERAS_CAST.format(what="initializers.Constant(initial_accumulator_value) "
                                                        "(ops.cast(value, dtype)) and the weight decay")},
}
register(*rule_pair("adagrad", "torch.optim.Adagrad", "keras.optimizers.Adagrad",
                    torch_defaults={"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0,
                                    "eps": 1e-10},
                    keras_defaults={"lr": 1e-3, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.1,
                                    "eps": 1e-7},
                    torch_formula={"eps_placement": "outside", "weight_decay_form": "coupled"},
                    keras_formula={"eps_placement": "inside", "weight_decay_form": "decoupled"}, notes=_ADAGRAD_NOTES,
                    sources={"torch": torch_sources("torch.optim.Adagrad", "lr", "lr_decay", "weight_decay",
                                                    "initial_accumulator_value", "eps"),
                             "keras": keras_sources("keras.optimizers.Adagrad", "lr", "weight_decay",
                                                    "initial_accumulator_value", "eps")}))

_RMSPROP_NOTES = {
    "torch": {"lr": "torch.optim.RMSprop(lr=1e-2)", "rho": "RMSprop(alpha=0.99)", "eps": "RMSprop(eps=1e-8)",
              "momentum": "RMSprop(momentum=0)", "centered": "RMSprop(centered=False)",
              "weight_decay": "RMSprop(weight_decay=0)",
              "eps_placement": "avg = square_avg.sqrt() (centered: addcmul(grad_avg, grad_avg, value=-1).sqrt_()), "
                               "then avg.add_(eps): sqrt(v) + eps",
              "momentum_form": "buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr): the buffer "
                               "holds g / avg, lr applied outside",
              "average_form": "grad_avg.lerp_(grad, 1 - alpha): a + (1 - alpha)(g - a) (one fused multiply-add on CPU)",
              "weight_decay_form": _WD["torch"]},
    "keras": {"lr": "keras.optimizers.RMSprop(learning_rate=0.001)", "rho": "RMSprop(rho=0.9)",
              "eps": "RMSprop(epsilon=1e-7)", "momentum": "RMSprop(momentum=0.0)",
              "centered": "RMSprop(centered=False)",
              "weight_decay": "RMSprop(weight_decay=None)",
              "eps_placement": "ops.sqrt(velocity + epsilon) (centered: sqrt(velocity - average_grad^2 + epsilon))",
              "momentum_form": "momentum = momentum * m + lr * g / sqrt(...); variable -= momentum: the buffer "
                               "holds lr times torch's",
              "average_form": "average_grad = rho * average_grad + (1 - rho) * g",
              "weight_decay_form": _WD["keras"],
              "constant_dtype": _KERAS_CAST.format(what="the weight decay")},
}
for _concept in ("rmsprop", "rmsprop_momentum", "rmsprop_centered"):
    register(*rule_pair(_concept, "torch.optim.RMSprop", "keras.optimizers.RMSprop",
                        torch_defaults={"lr": 1e-2, "rho": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False,
                                        "weight_decay": 0.0},
                        keras_defaults={"lr": 1e-3, "rho": 0.9, "eps": 1e-7, "momentum": 0.0, "centered": False,
                                        "weight_decay": 0.0},
                        torch_formula={"eps_placement": "outside", "momentum_form": "torch", "average_form": "lerp",
                                       "weight_decay_form": "coupled"},
                        keras_formula={"eps_placement": "inside", "momentum_form": "keras", "average_form": "weighted",
                                       "weight_decay_form": "decoupled"}, notes=_RMSPROP_NOTES,
                        sources={"torch": torch_sources("torch.optim.RMSprop", "lr", "rho", "eps", "momentum",
                                                        "centered", "weight_decay", rho="alpha"),
                                 "keras": keras_sources("keras.optimizers.RMSprop", "lr", "rho", "eps", "momentum",
                                                        "centered", "weight_decay")}))

_ADADELTA_NOTES = {
    "torch": {"lr": "torch.optim.Adadelta(lr=1.0)", "rho": "Adadelta(rho=0.9)", "eps": "Adadelta(eps=1e-6)",
              "weight_decay": "Adadelta(weight_decay=0)", "weight_decay_form": _WD["torch"]},
    "keras": {"lr": "keras.optimizers.Adadelta(learning_rate=0.001)", "rho": "Adadelta(rho=0.95)",
              "eps": "Adadelta(epsilon=1e-7)", "weight_decay": "Adadelta(weight_decay=None)",
              "weight_decay_form": _WD["keras"], "constant_dtype": _KERAS_CAST.format(what="the weight decay")},
}
register(*rule_pair("adadelta", "torch.optim.Adadelta", "keras.optimizers.Adadelta",
                    torch_defaults={"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
                    keras_defaults={"lr": 1e-3, "rho": 0.95, "eps": 1e-7, "weight_decay": 0.0},
                    torch_formula={"weight_decay_form": "coupled"}, keras_formula={"weight_decay_form": "decoupled"},
                    notes=_ADADELTA_NOTES,
                    sources={"torch": torch_sources("torch.optim.Adadelta", "lr", "rho", "eps", "weight_decay"),
                             "keras": keras_sources("keras.optimizers.Adadelta", "lr", "rho", "eps", "weight_decay")}))
