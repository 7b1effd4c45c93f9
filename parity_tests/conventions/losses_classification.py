"""Classification-loss conventions: torch.nn.functional (and torch ops) vs keras.losses."""
from dataclasses import replace

from reference_numpy.losses_classification import TORCH_BCE_EPS

from . import register
from . import Source
from .losses_common import keras_loss_sources, loss_pair, torch_loss_sources

KERAS_EPSILON = 1e-7  # keras.config.epsilon(), read by the TF backend at call time

_PER_SAMPLE = {"torch": {"unreduced": "reduction='none' gives one loss per sample: the class axis is summed"},
               "keras": {"unreduced": "a Keras categorical loss sums the class axis: one loss per sample"}}
_CLIP = {"clip_eps": "keras.config.epsilon() = 1e-7: p clipped to [eps, 1 - eps] (tf.clip_by_value), gradient 0 "
                     "outside; then log(1 - p) evaluated literally"}
_NO_CLIP = {"clip_eps": "no clipping: probabilities used as given"}
_TORCH_BCE = {"clip_eps": "F.binary_cross_entropy does not clip",
              "log_floor": "F.binary_cross_entropy clamps log(p) and log1p(-p) at -100 (loss <= 100 per element)",
              "grad_eps": "its backward is (p - t) / max(p (1 - p), EPSILON), EPSILON = 1e-12 as a float32 "
                          "(9.99999996e-13) in every dtype: about -1e12 at p = 0 for t = 1"}
_KERAS_BCE = {**_CLIP, "log_floor": "no floor: clipping keeps the logs above log(1e-7)",
              "grad_eps": "autodiff of the clipped logs: -t/p + (1 - t)/(1 - p) inside the clip range, 0 outside"}
_FORM = {"torch": {"logits_form": "(1 - t) x - log_sigmoid(x): cancels for x << 0 with t near 0"},
         "keras": {"logits_form": "TF sigmoid_cross_entropy_with_logits: max(x, 0) - x t + log1p(exp(-|x|)): "
                                  "cancels for x >> 0 with t near 1"}}


_BCE = ("torch.nn.functional.binary_cross_entropy", "torch.nn.BCELoss")
_BCE_LOGITS = ("torch.nn.functional.binary_cross_entropy_with_logits", "torch.nn.BCEWithLogitsLoss")
_CROSS_ENTROPY = ("torch.nn.functional.cross_entropy", "torch.nn.CrossEntropyLoss")
_SPARSE = (*_CROSS_ENTROPY, "torch.nn.functional.nll_loss", "torch.nn.NLLLoss")  # the wrapper's two paths


def _notes(torch=None, keras=None):
    return {"torch": dict(torch or {}), "keras": dict(keras or {})}


def _per_sample(concept, torch_api, keras_api, *, torch_notes, keras_notes, **kwargs):
    """A categorical loss_pair: both frameworks sum the class axis, one loss per sample (``_PER_SAMPLE``)."""
    return loss_pair(concept, torch_api, keras_api, torch_unreduced="per_sample", keras_unreduced="per_sample",
                     notes=_notes({**_PER_SAMPLE["torch"], **torch_notes}, {**_PER_SAMPLE["keras"], **keras_notes}),
                     **kwargs)


def _related(pair, torch, keras):
    """Add ``related`` defaults ({key: (value, note)}) a user meets for the same concept."""
    return tuple(replace(c, related={k: v for k, (v, _) in rel.items()},
                         notes={**c.notes, **{k: note for k, (_, note) in rel.items()}})
                 for c, rel in zip(pair, (torch, keras)))


