"""Schedule rows (forward only): the LR at each of 300 steps, ReduceLROnPlateau over 60 epochs of a seeded
validation loss, and the LR range test on seeded least squares.

A schedule's input is the integer step indices 0..299: the run's dtype means nothing to it (Keras schedules
evaluate in the dtype of their initial LR, never in floatx), so every aligned set names its evaluation
``dtype`` and runs once, in the float64 run, and the defaults variant once, in the float32 run.
"""
import numpy as np

import keras_impl.schedules as k
import reference_numpy.schedules as n
import torch_impl.schedules as t

from ..case import Case, Skip
from ..tolerance import Override

__all__ = ["CASES", "STEPS", "EPOCHS", "step_indices", "plateau_losses", "least_squares"]

STEPS = 300
EPOCHS = 60
_ONCE = (Skip("integer step inputs: the aligned sets fix the evaluation dtype, so the float32 run would "
              "repeat the float64 run", variant="aligned", dtype="float32"),
         Skip("integer step inputs and Keras's default float32 schedule: the float64 run would repeat the "
              "float32 run", variant="defaults", dtype="float64"))


def step_indices(count=STEPS):
    """Input builder: ``steps`` = 0..count-1 (int64)."""
    def build(rng, regime, dtype, kinks):
        return {"steps": np.arange(count, dtype=np.int64)}
    return build


def _segments(rng, count):
    """A loss that alternates improving stretches (5-15 % per epoch) and noisy plateaus (0.2 % noise)."""
    values, level = [], 1.0
    while len(values) < count:
        for _ in range(rng.integers(3, 7)):
            level *= rng.uniform(0.85, 0.95)
            values.append(level)
        values.extend(level * (1 + 0.002 * rng.standard_normal(rng.integers(5, 12))))
    return np.asarray(values[:count])


def plateau_losses(count=EPOCHS):
    """Input builder: ``val_loss`` per epoch. typical: :func:`_segments` around 1; large: the same x1000
    (relative and absolute thresholds part ways); slow: 1000 - 1e-5 k, a decrease every epoch in float64
    that float32 (ulp 6.1e-5 at 1000) mostly cannot see."""

    def build(rng, regime, dtype, kinks):
        if regime == "slow":
            v = 1000.0 - 1e-5 * np.arange(count)
        else:
            v = _segments(rng, count) * (1000.0 if regime == "large" else 1.0)
        return {"val_loss": v.astype(dtype)}
    return build


def least_squares(rows=64, cols=4):
    """Input builder: ``x`` (rows, cols) ~ N(0, 0.5^2), ``y = x w + 0.1 noise``, ``w0 = 0``. A batch of 8
    rows has Hessian eigenvalues up to about 1.5, so SGD diverges past lr ~ 1.5: the range test's last steps
    blow the loss up by many orders of magnitude, short of float32 overflow."""

    def build(rng, regime, dtype, kinks):
        x = 0.5 * rng.standard_normal((rows, cols))
        y = x @ rng.standard_normal(cols) + 0.1 * rng.standard_normal(rows)
        return {"x": x.astype(dtype), "y": y.astype(dtype), "w0": np.zeros(cols, dtype)}
    return build


def _schedule(concept, required, aligned):
    """A schedule row; ``required`` (hyperparameters one framework requires) also heads every aligned set."""
    fns = (getattr(n, concept), getattr(t, concept), getattr(k, concept))
    return Case("schedules", concept, *fns, inputs=step_indices(), grad_wrt=(), skips=_ONCE, required=required,
                aligned=tuple({**required, **hyper} for hyper in aligned), regimes=("typical",))


def _f64(**hyper):
    return {"dtype": "float64", **hyper}


def _f32(**hyper):
    return {"dtype": "float32", **hyper}


