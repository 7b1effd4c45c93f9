"""Simulated framework upgrades: a changed default must fail the gate with a row naming the concept and the key.

One subprocess (the frameworks import once) patches one default at a time -- the function's or constructor's
own ``__defaults__``/``__kwdefaults__``, which is what a user gets by not passing the argument -- runs the gate
(``parity run --fast``) on the concept, records the exit code and the FAIL rows, and restores the default.
"""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (patch id, dotted path of the callable, parameter, new value, concept, framework, quantity the FAIL row names)
PATCHES = (
    ("keras-batchnorm-epsilon", "keras.layers.BatchNormalization", "epsilon", 1e-4, "batchnorm", "keras", "defaults.eps"),
    ("keras-LeakyReLU-layer", "keras.layers.LeakyReLU", "negative_slope", 0.25, "leaky_relu", "keras",
     "related.keras.layers.LeakyReLU.negative_slope"),
    ("keras-adam-epsilon", "keras.optimizers.Adam", "epsilon", 1e-6, "adam", "keras", "defaults.eps"),
    ("torch-F-leaky_relu", "torch.nn.functional.leaky_relu", "negative_slope", 0.02, "leaky_relu", "torch",
     "defaults.negative_slope"),
    ("torch-nn-LeakyReLU", "torch.nn.LeakyReLU", "negative_slope", 0.02, "leaky_relu", "torch",
     "related.torch.nn.LeakyReLU.negative_slope"),
    ("torch-adam-eps", "torch.optim.Adam", "eps", 1e-7, "adam", "torch", "defaults.eps"),
    ("torch-HuberLoss-delta", "torch.nn.HuberLoss", "delta", 2.0, "huber", "torch", "defaults.delta"),
    ("keras-PolynomialDecay-end", "keras.optimizers.schedules.PolynomialDecay", "end_learning_rate", 1e-3,
     "polynomial_decay", "keras", "defaults.end_lr"),
)

_SCRIPT = r'''
import contextlib, csv, json, sys, tempfile
from parity_tests.cli import main
from parity_tests.introspect import resolve

@contextlib.contextmanager
def patched(path, param, value):
    obj = resolve(path)
    fn = obj.__init__ if isinstance(obj, type) else obj
    if fn.__kwdefaults__ and param in fn.__kwdefaults__:
        old = dict(fn.__kwdefaults__)
        fn.__kwdefaults__ = {**old, param: value}
        try:
            yield
        finally:
            fn.__kwdefaults__ = old
        return
    names = fn.__code__.co_varnames[:fn.__code__.co_argcount]
    old = fn.__defaults__
    i = names.index(param) - (len(names) - len(old))
    fn.__defaults__ = old[:i] + (value,) + old[i + 1:]
    try:
        yield
    finally:
        fn.__defaults__ = old

results = {}
for name, path, param, value, concept in json.loads(sys.argv[1]):
    with tempfile.TemporaryDirectory() as out, patched(path, param, value):
        code = main(["run", "--fast", "--concept", concept, "--jobs", "1", "--out", out])
        with open(out + "/divergence.csv") as f:
            failed = [[r["concept"], r["impl_a"], r["impl_b"], r["quantity"], r["cause"]]
                      for r in csv.DictReader(f) if r["status"] == "FAIL"]
    results[name] = {"code": code, "failed": failed}
print("RESULTS" + json.dumps(results))
'''


@pytest.fixture(scope="module")
def upgraded():
    """{patch id: {"code": exit code, "failed": FAIL rows}} of the gate under each patched default."""
    argv = json.dumps([[p[0], p[1], p[2], p[3], p[4]] for p in PATCHES])
    done = subprocess.run([sys.executable, "-c", _SCRIPT, argv], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULTS"))
    return json.loads(line.removeprefix("RESULTS"))


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p[0])
def test_a_changed_framework_default_fails_the_gate_naming_concept_and_key(upgraded, patch):
    name, path, _, _, concept, framework, quantity = patch
    result = upgraded[name]
    assert result["code"] == 1, f"{path} patched: the gate passed"
    named = [r for r in result["failed"] if r[:4] == [concept, framework, "conventions", quantity]]
    assert named, f"no FAIL row names {concept} {quantity}: {result['failed'][:5]}"
    assert path.rsplit(".", 1)[-1] in named[0][4]  # the cause says where the installed value was read


def test_the_unpatched_defaults_agree_with_the_table():
    from parity_tests import introspect
    readings = introspect.readings()
    assert len(readings) >= len(PATCHES)
    assert [r for r in readings if not r.ok] == []
