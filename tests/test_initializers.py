"""Weight initialisers: bad input alike in the three packages, the ``<name>_spec`` mirror, the conventions
table against the installed frameworks (Keras's truncation and 0.8796 rescale, nn.Linear's bound, fans,
float32-rounded Keras constants; the defaults: tests/test_initializers_defaults.py), the statistics of parity_tests.distribution (KS against scipy, the
power to see truncation, calibration), a broken reference failing, and the rows for three seeds."""
import inspect
import math
import sys
import types

import keras
import numpy as np
import pytest
import scipy.stats
import torch
from keras.src.initializers.random_initializers import compute_fans

import keras_impl.initializers as k
import reference_numpy.initializers as n
import torch_impl.initializers as t

from parity_tests import DEFAULT_SEED
from tests.badinput import assert_rejected_alike
from parity_tests.case import Run, expand
from parity_tests.cases.initializers import INITS, TANH_GAIN
from parity_tests.conventions import convention
from parity_tests.distribution import (ALPHA, QUANTITIES, SHAPES, Init, Sample, execute, ks_test, mean_test, run_inits,
                           spec_vector, std_test, tail_test)
from parity_tests.schema import COLUMNS

PACKAGES = (n, t, k)
FAN_IN, FAN_OUT = SHAPES["fans_128x512"]
ROWS = {c.concept: c for c in INITS}
SEEDS = (DEFAULT_SEED, 3, 7)


def _fns(name):
    return tuple(getattr(m, name) for m in PACKAGES)


def _np(x):
    return x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


# ---- bad input -------------------------------------------------------------------------------------------

FANS = {"fan_in": 4, "fan_out": 3}
BAD = [
    ("fan_in 0", "glorot_uniform", {"fan_in": 0, "seed": 1}, ValueError, "fan_in"),
    ("negative fan_out", "he_normal", {"fan_out": -3, "seed": 1}, ValueError, "fan_out"),
    ("fan_in 2.5", "zeros", {"fan_in": 2.5}, TypeError, "fan_in"),
    ("fan_in True", "lecun_normal", {"fan_in": True, "seed": 1}, TypeError, "fan_in"),
    ("fan_out a string", "dense_default", {"fan_out": "3", "seed": 1}, TypeError, "fan_out"),
    ("dtype int32", "random_normal", {"dtype": "int32", "seed": 1}, ValueError, "dtype"),
    ("dtype float16", "constant", {"dtype": "float16", "value": 0.5}, ValueError, "dtype"),
    ("dtype not a string", "glorot_normal", {"dtype": np.float32, "seed": 1}, TypeError, "dtype"),
    ("negative seed", "he_uniform", {"seed": -1}, ValueError, "seed"),
    ("seed 1.5", "dense_default", {"seed": 1.5}, TypeError, "seed"),
    ("gain 0", "glorot_uniform", {"gain": 0.0, "seed": 1}, ValueError, "gain"),
    ("std negative", "random_normal", {"std": -0.1, "seed": 1}, ValueError, "std"),
    ("mode fan_avg", "he_normal", {"mode": "fan_avg", "seed": 1}, ValueError, "mode"),
    ("slope a string", "he_uniform", {"negative_slope": "0.1", "seed": 1}, TypeError, "negative_slope"),
    ("value NaN", "constant", {"value": float("nan")}, ValueError, "value"),
]


@pytest.mark.parametrize("label, name, kwargs, exc, arg", BAD, ids=[b[0] for b in BAD])
def test_same_exception_names_the_argument(label, name, kwargs, exc, arg):
    assert_rejected_alike(_fns(name), (), {**FANS, **kwargs}, exc, arg)


# ---- the mirror of the analytic side -----------------------------------------------------------------------

def _keywords(fn):
    return [p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY]


@pytest.mark.parametrize("name", n.__all__)
def test_every_initialiser_has_a_spec_with_its_hyperparameters(name):
    specs = _fns(f"{name}_spec")
    assert all(f"{name}_spec" not in m.__all__ for m in PACKAGES)
    for fn, spec in zip(_fns(name), specs):
        assert list(inspect.signature(spec).parameters)[:2] == ["fan_in", "fan_out"]
        assert _keywords(spec) == [p for p in _keywords(fn) if p not in ("seed", "dtype")]
    formula = {key for fw in ("torch", "keras") for key in convention(name, fw).formula}
    assert set(_keywords(specs[0])) - set(_keywords(specs[1])) <= formula
    assert _keywords(specs[1]) == _keywords(specs[2])


