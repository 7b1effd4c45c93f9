r"""Learning-rate schedules in Keras 3: ``keras.optimizers.schedules`` objects, the
``keras.callbacks.ReduceLROnPlateau`` callback and an LR range test with ``keras.optimizers.SGD``.

A ``LearningRateSchedule`` is called by the optimizer at ``optimizer.iterations`` (0 at the first update,
incremented after each), so the LR of step k is ``schedule(k)``: the wrappers call it once per step with a
scalar step, as the optimizer does, inside a traced loop as ``model.fit`` runs it (``backend.map_steps``). A schedule evaluates in
the dtype of its initial learning rate: not passing ``dtype`` (or ``None``) passes a Python float, as a user does
(TensorFlow converts it to a float32 tensor; ``keras.config.floatx()`` is not consulted), and the LRs come back in
the dtype the schedule returns; ``"float32"``/``"float64"`` pass a typed initial LR, and the schedule's other
float hyperparameters still go through ``ops.cast``, which rounds a Python float through float32. Keras
schedules require their initial learning rate (no ``lr`` default). A hyperparameter not passed (``DEFAULT``) is
left out of the schedule's, callback's or optimizer's constructor, so Keras's own default applies.
"""
import contextlib

import keras
import numpy as np
from keras import ops
from keras.optimizers import schedules

from .autograd import value_and_grads
from .backend import map_steps
from .defaults import DEFAULT, given
from .validation import check_choice, check_lr_range, check_number, check_plateau, check_steps

__all__ = ["step_decay", "exponential_decay", "cosine_annealing", "cosine_warm_restarts", "warmup_cosine",
           "polynomial_decay", "reduce_on_plateau", "lr_range_test"]

_DTYPES = (None, "float32", "float64")


def _untyped(dtype):
    return dtype is None or dtype is DEFAULT


def _typed(value, dtype):
    """An initial learning rate: a Python float (a float32 tensor for TensorFlow) or a scalar of ``dtype``."""
    return float(value) if _untyped(dtype) else np.dtype(dtype).type(value)


def _floats(**kwargs):
    """The hyperparameters that were passed, as Python floats (what Keras's schedules ``ops.cast``)."""
    return {name: float(value) for name, value in given(**kwargs).items()}


def _evaluate(steps, lr, dtype, schedule):
    """``schedule(step)`` for each step, one scalar call per step as the optimizer makes it, in a traced loop
    as in ``model.fit`` (whose train step, optimizer and schedule included, is traced: ``backend.map_steps``)."""
    check_steps(steps)
    check_number(lr, "lr", positive=True)
    check_choice(dtype, _DTYPES, "dtype")
    returns = keras.backend.standardize_dtype(schedule(0).dtype) if _untyped(dtype) else dtype  # untyped: its own
    return map_steps(schedule, ops.convert_to_tensor(steps), returns)


