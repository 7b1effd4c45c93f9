"""Classification-loss rows: every reduction aligned (compute dtype = input dtype), plus defaults.

Regimes (all builders accept "typical" and "large"; "large" never holds an exact 0 or 1 probability,
so every result stays finite there):
  probabilities -- typical: p in [0.02, 0.98]; large: confident, within 1e-12..1e-4 of 0 or 1;
                   saturated: exact 0 and 1 and 1e-12; unnormalized (categorical): rows not summing to 1.
  logits        -- typical: N(0, 2^2); large: up to ±1e4, with ±100 and ±1e4 against targets 1e-7 and
                   1 - 1e-7; multi_hot (categorical): targets summing to 2..4; one_class (int labels):
                   every label 1, the class aligned runs ignore or weight 0.
"""
import numpy as np

import keras_impl.losses_classification as k
import reference_numpy.losses_classification as n
import torch_impl.losses_classification as t

from ..case import Case
from ..inputs import draw
from .losses_regression import reductions

__all__ = ["CASES", "probability_pair", "logit_pair", "distribution_pair", "logits_distribution", "logits_labels"]

_SATURATED = (0.0, 1.0, 1e-12, 1.0 - 1e-12, 1e-8)
_EXTREME = ((-1e4, 1e-7), (1e4, 1.0 - 1e-7), (100.0, 0.3), (-100.0, 0.9), (1e4, 0.0), (-1e4, 1.0))  # (logit, target)


def _unknown(regime):
    return ValueError(f"unknown regime {regime!r}")


def _binary_targets(rng, shape):
    """Half hard 0/1, half soft U(0, 1)."""
    return np.where(rng.random(shape) < 0.5, rng.integers(0, 2, size=shape), rng.uniform(0, 1, size=shape))


def _confident(rng, shape):
    d = 10.0 ** rng.uniform(-12, -4, size=shape)
    return np.where(rng.random(shape) < 0.5, d, 1 - d)


