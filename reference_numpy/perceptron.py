r"""The Rosenblatt perceptron from scratch (forward only: the learning rule needs no gradient).

One sample at a time, in the data order, every epoch (no shuffling):

.. math:: \hat y_i = H(w^\top x_i + b), \qquad
          w \leftarrow w + \eta\,(y_i - \hat y_i)\,x_i, \qquad b \leftarrow b + \eta\,(y_i - \hat y_i)

with :math:`H` the step of :mod:`reference_numpy.activations` (:math:`H(0) = 1`, so a sample exactly on
the boundary is predicted 1) and :math:`y_i \in \{0, 1\}`: a miss on a positive sample (:math:`y - \hat y =
+1`) moves the boundary towards :math:`x_i`, on a negative one (:math:`-1`) away from it. The bias is the
weight of a constant input 1, so :math:`[w, b]` takes one vector update per sample.

A pass over the data that changes nothing (no mistake, or mistakes that cancel) is a fixed point: the
next epoch starts from the same weights and sees the same samples, so every later epoch repeats it. The
loop stops there and repeats that epoch's rows; the result is the one the full loop gives.
"""
import numpy as np

from .activations import step
from .validation import check_perceptron

__all__ = ["perceptron"]


def perceptron(x, y, w, b, *, lr=1.0, epochs=10):
    r"""Train from ``w`` (D,), ``b`` () on ``x`` (N, D), ``y`` (N,) in {0, 1}; return the trajectory.

    Row :math:`eN + i` of the result, shape (epochs * N, D + 1), is :math:`[w, b]` right after the update
    on sample :math:`i` of epoch :math:`e`, in ``x``'s dtype.

    .. math:: [w, b] \leftarrow [w, b] + \eta\,(y_i - H([x_i, 1] \cdot [w, b]))\,[x_i, 1]
    """
    check_perceptron(x, y, w, b, lr, epochs)
    x1 = np.concatenate([x, np.ones_like(x[:, :1])], axis=1)  # (N, D+1): the bias's input is 1
    wb = np.concatenate([w, b[None]])  # (D+1,)
    rows = []
    for epoch in range(epochs):
        start = wb
        for xi, yi in zip(x1, y):  # the data order
            y_hat = step(np.asarray(xi @ wb))  # (): H(z), H(0) = 1 (np.asarray: `@` of vectors is a scalar)
            wb = wb + lr * (yi - y_hat) * xi  # (D+1,): y - y_hat in {-1, 0, 1}
            rows.append(wb)
        if np.array_equal(wb, start):  # a fixed point: the remaining epochs repeat this one
            rows += rows[-len(y):] * (epochs - epoch - 1)
            break
    return np.stack(rows)  # (epochs*N, D+1)
