"""``make mutants``: cosmic-ray over reference_numpy/, the gate as the test command, on a seeded sample.

Glue only: cosmic-ray generates, applies and runs the mutants. This script

1. copies the source tree (without the venvs and run outputs) to ``--tree``, so the mutants never touch the
   working tree; everything runs there with ``PYTHONPATH`` set to the copy and the project's venv first on
   ``PATH`` (the package is installed editable from the working tree, which the copy must shadow);
2. runs the gate once unmutated in the copy (a red baseline would make every mutant look caught);
3. ``cosmic-ray init`` with mutation/cosmic-ray.toml: every mutant of reference_numpy/ (~16k);
4. keeps a seeded sample of them in the session (``--n``, default 40; ``--n all`` keeps every one): the
   mutants whose stable name (file, function, operator, rank in the function) hashes lowest with the seed, so
   a re-run after edits draws the same mutants outside the edited functions; mutants that do not compile are
   passed over (a SyntaxError is no check's catch); ``--survivors-of`` keeps an earlier run's survivors instead;
5. marks the sampled mutants recorded in mutation/equivalent.toml as skipped (equivalent: never run);
6. ``cosmic-ray exec``: each remaining mutant applied in the copy, then the gate, killed when it exits non-zero;
7. with ``--pytest``, a second session of the gate's survivors with the unit tests (``make test``) as the
   test command;
8. writes ``--out`` (reports/mutation/): the sessions (``cr-report reports/mutation/gate.sqlite``), the
   survivors with file:line, operator and diff (survivors.txt) and summary.json, and prints the score.

The score is caught / (sampled - equivalent - incompetent). Exit status 0 unless the baseline or cosmic-ray
fails, or ``--fail-under`` is given and the gate's score is below it.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

from cosmic_ray.config import load_config, serialize_config
from cosmic_ray.mutating import mutate_code
from cosmic_ray.plugins import get_operator
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mutation" / "cosmic-ray.toml"
EQUIVALENTS = ROOT / "mutation" / "equivalent.toml"
BIN = Path(sys.executable).parent
# Not copied: the venvs, bytecode, build metadata, run outputs (the committed reference report is copied).
SKIP_TOP = {"reports/site", "reports/mutation", ".mutants-out"}
SKIP_NAME = ("__pycache__", ".pytest_cache")


def log(message: str) -> None:
    print(f"[mutants {time.strftime('%H:%M:%S')}] {message}", flush=True)


def copy_tree(tree: Path) -> None:
    if tree.exists():
        shutil.rmtree(tree)

    def ignore(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).resolve().relative_to(ROOT)
        return {n for n in names
                if n in SKIP_NAME or n.endswith(".egg-info") or (rel == Path(".") and n.startswith(".venv"))
                or (rel / n).as_posix() in SKIP_TOP}

    # .git is copied (a few MB): tests/test_cli.py asks git which reports are tracked.
    shutil.copytree(ROOT, tree, ignore=ignore, symlinks=True)


def environment(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(tree)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def cosmic_ray(*args: str, tree: Path, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "cosmic-ray"), *args], cwd=tree, env=env, check=True)


def write_config(cfg, path: Path, **overrides) -> Path:
    cfg = type(cfg)(cfg)
    cfg.update(overrides)
    path.write_text(serialize_config(cfg))
    return path


def baseline(command: str, tree: Path, env: dict[str, str], timeout: float) -> float:
    where = subprocess.run([sys.executable, "-c", "import reference_numpy; print(reference_numpy.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        sys.exit(f"reference_numpy resolves to {where}, not to the copy in {tree}")
    start = time.monotonic()
    proc = subprocess.run(shlex.split(command), cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    took = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"baseline failed: `{command}` exits {proc.returncode} on the unmutated copy ({tree})")
    return took


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


def keep_sample(session: Path, n: int | None, seed: int, tree: Path, sources: dict,
                wanted=None) -> tuple[int, int, list, dict]:
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
    return len(items), invalid, chosen, infos


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


def execute(config: Path, session: Path, tree: Path, env: dict[str, str], label: str) -> None:
    """``cosmic-ray exec``, with a progress line every 30 s read from the session."""
    with use_db(session, WorkDB.Mode.open) as db:
        total, done0 = db.num_work_items, db.num_results
    log(f"{label}: cosmic-ray exec, {total - done0} mutants to run")
    stop = threading.Event()

    def progress():
        while not stop.wait(30):
            with use_db(session, WorkDB.Mode.open) as db:
                results = [r for _, r in db.results if r.worker_outcome != WorkerOutcome.SKIPPED]
            survived = sum(r.test_outcome == TestOutcome.SURVIVED for r in results)
            log(f"{label}: {len(results)}/{total - done0} run, {survived} survived so far")

    thread = threading.Thread(target=progress, daemon=True)
    thread.start()
    try:
        cosmic_ray("exec", str(config), str(session), tree=tree, env=env)
    finally:
        stop.set()


def outcomes(session: Path) -> dict[str, WorkResult]:
    with use_db(session, WorkDB.Mode.open) as db:
        return {job: result for job, result in db.results}


def main(argv=None) -> int:
    settings = tomllib.loads(CONFIG.read_text())["parity-mutants"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default=str(settings["sample"]), help="mutants to sample, or 'all' (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=settings["seed"], help="sampling seed (default: %(default)s)")
    parser.add_argument("--tree", type=Path, default=Path("/tmp/dl-parity-mutants/tree"),
                        help="where the tree is copied and mutated (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "mutation",
                        help="sessions, survivors.txt, summary.json (default: reports/mutation)")
    parser.add_argument("--pytest", action="store_true", help="re-run the gate's survivors against the unit tests")
    parser.add_argument("--pytest-args", default="",
                        help="more pytest arguments for the second pass, e.g. a --deselect of a test that fails "
                             "on the unmutated copy for reasons of its own (the pass needs a green baseline)")
    parser.add_argument("--resume", action="store_true",
                        help="reuse --tree and --out/gate.sqlite of the last run: no copy, no new sample; run what is "
                             "pending there (e.g. after an interruption), then the --pytest pass")
    parser.add_argument("--survivors-of", type=Path, default=None, metavar="SUMMARY_JSON",
                        help="instead of a sample: the gate's survivors of an earlier run (its summary.json), found "
                             "again in the current source (e.g. to check that new checks catch them)")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 if the gate's score (%%) is below")
    args = parser.parse_args(argv)
    n = None if args.n == "all" else int(args.n)
    tree, out = args.tree.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    cfg = load_config(str(CONFIG))
    gate_config = write_config(cfg, out / "gate.toml")
    gate_session = out / "gate.sqlite"
    sources: dict = {}
    previous: dict = {}
    if args.resume:
        if not (tree.is_dir() and gate_session.exists()):
            sys.exit(f"--resume needs the tree {tree} and the session {gate_session} of an earlier run")
        env = environment(tree)
        previous = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
        total, invalid = previous.get("mutants_total", 0), previous.get("not_compiling_passed_over", 0)
        took, args.seed = previous.get("baseline_seconds", 0.0), previous.get("seed", args.seed)
        with use_db(gate_session, WorkDB.Mode.open) as db:
            sample = sorted(db.work_items, key=sort_key)
        infos = {item.job_id: describe(item, tree, sources) for item in sample}
        for info in infos.values():
            info.pop("compiles")
        log(f"resuming {gate_session}: {len(sample)} mutants in {tree}")
    else:
        log(f"copying {ROOT} to {tree}")
        copy_tree(tree)
        env = environment(tree)
        took = baseline(cfg.test_command, tree, env, cfg.timeout)
        log(f"baseline: the gate passes on the unmutated copy in {took:.0f} s")
        gate_session.unlink(missing_ok=True)
        cosmic_ray("init", str(gate_config), str(gate_session), tree=tree, env=env)
        if args.survivors_of:
            wanted = Matching(args.survivors_of.resolve())
            total, invalid, sample, infos = keep_sample(gate_session, None, args.seed, tree, sources, wanted)
            log(f"cosmic-ray init: {total} mutants; {len(sample)} of the {len(wanted.rows)} survivors in "
                f"{args.survivors_of} found again")
        else:
            total, invalid, sample, infos = keep_sample(gate_session, n, args.seed, tree, sources)
            log(f"cosmic-ray init: {total} mutants; sample of {len(sample)} (seed {args.seed}), "
                f"passing over {invalid} that do not compile")

    entries = tomllib.loads(EQUIVALENTS.read_text()).get("equivalent", []) if EQUIVALENTS.exists() else []
    with use_db(gate_session) as db:
        for item in sample:
            info = infos[item.job_id]
            reason = equivalent_reason(info, entries, sources)
            if reason:
                info["equivalent"] = reason
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED,
                                                      output=f"equivalent: {reason}"))
    execute(gate_config, gate_session, tree, env, "gate")
    gate = outcomes(gate_session)

    rows = []
    for item in sample:
        info = infos[item.job_id]
        result = gate.get(item.job_id)
        if "equivalent" in info:
            info["gate"] = "equivalent"
        elif result is None:
            info["gate"] = "not run"
        elif result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == TestOutcome.INCOMPETENT:
            info["gate"] = "incompetent"
        else:
            info["gate"] = "killed" if result.test_outcome == TestOutcome.KILLED else "survived"
            info["timeout"] = result.output == "timeout"
        rows.append(info)

    survivors = [r for r in rows if r["gate"] == "survived"]
    pytest_session = out / "pytest.sqlite"
    if args.pytest and survivors:
        ids = {r["job_id"] for r in survivors}
        if not args.resume:
            pytest_session.unlink(missing_ok=True)
        with use_db(pytest_session) as db:  # --resume keeps the results it has for these mutants
            kept = {job: result for job, result in db.results if job in ids}
            db.clear()
            db.add_work_items([item for item in sample if item.job_id in ids])
            for job, result in kept.items():
                db.set_result(job, result)
        pending = ids - set(kept)
        pytest_command = f"{settings['pytest-command']} {args.pytest_args}".strip()
        pytest_config = write_config(cfg, out / "pytest.toml", **{"test-command": pytest_command,
                                                                   "timeout": settings["pytest-timeout"]})
        if pending:
            try:
                took_pytest = baseline(pytest_command, tree, env, settings["pytest-timeout"])
                log(f"baseline: the unit tests pass on the unmutated copy in {took_pytest:.0f} s")
            except (SystemExit, subprocess.TimeoutExpired) as failed:  # the gate's results are still written
                log(f"no second pass: {failed}")
                args.pytest = False
    if args.pytest and survivors:
        if pending:
            execute(pytest_config, pytest_session, tree, env, "pytest")
        unit = outcomes(pytest_session)
        for r in survivors:
            result = unit.get(r["job_id"])
            r["pytest"] = ("incompetent" if result is None or result.worker_outcome != WorkerOutcome.NORMAL
                           else "killed" if result.test_outcome == TestOutcome.KILLED else "survived")
            if r["pytest"] == "killed":  # pytest -x: the first failing test
                failed = [ln for ln in (result.output or "").splitlines() if ln.startswith(("FAILED", "ERROR"))]
                r["pytest_killed_by"] = failed[0] if failed else (result.output or "")[-300:]

    counted = [r for r in rows if r["gate"] in ("killed", "survived")]
    killed = sum(r["gate"] == "killed" for r in counted)
    score = 100.0 * killed / len(counted) if counted else 100.0
    summary = {
        "tool": "cosmic-ray 8.7.0", "seed": None if args.survivors_of else args.seed,
        "survivors_of": str(args.survivors_of) if args.survivors_of else None, "mutants_total": total, "sampled": len(sample),
        "not_compiling_passed_over": invalid,
        "equivalent": sum(r["gate"] == "equivalent" for r in rows),
        "incompetent": sum(r["gate"] == "incompetent" for r in rows),
        "gate": {"caught": killed, "counted": len(counted), "score_percent": round(score, 1),
                 "timeouts": sum(bool(r.get("timeout")) for r in rows)},
        "seconds": round(time.monotonic() - started) + (previous.get("seconds", 0) if args.resume else 0), "baseline_seconds": round(took, 1),
    }
    if args.pytest:
        by_tests = killed + sum(r.get("pytest") == "killed" for r in survivors)
        summary["make_test"] = {"caught": by_tests, "counted": len(counted),
                                "score_percent": round(100.0 * by_tests / len(counted), 1) if counted else 100.0}
    summary["mutants"] = rows
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")

    lines = [f"# cosmic-ray 8.7.0 over reference_numpy/, seed {args.seed}: {len(sample)} of {total} mutants; "
             f"gate caught {killed}/{len(counted)} ({score:.1f}%), {summary['equivalent']} equivalent, "
             f"{summary['incompetent']} incompetent" + (f"; make test caught {summary['make_test']['caught']}/"
                                                         f"{len(counted)}" if args.pytest else ""),
             "# file:line  operator  [definition]  original -> mutated" + ("  (pytest: outcome)" if args.pytest else "")]
    for r in survivors:
        lines.append(f"{r['file']}:{r['line']}  {r['operator']}  [{r['definition']}]  "
                     f"{r['original']}  ->  {r['mutated']}" + (f"  (pytest: {r['pytest']})" if "pytest" in r else ""))
        if r.get("pytest_killed_by"):
            lines.append(f"    pytest: {r['pytest_killed_by']}")
    (out / "survivors.txt").write_text("\n".join(lines) + "\n")

    print("\n".join(lines))
    for r in rows:
        if r["gate"] == "equivalent":
            print(f"equivalent: {r['file']}:{r['line']} {r['operator']}: {r['equivalent']}")
    log(f"done in {summary['seconds']} s; {out / 'survivors.txt'}, {out / 'summary.json'}; "
        f"`cr-report {out / 'gate.sqlite'} --show-diff --surviving-only` for cosmic-ray's own report")
    if args.fail_under is not None and score < args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
