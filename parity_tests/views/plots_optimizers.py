r"""Update-rule plots: the report's divergence curves (``abs_curve``: max |a - b| after steps 1, 2, 5, ... per
pair and quantity, log axis), one panel per corner (variant x dtype, the first aligned set) and scenario; and
fresh trajectories of a few parameter coordinates of the four implementations, run by ``parity_tests.trajectory``
itself (``_problem``, ``local_results``, ``run_keras_batch``): the closed loop (least squares) when the rule has one,
and the defaults in float32 fed gradients at scale 1 and 1e-6."""
import json

import numpy as np

from .. import DEFAULT_SEED
from . import plots_report
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["COORDINATES", "SCENARIOS", "trajectory_data", "curve_panels", "figures"]

COORDINATES = ((0, 0), (-1, -1))  # the first and the last element of the (3, 4) parameter or its transpose
SCENARIOS = ("typical", "grads_1e-6", "closed_loop")
_QUANTITY_STYLE = ("-", "--", ":", "-.")


def _first_kwargs(rows):
    r"""The rows of each corner's first aligned set (the report's order), and all defaults rows."""
    aligned = rows[rows["variant"] == "aligned"]
    first = aligned["kwargs"].iloc[0] if len(aligned) else None
    return rows[(rows["variant"] == "defaults") | (rows["kwargs"] == first)], first


def curve_panels(rows):
    r"""[(variant, dtype, scenario, rows with parsed ``steps``/``values``)] for every panel with curves, corners
    in ``CORNERS`` order, scenarios in ``SCENARIOS`` order; and the first aligned set's kwargs (JSON)."""
    curves = plots_report.curve_rows(rows)
    if curves is None:
        return [], None
    curves, first = _first_kwargs(curves)
    panels = []
    for variant, dtype in plots_report.CORNERS:
        for scenario in SCENARIOS:
            pick = curves[(curves["variant"] == variant) & (curves["dtype"] == dtype) & (curves["inputs"] == scenario)]
            if len(pick):
                panels.append((variant, dtype, scenario, pick))
    return panels, first


def _draw_curve_panel(ax, pick, quantities):
    for _, row in pick.iterrows():
        line = style.pair_style(row["pair"])
        line["linestyle"] = _QUANTITY_STYLE[quantities.index(row["quantity"]) % len(_QUANTITY_STYLE)]
        ax.plot(row["steps"], style.floor_abs(row["values"]), **line)
    style.log_axis(ax, axis="x", floor=False)
    style.log_axis(ax)


def _curves_plot(concept, rows):
    panels, first = curve_panels(rows)
    if not panels:
        return None
    quantities = list(dict.fromkeys(q for *_, pick in panels for q in pick["quantity"]))
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)

    def draw(fig, axes):
        for ax, (variant, dtype, scenario, pick) in zip(axes.flat, panels):
            _draw_curve_panel(ax, pick, quantities)
            ax.set_title(f"{variant} · {dtype} · {scenario}")
        style.label_grid(axes, len(panels), ylabel="max |a − b|")
        _curve_legend(fig, panels, quantities)
    svg = style.render(draw, nrows=nrows, ncols=ncols, width=1.0 + 2.6 * ncols, height=1.2 + 2.0 * nrows)
    sets = f" (aligned: {_kwargs_text(first)})" if first else ""
    return Plot("divergence-curves", f"{concept}: divergence step by step", svg,
                "The report's max |a − b| after each recorded step, per pair (colour) and quantity (line style)"
                f"{sets}; "
                f"{style.ZEROS}: rounding noise stays flat near the dtype's epsilon, a "
                "convention difference grows with the steps.")


def _curve_legend(fig, panels, quantities):
    from matplotlib.lines import Line2D
    pairs = [p for p in style.PAIR_STYLE if any(p in set(pick["pair"]) for *_, pick in panels)]
    handles = [Line2D([], [], **style.pair_style(p)) for p in pairs]
    handles += [Line2D([], [], color="#555555", linestyle=_QUANTITY_STYLE[i % len(_QUANTITY_STYLE)], label=q)
                for i, q in enumerate(quantities)]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False)


def _kwargs_text(text):
    return ", ".join(f"{k}={v!r}" for k, v in json.loads(text).items()) if text else ""


def _trajectory_runs(case):
    r"""The closed-loop run (aligned, its first dtype) when the rule has one, and the defaults run in float32."""
    runs = (run_of(case, variant="aligned", regime="closed_loop"), run_of(case, variant="defaults", dtype="float32"))
    return [run for run in runs if run is not None]


def trajectory_data(concept, *, seed=DEFAULT_SEED):
    r"""[{"run", "scenario", "params": {impl: (steps, rows, cols) float64 array, or the exception raised}}], one entry per
    scenario of each run of ``_trajectory_runs``, computed by the harness's own trajectory runners."""
    from .. import trajectory
    runs = _trajectory_runs(case_of(concept))
    keras = trajectory.run_keras_batch(runs, seed) if runs else {}
    out = []
    for run in runs:
        problem = trajectory._problem(run, seed)
        results = trajectory.local_results(run, problem)
        results["keras"] = keras[run.id]
        for scenario in problem:
            out.append({"run": run, "scenario": scenario, "params": {
                impl: r if isinstance(r, Exception) else np.asarray(r[(scenario, "params")], dtype=np.float64)
                for impl, r in ((i, results[i]) for i in style.IMPLS)}})
    return out


def _shape(params):
    r"""The parameter's (rows, cols): of the first implementation that returned a trajectory."""
    return next((p.shape[1:] for p in params.values() if not isinstance(p, Exception)), (1, 1))


def _draw_trajectories(entries):
    def draw(fig, axes):
        for row, entry in enumerate(entries):
            for col, (i, j) in enumerate(COORDINATES):
                ax = axes[row][col]
                for impl, params in entry["params"].items():
                    if not isinstance(params, Exception):
                        steps = np.arange(1, len(params) + 1)
                        ax.plot(*style.downsample(steps, params[:, i, j], points=100), **style.impl_style(impl))
                run, shape = entry["run"], _shape(entry["params"])
                ax.set_title(f"{run.variant} · {run.dtype} · {entry['scenario']} · w[{i % shape[0]}, {j % shape[1]}]")
            axes[row][0].set_ylabel("parameter")
        for ax in axes[-1]:
            ax.set_xlabel("step")
        style.legend(fig, style.IMPLS)
    return draw


def _trajectories_plot(concept, seed):
    entries = trajectory_data(concept, seed=seed)
    if not entries:
        return None
    svg = style.render(_draw_trajectories(entries), nrows=len(entries), ncols=len(COORDINATES), width=7.0,
                       height=0.9 + 1.8 * len(entries), sharex=True)
    failed = sorted({i for e in entries for i, p in e["params"].items() if isinstance(p, Exception)})
    note = f" ({', '.join(failed)} raised: not drawn)" if failed else ""
    return Plot("trajectories", f"{concept}: parameter trajectories", svg,
                "Two coordinates of the parameter over the steps in each implementation: in the aligned run the four "
                "curves coincide, while with each framework's defaults torch and Keras follow their own paths, most "
                f"visibly where gradients of 1e-6 meet the rule's epsilon{note}.")


def figures(concept, rows, *, seed):
    r"""The report's divergence curves; fresh parameter trajectories."""
    return [_curves_plot(concept, rows), _trajectories_plot(concept, seed)]
