"""Loss bindings: torch ``nn.*Loss`` modules and ``keras.losses.*`` objects, each with its conventions-table
concept(s). Kinds are the concepts themselves, so a torch loss pairs with the Keras loss of its concept.

``reduction`` is read in the suite's names (``'mean'`` / ``'sum'`` / ``'none'``; torch's ``'batchmean'`` kept for
``nn.KLDivLoss``): Keras's ``'sum_over_batch_size'`` (and ``'mean'``) is the suite's ``'mean'``, ``None`` its
``'none'``. ``Binding.values(obj)`` gives the NumPy reference's keywords of the object's concept, so the
concept's Case row in ``parity_tests.cases.ALL_CASES`` can be called with them.

An object whose concept depends on its values (Keras ``BinaryCrossentropy(from_logits=True)``, torch
``CrossEntropyLoss(weight=w)``) has a ``Switched`` binding: ``concepts[0]`` is the default concept,
``values(obj)`` and ``binding_of(obj)`` use the concept the object's values select. ``extra`` carries what a
translation or a measurement needs: ``call(obj, y_pred, y_true)`` (each framework's calling convention, e.g.
``nn.KLDivLoss`` takes log-probabilities), ``kinds`` (every kind the class can serve), ``kind_keywords``
(keywords a kind adds when building), ``keys`` (this concept's key -> the paired concept's), ``absorbs_when``
(the reductions under which ``unreduced`` makes no difference) and ``usage`` (one line for the user).
"""
from dataclasses import fields

from .bindings import Arg, Binding, binding_for, bindings, preferred, register

__all__ = ["Switched", "binding_of", "target_binding", "keras_reduction", "TORCH_LOSSES", "KERAS_LOSSES", "LOSS_KINDS"]


class Switched(Binding):
    """A binding whose concept (and, with ``extra['switch_kind']``, kind) follows the object's values:
    ``extra['concept'](obj)`` names it."""

    def specialize(self, obj):
        concept = self.extra["concept"](obj)
        kind = concept if self.extra.get("switch_kind") else self.kind
        base = {f.name: getattr(self, f.name) for f in fields(Binding)}
        narrowed = Binding(**{**base, "concepts": (concept,), "kind": kind})
        keys = narrowed.table()  # the arguments this concept has keys for
        return Binding(**{**base, "concepts": (concept,), "kind": kind,
                          "args": tuple(a for a in self.args if a.key in keys)})

    def values(self, obj):
        return self.specialize(obj).values(obj)


def binding_of(obj):
    """``binding_for(obj)``, narrowed to the concept ``obj``'s values select (None if unbound)."""
    b = binding_for(obj)
    return b.specialize(obj) if isinstance(b, Switched) else b


def target_binding(framework, kind):
    """The binding a translation to ``framework`` builds for ``kind``: the preferred one, else the first that
    lists ``kind`` among its ``extra['kinds']``."""
    return preferred(framework, kind) or next(
        (b for b in bindings() if b.framework == framework and kind in b.extra.get("kinds", ())), None)


_FROM_KERAS = {None: "none", "none": "none", "sum": "sum", "sum_over_batch_size": "mean", "mean": "mean",
               "mean_with_sample_weight": "mean"}
_TO_KERAS = {"none": None, "sum": "sum", "mean": "sum_over_batch_size"}


def keras_reduction(obj):
    """A Keras loss's reduction in the suite's names."""
    return _FROM_KERAS[obj.reduction]


def _keyword(obj, name):
    """A Keras loss's keyword (``get_config()``, else the wrapped function's keywords: Huber's ``delta`` is
    only there); a torch module's attribute."""
    if hasattr(obj, "get_config"):
        return {**getattr(obj, "_fn_kwargs", {}), **obj.get_config()}[name]
    return getattr(obj, name)


def _config(name):
    return lambda obj: _keyword(obj, name)


_TORCH_REDUCTION = Arg("reduction", "reduction", absorbs=("unreduced",))
_KERAS_REDUCTION = Arg("reduction", "reduction", read=keras_reduction, uncommon=lambda r: _TO_KERAS[r],
                       absorbs=("unreduced",))


