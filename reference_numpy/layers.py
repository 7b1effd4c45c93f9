r"""Layers with hand-written backward passes, in llm.c's style.

``X_forward(*inputs) -> (out, cache)`` and ``X_backward(dout, cache) -> grads``: one gradient per
differentiated input, in the forward's positional order (running statistics are buffers, not
differentiated). The torch and Keras functions of the same name return ``out`` only: autograd and the
tape keep what their backward needs.

Layout: a dense weight ``W`` is (in, out), Keras's kernel layout; torch's ``nn.Linear.weight`` is its
transpose. ``dtype`` is the compute dtype (``None``: the input's; a Keras layer computes in its dtype
policy, floatx unless given): inputs are cast to it, the output stays in it, and gradients are cast
back to the inputs' dtype -- what a tape returns through a cast.

``check_dout`` and ``affine`` (a dense layer without checks, for a network that checked its inputs once) are
shared with :mod:`reference_numpy.models`; they are not part of the mirrored API. The argument checks are
:mod:`reference_numpy.validation`'s (``check_input``, ``check_weights``, ``check_batchnorm``, ...).
"""
import numpy as np

from .activations import relu, relu_backward
from .losses_common import compute_in
from .validation import check_batchnorm, check_choice, check_floating, check_input, check_number, check_residual, \
    check_running_stats, check_shape, check_weights

__all__ = ["dense_forward", "batchnorm_forward", "batchnorm_inference_forward", "batchnorm_running_stats",
           "residual_forward"]

MOMENTUM_WEIGHTS = ("batch", "running")


def check_dout(dout, shape, dtype):
    """The upstream gradient has the output's shape and (compute) dtype."""
    check_floating(dout, "dout")
    check_shape(dout, shape, "dout", what="it must match the output's shape")
    if dout.dtype != dtype:
        raise TypeError(f"dout has dtype {dout.dtype} but the output has dtype {dtype}; they must match")


def dense_forward(x, W, b, *, dtype=None):
    r"""Fully connected layer on ``x`` (N, D) with ``W`` (D, H) and ``b`` (H,).

    .. math:: y = x W + b
    """
    check_input(x)
    check_weights(W, b, x, x.shape[1])
    xc, Wc, bc = compute_in(dtype, x, W, b)  # (N, D), (D, H), (H,)
    out = xc @ Wc + bc  # (N, H)
    return out, (xc, Wc, x.dtype)  # the gradients go back to the inputs' dtype


def affine(x, W, b):
    """:func:`dense_forward` on inputs already checked and cast, by a network that checked them once."""
    out = x @ W  # (N, H)
    out += b  # in place: no second (N, H) array
    return out, (x, W, x.dtype)


def dense_backward(dout, cache, *, input_grad=True):
    r""".. math:: \partial L/\partial x = g W^\top, \quad \partial L/\partial W = x^\top g, \quad
              \partial L/\partial b = \textstyle\sum_n g_n

    ``input_grad=False``: ``None`` for :math:`\partial L/\partial x` (x is data: one GEMM less).
    """
    x, W, in_dtype = cache
    check_dout(dout, (x.shape[0], W.shape[1]), x.dtype)
    dx = dout @ W.T if input_grad else None  # (N, D)
    dW = x.T @ dout  # (D, H)
    db = dout.sum(axis=0)  # (H,)
    return tuple(None if grad is None else grad.astype(in_dtype, copy=False) for grad in (dx, dW, db))


def batchnorm_forward(x, gamma, beta, *, eps=1e-5, dtype=None):
    r"""Batch normalisation in training mode on ``x`` (N, D), N >= 2: each feature is normalised with the
    statistics of the batch (the biased variance, in torch and Keras alike).

    .. math:: \mu = \tfrac1N \textstyle\sum_n x_n, \quad \sigma^2 = \tfrac1N \sum_n (x_n - \mu)^2, \quad
              \hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}, \quad y = \gamma \hat x + \beta
    """
    check_batchnorm(x, gamma, beta, eps, batch=2)
    xc, gamma, beta = compute_in(dtype, x, gamma, beta)  # (N, D), (D,), (D,) in the compute dtype
    centred = xc - xc.mean(axis=0)  # (N, D)
    var = (centred * centred).mean(axis=0)  # (D,) biased
    inv = 1 / np.sqrt(var + eps)  # (D,)
    xhat = centred * inv  # (N, D)
    out = gamma * xhat + beta  # (N, D)
    return out, (xhat, gamma, inv, x.dtype)


