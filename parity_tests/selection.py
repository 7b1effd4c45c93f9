"""What a run covers: ``parity run --family/--concept/--pair/--dtype/--variant``, checked against what exists
before any framework is imported (concept names and families come from the conventions table, which every
case row has) so a typo costs nothing and names its close matches.

Families and concepts select case rows; dtypes and variants select runs; pairs select report rows (a pair's
status needs the other pairs' results, so every implementation still runs)."""
import difflib
from dataclasses import dataclass, fields

from .case import DTYPES
from .conventions import concepts, family_of
from .schema import PAIR_NAMES

__all__ = ["PAIRS", "VARIANTS", "UnknownName", "Selection", "concepts_by_family", "check_name", "add_arguments"]

VARIANTS = ("aligned", "defaults")
PAIRS = PAIR_NAMES  # report rows' impl_a~impl_b


class UnknownName(ValueError):
    """A selection names something that does not exist; the message lists close matches."""


def concepts_by_family():
    """{family: (concept, ...)} in the conventions table's order."""
    out = {}
    for concept in concepts():
        out.setdefault(family_of(concept), []).append(concept)
    return {family: tuple(names) for family, names in out.items()}


def check_name(name, known, what):
    """``name`` if it is one of ``known``, else ``UnknownName`` naming the closest matches (case-insensitive)."""
    if name in known:
        return name
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(lowered[c] for c in close)}?" if close else ""
    raise UnknownName(f"unknown {what} {name!r}{hint} (`parity list` shows every {what})")


@dataclass(frozen=True)
class Selection:
    """Empty tuples select everything."""
    families: tuple = ()
    concepts: tuple = ()
    pairs: tuple = ()
    dtypes: tuple = ()
    variants: tuple = ()

    @classmethod
    def from_args(cls, args):
        """From parsed ``add_arguments`` options, every name checked (``UnknownName``)."""
        by_family = concepts_by_family()
        concepts = [c for cs in by_family.values() for c in cs]
        known = {"families": (tuple(by_family), "family"), "concepts": (concepts, "concept"), "pairs": (PAIRS, "pair"),
                 "dtypes": (DTYPES, "dtype"), "variants": (VARIANTS, "variant")}
        return cls(**{f: tuple(check_name(n, known[f][0], known[f][1]) for n in getattr(args, f) or ())
                      for f in known})

    def argv(self):
        """The options that rebuild this selection (for worker processes)."""
        flags = {"families": "--family", "concepts": "--concept", "pairs": "--pair", "dtypes": "--dtype",
                 "variants": "--variant"}
        return [a for f in fields(self) for name in getattr(self, f.name) for a in (flags[f.name], name)]

    def keeps_row(self, row):
        """A case row (any kind) by its family and concept."""
        return ((not self.families or family_of(row.concept) in self.families)
                and (not self.concepts or row.concept in self.concepts))

    def keeps_run(self, run):
        return (not self.dtypes or run.dtype in self.dtypes) and (not self.variants or run.variant in self.variants)

    def keeps_result(self, row):
        """A report row: its pair, dtype and variant."""
        return ((not self.pairs or f"{row['impl_a']}~{row['impl_b']}" in self.pairs)
                and (not self.dtypes or row["dtype"] in self.dtypes)
                and (not self.variants or row["variant"] in self.variants))

    def concepts_selected(self):
        """The concepts the families and concepts options keep (no framework import)."""
        return tuple(c for family, cs in concepts_by_family().items() for c in cs
                     if (not self.families or family in self.families) and (not self.concepts or c in self.concepts))

    def any_concept(self):
        return bool(self.concepts_selected())

    def describe(self):
        return " ".join(self.argv()) or "everything"


def add_arguments(parser):
    """The selection options (repeatable; each defaults to everything)."""
    parser.add_argument("--family", dest="families", action="append", metavar="FAMILY", help="e.g. activations")
    parser.add_argument("--concept", dest="concepts", action="append", metavar="CONCEPT", help="e.g. gelu")
    parser.add_argument("--pair", dest="pairs", action="append", metavar="PAIR", help="e.g. torch~keras")
    parser.add_argument("--dtype", dest="dtypes", action="append", choices=DTYPES)
    parser.add_argument("--variant", dest="variants", action="append", choices=VARIANTS)
