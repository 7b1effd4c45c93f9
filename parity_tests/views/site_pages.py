r"""The HTML of ``parity html``: small templates, every value passed through ``html.escape``; links are relative
(``quote``d file names), so the site opens from disk.

Nothing here imports a framework: pages are rendered from what ``parity_tests.views.site`` gathered."""
import html
import re
from string import Template
from urllib.parse import quote

from .site_assets import STATUSES, TABLE_JS

__all__ = ["esc", "slug", "page", "table", "td", "th", "status_badges", "filter_box", "href"]

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="$css">
</head>
<body>
$body
<script>
$script</script>
</body>
</html>
""")


def esc(value):
    r"""``value`` as HTML text (quotes escaped too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def slug(name):
    r"""A file-safe name: ``mlp_2_4_1/sgd`` -> ``mlp_2_4_1-sgd`` (anything but ``[A-Za-z0-9_.]`` becomes ``-``)."""
    out = re.sub(r"[^A-Za-z0-9_.]+", "-", name).strip(".-")
    if not out:
        raise ValueError(f"no file-safe name for {name!r}")
    return out


def href(path):
    r"""A relative URL for a relative file ``path`` (``/``-separated)."""
    return quote(path, safe="/")


def page(*, title, body, css):
    r"""A whole page: ``title`` (text), ``body`` (HTML), the stylesheet at the relative URL ``css``."""
    return _PAGE.substitute(title=esc(title), body=body, css=esc(css), script=TABLE_JS)


def _attrs(attrs):
    return "".join(f' {name}="{esc(value)}"' for name, value in attrs.items() if value not in (None, ""))


def td(value, *, cls="", raw=False, title=""):
    r"""One cell: ``value`` escaped (or ``raw`` HTML), with an optional class and tooltip."""
    return f"<td{_attrs({'class': cls, 'title': title})}>{value if raw else esc(value)}</td>"


def th(value, *, cls="", colspan=None, scope=None):
    return f"<th{_attrs({'class': cls, 'colspan': colspan, 'scope': scope})}>{esc(value)}</th>"


def table(headers, rows, *, id="", cls="data", row_classes=None):
    r"""A table: ``headers`` (text), ``rows`` (lists of ``td`` HTML), optional per-row classes."""
    head = "".join(th(h, scope="col") for h in headers)
    row_classes = row_classes or [""] * len(rows)
    body = "\n".join(f"<tr{_attrs({'class': c})}>{''.join(cells)}</tr>" for c, cells in zip(row_classes, rows))
    return (f"<table{_attrs({'id': id, 'class': cls})}>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>")


def status_badges(counts):
    r"""``{status: n}`` as coloured badges, every status of ``STATUSES`` in order."""
    return " ".join(f'<span class="{esc(s)}">{esc(s)}: {int(counts.get(s, 0))}</span>' for s in STATUSES)


def filter_box(table_id, *, placeholder):
    r"""The text box that filters ``table_id``'s rows (every word must occur in a row), with a row count."""
    return (f'<p class="filter"><label>filter: <input type="search" data-filter="{esc(table_id)}" '
            f'id="{esc(table_id)}-filter" placeholder="{esc(placeholder)}"></label> '
            f'<span class="dim" data-count-for="{esc(table_id)}"></span></p>')
