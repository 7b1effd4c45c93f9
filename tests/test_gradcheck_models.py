"""The gradcheck user tool of each package on every model of the layers/models/gradient-flow families: the four
seed MLPs, the batch-norm (training and inference) and residual layers, and the four deep networks of the
gradient-flow rows. NumPy checks its hand-written backward, torch autograd, Keras the tape; each passes in
float64 (and in float32 with the tool's float32 tolerances), and a deliberately broken NumPy layer backward
fails.

The loss is :math:`\\sum G \\odot \\mathrm{out}` for a fixed random :math:`G` (every output direction). The
tool perturbs each element twice, so large weights are checked on a block: the parameter is
:math:`B + R\\,P\\,C` with the checked block :math:`P` (at most 3 x 4; 2 x 2 in the deep nets) starting at zero,
:math:`R`, :math:`C` selecting its rows and columns, so :math:`\\partial L/\\partial P` is the top-left block of
:math:`\\partial L/\\partial B`."""
import numpy as np
import pytest
import tensorflow as tf
import torch
from keras import ops

import keras_impl.gradcheck as kg
import keras_impl.gradient_flow as kf
import keras_impl.layers as kl
import keras_impl.models as km
import reference_numpy.gradcheck as ng
import reference_numpy.gradient_flow as nf
import reference_numpy.layers as nl
import reference_numpy.models as nm
import torch_impl.gradcheck as tg
import torch_impl.gradient_flow as tf_flow
import torch_impl.layers as tl
import torch_impl.models as tm

from parity_tests.cases.gradient_flow import DEPTH, NETWORKS, deep_inputs
from parity_tests.cases.layers import batchnorm_inputs, residual_inputs
from parity_tests.cases.models import NETWORKS as MLPS, mlp_inputs
from parity_tests.conventions import convention
from parity_tests.inputs import rng_for

SEED = 17
FORWARD = {  # family function: (numpy forward, numpy backward, torch forward, keras forward)
    "mlp": (nm.mlp_forward, nm.mlp_backward, tm.mlp_forward, km.mlp_forward),
    "batchnorm": (nl.batchnorm_forward, nl.batchnorm_backward, tl.batchnorm_forward, kl.batchnorm_forward),
    "batchnorm_inference": (nl.batchnorm_inference_forward, nl.batchnorm_inference_backward,
                            tl.batchnorm_inference_forward, kl.batchnorm_inference_forward),
    "residual": (nl.residual_forward, nl.residual_backward, tl.residual_forward, kl.residual_forward),
    "deep_net": (nf.deep_net_forward, nf.deep_net_backward, tf_flow.deep_net_forward, kf.deep_net_forward),
}
_LAST = f"W{DEPTH}", f"b{DEPTH}"

# model: (forward family, input builder, hyperparameters, differentiated inputs, checked ones, block cap)
MODELS = {
    **{concept: ("mlp", mlp_inputs(sizes), {"activations": acts, "negative_slope": 0.1},
                 ("x",) + tuple(f"{p}{i}" for i in range(1, len(sizes)) for p in "Wb"), None, (3, 4))
       for concept, (sizes, acts) in MLPS.items()},
    "batchnorm": ("batchnorm", batchnorm_inputs(), {"eps": 1e-3}, ("x", "gamma", "beta"), None, (3, 4)),
    "batchnorm_inference": ("batchnorm_inference", batchnorm_inputs(running=True), {"eps": 1e-3},
                            ("x", "gamma", "beta"), None, (3, 4)),
    "residual": ("residual", residual_inputs(), {}, ("x", "W1", "b1", "W2", "b2"), None, (3, 4)),
    **{concept: ("deep_net", deep_inputs(gain), {**required, "eps": 1e-3},
                 ("x",) + tuple(f"{p}{i}" for i in range(1, DEPTH + 1) for p in "Wb"), ("x", "W1", "b1") + _LAST,
                 (2, 2))
       for concept, (gain, required) in NETWORKS.items()},
}
_NEGATIVE_SLOPE = {"mlp_784_128_64_10"}  # the only MLP with leaky ReLUs; elsewhere the slope is not a keyword


def _setup(model, dtype):
    """(inputs, upstream G, checked names, block shapes) of one model, drawn with NumPy."""
    _, build, _, wrt, checked, cap = MODELS[model]
    rng = rng_for(SEED, model)
    inputs = build(rng, "typical", np.dtype(dtype), ())
    checked = checked or wrt
    blocks = {k: tuple(min(s, c) for s, c in zip(inputs[k].shape, cap)) for k in checked}
    family = FORWARD[MODELS[model][0]][0]
    out = family(*inputs.values(), **_hyper(model))[0]
    return inputs, rng.standard_normal(out.shape).astype(dtype), blocks


