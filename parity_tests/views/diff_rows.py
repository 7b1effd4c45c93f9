r"""The row-level groups of ``parity diff``, in pandas: two reports' rows matched on the key columns (plus
``occurrence``, so a key repeated within a report pairs its n-th rows in file order), then the status changes
(worse first), the rows only in one report, the rows whose ``cause_keys`` changed and the ``max_abs`` changes
by a factor or more while the status holds.

Magnitude rule: values below ``TINY`` (1e-300, in practice 0) have no meaningful ratio, so a row going from
such a value to x (or back) is a change only when x exceeds the row's ``atol`` (the new report's, else the
old one's; an empty ``atol`` counts as 0), with ratio inf (or 0); otherwise the ratio is new/old and the row
changes when it is at least ``factor`` or at most 1/``factor`` (inf against a finite value is a change, inf
against inf is not). A row whose ``max_abs`` is empty on one side only (shapes differ, an ERROR) is a
``missing value`` change; empty on both sides is none. Rows whose status changed are listed with their
``max_abs`` among the status changes and not again here. Nothing here imports a framework."""
import numpy as np
import pandas as pd

from ..schema import STATUSES
from .diff_load import KEY, OCCURRENCE

__all__ = ["TINY", "ROW_ID", "CHANGE_ORDER", "pair_rows", "status_changes", "only_rows", "per_concept",
           "cause_key_changes", "magnitude_changes"]

TINY = 1e-300
ROW_ID = (*KEY, OCCURRENCE, "pair")
SIDE_COLUMNS = ("status", "max_abs", "atol", "cause", "cause_keys")
CHANGE_ORDER = {("match", "FAIL"): 0, ("expected", "FAIL"): 1, ("match", "ERROR"): 2, ("expected", "ERROR"): 2,
                ("match", "expected"): 3}  # then other worsenings (4), then improvements (5)
BAD = ("FAIL", "ERROR")


def _side(rows, prefix):
    r"""The key columns and ``prefix``-named value columns of one report, with its file order."""
    side = rows.loc[:, [*KEY, OCCURRENCE, *SIDE_COLUMNS]].copy()
    side["position"] = np.arange(len(side))
    return side.rename(columns={c: f"{prefix}_{c}" for c in (*SIDE_COLUMNS, "position")})


def pair_rows(old_rows, new_rows):
    r"""Both reports' rows outer-joined on the key: ``old_*``/``new_*`` columns, ``pair``, ``side`` (``both``,
    ``old``, ``new``), in the new report's order, rows only in the old one last (in its order)."""
    merged = _side(old_rows, "old").merge(_side(new_rows, "new"), on=[*KEY, OCCURRENCE], how="outer",
                                          indicator="side", sort=False)
    merged["side"] = merged["side"].astype(str).map({"both": "both", "left_only": "old", "right_only": "new"})
    for column in SIDE_COLUMNS:
        for prefix in ("old", "new"):
            merged[f"{prefix}_{column}"] = merged[f"{prefix}_{column}"].fillna("").astype(str)
    merged["pair"] = (merged["impl_a"] + "~" + merged["impl_b"]).astype(str)
    merged["order"] = merged["new_position"].fillna(len(merged) + merged["old_position"])
    return merged.sort_values("order", kind="stable").reset_index(drop=True)


def _rank(old, new):
    r"""Where an ``old``→``new`` status change sorts: ``CHANGE_ORDER``, other worsenings 4, improvements 5."""
    if STATUSES.index(new) < STATUSES.index(old):
        return 5
    return CHANGE_ORDER.get((old, new), 4)


def status_changes(paired):
    r"""Rows in both reports whose status changed, worse first (``CHANGE_ORDER``), then in report order."""
    both = paired[(paired["side"] == "both") & (paired["old_status"] != paired["new_status"])].copy()
    both["rank"] = [_rank(o, n) for o, n in zip(both["old_status"], both["new_status"])]
    both["kind"] = np.where(both["rank"] < 5, "worsened", "improved")
    both["change"] = both["old_status"] + "→" + both["new_status"]
    both = both.sort_values("rank", kind="stable").rename(columns={"new_cause": "cause"})
    columns = [*ROW_ID, "kind", "change", "old_status", "new_status", "old_max_abs", "new_max_abs", "cause",
               "old_cause_keys", "new_cause_keys"]
    return both.loc[:, columns].reset_index(drop=True)