HYPER = [("glorot_uniform", {"gain": g}) for g in (1.0, TANH_GAIN, 0.5)] + \
        [("glorot_normal", {"gain": g}) for g in (1.0, TANH_GAIN)] + \
        [(c, {"negative_slope": a, "mode": m}) for c in ("he_uniform", "he_normal") for a in (0.0, 0.2, 1.0)
         for m in ("fan_in", "fan_out")] + \
        [("random_normal", {"mean": 0.3, "std": 0.01}), ("constant", {"value": 0.1}), ("lecun_normal", {}),
         ("zeros", {}), ("dense_default", {})]


@pytest.mark.parametrize("concept, hyper", HYPER, ids=[f"{c}-{h}" for c, h in HYPER])
def test_each_convention_predicts_its_frameworks_spec(concept, hyper):
    """Over a grid of hyperparameters (the Keras wrapper's VarianceScaling mapping included), numpy under a
    framework's convention states the framework's distribution, within float64's tolerance."""
    for fw, module in (("torch", t), ("keras", k)):
        kwargs = convention(concept, fw).numpy_kwargs(hyper)
        ours = getattr(n, f"{concept}_spec")(64, 256, **kwargs)
        theirs = getattr(module, f"{concept}_spec")(64, 256, **hyper)
        pairs = zip(ours.values(), theirs.values()) if concept == "dense_default" else [(ours, theirs)]
        for a, b in pairs:
            assert a["distribution"] == b["distribution"], (fw, a, b)
            np.testing.assert_allclose(spec_vector(a), spec_vector(b), rtol=1e-7, atol=1e-7, err_msg=fw)


# ---- the conventions table against the frameworks ----------------------------------------------------------

def test_the_truncated_normal_constant(monkeypatch):
    """Keras's own VarianceScaling, observed: the stddev it hands its truncated-normal sampler for scale 1 and
    fan_in 1 is 1 / (the std of a standard normal truncated at +-2), and its draws end at 2 of those stddevs."""
    import keras.src.initializers.random_initializers as keras_random_initializers
    sampler, seen = keras_random_initializers.random.truncated_normal, []

    def spy(shape, mean=0.0, stddev=1.0, **kwargs):
        seen.append((mean, stddev))
        return sampler(shape, mean=mean, stddev=stddev, **kwargs)

    monkeypatch.setattr(keras_random_initializers.random, "truncated_normal", spy)
    init = keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=3)
    w = init((1, 200_000), dtype="float64").numpy()  # fan_in = 1: target std 1
    assert len(seen) == 1 and seen[0][0] == 0.0
    keras_std = 1.0 / seen[0][1]  # the rescale Keras applies
    assert keras_std == pytest.approx(scipy.stats.truncnorm(-2, 2).std(), rel=1e-15)
    assert keras_std == pytest.approx(k.KERAS_TRUNCATED_STD, rel=1e-15)
    assert n.TRUNCATED_STD == pytest.approx(scipy.stats.truncnorm(-2, 2).std(), rel=1e-15)
    cut = 2 * seen[0][1]
    assert np.abs(w).max() <= cut and np.abs(w).max() > (1 - 1e-3) * cut  # truncated at 2 sampler stddevs
    assert w.std() == pytest.approx(1.0, rel=0.01)  # the rescale keeps the target std


def test_keras_truncates_at_two_stddev_and_keeps_the_target_std_torch_does_not():
    sigma = math.sqrt(2.0 / FAN_IN)
    w = keras.initializers.HeNormal(seed=5)((FAN_IN, FAN_OUT), dtype="float64").numpy()
    cut = 2 * sigma / k.KERAS_TRUNCATED_STD
    assert np.abs(w).max() <= cut and np.abs(w).max() > 0.999 * cut
    assert w.std() == pytest.approx(sigma, rel=0.01)
    wt = torch.nn.init.kaiming_normal_(torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64),
                                       generator=torch.Generator().manual_seed(5)).numpy()
    assert np.abs(wt).max() > 1.5 * cut and wt.std() == pytest.approx(sigma, rel=0.01)


