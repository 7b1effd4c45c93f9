"""``python -m parity_tests.worker``: run the units of the suite this process claims from the pool in
``--claims`` and pickle their rows to a file (``parity run`` starts one per extra core before it imports the
frameworks itself, so the imports overlap too). Takes ``parity run``'s selection options."""
import argparse
import os
import pickle
import warnings

from .pool import KNOWN_WARNINGS, claim_in, mark_done_in
from .selection import Selection, add_arguments


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m parity_tests.worker")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--claims", required=True, help="the directory the processes claim units in")
    parser.add_argument("--shard", type=int, required=True, help="this worker's number (written into its claims)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--fast", action="store_true")
    add_arguments(parser)
    args = parser.parse_args(argv)
    selection = Selection.from_args(args)
    for message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    from . import suite  # the frameworks
    pieces, _ = suite.run_shard(args.seed, suite.select(selection), claim_in(args.claims, args.shard), args.fast,
                                keep_run=selection.keeps_run, on_done=mark_done_in(args.claims))
    with open(args.out, "wb") as f:
        pickle.dump(pieces, f)


if __name__ == "__main__":
    main()
    os._exit(0)  # the shard is pickled and closed: skip the frameworks' interpreter teardown (~1.5 s)