def only_rows(paired, side):
    r"""The rows only in the ``old`` or the ``new`` report, with that report's values."""
    rows = paired[paired["side"] == side]
    columns = {f"{side}_{c}": c for c in ("status", "max_abs", "cause_keys", "cause")}
    return rows.loc[:, [*ROW_ID, *columns]].rename(columns=columns).reset_index(drop=True)


def per_concept(only_old, only_new):
    r"""Per concept: rows removed (only in the old report), added (only in the new one), and how many of the
    added are FAIL or ERROR; concepts in order of first appearance."""
    frames = [only_old.assign(removed=1, added=0, added_bad=0),
              only_new.assign(removed=0, added=1, added_bad=only_new["status"].isin(BAD).astype(int))]
    rows = pd.concat(frames, ignore_index=True).loc[:, ["concept", "removed", "added", "added_bad"]]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c != "concept" else object) for c in rows.columns})
    return rows.groupby("concept", sort=False, as_index=False).sum()


def _key_set(text):
    return frozenset(k.strip() for k in text.split(";") if k.strip())


def _key_delta(old, new):
    r"""``+added; -removed`` convention keys between two ``cause_keys`` cells."""
    a, b = _key_set(old), _key_set(new)
    return "; ".join([*(f"+{k}" for k in sorted(b - a)), *(f"-{k}" for k in sorted(a - b))])


def cause_key_changes(paired):
    r"""Rows in both reports whose ``cause_keys`` differ (as sets of keys; the status may or may not hold)."""
    both = paired[paired["side"] == "both"]
    changed = [_key_set(o) != _key_set(n) for o, n in zip(both["old_cause_keys"], both["new_cause_keys"])]
    rows = both[np.array(changed, dtype=bool)].copy()
    rows["kind"] = "cause_keys"
    rows["detail"] = [_key_delta(o, n) for o, n in zip(rows["old_cause_keys"], rows["new_cause_keys"])]
    rows = rows.rename(columns={"old_cause_keys": "old", "new_cause_keys": "new"})
    return rows.loc[:, ["kind", *ROW_ID, "old_status", "new_status", "old", "new", "detail"]].reset_index(drop=True)


def _numbers(column):
    return pd.to_numeric(column.replace("", np.nan), errors="coerce").to_numpy(dtype=float)


def _ratios(old, new, atol, *, factor):
    r"""(ratio, changed) arrays for ``max_abs`` values ``old`` → ``new`` (see the module's rule)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = new / old
        small_old, small_new = old < TINY, new < TINY
        ratio = np.where(small_old & ~small_new, np.inf, np.where(small_new & ~small_old, 0.0, ratio))
        changed = (ratio >= factor) | (ratio <= 1.0 / factor)
        one_small = small_old ^ small_new
        changed = np.where(one_small, np.fmax(old, new) > atol, changed)
        changed &= ~(small_old & small_new)
        missing = np.isnan(old) ^ np.isnan(new)
        return np.where(missing, np.nan, ratio), (changed & ~np.isnan(ratio)) | missing


def magnitude_changes(paired, *, factor):
    r"""Rows in both reports, status unchanged, whose ``max_abs`` moved by ``factor`` or more (module rule);
    growths first, each by ratio, largest first."""
    rows = paired[(paired["side"] == "both") & (paired["old_status"] == paired["new_status"])].copy()
    atol = _numbers(rows["new_atol"])
    atol = np.nan_to_num(np.where(np.isnan(atol), _numbers(rows["old_atol"]), atol), nan=0.0)
    ratio, changed = _ratios(_numbers(rows["old_max_abs"]), _numbers(rows["new_max_abs"]), atol, factor=factor)
    rows["ratio"], rows["atol"] = ratio, atol
    rows = rows[changed].copy()
    rows["kind"] = np.select([rows["ratio"] > 1, rows["ratio"] < 1], ["grew", "shrank"], "missing value")
    rows["sort"] = np.select([rows["ratio"] > 1, rows["ratio"] < 1], [-rows["ratio"], rows["ratio"]], np.inf)
    rows = rows.sort_values("sort", kind="stable").rename(columns={"new_status": "status"})
    columns = [*ROW_ID, "kind", "status", "old_max_abs", "new_max_abs", "ratio", "atol"]
    return rows.loc[:, columns].reset_index(drop=True)
