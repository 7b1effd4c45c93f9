r"""One concept's page of ``parity html`` (``concepts/<slug>.html``): its family and APIs, the NumPy (with its
hand-written backward), torch and Keras source side by side, the conventions table (rows whose values differ
highlighted), the plots and the measured rows as a sortable, filterable table.

Nothing here imports a framework: it renders what ``parity_tests.views.site`` gathered."""
import os

from pygments import highlight
from pygments.lexers import PythonLexer

from .. import REFERENCE_DIR
from ..selection import PAIRS
from .site_assets import STATUSES, formatter
from .site_pages import esc, filter_box, href, page, table, td

__all__ = ["LABELS", "concept_page", "where"]

LABELS = {"numpy": "NumPy reference", "torch": "torch", "keras": "Keras 3"}
ROOT = os.path.dirname(os.path.dirname(REFERENCE_DIR))  # the source tree: paths are shown relative to it
_NUMERIC = {"max_abs"}
_WRAPPED = {"kwargs", "cause_keys"}


def where(source):
    r"""``path:line``, the path relative to the source tree when it lies under it (no machine-specific prefix)."""
    path = os.path.abspath(source.path)
    if path.startswith(ROOT + os.sep):
        path = os.path.relpath(path, ROOT)
    return f"{path.replace(os.sep, '/')}:{source.line}"


def concept_page(*, concept, family, conventions, sources, measured, counts, plots, nav):
    r"""The page. ``conventions``: ``ConventionRow``s; ``sources``: ``{package: [Source]}``; ``measured``: the
    ``measured()`` frame; ``counts``: ``pair_counts`` rows of this concept (index: pair); ``plots``:
    ``[(src, title, caption)]``; ``nav``: ``[(href, label)]``."""
    apis = {row.group: row for row in conventions}.get("api")
    body = "\n".join([
        _nav(nav),
        f"<h1>{esc(concept)}</h1>",
        _apis(family, apis),
        _summary(counts),
        "<h2>Implementations</h2>", _implementations(sources),
        "<h2>Conventions</h2>", _conventions(conventions),
        "<h2>Plots</h2>", _plots(plots),
        "<h2>Measured</h2>", _measured(measured),
    ])
    return page(title=f"{concept} \u2014 {family} \u2014 parity", body=body, css="../site.css")


def _nav(nav):
    return "<nav>" + " ".join(f'<a href="{esc(h)}">{esc(label)}</a>' for h, label in nav) + "</nav>"


def _apis(family, apis):
    parts = [f"<span>family: <b>{esc(family)}</b></span>"]
    if apis is not None:
        parts += [f"<span>torch: <code>{esc(apis.torch)}</code></span>",
                  f"<span>Keras: <code>{esc(apis.keras)}</code></span>"]
    return f'<p class="apis">{"".join(parts)}</p>'


def _summary(counts):
    r"""One row per pair (``PAIRS`` order): its counts, the pair coloured by its worst status."""
    if counts.empty:
        return '<p class="dim">no rows of this concept in the report</p>'
    order = [p for p in PAIRS if p in counts.index] + sorted(set(counts.index) - set(PAIRS))
    rows = [[td(pair, cls=f"mono {row['worst']}"), *(td(int(row[s]), cls="num") for s in STATUSES)]
            for pair, row in counts.reindex(order).iterrows()]
    return table(["pair", *STATUSES], rows, id="pairs")


def _source_block(source, *, role):
    code = highlight(source.text, PythonLexer(), formatter(first_line=source.line))
    return (f'<h4>{esc(source.qualname)} <span class="dim">{esc(role)}</span></h4>'
            f'<div class="where mono dim">{esc(source.module)} &middot; {esc(where(source))}</div>\n{code}')


def _implementations(sources):
    r"""Three columns: each package's functions, NumPy's hand-written backward after its forward."""
    columns = []
    for package, found in sources.items():
        roles = ["hand-written backward" if package == "numpy" and i else "" for i in range(len(found))]
        blocks = "\n".join(_source_block(s, role=r) for s, r in zip(found, roles))
        columns.append(f'<section class="impl impl-{esc(package)}"><h3>{esc(LABELS.get(package, package))}</h3>'
                       f"\n{blocks}</section>")
    return '<div class="impls">\n' + "\n".join(columns) + "\n</div>"


def _value(row, value):
    return str(value) if row.group == "api" or value == "<absent>" else repr(value)


def _conventions(conventions):
    r"""Every key of the concept's conventions; rows whose torch and Keras values differ are highlighted."""
    rows = [[td(r.group), td(r.key, cls="mono"), td(_value(r, r.torch), cls="mono wrap"),
             td(_value(r, r.keras), cls="mono wrap"), td(r.note, cls="wrap")] for r in conventions]
    classes = ["differs" if r.differs else "" for r in conventions]
    legend = '<p class="dim">Highlighted rows: torch and Keras differ.</p>'
    return legend + table(["group", "key", "torch", "keras", "note"], rows, id="conventions", row_classes=classes)


def _plots(plots):
    if not plots:
        return '<p class="dim">no plots</p>'
    figures = [f'<figure class="plot"><img src="{esc(href(src))}" alt="{esc(title)}">'
               f"<figcaption><b>{esc(title)}</b> {esc(caption)}</figcaption></figure>" for src, title, caption in plots]
    return '<div class="plots">\n' + "\n".join(figures) + "\n</div>"


def _measured(measured):
    r"""The report's rows of the concept: click a header to sort, type in the box to filter."""
    columns = list(measured.columns)
    rows = [[td(_cell(v), cls=_cell_class(c, v)) for c, v in zip(columns, values)]
            for values in measured.itertuples(index=False, name=None)]
    intro = ('<p class="dim">One row per (variant, dtype, inputs, pair, quantity), in report order. Click a header '
             "to sort (again to reverse); every word typed in the box must occur in a row.</p>")
    box = filter_box("measured", placeholder="e.g. float32 torch~keras expected")
    return intro + box + table(columns, rows, id="measured", cls="data sortable")


def _cell(value):
    return "" if value is None else str(value)


def _cell_class(column, value):
    if column == "status":
        return str(value)
    return "num" if column in _NUMERIC else ("wrap mono" if column in _WRAPPED else "")
