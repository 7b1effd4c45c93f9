r"""The static assets of ``parity html``: the one shared stylesheet (the site's own rules, then pygments' rules for
the highlighted source) and the small inline script that sorts and filters tables. No CDN, no external file:
the site opens from disk.

Nothing here imports a framework."""
from pygments.formatters import HtmlFormatter

from ..schema import STATUSES  # best to worst: a cell takes the colour of its worst status

__all__ = ["STATUSES", "PYGMENTS_STYLE", "formatter", "site_css", "TABLE_JS"]

PYGMENTS_STYLE = "default"

_CSS = r"""/* parity html: the site's own rules; pygments' rules follow. */
:root { --match: #d9f2d9; --expected: #fdf0c2; --FAIL: #f7c4c4; --ERROR: #e8c3f0; --none: #f2f2f2;
        --line: #d0d0d0; --ink: #1d1d1d; --dim: #666; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 120rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: .75rem 0 .25rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
nav { font-size: .9rem; margin-bottom: .5rem; }
nav a { margin-right: 1rem; }
.dim { color: var(--dim); }
.apis { margin: .25rem 0 1rem; }
.apis span { margin-right: 1.5rem; }
table.data { border-collapse: collapse; margin: .5rem 0; }
table.data th, table.data td { border: 1px solid var(--line); padding: .2rem .45rem; text-align: left;
                               vertical-align: top; }
table.data thead th { background: #f4f4f4; position: sticky; top: 0; }
table.sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable thead th::after { content: " \2195"; color: #aaa; }
table.sortable thead th[aria-sort="ascending"]::after { content: " \2191"; color: var(--ink); }
table.sortable thead th[aria-sort="descending"]::after { content: " \2193"; color: var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { max-width: 28rem; overflow-wrap: anywhere; }
td.match, span.match { background: var(--match); }
td.expected, span.expected { background: var(--expected); }
td.FAIL, span.FAIL { background: var(--FAIL); }
td.ERROR, span.ERROR { background: var(--ERROR); }
td.none { background: var(--none); color: var(--dim); }
span.match, span.expected, span.FAIL, span.ERROR { padding: 0 .35rem; border-radius: 3px; }
tr.differs td { background: #fff6d6; }
tr.differs td:first-child { box-shadow: inset 3px 0 0 #d39e00; }
tr.absent td { color: var(--dim); }
.filter { margin: .5rem 0; }
.filter input { font: inherit; padding: .2rem .4rem; width: 24rem; max-width: 100%; }
.impls { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .75rem; }
@media (max-width: 70rem) { .impls { grid-template-columns: minmax(0, 1fr); } }
.impl { border: 1px solid var(--line); border-radius: 4px; padding: .25rem .5rem; min-width: 0; }
.impl h3 { margin-top: .25rem; }
.impl h4 { margin: .75rem 0 .1rem; font-size: .95rem; }
.impl .where { font-size: .8rem; overflow-wrap: anywhere; }
.impl .highlight { overflow-x: auto; font-size: 12px; }
.impl .highlight pre { margin: .25rem 0; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.plot { margin: 0; border: 1px solid var(--line); border-radius: 4px; padding: .5rem; max-width: 100%; }
figure.plot img { display: block; max-width: 100%; height: auto; }
figure.plot figcaption { font-size: .85rem; max-width: 40rem; margin-top: .25rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
"""


def formatter(*, first_line=1):
    r"""The one pygments formatter: inline line numbers from the source file's own ``first_line``."""
    return HtmlFormatter(style=PYGMENTS_STYLE, cssclass="highlight", linenos="inline", linenostart=first_line,
                         wrapcode=True)


def site_css():
    r"""``site.css``: the site's rules, then pygments' rules scoped to ``.highlight`` (written once)."""
    return _CSS + "\n/* pygments */\n" + formatter().get_style_defs(".highlight") + "\n"


# Every ``table.sortable`` sorts on a header click (numbers as numbers, ``inf`` included; a second click
# reverses); every ``input[data-filter]`` hides the rows of the table it names that miss any of its words.
TABLE_JS = r"""(function () {
  "use strict";
  function key(text) {
    var s = text.trim().toLowerCase();
    if (s === "inf") { return Infinity; }
    if (s === "-inf") { return -Infinity; }
    var n = Number(s);
    return (s !== "" && !isNaN(n)) ? n : s;
  }
  function compare(a, b) {
    var na = typeof a === "number", nb = typeof b === "number";
    if (na !== nb) { return na ? -1 : 1; }
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  function sortBy(table, th) {
    var column = th.cellIndex, body = table.tBodies[0];
    var descending = th.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.map.call(body.rows, function (row, i) {
      return { row: row, i: i, k: key(row.cells[column] ? row.cells[column].textContent : "") };
    });
    rows.sort(function (a, b) { return (descending ? -1 : 1) * compare(a.k, b.k) || a.i - b.i; });
    rows.forEach(function (r) { body.appendChild(r.row); });
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    var rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (row) {
      if (row.filterText === undefined) {
        row.filterText = Array.prototype.map.call(row.cells, function (c) { return c.textContent; })
          .join(" ").toLowerCase();
      }
      var text = row.filterText;
      row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      shown += row.hidden ? 0 : 1;
    });
    var count = document.querySelector("[data-count-for='" + table.id + "']");
    if (count) { count.textContent = shown + " of " + rows.length + " rows"; }
  }
  document.querySelectorAll("table.sortable thead th").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th.closest("table"), th); });
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    input.addEventListener("input", function () { filter(input); });
    filter(input);
  });
}());
"""
