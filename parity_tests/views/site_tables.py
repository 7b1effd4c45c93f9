r"""The tabulation behind ``parity html``, in pandas: status counts per (concept, pair), per family, in total, and
the order of the index's rows. Every function takes the report as loaded by
``parity_tests.views.concept.load_report`` (a ``pair`` column added).

Nothing here imports a framework."""
import pandas as pd

from ..selection import PAIRS
from .site_assets import STATUSES

__all__ = ["pair_counts", "pairs_in", "family_counts", "status_totals", "concept_order", "cell_text"]


def _counts(frame, by):
    r"""Rows ``by``, one column per status (in ``STATUSES`` order, zeros filled), plus ``worst``."""
    if frame.empty:
        index = pd.MultiIndex.from_tuples([], names=by) if len(by) > 1 else pd.Index([], name=by[0])
        return pd.DataFrame(0, index=index, columns=list(STATUSES)).assign(worst=pd.Series(dtype=object))
    counts = (frame.groupby([*by, "status"], sort=True).size()
              .unstack("status", fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0))
    worst = counts.gt(0).iloc[:, ::-1].idxmax(axis=1).where(counts.sum(axis=1) > 0, "none")
    return counts.assign(worst=worst)


def pair_counts(frame):
    r"""One row per (concept, pair) present in the report: the count of each status and the worst status."""
    return _counts(frame, ["concept", "pair"])


def pairs_in(frame):
    r"""The report's pairs: the known ones in ``PAIRS`` order, then any other, sorted."""
    present = set(frame["pair"])
    return [p for p in PAIRS if p in present] + sorted(present - set(PAIRS))


def family_counts(frame, families):
    r"""One row per family (``families`` first, in that order, then any other the report has, sorted), one column
    per status, ``total`` and ``worst``."""
    counts = _counts(frame, ["family"])
    order = [f for f in families if f in counts.index] + sorted(set(counts.index) - set(families))
    counts = counts.reindex(order)
    return counts.assign(total=counts[list(STATUSES)].sum(axis=1))


def status_totals(frame):
    r"""{status: count} over the whole report, every status of ``STATUSES`` present (zeros included)."""
    totals = frame["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return {status: int(n) for status, n in totals.items()}


def concept_order(frame, by_family):
    r"""``[(family, concept)]``: the conventions table's families and concepts in their order (``by_family``,
    from ``concepts_by_family()``), then any concept only the report has, in report order."""
    known = [(family, c) for family, concepts in by_family.items() for c in concepts]
    seen = {c for _, c in known}
    extra = frame.loc[~frame["concept"].isin(seen), ["family", "concept"]].drop_duplicates()
    return known + list(extra.itertuples(index=False, name=None))


def cell_text(counts_row):
    r"""``match/expected/FAIL/ERROR`` of one row of ``pair_counts``."""
    return "/".join(str(int(counts_row[s])) for s in STATUSES)
