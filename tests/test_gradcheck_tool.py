"""``gradcheck`` as a user tool, in the three packages: it passes correct gradients of functions built from the
suite's modules (a loss of an activation of x @ W) in float64 and float32, returns ``passed=False`` for a
deliberately wrong one, rejects bad input alike, uses the step and tolerances of the table
(conventions/gradcheck.py), and the frameworks' own checkers are what the table says."""
import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import keras_impl.activations as ka
import keras_impl.gradcheck as kg
import keras_impl.losses_classification as kc
import keras_impl.losses_regression as kr
import reference_numpy.activations as na
import reference_numpy.gradcheck as ng
import reference_numpy.losses_classification as nc
import reference_numpy.losses_regression as nr
import torch_impl.activations as ta
import torch_impl.gradcheck as tg
import torch_impl.losses_classification as tc
import torch_impl.losses_regression as tr

from parity_tests.conventions.gradcheck import FRAMEWORK_TOOLS, STEP, TOLERANCE

DTYPES = ("float64", "float32")
RNG = np.random.default_rng(5)
DATA = {"x": RNG.standard_normal((4, 3)), "y": RNG.uniform(size=(4, 2)),
        "t": RNG.dirichlet(np.ones(2), size=4)}  # targets for cross-entropy: each row sums to 1
PARAMS = {"W": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2), "V": RNG.standard_normal((2, 2))}


def _data(framework, dtype):
    convert = {"numpy": np.asarray, "torch": torch.from_numpy, "keras": tf.constant}[framework]
    return {k: convert(v.astype(dtype)) for k, v in DATA.items()}


# ---- the functions checked: NumPy with its hand-written backward, torch and Keras plain ---------------------

def _numpy_mse_sigmoid(d, wrong=False):
    r"""mse(sigmoid(x W + b), y); ``wrong`` drops the sigmoid's derivative from the chain."""
    def f(p):
        z = d["x"] @ p["W"] + p["b"]  # (N, H)
        a = na.sigmoid(z)  # (N, H)
        g = nr.mse_backward(np.ones((), z.dtype), a, d["y"])  # (N, H)
        gz = g if wrong else na.sigmoid_backward(g, z)  # (N, H)
        return nr.mse(a, d["y"]), {"W": d["x"].T @ gz, "b": gz.sum(axis=0)}
    return f


def _numpy_ce_tanh(d):
    """cross-entropy with logits of tanh(x W) V, probability targets."""
    def f(p):
        z = d["x"] @ p["W"]  # (N, H)
        h = na.tanh(z)  # (N, H)
        logits = h @ p["V"]  # (N, C)
        g = nc.categorical_crossentropy_with_logits_backward(np.ones((), z.dtype), logits, d["t"])  # (N, C)
        gz = na.tanh_backward(g @ p["V"].T, z)  # (N, H)
        return nc.categorical_crossentropy_with_logits(logits, d["t"]), {"W": d["x"].T @ gz, "V": h.T @ g}
    return f


class _WrongSigmoid(torch.autograd.Function):
    """sigmoid whose backward forgets the derivative: the bug gradcheck must report."""
    @staticmethod
    def forward(ctx, z):
        return torch.sigmoid(z)

    @staticmethod
    def backward(ctx, g):
        return g


@tf.custom_gradient
def _wrong_sigmoid(z):
    return keras.ops.sigmoid(z), lambda g: g


def _torch_mse_sigmoid(d, wrong=False):
    act = _WrongSigmoid.apply if wrong else ta.sigmoid
    return lambda p: tr.mse(act(d["x"] @ p["W"] + p["b"]), d["y"])


def _keras_mse_sigmoid(d, wrong=False, dtype="same"):
    act = _wrong_sigmoid if wrong else ka.sigmoid
    return lambda p: kr.mse(act(keras.ops.matmul(d["x"], p["W"]) + p["b"]), d["y"],
                            dtype=p["W"].dtype.name if dtype == "same" else dtype)


def _torch_ce_tanh(d):
    return lambda p: tc.categorical_crossentropy_with_logits(ta.tanh(d["x"] @ p["W"]) @ p["V"], d["t"])


