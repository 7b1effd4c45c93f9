"""``python -m parity_tests.backend_worker --backend jax --out DIR``: Keras's results on one backend for the runs
of ``parity run``'s selection (``KERAS_BACKEND`` and the backend's settings come from the environment
``backends.start`` gives it), one file per kind in ``backends.KIND_ORDER`` (``backends.file_for``), each pickled
atomically as soon as its kind is done: ``{"results": {run.id: {quantity: ndarray} | error text}, "versions":
...}`` -- or ``{"failed": reason}`` (for that kind and every later one), so a reader never waits in vain."""
import argparse
import os
import pickle
import warnings

from .backends import KIND_ORDER, file_for
from .pool import KNOWN_WARNINGS
from .selection import Selection, add_arguments


def _versions(backend):
    import keras
    versions = {"keras": keras.__version__, "keras_backend": keras.backend.backend()}
    if backend == "jax":
        import jax
        import jaxlib
        versions |= {"jax": jax.__version__, "jaxlib": jaxlib.__version__,
                     "jax_enable_x64": bool(jax.config.jax_enable_x64)}
    if backend == "torch":
        import torch
        versions |= {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                     "tf32": torch.backends.cuda.matmul.allow_tf32}
    return versions


def _cases(runs, seed):
    import numpy as np
    from .frameworks import attempt, call, inputs_for
    from .inputs import rng_for

    def one(run):
        inputs = run.case.inputs(rng_for(seed, run.input_key), run.regime, np.dtype(run.dtype), run.case.kinks)
        inputs = inputs_for("keras", run, inputs)
        result = attempt(call, "keras", run, inputs, seed)
        if isinstance(result, TypeError) and run.dtype == "float64" and run.case.grad_wrt:
            # keras_backends.FOUND result_type_64_to_32: the output came back float32, so vjp refused the float64
            # upstream gradient; a user passes one of the output's dtype, and the rows then measure the values
            retried = attempt(lambda: call("keras", run, inputs, seed, dout_dtype="float32"))
            return result if isinstance(retried, Exception) else retried
        return result
    return {run.id: attempt(one, run) for run in runs}


def _rules(runs, seed):
    from . import trajectory
    return trajectory.run_keras_batch(runs, seed)


def _inits(runs, seed):
    from . import distribution
    from .frameworks import attempt
    return {run.id: attempt(distribution.draw, "keras", run, seed) for run in runs}


def _trainings(runs, seed):
    from . import training
    return training.run_keras_batch(runs, seed)


KINDS = {"cases": _cases, "rules": _rules, "inits": _inits, "trainings": _trainings}  # suite.KINDS: Keras's side


def compute(kind, seed, selection, fast):
    """{run.id: results or error text}: Keras's side of the runs of ``kind`` ``parity run`` makes of
    ``selection``."""
    from . import suite
    from .backends import covers
    from .case import expand
    from .runner import error_text
    runs = [run for run in expand(suite.select(selection).get(kind, ()))[0]
            if (not fast or suite.in_gate(run)) and selection.keeps_run(run) and covers(run)]
    results = KINDS[kind](runs, seed) if runs else {}
    return {key: error_text(value) if isinstance(value, Exception) else value for key, value in results.items()}


def _write(payload, path):
    with open(path + ".tmp", "wb") as f:
        pickle.dump(payload, f)
    os.replace(path + ".tmp", path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m parity_tests.backend_worker")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True, help="the results directory (backends.file_for)")
    parser.add_argument("--fast", action="store_true")
    add_arguments(parser)
    args = parser.parse_args(argv)
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    selection, failed = Selection.from_args(args), None
    for kind in KIND_ORDER:  # a file per kind, as soon as it is done: the comparing processes start on it
        try:
            payload = {"failed": failed} if failed else {"results": compute(kind, args.seed, selection, args.fast),
                                                         "versions": _versions(args.backend)}
        except BaseException as exc:
            failed = f"{type(exc).__name__}: {exc}"
            payload = {"failed": failed}
        _write(payload, file_for(args.out, args.backend, kind))


if __name__ == "__main__":
    main()
    os._exit(0)  # results written: skip the frameworks' interpreter teardown
