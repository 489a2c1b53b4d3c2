"""Sentence- and document-level evaluation of the "arrests of opposition figures"
signal against hand labels in tests/labels/.

A sentence is predicted positive when it carries an arrest frame whose target role
is "opposition" and whose status is "reported" or "background". Labels point at a
sentence by its character start in the article body, so they survive changes in
sentence splitting: the label maps to the analysed sentence containing that offset.

    python -m bench.topic_eval
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from consumers.understanding.analyzer import Analyzer, predict_document

DEFAULT_ARTICLES = "/work/shared/eval-data/reuters/articles.jsonl"
LABELS_DIR = Path(__file__).resolve().parents[1] / "tests" / "labels"
POSITIVE_STATUSES = frozenset({"reported", "background"})


def _read_tsv(path) -> list[list[str]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("article_id"):
            continue
        rows.append(line.split("\t"))
    return rows


def _load_articles(path, wanted: set[str]) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] in wanted:
                out[rec["id"]] = rec
    return out


def _prf(tp, fp, fn) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def sentence_is_positive(analysis, sentence) -> bool:
    return any(f.event == "arrest" and f.target_role == "opposition" and f.status in POSITIVE_STATUSES
               and f.sentence.index == sentence.index for f in analysis.events)


def run_sentence_eval(articles_path: str, labels_path: str, analyzer: Analyzer) -> dict:
    """Precision/recall over labelled sentences, with every miss and false alarm."""
    rows = _read_tsv(labels_path)
    arts = _load_articles(articles_path, {r[0] for r in rows})
    ids = sorted(arts)
    analyses = dict(zip(ids, analyzer.analyse_many([(arts[i].get("title") or "", arts[i]["body"]) for i in ids])))
    tp = fp = fn = tn = 0
    misses, false_alarms = [], []
    for aid, start, label, *note in rows:
        a = analyses[aid]
        offset = len(arts[aid].get("title") or "") + 2 + int(start)
        sent = next((s for s in a.sentences if s.start <= offset < s.end), None)
        if sent is None:  # offset fell in whitespace between sentences: take the next one
            sent = next((s for s in a.sentences if s.start >= offset), None)
        pred = bool(sent) and sentence_is_positive(a, sent)
        gold = label.strip() == "1"
        item = {"article_id": aid, "body_char_start": int(start), "note": note[0] if note else "",
                "frames": [f"{f.action}:{f.target}:{f.target_role}:{f.status}"
                           for f in a.events if sent and f.sentence.index == sent.index]}
        if gold and pred:
            tp += 1
        elif gold:
            fn += 1
            misses.append(item)
        elif pred:
            fp += 1
            false_alarms.append(item)
        else:
            tn += 1
    res = _prf(tp, fp, fn)
    res.update({"tn": tn, "misses": misses, "false_alarms": false_alarms, "n": len(rows)})
    return res


def _reported_frames(aid: str, headline: str, body: str, analysis) -> list[str]:
    """The default document predictor: the analyzer's reported opposition arrests."""
    if not predict_document(analysis):
        return []
    return [f"{f.action}:{f.target}:{f.status}:{f.role_evidence}" for f in analysis.events
            if f.target_role == "opposition" and f.status == "reported"]


def run_document_eval(articles_path: str, labels_path: str, analyzer: Analyzer, predict=None) -> dict:
    """Document-level P/R. ``predict(id, headline, body, analysis)`` returns why the document
    fires (empty: it does not); by default the analyzer's reported opposition arrests, the
    CLI passes the real topic matcher."""
    predict = predict or _reported_frames
    rows = _read_tsv(labels_path)
    arts = _load_articles(articles_path, {r[0] for r in rows})
    pairs = [(arts[r[0]].get("title") or "", arts[r[0]]["body"]) for r in rows]
    analyses = analyzer.analyse_many(pairs)
    tp = fp = fn = 0
    misses, false_alarms = [], []
    for (aid, label, *note), (headline, body), a in zip(rows, pairs, analyses):
        why, gold = predict(aid, headline, body, a), label.strip() == "1"
        item = {"article_id": aid, "note": note[0] if note else ""}
        if gold and why:
            tp += 1
        elif gold:
            fn += 1
            misses.append(item)
        elif why:
            fp += 1
            false_alarms.append({**item, "why": why})
    res = _prf(tp, fp, fn)
    res.update({"misses": misses, "false_alarms": false_alarms, "n": len(rows)})
    return res


def main(argv=None) -> int:
    analyzer = Analyzer()
    s = run_sentence_eval(DEFAULT_ARTICLES, LABELS_DIR / "topic_sentences.tsv", analyzer)
    print(f"sentences: n={s['n']} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
          f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")
    for m in s["misses"]:
        print("  MISS ", m["article_id"], m["body_char_start"], m["note"], m["frames"])
    for m in s["false_alarms"]:
        print("  FALSE", m["article_id"], m["body_char_start"], m["note"], m["frames"])
    d = run_document_eval(DEFAULT_ARTICLES, LABELS_DIR / "topic_docs.tsv", analyzer)
    print(f"documents: n={d['n']} P={d['precision']:.3f} R={d['recall']:.3f} (tp={d['tp']} fp={d['fp']} fn={d['fn']})")
    for m in d["misses"]:
        print("  MISS ", m)
    for m in d["false_alarms"]:
        print("  FALSE", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
