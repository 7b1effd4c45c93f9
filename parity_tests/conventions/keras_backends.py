"""Keras on JAX and on torch, where its arithmetic differs from Keras on TensorFlow: one row per (concept, backend,
formula key), the value the NumPy reference needs there and the reason, read from the backend's code. Everything
else follows Keras's convention (``conventions.convention(concept, "keras[jax]")``), apart from the backend-wide
``KERAS_BACKEND_FORMULA``. A key must already be a formula or defaults key of the concept's Keras convention (checked
by tests/test_keras_backends.py), so the reference takes it as a keyword."""
from typing import NamedTuple

from ..schema import IMPL
from .losses_classification import TORCH_BCE_EPS

__all__ = ["BackendRow", "ROWS", "Instance", "Found", "FOUND", "found_in", "finding"]


class BackendRow(NamedTuple):
    concept: str
    backend: str  # "jax" or "torch"
    key: str
    value: object
    reason: str


def _both(concept, key, value, jax_reason, torch_reason):
    return (BackendRow(concept, "jax", key, value, jax_reason), BackendRow(concept, "torch", key, value, torch_reason))


# Reasons several JAX schedule rows share: how a Python float and a floor/ceil meet float64 under x64.
_JAX_PYTHON_LR = ("jnp.asarray (jax/core.py convert_to_tensor) makes a Python-float initial_learning_rate a weakly "
                  "typed float64 under x64; ")
_JAX_FLOOR = ("ops.{op} casts x to result_type(x.dtype, float), float32 for float64 (jax/numpy.py {op}; "
              "BIT64_TO_BIT32_DTYPE in common/dtypes.py): ")


