"""Update-rule parity step by step: the same gradients (open loop) or the same problem (closed loop)
for ``STEPS`` steps in all implementations; parameters and optimizer state compared after every step.

Open loop: two parameters in one optimizer, fed the same seeded gradient sequence at scale 1 and 1e-6
(where epsilon placement dominates). Closed loop: seeded least squares, each framework differentiating
its own loss. On TensorFlow Keras runs all steps in one ``tf.function`` loop, traced once per trajectory -- as its
own ``fit`` compiles the train step -- because its eager step costs milliseconds; on JAX (``backends``) one jitted
``lax.scan`` through ``optimizer.stateless_apply``, as Keras's JAX trainer; on torch eagerly, as its ``fit``.
"""
import functools
from dataclasses import KW_ONLY, dataclass, field

import keras
import numpy as np
import torch

import keras_impl.autograd as keras_autograd

from . import backends
from .frameworks import attempt, floatx_of, keras_floatx
from .inputs import rng_for
from .compare import differences
from .runner import classify, digests, gaps, measure, row_for, tolerance
from .row import Row
from .schema import IMPL, IMPLS, PAIRS

__all__ = ["STEPS", "SHAPE", "CURVE_STEPS", "Rule", "run_keras_batch", "local_results", "step_columns", "execute"]

STEPS = 200
SHAPE = (3, 4)
# Open-loop scenarios (name, gradient scale, transposed): the second runs on the (4, 3) transpose, so each rule
# meets a wide and a tall parameter (Muon's Newton-Schulz transposes tall ones; Adafactor factors rows and columns).
SCENARIOS = (("typical", 1.0, False), ("grads_1e-6", 1e-6, True))


@dataclass(frozen=True)
class Rule(Row):
    """A case row for an update rule; ``state`` maps a NumPy state field to (torch state key, Keras per-variable
    state list: the optimizer's list attribute holding that state, e.g. Adam's ``_momentums``, SGD's
    ``momentums``; see ``_keras_state_lists``)."""
    _: KW_ONLY
    state: dict = field(default_factory=dict)
    regimes: tuple = ("open_loop", "closed_loop")

    @property
    def quantities(self):
        return ("params",) + tuple(f"state_{name}" for name in self.state)


def _numpy_kwargs(run, framework, flip=None):
    """The convention's keywords; the value "floatx" means the floatx Keras ran with."""
    kwargs = run.numpy_kwargs(framework)
    if flip is not None:
        kwargs[flip.key] = flip.value
    return {k: floatx_of(run) if v == "floatx" else v for k, v in kwargs.items()}


def _problem(run, seed):
    """(initial params per scenario, gradient sequences or least-squares data)."""
    rng = rng_for(seed, run.input_key)
    p0 = rng.standard_normal(SHAPE).astype(run.dtype)
    if run.regime == "open_loop":
        g = rng.standard_normal((STEPS,) + SHAPE)
        return {name: (p0.T.copy(), (g * scale).transpose(0, 2, 1).astype(run.dtype)) if transposed
                else (p0, (g * scale).astype(run.dtype)) for name, scale, transposed in SCENARIOS}
    x, y = rng.standard_normal((8, SHAPE[0])), rng.standard_normal((8, SHAPE[1]))
    return {"closed_loop": (p0, (x.astype(run.dtype), y.astype(run.dtype)))}


def _least_squares_grad(w, data):
    x, y = data
    return x.T @ (x @ w - y) / len(x)  # d/dw of 0.5 * sum((x w - y)^2) / N


def _record(store, scenario, quantity, value):
    store.setdefault((scenario, quantity), []).append(value.clone())


def _stack(store):
    return {k: torch.stack(v).numpy() for k, v in store.items()}


