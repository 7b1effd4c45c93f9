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
    svg = style.impl_curves([(f"{d['run'].variant} · {d['run'].dtype}", d["norms"]) for d in datas],
                            xlabel="layer", ylabel="gradient norm", log=True)
    return Plot("layer-norms", f"{concept}: gradient norm per layer", svg,
                f"The norm of each layer's weight gradient, first layer on the left ({style.ZEROS}): the four curves "
                "should coincide, and their slope shows how the gradient vanishes or survives with depth.")


def figures(concept, rows, *, seed):
    r"""Per-layer gradient norms; the report's max |a - b|."""
    return [_norms_plot(concept, seed), plots_report.max_abs_plot(rows)]
