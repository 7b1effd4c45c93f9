r"""The report's plots (``parity_tests.views.plots``): one concept of each family gives valid, small, byte-identical
SVG naming the implementations it draws; the data behind the curves is what it should be (gelu against scipy, the
frameworks' leaky_relu defaults, the stated Glorot density, a step decay, a parsed divergence curve); the report
helpers on a synthetic frame; importing the module imports no framework (tests/views/test_imports.py)."""
import os
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from scipy import special

from parity_tests import DEFAULT_SEED, REFERENCE_DIR
from parity_tests.views import plots, plots_style
from parity_tests.views.concept import load_report

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
IMPLS = ("numpy[torch]", "numpy[keras]", "torch", "keras")
PAIRS = ("numpy[torch]~torch", "numpy[keras]~keras", "torch~keras")
ONE_PER_FAMILY = {  # concept: the legend labels one of its plots must show
    "gelu": IMPLS, "mse": IMPLS + PAIRS, "adam": IMPLS, "step_decay": IMPLS + PAIRS, "glorot_uniform": IMPLS,
    "mlp_2_4_1/sgd": IMPLS, "layer_gradient_norms_sigmoid": IMPLS, "dense": PAIRS, "mlp_2_4_1": PAIRS,
    "clip_by_norm": PAIRS, "perceptron": PAIRS, "gradcheck": PAIRS,
}


@pytest.fixture(scope="module")
def frame():
    return load_report(os.path.join(REFERENCE_DIR, "divergence.csv"))


def _texts(svg):
    return {"".join(e.itertext()) for e in ET.fromstring(svg).iter(SVG_TEXT)}


def test_every_family_is_covered():
    from parity_tests.selection import concepts_by_family
    from parity_tests.conventions import family_of
    assert {family_of(c) for c in ONE_PER_FAMILY} == set(concepts_by_family())


@pytest.mark.parametrize("concept", list(ONE_PER_FAMILY))
def test_figures_are_valid_small_labelled_and_reproducible(frame, concept):
    figures = plots.figures(concept, frame)
    assert figures and all(isinstance(p, plots.Plot) for p in figures)
    assert len({p.name for p in figures}) == len(figures)
    for plot in figures:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", plot.name), plot.name
        assert plot.title and plot.caption.endswith(".")
        assert ET.fromstring(plot.svg).tag == "{http://www.w3.org/2000/svg}svg"
        assert len(plot.svg) < 300_000, (plot.name, len(plot.svg))
    assert any(set(ONE_PER_FAMILY[concept]) <= _texts(p.svg) for p in figures)
    again = plots.figures(concept, frame)
    assert [p.svg for p in again] == [p.svg for p in figures]  # byte-identical on a rerun


def test_nothing_to_plot_gives_no_figures(frame):
    assert plots.figures("zeros", frame) == []  # every draw a constant
    assert plots.figures("dense", None) == []  # report-only family without a report
    assert [p.name for p in plots.figures("relu", None)] == ["curves", "differences"]


def test_gelu_curves_are_gelu():
    from parity_tests.views.plots_activations import GRID, activation_data
    data = activation_data("gelu", variant="aligned", dtype="float64", seed=DEFAULT_SEED)
    assert data["run"].kwargs == {"approximate": "none"}
    x = data["x"]
    np.testing.assert_array_equal(x, GRID)
    f = x * special.ndtr(x)
    df = special.ndtr(x) + x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
    for impl in IMPLS:  # Keras's float64 erf agrees with the exact one only to ~1e-8 (the report's torch~keras gap)
        atol = 1e-7 if "keras" in impl else 1e-12
        np.testing.assert_allclose(data["values"][impl]["forward"], f, rtol=0, atol=atol, err_msg=impl)
        np.testing.assert_allclose(data["values"][impl]["grad_x"], df, rtol=0, atol=atol, err_msg=impl)


def test_leaky_relu_defaults_curves_use_each_frameworks_slope():
    from parity_tests.views.plots_activations import activation_data
    data = activation_data("leaky_relu", variant="defaults", dtype="float32", seed=DEFAULT_SEED)
    assert 0.0 in data["x"] and 0.0 in data["kinks"]
    at = data["x"] == -1.0
    slopes = {impl: float(data["values"][impl]["grad_x"][at][0]) for impl in IMPLS}
    assert slopes == pytest.approx({"numpy[torch]": 0.01, "torch": 0.01, "numpy[keras]": 0.2, "keras": 0.2})


def test_glorot_uniform_histogram_against_stated_density():
    from parity_tests.views.plots_initializers import init_data, spec_pdf
    from parity_tests.cases import ALL_INITS
    data = init_data("glorot_uniform", variant="aligned", seed=DEFAULT_SEED)["parts"]["weight"]
    gain = next(row for row in ALL_INITS if row.concept == "glorot_uniform").aligned[0].get("gain", 1.0)
    bound = gain * np.sqrt(6.0 / (128 + 512))  # the aligned set's gain (the fans of the shape drawn)
    for impl in IMPLS:
        spec = data["spec"][impl]
        assert (spec["distribution"], spec["low"], spec["high"]) == ("uniform", pytest.approx(-bound),
                                                                     pytest.approx(bound))
        interior = data["density"][impl][2:-2]  # the outer bins straddle the bound
        assert np.mean(interior) == pytest.approx(1 / (2 * bound), rel=0.02), impl
    x = np.linspace(-5, 5, 20001)
    for spec in ({"distribution": "normal", "mean": 0.0, "std": 1.0},
                 {"distribution": "truncated_normal", "mean": 0.0, "std": 1.0, "low": -2.0, "high": 2.0}):
        assert np.trapezoid(spec_pdf(spec, x), x) == pytest.approx(1.0, abs=1e-4)  # the cut: 1 cell


