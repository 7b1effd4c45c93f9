r"""Initialiser parity by distribution. The frameworks draw from different generators, so a weight is compared
with another as a sample: every implementation draws one ``SHAPES[regime]`` weight (n = fan_in * fan_out
values) with a seed derived from the run seed (``rng_for(seed, "<input_key>/<source>")``; torch and Keras each
their own, the reference one for both conventions: equal conventions draw once), and

- ``spec``: the distribution each says it samples (``<name>_spec``: torch's fan/gain arithmetic, Keras's
  initializer object, the reference's formulas) as the vector [mean, std, low, high] of that distribution
  (``spec_vector``), compared element-wise within the dtype tolerance -- ``runner.classify`` as for any value;
- ``ks``: two-sample Kolmogorov--Smirnov; ``mean``: Welch's z for equal means; ``std_ratio``: the
  large-sample z for equal variances, :math:`\ln(s_a^2 / s_b^2) / \sqrt{(\kappa_a - 1)/n_a + (\kappa_b - 1)/n_b}`
  (κ the kurtosis: valid for any finite-kurtosis law, so a truncated and a plain normal of equal variance do
  not differ here); ``max_abs_ratio``: how many of the ``TAIL_K`` largest pooled :math:`|w|` come from each side,
  hypergeometric under the null (the extremes: truncation, a wider bound). Each rejects at ``ALPHA``.

Columns: ``n`` per side; for a test ``max_abs`` holds its statistic (KS D, :math:`|\Delta \mathrm{mean}|`,
:math:`s_a / s_b`, :math:`\max|a| / \max|b|`) and ``max_rel`` its p-value. Statuses as in parity_tests.runner:
``match`` (not rejected); ``expected`` (torch~keras rejected, each NumPy convention not rejected against its
framework, numpy[torch]~numpy[keras] rejected too, and the conventions differ -- the causes are the keys whose
flip changes numpy[torch]'s spec); else ``FAIL``; ``ERROR`` when an implementation raised.

Fixed size and significance: n = 65536 and ALPHA = 1e-5. Keras's truncated normals are rescaled to the plain
normal's variance, which leaves the KS distance sup|F_trunc - F_normal| = 0.0167 (at 0.85 σ) as the smallest
gap to detect; the asymptotic critical D at (n, ALPHA) is 0.0136 and the sample D has mean 0.019 and sd 0.0017
under that alternative (simulated), so KS misses it with probability ≈ 6e-4 (the tail test never: 2.3% of
plain draws lie beyond the cut, p ≈ 2^-32). Under the null each test rejects with probability ALPHA (the KS
p-value is conservative, the tail test exact): the ~250 distinct null tests of one seed give a spurious FAIL
with probability ≈ 0.25%.
"""
import functools
import inspect
import math
from dataclasses import KW_ONLY, dataclass

import keras
import numpy as np
import torch
from scipy import special

from . import backends
from .case import expand
from .compare import Problem, structure
from .frameworks import framework_of
from .inputs import rng_for
from .row import Row
from .runner import classify, digests, flip_matters, gaps, row_for, tolerance
from .schema import IMPLS, PAIRS

__all__ = ["draw", "SHAPES", "ALPHA", "TAIL_K", "QUANTITIES", "POLICY", "Init", "Sample", "Verdict", "spec_vector",
           "ks_test", "mean_test", "std_test", "tail_test", "TESTS", "execute", "run_inits"]

SHAPES = {"fans_128x512": (128, 512)}  # regime -> (fan_in, fan_out): 65536 draws, fan_in != fan_out
ALPHA = 1e-5
TAIL_K = 32
QUANTITIES = ("spec", "ks", "mean", "std_ratio", "max_abs_ratio")
POLICY = {"sample_shapes": SHAPES, "alpha": ALPHA, "tail_k": TAIL_K,  # for the run metadata
          "reason": "65536 draws a side: KS at alpha 1e-5 (critical D 0.0136) sees Keras's variance-keeping 2-sigma "
                    "truncation (D 0.0167) with power ~0.9994; ~250 null tests a seed: P(spurious FAIL) ~ 0.25%",
          "spec": "[mean, std, low, high] of each stated distribution, within the dtype's tolerance (tolerance.py)"}


@dataclass(frozen=True)
class Init(Row):
    """A case row for an initialiser: its three implementations and the aligned hyperparameter sets;
    ``parts`` names the tensors it returns (dense_default: kernel and bias)."""
    _: KW_ONLY
    parts: tuple = ("weight",)
    regimes: tuple = tuple(SHAPES)

    @property
    def quantities(self):
        return tuple(_name(self, part, q) for part in self.parts for q in QUANTITIES)


def _name(case, part, quantity):
    return quantity if len(case.parts) == 1 else f"{part}_{quantity}"


