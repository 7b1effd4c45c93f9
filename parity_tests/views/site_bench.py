r"""``bench.html`` of the static site: ``parity bench``'s ``bench.csv`` (when it sits beside the report) as a plot of
each workload's time over torch's and a sortable table with the fraction of the machine's limit. Nothing here
imports a framework; matplotlib only when the page is built."""
import csv
import math
from pathlib import Path

import numpy as np

from ..bench.schema import CSV_NAME, IMPLS
from .site_pages import esc, filter_box, page, table, td

__all__ = ["bench_csv", "load", "bench_page", "bench_plot"]



def bench_csv(report_path):
    r"""``bench.csv`` beside the report, or None."""
    path = Path(report_path).with_name(CSV_NAME)
    return path if path.is_file() else None


def load(path):
    r"""The rows of ``bench.csv`` as dicts, in file order."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _side(row):
    return row["impl"] if row["mode"] == "eager" else f"{row['impl']} {row['mode']}"


def _workloads(rows):
    r"""[(family, workload)] in file order."""
    return list(dict.fromkeys((r["family"], r["workload"]) for r in rows))


def bench_plot(rows):
    r"""SVG: one horizontal bar per (workload, side), time over torch's on a log axis (1 = torch's time)."""
    from .plots_style import IMPL_STYLE, render
    colours = {"numpy": IMPL_STYLE["numpy[torch]"]["color"], "torch": IMPL_STYLE["torch"]["color"],
               "keras": IMPL_STYLE["keras"]["color"], "keras traced": "#CC79A7"}  # the site's palette
    workloads = _workloads(rows)
    ratio = {(r["family"], r["workload"], _side(r)): float(r["ratio_to_torch"]) for r in rows}
    sides = [impl if mode == "eager" else f"{impl} {mode}" for impl, mode in IMPLS]
    height = 0.8 / len(sides)

    def draw(fig, axes):
        ax = axes[0, 0]
        y = np.arange(len(workloads))
        for k, side in enumerate(sides):
            values = [ratio.get((f, w, side), math.nan) for f, w in workloads]
            ax.barh(y + (k - 1.5) * height, values, height=height, color=colours[side], label=side)
        ax.axvline(1.0, color="#333333", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yticks(y, [w for _, w in workloads])
        ax.invert_yaxis()
        ax.set_xlabel("median time over torch's (log scale; < 1 is faster than torch)")
        ax.legend(loc="lower right", fontsize="small")
    return render(draw, width=7.5, height=0.45 * len(workloads) + 1.2)


def _cells(row):
    return [td(row["family"]), td(row["workload"]), td(_side(row)), td(f"{float(row['median_s']):.3g}"),
            td(f"{float(row['ratio_to_torch']):.3g}"), td(row["limit_kind"]),
            td(f"{float(row['limit_fraction']):.3g}"), td(row["clock"]), td(row["work_model"], cls="dim")]


def _figure(plot_file):
    if not plot_file:
        return ""
    return (f'<figure><img src="{esc(plot_file)}" alt="time over torch\'s per workload"><figcaption>Bars left of 1 '
            "are faster than torch; <em>keras traced</em> is the step inside <code>tf.function</code>, as "
            "<code>fit</code> runs it.</figcaption></figure>")


def bench_page(rows, *, source_label, plot_file):
    r"""The page: what the figures mean, the plot (``plot_file``, relative) and every row of ``bench.csv``."""
    headers = ["family", "workload", "side", "median s", "time / torch's", "limit", "fraction of limit", "clock",
               "work model"]
    body = "\n".join([
        '<p><a href="index.html">&larr; parity report</a></p>', "<h1>Speed: <code>parity bench</code></h1>",
        f'<p class="dim">{esc(source_label)} &middot; {len(rows)} rows</p>',
        "<p>Each workload's sides were timed interleaved in one run (medians after warm-up); a figure is a ratio to "
        "torch's median and a fraction of the machine's limit measured in the same run (GEMM FLOP/s or copy "
        "bandwidth). Schema and workloads: <code>docs/bench.md</code>.</p>",
        _figure(plot_file),
        filter_box("bench", placeholder="workload or side, e.g. models numpy"),
        table(headers, [_cells(r) for r in rows], id="bench", cls="data sortable"),
    ])
    return page(title="parity bench", body=body, css="site.css")
