r"""``parity diff``: small synthetic reports in tmp_path (every column of ``schema.COLUMNS`` and a minimal
``run_metadata.json``) for each group -- status changes worse first, rows added and removed, convention changes
in ``cause_keys`` and in the metadata, magnitude changes and their zero rule, versions -- the exit-code rule,
``--csv``/``--html``, bad input, and the committed reference report against itself."""
import html.parser
import json
import os
from collections import Counter

import pandas as pd
import pytest

from parity_tests import REFERENCE_DIR
from parity_tests.cli import main as parity_main
from parity_tests.schema import COLUMNS
from parity_tests.views.diff import ReportDiff, diff_reports, main
from parity_tests.views.diff_export import FLAT_COLUMNS

VERSIONS = {"python": "3.11.7", "numpy": "2.4.6", "torch": "2.13.0+cpu", "tensorflow": "2.21.0", "keras": "3.15.1"}
SLOPE_NOTE = "keras.layers.LeakyReLU(negative_slope=0.3)"


def convention(framework, slope, **extra):
    r"""A minimal conventions entry for leaky_relu."""
    return {"framework": framework, "concept": "leaky_relu", "api": f"{framework}.leaky_relu",
            "defaults": {"negative_slope": slope, **extra}, "formula": {}, "param_init": {}, "related": {},
            "notes": {"negative_slope": SLOPE_NOTE}}


CONVENTIONS = [convention("torch", 0.01), convention("keras", 0.3)]


def row(concept, *, quantity="forward", variant="aligned", pair=("torch", "keras"), status="match",
        max_abs="1e-07", atol="1e-05", cause="", cause_keys=""):
    r"""One report row with every column of ``COLUMNS``."""
    values = dict.fromkeys(COLUMNS, "")
    values.update(family="activations", concept=concept, variant=variant, dtype="float32", inputs="typical",
                  kwargs='{"alpha": 0.1}' if variant == "aligned" else "", impl_a=pair[0], impl_b=pair[1],
                  quantity=quantity, n="24", max_abs=max_abs, max_rel=max_abs, max_ulp="1", frac_out="0",
                  atol=atol, rtol="1.3e-06", status=status, cause=cause, cause_keys=cause_keys, seed="7")
    return values


BASE = (row("relu"), row("relu", quantity="grad_x"),
        row("leaky_relu", variant="defaults", status="expected", max_abs="0.29",
            cause="defaults.negative_slope: torch 0.01, keras 0.3", cause_keys="defaults.negative_slope"),
        row("gelu", pair=("numpy[torch]", "torch"), max_abs="0"),
        row("elu", status="FAIL", max_abs="0.5", cause="not reproduced by numpy"))


def edited(rows, index, **values):
    r"""A copy of ``rows`` with row ``index`` updated."""
    rows = [dict(r) for r in rows]
    rows[index].update(values)
    return rows


def write_report(directory, rows=BASE, *, metadata=True, versions=VERSIONS, conventions=CONVENTIONS,
                 drop=()):
    r"""``divergence.csv`` (without the ``drop`` columns) and, unless ``metadata`` is false, a minimal
    ``run_metadata.json`` in ``directory``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS)).drop(columns=list(drop))
    frame.to_csv(directory / "divergence.csv", index=False)
    if metadata:
        data = {"seed": 7, "versions": versions, "conventions": conventions,
                "status_counts": frame["status"].value_counts().to_dict() if "status" in frame else {}}
        (directory / "run_metadata.json").write_text(json.dumps(data, indent=2))
    return directory


def run(capsys, monkeypatch, *argv):
    r"""``parity diff argv`` on a 200-column console: (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "200")
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def old(tmp_path):
    return write_report(tmp_path / "old")


def test_identical_reports(old, tmp_path, capsys, monkeypatch):
    new = write_report(tmp_path / "new")
    code, out, err = run(capsys, monkeypatch, old, new)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "no differences"
    assert "same on both sides" in out
    result = diff_reports(old, new)
    assert result.identical and not result.worse and result.differences().empty


