"""The bad-input contract of one row, as a typed verdict (no pytest: the report and ``tests/test_bad_input.py`` share
it). Each row's three implementations raise the same built-in exception class -- ``TypeError`` for a wrong type or
dtype (None, strings, bools where a number is meant, complex, object, integer or bool arrays where floats are meant,
a non-integer where an int is meant, float or complex labels), ``ValueError`` for a wrong shape or value (0-d or
empty where a reduction needs elements, NaN, numbers outside their interval -- NaN and infinities are outside every
interval --, labels or probabilities out of range, unknown choices) -- from the package's validation, before any
framework computation: the message names the argument (word boundary), is worded alike in the three (up to printed
numbers and the container's name) and carries no framework text. Or the three return one documented value
(``Same``), each listed in the README ("Bad input: one contract")."""
import re
from typing import NamedTuple

import numpy as np

from .rows import FRAMEWORKS, Same, as_numpy, convert

__all__ = ["LEAK", "Outcome", "Verdict", "wording", "call", "outcome", "check"]

# Framework text that must never reach the user: the check runs before the framework does.
LEAK = re.compile(r"tensorflow|keras\.src|torch\.(?!Tensor\b)|aten::|function_node|OP_REQUIRES|EagerTensor|"
                  r"not supported between|unsupported operand|<dtype|ufunc|Traceback|position \d", re.I)
_SHOWN = 240  # characters of a message or value quoted in a problem (the report's cause stays one tidy line)


class Outcome(NamedTuple):
    """What one implementation did with a row's input: ``raised`` the exception's class name ("" when it
    returned), ``message`` its message (or the value returned, as text), ``wording`` the message up to what may
    differ, ``problem`` how it breaks the contract ("" when it keeps it)."""
    framework: str
    raised: str
    message: str
    wording: str
    problem: str


class Verdict(NamedTuple):
    """A row checked: one ``Outcome`` per implementation (``FRAMEWORKS`` order); ``same_text``: the messages must
    be worded alike."""
    per_impl: tuple
    same_text: bool

    def between(self, *frameworks):
        """How the implementations ``frameworks`` break the contract ("" when they keep it): each one's problem,
        else -- rows that are worded alike -- differing wordings."""
        chosen = [o for o in self.per_impl if o.framework in frameworks]
        problems = [o.problem for o in chosen if o.problem]
        if problems:
            return "; ".join(problems)
        if self.same_text and len({o.wording for o in chosen}) > 1:
            return "worded differently: " + "; ".join(f"{o.framework}: {_short(o.message)}" for o in chosen)
        return ""

    @property
    def problem(self):
        return self.between(*FRAMEWORKS)

    @property
    def ok(self):
        return not self.problem


def _short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "\u2026"


def wording(message):
    """The message up to what legitimately differs: printed numbers and the container's name."""
    message = re.sub(r"\b(numpy\.ndarray|torch\.Tensor|tensors?|arrays?)\b", "ARRAY", message)
    return re.sub(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?", "#", message)


def call(row, framework, fn):
    """``fn`` (``framework``'s implementation) called with the row's arguments as ``framework`` gets them."""
    return fn(*(convert(framework, a) for a in row.args), **row.kwargs)


def _rejection(row, framework, error):
    """The problem of an exception ``error`` raised where the row expects ``row.expected`` ("" when none)."""
    name, message = type(error).__name__, str(error)
    leak = LEAK.search(message)
    if type(error) is not row.expected:
        return f"{framework} raised {name}: {_short(message)} (the contract: {row.expected.__name__})"
    if not re.search(rf"\b{re.escape(row.argument)}\b", message):
        return f"{framework}'s {name} does not name {row.argument!r}: {_short(message)}"
    return f"{framework}'s {name} carries framework text ({leak.group(0)!r}): {_short(message)}" if leak else ""


def _value_problem(row, framework, got):
    """The problem of a returned value where the row documents ``row.expected`` (a ``Same``; "" when none)."""
    want = np.asarray(row.expected.value)
    if got.shape != want.shape:
        return f"{framework} returned shape {got.shape}, the documented value has shape {want.shape}"
    if not np.allclose(got, want, rtol=row.expected.rtol, atol=row.expected.atol, equal_nan=True):
        return f"{framework} returned {_short(got.tolist())}, documented {_short(want.tolist())}"
    return ""


def outcome(row, framework, fn):
    """The ``Outcome`` of calling one implementation with the row's input."""
    same = isinstance(row.expected, Same)
    try:
        with np.errstate(all="ignore"):  # the reference computes the documented NaN and inf like the frameworks
            got = call(row, framework, fn)
            got = as_numpy(got) if same else got
            problem = _value_problem(row, framework, got) if same else (
                f"{framework} returned {_short(got)} instead of raising {row.expected.__name__}")
    except Exception as error:  # the contract is about what raises: every exception is an outcome
        message = str(error)
        problem = (f"{framework} raised {type(error).__name__}: {_short(message)} instead of returning the "
                   f"documented value") if same else _rejection(row, framework, error)
        return Outcome(framework, type(error).__name__, message, wording(message), problem)
    return Outcome(framework, "", _short(got), "", problem)


def check(row):
    """The ``Verdict`` of one ``BadInput`` row: its three implementations called once each."""
    per_impl = tuple(outcome(row, framework, fn) for framework, fn in zip(FRAMEWORKS, row.fns))
    return Verdict(per_impl, row.same_text and not isinstance(row.expected, Same))
