"""LR schedules, ReduceLROnPlateau and the LR range test: bad input alike in the three packages, the
framework facts the conventions table claims (defaults read from the frameworks' signatures, step counting,
float32 evaluation, traced division, plateau counting), and the conventions each torch~keras gap of the
group's parity rows is attributed to (checked against the conventions table)."""
import inspect
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
from keras.optimizers import schedules
from torch.optim import lr_scheduler

import keras_impl.schedules as k
from keras_impl.defaults import DEFAULT as KERAS_DEFAULT
import reference_numpy.schedules as n
import torch_impl.schedules as t

from tests.badinput import assert_rejected_alike
from parity_tests.cases.schedules import CASES, plateau_losses
from parity_tests import DEFAULT_SEED
from parity_tests.conventions import convention, differing
from parity_tests.selection import Selection
from parity_tests.suite import run_all, select
from parity_tests.conventions.schedules import KERAS_SGD_LR, TORCH_SGD_LR
from parity_tests.inputs import rng_for

NAMES = [c.concept for c in CASES]
FNS = {name: (getattr(n, name), getattr(t, name), getattr(k, name)) for name in NAMES}
STEPS = np.arange(12)
LOSS = np.linspace(1.0, 0.5, 8)
X = np.linspace(-1, 1, 16).reshape(8, 2)
Y, W0 = X @ np.array([1.0, -2.0]), np.zeros(2)
BASE = {"step_decay": {"lr": 0.1, "step_size": 3, "gamma": 0.5},
        "exponential_decay": {"lr": 0.1, "decay_rate": 0.5, "decay_steps": 4},
        "cosine_annealing": {"lr": 0.1, "decay_steps": 5},
        "cosine_warm_restarts": {"lr": 0.1, "first_decay_steps": 4},
        "warmup_cosine": {"lr": 0.1, "decay_steps": 5, "start_factor": 0.1},
        "polynomial_decay": {"lr": 0.1, "decay_steps": 5}}


def _bad(label, concept, args, exc, name, **kwargs):
    return (label, concept, args, {**BASE.get(concept, {}), **kwargs}, exc, name)


def _wrong(concept, exc, **wrong):
    """A row per keyword in ``wrong``, set to that value on ``concept``'s usual input: ``exc``, naming the keyword."""
    args = (LOSS,) if concept == "reduce_on_plateau" else (STEPS,)
    return [_bad(f"{key}={value!r}", concept, args, exc, key, **{key: value}) for key, value in wrong.items()]