def _hyper(model, dtype=None):
    hyper = dict(MODELS[model][2])
    if model.startswith("mlp") and model not in _NEGATIVE_SLOPE:
        hyper.pop("negative_slope")
    return hyper | ({"dtype": dtype} if dtype else {})


def _selectors(shape, block, eye):
    """R (rows, r) and C (c, cols) for a 2-D parameter; a 1-D one has only C."""
    if len(shape) == 1:
        return None, eye(shape[0])[: block[0]]
    return eye(shape[0])[:, : block[0]], eye(shape[1])[: block[1]]


def _embed(base, block, R, C, matmul):
    return base + (matmul(block, C) if R is None else matmul(matmul(R, block), C))


def _numpy_f(model, inputs, G, blocks, backward_of=None, formula=None):
    forward, backward = FORWARD[MODELS[model][0]][:2]
    backward = backward_of or backward
    sel = {k: _selectors(inputs[k].shape, b, lambda n: np.eye(n, dtype=inputs[k].dtype)) for k, b in blocks.items()}
    wrt = MODELS[model][3]

    def f(p):
        values = {k: _embed(v, p[k], *sel[k], np.matmul) if k in p else v for k, v in inputs.items()}
        out, cache = forward(*values.values(), **_hyper(model), **(formula or {}))
        grads = dict(zip(wrt, backward(G, cache)))
        return float(np.sum(G * out)), {k: grads[k][tuple(slice(0, s) for s in blocks[k])] for k in p}
    return f


def _framework_f(model, inputs, G, blocks, framework):
    convert, eye, matmul = {"torch": (torch.from_numpy, lambda n, d: torch.eye(n, dtype=d), torch.matmul),
                            "keras": (tf.constant, lambda n, d: ops.eye(n, dtype=d), ops.matmul)}[framework]
    forward = FORWARD[MODELS[model][0]][2 if framework == "torch" else 3]
    values, G = {k: convert(v) for k, v in inputs.items()}, convert(G)
    sel = {k: _selectors(inputs[k].shape, b, lambda n, d=inputs[k].dtype.name: eye(n, getattr(torch, d) if
                                                                                   framework == "torch" else d))
           for k, b in blocks.items()}
    dtype = inputs["x"].dtype.name if framework == "keras" else None  # Keras layers compute in floatx otherwise

    def f(p):
        full = {k: _embed(v, p[k], *sel[k], matmul) if k in p else v for k, v in values.items()}
        return (G * forward(*full.values(), **_hyper(model, dtype))).sum() if framework == "torch" else \
            ops.sum(G * forward(*full.values(), **_hyper(model, dtype)))
    return f


def _blocks(blocks, dtype, convert=np.asarray):
    return {k: convert(np.zeros(b, dtype)) for k, b in blocks.items()}


def _check_all(model, dtype):
    inputs, G, blocks = _setup(model, dtype)
    return {"numpy": ng.gradcheck(_numpy_f(model, inputs, G, blocks), _blocks(blocks, dtype)),
            "torch": tg.gradcheck(_framework_f(model, inputs, G, blocks, "torch"),
                                  _blocks(blocks, dtype, torch.from_numpy)),
            "keras": kg.gradcheck(_framework_f(model, inputs, G, blocks, "keras"),
                                  _blocks(blocks, dtype, tf.constant))}


# float32 where its tolerances allow:
# - the float32 step (eps32^(1/3) ~ 4.9e-3) is wide enough to carry a ReLU pre-activation across its kink, where
#   the central difference measures a chord, not the derivative: networks with (leaky) ReLUs are checked in
#   float64 only (test_the_float32_step_crosses_relu_kinks_the_float64_step_does_not);
# - the float32 tolerances (atol 1e-3) assume an O(1) loss: the rounding of a central difference is about
#   eps32 |L| / h. The residual network's output grows by ~1/2 per layer, so |sum G * out| is O(100) and that
#   rounding alone exceeds atol (test_float32_rounding_is_out_of_reach_only_where_the_loss_is_large).
KINKED = ("mlp_4_64_32_1", "mlp_4_8_4_1", "mlp_784_128_64_10", "residual", "layer_gradient_norms_relu_he")
LARGE_LOSS = ("layer_gradient_norms_sigmoid_residual",)
CASES = [(m, "float64") for m in MODELS] + [(m, "float32") for m in MODELS if m not in KINKED + LARGE_LOSS]


