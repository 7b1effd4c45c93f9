"""The backend processes' results protocol (``parity_tests.backends``, ``parity_tests.backend_worker``): one file per
kind, written as soon as that kind is done and in the order the comparing processes need them, so they start
comparing while the backends still compute; a kind that fails fails every later one, never a wait in vain."""
import os
from types import SimpleNamespace

import pytest

from parity_tests import backend_worker, backends
from parity_tests.backends import KIND_ORDER, BackendError, file_for


def _fake_worker(monkeypatch, tmp_path, fail_at=None, backend="jax"):
    """Run the worker's main for ``backend`` with Keras's side replaced: each kind yields one run ``<kind>-run``;
    returns the kinds in the order computed, with the files that existed when each started."""
    seen = []

    def compute(kind, seed, selection, fast):
        seen.append((kind, sorted(name for name in os.listdir(tmp_path) if name.startswith(f"keras-{backend}-"))))
        if kind == fail_at:
            raise RuntimeError(f"{kind} broke")
        return {f"{kind}-run": {"forward": kind}}
    monkeypatch.setattr(backend_worker, "compute", compute)
    monkeypatch.setattr(backend_worker, "_versions", lambda backend: {"keras_backend": backend})
    backend_worker.main(["--backend", backend, "--seed", "1", "--out", os.fspath(tmp_path)])
    monkeypatch.setenv(backends.RESULTS_ENV, os.fspath(tmp_path))
    return seen


def test_each_kind_is_written_before_the_next_is_computed_in_the_order_comparing_needs(monkeypatch, tmp_path):
    seen = _fake_worker(monkeypatch, tmp_path)
    assert [kind for kind, _ in seen] == ["trainings", "rules", "cases", "inits"] == list(KIND_ORDER)
    for i, (kind, files) in enumerate(seen):
        assert files == sorted(os.path.basename(file_for(tmp_path, "jax", k)) for k in KIND_ORDER[:i]), kind
    for kind in KIND_ORDER:
        assert backends.result("keras[jax]", SimpleNamespace(id=f"{kind}-run")) == {"forward": kind}
    with pytest.raises(BackendError, match="not computed"):
        backends.result("keras[jax]", SimpleNamespace(id="nowhere"))


def test_a_failed_kind_fails_itself_and_every_later_kind_and_the_earlier_stay_readable(monkeypatch, tmp_path):
    _fake_worker(monkeypatch, tmp_path, backend="torch")
    seen = _fake_worker(monkeypatch, tmp_path, fail_at="rules")
    assert [kind for kind, _ in seen] == ["trainings", "rules"], "nothing is computed after a failure"
    assert all(os.path.exists(file_for(tmp_path, "jax", kind)) for kind in KIND_ORDER), "no reader waits in vain"
    assert backends.result("keras[jax]", SimpleNamespace(id="trainings-run")) == {"forward": "trainings"}
    for kind in ("rules", "cases", "inits"):
        with pytest.raises(BackendError, match="RuntimeError: rules broke"):
            backends.result("keras[jax]", SimpleNamespace(id=f"{kind}-run"))
    metadata = backends.metadata()  # every backend's entry: the failure, or the versions its process reported
    assert metadata["keras[jax]"]["failed"] == "RuntimeError: rules broke"
    assert metadata["keras[torch]"]["versions"] == {"keras_backend": "torch"}
