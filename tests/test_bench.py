"""``parity bench``: one ``--quick`` run started as a user starts it (a subprocess), its CSV against the schema and
against its own arithmetic, its metadata, its wall time and its atomic writing; the interleaved timer on entries
of known relative cost; and ``parity bench --help`` without a framework import."""
import csv
import json
import math
import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from parity_tests.bench.output import write_csv
from parity_tests.bench.schema import COLUMNS, CSV_NAME, FAMILIES, IMPLS, METADATA_NAME, QUICK
from parity_tests.bench.timing import CLOCKS, Entry, interleaved
from parity_tests.cases.models import NETWORKS

QUICK_BUDGET_S = 60.0
MAX_LIMIT_FRACTION = 1.5  # a limit is what NumPy reaches with one thread; a framework may beat it a little
EAGER_ONLY = {"initializers"}  # weights are drawn when a model is built, outside fit's traced step


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    (out / CSV_NAME).write_text("a stale report\n")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "parity_tests", "bench", "--quick", "--out", str(out)], cwd=out,
                          capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-4000:]
    with open(out / CSV_NAME, newline="") as f:
        header = next(csv.reader(f))
    with open(out / CSV_NAME, newline="") as f:
        rows = list(csv.DictReader(f))
    meta = json.loads((out / METADATA_NAME).read_text())
    return SimpleNamespace(out=out, done=done, wall=wall, header=header, rows=rows, meta=meta)


def _by_workload(rows):
    groups = {}
    for row in rows:
        groups.setdefault((row["family"], row["workload"]), {})[(row["impl"], row["mode"])] = row
    return groups


def test_quick_finishes_within_a_minute_and_prints_the_summary(quick):
    assert quick.wall < QUICK_BUDGET_S, f"--quick took {quick.wall:.1f} s"
    assert "Traceback" not in quick.done.stderr
    assert "parity bench" in quick.done.stdout and f"report: {quick.out / CSV_NAME}" in quick.done.stdout


def test_the_csv_has_the_documented_columns_and_every_family(quick):
    assert tuple(quick.header) == COLUMNS
    assert {row["family"] for row in quick.rows} == set(FAMILIES)
    workloads = {family: {w for f, w in _by_workload(quick.rows) if f == family} for family in FAMILIES}
    assert {"gelu", "relu", "sigmoid", "tanh"} <= workloads["activations"]
    assert {"mse", "binary_crossentropy", "huber"} <= workloads["losses"]
    assert {"sgd_momentum", "adam", "rmsprop", "adagrad"} <= workloads["optimizers"]
    assert {*NETWORKS, "mlp_784_512_512_10"} <= workloads["models"]
    assert len(workloads["initializers"]) >= 3


def test_every_workload_has_numpy_torch_and_keras_rows_and_traced_keras_where_it_applies(quick):
    for (family, workload), sides in _by_workload(quick.rows).items():
        expected = set(IMPLS) - ({("keras", "traced")} if family in EAGER_ONLY else set())
        assert set(sides) == expected, (family, workload)


def test_ratios_and_fractions_are_positive_finite_and_torch_is_one(quick):
    for row in quick.rows:
        figures = {k: float(row[k]) for k in ("median_s", "q1_s", "q3_s", "per_item_s", "ratio_to_torch",
                                               "work_per_call", "achieved_per_s", "limit_per_s", "limit_fraction")}
        assert all(math.isfinite(v) and v > 0 for v in figures.values()), row
        assert figures["q1_s"] <= figures["median_s"] <= figures["q3_s"], row
        assert figures["limit_fraction"] <= MAX_LIMIT_FRACTION, row
        assert row["limit_kind"] == ("flops" if row["family"] == "models" else "bandwidth"), row
    assert {float(r["ratio_to_torch"]) for r in quick.rows if r["impl"] == "torch"} == {1.0}


