r"""Softmax and log-softmax in PyTorch (``F.softmax`` / ``F.log_softmax`` with ``dim=axis``)."""
import torch.nn.functional as F

from .validation import check_logits

__all__ = ["softmax", "log_softmax"]


def softmax(x, *, axis=-1):  # no torch default: F.softmax without dim is deprecated (implicit dim)
    r""":math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``: ``F.softmax(x, dim=axis)``.

    torch has no default ``dim`` (calling without one is deprecated); -1 is the Keras default.
    """
    check_logits(x, axis)
    return F.softmax(x, dim=axis)


def log_softmax(x, *, axis=-1):  # no torch default: as softmax
    r""":math:`x_i - \log\sum_j e^{x_j}` along ``axis``: ``F.log_softmax(x, dim=axis)``."""
    check_logits(x, axis)
    return F.log_softmax(x, dim=axis)
