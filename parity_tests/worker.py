"""``python -m parity_tests.worker``: compute one shard of the suite and pickle it to a file (the CLI
starts one per extra core before it imports the frameworks itself, so the imports overlap too)."""
import argparse
import pickle
import warnings

from .cli import KNOWN_WARNINGS


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m parity_tests.worker")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--shard", type=int, required=True)
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--concept", action="append")
    parser.add_argument("--out", required=True)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    from . import suite  # the frameworks
    pieces, _ = suite.run_shard(args.seed, suite.select(args.concept), args.shard, args.shards, args.fast)
    with open(args.out, "wb") as f:
        pickle.dump(pieces, f)


if __name__ == "__main__":
    main()