def _numpy_steps(run, problem, framework, flip=None):
    """The NumPy trajectory one step at a time: per step {(scenario, quantity): array}."""
    opt = run.case.numpy(**_numpy_kwargs(run, framework, flip))
    names = list(problem)
    params = tuple(problem[n][0] for n in names)
    state = opt.init(params)
    for t in range(STEPS):
        grads = tuple(problem[n][1][t] if run.regime == "open_loop" else _least_squares_grad(p, problem[n][1])
                      for n, p in zip(names, params))
        params, state = opt.update(grads, state, params)
        step = {}
        for i, n in enumerate(names):
            step[(n, "params")] = np.array(params[i])  # copies: a step never sees a later one's arrays
            for field_name in run.case.state:
                step[(n, f"state_{field_name}")] = np.array(getattr(state, field_name)[i])
        yield step


def _run_numpy(run, problem, framework, flip=None):
    steps = list(_numpy_steps(run, problem, framework, flip))
    return {k: np.stack([s[k] for s in steps]) for k in steps[0]}


class _Prefix:
    """A NumPy trajectory computed only as far as asked: whether a flipped convention key moves the
    trajectory is usually decided at step 1, so attribution rarely runs all ``STEPS``."""

    def __init__(self, steps):
        self._steps, self._done = steps, []

    def upto(self, n, key):
        while len(self._done) < n:
            self._done.append(next(self._steps))
        return np.stack([s[key] for s in self._done[:n]])


def _prefix_matters(prefix, key, base, tol):
    """``runner.attribute``'s question, answered on growing prefixes (1, 10, all steps): the full
    trajectories differ beyond tolerance exactly when some prefix does."""
    try:
        return any(not measure(prefix.upto(n, key), base[:n], tol).ok for n in (1, 10, STEPS))
    except Exception:  # the key alone makes the reference reject the run: it matters
        return True


def _torch_grads(run, problem, names, params, t):
    if run.regime == "open_loop":
        return [torch.from_numpy(problem[n][1][t].copy()) for n in names]
    x, y = (torch.from_numpy(a) for a in problem[names[0]][1])
    with torch.enable_grad():
        loss = 0.5 * ((x @ params[0] - y) ** 2).sum() / len(x)
        return list(torch.autograd.grad(loss, params))


def _state_layouts(run, problem):
    """{(scenario, field): shape}: the reference's layout of each compared state field (its ``init`` under torch's
    convention), in which every framework's state is compared."""
    state = run.case.numpy(**_numpy_kwargs(run, "torch")).init(tuple(problem[n][0] for n in problem))
    return {(n, field_name): getattr(state, field_name)[i].shape
            for i, n in enumerate(problem) for field_name in run.case.state}


def _torch_state(opt, param, key, layout):
    """torch's state ``key`` of ``param`` in the reference's ``layout``: torch keeps a factored statistic's reduced
    axis with size 1 (Adafactor's ``row_var`` is (rows, 1), ``col_var`` (1, cols)) where the reference and Keras drop
    it -- the same elements in the same order, so a reshape (which refuses any other difference)."""
    return opt.state[param][key].reshape(layout)


def _run_torch(run, problem):
    names = list(problem)
    params = [torch.tensor(problem[n][0], requires_grad=True) for n in names]
    opt, store, layouts = run.case.torch(**run.kwargs)(params), {}, _state_layouts(run, problem)
    for t in range(STEPS):
        for p, g in zip(params, _torch_grads(run, problem, names, params, t)):
            p.grad = g
        opt.step()
        for n, p in zip(names, params):
            _record(store, n, "params", p.detach())
            for field_name, (key, _) in run.case.state.items():
                _record(store, n, f"state_{field_name}", _torch_state(opt, p, key, layouts[(n, field_name)]))
    return _stack(store)


