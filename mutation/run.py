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
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cosmic_ray.config import ConfigDict, load_config, serialize_config
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult
# mutation/ is not a package: these sibling modules are found because the script's directory is on sys.path.
from sampling import Matching, Sample, describe, equivalent_reason, keep_sample, sort_key
from verdicts import Facts, gate_rows, gate_tally, pytest_verdict, summarise, survivors, survivors_lines, write_reports

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mutation" / "cosmic-ray.toml"
EQUIVALENTS = ROOT / "mutation" / "equivalent.toml"
BIN = Path(sys.executable).parent
# Not copied: the venvs, bytecode, build metadata, run outputs (the committed reference report is copied).
SKIP_TOP = {"reports/site", "reports/mutation", ".mutants-out"}
SKIP_NAME = ("__pycache__", ".pytest_cache")


def log(message: str) -> None:
    print(f"[mutants {time.strftime('%H:%M:%S')}] {message}", flush=True)


def clone_head(tree: Path) -> None:
    """``--head``: the committed tree (``git clone`` of HEAD, .git included), whatever the working tree holds."""
    if tree.exists():
        shutil.rmtree(tree)
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(tree)], check=True)


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


def parse_args(argv: list[str] | None, settings: dict) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default=str(settings["sample"]), help="mutants to sample, or 'all' (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=settings["seed"], help="sampling seed (default: %(default)s)")
    parser.add_argument("--head", action="store_true",
                        help="mutate the committed tree (a git clone of HEAD) instead of a copy of the working tree")
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
    return parser.parse_args(argv)


@dataclass
class Run:
    """What the steps of one run share."""
    args: argparse.Namespace
    settings: dict  # the [parity-mutants] table of mutation/cosmic-ray.toml
    cfg: ConfigDict  # its [cosmic-ray] table
    n: int | None  # the sample size; None: every mutant
    tree: Path
    out: Path
    started: float  # time.monotonic() at the start
    gate_config: Path
    seed: int  # --seed, or on --resume the earlier run's
    pytest: bool  # --pytest, until the unit tests fail on the unmutated copy
    env: dict[str, str] = field(default_factory=dict)
    sources: dict = field(default_factory=dict)  # file -> its unmutated source in the copy
    previous: dict = field(default_factory=dict)  # on --resume, the earlier run's summary.json
    baseline_seconds: float = 0.0

    @property
    def gate_session(self) -> Path:
        return self.out / "gate.sqlite"


def start(argv: list[str] | None) -> Run:
    settings = tomllib.loads(CONFIG.read_text())["parity-mutants"]
    args = parse_args(argv, settings)
    n = None if args.n == "all" else int(args.n)
    tree, out = args.tree.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cfg = load_config(str(CONFIG))
    return Run(args=args, settings=settings, cfg=cfg, n=n, tree=tree, out=out, started=started,
               gate_config=write_config(cfg, out / "gate.toml"), seed=args.seed, pytest=args.pytest)


def resume(run: Run) -> Sample:
    """--resume: the tree, session and sample of the last run, without its results (still in the session)."""
    if not (run.tree.is_dir() and run.gate_session.exists()):
        sys.exit(f"--resume needs the tree {run.tree} and the session {run.gate_session} of an earlier run")
    run.env = environment(run.tree)
    summary = run.out / "summary.json"
    run.previous = json.loads(summary.read_text()) if summary.exists() else {}
    run.baseline_seconds, run.seed = run.previous.get("baseline_seconds", 0.0), run.previous.get("seed", run.seed)
    with use_db(run.gate_session, WorkDB.Mode.open) as db:
        items = sorted(db.work_items, key=sort_key)
    infos = {item.job_id: describe(item, run.tree, run.sources) for item in items}
    for info in infos.values():
        info.pop("compiles")
    log(f"resuming {run.gate_session}: {len(items)} mutants in {run.tree}")
    return Sample(run.previous.get("mutants_total", 0), run.previous.get("not_compiling_passed_over", 0), items, infos)


def fresh_sample(run: Run) -> Sample:
    """Copy the tree, check the gate passes on it, ``cosmic-ray init`` and keep the sample (or the survivors)."""
    log(f"copying {ROOT} to {run.tree}")
    (clone_head if run.args.head else copy_tree)(run.tree)
    run.env = environment(run.tree)
    run.baseline_seconds = baseline(run.cfg.test_command, run.tree, run.env, run.cfg.timeout)
    log(f"baseline: the gate passes on the unmutated copy in {run.baseline_seconds:.0f} s")
    run.gate_session.unlink(missing_ok=True)
    cosmic_ray("init", str(run.gate_config), str(run.gate_session), tree=run.tree, env=run.env)
    if run.args.survivors_of:
        wanted = Matching(run.args.survivors_of.resolve())
        sample = keep_sample(run.gate_session, None, run.seed, run.tree, run.sources, wanted)
        log(f"cosmic-ray init: {sample.total} mutants; {len(sample.items)} of the {len(wanted.rows)} survivors in "
            f"{run.args.survivors_of} found again")
    else:
        sample = keep_sample(run.gate_session, run.n, run.seed, run.tree, run.sources)
        log(f"cosmic-ray init: {sample.total} mutants; sample of {len(sample.items)} (seed {run.seed}), "
            f"passing over {sample.invalid} that do not compile")
    return sample


