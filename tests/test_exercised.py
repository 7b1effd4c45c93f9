"""Every default and every keyword hyperparameter of the NumPy reference is exercised (issue 12).

The walk: each public function of ``reference_numpy`` (every module's ``__all__``) with its companions --
``f_backward`` (``X_backward`` of a layer's ``X_forward``) and an initialiser's ``f_spec`` -- and the case rows
that call them (``parity_tests.cases.ALL_ROWS``: a row's ``.numpy`` is the function or an update rule's factory;
a training row reaches its model, loss and optimizer through the ``model.``/``loss.``/``opt.`` prefixes). What a
function receives in a run is the harness's: ``convention(concept, framework).numpy_kwargs(run.kwargs)``, for
both frameworks and every run of the complete matrix (``case.expand``: skipped runs do not count).

(a) A keyword's default is what the torch convention passes for it (its ``defaults`` and ``formula``: the
    reference's defaults are torch's), or, where no torch convention passes the keyword, some run leaves it out
    (numpy[fw] then runs the default itself against fw). A changed default fails (a) or those runs.
(b) ``f_backward`` and ``f_spec`` keep ``f``'s defaults for every keyword they share (``vjp`` gives a keyword to
    whichever declares it: a call leaving it out must mean one value in the forward and the backward).
(c) Every keyword with a default takes another value somewhere in the complete matrix: in an aligned set or a
    row's ``required`` (given equally to torch, Keras and the reference), in a convention (numpy[fw] is held to
    fw with that value: NumPy-only formula switches, dtype switches, Keras's own defaults), or from the harness
    itself (an initialiser's ``dtype`` is each run's). What cannot is in ``EXEMPT``, one reason per entry.
"""
import fnmatch
import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import pytest

import reference_numpy
import reference_numpy.models
from parity_tests.case import expand
from parity_tests.cases import ALL_ROWS
from parity_tests.conventions import FRAMEWORKS, KERAS_ON, convention
from parity_tests.distribution import Init
from parity_tests.training import Training
from parity_tests.signatures import MISSING, Use, companions as _companions, defaults as _defaults
from parity_tests.signatures import keywords as _keywords, row_uses as _row_uses, strip as _strip

# Modules of shared helpers (array checks, the VJP pairing, reductions, the finite-difference tool), no concept's:
# their keywords are arguments of the suite's own machinery (as tests/test_mirror.py's HELPER_MODULES).
HELPER_MODULES = ("autograd", "validation", "losses_common", "optimizers_common", "gradcheck")

# Public functions no case row calls, and why their keywords are still covered.
NO_ROW = {
    "gradient_flow.deep_net_forward": "the forward of layer_gradient_norms, which passes every keyword on (its rows)",
}

# (a): defaults no run uses and no torch convention states.
DEFAULT_EXEMPT = {
    ("initializers.*", "dtype"): "the harness draws every initialiser in the run's dtype (distribution.draw); "
                                 "float32 is torch's default dtype and Keras's floatx",
}

_PER_SAMPLE = ("losses_classification.categorical_crossentropy*", "losses_classification.sparse_categorical_*",
               "losses_classification.weighted_crossentropy*", "losses_ctc.ctc*", "losses_similarity.*")