ROWS = (
    BackendRow("leaky_relu", "jax", "grad_at_zero", "one", "jax.nn.leaky_relu is jnp.where(x >= 0, x, s * x): "
                                                         "x == 0 takes the identity branch's derivative, 1"),
    *_both("elu", "exp_form", "expm1", "jax.nn.elu uses jnp.expm1", "Keras calls F.elu (ATen: expm1)"),
    *_both("selu", "exp_form", "expm1", "jax.nn.selu is scale * elu: jnp.expm1", "Keras calls F.selu (ATen: expm1)"),
    *_both("selu", "grad_branch", "input", "jnp.where(x > 0, ...): x == 0 takes the exponential branch's derivative",
           "ATen's elu backward tests x <= 0"),
    *_both("quantile", "grad_at_zero", "split", "the derivative of jnp.maximum shares a tie equally (lax.max's JVP)",
           "Keras calls torch.maximum, whose backward shares a tie equally"),
    BackendRow("ctc", "torch", "log_zero", None, "keras.ops.ctc_loss calls F.ctc_loss: the exact log-space recursion"),
    BackendRow("ctc", "jax", "log_zero", -1e5, "Keras's JAX ctc_loss starts every state but the first at "
                                               "log_epsilon = -1e5 (and adds it to forbidden transitions), not -inf"),
    BackendRow("ctc", "jax", "log_zero_at", "start", "Keras's JAX ctc_loss (optax's recursion) puts log_epsilon on "
                                                     "the start states and on a repeat entered without its blank, and "
                                                     "reads the loss at the final state exactly"),
    BackendRow("reduce_on_plateau", "jax", "compare_dtype", "float64",
               "ops.less on Python floats: JAX makes them float64 (x64), TensorFlow float32 tensors"),
    BackendRow("mae", "jax", "grad_at_zero", "left", "ops.abs(y_true - y_pred) is jnp.abs, whose JVP is "
                                                      "select(x >= 0, g, -g): +1 at 0, so -1 w.r.t. y_pred at a tie"),
    *_both("hinge", "grad_at_kink", "split",
           "ops.maximum(1 - y*p, 0) is jnp.maximum: lax.max's JVP shares a tie equally",
           "Keras calls torch.maximum, whose backward shares a tie equally"),
    *_both("triplet", "grad_at_kink", "split", "ops.maximum is jnp.maximum: lax.max's JVP shares a tie equally",
           "Keras calls torch.maximum, whose backward shares a tie equally"),
    BackendRow("kl_divergence", "jax", "clip_grad", "half", "ops.clip is jnp.clip = minimum(max, maximum(min, x)): "
                                                            "a value on a bound ties, and the tie passes half"),
    *_both("focal_loss", "logits_form", "probabilities",
           "binary_focal_crossentropy takes ops.sigmoid, then binary_crossentropy(from_logits=False), which on JAX "
           "jnp.clips to [eps, 1 - eps] and takes logs (only TensorFlow reads the sigmoid's logits back)",
           "binary_focal_crossentropy takes ops.sigmoid, then binary_crossentropy(from_logits=False), which on torch "
           "is torch.clip to [eps, 1 - eps] and F.binary_cross_entropy (only TensorFlow reads the logits back)"),
    *_both("cosine_similarity", "clamp_grad", "zero_nan_at_origin",
           "normalize's minimum(rsqrt(sum x^2), 1/eps): at x = 0 rsqrt's JVP (inf) times the zero cotangent is NaN",
           "torch.rsqrt's backward at 0 is -0.5 * 0 * inf = NaN (TF's RsqrtGrad returns 0 for a zero cotangent)"),
    *_both("categorical_crossentropy_with_logits", "grad_target_sum", "exact",
           "categorical_crossentropy is -sum(t * jax.nn.log_softmax(x)): autodiff gives softmax(x) sum(t) - t",
           "categorical_crossentropy is -sum(t * F.log_softmax(x)): autograd gives softmax(x) sum(t) - t"),
    BackendRow("binary_crossentropy_with_logits", "torch", "logits_form", "log_sigmoid",
               "binary_crossentropy(from_logits=True) calls F.binary_cross_entropy_with_logits"),
    *_both("sparse_categorical_crossentropy", "normalize_order", "normalize_first",
           "sparse_categorical_crossentropy divides output by its sum, then jnp.clip and jnp.log (no softmax)",
           "sparse_categorical_crossentropy divides output by its sum, then torch.clip, torch.log and F.nll_loss"),
    BackendRow("adafactor", "torch", "decay_form", "scale",
               "torch/optimizers/torch_optimizer.py overrides _apply_weight_decay: torch._foreach_mul_(p, 1 - "
               "weight_decay * lr), one factor rounded once, not the base class's p - p * wd * lr"),
    *(BackendRow(concept, "torch", "weight_decay_form", "decoupled_scale",
                 "torch/optimizers/torch_optimizer.py overrides _apply_weight_decay: torch._foreach_mul_(p, 1 - "
                 "weight_decay * lr), one factor rounded once, not the base class's p - p * wd * lr")
      for concept in ("adagrad", "rmsprop", "adadelta")),
    *(BackendRow(concept, "torch", key, value, "torch/nn.py binary_crossentropy: torch.clip(output, eps, 1 - eps), then "
                 "F.binary_cross_entropy, whose logs are floored at -100 and whose backward is ATen's fused "
                 "(p - t) / max(p (1 - p), 1e-12)")
      for concept in ("binary_crossentropy", "focal_loss")
      for key, value in (("log_floor", -100.0), ("grad_eps", TORCH_BCE_EPS))),
    # LR schedules (Python floats: float64 on JAX under x64, floatx on torch; eager division on torch)
    BackendRow("step_decay", "jax", "dtype", "float64",
               "PiecewiseConstantDecay converts its Python-float values with jnp.asarray (jax/core.py "
               "convert_to_tensor): weakly typed float64 under x64, summed into ops.array(0, dtype=float64)"),
    BackendRow("exponential_decay", "jax", "dtype", "float64",
               _JAX_PYTHON_LR + "ops.cast(decay_rate, float64) is strong float64: the schedule returns float64"),
    BackendRow("cosine_warm_restarts", "jax", "dtype", "float64",
               _JAX_PYTHON_LR + "ops.cast(alpha, t_mul, m_mul to float64) are strong: the schedule returns float64"),
    BackendRow("warmup_cosine", "jax", "dtype", "float64",
               _JAX_PYTHON_LR + "ops.cast(warmup_target, float64) is strong: the schedule returns float64"),
    BackendRow("polynomial_decay", "jax", "dtype", "float64",
               _JAX_PYTHON_LR + "ops.cast(end_learning_rate, power to float64) are strong: it returns float64"),
    BackendRow("exponential_decay", "jax", "floor_dtype", "float32",
               _JAX_FLOOR.format(op="floor") + "the staircase floors step * (1/decay_steps) in float32"),
    BackendRow("cosine_warm_restarts", "jax", "floor_dtype", "float32",
               _JAX_FLOOR.format(op="floor") + "the restart index is floored in float32"),
    BackendRow("polynomial_decay", "jax", "floor_dtype", "float32",
               _JAX_FLOOR.format(op="ceil") + "the cycle's ceil(step / decay_steps) is taken in float32"),
    BackendRow("lr_range_test", "jax", "lr_dtype", "float64",
               "ExponentialDecay(float(lr_min)): jnp.asarray (jax/core.py convert_to_tensor) makes the Python float a "
               "weakly typed float64 under x64, kept by ops.cast(decay_rate, float64); SGD casts the LR to the variable"),
    *(BackendRow(concept, "torch", "divide_by_constant", "exact",
                 "Keras's torch trainer runs the train step eagerly (jit_compile='auto' resolves to False, "
                 "trainers/trainer.py): nothing rewrites x / constant, torch.divide divides exactly (torch/numpy.py)")
      for concept in ("exponential_decay", "cosine_warm_restarts", "polynomial_decay")),
    BackendRow("polynomial_decay", "torch", "multiplier_dtype", "float64",
               "ops.where(step == 0, 1.0, ceil(...)): torch's convert_to_tensor makes the Python float 1.0 a floatx "
               "tensor (torch/core.py) and torch.where promotes; floatx is float64 in every cycle run (aligned)"),
    BackendRow("reduce_on_plateau", "torch", "compare_dtype", "floatx",
               "MonitorCallback._is_improvement: ops.less on Python floats, which torch's convert_to_tensor makes "
               "floatx tensors (torch/core.py): floatx, the dtype of the LR Variable"),
    BackendRow("lr_range_test", "torch", "lr_dtype", None,
               "ExponentialDecay(float(lr_min)): torch's convert_to_tensor makes the Python float a floatx tensor "
               "(torch/core.py), the dtype of the wrapper's variables when dtype is None: the compute dtype"),
)


