r"""The plots of the static report (``parity html``): ``figures(concept, frame)`` gives a concept's plots as SVG
text, each a ``Plot`` with a file-safe ``name``, a ``title`` and a one-sentence ``caption`` saying what to look at.

Family modules draw them: ``plots_<family>.py`` (activations, losses, optimizers, schedules, initializers,
training, gradient_flow); the other families get the report's max |a - b| per pair and quantity
(``plots_report``). Plots from fresh calls run the implementations through the harness's own functions on
inputs from ``numpy.random.default_rng`` (the case's input builder) or a NumPy grid. Importing this module imports
no framework and not matplotlib: the family modules (and the case rows) load on the first ``figures`` call."""
import contextlib
import importlib
import logging
import warnings
from typing import NamedTuple

from .. import DEFAULT_SEED
from ..conventions import family_of

__all__ = ["Plot", "FAMILY_MODULES", "figures", "case_of", "run_of", "concept_rows"]


class Plot(NamedTuple):
    r"""One figure: ``name`` (a slug unique within its concept), ``title``, ``svg`` (the SVG text) and ``caption``
    (one sentence: what to look at)."""
    name: str
    title: str
    svg: str
    caption: str


FAMILY_MODULES = {"activations": "plots_activations", "losses": "plots_losses", "optimizers": "plots_optimizers",
                  "schedules": "plots_schedules", "initializers": "plots_initializers",
                  "training": "plots_training", "gradient_flow": "plots_gradient_flow"}


def figures(concept, frame, *, seed=DEFAULT_SEED):
    r"""The concept's plots (``[]`` when nothing is worth plotting). ``frame`` is the report
    (``concept.load_report``; ``None`` for fresh plots only)."""
    module = importlib.import_module(f".{FAMILY_MODULES.get(family_of(concept), 'plots_report')}", __package__)
    rows = concept_rows(frame, concept)
    with _quiet():
        plots = module.figures(concept, rows, seed=DEFAULT_SEED if seed is None else seed)
    return [plot for plot in plots if plot is not None]


@contextlib.contextmanager
def _quiet():
    r"""The warnings a run silences too (``pool.KNOWN_WARNINGS``) and TensorFlow's retracing notices: each plot
    traces its own Keras loop."""
    from ..pool import KNOWN_WARNINGS
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    with warnings.catch_warnings():
        for message in KNOWN_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        tf_logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            tf_logger.setLevel(level)


def concept_rows(frame, concept):
    r"""The concept's rows of the report (``None`` without a report or rows)."""
    if frame is None or not len(frame):
        return None
    rows = frame[frame["concept"] == concept]
    return rows.reset_index(drop=True) if len(rows) else None


def case_of(concept):
    r"""The concept's case row (imports the frameworks)."""
    from .concept import case_row
    return case_row(concept)


def run_of(case, *, variant, dtype=None, index=0, regime=None):
    r"""The first run of ``case`` the matrix executes (its skips respected) with this variant, dtype, aligned set
    and regime (``None``: any), or ``None``."""
    from ..case import expand
    runs, _ = expand([case])
    for run in runs:
        if (run.variant == variant and dtype in (None, run.dtype) and regime in (None, run.regime)
                and (variant != "aligned" or run.index == index)):
            return run
    return None