def test_status_worse_first_and_exit_1(old, tmp_path, capsys, monkeypatch):
    rows = edited(BASE, 0, status="expected", cause_keys="formula.x")  # match→expected
    rows = edited(rows, 4, status="match", max_abs="1e-07", cause="")  # FAIL→match (better)
    rows = edited(rows, 1, status="FAIL", max_abs="0.25", cause="torch~keras gap not explained")  # match→FAIL
    rows = edited(rows, 2, status="ERROR", max_abs="", cause="RuntimeError: boom")  # expected→ERROR
    code, out, _ = run(capsys, monkeypatch, old, write_report(tmp_path / "new", rows))
    assert code == 1
    changes = diff_reports(old, tmp_path / "new").status_changes
    assert list(changes["change"]) == ["match→FAIL", "expected→ERROR", "match→expected", "FAIL→match"]
    assert list(changes["kind"]) == ["worsened"] * 3 + ["improved"]
    first = changes.iloc[0]
    assert (first["concept"], first["quantity"], first["pair"]) == ("relu", "grad_x", "torch~keras")
    assert (first["old_max_abs"], first["new_max_abs"], first["cause"]) == ("1e-07", "0.25",
                                                                          "torch~keras gap not explained")
    assert out.index("match→FAIL") < out.index("expected→ERROR") < out.index("FAIL→match")
    assert "statuses worsened: 3" in out and "WORSE (exit 1)" in out


def test_improvement_only_exits_0(old, tmp_path, capsys, monkeypatch):
    new = write_report(tmp_path / "new", edited(BASE, 4, status="match", max_abs="1e-07", cause=""))
    code, out, _ = run(capsys, monkeypatch, old, new)
    assert code == 0
    assert "status changes: 1 (worse: 0, better: 1)" in out and "nothing got worse (exit 0)" in out


def test_added_and_removed_rows(old, tmp_path, capsys, monkeypatch):
    rows = [*BASE[:3], BASE[4], row("selu")]  # gelu removed, selu added
    code, out, _ = run(capsys, monkeypatch, old, write_report(tmp_path / "new", rows))
    assert code == 1  # a row of OLD is missing
    result = diff_reports(old, tmp_path / "new")
    assert list(result.only_old["concept"]) == ["gelu"] and list(result.only_new["concept"]) == ["selu"]
    counts = result.by_concept.set_index("concept")
    assert counts.loc["gelu", "removed"] == 1 and counts.loc["selu", "added"] == 1
    assert counts.loc["selu", "added_bad"] == 0
    assert result.reasons == ("rows missing from NEW: 1",)
    assert "rows only in OLD (removed): 1; only in NEW (added): 1" in out


@pytest.mark.parametrize("status, code", [("match", 0), ("FAIL", 1), ("ERROR", 1)])
def test_added_row_is_worse_only_when_failing(old, tmp_path, status, code):
    new = write_report(tmp_path / "new", [*BASE, row("selu", status=status)])
    assert main([str(old), str(new)]) == code
    assert diff_reports(old, new).worse == bool(code)


def test_convention_changes(old, tmp_path, capsys, monkeypatch):
    rows = edited(BASE, 2, cause_keys="defaults.negative_slope;formula.constant_dtype")
    conventions = [convention("torch", 0.01), convention("keras", 0.2, alpha=1.0)]  # a Keras default changed
    new = write_report(tmp_path / "new", rows, conventions=conventions)
    code, out, _ = run(capsys, monkeypatch, old, new)
    assert code == 0  # conventions changing is not "worse"
    changes = diff_reports(old, new).convention_changes
    by_kind = {kind: frame for kind, frame in changes.groupby("kind")}
    keys = by_kind["cause_keys"].iloc[0]
    assert (keys["concept"], keys["old"], keys["detail"]) == ("leaky_relu", "defaults.negative_slope",
                                                             "+formula.constant_dtype")
    value = by_kind["value changed"].iloc[0]
    assert (value["framework"], value["group"], value["key"], value["old"], value["new"]) == \
        ("keras", "defaults", "negative_slope", "0.3", "0.2")
    assert by_kind["key added"].iloc[0]["key"] == "alpha"
    assert "convention changes: 1 in rows' cause_keys, 2 in run_metadata.json conventions" in out
    assert "defaults.negative_slope" in out and "0.3" in out and "0.2" in out


