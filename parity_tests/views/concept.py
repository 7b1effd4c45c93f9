"""One concept gathered for reading, shared by ``parity show`` and ``parity html``: the three implementations'
source (taken from the very objects the case rows call, so what you read is what was tested), the concept's
conventions (straight from ``parity_tests.conventions``) and its measured rows (from a report).

Only ``sources`` imports the frameworks (through the case rows)."""
import functools
import inspect
import os
import textwrap
from dataclasses import dataclass

from ..conventions import convention, family_of

__all__ = ["IMPL_PACKAGES", "Source", "ConventionRow", "sources", "convention_rows", "report_path", "load_report",
           "measured", "MEASURED_COLUMNS"]

IMPL_PACKAGES = ("numpy", "torch", "keras")  # the case row's fields, in the order the three files are read
GROUPS = ("defaults", "formula", "param_init", "related")
MEASURED_COLUMNS = ("variant", "kwargs", "dtype", "inputs", "pair", "quantity", "status", "max_abs", "cause_keys",
                    "finding")


@dataclass(frozen=True)
class Source:
    """One function as written: ``qualname`` in ``module``, its text, and where it lives."""
    package: str  # numpy | torch | keras
    module: str
    qualname: str
    text: str
    path: str
    line: int


@dataclass(frozen=True)
class ConventionRow:
    """One key of a concept's conventions: both frameworks' values and the table's notes."""
    group: str
    key: str
    torch: object
    keras: object
    note: str

    @property
    def differs(self):
        return self.torch != self.keras


def _unwrap(fn):
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.unwrap(fn)


def _source(package, fn):
    fn = _unwrap(fn)
    lines, line = inspect.getsourcelines(fn)
    return Source(package, fn.__module__, fn.__qualname__, textwrap.dedent("".join(lines)).rstrip("\n"),
                  inspect.getsourcefile(fn), line)


def _numpy_backward(fn):
    """The hand-written derivative beside a NumPy forward (``gelu`` -> ``gelu_backward``, ``dense_forward`` ->
    ``dense_backward``), when there is one."""
    fn = _unwrap(fn)
    module = inspect.getmodule(fn)
    backward = getattr(module, f"{fn.__name__.removesuffix('_forward')}_backward", None)
    return [backward] if callable(backward) else []


def case_row(concept):
    """The concept's case row (imports the frameworks)."""
    from ..cases import ALL_ROWS
    rows = [row for row in ALL_ROWS if row.concept == concept]
    if not rows:
        raise KeyError(concept)
    return rows[0]


def sources(concept):
    """{package: [Source]}: the functions the concept's case row calls; NumPy's hand-written backward too."""
    row = case_row(concept)
    out = {}
    for package in IMPL_PACKAGES:
        fn = getattr(row, package)
        extra = _numpy_backward(fn) if package == "numpy" else []
        out[package] = [_source(package, f) for f in [fn, *extra]]
    return out


def convention_rows(concept):
    """Every key of the concept's conventions, group by group, with both values and both notes."""
    torch_c, keras_c = convention(concept, "torch"), convention(concept, "keras")
    rows = [ConventionRow("api", "api", torch_c.api, keras_c.api, "")]
    for group in GROUPS:
        a, b = getattr(torch_c, group), getattr(keras_c, group)
        for key in sorted(set(a) | set(b), key=lambda k: (k not in a, k)):
            notes = [n for n in (torch_c.notes.get(key), keras_c.notes.get(key)) if n]
            rows.append(ConventionRow(group, key, a.get(key, "<absent>"), b.get(key, "<absent>"),
                                      " | ".join(dict.fromkeys(notes))))
    return rows


def report_path(out_dir=None):
    """The latest report: ``<out_dir or ./reports>/divergence.csv`` when a run wrote one, else the committed
    reference report (``reports/reference/`` of the source tree)."""
    latest = os.path.join(out_dir or os.path.join(os.getcwd(), "reports"), "divergence.csv")
    if os.path.exists(latest) or out_dir:
        return latest
    from .. import REFERENCE_DIR
    return os.path.join(REFERENCE_DIR, "divergence.csv")


def load_report(path):
    """The report as a DataFrame, with a ``pair`` column (``impl_a~impl_b``)."""
    import pandas as pd
    frame = pd.read_csv(path, dtype={"cause_keys": str, "cause": str, "kwargs": str, "finding": str},
                        keep_default_na=False)
    frame["pair"] = frame["impl_a"] + "~" + frame["impl_b"]
    if "finding" not in frame.columns:  # a report written before the column existed
        frame["finding"] = ""
    return frame


def measured(frame, concept):
    """The concept's rows of a report, one per (variant, dtype, inputs, pair, quantity), in report order."""
    rows = frame[frame["concept"] == concept]
    return rows.loc[:, list(MEASURED_COLUMNS)].reset_index(drop=True)


def family(concept):
    return family_of(concept)
