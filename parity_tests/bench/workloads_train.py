"""Update rules and MLP training steps: the benchmark rows of ``optimizers`` and ``models``.

Update rules: one step of each rule on a 1M-parameter float32 vector with a fixed gradient, ``steps`` steps a
sample (1,000 steps a side in a full run). NumPy: the rule's pure ``update(grads, state, params)``; torch: the
``torch.optim`` optimizer from ``torch_impl`` stepped by ``torch_impl.optimizers_common.apply_gradients``; Keras:
the optimizer from ``keras_impl`` applied by ``keras_impl.optimizers_common.apply_gradients``, eagerly or inside a
``tf.function`` called once a step (as ``fit`` calls its compiled train step once a batch).

MLP training steps (batch 256, float32, mean-squared error against drawn targets, SGD with lr 0.01): NumPy is
``reference_numpy.models.mlp_forward``, the MSE's hand-written backward, ``mlp_backward`` and the SGD arithmetic
``p - lr * g``; torch is ``torch_impl.models.mlp_model`` and ``torch_impl``'s SGD with ``zero_grad``, ``backward``
and ``step``; Keras is ``keras_impl.models.mlp_model`` and ``keras_impl``'s SGD with ``tf.GradientTape`` and
``apply_gradients``, eager or in a ``tf.function`` (as ``fit`` runs its train step). The seed networks are
``parity_tests.cases.models.NETWORKS`` with their weights drawn by its ``mlp_params``; importing that module
imports the harness, which pins the frameworks to one thread (``threads.pin`` sets the count afterwards).
"""
import keras
import numpy as np
import tensorflow as tf
import torch

from keras_impl import losses_regression as k_losses
from keras_impl import models as k_models
from keras_impl.optimizers_common import apply_gradients as keras_apply
from parity_tests.cases.models import NETWORKS, mlp_params
from reference_numpy import losses_regression as n_losses
from reference_numpy import models as n_models
from reference_numpy.autograd import vjp as numpy_vjp
from torch_impl import losses_regression as t_losses
from torch_impl import models as t_models
from torch_impl.optimizers_common import apply_gradients as torch_apply

from .schema import Settings, Workload
from .workloads import ELEMENTS, package_function

__all__ = ["RULES", "MLPS", "BATCH", "TINY_FLOPS", "optimizers", "models", "mlp_flops"]

RULES = {  # name: (module, function, hyperparameters, bytes per parameter a step, the byte model)
    "sgd_momentum": ("optimizers_sgd", "sgd", {"lr": 0.01, "momentum": 0.9}, 20, "reads p, g, v; writes p, v"),
    "adam": ("optimizers_adam", "adam", {"lr": 1e-3}, 28, "reads p, g, m, v; writes p, m, v"),
    "adamw": ("optimizers_adam", "adamw", {"lr": 1e-3}, 28, "reads p, g, m, v; writes p, m, v"),
    "rmsprop": ("optimizers_adaptive", "rmsprop", {"lr": 1e-3}, 20, "reads p, g, v; writes p, v"),
    "adagrad": ("optimizers_adaptive", "adagrad", {"lr": 1e-2}, 20, "reads p, g, G; writes p, G"),
}
MLPS = dict(NETWORKS) | {"mlp_784_512_512_10": ((784, 512, 512, 10), ("relu", "relu", "linear"))}
BATCH = 256
LR = 0.01
TINY_FLOPS = 1e7


def _numpy_steps(rule, p, g):
    params, state = (p.copy(),), rule.init((p,))

    def step():
        nonlocal params, state
        params, state = rule.update((g,), state, params)
    return step


def _torch_steps(make, p, g):
    optimizer = make([torch.nn.Parameter(torch.from_numpy(p.copy()))])
    grads = [torch.from_numpy(g)]
    return lambda: torch_apply(optimizer, grads)


def _keras_steps(optimizer, p, g, traced):
    variables, grads = [keras.Variable(p.copy())], [tf.convert_to_tensor(g)]
    optimizer.build(variables)

    def step():
        keras_apply(optimizer, grads, variables)
    return tf.function(step) if traced else step


