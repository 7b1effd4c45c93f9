"""Keras on its other backends: ``keras[jax]`` and ``keras[torch]``, one process each (``KERAS_BACKEND`` is fixed
when Keras is imported). ``start`` launches ``python -m parity_tests.backend_worker`` per backend before this
process imports the frameworks (their imports overlap); each computes Keras's side of every run of the same
selection (trainings, update-rule trajectories, single calls, initialiser draws: ``KIND_ORDER``) and pickles each
kind as soon as it is done, atomically, into a directory named by ``RESULTS_ENV``, which the processes that
compare (this one, its forked or started workers) inherit. ``result(impl, run)`` reads them, waiting for the
backend's file (a process killed before writing it is reported after ``WAIT_SECONDS``). Without a started run (a
caller that never called ``start``) the backend pairs are not compared.

Settings a backend's user would have to choose to get these numbers are set here and recorded in the metadata:
JAX computes float64 only with ``jax_enable_x64`` (without it a float64 input silently computes in float32), and
every backend runs single-threaded, as torch and TensorFlow do in the harness (fixed reduction order).
"""
import os
import pickle
import subprocess
import sys
import time
from typing import NamedTuple

from .schema import BACKEND_IMPLS, BACKEND_PAIRS, IMPL, KERAS_BACKENDS

__all__ = ["RESULTS_ENV", "SETTINGS", "KIND_ORDER", "TENSORFLOW_ONLY", "BackendError", "active", "covers", "impls",
           "pairs", "is_remote", "start", "result", "metadata", "file_for"]

RESULTS_ENV = "PARITY_BACKEND_RESULTS"
WAIT_SECONDS = 900.0  # a backend process that neither writes its results nor dies within this is reported lost
SETTINGS = {
    # XLA compiles each eager op once per shape and dtype (~40 ms each, ~400 in the gate): the persistent cache keeps
    # them across runs (the first run on a machine pays); source locations are not needed in compiled code
    "jax": {"JAX_ENABLE_X64": "True", "JAX_PLATFORMS": "cpu",
            "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
            "JAX_COMPILATION_CACHE_DIR": os.path.join(os.path.expanduser("~"), ".cache", "dl-parity-suite", "jax"),
            "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0", "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
            "JAX_TRACEBACK_IN_LOCATIONS_LIMIT": "0"},
    "torch": {},
}


# Families whose Keras implementation still uses a TensorFlow-only mechanism that keras_impl has no backend-neutral
# form of yet: not run on the other backends (listed in the metadata with this reason).
TENSORFLOW_ONLY = {}


def covers(run):
    """Whether the Keras backends run ``run`` (its family has a backend-neutral keras_impl)."""
    return run.case.family not in TENSORFLOW_ONLY


def impls(run, local):
    """The implementations of ``run``: ``local`` (this process's), plus each backend's ``numpy[keras[b]]`` and
    ``keras[b]`` when this run started the backends and they cover ``run``."""
    return local + BACKEND_IMPLS if active() and covers(run) else local


def pairs(run, local):
    """The pairs of ``run``: ``local``, plus the backend pairs (as ``impls``)."""
    return local + BACKEND_PAIRS if active() and covers(run) else local


def is_remote(impl):
    """Whether ``impl``'s results come from a backend process (``result``), not from this one."""
    return IMPL[impl].backend in KERAS_BACKENDS


class BackendError(Exception):
    """An exception raised in a backend process, carried back as text (the original may not pickle)."""


class Started(NamedTuple):
    directory: str
    processes: dict  # backend -> subprocess.Popen


def active():
    """The results directory of this run, or None: the backend pairs are compared only in a run that started
    them."""
    return os.environ.get(RESULTS_ENV) or None


# The order a backend process computes and writes its results in, one file per kind: the order the comparing
# processes need them (suite.units: traced trainings and update rules first), so comparing starts before it ends.
KIND_ORDER = ("trainings", "rules", "cases", "inits")


def file_for(directory, backend, kind):
    return os.path.join(directory, f"keras-{backend}-{kind}.pkl")


def start(directory, options):
    """Start one backend process per ``KERAS_BACKENDS`` (``options``: ``parity run``'s seed, ``--fast`` and
    selection arguments) writing into ``directory``; sets ``RESULTS_ENV`` for this process and its children."""
    os.environ[RESULTS_ENV] = directory
    processes = {}
    for backend in KERAS_BACKENDS:
        env = os.environ | SETTINGS[backend] | {"KERAS_BACKEND": backend}
        command = [sys.executable, "-m", "parity_tests.backend_worker", "--backend", backend, "--out", directory,
                   *options]
        processes[backend] = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    return Started(directory, processes)


def stop(started):
    """Wait for (or, after an error, kill) the backend processes; unset ``RESULTS_ENV``."""
    for process in started.processes.values():
        try:
            process.wait(timeout=10)  # results written: only os._exit is left
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    os.environ.pop(RESULTS_ENV, None)


_LOADED = {}  # path -> the unpickled payload, once per process (a later run writes to another directory)


def _load(backend, kind):
    path = file_for(active(), backend, kind)
    if path not in _LOADED:
        deadline = time.monotonic() + WAIT_SECONDS
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                raise BackendError(f"keras[{backend}]: no results after {WAIT_SECONDS:.0f} s (process lost)")
            time.sleep(0.02)
        with open(path, "rb") as f:
            _LOADED[path] = pickle.load(f)
    return _LOADED[path]


def result(impl, run):
    """{quantity: ndarray} of ``impl`` (``keras[<backend>]``) for ``run``, or raise the backend's exception. The
    kinds' files are read in ``KIND_ORDER`` until one holds the run (run ids are unique across kinds)."""
    for kind in KIND_ORDER:
        payload = _load(IMPL[impl].backend, kind)
        if "failed" in payload:
            raise BackendError(f"{impl}: the backend process failed: {payload['failed']}")
        outcome = payload["results"].get(run.id)
        if outcome is not None:
            if isinstance(outcome, str):
                raise BackendError(outcome)
            return outcome
    raise BackendError(f"{impl}: {run.id} was not computed on this backend")


def metadata():
    """Per backend: versions and settings as its process reported them (for run_metadata.json)."""
    if not active():
        return {}
    out = {}
    for backend in KERAS_BACKENDS:
        try:
            payload = _load(backend, KIND_ORDER[-1])  # the last file written: the process's versions
        except BackendError as exc:
            payload = {"failed": str(exc)}
        out[f"keras[{backend}]"] = ({k: v for k, v in payload.items() if k != "results"}
                                    | {"settings": SETTINGS[backend], "families_not_run": TENSORFLOW_ONLY})
    return out
