"""Crash containment: a worker that dies mid-run (here ``os._exit(3)`` after its first unit) leaves a complete,
fresh report -- its units become ERROR rows naming the unit and the exit status, every other row intact -- and
a non-zero exit; the previous report is never left in place. Both kinds of worker: forked after the import (the
default where ``os.fork`` exists) and started as ``python -m parity_tests.worker``."""
import csv
import subprocess
import sys
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


# The forked kind runs in a fresh process (fork is taken only before any framework has run): the parent replaces
# pool.mark_done_in, which only forked children use -- a worker started as a new interpreter would not crash.
_FORKED = textwrap.dedent('''
    import os, sys
    from parity_tests import pool, run
    from parity_tests.cli import main

    assert pool.FORK and pool.fresh_frameworks()

    def mark_done_in(directory):
        def on_done(unit):
            os._exit(3)
        return on_done

    pool.mark_done_in = mark_done_in
    claim_in = pool.claim_in
    run.claim_in = lambda claims: (lambda unit: unit != 0 and claim_in(claims)(unit))  # the parent leaves unit 0
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
''')


def _crash_run(tmp_path, monkeypatch, forked, out):
    """The run with its worker dying after its first unit: (exit code, stderr)."""
    if forked:
        done = subprocess.run([sys.executable, "-c", _FORKED, *ARGV, "--out", str(out)], capture_output=True,
                              text=True, timeout=600)
        return done.returncode, done.stderr
    assert not pool.fresh_frameworks()  # in-process after the frameworks ran: workers are started, never forked
    crash = tmp_path / "inject"
    crash.mkdir()
    (crash / "sitecustomize.py").write_text(_CRASH)  # loaded by the worker processes only (started after this)
    monkeypatch.setenv("PYTHONPATH", str(crash))
    monkeypatch.setattr(run, "claim_in", _leaving_unit_0)  # the parent leaves unit 0 to the worker
    return main([*ARGV, "--out", str(out)]), None


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
    code, err = _crash_run(tmp_path, monkeypatch, forked, out)
    assert code == 1
    rows = _rows(out / "divergence.csv")
    lost = [r for r in rows if (r["impl_a"], r["impl_b"]) == ("worker", "lost")]
    assert lost and all(r["status"] == "ERROR" and "exit status 3" in r["cause"] and "unit " in r["cause"]
                        for r in lost)
    assert {(r["concept"], r["variant"], r["dtype"], r["inputs"]) for r in rows} == expected  # no run missing
    assert all(r["status"] == "match" or r in lost or r["status"] == "expected" for r in rows)
    assert "worker shard 1 died (exit status 3)" in (err if forked else capfd.readouterr().err)
