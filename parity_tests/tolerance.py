"""The one tolerance policy. Every row's atol/rtol comes from here; the policy is written into
reports/run_metadata.json. An element passes when ``|a - b| <= atol + rtol * |b|`` (torch.testing's
rule, with ``b`` the second implementation of the pair).

Never loosen a tolerance to make a gap go away: a gap is either a convention (record it in
``parity_tests/conventions``) or a bug.
"""
from dataclasses import dataclass

__all__ = ["Tolerance", "Override", "DEFAULTS", "REGIME_RULES", "FINITE_DIFF", "tolerance_for", "policy_rows"]


@dataclass(frozen=True)
class Tolerance:
    atol: float
    rtol: float
    reason: str


@dataclass(frozen=True)
class Override:
    """A per-case exception, a field of a case row. ``None`` selectors match anything; ``atol`` or
    ``rtol`` of ``None`` means the dtype's default (undoing a regime rule)."""
    reason: str
    atol: float | None = None
    rtol: float | None = None
    dtype: str | None = None
    quantity: str | None = None
    regime: str | None = None
    backend: str | None = None  # a Keras backend: applies when either side of the pair computes on it

    def applies(self, dtype, regime, quantity, backends=frozenset()):
        return all(want in (None, got) for want, got in
                   ((self.dtype, dtype), (self.regime, regime), (self.quantity, quantity))) and \
            self.backend in (None, *backends)


DEFAULTS = {
    "float32": Tolerance(1e-5, 1.3e-6, "torch.testing.assert_close default for float32 (rtol ~ 11 ulp)"),
    "float64": Tolerance(1e-7, 1e-7, "torch.testing.assert_close default for float64"),
}

# Regime rules replace the dtype's atol only.
REGIME_RULES = {
    "tiny": Tolerance(0.0, float("nan"), "inputs are O(1e-20): any absolute tolerance would accept any "
                                         "output there, so only the relative test applies"),
}

FINITE_DIFF = Tolerance(1e-6, 1e-5, "central differences, h=1e-6, float64: truncation O(h^2) plus "
                                    "rounding O(eps/h) ~ 1e-10; 1e4 margin for curvature")


def tolerance_for(dtype, regime, quantity, overrides=(), backends=frozenset()):
    """(atol, rtol) for one check: the dtype default, then the regime rule, then case overrides (``backends``: the
    Keras backends the pair's two sides compute on, for overrides that name one)."""
    base = DEFAULTS[dtype]
    atol, rtol = base.atol, base.rtol
    if regime in REGIME_RULES:
        atol = REGIME_RULES[regime].atol
    for o in overrides:
        if o.applies(dtype, regime, quantity, backends):
            atol = base.atol if o.atol is None else o.atol
            rtol = base.rtol if o.rtol is None else o.rtol
    return atol, rtol


def policy_rows(cases=()):
    """The policy as plain records, for the run metadata."""
    rows = [dict(scope=f"dtype={d}", atol=t.atol, rtol=t.rtol, reason=t.reason) for d, t in DEFAULTS.items()]
    rows += [dict(scope=f"regime={r}", atol=t.atol, rtol="dtype default", reason=t.reason) for r, t in REGIME_RULES.items()]
    rows.append(dict(scope="finite_diff", atol=FINITE_DIFF.atol, rtol=FINITE_DIFF.rtol, reason=FINITE_DIFF.reason))
    for case in cases:
        for o in case.overrides:
            scope = f"{case.concept} dtype={o.dtype or '*'} regime={o.regime or '*'} quantity={o.quantity or '*'}" + \
                (f" backend={o.backend}" if o.backend else "")
            rows.append(dict(scope=scope, atol=o.atol or "dtype default", rtol=o.rtol or "dtype default", reason=o.reason))
    return rows