def _keras_state_lists(opt):
    """{attribute: list} of a built Keras optimizer's per-variable state, located structurally: Keras 3 keeps each
    kind of state in a list attribute aligned with the trainable variables (Adam's ``_momentums``, SGD's
    ``momentums``, Adafactor's ``_r``, ``_c``, ``_v``), a variable's entry at ``opt._get_variable_index(variable)``.
    A list is named by its attribute only, never by its entries' names: Adafactor's ``_r`` and ``_c`` entries carry
    the bare variable name (two variables of one name), so only their attributes tell them apart."""
    variables, lists = list(opt._trainable_variables), {}
    for attribute, value in vars(opt).items():
        if not isinstance(value, list) or len(value) != len(variables):
            continue
        entries = [(entry, var) for entry, var in zip(value, variables) if isinstance(entry, keras.Variable)]
        if not entries or any(entry is var for entry, var in entries):
            continue  # no state (Muon's adam_velocities of 2-D variables), or the variables themselves
        lists[attribute] = value
    return lists


def _keras_state(run, opt, lists, field_name, attribute, var):
    """``var``'s entry of the state list ``attribute`` (the Keras half of ``Rule.state[field_name]``). A name
    that is no state list of the optimizer (a typo, a renamed Keras attribute) raises, naming the rule and the
    attribute: the run's rows are ERROR rows, not a state silently left uncompared."""
    where = f"rule {run.case.family}/{run.case.concept}, state {field_name!r}"
    if attribute not in lists:
        raise ValueError(f"{where}: {type(opt).__name__} has no per-variable state list {attribute!r} "
                         f"(its state lists: {', '.join(sorted(lists)) or 'none'})")
    entry = lists[attribute][opt._get_variable_index(var)]
    if entry is None:
        raise ValueError(f"{where}: {type(opt).__name__}.{attribute} holds no state for variable {var.name!r}")
    return entry


def _tracked(run, opt, variables, names):
    """(keys, variables): per scenario the parameter and each state variable the case row declares (the Keras half of
    ``Rule.state``: a per-variable state list's attribute, see ``_keras_state_lists``)."""
    lists = _keras_state_lists(opt)
    keys, tensors = [], []
    for n, var in zip(names, variables):
        keys.append((n, "params"))
        tensors.append(var)
        for field_name, (_, attribute) in run.case.state.items():
            keys.append((n, f"state_{field_name}"))
            tensors.append(_keras_state(run, opt, lists, field_name, attribute, var))
    return keys, tensors


def _keras_grads(run, problem, variables):
    """A function of the step index giving this trajectory's gradients (inside the traced loop on TensorFlow)."""
    names = list(problem)
    if run.regime == "open_loop":
        data = [keras.ops.convert_to_tensor(problem[n][1]) for n in names]
        return lambda i: [d[i] for d in data]
    x, y = (keras.ops.convert_to_tensor(a) for a in problem[names[0]][1])

    def loss():
        return 0.5 * keras.ops.sum((keras.ops.matmul(x, variables[0]) - y) ** 2) / x.shape[0]
    return lambda i: keras_autograd.value_and_grads(loss, variables[:1])[1]


def _tensorflow_loop(items):
    """Every (grads_at, optimizer, variables, tracked) for STEPS steps in one ``tf.function`` loop (as ``fit``
    traces its train step); the stacked tracked values of each item."""
    import tensorflow as tf
    tracked = [x for *_, xs in items for x in xs]

    @tf.function(autograph=False, reduce_retracing=True)
    def loop():
        def body(i, arrays):
            for grads_at, opt, variables, _ in items:
                opt.apply_gradients(zip(grads_at(i), variables))
            return i + 1, [a.write(i, tf.convert_to_tensor(x.value)) for a, x in zip(arrays, tracked)]
        arrays = [tf.TensorArray(x.dtype, size=STEPS) for x in tracked]
        _, arrays = tf.while_loop(lambda i, _: i < STEPS, body, (tf.constant(0), arrays))
        return [a.stack() for a in arrays]
    stacked, out = iter(loop()), []
    for *_, xs in items:
        out.append([next(stacked).numpy() for _ in xs])
    return out


