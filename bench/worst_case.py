"""(h) Worst case: CoNLL-2003 eng.testb, every Reuters story and every feed item, analysed one
at a time, with the time and peak memory of each.

The analysis runs in a spawned child process so that a pathological item can be stopped:
after ``timeout`` seconds the child is killed and replaced and the item is recorded as
timed out. Peak memory: the child resets its VmHWM (``/proc/self/clear_refs``) before each
item and reports it after; the parent also samples the child's VmRSS every 5 ms (the
figure when the reset is not allowed, and the only one for a killed child).

    python -m bench.worst_case [--limit N] [--timeout S] [--code-root DIR] [--out DIR]

``--code-root`` analyses with another checkout's ``consumers`` package (e.g. a git worktree
of an older commit); the corpora are always read with this checkout's parsers.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import worst_case_report as report
from wirewatch.settings import PROJECT_ROOT

EVAL_DATA = PROJECT_ROOT.parent / "shared" / "eval-data"
CONLL = EVAL_DATA / "conll2003" / "eng.testb"
REUTERS = EVAL_DATA / "reuters" / "articles.jsonl"
FEEDS = EVAL_DATA / "feeds"
CORPORA = ("conll", "reuters", "feeds")
DEFAULT_TIMEOUT = 30.0
QUICK_LIMIT = 40          # items per corpus in `wirewatch bench --quick`
SAMPLE_INTERVAL = 0.005   # seconds between VmRSS samples of the child
RECYCLE_MB = 500.0        # replace the child when it keeps this much above its idle RSS after an item
MEMORY_CAP_MB = 6000.0    # kill an item above this: Kafka and PostgreSQL share the machine
PROGRESS_EVERY = 10.0
# Synthetic warm-up text (loads the model and every lazy table before the first timed item).
WARM = ("Police arrest opposition leader",
        "PHNOM PENH, Sept 3 (Reuters) - Police arrested opposition leader Kem Sokha on Sunday.\n")


@dataclass(frozen=True)
class Item:
    corpus: str
    id: str
    headline: str
    body: str

    @property
    def bytes(self) -> int:
        return len(f"{self.headline}\n\n{self.body}".encode("utf-8", "surrogatepass"))


# --- corpora ---------------------------------------------------------------------------------

def split_document(text: str) -> tuple[str, str]:
    """A rebuilt CoNLL document as a wire item: its first line is the headline."""
    head, _, body = text.partition("\n")
    return head, body


def conll_items(path: Path | str = CONLL, limit: int | None = None) -> list[Item]:
    """eng.testb as the issue rebuilds it (ner_eval.rebuild_documents: tokens joined by single
    spaces, one sentence per line, a document per -DOCSTART-)."""
    from bench.ner_eval import rebuild_documents

    texts = rebuild_documents(str(path))[:limit]
    return [Item("conll", f"eng.testb doc {k}", *split_document(t)) for k, t in enumerate(texts, 1)]


def reuters_items(path: Path | str = REUTERS, limit: int | None = None) -> list[Item]:
    """Every line, title + body through parse_story like the benchmark's stories (raw title and
    body when a story does not parse: it is still a story someone could send)."""
    from producers.reuters_text import ParseError, parse_story

    out = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if limit is not None and len(out) >= limit:
                break
            r = json.loads(line)
            title, body = r.get("title") or "", r.get("body") or ""
            parsed = parse_story(f"{title}\n\n{body}", f"{path}#{r.get('id')}")
            if not isinstance(parsed, ParseError):
                title, body = parsed.headline, parsed.body
            out.append(Item("reuters", f"{r.get('id', lineno)}", title, body))
    return out


def feed_files(root: Path | str = FEEDS) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in ("MANIFEST.tsv", "PROVENANCE.md"))


def feed_items(root: Path | str = FEEDS, limit: int | None = None) -> tuple[list[Item], dict]:
    """Every item producers.feeds.parse_feed recovers from every file (malformed ones included)."""
    from producers.feeds import parse_feed

    root = Path(root)
    out, info = [], {"files": 0, "bozo": 0, "parse_failures": []}
    for path in feed_files(root):
        rel = str(path.relative_to(root))
        info["files"] += 1
        try:
            result = parse_feed(path.read_bytes(), rel)
        except Exception as exc:  # a parser crash is a finding, not a reason to stop the bench
            info["parse_failures"].append(f"{rel}: {type(exc).__name__}: {exc}"[:300])
            continue
        info["bozo"] += result.bozo
        for k, wire in enumerate(result.items):
            out.append(Item("feeds", f"{rel}#{k}", wire.headline, wire.body))
    return (out[:limit] if limit is not None else out), info


# --- the child -------------------------------------------------------------------------------

def _status_kb(pid: int | str, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _reset_hwm() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ≥ 4.0); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _child_main(conn, code_root: str | None, watchlist: str | None) -> None:
    if code_root:
        sys.path.insert(0, code_root)  # before the first import of consumers
    import consumers
    from consumers.understanding.analyzer import Analyzer

    t0 = time.perf_counter()
    analyzer = Analyzer(watchlist=watchlist)
    analyzer.analyse(*WARM)
    conn.send({"pid": os.getpid(), "code": str(Path(consumers.__file__).parent),
               "load_s": time.perf_counter() - t0, "idle_kb": _status_kb("self", "VmRSS:"),
               "hwm_reset": _reset_hwm()})
    while True:
        job = conn.recv()
        if job is None:
            return
        before = _status_kb("self", "VmRSS:")
        hwm = _reset_hwm()
        error = None
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            analyzer.analyse(*job)
        except Exception as exc:  # recorded with the item
            error = f"{type(exc).__name__}: {exc}"[:200]
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        conn.send({"seconds": seconds, "cpu_s": cpu, "before_kb": before,
                   "hwm_kb": _status_kb("self", "VmHWM:") if hwm else None,
                   "after_kb": _status_kb("self", "VmRSS:"), "error": error})


class _Sampler(threading.Thread):
    """Max VmRSS of ``pid`` until stopped; kills ``proc`` above ``cap_kb``."""

    def __init__(self, proc, cap_kb: float) -> None:
        super().__init__(daemon=True)
        self.proc, self.cap_kb = proc, cap_kb
        self.max_kb, self.killed = 0, False
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            kb = _status_kb(self.proc.pid, "VmRSS:") or 0
            self.max_kb = max(self.max_kb, kb)
            if kb > self.cap_kb and not self.killed:
                self.killed = True
                self.proc.kill()
            self.stopping.wait(SAMPLE_INTERVAL)


class Child:
    """One analysis process: started, warmed, fed items one at a time; killed on a timeout."""

    def __init__(self, code_root: str | None, watchlist: str | None, start_timeout: float = 600) -> None:
        ctx = mp.get_context("spawn")
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=_child_main, args=(theirs, code_root, watchlist), daemon=True,
                                name="wirewatch-bench-worst-case")
        self.proc.start()
        theirs.close()
        if not self.conn.poll(start_timeout):
            self.kill()
            raise RuntimeError("worst-case analysis process did not start")
        self.info = self.conn.recv()

    def measure(self, item: Item, timeout: float, cap_mb: float = MEMORY_CAP_MB, tick=None) -> dict:
        """The record of one item; after a status other than ok/error this child is dead.
        ``tick(seconds)`` is called every PROGRESS_EVERY seconds while the item runs."""
        before = _status_kb(self.proc.pid, "VmRSS:") or 0
        sampler = _Sampler(self.proc, before + cap_mb * 1024)
        sampler.start()
        t0 = time.perf_counter()
        self.conn.send((item.headline, item.body))
        reply, status = None, "ok"
        try:
            while True:
                left = timeout - (time.perf_counter() - t0)
                if self.conn.poll(max(0.0, min(left, PROGRESS_EVERY))):
                    reply = self.conn.recv()
                    break
                if left <= PROGRESS_EVERY:
                    status = "timeout"
                    break
                if tick:
                    tick(time.perf_counter() - t0)
        except (EOFError, OSError):
            status = "crashed"
        wall = time.perf_counter() - t0
        sampler.stopping.set()
        sampler.join()
        if status != "ok":
            self.kill()
            if sampler.killed:
                status = "memory cap"
        rec = {"corpus": item.corpus, "id": item.id, "bytes": item.bytes}
        if reply is None:
            rec.update(seconds=timeout if status == "timeout" else wall, cpu_s=None,
                       mb=max(0.0, (sampler.max_kb - before) / 1024), status=status,
                       **({"exitcode": self.proc.exitcode} if status != "timeout" else {}))
            return rec
        base = reply["before_kb"] or before
        peak = max(sampler.max_kb, reply["hwm_kb"] or 0)
        rec.update(seconds=reply["seconds"], cpu_s=reply["cpu_s"], mb=max(0.0, (peak - base) / 1024),
                   mb_above_idle=max(0.0, (peak - (self.info["idle_kb"] or base)) / 1024),
                   after_kb=reply["after_kb"], status="error" if reply["error"] else "ok")
        if reply["error"]:
            rec["error"] = reply["error"]
        return rec

    def alive(self) -> bool:
        return self.proc.is_alive()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(10)

    def close(self) -> None:
        try:
            self.conn.send(None)
            self.proc.join(10)
        except (OSError, BrokenPipeError):
            pass
        self.kill()


# --- the run ---------------------------------------------------------------------------------

def _eta(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def measure_items(items: list[Item], timeout: float = DEFAULT_TIMEOUT, code_root: str | None = None,
                  watchlist: str | None = None, progress=None, cap_mb: float = MEMORY_CAP_MB) -> tuple[list, dict]:
    """(records, child facts) for ``items``, one at a time, replacing the child when it dies or
    keeps more than RECYCLE_MB above its idle RSS."""
    say = progress or (lambda message: None)
    child = Child(code_root, watchlist)
    facts = {"analyser_code": child.info["code"], "model_load_s": round(child.info["load_s"], 1),
             "idle_rss_mb": round((child.info["idle_kb"] or 0) / 1024, 1), "hwm_reset": child.info["hwm_reset"],
             "restarts": 0, "recycled": 0}
    idle_kb = child.info["idle_kb"] or 0
    say(f"analyser from {facts['analyser_code']} loaded in {facts['model_load_s']} s, idle RSS "
        f"{facts['idle_rss_mb']} MB; {len(items):,} items, timeout {timeout:g} s each")
    records, t0, last = [], time.monotonic(), time.monotonic()
    try:
        for n, item in enumerate(items, 1):
            rec = child.measure(item, timeout, cap_mb,
                                lambda s, item=item: say(f"{item.corpus} {item.id}: still running after {s:.0f} s"))
            records.append(rec)
            if rec["status"] not in ("ok", "error"):
                say(f"{item.corpus} {item.id}: {rec['status']} after {rec['seconds']:.1f} s, "
                    f"{rec['mb']:.0f} MB; replacing the analysis process")
                facts["restarts"] += 1
                child = Child(code_root, watchlist)
            elif (rec.get("after_kb") or 0) - idle_kb > RECYCLE_MB * 1024:
                facts["recycled"] += 1
                child.close()
                child = Child(code_root, watchlist)
            rec.pop("after_kb", None)
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or n == len(items):
                last = now
                rate = n / (now - t0)
                bad = sum(r["status"] != "ok" for r in records)
                say(f"{n:,}/{len(items):,} items ({item.corpus}), {rate:.1f} items/s, "
                    f"ETA {_eta((len(items) - n) / rate)}; {bad} not ok")
    finally:
        child.close()
    facts["seconds"] = round(time.monotonic() - t0, 1)
    return records, facts


def load_corpora(limit: int | None = None, progress=None, corpora=CORPORA) -> tuple[list[Item], dict]:
    say = progress or (lambda message: None)
    conll = conll_items(limit=limit) if "conll" in corpora else []
    reuters = reuters_items(limit=limit) if "reuters" in corpora else []
    feeds, feed_info = feed_items(limit=limit) if "feeds" in corpora else ([], {"files": 0, "bozo": 0,
                                                                                "parse_failures": []})
    say(f"{len(conll):,} eng.testb documents, {len(reuters):,} Reuters stories, {len(feeds):,} items from "
        f"{feed_info['files']} feed files ({feed_info['bozo']} malformed, "
        f"{len(feed_info['parse_failures'])} the parser could not read)")
    sources = {"conll": str(CONLL), "reuters": str(REUTERS), "feeds": str(FEEDS), "feed_files": feed_info}
    return conll + reuters + feeds, sources


def run_worst_case(limit: int | None = None, timeout: float = DEFAULT_TIMEOUT, code_root: str | None = None,
                   watchlist: str | None = None, progress=None, keep_records: bool = False,
                   corpora=CORPORA) -> dict:
    """The results.json section ``worst_case`` (with ``records`` when ``keep_records``)."""
    items, sources = load_corpora(limit, progress, corpora)
    records, facts = measure_items(items, timeout, code_root, watchlist, progress)
    section = {"timeout_s": timeout, "limit_per_corpus": limit, "code_root": code_root, **facts,
               "sources": sources, "corpora": report.summarise_all(records, corpora),
               "slowest": report.slowest(records), "notes": method_notes(facts)}
    if keep_records:
        section["records"] = records
    return section


def method_notes(facts: dict) -> list[str]:
    mem = ("the child resets its VmHWM before each item (/proc/self/clear_refs) and reports it after, so the "
           "peak is exact" if facts.get("hwm_reset") else
           "VmHWM could not be reset here, so the peak is the largest VmRSS sampled every 5 ms: a spike "
           "shorter than that can be missed")
    return [
        f"Memory: {mem}; the parent samples VmRSS every {SAMPLE_INTERVAL * 1000:g} ms as well (the only "
        "figure for a killed item). The baseline is the child's RSS just before the item, so memory an earlier "
        "item left allocated (Python and spaCy keep freed arenas) is not counted again; the child is "
        f"replaced when it keeps more than {RECYCLE_MB:g} MB above its idle RSS "
        f"({facts.get('recycled', 0)} time(s) in this run). Time is the call's wall time in the child, so "
        "other load on the machine inflates it; cpu_s is in the JSON records of a standalone run.",
        f"Timed-out, crashed or memory-capped items ({facts.get('restarts', 0)} replacement(s) of the child) "
        "count at the timeout (or at the time of death) and the memory sampled until the kill: lower bounds, "
        "shown with > or ≥. One item at a time: the consumer's batches (several items piped together) are "
        "not measured here.",
        "Inputs: eng.testb rebuilt from its tokens (single spaces, one sentence per line, a document per "
        "-DOCSTART-; the first line is the headline); every line of articles.jsonl (title + body through "
        "parse_story); every item producers.feeds.parse_feed recovers from every file under feeds/.",
    ]


def write(section: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "worst-case.json").write_text(json.dumps(section, indent=1, default=str) + "\n", encoding="utf-8")
    (out / "worst-case.md").write_text("\n".join(report.render(section)) + "\n", encoding="utf-8")
    return out / "worst-case.md"


def _corpora(value: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names or set(names) - set(CORPORA):
        raise ValueError(value)
    return tuple(c for c in CORPORA if c in names)


def main(argv=None) -> int:
    import argparse

    from bench.progress import Progress

    p = argparse.ArgumentParser(prog="python -m bench.worst_case", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int, metavar="N", help="at most N items per corpus (default: all)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per item (default 30)")
    p.add_argument("--code-root", metavar="DIR", help="analyse with DIR/consumers (another checkout)")
    p.add_argument("--corpora", default=",".join(CORPORA), type=_corpora, metavar="LIST",
                   help=f"comma-separated subset of {','.join(CORPORA)} (default: all)")
    p.add_argument("--watchlist", help="watchlist file (default: the configured one)")
    p.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "wirewatch-worst-case"), metavar="DIR",
                   help="writes DIR/worst-case.json (with every record) and DIR/worst-case.md "
                        "(default: a directory under the system's temporary directory)")
    args = p.parse_args(argv)
    watchlist = args.watchlist
    if watchlist is None:
        from wirewatch.settings import get_settings

        watchlist = str(get_settings().watchlist_file)
    progress = Progress()
    t = progress.start("(h) worst case")
    section = run_worst_case(args.limit, args.timeout, args.code_root, watchlist, progress, keep_records=True,
                             corpora=args.corpora)
    progress.done(t, "done")
    md = write(section, Path(args.out))
    print(md.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
