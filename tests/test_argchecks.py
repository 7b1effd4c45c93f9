"""The shared argument checks (``argchecks``), through each package's subclass: every composite check passes a
good argument and, for a bad one, raises the contract's class with a message naming the argument -- the same
class and message from the three packages; the package stays framework-free; ``Default`` and the exports."""
import importlib
import re
import subprocess
import sys

import numpy as np
import pytest

import argchecks
from argchecks import PUBLIC, BaseChecks, Checks, Default, exports, gradcheck_result, resolve_tolerances

PACKAGES = ("reference_numpy", "torch_impl", "keras_impl")


def _maker(package):
    """make(values, dtype="float32"): a list (or a float) as the package's array -- NumPy, torch or Keras."""
    to = lambda a: a  # noqa: E731
    if package == "torch_impl":
        import torch
        to = torch.from_numpy
    elif package == "keras_impl":
        import keras
        to = keras.ops.convert_to_tensor
    return lambda values, dtype="float32": to(np.asarray(values, dtype=dtype))


@pytest.fixture(scope="module", params=PACKAGES)
def pkg(request):
    """(the package's validation module, its ``make``)."""
    return importlib.import_module(f"{request.param}.validation"), _maker(request.param)


def _ints(values):
    """An int64 array, spelled for :func:`_build`."""
    return values, "int64"


def _build(make, args):
    """Arguments with arrays spelled as lists (float32), (list or float, dtype) pairs, tuples of lists (a tuple of
    arrays) or dicts of lists; anything else as it is."""
    out = []
    for a in args:
        if isinstance(a, list):
            out.append(make(a))
        elif isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], (list, float)) and isinstance(a[1], str):
            out.append(make(*a))
        elif isinstance(a, tuple) and a and all(isinstance(x, list) for x in a):
            out.append(tuple(make(x) for x in a))
        elif isinstance(a, dict):
            out.append({k: make(v) for k, v in a.items()})
        else:
            out.append(a)
    return out


X23 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
W32 = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
SQUARE = [[1.0, 0.0], [0.0, 1.0]]
B0 = (0.0, "float32")  # a 0-d bias

