"""The determinism audit (``parity run --repeat``): repeats in fresh processes, a verdict per row."""
import csv
import json

import numpy as np
import pytest

from parity_tests import repeat
from parity_tests.cli import main
from parity_tests.compare import digest
from parity_tests.schema import COLUMNS


def _row(**values):
    row = dict.fromkeys(COLUMNS, "") | {"impl_a": "torch", "impl_b": "keras", "digest_a": "a", "digest_b": "b"}
    return row | values


def test_a_changed_fingerprint_names_the_side_that_changed():
    rows = [_row(quantity="forward"), _row(quantity="grad_x"), _row(quantity="params", digest_a="x", digest_b="y")]
    other = [_row(quantity="forward"), _row(quantity="grad_x", digest_b="c"), _row(quantity="params", digest_a="x", digest_b="z")]
    summary = repeat.mark(rows, [other])
    assert [r["repeat"] for r in rows] == ["identical", "differs: keras", "differs: keras"]
    assert summary["rows_identical"] == 1 and summary["rows_differing_by_side"] == {"keras": 2}


def test_rows_without_results_compare_their_metrics():
    rows, other = [_row(max_abs="1e-3")], [_row(max_abs="2e-3")]
    for r in rows + other:
        del r["digest_a"], r["digest_b"]
    repeat.mark(rows, [other])
    assert rows[0]["repeat"] == "differs: metrics"


def test_a_repeat_with_other_rows_is_refused():
    with pytest.raises(RuntimeError, match="not deterministic"):
        repeat.mark([_row(quantity="forward")], [[_row(quantity="grad_x")]])


def test_digest_sees_one_bit_dtype_and_shape():
    x = np.linspace(0, 1, 6)
    assert digest(x) == digest(x.copy())
    assert digest(x) != digest(np.nextafter(x, 2)) != digest(x.astype(np.float32)) != digest(x.reshape(2, 3))


def test_two_runs_in_separate_processes_are_bit_identical(tmp_path):
    assert main(["run", "--fast", "--concept", "relu", "--concept", "sgd", "--repeat", "2", "--jobs", "1",
                 "--out", str(tmp_path)]) == 0
    with open(tmp_path / "divergence.csv") as f:
        verdicts = {r["repeat"] for r in csv.DictReader(f)}
    assert verdicts == {"identical"}
    audit = json.loads((tmp_path / "run_metadata.json").read_text())["determinism"]
    assert audit["repeats"] == 2 and audit["rows_identical"] == audit["rows"] > 0
    assert audit["torch_threads"] == 1 and audit["tf_intra_op_threads"] == 1


def test_nan_metrics_are_the_same_metrics():
    rows, other = [_row(max_rel=float("nan"))], [_row(max_rel=float("nan"))]
    repeat.mark(rows, [other])
    assert rows[0]["repeat"] == "identical"