def _eager_loop(items):
    """The same steps eagerly, on the torch backend (``keras_impl.autograd`` for the closed loop's gradients):
    Keras's optimizers update their variables in place there, as in its eager ``fit``."""
    out = []
    for grads_at, opt, variables, tracked in items:
        history = [[] for _ in tracked]
        for i in range(STEPS):
            opt.apply_gradients(zip(grads_at(i), variables))
            for values, x in zip(history, tracked):
                values.append(keras.ops.convert_to_numpy(x.value))
        out.append([np.stack(values) for values in history])
    return out


def _jax_one(item):
    """One trajectory on JAX as one jitted ``lax.scan`` through ``optimizer.stateless_apply`` (as Keras's JAX
    trainer steps); the gradients read the carried values through ``keras.StatelessScope``."""
    import jax
    grads_at, opt, variables, tracked = item
    everything = list(variables) + list(opt.variables)
    where = [next(k for k, v in enumerate(everything) if v is x) for x in tracked]

    def step(state, i):
        trainable, opt_state = state
        with keras.StatelessScope(state_mapping=list(zip(everything, trainable + opt_state))):
            grads = grads_at(i)
        trainable, opt_state = opt.stateless_apply(opt_state, grads, trainable)
        values = list(trainable) + list(opt_state)
        return (trainable, opt_state), [values[k] for k in where]
    state = ([v.value for v in variables], [v.value for v in opt.variables])
    _, stacked = jax.jit(lambda s: jax.lax.scan(step, s, np.arange(STEPS)))(state)
    return [np.asarray(x) for x in stacked]


def _keras_loop(items):
    if keras.backend.backend() == "tensorflow":
        return _tensorflow_loop(items)
    if keras.backend.backend() == "jax":  # eager JAX dispatches op by op: ~20x slower than one jitted scan
        return [_jax_one(item) for item in items]
    return _eager_loop(items)


def _keras_setup(run, seed):
    """(grads_at, optimizer, variables, tracked) and the result keys of one run; call under its floatx."""
    problem = _problem(run, seed)
    names = list(problem)
    variables = [keras.Variable(problem[n][0], dtype=run.dtype, name=n) for n in names]
    opt = run.case.keras(**run.kwargs)
    opt.build(variables)
    keys, tracked = _tracked(run, opt, variables, names)
    return (_keras_grads(run, problem, variables), opt, variables, tracked), keys


def _run_keras_group(runs, seed):
    with keras_floatx(floatx_of(runs[0])):
        setups = [_keras_setup(run, seed) for run in runs]
        outputs = _keras_loop([item for item, _ in setups])
    return {run.id: dict(zip(keys, arrays)) for run, (_, keys), arrays in zip(runs, setups, outputs)}


def run_keras_batch(runs, seed):
    """The Keras trajectories of ``runs``, those sharing dtype, floatx and regime traced in one graph
    (tracing dominates a Keras trajectory's cost). A batch that fails is retried run by run, so one
    broken rule gives its own ERROR rows only. Returns {run.id: results or exception}."""
    groups = {}
    for run in runs:
        groups.setdefault((run.dtype, floatx_of(run), run.regime), []).append(run)
    out = {}
    for group in groups.values():
        try:
            out.update(_run_keras_group(group, seed))
        except Exception:
            for run in group:
                result = attempt(_run_keras_group, [run], seed)
                out[run.id] = result if isinstance(result, Exception) else result[run.id]
    return out


def local_results(run, problem, reference=None):
    """{impl: trajectory or exception} of numpy[torch], numpy[keras] and torch (``reference``: ``_references``'s
    runner of this run, to share the reference's runs; Keras's come batched from ``run_keras_batch``)."""
    reference = reference or _references(run, problem)
    return {"numpy[torch]": reference("torch"), "numpy[keras]": reference("keras"),
            "torch": attempt(_run_torch, run, problem)}


def _references(run, problem):
    """``of(framework)``: the reference trajectory under a framework's conventions, run once per distinct set of
    keywords (numpy[keras] and numpy[keras[jax]] make one run where the backends agree)."""
    done = {}  # keywords -> trajectory

    def of(framework):
        key = tuple(sorted(_numpy_kwargs(run, framework).items(), key=repr))
        return done[key] if key in done else done.setdefault(key, attempt(_run_numpy, run, problem, framework))
    return of


