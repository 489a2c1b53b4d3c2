"""Topic evaluation against hand labels in tests/labels/.

The regression sets (``run_sentence_eval``, ``run_document_eval``): sentence- and
document-level evaluation of the "arrests of opposition figures" signal on the labelled
Reuters articles. The real-news dev set (``run_devset_eval``, items from bench.devset):
document-level precision/recall through a predictor (by default the real topic matcher),
per form, region and split, with every miss, false alarm and a confusion table of the
analyzer's best arrest-frame status against the gold label. docs/evaluation.md explains
the sets and how to read the output.

A sentence is predicted positive when it carries an arrest frame whose target role
is "opposition" and whose status is "reported" or "background". Labels point at a
sentence by its character start in the article body, so they survive changes in
sentence splitting: the label maps to the analysed sentence containing that offset.

    python -m bench.topic_eval
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

from consumers.understanding.analyzer import Analyzer, predict_document

DEFAULT_ARTICLES = "/work/shared/eval-data/reuters/articles.jsonl"
LABELS_DIR = Path(__file__).resolve().parents[1] / "tests" / "labels"
# The sentence labels count "was or is arrested, detained, jailed ... or under arrest":
# a detention that goes on ("continued") is one.
POSITIVE_STATUSES = frozenset({"reported", "background", "continued"})


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
    analyses = dict(zip(ids, analyzer.analyse_many([(arts[i].get("title") or "", arts[i]["body"],
                                                     arts[i].get("date_iso")) for i in ids])))
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
    # each story with its date: roles are resolved as of the day it was published
    analyses = analyzer.analyse_many([(h, b, arts[r[0]].get("date_iso")) for (h, b), r in zip(pairs, rows)])
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


# ---------------------------------------------------------------- the real-news dev set

# The "best" arrest-family frame of a document, most news-like first: the confusion
# table shows which status the analyzer gave the story's strongest arrest frame.
STATUS_ORDER = ("reported", "background", "released", "warrant", "called_for", "possible", "negated")
NO_FRAME = "none"
Predictor = Callable[..., list]  # predict(item, analysis) -> why it fires (empty: it does not)


def best_status(analysis) -> str:
    statuses = {f.status for f in analysis.events if f.event == "arrest"}
    for status in STATUS_ORDER:
        if status in statuses:
            return status
    return sorted(statuses)[0] if statuses else NO_FRAME  # a status added after this table


def frame_line(f) -> str:
    """action:target:role:status:status_reason of one frame."""
    reason = (f.details or {}).get("status_reason") or ""
    return f"{f.action}:{f.target or '?'}:{f.target_role}:{f.status}:{reason}"


def analyse_items(items, analyzer, progress=None, chunk: int = 32) -> list:
    """Analyses of the items' texts, each with its publication date (roles are
    resolved as of that day)."""
    out: list = []
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        out.extend(analyzer.analyse_many([(i.headline, i.body, i.published) for i in part]))
        if progress:
            progress(f"analysed {len(out)}/{len(items)}")
    return out


def _group_prf(rows: list[dict], key: str) -> dict:
    groups: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        c = groups[r[key]]
        c["n"] += 1
        c["positives"] += r["label"]
        c["tp" if r["label"] and r["fired"] else "fn" if r["label"] else "fp" if r["fired"] else "tn"] += 1
    return {name: {**_prf(c["tp"], c["fp"], c["fn"]), "tn": c["tn"], "n": c["n"], "positives": c["positives"]}
            for name, c in sorted(groups.items())}


def run_devset_eval(items, analyzer, predict: Predictor, progress=None) -> dict:
    """Document-level P/R on dev-set items (bench.devset.Item with texts loaded).

    ``predict(item, analysis)`` returns the reasons the document fires (empty: it does
    not). Items without a text are left out and counted as ``skipped``.
    """
    usable = [i for i in items if i.has_text]
    analyses = analyse_items(usable, analyzer, progress)
    rows = []
    for item, a in zip(usable, analyses):
        why = list(predict(item, a) or [])
        rows.append({
            "id": item.id, "form": item.form, "source": item.source, "split": item.split,
            "region": item.region, "country": item.country, "label": item.label, "kind": item.kind,
            "person": item.person, "reason": item.reason, "fired": bool(why), "why": why,
            "status": best_status(a), "frames": [frame_line(f) for f in a.events if f.event == "arrest"],
            # the model is English-only: a text that does not read as English is reported apart
            "language": "not English" if any(n.startswith("the text does not read as English")
                                             for n in getattr(a, "limits", ())) else "English"})
    tp = sum(r["label"] and r["fired"] for r in rows)
    fp = sum(r["fired"] and not r["label"] for r in rows)
    fn = sum(r["label"] and not r["fired"] for r in rows)
    res = _prf(tp, fp, fn)
    confusion: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        confusion[r["status"]][f"gold={r['label']}"] += 1
        confusion[r["status"]]["fired"] += r["fired"]
        by_kind[f"{r['kind']} ({r['label']})"][r["status"]] += 1
        by_kind[f"{r['kind']} ({r['label']})"]["fired"] += r["fired"]
    order = {s: n for n, s in enumerate(STATUS_ORDER + (NO_FRAME,))}
    res.update({
        "n": len(rows), "positives": sum(r["label"] for r in rows), "tn": len(rows) - tp - fp - fn,
        "skipped": [{"id": i.id, "missing": i.missing} for i in items if not i.has_text],
        "by_form": _group_prf(rows, "form"), "by_region": _group_prf(rows, "region"),
        "by_split": _group_prf(rows, "split"), "by_source": _group_prf(rows, "source"),
        "by_language": _group_prf(rows, "language"),
        "confusion_status": {s: dict(confusion[s]) for s in sorted(confusion, key=lambda s: order.get(s, 99))},
        "confusion_kind": {k: dict(v) for k, v in sorted(by_kind.items(), key=lambda kv: (-int(kv[0][-2]), kv[0]))},
        "misses": [r for r in rows if r["label"] and not r["fired"]],
        "false_alarms": [r for r in rows if r["fired"] and not r["label"]],
        "items": rows})
    return res


def find_topic(name: str, files):
    """The topic called ``name`` in the first of ``files`` (existing paths) that has it."""
    from consumers.matching.topics import load_topics

    for path in files:
        if path and Path(path).exists():
            found = [t for t in load_topics(path) if t.name == name]
            if found:
                return found[0], Path(path)
    return None, None


def topic_predictor(topic) -> Predictor:
    """The real matcher on one topic: what users would be alerted about."""
    from consumers.matching.engine import Matcher, MatchInput

    matcher = Matcher([topic])
    return lambda item, analysis: [
        m.why() for m in matcher.match(MatchInput(item.id, item.headline, item.body, analysis))]


def select_items(items, split: str = "all", limit: int | None = None) -> list:
    """Items of one split (dev | test | all); ``limit`` takes a fixed pseudo-random sample."""
    chosen = [i for i in items if split == "all" or i.split == split]
    if limit is not None:
        chosen = sorted(chosen, key=lambda i: hashlib.sha1(i.id.encode()).hexdigest())[:limit]
    return chosen


def _prf_line(name: str, g: dict) -> str:
    """One group's figures; '-' where a figure is undefined (nothing fired / no positives)."""
    p = f"{g['precision']:.3f}" if g["tp"] + g["fp"] else "  -  "
    r = f"{g['recall']:.3f}" if g["tp"] + g["fn"] else "  -  "
    f1 = f"{g['f1']:.3f}" if g["tp"] + g["fp"] and g["tp"] + g["fn"] else "  -  "
    return (f"  {name:28} n={g['n']:<4} pos={g['positives']:<4} P={p} R={r} F1={f1} "
            f"(tp={g['tp']} fp={g['fp']} fn={g['fn']})")