# The range test is a 100-step recursion: each step rounds the state (unit roundoff u = 2^-24 in float32),
# and past lr ~ 2/lambda_max the recursion amplifies earlier rounding exactly as much as the state itself, so
# relative errors no longer stay at a few ulp but add up: <= steps * 2u = 1.2e-5 per implementation, twice
# that between two of them. float64's tolerance (1e-7) already exceeds 100 * 2 * 2^-53.
_ACCUMULATION = (Override("100 dependent SGD steps, divergent at the end: rounding adds up to steps * 2u "
                          "(1.2e-5 relative in float32) per implementation instead of a few ulp",
                          rtol=2.5e-5, dtype="float32"),)
_PLATEAU = {"lr": 0.1, "factor": 0.5, "patience": 3, "min_lr": 0.01, "dtype": None}
# The range test's own knobs off their defaults (the defaults variant runs 1e-7..10 over 100 steps of batches of 8):
# still past the divergence near lr 1.5, over 4 batches of 16 rows.
_RANGE = {"dtype": None, "lr_min": 1e-6, "lr_max": 5.0, "num_steps": 80, "batch_size": 16}

CASES = (  # each schedule's last aligned set is a float32 evaluation
    _schedule("step_decay", {"lr": 0.1, "step_size": 30, "gamma": 0.5},
              (_f64(), _f64(step_size=7, gamma=0.9), _f32())),
    _schedule("exponential_decay", {"lr": 0.1, "decay_rate": 0.5, "decay_steps": 40},
              (_f64(staircase=False), _f64(staircase=True),
               _f64(lr=1.0, decay_rate=0.99, decay_steps=1, staircase=False),  # float32-rounded decay_rate shows
               _f64(staircase=True, decay_steps=49), _f32(staircase=True, decay_steps=41),  # traced floors
               _f32(staircase=False))),
    _schedule("cosine_annealing", {"lr": 0.1, "decay_steps": 100},
              (_f64(min_lr=0.001), _f64(min_lr=0.0, decay_steps=STEPS), _f32(min_lr=0.001))),
    _schedule("cosine_warm_restarts", {"lr": 0.1, "first_decay_steps": 20},
              (_f64(t_mult=1, m_mul=1.0, min_lr=0.001), _f64(t_mult=2, m_mul=0.5, min_lr=0.001),
               _f64(t_mult=3, m_mul=1.0, min_lr=0.0), _f32(t_mult=2, m_mul=1.0, min_lr=0.001))),
    _schedule("warmup_cosine", {"lr": 0.1, "decay_steps": 200, "start_factor": 0.1},
              (_f64(warmup_steps=20, min_lr=0.001), _f64(warmup_steps=20, min_lr=0.001, decay_steps=STEPS - 20),
               _f32(warmup_steps=50, min_lr=0.0))),
    _schedule("polynomial_decay", {"lr": 0.1, "decay_steps": 100},
              (_f64(end_lr=0.0, power=1.0, cycle=False), _f64(end_lr=0.001, power=2.0, cycle=False),
               _f64(end_lr=0.001, power=0.5, cycle=True),
               _f32(end_lr=0.001, power=1.0, cycle=True, decay_steps=60),  # a traced ceiling
               _f32(end_lr=0.0, power=1.0, cycle=False))),
    Case("schedules", "reduce_on_plateau", n.reduce_on_plateau, t.reduce_on_plateau, k.reduce_on_plateau,
         inputs=plateau_losses(), grad_wrt=(), regimes=("typical", "large", "slow"),
         aligned=({**_PLATEAU, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 0},
                  {**_PLATEAU, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 2},
                  {**_PLATEAU, "threshold": 0.0, "threshold_mode": "abs", "cooldown": 0},
                  # an explicit float32 LR: torch's Python floats rounded, Keras run with floatx float32
                  {**_PLATEAU, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 1, "dtype": "float32"})),
    Case("schedules", "lr_range_test", n.lr_range_test, t.lr_range_test, k.lr_range_test,
         inputs=least_squares(), grad_wrt=(), regimes=("typical",), aligned=(_RANGE,), overrides=_ACCUMULATION),
)
