r"""The code part of ``parity show``: the NumPy, torch and Keras functions a concept's case row calls, each in a
panel of syntax-highlighted source with the real file's line numbers, side by side (or stacked when narrow).

Nothing here imports a framework: it renders ``parity_tests.views.concept.Source`` objects it is given."""
import os
import re
import sys

from rich.console import Group
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

__all__ = ["STACK_BELOW", "LABELS", "where", "Breakable", "source_panel", "CodeLayout"]

STACK_BELOW = 100  # columns: below this, the three implementations are stacked rather than side by side
LABELS = {"numpy": "NumPy reference", "torch": "torch", "keras": "Keras 3"}
BORDERS = {"numpy": "cyan", "torch": "red", "keras": "magenta"}
THEME = "ansi_dark"  # the terminal's own palette, so it reads on dark and light backgrounds alike


def _root_of(module):
    r"""The directory holding ``module``'s top-level package (the repository, or site-packages), or None."""
    top = sys.modules.get(module.split(".")[0])
    path = getattr(top, "__file__", None)
    return os.path.dirname(os.path.dirname(os.path.abspath(path))) if path else None


def where(source):
    r"""``path:line`` of ``source``, the path relative to the root of its package when it lies under it."""
    path = os.path.abspath(source.path)
    root = _root_of(source.module)
    if root and path.startswith(root + os.sep):
        path = os.path.relpath(path, root)
    return f"{path}:{source.line}"


class Breakable:
    r"""``text`` on one line when it fits, else broken before a ``/``, ``.`` or ``:`` (a dotted name or a path
    stays readable in a narrow column), folded only where one piece is still too long."""

    def __init__(self, text, *, style=""):
        self.text = text
        self.style = style

    def __rich_console__(self, console, options):
        lines = [""]
        for piece in re.split(r"(?=[./:])", self.text):
            if lines[-1] and len(lines[-1]) + len(piece) > options.max_width:
                lines.append("")
            lines[-1] += piece
        yield Text("\n".join(lines), style=self.style, overflow="fold")


def source_panel(source):
    r"""One function: its dotted name and location, then its text with the file's line numbers."""
    code = Syntax(source.text, "python", line_numbers=True, start_line=source.line, word_wrap=True,
                  theme=THEME, background_color="default")
    return Panel(Group(Breakable(f"{source.module}.{source.qualname}", style="bold"),
                       Breakable(where(source), style="dim"), code),
                 title=Text(f"{LABELS[source.package]}: {source.qualname}"), title_align="left",
                 border_style=BORDERS[source.package], padding=(0, 0))


class CodeLayout:
    r"""The implementations of ``sources`` (``{package: [Source]}``), one column each, or one above the other when
    ``stacked`` (None: decided at render time, stacked when the space is narrower than ``STACK_BELOW``)."""

    def __init__(self, sources, *, stacked=None):
        self.sources = sources
        self.stacked = stacked

    def _columns(self):
        return [Group(*(source_panel(s) for s in found)) for found in self.sources.values()]

    def _side_by_side(self):
        grid = Table.grid(expand=True, padding=(0, 1))
        columns = self._columns()
        for _ in columns:
            grid.add_column(ratio=1, overflow="fold")  # a word too long for the column wraps, not "…"
        grid.add_row(*columns)
        return grid

    def __rich_console__(self, console, options):
        stacked = self.stacked if self.stacked is not None else options.max_width < STACK_BELOW
        yield Group(*self._columns()) if stacked else self._side_by_side()
