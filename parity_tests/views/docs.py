r"""``parity docs``: the convention tables of the README and the whole of ``docs/conventions.md``, regenerated from
``parity_tests.conventions`` (the table the harness runs), so the prose can never drift from the data.

In README.md (and reports/README.md, when it has any) every region between
``<!-- BEGIN GENERATED: conventions/<family> (parity docs) -->`` and ``<!-- END GENERATED -->`` is rewritten in
place with that family's differing keys; text outside the regions is left alone. ``docs/conventions.md`` is
generated whole: every family, concept and key. ``--check`` writes nothing and exits 1 with a unified diff on
stderr when a file is stale (a test runs it, so ``make test`` fails on an edited convention until
``parity docs`` has been run). Importing this module imports no framework.
"""
import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass

from ..conventions import convention
from ..selection import concepts_by_family
from . import docs_backends
from .atomic import write_atomic

__all__ = ["GROUPS", "REGION_FILES", "REFERENCE", "DocsError", "Row", "rows_of", "differences", "family_region",
           "reference", "render_regions", "rendered", "main"]

GROUPS = ("defaults", "formula", "param_init", "related")
ABSENT = "<absent>"  # a key one framework does not have (``parity_tests.conventions.differing``'s marker)
REGION_FILES = ("README.md", os.path.join("reports", "README.md"))  # regions rewritten in place
REFERENCE = os.path.join("docs", "conventions.md")  # generated whole
FAMILY_ORDER = ("activations", "losses", "optimizers", "schedules", "clipping", "initializers", "perceptron",
                "layers", "models", "gradient_flow", "training")  # the README's reading order; others follow
BEGIN = re.compile(r"<!-- BEGIN GENERATED: (?P<name>[^ ]+) \(parity docs\) -->\n")
REGION = re.compile(r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[^ ]+) \(parity docs\) -->\n)(?P<body>.*?)"
                    r"(?P<end><!-- END GENERATED -->)", re.S)


class DocsError(ValueError):
    r"""A generated region that cannot be rendered (unknown name, unbalanced markers)."""


@dataclass(frozen=True)
class Row:
    r"""One key of a concept's conventions: both frameworks' values and notes (``ABSENT`` where a side lacks it)."""
    group: str
    key: str
    torch: object
    keras: object
    torch_note: str
    keras_note: str

    @property
    def differs(self):
        return self.torch != self.keras

    @property
    def name(self):
        r"""``group.key``, as the report's ``cause`` column names it."""
        return f"{self.group}.{self.key}"


# ---- cells -------------------------------------------------------------------------------------------------


def _cell(text):
    r"""One table cell: one line, ``|`` escaped (GFM unescapes ``\|`` inside code spans too), tags neutralised."""
    text = " ".join(str(text).split())
    return re.sub(r"<(?=[A-Za-z/!])", "&lt;", text.replace("|", r"\|"))


def _code(text):
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _value(value):
    r"""``repr`` in a code span; an absent key is an em dash."""
    return "—" if isinstance(value, str) and value == ABSENT else _code(repr(value))


def _notes(torch_note, keras_note):
    if torch_note == keras_note:
        return torch_note or ""
    return " · ".join(f"{side}: {note}" for side, note in (("torch", torch_note), ("Keras", keras_note)) if note)


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- data --------------------------------------------------------------------------------------------------


def families():
    r"""{family: concepts}: the README's reading order, then any other family alphabetically."""
    by_family = concepts_by_family()
    order = [f for f in FAMILY_ORDER if f in by_family] + sorted(set(by_family) - set(FAMILY_ORDER))
    return {f: by_family[f] for f in order}


def _keys(a, b):
    r"""Torch's keys in the table's order, then Keras's own."""
    return list(a) + [k for k in b if k not in a]


def rows_of(concept):
    r"""Every key of ``concept``'s conventions, group by group in ``GROUPS`` order."""
    t, k = convention(concept, "torch"), convention(concept, "keras")
    rows = []
    for group in GROUPS:
        a, b = getattr(t, group), getattr(k, group)
        rows += [Row(group, key, a.get(key, ABSENT), b.get(key, ABSENT), t.notes.get(key, ""), k.notes.get(key, ""))
                 for key in _keys(a, b)]
    return rows