BAD = [
    _bad("float steps", "step_decay", (STEPS.astype(np.float64),), TypeError, "steps"),
    _bad("2-D steps", "exponential_decay", (STEPS.reshape(3, 4),), ValueError, "steps"),
    _bad("negative step", "cosine_annealing", (STEPS - 1,), ValueError, "steps"),
    _bad("empty steps", "polynomial_decay", (STEPS[:0],), ValueError, "steps"),
    # a plain list, passed by keyword (keywords reach all three implementations unconverted)
    _bad("plain-list steps", "step_decay", (), TypeError, "steps", steps=[0, 1, 2]),
    *_wrong("step_decay", ValueError, lr=-0.1, step_size=0, gamma=0.0),
    *_wrong("step_decay", TypeError, step_size=2.5),
    *_wrong("exponential_decay", ValueError, decay_rate=-0.5, dtype="float16"),
    *_wrong("cosine_annealing", ValueError, decay_steps=0, min_lr=0.2),  # min_lr above lr
    *_wrong("cosine_annealing", TypeError, lr="0.1"),
    *_wrong("cosine_warm_restarts", ValueError, first_decay_steps=0, t_mult=0.5, m_mul=0.0),
    *_wrong("warmup_cosine", ValueError, start_factor=0.0, warmup_steps=-1),
    *_wrong("polynomial_decay", ValueError, end_lr=1.0, power=0.0),  # end_lr above lr
    _bad("integer val_loss", "reduce_on_plateau", (np.arange(8),), TypeError, "val_loss"),
    _bad("2-D val_loss", "reduce_on_plateau", (LOSS.reshape(2, 4),), ValueError, "val_loss"),
    _bad("NaN val_loss", "reduce_on_plateau", (np.where(LOSS < 0.6, np.nan, LOSS),), ValueError, "val_loss"),
    _bad("plain-list val_loss", "reduce_on_plateau", (), TypeError, "val_loss", val_loss=[1.0, 0.5]),
    *_wrong("reduce_on_plateau", ValueError, factor=1.0, patience=-1, threshold_mode="relative", min_lr=-1e-3,
            lr=0.0),
    *_wrong("reduce_on_plateau", TypeError, cooldown=1.5),
    _bad("integer x", "lr_range_test", (np.ones((8, 2), np.int64), Y, W0), TypeError, "x"),
    _bad("NaN x", "lr_range_test", (np.where(X > 0.9, np.nan, X), Y, W0), ValueError, "x"),
    _bad("y per row", "lr_range_test", (X, Y[:-1], W0), ValueError, "y"),
    _bad("y dtype", "lr_range_test", (X, Y.astype(np.float32), W0), TypeError, "y"),
    _bad("w0 per column", "lr_range_test", (X, Y, np.zeros(3)), ValueError, "w0"),
    _bad("lr_max below lr_min", "lr_range_test", (X, Y, W0), ValueError, "lr_max", lr_min=1.0, lr_max=0.1),
    _bad("one step", "lr_range_test", (X, Y, W0), ValueError, "num_steps", num_steps=1),
    _bad("batch_size not dividing the rows", "lr_range_test", (X, Y, W0), ValueError, "batch_size", batch_size=3),
]


@pytest.mark.parametrize("label, concept, args, kwargs, exc, name", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, concept, args, kwargs, exc, name):
    assert_rejected_alike(FNS[concept], args, kwargs, exc, name)


# ---- defaults, read from the frameworks ----------------------------------------------------------

def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def test_schedule_defaults_are_the_frameworks_own():
    assert _default(torch.optim.SGD, "lr") == TORCH_SGD_LR == convention("step_decay", "torch").defaults["lr"]
    assert _default(keras.optimizers.SGD, "learning_rate") == KERAS_SGD_LR
    assert "lr" not in convention("step_decay", "keras").defaults  # a Keras schedule requires it
    assert _default(lr_scheduler.StepLR, "gamma") == convention("step_decay", "torch").defaults["gamma"]
    cosine = {fw: convention("cosine_annealing", fw).defaults for fw in ("torch", "keras")}
    assert _default(lr_scheduler.CosineAnnealingLR, "eta_min") == cosine["torch"]["min_lr"]
    assert _default(schedules.CosineDecay, "alpha") == cosine["keras"]["min_lr"]
    restarts = {fw: convention("cosine_warm_restarts", fw).defaults for fw in ("torch", "keras")}
    assert _default(lr_scheduler.CosineAnnealingWarmRestarts, "T_mult") == restarts["torch"]["t_mult"]
    assert _default(schedules.CosineDecayRestarts, "t_mul") == restarts["keras"]["t_mult"]
    assert _default(schedules.CosineDecayRestarts, "m_mul") == restarts["keras"]["m_mul"]
    warmup = {fw: convention("warmup_cosine", fw).defaults for fw in ("torch", "keras")}
    assert _default(lr_scheduler.LinearLR, "start_factor") == warmup["torch"]["start_factor"]
    assert _default(lr_scheduler.LinearLR, "total_iters") == warmup["torch"]["warmup_steps"]
    assert _default(schedules.CosineDecay, "warmup_steps") == warmup["keras"]["warmup_steps"]
    poly = {fw: convention("polynomial_decay", fw).defaults for fw in ("torch", "keras")}
    assert _default(lr_scheduler.PolynomialLR, "total_iters") == poly["torch"]["decay_steps"]
    assert _default(lr_scheduler.PolynomialLR, "power") == poly["torch"]["power"] == poly["keras"]["power"]
    assert _default(schedules.PolynomialDecay, "end_learning_rate") == poly["keras"]["end_lr"]
    assert _default(schedules.PolynomialDecay, "cycle") is poly["keras"]["cycle"]
    exponential = convention("exponential_decay", "keras").defaults
    assert _default(schedules.ExponentialDecay, "staircase") is exponential["staircase"]


