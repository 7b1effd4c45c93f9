r"""``index.html`` of ``parity html``: the concept x pair matrix coloured by each cell's worst status, the totals,
one row per family, the library versions and the tolerance policy of the report's ``run_metadata.json``.

Nothing here imports a framework."""
import json

from .site_assets import STATUSES
from .site_pages import esc, filter_box, href, page, slug, status_badges, table, td
from .site_tables import cell_text, concept_order, family_counts, pair_counts, pairs_in, status_totals

__all__ = ["index_page"]


def index_page(*, frame, meta, by_family, linked, report_label, bench=None):
    r"""The whole index. ``linked``: the concepts whose page was built (only those are links); ``report_label``:
    how the report is named on the page; ``bench``: the speed page's file, when there is one."""
    totals = status_totals(frame)
    body = "\n".join([
        "<h1>Parity report</h1>",
        f'<p class="dim">{esc(report_label)} &middot; seed {esc(meta.get("seed", "?"))} &middot; '
        f"{len(frame)} checks &middot; {len(linked)} concept pages</p>",
        f"<p>{status_badges(totals)}</p>",
        _stale_counts(meta, totals),
        f'<p><a href="{esc(bench)}">Speed: parity bench</a> (time over torch\'s, fraction of the machine\'s '
        "limit)</p>" if bench else "",
        "<h2>Concepts &times; pairs</h2>", _LEGEND,
        filter_box("matrix", placeholder="concept, family or status, e.g. losses expected"),
        _matrix(frame, by_family, linked),
        "<h2>Families</h2>", _families(frame, by_family),
        "<h2>Library versions</h2>", _versions(meta),
        "<h2>Tolerance policy</h2>", _tolerances(meta),
        "<h2>Run</h2>", _run_notes(meta),
    ])
    return page(title="Parity report", body=body, css="site.css")


_LEGEND = ("<p>Each cell counts one pair's checks of a concept as <code>match/expected/FAIL/ERROR</code> and takes "
           "the colour of its worst status: " + " ".join(f'<span class="{s}">{s}</span>' for s in STATUSES)
           + '; <span class="dim">&mdash;</span> the pair does not run for this concept.</p>')


def _stale_counts(meta, totals):
    r"""A warning when ``run_metadata.json``'s status counts are not the CSV's (the two files are from two runs)."""
    recorded = meta.get("status_counts")
    if not recorded or all(int(recorded.get(s, 0)) == totals[s] for s in STATUSES):
        return ""
    recorded = esc(json.dumps(recorded, sort_keys=True))
    return f'<p class="FAIL">run_metadata.json records other status counts: {recorded}</p>'


def _concept_cell(concept, linked):
    if concept in linked:
        return td(f'<a href="{esc(href(f"concepts/{slug(concept)}.html"))}">{esc(concept)}</a>', raw=True)
    return td(concept)


def _matrix(frame, by_family, linked):
    r"""One row per concept (conventions order), one column per pair of the report."""
    counts, pairs = pair_counts(frame), pairs_in(frame)
    cells = {key: (cell_text(row), row["worst"]) for key, row in counts.iterrows()}
    in_report = set(counts.index.get_level_values("concept"))
    rows, classes = [], []
    for family, concept in concept_order(frame, by_family):
        row = [td(family), _concept_cell(concept, linked)]
        for pair in pairs:
            text, worst = cells.get((concept, pair), ("\u2014", "none"))
            row.append(td(text, cls=worst, title=f"{concept} {pair}: {worst}"))
        rows.append(row)
        classes.append("" if concept in in_report else "absent")
    return table(["family", "concept", *pairs], rows, id="matrix", cls="data matrix", row_classes=classes)


def _families(frame, by_family):
    counts = family_counts(frame, list(by_family))
    rows = [[td(family), *(td(int(r[s]), cls="num") for s in STATUSES), td(int(r["total"]), cls=f"num {r['worst']}")]
            for family, r in counts.iterrows()]
    return table(["family", *STATUSES, "total"], rows, id="families")


def _versions(meta):
    versions = meta.get("versions") or {}
    if not versions:
        return '<p class="dim">no run_metadata.json beside the report</p>'
    items = "".join(f"<dt>{esc(k)}</dt><dd><code>{esc(v)}</code></dd>" for k, v in sorted(versions.items()))
    return f'<dl class="meta">{items}</dl>'


def _tolerances(meta):
    r"""The policy's rules in their order of application: scope, atol, rtol and the reason."""
    policy = meta.get("tolerance_policy") or []
    if not policy:
        return '<p class="dim">no tolerance policy recorded</p>'
    rows = [[td(rule.get("scope", ""), cls="mono"), td(rule.get("atol", ""), cls="num"),
             td(rule.get("rtol", ""), cls="num"), td(rule.get("reason", ""), cls="wrap")] for rule in policy]
    intro = ("<p>The dtype's tolerance, then the regime's rule, then the case's overrides "
             "(<code>parity_tests/tolerance.py</code>); a check passes when "
             "|a &minus; b| &le; atol + rtol&middot;|b|.</p>")
    return intro + table(["scope", "atol", "rtol", "reason"], rows, id="tolerances")


def _run_notes(meta):
    r"""Seed, threading, Keras's floatx and the skipped runs, as recorded."""
    items = [(k, meta[k]) for k in ("seed", "threads", "keras_floatx") if k in meta]
    notes = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    skipped = meta.get("skipped") or []
    listed = "".join(f"<li><code>{esc(s.get('run', ''))}</code>: {esc(s.get('reason', ''))}</li>" for s in skipped)
    details = (f"<details><summary>{len(skipped)} skipped runs</summary><ul>{listed}</ul></details>"
               if skipped else "")
    return f'<dl class="meta">{notes}</dl>{details}'