def test_torch_linear_bounds_weight_and_bias_by_one_over_sqrt_fan_in():
    assert t.LINEAR_A == convention("dense_default", "torch").related["nn.Linear.kaiming_uniform_.a"]
    torch.manual_seed(11)  # nn.Linear's weight is kaiming_uniform_(a=LINEAR_A) drawn from the global generator
    linear_weight = torch.nn.Linear(FAN_IN, FAN_OUT, dtype=torch.float64).weight.detach()
    torch.manual_seed(11)
    drawn = torch.nn.init.kaiming_uniform_(torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64), a=t.LINEAR_A)
    assert torch.equal(linear_weight, drawn)
    assert math.sqrt(3.0) * torch.nn.init.calculate_gain("leaky_relu", t.LINEAR_A) == pytest.approx(1.0, rel=1e-15)
    torch.manual_seed(0)
    layer, bound = torch.nn.Linear(FAN_IN, FAN_OUT), 1 / math.sqrt(FAN_IN)
    for p in (layer.weight, layer.bias):
        assert 0.99 * bound < p.detach().abs().max() <= bound


def test_both_frameworks_count_fans_alike_in_their_own_layouts():
    torch_fans = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(FAN_OUT, FAN_IN))  # nn.Linear (out, in)
    assert torch_fans == compute_fans((FAN_IN, FAN_OUT)) == (FAN_IN, FAN_OUT)  # Keras kernel (in, out)
    assert torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(FAN_IN, FAN_OUT)) == (FAN_OUT, FAN_IN)  # pitfall


def test_keras_rounds_python_constants_through_float32():
    for value in (0.1, 1 / 3):
        w = k.constant(2, 3, value=value, dtype="float64").numpy()
        assert np.all(w == np.float32(value)) and np.all(w != value)
        assert np.array_equal(w, n.constant(2, 3, value=value, constant_dtype="float32", dtype="float64"))
        wt = t.constant(2, 3, value=value, dtype="float64").numpy()
        assert np.all(wt == value) and np.array_equal(wt, n.constant(2, 3, value=value, dtype="float64"))
        assert float(keras.ops.cast(value, "float64")) == float(np.float32(value))  # keras_impl's spec assumes it
    limit = math.sqrt(6.0 / (FAN_IN + FAN_OUT))  # uniform bounds too: relative 3e-8, below every tolerance
    draws = keras.random.uniform((8,), minval=limit, maxval=limit * (1 + 1e-12), dtype="float64", seed=1).numpy()
    assert np.all(draws == np.float32(limit))  # both bounds became float32(limit): U(a, a) = a
    for concept in ("glorot_uniform", "he_uniform", "dense_default"):
        assert convention(concept, "keras").related["uniform.bounds_dtype"] == "float32"
    assert k.glorot_uniform_spec(FAN_IN, FAN_OUT)["high"] == float(np.float32(limit)) != limit


def test_wrappers_seed_deterministically_and_return_the_suites_layout():
    for name in ("glorot_normal", "dense_default"):
        for fn in _fns(name):
            a, b, c = (fn(3, 5, seed=s, dtype="float64") for s in (1, 1, 2))
            a, b, c = (tuple(map(_np, x)) if isinstance(x, tuple) else (_np(x),) for x in (a, b, c))
            assert a[0].shape == (3, 5) and a[0].dtype == np.float64
            assert all(np.array_equal(x, y) for x, y in zip(a, b)) and not np.array_equal(a[0], c[0])


# ---- the statistics --------------------------------------------------------------------------------------

def _truncated(rng, size):
    return n._sample(n._normal_spec(1.0, "truncated_normal"), size, rng)


def test_ks_distance_is_scipys_and_its_p_value_scipys_asymptotic_one():
    rng = np.random.default_rng(0)
    for _ in range(200):  # ties within and across the samples
        x, y = (np.round(rng.standard_normal(rng.integers(1, 40)) * 3) / 3 for _ in range(2))
        assert ks_test(Sample.of(x), Sample.of(y)).statistic == pytest.approx(scipy.stats.ks_2samp(x, y).statistic,
                                                                              abs=1e-12)
    for n_a, n_b, decimals in ((20000, 30000, 2), (65536, 512, 1), (5000, 5000, 8)):  # the grid's open cells
        x, y = (np.round(rng.standard_normal(size), decimals) for size in (n_a, n_b))
        for z in (y, y + 0.01):
            d = ks_test(Sample.of(x), Sample.of(z)).statistic
            assert d == pytest.approx(scipy.stats.ks_2samp(x, z).statistic, abs=1e-12)
    x, y = rng.standard_normal(65536), _truncated(rng, 65536)
    for a, b in ((x, rng.standard_normal(65536)), (x, y)):
        ours, theirs = ks_test(Sample.of(a), Sample.of(b)), scipy.stats.ks_2samp(a, b, method="asymp")
        assert ours.statistic == pytest.approx(theirs.statistic, abs=1e-12)
        assert theirs.pvalue <= ours.p <= 1.03 * theirs.pvalue


