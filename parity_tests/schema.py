"""The report's schema, importable without any framework (views, selection and the runner share it): the
columns of divergence.csv, the statuses best to worst, the implementations (``Impl``: identity as a value, looked
up by the name the report prints) and the pairs compared."""
from typing import NamedTuple

__all__ = ["COLUMNS", "METRICS", "STATUSES", "Impl", "IMPL", "IMPLS", "PAIRS", "KERAS_BACKENDS", "BACKEND_IMPLS",
           "backend_of",
           "BACKEND_PAIRS", "FINITE_DIFF_PAIRS", "INSTALLED_PAIRS", "SIGNATURE_PAIRS",
           "CONTRACT_PAIRS",
           "pair_name", "PAIR_NAMES"]

COLUMNS = ("family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity", "n",
           "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol", "status", "cause", "cause_keys", "finding",
           "seed",
           "first_step", "abs_step_1", "abs_step_10", "abs_step_last", "abs_curve", "repeat")
METRICS = ("n", "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol",
           "first_step", "abs_step_1", "abs_step_10", "abs_step_last", "abs_curve")
STATUSES = ("match", "expected", "FAIL", "ERROR")  # best to worst


class Impl(NamedTuple):
    """An implementation as the report names it: ``framework`` whose conventions it follows (the conventions
    table's column), ``package`` that computes it, the Keras ``backend`` (None outside Keras) and ``reference``, the
    NumPy implementation that must reproduce it (itself for a NumPy one)."""
    name: str
    framework: str
    package: str
    backend: str | None
    reference: str


# numpy[fw]: the NumPy reference with fw's conventions; "keras" is Keras on TensorFlow, the process the harness runs
# in; keras[jax] and keras[torch] run in one process per backend (parity_tests.backends), each held to the reference
# with Keras's conventions as that backend computes them (numpy[keras[jax]]: conventions.KERAS_ON).
KERAS_BACKENDS = ("jax", "torch")  # beyond TensorFlow
IMPL = {i.name: i for i in (
    Impl("numpy[torch]", "torch", "reference_numpy", None, "numpy[torch]"),
    Impl("numpy[keras]", "keras", "reference_numpy", None, "numpy[keras]"),
    Impl("torch", "torch", "torch_impl", None, "numpy[torch]"),
    Impl("keras", "keras", "keras_impl", "tensorflow", "numpy[keras]"),
    *(Impl(f"numpy[keras[{b}]]", f"keras[{b}]", "reference_numpy", None, f"numpy[keras[{b}]]") for b in KERAS_BACKENDS),
    *(Impl(f"keras[{b}]", f"keras[{b}]", "keras_impl", b, f"numpy[keras[{b}]]") for b in KERAS_BACKENDS))}


def backend_of(impl):
    """The Keras backend ``impl`` computes on, or follows (a reference: its Keras implementation's); None outside
    Keras."""
    reference = IMPL[impl].reference
    return next((i.backend for i in IMPL.values() if i.reference == reference and i.backend), None)


IMPLS = ("numpy[torch]", "numpy[keras]", "torch", "keras")  # the TensorFlow process's
PAIRS = (("numpy[torch]", "torch"), ("numpy[keras]", "keras"), ("torch", "keras"))
BACKEND_IMPLS = tuple(i.name for i in IMPL.values() if i.framework.startswith("keras["))
# each backend against its reference, against Keras on TensorFlow, and keras[torch] against torch (the same kernels
# underneath: a gap there is Keras's own convention)
BACKEND_PAIRS = (tuple((f"numpy[keras[{b}]]", f"keras[{b}]") for b in KERAS_BACKENDS)
                 + tuple(("keras", f"keras[{b}]") for b in KERAS_BACKENDS) + (("torch", "keras[torch]"),))
FINITE_DIFF_PAIRS = (("numpy[torch]", "finite_diff"), ("numpy[keras]", "finite_diff"))
INSTALLED_PAIRS = (("torch", "conventions"), ("keras", "conventions"))  # installed defaults vs the table
SIGNATURE_PAIRS = (("numpy[torch]", "conventions"),)  # the reference's signature defaults vs the torch table
CONTRACT_PAIRS = (("numpy", "torch"), ("numpy", "keras"))  # bad input: the bare reference against each framework


def pair_name(pair):
    """``impl_a~impl_b``, as selections and views name a pair."""
    return "~".join(pair)


PAIR_NAMES = tuple(map(pair_name, PAIRS + BACKEND_PAIRS + FINITE_DIFF_PAIRS + INSTALLED_PAIRS + SIGNATURE_PAIRS + CONTRACT_PAIRS))