def _keras_ce_tanh(d):
    return lambda p: kc.categorical_crossentropy_with_logits(
        keras.ops.matmul(ka.tanh(keras.ops.matmul(d["x"], p["W"])), p["V"]), d["t"], dtype=p["W"].dtype.name)


FUNCTIONS = {
    "mse_sigmoid": ((ng, _numpy_mse_sigmoid), (tg, _torch_mse_sigmoid), (kg, _keras_mse_sigmoid), ("W", "b")),
    "ce_tanh": ((ng, _numpy_ce_tanh), (tg, _torch_ce_tanh), (kg, _keras_ce_tanh), ("W", "V")),
}


def _check(framework, module, build, names, dtype, **kwargs):
    d = _data(framework, dtype)
    params = {k: v for k, v in _data_params(framework, dtype).items() if k in names}
    return module.gradcheck(build(d, **kwargs), params)


def _data_params(framework, dtype):
    convert = {"numpy": np.asarray, "torch": torch.from_numpy, "keras": tf.constant}[framework]
    return {k: convert(v.astype(dtype)) for k, v in PARAMS.items()}


FRAMEWORKS = ("numpy", "torch", "keras")


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_correct_gradients_pass_in_all_three(name, dtype):
    *impls, names = FUNCTIONS[name]
    results = [_check(fw, module, build, names, dtype) for fw, (module, build) in zip(FRAMEWORKS, impls)]
    atol, rtol = TOLERANCE[dtype]
    for r in results:
        assert r.passed and r.failed == (), (r.max_abs, r.max_rel)
        assert set(r.max_abs) == set(r.max_rel) == set(names)
        assert (r.eps, r.atol, r.rtol) == pytest.approx((STEP[dtype], atol, rtol), rel=1e-7)
        assert all(v < atol for v in r.max_abs.values())
    # the tool itself has parity: the three numeric gradients of one function agree
    for key in names:
        numeric = [np.asarray(r.numeric[key]) for r in results]
        scale = 1e-9 if dtype == "float64" else 1e-4
        np.testing.assert_allclose(numeric[1], numeric[0], atol=scale)
        np.testing.assert_allclose(numeric[2], numeric[0], atol=scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_wrong_gradient_fails_in_all_three(dtype):
    *impls, names = FUNCTIONS["mse_sigmoid"]
    for fw, (module, build) in zip(FRAMEWORKS, impls):
        r = _check(fw, module, build, names, dtype, wrong=True)
        assert not r.passed and r.failed == ("W", "b"), fw
        assert min(r.max_rel.values()) > 0.5  # sigmoid' <= 1/4: the missing factor is no rounding error


def test_a_small_error_fails_in_float64_only_where_the_tolerance_resolves_it():
    def f(p):  # the gradient of sum(p^2) off by 0.5 %
        return float(np.sum(p["w"] ** 2)), {"w": 2.01 * p["w"]}
    w = np.array([0.5, -1.0, 2.0])
    assert not ng.gradcheck(f, {"w": w}).passed
    assert ng.gradcheck(f, {"w": w.astype(np.float32)}).passed  # within float32's rtol 1e-2


def test_a_parameter_the_loss_ignores_gets_a_zero_gradient():
    d, p = _data("torch", "float64"), _data_params("torch", "float64")
    r = tg.gradcheck(_torch_mse_sigmoid(d), {"W": p["W"], "b": p["b"], "V": p["V"]})
    assert r.passed and not torch.any(r.analytic["V"]) and not torch.any(r.numeric["V"])
    dk, pk = _data("keras", "float64"), _data_params("keras", "float64")
    r = kg.gradcheck(_keras_mse_sigmoid(dk), {"W": pk["W"], "b": pk["b"], "V": pk["V"]})
    assert r.passed and not np.any(r.analytic["V"].numpy())


def test_the_step_is_relative_for_large_parameters():
    def f(p):  # cube: the truncation error of a central difference is h^2 exactly
        return float(np.sum(p["w"] ** 3)), {"w": 3 * p["w"] ** 2}
    w = np.array([1e3, -2e3], np.float32)
    r = ng.gradcheck(f, {"w": w})
    assert r.passed, r.max_rel
    assert not ng.gradcheck(f, {"w": w}, eps=1e-6).passed  # a step near w's ulp: rounding dominates


def test_keras_losses_compute_in_floatx_and_the_tool_sees_it():
    d, p = _data("keras", "float64"), _data_params("keras", "float64")
    params = {"W": p["W"], "b": p["b"]}
    assert keras.config.floatx() == "float32"
    assert not kg.gradcheck(_keras_mse_sigmoid(d, dtype=None), params).passed  # float32 rounding at h = 1e-6
    assert kg.gradcheck(_keras_mse_sigmoid(d, dtype=None), params, eps=STEP["float32"], atol=1e-3, rtol=1e-2).passed


def test_keras_fused_cross_entropy_gradient_assumes_targets_sum_to_one():
    d, p = _data("keras", "float64"), _data_params("keras", "float64")
    d["t"] = 2 * d["t"]  # rows sum to 2: TF's kernel still returns softmax - t
    r = kg.gradcheck(_keras_ce_tanh(d), {"W": p["W"], "V": p["V"]})
    assert not r.passed and r.failed == ("W", "V")
    dn, pn = _data("numpy", "float64"), _data_params("numpy", "float64")
    dn["t"] = 2 * dn["t"]
    assert ng.gradcheck(_numpy_ce_tanh(dn), {"W": pn["W"], "V": pn["V"]}).passed  # the exact gradient


def test_explicit_options_are_used():
    d, p = _data("torch", "float64"), _data_params("torch", "float64")
    params = {"W": p["W"], "b": p["b"]}
    r = tg.gradcheck(_torch_mse_sigmoid(d), params, eps=1e-5, atol=0.0, rtol=1e-4)
    assert (r.eps, r.atol, r.rtol) == (1e-5, 0.0, 1e-4) and r.passed
    assert not tg.gradcheck(_torch_mse_sigmoid(d), params, atol=0.0, rtol=0.0).passed  # no tolerance at all


# ---- bad input --------------------------------------------------------------------------------------------

CONVERT = {"numpy": np.asarray, "torch": torch.from_numpy, "keras": tf.constant}
SQUARES = {"numpy": lambda p: (float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}),
           "torch": lambda p: torch.sum(p["w"] ** 2), "keras": lambda p: keras.ops.sum(p["w"] ** 2)}