def _kl_uncommon(reduction):
    if reduction == "mean":
        raise ValueError("torch's reduction='mean' averages over N*D elements: Keras has no such reduction "
                         "(its 'sum_over_batch_size' is torch's 'batchmean')")
    return _TO_KERAS["mean" if reduction == "batchmean" else reduction]


_KERAS_KL_REDUCTION = Arg("reduction", "reduction", read=keras_reduction,
                          common=lambda r: "batchmean" if r == "mean" else r, uncommon=_kl_uncommon,
                          absorbs=("unreduced",))
_KERAS_DTYPE = Arg("dtype", "dtype")
_KERAS = (_KERAS_REDUCTION, _KERAS_DTYPE)


def _unsupported(**wanted):
    """A reason when an attribute (or get_config() entry) differs from what the NumPy reference models."""
    def check(obj):
        got = {k: _keyword(obj, k) for k in wanted}
        bad = [f"{k}={v!r}" for k, v in got.items() if v != wanted[k]]
        return f"{', '.join(bad)} is not modelled (supported: {wanted})" if bad else ""
    return check


def _torch_call(obj, y_pred, y_true):
    return obj(y_pred, y_true)


def _kl_call(obj, y_pred, y_true):
    """``nn.KLDivLoss`` takes log-probabilities as input (and as target with ``log_target=True``)."""
    import torch
    return obj(torch.log(y_pred), torch.log(y_true) if obj.log_target else y_true)


def _keras_call(obj, y_pred, y_true):
    return obj(y_true, y_pred)


def _torch(cls, kind, concepts=None, args=(), **extra):
    concepts = concepts or (kind,)
    return Binding("torch", f"torch.nn.{cls}", kind, concepts, code_name=f"nn.{cls}",
                   args=(_TORCH_REDUCTION,) + tuple(args), unsupported=extra.pop("unsupported", None),
                   extra={"call": extra.pop("call", _torch_call), **extra})


def _keras(cls, kind, args=_KERAS, switched=None, **extra):
    factory = Switched if switched else Binding
    more = {"concept": switched, "switch_kind": True} if switched else {}
    concepts = extra.pop("concepts", (kind,))
    return factory("keras", f"keras.losses.{cls}", kind, concepts, code_name=f"keras.losses.{cls}", args=args,
                   unsupported=extra.pop("unsupported", None),
                   extra={"call": _keras_call, **more, **extra})


def _logits_concept(base):
    return lambda obj: f"{base}_with_logits" if _keyword(obj, "from_logits") else base


def _ce_concept(obj):
    return "sparse_categorical_crossentropy" if obj.weight is None else "weighted_crossentropy"


_WEIGHTS = "class weights: Keras losses take none (pass sample_weight=w[y] when calling, or fit(class_weight=...))"
_SMOOTH_L1 = ("Keras has no SmoothL1: Huber(delta=beta) equals beta * SmoothL1Loss(beta); divide the Keras loss "
              "by beta (keras_impl.losses_regression.smooth_l1 does)")
_LABEL_SMOOTHING = _unsupported(label_smoothing=0.0, axis=-1)

