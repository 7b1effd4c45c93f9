"""The NumPy reference's own signature defaults against the conventions table: the reference's defaults are
torch's (README), so every keyword the torch convention states must be the default of each reference function
a concept's rows call -- the function, its ``_backward`` (a layer's ``X_backward`` of ``X_forward``) and an
initialiser's ``_spec``: ``vjp`` gives a keyword to whichever declares it, so a call leaving it out must mean
one value in the forward and the backward. One report row per (concept, function, keyword) -- pair
``numpy[torch]~conventions``, quantity ``<function>.<key>`` -- in the introspection unit, so a changed default of
the reference fails the gate even where every run passes the keyword (tests/test_exercised.py walks the same
uses for what no convention states).
"""
import inspect
import sys
from dataclasses import dataclass

from .conventions import convention, family_of

__all__ = ["MISSING", "Use", "keywords", "defaults", "backward_of", "spec_of", "companions", "row_uses", "strip",
           "Check", "checks", "rows"]

MISSING = object()


@dataclass(frozen=True)
class Use:
    """A row calling ``fn``; ``prefix`` selects its keywords (a training row's ``model.``/``loss.``/``opt.``)."""
    row: object
    fn: object
    prefix: str = ""

    @property
    def concept(self):
        return self.row.concept


def keywords(fn):
    """{name: default or MISSING} of the keyword-only parameters."""
    return {p.name: MISSING if p.default is p.empty else p.default
            for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY}


def defaults(fn):
    return {k: v for k, v in keywords(fn).items() if v is not MISSING}


def backward_of(fn):
    return getattr(sys.modules[fn.__module__], f"{fn.__name__.removesuffix('_forward')}_backward", None)


def spec_of(fn):
    return getattr(sys.modules[fn.__module__], f"{fn.__name__}_spec", None)


def companions(fn):
    return [c for c in (backward_of(fn), spec_of(fn)) if c is not None]


def _reference(fn):
    return fn is not None and fn.__module__.startswith("reference_numpy.")


def row_uses(row):
    """The reference functions one case row calls, as ``Use``s (harness adapters, e.g. the gradcheck rows', are
    not the reference's)."""
    from .distribution import Init  # the row kinds, imported here: their modules import the frameworks
    from .training import Training
    if isinstance(row, Training):
        import reference_numpy.models
        loss = row.loss[0]
        return [Use(row, reference_numpy.models.mlp_model, "model."), Use(row, loss, "loss."),
                Use(row, backward_of(loss), "loss."), Use(row, row.optimizer[0], "opt.")]
    fns = [row.numpy]
    if isinstance(row, Init):
        fns.append(spec_of(row.numpy))
    elif getattr(row, "grad_wrt", ()):
        fns.append(backward_of(row.numpy))
    return [Use(row, fn) for fn in fns if _reference(fn)]


def strip(kwargs, prefix):
    return {k.removeprefix(prefix): v for k, v in kwargs.items() if k.startswith(prefix)}


@dataclass(frozen=True)
class Check:
    """One keyword of one reference function against the torch convention of one concept."""
    concept: str
    function: str
    key: str
    default: object  # the reference's signature default
    table: object  # the torch convention's value

    @property
    def ok(self):
        return self.default is self.table or self.default == self.table


def checks(rows_):
    """A ``Check`` per (concept, reference function, keyword the torch convention states and the function has)."""
    out, seen = [], set()
    for use in (u for row in rows_ for u in row_uses(row)):
        stated = strip(convention(use.concept, "torch").numpy_kwargs(), use.prefix)
        for key, default in defaults(use.fn).items():  # a keyword without a default is the caller's to give
            name = f"{use.fn.__name__}.{key}"
            if key in stated and (use.concept, name) not in seen:
                seen.add((use.concept, name))
                out.append(Check(use.concept, use.fn.__name__, key, default, stated[key]))
    return out


def _row(check, seed):
    cause = "" if check.ok else (f"reference_numpy {check.function}'s {check.key} defaults to {check.default!r}; the torch "
                                 f"convention says {check.table!r}: the reference's defaults are torch's")
    family = family_of(check.concept)
    return dict(family=family, concept=check.concept, variant="defaults", kwargs="", dtype="", inputs="signature",
                impl_a="numpy[torch]", impl_b="conventions", quantity=f"{check.function}.{check.key}", n=1,
                max_abs="", max_rel="", max_ulp="", frac_out="", atol="", rtol="",
                status="match" if check.ok else "FAIL", cause=cause, cause_keys="", finding="",
                seed=seed, first_step="",
                abs_step_1="", abs_step_10="", abs_step_last="", abs_curve="", repeat="",
                run=f"{family}/{check.concept}/signature/numpy[torch]")


def rows(rows_, seed):
    """Report rows for the case rows ``rows_`` (any kind), one per ``Check``."""
    return [_row(check, seed) for check in checks(rows_)]