@dataclass(frozen=True, eq=False)
class Sample:
    """One drawn tensor: its shape and dtype, its values sorted (float64) and their moments."""
    values: np.ndarray
    shape: tuple
    dtype: str
    mean: float
    var: float
    kurtosis: float  # E(x - m)^4 / var^2; NaN for a constant

    @classmethod
    def of(cls, array):
        values = np.sort(array, axis=None).astype(np.float64, copy=False)
        head, n = (values, tuple(array.shape), str(array.dtype)), len(values)
        if values[0] == values[-1]:  # a constant: exactly no spread (a summed mean may round)
            return cls(*head, float(values[0]), 0.0, math.nan)
        mean = float(values.sum()) / n
        d2 = values - mean
        d2 *= d2
        var = float(d2.sum()) / n
        d2 *= d2  # (x - m)^4, in place (no BLAS: it would start threads)
        return cls(*head, mean, var, float(d2.sum()) / n / var ** 2)


@dataclass(frozen=True)
class Verdict:
    """A two-sample test's statistic and p-value; ``problem`` when shapes or dtypes differ."""
    label: str
    statistic: float
    p: float
    problem: Problem | None = None

    @property
    def ok(self):
        return self.problem is None and self.p >= ALPHA

    def describe(self):
        if self.problem:
            return str(self.problem)
        return f"{self.label} {self.statistic:.4g}, p = {self.p:.2g} < alpha {ALPHA:g}"

    def reproduced_by(self, predicted):
        """The NumPy conventions' samples differ too: the same structural problem, or a rejection."""
        if self.problem:
            return predicted.problem is not None and predicted.problem.kind == self.problem.kind
        return not predicted.ok

    size = describe


def _phi(x):  # the standard normal density, and (below) its CDF
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi) if math.isfinite(x) else 0.0


def spec_vector(spec):
    """[mean, std, low, high] of the distribution a spec describes (see reference_numpy.initializers)."""
    kind = spec["distribution"]
    if kind == "constant":
        return np.array([spec["value"], 0.0, spec["value"], spec["value"]], dtype=np.float64)
    if kind == "uniform":
        lo, hi = spec["low"], spec["high"]
        return np.array([(lo + hi) / 2, (hi - lo) / math.sqrt(12.0), lo, hi], dtype=np.float64)
    mu, s = spec["mean"], spec["std"]
    if kind == "normal":
        return np.array([mu, s, -math.inf, math.inf], dtype=np.float64)
    if kind != "truncated_normal":
        raise ValueError(f"unknown distribution {kind!r}")
    a, b = (spec["low"] - mu) / s, (spec["high"] - mu) / s
    z, da = 0.5 * (math.erfc(-b / math.sqrt(2.0)) - math.erfc(-a / math.sqrt(2.0))), _phi(a) - _phi(b)
    var = s * s * (1.0 + (a * _phi(a) - b * _phi(b)) / z - (da / z) ** 2)
    return np.array([mu + s * da / z, math.sqrt(var), spec["low"], spec["high"]], dtype=np.float64)


def _ks_distance(x, y, cells=4096):
    """sup_t |F_x(t) - F_y(t)| for sorted ``x``, ``y``, exactly, without a search per point: on a grid of
    ``cells`` of x's order statistics (and -inf, inf) the gaps at the grid points bound the sup from below;
    within a cell (g, h] it is at most max(F_x(h) - F_y(g), F_y(h) - F_x(g)), so only the few cells whose
    bound exceeds that are searched point by point (right-continuous F: the sup is attained at a data point)."""
    n, m = len(x), len(y)
    g = np.concatenate([[-np.inf], x[np.linspace(0, n - 1, min(cells, n)).astype(int)], [np.inf]])
    ix, iy = np.searchsorted(x, g, side="right"), np.searchsorted(y, g, side="right")
    fx, fy = ix / n, iy / m
    low = float(np.abs(fx - fy).max())
    open_cells = np.flatnonzero(np.maximum(fx[1:] - fy[:-1], fy[1:] - fx[:-1]) > low)
    if not len(open_cells):
        return low
    pts = np.concatenate([x[ix[i]:ix[i + 1]] for i in open_cells] + [y[iy[i]:iy[i + 1]] for i in open_cells])
    exact = np.abs(np.searchsorted(x, pts, side="right") / n - np.searchsorted(y, pts, side="right") / m)
    return max(low, float(exact.max(initial=0.0)))