CURVE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # the divergence curve's steps (and the last one)


def step_columns(a, b, tol):
    """The first step (1-based) at which any element leaves tolerance; max |a - b| at steps 1, 10 and the
    last; and the divergence curve: ``step:max|a - b|`` at ``CURVE_STEPS`` and the last step, ';'-joined."""
    diff, out = differences(a, b, *tol)
    per_step = diff.reshape(len(a), -1).max(axis=1)
    outside = out.reshape(len(a), -1).any(axis=1)
    steps = sorted({s for s in CURVE_STEPS if s <= len(a)} | {len(a)})
    return dict(first_step=int(np.argmax(outside)) + 1 if outside.any() else "",
                abs_step_1=per_step[0], abs_step_10=per_step[min(9, len(a) - 1)], abs_step_last=per_step[-1],
                abs_curve=";".join(f"{s}:{per_step[s - 1]:.3g}" for s in steps))


def _pair_row(run, seed, problem, results, scenario, quantity, pair, flipped):
    failed = [(i, results[i]) for i in pair if isinstance(results[i], Exception)]
    if failed:
        cause = f"{failed[0][0]}: {type(failed[0][1]).__name__}: {failed[0][1]}"
        return row_for(run, seed, *pair, quantity, inputs=scenario, status="ERROR", cause=cause)
    try:
        view = {impl: {quantity: r[(scenario, quantity)]}  # a failed impl only errs its own pairs
                for impl, r in results.items() if not isinstance(r, Exception)}
        tol = tolerance(run, pair, quantity)
        gap_of = gaps(view, quantity, lambda p: tolerance(run, p, quantity))
        gap = gap_of(pair)
        matters = lambda d: _prefix_matters(  # noqa: E731
            flipped(d.flip()), (scenario, quantity), view["numpy[torch]"][quantity], tol)
        verdict = classify(run, pair, gap_of, matters)
        steps = step_columns(view[pair[0]][quantity], view[pair[1]][quantity], tol) if gap.metrics else {}
    except Exception as exc:
        return row_for(run, seed, *pair, quantity, inputs=scenario, status="ERROR", cause=f"comparing: {exc!r}")
    numbers = vars(gap.metrics) if gap.metrics else {}
    return row_for(run, seed, *pair, quantity, inputs=scenario, atol=tol[0], rtol=tol[1], **verdict._asdict(),
                   **numbers, **steps, **digests(view, pair, quantity))


def execute(run, seed, keras_result=None):
    """All rows of one trajectory run: per scenario, quantity and pair; crashes become ERROR rows.
    ``keras_result`` is this run's entry of ``run_keras_batch`` (computed here when absent)."""
    try:
        problem = _problem(run, seed)
        reference = _references(run, problem)
        results = local_results(run, problem, reference) | {
            "keras": keras_result if keras_result is not None else run_keras_batch([run], seed)[run.id]}
        results = {impl: results[impl] for impl in IMPLS} | {  # Keras's other backends, the reference as they compute
            impl: attempt(backends.result, impl, run) if backends.is_remote(impl) else reference(IMPL[impl].framework)
            for impl in backends.impls(run, ())}
        scenarios = list(problem)
    except Exception as exc:
        problem, results, scenarios = None, dict.fromkeys(backends.impls(run, IMPLS), exc), [run.regime]

    @functools.lru_cache(maxsize=None)
    def flipped(flip):  # numpy[torch] with one convention key flipped: one lazy run per key for all rows
        return _Prefix(_numpy_steps(run, problem, "torch", flip=flip))
    return [_pair_row(run, seed, problem, results, s, q, pair, flipped)
            for s in scenarios for q in run.case.quantities for pair in backends.pairs(run, PAIRS)]
