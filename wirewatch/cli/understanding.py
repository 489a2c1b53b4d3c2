"""CLI commands for extraction, offline matching, evaluation and backtests (Issue: Understanding).

None of them needs Kafka; only `backtest` reads the database, and it sends nothing.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from wirewatch.cli.runtime import EXIT_OK, EXIT_USAGE
from wirewatch.settings import PROJECT_ROOT

EVAL_DATA = PROJECT_ROOT.parent / "shared" / "eval-data"
LABELS = PROJECT_ROOT / "tests" / "labels"
FLAGSHIP = "arrests-of-opposition-leaders"
EXAMPLE_TOPICS = PROJECT_ROOT / "config" / "topics.examples.yaml"
# Topics with a label set of their own (every other topic is evaluated on tests/labels/devset/).
TOPIC_LABELS = {"arrests-of-journalists": LABELS / "journalists.tsv"}


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_extract(args, app) -> int:
    from consumers.understanding.extract_cli import extract_jsonl

    n = extract_jsonl(sys.stdin, sys.stdout, app.analyzer)
    _err(f"extracted entities for {n} line(s)")
    return EXIT_OK


def cmd_match(args, app) -> int:
    from consumers.matching.engine import Matcher
    from consumers.matching.offline import match_jsonl
    from consumers.matching.topics import TopicFileError, load_topics

    try:
        matcher = Matcher(load_topics(args.topics or app.settings.topics_file))
    except TopicFileError as exc:
        _err(str(exc))
        return EXIT_USAGE
    analyse = None if args.no_nlp else app.analyzer.analyse
    stats = match_jsonl(sys.stdin, sys.stdout, matcher, analyse)
    _err(f"{stats['items']} item(s), {stats['matched_items']} matched, {stats['matches']} match(es), "
         f"{stats['errors']} error(s)")
    return EXIT_OK


def cmd_eval_ner(args, app) -> int:
    from bench.ner_eval import format_report, run_ner_eval

    path = Path(args.conll or EVAL_DATA / "conll2003" / "eng.testb")
    if not path.exists():
        _err(f"no CoNLL file at {path}: pass --conll FILE")
        return EXIT_USAGE
    result = run_ner_eval(str(path), args.limit, progress=_err)
    print(format_report(result))
    ours = result["wirewatch"]["micro_PER_ORG_LOC"]["f1"]
    bare = result["bare"]["micro_PER_ORG_LOC"]["f1"]
    print(f"\nF1 on PER+ORG+LOC: wirewatch {ours:.3f}, bare en_core_web_sm {bare:.3f} (same run, same text)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return EXIT_OK


def _topic_predictor(topics_file: Path, topic: str):
    """Document level through the real matcher: does the topic fire on the story?"""
    from consumers.matching.engine import Matcher, MatchInput
    from consumers.matching.topics import load_topics

    matcher = Matcher([t for t in load_topics(topics_file) if t.name == topic])
    return lambda aid, headline, body, analysis: [
        m.why() for m in matcher.match(MatchInput(aid, headline, body, analysis))]


def cmd_eval_topics(args, app) -> int:
    """Without --set: the Reuters regression sets (as always) plus a hint; with --set (or a
    topic with a label set of its own): the real-news dev set."""
    if args.set == "regression" or (args.set is None and args.topic not in TOPIC_LABELS):
        code = _eval_regression(args, app)
        if args.set is None:
            _err("hint: --set dev|test|all evaluates the real-news dev set (tests/labels/devset/), "
                 "see docs/evaluation.md")
        return code
    return _eval_devset(args, app)


def _eval_regression(args, app) -> int:
    from bench.topic_eval import run_document_eval, run_sentence_eval

    articles = Path(args.articles or EVAL_DATA / "reuters" / "articles.jsonl")
    topics_file = Path(args.topics or app.settings.topics_file)
    started = time.monotonic()
    _err(f"sentence level: {LABELS / 'topic_sentences.tsv'}")
    s = run_sentence_eval(str(articles), str(LABELS / "topic_sentences.tsv"), app.analyzer)
    _err(f"document level: {LABELS / 'topic_docs.tsv'} through topic {args.topic}")
    d = run_document_eval(str(articles), str(LABELS / "topic_docs.tsv"), app.analyzer,
                          _topic_predictor(topics_file, args.topic))
    print(f"documents: n={d['n']} precision={d['precision']:.3f} recall={d['recall']:.3f} "
          f"(tp={d['tp']} fp={d['fp']} fn={d['fn']})")
    for m in d["misses"]:
        print(f"  MISS  {m['article_id']}  {m['note']}")
    for m in d["false_alarms"]:
        print(f"  FALSE {m['article_id']}  {m['note']}  {' | '.join(m['why'])[:200]}")
    print(f"sentences: n={s['n']} precision={s['precision']:.3f} recall={s['recall']:.3f} "
          f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")
    for m in s["misses"]:
        print(f"  MISS  {m['article_id']}@{m['body_char_start']}  {m['note']}")
    for m in s["false_alarms"]:
        print(f"  FALSE {m['article_id']}@{m['body_char_start']}  {m['note']}")
    _err(f"evaluated in {time.monotonic() - started:.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps({"documents": d, "sentences": s}, indent=2, default=str))
    return EXIT_OK


def _eval_devset(args, app) -> int:
    from bench.devset import LabelError, devset_files, load_labels, load_texts
    from bench.topic_eval import find_topic, format_devset_report, run_devset_eval, select_items, topic_predictor
    from consumers.matching.topics import TopicFileError

    files = [Path(args.topics)] if args.topics else [Path(app.settings.topics_file), EXAMPLE_TOPICS]
    try:
        topic, topic_path = find_topic(args.topic, files)
    except TopicFileError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if topic is None:
        _err(f"no topic named {args.topic!r} in {' or '.join(str(f) for f in files)}")
        return EXIT_USAGE
    own = TOPIC_LABELS.get(args.topic)
    paths = [Path(p) for p in args.labels] if args.labels else ([own] if own else devset_files())
    paths = [p for p in paths if p.exists()]
    if not paths:
        _err(f"no label files ({own or LABELS / 'devset' / '*.tsv'}): see docs/evaluation.md")
        return EXIT_USAGE
    split = args.set or "all"
    try:
        items = select_items(load_labels(paths), split, args.limit)
    except LabelError as exc:
        _err(f"invalid label file: {exc}")
        return EXIT_USAGE
    started = time.monotonic()
    missing = load_texts(items, Path(args.eval_data or EVAL_DATA))
    _err(f"{len(items)} item(s) of the {split} split from {len(paths)} file(s); {len(missing)} without a "
         f"text (python -m bench.devset check lists them); topic {topic.name} v{topic.version} from {topic_path}")
    res = run_devset_eval(items, app.analyzer, topic_predictor(topic), progress=_err)
    res.update({"topic": topic.name, "topic_version": topic.version, "topics_file": str(topic_path),
                "set": split, "label_files": [str(p) for p in paths]})
    print(format_devset_report(res, f"{topic.name} on the {split} split", show_splits=split == "all"))
    _err(f"evaluated in {time.monotonic() - started:.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, default=str))
    return EXIT_OK


def cmd_backtest(args, app) -> int:
    from consumers.matching.topics import TopicFileError, load_topics
    from wirewatch.backtest import backtest
    from wirewatch.views import count_items

    try:
        topics = [t for t in load_topics(args.topics or app.settings.topics_file) if t.name == args.topic]
    except TopicFileError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if not topics:
        _err(f"no topic named {args.topic!r} in {args.topics or app.settings.topics_file}")
        return EXIT_USAGE
    since = None
    if args.since:
        from wirewatch.cli.args import since_date

        # A datetime, not the string: a string binds as varchar, and PostgreSQL has no
        # `timestamptz >= varchar` (every `--since` failed).
        since = since_date(args.since) if isinstance(args.since, str) else args.since
    total = count_items(app.engine, since)
    _err(f"backtesting {args.topic} (v{topics[0].version}) over {total} stored item(s); nothing is sent")
    fired = 0
    for hit in backtest(app.engine, app.analyzer, topics[0], since,
                        progress=lambda done, n: _err(f"  {done}/{n} items")):
        fired += 1
        state = "already alerted" if hit.already_alerted else "NEW"
        print(f"{state:15} {hit.item_id} {hit.target or '-'}: {hit.evidence[:150]}")
    print(f"{fired} match(es) would fire over {total} item(s)")
    return EXIT_OK


def register(sub) -> None:
    from wirewatch.cli.args import bounded_int, since_date

    p = sub.add_parser("extract", help="entities for JSON Lines {id,text} on stdin",
                       description="Read JSON Lines {\"id\",\"text\"} on stdin; write "
                                   "{\"id\",\"entities\":[{start,end,label,text,canonical}]} per line.")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("match", help="match JSON Lines {id,headline,body} against topics, offline",
                       description="Offline matching: no Kafka, no database. One JSON line out per item, "
                                   "with every match and its explanation.")
    p.add_argument("--topics", help="topics YAML (default: WIREWATCH_TOPICS_FILE)")
    p.add_argument("--no-nlp", action="store_true", help="text queries only: skip spaCy (event and entity "
                                                         "conditions then never match)")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("eval", help="evaluate entity extraction or topic matching",
                       description="eval ner: CoNLL-2003 span+type F1, wirewatch vs bare en_core_web_sm. "
                                   "eval topics: precision/recall on the labelled Reuters regression set "
                                   "or (--set dev|test|all) the real-news dev set, listing every miss and "
                                   "false alarm.")
    ev = p.add_subparsers(dest="what", metavar="ner|topics", required=True)
    q = ev.add_parser("ner", help="NER F1 on a CoNLL-2003 file")
    q.add_argument("--conll", help="CoNLL file (default ../shared/eval-data/conll2003/eng.testb)")
    q.add_argument("--limit", type=bounded_int(1, 10**9, "a number of articles"),
                   help="only the first N articles (quick check)")
    q.add_argument("--json", metavar="FILE", help="also write the full result as JSON")
    q.set_defaults(func=cmd_eval_ner)
    q = ev.add_parser("topics", help="topic precision/recall: Reuters regression sets or the real-news dev set",
                      description="Without --set: the Reuters regression sets (document and sentence "
                                  "level). --set dev|test|all: the real-news dev set in tests/labels/devset/ "
                                  "through the real topic matcher, per form, region and split, with every "
                                  "miss and false alarm (docs/evaluation.md). --topic arrests-of-journalists "
                                  "uses tests/labels/journalists.tsv (all items unless --set).")
    q.add_argument("--set", choices=("dev", "test", "all", "regression"),
                   help="which labelled set (default: regression, or all for a topic with its own labels)")
    q.add_argument("--topic", default=FLAGSHIP, help=f"topic name (default {FLAGSHIP})")
    q.add_argument("--topics", help="topics YAML (default: WIREWATCH_TOPICS_FILE, then "
                                    "config/topics.examples.yaml for the dev set)")
    q.add_argument("--articles", help="articles JSONL (default ../shared/eval-data/reuters/articles.jsonl)")
    q.add_argument("--eval-data", metavar="DIR", help="shared eval data for the dev set's texts "
                                                      "(default ../shared/eval-data)")
    q.add_argument("--labels", metavar="FILE", action="append",
                   help="dev-set label file(s) instead of the topic's own (repeatable)")
    q.add_argument("--limit", type=bounded_int(1, 10**9, "a number of items"),
                   help="dev set: only a fixed sample of N items (quick check)")
    q.add_argument("--json", metavar="FILE", help="also write the full result as JSON")
    q.set_defaults(func=cmd_eval_topics)

    p = sub.add_parser("backtest", help="run a new or edited topic over stored items; sends nothing",
                       description="Report what TOPIC would have fired on the items already stored. "
                                   "Nothing is written and no email is sent.")
    p.add_argument("--topic", required=True)
    p.add_argument("--topics", help="topics YAML holding the (edited) topic")
    p.add_argument("--since", type=since_date, metavar="DATE",
                   help="only items published or received since this date (YYYY-MM-DD, UTC)")
    p.set_defaults(func=cmd_backtest)
