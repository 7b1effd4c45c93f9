"""SGD-family conventions: torch.optim.SGD vs keras.optimizers.SGD (concepts sgd, momentum, nesterov)."""
from . import register
from .optimizers_common import keras_sources, rule_pair, torch_sources

_TORCH = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
_KERAS = {"lr": 0.01, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
_NOTES = {
    "torch": {"lr": "torch.optim.SGD(lr=1e-3)", "momentum": "SGD(momentum=0)", "dampening": "SGD(dampening=0)",
              "nesterov": "SGD(nesterov=False)", "weight_decay": "SGD(weight_decay=0)",
              "momentum_form": "buffer v = mu v + (1 - dampening) g (the first step copies g); p -= lr v",
              "weight_decay_form": "weight_decay is L2: added to the gradient before the momentum"},
    "keras": {"lr": "keras.optimizers.SGD(learning_rate=0.01)", "momentum": "SGD(momentum=0.0)",
              "dampening": "Keras has no dampening", "nesterov": "SGD(nesterov=False)",
              "weight_decay": "SGD(weight_decay=None)",
              "momentum_form": "m = mu m - lr g; p += m (the state holds -lr times torch's buffer)",
              "weight_decay_form": "Optimizer._apply_weight_decay: p -= p * wd * lr before the step (decoupled)"},
}
_SOURCES = {"torch": torch_sources("torch.optim.SGD", "lr", "momentum", "dampening", "nesterov", "weight_decay"),
            "keras": keras_sources("keras.optimizers.SGD", "lr", "momentum", "nesterov", "weight_decay")}

for _concept in ("sgd", "momentum", "nesterov"):
    register(*rule_pair(_concept, "torch.optim.SGD", "keras.optimizers.SGD", torch_defaults=_TORCH,
                        keras_defaults=_KERAS, notes=_NOTES, sources=_SOURCES,
                        torch_formula={"momentum_form": "torch", "weight_decay_form": "coupled"},
                        keras_formula={"momentum_form": "keras", "weight_decay_form": "decoupled"}))
