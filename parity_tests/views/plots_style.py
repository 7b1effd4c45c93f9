r"""Shared look of the report's plots, defined once: one colour and line style per implementation and per pair,
the rcParams every figure is drawn under, and the SVG rendering that makes a rerun byte-identical (a fixed
``svg.hashsalt``, no date or creator metadata, text kept as text in one font family).

``render(draw, ...)`` is the only way a figure is made: it builds a ``matplotlib.figure.Figure`` (no pyplot
state) under ``STYLE``, lets ``draw(fig, axes)`` fill it and returns the SVG text."""
import contextlib
import io

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..schema import IMPLS

__all__ = ["IMPLS", "IMPL_STYLE", "PAIR_STYLE", "STATUS_MARKER", "INF_MARKER", "FLOOR", "ZEROS", "STYLE", "styled", "render",
           "impl_style", "pair_style", "floor_abs", "binned_max", "downsample", "legend", "log_axis", "mark_kinks",
           "impl_curves", "label_grid"]

# Okabe-Ito colours: each framework's NumPy convention a lighter shade of the framework's colour. Overlaid
# curves stay readable when they coincide: the two NumPy curves are wide translucent bands, torch is dashed
# and keras dotted on top of them.
IMPL_STYLE = {
    "numpy[torch]": {"color": "#E69F00", "linestyle": "-", "linewidth": 3.4, "alpha": 0.6, "marker": "o"},
    "numpy[keras]": {"color": "#56B4E9", "linestyle": "-", "linewidth": 1.9, "alpha": 0.8, "marker": "o"},
    "torch": {"color": "#D55E00", "linestyle": (0, (4, 2.5)), "linewidth": 1.3, "alpha": 1.0, "marker": "D"},
    "keras": {"color": "#0072B2", "linestyle": (0, (1, 1.6)), "linewidth": 1.7, "alpha": 1.0, "marker": "s"},
    "finite_diff": {"color": "#009E73", "linestyle": "-.", "linewidth": 1.3, "alpha": 1.0, "marker": "^"},
}
PAIR_STYLE = {  # a NumPy convention against its framework takes the framework's colour
    "numpy[torch]~torch": {"color": "#D55E00", "linestyle": "-", "marker": "v"},
    "numpy[keras]~keras": {"color": "#0072B2", "linestyle": "-", "marker": "^"},
    "torch~keras": {"color": "#CC79A7", "linestyle": "-", "marker": "o"},
    "numpy[torch]~finite_diff": {"color": "#009E73", "linestyle": "--", "marker": "P"},
    "numpy[keras]~finite_diff": {"color": "#332288", "linestyle": "--", "marker": "*"},
}
STATUS_MARKER = {"match": "o", "expected": "s", "FAIL": "X"}
INF_MARKER = r"$\infty$"  # a value of inf, drawn at the edge of a log axis
FLOOR = 1e-20  # exact zeros on a log axis are drawn here (every caption that uses it says so: ZEROS)
ZEROS = f"exact zeros at {FLOOR:g}, marked 0"  # the caption's words for FLOOR

STYLE = {
    "svg.hashsalt": "parity-report",  # clip-path ids from a fixed salt, not a random uuid
    "svg.fonttype": "none",  # text stays text: small files
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8.0,
    "legend.fontsize": 7.0,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
    "path.simplify_threshold": 0.4,
    "figure.dpi": 72.0,
    "savefig.dpi": 72.0,
    "lines.solid_capstyle": "butt",
}


@contextlib.contextmanager
def styled():
    r"""``STYLE`` for a block: artists read rcParams when they are created, so drawing happens inside it."""
    with matplotlib.rc_context(STYLE):
        yield


def render(draw, *, nrows=1, ncols=1, width=6.4, height=3.0, sharex=False, sharey=False):
    r"""The SVG text of a figure of ``nrows`` x ``ncols`` axes filled by ``draw(fig, axes)`` (``axes`` a 2-D
    array); byte-identical for the same drawing."""
    with styled():
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex, sharey=sharey)
        draw(fig, axes)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    fig.clear()
    return buf.getvalue()


def impl_style(impl, *, line=True):
    r"""Keyword arguments for ``plot`` (``line``) or for markers only, for one implementation."""
    s = IMPL_STYLE[impl]
    if line:
        return {"color": s["color"], "linestyle": s["linestyle"], "linewidth": s["linewidth"], "alpha": s["alpha"],
                "label": impl}
    return {"color": s["color"], "marker": s["marker"], "linestyle": "none", "label": impl}


def pair_style(pair, *, line=True):
    r"""Keyword arguments for one pair's line (``line``) or markers."""
    s = PAIR_STYLE.get(pair, {"color": "#777777", "linestyle": "-", "marker": "o"})
    if line:
        return {"color": s["color"], "linestyle": s["linestyle"], "linewidth": 1.3, "label": pair}
    return {"color": s["color"], "marker": s["marker"], "linestyle": "none", "label": pair}


