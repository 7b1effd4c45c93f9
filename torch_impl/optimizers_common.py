"""What every torch update rule wrapper shares: hyperparameter checks, the base class of the rules torch
does not ship (each a proper ``torch.optim.Optimizer``) and ``apply_gradients(optimizer, grads)``, one step with
gradients checked as the reference's ``update`` checks them (torch's own ``p.grad = g`` raises a RuntimeError
that names no argument)."""
import torch

from .validation import check_grads, check_number

__all__ = ["Optimizer", "check_hyperparameter", "check_grads", "apply_gradients"]


class Optimizer(torch.optim.Optimizer):
    """Base of the suite's own torch optimizers: ``step()`` runs ``update(p, grad, state, group)`` for
    every parameter with a gradient, without autograd, as torch's built-in optimizers do."""

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, p.grad, self.state[p], group)
        return loss

    def update(self, p, grad, state, group):
        raise NotImplementedError


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False, high_open=False):
    """``validation.check_number``: TypeError unless a real number, ValueError unless finite and in the interval
    from ``low`` to ``high`` (closed unless ``low_open`` / ``high_open``); ``DEFAULT``, the framework's own, passes."""
    check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)


def apply_gradients(optimizer, grads):
    """One ``optimizer.step()`` with ``grads``, one per parameter in ``param_groups`` order, checked first."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    check_grads(grads, params)
    for p, g in zip(params, grads):
        p.grad = g
    optimizer.step()
