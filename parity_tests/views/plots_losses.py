r"""Loss plots: from fresh calls, the loss value of the four implementations in each input regime of the case
(aligned with reduction "mean" where the row has it, in float64, beside the defaults in float32) with the max
|gradient difference| per pair; from the report, max |a - b| per pair, quantity and regime (``plots_report``).

Inputs come from the case's own builder with the run's seeded generator, exactly as the matrix draws them, and
each implementation is run by ``frameworks.call``."""
import numpy as np

from .. import DEFAULT_SEED
from ..schema import PAIR_NAMES
from . import plots_report
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["PAIRS", "CORNERS", "loss_data", "figures"]

PAIRS = PAIR_NAMES[:3]  # the three pairs of the matrix
CORNERS = (("aligned", "float64"), ("defaults", "float32"))


def _mean_index(case):
    r"""The aligned set with reduction "mean" (a scalar loss), else the first."""
    return next((i for i, kw in enumerate(case.aligned) if kw.get("reduction") == "mean"), 0)


def _max_abs(a, b):
    r"""max |a - b| as the report counts it (NaN against NaN 0, against a number inf); NaN if shapes differ."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return np.nan
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
    d = np.where(np.isnan(a) & np.isnan(b), 0.0, np.where(np.isnan(d), np.inf, d))
    return float(d.max(initial=0.0))


def _one(run, seed):
    r"""{impl: results or exception} of one run, as the matrix calls them."""
    from ..frameworks import attempt, call, inputs_for
    from ..inputs import rng_for
    inputs = run.case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), run.case.kinks)
    return {impl: attempt(call, impl, run, inputs_for(impl, run, inputs), seed) for impl in style.IMPLS}


def _value(result):
    r"""The loss as one number: the value, or the mean of an unreduced output; NaN when the call raised."""
    if isinstance(result, Exception):
        return np.nan, False
    out = np.asarray(result["forward"], dtype=np.float64)
    return (float(out.mean()) if out.size else np.nan), out.size != 1


def loss_data(concept, *, variant="aligned", dtype="float64", seed=DEFAULT_SEED):
    r"""One corner's values per regime: {"label", "grad", "regimes": [...], "values": {regime: {impl: float}},
    "gaps": {regime: {pair: max |grad difference|}}, "reduced": whether an output was averaged}; ``None`` when the
    matrix has no such run."""
    case = case_of(concept)
    grad = next((q for q in case.quantities if q.startswith("grad_")), "forward")
    out = {"label": f"{variant} · {dtype}", "grad": grad, "regimes": [], "values": {}, "gaps": {}, "reduced": False}
    for regime in case.all_regimes:
        run = run_of(case, variant=variant, dtype=dtype, index=_mean_index(case), regime=regime)
        if run is None:
            continue
        results = _one(run, seed)
        values = {impl: _value(r) for impl, r in results.items()}
        out["regimes"].append(regime)
        out["values"][regime] = {impl: v for impl, (v, _) in values.items()}
        out["reduced"] |= any(reduced for _, reduced in values.values())
        out["gaps"][regime] = {pair: _max_abs(*(results[i][grad] for i in pair.split("~")))
                               for pair in PAIRS if not any(isinstance(results[i], Exception) for i in pair.split("~"))}
    return out if out["regimes"] else None


def _draw_values(ax, datas, regime):
    for g, data in enumerate(datas):
        for j, impl in enumerate(style.IMPLS):
            value = data["values"].get(regime, {}).get(impl, np.nan)
            x = g + (j - 1.5) * 0.16
            if np.isfinite(value):
                ax.plot([x], [value], markersize=5, **style.impl_style(impl, line=False))
            else:
                ax.text(x, 0.5, str(value), transform=ax.get_xaxis_transform(), rotation=90, ha="center",
                        va="center", color=style.IMPL_STYLE[impl]["color"], fontsize=6.5)
    ax.set_xlim(-0.5, len(datas) - 0.5)
    ax.set_xticks(range(len(datas)), [d["label"].replace(" · ", "\n") for d in datas])
    ax.set_title(regime)


def _draw_gaps(ax, datas, regime, limits):
    for g, data in enumerate(datas):
        for j, pair in enumerate(PAIRS):
            gap = data["gaps"].get(regime, {}).get(pair, np.nan)
            value = limits[1] / 3 if np.isinf(gap) else style.floor_abs(gap)
            marker = {"marker": style.INF_MARKER, "markersize": 8} if np.isinf(gap) else {"markersize": 5}
            ax.plot([g + (j - 1) * 0.2], [value], **{**style.pair_style(pair, line=False), **marker})
    style.log_axis(ax)
    ax.set_ylim(*limits)
    ax.set_xlim(-0.5, len(datas) - 0.5)
    ax.set_xticks(range(len(datas)), [d["label"].replace(" · ", "\n") for d in datas])


def _values_plot(concept, datas):
    regimes = list(dict.fromkeys(r for d in datas for r in d["regimes"]))
    gaps = np.array([g for d in datas for r in d["gaps"].values() for g in r.values()] or [0.0])
    top = float(np.max(gaps[np.isfinite(gaps)], initial=style.FLOOR))
    limits = (style.FLOOR / 3, max(top, style.FLOOR) * 30)
    grad = datas[0]["grad"]

    def draw(fig, axes):
        for col, regime in enumerate(regimes):
            _draw_values(axes[0][col], datas, regime)
            _draw_gaps(axes[1][col], datas, regime, limits)
        axes[0][0].set_ylabel("loss" + (" (mean of the output)" if any(d["reduced"] for d in datas) else ""))
        axes[1][0].set_ylabel(f"max |Δ {grad}|")
        style.legend(fig, style.IMPLS + PAIRS, line=False, ncols=4)
    svg = style.render(draw, nrows=2, ncols=len(regimes), width=0.8 + 1.75 * len(regimes), height=4.6)
    return Plot("values-by-regime", f"{concept}: value and gradient gap in each input regime", svg,
                "Top: the loss of each implementation per input regime (a dot per implementation; non-finite values "
                f"written out); bottom: the largest |difference| of {grad} per pair ({style.ZEROS}; ∞ at the top: "
                "inf): the dots of a regime should sit level, and a gap shows which pair "
                "parts.")


def figures(concept, rows, *, seed):
    r"""Value and gradient gap per regime (fresh calls); the report's max |a - b|."""
    datas = [d for d in (loss_data(concept, variant=v, dtype=t, seed=seed) for v, t in CORNERS) if d]
    fresh = _values_plot(concept, datas) if datas else None
    return [fresh, plots_report.max_abs_plot(rows)]