def test_ks_sees_keras_truncation_at_the_fixed_size_and_alpha():
    grid = np.linspace(0, 4, 40001)
    trunc = scipy.stats.truncnorm(-2, 2, scale=1 / n.TRUNCATED_STD)
    distance = np.abs(trunc.cdf(grid) - scipy.stats.norm.cdf(grid)).max()
    en = FAN_IN * FAN_OUT / 2
    critical = scipy.special.kolmogi(ALPHA) / math.sqrt(en)
    assert critical < 0.85 * distance  # 0.0136 vs 0.0167
    rng = np.random.default_rng(1)
    for _ in range(10):
        a, b = Sample.of(rng.standard_normal(FAN_IN * FAN_OUT)), Sample.of(_truncated(rng, FAN_IN * FAN_OUT))
        assert not ks_test(a, b).ok and not tail_test(a, b).ok
        assert std_test(a, b).ok and mean_test(a, b).ok  # equal variance and mean: those tests must not see it


def test_no_test_rejects_two_draws_of_one_law():
    rng = np.random.default_rng(2)
    laws = (lambda s: rng.uniform(-1, 1, s), rng.standard_normal, lambda s: _truncated(rng, s),
            lambda s: np.full(s, 0.25))
    for law in laws:
        for _ in range(5):
            a, b = Sample.of(law(4096)), Sample.of(law(4096))
            assert all(test(a, b).ok for test in (ks_test, mean_test, std_test, tail_test))


def test_spec_vectors_are_the_moments_and_the_reference_samples_its_spec():
    rng = np.random.default_rng(3)
    specs = [n.glorot_uniform_spec(FAN_IN, FAN_OUT), n.he_normal_spec(FAN_IN, FAN_OUT),
             n.lecun_normal_spec(FAN_IN, FAN_OUT, distribution="truncated_normal")]
    dists = [scipy.stats.uniform(-specs[0]["high"], 2 * specs[0]["high"]), scipy.stats.norm(0, specs[1]["std"]),
             scipy.stats.truncnorm(-2, 2, scale=specs[2]["std"])]
    for spec, dist in zip(specs, dists):
        np.testing.assert_allclose(spec_vector(spec)[:2], [dist.mean(), dist.std()], atol=1e-15, rtol=1e-12)
        draw = n._sample(spec, FAN_IN * FAN_OUT, rng)
        assert scipy.stats.kstest(draw, dist.cdf).pvalue > ALPHA
        assert dist.support()[0] <= draw.min() and draw.max() <= dist.support()[1]


# ---- the harness ---------------------------------------------------------------------------------------

def _broken_row(row, name, spec):
    """``row`` with a NumPy reference whose spec is ``spec(original spec)`` (its draws follow it)."""
    module = types.ModuleType(f"broken_{name}")
    original = getattr(n, f"{name}_spec")

    def broken_spec(*args, **kwargs):
        return spec(original(*args, **kwargs))

    def broken(fan_in, fan_out, *, seed, dtype="float32", **kwargs):
        return n._draw(broken_spec(fan_in, fan_out, **kwargs), fan_in, fan_out, seed, dtype)
    broken.__signature__ = inspect.signature(getattr(n, name))
    for fn, fn_name in ((broken, name), (broken_spec, f"{name}_spec")):
        fn.__name__, fn.__module__ = fn_name, module.__name__
        setattr(module, fn_name, fn)
    sys.modules[module.__name__] = module
    return Init(row.family, row.concept, broken, row.torch, row.keras, parts=row.parts, aligned=row.aligned)


def _statuses(row, variant="aligned", dtype="float32", seed=DEFAULT_SEED):
    run = Run(row, variant, dict({**row.required, **row.aligned[0]}) if variant == "aligned" else {}, dtype,
              row.regimes[0])
    return {(r["impl_a"], r["impl_b"], r["quantity"]): r for r in execute(run, seed)}