# (c): keywords no run gives a non-default value, one reason each.
EXEMPT = {
    (_PER_SAMPLE, "unreduced"): "a per-sample loss accepts only 'per_sample' (the keyword keeps all losses' "
                                "signatures alike); the elementwise losses vary it through their conventions",
    (("losses_ctc.ctc*",), "zero_infinity"): "no wrapper has it (torch's keeps F.ctc_loss's False, Keras has none); "
                                             "numpy~F.ctc_loss with True is pinned by tests/test_losses_ctc.py",
    (("schedules.*",), "step_offset"): "both frameworks count steps from 0; 1 (pre-1.1 torch's scheduler order) is "
                                       "pinned by tests/test_schedules.py",
    (("optimizers_adaptive.adagrad",), "lr_decay"): "keras.optimizers.Adagrad has none (the wrapper accepts only 0): "
                                                    "numpy~torch is pinned by tests/test_optimizers_adaptive.py",
    (("optimizers_sgd.sgd",), "dampening"): "keras.optimizers.SGD has none (the wrapper accepts only 0), so no "
                                            "aligned set can carry one",
    (("models.mlp_backward", "layers.dense_backward"), "input_grad"): "not a hyperparameter: a VJP must return every "
                                                                     "input's gradient; False (dx left out) is the "
                                                                     "reference's own training loops', run by every "
                                                                     "training row and sgd_loss_curve",
    (("optimizers_large_batch.muon",), "eps"): "keras.optimizers.Muon fixes its Newton-Schulz epsilon at 1e-7 (the "
                                               "wrapper accepts only that)",
}


def _name(fn):
    return f"{fn.__module__.removeprefix('reference_numpy.')}.{fn.__name__}"


def _public():
    """{name: function} of every module's ``__all__`` outside the helper modules, companions included."""
    out = {}
    for info in pkgutil.iter_modules(reference_numpy.__path__):
        if info.name in HELPER_MODULES:
            continue
        module = importlib.import_module(f"reference_numpy.{info.name}")
        for fn in (getattr(module, name) for name in module.__all__):
            if inspect.isfunction(fn):
                out.update({_name(f): f for f in [fn] + _companions(fn)})
    return out


def _uses():
    out = {}
    for row in ALL_ROWS:
        for use in _row_uses(row):
            out.setdefault(use.fn, []).append(use)
    return out


def _harness(use, run):
    """Keywords the harness passes itself: an initialiser draws in the run's dtype (``distribution.draw``); a
    training builds its network with the row's ``batchnorm`` layout (``training.build``)."""
    if isinstance(use.row, Init) and use.fn is use.row.numpy:
        return {"dtype": run.dtype}
    if isinstance(use.row, Training) and use.fn is reference_numpy.models.mlp_model and use.row.batchnorm:
        return {"batchnorm": use.row.batchnorm}
    return {}


@dataclass(frozen=True)
class Call:
    """What ``use.fn`` receives in one run under one framework's convention; ``given``: the run's own keywords
    (required and aligned) and the harness's."""
    use: Use
    framework: str
    kwargs: dict
    given: dict


def _calls(use):
    out = []
    for run in expand([use.row])[0]:
        given = {**_strip(run.kwargs, use.prefix), **_harness(use, run)}
        for fw in FRAMEWORKS + tuple(KERAS_ON):  # numpy[keras[jax]], numpy[keras[torch]]: `parity run --keras-backends`
            kwargs = _strip(run.numpy_kwargs(fw), use.prefix)  # as the harness calls it (defaults: numpy[torch] bare)
            out.append(Call(use, fw, {**kwargs, **given}, given))
    return out


@pytest.fixture(scope="module")
def walk():
    """(public functions, {function: [Use]}, {function: [Call]})."""
    public, uses = _public(), _uses()
    return public, uses, {fn: [c for u in uses[fn] for c in _calls(u)] for fn in uses}


def _exempt(table, name, key):
    """The entry of ``table`` covering (function ``name``, keyword ``key``), or None."""
    for entry in table:
        patterns, keyword = entry
        patterns = (patterns,) if isinstance(patterns, str) else patterns
        if keyword == key and any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return entry
    return None


def _unused(table, used):
    return [f"stale exemption {entry}: nothing needs it" for entry in table if entry not in used]


def test_every_public_function_is_called_by_a_row_or_listed(walk):
    public, uses, _ = walk
    unreached = sorted(name for name, fn in public.items() if _defaults(fn) and fn not in uses)
    assert unreached == sorted(NO_ROW), ("reached by no case row (add a row, or a NO_ROW entry with its reason): "
                                         f"{sorted(set(unreached) - set(NO_ROW))}; listed but reached: "
                                         f"{sorted(set(NO_ROW) - set(unreached))}")