def differences(family_concepts):
    r"""``[(concepts, row, notes_vary)]``: each differing (key, torch value, Keras value) once, with every concept
    that has it (``row``: the first concept's, so its notes): the most shared first, ``related`` keys (other APIs'
    defaults) last, ties in table order."""
    shared = {}
    for concept in family_concepts:
        for row in rows_of(concept):
            if row.differs:
                shared.setdefault((row.name, repr(row.torch), repr(row.keras)), []).append((concept, row))
    entries = sorted(shared.values(), key=lambda e: (e[0][1].group == "related", -len(e)))  # stable: table order
    return [([c for c, _ in e], e[0][1], len({(r.torch_note, r.keras_note) for _, r in e}) > 1) for e in entries]


# ---- README regions ----------------------------------------------------------------------------------------


def _wildcards(concepts, family_concepts, side):
    r"""``network/rule`` names (training) with every rule of a network as ``network/*`` (side 0) or every
    network of a rule as ``*/rule`` (side 1); other names as they are."""
    chosen, out = set(concepts), []
    for concept in concepts:
        if "/" not in concept:
            return list(concepts)
        part = concept.split("/")[side]
        siblings = [c for c in family_concepts if c.split("/")[side] == part]
        if len(siblings) > 1 and chosen.issuperset(siblings):
            name = f"{part}/*" if side == 0 else f"*/{part}"
            out += [] if name in out else [name]
        else:
            out.append(concept)
    return out


def _concepts_cell(concepts, family_concepts):
    if len(concepts) > 1 and len(concepts) == len(family_concepts):
        return f"all {len(concepts)}"
    names = min((_wildcards(concepts, family_concepts, side) for side in (1, 0)), key=len)
    return ", ".join(names)


def _why(concepts, row, varies):
    text = _notes(row.torch_note, row.keras_note)
    return f"e.g. {concepts[0]} — {text}" if varies and text else text


def _agreeing_rows(family_concepts):
    return [[c, _code(r.name), _value(r.torch), _value(r.keras), _notes(r.torch_note, r.keras_note)]
            for c in family_concepts for r in rows_of(c)]


def family_region(family):
    r"""The body of region ``conventions/<family>``: a caption and the table of keys where torch and Keras differ
    (every key when none does)."""
    by_family = families()
    if family not in by_family:
        raise DocsError(f"no conventions family {family!r}; known: {', '.join(by_family)}")
    concepts = by_family[family]
    diffs = differences(concepts)
    link = f"[docs/conventions.md](docs/conventions.md#{family})"
    if diffs:
        caption = (f"**{family}**: the keys where torch and Keras differ (—: the framework has no such key; "
                   f"`all N`: every concept of the family). Every key and API: {link}.")
        rows = [[_concepts_cell(cs, concepts), _code(r.name), _value(r.torch), _value(r.keras), _why(cs, r, v)]
                for cs, r, v in diffs]
    else:
        caption = f"**{family}**: torch and Keras agree on every key. APIs: {link}."
        rows = _agreeing_rows(concepts)
    return f"\n{caption}\n\n{_table(['concepts', 'key', 'torch', 'Keras', 'why'], rows)}\n\n"


def _region_body(name):
    kind, _, family = name.partition("/")
    if kind != "conventions" or not family:
        raise DocsError(f"unknown generated region {name!r} (expected conventions/<family>)")
    if family in docs_backends.REGIONS:
        return docs_backends.REGIONS[family]()
    return family_region(family)


def render_regions(text, *, path="README.md"):
    r"""``text`` with every generated region's body re-rendered; everything outside the markers kept."""
    regions = list(REGION.finditer(text))
    if len(regions) != len(BEGIN.findall(text)) or len(regions) != text.count("<!-- END GENERATED -->"):
        raise DocsError(f"{path}: unbalanced GENERATED markers (each BEGIN needs its own END)")
    try:
        return REGION.sub(lambda m: m["begin"] + _region_body(m["name"]) + m["end"], text)
    except DocsError as e:
        raise DocsError(f"{path}: {e}") from None