def test_plateau_defaults_are_the_frameworks_own():
    tconv, kconv = (convention("reduce_on_plateau", fw) for fw in ("torch", "keras"))
    sig = inspect.signature(lr_scheduler.ReduceLROnPlateau).parameters
    for key in ("factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"):
        assert sig[key].default == tconv.defaults[key], key
    assert sig["eps"].default == tconv.formula["min_change"]
    ksig = inspect.signature(keras.callbacks.ReduceLROnPlateau).parameters
    for key, name in (("factor", "factor"), ("patience", "patience"), ("threshold", "min_delta"),
                      ("cooldown", "cooldown"), ("min_lr", "min_lr")):
        assert ksig[name].default == kconv.defaults[key], key
    assert "threshold_mode" not in ksig and "eps" not in ksig  # absolute min_delta only; no eps
    assert tconv.defaults["lr"] == _default(torch.optim.SGD, "lr") and kconv.defaults["lr"] == KERAS_SGD_LR


# ---- step counting (step_offset) ---------------------------------------------------------------

def test_torch_applies_f_k_at_the_kth_optimizer_step_in_the_documented_order():
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([p], lr=0.1)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    applied = []
    for _ in range(10):
        before = p.item()
        p.grad = torch.ones(1, dtype=torch.float64)
        optimizer.step()
        scheduler.step()
        applied.append(before - p.item())
    np.testing.assert_allclose(applied, n.step_decay(np.arange(10), lr=0.1, step_size=3, gamma=0.5), rtol=1e-12)


def test_torch_stepping_the_scheduler_first_is_an_offset_of_one():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    lrs = []
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        for _ in range(10):
            scheduler.step()  # the pre-1.1 order
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
    np.testing.assert_allclose(lrs, n.step_decay(np.arange(10), lr=0.1, step_size=3, gamma=0.5, step_offset=1))
    assert convention("step_decay", "torch").formula["step_offset"] == 0


def test_keras_evaluates_the_schedule_at_iterations_before_the_increment():
    schedule = schedules.ExponentialDecay(0.1, 4, 0.5, staircase=True)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    v = keras.Variable(np.zeros(1, np.float32))
    applied = []
    for _ in range(10):
        before = float(v.numpy()[0])
        optimizer.apply([tf.ones(1)], [v])
        applied.append(before - float(v.numpy()[0]))
    np.testing.assert_allclose(applied, n.exponential_decay(np.arange(10), lr=0.1, decay_rate=0.5, decay_steps=4,
                                                            staircase=True), rtol=1e-6)
    assert int(optimizer.iterations) == 10 and convention("exponential_decay", "keras").formula["step_offset"] == 0


# ---- Keras schedule precision and tracing ----------------------------------------------------------

def test_a_keras_schedule_of_a_python_float_is_float32_whatever_floatx():
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        assert schedules.ExponentialDecay(0.1, 10, 0.5)(3).dtype == tf.float32
        assert keras.optimizers.SGD(schedules.CosineDecay(0.1, 10)).learning_rate.dtype == tf.float32
        # dtype not passed: the wrapper hands Keras a Python float, as a user does
        assert k.cosine_annealing(np.arange(3), lr=0.1, decay_steps=10).dtype == tf.float32
    finally:
        keras.config.set_floatx(previous)
    assert _default(k.cosine_annealing, "dtype") is KERAS_DEFAULT
    assert convention("cosine_annealing", "keras").defaults["dtype"] == "float32"
    # what a backend makes of the Python float (keras_backends.py: float64 on JAX), which a run's own dtype overrides
    assert convention("exponential_decay", "keras[jax]").defaults["dtype"] == "float64"
    assert convention("exponential_decay", "keras[jax]").numpy_kwargs({"dtype": "float32"})["dtype"] == "float32"