register(
    *loss_pair("binary_crossentropy", "F.binary_cross_entropy", "keras.losses.BinaryCrossentropy",
               torch_formula={"clip_eps": None, "log_floor": -100.0, "grad_eps": TORCH_BCE_EPS},
               keras_formula={"clip_eps": KERAS_EPSILON, "log_floor": None, "grad_eps": None},
               notes=_notes(_TORCH_BCE, _KERAS_BCE),
               sources={"torch": torch_loss_sources(_BCE),
                        "keras": keras_loss_sources("keras.losses.BinaryCrossentropy")}),
    *_related(loss_pair("binary_crossentropy_with_logits", "F.binary_cross_entropy_with_logits",
                        "keras.losses.BinaryCrossentropy(from_logits=True)",
                        torch_formula={"logits_form": "log_sigmoid"}, keras_formula={"logits_form": "relu"}, notes=_FORM,
                        sources={"torch": torch_loss_sources(_BCE_LOGITS),
                                 "keras": {**keras_loss_sources("keras.losses.BinaryCrossentropy"),
                                           "keras.losses.BinaryCrossentropy.from_logits":
                                               Source("keras.losses.BinaryCrossentropy", "from_logits")}}),
              {}, {"keras.losses.BinaryCrossentropy.from_logits": (False, "the class reads probabilities unless told: "
                                                                           "the wrapper passes from_logits=True")}),
    *_per_sample("categorical_crossentropy", "-torch.xlogy(t, p).sum(-1)", "keras.losses.CategoricalCrossentropy",
                 torch_formula={"normalize": False, "clip_eps": None},
                 keras_formula={"normalize": True, "clip_eps": KERAS_EPSILON},
                 torch_notes={**_NO_CLIP, "normalize": "xlogy uses p as given: an unnormalised row is not rescaled"},
                 keras_notes={**_CLIP, "normalize": "p / sum(p) over the class axis before clipping (its gradient "
                                                    "subtracts sum_i g_i q_i even for normalised rows)"},
                 sources={"keras": keras_loss_sources("keras.losses.CategoricalCrossentropy")}),
    *_related(_per_sample("categorical_crossentropy_with_logits", "F.cross_entropy (probability targets)",
                          "keras.losses.CategoricalCrossentropy(from_logits=True)",
                          torch_formula={"grad_target_sum": "exact"},
                          keras_formula={"grad_target_sum": "assume_one"},
                          torch_notes={"grad_target_sum": "autograd of -sum t log_softmax(x): softmax(x) sum(t) - t"},
                          keras_notes={"grad_target_sum": "tf.nn.softmax_cross_entropy_with_logits' fused gradient "
                                                          "is softmax(x) - t: wrong when the targets do not sum to 1"},
                          sources={"torch": torch_loss_sources(_CROSS_ENTROPY),
                                   "keras": {**keras_loss_sources("keras.losses.CategoricalCrossentropy"),
                                             "keras.losses.CategoricalCrossentropy.axis":
                                                 Source("keras.losses.CategoricalCrossentropy", "axis")}}),
              {"F.cross_entropy.class_dim": (1, "classes on dim 1: (N, C, d1, ...); same as the last axis for (N, C)")},
              {"keras.losses.CategoricalCrossentropy.axis": (-1, "classes on the last axis: (N, d1, ..., C)")}),
    *_per_sample("sparse_categorical_crossentropy", "F.cross_entropy / F.nll_loss(torch.log(p))",
                 "keras.losses.SparseCategoricalCrossentropy",
                 hyper={"from_logits": (True, False), "ignore_index": (-100, None)},
                 torch_formula={"normalize": False, "clip_eps": None, "ignored_mean": "nan",
                                "normalize_order": "clip_first"},
                 keras_formula={"normalize": True, "clip_eps": KERAS_EPSILON, "ignored_mean": "zero",
                                "normalize_order": "clip_first"},
                 torch_notes={**_NO_CLIP,
                              "from_logits": "F.cross_entropy always takes logits (the wrapper's from_logits=False "
                                             "is F.nll_loss(torch.log(p)))",
                              "ignore_index": "F.cross_entropy(ignore_index=-100)",
                              "normalize": "F.nll_loss(log p) reads log p_y as given",
                              "ignored_mean": "mean over the labels not ignored: 0/0 = NaN if all are (gradient 0)",
                              "normalize_order": "no normalisation (normalize=False): the order is moot (the "
                                                 "reference's default)"},
                 keras_notes={**_CLIP,
                              "from_logits": "SparseCategoricalCrossentropy(from_logits=False): logits are read as "
                                             "probabilities and clipped, silently",
                              "ignore_index": "SparseCategoricalCrossentropy(ignore_class=None)",
                              "normalize": "log(clip(p)) goes through sparse_softmax_cross_entropy_with_logits: "
                                           "c_y / sum(c), normalised after clipping",
                              "ignored_mean": "mask weights total/valid with divide_no_nan: 0 if every label is "
                                              "ignored",
                              "normalize_order": "TF's sparse_categorical_crossentropy clips p, then "
                                                 "sparse_softmax_cross_entropy_with_logits(log c) normalises"},
                 sources={"torch": torch_loss_sources(_SPARSE, "ignore_index"),
                          "keras": keras_loss_sources("keras.losses.SparseCategoricalCrossentropy", "from_logits",
                                                      "ignore_index", ignore_index="ignore_class")}),
    *_per_sample("weighted_crossentropy", "F.cross_entropy(weight=w)",
                 "SparseCategoricalCrossentropy(from_logits=True), sample_weight=w[y]",
                 torch_formula={"weighted_mean": "sum_of_weights"}, keras_formula={"weighted_mean": "batch_size"},
                 torch_notes={"weighted_mean": "reduction='mean' divides by sum_n w[y_n] (NaN if that is 0)"},
                 keras_notes={"weighted_mean": "'sum_over_batch_size' divides by N whatever the sample weights "
                                               "(Keras 3 also offers reduction='mean_with_sample_weight')"},
                 sources={"torch": torch_loss_sources(_CROSS_ENTROPY),
                          "keras": keras_loss_sources("keras.losses.SparseCategoricalCrossentropy")}),
    *loss_pair("focal_loss", "torchvision.ops.sigmoid_focal_loss, written with torch ops",
               "keras.losses.BinaryFocalCrossentropy",
               hyper={"alpha": 0.25, "gamma": 2.0, "apply_class_balancing": (True, False),
                      "from_logits": (True, False), "reduction": ("none", "mean")},
               torch_formula={"logits_form": "log_sigmoid", "clip_eps": None, "log_floor": -100.0, "grad_eps": TORCH_BCE_EPS},
               keras_formula={"logits_form": "relu", "clip_eps": KERAS_EPSILON, "log_floor": None, "grad_eps": None},
               notes=_notes({**_FORM["torch"], **_TORCH_BCE,
                             "alpha": "sigmoid_focal_loss(alpha=0.25)", "gamma": "sigmoid_focal_loss(gamma=2)",
                             "apply_class_balancing": "sigmoid_focal_loss applies alpha whenever alpha >= 0",
                             "from_logits": "sigmoid_focal_loss takes logits",
                             "reduction": "sigmoid_focal_loss(reduction='none')"},
                            {**_FORM["keras"], **_KERAS_BCE,
                             "alpha": "BinaryFocalCrossentropy(alpha=0.25)", "gamma": "BinaryFocalCrossentropy(gamma=2.0)",
                             "apply_class_balancing": "BinaryFocalCrossentropy(apply_class_balancing=False): "
                                                      "alpha ignored",
                             "from_logits": "BinaryFocalCrossentropy(from_logits=False); with True the sigmoid's "
                                            "_keras_logits reach TF's logits BCE (no clipping)",
                             "reduction": "keras.losses.Loss defaults to 'sum_over_batch_size' (the suite's 'mean')"}),
               sources={"keras": keras_loss_sources("keras.losses.BinaryFocalCrossentropy", "alpha", "gamma",
                                                    "apply_class_balancing", "from_logits")}),
)
