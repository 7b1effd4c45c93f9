r"""The measured part of ``parity show``: a concept's rows of a report, summarised with pandas to one line per
(variant, kwargs, dtype, inputs, pair) -- the worst status over its quantities, the largest ``max_abs`` and the
union of the differing convention keys -- worst first, torch~keras first within a status.

Imports no framework."""
import json
import os

import pandas as pd
from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..schema import STATUSES
from ..selection import PAIRS
from .concept import load_report, measured

__all__ = ["STATUSES", "STATUS_STYLES", "LINE_KEYS", "DEFAULT_LIMIT", "compact_kwargs", "concept_rows", "summarise",
           "measured_section"]

STATUS_STYLES = {"match": "green", "expected": "yellow", "FAIL": "bold red", "ERROR": "bold red"}
LINE_KEYS = ["variant", "kwargs", "dtype", "inputs", "pair"]
PAIR_ORDER = ("torch~keras",) + tuple(p for p in PAIRS if p != "torch~keras")
DEFAULT_LIMIT = 24  # summary lines shown without --all
SLACK = 6  # ... unless only this many more would be hidden
MAX_CAUSES = 5  # FAIL/ERROR explanations shown under the table


def _rank(status):
    r"""Position in ``STATUSES``; a status the report invented ranks worst of all."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def _union(keys):
    r"""The ';'-joined key lists of ``keys``, merged in first-seen order, joined by ', '."""
    found = [k for joined in keys for k in str(joined).split(";") if k]
    return ", ".join(dict.fromkeys(found))


def concept_rows(frame, concept):
    r"""``concept.measured`` of ``frame``, tolerating a report written before ``cause_keys`` or ``finding``
    existed."""
    frame = frame.assign(**{c: "" for c in ("cause_keys", "finding") if c not in frame.columns})
    return measured(frame, concept)


def summarise(rows):
    r"""One row per ``LINE_KEYS`` combination of ``rows`` (``concept.measured`` columns): ``status`` (the worst),
    ``max_abs`` (the largest; NaN when none was measured), ``cause_keys`` (the union) and ``quantities``; sorted
    worst status first, then by ``PAIR_ORDER``, then in report order."""
    rows = rows.assign(rank=rows["status"].map(_rank), max_abs=pd.to_numeric(rows["max_abs"], errors="coerce"),
                       order=range(len(rows)))
    by_line = rows.groupby(LINE_KEYS, sort=False)
    lines = by_line.agg(max_abs=("max_abs", "max"), cause_keys=("cause_keys", _union),
                        quantities=("quantity", "nunique"), order=("order", "min")).reset_index()
    worst = rows.loc[by_line["rank"].idxmax(), LINE_KEYS + ["status", "rank"]]
    lines = lines.merge(worst, on=LINE_KEYS, how="left")
    lines["pair_rank"] = lines["pair"].map(lambda p: PAIR_ORDER.index(p) if p in PAIR_ORDER else len(PAIR_ORDER))
    lines = lines.sort_values(["rank", "pair_rank", "order"], ascending=[False, True, True], kind="stable")
    return lines.drop(columns=["rank", "pair_rank", "order"]).reset_index(drop=True)


def compact_kwargs(kwargs):
    r"""A report's JSON kwargs as ``name=value, ...`` (Python reprs); ``{}`` as nothing."""
    try:
        parsed = json.loads(kwargs)
    except (TypeError, ValueError):
        return str(kwargs)
    if not isinstance(parsed, dict):
        return str(kwargs)
    return ", ".join(f"{k}={v!r}" for k, v in parsed.items())


def _status_text(status, count=None):
    label = status if count is None else f"{count} {status}"
    return Text(label, style=STATUS_STYLES.get(status, "bold red"))


