"""The three packages mirror each other: same modules, same public names in the same order, same
parameters. The NumPy reference may add keyword-only switches, each a recorded convention; every
differentiable NumPy function has ``<name>_backward(dout, *inputs, ...)``, or, for a layer in llm.c's
style, ``X_forward(...) -> (out, cache)`` has ``X_backward(dout, cache)``."""
import importlib
import inspect
import pathlib

import pytest

from parity_tests.cases import ALL_CASES, ALL_TRAININGS
from parity_tests.conventions import FRAMEWORKS, convention

PACKAGES = ("reference_numpy", "torch_impl", "keras_impl")
ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (ROOT / "reference_numpy").glob("*.py") if p.stem != "__init__")
HELPER_MODULES = ("autograd", "validation", "losses_common", "optimizers_common", "gradcheck")  # shared by concepts; names mirrored, signatures per framework
CONCEPT_MODULES = [m for m in MODULES if m not in HELPER_MODULES]


def _module(package, name):
    return importlib.import_module(f"{package}.{name}")


POSITIONAL = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)  # x, *params


def _params(fn, kinds=None):
    ps = inspect.signature(fn).parameters.values()
    return [p.name for p in ps if kinds is None or p.kind in kinds]


def _concepts(module, name):
    """The concepts a public function answers to: the case rows calling it (several rows may share one
    function, e.g. one MLP forward for several networks); a function no row calls (a model builder)
    answers to every row of its module; a name with no row at all is its own concept."""
    rows = [c for c in ALL_CASES + ALL_TRAININGS if c.numpy.__module__ == f"reference_numpy.{module}"]
    return [c.concept for c in rows if c.numpy.__name__ == name] or [c.concept for c in rows] or [name]


FRAMEWORK_ONLY = ("defaults",)  # DEFAULT: leave an argument to the framework -- the NumPy reference has no framework
# which Keras backend runs, and what keras_impl needs of it beyond keras.ops (torch and NumPy have one backend)
PACKAGE_ONLY = {"keras_impl": ("backend",)}


def test_same_modules_in_every_package():
    for package in PACKAGES:
        expected = sorted(MODULES + list(FRAMEWORK_ONLY if package != "reference_numpy" else ())
                          + list(PACKAGE_ONLY.get(package, ())))
        assert sorted(p.stem for p in (ROOT / package).glob("*.py") if p.stem != "__init__") == expected, package


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
        assert _params(ref, POSITIONAL) == _params(tfn, POSITIONAL), name
        kw = (inspect.Parameter.KEYWORD_ONLY,)
        extras = set(_params(ref, kw)) - set(_params(tfn, kw))
        assert set(_params(tfn, kw)) <= set(_params(ref, kw)), name
        formula_keys = {k for c in _concepts(module, name) for fw in FRAMEWORKS for k in convention(c, fw).formula}
        assert extras <= formula_keys, f"{name}: switches {extras - formula_keys} are not in the conventions table"


# Backward keywords that choose what is returned, not how it is computed (no framework has a value for them).
NOT_SWITCHES = {"input_grad": "False leaves dx out (a training step's x is data); the harness always asks for it"}


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.grad_wrt], ids=lambda c: c.concept)
def test_every_differentiable_numpy_function_has_a_backward(case):
    module = inspect.getmodule(case.numpy)
    name = case.numpy.__name__
    layer = name.endswith("_forward")  # X_forward -> (out, cache) pairs with X_backward(dout, cache)
    backward = getattr(module, f"{name.removesuffix('_forward')}_backward")
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    inputs = ["cache"] if layer else _params(case.numpy, (positional,))
    assert _params(backward, POSITIONAL) == ["dout"] + inputs
    formula_keys = {k for fw in FRAMEWORKS for k in convention(case.concept, fw).formula}
    backward_only = set(_params(backward, (inspect.Parameter.KEYWORD_ONLY,))) - set(_params(case.numpy)) - set(NOT_SWITCHES)
    assert backward_only <= formula_keys, f"{case.concept}: backward switches {backward_only - formula_keys} not in the table"
    assert all(p.kind in (positional, inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(backward).parameters.values())


def _names_concept(name, concept):
    """A function's rows are named after it (a layer ``X_forward``: after ``X``), or ``<name>_<variant>``
    when several rows share it (one per network)."""
    stem = name.removesuffix("_forward")
    return concept in (name, stem) or concept.startswith(f"{stem}_")


# Rows whose callables are the harness's adapters around a mirrored tool that takes a function, not arrays.
ADAPTED = {"gradcheck": "each package's gradcheck checks a loss the adapters build from that package's mlp_forward "
                        "(parity_tests/cases/gradcheck.py: numpy_tool, torch_tool, keras_tool)"}


def test_cases_register_the_mirrored_objects():
    for case in ALL_CASES:
        if case.concept in ADAPTED:
            assert [fn.__name__ for fn in (case.numpy, case.torch, case.keras)] == [
                f"{name}_tool" for name in ("numpy", "torch", "keras")], case.concept
            continue
        names = {fn.__name__ for fn in (case.numpy, case.torch, case.keras)}
        modules = {fn.__module__.split(".", 1)[1] for fn in (case.numpy, case.torch, case.keras)}
        assert len(names) == 1 and _names_concept(*names, case.concept) and len(modules) == 1, case.concept
