"""The verdicts of a ``make mutants`` run (mutation/run.py) and its reports: summary.json and survivors.txt.

Each sampled mutant is a row (a dict: file, line, operator, occurrence, definition, original, mutated, job_id,
then ``equivalent`` where it is one) that gets its ``gate`` verdict (equivalent, not run, incompetent, killed,
survived; ``timeout`` for a run one) and, for the gate's survivors in the ``--pytest`` pass, its ``pytest``
verdict (and ``pytest_killed_by``). Named ``verdicts`` rather than ``outcome``: the venv has a package of that
name, and mutation/ (the script's directory) comes first on sys.path.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult

TOOL = "cosmic-ray 8.7.0"


class Facts(NamedTuple):
    """What the reports say about the run besides its rows."""
    seed: int
    survivors_of: Path | None  # the earlier summary.json whose survivors were run instead of a sample
    mutants_total: int
    sampled: int
    not_compiling: int
    seconds: int
    baseline_seconds: float
    pytest: bool  # whether the --pytest pass ran (or was asked for with no survivors to run)


class Tally(NamedTuple):
    caught: int
    counted: int
    score: float  # percent, not rounded


def gate_verdict(info: dict, result: WorkResult | None) -> None:
    """Set ``info["gate"]`` (and ``info["timeout"]`` for a mutant the gate ran to its end) from its result."""
    if "equivalent" in info:
        info["gate"] = "equivalent"
    elif result is None:
        info["gate"] = "not run"
    elif result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == TestOutcome.INCOMPETENT:
        info["gate"] = "incompetent"
    else:
        info["gate"] = "killed" if result.test_outcome == TestOutcome.KILLED else "survived"
        info["timeout"] = result.output == "timeout"


def gate_rows(items: list[WorkItem], infos: dict[str, dict], results: dict[str, WorkResult]) -> list[dict]:
    """The sample's rows, in the sample's order, each with its gate verdict (set in place in ``infos``)."""
    rows = []
    for item in items:
        info = infos[item.job_id]
        gate_verdict(info, results.get(item.job_id))
        rows.append(info)
    return rows


def survivors(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["gate"] == "survived"]


def pytest_verdict(row: dict, result: WorkResult | None) -> None:
    """Set ``row["pytest"]`` from the unit tests' result, and for a kill ``row["pytest_killed_by"]``."""
    row["pytest"] = ("incompetent" if result is None or result.worker_outcome != WorkerOutcome.NORMAL
                     else "killed" if result.test_outcome == TestOutcome.KILLED else "survived")
    if row["pytest"] == "killed":  # pytest -x: the first failing test
        failed = [ln for ln in (result.output or "").splitlines() if ln.startswith(("FAILED", "ERROR"))]
        row["pytest_killed_by"] = failed[0] if failed else (result.output or "")[-300:]


def gate_tally(rows: list[dict]) -> Tally:
    """The gate's catches among the mutants that count (killed or survived)."""
    counted = [r for r in rows if r["gate"] in ("killed", "survived")]
    caught = sum(r["gate"] == "killed" for r in counted)
    return Tally(caught, len(counted), 100.0 * caught / len(counted) if counted else 100.0)


def summarise(facts: Facts, rows: list[dict]) -> dict:
    """The content of summary.json."""
    gate = gate_tally(rows)
    summary = {
        "tool": TOOL, "seed": None if facts.survivors_of else facts.seed,
        "survivors_of": str(facts.survivors_of) if facts.survivors_of else None,
        "mutants_total": facts.mutants_total, "sampled": facts.sampled,
        "not_compiling_passed_over": facts.not_compiling,
        "equivalent": sum(r["gate"] == "equivalent" for r in rows),
        "incompetent": sum(r["gate"] == "incompetent" for r in rows),
        "gate": {"caught": gate.caught, "counted": gate.counted, "score_percent": round(gate.score, 1),
                 "timeouts": sum(bool(r.get("timeout")) for r in rows)},
        "seconds": facts.seconds, "baseline_seconds": round(facts.baseline_seconds, 1),
    }
    if facts.pytest:
        by_tests = gate.caught + sum(r.get("pytest") == "killed" for r in survivors(rows))
        summary["make_test"] = {"caught": by_tests, "counted": gate.counted,
                                "score_percent": round(100.0 * by_tests / gate.counted, 1) if gate.counted else 100.0}
    summary["mutants"] = rows
    return summary


def survivors_lines(facts: Facts, summary: dict, rows: list[dict]) -> list[str]:
    """The lines of survivors.txt: a header with the scores, then each survivor with file:line and its lines."""
    gate = gate_tally(rows)
    lines = [f"# {TOOL} over reference_numpy/, seed {facts.seed}: {facts.sampled} of {facts.mutants_total} mutants; "
             f"gate caught {gate.caught}/{gate.counted} ({gate.score:.1f}%), {summary['equivalent']} equivalent, "
             f"{summary['incompetent']} incompetent" + (f"; make test caught {summary['make_test']['caught']}/"
                                                         f"{gate.counted}" if facts.pytest else ""),
             "# file:line  operator  [definition]  original -> mutated" + ("  (pytest: outcome)" if facts.pytest else "")]
    for r in survivors(rows):
        lines.append(f"{r['file']}:{r['line']}  {r['operator']}  [{r['definition']}]  "
                     f"{r['original']}  ->  {r['mutated']}" + (f"  (pytest: {r['pytest']})" if "pytest" in r else ""))
        if r.get("pytest_killed_by"):
            lines.append(f"    pytest: {r['pytest_killed_by']}")
    return lines


def write_reports(out: Path, summary: dict, lines: list[str]) -> None:
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    (out / "survivors.txt").write_text("\n".join(lines) + "\n")