def _counts(rows, lines, *, has_cause_keys):
    r"""``N checks on M lines: a match, b expected, ...`` (every status; zeros dimmed)."""
    counts = rows["status"].value_counts()
    statuses = list(STATUSES) + [s for s in counts.index if s not in STATUSES]
    tally = Text(", ").join(_status_text(s, int(counts[s])) if counts.get(s, 0) else Text(f"0 {s}", style="dim")
                            for s in statuses)
    note = Text(" (this report predates cause_keys)", style="dim") if not has_cause_keys else Text("")
    return Text.assemble(f"{len(rows)} checks on {len(lines)} lines: ", tally, note)


def _variant_legend(lines):
    r"""``variant = kwargs`` lines when each variant has one kwargs (the table then omits that column), else None."""
    per_variant = lines.groupby("variant", sort=False)["kwargs"].unique()
    if per_variant.map(len).max() > 1:
        return None
    legend = Text("variants: ", style="dim", overflow="fold")
    for i, (variant, kwargs) in enumerate(per_variant.items()):
        legend.append_text(Text.assemble("; " if i else "", (variant, "bold"), " ",
                                         compact_kwargs(kwargs[0]) or "(no keyword arguments)"))
    return legend


def _table(lines, *, with_kwargs):
    r"""The summary lines as a table; ``max |a-b|`` to 3 significant digits; no cause column when none has one."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    columns = ["pair", "variant"] + (["kwargs"] if with_kwargs else []) + ["dtype", "inputs"]
    for name in columns:
        table.add_column(name, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("max |a-b|", justify="right", no_wrap=True)
    with_causes = lines["cause_keys"].astype(bool).any()
    if with_causes:
        table.add_column("cause keys", overflow="fold")
    for line in lines.itertuples(index=False):
        gap = "" if pd.isna(line.max_abs) else f"{line.max_abs:.3g}"
        cells = [Text(compact_kwargs(line.kwargs) if name == "kwargs" else str(getattr(line, name)))
                 for name in columns]
        causes = [Text(line.cause_keys, style="yellow")] if with_causes else []
        table.add_row(*cells, _status_text(line.status), gap, *causes)
    return table


def _hidden(lines, shown):
    r"""``... N more lines (a match, b expected); --all shows them`` for the lines past ``shown``."""
    rest = lines.iloc[shown:]
    tally = Text(", ").join(_status_text(s, int(n)) for s, n in rest["status"].value_counts().items())
    return Text.assemble((f"... {len(rest)} more lines", "bold"), " (", tally, "); --all shows them")


def _causes(frame, concept):
    r"""The report's ``cause`` of the first FAIL/ERROR rows of ``concept`` (what went wrong, not just that it did),
    each with the listed Keras inconsistency it is an instance of (``finding``), if any."""
    if "cause" not in frame.columns:
        return []
    bad = frame[(frame["concept"] == concept) & frame["status"].isin(["FAIL", "ERROR"])].head(MAX_CAUSES)
    return [Text.assemble(_status_text(r.status), f" {r.variant} {r.dtype} {r.inputs} {r.pair} {r.quantity}: ",
                          (str(r.cause), "dim"), (f" [listed: {found}]" if (found := getattr(r, "finding", "")) else "",
                                                   "yellow"), overflow="fold") for r in bad.itertuples(index=False)]


def measured_section(concept, report, *, limit=DEFAULT_LIMIT):
    r"""The concept's measured gaps from ``report`` (a CSV path or a ``load_report`` DataFrame); every line
    when ``limit`` is None."""
    if not isinstance(report, pd.DataFrame):
        if not os.path.exists(report):
            return Text(f"no report at {report} (`parity run` writes one)", style="yellow")
        report = load_report(report)
    rows = concept_rows(report, concept)
    if rows.empty:
        return Text(f"the report has no rows for {concept}", style="yellow")
    lines = summarise(rows)
    legend = _variant_legend(lines)
    shown = len(lines) if limit is None or len(lines) <= limit + SLACK else limit
    parts = [_counts(rows, lines, has_cause_keys="cause_keys" in report.columns), legend,
             _table(lines.iloc[:shown], with_kwargs=legend is None),
             _hidden(lines, shown) if shown < len(lines) else None, *_causes(report, concept)]
    return Group(*(p for p in parts if p is not None))
