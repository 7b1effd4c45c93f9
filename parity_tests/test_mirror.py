"""The three packages mirror each other: same modules, same public names in the same order, same
parameters. The NumPy reference may add keyword-only switches, each a recorded convention; every
differentiable NumPy function has ``<name>_backward(dout, *inputs, ...)``."""
import importlib
import inspect
import pathlib

import pytest

from .cases import ALL_CASES
from .conventions import FRAMEWORKS, convention

PACKAGES = ("reference_numpy", "torch_impl", "keras_impl")
ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (ROOT / "reference_numpy").glob("*.py") if p.stem != "__init__")
HELPER_MODULES = ("autograd", "validation", "losses_common", "optimizers_common")  # shared by concepts; names mirrored, signatures per framework
CONCEPT_MODULES = [m for m in MODULES if m not in HELPER_MODULES]


def _module(package, name):
    return importlib.import_module(f"{package}.{name}")


def _params(fn, kind=None):
    ps = inspect.signature(fn).parameters.values()
    return [p.name for p in ps if kind is None or p.kind == kind]


def test_same_modules_in_every_package():
    for package in PACKAGES:
        assert sorted(p.stem for p in (ROOT / package).glob("*.py") if p.stem != "__init__") == MODULES, package


@pytest.mark.parametrize("module", MODULES)
def test_same_public_names_in_the_same_order(module):
    names = {package: list(_module(package, module).__all__) for package in PACKAGES}
    assert names["torch_impl"] == names["keras_impl"]
    if module not in ("autograd", "optimizers_common"):  # NumPy-only helpers (VJP pairing, array checks)
        assert names["reference_numpy"] == names["torch_impl"]


@pytest.mark.parametrize("module", CONCEPT_MODULES)
def test_signatures_match_and_numpy_extras_are_conventions(module):
    for name in _module("reference_numpy", module).__all__:
        ref, tfn, kfn = (getattr(_module(p, module), name) for p in PACKAGES)
        assert _params(tfn) == _params(kfn), name
        positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert _params(ref, positional) == _params(tfn, positional), name
        kw = inspect.Parameter.KEYWORD_ONLY
        extras = set(_params(ref, kw)) - set(_params(tfn, kw))
        assert set(_params(tfn, kw)) <= set(_params(ref, kw)), name
        formula_keys = {k for fw in FRAMEWORKS for k in convention(name, fw).formula}
        assert extras <= formula_keys, f"{name}: switches {extras - formula_keys} are not in the conventions table"


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.grad_wrt], ids=lambda c: c.concept)
def test_every_differentiable_numpy_function_has_a_backward(case):
    module = inspect.getmodule(case.numpy)
    backward = getattr(module, f"{case.numpy.__name__}_backward")
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert _params(backward, positional) == ["dout"] + _params(case.numpy, positional)
    formula_keys = {k for fw in FRAMEWORKS for k in convention(case.concept, fw).formula}
    backward_only = set(_params(backward, inspect.Parameter.KEYWORD_ONLY)) - set(_params(case.numpy))
    assert backward_only <= formula_keys, f"{case.concept}: backward switches {backward_only - formula_keys} not in the table"
    assert all(p.kind in (positional, inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(backward).parameters.values())


def test_cases_register_the_mirrored_objects():
    for case in ALL_CASES:
        names = {fn.__name__ for fn in (case.numpy, case.torch, case.keras)}
        modules = {fn.__module__.split(".", 1)[1] for fn in (case.numpy, case.torch, case.keras)}
        assert names == {case.concept} and len(modules) == 1, case.concept
