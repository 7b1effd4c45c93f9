r"""``parity html``: a static site from a report, under ``./reports/site/`` (``--out``), that opens from disk
(relative links, no server, no network: the stylesheet and the small sort/filter script are the site's own).

  index.html               the concept x pair matrix coloured by worst status, totals, versions, tolerance policy
  concepts/<slug>.html     one concept: NumPy (and its hand-written backward), torch and Keras source side by side,
                           its conventions, its plots and its measured rows (sortable, filterable)
  concepts/<slug>/*.svg    the plots of ``parity_tests.views.plots.figures``
  site.css                 the shared stylesheet (pygments' rules included)
  bench.html, bench.svg    ``parity bench``'s figures, when its bench.csv sits beside the report

The same report gives byte-identical files (no timestamps, fixed order). The site is written into a temporary
directory beside ``--out`` and renamed into place, so a crash never leaves half of one. Importing this module
imports no framework; building concept pages does, once (their source is read from the objects the cases call).
"""
import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import DEFAULT_SEED, report_dir
from ..conventions import family_of
from ..selection import UnknownName, check_name, concepts_by_family
from . import concept as views
from . import site_bench
from .site_assets import site_css
from .site_concept import concept_page
from .site_index import index_page
from .site_pages import href, slug
from .site_tables import concept_order, pair_counts

__all__ = ["SiteError", "Built", "build", "main"]

MARKER = "/* parity html"  # the first bytes of site.css: a directory holding it may be replaced by a rebuild


class SiteError(Exception):
    r"""The site cannot be built as asked (no report, not a report, an ``--out`` that is not a site)."""


@dataclass(frozen=True)
class Built:
    r"""What a build wrote: the index, the number of concept pages and of plots."""
    index: Path
    pages: int
    plots: int


def _parser():
    parser = argparse.ArgumentParser(prog="parity html", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", metavar="PATH", help="the report's divergence.csv (default: "
                        "./reports/divergence.csv when a run wrote one, else the committed reference)")
    parser.add_argument("--out", metavar="DIR", help="the site's directory (default: ./reports/site)")
    parser.add_argument("--concept", dest="concepts", action="append", metavar="NAME",
                        help="build only these concept pages (repeatable; the index lists every concept)")
    parser.add_argument("--no-plots", dest="plots", action="store_false", help="no figures (faster)")
    parser.add_argument("--seed", type=int, help="the plots' seed (default: the report's)")
    return parser


def main(argv=None):
    r"""``parity html [--report PATH] [--out DIR] [--concept NAME ...] [--no-plots]``: 0 when written, 2 on a
    bad request (an unknown concept, no report, an ``--out`` that is not a site)."""
    args = _parser().parse_args(argv)
    known = [c for concepts in concepts_by_family().values() for c in concepts]
    start = time.perf_counter()
    try:
        concepts = [check_name(c, known, "concept") for c in args.concepts or ()]
        out = Path(args.out or os.path.join(report_dir(), "site"))
        built = _build(out, report_path=args.report or views.report_path(), seed=args.seed,
                       concepts=concepts or None, plots=args.plots)
    except (UnknownName, SiteError) as error:
        print(f"parity html: {error}", file=sys.stderr)
        return 2
    print(f"wrote {built.index}: {built.pages} concept pages, {built.plots} plots "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


def build(out_dir, *, report_path, seed=None, concepts=None, plots=True):
    r"""Write the site for ``report_path`` into ``out_dir`` (replacing an earlier site there); the index's path.
    ``concepts``: only these pages (default: every concept of the report); ``seed``: the plots' (default: the
    report's); ``plots=False``: none."""
    return _build(Path(out_dir), report_path=report_path, seed=seed, concepts=concepts, plots=plots).index


def _build(out, *, report_path, seed, concepts, plots):
    frame, meta = _load(report_path), _metadata(report_path)
    by_family = concepts_by_family()
    selected = _selected(frame, by_family, concepts)
    figures = _figures() if plots else None
    seed = meta.get("seed", DEFAULT_SEED) if seed is None else seed
    with _staging(out) as root:
        _write(root / "site.css", site_css())
        counts = pair_counts(frame)
        n_plots = sum(_write_concept(root, concept, frame=frame, counts=counts, figures=figures, seed=seed,
                                     nav=_nav(selected, i)) for i, concept in enumerate(selected))
        bench = _write_bench(root, report_path, plots=plots)
        _write(root / "index.html", index_page(frame=frame, meta=meta, by_family=by_family, linked=set(selected),
                                               report_label=_label(report_path), bench=bench))
    return Built(out / "index.html", len(selected), n_plots)


def _write_bench(root, report_path, *, plots):
    r"""``bench.html`` (and its plot) when ``parity bench`` wrote ``bench.csv`` beside the report; its name or None."""
    path = site_bench.bench_csv(report_path)
    if path is None:
        return None
    rows = site_bench.load(path)
    if plots:
        _write(root / "bench.svg", site_bench.bench_plot(rows))
    _write(root / "bench.html", site_bench.bench_page(rows, source_label=_label(path),
                                                      plot_file="bench.svg" if plots else ""))
    return "bench.html"


def _load(path):
    r"""The report (``load_report``), with an empty ``cause_keys`` column when it predates that column."""
    if not os.path.isfile(path):
        raise SiteError(f"no report at {path} (`parity run` writes one)")
    try:
        frame = views.load_report(path)
    except KeyError as missing:
        raise SiteError(f"{path} is not a parity report (no column {missing})") from None
    if "cause_keys" not in frame.columns:
        frame["cause_keys"] = ""
    absent = [c for c in ("family", "concept", "status", *views.MEASURED_COLUMNS) if c not in frame.columns]
    if absent:
        raise SiteError(f"{path} is not a parity report (no column {', '.join(absent)})")
    return frame


def _metadata(path):
    r"""``run_metadata.json`` beside the report, or {} when there is none."""
    meta = Path(path).with_name("run_metadata.json")
    return json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}