def _table(title: str, rows: dict[str, dict], columns: list[str]) -> list[str]:
    width = max([len(r) for r in rows] + [len(title)])
    head = f"  {title:{width}} " + " ".join(f"{c:>10}" for c in columns)
    return [head] + [f"  {name:{width}} " + " ".join(f"{row.get(c, 0) or '.':>10}" for c in columns)
                     for name, row in rows.items()]


def format_devset_report(res: dict, title: str = "", show_splits: bool = False) -> str:
    out = [f"{title}: n={res['n']} positives={res['positives']}"
           + (f" ({len(res['skipped'])} item(s) without a text left out)" if res["skipped"] else ""),
           f"  overall: P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f} "
           f"(tp={res['tp']} fp={res['fp']} fn={res['fn']} tn={res['tn']})", "by form:"]
    out += [_prf_line(k, v) for k, v in res["by_form"].items()]
    if res.get("by_language"):
        out.append("by language (the model is English-only):")
        out += [_prf_line(k, v) for k, v in res["by_language"].items()]
    out.append("by region:")
    out += [_prf_line(k, v) for k, v in res["by_region"].items()]
    if show_splits:
        out.append("by split:")
        out += [_prf_line(k, v) for k, v in res["by_split"].items()]
    statuses = [s for s in STATUS_ORDER + (NO_FRAME,) if any(s in r for r in res["confusion_kind"].values())]
    out.append("best arrest-frame status vs gold label (fired = the topic fired):")
    out += _table("status", res["confusion_status"], ["gold=1", "gold=0", "fired"])
    out.append("gold kind (label) vs best arrest-frame status:")
    out += _table("kind", res["confusion_kind"], statuses + ["fired"])
    out.append(f"MISSES ({len(res['misses'])}):")
    for r in res["misses"]:
        out.append(f"  {r['id']} [{r['form']}] {r['kind']}, {r['country']}: {r['reason']}")
        out += [f"      {f}" for f in r["frames"]] or ["      (no arrest-family frame)"]
    out.append(f"FALSE ALARMS ({len(res['false_alarms'])}):")
    for r in res["false_alarms"]:
        out.append(f"  {r['id']} [{r['form']}] {r['kind']}, {r['country']}: {r['reason']}")
        out += [f"      fired: {w[:220]}" for w in r["why"]]
    if res["skipped"]:
        out.append(f"WITHOUT TEXT ({len(res['skipped'])}): "
                   + ", ".join(s["id"] for s in res["skipped"][:20])
                   + (" ..." if len(res["skipped"]) > 20 else "") + "  (python -m bench.devset check)")
    return "\n".join(out)


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