def test_keras_rounds_python_float_hyperparameters_through_float32():
    schedule = schedules.ExponentialDecay(np.float64(1.0), 1, 0.99)  # float64 evaluation, decay_rate cast
    got = np.array([schedule(s).numpy() for s in range(0, 300, 50)])
    steps = np.arange(0, 300, 50)
    np.testing.assert_allclose(got, n.exponential_decay(steps, lr=1.0, decay_rate=0.99, constant_dtype="float32"),
                               rtol=1e-14)
    assert not np.allclose(got, n.exponential_decay(steps, lr=1.0, decay_rate=0.99), rtol=1e-9, atol=0)
    assert keras.ops.cast(0.99, "float64").numpy() == np.float64(np.float32(0.99))


def test_a_traced_staircase_floors_step_times_the_reciprocal():
    schedule = schedules.ExponentialDecay(np.float64(1.0), 49, 0.5, staircase=True)
    steps = tf.constant([48, 49, 50, 98, 99], tf.int64)
    eager = np.array([schedule(s).numpy() for s in steps])
    traced = tf.function(lambda s: tf.map_fn(schedule, s, fn_output_signature=tf.float64), autograph=False)
    traced = traced(steps).numpy()
    np.testing.assert_array_equal(eager, [1.0, 0.5, 0.5, 0.25, 0.25])  # exact division: decays at 49
    np.testing.assert_array_equal(traced, [1.0, 1.0, 0.5, 0.5, 0.25])  # 49 * fl(1/49) < 1: one step late
    kwargs = dict(lr=1.0, decay_rate=0.5, decay_steps=49, staircase=True, dtype="float64")
    np.testing.assert_array_equal(n.exponential_decay(steps.numpy(), divide_by_constant="reciprocal", **kwargs), traced)
    np.testing.assert_array_equal(n.exponential_decay(steps.numpy(), **kwargs), eager)
    assert 49 * (1 / 49) < 1


def test_keras_restarts_the_fourth_cycle_one_step_late_in_a_traced_float64_schedule():
    steps = tf.constant(np.arange(138, 143))
    got = k.cosine_warm_restarts(steps, lr=0.1, first_decay_steps=20, t_mult=2, dtype="float64").numpy()
    assert got[2] == 0.0 and got[3] > 0.099  # step 140 starts the 4th cycle (20 + 40 + 80) in exact arithmetic
    assert n.cosine_warm_restarts(np.arange(138, 143), lr=0.1, first_decay_steps=20, t_mult=2)[2] == 0.1
    np.testing.assert_allclose(n.cosine_warm_restarts(np.arange(138, 143), lr=0.1, first_decay_steps=20, t_mult=2,
                                                      constant_dtype="float32", divide_by_constant="reciprocal"),
                               got, rtol=1e-12, atol=1e-15)
    assert np.log(8.0) * (1 / np.log(2.0)) < 3


def test_keras_piecewise_constant_keeps_the_old_value_at_a_boundary_and_cosine_decay_holds():
    piecewise = schedules.PiecewiseConstantDecay([3], [1.0, 0.5])
    assert [float(piecewise(s)) for s in (2, 3, 4)] == [1.0, 1.0, 0.5]
    assert float(schedules.CosineDecay(1.0, 10, alpha=0.1)(25)) == pytest.approx(0.1)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0.1)
    for _ in range(20):
        optimizer.step()
        scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(1.0)  # back to the top after 2 T_max
    assert n.cosine_annealing(np.array([20]), lr=1.0, decay_steps=10, min_lr=0.1)[0] == pytest.approx(1.0)
    held = n.cosine_annealing(np.array([20]), lr=1.0, decay_steps=10, min_lr=0.1, after_end="hold")
    assert held[0] == pytest.approx(0.1)


