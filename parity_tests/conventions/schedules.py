"""Schedule conventions: torch.optim.lr_scheduler (driven by scheduler.step()) vs keras.optimizers.schedules
(evaluated at optimizer.iterations), ReduceLROnPlateau in both, and the LR range test.

Both count steps from 0 (``step_offset`` 0): torch's scheduler holds f(k) between its k-th and (k+1)-th
``step()`` -- called after ``optimizer.step()``, usually once per epoch -- while Keras evaluates f at the
optimizer's ``iterations`` (one per batch) before incrementing it. Hyperparameters a framework requires
(no default) are absent from its ``defaults`` and set by the case's ``required``.
"""
from . import Convention, Source, register

__all__ = ["TORCH_SGD_LR", "KERAS_SGD_LR"]

TORCH_SGD_LR = 1e-3  # torch.optim.SGD(lr=1e-3): a torch scheduler starts from the optimizer's lr
KERAS_SGD_LR = 0.01  # keras.optimizers.SGD(learning_rate=0.01)

_TORCH_NOTES = {
    "lr": "a torch scheduler starts from the optimizer's lr: torch.optim.SGD(lr=1e-3)",
    "dtype": "scheduler arithmetic is Python floats: LRs come back float64 (the formula's dtype: that of an LR given "
             "without one)",
    "compute_dtype": "Python floats (float64), whatever dtype the result is cast to",
    "step_offset": "get_last_lr() before the k-th scheduler.step() (called after optimizer.step()) is f(k); "
                   "torch counts scheduler.step() calls, usually once per epoch",
}
_KERAS_NOTES = {
    "dtype": "a Python-float initial_learning_rate becomes a float32 tensor (TensorFlow's conversion, floatx "
             "is not consulted): the schedule evaluates and returns float32 (the formula's dtype: what the backend "
             "makes of the Python float, keras_backends.py)",
    "compute_dtype": "the dtype of initial_learning_rate (the wrapper passes it typed when dtype is given)",
    "step_offset": "the optimizer calls schedule(optimizer.iterations): 0 at the first update, incremented after "
                   "each; Keras counts optimizer updates (batches)",
}
_CONSTANT = ("ops.cast(python_float, dtype) converts to a float32 tensor first: {} rounded through float32 "
             "even when the schedule runs in float64")


_TORCH_SGD_LR_SOURCE = Source("torch.optim.SGD", "lr")


def _read_off(api, **params):
    """``{key: Source(api, param)}``: each table key's default read off parameter ``param`` of ``api``."""
    return {key: Source(api, param) for key, param in params.items()}


def _pair(concept, torch_api, keras_api, *, torch_defaults, keras_defaults, torch_formula, keras_formula, notes,
          sources):
    """The two Conventions of one schedule: shared lr/dtype/step-counting keys plus the schedule's own.
    ``sources``: ``{"torch": {...}, "keras": {...}}`` (torch's ``lr`` is read off torch.optim.SGD here).
    ``dtype`` is a formula key too: the dtype of an LR given without one is the backend's arithmetic (a Python float
    is a float32 tensor on TensorFlow, a weak float64 on JAX with x64), so a Keras backend's row can restate it; a
    run's ``dtype`` (every aligned set's) overrides it, and ``differing`` leaves it out there."""
    return (
        Convention("torch", concept, torch_api, defaults={"lr": TORCH_SGD_LR, "dtype": None, **torch_defaults},
                   formula={"compute_dtype": "float64", "step_offset": 0, **torch_formula},
                   notes={**_TORCH_NOTES, **notes["torch"]},
                   sources={"lr": _TORCH_SGD_LR_SOURCE, **sources.get("torch", {})}),
        Convention("keras", concept, keras_api, defaults={"dtype": "float32", **keras_defaults},
                   formula={"compute_dtype": None, "step_offset": 0, **keras_formula},
                   notes={**_KERAS_NOTES, **notes["keras"]}, sources=sources.get("keras", {})),
    )


