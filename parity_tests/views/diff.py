r"""``parity diff OLD NEW``: what changed between two reports (each a ``divergence.csv``, or a directory holding
one and its ``run_metadata.json``), in five groups:

1. status changes, worse first (match→FAIL, expected→FAIL, →ERROR, match→expected, other worsenings, then
   improvements), with the old and new ``max_abs`` and the new cause;
2. rows only in one report (removed: only in OLD; added: only in NEW), per concept and listed;
3. convention changes: rows whose ``cause_keys`` differ, and conventions whose values differ between the two
   ``run_metadata.json`` files (framework, concept, group.key: old → new; keys and conventions added/removed);
4. ``max_abs`` changes by ``--factor`` (default 10×) or more while the status holds (rule in ``diff_rows``);
5. library versions (and seed) on each side, those that differ marked.

Rows are matched on family, concept, variant, kwargs, dtype, inputs, impl_a, impl_b, quantity (a key repeated
within a report pairs its n-th occurrences, in file order). Exit status: 1 when anything got worse -- a status
worsened, a row of OLD is missing from NEW, or a row only in NEW is FAIL or ERROR -- else 0; 2 on bad input
(a missing file, a CSV that is not a report). Identical reports print ``no differences``. ``--csv PATH``
writes every difference as one CSV, ``--html PATH`` a static page with the tables (both atomically).

Importing this module imports no framework (pandas and rich only)."""
import argparse
import sys
from dataclasses import dataclass, field

import pandas as pd

from . import diff_export, diff_render
from .diff_load import BadReport, Report, load_report
from .diff_meta import convention_changes as metadata_convention_changes
from .diff_meta import versions as version_table
from .diff_rows import BAD, ROW_ID, cause_key_changes, magnitude_changes, only_rows, pair_rows, per_concept
from .diff_rows import status_changes as status_change_rows

__all__ = ["ReportDiff", "BadReport", "diff_reports", "main"]

CONVENTION_COLUMNS = ("kind", "framework", *ROW_ID, "group", "key", "old_status", "new_status", "old", "new",
                      "detail")


@dataclass(frozen=True, eq=False)
class ReportDiff:
    r"""What changed from the ``old`` report to the ``new`` one: a DataFrame per group (see the module), the
    factor used for magnitudes and notes on what could not be compared. ``worse`` decides the exit status;
    ``str(diff)`` is the terminal rendering as plain text, and a ``ReportDiff`` is a rich renderable."""
    old: str
    new: str
    old_rows: int
    new_rows: int
    status_changes: pd.DataFrame
    only_old: pd.DataFrame
    only_new: pd.DataFrame
    convention_changes: pd.DataFrame
    magnitude_changes: pd.DataFrame
    versions: pd.DataFrame
    factor: float = 10.0
    notes: tuple[str, ...] = field(default=())

    @property
    def worsened(self):
        r"""The status changes for the worse."""
        return self.status_changes[self.status_changes["kind"] == "worsened"]

    @property
    def added_bad(self):
        r"""Rows only in the new report whose status is FAIL or ERROR."""
        return self.only_new[self.only_new["status"].isin(BAD)]

    @property
    def reasons(self):
        r"""Why the new report is worse, one phrase per reason (empty when it is not)."""
        counts = {"statuses worsened": len(self.worsened), "rows missing from NEW": len(self.only_old),
                  "rows new in NEW that are FAIL/ERROR": len(self.added_bad)}
        return tuple(f"{what}: {n}" for what, n in counts.items() if n)

    @property
    def worse(self):
        r"""True when a status worsened, a row of the old report is missing, or a new row is FAIL/ERROR."""
        return bool(self.reasons)

    @property
    def by_concept(self):
        r"""Rows only in one report, per concept: ``removed``, ``added``, ``added_bad`` (FAIL/ERROR)."""
        return per_concept(self.only_old, self.only_new)

    @property
    def identical(self):
        r"""No difference in any group (versions included, where both sides know them)."""
        groups = (self.status_changes, self.only_old, self.only_new, self.convention_changes,
                  self.magnitude_changes)
        return all(g.empty for g in groups) and not self.versions["differs"].any()

    def differences(self):
        r"""Every difference as one flat DataFrame (the ``--csv`` columns)."""
        return diff_export.flat(self)

    def __rich__(self):
        return diff_render.render(self, limit=diff_render.DEFAULT_LIMIT)

    def __str__(self):
        return diff_render.plain_text(self, limit=diff_render.DEFAULT_LIMIT)


def _report(side):
    return side if isinstance(side, Report) else load_report(side)