# ---- ReduceLROnPlateau ------------------------------------------------------------------------------

NEVER_BETTER = np.array([1.0] + [2.0] * 9)  # one improvement, then only bad epochs


def test_torch_reduces_after_patience_plus_one_bad_epochs_keras_after_patience():
    torch_lrs = t.reduce_on_plateau(torch.tensor(NEVER_BETTER), lr=1.0, factor=0.5, patience=2).numpy()
    keras_lrs = k.reduce_on_plateau(tf.constant(NEVER_BETTER), lr=1.0, factor=0.5, patience=2).numpy()
    assert list(torch_lrs[:6]) == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]  # bad epochs 1, 2, 3: reduced after the 3rd
    assert list(keras_lrs[:6]) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25]  # bad epochs 1, 2: reduced after the 2nd
    np.testing.assert_array_equal(n.reduce_on_plateau(NEVER_BETTER, lr=1.0, factor=0.5, patience=2,
                                                      compute_dtype="float64"), torch_lrs)
    keras_rules = dict(patience_rule="reaches", cooldown_rule="last_epoch_counts", min_change=None)
    np.testing.assert_array_equal(n.reduce_on_plateau(NEVER_BETTER, lr=1.0, factor=0.5, patience=2, dtype="float32",
                                                      **keras_rules), keras_lrs)


def test_cooldown_counts_one_epoch_less_in_keras():
    kwargs = dict(lr=1.0, factor=0.5, patience=1, cooldown=2)
    torch_lrs = t.reduce_on_plateau(torch.tensor(NEVER_BETTER), **kwargs).numpy()
    keras_lrs = k.reduce_on_plateau(tf.constant(NEVER_BETTER), threshold_mode="rel", **kwargs).numpy()
    # torch: 4 epochs apart = cooldown (2) + patience + 1 (2) bad epochs
    assert list(np.flatnonzero(np.diff(torch_lrs))) == [2, 6]
    # Keras: 2 apart = cooldown - 1 (the epoch where the counter reaches 0 counts) + patience (1)
    assert list(np.flatnonzero(np.diff(keras_lrs))) == [1, 3, 5, 7]
    for rule, dtype, lrs in (("full", "float64", torch_lrs), ("last_epoch_counts", "float32", keras_lrs)):
        patience_rule = "exceeds" if rule == "full" else "reaches"
        np.testing.assert_array_equal(n.reduce_on_plateau(NEVER_BETTER, cooldown_rule=rule, patience_rule=patience_rule,
                                                          dtype=dtype, **kwargs), lrs)


def test_keras_compares_in_float32_and_keeps_the_lr_in_floatx():
    assert not bool(keras.ops.less(1000.0, 1000.00003))  # Python floats become float32 tensors
    slow = plateau_losses()(rng_for(0, "test"), "slow", np.dtype("float64"), ())["val_loss"]
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        lrs = k.reduce_on_plateau(tf.constant(slow), lr=0.1, factor=0.5, patience=3, threshold=0.0).numpy()
    finally:
        keras.config.set_floatx(previous)
    assert lrs.dtype == np.float64 and lrs[-1] < 0.1  # float64 LR, yet float32 saw plateaus
    assert np.all(t.reduce_on_plateau(torch.tensor(slow), lr=0.1, factor=0.5, patience=3, threshold=0.0,
                                      threshold_mode="abs").numpy() == 0.1)
    assert convention("reduce_on_plateau", "keras").formula["compare_dtype"] == "float32"


# ---- LR range test ------------------------------------------------------------------------------------

