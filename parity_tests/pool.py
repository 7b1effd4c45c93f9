"""The process pool of ``parity run``: with ``--jobs N`` the run starts N-1 worker processes before it imports
the frameworks; every process then takes units of work from one pool (the costliest first; a unit is claimed
by creating its file, so whoever is free takes the next) and marks each unit done (the progress display counts
them); the run merges the rows in table order, so the report is identical for any N."""
import os
import pickle
import subprocess
import sys
import time

__all__ = ["KNOWN_WARNINGS", "claim_in", "mark_done_in", "done_in", "Workers"]

# torch warns on every F.kl_div(reduction='mean'); the behaviour is a recorded convention (kl_divergence).
KNOWN_WARNINGS = (r"reduction: 'mean' divides the total loss",)


def claim_in(directory):
    """``claim(unit) -> bool``: True for the one process whose exclusive create of the unit's file succeeds."""
    def claim(unit):
        try:
            os.close(os.open(os.path.join(directory, f"unit{unit}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True
    return claim


def mark_done_in(directory):
    """``on_done(unit)``: records that a unit finished (any process)."""
    def on_done(unit):
        os.close(os.open(os.path.join(directory, f"done{unit}"), os.O_CREAT | os.O_WRONLY))
    return on_done


def done_in(directory):
    """How many units the processes sharing ``directory`` have finished."""
    return sum(1 for name in os.listdir(directory) if name.startswith("done"))


class Workers:
    """The worker processes of one run: started with the run's options, collected, or stopped quietly."""

    def __init__(self, options, jobs, claims):
        self.claims, self.started = claims, []
        for shard in range(1, jobs):
            out = os.path.join(claims, f"shard{shard}.pickle")
            cmd = [sys.executable, "-m", "parity_tests.worker", "--claims", claims, "--out", out, *options]
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
        """Each worker's pieces; a worker that failed is named (its own traceback is already on stderr)."""
        pieces = []
        for process, out in self.started:
            if process.wait() != 0:
                raise SystemExit(f"parity worker {' '.join(process.args[1:])} failed with exit code {process.returncode}")
            with open(out, "rb") as f:
                pieces.append(pickle.load(f))
        return pieces

    def stop(self):
        """Terminate workers still running (the run is abandoned): no orphan outlives its claims directory."""
        for process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.started:
            process.wait()
