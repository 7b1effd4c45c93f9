"""Shared fixtures: the parity matrix runs once per session (and rewrites the report)."""
import pytest

from parity_tests.suite import DEFAULT_SEED, run_all, write_report


@pytest.fixture(scope="session")
def parity_rows():
    rows, skipped = run_all(DEFAULT_SEED)
    write_report(rows, skipped, DEFAULT_SEED)
    by_run = {}
    for r in rows:
        by_run.setdefault(r["run"], []).append(r)
    by_run["all"] = rows
    return by_run