def mark_equivalents(run: Run, sample: Sample) -> None:
    """The sampled mutants recorded in mutation/equivalent.toml: skipped in the session, ``equivalent`` in their
    description."""
    entries = tomllib.loads(EQUIVALENTS.read_text()).get("equivalent", []) if EQUIVALENTS.exists() else []
    with use_db(run.gate_session) as db:
        for item in sample.items:
            info = sample.infos[item.job_id]
            reason = equivalent_reason(info, entries, run.sources)
            if reason:
                info["equivalent"] = reason
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED,
                                                      output=f"equivalent: {reason}"))


def gate_pass(run: Run, sample: Sample) -> list[dict]:
    """``cosmic-ray exec`` with the gate; the sample's rows with their gate verdicts."""
    execute(run.gate_config, run.gate_session, run.tree, run.env, "gate")
    return gate_rows(sample.items, sample.infos, outcomes(run.gate_session))


def pytest_session(session: Path, items: list[WorkItem], ids: set[str], resume: bool) -> set[str]:
    """The session of the second pass: the work items of ``ids``, with the results an earlier run left for them
    on --resume. Returns the ids still to run."""
    if not resume:
        session.unlink(missing_ok=True)
    with use_db(session) as db:  # --resume keeps the results it has for these mutants
        kept = {job: result for job, result in db.results if job in ids}
        db.clear()
        db.add_work_items([item for item in items if item.job_id in ids])
        for job, result in kept.items():
            db.set_result(job, result)
    return ids - set(kept)


def pytest_baseline(run: Run, command: str) -> bool:
    """Whether the unit tests pass on the unmutated copy (a second pass needs a green baseline)."""
    try:
        took = baseline(command, run.tree, run.env, run.settings["pytest-timeout"])
        log(f"baseline: the unit tests pass on the unmutated copy in {took:.0f} s")
    except (SystemExit, subprocess.TimeoutExpired) as failed:  # the gate's results are still written
        log(f"no second pass: {failed}")
        return False
    return True


def pytest_pass(run: Run, sample: Sample, rows: list[dict]) -> None:
    """--pytest: the gate's survivors again, the unit tests as the test command; their pytest verdicts set in
    ``rows``. Clears ``run.pytest`` when the unit tests fail unmutated."""
    gate_survivors = survivors(rows)
    if not (run.pytest and gate_survivors):
        return
    session = run.out / "pytest.sqlite"
    pending = pytest_session(session, sample.items, {r["job_id"] for r in gate_survivors}, run.args.resume)
    command = f"{run.settings['pytest-command']} {run.args.pytest_args}".strip()
    config = write_config(run.cfg, run.out / "pytest.toml", **{"test-command": command,
                                                                "timeout": run.settings["pytest-timeout"]})
    if pending and not pytest_baseline(run, command):
        run.pytest = False
        return
    if pending:
        execute(config, session, run.tree, run.env, "pytest")
    unit = outcomes(session)
    for r in gate_survivors:
        pytest_verdict(r, unit.get(r["job_id"]))


def report(run: Run, sample: Sample, rows: list[dict]) -> float:
    """Write summary.json and survivors.txt, print the survivors and the equivalents; the gate's score."""
    seconds = round(time.monotonic() - run.started) + (run.previous.get("seconds", 0) if run.args.resume else 0)
    facts = Facts(seed=run.seed, survivors_of=run.args.survivors_of, mutants_total=sample.total,
                  sampled=len(sample.items), not_compiling=sample.invalid, seconds=seconds,
                  baseline_seconds=run.baseline_seconds, pytest=run.pytest)
    summary = summarise(facts, rows)
    lines = survivors_lines(facts, summary, rows)
    write_reports(run.out, summary, lines)
    print("\n".join(lines))
    for r in rows:
        if r["gate"] == "equivalent":
            print(f"equivalent: {r['file']}:{r['line']} {r['operator']}: {r['equivalent']}")
    log(f"done in {summary['seconds']} s; {run.out / 'survivors.txt'}, {run.out / 'summary.json'}; "
        f"`cr-report {run.out / 'gate.sqlite'} --show-diff --surviving-only` for cosmic-ray's own report")
    return gate_tally(rows).score


def main(argv: list[str] | None = None) -> int:
    run = start(argv)
    sample = resume(run) if run.args.resume else fresh_sample(run)
    mark_equivalents(run, sample)
    rows = gate_pass(run, sample)
    pytest_pass(run, sample, rows)
    score = report(run, sample, rows)
    if run.args.fail_under is not None and score < run.args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
