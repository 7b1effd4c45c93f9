r"""Plots read from the report alone: the largest max |a - b| per pair and quantity, in each corner of the matrix
(variant x dtype), on a log axis -- the whole plot of the families without a plot of their own (layers, models,
clipping, perceptron) -- and the divergence curves of the step-by-step families (``abs_curve``)."""
import numpy as np
import pandas as pd

from . import plots_style as style
from .plots import Plot

__all__ = ["CORNERS", "numeric", "max_abs_table", "max_abs_plot", "curve", "curve_rows", "figures"]

CORNERS = (("aligned", "float32"), ("aligned", "float64"), ("defaults", "float32"), ("defaults", "float64"))
_RANK = {"match": 0, "expected": 1, "FAIL": 2, "ERROR": 3}
PAIR_ORDER = tuple(style.PAIR_STYLE)


def numeric(rows, column):
    r"""A report column as float64 (empty cells NaN; ``inf`` stays inf)."""
    return pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=np.float64)


def max_abs_table(rows):
    r"""One row per (variant, dtype, quantity, inputs, pair), in report order: ``value`` the largest max_abs over
    the aligned sets, ``status`` the worst status among them. Rows without a number (ERROR) are left out."""
    t = rows.assign(value=numeric(rows, "max_abs"), rank=rows["status"].map(_RANK).fillna(3))
    t = t[~np.isnan(t["value"].to_numpy())]
    keys = ["variant", "dtype", "quantity", "inputs", "pair"]
    out = t.groupby(keys, sort=False).agg(value=("value", "max"), rank=("rank", "max")).reset_index()
    out["status"] = out["rank"].map({v: k for k, v in _RANK.items()})
    return out.drop(columns="rank")


def _limits(values):
    finite = values[np.isfinite(values)]
    top = float(np.max(finite)) if len(finite) else 1.0
    return style.FLOOR / 3, max(top, style.FLOOR) * 30


def _draw_corner(ax, table, categories, right):
    r"""Dots: one row per (quantity, inputs), one marker per pair (its shape: the worst status; inf at ``right``)."""
    pairs = [p for p in PAIR_ORDER if p in set(table["pair"])]
    for j, pair in enumerate(pairs):
        t = table[table["pair"] == pair]
        y = np.array([categories.index((q, i)) for q, i in zip(t["quantity"], t["inputs"])], dtype=float)
        y += (j - (len(pairs) - 1) / 2) * 0.16
        x = style.floor_abs(t["value"].to_numpy())
        for status, marker in style.STATUS_MARKER.items():
            pick = (t["status"] == status).to_numpy() & np.isfinite(x)
            ax.plot(x[pick], y[pick], marker=marker, linestyle="none", markersize=4.5,
                    color=style.PAIR_STYLE[pair]["color"])
        inf = np.isinf(x)
        ax.plot(np.full(inf.sum(), right), y[inf], marker=style.INF_MARKER, linestyle="none", markersize=8,
                color=style.PAIR_STYLE[pair]["color"])
    style.log_axis(ax, axis="x")
    ax.set_ylim(len(categories) - 0.5, -0.5)


def max_abs_plot(rows, *, name="report-max-abs", title="Largest |a − b| in the report"):
    r"""The report's max |a - b| per pair, quantity and input regime, one panel per corner; ``None`` without
    numbers."""
    if rows is None:
        return None
    table = max_abs_table(rows)
    if not len(table):
        return None
    corners = [c for c in CORNERS if ((table["variant"] == c[0]) & (table["dtype"] == c[1])).any()]
    categories = list(dict.fromkeys(zip(table["quantity"], table["inputs"])))
    low, high = _limits(table["value"].to_numpy())

    def draw(fig, axes):
        for ax, (variant, dtype) in zip(axes[0], corners):
            corner = table[(table["variant"] == variant) & (table["dtype"] == dtype)]
            _draw_corner(ax, corner, categories, high / 3)
            ax.set_xlim(low, high)
            ax.set_title(f"{variant} · {dtype}")
            ax.set_xlabel("max |a − b|")
        axes[0][0].set_yticks(range(len(categories)), [f"{q} · {i}" for q, i in categories])
        style.legend(fig, [p for p in PAIR_ORDER if p in set(table["pair"])] + list(style.STATUS_MARKER), ncols=4)
    svg = style.render(draw, ncols=len(corners), width=1.2 + 2.0 * len(corners), height=1.3 + 0.2 * len(categories),
                       sharey=True)
    inf = "; ∞ at the right edge: inf, a number against NaN" if np.isinf(table["value"]).any() else ""
    return Plot(name, title, svg, "Each dot is the largest |a − b| of one pair over the aligned sets, per quantity and "
                f"input regime ({style.ZEROS}{inf}), its shape the worst status (● match, ■ "
                "expected, ✖ FAIL): look for a pair far to the right of the others.")


def curve(text):
    r"""``"1:0;2:5.96e-08"`` -> (steps, values) as arrays."""
    pairs = [item.split(":") for item in str(text).split(";") if ":" in item]
    return (np.array([int(s) for s, _ in pairs]), np.array([float(v) for _, v in pairs], dtype=np.float64))


def curve_rows(rows):
    r"""The rows with a divergence curve, with ``steps`` and ``values`` columns (parsed ``abs_curve``)."""
    if rows is None:
        return None
    t = rows[rows["abs_curve"].astype(str).str.contains(":")]
    if not len(t):
        return None
    parsed = [curve(text) for text in t["abs_curve"]]
    return t.assign(steps=[p[0] for p in parsed], values=[p[1] for p in parsed])


def figures(concept, rows, *, seed):
    r"""Families without their own plots: the report's max |a - b|."""
    return [max_abs_plot(rows)]
