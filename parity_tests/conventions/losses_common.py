"""Conventions every loss shares: reduction names and default, what ``reduction="none"`` returns,
and the compute dtype (Keras loss objects compute in floatx); where the frameworks state the defaults."""
from . import Convention, Source
from .sourcing import agree

__all__ = ["loss_pair", "keras_reduction", "torch_loss_sources", "keras_loss_sources"]

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


def keras_reduction(reduction):
    """A Keras reduction name as the table's: ``"sum_over_batch_size"`` is the suite's ``"mean"``."""
    return {"sum_over_batch_size": "mean"}.get(reduction, reduction)


def torch_loss_sources(apis, *keys, **renamed):
    """``{key: Sources}`` for ``reduction`` and ``keys`` on every torch API in ``apis`` (the functional form and
    its module, which must agree); ``renamed``: key -> the parameter's name."""
    return {key: agree(apis, renamed.get(key, key)) for key in ("reduction", *keys)}


def keras_loss_sources(api, *keys, **renamed):
    """``{key: Source}`` for ``reduction`` (read as the table's name) and ``keys`` on the keras.losses class.
    The suite's ``keras.losses.Loss`` subclasses pass ``reduction`` on to ``keras.losses.Loss``: that default is
    Keras's (``api="keras.losses.Loss"``). A loss written with torch ops is reduced by
    ``torch_impl.losses_common.reduce``: the suite's default, never sourced."""
    return {"reduction": Source(api, "reduction", read=keras_reduction),
            **{key: Source(api, renamed.get(key, key)) for key in keys}}


def loss_pair(concept, torch_api, keras_api, *, hyper=None, torch_formula=None, keras_formula=None,
              torch_unreduced="elementwise", keras_unreduced="per_sample", notes=None, sources=None):
    """The torch and keras Conventions of one loss: shared reduction/dtype defaults plus its own. ``notes`` and
    ``sources`` are ``{"torch": {...}, "keras": {...}}`` (no sources where a wrapper writes the loss itself)."""
    hyper, notes, sources = hyper or {}, notes or {}, sources or {}
    torch_hyper = {k: v[0] if isinstance(v, tuple) else v for k, v in hyper.items()}
    keras_hyper = {k: v[1] if isinstance(v, tuple) else v for k, v in hyper.items()}
    return (
        Convention("torch", concept, torch_api,
                   defaults={"reduction": "mean", "dtype": None, **torch_hyper},
                   formula={"unreduced": torch_unreduced, **(torch_formula or {})},
                   notes={**TORCH_NOTES, **notes.get("torch", {})}, sources=sources.get("torch", {})),
        Convention("keras", concept, keras_api,
                   defaults={"reduction": "mean", "dtype": "float32", **keras_hyper},
                   formula={"unreduced": keras_unreduced, **(keras_formula or {})},
                   notes={**KERAS_NOTES, **notes.get("keras", {})}, sources=sources.get("keras", {})),
    )