VECTOR = {"numpy": lambda p: (p["w"] ** 2, {"w": 2 * p["w"]}), "torch": lambda p: p["w"] ** 2,
          "keras": lambda p: p["w"] ** 2}
W32 = np.array([0.5, -1.0], np.float32)

# (label, {name: ndarray} or a non-dict, f per framework, keywords, exception, argument named)
BAD = [
    ("params a list", [W32], SQUARES, {}, TypeError, "params"),
    ("no params", {}, SQUARES, {}, ValueError, "params"),
    ("integer parameter", {"w": np.array([1, 2])}, SQUARES, {}, TypeError, "params"),
    ("float16 parameter", {"w": W32.astype(np.float16)}, SQUARES, {}, TypeError, "params"),
    ("mixed dtypes", {"w": W32, "v": W32.astype(np.float64)}, SQUARES, {}, TypeError, "params"),
    ("NaN parameter", {"w": np.array([np.nan, 1.0], np.float32)}, SQUARES, {}, ValueError, "params"),
    ("empty parameter", {"w": np.zeros(0, np.float32)}, SQUARES, {}, ValueError, "params"),
    ("f not callable", {"w": W32}, dict.fromkeys(FRAMEWORKS, "loss"), {}, TypeError, "f"),
    ("f returns a vector", {"w": W32}, VECTOR, {}, ValueError, "f"),
    ("eps 0", {"w": W32}, SQUARES, {"eps": 0.0}, ValueError, "eps"),
    ("eps negative", {"w": W32}, SQUARES, {"eps": -1e-3}, ValueError, "eps"),
    ("atol negative", {"w": W32}, SQUARES, {"atol": -1.0}, ValueError, "atol"),
    ("rtol a string", {"w": W32}, SQUARES, {"rtol": "1e-3"}, TypeError, "rtol"),
    ("rtol infinite", {"w": W32}, SQUARES, {"rtol": float("inf")}, ValueError, "rtol"),
]


