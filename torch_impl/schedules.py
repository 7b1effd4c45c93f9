r"""Learning-rate schedules in PyTorch: ``torch.optim.lr_scheduler`` driven by an SGD on a dummy parameter.

The scheduler is stepped the way torch documents -- ``optimizer.step()`` then ``scheduler.step()`` -- and
the LR of step k is ``get_last_lr()`` before the k-th ``scheduler.step()``: torch counts ``step()`` calls
from 0 (usually once per epoch; here once per step index). Scheduler arithmetic is in Python floats, so
the LRs come back as float64 (``dtype`` casts the result). A hyperparameter not passed (``DEFAULT``) is left
out of the torch call, so torch's own default applies: the base LR is ``torch.optim.SGD``'s (1e-3 in torch
2.13), the rest the scheduler's. Where torch ships no scheduler for a variant (polynomial decay to a non-zero
end or with cycles, SGDR restart multiplier) a ``LambdaLR`` or a scheduler subclass does it; those switches,
``exponential_decay``'s Keras-style ``decay_steps``/``staircase`` and ``lr_range_test``'s settings have no
torch default and keep the wrapper's.
"""
import math

import torch
import torch.nn.functional as F
from torch.optim import lr_scheduler

from .defaults import DEFAULT, framework_default, given
from .validation import check_choice, check_lr_range, check_number, check_plateau, check_steps

__all__ = ["step_decay", "exponential_decay", "cosine_annealing", "cosine_warm_restarts", "warmup_cosine",
           "polynomial_decay", "reduce_on_plateau", "lr_range_test"]

_DTYPES = {None: torch.float64, "float32": torch.float32, "float64": torch.float64}


def _lr(lr):
    """The base LR: ``lr``, or ``torch.optim.SGD``'s default when it was not passed."""
    return framework_default(torch.optim.SGD, "lr") if lr is DEFAULT else lr


def _int(value):
    return value if value is DEFAULT else int(value)


def _drive(steps, lr, dtype, make_scheduler):
    """The LR at each of ``steps`` under ``make_scheduler(optimizer)``, stepped to ``max(steps)``."""
    check_steps(steps)
    check_number(lr, "lr", positive=True)
    check_choice(dtype, tuple(_DTYPES), "dtype")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], **given(lr=lr))
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(int(steps.max()) + 1):
        lrs.append(scheduler.get_last_lr()[0])  # the LR this step's optimizer.step() applies
        optimizer.step()  # no gradient: a no-op that keeps torch's documented call order
        scheduler.step()
    return torch.tensor(lrs, dtype=torch.float64)[steps.long()].to(_DTYPES[dtype])


def step_decay(steps, *, lr=DEFAULT, step_size, gamma=DEFAULT, dtype=None):
    r""":math:`\eta\,\gamma^{\lfloor k / s \rfloor}`: ``lr_scheduler.StepLR`` (torch's default ``gamma``, 0.1 in
    torch 2.13; the LR at step :math:`s` is decayed)."""
    check_number(step_size, "step_size", positive=True, integer=True)
    check_number(gamma, "gamma", positive=True)
    return _drive(steps, lr, dtype, lambda opt: lr_scheduler.StepLR(opt, int(step_size), **given(gamma=gamma)))


def exponential_decay(steps, *, lr=DEFAULT, decay_rate, decay_steps=1, staircase=False, dtype=None):
    r""":math:`\eta\, r^{k / d}`: ``ExponentialLR(gamma=r^{1/d})`` (torch decays at every ``step()``, i.e.
    :math:`d = 1`); ``staircase``: ``StepLR(step_size=d, gamma=r)``."""
    check_number(decay_rate, "decay_rate", positive=True)
    check_number(decay_steps, "decay_steps", positive=True)
    if staircase:
        return _drive(steps, lr, dtype, lambda opt: lr_scheduler.StepLR(opt, decay_steps, gamma=decay_rate))
    return _drive(steps, lr, dtype, lambda opt: lr_scheduler.ExponentialLR(opt, gamma=decay_rate ** (1 / decay_steps)))


