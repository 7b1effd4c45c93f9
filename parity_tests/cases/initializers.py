"""Initialiser rows, compared by distribution (parity_tests.distribution): each draws one (128, 512) weight
(fan_in 128, fan_out 512, so a swapped fan shows) in float32 and float64, in an ``aligned`` variant (the same
hyperparameters everywhere) and a ``defaults`` variant (each framework as a user gets it). Aligned sets
repeat a default wherever it is also the concept's textbook value (the memo then draws once for both
variants), and add one non-default set where the Keras wrapper maps a hyperparameter Keras lacks onto
VarianceScaling (Glorot's gain for tanh, He's slope and fan_out mode). Where a concept has one aligned set and a
hyperparameter no other set varies (random_normal's mean, glorot_uniform's gain, he_uniform's slope and mode), the
set takes a non-default value: the defaults variant draws the defaults."""
import keras_impl.initializers as k
import reference_numpy.initializers as n
import torch_impl.initializers as t

from ..case import Skip
from ..distribution import Init

__all__ = ["INITS", "TANH_GAIN"]

TANH_GAIN = 5.0 / 3.0  # torch.nn.init.calculate_gain("tanh")


# A hyperparameter's mapping onto Keras's VarianceScaling does not depend on the dtype: the second aligned
# set runs in float32 only (the gate's budget; float64 draws of the same laws run in the first set).
_MAPPING_ONCE = (Skip("non-default hyperparameters map onto VarianceScaling alike in any dtype: float32 covers the "
                      "mapping, the first aligned set covers float64 draws", dtype="float64", index=1),)


def _row(concept, *, parts=("weight",), required=None, aligned=({},)):
    fns = (getattr(n, concept), getattr(t, concept), getattr(k, concept))
    skips = _MAPPING_ONCE if len(aligned) > 1 else ()
    return Init("initializers", concept, *fns, parts=parts, required=required or {}, aligned=aligned, skips=skips)


INITS = (
    _row("zeros"),
    _row("constant", required={"value": 0.1}),  # torch's constant_ has no default value
    _row("random_normal", aligned=({"mean": 0.1, "std": 0.01},)),  # a "small random" weight, off-centre
    _row("glorot_uniform", aligned=({"gain": TANH_GAIN},)),
    _row("glorot_normal", aligned=({"gain": 1.0}, {"gain": TANH_GAIN})),
    _row("he_uniform", aligned=({"negative_slope": 0.2, "mode": "fan_out"},)),
    _row("he_normal", aligned=({"negative_slope": 0.0, "mode": "fan_in"}, {"negative_slope": 0.2, "mode": "fan_out"})),
    _row("lecun_normal"),
    _row("dense_default", parts=("kernel", "bias")),
)