class Instance(NamedTuple):
    """Rows of a finding whose ``cause`` cannot carry its mark (e.g. a result the finding corrupts upstream of a
    float64 cast): the concept, dtype and backend, and why they are this finding."""
    concept: str
    dtype: str
    backend: str
    reason: str


class Found(NamedTuple):
    """An inconsistency found in Keras itself (not a convention: no NumPy keyword can reproduce it): ``key`` (the
    report's ``finding`` column), the backends it shows on, the text its report rows carry in ``cause`` (any of
    ``marks``) or the ``instances`` that cannot carry it, and a minimal reproduction. The README lists these
    (generated) and tests/test_keras_backends.py pins each reproduction. A FAIL or ERROR row of a finding does not
    fail the gate; any other does."""
    key: str
    name: str
    backends: tuple
    marks: tuple
    reproduction: str
    instances: tuple = ()


FOUND = (
    Found("result_type_64_to_32",
          "float64 computed in float32: Keras's result_type maps 64-bit result dtypes to 32-bit off TensorFlow "
          "(keras/src/backend/common/dtypes.py, BIT64_TO_BIT32_DTYPE), whatever JAX's x64 setting; ops that ask it "
          "(torch's matmul, most losses' reductions) return float32 for float64 inputs",
          ("jax", "torch"), ("dtypes differ: float32 vs float64", "dtypes differ: float64 vs float32",
                             "dtype float64 but the output has dtype float32"),
          "KERAS_BACKEND=torch python -c \"from keras.src.backend.common import dtypes; "
          "print(dtypes.result_type('float64'))\"  # float32 (TensorFlow: float64)",
          (Instance("gradcheck", "float64", "torch",
                    "the tool's MLP (ops.matmul) computes a float64 loss in float32, so central differences with the "
                    "float64 step (1e-6) are rounding noise and the verdict flips; the tool casts its numeric "
                    "gradients to float64, so the row's dtypes agree"),)),
    Found("jax_tanh_float32",
          "keras.ops.tanh of a float64 array returns float32 on JAX (x64 on) while keras.ops.sigmoid keeps float64",
          ("jax",), (),
          "KERAS_BACKEND=jax JAX_ENABLE_X64=1 python -c \"import keras, numpy as np; x = np.ones(3); "
          "print(keras.ops.tanh(x).dtype, keras.ops.sigmoid(x).dtype)\"  # float32 float64",
          (Instance("tanh", "float64", "jax", "the tanh rows' float32 forward: Keras's JAX tanh casts to "
                                              "result_type(x.dtype, float), the first finding's mapping; sigmoid "
                                              "does not ask it"),)),
)


def found_in(row):
    """The ``Found`` entries a report row (a dict with concept, dtype, impl_a, impl_b, status, cause) is an instance
    of: a FAIL or ERROR on one of its backends whose cause carries a mark, or one of its ``instances``."""
    if row["status"] not in ("FAIL", "ERROR"):
        return []
    backends = {IMPL[name].backend for name in (row["impl_a"], row["impl_b"]) if name in IMPL}
    return [f for f in FOUND if backends & set(f.backends)
            and (any(mark in str(row["cause"]) for mark in f.marks)
                 or any((i.concept, i.dtype) == (row["concept"], row["dtype"]) and i.backend in backends
                        for i in f.instances))]


def finding(row):
    """The report's ``finding`` column: the keys of the findings ``row`` is an instance of, ';'-joined."""
    return ";".join(f.key for f in found_in(row))
