"""Keras on its JAX and torch backends (issue 14): the conventions table's backend rows, the classification of the
backend pairs, a run of ``parity run --keras-backends`` in subprocesses, and the found Keras inconsistencies the
README lists (each pinned here by its minimal reproduction: when Keras fixes one, its test fails and the README
entry goes)."""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import reference_numpy.schedules as n

from parity_tests.cases.schedules import plateau_losses
from parity_tests.conventions import KERAS_BACKEND_FORMULA, KERAS_ON, convention
from parity_tests.conventions.keras_backends import FOUND, ROWS, finding
from parity_tests.inputs import rng_for
from parity_tests.runner import classify
from parity_tests.schema import BACKEND_PAIRS, IMPL, KERAS_BACKENDS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.concept}-{r.backend}-{r.key}")
def test_each_backend_row_changes_a_formula_key_of_the_keras_convention(row):
    keras, other = convention(row.concept, "keras"), convention(row.concept, f"keras[{row.backend}]")
    assert row.backend in KERAS_BACKENDS and row.reason
    group = "formula" if row.key in keras.formula else "defaults"
    assert row.key in getattr(keras, group), "the reference takes only the convention's keys as keywords"
    assert getattr(keras, group)[row.key] != row.value, "a row restating TensorFlow's value says nothing"
    assert getattr(other, group)[row.key] == row.value


def test_backend_conventions_change_only_the_listed_keys():
    for concept in ("elu", "selu", "momentum", "leaky_relu", "step_decay", "ctc"):
        keras = convention(concept, "keras")
        for framework, backend in KERAS_ON.items():
            other = convention(concept, framework)
            assert other.param_init == keras.param_init
            listed = {r.key for r in ROWS if (r.concept, r.backend) == (concept, backend)}
            wide = set(KERAS_BACKEND_FORMULA[backend]) & set(keras.formula)
            changed = {k for group in ("defaults", "formula") for k, v in getattr(keras, group).items()
                       if getattr(other, group)[k] != v}
            assert changed <= listed | wide


class _Gap:
    def __init__(self, ok, size=0.0):
        self.ok, self.size_ = ok, size

    def describe(self):
        return f"gap {self.size_}"

    def size(self):
        return f"max_abs {self.size_}"

    def reproduced_by(self, predicted):
        return predicted.size_ >= 0.5 * self.size_ > 0


class _Run:
    variant, kwargs = "aligned", {}

    def __init__(self, concept):
        self.case = type("C", (), {"concept": concept})()


def _gaps(**sizes):
    def gap_of(pair):
        size = sizes.get("~".join(pair), 0.0)
        return _Gap(size == 0.0, size)
    return gap_of


def test_a_cross_backend_gap_is_expected_only_when_the_backend_conventions_reproduce_it():
    reproduced = _gaps(**{"keras~keras[jax]": 1e-20, "numpy[keras]~numpy[keras[jax]]": 1e-20})
    verdict = classify(_Run("elu"), ("keras", "keras[jax]"), reproduced, lambda d: True)
    assert verdict.status == "expected" and verdict.cause_keys == "formula.exp_form"
    assert "keras[jax]='expm1'" in verdict.cause
    unexplained = classify(_Run("relu"), ("keras", "keras[jax]"), _gaps(**{"keras~keras[jax]": 1e-3}), lambda d: True)
    assert unexplained.status == "FAIL" and "numpy[keras]~numpy[keras[jax]]" in unexplained.cause
    reference = classify(_Run("elu"), ("numpy[keras[jax]]", "keras[jax]"),
                         _gaps(**{"numpy[keras[jax]]~keras[jax]": 1e-3}), lambda d: True)
    assert reference.status == "FAIL"


def test_every_backend_pair_names_implementations_of_the_schema():
    for a, b in BACKEND_PAIRS:
        assert IMPL[b].backend in KERAS_BACKENDS and IMPL[a].name == a
        assert IMPL[IMPL[b].reference].package == "reference_numpy"


