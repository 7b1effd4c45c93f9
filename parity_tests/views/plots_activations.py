r"""Activation plots from fresh calls on a grid: f and f' of the four implementations overlaid (the case's kink
points marked), and |difference| per pair on a log axis; the aligned run in float64 beside the defaults run in
float32 (where each framework's own defaults apply).

The grid replaces the first element of every row of the case's ``x`` (the rest 0), so for softmax and
log_softmax it plots the first output with the first logit varied against zeros. The derivative is the VJP with
an upstream gradient one-hot on that element (for an element-wise f exactly f'(x)), through the same calls
``frameworks.call`` makes, each implementation seeing its ``inputs_for`` inputs."""
import numpy as np

from .. import DEFAULT_SEED
from ..schema import PAIRS
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["GRID", "PAIRS", "activation_data", "figures"]

GRID = np.linspace(-6.0, 6.0, 241)
_QUANTITY_LABEL = {"forward": "f(x)", "grad_x": "f′(x)"}
_COUPLED = ("softmax", "log_softmax")  # not element-wise: a row of logits in, a row out


def _call(impl, run, inputs, dout):
    r"""The harness's call of one implementation with the upstream gradient ``dout``."""
    from .. import frameworks as fw
    return fw.call(impl, run, fw.inputs_for(impl, run, inputs), None, dout=dout)


def _grid_inputs(run, seed, x):
    r"""(inputs, dout): the case's typical inputs with ``x`` replaced by the grid (first element of each row)."""
    from ..inputs import rng_for
    case = run.case
    base = case.inputs(rng_for(seed, run.input_key), "typical", np.dtype(run.dtype), case.kinks)
    grid = np.zeros((len(x),) + base["x"].shape[1:], dtype=run.dtype)
    grid.reshape(len(x), -1)[:, 0] = x
    dout = np.zeros_like(grid)
    dout.reshape(len(x), -1)[:, 0] = 1
    return {**base, "x": grid}, dout


def _first(values, n):
    return np.asarray(values, dtype=np.float64).reshape(n, -1)[:, 0]


def activation_data(concept, *, variant="aligned", dtype="float64", index=0, seed=DEFAULT_SEED, grid=GRID):
    r"""The curves one run plots: ``x`` (the grid with the case's kinks added, float64), ``kinks``, ``run``,
    ``values`` {impl: {"forward": f(x), "grad_x": f'(x)} as float64, or the exception it raised} and ``width`` (the
    elements of a row of ``x``, the grid in the first); ``None`` when the matrix has no such run."""
    from ..frameworks import attempt
    case = case_of(concept)
    run = run_of(case, variant=variant, dtype=dtype, index=index, regime="typical")
    if run is None:
        return None
    kinks = tuple(k for k in case.kinks if grid[0] <= k <= grid[-1])
    x = np.union1d(grid, kinks)
    inputs, dout = _grid_inputs(run, seed, x)
    values = {}
    for impl in style.IMPLS:
        out = attempt(_call, impl, run, inputs, dout)
        values[impl] = out if isinstance(out, Exception) else {
            q: _first(out[q], len(x)) for q in ("forward", "grad_x") if q in out}
    return {"x": x.astype(np.float64), "kinks": kinks, "run": run, "values": values,
            "width": int(np.prod(inputs["x"].shape[1:]))}


def _label(run):
    kwargs = ", ".join(f"{k}={v!r}" for k, v in run.kwargs.items())
    return f"{run.variant} · {run.dtype}" + (f"\n{kwargs}" if kwargs else "")


def _quantities(datas):
    found = {q for d in datas for v in d["values"].values() if isinstance(v, dict) for q in v}
    return [q for q in ("forward", "grad_x") if q in found]


def _draw_grid(datas, quantities, panel, labels):
    r"""A draw function: one column per run, one row per quantity; ``panel(ax, data, q)`` fills a panel (the kinks
    already marked), the legend shows ``labels``."""
    def draw(fig, axes):
        for col, data in enumerate(datas):
            for row, q in enumerate(quantities):
                style.mark_kinks(axes[row][col], data["kinks"])
                panel(axes[row][col], data, q)
            axes[0][col].set_title(_label(data["run"]))
            axes[-1][col].set_xlabel("x")
        style.legend(fig, labels)
    return draw


def _curves_panel(ax, data, q):
    r"""``q`` of each implementation that returned it."""
    for impl, v in data["values"].items():
        if isinstance(v, dict) and q in v:
            ax.plot(data["x"], v[q], **style.impl_style(impl))
    ax.set_ylabel(_QUANTITY_LABEL[q])


def _differences_panel(ax, data, q):
    r"""|difference| of ``q`` per pair (its envelope over bins of 3 grid points), log axis."""
    for a, b in PAIRS:
        va, vb = data["values"][a], data["values"][b]
        if isinstance(va, dict) and isinstance(vb, dict) and q in va and q in vb:
            envelope = style.binned_max(data["x"], style.floor_abs(va[q] - vb[q]))
            ax.plot(*envelope, **style.pair_style(f"{a}~{b}"))
    style.log_axis(ax)
    ax.set_ylabel(f"|Δ {_QUANTITY_LABEL[q]}|")


def _failures(datas):
    failed = sorted({impl for d in datas for impl, v in d["values"].items() if isinstance(v, Exception)})
    return f" ({', '.join(failed)} raised: not drawn)" if failed else ""


def figures(concept, rows, *, seed):
    r"""f and f' overlaid; |difference| per pair (log)."""
    datas = [d for d in (activation_data(concept, variant="aligned", dtype="float64", seed=seed),
                         activation_data(concept, variant="defaults", dtype="float32", seed=seed)) if d]
    quantities = _quantities(datas)
    if not datas or not quantities:
        return []
    size = {"nrows": len(quantities), "ncols": len(datas), "width": 3.3 * len(datas) + 0.6,
            "height": 2.0 * len(quantities) + 0.9, "sharex": True}
    kinks = " (dotted: the kink points)" if datas[0]["kinks"] else ""
    if concept in _COUPLED:
        kinks += f" (the first output, with the first of {datas[0]['width']} logits varied and the others 0)"
    curves = Plot("curves", f"{concept}: f and f′ of each implementation",
                  style.render(_draw_grid(datas, quantities, _curves_panel, style.IMPLS), **size),
                  f"The four curves should coincide{kinks}; in the defaults column each framework uses its "
                  f"own defaults, so torch's and Keras's curves part wherever their defaults differ{_failures(datas)}.")
    pairs = [f"{a}~{b}" for a, b in PAIRS]
    diffs = Plot("differences", f"{concept}: |difference| per pair",
                 style.render(_draw_grid(datas, quantities, _differences_panel, pairs), **size),
                 "|numpy[torch] − torch|, |numpy[keras] − keras| and |torch − "
                 f"keras|, the largest in each bin of 3 grid points (exact zeros, and anything below {style.FLOOR:g}, "
                 f"drawn at {style.FLOOR:g}: marked 0): rounding sits near the dtype's epsilon times "
                 f"|f|, while a different formula or default shows as a plateau far above it{_failures(datas)}.")
    return [curves, diffs]