def _label(path):
    r"""The report as named on the index: its directory and file name and the start of its SHA-256."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.resolve().parent.name}/{path.name} (sha256 {digest})"


def _selected(frame, by_family, concepts):
    r"""The concepts to build pages for, in the conventions table's order: ``concepts``, or every concept of the
    report that the conventions table knows (``UnknownName`` for any other). Their slugs must be distinct."""
    known = [c for cs in by_family.values() for c in cs]
    wanted = {check_name(c, known, "concept") for c in concepts} if concepts else set(frame["concept"]) & set(known)
    selected = [c for _, c in concept_order(frame, by_family) if c in wanted]
    slugs = {}
    for c in selected:
        if slugs.setdefault(slug(c), c) != c:
            raise SiteError(f"concepts {slugs[slug(c)]!r} and {c!r} share the file name {slug(c)!r}")
    return selected


def _figures():
    r"""``parity_tests.views.plots.figures`` (imported on first use: it loads matplotlib)."""
    from . import plots
    return plots.figures


def _nav(selected, i):
    r"""Links from page ``i``: the index, the previous and the next built concept."""
    links = [("../index.html", "\u2190 all concepts")]
    if i > 0:
        links.append((href(f"{slug(selected[i - 1])}.html"), f"\u2039 {selected[i - 1]}"))
    if i + 1 < len(selected):
        links.append((href(f"{slug(selected[i + 1])}.html"), f"{selected[i + 1]} \u203a"))
    return links


def _write_concept(root, concept, *, frame, counts, figures, seed, nav):
    r"""``concepts/<slug>.html`` and its plots; the number of plots."""
    name = slug(concept)
    plots = _write_plots(root / "concepts" / name, name, figures(concept, frame, seed=seed) if figures else [])
    has_rows = concept in counts.index.get_level_values("concept")
    mine = counts.xs(concept, level="concept") if has_rows else counts.iloc[:0]
    page = concept_page(concept=concept, family=family_of(concept), conventions=views.convention_rows(concept),
                        sources=views.sources(concept), measured=views.measured(frame, concept), counts=mine,
                        plots=plots, nav=nav)
    _write(root / "concepts" / f"{name}.html", page)
    return len(plots)


def _write_plots(directory, name, plots):
    r"""Each ``Plot`` as ``<directory>/<plot slug>.svg``; ``[(src relative to the page, title, caption)]``."""
    out = []
    for plot in plots:
        file = f"{slug(plot.name)}.svg"
        if (directory / file).exists():
            raise SiteError(f"two plots of {name!r} share the file name {file!r}")
        _write(directory / file, plot.svg)
        out.append((f"{name}/{file}", plot.title, plot.caption))
    return out


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


@contextlib.contextmanager
def _staging(out):
    r"""A temporary directory beside ``out`` to write the site into, renamed to ``out`` when the block succeeds
    (an earlier site there is replaced), removed when it fails."""
    if out.exists() and not _is_site(out):
        raise SiteError(f"{out} exists and is not a site written by `parity html`; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp's 0700 -> what a plain mkdir would have given
        _publish(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _is_site(out):
    r"""An empty directory, or one holding a ``site.css`` that ``parity html`` wrote."""
    if not out.is_dir():
        return False
    css = out / "site.css"
    if css.is_file():
        with open(css, encoding="utf-8", errors="replace") as f:
            return f.read(len(MARKER)) == MARKER
    return not any(out.iterdir())


def _publish(tmp, out):
    r"""Rename ``tmp`` to ``out``; an earlier ``out`` is moved aside first and removed after."""
    if not out.exists():
        os.rename(tmp, out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    try:
        os.rename(out, aside / out.name)
        try:
            os.rename(tmp, out)
        except BaseException:
            os.rename(aside / out.name, out)  # the earlier site stays
            raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
