"""The ``parity`` command: subcommands, selection, where reports go, their permissions, machine-readable causes,
clear messages for unknown names, and a package that ships neither tests nor pytest."""
import csv
import io
import os
import pathlib
import subprocess
import sys
import tomllib

import pytest

from parity_tests import cli, run
from parity_tests.cases import ALL_ROWS
from parity_tests.conventions import all_conventions, family_of
from parity_tests.pool import Workers
from parity_tests.schema import IMPL
from parity_tests.selection import concepts_by_family

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _python(*args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_every_case_row_has_the_family_the_catalog_gives_it():
    assert {(r.concept, r.family) for r in ALL_ROWS} == {(c.concept, family_of(c.concept)) for c in all_conventions()}
    assert sum(map(len, concepts_by_family().values())) == len({r.concept for r in ALL_ROWS})


@pytest.mark.parametrize("argv, expected", [(["run", "--concept", "Adam"], "did you mean adam"),
                                            (["run", "--family", "loss"], "did you mean losses"),
                                            (["run", "--pair", "torch-keras"], "did you mean torch~keras"),
                                            (["lst"], "did you mean list")])
def test_unknown_names_get_close_matches_before_any_framework_loads(argv, expected):
    probe = ("import sys; from parity_tests.cli import main; code = main(sys.argv[1:]); "
             "print('frameworks:', [m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules]); sys.exit(code)")
    done = _python("-c", probe, *argv)
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert "frameworks: []" in done.stdout


def test_python_m_is_the_same_command_and_help_lists_every_subcommand():
    done = _python("-m", "parity_tests", "--help")
    assert done.returncode == 0
    assert all(name in done.stdout for name in cli.SUBCOMMANDS)


def test_a_selection_runs_only_what_it_names(tmp_path):
    argv = ["run", "--concept", "leaky_relu", "--pair", "torch~keras", "--dtype", "float32", "--variant", "defaults",
            "--out", str(tmp_path), "--jobs", "1"]
    assert cli.main(argv) == 0
    rows = _read(tmp_path / "divergence.csv")
    assert rows and {(r["concept"], r["impl_a"], r["impl_b"], r["dtype"], r["variant"]) for r in rows} == {
        ("leaky_relu", "torch", "keras", "float32", "defaults")}
    forward = next(r for r in rows if r["quantity"] == "forward" and r["inputs"] == "typical")
    assert forward["status"] == "expected" and forward["cause_keys"] == "defaults.negative_slope"


def test_cause_keys_name_exactly_the_keys_the_prose_names(parity_rows):
    for row in parity_rows["all"]:
        keys = row["cause_keys"].split(";") if row["cause_keys"] else []
        assert bool(keys) == (row["status"] == "expected" and row["family"] != "user_model"), row
        first = IMPL[row["impl_a"]].framework if row["impl_a"] in IMPL else "torch"  # its convention's value first
        assert keys == sorted(keys) and all(f"{k} ({first}=" in row["cause"] for k in keys), row


def test_reports_go_to_the_working_directory_with_normal_permissions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--concept", "relu", "--dtype", "float64", "--jobs", "1"]) == 0
    mask = os.umask(0)
    os.umask(mask)
    for name in ("divergence.csv", "run_metadata.json"):
        assert (tmp_path / "reports" / name).stat().st_mode & 0o777 == 0o666 & ~mask
    assert not (ROOT / "parity_tests" / "reports").exists()


def test_what_runs_write_is_untracked_and_the_reference_report_is_apart():
    tracked = subprocess.run(["git", "ls-files", "reports"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert {"reports/README.md", "reports/reference/divergence.csv", "reports/reference/run_metadata.json"} <= set(tracked)
    assert all(p.startswith(("reports/reference/", "reports/upgrades/")) or p == "reports/README.md" for p in tracked)
    written = ["reports/divergence.csv", "reports/run_metadata.json", "reports/site/index.html"]
    ignored = subprocess.run(["git", "check-ignore", *written], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == written


def test_progress_shows_on_a_terminal_only(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        with run._progress(4) as advance:
            advance(4)
        assert ("4/4" in stream.getvalue()) == shown


def test_stopping_the_workers_leaves_no_process_behind(tmp_path):
    workers = Workers(["--seed", "1", "--concept", "relu"], 3, str(tmp_path))
    workers.stop()
    assert len(workers.started) == 2 and not workers.running()
    assert all(process.returncode is not None for process, _ in workers.started)


def test_the_package_ships_neither_tests_nor_pytest():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("pytest") for d in project["dependencies"])
    assert "pytest" in project["optional-dependencies"]["test"]
    assert project["scripts"]["parity"] == "parity_tests.cli:entry"
    assert not list((ROOT / "parity_tests").rglob("test_*.py")) and not list((ROOT / "parity_tests").rglob("conftest.py"))
    runtime = [p for p in (ROOT / "parity_tests").rglob("*.py") if "import pytest" in p.read_text()]
    assert runtime == []


def test_reports_readme_documents_every_column():
    from parity_tests.schema import COLUMNS
    text = (ROOT / "reports" / "README.md").read_text()
    assert [c for c in COLUMNS if f"`{c}`" not in text] == []