def _torch_values(fn, uses, key):
    """{concept: value} the torch convention passes for ``key``, where it passes one."""
    values = {u.concept: _strip(convention(u.concept, "torch").numpy_kwargs(), u.prefix).get(key, MISSING)
              for u in uses}
    return {c: v for c, v in values.items() if v is not MISSING}


def _default_problem(name, fn, key, default, uses, calls):
    """Why (a) fails for one keyword, or None."""
    stated = _torch_values(fn, uses, key)
    wrong = {c: v for c, v in stated.items() if v != default}
    if wrong:
        return f"{name}: {key}={default!r} differs from the torch convention's {wrong}"
    if not stated and all(key in c.kwargs for c in calls):
        return f"{name}: {key}={default!r} is stated by no torch convention and every run passes {key}"
    return None


def test_defaults_are_torchs_or_run(walk):
    public, uses, calls = walk
    problems, used = [], set()
    for name, fn in public.items():
        if fn not in uses:
            continue
        for key, default in _defaults(fn).items():
            problem = _default_problem(name, fn, key, default, uses[fn], calls[fn])
            entry = problem and _exempt(DEFAULT_EXEMPT, name, key)
            used.add(entry)
            if problem and not entry:
                problems.append(problem)
    problems += _unused(DEFAULT_EXEMPT, used)
    assert not problems, "defaults neither torch's nor run:\n" + "\n".join(problems)


def test_backward_and_spec_keep_the_forward_defaults(walk):
    public, _, _ = walk
    problems = []
    for name, fn in public.items():
        for companion in _companions(fn):
            mine, theirs = _keywords(fn), _keywords(companion)
            for key in sorted(set(mine) & set(theirs)):
                if mine[key] is not theirs[key] and mine[key] != theirs[key]:
                    problems.append(f"{_name(companion)}: {key}={theirs[key]!r}, {name} has {mine[key]!r}")
    assert not problems, "companions disagree with their function:\n" + "\n".join(problems)


def _exercised(key, default, calls):
    """How ``key`` takes a non-default value in the matrix ('aligned', 'convention'), or None."""
    if any(key in c.given and c.given[key] != default for c in calls):
        return "aligned"
    if any(key in c.kwargs and c.kwargs[key] != default for c in calls):
        return "convention"
    return None


def _unexercised(public, uses, calls):
    """['name: key=default'] of every keyword (c) finds no non-default value for, and the EXEMPT entries used."""
    missing, used = [], set()
    for name, fn in public.items():
        for key, default in _defaults(fn).items():
            if name in NO_ROW or (fn in uses and _exercised(key, default, calls[fn])):
                continue
            entry = _exempt(EXEMPT, name, key)
            used.add(entry)
            if not entry:
                missing.append(f"{name}: {key} (default {default!r}; rows: "
                               f"{sorted({u.concept for u in uses.get(fn, [])})})")
    return missing, used


def test_every_hyperparameter_takes_a_non_default_value(walk):
    public, uses, calls = walk
    missing, used = _unexercised(public, uses, calls)
    problems = missing + _unused(EXEMPT, used)
    assert not problems, ("never given a non-default value (add an aligned set, or an EXEMPT entry with its "
                          "reason):\n" + "\n".join(problems))


def test_exemptions_name_real_keywords(walk):
    public, _, _ = walk
    for table in (EXEMPT, DEFAULT_EXEMPT):
        for patterns, key in table:
            patterns = (patterns,) if isinstance(patterns, str) else patterns
            for pattern in patterns:
                names = fnmatch.filter(public, pattern)
                assert names, f"{pattern} matches no public function"
                assert any(key in _defaults(public[n]) for n in names), f"{pattern}: no keyword {key}"
    assert all(name in public for name in NO_ROW)
