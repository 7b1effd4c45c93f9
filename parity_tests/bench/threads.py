"""The thread pools the benchmark runs with: torch's, TensorFlow's and NumPy's BLAS, set to one count.

``parity bench`` pins all three to ``--threads`` (default 1: a per-core comparison, and on a shared machine the only
one that holds still: a pool of two threads waits at every barrier for whichever thread another process has
descheduled, which made torch's element-wise ops 10-30x slower in a loaded run). NumPy's own element-wise ufuncs
are single-threaded whatever the count; its BLAS (the GEMM probe, the reference MLP's matmuls) is set through the
bundled OpenBLAS's own setter, as threadpoolctl does.
"""
import ctypes
import glob
import os
import sys

__all__ = ["pin", "counts"]


def _openblas():
    """NumPy's bundled scipy-openblas as a ``ctypes`` library (the one NumPy has loaded), or None."""
    import numpy as np
    found = sorted(glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas*.so*")))
    return ctypes.CDLL(found[0]) if found else None


def _blas_call(operation, *args):
    lib = _openblas()
    fn = getattr(lib, f"scipy_openblas_{operation}_num_threads64_", None) if lib is not None else None
    return None if fn is None else fn(*(ctypes.c_int(a) for a in args))


def pin(n: int) -> None:
    """torch's intra-op pool, TensorFlow's intra- and inter-op pools and NumPy's OpenBLAS to ``n`` threads.
    TensorFlow's can change only before it has run an op in this process: otherwise it keeps its own (said on
    stderr; ``counts()`` records what ran)."""
    import tensorflow as tf
    import torch
    torch.set_num_threads(n)
    _blas_call("set", n)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(n)
    except RuntimeError as exc:
        print(f"parity bench: TensorFlow keeps its threads ({exc})", file=sys.stderr)


def counts() -> dict:
    """The pools' sizes now (TensorFlow's 0: one thread a core), the cores, and the threading variables set."""
    import tensorflow as tf
    import torch
    env = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")
    return {"cpu_count": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
            "torch_intra_op": torch.get_num_threads(), "torch_inter_op": torch.get_num_interop_threads(),
            "tf_intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "tf_inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
            "numpy_blas": _blas_call("get"), "env": {name: os.environ[name] for name in env if name in os.environ}}
