r"""Adam and its relatives in PyTorch: ``torch.optim.Adam`` (AMSGrad: ``amsgrad=True``), ``AdamW``, ``NAdam``,
``Adamax``, ``RAdam``; AdaBelief, which torch does not ship, is a private ``torch.optim.Optimizer`` here.
Each rule function returns a factory ``make(params)``: ``adam(lr=...)(model.parameters())``. For torch's optimizers a
hyperparameter not passed (``DEFAULT``) is left out of the constructor, so torch's own default applies; AdaBelief's
defaults are its own (adabelief-pytorch's)."""
import functools

import torch

from .defaults import DEFAULT, framework_default, given
from .optimizers_common import Optimizer, check_hyperparameter
from .validation import check_adam as _check  # lr, beta1, beta2, eps, weight_decay: every rule's first checks

__all__ = ["adam", "adamw", "nadam", "adamax", "radam", "adabelief"]


def _betas(beta1, beta2):
    return float(beta1), float(beta2)  # torch.optim rejects a mix of ints and floats


def _torch_betas(cls, beta1, beta2):
    """``betas`` for the torch optimizer ``cls``: ``DEFAULT`` when neither beta was passed, else the pair with
    ``cls``'s own value for the one not passed."""
    if beta1 is DEFAULT and beta2 is DEFAULT:
        return DEFAULT
    default = framework_default(cls, "betas")
    return _betas(default[0] if beta1 is DEFAULT else beta1, default[1] if beta2 is DEFAULT else beta2)


def _factory(cls, lr, beta1, beta2, eps, weight_decay, **extra):
    """``make(params)``: ``cls(params, ...)`` with only the hyperparameters that were passed."""
    _check(lr, beta1, beta2, eps, weight_decay)
    betas = _torch_betas(cls, beta1, beta2)
    return functools.partial(cls, **given(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, **extra))


def adam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, amsgrad=DEFAULT):
    r"""``torch.optim.Adam`` (torch's defaults for what is not passed):
    :math:`p \leftarrow p - \frac{\eta}{1-\beta_1^t} m_t / (\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon)`
    (:math:`\epsilon` after the bias correction); weight decay is L2 added to the gradient; ``amsgrad`` divides by
    the running max of :math:`v_t` (``max_exp_avg_sq``)."""
    return _factory(torch.optim.Adam, lr, beta1, beta2, eps, weight_decay, amsgrad=amsgrad)


def adamw(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, amsgrad=DEFAULT):
    r"""``torch.optim.AdamW`` (torch's defaults; decay 1e-2 in torch 2.13): :math:`p \leftarrow p(1 - \eta\lambda)`,
    then Adam's step."""
    return _factory(torch.optim.AdamW, lr, beta1, beta2, eps, weight_decay, amsgrad=amsgrad)


def nadam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT, momentum_decay=DEFAULT):
    r"""``torch.optim.NAdam`` (torch's defaults; lr=2e-3, momentum_decay :math:`\psi` = 4e-3 in torch 2.13): momentum
    schedule :math:`\mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi})`, its running product kept in a float32 tensor;
    weight decay L2."""
    check_hyperparameter("momentum_decay", momentum_decay)
    return _factory(torch.optim.NAdam, lr, beta1, beta2, eps, weight_decay, momentum_decay=momentum_decay)


def adamax(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``torch.optim.Adamax`` (torch's defaults; lr=2e-3 in torch 2.13): :math:`u_t = \max(\beta_2 u, |g| + \epsilon)`
    (:math:`\epsilon` inside the max), :math:`p \leftarrow p - \frac{\eta}{1-\beta_1^t} m_t / u_t`; weight decay L2."""
    return _factory(torch.optim.Adamax, lr, beta1, beta2, eps, weight_decay)


def radam(*, lr=DEFAULT, beta1=DEFAULT, beta2=DEFAULT, eps=DEFAULT, weight_decay=DEFAULT):
    r"""``torch.optim.RAdam`` (torch's defaults): SGD with bias-corrected momentum while :math:`\rho_t \le 5`, then
    Adam's step scaled by the rectification :math:`r_t` with :math:`\sqrt{1-\beta_2^t}/(\sqrt{v_t} + \epsilon)`
    (:math:`\epsilon` before the bias correction); weight decay L2."""
    return _factory(torch.optim.RAdam, lr, beta1, beta2, eps, weight_decay)


class _AdaBelief(Optimizer):
    """AdaBelief as adabelief-pytorch 0.2 computes it with ``rectify=False`` (its default ``weight_decouple=True``,
    eps=1e-16), written with torch.optim.Adam's in-place idioms."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def update(self, p, grad, state, group):
        if not state:
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            state["exp_avg_var"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        state["step"] += 1
        t, lr, (beta1, beta2), eps = state["step"], group["lr"], group["betas"], group["eps"]
        if group["weight_decay"]:
            p.mul_(1.0 - lr * group["weight_decay"])  # decoupled
        exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
        exp_avg.lerp_(grad, 1 - beta1)
        residual = grad - exp_avg
        exp_avg_var.mul_(beta2).addcmul_(residual, residual, value=1 - beta2).add_(eps)
        denom = (exp_avg_var.sqrt() / (1 - beta2 ** t) ** 0.5).add_(eps)
        p.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1 ** t))


def adabelief(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-16, weight_decay=0.0):
    r"""AdaBelief (no torch built-in, so no torch default: adabelief-pytorch 0.2's defaults):
    :math:`s_t = \beta_2 s + (1-\beta_2)(g-m_t)^2 + \epsilon`,
    :math:`p \leftarrow p - \frac{\eta}{1-\beta_1^t} m_t / (\sqrt{s_t}/\sqrt{1-\beta_2^t} + \epsilon)`; decoupled
    decay."""
    _check(lr, beta1, beta2, eps, weight_decay)
    return functools.partial(_AdaBelief, lr=lr, betas=_betas(beta1, beta2), eps=eps, weight_decay=weight_decay)
