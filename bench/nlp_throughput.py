"""(b) The NLP limit: Analyzer.analyse_many + topic matching called directly (no Kafka, no DB).

Each process is started with multiprocessing's spawn (like the daemon's consumers),
loads the model itself and warms up on stories outside the sample; the processes then
meet at a barrier and are timed together: items / (last end - first start).
Stories go through analyse_many in chunks of ``chunk`` (the consumer's max_poll_records)
and every analysis is matched against the configured topics, as the items stage does.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time

from bench.stats import rate, rounded
from wirewatch.adapters.kafka_bus import MAX_POLL_RECORDS

CHUNK = MAX_POLL_RECORDS  # what one consumer batch holds


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _worker(index, stories, warm, topics_file, watchlist_file, chunk, barrier, results, keep_analyses):
    from consumers.matching.engine import Matcher, MatchInput
    from consumers.matching.topics import load_topics
    from consumers.understanding.analyzer import Analyzer

    t0 = time.perf_counter()
    analyzer = Analyzer(watchlist=watchlist_file)
    matcher = Matcher(list(load_topics(topics_file)))
    for sid, h, b, a in zip([s[0] for s in warm], [s[1] for s in warm], [s[2] for s in warm],
                            analyzer.analyse_many([(h, b) for _, h, b in warm])):
        matcher.match(MatchInput(sid, h, b, a))
    load_s = time.perf_counter() - t0
    barrier.wait(timeout=600)
    start, cpu0 = time.time(), time.process_time()
    analyses, matches = [], 0
    for i in range(0, len(stories), chunk):
        batch = stories[i:i + chunk]
        done = analyzer.analyse_many([(h, b) for _, h, b in batch])
        for (sid, h, b), a in zip(batch, done):
            matches += len(matcher.match(MatchInput(sid, h, b, a)))
        if keep_analyses:
            analyses.extend(done)
    end = time.time()
    results.put({"index": index, "pid": os.getpid(), "start": start, "end": end,
                 "cpu_s": time.process_time() - cpu0, "items": len(stories), "matches": matches,
                 "model_load_s": load_s, "peak_rss_mb": _peak_rss_mb(),
                 "analyses": analyses if keep_analyses else None})


def measure_nlp(items, warm_items, processes: int, topics_file, watchlist_file, chunk: int = CHUNK,
                keep_analyses: bool = False, timeout: float = 1800) -> dict:
    """Throughput of ``processes`` spawned processes sharing ``items`` round-robin.

    With ``keep_analyses`` the result carries ``analyses`` (in the order of ``items``).
    """
    from bench.corpus import words

    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    stories = [(i.id, i.headline, i.body) for i in items]
    warm = [(i.id, i.headline, i.body) for i in warm_items]
    shares = [stories[k::processes] for k in range(processes)]
    procs = [ctx.Process(target=_worker, name=f"wirewatch-bench-nlp-{k}",
                         args=(k, shares[k], warm, str(topics_file), str(watchlist_file), chunk, barrier,
                               results, keep_analyses))
             for k in range(processes)]
    for p in procs:
        p.start()
    try:
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < processes:
            try:
                got.append(results.get(timeout=5))
            except Exception:
                dead = [p for p in procs if not p.is_alive() and p.exitcode not in (0, None)]
                if dead:
                    raise RuntimeError(f"NLP bench process exited with {dead[0].exitcode}") from None
                if time.monotonic() > deadline:
                    raise TimeoutError("NLP bench processes did not finish") from None
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    got.sort(key=lambda r: r["index"])
    seconds = max(r["end"] for r in got) - min(r["start"] for r in got)
    n_words = sum(words(i) for i in items)
    out = {
        "processes": processes,
        "items": len(items),
        "words": n_words,
        "seconds": rounded(seconds, 2),
        "items_per_s": rounded(rate(len(items), seconds), 2),
        "words_per_s": rounded(rate(n_words, seconds), 0),
        "cpu_s": rounded(sum(r["cpu_s"] for r in got), 1),
        # Items per CPU-second of the workers: what the machine's other load does not change.
        "items_per_cpu_s": rounded(rate(len(items), sum(r["cpu_s"] for r in got)), 2),
        "words_per_cpu_s": rounded(rate(n_words, sum(r["cpu_s"] for r in got)), 0),
        "on_cpu_share": rounded(sum(r["cpu_s"] for r in got) / (seconds * processes), 2) if seconds else None,
        "matches": sum(r["matches"] for r in got),
        "model_load_s": rounded(max(r["model_load_s"] for r in got), 1),
        "peak_rss_mb": [rounded(r["peak_rss_mb"], 0) for r in got],
        "chunk": chunk,
    }
    if keep_analyses:
        # Round-robin shares: put the analyses back in item order.
        ordered = [None] * len(items)
        for r in got:
            for j, a in enumerate(r["analyses"]):
                ordered[r["index"] + j * processes] = a
        out["analyses"] = ordered
    return out