# (check, good arguments, bad arguments, class, argument named in the message)
CASES = [
    ("check_pair", ([1.0, 2.0], [1.0, 3.0]), ([1.0, 2.0], [1.0, float("nan")]), ValueError, "y_true"),
    ("check_pair", ([1.0, 2.0], [1.0, 3.0]), ([1.0, 2.0], [[1.0, 2.0]]), ValueError, "y_true"),
    ("check_pair", ([1.0, 2.0], [1.0, 3.0]), (_ints([1, 2]), [1.0, 3.0]), TypeError, "y_pred"),
    ("check_logits_labels", ([[0.1, 0.9]], _ints([1])), ([[0.1, 0.9]], _ints([2])), ValueError, "y_true"),
    ("check_logits_labels", ([[0.1, 0.9]], _ints([1])), ([[0.1, 0.9]], [1.0]), TypeError, "y_true"),
    ("check_class_weights", ([1.0, 2.0], [[0.1, 0.9]]), ([1.0, 2.0, 3.0], [[0.1, 0.9]]), ValueError,
     "class_weights"),
    ("check_contrastive", ([0.5, 1.0], [0.0, 1.0], 1.0), ([-0.5, 1.0], [0.0, 1.0], 1.0), ValueError, "y_pred"),
    ("check_contrastive", ([0.5, 1.0], [0.0, 1.0], 1.0), ([0.5, 1.0], [0.0, 1.0], 0.0), ValueError, "margin"),
    ("check_triplet", (SQUARE, SQUARE, SQUARE, 1.0), (SQUARE, SQUARE, [[1.0, 0.0]], 1.0), ValueError, "negative"),
    ("check_lengths", (_ints([1, 2]), 2, 3, "pred_lengths"), (_ints([4, 0]), 2, 3, "pred_lengths"), ValueError,
     "pred_lengths"),
    ("check_ctc", ([[[0.0] * 4] * 3] * 2, _ints([[1, 2], [1, 0]]), _ints([3, 3]), _ints([2, 1]), 0),
     ([[[0.0] * 4] * 3] * 2, _ints([[1, 0], [1, 0]]), _ints([3, 3]), _ints([2, 1]), 0), ValueError, "y_true"),
    ("check_ctc", ([[[0.0] * 4] * 3] * 2, _ints([[1, 2], [1, 0]]), _ints([3, 3]), _ints([2, 1]), 0),
     ([[[0.0] * 4] * 3] * 2, _ints([[1, 2], [1, 0]]), _ints([3, 3]), _ints([2, 1]), 4), ValueError, "blank"),
    ("check_grads", (([1.0],), ([2.0],)), (([1.0], [1.0]), ([2.0],)), ValueError, "grads"),
    ("check_grads", (([1.0],), ([2.0],)), (([1.0, 2.0],), ([2.0],)), ValueError, "grads"),
    ("check_clipping", (([1.0],), "g", 1.0, "max_norm"), (([1.0],), "g", -1.0, "max_norm"), ValueError, "max_norm"),
    ("check_clipping", (([1.0],), "g", 1.0, "max_norm"), ((), "grads", 1.0, "max_norm"), ValueError, "grads"),
    ("check_adam", (0.1, 0.9, 0.999, 1e-8, 0.0), (0.1, 0.9, 1.0, 1e-8, 0.0), ValueError, "beta2"),
    ("check_adam", (0.1, 0.9, 0.999, 1e-8, 0.0), (0.1, 0.9, 0.999, 0.0, 0.0), ValueError, "eps"),
    ("check_sgd_run", (5, 0.1, None), (0, 0.1, None), ValueError, "steps"),
    ("check_steps", (_ints([0, 1, 2]),), (_ints([-1, 2]),), ValueError, "steps"),
    ("check_steps", (_ints([0, 1, 2]),), ([0.0, 1.0],), TypeError, "steps"),
    ("check_plateau", ([1.0, 0.5], 0.1, 0.5, 2, 1e-4, 0, 0.0), ([1.0, 0.5], 0.1, 1.0, 2, 1e-4, 0, 0.0), ValueError,
     "factor"),
    ("check_lr_range", (X23, [1.0, 2.0], [0.0] * 3, 1e-3, 1.0, 10, 2), (X23, [1.0, 2.0], [0.0] * 3, 1e-3, 1e-4, 10, 2),
     ValueError, "lr_max"),
    ("check_lr_range", (X23, [1.0, 2.0], [0.0] * 3, 1e-3, 1.0, 10, 2), (X23, [1.0], [0.0] * 3, 1e-3, 1.0, 10, 2),
     ValueError, "y"),
    ("check_gradcheck", (abs, {"w": [1.0]}, None, None, None), (abs, {"w": [1.0]}, None, -1.0, None), ValueError,
     "atol"),
    ("check_gradcheck", (abs, {"w": [1.0]}, None, None, None), ("f", {"w": [1.0]}, None, None, None), TypeError, "f"),
    ("check_initializer", (3, 4, 0, "float32", ("float32", "float64")), (3, 4, -1, "float32", ("float32",)),
     ValueError, "seed"),
    ("check_initializer", (3, 4, 0, "float32", ("float32", "float64")), (3, 4, 0, 32, ("float32",)), TypeError,
     "dtype"),
    ("check_alpha", ([0.2], X23), ([0.2, 0.3], X23), ValueError, "alpha"),
    ("check_logits", ([1.0, 2.0], -1), ([1.0, float("inf")], -1), ValueError, "x"),
    ("check_logits", ([1.0, 2.0], -1), ([1.0, 2.0], 1), ValueError, "axis"),
    ("check_input", (X23,), ([1.0, 2.0],), ValueError, "x"),
    ("check_operand", ([1.0, 2.0], "b", X23, (2,)), ([1.0], "b", X23, (2,)), ValueError, "b"),
    ("check_weights", (W32, [0.0, 0.0], X23, 3), (SQUARE, [0.0, 0.0], X23, 3), ValueError, "W"),
    ("check_batchnorm", (X23, [1.0] * 3, [0.0] * 3, 1e-5), (X23, [1.0] * 3, [0.0] * 3, 0.0), ValueError, "eps"),
    ("check_running_stats", (X23, [0.0] * 3, [1.0] * 3), (X23, [0.0] * 3, [1.0] * 2), ValueError, "running_var"),
    ("check_residual", (X23, W32, [0.0] * 2, [[1.0] * 3] * 2, [0.0] * 3), (X23, W32, [0.0] * 2, SQUARE, [0.0] * 2),
     ValueError, "W2"),
    ("check_mlp", (X23, (W32, [0.0] * 2), ("relu",)), (X23, (W32, [0.0] * 2), "relu"), TypeError, "activations"),
    ("check_mlp", (X23, (W32, [0.0] * 2), ("relu",)), (X23, (W32, [0.0] * 2), ("gelu",)), ValueError, "activations"),
    ("check_network", (X23, (W32, [0.0] * 2), ("tanh",)), (X23, (W32, [0.0] * 2), ("leaky_relu",)), ValueError,
     "activations"),
    ("check_training", (X23, [[1.0]] * 2, 1, 1), (X23, [[1.0]] * 2, 3, 1), ValueError, "batch_size"),
    ("check_perceptron", (X23, [0.0, 1.0], [0.0] * 3, B0, 1.0, 1), (X23, [0.0, 2.0], [0.0] * 3, B0, 1.0, 1),
     ValueError, "y"),
    ("check_probabilities", ([0.0, 1.0], "p"), ([0.0, 1.5], "p"), ValueError, "p"),
    ("check_labels", (_ints([0, 2]), 3, "y"), (_ints([0, 3]), 3, "y"), ValueError, "y"),
    ("check_integer", (_ints([0]), "steps", "step indices"), ([0.0], "steps", "step indices"), TypeError, "steps"),
    ("check_floating", ([0.0], "x"), (_ints([0]), "x"), TypeError, "x"),
    ("check_below_inf", ([0.0, -float("inf")], "x"), ([0.0, float("inf")], "x"), ValueError, "x"),
    ("check_nonempty", ([0.0], "x"), ([], "x"), ValueError, "x"),
    ("check_same_dtype", ([0.0], "a", [1.0], "b"), ([0.0], "a", ([1.0], "float64"), "b"), TypeError, "b"),
    ("check_like", ([0.0], "g", [1.0], "p"), ([0.0, 1.0], "g", [1.0], "p"), ValueError, "g"),
    ("check_range", ([0.0, 0.5], "y_true", 0, 1), ([0.0, 1.5], "y_true", 0, 1), ValueError, "y_true"),
]


