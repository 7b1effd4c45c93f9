"""The bad-input contract as report rows: one per table row and pair of ``CONTRACT_PAIRS`` (the NumPy reference
against torch, against Keras), variant ``bad_input``, ``inputs`` the row's reason, quantity ``error`` (the three
raise) or ``value`` (the three return the documented value); ``match`` when the pair keeps the contract, else
``FAIL`` naming what broke it. Both pairs keep it exactly when the row's ``Verdict`` is ok (the wordings are compared
through the reference)."""
from ..schema import CONTRACT_PAIRS, METRICS
from .contract import check
from .rows import Same

__all__ = ["VARIANT", "quantity", "report_rows"]

VARIANT = "bad_input"


def quantity(row):
    """``value`` for a row documenting a returned value, ``error`` for one that must raise."""
    return "value" if isinstance(row.expected, Same) else "error"


def _row(bad, pair, seed, status, cause):
    row = dict(family=bad.family, concept=bad.concept, variant=VARIANT, kwargs="", dtype="", inputs=bad.reason,
               impl_a=pair[0], impl_b=pair[1], quantity=quantity(bad), status=status, cause=cause, cause_keys="",
               finding="",
               seed=seed, repeat="", run=f"{bad.family}/{bad.concept}/{VARIANT}/{bad.reason}")
    return row | dict.fromkeys(METRICS, "")


def _rows_of(bad, seed):
    try:
        verdict = check(bad)
    except Exception as exc:  # a check that cannot run (a harness bug) is a finding, not a crash
        return [_row(bad, pair, seed, "ERROR", f"checking: {type(exc).__name__}: {exc}") for pair in CONTRACT_PAIRS]
    problems = [verdict.between(*pair) for pair in CONTRACT_PAIRS]
    return [_row(bad, pair, seed, "FAIL" if problem else "match", problem)
            for pair, problem in zip(CONTRACT_PAIRS, problems)]


def report_rows(table, seed):
    """The report rows of the ``BadInput`` rows ``table``, in table order (two per row)."""
    return [row for bad in table for row in _rows_of(bad, seed)]
