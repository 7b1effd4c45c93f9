"""Rows of a model comparison (the report schema, family ``user_model``) and the result object.

Per step, in execution order: the weights the step runs with (``<param>``), every layer's ``output``, the
``loss`` (or ``objective``), the gradients in backward order (``grad_<param>``, then the input's ``grad_x``)
and the buffers the forward updated (``running_mean``, ``running_var``). Each quantity gives three rows, as in
the suite: ``numpy[torch]~torch``, ``numpy[keras]~keras`` and ``torch~keras``, under the one tolerance policy.
"""
from dataclasses import dataclass, field

import numpy as np

from ..schema import PAIRS
from ..report import write_csv
from ..runner import Classification, measure, row_for
from ..schema import COLUMNS
from ..tolerance import tolerance_for

__all__ = ["Quantity", "quantities", "rows_of_step", "Divergence", "ModelComparison"]

FAMILY = "user_model"


@dataclass(frozen=True)
class Quantity:
    """One compared value of a step: ``concept`` (a pair's label, ``loss`` or ``input``), ``quantity``, ``key``
    (how a StepResult holds it), ``scope`` (the pair index up to which layer conventions act; None: all)."""
    concept: str
    quantity: str
    key: tuple
    scope: object = None

    def of(self, result):
        part, index = self.key
        return result.objective if part == "objective" else getattr(result, part)[index]


def quantities(pairs, has_loss):
    weights = [(p, prm) for p in pairs for prm in p.torch.binding.params]
    out = [Quantity(p.label, prm.name, ("weights", (p.index, prm.name)), p.index) for p, prm in weights if prm.trainable]
    out += [Quantity(p.label, "output", ("outputs", p.index), p.index) for p in pairs]
    out.append(Quantity("loss", "loss" if has_loss else "objective", ("objective", None)))
    out += [Quantity(p.label, f"grad_{prm.name}", ("grads", (p.index, prm.name)))
            for p in reversed(pairs) for prm in p.torch.binding.params if prm.trainable]
    out.append(Quantity("input", "grad_x", ("grads", (-1, "x"))))
    out += [Quantity(p.label, prm.name, ("weights", (p.index, prm.name)), p.index)
            for p, prm in weights if not prm.trainable]
    return out


class _Run:
    """What a row needs to know of the run: ``family``/``concept``/``variant``/``kwargs``/``dtype``/``regime``."""

    def __init__(self, concept, dtype, step):
        self.case = type("UserCase", (), {"family": FAMILY, "concept": concept})()
        self.variant, self.kwargs, self.dtype, self.regime, self.id = "as_built", {}, dtype, f"step_{step}", concept


def _in_scope(causes, q, step):
    if step > 0 or q.scope is None:
        return [c for c in causes if step > 0 or c.index != "optimizer"]
    return [c for c in causes if isinstance(c.index, int) and c.index <= q.scope]


def _named(causes):
    return [c for c in causes if c.matters] or causes


def _describe(causes):
    joint = "" if any(c.matters for c in causes) else " acting jointly"
    return "; ".join(f"{c.scope}: {c.key} (torch={c.torch_value!r}, keras={c.keras_value!r})" for c in _named(causes)) + joint


def _status(values, pair, tol_of, causes):
    gap = measure(values[pair[0]], values[pair[1]], tol_of(pair))
    if gap.ok:
        return gap, Classification("match")
    if pair != ("torch", "keras"):
        return gap, Classification("FAIL", f"{gap.describe()}: {pair[0]} does not reproduce {pair[1]} (a bug, or a convention missing from the table)")
    if not all(p[0] in values and measure(values[p[0]], values[p[1]], tol_of(p)).ok for p in PAIRS[:2]):
        return gap, Classification("FAIL", f"{gap.describe()}; unexplained: the NumPy reference does not reproduce both models")
    predicted = measure(values["numpy[torch]"], values["numpy[keras]"], tol_of(pair))
    if not causes or not gap.reproduced_by(predicted):
        return gap, Classification("FAIL", f"{gap.describe()}; unexplained: no differing convention reproduces it")
    return gap, Classification("expected", f"conventions differ: {_describe(causes)}; reproduced by numpy[torch]~numpy[keras] "
                                           f"({predicted.size()})", ";".join(sorted({c.key for c in _named(causes)})))


def rows_of_step(step, results, qs, dtypes, causes, seed, x_dtype):
    """Three rows per quantity of one step; ``results`` maps an implementation to its StepResult or exception;
    ``dtypes`` the compute dtype of each implementation (a pair is held to the lower precision's tolerance)."""
    rows = []
    for q in qs:
        run = _Run(q.concept, x_dtype, step)
        values = {i: np.asarray(q.of(r)) for i, r in results.items() if not isinstance(r, Exception)}
        tol_of = lambda pair: tolerance_for("float32" if "float32" in {dtypes[i] for i in pair} else "float64",  # noqa: E731
                                            "typical", q.quantity)
        for pair in PAIRS:
            failed = [i for i in pair if isinstance(results[i], Exception)]
            if failed:
                rows.append(row_for(run, seed, *pair, q.quantity, status="ERROR",
                                    cause=f"{failed[0]}: {type(results[failed[0]]).__name__}: {results[failed[0]]}"))
                continue
            gap, verdict = _status(values, pair, tol_of, _in_scope(causes, q, step))
            numbers = vars(gap.metrics) if gap.metrics else {}
            rows.append(row_for(run, seed, *pair, q.quantity, atol=tol_of(pair)[0], rtol=tol_of(pair)[1],
                                **verdict._asdict(), **numbers))
    return rows


@dataclass(frozen=True)
class Divergence:
    step: int
    layer: str
    quantity: str
    max_abs: float
    max_rel: float
    status: str
    cause: str

    def __str__(self):
        return (f"step {self.step}, layer {self.layer}, {self.quantity}: max_abs {self.max_abs:.3g}, "
                f"max_rel {self.max_rel:.3g} ({self.status}: {self.cause})")


def _first(rows):
    for r in rows:
        if (r["impl_a"], r["impl_b"]) == ("torch", "keras") and r["status"] != "match":
            return Divergence(int(r["inputs"].removeprefix("step_")), r["concept"], r["quantity"],
                              float(r["max_abs"] or np.nan), float(r["max_rel"] or np.nan), r["status"], r["cause"])
    return None


@dataclass(frozen=True)
class ModelComparison:
    """``rows`` (report schema), ``causes`` (differing conventions, each with both values and fixes),
    ``first_divergence`` (None, or the first torch~keras row beyond tolerance in execution order)."""
    rows: tuple
    causes: tuple
    layers: tuple
    steps: int
    first_divergence: Divergence | None = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "first_divergence", _first(self.rows))

    @property
    def frame(self):
        import pandas as pd
        return pd.DataFrame([{k: r[k] for k in COLUMNS} for r in self.rows], columns=list(COLUMNS))

    @property
    def ok(self):
        return not any(r["status"] in ("FAIL", "ERROR") for r in self.rows)

    def to_csv(self, path):
        """The rows in the report schema, written atomically."""
        write_csv(self.rows, path)

    def __str__(self):
        from .display import render
        return render(self)