def test_a_five_percent_wider_bound_fails_against_both_frameworks():
    row = _broken_row(ROWS["glorot_uniform"], "glorot_uniform", lambda s: {**s, "low": 1.05 * s["low"],
                                                                             "high": 1.05 * s["high"]})
    rows = _statuses(row)
    for impl, fw in (("numpy[torch]", "torch"), ("numpy[keras]", "keras")):
        for quantity in ("spec", "ks", "std_ratio", "max_abs_ratio"):
            assert rows[(impl, fw, quantity)]["status"] == "FAIL", (impl, quantity)
    assert rows[("torch", "keras", "ks")]["status"] == "match"


def test_forgetting_kerass_rescale_fails_where_only_the_spread_differs():
    row = _broken_row(ROWS["he_normal"], "he_normal", lambda s: {**s, "std": s["std"] * n.TRUNCATED_STD,
                                                                   "low": s["low"] * n.TRUNCATED_STD,
                                                                   "high": s["high"] * n.TRUNCATED_STD}
                      if s["distribution"] == "truncated_normal" else s)
    rows = _statuses(row, variant="defaults", dtype="float64")
    assert rows[("numpy[torch]", "torch", "ks")]["status"] == "match"
    assert {rows[("numpy[keras]", "keras", q)]["status"] for q in ("spec", "ks", "std_ratio")} == {"FAIL"}
    assert rows[("torch", "keras", "ks")]["status"] == "FAIL"  # the conventions no longer reproduce keras


def test_execute_is_deterministic_and_its_rows_have_the_report_columns():
    a, b = _statuses(ROWS["lecun_normal"]), _statuses(ROWS["lecun_normal"])
    assert repr(a) == repr(b) and len(a) == 3 * len(QUANTITIES)  # repr: NaN == NaN
    assert all(set(r) - {"run", "digest_a", "digest_b"} <= set(COLUMNS) for r in a.values())  # + hidden fields
    c = _statuses(ROWS["lecun_normal"], seed=DEFAULT_SEED + 1)
    assert a[("torch", "keras", "ks")]["max_abs"] != c[("torch", "keras", "ks")]["max_abs"]
    assert a[("torch", "keras", "ks")]["n"] == FAN_IN * FAN_OUT


@pytest.fixture(scope="module")
def seeded_rows():
    return {seed: run_inits(INITS, seed)[0] for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_run_has_its_rows_and_none_fails(seeded_rows, seed):
    rows = seeded_rows[seed]
    runs, _ = expand(INITS)
    assert len(rows) == sum(3 * len(run.case.quantities) for run in runs)
    bad = [(r["run"], r["impl_a"], r["impl_b"], r["quantity"], r["cause"]) for r in rows
           if r["status"] in ("FAIL", "ERROR")]
    assert not bad


CAUSES = {"random_normal": "defaults.std", "glorot_normal": "formula.distribution", "he_normal": "formula.distribution",
          "lecun_normal": "formula.distribution", "constant": "formula.constant_dtype"}


def test_every_framework_gap_is_expected_with_its_convention(seeded_rows):
    rows = [r for r in seeded_rows[DEFAULT_SEED] if (r["impl_a"], r["impl_b"]) == ("torch", "keras")]
    expected = {r["concept"] for r in rows if r["status"] == "expected"}
    assert expected == set(CAUSES) | {"dense_default"}  # zeros, glorot/he uniform: the same laws
    for r in (r for r in rows if r["status"] == "expected"):
        key = CAUSES.get(r["concept"]) or f"formula.{r['quantity'].split('_')[0]}"
        assert key in r["cause"], r
    truncation = [r for r in rows if r["concept"] in ("glorot_normal", "he_normal", "lecun_normal")]
    assert {r["quantity"]: r["status"] for r in truncation if r["quantity"] in ("mean", "std_ratio")} == \
        {"mean": "match", "std_ratio": "match"}  # the rescale keeps the variance: only ks, tails and spec differ
    assert all(r["status"] == "expected" for r in truncation if r["quantity"] in ("ks", "max_abs_ratio", "spec"))
    assert all(r["status"] == "match" for r in rows if r["concept"] == "constant" and r["dtype"] == "float32")
    assert all(r["status"] == "match" for r in rows if r["concept"] == "random_normal" and r["variant"] == "aligned")