def ks_test(a, b):
    r"""``scipy.stats.ks_2samp``'s D = sup |F_a - F_b|, computed exactly on the presorted samples (each sorted
    once for all its pairs; ``_ks_distance``), and the limiting Kolmogorov p-value
    :math:`Q(\sqrt{nm / (n + m)}\, D)` (``scipy.special.kolmogorov``, Smirnov's asymptotic form). ks_2samp's
    finite-n ``kstwo.sf(D, round(nm / (n + m)))`` differs from it by < 1% of p at n = m = 65536 (larger by
    ~1% -- conservative) but costs ~35 ms per call there."""
    d = _ks_distance(a.values, b.values)
    n, m = len(a.values), len(b.values)
    return Verdict("KS D", d, float(special.kolmogorov(math.sqrt(n * m / (n + m)) * d)), structure(a, b))


def _two_sided(z):
    return math.erfc(abs(z) / math.sqrt(2.0))


def mean_test(a, b):
    """Welch's large-sample z for equal means: the statistic is |mean_a - mean_b|."""
    diff, se = a.mean - b.mean, math.sqrt(a.var / len(a.values) + b.var / len(b.values))
    p = (1.0 if diff == 0 else 0.0) if se == 0 else _two_sided(diff / se)
    return Verdict("|mean difference|", abs(diff), p, structure(a, b))


def std_test(a, b):
    """The z for equal variances from the delta method, Var(ln s^2) ≈ (κ - 1)/n; the statistic is s_a / s_b."""
    if a.var == 0 or b.var == 0:
        ratio = 1.0 if a.var == b.var else (math.inf if b.var == 0 else 0.0)
        return Verdict("std ratio", ratio, 1.0 if a.var == b.var else 0.0, structure(a, b))
    se = math.sqrt((a.kurtosis - 1) / len(a.values) + (b.kurtosis - 1) / len(b.values))
    if se == 0:  # two symmetric two-point laws: s^2 is exact
        return Verdict("std ratio", math.sqrt(a.var / b.var), 1.0 if a.var == b.var else 0.0, structure(a, b))
    return Verdict("std ratio", math.sqrt(a.var / b.var), _two_sided(math.log(a.var / b.var) / se), structure(a, b))


def _top_abs(x, k):
    """The ``k`` largest |x| of sorted ``x``, descending (they sit at its two ends)."""
    return np.sort(np.abs(x if len(x) <= 2 * k else np.concatenate([x[:k], x[-k:]])))[::-1][:k]


def _hypergeom_two_sided(count, n_a, n_b, k):
    """2 min(P(X <= count), P(X >= count)) for X the number of a's among k drawn from n_a + n_b, exactly."""
    pmf = [math.comb(n_a, i) * math.comb(n_b, k - i) for i in range(k + 1)]
    total = math.comb(n_a + n_b, k)
    return min(1.0, 2 * min(sum(pmf[:count + 1]), sum(pmf[count:])) / total)


def tail_test(a, b, k=TAIL_K):
    """How many of the ``k`` largest pooled |w| are a's: hypergeometric under the null (ties at the threshold
    shared in proportion). The statistic is max|a| / max|b|."""
    k = min(k, len(a.values), len(b.values))
    ta, tb = _top_abs(a.values, k), _top_abs(b.values, k)
    cut = np.sort(np.concatenate([ta, tb]))[::-1][k - 1]
    ties_a, ties_b = int((ta == cut).sum()), int((tb == cut).sum())
    free = k - int((ta > cut).sum()) - int((tb > cut).sum())
    count = int(math.floor((ta > cut).sum() + free * ties_a / (ties_a + ties_b) + 0.5))
    p = _hypergeom_two_sided(count, len(a.values), len(b.values), k)
    ratio = 1.0 if ta[0] == tb[0] else (math.inf if tb[0] == 0 else float(ta[0] / tb[0]))
    return Verdict(f"max|w| ratio (top {k} |w|: {count} vs {k - count})", ratio, p, structure(a, b))


TESTS = {"ks": ks_test, "mean": mean_test, "std_ratio": std_test, "max_abs_ratio": tail_test}


def _to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    return x.detach().numpy() if isinstance(x, torch.Tensor) else keras.ops.convert_to_numpy(x)


@functools.lru_cache(maxsize=None)
def _keyword_defaults(fn):
    return {p.name: p.default for p in inspect.signature(fn).parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.default is not p.empty}


def _kwargs(impl, run):
    """Hyperparameters as ``impl`` is called: the wrapper's (resolved against its signature for the memo key),
    or the reference's under that framework's convention."""
    if impl in ("torch", "keras"):
        return dict(run.kwargs)
    return run.numpy_kwargs(framework_of(impl))


def _function(run, impl):
    return getattr(run.case, impl) if impl in ("torch", "keras") else run.case.numpy


def _spec_of(fn):
    return getattr(inspect.getmodule(fn), f"{fn.__name__}_spec")


def _specs(run, fn, kwargs):
    spec = _spec_of(fn)(*SHAPES[run.regime], **kwargs)
    return [spec] if len(run.case.parts) == 1 else [spec[part] for part in run.case.parts]