_PERIODIC = "CosineAnnealingLR keeps following the cosine past T_max: the LR climbs back towards lr"
_HOLD = "CosineDecay clamps the step at decay_steps: the LR stays at alpha * lr"
_NO_CONSTANT = "torch's hyperparameters are Python floats"
_EXACT = "torch divides exactly (Python floats) or counts in integers"
_RECIPROCAL = ("in a traced train step (model.fit, tf.function) TensorFlow's graph optimizer turns x / constant into "
               "x * (1 / constant): {} can land one step late (reproduced exactly by the reference)")
_NO_FLOOR_CAST = "torch floors Python floats or counts in integers: nothing is rounded first"
_FLOOR_IN_DTYPE = ("ops.floor and ops.ceil take result_type(x.dtype, float), the compute dtype on TensorFlow (float64 "
                   "stays float64): nothing is rounded first")
# how a decay's constants are held and divided by (torch's Python floats vs Keras's float32 tensors), and the precision
# of its floors
_TORCH_DIVIDES = {"constant_dtype": None, "divide_by_constant": "exact", "floor_dtype": None}
_KERAS_DIVIDES = {"constant_dtype": "float32", "divide_by_constant": "reciprocal", "floor_dtype": None}

register(
    *_pair("step_decay", "lr_scheduler.StepLR(step_size, gamma=0.1)",
           "schedules.PiecewiseConstantDecay(boundaries=[s, 2s, ...], values=[lr, lr*gamma, ...])",
           torch_defaults={"gamma": 0.1}, keras_defaults={},
           torch_formula={"at_boundary": "decayed"}, keras_formula={"at_boundary": "previous"},
           sources={"torch": _read_off("torch.optim.lr_scheduler.StepLR", gamma="gamma")},
           notes={"torch": {"gamma": "StepLR(gamma=0.1)",
                            "at_boundary": "StepLR multiplies by gamma when last_epoch % step_size == 0: step s is "
                                           "already decayed"},
                  "keras": {"at_boundary": "PiecewiseConstantDecay uses values[i] while step <= boundaries[i]: "
                                           "the boundary step keeps the previous value (one step later than torch)"}}),
    *_pair("exponential_decay", "lr_scheduler.ExponentialLR(gamma=r**(1/d)); staircase: StepLR(d, gamma=r)",
           "schedules.ExponentialDecay(lr, decay_steps, decay_rate, staircase=False)",
           torch_defaults={"decay_steps": 1, "staircase": False}, keras_defaults={"staircase": False},
           torch_formula=_TORCH_DIVIDES, keras_formula=_KERAS_DIVIDES,
           sources={"keras": _read_off("keras.optimizers.schedules.ExponentialDecay", staircase="staircase")},
           notes={"torch": {"decay_steps": "ExponentialLR multiplies by gamma at every scheduler.step() (d = 1)",
                            "staircase": "ExponentialLR is continuous; the staircase form is StepLR",
                            "constant_dtype": _NO_CONSTANT, "divide_by_constant": _EXACT,
                            "floor_dtype": _NO_FLOOR_CAST},
                  "keras": {"staircase": "ExponentialDecay(staircase=False)",
                            "constant_dtype": _CONSTANT.format("decay_rate"),
                            "divide_by_constant": _RECIPROCAL.format("floor(step * (1/decay_steps)): a staircase "
                                                                     "step (e.g. every 49 steps in float64)"),
                            "floor_dtype": _FLOOR_IN_DTYPE}}),
    *_pair("cosine_annealing", "lr_scheduler.CosineAnnealingLR(T_max, eta_min=0.0)",
           "schedules.CosineDecay(lr, decay_steps, alpha=min_lr / lr)",
           torch_defaults={"min_lr": 0.0}, keras_defaults={"min_lr": 0.0},
           torch_formula={"after_end": "periodic"}, keras_formula={"after_end": "hold"},
           sources={"torch": _read_off("torch.optim.lr_scheduler.CosineAnnealingLR", min_lr="eta_min"),
                    "keras": _read_off("keras.optimizers.schedules.CosineDecay", min_lr="alpha")},
           notes={"torch": {"min_lr": "CosineAnnealingLR(eta_min=0.0), absolute", "after_end": _PERIODIC},
                  "keras": {"min_lr": "CosineDecay(alpha=0.0), a fraction of the initial LR", "after_end": _HOLD}}),
    *_pair("cosine_warm_restarts", "lr_scheduler.CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0.0)",
           "schedules.CosineDecayRestarts(lr, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)",
           torch_defaults={"t_mult": 1, "m_mul": 1.0, "min_lr": 0.0},
           keras_defaults={"t_mult": 2.0, "m_mul": 1.0, "min_lr": 0.0},
           torch_formula=_TORCH_DIVIDES, keras_formula=_KERAS_DIVIDES,
           sources={"torch": _read_off("torch.optim.lr_scheduler.CosineAnnealingWarmRestarts", t_mult="T_mult",
                                       min_lr="eta_min"),
                    "keras": _read_off("keras.optimizers.schedules.CosineDecayRestarts", t_mult="t_mul",
                                       m_mul="m_mul", min_lr="alpha")},
           notes={"torch": {"divide_by_constant": _EXACT,
                            "t_mult": "CosineAnnealingWarmRestarts(T_mult=1): equal cycles; an integer is required",
                            "m_mul": "no restart multiplier: every cycle restarts at the full LR (m_mul != 1 "
                                     "uses the suite's subclass)",
                            "min_lr": "eta_min=0.0, absolute", "constant_dtype": _NO_CONSTANT,
                            "floor_dtype": _NO_FLOOR_CAST},
                  "keras": {"t_mult": "CosineDecayRestarts(t_mul=2.0): each cycle twice as long",
                            "m_mul": "CosineDecayRestarts(m_mul=1.0)", "min_lr": "alpha=0.0, a fraction of the LR",
                            "constant_dtype": _CONSTANT.format("alpha, t_mul and m_mul"),
                            "divide_by_constant": _RECIPROCAL.format(
                                "the cycle index floor(log(1 + f (t_mul - 1)) * (1/log t_mul)): a restart (the 4th "
                                "with t_mul=2 in float64: log 8 * (1/log 2) = 2.9999999999999996)"),
                            "floor_dtype": _FLOOR_IN_DTYPE}}),
    *_pair("warmup_cosine", "SequentialLR([LinearLR(start_factor=1/3, total_iters=5), CosineAnnealingLR(T_max)])",
           "schedules.CosineDecay(start_factor * lr, decay_steps, warmup_target=lr, warmup_steps=0)",
           torch_defaults={"warmup_steps": 5, "start_factor": 1.0 / 3, "min_lr": 0.0},
           keras_defaults={"warmup_steps": 0, "min_lr": 0.0},
           torch_formula={"after_end": "periodic", "constant_dtype": None},
           keras_formula={"after_end": "hold", "constant_dtype": "float32"},
           sources={"torch": {**_read_off("torch.optim.lr_scheduler.LinearLR", warmup_steps="total_iters",
                                          start_factor="start_factor"),
                              **_read_off("torch.optim.lr_scheduler.CosineAnnealingLR", min_lr="eta_min")},
                    "keras": _read_off("keras.optimizers.schedules.CosineDecay", warmup_steps="warmup_steps",
                                       min_lr="alpha")},
           notes={"torch": {"warmup_steps": "LinearLR(total_iters=5)",
                            "start_factor": "LinearLR(start_factor=1/3); it must be > 0",
                            "min_lr": "CosineAnnealingLR(eta_min=0.0)", "after_end": _PERIODIC,
                            "constant_dtype": _NO_CONSTANT},
                  "keras": {"warmup_steps": "CosineDecay(warmup_steps=0): no warmup unless asked",
                            "min_lr": "CosineDecay(alpha=0.0)", "after_end": _HOLD,
                            "constant_dtype": _CONSTANT.format("warmup_target (the peak LR)")}}),
    *_pair("polynomial_decay", "lr_scheduler.PolynomialLR(total_iters=5, power=1.0); else LambdaLR",
           "schedules.PolynomialDecay(lr, decay_steps, end_learning_rate=1e-4, power=1.0, cycle=False)",
           torch_defaults={"decay_steps": 5, "end_lr": 0.0, "power": 1.0, "cycle": False},
           keras_defaults={"end_lr": 1e-4, "power": 1.0, "cycle": False},
           torch_formula={**_TORCH_DIVIDES, "multiplier_dtype": None},
           keras_formula={**_KERAS_DIVIDES, "multiplier_dtype": None},
           sources={"torch": _read_off("torch.optim.lr_scheduler.PolynomialLR", decay_steps="total_iters",
                                       power="power"),
                    "keras": _read_off("keras.optimizers.schedules.PolynomialDecay", end_lr="end_learning_rate",
                                       power="power", cycle="cycle")},
           notes={"torch": {"divide_by_constant": _EXACT, "decay_steps": "PolynomialLR(total_iters=5)",
                            "end_lr": "PolynomialLR decays to 0 and holds there (no end-LR argument)",
                            "power": "PolynomialLR(power=1.0)",
                            "cycle": "torch has no cyclic polynomial decay (the suite's LambdaLR does TF's)",
                            "constant_dtype": _NO_CONSTANT, "floor_dtype": _NO_FLOOR_CAST,
                            "multiplier_dtype": "the suite's LambdaLR multiplies Python floats (float64)"},
                  "keras": {"end_lr": "PolynomialDecay(end_learning_rate=0.0001)",
                            "power": "PolynomialDecay(power=1.0)",
                            "cycle": "PolynomialDecay(cycle=False)",
                            "constant_dtype": _CONSTANT.format("end_learning_rate and power"),
                            "divide_by_constant": _RECIPROCAL.format(
                                "with cycle, ceil(step * (1/decay_steps)): a cycle boundary (e.g. every 60 steps "
                                "in float32)"),
                            "floor_dtype": _FLOOR_IN_DTYPE,
                            "multiplier_dtype": "ops.where(step == 0, 1.0, ceil(step / decay_steps)): TensorFlow's "
                                                "where gives the Python float 1.0 the other branch's dtype "
                                                "(result_type)"}}),
)