def floor_abs(values):
    r"""|values| in float64 with exact zeros (and anything below ``FLOOR``) raised to ``FLOOR``, for a log axis;
    NaN stays NaN."""
    out = np.abs(np.asarray(values, dtype=np.float64))
    return np.where(out < FLOOR, FLOOR, out)


def downsample(x, *ys, points=200):
    r"""Every k-th element of ``x`` and of each ``y`` (the last one kept) so at most about ``points`` remain."""
    x = np.asarray(x)
    step = max(1, int(np.ceil(len(x) / points)))
    keep = np.unique(np.r_[np.arange(0, len(x), step), len(x) - 1]) if len(x) else np.arange(0)
    return (x[keep], *(np.asarray(y)[keep] for y in ys))


def binned_max(x, y, *, size=3):
    r"""(bin centres, max of ``y`` in each bin) over consecutive bins of ``size`` points: a dense, spiky
    |difference| drawn as its envelope (NaN where a bin is all NaN)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    starts = np.arange(0, len(x), size)
    centres = np.add.reduceat(x, starts) / np.diff(np.r_[starts, len(x)])
    with np.errstate(invalid="ignore"):
        return centres, np.fmax.reduceat(y, starts)


def _handle(label, line):
    if label in STATUS_MARKER:
        return Line2D([], [], color="#555555", marker=STATUS_MARKER[label], linestyle="none", label=label)
    return Line2D([], [], **(pair_style if "~" in label else impl_style)(label, line=line))


def legend(target, labels, *, line=True, loc="outside lower center", ncols=None):
    r"""One legend for ``labels`` -- implementations, pairs (``a~b``) or statuses -- drawn as lines, or as markers
    unless ``line``, on a figure or an axes; proxy artists keep its order and look independent of the drawing."""
    handles = [_handle(label, line) for label in labels]
    return target.legend(handles=handles, loc=loc, ncols=ncols or len(labels), frameon=False)


def _power(value, _position=None):
    r"""A log tick label as plain text (``1e-20``, ``1``, ``1e3``; smaller than mathtext in SVG); ``FLOOR`` is "0"."""
    if np.isclose(value, FLOOR, rtol=1e-6, atol=0):
        return "0"
    exponent = int(round(np.log10(value))) if value > 0 else 0
    return "1" if exponent == 0 else f"1e{exponent}"


def _with_floor(locator):
    r"""``locator``'s ticks plus one at ``FLOOR`` (labelled "0"), where exact zeros are drawn; ticks closer to it
    than most of a tick interval are dropped, so the labels never collide."""
    base = locator.tick_values

    def tick_values(vmin, vmax):
        ticks = base(vmin, vmax)
        if not min(vmin, vmax) <= FLOOR <= max(vmin, vmax):
            return ticks
        logs = np.log10(ticks[ticks > 0])
        gap = float(np.median(np.diff(logs))) if len(logs) > 1 else 1.0
        keep = ticks[(ticks > 0) & (np.abs(np.log10(np.where(ticks > 0, ticks, 1.0)) - np.log10(FLOOR)) >= 0.7 * gap)]
        return np.union1d(keep, [FLOOR])
    locator.tick_values = tick_values
    return locator


def log_axis(ax, *, axis="y", floor=True):
    r"""A log ``axis`` ("x" or "y"): plain-text major labels, no minor ticks and (``floor``) a tick "0" at
    ``FLOOR``, where exact zeros are drawn."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    locator = LogLocator(base=10, numticks=7 if axis == "y" else 5)
    target.set_major_locator(_with_floor(locator) if floor else locator)
    target.set_major_formatter(FuncFormatter(_power))
    target.set_minor_locator(NullLocator())


def mark_kinks(ax, kinks):
    r"""Grey dotted vertical lines at the case's kink points."""
    for k in kinks:
        ax.axvline(k, color="#888888", linestyle=":", linewidth=0.8, zorder=0)


def label_grid(axes, used, *, ylabel, xlabel="step"):
    r"""A grid of panels filled row by row: the panels past the first ``used`` hidden, ``ylabel`` on the first
    column, ``xlabel`` on the bottom row."""
    for ax in axes.flat[used:]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(ylabel)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)


def impl_curves(panels, *, xlabel, ylabel, log=False):
    r"""The SVG of one row of panels, one per ``(title, {impl: values, or the exception raised})``: each
    implementation's values against 1, 2, ... (integer ticks; an exception is not drawn) and one legend of the
    implementations; ``log``: a log y axis with exact zeros at ``FLOOR``."""
    def draw(fig, axes):
        from matplotlib.ticker import MaxNLocator
        for ax, (title, curves) in zip(axes[0], panels):
            for impl, values in curves.items():
                if not isinstance(values, Exception):
                    ax.plot(np.arange(1, len(values) + 1), floor_abs(values) if log else values, **impl_style(impl))
            if log:
                log_axis(ax)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(title)
            ax.set_xlabel(xlabel)
        axes[0][0].set_ylabel(ylabel)
        legend(fig, IMPLS)
    return render(draw, ncols=len(panels), width=1.0 + 3.3 * len(panels), height=2.9)
