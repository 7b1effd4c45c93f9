"""Similarity and metric-learning loss conventions: torch.nn.functional / hand-written torch ops vs
keras.losses / private keras.losses.Loss subclasses. ``related`` holds framework defaults the
wrappers fix (torch's ``dim=1``, triplet ``p``/``swap``) or signs, pinned by test_losses_similarity.py."""
from dataclasses import replace

from . import register
from . import Source
from .losses_common import keras_loss_sources, loss_pair, torch_loss_sources
from .sourcing import agree

PER_SAMPLE = {
    "torch": "one loss per sample: the feature axis is reduced inside the loss, so reduction='none' "
             "returns (N,) (dice: one loss per slice left by axis)",
    "keras": "one loss per sample: the feature axis is reduced inside the loss (not Keras's mean over "
             "the last axis), so reduction=None returns (N,) (dice: one loss per slice left by axis)",
}


_TRIPLET = ("torch.nn.functional.triplet_margin_loss", "torch.nn.TripletMarginLoss")


def _pair(concept, torch_api, keras_api, *, notes, related=None, **kwargs):
    """loss_pair with per-sample losses in both frameworks, plus each framework's ``related`` facts."""
    notes = {fw: {"unreduced": PER_SAMPLE[fw], **notes.get(fw, {})} for fw in ("torch", "keras")}
    t, k = loss_pair(concept, torch_api, keras_api, torch_unreduced="per_sample", keras_unreduced="per_sample",
                     notes=notes, **kwargs)
    related = related or {}
    return replace(t, related=related.get("torch", {})), replace(k, related=related.get("keras", {}))


COSINE = _pair(
    "cosine_similarity", "-F.cosine_similarity(dim=-1)", "keras.losses.CosineSimilarity(axis=-1)",
    torch_formula={"eps": 1e-8, "clamp_grad": "straight_through"},
    keras_formula={"eps": 1e-7, "clamp_grad": "zero"},
    related={"torch": {"F.cosine_similarity.dim": 1, "F.cosine_similarity.sign": "+cos"},
             "keras": {"keras.losses.CosineSimilarity.axis": -1, "keras.losses.CosineSimilarity.sign": "-cos"}},
    # F.cosine_similarity is a builtin without a Python signature: its dim is read off the module form
    sources={"torch": {"F.cosine_similarity.dim": Source("torch.nn.CosineSimilarity", "dim")},
             "keras": {**keras_loss_sources("keras.losses.CosineSimilarity"),
                       "keras.losses.CosineSimilarity.axis": Source("keras.losses.CosineSimilarity", "axis")}},
    notes={"torch": {
        "eps": "F.cosine_similarity(eps=1e-8) clamps EACH norm, x1/max(|x1|, eps) . x2/max(|x2|, eps) "
               "(ATen Distance.cpp since torch 2.0; before, the product of the norms was clamped at eps^2)",
        "clamp_grad": "the clamp_min_ runs in place under NoGradGuard, so the gradient still uses "
                      "d|x|/dx = x/|x| where the clamp is active (straight-through)",
        "F.cosine_similarity.dim": "torch's default dim is 1; the wrapper passes dim=-1",
        "F.cosine_similarity.sign": "F.cosine_similarity is +cos; the wrapper negates it to the suite's "
                                    "loss sign, Keras's -cos"},
        "keras": {
        "eps": "keras.utils.normalize -> ops.normalize: x * minimum(rsqrt(sum x^2), 1/epsilon()) with "
               "epsilon() = 1e-7: each norm clamped at 1e-7 (not tf.math.l2_normalize's 1e-12 on the "
               "squared norm, which Keras 2 used)",
        "clamp_grad": "ops.minimum: where 1/epsilon wins, the gradient w.r.t. the norm is 0 (a tie goes "
                      "to rsqrt, the first argument)",
        "keras.losses.CosineSimilarity.axis": "Keras's default axis is -1",
        "keras.losses.CosineSimilarity.sign": "keras.losses.cosine_similarity returns -cos, a loss to minimise"}},
)