_PLATEAU = {"factor": 0.1, "patience": 10, "threshold": 1e-4, "cooldown": 0, "min_lr": 0.0}
# the parameters both ReduceLROnPlateau name alike, with the same default
_PLATEAU_NOTES = {key: f"ReduceLROnPlateau({key}={_PLATEAU[key]})" for key in ("factor", "patience", "cooldown")}


def _plateau_sources(api, **renamed):
    """``_PLATEAU``'s keys read off the ReduceLROnPlateau at ``api`` (``renamed``: key -> its parameter)."""
    return _read_off(api, **{key: renamed.get(key, key) for key in _PLATEAU})


register(
    Convention("torch", "reduce_on_plateau", "lr_scheduler.ReduceLROnPlateau(torch.optim.SGD(lr), mode='min')",
               defaults={"lr": TORCH_SGD_LR, **_PLATEAU, "threshold_mode": "rel", "dtype": None},
               formula={"compute_dtype": "float64", "compare_dtype": "float64", "patience_rule": "exceeds",
                        "cooldown_rule": "full", "abs_form": "best_minus", "min_change": 1e-8},
               notes={"lr": "torch.optim.SGD(lr=1e-3)", **_PLATEAU_NOTES,
                      "threshold": "ReduceLROnPlateau(threshold=1e-4)",
                      "threshold_mode": "ReduceLROnPlateau(threshold_mode='rel'): better if v < best * (1 - threshold)",
                      "min_lr": "ReduceLROnPlateau(min_lr=0)", "dtype": "param_group['lr'] is a Python float: float64",
                      "compute_dtype": "the LR and its reductions are Python floats",
                      "compare_dtype": "step(metrics) compares float(metrics) with Python floats",
                      "patience_rule": "reduces when num_bad_epochs > patience: on the (patience+1)-th bad epoch",
                      "cooldown_rule": "a bad epoch in cooldown is counted, then reset (the counter decrements "
                                       "after): the cooldown epochs never count",
                      "abs_form": "'abs' mode tests v < best - threshold",
                      "min_change": "ReduceLROnPlateau(eps=1e-8): a reduction changing the LR by <= eps is skipped "
                                    "(and still resets the counters)"},
               sources={"lr": _TORCH_SGD_LR_SOURCE,
                        "threshold_mode": Source("torch.optim.lr_scheduler.ReduceLROnPlateau", "threshold_mode"),
                        **_plateau_sources("torch.optim.lr_scheduler.ReduceLROnPlateau")}),
    Convention("keras", "reduce_on_plateau", "keras.callbacks.ReduceLROnPlateau(monitor='val_loss') on SGD(lr)",
               defaults={"lr": KERAS_SGD_LR, **_PLATEAU, "threshold_mode": "abs", "dtype": "float32"},
               formula={"compute_dtype": None, "compare_dtype": "float32", "patience_rule": "reaches",
                        "cooldown_rule": "last_epoch_counts", "abs_form": "current_plus", "min_change": None},
               notes={"lr": "keras.optimizers.SGD(learning_rate=0.01)", **_PLATEAU_NOTES,
                      "threshold": "ReduceLROnPlateau(min_delta=1e-4)",
                      "threshold_mode": "min_delta is absolute; Keras has no relative mode (the suite subclasses)",
                      "min_lr": "ReduceLROnPlateau(min_lr=0.0)",
                      "dtype": "the optimizer's learning_rate is a Variable of keras.config.floatx()",
                      "compute_dtype": "new_lr = float(lr) * factor is assigned to the floatx Variable",
                      "compare_dtype": "MonitorCallback compares with ops.less on Python floats: float32 tensors, "
                                       "whatever floatx is",
                      "patience_rule": "reduces when wait >= patience: on the patience-th bad epoch",
                      "cooldown_rule": "the cooldown counter decrements before the epoch is judged: the epoch "
                                       "where it reaches 0 already counts",
                      "abs_form": "_is_improvement tests ops.less(v - min_delta, best) with min_delta negated: "
                                  "v + threshold < best",
                      "min_change": "reduces whenever lr > np.float32(min_lr); counters reset only if it did"},
               sources={"lr": Source("keras.optimizers.SGD", "learning_rate"),
                        **_plateau_sources("keras.callbacks.ReduceLROnPlateau", threshold="min_delta")}),
)

