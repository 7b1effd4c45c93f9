r"""``parity docs``: README.md's convention tables and docs/conventions.md are exactly what the conventions data
renders (so a convention edited without ``parity docs`` fails ``make test``), ``--check`` catches a hand edit
and names the file, a run restores it, and the output is deterministic and framework-free."""
import json
import os
import re
import shutil
import subprocess
import sys

import dataclasses

import pytest

from parity_tests import conventions
from parity_tests.conventions import convention, differing
from parity_tests.selection import concepts_by_family
from parity_tests.views import docs

ROOT = docs.default_root()
README = os.path.join(ROOT, "README.md")
# The families whose convention tables the README has always discussed: their regions must stay.
README_FAMILIES = ("activations", "optimizers", "schedules", "clipping", "losses", "initializers", "layers", "models",
                   "perceptron", "training")
REGION = re.compile(r"<!-- BEGIN GENERATED: conventions/(?P<family>\w+) \(parity docs\) -->\n(?P<body>.*?)"
                    r"<!-- END GENERATED -->", re.S)


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def _regions(text):
    return {m["family"]: m["body"] for m in REGION.finditer(text)}


def _table_rows(body):
    r"""Data rows of the markdown table(s) in ``body``, as lists of cells (``\|`` is an escaped pipe)."""
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines
            if not line.startswith("| ---")][1:]


def _cell(value):
    """A value as the tables write it: its ``repr`` in a code span, an em dash for a key a framework lacks."""
    return "—" if value == "<absent>" else f"`{value!r}`"


def _covers(cell, concept, family_concepts):
    r"""Whether a README ``concepts`` cell names ``concept`` (``all N``, the name, ``network/*``, ``*/rule``)."""
    if cell == f"all {len(family_concepts)}":
        return True
    network, _, rule = concept.partition("/")
    return any(name in (concept, f"{network}/*", f"*/{rule}") for name in cell.split(", "))


@pytest.fixture
def copy(tmp_path):
    r"""The generated files, copied under a temporary root."""
    for rel in (*docs.REGION_FILES, docs.REFERENCE):
        if os.path.exists(os.path.join(ROOT, rel)):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.join(ROOT, rel), tmp_path / rel)
    return tmp_path


def test_generated_files_are_current(capsys):
    assert docs.main(["--check"]) == 0, "run `parity docs`:\n" + capsys.readouterr().err