def _conventions(paired, old, new, notes):
    r"""Group 3: rows whose ``cause_keys`` differ, then the metadata conventions that differ."""
    frames = []
    lacking = [name for name, r in (("OLD", old), ("NEW", new)) if not r.has_cause_keys]
    if lacking:
        notes.append(f"{' and '.join(lacking)} has no cause_keys column (an older report): "
                     "per-row cause_keys not compared")
    else:
        frames.append(cause_key_changes(paired))
    metadata = metadata_convention_changes(old.metadata, new.metadata)
    if metadata is None:
        notes.append("run_metadata.json conventions not compared (missing on a side)")
    else:
        frames.append(metadata)
    frames = [f for f in frames if not f.empty]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(CONVENTION_COLUMNS))
    frame = frame.reindex(columns=list(CONVENTION_COLUMNS), fill_value="")
    frame["occurrence"] = [v if isinstance(v, str) else "" if pd.isna(v) else int(v) for v in frame["occurrence"]]
    return frame.fillna("").reset_index(drop=True)


def _metadata_notes(old, new):
    return [f"{name} has no run_metadata.json ({r.metadata_path}): versions unknown"
            for name, r in (("OLD", old), ("NEW", new)) if r.metadata is None]


def diff_reports(old, new, *, factor=10.0):
    r"""The ``ReportDiff`` from ``old`` to ``new`` (each a path to a ``divergence.csv`` or a report directory,
    or a loaded ``diff_load.Report``); ``factor`` (> 1) is the ``max_abs`` ratio that counts as a magnitude
    change. Raises ``BadReport`` (naming the file) for an input that is not a report."""
    if not factor > 1:
        raise ValueError(f"factor must be greater than 1, got {factor!r}")
    old, new = _report(old), _report(new)
    paired = pair_rows(old.rows, new.rows)
    notes = _metadata_notes(old, new)
    conventions = _conventions(paired, old, new, notes)
    return ReportDiff(old=old.label, new=new.label, old_rows=len(old.rows), new_rows=len(new.rows),
                      status_changes=status_change_rows(paired), only_old=only_rows(paired, "old"),
                      only_new=only_rows(paired, "new"), convention_changes=conventions,
                      magnitude_changes=magnitude_changes(paired, factor=factor),
                      versions=version_table(old.metadata, new.metadata), factor=float(factor), notes=tuple(notes))


def _parser():
    parser = argparse.ArgumentParser(prog="parity diff", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", metavar="OLD", help="the old report: a divergence.csv or its directory")
    parser.add_argument("new", metavar="NEW", help="the new report: a divergence.csv or its directory")
    parser.add_argument("--factor", type=float, default=10.0, metavar="F",
                        help="a max_abs ratio of F or more (or 1/F or less) is a magnitude change (default 10)")
    parser.add_argument("--limit", type=int, default=diff_render.DEFAULT_LIMIT, metavar="N",
                        help=f"lines per group in the terminal (default {diff_render.DEFAULT_LIMIT})")
    parser.add_argument("--all", action="store_true", help="every line of every group in the terminal")
    parser.add_argument("--csv", metavar="PATH", help="write every difference as one CSV")
    parser.add_argument("--html", metavar="PATH", help="write a static HTML page with the tables")
    parser.add_argument("--markdown", metavar="PATH", help="write a markdown summary (counts and every table)")
    return parser


def _write(diff, *, csv_path, html_path, markdown_path=None):
    r"""Write the requested files; an error message, or ``None``."""
    for path, write in ((csv_path, diff_export.write_csv), (html_path, diff_export.write_html),
                        (markdown_path, diff_export.write_markdown)):
        if not path:
            continue
        try:
            write(diff, path)
        except OSError as exc:
            return f"cannot write {path}: {exc.strerror or exc}"
    return None


def main(argv=None):
    r"""``parity diff``: 0 when nothing got worse, 1 when something did, 2 on bad input."""
    args = _parser().parse_args(argv)
    if not args.factor > 1 or args.limit < 0:
        print("parity diff: --factor must be greater than 1 and --limit at least 0", file=sys.stderr)
        return 2
    try:
        diff = diff_reports(args.old, args.new, factor=args.factor)
    except BadReport as exc:
        print(f"parity diff: {exc}", file=sys.stderr)
        return 2
    error = _write(diff, csv_path=args.csv, html_path=args.html, markdown_path=args.markdown)
    if error:
        print(f"parity diff: {error}", file=sys.stderr)
        return 2
    from rich.console import Console
    Console(highlight=False).print(diff_render.render(diff, limit=None if args.all else args.limit))
    return 1 if diff.worse else 0

