r"""``parity show CONCEPT``: one concept in the terminal -- the NumPy reference (with its hand-written backward),
torch and Keras implementations side by side as tested, the concept's conventions (differing values
highlighted) and its measured gaps from the latest report.

    parity show gelu                       # side by side (stacked below 100 columns)
    parity show adam --all --width 160     # every measured line
    parity show leaky_relu --no-code       # conventions and gaps only: imports no framework
    parity show gelu > gelu.txt            # plain text at 120 columns (--color always keeps the colours)

The concept name is checked before any framework is imported; only the code panels import them."""
import argparse
import os
import shutil
import sys

from rich import box
from rich.console import Console, Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..selection import UnknownName, check_name, concepts_by_family
from . import concept as concepts
from .show_code import CodeLayout
from .show_measured import DEFAULT_LIMIT, measured_section

__all__ = ["known_concepts", "title", "conventions_table", "render", "console_for", "main"]

NOT_A_TERMINAL_WIDTH = 120
DIFFERS = "bold yellow"


def known_concepts():
    r"""Every concept name, in the conventions table's order (no framework imported)."""
    return [c for family in concepts_by_family().values() for c in family]


def title(concept):
    r"""The concept, its family and the two frameworks' APIs."""
    apis = next(row for row in concepts.convention_rows(concept) if row.group == "api")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("torch", Text(str(apis.torch)))
    grid.add_row("Keras", Text(str(apis.keras)))
    heading = Text.assemble((concept, "bold cyan"), "  ", (f"family {concepts.family(concept)}", "dim"))
    return Group(Rule(heading, align="left"), grid)


def _value(value, differs):
    r"""A convention value as its repr (``'none'`` vs ``None``); a key one framework lacks as a dim ``absent``."""
    if value == "<absent>":
        return Text("absent", style="dim italic")
    return Text(repr(value), style=DIFFERS if differs else "")


def conventions_table(concept):
    r"""Every key of the concept's conventions (the API row is in the title): group, key, both values, the
    notes; rows whose values differ are marked and their values highlighted."""
    rows = [row for row in concepts.convention_rows(concept) if row.group != "api"]
    if not rows:
        return Text("no convention keys: both frameworks take this concept as is", style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("", no_wrap=True, style=DIFFERS)
    table.add_column("group", no_wrap=True, style="dim")
    for name in ("key", "torch", "keras"):
        table.add_column(name, overflow="fold")
    table.add_column("note", overflow="fold")
    for row in rows:
        table.add_row("≠" if row.differs else "", row.group, Text(row.key), _value(row.torch, row.differs),
                      _value(row.keras, row.differs), Text(row.note))
    return table


def backend_lines(concept):
    r"""Where Keras on JAX or torch computes ``concept`` differently from Keras on TensorFlow (``keras_backends``):
    one line per key, or None when it computes alike on every backend."""
    from ..conventions.keras_backends import ROWS
    rows = [row for row in ROWS if row.concept == concept]
    if not rows:
        return None
    return Text("\n").join(Text.assemble((f"keras[{r.backend}]", "bold"), f"  {r.key} = {r.value!r}  ", (r.reason, "dim"))
                            for r in rows)


def _shown_path(path):
    r"""``path`` relative to the working directory when it lies under it, else absolute."""
    path = os.path.abspath(path)
    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative


def _heading(label, detail=""):
    return Rule(Text.assemble((label, "bold"), (f"  {detail}" if detail else "", "dim")), align="left")


def render(concept, *, report=None, out_dir=None, code=True, stacked=None, limit=DEFAULT_LIMIT):
    r"""``concept`` as a ``rich.console.Group``: title, code (unless ``code`` is false; ``stacked`` None decides
    by width), conventions, then the measured gaps of ``report`` (a CSV path or a ``concept.load_report``
    DataFrame; default ``concept.report_path(out_dir)``), ``limit`` lines at most (None: all).

    Only the code imports the frameworks (through ``concept.sources``); an unknown ``concept`` raises
    ``parity_tests.selection.UnknownName`` before that."""
    concept = check_name(concept, known_concepts(), "concept")
    report = concepts.report_path(out_dir) if report is None else report
    where = _shown_path(report) if isinstance(report, (str, os.PathLike)) else "(a DataFrame)"
    parts = [title(concept)]
    if code:
        parts += [_heading("implementations", "as called by the case row"),
                  CodeLayout(concepts.sources(concept), stacked=stacked)]
    parts += [_heading("conventions", "≠ marks values that differ"), conventions_table(concept)]
    if backend_lines(concept) is not None:
        parts += [_heading("Keras on JAX and torch", "keys that differ from Keras on TensorFlow"), backend_lines(concept)]
    parts += [_heading("measured", where), measured_section(concept, report, limit=limit)]
    return Group(*parts)


def _parser():
    parser = argparse.ArgumentParser(prog="parity show", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("concept", help="e.g. gelu (`parity list` shows every concept)")
    parser.add_argument("--report", metavar="PATH", help="a divergence.csv (default: the latest report)")
    parser.add_argument("--out", metavar="DIR", help="the report directory of a run (its divergence.csv)")
    parser.add_argument("--width", type=int, metavar="N", help="columns (default: the terminal's; 120 when piped)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="ANSI colour (auto: only on a terminal)")
    layout = parser.add_mutually_exclusive_group()
    layout.add_argument("--stacked", action="store_true", default=None, help="implementations one above the other")
    layout.add_argument("--side-by-side", dest="stacked", action="store_false", default=None,
                        help="in three columns, even when narrow")
    layout.add_argument("--no-code", dest="code", action="store_false", help="skip the code (no framework import)")
    parser.add_argument("--all", dest="limit", action="store_const", const=None, default=DEFAULT_LIMIT,
                        help=f"every measured line (default: the worst {DEFAULT_LIMIT})")
    return parser


def console_for(*, width=None, color="auto", file=None):
    r"""A console on ``file`` (stdout): ``width`` columns (the terminal's, or 120 when not a terminal); ANSI
    colour on a terminal, or always/never as told."""
    file = file or sys.stdout
    tty = file.isatty() if hasattr(file, "isatty") else False
    coloured = color == "always" or (color == "auto" and tty)
    width = width or (shutil.get_terminal_size().columns if tty else NOT_A_TERMINAL_WIDTH)
    return Console(file=file, width=width, force_terminal=coloured, no_color=not coloured,
                   color_system=("256" if color == "always" else "auto") if coloured else None)


def main(argv=None):
    r"""``parity show`` (``argv`` without the word "show"): 0, or 2 for an unknown concept or missing report."""
    args = _parser().parse_args(argv)
    try:
        concept = check_name(args.concept, known_concepts(), "concept")
    except UnknownName as exc:
        print(f"parity show: {exc}", file=sys.stderr)
        return 2
    if args.report and not os.path.exists(args.report):
        print(f"parity show: no report at {args.report}", file=sys.stderr)
        return 2
    console = console_for(width=args.width, color=args.color)
    console.print(render(concept, report=args.report, out_dir=args.out, code=args.code, stacked=args.stacked,
                         limit=args.limit))
    return 0