# ---- docs/conventions.md -----------------------------------------------------------------------------------

_INTRO = """\
# Conventions: every key, both frameworks

<!-- Generated by `parity docs` from parity_tests/conventions/: edit the data there, then run `parity docs`
(`make docs`); `make test` fails while this file is stale. -->

One table per family. For each concept: its API in each framework (`api`), then every key of its
conventions: `defaults` (what a user gets by not passing the hyperparameter), `formula` (the NumPy
reference's switch that reproduces the framework's arithmetic), `param_init` (initial values of learnable
parameters), `related` (other defaults met for the same concept, checked but not run). Values are `repr`;
— where the framework has no such key; ≠ marks a key whose torch and Keras values differ. The README's
tables show the differing keys only.
"""


def _family_counts(concepts):
    rows = [r for c in concepts for r in rows_of(c)]
    return len(concepts), len(rows), sum(r.differs for r in rows)


def _contents(by_family):
    rows = [[f"[{f}](#{f})", *map(str, _family_counts(cs))] for f, cs in by_family.items()]
    return _table(["family", "concepts", "keys", "differ"], rows)


def _family_section(family, concepts):
    n, keys, differ = _family_counts(concepts)
    rows = []
    for concept in concepts:
        t, k = convention(concept, "torch"), convention(concept, "keras")
        rows.append([concept, "api", _code(t.api), _code(k.api), "", ""])
        rows += [[concept, _code(r.name), _value(r.torch), _value(r.keras), "≠" if r.differs else "",
                  _notes(r.torch_note, r.keras_note)] for r in rows_of(concept)]
    table = _table(["concept", "key", "torch", "Keras", "≠", "notes"], rows)
    return f"## {family}\n\n{n} concepts, {keys} keys, {differ} differ.\n\n{table}\n"


def reference():
    r"""The whole of ``docs/conventions.md``."""
    by_family = families()
    sections = [_family_section(f, cs) for f, cs in by_family.items()]
    return "\n".join([_INTRO, _contents(by_family) + "\n", *sections])


# ---- files -------------------------------------------------------------------------------------------------


def default_root():
    r"""The repository root: the parent of the ``parity_tests`` package."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def rendered(*, root):
    r"""``{relative path: (text on disk or None, text to write)}`` for every generated file under ``root``."""
    out = {}
    for rel in REGION_FILES:
        text = _read(os.path.join(root, rel))
        if text is not None:
            out[rel] = (text, render_regions(text, path=rel))
    out[REFERENCE] = (_read(os.path.join(root, REFERENCE)), reference())
    return out


def _diff(rel, old, new):
    return "".join(difflib.unified_diff((old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"{rel} (on disk)", tofile=f"{rel} (parity docs)"))


def _parser():
    parser = argparse.ArgumentParser(prog="parity docs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a unified diff on stderr if a generated file is stale")
    parser.add_argument("--root", default=None, help="repository root (default: the parent of parity_tests/)")
    return parser


def _check(files):
    stale = [rel for rel, (old, new) in files.items() if old != new]
    for rel in stale:
        sys.stderr.write(_diff(rel, *files[rel]))
    if stale:
        print(f"stale: {', '.join(stale)}; run `parity docs` (make docs) to regenerate", file=sys.stderr)
    return 1 if stale else 0


def main(argv=None):
    r"""``parity docs [--check] [--root DIR]``; ``argv`` excludes the word ``docs``."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    root = os.path.abspath(args.root or default_root())
    try:
        files = rendered(root=root)
    except DocsError as e:
        print(f"parity docs: {e}", file=sys.stderr)
        return 2
    if args.check:
        return _check(files)
    for rel, (old, new) in files.items():
        if old != new:
            write_atomic(os.path.join(root, rel), new)
            print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
