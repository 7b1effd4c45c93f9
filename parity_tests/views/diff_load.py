r"""Reading one side of ``parity diff``: a report's ``divergence.csv`` and its ``run_metadata.json``.

A side is named by a directory (its ``divergence.csv`` and ``run_metadata.json``) or by a CSV file (the
metadata is the ``run_metadata.json`` next to it). The CSV must have the key columns, ``status`` and
``max_abs``, and every status must be one of ``schema.STATUSES``; other columns of ``schema.COLUMNS`` that an
older report lacks (``cause_keys`` first of all) are read as empty. A missing ``run_metadata.json`` is allowed
(versions unknown); one that is not a JSON object is bad input, like an unreadable CSV. Every problem is a
``BadReport`` whose message names the file. Nothing here imports a framework."""
import json
import os
from dataclasses import dataclass, field

import pandas as pd

from ..schema import COLUMNS, STATUSES

__all__ = ["KEY", "OCCURRENCE", "REQUIRED", "CSV_NAME", "METADATA_NAME", "BadReport", "Report", "load_report"]

KEY = ("family", "concept", "variant", "kwargs", "dtype", "inputs", "impl_a", "impl_b", "quantity")
OCCURRENCE = "occurrence"  # 0, 1, ... among rows repeating a key within one report, in file order
REQUIRED = (*KEY, "status", "max_abs")
CSV_NAME = "divergence.csv"
METADATA_NAME = "run_metadata.json"


class BadReport(ValueError):
    r"""An input that is not a readable report; the message names the file."""


@dataclass(frozen=True)
class Report:
    r"""One side of a diff: the rows (all strings, every column of ``COLUMNS`` present, plus ``occurrence``),
    the metadata (``None`` when there is no ``run_metadata.json``), where they came from, and whether the CSV
    had a ``cause_keys`` column of its own."""
    rows: pd.DataFrame
    csv_path: str
    metadata_path: str
    metadata: dict | None = None
    has_cause_keys: bool = True
    label: str = field(default="")


def _paths(path):
    r"""The CSV and metadata paths a command-line argument names."""
    if os.path.isdir(path):
        return os.path.join(path, CSV_NAME), os.path.join(path, METADATA_NAME)
    return path, os.path.join(os.path.dirname(path) or ".", METADATA_NAME)


def _read_csv(csv_path):
    r"""The CSV as strings, or ``BadReport``."""
    if not os.path.isfile(csv_path):
        raise BadReport(f"{csv_path}: no such file (a report is a {CSV_NAME}, or a directory holding one)")
    try:
        return pd.read_csv(csv_path, keep_default_na=False, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise BadReport(f"{csv_path}: not a report ({type(exc).__name__}: {exc})") from None


def _checked(frame, csv_path):
    r"""``frame`` with the optional columns filled in and ``occurrence`` added, or ``BadReport``."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BadReport(f"{csv_path}: not a report: missing columns {', '.join(missing)}")
    unknown = sorted(set(frame["status"]) - set(STATUSES))
    if unknown:
        raise BadReport(f"{csv_path}: not a report: unknown status {', '.join(map(repr, unknown))} "
                        f"(expected one of {', '.join(STATUSES)})")
    frame = frame.copy()
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame[OCCURRENCE] = frame.groupby(list(KEY), sort=False).cumcount()
    return frame.reset_index(drop=True)


def _read_metadata(metadata_path):
    r"""The metadata dict, ``None`` when the file does not exist, or ``BadReport``."""
    if not os.path.exists(metadata_path):
        return None
    try:
        with open(metadata_path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadReport(f"{metadata_path}: not a report's metadata ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise BadReport(f"{metadata_path}: not a report's metadata (a JSON object expected)")
    return data


def load_report(path, *, label=""):
    r"""The ``Report`` that ``path`` (a directory or a ``divergence.csv``) names; ``BadReport`` otherwise."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise BadReport(f"{path}: no such file or directory")
    csv_path, metadata_path = _paths(path)
    frame = _read_csv(csv_path)
    has_cause_keys = "cause_keys" in frame.columns
    return Report(rows=_checked(frame, csv_path), csv_path=csv_path, metadata_path=metadata_path,
                  metadata=_read_metadata(metadata_path), has_cause_keys=has_cause_keys, label=label or path)
