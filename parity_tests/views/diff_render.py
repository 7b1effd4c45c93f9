r"""How ``parity diff`` shows a ``ReportDiff``: the display tables of each group (shared with the HTML page),
the count line per group and the verdict, and the rich rendering (each group's table capped at ``limit``
lines, with ``... K more``). Identical reports render as ``no differences`` and a versions line.
Nothing here imports a framework."""
import io
import math
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = ["DEFAULT_LIMIT", "ViewOptions", "ratio_text", "summary_lines", "versions_line", "views", "render", "plain_text"]

DEFAULT_LIMIT = 20
ROW_LABELS = {"concept": "concept", "variant": "variant", "dtype": "dtype", "inputs": "inputs", "pair": "pair",
              "quantity": "quantity"}
SHORT = 70  # terminal width of a cause, a cause_keys cell or a convention value
LINE_LIBRARIES = ("python", "numpy", "scipy", "torch", "tensorflow", "keras", "keras_backend")


@dataclass(frozen=True)
class ViewOptions:
    r"""How the display tables are cut: ``width`` truncates long cells (``None``: never); ``compact`` puts a
    row's concept, variant (with kwargs), dtype, inputs, pair and quantity in one ``row`` column."""
    width: int | None = None
    compact: bool = False


TERMINAL = ViewOptions(width=SHORT, compact=True)
NO_WRAP = ("status", "old max_abs", "new max_abs", "max_abs", "ratio", "change", "differs", "removed", "added",
           "added FAIL/ERROR")
FLEX = {"row": 3, "cause": 2, "new cause": 2, "old": 2, "new": 2, "old cause_keys": 2, "new cause_keys": 2}


def _short(text, width):
    text = str(text)
    return text if width is None or len(text) <= width else text[:width - 1] + "…"


def ratio_text(ratio):
    r"""``×100``, ``÷100``, ``from 0``, ``to 0`` or empty (no ratio)."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return ""
    if math.isinf(ratio):
        return "from 0"
    if ratio == 0:
        return "to 0"
    return f"×{ratio:.3g}" if ratio >= 1 else f"÷{1 / ratio:.3g}"


def _rows(frame, options):
    r"""The row-identifying display columns: ``variant`` carries the kwargs when there are any; compact: all
    of them in one ``row`` column."""
    variant = [v if k in ("", "{}") else f"{v} {k}" for v, k in zip(frame["variant"], frame["kwargs"])]
    shown = frame.loc[:, list(ROW_LABELS)].astype(str).assign(variant=variant).reset_index(drop=True)
    if options.compact:
        return pd.DataFrame({"row": [" ".join(r) for r in shown.itertuples(index=False)]}, dtype=object)
    return shown


def _with(frame, columns, options):
    return pd.concat([_rows(frame, options), pd.DataFrame(columns).reset_index(drop=True)], axis=1)


def _status(diff, options):
    s = diff.status_changes
    return _with(s, {"status": s["change"], "old max_abs": s["old_max_abs"], "new max_abs": s["new_max_abs"],
                     "new cause": [_short(c, options.width) for c in s["cause"]]}, options)


def _only(diff, options):
    frames = [f.assign(change=change) for f, change in ((diff.only_old, "removed"), (diff.only_new, "added"))]
    rows = pd.concat(frames, ignore_index=True)
    shown = _with(rows, {"status": rows["status"], "max_abs": rows["max_abs"],
                         "cause": [_short(c, options.width) for c in rows["cause"]]}, options)
    return shown.assign(change=rows["change"]).loc[:, ["change", *shown.columns]]


def _cause_keys(diff, options):
    rows = diff.convention_changes[diff.convention_changes["kind"] == "cause_keys"]
    status = [o if o == n else f"{o}→{n}" for o, n in zip(rows["old_status"], rows["new_status"])]
    return _with(rows, {"status": status, "old cause_keys": [_short(v, options.width) for v in rows["old"]],
                        "new cause_keys": [_short(v, options.width) for v in rows["new"]]}, options)


def _metadata(diff, options):
    rows = diff.convention_changes[diff.convention_changes["kind"] != "cause_keys"]
    keys = [f"{g}.{k}" if k else g for g, k in zip(rows["group"], rows["key"])]
    return pd.DataFrame({"change": rows["kind"], "framework": rows["framework"], "concept": rows["concept"],
                         "key": keys, "old": [_short(v, options.width) for v in rows["old"]],
                         "new": [_short(v, options.width) for v in rows["new"]]}).reset_index(drop=True)


def _magnitude(diff, options):
    m = diff.magnitude_changes
    return _with(m, {"status": m["status"], "old max_abs": m["old_max_abs"], "new max_abs": m["new_max_abs"],
                     "ratio": [ratio_text(r) for r in m["ratio"]]}, options)


def _versions(diff, options):
    v = diff.versions
    return pd.DataFrame({"library": v["library"], "OLD": v["old"], "NEW": v["new"],
                         "differs": ["≠" if d else "" for d in v["differs"]]})


def _by_concept(diff, options):
    return diff.by_concept.rename(columns={"added_bad": "added FAIL/ERROR"})


def views(diff, *, options=ViewOptions()):
    r"""{title: display DataFrame} for every table, in the report's order, cut as ``options`` says."""
    makers = {"status changes": _status, "rows only in one report, per concept": _by_concept,
              "rows only in one report": _only, "cause_keys changes": _cause_keys,
              "conventions changed in run_metadata.json": _metadata,
              f"max_abs changes by ×{diff.factor:g} or more (status unchanged)": _magnitude,
              "versions": _versions}
    return {title: make(diff, options) for title, make in makers.items()}


