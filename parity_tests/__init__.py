"""Parity harness: runs reference_numpy, torch_impl and keras_impl on shared inputs and reports gaps.

Modules: ``tolerance`` (the one policy), ``compare`` (metrics), ``inputs`` (seeded regimes),
``conventions`` (what each framework does, as data), ``cases`` (table rows), ``frameworks``
(calling each implementation), ``runner`` (the matrix and statuses), ``gradcheck`` (finite
differences), ``report`` (CSV + metadata), ``suite`` (everything, or one shard), ``cli`` (the ``parity`` command; ``python -m parity_tests``), ``run`` (``parity run``), ``selection``, ``pool``
and ``worker`` (a shard in another process). Importing the package itself imports no framework.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of reports
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

DEFAULT_SEED = 20261124
# The committed reference report (the complete matrix, refreshed on purpose by `make reference`); runs write to
# ./reports of the working directory (``report_dir()``) or --out, never into the package or the reference.
REFERENCE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reports", "reference")


def report_dir():
    """Where a run writes when not told: ``./reports`` of the working directory."""
    return os.path.join(os.getcwd(), "reports")

_PORTING = {"compare_models": "parity_tests.porting.models", "translate": "parity_tests.porting.translate"}


def __getattr__(name):
    """``compare_models`` and ``translate`` import the frameworks, so they load on first use."""
    if name in _PORTING:
        import importlib
        return getattr(importlib.import_module(_PORTING[name]), name)
    raise AttributeError(f"module 'parity_tests' has no attribute {name!r}")
