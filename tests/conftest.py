"""Shared fixtures: the parity matrix runs once per session and writes its report to ``./reports`` of the repository
(git-ignored: what runs write), never to the committed reference report (``reports/reference/``) nor to any other
tracked file; a target that is not git-ignored makes the fixture write to a temporary directory instead."""
import os
import subprocess
from pathlib import Path

import pytest

from parity_tests import REFERENCE_DIR
from parity_tests.run import run_matrix
from parity_tests.suite import DEFAULT_SEED, write_report

ROOT = Path(__file__).resolve().parent.parent
REPORT_FILES = ("divergence.csv", "run_metadata.json")


def _ignored_by_git(directory):
    """Whether git ignores every report file in ``directory`` (so writing them changes nothing tracked)."""
    paths = [str(Path(directory) / name) for name in REPORT_FILES]
    done = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    return done.returncode == 0 and len(done.stdout.split()) == len(paths)


def session_report_dir(tmp_path_factory):
    """``<repo>/reports`` when git ignores its report files and it is not the reference report, else a temp dir."""
    wanted = ROOT / "reports"
    if wanted.resolve() != Path(REFERENCE_DIR).resolve() and _ignored_by_git(wanted):
        return wanted
    return tmp_path_factory.mktemp("parity-report")


@pytest.fixture(scope="session")
def parity_report_dir(tmp_path_factory):
    """Where the session's parity run writes its report."""
    return session_report_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def parity_rows(parity_report_dir):
    """The complete matrix with Keras on every backend, computed as ``parity run --keras-backends`` computes it: this
    process and a worker share the units, the backends' processes compute while they do."""
    rows, skipped, _, backend_metadata = run_matrix(DEFAULT_SEED, keras_backends=True)  # as `make parity-all`
    assert Path(parity_report_dir).resolve() != Path(REFERENCE_DIR).resolve()
    write_report(rows, skipped, DEFAULT_SEED, out_dir=os.fspath(parity_report_dir),
                 extra={"keras_backends": backend_metadata})
    by_run = {}
    for r in rows:
        by_run.setdefault(r["run"], []).append(r)
    by_run["all"] = rows
    return by_run
