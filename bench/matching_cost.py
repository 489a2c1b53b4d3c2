"""(f) Matching cost per item with 10, 1,000 and 10,000 generated topics (NLP excluded).

A thin wrapper over bench.matching_bench.bench_matching, fed the stories analysed
in (b) (so event and entity conditions see real analyses), with presearch term
frequencies from held-out articles, as that module's command line does.
"""
from __future__ import annotations

from bench.matching_bench import bench_matching, read_articles
from consumers.matching.engine import MatchInput
from consumers.matching.presearch import document_frequencies

COUNTS = (10, 1000, 10000)


def measure_matching(items, analyses, articles_path, freq_docs: int, skip: int, repeat: int = 3,
                     counts=COUNTS) -> dict:
    docs = [MatchInput(i.id, i.headline, i.body, a) for i, a in zip(items, analyses)]
    held_out = read_articles(articles_path, freq_docs, skip=skip) if freq_docs else []
    doc_freq = document_frequencies(d.headline + "\n\n" + d.body for d in held_out) if held_out else None
    result = bench_matching(docs, counts, repeat=repeat, doc_freq=doc_freq)
    lo, hi = min(counts), max(counts)
    result["counts"] = {str(n): v for n, v in result["counts"].items()}
    result["counts_us_per_item"] = {"lo": result["counts"][str(lo)]["us_per_item"],
                                    "hi": result["counts"][str(hi)]["us_per_item"],
                                    "lo_topics": lo, "hi_topics": hi}
    result["repeat"] = repeat
    result["freq_docs"] = len(held_out)
    return result