def step_decay(steps, *, lr, step_size, gamma, dtype=DEFAULT):
    r""":math:`\eta\,\gamma^{n}` as ``PiecewiseConstantDecay(boundaries=[s, 2s, ...], values=[η, ηγ, ...])``,
    which keeps the previous value at a boundary (``step <= boundary``)."""
    check_steps(steps)
    check_number(lr, "lr", positive=True)
    check_number(step_size, "step_size", positive=True, integer=True)
    check_number(gamma, "gamma", positive=True)
    count = max(int(ops.max(steps)) // int(step_size), 0) + 1
    boundaries = [int(step_size) * j for j in range(1, count + 1)]
    values = [_typed(lr * gamma ** j, dtype) for j in range(count + 1)]
    return _evaluate(steps, lr, dtype, schedules.PiecewiseConstantDecay(boundaries, values))


def exponential_decay(steps, *, lr, decay_rate, decay_steps, staircase=DEFAULT, dtype=DEFAULT):
    r""":math:`\eta\, r^{k / d}` (floored exponent with ``staircase``, Keras's default off): ``ExponentialDecay``."""
    check_number(decay_rate, "decay_rate", positive=True)
    check_number(decay_steps, "decay_steps", positive=True)
    schedule = schedules.ExponentialDecay(_typed(lr, dtype), decay_steps, decay_rate, **given(staircase=staircase))
    return _evaluate(steps, lr, dtype, schedule)


def _alpha(min_lr, lr):
    """Keras's floor as a fraction of the initial LR (torch's ``eta_min`` is absolute); not passed: left out."""
    check_number(lr, "lr", positive=True)
    check_number(min_lr, "min_lr", low=0.0, high=lr)
    return DEFAULT if min_lr is DEFAULT else min_lr / lr


def cosine_annealing(steps, *, lr, decay_steps, min_lr=DEFAULT, dtype=DEFAULT):
    r"""``CosineDecay(lr, decay_steps, alpha=min_lr / lr)`` (not passed: Keras's ``alpha``, 0.0 in 3.15): the step
    is clamped at ``decay_steps``."""
    check_number(decay_steps, "decay_steps", positive=True)
    schedule = schedules.CosineDecay(_typed(lr, dtype), decay_steps, **given(alpha=_alpha(min_lr, lr)))
    return _evaluate(steps, lr, dtype, schedule)


def cosine_warm_restarts(steps, *, lr, first_decay_steps, t_mult=DEFAULT, m_mul=DEFAULT, min_lr=DEFAULT,
                         dtype=DEFAULT):
    r"""``CosineDecayRestarts(lr, first_decay_steps, t_mul=t_mult, m_mul, alpha=min_lr / lr)``, each left at
    Keras's default when not passed."""
    check_number(first_decay_steps, "first_decay_steps", positive=True, integer=True)
    check_number(t_mult, "t_mult", low=1.0)
    check_number(m_mul, "m_mul", positive=True)
    schedule = schedules.CosineDecayRestarts(_typed(lr, dtype), int(first_decay_steps),
                                             **_floats(t_mul=t_mult, m_mul=m_mul), **given(alpha=_alpha(min_lr, lr)))
    return _evaluate(steps, lr, dtype, schedule)


def warmup_cosine(steps, *, lr, decay_steps, warmup_steps=DEFAULT, start_factor, min_lr=DEFAULT, dtype=DEFAULT):
    r"""``CosineDecay(start_factor * lr, decay_steps, alpha=min_lr / lr, warmup_target=lr, warmup_steps)``:
    linear from the initial LR to ``warmup_target``, then the cosine; ``warmup_steps`` and ``alpha`` not passed
    are Keras's defaults (0 and 0.0 in 3.15)."""
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(warmup_steps, "warmup_steps", low=0.0, integer=True)
    check_number(start_factor, "start_factor", positive=True, high=1.0)
    warmup = {} if warmup_steps is DEFAULT else {"warmup_steps": int(warmup_steps)}
    schedule = schedules.CosineDecay(_typed(start_factor * lr, dtype), decay_steps, warmup_target=float(lr),
                                     **given(alpha=_alpha(min_lr, lr)), **warmup)
    return _evaluate(steps, lr, dtype, schedule)


def polynomial_decay(steps, *, lr, decay_steps, end_lr=DEFAULT, power=DEFAULT, cycle=DEFAULT, dtype=DEFAULT):
    r"""``PolynomialDecay(lr, decay_steps, end_learning_rate=end_lr, power, cycle)``, each left at Keras's default
    when not passed (the end LR defaults to 1e-4 in Keras 3.15)."""
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(lr, "lr", positive=True)
    check_number(end_lr, "end_lr", low=0.0, high=lr)
    check_number(power, "power", positive=True)
    floats = _floats(end_learning_rate=end_lr, power=power)
    schedule = schedules.PolynomialDecay(_typed(lr, dtype), decay_steps, **floats, **given(cycle=cycle))
    return _evaluate(steps, lr, dtype, schedule)


class _RelativePlateau(keras.callbacks.ReduceLROnPlateau):
    """Keras's callback has only an absolute ``min_delta``: this one counts an improvement when
    ``current < best * (1 - min_delta)``, compared as Keras compares (``ops.less``, in floatx)."""

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return ops.less(monitor_value, reference_value * (1.0 - abs(self.min_delta)))


@contextlib.contextmanager
def _floatx(dtype):
    """Keras keeps the LR in a floatx Variable and compares in floatx: an explicit ``dtype`` sets floatx."""
    previous = keras.config.floatx()
    keras.config.set_floatx(dtype or previous)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def _plateau_callback(threshold_mode, factor, patience, threshold, cooldown, min_lr):
    """The callback (``'rel'``: the subclass) with only the hyperparameters that were passed."""
    callback_class = keras.callbacks.ReduceLROnPlateau if threshold_mode == "abs" else _RelativePlateau
    counts = {name: int(value) for name, value in given(patience=patience, cooldown=cooldown).items()}
    return callback_class(monitor="val_loss", **given(factor=factor, min_delta=threshold, min_lr=min_lr), **counts)


# threshold_mode: no Keras default -- Keras's callback has only the absolute min_delta ("abs"); "rel" is torch's.
# dtype: no Keras default -- the floatx to run with; None keeps the user's.
def reduce_on_plateau(val_loss, *, lr=DEFAULT, factor=DEFAULT, patience=DEFAULT, threshold=DEFAULT,
                      threshold_mode="abs", cooldown=DEFAULT, min_lr=DEFAULT, dtype=None):
    r"""``keras.callbacks.ReduceLROnPlateau(monitor='val_loss', min_delta=threshold)`` on a compiled minimal
    model with ``keras.optimizers.SGD(lr)``, driven by ``on_epoch_end(k, {'val_loss': ...})``: the LR used
    during each epoch; what is not passed is Keras's default (SGD's learning rate 0.01, the callback's factor
    0.1, patience 10, min_delta 1e-4 in Keras 3.15). Keras reduces when the bad-epoch count reaches ``patience``,
    compares with ``ops.less`` on Python floats (float32 tensors) and keeps the LR in a floatx Variable
    (``dtype``: the floatx used); ``'rel'`` (absent from Keras) uses a subclass."""
    check_plateau(val_loss, lr, factor, patience, threshold, cooldown, min_lr)
    check_choice(threshold_mode, ("rel", "abs"), "threshold_mode")
    check_choice(dtype, _DTYPES, "dtype")
    with _floatx(dtype):
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(**_floats(learning_rate=lr)), loss="mse")
        callback = _plateau_callback(threshold_mode, factor, patience, threshold, cooldown, min_lr)
        callback.set_model(model)
        callback.on_train_begin()
        lrs = []
        for epoch, value in enumerate(ops.convert_to_numpy(val_loss).tolist()):
            lrs.append(model.optimizer.learning_rate.numpy())  # the floatx Variable's value
            callback.on_epoch_end(epoch, {"val_loss": value})
        return ops.convert_to_tensor(np.stack(lrs))


