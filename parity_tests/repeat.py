"""The determinism audit of ``parity run --repeat N``: the selection runs N times, every repeat after the first in
fresh worker processes (its own framework imports, its own thread pools), and each row's ``repeat`` column says
whether every repeat gave bit-identical results: ``identical``, or ``differs: <implementations>`` naming the
sides whose result fingerprints (``compare.digest``) changed (``differs: metrics`` for rows without results of
their own, e.g. finite differences). The metadata's ``determinism`` entry counts them and records the settings."""
import os
import tempfile
from collections import Counter

from .pool import Workers
from .schema import METRICS

__all__ = ["run_repeats", "mark", "settings"]

_KEY = ("family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity")


def run_repeats(options, jobs, times, merge):
    """The rows of ``times`` more runs, each by ``jobs`` fresh worker processes (``merge``: suite.merge)."""
    repeats = []
    for _ in range(times):
        with tempfile.TemporaryDirectory() as claims:
            workers = Workers(options, jobs + 1, claims)
            try:
                finished, lost = workers.collect()
                if lost:
                    raise RuntimeError(f"a repeat lost worker shard {lost[0].shard} ({lost[0].status})")
                repeats.append(merge(*finished))
            finally:
                workers.stop()
    return repeats


def _metrics(row):
    """The metric columns as text (NaN equals NaN, as in the report)."""
    return tuple(repr(row[k]) for k in METRICS)


def _verdict(row, others):
    changed = [impl for side, impl in (("digest_a", row["impl_a"]), ("digest_b", row["impl_b"]))
               if side in row and any(o.get(side) != row[side] for o in others)]
    if changed:
        return "differs: " + "; ".join(changed)
    if any(_metrics(o) != _metrics(row) for o in others):
        return "differs: metrics"
    return "identical"


def mark(rows, repeats):
    """Set each row's ``repeat`` from the matching rows of ``repeats`` (same table order); a summary dict."""
    for other in repeats:
        if [tuple(r[k] for k in _KEY) for r in other] != [tuple(r[k] for k in _KEY) for r in rows]:
            raise RuntimeError("a repeat produced different rows: the selection is not deterministic")
    for i, row in enumerate(rows):
        row["repeat"] = _verdict(row, [other[i] for other in repeats])
    differing = Counter(impl for r in rows if r["repeat"].startswith("differs")
                        for impl in r["repeat"].removeprefix("differs: ").split("; "))
    return {"repeats": 1 + len(repeats), "rows": len(rows),
            "rows_identical": sum(r["repeat"] == "identical" for r in rows),
            "rows_differing_by_side": dict(sorted(differing.items()))}


def settings():
    """The determinism settings in force (threads, deterministic-algorithm switches, oneDNN)."""
    import tensorflow as tf
    import torch
    return {"torch_threads": torch.get_num_threads(), "torch_interop_threads": torch.get_num_interop_threads(),
            "torch_deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
            "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
            "TF_DETERMINISTIC_OPS": os.environ.get("TF_DETERMINISTIC_OPS", ""),
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(unset: TF's default, on)")}
