"""Which mutants a ``make mutants`` run (mutation/run.py) runs: a seeded sample of the ones ``cosmic-ray init``
generated (or the survivors of an earlier run found again), described by file, line, operator, enclosing
definition and original/mutated lines; and the recorded equivalent mutants among them."""
from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from cosmic_ray.mutating import mutate_code
from cosmic_ray.plugins import get_operator
from cosmic_ray.work_db import use_db
from cosmic_ray.work_item import WorkItem


def sort_key(item: WorkItem):
    m = item.mutations[0]
    return (str(m.module_path), m.operator_name, json.dumps(m.operator_args, sort_keys=True), m.occurrence)


def stable_keys(items: list[WorkItem]) -> dict[str, str]:
    """A name for each mutant that edits elsewhere leave alone: file, enclosing function, operator and its rank
    among that function's mutants of that operator. cosmic-ray's own ``occurrence`` counts from the top of the
    file, so any edit above a mutant would renumber it and reshuffle a sample drawn on it."""
    groups: dict[tuple, list[WorkItem]] = {}
    for item in items:
        m = item.mutations[0]
        group = (str(m.module_path), m.definition_name or "", m.operator_name, json.dumps(m.operator_args, sort_keys=True))
        groups.setdefault(group, []).append(item)
    keys = {}
    for group, members in groups.items():
        members.sort(key=lambda it: (it.mutations[0].start_pos, it.mutations[0].occurrence))
        for rank, item in enumerate(members):
            keys[item.job_id] = "|".join((*group, str(rank)))
    return keys


class Sample(NamedTuple):
    """The mutants of the gate's session: how many cosmic-ray generated, how many were passed over as not
    compiling, the work items kept (in ``sort_key`` order) and their descriptions (``describe``) by job id."""
    total: int
    invalid: int
    items: list[WorkItem]
    infos: dict[str, dict]


def keep_sample(session: Path, n: int | None, seed: int, tree: Path, sources: dict,
                wanted=None) -> Sample:
    """Leave in the session only a seeded sample of n of its work items (every one for n=None), or (wanted) the
    ones whose description ``wanted(info)`` accepts.

    The sample: the n mutants whose stable name (``stable_keys``) hashes lowest with the seed, so a re-run with
    the same seed after an edit draws the same mutants except in the edited functions. A mutant whose source
    does not compile (e.g. the ``*`` of a keyword-only signature replaced by ``+``) is passed over, never run:
    it would be "caught" by the SyntaxError, not by a check."""
    with use_db(session) as db:
        items = db.work_items
        keys = stable_keys(list(items))
        order = sorted(items, key=lambda it: hashlib.sha256(f"{seed}|{keys[it.job_id]}".encode()).hexdigest())
        chosen, infos, invalid = [], {}, 0
        for item in order:
            if n is not None and len(chosen) >= n:
                break
            if wanted is not None and not wanted.prefilter(item):
                continue
            info = describe(item, tree, sources)
            if wanted is not None and not wanted(info, sources):
                continue
            if info.pop("compiles"):
                chosen.append(item)
                infos[item.job_id] = info
            else:
                invalid += 1
        chosen.sort(key=sort_key)
        db.clear()
        db.add_work_items(chosen)
    return Sample(len(items), invalid, chosen, infos)


class Matching:
    """The mutants of an earlier summary.json (its survivors, by default), found again by file, operator,
    enclosing function and original/mutated lines in the current source."""

    def __init__(self, summary: Path, outcome: str = "survived"):
        rows = json.loads(summary.read_text())["mutants"]
        self.rows = [r for r in rows if r["gate"] == outcome]
        self.pairs = {(r["file"], r["operator"]) for r in self.rows}

    def prefilter(self, item: WorkItem) -> bool:
        return (str(item.mutations[0].module_path), item.mutations[0].operator_name) in self.pairs

    def __call__(self, info: dict, sources: dict) -> bool:
        return any(same_mutant(r, info, sources) for r in self.rows)


def describe(item: WorkItem, tree: Path, sources: dict) -> dict:
    """file, line, operator, definition, the original/mutated lines and whether the mutant compiles."""
    m = item.mutations[0]
    path = str(m.module_path)
    if path not in sources:
        sources[path] = (tree / path).read_text(encoding="utf-8")
    original = sources[path]
    mutated = mutate_code(original, get_operator(m.operator_name)(**m.operator_args), m.occurrence) or original
    try:
        compile(mutated, path, "exec")
        compiles = True
    except SyntaxError:
        compiles = False
    before, after = [], []
    for line in difflib.ndiff(original.splitlines(), mutated.splitlines()):
        if line.startswith("- "):
            before.append(line[2:].strip())
        elif line.startswith("+ "):
            after.append(line[2:].strip())
    return {"file": path, "line": m.start_pos[0], "operator": m.operator_name, "occurrence": m.occurrence,
            "definition": m.definition_name or "", "original": " ".join(before), "mutated": " ".join(after),
            "job_id": item.job_id, "compiles": compiles}


def same_mutant(record: dict, info: dict, sources: dict) -> bool:
    """Whether a recorded mutant (an equivalents entry, a row of an earlier summary.json) is ``info``: same file,
    operator, enclosing function, original and mutated line; where the original line occurs more than once in
    the file, the occurrence nearest the recorded line."""
    if not (record["file"] == info["file"] and record["operator"] == info["operator"]
            and record.get("definition", info["definition"]) == info["definition"]
            and record["original"].strip() == info["original"] and record["mutated"].strip() == info["mutated"]):
        return False
    at = [i for i, text in enumerate(sources[info["file"]].splitlines(), 1) if text.strip() == info["original"]]
    if len(at) > 1 and "line" in record:
        return min(at, key=lambda i: (abs(i - record["line"]), i)) == info["line"]
    return True


def equivalent_reason(info: dict, entries: list[dict], sources: dict) -> str | None:
    for e in entries:
        if same_mutant(e, info, sources):
            return e["reason"]
    return None