def _rule(module, name, hyper):
    def make(impl):
        return package_function(impl, module, name)(**hyper)

    def build(rng):
        p, g = (rng.standard_normal(ELEMENTS, dtype=np.float32) for _ in range(2))  # (1M,) params, gradient
        return {("numpy", "eager"): _numpy_steps(make("numpy"), p, g),
                ("torch", "eager"): _torch_steps(make("torch"), p, g),
                ("keras", "eager"): _keras_steps(make("keras"), p, g, traced=False),
                ("keras", "traced"): _keras_steps(make("keras"), p, g, traced=True)}
    return build


def optimizers(settings: Settings) -> tuple[Workload, ...]:
    """One row per update rule on 1M float32 parameters: a call is one step, a sample ``settings.steps`` steps."""
    return tuple(Workload("optimizers", name, ELEMENTS, "parameters", ELEMENTS, "parameter", "bandwidth",
                          float(per_param * ELEMENTS), f"{per_param} B/parameter a step: {model}; arithmetic not "
                          "counted", _rule(module, function, hyper), settings.steps, settings.step_repeats, 1)
                 for name, (module, function, hyper, per_param, model) in RULES.items())


def mlp_flops(sizes, batch):
    """FLOPs of one training step's matmuls: forward ``2 B in out`` a layer, the weight gradient as much again,
    and the gradient w.r.t. each layer's input except the first (no one needs dL/dx) as much again."""
    macs = [d_in * d_out for d_in, d_out in zip(sizes[:-1], sizes[1:])]
    return 2.0 * batch * (2 * sum(macs) + sum(macs[1:]))


def _numpy_train(params, activations, x, y):
    params, one, lr = [p.copy() for p in params], np.ones((), np.float32), np.float32(LR)

    def step():
        out, cache = n_models.mlp_forward(x, *params, activations=activations)  # (B, K)
        _, (dout,) = numpy_vjp(n_losses.mse, (out,), one, (y,))  # the loss and dL/dout
        _, *grads = n_models.mlp_backward(dout, cache, input_grad=False)  # dW1, db1, ... (x is data)
        for p, g in zip(params, grads):
            p -= lr * g  # in place, as torch.optim.SGD updates its parameters
    return step


def _torch_train(params, activations, x, y):
    model = t_models.mlp_model(params, activations=activations)
    optimizer = package_function("torch", "optimizers_sgd", "sgd")(lr=LR)(model.parameters())
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        t_losses.mse(model(xt), yt).backward()
        optimizer.step()
    return step


def _keras_train(params, activations, x, y, traced):
    model = k_models.mlp_model(params, activations=activations)
    optimizer = package_function("keras", "optimizers_sgd", "sgd")(lr=LR)
    variables = model.trainable_variables
    optimizer.build(variables)
    xk, yk = tf.convert_to_tensor(x), tf.convert_to_tensor(y)

    def step():
        with tf.GradientTape() as tape:
            loss = k_losses.mse(model(xk, training=True), yk)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss
    return tf.function(step) if traced else step


def _mlp(sizes, activations):
    def build(rng):
        params = [p.astype(np.float32) for p in mlp_params(rng, sizes).values()]  # W1, b1, ...: N(0, 1/fan_in)
        x = rng.standard_normal((BATCH, sizes[0]), dtype=np.float32)  # (B, D)
        y = rng.standard_normal((BATCH, sizes[-1]), dtype=np.float32)  # (B, K) targets
        return {("numpy", "eager"): _numpy_train(params, activations, x, y),
                ("torch", "eager"): _torch_train(params, activations, x, y),
                ("keras", "eager"): _keras_train(params, activations, x, y, traced=False),
                ("keras", "traced"): _keras_train(params, activations, x, y, traced=True)}
    return build


def models(settings: Settings) -> tuple[Workload, ...]:
    """One row per network: a training step on a batch of 256, held against the GEMM limit. Steps of under
    ``TINY_FLOPS`` (the small seed networks: well under a millisecond) are timed ten times as many a sample."""
    model = ("FLOPs of the matmuls: 2 B in out a layer forward, as much for dW, as much for dh of every layer but "
             "the first; bias, activations, loss and update not counted")

    def row(name, sizes, activations):
        flops = mlp_flops(sizes, BATCH)
        calls = settings.model_calls * (10 if flops < TINY_FLOPS else 1)
        return Workload("models", name, sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])), "parameters", BATCH,
                        "sample", "flops", flops, model, _mlp(sizes, activations), calls, settings.repeats,
                        settings.warmup)
    return tuple(row(name, sizes, activations) for name, (sizes, activations) in MLPS.items())
