"""Activation rows: one per function; aligned hyperparameters exercise the non-default paths."""
import keras_impl.activations as ka
import keras_impl.activations_smooth as ks
import keras_impl.softmax as kx
import reference_numpy.activations as na
import reference_numpy.activations_smooth as ns
import reference_numpy.softmax as nx
import torch_impl.activations as ta
import torch_impl.activations_smooth as ts
import torch_impl.softmax as tx

from ..case import Case
from ..inputs import elementwise, with_channel_slope
from ..tolerance import Override

__all__ = ["CASES"]


def _row(concept, impls, **fields):
    numpy, torch, keras = impls
    fields.setdefault("inputs", elementwise())
    return Case("activations", concept, numpy, torch, keras, **fields)


# The softmax VJPs subtract O(1) terms (g - s * sum(g)): their rounding error is absolute, ~ulp(1),
# even when the inputs are tiny, so the tiny regime's atol=0 does not apply to them.
_CANCELLING_VJP = (Override("VJP is a difference of O(1) terms: absolute rounding error ~ulp(1)",
                            regime="tiny", quantity="grad_x"),)

CASES = (
    _row("step", (na.step, ta.step, ka.step), grad_wrt=(), kinks=(0.0,)),
    _row("sigmoid", (na.sigmoid, ta.sigmoid, ka.sigmoid)),
    _row("tanh", (na.tanh, ta.tanh, ka.tanh)),
    _row("hard_sigmoid", (na.hard_sigmoid, ta.hard_sigmoid, ka.hard_sigmoid), kinks=(-3.0, 3.0)),
    _row("relu", (na.relu, ta.relu, ka.relu), kinks=(0.0,)),
    _row("leaky_relu", (na.leaky_relu, ta.leaky_relu, ka.leaky_relu), kinks=(0.0,),
         aligned=({"negative_slope": 0.1},)),
    _row("prelu", (na.prelu, ta.prelu, ka.prelu), inputs=with_channel_slope(), grad_wrt=("x", "alpha"),
         kinks=(0.0,), init_inputs=("alpha",)),
    _row("elu", (na.elu, ta.elu, ka.elu), kinks=(0.0,), aligned=({"alpha": 1.0}, {"alpha": 0.5})),
    _row("selu", (na.selu, ta.selu, ka.selu), kinks=(0.0,)),
    # torch returns x where beta*x > 20 (its threshold): kinks one unit either side of the switch at x = 20 / beta
    _row("softplus", (ns.softplus, ts.softplus, ks.softplus), aligned=({"beta": 1.0}, {"beta": 2.0}, {"beta": 0.5}),
         kinks=(9.0, 11.0, 19.0, 21.0, 39.0, 41.0)),
    _row("silu", (ns.silu, ts.silu, ks.silu), aligned=({"beta": 1.0}, {"beta": 1.702})),
    _row("gelu", (ns.gelu, ts.gelu, ks.gelu), aligned=({"approximate": "none"}, {"approximate": "tanh"})),
    _row("mish", (ns.mish, ts.mish, ks.mish)),
    _row("softmax", (nx.softmax, tx.softmax, kx.softmax), inputs=elementwise((4, 6), large=1e4),
         aligned=({"axis": -1}, {"axis": 0}), overrides=_CANCELLING_VJP),
    _row("log_softmax", (nx.log_softmax, tx.log_softmax, kx.log_softmax), inputs=elementwise((4, 6), large=1e4),
         aligned=({"axis": -1}, {"axis": 0}), overrides=_CANCELLING_VJP),
)
