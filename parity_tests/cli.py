"""``parity``: one command for the suite (``python -m parity_tests`` is the same command).

  parity run [--fast] [selection]   run the matrix, write ./reports/divergence.csv (``--fast``: the CI gate)
  parity list [selection]           families, concepts, pairs; with a selection, what it would run
  parity show CONCEPT               the NumPy, torch and Keras implementations side by side, conventions, gaps
  parity html                       a static site with plots under ./reports/site/
  parity docs [--check]             regenerate README.md's convention tables from parity_tests/conventions
  parity compare ...                a torch model against its Keras port (your own models)
  parity translate ...              an optimizer, schedule, loss or layer in the other framework
  parity bench [--quick]            time NumPy, torch and Keras per family, write ./reports/bench.csv

Selection options (``run`` and ``list``): --family, --concept, --pair, --dtype, --variant (repeatable).
``parity --fast ...`` (options first) means ``parity run --fast ...``.
"""
import argparse
import importlib
import os
import sys

from .selection import UnknownName, check_name

__all__ = ["SUBCOMMANDS", "main", "entry"]

SUBCOMMANDS = {  # name -> (module with main(argv) -> int, one line of help)
    "run": ("parity_tests.run", "run the parity matrix (or a selection) and write the report"),
    "list": ("parity_tests.views.catalog", "list families, concepts and pairs, or what a selection would run"),
    "show": ("parity_tests.views.show", "one concept: three implementations side by side, conventions, gaps"),
    "html": ("parity_tests.views.site", "write the static report site (reports/site/index.html)"),
    "docs": ("parity_tests.views.docs", "regenerate README.md's convention tables (--check: fail if stale)"),
    "compare": ("parity_tests.porting.cli", "compare a torch model with its Keras port"),
    "translate": ("parity_tests.porting.translate", "translate an optimizer, schedule, loss or layer"),
    "diff": ("parity_tests.views.diff", "what changed between two reports (exit 1 when anything got worse)"),
    "bench": ("parity_tests.bench.cli", "time NumPy, torch and Keras per family (ratios to torch and to the machine)"),
}


def _help():
    parser = argparse.ArgumentParser(prog="parity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, (_, text) in SUBCOMMANDS.items():
        commands.add_parser(name, help=text)
    return parser


def main(argv=None):
    """Dispatch to a subcommand's ``main(argv)``; returns its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        _help().print_help()
        return 0 if argv else 2
    if argv[0].startswith("-"):  # `parity --fast` / `python -m parity_tests --concept gelu`: a run
        argv = ["run", *argv]
    try:
        name = check_name(argv[0], tuple(SUBCOMMANDS), "command")
    except UnknownName as exc:
        print(f"parity: {str(exc).replace('`parity list` shows every command', '`parity --help` lists them')}",
              file=sys.stderr)
        return 2
    return importlib.import_module(SUBCOMMANDS[name][0]).main(argv[1:])


def entry():
    """The ``parity`` console script: exit without the frameworks' interpreter teardown (~1.5 s) once every
    report is written and closed."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)