_RANGE = {"lr_min": 1e-7, "lr_max": 10.0, "num_steps": 100, "batch_size": 8}
_RANGE_NOTE = "neither framework ships an LR finder: fastai's lr_find defaults (1e-7 to 10 over 100 steps)"
_BATCH_NOTE = "the suite's: 8 consecutive rows per step, wrapping around (no DataLoader / fit involved)"
register(
    Convention("torch", "lr_range_test", "torch.optim.SGD + lr_scheduler.ExponentialLR, autograd on F.mse_loss",
               defaults={**_RANGE, "dtype": None}, formula={"lr_dtype": "float64"},
               notes={"lr_min": _RANGE_NOTE, "lr_max": _RANGE_NOTE, "num_steps": _RANGE_NOTE,
                      "batch_size": _BATCH_NOTE, "dtype": "parameters in the input dtype",
                      "lr_dtype": "ExponentialLR multiplies Python floats; SGD applies lr in the parameter dtype"}),
    Convention("keras", "lr_range_test", "keras.optimizers.SGD(ExponentialDecay), tf.GradientTape",
               defaults={**_RANGE, "dtype": "float32"}, formula={"lr_dtype": "float32"},
               notes={"lr_min": _RANGE_NOTE, "lr_max": _RANGE_NOTE, "num_steps": _RANGE_NOTE,
                      "batch_size": _BATCH_NOTE, "dtype": "keras.Variable defaults to floatx ('float32')",
                      "lr_dtype": "ExponentialDecay(python float) evaluates in float32 even for float64 variables; "
                                  "SGD casts that LR to the variable dtype"}),
)
