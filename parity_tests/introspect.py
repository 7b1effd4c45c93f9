"""The conventions table against the installed frameworks, by introspection: every ``defaults``/``related`` key
with a ``Source`` is read off the framework's own signature (never off this project's wrappers) and compared
with the table. Each key is one report row -- pair ``<framework>~conventions``, quantity ``<group>.<key>`` -- so
an upgraded framework whose default moved fails the gate with a row naming the concept and the key.
"""
import importlib
import inspect
from typing import NamedTuple

from .conventions import Source, all_conventions, family_of

__all__ = ["Reading", "resolve", "installed", "describe", "readings", "rows", "source_text"]


class Reading(NamedTuple):
    """One key: the table's value and what the installed framework says (or why it could not be read)."""
    framework: str
    concept: str
    group: str
    key: str
    table: object
    installed: object
    where: str
    problem: str = ""

    @property
    def ok(self):
        return not self.problem and _same(self.table, self.installed)


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and float(a) == float(b)
    return a == b or (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and tuple(a) == tuple(b))


def resolve(path):
    """The object at a dotted path: the longest importable module prefix, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(path)


def installed(source):
    """The installed default ``source`` points at, in the table's form."""
    value = inspect.signature(resolve(source.api)).parameters[source.param].default
    if value is inspect.Parameter.empty:
        raise LookupError(f"{describe(source)} has no default")
    value = value[source.index] if source.index is not None else value
    return source.read(value) if source.read else value


def describe(source):
    """``api(param)[index]``: where the value is read."""
    sources = source if isinstance(source, tuple) and not isinstance(source, Source) else (source,)
    return " and ".join(f"{s.api}({s.param})" + (f"[{s.index}]" if s.index is not None else "") for s in sources)


def _reading(conv, group, key, source):
    sources = source if isinstance(source, tuple) and not isinstance(source, Source) else (source,)
    table = getattr(conv, group)[key]
    try:
        values = [installed(s) for s in sources]
    except Exception as exc:  # an API that moved or lost its default is a finding, not a crash
        return Reading(conv.framework, conv.concept, group, key, table, None, describe(source),
                       f"cannot read {describe(source)}: {type(exc).__name__}: {exc}")
    disagree = [v for v in values[1:] if not _same(v, values[0])]
    problem = f"the installed sources disagree: {describe(source)} give {values!r}" if disagree else ""
    return Reading(conv.framework, conv.concept, group, key, table, values[0], describe(source), problem)


def readings(conventions=None):
    """A ``Reading`` per sourced key of ``conventions`` (default: the whole table), in table order."""
    out = []
    for conv in conventions or all_conventions():
        for key, source in conv.sources.items():
            group = "defaults" if key in conv.defaults else "related"
            out.append(_reading(conv, group, key, source))
    return out


def _row(reading, seed):
    cause = "" if reading.ok else (reading.problem or (
        f"installed {reading.where} default is {reading.installed!r}; the conventions table says "
        f"{reading.table!r}: the framework changed (update parity_tests/conventions and check the NumPy "
        f"convention) or the table is wrong"))
    return dict(family=family_of(reading.concept), concept=reading.concept, variant="defaults", kwargs="", dtype="",
                inputs="installed", impl_a=reading.framework, impl_b="conventions",
                quantity=f"{reading.group}.{reading.key}", n=1, max_abs="", max_rel="", max_ulp="", frac_out="",
                atol="", rtol="", status="match" if reading.ok else "FAIL", cause=cause, cause_keys="", finding="",
                seed=seed,
                first_step="", abs_step_1="", abs_step_10="", abs_step_last="", abs_curve="", repeat="",
                run=f"{family_of(reading.concept)}/{reading.concept}/installed/{reading.framework}")


def rows(concepts, seed):
    """Report rows for the sourced keys of ``concepts`` (names), one per key."""
    wanted = set(concepts)
    return [_row(r, seed) for r in readings([c for c in all_conventions() if c.concept in wanted])]


def source_text(conv):
    """{key: where} for run_metadata.json."""
    return {key: describe(source) for key, source in conv.sources.items()}