CONTRASTIVE = _pair(
    "contrastive", "y d^2 + (1-y) clamp_min(m - d, 0)^2 reduced by torch_impl.losses_common.reduce",
    "keras.losses.Loss subclass: y d^2 + (1-y) maximum(m - d, 0)^2", hyper={"margin": 1.0},
    sources={"keras": keras_loss_sources("keras.losses.Loss")},
    notes={"torch": {"margin": "torch ships no contrastive loss; margin=1.0 as Hadsell et al. and TF "
                               "Addons; labels y=1 similar, 0 dissimilar (Hadsell: Y=0 similar, halved terms)"},
           "keras": {"margin": "Keras ships none; tfa.losses.ContrastiveLoss defaulted to margin=1.0 with "
                               "y=1 for similar pairs (the keras.io Siamese example uses 1 - y)"}},
)

TRIPLET = _pair(
    "triplet", "F.triplet_margin_loss", "keras.losses.Loss subclass: sqrt(maximum(sum d^2, epsilon()))",
    hyper={"margin": 1.0},
    torch_formula={"distance": "shifted", "dist_eps": 1e-6, "grad_at_kink": "active"},
    keras_formula={"distance": "clamped", "dist_eps": 1e-7, "grad_at_kink": "active"},
    related={"torch": {"F.triplet_margin_loss.p": 2, "F.triplet_margin_loss.swap": False}},
    sources={"torch": {**torch_loss_sources(_TRIPLET, "margin"), "F.triplet_margin_loss.p": agree(_TRIPLET, "p"),
                       "F.triplet_margin_loss.swap": agree(_TRIPLET, "swap")},
             "keras": keras_loss_sources("keras.losses.Loss")},
    notes={"torch": {
        "margin": "F.triplet_margin_loss(margin=1.0); margin <= 0 raises ValueError",
        "distance": "pairwise_distance = norm(x1 - x2 + eps): eps is added to the DIFFERENCE, so "
                    "identical vectors are eps*sqrt(D) apart with gradient 1/sqrt(D) per component",
        "dist_eps": "F.triplet_margin_loss(eps=1e-6)",
        "grad_at_kink": "clamp_min(margin + d_pos - d_neg, 0) backward passes the gradient where the input >= 0",
        "F.triplet_margin_loss.p": "the Euclidean norm, p=2 (the wrapper keeps it)",
        "F.triplet_margin_loss.swap": "no distance swap (the wrapper keeps it)"},
        "keras": {
        "margin": "Keras ships no triplet loss; tfa.losses.TripletSemiHardLoss defaulted to margin=1.0",
        "distance": "the textbook Euclidean distance, its square floored as in the keras.io Siamese "
                    "examples, so a == b gives a finite value and a zero gradient (TF's sqrt would give NaN)",
        "dist_eps": "keras.config.epsilon() = 1e-7, on the squared distance",
        "grad_at_kink": "ops.maximum(margin + d_pos - d_neg, 0) (and the distance's maximum): TF's Maximum gives a "
                        "tie's gradient to the first argument"}},
)

DICE = _pair(
    "dice", "1 - (2 sum(p t) + 1) / (sum p + sum t + 1) with torch ops", "keras.losses.Dice",
    hyper={"axis": (-1, None)},
    torch_formula={"smooth_nr": 1.0, "smooth_dr": 1.0}, keras_formula={"smooth_nr": 0.0, "smooth_dr": 1e-7},
    sources={"keras": keras_loss_sources("keras.losses.Dice", "axis")},
    notes={"torch": {
        "axis": "torch ships no Dice; the wrapper gives one loss per sample of (N, D) masks (axis=-1), "
                "like torch losses' reduction='none' and MONAI's DiceLoss(batch=False)",
        "smooth_nr": "Laplace smoothing: +1 in the numerator, so empty masks give loss 0 (MONAI's "
                     "smooth_nr, default 1e-5 there)",
        "smooth_dr": "+1 in the denominator (MONAI's smooth_dr)"},
        "keras": {
        "axis": "keras.losses.Dice(axis=None): ONE Dice over the whole batch, a scalar even for reduction=None",
        "smooth_nr": "keras.losses.dice has no numerator smoothing, 2*sum(p t) / (...): an empty mask "
                     "gives loss 1",
        "smooth_dr": "denominator sum(t) + sum(p) + backend.epsilon() = 1e-7"}},
)

register(*COSINE, *CONTRASTIVE, *TRIPLET, *DICE)