def test_edited_convention_makes_the_check_fail(copy, monkeypatch, capsys):
    keras = convention("leaky_relu", "keras")
    edited = dataclasses.replace(keras, defaults={**keras.defaults, "negative_slope": 0.125})
    monkeypatch.setitem(conventions._TABLE, ("leaky_relu", "keras"), edited)
    assert docs.main(["--check", "--root", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "stale: README.md, " + docs.REFERENCE in err and "`0.125`" in err


def test_readme_keeps_a_region_per_family_it_discusses():
    assert set(README_FAMILIES) <= set(_regions(_read(README)))


def test_altered_value_is_caught_and_restored(copy, capsys):
    path = copy / "README.md"
    original = path.read_text(encoding="utf-8")
    body = _regions(original)["activations"]
    row = next(line for line in body.splitlines() if "`defaults.negative_slope`" in line)
    path.write_text(original.replace(row, row.replace("`0.2`", "`0.25`")), encoding="utf-8")
    assert docs.main(["--check", "--root", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "README.md (on disk)" in err and "+" + row in err and "stale: README.md" in err
    assert docs.main(["--root", str(copy)]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert docs.main(["--check", "--root", str(copy)]) == 0


def test_stale_reference_is_caught_and_rewritten_atomically(copy, capsys):
    path = copy / docs.REFERENCE
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("| leaky_relu |", "| leaky_relu_ |", 1), encoding="utf-8")
    path.chmod(0o640)
    assert docs.main(["--check", "--root", str(copy)]) == 1
    assert docs.REFERENCE in capsys.readouterr().err
    assert docs.main(["--root", str(copy)]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert path.stat().st_mode & 0o7777 == 0o640  # the file's own permissions kept
    assert sorted(os.listdir(path.parent)) == ["conventions.md"]  # no temporary file left behind


def test_missing_reference_is_created_with_normal_permissions(copy):
    os.unlink(copy / docs.REFERENCE)
    assert docs.main(["--check", "--root", str(copy)]) == 1
    assert docs.main(["--root", str(copy)]) == 0
    assert (copy / docs.REFERENCE).read_text(encoding="utf-8") == _read(os.path.join(ROOT, docs.REFERENCE))
    mode = (copy / docs.REFERENCE).stat().st_mode & 0o777
    assert mode & 0o600 == 0o600 and mode & 0o044  # readable by others (not mkstemp's 0600)


def test_prose_outside_regions_is_kept(copy):
    path = copy / "README.md"
    edited = path.read_text(encoding="utf-8").replace("## Conventions found so far (activations)\n",
                                                      "## Conventions found so far (activations)\n\nNew prose.\n")
    path.write_text(edited, encoding="utf-8")
    assert docs.main(["--check", "--root", str(copy)]) == 0
    assert docs.main(["--root", str(copy)]) == 0
    assert path.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize("damage, message", [
    (lambda t: t.replace("conventions/activations (parity", "conventions/activation (parity", 1), "activation"),
    (lambda t: t.replace("<!-- END GENERATED -->", "", 1), "unbalanced"),
])
def test_bad_regions_are_errors(copy, capsys, damage, message):
    path = copy / "README.md"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert docs.main(["--check", "--root", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "README.md" in err and message in err


def test_leaky_relu_defaults_row_reads_the_data():
    torch_slope = convention("leaky_relu", "torch").defaults["negative_slope"]
    keras_slope = convention("leaky_relu", "keras").defaults["negative_slope"]
    rows = _table_rows(_regions(_read(README))["activations"])
    matches = [r for r in rows if r[1] == "`defaults.negative_slope`" and "leaky_relu" in r[0].split(", ")]
    assert len(matches) == 1
    assert matches[0][2:4] == [f"`{torch_slope!r}`", f"`{keras_slope!r}`"]


def test_every_difference_has_a_readme_row():
    regions = _regions(_read(README))
    for family, concepts in concepts_by_family().items():
        if family not in regions:
            continue
        rows = _table_rows(regions[family])
        for concept in concepts:
            for group, key, a, b in differing(concept, groups=docs.GROUPS):
                cells = [f"`{group}.{key}`", _cell(a), _cell(b)]
                assert any(r[1:4] == cells and _covers(r[0], concept, concepts) for r in rows), (concept, key)


def test_reference_lists_every_key_of_every_concept():
    sections = re.split(r"^## (\w+)\n", _read(os.path.join(ROOT, docs.REFERENCE)), flags=re.M)
    by_section = dict(zip(sections[1::2], sections[2::2]))
    for family, concepts in concepts_by_family().items():
        listed = [(r[0], r[1]) for r in _table_rows(by_section[family])]
        expected = []
        for concept in concepts:
            t, k = convention(concept, "torch"), convention(concept, "keras")
            expected.append((concept, "api"))
            expected += [(concept, f"`{g}.{key}`") for g in docs.GROUPS
                         for key in {**getattr(t, g), **getattr(k, g)}]
        assert sorted(listed) == sorted(expected), family


_RENDER = """
import json, sys
from parity_tests.views import docs
text = docs.render_regions(open(sys.argv[1], encoding="utf-8").read()) + docs.reference()
loaded = [m for m in ("torch", "tensorflow", "keras", "jax") if m in sys.modules]
sys.stdout.write(json.dumps({"text": text, "frameworks": loaded}))
"""


def test_output_is_deterministic_and_imports_no_framework():
    here = docs.render_regions(_read(README)) + docs.reference()
    assert here == docs.render_regions(_read(README)) + docs.reference()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _RENDER, README], capture_output=True, check=True, env=env,
                             cwd=ROOT)
        result = json.loads(out.stdout)
        assert result["text"] == here and result["frameworks"] == []
