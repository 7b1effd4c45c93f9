r"""``parity html``: the site built from the committed reference report (the index and one concept page per
family), opened in headless Chromium (Debian's ``chromium`` and ``chromedriver``; ``make browser`` installs them):
every page loads without a console error, its tables have rows, its images load, its links resolve to files, the
measured table sorts and filters. Without a browser: a rebuild is byte-identical, a misspelt ``--concept`` exits 2
with close matches, an ``--out`` that is not a site is left alone; importing the module imports no
framework (tests/views/test_imports.py)."""
import importlib.util
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from parity_tests import REFERENCE_DIR
from parity_tests.selection import concepts_by_family
from parity_tests.views.site import build, main
from parity_tests.views.concept import load_report
from parity_tests.views.site_pages import slug
from parity_tests.views.site_tables import concept_order

REPORT = Path(REFERENCE_DIR) / "divergence.csv"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ONE_PER_FAMILY = {family: concepts[0] for family, concepts in concepts_by_family().items()}
HAS_PLOTS = importlib.util.find_spec("parity_tests.views.plots") is not None

_ROWS = "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))"
VISIBLE_ROWS = _ROWS + ".filter(r => !r.hidden && getComputedStyle(r).display !== 'none').length;"
ROW_TEXTS = _ROWS + ".map(r => Array.from(r.cells).map(c => c.textContent).join(' '));"
COLUMN = _ROWS + ".map(r => r.cells[arguments[1]].textContent);"
REFERENCES = ("return [].concat("
              "Array.from(document.querySelectorAll('a[href], link[href]'), e => e.getAttribute('href')), "
              "Array.from(document.querySelectorAll('img[src], script[src]'), e => e.getAttribute('src')));")
IMAGES = "return Array.from(document.images, i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    r"""The index of a site with one concept page per family (plots included when plots.py exists)."""
    out = tmp_path_factory.mktemp("html") / "site"
    return build(out, report_path=REPORT, concepts=list(ONE_PER_FAMILY.values()))


@pytest.fixture(scope="module")
def driver():
    r"""One headless Chromium for the module: Debian's browser and driver, never a downloaded one."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: `make browser` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    yield chrome
    chrome.quit()


def open_page(driver, path):
    r"""Load ``path`` from disk; fail on an empty title or any SEVERE console entry (printed)."""
    driver.get_log("browser")  # drop what an earlier page left
    driver.get(path.as_uri())
    assert driver.title.strip(), f"{path}: empty title"
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    for entry in severe:
        print(f"{path.name}: {entry['message']}")
    assert not severe, f"{path}: console errors {severe}"


def check_references(driver, page):
    r"""Every ``href``/``src`` is relative and names an existing file (resolved against the page's path)."""
    for ref in driver.execute_script(REFERENCES):
        parts = urlsplit(ref)
        if parts.scheme == "data":
            continue
        assert not parts.scheme and not parts.netloc, f"{page.name}: {ref!r} is not a relative link"
        if parts.path:
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.name}: {ref!r} -> {target} does not exist"


def check_images(driver, page, *, expected):
    images = driver.execute_script(IMAGES)
    assert len(images) == expected, f"{page.name}: {len(images)} images, {expected} plots written"
    assert all(loaded for _, loaded in images), f"{page.name}: not loaded {[s for s, ok in images if not ok]}"


def sort_key(text):
    r"""The page script's order: numbers (``inf`` included) before text, text by code point."""
    s = text.strip().lower()
    try:
        return (0, float(s), "") if s not in ("", "nan") else (1, 0.0, s)
    except ValueError:
        return (1, 0.0, s)


def check_sorting(driver, table):
    r"""Click the first header whose column is not already in order: ascending, then descending on a second click."""
    from selenium.webdriver.common.by import By
    headers = driver.find_elements(By.CSS_SELECTOR, f"{table} thead th")
    columns = [driver.execute_script(COLUMN, table, i) for i in range(len(headers))]
    unsorted = [i for i, values in enumerate(columns) if [sort_key(v) for v in values] != sorted(map(sort_key, values))]
    assert unsorted, f"{table}: every column is already sorted"
    i, before = unsorted[0], driver.execute_script(ROW_TEXTS, table)
    headers[i].click()
    assert driver.execute_script(ROW_TEXTS, table) != before, f"{table}: clicking {headers[i].text!r} kept the order"
    assert [sort_key(v) for v in driver.execute_script(COLUMN, table, i)] == sorted(map(sort_key, columns[i]))
    headers[i].click()
    assert [sort_key(v) for v in driver.execute_script(COLUMN, table, i)] == sorted(map(sort_key, columns[i]),
                                                                                     reverse=True)