def test_the_figures_agree_with_each_other(quick):
    for sides in _by_workload(quick.rows).values():
        torch_median = float(sides[("torch", "eager")]["median_s"])
        for row in sides.values():
            median, work, limit = (float(row[k]) for k in ("median_s", "work_per_call", "limit_per_s"))
            assert float(row["ratio_to_torch"]) == pytest.approx(median / torch_median, rel=1e-4)
            assert float(row["achieved_per_s"]) == pytest.approx(work / median, rel=1e-4)
            assert float(row["limit_fraction"]) == pytest.approx(work / median / limit, rel=1e-4)
            rounds = QUICK.step_repeats if row["family"] == "optimizers" else QUICK.repeats
            assert int(row["repeats"]) == rounds and row["dtype"] == "float32" and row["work_model"]


def test_the_metadata_records_versions_threads_and_the_limits_measured(quick):
    meta = quick.meta
    assert meta["quick"] is True and meta["columns"] == list(COLUMNS) and meta["settings"] == QUICK._asdict()
    assert meta["clock"] == "cpu" and {row["clock"] for row in quick.rows} == {"cpu"}  # the default at one thread
    assert {"numpy", "torch", "tensorflow", "keras", "python"} <= set(meta["versions"])
    threads = meta["threads"]
    assert threads["requested"] == 1 and threads["torch_intra_op"] == 1 and threads["tf_intra_op"] == 1
    for kind, unit in (("bandwidth", "bytes/s"), ("flops", "FLOP/s")):
        limit = meta["limits"][kind]
        assert limit["unit"] == unit and 0 < limit["min"] <= limit["median"] <= limit["max"] < math.inf
    rates = [float(r["limit_per_s"]) for r in quick.rows if r["limit_kind"] == "bandwidth"]
    assert meta["limits"]["bandwidth"]["min"] == pytest.approx(min(rates), rel=1e-4)


def test_the_report_replaces_the_old_one_and_leaves_no_temporary_file(quick):
    assert sorted(os.listdir(quick.out)) == sorted([CSV_NAME, METADATA_NAME])


def test_a_write_that_fails_leaves_the_previous_csv_whole_and_no_temporary_file(tmp_path):
    row = {column: 1.0 for column in COLUMNS}
    path = tmp_path / CSV_NAME
    write_csv([row], str(path))
    before = path.read_text()
    with pytest.raises(KeyError):
        write_csv([row] * 1000 + [{"family": "half a row"}], str(path))
    assert path.read_text() == before and os.listdir(tmp_path) == [CSV_NAME]


def test_interleaved_rounds_rotate_the_order_drop_the_warm_up_and_keep_relative_cost():
    log = []

    def entry(name, seconds):
        return Entry(lambda: (log.append(name), time.sleep(seconds)), 1)
    timings = interleaved({"short": entry("short", 0.002), "long": entry("long", 0.006)}, repeats=5, warmup=1)
    assert log == ["short", "long", "long", "short"] * 3
    assert timings["short"].repeats == timings["long"].repeats == 5
    assert 1.8 < timings["long"].median_s / timings["short"].median_s < 4.5
    assert timings["short"].q1_s <= timings["short"].median_s <= timings["short"].q3_s


def test_the_cpu_clock_does_not_count_waiting_and_the_wall_clock_does():
    nap = {"nap": Entry(lambda: time.sleep(0.005), 1)}
    cpu = interleaved(nap, repeats=3, warmup=0, clock=CLOCKS["cpu"])["nap"]
    wall = interleaved(nap, repeats=3, warmup=0, clock=CLOCKS["wall"])["nap"]
    assert cpu.median_s < 0.001 < 0.005 <= wall.median_s


def test_help_imports_no_framework():
    probe = ("import sys; from parity_tests.cli import main\n"
             "try:\n    main(['bench', '--help'])\nexcept SystemExit as exit:\n    code = exit.code\n"
             "print('frameworks:', [m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules]); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "--quick" in done.stdout and "frameworks: []" in done.stdout