def versions_line(diff):
    r"""One line on the versions: ``unknown``, the differing ones, or the shared ones."""
    v = diff.versions
    if v.empty or (v["old"] == "unknown").all() or (v["new"] == "unknown").all():
        return "versions: unknown (no run_metadata.json on " + ("either side)" if v.empty else "a side)")
    differing = v[v["differs"]]
    if not differing.empty:
        changes = ", ".join(f"{r.library} {r.old} → {r.new}" for r in differing.itertuples())
        return f"versions differing: {len(differing)} ({changes})"
    shared = v[v["library"].isin(LINE_LIBRARIES)]
    return "versions: " + ", ".join(f"{r.library} {r.old}" for r in shared.itertuples()) + " (same on both sides)"


def summary_lines(diff):
    r"""The count line per group, the notes and the verdict."""
    s, c = diff.status_changes, diff.convention_changes
    worse = int((s["kind"] == "worsened").sum())
    rows_with_keys = int((c["kind"] == "cause_keys").sum())
    lines = [f"OLD: {diff.old} ({diff.old_rows} rows); NEW: {diff.new} ({diff.new_rows} rows)",
             f"status changes: {len(s)} (worse: {worse}, better: {len(s) - worse})",
             f"rows only in OLD (removed): {len(diff.only_old)}; only in NEW (added): {len(diff.only_new)}, "
             f"FAIL/ERROR among them: {len(diff.added_bad)}",
             f"convention changes: {rows_with_keys} in rows' cause_keys, {len(c) - rows_with_keys} in "
             "run_metadata.json conventions",
             f"magnitude changes (max_abs ×{diff.factor:g} or more, status unchanged): "
             f"{len(diff.magnitude_changes)}",
             versions_line(diff), *(f"note: {n}" for n in diff.notes)]
    verdict = f"WORSE (exit 1): {'; '.join(diff.reasons)}" if diff.worse else "nothing got worse (exit 0)"
    return [*lines, verdict]


def _style(title, row):
    if title == "status changes" or title == "rows only in one report":
        bad = row.get("status", "").split("→")[-1] in ("FAIL", "ERROR") or row.get("change") == "removed"
        return "red" if bad else ("green" if title == "status changes" else None)
    return "yellow" if row.get("differs") else None


def _table(title, frame, *, limit):
    r"""The rich Table of one display frame (at most ``limit`` rows) and the ``... K more`` line."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, title_style="bold",
                  expand=any(c in FLEX for c in frame.columns))
    for column in frame.columns:
        table.add_column(str(column), overflow="fold", no_wrap=column in NO_WRAP, ratio=FLEX.get(column))
    shown = frame if limit is None else frame.head(limit)
    for record in shown.astype(str).to_dict("records"):
        table.add_row(*map(Text, record.values()), style=_style(title, record))
    more = len(frame) - len(shown)
    return [table, Text(f"... {more} more (--all shows every line)", style="dim")] if more else [table]


def render(diff, *, limit=DEFAULT_LIMIT):
    r"""A rich renderable: every non-empty group's table (``limit`` rows each, ``None``: all), then the
    summary; ``no differences`` and the versions line when the reports are identical."""
    if diff.identical:
        return Group(Text("no differences"), Text(versions_line(diff), style="dim"),
                     *(Text(f"note: {n}", style="dim") for n in diff.notes))
    parts = []
    for title, frame in views(diff, options=TERMINAL).items():
        if not frame.empty and (title != "versions" or diff.versions["differs"].any()):
            parts += _table(title, frame, limit=limit)
    lines = summary_lines(diff)
    parts += [Text(line) for line in lines[:-1]]
    parts.append(Text(lines[-1], style="bold red" if diff.worse else "bold green"))
    return Group(*parts)


def plain_text(diff, *, limit=DEFAULT_LIMIT, width=120):
    r"""``render(diff)`` as plain text on a ``width``-column console."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(render(diff, limit=limit))
    return console.export_text().rstrip("\n")