@pytest.mark.parametrize("check, good, bad, exc, argument", CASES,
                         ids=[f"{c[0]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_a_check_passes_good_and_names_the_bad_argument(pkg, check, good, bad, exc, argument):
    validation, make = pkg
    fn = getattr(validation, check)
    fn(*_build(make, good))
    with pytest.raises(exc) as caught:
        fn(*_build(make, bad))
    assert re.match(rf"{argument}\b", str(caught.value)), str(caught.value)


@pytest.mark.parametrize("check, good, bad, exc, argument", [c for c in CASES if c[3] is ValueError],
                         ids=[f"{c[0]}-{c[4]}" for c in CASES if c[3] is ValueError])
def test_the_three_packages_say_the_same(check, good, bad, exc, argument):
    messages = set()
    for package in PACKAGES:
        with pytest.raises(exc) as caught:
            getattr(importlib.import_module(f"{package}.validation"), check)(*_build(_maker(package), bad))
        messages.add(str(caught.value))
    assert len(messages) == 1, messages


def test_gradcheck_returns_the_key_of_the_packages_tables(pkg):
    validation, make = pkg
    key = validation.check_gradcheck(abs, {"w": make([1.0], "float64")}, None, None, None)
    tool = importlib.import_module(validation.__name__.replace("validation", "gradcheck"))
    assert key in tool.STEPS and key in tool.TOLERANCES and str(key).removeprefix("torch.") == "float64"


def test_argchecks_imports_no_array_library_and_no_harness():
    code = ("import sys, argchecks; bad = {'numpy', 'torch', 'keras', 'tensorflow', 'parity_tests', "
            "'reference_numpy', 'torch_impl', 'keras_impl'} & set(sys.modules); print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_every_validation_module_exports_the_shared_names():
    for package in PACKAGES:
        validation = importlib.import_module(f"{package}.validation")
        assert validation.__all__ == list(PUBLIC), package
        assert all(getattr(validation, name) is not None for name in PUBLIC), package
    assert set(exports(importlib.import_module("reference_numpy.validation")._CHECKS)) == set(PUBLIC)


def test_a_subclass_without_its_primitives_cannot_be_made():
    class Half(Checks):
        def is_array(self, x):
            return True
    with pytest.raises(TypeError):
        Half()
    assert issubclass(Checks, BaseChecks)


def test_default_passes_only_its_own_packages_checks():
    import keras_impl.validation as kv
    import reference_numpy.validation as nv
    import torch_impl.validation as tv
    from keras_impl import defaults as kd
    from torch_impl import defaults as td
    assert isinstance(td.DEFAULT, Default) and isinstance(kd.DEFAULT, Default) and td.DEFAULT is not kd.DEFAULT
    assert repr(td.DEFAULT) == "DEFAULT"
    tv.check_number(td.DEFAULT, "lr", positive=True)
    tv.check_choice(td.DEFAULT, ("a",), "mode")
    kv.check_axis(kd.DEFAULT, 2)
    with pytest.raises(TypeError, match="lr"):
        tv.check_number(kd.DEFAULT, "lr", positive=True)
    with pytest.raises(TypeError, match="lr"):
        nv.check_number(td.DEFAULT, "lr", positive=True)
    with pytest.raises(TypeError, match="mode"):
        nv.check_choice(kd.DEFAULT, ("a",), "mode")
    assert td.given(lr=td.DEFAULT, beta=0.5, gamma=None) == {"beta": 0.5, "gamma": None}
    assert kd.given(lr=td.DEFAULT) == {"lr": td.DEFAULT}


@pytest.mark.parametrize("value, kwargs, exc", [
    (None, {}, TypeError), (True, {}, TypeError), ("1", {}, TypeError), (1.5, {"integer": True}, TypeError),
    (float("nan"), {}, ValueError), (float("inf"), {}, ValueError), (0.0, {"positive": True}, ValueError),
    (1.0, {"high": 1.0, "high_open": True}, ValueError), (-1, {"low": 0}, ValueError)])
def test_check_number_rejects(value, kwargs, exc):
    import reference_numpy.validation as nv
    with pytest.raises(exc, match="^lr "):
        nv.check_number(value, "lr", **kwargs)
    nv.check_number(None, "lr", optional=True, **kwargs)


def test_interval_and_the_gradcheck_helpers():
    assert argchecks.interval(0.0, float("inf"), True, False) == "(0.0, inf)"
    assert argchecks.interval(0, 1, False, True) == "[0, 1)"
    steps, tolerances = {"float64": 1e-6}, {"float64": (1e-5, 1e-3)}
    assert resolve_tolerances("float64", None, None, 0.5, steps=steps, tolerances=tolerances) == (1e-6, 1e-5, 0.5)
    result = gradcheck_result({"a": (0.1, 0.2, True), "b": (1.0, 2.0, False)}, {}, {}, 1e-6, 1e-5, 1e-3)
    assert not result.passed and result.failed == ("b",) and result.max_rel == {"a": 0.2, "b": 2.0}
