"""The speed page of the static site: with ``parity bench``'s bench.csv beside the report, ``parity html`` writes
bench.html (one table row per CSV row, the ratios as written) and bench.svg and links them from the index; without
it, neither the page nor the link. The CSV here is built from the bench schema with made-up timings."""
import csv
import shutil
from pathlib import Path

import pytest

from parity_tests import REFERENCE_DIR
from parity_tests.bench.schema import COLUMNS, CSV_NAME, IMPLS
from parity_tests.views.site import build

WORKLOADS = (("activations", "gelu"), ("models", "mlp_2_4_1"))


def _rows():
    rows = []
    for k, (family, workload) in enumerate(WORKLOADS):
        for j, (impl, mode) in enumerate(IMPLS):
            ratio = 1.0 if (impl, mode) == ("torch", "eager") else 0.25 * (j + 1) + k
            rows.append(dict.fromkeys(COLUMNS, "") | dict(
                family=family, workload=workload, impl=impl, mode=mode, clock="cpu", median_s=1e-3 * ratio,
                ratio_to_torch=ratio, limit_kind="bandwidth", limit_fraction=0.1 / ratio, work_model="8 B/element"))
    return rows


def _report(directory, with_bench):
    directory.mkdir()
    for name in ("divergence.csv", "run_metadata.json"):
        shutil.copy(Path(REFERENCE_DIR) / name, directory / name)
    if with_bench:
        with open(directory / CSV_NAME, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(_rows())
    return directory / "divergence.csv"


@pytest.mark.parametrize("with_bench", [True, False])
def test_the_speed_page_follows_bench_csv(tmp_path, with_bench):
    index = build(tmp_path / "site", report_path=_report(tmp_path / "report", with_bench), concepts=["relu"])
    site = index.parent
    assert ('href="bench.html"' in index.read_text()) is with_bench
    assert (site / "bench.html").exists() is with_bench and (site / "bench.svg").exists() is with_bench
    if with_bench:
        page = (site / "bench.html").read_text()
        assert page.count("<tr>") == len(_rows()) + 1  # the header and one row per CSV row
        assert all(f">{float(r['ratio_to_torch']):.3g}<" in page for r in _rows())
        assert (site / "bench.svg").read_text().startswith("<?xml")
