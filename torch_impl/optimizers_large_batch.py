r"""Large-batch and matrix-aware update rules in PyTorch. ``torch.optim.Adafactor`` and ``torch.optim.Muon`` are
torch's own; Lion, LAMB and LARS are not in ``torch.optim`` and are written here as proper optimizers
(``torch_impl.optimizers_common.Optimizer`` subclasses). Each function returns a factory ``make(params)``. For
torch's own a hyperparameter not passed (``DEFAULT``) is left out of the constructor, so torch's default applies;
Lion's, LAMB's and LARS's defaults are the wrappers' (no torch default: torch ships none of them)."""
import functools

import torch

from .defaults import DEFAULT, framework_default, given
from .optimizers_common import Optimizer, check_hyperparameter
from .validation import check_choice, check_number

__all__ = ["lion", "lamb", "lars", "adafactor", "muon"]


def _check_common(lr, weight_decay):
    check_hyperparameter("lr", lr)
    check_hyperparameter("weight_decay", weight_decay)


def _guarded_ratio(numerator, denominator, w_norm, u_norm):
    """``numerator / denominator`` when both norms are positive, else 1 (a zero tensor or a zero update)."""
    ok = (w_norm > 0) & (u_norm > 0)
    return torch.where(ok, numerator / torch.where(ok, denominator, torch.ones_like(denominator)),
                       torch.ones_like(w_norm))


class _Lion(Optimizer):
    """Lion (Chen et al. 2023; lucidrains/lion-pytorch): the sign of an interpolated momentum, decoupled decay."""

    def __init__(self, params, lr, beta1, beta2, weight_decay):
        super().__init__(params, dict(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay))

    def update(self, p, grad, state, group):
        if not state:
            state["exp_avg"] = torch.zeros_like(p)
        m, lr, b1, b2 = state["exp_avg"], group["lr"], group["beta1"], group["beta2"]
        direction = torch.sign(m * b1 + grad * (1 - b1))
        if group["weight_decay"]:
            p.sub_(p * group["weight_decay"] * lr)
        p.sub_(direction * lr)
        state["exp_avg"] = m * b2 + grad * (1 - b2)


class _Lamb(Optimizer):
    """LAMB (You et al. 2019, Algorithm 2): bias-corrected Adam direction plus weight decay, scaled per tensor
    by the trust ratio ||p|| / ||update|| (1 when either norm is zero)."""

    def __init__(self, params, lr, beta1, beta2, eps, weight_decay):
        super().__init__(params, dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay))

    def update(self, p, grad, state, group):
        if not state:
            state.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
        b1, b2 = group["beta1"], group["beta2"]
        state["step"] += 1
        m = state["exp_avg"] = b1 * state["exp_avg"] + (1 - b1) * grad
        v = state["exp_avg_sq"] = b2 * state["exp_avg_sq"] + (1 - b2) * (grad * grad)
        step = torch.tensor(float(state["step"]), dtype=p.dtype)
        bc1 = 1 - torch.tensor(b1, dtype=p.dtype) ** step
        bc2 = 1 - torch.tensor(b2, dtype=p.dtype) ** step
        u = (m / bc1) / (torch.sqrt(v / bc2) + group["eps"]) + group["weight_decay"] * p
        w_norm, u_norm = torch.linalg.vector_norm(p), torch.linalg.vector_norm(u)
        p.sub_(_guarded_ratio(w_norm, u_norm, w_norm, u_norm) * group["lr"] * u)


class _LARS(Optimizer):
    """LARS (You et al. 2017, Algorithm 1): local rate trust_coefficient * ||p|| / (||g|| + wd ||p||) per tensor
    (1 when either norm is zero), momentum on the scaled update v = mu v + lr * local * (g + wd p), p -= v."""

    def __init__(self, params, lr, momentum, weight_decay, trust_coefficient):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      trust_coefficient=trust_coefficient))

    def update(self, p, grad, state, group):
        if not state:
            state["momentum_buffer"] = torch.zeros_like(p)
        wd = group["weight_decay"]
        w_norm, g_norm = torch.linalg.vector_norm(p), torch.linalg.vector_norm(grad)
        local = _guarded_ratio(group["trust_coefficient"] * w_norm, g_norm + wd * w_norm, w_norm, g_norm)
        v = state["momentum_buffer"] * group["momentum"] + (grad + p * wd) * (group["lr"] * local)
        state["momentum_buffer"] = v
        p.sub_(v)


