"""One bad-input contract for the three packages, as one table (rows by family in ``tests/test_bad_input_*.py``).

Each row's three implementations raise the same built-in exception class -- ``TypeError`` for a wrong type or dtype
(None, strings, bools where a number is meant, complex, object, integer or bool arrays where floats are meant, a
non-integer where an int is meant, float or complex labels), ``ValueError`` for a wrong shape or value (0-d or
empty where a reduction needs elements, NaN, numbers outside their interval -- NaN and infinities are outside
every interval --, labels or probabilities out of range, unknown choices) -- from the package's validation, before
any framework computation: the message names the argument (word boundary), is worded alike in the three (up to
printed numbers and the container's name) and carries no framework text. Or the three return one documented
value (``Same``), each listed in the README ("Bad input: one contract")."""
import re
from pathlib import Path

import numpy as np
import pytest

from tests.test_bad_input_activations import ROWS as ACTIVATIONS
from tests.test_bad_input_losses import ROWS as LOSSES
from tests.test_bad_input_optimizers import ROWS as OPTIMIZERS, RULES
from tests.test_bad_input_other import ROWS as OTHERS
from tests.test_bad_input_rows import FRAMEWORKS, BadInput, Same, as_numpy, convert

TABLE: tuple[BadInput, ...] = ACTIVATIONS + LOSSES + OPTIMIZERS + OTHERS
FAMILIES = ("activations", "losses", "optimizers", "schedules", "clipping", "initializers", "layers", "models",
            "perceptron", "gradcheck", "gradient_flow", "training")
# Framework text that must never reach the user: the check runs before the framework does.
LEAK = re.compile(r"tensorflow|keras\.src|torch\.(?!Tensor\b)|aten::|function_node|OP_REQUIRES|EagerTensor|"
                  r"not supported between|unsupported operand|<dtype|ufunc|Traceback|position \d", re.I)
README = Path(__file__).resolve().parents[1] / "README.md"


def _wording(message):
    """The message up to what legitimately differs: printed numbers and the container's name."""
    message = re.sub(r"\b(numpy\.ndarray|torch\.Tensor|tensors?|arrays?)\b", "ARRAY", message)
    return re.sub(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?", "#", message)


def _call(row, framework, fn):
    return fn(*(convert(framework, a) for a in row.args), **row.kwargs)


def _assert_same_value(row):
    for framework, fn in zip(FRAMEWORKS, row.fns):
        with np.errstate(all="ignore"):  # the reference computes the documented NaN and inf like the frameworks
            got = as_numpy(_call(row, framework, fn))
        want = np.asarray(row.expected.value)
        assert got.shape == want.shape, (framework, got.shape)
        np.testing.assert_allclose(got, want, rtol=row.expected.rtol, atol=row.expected.atol, equal_nan=True,
                                   err_msg=framework)


def _assert_rejected(row):
    wordings = set()
    for framework, fn in zip(FRAMEWORKS, row.fns):
        with pytest.raises(Exception) as info:
            _call(row, framework, fn)
        error, message = info.value, str(info.value)
        assert type(error) is row.expected, f"{framework}: {type(error).__name__}: {message}"
        assert re.search(rf"\b{re.escape(row.argument)}\b", message), f"{framework}: {message}"
        assert not LEAK.search(message), f"{framework}: {message}"
        wordings.add(_wording(message))
    assert not row.same_text or len(wordings) == 1, wordings


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.family}/{r.concept}: {r.reason}" for r in TABLE])
def test_one_contract(row):
    if isinstance(row.expected, Same):
        _assert_same_value(row)
    else:
        _assert_rejected(row)


def test_the_table_covers_every_family_and_kind():
    assert len(TABLE) >= 60
    assert {r.family for r in TABLE} == set(FAMILIES)
    assert all(r.expected in (TypeError, ValueError) or isinstance(r.expected, Same) for r in TABLE)
    assert all(r.argument and r.reason for r in TABLE)
    ids = [(r.family, r.concept, r.reason) for r in TABLE]
    assert len(ids) == len(set(ids)), "two rows say the same thing"


def test_every_update_rule_rejects_a_mismatched_gradient_shape_and_dtype():
    for rule in RULES:
        reasons = {r.reason for r in OPTIMIZERS if r.concept == rule.concept and r.argument == "grads"}
        assert {"gradient shape mismatch", "float64 gradient for a float32 parameter"} <= reasons, rule.concept


def test_the_readme_lists_every_documented_value():
    text = README.read_text()
    section = text.split("### Bad input: one contract", 1)[1].split("\n## ", 1)[0]
    listed = {tuple(c.strip() for c in line.strip("|").split("|")[:3]) for line in section.splitlines()
              if line.startswith("| ") and not line.startswith("| family")}
    documented = {(r.family, r.concept, r.reason) for r in TABLE if isinstance(r.expected, Same)}
    assert documented <= listed, documented - listed
