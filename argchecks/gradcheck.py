"""What the three gradcheck tools share beyond their argument checks (``Checks.check_gradcheck``): the defaults a
``None`` argument takes from the dtype, and the result's type and assembly. The numeric and analytic gradients
are each package's own (arrays or tensors of its framework)."""
from dataclasses import dataclass

__all__ = ["GradcheckResult", "resolve_tolerances", "gradcheck_result"]


@dataclass(frozen=True)
class GradcheckResult:
    """``passed``: every parameter passed; per parameter name: ``max_abs`` = max |g - g_hat|, ``max_rel`` =
    max |g - g_hat| / |g_hat| (0/0 = 0, x/0 = inf), ``analytic`` and ``numeric`` gradients (float64 arrays or
    tensors of the package); ``failed``: the names with an element out of tolerance; ``eps``, ``atol``, ``rtol``
    as used."""
    passed: bool
    failed: tuple
    max_abs: dict
    max_rel: dict
    analytic: dict
    numeric: dict
    eps: float
    atol: float
    rtol: float


def resolve_tolerances(dtype, eps, atol, rtol, *, steps, tolerances):
    """(eps, atol, rtol): each one given, or for None the default of ``dtype`` (``steps[dtype]``,
    ``tolerances[dtype]`` = (atol, rtol)), the key ``check_gradcheck`` returned."""
    default_atol, default_rtol = tolerances[dtype]
    return (steps[dtype] if eps is None else eps, default_atol if atol is None else atol,
            default_rtol if rtol is None else rtol)


def gradcheck_result(errors, analytic, numeric, eps, atol, rtol):
    """The :class:`GradcheckResult` of ``errors`` = {name: (max_abs, max_rel, passed)} per parameter, in the
    parameters' order."""
    failed = tuple(key for key, (_, _, ok) in errors.items() if not ok)
    return GradcheckResult(not failed, failed, {key: e[0] for key, e in errors.items()},
                           {key: e[1] for key, e in errors.items()}, analytic, numeric, eps, atol, rtol)
