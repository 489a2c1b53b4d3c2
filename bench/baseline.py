"""(j) Section (b)'s NLP limit of this working tree against a baseline revision, in one run.

`wirewatch bench --only baseline [--baseline-rev REV] [--stories N]` runs it alone; `make bench` as (j).

The baseline is checked out as a detached ``git worktree`` in a temporary directory (removed
afterwards, also on error). Each measurement is a fresh child process (cwd and PYTHONPATH =
that tree) that calls THAT tree's ``bench.nlp_throughput.measure_nlp`` with 1 process and the
tree's own config/topics.yaml and config/watchlist.yaml. Both trees get the same stories (read
here, sent as JSON on stdin) and run interleaved in rounds, so machine load hits both alike.
Speed is reported as the ratio current / baseline of the medians over the rounds.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.progress import Progress
from bench.stats import Target, ratio, rounded

ROOT = Path(__file__).resolve().parents[1]  # the current tree: this checkout, uncommitted edits included
BASELINE_REV = "b20fc78"  # the "today": throughput must stay ≥ 0.9 × this revision's
RATIO_LIMIT = 0.9
STORIES = 200
QUICK_STORIES = 20
ROUNDS = 3
RESULTS_FILE = "baseline_results.json"
CHILD_TIMEOUT = 1800.0
FIGURES = ("items_per_s", "words_per_s", "items_per_cpu_s", "words_per_cpu_s", "on_cpu_share", "model_load_s")
RATIOS = ("items_per_cpu_s", "words_per_s")  # per CPU-second: what load does not change; words/s: wall clock

# Runs inside the measured tree, so it may use only what the baseline's bench/ offers too.
CHILD = """
import json, sys
from types import SimpleNamespace
import bench.nlp_throughput as nt
import consumers.understanding.analyzer as an
job = json.load(sys.stdin)
story = lambda s: SimpleNamespace(id=s[0], headline=s[1], body=s[2])
res = nt.measure_nlp([story(s) for s in job["stories"]], [story(s) for s in job["warm"]], 1,
                     job["topics"], job["watchlist"])
res["code"] = {"nlp_throughput": nt.__file__, "analyzer": an.__file__}
with open(job["out"], "w", encoding="utf-8") as f:
    json.dump(res, f)
