r"""The gradcheck user tool of each package as a case row: ``reference_numpy.gradcheck`` (the hand-written
backward), ``torch_impl.gradcheck`` (autograd) and ``keras_impl.gradcheck`` (the tape) on one network, the seed
MLP 2-4-1 with sigmoids, and the loss :math:`L = \tfrac{1}{2N}\sum \mathrm{out}^2` of ``mlp_forward``. The
compared output is what a user reads from the tool: its central-difference gradient of every parameter (W1, b1,
W2, b2, raveled, float64 in all three) and its verdict (1.0: passed), one vector. ``dtype`` is the model's
compute dtype (``mlp_forward``'s): under Keras's default floatx a float64 model computes in float32, whose loss
cannot be differenced with a float64 step -- the tool then fails, and says so. The three tools share one rule
(``parity_tests.conventions.gradcheck``): the same steps, the same differences, the same verdict."""
import keras
import numpy as np
import torch
from keras import ops

import keras_impl.gradcheck as kg
import keras_impl.models as km
import reference_numpy.gradcheck as ng
import reference_numpy.models as nm
import torch_impl.gradcheck as tg
import torch_impl.models as tm

from ..case import Case, Skip
from ..tolerance import Override
from .models import NETWORKS, mlp_inputs

__all__ = ["CASES", "NETWORK"]

NETWORK = "mlp_2_4_1"
SIZES, ACTIVATIONS = NETWORKS[NETWORK]
NAMES = ("W1", "b1", "W2", "b2")


def _named(params):
    return dict(zip(NAMES, params))


def numpy_tool(x, *params, activations, dtype=None, eps=None, atol=None, rtol=None):
    """``reference_numpy.gradcheck`` of the MLP's loss: numeric gradients then the verdict, (n + 1,) float64."""
    def f(p):
        out, cache = nm.mlp_forward(x, *p.values(), activations=activations, dtype=dtype)  # (N, 1)
        grads = nm.mlp_backward(out / out.shape[0], cache)[1:]  # dW1, db1, dW2, db2
        return 0.5 * float(np.sum(out * out)) / out.shape[0], dict(zip(p, grads))
    result = ng.gradcheck(f, _named(params), eps=eps, atol=atol, rtol=rtol)
    return np.concatenate([result.numeric[k].ravel() for k in NAMES] + [[float(result.passed)]])


def torch_tool(x, *params, activations, dtype=None, eps=None, atol=None, rtol=None):
    """``torch_impl.gradcheck`` of the same loss."""
    def f(p):
        out = tm.mlp_forward(x, *p.values(), activations=activations, dtype=dtype)  # (N, 1)
        return 0.5 * torch.sum(out * out) / out.shape[0]
    result = tg.gradcheck(f, _named(params), eps=eps, atol=atol, rtol=rtol)
    verdict = torch.tensor([float(result.passed)], dtype=torch.float64)
    return torch.cat([result.numeric[k].reshape(-1) for k in NAMES] + [verdict])


def keras_tool(x, *params, activations, dtype=None, eps=None, atol=None, rtol=None):
    """``keras_impl.gradcheck`` of the same loss."""
    def f(p):
        out = km.mlp_forward(x, *p.values(), activations=activations, dtype=dtype)  # (N, 1)
        return 0.5 * ops.sum(out * out) / out.shape[0]
    result = kg.gradcheck(f, _named(params), eps=eps, atol=atol, rtol=rtol)
    parts = [keras.ops.reshape(keras.ops.cast(result.numeric[k], "float64"), [-1]) for k in NAMES]
    return keras.ops.concatenate(parts + [keras.ops.convert_to_tensor([float(result.passed)], "float64")], axis=0)


# The central difference of a float32 loss carries its rounding, eps32 |L| / h (h = eps32^(1/3)): each framework
# rounds the loss its own way by a few ulp, so their numeric gradients differ by ~4 eps32 |L| / h ~ 1e-5 for L ~ 0.1.
_FLOAT32_DIFFERENCES = (Override("float32 central differences differ by the loss's rounding over the step, "
                                 "~4 eps32 |L| / eps32^(1/3) ~ 1e-5 here", atol=1e-4, rtol=1e-4, dtype="float32"),)

# Keras's floatx makes a float64 model compute in float32; the tool's float64 step (1e-6) then differences rounding
# noise, ~eps32 |L| / h ~ 1e-2 of the gradient, differently in each package (the tool fails alike in all three, and
# the float32 defaults run checks the tool under floatx).
_FLOATX_NOISE = Skip("Keras floatx: a float64 model computes in float32, and central differences with the float64 "
                     "step are rounding noise (~eps32 |L| / 1e-6); the float32 defaults run checks the tool under floatx",
                     variant="defaults", dtype="float64")

CASES = (
    Case("gradcheck", "gradcheck", numpy_tool, torch_tool, keras_tool, inputs=mlp_inputs(SIZES), grad_wrt=(),
         regimes=("typical",), required={"activations": ACTIVATIONS}, overrides=_FLOAT32_DIFFERENCES, skips=(_FLOATX_NOISE,),
         aligned=({"dtype": None, "eps": None, "atol": None, "rtol": None},
                  {"dtype": None, "eps": 2e-3, "atol": 1e-5, "rtol": 1e-3})),
)
