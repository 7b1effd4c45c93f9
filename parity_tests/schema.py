"""The report's schema, importable without any framework (views, selection and the runner share it): the
columns of divergence.csv, the statuses best to worst, the implementations and the pairs compared."""

__all__ = ["COLUMNS", "METRICS", "STATUSES", "IMPLS", "PAIRS", "FINITE_DIFF_PAIRS", "INSTALLED_PAIRS", "SIGNATURE_PAIRS",
           "CONTRACT_PAIRS",
           "pair_name", "PAIR_NAMES"]

COLUMNS = ("family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity", "n",
           "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol", "status", "cause", "cause_keys", "seed",
           "first_step", "abs_step_1", "abs_step_10", "abs_step_last", "abs_curve", "repeat")
METRICS = ("n", "max_abs", "max_rel", "max_ulp", "frac_out", "atol", "rtol",
           "first_step", "abs_step_1", "abs_step_10", "abs_step_last", "abs_curve")
STATUSES = ("match", "expected", "FAIL", "ERROR")  # best to worst

IMPLS = ("numpy[torch]", "numpy[keras]", "torch", "keras")  # numpy[fw]: the NumPy reference with fw's conventions
PAIRS = (("numpy[torch]", "torch"), ("numpy[keras]", "keras"), ("torch", "keras"))
FINITE_DIFF_PAIRS = (("numpy[torch]", "finite_diff"), ("numpy[keras]", "finite_diff"))
INSTALLED_PAIRS = (("torch", "conventions"), ("keras", "conventions"))  # installed defaults vs the table
SIGNATURE_PAIRS = (("numpy[torch]", "conventions"),)  # the reference's signature defaults vs the torch table
CONTRACT_PAIRS = (("numpy", "torch"), ("numpy", "keras"))  # bad input: the bare reference against each framework


def pair_name(pair):
    """``impl_a~impl_b``, as selections and views name a pair."""
    return "~".join(pair)


PAIR_NAMES = tuple(map(pair_name, PAIRS + FINITE_DIFF_PAIRS + INSTALLED_PAIRS + SIGNATURE_PAIRS + CONTRACT_PAIRS))