def _check_min_lr(min_lr, lr):
    check_number(lr, "lr", positive=True)
    check_number(min_lr, "min_lr", low=0.0, high=_lr(lr))


def cosine_annealing(steps, *, lr=DEFAULT, decay_steps, min_lr=DEFAULT, dtype=None):
    r"""``CosineAnnealingLR(T_max=decay_steps, eta_min=min_lr)`` (torch's default ``eta_min``, 0.0 in torch 2.13);
    past ``T_max`` it follows the cosine back up."""
    check_number(decay_steps, "decay_steps", positive=True)
    _check_min_lr(min_lr, lr)
    return _drive(steps, lr, dtype,
                  lambda opt: lr_scheduler.CosineAnnealingLR(opt, decay_steps, **given(eta_min=min_lr)))


class _WarmRestarts(lr_scheduler.CosineAnnealingWarmRestarts):
    """SGDR whose cycle i starts from ``m_mul**i`` times the base LR (torch's restarts always at full LR)."""

    def __init__(self, optimizer, T_0, m_mul, **kwargs):
        self.m_mul = m_mul
        super().__init__(optimizer, T_0, **kwargs)

    def get_lr(self):
        cycle = self.last_epoch // self.T_0 if self.T_mult == 1 else round(math.log(self.T_i / self.T_0, self.T_mult))
        scale = self.m_mul ** cycle
        return [self.eta_min + (base - self.eta_min) * scale * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]


def cosine_warm_restarts(steps, *, lr=DEFAULT, first_decay_steps, t_mult=DEFAULT, m_mul=1.0, min_lr=DEFAULT,
                         dtype=None):
    r"""``CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)`` (torch's defaults, ``T_mult=1``, ``eta_min=0.0`` in
    torch 2.13; torch takes an integer ``T_mult`` and has no restart multiplier -- so ``m_mul`` has no torch
    default --: ``m_mul != 1`` uses a subclass scaling cycle i by ``m_mul**i``)."""
    check_number(first_decay_steps, "first_decay_steps", positive=True, integer=True)
    check_number(t_mult, "t_mult", low=1.0)
    if t_mult is not DEFAULT and t_mult != int(t_mult):  # what torch cannot express (the reference and Keras can)
        raise ValueError(f"t_mult must be a whole number for torch's CosineAnnealingWarmRestarts, got {t_mult!r}")
    check_number(m_mul, "m_mul", positive=True)
    _check_min_lr(min_lr, lr)
    first, kwargs = int(first_decay_steps), given(T_mult=_int(t_mult), eta_min=min_lr)
    if m_mul == 1:
        return _drive(steps, lr, dtype, lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, first, **kwargs))
    return _drive(steps, lr, dtype, lambda opt: _WarmRestarts(opt, first, m_mul, **kwargs))


def warmup_cosine(steps, *, lr=DEFAULT, decay_steps, warmup_steps=DEFAULT, start_factor=DEFAULT, min_lr=DEFAULT,
                  dtype=None):
    r"""``SequentialLR([LinearLR(start_factor, end_factor=1.0, total_iters=W), CosineAnnealingLR(decay_steps,
    min_lr)], milestones=[W])``; defaults are LinearLR's and CosineAnnealingLR's (``start_factor=1/3``,
    ``total_iters=5``, ``eta_min=0.0`` in torch 2.13)."""
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(warmup_steps, "warmup_steps", low=0.0, integer=True)
    check_number(start_factor, "start_factor", positive=True, high=1.0)
    _check_min_lr(min_lr, lr)
    total = int(framework_default(lr_scheduler.LinearLR, "total_iters") if warmup_steps is DEFAULT else warmup_steps)

    def make(opt):
        cosine = lr_scheduler.CosineAnnealingLR(opt, decay_steps, **given(eta_min=min_lr))
        if total == 0:
            return cosine
        warmup = lr_scheduler.LinearLR(opt, end_factor=1.0, **given(start_factor=start_factor,
                                                                    total_iters=_int(warmup_steps)))
        return lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[total])
    return _drive(steps, lr, dtype, make)


