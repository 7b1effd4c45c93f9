"""Finite-difference check of every NumPy backward (central differences, float64).

For each case with gradients, each aligned hyperparameter set and each framework's NumPy
convention, the hand-written VJP is compared, element by element for inputs of at most
``MAX_DIRECTIONS`` elements and along as many random directions for larger ones, with
:math:`\\partial/\\partial p_j \\sum g \\cdot f(p) \\approx (L(p + h e_j) - L(p - h e_j)) / 2h`
on the typical regime (no kinks: a derivative there is a convention, not a limit), in full float64:
switches that lower the compute precision (``dtype``, ``compute_dtype``) are reset, since the check is
about the backward's mathematics, not about float32 rounding.
"""
import functools
import inspect

import numpy as np

import reference_numpy.autograd as numpy_autograd

from .case import Run, split_inputs
from .compare import compare
from .conventions import FRAMEWORKS
from .inputs import rng_for
from .runner import row_for
from .tolerance import FINITE_DIFF

__all__ = ["STEP", "MAX_DIRECTIONS", "directions", "numeric_vjp", "gradcheck_rows"]

STEP = 1e-6
MAX_DIRECTIONS = 24
_PRECISION_KEYS = ("dtype", "compute_dtype")


def _forward_kwargs(fn, kwargs):
    """The keywords the forward takes (backward-only switches such as ``grad_at_zero`` dropped)."""
    return {k: v for k, v in kwargs.items() if k in inspect.signature(fn).parameters}


def directions(rng, size):
    """Directions to probe a gradient along: every element when there are few (an exact per-element
    check), else ``MAX_DIRECTIONS`` random Gaussian ones (torch.autograd.gradcheck's fast mode: a wrong
    element shows in every projection with probability 1)."""
    if size <= MAX_DIRECTIONS:
        return np.eye(size)
    return rng.standard_normal((MAX_DIRECTIONS, size))


def numeric_vjp(fn, primals, dout, probes, constants=(), **kwargs):
    r"""Central differences of :math:`L = \sum g \cdot f` along each row :math:`v` of ``probes[i]`` for
    primal ``i`` (``constants`` held fixed): :math:`(L(p + hv) - L(p - hv)) / 2h \approx v \cdot \nabla_p L`."""
    forward_kw = _forward_kwargs(fn, kwargs)

    def loss(values):
        return float(np.sum(dout * numpy_autograd.output(fn, *values, *constants, **forward_kw)))

    projections = []
    for i, (p, vs) in enumerate(zip(primals, probes)):
        out = np.zeros(len(vs))
        for j, v in enumerate(vs):
            shifted = [list(primals), list(primals)]
            shifted[0][i], shifted[1][i] = p + STEP * v.reshape(p.shape), p - STEP * v.reshape(p.shape)
            out[j] = (loss(shifted[0]) - loss(shifted[1])) / (2 * STEP)
        projections.append(out)
    return tuple(projections)


@functools.lru_cache(maxsize=4)
def _draws(seed, input_key, out_shape, sizes):
    """The upstream gradient and the probe directions of one run (read-only): both frameworks' checks of
    a run draw the same ones, so they are drawn once (for a 784-128-64-10 network, ~2.5M normals)."""
    rng = rng_for(seed, input_key + "/gradcheck")
    dout = rng.standard_normal(out_shape)
    probes = [directions(rng, size) for size in sizes]
    for a in (dout, *probes):
        a.setflags(write=False)
    return dout, probes


def _rows_for(run, seed, framework):
    case = run.case
    inputs = case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), case.kinks)
    kwargs = run.numpy_kwargs(framework)
    kwargs.update({k: None for k in _PRECISION_KEYS if k in kwargs})
    values = tuple(inputs.values())
    primals, constants = split_inputs(case, inputs)
    out = numpy_autograd.output(case.numpy, *values, **_forward_kwargs(case.numpy, kwargs))
    dout, probes = _draws(seed, run.input_key, np.shape(out), tuple(p.size for p in primals))
    _, analytic = numpy_autograd.vjp(case.numpy, primals, dout, constants, **kwargs)
    numeric = numeric_vjp(case.numpy, primals, dout, probes, constants, **kwargs)
    rows = []
    for name, a, vs, n in zip(case.grad_wrt, analytic, probes, numeric):
        m = compare(vs @ a.ravel(), n, FINITE_DIFF.atol, FINITE_DIFF.rtol)  # projections of the gradient
        cause = "" if m.ok else f"{m.frac_out:.0%} of projections out of tolerance: the hand-written backward is wrong"
        rows.append(row_for(run, seed, f"numpy[{framework}]", "finite_diff", f"grad_{name}", atol=FINITE_DIFF.atol,
                            rtol=FINITE_DIFF.rtol, status="match" if m.ok else "FAIL", cause=cause, **vars(m)))
    return rows


def gradcheck_rows(cases, seed):
    """Rows comparing each NumPy backward with finite differences; a crash becomes an ERROR row."""
    rows = []
    for case in cases:
        if not case.grad_wrt:
            continue
        for index, kwargs in enumerate(case.aligned):
            run = Run(case, "aligned", {**case.required, **kwargs}, "float64", "typical", index)  # as case.expand
            for framework in FRAMEWORKS:
                try:
                    rows += _rows_for(run, seed, framework)
                except Exception as exc:
                    rows.append(row_for(run, seed, f"numpy[{framework}]", "finite_diff", "grad_x",
                                        status="ERROR", cause=f"{type(exc).__name__}: {exc}"))
    return rows