def _seed(seed, run, impl):
    """Each framework's own seed; the reference's two conventions share one (equal conventions draw once)."""
    source = "numpy" if impl.startswith("numpy") else impl
    return int(rng_for(seed, f"{run.input_key}/{source}").integers(2 ** 31 - 1))


def draw(impl, run, seed):
    """{part: (Sample, spec vector)} for one implementation."""
    fn, kwargs = _function(run, impl), _kwargs(impl, run)
    extra = {"seed": _seed(seed, run, impl)} if "seed" in inspect.signature(fn).parameters else {}
    out = fn(*SHAPES[run.regime], dtype=run.dtype, **extra, **kwargs)
    arrays = out if isinstance(out, tuple) else (out,)
    return {part: (Sample.of(_to_numpy(x)), spec_vector(s))
            for part, x, s in zip(run.case.parts, arrays, _specs(run, fn, kwargs))}


def _memo_key(impl, run):
    if impl in ("torch", "keras"):
        return impl, run.case.concept, run.input_key, tuple(sorted(
            {**_keyword_defaults(_function(run, impl)), **_kwargs(impl, run)}.items(), key=repr))
    return "numpy", run.case.concept, run.input_key, tuple(sorted(_kwargs(impl, run).items(), key=repr))


def _results(run, seed, memo):
    out = {}
    for impl in backends.impls(run, IMPLS):
        key = (impl, run.id) if backends.is_remote(impl) else _memo_key(impl, run)
        if key not in memo:
            try:
                memo[key] = backends.result(impl, run) if backends.is_remote(impl) else draw(impl, run, seed)
            except Exception as exc:  # a crash in one implementation must not hide the other rows
                memo[key] = exc
        out[impl] = memo[key]
    return out


def _spec_row(run, seed, results, part, name, pair, matters, tol):
    """The analytic parameters, element-wise as any value (runner.measure and runner.classify)."""
    view = {impl: {name: r[part][1]} for impl, r in results.items() if not isinstance(r, Exception)}
    gap_of = gaps(view, name, lambda p: tolerance(run, p, name))
    gap = gap_of(pair)
    return row_for(run, seed, *pair, name, atol=tol[0], rtol=tol[1], **classify(run, pair, gap_of, matters)._asdict(),
                   **(vars(gap.metrics) if gap.metrics else {}), **digests(view, pair, name))


def _row(run, seed, results, part, quantity, pair, memo):
    """One row; an implementation that raised makes its own pairs ERROR."""
    name = _name(run.case, part, quantity)
    failed = [(i, results[i]) for i in pair if isinstance(results[i], Exception)]
    if failed:
        return row_for(run, seed, *pair, name, status="ERROR",
                       cause=f"{failed[0][0]}: {type(failed[0][1]).__name__}: {failed[0][1]}")
    torch_kwargs = _kwargs("numpy[torch]", run)

    def reflip(difference):  # numpy[torch]'s spec with one convention key set to Keras's value
        flip = difference.flip()
        return spec_vector(_specs(run, run.case.numpy, {**torch_kwargs, flip.key: flip.value})[
            run.case.parts.index(part)])

    def verdict_of(p):  # the test on the pair p's samples, once per pair of samples in the matrix
        a, b = (results[i][part][0] for i in p)
        key = ("test", quantity, id(a), id(b))
        if key not in memo:
            memo[key] = TESTS[quantity](a, b)
        return memo[key]
    try:
        tol = tolerance(run, pair, name)
        matters = lambda d: flip_matters(d, reflip, results["numpy[torch]"][part][1], tol)  # noqa: E731
        if quantity == "spec":
            return _spec_row(run, seed, results, part, name, pair, matters, tol)
        verdict = verdict_of(pair)
        classified = classify(run, pair, verdict_of, matters)
    except Exception as exc:
        return row_for(run, seed, *pair, name, status="ERROR", cause=f"comparing: {exc!r}")
    return row_for(run, seed, *pair, name, n=len(results[pair[0]][part][0].values), max_abs=verdict.statistic,
                   max_rel=verdict.p, **classified._asdict(),
                   **digests({i: {name: results[i][part][0].values} for i in pair}, pair, name))


def execute(run, seed, memo=None):
    """All rows of one initialiser run: per part, quantity and pair. ``memo`` shares identical draws (and the
    tests on them) between the runs of one matrix, e.g. an aligned run that makes exactly the defaults call."""
    memo = {} if memo is None else memo
    results = _results(run, seed, memo)
    return [_row(run, seed, results, part, q, pair, memo) for part in run.case.parts for q in QUANTITIES
            for pair in backends.pairs(run, PAIRS)]


def run_inits(inits, seed):
    """(rows, skipped) for every run of ``inits``, in table order; deterministic for a seed."""
    runs, skipped = expand(inits)
    memo = {}
    return [row for run in runs for row in execute(run, seed, memo)], skipped