def lion(*, lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
    r"""Lion, the suite's ``torch.optim.Optimizer`` (torch ships none), with the paper's / lion-pytorch's defaults
    (lr 1e-4, betas 0.9, 0.99): :math:`p \leftarrow p - \eta\lambda p - \eta\,\mathrm{sign}(\beta_1 m + (1-\beta_1) g)`,
    then :math:`m \leftarrow \beta_2 m + (1-\beta_2) g`."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta1", beta1, high=1.0, low_open=True)
    check_hyperparameter("beta2", beta2, high=1.0)
    return functools.partial(_Lion, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay)


def lamb(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
    r"""LAMB, the suite's ``torch.optim.Optimizer`` (torch ships none), paper defaults (eps 1e-6, as NVIDIA apex's
    FusedLAMB): :math:`u = \hat m/(\sqrt{\hat v} + \epsilon) + \lambda p`,
    :math:`p \leftarrow p - \eta\,(\|p\|/\|u\|)\,u`."""
    _check_common(lr, weight_decay)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        check_hyperparameter(name, value, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    return functools.partial(_Lamb, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)


def lars(*, lr=0.1, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001):
    r"""LARS, the suite's ``torch.optim.Optimizer`` (torch ships none): trust coefficient 0.001 (the paper's
    :math:`\eta`), momentum 0.9, weight decay inside the local rate and the step."""
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("trust_coefficient", trust_coefficient, low_open=True)
    return functools.partial(_LARS, lr=lr, momentum=momentum, weight_decay=weight_decay,
                             trust_coefficient=trust_coefficient)


def _adafactor_eps(eps1, eps2):
    """``eps`` for ``torch.optim.Adafactor``: ``DEFAULT`` when neither was passed, else the pair with torch's value
    for the one not passed."""
    if eps1 is DEFAULT and eps2 is DEFAULT:
        return DEFAULT
    default = framework_default(torch.optim.Adafactor, "eps")
    return (default[0] if eps1 is DEFAULT else eps1, default[1] if eps2 is DEFAULT else eps2)


def adafactor(*, lr=DEFAULT, beta2_decay=DEFAULT, eps1=DEFAULT, eps2=DEFAULT, clip_threshold=DEFAULT,
              weight_decay=DEFAULT):
    r"""``torch.optim.Adafactor`` (torch's defaults; in torch 2.13 lr 1e-2, eps=(None, 1e-3): :math:`\epsilon_1` =
    the dtype's machine epsilon, clamping mean(R) and :math:`\hat V`; ``d`` = ``clip_threshold`` 1.0; decay applied
    after the relative step scale is read)."""
    _check_common(lr, weight_decay)
    check_hyperparameter("beta2_decay", beta2_decay, low=-float("inf"), high=0.0)
    if eps1 is not None:
        check_hyperparameter("eps1", eps1)
    check_hyperparameter("eps2", eps2)
    check_hyperparameter("clip_threshold", clip_threshold, low=1.0)
    eps = _adafactor_eps(eps1, eps2)
    return functools.partial(torch.optim.Adafactor, **given(lr=lr, beta2_decay=beta2_decay, eps=eps, d=clip_threshold,
                                                            weight_decay=weight_decay))


def _check_newton_schulz(ns_coefficients, ns_steps):
    check_number(ns_steps, "ns_steps", low=1, high=99, integer=True)
    if ns_coefficients is not DEFAULT and len(ns_coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 floats (a, b, c), got {ns_coefficients!r}")


def muon(*, lr=DEFAULT, momentum=DEFAULT, nesterov=DEFAULT, weight_decay=DEFAULT, ns_coefficients=DEFAULT,
         ns_steps=DEFAULT, eps=DEFAULT, adjust_lr_fn=DEFAULT):
    r"""``torch.optim.Muon`` (2-D parameters only; torch's defaults, in torch 2.13 lr 1e-3, weight decay 0.1, EMA
    momentum 0.95 with Nesterov, 5 Newton-Schulz steps in bfloat16, ``adjust_lr_fn=None`` = "original"
    :math:`\sqrt{\max(1, A/B)}`)."""
    _check_common(lr, weight_decay)
    check_hyperparameter("momentum", momentum, high=1.0)
    check_hyperparameter("eps", eps, low_open=True)
    _check_newton_schulz(ns_coefficients, ns_steps)
    check_choice(adjust_lr_fn, (None, "original", "match_rms_adamw"), "adjust_lr_fn")
    coefficients = ns_coefficients if ns_coefficients is DEFAULT else tuple(ns_coefficients)
    return functools.partial(torch.optim.Muon, **given(lr=lr, weight_decay=weight_decay, momentum=momentum,
                                                       nesterov=nesterov, ns_coefficients=coefficients, eps=eps,
                                                       ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn))
