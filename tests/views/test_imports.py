r"""The views load lazily: importing ``diff``, ``plots`` or ``site`` in a fresh interpreter imports no framework
(and the plotting ones not matplotlib either: it loads on the first figure)."""
import subprocess
import sys

import pytest

FRAMEWORKS = ("torch", "tensorflow", "keras")


@pytest.mark.parametrize("module, unwanted", [
    ("parity_tests.views.diff", FRAMEWORKS),
    ("parity_tests.views.plots", FRAMEWORKS + ("matplotlib",)),
    ("parity_tests.views.site", FRAMEWORKS + ("matplotlib",)),
])
def test_import_loads_no_framework(module, unwanted):
    code = f"import sys, {module}; print(sorted(m for m in {unwanted!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