def test_convention_added_and_removed(old, tmp_path):
    conventions = [convention("torch", 0.01), {**convention("keras", 0.3), "concept": "prelu"}]
    changes = diff_reports(old, write_report(tmp_path / "new", conventions=conventions)).convention_changes
    assert sorted(changes["kind"]) == ["convention added", "convention removed"]


def test_magnitude_changes(old, tmp_path, capsys, monkeypatch):
    rows = edited(BASE, 0, max_abs="1e-05")  # 100x, still match
    rows = edited(rows, 1, max_abs="5e-07")  # 5x
    new = write_report(tmp_path / "new", rows)
    code, out, _ = run(capsys, monkeypatch, old, new)
    assert code == 0
    changes = diff_reports(old, new).magnitude_changes
    assert list(changes["quantity"]) == ["forward"]
    assert changes.iloc[0]["ratio"] == pytest.approx(100) and changes.iloc[0]["kind"] == "grew"
    assert "×100" in out and "magnitude changes (max_abs ×10 or more, status unchanged): 1" in out
    assert len(diff_reports(old, new, factor=4).magnitude_changes) == 2
    shrunk = diff_reports(new, old).magnitude_changes
    assert list(shrunk["kind"]) == ["shrank"] and shrunk.iloc[0]["ratio"] == pytest.approx(0.01)


@pytest.mark.parametrize("old_value, new_value, changed", [
    ("0", "1e-06", False),  # from 0, within atol (1e-05)
    ("0", "0.001", True),  # from 0, beyond atol
    ("0.001", "0", True),  # to 0
    ("0", "0", False), ("1e-310", "0", False),  # below the 1e-300 floor on both sides
    ("1e-07", "inf", True), ("inf", "inf", False), ("", "", False),
])
def test_magnitude_rule_at_zero_and_inf(tmp_path, old_value, new_value, changed):
    old = write_report(tmp_path / "old", edited(BASE, 3, max_abs=old_value))
    new = write_report(tmp_path / "new", edited(BASE, 3, max_abs=new_value))
    assert len(diff_reports(old, new).magnitude_changes) == int(changed)


def test_csv_and_html(old, tmp_path, capsys, monkeypatch):
    rows = edited(BASE, 1, status="FAIL", max_abs="0.25", cause="<script>alert(1)</script> & more")
    rows = edited(rows, 0, max_abs="1e-04")
    new = write_report(tmp_path / "new", [*rows, row("selu")], versions={**VERSIONS, "torch": "2.14.0"})
    csv_path, html_path = tmp_path / "out" / "diff.csv", tmp_path / "out" / "diff.html"
    code, _, _ = run(capsys, monkeypatch, old, new, "--csv", csv_path, "--html", html_path)
    assert code == 1
    flat = pd.read_csv(csv_path, keep_default_na=False, dtype=str)
    assert tuple(flat.columns) == FLAT_COLUMNS
    assert list(flat["group"]) == ["status", "rows", "magnitude", "versions"]
    assert flat.iloc[0]["new_status"] == "FAIL" and flat.iloc[0]["detail"].startswith("<script>")
    assert flat.iloc[2]["ratio"] == "1000" and flat.iloc[3]["detail"] == "torch: 2.13.0+cpu → 2.14.0"
    page = html_path.read_text(encoding="utf-8")
    tables = TableCounter()
    tables.feed(page)
    assert (tables.count["h2"], tables.count["table"]) == (7, 5)  # two groups empty: "none"
    assert "<script" not in page and "&lt;script&gt;" in page and "http" not in page
    mask = os.umask(0)
    os.umask(mask)
    assert all((p.stat().st_mode & 0o777) == (0o666 & ~mask) for p in (csv_path, html_path))
    assert sorted(os.listdir(tmp_path / "out")) == ["diff.csv", "diff.html"]  # no temporary file left


class TableCounter(html.parser.HTMLParser):
    r"""Counts the start tags of a page."""
    def __init__(self):
        super().__init__()
        self.count = Counter()

    def handle_starttag(self, tag, attrs):
        self.count[tag] += 1


