r"""``parity show``: the three implementations' real source side by side, the conventions table, the measured
lines of a report (worst status, cause keys, old reports without ``cause_keys``), widths, colour, and an
unknown concept refused before any framework is imported."""
import inspect
import io
import re
import subprocess
import sys

import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

import keras_impl.activations_smooth
import reference_numpy.activations_smooth
import torch_impl.activations_smooth
from parity_tests.views import show
from parity_tests.views.show_measured import summarise

GELU = {"numpy": reference_numpy.activations_smooth.gelu,
        "numpy_backward": reference_numpy.activations_smooth.gelu_backward,
        "torch": torch_impl.activations_smooth.gelu, "keras": keras_impl.activations_smooth.gelu}
REPORT_COLUMNS = ["family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity", "n",
                  "max_abs", "status", "cause", "cause_keys"]


def text_of(renderable, *, width=120):
    r"""What ``renderable`` prints on a ``width``-column console, as plain text."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def assert_fits(text, width):
    too_long = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_long, too_long[:3]


def synthetic_report(path, *, cause_keys=True):
    r"""Four (variant, dtype, inputs, pair) lines of gelu over two quantities each, one per status."""
    def row(variant, inputs, impl_a, impl_b, quantity, status, max_abs, keys="", cause=""):
        return ["activations", "gelu", variant, '{"approximate": "tanh"}' if variant == "aligned" else "{}",
                "float32", inputs, impl_a, impl_b, quantity, 24, max_abs, status, cause, keys]
    rows = [row("defaults", "typical", "torch", "keras", "forward", "expected", 0.25, "defaults.negative_slope"),
            row("defaults", "typical", "torch", "keras", "grad_x", "match", 0.75, "formula.constant_dtype"),
            row("aligned", "typical", "torch", "keras", "forward", "match", 1e-7),
            row("aligned", "typical", "torch", "keras", "grad_x", "FAIL", 0.5, "", "not reproduced by numpy"),
            row("aligned", "tiny", "numpy[torch]", "torch", "forward", "ERROR", "", "", "RuntimeError: boom"),
            row("aligned", "tiny", "numpy[torch]", "torch", "grad_x", "match", 3e-9),
            row("aligned", "large", "numpy[keras]", "keras", "forward", "match", 1e-8),
            row("aligned", "large", "numpy[keras]", "keras", "grad_x", "match", 2e-8)]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    (frame if cause_keys else frame.drop(columns=["cause_keys"])).to_csv(path, index=False)
    return str(path)


@pytest.fixture(scope="module")
def gelu_text(tmp_path_factory):
    report = synthetic_report(tmp_path_factory.mktemp("report") / "divergence.csv")
    return text_of(show.render("gelu", report=report))


@pytest.fixture(scope="module")
def gelu_wide():
    return text_of(show.render("gelu", stacked=True), width=220)


def test_side_by_side_has_every_word_of_the_three_sources_and_the_backward(gelu_text):
    for name, fn in GELU.items():
        words = set(re.findall(r"\w{2,}", inspect.getsource(fn)))
        missing = [w for w in words if w not in gelu_text]
        assert not missing, (name, missing)
    assert re.search(r"NumPy reference: gelu_backward", gelu_text)
    assert "torch: gelu" in gelu_text and "Keras 3: gelu" in gelu_text


def test_side_by_side_puts_the_three_panels_on_the_same_lines(gelu_text):
    line = next(line for line in gelu_text.splitlines() if "NumPy reference: gelu " in line)
    assert "torch: gelu" in line and "Keras 3: gelu" in line


def test_stacked_shows_each_source_line_whole_with_its_file_line_number(gelu_wide):
    for name, fn in GELU.items():
        lines, first = inspect.getsourcelines(fn)
        indent = len(lines[0]) - len(lines[0].lstrip())
        for number, line in enumerate(lines, first):
            if line.strip():
                assert re.search(rf"\b{number} +{re.escape(line[indent:].rstrip())}", gelu_wide), (name, number, line)
        assert f"{fn.__module__}.{fn.__qualname__}" in gelu_wide
        assert f"{fn.__module__.replace('.', '/')}.py:{first}" in gelu_wide


def test_conventions_table_marks_the_keys_that_differ(gelu_text):
    assert re.search(r"defaults +approximate +'none' +'none'", gelu_text)
    differing = next(line for line in gelu_text.splitlines() if "keras.ops.gelu.approximate" in line)
    assert differing.lstrip().startswith("≠") and "True" in differing and "absent" in differing
    leaky = text_of(show.render("leaky_relu", code=False))
    slope = next(line for line in leaky.splitlines() if re.search(r"defaults +negative_slope", line))
    assert slope.lstrip().startswith("≠") and "0.01" in slope and "0.2" in slope


def test_measured_lines_show_the_worst_status_the_largest_gap_and_the_union_of_cause_keys(gelu_text):
    assert "8 checks on 4 lines: 5 match, 1 expected, 1 FAIL, 1 ERROR" in gelu_text
    expected = next(line for line in gelu_text.splitlines() if re.search(r"torch~keras +defaults", line))
    assert "expected" in expected and "0.75" in expected
    assert "defaults.negative_slope" in gelu_text and "formula.constant_dtype" in gelu_text
    assert re.search(r"torch~keras +aligned +float32 +typical +FAIL +0\.5", gelu_text)
    assert re.search(r"numpy\[torch\]~torch +aligned +float32 +tiny +ERROR", gelu_text)
    assert "RuntimeError: boom" in gelu_text and "not reproduced by numpy" in gelu_text
    assert "aligned approximate='tanh'" in gelu_text  # one kwargs per variant: a legend, not a column


def test_summarise_orders_worst_first_then_torch_keras():
    rows = pd.DataFrame({"variant": "v", "kwargs": "{}", "dtype": "float32", "inputs": "typical",
                         "pair": ["numpy[torch]~torch", "numpy[torch]~torch", "torch~keras", "torch~keras",
                                  "numpy[keras]~keras"],
                         "quantity": ["forward", "grad_x"] * 2 + ["forward"],
                         "status": ["match", "expected", "match", "expected", "FAIL"],
                         "max_abs": [1.0, "", 3.0, 2.0, 0.5], "cause_keys": ["a;b", "b;c", "", "d", ""]})
    lines = summarise(rows)
    assert list(lines["pair"]) == ["numpy[keras]~keras", "torch~keras", "numpy[torch]~torch"]
    assert list(lines["status"]) == ["FAIL", "expected", "expected"]
    assert list(lines["max_abs"]) == [0.5, 3.0, 1.0]
    assert list(lines["cause_keys"]) == ["", "d", "a, b, c"]


def test_a_report_without_cause_keys_is_read(tmp_path):
    report = synthetic_report(tmp_path / "divergence.csv", cause_keys=False)
    text = text_of(show.render("gelu", report=report, code=False))
    assert "8 checks on 4 lines" in text and "predates cause_keys" in text
    assert "defaults.negative_slope" not in text and "cause keys" not in text


def test_a_failure_that_is_a_listed_keras_inconsistency_says_so(tmp_path):
    path = synthetic_report(tmp_path / "divergence.csv")
    frame = pd.read_csv(path, keep_default_na=False)  # written before the finding column: read as empty
    assert "[listed:" not in text_of(show.render("gelu", report=path, code=False))
    frame["finding"] = ["", "", "", "result_type_64_to_32", "", "", "", ""]
    frame.to_csv(path, index=False)
    text = text_of(show.render("gelu", report=path, code=False))
    assert "not reproduced by numpy [listed: result_type_64_to_32]" in text
    assert "boom [listed" not in text  # the ERROR row is not an instance


def test_many_lines_are_capped_until_all(capsys):
    assert show.main(["adam", "--no-code", "--width", "120"]) == 0  # the committed reference report
    capped = capsys.readouterr().out
    assert show.main(["gelu", "--no-code", "--width", "120"]) == 0
    gelu = capsys.readouterr().out
    assert re.search(r"\.\.\. \d+ more lines \(\d+ match\); --all shows them", gelu)
    assert show.main(["gelu", "--no-code", "--all", "--width", "120"]) == 0
    everything = capsys.readouterr().out
    assert "more lines" not in everything and len(everything.splitlines()) > len(gelu.splitlines()) + 20
    assert "torch~keras" in capped and "\x1b[" not in capped + gelu + everything


@pytest.mark.parametrize("width", [120, 80])
@pytest.mark.parametrize("concept", ["gelu", "adam", "batchnorm"])
def test_concepts_render_within_the_width(concept, width):
    text = text_of(show.render(concept), width=width)
    assert_fits(text, width)
    assert concept in text.splitlines()[0] and "conventions" in text and "measured" in text
    side_by_side = any("torch: " in line and "Keras 3: " in line for line in text.splitlines())
    assert side_by_side == (width >= 100)  # stacked automatically when narrow


def test_stacked_and_side_by_side_flags(capsys):
    assert show.main(["gelu", "--width", "120", "--stacked"]) == 0
    stacked = capsys.readouterr().out
    assert not any("torch: " in line and "Keras 3: " in line for line in stacked.splitlines())
    assert show.main(["gelu", "--width", "90", "--side-by-side"]) == 0
    narrow = capsys.readouterr().out
    assert any("torch: " in line and "Keras 3: " in line for line in narrow.splitlines())
    assert_fits(narrow, 90)


def test_colour_only_when_asked(capsys, tmp_path):
    report = synthetic_report(tmp_path / "divergence.csv")
    assert show.main(["gelu", "--no-code", "--report", report, "--color", "always"]) == 0
    assert "\x1b[" in capsys.readouterr().out
    assert show.main(["gelu", "--no-code", "--report", report]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out and "1 ERROR" in out
    assert_fits(out, 120)  # not a terminal: 120 columns


def test_a_missing_report_is_refused(capsys, tmp_path):
    assert show.main(["gelu", "--report", str(tmp_path / "nope.csv")]) == 2
    assert "no report" in capsys.readouterr().err


@pytest.mark.parametrize("name, close", [("Gelu", "gelu"), ("adma", "adam")])
def test_unknown_concept_exits_2_naming_close_matches_without_importing_a_framework(name, close):
    code = ("import sys\nfrom parity_tests.views import show\nrc = show.main([%r])\n"
            "print(rc, sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))" % name)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["2", "[]"], done.stdout + done.stderr
    assert "did you mean" in done.stderr and close in done.stderr and "Traceback" not in done.stderr


def test_importing_show_and_rendering_without_code_imports_no_framework(tmp_path):
    report = synthetic_report(tmp_path / "divergence.csv")
    code = ("import sys\nfrom parity_tests.views import show\n"
            "show.main(['leaky_relu', '--no-code', '--report', %r])\n"
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))" % report)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
    assert "negative_slope" in done.stdout
