"""Regression-loss rows: every reduction aligned (compute dtype = input dtype), plus defaults."""
import keras_impl.losses_regression as k
import reference_numpy.losses_regression as n
import torch_impl.losses_regression as t

from ..case import Case
from ..inputs import regression_pair

__all__ = ["CASES", "reductions"]


def reductions(**hyper):
    """One aligned hyperparameter set per reduction; ``dtype=None`` computes in the input dtype."""
    return tuple({"reduction": r, "dtype": None, **hyper} for r in ("none", "sum", "mean"))


def _row(concept, impls, **fields):
    fields.setdefault("inputs", regression_pair())
    fields.setdefault("aligned", reductions())
    return Case("losses", concept, *impls, grad_wrt=("y_pred",), regimes=("typical", "large"), **fields)


CASES = (
    _row("mse", (n.mse, t.mse, k.mse), kinks=(0.0,)),
    _row("mae", (n.mae, t.mae, k.mae), kinks=(0.0,)),
    _row("huber", (n.huber, t.huber, k.huber), kinks=(0.0, 1.0, -1.0), aligned=reductions(delta=1.0) + ({"delta": 0.5, "reduction": "mean", "dtype": None},)),
    _row("smooth_l1", (n.smooth_l1, t.smooth_l1, k.smooth_l1), kinks=(0.0, 0.5, -0.5),
         aligned=reductions(beta=0.5)),
    _row("log_cosh", (n.log_cosh, t.log_cosh, k.log_cosh)),
    _row("quantile", (n.quantile, t.quantile, k.quantile), kinks=(0.0,), aligned=reductions(q=0.25)),
    _row("weighted_mse", (n.weighted_mse, t.weighted_mse, k.weighted_mse), inputs=regression_pair(weights=True)),
)
