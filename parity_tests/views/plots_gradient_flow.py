r"""Gradient-flow plots: the per-layer gradient norms of the four implementations (fresh calls by
``frameworks.call`` on the case's seeded network and batch), the aligned run in float64 beside the defaults in
float32 -- vanishing gradients show as a slope across the layers -- and the report's max |a - b|."""
import numpy as np

from .. import DEFAULT_SEED
from . import plots_report
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["CORNERS", "norms_data", "figures"]

CORNERS = (("aligned", "float64"), ("defaults", "float32"))


def norms_data(concept, *, variant="aligned", dtype="float64", seed=DEFAULT_SEED):
    r"""{"run", "norms": {impl: per-layer gradient norm (float64), or the exception raised}}; ``None`` without
    such a run."""
    from ..frameworks import attempt, call, inputs_for
    from ..inputs import rng_for
    case = case_of(concept)
    run = run_of(case, variant=variant, dtype=dtype)
    if run is None:
        return None
    inputs = case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), case.kinks)
    norms = {}
    for impl in style.IMPLS:
        out = attempt(call, impl, run, inputs_for(impl, run, inputs), seed)
        norms[impl] = out if isinstance(out, Exception) else np.asarray(out["forward"], dtype=np.float64).reshape(-1)
    return {"run": run, "norms": norms}


def _norms_plot(concept, seed):
    datas = [d for d in (norms_data(concept, variant=v, dtype=t, seed=seed) for v, t in CORNERS) if d]
    if not datas:
        return None

    def draw(fig, axes):
        from matplotlib.ticker import MaxNLocator
        for ax, data in zip(axes[0], datas):
            for impl, norms in data["norms"].items():
                if not isinstance(norms, Exception):
                    ax.plot(np.arange(1, len(norms) + 1), style.floor_abs(norms), **style.impl_style(impl))
            style.log_axis(ax)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"{data['run'].variant} · {data['run'].dtype}")
            ax.set_xlabel("layer")
        axes[0][0].set_ylabel("gradient norm")
        style.legend(fig, style.IMPLS)
    svg = style.render(draw, ncols=len(datas), width=1.0 + 3.3 * len(datas), height=2.9)
    return Plot("layer-norms", f"{concept}: gradient norm per layer", svg,
                "The norm of each layer's weight gradient, first layer on the left (exact zeros at "
                f"{style.FLOOR:g}, marked 0): the four curves should coincide, and their slope shows how the gradient "
                "vanishes or survives with depth.")


def figures(concept, rows, *, seed):
    r"""Per-layer gradient norms; the report's max |a - b|."""
    return [_norms_plot(concept, seed), plots_report.max_abs_plot(rows)]
