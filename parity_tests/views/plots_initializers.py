r"""Initialiser plots from fresh draws: the histogram (density) of each implementation's weight against the density
each states (its ``<name>_spec``), for the aligned run and the defaults run in float32, one panel per part (a
layer's kernel and bias). The draws are ``parity_tests.distribution``'s own (``draw``: the same seeds, shape and
hyperparameters as the matrix), the stated laws its ``_specs``."""
import numpy as np

from .. import DEFAULT_SEED
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["BINS", "spec_pdf", "init_data", "figures"]

BINS = 80
_SPEC_DASHES = ("-", (0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)))


def spec_pdf(spec, x):
    r"""The density a spec states at ``x`` (``None`` for a point mass: ``constant``)."""
    from scipy import special
    x = np.asarray(x, dtype=np.float64)
    kind = spec["distribution"]
    if kind == "constant":
        return None
    if kind == "uniform":
        return np.where((x >= spec["low"]) & (x <= spec["high"]), 1.0 / (spec["high"] - spec["low"]), 0.0)
    z = (x - spec["mean"]) / spec["std"]
    pdf = np.exp(-0.5 * z * z) / (spec["std"] * np.sqrt(2.0 * np.pi))
    if kind == "normal":
        return pdf
    a, b = ((spec[k] - spec["mean"]) / spec["std"] for k in ("low", "high"))
    return np.where((x >= spec["low"]) & (x <= spec["high"]), pdf / (special.ndtr(b) - special.ndtr(a)), 0.0)


def _edges(samples):
    r"""Shared bin edges over every non-constant sample (a unit range around a constant when all are): ``BINS``
    bins, fewer (about sqrt(n)) for a small sample such as a bias."""
    spread = [s for s in samples if s.values[0] != s.values[-1]]
    if not spread:
        v = samples[0].values[0] if samples else 0.0
        return np.linspace(v - 1.0, v + 1.0, BINS + 1)
    bins = int(min(BINS, max(10, np.sqrt(min(len(s.values) for s in spread)))))
    return np.linspace(min(s.values[0] for s in spread), max(s.values[-1] for s in spread), bins + 1)


def _part(draws, specs, index, part):
    ok = {impl: d[part][0] for impl, d in draws.items() if not isinstance(d, Exception)}
    edges = _edges(list(ok.values()))
    density = {impl: (None if s.values[0] == s.values[-1] else np.histogram(s.values, edges, density=True)[0])
               for impl, s in ok.items()}
    constant = {impl: float(s.values[0]) for impl, s in ok.items() if s.values[0] == s.values[-1]}
    return {"edges": edges, "density": density, "constant": constant,
            "spec": {impl: s[index] for impl, s in specs.items() if impl in ok}}


def init_data(concept, *, variant="aligned", dtype="float32", seed=DEFAULT_SEED):
    r"""{"run", "failed": {impl: exception}, "parts": {part: {"edges", "density": {impl: per-bin density, or
    None for a constant}, "constant": {impl: value}, "spec": {impl: stated spec}}}}; ``None`` without such a run."""
    from .. import distribution as dist
    from ..frameworks import attempt
    run = run_of(case_of(concept), variant=variant, dtype=dtype)
    if run is None:
        return None
    draws = {impl: attempt(dist.draw, impl, run, seed) for impl in style.IMPLS}
    specs = {impl: attempt(dist._specs, run, dist._function(run, impl), dist._kwargs(impl, run)) for impl in draws}
    specs = {impl: s for impl, s in specs.items() if not isinstance(s, Exception)}
    parts = {part: _part(draws, specs, i, part) for i, part in enumerate(run.case.parts)}
    return {"run": run, "parts": parts, "failed": {i: d for i, d in draws.items() if isinstance(d, Exception)}}


def _spec_groups(specs):
    r"""[(spec, [impls stating it])]: equal specs (to 1e-6 relative: a float32 framework's rounding) drawn once."""
    groups = []
    for impl, spec in specs.items():
        for known, impls in groups:
            if known.keys() == spec.keys() and all(known[k] == spec[k] or (
                    isinstance(spec[k], float) and np.isclose(known[k], spec[k], rtol=1e-6, atol=0)) for k in spec):
                impls.append(impl)
                break
        else:
            groups.append((spec, [impl]))
    return groups


def _draw_panel(ax, data):
    edges, top = data["edges"], 0.0
    for impl, density in data["density"].items():
        if density is not None:
            ax.stairs(density, edges, **{**style.impl_style(impl), "label": "_nolegend_"})
            top = max(top, float(density.max()))
        else:
            ax.axvline(data["constant"][impl], **{**style.impl_style(impl), "label": "_nolegend_"})
    x = np.linspace(edges[0], edges[-1], 400)
    for k, (spec, impls) in enumerate(_spec_groups(data["spec"])):
        pdf, label = spec_pdf(spec, x), f"stated by {', '.join(impls)}"
        dash = _SPEC_DASHES[k % len(_SPEC_DASHES)]
        if pdf is None:
            ax.plot([spec["value"]], [1.0], marker="v", color="black", transform=ax.get_xaxis_transform(), label=label)
        else:
            ax.plot(x, pdf, color="black", linewidth=0.9, linestyle=dash, label=label)
            top = max(top, float(pdf.max()))
    ax.legend(loc="upper center", frameon=False, fontsize=6)
    ax.set_ylim(0, 1.4 * top if top > 0 else 1.0)


def figures(concept, rows, *, seed):
    r"""Histograms of the draws against the stated densities; ``[]`` when every draw is a constant."""
    aligned = init_data(concept, variant="aligned", seed=seed)
    same = aligned is not None and not aligned["run"].kwargs  # no hyperparameters: the defaults call, drawn alike
    datas = [d for d in (aligned, None if same else init_data(concept, variant="defaults", seed=seed)) if d]
    if not datas or all(not any(p["density"].get(i) is not None for p in d["parts"].values() for i in p["density"])
                        for d in datas):
        return []
    parts = datas[0]["run"].case.parts

    def draw(fig, axes):
        for row, data in zip(axes, datas):
            for ax, part in zip(row, parts):
                _draw_panel(ax, data["parts"][part])
                run = data["run"]
                variant = "aligned = defaults" if same else run.variant
                ax.set_title(f"{variant} · {run.dtype} · {part}" + (
                    "\n" + ", ".join(f"{k}={v!r}" for k, v in run.kwargs.items()) if run.kwargs else ""))
            row[0].set_ylabel("density")
        style.legend(fig, style.IMPLS)
    svg = style.render(draw, nrows=len(datas), ncols=len(parts), width=1.0 + 3.4 * len(parts),
                       height=1.0 + 2.3 * len(datas))
    failed = sorted({i for d in datas for i in d["failed"]})
    note = f" ({', '.join(failed)} raised: not drawn)" if failed else ""
    return [Plot("histograms", f"{concept}: draws against the stated density", svg,
                 f"Histograms of the {BINS}-bin densities of each implementation's 65536 draws (coloured) over the "
                 f"density each states (black; ▼ a constant): a histogram off its curve, or two stated curves apart, "
                 f"is the gap the tests measure{note}.")]
