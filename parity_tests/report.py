"""Writing reports/divergence.csv and reports/run_metadata.json (atomically) and the summary table."""
import csv
import json
import math
import os
import tempfile
from collections import Counter, defaultdict

from .schema import COLUMNS, STATUSES

__all__ = ["write_csv", "write_json", "summary_table", "status_counts", "atomic_write"]


def _cell(value):
    """Deterministic text: 6 significant digits for metrics, integers for ULP counts and n."""
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    return str(value)


def atomic_write(path, write):
    """Write through a temporary file in the same directory, then rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "w", newline="") as f:
            write(f)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_csv(rows, path):
    def write(f):
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row[k]) for k in COLUMNS})
    atomic_write(path, write)


def write_json(data, path):
    atomic_write(path, lambda f: f.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"))


def status_counts(rows):
    counts = Counter(r["status"] for r in rows)
    return {s: counts.get(s, 0) for s in STATUSES}


def summary_table(rows):
    """Per family/concept: checks, match, expected, FAIL, ERROR (plain text)."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["family"], r["concept"])].append(r)
    header = ("family", "concept", "checks") + STATUSES
    lines = [header] + [(f, c, str(len(rs)), *map(str, status_counts(rs).values())) for (f, c), rs in groups.items()]
    lines.append(("all", "", str(len(rows)), *map(str, status_counts(rows).values())))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)