def probability_pair(shape=(4, 5)):
    """Input builder for binary ``y_pred`` (probabilities) and ``y_true`` in [0, 1]."""
    def build(rng, regime, dtype, kinks):
        y_true = _binary_targets(rng, shape)
        if regime in ("typical", "saturated"):
            y_pred = rng.uniform(0.02, 0.98, size=shape).reshape(-1)
            if regime == "saturated":
                y_pred[::2] = np.resize(_SATURATED, y_pred[::2].shape)
        elif regime == "large":
            y_pred = _confident(rng, shape)
        else:
            raise _unknown(regime)
        return {"y_pred": y_pred.reshape(shape).astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def logit_pair(shape=(4, 5)):
    """Input builder for binary ``y_pred`` (logits) and ``y_true`` in [0, 1]; confident: logits
    ±10^U(2, 4) with targets within 1e-7 of the predicted side (tiny losses, where one of the two
    BCE-with-logits forms cancels)."""
    def build(rng, regime, dtype, kinks):
        if regime not in ("typical", "large", "confident"):
            raise _unknown(regime)
        y_pred = draw(rng, "large" if regime == "confident" else regime, shape, large=1e4).reshape(-1)
        y_true = _binary_targets(rng, shape).reshape(-1)
        if regime == "large":
            y_pred[:len(_EXTREME)], y_true[:len(_EXTREME)] = zip(*_EXTREME)
        if regime == "confident":
            y_pred = np.sign(y_pred) * 10.0 ** rng.uniform(2, 4, size=y_pred.shape)
            y_true = np.where(y_pred > 0, 1.0 - 1e-7, 1e-7)
        return {"y_pred": y_pred.reshape(shape).astype(dtype), "y_true": y_true.reshape(shape).astype(dtype)}
    return build


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _distributions(rng, shape):
    """Target rows: soft distributions, every other row one-hot."""
    rows = _softmax_rows(rng.standard_normal(shape))
    rows[::2] = np.eye(shape[-1])[rng.integers(0, shape[-1], size=rows[::2].shape[0])]
    return rows


def _saturated_rows(rng, shape):
    """One-hot predictions (one on the target's class, one elsewhere), 1e-12 entries, an exact 0."""
    p = _softmax_rows(rng.standard_normal(shape))
    p[0], p[1] = np.eye(shape[-1])[0], np.eye(shape[-1])[1]
    p[2] = np.full(shape[-1], 1e-12)
    p[2, 2] = 1 - 1e-12 * (shape[-1] - 1)
    p[3, 3] = 0.0
    return p


def distribution_pair(shape=(4, 5)):
    """Input builder for categorical ``y_pred`` (probabilities, rows of C) and ``y_true`` (distributions)."""
    def build(rng, regime, dtype, kinks):
        y_true = _distributions(rng, shape)
        if regime == "typical":
            y_pred = _softmax_rows(rng.standard_normal(shape))
        elif regime == "unnormalized":
            y_pred = rng.uniform(0.05, 0.95, size=shape)
        elif regime == "large":
            y_pred = _softmax_rows(np.log(10.0) * rng.uniform(-12, 0, size=shape))
        elif regime == "saturated":
            y_pred = _saturated_rows(rng, shape)
            y_true[0], y_true[1] = np.eye(shape[-1])[0], np.eye(shape[-1])[0]  # row 1: p = 0 where t = 1
        else:
            raise _unknown(regime)
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def logits_distribution(shape=(4, 5)):
    """Input builder for categorical ``y_pred`` (logits) and ``y_true`` (distributions or multi-hot)."""
    def build(rng, regime, dtype, kinks):
        if regime not in ("typical", "large", "multi_hot"):
            raise _unknown(regime)
        y_pred = draw(rng, "large" if regime == "large" else "typical", shape, large=1e4)
        if regime == "large":
            y_pred[1, :2] = (100.0, -100.0)
        y_true = _distributions(rng, shape)
        if regime == "multi_hot":
            y_true = (rng.random(shape) < 0.5).astype(float)
            y_true[:, :2] = 1.0  # at least two classes per row: sums 2..C
        return {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(dtype)}
    return build


def logits_labels(shape=(6, 5), *, weights=False):
    """Input builder for ``y_pred`` logits (N, C), int64 labels ``y_true`` (N,) and optional
    ``class_weights`` (C,) in [0.5, 2]; one_class: every label 1, and class 1 weighted 0."""
    def build(rng, regime, dtype, kinks):
        if regime not in ("typical", "large", "one_class"):
            raise _unknown(regime)
        y_pred = draw(rng, "large" if regime == "large" else "typical", shape, large=1e4)
        y_true = rng.integers(0, shape[1], size=shape[0]) if regime != "one_class" else np.ones(shape[0], int)
        inputs = {"y_pred": y_pred.astype(dtype), "y_true": y_true.astype(np.int64)}
        if weights:
            inputs["class_weights"] = rng.uniform(0.5, 2.0, size=shape[1]).astype(dtype)
            if regime == "one_class":
                inputs["class_weights"][1] = 0.0
        return inputs
    return build


def _row(concept, inputs, regimes, **fields):
    fields.setdefault("aligned", reductions())
    impls = (getattr(n, concept), getattr(t, concept), getattr(k, concept))
    return Case("losses", concept, *impls, inputs=inputs, grad_wrt=("y_pred",), regimes=regimes, **fields)


_FOCAL = {"alpha": 0.25, "gamma": 2.0, "apply_class_balancing": True, "from_logits": True}

CASES = (
    _row("binary_crossentropy", probability_pair(), ("typical", "large", "saturated")),
    _row("binary_crossentropy_with_logits", logit_pair(), ("typical", "large", "confident")),
    _row("categorical_crossentropy", distribution_pair(), ("typical", "unnormalized", "large", "saturated")),
    _row("categorical_crossentropy_with_logits", logits_distribution(), ("typical", "large", "multi_hot")),
    _row("sparse_categorical_crossentropy", logits_labels(), ("typical", "large", "one_class"),
         aligned=reductions(from_logits=True, ignore_index=None) + reductions(from_logits=True, ignore_index=1)),
    _row("weighted_crossentropy", logits_labels(weights=True), ("typical", "large", "one_class")),
    _row("focal_loss", logit_pair(), ("typical", "large"),
         aligned=reductions(**_FOCAL) + reductions(**{**_FOCAL, "alpha": 0.4, "gamma": 1.5,
                                                     "apply_class_balancing": False})[2:]),
)
