"""Gradient-clipping conventions: torch.nn.utils.clip_grad_value_/clip_grad_norm_ vs the Keras optimizer
arguments clipvalue/clipnorm/global_clipnorm. The clipping threshold is required by torch and off
(None) by default in Keras, so every case sets it (``required``)."""
from . import Convention, Source, register

__all__ = ["TORCH_NORM_EPS"]

TORCH_NORM_EPS = 1e-6  # clip_coef = max_norm / (total_norm + 1e-6) in torch.nn.utils.clip_grad

_TORCH_EPS = ("clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1: a norm exactly at max_norm "
              "is still scaled")
_RELATED_NOTES = {
    "torch": {"clip_grad_norm_.norm_type": "clip_grad_norm_(norm_type=2.0)",
              "clip_grad_norm_.error_if_nonfinite": "clip_grad_norm_(error_if_nonfinite=False): an inf norm "
                                                    "clips to 0"},
    "keras": {"Optimizer.clipvalue": "keras optimizers clip nothing by default (clipvalue=None)",
              "Optimizer.clipnorm": "clipnorm=None", "Optimizer.global_clipnorm": "global_clipnorm=None"},
}
_RELATED = {
    "torch": {"clip_grad_norm_.norm_type": 2.0, "clip_grad_norm_.error_if_nonfinite": False},
    "keras": {"Optimizer.clipvalue": None, "Optimizer.clipnorm": None, "Optimizer.global_clipnorm": None},
}

_SOURCES = {
    "torch": {"clip_grad_norm_.norm_type": Source("torch.nn.utils.clip_grad_norm_", "norm_type"),
              "clip_grad_norm_.error_if_nonfinite": Source("torch.nn.utils.clip_grad_norm_", "error_if_nonfinite")},
    # the cases clip through keras.optimizers.SGD (keras.optimizers.Optimizer's signature is *args, **kwargs)
    "keras": {f"Optimizer.{name}": Source("keras.optimizers.SGD", name)
              for name in ("clipvalue", "clipnorm", "global_clipnorm")},
}


def _pair(concept, torch_api, keras_api, torch_formula, keras_formula, notes):
    return (
        Convention("torch", concept, torch_api, formula=torch_formula, related=_RELATED["torch"],
                   notes={**_RELATED_NOTES["torch"], **notes["torch"]}, sources=_SOURCES["torch"]),
        Convention("keras", concept, keras_api, formula=keras_formula, related=_RELATED["keras"],
                   notes={**_RELATED_NOTES["keras"], **notes["keras"]}, sources=_SOURCES["keras"]),
    )


register(
    *_pair("clip_by_value", "torch.nn.utils.clip_grad_value_(params, clip_value)",
           "keras.optimizers.SGD(clipvalue=...): ops.clip(g, -v, v)", {}, {}, {"torch": {}, "keras": {}}),
    *_pair("clip_by_norm", "torch.nn.utils.clip_grad_norm_([param], max_norm)",
           "keras.optimizers.SGD(clipnorm=...): g * c / max(||g||, c) per variable",
           {"eps": TORCH_NORM_EPS}, {"eps": 0.0},
           {"torch": {"eps": _TORCH_EPS}, "keras": {"eps": "Optimizer._clip_by_norm: values * c / maximum(l2norm, c), "
                                                           "no epsilon: unchanged at the threshold"}}),
    *_pair("clip_by_global_norm", "torch.nn.utils.clip_grad_norm_(params, max_norm)",
           "keras.optimizers.SGD(global_clipnorm=...): c * min(1 / ||G||, 1 / c) + (||G|| - ||G||)",
           {"eps": TORCH_NORM_EPS, "nonfinite_norm": "zero"}, {"eps": 0.0, "nonfinite_norm": "nan"},
           {"torch": {"eps": _TORCH_EPS,
                      "nonfinite_norm": "an inf total norm gives clip_coef = max_norm / inf = 0: gradients become 0"},
            "keras": {"eps": "clip_by_global_norm: clip_norm * minimum(1 / norm, 1 / clip_norm), no epsilon",
                      "nonfinite_norm": "scale + (norm - norm) turns an inf or NaN norm into NaN gradients, "
                                        "on purpose"}}),
)