def test_versions_differing_are_shown(old, tmp_path, capsys, monkeypatch):
    new = write_report(tmp_path / "new", versions={**VERSIONS, "torch": "2.14.0", "scipy": "1.17.1"})
    code, out, _ = run(capsys, monkeypatch, old, new)
    assert code == 0
    versions = diff_reports(old, new).versions.set_index("library")
    assert versions.loc["torch", "differs"] and not versions.loc["numpy", "differs"]
    assert versions.loc["scipy", "old"] == "(absent)"
    assert "versions differing: 2 (scipy (absent) → 1.17.1, torch 2.13.0+cpu → 2.14.0)" in out
    assert "no differences" not in out


def test_missing_metadata_still_diffs_rows(old, tmp_path, capsys, monkeypatch):
    new = write_report(tmp_path / "new", edited(BASE, 0, status="FAIL"), metadata=False)
    code, out, _ = run(capsys, monkeypatch, old, new / "divergence.csv")
    assert code == 1
    assert "versions: unknown" in out and "NEW has no run_metadata.json" in out
    assert (diff_reports(old, new).versions["new"] == "unknown").all()


def test_report_without_cause_keys(tmp_path, capsys, monkeypatch):
    old = write_report(tmp_path / "old", drop=("cause_keys",))
    code, out, _ = run(capsys, monkeypatch, old, write_report(tmp_path / "new"))
    assert code == 0 and out.startswith("no differences")
    assert "OLD has no cause_keys column" in out


def test_duplicate_keys_pair_in_file_order(tmp_path):
    old = write_report(tmp_path / "old", [*BASE, dict(BASE[0], max_abs="2e-07")])
    new = write_report(tmp_path / "new", [*BASE, dict(BASE[0], status="FAIL", max_abs="2e-07")])
    changes = diff_reports(old, new).status_changes
    assert list(changes["occurrence"]) == [1] and list(changes["change"]) == ["match→FAIL"]


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing", "missing: no such file"),
    (lambda d: d.mkdir() or d, "divergence.csv: no such file"),
    (lambda d: write_report(d / "cols", drop=("status",)), "divergence.csv: not a report: missing columns status"),
    (lambda d: write_report(d / "st", edited(BASE, 0, status="weird")), "unknown status 'weird'"),
])
def test_bad_input_exits_2(old, tmp_path, capsys, monkeypatch, make, message):
    code, out, err = run(capsys, monkeypatch, make(tmp_path / "bad"), old)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and str(tmp_path / "bad") in err


def test_limit_and_all(tmp_path, capsys, monkeypatch):
    rows = [row("relu", quantity=f"grad_{i}") for i in range(6)]
    old = write_report(tmp_path / "old", rows)
    new = write_report(tmp_path / "new", [dict(r, status="FAIL") for r in rows])
    _, out, _ = run(capsys, monkeypatch, old, new, "--limit", "2")
    assert "... 4 more" in out and "grad_1" in out and "grad_2" not in out
    _, out, _ = run(capsys, monkeypatch, old, new, "--all")
    assert "more (--all" not in out and "grad_5" in out


def test_str_and_api(old, tmp_path):
    result = diff_reports(old, write_report(tmp_path / "new", edited(BASE, 0, status="FAIL")))
    assert isinstance(result, ReportDiff) and result.worse
    text = str(result)
    assert "status changes: 1 (worse: 1, better: 0)" in text and "match→FAIL" in text
    with pytest.raises(ValueError):
        diff_reports(old, old, factor=1)


def test_reference_report_against_itself(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert parity_main(["diff", REFERENCE_DIR, os.path.join(REFERENCE_DIR, "divergence.csv")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "no differences" and "same on both sides" in out
    result = diff_reports(REFERENCE_DIR, REFERENCE_DIR)
    assert result.identical and result.old_rows == result.new_rows >= 1000


def test_markdown_summary_has_the_counts_and_the_tables(tmp_path):
    from parity_tests.views.diff import main as diff_main
    out = tmp_path / "summary.md"
    assert diff_main(["reports/reference", "reports/reference", "--markdown", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# parity diff") and "no differences" in text and "status changes: 0" in text