def _rounding(model):
    """eps32 |L| / h at the float32 step: the float32 rounding error of one central difference."""
    inputs, G, _ = _setup(model, "float32")
    loss = np.sum(G * FORWARD[MODELS[model][0]][0](*inputs.values(), **_hyper(model))[0], dtype=np.float64)
    return np.finfo(np.float32).eps * abs(loss) / ng.STEPS["float32"]


def test_float32_rounding_is_out_of_reach_only_where_the_loss_is_large():
    atol = ng.TOLERANCES["float32"][0]
    for model in MODELS:
        assert (_rounding(model) > atol) == (model in LARGE_LOSS), (model, _rounding(model))


def _signs_flipped(model, dtype):
    """How many ReLU pre-activations of the NumPy deep net change sign when one checked element of W1 moves by
    the tool's step, either way."""
    inputs, _, blocks = _setup(model, dtype)
    h = ng.STEPS[dtype]  # the blocks start at 0: h_j = eps max(|0|, 1)

    def signs(W1):
        _, (layers, _, _) = nf.deep_net_forward(*{**inputs, "W1": W1}.values(), **_hyper(model))
        return np.stack([z > 0 for _, _, z, _ in layers])
    base = signs(inputs["W1"])
    flipped = 0
    for i, j in np.ndindex(blocks["W1"]):
        for step in (h, -h):
            W1 = inputs["W1"].copy()
            W1[i, j] += inputs["W1"].dtype.type(step)
            flipped += int(np.sum(signs(W1) != base))
    return flipped


def test_the_float32_step_crosses_relu_kinks_the_float64_step_does_not():
    assert _signs_flipped("layer_gradient_norms_relu_he", "float32") > 0
    assert _signs_flipped("layer_gradient_norms_relu_he", "float64") == 0


@pytest.mark.parametrize("model, dtype", CASES)
def test_gradcheck_passes_on_every_model_in_all_three(model, dtype):
    results = _check_all(model, dtype)
    for framework, r in results.items():
        assert r.passed and r.failed == (), (framework, r.max_abs, r.max_rel)
    if dtype == "float64":  # one gradient: each framework's analytic blocks are NumPy's under its conventions
        inputs, G, blocks = _setup(model, dtype)
        for framework in ("torch", "keras"):
            formula = dict(convention(model, framework).formula) if model in MLPS else {}
            _, reference = _numpy_f(model, inputs, G, blocks, formula=formula)(_blocks(blocks, dtype))
            for key, expected in reference.items():
                np.testing.assert_allclose(np.asarray(results[framework].analytic[key]), expected, rtol=1e-10,
                                           atol=1e-13, err_msg=f"{framework} {key}")


# ---- a deliberately broken layer backward fails the check (NumPy: the hand-written side) ---------------------

def _dense_backward_mean_bias(dout, cache, **kwargs):
    """db = mean over the batch instead of the sum: off by a factor N."""
    dx, dW, db = nl.dense_backward(dout, cache, **kwargs)
    return dx, dW, db / dout.shape[0]


def _batchnorm_backward_without_statistics(dout, cache):
    """The inference formula in training mode: forgets that the batch statistics depend on x."""
    return nl.batchnorm_inference_backward(dout, cache)


@pytest.mark.parametrize("model, broken", [("mlp_4_8_4_1", "b1"), ("layer_gradient_norms_relu_he", "b1")])
def test_a_broken_dense_backward_fails(model, broken, monkeypatch):
    inputs, G, blocks = _setup(model, "float64")
    for module in (nm, nf):
        monkeypatch.setattr(module, "dense_backward", _dense_backward_mean_bias)
    r = ng.gradcheck(_numpy_f(model, inputs, G, blocks), _blocks(blocks, "float64"))
    assert not r.passed and broken in r.failed and "x" not in r.failed and "W1" not in r.failed, r.failed
    assert r.max_rel[broken] > 0.5  # a factor N = 4 or 16: no rounding error


@pytest.mark.parametrize("model", ["batchnorm", "layer_gradient_norms_sigmoid_batchnorm"])
def test_a_broken_batchnorm_backward_fails(model, monkeypatch):
    inputs, G, blocks = _setup(model, "float64")
    backward = _batchnorm_backward_without_statistics if model == "batchnorm" else None
    monkeypatch.setattr(nf, "batchnorm_backward", _batchnorm_backward_without_statistics)
    r = ng.gradcheck(_numpy_f(model, inputs, G, blocks, backward), _blocks(blocks, "float64"))
    assert not r.passed and "x" in r.failed and r.max_rel["x"] > 0.1, (r.failed, r.max_rel)
