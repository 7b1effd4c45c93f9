"""``parity list``: what exists -- families and their concepts, the pairs, dtypes and variants -- and, given a
selection (``--family``/``--concept``/``--pair``/``--dtype``/``--variant``, ``--fast``), what ``parity run`` with
the same options would run. The catalog alone imports no framework; a selection expands the case rows."""
import argparse
import sys
from collections import Counter

from ..case import DTYPES
from ..selection import PAIRS, VARIANTS, Selection, UnknownName, add_arguments, concepts_by_family

__all__ = ["main", "catalog_table", "plan", "bad_input_rows"]


def catalog_table():
    """A rich Table: one row per family with its concepts."""
    from rich.table import Table
    table = Table(title="families and concepts", expand=False)
    table.add_column("family", style="bold")
    table.add_column("n", justify="right")
    table.add_column("concepts")
    for family, concepts in concepts_by_family().items():
        table.add_row(family, str(len(concepts)), ", ".join(concepts))
    return table


def plan(selection, *, fast=False):
    """{concept: Counter of (variant, dtype)} of the runs ``parity run`` would make, and the skipped count."""
    from .. import suite
    chosen = suite.select(selection)
    keep = lambda run: (not fast or suite.in_gate(run)) and selection.keeps_run(run)  # noqa: E731
    counts, skipped = {}, 0
    for kind in suite.KINDS:
        runs, skips = suite.expand(chosen[kind])
        skipped += len(skips)
        for run in filter(keep, runs):
            counts.setdefault(run.case.concept, Counter())[(run.variant, run.dtype)] += 1
    return counts, skipped


def bad_input_rows(selection):
    """How many bad-input report rows ``parity run`` with ``selection`` writes (table rows x pairs kept)."""
    from ..badinput.table import chosen
    from ..schema import CONTRACT_PAIRS
    pairs = [p for p in CONTRACT_PAIRS if selection.keeps_result(
        {"impl_a": p[0], "impl_b": p[1], "dtype": "", "variant": "bad_input"})]
    return len(chosen(selection.concepts_selected())) * len(pairs)


def _plan_table(counts, selection):
    from rich.table import Table
    corners = [(v, d) for v in VARIANTS for d in DTYPES]
    table = Table(title=f"parity run {selection.describe()}: runs per concept (each run: a row per quantity and pair)")
    for name in ("concept", *(f"{v} {d}" for v, d in corners), "runs"):
        table.add_column(name, justify="left" if name == "concept" else "right")
    for concept, counter in counts.items():
        table.add_row(concept, *(str(counter.get(c, "")) for c in corners), str(sum(counter.values())))
    table.add_row("all", *(str(sum(c.get(k, 0) for c in counts.values())) for k in corners),
                  str(sum(sum(c.values()) for c in counts.values())), style="bold")
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(prog="parity list", description=__doc__)
    parser.add_argument("--fast", action="store_true", help="what the gate (`parity run --fast`) runs")
    add_arguments(parser)
    args = parser.parse_args(argv)
    from rich.console import Console
    console = Console()
    try:
        selection = Selection.from_args(args)
    except UnknownName as exc:
        print(f"parity list: {exc}", file=sys.stderr)
        return 2
    if selection == Selection() and not args.fast:
        console.print(catalog_table())
        console.print(f"pairs: {', '.join(PAIRS)}\ndtypes: {', '.join(DTYPES)}\nvariants: {', '.join(VARIANTS)}",
                      markup=False)
        return 0
    counts, skipped = plan(selection, fast=args.fast)
    if not counts:
        print(f"parity list: no run matches {selection.describe()}", file=sys.stderr)
        return 2
    console.print(_plan_table(counts, selection))
    pairs = ", ".join(selection.pairs or PAIRS)
    console.print(f"pairs reported: {pairs}; runs skipped by the case rows (listed in run_metadata.json): {skipped}; "
                  f"bad-input contract rows (variant bad_input): {bad_input_rows(selection)}", markup=False)
    return 0
