"""A case is a table row (as in torch's OpInfo): the concept, its three implementations (by object),
an input builder, what to differentiate, the aligned hyperparameters, the input regimes, and any
tolerance overrides or skips, each with its reason. ``expand`` turns rows into runs.
"""
from dataclasses import KW_ONLY, dataclass
from typing import Callable

from .conventions import convention
from .row import Row

__all__ = ["Case", "Skip", "Run", "DTYPES", "expand", "split_inputs"]

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Skip:
    """A run not executed; listed with its reason in the run metadata. ``None`` matches anything."""
    reason: str
    variant: str | None = None
    dtype: str | None = None
    regime: str | None = None
    index: int | None = None  # one aligned hyperparameter set (Run.index); implies variant="aligned"

    def applies(self, run):
        variant = "aligned" if self.index is not None else self.variant
        return all(want in (None, got) for want, got in
                   ((variant, run.variant), (self.dtype, run.dtype), (self.regime, run.regime), (self.index, run.index)))


@dataclass(frozen=True)
class Case(Row):
    """A case row for a single call: ``inputs`` builds its arguments, ``grad_wrt`` names those differentiated."""
    inputs: Callable  # (rng, regime, dtype, kinks) -> {name: ndarray}, in call order
    _: KW_ONLY
    grad_wrt: tuple = ("x",)  # inputs to differentiate; () means forward only
    regimes: tuple = ("typical", "large", "tiny")
    kinks: tuple = ()  # non-empty adds the "kink" regime
    init_inputs: tuple = ()  # inputs set from each framework's param_init in the defaults variant

    @property
    def all_regimes(self):
        return self.regimes + (("kink",) if self.kinks else ())

    @property
    def quantities(self):
        return ("forward",) + tuple(f"grad_{name}" for name in self.grad_wrt)


@dataclass(frozen=True)
class Run:
    case: Row  # a row of any kind
    variant: str  # "aligned" | "defaults"
    kwargs: dict  # hyperparameters given to every implementation ({} for defaults)
    dtype: str
    regime: str
    index: int = 0

    @property
    def id(self):
        suffix = str(self.index) if self.variant == "aligned" and len(self.case.aligned) > 1 else ""
        return f"{self.case.family}/{self.case.concept}/{self.variant}{suffix}/{self.dtype}/{self.regime}"

    def numpy_kwargs(self, framework):
        """The NumPy reference's keywords for numpy[framework]: the convention's, or in a defaults run of
        numpy[torch] none but the run's (the reference's own defaults, as a user calling it bare gets)."""
        own = self.variant == "defaults" and framework == "torch"
        return convention(self.case.concept, framework).numpy_kwargs(self.kwargs, own_defaults=own)

    @property
    def input_key(self):
        """Aligned and defaults runs of a case draw identical inputs."""
        return f"{self.case.family}/{self.case.concept}/{self.dtype}/{self.regime}"


def _runs(case):
    """Aligned runs get ``required`` plus each aligned set; defaults runs get ``required`` only."""
    required = dict(case.required)
    variants = [("aligned", required | kw, i) for i, kw in enumerate(case.aligned)] + [("defaults", required, 0)]
    for variant, kwargs, index in variants:
        for dtype in DTYPES:
            for regime in case.all_regimes:
                yield Run(case, variant, dict(kwargs), dtype, regime, index)


def expand(cases):
    """(runs, skipped): every run of every case, minus those a row's ``skips`` exclude."""
    runs, skipped = [], []
    for case in cases:
        for run in _runs(case):
            reasons = [s.reason for s in case.skips if s.applies(run)]
            (skipped.append((run, reasons[0])) if reasons else runs.append(run))
    return runs, skipped


def split_inputs(case, inputs, convert=lambda value: value):
    """(primals, constants) of an inputs dict, each value through ``convert``: the ``grad_wrt`` inputs are
    differentiated, the rest are not. Arguments are positional, so the differentiated inputs must lead the dict in
    ``grad_wrt``'s order: a builder that reorders them raises here instead of a gradient under the wrong name."""
    names, k = tuple(inputs), len(case.grad_wrt)
    if names[:k] != tuple(case.grad_wrt):
        raise ValueError(f"{case.concept}: grad_wrt {tuple(case.grad_wrt)} must lead the inputs in order; the input "
                         f"builder gives {names}")
    values = [convert(value) for value in inputs.values()]
    return tuple(values[:k]), tuple(values[k:])