"""


class BaselineError(RuntimeError):
    """The baseline cannot be measured; the message says how to fix it."""


def _git(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise BaselineError("git is not installed or not on PATH: install it (apt-get install git) "
                            "to measure against a baseline revision")
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and done.returncode:
        raise BaselineError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def resolve(rev: str) -> str:
    """The full commit id of ``rev``, or a BaselineError that says how to get it."""
    if _git("rev-parse", "--is-inside-work-tree", check=False).returncode:
        raise BaselineError(f"{ROOT} is not a git checkout: the baseline needs the project's history "
                            "(clone the repository instead of copying the files)")
    done = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if done.returncode == 0:
        return done.stdout.strip()
    if _git("rev-parse", "--is-shallow-repository", check=False).stdout.strip() == "true":
        raise BaselineError(f"revision {rev} is not in this shallow clone: fetch the history: "
                            "git fetch --unshallow")
    raise BaselineError(f"revision {rev} is not in this repository: check the name, or fetch it "
                        f"(git fetch origin {rev})")


@contextmanager
def worktree(commit: str):
    """A detached worktree of ``commit`` in a temporary directory, removed on the way out."""
    tmp = Path(tempfile.mkdtemp(prefix="wirewatch-baseline-"))
    path = tmp / "tree"
    try:
        _git("worktree", "add", "--detach", "--quiet", str(path), commit)
        yield path
    finally:
        # --force: the child processes leave __pycache__ in it; prune in case add half-failed.
        _git("worktree", "remove", "--force", str(path), check=False)
        _git("worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def code_state(tree: Path) -> str:
    """A short fingerprint of the tree's tracked code (HEAD + uncommitted diff): others edit
    the working tree while the bench runs, and a change between rounds must show."""
    head = _git("rev-parse", "HEAD", cwd=tree).stdout
    diff = _git("diff", "--no-ext-diff", "HEAD", cwd=tree, check=False).stdout
    return hashlib.sha256((head + diff).encode("utf-8")).hexdigest()[:12]


def tree_config(tree: Path, rev: str) -> dict:
    """The tree's own topics and watchlist (the settings' defaults), after checking it can run (b)."""
    nlp = tree / "bench" / "nlp_throughput.py"
    if not nlp.exists() or "def measure_nlp(" not in nlp.read_text(encoding="utf-8"):
        raise BaselineError(f"{rev} has no bench/nlp_throughput.py with measure_nlp (section (b)): "
                            "pick a later revision with --baseline-rev")
    paths = {"topics": tree / "config" / "topics.yaml", "watchlist": tree / "config" / "watchlist.yaml"}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise BaselineError(f"{rev}: missing {', '.join(missing)}; restore them or pick another revision")
    return {k: str(p) for k, p in paths.items()}


def measure_tree(tree: Path, config: dict, stories: list, warm: list, workdir: Path) -> dict:
    """One section-(b) measurement, 1 process, in a fresh child running ``tree``'s code."""
    out = workdir / f"nlp-{time.monotonic_ns()}.json"
    job = {"stories": stories, "warm": warm, "out": str(out), **config}
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the tree's packages before the editable install
    try:
        done = subprocess.run([sys.executable, "-c", CHILD], cwd=tree, env=env, input=json.dumps(job),
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BaselineError(f"the measurement in {tree} took over {CHILD_TIMEOUT:g} s: "
                            "use fewer stories (--stories)") from None
    if done.returncode or not out.exists():
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise BaselineError(f"the measurement in {tree} failed (exit {done.returncode}):\n{tail}")
    res = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    # Guard against the editable install winning over PYTHONPATH: the numbers must be that tree's.
    strays = [f for f in res["code"].values() if not Path(f).resolve().is_relative_to(tree.resolve())]
    if strays:
        raise BaselineError(f"the child in {tree} imported {strays[0]}, not the tree's code; "
                            "look for a sitecustomize or .pth file that puts another checkout first")
    return res


def _median(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def run(items: list, warm_items: list, rev: str = BASELINE_REV, rounds: int = ROUNDS,
        progress: Progress | None = None, json_path: Path | None = None, phase: str = "(j) against baseline") -> dict:
    """Measure both trees ``rounds`` times on ``items`` (WireItems of this tree's corpus; warm-up on
    ``warm_items``) and return the section, also written to ``json_path`` when given."""
    from bench import corpus, machine

    progress = progress or Progress()
    t0 = time.monotonic()
    commit = resolve(rev)  # before any work: a missing revision fails at once
    warm = [(i.id, i.headline, i.body) for i in warm_items]
    sample = [(i.id, i.headline, i.body) for i in items]
    n_words = sum(corpus.words(i) for i in items)
    head = _git("rev-parse", "HEAD").stdout.strip()
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no", check=False).stdout.strip())
    section: dict = {
        "baseline_rev": rev, "baseline_commit": commit, "current_head": head, "current_dirty": dirty,
        "stories": len(items), "words": n_words, "rounds": rounds, "processes": 1, "ratio_limit": RATIO_LIMIT,
        "load_avg_start": machine.load_avg(), "runs": []}
    label = {"baseline": f"baseline {rev}", "current": "current tree"}
    workdir = Path(tempfile.mkdtemp(prefix="wirewatch-baseline-out-"))
    try:
        with worktree(commit) as base:
            trees = {"baseline": (base, tree_config(base, rev)),
                     "current": (ROOT, tree_config(ROOT, "the current tree"))}
            for k in range(rounds):
                # Alternate who goes first, so a drift in load across a round favours neither tree.
                order = ("baseline", "current") if k % 2 == 0 else ("current", "baseline")
                for name in order:
                    t = progress.start(f"{phase}: round {k + 1}/{rounds}, {label[name]}, {len(items)} stories")
                    tree, config = trees[name]
                    state = code_state(tree)
                    res = measure_tree(tree, config, sample, warm, workdir)
                    section["runs"].append({"round": k + 1, "tree": name, "code_state": state,
                                            **{f: res.get(f) for f in FIGURES},
                                            "seconds": res.get("seconds"), "cpu_s": res.get("cpu_s"),
                                            "matches": res.get("matches"), "words": res.get("words")})
                    progress.done(t, f"{res['items_per_s']} items/s, {res['items_per_cpu_s']} items/CPU-s, "
                                     f"on CPU {res.get('on_cpu_share')}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    states = {r["code_state"] for r in section["runs"] if r["tree"] == "current"} | {code_state(ROOT)}
    section["current_changed_during_run"] = len(states) > 1
    summarise(section)
    section["load_avg_end"] = machine.load_avg()
    section["duration_s"] = round(time.monotonic() - t0, 1)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(section, indent=2) + "\n", encoding="utf-8")
    return section


def summarise(section: dict) -> dict:
    """Medians per tree, the ratios current / baseline and their verdicts, in place."""
    runs = section["runs"]
    section["trees"] = {name: {f: rounded(_median([r for r in runs if r["tree"] == name], f), 3) for f in FIGURES}
                        for name in ("baseline", "current")}
    section["ratios"] = {f: rounded(ratio(section["trees"]["current"][f], section["trees"]["baseline"][f]), 3)
                         for f in RATIOS}
    section["pass"] = {f: None if v is None else v >= RATIO_LIMIT for f, v in section["ratios"].items()}
    # Paired per-round ratios: how much the ratio moved between rounds (noise of this run).
    section["per_round_ratios"] = [
        rounded(ratio(c["items_per_cpu_s"], b["items_per_cpu_s"]), 3)
        for k in range(1, section["rounds"] + 1)
        for b in runs if b["round"] == k and b["tree"] == "baseline"
        for c in runs if c["round"] == k and c["tree"] == "current"]
    return section


def _fmt(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def render(section: dict) -> list[str]:
    """Markdown lines: the medians per tree and the ratios with PASS/FAIL."""
    t, r = section["trees"], section["ratios"]
    verdict = {True: "PASS", False: "FAIL", None: "—"}
    lines = [f"Section (b), 1 process, the same {section['stories']} stories ({section['words']:,} words), "
             f"{section['rounds']} interleaved round(s), medians; baseline {section['baseline_rev']} "
             f"({section['baseline_commit'][:10]}) vs the current tree ({section['current_head'][:10]}"
             f"{' + uncommitted edits' if section.get('current_dirty') else ''}); load average "
             f"{section.get('load_avg_start')} at start, {section.get('load_avg_end')} at end.", "",
             "| tree | items/s | words/s | items per CPU-s | on CPU | model load s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name in ("baseline", "current"):
        m = t[name]
        lines.append(f"| {name} | {_fmt(m['items_per_s'])} | {_fmt(m['words_per_s'], 0)} | "
                     f"{_fmt(m['items_per_cpu_s'])} | {_pct(m['on_cpu_share'])} | {_fmt(m['model_load_s'], 1)} |")
    lines.append(f"| **current ÷ baseline** | | {_fmt(r['words_per_s'], 3)}× "
                 f"**{verdict[section['pass']['words_per_s']]}** | {_fmt(r['items_per_cpu_s'], 3)}× "
                 f"**{verdict[section['pass']['items_per_cpu_s']]}** | | |")
    lines += ["", f"PASS when the ratio ≥ {section['ratio_limit']:g}. Per-round ratios of items per CPU-s: "
              + ", ".join(_fmt(x, 3) for x in section["per_round_ratios"]) + "."]
    if section.get("current_changed_during_run"):
        lines += ["", "**Warning:** the current tree's code changed during the run (someone edited it): its "
                      "rounds measured different code; `runs[].code_state` in the JSON shows which."]
    return lines


def targets(results: dict) -> list[Target]:
    """The issue's acceptance: analysis throughput per core ≥ 0.9 × the baseline's (per CPU-second)."""
    s = results.get("baseline") or {}
    r = s.get("ratios") or {}
    detail = (f"items per CPU-second, median of {s['rounds']} interleaved rounds, {s['stories']} stories, "
              f"1 process; words/s (wall clock) {_fmt(r.get('words_per_s'), 3)}×" if r
              else s.get("error", "phase (j) did not run"))
    return [Target("analysis_vs_baseline", f"analysis throughput ≥ {RATIO_LIMIT:g} × baseline "
                   f"{s.get('baseline_rev', BASELINE_REV)}", r.get("items_per_cpu_s"), ">=", RATIO_LIMIT,
                   detail=detail)]