def polynomial_decay(steps, *, lr=DEFAULT, decay_steps=DEFAULT, end_lr=0.0, power=DEFAULT, cycle=False, dtype=None):
    r"""``PolynomialLR(total_iters=decay_steps, power)`` (torch's defaults, 5 and 1.0 in torch 2.13), which decays to
    0 and then holds; a non-zero ``end_lr`` or ``cycle`` (TensorFlow's restarts, no torch scheduler, so no torch
    default) is a ``LambdaLR`` with PolynomialLR's values for what is not passed."""
    check_number(decay_steps, "decay_steps", positive=True)
    check_number(lr, "lr", positive=True)
    check_number(end_lr, "end_lr", low=0.0, high=_lr(lr))
    check_number(power, "power", positive=True)
    if end_lr == 0 and not cycle:
        return _drive(steps, lr, dtype,
                      lambda opt: lr_scheduler.PolynomialLR(opt, **given(total_iters=decay_steps, power=power)))
    base, span, exponent = _lr(lr), _polynomial("total_iters", decay_steps), _polynomial("power", power)

    def factor(k):
        d = span * max(math.ceil(k / span), 1) if cycle else span
        return ((base - end_lr) * (1 - min(k, d) / d) ** exponent + end_lr) / base
    return _drive(steps, lr, dtype, lambda opt: lr_scheduler.LambdaLR(opt, factor))


def _polynomial(name, value):
    return framework_default(lr_scheduler.PolynomialLR, name) if value is DEFAULT else value


def reduce_on_plateau(val_loss, *, lr=DEFAULT, factor=DEFAULT, patience=DEFAULT, threshold=DEFAULT,
                      threshold_mode=DEFAULT, cooldown=DEFAULT, min_lr=DEFAULT, dtype=None):
    r"""``lr_scheduler.ReduceLROnPlateau(mode='min')`` on ``torch.optim.SGD(lr)``, torch's defaults for what is not
    passed: the LR used during each epoch, then ``scheduler.step(val_loss[k])``. Reduces when the bad-epoch count
    exceeds ``patience``."""
    check_plateau(val_loss, lr, factor, patience, threshold, cooldown, min_lr)
    check_choice(threshold_mode, ("rel", "abs"), "threshold_mode")
    check_choice(dtype, tuple(_DTYPES), "dtype")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], **given(lr=lr))
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", **given(
        factor=factor, patience=_int(patience), threshold=threshold, threshold_mode=threshold_mode,
        cooldown=_int(cooldown), min_lr=min_lr))
    lrs = []
    for value in val_loss.tolist():
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step(value)
    return torch.tensor(lrs, dtype=torch.float64).to(_DTYPES[dtype])


def lr_range_test(x, y, w0, *, lr_min=1e-7, lr_max=10.0, num_steps=100, batch_size=8, dtype=None):
    r"""LR range test: ``torch.optim.SGD`` on :math:`w` (from ``w0``) minimising ``F.mse_loss(x_b @ w, y_b)``
    on consecutive batches of ``batch_size`` rows (autograd), the LR raised after each step by
    ``ExponentialLR(gamma=(lr_max/lr_min)^{1/(n-1)})``. Returns (2, n): the LR and the batch loss of each
    step, in ``dtype`` (``None``: the input's)."""
    check_lr_range(x, y, w0, lr_min, lr_max, num_steps, batch_size)
    check_choice(dtype, tuple(_DTYPES), "dtype")
    ct = x.dtype if dtype is None else _DTYPES[dtype]
    x, y, w = x.to(ct), y.to(ct), torch.nn.Parameter(w0.to(ct).clone())
    optimizer = torch.optim.SGD([w], lr=lr_min)
    scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=(lr_max / lr_min) ** (1 / (num_steps - 1)))
    lrs, losses, batches = [], [], len(x) // batch_size
    for step in range(int(num_steps)):
        rows = slice(step % batches * batch_size, (step % batches + 1) * batch_size)
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.zero_grad()
        loss = F.mse_loss(x[rows] @ w, y[rows])
        loss.backward()
        losses.append(loss.detach())
        optimizer.step()
        scheduler.step()
    return torch.stack([torch.tensor(lrs, dtype=torch.float64).to(ct), torch.stack(losses)])
