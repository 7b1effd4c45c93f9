"""Margin and probabilistic loss conventions: torch (torch.nn.functional / torch ops) vs keras.losses.

Each value is checked against the installed frameworks by parity_tests/test_losses_probabilistic.py.
"""
from dataclasses import replace

from . import register
from .losses_common import keras_loss_sources, loss_pair, torch_loss_sources
from .sourcing import agree

KERAS_EPSILON = 1e-7  # keras.config.epsilon(), read when the loss is called


def _with_related(pair, torch_related, keras_related):
    """Add ``related`` defaults (with their notes) to a (torch, keras) pair."""
    out = []
    for conv, related in zip(pair, (torch_related, keras_related)):
        values = {k: v for k, (v, _) in related.items()}
        notes = {**conv.notes, **{k: note for k, (_, note) in related.items()}}
        out.append(replace(conv, related=values, notes=notes))
    return tuple(out)


def _hinge(concept, torch_api, keras_cls, kink_switch):
    torch_formula, keras_formula = {"binary_labels": "as_given"}, {"binary_labels": "convert"}
    torch_notes = {"binary_labels": "torch has no binary hinge: max(0, 1 - y*p) uses the labels as given "
                                    "(expected in {-1, 1}; a 0 label gives the constant loss 1)"}
    keras_notes = {"binary_labels": f"keras.losses.{keras_cls} -> convert_binary_labels_to_hinge: if every "
                                    "label is 0 or 1 the whole tensor becomes 2y - 1, else it is used as given"}
    if kink_switch:
        torch_formula["grad_at_kink"] = keras_formula["grad_at_kink"] = "active"
        torch_notes["grad_at_kink"] = "torch.clamp(min=0) backward passes the gradient where input >= min: -y at 1 - y*p == 0"
        keras_notes["grad_at_kink"] = "ops.maximum(1 - y*p, 0): TF's Maximum gives a tie's gradient to the first argument: -y"
    return loss_pair(concept, torch_api, f"keras.losses.{keras_cls}", torch_formula=torch_formula,
                     keras_formula=keras_formula, notes={"torch": torch_notes, "keras": keras_notes},
                     sources={"keras": keras_loss_sources(f"keras.losses.{keras_cls}")})


_KL_TORCH_NOTES = {
    "unreduced": "F.kl_div(reduction='none') keeps one term per element, so torch's default 'mean' divides "
                 "by N*D (F.kl_div warns); the KL mean is reduction='batchmean' (divides by N)",
    "clip": "no clipping: F.kl_div(log q, t) = xlogy(t, t) - t*log q, +inf at q=0 < t and NaN at q=t=0",
}
_KL_KERAS_NOTES = {
    "unreduced": "keras.losses.kl_divergence sums over the last axis, so sum_over_batch_size (the suite's "
                 "'mean') divides by N: torch's 'batchmean', not torch's 'mean'",
    "clip": "keras.losses.kl_divergence clips y_true and y_pred to [keras.config.epsilon(), 1] = [1e-7, 1] "
            "(zero gradient outside, boundaries included)",
}
_KL_DIV = ("torch.nn.functional.kl_div", "torch.nn.KLDivLoss")
_KL_SOURCES = {"torch": {**torch_loss_sources(_KL_DIV), "F.kl_div.log_target": agree(_KL_DIV, "log_target")},
               "keras": keras_loss_sources("keras.losses.KLDivergence")}
_KL_RELATED_TORCH = {"F.kl_div.log_target": (False, "F.kl_div takes log-probabilities as input and "
                                                    "probabilities as target (log_target=False); the wrapper takes the log")}


_KL_CLIP_GRAD = {"torch": {"clip_grad": "no clipping: no bound to treat (the reference's default)"},
                 "keras": {"clip_grad": "tf.clip_by_value's gradient passes whole on a bound (ClipByValue "
                                        "tests x >= min and x <= max)"}}


def _kl(concept, torch_api, keras_api, sources=None, clip_grad=False):
    """``clip_grad``: the concept's reference takes the ``clip_grad`` keyword (KL's, not JS's)."""
    extra = {"clip_grad": "inclusive"} if clip_grad else {}
    notes = {fw: {**base, **(_KL_CLIP_GRAD[fw] if clip_grad else {})}
             for fw, base in (("torch", _KL_TORCH_NOTES), ("keras", _KL_KERAS_NOTES))}
    pair = loss_pair(concept, torch_api, keras_api, torch_formula={"clip": None, **extra},
                     keras_formula={"clip": KERAS_EPSILON, **extra}, keras_unreduced="per_sample_sum",
                     notes=notes, sources=sources)
    return _with_related(pair, _KL_RELATED_TORCH, {})


_POISSON_NLL = ("torch.nn.functional.poisson_nll_loss", "torch.nn.PoissonNLLLoss")
_POISSON = loss_pair(
    "poisson", "F.poisson_nll_loss", "keras.losses.Poisson (log_input=True: of exp(x), a Loss subclass)",
    hyper={"log_input": (True, False)},
    torch_formula={"eps": 1e-8, "log_input_eps": False}, keras_formula={"eps": KERAS_EPSILON, "log_input_eps": True},
    notes={"torch": {"log_input": "F.poisson_nll_loss(log_input=True): the input is the log rate",
                     "eps": "F.poisson_nll_loss(eps=1e-8), used only when log_input=False: x - t*log(x + eps)",
                     "log_input_eps": "log_input=True evaluates exp(x) - t*x: no eps"},
           "keras": {"log_input": "keras.losses.Poisson takes the rate itself (the wrapper's log_input=False)",
                     "eps": "keras.losses.poisson: y_pred - y_true*log(y_pred + keras.config.epsilon()), 1e-7",
                     "log_input_eps": "the wrapper's log_input=True feeds exp(x) to keras.losses.poisson, "
                                      "so eps sits inside the log: exp(x) - t*log(exp(x) + 1e-7)"}},
    sources={"torch": {**torch_loss_sources(_POISSON_NLL, "log_input"),
                       "F.poisson_nll_loss.full": agree(_POISSON_NLL, "full")},
             "keras": keras_loss_sources("keras.losses.Poisson")})

register(
    *_hinge("hinge", "torch.clamp(1 - y*p, min=0)", "Hinge", kink_switch=True),
    *_hinge("squared_hinge", "torch.clamp(1 - y*p, min=0)**2", "SquaredHinge", kink_switch=False),
    *_kl("kl_divergence", "F.kl_div(torch.log(y_pred), y_true)", "keras.losses.KLDivergence", _KL_SOURCES,
         clip_grad=True),
    *_kl("js_divergence", "two F.kl_div(torch.log(m), .)", "keras.losses.Loss subclass: two keras.losses.kl_divergence",
         {"torch": _KL_SOURCES["torch"], "keras": keras_loss_sources("keras.losses.Loss")}),
    *_with_related(_POISSON, {"F.poisson_nll_loss.full": (False, "no Stirling term t*log t - t + log(2*pi*t)/2 "
                                                                 "by default; the wrapper never adds it")}, {}),
)
