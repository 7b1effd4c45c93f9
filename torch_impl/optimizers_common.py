"""What every torch update rule wrapper shares: hyperparameter checks and the base class of the rules
torch does not ship (each a proper ``torch.optim.Optimizer``)."""
import torch

from .defaults import DEFAULT

__all__ = ["Optimizer", "check_hyperparameter"]


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


def check_hyperparameter(name, value, *, low=0.0, high=float("inf"), low_open=False):
    """Raise ValueError unless ``low <= value <= high`` (``low < value`` with ``low_open``); ``DEFAULT`` (torch's
    own value) passes."""
    if value is DEFAULT:
        return
    if not (low < value if low_open else low <= value) or not value <= high:
        bound = f"({low}" if low_open else f"[{low}"
        raise ValueError(f"{name} must be in {bound}, {high}], got {value!r}")
