r"""The Rosenblatt perceptron with torch tensors (no autograd: the learning rule is not a gradient step).

.. math:: \hat y_i = H(w^\top x_i + b), \qquad [w, b] \leftarrow [w, b] + \eta\,(y_i - \hat y_i)\,[x_i, 1]

one sample at a time in the data order; :math:`H` is ``torch_impl.activations.step``
(``torch.heaviside(z, 1)``: :math:`H(0) = 1`). An epoch that leaves the weights unchanged is a fixed
point, so the loop stops there and repeats that epoch's rows (the full loop's result).
"""
import torch

from .activations import step
from .validation import check_perceptron

__all__ = ["perceptron"]


def perceptron(x, y, w, b, *, lr=1.0, epochs=10):
    r"""Train from ``w`` (D,), ``b`` () on ``x`` (N, D), ``y`` (N,) in {0, 1}; return the trajectory:
    row :math:`eN + i`, shape (epochs * N, D + 1), is :math:`[w, b]` after sample :math:`i` of epoch :math:`e`."""
    check_perceptron(x, y, w, b, lr, epochs)
    x1 = torch.cat([x, torch.ones_like(x[:, :1])], dim=1)  # (N, D+1): the bias's input is 1
    wb = torch.cat([w, b.reshape(1)])  # (D+1,)
    samples = list(zip(x1.unbind(0), y.unbind(0)))  # N pairs of (D+1,), ()
    rows = []
    for epoch in range(epochs):
        start = wb
        for xi, yi in samples:  # the data order
            y_hat = step(torch.dot(xi, wb))  # (): H(z), H(0) = 1
            wb = wb + lr * (yi - y_hat) * xi  # (D+1,): y - y_hat in {-1, 0, 1}
            rows.append(wb)
        if torch.equal(wb, start):  # a fixed point: the remaining epochs repeat this one
            rows += rows[-len(samples):] * (epochs - epoch - 1)
            break
    return torch.stack(rows)  # (epochs*N, D+1)
