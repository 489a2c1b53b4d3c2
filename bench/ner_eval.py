"""CoNLL-2003 scoring of wirewatch's entity extractor against bare en_core_web_sm.

Exact span + type. spaCy labels map to CoNLL types: PERSON->PER, GPE/LOC/FAC->LOC,
ORG->ORG, other name types (NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE)->MISC;
numeric/time types (DATE, CARDINAL, MONEY, ...) are not names and are dropped.

Text is rebuilt from tokens: one line per sentence, tokens joined by single spaces, one
document per article (-DOCSTART-). Each document goes through the production analyser
as a wire item (first line = headline, rest = body), with nothing added by the harness.

Scored: exact token span + type. The headline figure (``micro_PER_ORG_LOC``) counts
only PER, ORG and LOC; MISC is scored separately (its own row and ``micro_all``), so a
MISC guess is never a PER/ORG/LOC false positive, and a gold LOC tagged MISC is a LOC
miss. Tune on eng.testa (dev); report on eng.testb.

    python -m bench.ner_eval /work/shared/eval-data/conll2003/eng.testb
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass


TYPES = ("PER", "ORG", "LOC", "MISC")
MAIN_TYPES = ("PER", "ORG", "LOC")
LABEL_MAP = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG",
             "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
             "LAW": "MISC", "LANGUAGE": "MISC"}


@dataclass
class ConllDoc:
    sentences: list[list[tuple[str, str]]]  # (token, IOB1 tag)


def read_conll(path: str) -> list[ConllDoc]:
    docs: list[ConllDoc] = []
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if cur:
                    sents.append(cur)
                    cur = []
                if sents:
                    docs.append(ConllDoc(sents))
                sents = []
                continue
            if not line.strip():
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            parts = line.split(" ")
            cur.append((parts[0], parts[-1]))
    if cur:
        sents.append(cur)
    if sents:
        docs.append(ConllDoc(sents))
    return docs


def gold_spans(sent: list[tuple[str, str]]) -> set[tuple[int, int, str]]:
    """IOB1 -> (start, end, type) token spans."""
    spans = set()
    start, typ = None, None
    for i, (_, tag) in enumerate(sent + [("", "O")]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != typ):
            if start is not None:
                spans.add((start, i, typ))
                start, typ = None, None
            if tag != "O":
                start, typ = i, tag[2:]
    return spans


def layout(doc: ConllDoc) -> tuple[str, list[list[tuple[int, int]]]]:
    """Document text (sentence per line) and each token's character span."""
    parts, offsets, pos = [], [], 0
    for sent in doc.sentences:
        toks = []
        for j, (tok, _) in enumerate(sent):
            if j:
                parts.append(" ")
                pos += 1
            toks.append((pos, pos + len(tok)))
            parts.append(tok)
            pos += len(tok)
        parts.append("\n")
        pos += 1
        offsets.append(toks)
    return "".join(parts), offsets


def rebuild_documents(path: str) -> list[str]:
    """A CoNLL file as plain texts: one per -DOCSTART- document, one sentence per line,
    tokens joined by single spaces (what ``wirewatch extract`` is checked on)."""
    return [layout(d)[0] for d in read_conll(path)]


def _to_token_spans(char_spans, offsets) -> list[set[tuple[int, int, str]]]:
    """Char spans (start, end, conll type) -> per-sentence token spans."""
    starts, ends = {}, {}
    for si, toks in enumerate(offsets):
        for ti, (a, b) in enumerate(toks):
            starts[a] = (si, ti)
            ends[b] = (si, ti)
    out = [set() for _ in offsets]
    for a, b, typ in char_spans:
        if a in starts and b in ends and starts[a][0] == ends[b][0]:
            si = starts[a][0]
            out[si].add((starts[a][1], ends[b][1] + 1, typ))
    return out


