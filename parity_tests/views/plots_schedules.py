r"""Schedule plots from fresh calls: the LR at every step (epoch, for reduce_on_plateau) of the four
implementations, one row per run the matrix makes (every aligned set, the defaults), beside |difference| per
pair on a log axis, where a boundary handled differently (a floor, a restart, a threshold) shows as isolated
spikes. lr_range_test plots its batch loss against its LR. Each run is ``frameworks.call`` on the case's inputs."""
import numpy as np

from .. import DEFAULT_SEED
from ..schema import PAIRS
from . import plots_style as style
from .plots import Plot, case_of

__all__ = ["PAIRS", "schedule_runs", "schedule_data", "figures"]



def schedule_runs(case):
    r"""The runs to plot, one dtype each (aligned: float64 where run, defaults: float32): every aligned set in the
    case's first regime, then the defaults in every regime."""
    from ..case import expand
    runs, _ = expand([case])
    chosen = {}
    for run in sorted(runs, key=lambda r: r.dtype != ("float64" if r.variant == "aligned" else "float32")):
        if run.variant == "defaults" or run.regime == case.all_regimes[0]:
            chosen.setdefault((run.variant, run.index, run.regime), run)
    return sorted(chosen.values(), key=lambda r: (r.variant, r.index, case.all_regimes.index(r.regime)))


def _series(out):
    r"""(x, y, x label, y label) of one result: the LR per step, or lr_range_test's (LR, batch loss) rows."""
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 2 and out.shape[0] == 2:
        return out[0], out[1], "LR", "batch loss"
    return np.arange(out.size), out.reshape(-1), "epoch" if out.size <= 100 else "step", "LR"


def schedule_data(concept, *, seed=DEFAULT_SEED):
    r"""[{"run", "values": {impl: forward as float64, or the exception raised}}] for ``schedule_runs``."""
    from ..frameworks import attempt, call, inputs_for
    from ..inputs import rng_for
    case = case_of(concept)
    out = []
    for run in schedule_runs(case):
        inputs = case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), case.kinks)
        results = {impl: attempt(call, impl, run, inputs_for(impl, run, inputs), seed) for impl in style.IMPLS}
        out.append({"run": run, "values": {impl: r if isinstance(r, Exception) else
                                           np.asarray(r["forward"], dtype=np.float64) for impl, r in results.items()}})
    return out


def _label(run):
    r"""The run's variant, dtype, regime (when the case has several) and the hyperparameters its aligned sets vary."""
    sets = run.case.aligned
    varying = [k for k in dict.fromkeys(k for s in sets for k in s) if len({repr(s.get(k)) for s in sets}) > 1]
    kwargs = ", ".join(f"{k}={run.kwargs[k]!r}" for k in varying if k in run.kwargs and run.variant == "aligned")
    regime = f" · {run.regime}" if len(run.case.all_regimes) > 1 else ""
    return f"{run.variant} · {run.dtype}{regime}" + (f": {kwargs}" if kwargs else "")


def _draw_row(axes, entry, log_x):
    values = entry["values"]
    for impl, v in values.items():
        if not isinstance(v, Exception):
            x, y, xlabel, ylabel = _series(v)
            axes[0].plot(x, y, drawstyle="steps-post" if len(x) <= 100 and not log_x else "default",
                         **style.impl_style(impl))
    for a, b in PAIRS:
        va, vb = values[a], values[b]
        if not isinstance(va, Exception) and not isinstance(vb, Exception) and va.shape == vb.shape:
            x, diff = _series(va)[0], style.floor_abs(_series(va)[1] - _series(vb)[1])
            axes[1].plot(*(style.binned_max(x, diff, size=2) if len(x) > 150 else (x, diff)),
                         **style.pair_style(f"{a}~{b}"))
    first = next((v for v in values.values() if not isinstance(v, Exception)), None)
    labels = _series(first)[2:] if first is not None else ("step", "LR")
    axes[0].set_ylabel(labels[1])
    axes[1].set_ylabel(f"|Δ {labels[1]}|")
    style.log_axis(axes[1])
    if log_x:
        for ax in axes:
            style.log_axis(ax, axis="x", floor=False)
        style.log_axis(axes[0], floor=False)
    axes[0].set_title(_label(entry["run"]), loc="left")
    return labels[0]


def figures(concept, rows, *, seed):
    r"""The schedule and its differences, one row per run."""
    entries = schedule_data(concept, seed=seed)
    if not entries:
        return []
    log_x = concept == "lr_range_test"

    def draw(fig, axes):
        for row, entry in zip(axes, entries):
            xlabel = _draw_row(row, entry, log_x)
        for ax in axes[-1]:
            ax.set_xlabel(xlabel)
        style.legend(fig, style.IMPLS + tuple(f"{a}~{b}" for a, b in PAIRS), ncols=4)
    svg = style.render(draw, nrows=len(entries), ncols=2, width=8.0, height=1.0 + 1.55 * len(entries), sharex=True)
    what = "batch loss against LR" if log_x else "LR at each step"
    return [Plot("schedule", f"{concept}: {what}, and differences", svg,
                 f"Left: the {what} of the four implementations (they should coincide); right: |difference| per pair "
                 "(the largest of each 2 steps of a long schedule; exact zeros, and anything below "
                 f"{style.FLOOR:g}, at {style.FLOOR:g}, marked 0), where a step or "
                 "boundary placed differently shows as a spike far above rounding.")]