TORCH_LOSSES = (
    _torch("MSELoss", "mse"),
    _torch("L1Loss", "mae"),
    _torch("HuberLoss", "huber", args=(Arg("delta", "delta"),)),
    _torch("SmoothL1Loss", "huber", concepts=("smooth_l1",), args=(Arg("beta", "beta"),),
           keys={"beta": "delta"}, usage=_SMOOTH_L1,
           residual=lambda v: [("beta", v["beta"], 1.0)] if v["beta"] != 1.0 else []),
    _torch("BCELoss", "binary_crossentropy", unsupported=_unsupported(weight=None)),
    _torch("BCEWithLogitsLoss", "binary_crossentropy_with_logits", unsupported=_unsupported(weight=None, pos_weight=None)),
    Switched("torch", "torch.nn.CrossEntropyLoss", "sparse_categorical_crossentropy",
             ("sparse_categorical_crossentropy", "weighted_crossentropy"), code_name="nn.CrossEntropyLoss",
             args=(_TORCH_REDUCTION, Arg("ignore_index", "ignore_index")),
             unsupported=lambda obj: (_WEIGHTS if obj.weight is not None else
                                      _unsupported(label_smoothing=0.0)(obj)),
             extra={"call": _torch_call, "concept": _ce_concept, "switch_kind": True,
                    "kinds": ("sparse_categorical_crossentropy", "categorical_crossentropy_with_logits",
                              "weighted_crossentropy"),
                    "usage": "nn.CrossEntropyLoss takes logits, and int labels or probability targets"}),
    _torch("KLDivLoss", "kl_divergence", call=_kl_call, absorbs_when=("sum", "batchmean"),
           unsupported=_unsupported(log_target=False),
           usage="nn.KLDivLoss(input, target) expects input = log-probabilities (log_target=False: target "
                 "probabilities); keras.losses.KLDivergence(y_true, y_pred) takes probabilities"),
    _torch("PoissonNLLLoss", "poisson", args=(Arg("log_input", "log_input"), Arg("eps", "eps")),
           unsupported=_unsupported(full=False),
           usage="nn.PoissonNLLLoss(log_input=True) reads its input as the log-rate; keras.losses.Poisson takes "
                 "the rate"),
    _torch("TripletMarginLoss", "triplet", args=(Arg("margin", "margin"), Arg("dist_eps", "eps")),
           unsupported=_unsupported(p=2.0, swap=False)),
)

KERAS_LOSSES = (
    _keras("MeanSquaredError", "mse"),
    _keras("MeanAbsoluteError", "mae"),
    _keras("Huber", "huber", args=_KERAS + (Arg("delta", "delta", read=_config("delta")),)),
    _keras("LogCosh", "log_cosh"),
    _keras("BinaryCrossentropy", "binary_crossentropy", switched=_logits_concept("binary_crossentropy"),
           concepts=("binary_crossentropy", "binary_crossentropy_with_logits"),
           kinds=("binary_crossentropy", "binary_crossentropy_with_logits"),
           kind_keywords={"binary_crossentropy_with_logits": {"from_logits": True}}, unsupported=_LABEL_SMOOTHING),
    _keras("CategoricalCrossentropy", "categorical_crossentropy", switched=_logits_concept("categorical_crossentropy"),
           concepts=("categorical_crossentropy", "categorical_crossentropy_with_logits"),
           kinds=("categorical_crossentropy", "categorical_crossentropy_with_logits"),
           kind_keywords={"categorical_crossentropy_with_logits": {"from_logits": True}},
           unsupported=_LABEL_SMOOTHING),
    _keras("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy",
           args=_KERAS + (Arg("from_logits", "from_logits", read=_config("from_logits")),
                          Arg("ignore_index", "ignore_class", read=_config("ignore_class"),
                              common=lambda v: -100 if v is None else v,
                              uncommon=lambda v: None if v == -100 else v)),
           unsupported=_unsupported(axis=-1)),
    _keras("BinaryFocalCrossentropy", "focal_loss",
           args=_KERAS + tuple(Arg(k, k, read=_config(k)) for k in ("alpha", "gamma", "apply_class_balancing",
                                                                     "from_logits")),
           unsupported=_LABEL_SMOOTHING),
    _keras("KLDivergence", "kl_divergence", args=(_KERAS_KL_REDUCTION, _KERAS_DTYPE),
           absorbs_when=("sum", "batchmean")),
    _keras("Poisson", "poisson"),
    _keras("Hinge", "hinge"),
    _keras("SquaredHinge", "squared_hinge"),
    _keras("CosineSimilarity", "cosine_similarity", unsupported=_unsupported(axis=-1)),
    _keras("Dice", "dice", args=_KERAS + (Arg("axis", "axis", read=_config("axis")),)),
)

register(*TORCH_LOSSES, *KERAS_LOSSES)
LOSS_KINDS = tuple(dict.fromkeys(b.kind for b in TORCH_LOSSES + KERAS_LOSSES))
