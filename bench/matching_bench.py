"""Matching benchmark: cost per item vs number of topics, presearch on, NLP excluded.

    python -m bench.matching_bench /work/shared/eval-data/reuters/articles.jsonl --docs 500
"""
from __future__ import annotations

import argparse
import json
import time

from consumers.matching.document import Document
from consumers.matching.engine import Matcher, MatchInput
from bench.synthetic_topics import FAMOUS_SHARE, generate_topics
from consumers.matching.presearch import document_frequencies


_CHUNK = 16


def bench_matching(docs: list[MatchInput], counts=(10, 1000, 10000), seed: int = 0, repeat: int = 5,
                   doc_freq: dict[str, float] | None = None, famous_share: float = FAMOUS_SHARE) -> dict:
    """{"counts": {n: {us_per_item, candidates_per_item, matches_per_item}},
    "ratio": ..., "explain_us_per_match": ...}.

    ``us_per_item`` is the CPU time of ``Matcher.match`` (document preparation +
    presearch + evaluation + scoring) per item, best of ``repeat`` passes.
    ``explain_us_per_match`` is the CPU time of ``Match.explanation()`` (offsets,
    evidence sentence, the JSON stored with an alert) per match, at the largest count.

    The measurement is paired: each chunk of ``_CHUNK`` items is matched against every
    topic count back to back (the order rotating from chunk to chunk), so a slowdown
    from other processes, which comes and goes over tens of milliseconds, hits all
    counts alike, while each matcher still runs warm over a chunk, as it would in a
    consumer. CPU time rather than wall time for the same reason. ``ratio`` is the cost
    at the largest count over the cost at the smallest. ``doc_freq`` goes to the
    presearcher (compute it from items other than ``docs``); ``famous_share`` to
    ``generate_topics``.
    """
    matchers = [(n, Matcher(generate_topics(n, seed, famous_share), presearch=True, doc_freq=doc_freq))
                for n in counts]
    clock = time.process_time_ns
    best = {n: float("inf") for n in counts}
    matches = {n: 0 for n in counts}
    k = len(matchers)
    explain_ns = explained = 0
    for _ in range(repeat):
        spent = {n: 0 for n in counts}
        for c, lo in enumerate(range(0, len(docs), _CHUNK)):
            chunk = docs[lo:lo + _CHUNK]
            for j in range(k):
                n, matcher = matchers[(c + j) % k]
                # The timing ends after the matches are dropped: a match keeps its
                # document alive (for lazy offsets), and freeing it is part of the cost.
                t0 = clock()
                for d in chunk:
                    matches[n] += len(matcher.match(d))
                spent[n] += clock() - t0
        for n in counts:
            best[n] = min(best[n], spent[n])
    # Explanations (offsets, evidence, the JSON stored with an alert) are built once
    # per match, when the consumer stores it; their cost follows the matches, not the
    # number of topics, so it is reported per match.
    for _ in range(repeat):
        for d in docs:
            found = matchers[-1][1].match(d)
            t0 = clock()
            for m in found:
                m.explanation()
            explain_ns += clock() - t0
            explained += len(found)
    out = {}
    for n, matcher in matchers:
        cands = sum(
            len(matcher.candidates(Document(d.id, d.headline, d.body, d.analysis))) for d in docs
        )
        out[n] = {
            "us_per_item": round(best[n] / len(docs) / 1e3, 1),
            "candidates_per_item": round(cands / len(docs), 2),
            "matches_per_item": round(matches[n] / repeat / len(docs), 3),
        }
    lo, hi = min(counts), max(counts)
    return {"docs": len(docs), "doc_freq": bool(doc_freq), "famous_share": famous_share, "counts": out,
            "ratio": round(out[hi]["us_per_item"] / out[lo]["us_per_item"], 2),
            "explain_us_per_match": round(explain_ns / explained / 1e3, 1) if explained else None}


def read_articles(path, limit: int | None = None, skip: int = 0) -> list[MatchInput]:
    """Reuters-style JSON Lines (id, title, body) as MatchInputs without analysis."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n < skip:
                continue
            if limit is not None and len(docs) >= limit:
                break
            r = json.loads(line)
            docs.append(MatchInput(str(r["id"]), r.get("title") or "", r.get("body") or ""))
    return docs


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles")
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--counts", default="10,1000,10000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=7, help="passes; the best of them is reported")
    ap.add_argument("--famous-share", type=float, default=FAMOUS_SHARE)
    ap.add_argument("--freq-docs", type=int, default=4000,
                    help="held-out articles (after the measured ones) for presearch term "
                         "frequencies; 0 = length heuristic")
    args = ap.parse_args(argv)
    docs = read_articles(args.articles, args.docs)
    counts = tuple(int(c) for c in args.counts.split(","))
    doc_freq = None
    if args.freq_docs:
        held_out = read_articles(args.articles, args.freq_docs, skip=args.docs)
        doc_freq = document_frequencies(d.headline + "\n\n" + d.body for d in held_out)
    print(json.dumps(bench_matching(docs, counts, args.seed, args.repeat, doc_freq=doc_freq,
                                    famous_share=args.famous_share), indent=2))


if __name__ == "__main__":
    main()
