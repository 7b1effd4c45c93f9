r"""Training plots: fresh loss curves of the four implementations (trained by ``parity_tests.training`` itself:
``_train`` for NumPy and torch, ``run_keras_batch`` for Keras), the aligned and the defaults run in float32; and the
report's divergence curve per parameter and gradient (``abs_curve``), one panel per corner (variant x dtype x
Keras path) and pair."""
import numpy as np

from .. import DEFAULT_SEED
from ..schema import PAIR_NAMES
from . import plots_report
from . import plots_style as style
from .plots import Plot, case_of, run_of

__all__ = ["PAIRS", "LAYER_COLORS", "loss_data", "divergence_panels", "figures"]

PAIRS = PAIR_NAMES[:3]  # the three pairs of the matrix
LAYER_COLORS = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")  # W1/b1, W2/b2, ... (loss: black)


def _train_all(runs, seed):
    r"""{run.id: {impl: history or exception}}, each implementation trained as ``training.execute`` trains it."""
    from .. import training
    from ..conventions.training import split
    from ..frameworks import attempt, framework_of
    keras = training.run_keras_batch(runs, seed) if runs else {}
    out = {}
    for run in runs:
        result = {impl: attempt(training._train, run, seed, 0, training._numpy_parts(run, framework_of(impl)))
                  for impl in style.IMPLS[:2]}
        result["torch"] = attempt(training._train, run, seed, 1, split(run.kwargs))
        result["keras"] = keras[run.id]
        out[run.id] = result
    return out


def loss_data(concept, *, seed=DEFAULT_SEED):
    r"""[{"run", "loss": {impl: loss per step (float64), or the exception raised}}] for the aligned and the defaults
    run in float32 (Keras's tape loop)."""
    case = case_of(concept)
    runs = [r for r in (run_of(case, variant=v, dtype="float32", regime="tape") for v in ("aligned", "defaults")) if r]
    histories = _train_all(runs, seed)
    return [{"run": run, "loss": {impl: h if isinstance(h, Exception) else np.asarray(h["loss"], dtype=np.float64)
                                  for impl, h in histories[run.id].items()}} for run in runs]


def _loss_plot(concept, seed):
    entries = loss_data(concept, seed=seed)
    if not entries:
        return None
    svg = style.impl_curves([(f"{e['run'].variant} · {e['run'].dtype} · tape", e["loss"]) for e in entries],
                            xlabel="step", ylabel="batch loss")
    failed = sorted({i for e in entries for i, v in e["loss"].items() if isinstance(v, Exception)})
    note = f" ({', '.join(failed)} raised: not drawn)" if failed else ""
    return Plot("loss-curves", f"{concept}: training loss of each implementation", svg,
                "The batch loss at each step from the same initial weights and batches: aligned, the four curves "
                f"coincide; with each framework's defaults (loss reduction, optimizer constants) they may part{note}.")


def divergence_panels(rows):
    r"""[(title, rows with parsed ``steps``/``values`` of one corner and pair)], corners in report order."""
    curves = plots_report.curve_rows(rows)
    if curves is None:
        return []
    corners = list(dict.fromkeys(zip(curves["variant"], curves["dtype"], curves["inputs"])))
    panels = []
    for variant, dtype, inputs in corners:
        corner = curves[(curves["variant"] == variant) & (curves["dtype"] == dtype) & (curves["inputs"] == inputs)]
        for pair in PAIRS:
            panels.append((f"{variant} · {dtype} · {inputs}\n{pair}", corner[corner["pair"] == pair]))
    return panels


def _integer_ticks():
    from matplotlib.ticker import MaxNLocator
    return MaxNLocator(integer=True)


def _quantity_style(quantity):
    if quantity == "loss":
        return {"color": "black", "linewidth": 1.8, "linestyle": "-"}
    name = quantity.removeprefix("grad_")
    color = LAYER_COLORS[(int(name[1:]) - 1) % len(LAYER_COLORS)]
    dash = "-" if name.startswith("W") else (0, (4, 2))
    return {"color": color, "linewidth": 0.8 if quantity.startswith("grad_") else 1.4,
            "linestyle": (0, (1, 1.2)) if quantity.startswith("grad_") else dash}


def _divergence_legend(fig, quantities):
    from matplotlib.lines import Line2D
    shown = [q for q in quantities if not q.startswith("grad_")]
    handles = [Line2D([], [], label=q, **_quantity_style(q)) for q in shown]
    if any(q.startswith("grad_") for q in quantities):
        handles.append(Line2D([], [], color="#555555", linewidth=0.8, linestyle=(0, (1, 1.2)),
                              label="grad_… (dotted, the layer's colour)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5), frameon=False)


def _divergence_plot(concept, rows):
    panels = [p for p in divergence_panels(rows) if len(p[1])]
    if not panels:
        return None
    quantities = list(dict.fromkeys(q for _, pick in panels for q in pick["quantity"]))
    nrows = -(-len(panels) // len(PAIRS))

    def draw(fig, axes):
        for ax, (title, pick) in zip(axes.flat, panels):
            for _, row in pick.iterrows():
                ax.plot(row["steps"], style.floor_abs(row["values"]), **_quantity_style(row["quantity"]))
            style.log_axis(ax)
            ax.set_title(title)
        style.label_grid(axes, len(panels), ylabel="max |a − b|")
        for ax in axes[-1]:
            ax.xaxis.set_major_locator(_integer_ticks())
        _divergence_legend(fig, quantities)
    svg = style.render(draw, nrows=nrows, ncols=len(PAIRS), width=8.4, height=1.1 + 2.1 * nrows, sharex=True)
    return Plot("divergence-curves", f"{concept}: divergence per parameter", svg,
                "The report's max |a − b| per step of the loss (black), each weight (solid) and bias (dashed) and "
                f"their gradients (dotted), per pair ({style.ZEROS}): look for a layer whose "
                "curve climbs away from rounding level, and for the first step it does.")


def figures(concept, rows, *, seed):
    r"""Fresh loss curves; the report's divergence per parameter."""
    return [_loss_plot(concept, seed), _divergence_plot(concept, rows)]