def batchnorm_backward(dout, cache):
    r"""The batch statistics depend on every row, hence the two correction terms.

    .. math:: \partial L/\partial x = \frac{\gamma}{N\sqrt{\sigma^2+\epsilon}} \Big(N g - \textstyle\sum_n g_n
              - \hat x \sum_n g_n \hat x_n\Big), \quad \partial L/\partial \gamma = \sum_n g_n \hat x_n, \quad
              \partial L/\partial \beta = \sum_n g_n
    """
    xhat, gamma, inv, in_dtype = cache
    check_dout(dout, xhat.shape, xhat.dtype)
    n = xhat.shape[0]
    dgamma = (dout * xhat).sum(axis=0)  # (D,)
    dbeta = dout.sum(axis=0)  # (D,)
    dx = (gamma * inv / n) * (n * dout - dbeta - xhat * dgamma)  # (N, D)
    return tuple(a.astype(in_dtype, copy=False) for a in (dx, dgamma, dbeta))


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, *, eps=1e-5, dtype=None):
    r"""Batch normalisation in inference mode: the running statistics (constants) replace the batch's.

    .. math:: y = \gamma (x - \mu_r) / \sqrt{\sigma_r^2 + \epsilon} + \beta
    """
    check_batchnorm(x, gamma, beta, eps)
    check_running_stats(x, running_mean, running_var, nonnegative=True)
    xc, gamma, beta, mean, var = compute_in(dtype, x, gamma, beta, running_mean, running_var)  # (N, D), 4 x (D,)
    inv = 1 / np.sqrt(var + eps)  # (D,)
    xhat = (xc - mean) * inv  # (N, D)
    out = gamma * xhat + beta  # (N, D)
    return out, (xhat, gamma, inv, x.dtype)


def batchnorm_inference_backward(dout, cache):
    r"""The statistics are constants: the layer is affine in :math:`x`.

    .. math:: \partial L/\partial x = g \gamma / \sqrt{\sigma_r^2 + \epsilon}, \quad
              \partial L/\partial \gamma = \textstyle\sum_n g_n \hat x_n, \quad \partial L/\partial \beta = \sum_n g_n
    """
    xhat, gamma, inv, in_dtype = cache
    check_dout(dout, xhat.shape, xhat.dtype)
    dx = dout * (gamma * inv)  # (N, D)
    dgamma = (dout * xhat).sum(axis=0)  # (D,)
    dbeta = dout.sum(axis=0)  # (D,)
    return tuple(a.astype(in_dtype, copy=False) for a in (dx, dgamma, dbeta))


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1, momentum_weights="batch", var_ddof=1,
                            dtype=None):
    r"""The running statistics after one training step on ``x`` (N, D), stacked as (2, D): mean, variance.

    .. math:: \text{batch}: r \leftarrow (1 - m)\, r + m\, s, \qquad \text{running}: r \leftarrow m\, r + (1 - m)\, s

    for :math:`s = \mu` and :math:`s = \tfrac{1}{N - \mathrm{ddof}} \sum_n (x_n - \mu)^2`.
    ``momentum_weights`` says which term the momentum :math:`m` weights: the batch statistic (torch,
    default 0.1) or the running value (Keras, default 0.99). ``var_ddof``: the stored batch variance is
    unbiased (1, torch) or biased (0, Keras); the layer normalises with the biased one in both.
    """
    check_input(x, batch=2)
    check_running_stats(x, running_mean, running_var)
    check_number(momentum, "momentum", low=0.0, high=1.0)
    check_choice(momentum_weights, MOMENTUM_WEIGHTS, "momentum_weights")
    check_choice(var_ddof, (0, 1), "var_ddof")
    xc, mean, var = compute_in(dtype, x, running_mean, running_var)  # (N, D), (D,), (D,)
    mu = xc.mean(axis=0)  # (D,)
    centred = xc - mu  # (N, D)
    batch_var = (centred * centred).sum(axis=0) / (x.shape[0] - var_ddof)  # (D,)
    keep, take = (1 - momentum, momentum) if momentum_weights == "batch" else (momentum, 1 - momentum)
    return np.stack([keep * mean + take * mu, keep * var + take * batch_var])  # (2, D)


def residual_forward(x, W1, b1, W2, b2, *, dtype=None):
    r"""A residual block on ``x`` (N, D): a two-layer ReLU branch (D -> H -> D) added to its input.

    .. math:: y = x + f(x), \quad f(x) = \mathrm{relu}(x W_1 + b_1) W_2 + b_2
    """
    check_residual(x, W1, b1, W2, b2)
    xc, W1c, b1c, W2c, b2c = compute_in(dtype, x, W1, b1, W2, b2)
    h, dense1 = affine(xc, W1c, b1c)  # (N, H)
    f, dense2 = affine(relu(h), W2c, b2c)  # (N, D)
    return xc + f, (dense1, h, dense2, x.dtype)


def residual_backward(dout, cache):
    r"""The skip connection passes :math:`g` straight through; the branch adds its own VJP.

    .. math:: \partial L/\partial x = g + \big((g W_2^\top) \odot [h > 0]\big) W_1^\top, \quad h = x W_1 + b_1
    """
    dense1, h, dense2, in_dtype = cache
    da, dW2, db2 = dense_backward(dout, dense2)  # (N, H), (H, D), (D,)
    dx, dW1, db1 = dense_backward(relu_backward(da, h), dense1)  # (N, D), (D, H), (H,)
    return tuple(a.astype(in_dtype, copy=False) for a in (dout + dx, dW1, db1, dW2, db2))