def test_keras_range_test_lrs_are_float32_even_for_float64_variables():
    out = k.lr_range_test(*map(tf.constant, (X, Y, W0)), num_steps=10, lr_min=1e-3, lr_max=1.0, dtype="float64").numpy()
    assert out.dtype == np.float64 and np.all(out[0] == out[0].astype(np.float32))
    ref = n.lr_range_test(X, Y, W0, num_steps=10, lr_min=1e-3, lr_max=1.0, lr_dtype="float32")
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    torch_out = t.lr_range_test(*map(torch.from_numpy, (X, Y, W0)), num_steps=10, lr_min=1e-3, lr_max=1.0).numpy()
    assert not np.all(torch_out[0] == torch_out[0].astype(np.float32))


# ---- the parity matrix of these rows -----------------------------------------------------------------
# Asserted from the conventions table, not from a copy of a run: each torch~keras gap names only keys on which the
# two conventions differ (and which the run's hyperparameters leave apart), each NumPy convention reproduces its
# framework, and a run with no differing key is a match.

@pytest.fixture(scope="module")
def rows():
    """The schedules family's rows, from a run of that family alone (a few seconds; no report written)."""
    family_rows, _ = run_all(DEFAULT_SEED, select(Selection(families=("schedules",))))
    return family_rows


def _pair(row):
    return row["impl_a"], row["impl_b"]


def _kwargs(row):
    return json.loads(row["kwargs"] or "{}")


def _differing_keys(row):
    """``group.key`` of every convention key torch and Keras set apart in this row's run (keys the run passes to
    both implementations are equal there, so they are not counted)."""
    return {f"{d.group}.{d.key}" for d in differing(row["concept"], aligned=_kwargs(row))}


def test_every_concept_of_the_family_ran_without_a_failure(rows):
    assert {r["concept"] for r in rows} >= set(NAMES)
    assert not [r["run"] for r in rows if r["status"] in ("FAIL", "ERROR")]


def test_gaps_name_only_keys_on_which_the_conventions_differ(rows):
    gaps = [r for r in rows if _pair(r) == ("torch", "keras")]
    assert gaps and any(r["status"] == "expected" for r in gaps)
    for r in gaps:
        keys = r["cause_keys"].split(";") if r["cause_keys"] else []
        assert bool(keys) == (r["status"] == "expected"), (r["run"], r["status"], r["cause_keys"])
        assert set(keys) <= _differing_keys(r), (r["run"], set(keys) - _differing_keys(r))


def test_runs_with_no_differing_key_match(rows):
    same = [r for r in rows if _pair(r) == ("torch", "keras") and r["variant"] == "aligned" and not _differing_keys(r)]
    assert not [(r["run"], r["status"], r["cause"]) for r in same if r["status"] != "match"]


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_each_convention_reproduces_its_framework_in_aligned_float64(rows, framework):
    mine = [r for r in rows if _pair(r) == (f"numpy[{framework}]", framework)
            and (r["variant"], r["dtype"]) == ("aligned", "float64")]
    assert {r["concept"] for r in mine} == set(NAMES)
    assert not [(r["run"], r["status"], r["cause"]) for r in mine if r["status"] != "match"]


def test_the_compare_dtype_gap_is_attributed_to_it_alone(rows):
    """The ``slow`` regime of ReduceLROnPlateau exists for ``compare_dtype`` (Keras compares in float32): with
    ``threshold=0`` it is the one key the gap is put down to."""
    slow = [r for r in rows if _pair(r) == ("torch", "keras") and r["concept"] == "reduce_on_plateau"
            and r["inputs"] == "slow" and (r["variant"], r["dtype"]) == ("aligned", "float64")
            and _kwargs(r).get("threshold") == 0.0]
    assert slow and all(r["cause_keys"] == "formula.compare_dtype" for r in slow), [r["cause_keys"] for r in slow]