# lr_min, lr_max, num_steps, batch_size: no Keras default -- the LR range test is the suite's procedure (Smith 2017);
# dtype: no Keras default -- the variable's dtype, None: floatx
def lr_range_test(x, y, w0, *, lr_min=1e-7, lr_max=10.0, num_steps=100, batch_size=8, dtype=None):
    r"""LR range test: ``keras.optimizers.SGD(learning_rate=ExponentialDecay(lr_min, n - 1, lr_max / lr_min))``
    on a Variable ``w`` (from ``w0``) minimising ``keras.losses.mean_squared_error(y_b, x_b @ w)`` on
    consecutive batches of ``batch_size`` rows, gradients from the backend (``autograd``). Returns (2, n): the LR
    and the batch loss of each step, in ``dtype`` (``None``: floatx). The schedule's Python-float initial LR
    makes every LR float32, cast to the variable's dtype by SGD."""
    check_lr_range(x, y, w0, lr_min, lr_max, num_steps, batch_size)
    check_choice(dtype, _DTYPES, "dtype")
    dtype = dtype or keras.config.floatx()
    x, y = ops.cast(x, dtype), ops.cast(y, dtype)
    w = keras.Variable(ops.cast(w0, dtype), dtype=dtype, name="w")
    optimizer = keras.optimizers.SGD(
        learning_rate=schedules.ExponentialDecay(float(lr_min), int(num_steps) - 1, lr_max / lr_min))
    lrs, losses, batches = [], [], x.shape[0] // batch_size
    for step in range(int(num_steps)):
        start = step % batches * batch_size
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        lrs.append(ops.cast(optimizer.learning_rate, dtype))  # schedule(iterations), before the increment
        loss, grads = value_and_grads(lambda: keras.losses.mean_squared_error(yb, ops.matmul(xb, w)), [w])
        losses.append(loss)
        optimizer.apply(grads, [w])
    return ops.stack([ops.stack(lrs), ops.stack(losses)])