def check_filtering(driver, table, column):
    r"""Type the rarest value of ``column`` into the table's filter box: only the rows holding it stay visible."""
    from selenium.webdriver.common.by import By
    headers = [h.text.strip(" \u2195\u2191\u2193") for h in driver.find_elements(By.CSS_SELECTOR, f"{table} thead th")]
    values, rows = driver.execute_script(COLUMN, table, headers.index(column)), driver.execute_script(ROW_TEXTS, table)
    word = min(sorted(set(values)), key=values.count)
    expected = sum(word.lower() in row.lower() for row in rows)
    assert driver.execute_script(VISIBLE_ROWS, table) == len(rows)
    box = driver.find_element(By.CSS_SELECTOR, f"input[data-filter='{table[1:]}']")
    box.send_keys(word)
    shown = driver.execute_script(VISIBLE_ROWS, table)
    assert shown == expected and 0 < shown < len(rows), f"{table}: filter {word!r} shows {shown} of {len(rows)} rows"
    driver.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));", box)
    assert driver.execute_script(VISIBLE_ROWS, table) == len(rows)


def test_index(site, driver):
    open_page(driver, site)
    rows = driver.execute_script(ROW_TEXTS, "#matrix")
    # every concept of the conventions table, then those only the report has (bad-input rows named after a function)
    assert len(rows) == len(concept_order(load_report(REPORT), concepts_by_family()))
    assert len(rows) >= sum(len(c) for c in concepts_by_family().values())
    links = [h for h in driver.execute_script(REFERENCES) if h.startswith("concepts/")]
    assert sorted(unquote(h) for h in links) == sorted(f"concepts/{slug(c)}.html" for c in ONE_PER_FAMILY.values())
    assert driver.execute_script(VISIBLE_ROWS, "#tolerances") > 0
    check_references(driver, site)
    check_filtering(driver, "#matrix", "family")


@pytest.mark.parametrize("family", list(ONE_PER_FAMILY))
def test_concept_page(site, driver, family):
    concept = ONE_PER_FAMILY[family]
    page = site.parent / "concepts" / f"{slug(concept)}.html"
    open_page(driver, page)
    assert concept in driver.title
    for table in ("#conventions", "#measured", "#pairs"):
        assert driver.execute_script(VISIBLE_ROWS, table) > 0, f"{page.name}: {table} has no rows"
    check_images(driver, page, expected=len(list((page.parent / slug(concept)).glob("*.svg"))))
    check_references(driver, page)
    check_filtering(driver, "#measured", "pair")
    check_sorting(driver, "#measured")


def test_pages_have_plots_when_plots_exist(site):
    r"""Each figure ``figures()`` gave is a file beside its page (``check_images``: one ``<img>`` each, loaded);
    with plots.py there, most of the pages have some (``figures`` may give none when nothing is worth plotting)."""
    with_plots = [c for c in ONE_PER_FAMILY.values() if list((site.parent / "concepts" / slug(c)).glob("*.svg"))]
    assert len(with_plots) > len(ONE_PER_FAMILY) // 2 if HAS_PLOTS else not with_plots, with_plots


def _snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rebuild_is_byte_identical_with_plain_permissions(tmp_path):
    out = tmp_path / "site"
    args = ["--report", str(REPORT), "--out", str(out), "--concept", "gelu", "--concept", "mlp_2_4_1/sgd"]
    assert main(args) == 0
    first = _snapshot(out)
    assert main(args) == 0
    assert _snapshot(out) == first
    assert {"index.html", "site.css", "concepts/gelu.html", "concepts/mlp_2_4_1-sgd.html"} <= set(first)
    mask = os.umask(0)
    os.umask(mask)
    for path in [out, *out.rglob("*")]:
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        assert stat.S_IMODE(path.stat().st_mode) == want, f"{path}: {oct(path.stat().st_mode)}"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "a temporary directory was left behind"


def test_unknown_concept_exits_2_with_close_matches(tmp_path, capsys):
    assert main(["--concept", "gelo", "--out", str(tmp_path / "site"), "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" in err and "gelu" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_out_that_is_not_a_site_is_left_alone(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["--report", str(REPORT), "--out", str(tmp_path), "--concept", "gelu", "--no-plots"]) == 2
    assert "not a site" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