def test_step_decay_lr_per_step_and_keras_boundary():
    from parity_tests.views.plots_schedules import schedule_data
    entry = schedule_data("step_decay", seed=DEFAULT_SEED)[0]
    assert entry["run"].kwargs["step_size"] == 30 and entry["run"].dtype == "float64"
    steps = np.arange(300)
    torch_lr = 0.1 * 0.5 ** (steps // 30)  # drops at step 30, 60, ...
    keras_lr = 0.1 * 0.5 ** (np.maximum(steps - 1, 0) // 30)  # Keras's boundaries are inclusive: drops a step later
    for impl in IMPLS:
        want = keras_lr if "keras" in impl else torch_lr
        np.testing.assert_allclose(entry["values"][impl], want, rtol=1e-15, err_msg=impl)


def test_optimizer_divergence_curves_parse_the_report(frame):
    from parity_tests.views.plots_optimizers import curve_panels
    rows = plots.concept_rows(frame, "adam")
    panels, first = curve_panels(rows)
    assert first is not None and {(v, d, s) for v, d, s, _ in panels} >= {("aligned", "float64", "closed_loop")}
    pick = next(p for v, d, s, p in panels if (v, d, s) == ("aligned", "float32", "typical"))
    row = pick[(pick["pair"] == "torch~keras") & (pick["quantity"] == "params")].iloc[0]
    text = rows.loc[(rows["kwargs"] == first) & (rows["dtype"] == "float32") & (rows["inputs"] == "typical")
                    & (rows["pair"] == "torch~keras") & (rows["quantity"] == "params"), "abs_curve"].iloc[0]
    steps, values = zip(*(item.split(":") for item in text.split(";")))
    np.testing.assert_array_equal(row["steps"], [int(s) for s in steps])
    np.testing.assert_array_equal(row["values"], [float(v) for v in values])


def test_optimizer_trajectories_agree_when_aligned():
    from parity_tests.views.plots_optimizers import trajectory_data
    entries = trajectory_data("sgd", seed=DEFAULT_SEED)
    closed = next(e for e in entries if e["scenario"] == "closed_loop")
    for impl in IMPLS:
        assert closed["params"][impl].shape == (200, 3, 4)
    for pair in PAIRS[:2]:  # each framework with its NumPy convention (set 0 decays: coupled in torch, not in Keras)
        a, b = pair.split("~")
        np.testing.assert_allclose(closed["params"][b], closed["params"][a], atol=1e-12)


def test_training_loss_curves(frame):
    from parity_tests.views.plots_training import divergence_panels, loss_data
    entries = loss_data("mlp_2_4_1/sgd", seed=DEFAULT_SEED)
    aligned = entries[0]
    assert aligned["run"].variant == "aligned"
    for impl in IMPLS:
        assert aligned["loss"][impl].shape == (20,)
        np.testing.assert_allclose(aligned["loss"][impl], aligned["loss"]["torch"], rtol=1e-5)
    panels = divergence_panels(plots.concept_rows(frame, "mlp_2_4_1/sgd"))
    assert {q for _, pick in panels for q in pick["quantity"]} >= {"loss", "W1", "b2", "grad_W2"}


def test_max_abs_table_keeps_the_largest_gap_and_worst_status():
    from parity_tests.views.plots_report import max_abs_table
    base = {"family": "layers", "concept": "dense", "variant": "aligned", "dtype": "float32", "inputs": "typical",
            "quantity": "forward", "pair": "torch~keras"}
    rows = pd.DataFrame([{**base, "kwargs": "{}", "max_abs": "1e-7", "status": "match"},
                         {**base, "kwargs": '{"a": 1}', "max_abs": "3e-5", "status": "expected"},
                         {**base, "pair": "numpy[torch]~torch", "kwargs": "{}", "max_abs": "", "status": "ERROR"},
                         {**base, "quantity": "grad_x", "kwargs": "{}", "max_abs": "inf", "status": "FAIL"}])
    table = max_abs_table(rows)
    assert table[["quantity", "pair", "value", "status"]].values.tolist() == [
        ["forward", "torch~keras", 3e-5, "expected"], ["grad_x", "torch~keras", np.inf, "FAIL"]]


def test_style_helpers():
    assert plots_style.floor_abs([0.0, -1e-30, -2.0, np.nan])[:3].tolist() == [1e-20, 1e-20, 2.0]
    x, y = plots_style.binned_max(np.arange(7.0), np.array([1, 5, 2, 0, 0, 9, 3.0]), size=3)
    assert x.tolist() == [1.0, 4.0, 6.0] and y.tolist() == [5.0, 9.0, 3.0]
    (x,) = plots_style.downsample(np.arange(1000), points=100)
    assert len(x) <= 101 and x[0] == 0 and x[-1] == 999
    assert set(plots_style.IMPL_STYLE) >= set(IMPLS) | {"finite_diff"}
    assert set(plots_style.PAIR_STYLE) >= set(PAIRS)