@pytest.mark.parametrize("label, params, fs, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_alike(label, params, fs, kwargs, exc, name):
    for fw, module in zip(FRAMEWORKS, (ng, tg, kg)):
        converted = {k: CONVERT[fw](v) for k, v in params.items()} if isinstance(params, dict) else params
        with pytest.raises(exc, match=rf"\b{name}\b"):
            module.gradcheck(fs[fw], converted, **kwargs)


def test_numpy_f_must_return_gradients_for_every_parameter():
    with pytest.raises(ValueError, match=r"\bf\b"):
        ng.gradcheck(lambda p: (0.0, {}), {"w": W32})
    with pytest.raises(ValueError, match=r"\bf\b"):
        ng.gradcheck(lambda p: (0.0, {"w": np.zeros(3)}), {"w": W32})
    with pytest.raises(TypeError, match=r"\bf\b"):
        ng.gradcheck(lambda p: 0.0, {"w": W32})


def test_keras_variables_are_accepted():
    r = kg.gradcheck(SQUARES["keras"], {"w": keras.Variable(W32.astype(np.float64))})
    assert r.passed and np.allclose(r.numeric["w"].numpy(), 2 * W32)


# ---- the table against the packages and the frameworks ----------------------------------------------------

def test_same_signature_in_all_three():
    for module in (ng, tg, kg):
        params = inspect.signature(module.gradcheck).parameters
        assert list(params) == ["f", "params", "eps", "atol", "rtol"]
        assert all(params[k].default is None and params[k].kind is inspect.Parameter.KEYWORD_ONLY
                   for k in ("eps", "atol", "rtol"))


def test_packages_use_the_tables_step_and_tolerances():
    torch_dtype = {"float64": torch.float64, "float32": torch.float32}
    for dtype in DTYPES:
        for steps, tolerances, key in ((ng.STEPS, ng.TOLERANCES, dtype), (kg.STEPS, kg.TOLERANCES, dtype),
                                       (tg.STEPS, tg.TOLERANCES, torch_dtype[dtype])):
            assert steps[key] == pytest.approx(STEP[dtype], rel=1e-7) and tolerances[key] == TOLERANCE[dtype]
    assert STEP["float32"] == pytest.approx(4.92e-3, rel=1e-3)


def test_torch_autograd_gradcheck_defaults_are_the_tables():
    params = inspect.signature(torch.autograd.gradcheck).parameters
    assert {k: params[k].default for k in ("eps", "atol", "rtol")} == FRAMEWORK_TOOLS["torch.autograd.gradcheck"]
    assert TOLERANCE["float64"] == (params["atol"].default, params["rtol"].default)


def test_torch_autograd_gradcheck_fails_correct_float32_gradients_ours_passes():
    d, p = _data("torch", "float32"), _data_params("torch", "float32")
    W = p["W"].clone().requires_grad_(True)
    with pytest.warns(UserWarning, match="double precision"):  # torch says so itself
        assert not torch.autograd.gradcheck(lambda W: tr.mse(torch.sigmoid(d["x"] @ W + p["b"]), d["y"]), (W,),
                                            raise_exception=False)
    assert tg.gradcheck(_torch_mse_sigmoid(d), {"W": p["W"], "b": p["b"]}).passed


def test_tf_compute_gradient_uses_a_fixed_delta_of_2_to_the_minus_10():
    for dtype in (tf.float32, tf.float64):
        _, (jacobian,) = tf.test.compute_gradient(lambda x: x ** 3, [tf.constant([0.0], dtype)])
        # (d^3 - (-d)^3) / 2d = d^2, exact in both dtypes: the step does not follow the dtype
        assert np.sqrt(jacobian[0, 0]) == FRAMEWORK_TOOLS["tf.test.compute_gradient"]["delta"]
