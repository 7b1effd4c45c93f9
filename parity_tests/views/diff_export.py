r"""``parity diff --csv`` and ``--html``: every difference of a ``ReportDiff`` as one flat CSV, and a static HTML
page with the terminal's tables (uncapped, untruncated, escaped; no script, no network). Both are written
through a temporary file in the target directory and ``os.replace``, with ordinary permissions.

CSV columns (``FLAT_COLUMNS``): ``group`` (``status``, ``rows``, ``conventions``, ``magnitude``,
``versions``), ``kind`` (``worsened``/``improved``; ``removed``/``added``; ``cause_keys``, ``value changed``,
``key added``, ``key removed``, ``convention added``, ``convention removed``; ``grew``/``shrank``/``missing
value``; ``differs``), the key columns and ``occurrence``, the old and new status, ``max_abs`` (as the reports
wrote them), ``ratio`` (new/old ``max_abs``), the old and new ``cause_keys`` and a ``detail`` (the new cause,
the cause_keys delta, ``framework concept group.key: old → new``, ``library: old → new``)."""
import html
import math

import pandas as pd

from .atomic import write_atomic
from .diff_load import KEY, OCCURRENCE
from .diff_render import summary_lines, views

__all__ = ["FLAT_COLUMNS", "flat", "write_csv", "write_html", "write_markdown", "write_atomic"]

FLAT_COLUMNS = ("group", "kind", *KEY, OCCURRENCE, "old_status", "new_status", "old_max_abs", "new_max_abs",
                "ratio", "old_cause_keys", "new_cause_keys", "detail")


def _ratio(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "inf" if math.isinf(value) else f"{value:.6g}"


def _status(diff):
    s = diff.status_changes
    return s.assign(group="status", detail=s["cause"])


def _rows(diff):
    frames = []
    for side, kind, frame in (("old", "removed", diff.only_old), ("new", "added", diff.only_new)):
        named = {c: f"{side}_{c}" for c in ("status", "max_abs", "cause_keys")}
        frames.append(frame.rename(columns=named).assign(group="rows", kind=kind, detail=frame["cause"]))
    return pd.concat(frames, ignore_index=True)


def _conventions(diff):
    c = diff.convention_changes
    is_row = c["kind"] == "cause_keys"
    return c.assign(group="conventions", old_cause_keys=c["old"].where(is_row, ""),
                    new_cause_keys=c["new"].where(is_row, ""))


def _magnitude(diff):
    m = diff.magnitude_changes
    return m.assign(group="magnitude", old_status=m["status"], new_status=m["status"],
                    ratio=[_ratio(r) for r in m["ratio"]], detail=[f"atol {a:g}" for a in m["atol"]])


def _versions(diff):
    v = diff.versions[diff.versions["differs"]]
    return pd.DataFrame({"group": "versions", "kind": "differs",
                         "detail": [f"{r.library}: {r.old} → {r.new}" for r in v.itertuples()]})


def flat(diff):
    r"""Every difference of ``diff`` as one DataFrame of strings with ``FLAT_COLUMNS``, group by group."""
    parts = [make(diff) for make in (_status, _rows, _conventions, _magnitude, _versions)]
    parts = [p.reindex(columns=list(FLAT_COLUMNS), fill_value="") for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(FLAT_COLUMNS), dtype=str)
    frame = pd.concat(parts, ignore_index=True).fillna("")
    return frame.astype({c: str for c in FLAT_COLUMNS}).reset_index(drop=True)


def write_markdown(diff, path):
    r"""A markdown summary (e.g. reports/upgrades/): the count lines, then every table as plain text."""
    from .diff_render import plain_text
    head = "\n".join(f"- {line}" for line in summary_lines(diff))
    tables = "\n".join(line.rstrip() for line in plain_text(diff, limit=None).splitlines())
    write_atomic(path, f"# parity diff\n\n{head}\n\n```text\n{tables}\n```\n")


def write_csv(diff, path):
    r"""``flat(diff)`` to ``path`` (UTF-8, ``\n`` line ends), atomically."""
    write_atomic(path, flat(diff).to_csv(index=False, lineterminator="\n"))


STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.worse{color:#b00;font-weight:bold}.ok{color:#070;font-weight:bold}
ul{padding-left:1.2em}"""


def _page(diff):
    r"""The HTML text: the summary, then every group's table (``none`` for an empty one)."""
    lines = summary_lines(diff)
    verdict = f'<p class="{"worse" if diff.worse else "ok"}">{html.escape(lines[-1])}</p>'
    summary = "".join(f"<li>{html.escape(line)}</li>" for line in lines[:-1])
    head = "no differences" if diff.identical else "parity diff"
    body = [f"<h1>{html.escape(head)}</h1>", f"<ul>{summary}</ul>", verdict]
    for title, frame in views(diff).items():
        table = frame.to_html(index=False, escape=True, border=0, na_rep="") if len(frame) else "<p>none</p>"
        body.append(f"<h2>{html.escape(title)} ({len(frame)})</h2>\n{table}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>parity diff</title>"
            f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_html(diff, path):
    r"""The static page of ``diff`` to ``path``, atomically."""
    write_atomic(path, _page(diff))
