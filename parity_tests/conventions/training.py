"""Training-parity conventions: one concept per network x update rule (``mlp_2_4_1/sgd``, ...), whose Convention
per framework is the network's (conventions/models.py), the loss's (conventions/losses_*.py) and the update
rule's (conventions/optimizers_*.py) merged, each key prefixed by its component (``model.``, ``loss.``,
``opt.``): a training run differs between the frameworks exactly where one of its parts does.

The components' values are pinned against the installed frameworks by their own tests; test_training.py checks
that every training Convention is exactly this merge.
"""
from . import Convention, convention, register

__all__ = ["PREFIXES", "NETWORK_LOSSES", "OPTIMIZERS", "ADAM_ONLY", "CONCEPTS", "split", "merged"]

PREFIXES = ("model", "loss", "opt")
NETWORK_LOSSES = {  # network concept (conventions/models.py and the sin fit) -> loss concept
    "mlp_2_4_1": "mse", "mlp_4_64_32_1": "mse", "mlp_4_8_4_1": "mse",
    "mlp_784_128_64_10": "categorical_crossentropy_with_logits", "sin_1_16_1": "mse", "mlp_bn_4_8_1": "mse",
}
OPTIMIZERS = ("sgd", "momentum", "adam")
MODEL_OF = {"sin_1_16_1": "mlp_2_4_1"}  # a tanh/linear network: no leaky slope, only the compute dtype (as 2-4-1)
ADAM_ONLY = ("sin_1_16_1", "mlp_bn_4_8_1")  # trained with Adam alone: the sin fit, and the BatchNorm network
CONCEPTS = tuple(f"{net}/{opt}" for net in NETWORK_LOSSES for opt in OPTIMIZERS if net not in ADAM_ONLY) + tuple(
    f"{net}/adam" for net in ADAM_ONLY)


def split(kwargs):
    """``{"model": {...}, "loss": {...}, "opt": {...}}`` from prefixed keys (``opt.lr`` -> ``opt: {lr}``)."""
    out = {prefix: {} for prefix in PREFIXES}
    for key, value in kwargs.items():
        prefix, _, name = key.partition(".")
        if prefix not in out or not name:
            raise ValueError(f"training keyword {key!r} must start with one of {PREFIXES} and a dot")
        out[prefix][name] = value
    return out


def _prefixed(prefix, mapping):
    return {f"{prefix}.{key}": value for key, value in mapping.items()}


def merged(concept, framework):
    """The training Convention of ``concept`` (``network/rule``) for ``framework``: the parts' groups merged
    (their ``sources`` too, so ``opt.eps`` is read where the update rule's ``eps`` is)."""
    network, rule = concept.split("/")
    parts = {"model": convention(MODEL_OF.get(network, network), framework),
             "loss": convention(NETWORK_LOSSES[network], framework), "opt": convention(rule, framework)}
    groups = {group: {} for group in ("defaults", "formula", "param_init", "related", "notes", "sources")}
    for prefix, part in parts.items():
        for group in groups:
            groups[group].update(_prefixed(prefix, getattr(part, group)))
    api = f"{parts['model'].api} + {parts['loss'].api} + {parts['opt'].api}"
    return Convention(framework, concept, api, **groups)


for _concept in CONCEPTS:
    register(merged(_concept, "torch"), merged(_concept, "keras"))
