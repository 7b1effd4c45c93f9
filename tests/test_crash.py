"""Crash containment: a worker that dies mid-run (here ``os._exit(3)`` after its first unit) leaves a complete,
fresh report -- its units become ERROR rows naming the unit and the exit status, every other row intact -- and
a non-zero exit; the previous report is never left in place. Both kinds of worker: forked after the import (the
default where ``os.fork`` exists) and started as ``python -m parity_tests.worker``."""
import csv
import os
import textwrap

import pytest

from parity_tests import pool, run
from parity_tests.cli import main

_CRASH = textwrap.dedent('''
    import os
    import parity_tests.pool as pool

    def mark_done_in(directory):
        def on_done(unit):  # the worker dies as soon as it has finished one unit
            os._exit(3)
        return on_done

    pool.mark_done_in = mark_done_in
''')
ARGV = ["run", "--fast", "--concept", "relu", "--concept", "sigmoid", "--concept", "tanh", "--concept", "gelu",
        "--jobs", "2"]


def _leaving_unit_0(claims):
    claim = pool.claim_in(claims)
    return lambda unit: unit != 0 and claim(unit)


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def _crashing_mark_done_in(directory):
    def on_done(unit):  # a forked worker dies as soon as it has finished one unit
        os._exit(3)
    return on_done


def _inject(tmp_path, monkeypatch, forked):
    """Make the workers (not the parent) die after their first unit."""
    monkeypatch.setattr(pool, "FORK", forked)
    if forked:  # the children look pool.mark_done_in up after the fork; the parent uses run's own name
        monkeypatch.setattr(pool, "mark_done_in", _crashing_mark_done_in)
        return
    crash = tmp_path / "inject"
    crash.mkdir()
    (crash / "sitecustomize.py").write_text(_CRASH)  # loaded by the worker processes only (started after this)
    monkeypatch.setenv("PYTHONPATH", str(crash))


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "started"])
def test_a_dying_worker_leaves_a_complete_fresh_report(tmp_path, monkeypatch, capfd, forked):
    if forked and not pool.FORK:
        pytest.skip("os.fork is not available on this platform")
    healthy = tmp_path / "healthy"
    assert main([*ARGV, "--out", str(healthy)]) == 0
    expected = {(r["concept"], r["variant"], r["dtype"], r["inputs"]) for r in _rows(healthy / "divergence.csv")}
    out = tmp_path / "crashed"
    out.mkdir()
    (out / "divergence.csv").write_text("the previous run's report\n")
    _inject(tmp_path, monkeypatch, forked)
    monkeypatch.setattr(run, "claim_in", _leaving_unit_0)  # the parent leaves unit 0 to the worker
    assert main([*ARGV, "--out", str(out)]) == 1
    rows = _rows(out / "divergence.csv")
    lost = [r for r in rows if (r["impl_a"], r["impl_b"]) == ("worker", "lost")]
    assert lost and all(r["status"] == "ERROR" and "exit status 3" in r["cause"] and "unit " in r["cause"]
                        for r in lost)
    assert {(r["concept"], r["variant"], r["dtype"], r["inputs"]) for r in rows} == expected  # no run missing
    assert all(r["status"] == "match" or r in lost or r["status"] == "expected" for r in rows)
    assert "worker shard 1 died (exit status 3)" in capfd.readouterr().err
