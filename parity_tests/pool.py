"""The process pool of ``parity run``: with ``--jobs N`` the run imports the frameworks once and forks N-1 workers
(they share the parent's imported modules: no worker pays the ~4 s import again; where ``os.fork`` is missing, or
the frameworks were imported before the run, N-1 ``python -m parity_tests.worker`` processes are started before the
import instead); every process then takes
units of work from one pool (the costliest first; a unit is claimed by creating its file, so whoever is free takes
the next) and marks each unit done (the progress display counts them); the run merges the rows in table order, so
the report is identical for any N."""
import contextlib
import os
import pickle
import signal
import subprocess
import sys
import time
import traceback
from typing import NamedTuple

__all__ = ["KNOWN_WARNINGS", "FORK", "fresh_frameworks", "claim_in", "claimed_by", "mark_done_in", "done_in", "Lost", "Forked", "Workers"]

FORK = hasattr(os, "fork")
_FRAMEWORKS = ("tensorflow", "torch", "keras")


def fresh_frameworks():
    """True while no framework is imported in this process: one imported now, by the run, has run nothing yet, and
    a child forked then works (TensorFlow's and torch's thread pools start with their first op, not the import)."""
    return not any(name in sys.modules for name in _FRAMEWORKS)

# torch warns on every F.kl_div(reduction='mean'); the behaviour is a recorded convention (kl_divergence).
KNOWN_WARNINGS = (r"reduction: 'mean' divides the total loss",)


def claim_in(directory, owner=0):
    """``claim(unit) -> bool``: True for the one process whose exclusive create of the unit's file succeeds;
    the file holds the claiming shard's number (``owner``), so a dead shard's units can be named."""
    def claim(unit):
        try:
            fd = os.open(os.path.join(directory, f"unit{unit}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        os.write(fd, str(owner).encode())
        os.close(fd)
        return True
    return claim


def claimed_by(directory, owner):
    """The units shard ``owner`` claimed, in order."""
    units = []
    for name in os.listdir(directory):
        if name.startswith("unit"):
            with open(os.path.join(directory, name)) as f:
                if f.read() == str(owner):
                    units.append(int(name.removeprefix("unit")))
    return sorted(units)


def mark_done_in(directory):
    """``on_done(unit)``: records that a unit finished (any process)."""
    def on_done(unit):
        os.close(os.open(os.path.join(directory, f"done{unit}"), os.O_CREAT | os.O_WRONLY))
    return on_done


def done_in(directory):
    """How many units the processes sharing ``directory`` have finished."""
    return sum(1 for name in os.listdir(directory) if name.startswith("done"))


class Lost(NamedTuple):
    """A worker that died: its shard number, how it ended, and the units it had claimed (their rows are lost)."""
    shard: int
    status: str
    units: tuple


def _status(returncode):
    return f"killed by signal {-returncode}" if returncode < 0 else f"exit status {returncode}"


class Forked:
    """A forked worker, seen as a ``subprocess.Popen``: ``poll``, ``wait``, ``terminate``, ``returncode``."""

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def _reap(self, flags):
        pid, status = os.waitpid(self.pid, flags)
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self):
        return self.returncode if self.returncode is not None else self._reap(os.WNOHANG)

    def wait(self):
        return self.returncode if self.returncode is not None else self._reap(0)

    def terminate(self):
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)


def _fork(shard_work, shard, out):
    """Fork a worker: the child runs ``shard_work(shard)``, pickles its pieces to ``out`` and leaves with
    ``os._exit`` (no teardown of the parent's state; exit status 1 and the traceback on stderr if it raised)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return Forked(pid)
    code = 1
    try:
        pieces = shard_work(shard)
        with open(out, "wb") as f:
            pickle.dump(pieces, f)
        code = 0
    except BaseException:  # noqa: B036 -- the child must always reach os._exit
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class Workers:
    """The worker processes of one run: forked to run ``shard_work(shard) -> pieces`` (after the parent imported the
    frameworks), or, with ``shard_work=None``, started as ``python -m parity_tests.worker`` with the run's
    ``options``; collected, or stopped quietly."""

    def __init__(self, options, jobs, claims, shard_work=None):
        self.claims, self.started = claims, []
        for shard in range(1, jobs):
            out = os.path.join(claims, f"shard{shard}.pickle")
            if shard_work is not None:
                self.started.append((_fork(shard_work, shard, out), out))
                continue
            cmd = [sys.executable, "-m", "parity_tests.worker", "--claims", claims, "--shard", str(shard),
                   "--out", out, *options]
            self.started.append((subprocess.Popen(cmd), out))

    def running(self):
        return any(process.poll() is None for process, _ in self.started)

    def wait(self, tick=None):
        """Wait for every worker, calling ``tick()`` a few times a second (progress)."""
        while self.running():
            if tick is not None:
                tick()
            time.sleep(0.2)

    def collect(self):
        """(pieces of each worker that finished, ``Lost`` for each that died: a native crash, ``os._exit``, an
        OOM kill -- its own traceback, if any, is already on stderr)."""
        pieces, lost = [], []
        for shard, (process, out) in enumerate(self.started, start=1):
            if process.wait() != 0 or not os.path.exists(out):
                lost.append(Lost(shard, _status(process.returncode), tuple(claimed_by(self.claims, shard))))
                continue
            with open(out, "rb") as f:
                pieces.append(pickle.load(f))
        return pieces, lost

    def stop(self):
        """Terminate workers still running (the run is abandoned): no orphan outlives its claims directory."""
        for process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.started:
            process.wait()