def as_wire_item(text: str) -> tuple[str, str]:
    """A rebuilt document as a wire item, as the worst-case bench sends it: the first line
    is the headline, the rest the body (every CoNLL-2003 article opens with its headline)."""
    head, _, body = text.partition("\n")
    return head, body


def wirewatch_spans(analyzer, texts: list[str], batch_size: int = 32):
    """Spans from the production path (``Analyzer.analyse_many``: its text clean-up,
    headline truecasing, caps and watchlist), mapped back onto the rebuilt text.

    The harness adds nothing of its own: no dateline or ALL-CAPS rules, no span fixes."""
    items = [as_wire_item(t) for t in texts]
    for (head, _), analysis in zip(items, analyzer.analyse_many(items, batch_size=batch_size)):
        # Analysis.text = head + "\n\n" + body; the rebuilt text is head + "\n" + body
        cut = len(head)
        yield [(m.start - (m.start > cut), m.end - (m.start > cut), LABEL_MAP[m.label])
               for m in analysis.mentions if m.label in LABEL_MAP]


def bare_spans(nlp, texts: list[str], batch_size: int = 64):
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield [(e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP]


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score(gold: list[set], pred: list[set]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        for s in p:
            (tp if s in g else fp)[s[2]] += 1
        for s in g:
            if s not in p:
                fn[s[2]] += 1
    out = {t: _prf(tp[t], fp[t], fn[t]) for t in TYPES}
    out["micro_PER_ORG_LOC"] = _prf(sum(tp[t] for t in MAIN_TYPES), sum(fp[t] for t in MAIN_TYPES),
                                    sum(fn[t] for t in MAIN_TYPES))
    out["micro_all"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return out


def run_ner_eval(path: str, limit: int | None = None, progress=None, nlp=None, bare_nlp=None) -> dict:
    """Score wirewatch and bare en_core_web_sm on a CoNLL-2003 file.

    ``limit`` caps the number of articles; ``progress`` is called with a message string.
    """
    from consumers.understanding.pipeline import load_model, prepare

    say = progress or (lambda msg: None)
    docs = read_conll(path)[:limit] if limit else read_conll(path)
    texts, offsets, gold = [], [], []
    for d in docs:
        t, o = layout(d)
        texts.append(t)
        offsets.append(o)
        gold.extend(gold_spans(s) for s in d.sentences)
    n_sent = sum(len(d.sentences) for d in docs)
    say(f"{len(docs)} articles, {n_sent} sentences")
    result = {"path": path, "articles": len(docs), "sentences": n_sent}
    for name in ("wirewatch", "bare"):
        t0 = time.time()
        if name == "wirewatch":
            from consumers.understanding.analyzer import Analyzer

            gen = wirewatch_spans(Analyzer(nlp=nlp or prepare(load_model())), texts)
        else:
            model = bare_nlp or load_model()
            gen = bare_spans(model, texts)
        pred = []
        for spans, off in zip(gen, offsets):
            pred.extend(_to_token_spans(spans, off))
        result[name] = score(gold, pred)
        result[name]["seconds"] = round(time.time() - t0, 1)
        say(f"{name}: micro F1 PER+ORG+LOC {result[name]['micro_PER_ORG_LOC']['f1']:.3f} "
            f"({result[name]['seconds']} s)")
    return result


def format_report(result: dict) -> str:
    lines = [f"CoNLL-2003 {result['path']}: {result['articles']} articles, {result['sentences']} sentences",
             f"{'system':10} {'type':18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name in ("wirewatch", "bare"):
        if name not in result:
            continue
        for t in (*TYPES, "micro_PER_ORG_LOC", "micro_all"):
            s = result[name][t]
            lines.append(f"{name:10} {t:18} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                         f"{s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    path = argv[0] if argv else "/work/shared/eval-data/conll2003/eng.testb"
    limit = int(argv[1]) if len(argv) > 1 else None
    result = run_ner_eval(path, limit, progress=lambda m: print(m, file=sys.stderr))
    print(format_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