# one or more concepts of every family and every kind of row (single calls, update rules, initialisers, training)
BACKEND_FAMILIES = {"activations": ("elu", "leaky_relu", "tanh"), "clipping": ("clip_by_norm",),
                    "layers": ("dense", "batchnorm"), "gradient_flow": ("layer_gradient_norms_sigmoid",),
                    "initializers": ("he_normal",), "losses": ("mse", "hinge"), "models": ("mlp_2_4_1",),
                    "optimizers": ("sgd",), "perceptron": ("perceptron",),
                    "schedules": ("exponential_decay", "reduce_on_plateau"), "training": ("mlp_2_4_1/adam",)}
BACKEND_CONCEPTS = [concept for family in BACKEND_FAMILIES.values() for concept in family]


@pytest.fixture(scope="module")
def backend_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("backends")
    concepts = [c for concept in BACKEND_CONCEPTS for c in ("--concept", concept)]
    cmd = [sys.executable, "-m", "parity_tests", "run", "--fast", "--keras-backends", *concepts, "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]  # every FAIL/ERROR row is a listed finding (checked below)
    rows = pd.read_csv(out / "divergence.csv", dtype=str, keep_default_na=False)
    return rows, json.loads((out / "run_metadata.json").read_text())


def test_the_backend_run_has_rows_for_every_backend_pair_of_every_concept(backend_run):
    rows, _ = backend_run
    assert set(rows.family) >= set(BACKEND_FAMILIES)
    for concept in BACKEND_CONCEPTS:
        pairs = set(zip(rows[rows.concept == concept].impl_a, rows[rows.concept == concept].impl_b))
        assert set(BACKEND_PAIRS) <= pairs, concept


def test_the_backend_conventions_explain_the_gaps_they_name(backend_run):
    rows, _ = backend_run
    elu = rows[(rows.concept == "elu") & (rows.inputs == "tiny") & (rows.impl_a == "keras")
               & (rows.impl_b.isin(["keras[jax]", "keras[torch]"])) & (rows.quantity == "forward")]
    assert len(elu) and (elu.status == "expected").all() and (elu.cause_keys == "formula.exp_form").all()
    kink = rows[(rows.concept == "leaky_relu") & (rows.inputs == "kink") & (rows.impl_b == "keras[jax]")
                & (rows.quantity == "grad_x") & (rows.variant == "aligned")]
    assert set(kink.status) == {"match", "expected"}  # numpy[keras[jax]] matches; keras~keras[jax] is explained
    assert (kink[kink.impl_a == "keras"].cause_keys == "formula.grad_at_zero").all()


def test_every_backend_failure_is_a_listed_keras_inconsistency(backend_run):
    from parity_tests.conventions.keras_backends import found_in
    rows, _ = backend_run
    bad = rows[rows.impl_b.isin(["keras[jax]", "keras[torch]"]) & rows.status.isin(["FAIL", "ERROR"])]
    assert len(bad), "tanh on JAX and mse on torch in float64 show the found inconsistencies"
    assert not [r for r in bad.to_dict("records") if not found_in(r)]
    assert (bad.finding != "").all() and (rows[~rows.status.isin(["FAIL", "ERROR"])].finding == "").all()
    assert {key for keys in bad.finding for key in keys.split(";")} <= {f.key for f in FOUND}
    # a float32 output of a float64 run gets a float32 upstream gradient (backend_worker): measured, not an ERROR
    assert (bad.status == "FAIL").all() and (bad.max_abs != "").all()
    assert not len(rows[~rows.impl_b.isin(["keras[jax]", "keras[torch]"]) & rows.status.isin(["FAIL", "ERROR"])])


def test_the_gate_fails_on_an_unlisted_failure_and_passes_a_listed_one(tmp_path, capsys):
    from parity_tests.run import _print
    listed = dict(family="losses", concept="mse", variant="aligned", dtype="float64", inputs="typical",
                  impl_a="keras", impl_b="keras[torch]", quantity="forward", status="FAIL",
                  cause="dtypes differ: float32 vs float64", cause_keys="")
    listed["finding"] = finding(listed)
    assert listed["finding"] == "result_type_64_to_32"
    unlisted = dict(listed, cause="3% of elements out of tolerance")
    unlisted["finding"] = finding(unlisted)
    off_backend = dict(listed, impl_b="torch", impl_a="numpy[torch]")  # the mark alone is not enough off JAX/torch
    assert unlisted["finding"] == "" and finding(off_backend) == ""
    assert _print([listed], tmp_path, 0.0) == 0 and "result_type_64_to_32 1" in capsys.readouterr().out
    assert _print([listed, unlisted], tmp_path, 0.0) == 1


def test_the_metadata_records_each_backend_s_versions_and_settings(backend_run):
    _, metadata = backend_run
    jax, torch = metadata["keras_backends"]["keras[jax]"], metadata["keras_backends"]["keras[torch]"]
    assert jax["versions"]["keras_backend"] == "jax" and jax["versions"]["jax_enable_x64"] is True
    assert torch["versions"]["keras_backend"] == "torch" and torch["versions"]["torch_threads"] == 1
    assert "XLA_FLAGS" in jax["settings"]


def _on(backend, code):
    env = os.environ | {"KERAS_BACKEND": backend, "JAX_ENABLE_X64": "True", "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


FLOAT64_OPS = ("import keras, numpy as np; x = np.ones(3); "
               "print(keras.backend.standardize_dtype(keras.ops.tanh(x).dtype), "
               "keras.backend.standardize_dtype(keras.ops.sigmoid(x).dtype))")


def test_found_keras_on_jax_computes_tanh_of_float64_in_float32_even_with_x64():
    assert _on("jax", FLOAT64_OPS) == ["float32", "float64"]  # README: found inconsistencies


def test_found_keras_maps_64_bit_result_dtypes_to_32_bit_except_on_tensorflow():
    code = "from keras.src.backend.common import dtypes; print(dtypes.result_type('float64'))"
    assert _on("torch", code) == ["float32"] and _on("jax", code) == ["float32"]
    assert _on("tensorflow", code) == ["float64"]


def test_the_readme_table_lists_every_backend_row():
    from parity_tests.views.docs_backends import conventions_region
    table = conventions_region()
    for row in ROWS:
        assert f"| {row.concept} | {row.backend} | `{row.key}` |" in table and row.reason in table


def test_float64_runs_on_jax_and_torch_are_held_to_float32_and_tensorflow_s_to_float64():
    from parity_tests.runner import tolerance
    from parity_tests.tolerance import tolerance_for
    run = type("R", (), {"case": type("C", (), {"concept": "relu", "overrides": ()})(), "kwargs": {}, "dtype": "float64",
                         "regime": "typical", "variant": "aligned"})()
    assert tolerance(run, ("keras", "keras[torch]"), "forward") == tolerance_for("float32", "typical", "forward", ())
    assert tolerance(run, ("torch", "keras"), "forward") == tolerance_for("float64", "typical", "forward", ())


def test_the_claim_table_takes_the_largest_float32_gap_per_family_pair_and_quantity(tmp_path):
    from parity_tests.schema import COLUMNS
    from parity_tests.views.docs_backends import claim_rows
    rows = [dict(family="losses", impl_a="keras", impl_b="keras[jax]", dtype="float32", quantity="grad_y_pred",
                 max_abs=a, max_rel=r, status=s, cause_keys=k)
            for a, r, s, k in (("3e-7", "1e-6", "expected", "formula.grad_at_zero"), ("1e-8", "2e-8", "match", ""))]
    rows.append(dict(rows[0], dtype="float64", max_abs="1.0"))  # float64: not the claim's
    path = tmp_path / "divergence.csv"
    pd.DataFrame([{c: r.get(c, "") for c in COLUMNS} for r in rows]).to_csv(path, index=False)
    assert claim_rows(str(path)) == {("losses", "keras~keras[jax]", "gradients"):
                                     [3e-7, 1e-6, 2, 1, {"expected": 1, "match": 1}, {"formula.grad_at_zero"}]}


def test_repeat_with_backends_is_refused_before_any_work(tmp_path):
    from parity_tests.run import main
    assert main(["--keras-backends", "--repeat", "2", "--concept", "relu", "--out", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())


def test_parity_show_lists_a_concept_s_backend_keys_and_only_where_there_are_some():
    from parity_tests.views.show import backend_lines
    assert "keras[jax]  exp_form = 'expm1'" in backend_lines("selu").plain
    assert backend_lines("relu") is None


# ---- LR schedules: the facts behind their rows in keras_backends.py --------------------------------------------

_COMMON = ("import numpy as np, keras; from keras import ops; from keras.optimizers import schedules; "
           "from keras_impl.backend import map_steps; d = lambda x: keras.backend.standardize_dtype(x.dtype); ")


def test_keras_on_jax_makes_an_untyped_lr_float64_and_floors_float64_in_float32():
    words = _on("jax", _COMMON + (
        "print(d(schedules.ExponentialDecay(0.1, 40, 0.5)(3)), d(schedules.CosineDecay(0.1, 100)(3)), "
        "d(ops.floor(np.float64(0.5))), d(ops.ceil(np.float64(0.5)))); "
        "import jax; print(float(jax.jit(lambda s: ops.divide(ops.cast(s, 'float64'), ops.cast(49, 'float64')))(49))); "
        "s = schedules.ExponentialDecay(np.float64(0.1), 49, 0.5, staircase=True); "
        "print(float(map_steps(s, ops.convert_to_tensor(np.array([49])), 'float64')[0]))"))
    # a Python-float LR is a weak float64 (x64); CosineDecay's float32 cosine demotes it, so that one stays float32
    assert words[:4] == ["float64", "float32", "float32", "float32"]
    assert float(words[4]) == 49 * (1 / 49) < 1  # jit keeps TensorFlow's reciprocal: divide_by_constant stays
    assert float(words[5]) == 0.05  # ... but the floor rounds 0.9999999999999999 to float32 first: on time
    kwargs = dict(lr=0.1, decay_rate=0.5, decay_steps=49, staircase=True, dtype="float64",
                  divide_by_constant="reciprocal")
    assert n.exponential_decay(np.array([49]), floor_dtype="float32", **kwargs)[0] == 0.05
    assert n.exponential_decay(np.array([49]), **kwargs)[0] == 0.1
    restarts = dict(lr=0.1, first_decay_steps=20, t_mult=2, dtype="float64", divide_by_constant="reciprocal")
    assert n.cosine_warm_restarts(np.array([140]), floor_dtype="float32", **restarts)[0] == 0.1  # on time
    assert n.cosine_warm_restarts(np.array([140]), **restarts)[0] == 0.0  # TensorFlow's: one step late


def test_keras_on_torch_divides_exactly_and_makes_python_floats_floatx():
    words = _on("torch", _COMMON + (
        "keras.config.set_floatx('float64'); "
        "print(d(ops.floor(np.float64(0.5))), d(ops.ceil(np.float64(0.5))), bool(ops.less(1000.0, 1000.00003))); "
        "print(float(schedules.ExponentialDecay(np.float32(0.1), 41, 0.5, staircase=True)(41))); "
        "print(d(schedules.PolynomialDecay(np.float32(0.1), 60, end_learning_rate=0.001, cycle=True)(61))); "
        "m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]); m.compile(loss='mse'); "
        "print(m.jit_compile)"))
    assert words[:3] == ["float32", "float32", "True"]  # Python floats compared as floatx (float64) tensors
    assert float(words[3]) == np.float32(0.05)  # eager: 41 / 41 == 1 (TensorFlow's traced 41 * (1/41) < 1)
    assert words[4:] == ["float64", "False"]  # the cycle's 1.0 is floatx and promotes; fit runs eagerly
    cycle = dict(lr=0.1, decay_steps=60, end_lr=0.001, cycle=True, dtype="float32")
    assert n.polynomial_decay(np.arange(3), multiplier_dtype="float64", **cycle).dtype == np.float64
    assert n.polynomial_decay(np.arange(3), **cycle).dtype == np.float32
    slow = plateau_losses()(rng_for(0, "test"), "slow", np.dtype("float64"), ())["val_loss"]
    plateau = dict(lr=0.1, factor=0.5, patience=3, threshold=0.0, threshold_mode="abs", patience_rule="reaches",
                   cooldown_rule="last_epoch_counts", abs_form="current_plus", min_change=None, compute_dtype=None)
    floatx64 = n.reduce_on_plateau(slow, compare_dtype="floatx", **plateau)  # the LR kept in float64: floatx float64
    floatx32 = n.reduce_on_plateau(slow, compare_dtype="floatx", dtype="float32", **plateau)
    assert np.all(floatx64 == 0.1) and floatx32[-1] < 0.1  # float64 sees every decrease, float32 plateaus
    np.testing.assert_array_equal(floatx32, n.reduce_on_plateau(slow, compare_dtype="float32", dtype="float32",
                                                                 **plateau))
