"""Matching benchmark: cost per item vs number of topics, presearch on, NLP excluded.

    python -m consumers.matching.bench /work/shared/eval-data/reuters/articles.jsonl --docs 500
"""
from __future__ import annotations

import argparse
import json
import time

from consumers.matching.document import Document
from consumers.matching.engine import Matcher, MatchInput
from consumers.matching.generate import FAMOUS_SHARE, generate_topics
from consumers.matching.presearch import document_frequencies


def bench_matching(docs: list[MatchInput], counts=(10, 1000, 10000), seed: int = 0, repeat: int = 5,
                   doc_freq: dict[str, float] | None = None, famous_share: float = FAMOUS_SHARE) -> dict:
    """{"counts": {n: {us_per_item, candidates_per_item, matches_per_item}}, "ratio": ...}.

    ``us_per_item`` is the CPU time of ``Matcher.match`` (document preparation +
    presearch + evaluation) per item, best of ``repeat`` passes. The counts are measured
    round-robin within each pass, so load from other processes hits them alike; CPU
    time rather than wall time for the same reason. ``ratio`` is the cost at the largest
    count over the cost at the smallest. ``doc_freq`` goes to the presearcher (compute
    it from items other than ``docs``); ``famous_share`` to ``generate_topics``.
    """
    matchers = {n: Matcher(generate_topics(n, seed, famous_share), presearch=True, doc_freq=doc_freq)
                for n in counts}
    best = {n: float("inf") for n in counts}
    matches = {}
    for _ in range(repeat):
        for n, matcher in matchers.items():
            t0 = time.process_time()
            matches[n] = sum(len(matcher.match(d)) for d in docs)
            best[n] = min(best[n], time.process_time() - t0)
    out = {}
    for n, matcher in matchers.items():
        cands = sum(
            len(matcher.candidates(Document(d.id, d.headline, d.body, d.analysis))) for d in docs
        )
        out[n] = {
            "us_per_item": round(best[n] / len(docs) * 1e6, 1),
            "candidates_per_item": round(cands / len(docs), 2),
            "matches_per_item": round(matches[n] / len(docs), 3),
        }
    lo, hi = min(counts), max(counts)
    return {"docs": len(docs), "doc_freq": bool(doc_freq), "famous_share": famous_share, "counts": out,
            "ratio": round(out[hi]["us_per_item"] / out[lo]["us_per_item"], 2)}


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
    print(json.dumps(bench_matching(docs, counts, args.seed, doc_freq=doc_freq,
                                    famous_share=args.famous_share), indent=2))


if __name__ == "__main__":
    main()
