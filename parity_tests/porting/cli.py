"""``parity compare``: a user's two models, named by factories, compared on ``.npy`` inputs.

Factories are named ``package.module:function`` and imported (never evaluated); each returns a model (or, for
``--loss``, a (torch_loss, keras_loss) pair; for ``--optimizer``, a (make_torch_optimizer, keras_optimizer)
pair). Prints the per-layer table, the first divergence, the differing conventions and their fixes, and
writes the rows (the report schema) to ``--out``; exits 1 when a row is FAIL or ERROR.
"""
import argparse
import importlib
import os
import sys

import numpy as np

__all__ = ["main", "load"]


def load(spec, option):
    """The object named ``module:attribute`` (the working directory is importable)."""
    module, sep, name = spec.partition(":")
    if not sep or not module or not name.isidentifier():
        raise SystemExit(f"{option} must look like package.module:function, got {spec!r}")
    sys.path.insert(0, os.getcwd())
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"{option} {spec}: {exc}") from None


def _parser():
    p = argparse.ArgumentParser(prog="parity compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torch", required=True, metavar="MODULE:FACTORY", help="returns the torch.nn.Module")
    p.add_argument("--keras", required=True, metavar="MODULE:FACTORY", help="returns the keras.Model")
    p.add_argument("--input", required=True, metavar="X.npy", help="the batch x (float32 or float64)")
    p.add_argument("--target", metavar="Y.npy", help="the targets y (needed with --steps)")
    p.add_argument("--loss", metavar="MODULE:FACTORY", help="returns (torch_loss, keras_loss)")
    p.add_argument("--optimizer", metavar="MODULE:FACTORY", help="returns (make_torch_optimizer, keras_optimizer)")
    p.add_argument("--steps", type=int, default=0, help="training steps after step 0 (default: 0)")
    p.add_argument("--weights", choices=("torch", "keras", "as_is"), default="torch",
                   help="copy weights from torch (default), from keras, or leave both")
    p.add_argument("--training", action="store_true", help="run layers in training mode (BatchNorm batch statistics)")
    p.add_argument("--out", default=os.path.join("reports", "user_model.csv"), help="CSV path (default: %(default)s)")
    return p


def main(argv):
    args = _parser().parse_args(argv)
    from .models import compare_models
    made = {name: load(spec, f"--{name}")() for name, spec in
            (("torch", args.torch), ("keras", args.keras), ("loss", args.loss), ("optimizer", args.optimizer)) if spec}
    x = np.load(args.input)
    y = np.load(args.target) if args.target else None
    result = compare_models(made["torch"], made["keras"], x, y, loss=made.get("loss"), optimizer=made.get("optimizer"),
                            steps=args.steps, weights=args.weights, training=args.training)
    result.to_csv(args.out)
    print(result)
    print(f"{len(result.rows)} rows written to {args.out}")
    return 0 if result.ok else 1
