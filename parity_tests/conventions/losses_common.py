"""Conventions every loss shares: reduction names and default, what ``reduction="none"`` returns,
and the compute dtype (Keras loss objects compute in floatx)."""
from . import Convention

__all__ = ["loss_pair"]

TORCH_NOTES = {
    "reduction": "torch.nn losses default to reduction='mean' over every element",
    "dtype": "torch computes in the input dtype (no global floatx)",
    "unreduced": "reduction='none' keeps one loss per element",
}
KERAS_NOTES = {
    "reduction": "keras.losses.Loss defaults to 'sum_over_batch_size' (the suite's 'mean')",
    "dtype": "Loss(dtype=None) casts inputs to keras.config.floatx(), 'float32' unless changed",
    "unreduced": "a Keras loss is per sample (the mean over the last axis) before any reduction",
}


def loss_pair(concept, torch_api, keras_api, *, hyper=None, torch_formula=None, keras_formula=None,
              torch_unreduced="elementwise", keras_unreduced="per_sample", notes=None):
    """The torch and keras Conventions of one loss: shared reduction/dtype defaults plus its own."""
    hyper, notes = hyper or {}, notes or {}
    torch_hyper = {k: v[0] if isinstance(v, tuple) else v for k, v in hyper.items()}
    keras_hyper = {k: v[1] if isinstance(v, tuple) else v for k, v in hyper.items()}
    return (
        Convention("torch", concept, torch_api,
                   defaults={"reduction": "mean", "dtype": None, **torch_hyper},
                   formula={"unreduced": torch_unreduced, **(torch_formula or {})},
                   notes={**TORCH_NOTES, **notes.get("torch", {})}),
        Convention("keras", concept, keras_api,
                   defaults={"reduction": "mean", "dtype": "float32", **keras_hyper},
                   formula={"unreduced": keras_unreduced, **(keras_formula or {})},
                   notes={**KERAS_NOTES, **notes.get("keras", {})}),
    )
